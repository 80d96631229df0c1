//! Tenant-defined entities: regexes and keyword lists from configuration, reported as
//! `category: "custom"` under the tenant's entity name.
//!
//! Keywords are a deny list: each one found as a whole word (ASCII case-insensitive) is a
//! finding, e.g. internal project code names. Regexes are compiled once at start; all of a
//! scanner's custom regexes are first tried together as one `RegexSet`, so a prompt that
//! matches none of them costs one pass whatever their number.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexSet};

use super::error::ScanError;
use super::finding::{Category, Finding};
use super::text::touches_alnum;

/// A tenant's entity definition, as the configuration layer hands it over.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomEntity {
    /// Entity name reported in findings, e.g. `EMPLOYEE_ID`.
    pub name: String,
    /// Patterns whose matches are findings (Rust `regex` syntax).
    pub regexes: Vec<String>,
    /// Words or phrases that are findings wherever they occur as whole words.
    pub keywords: Vec<String>,
    /// Score given to this entity's findings, 0..=1.
    pub score: f32,
}

impl CustomEntity {
    /// Compiles the entity alone, so configuration checks can name the one at fault
    /// before a scanner is built.
    pub fn check(&self) -> Result<(), ScanError> {
        CustomDetector::new(vec![self.clone()]).map(drop)
    }
}

pub(crate) struct CustomDetector {
    set: Option<RegexSet>,
    regexes: Vec<(Regex, usize)>,
    keywords: Option<AhoCorasick>,
    keyword_entity: Vec<usize>,
    names: Vec<(Arc<str>, f32)>,
}

impl CustomDetector {
    pub(crate) fn new(entities: Vec<CustomEntity>) -> Result<Self, ScanError> {
        let mut regexes = Vec::new();
        let mut sources = Vec::new();
        let mut words = Vec::new();
        let mut keyword_entity = Vec::new();
        let mut names = Vec::new();
        for (i, e) in entities.iter().enumerate() {
            let bad = |reason: String| ScanError::CustomEntity {
                name: e.name.clone(),
                reason,
            };
            // The name is written into placeholders (`<EMPLOYEE_ID_1>`), which a later
            // turn's history is searched for in that alphabet alone.
            if e.name.is_empty() || !e.name.bytes().all(super::redact::placeholder_name_byte) {
                return Err(bad(
                    "name must be upper-case ASCII letters, digits and _ (it is written into placeholders such as <EMPLOYEE_ID_1>)"
                        .to_owned(),
                ));
            }
            if !(0.0..=1.0).contains(&e.score) {
                return Err(bad(format!("score {} is outside 0..=1", e.score)));
            }
            if e.regexes.is_empty() && e.keywords.is_empty() {
                return Err(bad("has neither regexes nor keywords".to_owned()));
            }
            for r in &e.regexes {
                let re = Regex::new(r).map_err(|err| bad(format!("regex {r:?}: {err}")))?;
                if re.is_match("") {
                    return Err(bad(format!("regex {r:?} matches the empty string")));
                }
                regexes.push((re, i));
                sources.push(r.clone());
            }
            for k in e.keywords.iter().filter(|k| !k.trim().is_empty()) {
                words.push(k.trim().to_owned());
                keyword_entity.push(i);
            }
            names.push((Arc::from(e.name.as_str()), e.score));
        }
        let set = if sources.is_empty() {
            None
        } else {
            Some(
                RegexSet::new(&sources).map_err(|e| ScanError::CustomEntity {
                    name: "(all)".to_owned(),
                    reason: e.to_string(),
                })?,
            )
        };
        let keywords = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .build(&words)
                    .map_err(|e| ScanError::CustomEntity {
                        name: "(keywords)".to_owned(),
                        reason: e.to_string(),
                    })?,
            )
        };
        Ok(CustomDetector {
            set,
            regexes,
            keywords,
            keyword_entity,
            names,
        })
    }

    pub(crate) fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        if let Some(set) = &self.set {
            for idx in set.matches(text).iter() {
                let (re, e) = &self.regexes[idx];
                let (name, score) = &self.names[*e];
                for m in re.find_iter(text).filter(|m| !m.is_empty()) {
                    out.push(Finding {
                        category: Category::Custom,
                        entity: Arc::clone(name),
                        start: m.start(),
                        end: m.end(),
                        score: *score,
                    });
                }
            }
        }
        // Every keyword match, overlapping ones too: the longest at a place may be cut
        // off from a word (`Falcon Ridge` in `Falcon Ridgeline`) where a shorter one
        // (`Falcon`) stands whole. Overlaps are resolved with the other findings.
        if let Some(ac) = &self.keywords {
            let mut whole: Vec<(usize, usize, std::cmp::Reverse<usize>)> = ac
                .find_overlapping_iter(text)
                .filter(|m| !touches_alnum(text, m.start(), m.end()))
                .map(|m| {
                    let entity = self.keyword_entity[m.pattern().as_usize()];
                    (m.start(), entity, std::cmp::Reverse(m.end()))
                })
                .collect();
            // Each entity's longest whole match at each place: nested keywords (`x`,
            // `x x`, …) must not multiply the findings. Entities stay apart, for the
            // overlap resolution to weigh their scores.
            whole.sort_unstable();
            whole.dedup_by_key(|m| (m.0, m.1));
            for (start, entity, std::cmp::Reverse(end)) in whole {
                let (name, score) = &self.names[entity];
                out.push(Finding {
                    category: Category::Custom,
                    entity: Arc::clone(name),
                    start,
                    end,
                    score: *score,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_and_keywords() {
        let d = CustomDetector::new(vec![CustomEntity {
            name: "EMPLOYEE_ID".into(),
            regexes: vec![r"\bEMP-\d{6}\b".into()],
            keywords: vec!["Project Falcon".into()],
            score: 0.9,
        }])
        .unwrap();
        let t = "EMP-004211 works on project falcon, not falconry.";
        let mut v = Vec::new();
        d.scan(t, &mut v);
        let got: Vec<&str> = v.iter().map(|f| &t[f.start..f.end]).collect();
        assert_eq!(got, vec!["EMP-004211", "project falcon"]);
        assert!(v
            .iter()
            .all(|f| f.category == Category::Custom && &*f.entity == "EMPLOYEE_ID"));
    }

    #[test]
    fn bad_definitions_are_errors() {
        let e = |regexes: Vec<String>, score| CustomEntity {
            name: "X".into(),
            regexes,
            keywords: vec![],
            score,
        };
        assert!(CustomDetector::new(vec![e(vec!["(".into()], 0.5)]).is_err());
        assert!(CustomDetector::new(vec![e(vec!["a*".into()], 0.5)]).is_err());
        assert!(CustomDetector::new(vec![e(vec!["a".into()], 1.5)]).is_err());
        assert!(CustomDetector::new(vec![e(vec![], 0.5)]).is_err());
        for name in ["Employee", "A>B", "EMPLOYEE ID", ""] {
            let named = CustomEntity {
                name: name.into(),
                ..e(vec!["a".into()], 0.5)
            };
            let err = named.check().unwrap_err().to_string();
            assert!(err.contains("upper-case ASCII letters"), "{name}: {err}");
        }
    }

    /// A longer keyword cut off from a word does not hide a shorter one standing whole.
    #[test]
    fn a_shorter_keyword_stands_where_a_longer_one_is_cut() {
        let d = CustomDetector::new(vec![CustomEntity {
            name: "PLACE".into(),
            regexes: vec![],
            keywords: vec!["Falcon".into(), "Falcon Ridge".into()],
            score: 0.9,
        }])
        .unwrap();
        let t = "Falcon Ridgeline, then Falcon Ridge.";
        let mut v = Vec::new();
        d.scan(t, &mut v);
        let mut got: Vec<(usize, &str)> = v.iter().map(|f| (f.start, &t[f.start..f.end])).collect();
        got.sort();
        assert_eq!(got, [(0, "Falcon"), (23, "Falcon Ridge")]);
        // Two entities at one place are both offered: a score decides between them later.
        let two = CustomDetector::new(vec![
            CustomEntity {
                name: "PROJECT".into(),
                regexes: vec![],
                keywords: vec!["Falcon Ridge".into()],
                score: 0.4,
            },
            CustomEntity {
                name: "CODENAME".into(),
                regexes: vec![],
                keywords: vec!["Falcon".into()],
                score: 0.9,
            },
        ])
        .unwrap();
        let mut v = Vec::new();
        two.scan("Falcon Ridge", &mut v);
        let mut got: Vec<(&str, usize)> = v.iter().map(|f| (&*f.entity, f.end)).collect();
        got.sort();
        assert_eq!(got, [("CODENAME", 6), ("PROJECT", 12)]);
    }
}

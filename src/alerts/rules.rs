//! Alert rules: keyword lists and regexes, English and Spanish, matched in one pass.
//!
//! Keywords match whole words after lower-casing and removing accents on both sides, so
//! "Fallan los FRENOS" meets the keyword "fallan los frenos" and "incendio" meets
//! "incendió". All keywords of all rules form one Aho-Corasick automaton; all regexes one
//! `RegexSet` (run on the original text, so operators write `(?i)` themselves). Pure: no
//! I/O; the cost per message is one normalisation and two linear scans.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::RegexSet;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::config::source::Diagnostics;

#[derive(Debug, Deserialize, Clone)]
pub struct RawAlertRule {
    pub name: String,
    pub category: String,
    #[serde(default = "d_priority")]
    pub priority: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
}

fn d_priority() -> String {
    "medium".into()
}

/// What a matched rule reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    pub name: String,
    pub category: String,
    pub priority: String,
}

#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<RuleMeta>,
    keywords: Option<AhoCorasick>,
    keyword_rule: Vec<usize>,
    regexes: Option<RegexSet>,
    regex_rule: Vec<usize>,
}

/// Lower-case, accents removed, so both sides of a keyword match compare alike.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

impl RuleSet {
    pub(crate) fn build(raw: &[RawAlertRule], key: &str, d: &mut Diagnostics) -> RuleSet {
        let mut rules = Vec::new();
        let mut kws = Vec::new();
        let mut keyword_rule = Vec::new();
        let mut res = Vec::new();
        let mut regex_rule = Vec::new();
        for (i, r) in raw.iter().enumerate() {
            let rk = format!("{key}[{i}]");
            if !matches!(r.priority.as_str(), "low" | "medium" | "high" | "critical") {
                d.error(
                    format!("{rk}.priority"),
                    format!("{:?} is not one of low, medium, high, critical", r.priority),
                );
            }
            if r.keywords.is_empty() && r.regexes.is_empty() {
                d.error(rk.clone(), "a rule needs keywords or regexes");
            }
            for kw in &r.keywords {
                let f = fold(kw.trim());
                if !f.is_empty() {
                    kws.push(f);
                    keyword_rule.push(rules.len());
                }
            }
            for (j, re) in r.regexes.iter().enumerate() {
                match regex::Regex::new(re) {
                    Ok(_) => {
                        res.push(re.clone());
                        regex_rule.push(rules.len());
                    }
                    Err(e) => d.error(format!("{rk}.regexes[{j}]"), format!("invalid regex: {e}")),
                }
            }
            rules.push(RuleMeta {
                name: r.name.clone(),
                category: r.category.clone(),
                priority: r.priority.clone(),
            });
        }
        let keywords = if kws.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&kws)
                .map_err(|e| d.error(key.to_string(), e.to_string()))
                .ok()
        };
        let regexes = if res.is_empty() {
            None
        } else {
            RegexSet::new(&res)
                .map_err(|e| d.error(key.to_string(), e.to_string()))
                .ok()
        };
        RuleSet {
            rules,
            keywords,
            keyword_rule,
            regexes,
            regex_rule,
        }
    }

    /// Compiles a YAML list of rules, for tools and benchmarks.
    pub fn from_yaml(text: &str) -> Result<RuleSet, String> {
        let raw: Vec<RawAlertRule> = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let mut d = Diagnostics::new(std::path::Path::new("<rules>"), text);
        let set = Self::build(&raw, "rules", &mut d);
        if d.errors.is_empty() {
            Ok(set)
        } else {
            Err(d
                .errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules `text` sets off, each once, in rule order, with their places in the list.
    pub fn matches(&self, text: &str) -> Vec<(usize, &RuleMeta)> {
        let mut hit = vec![false; self.rules.len()];
        if let Some(ac) = &self.keywords {
            let folded = fold(text);
            for m in ac.find_overlapping_iter(&folded) {
                let before = folded[..m.start()].chars().next_back();
                let after = folded[m.end()..].chars().next();
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                if !word(before) && !word(after) {
                    hit[self.keyword_rule[m.pattern().as_usize()]] = true;
                }
            }
        }
        if let Some(set) = &self.regexes {
            for i in set.matches(text).iter() {
                hit[self.regex_rule[i]] = true;
            }
        }
        self.rules
            .iter()
            .enumerate()
            .zip(hit)
            .filter(|(_, h)| *h)
            .map(|(r, _)| r)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> RuleSet {
        let raw: Vec<RawAlertRule> = serde_yaml::from_str(
            r#"
- {name: safety, category: safety, priority: high, keywords: ["brake failure", "fallan los frenos", "fuga de combustible", "incendio", "airbag"]}
- {name: legal, category: legal, keywords: ["lawsuit", "demanda"], regexes: ["(?i)\\binjur(y|ies)\\b"]}
- {name: human, category: human, priority: low, keywords: ["speak to a human", "hablar con una persona"]}
"#,
        )
        .unwrap();
        let mut d = Diagnostics::new(std::path::Path::new("t.yaml"), "");
        let s = RuleSet::build(&raw, "alerts.rules", &mut d);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        s
    }

    #[test]
    fn english_and_spanish_with_accents_and_case() {
        let s = set();
        let names = |t: &str| {
            s.matches(t)
                .iter()
                .map(|(_, r)| r.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("Ayuda, ¡FALLAN LOS FRENOS de mi auto!"), ["safety"]);
        assert_eq!(names("Hubo un incendió en el motor"), ["safety"]);
        assert_eq!(
            names("I want to speak to a human about my lawsuit"),
            ["legal", "human"]
        );
        assert_eq!(names("Minor injuries reported"), ["legal"]);
        assert!(
            names("the fireplace and the airbags-free model").is_empty(),
            "whole words only"
        );
        assert!(names("What is the weather today?").is_empty());
    }
}

//! Operator rules in gitleaks' TOML format, so public rule sets work unchanged.
//!
//! Supported: `[[rules]]` with `id`, `description`, `regex`, `keywords`, `entropy`,
//! `secretGroup`, and allowlists in both spellings (`[rules.allowlist]` and
//! `[[rules.allowlists]]`) with `regexes`, `regexTarget` (`secret`, `match`, `line`),
//! `stopwords` and `condition` (`OR`, `AND`); plus the global `[allowlist]`/`[[allowlists]]`,
//! which `targetRules` scopes to rules of the same file.
//! Path and commit criteria have no meaning for a prompt and are ignored; a rule that has
//! only a `path` cannot apply to text and is reported.
//!
//! Go's RE2 and Rust's `regex` share most syntax but not all; a rule whose regex does not
//! compile here is reported by id in the returned error list, never silently dropped, and
//! the rest of the file still loads. A file that is not valid TOML is an error.

use std::sync::Arc;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::error::{RuleError, ScanError};
use super::secrets::{Allowlist, Check, SecretRule, Target};

/// What one file yields.
pub(crate) struct Parsed {
    pub(crate) rules: Vec<SecretRule>,
    pub(crate) allowlists: Vec<Allowlist>,
    pub(crate) errors: Vec<RuleError>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    rules: Vec<RawRule>,
    allowlist: Option<RawAllow>,
    #[serde(default)]
    allowlists: Vec<RawAllow>,
    /// gitleaks' `[extend]` (its default rules, another file): not followed here.
    extend: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: Option<String>,
    regex: Option<String>,
    path: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    entropy: Option<f64>,
    secret_group: Option<usize>,
    allowlist: Option<RawAllow>,
    #[serde(default)]
    allowlists: Vec<RawAllow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAllow {
    condition: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    regex_target: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    /// Global allowlists only (gitleaks 8.25+): the rules it applies to, by id.
    #[serde(default)]
    target_rules: Vec<String>,
    /// File paths and commits: a prompt has neither, so only their presence matters.
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

/// Regex size limit per rule: generous for public rule sets, bounded for memory.
const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;

/// `\w`, `\d`, `\s` and `\b` as gitleaks means them: Go's RE2 reads them as ASCII, the
/// regex crate as Unicode. Besides matching what the rule's authors tested, the ASCII forms
/// keep public rules compilable: gitleaks' own `generic-api-key` repeats `\w` in bounded
/// runs, and with Unicode classes it outgrows the size limit. A pattern that does not parse
/// is returned as it is, for `compile` to report.
fn re2_classes(pattern: &str) -> String {
    use regex_syntax::ast::{self, Ast, ClassPerlKind, ClassSetItem};

    struct Spans(Vec<(usize, usize, String)>);

    fn class(kind: &ClassPerlKind, negated: bool) -> String {
        let set = match kind {
            ClassPerlKind::Digit => "0-9",
            ClassPerlKind::Space => "\\t\\n\\f\\r ",
            ClassPerlKind::Word => "0-9A-Za-z_",
        };
        format!("[{}{set}]", if negated { "^" } else { "" })
    }

    impl ast::Visitor for Spans {
        type Output = Vec<(usize, usize, String)>;
        type Err = ();
        fn finish(self) -> Result<Self::Output, ()> {
            Ok(self.0)
        }
        fn visit_pre(&mut self, a: &Ast) -> Result<(), ()> {
            match a {
                Ast::ClassPerl(c) => {
                    let s = c.span;
                    self.0
                        .push((s.start.offset, s.end.offset, class(&c.kind, c.negated)));
                }
                Ast::Assertion(x) => {
                    let text = match x.kind {
                        ast::AssertionKind::WordBoundary => "(?-u:\\b)",
                        ast::AssertionKind::NotWordBoundary => "(?-u:\\B)",
                        _ => return Ok(()),
                    };
                    self.0
                        .push((x.span.start.offset, x.span.end.offset, text.to_owned()));
                }
                _ => {}
            }
            Ok(())
        }
        fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), ()> {
            // Inside brackets a nested class is a union: `[\w.-]` → `[[0-9A-Za-z_].-]`.
            if let ClassSetItem::Perl(c) = item {
                let s = c.span;
                self.0
                    .push((s.start.offset, s.end.offset, class(&c.kind, c.negated)));
            }
            Ok(())
        }
    }

    let Ok(parsed) = ast::parse::Parser::new().parse(pattern) else {
        return pattern.to_owned();
    };
    let Ok(mut spans) = ast::visit(&parsed, Spans(Vec::new())) else {
        return pattern.to_owned();
    };
    spans.sort_by_key(|&(start, _, _)| start);
    let mut out = String::with_capacity(pattern.len() + spans.len() * 12);
    let mut at = 0;
    for (start, end, text) in spans {
        out.push_str(&pattern[at..start]);
        out.push_str(&text);
        at = end;
    }
    out.push_str(&pattern[at..]);
    out
}

/// Whether a match can run on across lines for longer than a window: a repetition
/// without a small bound over something that matches a line break and letters too
/// (`[\s\S]*`, `[A-Za-z0-9+/\s]+`, `(?s).+`), as rules for key bodies read them.
/// Blanks alone (`\s*`) do not count: runs of empty lines do not carry secrets.
fn spans_lines(pattern: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};

    /// Whether some part of `h` matches a line break, and some part letters or digits:
    /// repeated, the two together run across lines (`(?:[A-Za-z0-9+/=]+\s+)+`).
    fn reach(h: &Hir) -> (bool, bool) {
        let either = |v: &[Hir]| {
            v.iter()
                .map(reach)
                .fold((false, false), |a, b| (a.0 || b.0, a.1 || b.1))
        };
        match h.kind() {
            HirKind::Class(Class::Unicode(c)) => {
                let has = |x: char| c.ranges().iter().any(|r| r.start() <= x && x <= r.end());
                (has('\n'), has('a') || has('A') || has('0'))
            }
            HirKind::Class(Class::Bytes(c)) => {
                let has = |x: u8| c.ranges().iter().any(|r| r.start() <= x && x <= r.end());
                (has(b'\n'), has(b'a') || has(b'A') || has(b'0'))
            }
            HirKind::Literal(l) => (
                l.0.contains(&b'\n'),
                l.0.iter().any(u8::is_ascii_alphanumeric),
            ),
            HirKind::Repetition(r) => reach(&r.sub),
            HirKind::Capture(c) => reach(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => either(v),
            _ => (false, false),
        }
    }
    fn long(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Repetition(r) => {
                (r.max.is_none_or(|m| m > 256) && reach(&r.sub) == (true, true)) || long(&r.sub)
            }
            HirKind::Capture(c) => long(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(long),
            _ => false,
        }
    }
    regex_syntax::Parser::new()
        .parse(pattern)
        .is_ok_and(|h| long(&h))
}

fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(&re2_classes(pattern))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            e.to_string()
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_owned()
        })
}

/// `None` for an allowlist that can never apply to a prompt: one whose `AND` condition
/// needs a path or a commit to match.
fn allowlist(raw: &RawAllow) -> Result<Option<Allowlist>, String> {
    let target = match raw
        .regex_target
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("secret") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(other) => {
            return Err(format!(
                "allowlist regexTarget {other:?} is not secret, match or line"
            ))
        }
    };
    let and = match raw
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("OR") => false,
        Some("AND") => true,
        Some(other) => return Err(format!("allowlist condition {other:?} is not OR or AND")),
    };
    let regexes = raw
        .regexes
        .iter()
        .map(|r| compile(r).map_err(|e| format!("allowlist regex {r:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    if and && (!raw.paths.is_empty() || !raw.commits.is_empty()) {
        return Ok(None);
    }
    Ok(Some(Allowlist {
        regexes,
        stopwords: raw.stopwords.iter().map(|s| s.to_lowercase()).collect(),
        target,
        and,
    }))
}

/// `aws-access-token` → `AWS_ACCESS_TOKEN`, the entity name operator findings carry.
fn entity_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Parses one gitleaks TOML file.
pub(crate) fn parse(toml_text: &str) -> Result<Parsed, ScanError> {
    let file: File = toml::from_str(toml_text)?;
    let mut parsed = Parsed {
        rules: Vec::new(),
        allowlists: Vec::new(),
        errors: Vec::new(),
    };
    if file.extend.is_some() {
        parsed.errors.push(RuleError {
            id: "[extend]".to_owned(),
            reason: "not followed: the rules it would add (gitleaks' defaults or another file) \
                     are not loaded; the built-in rules cover the major providers, and any \
                     other rule must be in this file"
                .to_owned(),
        });
    }
    for (n, raw) in file.rules.iter().enumerate() {
        let id = raw.id.clone().unwrap_or_else(|| format!("rules[{n}]"));
        match rule(&id, raw) {
            Ok(r) => parsed.rules.push(r),
            Err(reason) => parsed.errors.push(RuleError { id, reason }),
        }
    }
    for raw in file.allowlist.iter().chain(&file.allowlists) {
        let compiled = match allowlist(raw) {
            Ok(Some(a)) => a,
            Ok(None) => continue,
            Err(reason) => {
                parsed.errors.push(RuleError {
                    id: "[allowlist]".to_owned(),
                    reason,
                });
                continue;
            }
        };
        if raw.target_rules.is_empty() {
            parsed.allowlists.push(compiled);
            continue;
        }
        // Scoped to some rules: it joins theirs, and never becomes global (where it would
        // also silence the built-in rules).
        for target in &raw.target_rules {
            match parsed.rules.iter_mut().find(|r| &*r.id == target.as_str()) {
                Some(r) => r.allow.push(compiled.clone()),
                None => parsed.errors.push(RuleError {
                    id: "[allowlist]".to_owned(),
                    reason: format!(
                        "targetRules names {target:?}, which this file does not define; \
                         not applied to it"
                    ),
                }),
            }
        }
    }
    Ok(parsed)
}

fn rule(id: &str, raw: &RawRule) -> Result<SecretRule, String> {
    let Some(pattern) = raw.regex.as_deref() else {
        return Err(if raw.path.is_some() {
            "path-only rule: it matches file names, which a prompt does not have".to_owned()
        } else {
            "rule has no regex (a rule that only adds allowlists to an [extend]ed rule has \
             nothing to extend here)"
                .to_owned()
        });
    };
    let regex = compile(pattern)?;
    if let Some(g) = raw.secret_group {
        if g >= regex.captures_len() {
            return Err(format!(
                "secretGroup {g} but the regex has {} groups",
                regex.captures_len() - 1
            ));
        }
    }
    let allow = raw
        .allowlist
        .iter()
        .chain(&raw.allowlists)
        .map(allowlist)
        .filter_map(Result::transpose)
        .collect::<Result<Vec<_>, _>>()?;
    let multiline =
        pattern.contains("\\n") || pattern.contains("(?s") || spans_lines(regex.as_str());
    Ok(SecretRule {
        id: Arc::from(id),
        entity: Arc::from(entity_name(id).as_str()),
        regex,
        // gitleaks lowercases the text before it looks for keywords; the automaton folds
        // ASCII alone, so a keyword with other letters is looked for in upper case too
        // (`contraseña` in `CONTRASEÑA`).
        ci: raw
            .keywords
            .iter()
            .filter(|k| !k.is_empty())
            .flat_map(|k| {
                let upper = (!k.is_ascii()).then(|| k.to_uppercase());
                std::iter::once(k.to_lowercase()).chain(upper)
            })
            .collect(),
        cs: Vec::new(),
        // gitleaks drops a secret whose entropy is at or below the floor; the shared check
        // drops it below, so the floor moves up by one step. Zero stays "no floor".
        entropy: raw
            .entropy
            .filter(|&e| e > 0.0)
            .map_or(0.0, |e| f32::from_bits((e as f32).to_bits() + 1)),
        group: raw.secret_group.filter(|&g| g > 0),
        score: 0.85,
        multiline,
        check: Check::None,
        allow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
title = "test rules"

[allowlist]
regexes = ['''EXAMPLEONLY''']

[[rules]]
id = "acme-token"
description = "Acme API token"
regex = '''\b(acme_[a-z0-9]{24})\b'''
keywords = ["acme_"]
entropy = 3.0
secretGroup = 1

[[rules]]
id = "lookaround"
regex = '''(?<=key=)[a-z]+'''
keywords = ["key="]

[[rules]]
id = "pkcs12-file"
path = '''\.p12$'''

[[rules]]
id = "with-allowlist"
regex = '''widget-[0-9]{6}'''
keywords = ["widget-"]
[[rules.allowlists]]
regexes = ['''widget-000000''']
"#;

    #[test]
    fn loads_good_rules_and_reports_bad_ones_by_id() {
        let p = parse(FILE).unwrap();
        let ids: Vec<&str> = p.rules.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, vec!["acme-token", "with-allowlist"]);
        let bad: Vec<&str> = p.errors.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(bad, vec!["lookaround", "pkcs12-file"]);
        assert_eq!(&*p.rules[0].entity, "ACME_TOKEN");
        assert_eq!(p.allowlists.len(), 1);
    }

    #[test]
    fn a_targeted_allowlist_joins_its_rules_and_is_not_global() {
        let p = parse(
            r#"
[[rules]]
id = "acme-token"
regex = 'acme_[a-z0-9]{8}'

[[allowlists]]
targetRules = ["acme-token", "not-here"]
stopwords = ["acme_test"]
"#,
        )
        .unwrap();
        assert!(p.allowlists.is_empty());
        assert_eq!(p.rules[0].allow.len(), 1);
        assert_eq!(p.errors.len(), 1);
        assert!(
            p.errors[0].reason.contains("\"not-here\""),
            "{:?}",
            p.errors
        );
    }

    #[test]
    fn rules_whose_matches_run_across_lines_are_seen_as_multiline() {
        for (pattern, crosses) in [
            (r"-----BEGIN ACME-----[\s\S]*?-----END ACME-----", true),
            (r"(?s)vault:.+end", true),
            (r"body:[A-Za-z0-9+/\s]{100,}", true),
            (r"(?:[A-Za-z0-9+/=]+\s+)+", true),
            (r"(?:[A-Za-z0-9+/=]{64}\n)+", true),
            (r#"[^"]*"#, true),
            (r"password\s*=\s*(\w+)", false),
            (r"[\s\S]{0,40}", false),
            (r"acme_[a-z0-9]{8}", false),
        ] {
            assert_eq!(spans_lines(&re2_classes(pattern)), crosses, "{pattern}");
        }
        let p =
            parse("[[rules]]\nid = \"vault-blob\"\nregex = '''VAULT-BEGIN[\\s\\S]+?VAULT-END'''\n")
                .unwrap();
        assert!(p.rules[0].multiline);
    }

    #[test]
    fn extend_is_reported_not_silently_dropped() {
        let p =
            parse("[extend]\nuseDefault = true\n\n[[rules]]\nid = \"generic-api-key\"\n").unwrap();
        let ids: Vec<&str> = p.errors.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, vec!["[extend]", "generic-api-key"]);
    }

    #[test]
    fn and_allowlists_that_need_a_path_never_apply() {
        let p = parse(
            r#"
[[rules]]
id = "acme-token"
regex = 'acme_[a-z0-9]{8}'
[[rules.allowlists]]
condition = "AND"
paths = ['''\.md$''']
regexes = ['''acme_test''']
[[rules.allowlists]]
regexes = ['''acme_demo''']

[[allowlists]]
condition = "AND"
commits = ["abc123"]
stopwords = ["acme"]
"#,
        )
        .unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert!(p.allowlists.is_empty());
        assert_eq!(p.rules[0].allow.len(), 1);
    }

    #[test]
    fn entropy_floor_is_exclusive_as_in_gitleaks() {
        let p = parse("[[rules]]\nid = \"e\"\nregex = 'x'\nentropy = 3.0\n").unwrap();
        // A secret at exactly 3.0 (`abcdefgh`) is dropped by gitleaks: the shared `<` check
        // gets the next float up.
        assert_eq!(p.rules[0].entropy, f32::from_bits(3.0f32.to_bits() + 1));
        assert!(p.rules[0].entropy > 3.0 && p.rules[0].entropy < 3.000_001);
    }

    /// gitleaks' own `generic-api-key` (default config, 8.x): its many `\w` repetitions
    /// must compile within the size limit and find what gitleaks finds.
    #[test]
    fn the_default_generic_api_key_rule_loads_and_finds() {
        let file = r#"
[[rules]]
id = "generic-api-key"
regex = '''(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)'''
entropy = 3.5
keywords = ["access","api","auth","key","credential","creds","passwd","password","secret","token"]
"#;
        let p = parse(file).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let text = "config: db_password = \"Xq9vL2mP8rT4wZ7k\"\n";
        let caps = p.rules[0].regex.captures(text).unwrap();
        assert_eq!(&caps[1], "Xq9vL2mP8rT4wZ7k");
    }

    #[test]
    fn perl_classes_read_as_ascii_like_re2() {
        assert_eq!(
            re2_classes(r"\bk\w+[\w.-]\d\s\B[^\W]\\w"),
            r"(?-u:\b)k[0-9A-Za-z_]+[[0-9A-Za-z_].-][0-9][\t\n\f\r ](?-u:\B)[^[^0-9A-Za-z_]]\\w"
        );
        assert_eq!(re2_classes("(unclosed"), "(unclosed");
        let r = compile(r"key=(\w+)").unwrap();
        assert_eq!(&r.captures("key=abcé").unwrap()[1], "abc");
    }

    #[test]
    fn keywords_beyond_ascii_are_found_in_either_case() {
        let p =
            parse("[[rules]]\nid = \"pw\"\nregex = 'x'\nkeywords = [\"Contraseña\", \"token\"]\n")
                .unwrap();
        assert_eq!(p.rules[0].ci, ["contraseña", "CONTRASEÑA", "token"]);
    }

    #[test]
    fn invalid_toml_is_an_error() {
        assert!(parse("[[rules]\nid=").is_err());
    }
}

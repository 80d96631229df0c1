//! Rule files: the YAML an operator writes, and its validation into [`Rule`]s.
//!
//! Rules are data so operators can add their own without a release. A file is
//! `rules: [ … ]`; each rule has an `id`, `languages`, a `cwe`, a `severity`, a `message`, an
//! optional `fix`, and exactly one matcher:
//!
//! * `query` — a tree-sitter query (with the standard `#eq?`/`#match?`/`#any-of?`
//!   predicates) over the syntax tree, plus `where` conditions on its captures that the query
//!   language cannot express: `dynamic`, `not_dynamic`, `constant`, `not_constant`,
//!   `from_source`, `not_from_source`, `from_param`, `tainted` (source or parameter),
//!   `unsafe_string` (dynamic or from a source), `matches`/`not_matches` (regex on the
//!   capture's text), `value_matches`/`not_value_matches` (the same, or for a variable on
//!   every value it is given before its use, assignments and `with … as` alike, so that
//!   `f = request.files["x"]` reads as the upload it is),
//!   `kwarg`/`no_kwarg` (a keyword argument or option of a call). A
//!   condition applies to the matches that bind its capture, so one rule can hold several
//!   patterns with different conditions. `report` names the capture whose line is reported
//!   (default: the earliest capture); `sanitizers` are regexes that, found in the enclosing
//!   function, silence the rule.
//! * `pattern` — a regex matched per line (config formats), with `unless_line` to exclude
//!   lines and `inside` to require that the innermost enclosing block header (Terraform/nginx
//!   braces, YAML indentation) matches.
//! * `missing` — fires once when no line matches `missing` (and not `unless_line`), e.g. a
//!   Dockerfile with no non-root `USER`; reported at the first line matching `anchor`.
//! * `secrets: true` — hands the snippet to the caller's [`SecretFinder`](super::SecretFinder).
//!
//! Any rule may carry `only_if` / `unless`: regexes on the whole snippet that gate it.
//!
//! Parsing is two-step, as in the rest of the crate: serde types that mirror the YAML
//! (`deny_unknown_fields`), then validation into the compiled form the hot path uses.
//! Every problem is reported, not just the first, each naming its origin and rule id.
//! Regexes use the `regex` crate (linear time), so an operator's pattern cannot make a scan
//! backtrack catastrophically. Tree-sitter queries are compiled by the engine at start, one
//! combined query per language, so an invalid node kind or field is a load-time error naming
//! the rule and the language, never a silent no-match.

use super::finding::Severity;
use super::lang::Lang;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;

/// A rule file problem, naming where and which rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: rule `{rule_id}`: {problem}")]
pub struct RuleError {
    /// The name the caller gave the rule text (a file name, `builtin:python.yaml`).
    pub origin: String,
    /// The offending rule's id, or `?` / `<file>` when it has none.
    pub rule_id: String,
    /// What is wrong, in words an operator can act on.
    pub problem: String,
}

impl RuleError {
    fn new(origin: &str, rule_id: &str, problem: impl fmt::Display) -> Self {
        RuleError {
            origin: origin.to_string(),
            rule_id: rule_id.to_string(),
            problem: problem.to_string(),
        }
    }
}

// ----- the YAML model ---------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    rules: Vec<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    languages: Vec<String>,
    cwe: String,
    severity: Severity,
    message: String,
    #[serde(default)]
    fix: Option<String>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default, rename = "where")]
    conditions: Vec<RawCondition>,
    #[serde(default)]
    report: Option<String>,
    #[serde(default)]
    sanitizers: Vec<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    unless_line: Option<String>,
    #[serde(default)]
    inside: Option<String>,
    #[serde(default)]
    missing: Option<String>,
    #[serde(default)]
    anchor: Option<String>,
    #[serde(default)]
    secrets: bool,
    #[serde(default)]
    only_if: Option<String>,
    #[serde(default)]
    unless: Option<String>,
}

/// One `where` entry: a test on a capture, written `- dynamic: arg` or
/// `- kwarg: {capture: call, name: shell, matches: "True"}`. A struct of optional keys rather
/// than an enum, because serde_yaml only reads enums from YAML tags (`!dynamic arg`), which
/// operators should not have to write; exactly one key must be set.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    dynamic: Option<String>,
    not_dynamic: Option<String>,
    constant: Option<String>,
    not_constant: Option<String>,
    from_source: Option<String>,
    not_from_source: Option<String>,
    from_param: Option<String>,
    tainted: Option<String>,
    unsafe_string: Option<String>,
    matches: Option<RawRegexTest>,
    not_matches: Option<RawRegexTest>,
    value_matches: Option<RawRegexTest>,
    not_value_matches: Option<RawRegexTest>,
    kwarg: Option<RawKwarg>,
    no_kwarg: Option<RawNoKwarg>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawRegexTest {
    capture: String,
    regex: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawKwarg {
    capture: String,
    name: String,
    #[serde(default)]
    matches: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawNoKwarg {
    capture: String,
    name: String,
}

// ----- the validated form -----------------------------------------------------------------

/// A validated rule.
#[derive(Debug)]
pub(crate) struct Rule {
    /// Where the rule came from (for errors found after validation, when queries compile).
    pub origin: String,
    pub id: String,
    pub cwe: String,
    pub severity: Severity,
    pub message: String,
    pub fix: Option<String>,
    pub langs: Vec<Lang>,
    pub matcher: Matcher,
    pub only_if: Option<Regex>,
    pub unless: Option<Regex>,
}

/// How a rule finds its hits.
#[derive(Debug)]
pub(crate) enum Matcher {
    Query(QuerySpec),
    Pattern {
        pattern: Regex,
        unless_line: Option<Regex>,
        inside: Option<Regex>,
    },
    Missing {
        missing: Regex,
        unless_line: Option<Regex>,
        anchor: Option<Regex>,
    },
    Secrets,
}

/// A tree-sitter rule: its query text (already checked to compile for each language) and
/// the conditions on captures, by capture name.
#[derive(Debug)]
pub(crate) struct QuerySpec {
    pub source: String,
    pub conditions: Vec<Condition>,
    pub report: Option<String>,
    pub sanitizers: Vec<Regex>,
}

/// A validated `where` entry.
#[derive(Debug)]
pub(crate) struct Condition {
    pub capture: String,
    pub test: Test,
}

/// What a condition tests on its capture.
#[derive(Debug)]
pub(crate) enum Test {
    Dynamic(bool),
    Constant(bool),
    FromSource(bool),
    FromParam,
    /// From a source or from a parameter.
    Tainted,
    /// Dynamic, or from a source: a string an attacker can shape.
    UnsafeString,
    Matches(Regex, bool),
    /// [`Test::Matches`] on the capture's text or, for a variable, on all its values.
    ValueMatches(Regex, bool),
    Kwarg {
        name: String,
        matches: Option<Regex>,
    },
    NoKwarg(String),
}

// ----- validation -------------------------------------------------------------------------

/// Parses and validates one rule file. `seen` carries ids across files so duplicates are
/// caught between the built-in set and an operator's additions.
pub(crate) fn parse_rule_file(
    origin: &str,
    text: &str,
    seen: &mut HashSet<String>,
) -> Result<Vec<Rule>, Vec<RuleError>> {
    let file: RawFile = serde_yaml::from_str(text).map_err(|e| {
        vec![RuleError::new(
            origin,
            "<file>",
            format!("not a rule file: {e}"),
        )]
    })?;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (i, value) in file.rules.into_iter().enumerate() {
        let id = value
            .get("id")
            .and_then(|v| v.as_str())
            .map_or_else(|| format!("#{}", i + 1), str::to_string);
        let raw: RawRule = match serde_yaml::from_value(value) {
            Ok(r) => r,
            Err(e) => {
                errors.push(RuleError::new(origin, &id, e));
                continue;
            }
        };
        match validate(origin, raw, seen) {
            Ok(rule) => rules.push(rule),
            Err(problems) => {
                errors.extend(problems.into_iter().map(|p| RuleError::new(origin, &id, p)))
            }
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

fn validate(origin: &str, raw: RawRule, seen: &mut HashSet<String>) -> Result<Rule, Vec<String>> {
    let mut problems = Vec::new();
    let id_ok = !raw.id.is_empty()
        && raw
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && raw.id.as_bytes()[0].is_ascii_lowercase();
    if !id_ok {
        problems.push(
            "id must be lowercase letters, digits and dashes, starting with a letter".to_string(),
        );
    }
    if !seen.insert(raw.id.clone()) {
        problems.push("duplicate id (ids must be unique across all rule files)".to_string());
    }
    let cwe_ok = raw
        .cwe
        .strip_prefix("CWE-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !cwe_ok {
        problems.push(format!("cwe `{}` must look like CWE-89", raw.cwe));
    }
    if raw.message.trim().is_empty() {
        problems.push("message is empty".to_string());
    }
    if raw.fix.as_deref().is_some_and(|f| f.trim().is_empty()) {
        problems.push("fix is present but empty (omit it instead)".to_string());
    }
    let mut langs = Vec::new();
    for name in &raw.languages {
        match name.as_str() {
            // TypeScript rules also cover TSX files; one name keeps rule files short.
            "typescript" => langs.extend([Lang::TypeScript, Lang::Tsx]),
            other => match Lang::from_name(other) {
                Some(l) => langs.push(l),
                None => problems.push(format!("unknown language `{other}`")),
            },
        }
    }
    if raw.languages.is_empty() {
        problems.push("languages is empty".to_string());
    }
    langs.sort();
    langs.dedup();

    let only_if = regex_field("only_if", raw.only_if.as_deref(), &mut problems);
    let unless = regex_field("unless", raw.unless.as_deref(), &mut problems);
    let matcher = build_matcher(&raw, &langs, &mut problems);

    match matcher {
        Some(matcher) if problems.is_empty() => Ok(Rule {
            origin: origin.to_string(),
            id: raw.id,
            cwe: raw.cwe,
            severity: raw.severity,
            message: raw.message.trim().to_string(),
            fix: raw.fix.map(|f| f.trim_end().to_string()),
            langs,
            matcher,
            only_if,
            unless,
        }),
        _ => Err(problems),
    }
}

fn regex_field(field: &str, pat: Option<&str>, problems: &mut Vec<String>) -> Option<Regex> {
    let pat = pat?;
    match Regex::new(pat) {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(format!("{field}: invalid regex: {e}"));
            None
        }
    }
}

fn build_matcher(raw: &RawRule, langs: &[Lang], problems: &mut Vec<String>) -> Option<Matcher> {
    let kinds = [
        raw.query.is_some(),
        raw.pattern.is_some(),
        raw.missing.is_some(),
        raw.secrets,
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        problems.push(
            "needs exactly one of `query`, `pattern`, `missing`, `secrets: true`".to_string(),
        );
        return None;
    }
    let query_only =
        !raw.conditions.is_empty() || raw.report.is_some() || !raw.sanitizers.is_empty();
    if query_only && raw.query.is_none() {
        problems.push("`where`, `report` and `sanitizers` only apply to `query` rules".to_string());
    }
    if raw.inside.is_some() && raw.pattern.is_none() {
        problems.push("`inside` only applies to `pattern` rules".to_string());
    }
    if raw.unless_line.is_some() && raw.pattern.is_none() && raw.missing.is_none() {
        problems.push("`unless_line` only applies to `pattern` and `missing` rules".to_string());
    }
    if raw.anchor.is_some() && raw.missing.is_none() {
        problems.push("`anchor` only applies to `missing` rules".to_string());
    }
    if let Some(q) = &raw.query {
        return build_query(q, raw, langs, problems).map(Matcher::Query);
    }
    if let Some(p) = &raw.pattern {
        let pattern = regex_field("pattern", Some(p), problems)?;
        let unless_line = regex_field("unless_line", raw.unless_line.as_deref(), problems);
        let inside = regex_field("inside", raw.inside.as_deref(), problems);
        return Some(Matcher::Pattern {
            pattern,
            unless_line,
            inside,
        });
    }
    if let Some(m) = &raw.missing {
        let missing = regex_field("missing", Some(m), problems)?;
        let unless_line = regex_field("unless_line", raw.unless_line.as_deref(), problems);
        let anchor = regex_field("anchor", raw.anchor.as_deref(), problems);
        return Some(Matcher::Missing {
            missing,
            unless_line,
            anchor,
        });
    }
    Some(Matcher::Secrets)
}

fn build_query(
    source: &str,
    raw: &RawRule,
    langs: &[Lang],
    problems: &mut Vec<String>,
) -> Option<QuerySpec> {
    for lang in langs {
        if lang.grammar().is_none() {
            problems.push(format!(
                "`query` rules need a parsed language; `{}` is matched by `pattern`/`missing` rules",
                lang.name()
            ));
        }
    }
    // The query itself is compiled by the engine, once per language for all rules together
    // (compiling is the expensive part of start-up); errors there are attributed back to
    // the rule. Here we only need the capture names the conditions refer to.
    let captures: Vec<String> = source
        .split('@')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect()
        })
        .collect();
    if captures.is_empty() {
        problems.push("query has no captures; a rule needs at least one to report".to_string());
    }
    let known = |name: &str, problems: &mut Vec<String>| {
        if !captures.iter().any(|c| c == name) {
            problems.push(format!("capture `@{name}` is not in the query"));
        }
    };
    let mut conditions = Vec::new();
    for c in &raw.conditions {
        let mut tests: Vec<(&String, Option<Test>)> = Vec::new();
        let simple = [
            (&c.dynamic, Test::Dynamic(true)),
            (&c.not_dynamic, Test::Dynamic(false)),
            (&c.constant, Test::Constant(true)),
            (&c.not_constant, Test::Constant(false)),
            (&c.from_source, Test::FromSource(true)),
            (&c.not_from_source, Test::FromSource(false)),
            (&c.from_param, Test::FromParam),
            (&c.tainted, Test::Tainted),
            (&c.unsafe_string, Test::UnsafeString),
        ];
        for (capture, test) in simple {
            if let Some(capture) = capture {
                tests.push((capture, Some(test)));
            }
        }
        // (field, its test, on the variable's values too, whether it must match)
        let regex_tests = [
            ("matches", &c.matches, false, true),
            ("not_matches", &c.not_matches, false, false),
            ("value_matches", &c.value_matches, true, true),
            ("not_value_matches", &c.not_value_matches, true, false),
        ];
        for (field, t, of_values, want) in regex_tests {
            if let Some(t) = t {
                let re = regex_field(field, Some(&t.regex), problems);
                let test = |r| match of_values {
                    true => Test::ValueMatches(r, want),
                    false => Test::Matches(r, want),
                };
                tests.push((&t.capture, re.map(test)));
            }
        }
        if let Some(k) = &c.kwarg {
            let matches = regex_field("kwarg.matches", k.matches.as_deref(), problems);
            let test = Test::Kwarg {
                name: k.name.clone(),
                matches,
            };
            tests.push((&k.capture, Some(test)));
        }
        if let Some(k) = &c.no_kwarg {
            tests.push((&k.capture, Some(Test::NoKwarg(k.name.clone()))));
        }
        if tests.len() != 1 {
            problems.push(format!(
                "each `where` entry needs exactly one test, found {}",
                tests.len()
            ));
        }
        for (capture, test) in tests {
            known(capture, problems);
            if let Some(test) = test {
                conditions.push(Condition {
                    capture: capture.clone(),
                    test,
                });
            }
        }
    }
    if let Some(r) = &raw.report {
        known(r, problems);
    }
    let sanitizers = raw
        .sanitizers
        .iter()
        .filter_map(|s| regex_field("sanitizers", Some(s), problems))
        .collect();
    Some(QuerySpec {
        source: source.to_string(),
        conditions,
        report: raw.report.clone(),
        sanitizers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Vec<Rule>, Vec<RuleError>> {
        parse_rule_file("test.yaml", text, &mut HashSet::new())
    }

    fn problems(text: &str) -> Vec<String> {
        match load(text) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    const GOOD: &str = r#"
rules:
  - id: py-test-exec
    languages: [python]
    cwe: CWE-89
    severity: high
    message: SQL built from strings.
    fix: Use parameters.
    query: |
      (call function: (attribute attribute: (identifier) @m)
            arguments: (argument_list . (_) @arg)) @call
      (#eq? @m "execute")
    where:
      - dynamic: arg
      - kwarg: {capture: call, name: timeout, matches: "^\\d+$"}
      - no_kwarg: {capture: call, name: params}
    report: call
    sanitizers: ["escape_string"]
  - id: docker-test-root
    languages: [dockerfile]
    cwe: CWE-250
    severity: medium
    message: Runs as root.
    missing: "(?m)^USER\\s+\\w+"
    anchor: "^FROM"
"#;

    #[test]
    fn a_valid_file_loads() {
        let rules = load(GOOD).expect("valid rules");
        assert_eq!(rules.len(), 2);
        let Matcher::Query(q) = &rules[0].matcher else {
            panic!("query rule expected");
        };
        assert_eq!(q.conditions.len(), 3);
        assert!(matches!(rules[1].matcher, Matcher::Missing { .. }));
    }

    #[test]
    fn unknown_field_names_the_rule() {
        let p = problems("rules:\n  - id: a-b\n    languages: [go]\n    cwe: CWE-1\n    severity: low\n    message: m\n    secrets: true\n    colour: red\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("test.yaml: rule `a-b`:") && p[0].contains("colour"),
            "{p:?}"
        );
    }

    #[test]
    fn bad_cwe_severity_language_and_id_are_reported_together() {
        let p = problems("rules:\n  - id: Bad_Id\n    languages: [cobol]\n    cwe: \"89\"\n    severity: high\n    message: m\n    secrets: true\n");
        let all = p.join("\n");
        assert!(
            all.contains("Bad_Id") && all.contains("id must be"),
            "{all}"
        );
        assert!(all.contains("cwe `89`"), "{all}");
        assert!(all.contains("unknown language `cobol`"), "{all}");
        let p = problems("rules:\n  - id: a\n    languages: [go]\n    cwe: CWE-1\n    severity: urgent\n    message: m\n    secrets: true\n");
        assert!(
            p[0].contains("rule `a`") && p[0].contains("urgent"),
            "{p:?}"
        );
    }

    #[test]
    fn query_without_captures_is_rejected() {
        let p = problems("rules:\n  - id: q\n    languages: [python]\n    cwe: CWE-1\n    severity: low\n    message: m\n    query: \"(call)\"\n");
        assert!(p[0].contains("no captures"), "{p:?}");
    }

    #[test]
    fn conditions_must_name_existing_captures_and_valid_regexes() {
        let p = problems("rules:\n  - id: q\n    languages: [python]\n    cwe: CWE-1\n    severity: low\n    message: m\n    query: \"(call) @c\"\n    where:\n      - dynamic: nope\n      - matches: {capture: c, regex: \"(\"}\n");
        let all = p.join("\n");
        assert!(all.contains("`@nope` is not in the query"), "{all}");
        assert!(all.contains("matches: invalid regex"), "{all}");
    }

    #[test]
    fn exactly_one_matcher_and_matching_options() {
        let p = problems("rules:\n  - id: q\n    languages: [python]\n    cwe: CWE-1\n    severity: low\n    message: m\n");
        assert!(p[0].contains("exactly one of"), "{p:?}");
        let p = problems("rules:\n  - id: q\n    languages: [python]\n    cwe: CWE-1\n    severity: low\n    message: m\n    pattern: x\n    report: c\n");
        assert!(p[0].contains("only apply to `query`"), "{p:?}");
        let p = problems("rules:\n  - id: q\n    languages: [nginx]\n    cwe: CWE-1\n    severity: low\n    message: m\n    query: \"(x) @c\"\n");
        assert!(p[0].contains("need a parsed language"), "{p:?}");
    }

    #[test]
    fn duplicate_ids_across_files_are_rejected() {
        let mut seen = HashSet::new();
        let text = "rules:\n  - id: dup\n    languages: [go]\n    cwe: CWE-1\n    severity: low\n    message: m\n    secrets: true\n";
        assert!(parse_rule_file("a.yaml", text, &mut seen).is_ok());
        let e = parse_rule_file("b.yaml", text, &mut seen)
            .err()
            .unwrap_or_default();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].origin, "b.yaml");
        assert!(e[0].problem.contains("duplicate"));
    }

    #[test]
    fn not_a_rule_file() {
        let p = problems("- just a list\n");
        assert!(
            p[0].contains("rule `<file>`") && p[0].contains("not a rule file"),
            "{p:?}"
        );
    }
}

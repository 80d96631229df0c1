//! Tree-sitter query rules: one combined query per language, conditions checked per match.
//!
//! At start the engine concatenates the queries of every rule for a language into one
//! [`tree_sitter::Query`] and remembers which pattern belongs to which rule. A scan then walks
//! the syntax tree once per snippet, not once per rule: with ~30 rules per language that is
//! the difference between meeting the 1,000 snippets/s target and missing it. Each match's
//! `where` conditions are evaluated with [`Flow`], and a rule's `sanitizers` are looked for
//! in the function around the reported node.
//!
//! The walk is bounded: a match limit on the cursor and a deadline checked by tree-sitter's
//! progress callback, so a pathological tree ends the walk instead of the worker.

use super::Hit;
use crate::sast::flow::Flow;
use crate::sast::lang::Lang;
use crate::sast::rules::{Condition, Matcher, Rule, RuleError, Test};
use std::ops::ControlFlow;
use std::time::Instant;
use tree_sitter::{Node, Query, QueryCursor, QueryCursorOptions, StreamingIterator, Tree};

/// In-progress matches a cursor may hold; beyond it tree-sitter drops the oldest.
const MATCH_LIMIT: u32 = 256;

/// A rule's part of the combined query, with capture names resolved to indices.
#[derive(Debug)]
struct Entry {
    rule: usize,
    conditions: Vec<(u32, usize)>,
    report: Option<u32>,
}

/// The combined query of one language.
#[derive(Debug)]
pub(crate) struct LangQuery {
    query: Query,
    /// Pattern index → entry index.
    pattern_entry: Vec<usize>,
    entries: Vec<Entry>,
}

impl LangQuery {
    /// Combines the query rules of `lang` into one compiled query, or `None` when it has
    /// none. Compiling is the slow part of start-up (tens to hundreds of milliseconds per
    /// grammar, most for TypeScript/TSX), so each language is compiled once; only when that
    /// fails is each rule compiled alone, to name the rules at fault.
    pub(crate) fn build(lang: Lang, rules: &[Rule]) -> Result<Option<LangQuery>, Vec<RuleError>> {
        let Some(grammar) = lang.grammar() else {
            return Ok(None);
        };
        let mut source = String::new();
        let mut spans = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let Matcher::Query(spec) = &rule.matcher else {
                continue;
            };
            if !rule.langs.contains(&lang) {
                continue;
            }
            let start = source.len();
            source.push_str(&spec.source);
            source.push('\n');
            spans.push((i, start..source.len()));
        }
        if spans.is_empty() {
            return Ok(None);
        }
        let query = match Query::new(&grammar, &source) {
            Ok(q) => q,
            Err(_) => return Err(attribute_errors(lang, &grammar, rules, &spans)),
        };
        let mut pattern_entry = Vec::with_capacity(query.pattern_count());
        for p in 0..query.pattern_count() {
            let at = query.start_byte_for_pattern(p);
            let owner = spans.iter().position(|(_, span)| span.contains(&at));
            pattern_entry.push(owner.unwrap_or(0));
        }
        let mut entries = Vec::with_capacity(spans.len());
        for (rule, _) in &spans {
            let Matcher::Query(spec) = &rules[*rule].matcher else {
                continue;
            };
            // Validation checked every name appears in the rule's query text, so a name
            // tree-sitter does not know can only be inside a comment or string; such a
            // condition can never bind and is dropped.
            let conditions = spec
                .conditions
                .iter()
                .enumerate()
                .filter_map(|(ci, c)| query.capture_index_for_name(&c.capture).map(|i| (i, ci)))
                .collect();
            let report = spec
                .report
                .as_deref()
                .and_then(|r| query.capture_index_for_name(r));
            entries.push(Entry {
                rule: *rule,
                conditions,
                report,
            });
        }
        Ok(Some(LangQuery {
            query,
            pattern_entry,
            entries,
        }))
    }

    /// Runs the combined query over `tree`. `enabled[rule]` says which rules passed their
    /// snippet-level gates. Returns the hits, and whether the deadline cut the walk short.
    pub(crate) fn run<'a>(
        &self,
        tree: &'a Tree,
        code: &str,
        flow: &Flow<'a>,
        rules: &[Rule],
        enabled: &[bool],
        deadline: Instant,
    ) -> (Vec<Hit>, bool) {
        let mut cursor = QueryCursor::new();
        cursor.set_match_limit(MATCH_LIMIT);
        let mut timed_out = false;
        let mut check = |_: &tree_sitter::QueryCursorState| {
            if Instant::now() >= deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = QueryCursorOptions::new().progress_callback(&mut check);
        let mut hits = Vec::new();
        let mut matches =
            cursor.matches_with_options(&self.query, tree.root_node(), code.as_bytes(), options);
        while let Some(m) = matches.next() {
            let Some(entry) = self
                .pattern_entry
                .get(m.pattern_index)
                .and_then(|e| self.entries.get(*e))
            else {
                continue;
            };
            if !enabled.get(entry.rule).copied().unwrap_or(false) {
                continue;
            }
            let Matcher::Query(spec) = &rules[entry.rule].matcher else {
                continue;
            };
            let node_for = |capture: u32| {
                m.captures
                    .iter()
                    .find(|c| c.index == capture)
                    .map(|c| c.node)
            };
            // A condition on a capture this match did not bind (another pattern of the same
            // rule, or an optional capture) does not apply; see the rules module docs.
            let all_hold = entry.conditions.iter().all(|&(capture, ci)| {
                node_for(capture).is_none_or(|n| holds(flow, &spec.conditions[ci], n))
            });
            if flow.late() {
                // A condition ran into the deadline: its `false` is not an answer.
                timed_out = true;
                break;
            }
            if !all_hold {
                continue;
            }
            let report = entry.report.and_then(node_for).or_else(|| {
                m.captures
                    .iter()
                    .map(|c| c.node)
                    .min_by_key(Node::start_byte)
            });
            let Some(report) = report else {
                continue;
            };
            if !spec.sanitizers.is_empty() {
                let region = flow.enclosing_text(report);
                if spec.sanitizers.iter().any(|s| s.is_match(region)) {
                    continue;
                }
            }
            hits.push(Hit {
                rule: entry.rule,
                row: report.start_position().row,
            });
            if Instant::now() >= deadline {
                timed_out = true;
                break;
            }
        }
        drop(matches);
        timed_out |= Instant::now() >= deadline;
        (hits, timed_out)
    }
}

/// Evaluates one condition on the captured node.
fn holds<'a>(flow: &Flow<'a>, cond: &Condition, n: Node<'a>) -> bool {
    flow.begin();
    match &cond.test {
        Test::Dynamic(want) => flow.is_dynamic(n) == *want,
        Test::Constant(want) => flow.is_constant(n) == *want,
        Test::FromSource(want) => flow.flows_from_source(n) == *want,
        Test::FromParam => flow.flows_from_param(n),
        Test::Tainted => {
            flow.flows_from_source(n) || {
                flow.begin();
                flow.flows_from_param(n)
            }
        }
        Test::UnsafeString => {
            flow.is_dynamic(n) || {
                flow.begin();
                flow.flows_from_source(n)
            }
        }
        Test::Matches(re, want) => re.is_match(flow.text(n)) == *want,
        Test::ValueMatches(re, want) => {
            let matched = re.is_match(flow.text(n)) || {
                let values = flow.bound_values(n);
                !values.is_empty() && values.iter().all(|v| re.is_match(v))
            };
            matched == *want
        }
        Test::Kwarg { name, matches } => match flow.keyword_value(n, name) {
            Some(v) => matches.as_ref().is_none_or(|re| re.is_match(flow.text(v))),
            None => false,
        },
        Test::NoKwarg(name) => flow.keyword_value(n, name).is_none(),
    }
}

/// Compiles each rule of a failed combined query alone and reports the ones that fail,
/// with the language and position inside the rule's own query.
fn attribute_errors(
    lang: Lang,
    grammar: &tree_sitter::Language,
    rules: &[Rule],
    spans: &[(usize, std::ops::Range<usize>)],
) -> Vec<RuleError> {
    let mut errors = Vec::new();
    for (rule, _) in spans {
        let r = &rules[*rule];
        let Matcher::Query(spec) = &r.matcher else {
            continue;
        };
        if let Err(e) = Query::new(grammar, &spec.source) {
            errors.push(RuleError {
                origin: r.origin.clone(),
                rule_id: r.id.clone(),
                problem: format!(
                    "query does not compile for {} at row {}, column {}: {:?} error: {}",
                    lang.name(),
                    e.row + 1,
                    e.column + 1,
                    e.kind,
                    e.message.lines().next().unwrap_or("")
                ),
            });
        }
    }
    if errors.is_empty() {
        errors.push(RuleError {
            origin: "engine".to_string(),
            rule_id: "<combined>".to_string(),
            problem: format!(
                "the combined {} query does not compile although each rule does",
                lang.name()
            ),
        });
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sast::rules::parse_rule_file;
    use crate::sast::syntax::syntax;
    use regex::Regex;
    use std::collections::HashSet;
    use std::time::Duration;

    /// Compiles the rules of `yaml` for Python, runs them over `code` with every rule enabled,
    /// and returns (rule id, 1-based line) per hit.
    fn hits(yaml: &str, code: &str) -> Vec<(String, usize)> {
        let rules = parse_rule_file("t.yaml", yaml, &mut HashSet::new()).expect("valid rules");
        let q = LangQuery::build(Lang::Python, &rules)
            .expect("query compiles")
            .expect("has query rules");
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&Lang::Python.grammar().expect("grammar"))
            .expect("language");
        let tree = parser.parse(code, None).expect("tree");
        let syn = syntax(Lang::Python).expect("syntax");
        let sources = Regex::new(syn.sources).expect("sources");
        let handler = Flow::handler_regex().expect("handler");
        let deadline = Instant::now() + Duration::from_secs(5);
        let flow = Flow::new(code, &tree, syn, &sources, &handler, deadline);
        let enabled = vec![true; rules.len()];
        let (hits, timed_out) = q.run(&tree, code, &flow, &rules, &enabled, deadline);
        assert!(!timed_out);
        hits.into_iter()
            .map(|h| (rules[h.rule].id.clone(), h.row + 1))
            .collect()
    }

    fn rule(id: &str, body: &str) -> String {
        format!(
            "  - id: {id}\n    languages: [python]\n    cwe: CWE-1\n    severity: low\n    message: m\n{body}"
        )
    }

    #[test]
    fn kwarg_and_no_kwarg_conditions() {
        let yaml = format!(
            "rules:\n{}{}",
            rule(
                "shell-true",
                "    query: \"(call function: (attribute) @f) @call\"\n    where:\n      - kwarg: {capture: call, name: shell, matches: \"^True$\"}\n"
            ),
            rule(
                "no-timeout",
                "    query: \"(call function: (attribute) @f) @call\"\n    where:\n      - no_kwarg: {capture: call, name: timeout}\n"
            )
        );
        let code = "sp.run(c, shell=True)\nsp.run(c, shell=False, timeout=3)\n";
        assert_eq!(
            hits(&yaml, code),
            vec![("shell-true".to_string(), 1), ("no-timeout".to_string(), 1)]
        );
    }

    #[test]
    fn report_capture_sanitizers_and_per_pattern_conditions() {
        let yaml = format!(
            "rules:\n{}",
            rule(
                "sink",
                "    query: |\n      (call function: (identifier) @f arguments: (argument_list . (_) @arg) (#eq? @f \"sink\")) @call\n      (call function: (identifier) @g (#eq? @g \"always\")) @other\n    where:\n      - from_source: arg\n    report: arg\n    sanitizers: [\"clean\\\\(\"]\n"
            )
        );
        // Line 3: the report capture is the argument on the line after the call opens.
        let code = "def h():\n    sink(\n        request.args['x'])\n    sink('const')\n    always()\n\ndef g():\n    v = clean(request.args['y'])\n    sink(request.args['z'])\n";
        assert_eq!(
            hits(&yaml, code),
            vec![("sink".to_string(), 3), ("sink".to_string(), 5)]
        );
    }

    #[test]
    fn dynamic_constant_and_param_conditions() {
        let yaml = format!(
            "rules:\n{}{}{}",
            rule("dyn", "    query: \"(call function: (identifier) @f arguments: (argument_list . (_) @a) (#eq? @f \\\"q\\\"))\"\n    where:\n      - dynamic: a\n"),
            rule("const", "    query: \"(call function: (identifier) @f arguments: (argument_list . (_) @a) (#eq? @f \\\"k\\\"))\"\n    where:\n      - constant: a\n"),
            rule("param", "    query: \"(call function: (identifier) @f arguments: (argument_list . (_) @a) (#eq? @f \\\"p\\\"))\"\n    where:\n      - from_param: a\n")
        );
        let code = "def f(user):\n    q('a' + user)\n    q('a')\n    k(b'\\x00' * 16)\n    k(os.urandom(16))\n    p(user.strip())\n    p(GLOBAL)\n";
        assert_eq!(
            hits(&yaml, code),
            vec![
                ("dyn".to_string(), 2),
                ("const".to_string(), 4),
                ("param".to_string(), 6)
            ]
        );
    }
}

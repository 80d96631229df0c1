//! The engine: validated rules and compiled queries, and the scan of one answer or file.
//!
//! [`Engine::new`] loads the built-in rule files and the caller's extra rule texts, validates
//! them all (every error, each naming its origin and rule id), and compiles one combined
//! tree-sitter query per language. The result is immutable and `Send + Sync`: the pool builds
//! it once and shares it between workers; a scan allocates its own parser and cursor.
//!
//! A scan of one snippet: check the size cap, parse with a deadline, run the language's
//! combined query (same deadline), run line rules for config formats, hand the text to the
//! caller's [`SecretFinder`] if one was given, then turn hits into [`Finding`]s sorted by
//! (block, line, rule). Snippets over the size cap, parses or walks over the deadline, and
//! answers with too many blocks or past their time budget produce an `info` finding
//! (CWE-400) instead of hanging or failing the whole answer: the caller always gets an
//! answer, and it says what was skipped.
//!
//! Snippets are usually fragments. Repairs make them parse as their language without moving
//! line numbers: PHP without `<?php` gets the tag prepended on the first line; Java that does
//! not parse alone is retried inside a class body (a bare method) or a method body (bare
//! statements); in shell, a leading `sudo` (with its flags and their values) is blanked
//! out, so `sudo -u www chmod 777 x` is seen as the `chmod` command it runs.

use super::detect::detect;
use super::finding::{normalize, Finding, Severity};
use super::flow::Flow;
use super::lang::Lang;
use super::markdown::{fenced_blocks, session_commands};
use super::matchers::{lines, query::LangQuery, Hit};
use super::rules::{parse_rule_file, Matcher, Rule, RuleError};
use super::secrets::SecretFinder;
use super::syntax::syntax;
use regex::Regex;
use std::collections::HashSet;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use tree_sitter::{ParseOptions, Parser, Tree};

/// The rule files compiled into the binary, with the origin names errors use.
const BUILTIN_RULES: &[(&str, &str)] = &[
    ("builtin:common.yaml", include_str!("rules/common.yaml")),
    ("builtin:python.yaml", include_str!("rules/python.yaml")),
    (
        "builtin:javascript.yaml",
        include_str!("rules/javascript.yaml"),
    ),
    ("builtin:java.yaml", include_str!("rules/java.yaml")),
    ("builtin:go.yaml", include_str!("rules/go.yaml")),
    ("builtin:php.yaml", include_str!("rules/php.yaml")),
    ("builtin:ruby.yaml", include_str!("rules/ruby.yaml")),
    ("builtin:c.yaml", include_str!("rules/c.yaml")),
    ("builtin:bash.yaml", include_str!("rules/bash.yaml")),
    (
        "builtin:dockerfile.yaml",
        include_str!("rules/dockerfile.yaml"),
    ),
    (
        "builtin:kubernetes.yaml",
        include_str!("rules/kubernetes.yaml"),
    ),
    (
        "builtin:terraform.yaml",
        include_str!("rules/terraform.yaml"),
    ),
    ("builtin:nginx.yaml", include_str!("rules/nginx.yaml")),
];

/// Bounds on the work one answer may cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Larger snippets are not parsed (an `info` finding says so). Parse time is linear in
    /// size; 256 KiB parses in tens of milliseconds, far beyond any real answer block.
    pub max_snippet_bytes: usize,
    /// Deadline for parsing and for walking the tree of one snippet, each.
    pub snippet_timeout: Duration,
    /// Blocks after this many in one answer are not scanned.
    pub max_blocks: usize,
    /// Time budget for a whole answer: blocks still unscanned when it runs out are skipped
    /// (an `info` finding says so), so 64 blocks each near their own deadline cannot hold a
    /// worker for 64 × 2 × `snippet_timeout`.
    pub answer_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_snippet_bytes: 256 * 1024,
            snippet_timeout: Duration::from_millis(250),
            max_blocks: 64,
            answer_timeout: Duration::from_secs(2),
        }
    }
}

/// The ids of the engine's own `info` findings about skipped work.
pub const LIMIT_RULE_TOO_LARGE: &str = "sast-snippet-too-large";
/// See [`LIMIT_RULE_TOO_LARGE`]: one block ran past its own time limit.
pub const LIMIT_RULE_TIMEOUT: &str = "sast-scan-timeout";
/// See [`LIMIT_RULE_TOO_LARGE`]: the whole answer's time budget ran out.
pub const LIMIT_RULE_BUDGET: &str = "sast-answer-budget";
/// See [`LIMIT_RULE_TOO_LARGE`].
pub const LIMIT_RULE_TOO_MANY_BLOCKS: &str = "sast-too-many-blocks";

/// A rule's identity, for listings and reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSummary {
    pub id: String,
    pub cwe: String,
    pub severity: Severity,
    pub languages: Vec<Lang>,
}

/// Validated rules and compiled queries. Build once, share between workers.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<Rule>,
    /// Combined query per language, indexed by [`Lang::index`].
    queries: Vec<Option<LangQuery>>,
    /// Rules per language, indexed by [`Lang::index`].
    by_lang: Vec<Vec<usize>>,
    /// Rules that run on every block (secrets), whatever its language.
    secret_rules: Vec<usize>,
    /// Source regexes per language (from the syntax tables), indexed by [`Lang::index`].
    sources: Vec<Option<Regex>>,
    handler: Regex,
    /// `sudo` and its flags at the start of a shell command (see module docs).
    sudo: Regex,
    limits: Limits,
}

impl Engine {
    /// Loads the built-in rules plus `extra_rule_texts` (origin name, YAML text), validates
    /// everything and compiles the queries. Returns every problem found.
    pub fn new(extra_rule_texts: &[(&str, &str)]) -> Result<Engine, Vec<RuleError>> {
        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for (origin, text) in BUILTIN_RULES.iter().chain(extra_rule_texts.iter()) {
            match parse_rule_file(origin, text, &mut seen) {
                Ok(r) => rules.extend(r),
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let engine_error = |problem: String| {
            vec![RuleError {
                origin: "engine".to_string(),
                rule_id: "<combined>".to_string(),
                problem,
            }]
        };
        let mut queries = Vec::with_capacity(Lang::ALL.len());
        let mut by_lang = vec![Vec::new(); Lang::ALL.len()];
        let mut sources = Vec::with_capacity(Lang::ALL.len());
        for lang in Lang::ALL {
            match LangQuery::build(lang, &rules) {
                Ok(q) => queries.push(q),
                Err(e) => {
                    errors.extend(e);
                    queries.push(None);
                }
            }
            let src = syntax(lang)
                .map(|s| Regex::new(s.sources))
                .transpose()
                .map_err(|e| engine_error(e.to_string()))?;
            sources.push(src);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut secret_rules = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if matches!(rule.matcher, Matcher::Secrets) {
                secret_rules.push(i);
                continue;
            }
            for lang in &rule.langs {
                by_lang[lang.index()].push(i);
            }
        }
        let handler = Flow::handler_regex().map_err(|e| engine_error(e.to_string()))?;
        // A flag that takes a value (`-u www-data`, `--user=www-data`) takes its word too,
        // or the value would be read as the command. Blanks only, never a line break: the
        // next line's findings keep their line.
        let sudo = Regex::new(
            r"(?m)(?:^[ \t]*|[|;&]\s*)(sudo(?:[ \t]+(?:-[A-Za-z]*[ugCDhpRrTtU][ \t]+[^\s;|&]+|-[A-Za-z]+|--[a-z-]+(?:=\S+)?))*[ \t]+)",
        )
            .map_err(|e| engine_error(e.to_string()))?;
        Ok(Engine {
            rules,
            queries,
            by_lang,
            secret_rules,
            sources,
            handler,
            sudo,
            limits: Limits::default(),
        })
    }

    /// Replaces the default [`Limits`].
    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.limits = limits;
        self
    }

    /// How many rules are loaded (built-in plus extra).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Every loaded rule's id, CWE, severity and languages, in load order.
    pub fn rule_summaries(&self) -> Vec<RuleSummary> {
        self.rules
            .iter()
            .map(|r| RuleSummary {
                id: r.id.clone(),
                cwe: r.cwe.clone(),
                severity: r.severity,
                languages: r.langs.clone(),
            })
            .collect()
    }

    /// Scans every fenced block of a Markdown answer. A block's language comes from its info
    /// string, or is detected from its content; blocks of unknown language only get the
    /// secrets check.
    pub fn scan_markdown(
        &self,
        markdown: &str,
        secrets: Option<&dyn SecretFinder>,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let answer_deadline = Instant::now() + self.limits.answer_timeout;
        for block in fenced_blocks(markdown) {
            if Instant::now() >= answer_deadline {
                out.push(limit_finding(
                    LIMIT_RULE_BUDGET,
                    block.index,
                    "The answer's scan time budget ran out; blocks from this one on were not scanned."
                        .to_string(),
                ));
                break;
            }
            if block.index >= self.limits.max_blocks {
                out.push(limit_finding(
                    LIMIT_RULE_TOO_MANY_BLOCKS,
                    block.index,
                    format!(
                        "The answer has more than {} code blocks; blocks from this one on were not scanned.",
                        self.limits.max_blocks
                    ),
                ));
                break;
            }
            // Terminal transcripts are scanned as the shell commands they show.
            if let Some(commands) = session_commands(block.info, &block.code) {
                let f = self.scan_block(
                    Some(Lang::Bash),
                    &commands,
                    block.index,
                    secrets,
                    answer_deadline,
                );
                out.extend(f);
                continue;
            }
            let lang = Lang::from_info(block.info).or_else(|| detect(&block.code));
            out.extend(self.scan_block(lang, &block.code, block.index, secrets, answer_deadline));
        }
        finish(&mut out);
        out
    }

    /// Scans one source file or snippet of a known language (`block_index` 0).
    pub fn scan_source(
        &self,
        lang: Lang,
        code: &str,
        secrets: Option<&dyn SecretFinder>,
    ) -> Vec<Finding> {
        let deadline = Instant::now() + self.limits.answer_timeout;
        let mut out = self.scan_block(Some(lang), code, 0, secrets, deadline);
        finish(&mut out);
        out
    }

    /// Scans text of no language it knows (a `.env` file, an AWS credentials file): the
    /// secrets check alone, as an answer's block of unknown language gets.
    pub fn scan_unknown(&self, code: &str, secrets: Option<&dyn SecretFinder>) -> Vec<Finding> {
        let deadline = Instant::now() + self.limits.answer_timeout;
        let mut out = self.scan_block(None, code, 0, secrets, deadline);
        finish(&mut out);
        out
    }

    fn scan_block(
        &self,
        lang: Option<Lang>,
        code: &str,
        block: usize,
        secrets: Option<&dyn SecretFinder>,
        answer_deadline: Instant,
    ) -> Vec<Finding> {
        if code.len() > self.limits.max_snippet_bytes {
            return vec![limit_finding(
                LIMIT_RULE_TOO_LARGE,
                block,
                format!(
                    "The code block is {} bytes, over the {}-byte limit; it was not scanned.",
                    code.len(),
                    self.limits.max_snippet_bytes
                ),
            )];
        }
        let mut hits = Vec::new();
        let mut out = Vec::new();
        if let Some(lang) = lang {
            let enabled = self.enabled_rules(lang, code);
            if lang.is_config() {
                let list: Vec<usize> = (0..self.rules.len()).filter(|i| enabled[*i]).collect();
                hits.extend(lines::run(lang, code, &self.rules, &list));
            } else if let Some(q) = &self.queries[lang.index()] {
                match self.parse(lang, code, answer_deadline) {
                    Some((tree, text)) => {
                        let (h, timed_out) =
                            self.run_query(lang, q, &tree, &text, &enabled, answer_deadline);
                        hits.extend(h);
                        if timed_out {
                            out.push(timeout_finding(block, "walking its syntax tree"));
                        }
                    }
                    None => out.push(timeout_finding(block, "parsing")),
                }
            }
        }
        if let Some(finder) = secrets {
            for &r in &self.secret_rules {
                let rule = &self.rules[r];
                if lang.is_some_and(|l| !rule.langs.contains(&l)) || !gates_pass(rule, code) {
                    continue;
                }
                for hit in finder.find_secrets(code) {
                    let row = code
                        .get(..hit.start)
                        .map_or(0, |pre| pre.bytes().filter(|b| *b == b'\n').count());
                    let mut f = self.finding(r, block, row);
                    f.message = if f.message.contains("{entity}") {
                        f.message.replace("{entity}", &hit.entity)
                    } else {
                        format!("{} ({})", f.message, hit.entity)
                    };
                    out.push(f);
                }
            }
        }
        out.extend(
            hits.into_iter()
                .map(|h: Hit| self.finding(h.rule, block, h.row)),
        );
        out
    }

    /// Which rules of `lang` pass their `only_if` / `unless` gates on this snippet; indexed
    /// by rule.
    fn enabled_rules(&self, lang: Lang, code: &str) -> Vec<bool> {
        let mut enabled = vec![false; self.rules.len()];
        for &r in &self.by_lang[lang.index()] {
            enabled[r] = gates_pass(&self.rules[r], code);
        }
        enabled
    }

    fn run_query(
        &self,
        lang: Lang,
        q: &LangQuery,
        tree: &Tree,
        text: &str,
        enabled: &[bool],
        answer_deadline: Instant,
    ) -> (Vec<Hit>, bool) {
        let (Some(syn), Some(sources)) = (syntax(lang), self.sources[lang.index()].as_ref()) else {
            return (Vec::new(), false);
        };
        let deadline = (Instant::now() + self.limits.snippet_timeout).min(answer_deadline);
        let flow = Flow::new(text, tree, syn, sources, &self.handler, deadline);
        q.run(tree, text, &flow, &self.rules, enabled, deadline)
    }

    /// Parses `code` as `lang` within the deadline, repairing fragments (see module docs).
    /// Returns the tree and the text it was parsed from, or `None` on timeout.
    fn parse(&self, lang: Lang, code: &str, answer_deadline: Instant) -> Option<(Tree, String)> {
        let grammar = lang.grammar()?;
        let mut parser = Parser::new();
        parser.set_language(&grammar).ok()?;
        let deadline = (Instant::now() + self.limits.snippet_timeout).min(answer_deadline);
        let mut parse = |text: &str| {
            let bytes = text.as_bytes();
            let mut check = |_: &tree_sitter::ParseState| {
                if Instant::now() >= deadline {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            };
            let options = ParseOptions::new().progress_callback(&mut check);
            let tree = parser.parse_with_options(
                &mut |i, _| bytes.get(i..).unwrap_or_default(),
                None,
                Some(options),
            );
            parser.reset();
            tree
        };
        match lang {
            Lang::Php if !code.contains("<?php") && !code.contains("<?=") => {
                let text = format!("<?php {code}");
                parse(&text).map(|t| (t, text))
            }
            Lang::Java => {
                let tree = parse(code)?;
                if !tree.root_node().has_error() {
                    return Some((tree, code.to_string()));
                }
                for (pre, post) in [
                    ("class __Snippet { ", "\n}"),
                    ("class __Snippet { void __snippet() { ", "\n}}"),
                ] {
                    let text = format!("{pre}{code}{post}");
                    let wrapped = parse(&text)?;
                    if !wrapped.root_node().has_error() {
                        return Some((wrapped, text));
                    }
                }
                Some((tree, code.to_string()))
            }
            Lang::Bash if code.contains("sudo") => {
                // Blank `sudo -E ` to spaces of the same length: offsets and lines hold.
                let mut text = code.to_string();
                let spans: Vec<_> = self
                    .sudo
                    .captures_iter(code)
                    .filter_map(|c| c.get(1).map(|m| m.range()))
                    .collect();
                for r in spans {
                    text.replace_range(r.clone(), &" ".repeat(r.len()));
                }
                parse(&text).map(|t| (t, text))
            }
            _ => parse(code).map(|t| (t, code.to_string())),
        }
    }

    fn finding(&self, rule: usize, block: usize, row: usize) -> Finding {
        let r = &self.rules[rule];
        Finding {
            rule_id: r.id.clone(),
            cwe: r.cwe.clone(),
            severity: r.severity,
            block_index: block,
            line: row + 1,
            message: r.message.clone(),
            fix: r.fix.clone(),
        }
    }
}

fn gates_pass(rule: &Rule, code: &str) -> bool {
    rule.only_if.as_ref().is_none_or(|re| re.is_match(code))
        && rule.unless.as_ref().is_none_or(|re| !re.is_match(code))
}

/// Findings one rule reports in one block before the rest are summed up: the same md5 call
/// on 70,000 lines of a submitted file says nothing new after a few, and each would be a
/// row in the store.
const MAX_PER_RULE: usize = 20;
/// See [`LIMIT_RULE_TOO_LARGE`]: a rule's findings in a block past [`MAX_PER_RULE`].
pub const LIMIT_RULE_TOO_MANY_FINDINGS: &str = "sast-too-many-findings";

/// Sorts and dedups `out`, and keeps [`MAX_PER_RULE`] findings per rule and block, saying in
/// one finding per block how many more each rule had.
fn finish(out: &mut Vec<Finding>) {
    normalize(out);
    let mut counts: std::collections::BTreeMap<(usize, String), usize> = Default::default();
    out.retain(|f| {
        let n = counts
            .entry((f.block_index, f.rule_id.clone()))
            .or_insert(0);
        *n += 1;
        *n <= MAX_PER_RULE
    });
    let mut more: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for ((block, rule), n) in counts.into_iter().filter(|(_, n)| *n > MAX_PER_RULE) {
        more.entry(block)
            .or_default()
            .push(format!("{rule} {} more", n - MAX_PER_RULE));
    }
    if more.is_empty() {
        return;
    }
    for (block, rules) in more {
        out.push(limit_finding(
            LIMIT_RULE_TOO_MANY_FINDINGS,
            block,
            format!(
                "Only the first {MAX_PER_RULE} findings of a rule are listed per block; not listed here: {}.",
                rules.join(", ")
            ),
        ));
    }
    normalize(out);
}

fn limit_finding(rule_id: &str, block: usize, message: String) -> Finding {
    Finding {
        rule_id: rule_id.to_string(),
        cwe: "CWE-400".to_string(),
        severity: Severity::Info,
        block_index: block,
        line: 1,
        message,
        fix: None,
    }
}

fn timeout_finding(block: usize, phase: &str) -> Finding {
    limit_finding(
        LIMIT_RULE_TIMEOUT,
        block,
        format!(
            "The scan ran out of time while {phase} this block; results for it may be incomplete."
        ),
    )
}

#[cfg(test)]
mod tests;

//! Secret detection: built-in provider rules plus operator rules from gitleaks TOML, behind
//! one keyword prefilter.
//!
//! Every rule names keywords (token prefixes, or words like `password`). One pass of one
//! Aho-Corasick automaton (case-sensitive keywords are checked at their hits) finds which
//! rules can match at all and where; a rule's regex then runs only in windows around its
//! keyword hits (the whole text when it is small). On a typical prompt no keyword hits and
//! no regex runs, and a rule file of hundreds of rules costs the same single pass.
//!
//! A match becomes a finding only after the secret value (the regex's secret group) passes
//! the rule's entropy floor, the placeholder list, the rule's check, and every allowlist.
//! Rules without keywords (allowed in gitleaks files) run on the whole text.

mod builtin;
mod filter;

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use regex::Regex;

use super::error::ScanError;
use super::finding::{Category, Finding};
use super::keywords::KeywordSet;
use super::text::{
    ascii_boundaries, ceil_boundary, entropy, floor_boundary, merge_windows, next_where, Windows,
};
pub(crate) use filter::Check;

/// Texts up to this size are searched whole by every rule whose keyword occurs, except the
/// assignment rules, which read [`assignment_windows`] at any size.
const WHOLE_TEXT_MAX: usize = 8 * 1024;
const WINDOW_BEFORE: usize = 1024;
const WINDOW_AFTER: usize = 2048;
/// PEM blocks run long (a 4096-bit RSA key is about 3.2 KB).
const MULTILINE_AFTER: usize = 64 * 1024;

/// What part of a match an allowlist regex is tested against (gitleaks `regexTarget`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Secret,
    Match,
    Line,
}

/// A gitleaks allowlist: a finding is dropped when it matches.
#[derive(Clone)]
pub(crate) struct Allowlist {
    pub(crate) regexes: Vec<Regex>,
    pub(crate) stopwords: Vec<String>,
    pub(crate) target: Target,
    /// `condition = "AND"`: every configured criterion must match, not just one.
    pub(crate) and: bool,
}

impl Allowlist {
    fn allows(&self, secret: &str, matched: &str, line: &str) -> bool {
        let hay = match self.target {
            Target::Secret => secret,
            Target::Match => matched,
            Target::Line => line,
        };
        let lower = secret.to_lowercase();
        let by_regex =
            (!self.regexes.is_empty()).then(|| self.regexes.iter().any(|r| r.is_match(hay)));
        let by_stop = (!self.stopwords.is_empty())
            .then(|| self.stopwords.iter().any(|w| lower.contains(w.as_str())));
        let checks = [by_regex, by_stop]
            .into_iter()
            .flatten()
            .collect::<Vec<bool>>();
        if checks.is_empty() {
            return false;
        }
        if self.and {
            checks.iter().all(|&c| c)
        } else {
            checks.iter().any(|&c| c)
        }
    }
}

/// One compiled rule, built-in or from a gitleaks file.
pub(crate) struct SecretRule {
    pub(crate) id: Arc<str>,
    pub(crate) entity: Arc<str>,
    pub(crate) regex: Regex,
    /// Keywords matched ASCII-case-insensitively (stored lowercase).
    pub(crate) ci: Vec<String>,
    /// Keywords matched case-sensitively.
    pub(crate) cs: Vec<String>,
    pub(crate) entropy: f32,
    /// Capture group holding the secret; `None` means the first group that matched a
    /// letter or digit, else the whole match (see [`secret_group`]).
    pub(crate) group: Option<usize>,
    pub(crate) score: f32,
    pub(crate) multiline: bool,
    pub(crate) check: Check,
    pub(crate) allow: Vec<Allowlist>,
}

/// The compiled secret rules and their prefilter.
pub(crate) struct SecretDetector {
    rules: Vec<SecretRule>,
    /// Per rule: whether its secret needs a digit (gitleaks 8: an id that starts with
    /// `generic`, an entropy floor, no check of ours), worked out once, not per match.
    needs_digit: Vec<bool>,
    /// Per rule: how the secret is read out of each match.
    spans: Vec<SecretSpan>,
    /// Every keyword, matched ASCII-case-insensitively in one pass; see [`Keyword`].
    keywords: KeywordSet,
    keyword_meta: Vec<Keyword>,
    always: Vec<usize>,
    global_allow: Vec<Allowlist>,
    placeholders: filter::Placeholders,
}

/// One keyword of the prefilter: the rules it gates, and for a case-sensitive keyword the
/// exact bytes a hit must have. Case-sensitive keywords sit in the same case-insensitive
/// automaton and are checked at each hit: one pass over the text instead of two (each pass
/// steps an automaton over every byte, and was a twentieth of a 4 KB scan).
struct Keyword {
    rules: Vec<usize>,
    exact: Option<Box<[u8]>>,
}

impl SecretDetector {
    /// Compiles the built-in rules and appends the operator's.
    pub(crate) fn new(
        extra: Vec<SecretRule>,
        global_allow: Vec<Allowlist>,
    ) -> Result<Self, ScanError> {
        let mut rules = Vec::with_capacity(builtin::RULES.len() + extra.len());
        let mut spans = Vec::with_capacity(builtin::RULES.len() + extra.len());
        for d in builtin::RULES {
            let regex =
                Regex::new(&ascii_boundaries(d.regex)).map_err(|e| ScanError::builtin(d.id, e))?;
            spans.push(match &d.tail {
                Some(t) => SecretSpan::Tail(CompiledTail::new(d, t, &regex)?),
                None => SecretSpan::of(&regex, None),
            });
            rules.push(SecretRule {
                id: Arc::from(d.id),
                entity: Arc::from(d.entity),
                regex,
                // ASCII-lowercased only: `contraseÑa` must stay apart from `contraseña`
                // for `CONTRASEÑA` to match, since the automaton folds ASCII alone.
                ci: d.ci.iter().map(|k| k.to_ascii_lowercase()).collect(),
                cs: d.cs.iter().map(|k| (*k).to_owned()).collect(),
                entropy: d.entropy,
                group: None,
                score: d.score,
                multiline: d.multiline,
                check: d.check,
                allow: Vec::new(),
            });
        }
        spans.extend(extra.iter().map(|r| SecretSpan::of(&r.regex, r.group)));
        rules.extend(extra);
        let mut keys: Vec<&str> = Vec::new();
        let mut keyword_meta: Vec<Keyword> = Vec::new();
        let mut always = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.ci.is_empty() && r.cs.is_empty() {
                always.push(i);
            }
            let ci = r.ci.iter().map(|k| (k, false));
            for (k, exact) in ci.chain(r.cs.iter().map(|k| (k, true))) {
                let same = |m: &Keyword| m.exact.is_some() == exact;
                match keys
                    .iter()
                    .zip(&keyword_meta)
                    .position(|(x, m)| x == k && same(m))
                {
                    Some(p) => keyword_meta[p].rules.push(i),
                    None => {
                        keys.push(k);
                        keyword_meta.push(Keyword {
                            rules: vec![i],
                            exact: exact.then(|| k.as_bytes().into()),
                        });
                    }
                }
            }
        }
        let keywords =
            KeywordSet::new(&keys, true).map_err(|e| ScanError::builtin("secret-prefilter", e))?;
        Ok(SecretDetector {
            needs_digit: rules
                .iter()
                .map(|r| r.id.starts_with("generic") && r.check == Check::None && r.entropy > 0.0)
                .collect(),
            spans,
            keywords,
            keyword_meta,
            rules,
            always,
            global_allow,
            placeholders: filter::Placeholders::new()?,
        })
    }

    pub(crate) fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Each rule whose keyword occurs in `text`, with where, in rule order; rules without
    /// keywords are listed at 0.
    fn keyword_hits(&self, text: &str) -> Vec<(usize, Sites)> {
        // Per rule, its place in `found`: one small table instead of a (rule, position)
        // pair per hit, which a text dense with keywords would make by the million.
        let mut slot = vec![usize::MAX; self.rules.len()];
        let mut found: Vec<(usize, Sites)> = Vec::new();
        let mut add = |r: usize, p: usize| {
            if slot[r] == usize::MAX {
                slot[r] = found.len();
                found.push((r, self.sites(r)));
            }
            found[slot[r]].1.add(p);
        };
        self.keywords.for_each(text.as_bytes(), |m| {
            let k = &self.keyword_meta[m.pattern];
            if k.exact
                .as_deref()
                .is_none_or(|exact| text.as_bytes().get(m.start..m.end) == Some(exact))
            {
                k.rules.iter().for_each(|&r| add(r, m.start));
            }
        });
        self.always.iter().for_each(|&r| add(r, 0));
        found.sort_unstable_by_key(|&(r, _)| r);
        found
    }

    /// How rule `r` keeps its keyword hits.
    fn sites(&self, r: usize) -> Sites {
        if let Some(SecretSpan::Tail(_)) = self.spans.get(r) {
            return Sites::Keys(Vec::new());
        }
        let multiline = self.rules.get(r).is_some_and(|rule| rule.multiline);
        let after = if multiline {
            MULTILINE_AFTER
        } else {
            WINDOW_AFTER
        };
        Sites::Near(Windows::new(WINDOW_BEFORE, after))
    }

    /// Appends a finding for every secret in `text`.
    pub(crate) fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        for (r, sites) in self.keyword_hits(text) {
            let windows = match sites {
                Sites::Keys(mut keys) => {
                    // Only an assignment rule keeps keys ([`Self::sites`]).
                    let Some(SecretSpan::Tail(tail)) = self.spans.get(r) else {
                        continue;
                    };
                    keys.sort_unstable();
                    keys.dedup();
                    let windows = assignment_windows(text, keys.into_iter(), tail.opens);
                    self.run_assignments(r, tail, text, &windows, out);
                    continue;
                }
                _ if text.len() <= WHOLE_TEXT_MAX || self.always.contains(&r) => {
                    vec![(0, text.len())]
                }
                Sites::Near(near) => {
                    let mut w = near.of(text);
                    // An end inside a token (a JWT, a key body) would cut it where its own
                    // pattern could not match: the window runs on to the token's end.
                    for (_, we) in &mut w {
                        *we = token_end(text, *we);
                    }
                    merge_windows(&mut w);
                    w
                }
            };
            // A match read on past its window's end is not found again from the next.
            let mut done = 0;
            for (ws, we) in windows {
                if we > done {
                    done = self.run_rule(r, text, ws.max(done), we, out);
                }
            }
        }
    }

    /// Runs rule `r` over the matches of `text` that start in the window `ws..we`. The
    /// search begins at `ws` in the whole text, so `^` and `\b` read there as they do in
    /// it; a match cut by the window's end is read again past it.
    /// Returns where the search stopped: `we`, or the end of a match read past it.
    fn run_rule(
        &self,
        r: usize,
        text: &str,
        ws: usize,
        we: usize,
        out: &mut Vec<Finding>,
    ) -> usize {
        let (Some(rule), Some(hay)) = (self.rules.get(r), text.get(..we)) else {
            return we;
        };
        let whole_span = matches!(self.spans.get(r), Some(SecretSpan::Whole));
        let mut at = ws;
        while at <= we {
            let Some(mut found) = self.find_at(rule, whole_span, hay, at) else {
                break;
            };
            if found.0.end == we && we < text.len() {
                let end = we.max(found.0.start).saturating_add(MULTILINE_AFTER);
                let longer = &text[..ceil_boundary(text, end)];
                match self.find_at(rule, whole_span, longer, found.0.start) {
                    Some(f) if f.0.start < we => found = f,
                    _ => break,
                }
            }
            let (whole, secret) = found;
            // An empty match (an operator's pattern may allow one) moves on a character;
            // at the window's end there is none to move to.
            at = if whole.end > whole.start {
                whole.end
            } else if whole.end >= we {
                break;
            } else {
                ceil_boundary(text, whole.end + 1)
            };
            if let Some(secret) = secret {
                self.consider(r, text, whole, secret, out);
            }
        }
        at.max(we)
    }

    /// The first match of `rule` in `hay` from `at`, and its secret's range.
    fn find_at(
        &self,
        rule: &SecretRule,
        whole_span: bool,
        hay: &str,
        at: usize,
    ) -> Option<(Range<usize>, Option<Range<usize>>)> {
        if whole_span {
            let m = rule.regex.find_at(hay, at)?;
            return Some((m.range(), Some(m.range())));
        }
        // Assignment rules come here from tests only, as the whole-text reference for
        // `run_assignments`, which `scan` uses for them.
        let caps = rule.regex.captures_at(hay, at)?;
        let whole = caps.get(0)?.range();
        Some((whole, secret_group(&caps, rule.group).map(|m| m.range())))
    }

    /// Runs assignment rule `r`, whose secret `tail` reads, over `windows` of `text` (from
    /// [`assignment_windows`]): the matches of one search of the whole text, since every
    /// match lies inside one window. Each window is searched in `text` cut at its end, from
    /// its start, so `^` and the byte before the window read as they do in the whole text.
    fn run_assignments(
        &self,
        r: usize,
        tail: &CompiledTail,
        text: &str,
        windows: &[(usize, usize)],
        out: &mut Vec<Finding>,
    ) {
        let Some(rule) = self.rules.get(r) else {
            return;
        };
        let mut at = 0;
        for &(ws, we) in windows {
            let Some(hay) = text.get(..we) else { continue };
            at = at.max(ws);
            while at < we {
                let Some(m) = rule.regex.find_at(hay, at) else {
                    break;
                };
                let whole = m.range();
                // A match is never empty (its value is six bytes or more); the guard keeps
                // the loop finite if a rule ever allows one.
                at = if whole.is_empty() { we } else { whole.end };
                let secret = tail.secret(hay, whole.clone(), rule.group).or_else(|| {
                    // Not reached by the built-in rules (a test holds every corpus match
                    // to the whole pattern's answer); kept so a wrong `opens` costs time
                    // only.
                    let caps = rule.regex.captures_at(hay, whole.start)?;
                    secret_group(&caps, rule.group).map(|m| m.range())
                });
                if let Some(secret) = secret {
                    self.consider(r, text, whole, secret, out);
                }
            }
        }
    }

    /// Turns one match of rule `r` (byte ranges of `text`) into a finding, unless
    /// its secret fails the entropy floor, the placeholder list, the rule's check or an
    /// allowlist.
    fn consider(
        &self,
        r: usize,
        text: &str,
        whole: Range<usize>,
        secret: Range<usize>,
        out: &mut Vec<Finding>,
    ) {
        let (Some(rule), Some(whole_str), Some(value)) = (
            self.rules.get(r),
            text.get(whole.clone()),
            text.get(secret.clone()),
        ) else {
            return;
        };
        if value.is_empty() || (rule.entropy > 0.0 && entropy(value) < rule.entropy) {
            return;
        }
        if self.placeholders.is_placeholder(value) {
            return;
        }
        // A value between quotes is a literal, whatever it holds (`'…)a(2r…'`).
        let quoted = text
            .as_bytes()
            .get(secret.start.wrapping_sub(1))
            .is_some_and(|q| {
                matches!(q, b'"' | b'\'') && text.as_bytes().get(secret.end) == Some(q)
            });
        let Some(len) = filter::check(rule.check, value, quoted) else {
            return;
        };
        let before = whole_str.get(..secret.start - whole.start).unwrap_or("");
        if (rule.check == Check::Generic && filter::names_no_secret(before))
            || (rule.check == Check::Password && filter::repeats_user(before, value))
        {
            return;
        }
        // gitleaks 8 drops a secret without a digit from a rule that has an entropy floor
        // and an id that starts with `generic`; keep its semantics.
        if self.needs_digit.get(r).copied().unwrap_or(false)
            && !value.bytes().any(|b| b.is_ascii_digit())
        {
            return;
        }
        let start = secret.start;
        let end = ceil_boundary(text, start + len);
        let allowlists = || rule.allow.iter().chain(&self.global_allow);
        if allowlists().next().is_some() {
            // The line is looked for only when an allowlist tests it: on one long line (a
            // megabyte of minified JSON) that search costs the line's length for each match.
            let line = if allowlists().any(|a| a.target == Target::Line) {
                line_of(text, whole.start, whole.end)
            } else {
                ""
            };
            let kept = text.get(start..end).unwrap_or("");
            if allowlists().any(|a| a.allows(kept, whole_str, line)) {
                return;
            }
        }
        out.push(Finding {
            category: Category::Secret,
            entity: Arc::clone(&rule.entity),
            start,
            end,
            score: rule.score,
        });
    }
}

/// How a rule's secret is read out of each of its matches.
enum SecretSpan {
    /// The secret group always spans the whole match: a plain search finds it, without
    /// resolving capture groups (a backtracking pass over each match, which a document with
    /// thousands of matches pays thousands of times).
    Whole,
    /// The groups are resolved by the rule's [`builtin::Tail`] alone.
    Tail(CompiledTail),
    /// The groups are resolved with the whole pattern.
    Groups,
}

impl SecretSpan {
    /// `Whole` when the pattern allows it, else `Groups`.
    fn of(regex: &Regex, group: Option<usize>) -> Self {
        if group_spans_match(regex.as_str(), group) {
            SecretSpan::Whole
        } else {
            SecretSpan::Groups
        }
    }
}

/// The secret of one match: group `group`, or else the first group that matched a letter
/// or digit, or else the whole match. gitleaks takes the first group that matched
/// anything; in `(["']?)([A-Za-z0-9]{32})` that is the quote when there is one, and
/// redacting a quote would leave the key beside it.
fn secret_group<'h>(caps: &regex::Captures<'h>, group: Option<usize>) -> Option<regex::Match<'h>> {
    match group {
        Some(g) => caps.get(g),
        None => (1..caps.len())
            .find_map(|g| {
                caps.get(g)
                    .filter(|m| m.as_str().chars().any(char::is_alphanumeric))
            })
            .or_else(|| caps.get(0)),
    }
}

/// Where the run of non-blank bytes around `at` ends, at most [`MULTILINE_AFTER`] on.
fn token_end(text: &str, at: usize) -> usize {
    let cap = ceil_boundary(text, at.saturating_add(MULTILINE_AFTER));
    if at > cap {
        return at;
    }
    next_where(&text.as_bytes()[..cap], at, |c| c.is_ascii_whitespace())
}

/// A rule's [`builtin::Tail`], compiled: the tail pattern anchored at its start.
struct CompiledTail {
    opens: &'static [u8],
    regex: Regex,
}

impl CompiledTail {
    /// Compiles `tail` with the flags that open `def`'s regex, and checks that it can stand
    /// for the whole pattern: a suffix of it, with every group and no look-around.
    fn new(def: &builtin::Def, tail: &builtin::Tail, whole: &Regex) -> Result<Self, ScanError> {
        let fail = |why: &str| ScanError::Builtin {
            id: def.id.to_owned(),
            source: format!("tail: {why}").into(),
        };
        let Some(head) = def.regex.strip_suffix(tail.pattern) else {
            return Err(fail("not a suffix of the regex"));
        };
        let flags = head
            .strip_prefix("(?")
            .and_then(|h| h.split_once(')'))
            .filter(|(f, _)| f.chars().all(|c| c.is_ascii_alphabetic() || c == '-'))
            .map_or(String::new(), |(f, _)| format!("(?{f})"));
        let pattern = format!(r"{flags}\A(?:{})", tail.pattern);
        let hir = regex_syntax::parse(&pattern).map_err(|e| fail(&e.to_string()))?;
        if hir.properties().look_set()
            != regex_syntax::hir::LookSet::singleton(regex_syntax::hir::Look::Start)
        {
            return Err(fail("look-around in the tail"));
        }
        let regex = Regex::new(&pattern).map_err(|e| fail(&e.to_string()))?;
        if regex.captures_len() != whole.captures_len() {
            return Err(fail("groups before the tail"));
        }
        Ok(CompiledTail {
            opens: tail.opens,
            regex,
        })
    }

    /// The secret of `whole`, a match of the rule in `slice`, read by the tail alone; `None`
    /// when the tail does not read the match the way the whole pattern did.
    ///
    /// The same answer as the whole pattern's groups: every way the pattern can match up to
    /// the tail ends at the same operator (the first opener past the match's first byte), the
    /// tail has no look-around, so cutting the text at the match's end takes from it only
    /// ways that the whole pattern did not choose, and its preferred way, the one the whole
    /// pattern took after its preferred head, still ends at the match's end.
    fn secret(
        &self,
        slice: &str,
        whole: Range<usize>,
        group: Option<usize>,
    ) -> Option<Range<usize>> {
        let bytes = slice.as_bytes().get(whole.clone())?;
        let first = usize::from(bytes.first().is_some_and(|b| self.opens.contains(b)));
        let op = whole.start
            + first
            + bytes
                .get(first..)?
                .iter()
                .position(|b| self.opens.contains(b))?;
        let caps = self.regex.captures(slice.get(op..whole.end)?)?;
        if caps.get(0)?.end() != whole.end - op {
            return None;
        }
        let m = secret_group(&caps, group)?;
        Some(op + m.start()..op + m.end())
    }
}

/// Whether the secret group of `pattern` (`None`: the first group that takes part, or the
/// whole match) always spans exactly the match: the pattern is that one group, with at most
/// zero-width assertions (`\b`, `^`) around it. Anything else, or a pattern that does not
/// parse, answers `false` and keeps capture resolution.
fn group_spans_match(pattern: &str, group: Option<usize>) -> bool {
    use regex_syntax::hir::{Hir, HirKind};
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return false;
    };
    let groups = hir.properties().explicit_captures_len();
    let group = match group {
        Some(g) => g,
        None if groups == 0 => return true,
        None => 1,
    };
    let is_group = |h: &Hir| matches!(h.kind(), HirKind::Capture(c) if c.index as usize == group);
    match hir.kind() {
        HirKind::Capture(_) => is_group(&hir),
        HirKind::Concat(parts) => {
            let mut rest = parts
                .iter()
                .filter(|h| !matches!(h.kind(), HirKind::Look(_)));
            rest.next().is_some_and(is_group) && rest.next().is_none()
        }
        _ => false,
    }
}

/// Where one rule's keywords occur in a text.
enum Sites {
    /// Every keyword start, for an assignment rule's [`assignment_windows`].
    Keys(Vec<usize>),
    /// The windows around them, for any other rule.
    Near(Windows),
}

impl Sites {
    fn add(&mut self, p: usize) {
        match self {
            Sites::Keys(keys) => keys.push(p),
            Sites::Near(windows) => windows.add(p),
        }
    }
}

/// Bytes an assignment's match can start before its keyword: a delimiter (up to four
/// bytes) and a key prefix of up to 40 characters, which under `(?i)` may be `K` (Kelvin,
/// three bytes) or `ſ` (two).
const KEY_BEFORE: usize = 4 + 40 * 3;
/// Bytes a key can run from its keyword's start: the keyword (at most [`KEYWORD_MAX`]) and
/// up to 20 more characters of up to three bytes each.
const KEY_AFTER: usize = KEYWORD_MAX + 20 * 3;
/// The longest keyword of an assignment rule; a test holds the built-in rule to it.
const KEYWORD_MAX: usize = 32;

/// Where an assignment rule (one with a [`builtin::Tail`]) can match in `text`, given where
/// its keywords occur, in order: around each keyword followed by the rest of a key, at most
/// two closing quotes or marker bytes, white space and an operator (a byte of `opens`), from
/// [`KEY_BEFORE`] bytes before it to the end of the third run of non-blank bytes from the
/// operator on (the operator, a `**`, `__` or `</b>` marker, the value), merged. Keywords
/// in prose ("reset your password") have no operator after them, so a prompt's rule search
/// reads a few hundred bytes instead of all of it.
///
/// Each step accepts what the pattern does and more (any non-ASCII letter is taken for one
/// of the key, and runs end at ASCII blanks only), and every keyword of the pattern is
/// one of the rule's keywords, so every match contains one of these keywords and lies inside
/// its window. Each step is bounded or read once, so the cost stays linear in the text
/// however many keywords share a line (minified JSON).
fn assignment_windows(
    text: &str,
    keywords: impl Iterator<Item = usize>,
    opens: &[u8],
) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let key_char = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '.' | '-')
            || !(c.is_ascii() || c.is_whitespace())
    };
    let mut runs = Runs::new(b);
    // The last white space crossed, as (where it starts, where it ends): keywords of one key
    // (`passwordtoken`) reach the same stretch.
    let mut gap = (usize::MAX, 0);
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for k in keywords {
        // The rest of the key, no further than a key reaches. Non-ASCII letters count:
        // under `(?i)` the key's class holds `K` and `ſ`.
        let reach = k.saturating_add(KEY_AFTER);
        let rest = text.get(k..).unwrap_or("");
        let mut i = k + rest
            .char_indices()
            .find(|&(p, c)| k + p >= reach || !key_char(c))
            .map_or(rest.len(), |(p, _)| p);
        for _ in 0..2 {
            if b.get(i)
                .is_some_and(|c| matches!(c, b'"' | b'\'' | b']' | b'`' | b'*' | b'_'))
            {
                i += 1;
            }
        }
        if gap.0 != i {
            let rest = text.get(i..).unwrap_or("");
            let space = rest.len() - rest.trim_start_matches(char::is_whitespace).len();
            gap = (i, i + space);
        }
        let op = gap.1;
        if b.get(op).is_some_and(|c| opens.contains(c)) {
            let w = (
                floor_boundary(text, k.saturating_sub(KEY_BEFORE)),
                runs.third_end(op),
            );
            // Keywords come in order: most windows join the last one as they are made, so
            // a text of nothing but assignments does not hold one window per keyword.
            match windows.last_mut() {
                Some(last) if w.0 <= last.1 && w.0 >= last.0 => last.1 = last.1.max(w.1),
                _ => windows.push(w),
            }
        }
    }
    merge_windows(&mut windows);
    windows
}

/// The runs of non-blank bytes of a text, read left to right once, so that window ends for
/// keywords that share one long run cost one read of it.
struct Runs<'t> {
    b: &'t [u8],
    /// Where reading resumes.
    read: usize,
    /// Runs read and not yet passed: the one holding the last position asked for, and after.
    ahead: VecDeque<(usize, usize)>,
}

impl<'t> Runs<'t> {
    fn new(b: &'t [u8]) -> Self {
        Runs {
            b,
            read: 0,
            ahead: VecDeque::with_capacity(4),
        }
    }

    /// The end of the third run from `at` (a non-blank byte) on: `at`'s run, then two more,
    /// or the text's end if fewer follow.
    fn third_end(&mut self, at: usize) -> usize {
        let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
        if self.ahead.front().is_some_and(|r| r.0 > at) {
            // Asked for a position behind: read again from it.
            self.ahead.clear();
            self.read = at;
        }
        while self.ahead.front().is_some_and(|r| r.1 <= at) {
            self.ahead.pop_front();
        }
        if self.ahead.is_empty() {
            self.read = self.read.max(at);
        }
        while self.ahead.len() < 3 {
            let s = next_where(self.b, self.read, |c| !blank(c));
            if s >= self.b.len() {
                return self.b.len();
            }
            let e = next_where(self.b, s, blank);
            self.ahead.push_back((s, e));
            self.read = e;
        }
        self.ahead[2].1
    }
}

/// The full line(s) a match spans, for allowlists targeting `line`.
fn line_of(text: &str, s: usize, e: usize) -> &str {
    let ls = text
        .get(..s)
        .and_then(|h| h.rfind('\n'))
        .map_or(0, |p| p + 1);
    let le = text
        .get(e..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |p| e + p);
    text.get(ls..le).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<(String, String)> {
        let d = SecretDetector::new(Vec::new(), Vec::new()).unwrap();
        let mut v = Vec::new();
        d.scan(t, &mut v);
        v.into_iter()
            .map(|f| (f.entity.to_string(), t[f.start..f.end].to_owned()))
            .collect()
    }

    /// Asserts that none of `texts` holds a finding.
    fn none_in(texts: &[&str]) {
        for t in texts {
            assert!(found(t).is_empty(), "{t:?}: {:?}", found(t));
        }
    }

    fn has(t: &str, entity: &str, value: &str) {
        let f = found(t);
        assert!(
            f.iter().any(|(e, v)| e == entity && v == value),
            "{t:?}: {f:?}"
        );
    }

    #[test]
    fn provider_tokens() {
        has(
            "key AKIAZ3MHPQ2X7LRT4WVB here",
            "AWS_ACCESS_KEY",
            "AKIAZ3MHPQ2X7LRT4WVB",
        );
        has(
            "aws_secret_access_key = kZ7q9Vt2Lw0xR4pN8sJ3mY6bH1cF5gD2eA9uT0iQ",
            "AWS_SECRET_KEY",
            "kZ7q9Vt2Lw0xR4pN8sJ3mY6bH1cF5gD2eA9uT0iQ",
        );
        has(
            "token ghp_R8k2Lq9ZmV4tX7wP1nB6cY3dF5gH0jKsAe7u",
            "GITHUB_TOKEN",
            "ghp_R8k2Lq9ZmV4tX7wP1nB6cY3dF5gH0jKsAe7u",
        );
        has(
            "OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zQ7rT",
            "OPENAI_API_KEY",
            "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zQ7rT",
        );
        has(
            "SLACK=xoxb-2938475610-9384756102-Zq8Xw7Vu6Ts5Rq4Po3Nm",
            "SLACK_TOKEN",
            "xoxb-2938475610-9384756102-Zq8Xw7Vu6Ts5Rq4Po3Nm",
        );
        has(
            "db: postgres://app:Vq8#zL2m@db.internal:5432/app",
            "CONNECTION_STRING",
            "Vq8#zL2m",
        );
        has(
            "redis://:K@lZjq2OG#I@cache.internal:6379/0",
            "CONNECTION_STRING",
            "K@lZjq2OG#I",
        );
        has(
            "Authorization: Bearer 7fG2kL9qXz3VbN8mR4tY1wP6sD0hJ5cA",
            "BEARER_TOKEN",
            "7fG2kL9qXz3VbN8mR4tY1wP6sD0hJ5cA",
        );
        has(
            "DB_PASSWORD=\"Tr0ub4dor&3xq\"",
            "GENERIC_SECRET",
            "Tr0ub4dor&3xq",
        );
        has(
            "feed glft-Zq8Xw7Vu6Ts5Rq4Po3NmK2 ok",
            "GITLAB_TOKEN",
            "glft-Zq8Xw7Vu6Ts5Rq4Po3NmK2",
        );
        let test_pypi =
            "pypi-AgENdGVzdC5weXBpLm9yZwIkZjRkOWQ4ZTItN2IxZS00ZmQ5LWI5YTMtOWQ2NzQwZTlkZTc2";
        has(&format!("password = {test_pypi}"), "PYPI_TOKEN", test_pypi);
        let hook = "hooks.slack.com/services/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";
        has(&format!("post to {hook} now"), "SLACK_WEBHOOK", hook);
    }

    #[test]
    fn a_keyword_can_be_case_sensitive_for_one_rule_and_not_for_another() {
        // An operator rule whose (case-insensitive) keyword is a built-in case-sensitive one:
        // both sit in the one automaton, and each keeps its own case rule.
        let extra = SecretRule {
            id: Arc::from("shouty-ghp"),
            entity: Arc::from("SHOUTY"),
            regex: Regex::new(r"\b(GHP_[A-Z0-9]{8})\b").unwrap(),
            ci: vec!["ghp_".into()],
            cs: Vec::new(),
            entropy: 0.0,
            group: Some(1),
            score: 0.9,
            multiline: false,
            check: Check::None,
            allow: Vec::new(),
        };
        let d = SecretDetector::new(vec![extra], Vec::new()).unwrap();
        let text = "GHP_Q8W7E6R5 and ghp_R8k2Lq9ZmV4tX7wP1nB6cY3dF5gH0jKsAe7u";
        let mut v = Vec::new();
        d.scan(text, &mut v);
        let mut got: Vec<(&str, &str)> = v
            .iter()
            .map(|f| (&*f.entity, &text[f.start..f.end]))
            .collect();
        got.sort_unstable();
        assert_eq!(
            got,
            vec![
                ("GITHUB_TOKEN", "ghp_R8k2Lq9ZmV4tX7wP1nB6cY3dF5gH0jKsAe7u"),
                ("SHOUTY", "GHP_Q8W7E6R5"),
            ]
        );
    }

    #[test]
    fn pem_block_spans_lines() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n";
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----");
        has(&format!("key:\n{pem}\nend"), "PRIVATE_KEY", &pem);
    }

    #[test]
    fn a_cut_pem_block_ends_before_the_next_one() {
        // A block pasted without its end marker, then prose, then a whole block: two keys,
        // and the prose between them is neither (the body never runs past a `--`).
        let body =
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4\n";
        let cut = format!("-----BEGIN PRIVATE KEY-----\n{body}");
        let whole = format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----");
        let got = found(&format!("{cut}; and the other one: {whole}"));
        let values: Vec<&str> = got.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, vec![cut.as_str(), whole.as_str()], "{got:?}");
    }

    #[test]
    fn a_long_assigned_value_is_found_whole() {
        let value = "Xy7pQ2zR9w".repeat(30);
        has(&format!("token = {value} end"), "GENERIC_SECRET", &value);
    }

    #[test]
    fn placeholders_and_prose_are_not_secrets() {
        none_in(&[
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "export OPENAI_API_KEY=YOUR_API_KEY",
            "password = ${DB_PASSWORD}",
            "the token expired yesterday, please refresh it",
            "postgres://user:password@localhost/db",
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
            "api_key: sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "token = get_token()",
            "Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed",
            "secret_name: prod/db/credentials",
            "query = \"SELECT * FROM users WHERE password = '{password}'\"",
            "ssh -p 2222 root@host; docker run -p 8080:80 nginx; mysql -p mydb",
            "DATABASE_URL: postgres://postgres:postgres@db:5432/postgres",
            "redis://default:default@cache:6379 uses the default user",
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
            "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            "stripe.api_key = \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"",
        ]);
    }

    #[test]
    fn quoted_values_sessions_other_schemes_and_command_lines() {
        let django = "i!+eqh5+24^yng5by1#+)a(2r_o@gubbb^8ay*n1_b7o+259ow";
        has(
            &format!("SECRET_KEY = '{django}'"),
            "GENERIC_SECRET",
            django,
        );
        has(
            "GET /v1/data?api_key=C3J27XDCG2LmlZGEONYlgCtjfIZ4SOcM&format=json",
            "GENERIC_SECRET",
            "C3J27XDCG2LmlZGEONYlgCtjfIZ4SOcM",
        );
        has(
            "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
            "AUTH_TOKEN",
            "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
        );
        has(
            "Cookie: theme=dark; session=k2v9x8q7w6e5r4t3y2u1i0o9p8a7s6d5; lang=en",
            "SESSION_COOKIE",
            "k2v9x8q7w6e5r4t3y2u1i0o9p8a7s6d5",
        );
        has(
            "Cookie: PHPSESSID=9b1c3e5a7d2f4b6c8e0a1d3f5b7c9e2a",
            "SESSION_COOKIE",
            "9b1c3e5a7d2f4b6c8e0a1d3f5b7c9e2a",
        );
        for t in [
            "curl -u admin:Xk9mP2vL7qR4 https://api.example.com",
            "sshpass -p 'Xk9mP2vL7qR4' ssh root@server",
            "mysql -u root -pXk9mP2vL7qR4 mydb",
            "docker login -u admin -p Xk9mP2vL7qR4 registry.example.com",
        ] {
            has(t, "GENERIC_SECRET", "Xk9mP2vL7qR4");
        }
    }

    #[test]
    fn sql_php_terraform_netrc_pgpass_and_azure_headers() {
        for t in [
            "CREATE USER 'app'@'%' IDENTIFIED BY 'Xk9mP2vL7qR4';",
            "ALTER USER app IDENTIFIED WITH mysql_native_password BY 'Xk9mP2vL7qR4';",
            "CREATE ROLE app WITH LOGIN PASSWORD 'Xk9mP2vL7qR4';",
            "define( 'DB_PASSWORD', 'Xk9mP2vL7qR4' );",
            "variable \"db_password\" {\n  type    = string\n  default = \"Xk9mP2vL7qR4\"\n}",
            "machine api.github.com\n  login octocat\n  password Xk9mP2vL7qR4",
            "db.internal:5432:app:app_user:Xk9mP2vL7qR4",
        ] {
            has(t, "GENERIC_SECRET", "Xk9mP2vL7qR4");
        }
        has(
            "define('NONCE_KEY', 'q:L]x8{V^#b2Gm)tR5!pZ@w7Ke?Yc3|Nf6%Ha9&Ju1');",
            "GENERIC_SECRET",
            "q:L]x8{V^#b2Gm)tR5!pZ@w7Ke?Yc3|Nf6%Ha9&Ju1",
        );
        for t in [
            "Ocp-Apim-Subscription-Key: 3f9a1c2b7d4e4f60a1b2c3d4e5f60718",
            "headers = {'x-functions-key': '3f9a1c2b7d4e4f60a1b2c3d4e5f60718'}",
        ] {
            has(t, "AZURE_API_KEY", "3f9a1c2b7d4e4f60a1b2c3d4e5f60718");
        }
        has(
            "smtp://ana@acme.mx:Xk9mP2vL7qR4@smtp.acme.mx:587",
            "CONNECTION_STRING",
            "Xk9mP2vL7qR4",
        );
        none_in(&[
            "CREATE USER app IDENTIFIED BY 'password';",
            "define('DB_PASSWORD', getenv('DB_PASSWORD'));",
            "define('WP_DEBUG', false);",
            "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}",
            "machine example.com login anonymous password ${FTP_PASSWORD}",
            "2024-01-15 10:32:07:5432:ok",
            "Ocp-Apim-Subscription-Key: {{subscription_key}}",
            "https://user@example.com/path",
        ]);
    }

    #[test]
    fn a_base64_pem_private_key_but_not_a_certificate() {
        let key = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQktjd2dnU2pBZ0VBQW9JQkFRQzdWSlRVdDlVczhjS2pNekVmWXlqaVdBNFI0L00yYlMxR0I0dDdOWHA5OEMzU0M2ZFZNdkR1aWN0R2V1clQ4ak5idkpaSHRDU3VZRXZ1Tk1vU2ZtNzZvcUZ2QXA4R3kwaXo1c3hqWm1Tblh5Q2RQRW92R2hMYTBWek1hUThzK0NMT3lTNTZZeUNGR2VKWgotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==";
        has(
            &format!("apiVersion: v1\nkind: Secret\ndata:\n  tls.key: {key}\n"),
            "PRIVATE_KEY",
            key,
        );
        none_in(&["data:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQktjd2dnU2pBZ0VBQW9JQkFRQzdWSlRVdDlVczhjS2pNekVmWXlqaVdBNFI0L00yYlMxR0I0dDdOWHA5OEMzU0M2ZFZNdkR1aWN0R2V1clQ4ak5idkpaSHRDU3VZRXZ1Tk1vU2ZtNzZvcUZ2QXA4R3kwaXo1c3hqWm1Tblh5Q2RQRW92R2hMYTBWek1hUThzK0NMT3lTNTZZeUNGR2VKWgotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==\n"]);
    }

    #[test]
    fn labels_with_qualifiers_markup_or_capitals() {
        for t in [
            "**Password:** Tl4x#9pQw2",
            "**Password**: Tl4x#9pQw2",
            "password: **Tl4x#9pQw2**",
            "<strong>Contraseña:</strong> Tl4x#9pQw2",
            "- **Token:** Tl4x#9pQw2",
            "Contraseña nueva: Tl4x#9pQw2",
            "contraseña del wifi: Tl4x#9pQw2",
            "clave de acceso: Tl4x#9pQw2",
            "la clave del wifi es: Tl4x#9pQw2",
            "CONTRASEÑA: Tl4x#9pQw2",
            "Password (temporary): Tl4x#9pQw2",
        ] {
            has(t, "GENERIC_SECRET", "Tl4x#9pQw2");
        }
        none_in(&[
            "Password requirements: at least 8 characters",
            "password field: required",
            "**Password:** see the vault",
            "Clave de elector: GMMRCR85031209H400",
            "Clave de rastreo SPEI: 2024060340014TRASPASO00123456",
            "clave del empleado: EMP20451",
            "def login(username: Optional[str], password: Optional[HiddenText]) -> None:",
        ]);
    }

    #[test]
    fn environment_lists_name_then_value() {
        has(
            "env:\n- name: DB_PASSWORD\n  value: \"Xk9#mQ2v$Lp7wRt4\"",
            "GENERIC_SECRET",
            "Xk9#mQ2v$Lp7wRt4",
        );
        has(
            "- name: API_TOKEN\n  value: fPkzSrAsQtA9dtVK4wAAb3XZxPmzUzn8aB5kBh0f",
            "GENERIC_SECRET",
            "fPkzSrAsQtA9dtVK4wAAb3XZxPmzUzn8aB5kBh0f",
        );
        has(
            r#""environment": [{"name": "DB_PASSWORD", "value": "Xk9#mQ2v$Lp7wRt4"}]"#,
            "GENERIC_SECRET",
            "Xk9#mQ2v$Lp7wRt4",
        );
        none_in(&[
            "- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db-secret",
            "- name: TOKEN_TTL\n  value: \"3600\"",
        ]);
    }

    #[test]
    fn more_key_names_and_xml_configuration() {
        let v = "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";
        for t in [
            format!("DB_PASS={v}"),
            format!("ansible_become_pass: {v}"),
            format!("$db_pass = '{v}';"),
            format!("ENCRYPTION_KEY={v}"),
            // Hyphenated key names need keywords of their own: the rule runs only where
            // one occurs.
            format!("private-key = {v}"),
            format!("auth-key: {v}"),
            format!("\"SigningKey\": \"{v}\""),
            format!("app.config[\"SECRET_KEY\"] = \"{v}\""),
            format!("<add key=\"ClientSecret\" value=\"{v}\" />"),
            format!("<server><id>nexus</id><password>{v}</password></server>"),
            format!("<property name=\"hibernate.connection.password\" value=\"{v}\"/>"),
        ] {
            has(&t, "GENERIC_SECRET", v);
        }
        none_in(&[
            "compass: N45E12345",
            "<passwordPolicy>minLength8</passwordPolicy>",
            "tokenizer: cl100k_base",
            "password_hasher: bcrypt_sha256",
            "token_cache: ~/.cache/token2.json",
            "credentials_provider: aws_sdk_v2",
            "<add key=\"TokenLifetime\" value=\"3600\" />",
        ]);
    }

    #[test]
    fn registry_logins_are_base64_pairs() {
        // base64("deploy:Xk9mP2vL7qR4")
        let auth = "ZGVwbG95OlhrOW1QMnZMN3FSNA==";
        has(
            &format!(r#"{{"auths": {{"ghcr.io": {{"auth": "{auth}"}}}}}}"#),
            "BASIC_AUTH",
            auth,
        );
        has(
            &format!("//registry.npmjs.org/:_auth={auth}"),
            "BASIC_AUTH",
            auth,
        );
        // `_auth` opens the text or follows a non-word byte, not a word (`my_auth`).
        has(&format!("_auth = \"{auth}\""), "BASIC_AUTH", auth);
        has(&format!("é_auth={auth}"), "BASIC_AUTH", auth);
        // A base64 value that is not a pair, a pair whose password is a dummy word, and a
        // key that only ends in `_auth`.
        none_in(&[
            r#"{"auth": "aGVsbG8gd29ybGQgdGhpcyBpcyBub3Q="}"#,
            r#"{"auth": "dXNlcjpwYXNzd29yZA=="}"#,
            &format!("my_auth={auth}"),
        ]);
    }

    #[test]
    fn whole_group_is_read_from_the_pattern() {
        for (pattern, group, whole) in [
            (r"(?-u:\b)(AKIA[A-Z2-7]{16})(?-u:\b)", Some(1), true),
            (r"^(x+)$", Some(1), true),
            (r"(-----BEGIN[\s\S]*?-----)", Some(1), true),
            (r"abc", None, true),
            (r"((a)b)", Some(1), true),
            (r"((a)b)", Some(2), false),
            (r"key=(\w+)", Some(1), false),
            (r"(a)|(b)", None, false),
            (r"(a)b?", Some(1), false),
            (r"(a)(b)", None, false),
            (r"(", Some(1), false),
        ] {
            assert_eq!(
                group_spans_match(pattern, group),
                whole,
                "{pattern} {group:?}"
            );
        }
    }

    /// The plain search that whole-group rules take finds what resolving captures found, on
    /// every corpus text and on the corpus as one document (long enough for windows).
    #[test]
    fn whole_group_search_finds_what_captures_find() {
        let corpus = include_str!("../../../tests/corpus/scan/corpus.jsonl");
        let texts: Vec<String> = corpus
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_owned))
            .collect();
        let document = texts.join("\n\n");
        let fast = SecretDetector::new(Vec::new(), Vec::new()).unwrap();
        let mut slow = SecretDetector::new(Vec::new(), Vec::new()).unwrap();
        let whole = |s: &SecretSpan| matches!(s, SecretSpan::Whole);
        assert!(fast.spans.iter().filter(|s| whole(s)).count() > 30);
        for s in slow.spans.iter_mut() {
            if whole(s) {
                *s = SecretSpan::Groups;
            }
        }
        let mut total = 0;
        for t in texts.iter().chain([&document]) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            fast.scan(t, &mut a);
            slow.scan(t, &mut b);
            assert_eq!(a, b, "{t:?}");
            total += a.len();
        }
        assert!(total > 300, "{total} secrets found");
    }

    /// A tail reads every match's secret as the whole pattern's groups do: over the corpus,
    /// and over operators, quotes and markup that make the alternatives compete.
    #[test]
    fn a_tail_finds_what_the_whole_pattern_finds() {
        let corpus = include_str!("../../../tests/corpus/scan/corpus.jsonl");
        let mut texts: Vec<String> = corpus
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_owned))
            .collect();
        for sep in ["=", ":", ":=", "=>", "?=", " = ", ": ", "=\t"] {
            for value in [
                "**s3cr3tVal**",
                "__ 'Xy7pQ2zR9w'",
                "</b> \"Xy7pQ2zR9w\"",
                "`Xy7pQ2zR9w`",
                ">Xy7pQ2zR9w",
                "**Xy7pQ2zR9w",
                "'Xy7pQ2zR9w",
            ] {
                for key in [
                    "password",
                    "=api_key",
                    ":DB_PASSWORD\"",
                    "x.token**",
                    "?secret__",
                ] {
                    texts.push(format!("{key}{sep}{value}; next"));
                }
            }
        }
        let fast = SecretDetector::new(Vec::new(), Vec::new()).unwrap();
        let mut slow = SecretDetector::new(Vec::new(), Vec::new()).unwrap();
        let r = fast
            .spans
            .iter()
            .position(|s| matches!(s, SecretSpan::Tail(_)))
            .unwrap();
        let SecretSpan::Tail(tail) = &fast.spans[r] else {
            unreachable!()
        };
        let rule = &fast.rules[r];
        let mut matches = 0;
        for t in &texts {
            for caps in rule.regex.captures_iter(t) {
                let whole = caps.get(0).unwrap().range();
                let want = secret_group(&caps, None).map(|m| m.range());
                assert_eq!(tail.secret(t, whole, None), want, "{t:?}");
                matches += 1;
            }
        }
        assert!(matches > 300, "{matches} matches");
        for s in slow.spans.iter_mut() {
            if matches!(s, SecretSpan::Tail(_)) {
                *s = SecretSpan::Groups;
            }
        }
        let document = texts.join("\n\n");
        for t in texts.iter().chain([&document]) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            fast.scan(t, &mut a);
            slow.scan(t, &mut b);
            assert_eq!(a, b, "{t:?}");
        }
    }

    #[test]
    fn assignment_windows_hold_every_match_of_a_whole_text_search() {
        let d = SecretDetector::new(Vec::new(), Vec::new()).unwrap();
        let (r, tail) = d
            .spans
            .iter()
            .enumerate()
            .find_map(|(r, s)| match s {
                SecretSpan::Tail(t) => Some((r, t)),
                _ => None,
            })
            .unwrap();
        let long_lead = "k".repeat(45);
        // Forty Kelvin signs: letters of the key under `(?i)`, three bytes each.
        let kelvin_lead = format!(" {}", "\u{212a}".repeat(40));
        let long_key = format!("{}_token", "a".repeat(38));
        let leads = [
            "",
            "x",
            "ñ",
            "—",
            "\n",
            "https://h/?",
            &long_lead,
            &kelvin_lead,
        ];
        let keys = [
            "password",
            "DB_PASSWORD",
            "client-secret",
            "private-key",
            "contraseña",
            "\"api_key\"",
            "[token]",
            "**secret**",
            "my.auth-key.value",
            "clientsecret",
            "client-secret",
            &long_key,
        ];
        let spaced = format!("{}=", "\u{a0}".repeat(60));
        let seps = [
            &spaced,
            "=",
            " = ",
            ":",
            ":\n\n  ",
            ":=",
            " => ",
            "?=",
            "\u{a0}=\u{a0}",
            "= **",
            ": __",
            "= </b> ",
            " is ",
        ];
        let values = [
            "Xy7pQ2zR9wLk",
            "\"Qw8Er5Ty2U\"",
            "'ab12CD34ef'",
            "**Zx9Kq2Lm7P**",
            "ñandú-Secreto-99",
            "V4lu3\u{3000}tail",
            "short",
        ];
        let mut texts = Vec::new();
        for lead in leads {
            for key in keys {
                for sep in seps {
                    for value in values {
                        texts.push(format!("{lead}{key}{sep}{value} and more"));
                    }
                }
            }
        }
        // Documents: many assignments in one text, with keywords in prose between them.
        let prose = "\n\nReset your password in settings; the token expires soon.\n\n";
        let mut documents: Vec<String> = texts.chunks(40).map(|c| c.join(prose)).collect();
        // Minified JSON: keywords and operators on one line without a blank.
        let usage = r#"{"prompt_tokens":12,"completion_tokens":34,"api_key":"Xy7pQ2zR9wLk"},"#;
        documents.push(usage.repeat(2000));
        assert!(builtin::RULES
            .iter()
            .filter(|d| d.tail.is_some())
            .flat_map(|d| d.ci.iter().chain(d.cs))
            .all(|k| k.len() <= KEYWORD_MAX));
        let mut found = 0;
        for t in texts.iter().chain(&documents) {
            let mut keys = Vec::new();
            for (x, sites) in d.keyword_hits(t) {
                if let (true, Sites::Keys(k)) = (x == r, sites) {
                    keys = k;
                }
            }
            keys.sort_unstable();
            let keys = keys.into_iter();
            let mut windowed = Vec::new();
            d.run_assignments(
                r,
                tail,
                t,
                &assignment_windows(t, keys, tail.opens),
                &mut windowed,
            );
            let mut whole = Vec::new();
            d.run_rule(r, t, 0, t.len(), &mut whole);
            assert_eq!(windowed, whole, "{t:?}");
            found += whole.len();
        }
        assert!(found > 6000, "{found} findings");
    }

    #[test]
    fn a_tail_that_cannot_stand_for_its_pattern_is_refused() {
        let def = |regex, tail| builtin::Def {
            id: "t",
            entity: "T",
            regex,
            ci: &[],
            cs: &[],
            entropy: 0.0,
            score: 0.5,
            multiline: false,
            check: Check::None,
            tail: Some(builtin::Tail {
                opens: b"=",
                pattern: tail,
            }),
        };
        for (regex, tail, why) in [
            (r"(?i)key=(\w+)", r"=(\w+)", None),
            (r"key=(\w+)", r"=(\d+)", Some("not a suffix")),
            (r"(key)=(\w+)", r"=(\w+)", Some("groups before")),
            (r"key=(\w+)\b", r"=(\w+)\b", Some("look-around")),
        ] {
            let d = def(regex, tail);
            let whole = Regex::new(regex).unwrap();
            let got = CompiledTail::new(&d, d.tail.as_ref().unwrap(), &whole).err();
            match (got, why) {
                (None, None) => {}
                (Some(e), Some(why)) => assert!(e.to_string().contains(why), "{e}"),
                (got, why) => panic!("{regex}: got {got:?}, wanted {why:?}"),
            }
        }
    }

    /// Allowlists by secret, by match and by line, on a short text (searched whole) and
    /// behind 20 KB of filler (searched in windows); only the line target needs the line.
    #[test]
    fn allowlists_drop_by_secret_match_or_line() {
        let file = r#"
[[rules]]
id = "widget"
regex = '''id=(widget-[0-9]{6})'''
keywords = ["widget-"]
secretGroup = 1
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''# test fixture''']
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''^id=widget-1''']
[[rules.allowlists]]
regexes = ['''999$''']
"#;
        let parsed = crate::scan::gitleaks::parse(file).unwrap();
        let d = SecretDetector::new(parsed.rules, parsed.allowlists).unwrap();
        let text = "a id=widget-234567 b\nid=widget-234568 # test fixture\n\
                    id=widget-134567 id=widget-234999 id=widget-345678";
        for t in [
            text.to_owned(),
            format!("{}\n{text}", "filler ".repeat(3000)),
        ] {
            let mut v = Vec::new();
            d.scan(&t, &mut v);
            let values: Vec<&str> = v.iter().map(|f| &t[f.start..f.end]).collect();
            assert_eq!(
                values,
                ["widget-234567", "widget-345678"],
                "{} bytes",
                t.len()
            );
        }
    }
}

//! Overlap resolution and recurrence.
//!
//! Detectors run independently and may claim overlapping spans (a JWT inside a bearer header,
//! a phone number inside a card-like run, a name inside an e-mail). Exactly one must win, and
//! the same input must always give the same answer: sort by length (longest first), then
//! score, then start, then category and entity name, and keep each finding that overlaps
//! none kept before it. One that kept findings cover in part keeps the rest of itself,
//! so no part of a found value stays visible.
//!
//! Then every kept value is searched again in the whole text: a name found once with a cue
//! ("Dear Ana Ruiz") is found again where it appears without one ("Ana Ruiz said"), so
//! redaction never leaves a second copy of something it hid. Recurrences must stand alone
//! as words and not overlap a kept finding; they carry the original's score less 0.05.
//! A full name recurs in lower case too (`juan pérez`, as people type in chat): two or more
//! words that are a name in one place name the same person there, while a single one
//! (`Mark`, `Rosa`) in lower case is as often a word.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use foldhash::fast::RandomState;

use super::finding::{Category, Finding, PiiEntity};
use super::text::{char_at, char_before, next_digit, next_where};

/// Shortest value that is searched for again. Every value is: the fuzzer found a two-letter
/// name ("Ma", after "Querida") left visible in a second place when short values were exempt,
/// and recurrences must stand alone as words anyway, so "Ma" never hides part of "Mamá".
const MIN_RECUR_LEN: usize = 1;
/// While values × text length stays under this many bytes, values are searched with
/// `memmem` or one walk of the text; above it, one automaton is built (its build cost then
/// pays for itself).
const MEMMEM_MAX_WORK: usize = 4 << 20;

pub(crate) fn resolve(text: &str, mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.score.total_cmp(&a.score))
            .then(a.start.cmp(&b.start))
            .then(a.category.cmp(&b.category))
            .then(a.entity.cmp(&b.entity))
    });
    let mut taken = Taken::default();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut cut = Vec::new();
    for f in findings {
        if taken.insert(f.start, f.end) {
            kept.push(f);
        } else {
            cut.push(f);
        }
    }
    // A longer finding took part of another (an e-mail took the surname of a name): what
    // it left is still that value's, and must not stay visible. Whole findings go first.
    for f in cut {
        let person = is_person(&f);
        for (s, e) in taken.remainders(text, f.start, f.end, person) {
            if taken.insert(s, e) {
                kept.push(Finding {
                    start: s,
                    end: e,
                    ..f.clone()
                });
            }
        }
    }
    kept.sort_by_key(|f| f.start);
    recur(text, kept, taken)
}

/// Disjoint spans kept so far, keyed by start: an overlap test is one ordered look-up, so
/// resolution stays O(n log n) on a document with thousands of findings.
#[derive(Default)]
struct Taken(std::collections::BTreeMap<usize, usize>);

impl Taken {
    fn overlaps(&self, s: usize, e: usize) -> bool {
        // Spans are disjoint, so among those starting before `e` the last one ends last.
        self.0
            .range(..e)
            .next_back()
            .is_some_and(|(_, &end)| end > s)
    }

    /// Adds `[s, e)` unless it overlaps a span already taken.
    fn insert(&mut self, s: usize, e: usize) -> bool {
        if self.overlaps(s, e) {
            return false;
        }
        self.0.insert(s, e);
        true
    }

    fn ends_at(&self, pos: usize) -> bool {
        self.0
            .range(..pos)
            .next_back()
            .is_some_and(|(_, &end)| end == pos)
    }

    fn starts_at(&self, pos: usize) -> bool {
        self.0.contains_key(&pos)
    }

    /// The parts of `[s, e)` outside the spans taken, each trimmed to letters and digits
    /// and four of them at least (`10` left of a phone is no value, and would be looked
    /// for everywhere); of a `name`, two letters at its start or end (`Ana` left of
    /// `Ana García@…`).
    fn remainders(&self, text: &str, s: usize, e: usize, name: bool) -> Vec<(usize, usize)> {
        let mut gaps = Vec::new();
        let mut at = s;
        let covering = self.0.range(..e).rev().take_while(|(_, &end)| end > s);
        let mut spans: Vec<(usize, usize)> = covering.map(|(&a, &b)| (a, b)).collect();
        spans.reverse();
        for (a, b) in spans {
            if a > at {
                gaps.push((at, a));
            }
            at = at.max(b);
        }
        if at < e {
            gaps.push((at, e));
        }
        gaps.into_iter()
            .filter_map(|(from, to)| {
                let part = text.get(from..to)?;
                let trimmed = part.trim_matches(|c: char| !c.is_alphanumeric());
                let alnum = trimmed.chars().filter(|c| c.is_alphanumeric()).count();
                // A short word is a name's only at its start or end (the given name of a
                // person whose surname went to an e-mail); anywhere else (`de` between two
                // e-mails) it is a word, and would be looked for everywhere.
                let at_an_end = from == s || to == e;
                let short_ok = name && at_an_end && trimmed.chars().any(char::is_alphabetic);
                if alnum < if short_ok { 2 } else { 4 } {
                    return None;
                }
                let at = from + (trimmed.as_ptr() as usize - part.as_ptr() as usize);
                Some((at, at + trimmed.len()))
            })
            .collect()
    }
}

fn recur(text: &str, mut kept: Vec<Finding>, mut taken: Taken) -> Vec<Finding> {
    let mut values: Vec<&str> = Vec::new();
    let mut origin: Vec<usize> = Vec::new();
    // Distinct values in first-seen order; the set makes that linear (a `contains` on the
    // list was quadratic, and a megabyte document has thousands of findings).
    // foldhash, seeded per process: quick on short values, and the text cannot aim at its
    // buckets.
    let mut seen: HashSet<&str, RandomState> =
        HashSet::with_capacity_and_hasher(kept.len(), RandomState::default());
    for (i, f) in kept.iter().enumerate() {
        if let Some(v) = f.value(text) {
            if v.len() >= MIN_RECUR_LEN && seen.insert(v) {
                values.push(v);
                origin.push(i);
            }
        }
    }
    // Owned, so they outlive the search; only names of two or more words, and only the
    // spellings that differ from every value already searched.
    let lower_names: Vec<(String, usize)> = values
        .iter()
        .zip(&origin)
        .filter(|&(v, &i)| is_person(&kept[i]) && v.contains(char::is_whitespace))
        .map(|(v, &i)| (v.to_lowercase(), i))
        .collect();
    for (v, i) in &lower_names {
        if seen.insert(v) {
            values.push(v);
            origin.push(*i);
        }
    }
    if values.is_empty() {
        return kept;
    }
    // Searched once per scan, so set-up cost counts. Few values: one `memmem` search each
    // (about 100 ns to set up plus 1/32 ns a byte). More, as in a prompt dense with findings:
    // one walk of the text (about 1 ns a byte; the same hits), which wins past ~20 values on
    // 4 KB. Many values on a long text: a contiguous NFA, which builds in microseconds where
    // the default automaton for few patterns (a DFA) took ~100 µs per scan, and on a megabyte
    // searches about twice as fast as the non-contiguous NFA it is converted from, which is
    // more than the conversion costs. (The kind never changes which matches are found.)
    let mut hits: Vec<(usize, usize, usize)> = Vec::new();
    if values.len().saturating_mul(text.len()) <= MEMMEM_MAX_WORK {
        hits = if values.len().saturating_mul(text.len() / 32 + 96) > text.len() {
            occurrences(text.as_bytes(), &values)
        } else {
            searched_occurrences(text.as_bytes(), &values)
        };
        // Leftmost, then longest, as the automaton below prefers them: a given name found
        // alone must not take the copy of the full name it starts, or the surname stays.
        // (Not identical: where the longer copy is glued to a word and refused, this path
        // still offers the shorter value there, which the automaton never reports.)
        hits.sort_unstable_by_key(|&(s, e, p)| (s, std::cmp::Reverse(e), p));
    } else {
        let built = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .prefilter(false)
            .build(&values);
        let Ok(ac) = built else {
            return kept;
        };
        hits.extend(
            ac.find_iter(text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize())),
        );
    }
    let mut extra: Vec<Finding> = Vec::new();
    for (s, e, p) in hits {
        // Most hits are the kept findings themselves: a binary search over `kept` (sorted,
        // disjoint) turns them away before the ordered-map look-ups below.
        let i = kept.partition_point(|f| f.start < e);
        if i > 0 && kept[i - 1].end > s {
            continue;
        }
        // A neighbour that is itself being replaced does not glue the copy to a word: after
        // redaction the copy would stand alone (found by the randomized property test).
        // A secret of some length is no word: its copy glued to anything is the same
        // credential, and replaced wherever it stands. A short one (`tiger`) could be part
        // of `tigerfish`. An escape before a copy (`%3A`, a literal `\n`) is no glue.
        let src = &kept[origin[p]];
        let word = src.category != Category::Secret || e - s < 8;
        let glued_before = word
            && char_before(text, s).is_some_and(char::is_alphanumeric)
            && !taken.ends_at(s)
            && !escape_before(text.as_bytes(), s);
        let glued_after =
            word && char_at(text, e).is_some_and(char::is_alphanumeric) && !taken.starts_at(e);
        if !text.is_char_boundary(s)
            || !text.is_char_boundary(e)
            || glued_before
            || glued_after
            || !taken.insert(s, e)
        {
            continue;
        }
        extra.push(copy_of(src, s, e));
    }
    let respelled = digit_copies(text, &kept, &mut taken);
    extra.extend(respelled);
    if !extra.is_empty() {
        kept.extend(extra);
        kept.sort_by_key(|f| f.start);
    }
    kept
}

fn is_person(f: &Finding) -> bool {
    &*f.entity == PiiEntity::Person.name()
}

/// A copy of `src` at `start..end`: found because `src` was, so scored a little under it.
fn copy_of(src: &Finding, start: usize, end: usize) -> Finding {
    Finding {
        start,
        end,
        score: (src.score - 0.05).max(0.0),
        ..src.clone()
    }
}

/// Whether `text[..at]` ends with an escape: `%3A` of a URL, or `\n` written out.
fn escape_before(text: &[u8], at: usize) -> bool {
    match text.get(..at) {
        Some([.., b'%', h, l]) => h.is_ascii_hexdigit() && l.is_ascii_hexdigit(),
        Some([.., b'\\', c]) => c.is_ascii_alphabetic(),
        _ => false,
    }
}

/// Entities whose value is its digits: the placeholders number their spellings as one
/// value (`redact::canonical`), so each spelling must be found.
pub(crate) const DIGIT_VALUED: [&str; 4] = ["PHONE", "CREDIT_CARD", "SSN", "CLABE"];

/// Copies of digit-valued findings written with other separators: `536-22-8812` found
/// beside its cue, then `536228812` or `536 22 8812` further on, where the detector's
/// own rules (a cue within reach, one spelling) do not find them. A copy is a whole run
/// of digit groups joined by one separator each, not glued to a letter or to more digits.
fn digit_copies(text: &str, kept: &[Finding], taken: &mut Taken) -> Vec<Finding> {
    /// Digits of a value as (count, number): 38 digits fit a `u128`.
    fn push(key: (u8, u128), d: u8) -> Option<(u8, u128)> {
        (key.0 < 38).then(|| (key.0 + 1, key.1 * 10 + u128::from(d - b'0')))
    }
    let mut targets: HashMap<(u8, u128), usize, RandomState> = HashMap::default();
    for (i, f) in kept.iter().enumerate() {
        if f.category != Category::Pii || !DIGIT_VALUED.contains(&&*f.entity) {
            continue;
        }
        let Some(v) = f.value(text) else { continue };
        let key = v
            .bytes()
            .filter(u8::is_ascii_digit)
            .try_fold((0u8, 0u128), push);
        if let Some(key) = key.filter(|k| k.0 >= 7) {
            targets.entry(key).or_insert(i);
        }
    }
    let Some(longest) = targets.keys().map(|k| k.0).max() else {
        return Vec::new();
    };
    let b = text.as_bytes();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = next_digit(b, 0);
    while i < b.len() {
        let end = next_where(b, i, |c| !c.is_ascii_digit());
        groups.push((i, end));
        i = next_digit(b, end);
    }
    // Groups `g` and `g + 1` read as one number: one separator between them, or `) `.
    let joined = |g: usize| {
        groups.get(g + 1).is_some_and(|next| {
            let gap = &b[groups[g].1..next.0];
            matches!(gap, [b'-' | b'.' | b' ' | b'/'] | b") ")
        })
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < groups.len() {
        let (start, _) = groups[k];
        // A run starts here: not glued to a word, and not the tail of a longer number
        // (unless that number is a finding already).
        let starts = !char_before(text, start).is_some_and(char::is_alphanumeric)
            && (k == 0 || !joined(k - 1) || taken.ends_at(groups[k - 1].1));
        let mut key = (0u8, 0u128);
        let mut j = k;
        let mut found = None;
        if starts {
            // Groups joined from `k` on, digits added, until the run ends or is too long.
            while let Some(next) = b[groups[j].0..groups[j].1]
                .iter()
                .try_fold(key, |key, &d| push(key, d))
                .filter(|n| n.0 <= longest)
            {
                key = next;
                if joined(j) && !taken.starts_at(groups[j + 1].0) {
                    j += 1;
                    continue;
                }
                found = targets.get(&key).map(|&origin| (origin, groups[j].1));
                break;
            }
        }
        let Some((origin, end)) = found else {
            k += 1;
            continue;
        };
        let start = match start.checked_sub(1).map(|p| b[p]) {
            Some(b'(' | b'+') => start - 1,
            _ => start,
        };
        if !char_at(text, end).is_some_and(char::is_alphanumeric) && taken.insert(start, end) {
            out.push(copy_of(&kept[origin], start, end));
        }
        k = j + 1;
    }
    out
}

/// Every occurrence of each value, one `memmem` search per value: leftmost first, none
/// overlapping an earlier one of the same value, grouped by value in `values` order, as
/// `(start, end, value index)`.
fn searched_occurrences(text: &[u8], values: &[&str]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        out.extend(memchr::memmem::find_iter(text, v.as_bytes()).map(|s| (s, s + v.len(), i)));
    }
    out
}

/// The hits of [`searched_occurrences`], in the same order, from one walk of the text
/// instead of one search per value: a prompt dense with findings has dozens of distinct
/// values, and a `memmem` finder built and run per value was an eighth of its scan. Each
/// position is tested against bitmaps of the values' first two bytes and of their next two,
/// and only a position that starts like some value is compared with those values.
fn occurrences(text: &[u8], values: &[&str]) -> Vec<(usize, usize, usize)> {
    /// A value's first two bytes; one-byte values (a lone initial) have none.
    fn head(b: &[u8]) -> Option<u16> {
        Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
    }
    let mut by_head: Vec<(u16, usize)> = Vec::with_capacity(values.len());
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut pairs = Pairs {
        first: [0; 1024],
        second: [0; 64],
        short: [0; 64],
    };
    for (i, v) in values.iter().enumerate() {
        match head(v.as_bytes()) {
            Some(h) => {
                by_head.push((h, i));
                pairs.first[usize::from(h >> 6)] |= 1 << (h & 63);
                match v.as_bytes().get(2..).and_then(head) {
                    Some(n) => set_hashed(&mut pairs.second, n),
                    None => set_hashed(&mut pairs.short, h),
                }
            }
            None => {
                if let Some(&byte) = v.as_bytes().first() {
                    found.extend(memchr::memchr_iter(byte, text).map(|s| (s, i)));
                }
            }
        }
    }
    by_head.sort_unstable();
    for p in pair_starts(text, &pairs) {
        let h = u16::from_le_bytes([text[p], text[p + 1]]);
        let from = by_head.partition_point(|&(k, _)| k < h);
        for &(_, i) in by_head[from..].iter().take_while(|&&(k, _)| k == h) {
            if text[p..].starts_with(values[i].as_bytes()) {
                found.push((p, i));
            }
        }
    }
    // Grouped by value, each group in text order (the walk's order, kept by a stable sort),
    // then thinned as `find_iter` would: an occurrence overlapping the last one kept of the
    // same value is skipped.
    found.sort_by_key(|&(_, i)| i);
    let mut out = Vec::with_capacity(found.len());
    let mut free_from = (usize::MAX, 0);
    for (s, i) in found {
        let len = values[i].len();
        if free_from.0 == i && s < free_from.1 {
            continue;
        }
        free_from = (i, s + len);
        out.push((s, s + len, i));
    }
    out
}

/// The byte pairs values start with.
struct Pairs {
    /// Each value's first two bytes, one bit for each of the 65,536 pairs.
    first: [u64; 1024],
    /// Each value's third and fourth bytes, hashed into 4,096 bits (a shared bit only lets
    /// a position through to the comparison): a first pair alone is often a common one
    /// (`an` of `ana ruiz`), met in every other word of prose.
    second: [u64; 64],
    /// First pairs of values of two or three bytes, which have no second pair; hashed.
    short: [u64; 64],
}

/// The bit of a pair in a 4,096-bit map.
fn hashed(pair: u16) -> (usize, u64) {
    let k = (pair ^ (pair >> 12)) & 4095;
    (usize::from(k >> 6), 1 << (k & 63))
}

fn set_hashed(map: &mut [u64; 64], pair: u16) {
    let (w, bit) = hashed(pair);
    map[w] |= bit;
}

fn has_hashed(map: &[u64; 64], pair: u16) -> bool {
    let (w, bit) = hashed(pair);
    map[w] & bit != 0
}

/// Every position where some value's first pair starts, followed by some value's second
/// pair or starting a short value, in order. A function of its own so that its loop keeps
/// its few variables in registers: inlined into the walk above, they were spilled to the
/// stack on every byte (about 30 instructions a byte instead of 14).
#[inline(never)]
fn pair_starts(text: &[u8], pairs: &Pairs) -> Vec<usize> {
    let mut out = Vec::new();
    for (p, pair) in text.windows(2).enumerate() {
        let h = u16::from_le_bytes([pair[0], pair[1]]);
        if pairs.first[usize::from(h >> 6)] & (1 << (h & 63)) != 0 {
            let next = text
                .get(p + 2..p + 4)
                .is_some_and(|n| has_hashed(&pairs.second, u16::from_le_bytes([n[0], n[1]])));
            if next || has_hashed(&pairs.short, h) {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn f(e: &str, s: usize, en: usize, score: f32) -> Finding {
        Finding {
            category: Category::Pii,
            entity: Arc::from(e),
            start: s,
            end: en,
            score,
        }
    }

    #[test]
    fn longest_then_highest_score_wins() {
        // Distinct letters, so no value recurs.
        let text: String = (0..40u8).map(|i| char::from(b'a' + i % 26)).collect();
        let out = resolve(
            &text,
            vec![
                f("A", 0, 10, 0.9),
                f("B", 5, 20, 0.5),
                f("C", 5, 20, 0.6),
                f("D", 20, 25, 0.5),
            ],
        );
        let got: Vec<(&str, usize, usize)> =
            out.iter().map(|x| (&*x.entity, x.start, x.end)).collect();
        // A keeps what C left of it.
        assert_eq!(got, vec![("A", 0, 5), ("C", 5, 20), ("D", 20, 25)]);
    }

    #[test]
    fn regression_copy_glued_to_a_replaced_finding_is_found() {
        let text = "(415) 555-2671(415) 555-2671.x";
        let out = resolve(text, vec![f("PHONE", 0, 14, 0.8)]);
        assert_eq!(out.len(), 2, "{out:?}");
    }

    /// A secret's copy glued to other text (an encoded URL, a literal `\n`) is still the
    /// credential; a name's copy inside a longer word is not the name.
    #[test]
    fn a_secret_recurs_wherever_it_stands() {
        let text = "password = Xq9vL2mP8rT4wZ7k; dsn=postgres%3A%2F%2Fapp%3AXq9vL2mP8rT4wZ7k%40db pw:\\nXq9vL2mP8rT4wZ7k Ana Anabel";
        let secret = Finding {
            category: Category::Secret,
            ..f("PASSWORD", 11, 27, 0.9)
        };
        let name = f(
            "PERSON",
            text.find("Ana ").unwrap(),
            text.find("Ana ").unwrap() + 3,
            0.6,
        );
        let out = resolve(text, vec![secret, name]);
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(
            spans,
            [
                "Xq9vL2mP8rT4wZ7k",
                "Xq9vL2mP8rT4wZ7k",
                "Xq9vL2mP8rT4wZ7k",
                "Ana"
            ]
        );
    }

    /// A digit value's copies in other spellings are the value: the placeholders already
    /// number them as one, and the copy must not stay visible.
    #[test]
    fn a_number_recurs_in_other_spellings() {
        let text = "SSN: 536-22-8812. Later, far from any cue: 536228812, 536 22 8812, \
                    536.22.8812 but not 5362288129, 1536228812, x536228812 or 536 22 88127.";
        let at = text.find("536-22-8812").unwrap();
        let out = resolve(text, vec![f("SSN", at, at + 11, 0.9)]);
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(
            spans,
            ["536-22-8812", "536228812", "536 22 8812", "536.22.8812"],
            "{out:?}"
        );
        assert!(out[1..]
            .iter()
            .all(|x| &*x.entity == "SSN" && x.score < 0.9));
        // A phone in parentheses, and a copy right after the finding itself.
        let text = "Call (415) 555-2671 or 4155552671 today";
        let at = text.find("(415)").unwrap();
        let out = resolve(text, vec![f("PHONE", at, at + 14, 0.8)]);
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, ["(415) 555-2671", "4155552671"]);
        let text = "tel 4155552671 (415) 555-2671.";
        let at = text.find("(415)").unwrap();
        let out = resolve(text, vec![f("PHONE", at, at + 14, 0.8)]);
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, ["4155552671", "(415) 555-2671"]);
    }

    /// A name whose surname an e-mail took keeps the rest of itself, and its copies go too.
    #[test]
    fn what_a_longer_finding_leaves_of_another_is_kept() {
        let text = "Querida Ana Ruiz Garcia@empresa.mx: luego Ana Ruiz dijo que sí.";
        let name = text.find("Ana").unwrap();
        let mail = text.find("Garcia@").unwrap();
        let out = resolve(
            text,
            vec![
                f("PERSON", name, name + "Ana Ruiz Garcia".len(), 0.7),
                f("EMAIL", mail, mail + "Garcia@empresa.mx".len(), 0.95),
            ],
        );
        let spans: Vec<(&str, &str)> = out
            .iter()
            .map(|x| (&*x.entity, &text[x.start..x.end]))
            .collect();
        assert_eq!(
            spans,
            [
                ("PERSON", "Ana Ruiz"),
                ("EMAIL", "Garcia@empresa.mx"),
                ("PERSON", "Ana Ruiz")
            ]
        );
        // Cut down to fewer than four letters or digits: nothing is kept, nor looked for.
        let text = "IBAN GB82 WEST 1234 5698 7654 32 10, pay 10 units";
        let out = resolve(text, vec![f("IBAN", 5, 32, 0.9), f("PHONE", 25, 35, 0.5)]);
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, ["GB82 WEST 1234 5698 7654 32"]);
        // Whole findings first: a shorter one is not cut for another's remainder, and what
        // is left between two of them is kept.
        let text = "aaaaa bbbbb ccccc ddddd eeeee fffff ggggg hhhhh";
        let out = resolve(
            text,
            vec![f("B", 24, 47, 0.5), f("A", 10, 30, 0.5), f("C", 5, 17, 0.9)],
        );
        let got: Vec<(&str, usize, usize)> =
            out.iter().map(|x| (&*x.entity, x.start, x.end)).collect();
        assert_eq!(got, [("C", 5, 17), ("A", 18, 23), ("B", 24, 47)]);
        // A short given name left of an e-mail is kept (and its copies found).
        let text = "Querida Ana García@empresa.mx: luego Ana dijo que sí.";
        let name = text.find("Ana").unwrap();
        let mail = text.find("García@").unwrap();
        let out = resolve(
            text,
            vec![
                f("PERSON", name, name + "Ana García".len(), 0.7),
                f("EMAIL", mail, mail + "García@empresa.mx".len(), 0.95),
            ],
        );
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, ["Ana", "García@empresa.mx", "Ana"]);
        // A short word between two findings is no one's: `de` is not looked for.
        let text = "ventas.norte@acme.mx de soporte.sur@acme.mx, y la casa de Juan";
        let a = text.find("ventas").unwrap();
        let b = text.find("soporte").unwrap();
        let x = text.find("acme.mx de").unwrap();
        let out = resolve(
            text,
            vec![
                f("EMAIL", a, a + 20, 0.95),
                f("EMAIL", b, b + 19, 0.95),
                f("PERSON", x, x + 18, 0.6),
            ],
        );
        assert_eq!(out.len(), 2, "{out:?}");
    }

    /// A short secret's copy inside a word is the word's: `tiger` stays in `tigerfish`;
    /// after an escape it is the secret again.
    #[test]
    fn a_short_secret_does_not_recur_inside_words() {
        let text = r"mysql://root:tiger@db:3306/shop, the tigerfish tank, u%3Atiger and pw:\ntiger";
        let at = text.find("tiger").unwrap();
        let secret = Finding {
            category: Category::Secret,
            ..f("CONNECTION_STRING", at, at + 5, 0.9)
        };
        let out = resolve(text, vec![secret]);
        let starts: Vec<usize> = out.iter().map(|x| x.start).collect();
        assert_eq!(
            starts,
            [
                at,
                text.find("%3Atiger").unwrap() + 3,
                text.rfind("tiger").unwrap()
            ]
        );
    }

    #[test]
    fn regression_fuzz_short_name_recurs() {
        let text = "Querida Ma\u{b}[cruz:\n Ma\u{b}[cruz: Mamá";
        let out = resolve(text, vec![f("PERSON", 8, 10, 0.55)]);
        let spans: Vec<(usize, usize)> = out.iter().map(|x| (x.start, x.end)).collect();
        assert_eq!(spans, vec![(8, 10), (19, 21)]);
    }

    #[test]
    fn one_walk_finds_what_one_search_per_value_finds() {
        let text = "aaaa a-a-a xa-a-a ana banana Ana Ruiz, Ana Ruiz. b Ñu Ñu é bandana ba";
        // `banana` and `bandit` share a first pair and differ in their second.
        let values = [
            "aa", "a-a", "ana", "Ana Ruiz", "b", "Ñu", "é", "zz", "banana", "bandit",
        ];
        let want = searched_occurrences(text.as_bytes(), &values);
        assert!(want.len() > 10, "{want:?}");
        assert_eq!(occurrences(text.as_bytes(), &values), want);
        // Random texts and values over a small alphabet, so that first pairs meet often.
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let alphabet = ["a", "b", "n", " ", "é"];
        // Of `len` letters, or of 1 to 7 with none.
        let mut word = |len: Option<u64>| -> String {
            let len = len.unwrap_or_else(|| 1 + next(7));
            (0..len).map(|_| alphabet[next(5) as usize]).collect()
        };
        for _ in 0..300 {
            let text = word(Some(200));
            let values: Vec<String> = (0..6).map(|_| word(None)).collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            assert_eq!(
                occurrences(text.as_bytes(), &values),
                searched_occurrences(text.as_bytes(), &values),
                "{text:?} {values:?}"
            );
        }
    }

    #[test]
    fn a_copy_of_a_full_name_goes_to_the_full_name() {
        // The given name alone is found first (a salutation), the full name later (a title):
        // the third copy must go whole, or its surname would stay visible.
        let text = "Dear Xochitl,\nI met Dr. Xochitl Quispe today; later Xochitl Quispe left.";
        let at = |needle: &str, from: usize| from + text[from..].find(needle).unwrap();
        let first = at("Xochitl", 0);
        let full = at("Xochitl Quispe", 0);
        let out = resolve(
            text,
            vec![
                f("PERSON", first, first + 7, 0.55),
                f("PERSON", full, full + 14, 0.75),
            ],
        );
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, vec!["Xochitl", "Xochitl Quispe", "Xochitl Quispe"]);
    }

    #[test]
    fn recurrences_are_found() {
        let text = "Dear Ana Ruiz, ... Ana Ruiz said. Anabel no.";
        let out = resolve(text, vec![f("PERSON", 5, 13, 0.9)]);
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, vec!["Ana Ruiz", "Ana Ruiz"]);
    }

    #[test]
    fn a_full_name_recurs_in_lower_case_a_single_one_does_not() {
        let text = "Dear Ana Ruiz and Mark, ... ana ruiz signed; ana ruiz paid. \
                    Please mark it. MARK AND ana ruizo.";
        let mark = text.find("Mark").unwrap();
        let out = resolve(
            text,
            vec![f("PERSON", 5, 13, 0.9), f("PERSON", mark, mark + 4, 0.9)],
        );
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, vec!["Ana Ruiz", "Mark", "ana ruiz", "ana ruiz"]);
        assert!(out[2].score < 0.9, "a copy scores under its value");
        // Other entities keep their case: a token in another case is another token.
        let text = "key Ab Cd then ab cd";
        let out = resolve(text, vec![f("SECRET", 4, 9, 0.9)]);
        assert_eq!(out.len(), 1);
    }
}

//! Overlap resolution and recurrence.
//!
//! Detectors run independently and may claim overlapping spans (a JWT inside a bearer header,
//! a phone number inside a card-like run, a name inside an e-mail). Exactly one must win, and
//! the same input must always give the same answer: sort by length (longest first), then
//! score, then start, then category and entity name, and keep each finding that overlaps
//! none kept before it.
//!
//! Then every kept value is searched again in the whole text: a name found once with a cue
//! ("Dear Ana Ruiz") is found again where it appears without one ("Ana Ruiz said"), so
//! redaction never leaves a second copy of something it hid. Recurrences must stand alone
//! as words and not overlap a kept finding; they carry the original's score less 0.05.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::finding::Finding;
use super::text::{char_at, char_before};

/// Shortest value that is searched for again. Every value is: the fuzzer found a two-letter
/// name ("Ma", after "Querida") left visible in a second place when short values were exempt,
/// and recurrences must stand alone as words anyway, so "Ma" never hides part of "Mamá".
const MIN_RECUR_LEN: usize = 1;
/// While values × text length stays under this many bytes, each value is searched with
/// `memmem`; above it, one automaton is built (its build cost then pays for itself).
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
    for f in findings {
        if taken.insert(f.start, f.end) {
            kept.push(f);
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
}

fn recur(text: &str, mut kept: Vec<Finding>, mut taken: Taken) -> Vec<Finding> {
    let mut values: Vec<&str> = Vec::new();
    let mut origin: Vec<usize> = Vec::new();
    // Distinct values in first-seen order; the set makes that linear (a `contains` on the
    // list was quadratic, and a megabyte document has thousands of findings).
    let mut seen: HashSet<&str> = HashSet::with_capacity(kept.len());
    for (i, f) in kept.iter().enumerate() {
        if let Some(v) = f.value(text) {
            if v.len() >= MIN_RECUR_LEN && seen.insert(v) {
                values.push(v);
                origin.push(i);
            }
        }
    }
    if values.is_empty() {
        return kept;
    }
    // Searched once per scan, so set-up cost counts: a few values are found with `memmem`
    // (no build), many with a contiguous NFA: it builds in microseconds where the default
    // automaton for few patterns (a DFA) took ~100 µs per scan, and on a megabyte it searches
    // about twice as fast as the non-contiguous NFA it is converted from, which is more than
    // the conversion costs. (The kind never changes which matches are found.)
    let mut hits: Vec<(usize, usize, usize)> = Vec::new();
    if values.len().saturating_mul(text.len()) <= MEMMEM_MAX_WORK {
        for (i, v) in values.iter().enumerate() {
            hits.extend(
                memchr::memmem::find_iter(text.as_bytes(), v.as_bytes())
                    .map(|s| (s, s + v.len(), i)),
            );
        }
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
        let glued_before =
            char_before(text, s).is_some_and(char::is_alphanumeric) && !taken.ends_at(s);
        let glued_after =
            char_at(text, e).is_some_and(char::is_alphanumeric) && !taken.starts_at(e);
        if !text.is_char_boundary(s)
            || !text.is_char_boundary(e)
            || glued_before
            || glued_after
            || !taken.insert(s, e)
        {
            continue;
        }
        let src = &kept[origin[p]];
        extra.push(Finding {
            start: s,
            end: e,
            score: (src.score - 0.05).max(0.0),
            ..src.clone()
        });
    }
    if !extra.is_empty() {
        kept.extend(extra);
        kept.sort_by_key(|f| f.start);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::finding::Category;
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
        let got: Vec<&str> = out.iter().map(|x| &*x.entity).collect();
        assert_eq!(got, vec!["C", "D"]);
    }

    #[test]
    fn regression_copy_glued_to_a_replaced_finding_is_found() {
        let text = "(415) 555-2671(415) 555-2671.x";
        let out = resolve(text, vec![f("PHONE", 0, 14, 0.8)]);
        assert_eq!(out.len(), 2, "{out:?}");
    }

    #[test]
    fn regression_fuzz_short_name_recurs() {
        let text = "Querida Ma\u{b}[cruz:\n Ma\u{b}[cruz: Mamá";
        let out = resolve(text, vec![f("PERSON", 8, 10, 0.55)]);
        let spans: Vec<(usize, usize)> = out.iter().map(|x| (x.start, x.end)).collect();
        assert_eq!(spans, vec![(8, 10), (19, 21)]);
    }

    #[test]
    fn recurrences_are_found() {
        let text = "Dear Ana Ruiz, ... Ana Ruiz said. Anabel no.";
        let out = resolve(text, vec![f("PERSON", 5, 13, 0.9)]);
        let spans: Vec<&str> = out.iter().map(|x| &text[x.start..x.end]).collect();
        assert_eq!(spans, vec!["Ana Ruiz", "Ana Ruiz"]);
    }
}

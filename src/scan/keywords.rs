//! Overlapping keyword search that walks four stretches of the text at once.
//!
//! Both keyword prefilters (secret rules over the raw text, injection rules over the
//! normalised view) read every byte through an Aho-Corasick DFA, and neither can skip ahead:
//! hundreds of case-insensitive keywords leave no rare byte or short prefix set to jump to.
//! The DFA's tables do not fit in L1, and each step waits on the previous step's table load,
//! so a single walk runs at the load latency (about 1.5 ns a byte, a sixth of a prose scan).
//! Walking four stretches in lockstep keeps four independent loads in flight.
//!
//! Each stretch starts `max_pattern_len - 1` bytes before the first byte it owns, which is
//! enough for its state there to equal the state one walk over the whole text would have
//! (no keyword is longer), and a match belongs to the stretch its last byte falls in. So the
//! matches, and their order, are exactly those of `AhoCorasick::find_overlapping_iter`; a
//! unit test compares the two on random text.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, Anchored, MatchKind};
use std::ops::Range;

/// Stretches walked at once: enough loads in flight to cover an L2 hit, few enough that the
/// lane states stay in registers.
const LANES: usize = 4;
/// Texts shorter than this are walked once: the warm-up bytes would be a large share.
const MIN_LANED: usize = 1024;
/// Texts are walked a block at a time, and a block's hits are handed over before the next
/// is read: a text dense with keywords (8 MB of `aiai…`) holds one block's hits, not a
/// hit per byte of the whole text.
const BLOCK: usize = 64 * 1024;

/// One keyword occurrence: which keyword, and its byte span in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) pattern: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A compiled keyword set. A DFA when it can be built; otherwise (an operator's rule file so
/// large the DFA would not fit its limits) the builder's own choice, walked once.
pub(crate) enum KeywordSet {
    Dfa(Box<DFA>),
    Other(AhoCorasick),
}

impl KeywordSet {
    /// Compiles `keywords` for overlapping (standard) matching.
    pub(crate) fn new<I, P>(
        keywords: I,
        ascii_case_insensitive: bool,
    ) -> Result<Self, aho_corasick::BuildError>
    where
        I: IntoIterator<Item = P> + Clone,
        P: AsRef<[u8]>,
    {
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(ascii_case_insensitive)
            // The lanes never ask the prefilter; building one only costs memory.
            .prefilter(false)
            .build(keywords.clone());
        match dfa {
            Ok(dfa) => Ok(KeywordSet::Dfa(Box::new(dfa))),
            Err(_) => AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(ascii_case_insensitive)
                .build(keywords)
                .map(KeywordSet::Other),
        }
    }

    /// Calls `f` with every occurrence of every keyword in `hay`, overlaps included, ordered
    /// by end and then as the automaton lists them (the order of `find_overlapping_iter`).
    pub(crate) fn for_each(&self, hay: &[u8], mut f: impl FnMut(Hit)) {
        match self {
            KeywordSet::Dfa(dfa) => {
                let Ok(start) = dfa.start_state(Anchored::No) else {
                    return;
                };
                let mut hits = Vec::new();
                let mut lo = 0;
                while lo < hay.len() {
                    let hi = hay.len().min(lo.saturating_add(BLOCK));
                    find_dfa(dfa, start, hay, lo..hi, &mut hits);
                    hits.drain(..).for_each(&mut f);
                    lo = hi;
                }
            }
            KeywordSet::Other(ac) => ac.find_overlapping_iter(hay).for_each(|m| {
                f(Hit {
                    pattern: m.pattern().as_usize(),
                    start: m.start(),
                    end: m.end(),
                })
            }),
        }
    }
}

/// Appends the matches of the state reached after reading `hay[at]` to `out`.
#[inline]
fn report(dfa: &DFA, sid: aho_corasick::automaton::StateID, at: usize, out: &mut Vec<Hit>) {
    let end = at + 1;
    for i in 0..dfa.match_len(sid) {
        let pid = dfa.match_pattern(sid, i);
        out.push(Hit {
            pattern: pid.as_usize(),
            start: end - dfa.pattern_len(pid),
            end,
        });
    }
}

/// Appends to `out` the matches whose last byte is in `hay[owned]`, reading from up to a
/// longest keyword before it.
fn find_dfa(
    dfa: &DFA,
    start: aho_corasick::automaton::StateID,
    hay: &[u8],
    owned: Range<usize>,
    out: &mut Vec<Hit>,
) {
    let warm = dfa.max_pattern_len().saturating_sub(1);
    let (lo, n) = (owned.start, owned.len());
    if n < MIN_LANED {
        walk(dfa, hay, start, lo.saturating_sub(warm), lo, owned.end, out);
        return;
    }
    // Lane k owns the bytes `own[k]..own[k + 1]` and starts reading at `from[k]`; all four
    // take `steps` bytes in lockstep, then each finishes its own stretch alone.
    let own: [usize; LANES + 1] = std::array::from_fn(|k| lo + n * k / LANES);
    let from: [usize; LANES] = std::array::from_fn(|k| own[k].saturating_sub(warm));
    let steps = (0..LANES).map(|k| own[k + 1] - from[k]).min().unwrap_or(0);
    let lane = |k: usize| hay.get(from[k]..from[k] + steps).unwrap_or(&[]);
    let (l0, l1, l2, l3) = (lane(0), lane(1), lane(2), lane(3));
    let mut late: [Vec<Hit>; LANES] = Default::default();
    let (mut s0, mut s1, mut s2, mut s3) = (start, start, start, start);
    for (i, (((&b0, &b1), &b2), &b3)) in l0.iter().zip(l1).zip(l2).zip(l3).enumerate() {
        s0 = dfa.next_state(Anchored::No, s0, b0);
        s1 = dfa.next_state(Anchored::No, s1, b1);
        s2 = dfa.next_state(Anchored::No, s2, b2);
        s3 = dfa.next_state(Anchored::No, s3, b3);
        // One rarely taken branch for the four lanes, to code kept out of the loop so the
        // loop's registers hold only what every step needs.
        if dfa.is_match(s0) | dfa.is_match(s1) | dfa.is_match(s2) | dfa.is_match(s3) {
            let lanes = Lanes {
                from: &from,
                own: &own,
            };
            lanes.report(dfa, [s0, s1, s2, s3], i, out, &mut late);
        }
    }
    for (k, sid) in [s0, s1, s2, s3].into_iter().enumerate() {
        if k > 0 {
            out.append(&mut late[k]);
        }
        walk(dfa, hay, sid, from[k] + steps, own[k], own[k + 1], out);
    }
}

/// Where the lanes read and what they own, for reporting a lockstep step's matches.
struct Lanes<'a> {
    from: &'a [usize; LANES],
    own: &'a [usize; LANES + 1],
}

impl Lanes<'_> {
    /// Reports the matches of the lanes in a match state after lockstep step `i`; lane 0's
    /// go straight to `out`, the others' wait in `late` to keep the overall order.
    #[cold]
    #[inline(never)]
    fn report(
        &self,
        dfa: &DFA,
        states: [aho_corasick::automaton::StateID; LANES],
        i: usize,
        out: &mut Vec<Hit>,
        late: &mut [Vec<Hit>; LANES],
    ) {
        for (k, sid) in states.into_iter().enumerate() {
            let at = self.from[k] + i;
            if dfa.is_match(sid) && at >= self.own[k] {
                let sink = if k == 0 { &mut *out } else { &mut late[k] };
                report(dfa, sid, at, sink);
            }
        }
    }
}

/// Walks `hay[from..to]` from state `sid`, reporting matches whose last byte is at or after
/// `own_from`.
fn walk(
    dfa: &DFA,
    hay: &[u8],
    mut sid: aho_corasick::automaton::StateID,
    from: usize,
    own_from: usize,
    to: usize,
    out: &mut Vec<Hit>,
) {
    for (at, &b) in hay.iter().enumerate().take(to).skip(from) {
        sid = dfa.next_state(Anchored::No, sid, b);
        if dfa.is_match(sid) && at >= own_from {
            report(dfa, sid, at, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_all(set: &KeywordSet, hay: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        set.for_each(hay, |h| hits.push(h));
        hits
    }

    /// A small deterministic generator, so a failure names a reproducible seed.
    fn text(seed: u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn lanes_find_exactly_what_one_walk_finds() {
        let keywords = ["ab", "abc", "bca", "c", "cab", "aaaa", "Ba", "abcabcab"];
        let alphabet = b"abcABC x";
        for ci in [false, true] {
            let set = KeywordSet::new(keywords, ci).unwrap();
            let reference = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(ci)
                .build(keywords)
                .unwrap();
            assert!(matches!(set, KeywordSet::Dfa(_)));
            let lens = [0, 1, 7, 1023, 1024, 1025, 4099, 20_000, 2 * BLOCK + 1500];
            for (seed, len) in (0..45).zip(lens.repeat(5)) {
                let hay = text(seed, len, alphabet);
                let want: Vec<Hit> = reference
                    .find_overlapping_iter(&hay)
                    .map(|m| Hit {
                        pattern: m.pattern().as_usize(),
                        start: m.start(),
                        end: m.end(),
                    })
                    .collect();
                assert_eq!(
                    find_all(&set, &hay),
                    want,
                    "seed {seed}, len {len}, ci {ci}"
                );
            }
        }
    }

    #[test]
    fn a_match_across_a_lane_or_block_boundary_is_found_once() {
        let set = KeywordSet::new(["needle"], false).unwrap();
        let mut hay = vec![b'.'; BLOCK + 4096];
        // Lane 1 owns bytes BLOCK / 4.. and the second block BLOCK..; each needle ends in
        // one and starts before it.
        let starts = [BLOCK / 4 - 4, BLOCK - 3];
        for s in starts {
            hay[s..s + 6].copy_from_slice(b"needle");
        }
        let want: Vec<Hit> = starts
            .iter()
            .map(|&start| Hit {
                pattern: 0,
                start,
                end: start + 6,
            })
            .collect();
        assert_eq!(find_all(&set, &hay), want);
    }
}

//! The name gazetteer: given names, surnames and a stop list, in one Aho-Corasick automaton.
//!
//! The data files under `data/` are plain text, one entry a line in descending order of
//! frequency (the line number is the rank; the `_intl` lists all weigh alike), from public name-frequency
//! statistics: US Census surnames and SSA given names, INEGI (Mexico) and INE (Spain). The
//! English lists go on with names from the US Census 1990 name files (public domain): 3,651
//! given names and 16,069 of the 20,000 most frequent surnames, the rest being already listed,
//! shorter than three letters, a lowercase dictionary word (`Grace`) or on the stop lists
//! (`bench/detectors/census_names.py` rebuilds that part). Names from everywhere live in the
//! US, and a gazetteer of the first thousand missed half of Presidio's synthetic names. For
//! the same reason `given_intl.txt` and `surnames_intl.txt` add the most frequent names of
//! Finland, Poland, Belgium, Spain, Brazil and France from their national registers
//! (`bench/detectors/intl_names.py` rebuilds them, and says where each comes from). The
//! stop list holds capitalised words that must never be a `PERSON` on their own: function
//! words, greetings, months and days, job titles, places (countries, states, cities) and
//! products or companies. A word may be both a name and a stop word (`Jordan`, `Rosa`, `May`);
//! `person.rs` then treats it as weak evidence that needs a neighbour or a cue.
//!
//! Two structures over the same strings. Multi-word stop phrases (`San Francisco`, `Visual
//! Studio`) are found by one Aho-Corasick automaton searched anchored at a capitalised word,
//! so the cost is the length of the phrase whatever the list size. A single word, the common
//! look-up (every word of every name run), is one hash probe on its ASCII-lowercased bytes,
//! lowercased on the stack: it measured at less than half the anchored automaton search it
//! replaced, which was the largest item of the `PERSON` detector. Only words that head a
//! phrase (a small set) go on to the automaton. Both match the same way:
//! ASCII-case-insensitively, so `GARCIA` in forms is found too; accented entries are also
//! added without accents, because people type `Garcia` as often as `García`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use foldhash::fast::FixedState;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::error::ScanError;
use super::text::composed;

const GIVEN_EN: &str = include_str!("data/given_en.txt");
const GIVEN_ES: &str = include_str!("data/given_es.txt");
const SURNAMES_EN: &str = include_str!("data/surnames_en.txt");
const SURNAMES_ES: &str = include_str!("data/surnames_es.txt");
const GIVEN_INTL: &str = include_str!("data/given_intl.txt");
const SURNAMES_INTL: &str = include_str!("data/surnames_intl.txt");
const STOP_WORDS: &str = include_str!("data/stop_words.txt");
const PLACES: &str = include_str!("data/places.txt");
const PRODUCTS: &str = include_str!("data/products.txt");

/// What the gazetteer knows about one string. Weights are 0 when the string is not that kind.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Entry {
    /// Given-name weight from its rank: 1.0 for the most common, down to 0.7.
    pub(crate) given: f32,
    /// Surname weight, same scale.
    pub(crate) surname: f32,
    /// On the stop list (common word, place or product).
    pub(crate) stop: bool,
    /// On `given_es.txt` or `surnames_es.txt` (INEGI and INE); the Spanish names of the
    /// `_intl` lists do not set it.
    pub(crate) spanish: bool,
}

impl Entry {
    pub(crate) fn is_name(&self) -> bool {
        self.given > 0.0 || self.surname > 0.0
    }
}

/// The compiled gazetteer.
pub(crate) struct Gazetteer {
    /// The multi-word phrases; pattern `k` is `entries[phrases[k]]`.
    ac: AhoCorasick,
    phrases: Vec<usize>,
    entries: Vec<Entry>,
    /// Every string, ASCII-lowercased, to its index in `entries`.
    words: HashMap<Box<[u8]>, usize, FixedState>,
    /// Every ASCII-lowercased head of a string that the string continues past with a
    /// non-letter (`san` of `San Francisco`, `node` of `Node.js`): only a word in this set can
    /// open a multi-word phrase, so other words skip the automaton search.
    phrase_heads: HashSet<Box<[u8]>, FixedState>,
}

/// Longest word lowercased on the stack; longer words (none are names) take a heap copy.
const STACK_WORD: usize = 32;

/// Weight of a name from [`GIVEN_INTL`] or [`SURNAMES_INTL`]: that of the rarest ranks.
const INTL_WEIGHT: f32 = 0.7;

fn weight(rank: usize) -> f32 {
    match rank {
        0..=199 => 1.0,
        200..=599 => 0.9,
        600..=999 => 0.8,
        _ => 0.7,
    }
}

fn lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn strip_accents(s: &str) -> String {
    s.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Calls `probe` with `word` ASCII-lowercased, on the stack for any word up to
/// [`STACK_WORD`] bytes.
fn ascii_lowered<R>(word: &[u8], probe: impl FnOnce(&[u8]) -> R) -> R {
    let mut buf = [0u8; STACK_WORD];
    match buf.get_mut(..word.len()) {
        Some(lower) => {
            lower.copy_from_slice(word);
            lower.make_ascii_lowercase();
            probe(lower)
        }
        None => probe(&word.to_ascii_lowercase()),
    }
}

impl Gazetteer {
    pub(crate) fn new() -> Result<Self, ScanError> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut keys: Vec<String> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut add = |name: &str, f: &dyn Fn(&mut Entry)| {
            let mut variants = vec![name.to_owned()];
            let plain = strip_accents(name);
            if plain != name {
                variants.push(plain);
            }
            for v in variants {
                let key = v.to_lowercase();
                let i = *index.entry(key).or_insert_with(|| {
                    keys.push(v.clone());
                    entries.push(Entry::default());
                    entries.len() - 1
                });
                f(&mut entries[i]);
            }
        };
        for (data, spanish) in [(GIVEN_EN, false), (GIVEN_ES, true)] {
            for (rank, name) in lines(data).enumerate() {
                let w = weight(rank);
                add(name, &|e| {
                    e.given = e.given.max(w);
                    e.spanish |= spanish;
                });
            }
        }
        for (data, spanish) in [(SURNAMES_EN, false), (SURNAMES_ES, true)] {
            for (rank, name) in lines(data).enumerate() {
                let w = weight(rank);
                add(name, &|e| {
                    e.surname = e.surname.max(w);
                    e.spanish |= spanish;
                });
            }
        }
        // Names from other countries' registers: known, at the weight of a rare name.
        for (data, given) in [(GIVEN_INTL, true), (SURNAMES_INTL, false)] {
            for name in lines(data) {
                add(name, &|e| {
                    if given {
                        e.given = e.given.max(INTL_WEIGHT);
                    } else {
                        e.surname = e.surname.max(INTL_WEIGHT);
                    }
                });
            }
        }
        for data in [STOP_WORDS, PLACES, PRODUCTS] {
            for word in lines(data) {
                add(word, &|e| e.stop = true);
            }
        }
        // Only a string with a non-letter can run past the word it starts with (the word
        // ends at that non-letter), so only those go in the automaton: a few hundred
        // phrases, not the ~40,000 single names, which the hash map answers.
        let phrases: Vec<usize> = (0..keys.len())
            .filter(|&i| keys[i].chars().any(|c| !c.is_alphabetic()))
            .collect();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .ascii_case_insensitive(true)
            // Look-ups are anchored and a few bytes long, where the contiguous NFA is as
            // fast as a DFA and far smaller.
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(phrases.iter().map(|&i| &keys[i]))
            .map_err(|e| ScanError::builtin("gazetteer", e))?;
        // Keyed by the Unicode lowercase, which is what `word` looks up: an ASCII lowercase
        // kept `Á` in `Álvarez` and `Ángel`, and no word starting with an accented capital
        // was ever found. `index` dedupes on the same lowercase, so keys are unique.
        let mut words = HashMap::with_capacity_and_hasher(keys.len(), FixedState::default());
        for (i, k) in keys.iter().enumerate() {
            words
                .entry(k.to_lowercase().into_bytes().into_boxed_slice())
                .or_insert(i);
        }
        let mut phrase_heads = HashSet::default();
        for k in &keys {
            for (i, _) in k.char_indices().filter(|(_, c)| !c.is_alphabetic()) {
                phrase_heads.insert(k.as_bytes()[..i].to_ascii_lowercase().into_boxed_slice());
            }
        }
        Ok(Gazetteer {
            ac,
            phrases,
            entries,
            words,
            phrase_heads,
        })
    }

    /// The entry for exactly `text[start..end]` (one word), if any.
    pub(crate) fn word(&self, text: &str, start: usize, end: usize) -> Option<Entry> {
        let word = text.get(start..end)?;
        let found = if let Cow::Owned(composed) = composed(word) {
            // `Jose\u{301}`: decomposed accents composed first.
            self.words.get(composed.to_lowercase().as_bytes()).copied()
        } else if !word.is_ascii() && word.chars().any(|c| !c.is_ascii() && c.is_uppercase()) {
            // `JOSÉ`, `NÚÑEZ`: forms and records write names in capitals, accents kept.
            self.words.get(word.to_lowercase().as_bytes()).copied()
        } else {
            ascii_lowered(word.as_bytes(), |w| self.words.get(w).copied())
        };
        // Lists that write names without accents (`Joao`, `Bjorn`) still know
        // them typed with theirs. Only a non-ASCII word the look-ups above missed pays this.
        let found = found.or_else(|| {
            let plain = (!word.is_ascii()).then(|| strip_accents(word).to_lowercase())?;
            self.words.get(plain.as_bytes()).copied()
        });
        found.map(|i| self.entries[i])
    }

    /// The longest multi-word stop phrase starting at `start` and ending at a word boundary
    /// beyond `word_end`, if any; returns its end.
    pub(crate) fn stop_phrase(&self, text: &str, start: usize, word_end: usize) -> Option<usize> {
        let limit = super::text::floor_boundary(text, start + 48);
        // A phrase that runs past the word has the word as its head, followed by the
        // non-letter that ends the word.
        let head = text.get(start..word_end)?.as_bytes();
        if limit <= word_end || !ascii_lowered(head, |w| self.phrase_heads.contains(w)) {
            return None;
        }
        let input = Input::new(text).span(start..limit).anchored(Anchored::Yes);
        let m = self.ac.find(input)?;
        let boundary = super::text::char_at(text, m.end()).is_none_or(|c| !c.is_alphanumeric());
        let entry = self.entries[self.phrases[m.pattern().as_usize()]];
        (m.end() > word_end && boundary && entry.stop).then_some(m.end())
    }

    /// Number of distinct strings compiled in.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_an_accented_capital_are_found() {
        let g = Gazetteer::new().unwrap();
        for w in [
            "Álvarez", "ÁLVAREZ", "álvarez", "Alvarez", "Óscar", "José", "JOSÉ",
        ] {
            assert!(g.word(w, 0, w.len()).is_some_and(|e| e.is_name()), "{w}");
        }
    }

    #[test]
    fn lists_have_the_promised_size_and_no_duplicates_within_a_file() {
        let given = lines(GIVEN_EN).count() + lines(GIVEN_ES).count();
        let surnames = lines(SURNAMES_EN).count() + lines(SURNAMES_ES).count();
        assert!(given >= 1400, "{given} given names");
        assert!(surnames >= 1400, "{surnames} surnames");
        for (name, data) in [
            ("given_en", GIVEN_EN),
            ("given_es", GIVEN_ES),
            ("surnames_en", SURNAMES_EN),
            ("surnames_es", SURNAMES_ES),
            ("given_intl", GIVEN_INTL),
            ("surnames_intl", SURNAMES_INTL),
        ] {
            let mut seen = std::collections::HashSet::new();
            for l in lines(data) {
                assert!(seen.insert(l.to_lowercase()), "{name}: duplicate {l}");
            }
        }
    }

    #[test]
    fn looks_up_with_and_without_accents_and_case() {
        let g = Gazetteer::new().unwrap();
        let t = "García Garcia GARCIA Maria Xqzv";
        assert!(g.word(t, 0, 7).unwrap().surname > 0.0);
        assert!(g.word(t, 8, 14).unwrap().surname > 0.0);
        assert!(g.word(t, 15, 21).unwrap().surname > 0.0);
        assert!(g.word(t, 22, 27).unwrap().given > 0.0);
        assert_eq!(g.word(t, 28, 32), None);
        // A name listed without its accents is found with them.
        for w in ["Björn", "João"] {
            assert!(g.word(w, 0, w.len()).is_some_and(|e| e.given > 0.0), "{w}");
        }
        // Other countries' registers: surnames no US or Mexican list holds.
        for w in ["Ryhänen", "Kowalczyk", "Peeters"] {
            assert!(
                g.word(w, 0, w.len()).is_some_and(|e| e.surname > 0.0),
                "{w}"
            );
        }
        // A prefix of a longer word is not a match.
        assert_eq!(g.word("Mariaxyz", 0, 8), None);
        let p = "San Francisco is";
        assert_eq!(g.stop_phrase(p, 0, 3), Some(13));
        assert!(g.word("Jordan", 0, 6).unwrap().stop);
        assert!(g.len() > 3000);
    }
}

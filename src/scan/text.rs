//! Small byte/char helpers shared by the detectors, so every slice is taken at a checked
//! char boundary and context checks read the same way everywhere.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// `s` with decomposed accents composed (`e` + U+0301 as `é`; macOS file names and some
/// PDFs write them so), borrowed when it holds none, which is nearly always.
pub(crate) fn composed(s: &str) -> Cow<'_, str> {
    if !s.is_ascii() && s.chars().any(is_combining_mark) {
        Cow::Owned(s.nfc().collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// Largest char boundary at or below `i`.
pub(crate) fn floor_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest char boundary at or above `i`.
pub(crate) fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The char that ends right before byte `i`.
pub(crate) fn char_before(s: &str, i: usize) -> Option<char> {
    s.get(..i).and_then(|p| p.chars().next_back())
}

/// The char that starts at byte `i`.
pub(crate) fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|p| p.chars().next())
}

/// Whether a letter or digit (any script) touches the span on either side.
pub(crate) fn touches_alnum(s: &str, start: usize, end: usize) -> bool {
    char_before(s, start).is_some_and(char::is_alphanumeric)
        || char_at(s, end).is_some_and(char::is_alphanumeric)
}

/// The most bytes of context [`lower_before`] and [`lower_after`] give; callers ask for 48 or
/// fewer.
const CONTEXT_MAX: usize = 64;

/// Text next to a candidate, ASCII-lowercased into a buffer on the stack. Every number,
/// code, address and name candidate looks at one or two of these, and a `String` for each
/// was a malloc and a free.
pub(crate) struct Context {
    buf: [u8; CONTEXT_MAX],
    len: usize,
}

impl Context {
    fn of(src: &str) -> Context {
        let mut c = Context {
            buf: [0; CONTEXT_MAX],
            len: 0,
        };
        if let Some(dst) = c.buf.get_mut(..src.len()) {
            dst.copy_from_slice(src.as_bytes());
            dst.make_ascii_lowercase();
            c.len = src.len();
        }
        c
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Turns line breaks, tabs and every other Unicode blank (no-break, thin, ideographic
    /// spaces, NEL, line separators…) into plain spaces, byte for byte, so a cue that ends
    /// with a space (`mi `) also reads `mi` before any of them.
    pub(crate) fn fold_blanks(&mut self) {
        let b = &mut self.buf[..self.len];
        for i in 0..b.len() {
            let blank = match b[i..] {
                [c, ..] if c.is_ascii_whitespace() || c == 0x0B => 1,
                // U+0085 (NEL), U+00A0
                [0xC2, 0x85 | 0xA0, ..] => 2,
                // U+1680, U+205F, U+3000
                [0xE1, 0x9A, 0x80, ..] | [0xE2, 0x81, 0x9F, ..] | [0xE3, 0x80, 0x80, ..] => 3,
                // U+2000 to U+200A, the line and paragraph separators, U+202F
                [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..] => 3,
                _ => 0,
            };
            b[i..i + blank].fill(b' ');
        }
    }

    /// The whole window: it was cut on char boundaries and ASCII lowercasing keeps UTF-8
    /// valid. Checked here, once per call, rather than assumed.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// The `n` bytes (at most 64) before `start`, shrunk to a char boundary and ASCII-lowercased,
/// for cue words.
pub(crate) fn lower_before(s: &str, start: usize, n: usize) -> Context {
    let from = ceil_boundary(s, start.saturating_sub(n.min(CONTEXT_MAX)));
    Context::of(s.get(from..start).unwrap_or(""))
}

/// The `n` bytes (at most 64) after `end`, shrunk to a char boundary and ASCII-lowercased.
pub(crate) fn lower_after(s: &str, end: usize, n: usize) -> Context {
    let to = floor_boundary(s, end.saturating_add(n.min(CONTEXT_MAX)));
    Context::of(s.get(end..to).unwrap_or(""))
}

/// A list of cue words with each word's index bucketed by its first byte, built at compile
/// time: [`has_any`] then compares only the cues that can start at each byte.
pub(crate) struct Cues {
    words: &'static [&'static str],
    /// Bit `k` of entry `b`: `words[k]` starts with byte `b`.
    by_first: [u64; 256],
}

impl Cues {
    /// Buckets `words` (at most 64, checked when the constant is built).
    pub(crate) const fn new(words: &'static [&'static str]) -> Cues {
        assert!(words.len() <= 64, "a cue list holds at most 64 words");
        let mut by_first = [0u64; 256];
        let mut k = 0;
        while k < words.len() {
            let w = words[k].as_bytes();
            if !w.is_empty() {
                by_first[w[0] as usize] |= 1 << k;
            }
            k += 1;
        }
        Cues { words, by_first }
    }
}

/// Whether any of `cues` occurs in `h` (already lowercase) at the start of a word, so
/// the cue `ver` does not fire inside `server` nor `tel` inside `hotel`.
pub(crate) fn has_any(h: &[u8], cues: &Cues) -> bool {
    // Called for every number and code candidate with a window of a few dozen bytes: one
    // table look-up per byte finds the cues that start there (comparing every cue at every
    // byte was a twentieth of a whole scan); a substring searcher per cue costs more than it
    // saves at this size.
    (0..h.len()).any(|i| cue_at(h, cues, i))
}

/// Whether any of `cues` occurs in `h` (already lowercase) as a whole word: `día`, not the
/// start of `díaz`. For cues that end with a letter or digit (the end of one ending with a
/// space or a sign is checked one byte past it).
pub(crate) fn has_word(h: &[u8], cues: &Cues) -> bool {
    (0..h.len()).any(|i| {
        cue_at(h, cues, i)
            && cues.words.iter().any(|w| {
                h[i..].starts_with(w.as_bytes())
                    && h.get(i + w.len())
                        .is_none_or(|&c| !c.is_ascii_alphanumeric() && c < 0x80)
            })
    })
}

/// Where the last of `cues` in `h` (already lowercase) starts, at the start of a word.
pub(crate) fn last_cue(h: &[u8], cues: &Cues) -> Option<usize> {
    (0..h.len()).rev().find(|&i| cue_at(h, cues, i))
}

/// Whether one of `cues` starts a word at `h[i]`.
#[inline]
fn cue_at(h: &[u8], cues: &Cues, i: usize) -> bool {
    let b = h[i];
    let mut bits = cues.by_first[usize::from(b)];
    if bits == 0 {
        return false;
    }
    // A cue that starts with a letter or digit must start a word; a non-ASCII byte before
    // it is taken as part of a word (`ñtel` is no `tel`).
    let at_word_start = !b.is_ascii_alphanumeric()
        || i == 0
        || (!h[i - 1].is_ascii_alphanumeric() && h[i - 1] < 0x80);
    while bits != 0 {
        let w = cues.words[bits.trailing_zeros() as usize].as_bytes();
        bits &= bits - 1;
        if at_word_start && h[i..].starts_with(w) {
            return true;
        }
    }
    false
}

/// The typographic separator at `i`, as the ASCII one it stands for, and its length:
/// no-break spaces (U+00A0, U+202F) as `' '`, and the hyphens and dashes (U+2010–U+2013)
/// as `'-'`. Word processors and PDFs put them between a number's groups so a phone or an
/// account number never wraps across lines.
pub(crate) fn typographic_separator(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match (b.get(i)?, b.get(i + 1)?) {
        (0xC2, 0xA0) => Some((b' ', 2)),
        (0xE2, 0x80) => match b.get(i + 2)? {
            0xAF => Some((b' ', 3)),
            0x90..=0x93 => Some((b'-', 3)),
            _ => None,
        },
        _ => None,
    }
}

/// Index of the first ASCII digit in `b` at or after `from`, or `b.len()`.
pub(crate) fn next_digit(b: &[u8], from: usize) -> usize {
    next_where(b, from, |c| c.is_ascii_digit())
}

/// Index of the first byte at or after `from` for which `hit` holds, or `b.len()`.
///
/// Prose has few of the bytes the scanners look for (digits, capitals), and testing every
/// byte on the way with a branch cost about 2 ns a byte. A 32-byte block is tested without
/// one: over a fixed-size array the compiler turns the comparisons into whole-register vector
/// compares (a slice of the same length was split into 8-byte pieces and a reduction), and
/// only the block that has a hit is searched.
#[inline]
pub(crate) fn next_where(b: &[u8], from: usize, hit: impl Fn(u8) -> bool) -> usize {
    let rest = b.get(from..).unwrap_or_default();
    let mut skipped = 0;
    for block in rest.chunks_exact(BLOCK) {
        let Ok(block) = <&[u8; BLOCK]>::try_from(block) else {
            break;
        };
        if block.iter().fold(false, |any, &c| any | hit(c)) {
            break;
        }
        skipped += BLOCK;
    }
    rest[skipped..]
        .iter()
        .position(|&c| hit(c))
        .map_or(b.len(), |p| from + skipped + p)
}

/// Bytes [`next_where`] tests at once: two SSE2 registers, one AVX2 register.
const BLOCK: usize = 32;

/// What a rule reads around its keyword hits: from `before` bytes ahead of each position to
/// `after` bytes past it. A position is folded into the last stretch when their windows
/// would touch, so a text dense with one keyword (8 MB of `aiai…`) holds a stretch per
/// stretch of hits, not a position per hit.
pub(crate) struct Windows {
    before: usize,
    after: usize,
    /// The first and last position of each stretch.
    stretches: Vec<(usize, usize)>,
}

impl Windows {
    pub(crate) fn new(before: usize, after: usize) -> Self {
        Windows {
            before,
            after,
            stretches: Vec::new(),
        }
    }

    /// Adds a hit at `p`. Hits come nearly in order (by end, not start), so only the last
    /// stretch is tried; a stretch it misses is merged in [`Windows::of`].
    pub(crate) fn add(&mut self, p: usize) {
        let reach = self.before.saturating_add(self.after);
        if let Some(last) = self.stretches.last_mut() {
            if p.saturating_add(reach) >= last.0 && p <= last.1.saturating_add(reach) {
                *last = (last.0.min(p), last.1.max(p));
                return;
            }
        }
        self.stretches.push((p, p));
    }

    /// The windows in `text`, widened to char boundaries, sorted and merged. Each stretch's
    /// windows touch one another, so together they are one window from its first to its last.
    pub(crate) fn of(&self, text: &str) -> Vec<(usize, usize)> {
        let mut w = self
            .stretches
            .iter()
            .map(|&(first, last)| {
                (
                    floor_boundary(text, first.saturating_sub(self.before)),
                    ceil_boundary(text, last.saturating_add(self.after)),
                )
            })
            .collect();
        merge_windows(&mut w);
        w
    }
}

/// Sorts `w`, then merges its overlapping or touching `(start, end)` windows in place.
pub(crate) fn merge_windows(w: &mut Vec<(usize, usize)>) {
    w.sort_unstable();
    w.dedup_by(|next, last| {
        let touches = next.0 <= last.1;
        if touches {
            last.1 = last.1.max(next.1);
        }
        touches
    });
}

/// Rewrites `\b` as the ASCII word boundary `(?-u:\b)`. The rules read a folded, mostly
/// ASCII view, and a Unicode `\b` makes the regex crate leave its lazy DFA for a slower
/// engine on any non-ASCII byte: measured at 10x the cost per rule on Spanish text.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace("\\b", "(?-u:\\b)")
}

/// Shannon entropy in bits per byte; random base64 scores about 5.5–6, English words 3–4.
///
/// Only the byte values present are visited, in ascending order (so the terms are added in
/// the same order as over all 256 counts): a secret candidate has a few dozen distinct
/// bytes, and walking all 256 counts for each of a document's thousands of candidates
/// showed in profiles.
pub(crate) fn entropy(s: &str) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    let mut present = [0u64; 4];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
        present[usize::from(b >> 6)] |= 1 << (b & 63);
    }
    let n = s.len() as f32;
    let mut sum = 0.0f32;
    for (block, &bits) in present.iter().enumerate() {
        let mut bits = bits;
        while bits != 0 {
            let p = counts[block * 64 + bits.trailing_zeros() as usize] as f32 / n;
            sum += -p * p.log2();
            bits &= bits - 1;
        }
    }
    sum
}

/// Which escapes [`decode_escapes`] writes out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Escapes {
    /// Every JSON escape: the text is JSON (or a piece of it).
    All,
    /// Only those that hide a character (`\u0040`, `\/`): text that may be JSON or not, where
    /// `\b` or `\n` could be a backslash and a letter (`CORP\bob`). `\\` stays one unit.
    Hiding,
}

/// `text`, a piece of JSON cut anywhere or JSON-like text, with its escapes written out
/// (`\n` as a line break, `\u0040` as `@`, a lone surrogate as U+FFFD); with, for each
/// byte of the result, the offset in `text` of the escape it came from or of itself (one
/// more entry for the end). `None` when there is nothing to write out.
///
/// For scanning only: findings in the result map back onto escapes' edges in `text`, so a
/// redaction replaces whole escapes and the JSON stays JSON. Read raw, `x\nana@correo.mx`
/// has the address `nana@correo.mx`, and its placeholder would leave `x\<EMAIL_1>`.
pub fn decode_escapes(text: &str, which: Escapes) -> Option<(String, Vec<u32>)> {
    let any = match which {
        Escapes::All => text.contains('\\'),
        Escapes::Hiding => text.contains("\\u") || text.contains("\\/"),
    };
    if !any {
        return None;
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut from: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let offset = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let (mut i, mut changed) = (0, false);
    while i < b.len() {
        let (decoded, unit) = match (b[i], b.get(i + 1)) {
            (b'\\', Some(b'u')) => match hex4(text, i + 2) {
                Some(hi) if (0xD800..0xDC00).contains(&hi) => {
                    let lo = (b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u'))
                        .then(|| hex4(text, i + 8))
                        .flatten()
                        .filter(|lo| (0xDC00..0xE000).contains(lo));
                    match lo {
                        Some(lo) => (
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)),
                            12,
                        ),
                        None => (Some(char::REPLACEMENT_CHARACTER), 6),
                    }
                }
                Some(code) => (
                    Some(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)),
                    6,
                ),
                // Cut short or not hex: kept as it is.
                None => (None, 2),
            },
            (b'\\', Some(&c)) => (
                match c {
                    b'/' => Some('/'),
                    _ if which == Escapes::Hiding => None,
                    b'"' => Some('"'),
                    b'\\' => Some('\\'),
                    b'b' => Some('\u{8}'),
                    b'f' => Some('\u{c}'),
                    b'n' => Some('\n'),
                    b'r' => Some('\r'),
                    b't' => Some('\t'),
                    _ => None,
                },
                2,
            ),
            _ => (None, 1),
        };
        match decoded {
            Some(c) => {
                from.extend(std::iter::repeat_n(offset(i), c.len_utf8()));
                out.push(c);
                i += unit;
                changed = true;
            }
            None => {
                // Kept as it is, to the end of a char so the result stays UTF-8.
                let mut end = (i + unit).min(b.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                from.extend((i..end).map(offset));
                out.push_str(&text[i..end]);
                i = end;
            }
        }
    }
    from.push(offset(b.len()));
    changed.then_some((out, from))
}

/// The four hex digits of `text` at `at` as a number.
pub(crate) fn hex4(text: &str, at: usize) -> Option<u32> {
    let h = text.get(at..at + 4)?;
    h.bytes()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| u32::from_str_radix(h, 16).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_never_split_a_char() {
        let s = "aé€😀b";
        for i in 0..=s.len() + 2 {
            assert!(s.is_char_boundary(floor_boundary(s, i)));
            assert!(s.is_char_boundary(ceil_boundary(s, i)));
        }
        assert_eq!(lower_before(s, s.len(), 3).as_str(), "b");
    }

    #[test]
    fn cues_match_at_word_starts_only() {
        const TEL: Cues = Cues::new(&["tel", "fax"]);
        assert!(has_any(b"my tel: ", &TEL));
        assert!(has_any(b"fax", &TEL));
        assert!(!has_any(b"the hotel ", &TEL));
        assert!(!has_any(b"fa", &TEL));
        assert!(!has_any(b"our server at ", &Cues::new(&["ver "])));
        assert!(has_any(b"order #", &Cues::new(&["#"])));
        assert!(!has_any(b"", &Cues::new(&["", "x"])));
        assert_eq!(last_cue(b"tel: 1, fax: 2", &TEL), Some(8));
        assert_eq!(last_cue(b"the hotel ", &TEL), None);
    }

    #[test]
    fn next_digit_finds_the_first_digit_at_or_after_from() {
        let naive = |b: &[u8], from: usize| {
            (from..b.len())
                .find(|&i| b[i].is_ascii_digit())
                .unwrap_or(b.len())
        };
        // Around the edges of the 32-byte blocks, and in the tail after the last whole one.
        let mut text = "x".repeat(100).into_bytes();
        for at in [
            None,
            Some(0),
            Some(31),
            Some(32),
            Some(33),
            Some(63),
            Some(64),
            Some(95),
            Some(96),
            Some(99),
        ] {
            let mut b = text.clone();
            if let Some(at) = at {
                b[at] = b'7';
            }
            for from in 0..=b.len() {
                assert_eq!(next_digit(&b, from), naive(&b, from), "{at:?} {from}");
            }
        }
        text.truncate(3);
        assert_eq!(next_digit(&text, 9), 3);
    }

    #[test]
    fn stretches_give_the_windows_of_their_positions() {
        // Multi-byte characters, so the widening to char boundaries is exercised.
        let text = "añ—b".repeat(400);
        let mut x = 7u64;
        for round in 0..200 {
            let (before, after) = (1 + round % 13, round % 29);
            let mut positions: Vec<usize> = (0..(round % 60))
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x % text.len() as u64) as usize
                })
                .collect();
            // Nearly in order, as keyword hits come: sorted, then neighbours swapped.
            positions.sort_unstable();
            for i in (1..positions.len()).step_by(3) {
                positions.swap(i - 1, i);
            }
            let mut windows = Windows::new(before, after);
            let mut want = Vec::new();
            for &p in &positions {
                windows.add(p);
                want.push((
                    floor_boundary(&text, p.saturating_sub(before)),
                    ceil_boundary(&text, p.saturating_add(after)),
                ));
            }
            merge_windows(&mut want);
            assert_eq!(windows.of(&text), want, "round {round}");
        }
        let mut dense = Windows::new(4, 4);
        (0..10_000).for_each(|p| dense.add(p * 2));
        assert_eq!(dense.stretches.len(), 1);
    }

    #[test]
    fn windows_merge() {
        let mut w = vec![(5, 9), (0, 3), (2, 6), (20, 30), (9, 12)];
        merge_windows(&mut w);
        assert_eq!(w, vec![(0, 12), (20, 30)]);
    }

    /// The same value as summing over all 256 counts, for every length and byte mix.
    #[test]
    fn entropy_visits_present_bytes_only() {
        let all_counts = |s: &str| -> f32 {
            let mut counts = [0u32; 256];
            s.bytes().for_each(|b| counts[usize::from(b)] += 1);
            let n = s.len() as f32;
            counts
                .iter()
                .filter(|&&c| c > 0)
                .map(|&c| -(c as f32 / n) * (c as f32 / n).log2())
                .sum()
        };
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 1..300 {
            let s: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    char::from_u32((seed % 0x250) as u32).unwrap_or('x')
                })
                .collect();
            assert_eq!(entropy(&s), all_counts(&s), "{s:?}");
        }
    }

    #[test]
    fn entropy_orders_random_above_words() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy("password") < entropy("x8Fq2LmZ9vR4tK1w"));
    }
}

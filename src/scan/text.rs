//! Small byte/char helpers shared by the detectors, so every slice is taken at a checked
//! char boundary and context checks read the same way everywhere.

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

/// The `n` bytes before `start` (shrunk to a char boundary), ASCII-lowercased, for cue words.
pub(crate) fn lower_before(s: &str, start: usize, n: usize) -> String {
    let from = ceil_boundary(s, start.saturating_sub(n));
    s.get(from..start).unwrap_or("").to_ascii_lowercase()
}

/// The `n` bytes after `end` (shrunk to a char boundary), ASCII-lowercased.
pub(crate) fn lower_after(s: &str, end: usize, n: usize) -> String {
    let to = floor_boundary(s, end.saturating_add(n));
    s.get(end..to).unwrap_or("").to_ascii_lowercase()
}

/// Whether any of `words` occurs in `hay` (already lowercase) at the start of a word, so
/// the cue `ver` does not fire inside `server` nor `tel` inside `hotel`.
pub(crate) fn has_any(hay: &str, words: &[&str]) -> bool {
    // `hay` is a few dozen bytes and called for every number candidate with lists of up to
    // forty cues: comparing the first byte before the rest keeps the comparison inline
    // (a `memcmp` call per window was 12% of a whole scan); a substring searcher per cue
    // costs more than it saves at this size.
    let h = hay.as_bytes();
    words.iter().any(|w| {
        let w = w.as_bytes();
        let Some((&first, rest)) = w.split_first() else {
            return false;
        };
        let word_cue = first.is_ascii_alphanumeric();
        let Some(last_start) = h.len().checked_sub(w.len()) else {
            return false;
        };
        (0..=last_start).any(|i| {
            h[i] == first
                && h[i + 1..i + w.len()] == *rest
                // A non-ASCII byte before the cue is taken as part of a word (`ñtel` is no
                // `tel`).
                && (!word_cue
                    || i == 0
                    || (!h[i - 1].is_ascii_alphanumeric() && h[i - 1] < 0x80))
        })
    })
}

/// Sorts and merges overlapping or touching `(start, end)` windows.
pub(crate) fn merge_windows(mut w: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    w.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(w.len());
    for (s, e) in w {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Rewrites `\b` as the ASCII word boundary `(?-u:\b)`. The rules read a folded, mostly
/// ASCII view, and a Unicode `\b` makes the regex crate leave its lazy DFA for a slower
/// engine on any non-ASCII byte: measured at 10x the cost per rule on Spanish text.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace("\\b", "(?-u:\\b)")
}

/// Shannon entropy in bits per byte; random base64 scores about 5.5–6, English words 3–4.
pub(crate) fn entropy(s: &str) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = s.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
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
        assert_eq!(lower_before(s, s.len(), 3), "b");
    }

    #[test]
    fn cues_match_at_word_starts_only() {
        assert!(has_any("my tel: ", &["tel"]));
        assert!(!has_any("the hotel ", &["tel"]));
        assert!(!has_any("our server at ", &["ver "]));
        assert!(has_any("order #", &["#"]));
    }

    #[test]
    fn windows_merge() {
        assert_eq!(
            merge_windows(vec![(5, 9), (0, 3), (2, 6), (20, 30)]),
            vec![(0, 9), (20, 30)]
        );
    }

    #[test]
    fn entropy_orders_random_above_words() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy("password") < entropy("x8Fq2LmZ9vR4tK1w"));
    }
}

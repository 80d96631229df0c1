//! Fuzz target for the `scan` engine. For any UTF-8 input:
//! no panic; every finding's offsets are in bounds and on char boundaries; findings are
//! sorted and disjoint; the placeholder-redacted text contains no found value as a whole
//! word; and pseudonymised text restores to the input exactly (up to the first spelling
//! where two spellings of one value share a placeholder).
//!
//! Run: `cargo fuzz run scan -- -max_total_time=300` (from the repository root).
#![no_main]

use libfuzzer_sys::fuzz_target;
use securetag_edge::scan::{redact, RedactionMode, RedactionPolicy, RedactionState, ScanOptions, Scanner};
use std::sync::OnceLock;

static SCANNER: OnceLock<Scanner> = OnceLock::new();

fn whole_word_in(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let scanner = SCANNER.get_or_init(|| Scanner::builtin().expect("built-in patterns compile"));
    let result = scanner.scan(text, &ScanOptions::default());
    let mut last_end = 0;
    for f in &result.findings {
        assert!(f.start < f.end && f.end <= text.len(), "out of bounds: {f:?}");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end), "not a char boundary: {f:?}");
        assert!(f.start >= last_end, "overlap or unsorted at {f:?}");
        last_end = f.end;
    }
    let placeholder = RedactionPolicy::new(RedactionMode::Placeholder);
    let redacted = redact(text, &result.findings, &placeholder, &mut RedactionState::new());
    for f in &result.findings {
        let value = &text[f.start..f.end];
        let in_placeholder = format!("<{}_", f.entity).contains(value) || value.chars().all(|c| c.is_ascii_digit() || c == '_');
        if !in_placeholder {
            assert!(!whole_word_in(&redacted, value), "value survived redaction: {f:?}");
        }
    }
    if !text.contains('<') {
        let mut state = RedactionState::new();
        let pseudo = redact(text, &result.findings, &RedactionPolicy::new(RedactionMode::Pseudonymize), &mut state);
        // Two spellings of one value share a placeholder and restore as the first one;
        // otherwise restoring is exact.
        let distinct: std::collections::HashSet<(&str, &str)> =
            result.findings.iter().map(|f| (&*f.entity, &text[f.start..f.end])).collect();
        if state.vault().len() == distinct.len() {
            assert_eq!(state.vault().restore(&pseudo), text);
        }
    }
});

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
//! Golden files for redaction: one input, four modes, outputs compared byte for byte with
//! `tests/golden/redaction_*.txt`. Set `UPDATE_GOLDEN=1` to rewrite them after an intended
//! change, and review the diff like code.

use securetag_edge::scan::{
    redact, RedactionMode, RedactionPolicy, RedactionState, ScanOptions, Scanner,
};

const INPUT: &str = include_str!("golden/redaction_input.txt");

fn check(name: &str, actual: &str) {
    let path = format!(
        "{}/tests/golden/redaction_{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run with UPDATE_GOLDEN=1)"));
    assert_eq!(actual, expected, "golden file {path} differs");
}

fn run(mode: RedactionMode) -> (String, RedactionState) {
    let scanner = Scanner::builtin().unwrap();
    let policy = RedactionPolicy::new(mode).with_hash_key(b"golden-test-key");
    let mut state = RedactionState::new();
    let mut out = String::new();
    // Two messages of one request share the state: the repeated e-mail keeps its number.
    for message in INPUT.split("\n---\n") {
        let result = scanner.scan(message, &ScanOptions::default());
        out.push_str(&redact(message, &result.findings, &policy, &mut state));
        out.push_str("\n---\n");
    }
    (out, state)
}

#[test]
fn golden_mask() {
    check("mask", &run(RedactionMode::Mask).0);
}

#[test]
fn golden_placeholder() {
    check("placeholder", &run(RedactionMode::Placeholder).0);
}

#[test]
fn golden_hash() {
    check("hash", &run(RedactionMode::Hash).0);
}

#[test]
fn golden_pseudonymize_and_restore() {
    let (out, state) = run(RedactionMode::Pseudonymize);
    check("pseudonymize", &out);
    let restored = state.vault().restore(&out);
    let original: String = INPUT
        .split("\n---\n")
        .map(|m| format!("{m}\n---\n"))
        .collect();
    assert_eq!(restored, original);
}

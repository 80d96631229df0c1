//! Memory held by a built `Scanner` (compiled regexes, automata, gazetteer), measured as the
//! growth of resident memory across the build, then after warming the regex caches with one
//! scan of a mixed 1 MB text. Linux only (reads `/proc/self/statm`).
//!
//! Run: `cargo run --release --example scan_memory`

use securetag_edge::scan::{ScanOptions, Scanner};

fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn main() {
    let before = rss_bytes().unwrap_or(0);
    let scanner = Scanner::builtin().expect("built-in patterns compile");
    let built = rss_bytes().unwrap_or(0);
    let corpus = include_str!("../tests/corpus/scan/corpus.jsonl");
    let mut text = String::new();
    while text.len() < 1 << 20 {
        text.push_str(corpus);
    }
    let r = scanner.scan(&text, &ScanOptions::default());
    let warmed = rss_bytes().unwrap_or(0);
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!("secret rules: {}", scanner.secret_rule_count());
    println!("rss before build: {:.1} MiB", mb(before));
    println!(
        "scanner build:    +{:.1} MiB",
        mb(built.saturating_sub(before))
    );
    println!(
        "after 1 MB scan:  +{:.1} MiB (includes the 1 MB text and {} findings)",
        mb(warmed.saturating_sub(before)),
        r.findings.len()
    );
}

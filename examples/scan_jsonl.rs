//! `securetag-edge scan --jsonl` without the rest of the binary: reads `{"id":..,"text":..}`
//! lines on stdin and writes one report per line, through the same `scan::cli::run_jsonl`
//! the subcommand calls. Used by `bench/detectors/compare.sh`.
//!
//! Run: `cargo run --release --example scan_jsonl < tests/corpus/scan/corpus.jsonl`

use std::io::{self, BufWriter};

use securetag_edge::scan::{cli, Scanner};

fn main() -> io::Result<()> {
    let scanner = Scanner::builtin().map_err(io::Error::other)?;
    let stdin = io::stdin();
    let summary = cli::run_jsonl(&scanner, stdin.lock(), BufWriter::new(io::stdout().lock()))?;
    eprintln!("{} lines, {} errors", summary.lines, summary.errors);
    Ok(())
}

//! Throughput of the whole `scan` engine (all PII entities, secrets, injection) on mixed chat
//! text: a 4 KB prompt and a 1 MB document. Criterion reports bytes/s; targets are 200 MB/s
//! per core and under 100 µs for the 4 KB prompt (see bench/README.md for recorded numbers).
//!
//! The text is built from the labeled corpus, so it has the real mix of prose, code, logs,
//! names, numbers and the occasional secret rather than a synthetic best case.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use securetag_edge::scan::{
    redact, RedactionMode, RedactionPolicy, RedactionState, ScanOptions, Scanner,
};

const CORPUS: &str = include_str!("../tests/corpus/scan/corpus.jsonl");

/// Concatenates corpus texts (in file order, cycling) until `size` bytes.
fn mixed_text(size: usize) -> String {
    let texts: Vec<String> = CORPUS
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    let mut out = String::with_capacity(size + 1024);
    let mut i = 0;
    while out.len() < size {
        out.push_str(&texts[i % texts.len()]);
        out.push_str("\n\n");
        i += 1;
    }
    let mut cut = size;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

fn bench(c: &mut Criterion) {
    let scanner = Scanner::builtin().expect("built-in patterns compile");
    let opts = ScanOptions::default();
    let mut group = c.benchmark_group("scan");
    for (name, size) in [("prompt_4k", 4 * 1024), ("document_1m", 1024 * 1024)] {
        let text = mixed_text(size);
        group.throughput(Throughput::Bytes(text.len() as u64));
        if size > 64 * 1024 {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::new("engine", name), &text, |b, t| {
            b.iter(|| scanner.scan(t, &opts))
        });
        let policy = RedactionPolicy::new(RedactionMode::Placeholder);
        group.bench_with_input(BenchmarkId::new("scan_and_redact", name), &text, |b, t| {
            b.iter(|| {
                let r = scanner.scan(t, &opts);
                redact(t, &r.findings, &policy, &mut RedactionState::new())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

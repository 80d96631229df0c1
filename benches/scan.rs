//! Throughput of the whole `scan` engine (all PII entities, secrets, injection) on mixed chat
//! text: a 4 KB prompt and a 1 MB document. Criterion reports bytes/s; targets are 200 MB/s
//! per core and under 100 µs for the 4 KB prompt (see bench/README.md for recorded numbers).
//!
//! The main inputs are built from the labeled corpus, so they have the real mix of prose,
//! code, logs, names, numbers and the occasional secret rather than a synthetic best case
//! (an entity every ~60 bytes: the hardest text we have). `prose_4k` and `prose_1m` are the
//! other end: ordinary chat prose with one email and one phone number. `one_line_1m` is the
//! corpus megabyte on a single line and `assignments_1m` a megabyte of `password=…` pairs on
//! one line, the shape of minified JSON or a log without breaks: both once cost time in the
//! square of the line's length (a search back to the line's start for each candidate).
//! `usage_json_1m` is minified JSON with a secret keyword (`tokens`) and an operator every
//! 20 bytes and no blank at all, which once cost the same (a walk to the run's end for each).
//! `secrets_4k` is the megabyte's eighth 4 KB piece (dotenv files, cloud keys, tokens,
//! `password=` lines): `prompt_4k`, the first piece, is one of the cheapest of the 256, and
//! this one of the dearest (bench/README.md has the spread). `pieces_4k_in_turn` scans all
//! 256 pieces, one after another: the cost of a 4 KB prompt that is not the one before it.

use std::hint::black_box;

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

/// The `k`-th 4 KB piece of `text`, cut inward to char boundaries.
fn piece(text: &str, k: usize) -> String {
    let (mut from, mut to) = (k * 4096, (k + 1) * 4096);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    text[from..to].to_owned()
}

/// Ordinary chat prose with one email and one phone number, `size` bytes: the prompt the
/// shield latency bench sends, for the engine's speed on text with few findings.
fn prose(size: usize) -> String {
    let text = "Hello team, I am reviewing the quarterly report and need help rewriting the summary \
                so it reads well for the board. The numbers look fine but the narrative is too long \
                and repeats itself. ";
    let tail = " Contact me at dana.whitfield@northwind-mail.com or 415-555-0134.";
    let mut out = text.repeat(size / text.len() + 1);
    out.truncate(size - tail.len());
    out.push_str(tail);
    out
}

fn bench(c: &mut Criterion) {
    let scanner = Scanner::builtin().expect("built-in patterns compile");
    let opts = ScanOptions::default();
    let mut group = c.benchmark_group("scan");
    let inputs = [
        ("prompt_4k", mixed_text(4 * 1024)),
        ("secrets_4k", piece(&mixed_text(1024 * 1024), 7)),
        ("document_1m", mixed_text(1024 * 1024)),
        ("prose_4k", prose(4 * 1024)),
        ("prose_1m", prose(1024 * 1024)),
        ("one_line_1m", mixed_text(1024 * 1024).replace('\n', " ")),
        (
            "assignments_1m",
            "password=Xy7pQ2zR9w ".repeat(1024 * 1024 / 20),
        ),
        (
            "usage_json_1m",
            r#"{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46},"#
                .repeat(1024 * 1024 / 62),
        ),
    ];
    for (name, text) in inputs {
        let size = text.len();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(if size > 64 * 1024 { 20 } else { 100 });
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
    // The megabyte's 256 pieces, each scanned once in turn: a prompt the caches and the
    // branch predictor have not just seen, as a gateway meets prompts. The inputs above
    // repeat one text, which flatters them (bench/README.md). Throughput is in pieces.
    let document = mixed_text(1024 * 1024);
    let pieces: Vec<String> = (0..256).map(|k| piece(&document, k)).collect();
    group.throughput(Throughput::Elements(pieces.len() as u64));
    group.sample_size(20);
    group.bench_function(BenchmarkId::new("engine", "pieces_4k_in_turn"), |b| {
        b.iter(|| {
            for p in &pieces {
                black_box(scanner.scan(p, &opts));
            }
        })
    });
    let policy = RedactionPolicy::new(RedactionMode::Placeholder);
    group.bench_function(
        BenchmarkId::new("scan_and_redact", "pieces_4k_in_turn"),
        |b| {
            b.iter(|| {
                for p in &pieces {
                    let r = scanner.scan(p, &opts);
                    black_box(redact(p, &r.findings, &policy, &mut RedactionState::new()));
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

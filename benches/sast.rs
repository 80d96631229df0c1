//! Throughput of the SAST engine: snippets per second on one core.
//!
//! Snippets are built from the labeled corpus (`tests/corpus/sast/`): whole files of one
//! language are joined until a snippet has at least 50 lines, eight programming languages
//! mixed. Whole files keep snippets well-formed, like the code blocks of real answers;
//! windows cut mid-function would mostly measure tree-sitter's error recovery. Run with `cargo bench --bench sast`; criterion reports
//! the time per batch and, with the element throughput set to the batch size, snippets/s.
//! Criterion runs on one thread, so the figure is per core.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use securetag_edge::sast::{Engine, Lang};
use std::hint::black_box;
use std::path::Path;

/// Lines per snippet, as the target (1,000+ snippets/s per core) is stated for 50 lines.
const LINES: usize = 50;
/// Snippets per language in the batch.
const PER_LANG: usize = 4;

fn snippets() -> Vec<(Lang, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/sast");
    let langs = [
        ("python", Lang::Python),
        ("javascript", Lang::JavaScript),
        ("java", Lang::Java),
        ("go", Lang::Go),
        ("php", Lang::Php),
        ("ruby", Lang::Ruby),
        ("c", Lang::C),
        ("bash", Lang::Bash),
    ];
    let mut out = Vec::new();
    for (dir, lang) in langs {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("corpus directory")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        // Join whole files (label lines dropped) until a snippet reaches 50 lines.
        let mut lines: Vec<String> = Vec::new();
        let mut taken = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).expect("corpus file");
            lines.extend(text.lines().skip(1).map(str::to_string));
            if lines.len() >= LINES {
                let mut code = lines.join("\n");
                if lang == Lang::Php {
                    code.insert_str(0, "<?php\n");
                }
                out.push((lang, code));
                lines.clear();
                taken += 1;
                if taken == PER_LANG {
                    break;
                }
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let engine = Engine::new(&[]).expect("built-in rules load");
    let batch = snippets();
    let mut group = c.benchmark_group("sast");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("scan_source_50_lines_mixed", |b| {
        b.iter(|| {
            for (lang, code) in &batch {
                black_box(engine.scan_source(*lang, black_box(code), None));
            }
        })
    });
    let answer: String = batch
        .iter()
        .take(8)
        .map(|(lang, code)| format!("Here is the code:\n\n```{}\n{}\n```\n\n", lang.name(), code))
        .collect();
    group.throughput(Throughput::Elements(8));
    group.bench_function("scan_markdown_8_blocks", |b| {
        b.iter(|| black_box(engine.scan_markdown(black_box(&answer), None)))
    });
    group.finish();
    c.bench_function("engine_new", |b| {
        b.iter(|| black_box(Engine::new(&[]).map(|e| e.rule_count())))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);

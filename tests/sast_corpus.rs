//! Accuracy of the SAST engine on the labeled corpus under `tests/corpus/sast/`.
//!
//! Every corpus file states what it should produce in its first line: `expect: safe` or
//! `expect: CWE-89, CWE-78` (in a comment of the file's language; Markdown answers use
//! `<!-- expect: … -->`). The file is scanned exactly as the `sast` CLI would scan it
//! (language from the extension, fenced blocks for `.md`), findings of severity `info`
//! (scan limits) are ignored, and the CWEs found are compared with the label as sets:
//! a labeled CWE found is a true positive, a labeled CWE not found a false negative, any
//! other CWE found a false positive. The test prints precision and recall per CWE and
//! overall, lists every mismatch, and fails below the floors set from measured runs.
//!
//! Hard-coded credentials (CWE-798) need the crate's secrets scanner, which the engine takes
//! as a `SecretFinder`; this test plugs in a small stand-in that knows a few key formats, so
//! the CWE-798 row measures the plumbing, not the real scanner.

use securetag_edge::sast::{cli, Engine, SecretFinder, SecretHit, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Floors, set a little under the measured numbers (see `bench/README.md`): a rule change
/// that costs more than that fails the build.
const MIN_PRECISION: f64 = 0.97;
const MIN_RECALL: f64 = 0.97;
/// Share of `safe` files that must stay without any finding.
const MIN_SAFE_CLEAN: f64 = 0.98;
/// Minimum corpus size, so the floors keep meaning something.
const MIN_FILES: usize = 400;

/// Stand-in for the crate's secrets scanner: a few unambiguous key formats.
struct StandInSecrets {
    patterns: Vec<(regex::Regex, &'static str)>,
}

impl StandInSecrets {
    fn new() -> Self {
        let table = [
            (r"AKIA[0-9A-Z]{16}", "AWS_ACCESS_KEY"),
            (r"ghp_[A-Za-z0-9]{36}", "GITHUB_TOKEN"),
            (r"sk_live_[0-9a-zA-Z]{24,}", "STRIPE_SECRET_KEY"),
            (r"xox[baprs]-[0-9A-Za-z-]{10,}", "SLACK_TOKEN"),
            (
                r"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----",
                "PRIVATE_KEY",
            ),
        ];
        let patterns = table
            .iter()
            .map(|(p, e)| (regex::Regex::new(p).expect("static pattern"), *e))
            .collect();
        StandInSecrets { patterns }
    }
}

impl SecretFinder for StandInSecrets {
    fn find_secrets(&self, code: &str) -> Vec<SecretHit> {
        let mut hits = Vec::new();
        for (re, entity) in &self.patterns {
            for m in re.find_iter(code) {
                hits.push(SecretHit {
                    start: m.start(),
                    end: m.end(),
                    entity: (*entity).to_string(),
                });
            }
        }
        hits
    }
}

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            corpus_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The labeled CWEs of a file, or `None` when it has no label line.
fn label(text: &str) -> Option<BTreeSet<String>> {
    let re = regex::Regex::new(r"expect:\s*(.*)$").expect("static pattern");
    let line = text.lines().take(2).find_map(|l| re.captures(l))?;
    let value = line.get(1)?.as_str();
    let value = value
        .trim()
        .trim_end_matches("-->")
        .trim_end_matches("*/")
        .trim();
    if value == "safe" {
        return Some(BTreeSet::new());
    }
    Some(value.split(',').map(|c| c.trim().to_string()).collect())
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[test]
fn corpus_precision_and_recall() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/sast");
    let mut files = Vec::new();
    corpus_files(&root, &mut files);
    let engine = Engine::new(&[]).unwrap_or_else(|e| panic!("rules must load: {e:?}"));
    let secrets = StandInSecrets::new();

    let mut per_cwe: BTreeMap<String, Counts> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let (mut safe_files, mut safe_clean, mut exact) = (0usize, 0usize, 0usize);
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expected =
            label(&text).unwrap_or_else(|| panic!("{} has no `expect:` label", path.display()));
        let name = path.file_name().and_then(|n| n.to_str());
        let findings = cli::scan(&engine, name, &text, Some(&secrets));
        let found: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| f.cwe.clone())
            .collect();
        for cwe in expected.union(&found) {
            let c = per_cwe.entry(cwe.clone()).or_default();
            match (expected.contains(cwe), found.contains(cwe)) {
                (true, true) => c.tp += 1,
                (true, false) => c.fn_ += 1,
                (false, true) => c.fp += 1,
                (false, false) => {}
            }
        }
        if expected.is_empty() {
            safe_files += 1;
            safe_clean += usize::from(found.is_empty());
        }
        if expected == found {
            exact += 1;
        } else {
            let rel = path
                .strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string();
            let rules: Vec<String> = findings
                .iter()
                .map(|f| format!("{}@{}:{}", f.rule_id, f.block_index, f.line))
                .collect();
            mismatches.push(format!(
                "{rel}: expected {expected:?}, found {found:?} {rules:?}"
            ));
        }
    }

    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    println!(
        "\n{:<10} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "CWE", "TP", "FP", "FN", "precision", "recall"
    );
    for (cwe, c) in &per_cwe {
        println!(
            "{:<10} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
            cwe,
            c.tp,
            c.fp,
            c.fn_,
            ratio(c.tp, c.tp + c.fp),
            ratio(c.tp, c.tp + c.fn_)
        );
        tp += c.tp;
        fp += c.fp;
        fn_ += c.fn_;
    }
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let safe_rate = ratio(safe_clean, safe_files);
    println!(
        "{:<10} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
        "ALL", tp, fp, fn_, precision, recall
    );
    println!(
        "files {}, exact {}, safe files {} of which clean {} ({:.3})",
        files.len(),
        exact,
        safe_files,
        safe_clean,
        safe_rate
    );
    println!("mismatches:");
    for m in &mismatches {
        println!("  {m}");
    }

    assert!(
        files.len() >= MIN_FILES,
        "corpus shrank to {} files",
        files.len()
    );
    assert!(
        precision >= MIN_PRECISION,
        "precision {precision:.3} < {MIN_PRECISION}"
    );
    assert!(recall >= MIN_RECALL, "recall {recall:.3} < {MIN_RECALL}");
    assert!(
        safe_rate >= MIN_SAFE_CLEAN,
        "clean safe files {safe_rate:.3} < {MIN_SAFE_CLEAN}"
    );
}

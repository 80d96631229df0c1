#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
//! Accuracy of the `scan` engine on the labeled corpus in `tests/corpus/scan/`.
//!
//! Prints precision, recall and F1 per entity (and for secrets as one family, since a secret
//! is a secret whatever provider name it gets) and fails when any falls below the floors
//! below, which were set from measured values with a small margin. Matching: a predicted
//! span counts for a gold span of the same entity (same category for secrets) when they
//! overlap; each gold span is matched at most once. The `exact` column counts matches whose
//! boundaries are identical; structured entities also have a floor on it.
//!
//! The corpus is regenerated with `python3 tests/corpus/scan/generate.py` (deterministic).

use std::collections::BTreeMap;

use securetag_edge::scan::{Category, PiiEntity, ScanOptions, Scanner};
use serde::Deserialize;

const CORPUS: &str = include_str!("corpus/scan/corpus.jsonl");

#[derive(Deserialize)]
struct Item {
    id: String,
    text: String,
    spans: Vec<Span>,
    injection: Option<bool>,
}

#[derive(Deserialize, Clone)]
struct Span {
    entity: String,
    start: usize,
    end: usize,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    exact: usize,
}

impl Counts {
    fn p(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn r(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn exact_rate(&self) -> f64 {
        if self.tp == 0 {
            1.0
        } else {
            self.exact as f64 / self.tp as f64
        }
    }
}

const SECRETS: &str = "SECRET (all)";

/// (row, F1 floor, exact-boundary floor)
const FLOORS: &[(&str, f64, f64)] = &[
    ("EMAIL", 0.95, 0.95),
    ("PHONE", 0.95, 0.95),
    ("CREDIT_CARD", 0.95, 0.95),
    ("SSN", 0.95, 0.95),
    ("IP", 0.95, 0.95),
    ("CURP", 0.95, 0.95),
    ("RFC", 0.95, 0.95),
    ("CLABE", 0.95, 0.95),
    ("IBAN", 0.95, 0.95),
    ("VIN", 0.95, 0.95),
    ("PERSON", 0.85, 0.0),
    (SECRETS, 0.95, 0.9),
    ("INJECTION", 0.95, 0.0),
];

fn is_pii(entity: &str) -> bool {
    PiiEntity::from_name(entity).is_some()
}

#[test]
fn corpus_precision_recall_f1() {
    let scanner = Scanner::builtin().unwrap();
    let opts = ScanOptions::default();
    let mut rows: BTreeMap<String, Counts> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    let mut items = 0;
    for line in CORPUS.lines().filter(|l| !l.trim().is_empty()) {
        let item: Item = serde_json::from_str(line).unwrap();
        items += 1;
        let result = scanner.scan(&item.text, &opts);
        let preds = &result.findings;
        let mut used = vec![false; preds.len()];
        for g in &item.spans {
            let secret = !is_pii(&g.entity);
            let hit = preds.iter().enumerate().position(|(i, p)| {
                !used[i]
                    && p.start < g.end
                    && g.start < p.end
                    && if secret {
                        p.category == Category::Secret
                    } else {
                        *p.entity == *g.entity
                    }
            });
            let row_names: Vec<String> = if secret {
                vec![g.entity.clone(), SECRETS.to_owned()]
            } else {
                vec![g.entity.clone()]
            };
            match hit {
                Some(i) => {
                    used[i] = true;
                    let exact = preds[i].start == g.start && preds[i].end == g.end;
                    for r in &row_names {
                        let c = rows.entry(r.clone()).or_default();
                        c.tp += 1;
                        c.exact += usize::from(exact);
                    }
                    if !exact {
                        misses.push(format!(
                            "BOUNDARY {} {}: gold {:?} got {:?}",
                            item.id,
                            g.entity,
                            &item.text[g.start..g.end],
                            &item.text[preds[i].start..preds[i].end]
                        ));
                    }
                }
                None => {
                    for r in &row_names {
                        rows.entry(r.clone()).or_default().fn_ += 1;
                    }
                    misses.push(format!(
                        "FN {} {}: {:?}",
                        item.id,
                        g.entity,
                        &item.text[g.start..g.end]
                    ));
                }
            }
        }
        for (i, p) in preds.iter().enumerate() {
            if used[i] {
                continue;
            }
            let mut names = vec![p.entity.to_string()];
            if p.category == Category::Secret {
                names.push(SECRETS.to_owned());
            }
            for r in names {
                rows.entry(r).or_default().fp += 1;
            }
            misses.push(format!(
                "FP {} {}: {:?}",
                item.id,
                p.entity,
                &item.text[p.start..p.end]
            ));
        }
        if let (Some(label), Some(v)) = (item.injection, &result.injection) {
            let c = rows.entry("INJECTION".to_owned()).or_default();
            match (label, v.detected) {
                (true, true) => {
                    c.tp += 1;
                    c.exact += 1;
                }
                (true, false) => {
                    c.fn_ += 1;
                    misses.push(format!(
                        "FN {} INJECTION score {:.2} {:?}",
                        item.id, v.score, v.rules
                    ));
                }
                (false, true) => {
                    c.fp += 1;
                    misses.push(format!(
                        "FP {} INJECTION score {:.2} {:?}",
                        item.id, v.score, v.rules
                    ));
                }
                (false, false) => {}
            }
        }
    }
    println!("\ncorpus: {items} items\n");
    println!(
        "{:<22} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7} {:>7}",
        "entity", "tp", "fp", "fn", "prec", "recall", "f1", "exact"
    );
    for (name, c) in &rows {
        println!(
            "{:<22} {:>5} {:>5} {:>5} {:>7.3} {:>7.3} {:>7.3} {:>7.3}",
            name,
            c.tp,
            c.fp,
            c.fn_,
            c.p(),
            c.r(),
            c.f1(),
            c.exact_rate()
        );
    }
    println!();
    for m in &misses {
        println!("{m}");
    }
    let mut failed = Vec::new();
    for (name, f1_floor, exact_floor) in FLOORS {
        let c = rows.get(*name).copied().unwrap_or_default();
        if c.tp + c.fn_ == 0 {
            failed.push(format!("{name}: no gold spans in the corpus"));
            continue;
        }
        if c.f1() < *f1_floor {
            failed.push(format!("{name}: F1 {:.3} < floor {f1_floor}", c.f1()));
        }
        if c.exact_rate() < *exact_floor {
            failed.push(format!(
                "{name}: exact-boundary rate {:.3} < floor {exact_floor}",
                c.exact_rate()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "accuracy floors broken:\n{}",
        failed.join("\n")
    );
}

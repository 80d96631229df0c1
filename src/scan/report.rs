//! The JSON shapes of the `securetag-edge scan` contract (DESIGN.md), and nothing more:
//!
//! ```json
//! {"findings":[{"category":"pii","entity":"EMAIL","start":10,"end":27,"score":0.99}],
//!  "injection":{"score":0.12,"detected":false},
//!  "redacted":"... <EMAIL_1> ..."}
//! ```
//!
//! Scores are rounded to two decimals so outputs are stable across platforms and diffable
//! in golden files. Injection rule names are left out: the contract does not carry them and
//! the audit log gets them from [`ScanResult`](super::ScanResult) directly.

use serde::Serialize;

use super::finding::ScanResult;

/// One finding as the contract spells it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportFinding {
    /// `pii`, `secret` or `custom`.
    pub category: &'static str,
    /// Entity name.
    pub entity: String,
    /// Byte offset into the input.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// Confidence, two decimals.
    pub score: f64,
}

/// The injection part of the contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportInjection {
    /// Score, two decimals.
    pub score: f64,
    /// Whether the score reached the threshold.
    pub detected: bool,
}

/// The whole `scan` output object.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Findings sorted by start.
    pub findings: Vec<ReportFinding>,
    /// Injection verdict (zero and false when injection scoring was off).
    pub injection: ReportInjection,
    /// The input with every finding replaced.
    pub redacted: String,
}

fn two_decimals(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

impl Report {
    /// Builds the contract object from a scan result and the redacted text.
    pub fn new(result: &ScanResult, redacted: String) -> Report {
        let findings = result
            .findings
            .iter()
            .map(|f| ReportFinding {
                category: f.category.as_str(),
                entity: f.entity.to_string(),
                start: f.start,
                end: f.end,
                score: two_decimals(f.score),
            })
            .collect();
        let injection = match &result.injection {
            Some(v) => ReportInjection {
                score: two_decimals(v.score),
                detected: v.detected,
            },
            None => ReportInjection {
                score: 0.0,
                detected: false,
            },
        };
        Report {
            findings,
            injection,
            redacted,
        }
    }
}

/// One `--jsonl` output line: the input's `id` followed by the report's fields.
#[derive(Debug, Serialize)]
pub struct JsonlLine<'a> {
    /// The `id` from the input line, whatever JSON value it was, as it was written.
    pub id: &'a serde_json::value::RawValue,
    /// The report, flattened next to `id`.
    #[serde(flatten)]
    pub report: Report,
}

/// The object printed instead of a report for a line that could not be read.
#[derive(Debug, Serialize)]
pub struct JsonlError {
    /// The line's `id` when it could be read, as it was written, else `null`.
    pub id: Box<serde_json::value::RawValue>,
    /// 1-based line number in the input.
    pub line: usize,
    /// What was wrong, naming the line.
    pub error: String,
}

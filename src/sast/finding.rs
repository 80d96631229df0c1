//! What a scan reports: one [`Finding`] per rule hit, with the fields of the CLI contract.
//!
//! Findings are plain data so the pool can store them and the CLI can print them without
//! knowing the engine. Their order is part of the contract (block, line, rule id), which keeps
//! output stable across runs and lets tests compare whole lists.

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The lowercase name used in rule files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One rule hit in one code block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id (`py-sql-injection`, `hardcoded-credential`, …).
    pub rule_id: String,
    /// The weakness, as `CWE-<n>`.
    pub cwe: String,
    pub severity: Severity,
    /// Index of the fenced block in the answer; 0 for a plain source file.
    pub block_index: usize,
    /// 1-based line within the block.
    pub line: usize,
    pub message: String,
    /// A rewritten snippet or an instruction, when the rule has one.
    pub fix: Option<String>,
}

impl Finding {
    /// The contract's sort key: block, then line, then rule id.
    pub(crate) fn sort_key(&self) -> (usize, usize, &str) {
        (self.block_index, self.line, self.rule_id.as_str())
    }
}

/// Sorts findings by the contract order and removes exact repeats of (block, line, rule).
pub(crate) fn normalize(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(block: usize, line: usize, id: &str) -> Finding {
        Finding {
            rule_id: id.into(),
            cwe: "CWE-1".into(),
            severity: Severity::Low,
            block_index: block,
            line,
            message: String::new(),
            fix: None,
        }
    }

    #[test]
    fn normalize_sorts_and_dedups() {
        let mut v = vec![f(1, 2, "b"), f(0, 9, "a"), f(1, 2, "a"), f(1, 2, "b")];
        normalize(&mut v);
        let keys: Vec<_> = v
            .iter()
            .map(|x| (x.block_index, x.line, x.rule_id.clone()))
            .collect();
        assert_eq!(
            keys,
            vec![(0, 9, "a".into()), (1, 2, "a".into()), (1, 2, "b".into())]
        );
    }

    #[test]
    fn severity_serializes_lowercase_and_orders() {
        assert_eq!(
            serde_json::to_string(&Severity::High).ok().as_deref(),
            Some("\"high\"")
        );
        assert!(Severity::Critical > Severity::Info);
        assert_eq!(Severity::Medium.as_str(), "medium");
    }
}

//! The answer side of the policy: scan what a provider said, redact it, and give the
//! client its own pseudonymized values back.
//!
//! Order matters: the model's text is scanned and redacted first (its placeholders are
//! not PII, so they are left alone), and only then are the request's placeholders restored
//! from the vault. Restoring first would hand the scanner the client's own values and
//! redact them again.

use std::collections::BTreeMap;

use super::policy::{PiiAction, Policy, SecretsAction};
use crate::scan::{
    redact, Category, Finding, RedactionPolicy, RedactionState, ScanOptions, Scanner,
};

/// Output refused by policy; carries the entity that triggered it.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocked {
    pub code: &'static str,
    pub entity: String,
}

/// Per-request answer guard.
pub struct OutputGuard<'a> {
    scanner: &'a Scanner,
    opts: Option<ScanOptions>,
    pii_action: PiiAction,
    secrets_action: SecretsAction,
    placeholders: &'a RedactionPolicy,
    state: RedactionState,
    /// Entity → (values found in the answer, whether it is a secret).
    pub found: BTreeMap<String, (u32, bool)>,
    /// Whether anything was redacted or restored.
    pub changed: bool,
    /// The request asked for JSON: streamed content is read as JSON piece by piece.
    json_answer: bool,
}

impl<'a> OutputGuard<'a> {
    /// `state` carries the request's placeholder numbering and pseudonym vault.
    pub fn new(
        scanner: &'a Scanner,
        policy: &Policy,
        placeholders: &'a RedactionPolicy,
        state: RedactionState,
    ) -> Self {
        let opts = policy.output_scanning.then(|| ScanOptions {
            pii: policy.pii_entities,
            secrets: policy.secrets_enabled,
            custom: false,
            injection: false,
            ..ScanOptions::default()
        });
        OutputGuard {
            scanner,
            opts,
            pii_action: policy.pii_action,
            secrets_action: policy.secrets_action,
            placeholders,
            state,
            found: BTreeMap::new(),
            changed: false,
            json_answer: false,
        }
    }

    /// Marks the answer as JSON (the request's `response_format`), so that a bare number
    /// redacted in a streamed piece becomes a quoted placeholder.
    pub fn with_json_answer(mut self, json: bool) -> Self {
        self.json_answer = json;
        self
    }

    pub fn json_answer(&self) -> bool {
        self.json_answer
    }

    /// Whether this guard can change anything at all; when not, answers pass untouched.
    pub fn is_active(&self) -> bool {
        self.opts.is_some() || !self.state.vault().is_empty()
    }

    /// Whether answers are scanned; token log-probabilities spell the answer's text, so
    /// they cannot pass a scan and are dropped when one runs.
    pub fn scans(&self) -> bool {
        self.opts.is_some()
    }

    /// Longest placeholder the vault may need to see whole.
    pub fn max_placeholder_len(&self) -> usize {
        self.state.vault().max_placeholder_len()
    }

    /// Findings in `text` (empty when output scanning is off).
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        match &self.opts {
            Some(o) => self.scanner.scan(text, o).findings,
            None => Vec::new(),
        }
    }

    /// [`Self::scan`] of JSON text read with its escapes written out (`\u0040` as `@`,
    /// `\n` as a line break), the findings mapped back onto whole escapes of `text`: the
    /// client parses the JSON and sees those characters, and a redaction must leave JSON.
    pub fn scan_json(&self, text: &str) -> Vec<Finding> {
        let Some((view, from)) = super::wire::decode_escapes(text, super::wire::Escapes::All)
        else {
            return self.scan(text);
        };
        let mut findings = self.scan(&view);
        super::wire::map_findings(&mut findings, &from);
        findings
    }

    /// Redacts `findings` in `text` and restores the vault's placeholders.
    pub fn clean(&mut self, text: &str, findings: &[Finding]) -> Result<String, Blocked> {
        self.clean_with(text, findings, None)
    }

    /// [`Self::clean`] for a piece of streamed JSON content that starts where `lex` says,
    /// which moves on past what is sent.
    pub fn clean_json_piece(
        &mut self,
        text: &str,
        findings: &[Finding],
        lex: &mut super::wire::JsonLex,
    ) -> Result<String, Blocked> {
        let out = self.clean_with(text, findings, Some(*lex))?;
        lex.advance(&out);
        Ok(out)
    }

    fn clean_with(
        &mut self,
        text: &str,
        findings: &[Finding],
        piece: Option<super::wire::JsonLex>,
    ) -> Result<String, Blocked> {
        for f in findings {
            self.found
                .entry(f.entity.to_string())
                .or_insert((0, f.category == Category::Secret))
                .0 += 1;
            let block = match f.category {
                Category::Secret => self.secrets_action == SecretsAction::Block,
                Category::Pii | Category::Custom => self.pii_action == PiiAction::Block,
            };
            if block {
                return Err(Blocked {
                    code: if f.category == Category::Secret {
                        "secret_in_answer"
                    } else {
                        "pii_in_answer"
                    },
                    entity: f.entity.to_string(),
                });
            }
        }
        let to_redact: Vec<Finding> = findings
            .iter()
            .filter(|f| f.category == Category::Secret || self.pii_action != PiiAction::LogOnly)
            .cloned()
            .collect();
        let redacted = if to_redact.is_empty() {
            text.to_string()
        } else {
            self.changed = true;
            let quoted = match piece {
                Some(lex) => super::wire::quote_bare_json_piece(text, &to_redact, lex),
                None => super::wire::quote_bare_json(text, &to_redact),
            };
            match quoted {
                Some((quoted, moved)) => {
                    redact(&quoted, &moved, self.placeholders, &mut self.state)
                }
                None => redact(text, &to_redact, self.placeholders, &mut self.state),
            }
        };
        if self.state.vault().is_empty() {
            return Ok(redacted);
        }
        let restored = self.state.vault().restore(&redacted);
        if restored != redacted {
            self.changed = true;
        }
        Ok(restored)
    }

    /// Values found in the answer.
    pub fn total_found(&self) -> u32 {
        self.found.values().map(|(n, _)| n).sum()
    }

    /// PII incidents of the answer (direction `out`).
    pub fn incidents(&self) -> Vec<crate::audit::Incident> {
        self.found
            .iter()
            .map(|(entity, (count, secret))| crate::audit::Incident {
                direction: "out".into(),
                entity: entity.clone(),
                count: *count,
                action_taken: match (secret, self.pii_action) {
                    (true, _) if self.secrets_action == SecretsAction::Block => "blocked",
                    (true, _) => "redacted",
                    (false, PiiAction::LogOnly) => "logged",
                    (false, PiiAction::Block) => "blocked",
                    (false, _) => "redacted",
                }
                .into(),
            })
            .collect()
    }
}

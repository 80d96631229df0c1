//! One audit record per `/ai/` request: who, what, what happened, never the prompt itself.

use serde::{Deserialize, Serialize};

/// A PII incident: how many values of one entity were found in one direction.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Incident {
    /// `in` (prompt) or `out` (answer).
    pub direction: String,
    pub entity: String,
    pub count: u32,
    /// `redacted`, `blocked` or `logged`.
    pub action_taken: String,
}

/// Credits given back for one charge. Paying it is idempotent by `charge_id` (a random
/// UUID per charge, since request ids may repeat): a retry after a statement that timed out
/// but committed, or a spool replay of the record that carries it, pays nothing twice.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Refund {
    pub charge_id: String,
    pub tenant_id: String,
    pub cents: i64,
}

/// The row written to `ai_gateway_log` (and its incidents), or one JSONL line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditRecord {
    pub request_id: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub tenant_id: Option<String>,
    pub tenant: Option<String>,
    pub api_key_id: Option<String>,
    pub client_ip: Option<String>,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub stream: bool,
    pub status: u16,
    /// `allowed`, `redacted`, `pseudonymized`, `blocked` or `error`.
    pub action: String,
    /// Names of the rules and entities that fired; never matched text.
    pub rules: Vec<String>,
    pub tokens_in: u32,
    pub tokens_out: u32,
    /// Credits charged after refunds, in hundredths.
    pub credits_charged_cents: i64,
    pub latency_ms: f32,
    pub upstream_ms: Option<f32>,
    pub shield_ms: f32,
    pub prompt_hash: Option<String>,
    pub prompt_encrypted: Option<String>,
    pub pii_in: u32,
    pub pii_out: u32,
    /// `completed`, `client_disconnected`, `upstream_error`, `blocked`, `rejected`, …
    pub outcome: String,
    pub error: Option<String>,
    pub incidents: Vec<Incident>,
    /// A refund the database could not take when the request ended: the audit writer pays
    /// it in the transaction that stores this record, so it waits in the spool with the
    /// record while the database is down. Never stored as a column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_owed: Option<Refund>,
}

impl AuditRecord {
    /// The record of a request that has just arrived: allowed and completed until the
    /// pipeline learns otherwise, nothing counted or charged yet.
    pub fn new(request_id: String, client_ip: Option<String>) -> Self {
        AuditRecord {
            request_id,
            created_at: chrono::Utc::now(),
            tenant_id: None,
            tenant: None,
            api_key_id: None,
            client_ip,
            model: None,
            provider: None,
            stream: false,
            status: 0,
            action: "allowed".into(),
            rules: Vec::new(),
            tokens_in: 0,
            tokens_out: 0,
            credits_charged_cents: 0,
            latency_ms: 0.0,
            upstream_ms: None,
            shield_ms: 0.0,
            prompt_hash: None,
            prompt_encrypted: None,
            pii_in: 0,
            pii_out: 0,
            outcome: "completed".into(),
            error: None,
            incidents: Vec::new(),
            refund_owed: None,
        }
    }

    /// Adds `code` to the error codes the row names (`provider_timeout; refund_deferred`).
    pub fn add_error(&mut self, code: &str) {
        self.error = Some(match self.error.take() {
            Some(was) if was.split("; ").any(|c| c == code) => was,
            Some(was) => format!("{was}; {code}"),
            None => code.to_owned(),
        });
    }
}

//! A tenant's gateway policy (`ai_gateway_config`): what it may call and how its prompts
//! are treated. One parser serves the YAML file and Postgres rows, so both mean the same.

use serde::Deserialize;
use wildmatch::WildMatch;

use crate::config::source::Diagnostics;
use crate::scan::{EntitySet, PiiEntity};

/// What happens to PII found in a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiAction {
    Redact,
    Block,
    LogOnly,
    Pseudonymize,
}

impl PiiAction {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "redact" => Some(PiiAction::Redact),
            "block" => Some(PiiAction::Block),
            "log_only" => Some(PiiAction::LogOnly),
            "pseudonymize" => Some(PiiAction::Pseudonymize),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretsAction {
    Redact,
    Block,
}

/// How the prompt appears in the audit log: never in the clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptLogging {
    Hash,
    Encrypted,
}

/// The policy as written, with the defaults of the `ai_gateway_config` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RawPolicy {
    pub is_enabled: bool,
    pub allowed_models: Vec<String>,
    pub blocked_models: Vec<String>,
    pub max_tokens_per_request: u32,
    pub max_requests_per_minute: u32,
    pub pii_action: String,
    pub pii_entities: Vec<String>,
    pub prompt_injection_enabled: bool,
    pub injection_threshold: f32,
    pub injection_trusted_roles: Vec<String>,
    pub secrets_scanning_enabled: bool,
    pub secrets_action: String,
    pub output_scanning_enabled: bool,
    pub prompt_logging_mode: String,
    pub unscannable_parts_action: String,
}

impl Default for RawPolicy {
    fn default() -> Self {
        RawPolicy {
            is_enabled: false,
            allowed_models: vec!["*".into()],
            blocked_models: Vec::new(),
            max_tokens_per_request: 4096,
            max_requests_per_minute: 60,
            pii_action: "redact".into(),
            pii_entities: ["CREDIT_CARD", "EMAIL", "PHONE", "PERSON", "SSN", "IP"]
                .map(String::from)
                .to_vec(),
            prompt_injection_enabled: true,
            injection_threshold: 0.8,
            injection_trusted_roles: vec!["system".into(), "developer".into()],
            secrets_scanning_enabled: true,
            secrets_action: "redact".into(),
            output_scanning_enabled: true,
            prompt_logging_mode: "hash".into(),
            unscannable_parts_action: "allow".into(),
        }
    }
}

/// A resolved policy, ready for the request path.
#[derive(Debug, Clone)]
pub struct Policy {
    pub is_enabled: bool,
    pub allowed_models: Vec<String>,
    allowed: Vec<WildMatch>,
    blocked: Vec<WildMatch>,
    pub max_tokens_per_request: u32,
    pub max_requests_per_minute: u32,
    pub pii_action: PiiAction,
    pub pii_entities: EntitySet,
    pub injection_enabled: bool,
    pub injection_threshold: f32,
    /// Roles not scored for injection: the application's own instructions, which talk
    /// about "ignoring" and "system prompts" as a matter of course. Only where the
    /// application, not its users, writes these roles is that safe; hence per tenant.
    pub injection_trusted_roles: Vec<String>,
    pub secrets_enabled: bool,
    pub secrets_action: SecretsAction,
    pub output_scanning: bool,
    pub prompt_logging: PromptLogging,
    /// Refuse content parts the scan cannot read (images, audio, PDFs, files by id)
    /// instead of passing them unread. Off by default: chat apps send images.
    pub block_unscannable: bool,
}

impl Policy {
    /// Whether the tenant may call `model` at all (allow list, then deny list).
    pub fn model_allowed(&self, model: &str) -> bool {
        self.allowed.iter().any(|g| g.matches(model))
            && !self.blocked.iter().any(|g| g.matches(model))
    }
}

/// The roles of OpenAI's chat format, old and new.
pub const CHAT_ROLES: [&str; 6] = [
    "system",
    "developer",
    "user",
    "assistant",
    "tool",
    "function",
];

/// Resolves `raw`, calling `report(key, message)` for every bad value, so the YAML path
/// (which refuses the file) and the database path share one parser. What the database path
/// then serves: a bad choice takes its default, a number out of range is clamped into it,
/// and an unknown entity or role is left out.
pub fn resolve(raw: &RawPolicy, report: &mut dyn FnMut(&str, String)) -> Policy {
    let pii_action = PiiAction::parse(&raw.pii_action).unwrap_or_else(|| {
        report(
            "pii_action",
            format!(
                "{:?} is not one of redact, block, log_only, pseudonymize",
                raw.pii_action
            ),
        );
        PiiAction::Redact
    });
    let secrets_action = match raw.secrets_action.as_str() {
        "redact" => SecretsAction::Redact,
        "block" => SecretsAction::Block,
        other => {
            report(
                "secrets_action",
                format!("{other:?} is not one of redact, block"),
            );
            SecretsAction::Redact
        }
    };
    let prompt_logging = match raw.prompt_logging_mode.as_str() {
        "hash" => PromptLogging::Hash,
        "encrypted" => PromptLogging::Encrypted,
        other => {
            report(
                "prompt_logging_mode",
                format!("{other:?} is not one of hash, encrypted"),
            );
            PromptLogging::Hash
        }
    };
    let block_unscannable = match raw.unscannable_parts_action.as_str() {
        "allow" => false,
        "block" => true,
        other => {
            report(
                "unscannable_parts_action",
                format!("{other:?} is not one of allow, block"),
            );
            false
        }
    };
    let mut pii_entities = EntitySet::none();
    for (i, name) in raw.pii_entities.iter().enumerate() {
        match PiiEntity::from_name(name) {
            Some(e) => pii_entities = pii_entities.with(e),
            None => report(
                &format!("pii_entities[{i}]"),
                format!("{name:?} is not a PII entity"),
            ),
        }
    }
    if !(0.0..=1.0).contains(&raw.injection_threshold) {
        report("injection_threshold", "must be between 0 and 1".into());
    }
    let mut injection_trusted_roles = Vec::new();
    for (i, role) in raw.injection_trusted_roles.iter().enumerate() {
        if CHAT_ROLES.contains(&role.as_str()) {
            injection_trusted_roles.push(role.clone());
        } else {
            report(
                &format!("injection_trusted_roles[{i}]"),
                format!("{role:?} is not one of {}", CHAT_ROLES.join(", ")),
            );
        }
    }
    if raw.max_tokens_per_request == 0 {
        report("max_tokens_per_request", "must be at least 1".into());
    }
    Policy {
        is_enabled: raw.is_enabled,
        allowed_models: raw.allowed_models.clone(),
        allowed: raw
            .allowed_models
            .iter()
            .map(|m| WildMatch::new(m))
            .collect(),
        blocked: raw
            .blocked_models
            .iter()
            .map(|m| WildMatch::new(m))
            .collect(),
        max_tokens_per_request: raw.max_tokens_per_request.max(1),
        max_requests_per_minute: raw.max_requests_per_minute,
        pii_action,
        pii_entities,
        injection_enabled: raw.prompt_injection_enabled,
        injection_threshold: raw.injection_threshold.clamp(0.0, 1.0),
        injection_trusted_roles,
        secrets_enabled: raw.secrets_scanning_enabled,
        secrets_action,
        output_scanning: raw.output_scanning_enabled,
        prompt_logging,
        block_unscannable,
    }
}

/// Resolves a policy from the YAML file, reporting problems under `key`.
pub(crate) fn from_raw(raw: &RawPolicy, key: &str, d: &mut Diagnostics) -> Policy {
    resolve(raw, &mut |k, msg| d.error(format!("{key}.{k}"), msg))
}

/// The default policy, switched on: what the guards' unit tests run under.
#[cfg(test)]
pub(crate) fn enabled_for_tests() -> Policy {
    resolve(
        &RawPolicy {
            is_enabled: true,
            ..RawPolicy::default()
        },
        &mut |_, _| {},
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_table() {
        let p = resolve(&RawPolicy::default(), &mut |k, m| panic!("{k}: {m}"));
        assert!(!p.is_enabled);
        assert_eq!(p.max_tokens_per_request, 4096);
        assert_eq!(p.pii_action, PiiAction::Redact);
        assert!(p.pii_entities.contains(PiiEntity::Email));
        assert!(!p.pii_entities.contains(PiiEntity::Iban));
        assert!(p.model_allowed("gpt-4o"));
        assert_eq!(p.injection_trusted_roles, ["system", "developer"]);
        assert!(!p.block_unscannable);
    }

    #[test]
    fn an_unknown_trusted_role_is_reported() {
        let raw = RawPolicy {
            injection_trusted_roles: vec!["sytem".into()],
            ..RawPolicy::default()
        };
        let mut seen = Vec::new();
        let p = resolve(&raw, &mut |k, m| seen.push(format!("{k}: {m}")));
        assert!(p.injection_trusted_roles.is_empty());
        assert_eq!(seen.len(), 1);
        assert!(
            seen[0].starts_with("injection_trusted_roles[0]: \"sytem\" is not one of"),
            "{seen:?}"
        );
    }

    #[test]
    fn model_globs_allow_then_deny() {
        let raw = RawPolicy {
            allowed_models: vec!["gpt-*".into(), "securetag-v1".into()],
            blocked_models: vec!["gpt-4-32k*".into()],
            ..RawPolicy::default()
        };
        let p = resolve(&raw, &mut |_, _| {});
        assert!(p.model_allowed("gpt-4o-mini"));
        assert!(p.model_allowed("securetag-v1"));
        assert!(!p.model_allowed("gpt-4-32k-0613"));
        assert!(!p.model_allowed("claude-3"));
    }

    #[test]
    fn bad_values_are_reported_and_defaulted() {
        let raw = RawPolicy {
            pii_action: "shred".into(),
            pii_entities: vec!["EMAIL".into(), "SHOE_SIZE".into()],
            unscannable_parts_action: "refuse".into(),
            ..RawPolicy::default()
        };
        let mut problems = Vec::new();
        let p = resolve(&raw, &mut |k, m| problems.push(format!("{k}: {m}")));
        assert_eq!(p.pii_action, PiiAction::Redact);
        assert!(p.pii_entities.contains(PiiEntity::Email));
        assert!(!p.block_unscannable);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[1].starts_with("unscannable_parts_action: \"refuse\" is not one of"));
        assert!(problems[2].starts_with("pii_entities[1]"));
    }
}

//! The vocabulary shared by every detector: findings, entity names, options and results.

use std::sync::Arc;

/// Which family a finding belongs to; serialised as the contract's `category`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Personal data (EMAIL, PHONE, PERSON, ...).
    Pii,
    /// Credentials and keys.
    Secret,
    /// Tenant-defined entities.
    Custom,
}

impl Category {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Pii => "pii",
            Category::Secret => "secret",
            Category::Custom => "custom",
        }
    }
}

/// One detected value. `entity` is shared (`Arc<str>`) because operator and tenant entity
/// names are only known at start, and findings are cloned into audit records.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// pii, secret or custom.
    pub category: Category,
    /// `EMAIL`, `AWS_ACCESS_KEY`, a tenant's entity name, ...
    pub entity: Arc<str>,
    /// Byte offset of the first byte, on a char boundary.
    pub start: usize,
    /// Byte offset one past the last byte, on a char boundary.
    pub end: usize,
    /// Confidence in 0..=1.
    pub score: f32,
}

impl Finding {
    /// The found text; `None` only if the finding does not belong to `text`.
    pub fn value<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }
}

/// The built-in PII entities, so options can enable them one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PiiEntity {
    /// E-mail address.
    Email,
    /// US and Mexican phone numbers.
    Phone,
    /// Luhn-valid payment card numbers of known brands.
    CreditCard,
    /// US Social Security numbers.
    Ssn,
    /// IPv4 and IPv6 addresses (not loopback or documentation ranges).
    Ip,
    /// People's names.
    Person,
    /// Mexican population registry key.
    Curp,
    /// Mexican tax id.
    Rfc,
    /// Mexican bank account (18 digits).
    Clabe,
    /// International bank account number.
    Iban,
    /// Vehicle identification number.
    Vin,
}

impl PiiEntity {
    /// All built-in PII entities.
    pub const ALL: [PiiEntity; 11] = [
        PiiEntity::Email,
        PiiEntity::Phone,
        PiiEntity::CreditCard,
        PiiEntity::Ssn,
        PiiEntity::Ip,
        PiiEntity::Person,
        PiiEntity::Curp,
        PiiEntity::Rfc,
        PiiEntity::Clabe,
        PiiEntity::Iban,
        PiiEntity::Vin,
    ];

    /// The contract's entity name.
    pub fn name(self) -> &'static str {
        match self {
            PiiEntity::Email => "EMAIL",
            PiiEntity::Phone => "PHONE",
            PiiEntity::CreditCard => "CREDIT_CARD",
            PiiEntity::Ssn => "SSN",
            PiiEntity::Ip => "IP",
            PiiEntity::Person => "PERSON",
            PiiEntity::Curp => "CURP",
            PiiEntity::Rfc => "RFC",
            PiiEntity::Clabe => "CLABE",
            PiiEntity::Iban => "IBAN",
            PiiEntity::Vin => "VIN",
        }
    }

    /// Parses a contract entity name (as tenants write them in config).
    pub fn from_name(name: &str) -> Option<PiiEntity> {
        PiiEntity::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(name))
    }
}

/// A small set of [`PiiEntity`], copied into every scan's options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EntitySet(u16);

impl EntitySet {
    /// Every built-in PII entity.
    pub fn all() -> Self {
        PiiEntity::ALL
            .into_iter()
            .fold(EntitySet(0), EntitySet::with)
    }
    /// No PII detection at all.
    pub fn none() -> Self {
        EntitySet(0)
    }
    /// This set plus `e`.
    pub fn with(self, e: PiiEntity) -> Self {
        EntitySet(self.0 | 1 << e as u8)
    }
    /// This set without `e`.
    pub fn without(self, e: PiiEntity) -> Self {
        EntitySet(self.0 & !(1 << e as u8))
    }
    /// Whether `e` is enabled.
    pub fn contains(self, e: PiiEntity) -> bool {
        self.0 & (1 << e as u8) != 0
    }
    /// Whether nothing is enabled.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<PiiEntity> for EntitySet {
    fn from_iter<I: IntoIterator<Item = PiiEntity>>(iter: I) -> Self {
        iter.into_iter().fold(EntitySet::none(), EntitySet::with)
    }
}

/// What one scan should look for; built per tenant policy, cheap to copy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScanOptions {
    /// PII entities to detect.
    pub pii: EntitySet,
    /// Whether secret rules run.
    pub secrets: bool,
    /// Whether tenant-defined entities run.
    pub custom: bool,
    /// Whether the injection score is computed.
    pub injection: bool,
    /// Injection score at or above which `detected` is true.
    pub injection_threshold: f32,
    /// Findings scoring below this are dropped before overlap resolution.
    pub min_score: f32,
}

impl Default for ScanOptions {
    /// Everything on, injection threshold 0.8 (the replaced gateway's), min score 0.5.
    fn default() -> Self {
        ScanOptions {
            pii: EntitySet::all(),
            secrets: true,
            custom: true,
            injection: true,
            injection_threshold: 0.8,
            min_score: 0.5,
        }
    }
}

/// The prompt-injection verdict: a score, the decision, and which rules fired.
#[derive(Clone, Debug, PartialEq)]
pub struct InjectionVerdict {
    /// Combined rule weight in 0..=1.
    pub score: f32,
    /// `score >= threshold`.
    pub detected: bool,
    /// Names of the rules that fired, for the audit log (never the matched text).
    pub rules: Vec<&'static str>,
}

/// Everything one scan found.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanResult {
    /// Non-overlapping findings sorted by start.
    pub findings: Vec<Finding>,
    /// `None` when injection scoring was disabled.
    pub injection: Option<InjectionVerdict>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_set_round_trips_every_entity() {
        let all = EntitySet::all();
        for e in PiiEntity::ALL {
            assert!(all.contains(e));
            assert!(!all.without(e).contains(e));
            assert_eq!(PiiEntity::from_name(&e.name().to_lowercase()), Some(e));
        }
        assert!(EntitySet::none().is_empty());
        assert_eq!(PiiEntity::from_name("NOPE"), None);
    }
}

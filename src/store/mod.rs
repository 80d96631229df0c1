//! Persistent state behind small traits: tenants, keys, bans, credits ([`Store`]), rate
//! counters ([`ratelimit`]), and the audit sink.
//!
//! Two implementations of [`Store`]: [`postgres::PgStore`] for production (several
//! instances share it) and [`memory::MemoryStore`] for the embedded default, filled from the
//! YAML file. The shield sees only the trait, so every pipeline test runs against both.

pub mod admin;
mod debits;
pub mod jobs;
pub mod lockout;
pub mod memory;
pub mod postgres;
pub mod ratelimit;
pub mod redis;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::audit::Refund;
use crate::shield::policy::Policy;
use crate::shield::settings::Cents;

/// What a client address is counted and banned as: an IPv4 address alone, an IPv6 one by
/// its /64, the least one subscriber is given. Counted per /128, a client rotating through
/// its own /64 would never reach a limit.
pub fn client_subject(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let net = ipnet::Ipv6Net::new(v6, 64).map(|n| n.trunc());
                net.map_or_else(|_| v6.to_string(), |n| n.to_string())
            }
        },
    }
}

/// Makes room in a full table by dropping the tenth of its entries that `rank` puts lowest
/// (for failure counts: the fewest, then the oldest). A flood of made-up names displaces
/// only what it outranks (a guesser with fewer failures, a lock at a lower level), not the
/// whole table; every subject is still counted afterwards (refusing new ones would let a
/// guesser go unseen); and the sort runs once per tenth of `max` new entries.
pub fn make_room<K, V, R: Ord + Copy>(
    table: &mut std::collections::HashMap<K, V>,
    max: usize,
    rank: impl Fn(&K, &V) -> R,
) {
    if table.len() < max {
        return;
    }
    let mut ranks: Vec<R> = table.iter().map(|(k, v)| rank(k, v)).collect();
    let tenth = ranks.len() / 10;
    let (_, &mut cut, _) = ranks.select_nth_unstable(tenth);
    table.retain(|k, v| rank(k, v) > cut);
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(String),
    #[error("{0}")]
    Invalid(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                StoreError::Unavailable(e.to_string())
            }
            other => StoreError::Query(other.to_string()),
        }
    }
}

/// Everything the pipeline needs to know about an API key, loaded in one lookup.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub key_id: String,
    pub tenant_id: String,
    pub tenant_name: String,
    pub display_prefix: String,
    /// The key's own switch (`api_key.ai_gateway_enabled` and its config's `is_active`).
    pub key_enabled: bool,
    /// `tenant.ai_gateway_enabled`.
    pub tenant_enabled: bool,
    /// Revoked by the time of the lookup.
    pub revoked: bool,
    /// When a revocation set for later takes effect (a rotation's grace period ends).
    /// Checked on every request, as `expires_at` is: the record is cached for a minute.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub rate_limit_rpm: u32,
    pub model_access: Vec<String>,
    /// Provider name → sealed BYOK key.
    pub provider_keys: BTreeMap<String, String>,
    pub policy: Arc<Policy>,
    /// False when the tenant has no policy row: the shield then applies
    /// `ai.default_policy` instead of the table's defaults.
    pub has_policy: bool,
    /// Custom entities scanned for this tenant (`*`: all configured).
    pub custom_entities: Vec<String>,
}

impl KeyRecord {
    /// Whether this key's own model list admits `model` (the tenant's policy is separate).
    pub fn may_use(&self, model: &str) -> bool {
        self.model_access
            .iter()
            .any(|g| wildmatch::WildMatch::new(g).matches(model))
    }
}

/// What a ban applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BanKind {
    Ip,
    ApiKey,
    Tenant,
}

impl BanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BanKind::Ip => "ip",
            BanKind::ApiKey => "api_key",
            BanKind::Tenant => "tenant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ip" => Some(BanKind::Ip),
            "api_key" => Some(BanKind::ApiKey),
            "tenant" => Some(BanKind::Tenant),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ban {
    pub kind: BanKind,
    pub value: String,
    /// `None`: until an operator lifts it.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    pub reason: String,
}

/// Tenants, keys, bans and credits.
#[async_trait]
pub trait Store: Send + Sync {
    /// The key whose SHA-256 hex is `hash`, with its tenant and policy.
    async fn key_by_hash(&self, hash: &str) -> Result<Option<KeyRecord>, StoreError>;
    /// Bans in force now.
    async fn active_bans(&self) -> Result<Vec<Ban>, StoreError>;
    async fn add_ban(&self, ban: &Ban) -> Result<(), StoreError>;
    /// Takes `cents` from the tenant if the balance covers it, atomically; returns the new
    /// balance, or `None` when it was short.
    async fn charge(&self, tenant_id: &str, cents: Cents) -> Result<Option<Cents>, StoreError>;
    /// Gives back one charge's credits. PostgreSQL pays a charge once however often it is
    /// asked (a retry, a replay; see [`Refund`]); the memory store, which cannot fail, is
    /// asked once per charge.
    async fn refund(&self, refund: &Refund) -> Result<(), StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;
}

/// How often a failing dependency is logged at warn by each of its users.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Says when a repeated failure is worth a warn line: the first, then one a minute. A Redis
/// that hangs fails every request the same way after 250 ms, and a line per request would
/// flood the journal (the fallback metrics count every one); a background task that fails
/// every few seconds likewise.
#[derive(Default)]
pub struct WarnEvery {
    /// Milliseconds after the process's first use of this at the last warn, plus one (zero:
    /// never).
    last: AtomicU64,
}

impl WarnEvery {
    /// Whether to log this failure at warn (otherwise at debug).
    pub fn due(&self) -> bool {
        static START: OnceLock<Instant> = OnceLock::new();
        let since_start = START.get_or_init(Instant::now).elapsed().as_millis();
        self.due_at(
            u64::try_from(since_start)
                .unwrap_or(u64::MAX)
                .saturating_add(1),
        )
    }

    /// Logs a repeated failure: at warn when [`WarnEvery::due`] (saying so), else at debug.
    pub fn log(&self, error: &dyn std::fmt::Display, what: &str) {
        if self.due() {
            tracing::warn!(%error, "{what} (logged once a minute)");
        } else {
            tracing::debug!(%error, "{what}");
        }
    }

    /// [`WarnEvery::due`] at `now`, in milliseconds plus one from any fixed start.
    fn due_at(&self, now: u64) -> bool {
        let last = self.last.load(Ordering::Relaxed);
        let every = u64::try_from(WARN_EVERY.as_millis()).unwrap_or(u64::MAX);
        (last == 0 || now.saturating_sub(last) >= every)
            && self
                .last
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_counted_per_ipv4_address_and_per_ipv6_slash_64() {
        let subject = |s: &str| client_subject(s.parse().unwrap());
        assert_eq!(subject("203.0.113.7"), "203.0.113.7");
        assert_eq!(subject("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(subject("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(subject("2001:db8:1:2:ffff::9"), subject("2001:db8:1:2::1"));
        assert_ne!(subject("2001:db8:1:3::1"), subject("2001:db8:1:2::1"));
    }

    #[test]
    fn a_full_count_table_drops_its_lowest_tenth() {
        use std::time::{Duration, Instant};
        let now = Instant::now();
        let count = |_: &u32, &(end, n): &(Instant, u32)| (n, end);
        // Made-up names with two failures each, the oldest first, and one guesser with four.
        let mut counts: std::collections::HashMap<u32, (Instant, u32)> = (0..100)
            .map(|i| (i, (now + Duration::from_millis(u64::from(i)), 2)))
            .collect();
        counts.insert(999, (now, 4));
        make_room(&mut counts, 200, count);
        assert_eq!(counts.len(), 101, "not full yet");
        make_room(&mut counts, 101, count);
        assert_eq!(counts.len(), 90, "a tenth went");
        assert!(counts.contains_key(&999), "the guesser's count stays");
        assert!((0..11).all(|i| !counts.contains_key(&i)), "the oldest went");
        // Equal ranks all go together: the table still shrinks.
        let mut tied: std::collections::HashMap<u32, (Instant, u32)> =
            (0..10).map(|i| (i, (now, 3))).collect();
        make_room(&mut tied, 5, count);
        assert!(tied.is_empty());
    }

    #[test]
    fn the_first_failure_warns_and_the_next_ones_wait_a_minute() {
        let w = WarnEvery::default();
        assert!(w.due_at(1));
        assert!(!w.due_at(2));
        assert!(!w.due_at(60_000));
        assert!(w.due_at(60_001));
        assert!(!w.due_at(60_002));
        assert!(WarnEvery::default().due());
    }
}

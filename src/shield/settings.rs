//! The `ai:` section of the configuration: the shield validates its own settings.
//!
//! Raw serde types mirror the YAML; [`validate`] resolves them into [`AiSettings`]: policies
//! with parsed entity sets and model globs, providers with parsed base URLs, embedded tenants
//! with their keys already hashed. A plain key in the file (from `${ENV}`) is hashed here and
//! dropped; only digests reach the running process.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::policy::{self, Policy, RawPolicy};
use crate::config::source::Diagnostics;
use crate::config::units::{Dur, Size};
use crate::crypto::{self, Keyring, Secret};
use crate::scan::CustomEntity;

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawAi {
    pub prefix: String,
    pub system_secret: Option<String>,
    pub database_url: Option<String>,
    pub redis_url: Option<String>,
    pub db_pool_size: u32,
    pub cache_ttl: Dur,
    pub pricing: RawPricing,
    pub max_concurrent_streams: usize,
    pub stream_slot_wait: Dur,
    pub max_body_size: Size,
    pub max_content_chars: usize,
    pub max_tokens_cap: u32,
    pub allowed_roles: Vec<String>,
    pub brute_force: RawBruteForce,
    pub audit: RawAudit,
    pub stream: RawStream,
    pub default_policy: RawPolicy,
    pub providers: Vec<RawProvider>,
    pub tenants: Vec<RawTenant>,
    pub custom_entities: Vec<RawCustomEntity>,
    /// A gitleaks-format TOML file with extra secret rules.
    pub gitleaks_rules: Option<String>,
    pub sast: RawSast,
}

/// The SAST pool and API (`/ai/v1/sast/`), and scanning of code in answers.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawSast {
    pub enabled: bool,
    /// Concurrent analyses; 0 means one per CPU core.
    pub workers: usize,
    pub job_timeout: Dur,
    pub max_attempts: u32,
    pub queue_capacity: usize,
    /// How often idle workers look for jobs queued by other instances.
    pub poll_interval: Dur,
    /// Extra rule files (YAML, the built-in rules' format).
    pub rules: Vec<String>,
    /// Ask a model (an OpenAI-compatible provider) to explain findings; off by default.
    pub deep_analysis: Option<RawDeepAnalysis>,
}

impl Default for RawSast {
    fn default() -> Self {
        RawSast {
            enabled: true,
            workers: 0,
            job_timeout: Dur(Duration::from_secs(10)),
            max_attempts: 3,
            queue_capacity: 1000,
            poll_interval: Dur(Duration::from_secs(1)),
            rules: Vec::new(),
            deep_analysis: None,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RawDeepAnalysis {
    /// A model served by one of `ai.providers`, e.g. securetag-v1.
    pub model: String,
    #[serde(default = "d_deep_timeout")]
    pub timeout: Dur,
    /// Findings per job sent to the model.
    #[serde(default = "d_deep_max")]
    pub max_findings: usize,
}

fn d_deep_timeout() -> Dur {
    Dur(Duration::from_secs(20))
}
fn d_deep_max() -> usize {
    5
}

impl Default for RawAi {
    fn default() -> Self {
        RawAi {
            prefix: "/ai/".into(),
            system_secret: None,
            database_url: None,
            redis_url: None,
            db_pool_size: 10,
            cache_ttl: Dur(Duration::from_secs(60)),
            pricing: RawPricing::default(),
            max_concurrent_streams: 50,
            stream_slot_wait: Dur(Duration::from_secs(5)),
            max_body_size: Size(8 << 20),
            max_content_chars: 100_000,
            max_tokens_cap: 128 * 1024,
            allowed_roles: super::policy::CHAT_ROLES.map(String::from).to_vec(),
            brute_force: RawBruteForce::default(),
            audit: RawAudit::default(),
            stream: RawStream::default(),
            default_policy: RawPolicy::default(),
            providers: Vec::new(),
            tenants: Vec::new(),
            custom_entities: Vec::new(),
            gitleaks_rules: None,
            sast: RawSast::default(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawPricing {
    pub proxied: f64,
    pub blocked: f64,
}

impl Default for RawPricing {
    fn default() -> Self {
        RawPricing {
            proxied: 0.10,
            blocked: 0.01,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawBruteForce {
    pub max_failures: u32,
    pub window: Dur,
    pub ban_for: Dur,
}

impl Default for RawBruteForce {
    fn default() -> Self {
        RawBruteForce {
            max_failures: 10,
            window: Dur(Duration::from_secs(60)),
            ban_for: Dur(Duration::from_secs(900)),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawAudit {
    /// JSONL audit log of the embedded store.
    pub file: String,
    /// Where records wait while Postgres is unreachable.
    pub spool_dir: String,
    pub queue_capacity: usize,
    pub batch_size: usize,
    pub flush_interval: Dur,
}

impl Default for RawAudit {
    fn default() -> Self {
        RawAudit {
            file: "var/audit.jsonl".into(),
            spool_dir: "var/spool".into(),
            queue_capacity: 10_000,
            batch_size: 200,
            flush_interval: Dur(Duration::from_millis(200)),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawStream {
    /// Characters of each choice's text held back so a value split across deltas is still
    /// caught; also the most a client's text can lag behind the provider.
    pub holdback_chars: usize,
    /// Longest provider SSE event accepted before the stream is cut.
    pub max_event_bytes: Size,
}

impl Default for RawStream {
    fn default() -> Self {
        RawStream {
            holdback_chars: 96,
            max_event_bytes: Size(1 << 20),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RawProvider {
    pub name: String,
    /// `openai` (any OpenAI-compatible endpoint) or `echo` (answers with what it received).
    #[serde(default = "openai")]
    pub kind: String,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub api_key: Option<String>,
    pub models: Vec<String>,
    #[serde(default = "d_timeout")]
    pub timeout: Dur,
    #[serde(default = "d_connect")]
    pub connect_timeout: Dur,
    #[serde(default)]
    pub verify_cert: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct RawTenant {
    pub name: String,
    #[serde(default)]
    pub credits: f64,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub policy: Option<RawPolicy>,
    #[serde(default)]
    pub keys: Vec<RawKey>,
    /// Names of `custom_entities` this tenant's prompts are scanned for (`*`: all).
    #[serde(default = "star")]
    pub custom_entities: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawKey {
    /// The key itself, normally `${ENV}`; hashed at load and never kept.
    #[serde(default)]
    pub key: Option<String>,
    /// Or its SHA-256 hex, as `securetag-edge key create` prints it.
    #[serde(default)]
    pub key_sha256: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default = "d_rpm")]
    pub rate_limit_rpm: u32,
    #[serde(default = "star")]
    pub model_access: Vec<String>,
    /// Provider name → that provider's key for this API key (BYOK).
    #[serde(default)]
    pub provider_keys: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct RawCustomEntity {
    pub name: String,
    #[serde(default)]
    pub regexes: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default = "d_score")]
    pub score: f32,
}

fn openai() -> String {
    "openai".into()
}
fn yes() -> bool {
    true
}
fn d_timeout() -> Dur {
    Dur(Duration::from_secs(120))
}
fn d_connect() -> Dur {
    Dur(Duration::from_secs(5))
}
fn d_rpm() -> u32 {
    30
}
fn star() -> Vec<String> {
    vec!["*".into()]
}
fn d_score() -> f32 {
    0.9
}

/// Credits are handled in hundredths so arithmetic is exact, like `NUMERIC(10,2)`.
pub type Cents = i64;

/// Converts an amount of credits to cents, refusing what `NUMERIC(10,2)` cannot hold: a
/// third decimal (`0.004` would round to a free request) as much as a negative amount.
pub fn to_cents(v: f64) -> Option<Cents> {
    let exact = v * 100.0;
    let c = exact.round();
    (v.is_finite() && (c - exact).abs() < 1e-6 && (0.0..1e10).contains(&c) && v >= 0.0)
        .then_some(c as Cents)
}

/// Validated shield settings.
#[derive(Debug)]
pub struct AiSettings {
    pub prefix: String,
    pub keyring: Option<Keyring>,
    pub database_url: Option<Secret>,
    pub redis_url: Option<Secret>,
    pub db_pool_size: u32,
    pub cache_ttl: Duration,
    pub price_proxied: Cents,
    pub price_blocked: Cents,
    pub max_concurrent_streams: usize,
    pub stream_slot_wait: Duration,
    pub max_body_size: u64,
    pub max_content_chars: usize,
    pub max_tokens_cap: u32,
    pub allowed_roles: BTreeSet<String>,
    pub brute_force_max: u32,
    pub brute_force_window: Duration,
    pub brute_force_ban: Duration,
    pub audit: AuditSettings,
    pub holdback_chars: usize,
    pub max_event_bytes: usize,
    pub default_policy: Arc<Policy>,
    pub providers: Vec<Arc<ProviderSpec>>,
    pub tenants: Vec<EmbeddedTenant>,
    pub custom_entities: Vec<CustomEntity>,
    pub gitleaks_rules: Option<String>,
    pub sast: Option<SastSettings>,
}

/// Validated SAST settings; the rule files are read and checked at load.
#[derive(Debug)]
pub struct SastSettings {
    pub workers: usize,
    pub job_timeout: Duration,
    pub max_attempts: u32,
    pub queue_capacity: usize,
    pub poll_interval: Duration,
    /// (origin, YAML text) of operator rule files.
    pub rule_texts: Vec<(String, String)>,
    pub deep_model: Option<String>,
    pub deep_timeout: Duration,
    pub deep_max: usize,
}

#[derive(Debug, Clone)]
pub struct AuditSettings {
    pub file: std::path::PathBuf,
    pub spool_dir: std::path::PathBuf,
    pub queue_capacity: usize,
    pub batch_size: usize,
    pub flush_interval: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderKind {
    OpenAi,
    Echo,
}

/// An upstream LLM endpoint and the models it serves.
#[derive(Debug)]
pub struct ProviderSpec {
    pub name: String,
    pub kind: ProviderKind,
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// Path prefix of the API, e.g. `/v1`; requests go to `{base_path}/chat/completions`.
    pub base_path: String,
    pub api_key: Option<Secret>,
    pub models: Vec<wildmatch::WildMatch>,
    /// The patterns as written, for listing concrete model names.
    pub model_names: Vec<String>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub verify_cert: bool,
}

impl ProviderSpec {
    pub fn serves(&self, model: &str) -> bool {
        self.models.iter().any(|m| m.matches(model))
    }
}

/// A tenant defined in the file (embedded store).
#[derive(Debug)]
pub struct EmbeddedTenant {
    pub name: String,
    pub credits: Cents,
    pub enabled: bool,
    pub policy: Arc<Policy>,
    pub keys: Vec<EmbeddedKey>,
    pub custom_entities: Vec<String>,
}

#[derive(Debug)]
pub struct EmbeddedKey {
    pub hash: String,
    pub display_prefix: String,
    pub enabled: bool,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub rate_limit_rpm: u32,
    pub model_access: Vec<String>,
    /// Provider name → sealed provider key (sealed at load when a system secret exists).
    pub provider_keys: BTreeMap<String, String>,
}

pub(crate) fn validate(raw: RawAi, base: &std::path::Path, d: &mut Diagnostics) -> AiSettings {
    let k = |s: &str| format!("ai.{s}");
    if !raw.prefix.starts_with('/') || !raw.prefix.ends_with('/') {
        d.error(k("prefix"), "must start and end with / (e.g. /ai/)");
    }
    let keyring = match raw.system_secret.as_deref() {
        None | Some("") => None,
        Some(s) => match Keyring::new(s.as_bytes()) {
            Ok(r) => Some(r),
            Err(e) => {
                d.error(k("system_secret"), e.to_string());
                None
            }
        },
    };
    let nonempty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let database_url = nonempty(raw.database_url);
    if let Some(u) = &database_url {
        if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) {
            d.error(k("database_url"), "must be a postgres:// URL");
        }
    }
    let redis_url = nonempty(raw.redis_url);
    if let Some(u) = &redis_url {
        if !(u.starts_with("redis://") || u.starts_with("rediss://")) {
            d.error(k("redis_url"), "must be a redis:// or rediss:// URL");
        }
    }
    let price = |v: f64, key: &str, d: &mut Diagnostics| {
        to_cents(v).unwrap_or_else(|| {
            d.error(
                k(key),
                "must be a non-negative amount with at most two decimals",
            );
            0
        })
    };
    let price_proxied = price(raw.pricing.proxied, "pricing.proxied", d);
    let price_blocked = price(raw.pricing.blocked, "pricing.blocked", d);
    if price_blocked > price_proxied {
        d.error(
            k("pricing.blocked"),
            "cannot be higher than pricing.proxied",
        );
    }
    if raw.max_concurrent_streams == 0 {
        d.error(k("max_concurrent_streams"), "must be at least 1");
    }
    if raw.max_body_size.0 == 0 {
        d.error(
            k("max_body_size"),
            "must be greater than zero (zero would refuse every request; there is no unlimited)",
        );
    }
    // Zero would switch the ban off (no failure is ever inside the window) or make it end
    // at once, or have every SAST worker poll PostgreSQL in a loop; `brute_force.
    // max_failures: 0` is the documented way to switch banning off.
    for (key, t) in [
        ("brute_force.window", raw.brute_force.window.0),
        ("brute_force.ban_for", raw.brute_force.ban_for.0),
        ("sast.poll_interval", raw.sast.poll_interval.0),
    ] {
        d.positive(k(key), t);
    }
    if raw.allowed_roles.is_empty() {
        d.error(
            k("allowed_roles"),
            "an empty list refuses every request; leave the key out for the default",
        );
    }
    for (i, role) in raw.allowed_roles.iter().enumerate() {
        if !policy::CHAT_ROLES.contains(&role.as_str()) {
            d.error(
                k(&format!("allowed_roles[{i}]")),
                format!("{role:?} is not one of {}", policy::CHAT_ROLES.join(", ")),
            );
        }
    }
    if raw.audit.batch_size == 0 || raw.audit.queue_capacity == 0 {
        d.error(
            k("audit"),
            "batch_size and queue_capacity must be at least 1",
        );
    }
    let default_policy = Arc::new(policy::from_raw(
        &raw.default_policy,
        &k("default_policy"),
        d,
    ));
    // Without the secret an encrypted prompt log would quietly keep only the hash.
    let needs_secret = |p: &Policy, key: String, d: &mut Diagnostics| {
        if p.prompt_logging == policy::PromptLogging::Encrypted && keyring.is_none() {
            d.error(
                format!("{key}.prompt_logging_mode"),
                "encrypted needs ai.system_secret (the key the prompts are sealed with)",
            );
        }
    };
    needs_secret(&default_policy, k("default_policy"), d);

    let mut providers = Vec::new();
    let mut names = HashSet::new();
    for (i, p) in raw.providers.iter().enumerate() {
        let pk = k(&format!("providers[{i}]"));
        if !names.insert(p.name.clone()) {
            d.error(
                format!("{pk}.name"),
                format!("provider {:?} is defined twice", p.name),
            );
        }
        if let Some(spec) = provider(p, &pk, d) {
            providers.push(Arc::new(spec));
        }
    }

    let mut tenants = Vec::new();
    let mut seen_hashes = HashSet::new();
    // Credits and rate limits are kept by tenant name: two tenants of one name would share
    // them, the second's balance replacing the first's.
    let mut seen_names = HashSet::new();
    let custom_names: HashSet<&str> = raw
        .custom_entities
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    for (i, t) in raw.tenants.iter().enumerate() {
        let tk = k(&format!("tenants[{i}]"));
        if !seen_names.insert(t.name.as_str()) {
            d.error(
                format!("{tk}.name"),
                format!("tenant {:?} is defined twice", t.name),
            );
        }
        let credits = to_cents(t.credits).unwrap_or_else(|| {
            d.error(
                format!("{tk}.credits"),
                "must be a non-negative amount with at most two decimals",
            );
            0
        });
        let policy = match &t.policy {
            Some(p) => {
                let p = policy::from_raw(p, &format!("{tk}.policy"), d);
                needs_secret(&p, format!("{tk}.policy"), d);
                Arc::new(p)
            }
            None => default_policy.clone(),
        };
        for (j, c) in t.custom_entities.iter().enumerate() {
            if c != "*" && !custom_names.contains(c.as_str()) {
                d.error(
                    format!("{tk}.custom_entities[{j}]"),
                    format!("no custom entity named {c:?} under ai.custom_entities"),
                );
            }
        }
        let mut keys = Vec::new();
        for (j, key) in t.keys.iter().enumerate() {
            let kk = format!("{tk}.keys[{j}]");
            let (hash, prefix) = match (&key.key, &key.key_sha256) {
                (Some(plain), None) if plain.len() >= 16 => {
                    (crypto::sha256_hex(plain.as_bytes()), display_prefix(plain))
                }
                (Some(_), None) => {
                    d.error(
                        format!("{kk}.key"),
                        "is shorter than 16 characters; use a generated key",
                    );
                    continue;
                }
                (None, Some(h)) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => (
                    h.to_ascii_lowercase(),
                    key.name
                        .clone()
                        .unwrap_or_else(|| format!("sha256:{}", &h[..8])),
                ),
                (None, Some(_)) => {
                    d.error(
                        format!("{kk}.key_sha256"),
                        "must be 64 hex characters (SHA-256)",
                    );
                    continue;
                }
                _ => {
                    d.error(kk.clone(), "give exactly one of key or key_sha256");
                    continue;
                }
            };
            if !seen_hashes.insert(hash.clone()) {
                d.error(kk.clone(), "the same key is listed twice");
            }
            let expires_at = key.expires_at.as_deref().and_then(|s| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .map_err(|_| {
                        d.error(
                            format!("{kk}.expires_at"),
                            "must be an RFC 3339 time such as 2027-01-01T00:00:00Z",
                        )
                    })
                    .ok()
            });
            let mut provider_keys = BTreeMap::new();
            for (pname, pkey) in &key.provider_keys {
                if !raw.providers.iter().any(|p| &p.name == pname) {
                    d.error(
                        format!("{kk}.provider_keys.{pname}"),
                        format!("no provider named {pname:?}"),
                    );
                }
                match &keyring {
                    Some(r) => {
                        provider_keys.insert(
                            pname.clone(),
                            r.seal(crypto::Purpose::ProviderKey, pkey.as_bytes()),
                        );
                    }
                    None => d.error(
                        format!("{kk}.provider_keys"),
                        "BYOK keys need ai.system_secret to be encrypted at rest",
                    ),
                }
            }
            keys.push(EmbeddedKey {
                hash,
                display_prefix: prefix,
                enabled: key.enabled,
                expires_at,
                rate_limit_rpm: key.rate_limit_rpm,
                model_access: key.model_access.clone(),
                provider_keys,
            });
        }
        tenants.push(EmbeddedTenant {
            name: t.name.clone(),
            credits,
            enabled: t.enabled,
            policy,
            keys,
            custom_entities: t.custom_entities.clone(),
        });
    }
    if database_url.is_some() && !tenants.is_empty() {
        d.error(k("tenants"), "tenants live in Postgres when ai.database_url is set; manage them with `securetag-edge tenant`");
    }
    if database_url.is_some() && keyring.is_none() {
        d.error(
            k("system_secret"),
            "is required with a database (BYOK keys and encrypted prompt logs)",
        );
    }

    let custom_entities: Vec<CustomEntity> = raw
        .custom_entities
        .iter()
        .map(|c| CustomEntity {
            name: c.name.clone(),
            regexes: c.regexes.clone(),
            keywords: c.keywords.clone(),
            score: c.score,
        })
        .collect();
    // Compiled here too, not only when the server builds its scanner, so `check` refuses
    // what `run` would fail on, and names the entity.
    for (i, c) in custom_entities.iter().enumerate() {
        if let Err(e) = CustomEntity::check(c) {
            d.error(k(&format!("custom_entities[{i}]")), e.to_string());
        }
    }
    let gitleaks_rules = raw.gitleaks_rules.as_ref().and_then(|p| {
        let path = crate::config::resolve_path(base, p);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| {
                d.error(
                    k("gitleaks_rules"),
                    format!("cannot read {}: {e}", path.display()),
                )
            })
            .ok()?;
        // A rule the regex crate cannot compile is skipped and logged at start, as the
        // issue asks; a file that is not gitleaks TOML at all stops the start.
        if let Err(e) = crate::scan::ScannerBuilder::check_gitleaks_toml(&text) {
            d.error(k("gitleaks_rules"), format!("{}: {e}", path.display()));
        }
        Some(text)
    });

    let sast = raw.sast.enabled.then(|| {
        let mut rule_texts = Vec::new();
        for (i, f) in raw.sast.rules.iter().enumerate() {
            let path = crate::config::resolve_path(base, f);
            match std::fs::read_to_string(&path) {
                Ok(t) => rule_texts.push((path.display().to_string(), t)),
                Err(e) => d.error(
                    k(&format!("sast.rules[{i}]")),
                    format!("cannot read {}: {e}", path.display()),
                ),
            }
        }
        let refs: Vec<(&str, &str)> = rule_texts
            .iter()
            .map(|(o, t)| (o.as_str(), t.as_str()))
            .collect();
        if let Err(errors) = crate::sast::Engine::new(&refs) {
            for e in errors {
                d.error(k("sast.rules"), e.to_string());
            }
        }
        if let Some(deep) = &raw.sast.deep_analysis {
            if !providers.iter().any(|p| p.serves(&deep.model)) {
                d.error(
                    k("sast.deep_analysis.model"),
                    format!("no provider serves {:?}", deep.model),
                );
            }
        }
        d.positive(k("sast.job_timeout"), raw.sast.job_timeout.0);
        SastSettings {
            workers: if raw.sast.workers == 0 {
                std::thread::available_parallelism().map_or(1, |n| n.get())
            } else {
                raw.sast.workers
            },
            job_timeout: raw.sast.job_timeout.0,
            max_attempts: raw.sast.max_attempts.max(1),
            queue_capacity: raw.sast.queue_capacity.max(1),
            poll_interval: raw.sast.poll_interval.0,
            rule_texts,
            deep_model: raw.sast.deep_analysis.as_ref().map(|d| d.model.clone()),
            deep_timeout: raw
                .sast
                .deep_analysis
                .as_ref()
                .map_or(Duration::from_secs(20), |d| d.timeout.0),
            deep_max: raw
                .sast
                .deep_analysis
                .as_ref()
                .map_or(0, |d| d.max_findings),
        }
    });

    AiSettings {
        sast,
        prefix: raw.prefix,
        keyring,
        database_url: database_url.map(Secret::new),
        redis_url: redis_url.map(Secret::new),
        db_pool_size: raw.db_pool_size.max(1),
        cache_ttl: raw.cache_ttl.0,
        price_proxied,
        price_blocked,
        max_concurrent_streams: raw.max_concurrent_streams,
        stream_slot_wait: raw.stream_slot_wait.0,
        max_body_size: raw.max_body_size.0,
        max_content_chars: raw.max_content_chars,
        max_tokens_cap: raw.max_tokens_cap,
        allowed_roles: raw.allowed_roles.into_iter().collect(),
        brute_force_max: raw.brute_force.max_failures,
        brute_force_window: raw.brute_force.window.0,
        brute_force_ban: raw.brute_force.ban_for.0,
        audit: AuditSettings {
            file: crate::config::resolve_path(base, &raw.audit.file),
            spool_dir: crate::config::resolve_path(base, &raw.audit.spool_dir),
            queue_capacity: raw.audit.queue_capacity.max(1),
            batch_size: raw.audit.batch_size.max(1),
            flush_interval: raw.audit.flush_interval.0,
        },
        holdback_chars: raw.stream.holdback_chars,
        max_event_bytes: usize::try_from(raw.stream.max_event_bytes.0).unwrap_or(usize::MAX),
        default_policy,
        providers,
        tenants,
        custom_entities,
        gitleaks_rules,
    }
}

/// The part of a key shown in listings and logs: enough to recognise, useless to use.
pub fn display_prefix(key: &str) -> String {
    key.chars().take(10).collect::<String>() + "…"
}

fn provider(p: &RawProvider, pk: &str, d: &mut Diagnostics) -> Option<ProviderSpec> {
    let kind = match p.kind.as_str() {
        "openai" => ProviderKind::OpenAi,
        "echo" => ProviderKind::Echo,
        other => {
            d.error(
                format!("{pk}.kind"),
                format!("{other:?} is not a provider kind (openai, echo)"),
            );
            return None;
        }
    };
    if p.models.is_empty() {
        d.error(
            format!("{pk}.models"),
            "list the model names or globs this provider serves",
        );
    }
    let models = p
        .models
        .iter()
        .map(|m| wildmatch::WildMatch::new(m))
        .collect();
    let (tls, host, port, base_path) = match (&kind, &p.base_url) {
        (ProviderKind::Echo, _) => (false, String::new(), 0, String::new()),
        (ProviderKind::OpenAi, None) => {
            d.error(
                format!("{pk}.base_url"),
                "is required, e.g. https://api.openai.com/v1",
            );
            return None;
        }
        (ProviderKind::OpenAi, Some(url)) => match parse_base_url(url) {
            Ok(parts) => parts,
            Err(e) => {
                d.error(format!("{pk}.base_url"), e);
                return None;
            }
        },
    };
    // Zero fails every call at its first wait, as with upstreams.
    for (key, t) in [
        ("timeout", p.timeout.0),
        ("connect_timeout", p.connect_timeout.0),
    ] {
        d.positive(format!("{pk}.{key}"), t);
    }
    Some(ProviderSpec {
        name: p.name.clone(),
        kind,
        tls,
        host,
        port,
        base_path,
        api_key: p.api_key.clone().filter(|k| !k.is_empty()).map(Secret::new),
        models,
        model_names: p.models.clone(),
        timeout: p.timeout.0,
        connect_timeout: p.connect_timeout.0,
        verify_cert: p.verify_cert.unwrap_or(true),
    })
}

/// `https://host[:port]/path` → (tls, host, port, path without trailing slash).
fn parse_base_url(url: &str) -> Result<(bool, String, u16, String), String> {
    let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(format!("{url:?} must start with http:// or https://"));
    };
    // The path is the API's prefix, with `/chat/completions` after it: a query or a
    // fragment would end up before it (`?api-version=1/chat/completions`).
    if rest.contains(['?', '#']) {
        return Err(format!(
            "{url:?}: a query or fragment cannot be part of a base URL"
        ));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let default_port = if tls { 443 } else { 80 };
    // Messages quote the whole URL only: configuration errors hide values that came from
    // the environment, and a part of one (a password before `@`) would escape that.
    if authority.contains('@') {
        return Err(format!(
            "{url:?}: credentials in the URL are not used; put the key in api_key"
        ));
    }
    let (host, port) = if let Some(h) = authority.strip_prefix('[') {
        let (h, after) = h
            .split_once(']')
            .ok_or_else(|| format!("{url:?}: unclosed [ in the host"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| format!("{url:?}: bad port"))?,
            None => default_port,
        };
        (h.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| format!("{url:?}: bad port"))?,
            ),
            None => (authority.to_string(), default_port),
        }
    };
    if host.is_empty() {
        return Err(format!("{url:?} has no host"));
    }
    Ok((tls, host, port, path.trim_end_matches('/').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_parse() {
        assert_eq!(
            parse_base_url("https://api.openai.com/v1").unwrap(),
            (true, "api.openai.com".into(), 443, "/v1".into())
        );
        assert_eq!(
            parse_base_url("http://127.0.0.1:9000/").unwrap(),
            (false, "127.0.0.1".into(), 9000, String::new())
        );
        assert_eq!(
            parse_base_url("http://[::1]:81/x/v1/").unwrap(),
            (false, "::1".into(), 81, "/x/v1".into())
        );
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("http://h:port").is_err());
        let query = parse_base_url("https://x.openai.azure.com/openai?api-version=1").unwrap_err();
        assert!(query.contains("query or fragment"), "{query}");
        assert!(parse_base_url("http://h#v1").is_err());
    }

    #[test]
    fn cents_are_exact() {
        assert_eq!(to_cents(0.1), Some(10));
        assert_eq!(to_cents(0.01), Some(1));
        assert_eq!(to_cents(50.0), Some(5000));
        assert_eq!(to_cents(-1.0), None);
        assert_eq!(to_cents(f64::NAN), None);
        assert_eq!(to_cents(19.99), Some(1999));
        assert_eq!(to_cents(0.0), Some(0));
        // A third decimal is refused, not rounded away (to a free request, or from -0.004).
        assert_eq!(to_cents(0.004), None);
        assert_eq!(to_cents(-0.004), None);
        assert_eq!(to_cents(0.105), None);
    }
}

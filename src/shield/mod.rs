//! The AI Shield: everything under the `/ai/` prefix.
//!
//! The life of `POST /ai/v1/chat/completions`, in the order [`Shield::serve`] runs it:
//!
//! 1. **auth**: the key from `Authorization: Bearer` or `x-api-key`, looked up by SHA-256
//!    (cached, unknown keys too); revoked, expired, disabled, or banned by IP, key or tenant
//!    ends here. Failed attempts count toward an IP ban.
//! 2. **rate limits**: per key and per tenant, in one atomic Redis script (local fallback).
//! 3. **body and policy**: the JSON is read (size-capped) and checked: model allowed for the
//!    tenant and the key, `max_tokens`, roles, message sizes. Errors name the field.
//! 4. **credits**: one atomic upfront charge; short balance is 402.
//! 5. **inspection**: every text the provider would read is scanned; injection blocks,
//!    secrets and PII block or are rewritten as the tenant's policy says.
//! 6. **provider**: chosen by model, called with the tenant's own key (BYOK) or the
//!    operator's; the answer is guarded (redacted, pseudonyms restored), streams included.
//! 7. **audit**: one record, prompt as a hash or ciphertext, PII as counts per entity;
//!    refunds down to the blocked price when the request was blocked or the provider failed.
//!
//! The shield knows nothing of Pingora sessions: the edge hands it a [`Downstream`].

pub mod answer;
pub mod auth;
pub mod document;
pub mod echo;
pub mod explain;
pub mod guard;
pub mod inspect;
mod pipeline;
pub mod policy;
pub mod provider;
mod sast_api;
pub mod settings;
pub mod stream;
mod strict_json;
mod unsettled;
pub mod wire;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts};
use tokio::sync::Semaphore;

use crate::audit::{self, AuditSink, Auditor};
use crate::scan::{RedactionMode, RedactionPolicy, Scanner};
use crate::store::jobs::{JobStore, MemoryJobs, PgJobs};
use crate::store::memory::MemoryStore;
use crate::store::postgres::PgStore;
use crate::store::ratelimit::RateLimiter;
use crate::store::Store;
use settings::AiSettings;

/// The client side of an `/ai/` exchange, implemented by the edge over its session.
#[async_trait]
pub trait Downstream: Send {
    /// The whole request body; `Err(TooLarge)` past `limit` bytes.
    async fn read_body(&mut self, limit: u64) -> Result<Bytes, BodyError>;
    /// A complete response with an exact `Content-Length`.
    async fn respond(
        &mut self,
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Bytes,
    ) -> Result<(), Gone>;
    /// Starts a streamed (chunked) response.
    async fn start_stream(
        &mut self,
        status: u16,
        headers: Vec<(&'static str, String)>,
    ) -> Result<(), Gone>;
    async fn send(&mut self, chunk: Bytes, end: bool) -> Result<(), Gone>;

    /// [`Self::respond`], for callers that only record the outcome: the status sent, or
    /// [`CLIENT_CLOSED`](crate::error::CLIENT_CLOSED) when the client is gone.
    async fn answer(
        &mut self,
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Bytes,
    ) -> u16 {
        match self.respond(status, headers, body).await {
            Ok(()) => status,
            Err(Gone) => crate::error::CLIENT_CLOSED,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BodyError {
    #[error("the request body is larger than {0} bytes")]
    TooLarge(u64),
    #[error("the request body could not be read: {0}")]
    Io(String),
    /// No body data came for this long; the connection is not kept.
    #[error("no request body data for {0:?}")]
    TimedOut(std::time::Duration),
}

impl BodyError {
    /// The `/ai/` endpoints' answer to a body that could not be read (for `Io` the client
    /// is most likely gone and the answer goes nowhere).
    pub(crate) fn ai_error(&self) -> crate::error::HttpError {
        use crate::error::HttpError;
        match self {
            BodyError::TooLarge(n) => HttpError::new(
                413,
                "invalid_request_error",
                "request_too_large",
                format!("the request body exceeds {n} bytes"),
            ),
            BodyError::TimedOut(t) => HttpError::new(
                408,
                "invalid_request_error",
                "request_timeout",
                format!("no request body data for {}s", t.as_secs()),
            ),
            BodyError::Io(e) => {
                HttpError::bad_request(format!("the request body could not be read: {e}"))
            }
        }
    }
}

/// The client went away; nothing more can be sent.
#[derive(Debug, thiserror::Error)]
#[error("client disconnected")]
pub struct Gone;

/// What the edge knows about the request before the shield takes it.
pub struct Request<'a> {
    pub method: &'a str,
    /// Path without the query string.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a http::HeaderMap,
    pub client_ip: IpAddr,
    pub request_id: &'a str,
}

struct ShieldMetrics {
    requests: IntCounterVec,
    findings: IntCounterVec,
    overhead: HistogramVec,
    refunds: IntCounterVec,
}

impl ShieldMetrics {
    fn new() -> Self {
        let m = ShieldMetrics {
            requests: IntCounterVec::new(
                Opts::new(
                    "ai_requests_total",
                    "AI gateway requests, by outcome and status",
                ),
                &["outcome", "status"],
            )
            .expect("valid metric"),
            findings: IntCounterVec::new(
                Opts::new(
                    "ai_findings_total",
                    "Values found by the scanners, by direction and entity",
                ),
                &["direction", "entity"],
            )
            .expect("valid metric"),
            overhead: HistogramVec::new(
                HistogramOpts::new(
                    "ai_shield_seconds",
                    "Time the shield itself spends on a request (not the provider)",
                )
                .buckets(vec![
                    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05,
                ]),
                &["stream"],
            )
            .expect("valid metric"),
            refunds: IntCounterVec::new(
                Opts::new(
                    "ai_refunds_total",
                    "Refunds of blocked or failed requests, paid at once or deferred",
                ),
                &["result"],
            )
            .expect("valid metric"),
        };
        let r = crate::metrics::get();
        r.register(Box::new(m.requests.clone()));
        r.register(Box::new(m.findings.clone()));
        r.register(Box::new(m.overhead.clone()));
        r.register(Box::new(m.refunds.clone()));
        m
    }
}

/// The shield and everything it holds for the life of the process (or one reload).
pub struct Shield {
    pub settings: Arc<AiSettings>,
    store: Arc<dyn Store>,
    limiter: Arc<RateLimiter>,
    auditor: Auditor,
    scanner: Arc<Scanner>,
    providers: Arc<provider::Providers>,
    sast: Option<Arc<crate::sast::pool::SastPool>>,
    keys: auth::KeyCache,
    bans: Arc<auth::BanList>,
    key_guesses: auth::KeyGuesses,
    streams: Arc<Semaphore>,
    redactions: inspect::Redactions,
    metrics: ShieldMetrics,
    alerts: Option<Arc<crate::alerts::Alerts>>,
    unsettled: unsettled::Unsettled,
    health: HealthProbe,
}

/// How long a store check answers `/ai/health`: the endpoint needs no key, and a flood of it
/// must not take the connections that key lookups, refunds and audit batches need.
const HEALTH_FRESH: Duration = Duration::from_secs(1);

/// The store's last health check, shared: one check at a time, at most one per
/// [`HEALTH_FRESH`].
#[derive(Default)]
struct HealthProbe(tokio::sync::Mutex<Option<(std::time::Instant, bool)>>);

impl HealthProbe {
    /// The last answer while fresh, else `check`'s; callers during a check wait for it.
    async fn get<F: std::future::Future<Output = bool>>(&self, check: impl FnOnce() -> F) -> bool {
        let mut last = self.0.lock().await;
        match *last {
            Some((at, up)) if at.elapsed() < HEALTH_FRESH => up,
            _ => {
                let up = check().await;
                *last = Some((std::time::Instant::now(), up));
                up
            }
        }
    }
}

/// Background work the shield needs: the audit writer, ban refresh, Redis connection.
pub struct Background {
    pub writer: audit::Writer,
    pub bans: Arc<auth::BanList>,
    pub store: Arc<dyn Store>,
    pub sast: Option<(Arc<crate::sast::pool::SastPool>, crate::sast::pool::Intake)>,
}

impl Background {
    /// Runs until the process ends.
    pub async fn run(self) {
        tokio::spawn(
            self.bans
                .clone()
                .refresh_loop(self.store.clone(), Duration::from_secs(5)),
        );
        if let Some((pool, intake)) = self.sast {
            tokio::spawn(pool.run(intake));
        }
        self.writer.run().await;
    }
}

impl Shield {
    /// Builds the shield from its settings: store, limiter, scanner, audit queue; `redis`
    /// shares the count of failed keys with the other instances.
    pub fn build(
        settings: Arc<AiSettings>,
        scanner: Arc<Scanner>,
        limiter: Arc<RateLimiter>,
        redis: Option<crate::store::redis::Redis>,
        alerts: Option<Arc<crate::alerts::Alerts>>,
    ) -> anyhow::Result<(Arc<Shield>, Background)> {
        let (store, sink, jobs): (Arc<dyn Store>, Arc<dyn AuditSink>, Arc<dyn JobStore>) =
            match &settings.database_url {
                Some(url) => {
                    let pg = Arc::new(PgStore::connect_lazy(url.expose(), settings.db_pool_size)?);
                    let keyring = settings.keyring.clone().ok_or_else(|| {
                        anyhow::anyhow!("ai.system_secret is required with a database")
                    })?;
                    let jobs = Arc::new(PgJobs {
                        store: (*pg).clone(),
                        keyring,
                    });
                    (pg.clone(), pg, jobs)
                }
                None => (
                    Arc::new(MemoryStore::from_settings(&settings)),
                    Arc::new(audit::JsonlSink::new(settings.audit.file.clone())),
                    Arc::new(MemoryJobs::default()),
                ),
            };
        let providers = Arc::new(provider::Providers::new(settings.providers.clone()));
        let sast = match &settings.sast {
            None => None,
            Some(s) => {
                let refs: Vec<(&str, &str)> = s
                    .rule_texts
                    .iter()
                    .map(|(o, t)| (o.as_str(), t.as_str()))
                    .collect();
                let engine = crate::sast::Engine::new(&refs).map_err(|errs| {
                    anyhow::anyhow!(
                        "SAST rules: {}",
                        errs.iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                })?;
                let explainer: Option<Arc<dyn crate::sast::pool::Explainer>> =
                    s.deep_model.as_ref().map(|m| {
                        Arc::new(explain::ModelExplainer {
                            providers: providers.clone(),
                            scanner: scanner.clone(),
                            model: m.clone(),
                            timeout: s.deep_timeout,
                        }) as Arc<dyn crate::sast::pool::Explainer>
                    });
                Some(crate::sast::pool::SastPool::new(
                    jobs,
                    engine,
                    scanner.clone(),
                    explainer,
                    crate::sast::pool::PoolSettings {
                        workers: s.workers,
                        job_timeout: s.job_timeout,
                        max_attempts: s.max_attempts,
                        queue_capacity: s.queue_capacity,
                        poll: s.poll_interval,
                        explain_max: s.deep_max,
                    },
                ))
            }
        };
        let (auditor, writer) = audit::channel(sink, &settings.audit).map_err(|e| {
            anyhow::anyhow!("audit spool {}: {e}", settings.audit.spool_dir.display())
        })?;
        let hash_key = settings
            .keyring
            .as_ref()
            .map(|k| k.derive(crate::crypto::Purpose::RedactionHash).to_vec())
            .unwrap_or_default();
        let placeholder = RedactionPolicy::new(RedactionMode::Placeholder).with_hash_key(&hash_key);
        let mut pseudonymize = placeholder.clone();
        for e in crate::scan::PiiEntity::ALL {
            pseudonymize = pseudonymize.with_entity(e.name(), RedactionMode::Pseudonymize);
        }
        let bans = Arc::new(auth::BanList::default());
        let shield = Shield {
            store: store.clone(),
            limiter: limiter.clone(),
            auditor,
            scanner,
            providers,
            sast: sast.as_ref().map(|(p, _)| p.clone()),
            keys: auth::KeyCache::new(settings.cache_ttl, 100_000, settings.default_policy.clone()),
            bans: bans.clone(),
            key_guesses: auth::KeyGuesses::new(
                redis,
                settings.brute_force_max,
                settings.brute_force_window,
                settings.brute_force_ban,
            ),
            streams: Arc::new(Semaphore::new(settings.max_concurrent_streams)),
            unsettled: unsettled::Unsettled::default(),
            health: HealthProbe::default(),
            redactions: inspect::Redactions {
                placeholder,
                pseudonymize,
                user_id: RedactionPolicy::new(RedactionMode::Hash).with_hash_key(&hash_key),
            },
            metrics: ShieldMetrics::new(),
            alerts,
            settings,
        };
        Ok((
            Arc::new(shield),
            Background {
                writer,
                bans,
                store,
                sast,
            },
        ))
    }

    /// Whether `path` belongs to the shield, read as routes read it (`route_path`, any
    /// case): `/AI/v1/...` is the shield's to answer (its endpoints are exact, so with a
    /// 404), not a route's to pass to an app behind.
    pub fn owns(&self, path: &str) -> bool {
        let path = crate::config::route_path(path);
        let prefix = &self.settings.prefix;
        crate::config::strip_prefix_ignore_case(&path, prefix).is_some()
            || path.eq_ignore_ascii_case(prefix.trim_end_matches('/'))
    }

    /// The scanner every part of the process shares, with the operator's custom entities
    /// and gitleaks rules when an `ai:` section provides them.
    pub fn scanner(settings: Option<&AiSettings>) -> anyhow::Result<Arc<Scanner>> {
        let mut builder = Scanner::builder();
        if let Some(s) = settings {
            for c in &s.custom_entities {
                builder = builder.custom_entity(c.clone());
            }
            if let Some(rules) = &s.gitleaks_rules {
                builder = builder.gitleaks_toml(rules);
            }
        }
        let built = builder
            .build()
            .map_err(|e| anyhow::anyhow!("scanner: {e}"))?;
        for e in &built.rule_errors {
            tracing::error!(rule = %e, "gitleaks rule skipped");
        }
        Ok(Arc::new(built.scanner))
    }

    /// The audit queue, so shutdown can flush it.
    pub fn auditor(&self) -> &Auditor {
        &self.auditor
    }

    /// The SAST pool, when `ai.sast` is on: a shutdown stops it and hands its jobs back.
    pub fn sast_pool(&self) -> Option<&Arc<crate::sast::pool::SastPool>> {
        self.sast.as_ref()
    }

    /// Settles the requests a shutdown could not wait for (see [`unsettled`]): refunds down
    /// to the blocked price, all at once and within `deadline`, and queues their audit rows
    /// (a refund not paid in time goes with its row, which pays it; see
    /// [`AuditRecord::refund_owed`](crate::audit::AuditRecord::refund_owed)). Called from
    /// the drain thread, before the audit queue's last flush.
    ///
    /// Then waits up to `closing` for requests that were settling themselves (their refunds
    /// cut short when this began) or whose debit was in flight (they refund themselves in
    /// full): see [`unsettled`]. Their records must join the queue before its flush too.
    pub fn settle_interrupted(
        &self,
        rt: &tokio::runtime::Handle,
        deadline: Duration,
        closing: Duration,
    ) {
        let left = self.unsettled.take_all();
        if !left.is_empty() {
            self.settle(rt, left, deadline);
        }
        if !self
            .unsettled
            .wait_closed(std::time::Instant::now() + closing)
        {
            tracing::error!(
                "requests still settling or charging at shutdown; their audit rows, and the \
                 refunds of those charged, may be lost"
            );
        }
    }

    fn settle(
        &self,
        rt: &tokio::runtime::Handle,
        left: Vec<unsettled::Pending>,
        deadline: Duration,
    ) {
        tracing::warn!(
            requests = left.len(),
            "settling requests cut off by the shutdown"
        );
        let blocked = self.settings.price_blocked;
        let until = tokio::time::Instant::now() + deadline;
        // Each under the one deadline, so a refund that hangs does not take the answers of
        // those that went through with it. Timers are made inside the runtime. Each gives
        // the refund still owed, if any.
        let refunds = left.iter().map(|p| async move {
            let refund = p.charge.refund_to(blocked)?;
            let paid = matches!(
                tokio::time::timeout_at(until, self.store.refund(&refund)).await,
                Ok(Ok(()))
            );
            let result = if paid { "paid" } else { "deferred" };
            self.metrics.refunds.with_label_values(&[result]).inc();
            (!paid).then_some(refund)
        });
        let owed = rt.block_on(futures::future::join_all(refunds));
        for (p, owed) in left.into_iter().zip(owed) {
            let mut r = p.record;
            r.status = 503;
            r.outcome = "interrupted".into();
            r.action = "error".into();
            r.latency_ms = p.started.elapsed().as_secs_f32() * 1000.0;
            r.credits_charged_cents = p.charge.cents.min(blocked);
            r.error = Some(if owed.is_some() {
                "shutdown; refund_deferred".into()
            } else {
                "shutdown".into()
            });
            r.refund_owed = owed;
            self.auditor.record(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A flood of health checks, at once or one after another, costs the store one check.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn health_checks_the_store_once_for_many_callers() {
        let probe = Arc::new(HealthProbe::default());
        let checks = Arc::new(AtomicU32::new(0));
        let ask = |probe: Arc<HealthProbe>, checks: Arc<AtomicU32>| async move {
            probe
                .get(|| async {
                    checks.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    true
                })
                .await
        };
        let at_once: Vec<_> = (0..50)
            .map(|_| tokio::spawn(ask(probe.clone(), checks.clone())))
            .collect();
        for t in at_once {
            assert!(t.await.unwrap());
        }
        for _ in 0..50 {
            assert!(ask(probe.clone(), checks.clone()).await);
        }
        // One check, or two if this machine stalled past the second the answer is kept.
        assert!(checks.load(Ordering::SeqCst) <= 2, "{checks:?}");
        let before = checks.load(Ordering::SeqCst);
        *probe.0.lock().await = Some((std::time::Instant::now() - HEALTH_FRESH, true));
        ask(probe.clone(), checks.clone()).await;
        assert_eq!(
            checks.load(Ordering::SeqCst),
            before + 1,
            "a stale answer is checked again"
        );
    }
}

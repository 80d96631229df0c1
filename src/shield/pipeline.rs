//! [`Shield::serve`]: one `/ai/` request from the first header to the audit record.
//!
//! Each step returns `Result<_, Stop>`; a `Stop` carries the client-facing error, so the
//! happy path reads top to bottom and every refusal is answered in one place.

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Value};

use super::answer::{self, Guarded};
use super::guard::OutputGuard;
use super::inspect::{self, Verdict};
use super::policy::PromptLogging;
use super::provider::{ProviderError, Upstream};
use super::stream::{SseFilter, StreamError};
use super::{BodyError, Downstream, Request, Shield};
use crate::audit::{AuditRecord, Incident};
use crate::crypto::{self, Purpose, Secret};
use crate::error::HttpError;
use crate::scan::{PiiEntity, RedactionState, ScanOptions, Scanner};
use crate::store::ratelimit::Quota;
use crate::store::{BanKind, KeyRecord};

/// Why a request ends before (or instead of) a provider answer.
pub(super) enum Stop {
    Reject(Box<HttpError>),
    /// The client left; nothing can be sent.
    Gone,
}

impl Stop {
    /// The error to answer with; a client that is gone gets nothing anyway.
    pub(super) fn into_error(self) -> HttpError {
        match self {
            Stop::Reject(e) => *e,
            Stop::Gone => HttpError::internal(),
        }
    }
}

impl From<HttpError> for Stop {
    fn from(e: HttpError) -> Self {
        Stop::Reject(Box::new(e))
    }
}

/// Everything the audit record needs, filled in as the request advances.
struct Trail<'s> {
    record: AuditRecord,
    started: Instant,
    /// Time spent waiting on the provider, subtracted from the shield's own time.
    upstream: Duration,
    charged: Option<super::unsettled::Charge>,
    /// Refunded down to the blocked price when it ends: blocked, or failed upstream.
    refund: bool,
    /// With `refund`, refunded in full instead: refused, charged, for a shutdown.
    refund_all: bool,
    /// The charge's entry among the requests a shutdown would settle.
    ticket: Option<u64>,
    /// Instead of a ticket, for a request charged after the shutdown settled.
    late: Option<super::unsettled::Closing<'s>>,
}

fn auth_error(code: &'static str, message: &'static str) -> HttpError {
    HttpError::new(401, "authentication_error", code, message)
}

/// The answer to an address that is banned.
fn ip_banned() -> HttpError {
    forbidden("ip_banned", "this address is banned from the AI gateway")
}

fn forbidden(code: &'static str, message: impl Into<std::borrow::Cow<'static, str>>) -> HttpError {
    HttpError::new(403, "permission_error", code, message)
}

fn unavailable(code: &'static str, message: &'static str) -> HttpError {
    HttpError::new(503, "service_unavailable", code, message).with_retry_after(1)
}

fn shutting_down() -> HttpError {
    unavailable(
        "shutting_down",
        "the gateway is shutting down; retry the request",
    )
}

/// Longest model name accepted; names reach logs, metrics and the audit table.
const MAX_MODEL_LEN: usize = 256;

/// OpenAI's own bound on `n`.
const MAX_CHOICES: u64 = 128;

/// The name reaches logs and the audit table, so it is held to what model names are made
/// of (`ft:gpt-4o:org:x:id`, `meta-llama/Llama-3.1-8B`, `llama3.1:8b`) and must not look
/// like personal data or a secret.
fn check_model_name(scanner: &Scanner, model: &str) -> Result<(), Stop> {
    let byte_ok = |b: u8| {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':' | b'/' | b'@' | b'+')
    };
    if model.len() > MAX_MODEL_LEN || !model.bytes().all(byte_ok) {
        return Err(invalid(
            format!("model must be a name of at most {MAX_MODEL_LEN} bytes of letters, digits and . _ - : / @ +"),
            "model",
        )
        .into());
    }
    // Contact and card numbers and secrets: names (`Hermes`, `Euryale`) and version-like
    // numbers are what model names are made of.
    let opts = ScanOptions {
        pii: [
            PiiEntity::Email,
            PiiEntity::Phone,
            PiiEntity::CreditCard,
            PiiEntity::Ssn,
        ]
        .into_iter()
        .collect(),
        custom: false,
        injection: false,
        ..ScanOptions::default()
    };
    if !scanner.scan(model, &opts).findings.is_empty() {
        return Err(invalid(
            "model looks like it holds personal data or a secret, not a model name",
            "model",
        )
        .into());
    }
    Ok(())
}

/// One entry of `/v1/models`, as OpenAI writes it.
fn model_object(id: &str, owner: &str) -> Value {
    json!({"id": id, "object": "model", "created": 0, "owned_by": owner})
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>, param: &str) -> HttpError {
    HttpError::new(400, "invalid_request_error", "invalid_request", message).with_param(param)
}

impl Shield {
    /// Serves one request under the prefix; returns the status sent (499 if none could be).
    pub async fn serve(&self, req: &Request<'_>, down: &mut dyn Downstream) -> u16 {
        let rest = req
            .path
            .strip_prefix(self.settings.prefix.as_str())
            .unwrap_or("");
        let (status, outcome) = match (req.method, rest) {
            ("GET", "health") => self.health(down).await,
            ("GET", "v1/models") => self.models(req, down, None).await,
            ("GET", r) if r.starts_with("v1/models/") => {
                self.models(req, down, Some(&r["v1/models/".len()..])).await
            }
            ("POST", "v1/chat/completions") => return self.chat(req, down).await,
            (_, r) if r.starts_with("v1/sast/") => {
                let status = self.sast(req, down, &r["v1/sast/".len()..]).await;
                (status, "sast")
            }
            (_, "health" | "v1/models" | "v1/chat/completions") => {
                let e = HttpError::new(
                    405,
                    "invalid_request_error",
                    "method_not_allowed",
                    "method not allowed on this endpoint",
                );
                (self.reject(req, down, &e, Vec::new()).await, "rejected")
            }
            _ => {
                let e = HttpError::new(
                    404,
                    "invalid_request_error",
                    "unknown_endpoint",
                    "no such endpoint under the AI gateway",
                );
                (self.reject(req, down, &e, Vec::new()).await, "rejected")
            }
        };
        self.metrics
            .requests
            .with_label_values(&[outcome, &status.to_string()])
            .inc();
        status
    }

    pub(super) async fn reject(
        &self,
        req: &Request<'_>,
        down: &mut dyn Downstream,
        e: &HttpError,
        mut headers: Vec<(&'static str, String)>,
    ) -> u16 {
        headers.push(("content-type", "application/json".into()));
        if let Some(s) = e.retry_after {
            headers.push(("retry-after", s.to_string()));
        }
        headers.extend(e.headers.iter().cloned());
        down.answer(e.status, headers, e.body(req.request_id)).await
    }

    async fn health(&self, down: &mut dyn Downstream) -> (u16, &'static str) {
        let store = self
            .health
            .get(|| async { self.store.ping().await.is_ok() })
            .await;
        let body = json!({"status": if store { "ok" } else { "degraded" }, "store": store,
            "providers": self.providers.specs.iter().map(|p| p.name.clone()).collect::<Vec<_>>()});
        let status = if store { 200 } else { 503 };
        let sent = down
            .answer(
                status,
                vec![("content-type", "application/json".into())],
                Bytes::from(body.to_string()),
            )
            .await;
        (sent, "health")
    }

    /// `GET /v1/models`, or with `id` the SDK's `models.retrieve(id)`: any model this key
    /// may use and a provider serves, listed or reached through a glob.
    async fn models(
        &self,
        req: &Request<'_>,
        down: &mut dyn Downstream,
        id: Option<&str>,
    ) -> (u16, &'static str) {
        let key = match self.authenticate(req).await {
            Ok(k) => k,
            Err(Stop::Reject(e)) => {
                return (self.reject(req, down, &e, Vec::new()).await, "rejected")
            }
            Err(Stop::Gone) => return (crate::error::CLIENT_CLOSED, "client_disconnected"),
        };
        let body = match id {
            Some(id) => {
                let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
                // What chat would refuse is no model of this key's.
                let owner = self
                    .providers
                    .for_model(&id)
                    .filter(|_| key.policy.model_allowed(&id) && key.may_use(&id))
                    .filter(|_| check_model_name(&self.scanner, &id).is_ok());
                let Some(owner) = owner else {
                    let e = HttpError::new(
                        404,
                        "invalid_request_error",
                        "model_not_found",
                        "this API key has no such model",
                    )
                    .with_param("model");
                    return (self.reject(req, down, &e, Vec::new()).await, "rejected");
                };
                model_object(&id, &owner.name)
            }
            None => {
                // The providers' own names, then the names the tenant's policy and the key
                // list that a provider serves through a glob (`gpt-*` lists nothing alone).
                let named = key.policy.allowed_models.iter().chain(&key.model_access);
                let mut seen = std::collections::HashSet::new();
                let data: Vec<Value> = self
                    .providers
                    .listed_models()
                    .chain(named.filter(|m| !m.contains(['*', '?'])))
                    .filter(|m| key.policy.model_allowed(m) && key.may_use(m))
                    .filter_map(|m| Some((&self.providers.for_model(m)?.name, m)))
                    .filter(|(_, m)| seen.insert(m.as_str()))
                    .map(|(owner, m)| model_object(m, owner))
                    .collect();
                json!({"object": "list", "data": data})
            }
        };
        let sent = down
            .answer(
                200,
                vec![("content-type", "application/json".into())],
                Bytes::from(body.to_string()),
            )
            .await;
        (sent, "models")
    }

    /// The key's cached record, or else a turn to look it up. A key not in the cache goes to
    /// the store as a guess would: the lookup is counted against the address's failure limit
    /// while in flight, so guesses sent at once stop at the limit instead of all reaching the
    /// store before the first failure counts. At the limit it tries again for up to
    /// [`LOOKUP_PATIENCE`]: lookups take a millisecond, so valid keys sent at once (a
    /// client's parallel requests when their cache entry runs out, people behind one NAT)
    /// each get a turn, or find the record another request cached. The caller has checked
    /// the address's ban; it is checked again before each retry.
    async fn reserve_lookup(&self, ip: std::net::IpAddr, hash: &str) -> Result<Reserved, Stop> {
        let deadline = Instant::now() + LOOKUP_PATIENCE;
        loop {
            if let Some(record) = self.keys.cached(hash) {
                return Ok(Reserved::Cached(record));
            }
            if let Ok(lookup) = self.key_guesses.reserve(ip).await {
                // The failure that bans an address also clears its count, just before the ban
                // is in force here: a turn taken in between is given back.
                if self.bans.is_ip_banned(ip) {
                    self.key_guesses.release(lookup).await;
                    return Err(ip_banned().into());
                }
                return Ok(Reserved::Lookup(lookup));
            }
            if Instant::now() >= deadline {
                return Err(HttpError::new(
                    429,
                    "rate_limit_error",
                    "too_many_key_attempts",
                    "too many API key attempts from this address at once; retry in 1s",
                )
                .with_retry_after(1)
                .into());
            }
            // About twenty tries a second: each is a Redis call.
            tokio::time::sleep(Duration::from_millis(50)).await;
            if self.bans.is_ip_banned(ip) {
                return Err(ip_banned().into());
            }
        }
    }

    /// Step 1: who is calling, and may they.
    pub(super) async fn authenticate(
        &self,
        req: &Request<'_>,
    ) -> Result<std::sync::Arc<KeyRecord>, Stop> {
        // An operator may ban an address or a network; the brute-force guard bans its /64.
        if self.bans.is_ip_banned(req.client_ip) {
            return Err(ip_banned().into());
        }
        let header = |n: &str| req.headers.get(n).and_then(|v| v.to_str().ok());
        let Some(key) = super::auth::presented_key(header("authorization"), header("x-api-key"))
        else {
            return Err(auth_error(
                "missing_api_key",
                "no API key: send Authorization: Bearer <key> or x-api-key",
            )
            .into());
        };
        let hash = crypto::sha256_hex(key.as_bytes());
        let (record, lookup) = match self.reserve_lookup(req.client_ip, &hash).await? {
            Reserved::Cached(record) => (Ok(record), None),
            Reserved::Lookup(lookup) => (self.keys.load(self.store.as_ref(), &hash).await, lookup),
        };
        // A failed lookup keeps its reservation until its failure is counted.
        let lookup = if matches!(record, Ok(None)) {
            lookup
        } else {
            self.key_guesses.release(lookup).await;
            None
        };
        let record = record.map_err(|e| {
                tracing::error!(error = %e, "key lookup failed");
                Stop::from(match e {
                    // A stored setting of the wrong shape: retrying cannot help.
                    // The SDKs retry a 5xx unless told not to.
                    crate::store::StoreError::Invalid(_) => HttpError::new(
                        500,
                        "server_error",
                        "key_config_invalid",
                        "this key's gateway settings in the database are invalid; the operator's log names the column",
                    )
                    .with_header(NO_RETRY.0, NO_RETRY.1),
                    _ => unavailable(
                        "store_unavailable",
                        "the key store is unavailable; retry shortly",
                    ),
                })
            })?;
        let Some(record) = record else {
            if let Some(ban) = self.key_guesses.failure(req.client_ip).await {
                tracing::warn!(client = %ban.value, reason = %ban.reason, "banning address after failed key attempts");
                self.bans.insert(&ban);
                let store = self.store.clone();
                tokio::spawn(async move {
                    if let Err(e) = store.add_ban(&ban).await {
                        tracing::error!(error = %e, "could not persist an IP ban");
                    }
                });
            }
            self.key_guesses.release(lookup).await;
            return Err(auth_error("invalid_api_key", "the API key is not valid").into());
        };
        let now = chrono::Utc::now();
        if record.revoked || record.revoked_at.is_some_and(|t| t <= now) {
            return Err(auth_error("api_key_revoked", "this API key was revoked").into());
        }
        if record.expires_at.is_some_and(|t| t <= now) {
            return Err(auth_error("api_key_expired", "this API key has expired").into());
        }
        if !record.key_enabled {
            return Err(forbidden(
                "api_key_disabled",
                "this API key is disabled for the AI gateway",
            )
            .into());
        }
        if !record.tenant_enabled || !record.policy.is_enabled {
            return Err(forbidden(
                "gateway_disabled",
                "the AI gateway is not enabled for this tenant",
            )
            .into());
        }
        if self.bans.is_banned(BanKind::ApiKey, &record.key_id)
            || self.bans.is_banned(BanKind::Tenant, &record.tenant_id)
        {
            return Err(
                forbidden("banned", "this key or tenant is banned from the AI gateway").into(),
            );
        }
        Ok(record)
    }

    async fn chat(&self, req: &Request<'_>, down: &mut dyn Downstream) -> u16 {
        let mut trail = Trail {
            record: AuditRecord::new(req.request_id.to_string(), Some(req.client_ip.to_string())),
            started: Instant::now(),
            upstream: Duration::ZERO,
            charged: None,
            refund: false,
            refund_all: false,
            ticket: None,
            late: None,
        };
        let mut rl_headers = Vec::new();
        let result = self
            .chat_steps(req, down, &mut trail, &mut rl_headers)
            .await;
        let status = match result {
            Ok(status) => status,
            Err(Stop::Reject(e)) => {
                if trail.record.outcome == "completed" {
                    trail.record.outcome = "rejected".into();
                }
                // Added to, not replacing, what the step noted (the provider's own status).
                trail.record.add_error(e.code);
                if trail.record.action == "allowed" {
                    trail.record.action = "error".into();
                }
                if trail.late.is_some() {
                    // Charged after the shutdown settled: settled before the answer, which
                    // a client that does not read could hold past the shutdown's wait.
                    self.finish(trail, e.status).await;
                    return self.reject(req, down, &e, rl_headers).await;
                }
                self.reject(req, down, &e, rl_headers).await
            }
            Err(Stop::Gone) => {
                trail.record.outcome = "client_disconnected".into();
                crate::error::CLIENT_CLOSED
            }
        };
        self.finish(trail, status).await;
        status
    }

    /// Settles credits, records metrics, queues the audit record.
    async fn finish(&self, mut trail: Trail<'_>, status: u16) {
        // Held until the record is queued: the shutdown waits for it before its last flush.
        let _closing = match trail.ticket {
            Some(t) => match self.unsettled.close(t) {
                Some(c) => Some(c),
                // A shutdown that could not wait settled it (`Shield::settle_interrupted`).
                None => return,
            },
            None => trail.late.take(),
        };
        let r = &mut trail.record;
        r.status = status;
        if let Some(charge) = &trail.charged {
            r.credits_charged_cents = charge.cents;
            let price = if trail.refund_all {
                0
            } else {
                self.settings.price_blocked
            };
            let refund = trail.refund.then(|| charge.refund_to(price)).flatten();
            if let Some(refund) = refund {
                r.credits_charged_cents = price;
                // Polled first, so a refund that cannot wait (the memory store's) is paid.
                // `None`: cut short by the shutdown.
                let paid = tokio::select! {
                    biased;
                    paid = self.store.refund(&refund) => Some(paid),
                    () = self.unsettled.cut_short() => None,
                };
                let deferred = match paid {
                    Some(Ok(())) => false,
                    Some(Err(e)) => {
                        tracing::error!(error = %e, tenant = %refund.tenant_id,
                            charge_id = %refund.charge_id, cents = refund.cents,
                            "refund failed; the audit writer pays it with the request's record");
                        true
                    }
                    None => {
                        tracing::warn!(tenant = %refund.tenant_id,
                            charge_id = %refund.charge_id, cents = refund.cents,
                            "refund cut short by the shutdown; the request's record pays it");
                        true
                    }
                };
                let result = if deferred { "deferred" } else { "paid" };
                self.metrics.refunds.with_label_values(&[result]).inc();
                if deferred {
                    r.add_error("refund_deferred");
                    r.refund_owed = Some(refund);
                }
            }
        }
        let total = trail.started.elapsed();
        r.latency_ms = total.as_secs_f32() * 1000.0;
        r.upstream_ms =
            (!trail.upstream.is_zero()).then_some(trail.upstream.as_secs_f32() * 1000.0);
        let own = total.saturating_sub(trail.upstream);
        r.shield_ms = own.as_secs_f32() * 1000.0;
        self.metrics
            .overhead
            .with_label_values(&[if r.stream { "true" } else { "false" }])
            .observe(own.as_secs_f64());
        self.metrics
            .requests
            .with_label_values(&[r.outcome.as_str(), &status.to_string()])
            .inc();
        for i in &r.incidents {
            self.metrics
                .findings
                .with_label_values(&[i.direction.as_str(), i.entity.as_str()])
                .inc_by(u64::from(i.count));
        }
        self.auditor.record(trail.record);
    }

    async fn chat_steps<'s>(
        &'s self,
        req: &Request<'_>,
        down: &mut dyn Downstream,
        trail: &mut Trail<'s>,
        rl_headers: &mut Vec<(&'static str, String)>,
    ) -> Result<u16, Stop> {
        // 1. Who is calling.
        let key = self.authenticate(req).await?;
        trail.record.tenant_id = Some(key.tenant_id.clone());
        trail.record.tenant = Some(key.tenant_name.clone());
        trail.record.api_key_id = Some(key.key_id.clone());
        let policy = key.policy.clone();

        // 2. Rate limits, per key and per tenant, consumed together or not at all.
        if let Err(e) = self.check_rate_limits(&key, rl_headers).await {
            trail.record.outcome = "rate_limited".into();
            return Err(e.into());
        }

        // 3. Body and policy.
        let raw = match down.read_body(self.settings.max_body_size).await {
            Ok(b) => b,
            Err(BodyError::Io(_)) => return Err(Stop::Gone),
            Err(e) => return Err(e.ai_error().into()),
        };
        let mut body: Value = super::strict_json::parse(&raw).map_err(|e| {
            HttpError::new(
                400,
                "invalid_request_error",
                "invalid_json",
                format!(
                    "the body is not valid JSON: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let (model, stream) = self.check_request(&body, &key)?;
        let json_answer = super::wire::asks_for_json(&body);
        trail.record.model = Some(model.clone());
        trail.record.stream = stream;
        let Some(provider) = self.providers.for_model(&model).cloned() else {
            return Err(HttpError::new(
                404,
                "invalid_request_error",
                "model_not_found",
                format!("no provider serves the model {model:?}"),
            )
            .with_param("model")
            .into());
        };
        trail.record.provider = Some(provider.name.clone());
        if let Some(alerts) = self.alerts.as_ref().filter(|a| a.settings.ai_prompts) {
            let origin = crate::alerts::Origin {
                request_id: req.request_id,
                tenant: Some(&key.tenant_name),
                route: "ai",
                client: crate::alerts::Client::Key(&key.key_id),
            };
            alerts.check(&origin, &super::wire::user_texts(&body));
        }
        trail.record.tokens_in = super::wire::estimate_tokens(raw.len());
        trail.record.prompt_hash = Some(crypto::sha256_hex(&raw));
        if policy.prompt_logging == PromptLogging::Encrypted {
            if let Some(k) = &self.settings.keyring {
                trail.record.prompt_encrypted = Some(k.seal(Purpose::Prompt, &raw));
                trail.record.prompt_hash = None;
            }
        }
        let _permit = if stream {
            match tokio::time::timeout(
                self.settings.stream_slot_wait,
                self.streams.clone().acquire_owned(),
            )
            .await
            {
                Ok(Ok(p)) => Some(p),
                _ => {
                    trail.record.outcome = "too_many_streams".into();
                    return Err(HttpError::new(
                        503,
                        "service_unavailable",
                        "too_many_streams",
                        "too many streaming requests in progress; retry shortly",
                    )
                    .with_retry_after(5)
                    .into());
                }
            }
        } else {
            None
        };

        // 4. Credits, charged upfront, and 5. inspection. The debit is sent before the scan
        // and awaited after it, so the database round trip runs alongside the scan; the scan
        // is synchronous, so nothing can return early while the debit is in flight. A
        // shutdown that has settled would not settle a request charged now: it is refused
        // uncharged, and one whose debit is in flight is waited for.
        let Some(charging) = self.unsettled.charging() else {
            trail.record.outcome = "interrupted".into();
            return Err(shutting_down().into());
        };
        let mut charge = self
            .store
            .charge(&key.tenant_id, self.settings.price_proxied);
        let sent = futures::poll!(&mut charge);
        let mut state = RedactionState::new();
        let insp = inspect::inspect_request(
            &self.scanner,
            &policy,
            &key.custom_entities,
            &mut body,
            &self.redactions,
            &mut state,
        );
        let charged = match sent {
            std::task::Poll::Ready(r) => r,
            std::task::Poll::Pending => charge.await,
        };
        match charged {
            Ok(Some(_)) => {
                // What the scan found goes in before the record is copied for a shutdown to
                // settle: that copy may be the only row the request gets.
                note_findings(&mut trail.record, &insp, policy.pii_action);
                let charge =
                    super::unsettled::Charge::new(&key.tenant_id, self.settings.price_proxied);
                let pending = super::unsettled::Pending {
                    record: trail.record.clone(),
                    started: trail.started,
                    charge: charge.clone(),
                };
                let opened = self.unsettled.open(pending, charging);
                trail.charged = Some(charge);
                match opened {
                    Ok(ticket) => trail.ticket = Some(ticket),
                    Err(late) => {
                        // Not served, and told to retry: refunded in full.
                        trail.late = Some(late);
                        trail.refund = true;
                        trail.refund_all = true;
                        trail.record.outcome = "interrupted".into();
                        return Err(shutting_down().into());
                    }
                }
            }
            Ok(None) => {
                trail.record.outcome = "insufficient_credits".into();
                return Err(HttpError::new(
                    402,
                    "insufficient_quota",
                    "insufficient_credits",
                    "the tenant's credit balance is too low for this request",
                )
                .into());
            }
            Err(e) => {
                tracing::error!(error = %e, "credit charge failed");
                return Err(unavailable(
                    "store_unavailable",
                    "the credit store is unavailable; retry shortly",
                )
                .into());
            }
        }
        match insp.verdict() {
            Verdict::Block {
                code,
                message,
                param,
            } => {
                trail.record.action = "blocked".into();
                trail.record.outcome = "blocked".into();
                trail.refund = true;
                let mut e = HttpError::new(422, "content_policy_violation", code, message.clone());
                if let Some(p) = param {
                    e = e.with_param(p.clone());
                }
                return Err(e.into());
            }
            Verdict::Rewrite => {
                trail.record.action = if state.vault().is_empty() {
                    "redacted"
                } else {
                    "pseudonymized"
                }
                .into();
            }
            Verdict::Allow => {}
        }
        let user_masked = inspect::mask_user_id(
            &self.scanner,
            &policy,
            &key.tenant_id,
            &mut body,
            &self.redactions,
        );
        let upstream_body =
            if user_masked || insp.recoded || matches!(insp.verdict(), Verdict::Rewrite) {
                Bytes::from(serde_json::to_vec(&body).map_err(|_| HttpError::internal())?)
            } else {
                raw.clone()
            };

        // 6. The provider.
        let api_key = match self.provider_key(
            &key,
            &provider.name,
            provider.api_key.as_ref().map(Secret::expose),
        ) {
            Ok(k) => k,
            Err(e) => {
                trail.refund = true;
                trail.record.outcome = "upstream_error".into();
                trail.record.action = "error".into();
                trail.record.error = Some(BYOK_KEY_INVALID.into());
                return Err(e);
            }
        };
        let t = Instant::now();
        let sent = self
            .providers
            .send(
                &provider,
                api_key.as_deref(),
                upstream_body,
                stream,
                req.request_id,
            )
            .await;
        trail.upstream += t.elapsed();
        let mut up = match sent {
            Ok(u) => u,
            Err(e) => return Err(self.provider_failed(trail, &e)),
        };
        let mut guard =
            OutputGuard::new(&self.scanner, &policy, &self.redactions.placeholder, state)
                .with_json_answer(json_answer);
        let relayed = if (200..300).contains(&up.status) && up.is_event_stream() {
            self.relay_stream(down, &mut up, &mut guard, trail, rl_headers)
                .await
        } else {
            self.relay_whole(down, &mut up, &mut guard, trail, rl_headers)
                .await
        };
        // Recorded whatever the relay's end: a blocked answer's findings are incidents too.
        trail.record.pii_out = guard.total_found();
        trail.record.incidents.extend(guard.incidents());
        let status = relayed?;
        self.providers.release(up).await;
        Ok(status)
    }

    /// Consumes one request from the key's and the tenant's limits, together or not at all,
    /// and adds the `x-ratelimit-*` headers; a 429 when either is spent.
    pub(super) async fn check_rate_limits(
        &self,
        key: &KeyRecord,
        rl_headers: &mut Vec<(&'static str, String)>,
    ) -> Result<(), HttpError> {
        let mut limits = Vec::with_capacity(2);
        if key.rate_limit_rpm > 0 {
            limits.push((
                format!("key:{}", key.key_id),
                Quota::per_minute(key.rate_limit_rpm),
            ));
        }
        if key.policy.max_requests_per_minute > 0 {
            limits.push((
                format!("tenant:{}", key.tenant_id),
                Quota::per_minute(key.policy.max_requests_per_minute),
            ));
        }
        if limits.is_empty() {
            // No limit applies: "limit 0, remaining 0" would make clients back off for nothing.
            return Ok(());
        }
        let d = self.limiter.check(&limits).await;
        rl_headers.push(("x-ratelimit-limit-requests", d.limit.to_string()));
        rl_headers.push(("x-ratelimit-remaining-requests", d.remaining.to_string()));
        rl_headers.push((
            "x-ratelimit-reset-requests",
            format!("{}ms", d.reset_after.as_millis()),
        ));
        if d.allowed {
            return Ok(());
        }
        let which = match d.denied_by.and_then(|i| limits.get(i)) {
            Some((k, _)) if k.starts_with("tenant:") => "tenant",
            _ => "API key",
        };
        let secs = d.retry_after.as_secs_f64().ceil() as u64;
        Err(HttpError::new(
            429,
            "rate_limit_error",
            "rate_limit_exceeded",
            format!("rate limit of the {which} reached; retry in {secs}s"),
        )
        .with_retry_after(secs))
    }

    /// Step 3's checks; returns the model and whether the client asked for a stream.
    ///
    /// The tenant's token limit bounds what a request asks for, times its `n` choices; with
    /// more than one choice a limit must be asked. A request of one choice that asks for no
    /// limit is not given one: the provider's default depends on the model (its context
    /// window, its output cap, reasoning spent inside the limit), and a limit the gateway
    /// inserted would turn prompts that fit into 400s.
    fn check_request(&self, body: &Value, key: &KeyRecord) -> Result<(String, bool), Stop> {
        let s = &self.settings;
        if !body.is_object() {
            return Err(invalid("the body must be a JSON object", "").into());
        }
        if let Some(path) = super::wire::case_variant_key(body) {
            return Err(invalid(
                format!("{path} is a field the gateway reads, written in another case; providers that read keys without case would take it unchecked"),
                &path,
            )
            .into());
        }
        let model = match body.get("model") {
            Some(Value::String(m)) if !m.is_empty() => m.clone(),
            _ => return Err(invalid("model is required and must be a string", "model").into()),
        };
        check_model_name(&self.scanner, &model)?;
        if !key.policy.model_allowed(&model) {
            return Err(forbidden(
                "model_not_allowed",
                format!("this tenant may not use the model {model:?}"),
            )
            .with_param("model")
            .into());
        }
        if !key.may_use(&model) {
            return Err(forbidden(
                "model_not_allowed",
                format!("this API key may not use the model {model:?}"),
            )
            .with_param("model")
            .into());
        }
        let stream = match body.get("stream") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(invalid("stream must be a boolean", "stream").into()),
        };
        if key.policy.output_scanning {
            // What the scan cannot read must not come back beside what it redacts.
            if body
                .get("logprobs")
                .is_some_and(|v| v.as_bool() != Some(false) && !v.is_null())
            {
                return Err(invalid(
                    "logprobs cannot be returned while answers are scanned: each token's text would show what the scan redacts",
                    "logprobs",
                )
                .into());
            }
            let audio = body.get("audio").is_some_and(|v| !v.is_null())
                || body
                    .get("modalities")
                    .and_then(Value::as_array)
                    .is_some_and(|m| m.iter().any(|x| x.as_str() == Some("audio")));
            if audio {
                return Err(invalid(
                    "audio answers cannot be scanned, and answers are scanned for this tenant; ask for text",
                    "modalities",
                )
                .into());
            }
        }
        let choices = match body.get("n") {
            None | Some(Value::Null) => 1,
            Some(v) => match v.as_u64().filter(|n| (1..=MAX_CHOICES).contains(n)) {
                Some(n) => n,
                None => {
                    return Err(
                        invalid(format!("n must be between 1 and {MAX_CHOICES}"), "n").into(),
                    )
                }
            },
        };
        let limit = u64::from(key.policy.max_tokens_per_request);
        let mut asked = false;
        for field in ["max_tokens", "max_completion_tokens"] {
            let Some(v) = body.get(field) else { continue };
            if v.is_null() {
                continue;
            }
            asked = true;
            let Some(n) = v.as_u64() else {
                return Err(invalid(format!("{field} must be a positive integer"), field).into());
            };
            if n == 0 || n > u64::from(s.max_tokens_cap) {
                return Err(invalid(
                    format!("{field} must be between 1 and {}", s.max_tokens_cap),
                    field,
                )
                .into());
            }
            if n > limit {
                return Err(invalid(
                    format!("{field} exceeds this tenant's limit of {limit}"),
                    field,
                )
                .into());
            }
            if n * choices > limit {
                return Err(invalid(
                    format!("{field} × n = {} exceeds this tenant's limit of {limit} tokens per request", n * choices),
                    "n",
                )
                .into());
            }
        }
        if choices > 1 && !asked {
            // Several answers at the provider's default length each: one request's charge
            // for many times the output, with nothing bounding it.
            return Err(invalid(
                format!("n > 1 needs max_tokens or max_completion_tokens; n × it must be at most {limit}"),
                "n",
            )
            .into());
        }

        let Some(messages) = body.get("messages").and_then(Value::as_array) else {
            return Err(invalid("messages is required and must be an array", "messages").into());
        };
        if messages.is_empty() {
            return Err(invalid("messages must not be empty", "messages").into());
        }
        for (i, m) in messages.iter().enumerate() {
            let Some(role) = m.get("role").and_then(Value::as_str) else {
                return Err(invalid(
                    format!("messages[{i}].role is required"),
                    &format!("messages[{i}].role"),
                )
                .into());
            };
            if !s.allowed_roles.contains(role) {
                return Err(invalid(
                    format!("messages[{i}].role {role:?} is not allowed"),
                    &format!("messages[{i}].role"),
                )
                .into());
            }
            let param = format!("messages[{i}].content");
            let chars = match m.get("content") {
                Some(Value::String(c)) => c.chars().count(),
                Some(Value::Array(parts)) => {
                    if let Some(j) = parts.iter().position(|p| !p.is_object()) {
                        return Err(invalid(
                            format!("{param}[{j}] must be a content part object"),
                            &format!("{param}[{j}]"),
                        )
                        .into());
                    }
                    // Exactly the fields the scan reads. A document that says it is text
                    // and is not would go to the provider unread: refused whatever the policy.
                    let mut sum = 0;
                    for (j, p) in parts.iter().enumerate() {
                        let Some(n) = super::wire::part_chars(p) else {
                            let at = format!("{param}[{j}].file.file_data");
                            return Err(HttpError::new(
                                400,
                                "invalid_request_error",
                                "unreadable_document",
                                format!(
                                    "{at} declares a text media type but is not base64 (or \
                                     percent-encoded) text in UTF-8 or the charset it names"
                                ),
                            )
                            .with_param(at)
                            .into());
                        };
                        sum += n;
                    }
                    sum
                }
                // An assistant turn that only calls tools (or refused) has no content; nor
                // need a legacy function result (the SDKs type it `Optional[str]`).
                None | Some(Value::Null) if matches!(role, "assistant" | "function") => 0,
                None | Some(Value::Null) => {
                    return Err(invalid(format!("{param} is required"), &param).into())
                }
                Some(_) => {
                    return Err(invalid(
                        format!("{param} must be a string or an array of content parts"),
                        &param,
                    )
                    .into())
                }
            };
            // Tool-call arguments and the name are scanned too, so they meet the same limit.
            // A field's name is only spelled out for the error.
            let too_long = |param: String, chars: usize| -> Stop {
                HttpError::new(
                    413,
                    "invalid_request_error",
                    "content_too_long",
                    format!(
                        "{param} has {chars} characters; the limit is {}",
                        s.max_content_chars
                    ),
                )
                .with_param(param)
                .into()
            };
            if chars > s.max_content_chars {
                return Err(too_long(param, chars));
            }
            let calls = m.get("tool_calls").and_then(Value::as_array);
            for (k, c) in calls.into_iter().flatten().enumerate() {
                for (kind, field) in [("function", "arguments"), ("custom", "input")] {
                    let n = c
                        .get(kind)
                        .and_then(|f| f.get(field))
                        .and_then(Value::as_str)
                        .map_or(0, |a| a.chars().count());
                    if n > s.max_content_chars {
                        let param = format!("messages[{i}].tool_calls[{k}].{kind}.{field}");
                        return Err(too_long(param, n));
                    }
                }
            }
            for (field, text) in [
                (
                    "function_call.arguments",
                    m.get("function_call").and_then(|f| f.get("arguments")),
                ),
                ("name", m.get("name")),
                ("reasoning_content", m.get("reasoning_content")),
                ("reasoning", m.get("reasoning")),
            ] {
                let n = text
                    .and_then(Value::as_str)
                    .map_or(0, |t| t.chars().count());
                if n > s.max_content_chars {
                    return Err(too_long(format!("messages[{i}].{field}"), n));
                }
            }
        }
        Ok((model, stream))
    }

    /// Hands an answer with fenced code to the SAST pool; never waits.
    fn code_to_sast(&self, trail: &Trail<'_>, text: &str) {
        let Some(pool) = &self.sast else { return };
        if !text.contains("```") && !text.contains("~~~") {
            return;
        }
        pool.enqueue(crate::store::jobs::NewJob {
            id: uuid::Uuid::new_v4(),
            tenant_id: trail.record.tenant_id.clone(),
            request_id: Some(trail.record.request_id.clone()),
            source: "answer",
            filename: None,
            content: text.to_string(),
        });
    }

    /// The key to present to `provider`: the tenant's own (BYOK) if it has one.
    ///
    /// A stored key that does not open (tampered, or sealed under another system secret) is
    /// an error, not a reason to fall back: the operator's key would carry, and pay for, a
    /// tenant's traffic that was meant to go on the tenant's own account.
    fn provider_key(
        &self,
        key: &KeyRecord,
        provider: &str,
        default: Option<&str>,
    ) -> Result<Option<String>, Stop> {
        let Some(sealed) = key.provider_keys.get(provider) else {
            return Ok(default.map(str::to_owned));
        };
        let opened = match &self.settings.keyring {
            Some(ring) => ring
                .open(Purpose::ProviderKey, sealed)
                .map_err(|e| e.to_string())
                .and_then(|k| String::from_utf8(k).map_err(|_| "not UTF-8".to_string())),
            None => Err("no system secret is configured to open it".to_string()),
        };
        opened.map(Some).map_err(|e| {
            tracing::error!(error = %e, key_id = %key.key_id, provider, "BYOK provider key cannot be opened; request refused");
            Stop::from(HttpError::new(
                502,
                "upstream_error",
                BYOK_KEY_INVALID,
                format!("this API key's own key for provider {provider} cannot be decrypted; ask the operator to set it again"),
            )
            .with_header(NO_RETRY.0, NO_RETRY.1))
        })
    }

    fn provider_failed(&self, trail: &mut Trail<'_>, e: &ProviderError) -> Stop {
        tracing::warn!(error = %e, request_id = %trail.record.request_id, "provider call failed");
        trail.refund = true;
        trail.record.outcome = "upstream_error".into();
        trail.record.action = "error".into();
        let provider = trail.record.provider.clone().unwrap_or_default();
        Stop::from(match e {
            ProviderError::Timeout => HttpError::new(
                504,
                "upstream_error",
                "provider_timeout",
                format!("the provider {provider} did not answer in time"),
            ),
            _ => HttpError::new(
                502,
                "upstream_error",
                "provider_unavailable",
                format!("the provider {provider} could not be reached"),
            ),
        })
    }

    /// A whole (non-streamed) answer: read, guard, send with an exact length.
    async fn relay_whole(
        &self,
        down: &mut dyn Downstream,
        up: &mut Upstream,
        guard: &mut OutputGuard<'_>,
        trail: &mut Trail<'_>,
        rl_headers: &[(&'static str, String)],
    ) -> Result<u16, Stop> {
        let t = Instant::now();
        let body = up.read_all(32 << 20).await;
        trail.upstream += t.elapsed();
        let body = body.map_err(|e| self.provider_failed(trail, &e))?;
        let status = up.status;
        // A redirect (an `http://` base URL sent on to `https://`) is the configuration's
        // fault: relayed, the client would get a 3xx with no `Location` to follow.
        if status >= 500 || status == 401 || status == 403 || (300..400).contains(&status) {
            // The provider's own failure or our credentials to it: not the client's doing.
            trail.refund = true;
            trail.record.outcome = "upstream_error".into();
            trail.record.error = Some(format!("provider status {status}"));
            let mut e = HttpError::new(
                502,
                "upstream_error",
                "provider_error",
                format!("the provider answered {status}; the request was refunded"),
            );
            if status < 500 {
                // Refused credentials, or a redirect, stay so: an SDK's retries would only
                // pay again.
                e = e.with_header(NO_RETRY.0, NO_RETRY.1);
            }
            return Err(Stop::from(e));
        }
        let mut headers: Vec<(&'static str, String)> = rl_headers.to_vec();
        headers.push((
            "content-type",
            up.content_type
                .clone()
                .unwrap_or_else(|| "application/json".into()),
        ));
        if let Some(r) = &up.retry_after {
            headers.push(("retry-after", r.clone()));
        }
        let out = if (200..300).contains(&status) {
            let (guarded, usage) = answer::guard(guard, &body);
            // Without `usage` (some vLLM and TGI set-ups), the prompt's estimate made at
            // inspection stays, and the answer's is estimated as a stream's is.
            let (tin, tout) = usage.unwrap_or_else(|| {
                (
                    trail.record.tokens_in,
                    super::wire::estimate_answer_tokens(&body),
                )
            });
            trail.record.tokens_in = tin;
            trail.record.tokens_out = tout;
            match guarded {
                Guarded::Unchanged => {
                    self.code_to_sast(trail, &super::wire::answer_text(&body));
                    body
                }
                Guarded::Rewritten(b) => {
                    self.code_to_sast(trail, &super::wire::answer_text(&b));
                    b
                }
                Guarded::Blocked(b) => {
                    // Blocked, like a blocked prompt: charged the blocked price.
                    trail.refund = true;
                    trail.record.action = "blocked".into();
                    trail.record.outcome = "answer_blocked".into();
                    return Err(Stop::from(HttpError::new(
                        422,
                        "content_policy_violation",
                        b.code,
                        format!(
                            "the answer contained {} and this tenant's policy blocks it",
                            b.entity
                        ),
                    )));
                }
            }
        } else {
            // The provider's 4xx (a rate limit, a parameter it refuses) reaches the client
            // as it is when it is an OpenAI-style error; the request failed upstream, so it
            // is charged the blocked price.
            trail.refund = true;
            trail.record.outcome = "provider_rejected".into();
            trail.record.error = Some(format!("provider status {status}"));
            // JSON of any shape goes on (TGI's and older vLLM's differ from OpenAI's, and
            // the SDKs show them); a CDN's HTML page or a plain-text 429 becomes JSON.
            if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
                let mut e = HttpError::new(
                    status,
                    "upstream_error",
                    "provider_error",
                    format!("the provider answered {status} with a body that is not JSON"),
                );
                if let Some(r) = &up.retry_after {
                    e = e.with_header("retry-after", r.clone());
                }
                return Err(Stop::from(e));
            }
            // Its message may quote the request back (a validation error's `input`): read
            // as an answer is, so placeholders are restored and what the answer side would
            // not pass does not pass here either.
            match answer::guard(guard, &body).0 {
                Guarded::Unchanged => body,
                Guarded::Rewritten(b) => b,
                Guarded::Blocked(b) => {
                    trail.record.add_error(b.code);
                    let mut e = HttpError::new(
                        status,
                        "upstream_error",
                        "provider_error",
                        format!(
                            "the provider answered {status}; its error message is withheld: \
                             it contained {} and this tenant's policy blocks it",
                            b.entity
                        ),
                    );
                    if let Some(r) = &up.retry_after {
                        e = e.with_header("retry-after", r.clone());
                    }
                    return Err(Stop::from(e));
                }
            }
        };
        down.respond(status, headers, out)
            .await
            .map_err(|_| Stop::Gone)?;
        Ok(status)
    }

    /// A streamed answer: events are guarded as they arrive and sent in order.
    async fn relay_stream(
        &self,
        down: &mut dyn Downstream,
        up: &mut Upstream,
        guard: &mut OutputGuard<'_>,
        trail: &mut Trail<'_>,
        rl_headers: &[(&'static str, String)],
    ) -> Result<u16, Stop> {
        let mut headers: Vec<(&'static str, String)> = rl_headers.to_vec();
        headers.push(("content-type", "text/event-stream".into()));
        headers.push(("cache-control", "no-cache".into()));
        headers.push(("x-accel-buffering", "no".into()));
        down.start_stream(up.status, headers)
            .await
            .map_err(|_| Stop::Gone)?;
        let mut filter = SseFilter::new(
            guard,
            self.settings.holdback_chars,
            self.settings.max_event_bytes,
        );
        loop {
            let t = Instant::now();
            let next = up.next().await;
            trail.upstream += t.elapsed();
            let chunk = match next {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let broken = ("provider_stream_broken", "the provider's stream broke off");
                    end_broken_stream(down, &mut filter, trail, e.to_string(), broken).await;
                    return Ok(up.status);
                }
            };
            let out = match filter.push(&chunk) {
                Ok(o) => o,
                Err(e) => {
                    let (code, msg) = match e {
                        StreamError::EventTooLarge(_) => (
                            "provider_event_too_large",
                            "the provider sent a stream event too large to inspect",
                        ),
                        StreamError::TooManyParts(_) => (
                            "provider_stream_malformed",
                            "the provider's stream named more choices or tool calls than it may",
                        ),
                    };
                    end_broken_stream(down, &mut filter, trail, e.to_string(), (code, msg)).await;
                    return Ok(up.status);
                }
            };
            if !out.is_empty() && down.send(out, false).await.is_err() {
                trail.record.outcome = "client_disconnected".into();
                return Ok(up.status);
            }
            if filter.blocked.is_some() {
                break;
            }
        }
        filter.read_trailing();
        if filter.blocked.is_none() && !filter.done_seen && !filter.finish_seen {
            // Closed cleanly but before any choice finished (a close-delimited upstream that
            // died): the SDKs would take the text so far for the whole answer.
            let broken = (
                "provider_stream_broken",
                "the provider's stream ended before the answer did",
            );
            let why = "stream closed before [DONE] or a finish_reason".to_owned();
            end_broken_stream(down, &mut filter, trail, why, broken).await;
            return Ok(up.status);
        }
        let tail = filter.finish();
        self.code_to_sast(trail, &filter.captured);
        if filter.malformed > 0 {
            trail.record.error = Some(format!("{} malformed SSE events dropped", filter.malformed));
        }
        if let Some(b) = &filter.blocked {
            trail.refund = true;
            trail.record.action = "blocked".into();
            trail.record.outcome = "answer_blocked".into();
            trail.record.error = Some(b.code.to_string());
        } else if !filter.done_seen && trail.record.outcome == "completed" {
            // A choice finished, but `[DONE]` never came (servers that omit it).
            trail.record.outcome = "stream_incomplete".into();
        }
        let (tin, tout) = filter.usage.unwrap_or((
            trail.record.tokens_in,
            super::wire::estimate_tokens(filter.text_chars),
        ));
        trail.record.tokens_in = tin;
        trail.record.tokens_out = tout;
        // The head went out with the provider's status: a client gone before the tail
        // still got it, as one gone mid-stream did (the loop above).
        if down.send(tail, true).await.is_err() {
            trail.record.outcome = "client_disconnected".into();
        }
        Ok(up.status)
    }
}

/// Puts what the prompt's scan found into the audit record: rule names, counts, and one
/// incident per entity with what was done about it.
fn note_findings(
    record: &mut crate::audit::AuditRecord,
    insp: &inspect::Inspection,
    pii_action: super::policy::PiiAction,
) {
    record.rules = insp.rule_names();
    record.pii_in = insp.pii.values().sum::<u32>() + insp.secrets.values().sum::<u32>();
    let blocked = matches!(insp.verdict(), Verdict::Block { .. });
    let pii_taken = match (blocked, pii_action) {
        (true, _) => "blocked",
        (false, super::policy::PiiAction::LogOnly) => "logged",
        (false, _) => "redacted",
    };
    let secret_taken = if blocked { "blocked" } else { "redacted" };
    for (map, taken) in [(&insp.pii, pii_taken), (&insp.secrets, secret_taken)] {
        for (entity, count) in map {
            record.incidents.push(Incident {
                direction: "in".into(),
                entity: entity.clone(),
                count: *count,
                action_taken: taken.into(),
            });
        }
    }
}

/// The error code of a request whose key's own provider key does not open.
const BYOK_KEY_INVALID: &str = "byok_key_invalid";

/// How long a key lookup waits for a turn while its address is at the failure limit.
const LOOKUP_PATIENCE: Duration = Duration::from_secs(1);

/// What [`Shield::reserve_lookup`] got: a turn to look the key up, or the record another
/// request cached meanwhile.
enum Reserved {
    Lookup(Option<super::auth::Lookup>),
    Cached(Option<std::sync::Arc<KeyRecord>>),
}

/// Tells the OpenAI SDKs not to retry an error that a retry cannot mend (they retry 5xx).
const NO_RETRY: (&str, &str) = ("x-should-retry", "false");

/// Ends a stream the provider broke off, or one it sent an event too large to inspect in:
/// the headers are out, so the text held back goes out and then an in-band error event.
/// The request is refunded down to the blocked price, like any failed provider call.
async fn end_broken_stream(
    down: &mut dyn Downstream,
    filter: &mut SseFilter<'_, '_>,
    trail: &mut Trail<'_>,
    error: String,
    (code, message): (&str, &str),
) {
    trail.refund = true;
    trail.record.outcome = "upstream_error".into();
    trail.record.error = Some(error);
    let mut tail = filter.finish().to_vec();
    let err = json!({"error": {"type": "upstream_error", "code": code, "message": message}});
    tail.extend_from_slice(format!("data: {err}\n\n").as_bytes());
    let _ = down.send(Bytes::from(tail), true).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_are_names() {
        let scanner = Scanner::builtin().unwrap();
        for ok in [
            "gpt-4o",
            "gpt-4o-2024-08-06",
            "o3-mini",
            "ft:gpt-4o-mini:my-org:custom:abc123",
            "meta-llama/Llama-3.1-8B-Instruct",
            "Qwen/Qwen2.5-Coder-32B-Instruct",
            "accounts/fireworks/models/llama-v3p1-70b-instruct",
            "llama3.1:8b",
            "claude-3-5-sonnet@20240620",
            "claude-3-5-sonnet-20241022",
            "mistral-large-2411",
            "gemini-1.5-pro-002",
            "securetag-v1",
            "NousResearch/Hermes-3-Llama-3.1-8B",
            "Sao10K/L3-8B-Euryale-v2.1",
            "gpt-4o-mini.ft-0123456789abcdef0123456789abcdef",
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "meta-llama/llama-3.1-8b-instruct:free",
            "Maria-7B",
        ] {
            assert!(check_model_name(&scanner, ok).is_ok(), "{ok}");
        }
        for bad in [
            "gpt-4o maria",
            "gpt-4o\n",
            "maria.gonzalez@acme.io",
            "gpt-4o:4111111111111111",
            "ghp_R8sT3uV4wX5yZ6aB7cD8eF9gH0iJ1kL2mN3o",
            &"a".repeat(MAX_MODEL_LEN + 1),
        ] {
            let Err(Stop::Reject(e)) = check_model_name(&scanner, bad) else {
                panic!("{bad} passed");
            };
            assert_eq!(
                (e.status, e.param.as_deref()),
                (400, Some("model")),
                "{bad}"
            );
        }
    }
}

//! Alerts: messages that need a person (safety, legal, "talk to a human"), sent to a
//! webhook without ever slowing the request that carried them.
//!
//! Matching ([`rules`]) is a few microseconds on the request path; everything else happens
//! on a background worker: the message goes on a bounded queue (overflow is counted, never
//! silent), is redacted by the `scan` module, and is POSTed with an HMAC-SHA256 signature
//! of the exact body, a timeout, and retries with exponential backoff.

pub mod rules;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use prometheus::{IntCounterVec, Opts};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::{mpsc, Semaphore};

use crate::config::source::Diagnostics;
use crate::config::units::Dur;
use crate::crypto::Secret;
use crate::scan::{redact, RedactionMode, RedactionPolicy, RedactionState, ScanOptions, Scanner};
use rules::{RawAlertRule, RuleSet};

#[derive(Debug, Deserialize)]
pub struct RawAlerts {
    pub webhook: RawWebhook,
    pub rules: Vec<RawAlertRule>,
    /// Apply the rules to `/ai/` prompts too.
    #[serde(default = "yes")]
    pub ai_prompts: bool,
    /// One alert per rule and client in this time (and always one per rule a request);
    /// zero leaves only the per-request limit.
    #[serde(default = "d_repeat")]
    pub repeat_after: Dur,
}

#[derive(Debug, Deserialize)]
pub struct RawWebhook {
    pub url: String,
    pub secret: String,
    #[serde(default = "d_timeout")]
    pub timeout: Dur,
    #[serde(default = "d_attempts")]
    pub max_attempts: u32,
    #[serde(default = "d_backoff")]
    pub backoff: Dur,
    #[serde(default = "d_queue")]
    pub queue_capacity: usize,
    #[serde(default = "d_concurrency")]
    pub concurrency: usize,
}

fn yes() -> bool {
    true
}
fn d_timeout() -> Dur {
    Dur(Duration::from_secs(5))
}
fn d_attempts() -> u32 {
    6
}
fn d_backoff() -> Dur {
    Dur(Duration::from_millis(500))
}
fn d_queue() -> usize {
    1000
}
fn d_concurrency() -> usize {
    8
}
fn d_repeat() -> Dur {
    Dur(Duration::from_secs(60))
}

/// Validated alert settings (rules compiled).
#[derive(Debug)]
pub struct AlertSettings {
    pub rules: RuleSet,
    /// A chat webhook URL is itself a credential.
    pub url: Secret,
    secret: Secret,
    pub timeout: Duration,
    pub max_attempts: u32,
    pub backoff: Duration,
    pub queue_capacity: usize,
    pub concurrency: usize,
    pub ai_prompts: bool,
    pub repeat_after: Duration,
}

pub(crate) fn validate(raw: RawAlerts, d: &mut Diagnostics) -> AlertSettings {
    if !(raw.webhook.url.starts_with("http://") || raw.webhook.url.starts_with("https://")) {
        d.error("alerts.webhook.url", "must be an http:// or https:// URL");
    }
    if raw.webhook.secret.len() < 16 {
        d.error(
            "alerts.webhook.secret",
            "must be at least 16 characters (it signs every webhook)",
        );
    }
    if raw.webhook.timeout.0.is_zero() {
        d.error(
            "alerts.webhook.timeout",
            "must be greater than zero (every delivery would time out)",
        );
    }
    AlertSettings {
        rules: RuleSet::build(&raw.rules, "alerts.rules", d),
        url: Secret::new(raw.webhook.url),
        secret: Secret::new(raw.webhook.secret),
        timeout: raw.webhook.timeout.0,
        max_attempts: raw.webhook.max_attempts.max(1),
        backoff: raw.webhook.backoff.0,
        queue_capacity: raw.webhook.queue_capacity.max(1),
        concurrency: raw.webhook.concurrency.max(1),
        ai_prompts: raw.ai_prompts,
        repeat_after: raw.repeat_after.0,
    }
}

/// The webhook body. Field names are a contract with receivers. No `Debug`: a queued
/// message is not redacted yet.
#[derive(Clone, Serialize)]
pub struct Alert {
    /// Unique per alert: a receiver tells a retried delivery from a new alert by it.
    pub id: String,
    pub request_id: String,
    pub tenant: Option<String>,
    pub route: String,
    pub rule: String,
    pub category: String,
    pub priority: String,
    pub time: String,
    /// The message with PII and secrets replaced by placeholders. While queued it is the
    /// start of the text as sent (see [`queued_text`]); the deliverer redacts it.
    pub message: String,
}

/// Where a matched message came from.
pub struct Origin<'a> {
    pub request_id: &'a str,
    pub tenant: Option<&'a str>,
    pub route: &'a str,
    /// Who sent it, for [`AlertSettings::repeat_after`]; never sent to the receiver.
    pub client: Client<'a>,
}

/// Who sent a message: written out only once a rule matched, not for every text checked.
#[derive(Clone, Copy)]
pub enum Client<'a> {
    /// An API key, by its id.
    Key(&'a str),
    /// A token's subject.
    Subject(&'a str),
    /// An address; IPv6 by its /64, as everywhere else.
    Address(std::net::IpAddr),
}

impl std::fmt::Display for Client<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Client::Key(id) => write!(f, "key:{id}"),
            Client::Subject(sub) => write!(f, "sub:{sub}"),
            Client::Address(ip) => write!(f, "ip:{}", crate::store::client_subject(*ip)),
        }
    }
}

struct Metrics {
    alerts: IntCounterVec,
    deliveries: IntCounterVec,
}

/// The request path's handle: match and enqueue. Redaction (a full scan) is left to the
/// deliverer, so a flood of matching messages costs the request path a rule match alone.
pub struct Alerts {
    pub settings: Arc<AlertSettings>,
    tx: mpsc::Sender<Alert>,
    metrics: Arc<Metrics>,
    pending: Arc<AtomicUsize>,
    /// When each (route, client, rule) last alerted; see [`Alerts::reserve`].
    recent: parking_lot::Mutex<Recent>,
}

/// The alerts sent lately, by (route, client, rule index).
struct Recent {
    sent: HashMap<String, Instant>,
    /// When expired entries were last dropped: a full table is swept once a second, not
    /// once per alert.
    swept: Instant,
}

/// What [`Alerts::reserve`] did, for [`Alerts::unreserve`] to undo.
enum Reservation {
    /// Nothing was written (no repeat limit, or a full table).
    Unrecorded,
    /// The key now holds this alert's time; `before`, what it held.
    Recorded { before: Option<Instant> },
}

/// Clients remembered for `repeat_after`. Past this, expired entries are dropped, and if
/// the table is still full a match alerts unremembered: a flood of new clients costs
/// queue room (bounded, counted), never a real alert.
const RECENT_MAX: usize = 10_000;

/// The delivery half, run on a background runtime.
pub struct Deliverer {
    rx: mpsc::Receiver<Alert>,
    settings: Arc<AlertSettings>,
    scanner: Arc<Scanner>,
    metrics: Arc<Metrics>,
    pending: Arc<AtomicUsize>,
}

/// Counts alerts queued or being delivered, so a shutdown can wait for them; an alert
/// leaves the count when its task ends, however it ends.
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Alerts {
    pub fn new(settings: Arc<AlertSettings>, scanner: Arc<Scanner>) -> (Arc<Alerts>, Deliverer) {
        let metrics = Arc::new(Metrics {
            alerts: IntCounterVec::new(
                Opts::new(
                    "alerts_total",
                    "Alert rule matches, by category and what became of them (queued, dropped)",
                ),
                &["category", "queued"],
            )
            .expect("valid metric"),
            deliveries: IntCounterVec::new(
                Opts::new(
                    "alert_webhook_deliveries_total",
                    "Webhook delivery attempts, by outcome",
                ),
                &["outcome"],
            )
            .expect("valid metric"),
        });
        crate::metrics::get().register(Box::new(metrics.alerts.clone()));
        crate::metrics::get().register(Box::new(metrics.deliveries.clone()));
        let (tx, rx) = mpsc::channel(settings.queue_capacity);
        let pending = Arc::new(AtomicUsize::new(0));
        (
            Arc::new(Alerts {
                settings: settings.clone(),
                tx,
                metrics: metrics.clone(),
                pending: pending.clone(),
                recent: parking_lot::Mutex::new(Recent {
                    sent: HashMap::new(),
                    swept: Instant::now(),
                }),
            }),
            Deliverer {
                rx,
                settings,
                scanner,
                metrics,
                pending,
            },
        )
    }

    /// Waits up to `budget` for every queued alert to be delivered or given up on (retries
    /// included); false if some were still pending. Blocks: for the shutdown's drain thread.
    pub fn flush_blocking(&self, budget: Duration) -> bool {
        let start = Instant::now();
        while self.pending() > 0 {
            if start.elapsed() >= budget {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// Alerts queued or being delivered.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    /// Checks `texts` against the rules and queues one alert per rule that matched, with
    /// the last text it matched (the newest message of a chat's history), unless the
    /// same client set it off within `repeat_after`. Never waits.
    ///
    /// One request with thousands of matching strings, a WebSocket sending one a
    /// millisecond, or a chat history that repeats its first message every turn would
    /// otherwise fill the shared queue, and a real alert behind them would be dropped.
    pub fn check(&self, origin: &Origin<'_>, texts: &[String]) {
        let mut done: Vec<usize> = Vec::new();
        for text in texts.iter().rev() {
            let matched = self.settings.rules.matches(text);
            let fresh: Vec<_> = matched
                .into_iter()
                .filter(|(i, _)| !done.contains(i))
                .collect();
            if fresh.is_empty() {
                continue;
            }
            let message = queued_text(text);
            for (index, rule) in fresh {
                done.push(index);
                let key = format!("{}\0{}\0{index}", origin.route, origin.client);
                let Some(reservation) = self.reserve(&key) else {
                    self.metrics
                        .alerts
                        .with_label_values(&[rule.category.as_str(), "repeated"])
                        .inc();
                    continue;
                };
                let alert = Alert {
                    id: uuid::Uuid::now_v7().to_string(),
                    request_id: origin.request_id.to_string(),
                    tenant: origin.tenant.map(str::to_owned),
                    route: origin.route.to_string(),
                    rule: rule.name.clone(),
                    category: rule.category.clone(),
                    priority: rule.priority.clone(),
                    time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    message: message.clone(),
                };
                // Counted before it is sent: the deliverer may finish it first.
                self.pending.fetch_add(1, Ordering::AcqRel);
                let queued = match self.tx.try_send(alert) {
                    Ok(()) => "queued",
                    Err(_) => {
                        // Only an alert that went out starts the wait: a dropped one
                        // must not silence the next.
                        self.unreserve(&key, reservation);
                        self.pending.fetch_sub(1, Ordering::AcqRel);
                        tracing::warn!(rule = %rule.name, "alert queue full; alert dropped");
                        "dropped"
                    }
                };
                self.metrics
                    .alerts
                    .with_label_values(&[rule.category.as_str(), queued])
                    .inc();
            }
        }
    }

    /// Takes the alert `key` names, when none went out for it within `repeat_after`: what
    /// it held before, for [`Self::unreserve`]; `None` when it is not due. One look and
    /// one write under the lock, so requests at once from one client alert once.
    fn reserve(&self, key: &str) -> Option<Reservation> {
        let window = self.settings.repeat_after;
        if window.is_zero() {
            return Some(Reservation::Unrecorded);
        }
        let now = Instant::now();
        let mut recent = self.recent.lock();
        let before = recent.sent.get(key).copied();
        if before.is_some_and(|t| now.duration_since(t) < window) {
            return None;
        }
        if before.is_none() && recent.sent.len() >= RECENT_MAX {
            // Full of clients still waiting: the alert goes, remembered or not; the table
            // is swept once a second, not once per alert.
            if now.duration_since(recent.swept) < Duration::from_secs(1) {
                return Some(Reservation::Unrecorded);
            }
            recent.swept = now;
            recent.sent.retain(|_, t| now.duration_since(*t) < window);
            if recent.sent.len() >= RECENT_MAX {
                return Some(Reservation::Unrecorded);
            }
        }
        recent.sent.insert(key.to_owned(), now);
        Some(Reservation::Recorded { before })
    }

    /// Gives back a reservation whose alert was not queued.
    fn unreserve(&self, key: &str, reservation: Reservation) {
        let Reservation::Recorded { before } = reservation else {
            return;
        };
        let mut recent = self.recent.lock();
        match before {
            Some(t) => {
                recent.sent.insert(key.to_owned(), t);
            }
            None => {
                recent.sent.remove(key);
            }
        }
    }
}

/// The message an alert carries: the first [`MAX_MESSAGE_BYTES`] of `text`, redacted, and
/// marked where it was cut. The whole queued text is scanned, so a value that crosses the
/// cut is found whole; the cut then moves to its start, so no part of it is shown. Every
/// finding counts, however unsure: a person reads this, and a word too many hidden costs
/// less than a value shown.
fn message(scanner: &Scanner, text: &str) -> String {
    let opts = ScanOptions {
        injection: false,
        min_score: 0.0,
        ..ScanOptions::default()
    };
    let findings = scanner.scan(text, &opts).findings;
    let mut cut = text.len().min(MAX_MESSAGE_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    // Findings are sorted and disjoint: at most one crosses the cut.
    if let Some(f) = findings.iter().find(|f| f.start < cut && f.end > cut) {
        cut = f.start;
    }
    let shown: Vec<_> = findings.into_iter().filter(|f| f.end <= cut).collect();
    let policy = RedactionPolicy::new(RedactionMode::Placeholder);
    let mut out = redact(&text[..cut], &shown, &policy, &mut RedactionState::new());
    // Placeholders can be longer than what they hide; cut again (within one is harmless).
    let mut room = out.len().min(MAX_MESSAGE_BYTES);
    while !out.is_char_boundary(room) {
        room -= 1;
    }
    if cut < text.len() || room < out.len() {
        out.truncate(room);
        out.push('…');
    }
    out
}

/// Bytes of a matched text kept for the deliverer: the message shown plus room for a value
/// that crosses its end (a PEM block) to be read whole, and so redacted whole.
const QUEUED_TEXT_BYTES: usize = MAX_MESSAGE_BYTES + 12 * 1024;

/// The start of `text` that is queued, cut on a char boundary.
fn queued_text(text: &str) -> String {
    let mut cut = text.len().min(QUEUED_TEXT_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_owned()
}

/// Longest message an alert carries. A prompt can hold a whole attached document; a
/// person reads the start, chat webhooks refuse long posts, and the queue stays small.
const MAX_MESSAGE_BYTES: usize = 4096;

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl Deliverer {
    /// Delivers until the queue closes; each alert on its own task, bounded in number.
    pub async fn run(mut self) {
        // A redirect is not followed: on 301/302/303 the POST would become a GET without
        // its body, and the receiver's 2xx to that would count as a delivery.
        let client = match reqwest::Client::builder()
            .timeout(self.settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "cannot build the webhook client; alerts will not be delivered");
                // Closed first, so no alert is queued after the count is taken back.
                self.rx.close();
                while self.rx.try_recv().is_ok() {
                    self.pending.fetch_sub(1, Ordering::AcqRel);
                }
                return;
            }
        };
        let slots = Arc::new(Semaphore::new(self.settings.concurrency));
        let pause = Arc::new(Pause::default());
        while let Some(mut alert) = self.rx.recv().await {
            let done = InFlight(self.pending.clone());
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let (client, settings, metrics, scanner, pause) = (
                client.clone(),
                self.settings.clone(),
                self.metrics.clone(),
                self.scanner.clone(),
                pause.clone(),
            );
            tokio::spawn(async move {
                let raw = std::mem::take(&mut alert.message);
                let clean = tokio::task::spawn_blocking(move || message(&scanner, &raw)).await;
                // A scan that panicked sends nothing rather than the unredacted text.
                let Ok(message) = clean else {
                    return;
                };
                alert.message = message;
                deliver(&client, &settings, &metrics, &pause, &alert).await;
                drop((permit, done));
            });
        }
    }
}

/// A receiver's `Retry-After`, kept by every delivery: one that refuses posts for a while
/// is not sent the other slots' posts meanwhile.
#[derive(Default)]
struct Pause(parking_lot::Mutex<Option<tokio::time::Instant>>);

/// The longest pause a `Retry-After` is taken for; the backoff's own cap.
const MAX_PAUSE: Duration = Duration::from_secs(60);

impl Pause {
    /// Until the pause ends, however often another delivery moved its end meanwhile.
    async fn wait(&self) {
        loop {
            let until = *self.0.lock();
            match until {
                Some(t) if t > tokio::time::Instant::now() => tokio::time::sleep_until(t).await,
                _ => return,
            }
        }
    }

    fn extend(&self, by: Duration) {
        let t = tokio::time::Instant::now() + by.min(MAX_PAUSE);
        let mut until = self.0.lock();
        if until.is_none_or(|u| u < t) {
            *until = Some(t);
        }
    }
}

/// A `Retry-After` value: seconds, or an HTTP date.
fn retry_after(r: &reqwest::Response) -> Option<Duration> {
    let v = r.headers().get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .ok()
}

async fn deliver(
    client: &reqwest::Client,
    s: &AlertSettings,
    m: &Metrics,
    pause: &Pause,
    alert: &Alert,
) {
    let Ok(body) = serde_json::to_vec(alert) else {
        return;
    };
    let sig = signature(s.secret.expose(), &body);
    let mut delay = s.backoff;
    for attempt in 1..=s.max_attempts {
        pause.wait().await;
        let sent = client
            .post(s.url.expose())
            .header("content-type", "application/json")
            .header("x-securetag-signature", &sig)
            .header("x-securetag-request-id", &alert.request_id)
            .body(body.clone())
            .send()
            .await;
        let retry = match sent {
            Ok(r) if r.status().is_success() => {
                m.deliveries.with_label_values(&["delivered"]).inc();
                return;
            }
            Ok(r) if r.status().is_server_error() || r.status().as_u16() == 429 => {
                if let Some(wait) = retry_after(&r) {
                    pause.extend(wait);
                }
                true
            }
            Ok(r) => {
                tracing::warn!(status = r.status().as_u16(), rule = %alert.rule, "webhook receiver rejected an alert");
                m.deliveries.with_label_values(&["rejected"]).inc();
                return;
            }
            Err(_) => true,
        };
        if retry && attempt < s.max_attempts {
            m.deliveries.with_label_values(&["retried"]).inc();
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(60));
        }
    }
    tracing::error!(rule = %alert.rule, request_id = %alert.request_id, attempts = s.max_attempts, "alert webhook failed after every retry");
    m.deliveries.with_label_values(&["failed"]).inc();
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_messages_are_cut_on_a_char_boundary_and_never_inside_a_value() {
        use super::{message, queued_text, MAX_MESSAGE_BYTES};
        let scanner = crate::scan::Scanner::builtin().unwrap();
        let short = "necesito hablar con una persona";
        assert_eq!(message(&scanner, short), short);
        // Two-byte chars after one byte: the limit falls inside a char.
        let long = format!("a{}", "ñ".repeat(MAX_MESSAGE_BYTES));
        let cut = message(&scanner, &queued_text(&long));
        assert!(cut.ends_with("ñ…"), "{} bytes", cut.len());
        assert_eq!(cut.len(), MAX_MESSAGE_BYTES - 1 + '…'.len_utf8());
        // A card that crosses the limit is left out whole, not shown in part.
        let card = "4111 1111 1111 1111";
        let text = format!(
            "{} card {card} ok",
            "x ".repeat((MAX_MESSAGE_BYTES - 12) / 2)
        );
        let cut = message(&scanner, &queued_text(&text));
        assert!(!cut.contains("4111"), "{}", &cut[cut.len() - 40..]);
        assert!(cut.ends_with("card …"), "{}", &cut[cut.len() - 40..]);
    }

    #[test]
    fn signatures_are_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

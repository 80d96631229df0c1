//! Guards for the applications behind the edge, configured per route: JWT verification
//! (WebSocket upgrades included), rate limits by client, login brute-force lockout, and
//! alert rules on the messages users send. The apps change nothing; the edge closes these
//! gaps once for all of them.

pub mod body;
pub mod jwt;
pub mod wsframe;

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::alerts::Alerts;
use crate::config::source::Diagnostics;
use crate::config::units::Dur;
use crate::store::lockout::{LockPolicy, Lockouts};
use crate::store::ratelimit::{Quota, RateLimiter};
use jwt::{JwtVerifier, RawJwt};

#[derive(Debug, Deserialize)]
pub struct RawRouteLimit {
    /// `ip` (the real client IP), `jwt_subject`, or `header:NAME`.
    #[serde(default = "d_by")]
    pub by: String,
    /// Sustained requests per `per`.
    pub rate: u32,
    #[serde(default = "d_per")]
    pub per: Dur,
    /// Requests allowed at once after an idle spell; defaults to `rate`.
    #[serde(default)]
    pub burst: Option<u32>,
}

fn d_by() -> String {
    "ip".into()
}
fn d_per() -> Dur {
    Dur(Duration::from_secs(60))
}

#[derive(Debug, Deserialize)]
pub struct RawLogin {
    /// Upstream statuses that mean "wrong credentials".
    #[serde(default = "d_statuses")]
    pub failure_statuses: Vec<u16>,
    /// Field of the JSON or form body naming the account (hashed, never stored).
    #[serde(default = "d_field")]
    pub account_field: String,
    #[serde(default = "d_max")]
    pub max_failures: u32,
    /// Failures from one address, whatever the accounts, before the address is locked:
    /// many people log in behind one office or carrier NAT. 0: addresses are not locked.
    #[serde(default = "d_ip_max")]
    pub ip_max_failures: u32,
    #[serde(default = "d_window")]
    pub window: Dur,
    /// First lockout; each further lockout within a day doubles it.
    #[serde(default = "d_lockout")]
    pub lockout: Dur,
    #[serde(default = "d_max_lockout")]
    pub max_lockout: Dur,
}

fn d_statuses() -> Vec<u16> {
    vec![401, 403]
}
fn d_field() -> String {
    "email".into()
}
fn d_max() -> u32 {
    5
}
fn d_ip_max() -> u32 {
    20
}
fn d_window() -> Dur {
    Dur(Duration::from_secs(900))
}
fn d_lockout() -> Dur {
    Dur(Duration::from_secs(60))
}
fn d_max_lockout() -> Dur {
    Dur(Duration::from_secs(3600))
}

#[derive(Debug, Deserialize, Default)]
pub struct RawRouteAlerts {
    /// JSON fields whose text is checked; empty means every string.
    #[serde(default)]
    pub json_fields: Vec<String>,
    /// Check text messages of WebSocket connections on this route.
    #[serde(default = "yes")]
    pub websocket: bool,
}

fn yes() -> bool {
    true
}

/// What a route rate limit is keyed by.
#[derive(Debug, Clone, PartialEq)]
pub enum LimitKey {
    Ip,
    JwtSubject,
    Header(http::HeaderName),
}

#[derive(Debug, Clone)]
pub struct RouteLimit {
    pub by: LimitKey,
    pub quota: Quota,
}

#[derive(Debug, Clone)]
pub struct LoginGuard {
    pub failure_statuses: Vec<u16>,
    pub account_field: String,
    /// For the account.
    pub policy: LockPolicy,
    /// For the address; `None` when addresses are not locked.
    pub ip_policy: Option<LockPolicy>,
}

#[derive(Debug, Clone)]
pub struct RouteAlerts {
    pub json_fields: Vec<String>,
    pub websocket: bool,
}

/// A route's guards, validated.
#[derive(Debug, Default)]
pub struct RouteGuards {
    pub jwt: Option<Arc<JwtVerifier>>,
    pub rate_limit: Option<RouteLimit>,
    pub login: Option<LoginGuard>,
    pub alerts: Option<RouteAlerts>,
}

pub(crate) fn validate(
    jwt: Option<&RawJwt>,
    limit: Option<&RawRouteLimit>,
    login: Option<&RawLogin>,
    alerts: Option<&RawRouteAlerts>,
    key: &str,
    base: &std::path::Path,
    d: &mut Diagnostics,
) -> RouteGuards {
    let jwt = jwt
        .and_then(|j| JwtVerifier::build(j, &format!("{key}.jwt"), base, d))
        .map(Arc::new);
    let rate_limit = limit.and_then(|l| {
        let by = match l.by.as_str() {
            "ip" => LimitKey::Ip,
            "jwt_subject" => {
                if jwt.is_none() {
                    d.error(
                        format!("{key}.rate_limit.by"),
                        "jwt_subject needs jwt on the same route",
                    );
                }
                LimitKey::JwtSubject
            }
            other => match other
                .strip_prefix("header:")
                .map(|h| http::HeaderName::from_bytes(h.trim().to_ascii_lowercase().as_bytes()))
            {
                Some(Ok(h)) => LimitKey::Header(h),
                _ => {
                    d.error(
                        format!("{key}.rate_limit.by"),
                        format!("{other:?} is not ip, jwt_subject or header:NAME"),
                    );
                    return None;
                }
            },
        };
        if l.rate == 0 || l.per.0.is_zero() {
            d.error(
                format!("{key}.rate_limit"),
                "rate and per must be greater than zero",
            );
            return None;
        }
        Some(RouteLimit {
            by,
            quota: Quota {
                rate: l.rate,
                period: l.per.0,
                burst: l.burst.unwrap_or(l.rate).max(1),
            },
        })
    });
    let login = login.map(|l| {
        if l.max_failures == 0 {
            d.error(format!("{key}.login.max_failures"), "must be at least 1");
        }
        // Zero would switch the lockout off without a word (Redis expires the key at once).
        for (name, v) in [("window", l.window.0), ("lockout", l.lockout.0)] {
            d.positive(format!("{key}.login.{name}"), v);
        }
        let policy = LockPolicy {
            max_failures: l.max_failures.max(1),
            window: l.window.0,
            cooldown: l.lockout.0,
            max_cooldown: l.max_lockout.0.max(l.lockout.0),
        };
        LoginGuard {
            failure_statuses: l.failure_statuses.clone(),
            account_field: l.account_field.clone(),
            ip_policy: (l.ip_max_failures > 0).then(|| LockPolicy {
                max_failures: l.ip_max_failures,
                ..policy.clone()
            }),
            policy,
        }
    });
    let alerts = alerts.map(|a| RouteAlerts {
        json_fields: a.json_fields.clone(),
        websocket: a.websocket,
    });
    RouteGuards {
        jwt,
        rate_limit,
        login,
        alerts,
    }
}

/// Shared runtime objects the guards use, built once per process.
pub struct Guards {
    pub limiter: Arc<RateLimiter>,
    pub lockouts: Lockouts,
    pub alerts: Option<Arc<Alerts>>,
    /// Key for hashing submitted account names (HMAC); plain SHA-256 without one.
    pub account_key: Option<Vec<u8>>,
    pub metrics: GuardMetrics,
}

pub struct GuardMetrics {
    pub jwt_rejections: prometheus::IntCounterVec,
    pub rate_limited: prometheus::IntCounterVec,
    pub lockouts: prometheus::IntCounterVec,
}

impl GuardMetrics {
    pub fn new() -> Self {
        let m = GuardMetrics {
            jwt_rejections: prometheus::IntCounterVec::new(
                prometheus::Opts::new(
                    "jwt_rejections_total",
                    "Requests refused at the edge for their token, by route and reason",
                ),
                &["route", "reason"],
            )
            .expect("valid metric"),
            rate_limited: prometheus::IntCounterVec::new(
                prometheus::Opts::new(
                    "route_rate_limited_total",
                    "Requests refused by a route rate limit",
                ),
                &["route"],
            )
            .expect("valid metric"),
            lockouts: prometheus::IntCounterVec::new(
                prometheus::Opts::new(
                    "login_lockouts_total",
                    "Login lockouts, by route and event (locked, refused)",
                ),
                &["route", "event"],
            )
            .expect("valid metric"),
        };
        let r = crate::metrics::get();
        r.register(Box::new(m.jwt_rejections.clone()));
        r.register(Box::new(m.rate_limited.clone()));
        r.register(Box::new(m.lockouts.clone()));
        m
    }
}

impl Default for GuardMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Guards {
    /// The stored form of a submitted account name: a digest, never the name. Trimmed of
    /// what JavaScript's `trim()` also takes off (U+FEFF too), so no padding an app trims
    /// makes a fresh lockout subject of one account.
    pub fn account_digest(&self, route: &str, account: &str) -> String {
        let account = account
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .to_lowercase();
        subject_digest(
            self.account_key.as_deref(),
            "login",
            route,
            account.as_bytes(),
        )
    }

    /// The stored form of a caller picked out by a header or a token subject: the value may
    /// be a credential or an e-mail address, and Redis keys are read by whoever reads Redis.
    pub fn caller_digest(&self, route: &str, caller: &[u8]) -> String {
        subject_digest(self.account_key.as_deref(), "caller", route, caller)
    }
}

/// Keyed with the guard's secret when one is set, so a digest cannot be tested against
/// guesses by whoever reads it.
fn subject_digest(key: Option<&[u8]>, domain: &str, route: &str, value: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    match key {
        Some(k) => {
            let mut mac =
                <Hmac<Sha256> as Mac>::new_from_slice(k).expect("HMAC takes keys of any length");
            // Login digests keep the layout of earlier releases (no domain), so an upgrade
            // keeps accounts' lockouts and escalation levels in Redis.
            if domain != "login" {
                mac.update(domain.as_bytes());
                mac.update(b"\0");
            }
            mac.update(route.as_bytes());
            mac.update(b"\0");
            mac.update(value);
            hex::encode(mac.finalize().into_bytes())
        }
        None => {
            let mut h = Sha256::new();
            h.update(b"securetag-");
            for part in [domain.as_bytes(), b"\0", route.as_bytes(), b"\0", value] {
                h.update(part);
            }
            hex::encode(h.finalize())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_padded_as_javascript_trims_is_one_subject() {
        let g = Guards {
            limiter: Arc::new(RateLimiter::new(None).unwrap()),
            lockouts: Lockouts::new(None),
            alerts: None,
            account_key: None,
            metrics: GuardMetrics::new(),
        };
        let one = g.account_digest("login", "ana@x.mx");
        for padded in [
            "\u{feff}ana@x.mx",
            " Ana@X.mx\u{a0}\t",
            "\u{feff}\u{feff} ana@x.mx\u{3000}",
        ] {
            assert_eq!(g.account_digest("login", padded), one, "{padded:?}");
        }
        assert_ne!(g.account_digest("login", "ana@x.mx2"), one);
    }

    #[test]
    fn login_digests_keep_the_form_of_earlier_releases() {
        use hmac::{Hmac, Mac};
        use sha2::{Digest, Sha256};
        let plain = hex::encode(Sha256::digest("securetag-login\0login\0ana@x.mx"));
        assert_eq!(subject_digest(None, "login", "login", b"ana@x.mx"), plain);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"k").unwrap();
        mac.update(b"login\0ana@x.mx");
        let keyed = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            subject_digest(Some(b"k"), "login", "login", b"ana@x.mx"),
            keyed
        );
        assert_ne!(
            subject_digest(Some(b"k"), "caller", "login", b"ana@x.mx"),
            keyed
        );
    }
}

//! The YAML file as written: serde types that mirror it key for key.
//!
//! Nothing here is trusted or resolved; [`super::validate`] turns it into the `Config` the
//! request path uses. Defaults live here so that `check` and `run` agree on them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::units::{Dur, Size};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct RawConfig {
    pub server: RawServer,
    pub admin: RawAdmin,
    pub logging: RawLogging,
    pub listeners: Vec<RawListener>,
    pub trusted_proxies: Vec<String>,
    pub client_ip_headers: Option<Vec<String>>,
    pub limits: RawLimits,
    pub security_headers: RawSecurityHeaders,
    pub upstreams: BTreeMap<String, RawUpstream>,
    pub routes: Vec<RawRoute>,
    /// The AI gateway under its prefix (`/ai/` by default); absent means no gateway.
    pub ai: Option<crate::shield::settings::RawAi>,
    /// Redis shared by instances for rate limits and login lockouts (`ai.redis_url` too).
    pub redis_url: Option<String>,
    /// Alert rules and the webhook that receives matches.
    pub alerts: Option<crate::alerts::RawAlerts>,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawServer {
    /// Worker threads for the proxy service; 0 means one per CPU core.
    pub threads: usize,
    pub work_stealing: bool,
    /// After SIGTERM: how long in-flight requests get to finish before the process exits.
    pub shutdown_timeout: Dur,
    pub pid_file: String,
    pub upgrade_sock: String,
    /// Upstream connections kept idle for reuse, over all upstreams.
    pub keepalive_pool_size: usize,
}

impl Default for RawServer {
    fn default() -> Self {
        RawServer {
            threads: 0,
            work_stealing: true,
            shutdown_timeout: Dur(std::time::Duration::from_secs(10)),
            pid_file: "/tmp/securetag-edge.pid".into(),
            upgrade_sock: "/tmp/securetag-edge-upgrade.sock".into(),
            keepalive_pool_size: 256,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawAdmin {
    /// `host:port` of the admin listener (`/healthz`, `/metrics`); empty disables it.
    pub address: String,
}

impl Default for RawAdmin {
    fn default() -> Self {
        RawAdmin {
            address: "127.0.0.1:9901".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawLogging {
    /// `error`, `warn`, `info`, `debug`, `trace`, or a tracing filter directive.
    pub level: String,
    /// Access log destination: `stdout`, `off`, or a file path.
    pub access_log: String,
}

impl Default for RawLogging {
    fn default() -> Self {
        RawLogging {
            level: "info".into(),
            access_log: "stdout".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RawListener {
    pub address: String,
    #[serde(default)]
    pub tls: Option<RawTls>,
    /// Answer every request on this plain listener with 308 to `https://host[:port]`.
    #[serde(default)]
    pub redirect_https: Option<RawRedirect>,
}

/// `true`, `false`, or `{port: N}`; a map with other keys is refused, not read as a port.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "true, false, or {port: N} with no other key")]
pub enum RawRedirect {
    Enabled(bool),
    Port(RawRedirectPort),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRedirectPort {
    pub port: u16,
}

#[derive(Debug, Deserialize)]
pub struct RawTls {
    pub certificates: Vec<RawCertificate>,
    #[serde(default = "yes")]
    pub http2: bool,
    /// `"1.2"` or `"1.3"`.
    #[serde(default = "tls12")]
    pub min_version: String,
}

#[derive(Debug, Deserialize)]
pub struct RawCertificate {
    pub cert: String,
    pub key: String,
    /// Names served with this certificate; empty means the names in the certificate.
    #[serde(default)]
    pub server_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawLimits {
    pub max_body_size: Size,
    pub max_header_size: Size,
    pub header_read_timeout: Dur,
    pub body_read_timeout: Dur,
    pub keepalive_timeout: Dur,
    /// Idle time allowed on an upgraded (WebSocket) connection in either direction.
    pub websocket_idle_timeout: Dur,
}

impl Default for RawLimits {
    fn default() -> Self {
        RawLimits {
            max_body_size: Size(10 << 20),
            max_header_size: Size(32 << 10),
            header_read_timeout: Dur(std::time::Duration::from_secs(10)),
            body_read_timeout: Dur(std::time::Duration::from_secs(60)),
            keepalive_timeout: Dur(std::time::Duration::from_secs(60)),
            websocket_idle_timeout: Dur(std::time::Duration::from_secs(3600)),
        }
    }
}

/// Security headers; every field is optional so a route can override one of them only.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct RawSecurityHeaders {
    pub enabled: Option<bool>,
    pub content_security_policy: Option<String>,
    pub x_frame_options: Option<String>,
    pub x_content_type_options: Option<String>,
    pub referrer_policy: Option<String>,
    pub strict_transport_security: Option<String>,
    pub permissions_policy: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawUpstream {
    pub addresses: Vec<String>,
    #[serde(default)]
    pub tls: bool,
    #[serde(default)]
    pub sni: Option<String>,
    #[serde(default)]
    pub verify_cert: Option<bool>,
    #[serde(default = "d_connect")]
    pub connect_timeout: Dur,
    #[serde(default = "d_io")]
    pub read_timeout: Dur,
    #[serde(default = "d_io")]
    pub write_timeout: Dur,
    #[serde(default = "d_idle")]
    pub idle_timeout: Dur,
    /// Extra attempts on another address when connecting fails (nothing was sent yet).
    #[serde(default = "one")]
    pub retries: usize,
    #[serde(default)]
    pub health_check: Option<RawHealthCheck>,
    #[serde(default)]
    pub passive_health: RawPassiveHealth,
}

impl RawUpstream {
    /// An upstream with every default, as the implicit `core-api` uses.
    pub fn new(addresses: Vec<String>) -> Self {
        RawUpstream {
            addresses,
            tls: false,
            sni: None,
            verify_cert: None,
            connect_timeout: d_connect(),
            read_timeout: d_io(),
            write_timeout: d_io(),
            idle_timeout: d_idle(),
            retries: one(),
            health_check: None,
            passive_health: RawPassiveHealth::default(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RawHealthCheck {
    /// HTTP path to probe; without it the check only opens a TCP connection.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default = "d_interval")]
    pub interval: Dur,
    #[serde(default = "d_connect")]
    pub timeout: Dur,
    /// Consecutive results needed to flip a backend's state.
    #[serde(default = "two")]
    pub healthy_threshold: u32,
    #[serde(default = "two")]
    pub unhealthy_threshold: u32,
    #[serde(default)]
    pub expected_status: Option<Vec<u16>>,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RawPassiveHealth {
    /// Consecutive connect failures that take a backend out; 0 disables passive checks.
    pub max_failures: u32,
    pub cooldown: Dur,
}

impl Default for RawPassiveHealth {
    fn default() -> Self {
        RawPassiveHealth {
            max_failures: 3,
            cooldown: Dur(std::time::Duration::from_secs(10)),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RawRoute {
    #[serde(default)]
    pub name: Option<String>,
    pub prefix: String,
    pub upstream: String,
    #[serde(default)]
    pub max_body_size: Option<Size>,
    #[serde(default)]
    pub security_headers: Option<RawSecurityHeaders>,
    #[serde(default)]
    pub cors: Option<RawCors>,
    /// Strip this prefix before forwarding (Nginx `proxy_pass http://up/;` with a slash).
    #[serde(default)]
    pub strip_prefix: bool,
    /// Extra request headers for the upstream (Nginx `proxy_set_header`).
    #[serde(default)]
    pub set_headers: BTreeMap<String, String>,
    /// Verify a JWT before anything reaches the upstream.
    #[serde(default)]
    pub jwt: Option<crate::appguard::jwt::RawJwt>,
    #[serde(default)]
    pub rate_limit: Option<crate::appguard::RawRouteLimit>,
    /// Marks a login endpoint: failed answers count toward a lockout.
    #[serde(default)]
    pub login: Option<crate::appguard::RawLogin>,
    /// Apply the alert rules to this route's JSON bodies and WebSocket messages.
    #[serde(default)]
    pub alerts: Option<crate::appguard::RawRouteAlerts>,
}

#[derive(Debug, Deserialize)]
pub struct RawCors {
    pub allow_origins: Vec<String>,
    #[serde(default = "d_cors_methods")]
    pub allow_methods: Vec<String>,
    #[serde(default = "d_cors_headers")]
    pub allow_headers: Vec<String>,
    #[serde(default)]
    pub expose_headers: Vec<String>,
    #[serde(default)]
    pub allow_credentials: bool,
    #[serde(default = "d_cors_max_age")]
    pub max_age: Dur,
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}
fn two() -> u32 {
    2
}
fn tls12() -> String {
    "1.2".into()
}
fn d_connect() -> Dur {
    Dur(std::time::Duration::from_secs(2))
}
fn d_io() -> Dur {
    Dur(std::time::Duration::from_secs(60))
}
/// Under the 5 s after which Node.js (core-api) closes an idle keep-alive connection: the
/// edge must drop it first, or a request sent as the app closes it fails, and a POST on
/// it is not retried (502).
fn d_idle() -> Dur {
    Dur(std::time::Duration::from_secs(4))
}
fn d_interval() -> Dur {
    Dur(std::time::Duration::from_secs(5))
}
fn d_cors_max_age() -> Dur {
    Dur(std::time::Duration::from_secs(600))
}
fn d_cors_methods() -> Vec<String> {
    ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        .map(String::from)
        .to_vec()
}
fn d_cors_headers() -> Vec<String> {
    ["authorization", "content-type", "x-api-key", "x-request-id"]
        .map(String::from)
        .to_vec()
}

//! Configuration: one YAML file in, one validated [`Config`] out.
//!
//! The file is parsed into [`raw`] types that mirror it, then resolved by [`validate`] into
//! the types below, which are the only ones the request path sees: addresses resolved, CIDRs
//! parsed, header values built, certificates loaded. A reload builds a whole new `Config` and
//! swaps it in atomically; a config that fails validation is never half-applied.
//!
//! Every problem is reported as `FILE:LINE: key.path: what is wrong`, all of them in one run,
//! so `securetag-edge check` behaves like `nginx -t`.

pub mod raw;
pub(crate) mod source;
pub mod tls;
pub mod units;
mod validate;

pub(crate) use validate::resolve_path;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use ipnet::IpNet;

pub use source::{ConfigError, ConfigErrors};
pub use validate::log_filter_problem;

/// Where `run` and `check` look when no `-c` is given.
pub const DEFAULT_PATH: &str = "conf/securetag-edge.yaml";

/// The upstream the implicit default route points at.
pub const DEFAULT_UPSTREAM: &str = "core-api";

/// A validated configuration, ready for the request path.
#[derive(Debug)]
pub struct Config {
    pub file: PathBuf,
    pub server: ServerSettings,
    pub admin: Option<SocketAddr>,
    pub logging: LoggingSettings,
    pub listeners: Vec<Listener>,
    pub client_ip: ClientIpPolicy,
    pub limits: Limits,
    pub upstreams: BTreeMap<String, Arc<UpstreamSpec>>,
    /// In the order written: the first matching prefix wins.
    pub routes: Vec<Arc<Route>>,
    pub ai: Option<Arc<crate::shield::settings::AiSettings>>,
    pub redis_url: Option<crate::crypto::Secret>,
    /// Headers that carry verified claims on some route. They are taken off every request,
    /// so a route without `jwt` cannot hand the app a forged `X-User-Id`.
    pub claim_headers: Vec<HeaderName>,
    pub alerts: Option<Arc<crate::alerts::AlertSettings>>,
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub threads: usize,
    pub work_stealing: bool,
    pub shutdown_timeout: Duration,
    pub pid_file: String,
    pub upgrade_sock: String,
    pub keepalive_pool_size: usize,
}

#[derive(Debug, Clone)]
pub struct LoggingSettings {
    pub level: String,
    pub access_log: AccessLogTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessLogTarget {
    Stdout,
    Off,
    File(PathBuf),
}

#[derive(Debug)]
pub struct Listener {
    pub address: SocketAddr,
    pub tls: Option<TlsListener>,
    /// `Some(None)`: redirect to the same host on 443; `Some(Some(p))`: on port `p`.
    pub redirect_https: Option<Option<u16>>,
}

#[derive(Debug)]
pub struct TlsListener {
    /// The first one is served when SNI is missing or matches none.
    pub certificates: Vec<Arc<tls::CertifiedKey>>,
    pub http2: bool,
    pub min_version: TlsVersion,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVersion {
    V1_2,
    V1_3,
}

/// Which peers may tell us the client's address, and in which headers.
#[derive(Debug, Clone)]
pub struct ClientIpPolicy {
    pub trusted: Vec<IpNet>,
    pub headers: Vec<HeaderName>,
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_body_size: u64,
    pub max_header_size: usize,
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    pub keepalive_timeout: Duration,
    pub websocket_idle_timeout: Duration,
}

#[derive(Debug)]
pub struct UpstreamSpec {
    pub name: String,
    pub addresses: Vec<SocketAddr>,
    pub tls: bool,
    pub sni: String,
    pub verify_cert: bool,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub write_timeout: Duration,
    pub idle_timeout: Duration,
    pub retries: usize,
    pub health_check: Option<ActiveHealthCheck>,
    pub passive: PassiveHealth,
}

#[derive(Debug, Clone)]
pub struct ActiveHealthCheck {
    pub path: Option<String>,
    pub interval: Duration,
    pub timeout: Duration,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    /// Empty means any 2xx or 3xx.
    pub expected_status: Vec<u16>,
}

#[derive(Debug, Clone)]
pub struct PassiveHealth {
    pub max_failures: u32,
    pub cooldown: Duration,
}

#[derive(Debug)]
pub struct Route {
    pub name: String,
    pub prefix: String,
    pub upstream: Arc<UpstreamSpec>,
    pub max_body_size: u64,
    pub security_headers: SecurityHeaders,
    pub cors: Option<Cors>,
    pub strip_prefix: bool,
    pub set_headers: Vec<(HeaderName, HeaderValue)>,
    pub guards: crate::appguard::RouteGuards,
}

impl Route {
    /// Segment-aware prefix match: `/ai` matches `/ai` and `/ai/x` but not `/aix`, and
    /// `/admin/` matches `/admin`; with `any_case`, letters match in either case.
    pub fn matches(&self, path: &str, any_case: bool) -> bool {
        let (prefix, bare) = (self.prefix.as_str(), self.prefix.trim_end_matches('/'));
        let rest = if any_case {
            strip_prefix_ignore_case(path, prefix)
        } else {
            path.strip_prefix(prefix)
        };
        match rest {
            None => {
                prefix.ends_with('/')
                    && if any_case {
                        path.eq_ignore_ascii_case(bare)
                    } else {
                        path == bare
                    }
            }
            Some(rest) => prefix.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?']),
        }
    }
}

/// A path whose readings pick different routes (see [`Config::route`]).
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("the path reads as a different route once its escapes, `//` or letter case are read as an app may read them; send it in its plain form")]
pub struct AmbiguousPath;

/// `path` after `prefix`, compared without regard to ASCII case.
pub fn strip_prefix_ignore_case<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    let head = path.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &path[prefix.len()..])
}

/// The path as a static server or Nginx reads it: escapes of unreserved characters and of
/// `/` decoded (`%61` → `a`, `%2F` → `/`), `\` read as `/` (Node's `url.parse`, which
/// Express falls back to for some targets, does), and `//` merged. Express reads the path
/// as written; [`Config::route`] asks that both readings agree. Dot segments are refused
/// before routing ([`has_dot_segment`]).
pub fn route_path(path: &str) -> std::borrow::Cow<'_, str> {
    let plain = !path.contains(['%', '\\']) && !path.contains("//");
    if plain && path.starts_with('/') {
        return std::borrow::Cow::Borrowed(path);
    }
    let decoded = decode_unreserved(path).replace('\\', "/");
    let mut out = String::with_capacity(decoded.len() + 1);
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(seg);
    }
    if decoded.ends_with('/') || out.is_empty() {
        out.push('/');
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `path` has a `.` or `..` segment in any spelling: `%2e` for a dot, `\` or `%2f`
/// or `%5c` for a separator. Clients resolve dot segments before sending (RFC 3986 5.2.4),
/// while apps behind disagree on them (Express keeps them, a static server resolves them),
/// so a route chosen from one reading could skip the guards the other needs: such a path
/// is refused.
pub fn has_dot_segment(path: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    decoded.split(['/', '\\']).any(|s| s == "." || s == "..")
}

/// Decodes `%XX` where it spells an unreserved character (RFC 3986 2.3) or `/`; every
/// other escape is kept as written.
fn decode_unreserved(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                let c = (h * 16 + l) as u8;
                if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'/') {
                    out.push(c as char);
                    i += 3;
                    continue;
                }
            }
        }
        // `path` is a `&str`, so each char starts where a byte that is not a continuation is.
        let ch_len = path[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&path[i..i + ch_len]);
        i += ch_len;
    }
    out
}

/// Headers added to responses that lack them; HSTS only on TLS listeners.
#[derive(Debug, Clone, Default)]
pub struct SecurityHeaders {
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub hsts: Option<HeaderValue>,
}

#[derive(Debug, Clone)]
pub struct Cors {
    /// `*` without credentials; never true together with `allow_credentials`.
    pub any_origin: bool,
    /// Lower-cased exact origins.
    pub origins: Vec<String>,
    pub allow_methods: HeaderValue,
    pub allow_headers: HeaderValue,
    pub expose_headers: Option<HeaderValue>,
    pub allow_credentials: bool,
    pub max_age: HeaderValue,
}

impl Cors {
    pub fn allows(&self, origin: &str) -> bool {
        self.any_origin || self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }
}

impl Config {
    /// Loads and validates `path`, expanding `${VAR}` from the process environment.
    pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
        Self::load_with_env(path, &|k| std::env::var(k).ok())
    }

    /// Like [`Config::load`] with an explicit environment, for tests.
    pub fn load_with_env(
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                file: path.display().to_string(),
                line: None,
                key: String::new(),
                message: format!("cannot read the configuration file: {e}"),
            }])
        })?;
        Self::from_text(path, &text, env)
    }

    /// Validates configuration text as if it were the file `path`.
    pub fn from_text(
        path: &Path,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigErrors> {
        let mut diag = source::Diagnostics::new(path, text);
        let raw: Option<raw::RawConfig> = source::parse(text, env, &mut diag);
        let Some(raw) = raw else {
            return Err(ConfigErrors(diag.errors));
        };
        let config = validate::validate(raw, path, &mut diag);
        diag.finish(config)
    }

    /// What `check` reports without refusing: JWKS keys the edge cannot use, and gitleaks
    /// rules the regex crate cannot compile. `run` skips both and logs each at start.
    pub fn warnings(&self) -> Vec<String> {
        let jwks = self.skipped_jwks_keys().cloned();
        let gitleaks = self
            .ai
            .as_ref()
            .and_then(|ai| ai.gitleaks_rules.as_ref())
            .map(|text| {
                crate::scan::ScannerBuilder::check_gitleaks_toml(text)
                    .unwrap_or_default()
                    .iter()
                    .map(|e| format!("ai.gitleaks_rules: {e}; it is skipped"))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        jwks.chain(gitleaks).collect()
    }

    /// Keys of the routes' JWKS files that are left out (another use, another algorithm).
    pub fn skipped_jwks_keys(&self) -> impl Iterator<Item = &String> {
        self.routes
            .iter()
            .filter_map(|r| r.guards.jwt.as_ref())
            .flat_map(|j| &j.skipped)
    }

    /// The route for `path` as the client sent it, if any prefix matches.
    ///
    /// Apps behind read a path differently: Express as written and in any case, Nginx or a
    /// static server with escapes decoded and `//` merged but case kept. A guard must not
    /// hang on which one is behind (`/%61dmin` is `/admin` to one and not to the other;
    /// guards do not nest, so a more specific route can have fewer). So the path is read
    /// every way, and where two readings pick different routes it is refused; a plain path
    /// reads one way only. The route's prefix then starts the path as written.
    pub fn route(&self, path: &str) -> Result<Option<&Arc<Route>>, AmbiguousPath> {
        let pick =
            |p: &str, any_case: bool| self.routes.iter().position(|r| r.matches(p, any_case));
        let resolved = route_path(path);
        let first = pick(path, false);
        let readings = [(path, true), (&resolved, false), (&resolved, true)];
        if readings
            .iter()
            .any(|(p, any_case)| pick(p, *any_case) != first)
        {
            return Err(AmbiguousPath);
        }
        Ok(first.and_then(|i| self.routes.get(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigErrors> {
        Config::from_text(Path::new("t.yaml"), text, &|_| None)
    }

    /// Every one of `wants` is among the errors `e` printed.
    fn assert_all(e: &str, wants: &[&str]) {
        for want in wants {
            assert!(e.contains(want), "{want:?} in\n{e}");
        }
    }

    #[test]
    fn an_empty_route_list_sends_everything_to_core_api() {
        let c = load("listeners:\n  - address: 127.0.0.1:0\n").unwrap();
        let r = c.route("/anything").unwrap().unwrap();
        assert_eq!(r.upstream.name, "core-api");
        assert_eq!(r.upstream.addresses[0].to_string(), "127.0.0.1:8080");
    }

    /// A misspelled upstream is named, not left unused while the traffic goes elsewhere;
    /// beside routes, a spare one is kept for a reload to switch to.
    #[test]
    fn an_upstream_beside_the_implicit_route_is_an_error() {
        let e = load("listeners:\n  - address: 127.0.0.1:0\nupstreams:\n  core_api:\n    addresses: [\"10.0.0.5:8080\"]\n")
            .unwrap_err()
            .to_string();
        assert_all(
            &e,
            &[
                "t.yaml:4: upstreams.core_api: no route uses it",
                "\"core-api\"",
            ],
        );
        assert!(load("listeners:\n  - address: 127.0.0.1:0\nupstreams:\n  core-api:\n    addresses: [\"10.0.0.5:8080\"]\n").is_ok());
        assert!(load("listeners:\n  - address: 127.0.0.1:0\nupstreams:\n  blue:\n    addresses: [\"127.0.0.1:8080\"]\n  green:\n    addresses: [\"127.0.0.1:8081\"]\nroutes:\n  - prefix: /\n    upstream: blue\n").is_ok());
    }

    #[test]
    fn a_header_limit_the_http1_reader_would_never_reach_is_refused() {
        let e = load("listeners:\n  - address: 127.0.0.1:0\nlimits: {max_header_size: 2MiB}\n")
            .unwrap_err()
            .to_string();
        assert_all(&e, &["limits.max_header_size: must be at most 1023KiB"]);
        assert!(
            load("listeners:\n  - address: 127.0.0.1:0\nlimits: {max_header_size: 1023KiB}\n")
                .is_ok()
        );
    }

    /// Only Nginx's own variables are taken for a carried-over `proxy_set_header`: a secret
    /// with a `$` in it is a value like any other.
    #[test]
    fn a_dollar_in_a_header_value_is_refused_only_as_an_nginx_variable() {
        let route = |value: &str| {
            load(&format!(
                "listeners: [{{address: 127.0.0.1:0}}]\nupstreams: {{a: {{addresses: [127.0.0.1:1]}}}}\nroutes: [{{prefix: /, upstream: a, set_headers: {{X-Key: \"{value}\"}}}}]\n"
            ))
        };
        for secret in ["Ab$cd$5", "$hostname9", "pre$$", "x$"] {
            assert!(route(secret).is_ok(), "{secret}");
        }
        for nginx in ["$remote_addr", "$host", "for=$http_x_real_ip", "$arg_token"] {
            assert!(route(nginx).is_err(), "{nginx}");
        }
    }

    /// A bad top-level header value is reported once, at its own key; a route's section
    /// under a top level that turned headers off is told it would send nothing.
    #[test]
    fn security_header_errors_are_reported_where_they_are_written() {
        let e = load("listeners: [{address: 127.0.0.1:0}]\nsecurity_headers: {referrer_policy: \"a\\nb\"}\nupstreams: {a: {addresses: [127.0.0.1:1]}}\nroutes:\n  - {prefix: /x/, upstream: a, security_headers: {x_frame_options: SAMEORIGIN}}\n  - {prefix: /, upstream: a}\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e.matches("referrer_policy").count(), 1, "{e}");
        assert_all(&e, &["t.yaml:2: security_headers.referrer_policy"]);
        let e = load("listeners: [{address: 127.0.0.1:0}]\nsecurity_headers: {enabled: false}\nupstreams: {a: {addresses: [127.0.0.1:1]}}\nroutes:\n  - {prefix: /, upstream: a, security_headers: {content_security_policy: \"default-src 'self'\"}}\n")
            .unwrap_err()
            .to_string();
        assert_all(
            &e,
            &["routes[0].security_headers: security_headers.enabled is false"],
        );
        assert!(load("listeners: [{address: 127.0.0.1:0}]\nsecurity_headers: {enabled: false}\nupstreams: {a: {addresses: [127.0.0.1:1]}}\nroutes:\n  - {prefix: /, upstream: a, security_headers: {enabled: true, content_security_policy: \"default-src 'self'\"}}\n").is_ok());
        // Turning one header off sends nothing either way: no conflict.
        assert!(load("listeners: [{address: 127.0.0.1:0}]\nsecurity_headers: {enabled: false}\nupstreams: {a: {addresses: [127.0.0.1:1]}}\nroutes:\n  - {prefix: /, upstream: a, security_headers: {x_frame_options: \"\"}}\n").is_ok());
        // A bad value at a top level that is off is still reported: a route may turn it on.
        let e = load("listeners: [{address: 127.0.0.1:0}]\nsecurity_headers: {enabled: false, referrer_policy: \"a\\nb\"}\nupstreams: {a: {addresses: [127.0.0.1:1]}}\nroutes:\n  - {prefix: /, upstream: a, security_headers: {enabled: true}}\n")
            .unwrap_err()
            .to_string();
        assert_all(&e, &["security_headers.referrer_policy"]);
    }

    /// Each address a name resolves to is a backend, once: not only the first one.
    #[test]
    fn every_address_of_a_name_is_a_backend_once() {
        use std::net::ToSocketAddrs;
        let c =
            load("listeners:\n  - address: 127.0.0.1:0\nupstreams:\n  web:\n    addresses: [\"localhost:8080\", \"127.0.0.1:8080\"]\nroutes:\n  - prefix: /\n    upstream: web\n")
                .unwrap();
        let mut expected: Vec<std::net::SocketAddr> = Vec::new();
        for a in "localhost:8080"
            .to_socket_addrs()
            .unwrap()
            .chain(std::iter::once("127.0.0.1:8080".parse().unwrap()))
        {
            if !expected.contains(&a) {
                expected.push(a);
            }
        }
        assert_eq!(c.upstreams["web"].addresses, expected);
    }

    #[test]
    fn validators_never_print_a_value_from_the_environment() {
        // A URL whose parts (a port after the password's colon) would be quoted alone.
        let env = |k: &str| {
            (k == "LLM_URL").then(|| "https://user:Hunter2pass@llm.internal/v1".to_string())
        };
        let text = "listeners:\n  - address: ${LLM_URL}\nai:\n  providers: [{name: p, base_url: \"${LLM_URL}\", models: [\"*\"]}]\n";
        let e = Config::from_text(Path::new("t.yaml"), text, &env).unwrap_err();
        let lines: Vec<String> = e.0.iter().map(|e| e.to_string()).collect();
        assert!(lines.len() >= 2, "{lines:?}");
        for l in &lines {
            assert!(!l.contains("Hunter2pass"), "{l}");
        }
        assert!(lines.iter().any(|l| l.contains("${LLM_URL}")), "{lines:?}");
    }

    #[test]
    fn all_problems_are_reported_in_one_run() {
        let text = "listeners:\n  - address: nowhere\n    tsl: {}\nroutes:\n  - prefix: api\n    upstream: missing\n";
        let e = load(text).unwrap_err();
        let lines: Vec<String> = e.0.iter().map(|e| e.to_string()).collect();
        assert!(
            lines.contains(&"t.yaml:3: listeners[0].tsl: unknown key".to_string()),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("t.yaml:2: listeners[0].address:")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("t.yaml:5: routes[0].prefix:")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("t.yaml:6: routes[0].upstream: no upstream named")),
            "{lines:?}"
        );
    }

    #[test]
    fn shadowed_routes_are_refused() {
        let text = "listeners: [{address: 127.0.0.1:0}]\nupstreams: {a: {addresses: [127.0.0.1:1]}}\nroutes:\n  - {prefix: /, upstream: a}\n  - {prefix: /ai/, upstream: a}\n";
        let e = load(text).unwrap_err();
        assert!(
            e.to_string().contains("routes[1].prefix: never matches"),
            "{e}"
        );
    }

    #[test]
    fn route_names_must_differ_and_timeouts_be_positive() {
        let text = "listeners: [{address: 127.0.0.1:0}]\nlimits: {body_read_timeout: 0s}\nupstreams: {a: {addresses: [127.0.0.1:1], read_timeout: 0s}}\nroutes:\n  - {prefix: /api/, name: api, upstream: a}\n  - {prefix: /v2/, name: api, upstream: a}\n  - {prefix: /, upstream: a}\n";
        let e = load(text).unwrap_err().to_string();
        assert_all(
            &e,
            &[
                "t.yaml:6: routes[1].name: \"api\" is also the name of routes[0]",
                "limits.body_read_timeout: must be greater than zero",
                "upstreams.a.read_timeout: must be greater than zero",
            ],
        );
    }

    /// Values that `check` once let through and that then failed `run`, or quietly did
    /// something else: each is refused at its key.
    #[test]
    fn values_that_would_fail_at_start_or_do_nothing_are_refused() {
        let dir = std::env::temp_dir().join(format!("st-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bad.toml"), "[[rules]\nid = 1\n").unwrap();
        let text = format!(
            "listeners: [{{address: 127.0.0.1:0}}]\n\
             logging: {{level: warning, access_log: stderr}}\n\
             limits: {{max_body_size: 0}}\n\
             upstreams: {{a: {{addresses: [127.0.0.1:1]}}}}\n\
             routes:\n  - {{prefix: /x/, upstream: nowhere}}\n  - {{prefix: /, upstream: a, \
             set_headers: {{X-Client: $remote_addr, X-Forwarded-For: 1.2.3.4, X-Env: prod}}}}\n  \
             - {{prefix: /y/, upstream: a}}\n\
             ai:\n  \
             max_body_size: 0\n  \
             allowed_roles: [system, user, asistant]\n  \
             brute_force: {{window: 0s}}\n  \
             gitleaks_rules: {}\n  \
             default_policy: {{prompt_logging_mode: encrypted}}\n  \
             providers: [{{name: p, kind: echo, models: ['*'], timeout: 0s}}]\n  \
             custom_entities:\n    - {{name: OK, regexes: ['EMP-[0-9]{{6}}']}}\n    \
             - {{name: EMP, regexes: ['EMP-[0-9]{{6']}}\n",
            dir.join("bad.toml").display()
        );
        let e = load(&text).unwrap_err().to_string();
        assert_all(
            &e,
            &[
                "logging.level: \"warning\" is not a log level",
                "logging.access_log: \"stderr\" is not a target",
                "limits.max_body_size: must be greater than zero",
                "routes[1].set_headers.X-Client: values are sent as written",
                "routes[1].set_headers.X-Forwarded-For: \"X-Forwarded-For\" is set by the edge",
                // The earlier route's index is the one in the file, not among the kept routes.
                "routes[2].prefix: never matches: routes[1]",
                "ai.max_body_size: must be greater than zero",
                "ai.allowed_roles[2]: \"asistant\" is not one of",
                "ai.brute_force.window: must be greater than zero",
                "ai.gitleaks_rules: ",
                "ai.default_policy.prompt_logging_mode: encrypted needs ai.system_secret",
                "ai.providers[0].timeout: must be greater than zero",
                "ai.custom_entities[1]: custom entity EMP: regex",
            ],
        );
        assert!(!e.contains("custom_entities[0]"), "{e}");
        assert!(!e.contains("X-Env"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
        // A filter with targets, and a bare level, are still filters.
        for level in [
            "debug",
            "securetag_edge=debug,pingora=warn",
            "warn,securetag_edge=info",
            "securetag_edge",
            "info,[request]",
        ] {
            let text =
                format!("listeners: [{{address: 127.0.0.1:0}}]\nlogging: {{level: {level:?}}}\n");
            assert!(load(&text).is_ok(), "{level}");
        }
    }

    /// Route keys the gateway does not apply under its prefix, a JWT claim's header set by
    /// hand, two Redis URLs, and a section left empty are refused.
    #[test]
    fn keys_that_would_be_silently_ignored_are_refused() {
        let text = "listeners: [{address: 127.0.0.1:0}]\n\
                    redis_url: redis://127.0.0.1:1/0\n\
                    upstreams: {a: {addresses: [127.0.0.1:1]}}\n\
                    routes:\n  \
                    - {prefix: /ai/v1/, upstream: a, rate_limit: {rate: 10, per: 1m}, cors: {allow_origins: ['https://x.example']}}\n  \
                    - prefix: /app/\n    upstream: a\n    set_headers: {X-User: me}\n    \
                    jwt: {keys: [{alg: HS256, secret: 0123456789abcdef0123456789abcdef}], forward_claims: {sub: X-User}}\n  \
                    - prefix: /\n    upstream: a\n    login:\n      # path: /login\n\
                    ai:\n  redis_url: redis://127.0.0.1:2/0\n";
        let e = load(text).unwrap_err().to_string();
        assert_all(&e, &[
            "routes[0].rate_limit: is not applied under ai.prefix \"/ai/\"",
            "routes[1].set_headers.X-User: \"X-User\" carries a verified JWT claim on this route",
            "routes[2].login: has no value",
            "ai.redis_url: differs from the top-level redis_url",
        ]);
        // CORS is applied there, so it is not refused.
        assert!(!e.contains("routes[0].cors"), "{e}");
    }

    #[test]
    fn redirect_https_is_a_flag_or_a_port_and_nothing_else() {
        let with = |v: &str| {
            load(&format!(
                "listeners:\n  - address: 127.0.0.1:0\n    redirect_https: {v}\n"
            ))
        };
        assert!(with("true").is_ok() && with("{port: 8443}").is_ok());
        for (v, want) in [
            (
                "{port: 8443, host: x}",
                "true, false, or {port: N} with no other key",
            ),
            ("yes", "true, false, or {port: N} with no other key"),
            ("{port: 0}", "redirect_https.port: must be a port"),
        ] {
            let e = with(v).unwrap_err().to_string();
            assert!(e.contains(want), "{v}: {e}");
        }
    }

    /// The upgrade socket and the pid file are absolute, relative to the file, for an old
    /// and a new process started from other directories; a socket path past what a Unix
    /// socket holds is refused here, not by a panic during the upgrade.
    #[test]
    fn server_paths_are_absolute_and_the_socket_fits() {
        let dir = std::env::temp_dir().join("edge-conf");
        let file = dir.join("edge.yaml");
        let text = "listeners: [{address: 127.0.0.1:0}]\nserver: {upgrade_sock: run/up.sock, pid_file: edge.pid}\n";
        let c = Config::from_text(&file, text, &|_| None).unwrap();
        assert_eq!(
            c.server.upgrade_sock,
            dir.join("run/up.sock").display().to_string()
        );
        assert_eq!(
            c.server.pid_file,
            dir.join("edge.pid").display().to_string()
        );
        let long = format!(
            "listeners: [{{address: 127.0.0.1:0}}]\nserver: {{upgrade_sock: /tmp/{}.sock}}\n",
            "s".repeat(120)
        );
        let e = load(&long).unwrap_err().to_string();
        assert!(
            e.contains("server.upgrade_sock: must name a socket file"),
            "{e}"
        );
    }

    #[test]
    fn a_tenant_name_defined_twice_is_refused() {
        let text = "listeners: [{address: 127.0.0.1:0}]\nai:\n  tenants:\n    - {name: acme, credits: 100}\n    - {name: acme, credits: 0}\n";
        let e = load(text).unwrap_err();
        assert!(
            e.to_string()
                .contains("ai.tenants[1].name: tenant \"acme\" is defined twice"),
            "{e}"
        );
    }

    #[test]
    fn wildcard_cors_with_credentials_is_refused() {
        let text = "listeners: [{address: 127.0.0.1:0}]\nupstreams: {a: {addresses: [127.0.0.1:1]}}\nroutes:\n  - prefix: /\n    upstream: a\n    cors: {allow_origins: ['*'], allow_credentials: true}\n";
        let e = load(text).unwrap_err();
        assert!(
            e.to_string()
                .contains("cannot be combined with allow_credentials"),
            "{e}"
        );
    }

    #[test]
    fn route_matching_is_segment_aware_and_ordered() {
        let text = "listeners: [{address: 127.0.0.1:0}]\nupstreams: {a: {addresses: [127.0.0.1:1]}, b: {addresses: [127.0.0.1:2]}}\nroutes:\n  - {prefix: /ai, upstream: a}\n  - {prefix: /admin/, upstream: a}\n  - {prefix: /, upstream: b}\n";
        let c = load(text).unwrap();
        let upstream = |p: &str| c.route(p).map(|r| r.unwrap().upstream.name.clone());
        for (p, want) in [
            ("/ai/v1", "a"),
            ("/ai", "a"),
            ("/admin", "a"),
            ("/aix", "b"),
            // Readings that agree: escapes and `//` past the prefix change nothing.
            ("/ai/x%2Fy//z%41", "a"),
            ("/Aix", "b"),
            ("/%zz/ai", "b"),
            ("/ai%5Cv1", "b"),
        ] {
            assert_eq!(upstream(p), Ok(want.to_string()), "{p}");
        }
        // Readings that pick another route, in some app's eyes, are refused.
        for p in [
            "/AI/v1", "/%61i/v1", "//ai/v1", "/ai%2Fv1", "/%2Fai", "/ADMIN", "/ai\\x", "\\ai",
        ] {
            assert_eq!(upstream(p), Err(AmbiguousPath), "{p}");
        }
    }

    #[test]
    fn route_paths_merge_slashes_and_decode_unreserved_escapes_only() {
        for (raw, want) in [
            ("/a/b", "/a/b"),
            ("/a//b/", "/a/b/"),
            ("//", "/"),
            ("/%41%2f%7e", "/A/~"),
            ("/a%5Cb%20c", "/a%5Cb%20c"),
            ("/api\\auth\\login", "/api/auth/login"),
            ("/caf%C3%A9/é", "/caf%C3%A9/é"),
            ("/%", "/%"),
            ("/%4", "/%4"),
            ("", "/"),
        ] {
            assert_eq!(route_path(raw), want, "{raw}");
        }
    }

    #[test]
    fn dot_segments_are_seen_in_every_spelling() {
        for p in [
            "/a/../b",
            "/a/./b",
            "/..",
            "/a/%2e%2E/b",
            "/public/..%2Fadmin",
            "/public/..%5cadmin",
            "/public/..\\admin",
            "/%2e/x",
        ] {
            assert!(has_dot_segment(p), "{p}");
        }
        for p in [
            "/a/b",
            "/.well-known/x",
            "/a/..b/c",
            "/v1.2/x",
            "/a/b.",
            "/",
        ] {
            assert!(!has_dot_segment(p), "{p}");
        }
    }
}

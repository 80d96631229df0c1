//! From the YAML as written ([`RawConfig`]) to the [`Config`] the request path uses.
//!
//! Everything the proxy would otherwise parse per request is resolved once here: CIDRs,
//! header names and values, upstream addresses, route order, certificates. Validation never
//! stops at the first problem; each one is recorded with its key so `check` prints them all.

use std::collections::{BTreeMap, HashSet};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;

use http::{HeaderName, HeaderValue};
use ipnet::IpNet;

use super::raw::*;
use super::source::Diagnostics;
use super::*;

pub(super) fn validate(raw: RawConfig, base: &Path, d: &mut Diagnostics) -> Config {
    let server = server(&raw.server, base, d);
    let admin = if raw.admin.address.trim().is_empty() {
        None
    } else {
        socket_addr(&raw.admin.address, "admin.address", d)
    };
    let logging = logging(&raw.logging, base, d);
    let limits = Limits {
        max_body_size: raw.limits.max_body_size.0,
        max_header_size: usize::try_from(raw.limits.max_header_size.0).unwrap_or(usize::MAX),
        header_read_timeout: raw.limits.header_read_timeout.0,
        body_read_timeout: raw.limits.body_read_timeout.0,
        keepalive_timeout: raw.limits.keepalive_timeout.0,
        websocket_idle_timeout: raw.limits.websocket_idle_timeout.0,
    };
    if limits.max_header_size < 1024 {
        d.error("limits.max_header_size", "must be at least 1KiB");
    }
    // Pingora's HTTP/1 reader refuses a larger head with a bare 400 before the edge sees it.
    if limits.max_header_size > 1023 << 10 {
        d.error(
            "limits.max_header_size",
            "must be at most 1023KiB: larger heads are refused by the HTTP/1 reader first",
        );
    }
    // Nginx reads `client_max_body_size 0` as unlimited; here it would refuse every body.
    if limits.max_body_size == 0 {
        d.error(
            "limits.max_body_size",
            "must be greater than zero (there is no unlimited; Nginx's 0 has no equivalent)",
        );
    }
    // Pingora's timeouts fail at the first wait when zero: every request would.
    for (key, t) in [
        ("limits.header_read_timeout", limits.header_read_timeout),
        ("limits.body_read_timeout", limits.body_read_timeout),
        (
            "limits.websocket_idle_timeout",
            limits.websocket_idle_timeout,
        ),
    ] {
        d.positive(key, t);
    }

    let listeners = listeners(&raw.listeners, base, d);
    let client_ip = client_ip(&raw.trusted_proxies, raw.client_ip_headers.as_deref(), d);
    let base_headers = raw.security_headers.clone();
    // The top-level values are checked once here; each route checks its own.
    security_headers(&base_headers, None, "", d);

    let mut raw_upstreams = raw.upstreams;
    let mut raw_routes = raw.routes;
    let implicit_route = raw_routes.is_empty();
    if implicit_route {
        // The product's promise: with no routes, everything goes to core-api.
        raw_routes.push(RawRoute {
            name: Some("default".into()),
            prefix: "/".into(),
            upstream: DEFAULT_UPSTREAM.into(),
            max_body_size: None,
            security_headers: None,
            cors: None,
            strip_prefix: false,
            set_headers: BTreeMap::new(),
            jwt: None,
            rate_limit: None,
            login: None,
            alerts: None,
        });
        raw_upstreams
            .entry(DEFAULT_UPSTREAM.into())
            .or_insert_with(default_core_api);
    }
    let upstreams = upstreams(&raw_upstreams, d);
    let routes = routes(&raw_routes, &upstreams, &base_headers, &limits, base, d);
    // With no routes, everything goes to an implicit `core-api` on 127.0.0.1:8080, so
    // another upstream is a misspelled one that would sit unused. With routes, a spare one
    // is how a reload switches between two (blue and green).
    if implicit_route {
        for name in upstreams.keys().filter(|n| *n != DEFAULT_UPSTREAM) {
            d.error(
                format!("upstreams.{name}"),
                format!(
                    "no route uses it: with no routes: section everything goes to the \
                     upstream named {DEFAULT_UPSTREAM:?}"
                ),
            );
        }
    }
    let ai = raw
        .ai
        .map(|a| Arc::new(crate::shield::settings::validate(a, base, d)));
    let alerts = raw.alerts.map(|a| Arc::new(crate::alerts::validate(a, d)));
    let redis_url = raw.redis_url.filter(|u| !u.trim().is_empty());
    if let Some(u) = &redis_url {
        if !(u.starts_with("redis://") || u.starts_with("rediss://")) {
            d.error("redis_url", "must be a redis:// or rediss:// URL");
        }
    }
    for (i, r) in raw_routes.iter().enumerate() {
        if r.alerts.is_some() && alerts.is_none() {
            d.error(
                format!("routes[{i}].alerts"),
                "needs a top-level alerts: section with rules and a webhook",
            );
        }
    }

    if let (Some(ai), Some(shared)) = (&ai, &redis_url) {
        if ai.redis_url.as_ref().is_some_and(|u| u.expose() != shared) {
            d.error(
                "ai.redis_url",
                "differs from the top-level redis_url, which the gateway uses too; \
                 keep one of them",
            );
        }
    }
    if let Some(ai) = &ai {
        for (i, r) in raw_routes.iter().enumerate() {
            ai_route_keys(r, &ai.prefix, &format!("routes[{i}]"), d);
        }
    }

    let mut claim_headers: Vec<HeaderName> = routes
        .iter()
        .filter_map(|r| r.guards.jwt.as_ref())
        .flat_map(|j| j.forward.iter().map(|(_, h)| h.clone()))
        .collect();
    claim_headers.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    claim_headers.dedup();
    Config {
        file: base.to_path_buf(),
        server,
        admin,
        logging,
        listeners,
        client_ip,
        limits,
        upstreams,
        routes,
        ai,
        redis_url: redis_url.map(crate::crypto::Secret::new),
        claim_headers,
        alerts,
    }
}

fn default_core_api() -> RawUpstream {
    RawUpstream::new(vec!["127.0.0.1:8080".into()])
}

fn server(r: &RawServer, base: &Path, d: &mut Diagnostics) -> ServerSettings {
    // Absolute, relative to this file: the old process and the new one of an upgrade may
    // run from other directories, and each finds the other's files by these paths.
    let absolute = |p: &str| {
        let p = resolve_path(base, p);
        std::path::absolute(&p).unwrap_or(p).display().to_string()
    };
    let upgrade_sock = absolute(&r.upgrade_sock);
    // A Unix socket's path holds at most 107 bytes; Pingora's upgrade panics past that.
    if r.upgrade_sock.trim().is_empty() || upgrade_sock.len() > 107 {
        d.error(
            "server.upgrade_sock",
            format!(
                "must name a socket file of at most 107 bytes as an absolute path (it is {} bytes)",
                upgrade_sock.len()
            ),
        );
    }
    let threads = if r.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        r.threads
    };
    ServerSettings {
        threads,
        work_stealing: r.work_stealing,
        shutdown_timeout: r.shutdown_timeout.0,
        pid_file: absolute(&r.pid_file),
        upgrade_sock,
        keepalive_pool_size: r.keepalive_pool_size,
    }
}

/// What is wrong with a log filter (`logging.level`, `SECURETAG_LOG`), if anything. A bare
/// word that is not a level parses as a target name at TRACE level, which drops every other
/// event: `warning` or `inof` would switch logging off. Bare target paths (`securetag_edge`,
/// `pingora_core::connectors`) and spans (`[request]`) stay.
pub fn log_filter_problem(filter: &str) -> Option<String> {
    let bare_non_level = filter.split(',').any(|part| {
        let part = part.trim();
        !part.contains(['=', '_', ':', '['])
            && part.parse::<tracing::level_filters::LevelFilter>().is_err()
    });
    (bare_non_level || tracing_subscriber::EnvFilter::try_new(filter).is_err()).then(|| {
        format!(
            "{filter:?} is not a log level or filter: a bare word must be a level (error, warn, \
             info, debug, trace, off); write target=level for a target"
        )
    })
}

fn logging(r: &RawLogging, base: &Path, d: &mut Diagnostics) -> LoggingSettings {
    if let Some(problem) = log_filter_problem(&r.level) {
        d.error("logging.level", problem);
    }
    let access_log = match r.access_log.as_str() {
        "stdout" | "" => AccessLogTarget::Stdout,
        "off" => AccessLogTarget::Off,
        // Would be files of that name in the working directory.
        word @ ("stderr" | "none" | "false" | "on") => {
            d.error(
                "logging.access_log",
                format!("{word:?} is not a target: write stdout, off, or a file path"),
            );
            AccessLogTarget::Stdout
        }
        // Relative to this file, as every other path here.
        path => AccessLogTarget::File(resolve_path(base, path)),
    };
    LoggingSettings {
        level: r.level.clone(),
        access_log,
    }
}

fn socket_addr(s: &str, key: &str, d: &mut Diagnostics) -> Option<SocketAddr> {
    match s.parse::<SocketAddr>() {
        Ok(a) => Some(a),
        Err(_) => {
            d.error(
                key,
                format!("{s:?} is not an address; write IP:PORT such as 0.0.0.0:443 or [::]:443"),
            );
            None
        }
    }
}

fn listeners(raw: &[RawListener], base: &Path, d: &mut Diagnostics) -> Vec<Listener> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    if raw.is_empty() {
        d.error("listeners", "at least one listener is required");
    }
    for (i, l) in raw.iter().enumerate() {
        let key = format!("listeners[{i}]");
        let Some(address) = socket_addr(&l.address, &format!("{key}.address"), d) else {
            continue;
        };
        if !seen.insert(address) {
            d.error(format!("{key}.address"), format!("{address} is used twice"));
        }
        let tls = l
            .tls
            .as_ref()
            .and_then(|t| tls(t, &format!("{key}.tls"), base, d));
        let redirect_https = match &l.redirect_https {
            None | Some(RawRedirect::Enabled(false)) => None,
            Some(RawRedirect::Enabled(true)) => Some(None),
            Some(RawRedirect::Port(RawRedirectPort { port })) => {
                if *port == 0 {
                    d.error(
                        format!("{key}.redirect_https.port"),
                        "must be a port, 1 to 65535",
                    );
                }
                Some(Some(*port))
            }
        };
        if redirect_https.is_some() && l.tls.is_some() {
            d.error(
                format!("{key}.redirect_https"),
                "only a plain HTTP listener can redirect to HTTPS",
            );
        }
        out.push(Listener {
            address,
            tls,
            redirect_https,
        });
    }
    out
}

fn tls(t: &RawTls, key: &str, base: &Path, d: &mut Diagnostics) -> Option<TlsListener> {
    if t.certificates.is_empty() {
        d.error(
            format!("{key}.certificates"),
            "at least one certificate is required",
        );
        return None;
    }
    let min_version = match t.min_version.as_str() {
        "1.2" => TlsVersion::V1_2,
        "1.3" => TlsVersion::V1_3,
        other => {
            d.error(
                format!("{key}.min_version"),
                format!("{other:?} is not supported; use \"1.2\" or \"1.3\""),
            );
            TlsVersion::V1_2
        }
    };
    let mut certificates = Vec::new();
    for (i, c) in t.certificates.iter().enumerate() {
        let ckey = format!("{key}.certificates[{i}]");
        let cert_path = resolve_path(base, &c.cert);
        let key_path = resolve_path(base, &c.key);
        match super::tls::CertifiedKey::load(&cert_path, &key_path, &c.server_names) {
            Ok(ck) => certificates.push(Arc::new(ck)),
            Err(e) => d.error(ckey, e.to_string()),
        }
    }
    Some(TlsListener {
        certificates,
        http2: t.http2,
        min_version,
    })
}

/// Relative paths in the file are relative to the file, so `check` and `run` agree
/// whatever the working directory.
pub(crate) fn resolve_path(base: &Path, p: &str) -> std::path::PathBuf {
    let path = Path::new(p);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.parent().unwrap_or(Path::new(".")).join(path)
    }
}

fn client_ip(
    trusted: &[String],
    headers: Option<&[String]>,
    d: &mut Diagnostics,
) -> ClientIpPolicy {
    let mut nets = Vec::new();
    for (i, t) in trusted.iter().enumerate() {
        let parsed = t
            .parse::<IpNet>()
            .or_else(|_| t.parse::<std::net::IpAddr>().map(IpNet::from));
        match parsed {
            Ok(n) => nets.push(n.trunc()),
            Err(_) => d.error(
                format!("trusted_proxies[{i}]"),
                format!("{t:?} is not an IP address or CIDR such as 173.245.48.0/20"),
            ),
        }
    }
    let names = headers
        .map(|h| h.to_vec())
        .unwrap_or_else(|| vec!["cf-connecting-ip".into(), "x-forwarded-for".into()]);
    let mut header_names = Vec::new();
    for (i, h) in names.iter().enumerate() {
        match HeaderName::from_bytes(h.as_bytes()) {
            Ok(n) => header_names.push(n),
            Err(_) => d.error(
                format!("client_ip_headers[{i}]"),
                format!("{h:?} is not a header name"),
            ),
        }
    }
    ClientIpPolicy {
        trusted: nets,
        headers: header_names,
    }
}

fn upstreams(
    raw: &BTreeMap<String, RawUpstream>,
    d: &mut Diagnostics,
) -> BTreeMap<String, Arc<UpstreamSpec>> {
    let mut out = BTreeMap::new();
    for (name, u) in raw {
        let key = format!("upstreams.{name}");
        if u.addresses.is_empty() {
            d.error(
                format!("{key}.addresses"),
                "at least one address is required",
            );
        }
        let mut addrs = Vec::new();
        // Every address a name resolves to is a backend (replicas behind one DNS name;
        // `localhost` as ::1 and 127.0.0.1, of which the app may listen on one only).
        for (i, a) in u.addresses.iter().enumerate() {
            match a.to_socket_addrs() {
                Ok(it) => {
                    let mut any = false;
                    for sa in it {
                        any = true;
                        if !addrs.contains(&sa) {
                            addrs.push(sa);
                        }
                    }
                    if !any {
                        d.error(
                            format!("{key}.addresses[{i}]"),
                            format!("{a:?} resolves to no address"),
                        );
                    }
                }
                Err(e) => d.error(
                    format!("{key}.addresses[{i}]"),
                    format!("{a:?} is not HOST:PORT or does not resolve ({e})"),
                ),
            }
        }
        let health_check = u.health_check.as_ref().map(|h| {
            if let Some(p) = &h.path {
                if !p.starts_with('/') {
                    d.error(format!("{key}.health_check.path"), "must start with /");
                }
                if u.tls {
                    // Every probe would fail and mark the backends down.
                    d.error(
                        format!("{key}.health_check.path"),
                        "active probes speak plain HTTP and this upstream uses tls: true; leave the path out (passive health checks still apply)",
                    );
                }
            }
            for (field, t) in [("interval", h.interval.0), ("timeout", h.timeout.0)] {
                d.positive(format!("{key}.health_check.{field}"), t);
            }
            ActiveHealthCheck {
                path: h.path.clone(),
                interval: h.interval.0,
                timeout: h.timeout.0,
                healthy_threshold: h.healthy_threshold.max(1),
                unhealthy_threshold: h.unhealthy_threshold.max(1),
                expected_status: h.expected_status.clone().unwrap_or_default(),
            }
        });
        for (field, t) in [
            ("connect_timeout", u.connect_timeout.0),
            ("read_timeout", u.read_timeout.0),
            ("write_timeout", u.write_timeout.0),
        ] {
            d.positive(format!("{key}.{field}"), t);
        }
        let host = u
            .addresses
            .first()
            .and_then(|a| {
                a.rsplit_once(':')
                    .map(|(h, _)| h.trim_matches(['[', ']']).to_string())
            })
            .unwrap_or_default();
        out.insert(
            name.clone(),
            Arc::new(UpstreamSpec {
                name: name.clone(),
                addresses: addrs,
                tls: u.tls,
                sni: u.sni.clone().unwrap_or(host),
                verify_cert: u.verify_cert.unwrap_or(true),
                connect_timeout: u.connect_timeout.0,
                read_timeout: u.read_timeout.0,
                write_timeout: u.write_timeout.0,
                idle_timeout: u.idle_timeout.0,
                retries: u.retries,
                health_check,
                passive: PassiveHealth {
                    max_failures: u.passive_health.max_failures,
                    cooldown: u.passive_health.cooldown.0,
                },
            }),
        );
    }
    out
}

fn routes(
    raw: &[RawRoute],
    upstreams: &BTreeMap<String, Arc<UpstreamSpec>>,
    base_headers: &RawSecurityHeaders,
    limits: &Limits,
    base: &Path,
    d: &mut Diagnostics,
) -> Vec<Arc<Route>> {
    let mut out: Vec<Arc<Route>> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let key = format!("routes[{i}]");
        if !r.prefix.starts_with('/') {
            d.error(
                format!("{key}.prefix"),
                format!("{:?} must start with /", r.prefix),
            );
        } else if r.prefix.contains("//")
            || !r
                .prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~'))
        {
            // Routing reads a path as apps behind may (escapes decoded, `//` merged) and
            // refuses one they would read as another route: another prefix could never be
            // met, and one with other characters could be met through their escapes.
            d.error(
                format!("{key}.prefix"),
                format!(
                    "{:?} must be written with letters, digits, - . _ ~ and single slashes only",
                    r.prefix
                ),
            );
        }
        if let Some(earlier) = raw[..i]
            .iter()
            .position(|o| prefix_covers(&o.prefix, &r.prefix))
        {
            d.error(
                format!("{key}.prefix"),
                format!(
                    "never matches: routes[{earlier}] (prefix {:?}) comes first and covers it; \
                     routes are tried in order, so list the longer prefix first",
                    raw[earlier].prefix
                ),
            );
        }
        let upstream = match upstreams.get(&r.upstream) {
            Some(u) => Some(u.clone()),
            None => {
                let known: Vec<&str> = upstreams.keys().map(String::as_str).collect();
                d.error(
                    format!("{key}.upstream"),
                    format!(
                        "no upstream named {:?} (known: {})",
                        r.upstream,
                        known.join(", ")
                    ),
                );
                None
            }
        };
        let headers = security_headers(base_headers, r.security_headers.as_ref(), &key, d);
        let cors = r.cors.as_ref().map(|c| cors(c, &format!("{key}.cors"), d));
        let mut set_headers = Vec::new();
        for (name, value) in &r.set_headers {
            let hk = format!("{key}.set_headers.{name}");
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                // The edge sets these itself (forwarding, request id, the upstream's Host,
                // the JWT's claims); a route's value would silently replace them.
                (Ok(n), _) if managed_header(&n) => d.error(
                    hk,
                    format!("{name:?} is set by the edge itself and cannot be overridden"),
                ),
                // `proxy_set_header X-Real-IP $remote_addr` carried over from Nginx would send
                // the literal text: nothing is interpolated here.
                (Ok(_), Ok(_)) if nginx_variable(value) => d.error(
                    hk,
                    "values are sent as written: Nginx variables such as $remote_addr are \
                     not expanded (the edge sets X-Forwarded-For and X-Real-IP itself)",
                ),
                (Ok(n), Ok(v)) => set_headers.push((n, v)),
                (Err(_), _) => d.error(hk, format!("{name:?} is not a header name")),
                (_, Err(_)) => d.error(hk, "the value has characters not allowed in a header"),
            }
        }
        let guards = crate::appguard::validate(
            r.jwt.as_ref(),
            r.rate_limit.as_ref(),
            r.login.as_ref(),
            r.alerts.as_ref(),
            &key,
            base,
            d,
        );
        // On a JWT route the edge writes each claim's header from the verified token: a
        // value set here would replace it.
        if let Some(jwt) = &guards.jwt {
            for name in r.set_headers.keys() {
                if jwt
                    .forward
                    .iter()
                    .any(|(_, h)| h.as_str().eq_ignore_ascii_case(name))
                {
                    d.error(
                        format!("{key}.set_headers.{name}"),
                        format!(
                            "{name:?} carries a verified JWT claim on this route \
                             (jwt.forward_claims) and cannot be set"
                        ),
                    );
                }
            }
        }
        let name = r.name.clone().unwrap_or_else(|| r.prefix.clone());
        // A route's name keys its rate-limit buckets, lockout counters and metrics: two
        // routes of one name would share them.
        if let Some(j) = raw[..i]
            .iter()
            .position(|o| o.name.as_deref().unwrap_or(&o.prefix) == name)
        {
            let field = if r.name.is_some() { "name" } else { "prefix" };
            d.error(
                format!("{key}.{field}"),
                format!("{name:?} is also the name of routes[{j}]; route names must differ"),
            );
        }
        let Some(upstream) = upstream else { continue };
        out.push(Arc::new(Route {
            name,
            prefix: r.prefix.clone(),
            upstream,
            max_body_size: r.max_body_size.map_or(limits.max_body_size, |s| s.0),
            security_headers: headers,
            cors,
            strip_prefix: r.strip_prefix,
            set_headers,
            guards,
        }));
    }
    out
}

/// Refuses the keys of a route inside `ai.prefix` that the gateway does not apply there:
/// the shield serves those paths itself (its own keys, rate limits and body limit), and
/// only the route's CORS and security headers are used.
fn ai_route_keys(r: &RawRoute, ai_prefix: &str, key: &str, d: &mut Diagnostics) {
    if !prefix_covers(ai_prefix, &r.prefix) {
        return;
    }
    let unused = [
        ("jwt", r.jwt.is_some()),
        ("rate_limit", r.rate_limit.is_some()),
        ("login", r.login.is_some()),
        ("alerts", r.alerts.is_some()),
        ("max_body_size", r.max_body_size.is_some()),
        ("set_headers", !r.set_headers.is_empty()),
        ("strip_prefix", r.strip_prefix),
    ];
    for (field, set) in unused {
        if set {
            d.error(
                format!("{key}.{field}"),
                format!(
                    "is not applied under ai.prefix {ai_prefix:?}: the gateway serves these \
                     paths with its own limits (ai.max_body_size, per-key rate limits) and \
                     alert rules (alerts.rules with ai_prompts)"
                ),
            );
        }
    }
}

/// Headers the edge writes on every proxied request, and hop-by-hop ones. `Host` is not
/// one: the client's is passed on, and an upstream's virtual host may need another.
fn managed_header(name: &HeaderName) -> bool {
    const MANAGED: [&str; 11] = [
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "x-real-ip",
        "x-request-id",
        "forwarded",
        "connection",
        "transfer-encoding",
        "upgrade",
        "te",
        "content-length",
    ];
    MANAGED.contains(&name.as_str())
}

/// `$name` as Nginx writes its variables (`$remote_addr`, `$host`, `$scheme`).
fn nginx_variable(value: &str) -> bool {
    // Nginx's own names only: a secret from the environment may hold a `$` (`Ab$cd…`).
    const NAMES: &[&str] = &[
        "args",
        "binary_remote_addr",
        "body_bytes_sent",
        "bytes_sent",
        "connection",
        "connection_requests",
        "content_length",
        "content_type",
        "document_root",
        "document_uri",
        "host",
        "hostname",
        "http2",
        "https",
        "is_args",
        "msec",
        "nginx_version",
        "pid",
        "proxy_add_x_forwarded_for",
        "proxy_host",
        "proxy_port",
        "proxy_protocol_addr",
        "proxy_protocol_port",
        "query_string",
        "realip_remote_addr",
        "realip_remote_port",
        "remote_addr",
        "remote_port",
        "remote_user",
        "request",
        "request_body",
        "request_id",
        "request_length",
        "request_method",
        "request_time",
        "request_uri",
        "scheme",
        "server_addr",
        "server_name",
        "server_port",
        "server_protocol",
        "status",
        "time_iso8601",
        "time_local",
        "uri",
    ];
    const PREFIXES: &[&str] = &[
        "arg_",
        "cookie_",
        "http_",
        "sent_http_",
        "ssl_",
        "upstream_",
    ];
    value.match_indices('$').any(|(i, _)| {
        let rest = &value[i + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let end = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        NAMES.contains(&name)
            || PREFIXES
                .iter()
                .any(|p| name.len() > p.len() && name.starts_with(p))
    })
}

/// Whether every path matched by `b` is also matched by the earlier prefix `a`.
fn prefix_covers(a: &str, b: &str) -> bool {
    // A later prefix that differs in case only is never served: the any-case reading picks
    // the earlier route, so the path is refused (`Config::route`). `/x/` matches `/x` too.
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    let (a, b) = (a.as_str(), b.as_str());
    if a.ends_with('/') {
        b.starts_with(a) || b == a.trim_end_matches('/')
    } else {
        b == a || b.strip_prefix(a).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// (YAML key, header name, accessor, default value).
type HeaderField = (
    &'static str,
    &'static str,
    fn(&RawSecurityHeaders) -> &Option<String>,
    &'static str,
);

/// The headers of a route whose own section is `over` (`route_key`), or of the top-level
/// section alone (`route_key` empty). A bad value is reported where it is written.
fn security_headers(
    base: &RawSecurityHeaders,
    over: Option<&RawSecurityHeaders>,
    route_key: &str,
    d: &mut Diagnostics,
) -> SecurityHeaders {
    let pick = |f: fn(&RawSecurityHeaders) -> &Option<String>| -> Option<String> {
        over.and_then(|o| f(o).clone()).or_else(|| f(base).clone())
    };
    let enabled = over
        .and_then(|o| o.enabled)
        .or(base.enabled)
        .unwrap_or(true);
    // Where a bad value is written, if this call reports it.
    let key_of = |k: &str, f: fn(&RawSecurityHeaders) -> &Option<String>| {
        if over.is_some_and(|o| f(o).is_some()) {
            Some(format!("{route_key}.security_headers.{k}"))
        } else {
            route_key
                .is_empty()
                .then(|| format!("security_headers.{k}"))
        }
    };
    let fields: [HeaderField; 6] = [
        (
            "content_security_policy",
            "content-security-policy",
            |h| &h.content_security_policy,
            "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
        ),
        (
            "x_frame_options",
            "x-frame-options",
            |h| &h.x_frame_options,
            "DENY",
        ),
        (
            "x_content_type_options",
            "x-content-type-options",
            |h| &h.x_content_type_options,
            "nosniff",
        ),
        (
            "referrer_policy",
            "referrer-policy",
            |h| &h.referrer_policy,
            "strict-origin-when-cross-origin",
        ),
        (
            "permissions_policy",
            "permissions-policy",
            |h| &h.permissions_policy,
            "",
        ),
        (
            "strict_transport_security",
            "strict-transport-security",
            |h| &h.strict_transport_security,
            "max-age=31536000; includeSubDomains",
        ),
    ];
    if let Some(o) = over {
        if o.enabled.is_none()
            && base.enabled == Some(false)
            && fields
                .iter()
                .any(|f| f.2(o).as_deref().is_some_and(|v| !v.is_empty()))
        {
            d.error(
                format!("{route_key}.security_headers"),
                "security_headers.enabled is false at the top level, so this route's headers \
                 would not be sent: add enabled: true here",
            );
        }
    }
    let mut headers = Vec::new();
    let mut hsts = None;
    // The top level's own check reads its values even when it turns them off: a route may
    // turn them back on and inherit them.
    if enabled || route_key.is_empty() {
        for (k, name, f, default) in fields {
            // An empty string in the file turns one header off.
            let value = pick(f).unwrap_or_else(|| default.to_string());
            if value.is_empty() {
                continue;
            }
            let Ok(v) = HeaderValue::from_str(&value) else {
                if let Some(key) = key_of(k, f) {
                    d.error(key, "the value has characters not allowed in a header");
                }
                continue;
            };
            let n = HeaderName::from_static(name);
            if name == "strict-transport-security" {
                hsts = Some(v);
            } else {
                headers.push((n, v));
            }
        }
    }
    SecurityHeaders { headers, hsts }
}

fn cors(c: &RawCors, key: &str, d: &mut Diagnostics) -> Cors {
    let any_origin = c.allow_origins.iter().any(|o| o == "*");
    if any_origin && c.allow_credentials {
        d.error(
            format!("{key}.allow_origins"),
            "\"*\" cannot be combined with allow_credentials: browsers reject it and it would \
             let any site act as the user; list the origins",
        );
    }
    let mut origins = Vec::new();
    for (i, o) in c.allow_origins.iter().enumerate() {
        if o == "*" {
            continue;
        }
        let ok = (o.starts_with("https://") || o.starts_with("http://"))
            && !o.ends_with('/')
            && !o[o.find("://").map_or(0, |p| p + 3)..].contains('/');
        if !ok {
            d.error(
                format!("{key}.allow_origins[{i}]"),
                format!("{o:?} is not an origin; write scheme://host[:port] without a path"),
            );
        }
        origins.push(o.to_ascii_lowercase());
    }
    let join = |v: &[String], k: &str, d: &mut Diagnostics| -> HeaderValue {
        HeaderValue::from_str(&v.join(", ")).unwrap_or_else(|_| {
            d.error(
                format!("{key}.{k}"),
                "has characters not allowed in a header",
            );
            HeaderValue::from_static("")
        })
    };
    Cors {
        any_origin: any_origin && !c.allow_credentials,
        origins,
        allow_methods: join(&c.allow_methods, "allow_methods", d),
        allow_headers: join(&c.allow_headers, "allow_headers", d),
        expose_headers: (!c.expose_headers.is_empty())
            .then(|| join(&c.expose_headers, "expose_headers", d)),
        allow_credentials: c.allow_credentials,
        max_age: HeaderValue::from(c.max_age.0.as_secs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_cover_is_segment_aware() {
        assert!(prefix_covers("/", "/ai/"));
        assert!(prefix_covers("/ai", "/ai/v1"));
        assert!(!prefix_covers("/ai", "/aix"));
        // `/ai/` matches the path `/ai` too, and letter case does not count.
        assert!(prefix_covers("/ai/", "/ai"));
        assert!(prefix_covers("/api", "/API/v1"));
        assert!(!prefix_covers("/ai/", "/aix"));
    }
}

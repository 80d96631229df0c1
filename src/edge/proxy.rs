//! The only `ProxyHttp` implementation: the life of a request, phase by phase.
//!
//! Each phase stays short and delegates: client identity to `client_ip`, header rules to
//! `headers`, backend choice to `upstream`, error bodies to `error`. Read top to bottom,
//! this file is the request's path through the edge.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{self, HeaderValue};
use pingora::http::ResponseHeader;
use pingora::prelude::*;
use pingora::protocols::http::authority::{raw_target_authority, RawTargetAuthority};
use pingora::proxy::{FailToProxy, ProxyHttp, Session};
use pingora::upstreams::peer::HttpPeer;
use pingora::{ErrorSource, ErrorType};

use super::access_log;
use super::client_ip;
use super::headers::{self, Forwarded, X_REQUEST_ID};
use super::state::{Shared, State};
use super::upstream::UpstreamGroup;
use crate::config::Route;
use crate::error::{pingora_error_line, HttpError};
use crate::metrics;

/// Requests in progress, for a drain that ends as soon as the last one is done.
pub static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

tokio::task_local! {
    /// Set once a request's headers are parsed; the header-read deadline checks it.
    pub static HEADERS_SEEN: Arc<AtomicBool>;
}

/// Counts a request as in flight for exactly as long as its context lives.
pub struct InFlight;

impl InFlight {
    fn new() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        metrics::get().in_flight.inc();
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
        metrics::get().in_flight.dec();
    }
}

/// Everything one request carries between phases.
pub struct RequestCtx {
    pub state: Option<Arc<State>>,
    pub request_id: String,
    /// Whether `request_id` is the `x-request-id` a trusted proxy in front sent.
    pub request_id_from_peer: bool,
    /// That id, when the AI gateway gave the request its own instead.
    pub peer_request_id: Option<String>,
    pub client_ip: IpAddr,
    pub peer_ip: IpAddr,
    pub trusted_peer: bool,
    pub tls: bool,
    pub start: Instant,
    pub route: Option<Arc<Route>>,
    pub group: Option<Arc<UpstreamGroup>>,
    pub tried: Vec<SocketAddr>,
    pub backend: Option<SocketAddr>,
    pub upstream_start: Option<Instant>,
    pub upstream_done: Option<Instant>,
    pub body_bytes: u64,
    pub cors_origin: Option<HeaderValue>,
    /// Status of a response the edge wrote itself (redirect, rejection, error).
    pub own_status: Option<u16>,
    pub error: Option<String>,
    /// Served by the AI shield rather than proxied.
    pub ai: bool,
    pub guard: super::guard::GuardCtx,
    _in_flight: InFlight,
}

/// The edge proxy: shared state in, Pingora phases out.
pub struct EdgeProxy {
    pub shared: Shared,
}

impl EdgeProxy {
    pub fn new(shared: Shared) -> Self {
        EdgeProxy { shared }
    }

    /// Writes a complete response the edge produced itself, with the headers every
    /// response carries (request id, security headers, CORS).
    async fn respond(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
        mut resp: ResponseHeader,
        body: Bytes,
    ) -> Result<()> {
        self.decorate(&mut resp, ctx)?;
        resp.insert_header(header::CONTENT_LENGTH, body.len().to_string())?;
        let status = resp.status.as_u16();
        let head_only = session.req_header().method == http::Method::HEAD;
        let end = body.is_empty() || head_only;
        session.write_response_header(Box::new(resp), end).await?;
        // Only a head that went out is the status sent; before, the client left (499).
        ctx.own_status = Some(status);
        if !end {
            session.write_response_body(Some(body), true).await?;
        }
        Ok(())
    }

    pub(crate) async fn respond_error(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
        e: &HttpError,
    ) -> Result<()> {
        let mut resp = ResponseHeader::build(e.status, Some(4 + e.headers.len()))?;
        resp.insert_header(header::CONTENT_TYPE, "application/json")?;
        if let Some(secs) = e.retry_after {
            resp.insert_header(header::RETRY_AFTER, secs.to_string())?;
        }
        for (k, v) in &e.headers {
            resp.insert_header(*k, v.as_str())?;
        }
        ctx.error = Some(e.code.to_string());
        let body = e.body(&ctx.request_id);
        self.respond(session, ctx, resp, body).await
    }

    /// Request id, security headers and CORS on any response.
    pub(crate) fn decorate(&self, resp: &mut ResponseHeader, ctx: &RequestCtx) -> Result<()> {
        resp.insert_header(X_REQUEST_ID, ctx.request_id.as_str())?;
        if let Some(route) = &ctx.route {
            headers::apply_security(resp, &route.security_headers, ctx.tls)?;
            if let Some(cors) = &route.cors {
                match &ctx.cors_origin {
                    Some(origin) => headers::apply_cors(resp, cors, origin)?,
                    // The answer differs by origin: a cache must not give this one, made
                    // without CORS headers, to an allowed origin.
                    None if !cors.any_origin => headers::vary_origin(resp)?,
                    None => {}
                }
            }
        }
        Ok(())
    }

    /// The AI gateway answers the whole request itself (see `shield::provider` for why).
    async fn serve_ai(
        &self,
        shield: &crate::shield::Shield,
        session: &mut Session,
        ctx: &mut RequestCtx,
    ) -> Result<bool> {
        let method = session.req_header().method.as_str().to_string();
        let path = session.req_header().uri.path().to_string();
        let query = session.req_header().uri.query().map(str::to_owned);
        let headers = session.req_header().headers.clone();
        // The audit log keys every `/ai/` request by its id, so it must be unique, and a
        // trusted proxy may pass a client's own header through (Cloudflare does): a client
        // choosing its ids could otherwise make its requests collide in the log. The
        // peer's id stays in the access log.
        if ctx.request_id_from_peer {
            ctx.request_id_from_peer = false;
            ctx.peer_request_id = Some(std::mem::replace(
                &mut ctx.request_id,
                headers::new_request_id(),
            ));
        }
        let request_id = ctx.request_id.clone();
        let client_ip = ctx.client_ip;
        let req = crate::shield::Request {
            method: &method,
            path: &path,
            query: query.as_deref(),
            headers: &headers,
            client_ip,
            request_id: &request_id,
        };
        let mut down = super::ai::SessionDownstream {
            proxy: self,
            session,
            ctx,
        };
        shield.serve(&req, &mut down).await;
        Ok(true)
    }

    fn redirect_target(&self, session: &Session, port: Option<u16>) -> Option<String> {
        let req = session.req_header();
        let host = host_of(session)?;
        let bare = strip_port(host);
        let authority = match port {
            Some(p) if p != 443 => format!("{bare}:{p}"),
            _ => bare.to_string(),
        };
        let path = req.uri.path_and_query().map_or("/", |p| p.as_str());
        Some(format!("https://{authority}{path}"))
    }
}

/// `example.com:80` → `example.com`, `[::1]:80` → `[::1]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    match host.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    }
}

/// The host the client asked for: `Host`, else the URI authority (HTTP/2), else that of an
/// absolute-form target (HTTP/1 allows it without `Host`; Pingora keeps it out of `uri`).
pub fn host_of(session: &Session) -> Option<&str> {
    let req = session.req_header();
    req.headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri.authority().map(|a| a.as_str()))
        .or_else(|| {
            let target = raw_target_authority(req.raw_path());
            target.authority().and_then(|a| std::str::from_utf8(a).ok())
        })
}

fn peer_ip(session: &Session) -> IpAddr {
    session
        .client_addr()
        .and_then(|a| a.as_inet())
        .map(|a| client_ip::canonical(a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

fn classify(e: &Error) -> &'static str {
    match e.etype() {
        ErrorType::ConnectTimedout | ErrorType::ReadTimedout | ErrorType::WriteTimedout => {
            "timeout"
        }
        ErrorType::ConnectRefused | ErrorType::ConnectNoRoute | ErrorType::ConnectError => {
            "connect"
        }
        _ => "io",
    }
}

#[async_trait]
impl ProxyHttp for EdgeProxy {
    type CTX = RequestCtx;

    fn new_ctx(&self) -> RequestCtx {
        RequestCtx {
            state: None,
            request_id: String::new(),
            request_id_from_peer: false,
            peer_request_id: None,
            client_ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            peer_ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            trusted_peer: false,
            tls: false,
            start: Instant::now(),
            route: None,
            group: None,
            tried: Vec::new(),
            backend: None,
            upstream_start: None,
            upstream_done: None,
            body_bytes: 0,
            cors_origin: None,
            own_status: None,
            error: None,
            ai: false,
            guard: Default::default(),
            _in_flight: InFlight::new(),
        }
    }

    /// Headers are in: take the config snapshot, identify the client, name the request.
    async fn early_request_filter(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        let _ = HEADERS_SEEN.try_with(|seen| seen.store(true, Ordering::Relaxed));
        let state = self.shared.load_full();
        let cfg = &state.config;
        ctx.peer_ip = peer_ip(session);
        ctx.trusted_peer = client_ip::is_trusted(&cfg.client_ip.trusted, ctx.peer_ip);
        ctx.client_ip =
            client_ip::resolve(&cfg.client_ip, ctx.peer_ip, &session.req_header().headers);
        ctx.tls = session.digest().is_some_and(|d| d.ssl_digest.is_some());
        ctx.request_id = match session.req_header().headers.get(X_REQUEST_ID) {
            Some(v) if ctx.trusted_peer && headers::valid_request_id(v.as_bytes()) => {
                ctx.request_id_from_peer = true;
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            }
            _ => headers::new_request_id(),
        };
        // A WebSocket sits idle between messages; the body timeout would cut it. Only a
        // real handshake: Pingora's `is_upgrade_req` is any `Upgrade` header, which would
        // stretch a plain POST's timeouts to the WebSocket's hour.
        let read_timeout = if super::guard::is_websocket(session.req_header()) {
            cfg.limits.websocket_idle_timeout
        } else {
            cfg.limits.body_read_timeout
        };
        session.set_read_timeout(Some(read_timeout));
        ctx.state = Some(state);
        Ok(())
    }

    /// Redirects, routing, size limits and CORS preflights, answered before any upstream.
    async fn request_filter(&self, session: &mut Session, ctx: &mut RequestCtx) -> Result<bool> {
        let Some(state) = ctx.state.clone() else {
            return Ok(false);
        };
        let cfg = &state.config;

        if headers::header_bytes(session.req_header()) > cfg.limits.max_header_size {
            session.set_keepalive(None);
            let e = HttpError::new(
                431,
                "invalid_request_error",
                "headers_too_large",
                format!(
                    "request headers exceed {} bytes",
                    cfg.limits.max_header_size
                ),
            );
            self.respond_error(session, ctx, &e).await?;
            return Ok(true);
        }

        if !ctx.tls {
            let local = session.server_addr().and_then(|a| a.as_inet()).copied();
            // The socket is one bound at start; the file's listener of that same address
            // gives its settings now. One a reload took out (or moved) keeps its start-time
            // settings: a redirect never turns into a plain proxy.
            let redirect = local.and_then(|l| {
                let bound = listener_of(&state.started.listeners, l)?;
                cfg.listeners
                    .iter()
                    .find(|x| x.address == bound.address && x.tls.is_none())
                    .unwrap_or(bound)
                    .redirect_https
            });
            if let Some(port) = redirect {
                let Some(location) = self.redirect_target(session, port) else {
                    let e = HttpError::bad_request("a Host header is required");
                    self.respond_error(session, ctx, &e).await?;
                    return Ok(true);
                };
                let mut resp = ResponseHeader::build(308, Some(3))?;
                resp.insert_header(header::LOCATION, location)?;
                self.respond(session, ctx, resp, Bytes::new()).await?;
                return Ok(true);
            }
        }

        if !session.req_header().raw_path_is_utf8() {
            // The path routes see would be a lossy copy (U+FFFD) of what the app reads: Node
            // reads the bytes as Latin-1, and trims a trailing U+00A0 that UTF-8 has not.
            // Pingora's HTTP/1 parser refuses such bytes today; this holds if it ever lets
            // them through.
            let e = HttpError::bad_request("the request target is not UTF-8; %-encode it");
            self.respond_error(session, ctx, &e).await?;
            return Ok(true);
        }
        let path = session.req_header().uri.path().to_string();
        if crate::config::has_dot_segment(&path) {
            let e = HttpError::bad_request(
                "the path has a . or .. segment (raw or %-encoded); send it resolved",
            );
            self.respond_error(session, ctx, &e).await?;
            return Ok(true);
        }
        let shield = state.shield.as_ref().filter(|s| s.owns(&path)).cloned();
        ctx.ai = shield.is_some();
        let route = match cfg.route(&path) {
            Ok(r) => r.cloned(),
            Err(e) => {
                let e = HttpError::new(
                    400,
                    "invalid_request_error",
                    "ambiguous_path",
                    e.to_string(),
                );
                self.respond_error(session, ctx, &e).await?;
                return Ok(true);
            }
        };
        if route.is_none() && shield.is_none() {
            self.respond_error(session, ctx, &HttpError::not_found_route())
                .await?;
            return Ok(true);
        }
        if shield.is_none() {
            ctx.group = route
                .as_ref()
                .and_then(|r| state.group(&r.upstream.name))
                .cloned();
        }
        ctx.route = route.clone();

        if let Some(cors) = route.as_ref().and_then(|r| r.cors.as_ref()) {
            if let Some(origin) = session.req_header().headers.get(header::ORIGIN).cloned() {
                let allowed = origin.to_str().is_ok_and(|o| cors.allows(o));
                let is_preflight = session.req_header().method == http::Method::OPTIONS
                    && session
                        .req_header()
                        .headers
                        .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
                if is_preflight {
                    if !allowed {
                        let e = HttpError::new(
                            403,
                            "invalid_request_error",
                            "cors_origin_denied",
                            "this origin may not call this API",
                        );
                        self.respond_error(session, ctx, &e).await?;
                        return Ok(true);
                    }
                    let mut resp = headers::preflight(cors, &origin)?;
                    resp.insert_header(X_REQUEST_ID, ctx.request_id.as_str())?;
                    session.write_response_header(Box::new(resp), true).await?;
                    ctx.own_status = Some(204);
                    return Ok(true);
                }
                if allowed {
                    ctx.cors_origin = Some(origin);
                }
            }
        }

        if let Some(shield) = shield {
            return self.serve_ai(&shield, session, ctx).await;
        }
        let Some(route) = route else { return Ok(true) };
        if super::guard::admit(self, session, ctx, &state, &route).await? {
            return Ok(true);
        }
        if super::body::declared_length(session).is_some_and(|n| n > route.max_body_size) {
            // The body stays unread, so this connection cannot carry another request.
            session.set_keepalive(None);
            let e = HttpError::payload_too_large(route.max_body_size);
            self.respond_error(session, ctx, &e).await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Round-robin over backends that are up, never the same one twice for one request.
    async fn upstream_peer(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
    ) -> Result<Box<HttpPeer>> {
        let Some(group) = ctx.group.clone() else {
            return Error::e_explain(ErrorType::InternalError, "route has no upstream group");
        };
        // Pingora retries a request whose pooled connection had gone stale on a fresh one,
        // and only then are all backends tried here (`fail_to_connect` retries elsewhere
        // only): with one backend, the default core-api, that retry must go to it again.
        let Some(backend) = group
            .select(&ctx.tried)
            .or_else(|| group.select(&[]).filter(|_| !ctx.tried.is_empty()))
        else {
            return Error::e_explain(ErrorType::ConnectNoRoute, "no backend left to try");
        };
        if !ctx.tried.is_empty() {
            // A retry replays the body from its start through `request_body_filter`.
            ctx.body_bytes = 0;
            super::guard::on_retry(ctx);
        }
        ctx.tried.push(backend.addr);
        ctx.backend = Some(backend.addr);
        ctx.upstream_start = Some(Instant::now());
        let mut peer = group.peer(backend);
        if super::guard::is_websocket(session.req_header()) {
            if let Some(state) = &ctx.state {
                peer.options.read_timeout = Some(state.config.limits.websocket_idle_timeout);
            }
        }
        Ok(peer)
    }

    /// A failed connect counts against the backend and is retried elsewhere. Nothing of the
    /// request reached it, so any method may go again (as Nginx's `proxy_next_upstream
    /// error` does), as long as its body is still whole.
    fn fail_to_connect(
        &self,
        session: &mut Session,
        _peer: &HttpPeer,
        ctx: &mut RequestCtx,
        mut e: Box<Error>,
    ) -> Box<Error> {
        if let (Some(group), Some(addr)) = (&ctx.group, ctx.backend) {
            group.report_connect_failure(addr);
            metrics::get()
                .upstream_errors
                .with_label_values(&[group.spec.name.as_str(), classify(&e)])
                .inc();
            let attempts_left = ctx.tried.len() <= group.spec.retries;
            let others = ctx.tried.len() < group.backends.len();
            // A request with a body already partly streamed cannot be replayed.
            let replayable = !session.as_ref().retry_buffer_truncated();
            e.set_retry(attempts_left && others && replayable);
        }
        e
    }

    /// Tells the upstream who the client is, replacing whatever the client claimed.
    async fn upstream_request_filter(
        &self,
        session: &mut Session,
        req: &mut pingora::http::RequestHeader,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        let host = host_of(session).map(str::to_owned);
        if req.headers.get(header::HOST).is_none() {
            if let Some(h) = &host {
                req.insert_header(header::HOST, h.as_str())?;
            }
        }
        headers::forward(
            req,
            &Forwarded {
                client_ip: ctx.client_ip,
                peer_ip: ctx.peer_ip,
                trusted_peer: ctx.trusted_peer,
                tls: ctx.tls,
                host: host.as_deref(),
                request_id: &ctx.request_id,
                client_ip_headers: ctx
                    .state
                    .as_ref()
                    .map_or(&[], |s| s.config.client_ip.headers.as_slice()),
            },
        )?;
        super::guard::forward_claims(req, ctx)?;
        if ctx.guard.ws.is_some() {
            // The alert rules read the messages: with no extension offered, the app cannot
            // agree to compress them (permessage-deflate, which browsers always offer).
            req.remove_header("sec-websocket-extensions");
        }
        if let RawTargetAuthority::Absolute { path_and_query, .. } =
            raw_target_authority(req.raw_path())
        {
            // Absolute-form (`GET http://host/x`; Pingora keeps it verbatim, and its `uri`
            // holds the path): the app gets the origin-form the route was chosen by, as sent.
            // Node parses the two forms differently (`url.parse` reads `\` as `/`), and the
            // route must not depend on which. `Host` was set from the target above.
            let mut target = Vec::with_capacity(path_and_query.len() + 1);
            if !path_and_query.starts_with(b"/") {
                target.push(b'/');
            }
            target.extend_from_slice(path_and_query);
            req.set_raw_path(&target)?;
        }
        if let Some(route) = &ctx.route {
            for (k, v) in &route.set_headers {
                req.insert_header(k.clone(), v.clone())?;
            }
            if route.strip_prefix && route.prefix != "/" {
                // Every reading of the path picked this route, so its prefix starts the path
                // as written (`Config::route`).
                let pq = req.uri.path_and_query().map_or("/", |p| p.as_str());
                let rest = pq
                    .strip_prefix(route.prefix.trim_end_matches('/'))
                    .unwrap_or(pq);
                let new = if rest.starts_with('/') {
                    rest.to_string()
                } else {
                    format!("/{rest}")
                };
                let uri = new.parse::<http::Uri>().map_err(|e| {
                    Error::because(ErrorType::InternalError, "rewriting the path", e)
                })?;
                req.set_uri(uri);
            }
        }
        Ok(())
    }

    /// Counts streamed body bytes and stops a chunked upload that outgrows its limit.
    async fn request_body_filter(
        &self,
        session: &mut Session,
        body: &mut Option<Bytes>,
        end_of_stream: bool,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        if let Some(state) = ctx.state.clone() {
            super::guard::on_body(&state, ctx, body, end_of_stream);
        }
        // After a 101 the bytes are WebSocket messages, which no body limit applies to
        // (nor does Nginx's): a long chat would be cut at `max_body_size` in total.
        if let Some(b) = body.as_ref().filter(|_| !session.was_upgraded()) {
            ctx.body_bytes += b.len() as u64;
            let limit = ctx.route.as_ref().map_or(u64::MAX, |r| r.max_body_size);
            if ctx.body_bytes > limit {
                session.set_keepalive(None);
                return Error::e_explain(
                    ErrorType::HTTPStatus(413),
                    "request body over the route limit",
                );
            }
        }
        Ok(())
    }

    async fn upstream_response_filter(
        &self,
        _session: &mut Session,
        resp: &mut ResponseHeader,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        if let (Some(group), Some(addr)) = (&ctx.group, ctx.backend) {
            group.report_success(addr);
        }
        if let Some(state) = ctx.state.clone() {
            super::guard::on_upstream_status(&state, ctx, resp.status.as_u16()).await;
        }
        Ok(())
    }

    async fn response_filter(
        &self,
        _session: &mut Session,
        resp: &mut ResponseHeader,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        headers::strip_hop_by_hop(resp);
        self.decorate(resp, ctx)
    }

    fn response_body_filter(
        &self,
        _session: &mut Session,
        _body: &mut Option<Bytes>,
        end_of_stream: bool,
        ctx: &mut RequestCtx,
    ) -> Result<Option<std::time::Duration>> {
        if end_of_stream && ctx.upstream_done.is_none() && ctx.upstream_start.is_some() {
            ctx.upstream_done = Some(Instant::now());
        }
        Ok(None)
    }

    /// Turns a failure into the JSON error, unless the response had already started.
    async fn fail_to_proxy(
        &self,
        session: &mut Session,
        e: &Error,
        ctx: &mut RequestCtx,
    ) -> FailToProxy {
        let upstream = ctx
            .group
            .as_ref()
            .map_or("upstream", |g| g.spec.name.as_str())
            .to_string();
        let http_error = match e.etype() {
            ErrorType::HTTPStatus(413) => ctx
                .route
                .as_ref()
                .map(|r| HttpError::payload_too_large(r.max_body_size)),
            ErrorType::HTTPStatus(code) if *code >= 400 => Some(HttpError::new(
                *code,
                "invalid_request_error",
                "rejected",
                "the request was rejected",
            )),
            _ => match e.esource() {
                ErrorSource::Upstream => {
                    if let Some(g) = &ctx.group {
                        metrics::get()
                            .upstream_errors
                            .with_label_values(&[g.spec.name.as_str(), classify(e)])
                            .inc();
                    }
                    Some(match classify(e) {
                        "timeout" => HttpError::gateway_timeout(&upstream),
                        _ => HttpError::bad_gateway(&upstream),
                    })
                }
                ErrorSource::Downstream => match e.etype() {
                    ErrorType::WriteError | ErrorType::ReadError | ErrorType::ConnectionClosed => {
                        None
                    }
                    ErrorType::ReadTimedout => Some(HttpError::new(
                        408,
                        "invalid_request_error",
                        "request_timeout",
                        "the request body did not arrive in time",
                    )),
                    _ => Some(HttpError::bad_request("the request could not be read")),
                },
                ErrorSource::Internal | ErrorSource::Unset => match e.etype() {
                    ErrorType::ConnectNoRoute => Some(HttpError::bad_gateway(&upstream)),
                    _ => Some(HttpError::internal()),
                },
            },
        };
        let line = pingora_error_line(e);
        let code = match http_error {
            Some(he) if final_response(session).is_none() => {
                if ctx.request_id.is_empty() {
                    ctx.request_id = headers::new_request_id();
                }
                let status = he.status;
                // Pingora will not reuse this connection; say so, or the client's next
                // request on it would meet a reset.
                session.set_keepalive(None);
                if let Err(w) = self.respond_error(session, ctx, &he).await {
                    tracing::debug!(error = %w, "could not write the error response");
                }
                status
            }
            Some(he) => he.status,
            None => 0,
        };
        if !quiet_error(e) {
            tracing::error!(
                error = %line,
                status = code,
                request = %self.request_summary(session, ctx),
                "could not proxy"
            );
        }
        ctx.error = Some(line);
        FailToProxy {
            error_code: code,
            can_reuse_downstream: false,
        }
    }

    /// Metrics and the access-log line, once per request, however it ended.
    async fn logging(&self, session: &mut Session, e: Option<&Error>, ctx: &mut RequestCtx) {
        if let Some(state) = ctx.state.clone() {
            super::guard::on_end(&state, ctx).await;
        }
        let status = final_response(session)
            .map(|r| r.status.as_u16())
            .or(ctx.own_status)
            .unwrap_or(crate::error::CLIENT_CLOSED);
        let route = if ctx.ai {
            "ai"
        } else {
            ctx.route.as_ref().map_or("-", |r| r.name.as_str())
        };
        let elapsed = ctx.start.elapsed();
        let m = metrics::get();
        let mut digits = [0u8; 5];
        m.requests
            .with_label_values(&[route, status_label(status, &mut digits)])
            .inc();
        m.request_duration
            .with_label_values(&[route])
            .observe(elapsed.as_secs_f64());
        let upstream_ms = ctx.upstream_start.map(|s| {
            let end = ctx.upstream_done.unwrap_or_else(Instant::now);
            end.saturating_duration_since(s)
        });
        if let (Some(g), Some(d)) = (&ctx.group, upstream_ms) {
            m.upstream_duration
                .with_label_values(&[g.spec.name.as_str()])
                .observe(d.as_secs_f64());
        }
        if !access_log::enabled() {
            return;
        }
        let req = session.req_header();
        let target = req.uri.path_and_query().map_or("/", |p| p.as_str());
        let masked = access_log::mask_query(target);
        access_log::write(&access_log::Entry {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            request_id: &ctx.request_id,
            peer_request_id: ctx.peer_request_id.as_deref(),
            client_ip: ctx.client_ip.to_string(),
            method: req.method.as_str(),
            path: &masked,
            protocol: if session.is_http2() {
                "HTTP/2"
            } else {
                "HTTP/1.1"
            },
            host: host_of(session).unwrap_or("-"),
            status,
            bytes_sent: session.body_bytes_sent(),
            bytes_received: session.body_bytes_read(),
            route,
            upstream: ctx.group.as_ref().map_or("-", |g| g.spec.name.as_str()),
            upstream_addr: ctx.backend.map(|a| a.to_string()),
            duration_ms: elapsed.as_secs_f64() * 1000.0,
            upstream_ms: upstream_ms.map(|d| d.as_secs_f64() * 1000.0),
            error: ctx
                .error
                .clone()
                .or_else(|| e.map(|e| e.etype().as_str().to_string())),
            user_agent: req
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-"),
        });
    }

    /// Marks the connection as reused, so the next request's header deadline allows for
    /// the keepalive idle time (see `app`).
    fn persist_connection_context(
        &self,
        _session: &Session,
        _ctx: &RequestCtx,
    ) -> Option<Box<dyn std::any::Any + Send + Sync>> {
        Some(Box::new(()))
    }

    /// Pingora's own error line prints the error's context, which can hold what it was
    /// reading; `fail_to_proxy` logs a line of ours instead.
    fn suppress_error_log(&self, _session: &Session, _ctx: &RequestCtx, _e: &Error) -> bool {
        true
    }

    /// The same for the line Pingora logs before retrying an upstream.
    fn suppress_proxy_warn_log(
        &self,
        session: &Session,
        ctx: &RequestCtx,
        e: &Error,
        _context: pingora::proxy::ProxyWarnLogContext,
    ) -> bool {
        tracing::warn!(
            error = %pingora_error_line(e),
            request = %self.request_summary(session, ctx),
            "upstream failed, retrying"
        );
        true
    }

    /// Method, target with credentials masked, host and request id: the query string may
    /// carry tokens (`?access_token=` on WebSocket upgrades), and Pingora logs this line.
    fn request_summary(&self, session: &Session, ctx: &RequestCtx) -> String {
        let req = session.req_header();
        let target = req.uri.path_and_query().map_or("/", |p| p.as_str());
        format!(
            "{} {}, Host: {}, request_id: {}",
            req.method,
            access_log::mask_query(target),
            host_of(session).unwrap_or("-"),
            ctx.request_id
        )
    }
}

/// Clients closing connections and our own 4xx rejections are not server errors.
fn quiet_error(e: &Error) -> bool {
    matches!(
        e.etype(),
        ErrorType::HTTPStatus(_) | ErrorType::ConnectionClosed
    ) || e.esource() == &ErrorSource::Downstream
}

/// The decimal text of a status code without a heap allocation, for metric labels.
fn status_label(status: u16, buf: &mut [u8; 5]) -> &str {
    let mut n = status;
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// The response head the client has, if any. Pingora records a `100 Continue` as written;
/// it is not an answer, so an error can still follow it and is what gets logged. A `101`
/// is the answer to an upgrade.
fn final_response(session: &Session) -> Option<&ResponseHeader> {
    session.response_written().filter(|r| {
        !r.status.is_informational() || r.status == http::StatusCode::SWITCHING_PROTOCOLS
    })
}

/// The plain listener among `listeners` that a connection to `local` came in on.
fn listener_of(
    listeners: &[crate::config::Listener],
    local: std::net::SocketAddr,
) -> Option<&crate::config::Listener> {
    listeners.iter().find(|x| {
        x.tls.is_none()
            && x.address.port() == local.port()
            && (x.address.ip().is_unspecified() || x.address.ip() == local.ip())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_labels_are_decimal() {
        let mut b = [0u8; 5];
        assert_eq!(super::status_label(200, &mut b), "200");
        assert_eq!(super::status_label(0, &mut b), "0");
        assert_eq!(super::status_label(65535, &mut b), "65535");
    }
}

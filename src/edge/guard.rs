//! The per-route guards in the request's life: what `proxy` calls, phase by phase.
//!
//! `admit` runs in `request_filter` (JWT, rate limit, login lock) and answers the client
//! itself when a guard refuses; the other functions follow the request into the upstream
//! phases (claims as headers, login outcomes) and the body (alert rules).

use bytes::Bytes;
use http::header;
use pingora::http::RequestHeader;
use pingora::prelude::*;
use pingora::proxy::Session;

use super::proxy::{EdgeProxy, RequestCtx};
use super::state::State;
use crate::appguard::jwt::{self, token_from, Reject};
use crate::appguard::wsframe::FrameReader;
use crate::appguard::{body, LimitKey, LoginGuard};
use crate::config::Route;
use crate::error::HttpError;
use crate::shield::BodyError;
use crate::store::lockout::Admission;

/// Guard state a request carries between phases.
#[derive(Default)]
pub struct GuardCtx {
    /// Verified claims to send upstream, and the claim headers of every route, stripped
    /// from what the client sent.
    forward: Vec<(http::HeaderName, String)>,
    strip: Vec<http::HeaderName>,
    subject: Option<String>,
    /// The verified token and its `sub` and `iss`: another token goes on to the app only
    /// if it verifies and names the same subject.
    token: Option<(String, Option<serde_json::Value>, Option<serde_json::Value>)>,
    login: Option<Login>,
    /// A body's start kept for the alert rules, and how the app will inflate it.
    alert_buf: Option<(Vec<u8>, body::Coding)>,
    alert_fields: Vec<String>,
    pub(crate) ws: Option<FrameReader>,
    /// `Expect: 100-continue` answered here (the login guard reads the body first).
    continued: bool,
    /// An `Upgrade` header on a request that is no WebSocket handshake: taken off before
    /// the app sees it, so the app cannot switch to a protocol the edge does not read.
    false_upgrade: bool,
}

/// A login attempt on its way.
struct Login {
    /// Lockout subjects: the address first, then the account if found.
    subjects: Vec<String>,
    guard: LoginGuard,
    /// Whether this is a POST, PUT or PATCH at the login path itself, where a success
    /// clears the account.
    at_login: bool,
    /// Where the attempt is reserved: in-process (Redis was down) or in Redis.
    reserved_locally: bool,
}

/// A login's subjects past the address: the account, when the body named one. Only these
/// are cleared by a success.
fn accounts(subjects: &[String]) -> &[String] {
    subjects.get(1..).unwrap_or(&[])
}

/// The subjects whose attempts in flight count against their limit: the account, and the
/// address when it has a limit of its own (a burst of parallel guesses at many accounts
/// from one address would otherwise all reach the app before its first failure counts).
fn reserved<'s>(subjects: &'s [String], login: &LoginGuard) -> &'s [String] {
    if login.ip_policy.is_some() {
        subjects
    } else {
        accounts(subjects)
    }
}

/// Largest body kept for login accounts and alert rules; matches Pingora's retry buffer.
const BODY_PEEK: usize = 64 * 1024;

fn claim_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Runs the route's guards; `Ok(true)` when the edge already answered.
pub async fn admit(
    proxy: &EdgeProxy,
    session: &mut Session,
    ctx: &mut RequestCtx,
    state: &State,
    route: &Route,
) -> Result<bool> {
    let g = &route.guards;
    let m = &state.guards.metrics;
    ctx.guard.strip = state.config.claim_headers.clone();
    let req = session.req_header();
    ctx.guard.false_upgrade = req.headers.contains_key(header::UPGRADE) && !is_websocket(req);
    if let Some(v) = &g.jwt {
        let allow_query = v
            .query_param
            .unwrap_or_else(|| is_websocket(session.req_header()));
        let req = session.req_header();
        let token = token_from(
            &req.headers,
            req.uri.query(),
            v.cookie.as_deref(),
            allow_query,
        );
        let verdict = match &token {
            Some(t) => v.verify(t),
            None => Err(Reject::Missing),
        };
        match verdict {
            Ok(claims) => {
                ctx.guard.token = token.map(|t| {
                    (
                        t.into_owned(),
                        claims.get("sub").cloned(),
                        claims.get("iss").cloned(),
                    )
                });
                ctx.guard.subject = claims.get("sub").map(claim_string);
                ctx.guard.forward = v
                    .forward
                    .iter()
                    .filter_map(|(c, h)| claims.get(c).map(|val| (h.clone(), claim_string(val))))
                    .filter(|(_, val)| http::HeaderValue::from_str(val).is_ok())
                    .collect();
            }
            Err(r) => {
                m.jwt_rejections
                    .with_label_values(&[route.name.as_str(), r.as_str()])
                    .inc();
                session.set_keepalive(None);
                // A request with no token gets the bare challenge (RFC 6750 §3.1): an
                // OAuth client reads `invalid_token` as "refresh the token you sent".
                let challenge = match r {
                    Reject::Missing => "Bearer".to_owned(),
                    _ => format!(
                        "Bearer error=\"invalid_token\", error_description=\"{}\"",
                        r.message()
                    ),
                };
                let e = HttpError::new(401, "authentication_error", "invalid_token", r.message())
                    .with_header("www-authenticate", challenge);
                proxy.respond_error(session, ctx, &e).await?;
                return Ok(true);
            }
        }
    }
    if let Some(l) = &g.rate_limit {
        let ip = crate::store::client_subject(ctx.client_ip);
        let who = match &l.by {
            LimitKey::Ip => ip,
            LimitKey::JwtSubject => ctx.guard.subject.as_deref().map_or(ip, |s| {
                format!(
                    "sub:{}",
                    state.guards.caller_digest(&route.name, s.as_bytes())
                )
            }),
            // A header names a caller by its value, which may be the caller's credential.
            LimitKey::Header(h) => session.req_header().headers.get(h).map_or(ip, |v| {
                format!(
                    "h:{}",
                    state.guards.caller_digest(&route.name, v.as_bytes())
                )
            }),
        };
        let d = state
            .guards
            .limiter
            .check(&[(format!("route:{}:{who}", route.name), l.quota)])
            .await;
        if !d.allowed {
            m.rate_limited
                .with_label_values(&[route.name.as_str()])
                .inc();
            let secs = d.retry_after.as_secs_f64().ceil() as u64;
            let e = HttpError::new(
                429,
                "rate_limit_error",
                "rate_limit_exceeded",
                format!("too many requests; retry in {secs}s"),
            )
            .with_retry_after(secs)
            .with_header("x-ratelimit-limit", d.limit.to_string())
            .with_header("x-ratelimit-remaining", "0");
            proxy.respond_error(session, ctx, &e).await?;
            return Ok(true);
        }
    }
    let alerts_on = g.alerts.is_some() && state.guards.alerts.is_some();
    if let (true, Some(a)) = (alerts_on, &g.alerts) {
        ctx.guard.alert_fields = a.json_fields.clone();
    }
    // A login attempt carries credentials in its body, whatever its method (an app may
    // log in on any); only a POST, PUT or PATCH at the login path can clear an account.
    let sends = matches!(
        session.req_header().method,
        http::Method::POST | http::Method::PUT | http::Method::PATCH
    );
    // Pingora's view covers HTTP/2, where a body needs no Content-Length.
    let attempt = sends || !session.as_mut().is_body_empty();
    if let Some(login) = g.login.as_ref().filter(|_| attempt) {
        // The account is read from the body as sent. A compressed one would hide it (the
        // app inflates it, the edge would count the IP alone), and no login form sends one.
        let encoded = session
            .req_header()
            .headers
            .get(header::CONTENT_ENCODING)
            .is_some_and(|v| !v.as_bytes().eq_ignore_ascii_case(b"identity"));
        if encoded {
            let e = HttpError::new(
                415,
                "invalid_request_error",
                "unsupported_content_encoding",
                "a login request body must not be compressed (Content-Encoding)",
            );
            session.set_keepalive(None);
            proxy.respond_error(session, ctx, &e).await?;
            return Ok(true);
        }
        // The body is read here to find the account, so it must be replayed upstream:
        // Pingora's retry buffer does that for bodies up to 64 KiB, plenty for a login form.
        session.as_mut().enable_retry_buffering();
        // A client that waits for `100 Continue` before sending its body gets it from us,
        // since we read the body before the app is asked; the app is not asked again.
        let timeout = state.config.limits.body_read_timeout;
        let buf = match super::body::read_whole(session, BODY_PEEK as u64, timeout).await {
            Ok((buf, continued)) => {
                ctx.guard.continued = continued;
                buf
            }
            Err(BodyError::TimedOut(t)) => {
                let e = HttpError::new(
                    408,
                    "invalid_request_error",
                    "request_timeout",
                    format!("no request body data for {}s", t.as_secs()),
                );
                proxy.respond_error(session, ctx, &e).await?;
                return Ok(true);
            }
            Err(BodyError::TooLarge(n)) => {
                proxy
                    .respond_error(session, ctx, &HttpError::payload_too_large(n))
                    .await?;
                return Ok(true);
            }
            Err(BodyError::Io(e)) => return Err(Error::explain(ReadError, e).into_down()),
        };
        // Node reads header bytes as Latin-1 and trims U+00A0: a type that is not visible
        // ASCII could be a form to the app and JSON here.
        let content_type = match session.req_header().headers.get(header::CONTENT_TYPE) {
            None => None,
            Some(v) => match v.to_str() {
                Ok(t) => Some(t),
                Err(_) => {
                    let e = HttpError::new(
                        400,
                        "invalid_request_error",
                        "unreadable_login",
                        "the login's Content-Type is not plain ASCII",
                    );
                    session.set_keepalive(None);
                    proxy.respond_error(session, ctx, &e).await?;
                    return Ok(true);
                }
            },
        };
        let mut subjects = vec![format!(
            "{}:ip:{}",
            route.name,
            crate::store::client_subject(ctx.client_ip)
        )];
        let account = match body::field(&buf, content_type, &login.account_field) {
            Ok(account) => account,
            Err(why) => {
                let e = HttpError::new(400, "invalid_request_error", "unreadable_login", why);
                session.set_keepalive(None);
                proxy.respond_error(session, ctx, &e).await?;
                return Ok(true);
            }
        };
        if let Some(account) = account {
            subjects.push(format!(
                "{}:acct:{}",
                route.name,
                state.guards.account_digest(&route.name, &account)
            ));
        }
        // The same subjects as `reserved`, each with its limit.
        let address = login
            .ip_policy
            .as_ref()
            .zip(subjects.first())
            .map(|(p, ip)| (ip.as_str(), p.max_failures));
        let reserve: Vec<(&str, u32)> = address
            .into_iter()
            .chain(
                accounts(&subjects)
                    .iter()
                    .map(|a| (a.as_str(), login.policy.max_failures)),
            )
            .collect();
        let mut reserved_locally = false;
        let refusal = match state
            .guards
            .lockouts
            .admit(&subjects, &reserve, login.policy.window)
            .await
        {
            Admission::Open { local } => {
                reserved_locally = local;
                None
            }
            Admission::Locked(left) => {
                let secs = left.as_secs_f64().ceil() as u64;
                Some((secs, format!("too many failed logins; retry in {secs}s")))
            }
            Admission::Busy => Some((
                1,
                "too many login attempts at once for this account or from this address; \
                 retry in 1s"
                    .to_string(),
            )),
        };
        if let Some((secs, message)) = refusal {
            m.lockouts
                .with_label_values(&[route.name.as_str(), "refused"])
                .inc();
            let e = HttpError::new(429, "rate_limit_error", "login_locked", message)
                .with_retry_after(secs);
            proxy.respond_error(session, ctx, &e).await?;
            return Ok(true);
        }
        // Failures count anywhere under the prefix; only a success at the login path itself
        // clears them, not a `/login/forgot` that answers 200 to any address.
        let path = session.req_header().uri.path();
        let at_login = sends && path.trim_end_matches('/') == route.prefix.trim_end_matches('/');
        ctx.guard.login = Some(Login {
            subjects,
            guard: login.clone(),
            at_login,
            reserved_locally,
        });
        if alerts_on {
            check_json(state, ctx, route, &buf, false);
        }
        return Ok(false);
    }
    if let (true, Some(a)) = (alerts_on, &g.alerts) {
        if is_websocket(session.req_header()) {
            if a.websocket {
                ctx.guard.ws = Some(FrameReader::default());
            }
        } else {
            let value = session.req_header().headers.get(header::CONTENT_ENCODING);
            match body::Coding::from_header(value.map(|v| v.as_bytes())) {
                Some(coding) => {
                    ctx.guard.alert_buf = Some((Vec::new(), coding));
                }
                None => tracing::debug!(
                    route = %route.name,
                    "alert rules skip a body in a content coding the edge does not read"
                ),
            }
        }
    }
    Ok(false)
}

/// Whether the request opens a WebSocket (RFC 6455: a GET with `Connection: upgrade` and
/// `Upgrade: websocket`). Pingora's `is_upgrade_req` sees any `Upgrade` header; a POST
/// that carries one is a plain POST to an app without an upgrade handler, and read as
/// frames its body would escape the alert rules. The edge's timeouts follow it too.
pub(crate) fn is_websocket(req: &RequestHeader) -> bool {
    let has_token = |name: header::HeaderName, token: &str| {
        req.headers.get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    // A handshake has no body; a GET that declares one is read by the app as a request
    // (Node upgrades only where the app listens for it), and so must the edge read it.
    let no_body = !req.headers.contains_key(header::TRANSFER_ENCODING)
        && req
            .headers
            .get(header::CONTENT_LENGTH)
            .is_none_or(|v| v.as_bytes() == b"0");
    req.method == http::Method::GET
        && req.version == http::Version::HTTP_11
        && no_body
        && has_token(header::CONNECTION, "upgrade")
        && has_token(header::UPGRADE, "websocket")
}

/// Replaces client-sent claim headers with the verified claims, and takes off an `Upgrade`
/// that is no WebSocket handshake.
pub fn forward_claims(req: &mut RequestHeader, ctx: &RequestCtx) -> Result<()> {
    for h in &ctx.guard.strip {
        req.remove_header(h);
    }
    if ctx.guard.continued {
        req.remove_header(&header::EXPECT);
    }
    if ctx.guard.false_upgrade {
        req.remove_header(&header::UPGRADE);
        req.remove_header(&header::CONNECTION);
    }
    for (h, v) in &ctx.guard.forward {
        req.insert_header(h.clone(), v.as_str())?;
    }
    if let (Some((token, sub, iss)), Some(v)) = (
        &ctx.guard.token,
        ctx.route.as_ref().and_then(|r| r.guards.jwt.as_ref()),
    ) {
        // Another token may go on only if it verifies and names the same subject: a
        // browser's session cookie beside a fresher header token, a WebSocket's query token
        // beside its cookie. Each is verified once, however many places carry it.
        let seen: std::cell::RefCell<Vec<(Vec<u8>, bool)>> = Default::default();
        let keep = |t: &[u8]| {
            if t == token.as_bytes() {
                return true;
            }
            if let Some((_, k)) = seen.borrow().iter().find(|(s, _)| s == t) {
                return *k;
            }
            if seen.borrow().len() >= 8 {
                return false;
            }
            let k = std::str::from_utf8(t).is_ok_and(|t| {
                v.verify(t)
                    .is_ok_and(|c| c.get("sub") == sub.as_ref() && c.get("iss") == iss.as_ref())
            });
            seen.borrow_mut().push((t.to_vec(), k));
            k
        };
        strip_unverified(req, &keep, v.cookie.as_deref())?;
    }
    Ok(())
}

/// Takes every token `keep` refuses off the request: `Bearer` credentials, pairs of the
/// route's cookie, `access_token` parameters. An app that reads its token where the edge
/// did not look (a second cookie pair, the query of a request whose header was verified)
/// then finds a token verified for the same subject, or none.
fn strip_unverified(
    req: &mut RequestHeader,
    keep: &dyn Fn(&[u8]) -> bool,
    cookie: Option<&str>,
) -> Result<()> {
    let auth = req.headers.get_all(header::AUTHORIZATION);
    if auth.iter().any(|v| jwt::unkept_bearer(v.as_bytes(), keep)) {
        let kept: Vec<http::HeaderValue> = auth
            .iter()
            .filter(|v| !jwt::unkept_bearer(v.as_bytes(), keep))
            .cloned()
            .collect();
        req.remove_header(&header::AUTHORIZATION);
        for v in kept {
            req.append_header(header::AUTHORIZATION, v)?;
        }
    }
    if let Some(name) = cookie {
        let lines: Vec<http::HeaderValue> = req
            .headers
            .get_all(header::COOKIE)
            .iter()
            .cloned()
            .collect();
        let rewritten: Vec<Option<Vec<u8>>> = lines
            .iter()
            .map(|l| jwt::cookie_line_without_unkept(l.as_bytes(), name, keep))
            .collect();
        if rewritten.iter().any(Option::is_some) {
            req.remove_header(&header::COOKIE);
            for (line, new) in lines.into_iter().zip(rewritten) {
                let v = match new {
                    None => line,
                    Some(n) if n.is_empty() => continue,
                    Some(n) => http::HeaderValue::from_bytes(&n)
                        .map_err(|e| Error::because(ErrorType::InternalError, "cookie", e))?,
                };
                req.append_header(header::COOKIE, v)?;
            }
        }
    }
    if let Some(target) = jwt::target_without_unkept(req.raw_path(), keep) {
        req.set_raw_path(&target)?;
    }
    Ok(())
}

/// Ends a login attempt's reservation (see `Lockouts::admit`), once, however the request
/// ended: answered, failed upstream or cut off.
pub async fn on_end(state: &State, ctx: &mut RequestCtx) {
    if let Some(l) = ctx.guard.login.take() {
        state
            .guards
            .lockouts
            .release(reserved(&l.subjects, &l.guard), l.reserved_locally)
            .await;
    }
}

/// Forgets the body seen so far: a retry replays it from its start.
pub fn on_retry(ctx: &mut RequestCtx) {
    if let Some((buf, _)) = &mut ctx.guard.alert_buf {
        buf.clear();
    }
}

/// Counts a login's outcome once the upstream has answered.
pub async fn on_upstream_status(state: &State, ctx: &RequestCtx, status: u16) {
    let Some(Login {
        subjects,
        guard: login,
        at_login,
        ..
    }) = &ctx.guard.login
    else {
        return;
    };
    let route = ctx.route.as_ref().map_or("-", |r| r.name.as_str());
    if login.failure_statuses.contains(&status) {
        let lockouts = &state.guards.lockouts;
        // The address first (see `accounts`), on its own, higher count.
        let ip = match (&login.ip_policy, subjects.first()) {
            (Some(p), Some(ip)) => lockouts.failure(std::slice::from_ref(ip), p).await,
            _ => None,
        };
        let account = match accounts(subjects) {
            [] => None,
            acct => lockouts.failure(acct, &login.policy).await,
        };
        if let Some(cool) = ip.max(account) {
            state
                .guards
                .metrics
                .lockouts
                .with_label_values(&[route, "locked"])
                .inc();
            tracing::warn!(route, client_ip = %ctx.client_ip, cooldown_s = cool.as_secs(), "login locked after repeated failures");
        }
    } else if *at_login && (200..300).contains(&status) {
        // The address's count stands (see `Lockouts::success`); it is the first subject.
        state.guards.lockouts.success(accounts(subjects)).await;
    }
}

/// Watches request bytes for alert rules: JSON bodies at their end, WebSocket messages
/// as they complete. The bytes themselves pass on unchanged and undelayed.
pub fn on_body(state: &State, ctx: &mut RequestCtx, body: &Option<Bytes>, end: bool) {
    let Some(route) = ctx.route.clone() else {
        return;
    };
    if let Some(ws) = ctx.guard.ws.as_mut() {
        if let Some(b) = body {
            let msgs = ws.push(b);
            if !msgs.is_empty() {
                let texts: Vec<String> = msgs
                    .iter()
                    .flat_map(|m| body::ws_texts(&m.text, m.cut, &ctx.guard.alert_fields))
                    .collect();
                alert(state, ctx, &route, &texts);
            }
        }
        return;
    }
    if let Some((buf, _)) = ctx.guard.alert_buf.as_mut() {
        // One byte past the peek marks a body that goes on past it.
        if let Some(b) = body {
            let room = (BODY_PEEK + 1).saturating_sub(buf.len());
            buf.extend_from_slice(&b[..b.len().min(room)]);
        }
        if end {
            if let Some((mut buf, coding)) = ctx.guard.alert_buf.take() {
                // A compressed peek that was cut is still read as far as it inflates.
                let cut = buf.len() > BODY_PEEK;
                buf.truncate(BODY_PEEK);
                let (text, cut) = body::decoded(buf, coding, BODY_PEEK, cut);
                check_json(state, ctx, &route, &text, cut);
            }
        }
    }
}

/// Alerts on the strings of a JSON body; `cut`: only its start is in `buf`.
fn check_json(state: &State, ctx: &RequestCtx, route: &Route, buf: &[u8], cut: bool) {
    let texts = match cut {
        true => body::cut_json_texts(buf, &ctx.guard.alert_fields),
        false => body::json_texts(buf, &ctx.guard.alert_fields).unwrap_or_default(),
    };
    if !texts.is_empty() {
        alert(state, ctx, route, &texts);
    }
}

fn alert(state: &State, ctx: &RequestCtx, route: &Route, texts: &[String]) {
    if let Some(a) = &state.guards.alerts {
        let client = match &ctx.guard.subject {
            Some(sub) => crate::alerts::Client::Subject(sub),
            None => crate::alerts::Client::Address(ctx.client_ip),
        };
        a.check(
            &crate::alerts::Origin {
                request_id: &ctx.request_id,
                tenant: None,
                route: &route.name,
                client,
            },
            texts,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, headers: &[(&str, &str)]) -> RequestHeader {
        let mut r = RequestHeader::build(method, b"/ws", None).unwrap();
        for (k, v) in headers {
            r.append_header(k.to_string(), *v).unwrap();
        }
        r
    }

    #[test]
    fn only_a_websocket_handshake_counts_as_one() {
        let ws = req(
            "GET",
            &[
                ("connection", "keep-alive, Upgrade"),
                ("upgrade", "WebSocket"),
            ],
        );
        assert!(is_websocket(&ws));
        for (method, headers) in [
            ("GET", &[("upgrade", "websocket")][..]),
            ("GET", &[("connection", "upgrade"), ("upgrade", "h2c")][..]),
            (
                "GET",
                &[("connection", "close"), ("upgrade", "websocket")][..],
            ),
            (
                "POST",
                &[("connection", "upgrade"), ("upgrade", "websocket")][..],
            ),
            (
                "GET",
                &[
                    ("connection", "upgrade"),
                    ("upgrade", "websocket"),
                    ("content-length", "40"),
                ][..],
            ),
        ] {
            assert!(!is_websocket(&req(method, headers)), "{method} {headers:?}");
        }
    }
}

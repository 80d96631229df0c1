//! Guarding the apps behind the edge: JWT (WebSocket too), route rate limits, login
//! lockout and alert webhooks, against real origins, a real Redis and a real receiver.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::origin::Origin;
use common::{client, free_port, Edge};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

const JWT_SECRET: &str = "jwt-test-secret-0123456789abcdef-0123";

fn token(claims: Value) -> String {
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn good() -> String {
    token(json!({"sub": "user-42", "iss": "https://auth.test", "aud": "chat", "exp": now() + 300}))
}

/// Sends `request` as written (no client library rewrites it) and reads the answer whole;
/// the request asks for `Connection: close`.
fn raw_request(port: u16, request: impl AsRef<[u8]>) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_ref()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends a login that waits for `100 Continue` (with `headers`, each ending in CRLF), checks
/// that the edge sends one, sends the body, and returns what comes after.
fn login_after_continue(port: u16, headers: &str) -> String {
    use std::io::{Read, Write};
    let body = r#"{"email":"continue@corp-mail.com","password":"right"}"#;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "POST /login HTTP/1.1\r\nHost: x\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    let mut first = [0u8; 25];
    s.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(body.as_bytes()).unwrap();
    let mut rest = String::new();
    let _ = s.read_to_string(&mut rest);
    rest
}

fn jwt_config(port: u16, web: &Origin) -> String {
    format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes:\n  - prefix: /ws\n    upstream: web\n    jwt: {{keys: [{{alg: HS256, secret: \"{JWT_SECRET}\"}}], issuer: \"https://auth.test\", audience: [chat]}}\n  - prefix: /api/\n    upstream: web\n    jwt: {{keys: [{{alg: HS256, secret: \"{JWT_SECRET}\"}}], issuer: \"https://auth.test\", audience: [chat], cookie: session}}\n  - prefix: /\n    upstream: web\n",
        web.addr
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn jwt_routes_admit_valid_tokens_and_forward_the_subject() {
    let web = Origin::start("web");
    let port = free_port();
    let edge = Edge::start(&jwt_config(port, &web));
    let url = format!("http://127.0.0.1:{port}/api/profile");
    let c = client();
    let r = c
        .get(&url)
        .bearer_auth(good())
        .header("x-user-id", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["headers"]["x-user-id"], "user-42",
        "the verified subject, not the client's header"
    );
    // A route without `jwt` cannot be sent a forged claim header either.
    let r = c
        .get(format!("http://127.0.0.1:{port}/public"))
        .header("x-user-id", "admin")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v["headers"].get("x-user-id").is_none(), "{v}");
    // The guarded path in a spelling some app reads as it is refused, not let through
    // by the catch-all route.
    for path in [
        "/API/profile",
        "/%61pi/profile",
        "//api/profile",
        "/api%2Fprofile",
    ] {
        let r = c
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "ambiguous_path", "{path}");
    }
    // Upgrade headers on a request that is no WebSocket handshake (a POST) do not reach
    // the app, which could otherwise switch to a protocol the edge does not read.
    let answer = raw_request(
        port,
        "POST /public HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    assert!(
        body.contains("\"headers\"") && !body.to_ascii_lowercase().contains("\"upgrade\""),
        "{body}"
    );
    // An absolute-form target reaches the app in origin-form (Node would parse the two
    // forms differently); a backslash that Node reads as a slash is refused.
    let answer = raw_request(
        port,
        format!("GET http://127.0.0.1:{port}/public?q=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert!(answer.contains(r#""target":"/public?q=1""#), "{answer}");
    // HTTP/1.1 lets an absolute-form target stand without `Host`: the app gets one, from it.
    let answer = raw_request(
        port,
        format!("GET http://127.0.0.1:{port}/public HTTP/1.1\r\nConnection: close\r\n\r\n"),
    );
    assert!(
        answer.contains(r#""target":"/public""#)
            && answer.contains(&format!(r#""host":"127.0.0.1:{port}""#)),
        "{answer}"
    );
    // A target that is not UTF-8 is refused (today by Pingora's parser, before routing's
    // own check): Node reads its bytes as Latin-1 and trims a trailing U+00A0, so
    // /api/profile\xA0 would be /api/profile to it and not to routing.
    let answer = raw_request(
        port,
        b"GET /api/profile\xA0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let answer = raw_request(
        port,
        "GET /api\\profile HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    // A dot segment hidden from the client's own resolution is refused, guarded or not.
    let hits = web.state.hits.load(std::sync::atomic::Ordering::Relaxed);
    let r = c
        .get(format!("http://127.0.0.1:{port}/public/..%2Fapi/profile"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        web.state.hits.load(std::sync::atomic::Ordering::Relaxed),
        hits
    );
    let r = c
        .get(&url)
        .header("cookie", format!("theme=dark; session={}", good()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "the token may come in the configured cookie"
    );
    // Tokens that do not verify do not reach the app: a second cookie pair (spelled as
    // Node's parser reads it), a query token and a second `Authorization` header (tab
    // after the scheme), a valid token of another user. Another token of the same user
    // that verifies (a session cookie beside a fresher header token) goes on.
    let valid = good();
    let other = token(
        json!({"sub": "user-42", "iss": "https://auth.test", "aud": "chat", "exp": now() + 600}),
    );
    let someone_else = token(
        json!({"sub": "user-7", "iss": "https://auth.test", "aud": "chat", "exp": now() + 300}),
    );
    let answer = raw_request(
        port,
        format!(
            "GET /api/profile?room=1&access%5Ftoken=forged HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nAuthorization: Bearer\tforged\r\nCookie: theme=dark; session =forged; session={}\r\nCookie: session={}\r\nConnection: close\r\n\r\n",
            valid,
            someone_else,
            other
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body: Value =
        serde_json::from_str(&answer[answer.find("\r\n\r\n").unwrap() + 4..]).unwrap();
    assert_eq!(body["target"], "/api/profile?room=1", "{body}");
    assert!(!body.to_string().contains("forged"), "{body}");
    assert!(!body.to_string().contains(&someone_else), "{body}");
    let lines: Vec<&str> = body["header_lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|l| l.starts_with("cookie:") || l.starts_with("authorization:"))
        .collect();
    assert_eq!(
        lines,
        [
            format!("authorization: Bearer {valid}"),
            "cookie: theme=dark".to_string(),
            format!("cookie: session={other}"),
        ],
        "{body}"
    );

    let expired =
        token(json!({"sub": "u", "iss": "https://auth.test", "aud": "chat", "exp": now() - 600}));
    let wrong_aud = token(
        json!({"sub": "u", "iss": "https://auth.test", "aud": "billing", "exp": now() + 300}),
    );
    let mut tampered = good();
    // Change one character inside the payload (the claims), keeping the signature.
    let at = tampered.find('.').unwrap() + 6;
    let swapped = if &tampered[at..at + 1] == "A" {
        "B"
    } else {
        "A"
    };
    tampered.replace_range(at..at + 1, swapped);
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let none = format!(
        "{}.{}.",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(
            json!({"sub": "admin", "iss": "https://auth.test", "aud": "chat", "exp": now() + 300})
                .to_string()
        )
    );
    let hits_before = web.state.hits.load(std::sync::atomic::Ordering::Relaxed);
    for (t, why) in [
        (expired, "expired"),
        (wrong_aud, "audience"),
        (tampered, "tampered"),
        (none, "alg none"),
    ] {
        let r = c
            .get(&url)
            .bearer_auth(t)
            .header("x-user-id", "admin")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{why}");
        assert!(r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\""));
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_token", "{why}");
    }
    // No token at all: the bare challenge, no error code (RFC 6750 §3.1).
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401, "no token at all");
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        web.state.hits.load(std::sync::atomic::Ordering::Relaxed),
        hits_before,
        "nothing reached the upstream"
    );
    let m = edge.metrics();
    assert!(
        m.contains("securetag_jwt_rejections_total{reason=\"expired\""),
        "{m}"
    );
    assert!(m.contains("reason=\"audience\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_upgrades_need_a_token_and_then_echo() {
    let web = Origin::start("web");
    let port = free_port();
    let _edge = Edge::start(&jwt_config(port, &web));
    let refused = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/ws")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 401),
        other => panic!("the upgrade must be refused, got {other:?}"),
    }
    let url = format!("ws://127.0.0.1:{port}/ws?access_token={}", good());
    let (_ws, resp, reply) = common::ws_open(&url, "hola").await;
    assert_eq!(resp.status(), 101);
    assert_eq!(
        reply, "user-42: hola",
        "the origin saw the verified X-User-Id"
    );
}

fn limit_config(port: u16, web: &Origin, redis: &str) -> String {
    format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\ntrusted_proxies: [127.0.0.1/32]\nredis_url: \"{redis}\"\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes:\n  - name: search\n    prefix: /search\n    upstream: web\n    rate_limit: {{by: ip, rate: 3, per: 1m, burst: 3}}\n  - name: keyed\n    prefix: /keyed\n    upstream: web\n    rate_limit: {{by: \"header:x-api-key\", rate: 2, per: 1m, burst: 2}}\n  - prefix: /\n    upstream: web\n",
        web.addr
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn route_rate_limits_are_shared_and_survive_redis_going_away() {
    let web = Origin::start("web");
    let mut redis = common::services::RedisInstance::start();
    let (p1, p2) = (free_port(), free_port());
    let _a = Edge::start(&limit_config(p1, &web, &redis.url()));
    let _b = Edge::start(&limit_config(p2, &web, &redis.url()));
    let c = client();
    let ip = format!(
        "203.0.113.{}",
        uuid::Uuid::new_v4().as_bytes()[0] % 200 + 10
    );
    let get = |port: u16, ip: String| {
        let c = c.clone();
        async move {
            c.get(format!("http://127.0.0.1:{port}/search?q=x"))
                .header("x-forwarded-for", ip)
                .send()
                .await
                .unwrap()
        }
    };
    let mut statuses = Vec::new();
    for i in 0..5 {
        statuses.push(
            get(if i % 2 == 0 { p1 } else { p2 }, ip.clone())
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 429, 429],
        "3 per minute across both instances"
    );
    let r = get(p1, ip.clone()).await;
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(
        get(p1, "198.51.100.77".into()).await.status(),
        200,
        "other clients have their own budget"
    );
    assert_eq!(
        c.get(format!("http://127.0.0.1:{p1}/other"))
            .header("x-forwarded-for", ip.clone())
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "other routes are not limited"
    );

    // Callers named by a header share one budget across instances, and Redis holds a
    // digest of the header, never the credential in it.
    let mut statuses = Vec::new();
    for port in [p1, p2, p1] {
        let r = c
            .get(format!("http://127.0.0.1:{port}/keyed"))
            .header("x-api-key", "sk-live-CALLER-SECRET-42")
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429]);
    let port = redis.url().rsplit(':').next().unwrap().to_string();
    let keys = std::process::Command::new("redis-cli")
        .args(["-p", &port, "--scan"])
        .output()
        .unwrap();
    let keys = String::from_utf8_lossy(&keys.stdout);
    assert!(keys.contains("route:keyed:h:"), "{keys}");
    assert!(!keys.contains("CALLER-SECRET"), "{keys}");

    redis.stop();
    let fresh = "192.0.2.55".to_string();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(get(p1, fresh.clone()).await.status().as_u16());
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 429, 429],
        "still limited in process without Redis"
    );
}

fn login_config(port: u16, web: &Origin, redis: Option<&str>) -> String {
    let redis = redis.map_or(String::new(), |r| format!("redis_url: \"{r}\"\n"));
    format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\ntrusted_proxies: [127.0.0.1/32]\n{redis}upstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes:\n  - name: login\n    prefix: /login\n    upstream: web\n    login: {{max_failures: 3, ip_max_failures: 3, window: 1m, lockout: 1s, max_lockout: 1m, account_field: email}}\n  - prefix: /\n    upstream: web\n",
        web.addr
    )
}

/// A login over HTTP/2 whose body stalls gets a 408 after the body read timeout (1 s
/// here): the edge reads login bodies itself, and Pingora bounds only HTTP/1 reads.
#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_http2_login_body_gets_408() {
    let web = Origin::start("web");
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let yaml = login_config(port, &web, None);
    let (yaml, c) = common::over_tls(
        &yaml,
        port,
        "one.test",
        "{body_read_timeout: 1s}",
        dir.path(),
    );
    let _edge = Edge::start(&yaml);
    let stalled = common::stalled_body(b"{\"email\": \"ana@example.org\", ");
    let start = Instant::now();
    let sent = c
        .post(format!("https://one.test:{port}/login"))
        .header("content-type", "application/json")
        .body(stalled)
        .send();
    let r = tokio::time::timeout(Duration::from_secs(10), sent)
        .await
        .expect("an answer before the stalled body ends")
        .unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    assert_eq!(r.status(), 408);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "request_timeout", "{v}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        start.elapsed()
    );
    assert_eq!(web.state.hits.load(std::sync::atomic::Ordering::Relaxed), 0);
}

/// An error after a `100 Continue` is still answered, and logged as itself: Pingora counts
/// the 100 as the response written, and the 502 of a login whose app is down was dropped.
#[tokio::test(flavor = "multi_thread")]
async fn an_error_after_100_continue_is_still_answered() {
    let (port, dead) = (free_port(), free_port());
    let edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"127.0.0.1:{dead}\"]}}}}\nroutes:\n  - name: login\n    prefix: /login\n    upstream: web\n    login: {{max_failures: 3, window: 1m, lockout: 1s, max_lockout: 1m, account_field: email}}\n"
    ));
    let rest = login_after_continue(port, "");
    assert!(rest.starts_with("HTTP/1.1 502"), "{rest:?}");
    assert!(rest.contains("\"type\""), "the JSON error: {rest}");
    let m = edge.metrics();
    assert!(
        m.contains("securetag_http_requests_total{route=\"login\",status=\"502\"} 1"),
        "{m}"
    );
}

/// By default an address takes many more failures than an account: one person's typos
/// behind an office NAT lock their account, not everyone's logins.
#[tokio::test(flavor = "multi_thread")]
async fn an_address_is_not_locked_by_one_accounts_failures() {
    let web = Origin::start("web");
    let port = free_port();
    let cfg = login_config(port, &web, None).replace("ip_max_failures: 3, ", "");
    let _edge = Edge::start(&cfg);
    let c = client();
    let attempt = |email: &str, password: &str| {
        c.post(format!("http://127.0.0.1:{port}/login"))
            .header("x-forwarded-for", "203.0.113.30")
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(
            attempt("typo@corp-mail.com", "wrong")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    assert_eq!(
        attempt("typo@corp-mail.com", "right")
            .await
            .unwrap()
            .status(),
        429,
        "the account is locked"
    );
    assert_eq!(
        attempt("colleague@corp-mail.com", "right")
            .await
            .unwrap()
            .status(),
        200,
        "the address is not"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_logins_lock_the_address_and_the_account() {
    wrong_logins_lock(None).await;
}

/// The same through Redis (its own instance), where the counts, locks and attempts in
/// flight are Lua scripts shared by every instance.
#[tokio::test(flavor = "multi_thread")]
async fn wrong_logins_lock_the_address_and_the_account_through_redis() {
    let redis = common::services::RedisInstance::start();
    wrong_logins_lock(Some(&redis.url())).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_guesses_from_one_address_meet_its_limit_in_flight() {
    for redis in [None, Some(common::services::RedisInstance::start())] {
        let web = Origin::start("web");
        let port = free_port();
        let edge = Edge::start(&login_config(
            port,
            &web,
            redis.as_ref().map(|r| r.url()).as_deref(),
        ));
        let c = client();
        let url = format!("http://127.0.0.1:{port}/login");
        // Six accounts at once, each answered after half a second: the address's limit
        // (3) holds them, though no account and no failure reached it yet.
        let guesses = (0..6).map(|n| {
            c.post(&url)
                .header("x-forwarded-for", "203.0.113.50")
                .json(&json!({"email": format!("user{n}@corp-mail.com"), "password": "slow"}))
                .send()
        });
        let mut statuses: Vec<u16> = futures::future::join_all(guesses)
            .await
            .into_iter()
            .map(|r| r.unwrap().status().as_u16())
            .collect();
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [401, 401, 401, 429, 429, 429],
            "redis: {}",
            redis.is_some()
        );
        assert_eq!(web.state.hits.load(std::sync::atomic::Ordering::Relaxed), 3);
        drop(edge);
    }
}

async fn wrong_logins_lock(redis: Option<&str>) {
    let web = Origin::start("web");
    let port = free_port();
    let edge = Edge::start(&login_config(port, &web, redis));
    let c = client();
    let url = format!("http://127.0.0.1:{port}/login");
    let attempt = |ip: &str, email: &str, password: &str| {
        c.post(&url)
            .header("x-forwarded-for", ip.to_string())
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    let hits = || web.state.hits.load(std::sync::atomic::Ordering::Relaxed);
    for _ in 0..3 {
        assert_eq!(
            attempt("203.0.113.10", "victim@corp-mail.com", "wrong")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    let before = hits();
    let r = attempt("203.0.113.10", "other@corp-mail.com", "right")
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the address is locked");
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(
        attempt("198.51.100.20", "victim@corp-mail.com", "right")
            .await
            .unwrap()
            .status(),
        429,
        "the account is locked from anywhere"
    );
    assert_eq!(hits(), before, "the upstream is not called while locked");

    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        attempt("203.0.113.10", "victim@corp-mail.com", "right")
            .await
            .unwrap()
            .status(),
        200,
        "the cool-down expired"
    );
    // A success reset the count: two failures do not lock again.
    for _ in 0..2 {
        assert_eq!(
            attempt("203.0.113.10", "victim@corp-mail.com", "wrong")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    assert_eq!(
        attempt("203.0.113.10", "victim@corp-mail.com", "right")
            .await
            .unwrap()
            .status(),
        200
    );
    // That success cleared the account's count, not the address's: one more wrong guess,
    // at another account, is the address's third and locks it.
    assert_eq!(
        attempt("203.0.113.10", "someone@corp-mail.com", "wrong")
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        attempt("203.0.113.10", "third@corp-mail.com", "right")
            .await
            .unwrap()
            .status(),
        429
    );
    // A compressed body would hide the account from the edge: refused.
    let r = c
        .post(&url)
        .header("content-encoding", "gzip")
        .header("x-forwarded-for", "192.0.2.77")
        .body("not really gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // Only a login attempt counts, and only a success at the login path clears an account:
    // an OPTIONS answered 200, or a 200 from a path under it, does not.
    let target = "target@corp-mail.com";
    let wrong = |ip: &'static str| attempt(ip, target, "wrong");
    assert_eq!(wrong("192.0.2.1").await.unwrap().status(), 401);
    assert_eq!(wrong("192.0.2.2").await.unwrap().status(), 401);
    let body = json!({"email": target}).to_string();
    let r = c
        .request(reqwest::Method::OPTIONS, &url)
        .header("content-type", "application/json")
        .header("x-forwarded-for", "192.0.2.3")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .post(format!("{url}/forgot"))
        .header("content-type", "application/json")
        .header("x-forwarded-for", "192.0.2.4")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(wrong("192.0.2.5").await.unwrap().status(), 401);
    assert_eq!(
        attempt("192.0.2.6", target, "right")
            .await
            .unwrap()
            .status(),
        429,
        "three failures lock the account whatever answered 200 between them"
    );
    // Guesses sent at once, from as many addresses, count while in flight: of eight
    // overlapping attempts at a fresh account (three allowed), three reach the app.
    let before = hits();
    let parallel: Vec<_> = (0..8)
        .map(|i| {
            attempt(
                [
                    "192.0.2.30",
                    "192.0.2.31",
                    "192.0.2.32",
                    "192.0.2.33",
                    "192.0.2.34",
                    "192.0.2.35",
                    "192.0.2.36",
                    "192.0.2.37",
                ][i],
                "parallel@corp-mail.com",
                "slow",
            )
        })
        .collect();
    let statuses: Vec<u16> = futures::future::join_all(parallel)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(hits() - before, 3);
    // A login sent as `multipart/form-data` (a `FormData` through `fetch`) names its
    // account too: three failures lock it, whatever the form.
    for i in 0..3 {
        let form = "--b7\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nform@corp-mail.com\r\n--b7\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nwrong\r\n--b7--\r\n";
        let r = c
            .post(&url)
            .header("x-forwarded-for", format!("192.0.2.{}", 40 + i))
            .header("content-type", "multipart/form-data; boundary=b7")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    assert_eq!(
        attempt("192.0.2.50", "form@corp-mail.com", "right")
            .await
            .unwrap()
            .status(),
        429
    );
    // A client that waits for `100 Continue` before its body gets one from the edge, which
    // reads the login body before the app is asked.
    let rest = login_after_continue(port, "X-Forwarded-For: 192.0.2.9\r\n");
    assert!(rest.starts_with("HTTP/1.1 200"), "{rest}");
    // A Content-Type that Node trims (U+00A0, read as Latin-1) and the edge cannot read:
    // the app would parse a form the edge took for JSON. Refused.
    let body = br#"["&email=victim%40x.mx&password=guess&"]"#;
    let mut req = b"POST /login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.60\r\nContent-Type: application/x-www-form-urlencoded\xA0\r\nConnection: close\r\n".to_vec();
    req.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    req.extend_from_slice(body);
    let answer = raw_request(port, req);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("unreadable_login"), "{answer}");
    // A body the app may parse and the edge cannot read would hide its account: refused.
    let before = hits();
    let deep = format!(
        r#"{{"email":"{target}","password":"x","pad":{}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .header("x-forwarded-for", "192.0.2.7")
        .body(deep)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unreadable_login", "{v}");
    assert_eq!(hits(), before, "the app never saw it");
    let logs = edge.stdout_text() + &edge.stderr_text() + &edge.metrics();
    assert!(
        !logs.contains("victim@corp-mail.com"),
        "the account never appears in logs"
    );
    if let Some(url) = redis {
        // Every lockout script ran in Redis: none fell back to in-process state, and the
        // lockout levels are there.
        assert!(!logs.contains("Redis lockout"), "{logs}");
        let port = url.rsplit(':').next().unwrap();
        let keys = std::process::Command::new("redis-cli")
            .args(["-p", port, "--scan", "--pattern", "securetag:login:level:*"])
            .output()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&keys.stdout).trim().is_empty(),
            "no lockout level in Redis"
        );
    }
    assert!(edge
        .metrics()
        .contains("securetag_login_lockouts_total{event=\"locked\",route=\"login\"}"));
}

struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<(Instant, String, String)>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A webhook receiver that answers `fail_first` times with 503, then 200.
fn receiver(fail_first: usize) -> Receiver {
    use axum::routing::post;
    let got: Arc<Mutex<Vec<(Instant, String, String)>>> = Default::default();
    let seen = got.clone();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let seen = seen.clone();
            let calls = calls.clone();
            async move {
                let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let sig = headers
                    .get("x-securetag-signature")
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default();
                seen.lock().unwrap().push((Instant::now(), sig, body));
                if n < fail_first {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (atx, arx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            atx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(l, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = arx.recv().unwrap();
    Receiver {
        url: format!("http://{addr}/hook"),
        got,
        _stop: tx,
    }
}

fn alert_config(port: u16, web: &Origin, hook: &str) -> String {
    format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes:\n  - name: chat\n    prefix: /chat\n    upstream: web\n    strip_prefix: true\n    alerts: {{json_fields: [message]}}\n  - prefix: /\n    upstream: web\nalerts:\n  webhook: {{url: \"{hook}\", secret: \"webhook-secret-0123456789\", timeout: 1s, max_attempts: 4, backoff: 100ms}}\n  rules:\n    - {{name: safety, category: safety, priority: high, keywords: [\"fallan los frenos\", \"brake failure\", \"fuga de combustible\"]}}\n    - {{name: human, category: human, priority: low, keywords: [\"hablar con una persona\", \"speak to a human\"]}}\n",
        web.addr
    )
}

/// Posts `body` to the alert route of [`alert_config`]; the app answers 200.
async fn send_chat(port: u16, body: &Value) {
    let r = client()
        .post(format!("http://127.0.0.1:{port}/chat/send"))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// The receiver's deliveries once it holds `n` of them (within 5 s, or `what` fails).
async fn deliveries(hook: &Receiver, n: usize, what: &str) -> Vec<(Instant, String, String)> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while hook.got.lock().unwrap().len() < n {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    hook.got.lock().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_spanish_safety_message_reaches_the_webhook_signed_and_redacted() {
    let web = Origin::start("web");
    let hook = receiver(2);
    let port = free_port();
    let edge = Edge::start(&alert_config(port, &web, &hook.url));
    let msg =
        "Hola, soy Carlos (carlos.mendoza@correo-mx.com) y se me fallan los frenos en la autopista";
    let sent = Instant::now();
    send_chat(port, &json!({"message": msg, "lang": "es"})).await;
    let got = deliveries(&hook, 3, "webhook not delivered with retries").await;
    assert!(
        got[0].0 - sent < Duration::from_secs(1),
        "first delivery within a second"
    );
    let (_, sig, body) = &got[2];
    assert_eq!(
        sig,
        &securetag_edge::alerts::signature("webhook-secret-0123456789", body.as_bytes())
    );
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["category"], "safety");
    assert_eq!(v["priority"], "high");
    assert_eq!(v["route"], "chat");
    assert!(v["request_id"].as_str().unwrap().len() >= 16);
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("fallan los frenos") && !m.contains("carlos.mendoza"),
        "{m}"
    );
    assert!(edge
        .metrics()
        .contains("securetag_alert_webhook_deliveries_total{outcome=\"retried\"} 2"));
    assert!(edge
        .metrics()
        .contains("securetag_alert_webhook_deliveries_total{outcome=\"delivered\"} 1"));
}

/// Express inflates gzip and deflate bodies before the app reads them: so does the edge
/// before its alert rules read them.
#[tokio::test(flavor = "multi_thread")]
async fn compressed_bodies_are_read_as_the_app_reads_them() {
    use std::io::Write;
    let web = Origin::start("web");
    let hook = receiver(0);
    let port = free_port();
    let _edge = Edge::start(&alert_config(port, &web, &hook.url));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(
        json!({"message": "brake failure on the highway"})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let mut zl = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zl.write_all(
        json!({"message": "I want to speak to a human"})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    for (coding, body) in [
        ("gzip", gz.finish().unwrap()),
        ("deflate", zl.finish().unwrap()),
    ] {
        let r = client()
            .post(format!("http://127.0.0.1:{port}/chat/send"))
            .header("content-type", "application/json")
            .header("content-encoding", coding)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let got = deliveries(&hook, 2, "no alert for a compressed body").await;
    let mut categories: Vec<String> = got
        .iter()
        .map(|(_, _, b)| serde_json::from_str::<Value>(b).unwrap()["category"].to_string())
        .collect();
    categories.sort_unstable();
    assert_eq!(categories, ["\"human\"", "\"safety\""]);
}

/// A request that repeats a matching message thousands of times, and a client that sends it
/// again, alert once: a flood must not fill the queue a real alert needs. Another client
/// alerts on its own; each alert has its own id.
#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_matches_alerts_once_per_rule_and_client() {
    let web = Origin::start("web");
    let hook = receiver(0);
    let port = free_port();
    let edge = Edge::start(&alert_config(port, &web, &hook.url));
    let many: Vec<String> = (0..2000).map(|i| format!("brake failure {i}")).collect();
    send_chat(port, &json!({"message": many})).await;
    send_chat(port, &json!({"message": "brake failure again"})).await;
    deliveries(&hook, 1, "no alert for the flood").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = hook.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "one alert for one rule and one client");
    let first: Value = serde_json::from_str(&got[0].2).unwrap();
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("brake failure 1999"),
        "the newest match is the one shown: {first}"
    );
    assert_eq!(
        edge.metric("securetag_alerts_total{category=\"safety\",queued=\"repeated\"}"),
        1.0
    );
    // Another client (a token's subject is not set here: another address) alerts.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let r = other
        .post(format!("http://127.0.0.1:{port}/chat/send"))
        .json(&json!({"message": "brake failure here too"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got = deliveries(&hook, 2, "no alert for the second client").await;
    let second: Value = serde_json::from_str(&got[1].2).unwrap();
    assert!(
        first["id"].as_str().is_some_and(|id| id.len() >= 32),
        "{first}"
    );
    assert_ne!(first["id"], second["id"]);
}

/// A receiver that answers 429 with `Retry-After: 1` is left alone that long.
#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_from_the_receiver_is_kept() {
    use axum::routing::post;
    let got: Arc<Mutex<Vec<Instant>>> = Default::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move || {
            let seen = seen.clone();
            async move {
                let mut g = seen.lock().unwrap();
                g.push(Instant::now());
                if g.len() == 1 {
                    (
                        axum::http::StatusCode::TOO_MANY_REQUESTS,
                        [("retry-after", "1")],
                    )
                } else {
                    (axum::http::StatusCode::OK, [("retry-after", "0")])
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    let web = Origin::start("web");
    let port = free_port();
    let _edge = Edge::start(&alert_config(port, &web, &hook));
    send_chat(port, &json!({"message": "brake failure"})).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while got.lock().unwrap().len() < 2 {
        assert!(Instant::now() < deadline, "the alert was not retried");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let times = got.lock().unwrap().clone();
    // The configured backoff is 100 ms; the receiver asked for a second.
    assert!(
        times[1] - times[0] >= Duration::from_millis(950),
        "retried after {:?}",
        times[1] - times[0]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_past_the_peek_alerts_on_what_the_peek_holds() {
    let web = Origin::start("web");
    let hook = receiver(0);
    let port = free_port();
    let edge = Edge::start(&alert_config(port, &web, &hook.url));
    // A chat message with a photo attached: 200 KB of JSON, the text first, and a field the
    // route does not name that would alert too.
    let body = json!({"message": "brake failure on the highway", "note": "brake failure drill",
        "photo": "QUJD".repeat(50_000)});
    send_chat(port, &body).await;
    deliveries(&hook, 1, "no alert for a long body").await;
    // Anything else would have been queued with it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = hook.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "only the named field alerts");
    let v: Value = serde_json::from_str(&got[0].2).unwrap();
    assert_eq!(v["category"], "safety");
    assert!(v["message"].as_str().unwrap().contains("highway"), "{v}");
    drop(edge);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shutdown_waits_for_queued_alerts_and_their_retries() {
    let web = Origin::start("web");
    // Three refusals with 200 ms, 400 ms and 800 ms between attempts: the fourth, the one
    // that lands, comes about 1.4 s after the message, long after the drain has found
    // nothing in flight.
    let hook = receiver(3);
    let port = free_port();
    let cfg = alert_config(port, &web, &hook.url).replace("backoff: 100ms", "backoff: 200ms");
    let mut edge = Edge::start(&cfg);
    send_chat(port, &json!({"message": "I need to speak to a human"})).await;
    edge.signal(libc::SIGTERM);
    let took = edge.wait_exit(Duration::from_secs(15));
    assert!(took.is_some(), "the edge did not exit");
    let got = hook.got.lock().unwrap().clone();
    assert_eq!(got.len(), 4, "every attempt made before the exit");
    let v: Value = serde_json::from_str(&got[3].2).unwrap();
    assert_eq!(v["category"], "human");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_receiver_never_slows_the_request_and_websocket_messages_alert_too() {
    let web = Origin::start("web");
    // A receiver that accepts connections and never answers: every delivery waits out its timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hook = format!("http://{}/hook", silent.local_addr().unwrap());
    let port = free_port();
    let edge = Edge::start(&alert_config(port, &web, &hook));
    let c = client();
    for _ in 0..3 {
        let t = Instant::now();
        let r = c
            .post(format!("http://127.0.0.1:{port}/chat/send"))
            .json(&json!({"message": "I need to speak to a human now"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            t.elapsed() < Duration::from_millis(900),
            "the request did not wait for the 1 s webhook timeout: {:?}",
            t.elapsed()
        );
    }
    let message = "there is a fuga de combustible here";
    let url = format!("ws://127.0.0.1:{port}/chat/ws");
    let (_ws, _, echo) = common::ws_open(&url, message).await;
    assert_eq!(echo, message);
    // Browsers offer compression (permessage-deflate), whose frames the rules could not
    // read: on a watched route the offer does not reach the app.
    {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = url.as_str().into_client_request().unwrap();
        req.headers_mut().insert(
            "sec-websocket-extensions",
            "permessage-deflate; client_max_window_bits"
                .parse()
                .unwrap(),
        );
        let (_ws, _, reply) = common::ws_open_request(req, "hola").await;
        assert_eq!(reply, "hola");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m = edge.metrics();
    // One client, one rule: the first alerts, the repeats are counted.
    assert!(
        m.contains("securetag_alerts_total{category=\"human\",queued=\"queued\"} 1")
            && m.contains("securetag_alerts_total{category=\"human\",queued=\"repeated\"} 2"),
        "{m}"
    );
    // At least once: a retried connection (see `ws_open`) may have sent it twice.
    assert!(
        edge.metric("securetag_alerts_total{category=\"safety\",queued=\"queued\"}") >= 1.0,
        "the WebSocket message matched: {m}"
    );
    drop(silent);
}

#[tokio::test(flavor = "multi_thread")]
async fn ai_prompts_are_checked_by_the_same_rules() {
    let web = Origin::start("web");
    let hook = receiver(0);
    let port = free_port();
    let cfg = alert_config(port, &web, &hook.url)
        + "ai:\n  system_secret: \"alert-test-secret-0123456789abcdef-00\"\n  audit: {file: audit.jsonl, spool_dir: spool}\n  providers: [{name: echo, kind: echo, models: [echo]}]\n  tenants:\n    - name: acme\n      credits: 10\n      policy: {is_enabled: true}\n      keys: [{key: sk-st-alerts-test-00000000000000001}]\n";
    let _edge = Edge::start(&cfg);
    let r = client()
        .post(format!("http://127.0.0.1:{port}/ai/v1/chat/completions"))
        .bearer_auth("sk-st-alerts-test-00000000000000001")
        .json(&json!({"model": "echo", "messages": [{"role": "user", "content": "Quiero hablar con una persona, me llamo Ana y mi tel es 55 1234 5678"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got = deliveries(&hook, 1, "no webhook for the AI prompt").await;
    let v: Value = serde_json::from_str(&got[0].2).unwrap();
    assert_eq!(
        (
            v["category"].as_str(),
            v["tenant"].as_str(),
            v["route"].as_str()
        ),
        (Some("human"), Some("acme"), Some("ai"))
    );
    assert!(!v["message"].as_str().unwrap().contains("1234 5678"), "{v}");
}

//! The edge against real origins: routing, headers, limits, TLS, HTTP/2, WebSocket, SSE,
//! upstream failures, lifecycle. Each test starts its own `securetag-edge` process.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::origin::Origin;
use common::{client, free_port, Edge};
use futures::{SinkExt, StreamExt};

fn listen() -> (u16, String) {
    let port = free_port();
    (port, format!("http://127.0.0.1:{port}"))
}

fn two_route_config(port: u16, api: &Origin, web: &Origin, extra: &str) -> String {
    format!(
        "listeners:\n  - address: 127.0.0.1:{port}\nupstreams:\n  api:\n    addresses: [\"{}\"]\n    read_timeout: 1s\n  web:\n    addresses: [\"{}\"]\nroutes:\n  - prefix: /api/\n    upstream: api\n    max_body_size: 1KiB\n  - prefix: /\n    upstream: web\n{extra}",
        api.addr, web.addr
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn routes_by_prefix_and_forwards_client_identity() {
    let (api, web) = (Origin::start("api"), Origin::start("web"));
    let (port, base) = listen();
    let edge = Edge::start(&two_route_config(port, &api, &web, ""));
    let c = client();

    let r = c.get(format!("{base}/api/users?x=1")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["origin"], "api");
    assert_eq!(v["path"], "/api/users");
    assert_eq!(v["headers"]["x-real-ip"], "127.0.0.1");
    assert_eq!(v["headers"]["x-forwarded-for"], "127.0.0.1");
    assert_eq!(v["headers"]["x-forwarded-proto"], "http");
    assert_eq!(
        v["headers"]["x-forwarded-host"],
        format!("127.0.0.1:{port}")
    );
    assert_eq!(v["headers"]["x-request-id"], rid.as_str());

    let v: serde_json::Value = c
        .get(format!("{base}/app/page"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["origin"], "web");

    // The proxy opted out of transparent huge pages (see `opt_out_of_huge_pages`).
    let pid = edge.child.as_ref().unwrap().id();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let thp = status.lines().find(|l| l.starts_with("THP_enabled:"));
    assert_eq!(
        thp.map(|l| l.split_whitespace().last()),
        Some(Some("0")),
        "{status}"
    );
    drop(edge);
}

#[tokio::test(flavor = "multi_thread")]
async fn spoofed_forwarding_headers_from_untrusted_peers_are_ignored() {
    let (api, web) = (Origin::start("api"), Origin::start("web"));
    let (port, base) = listen();
    let _edge = Edge::start(&two_route_config(port, &api, &web, ""));
    let r = client()
        .get(format!("{base}/x"))
        .header("x-forwarded-for", "6.6.6.6")
        .header("cf-connecting-ip", "7.7.7.7")
        .header("x-real-ip", "8.8.8.8")
        .header("x-forwarded-proto", "https")
        .header("x-request-id", "client-chosen")
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["x-request-id"], "client-chosen");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["headers"]["x-forwarded-for"], "127.0.0.1");
    assert_eq!(v["headers"]["x-real-ip"], "127.0.0.1");
    assert_eq!(v["headers"]["x-forwarded-proto"], "http");
    assert_ne!(v["headers"]["x-request-id"], "client-chosen");
}

#[tokio::test(flavor = "multi_thread")]
async fn trusted_proxy_headers_are_believed() {
    let (api, web) = (Origin::start("api"), Origin::start("web"));
    let (port, base) = listen();
    let _edge = Edge::start(&two_route_config(
        port,
        &api,
        &web,
        "trusted_proxies: [127.0.0.1/32]\n",
    ));
    let r = client()
        .get(format!("{base}/x"))
        .header("x-forwarded-for", "203.0.113.9")
        .header("cf-connecting-ip", "198.51.100.7")
        .header("x-forwarded-proto", "https")
        .header("x-request-id", "cf-ray-123")
        .header("forwarded", "for=127.0.0.1;proto=https")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "cf-ray-123");
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(
        v["headers"].get("forwarded").is_none(),
        "a client's own Forwarded is dropped, relayed or not"
    );
    assert_eq!(v["headers"]["x-real-ip"], "198.51.100.7");
    // The client closes the chain, as after Nginx's `real_ip`: an app that trusts one hop
    // reads the client there, not the trusted proxy.
    assert_eq!(v["headers"]["x-forwarded-for"], "203.0.113.9, 198.51.100.7");
    assert_eq!(v["headers"]["x-forwarded-proto"], "https");
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_get_413_before_and_during_upload() {
    let (api, web) = (Origin::start("api"), Origin::start("web"));
    let (port, base) = listen();
    let _edge = Edge::start(&two_route_config(port, &api, &web, ""));
    let c = client();

    let r = c
        .post(format!("{base}/api/upload"))
        .body(vec![b'a'; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large");
    assert_eq!(
        api.state.hits.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "upstream must not be called"
    );

    // Chunked: no Content-Length, the limit is enforced as bytes arrive.
    let chunks = futures::stream::iter((0..8).map(|_| Ok::<_, std::io::Error>(vec![b'b'; 512])));
    let r = c
        .post(format!("{base}/api/upload"))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await;
    match r {
        Ok(r) => assert_eq!(r.status(), 413),
        // The proxy may close while the client is still sending; a reset is acceptable.
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
    }

    // Within the limit, a chunked upload passes.
    let chunks = futures::stream::iter((0..2).map(|_| Ok::<_, std::io::Error>(vec![b'c'; 300])));
    let r = c
        .post(format!("{base}/api/upload"))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "600");
}

#[tokio::test(flavor = "multi_thread")]
async fn large_uploads_stream_to_the_upstream() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web, max_body_size: 64MiB}}]\n",
        web.addr
    ));
    let body = vec![7u8; 20 << 20];
    let r = client()
        .post(format!("{base}/upload"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), (20 << 20).to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn dead_upstream_is_502_and_slow_upstream_is_504_with_json() {
    let (api, web) = (Origin::start("api"), Origin::start("web"));
    let (port, base) = listen();
    let dead = free_port();
    let extra = "  - prefix: /dead\n    upstream: dead\n";
    let cfg = two_route_config(port, &api, &web, "")
        .replace("routes:\n", &format!("routes:\n{extra}"))
        .replace(
            "upstreams:\n",
            &format!("upstreams:\n  dead:\n    addresses: [\"127.0.0.1:{dead}\"]\n"),
        );
    let _edge = Edge::start(&cfg);
    let c = client();

    let r = c.get(format!("{base}/dead/x")).send().await.unwrap();
    assert_eq!(r.status(), 502);
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_gateway");
    assert_eq!(v["error"]["request_id"], rid.as_str());

    let r = c
        .get(format!("{base}/api/slow?ms=3000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "gateway_timeout");
    assert!(!v["error"]["request_id"].as_str().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_failures_retry_on_another_backend() {
    let web = Origin::start("web");
    let dead = free_port();
    let (port, base) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams:\n  web:\n    addresses: [\"127.0.0.1:{dead}\", \"{}\"]\n    retries: 1\n    passive_health: {{max_failures: 0}}\n",
        web.addr
    ).replace("upstreams:", "routes: [{prefix: /, upstream: web}]\nupstreams:"));
    let c = client();
    for _ in 0..6 {
        let r = c.get(format!("{base}/x")).send().await.unwrap();
        assert_eq!(r.status(), 200, "a GET is retried on the live backend");
    }
    // Nothing reached the dead backend (never taken out here, so every other request tries
    // it first), so a POST goes on to the live one too, body whole.
    for _ in 0..4 {
        let r = c
            .post(format!("{base}/x"))
            .body("{\"n\":1}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["body"], "{\"n\":1}");
    }
}

/// An origin that closes a kept-alive connection when the next request arrives on it (its
/// idle timer firing as the request lands). An idempotent request is sent again on a fresh
/// connection with its body replayed, while the body fits Pingora's retry buffer (64 KiB).
/// A longer body cannot be replayed, and a POST is not sent twice (the app may have acted
/// on it): both are 502, as with Nginx.
#[tokio::test(flavor = "multi_thread")]
async fn a_request_on_a_stale_pooled_connection_is_replayed_on_a_fresh_one() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let origin = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin_addr = origin.local_addr().unwrap();
    let (conns, requests) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (c2, r2) = (conns.clone(), requests.clone());
    std::thread::spawn(move || {
        for conn in origin.incoming().take(8) {
            let Ok(mut conn) = conn else { continue };
            c2.fetch_add(1, Ordering::SeqCst);
            let requests = r2.clone();
            std::thread::spawn(move || {
                conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                for served in 0.. {
                    // One request: its head, then Content-Length bytes of body.
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if conn.read(&mut byte).unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).to_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    let mut body = vec![0u8; len];
                    if conn.read_exact(&mut body).is_err() {
                        return;
                    }
                    requests.fetch_add(1, Ordering::SeqCst);
                    if served > 0 {
                        // Closed unanswered, as a keep-alive timeout would.
                        return;
                    }
                    let sum: u64 = body.iter().map(|&b| u64::from(b)).sum();
                    let answer = format!("{{\"len\":{len},\"sum\":{sum}}}");
                    let _ = conn.write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                            answer.len()
                        )
                        .as_bytes(),
                    );
                }
            });
        }
    });
    let (port, base) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{core: {{addresses: [\"{origin_addr}\"]}}}}\nroutes: [{{prefix: /, upstream: core}}]\n"
    ));
    let body = |n: usize| (0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>();
    let expected = |n: usize| {
        let sum: u64 = body(n).iter().map(|&b| u64::from(b)).sum();
        serde_json::json!({"len": n, "sum": sum})
    };
    let c = client();
    let send = |method: reqwest::Method, n: usize| {
        c.request(method, format!("{base}/upload"))
            .header("content-type", "application/octet-stream")
            .body(body(n))
            .send()
    };
    let count = || {
        (
            conns.load(Ordering::SeqCst),
            requests.load(Ordering::SeqCst),
        )
    };
    // The first PUT opens the pooled connection; the second lands on it as it closes.
    for n in [1000, 20_000] {
        let r = send(reqwest::Method::PUT, n).await.unwrap();
        assert_eq!(r.status(), 200, "a body of {n} bytes");
        assert_eq!(r.json::<serde_json::Value>().await.unwrap(), expected(n));
    }
    assert_eq!(
        count(),
        (2, 3),
        "the second PUT reached the origin twice, whole both times, the retry on a new connection"
    );
    // Past the retry buffer there is nothing to replay from.
    let r = send(reqwest::Method::PUT, 100 * 1024).await.unwrap();
    assert_eq!(r.status(), 502);
    assert_eq!(count(), (2, 4), "no retry without the whole body");
    let r = send(reqwest::Method::POST, 10).await.unwrap();
    assert_eq!(r.status(), 200, "a new connection");
    let r = send(reqwest::Method::POST, 10).await.unwrap();
    assert_eq!(r.status(), 502);
    assert_eq!(count(), (3, 6), "a POST is sent once");
}

#[tokio::test(flavor = "multi_thread")]
async fn active_health_checks_take_a_failing_backend_out() {
    let (a, b) = (Origin::start("a"), Origin::start("b"));
    let (port, base) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nroutes: [{{prefix: /, upstream: web}}]\nupstreams:\n  web:\n    addresses: [\"{}\", \"{}\"]\n    health_check: {{path: /healthz, interval: 200ms, unhealthy_threshold: 1, healthy_threshold: 1}}\n",
        a.addr, b.addr
    ));
    b.state
        .healthy
        .store(false, std::sync::atomic::Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(900)).await;
    let c = client();
    for _ in 0..6 {
        let v: serde_json::Value = c
            .get(format!("{base}/x"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["origin"], "a");
    }
    b.state
        .healthy
        .store(true, std::sync::atomic::Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(900)).await;
    let mut seen_b = false;
    for _ in 0..6 {
        let v: serde_json::Value = c
            .get(format!("{base}/x"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen_b |= v["origin"] == "b";
    }
    assert!(seen_b, "a recovered backend takes traffic again");
}

#[tokio::test(flavor = "multi_thread")]
async fn sse_first_event_arrives_before_the_upstream_finishes() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let r = client()
        .get(format!("{base}/sse?n=3&gap_ms=700"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let mut stream = r.bytes_stream();
    let first = stream.next().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event 0"));
    assert!(
        !web.state
            .sse_finished
            .load(std::sync::atomic::Ordering::SeqCst),
        "first event must not wait for the end of the stream"
    );
    let mut rest = Vec::new();
    while let Some(c) = stream.next().await {
        rest.extend_from_slice(&c.unwrap());
    }
    let rest = String::from_utf8_lossy(&rest);
    assert!(
        rest.contains("event 2") && rest.contains("[DONE]"),
        "{rest}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_upgrade_echoes_through_the_edge() {
    let web = Origin::start("web");
    let (port, _) = listen();
    let edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web, max_body_size: 1KiB}}]\n",
        web.addr
    ));
    let (mut ws, resp, first) =
        common::ws_open(&format!("ws://127.0.0.1:{port}/ws"), "hello").await;
    assert_eq!(resp.status(), 101);
    assert_eq!(first, "hello");
    // Messages are no request body: five of 600 bytes pass the route's 1 KiB body limit,
    // which would cut the socket after the second.
    let pad = "x".repeat(600);
    for i in 0..5 {
        ws.send(tokio_tungstenite::tungstenite::Message::Text(format!(
            "hello {i} {pad}"
        )))
        .await
        .unwrap();
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(m.into_text().unwrap(), format!("hello {i} {pad}"));
    }
    let open: i64 = edge
        .metrics()
        .lines()
        .find_map(|l| l.strip_prefix("securetag_downstream_connections_open "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    assert!(open >= 1, "the open WebSocket is counted as a connection");
    ws.close(None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_picks_the_certificate_by_sni_and_speaks_http2() {
    let web = Origin::start("web");
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let (c1, k1, pem1) = common::write_cert(dir.path(), "one", &["one.test"]);
    let (c2, k2, pem2) = common::write_cert(dir.path(), "two", &["two.test"]);
    let _edge = Edge::start(&format!(
        "listeners:\n  - address: 127.0.0.1:{port}\n    tls:\n      certificates:\n        - {{cert: \"{}\", key: \"{}\"}}\n        - {{cert: \"{}\", key: \"{}\"}}\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        c1.display(), k1.display(), c2.display(), k2.display(), web.addr
    ));
    for (host, pem, other) in [("one.test", &pem1, &pem2), ("two.test", &pem2, &pem1)] {
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let ok = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
            .resolve(host, addr)
            .build()
            .unwrap();
        let r = ok
            .get(format!("https://{host}:{port}/x"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.version(), reqwest::Version::HTTP_2, "ALPN must select h2");
        assert!(r.headers().contains_key("strict-transport-security"));
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["headers"]["x-forwarded-proto"], "https");
        // Trusting only the other certificate must fail: the right one was served.
        let wrong = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(other.as_bytes()).unwrap())
            .tls_built_in_root_certs(false)
            .resolve(host, addr)
            .build()
            .unwrap();
        assert!(wrong
            .get(format!("https://{host}:{port}/x"))
            .send()
            .await
            .is_err());
        // HTTP/1.1 over TLS still works.
        let h1 = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
            .http1_only()
            .resolve(host, addr)
            .build()
            .unwrap();
        let r = h1
            .get(format!("https://{host}:{port}/x"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.version(), reqwest::Version::HTTP_11);
    }
}

/// Opens a TLS connection with ALPN `h2` to the edge on `port`, writes `first`, and reads
/// until the edge closes it: whether it did (not the client's 8 s read timeout) and when.
fn h2_connection_closed(port: u16, first: &[u8]) -> (bool, Duration) {
    let connector = native_tls::TlsConnector::builder()
        .danger_accept_invalid_certs(true)
        .request_alpns(&["h2"])
        .build()
        .unwrap();
    let tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let mut tls = connector.connect("one.test", tcp).unwrap();
    let start = Instant::now();
    assert_eq!(tls.negotiated_alpn().unwrap().as_deref(), Some(&b"h2"[..]));
    tls.write_all(first).unwrap();
    // The server's SETTINGS frame comes first; read until the connection ends.
    let mut buf = [0u8; 1024];
    let closed = loop {
        match tls.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => continue,
            Err(e) => {
                break !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                )
            }
        }
    };
    (closed, start.elapsed())
}

/// An HTTP/2 client that completes TLS and sends no connection preface is cut off after the
/// header read timeout (1 s here; before, the connection stayed open); one that sends the
/// preface and then nothing is closed as idle after the keepalive timeout (3 s), and not by
/// the preface's deadline.
#[tokio::test(flavor = "multi_thread")]
async fn silent_http2_clients_are_cut_off() {
    let web = Origin::start("web");
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, _) = common::write_cert(dir.path(), "one", &["one.test"]);
    let _edge = Edge::start(&format!(
        "listeners:\n  - address: 127.0.0.1:{port}\n    tls:\n      certificates:\n        - {{cert: \"{}\", key: \"{}\"}}\nlimits: {{header_read_timeout: 1s, keepalive_timeout: 3s}}\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        cert.display(), key.display(), web.addr
    ));
    let (closed, after) = tokio::task::spawn_blocking(move || h2_connection_closed(port, b""))
        .await
        .unwrap();
    assert!(closed, "no preface: must be closed (waited {after:?})");
    assert!(
        after < Duration::from_secs(3),
        "no preface: closed after {after:?}"
    );
    // The preface and an empty SETTINGS frame (length 0, type 4, no flags, stream 0).
    let hello = [
        &b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"[..],
        &[0, 0, 0, 4, 0, 0, 0, 0, 0],
    ]
    .concat();
    let (closed, after) = tokio::task::spawn_blocking(move || h2_connection_closed(port, &hello))
        .await
        .unwrap();
    assert!(closed, "idle: must be closed (waited {after:?})");
    assert!(
        (Duration::from_millis(2500)..Duration::from_secs(6)).contains(&after),
        "idle: closed after {after:?}"
    );
    assert_eq!(web.state.hits.load(std::sync::atomic::Ordering::Relaxed), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_listener_redirects_to_https_with_308() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}, redirect_https: true}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let r = client()
        .get(format!("{base}/a/b?c=1"))
        .header("host", "example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["location"], "https://example.com/a/b?c=1");
    assert_eq!(web.state.hits.load(std::sync::atomic::Ordering::Relaxed), 0);
}

/// A listener taken out of the file by a reload keeps its socket, and its settings: a
/// redirect-only port must not become a plain proxy.
#[tokio::test(flavor = "multi_thread")]
async fn a_removed_listener_keeps_redirecting_after_a_reload() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let other = free_port();
    let cfg = |listeners: &str| {
        format!(
            "listeners: [{listeners}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
            web.addr
        )
    };
    let edge = Edge::start(&cfg(&format!(
        "{{address: 127.0.0.1:{port}, redirect_https: true}}, {{address: 127.0.0.1:{other}}}"
    )));
    let head = std::fs::read_to_string(&edge.config).unwrap();
    let prefix = &head[..head.find("listeners:").unwrap()];
    std::fs::write(
        &edge.config,
        format!(
            "{prefix}{}",
            cfg(&format!("{{address: 127.0.0.1:{other}}}"))
        ),
    )
    .unwrap();
    edge.signal(libc::SIGHUP);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(edge
        .stderr_text()
        .contains("listeners taken out of the file keep serving"));
    let r = client()
        .get(format!("{base}/a"))
        .header("host", "example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(web.state.hits.load(std::sync::atomic::Ordering::Relaxed), 0);
}

/// A SIGQUIT with no new process waiting for the sockets is refused: the process keeps
/// serving instead of handing its sockets to nobody and exiting.
#[tokio::test(flavor = "multi_thread")]
async fn sigquit_without_a_successor_keeps_serving() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    // A socket file left where a killed successor waited is no successor.
    drop(std::os::unix::net::UnixListener::bind(edge.dir.path().join("upgrade.sock")).unwrap());
    edge.signal(libc::SIGQUIT);
    // The edge looks for a listening successor for 5 s; Pingora's hand-over would retry
    // as long before it gave up and shut down.
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert!(
        edge.stderr_text().contains("no new process waits"),
        "{}",
        edge.stderr_text()
    );
    let r = client().get(format!("{base}/x")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// A successor whose own set-up fails (here its audit spool cannot be made) exits before it
/// takes the sockets: the old process, its SIGQUIT finding no taker, keeps serving.
#[tokio::test(flavor = "multi_thread")]
async fn a_successor_that_fails_its_set_up_leaves_the_old_process_serving() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let cfg = |spool: &str| {
        format!(
            "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\nai:\n  system_secret: \"upgrade-test-secret-0123456789abcdef-00\"\n  audit: {{file: audit.jsonl, spool_dir: \"{spool}\"}}\n  providers: [{{name: echo, kind: echo, models: [echo]}}]\n",
            web.addr
        )
    };
    let edge = Edge::start(&cfg("spool"));
    let head = std::fs::read_to_string(&edge.config).unwrap();
    let prefix = &head[..head.find("listeners:").unwrap()];
    std::fs::write(&edge.config, format!("{prefix}{}", cfg("/dev/null/spool"))).unwrap();
    let mut successor = std::process::Command::new(common::bin())
        .args(["run", "--upgrade", "-c"])
        .arg(&edge.config)
        .current_dir(edge.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    edge.signal(libc::SIGQUIT);
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = successor.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = successor.kill();
            panic!("the successor kept running with a set-up that cannot work");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(!status.success());
    // It failed where this test means it to: building the shield, after the file loaded.
    let mut err = String::new();
    use std::io::Read;
    successor
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("spool"), "{err}");
    // The old process's wait for a taker (5 s) ends with a refusal.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let r = client().get(format!("{base}/x")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        edge.stderr_text().contains("no new process waits"),
        "{}",
        edge.stderr_text()
    );
}

/// A listener that cannot be bound ends the start, its address named, with a non-zero
/// exit: Pingora would panic one service thread and leave the process up, serving nothing.
#[test]
fn a_port_in_use_fails_the_start() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edge.yaml");
    std::fs::write(
        &file,
        format!(
            "admin: {{address: \"127.0.0.1:{}\"}}\nserver: {{pid_file: \"{}\", upgrade_sock: \"{}\"}}\nlisteners: [{{address: \"{addr}\"}}]\nupstreams: {{web: {{addresses: [\"127.0.0.1:9\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
            free_port(),
            dir.path().join("pid").display(),
            dir.path().join("sock").display()
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(common::bin())
        .args(["run", "-c"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the edge kept running with its listener unbound");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!status.success());
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    drop(taken);
}

#[tokio::test(flavor = "multi_thread")]
async fn security_headers_and_cors_per_route() {
    let (api, web) = (Origin::start("api"), Origin::start("web"));
    let (port, base) = listen();
    let cfg = format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{api: {{addresses: [\"{}\"]}}, web: {{addresses: [\"{}\"]}}}}\nroutes:\n  - prefix: /api/\n    upstream: api\n    cors: {{allow_origins: [\"https://app.example.com\"], allow_credentials: true}}\n    security_headers: {{x_frame_options: SAMEORIGIN}}\n  - prefix: /\n    upstream: web\n",
        api.addr, web.addr
    );
    let _edge = Edge::start(&cfg);
    let c = client();
    let r = c.get(format!("{base}/page")).send().await.unwrap();
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("content-security-policy"));
    assert!(r.headers().contains_key("referrer-policy"));
    assert!(
        !r.headers().contains_key("strict-transport-security"),
        "HSTS only over TLS"
    );

    // Without an origin the answer has no CORS headers, and says it varies by origin.
    let r = c.get(format!("{base}/api/x")).send().await.unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    assert!(
        r.headers().get_all("vary").iter().any(|v| v == "Origin"),
        "{:?}",
        r.headers()
    );

    let r = c
        .get(format!("{base}/api/x"))
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-frame-options"], "SAMEORIGIN");
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");

    let r = c
        .request(reqwest::Method::OPTIONS, format!("{base}/api/x"))
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert!(r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert_eq!(
        api.state.hits.load(std::sync::atomic::Ordering::Relaxed),
        2,
        "preflight answered at the edge"
    );

    let r = c
        .request(reqwest::Method::OPTIONS, format!("{base}/api/x"))
        .header("origin", "https://evil.example.net")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .get(format!("{base}/api/x"))
        .header("origin", "https://evil.example.net")
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
}

/// A failed upstream is logged by Pingora's error path, not the access log: neither may
/// print the query's tokens or the bytes the upstream sent.
#[tokio::test(flavor = "multi_thread")]
async fn failed_upstreams_log_no_query_tokens_and_no_upstream_bytes() {
    // An upstream whose answer head cannot be parsed (a header line without a colon).
    let broken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let broken_addr = broken.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in broken.incoming().take(4) {
            let Ok(mut conn) = conn else { continue };
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nSet-Cookie: session=C00KIE-SECRET\r\nBroken header line\r\n\r\n",
            );
        }
    });
    let dead = free_port();
    let (port, base) = listen();
    let edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{broken: {{addresses: [\"{broken_addr}\"]}}, dead: {{addresses: [\"127.0.0.1:{dead}\"]}}}}\nroutes: [{{prefix: /broken, upstream: broken}}, {{prefix: /dead, upstream: dead}}]\n"
    ));
    for (path, status) in [
        ("/broken/x?access_token=T0KEN-ONE", 502),
        ("/dead/x?api_key=T0KEN-TWO&page=1", 502),
    ] {
        let r = client().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
        let line = edge.wait_log(|v| v["request_id"] == rid.as_str());
        assert!(line["error"].as_str().is_some(), "{line}");
    }
    let logs = edge.output_with("could not proxy");
    assert!(logs.contains("could not proxy"), "{logs}");
    for secret in ["T0KEN-ONE", "T0KEN-TWO", "C00KIE-SECRET"] {
        assert!(!logs.contains(secret), "a log line holds {secret}:\n{logs}");
    }
}

/// A backend ejected after connect failures takes traffic again when its cooldown ends,
/// and the health gauge says so (nothing else happens at that moment to publish it).
#[tokio::test(flavor = "multi_thread")]
async fn the_health_gauge_returns_when_an_ejection_ends() {
    let dead = free_port();
    let (port, base) = listen();
    let edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams:\n  web:\n    addresses: [\"127.0.0.1:{dead}\"]\n    passive_health: {{max_failures: 1, cooldown: 1s}}\nroutes: [{{prefix: /, upstream: web}}]\n"
    ));
    let series =
        format!("securetag_upstream_healthy{{address=\"127.0.0.1:{dead}\",upstream=\"web\"}}");
    let r = client().get(format!("{base}/x")).send().await.unwrap();
    assert_eq!(r.status(), 502);
    let m = edge.metrics();
    assert!(m.contains(&format!("{series} 0")), "{m}");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let m = edge.metrics();
    assert!(m.contains(&format!("{series} 1")), "{m}");
}

#[tokio::test(flavor = "multi_thread")]
async fn access_log_masks_credentials_and_metrics_count_requests() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web, name: site}}]\n",
        web.addr
    ));
    let r = client()
        .get(format!(
            "{base}/cb?api_key=sk-live-SECRET&token=T0KEN&page=2"
        ))
        .send()
        .await
        .unwrap();
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let line = edge.wait_log(|v| v["request_id"] == rid.as_str());
    assert_eq!(line["path"], "/cb?api_key=***&token=***&page=2");
    assert_eq!(line["status"], 200);
    assert_eq!(line["route"], "site");
    assert_eq!(line["client_ip"], "127.0.0.1");
    assert!(line["duration_ms"].as_f64().unwrap() >= 0.0);
    let all = edge.stdout_text() + &edge.stderr_text();
    assert!(!all.contains("sk-live-SECRET") && !all.contains("T0KEN"));
    let m = edge.metrics();
    assert!(
        m.contains("securetag_http_requests_total{route=\"site\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(m.contains("securetag_http_request_duration_seconds_bucket"));
    assert!(m.contains("securetag_upstream_healthy"));
    let health = common::http_get_raw(edge.admin, "/healthz");
    assert!(
        health.starts_with("HTTP/1.1 200") && health.contains("\"status\":\"ok\""),
        "{health}"
    );
    let other = common::http_get_raw(edge.admin, "/nope");
    assert!(
        other.starts_with("HTTP/1.1 404") && other.contains("\"code\":\"not_found\""),
        "{other}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_header_senders_are_cut_off() {
    let web = Origin::start("web");
    let (port, _) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nlimits: {{header_read_timeout: 1s}}\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let start = Instant::now();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // One header line every 300 ms: each read is quick, the whole head never completes.
    let mut closed = false;
    for i in 0..15 {
        let line = if i == 0 {
            "GET / HTTP/1.1\r\n".to_string()
        } else {
            format!("X-Slow-{i}: a\r\n")
        };
        if s.write_all(line.as_bytes()).is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    if !closed {
        let mut buf = [0u8; 64];
        closed = matches!(s.read(&mut buf), Ok(0) | Err(_));
    }
    assert!(closed, "connection must be closed");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "closed after {:?}",
        start.elapsed()
    );
    assert_eq!(web.state.hits.load(std::sync::atomic::Ordering::Relaxed), 0);
}

/// A stray `Upgrade` header on a POST is no WebSocket: its stalled body meets the body
/// timeout (1 s here), not the WebSocket's idle timeout (30 s).
#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_body_with_a_stray_upgrade_header_times_out_like_any_body() {
    let web = Origin::start("web");
    let (port, _) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nlimits: {{body_read_timeout: 1s, websocket_idle_timeout: 30s}}\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let start = Instant::now();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s.write_all(b"POST /upload HTTP/1.1\r\nHost: x\r\nUpgrade: x\r\nConnection: Upgrade\r\nContent-Length: 10\r\n\r\nab")
        .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "answered after {:?}: {answer}",
        start.elapsed()
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_headers_get_431() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let _edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nlimits: {{max_header_size: 4KiB}}\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let r = client()
        .get(format!("{base}/x"))
        .header("x-big", "a".repeat(8000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 431);
    let r = client()
        .get(format!("{base}/x"))
        .header("x-small", "a".repeat(100))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_in_flight_requests_then_exits() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let mut edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"], read_timeout: 10s}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let c = client();
    let inflight = tokio::spawn({
        let c = c.clone();
        let url = format!("{base}/slow?ms=1500");
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    edge.signal(libc::SIGTERM);
    let body = inflight.await.unwrap();
    assert_eq!(body, "slow done by web");
    let took = edge
        .wait_exit(Duration::from_secs(8))
        .expect("exits after draining");
    assert!(
        took < Duration::from_secs(5),
        "exited {took:?} after the request finished"
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no longer listening"
    );
}

/// Ctrl-C during a drain means now: the process exits without waiting for the request.
#[tokio::test(flavor = "multi_thread")]
async fn sigint_during_a_drain_exits_at_once() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let mut edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"], read_timeout: 10s}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let inflight = tokio::spawn({
        let url = format!("{base}/slow?ms=4000");
        async move { client().get(url).send().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    edge.signal(libc::SIGTERM);
    tokio::time::sleep(Duration::from_millis(300)).await;
    edge.signal(libc::SIGINT);
    let took = edge
        .wait_exit(Duration::from_secs(3))
        .expect("exits without waiting for the slow request");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(inflight.await.unwrap().is_err(), "the request was cut");
}

/// The graceful upgrade of docs/operations.md: a second process started with `--upgrade`
/// takes the listening sockets over when the first gets SIGQUIT. No request is refused
/// meanwhile, the first exits after draining, and the pid file names the second.
#[tokio::test(flavor = "multi_thread")]
async fn a_graceful_upgrade_hands_the_sockets_over_without_refusing_a_request() {
    let web = Origin::start("web");
    let (port, base) = listen();
    let mut edge = Edge::start(&format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        web.addr
    ));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A new connection for every request: a refused connect is what the hand-over must
    // never cause (a kept-alive one closing under a request is the client pool's race).
    let load = tokio::spawn({
        let (stop, url) = (stop.clone(), format!("{base}/x"));
        async move {
            let c = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let (mut ok, mut failed) = (0u32, Vec::new());
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match c.get(&url).send().await {
                    Ok(r) if r.status() == 200 => ok += 1,
                    other => failed.push(format!("{other:?}")),
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (ok, failed)
        }
    });
    let mut old = edge.start_successor();
    // The successor is waiting on the upgrade socket (for up to 5 s).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    unsafe {
        libc::kill(old.0.id() as i32, libc::SIGQUIT);
    }
    let start = Instant::now();
    let mut gone = false;
    while start.elapsed() < Duration::from_secs(20) && !gone {
        gone = matches!(old.0.try_wait(), Ok(Some(_)));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        gone,
        "the old process exits after handing over: {}",
        edge.stderr_text()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (ok, failed) = load.await.unwrap();
    assert!(
        failed.is_empty(),
        "{} of {} failed: {:?}",
        failed.len(),
        ok as usize + failed.len(),
        &failed[..failed.len().min(3)]
    );
    assert!(ok > 100, "only {ok} requests during the hand-over");
    let new = edge.child.as_mut().unwrap();
    assert!(
        new.try_wait().unwrap().is_none(),
        "the new process keeps running"
    );
    let r = client().get(format!("{base}/x")).send().await.unwrap();
    assert_eq!(r.status(), 200, "served by the new process alone");
    let pid_file = std::fs::read_to_string(edge.dir.path().join("edge.pid")).unwrap();
    assert_eq!(pid_file.trim(), edge.pid().to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn sighup_reloads_routes_and_refuses_a_broken_file() {
    let (a, b) = (Origin::start("a"), Origin::start("b"));
    let (port, base) = listen();
    let cfg = |up: &str| {
        format!(
            "listeners: [{{address: 127.0.0.1:{port}}}]\nupstreams: {{a: {{addresses: [\"{}\"]}}, b: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: {up}}}]\n",
            a.addr, b.addr
        )
    };
    let edge = Edge::start(&cfg("a"));
    let c = client();
    let get = |c: reqwest::Client| {
        let url = format!("{base}/x");
        async move {
            c.get(url)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()["origin"]
                .clone()
        }
    };
    assert_eq!(get(c.clone()).await, "a");
    let head = std::fs::read_to_string(&edge.config).unwrap();
    let prefix = &head[..head.find("listeners:").unwrap()];
    // A change that needs a restart is accepted, not applied, and said so.
    let prefix = prefix.replace("threads: 2", "threads: 3");
    std::fs::write(&edge.config, format!("{prefix}{}", cfg("b"))).unwrap();
    edge.signal(libc::SIGHUP);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(get(c.clone()).await, "b");
    assert!(
        edge.stderr_text().contains("changes under server"),
        "{}",
        edge.stderr_text()
    );

    std::fs::write(&edge.config, format!("{prefix}{}\nroutse: []\n", cfg("a"))).unwrap();
    edge.signal(libc::SIGHUP);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        get(c.clone()).await,
        "b",
        "a broken file leaves the running config in place"
    );
    assert!(edge.stderr_text().contains("reload refused"));
    assert!(edge
        .metrics()
        .contains("securetag_config_reloads_total{result=\"refused\"} 1"));
}

#[test]
fn check_reports_a_misspelled_key_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, "listeners:\n  - address: 127.0.0.1:8000\nupstreams:\n  core-api:\n    adresses: [\"127.0.0.1:8080\"]\n").unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["check", "-c"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}:5: upstreams.core-api.adresses: unknown key",
            f.display()
        )),
        "{err}"
    );

    std::fs::write(&f, "listeners:\n  - address: 127.0.0.1:8000\n").unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["check", "-c"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("configuration ok"));
}

#[test]
fn check_names_an_unset_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("env.yaml");
    std::fs::write(&f, "listeners:\n  - address: \"${EDGE_TEST_UNSET_ADDR}\"\n").unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["check", "-c"])
        .arg(&f)
        .env_remove("EDGE_TEST_UNSET_ADDR")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            ":2: listeners[0].address: environment variable EDGE_TEST_UNSET_ADDR is not set"
        ),
        "{err}"
    );
}

#[test]
fn check_names_a_gitleaks_rule_that_will_be_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.toml"),
        "[[rules]]\nid = \"acme-key\"\nregex = 'acme_[a-z0-9]{32}'\n\n\
         [[rules]]\nid = \"look-behind\"\nregex = '(?<=key=)[a-z0-9]{32}'\n",
    )
    .unwrap();
    let f = dir.path().join("edge.yaml");
    std::fs::write(
        &f,
        "listeners:\n  - address: 127.0.0.1:8000\nai:\n\
         \x20 system_secret: 0123456789abcdef0123456789abcdef\n\
         \x20 gitleaks_rules: rules.toml\n\
         \x20 providers:\n    - name: echo\n      kind: echo\n      models: [\"echo\"]\n",
    )
    .unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["check", "-c"])
        .arg(&f)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // Skipped, as at start, but named: `check` still passes.
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: ai.gitleaks_rules: rule look-behind:"),
        "{err}"
    );
    assert!(!err.contains("acme-key"), "{err}");
}

/// The `sast` command's contract (DESIGN.md): one JSON object whose findings carry exactly
/// the seven fields other tools read; a source file that is not UTF-8 (Latin-1 comments)
/// is still scanned, with its lines where they were.
#[test]
fn sast_prints_the_contract_and_reads_files_that_are_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let answer = "Here:\n\n```python\nimport os\nos.system(\"ping \" + host)\n```\n";
    let out = std::process::Command::new(common::bin())
        .arg("sast")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(answer.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"][0];
    let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "block_index",
            "cwe",
            "fix",
            "line",
            "message",
            "rule_id",
            "severity"
        ]
    );
    assert_eq!(
        (
            f["cwe"].as_str(),
            f["block_index"].as_u64(),
            f["line"].as_u64()
        ),
        (Some("CWE-78"), Some(0), Some(2))
    );
    let file = dir.path().join("legacy.py");
    std::fs::write(
        &file,
        b"# Gr\xfc\xdfe aus M\xfcnchen\nimport os\nos.system(\"ping \" + host)\n",
    )
    .unwrap();
    let out = std::process::Command::new(common::bin())
        .arg("sast")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["cwe"], "CWE-78", "{v}");
    assert_eq!(v["findings"][0]["line"], 3, "{v}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
    // A file of no language the engine parses still gets the secrets check.
    let env = dir.path().join(".env");
    std::fs::write(&env, "AWS_ACCESS_KEY_ID=AKIAQ7XK4PLMNBV2RT5Z\n").unwrap();
    let out = std::process::Command::new(common::bin())
        .arg("sast")
        .arg(&env)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["cwe"], "CWE-798", "{v}");
}

/// A snippet on stdin too short for its language to be told is read as `--lang` says; a
/// language the engine does not read is refused, naming the ones it does.
#[test]
fn sast_reads_a_snippet_on_stdin_as_the_language_named() {
    let sast = |args: &[&str]| {
        let args = [&["sast"][..], args].concat();
        common::cli(&args, "import os\nos.system(\"ls \" + name)\n")
    };
    let cwe = |stdout: &str| {
        let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
        v["findings"][0]["cwe"].as_str().map(str::to_owned)
    };
    assert_eq!(cwe(&sast(&["-"]).1), None, "two lines do not tell Python");
    for lang in ["python", "py"] {
        let (ok, out, _) = sast(&["--lang", lang, "-"]);
        assert!(ok);
        assert_eq!(cwe(&out).as_deref(), Some("CWE-78"), "--lang {lang}");
    }
    let (ok, _, err) = sast(&["--lang", "cobol"]);
    assert!(!ok);
    assert!(err.contains("\"cobol\"") && err.contains("python"), "{err}");
}

#[test]
fn version_flag_prints_the_version() {
    let out = std::process::Command::new(common::bin())
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

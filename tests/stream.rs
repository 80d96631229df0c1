//! Guarding answers: streamed (SSE) and whole, against a real provider that splits its
//! events at awkward byte positions.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::db;
use common::provider::{split_every, sse_events_of_parts, sse_stream, Answer, Provider};
use common::{free_port, Edge};
use futures::StreamExt;
use serde_json::{json, Value};

struct Setup {
    edge: Edge,
    url: String,
    provider: Provider,
    store: securetag_edge::store::postgres::PgStore,
    tenant: String,
    key: String,
}

async fn setup(pii_action: &str) -> Setup {
    let store = db::store().await;
    let (tenant, _, key) = db::tenant(&store, 100_000).await;
    sqlx::query(
        "UPDATE securetag.ai_gateway_config SET pii_action = $2 WHERE tenant_id = $1::uuid",
    )
    .bind(&tenant)
    .bind(pii_action)
    .execute(&store.pool)
    .await
    .unwrap();
    let provider = Provider::start();
    let port = free_port();
    let cfg = format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nroutes: [{{prefix: /, upstream: core-api}}]\nupstreams: {{core-api: {{addresses: [\"127.0.0.1:{}\"]}}}}\nai:\n  system_secret: \"stream-test-secret-0123456789abcdef-000\"\n  database_url: \"{}\"\n  redis_url: \"{}\"\n  audit: {{file: audit.jsonl, spool_dir: spool, flush_interval: 20ms}}\n  stream: {{holdback_chars: 32}}\n  providers:\n    - {{name: mock, base_url: \"{}\", models: [\"mock-*\"]}}\n",
        free_port(),
        db::database_url(),
        db::redis_url(),
        provider.base_url()
    );
    let edge = Edge::start(&cfg);
    Setup {
        edge,
        url: format!("http://127.0.0.1:{port}/ai/v1/chat/completions"),
        provider,
        store,
        tenant,
        key,
    }
}

fn ask(content: &str, stream: bool) -> Value {
    json!({"model": "mock-1", "stream": stream, "messages": [{"role": "user", "content": content}]})
}

/// Sends a streaming request; returns the raw SSE text and the reassembled content.
async fn stream(s: &Setup, content: &str) -> (String, String, String) {
    let r = common::client()
        .post(&s.url)
        .bearer_auth(&s.key)
        .json(&ask(content, true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let raw = r.text().await.unwrap();
    (raw.clone(), content_of(&raw), rid)
}

fn content_of(raw: &str) -> String {
    raw.split("\n\n")
        .filter_map(|e| e.trim().strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .flat_map(|v| {
            v["choices"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|c| c["delta"]["content"].as_str().map(String::from))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_spread_over_three_deltas_is_redacted() {
    let s = setup("redact").await;
    let sse = sse_stream(
        &[
            "Your new key is AKIAQ7",
            "XK4PLMNB",
            "V2RT5Z and keep it safe.",
        ],
        false,
    );
    s.provider.push(Answer::Sse {
        pieces: split_every(&sse, 7),
        gap: Duration::from_millis(2),
    });
    let (raw, text, rid) = stream(&s, "make me a key").await;
    assert!(
        !raw.contains("AKIAQ7XK4PLMNBV2RT5Z") && !text.contains("XK4PLMNB"),
        "{raw}"
    );
    assert_eq!(text, "Your new key is <AWS_ACCESS_KEY_1> and keep it safe.");
    assert!(raw.trim_end().ends_with("data: [DONE]"));
    assert!(raw.contains("\"usage\""), "the usage chunk passes");
    let row: (i32, i32) = {
        db::audit_row(&s.store, &rid).await;
        sqlx::query_as(
            "SELECT pii_out, tokens_out FROM securetag.ai_gateway_log WHERE request_id = $1",
        )
        .bind(&rid)
        .fetch_one(&s.store.pool)
        .await
        .unwrap()
    };
    assert_eq!(
        row,
        (1, 9),
        "answer findings are counted and provider usage kept"
    );
    let out: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.entity, i.action_taken FROM securetag.ai_gateway_pii_incident i JOIN securetag.ai_gateway_log l ON l.id = i.log_id \
         WHERE l.request_id = $1 AND i.direction = 'out'")
        .bind(&rid).fetch_all(&s.store.pool).await.unwrap();
    assert_eq!(
        out,
        vec![("AWS_ACCESS_KEY".to_string(), "redacted".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_placeholder_split_over_two_deltas_is_restored() {
    let s = setup("pseudonymize").await;
    let sse = sse_stream(
        &["I will write to <EMA", "IL_1> first thing tomorrow."],
        false,
    );
    s.provider.push(Answer::Sse {
        pieces: split_every(&sse, 5),
        gap: Duration::from_millis(1),
    });
    let (_, text, _) = stream(&s, "Please draft a note to ana.lopez@correo-mx.com").await;
    let (seen, _) = s.provider.received().pop().unwrap();
    assert!(
        seen["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("<EMAIL_1>"),
        "the provider saw a placeholder"
    );
    assert_eq!(
        text,
        "I will write to ana.lopez@correo-mx.com first thing tomorrow."
    );
    let logs = s.edge.stdout_text() + &s.edge.stderr_text();
    assert!(!logs.contains("ana.lopez"), "the vault never reaches a log");
}

#[tokio::test(flavor = "multi_thread")]
async fn many_events_in_one_read_crlf_comments_and_keepalives_survive() {
    let s = setup("redact").await;
    let mut sse = b": ping\r\n\r\n".to_vec();
    sse.extend(sse_stream(&["Hello", " there,", " friend."], true));
    let at = sse.len() / 2;
    sse.splice(at..at, b"".iter().copied());
    let mut with_comment = sse.clone();
    with_comment.extend_from_slice(b": keep-alive\r\n\r\n");
    s.provider.push(Answer::Sse {
        pieces: vec![with_comment],
        gap: Duration::ZERO,
    });
    let (raw, text, _) = stream(&s, "greet").await;
    assert_eq!(text, "Hello there, friend.");
    assert!(raw.starts_with(": ping"), "{raw}");
    assert!(raw.contains(": keep-alive"), "{raw}");
    assert!(raw.contains("\"finish_reason\":\"stop\""));
    assert!(raw.contains("[DONE]"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_redacted_delta_arrives_before_the_provider_finishes() {
    let s = setup("redact").await;
    let deltas: Vec<String> = (0..12)
        .map(|i| format!("sentence number {i} of a long answer. "))
        .collect();
    let refs: Vec<&str> = deltas.iter().map(String::as_str).collect();
    let sse = sse_stream(&refs, false);
    // One event per piece, 150 ms apart: the whole answer takes about two seconds.
    let pieces: Vec<Vec<u8>> = String::from_utf8(sse)
        .unwrap()
        .split_inclusive("\n\n")
        .map(|p| p.as_bytes().to_vec())
        .collect();
    s.provider.push(Answer::Sse {
        pieces,
        gap: Duration::from_millis(150),
    });
    let r = common::client()
        .post(&s.url)
        .bearer_auth(&s.key)
        .json(&ask("tell me", true))
        .send()
        .await
        .unwrap();
    let mut body = r.bytes_stream();
    let mut seen = String::new();
    let first_text_at_finished = loop {
        let chunk = body.next().await.unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if !content_of(&seen).is_empty() {
            break s.provider.state.finished.load(Ordering::SeqCst);
        }
    };
    assert!(
        !first_text_at_finished,
        "text must flow before the provider's last event"
    );
    while let Some(c) = body.next().await {
        seen.push_str(&String::from_utf8_lossy(&c.unwrap()));
    }
    assert_eq!(content_of(&seen), deltas.concat());
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_streams_and_malformed_events_are_audited_without_a_panic() {
    let s = setup("redact").await;
    let mut sse = sse_stream(&["fine so far"], false);
    sse.splice(0..0, b"data: {not json\n\n".iter().copied());
    s.provider.push(Answer::Sse {
        pieces: vec![sse],
        gap: Duration::ZERO,
    });
    let (_, text, rid) = stream(&s, "x").await;
    assert_eq!(text, "fine so far");
    db::audit_row(&s.store, &rid).await;
    let err: Option<String> =
        sqlx::query_scalar("SELECT error FROM securetag.ai_gateway_log WHERE request_id = $1")
            .bind(&rid)
            .fetch_one(&s.store.pool)
            .await
            .unwrap();
    assert_eq!(err.as_deref(), Some("1 malformed SSE events dropped"));

    let half = sse_stream(&["partial answer that never ends"], false);
    s.provider.push(Answer::SseAbort {
        pieces: vec![half[..half.len() / 3].to_vec()],
    });
    let before = db::balance(&s.store, &s.tenant).await;
    let r = common::client()
        .post(&s.url)
        .bearer_auth(&s.key)
        .json(&ask("x", true))
        .send()
        .await
        .unwrap();
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let raw = r.text().await.unwrap_or_default();
    assert!(raw.contains("provider_stream_broken"), "{raw}");
    let (_, _, _, outcome) = db::audit_row(&s.store, &rid).await;
    assert_eq!(outcome, "upstream_error");
    // Charged only the blocked price (0.01), as for any failed provider call.
    assert_eq!(before - db::balance(&s.store, &s.tenant).await, 1);

    // A stream that closes cleanly before any choice finished and without `[DONE]` (a
    // close-delimited upstream that died) is cut too: the SDKs would take it for whole.
    let cut: String = String::from_utf8(sse_stream(&["partial answer ", "that never ends"], false))
        .unwrap()
        .split_inclusive("\n\n")
        .take(2)
        .collect();
    s.provider.push(Answer::Sse {
        pieces: vec![cut.into_bytes()],
        gap: Duration::ZERO,
    });
    let before = db::balance(&s.store, &s.tenant).await;
    let (raw, text, rid) = stream(&s, "x").await;
    assert_eq!(text, "partial answer ");
    assert!(raw.contains("provider_stream_broken"), "{raw}");
    let (_, _, _, outcome) = db::audit_row(&s.store, &rid).await;
    assert_eq!(outcome, "upstream_error");
    assert_eq!(before - db::balance(&s.store, &s.tenant).await, 1);
    // One whose last event, with the finish reason, ends without its blank line and
    // without `[DONE]` is whole: that event is read before the stream is judged.
    let whole = String::from_utf8(sse_stream(&["all ", "of it"], false)).unwrap();
    let events: Vec<&str> = whole.split_inclusive("\n\n").collect();
    let mut unended: String = events[..events.len() - 2].concat();
    unended.pop();
    s.provider.push(Answer::Sse {
        pieces: vec![unended.into_bytes()],
        gap: Duration::ZERO,
    });
    let (raw, text, rid) = stream(&s, "x").await;
    assert_eq!(text, "all of it");
    assert!(!raw.contains("provider_stream_broken"), "{raw}");
    let (_, _, _, outcome) = db::audit_row(&s.store, &rid).await;
    assert_eq!(outcome, "stream_incomplete");

    // An event longer than `max_event_bytes` (1 MiB) cannot be inspected: the text before
    // it still arrives, then an error event, and the request is refunded the same way.
    // More text than the hold-back (32 characters here), in the same read as the big event.
    let said = [
        "all of this arrives, ",
        "every part of it, ",
        "before the event that is too large ",
    ];
    let whole = String::from_utf8(sse_stream(&said, false)).unwrap();
    let mut big: Vec<u8> = whole
        .split_inclusive("\n\n")
        .take(4)
        .collect::<String>()
        .into();
    big.extend_from_slice(b"data: ");
    big.extend_from_slice(&vec![b'x'; (1 << 20) + 10]);
    s.provider.push(Answer::Sse {
        pieces: vec![big],
        gap: Duration::ZERO,
    });
    let before = db::balance(&s.store, &s.tenant).await;
    let (raw, text, rid) = stream(&s, "x").await;
    assert_eq!(text, said.concat());
    assert!(
        raw.contains("provider_event_too_large"),
        "{}",
        &raw[..raw.len().min(500)]
    );
    assert!(raw.len() < 10_000, "the oversized event was not passed on");
    let (_, _, _, outcome) = db::audit_row(&s.store, &rid).await;
    assert_eq!(outcome, "upstream_error");
    assert_eq!(before - db::balance(&s.store, &s.tenant).await, 1);

    // A client that leaves mid-stream.
    let pieces = sse_events_of_parts(20);
    s.provider.push(Answer::Sse {
        pieces,
        gap: Duration::from_millis(100),
    });
    let r = common::client()
        .post(&s.url)
        .bearer_auth(&s.key)
        .json(&ask("x", true))
        .send()
        .await
        .unwrap();
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let mut body = r.bytes_stream();
    let _ = body.next().await;
    drop(body);
    let (_, _, _, outcome) = db::audit_row(&s.store, &rid).await;
    assert_eq!(outcome, "client_disconnected");
}

/// A client that leaves before its answer's head (here, part-way through its body) is
/// audited with nginx's 499, not a status no response could have had.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_gone_before_its_answer_is_audited_as_499() {
    use tokio::io::AsyncWriteExt;
    let s = setup("redact").await;
    let body = ask("hi", false).to_string();
    let addr = s
        .url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap();
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /ai/v1/chat/completions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        s.key,
        body.len() + 100
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(body.as_bytes()).await.unwrap();
    conn.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(conn);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let (status, outcome) = loop {
        let row: Option<(i32, String)> = sqlx::query_as(
            "SELECT status, outcome FROM securetag.ai_gateway_log WHERE tenant_id = $1::uuid",
        )
        .bind(&s.tenant)
        .fetch_optional(&s.store.pool)
        .await
        .unwrap();
        if let Some(r) = row {
            break r;
        }
        assert!(std::time::Instant::now() < deadline, "no audit row");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((status, outcome.as_str()), (499, "client_disconnected"));
    assert_eq!(
        s.provider.state.hits.load(Ordering::SeqCst),
        0,
        "nothing was asked"
    );
    // The edge's own count says the same.
    let metrics = s.edge.metrics();
    assert!(
        metrics.contains("securetag_http_requests_total{route=\"ai\",status=\"499\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn whole_answers_are_redacted_in_content_and_tool_arguments() {
    let s = setup("redact").await;
    s.provider.push(Answer::Text(
        "Contact bob.smith@northwind-mail.com or use ghp_R4nd0mT0k3nV4lu3AbCdEfGh1jKlMn0pQr5t"
            .into(),
    ));
    let r = common::client()
        .post(&s.url)
        .bearer_auth(&s.key)
        .json(&ask("x", false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let len: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = r.bytes().await.unwrap();
    assert_eq!(len, body.len(), "Content-Length matches the rewritten body");
    let v: Value = serde_json::from_slice(&body).unwrap();
    let content = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert_eq!(content, "Contact <EMAIL_1> or use <GITHUB_TOKEN_1>");
    assert_eq!(
        v["usage"]["completion_tokens"], 7,
        "other fields pass unchanged"
    );
    assert_eq!(v["id"], "chatcmpl-test");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_block_policy_replaces_the_answer_with_an_error() {
    let s = setup("block").await;
    s.provider
        .push(Answer::Text("The customer's SSN is 536-22-8812.".into()));
    let r = common::client()
        .post(&s.url)
        .bearer_auth(&s.key)
        .json(&ask("what is the ssn on file", false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "pii_in_answer");
    assert!(!v.to_string().contains("536-22-8812"));
    let _ = (&s.edge, &s.tenant);
}

/// HTTP/1.0 has no chunked framing: a stream to such a client is delimited by the close of
/// the connection, with no `Transfer-Encoding` and no chunk sizes in the body.
#[tokio::test(flavor = "multi_thread")]
async fn an_http10_client_gets_a_close_delimited_stream() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = setup("redact").await;
    s.provider.push(Answer::Sse {
        pieces: split_every(&sse_stream(&["Hello ", "there, friend."], false), 7),
        gap: Duration::from_millis(1),
    });
    let body = ask("hi", true).to_string();
    let addr = s
        .url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /ai/v1/chat/completions HTTP/1.0\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        s.key,
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(body.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut raw))
        .await
        .expect("the connection closes when the stream ends")
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(
        head.starts_with("HTTP/1.") && head.contains(" 200 "),
        "{head}"
    );
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding"),
        "{head}"
    );
    assert!(
        body.starts_with("data: "),
        "no chunk size before the events: {body:?}"
    );
    assert!(body.trim_end().ends_with("data: [DONE]"), "{body:?}");
    assert_eq!(content_of(body), "Hello there, friend.");
}

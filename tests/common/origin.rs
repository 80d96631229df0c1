//! A small real HTTP origin (axum) standing in for core-api, on its own runtime thread.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use futures::StreamExt;

#[derive(Default)]
pub struct OriginState {
    pub name: String,
    pub hits: AtomicUsize,
    pub sse_finished: AtomicBool,
    pub healthy: AtomicBool,
}

pub struct Origin {
    pub addr: SocketAddr,
    pub state: Arc<OriginState>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Origin {
    pub fn start(name: &str) -> Origin {
        let state = Arc::new(OriginState {
            name: name.to_string(),
            healthy: AtomicBool::new(true),
            ..Default::default()
        });
        // The same endpoints answer at the root and under /api, so route prefixes in the
        // edge's config can point here unchanged.
        let endpoints = Router::new()
            .route("/sse", get(sse))
            .route("/slow", any(slow))
            .route("/ws", get(ws))
            .route("/healthz", get(health))
            .route("/upload", any(upload))
            // Express answers OPTIONS itself (200, `Allow: POST`); so does this one.
            .route("/login", post(login).options(|| async { "POST" }));
        let app = Router::new()
            .merge(endpoints.clone())
            .nest("/api", endpoints)
            .fallback(any(echo))
            .with_state(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(l.local_addr().unwrap()).unwrap();
                axum::serve(l, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Origin {
            addr,
            state,
            _stop: tx,
        }
    }
}

async fn echo(State(s): State<Arc<OriginState>>, req: Request) -> Response {
    s.hits.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let headers: BTreeMap<String, String> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let v = serde_json::json!({
        "origin": s.name,
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        // The request target as received: origin-form or absolute-form.
        "target": parts.uri.to_string(),
        "headers": headers,
        // Every line as received, repeated names included (`headers` keeps the last).
        "header_lines": parts.headers.iter().map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(v.as_bytes()))).collect::<Vec<_>>(),
        "body_len": body.len(),
        "body": String::from_utf8_lossy(&body),
    });
    ([("content-type", "application/json")], v.to_string()).into_response()
}

async fn upload(State(s): State<Arc<OriginState>>, req: Request) -> Response {
    s.hits.fetch_add(1, Ordering::Relaxed);
    let mut stream = req.into_body().into_data_stream();
    let mut n = 0usize;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => n += c.len(),
            Err(_) => return (StatusCode::BAD_REQUEST, "broken body").into_response(),
        }
    }
    n.to_string().into_response()
}

#[derive(serde::Deserialize)]
struct SseQ {
    n: Option<usize>,
    gap_ms: Option<u64>,
}

async fn sse(State(s): State<Arc<OriginState>>, Query(q): Query<SseQ>) -> Response {
    s.sse_finished.store(false, Ordering::SeqCst);
    let n = q.n.unwrap_or(3);
    let gap = Duration::from_millis(q.gap_ms.unwrap_or(300));
    let st = s.clone();
    let stream = futures::stream::unfold(0usize, move |i| {
        let st = st.clone();
        async move {
            if i > n {
                return None;
            }
            if i == n {
                st.sse_finished.store(true, Ordering::SeqCst);
                return Some((Ok::<_, Infallible>(Bytes::from("data: [DONE]\n\n")), i + 1));
            }
            if i > 0 {
                tokio::time::sleep(gap).await;
            }
            Some((Ok(Bytes::from(format!("data: event {i}\n\n"))), i + 1))
        }
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .body(Body::from_stream(stream))
        .unwrap()
}

#[derive(serde::Deserialize)]
struct SlowQ {
    ms: Option<u64>,
}

async fn slow(State(s): State<Arc<OriginState>>, Query(q): Query<SlowQ>) -> Response {
    s.hits.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(q.ms.unwrap_or(1000))).await;
    format!("slow done by {}", s.name).into_response()
}

async fn health(State(s): State<Arc<OriginState>>) -> Response {
    if s.healthy.load(Ordering::Relaxed) {
        "ok".into_response()
    } else {
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    }
}

/// Echoes messages, after `<x-user-id>: ` when the edge forwarded a user, and after
/// `[extensions] ` when the handshake offered extensions (none is accepted).
async fn ws(upgrade: WebSocketUpgrade, headers: HeaderMap) -> Response {
    let user = headers
        .get("x-user-id")
        .map(|v| format!("{}: ", String::from_utf8_lossy(v.as_bytes())));
    let extensions = headers
        .contains_key("sec-websocket-extensions")
        .then_some("[extensions] ");
    let prefix = format!("{}{}", extensions.unwrap_or(""), user.unwrap_or_default());
    upgrade.on_upgrade(move |socket| ws_echo(socket, prefix))
}

async fn ws_echo(mut socket: WebSocket, prefix: String) {
    while let Some(Ok(msg)) = socket.recv().await {
        let reply = match msg {
            Message::Text(t) => Message::Text(format!("{prefix}{t}").into()),
            Message::Binary(b) => Message::Binary(b),
            Message::Close(_) => break,
            _ => continue,
        };
        if socket.send(reply).await.is_err() {
            break;
        }
    }
}

/// A login endpoint: 200 for password "right", 401 otherwise; "slow" takes half a second
/// to say 401, so attempts overlap.
async fn login(State(s): State<Arc<OriginState>>, body: Bytes) -> Response {
    s.hits.fetch_add(1, Ordering::Relaxed);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if v["password"] == "slow" {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    if v["password"] == "right" {
        "welcome".into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "wrong credentials").into_response()
    }
}

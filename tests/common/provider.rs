//! A small real OpenAI-compatible provider for tests: it records what it received and
//! answers from a script, streaming with byte splits the test chooses.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use futures::StreamExt;
use serde_json::{json, Value};

/// One scripted answer.
#[derive(Clone)]
pub enum Answer {
    /// A normal JSON completion whose content is the last message received.
    Echo,
    /// A JSON completion with this content.
    Text(String),
    /// Raw SSE bytes, sent in these pieces with `gap` between them.
    Sse { pieces: Vec<Vec<u8>>, gap: Duration },
    /// These SSE pieces, then the connection breaks mid-stream.
    SseAbort { pieces: Vec<Vec<u8>> },
    /// A status code with an OpenAI error body.
    Status(u16),
    /// A status code with an HTML page, as a CDN in front of a provider sends.
    Page(u16),
    /// A status code with this JSON body (an error of another shape than OpenAI's).
    Json(u16, Value),
    /// A completion compressed with gzip (`Content-Encoding: gzip`), asked for or not.
    Gzip,
    /// Wait this long before answering with `Echo`.
    Slow(Duration),
    /// A JSON answer in these pieces with `gap` between them: the head at once, the body
    /// slowly.
    Trickle { pieces: Vec<Vec<u8>>, gap: Duration },
}

#[derive(Default)]
pub struct ProviderState {
    pub received: Mutex<Vec<(Value, Option<String>)>>,
    pub script: Mutex<VecDeque<Answer>>,
    pub hits: AtomicUsize,
    pub finished: AtomicBool,
}

pub struct Provider {
    pub addr: SocketAddr,
    pub state: Arc<ProviderState>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Provider {
    pub fn start() -> Provider {
        let state = Arc::new(ProviderState::default());
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
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
        Provider {
            addr: addr_rx.recv().unwrap(),
            state,
            _stop: tx,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn push(&self, a: Answer) {
        self.state.script.lock().unwrap().push_back(a);
    }

    /// The bodies and Authorization headers received so far.
    pub fn received(&self) -> Vec<(Value, Option<String>)> {
        self.state.received.lock().unwrap().clone()
    }
}

fn completion(content: &str, model: &str) -> Value {
    json!({"id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}})
}

async fn complete(State(s): State<Arc<ProviderState>>, req: Request) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let auth = req
        .headers()
        .get("authorization")
        .map(|v| v.to_str().unwrap_or("").to_string());
    let body = axum::body::to_bytes(req.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    s.received.lock().unwrap().push((v.clone(), auth));
    let model = v["model"].as_str().unwrap_or("m").to_string();
    let last = v["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string();
    let answer = s.script.lock().unwrap().pop_front().unwrap_or(Answer::Echo);
    let json_resp = |v: Value| {
        Response::builder()
            .header("content-type", "application/json")
            .body(Body::from(v.to_string()))
            .unwrap()
    };
    match answer {
        Answer::Echo => json_resp(completion(&last, &model)),
        Answer::Text(t) => json_resp(completion(&t, &model)),
        Answer::Slow(d) => {
            tokio::time::sleep(d).await;
            json_resp(completion(&last, &model))
        }
        Answer::Status(code) => Response::builder()
            .status(code)
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"error": {"type": "server_error", "message": "scripted failure"}})
                    .to_string(),
            ))
            .unwrap(),
        Answer::Json(code, v) => Response::builder()
            .status(code)
            .header("content-type", "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        Answer::Page(code) => Response::builder()
            .status(code)
            .header("content-type", "text/html")
            .body(Body::from("<html><body><h1>Not Found</h1></body></html>"))
            .unwrap(),
        Answer::Gzip => Response::builder()
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            // The gzip magic and deflate bytes the gateway must not pass on unread.
            .body(Body::from(vec![
                0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xab, 0xae, 5, 0,
            ]))
            .unwrap(),
        Answer::SseAbort { pieces } => {
            let items: Vec<Result<Bytes, std::io::Error>> = pieces
                .into_iter()
                .map(|p| Ok(Bytes::from(p)))
                .chain(std::iter::once(Err(std::io::Error::other(
                    "provider crashed",
                ))))
                .collect();
            // Paced, so the head and the first events are on the wire before the crash.
            let slow = futures::stream::iter(items).then(|item| async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                item
            });
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(slow))
                .unwrap()
        }
        Answer::Sse { pieces, gap } => paced(&s, "text/event-stream", pieces, gap),
        Answer::Trickle { pieces, gap } => paced(&s, "application/json", pieces, gap),
    }
}

/// A response whose body goes out in `pieces`, `gap` apart.
fn paced(
    s: &Arc<ProviderState>,
    content_type: &str,
    pieces: Vec<Vec<u8>>,
    gap: Duration,
) -> Response {
    s.finished.store(false, Ordering::SeqCst);
    let st = s.clone();
    let n = pieces.len();
    let stream = futures::stream::unfold((pieces.into_iter(), 0usize), move |(mut it, i)| {
        let st = st.clone();
        async move {
            let p = it.next()?;
            if i > 0 {
                tokio::time::sleep(gap).await;
            }
            if i + 1 == n {
                st.finished.store(true, Ordering::SeqCst);
            }
            Some((Ok::<_, Infallible>(Bytes::from(p)), (it, i + 1)))
        }
    });
    Response::builder()
        .header("content-type", content_type)
        .body(Body::from_stream(stream))
        .unwrap()
}

/// SSE bytes for a stream whose content deltas are `deltas`, with `[DONE]`.
pub fn sse_stream(deltas: &[&str], crlf: bool) -> Vec<u8> {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    out.push_str(&format!(
        "data: {}{nl}{nl}",
        chunk(json!({"role": "assistant", "content": ""}), Value::Null)
    ));
    for d in deltas {
        out.push_str(&format!(
            "data: {}{nl}{nl}",
            chunk(json!({"content": d}), Value::Null)
        ));
    }
    out.push_str(&format!(
        "data: {}{nl}{nl}",
        chunk(json!({}), json!("stop"))
    ));
    out.push_str(&format!("data: {}{nl}{nl}", json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1,
        "model": "m", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14}})));
    out.push_str(&format!("data: [DONE]{nl}{nl}"));
    out.into_bytes()
}

/// A stream of `n` deltas ("part 0 ", "part 1 ", …), one piece per event, for answers
/// paced event by event.
pub fn sse_events_of_parts(n: usize) -> Vec<Vec<u8>> {
    let deltas: Vec<String> = (0..n).map(|i| format!("part {i} ")).collect();
    let refs: Vec<&str> = deltas.iter().map(String::as_str).collect();
    String::from_utf8(sse_stream(&refs, false))
        .expect("SSE text is UTF-8")
        .split_inclusive("\n\n")
        .map(|p| p.as_bytes().to_vec())
        .collect()
}

/// Splits `bytes` into pieces of `size` bytes.
pub fn split_every(bytes: &[u8], size: usize) -> Vec<Vec<u8>> {
    bytes.chunks(size.max(1)).map(|c| c.to_vec()).collect()
}

//! The built-in `echo` provider: answers with the last message exactly as a provider would
//! have received it (after redaction), streaming or not. For smoke tests and demos: it
//! shows what leaves the building.

use bytes::Bytes;
use serde_json::{json, Value};

use super::provider::Upstream;
use super::wire;

/// The text of the last message, as the provider sees it.
fn last_text(req: &Value) -> String {
    let Some(last) = req
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|m| m.last())
    else {
        return String::new();
    };
    match last.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

pub fn respond(body: &[u8], stream: bool) -> Upstream {
    let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let model = req
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("echo")
        .to_string();
    let text = last_text(&req);
    let id = format!("chatcmpl-echo-{}", uuid::Uuid::new_v4().simple());
    let created = chrono::Utc::now().timestamp();
    let prompt_tokens = wire::estimate_tokens(body.len());
    let completion_tokens = wire::estimate_tokens(text.len());
    let usage = json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens});
    if !stream {
        let answer = json!({
            "id": id, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": null},
                         "logprobs": null, "finish_reason": "stop"}],
            "usage": usage,
        });
        return Upstream::memory(
            200,
            "application/json",
            vec![Bytes::from(answer.to_string())],
        );
    }
    let include_usage = req
        .get("stream_options")
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let chunk = |delta: Value, finish: Value| {
        let c = json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]});
        Bytes::from(format!("data: {c}\n\n"))
    };
    let mut events = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    // Small deltas, cut on character boundaries, like a real model's tokens.
    let mut piece = String::new();
    for ch in text.chars() {
        piece.push(ch);
        if piece.len() >= 12 {
            events.push(chunk(
                json!({"content": std::mem::take(&mut piece)}),
                Value::Null,
            ));
        }
    }
    if !piece.is_empty() {
        events.push(chunk(json!({"content": piece}), Value::Null));
    }
    events.push(chunk(json!({}), json!("stop")));
    if include_usage {
        let u = json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [], "usage": usage});
        events.push(Bytes::from(format!("data: {u}\n\n")));
    }
    events.push(Bytes::from_static(b"data: [DONE]\n\n"));
    Upstream::memory(200, "text/event-stream", events)
}

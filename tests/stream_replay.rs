//! One recorded provider stream, replayed at every chunk size from 1 byte to the whole
//! stream: the client must see the same guarded text every time, whatever the split.
#![allow(clippy::unwrap_used)]

use securetag_edge::scan::{
    redact, PiiEntity, RedactionMode, RedactionPolicy, RedactionState, ScanOptions, Scanner,
};
use securetag_edge::shield::guard::OutputGuard;
use securetag_edge::shield::policy::{resolve, RawPolicy};
use securetag_edge::shield::stream::SseFilter;
use serde_json::{json, Value};

/// A stream as a provider sends it: a secret in three deltas, a new email cut in the
/// middle, and a placeholder from the prompt cut in two.
fn recorded() -> Vec<u8> {
    let deltas = [
        "Sure. The deploy key is AKIAQ7",
        "XK4PLMNB",
        "V2RT5Z. Ask bob.sm",
        "ith@northwind-mail.com, and cc <EMA",
        "IL_1> on the reply. Done.",
    ];
    let mut s = String::from(": keep-alive\n\n");
    let chunk = |d: Value, f: Value| {
        json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": d, "finish_reason": f}]})
    };
    s.push_str(&format!(
        "data: {}\r\n\r\n",
        chunk(json!({"role": "assistant", "content": ""}), Value::Null)
    ));
    for d in deltas {
        s.push_str(&format!(
            "data: {}\n\n",
            chunk(json!({"content": d}), Value::Null)
        ));
    }
    s.push_str(&format!("data: {}\n\n", chunk(json!({}), json!("stop"))));
    s.push_str("data: [DONE]\n\n");
    s.into_bytes()
}

fn text_of(out: &[u8]) -> String {
    String::from_utf8_lossy(out)
        .split("\n\n")
        .filter_map(|e| e.trim().strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .filter_map(|v| {
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(String::from)
        })
        .collect()
}

fn replay(scanner: &Scanner, chunk: usize) -> (String, usize) {
    let policy = resolve(
        &RawPolicy {
            is_enabled: true,
            pii_action: "pseudonymize".into(),
            ..RawPolicy::default()
        },
        &mut |_, _| {},
    );
    let placeholders = RedactionPolicy::new(RedactionMode::Placeholder);
    // The prompt put the client's own address in the vault as <EMAIL_1>.
    let mut pseudo = RedactionPolicy::new(RedactionMode::Placeholder);
    for e in PiiEntity::ALL {
        pseudo = pseudo.with_entity(e.name(), RedactionMode::Pseudonymize);
    }
    let mut state = RedactionState::new();
    let prompt = "write to ana.lopez@correo-mx.com";
    let found = scanner.scan(prompt, &ScanOptions::default()).findings;
    assert_eq!(
        redact(prompt, &found, &pseudo, &mut state),
        "write to <EMAIL_1>"
    );
    let mut guard = OutputGuard::new(scanner, &policy, &placeholders, state);
    let mut filter = SseFilter::new(&mut guard, 24, 1 << 20);
    let mut out = Vec::new();
    for piece in recorded().chunks(chunk) {
        out.extend_from_slice(&filter.push(piece).unwrap());
    }
    out.extend_from_slice(&filter.finish());
    let raw = String::from_utf8(out.clone()).unwrap();
    assert!(raw.starts_with(": keep-alive"), "chunk {chunk}: {raw}");
    assert!(
        raw.trim_end().ends_with("data: [DONE]"),
        "chunk {chunk}: {raw}"
    );
    (text_of(&out), raw.matches("data: ").count())
}

#[test]
fn every_chunk_size_gives_the_same_guarded_text() {
    let scanner = Scanner::builtin().unwrap();
    let whole = recorded().len();
    let (expected, _) = replay(&scanner, whole);
    assert_eq!(
        expected,
        "Sure. The deploy key is <AWS_ACCESS_KEY_1>. Ask <EMAIL_2>, and cc ana.lopez@correo-mx.com on the reply. Done."
    );
    for size in 1..=whole {
        let (text, _) = replay(&scanner, size);
        assert_eq!(text, expected, "chunk size {size}");
    }
}

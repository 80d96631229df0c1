//! The official `openai` Python package against the proxy, streaming and not: existing
//! scripts only change `base_url`. The interpreter comes from the venv `scripts/test.sh`
//! creates (`.venv`), or `OPENAI_PYTHON`.
#![allow(clippy::unwrap_used)]

mod common;

use common::{free_port, Edge};
use serde_json::Value;

fn python() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("OPENAI_PYTHON") {
        return p.into();
    }
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no {} — run scripts/test.sh, which creates it with the openai package",
        venv.display()
    );
    venv
}

#[test]
fn the_official_python_client_works_unchanged() {
    let port = free_port();
    let cfg = format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nroutes: [{{prefix: /, upstream: core-api}}]\nupstreams: {{core-api: {{addresses: [\"127.0.0.1:{}\"]}}}}\nai:\n  system_secret: \"sdk-test-secret-0123456789abcdef-000000\"\n  audit: {{file: audit.jsonl, spool_dir: spool}}\n  providers: [{{name: echo, kind: echo, models: [echo]}}]\n  tenants:\n    - name: redacting\n      credits: 100\n      policy: {{is_enabled: true, pii_action: redact}}\n      keys: [{{key: sk-st-sdk-redact-000000000000000001}}]\n    - name: pseudonymizing\n      credits: 100\n      policy: {{is_enabled: true, pii_action: pseudonymize}}\n      keys: [{{key: sk-st-sdk-pseudo-000000000000000001}}]\n",
        free_port()
    );
    let _edge = Edge::start(&cfg);
    let out = std::process::Command::new(python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/python/openai_client.py"
        ))
        .arg(format!("http://127.0.0.1:{port}/ai/v1"))
        .arg("sk-st-sdk-redact-000000000000000001")
        .arg("sk-st-sdk-pseudo-000000000000000001")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let redacted = "Hello, please reply to <EMAIL_1> about the invoice.";
    let original = "Hello, please reply to laura.mendez@correo-mx.com about the invoice.";
    assert_eq!(v["plain"], redacted);
    assert_eq!(v["finish_reason"], "stop");
    assert!(v["plain_usage"].as_u64().unwrap() > 0);
    assert_eq!(
        v["stream"], redacted,
        "the SDK reassembles the redacted stream"
    );
    assert!(
        v["stream_usage"].as_u64().unwrap() > 0,
        "the usage chunk reaches the SDK"
    );
    assert_eq!(
        v["restored_stream"], original,
        "pseudonyms are restored inside the stream"
    );
    assert_eq!(v["restored_plain"], original);
    assert_eq!(v["auth_error"], serde_json::json!([401, "invalid_api_key"]));
    assert_eq!(
        v["blocked"],
        serde_json::json!([422, "prompt_injection_detected"])
    );
    assert_eq!(v["bad_request"], serde_json::json!([400, "max_tokens"]));
    assert_eq!(v["models"], serde_json::json!(["echo"]));
}

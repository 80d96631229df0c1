//! The optional deeper analysis of SAST findings by a model (`securetag-v1`), through the
//! same providers as chat completions. Off unless configured; any failure (model down,
//! timeout, bad answer) leaves the finding without an explanation and the job unharmed.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use serde_json::{json, Value};

use super::provider::Providers;
use crate::sast::pool::Explainer;
use crate::sast::Finding;
use crate::scan::{redact, RedactionMode, RedactionPolicy, RedactionState, ScanOptions, Scanner};

pub struct ModelExplainer {
    pub providers: Arc<Providers>,
    pub scanner: Arc<Scanner>,
    pub model: String,
    pub timeout: Duration,
}

/// Code sent to the model is capped, and its secrets and PII replaced, like any prompt.
const MAX_CODE: usize = 4000;
/// Lines of the code before a finding's own that the model sees with it.
const LINES_BEFORE: usize = 20;

/// Up to `max` bytes of `code` from [`LINES_BEFORE`] lines before `line` (1-based), or
/// from `max / 2` bytes before it when those lines are longer, cut on char boundaries; and
/// the line it starts in. The finding's own line is in it however long the code is.
fn excerpt(code: &str, line: usize, max: usize) -> (&str, usize) {
    let line_start = |n: usize| -> usize {
        code.split_inclusive('\n')
            .take(n.saturating_sub(1))
            .map(str::len)
            .sum()
    };
    let own = line_start(line);
    let mut start = if own < code.len() {
        line_start(line.saturating_sub(LINES_BEFORE)).max(own.saturating_sub(max / 2))
    } else {
        0
    };
    while !code.is_char_boundary(start) {
        start += 1;
    }
    let first_line = 1 + code[..start].matches('\n').count();
    let rest = &code[start..];
    let mut end = rest.len().min(max);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    (&rest[..end], first_line)
}

#[async_trait]
impl Explainer for ModelExplainer {
    async fn explain(&self, f: &Finding, code: &str) -> Option<String> {
        let spec = self.providers.for_model(&self.model)?.clone();
        let (excerpt, first_line) = excerpt(code, f.line, MAX_CODE);
        let found = self
            .scanner
            .scan(
                excerpt,
                &ScanOptions {
                    injection: false,
                    ..ScanOptions::default()
                },
            )
            .findings;
        let clean = redact(
            excerpt,
            &found,
            &RedactionPolicy::new(RedactionMode::Placeholder),
            &mut RedactionState::new(),
        );
        let body = json!({
            "model": self.model,
            "max_tokens": 400,
            "messages": [
                {"role": "system", "content": "You are an application security reviewer. Explain the risk of the finding in two sentences, then give a corrected code snippet."},
                {"role": "user", "content": format!("Finding {} ({}, {}) at block {}, line {}: {}\n\nCode, from line {first_line}:\n{}", f.rule_id, f.cwe, f.severity.as_str(), f.block_index, f.line, f.message, clean)}
            ]
        });
        let bytes = Bytes::from(serde_json::to_vec(&body).ok()?);
        let call = async {
            let mut up = self
                .providers
                .send(
                    &spec,
                    spec.api_key.as_ref().map(crate::crypto::Secret::expose),
                    bytes,
                    false,
                    "sast-explain",
                )
                .await
                .ok()?;
            let answer = up.read_all(1 << 20).await.ok();
            let status = up.status;
            self.providers.release(up).await;
            let answer = answer?;
            if !(200..300).contains(&status) {
                return None;
            }
            let v: Value = serde_json::from_slice(&answer).ok()?;
            v["choices"][0]["message"]["content"]
                .as_str()
                .map(str::to_owned)
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(text) => text,
            Err(_) => {
                tracing::debug!(rule = %f.rule_id, "deeper analysis timed out");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_excerpt_holds_the_findings_line_however_long_the_code() {
        let code: String = (1..=500).map(|n| format!("line {n} é\n")).collect();
        let (text, first) = excerpt(&code, 400, 1000);
        assert_eq!(first, 380);
        assert!(text.starts_with("line 380 "), "{text}");
        assert!(text.contains("line 400 "), "{text}");
        assert!(text.len() <= 1000);
        // Near the top, or at a line the code does not have, it starts at the top.
        assert_eq!(excerpt(&code, 3, 50).1, 1);
        assert!(excerpt(&code, 9_999, 50).0.starts_with("line 1 "));
        // A cut inside a two-byte letter moves back to its start.
        let (short, _) = excerpt("ééé", 1, 3);
        assert_eq!(short, "é");
        // Long lines before it: the excerpt starts closer, inside one of them.
        let long: String = (1..=30).map(|n| format!("{n:>200}\n")).collect();
        let (text, first) = excerpt(&long, 30, 1000);
        assert!(text.contains(&format!("{:>200}\n", 30)), "{text}");
        assert_eq!(first, 27);
    }
}

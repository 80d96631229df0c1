//! Non-streaming answers: scan each choice's texts, redact or restore in place, and keep
//! every other field exactly as the provider sent it.

use bytes::Bytes;
use serde_json::Value;

use super::guard::{Blocked, OutputGuard};
use super::wire;

/// What became of an answer body.
pub enum Guarded {
    /// Nothing to change: send the provider's bytes as they are.
    Unchanged,
    /// Send this body instead (its length differs; the caller sets `Content-Length`).
    Rewritten(Bytes),
    /// Policy refuses the answer.
    Blocked(Blocked),
}

/// Guards a JSON chat-completion body; a body that is not JSON is left alone (the caller
/// only hands over 2xx JSON answers).
pub fn guard(guard: &mut OutputGuard<'_>, body: &[u8]) -> (Guarded, Option<(u32, u32)>) {
    let Ok(mut v) = serde_json::from_slice::<Value>(body) else {
        return (Guarded::Unchanged, None);
    };
    let usage = wire::usage(&v);
    if !guard.is_active() {
        return (Guarded::Unchanged, usage);
    }
    let mut blocked = None;
    wire::visit_answer_texts(&mut v, &mut |_, text| {
        if blocked.is_some() {
            return;
        }
        let findings = guard.scan(text);
        match guard.clean(text, &findings) {
            Ok(clean) => *text = clean,
            Err(b) => blocked = Some(b),
        }
    });
    if let Some(b) = blocked {
        return (Guarded::Blocked(b), usage);
    }
    if !guard.changed {
        return (Guarded::Unchanged, usage);
    }
    match serde_json::to_vec(&v) {
        Ok(b) => (Guarded::Rewritten(Bytes::from(b)), usage),
        Err(_) => (Guarded::Unchanged, usage),
    }
}

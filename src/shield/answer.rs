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

/// Guards a chat-completion body: a JSON body field by field, any other body (plain text,
/// JSON cut short) as one text, since the client reads it all the same.
pub fn guard(guard: &mut OutputGuard<'_>, body: &[u8]) -> (Guarded, Option<(u32, u32)>) {
    let mut v = match super::strict_json::parse(body) {
        Ok(v) => v,
        Err(_) => match serde_json::from_slice::<Value>(body) {
            // A key written twice: a client that keeps the first reads what serde_json's
            // last one hides, so every string is read.
            Ok(v) => return (guard_whole(guard, body, true), wire::usage(&v)),
            Err(_) => return (guard_whole(guard, body, false), None),
        },
    };
    let usage = wire::usage(&v);
    if !guard.is_active() {
        return (Guarded::Unchanged, usage);
    }
    let choice_variant = v
        .get("choices")
        .and_then(Value::as_array)
        .is_some_and(|cs| cs.iter().any(wire::choice_case_variant));
    if choice_variant || wire::case_variant_key(&v).is_some() {
        // `Content` beside `content`, `Message` in a choice: a client that matches keys
        // without case (Go's encoding/json) reads the one not read by name here, so every
        // string is read.
        return (guard_whole(guard, body, true), usage);
    }
    if !v.get("choices").is_some_and(Value::is_array) {
        // Not a chat completion (`{"output": …}`, an error object with a 200): no field to
        // read by name, and the client reads it all the same, so it is read whole as JSON.
        return (guard_whole(guard, body, true), usage);
    }
    let visited = match clean_texts(guard, &mut v, wire::visit_answer_texts) {
        Ok(visited) => visited,
        Err(b) => return (Guarded::Blocked(b), usage),
    };
    if !visited {
        // Choices of another shape (no `message`, `delta` or `text`): no field read by
        // name, so the body is read whole, as one without choices is.
        return (guard_whole(guard, body, true), usage);
    }
    if let Err(b) = clean_texts(guard, &mut v, wire::visit_sources) {
        return (Guarded::Blocked(b), usage);
    }
    if guard.scans() && wire::drop_logprobs(&mut v) {
        guard.changed = true;
    }
    if !guard.changed {
        return (Guarded::Unchanged, usage);
    }
    match serde_json::to_vec(&v) {
        Ok(b) => (Guarded::Rewritten(Bytes::from(b)), usage),
        Err(_) => (Guarded::Unchanged, usage),
    }
}

/// A walk over the texts of an answer or a message, as the `wire` visitors do.
pub(super) type Visit = fn(&mut Value, &mut dyn FnMut(&str, &mut String));

/// Scans and cleans in place every text `visit` hands over in `v` (an answer, or a whole
/// message in a stream's chunk); says whether there was any.
pub(super) fn clean_texts(
    guard: &mut OutputGuard<'_>,
    v: &mut Value,
    visit: Visit,
) -> Result<bool, Blocked> {
    let mut blocked = None;
    let mut visited = false;
    let json = guard.json_answer();
    visit(v, &mut |path, text| {
        visited = true;
        if blocked.is_some() {
            return;
        }
        // An answer in JSON mode is JSON the client parses: read with its escapes undone,
        // as call arguments are. A citation's `content` is an excerpt of a web page.
        let content = path.ends_with("message.content") || path.ends_with("delta.content");
        let json_text = path.ends_with(".arguments") || (json && content);
        if json && content {
            wire::unescape_in_place(text);
        }
        let findings = match json_text {
            true => guard.scan_json(text),
            false => guard.scan(text),
        };
        match guard.clean(text, &findings) {
            Ok(clean) => *text = clean,
            Err(b) => blocked = Some(b),
        }
    });
    blocked.map_or(Ok(visited), Err)
}

/// A body read whole: JSON of another shape as one JSON text (escapes written out,
/// redacted so it stays JSON), anything else as one text (bytes that are not UTF-8 read
/// as U+FFFD).
fn guard_whole(guard: &mut OutputGuard<'_>, body: &[u8], json: bool) -> Guarded {
    if !guard.is_active() {
        return Guarded::Unchanged;
    }
    let text = String::from_utf8_lossy(body);
    let findings = match json {
        true => guard.scan_json(&text),
        false => guard.scan(&text),
    };
    match guard.clean(&text, &findings) {
        Err(b) => Guarded::Blocked(b),
        Ok(clean) if guard.changed => Guarded::Rewritten(Bytes::from(clean)),
        Ok(_) => Guarded::Unchanged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{RedactionMode, RedactionPolicy, RedactionState, Scanner};
    use serde_json::json;

    #[test]
    fn an_answer_that_is_not_json_is_guarded_as_text() {
        let scanner = Scanner::builtin().unwrap();
        let policy = crate::shield::policy::enabled_for_tests();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        for body in [
            &b"call me at ana.lopez@correo-mx.com AKIAQ7XK4PLMNBV2RT5Z"[..],
            &b"{\"choices\":[{\"message\":{\"content\":\"ana.lopez@correo-mx.com"[..],
        ] {
            let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
            let (Guarded::Rewritten(out), None) = guard(&mut g, body) else {
                panic!("not rewritten: {}", String::from_utf8_lossy(body));
            };
            let out = String::from_utf8(out.to_vec()).unwrap();
            assert!(
                !out.contains("ana.lopez") && out.contains("<EMAIL_1>"),
                "{out}"
            );
        }
    }

    /// Arguments as a JSON object (llama.cpp, TGI) and a JSON body without `choices` are
    /// read too, and stay JSON of the same shape.
    #[test]
    fn object_arguments_and_bodies_of_another_shape_are_guarded() {
        let scanner = Scanner::builtin().unwrap();
        let policy = crate::shield::policy::enabled_for_tests();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let body =
            json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": null,
            "tool_calls": [{"id": "c", "type": "function", "function": {"name": "pay",
                "arguments": {"card": "4111111111111111", "n": 2}}}]}}]})
            .to_string();
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, body.as_bytes()) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        let args = &v["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"];
        assert_eq!(args, &json!({"card": "<CREDIT_CARD_1>", "n": 2}), "{v}");
        let other = br#"{"output":"write to ana.lopez@correo-mx.com","id":7}"#;
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, other) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v, json!({"output": "write to <EMAIL_1>", "id": 7}));
        // Choices of another shape: a completion's `text`.
        let text = br#"{"choices":[{"index":0,"text":"mail ana.lopez@correo-mx.com"}]}"#;
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, text) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["choices"][0]["text"], "mail <EMAIL_1>");
        // A key written in another case is read too: some clients take it for `content`.
        let variant = br#"{"choices":[{"index":0,"message":{"content":"hi","Content":"mail ana.lopez@correo-mx.com"}}]}"#;
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, variant) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["choices"][0]["message"]["Content"], "mail <EMAIL_1>");
        // Beside a choice read by field, too (the body is then not read whole).
        let mixed = br#"{"choices":[{"index":0,"message":{"content":"hi"}},{"index":1,"text":"mail ana.lopez@correo-mx.com"}]}"#;
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, mixed) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["choices"][1]["text"], "mail <EMAIL_1>");
        // A `text` or a `delta` beside a `message`, in the same choice.
        for beside in [
            r#""text":"mail ana.lopez@correo-mx.com""#,
            r#""delta":{"content":"mail ana.lopez@correo-mx.com"}"#,
        ] {
            let body =
                format!(r#"{{"choices":[{{"index":0,"message":{{"content":"ok"}},{beside}}}]}}"#);
            let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
            let (Guarded::Rewritten(out), _) = guard(&mut g, body.as_bytes()) else {
                panic!("not rewritten: {body}");
            };
            let out = String::from_utf8(out.to_vec()).unwrap();
            assert!(
                out.contains("mail <EMAIL_1>") && !out.contains("ana.lopez"),
                "{out}"
            );
        }
        // A key written twice: the first, hidden from serde_json, is read too.
        let twice = br#"{"choices":[{"index":0,"message":{"content":"ana.lopez@correo-mx.com","content":"ok"}}]}"#;
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, twice) else {
            panic!("not rewritten");
        };
        let out = String::from_utf8(out.to_vec()).unwrap();
        assert!(
            !out.contains("ana.lopez") && out.contains("<EMAIL_1>"),
            "{out}"
        );
    }

    /// Web citations and Perplexity's sources are read with the answer; sources beside
    /// choices of another shape leave those choices read whole.
    #[test]
    fn citations_and_search_sources_are_guarded() {
        let scanner = Scanner::builtin().unwrap();
        let policy = crate::shield::policy::enabled_for_tests();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let body = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "See the profile.",
            "annotations": [{"type": "url_citation", "url_citation": {"start_index": 4, "end_index": 15,
                "title": "Contact ana.lopez@correo-mx.com", "url": "https://example.mx/", "content": "SSN 536-22-8812"}}]}}],
            "citations": ["https://example.com/?u=bob.ruiz@correo-mx.com"],
            "search_results": [{"title": "Eva", "url": "https://example.com/b", "snippet": "call 415-555-0134"}]})
        .to_string();
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, body.as_bytes()) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        let c = &v["choices"][0]["message"]["annotations"][0]["url_citation"];
        assert_eq!(c["title"], "Contact <EMAIL_1>", "{v}");
        assert_eq!(c["content"], "SSN <SSN_1>", "{v}");
        assert_eq!(c["start_index"], 4, "{v}");
        assert_eq!(v["citations"][0], "https://example.com/?u=<EMAIL_2>", "{v}");
        assert_eq!(v["search_results"][0]["snippet"], "call <PHONE_1>", "{v}");
        // Other providers' shapes: a parsed file (OpenRouter), Azure's retrieved documents,
        // Perplexity's steps and follow-up questions, Groq's tool results, a key in
        // another case; every string under them is read.
        let shapes = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "ok",
            "annotations": [{"type": "file", "file": {"name": "statement.pdf",
                "content": [{"type": "text", "text": "Card 4111 1111 1111 1111"}]}}],
            "context": {"citations": [{"content": "Patient SSN 536-22-8812", "title": "chart"}]},
            "reasoning_steps": [{"thought": "Looking up ana.lopez@correo-mx.com", "type": "web_search"}],
            "executed_tools": [{"output": "call 415-555-0134"}]}}],
            "related_questions": ["Who is bob.ruiz@correo-mx.com?"],
            "web_search": [{"content": "mail zoe.ruiz@correo-mx.com", "id": 4532015112830366u64}],
            "Citations": ["https://example.com/?key=AKIAQ7XK4PLMNBV2RT5Z"]})
        .to_string();
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, shapes.as_bytes()) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        let m = &v["choices"][0]["message"];
        let redacted = [
            &m["annotations"][0]["file"]["content"][0]["text"],
            &m["context"]["citations"][0]["content"],
            &m["reasoning_steps"][0]["thought"],
            &m["executed_tools"][0]["output"],
            &v["related_questions"][0],
            &v["web_search"][0]["content"],
            &v["Citations"][0],
        ];
        for (i, r) in redacted.iter().enumerate() {
            assert!(r.as_str().is_some_and(|s| s.contains('<')), "{i}: {v}");
        }
        // A number stays a number, as the client's types expect.
        assert_eq!(v["web_search"][0]["id"], 4532015112830366u64, "{v}");
        // Sources beside choices of another shape, or beside a message whose content is
        // of another shape: those choices are still read whole.
        for other in [
            json!({"choices": [{"index": 0, "output": "mail ana.lopez@correo-mx.com"}],
                "citations": ["https://example.com/"]}),
            json!({"choices": [{"index": 0, "message": {"content": {"text": "mail ana.lopez@correo-mx.com"},
                "annotations": [{"type": "url_citation", "url_citation": {"title": "Example"}}]}}]}),
            // A content part's own citations (the Responses API's `output_text`).
            json!({"choices": [{"index": 0, "message": {"content": [{"type": "output_text", "text": "ok",
                "annotations": [{"type": "url_citation", "title": "mail ana.lopez@correo-mx.com"}]}]}}]}),
            // A choice's key, or a source's, in another case: a Go client reads them.
            json!({"choices": [{"index": 0, "message": {"content": "ok"}},
                {"index": 1, "Message": {"content": "mail ana.lopez@correo-mx.com"}}]}),
            json!({"choices": [{"index": 0, "message": {"content": "ok",
                "Annotations": [{"title": "mail ana.lopez@correo-mx.com"}]}}]}),
            json!({"choices": [{"index": 0, "message": {"content": "ok"},
                "Delta": {"content": "mail ana.lopez@correo-mx.com"}}]}),
            json!({"choices": [{"index": 0, "message": {"content": "ok"},
                "Logprobs": {"content": [{"token": "mail ana.lopez@correo-mx.com"}]}}]}),
            // A content part's own tokens spell its text: emptied.
            json!({"choices": [{"index": 0, "message": {"content": [{"type": "output_text",
                "text": "mail ana.lopez@correo-mx.com", "logprobs": [{"token": "ana.lopez@correo-mx.com"}]}]}}]}),
        ] {
            let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
            let (Guarded::Rewritten(out), _) = guard(&mut g, other.to_string().as_bytes()) else {
                panic!("not rewritten: {other}");
            };
            let out = String::from_utf8(out.to_vec()).unwrap();
            assert!(
                !out.contains("ana.lopez") && out.contains("<EMAIL_1>"),
                "{out}"
            );
        }
    }

    #[test]
    fn redacted_tool_arguments_stay_json() {
        let scanner = Scanner::builtin().unwrap();
        let policy = crate::shield::policy::enabled_for_tests();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let args = r#"{"name": "Ana", "phone": 4155550134, "card": 4111111111111111}"#;
        let body = serde_json::json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": null,
            "tool_calls": [{"id": "c", "type": "function", "function": {"name": "save", "arguments": args}}]}}]});
        let mut g = OutputGuard::new(&scanner, &policy, &ph, RedactionState::new());
        let (Guarded::Rewritten(out), _) = guard(&mut g, body.to_string().as_bytes()) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        let args = v["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .unwrap();
        let parsed: Value = serde_json::from_str(args).expect("arguments are still JSON");
        assert_eq!(parsed["card"], "<CREDIT_CARD_1>", "{args}");
        assert!(!args.contains("4111"), "{args}");
    }

    /// JSON escapes hide nothing: in tool arguments always, in content when the request
    /// asked for JSON (the client parses it).
    #[test]
    fn escaped_values_are_found_in_arguments_and_json_answers() {
        let scanner = Scanner::builtin().unwrap();
        let policy = crate::shield::policy::enabled_for_tests();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        // An escape right before a value (`\n`) is no part of it: the JSON stays JSON.
        let hidden = r#"{"contact": "ana.lopez\u0040correo-mx.com", "note": "sent\nmaria.perez@correo-mx.com"}"#;
        let body = serde_json::json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": hidden,
            "tool_calls": [{"id": "c", "type": "function", "function": {"name": "save", "arguments": hidden}}]}}]});
        let mut g =
            OutputGuard::new(&scanner, &policy, &ph, RedactionState::new()).with_json_answer(true);
        let (Guarded::Rewritten(out), _) = guard(&mut g, body.to_string().as_bytes()) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        let m = &v["choices"][0]["message"];
        for text in [&m["content"], &m["tool_calls"][0]["function"]["arguments"]] {
            let parsed: Value = serde_json::from_str(text.as_str().unwrap()).unwrap();
            assert_eq!(parsed["contact"], "<EMAIL_1>", "{text}");
            assert_eq!(parsed["note"], "sent\n<EMAIL_2>", "{text}");
        }
    }
}

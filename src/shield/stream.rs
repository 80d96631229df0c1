//! Redaction inside a streamed answer (SSE), without buffering the stream.
//!
//! Provider bytes arrive cut at arbitrary places; [`SseFilter::push`] reassembles complete
//! events (any of `\n`, `\r\n`, `\r` line endings), and passes comments, keep-alives,
//! `[DONE]`, usage chunks and every field it does not rewrite through unchanged.
//!
//! For each text field of each choice (content, refusal, tool-call arguments) it keeps a
//! small hold-back of not-yet-sent text. On every delta it scans the held text and sends
//! the part that can no longer change: everything except the last `holdback_chars`
//! characters, never cutting inside a whitespace-free token (a key, an email, a
//! placeholder) or inside a finding, and holding from an unfinished `-----BEGIN` block.
//! A value split across three deltas is therefore still seen whole. The hold-back is
//! flushed into the chunk that carries the choice's `finish_reason`, or into a synthetic
//! chunk before `[DONE]` or the end of the stream; a choice's held thinking goes out when
//! its answer text begins, and everything held before a provider's error event. Tool-call
//! arguments are held whole
//! until their call is complete (the next call begins and they parse as JSON, or the
//! choice finishes), up to 16 KB at a time a call and 256 KB a stream, so that redaction
//! can keep them JSON. Memory is bounded by
//! those limits, the hold-back and the longest event, not by the stream's length.

use std::collections::{BTreeMap, BTreeSet};

use bytes::{BufMut, Bytes, BytesMut};
use serde_json::{json, Map, Value};

use super::guard::{Blocked, OutputGuard};

/// A whitespace-free run longer than this is cut anyway, so a pathological token cannot
/// hold the stream.
const MAX_TOKEN_HOLD: usize = 4096;
/// An unfinished PEM block is held at most this long.
const MAX_PEM_HOLD: usize = 16 * 1024;
/// Longest text one finding may hold back. A key block that never ends would otherwise be
/// held (and rescanned with every delta) to the stream's end; real private keys, even
/// RSA-16384, are under 13 KiB, so a longer one stops the answer.
const MAX_FINDING_HOLD: usize = 32 * 1024;
/// Held text beyond this is rescanned only once it has grown by a quarter since the last
/// scan left it: a long token, an open PEM block or a held finding would otherwise be read
/// whole again for every delta of a few bytes (a thousand times over for a 4 KiB token).
const RESCAN_FROM: usize = 256;
/// Bytes of a field's text already sent that are read again before what is held: a value
/// that needs a cue (a phone after "phone is", a name after "Dear") is found only with it.
const CUE_CONTEXT: usize = 64;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StreamError {
    #[error("an event exceeded {0} bytes without ending")]
    EventTooLarge(usize),
    /// Held text is kept per choice and per call, both named by the provider: a stream
    /// that keeps naming new ones would hold without bound.
    #[error("the stream named more than {0} choices or tool calls of a choice")]
    TooManyParts(usize),
}

/// Choices (`n` is at most 128 at OpenAI) and tool calls per choice a stream may name.
const MAX_PARTS: usize = 128;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Field {
    Content,
    Refusal,
    /// The thinking of reasoning models on OpenAI-compatible servers, shown to users too:
    /// `reasoning_content` (DeepSeek, vLLM) and `reasoning` (OpenRouter, newer vLLM).
    Reasoning,
    ReasoningText,
    /// `thinking` content parts (vLLM), sent back as such.
    Thinking,
    ToolArgs(u64),
    /// The legacy `function_call.arguments`.
    FunctionArgs,
    /// OpenRouter's `reasoning_details`: the thinking again, as `reasoning.text` entries
    /// and `reasoning.summary` ones.
    DetailText,
    DetailSummary,
    /// The free-text `input` of a custom tool call (`type: "custom"`), by our call count.
    CustomInput(u64),
    /// A completion-shaped choice's `text` (servers that stream chat in that shape), held
    /// back as content is and sent on as `text`.
    CompletionText,
}

impl Field {
    /// The model's thinking, in any of its fields.
    fn is_thinking(&self) -> bool {
        matches!(
            self,
            Field::Reasoning
                | Field::ReasoningText
                | Field::Thinking
                | Field::DetailText
                | Field::DetailSummary
        )
    }
}

/// Whether a delta carries answer text: a non-empty `content` string, or a text part (not
/// a thinking part: Mistral streams its thinking as parts of `content`).
fn answer_text_in(delta: &Map<String, Value>) -> bool {
    match delta.get("content") {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(parts)) => parts.iter().any(|p| {
            super::wire::part_text_field(p) == Some("text")
                && p.get("text")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty())
        }),
        _ => false,
    }
}

/// The `reasoning_details` entries' text fields, by name.
const DETAIL_FIELDS: [(&str, &str, Field); 2] = [
    ("text", "reasoning.text", Field::DetailText),
    ("summary", "reasoning.summary", Field::DetailSummary),
];

/// The plain text fields of a delta, by name.
const TEXT_FIELDS: [(&str, Field); 4] = [
    ("content", Field::Content),
    ("refusal", Field::Refusal),
    ("reasoning_content", Field::Reasoning),
    ("reasoning", Field::ReasoningText),
];

pub struct SseFilter<'g, 'a> {
    guard: &'g mut OutputGuard<'a>,
    holdback: usize,
    max_event: usize,
    /// Bytes of the event being assembled.
    partial: Vec<u8>,
    /// Output of the events before one too large, for `finish` to send first.
    unsent: BytesMut,
    /// Complete lines of the event being assembled.
    lines: Vec<Vec<u8>>,
    /// Their bytes, so the event's size is known without adding them up per read.
    held_lines: usize,
    /// Where in `partial` the search for a line end resumes.
    searched: usize,
    /// Bytes searched for line ends: what reading the stream costs.
    pub searched_bytes: usize,
    pending: BTreeMap<(u64, Field), String>,
    /// Per field, the end of its text already sent, as the provider wrote it (the cues).
    sent_context: BTreeMap<(u64, Field), String>,
    /// Per choice, the tool calls begun, in order: how the provider addressed each.
    calls: BTreeMap<u64, Vec<CallAddress>>,
    /// Choices whose thinking the provider writes as text parts, so held thinking goes back
    /// in that shape.
    thinking_parts: BTreeSet<u64>,
    /// Per JSON field (content when the request asked for JSON, call arguments), where it
    /// stands.
    json_lex: BTreeMap<(u64, Field), super::wire::JsonLex>,
    /// `id`, `object`, `created`, `model` of the last chunk, for synthetic flush chunks.
    meta: Map<String, Value>,
    /// Events that were not valid JSON and were dropped.
    pub malformed: u32,
    /// Set when the stream named more choices or calls than [`MAX_PARTS`].
    overflow: bool,
    /// The client was told the answer is blocked; nothing more is sent.
    pub blocked: Option<Blocked>,
    pub usage: Option<(u32, u32)>,
    pub done_seen: bool,
    /// A choice said why it finished: without it or `[DONE]`, a stream that closes was cut.
    pub finish_seen: bool,
    /// Characters of answer text forwarded.
    pub text_chars: usize,
    /// Per held field, its length when a scan last left it held; see [`RESCAN_FROM`].
    scanned_at: BTreeMap<(u64, Field), usize>,
    /// Bytes of held text scanned, context included: what the hold-back costs.
    pub scanned_bytes: usize,
    /// The first choice's content forwarded, up to [`MAX_CAPTURE`] bytes, for the SAST
    /// pool; see [`Self::note`].
    pub captured: String,
    capture_full: bool,
    /// Per top-level source key, its last value as sent and as cleaned.
    sources_seen: BTreeMap<String, (String, Value)>,
}

/// Answer text kept per stream for code analysis.
const MAX_CAPTURE: usize = 256 * 1024;

/// Tool-call arguments held whole per call; longer ones go out behind the usual hold-back.
/// Kept well under 64 KB, the line limit of some SSE clients (Go's `bufio.Scanner`).
const MAX_HELD_ARGUMENTS: usize = 16 * 1024;
/// Arguments held whole over a whole stream (many choices, many calls).
const MAX_HELD_ARGUMENTS_TOTAL: usize = 256 * 1024;

/// How the provider addressed one tool call, so its held arguments go back to it.
#[derive(Clone, Debug, Default)]
struct CallAddress {
    index: Option<u64>,
    id: Option<String>,
}

impl<'g, 'a> SseFilter<'g, 'a> {
    pub fn new(
        guard: &'g mut OutputGuard<'a>,
        holdback_chars: usize,
        max_event_bytes: usize,
    ) -> Self {
        let holdback = holdback_chars.max(guard.max_placeholder_len());
        SseFilter {
            guard,
            holdback,
            max_event: max_event_bytes,
            partial: Vec::new(),
            lines: Vec::new(),
            held_lines: 0,
            searched: 0,
            searched_bytes: 0,
            pending: BTreeMap::new(),
            sent_context: BTreeMap::new(),
            calls: BTreeMap::new(),
            json_lex: BTreeMap::new(),
            thinking_parts: BTreeSet::new(),
            meta: Map::new(),
            unsent: BytesMut::new(),
            malformed: 0,
            overflow: false,
            blocked: None,
            usage: None,
            done_seen: false,
            finish_seen: false,
            scanned_at: BTreeMap::new(),
            capture_full: false,
            sources_seen: BTreeMap::new(),
            scanned_bytes: 0,
            text_chars: 0,
            captured: String::new(),
        }
    }

    /// Feeds provider bytes; returns what can be sent to the client now.
    pub fn push(&mut self, input: &[u8]) -> Result<Bytes, StreamError> {
        let mut out = BytesMut::new();
        if self.blocked.is_some() {
            return Ok(out.freeze());
        }
        self.partial.extend_from_slice(input);
        // Only bytes no earlier push looked at are searched, so a long line that arrives in
        // many reads costs its length once, not once per read.
        let mut start = 0;
        let mut from = self.searched;
        self.searched_bytes += self.partial.len() - from;
        while let Some(at) = memchr::memchr2(b'\n', b'\r', &self.partial[from..]) {
            let i = from + at;
            let end = match (self.partial[i], self.partial.get(i + 1)) {
                // A lone `\r` at the end may be the first half of `\r\n`: wait for more.
                (b'\r', None) => break,
                (b'\r', Some(b'\n')) => i + 2,
                _ => i + 1,
            };
            from = end;
            let line = &self.partial[start..end];
            start = end;
            if !line_body(line).is_empty() {
                self.held_lines += line.len();
                self.lines.push(line.to_vec());
                continue;
            }
            self.event(&mut out);
            if self.blocked.is_some() {
                self.drop_held();
                return Ok(out.freeze());
            }
            if self.overflow {
                self.drop_held();
                self.unsent = out;
                return Err(StreamError::TooManyParts(MAX_PARTS));
            }
        }
        self.partial.drain(..start);
        // Where the next push resumes: the end, or a trailing `\r` still to be paired.
        self.searched = self.partial.len() - usize::from(self.partial.last() == Some(&b'\r'));
        if self.partial.len() + self.held_lines > self.max_event {
            // Dropped unread; `finish` still sends what came before it, held back or not.
            self.drop_held();
            self.unsent = out;
            return Err(StreamError::EventTooLarge(self.max_event));
        }
        Ok(out.freeze())
    }

    /// Forgets the event being assembled.
    fn drop_held(&mut self) {
        self.partial.clear();
        self.searched = 0;
        self.lines.clear();
        self.held_lines = 0;
    }

    /// The upstream ended: reads a last event it did not end with a blank line, so that
    /// [`Self::done_seen`] and [`Self::finish_seen`] are final; its output waits for
    /// [`Self::finish`].
    pub fn read_trailing(&mut self) {
        if self.blocked.is_some() {
            return;
        }
        let rest = std::mem::take(&mut self.partial);
        self.searched = 0;
        // A lone `\r` held back as a possible `\r\n` is the blank line that ends the event.
        if !line_body(&rest).is_empty() {
            self.lines.push(rest);
        }
        if !self.lines.is_empty() {
            let mut out = std::mem::take(&mut self.unsent);
            self.event(&mut out);
            self.unsent = out;
        }
    }

    /// The upstream ended: flush held text (and a trailing event without a blank line).
    pub fn finish(&mut self) -> Bytes {
        self.read_trailing();
        let mut out = std::mem::take(&mut self.unsent);
        if self.blocked.is_none() {
            self.flush_all(&mut out);
        }
        out.freeze()
    }

    fn event(&mut self, out: &mut BytesMut) {
        let lines = std::mem::take(&mut self.lines);
        self.held_lines = 0;
        if lines.is_empty() {
            return;
        }
        let mut data: Option<String> = None;
        let mut other: Vec<&Vec<u8>> = Vec::new();
        for l in &lines {
            let body = line_body(l);
            if let Some(v) = body.strip_prefix(b"data:") {
                let v = v.strip_prefix(b" ").unwrap_or(v);
                let v = String::from_utf8_lossy(v);
                match &mut data {
                    Some(d) => {
                        d.push('\n');
                        d.push_str(&v);
                    }
                    None => data = Some(v.into_owned()),
                }
            } else {
                other.push(l);
            }
        }
        let Some(data) = data else {
            // Comments, keep-alives, `event:`/`id:`/`retry:` only: pass as they came, each
            // line ended by `\n` (after a `\r` alone, the blank line would read as `\r\n`).
            pass_lines(out, &lines);
            return;
        };
        if data.trim() == "[DONE]" {
            self.done_seen = true;
            self.flush_all(out);
            // A block while flushing has ended the stream with its own `[DONE]`.
            if self.blocked.is_none() {
                pass_lines(out, &lines);
            }
            return;
        }
        let mut chunk: Value = match serde_json::from_str(&data) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                // Cannot be inspected, so it is not forwarded.
                self.malformed += 1;
                return;
            }
        };
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            // The provider's error ends the stream for the SDK, which raises on it (also
            // when the event has choices, as OpenRouter's has): what is still held goes
            // out before it, or the client never gets it.
            self.flush_all(out);
            if self.blocked.is_some() {
                return;
            }
        }
        if self.guard.is_active() && case_variant_choice(&chunk) {
            // `Content` beside `content`: a client that matches keys without case (Go's
            // encoding/json) reads a field the hold-back does not, so it cannot be
            // inspected as the client reads it either.
            self.malformed += 1;
            return;
        }
        if let Err(b) = self.rewrite_chunk(&mut chunk, out) {
            self.block(b, out);
            return;
        }
        if self.overflow {
            // Left unread from the choice that overflowed on: never sent.
            return;
        }
        // Each ended by `\n`: the last line of a stream may have none, and the data line
        // after it would be glued to it (`id: 9data: …`).
        put_lines(out, other);
        write_data(out, &chunk);
    }

    fn rewrite_chunk(&mut self, chunk: &mut Value, out: &mut BytesMut) -> Result<(), Blocked> {
        if let Some(u) = super::wire::usage(chunk) {
            self.usage = Some(u);
        }
        for k in ["id", "object", "created", "model", "system_fingerprint"] {
            if let Some(v) = chunk.get(k) {
                self.meta.insert(k.into(), v.clone());
            }
        }
        if self.guard.scans() {
            // Sent at once, they would spell the text the hold-back is still scanning.
            super::wire::drop_logprobs(chunk);
        }
        if self.guard.is_active() && chunk.get("choices").is_some_and(Value::is_array) {
            self.clean_sources(chunk)?;
        }
        let Some(choices) = chunk.get_mut("choices").and_then(Value::as_array_mut) else {
            // Not a chat chunk (another API's event, an error object): no field to read by
            // name, and the client reads it all the same, so it is read whole as JSON.
            if self.guard.is_active() {
                self.clean_whole_json(chunk)?;
            }
            return Ok(());
        };
        for c in choices.iter_mut() {
            let index = c.get("index").and_then(Value::as_u64).unwrap_or(0);
            if index >= MAX_PARTS as u64 {
                self.overflow = true;
                return Ok(());
            }
            // Some servers (Ollama, SGLang) send `"finish_reason": ""` on every chunk: only
            // a reason that says something ends the choice, or nothing would be held back.
            let finished = c
                .get("finish_reason")
                .is_some_and(|f| !f.is_null() && f.as_str() != Some(""));
            self.finish_seen |= finished;
            // A completion's `text` (alone, or beside a delta or a message), held back as a
            // delta's content is; its held text goes out in chunks of its own (`text_chunk`).
            let text_choice = c.get("text").is_some_and(Value::is_string);
            if text_choice && self.guard.is_active() {
                if let Some(Value::String(s)) = c.get_mut("text") {
                    let text = std::mem::take(s);
                    *s = self.take((index, Field::CompletionText), &text, finished)?;
                }
            }
            if c.get("delta").is_some_and(Value::is_object) {
                if self.guard.scans() {
                    // Perplexity repeats the answer so far as `message` in every chunk: text
                    // the hold-back has not read, and rescanning it whole each time would
                    // cost the square of the answer. The delta says the same.
                    if let Some(o) = c.as_object_mut() {
                        o.remove("message");
                    }
                }
            } else if self.guard.is_active() {
                match c.get_mut("message") {
                    // A chunk that carries only a whole message: read as a whole answer is,
                    // every field of it (calls, content parts, thinking).
                    Some(m) if m.is_object() => {
                        super::answer::clean_texts(self.guard, m, visit_message)?;
                        // Content of another shape (an object): no field read by name.
                        if let Some(content) = m.get_mut("content").filter(|c| c.is_object()) {
                            self.clean_whole_json(content)?;
                        }
                    }
                    // A choice of another shape: read whole.
                    _ if !text_choice => self.clean_whole_json(c)?,
                    _ => {}
                }
            }
            if finished && !text_choice && !c.get("delta").is_some_and(Value::is_object) {
                // What is still held goes out with the last chunk, which needs a delta for it.
                if let Some(o) = c.as_object_mut() {
                    o.insert("delta".into(), json!({}));
                }
            }
            if self.guard.is_active() {
                if let Some(d) = c.get_mut("delta").filter(|d| d.is_object()) {
                    super::answer::clean_texts(self.guard, d, visit_delta_sources)?;
                }
            }
            let Some(delta) = c.get_mut("delta").and_then(Value::as_object_mut) else {
                continue;
            };
            let answer_begins = answer_text_in(delta);
            // Thinking in the delta that begins the answer is its last: sent whole, not
            // held to go out after the chunk it ends in.
            let ends = |field: &Field| finished || (answer_begins && field.is_thinking());
            for (name, field) in &TEXT_FIELDS {
                if let Some(Value::String(s)) = delta.get_mut(*name) {
                    let text = std::mem::take(s);
                    *s = self.take((index, field.clone()), &text, ends(field))?;
                }
            }
            if let Some(details) = delta
                .get_mut("reasoning_details")
                .and_then(Value::as_array_mut)
            {
                for d in details.iter_mut() {
                    for (name, _, field) in &DETAIL_FIELDS {
                        if let Some(Value::String(s)) = d.get_mut(*name) {
                            let text = std::mem::take(s);
                            *s = self.take((index, field.clone()), &text, ends(field))?;
                        }
                    }
                }
            }
            if let Some(content) = delta.get_mut("content").filter(|c| c.is_object()) {
                // Content of another shape: no field read by name, so read whole.
                self.clean_whole_json(content)?;
            }
            // Some OpenAI-compatible servers stream content as an array of parts.
            if let Some(parts) = delta.get_mut("content").and_then(Value::as_array_mut) {
                for part in parts.iter_mut() {
                    let Some(name) = super::wire::part_text_field(part) else {
                        continue;
                    };
                    let field = match name {
                        "refusal" => Field::Refusal,
                        "thinking" => Field::Thinking,
                        _ => Field::Content,
                    };
                    match part.get_mut(name) {
                        Some(Value::String(s)) => {
                            let text = std::mem::take(s);
                            let end = ends(&field);
                            *s = self.take((index, field), &text, end)?;
                        }
                        // Thinking written as parts of its own (Mistral): each text part
                        // is held and scanned as the thinking it continues.
                        Some(Value::Array(inner)) if field == Field::Thinking => {
                            self.thinking_parts.insert(index);
                            for p in inner.iter_mut() {
                                if let Some(Value::String(s)) = p.get_mut("text") {
                                    let text = std::mem::take(s);
                                    let end = ends(&Field::Thinking);
                                    *s = self.take((index, Field::Thinking), &text, end)?;
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            match delta
                .get_mut("function_call")
                .and_then(|f| f.get_mut("arguments"))
            {
                Some(Value::String(s)) => {
                    let text = std::mem::take(s);
                    *s = self.take((index, Field::FunctionArgs), &text, finished)?;
                }
                Some(args) => self.clean_whole_json(args)?,
                None => {}
            }
            if let Some(calls) = delta.get_mut("tool_calls").and_then(Value::as_array_mut) {
                // A call that begins shows the earlier ones are complete, if their arguments
                // are whole JSON (a server that interleaves calls may still be sending
                // theirs): those go out first, just before the entry that begins the call.
                let mut entries = Vec::with_capacity(calls.len());
                for mut call in std::mem::take(calls) {
                    let (k, began) = self.call_index(index, &call);
                    if began {
                        for j in self.complete_calls(index, k) {
                            let rest = self.flush_key(&(index, Field::ToolArgs(j)))?;
                            if !rest.is_empty() {
                                entries.push(self.call_entry(
                                    index,
                                    j,
                                    "function",
                                    json!({ "arguments": rest }),
                                ));
                            }
                        }
                    }
                    match call
                        .get_mut("function")
                        .and_then(|f| f.get_mut("arguments"))
                    {
                        Some(Value::String(s)) => {
                            let text = std::mem::take(s);
                            *s = self.take((index, Field::ToolArgs(k)), &text, finished)?;
                        }
                        // An object comes whole in one delta: cleaned whole.
                        Some(args) => self.clean_whole_json(args)?,
                        None => {}
                    }
                    if let Some(Value::String(s)) =
                        call.get_mut("custom").and_then(|f| f.get_mut("input"))
                    {
                        let text = std::mem::take(s);
                        *s = self.take((index, Field::CustomInput(k)), &text, finished)?;
                    }
                    entries.push(call);
                }
                *calls = entries;
            }
            if answer_begins && !finished {
                // The thinking is over once the answer comes: its held end goes out now, or
                // a UI that shows the thinking first would show its end after the answer.
                self.flush_choice(index, delta, out, Field::is_thinking)?;
            }
            if finished {
                // Whatever is still held for this choice goes out with its last chunk.
                self.flush_choice(index, delta, out, |_| true)?;
                self.sent_context.retain(|(i, _), _| *i != index);
            }
        }
        Ok(())
    }

    /// Sends what is held for choice `index` in the fields `which` picks: thinking parts and
    /// a completion's text apart ([`Self::send_apart`]), the rest in `delta`.
    fn flush_choice(
        &mut self,
        index: u64,
        delta: &mut Map<String, Value>,
        out: &mut BytesMut,
        which: fn(&Field) -> bool,
    ) -> Result<(), Blocked> {
        let keys: Vec<(u64, Field)> = self
            .pending
            .keys()
            .filter(|(i, f)| *i == index && which(f))
            .cloned()
            .collect();
        for key in keys {
            let rest = self.flush_key(&key)?;
            if !rest.is_empty() && !self.send_apart(&key, &rest, out) {
                self.append_held(delta, key, &rest);
            }
        }
        Ok(())
    }

    /// Sends held thinking parts and a completion's text in chunks of their own, ahead of
    /// the one being written (merged, a thinking part would turn a string `content` into
    /// parts); says whether `key` was one of those.
    fn send_apart(&self, key: &(u64, Field), rest: &str, out: &mut BytesMut) -> bool {
        match key.1 {
            Field::Thinking => write_data(out, &self.thinking_chunk(key.0, rest)),
            Field::CompletionText => write_data(out, &self.text_chunk(key.0, rest)),
            _ => return false,
        }
        true
    }

    /// Which call of choice `choice` a tool-call delta belongs to (our own count, from 0),
    /// and whether it begins one. A delta with an `id` not seen last begins a call: some
    /// servers give every parallel call index 0, others send no index at all. Without an
    /// `id`, a delta continues the last call with its index (or the last call); so does one
    /// with a new id but no name while that call's arguments are not yet whole JSON (some
    /// servers give every delta a fresh id, like mlx-openai-server before its #216).
    fn call_index(&mut self, choice: u64, call: &Value) -> (u64, bool) {
        let unfinished = |k: usize| {
            self.pending
                .get(&(choice, Field::ToolArgs(k as u64)))
                .is_none_or(|t| !whole_json(t))
        };
        let named = ["function", "custom"]
            .iter()
            .any(|kind| call[*kind].get("name").is_some_and(|n| !n.is_null()));
        let calls = self.calls.entry(choice).or_default();
        let index = call.get("index").and_then(Value::as_u64);
        let id = call.get("id").and_then(Value::as_str);
        let last_at_index = |calls: &Vec<CallAddress>| match index {
            Some(i) => calls.iter().rposition(|c| c.index == Some(i)),
            None => calls.len().checked_sub(1),
        };
        let known = match id {
            // Some servers repeat the id on every delta of a call.
            Some(id) => calls
                .iter()
                .rposition(|c| c.id.as_deref() == Some(id))
                .or_else(|| last_at_index(calls).filter(|k| !named && unfinished(*k))),
            None => last_at_index(calls),
        };
        if let Some(k) = known {
            return (k as u64, false);
        }
        if calls.len() >= MAX_PARTS {
            self.overflow = true;
            return (calls.len() as u64 - 1, false);
        }
        calls.push(CallAddress {
            index,
            id: id.map(str::to_owned),
        });
        (calls.len() as u64 - 1, true)
    }

    /// Calls of `choice` before call `k` that are complete: their held arguments are whole
    /// JSON, or the provider gives calls no index (it cannot interleave them then, and a
    /// leftover sent later could only be read as the last call's).
    fn complete_calls(&self, choice: u64, k: u64) -> Vec<u64> {
        let from = (choice, Field::ToolArgs(0));
        let to = (choice, Field::ToolArgs(k));
        let calls = self.calls.get(&choice);
        self.pending
            .range(from..to)
            .filter_map(|((_, f), text)| match f {
                Field::ToolArgs(j) => Some((*j, text)),
                _ => None,
            })
            .filter(|(j, text)| {
                let unindexed = usize::try_from(*j)
                    .ok()
                    .and_then(|j| calls?.get(j))
                    .is_some_and(|c| c.index.is_none());
                unindexed || whole_json(text)
            })
            .map(|(j, _)| j)
            .collect()
    }

    /// A `tool_calls` entry carrying held arguments of call `k`, addressed as the
    /// provider addressed it. It goes out before the next call's first delta, so a client
    /// that follows calls by order or by index puts it on the right call.
    fn call_entry(&self, choice: u64, k: u64, kind: &str, payload: Value) -> Value {
        let address = usize::try_from(k)
            .ok()
            .and_then(|k| self.calls.get(&choice)?.get(k).cloned())
            .unwrap_or_default();
        // Never the id: the SDKs merge a call's deltas by index and join string fields, so
        // a repeated id would double, and a client following calls in order would take it
        // for a new call.
        let mut entry = Map::new();
        if let Some(i) = address.index {
            entry.insert("index".into(), i.into());
        }
        entry.insert(kind.into(), payload);
        Value::Object(entry)
    }

    /// Adds flushed text of `key` to a delta: text fields in place, call arguments as an
    /// entry of their own.
    fn append_held(&self, delta: &mut Map<String, Value>, key: (u64, Field), text: &str) {
        let entry = match key.1 {
            Field::ToolArgs(k) => {
                self.call_entry(key.0, k, "function", json!({ "arguments": text }))
            }
            Field::CustomInput(k) => self.call_entry(key.0, k, "custom", json!({ "input": text })),
            field => return append_field(delta, &field, text),
        };
        match delta
            .entry("tool_calls")
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            Some(calls) => calls.push(entry),
            None => {
                delta.insert("tool_calls".into(), json!([entry]));
            }
        }
    }

    /// Adds `text` to a field's hold-back and returns what may be sent now.
    ///
    /// Arguments of a call are held whole until the call is complete (the next call begins
    /// and these parse as JSON, or the choice finishes), up to [`MAX_HELD_ARGUMENTS`] at a
    /// time: clients parse them only once complete, and only whole JSON can be redacted
    /// into JSON (`{"phone": 4155550134}` must become a quoted placeholder).
    fn take(&mut self, key: (u64, Field), text: &str, finished: bool) -> Result<String, Blocked> {
        let mut pending = self.pending.remove(&key).unwrap_or_default();
        pending.push_str(text);
        let is_arguments = |f: &Field| matches!(f, Field::ToolArgs(_) | Field::FunctionArgs);
        if is_arguments(&key.1) && !finished && pending.len() <= MAX_HELD_ARGUMENTS {
            let held: usize = (self.pending.iter())
                .filter(|((_, f), _)| is_arguments(f))
                .map(|(_, t)| t.len())
                .sum();
            if held + pending.len() <= MAX_HELD_ARGUMENTS_TOTAL {
                self.pending.insert(key, pending);
                return Ok(String::new());
            }
        }
        if finished {
            self.scanned_at.remove(&key);
            if is_arguments(&key.1) {
                super::wire::unescape_in_place(&mut pending);
            }
            let findings = self.scan_held(&key, &pending);
            self.sent_context.remove(&key);
            let out = self.clean(&key, &pending, &findings)?;
            self.note(&key, &out);
            return Ok(out);
        }
        if let Some(&left) = self.scanned_at.get(&key) {
            // Crossing the finding limit is always looked at: past it, a finding stops the
            // answer rather than being held on.
            let due = (left + left / 4).min((MAX_FINDING_HOLD + 1).max(left + 1));
            if pending.len() > RESCAN_FROM && pending.len() < due {
                self.pending.insert(key, pending);
                return Ok(String::new());
            }
        }
        let findings = self.scan_held(&key, &pending);
        let placeholder = self.guard.max_placeholder_len();
        let mut cut = safe_cut(&pending, self.holdback, placeholder, &findings);
        let json = self.reads_json(&key.1);
        if json {
            cut = super::wire::escape_floor(&pending, cut);
        }
        if pending.len() - cut > MAX_FINDING_HOLD {
            if let Some(f) = findings.iter().find(|f| f.start <= cut && f.end > cut) {
                let secret = f.category == crate::scan::Category::Secret;
                return Err(Blocked {
                    code: if secret {
                        "secret_in_answer"
                    } else {
                        "pii_in_answer"
                    },
                    entity: f.entity.to_string(),
                });
            }
        }
        let head_findings: Vec<_> = findings.iter().filter(|f| f.end <= cut).cloned().collect();
        let out = self.clean(&key, &pending[..cut], &head_findings)?;
        if cut > 0 {
            let context = self.sent_context.entry(key.clone()).or_default();
            context.push_str(&pending[..cut]);
            let mut keep = context.len().saturating_sub(CUE_CONTEXT);
            while !context.is_char_boundary(keep) {
                keep += 1;
            }
            if json {
                // Read from an escape's edge, as the client does: `\\u0040` is no `@`.
                keep = super::wire::escape_ceil(context, keep);
            }
            context.drain(..keep);
        }
        pending.drain(..cut);
        self.note(&key, &out);
        if pending.is_empty() {
            self.scanned_at.remove(&key);
        } else {
            self.scanned_at.insert(key.clone(), pending.len());
            self.pending.insert(key, pending);
        }
        Ok(out)
    }

    fn flush_key(&mut self, key: &(u64, Field)) -> Result<String, Blocked> {
        self.scanned_at.remove(key);
        let Some(mut pending) = self.pending.remove(key) else {
            self.sent_context.remove(key);
            return Ok(String::new());
        };
        if matches!(key.1, Field::ToolArgs(_) | Field::FunctionArgs) {
            // Held whole, so JSON: read with its escapes undone, as a request's are.
            super::wire::unescape_in_place(&mut pending);
        }
        let findings = self.scan_held(key, &pending);
        self.sent_context.remove(key);
        let out = self.clean(key, &pending, &findings)?;
        self.note(key, &out);
        Ok(out)
    }

    /// Whether `field`'s text is JSON the client parses: call arguments, and the content of
    /// an answer in JSON mode. Its escapes are read written out, and a cut never splits one.
    fn reads_json(&self, field: &Field) -> bool {
        match field {
            Field::ToolArgs(_) | Field::FunctionArgs => true,
            Field::Content => self.guard.json_answer(),
            _ => false,
        }
    }

    /// Findings in `key`'s held text, read after the end of what was sent before it; one
    /// that began in what was sent is cut to its part still held, from its first non-blank
    /// byte (a placeholder must not swallow the blank after a word already sent).
    fn scan_held(&mut self, key: &(u64, Field), pending: &str) -> Vec<crate::scan::Finding> {
        let context_len = self.sent_context.get(key).map_or(0, String::len);
        self.scanned_bytes += context_len + pending.len();
        let scan = |text: &str| match self.reads_json(&key.1) {
            true => self.guard.scan_json(text),
            false => self.guard.scan(text),
        };
        let Some(context) = self.sent_context.get(key).filter(|c| !c.is_empty()) else {
            return scan(pending);
        };
        let n = context.len();
        scan(&format!("{context}{pending}"))
            .into_iter()
            .filter(|f| f.end > n)
            .filter_map(|mut f| {
                f.start = f.start.max(n) - n;
                f.end -= n;
                let blank = pending.as_bytes()[f.start..f.end]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                f.start += blank;
                (f.start < f.end).then_some(f)
            })
            .collect()
    }

    /// Redacts a piece of `key`'s text. JSON (content in JSON mode, call arguments, whole
    /// or past the hold) is read on from where its last piece ended, so a bare number
    /// becomes a quoted placeholder as in a whole answer.
    fn clean(
        &mut self,
        key: &(u64, Field),
        text: &str,
        findings: &[crate::scan::Finding],
    ) -> Result<String, Blocked> {
        if self.reads_json(&key.1) {
            let lex = self.json_lex.entry(key.clone()).or_default();
            return self.guard.clean_json_piece(text, findings, lex);
        }
        self.guard.clean(text, findings)
    }

    /// Counts text sent, and keeps the first choice's content for code analysis: choices
    /// of one stream interleave, and code with a hole is not the code the model wrote, so
    /// capture stops for good at the first piece that does not fit.
    fn note(&mut self, (index, field): &(u64, Field), out: &str) {
        self.text_chars += out.chars().count();
        if *index != 0 || *field != Field::Content || self.capture_full {
            return;
        }
        if self.captured.len() + out.len() <= MAX_CAPTURE {
            self.captured.push_str(out);
        } else {
            self.capture_full = true;
        }
    }

    /// A synthetic chunk carrying held thinking text of choice `index` as a thinking part.
    fn thinking_chunk(&self, index: u64, text: &str) -> Value {
        let thinking = if self.thinking_parts.contains(&index) {
            json!([{"type": "text", "text": text}])
        } else {
            json!(text)
        };
        let mut chunk = Value::Object(self.meta.clone());
        chunk["choices"] = json!([{"index": index, "delta": {"content": [
            {"type": "thinking", "thinking": thinking}]}, "finish_reason": null}]);
        chunk
    }

    /// A synthetic chunk carrying held completion `text` of choice `index`.
    fn text_chunk(&self, index: u64, text: &str) -> Value {
        let mut chunk = Value::Object(self.meta.clone());
        chunk["choices"] = json!([{"index": index, "text": text, "finish_reason": null}]);
        chunk
    }

    /// Sends every field still held, one synthetic chunk per choice.
    fn flush_all(&mut self, out: &mut BytesMut) {
        let keys: Vec<(u64, Field)> = self.pending.keys().cloned().collect();
        let mut by_choice: BTreeMap<u64, Map<String, Value>> = BTreeMap::new();
        for key in keys {
            match self.flush_key(&key) {
                Ok(rest) if !rest.is_empty() && !self.send_apart(&key, &rest, out) => {
                    self.append_held(by_choice.entry(key.0).or_default(), key, &rest)
                }
                Ok(_) => {}
                Err(b) => {
                    self.block(b, out);
                    return;
                }
            }
        }
        for (index, delta) in by_choice {
            let mut chunk = Value::Object(self.meta.clone());
            chunk["choices"] = json!([{"index": index, "delta": delta, "finish_reason": null}]);
            write_data(out, &chunk);
        }
    }

    /// Cleans a chunk's sources (top-level keys beside `choices`, see
    /// [`super::wire::body_source`]), which come whole. Perplexity repeats them in chunk
    /// after chunk: a key whose value repeats gets its cleaned copy, neither scanned nor
    /// counted again.
    fn clean_sources(&mut self, chunk: &mut Value) -> Result<(), Blocked> {
        let Some(obj) = chunk.as_object_mut() else {
            return Ok(());
        };
        for (key, v) in obj.iter_mut() {
            if !super::wire::body_source(key) {
                continue;
            }
            let raw = v.to_string();
            match self.sources_seen.get(key) {
                Some((seen, cleaned)) if *seen == raw => *v = cleaned.clone(),
                _ => {
                    super::answer::clean_texts(self.guard, v, super::wire::visit_source)?;
                    if self.sources_seen.len() >= MAX_PARTS {
                        self.sources_seen.clear();
                    }
                    self.sources_seen.insert(key.clone(), (raw, v.clone()));
                }
            }
        }
        Ok(())
    }

    /// Call arguments sent as a JSON object (llama.cpp, TGI) instead of a string: never
    /// split across deltas, so scanned and cleaned at once, and put back as JSON.
    fn clean_whole_json(&mut self, args: &mut Value) -> Result<(), Blocked> {
        let mut blocked = None;
        let guard = &mut *self.guard;
        super::wire::visit_json_value(args, "arguments", &mut |_, text| {
            let findings = guard.scan_json(text);
            match guard.clean(text, &findings) {
                Ok(clean) => *text = clean,
                Err(b) => blocked = Some(b),
            }
        });
        blocked.map_or(Ok(()), Err)
    }

    fn block(&mut self, b: Blocked, out: &mut BytesMut) {
        self.pending.clear();
        self.sent_context.clear();
        let err = json!({"error": {"type": "content_policy_violation", "code": b.code,
            "message": format!("the answer was stopped: it contained {} and this tenant's policy blocks it", b.entity)}});
        write_data(out, &err);
        out.put_slice(b"data: [DONE]\n\n");
        self.blocked = Some(b);
    }
}

/// Writes an event's lines as they came, each ended by `\n`, and the blank line after.
/// Whether `text` is one whole JSON value (a call's arguments all arrived).
fn whole_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

fn pass_lines(out: &mut BytesMut, lines: &[Vec<u8>]) {
    put_lines(out, lines);
    out.put_slice(b"\n");
}

/// Writes lines as they came, each ended by `\n` (after a `\r` alone, or none at all).
fn put_lines<'l>(out: &mut BytesMut, lines: impl IntoIterator<Item = &'l Vec<u8>>) {
    for l in lines {
        out.put_slice(line_body(l));
        out.put_slice(b"\n");
    }
}

/// Whether a choice, its delta or its message has a key the hold-back reads written another
/// way (`Content` beside `content`, `Delta` beside `delta`). Only those objects:
/// `top_logprobs` maps are keyed by tokens, and `Name` is a common one.
fn case_variant_choice(chunk: &Value) -> bool {
    let Some(choices) = chunk.get("choices").and_then(Value::as_array) else {
        return false;
    };
    choices.iter().any(super::wire::choice_case_variant)
}

/// A whole message in a chunk, visited as the answer path visits one.
fn visit_message(m: &mut Value, f: &mut dyn FnMut(&str, &mut String)) {
    super::wire::visit_message_texts(m, "message", f);
    super::wire::visit_message_sources(m, "message", f);
}

fn visit_delta_sources(d: &mut Value, f: &mut dyn FnMut(&str, &mut String)) {
    super::wire::visit_message_sources(d, "delta", f);
}

fn write_data(out: &mut BytesMut, v: &Value) {
    out.put_slice(b"data: ");
    out.put_slice(v.to_string().as_bytes());
    out.put_slice(b"\n\n");
}

/// Appends `text` to a delta's field (creating it), for flushed hold-back.
fn append_field(delta: &mut Map<String, Value>, field: &Field, text: &str) {
    match field {
        Field::Content | Field::Refusal | Field::Reasoning | Field::ReasoningText => {
            let Some((name, _)) = TEXT_FIELDS.iter().find(|(_, f)| f == field) else {
                return;
            };
            match delta.get_mut(*name) {
                Some(Value::String(s)) => s.push_str(text),
                Some(Value::Array(parts)) => parts.push(json!({"type": "text", "text": text})),
                _ => {
                    delta.insert((*name).into(), Value::String(text.into()));
                }
            }
        }
        // Sent in chunks of their own (`flush_all`).
        Field::Thinking | Field::CompletionText => {}
        Field::FunctionArgs => {
            let call = delta.entry("function_call").or_insert_with(|| json!({}));
            match call.get_mut("arguments") {
                Some(Value::String(s)) => s.push_str(text),
                _ => {
                    if let Some(obj) = call.as_object_mut() {
                        obj.insert("arguments".into(), Value::String(text.into()));
                    }
                }
            }
        }
        Field::DetailText | Field::DetailSummary => {
            let Some((name, kind, _)) = DETAIL_FIELDS.iter().find(|(_, _, f)| f == field) else {
                return;
            };
            let entry = json!({"type": kind, *name: text});
            match delta
                .get_mut("reasoning_details")
                .and_then(Value::as_array_mut)
            {
                Some(details) => details.push(entry),
                None => {
                    delta.insert("reasoning_details".into(), json!([entry]));
                }
            }
        }
        // Call arguments and inputs go out as entries of their own (`append_held`).
        Field::ToolArgs(_) | Field::CustomInput(_) => {}
    }
}

/// The line without its terminator.
fn line_body(line: &[u8]) -> &[u8] {
    let l = line.strip_suffix(b"\n").unwrap_or(line);
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// The byte index up to which `pending` can be sent: all but the last `holdback` chars,
/// moved back to the start of a token that crosses it, of a placeholder up to
/// `placeholder` bytes long (the vault restores only whole ones), of an open PEM block,
/// and last of a finding: every step moves it back, so only the last may not split one.
pub fn safe_cut(
    pending: &str,
    holdback: usize,
    placeholder: usize,
    findings: &[crate::scan::Finding],
) -> usize {
    let mut cut = match pending.char_indices().rev().nth(holdback.saturating_sub(1)) {
        Some((i, _)) if holdback > 0 => i,
        Some(_) => pending.len(),
        None => 0,
    };
    if holdback == 0 {
        cut = pending.len();
    }
    // Do not split a whitespace-free token (a key, an address, a placeholder).
    let bytes = pending.as_bytes();
    let token_start = {
        let mut s = cut;
        while s > 0 && !bytes[s - 1].is_ascii_whitespace() && cut - s < MAX_TOKEN_HOLD {
            s -= 1;
        }
        while !pending.is_char_boundary(s) {
            s += 1;
        }
        s
    };
    if cut < pending.len() && !bytes[cut].is_ascii_whitespace() {
        cut = token_start;
    }
    // A token longer than the token hold is cut anyway, maybe inside a placeholder such
    // as `<EMAIL_1>` in compact JSON; the client would get the placeholder, not its value.
    if placeholder > 0 {
        let mut from = cut.saturating_sub(placeholder - 1);
        while !pending.is_char_boundary(from) {
            from += 1;
        }
        if let Some(open) = pending[from..cut].rfind('<') {
            if !pending[from + open..cut].contains('>') {
                cut = from + open;
            }
        }
    }
    // Hold an unfinished PEM block from its BEGIN line.
    if let Some(b) = pending[..cut].rfind("-----BEGIN ") {
        if !pending[b..].contains("-----END ") && pending.len() - b < MAX_PEM_HOLD {
            cut = b;
        }
    }
    // Do not split a finding. A `private-key` match runs on to the end of an unfinished
    // block, so a long key is held (and rescanned with each delta) up to the secret rules'
    // multi-line window: sending its head would leave the tail unrecognised.
    for f in findings.iter().rev() {
        if f.start < cut && f.end > cut {
            cut = f.start;
        }
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{RedactionMode, RedactionPolicy, RedactionState, Scanner};

    use crate::shield::policy::enabled_for_tests as policy;

    /// The built-in scanner, built once: unoptimised, a build is a large part of a test.
    fn scanner() -> &'static Scanner {
        static SCANNER: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
        SCANNER.get_or_init(|| Scanner::builtin().unwrap())
    }

    #[test]
    fn safe_cut_keeps_tokens_whole() {
        let text = "hello there my address is someone@example.com";
        let cut = safe_cut(text, 5, 0, &[]);
        assert_eq!(&text[..cut], "hello there my address is ");
        assert_eq!(safe_cut("short", 10, 0, &[]), 0);
        assert_eq!(safe_cut("a b c d e f", 0, 0, &[]), "a b c d e f".len());
        // Moved back to a placeholder's `<` inside a finding, the cut then goes back to the
        // finding's start: sent, its head would go out unredacted.
        let text = "pw Tr0ub<xQ zzzzzzzz";
        let value = crate::scan::Finding {
            category: crate::scan::Category::Secret,
            entity: "GENERIC_SECRET".into(),
            start: 3,
            end: 11,
            score: 0.9,
        };
        assert_eq!(safe_cut(text, 9, 0, &[]), 11);
        assert_eq!(safe_cut(text, 9, 9, &[]), 8);
        assert_eq!(safe_cut(text, 9, 9, std::slice::from_ref(&value)), 3);
        // Likewise back to an open PEM block's BEGIN line inside a finding.
        let text = "k ab-----BEGIN CERTIFICATE-----\nMIIBxyz";
        let value = crate::scan::Finding {
            start: 2,
            end: 9,
            ..value
        };
        assert_eq!(safe_cut(text, 4, 0, &[value]), 2);
    }

    #[test]
    fn events_split_anywhere_and_crlf_survive() {
        let scanner = scanner();
        let p = policy();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut g = OutputGuard::new(scanner, &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, 8, 1 << 20);
        let input = b": keep-alive\r\n\r\ndata: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi there, friend\"},\"finish_reason\":null}]}\r\n\r\ndata: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\ndata: [DONE]\r\n\r\n";
        let mut out = Vec::new();
        for b in input.chunks(1) {
            out.extend_from_slice(&f.push(b).unwrap());
        }
        out.extend_from_slice(&f.finish());
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with(": keep-alive\n\n"), "{s}");
        // CR alone ends lines too: an event of `event:` only keeps its blank line, so its
        // name does not attach to the next data event.
        let mut g = OutputGuard::new(scanner, &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, 8, 1 << 20);
        let mut out = f.push(b"event: ping\r\rdata: [DONE]\r\r").unwrap().to_vec();
        out.extend_from_slice(&f.finish());
        assert_eq!(
            String::from_utf8_lossy(&out),
            "event: ping\n\ndata: [DONE]\n\n"
        );
        assert!(s.contains("[DONE]"));
        let text: String = s
            .split("\n\n")
            .filter_map(|e| e.strip_prefix("data: "))
            .filter(|d| *d != "[DONE]\r\n" && !d.starts_with("[DONE]"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .filter_map(|v| {
                v["choices"][0]["delta"]["content"]
                    .as_str()
                    .map(String::from)
            })
            .collect();
        assert_eq!(text, "Hi there, friend");
    }

    /// What the client gets for these raw SSE bytes, pushed event by event through a guard
    /// holding back `hold` characters under `p`, the stream then finished.
    fn filtered(p: &crate::shield::policy::Policy, hold: usize, events: &[&[u8]]) -> String {
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut g = OutputGuard::new(scanner(), p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, hold, 1 << 20);
        let mut out = Vec::new();
        for ev in events {
            out.extend_from_slice(&f.push(ev).unwrap());
        }
        out.extend_from_slice(&f.finish());
        String::from_utf8(out).unwrap()
    }

    /// The answer's first words end the thinking: its held end goes out before them, not
    /// with the answer's last chunk.
    #[test]
    fn held_thinking_goes_out_when_the_answer_begins() {
        let chunk = |field: &str, text: &str, finish: &str| {
            format!(
                "data: {{\"id\":\"x\",\"choices\":[{{\"index\":0,\"delta\":{{\"{field}\":\"{text}\"}},\"finish_reason\":{finish}}}]}}\n\n"
            )
        };
        let events = [
            chunk(
                "reasoning_content",
                "Let me think about it carefully",
                "null",
            ),
            chunk("content", "The answer", "null"),
            chunk("content", " is forty-two.", "null"),
            chunk("content", "", "\"stop\""),
            "data: [DONE]\n\n".to_string(),
        ];
        let refs: Vec<&[u8]> = events.iter().map(|e| e.as_bytes()).collect();
        let s = filtered(&policy(), 8, &refs);
        let deltas = deltas_of(&s);
        let last = |field: &str| {
            deltas
                .iter()
                .rposition(|d| d[field].as_str().is_some_and(|t| !t.is_empty()))
        };
        let thinking: String = deltas
            .iter()
            .filter_map(|d| d["reasoning_content"].as_str())
            .collect();
        assert_eq!(thinking, "Let me think about it carefully");
        assert_eq!(content_of(&s), "The answer is forty-two.");
        assert!(last("reasoning_content") < last("content"), "{s}");
    }

    /// The provider's own error event ends the stream for the client: the text still held
    /// goes out before it.
    #[test]
    fn held_text_goes_out_before_the_providers_error_event() {
        let events: [&[u8]; 2] = [
            br#"data: {"id":"x","choices":[{"index":0,"delta":{"content":"Here is the whole text"},"finish_reason":null}]}

"#,
            b"data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
        ];
        let s = filtered(&policy(), 8, &events);
        assert_eq!(content_of(&s), "Here is the whole text");
        let error_at = s.find("overloaded").expect("the error is passed on");
        assert!(s.rfind("\"content\"").is_some_and(|c| c < error_at), "{s}");
    }

    /// A stream that ends inside its last event, on a field line with no line break: the
    /// field keeps a line of its own and the data line after it is still read.
    #[test]
    fn a_last_field_line_without_a_line_break_keeps_its_own_line() {
        let ev = br#"data: {"id":"x","choices":[{"index":0,"delta":{"content":"hello there"},"finish_reason":"stop"}]}
id: 9"#;
        let s = filtered(&policy(), 8, &[&ev[..]]);
        assert!(s.contains("id: 9\ndata: {"), "{s}");
        assert_eq!(content_of(&s.replace("id: 9\n", "")), "hello there", "{s}");
    }

    /// `"finish_reason": ""` on every chunk (Ollama, SGLang) does not end the choice: text
    /// is still held back, and a value split across chunks is found whole.
    #[test]
    fn an_empty_finish_reason_does_not_end_the_hold_back() {
        let mut events: Vec<Vec<u8>> = [
            "key AKIAQ7XK4PL",
            "MNBV2RT5Z and ana.lopez@",
            "correo-mx.com ok",
        ]
        .iter()
        .map(|piece| {
            format!(
                "data: {{\"id\":\"x\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{piece}\"}},\"finish_reason\":\"\"}}]}}\n\n"
            )
            .into_bytes()
        })
        .collect();
        events.push(b"data: [DONE]\n\n".to_vec());
        let refs: Vec<&[u8]> = events.iter().map(Vec::as_slice).collect();
        let s = filtered(&policy(), 8, &refs);
        for leaked in ["AKIAQ7X", "MNBV2RT5Z", "ana.lopez"] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
        assert_eq!(content_of(&s), "key <AWS_ACCESS_KEY_1> and <EMAIL_1> ok");
        assert_eq!(s.matches("[DONE]").count(), 1, "{s}");
    }

    /// A secret still held when `[DONE]` comes, under a policy that blocks secrets: the
    /// stream ends with the error and one `[DONE]`, not the block's and the provider's.
    #[test]
    fn a_block_while_flushing_at_done_ends_with_one_done() {
        let mut p = policy();
        p.secrets_action = crate::shield::policy::SecretsAction::Block;
        let ev = b"data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"the key AKIAQ7XK4PLMNBV2RT5Z\"},\"finish_reason\":null}]}\n\n";
        let s = filtered(&p, 64, &[ev, b"data: [DONE]\n\n"]);
        assert!(!s.contains("AKIAQ7X"), "{s}");
        assert!(s.contains("secret_in_answer"), "{s}");
        assert_eq!(s.matches("[DONE]").count(), 1, "{s}");
    }

    /// Arguments streamed as a JSON object come whole in their delta and are cleaned whole.
    #[test]
    fn object_arguments_in_a_delta_are_cleaned() {
        let s = guarded_stream(&[
            r#"{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"pay","arguments":{"card":"4111111111111111"}}}]}"#,
        ]);
        assert!(!s.contains("4111"), "{s}");
        let calls = call_entries(&s);
        let args = calls
            .iter()
            .find_map(|c| c["function"]["arguments"].as_object().cloned())
            .expect("the arguments stay an object");
        assert_eq!(args["card"], "<CREDIT_CARD_1>");
    }

    /// A `message` beside the delta (Perplexity sends the answer so far in each chunk) is
    /// not passed on unread.
    #[test]
    fn a_full_message_beside_the_delta_is_not_passed_on() {
        let ev = b"data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"mail ana.lopez@correo-mx.com now\"},\"message\":{\"role\":\"assistant\",\"content\":\"mail ana.lopez@correo-mx.com now\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        let s = filtered(&policy(), 8, &[ev]);
        assert!(!s.contains("ana.lopez"), "{s}");
        assert_eq!(content_of(&s), "mail <EMAIL_1> now");
        // A chunk with only a whole message is read whole.
        let ev = b"data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"mail ana.lopez@correo-mx.com now\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        let s = filtered(&policy(), 8, &[ev]);
        assert!(
            s.contains("mail <EMAIL_1> now") && !s.contains("ana.lopez"),
            "{s}"
        );
    }

    /// Chunks of shapes the hold-back does not read by field are read whole, never passed
    /// on unread: a completion's `text`, a whole message's tool calls, another API's event.
    #[test]
    fn chunks_of_other_shapes_are_read_whole() {
        let events: [&[u8]; 3] = [
            b"data: {\"choices\":[{\"index\":0,\"text\":\"SSN 536-22-8812 and ana.lopez@correo-mx.com\"}]}\n\n",
            b"data: {\"choices\":[{\"index\":0,\"message\":{\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"pay\",\"arguments\":\"{\\\"card\\\":\\\"4111111111111111\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
            b"data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"write to bob.ruiz@correo-mx.com\"}}\n\ndata: [DONE]\n\n",
        ];
        let s = filtered(&policy(), 8, &events);
        for leaked in ["536-22-8812", "ana.lopez", "4111111111111111", "bob.ruiz"] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
        // Each stays JSON of its own shape, redacted.
        let datas = events_of(&s);
        assert!(
            datas.iter().any(|v| v["choices"][0]["text"]
                .as_str()
                .is_some_and(|t| t.contains("<EMAIL_1>"))),
            "{s}"
        );
        assert!(
            datas
                .iter()
                .any(
                    |v| v["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
                        .as_str()
                        .is_some_and(|t| t.contains("<CREDIT_CARD_1>"))
                ),
            "{s}"
        );
        assert!(
            datas.iter().any(|v| v["delta"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("<EMAIL_"))),
            "{s}"
        );
    }

    /// A search answer's citations (in a delta, in a whole message, flat as xAI sends them)
    /// and Perplexity's sources beside the choices are read like the answer, and go out
    /// redacted: the client shows them with it. Sources repeated chunk after chunk are
    /// scanned and counted once.
    #[test]
    fn citations_and_search_sources_are_scanned() {
        let sources = r#""citations":["https://example.com/?key=AKIAQ7XK4PLMNBV2RT5Z"],"search_results":[{"title":"SSN 536-22-8812","url":"https://example.com/b","snippet":"mail eva.soto@correo-mx.com"}]"#;
        let events = [
            r#"{"choices":[{"index":0,"delta":{"content":"See the profile.","annotations":[{"type":"url_citation","url_citation":{"start_index":4,"end_index":15,"title":"Contact ana.lopez@correo-mx.com","url":"https://example.mx/?u=bob.ruiz@correo-mx.com"}}]}}]}"#.to_string(),
            r#"{"choices":[{"index":1,"message":{"content":"ok","annotations":[{"type":"url_citation","title":"call 415-555-0134","url":"https://example.com/a","start_index":0,"end_index":2}]}}]}"#.to_string(),
            format!(r#"{{"choices":[{{"index":0,"delta":{{"content":" More."}}}}],{sources}}}"#),
            format!(r#"{{"choices":[{{"index":0,"delta":{{"content":" Done."}}}}],{sources}}}"#),
            // One key changed, one key new (Z.ai's `web_search`, with a number to keep).
            r#"{"choices":[],"citations":["https://example.com/?key=AKIAQ7XK4PLMNBV2RT5Z"],"search_results":[{"title":"call 312-555-0188"}],"web_search":[{"content":"mail zoe.ruiz@correo-mx.com","id":4532015112830366}]}"#.to_string(),
            // Content of another shape, in a whole message and in a delta.
            r#"{"choices":[{"index":2,"message":{"content":{"text":"mail max.ortiz@correo-mx.com"}}}]}"#.to_string(),
            r#"{"choices":[{"index":3,"delta":{"content":{"text":"mail luz.vera@correo-mx.com"}}}]}"#.to_string(),
            // A content part's own citations (the Responses API's `output_text`).
            r#"{"choices":[{"index":4,"delta":{"content":[{"type":"output_text","text":"ok","annotations":[{"type":"url_citation","title":"mail ida.paz@correo-mx.com"}]}]}}]}"#.to_string(),
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.to_string(),
        ];
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let p = policy();
        let mut g = OutputGuard::new(scanner(), &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, 8, 1 << 20);
        let mut out = Vec::new();
        for ev in &events {
            out.extend_from_slice(&f.push(format!("data: {ev}\n\n").as_bytes()).unwrap());
        }
        out.extend_from_slice(&f.push(b"data: [DONE]\n\n").unwrap());
        out.extend_from_slice(&f.finish());
        let s = String::from_utf8(out).unwrap();
        for leaked in [
            "ana.lopez",
            "bob.ruiz",
            "415-555-0134",
            "AKIAQ7XK4PLMNBV2RT5Z",
            "536-22-8812",
            "eva.soto",
            "312-555-0188",
            "zoe.ruiz",
            "max.ortiz",
            "luz.vera",
            "ida.paz",
        ] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
        let datas = events_of(&s);
        let citation = datas
            .iter()
            .find_map(|v| v["choices"][0]["delta"]["annotations"][0]["url_citation"].as_object())
            .expect("the citation goes out");
        assert_eq!(citation["title"], "Contact <EMAIL_1>", "{s}");
        assert!(
            citation["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("?u=<EMAIL_2>")),
            "{s}"
        );
        assert_eq!(citation["start_index"], 4, "{s}");
        let flat = datas
            .iter()
            .find_map(|v| v["choices"][0]["message"]["annotations"][0]["title"].as_str())
            .expect("the whole message goes out");
        assert_eq!(flat, "call <PHONE_1>", "{s}");
        let sent: Vec<&Value> = datas
            .iter()
            .filter(|v| v.get("search_results").is_some())
            .collect();
        assert_eq!(sent.len(), 3, "{s}");
        assert_eq!(sent[2]["web_search"][0]["id"], 4532015112830366u64, "{s}");
        for v in &sent[..2] {
            assert_eq!(v["search_results"][0]["title"], "SSN <SSN_1>", "{s}");
            assert!(
                v["citations"][0]
                    .as_str()
                    .is_some_and(|c| c.contains("<AWS_ACCESS_KEY_1>")),
                "{s}"
            );
        }
        drop(f);
        // Each value once, though the sources came three times.
        assert_eq!(g.total_found(), 11, "{:?}", g.found);
    }

    #[test]
    fn reasoning_and_legacy_function_arguments_are_scanned() {
        let s = guarded_stream(&[
            r#"{"reasoning_content":"The key is AKIAQ7XK4PLMNBV2RT5Z and "}"#,
            r#"{"reasoning_content":"mail ana.lopez@correo-mx.com."}"#,
            r#"{"function_call":{"name":"f","arguments":"{\"k\": \"AKIAQ7X"}}"#,
            r#"{"function_call":{"arguments":"K4PLMNBV2RT5Z\"}"}}"#,
            r#"{"reasoning":"and the card 4111 1111 "}"#,
            r#"{"reasoning":"1111 1111 is hers."}"#,
        ]);
        for leaked in ["AKIAQ7X", "K4PLMNBV2RT5Z", "ana.lopez", "4111"] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
        assert!(
            s.contains("<AWS_ACCESS_KEY_1>") && s.contains("<EMAIL_1>"),
            "{s}"
        );
    }

    #[test]
    fn reasoning_details_custom_inputs_and_escaped_arguments_are_scanned() {
        let s = guarded_stream(&[
            r#"{"reasoning":"mail ana.lopez@","reasoning_details":[{"type":"reasoning.text","text":"mail ana.lopez@"}]}"#,
            r#"{"reasoning":"correo-mx.com now","reasoning_details":[{"type":"reasoning.text","text":"correo-mx.com now"}]}"#,
            r#"{"tool_calls":[{"index":0,"id":"c1","type":"custom","custom":{"name":"sql","input":"UPDATE t SET card='4111 1111 "}}]}"#,
            r#"{"tool_calls":[{"index":0,"custom":{"input":"1111 1111' WHERE 1"}}]}"#,
            r#"{"tool_calls":[{"index":1,"id":"c2","type":"function","function":{"name":"f","arguments":"{\"to\":\"bob.ruiz\\u0040"}}]}"#,
            r#"{"tool_calls":[{"index":1,"function":{"arguments":"correo-mx.com\"}"}}]}"#,
        ]);
        for leaked in ["ana.lopez", "4111", "bob.ruiz"] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
        let deltas = deltas_of(&s);
        let joined = |pick: &dyn Fn(&Value) -> Option<String>| -> String {
            deltas.iter().filter_map(pick).collect()
        };
        let details = joined(&|d| {
            Some(
                d["reasoning_details"]
                    .as_array()?
                    .iter()
                    .filter_map(|e| e["text"].as_str())
                    .collect(),
            )
        });
        assert_eq!(details, "mail <EMAIL_1> now");
        let call = |i: u64, kind: &str, field: &str| -> String {
            deltas
                .iter()
                .filter_map(|d| d["tool_calls"].as_array())
                .flatten()
                .filter(|c| c["index"] == i)
                .filter_map(|c| c[kind][field].as_str().map(String::from))
                .collect()
        };
        assert_eq!(
            call(0, "custom", "input"),
            "UPDATE t SET card='<CREDIT_CARD_1>' WHERE 1"
        );
        let args: Value = serde_json::from_str(&call(1, "function", "arguments")).unwrap();
        assert_eq!(args["to"], "<EMAIL_2>");
    }

    /// One line of a PEM key body.
    const KEY_LINE: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n";

    /// What the client gets for `text` streamed as content in 200-byte deltas.
    fn streamed_in_pieces(text: &str) -> String {
        let pieces: Vec<String> = text
            .as_bytes()
            .chunks(200)
            .map(|c| json!({"content": String::from_utf8_lossy(c)}).to_string())
            .collect();
        let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
        guarded_stream(&refs)
    }

    /// A private key longer than the PEM hold is still held whole by its finding, and
    /// redacted whole: sending its head early would leave the tail unrecognised.
    #[test]
    fn a_key_longer_than_the_hold_is_redacted_as_it_goes() {
        let line = KEY_LINE;
        let key = format!(
            "-----BEGIN PRIVATE KEY-----\n{}-----END PRIVATE KEY-----\n",
            line.repeat(MAX_PEM_HOLD / line.len() + 40)
        );
        let out = streamed_in_pieces(&format!("Here it is:\n{key}Keep it safe."));
        let content: String = deltas_of(&out)
            .iter()
            .filter_map(|d| d["content"].as_str().map(String::from))
            .collect();
        assert!(!content.contains("MIIEvQIBADANBgkq"), "{content}");
        assert!(content.starts_with("Here it is:") && content.ends_with("Keep it safe."));
    }

    /// Compact JSON has no blank to cut at, so past the token hold a cut falls anywhere:
    /// never inside a pseudonym's placeholder, which would reach the client unrestored.
    #[test]
    fn a_forced_cut_does_not_split_a_placeholder() {
        let mut pseudo = RedactionPolicy::new(RedactionMode::Placeholder);
        for e in crate::scan::PiiEntity::ALL {
            pseudo = pseudo.with_entity(e.name(), RedactionMode::Pseudonymize);
        }
        // The request's redaction, which left the client's address in the vault.
        let vault = || {
            let mut state = RedactionState::new();
            let prompt = "write to ana.lopez@correo-mx.com";
            let found = scanner().scan(prompt, &Default::default()).findings;
            let sent = crate::scan::redact(prompt, &found, &pseudo, &mut state);
            assert_eq!(sent, "write to <EMAIL_1>");
            state
        };
        let rows: Vec<String> = (0..300)
            .map(|i| format!("{{\"row\":{i},\"to\":\"<EMAIL_1>\"}}"))
            .collect();
        let answer = format!("[{}]", rows.join(","));
        let expected = answer.replace("<EMAIL_1>", "ana.lopez@correo-mx.com");
        for size in [7, 31, 200] {
            let pieces: Vec<String> = (answer.as_bytes().chunks(size))
                .map(|c| json!({"content": String::from_utf8_lossy(c)}).to_string())
                .collect();
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let out = guarded_stream_with(&refs, false, vault());
            assert_eq!(content_of(&out), expected, "deltas of {size} bytes");
        }
    }

    /// A key block that never ends is not held to the stream's end: past 32 KiB the answer
    /// is stopped, and none of the block was sent.
    #[test]
    fn a_key_block_without_end_stops_the_answer() {
        let line = KEY_LINE;
        let text = format!(
            "Here:\n-----BEGIN PRIVATE KEY-----\n{}",
            line.repeat(MAX_FINDING_HOLD / line.len() + 40)
        );
        let out = streamed_in_pieces(&text);
        assert!(!out.contains("MIIEvQIBADANBgkq"), "{out}");
        assert!(out.contains("secret_in_answer"), "{out}");
    }

    /// A completion's `text` streamed in pieces is held back as content is: a value split
    /// across chunks is found whole, and the text goes on as `text`.
    #[test]
    fn completion_text_split_across_chunks_is_found() {
        let events: Vec<String> = ["mail ana.lo", "pez@correo-mx.com", " now"]
            .iter()
            .map(|t| {
                format!(
                    "data: {}\n\n",
                    json!({"choices": [{"index": 0, "text": t, "finish_reason": null}]})
                )
            })
            .collect();
        let mut events: Vec<&[u8]> = events.iter().map(|e| e.as_bytes()).collect();
        events.push(b"data: [DONE]\n\n");
        let s = filtered(&policy(), 8, &events);
        assert!(!s.contains("ana.lo") && !s.contains("pez@"), "{s}");
        let text: String = events_of(&s)
            .iter()
            .filter_map(|v| v["choices"][0]["text"].as_str().map(String::from))
            .collect();
        assert_eq!(text, "mail <EMAIL_1> now");
    }

    /// A chunk whose keys differ from the read ones only in case is not passed on (a Go
    /// client would read `Content`), and a `text` beside a null delta is read.
    #[test]
    fn case_variant_chunks_are_dropped_and_null_deltas_do_not_hide_text() {
        let (s, malformed) = with_filter(|f| {
            let mut out = Vec::new();
            for ev in [
                json!({"choices": [{"index": 0, "delta": {"content": "Hello "}, "finish_reason": null}]}),
                json!({"choices": [{"index": 0, "delta": {"content": "x", "Content": "ana.lopez@correo-mx.com"}, "finish_reason": null}]}),
                json!({"choices": [{"index": 1, "delta": null, "text": "bob.ruiz@correo-mx.com"}]}),
                // A choice's own key in another case is dropped; a source's is read.
                json!({"choices": [{"index": 2, "delta": {"content": "y"}, "Delta": {"content": "carl.diaz@correo-mx.com"}}]}),
                json!({"choices": [{"index": 3, "delta": {"content": "z", "Annotations": [{"title": "dan.gil@correo-mx.com"}]}}]}),
                json!({"choices": [{"index": 4, "delta": {"content": "w"}, "Logprobs": {"content": [{"token": "eve.paz@correo-mx.com"}]}}]}),
                json!({"choices": [{"index": 5, "delta": {"content": "v"}, "Text": "fay.roa@correo-mx.com"}]}),
                // A content part's own tokens spell its text: emptied.
                json!({"choices": [{"index": 6, "delta": {"content": [{"type": "output_text", "text": "ok",
                    "logprobs": [{"token": "gus.ibarra@correo-mx.com"}]}]}}]}),
            ] {
                out.extend_from_slice(&f.push(format!("data: {ev}\n\n").as_bytes()).unwrap());
            }
            out.extend_from_slice(&f.push(b"data: [DONE]\n\n").unwrap());
            out.extend_from_slice(&f.finish());
            (String::from_utf8(out).unwrap(), f.malformed)
        });
        for leaked in [
            "ana.lopez",
            "bob.ruiz",
            "carl.diaz",
            "dan.gil",
            "eve.paz",
            "fay.roa",
            "gus.ibarra",
        ] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
        assert!(s.contains("<EMAIL_1>") && s.contains("Hello"), "{s}");
        assert!(s.contains(r#""Annotations":[{"title":"<EMAIL_"#), "{s}");
        assert!(s.contains(r#""logprobs":[]"#), "{s}");
        assert_eq!(malformed, 4);
        // Log-probabilities are keyed by tokens (`Name`): not a case variant. A `text`
        // beside a delta is read too.
        let (s, malformed) = with_filter(|f| {
            let ev = json!({"choices": [{"index": 0, "text": "Name: ana.lopez@correo-mx.com", "delta": {"content": "ok"},
                "logprobs": {"tokens": ["Name"], "top_logprobs": [{"Name": -0.2, " name": -1.9}]}, "finish_reason": "stop"}]});
            let mut out = f
                .push(format!("data: {ev}\n\ndata: [DONE]\n\n").as_bytes())
                .unwrap()
                .to_vec();
            out.extend_from_slice(&f.finish());
            (String::from_utf8(out).unwrap(), f.malformed)
        });
        assert_eq!(malformed, 0, "{s}");
        assert!(
            s.contains("Name: <EMAIL_1>") && !s.contains("ana.lopez"),
            "{s}"
        );
    }

    /// Runs `run` on a filter over a placeholder guard of the test policy, holding back 8.
    fn with_filter<T>(run: impl FnOnce(&mut SseFilter<'_, '_>) -> T) -> T {
        with_filter_of(8, 1 << 20, run)
    }

    /// [`with_filter`] with its hold-back and event limit.
    fn with_filter_of<T>(
        holdback: usize,
        max_event: usize,
        run: impl FnOnce(&mut SseFilter<'_, '_>) -> T,
    ) -> T {
        let p = policy();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut g = OutputGuard::new(scanner(), &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, holdback, max_event);
        run(&mut f)
    }

    /// Code analysis gets the first choice's content only, not choices interleaved.
    #[test]
    fn the_code_captured_is_the_first_choices() {
        let captured = with_filter(|f| {
            for (i, piece) in [
                (0, "fn main() {"),
                (1, "def main():"),
                (0, " run(); }"),
                (1, " pass"),
            ] {
                let ev = json!({"choices": [{"index": i, "delta": {"content": piece}, "finish_reason": null}]});
                f.push(format!("data: {ev}\n\n").as_bytes()).unwrap();
            }
            let last = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"},{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
            f.push(last.as_bytes()).unwrap();
            f.finish();
            f.captured.clone()
        });
        assert_eq!(captured, "fn main() { run(); }");
    }

    /// Text held long (a token without blanks, an open key block) is not read whole again
    /// for every small delta: the scan reads a few times what arrives, not a thousand.
    #[test]
    fn long_held_text_is_not_rescanned_for_every_delta() {
        // 200 KB of base64 without a blank, then a key and an email, in 4-byte deltas.
        let blob: String = (0..50_000)
            .map(|i| ["QUJD", "RGVm", "Z2hp", "amts"][i % 4])
            .collect();
        let tail = " then AKIAQ7XK4PLMNBV2RT5Z and ana.lopez@correo-mx.com end";
        let text = format!("{blob}{tail}");
        for pem in [false, true] {
            let text = if pem {
                format!("-----BEGIN RSA PRIVATE KEY-----\n{}", &text[..12_000])
            } else {
                text.clone()
            };
            let (out, scanned) = with_filter(|f| {
                let mut out = Vec::new();
                for piece in text.as_bytes().chunks(4) {
                    let piece = std::str::from_utf8(piece).unwrap();
                    let ev = json!({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]});
                    out.extend_from_slice(&f.push(format!("data: {ev}\n\n").as_bytes()).unwrap());
                }
                let last = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
                out.extend_from_slice(&f.push(last.as_bytes()).unwrap());
                out.extend_from_slice(&f.finish());
                (out, f.scanned_bytes)
            });
            assert!(
                scanned < 12 * text.len(),
                "pem {pem}: {scanned} bytes scanned for {}",
                text.len()
            );
            let s = String::from_utf8(out).unwrap();
            let got: String = deltas_of(&s)
                .iter()
                .filter_map(|d| d["content"].as_str().map(String::from))
                .collect();
            if pem {
                // An unfinished key block is one finding to the end of the answer.
                assert_eq!(got, "<PRIVATE_KEY_1>", "pem");
            } else {
                assert!(got.starts_with(&blob), "the token arrives unchanged");
                assert!(
                    got.ends_with(" then <AWS_ACCESS_KEY_1> and <EMAIL_1> end"),
                    "{}",
                    &got[got.len() - 80..]
                );
            }
        }
    }

    /// What the client gets for a stream of these deltas (JSON objects), ended by `stop`
    /// and `[DONE]`, through a guard holding back 8 characters.
    fn guarded_stream(deltas: &[&str]) -> String {
        guarded_stream_as(deltas, false)
    }

    fn guarded_stream_as(deltas: &[&str], json: bool) -> String {
        guarded_stream_with(deltas, json, RedactionState::new())
    }

    /// [`guarded_stream_as`] for a request whose redaction left `state` (its vault).
    fn guarded_stream_with(deltas: &[&str], json: bool, state: RedactionState) -> String {
        let scanner = scanner();
        let p = policy();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut g = OutputGuard::new(scanner, &p, &ph, state).with_json_answer(json);
        let mut f = SseFilter::new(&mut g, 8, 1 << 20);
        let mut out = Vec::new();
        for delta in deltas {
            let ev = format!(
                "data: {{\"id\":\"x\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":null}}]}}\n\n"
            );
            out.extend_from_slice(&f.push(ev.as_bytes()).unwrap());
        }
        let last = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        out.extend_from_slice(&f.push(last.as_bytes()).unwrap());
        out.extend_from_slice(&f.finish());
        String::from_utf8(out).unwrap()
    }

    /// The first choice's delta of every event in `sse`, as a client reads them.
    fn deltas_of(sse: &str) -> Vec<Value> {
        events_of(sse)
            .into_iter()
            .map(|v| v["choices"][0]["delta"].clone())
            .collect()
    }

    /// The JSON events of `sse`, in order.
    fn events_of(sse: &str) -> Vec<Value> {
        sse.lines()
            .filter_map(|l| l.trim().strip_prefix("data: "))
            .filter_map(|d| serde_json::from_str::<Value>(d).ok())
            .collect()
    }

    /// The content text a client assembles from `sse`.
    fn content_of(sse: &str) -> String {
        deltas_of(sse)
            .iter()
            .filter_map(|d| d["content"].as_str())
            .collect()
    }

    /// Every tool-call entry of `sse`, in order.
    fn call_entries(sse: &str) -> Vec<Value> {
        deltas_of(sse)
            .iter()
            .flat_map(|d| d["tool_calls"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    /// Tool calls rebuilt as a client following them in order does: an entry with an id
    /// begins a call, one without continues the last; (id, arguments) per call.
    fn calls_in_order(sse: &str) -> Vec<(String, String)> {
        let mut calls: Vec<(String, String)> = Vec::new();
        for e in call_entries(sse) {
            if let Some(id) = e["id"].as_str() {
                calls.push((id.to_owned(), String::new()));
            }
            let text = e["function"]["arguments"].as_str().unwrap_or("");
            calls.last_mut().expect("a call began").1.push_str(text);
        }
        calls
    }

    /// Arguments are held whole, so a value written as a bare number is redacted into JSON
    /// however the provider splits it; calls without an `index` keep their own arguments.
    #[test]
    fn streamed_arguments_stay_json_after_redaction() {
        let args = r#"{"note": "customer asked to be called back about the renewal", "card": 4111111111111111}"#;
        let (a, b) = args.split_at(70);
        let call = |extra: Value, arguments: &str| {
            let mut c = json!({"function": {"arguments": arguments}});
            for (k, v) in extra.as_object().unwrap() {
                c[k] = v.clone();
            }
            json!({ "tool_calls": [c] }).to_string()
        };
        // OpenAI's shape; a server that gives every call index 0 (new ids); one that
        // gives no index.
        for (first, next) in [
            (
                json!({"index": 0, "id": "c1"}),
                json!({"index": 1, "id": "c2"}),
            ),
            (
                json!({"index": 0, "id": "c1"}),
                json!({"index": 0, "id": "c2"}),
            ),
            (json!({"id": "c1"}), json!({"id": "c2"})),
        ] {
            let rest = first
                .get("index")
                .map_or(json!({}), |i| json!({ "index": i }));
            let deltas = [
                call(first.clone(), a),
                call(rest, b),
                call(next.clone(), "{}"),
            ];
            let refs: Vec<&str> = deltas.iter().map(String::as_str).collect();
            let s = guarded_stream(&refs);
            assert!(!s.contains("4111"), "{s}");
            let calls = calls_in_order(&s);
            assert_eq!(calls.len(), 2, "{first} {next}: {calls:?}");
            let v: Value = serde_json::from_str(&calls[0].1).expect("arguments are JSON");
            assert_eq!(v["card"], "<CREDIT_CARD_1>", "{first}: {}", calls[0].1);
            assert_eq!((calls[1].0.as_str(), calls[1].1.as_str()), ("c2", "{}"));
        }
    }

    /// Calls interleaved by index: a call that has not sent all its arguments is not
    /// flushed when the next begins, so a value split across its fragments is still seen
    /// whole.
    #[test]
    fn streamed_json_content_stays_json_after_redaction() {
        let pieces = [
            r#"{"content":"{\"name\": \"x\", \"note\": \"call 415 "}"#,
            r#"{"content":"555 0134\\\" ok\", \"phone\": 41555"}"#,
            r#"{"content":"50199, \"n\": 7}"}"#,
        ];
        let json = content_of(&guarded_stream_as(&pieces, true));
        let v: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(v["phone"], "<PHONE_2>", "{json}");
        assert_eq!(v["note"], "call <PHONE_1>\" ok", "{json}");
        assert_eq!(v["n"], 7);
        // A quote before the JSON puts the reading out of step: a number inside a string
        // must still not be quoted, so only a number in a value's place is.
        let stray = [
            r#"{"content":"Height 5'10\" then {\"phone\": \"41555"}"#,
            r#"{"content":"50199\"}"}"#,
        ];
        let out = content_of(&guarded_stream_as(&stray, true));
        assert_eq!(out, r#"Height 5'10" then {"phone": "<PHONE_1>"}"#);
        // Read as plain text, the same answer loses its JSON: what the flag is for.
        let text = content_of(&guarded_stream_as(&pieces, false));
        assert!(text.contains(": <PHONE_2>,"), "{text}");
        assert!(serde_json::from_str::<Value>(&text).is_err());
    }

    /// What the client assembles of JSON-mode content `answer` streamed as two deltas, cut
    /// at `at`.
    fn json_content_split_at(answer: &str, at: usize) -> String {
        let (a, b) = answer.split_at(at);
        let pieces = [
            json!({ "content": a }).to_string(),
            json!({ "content": b }).to_string(),
        ];
        content_of(&guarded_stream_as(&[&pieces[0], &pieces[1]], true))
    }

    /// JSON content and call arguments too long to hold are sent piece by piece as they
    /// came, but read with their escapes written out: `ana\u0040correo-mx.com` is an
    /// address to the client that parses them, however the provider splits it.
    #[test]
    fn escaped_values_in_streamed_json_are_found() {
        let answer = r#"{"name": "x", "contact": "ana.maria\u0040correo-mx.com", "web": "https:\/\/example.org"}"#;
        for at in 1..answer.len() {
            let out = json_content_split_at(answer, at);
            let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
            assert_eq!(v["contact"], "<EMAIL_1>", "split at {at}: {out}");
            assert_eq!(v["web"], "https://example.org", "split at {at}: {out}");
        }
        // An escape right before a value is no part of it, however the answer is split.
        let answer = r#"{"a": "x\nana.maria@correo-mx.com\t", "b": "\ud83d\ude00 maria.perez@correo-mx.com"}"#;
        for at in 1..answer.len() {
            let out = json_content_split_at(answer, at);
            let v: Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("split at {at}: {e}: {out}"));
            assert_eq!(v["a"], "x\n<EMAIL_1>\t", "split at {at}: {out}");
            assert_eq!(v["b"], "\u{1F600} <EMAIL_2>", "split at {at}: {out}");
        }
        // A token too long to hold whole is sent in parts; split near the escape, the
        // address after it is still found and the JSON stays JSON.
        let long = format!(
            r#"{{"k": "{}\u0040correo-mx.com"}}"#,
            "a".repeat(MAX_TOKEN_HOLD + 100)
        );
        let escape = long.find('\\').unwrap();
        for at in [escape - 1, escape + 1, escape + 3, escape + 7, escape + 12] {
            let out = json_content_split_at(&long, at);
            let v: Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("split at {at}: {e}"));
            assert!(
                !v["k"].as_str().unwrap().contains("correo-mx"),
                "split at {at}: {v}"
            );
        }
        // Arguments past the hold are streamed too, and a bare number is quoted there
        // as in arguments held whole.
        let filler = "the renewal was discussed at length with the customer ".repeat(400);
        let args = format!(
            r#"{{"note": "{filler}", "to": "ana.maria\u0040correo-mx.com", "phone": 4155550134}}"#
        );
        assert!(args.len() > MAX_HELD_ARGUMENTS);
        let mut pieces = vec![
            json!({"tool_calls": [{"index": 0, "id": "c1", "type": "function",
            "function": {"name": "mail", "arguments": ""}}]})
            .to_string(),
        ];
        let bytes = args.as_bytes();
        for chunk in bytes.chunks(997) {
            let text = std::str::from_utf8(chunk).unwrap();
            pieces.push(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": text}}]}).to_string(),
            );
        }
        let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
        let calls = calls_in_order(&guarded_stream(&refs));
        assert_eq!(calls.len(), 1);
        let v: Value = serde_json::from_str(&calls[0].1).unwrap();
        assert_eq!(v["to"], "<EMAIL_1>");
        assert_eq!(v["phone"], "<PHONE_1>");
        assert_eq!(v["note"], filler.as_str());
    }

    #[test]
    fn a_value_found_by_its_cue_is_found_after_the_cue_was_sent() {
        // A bare phone is a phone only after "phone"; the hold-back sends the cue first.
        let text = "Sure. Your phone is 4155550199 and that is all, thanks for asking.";
        let chars: Vec<char> = text.chars().collect();
        let deltas: Vec<String> = chars
            .chunks(3)
            .map(|c| json!({"content": c.iter().collect::<String>()}).to_string())
            .collect();
        let refs: Vec<&str> = deltas.iter().map(String::as_str).collect();
        let sse = guarded_stream(&refs);
        assert_eq!(
            content_of(&sse),
            "Sure. Your phone is <PHONE_1> and that is all, thanks for asking."
        );
    }

    #[test]
    fn a_value_begun_in_what_was_sent_is_cut_at_its_first_word() {
        let scanner = scanner();
        let p = policy();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut g = OutputGuard::new(scanner, &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, 8, 1 << 20);
        let key = (0, Field::Content);
        f.sent_context.insert(key.clone(), "I spoke to Ana".into());
        let pending = " García yesterday about it.";
        let found = f.scan_held(&key, pending);
        let spans: Vec<&str> = found.iter().map(|x| &pending[x.start..x.end]).collect();
        assert_eq!(spans, ["García"], "{found:?}");
    }

    #[test]
    fn interleaved_calls_are_scanned_whole() {
        let frag = |i: u64, id: Option<&str>, args: &str| {
            let mut c = json!({"index": i, "function": {"arguments": args}});
            if let Some(id) = id {
                c["id"] = json!(id);
            }
            json!({ "tool_calls": [c] }).to_string()
        };
        let deltas = [
            frag(0, Some("c1"), r#"{"card": 41111111"#),
            frag(1, Some("c2"), r#"{"q": "#),
            frag(0, None, "11111111}"),
            frag(1, None, r#""x"}"#),
        ];
        let refs: Vec<&str> = deltas.iter().map(String::as_str).collect();
        let s = guarded_stream(&refs);
        let mut by_index: BTreeMap<u64, String> = BTreeMap::new();
        for e in call_entries(&s) {
            let i = e["index"].as_u64().unwrap();
            let text = e["function"]["arguments"].as_str().unwrap_or("");
            by_index.entry(i).or_default().push_str(text);
        }
        assert!(!by_index[&0].contains("4111"), "{by_index:?}");
        let v: Value = serde_json::from_str(&by_index[&0]).expect("JSON");
        assert_eq!(v["card"], "<CREDIT_CARD_1>");
        assert_eq!(by_index[&1], r#"{"q": "x"}"#);
    }

    /// A server that gives every delta of a call a fresh id: the deltas after the one that
    /// names the function continue it, so a value split across them is found.
    #[test]
    fn a_fresh_id_on_every_delta_of_a_call_does_not_split_it() {
        let frag = |id: &str, function: Value| {
            json!({ "tool_calls": [{"index": 0, "id": id, "function": function}] }).to_string()
        };
        let deltas = [
            frag("a1", json!({"name": "pay", "arguments": ""})),
            frag("a2", json!({"arguments": "{\"card\": \"4111 1111"})),
            frag("a3", json!({"arguments": " 1111 1111\"}"})),
        ];
        let refs: Vec<&str> = deltas.iter().map(String::as_str).collect();
        let entries = call_entries(&guarded_stream(&refs));
        let args: String = entries
            .iter()
            .filter_map(|e| e["function"]["arguments"].as_str())
            .collect();
        assert!(!args.contains("1111 1111"), "{entries:?}");
        let v: Value = serde_json::from_str(&args).expect("JSON");
        assert_eq!(v["card"], "<CREDIT_CARD_1>");
        let names: Vec<&Value> = entries
            .iter()
            .filter_map(|e| e["function"].get("name"))
            .collect();
        assert_eq!(names, [&json!("pay")], "one call");
    }

    /// Calls from a server that gives them no index: each call's arguments go out just
    /// before the entry that begins the next call, so order puts them on their own call,
    /// whether the calls come whole in one delta or one per delta, and also when the
    /// arguments are not JSON (a model's slip), which are then not held to the end.
    #[test]
    fn calls_without_indexes_keep_their_arguments() {
        let call =
            |id: &str, args: &str| json!({"id": id, "function": {"name": "f", "arguments": args}});
        let one_delta =
            json!({ "tool_calls": [call("c1", "{\"a\": 1}"), call("c2", "{\"b\": 2}")] });
        let first = json!({ "tool_calls": [call("c1", "{\"a\": 1,}")] });
        let second = json!({ "tool_calls": [call("c2", "{}")] });
        for (deltas, want) in [
            (
                vec![one_delta],
                [("c1", "{\"a\": 1}"), ("c2", "{\"b\": 2}")],
            ),
            (vec![first, second], [("c1", "{\"a\": 1,}"), ("c2", "{}")]),
        ] {
            let texts: Vec<String> = deltas.iter().map(Value::to_string).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let calls = calls_in_order(&guarded_stream(&refs));
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(i, a)| (i.to_string(), a.to_string()))
                .collect();
            assert_eq!(calls, want);
        }
    }

    /// Content streamed as an array of parts is held back and scanned like a string.
    #[test]
    fn content_streamed_as_parts_is_scanned() {
        let s = guarded_stream(&[
            r#"{"content":[{"type":"text","text":"Write to ana.lopez@"}]}"#,
            r#"{"content":[{"type":"text","text":"correo-mx.com or use AKIAQ7XK4PL"}]}"#,
            r#"{"content":[{"type":"text","text":"MNBV2RT5Z today"}]}"#,
        ]);
        for leaked in ["ana.lopez", "correo-mx", "AKIAQ7XK4PL", "MNBV2RT5Z"] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
        assert!(s.contains("<EMAIL_1>") && s.contains("today"), "{s}");

        // Thinking parts are held apart and go back out as thinking parts, in chunks of
        // their own: the answer's string content stays a string.
        let s = guarded_stream(&[
            r#"{"content":[{"type":"thinking","thinking":"I will write to ana.lopez@"}]}"#,
            r#"{"content":[{"type":"thinking","thinking":"correo-mx.com"}]}"#,
            r#"{"content":"Done."}"#,
        ]);
        let said: Vec<Value> = deltas_of(&s)
            .into_iter()
            .map(|d| d["content"].clone())
            .filter(|c| c.as_str().is_some_and(|c| !c.is_empty()))
            .collect();
        assert!(!s.contains(r#""type":"text""#), "{s}");
        assert_eq!(said, [json!("Done.")], "{s}");
        assert!(!s.contains("ana.lopez") && !s.contains("reasoning"), "{s}");
        let thought: String = deltas_of(&s)
            .iter()
            .flat_map(|d| d["content"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p["thinking"].as_str().map(String::from))
            .collect();
        assert_eq!(thought, "I will write to <EMAIL_1>");

        // Thinking written as text parts of its own (Mistral) is scanned as well, and what
        // was held goes back in that shape.
        let s = guarded_stream(&[
            r#"{"content":[{"type":"thinking","thinking":[{"type":"text","text":"I will write to ana.lopez@"}]}]}"#,
            r#"{"content":[{"type":"thinking","thinking":[{"type":"text","text":"correo-mx.com now"}]}]}"#,
            r#"{"content":"Done."}"#,
        ]);
        assert!(!s.contains("ana.lopez") && !s.contains("correo-mx"), "{s}");
        let thought: String = deltas_of(&s)
            .iter()
            .flat_map(|d| d["content"].as_array().cloned().unwrap_or_default())
            .flat_map(|p| p["thinking"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p["text"].as_str().map(String::from))
            .collect();
        assert_eq!(thought, "I will write to <EMAIL_1> now");
    }

    #[test]
    fn held_state_does_not_grow_with_the_stream() {
        let scanner = scanner();
        let p = policy();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut g = OutputGuard::new(scanner, &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, 96, 1 << 20);
        let (mut peak, mut sent) = (0, 0);
        for i in 0..20_000 {
            let word = if i % 100 == 0 {
                "mail ops@northwind-mail.com "
            } else {
                "the rollout went fine "
            };
            let ev = format!("data: {{\"id\":\"x\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{word}\"}},\"finish_reason\":null}}]}}\n\n");
            sent += f.push(ev.as_bytes()).unwrap().len();
            let held = f.pending.values().map(String::len).sum::<usize>()
                + f.partial.len()
                + f.lines.iter().map(Vec::len).sum::<usize>();
            peak = peak.max(held);
            let context: usize = f.sent_context.values().map(String::len).sum();
            assert!(context <= CUE_CONTEXT, "{context} bytes of sent context");
        }
        // The hold-back (96 chars, ASCII here) plus at most one unfinished token.
        assert!(peak <= 96 + 64, "held {peak} bytes");
        let end = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
        f.push(end.as_bytes()).unwrap();
        assert!(f.sent_context.is_empty() && f.pending.is_empty());
        assert!(f.captured.len() <= MAX_CAPTURE);
        assert!(sent > 20_000 * 80, "only {sent} bytes forwarded");
    }

    #[test]
    fn a_long_line_read_in_many_pieces_is_searched_once() {
        let text = "the rollout went fine ".repeat(20_000);
        let ev = format!("data: {{\"id\":\"x\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}},\"finish_reason\":\"stop\"}}]}}\r\n\r\n");
        let (sent, searched) = with_filter_of(96, 1 << 20, |f| {
            let mut sent = Vec::new();
            for piece in ev.as_bytes().chunks(1000) {
                sent.extend_from_slice(&f.push(piece).unwrap());
            }
            sent.extend_from_slice(&f.finish());
            (sent, f.searched_bytes)
        });
        // Each byte once; a read that ends on a `\r` looks at it again with the next.
        assert!(
            searched <= ev.len() + ev.len() / 1000,
            "{searched} bytes searched for a {}-byte event",
            ev.len()
        );
        let sent = String::from_utf8(sent).unwrap();
        assert_eq!(content_of(&sent), text);
    }

    #[test]
    fn oversized_events_are_refused() {
        with_filter_of(8, 64, |f| {
            assert_eq!(f.push(&[b'a'; 100]), Err(StreamError::EventTooLarge(64)));
        });
    }

    #[test]
    fn a_stream_naming_choice_after_choice_is_ended() {
        let scanner = scanner();
        let p = policy();
        let ph = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut g = OutputGuard::new(scanner, &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, 8, 1 << 20);
        let run = "x".repeat(4000);
        let event = |i: usize| {
            format!(
                "data: {{\"choices\":[{{\"index\":{i},\"delta\":{{\"content\":\"{run}\"}}}}]}}\n\n"
            )
        };
        for i in 0..MAX_PARTS {
            assert!(f.push(event(i).as_bytes()).is_ok(), "choice {i}");
        }
        // The event that overflows carries a secret in a choice read after the one that
        // overflowed: none of it is sent, then or by `finish`.
        let over = format!("data: {{\"choices\":[{{\"index\":{MAX_PARTS},\"delta\":{{}}}},{{\"index\":0,\"delta\":{{\"content\":\"AKIAQ7XK4PLMNBV2RT5Z\"}}}}]}}\n\n");
        assert_eq!(
            f.push(over.as_bytes()),
            Err(StreamError::TooManyParts(MAX_PARTS))
        );
        let tail = f.finish();
        assert!(!String::from_utf8_lossy(&tail).contains("AKIA"));
        // Calls: a new one named per delta.
        let mut g = OutputGuard::new(scanner, &p, &ph, RedactionState::new());
        let mut f = SseFilter::new(&mut g, 8, 1 << 20);
        let call = |i: usize| {
            format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"id\":\"c{i}\",\"function\":{{\"name\":\"f\",\"arguments\":\"{{\\\"a\\\":\"}}}}]}}}}]}}\n\n")
        };
        let results: Vec<bool> = (0..=MAX_PARTS)
            .map(|i| f.push(call(i).as_bytes()).is_ok())
            .collect();
        assert!(results[..MAX_PARTS].iter().all(|ok| *ok));
        assert!(!results[MAX_PARTS]);
    }
}

//! The OpenAI chat-completions wire format, as far as the shield needs to understand it.
//!
//! Bodies stay `serde_json::Value` end to end: the shield reads and rewrites the few fields
//! it cares about (message texts, model, limits) and every other field, including ones
//! OpenAI adds next year, passes through untouched.

use serde_json::Value;

use super::document::{self, Document};
use crate::scan::text::hex4;
use crate::scan::Finding;
pub use crate::scan::{decode_escapes, Escapes};

/// Calls `f(path, text)` for every text a provider would read in a request: message
/// `content` (a string, or the `text` of text and refusal parts), an assistant turn's
/// `refusal`, the participant `name`, tool results, tool-call arguments and the predicted
/// output (`prediction.content`), vLLM's `documents`, a `file` part's name and, when it is
/// text, its decoded document (rewritten documents are encoded again as they came), and the
/// developer's texts beside the messages ([`DEVELOPER_FIELDS`]). Images, audio and other files are
/// not text ([`read_parts`] names them); the end-user id has its own rule
/// (`inspect::mask_user_id`).
pub fn visit_request_texts(body: &mut Value, f: &mut dyn FnMut(&str, &mut String)) {
    if let Some(messages) = body.get_mut("messages").and_then(Value::as_array_mut) {
        for (i, m) in messages.iter_mut().enumerate() {
            // A tool's result is often JSON, and Python's `json.dumps` escapes every accent.
            if matches!(
                m.get("role").and_then(Value::as_str),
                Some("tool" | "function")
            ) {
                match m.get_mut("content") {
                    Some(Value::String(s)) => unescape_in_place(s),
                    Some(Value::Array(parts)) => {
                        for p in parts {
                            if let Some(Value::String(s)) = p.get_mut("text") {
                                unescape_in_place(s);
                            }
                        }
                    }
                    _ => {}
                }
            }
            visit_content(m.get_mut("content"), &format!("messages[{i}].content"), f);
            // An assistant turn's thinking goes back too: DeepSeek, Qwen templates under
            // vLLM and OpenRouter read it.
            for field in ["refusal", "name", "reasoning_content", "reasoning"] {
                if let Some(Value::String(s)) = m.get_mut(field) {
                    f(&format!("messages[{i}].{field}"), s);
                }
            }
            visit_reasoning_details(m, &format!("messages[{i}]"), f);
            visit_tool_calls(m, &format!("messages[{i}]"), f);
        }
    }
    visit_content(
        body.get_mut("prediction")
            .and_then(|p| p.get_mut("content")),
        "prediction.content",
        f,
    );
    // vLLM's `documents` (RAG: a list of string maps) are rendered into the prompt by its
    // chat template: pasted text, read like a message.
    if let Some(docs) = body.get_mut("documents").and_then(Value::as_array_mut) {
        for (k, doc) in docs.iter_mut().enumerate() {
            for (key, v) in doc.as_object_mut().into_iter().flatten() {
                if let Value::String(s) = v {
                    f(&format!("documents[{k}].{key}"), s);
                }
            }
        }
    }
    visit_developer_texts(body, f);
}

/// Request fields beside the messages that the developer writes: tool and schema
/// descriptions and values, which the model reads, and `metadata`, which the provider
/// stores. They are scanned for PII and secrets like a system prompt; the schemas are
/// scored for injection only as the tenant's trusted roles say (`inspect`), metadata never.
const DEVELOPER_FIELDS: [&str; 7] = [
    "tools",
    "functions",
    "response_format",
    "metadata",
    "guided_json",
    "guided_choice",
    "structured_outputs",
];

/// Whether `path` (as the visitors name it) lies in one of the [`DEVELOPER_FIELDS`].
pub fn is_developer_text(path: &str) -> bool {
    DEVELOPER_FIELDS.iter().any(|f| {
        path.strip_prefix(f)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
    })
}

fn visit_developer_texts(body: &mut Value, f: &mut dyn FnMut(&str, &mut String)) {
    for field in ["tools", "functions"] {
        let Some(list) = body.get_mut(field).and_then(Value::as_array_mut) else {
            continue;
        };
        for (k, t) in list.iter_mut().enumerate() {
            if field == "functions" {
                // The legacy `functions[k]` is the function itself.
                visit_descriptions(t, &format!("functions[{k}]"), false, f);
                continue;
            }
            for kind in ["function", "custom"] {
                if let Some(tool) = t.get_mut(kind) {
                    visit_descriptions(tool, &format!("tools[{k}].{kind}"), false, f);
                }
            }
        }
    }
    // Besides OpenAI's `json_schema`: the `schema` Together and Fireworks take, and vLLM's
    // guided decoding (`guided_*`, or `structured_outputs` since 0.10). The provider
    // receives them, and an enum's or a choice's value is forced into the answer.
    for (pointer, path) in [
        (
            "/response_format/json_schema",
            "response_format.json_schema",
        ),
        ("/response_format/schema", "response_format.schema"),
        ("/guided_json", "guided_json"),
        ("/structured_outputs/json", "structured_outputs.json"),
    ] {
        match body.pointer_mut(pointer) {
            // vLLM takes a schema as JSON text too: read as the schema it holds, and written
            // back as text if anything in it was rewritten. Text that holds no schema, or a
            // key written twice (one copy would hide the other from the scan), is read whole.
            Some(Value::String(text)) => match super::strict_json::parse(text.as_bytes()) {
                Ok(mut schema) if schema.is_object() || schema.is_array() => {
                    let mut changed = false;
                    visit_descriptions(&mut schema, path, false, &mut |p, s| {
                        let before = s.clone();
                        f(p, s);
                        changed |= *s != before;
                    });
                    if changed {
                        *text = schema.to_string();
                    }
                }
                _ => f(path, text),
            },
            Some(schema) => visit_descriptions(schema, path, false, f),
            None => {}
        }
    }
    for (pointer, path) in [
        ("/guided_choice", "guided_choice"),
        ("/structured_outputs/choice", "structured_outputs.choice"),
    ] {
        if let Some(Value::Array(choices)) = body.pointer_mut(pointer) {
            for (i, c) in choices.iter_mut().enumerate() {
                visit_strings(c, &format!("{path}[{i}]"), true, f);
            }
        }
    }
    if let Some(Value::Object(meta)) = body.get_mut("metadata") {
        for (key, v) in meta.iter_mut() {
            if let Value::String(s) = v {
                f(&format!("metadata.{key}"), s);
            }
        }
    }
}

/// Every `description` string in a function or JSON schema, at any depth (properties,
/// items, `$defs`, `anyOf`), and every string of its data ([`SCHEMA_DATA`]): the model
/// reads both. Names and patterns are left: a rewritten name or regex would change what
/// the client's code reads. `names` says `v` maps names to schemas (`properties`, `$defs`),
/// where `default` is a property's name, not a keyword.
fn visit_descriptions(
    v: &mut Value,
    path: &str,
    names: bool,
    f: &mut dyn FnMut(&str, &mut String),
) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let key = key.as_str();
                let here = format!("{path}.{key}");
                if !names && SCHEMA_DATA.contains(&key) {
                    visit_strings(child, &here, true, f);
                    continue;
                }
                let maps_names = !names && NAME_MAPS.contains(&key);
                match child {
                    Value::String(s) if key == "description" && !names => f(&here, s),
                    Value::Object(_) | Value::Array(_) => {
                        visit_descriptions(child, &here, maps_names, f)
                    }
                    _ => {}
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                visit_descriptions(child, &format!("{path}[{i}]"), false, f);
            }
        }
        _ => {}
    }
}

/// A schema's values, as opposed to its keywords: an enum or a default holding an address
/// or a key shows it to the model like a description does. Redacted, an enum's value comes
/// back as its placeholder, restored for a pseudonymising tenant.
const SCHEMA_DATA: [&str; 5] = ["enum", "const", "default", "examples", "example"];

/// Keys whose objects map names (of properties, of definitions, of metadata) to values:
/// their keys are not keywords, so a property may be named `default` or `Content`.
const NAME_MAPS: [&str; 9] = [
    "mapping",
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependentRequired",
    "dependencies",
    "metadata",
];

/// Every string in `v`, at any depth, and with `numbers` every number too: handed over as
/// its text, it stays a number unless rewritten (`4155550134` becomes a quoted
/// placeholder, as a bare number in call arguments does).
fn visit_strings(v: &mut Value, path: &str, numbers: bool, f: &mut dyn FnMut(&str, &mut String)) {
    match v {
        Value::String(s) => f(path, s),
        Value::Number(n) if numbers => {
            let text = n.to_string();
            let mut seen = text.clone();
            f(path, &mut seen);
            if seen != text {
                *v = Value::String(seen);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                visit_strings(child, &format!("{path}[{i}]"), numbers, f);
            }
        }
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                visit_strings(child, &format!("{path}.{key}"), numbers, f);
            }
        }
        _ => {}
    }
}

/// Calls `f(path, text)` for every text in a non-streaming answer: each choice's content,
/// refusal, thinking (`reasoning_content`, `reasoning`, `reasoning_details`), tool-call
/// arguments and custom tool inputs, and a completion-shaped choice's `text` or a `delta`,
/// beside a `message` or instead of it (a client may read either). Sources and citations:
/// [`visit_sources`].
pub fn visit_answer_texts(body: &mut Value, f: &mut dyn FnMut(&str, &mut String)) {
    let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, c) in choices.iter_mut().enumerate() {
        for key in ["message", "delta"] {
            if let Some(m) = c.get_mut(key).filter(|m| m.is_object()) {
                visit_message_texts(m, &format!("choices[{i}].{key}"), f);
            }
        }
        // A completion's choice, from a server that answers chat in that shape.
        if let Some(Value::String(s)) = c.get_mut("text") {
            f(&format!("choices[{i}].text"), s);
        }
    }
}

/// Fields of an answer message or delta that hold what a search or a retrieval found, or
/// the steps taken to find it, which clients show beside the answer: web citations
/// (`annotations`: OpenAI's `url_citation`, xAI's flat entries, OpenRouter's parsed files),
/// Azure On Your Data's `context`, Perplexity's `reasoning_steps`, Groq's `executed_tools`.
/// Their indices into the content are left as the provider sent them.
pub const MESSAGE_SOURCES: [&str; 4] = [
    "annotations",
    "context",
    "reasoning_steps",
    "executed_tools",
];

/// Top-level keys of an answer or a chunk that hold no text for the client: every other
/// key beside `choices` is read (Perplexity's `citations`, `search_results`, `videos`,
/// Z.ai's `web_search`, whatever a provider adds next). `obfuscation` is OpenAI's random
/// padding of stream chunks.
const BODY_METADATA: [&str; 10] = [
    "id",
    "object",
    "created",
    "model",
    "choices",
    "usage",
    "system_fingerprint",
    "service_tier",
    "obfuscation",
    "x_groq",
];

/// Whether top-level key `k` holds what a client may show (see [`BODY_METADATA`]); a key
/// in another case is not the metadata it resembles, and is read.
pub fn body_source(k: &str) -> bool {
    !BODY_METADATA.contains(&k)
}

/// Every string under the keys of object `v` that `keys` names, in any case Go's
/// `encoding/json` folds (`Annotations`, `annotationſ`). Numbers are left alone: indices
/// and sizes, which a client's types expect as numbers.
pub fn visit_keyed(v: &mut Value, keys: &[&str], path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    visit_picked(v, |key| keys.iter().any(|k| go_folds_to(key, k)), path, f);
}

/// Every string under the keys of object `v` that `pick` accepts, strings only (see
/// [`visit_keyed`]); `path` empty for the top level.
fn visit_picked(
    v: &mut Value,
    pick: impl Fn(&str) -> bool,
    path: &str,
    f: &mut dyn FnMut(&str, &mut String),
) {
    let Some(map) = v.as_object_mut() else {
        return;
    };
    for (key, child) in map.iter_mut().filter(|(key, _)| pick(key)) {
        let at = match path {
            "" => key.clone(),
            _ => format!("{path}.{key}"),
        };
        visit_strings(child, &at, false, f);
    }
}

/// Every string in `v`, at any depth: a source read whole.
pub fn visit_source(v: &mut Value, f: &mut dyn FnMut(&str, &mut String)) {
    visit_strings(v, "source", false, f);
}

/// The sources of a non-streaming answer: each choice's [`visit_message_sources`], then
/// the top-level keys [`body_source`] picks. Read apart from [`visit_answer_texts`], so
/// that a choice of another shape is still read whole.
pub fn visit_sources(body: &mut Value, f: &mut dyn FnMut(&str, &mut String)) {
    let choices = body.get_mut("choices").and_then(Value::as_array_mut);
    for (i, c) in choices.into_iter().flatten().enumerate() {
        for key in ["message", "delta"] {
            if let Some(m) = c.get_mut(key) {
                visit_message_sources(m, &format!("choices[{i}].{key}"), f);
            }
        }
    }
    visit_picked(body, body_source, "", f);
}

/// A message's or a delta's [`MESSAGE_SOURCES`], and those of its content parts: an
/// `output_text` part carries its own `annotations` (the Responses API's shape, which
/// some servers return inside chat content).
pub fn visit_message_sources(m: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    visit_keyed(m, &MESSAGE_SOURCES, path, f);
    if let Some(parts) = m.get_mut("content").and_then(Value::as_array_mut) {
        for (j, p) in parts.iter_mut().enumerate() {
            visit_keyed(p, &MESSAGE_SOURCES, &format!("{path}.content[{j}]"), f);
        }
    }
}

/// Whether a choice, or its message or delta, has a key the answer guard reads written
/// another way that Go folds to it (`Message` beside `message`, `Content` in a delta): a
/// Go client would read what the guard does not, so the answer is read whole (a stream's
/// chunk is dropped). Sources need no check: [`visit_keyed`] folds their keys.
pub fn choice_case_variant(choice: &Value) -> bool {
    let Some(map) = choice.as_object() else {
        return false;
    };
    map.iter().any(|(k, v)| {
        variant(k, &CHOICE_KEYS)
            || (matches!(k.as_str(), "message" | "delta") && case_variant_key(v).is_some())
    })
}

/// The keys of a choice that hold its answer, or spell it (`logprobs`' tokens).
const CHOICE_KEYS: [&str; 4] = ["message", "delta", "text", "logprobs"];

/// The texts of one answer message (see [`visit_answer_texts`]); a stream's chunk may
/// carry a whole message too.
pub fn visit_message_texts(m: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    visit_content(m.get_mut("content"), &format!("{path}.content"), f);
    // `reasoning_content` and `reasoning`: the thinking that reasoning models behind
    // OpenAI-compatible servers (DeepSeek, vLLM, OpenRouter) return beside the answer,
    // shown to users as well.
    for field in ["refusal", "reasoning_content", "reasoning"] {
        if let Some(Value::String(s)) = m.get_mut(field) {
            f(&format!("{path}.{field}"), s);
        }
    }
    visit_reasoning_details(m, path, f);
    visit_tool_calls(m, path, f);
}

fn visit_content(content: Option<&mut Value>, path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    match content {
        Some(Value::String(s)) => f(path, s),
        Some(Value::Array(parts)) => {
            for (j, p) in parts.iter_mut().enumerate() {
                match part_text_field(p) {
                    Some(field) => match p.get_mut(field) {
                        Some(Value::String(s)) => f(&format!("{path}[{j}].{field}"), s),
                        // Thinking written as parts of its own (Mistral).
                        Some(inner @ Value::Array(_)) => {
                            visit_content(Some(inner), &format!("{path}[{j}].{field}"), f)
                        }
                        _ => {}
                    },
                    None => visit_file(p, &format!("{path}[{j}].file"), f),
                }
            }
        }
        _ => {}
    }
}

/// A `file` part's name, and its document when that is text.
fn visit_file(part: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    if part.get("type").and_then(Value::as_str) != Some("file") {
        return;
    }
    let Some(file) = part.get_mut("file") else {
        return;
    };
    if let Some(Value::String(name)) = file.get_mut("filename") {
        // The provider tells a file's kind by its extension: a redacted name keeps it.
        let ext = extension(name).map(str::to_owned);
        f(&format!("{path}.filename"), name);
        if let Some(ext) = ext.filter(|e| !name.ends_with(e.as_str())) {
            name.push_str(&ext);
        }
    }
    let Some(Value::String(data)) = file.get_mut("file_data") else {
        return;
    };
    let Document::Text {
        media_type, text, ..
    } = document::read(data)
    else {
        return;
    };
    let mut seen = text.clone();
    f(&format!("{path}.file_data"), &mut seen);
    if seen != text {
        *data = document::data_url(&media_type, &seen);
    }
}

/// `.csv` of `report.csv`, for the kinds of file chat clients attach. Only those: the
/// tail of a redacted value (`.com` of an address, `.100` of an IP) is not an extension.
fn extension(name: &str) -> Option<&str> {
    let ext = &name[name.rfind('.')?..];
    FILE_EXTENSIONS
        .iter()
        .any(|e| ext[1..].eq_ignore_ascii_case(e))
        .then_some(ext)
}

const FILE_EXTENSIONS: [&str; 44] = [
    "txt", "md", "csv", "tsv", "json", "jsonl", "xml", "yaml", "yml", "toml", "ini", "cfg", "conf",
    "log", "html", "htm", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "rtf", "py",
    "js", "ts", "java", "go", "rs", "c", "h", "cpp", "rb", "php", "sh", "sql", "png", "jpg",
    "jpeg", "gif", "webp", "mp3",
];

/// A `file` part's inline document, as it reads; `None` for other parts and files
/// without `file_data`.
pub fn part_document(part: &Value) -> Option<Document> {
    if part.get("type").and_then(Value::as_str) != Some("file") {
        return None;
    }
    Some(document::read(part.pointer("/file/file_data")?.as_str()?))
}

/// The characters of a content part that the scan reads: its text, or a file's name and
/// text document. `None` for a document that declares text but cannot be read as text.
pub fn part_chars(part: &Value) -> Option<usize> {
    let chars = |t: Option<&str>| t.map_or(0, |t| t.chars().count());
    if let Some(field) = part_text_field(part) {
        return Some(chars(part.get(field).and_then(Value::as_str)));
    }
    let name = chars(part.pointer("/file/filename").and_then(Value::as_str));
    match part_document(part) {
        None => Some(0),
        Some(Document::NotText) => Some(name),
        Some(Document::Text { text, .. }) => Some(name + text.chars().count()),
        Some(Document::Unreadable) => None,
    }
}

/// The non-text part types of OpenAI and the servers that copy its format.
const OPAQUE_PART_TYPES: [&str; 7] = [
    "image_url",
    "input_image",
    "input_audio",
    "audio_url",
    "video_url",
    "file",
    "input_file",
];

/// What the messages' content parts hold besides text, read in one walk.
#[derive(Debug, Default)]
pub struct PartsRead {
    /// Parts that hold what the scan cannot read (an image, audio, a PDF or other binary
    /// file, a file uploaded earlier and named by id, a part type it does not know), as
    /// `(path, part type)`. Policy decides whether they may pass.
    pub opaque: Vec<(String, &'static str)>,
    /// Text documents that were not sent as UTF-8 in standard base64 were re-encoded as
    /// the UTF-8 text the scan reads: a provider that ignores the declared charset (ASCII
    /// bytes labelled UTF-16 read as CJK here, as a key there) then reads what was scanned.
    pub recoded: bool,
}

/// Reads every non-text content part once: names what cannot be read and re-encodes text
/// documents sent in another form (see [`PartsRead`]).
pub fn read_parts(body: &mut Value) -> PartsRead {
    let mut out = PartsRead::default();
    let Some(messages) = body.get_mut("messages").and_then(Value::as_array_mut) else {
        return out;
    };
    for (i, m) in messages.iter_mut().enumerate() {
        let Some(parts) = m.get_mut("content").and_then(Value::as_array_mut) else {
            continue;
        };
        for (j, p) in parts.iter_mut().enumerate() {
            if part_text_field(p).is_some() && !typeless_media(p) {
                continue;
            }
            // Named as the wire names them, or `unknown`: the type is the client's text and
            // goes into the audit row.
            let kind = p
                .get("type")
                .and_then(Value::as_str)
                .and_then(|t| OPAQUE_PART_TYPES.into_iter().find(|k| *k == t))
                .unwrap_or("unknown");
            // A file named by id or URL is fetched by the provider, whatever it holds inline.
            let fetched = ["file_id", "file_url"]
                .iter()
                .any(|k| p.get("file").and_then(|f| f.get(k)).is_some());
            let document = part_document(p);
            if let Some(Document::Text {
                media_type,
                text,
                plain: false,
            }) = &document
            {
                if let Some(data) = p.pointer_mut("/file/file_data") {
                    *data = Value::String(document::data_url(media_type, text));
                    out.recoded = true;
                }
            }
            if fetched || !matches!(document, Some(Document::Text { .. })) {
                out.opaque
                    .push((format!("messages[{i}].content[{j}]"), kind));
            }
        }
    }
    out
}

/// The field of a content part that holds text a model reads, if the part has one.
pub fn part_text_field(part: &Value) -> Option<&'static str> {
    match part.get("type").and_then(Value::as_str) {
        // vLLM reads a part without a type by its keys: a media key makes it media, but
        // a text beside it is read (and [`read_parts`] still counts the media).
        None if typeless_media(part) && part.get("text").is_none() => None,
        None | Some("text" | "input_text" | "output_text") => Some("text"),
        // An assistant turn's refusal part: text the model reads back.
        Some("refusal") => Some("refusal"),
        // A reasoning model's earlier thinking, sent back (vLLM reads it as text).
        Some("thinking") => Some("thinking"),
        Some(_) => None,
    }
}

/// Whether a part without a `type` carries media (a non-null media key). A `type` that is
/// not a string (`null`) is none, as [`part_text_field`] reads it.
fn typeless_media(part: &Value) -> bool {
    part.get("type").and_then(Value::as_str).is_none()
        && MEDIA_KEYS
            .iter()
            .any(|k| part.get(k).is_some_and(|v| !v.is_null()))
}

/// Keys by which a part without a `type` is read as media.
const MEDIA_KEYS: [&str; 7] = [
    "image_url",
    "input_image",
    "image_embeds",
    "audio_url",
    "input_audio",
    "video_url",
    "file",
];

/// Arguments sent as a JSON object instead of the string OpenAI sends (llama.cpp's server,
/// TGI): visited as their JSON text, and put back as JSON when the visit changed them.
pub fn visit_json_value(v: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    if !(v.is_object() || v.is_array()) {
        return;
    }
    let before = v.to_string();
    let mut text = before.clone();
    f(path, &mut text);
    if text != before {
        *v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    }
}

/// OpenRouter's `reasoning_details`: the thinking again, beside `reasoning`, as entries
/// with a `text` or a `summary` (encrypted ones are opaque to everyone but the provider).
fn visit_reasoning_details(m: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    let Some(details) = m.get_mut("reasoning_details").and_then(Value::as_array_mut) else {
        return;
    };
    for (k, d) in details.iter_mut().enumerate() {
        for field in ["text", "summary"] {
            if let Some(Value::String(s)) = d.get_mut(field) {
                f(&format!("{path}.reasoning_details[{k}].{field}"), s);
            }
        }
    }
}

/// Tool-call arguments (JSON, read with its escapes undone: see [`unescape_json`]) and the
/// free-text `input` of custom tool calls.
fn visit_tool_calls(m: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut String)) {
    if let Some(calls) = m.get_mut("tool_calls").and_then(Value::as_array_mut) {
        for (k, c) in calls.iter_mut().enumerate() {
            let at = format!("{path}.tool_calls[{k}].function.arguments");
            match c.get_mut("function").and_then(|f| f.get_mut("arguments")) {
                Some(Value::String(s)) => {
                    unescape_in_place(s);
                    f(&at, s);
                }
                Some(args) => visit_json_value(args, &at, f),
                None => {}
            }
            if let Some(Value::String(s)) = c.get_mut("custom").and_then(|f| f.get_mut("input")) {
                f(&format!("{path}.tool_calls[{k}].custom.input"), s);
            }
        }
    }
    let at = format!("{path}.function_call.arguments");
    match m
        .get_mut("function_call")
        .and_then(|f| f.get_mut("arguments"))
    {
        Some(Value::String(s)) => {
            unescape_in_place(s);
            f(&at, s);
        }
        Some(args) => visit_json_value(args, &at, f),
        None => {}
    }
}

/// Keys the shield reads in a request. Go's `encoding/json` (Ollama, LocalAI, one-api)
/// matches keys without case and takes the last, so `"Content"` beside `"content"` would
/// reach such a provider unscanned.
const READ_KEYS: [&str; 43] = [
    "messages",
    "content",
    "role",
    "name",
    "refusal",
    "reasoning_content",
    "reasoning",
    "reasoning_details",
    "text",
    "summary",
    "thinking",
    "tool_calls",
    "function",
    "arguments",
    "custom",
    "input",
    "function_call",
    "prediction",
    "tools",
    "functions",
    "response_format",
    "json_schema",
    "metadata",
    "description",
    "file",
    "file_data",
    "filename",
    "file_id",
    "file_url",
    "type",
    "user",
    "safety_identifier",
    "prompt_cache_key",
    "documents",
    "enum",
    "const",
    "default",
    "examples",
    "example",
    "schema",
    "guided_json",
    "guided_choice",
    "structured_outputs",
];

/// The path of the first key in `body` that is one the shield reads written another way
/// that Go folds to it (`messages[0].Content`, `meſſages`: `ſ` folds to `s`, `K` to `k`).
/// Keys that are names, not fields, are left: a schema's `properties`, `$defs` and the
/// like, `metadata`, and free-form objects (`arguments` or `input` sent as objects).
pub fn case_variant_key(body: &Value) -> Option<String> {
    let top = body
        .as_object()
        .and_then(|map| map.keys().find(|k| variant(k, &POLICY_KEYS)));
    top.cloned().or_else(|| variant_below(body, false))
}

/// Top-level keys the policy decides on: `"MODEL"` beside `"model"` would run, on such a
/// provider, a model the tenant may not use, and `"Max_tokens"` a limit it was refused.
const POLICY_KEYS: [&str; 8] = [
    "model",
    "stream",
    "n",
    "max_tokens",
    "max_completion_tokens",
    "logprobs",
    "modalities",
    "audio",
];

/// Whether Go's `encoding/json` reads key `k` as `field` (lower-case ASCII): the same but
/// for ASCII case and the two characters that fold to ASCII letters. Compared in place:
/// every key of every request body passes here.
fn go_folds_to(k: &str, field: &str) -> bool {
    let mut want = field.bytes();
    k.chars().all(|c| {
        let folded = match c {
            '\u{017F}' => b's',
            '\u{212A}' => b'k',
            c if c.is_ascii() => (c as u8).to_ascii_lowercase(),
            _ => return false,
        };
        want.next() == Some(folded)
    }) && want.next().is_none()
}

/// Whether `k` is one of `fields` written another way that Go folds to it.
fn variant(k: &str, fields: &[&str]) -> bool {
    !fields.contains(&k) && fields.iter().any(|f| go_folds_to(k, f))
}

fn join(k: &str, inner: &str) -> String {
    if inner.starts_with('[') {
        format!("{k}{inner}")
    } else {
        format!("{k}.{inner}")
    }
}

/// `names`: `v`'s keys are names (of properties, of metadata), not fields.
fn variant_below(v: &Value, names: bool) -> Option<String> {
    // Values, not fields: free-form objects (vLLM's `documents`, whose every string is
    // read), and a schema's data ([`SCHEMA_DATA`]).
    const FREE_FORM: [&str; 10] = [
        "documents",
        "arguments",
        "input",
        "logit_bias",
        "extra_body",
        "default",
        "examples",
        "example",
        "enum",
        "const",
    ];
    match v {
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if !names && variant(k, &READ_KEYS) {
                return Some(k.clone());
            }
            if !names && FREE_FORM.contains(&k.as_str()) {
                return None;
            }
            let maps_names = !names && NAME_MAPS.contains(&k.as_str());
            variant_below(v, maps_names).map(|inner| join(k, &inner))
        }),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            variant_below(v, false).map(|inner| join(&format!("[{i}]"), &inner))
        }),
        _ => None,
    }
}

/// Replaces `s` with [`unescape_json`] of it when that differs.
pub fn unescape_in_place(s: &mut String) {
    if let Some(u) = unescape_json(s) {
        *s = u;
    }
}

/// `text`, when it is JSON whose strings hide characters behind escapes (`\u0040` for `@`,
/// `\/` for `/`), with those escapes written out; `None` when it is not JSON or has none.
///
/// Whoever reads the JSON next (the client's `json.loads`, a provider filling its template)
/// sees the characters, so the scan must too: `ana\u0040correo.mx` has no `@` to find, and
/// Python's `json.dumps` writes every accent so. Escapes that must stay (quotes,
/// backslashes, control characters) stay; keys keep their order.
pub fn unescape_json(text: &str) -> Option<String> {
    if !text.contains("\\u") && !text.contains("\\/") {
        return None;
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if !in_string {
            in_string = c == '"';
            out.push(c);
            continue;
        }
        match c {
            '"' => {
                in_string = false;
                out.push(c);
            }
            '\\' => match chars.next() {
                Some('/') => out.push('/'),
                Some('u') => {
                    let unit = |chars: &mut std::str::Chars| -> Option<u32> {
                        let hex: String = chars.by_ref().take(4).collect();
                        u32::from_str_radix(&hex, 16).ok()
                    };
                    let hi = unit(&mut chars)?;
                    let code = if (0xD800..0xDC00).contains(&hi) {
                        // A surrogate pair, its low half next; a lone half is written back.
                        let rest = chars.as_str();
                        let lo = rest
                            .strip_prefix("\\u")
                            .and_then(|r| u32::from_str_radix(r.get(..4)?, 16).ok())
                            .filter(|lo| (0xDC00..0xE000).contains(lo));
                        match lo {
                            Some(lo) => {
                                chars = rest[6..].chars();
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            }
                            None => hi,
                        }
                    } else {
                        hi
                    };
                    match char::from_u32(code)
                        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\'))
                    {
                        Some(ch) => out.push(ch),
                        // A lone surrogate, a control character, a quote or a backslash.
                        None => {
                            out.push_str(&format!("\\u{hi:04x}"));
                            if code != hi {
                                out.push_str(&format!(
                                    "\\u{:04x}",
                                    0xDC00 + ((code - 0x10000) & 0x3FF)
                                ));
                            }
                        }
                    }
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Whether `text` is JSON with an escape in it: an object or array, or JSON Lines of them,
/// as a tool's result, a log or pasted data often is.
pub fn is_json_document(text: &str) -> bool {
    let object = |t: &str| {
        matches!(t.trim_start().as_bytes().first(), Some(b'{' | b'['))
            && serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok()
    };
    text.contains('\\')
        && (object(text)
            || text.contains('\n') && text.lines().filter(|l| !l.trim().is_empty()).all(object))
}

/// Moves findings in the result of [`decode_escapes`] onto the text it was read from.
pub fn map_findings(findings: &mut [Finding], from: &[u32]) {
    for f in findings {
        (f.start, f.end) = (from[f.start] as usize, from[f.end] as usize);
    }
}

/// Whether `rest` is a `\uXXXX` escape cut short by the end of the text, at least its
/// backslash.
fn escape_begins(rest: &[u8]) -> bool {
    (1..6).contains(&rest.len())
        && rest[0] == b'\\'
        && rest.get(1).is_none_or(|&u| u == b'u')
        && rest.iter().skip(2).all(u8::is_ascii_hexdigit)
}

/// The last offset at or before `cut` that splits no escape of `text` (`\u0040`, `\\`,
/// a surrogate pair), reading from its start, which is one's edge: a piece sent up to a
/// split escape leaves a backslash that the rest, once redacted, may no longer complete.
pub fn escape_floor(text: &str, cut: usize) -> usize {
    let mut i = 0;
    while i < cut {
        let unit = escape_unit(text, i);
        if i + unit > cut {
            return i;
        }
        i += unit;
    }
    cut
}

/// The first offset at or after `at` that splits no escape of `text`, read as
/// [`escape_floor`] reads it.
pub fn escape_ceil(text: &str, at: usize) -> usize {
    let mut i = 0;
    while i < at {
        i += escape_unit(text, i);
    }
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The length of the escape or byte at `i` of `text`, as [`decode_escapes`] reads it: a
/// backslash before a byte that makes no escape is a byte alone.
fn escape_unit(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    match (b[i], b.get(i + 1)) {
        (b'\\', Some(b'u')) => match hex4(text, i + 2) {
            // A surrogate pair is one character: half of it alone is no JSON to a client.
            Some(hi)
                if (0xD800..0xDC00).contains(&hi)
                    && (text.get(i + 6..i + 8) == Some("\\u")
                        && hex4(text, i + 8).is_some_and(|lo| (0xDC00..0xE000).contains(&lo))
                        || escape_begins(&b[i + 6..])) =>
            {
                12
            }
            Some(_) => 6,
            // Cut short at the end: held whole, as what follows may complete it.
            None if escape_begins(&b[i..]) => 6,
            None => 2,
        },
        (b'\\', Some(c)) if c.is_ascii() => 2,
        // At the very end: held, since the escape it begins is still to come.
        (b'\\', None) => 2,
        _ => 1,
    }
}

/// Sets every choice's `logprobs` to null, and empties those of its content parts (an
/// `output_text` part carries its own list); returns whether any held data. Each token's
/// text and bytes spell the answer, so they would carry what the scan redacts or blocks.
pub fn drop_logprobs(body: &mut Value) -> bool {
    let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) else {
        return false;
    };
    let mut dropped = false;
    for c in choices {
        if let Some(lp) = c.get_mut("logprobs").filter(|lp| !lp.is_null()) {
            *lp = Value::Null;
            dropped = true;
        }
        for key in ["message", "delta"] {
            let parts = c
                .get_mut(key)
                .and_then(|m| m.get_mut("content"))
                .and_then(Value::as_array_mut);
            for p in parts.into_iter().flatten() {
                let held = p
                    .get("logprobs")
                    .is_some_and(|lp| !lp.is_null() && lp.as_array().is_none_or(|a| !a.is_empty()));
                if held {
                    p["logprobs"] = Value::Array(Vec::new());
                    dropped = true;
                }
            }
        }
    }
    dropped
}

/// Puts quotes around findings that stand as bare tokens in a text that is JSON (a phone
/// or card written as a number), so that a placeholder in their place leaves valid JSON:
/// `{"phone": 5558675309}` would become `{"phone": <PHONE_1>}`, which tool-call arguments
/// and structured answers must not. Returns the quoted text with the findings moved to
/// match, or `None` when no finding is bare or the text is not JSON. `findings` are sorted
/// and disjoint, as a scan returns them.
pub fn quote_bare_json(text: &str, findings: &[Finding]) -> Option<(String, Vec<Finding>)> {
    if !matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
        return None;
    }
    let bare = bare_findings(text, findings, JsonLex::default());
    if !bare.contains(&true) || serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return None;
    }
    Some(quote_bare(text, findings, &bare))
}

/// [`quote_bare_json`] for one piece of a JSON answer streamed in pieces, which is not JSON
/// by itself: `lex` says where the piece starts, and the request asked for JSON.
pub fn quote_bare_json_piece(
    text: &str,
    findings: &[Finding],
    lex: JsonLex,
) -> Option<(String, Vec<Finding>)> {
    // The piece alone cannot be parsed, so a bare finding is quoted only where it is a
    // number in a value's place: after `:`, `,` or `[` (read in an earlier piece if need
    // be), or at the very start of the answer.
    let b = text.as_bytes();
    let number = |c: &u8| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E');
    let bare: Vec<bool> = bare_findings(text, findings, lex)
        .into_iter()
        .zip(findings)
        .map(|(bare, f)| {
            let mut start = f.start;
            while start > 0 && b.get(start - 1).is_some_and(number) {
                start -= 1;
            }
            let before = b[..start]
                .iter()
                .rev()
                .find(|c| !c.is_ascii_whitespace())
                .copied()
                .unwrap_or(lex.last);
            bare && b.get(f.start..f.end).is_some_and(|s| s.iter().all(number))
                && matches!(before, 0 | b':' | b',' | b'[')
        })
        .collect();
    bare.contains(&true)
        .then(|| quote_bare(text, findings, &bare))
}

/// Where a JSON text stands after the bytes read so far: inside a string literal or not,
/// just after a backslash in one or not, and the last byte outside blanks and strings
/// (`"` for a string that closed; 0 before any).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct JsonLex {
    in_string: bool,
    escaped: bool,
    last: u8,
}

impl JsonLex {
    fn step(&mut self, b: u8) {
        match (self.in_string, self.escaped, b) {
            (true, true, _) => self.escaped = false,
            (true, false, b'\\') => self.escaped = true,
            (_, false, b'"') => {
                self.in_string = !self.in_string;
                self.last = b'"';
            }
            (false, _, b) if !b.is_ascii_whitespace() => self.last = b,
            _ => {}
        }
    }

    /// Reads `text` on from here.
    pub fn advance(&mut self, text: &str) {
        text.bytes().for_each(|b| self.step(b));
    }
}

/// Whether each finding starts outside every string literal, reading from `lex`.
fn bare_findings(text: &str, findings: &[Finding], mut lex: JsonLex) -> Vec<bool> {
    let b = text.as_bytes();
    let mut at = 0;
    findings
        .iter()
        .map(|f| {
            while at < f.start.min(b.len()) {
                lex.step(b[at]);
                at += 1;
            }
            let span = text.get(f.start..f.end).unwrap_or("\"");
            !lex.in_string && !span.contains('"')
        })
        .collect()
}

/// `text` with quotes around the number token of each bare finding, and the findings moved.
fn quote_bare(text: &str, findings: &[Finding], bare: &[bool]) -> (String, Vec<Finding>) {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 2 * findings.len());
    let mut moved = Vec::with_capacity(findings.len());
    let mut from = 0;
    for (i, (f, &bare)) in findings.iter().zip(bare).enumerate() {
        let next = findings.get(i + 1).map_or(b.len(), |n| n.start);
        let mut g = f.clone();
        if bare {
            // The whole number token goes inside the quotes (`-4111…`, `1` + a phone, `…e0`).
            let number =
                |c: &u8| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E');
            let mut start = f.start;
            while start > from && b.get(start - 1).is_some_and(number) {
                start -= 1;
            }
            let mut end = f.end;
            while end < next && b.get(end).is_some_and(number) {
                end += 1;
            }
            out.push_str(&text[from..start]);
            out.push('"');
            out.push_str(&text[start..f.start]);
            g.start = out.len();
            out.push_str(&text[f.start..f.end]);
            g.end = out.len();
            out.push_str(&text[f.end..end]);
            out.push('"');
            from = end;
        } else {
            let shift = out.len() - from;
            g.start += shift;
            g.end += shift;
        }
        moved.push(g);
    }
    out.push_str(&text[from..]);
    (out, moved)
}

/// Whether the request asks for its answer as JSON (`response_format` of type
/// `json_object` or `json_schema`): then streamed content is JSON too, piece by piece.
pub fn asks_for_json(body: &Value) -> bool {
    matches!(
        body.pointer("/response_format/type")
            .and_then(Value::as_str),
        Some("json_object" | "json_schema")
    )
}

/// What the end user wrote in this turn: the texts of the `user` messages after the last
/// `assistant` one, and the text documents attached to them, for alert rules. Clients send
/// the whole conversation each turn; read whole, an earlier message would alert again on
/// every later turn (and on every tool round trip of an agent).
pub fn user_texts(body: &Value) -> Vec<String> {
    let Some(messages) = body.get("messages").and_then(Value::as_array) else {
        return Vec::new();
    };
    let role = |m: &Value| m.get("role").and_then(Value::as_str).map(str::to_owned);
    let turn = messages
        .iter()
        .rposition(|m| role(m).as_deref() == Some("assistant"))
        .map_or(0, |i| i + 1);
    let mut out = Vec::new();
    for m in messages[turn..]
        .iter()
        .filter(|m| role(m).as_deref() == Some("user"))
    {
        match m.get("content") {
            Some(Value::String(s)) => out.push(s.clone()),
            // One text per message, as the provider reads it: a value split over two parts
            // is found (and redacted for the alert) only when they are read together.
            Some(Value::Array(parts)) => {
                out.push(
                    parts
                        .iter()
                        .filter_map(|p| p.get("text").and_then(Value::as_str))
                        .collect(),
                );
                out.extend(parts.iter().filter_map(|p| match part_document(p)? {
                    Document::Text { text, .. } => Some(text),
                    _ => None,
                }));
            }
            _ => {}
        }
    }
    out
}

/// The answer's content texts (every choice), joined, for code analysis.
pub fn answer_text(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return String::new();
    };
    v.get("choices")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.pointer("/message/content").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .unwrap_or_default()
}

/// Token counts from a `usage` object, if the provider sent one.
pub fn usage(body: &Value) -> Option<(u32, u32)> {
    // Streams with `include_usage` send `"usage": null` on every chunk but the last.
    let u = body.get("usage").filter(|u| u.is_object())?;
    let get = |k: &str| {
        u.get(k)
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
    };
    Some((
        get("prompt_tokens").unwrap_or(0),
        get("completion_tokens").unwrap_or(0),
    ))
}

/// A rough token estimate (four bytes per token) when the provider reports none.
pub fn estimate_tokens(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(4)).unwrap_or(u32::MAX)
}

/// [`estimate_tokens`] of every text a non-streaming answer holds (content, thinking,
/// call arguments), or of the whole body when it is not a chat completion. A choice that
/// holds its answer both as `message` and as `delta` is one answer, counted once.
pub fn estimate_answer_tokens(body: &[u8]) -> u32 {
    let Ok(mut v) = serde_json::from_slice::<Value>(body) else {
        return estimate_tokens(body.len());
    };
    let mut bytes = 0;
    let mut seen = false;
    let choices = v.get_mut("choices").and_then(Value::as_array_mut);
    for c in choices.into_iter().flatten() {
        let mut most = 0;
        for key in ["message", "delta"] {
            if let Some(m) = c.get_mut(key).filter(|m| m.is_object()) {
                let mut n = 0;
                visit_message_texts(m, key, &mut |_, text| {
                    seen = true;
                    n += text.len();
                });
                most = most.max(n);
            }
        }
        if let Some(Value::String(s)) = c.get("text") {
            seen = true;
            most += s.len();
        }
        bytes += most;
    }
    estimate_tokens(if seen { bytes } else { body.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_tokens_are_estimated_from_its_texts() {
        let body = json!({"choices": [{"message": {"content": "a".repeat(40),
            "tool_calls": [{"function": {"name": "f", "arguments": "b".repeat(40)}}]}}]});
        assert_eq!(estimate_answer_tokens(body.to_string().as_bytes()), 20);
        assert_eq!(estimate_answer_tokens(b"plain words"), 3);
        let twice = json!({"choices": [
            {"message": {"content": "a".repeat(40)}, "delta": {"content": "a".repeat(40)}},
            {"text": "c".repeat(8)}]});
        assert_eq!(estimate_answer_tokens(twice.to_string().as_bytes()), 12);
    }
    use serde_json::json;

    #[test]
    fn every_text_a_provider_reads_is_visited() {
        let mut body = json!({
            "model": "m",
            "messages": [
                {"role": "system", "content": "sys"},
                {"role": "user", "content": [
                    {"type": "text", "text": "part"},
                    {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                    // "doc" as a text file (padding left off, as some clients do), a PDF.
                    {"type": "file", "file": {"filename": "a.txt", "file_data": "data:text/plain;charset=utf-8;base64,ZG9j"}},
                    {"type": "file", "file": {"filename": "b.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}}
                ]},
                {"role": "assistant", "content": null, "reasoning_content": "rc", "reasoning": "r",
                    "reasoning_details": [{"type": "reasoning.text", "text": "rt"},
                        {"type": "reasoning.summary", "summary": "rs"},
                        {"type": "reasoning.encrypted", "data": "opaque"}],
                    "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"q\":\"a\\u0040b\"}"}},
                    {"id": "c2", "type": "custom", "custom": {"name": "sql", "input": "select 1"}}
                ]},
                {"role": "tool", "tool_call_id": "c1", "content": "result"},
                {"role": "tool", "tool_call_id": "c2", "content": [{"type": "text", "text": "{\"n\":\"Jos\\u00e9\"}"}]},
                {"role": "assistant", "content": null, "refusal": "no"}
            ],
            "prediction": {"type": "content", "content": "draft"},
            "user": "ana@x.mx",
            "tools": [{"type": "function", "function": {"name": "f", "description": "td",
                "parameters": {"type": "object", "properties": {"q": {"type": "string", "description": "qd", "enum": ["e"]}}}}}],
            "functions": [{"name": "g", "description": "fd"}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {"type": "object", "description": "sd"}}},
            "metadata": {"k": "mv"},
            "guided_json": {"type": "object", "properties": {"k": {"enum": ["gj"]}}},
            "guided_choice": ["gc"],
            "structured_outputs": {"json": {"description": "sj"}, "choice": ["sc"], "regex": "^x$"}
        });
        let mut seen = Vec::new();
        visit_request_texts(&mut body, &mut |p, s| {
            seen.push(format!("{p}={s}"));
            s.push('!');
        });
        assert_eq!(
            seen,
            [
                "messages[0].content=sys",
                "messages[1].content[0].text=part",
                "messages[1].content[2].file.filename=a.txt",
                "messages[1].content[2].file.file_data=doc",
                "messages[1].content[3].file.filename=b.pdf",
                "messages[2].reasoning_content=rc",
                "messages[2].reasoning=r",
                "messages[2].reasoning_details[0].text=rt",
                "messages[2].reasoning_details[1].summary=rs",
                "messages[2].tool_calls[0].function.arguments={\"q\":\"a@b\"}",
                "messages[2].tool_calls[1].custom.input=select 1",
                "messages[3].content=result",
                "messages[4].content[0].text={\"n\":\"José\"}",
                "messages[5].refusal=no",
                "prediction.content=draft",
                "tools[0].function.description=td",
                "tools[0].function.parameters.properties.q.description=qd",
                "tools[0].function.parameters.properties.q.enum[0]=e",
                "functions[0].description=fd",
                "response_format.json_schema.schema.description=sd",
                "guided_json.properties.k.enum[0]=gj",
                "structured_outputs.json.description=sj",
                "guided_choice[0]=gc",
                "structured_outputs.choice[0]=sc",
                "metadata.k=mv",
            ]
        );
        for path in &seen {
            let path = &path[..path.find('=').unwrap()];
            let developer = [
                "tools",
                "functions",
                "response_format",
                "metadata",
                "guided_",
                "structured_outputs",
            ]
            .iter()
            .any(|f| path.starts_with(f));
            assert_eq!(is_developer_text(path), developer, "{path}");
        }
        assert!(!is_developer_text("toolsy.x") && is_developer_text("guided_json"));
        assert_eq!(
            body["messages"][1]["content"][1]["image_url"]["url"],
            "https://x/y.png"
        );
        assert_eq!(body["messages"][3]["content"], "result!");
        let files = &body["messages"][1]["content"];
        assert_eq!(
            files[2]["file"]["file_data"],
            "data:text/plain;charset=utf-8;base64,ZG9jIQ=="
        );
        assert_eq!(
            files[3]["file"]["file_data"],
            "data:application/pdf;base64,JVBERi0="
        );
        assert_eq!(
            files[2]["file"]["filename"], "a.txt!.txt",
            "the extension is kept"
        );
        assert_eq!(
            part_chars(&files[2]),
            Some("a.txt!.txt".len() + "doc!".len())
        );
        assert_eq!(
            read_parts(&mut body.clone()).opaque,
            [
                ("messages[1].content[1]".to_string(), "image_url"),
                ("messages[1].content[3]".to_string(), "file"),
            ]
        );
    }

    #[test]
    fn keys_read_in_another_case_are_found() {
        let ok = json!({"model": "m", "messages": [{"role": "user", "content": "hi", "Extra": 1}]});
        assert_eq!(case_variant_key(&ok), None);
        let bad = json!({"model": "m", "messages": [{"role": "user", "content": "hi", "Content": "SSN 123-45-6789"}]});
        assert_eq!(
            case_variant_key(&bad).as_deref(),
            Some("messages[0].Content")
        );
        let top = json!({"Messages": [{"role": "user", "content": "x"}]});
        assert_eq!(case_variant_key(&top).as_deref(), Some("Messages"));
        // What the policy decides on, at the top: a model or a limit it did not see.
        for key in [
            "MODEL",
            "Max_tokens",
            "N",
            "Stream",
            "max_completion_TOKENS",
        ] {
            let policy = json!({"model": "small", key: 1, "messages": []});
            assert_eq!(case_variant_key(&policy).as_deref(), Some(key));
        }
        let nested = json!({"model": "m", "messages": [], "metadata": {"Model": "x"},
            "response_format": {"type": "json_schema", "json_schema": {"name": "s", "N": 1}}});
        assert_eq!(case_variant_key(&nested), None);
        // The end-user id is masked by its key, and a part's type says whether it is read.
        let user = json!({"user": "anon", "User": "ana.garcia@correo.mx", "messages": []});
        assert_eq!(case_variant_key(&user).as_deref(), Some("User"));
        let docs = json!({"messages": [], "documents": [{"Type": "memo", "Text": "x"}]});
        assert_eq!(case_variant_key(&docs), None);
        let typed = json!({"messages": [{"role": "user", "content": [{"type": "image_url",
            "image_url": {"url": "https://x/a.png"}, "Type": "text", "text": "x"}]}]});
        assert_eq!(
            case_variant_key(&typed).as_deref(),
            Some("messages[0].content[0].Type")
        );
        let parts =
            json!({"messages": [{"role": "user", "content": [{"type": "text", "Text": "x"}]}]});
        assert_eq!(
            case_variant_key(&parts).as_deref(),
            Some("messages[0].content[0].Text")
        );
        // A schema names its properties freely; free-form objects are not fields.
        let schema = json!({"tools": [{"type": "function", "function": {"name": "f",
            "parameters": {"properties": {"Name": {"type": "string"}}}}}],
            "metadata": {"Text": "x"},
            "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {"type": "object",
                "properties": {"user": {"type": "object", "default": {"Name": "anon"}}},
                "dependentRequired": {"Name": ["Text"]}}}},
            "messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": {"Content": 1}}}]}]});
        assert_eq!(case_variant_key(&schema), None);
        // Go folds `ſ` to `s` and reads the tools' and schemas' fields without case too.
        let long_s =
            json!({"messages": [], "me\u{17f}\u{17f}ages": [{"role": "user", "content": "x"}]});
        assert_eq!(
            case_variant_key(&long_s).as_deref(),
            Some("me\u{17f}\u{17f}ages")
        );
        let tool = json!({"tools": [{"type": "function", "function": {"name": "f", "Description": "x",
            "parameters": {"properties": {"q": {"type": "string"}}}}}]});
        assert_eq!(
            case_variant_key(&tool).as_deref(),
            Some("tools[0].function.Description")
        );
        let prop = json!({"tools": [{"type": "function", "function": {"name": "f",
            "parameters": {"properties": {"q": {"DESCRIPTION": "x"}}}}}]});
        assert_eq!(
            case_variant_key(&prop).as_deref(),
            Some("tools[0].function.parameters.properties.q.DESCRIPTION")
        );
        // A schema's values are read like its descriptions, so `ENUM` is refused too.
        let values = json!({"tools": [{"type": "function", "function": {"name": "f",
            "parameters": {"properties": {"q": {"type": "string", "ENUM": ["x"]}}}}}]});
        assert_eq!(
            case_variant_key(&values).as_deref(),
            Some("tools[0].function.parameters.properties.q.ENUM")
        );
    }

    /// A schema sent as JSON text (vLLM takes both) is read as the schema, and left as
    /// sent unless something in it is rewritten.
    #[test]
    fn a_schema_sent_as_text_is_read_as_a_schema() {
        let schema = r#"{ "properties": {"k": {"enum": ["gj"], "pattern": "^g"}} }"#;
        let twice = r#"{"enum": ["a"], "enum": ["b"]}"#;
        let mut body = json!({"guided_json": schema, "response_format": {"schema": "not json"},
            "structured_outputs": {"json": twice}});
        let mut seen = Vec::new();
        visit_request_texts(&mut body, &mut |p, s| seen.push(format!("{p}={s}")));
        // A key written twice would hide the first from the scan: that text is read whole.
        assert_eq!(
            seen,
            [
                "response_format.schema=not json".to_string(),
                "guided_json.properties.k.enum[0]=gj".to_string(),
                format!("structured_outputs.json={twice}"),
            ]
        );
        assert_eq!(body["guided_json"], schema, "untouched, spaces and all");
        visit_request_texts(&mut body, &mut |_, s| s.push('!'));
        assert_eq!(
            body["guided_json"],
            r#"{"properties":{"k":{"enum":["gj!"],"pattern":"^g"}}}"#
        );
        assert_eq!(body["response_format"]["schema"], "not json!");
    }

    #[test]
    fn json_escapes_that_hide_characters_are_written_out() {
        let cases = [
            (
                r#"{"to":"ana\u0040correo.mx"}"#,
                Some(r#"{"to":"ana@correo.mx"}"#),
            ),
            (
                r#"{"n":"Jos\u00e9 P\u00e9rez","u":"postgres:\/\/a:b@db"}"#,
                Some(r#"{"n":"José Pérez","u":"postgres://a:b@db"}"#),
            ),
            // A pair of surrogates is one character; what must stay escaped stays.
            (
                r#"["\ud83d\ude00","\u0022\u005c\u000a\n\""]"#,
                Some(r#"["😀","\u0022\u005c\u000a\n\""]"#),
            ),
            // Keys keep their order; no escape, or no JSON, is left alone.
            (r#"{"b":1,"a":"x"}"#, None),
            (r#"not json \u0040"#, None),
            (r#"{"cut":"\u00"#, None),
        ];
        for (text, want) in cases {
            assert_eq!(unescape_json(text).as_deref(), want, "{text}");
            if let Some(w) = want {
                let a: Value = serde_json::from_str(text).unwrap();
                let b: Value = serde_json::from_str(w).unwrap();
                assert_eq!(a, b, "the same JSON: {text}");
            }
        }
    }

    #[test]
    fn a_cut_piece_is_read_with_its_escapes_written_out() {
        // `\\u0040` is a backslash and `u0040`; a cut escape and a bad one stay as they are,
        // a lone surrogate reads as U+FFFD; each char maps to the whole of its source.
        let text = r#"x\\u0040 é\u0040\/ \uzz \ud83d! \n\"q\" \ud83d\ude00 \u00"#;
        let (view, from) = decode_escapes(text, Escapes::All).unwrap();
        assert_eq!(view, "x\\u0040 é@/ \\uzz \u{FFFD}! \n\"q\" \u{1F600} \\u00");
        assert_eq!(from.len(), view.len() + 1);
        let source = |c: &str| {
            let at = view.find(c).unwrap();
            &text[from[at] as usize..from[at + c.len()] as usize]
        };
        assert_eq!(source("@"), r"\u0040");
        assert_eq!(source("/"), r"\/");
        assert_eq!(source("\n"), r"\n");
        assert_eq!(source("\""), r#"\""#);
        assert_eq!(source("\u{1F600}"), r"\ud83d\ude00");
        assert_eq!(source("\u{FFFD}"), r"\ud83d");
        assert_eq!(source("é"), "é");
        assert_eq!(from[view.len()] as usize, text.len());
        assert_eq!(decode_escapes("no escape here", Escapes::All), None);
        // Text that may not be JSON: only escapes that hide a character.
        let (view, _) =
            decode_escapes(r"CORP\bob \\u0040 ana\u0040x.mx \/", Escapes::Hiding).unwrap();
        assert_eq!(view, r"CORP\bob \\u0040 ana@x.mx /");
        assert_eq!(decode_escapes(r"C:\new\table", Escapes::Hiding), None);
        // An escape cut short at the end is held whole.
        assert_eq!(escape_floor(r"ab\u00", 6), 2);
        assert_eq!(escape_floor(r"ab\", 3), 2);
        assert_eq!(escape_floor(r"\ud83d\ude0", 10), 0);
        assert_eq!(escape_floor(r"\ud83d\ude0", 6), 0);
        assert_eq!(escape_floor(r"\ud83dx", 7), 7);
        // A cut never splits an escape, `\\` and a surrogate pair included.
        let text = r#"ab\u0040c\\d\"e\"#;
        let floors: Vec<usize> = (0..=text.len()).map(|c| escape_floor(text, c)).collect();
        assert_eq!(
            floors,
            [0, 1, 2, 2, 2, 2, 2, 2, 8, 9, 9, 11, 12, 12, 14, 15, 15]
        );
        let pair = r"\ud83d\ude00x";
        assert_eq!(escape_floor(pair, 6), 0);
        assert_eq!(escape_floor(pair, 12), 12);
        // What makes no escape (a backslash before a letter of another script, `\u` without
        // hex, half a pair before a bad `\u`) never puts an edge inside a character.
        for text in [r"C:\Документы\", r"\uxéé\ua😀", r"\ud83d\uxé", "ab\\"] {
            for at in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
                let (floor, ceil) = (escape_floor(text, at), escape_ceil(text, at));
                assert!(floor <= at && at <= ceil, "{text} at {at}");
                assert!(text.is_char_boundary(floor), "{text} floor of {at}");
                assert!(text.is_char_boundary(ceil), "{text} ceil of {at}");
            }
        }
    }

    #[test]
    fn a_piece_quotes_a_number_only_in_a_values_place() {
        use crate::scan::{Category, Finding};
        let phone = Finding {
            category: Category::Pii,
            entity: "PHONE".into(),
            start: 0,
            end: 10,
            score: 0.9,
        };
        let piece = "4155550199 today";
        let after = |before: &str| {
            let mut lex = JsonLex::default();
            lex.advance(before);
            quote_bare_json_piece(piece, std::slice::from_ref(&phone), lex).map(|(q, _)| q)
        };
        assert_eq!(after(r#"{"n": "#).as_deref(), Some(r#""4155550199" today"#));
        assert_eq!(after("").as_deref(), Some(r#""4155550199" today"#));
        // A stray quote put the reading out of step: it believes "call " is outside a
        // string, and the word before the number keeps it from being quoted.
        assert_eq!(after(r#"5'10" then {"tel": "call "#), None);
    }

    #[test]
    fn bare_json_findings_are_quoted_and_strings_left_alone() {
        use crate::scan::{Category, Finding};
        let text = r#"{"phone": 5558675309, "mail": "a@b.mx", "note": "call \"5558675309\""}"#;
        let at = |needle: &str| {
            let s = text.find(needle).unwrap();
            Finding {
                category: Category::Pii,
                entity: "X".into(),
                start: s,
                end: s + needle.len(),
                score: 0.9,
            }
        };
        let findings = vec![at("5558675309"), at("a@b.mx")];
        let (out, moved) = quote_bare_json(text, &findings).unwrap();
        assert_eq!(
            out,
            r#"{"phone": "5558675309", "mail": "a@b.mx", "note": "call \"5558675309\""}"#
        );
        for (f, g) in findings.iter().zip(&moved) {
            assert_eq!(&text[f.start..f.end], &out[g.start..g.end]);
        }
        // A finding inside a number token quotes the whole token.
        let signed = r#"{"card": -4111111111111111e0}"#;
        let s = signed.find("4111").unwrap();
        let f = Finding {
            start: s,
            end: s + 16,
            ..findings[0].clone()
        };
        let (out, moved) = quote_bare_json(signed, &[f]).unwrap();
        assert_eq!(out, r#"{"card": "-4111111111111111e0"}"#);
        assert_eq!(&out[moved[0].start..moved[0].end], "4111111111111111");
        // All inside strings, or not JSON: nothing to do.
        assert!(quote_bare_json(text, &findings[1..]).is_none());
        assert!(quote_bare_json("phone 5558675309", &[]).is_none());
        let not_json = "{phone: 5558675309";
        let f = Finding {
            start: 8,
            end: 18,
            ..findings[0].clone()
        };
        assert!(quote_bare_json(not_json, &[f]).is_none());
    }

    #[test]
    fn parts_are_read_as_vllm_reads_them_and_files_by_id_are_opaque() {
        let text = "data:text/plain;base64,aGk=";
        let body = json!({"messages": [{"role": "user", "content": [
            {"text": "typeless text"},
            {"image_url": {"url": "https://x/y.png"}},
            {"type": "thinking", "thinking": [{"type": "text", "text": "earlier thoughts"}]},
            {"type": "output_text", "text": "earlier answer"},
            {"type": "file", "file": {"file_id": "file-abc", "file_data": text}},
            {"type": "file", "file": {"file_data": text}},
            {"text": "caption", "image_url": {"url": "https://x/y.png"}},
            {"text": "plain", "image_url": null},
            {"type": null, "image_url": {"url": "https://x/y.png"}},
        ]}]});
        let parts = body["messages"][0]["content"].as_array().unwrap();
        let fields: Vec<_> = parts.iter().map(part_text_field).collect();
        assert_eq!(
            fields,
            [
                Some("text"),
                None,
                Some("thinking"),
                Some("text"),
                None,
                None,
                Some("text"),
                Some("text"),
                None
            ]
        );
        assert_eq!(
            read_parts(&mut body.clone()).opaque,
            [
                ("messages[0].content[1]".to_string(), "unknown"),
                ("messages[0].content[4]".to_string(), "file"),
                ("messages[0].content[6]".to_string(), "unknown"),
                ("messages[0].content[8]".to_string(), "unknown"),
            ]
        );
        let mut body = body;
        let mut seen = Vec::new();
        visit_request_texts(&mut body, &mut |p, s| seen.push(format!("{p}={s}")));
        assert_eq!(
            seen,
            [
                "messages[0].content[0].text=typeless text",
                "messages[0].content[2].thinking[0].text=earlier thoughts",
                "messages[0].content[3].text=earlier answer",
                // Named by id too, so counted as unscanned; what it holds inline is read.
                "messages[0].content[4].file.file_data=hi",
                "messages[0].content[5].file.file_data=hi",
                "messages[0].content[6].text=caption",
                "messages[0].content[7].text=plain",
            ]
        );
    }

    #[test]
    fn user_texts_read_a_messages_parts_as_one() {
        let body = json!({"messages": [
            {"role": "system", "content": "sys"},
            {"role": "user", "content": [{"type": "text", "text": "key AKIAQ7XK4P"}, {"type": "text", "text": "LMNBV2RT5Z"},
                {"type": "file", "file": {"file_data": "data:text/plain;base64,ZG9j"}}]},
            {"role": "user", "content": "plain"}
        ]});
        assert_eq!(
            user_texts(&body),
            vec!["key AKIAQ7XK4PLMNBV2RT5Z", "doc", "plain"]
        );
    }

    /// Only this turn's user messages: those after the last answer.
    #[test]
    fn user_texts_are_this_turns_only() {
        let body = json!({"messages": [
            {"role": "user", "content": "I need to speak to a human"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "thanks"},
            {"role": "user", "content": "and one more"}
        ]});
        assert_eq!(user_texts(&body), vec!["thanks", "and one more"]);
        let tool_round = json!({"messages": [
            {"role": "user", "content": "I need to speak to a human"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c", "content": "result"}
        ]});
        assert!(user_texts(&tool_round).is_empty());
    }

    #[test]
    fn answers_expose_content_refusal_and_arguments() {
        let mut body = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": "a", "refusal": "r",
            "reasoning": "t", "tool_calls": [{"function": {"name": "f", "arguments": "x"}}]}}], "usage": {"prompt_tokens": 3, "completion_tokens": 4}});
        let mut n = 0;
        visit_answer_texts(&mut body, &mut |_, _| n += 1);
        assert_eq!(n, 4);
        assert_eq!(usage(&body), Some((3, 4)));
        assert_eq!(usage(&json!({"choices": [], "usage": null})), None);
        let mut lp =
            json!({"choices": [{"logprobs": {"content": [{"token": "x"}]}}, {"logprobs": null}]});
        assert!(drop_logprobs(&mut lp));
        assert!(lp["choices"][0]["logprobs"].is_null());
        assert!(!drop_logprobs(&mut lp));
    }
}

//! Reading just enough of a request body: the account of a login form, the strings of a
//! JSON message.

use serde_json::Value;

/// The value of `field` in a JSON object, an `application/x-www-form-urlencoded` form or a
/// `multipart/form-data` one; `Err` says why a body could not be read. A login the edge
/// cannot read must not reach the app: nested past serde's depth limit, behind a
/// byte-order mark or in UTF-16, or with the account as a list (`email[]=…`, which Express
/// reads as an array and an ORM as `IN (…)`), a body the app parses would hide its
/// account from the lockout.
pub fn field(
    body: &[u8],
    content_type: Option<&str>,
    field: &str,
) -> Result<Option<String>, String> {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    let value = match media.as_deref() {
        // Each part says its own charset.
        Some("multipart/form-data") => {
            return multipart_field(body, content_type.unwrap_or(""), field);
        }
        Some("application/x-www-form-urlencoded") => form_field(body, field)?,
        _ => json_field(body, field)?,
    };
    // Express decodes a body by its declared charset (UTF-7 too, where `+AHY-` is `v`):
    // one the edge would read otherwise spells the app another account.
    if let Some(c) = content_type.map(charset).transpose()?.flatten() {
        let ascii = body.is_ascii() && value.as_deref().is_none_or(str::is_ascii);
        if !reads_as_utf8(&c, ascii) {
            return Err(format!("the body's charset {c:?} is not UTF-8"));
        }
    }
    Ok(value)
}

/// The `charset` parameter of a `Content-Type`, lowercase. Two are refused: Express takes
/// the last, and `charset=utf-8; charset=utf-7` would read one way here and another there.
fn charset(content_type: &str) -> Result<Option<String>, String> {
    let mut all = params(content_type).filter(|(k, _)| k.eq_ignore_ascii_case("charset"));
    let first = all.next().map(|(_, v)| v.to_ascii_lowercase());
    match all.next() {
        Some(_) => Err("the Content-Type names a charset twice".into()),
        None => Ok(first),
    }
}

/// Whether text in `charset` reads as the edge reads it: it is UTF-8, or it extends ASCII
/// and what was read is `ascii`. Not UTF-16, nor UTF-7 or ISO-2022, whose escapes are ASCII
/// bytes.
fn reads_as_utf8(charset: &str, ascii: bool) -> bool {
    let extends_ascii = ["us-ascii", "ascii", "latin1"].contains(&charset)
        || charset.starts_with("iso-8859-")
        || charset.starts_with("iso_8859-")
        || charset.starts_with("windows-125");
    charset == "utf-8" || charset == "utf8" || extends_ascii && ascii
}

/// Whether a form's field name names `field` as a list or a map (`email[]`, `email[0]`),
/// or spells it another way qs (Express's form parser) files under `field` (`[email]`).
fn bracketed(name: &str, field: &str) -> bool {
    name.strip_prefix(field).is_some_and(|r| r.starts_with('['))
        || (name != field && qs_root(name) == field)
}

/// The name qs (Express's query and form parser) files a field under: what stands before
/// its first `[…]` group (one with no bracket inside), or that group's content when nothing
/// does. `email[0]` and `[email]` are both `email` to the app, so both must be to the edge.
pub(crate) fn qs_root(name: &str) -> &str {
    let mut from = 0;
    while let Some(open) = name[from..].find('[').map(|i| from + i) {
        let inner = &name[open + 1..];
        match inner.find(['[', ']']) {
            Some(close) if inner.as_bytes()[close] == b']' => {
                return if open == 0 {
                    &inner[..close]
                } else {
                    &name[..open]
                };
            }
            Some(next) => from = open + 1 + next,
            None => break,
        }
    }
    name
}

const LIST_ACCOUNT: &str = "the account field is sent more than once or as a list";

/// The one value of `field` among a form's `(name, value)` fields: a second one, or one
/// written as a list, is refused (Express and multer read both as an array).
fn only_value(
    fields: impl Iterator<Item = Result<(String, String), String>>,
    field: &str,
) -> Result<Option<String>, String> {
    let mut found = None;
    for f in fields {
        let (name, value) = f?;
        if bracketed(&name, field) || (name == field && found.is_some()) {
            return Err(LIST_ACCOUNT.into());
        }
        if name == field {
            found = Some(value);
        }
    }
    Ok(found)
}

fn form_field(body: &[u8], field: &str) -> Result<Option<String>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the form is not UTF-8".to_string())?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    let fields = text.split('&').map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        Ok((decode(k), decode(v)))
    });
    only_value(fields, field)
}

fn json_field(body: &[u8], field: &str) -> Result<Option<String>, String> {
    if body.trim_ascii().is_empty() {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => match map.get(field) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => js_integer(n)
                .map(Some)
                .ok_or_else(|| format!("the account field {field:?} is not a whole number")),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(format!("the account field {field:?} is not a string")),
        },
        Ok(_) => Ok(None),
        Err(e) => Err(format!(
            "the body is neither a form nor JSON the edge can read ({e})"
        )),
    }
}

/// A whole number as JavaScript writes it: `5551234.0`, `5.551234e6` and `5551234` are one
/// number to the app, so one account to the edge. Rust's `Display` gives the same shortest
/// round-trip digits with no exponent below 1e21 (2^60 is `1152921504606847000` in both);
/// `-0` is `0` in JavaScript.
fn js_integer(n: &serde_json::Number) -> Option<String> {
    let f = n.as_f64()?;
    match f {
        0.0 => Some("0".into()),
        f if f.fract() == 0.0 && f.abs() < 1e21 => Some(format!("{f}")),
        _ => None,
    }
}

/// A `multipart/form-data` field, read as busboy (multer) reads one: a part starts after a
/// line `--boundary` (CRLF before it, or the body's start), its name is the quoted or bare
/// `name` parameter of its `Content-Disposition`.
fn multipart_field(body: &[u8], content_type: &str, field: &str) -> Result<Option<String>, String> {
    let boundary = params(content_type)
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v)
        .filter(|b| !b.is_empty())
        .ok_or("the multipart form has no boundary")?;
    // RFC 2046's boundary characters only: an escape or a blank in a quoted boundary is
    // read one way here and another by busboy, which could then see other parts.
    let plain = |c: char| c.is_ascii_alphanumeric() || "'()+_,-./:=?".contains(c);
    if !boundary.chars().all(plain) || boundary.len() > 70 {
        return Err("the multipart boundary is not plain RFC 2046 characters".into());
    }
    let delimiter = format!("\r\n--{boundary}");
    // Browsers send no preamble: the body opens with the first delimiter.
    let mut rest: &[u8] = body
        .strip_prefix(&delimiter.as_bytes()[2..])
        .ok_or("the multipart form does not start with its boundary")?;
    let mut fields = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        let part = rest
            .strip_prefix(b"\r\n")
            .ok_or("a multipart boundary line does not end with CRLF")?;
        let end = memchr::memmem::find(part, delimiter.as_bytes())
            .ok_or("the multipart form does not end with its boundary")?;
        let (this, next) = (&part[..end], &part[end + delimiter.len()..]);
        let split = memchr::memmem::find(this, b"\r\n\r\n")
            .ok_or("a multipart part has no blank line after its headers")?;
        // A line that starts with a blank continues the one before (busboy unfolds them).
        let head = String::from_utf8_lossy(&this[..split])
            .replace("\r\n ", " ")
            .replace("\r\n\t", " ");
        let header = |name: &str| {
            head.split("\r\n")
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_string())
        };
        // busboy before 1.0 (multer 1.4.4 and older) took the last `name` and read
        // `name*` as one: a part that names itself twice names two fields.
        let mut names = header("content-disposition")
            .map(|v| {
                params(&v)
                    .filter(|(k, _)| {
                        k.eq_ignore_ascii_case("name") || k.eq_ignore_ascii_case("name*")
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if names.len() > 1 || names.iter().any(|(k, _)| k.ends_with('*')) {
            return Err("a multipart part is named twice or in RFC 5987 form".into());
        }
        let name = names.pop().map(|(_, v)| v);
        // Only the account is read: other parts may be files, or text in a page's charset.
        if let Some(name) = name.filter(|n| n == field || bracketed(n, field)) {
            // busboy decodes a part by its own charset: another one would spell another
            // account to the app than to the edge.
            let value = &this[split + 4..];
            if header("content-type")
                .map(|v| charset(&v))
                .transpose()?
                .flatten()
                .is_some_and(|c| !reads_as_utf8(&c, value.is_ascii()))
            {
                return Err(format!("the multipart field {name:?} is not in UTF-8"));
            }
            let value = std::str::from_utf8(&this[split + 4..])
                .map_err(|_| format!("the multipart field {name:?} is not UTF-8"));
            fields.push(value.map(|v| (name, v.to_string())));
        }
        rest = next;
    }
    only_value(fields.into_iter(), field)
}

/// The `key=value` parameters after a header value's first `;`, values unquoted; a `;`
/// inside quotes does not end one.
fn params(header: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let mut parts = Vec::new();
    let (mut cur, mut quoted, mut escaped) = (String::new(), false, false);
    for c in header.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts.into_iter().skip(1).filter_map(|p| {
        let (k, v) = p.split_once('=')?;
        Some((k.trim().to_string(), v.trim().to_string()))
    })
}

/// A request body's `Content-Encoding`, as Express's body parsers inflate it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Coding {
    Identity,
    Gzip,
    /// HTTP's `deflate`: zlib-wrapped.
    Deflate,
}

impl Coding {
    /// The coding a `Content-Encoding` value names; `None` for one the edge does not read
    /// (`br`, `zstd`, a list).
    pub fn from_header(value: Option<&[u8]>) -> Option<Coding> {
        let v = value.map(<[u8]>::trim_ascii).unwrap_or_default();
        let is = |name: &[u8]| v.eq_ignore_ascii_case(name);
        if v.is_empty() || is(b"identity") {
            Some(Coding::Identity)
        } else if is(b"gzip") || is(b"x-gzip") {
            Some(Coding::Gzip)
        } else if is(b"deflate") {
            Some(Coding::Deflate)
        } else {
            None
        }
    }
}

/// The start of a body as the app reads it: inflated up to `limit` bytes when compressed.
/// `cut` says there was more (or `sent` was already only the body's start); a stream that
/// stops early gives what it decoded.
pub fn decoded(mut sent: Vec<u8>, coding: Coding, limit: usize, cut: bool) -> (Vec<u8>, bool) {
    use std::io::Read;
    let reader: Box<dyn Read + '_> = match coding {
        Coding::Identity => {
            let more = sent.len() > limit;
            sent.truncate(limit);
            return (sent, cut || more);
        }
        // Node's gunzip reads every member of a concatenated stream.
        Coding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(&sent[..])),
        Coding::Deflate => Box::new(flate2::read::ZlibDecoder::new(&sent[..])),
    };
    let mut out = Vec::new();
    // A stream that stops early (cut, or broken) keeps what was read before the error.
    let _ = reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut out);
    let more = out.len() > limit;
    out.truncate(limit);
    (out, cut || more)
}

/// The strings a person wrote in a JSON body: `fields` when given, else every string.
/// Values under a credential's key (`password`, `client_secret`, …) are never taken, even
/// when named: alerts leave the edge, and a password has no shape for redaction to see.
/// `None` when the body is not JSON.
pub fn json_texts(body: &[u8], fields: &[String]) -> Option<Vec<String>> {
    let v = serde_json::from_slice::<Value>(body).ok()?;
    let mut out = Vec::new();
    collect(&v, fields, None, &mut out);
    Some(out)
}

/// The strings of a body cut at the peek limit: [`json_texts`]' choice, read as far as the
/// JSON goes. Nothing when it does not open as JSON.
pub fn cut_json_texts(body: &[u8], fields: &[String]) -> Vec<String> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => json_prefix_texts(body, fields),
        _ => Vec::new(),
    }
}

/// The strings of a WebSocket message: a JSON message's, as [`json_texts`] gives them, also
/// behind a socket.io packet prefix (`42["event",{...}]`, `42/chat,7[...]`); a message that
/// is no JSON at all is text as a person wrote it. A `cut` message's JSON is read as far
/// as it goes.
pub fn ws_texts(message: &str, cut: bool, fields: &[String]) -> Vec<String> {
    if let Some(texts) = json_texts(message.as_bytes(), fields) {
        return texts;
    }
    let payload = socket_io_payload(message);
    if payload.len() < message.len() {
        if let Some(texts) = json_texts(payload.as_bytes(), fields) {
            return texts;
        }
    }
    if cut && matches!(payload.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
        return json_prefix_texts(payload.as_bytes(), fields);
    }
    vec![message.to_owned()]
}

/// What [`collect`] takes from a JSON text that stops early, read token by token: strings
/// whole, the last one up to where it stops, under the same keys. Reading ends where the
/// text stops being JSON (a closer that matches nothing, text after the end) and at
/// serde_json's depth of 128.
fn json_prefix_texts(b: &[u8], fields: &[String]) -> Vec<String> {
    /// An open object or array. `hidden`: a credential's key is above its values, or is
    /// the key they are under; `named`: that key is one of `fields` (or `fields` is empty).
    /// An array's values are under its parent's key.
    struct Open {
        object: bool,
        expect_key: bool,
        hidden_above: bool,
        hidden: bool,
        named: bool,
    }
    const MAX_DEPTH: usize = 128;
    let mut stack: Vec<Open> = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let (s, next) = json_string(b, i);
                i = next;
                match stack.last_mut() {
                    Some(o) if o.object && o.expect_key => {
                        o.hidden = o.hidden_above || is_credential_key(&s);
                        o.named = fields.is_empty() || fields.contains(&s);
                        o.expect_key = false;
                    }
                    Some(o) if o.named && !o.hidden => out.push(s),
                    _ => {}
                }
                continue;
            }
            c @ (b'{' | b'[') => {
                if stack.len() == MAX_DEPTH {
                    break;
                }
                let object = c == b'{';
                let (hidden, named) = stack
                    .last()
                    .map_or((false, fields.is_empty()), |o| (o.hidden, o.named));
                stack.push(Open {
                    object,
                    expect_key: object,
                    hidden_above: hidden,
                    hidden,
                    named: if object { fields.is_empty() } else { named },
                });
            }
            c @ (b'}' | b']') => match stack.pop() {
                Some(o) if o.object == (c == b'}') && !stack.is_empty() => {}
                _ => break,
            },
            b',' => {
                if let Some(o) = stack.last_mut().filter(|o| o.object) {
                    o.expect_key = true;
                    o.hidden = o.hidden_above;
                    o.named = fields.is_empty();
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The JSON string that opens at `b[start]`, decoded, and where reading goes on after it.
/// One that the end of `b` cuts is read up to its last whole escape and character.
fn json_string(b: &[u8], start: usize) -> (String, usize) {
    let mut k = start + 1;
    let (mut end, next) = loop {
        match b.get(k) {
            None => break (k, k),
            Some(b'"') => break (k, k + 1),
            Some(b'\\') => {
                let len = match b.get(k + 1) {
                    // A high surrogate is read with the low one that completes it.
                    Some(b'u')
                        if high_surrogate(b.get(k + 2..k + 6))
                            && b.get(k + 6..k + 8).is_none_or(|n| n == b"\\u") =>
                    {
                        12
                    }
                    Some(b'u') => 6,
                    _ => 2,
                };
                if k + len > b.len() {
                    break (k, b.len());
                }
                k += len;
            }
            Some(_) => k += 1,
        }
    };
    end = start + whole_chars(&b[start..end]).len();
    let mut quoted = b[start..end].to_vec();
    quoted.push(b'"');
    let s = serde_json::from_slice(&quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(&b[start + 1..end]).into_owned());
    (s, next)
}

/// `b` without a character its end cuts in two (invalid bytes elsewhere are kept).
pub(crate) fn whole_chars(b: &[u8]) -> &[u8] {
    match std::str::from_utf8(b) {
        Err(e) if e.error_len().is_none() => &b[..e.valid_up_to()],
        _ => b,
    }
}

/// Whether four hex digits name a UTF-16 high surrogate (`D800`–`DBFF`).
fn high_surrogate(hex: Option<&[u8]>) -> bool {
    hex.and_then(|h| std::str::from_utf8(h).ok())
        .and_then(|h| u16::from_str_radix(h, 16).ok())
        .is_some_and(|u| (0xD800..0xDC00).contains(&u))
}

/// `message` after an engine.io/socket.io prefix: packet-type digits, a `/namespace,`, an
/// acknowledgement id.
fn socket_io_payload(message: &str) -> &str {
    let rest = message.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() == message.len() {
        return message;
    }
    let rest = match rest.strip_prefix('/') {
        Some(ns) => ns.split_once(',').map_or(rest, |(_, after)| after),
        None => rest,
    };
    rest.trim_start_matches(|c: char| c.is_ascii_digit())
}

/// Whether a JSON key names a credential; `_`, `-` and case are ignored.
fn is_credential_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "credential",
        "privatekey",
    ]
    .iter()
    .any(|w| k.contains(w))
        || [
            "pass",
            "pwd",
            "pin",
            "otp",
            "cvv",
            "cvc",
            "authorization",
            "auth",
        ]
        .contains(&k.as_str())
}

/// `key` is checked for a credential where it is met, in the object: an array under a
/// long key does not check it again for each element.
fn collect(v: &Value, fields: &[String], key: Option<&str>, out: &mut Vec<String>) {
    match v {
        Value::String(s)
            if fields.is_empty() || key.is_some_and(|k| fields.iter().any(|f| f == k)) =>
        {
            out.push(s.clone())
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, fields, key, out)),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| !is_credential_key(k))
            .for_each(|(k, x)| collect(x, fields, Some(k), out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_fields_from_json_and_forms() {
        assert_eq!(
            field(
                br#"{"email":"a@b.c","password":"x"}"#,
                Some("application/json"),
                "email"
            )
            .unwrap()
            .as_deref(),
            Some("a@b.c")
        );
        assert_eq!(
            field(
                b"user=j%C3%BCrgen+k&password=x",
                Some("application/x-www-form-urlencoded"),
                "user"
            )
            .unwrap()
            .as_deref(),
            Some("jürgen k")
        );
        assert_eq!(field(b"{}", None, "email"), Ok(None));
        assert_eq!(field(b"", Some("application/json"), "email"), Ok(None));
        // What the app may parse and the edge cannot is refused, not counted by address.
        let deep = format!(
            r#"{{"email":"v@x.c","x":{}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        for bad in [
            deep.as_bytes(),
            b"\xEF\xBB\xBF{\"email\":\"v@x.c\"}",
            b"{\x00\"\x00e\x00",
        ] {
            assert!(field(bad, Some("application/json"), "email").is_err());
        }
        assert!(field(
            b"user=\xff",
            Some("Application/X-WWW-Form-Urlencoded; charset=utf-8"),
            "user"
        )
        .is_err());
        // The account as a list, in JSON, a form or a multipart form: refused, not read.
        for (body, ct) in [
            (&br#"{"email":["v@x.c"],"password":"p"}"#[..], "application/json"),
            (&b"email%5B%5D=v%40x.c&password=p"[..], "application/x-www-form-urlencoded"),
            // qs files `[email]` and `[email][x]` under `email` too.
            (&b"%5Bemail%5D=v%40x.c&password=p"[..], "application/x-www-form-urlencoded"),
            (&b"[email][x]=v%40x.c&password=p"[..], "application/x-www-form-urlencoded"),
            (&b"--b\r\nContent-Disposition: form-data; name=\"email[]\"\r\n\r\nv@x.c\r\n--b--\r\n"[..], "multipart/form-data; boundary=b"),
        ] {
            assert!(field(body, Some(ct), "email").is_err(), "{ct}");
        }
        assert_eq!(field(br#"{"email":null}"#, None, "email"), Ok(None));
        // Names qs files elsewhere are other fields.
        for other in ["x[email]", "[a[email]", "[emails]", "[email", "[]email"] {
            assert!(!bracketed(other, "email"), "{other}");
        }
        for same in ["[email]", "[email][x]", "[email]x", "email[0]"] {
            assert!(bracketed(same, "email"), "{same}");
        }
        // A FormData sent by fetch.
        let multipart = b"--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nsecret\r\n--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nana@x.mx\r\n--XyZ--\r\n";
        assert_eq!(
            field(
                multipart,
                Some("multipart/form-data; boundary=\"XyZ\""),
                "email"
            ),
            Ok(Some("ana@x.mx".to_string()))
        );
        assert_eq!(
            field(multipart, Some("multipart/form-data; boundary=XyZ"), "user"),
            Ok(None)
        );
        assert!(field(
            &multipart[..40],
            Some("multipart/form-data; boundary=XyZ"),
            "user"
        )
        .is_err());
        // Sent twice, the account is a list to Express and multer: refused, however the
        // second copy is spelled or hidden.
        assert!(field(
            b"email=decoy%40x&email=victim%40x",
            Some("application/x-www-form-urlencoded"),
            "email"
        )
        .is_err());
        let tricky = b"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\na--B--\r\n--B\r\nContent-Disposition: form-data; x=\"a;name=y\"; name=\"email\"\r\n\r\nvictim@x\r\n--B--\r\n";
        assert_eq!(
            field(tricky, Some("multipart/form-data; boundary=B"), "email"),
            Ok(Some("victim@x".to_string())),
            "a boundary inside a value and a quoted ; are read as busboy reads them"
        );
        // A folded header line and a part in another charset: read as busboy would, or
        // refused; another part that is no UTF-8 (a file, a Latin-1 password) is not read.
        let folded = b"--B\r\nContent-Disposition: form-data;\r\n name=\"email\"\r\n\r\nvictim@x\r\n--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n\xF1\r\n--B--\r\n";
        assert_eq!(
            field(folded, Some("multipart/form-data; boundary=B"), "email"),
            Ok(Some("victim@x".to_string()))
        );
        let utf16 = b"--B\r\nContent-Disposition: form-data; name=\"email\"\r\nContent-Type: text/plain; charset=utf-16le\r\n\r\nv\0@\0x\0\r\n--B--\r\n";
        assert!(field(utf16, Some("multipart/form-data; boundary=B"), "email").is_err());
        // ASCII in a Latin-1 part (Apache HttpClient's default) reads the same everywhere.
        let latin1 = b"--B\r\nContent-Disposition: form-data; name=\"email\"\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\nv@x\r\n--B--\r\n";
        assert_eq!(
            field(latin1, Some("multipart/form-data; boundary=B"), "email"),
            Ok(Some("v@x".to_string()))
        );
        // A boundary busboy would read otherwise, or a preamble that could hide the parts.
        let escaped = b"\r\n--ab--\r\n--a\\b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nv@x\r\n--a\\b--\r\n";
        assert!(field(
            escaped,
            Some("multipart/form-data; boundary=\"a\\b\""),
            "email"
        )
        .is_err());
        let preamble = b"hello\r\n--B\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nv@x\r\n--B--\r\n";
        assert!(field(preamble, Some("multipart/form-data; boundary=B"), "email").is_err());
    }

    /// Bodies Express reads as another account than their bytes spell in UTF-8 are refused.
    #[test]
    fn a_login_in_a_charset_the_app_reads_otherwise_is_refused() {
        let json = "application/json";
        let form = "application/x-www-form-urlencoded";
        for (body, ct) in [
            // UTF-7: `+AHY-` is `v` to iconv-lite.
            (
                &br#"{"email":"+AHY-ictim@x.mx"}"#[..],
                format!("{json}; charset=utf-7"),
            ),
            (
                &b"email=+AHY-ictim%40x.mx"[..],
                format!("{form}; charset=UTF-7"),
            ),
            // Latin-1: `%E9` is `\u{e9}` to the app, a replacement character to UTF-8.
            (
                &b"email=jos%E9%40x.mx"[..],
                format!("{form}; charset=iso-8859-1"),
            ),
            (
                &b"email=jos%C3%A9%40x.mx"[..],
                format!("{form}; charset=iso-8859-1"),
            ),
            // Express takes the last of two.
            (
                &br#"{"email":"+AHY-ictim@x.mx"}"#[..],
                format!("{json}; charset=utf-8; charset=utf-7"),
            ),
        ] {
            assert!(field(body, Some(&ct), "email").is_err(), "{ct}");
        }
        // ASCII reads the same in every charset that extends it; UTF-8 is read as it is.
        for (body, ct, want) in [
            (
                &br#"{"email":"v@x.mx"}"#[..],
                format!("{json}; charset=ISO-8859-1"),
                "v@x.mx",
            ),
            (
                &b"email=v%40x.mx"[..],
                format!("{form}; charset=windows-1252"),
                "v@x.mx",
            ),
            (
                &b"email=jos%C3%A9%40x.mx"[..],
                format!("{form}; charset=UTF-8"),
                "jos\u{e9}@x.mx",
            ),
        ] {
            assert_eq!(
                field(body, Some(&ct), "email"),
                Ok(Some(want.to_string())),
                "{ct}"
            );
        }
    }

    #[test]
    fn a_numeric_account_is_one_account_however_it_is_written() {
        for body in [
            r#"{"phone":5551234}"#,
            r#"{"phone":5551234.0}"#,
            r#"{"phone":5.551234e6}"#,
        ] {
            assert_eq!(
                field(body.as_bytes(), None, "phone"),
                Ok(Some("5551234".to_string())),
                "{body}"
            );
        }
        assert!(field(br#"{"phone":5551234.5}"#, None, "phone").is_err());
        for (body, want) in [
            (r#"{"phone":-0}"#, "0"),
            (r#"{"phone":-0.0}"#, "0"),
            (r#"{"phone":1152921504606846976}"#, "1152921504606847000"),
        ] {
            assert_eq!(
                field(body.as_bytes(), None, "phone"),
                Ok(Some(want.into())),
                "{body}"
            );
        }
    }

    /// Old busboy took a part's last `name`, and `name*` for `name`: either could hide the
    /// account from the edge.
    #[test]
    fn a_part_named_twice_is_refused() {
        for disposition in [
            "form-data; name=\"x\"; name=\"email\"",
            "form-data; name*=utf-8''email",
            "form-data; name=\"x\"; NAME*=utf-8''email",
        ] {
            let body =
                format!("--B\r\nContent-Disposition: {disposition}\r\n\r\nvictim@x\r\n--B--\r\n");
            assert!(
                field(
                    body.as_bytes(),
                    Some("multipart/form-data; boundary=B"),
                    "email"
                )
                .is_err(),
                "{disposition}"
            );
        }
    }

    #[test]
    fn compressed_bodies_are_inflated_up_to_the_limit() {
        use std::io::Write;
        let text = br#"{"message":"brake failure"}"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(
            decoded(gz.clone(), Coding::Gzip, 1024, false),
            (text.to_vec(), false)
        );
        // Two members, as Node's gunzip reads them: both.
        let twice = [gz.clone(), gz.clone()].concat();
        assert_eq!(
            decoded(twice, Coding::Gzip, 1024, false).0,
            [&text[..], &text[..]].concat()
        );
        // A cut stream gives what it decoded; a bomb stops at the limit.
        let (start, cut) = decoded(gz[..gz.len() - 8].to_vec(), Coding::Gzip, 1024, true);
        assert!(cut && text.starts_with(&start), "{start:?}");
        let mut zl = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        zl.write_all(&vec![b'a'; 10 << 20]).unwrap();
        let (out, cut) = decoded(zl.finish().unwrap(), Coding::Deflate, 4096, false);
        assert_eq!((out.len(), cut), (4096, true));
        assert_eq!(
            decoded(b"abc".to_vec(), Coding::Identity, 2, false),
            (b"ab".to_vec(), true)
        );
        assert_eq!(Coding::from_header(Some(b" GZIP ")), Some(Coding::Gzip));
        assert_eq!(Coding::from_header(None), Some(Coding::Identity));
        assert_eq!(Coding::from_header(Some(b"br")), None);
    }

    #[test]
    fn json_texts_follow_the_field_list() {
        let body = br#"{"message":"hola","meta":{"lang":"es"},"parts":[{"message":"dos"}]}"#;
        assert_eq!(
            json_texts(body, &["message".into()]).unwrap(),
            vec!["hola", "dos"]
        );
        assert_eq!(json_texts(body, &[]).unwrap().len(), 3);
        assert_eq!(json_texts(b"plain words", &[]), None);
    }

    #[test]
    fn websocket_messages_give_their_strings_socket_io_too() {
        let none: &[String] = &[];
        for m in [
            r#"{"event":"login","password":"hunter2"}"#,
            r#"42["login",{"password":"hunter2"}]"#,
            r#"42/chat,7["login",{"password":"hunter2"}]"#,
        ] {
            assert_eq!(ws_texts(m, false, none), vec!["login"], "{m}");
        }
        assert_eq!(
            ws_texts("hola, necesito ayuda", false, none),
            vec!["hola, necesito ayuda"]
        );
        assert_eq!(ws_texts("3probe", false, none), vec!["3probe"]);
        // A whole message that only looks like JSON is a person's text.
        assert_eq!(
            ws_texts("[urgent] help", false, none),
            vec!["[urgent] help"]
        );
        // A cut one is read as far as its JSON goes, credentials still left out.
        let cut = r#"42["chat",{"password":"hunter2","text":"speak to a hu"#;
        assert_eq!(ws_texts(cut, true, none), vec!["chat", "speak to a hu"]);
    }

    #[test]
    fn a_cut_body_gives_the_strings_it_holds_under_the_same_keys() {
        let body = r#"{"message":"brake failure \"now\" ñ","attachment":{"data":"AAAA","message":"inner"},
            "password":{"value":"hunter2"},"api_key":["k1","k2"],"parts":[{"message":"dos"},"x"],"message":"tres \u00f1 \u"#;
        let fields = ["message".to_string()];
        assert_eq!(
            cut_json_texts(body.as_bytes(), &fields),
            vec!["brake failure \"now\" ñ", "inner", "dos", "tres ñ "]
        );
        assert_eq!(
            cut_json_texts(body.as_bytes(), &[]),
            vec![
                "brake failure \"now\" ñ",
                "AAAA",
                "inner",
                "dos",
                "x",
                "tres ñ "
            ]
        );
        // Wherever it is cut, it reads what [`json_texts`] reads of the whole, or starts of it.
        let whole = r#"{"message":"brake \"now\" \u00f1","password":{"v":"hunter2"},
            "api_key":["k1"],"parts":[{"text":"dos"},"x"],"note":"fin"}"#;
        let mut all = json_texts(whole.as_bytes(), &[]).unwrap();
        all.sort();
        for n in 0..=whole.len() {
            let mut got = cut_json_texts(&whole.as_bytes()[..n], &[]);
            for g in &got {
                assert!(
                    all.iter().any(|a| a.starts_with(g.as_str())),
                    "at {n}: {g:?}"
                );
            }
            assert!(
                !got.iter()
                    .any(|g| g.contains("hunter2") || g.starts_with('k')),
                "at {n}"
            );
            if n == whole.len() {
                got.sort();
                assert_eq!(got, all);
            }
        }
        // A cut inside a two-byte character, or between a surrogate pair's escapes, ends
        // the string before it; a whole pair is read, and a lone one ends no early.
        let b = "{\"m\":\"añ".as_bytes();
        assert_eq!(cut_json_texts(&b[..b.len() - 1], &[]), vec!["a"]);
        assert_eq!(
            cut_json_texts(br#"{"m":"brake \ud83d"#, &[]),
            vec!["brake "]
        );
        assert_eq!(
            cut_json_texts(br#"{"m":"brake \ud83d\ude"#, &[]),
            vec!["brake "]
        );
        assert_eq!(
            cut_json_texts(br#"{"m":"a \ud83d\ude00 b"#, &[]),
            vec!["a \u{1f600} b"]
        );
        let lone = cut_json_texts(br#"{"m":"\ud83d","n":"x"#, &[]);
        assert_eq!(lone.last().map(String::as_str), Some("x"), "{lone:?}");
        assert!(cut_json_texts(b"plain words", &[]).is_empty());
    }

    #[test]
    fn a_cut_body_stops_where_it_stops_being_json() {
        assert!(cut_json_texts(br#"{"password":"x"]"y""#, &[]).is_empty());
        assert_eq!(
            cut_json_texts(br#"{"x":"a"}}"password","hunter2""#, &[]),
            vec!["a"]
        );
        // Past serde_json's depth nothing is read, and a long key costs its length once.
        let deep = format!("{{\"k\":{}\"x\"", "[".repeat(40_000));
        assert!(cut_json_texts(deep.as_bytes(), &[]).is_empty());
        let shallow = format!("{{\"k\":{}\"x\"", "[".repeat(100));
        assert_eq!(cut_json_texts(shallow.as_bytes(), &[]), vec!["x"]);
        let wide = format!("{{\"{}\":[{}", "a".repeat(32_000), "\"\",".repeat(10_000));
        assert_eq!(cut_json_texts(wide.as_bytes(), &[]).len(), 10_000);
    }

    #[test]
    fn credentials_never_reach_an_alert() {
        let body = br#"{"email":"a@b.c","password":"hunter2 wire transfer","Client-Secret":"s1",
            "auth":{"refresh_token":"r1"},"pin":"1234","note":"wire transfer"}"#;
        assert_eq!(
            json_texts(body, &[]).unwrap(),
            vec!["a@b.c", "wire transfer"]
        );
        // JSON whose only string is a password gives nothing, not the message whole.
        assert_eq!(
            json_texts(body, &["password".into()]),
            Some(Vec::<String>::new())
        );
    }
}

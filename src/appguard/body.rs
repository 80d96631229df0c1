//! Reading just enough of a request body: the account of a login form, the strings of a
//! JSON message.

use serde_json::Value;

/// The value of `field` in a JSON object or an `application/x-www-form-urlencoded` body;
/// `Err` says why a body that is neither could not be read. A login the edge cannot read
/// must not reach the app: nested past serde's depth limit, behind a byte-order mark or in
/// UTF-16, a body the app parses would hide its account from the lockout.
pub fn field(
    body: &[u8],
    content_type: Option<&str>,
    field: &str,
) -> Result<Option<String>, String> {
    let is_form = content_type.is_some_and(|c| {
        c.trim_start()
            .get(..33)
            .is_some_and(|t| t.eq_ignore_ascii_case("application/x-www-form-urlencoded"))
    });
    if is_form {
        let text = std::str::from_utf8(body).map_err(|_| "the form is not UTF-8".to_string())?;
        return Ok(text.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            let k = percent_encoding::percent_decode_str(&k.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned();
            (k == field).then(|| {
                percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            })
        }));
    }
    if body.trim_ascii().is_empty() {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(match map.get(field) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }),
        Ok(_) => Ok(None),
        Err(e) => Err(format!(
            "the body is neither a form nor JSON the edge can read ({e})"
        )),
    }
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

/// The strings of a WebSocket message: a JSON message's, as [`json_texts`] gives them, also
/// behind a socket.io packet prefix (`42["event",{...}]`, `42/chat,7[...]`); a message that
/// is no JSON at all is text as a person wrote it.
pub fn ws_texts(message: &str, fields: &[String]) -> Vec<String> {
    if let Some(texts) = json_texts(message.as_bytes(), fields) {
        return texts;
    }
    let payload = socket_io_payload(message);
    if payload.len() < message.len() {
        if let Some(texts) = json_texts(payload.as_bytes(), fields) {
            return texts;
        }
    }
    vec![message.to_owned()]
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

fn collect(v: &Value, fields: &[String], key: Option<&str>, out: &mut Vec<String>) {
    if key.is_some_and(is_credential_key) {
        return;
    }
    match v {
        Value::String(s)
            if fields.is_empty() || key.is_some_and(|k| fields.iter().any(|f| f == k)) =>
        {
            out.push(s.clone())
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, fields, key, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| collect(x, fields, Some(k), out)),
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
            assert_eq!(ws_texts(m, none), vec!["login"], "{m}");
        }
        assert_eq!(
            ws_texts("hola, necesito ayuda", none),
            vec!["hola, necesito ayuda"]
        );
        assert_eq!(ws_texts("3probe", none), vec!["3probe"]);
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

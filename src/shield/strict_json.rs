//! Bodies parsed with duplicate keys refused: a request's, and a provider's answer (which
//! is then read whole instead).
//!
//! serde_json keeps the last of two equal keys; other readers keep the first (gjson,
//! RapidJSON, simdjson on demand). A body that says `"messages"` twice would be scanned in
//! one reading and, forwarded as it came, read by such a provider in the other. Refusing the
//! body is the only answer that leaves no second reading.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// `raw` as a [`Value`], or the parse error; a key written twice in one object is an error
/// that names it, with serde_json's line and column.
pub fn parse(raw: &[u8]) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let v = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// Builds a [`Value`] as serde_json does, but fails on a repeated key.
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        // JSON has no NaN or infinity, so serde_json never hands one over.
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key {key:?} appears twice in one object; providers differ in which one they read"
                )));
            }
            let v = map.next_value_seed(Strict)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_as_serde_json_does() {
        let raw = br#"{"model":"m","n":-3,"t":0.7,"big":18446744073709551615,"x":[true,null,"\u00f1\n",{}],"e":1e400}"#;
        let serde: Result<serde_json::Value, _> = serde_json::from_slice(raw);
        // 1e400 is out of range for both.
        assert!(serde.is_err() && parse(raw).is_err());
        let raw = br#"{"model":"m","n":-3,"t":0.7,"big":18446744073709551615,"x":[true,null,"\u00f1\n",{}]}"#;
        assert_eq!(
            parse(raw).unwrap(),
            serde_json::from_slice::<serde_json::Value>(raw).unwrap()
        );
        assert!(parse(b"{} x").is_err(), "trailing characters");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(
            parse(deep.as_bytes()).is_err(),
            "serde_json's depth limit holds"
        );
    }

    #[test]
    fn a_key_written_twice_is_refused_at_any_depth_and_named() {
        let top = br#"{"messages":[{"role":"user","content":"key"}],"messages":[]}"#;
        let e = parse(top).unwrap_err().to_string();
        assert!(
            e.contains("\"messages\" appears twice") && e.contains("column"),
            "{e}"
        );
        let inner = br#"{"messages":[{"type":"text","text":"a","te\u0078t":"b"}]}"#;
        assert!(parse(inner).unwrap_err().to_string().contains("\"text\""));
        // The same key in sibling objects is no repeat.
        assert!(parse(br#"[{"a":1},{"a":2}]"#).is_ok());
    }
}

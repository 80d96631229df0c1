//! Documents attached to a prompt as data URLs (`data:text/csv;base64,…`): which ones are
//! text the scan can read, their text, and the URL they go out as once redacted.
//!
//! Strict on purpose: a text document is read in UTF-8 or the charset it declares (or its
//! byte-order mark), and one that cannot be read so is refused, not passed. A lenient
//! reading (invalid bytes replaced, a guessed charset) would scan a different text from
//! the one the provider reads: a byte inside a key would hide the key from us, not from it.

use base64::Engine;

/// How a `file_data` value reads.
#[derive(Debug, PartialEq)]
pub enum Document {
    /// Not a text media type (a PDF, an image, an office file), or not a data URL at all.
    NotText,
    /// Text: the media type as declared (lower-cased), the decoded text, and whether it
    /// came as UTF-8 in standard base64 (any other reading may not be the provider's).
    Text {
        media_type: String,
        text: String,
        plain: bool,
    },
    /// Declares a text media type, but its bytes are not text in UTF-8 or the charset it
    /// names: broken base64, invalid bytes, NULs (UTF-16 without a byte-order mark).
    Unreadable,
}

/// Base64 as senders write it: padding optional, trailing bits ignored (Python, Node and
/// Go accept both), whitespace and the URL-safe alphabet handled before decoding.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Reads a `file_data` value.
pub fn read(data: &str) -> Document {
    let Some((head, payload)) = data.split_once(',') else {
        return Document::NotText;
    };
    let Some(params) = head
        .get(..5)
        .filter(|h| h.eq_ignore_ascii_case("data:"))
        .map(|_| &head[5..])
    else {
        return Document::NotText;
    };
    let mut params = params.split(';').map(str::trim);
    let media_type = params.next().unwrap_or("").to_ascii_lowercase();
    if !is_text_media_type(&media_type) {
        return Document::NotText;
    }
    let (mut base64, mut charset, mut others) = (false, None, 0);
    for p in params {
        if p.eq_ignore_ascii_case("base64") {
            base64 = true;
            continue;
        }
        match p.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
                // Two different charsets: which one a provider follows is anyone's guess.
                let v = v.trim().trim_matches('"');
                if charset
                    .replace(v)
                    .is_some_and(|c| !c.eq_ignore_ascii_case(v))
                {
                    return Document::Unreadable;
                }
            }
            _ => others += 1,
        }
    }
    // Plain: `data:TYPE[;charset=utf-8];base64,` and standard base64, nothing else.
    let standard = base64
        && others == 0
        && charset.is_none_or(|c| c.eq_ignore_ascii_case("utf-8"))
        && payload.len() % 4 == 0
        && payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    let bytes = if base64 {
        let clean: Vec<u8> = payload
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| match b {
                b'-' => b'+',
                b'_' => b'/',
                b => b,
            })
            .collect();
        match BASE64.decode(clean) {
            Ok(b) => b,
            Err(_) => return Document::Unreadable,
        }
    } else {
        percent_encoding::percent_decode_str(payload).collect()
    };
    match decode(&bytes, charset) {
        Some((text, utf8)) if !text.contains('\0') => Document::Text {
            media_type,
            text,
            plain: standard && utf8,
        },
        _ => Document::Unreadable,
    }
}

/// The text of `bytes`, and whether it was UTF-8 without a byte-order mark: in the
/// encoding of its byte-order mark, else the declared charset, else UTF-8; `None` where a
/// byte does not decode or the charset is unknown.
fn decode(bytes: &[u8], charset: Option<&str>) -> Option<(String, bool)> {
    let (encoding, bom) = match encoding_rs::Encoding::for_bom(bytes) {
        Some(found) => found,
        None => match charset {
            Some(label) => (encoding_rs::Encoding::for_label(label.as_bytes())?, 0),
            None => (encoding_rs::UTF_8, 0),
        },
    };
    let text = encoding.decode_without_bom_handling_and_without_replacement(&bytes[bom..])?;
    Some((
        text.into_owned(),
        encoding == encoding_rs::UTF_8 && bom == 0,
    ))
}

/// The data URL that carries `text` as `media_type`: always base64 in UTF-8, whatever
/// the original's encoding, since a placeholder may not fit its charset.
pub fn data_url(media_type: &str, text: &str) -> String {
    let mut out = format!("data:{media_type};charset=utf-8;base64,");
    BASE64.encode_string(text, &mut out);
    out
}

/// Media types whose documents are plain text: `text/*`, JSON, XML, YAML and the source
/// and data formats chat clients attach. No media type means text (RFC 2397).
fn is_text_media_type(mime: &str) -> bool {
    mime.is_empty()
        || mime.starts_with("text/")
        || mime.ends_with("+json")
        || mime.ends_with("+xml")
        || matches!(
            mime,
            "application/json"
                | "application/x-ndjson"
                | "application/jsonl"
                | "application/xml"
                | "application/yaml"
                | "application/x-yaml"
                | "application/toml"
                | "application/csv"
                | "application/sql"
                | "application/graphql"
                | "application/javascript"
                | "application/x-javascript"
                | "application/typescript"
                | "application/x-sh"
                | "application/x-httpd-php"
                | "application/x-python"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Option<String> {
        match read(s) {
            Document::Text { text, .. } => Some(text),
            _ => None,
        }
    }

    #[test]
    fn text_is_read_however_senders_encode_it() {
        for (url, want) in [
            ("data:text/plain;base64,aGk=", "hi"),
            ("DATA:Application/JSON;base64,e30=", "{}"),
            ("data:;base64,aGk", "hi"),
            ("data:application/vnd.api+json;base64,e30=", "{}"),
            // Trailing bits set (`aGl=`), as Python's and Node's decoders accept.
            ("data:text/plain;base64,aGl=", "hi"),
            // Wrapped at 4 columns, URL-safe alphabet (`-` for `+`): "hi>>?" is aGk+Pj8=.
            ("data:text/plain;base64,aGk-\r\nPj8=", "hi>>?"),
            ("data:text/plain,hi%20there", "hi there"),
            (
                "data:text/plain;charset=utf-8;charset=UTF-8;base64,aGk=",
                "hi",
            ),
            // Latin-1 declared; UTF-16 with its byte-order mark.
            ("data:text/csv;charset=ISO-8859-1;base64,Sm9z6Q==", "José"),
            ("data:text/plain;base64,//5oAGkA", "hi"),
        ] {
            assert_eq!(text(url).as_deref(), Some(want), "{url}");
        }
        assert_eq!(
            read("data:Text/CSV;charset=UTF-8;base64,YQ=="),
            Document::Text {
                media_type: "text/csv".into(),
                text: "a".into(),
                plain: true,
            }
        );
        // Anything else is not plain: the provider may read it otherwise.
        for url in [
            "data:text/plain;base64,aGk",
            "data:text/plain;base64,aGk-Pj8=",
            "data:text/plain,hi",
            "data:text/plain;base64,//5oAGkA",
            "data:text/plain;charset=latin1;base64,aGk=",
            "data:text/plain;charset=utf8;base64,aGk=",
            "data:text/plain;name=a.txt;base64,aGk=",
        ] {
            assert!(
                matches!(read(url), Document::Text { plain: false, .. }),
                "{url}"
            );
        }
    }

    #[test]
    fn text_that_does_not_decode_is_unreadable_and_other_files_are_not_text() {
        for url in [
            "data:text/plain;base64,not base64!",
            // Invalid UTF-8 (a byte that would hide a key from us but not the provider).
            "data:text/plain;base64,QUtJQf9R",
            // UTF-16 without a byte-order mark: valid UTF-8 full of NULs.
            "data:text/plain;base64,aABpAA==",
            "data:text/plain;charset=x-unknown;base64,aGk=",
            "data:text/plain;charset=utf-8;charset=utf-16le;base64,aGk=",
        ] {
            assert_eq!(read(url), Document::Unreadable, "{url}");
        }
        for url in [
            "data:image/png;base64,aGk=",
            "data:application/pdf;base64,JVBERi0=",
            "https://example.com/a.txt",
            "file-abc123",
        ] {
            assert_eq!(read(url), Document::NotText, "{url}");
        }
    }

    #[test]
    fn a_rewritten_document_goes_out_as_utf8_base64() {
        let url = data_url("text/csv", "José,<EMAIL_1>");
        assert!(
            url.starts_with("data:text/csv;charset=utf-8;base64,"),
            "{url}"
        );
        assert_eq!(text(&url).as_deref(), Some("José,<EMAIL_1>"));
    }
}

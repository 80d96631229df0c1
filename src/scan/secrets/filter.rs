//! What turns a regex match into a finding: placeholders, entropy and per-rule checks.
//!
//! Documentation is full of key-shaped strings (`AKIAIOSFODNN7EXAMPLE`, `YOUR_API_KEY`,
//! `sk-xxxxxxxx`, `${DB_PASSWORD}`); prompts quote documentation all day, so a finding on one
//! would teach tenants to ignore the detector. The placeholder list is data
//! (`data/placeholders.txt`), matched as lowercase substrings of the secret value.

use aho_corasick::AhoCorasick;
use base64::Engine as _;

use super::super::error::ScanError;

const PLACEHOLDERS: &str = include_str!("../data/placeholders.txt");

/// Extra validation some built-in rules need beyond their regex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Nothing beyond regex, entropy and placeholders.
    None,
    /// `sk-` keys: not an Anthropic key, and mixed case with a digit like every real key.
    OpenAi,
    /// A JWT whose header decodes to a JSON object naming an `alg`.
    Jwt,
    /// A PEM block with a real body (at least 64 base64 characters).
    Pem,
    /// A password in a URL or a connection string: not a template or a dummy word.
    Password,
    /// A generic assignment: looks like a credential, not like code or a type name.
    Generic,
    /// Base64 of `user:password` with a password that is not a dummy word.
    UserPass,
    /// Base64 of a PEM block whose header names a private key (not a certificate).
    PemBase64,
}

pub(crate) struct Placeholders {
    /// The lowercase needles in one automaton: a `contains` per needle built a substring
    /// searcher each time, fifty per candidate secret, which showed on documents with
    /// thousands of candidates.
    needles: AhoCorasick,
    /// Per needle: a run of one filler character (`xxxx`, `****`), which a long random
    /// value also holds now and then (about one RSA key body in a thousand has `xXXx`).
    filler: Vec<bool>,
}

impl Placeholders {
    pub(crate) fn new() -> Result<Self, ScanError> {
        let needles: Vec<String> = PLACEHOLDERS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect();
        let filler = needles
            .iter()
            .map(|n| n.bytes().all(|b| Some(b) == n.bytes().next()))
            .collect();
        let needles =
            AhoCorasick::new(&needles).map_err(|e| ScanError::builtin("placeholders", e))?;
        Ok(Placeholders { needles, filler })
    }

    /// Whether `value` is a documented placeholder, a template reference or filler. A
    /// filler run counts only where filler is a quarter of the value or more
    /// (`sk-proj-xxxx1234`), not inside a key that happens to hold one.
    pub(crate) fn is_placeholder(&self, value: &str) -> bool {
        let lower = value.to_lowercase();
        // Filler of the run's own character (`x`, `*`, `.`, `0`).
        let mostly = |fill: u8| lower.bytes().filter(|&b| b == fill).count() * 4 >= lower.len();
        if self
            .needles
            .find_overlapping_iter(&lower)
            .any(|m| !self.filler[m.pattern().as_usize()] || mostly(lower.as_bytes()[m.start()]))
        {
            return true;
        }
        let distinct = {
            let mut seen = [false; 256];
            value
                .bytes()
                .filter(|&b| !std::mem::replace(&mut seen[usize::from(b)], true))
                .count()
        };
        distinct <= 3 || is_run(value.as_bytes())
    }
}

/// `123456789`, `abcdefgh`: ascending runs are filler.
fn is_run(b: &[u8]) -> bool {
    b.len() >= 6 && b.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
}

/// Applies `check`; returns the length of the secret to keep (trailing punctuation dropped).
pub(crate) fn check(check: Check, value: &str, quoted: bool) -> Option<usize> {
    match check {
        Check::None => Some(value.len()),
        Check::OpenAi => {
            let body = value.get(3..).unwrap_or("");
            let ok = !value.starts_with("sk-ant-")
                && body.bytes().any(|b| b.is_ascii_digit())
                && body.bytes().any(|b| b.is_ascii_uppercase())
                && body.bytes().any(|b| b.is_ascii_lowercase());
            ok.then_some(value.len())
        }
        Check::Jwt => jwt(value).then_some(value.len()),
        Check::Pem => {
            // The text between the `-----BEGIN …-----` and `-----END …-----` markers (the even
            // pieces between runs of dashes), so a key written on one line with `\n` escapes
            // (a service-account JSON, a `.env` value) has a body too.
            let body = value
                .split("-----")
                .step_by(2)
                .collect::<String>()
                .replace("\\n", "\n")
                .replace("\\r", "");
            let b64 = body
                .bytes()
                .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
                .count();
            (b64 >= 64 && !body.contains("...")).then_some(value.len())
        }
        Check::Password => password(value),
        Check::Generic => generic(value, quoted),
        Check::UserPass => user_pass(value).then_some(value.len()),
        Check::PemBase64 => pem_base64(value).then_some(value.len()),
    }
}

/// Whether base64 `value` opens with a private key's PEM header: the first 64 characters
/// decode to `-----BEGIN … PRIVATE KEY` (RSA, EC, OpenSSH, PKCS#8, encrypted, PGP).
fn pem_base64(value: &str) -> bool {
    let head = value.get(..64).unwrap_or(value);
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(head) else {
        return false;
    };
    let header = raw
        .strip_prefix(b"-----BEGIN ")
        .and_then(|h| h.split(|&c| c == b'-').next())
        .unwrap_or_default();
    header.ends_with(b"PRIVATE KEY") || header.ends_with(b"PRIVATE KEY BLOCK")
}

/// Registry files keep logins as `base64(user:password)`, which reads as a random string
/// but is the password in the clear to anyone who decodes it.
fn user_pass(value: &str) -> bool {
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(value) else {
        return false;
    };
    let Ok(pair) = std::str::from_utf8(&raw) else {
        return false;
    };
    match pair.split_once(':') {
        Some((user, pass)) => !user.is_empty() && password(pass).is_some(),
        None => false,
    }
}

/// `postgres://postgres:postgres@db`, `redis://default:default@cache`: a login whose
/// password repeats its user name is a well-known default, and as a finding it would
/// hide every other "postgres" in the text (found values are searched for again).
pub(crate) fn repeats_user(before: &str, value: &str) -> bool {
    before
        .strip_suffix(':')
        .and_then(|b| b.strip_suffix(value))
        .is_some_and(|b| b.ends_with("//"))
}

/// Key names that hold a secret's name, id, type or location rather than the secret
/// (`secret_name: prod/db/credentials`, `token_type=bearer`), and .NET's public
/// `PublicKeyToken=b03f5f7f11d50a3a`, which every assembly-load error prints.
pub(crate) fn names_no_secret(assignment: &str) -> bool {
    let key = assignment
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    // Settings about a secret rather than holding one (`password_hasher: bcrypt_sha256`,
    // `token_cache: ~/.cache/…`, `<passwordPolicy>`) name it the same way.
    const SUFFIXES: &[&str] = &[
        "name",
        "id",
        "arn",
        "type",
        "url",
        "uri",
        "endpoint",
        "path",
        "file",
        "length",
        "len",
        "ttl",
        "expiry",
        "header",
        "policy",
        "hasher",
        "provider",
        "cache",
        "store",
        "backend",
        "field",
        "hint",
        "format",
        "manager",
        "strategy",
        "algorithm",
    ];
    key.ends_with("publickeytoken")
        || key.ends_with("tokenizer")
        || SUFFIXES.iter().any(|s| {
            key.strip_suffix(s).is_some_and(|k| {
                k.ends_with(['_', '-', '.'])
                    || k.ends_with("secret")
                    || k.ends_with("token")
                    || k.ends_with("key")
                    || k.ends_with("password")
                    || k.ends_with("credentials")
            })
        })
}

fn jwt(value: &str) -> bool {
    let mut parts = value.split('.');
    let (Some(h), Some(_p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let sig = parts.next().unwrap_or("");
    let Ok(header) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(h.trim_end_matches('='))
    else {
        return false;
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&header) else {
        return false;
    };
    let Some(alg) = json.get("alg").and_then(|a| a.as_str()) else {
        return false;
    };
    alg.eq_ignore_ascii_case("none") || sig.len() >= 16
}

/// Sentence punctuation after an unquoted value; `!` and `?` stay, passwords use them.
fn trim_trailing(value: &str) -> &str {
    value.trim_end_matches(['.', ',', ';', ':', ')', ']', '}', '"', '\'', '`'])
}

fn password(value: &str) -> Option<usize> {
    let v = trim_trailing(value);
    let lower = v.to_lowercase();
    let dummy = [
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "user",
        "username",
        "usuario",
        "contraseña",
        "contrasena",
        "clave",
        "root",
        "admin",
        "test",
        "guest",
        "x",
        "xx",
        "xxx",
    ];
    if v.len() < 3
        || dummy.contains(&lower.as_str())
        || v.starts_with('$')
        || v.starts_with('%')
        || v.starts_with('{')
        || v.starts_with('<')
    {
        return None;
    }
    Some(v.len())
}

/// How a reference to configuration or a variable starts (`self.api_key`, `os.environ[...]`):
/// code that names a secret, not the secret.
const CODE_PREFIXES: [&str; 16] = [
    "self.",
    "this.",
    "config.",
    "settings.",
    "os.",
    "process.",
    "env.",
    "request.",
    "req.",
    "params.",
    "args.",
    "options.",
    "ctx.",
    "secrets.",
    "vars.",
    "props.",
];

fn generic(value: &str, quoted: bool) -> Option<usize> {
    // In a URL's query the next parameter starts at `&name=`: `?api_key=…&format=json`.
    // Between quotes `&x=` is part of the literal (Django's alphabet has both).
    let next_parameter = if quoted {
        None
    } else {
        value.match_indices('&').find(|&(i, _)| {
            let rest = &value.as_bytes()[i + 1..];
            let name = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            name > 0 && rest.get(name) == Some(&b'=')
        })
    };
    let v = match next_parameter {
        Some((i, _)) => &value[..i],
        None => value,
    };
    let v = if quoted { v } else { trim_trailing(v) };
    if v.len() < 6 {
        return None;
    }
    let code_like = (!quoted && (v.contains('(') || v.contains(')')))
        || v.ends_with("()")
        || v.starts_with('{')
        || v.starts_with('$')
        || v.starts_with('%')
        || v.starts_with('@')
        || v.starts_with('&')
        || v.starts_with('*')
        || v.contains("::")
        || v.contains("->")
        // A link (`password reset link is https://…`); one with credentials in it is the
        // connection-string rule's.
        || v.contains("://")
        || {
            // Lowercased once, not once per prefix.
            let lower = v.to_lowercase();
            CODE_PREFIXES.iter().any(|p| lower.starts_with(p))
        };
    if code_like {
        return None;
    }
    let lower = v.bytes().any(|b| b.is_ascii_lowercase());
    let upper = v.bytes().any(|b| b.is_ascii_uppercase());
    let digit = v.bytes().any(|b| b.is_ascii_digit());
    let symbol = v.bytes().any(|b| !b.is_ascii_alphanumeric());
    let classes = [lower, upper, digit, symbol].iter().filter(|&&x| x).count();
    // Identifiers: snake_case, kebab-case, dotted.names and CamelCase are names, not secrets.
    let identifier = v
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.'))
        && !digit;
    if identifier || classes < 2 || !(digit || symbol && (upper || lower) && v.len() >= 10) {
        return None;
    }
    Some(v.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_that_hold_no_secret() {
        for k in [
            "secret_name: ",
            "AWS_SECRET_ID=",
            "token_type=",
            "private_key_path = ",
            "Culture=neutral, PublicKeyToken=",
            "secretName: ",
        ] {
            assert!(names_no_secret(k), "{k}");
        }
        for k in [
            "password = ",
            "DB_PASSWORD=",
            "api_key: ",
            "client_secret=",
            "token: ",
        ] {
            assert!(!names_no_secret(k), "{k}");
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        let p = Placeholders::new().unwrap();
        for v in [
            "AKIAIOSFODNN7EXAMPLE",
            "YOUR_API_KEY",
            "sk-xxxxxxxxxxxxxxxxxxxx",
            "${DB_PASSWORD}",
            "<your-token>",
            "aaaaaaaaaaaa",
            "123456789",
        ] {
            assert!(p.is_placeholder(v), "{v}");
        }
        assert!(p.is_placeholder("sk-proj-xxxx1234"));
        assert!(p.is_placeholder("Pass0000000000"));
        for v in [
            "ghp_R8k2Lq9ZmV4tX7wP1nB6cY3dF5gH0jKsAe",
            "S3cr3tP@ss!",
            // A random key body that holds a filler run.
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7xXXxq2Lm9Rt4Vb8Nk3Pz",
        ] {
            assert!(!p.is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn checks() {
        assert_eq!(
            check(
                Check::OpenAi,
                "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789",
                false
            ),
            None
        );
        assert!(check(
            Check::OpenAi,
            "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
            false
        )
        .is_some());
        assert_eq!(
            check(Check::OpenAi, "sk-learn-contrib-project-templates", false),
            None
        );
        assert_eq!(check(Check::Password, "${PASS}", false), None);
        assert_eq!(check(Check::Password, "Tr0ub4dor&3", false), Some(11));
        assert_eq!(check(Check::Generic, "get_password()", false), None);
        assert_eq!(check(Check::Generic, "PasswordField", false), None);
        assert_eq!(check(Check::Generic, "hunter22.", false), Some(8));
        assert_eq!(check(Check::Generic, "IbOZWJsZgfCoL6!", false), Some(15));
        // Between quotes a value is a literal, parentheses and all; a URL's next parameter
        // is not part of the value.
        let django = "6g)k7zx5_b4ct-$@@z^kk6oa)m89oz6w!w3r&9#_ay=6i7)9n1";
        assert_eq!(check(Check::Generic, django, true), Some(django.len()));
        assert_eq!(check(Check::Generic, django, false), None);
        assert_eq!(
            check(
                Check::Generic,
                "C3J27XDCG2LmlZGEONYlgCtjfIZ4SOcM&format=json",
                false
            ),
            Some(32)
        );
        assert_eq!(check(Check::Generic, "Tr0ub4dor&3xyz", false), Some(14));
        let quoted = "k7#zx5&ab=6i7)9n1w!w3r";
        assert_eq!(check(Check::Generic, quoted, true), Some(quoted.len()));
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"alg":"HS256","typ":"JWT"}"#);
        assert!(check(
            Check::Jwt,
            &format!("{header}.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl"),
            false
        )
        .is_some());
        assert!(check(
            Check::Jwt,
            "eyJub3Rqc29u.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl",
            false
        )
        .is_none());
    }
}

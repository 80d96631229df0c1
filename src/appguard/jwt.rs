//! JWT verification at the edge, per route.
//!
//! The token is taken from `Authorization: Bearer`, a named cookie, or (for WebSocket
//! clients that cannot set headers) the `access_token` query parameter, in that order.
//! Signatures are checked with `jsonwebtoken` (HS256, RS256, ES256) against keys from the
//! configuration or a JWKS file; `exp`, `nbf`, `iss` and `aud` are checked with a small
//! leeway. `alg: none` and any algorithm not configured for the key are refused: the
//! algorithm is taken from our key list, never from the token.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;

use crate::config::source::Diagnostics;
use crate::config::units::Dur;

#[derive(Debug, Deserialize)]
pub struct RawJwt {
    /// Inline keys: `{alg: HS256, secret: ...}`, `{alg: RS256|ES256, public_key: PEM or path}`.
    #[serde(default)]
    pub keys: Vec<RawJwtKey>,
    /// A JWKS file (RFC 7517), keys chosen by `kid`.
    #[serde(default)]
    pub jwks_file: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default = "d_leeway")]
    pub leeway: Dur,
    /// Cookie that may carry the token.
    #[serde(default)]
    pub cookie: Option<String>,
    /// Accept `?access_token=` (for WebSocket clients); on by default only for upgrades.
    #[serde(default)]
    pub query_param: Option<bool>,
    /// Claim → request header for the upstream, e.g. `sub: X-User-Id`.
    #[serde(default = "d_forward")]
    pub forward_claims: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct RawJwtKey {
    pub alg: String,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub public_key: Option<String>,
    #[serde(default)]
    pub kid: Option<String>,
}

fn d_leeway() -> Dur {
    Dur(Duration::from_secs(30))
}

fn d_forward() -> BTreeMap<String, String> {
    BTreeMap::from([("sub".to_string(), "x-user-id".to_string())])
}

struct Key {
    kid: Option<String>,
    alg: Algorithm,
    key: DecodingKey,
}

/// A route's verifier, built once from configuration.
pub struct JwtVerifier {
    keys: Vec<Key>,
    /// JWKS keys left out, and why, for `check` to print.
    pub skipped: Vec<String>,
    issuer: Option<String>,
    audience: Vec<String>,
    leeway: u64,
    pub cookie: Option<String>,
    pub query_param: Option<bool>,
    /// (claim, lower-cased header name) pairs.
    pub forward: Vec<(String, http::HeaderName)>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("keys", &self.keys.len())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

/// Why a token was refused; the label of `securetag_jwt_rejections_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    Missing,
    Malformed,
    Algorithm,
    UnknownKey,
    Signature,
    Expired,
    NotYetValid,
    Issuer,
    Audience,
}

impl Reject {
    pub fn as_str(self) -> &'static str {
        match self {
            Reject::Missing => "missing",
            Reject::Malformed => "malformed",
            Reject::Algorithm => "algorithm",
            Reject::UnknownKey => "unknown_key",
            Reject::Signature => "signature",
            Reject::Expired => "expired",
            Reject::NotYetValid => "not_yet_valid",
            Reject::Issuer => "issuer",
            Reject::Audience => "audience",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Reject::Missing => "a bearer token is required",
            Reject::Malformed => "the token is not a well-formed JWT",
            Reject::Algorithm => "the token's algorithm is not accepted",
            Reject::UnknownKey => "the token was signed by an unknown key",
            Reject::Signature => "the token's signature is invalid",
            Reject::Expired => "the token has expired",
            Reject::NotYetValid => "the token is not valid yet",
            Reject::Issuer => "the token's issuer is not accepted",
            Reject::Audience => "the token's audience is not accepted",
        }
    }
}

fn parse_alg(s: &str) -> Option<Algorithm> {
    match s {
        "HS256" => Some(Algorithm::HS256),
        "RS256" => Some(Algorithm::RS256),
        "ES256" => Some(Algorithm::ES256),
        _ => None,
    }
}

/// A JWKS file, its keys read one by one: one this edge cannot use does not spoil the rest.
#[derive(Deserialize)]
struct JwksFile {
    keys: Vec<Value>,
}

/// One key of a JWKS file, when it is a signing key of an algorithm this edge verifies.
fn jwks_key(v: &Value) -> Result<Key, String> {
    use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm};
    if let Some(u) = v.get("use").and_then(Value::as_str).filter(|u| *u != "sig") {
        return Err(format!("its use is {u:?}, not \"sig\""));
    }
    // serde's message may quote a field's value (an `alg`, a mistyped `x5c`), never key
    // material, which sits in an untagged enum.
    let jwk = Jwk::deserialize(v).map_err(|e| format!("unreadable: {e}"))?;
    // `alg` is optional in a JWK; the key type then implies ours.
    let alg = match (jwk.common.key_algorithm, &jwk.algorithm) {
        (Some(KeyAlgorithm::HS256), _) => Algorithm::HS256,
        (Some(KeyAlgorithm::RS256), _) => Algorithm::RS256,
        (Some(KeyAlgorithm::ES256), _) => Algorithm::ES256,
        (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
        (None, AlgorithmParameters::EllipticCurve(ec)) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        (None, AlgorithmParameters::OctetKey(_)) => Algorithm::HS256,
        _ => return Err("not an HS256, RS256 or ES256 key".to_owned()),
    };
    // The error's text may quote the key material (a base64 symbol and its offset).
    let key =
        DecodingKey::from_jwk(&jwk).map_err(|_| "its key material is not valid".to_owned())?;
    Ok(Key {
        kid: jwk.common.key_id.clone(),
        alg,
        key,
    })
}

impl JwtVerifier {
    /// Builds a verifier; problems are reported under `key` (`routes[i].jwt`).
    pub(crate) fn build(
        raw: &RawJwt,
        key: &str,
        base: &std::path::Path,
        d: &mut Diagnostics,
    ) -> Option<JwtVerifier> {
        let mut keys = Vec::new();
        for (i, k) in raw.keys.iter().enumerate() {
            let kk = format!("{key}.keys[{i}]");
            let Some(alg) = parse_alg(&k.alg) else {
                d.error(
                    format!("{kk}.alg"),
                    format!("{:?} is not supported; use HS256, RS256 or ES256", k.alg),
                );
                continue;
            };
            let decoding = match alg {
                Algorithm::HS256 => match &k.secret {
                    Some(s) if s.len() >= 32 => Ok(DecodingKey::from_secret(s.as_bytes())),
                    Some(_) => Err("an HS256 secret must be at least 32 bytes".to_string()),
                    None => Err("HS256 needs secret".to_string()),
                },
                _ => match &k.public_key {
                    None => Err(format!(
                        "{} needs public_key (PEM text or a file path)",
                        k.alg
                    )),
                    Some(pk) => {
                        let pem = if pk.contains("-----BEGIN") {
                            Ok(pk.clone().into_bytes())
                        } else {
                            std::fs::read(crate::config::resolve_path(base, pk))
                                .map_err(|e| format!("cannot read {pk}: {e}"))
                        };
                        pem.and_then(|pem| {
                            let r = if alg == Algorithm::RS256 {
                                DecodingKey::from_rsa_pem(&pem)
                            } else {
                                DecodingKey::from_ec_pem(&pem)
                            };
                            r.map_err(|e| format!("not a {} public key in PEM: {e}", k.alg))
                        })
                    }
                },
            };
            match decoding {
                Ok(dk) => keys.push(Key {
                    kid: k.kid.clone(),
                    alg,
                    key: dk,
                }),
                Err(e) => d.error(kk, e),
            }
        }
        let mut skipped = Vec::new();
        if let Some(path) = &raw.jwks_file {
            let p = crate::config::resolve_path(base, path);
            match std::fs::read_to_string(&p)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<JwksFile>(&t).map_err(|e| e.to_string()))
            {
                Ok(set) => {
                    let found = set.keys.len();
                    for (i, jwk) in set.keys.iter().enumerate() {
                        match jwks_key(jwk) {
                            Ok(k) => keys.push(k),
                            Err(why) => skipped.push(format!(
                                "{key}.jwks_file: {} key {i}{}: {why}; it is skipped",
                                p.display(),
                                jwk.get("kid")
                                    .and_then(|k| k.as_str())
                                    .map(|k| format!(" (kid {k:?})"))
                                    .unwrap_or_default()
                            )),
                        }
                    }
                    // An identity provider publishes keys for other uses (encryption) and
                    // other algorithms beside the signing key (RFC 7517 §5: ignored); a
                    // file with no key this edge can use is an error.
                    if found > 0 && skipped.len() == found {
                        d.error(
                            format!("{key}.jwks_file"),
                            format!(
                                "{}: no signing key with a supported alg (HS256, RS256, ES256)",
                                p.display()
                            ),
                        );
                    }
                }
                Err(e) => d.error(
                    format!("{key}.jwks_file"),
                    format!("cannot load {}: {e}", p.display()),
                ),
            }
        }
        if keys.is_empty() {
            d.error(
                key.to_string(),
                "at least one key (keys or jwks_file) is required",
            );
            return None;
        }
        let mut forward = Vec::new();
        for (claim, header) in &raw.forward_claims {
            match http::HeaderName::from_bytes(header.to_ascii_lowercase().as_bytes()) {
                Ok(h) => forward.push((claim.clone(), h)),
                Err(_) => d.error(
                    format!("{key}.forward_claims.{claim}"),
                    format!("{header:?} is not a header name"),
                ),
            }
        }
        Some(JwtVerifier {
            keys,
            skipped,
            issuer: raw.issuer.clone(),
            audience: raw.audience.clone(),
            leeway: raw.leeway.0.as_secs(),
            cookie: raw.cookie.clone(),
            query_param: raw.query_param,
            forward,
        })
    }

    /// Builds a verifier from the YAML of one `jwt:` block, for tools and benchmarks.
    pub fn from_yaml(text: &str) -> Result<JwtVerifier, String> {
        let raw: RawJwt = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let file = std::path::Path::new("<jwt>");
        let mut d = Diagnostics::new(file, text);
        let v = Self::build(&raw, "jwt", file, &mut d);
        match (v, d.errors.is_empty()) {
            (Some(v), true) => Ok(v),
            _ => Err(d
                .errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")),
        }
    }

    /// Verifies `token`; returns its claims.
    pub fn verify(&self, token: &str) -> Result<serde_json::Map<String, Value>, Reject> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidAlgorithmName => Reject::Algorithm,
            _ => Reject::Malformed,
        })?;
        let candidates: Vec<&Key> = self
            .keys
            .iter()
            .filter(|k| k.alg == header.alg)
            .filter(|k| match (&header.kid, &k.kid) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            })
            .collect();
        if candidates.is_empty() {
            return Err(if self.keys.iter().any(|k| k.alg == header.alg) {
                Reject::UnknownKey
            } else {
                Reject::Algorithm
            });
        }
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        // jsonwebtoken checks `iss` and `aud` only when the token has them: a configured
        // issuer or audience must also make the claim required, or leaving it out passes.
        validation.required_spec_claims = ["exp".to_string()].into_iter().collect();
        match &self.issuer {
            Some(i) => {
                validation.set_issuer(&[i]);
                validation.required_spec_claims.insert("iss".into());
            }
            None => validation.iss = None,
        }
        if self.audience.is_empty() {
            validation.validate_aud = false;
        } else {
            validation.set_audience(&self.audience);
            validation.required_spec_claims.insert("aud".into());
        }
        let mut last = Reject::Signature;
        for k in candidates {
            match jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &k.key, &validation)
            {
                Ok(data) => return Ok(data.claims),
                Err(e) => {
                    use jsonwebtoken::errors::ErrorKind as K;
                    last = match e.kind() {
                        K::InvalidSignature => Reject::Signature,
                        K::ExpiredSignature => return Err(Reject::Expired),
                        K::ImmatureSignature => return Err(Reject::NotYetValid),
                        K::InvalidIssuer => return Err(Reject::Issuer),
                        K::InvalidAudience => return Err(Reject::Audience),
                        K::MissingRequiredClaim(c) if c == "iss" => return Err(Reject::Issuer),
                        K::MissingRequiredClaim(c) if c == "aud" => return Err(Reject::Audience),
                        K::MissingRequiredClaim(_) => return Err(Reject::Malformed),
                        K::InvalidAlgorithm => Reject::Algorithm,
                        _ => Reject::Malformed,
                    };
                }
            }
        }
        Err(last)
    }
}

/// The token from the request: bearer header, then cookie, then (when allowed) query.
///
/// Each carrier is read as the app's own parsers read it (Node's `cookie` trims names,
/// `URLSearchParams` decodes them); the edge then takes off every other token that does
/// not verify ([`unkept_bearer`] and the two after it), so no spelling it skipped can
/// hand the app a token nobody checked. A token in a form body (RFC 6750 §2.2) is not
/// read: routes that take one are not guarded by the edge.
pub fn token_from<'a>(
    headers: &'a http::HeaderMap,
    query: Option<&'a str>,
    cookie: Option<&str>,
    allow_query: bool,
) -> Option<Cow<'a, str>> {
    if let Some(t) = headers
        .get_all(http::header::AUTHORIZATION)
        .iter()
        .find_map(|v| bearer(v.as_bytes()))
    {
        return Some(String::from_utf8_lossy(t));
    }
    if let Some(name) = cookie {
        for h in headers.get_all(http::header::COOKIE) {
            if let Some((_, v)) =
                cookie_pairs(h.as_bytes()).find(|(k, v)| *k == name.as_bytes() && !v.is_empty())
            {
                return Some(String::from_utf8_lossy(v));
            }
        }
    }
    if allow_query {
        let query = query.unwrap_or("").as_bytes();
        if let Some(v) = query_tokens(query).find(|v| !v.is_empty()) {
            return Some(Cow::Owned(v));
        }
    }
    None
}

/// The token of a `Bearer` credential, if `value` is one, read as passport-jwt reads it
/// (`/(\S+)\s+(\S+)/` over the header Node decoded as Latin-1): the first run of non-blanks
/// is the scheme, the next one the token. U+00A0 is a blank there, so `Bearer\xA0<token>`
/// is a credential to the app and must be one to the edge.
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let words = |s: &[u8]| -> Option<(usize, usize)> {
        let start = s.iter().position(|b| !js_blank(b))?;
        let len = s[start..]
            .iter()
            .position(js_blank)
            .unwrap_or(s.len() - start);
        Some((start, start + len))
    };
    let (s0, s1) = words(value)?;
    let rest = &value[s1..];
    // The scheme must be followed by a blank, then the token.
    let (t0, t1) = words(rest).filter(|&(t0, _)| t0 > 0)?;
    value[s0..s1]
        .eq_ignore_ascii_case(b"bearer")
        .then_some(&rest[t0..t1])
}

/// What JavaScript's `\s` and `trim()` take as blank in a header Node decoded as Latin-1:
/// ASCII blanks with the vertical tab, and U+00A0 (byte 0xA0).
fn js_blank(b: &u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0xa0)
}

/// Trims what JavaScript's `trim()` trims from a header Node decoded as Latin-1. Older
/// `cookie` packages trim so.
fn js_trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !js_blank(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !js_blank(b))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// A `Cookie` line's pairs, name and value trimmed as Node's `cookie` package reads them;
/// bytes, so a line that is not UTF-8 is read too.
fn cookie_pairs(line: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    line.split(|&b| b == b';').filter_map(|pair| {
        let at = pair.iter().position(|&b| b == b'=')?;
        Some((js_trim(&pair[..at]), js_trim(&pair[at + 1..])))
    })
}

/// Decodes a query key or value as `URLSearchParams` does: `+` is a space, then `%xx`.
fn form_decode(s: &[u8]) -> String {
    let plus: Vec<u8> = s
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

/// The values of every `access_token` pair of `query`, however its name is encoded or
/// bracketed (`[access_token]` is `access_token` to Express's qs).
fn query_tokens(query: &[u8]) -> impl Iterator<Item = String> + '_ {
    query.split(|&b| b == b'&').filter_map(|pair| {
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        (super::body::qs_root(&form_decode(k)) == "access_token").then(|| form_decode(v))
    })
}

/// Whether an `Authorization` value holds a token that may not reach the app (`keep` says
/// which may: the verified one, and others that verify too): the `Bearer` token as
/// passport-jwt reads it, or any JWT-shaped run in it however it is written
/// (`Bearer<token>`, a bare token, `JWT <token>`, `Token token="<token>"`, `Bearer:<token>`),
/// which app code of its own may read as the token.
pub fn unkept_bearer(value: &[u8], keep: &dyn Fn(&[u8]) -> bool) -> bool {
    if bearer(value).is_some_and(|t| !keep(t)) {
        return true;
    }
    let token_byte = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'=');
    value
        .split(|c| !token_byte(c))
        .any(|w| jwt_shaped(w) && !keep(w))
}

/// Three (a JWS) or five (a JWE) dot-separated base64url segments, padding allowed; the
/// last may be empty (an unsigned token).
fn jwt_shaped(w: &[u8]) -> bool {
    let b64 = |s: &[u8]| {
        let body = s.strip_suffix(b"==").or(s.strip_suffix(b"=")).unwrap_or(s);
        body.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    };
    let mut parts = 0;
    for (i, p) in w.split(|&c| c == b'.').enumerate() {
        if (i < 2 && p.is_empty()) || !b64(p) {
            return false;
        }
        parts += 1;
    }
    matches!(parts, 3 | 5)
}

/// A `Cookie` line without the pairs named `name` whose token may not reach the app:
/// `None` when it has none, an empty line when nothing else is left.
pub fn cookie_line_without_unkept(
    line: &[u8],
    name: &str,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Option<Vec<u8>> {
    let unkept = |pair: &[u8]| {
        cookie_pairs(pair)
            .next()
            .is_some_and(|(k, v)| k == name.as_bytes() && !keep(v))
    };
    let pairs = || line.split(|&b| b == b';');
    if !pairs().any(unkept) {
        return None;
    }
    let kept: Vec<&[u8]> = pairs()
        .filter(|p| !unkept(p))
        .map(<[u8]>::trim_ascii)
        .filter(|p| !p.is_empty())
        .collect();
    Some(kept.join(&b"; "[..]))
}

/// A request target without the `access_token` parameters whose token may not reach the
/// app; `None` when it has none.
pub fn target_without_unkept(target: &[u8], keep: &dyn Fn(&[u8]) -> bool) -> Option<Vec<u8>> {
    let q = target.iter().position(|&b| b == b'?')?;
    let (path, query) = (&target[..q], &target[q + 1..]);
    let unkept = |pair: &&[u8]| query_tokens(pair).any(|v| !keep(v.as_bytes()));
    if !query.split(|&b| b == b'&').any(|p| unkept(&p)) {
        return None;
    }
    let kept: Vec<&[u8]> = query.split(|&b| b == b'&').filter(|p| !unkept(p)).collect();
    let mut out = path.to_vec();
    if !kept.is_empty() {
        out.push(b'?');
        out.extend_from_slice(&kept.join(&b'&'));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::json;

    const SECRET: &str = "0123456789abcdef0123456789abcdef-hs";

    fn verifier(aud: &[&str]) -> JwtVerifier {
        let raw: RawJwt = serde_yaml::from_str(&format!(
            "keys: [{{alg: HS256, secret: \"{SECRET}\"}}]\nissuer: https://auth.test\naudience: [{}]\n",
            aud.join(",")
        ))
        .unwrap();
        let mut d = Diagnostics::new(std::path::Path::new("t.yaml"), "");
        JwtVerifier::build(&raw, "jwt", std::path::Path::new("t.yaml"), &mut d).unwrap()
    }

    fn token(claims: Value) -> String {
        encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap()
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn valid_tokens_pass_and_bad_ones_say_why() {
        let v = verifier(&["app"]);
        let ok = token(
            json!({"sub": "u1", "iss": "https://auth.test", "aud": "app", "exp": now() + 60}),
        );
        assert_eq!(v.verify(&ok).unwrap()["sub"], "u1");
        let expired = token(
            json!({"sub": "u1", "iss": "https://auth.test", "aud": "app", "exp": now() - 120}),
        );
        assert_eq!(v.verify(&expired), Err(Reject::Expired));
        let within_leeway =
            token(json!({"sub": "u1", "iss": "https://auth.test", "aud": "app", "exp": now() - 5}));
        assert!(v.verify(&within_leeway).is_ok());
        let aud = token(
            json!({"sub": "u1", "iss": "https://auth.test", "aud": "other", "exp": now() + 60}),
        );
        assert_eq!(v.verify(&aud), Err(Reject::Audience));
        let iss = token(
            json!({"sub": "u1", "iss": "https://evil.test", "aud": "app", "exp": now() + 60}),
        );
        assert_eq!(v.verify(&iss), Err(Reject::Issuer));
        // A configured issuer or audience is required: leaving the claim out does not pass.
        let no_iss = token(json!({"sub": "u1", "aud": "app", "exp": now() + 60}));
        assert_eq!(v.verify(&no_iss), Err(Reject::Issuer));
        let no_aud = token(json!({"sub": "u1", "iss": "https://auth.test", "exp": now() + 60}));
        assert_eq!(v.verify(&no_aud), Err(Reject::Audience));
        let nbf = token(
            json!({"sub": "u1", "iss": "https://auth.test", "aud": "app", "exp": now() + 600, "nbf": now() + 300}),
        );
        assert_eq!(v.verify(&nbf), Err(Reject::NotYetValid));
        let mut tampered = ok.clone();
        tampered.pop();
        tampered.push(if ok.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(v.verify(&tampered), Err(Reject::Signature));
        // alg: none, hand-made.
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let none = format!(
            "{}.{}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(json!({"sub": "u1", "exp": now() + 60}).to_string())
        );
        assert!(matches!(
            v.verify(&none),
            Err(Reject::Algorithm | Reject::Malformed)
        ));
        assert_eq!(v.verify("not.a.jwt"), Err(Reject::Malformed));
    }

    /// An identity provider's JWKS holds keys for other uses and algorithms beside the
    /// signing key (Keycloak publishes an RSA-OAEP encryption key): those are skipped and
    /// named, the signing key verifies; a file with no usable key is an error.
    #[test]
    fn a_jwks_file_keeps_its_usable_keys() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let dir = std::env::temp_dir().join(format!("jwks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let oct = json!({"kty": "oct", "kid": "sig", "alg": "HS256", "k": b64.encode(SECRET)});
        let enc = json!({"kty": "RSA", "kid": "enc", "use": "enc", "alg": "RSA-OAEP", "n": "AQAB", "e": "AQAB"});
        let es512 = json!({"kty": "EC", "kid": "p521", "alg": "ES512", "crv": "P-521", "x": "AQAB", "y": "AQAB"});
        let build = |keys: Value| {
            let path = dir.join("jwks.json");
            std::fs::write(&path, json!({ "keys": keys }).to_string()).unwrap();
            let raw: RawJwt =
                serde_yaml::from_str(&format!("jwks_file: {}\n", path.display())).unwrap();
            let mut d = Diagnostics::new(std::path::Path::new("t.yaml"), "");
            let v = JwtVerifier::build(&raw, "jwt", std::path::Path::new("t.yaml"), &mut d);
            (v, d.errors)
        };
        let (v, errors) = build(json!([enc, oct, es512]));
        assert!(errors.is_empty(), "{errors:?}");
        let v = v.unwrap();
        let skipped = v.skipped.join("\n");
        assert!(
            v.skipped.len() == 2 && skipped.contains("\"enc\"") && skipped.contains("\"p521\""),
            "{skipped}"
        );
        let header = Header {
            kid: Some("sig".into()),
            ..Header::default()
        };
        let ok = encode(
            &header,
            &json!({"sub": "u1", "exp": now() + 60}),
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap();
        assert_eq!(v.verify(&ok).unwrap()["sub"], "u1");
        let (v, errors) = build(json!([enc]));
        assert!(v.is_none());
        assert!(
            errors.iter().any(|e| e.message.contains("no signing key")),
            "{errors:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn tokens_come_from_header_cookie_or_query() {
        let mut h = http::HeaderMap::new();
        h.insert("cookie", "a=1; session=tok2".parse().unwrap());
        assert_eq!(
            token_from(&h, None, Some("session"), false).as_deref(),
            Some("tok2")
        );
        assert_eq!(
            token_from(&h, Some("x=1&access_token=tok%33"), None, true).as_deref(),
            Some("tok3")
        );
        assert_eq!(token_from(&h, Some("access_token=tok3"), None, false), None);
        h.insert("authorization", "Bearer tok1".parse().unwrap());
        assert_eq!(
            token_from(&h, None, Some("session"), true).as_deref(),
            Some("tok1")
        );
    }

    /// The first copy as the app's parsers read it: Node's `cookie` trims names and
    /// `URLSearchParams` decodes them, so the edge must not skip those spellings.
    #[test]
    fn tokens_are_read_as_the_app_reads_them() {
        let mut h = http::HeaderMap::new();
        h.insert("cookie", "session =forged; session=valid".parse().unwrap());
        assert_eq!(
            token_from(&h, None, Some("session"), false).as_deref(),
            Some("forged")
        );
        let h = http::HeaderMap::new();
        assert_eq!(
            token_from(
                &h,
                Some("access%5Ftoken=forged&access_token=valid"),
                None,
                true
            )
            .as_deref(),
            Some("forged")
        );
        let mut h = http::HeaderMap::new();
        h.append("authorization", "Basic dTpw".parse().unwrap());
        h.append("authorization", "Bearer second".parse().unwrap());
        assert_eq!(token_from(&h, None, None, false).as_deref(), Some("second"));
    }

    #[test]
    fn tokens_that_do_not_verify_are_taken_off() {
        let keep = |t: &[u8]| t == b"valid" || t == b"other-valid";
        assert!(unkept_bearer(b"Bearer forged", &keep));
        assert!(unkept_bearer(b"Bearer\tforged", &keep));
        // Blanks as passport-jwt's `\s` reads them, U+00A0 included, around either word.
        assert!(unkept_bearer(b"Bearer\xA0forged", &keep));
        assert!(unkept_bearer(b"\xA0Bearer  forged\xA0", &keep));
        assert!(unkept_bearer(b"Bearer forged valid", &keep));
        assert!(!unkept_bearer(b"Bearer valid forged", &keep));
        assert!(!unkept_bearer(b"Bearer", &keep));
        assert!(!unkept_bearer(b"Bearerforged", &keep));
        // A JWT-shaped word that does not verify is taken off however it is written: app
        // code may strip "Bearer" with a replace(), or read the last word.
        let jwt = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        for v in [
            [&b"Bearer"[..], jwt].concat(),
            jwt.to_vec(),
            [&b"JWT "[..], jwt].concat(),
            [&b"Bearer valid "[..], jwt].concat(),
            [&b"bearer "[..], &jwt[..jwt.len() - 3]].concat(),
        ] {
            assert!(unkept_bearer(&v, &keep), "{}", String::from_utf8_lossy(&v));
        }
        for v in [
            [&b"Token token=\""[..], jwt, b"\""].concat(),
            [&b"Bearer:"[..], jwt].concat(),
            [jwt, &b"=="[..]].concat(),
            b"eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn".to_vec(),
        ] {
            assert!(unkept_bearer(&v, &keep), "{}", String::from_utf8_lossy(&v));
        }
        assert!(!unkept_bearer(b"Basic dXNlcjpwYXNzd29yZA==", &keep));
        assert!(!unkept_bearer(b"Token a.b", &keep), "not three segments");
        assert!(!unkept_bearer(b"Token a.b.c.d", &keep), "nor four");
        assert!(!unkept_bearer(b"bearer valid", &keep));
        assert!(!unkept_bearer(b"Bearer other-valid", &keep));
        assert!(!unkept_bearer(b"Basic dTpw", &keep));
        assert_eq!(
            cookie_line_without_unkept(
                b"theme=dark; session =forged;session=valid",
                "session",
                &keep
            )
            .as_deref(),
            Some(&b"theme=dark; session=valid"[..])
        );
        // Latin-1 U+00A0 is trimmed from a name as JavaScript's trim() does.
        assert_eq!(
            cookie_line_without_unkept(b"\xA0session=forged; session=valid", "session", &keep)
                .as_deref(),
            Some(&b"session=valid"[..])
        );
        assert_eq!(
            cookie_line_without_unkept(b"session=forged", "session", &keep).as_deref(),
            Some(&b""[..])
        );
        assert_eq!(
            cookie_line_without_unkept(b"a=1; session=other-valid; sessionx=2", "session", &keep),
            None
        );
        assert_eq!(
            target_without_unkept(
                b"/ws?room=1&access%5Ftoken=forged&access_token=valid",
                &keep
            )
            .as_deref(),
            Some(&b"/ws?room=1&access_token=valid"[..])
        );
        assert_eq!(
            target_without_unkept(b"/ws?%5Baccess_token%5D=forged&access_token=valid", &keep)
                .as_deref(),
            Some(&b"/ws?access_token=valid"[..])
        );
        assert_eq!(
            target_without_unkept(b"/ws?access_token=forged", &keep).as_deref(),
            Some(&b"/ws"[..])
        );
        assert_eq!(
            target_without_unkept(b"/ws?access_token=other-valid", &keep),
            None
        );
        assert_eq!(target_without_unkept(b"/ws", &keep), None);
    }
}

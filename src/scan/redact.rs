//! Redaction: rewriting a text so that none of its findings survive.
//!
//! Four modes, chosen per entity:
//!
//! * `Mask` writes `****` whatever the value's length, so not even the length leaks.
//! * `Placeholder` writes `<EMAIL_1>`, numbered per entity and stable within one request:
//!   the same value gets the same placeholder in every message of the request, so the model
//!   can still tell "the same person" from "another person".
//! * `Hash` writes `<EMAIL#3f9a1c2b7d4e5f60>`, an HMAC-SHA256 of the value under the caller's
//!   key, truncated to 64 bits: equal values are linkable across requests (for analytics or
//!   incident correlation) but cannot be reversed without the key. Without a key, `Hash`
//!   falls back to `Mask` rather than produce an unkeyed, dictionary-attackable digest.
//! * `Pseudonymize` writes placeholders and records each one's value in the request's
//!   [`Vault`], so the answer can be restored for the client.
//!
//! The per-request [`RedactionState`] numbers values by a keyed 128-bit digest of entity and
//! value (in one spelling per entity: case, spaces and dashes do not make a second value),
//! never by the value itself; only the vault holds values, and it cannot be printed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::fast::RandomState;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::finding::Finding;
use super::text::{composed, decode_escapes, floor_boundary, Escapes};

/// How one entity's values are replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedactionMode {
    /// `****`.
    Mask,
    /// `<EMAIL_1>`, stable per request.
    Placeholder,
    /// `<EMAIL#…>`, a keyed hash.
    Hash,
    /// Placeholder plus a vault entry to restore the answer.
    Pseudonymize,
}

impl RedactionMode {
    /// Parses `mask`, `placeholder`, `hash` or `pseudonymize` (as written in tenant config).
    pub fn from_name(name: &str) -> Option<RedactionMode> {
        match name.to_ascii_lowercase().as_str() {
            "mask" => Some(RedactionMode::Mask),
            "placeholder" => Some(RedactionMode::Placeholder),
            "hash" => Some(RedactionMode::Hash),
            "pseudonymize" | "pseudonymise" => Some(RedactionMode::Pseudonymize),
            _ => None,
        }
    }
}

/// Which mode each entity gets, and the key for `Hash`. Built per tenant at config load.
#[derive(Clone)]
pub struct RedactionPolicy {
    default: RedactionMode,
    per_entity: HashMap<String, RedactionMode>,
    hash_key: Vec<u8>,
}

impl fmt::Debug for RedactionPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactionPolicy")
            .field("default", &self.default)
            .field("per_entity", &self.per_entity)
            .field(
                "hash_key",
                &if self.hash_key.is_empty() {
                    "unset"
                } else {
                    "set"
                },
            )
            .finish()
    }
}

impl RedactionPolicy {
    /// Every entity gets `default` unless overridden.
    pub fn new(default: RedactionMode) -> Self {
        RedactionPolicy {
            default,
            per_entity: HashMap::new(),
            hash_key: Vec::new(),
        }
    }

    /// Overrides the mode of one entity (by its contract name, e.g. `EMAIL`).
    pub fn with_entity(mut self, entity: &str, mode: RedactionMode) -> Self {
        self.per_entity.insert(entity.to_owned(), mode);
        self
    }

    /// Sets the HMAC key for `Hash` mode (per tenant; never logged).
    pub fn with_hash_key(mut self, key: &[u8]) -> Self {
        self.hash_key = key.to_vec();
        self
    }

    /// A copy whose hash key is derived for `scope` (a tenant id): equal values hash alike
    /// within the scope and differently across scopes. Without a key it stays without one.
    pub fn scoped(&self, scope: &[u8]) -> Self {
        let mut out = self.clone();
        let mac = Some(&self.hash_key)
            .filter(|k| !k.is_empty())
            .and_then(|k| Hmac::<Sha256>::new_from_slice(k).ok());
        if let Some(mut mac) = mac {
            mac.update(b"scope\0");
            mac.update(scope);
            out.hash_key = mac.finalize().into_bytes().to_vec();
        }
        out
    }

    /// Whether `Hash` mode has a key; without one it masks.
    pub fn has_hash_key(&self) -> bool {
        !self.hash_key.is_empty()
    }

    /// The mode for `entity`.
    pub fn mode_for(&self, entity: &str) -> RedactionMode {
        self.per_entity.get(entity).copied().unwrap_or(self.default)
    }
}

/// Placeholder values of one request, so a streaming response can be restored.
///
/// Deliberately has no `Debug`, `Display`, `Clone` or `Serialize` that could print a value:
/// the only way out of the vault is [`Vault::restore`].
#[derive(Default)]
pub struct Vault {
    values: HashMap<String, String>,
    max_len: usize,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vault {{ {} entries }}", self.values.len())
    }
}

impl Vault {
    /// Replaces every placeholder this vault knows with its original value.
    pub fn restore(&self, text: &str) -> String {
        if self.values.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            out.push_str(&rest[..open]);
            let tail = &rest[open..];
            // The window must end on a char boundary or `get` refuses it (a regression the
            // randomized property test found: a zero-width space right after a placeholder).
            let close = tail
                .get(..floor_boundary(tail, self.max_len))
                .and_then(|w| w.find('>'));
            match close.and_then(|c| self.values.get(&tail[..=c]).map(|v| (c, v))) {
                Some((c, v)) => {
                    out.push_str(v);
                    rest = &tail[c + 1..];
                }
                None => {
                    out.push('<');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Length in bytes of the longest placeholder stored: a streaming caller holds back this
    /// many bytes minus one so a placeholder split across chunks is still restored.
    pub fn max_placeholder_len(&self) -> usize {
        self.max_len
    }

    /// Number of distinct values stored.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing was pseudonymised.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A value's key in the placeholder map: SipHash-1-3 of entity and value under two random
/// keys that only this state holds, 128 bits in all. A keyed PRF, so request content can
/// neither aim two values at one placeholder nor at the map's buckets, and two values share
/// one by accident with odds near 2^-128. It replaced a SHA-256 digest, which without the
/// CPU's SHA instructions was two thirds of placeholder redaction and adds nothing here: the
/// key never leaves the state.
#[derive(PartialEq, Eq)]
struct ValueKey(u64, u64);

impl Hash for ValueKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Already uniform: the first half is enough for the map's own hasher.
        state.write_u64(self.0);
    }
}

/// The two SipHash keys of one [`RedactionState`].
#[derive(Default)]
struct ValueKeys(std::hash::RandomState, std::hash::RandomState);

impl ValueKeys {
    fn key(&self, entity: &str, value: &str) -> ValueKey {
        let digest = |keys: &std::hash::RandomState| {
            let mut h = keys.build_hasher();
            h.write(entity.as_bytes());
            h.write_u8(0);
            h.write(value.as_bytes());
            h.finish()
        };
        ValueKey(digest(&self.0), digest(&self.1))
    }
}

/// Per-request redaction state: placeholder numbering and the pseudonym vault. Create one
/// per request and pass it to every [`redact`] call of that request.
///
/// Its maps use foldhash, randomly seeded (so request content cannot aim at its buckets):
/// with SipHash, hashing was a quarter of redacting a prompt.
#[derive(Default)]
pub struct RedactionState {
    keys: ValueKeys,
    assigned: HashMap<ValueKey, String, RandomState>,
    counters: HashMap<String, u32, RandomState>,
    vault: Vault,
}

impl fmt::Debug for RedactionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RedactionState {{ {} placeholders, {:?} }}",
            self.assigned.len(),
            self.vault
        )
    }
}

impl RedactionState {
    /// A fresh state for a new request.
    pub fn new() -> Self {
        RedactionState::default()
    }

    /// The vault filled by `Pseudonymize` redactions.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Takes the vault out, e.g. to keep it for the response while the state is dropped.
    pub fn into_vault(self) -> Vault {
        self.vault
    }

    /// Numbers new placeholders after those `text` already holds. A chat's history carries
    /// earlier turns' placeholders (`<EMAIL_1>` in the model's last answer); a new value
    /// given the same one would merge two people for the model, and a pseudonym vault
    /// would restore the old one as the new value.
    pub fn reserve_existing(&mut self, text: &str) {
        let b = text.as_bytes();
        for open in memchr::memchr_iter(b'<', b) {
            let body = &b[open + 1..];
            let name = body
                .iter()
                .take_while(|&&c| placeholder_name_byte(c))
                .count();
            if body.get(name) != Some(&b'>') {
                continue;
            }
            let Some(cut) = body[..name].iter().rposition(|&c| c == b'_') else {
                continue;
            };
            let (entity, digits) = (&text[open + 1..open + 1 + cut], &body[cut + 1..name]);
            // Nine digits at most stay far below u32::MAX; a name byte that is a letter
            // (`<EMAIL_Z9>`) is no number of ours.
            if entity.is_empty()
                || digits.is_empty()
                || digits.len() > 9
                || !digits.iter().all(u8::is_ascii_digit)
            {
                continue;
            }
            let n = digits
                .iter()
                .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
            match self.counters.get_mut(entity) {
                Some(c) => *c = (*c).max(n),
                None => {
                    self.counters.insert(entity.to_owned(), n);
                }
            }
        }
    }

    fn placeholder(&mut self, entity: &str, value: &str) -> &str {
        let key = self.keys.key(entity, &canonical(entity, value));
        let counters = &mut self.counters;
        self.assigned.entry(key).or_insert_with(|| {
            let n = match counters.get_mut(entity) {
                Some(n) => {
                    *n = n.saturating_add(1);
                    *n
                }
                None => {
                    counters.insert(entity.to_owned(), 1);
                    1
                }
            };
            // Built by hand: `format!` was about a quarter of placeholder redaction.
            let mut p = String::with_capacity(entity.len() + 13);
            p.push('<');
            p.push_str(entity);
            p.push('_');
            p.push_str(itoa::Buffer::new().format(n));
            p.push('>');
            p
        })
    }
}

/// The spelling a value is numbered and hashed by, so two spellings of one value share a
/// placeholder or a hash: `Ana@Acme.MX` and `ana@acme.mx`, a spaced and a compact IBAN or
/// card, `JUAN PÉREZ` and `Juan Pérez` (accent composed or not). Other entities (secrets
/// above all) count as written.
///
/// A finding in JSON text covers its escapes as written (`ana\u0040acme.mx`); it is keyed
/// as its reader sees it, so the two spellings share a placeholder and a hash.
fn canonical<'v>(entity: &str, value: &'v str) -> Cow<'v, str> {
    match decode_escapes(value, Escapes::Hiding) {
        Some((read, _)) => Cow::Owned(canonical_read(entity, &read).into_owned()),
        None => canonical_read(entity, value),
    }
}

/// [`canonical`] of a value without escapes.
fn canonical_read<'v>(entity: &str, value: &'v str) -> Cow<'v, str> {
    match entity {
        "EMAIL" | "IP" => {
            if value.bytes().any(|c| c.is_ascii_uppercase() || c == b'%') {
                Cow::Owned(value.to_ascii_lowercase().replace("%40", "@"))
            } else {
                Cow::Borrowed(value)
            }
        }
        e if super::resolve::DIGIT_VALUED.contains(&e) => kept_upper(value, |c| c.is_ascii_digit()),
        "IBAN" | "CURP" | "RFC" | "VIN" => kept_upper(value, |c| c.is_ascii_alphanumeric()),
        "PERSON" => {
            // Decomposed accents (`e` + U+0301) composed first, as the gazetteer reads them.
            let composed = composed(value);
            let mut out = String::with_capacity(value.len());
            for w in composed.split_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                if w.is_ascii() {
                    out.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    out.extend(w.chars().flat_map(char::to_lowercase));
                }
            }
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(value),
    }
}

/// `value` with only the chars `keep` accepts, upper-cased; borrowed when that is `value`.
fn kept_upper(value: &str, keep: fn(char) -> bool) -> Cow<'_, str> {
    if value.chars().all(|c| keep(c) && !c.is_ascii_lowercase()) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(
            value
                .chars()
                .filter(|&c| keep(c))
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        )
    }
}

/// `value` with the escapes that hide characters written out, unless that would give a
/// character JSON must escape (a quote, a backslash, a control): restored into an answer's
/// JSON (call arguments), such a value would break it, so it keeps its escaped spelling.
fn restorable(value: &str) -> String {
    match decode_escapes(value, Escapes::Hiding) {
        // A lone surrogate escape reads as U+FFFD: the written spelling says more.
        Some((read, _))
            if !read
                .chars()
                .any(|c| c == '"' || c == '\\' || c.is_control())
                && read.matches('\u{FFFD}').count() == value.matches('\u{FFFD}').count() =>
        {
            read
        }
        _ => value.to_owned(),
    }
}

fn keyed_hash(key: &[u8], entity: &str, value: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(entity.as_bytes());
    mac.update(&[0u8]);
    mac.update(canonical(entity, value).as_bytes());
    let tag = mac.finalize().into_bytes();
    Some(format!("<{entity}#{}>", hex::encode(&tag[..8])))
}

/// Rewrites `text` with every finding replaced per `policy`. Findings must come from a scan
/// of this same `text` (sorted and non-overlapping); any that is not is skipped rather than
/// trusted, so a caller's mistake cannot panic or corrupt the output.
pub fn redact(
    text: &str,
    findings: &[Finding],
    policy: &RedactionPolicy,
    state: &mut RedactionState,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for f in findings {
        if f.start < pos || f.end <= f.start {
            continue;
        }
        let (Some(before), Some(value)) = (text.get(pos..f.start), text.get(f.start..f.end)) else {
            continue;
        };
        out.push_str(before);
        let entity = &*f.entity;
        match policy.mode_for(entity) {
            RedactionMode::Mask => out.push_str("****"),
            RedactionMode::Placeholder => out.push_str(state.placeholder(entity, value)),
            RedactionMode::Hash => match (!policy.hash_key.is_empty())
                .then(|| keyed_hash(&policy.hash_key, entity, value))
                .flatten()
            {
                Some(h) => out.push_str(&h),
                None => out.push_str("****"),
            },
            RedactionMode::Pseudonymize => {
                let p = state.placeholder(entity, value).to_owned();
                state.vault.max_len = state.vault.max_len.max(p.len());
                // The first spelling is the one restored for all of them, as read: a name
                // found in JSON that Python's `json.dumps` wrote (`Jos\u00e9`) is restored
                // as `José` into the answer's prose.
                state
                    .vault
                    .values
                    .entry(p.clone())
                    .or_insert_with(|| restorable(value));
                out.push_str(&p);
            }
        }
        pos = f.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

/// Whether `b` may stand in a placeholder's name (`<EMPLOYEE_ID_1>`): the alphabet a later
/// turn's history is searched for placeholders in.
pub(crate) fn placeholder_name_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::finding::Category;
    use std::sync::Arc;

    fn f(e: &str, s: usize, en: usize) -> Finding {
        Finding {
            category: Category::Pii,
            entity: Arc::from(e),
            start: s,
            end: en,
            score: 0.9,
        }
    }

    #[test]
    fn the_vault_keeps_a_value_as_read() {
        let p = RedactionPolicy::new(RedactionMode::Pseudonymize);
        let mut st = RedactionState::new();
        let t = r#"{"customer": "Jos\u00e9 P\u00e9rez", "note": "a\u0022b"}"#;
        let name = t.find("Jos").unwrap();
        let quote = t.find("a\\u0022b").unwrap();
        let out = redact(
            t,
            &[f("PERSON", name, name + 20), f("CUSTOM", quote, quote + 8)],
            &p,
            &mut st,
        );
        assert_eq!(out, r#"{"customer": "<PERSON_1>", "note": "<CUSTOM_1>"}"#);
        let values = &st.vault().values;
        assert_eq!(values["<PERSON_1>"], "José Pérez");
        // A quote would break JSON it is restored into: the escaped spelling stays; so
        // does a lone surrogate, which would read as U+FFFD.
        assert_eq!(values["<CUSTOM_1>"], "a\\u0022b");
        let mut st = RedactionState::new();
        let lone = r"x\ud83dy";
        redact(lone, &[f("CUSTOM", 0, lone.len())], &p, &mut st);
        assert_eq!(st.vault().values["<CUSTOM_1>"], lone);
    }

    #[test]
    fn placeholders_are_stable_across_messages_of_a_request() {
        let p = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut st = RedactionState::new();
        let a = "a@x.io b@x.io a@x.io";
        let out1 = redact(
            a,
            &[f("EMAIL", 0, 6), f("EMAIL", 7, 13), f("EMAIL", 14, 20)],
            &p,
            &mut st,
        );
        assert_eq!(out1, "<EMAIL_1> <EMAIL_2> <EMAIL_1>");
        let out2 = redact("b@x.io", &[f("EMAIL", 0, 6)], &p, &mut st);
        assert_eq!(out2, "<EMAIL_2>");
        assert!(!format!("{st:?}").contains("x.io"));
    }

    #[test]
    fn two_spellings_of_one_value_share_a_placeholder_and_a_hash() {
        let t =
            "Ana@Acme.MX, ana@acme.mx; ES91 2100 0418 4502 0005 1332 = ES9121000418450200051332; \
                 JUAN PÉREZ y Juan Pe\u{301}rez; b@acme.mx";
        let at = |v: &str, from: usize| t[from..].find(v).unwrap() + from;
        let spans = [
            ("EMAIL", "Ana@Acme.MX", 0),
            ("EMAIL", "ana@acme.mx", 1),
            ("IBAN", "ES91 2100 0418 4502 0005 1332", 0),
            ("IBAN", "ES9121000418450200051332", 0),
            ("PERSON", "JUAN PÉREZ", 0),
            ("PERSON", "Juan Pe\u{301}rez", 0),
            ("EMAIL", "b@acme.mx", 0),
        ];
        let found: Vec<Finding> = spans
            .iter()
            .map(|(e, v, from)| {
                let s = at(v, *from);
                f(e, s, s + v.len())
            })
            .collect();
        let p = RedactionPolicy::new(RedactionMode::Pseudonymize);
        let mut st = RedactionState::new();
        let out = redact(t, &found, &p, &mut st);
        assert_eq!(
            out,
            "<EMAIL_1>, <EMAIL_1>; <IBAN_1> = <IBAN_1>; <PERSON_1> y <PERSON_1>; <EMAIL_2>"
        );
        // The vault gives back the first spelling for both.
        assert_eq!(
            st.vault().restore("<EMAIL_1> <PERSON_1>"),
            "Ana@Acme.MX JUAN PÉREZ"
        );
        let h = RedactionPolicy::new(RedactionMode::Hash).with_hash_key(b"k");
        let hashed = redact(t, &found, &h, &mut RedactionState::new());
        let tags: Vec<&str> = hashed.split([',', ';', '=', 'y']).map(str::trim).collect();
        assert_eq!(tags[0], tags[1], "{hashed}");
        assert_eq!(tags[2], tags[3], "{hashed}");
        assert_eq!(tags[4], tags[5], "{hashed}");
        assert_ne!(tags[0], tags[6], "{hashed}");
        // Secrets are compared exactly: case can be the whole difference.
        assert_ne!(canonical("SECRET", "abcDEF"), canonical("SECRET", "ABCdef"));
        // An escaped spelling from JSON text is the same value.
        assert_eq!(
            canonical("EMAIL", r"Ana\u0040Acme.MX"),
            canonical("EMAIL", "ana@acme.mx")
        );
        assert_eq!(canonical("URL", r"https:\/\/x.io"), "https://x.io");
    }

    #[test]
    fn placeholders_already_in_the_text_keep_their_numbers() {
        let p = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut st = RedactionState::new();
        let t = "Earlier you wrote to <EMAIL_1> and <CREDIT_CARD_12>. Now a@x.io, <EMAIL_>, <x_3>";
        st.reserve_existing(t);
        let at = t.find("a@x.io").unwrap();
        let out = redact(t, &[f("EMAIL", at, at + 6)], &p, &mut st);
        assert!(
            out.contains("<EMAIL_1> and <CREDIT_CARD_12>. Now <EMAIL_2>,"),
            "{out}"
        );
        let out = redact("4111", &[f("CREDIT_CARD", 0, 4)], &p, &mut st);
        assert_eq!(out, "<CREDIT_CARD_13>");
        // Letters where the digits go are no number of ours: no overflow, no wrap to a
        // number already in use.
        let mut st = RedactionState::new();
        let t = "<EMAIL_Z94967295> <EMAIL_ZZZZZZZZZ> <EMAIL_1> a@x.io";
        st.reserve_existing(t);
        let at = t.find("a@x.io").unwrap();
        let out = redact(t, &[f("EMAIL", at, at + 6)], &p, &mut st);
        assert!(out.ends_with("<EMAIL_1> <EMAIL_2>"), "{out}");
    }

    #[test]
    fn placeholder_numbers_past_one_digit() {
        let p = RedactionPolicy::new(RedactionMode::Placeholder);
        let mut st = RedactionState::new();
        let text: String = (0..12)
            .map(|i| format!("{} ", char::from(b'a' + i)))
            .collect();
        let findings: Vec<Finding> = (0..12).map(|i| f("PERSON", 2 * i, 2 * i + 1)).collect();
        let out = redact(&text, &findings, &p, &mut st);
        assert!(out.starts_with("<PERSON_1> <PERSON_2> "), "{out}");
        assert!(
            out.ends_with(" <PERSON_10> <PERSON_11> <PERSON_12> "),
            "{out}"
        );
    }

    #[test]
    fn pseudonyms_restore_and_vault_never_prints_values() {
        let p = RedactionPolicy::new(RedactionMode::Pseudonymize);
        let mut st = RedactionState::new();
        let t = "call Ana at 555";
        let red = redact(t, &[f("PERSON", 5, 8), f("PHONE", 12, 15)], &p, &mut st);
        assert_eq!(red, "call <PERSON_1> at <PHONE_1>");
        let v = st.vault();
        assert_eq!(
            v.restore("Hi <PERSON_1>, <PHONE_1> <UNKNOWN_1> <"),
            "Hi Ana, 555 <UNKNOWN_1> <"
        );
        assert_eq!(v.max_placeholder_len(), "<PERSON_1>".len());
        assert!(!format!("{v:?}").contains("Ana"));
    }

    #[test]
    fn regression_restore_with_multibyte_char_after_placeholder() {
        let p = RedactionPolicy::new(RedactionMode::Pseudonymize);
        let mut st = RedactionState::new();
        // The longest placeholder (9 bytes) ends inside the 3-byte char after `<RFC_1>`.
        let t = "a@b.io GODE561231GR8\u{200b}";
        let red = redact(t, &[f("EMAIL", 0, 6), f("RFC", 7, 20)], &p, &mut st);
        assert_eq!(red, "<EMAIL_1> <RFC_1>\u{200b}");
        assert_eq!(st.vault().restore(&red), t);
    }

    #[test]
    fn hash_is_keyed_and_mask_hides_length() {
        let t = "a@x.io";
        let fs = [f("EMAIL", 0, 6)];
        let k1 = RedactionPolicy::new(RedactionMode::Hash).with_hash_key(b"k1");
        let k2 = RedactionPolicy::new(RedactionMode::Hash).with_hash_key(b"k2");
        let h1 = redact(t, &fs, &k1, &mut RedactionState::new());
        assert_eq!(h1, redact(t, &fs, &k1, &mut RedactionState::new()));
        assert_ne!(h1, redact(t, &fs, &k2, &mut RedactionState::new()));
        assert!(h1.starts_with("<EMAIL#") && h1.len() == "<EMAIL#>".len() + 16);
        let unkeyed = RedactionPolicy::new(RedactionMode::Hash);
        assert_eq!(redact(t, &fs, &unkeyed, &mut RedactionState::new()), "****");
        assert!(!format!("{k1:?}").contains("k1"));
    }

    #[test]
    fn bad_findings_are_skipped_not_trusted() {
        let p = RedactionPolicy::new(RedactionMode::Mask);
        let t = "héllo";
        assert_eq!(
            redact(
                t,
                &[f("X", 1, 2), f("X", 0, 99)],
                &p,
                &mut RedactionState::new()
            ),
            "héllo"
        );
    }
}

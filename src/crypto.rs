//! Key hashing and encryption at rest.
//!
//! API keys are stored as SHA-256 hex only; a lookup hashes the presented key and compares
//! digests, so the database never holds a usable key. BYOK provider keys and, when a tenant
//! asks for it, prompts are sealed with AES-256-GCM under keys derived from the operator's
//! system secret with HKDF-SHA256, one derived key per purpose, so a key for one purpose can
//! never open data of another. Every seal uses a fresh random 96-bit nonce; tampering is
//! detected by the GCM tag and reported as an error, never as garbage plaintext.

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("ciphertext is not valid base64")]
    Encoding,
    #[error("ciphertext is too short to hold a nonce and a tag")]
    Truncated,
    #[error("ciphertext failed authentication: wrong key or tampered data")]
    Tampered,
    #[error("the system secret must be at least 32 bytes")]
    WeakSecret,
}

/// SHA-256 of `data` as lower-case hex, the form `api_key.key_hash` stores.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Compares two digests without leaking where they differ.
pub fn digest_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// What a sealed value is for; each purpose gets its own derived key.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    ProviderKey,
    Prompt,
    RedactionHash,
    SastJob,
}

impl Purpose {
    fn info(self) -> &'static [u8] {
        match self {
            Purpose::ProviderKey => b"securetag-edge/v1/byok-provider-key",
            Purpose::Prompt => b"securetag-edge/v1/prompt-log",
            Purpose::RedactionHash => b"securetag-edge/v1/redaction-hash",
            Purpose::SastJob => b"securetag-edge/v1/sast-job",
        }
    }
}

/// Keys derived from the operator's system secret.
#[derive(Clone)]
pub struct Keyring {
    secret: Vec<u8>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring({})", fingerprint(&self.secret))
    }
}

/// A credential from the configuration (a provider key, a URL with a password, a webhook
/// secret): read where it is used, never printed. `Debug` shows only [`fingerprint`], so
/// settings can derive it, and two loads of a file still compare unequal when a key changed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", fingerprint(self.0.as_bytes()))
    }
}

/// 16 hex digits of HMAC-SHA256 under a key drawn once per process: equal values match
/// within the process, and nothing printed can be checked against a guess elsewhere.
fn fingerprint(value: &[u8]) -> String {
    static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(rand::random);
    // HMAC takes a key of any length, so this cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(value);
    hex::encode(&mac.finalize().into_bytes()[..8])
}

impl Keyring {
    pub fn new(system_secret: &[u8]) -> Result<Self, CryptoError> {
        if system_secret.len() < 32 {
            return Err(CryptoError::WeakSecret);
        }
        Ok(Keyring {
            secret: system_secret.to_vec(),
        })
    }

    /// The 32-byte key for `purpose`.
    pub fn derive(&self, purpose: Purpose) -> [u8; 32] {
        let hk = Hkdf::<Sha256>::new(Some(b"securetag-edge"), &self.secret);
        let mut okm = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
        let _ = hk.expand(purpose.info(), &mut okm);
        okm
    }

    /// Seals `plaintext` as base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, purpose: Purpose, plaintext: &[u8]) -> String {
        let key = self.derive(purpose);
        let cipher = Aes256Gcm::new(&key.into());
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // Encryption fails only for inputs over 64 GiB, which never reach here.
        let ct = cipher.encrypt(&nonce, plaintext).unwrap_or_default();
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        B64.encode(out)
    }

    /// Opens a value made by [`Keyring::seal`] for the same purpose.
    pub fn open(&self, purpose: Purpose, sealed: &str) -> Result<Vec<u8>, CryptoError> {
        let raw = B64
            .decode(sealed.trim())
            .map_err(|_| CryptoError::Encoding)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::Truncated);
        }
        let (nonce, ct) = raw.split_at(12);
        let key = self.derive(purpose);
        let cipher = Aes256Gcm::new(&key.into());
        cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| CryptoError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::new(b"0123456789abcdef0123456789abcdef-test").unwrap()
    }

    #[test]
    fn secrets_print_as_fingerprints_that_still_tell_a_change() {
        let key = Secret::new("sk-live-Q8w7E6r5T4y3U2i1");
        let shown = format!("{key:?} {:?}", ring());
        assert!(
            !shown.contains("Q8w7E6") && !shown.contains("0123456789"),
            "{shown}"
        );
        assert_eq!(format!("{key:?}"), format!("{:?}", key.clone()));
        assert_ne!(
            format!("{key:?}"),
            format!("{:?}", Secret::new("sk-live-other"))
        );
        assert_eq!(key.expose(), "sk-live-Q8w7E6r5T4y3U2i1");
    }

    #[test]
    fn seal_round_trips_with_fresh_nonces() {
        let r = ring();
        let a = r.seal(Purpose::ProviderKey, b"sk-provider");
        let b = r.seal(Purpose::ProviderKey, b"sk-provider");
        assert_ne!(a, b, "every seal uses a new nonce");
        assert_eq!(r.open(Purpose::ProviderKey, &a).unwrap(), b"sk-provider");
    }

    #[test]
    fn tampering_and_wrong_purpose_are_rejected() {
        let r = ring();
        let sealed = r.seal(Purpose::ProviderKey, b"sk-provider");
        let mut raw = B64.decode(&sealed).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        assert_eq!(
            r.open(Purpose::ProviderKey, &B64.encode(&raw)),
            Err(CryptoError::Tampered)
        );
        assert_eq!(r.open(Purpose::Prompt, &sealed), Err(CryptoError::Tampered));
        assert_eq!(r.open(Purpose::Prompt, "!!"), Err(CryptoError::Encoding));
        assert_eq!(r.open(Purpose::Prompt, "AAAA"), Err(CryptoError::Truncated));
        let other = Keyring::new(b"another-secret-of-at-least-32-bytes!!").unwrap();
        assert_eq!(
            other.open(Purpose::ProviderKey, &sealed),
            Err(CryptoError::Tampered)
        );
    }

    #[test]
    fn short_secrets_are_refused() {
        assert_eq!(Keyring::new(b"short").unwrap_err(), CryptoError::WeakSecret);
    }

    #[test]
    fn key_hash_matches_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(digest_eq("ab", "ab"));
        assert!(!digest_eq("ab", "ac"));
        assert!(!digest_eq("ab", "abc"));
    }
}

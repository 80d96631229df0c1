//! Certificates as the TLS listener needs them: parsed once, checked, and named.
//!
//! Loading happens at validation so `check` catches a missing file, a key that does not
//! belong to its certificate, or a PEM that does not parse, before `run` ever binds a port.

use std::path::Path;

use pingora::tls::pkey::{PKey, Private};
use pingora::tls::x509::X509;

/// A certificate chain (leaf first), its private key, and the host names it serves.
pub struct CertifiedKey {
    pub names: Vec<String>,
    pub chain: Vec<X509>,
    pub key: PKey<Private>,
}

impl std::fmt::Debug for CertifiedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material, even by accident in a debug log.
        f.debug_struct("CertifiedKey")
            .field("names", &self.names)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CertError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} holds no PEM certificate ({detail})")]
    Cert { path: String, detail: String },
    #[error("{path} holds no PEM private key ({detail})")]
    Key { path: String, detail: String },
    #[error("the private key {key} does not belong to the certificate {cert}")]
    Mismatch { cert: String, key: String },
    #[error("{path} names no host (no DNS subjectAltName or CN); list server_names")]
    NoNames { path: String },
}

impl CertifiedKey {
    pub fn load(cert: &Path, key: &Path, server_names: &[String]) -> Result<Self, CertError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|source| CertError::Read {
                path: p.display().to_string(),
                source,
            })
        };
        let cert_pem = read(cert)?;
        let key_pem = read(key)?;
        let chain = X509::stack_from_pem(&cert_pem).map_err(|e| CertError::Cert {
            path: cert.display().to_string(),
            detail: e.to_string(),
        })?;
        let Some(leaf) = chain.first() else {
            return Err(CertError::Cert {
                path: cert.display().to_string(),
                detail: "the file is empty".into(),
            });
        };
        let pkey = PKey::private_key_from_pem(&key_pem).map_err(|e| CertError::Key {
            path: key.display().to_string(),
            detail: e.to_string(),
        })?;
        let matches = leaf
            .public_key()
            .map(|pk| pk.public_eq(&pkey))
            .unwrap_or(false);
        if !matches {
            return Err(CertError::Mismatch {
                cert: cert.display().to_string(),
                key: key.display().to_string(),
            });
        }
        let names = if server_names.is_empty() {
            names_in(leaf)
        } else {
            server_names
                .iter()
                .map(|n| n.to_ascii_lowercase())
                .collect()
        };
        if names.is_empty() {
            return Err(CertError::NoNames {
                path: cert.display().to_string(),
            });
        }
        Ok(CertifiedKey {
            names,
            chain,
            key: pkey,
        })
    }

    /// Whether this certificate serves `host` (exact, or one-label `*.` wildcard).
    pub fn serves(&self, host: &str) -> bool {
        self.names.iter().any(|n| match n.strip_prefix("*.") {
            Some(suffix) => host
                .split_once('.')
                .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
            None => n == host,
        })
    }
}

fn names_in(cert: &X509) -> Vec<String> {
    let mut names: Vec<String> = cert
        .subject_alt_names()
        .map(|sans| {
            sans.iter()
                .filter_map(|g| g.dnsname().map(|s| s.to_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        let cn = pingora::tls::nid::Nid::COMMONNAME;
        for e in cert.subject_name().entries_by_nid(cn) {
            if let Ok(s) = e.data().to_string() {
                names.push(s.to_ascii_lowercase());
            }
        }
    }
    names
}

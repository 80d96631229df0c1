//! TLS listeners: the certificate is chosen per handshake from SNI, out of a set that a
//! reload can replace without closing a single connection.
//!
//! Pingora can load one certificate per listener from files, and only at start. We instead
//! answer OpenSSL's certificate callback from an `ArcSwap`ed list: SNI picks the certificate
//! (exact name, then one-label wildcard), and a client that sends no SNI or an unknown name
//! gets the first one, as Nginx serves its default server.

use std::sync::Arc;

use arc_swap::ArcSwap;
use async_trait::async_trait;
use pingora::listeners::tls::TlsSettings;
use pingora::listeners::TlsAccept;
use pingora::tls::ext;
use pingora::tls::ssl::{NameType, SslRef, SslVersion};

use crate::config::tls::CertifiedKey;
use crate::config::{TlsListener, TlsVersion};

/// The certificates of one listener; `store()` swaps them in on reload.
pub type CertSet = Arc<ArcSwap<Vec<Arc<CertifiedKey>>>>;

struct SniResolver {
    certs: CertSet,
}

/// Picks the certificate for `server_name` (lower-cased), falling back to the first one.
pub fn pick<'a>(
    certs: &'a [Arc<CertifiedKey>],
    server_name: Option<&str>,
) -> Option<&'a Arc<CertifiedKey>> {
    let by_name = server_name.and_then(|name| {
        let name = name.to_ascii_lowercase();
        let exact = certs.iter().find(|c| c.names.iter().any(|n| n == &name));
        exact.or_else(|| certs.iter().find(|c| c.serves(&name)))
    });
    by_name.or_else(|| certs.first())
}

#[async_trait]
impl TlsAccept for SniResolver {
    async fn certificate_callback(&self, ssl: &mut SslRef) {
        let certs = self.certs.load();
        let name = ssl.servername(NameType::HOST_NAME).map(str::to_owned);
        let Some(ck) = pick(&certs, name.as_deref()) else {
            return;
        };
        let Some(leaf) = ck.chain.first() else { return };
        // Failing here aborts the handshake with an alert, the only safe outcome.
        let result = ext::ssl_use_certificate(ssl, leaf)
            .and_then(|_| {
                ck.chain[1..]
                    .iter()
                    .try_for_each(|c| ext::ssl_add_chain_cert(ssl, c))
            })
            .and_then(|_| ext::ssl_use_private_key(ssl, &ck.key));
        if let Err(e) = result {
            tracing::error!(error = %e, "could not install the TLS certificate for a handshake");
        }
    }
}

/// Pingora TLS settings for a listener, and the handle that swaps its certificates.
pub fn settings(l: &TlsListener) -> pingora::Result<(TlsSettings, CertSet)> {
    let certs: CertSet = Arc::new(ArcSwap::from_pointee(l.certificates.clone()));
    let mut s = TlsSettings::with_callbacks(Box::new(SniResolver {
        certs: certs.clone(),
    }))?;
    let min = match l.min_version {
        TlsVersion::V1_2 => SslVersion::TLS1_2,
        TlsVersion::V1_3 => SslVersion::TLS1_3,
    };
    s.set_min_proto_version(Some(min)).map_err(|e| {
        pingora::Error::because(pingora::ErrorType::InternalError, "TLS minimum version", e)
    })?;
    if l.http2 {
        s.enable_h2();
    }
    Ok((s, certs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ck(names: &[&str]) -> Arc<CertifiedKey> {
        let kp = rcgen::KeyPair::generate().unwrap();
        let cert =
            rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap()
                .self_signed(&kp)
                .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
        std::fs::write(&c, cert.pem()).unwrap();
        std::fs::write(&k, kp.serialize_pem()).unwrap();
        Arc::new(CertifiedKey::load(&c, &k, &[]).unwrap())
    }

    #[test]
    fn sni_picks_exact_then_wildcard_then_default() {
        let certs = vec![ck(&["a.test"]), ck(&["*.b.test"]), ck(&["c.test"])];
        assert_eq!(pick(&certs, Some("C.TEST")).unwrap().names, vec!["c.test"]);
        assert_eq!(
            pick(&certs, Some("x.b.test")).unwrap().names,
            vec!["*.b.test"]
        );
        assert_eq!(
            pick(&certs, Some("x.y.b.test")).unwrap().names,
            vec!["a.test"]
        );
        assert_eq!(pick(&certs, None).unwrap().names, vec!["a.test"]);
    }
}

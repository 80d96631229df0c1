//! Header rules: what the upstream is told about the client, and what every response
//! carries back (request id, security headers, CORS).

use std::net::IpAddr;

use http::header::{self, HeaderValue};
use pingora::http::{RequestHeader, ResponseHeader};

use crate::config::{Cors, SecurityHeaders};

pub const X_REQUEST_ID: &str = "x-request-id";

/// Accepts an incoming request id only if it is short and plain, so it is safe in logs.
pub fn valid_request_id(v: &[u8]) -> bool {
    !v.is_empty()
        && v.len() <= 128
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// A fresh, time-ordered request id.
pub fn new_request_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// What the upstream learns about the client, replacing anything the client claimed.
pub struct Forwarded<'a> {
    pub client_ip: IpAddr,
    pub peer_ip: IpAddr,
    pub trusted_peer: bool,
    pub tls: bool,
    pub host: Option<&'a str>,
    pub request_id: &'a str,
    /// The headers a trusted peer names the client in (`client_ip_headers`).
    pub client_ip_headers: &'a [http::HeaderName],
}

/// Sets `X-Real-IP`, `X-Forwarded-For/-Proto/-Host` and `X-Request-Id` on the upstream
/// request. From a peer that is not trusted, the other client-address headers (those in
/// `client_ip_headers`, such as `CF-Connecting-IP`, and RFC 7239 `Forwarded`) are taken
/// off: the app must not read a client address that nobody vouched for.
pub fn forward(req: &mut RequestHeader, f: &Forwarded<'_>) -> pingora::Result<()> {
    if !f.trusted_peer {
        for h in f.client_ip_headers {
            req.remove_header(h);
        }
        req.remove_header(&http::header::FORWARDED);
    }
    let xff = if f.trusted_peer {
        // A trusted proxy's chain is kept and extended with the hop we saw.
        let mut chain = String::new();
        for v in req.headers.get_all("x-forwarded-for") {
            if let Ok(s) = v.to_str() {
                chain.push_str(s);
                chain.push_str(", ");
            }
        }
        chain.push_str(&f.peer_ip.to_string());
        chain
    } else {
        f.client_ip.to_string()
    };
    let proto = match (f.trusted_peer, req.headers.get("x-forwarded-proto")) {
        (true, Some(p)) if p == "https" || p == "http" => p.clone(),
        _ => HeaderValue::from_static(if f.tls { "https" } else { "http" }),
    };
    req.insert_header("x-forwarded-for", xff)?;
    req.insert_header("x-real-ip", f.client_ip.to_string())?;
    req.insert_header("x-forwarded-proto", proto)?;
    match f.host {
        Some(h) => req.insert_header("x-forwarded-host", h)?,
        None => {
            req.remove_header("x-forwarded-host");
        }
    }
    req.insert_header(X_REQUEST_ID, f.request_id)?;
    Ok(())
}

/// Adds security headers the upstream did not set itself; HSTS only over TLS.
pub fn apply_security(
    resp: &mut ResponseHeader,
    sec: &SecurityHeaders,
    tls: bool,
) -> pingora::Result<()> {
    for (name, value) in &sec.headers {
        if !resp.headers.contains_key(name) {
            resp.insert_header(name.clone(), value.clone())?;
        }
    }
    if tls {
        if let Some(hsts) = &sec.hsts {
            if !resp.headers.contains_key(header::STRICT_TRANSPORT_SECURITY) {
                resp.insert_header(header::STRICT_TRANSPORT_SECURITY, hsts.clone())?;
            }
        }
    }
    Ok(())
}

/// CORS headers for an allowed `origin` on an actual (non-preflight) response.
pub fn apply_cors(
    resp: &mut ResponseHeader,
    cors: &Cors,
    origin: &HeaderValue,
) -> pingora::Result<()> {
    let allow_origin = if cors.any_origin {
        HeaderValue::from_static("*")
    } else {
        origin.clone()
    };
    resp.insert_header(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin)?;
    if cors.allow_credentials {
        resp.insert_header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")?;
    }
    if let Some(expose) = &cors.expose_headers {
        resp.insert_header(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone())?;
    }
    if !cors.any_origin {
        resp.append_header(header::VARY, "Origin")?;
    }
    Ok(())
}

/// The answer to a preflight from an allowed origin.
pub fn preflight(cors: &Cors, origin: &HeaderValue) -> pingora::Result<ResponseHeader> {
    let mut resp = ResponseHeader::build(204, Some(8))?;
    apply_cors(&mut resp, cors, origin)?;
    resp.insert_header(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        cors.allow_methods.clone(),
    )?;
    resp.insert_header(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        cors.allow_headers.clone(),
    )?;
    resp.insert_header(header::ACCESS_CONTROL_MAX_AGE, cors.max_age.clone())?;
    resp.insert_header(header::CONTENT_LENGTH, "0")?;
    Ok(resp)
}

/// Approximate bytes of the request line and headers, as a client sent them.
pub fn header_bytes(req: &RequestHeader) -> usize {
    let target = req.uri.path_and_query().map_or(1, |p| p.as_str().len())
        + req.uri.authority().map_or(0, |a| a.as_str().len());
    let line = req.method.as_str().len() + target + 12;
    req.headers
        .iter()
        .fold(line, |n, (k, v)| n + k.as_str().len() + v.len() + 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> RequestHeader {
        let mut r = RequestHeader::build("GET", b"/", None).unwrap();
        for (k, v) in headers {
            r.append_header(k.to_string(), *v).unwrap();
        }
        r
    }

    static HEADERS: [http::HeaderName; 2] = [
        http::HeaderName::from_static("cf-connecting-ip"),
        http::HeaderName::from_static("x-forwarded-for"),
    ];

    fn f<'a>(trusted: bool, tls: bool) -> Forwarded<'a> {
        Forwarded {
            client_ip: "1.2.3.4".parse().unwrap(),
            peer_ip: "10.0.0.1".parse().unwrap(),
            trusted_peer: trusted,
            tls,
            host: Some("api.example.com"),
            request_id: "rid",
            client_ip_headers: &HEADERS,
        }
    }

    #[test]
    fn untrusted_forwarding_headers_are_replaced() {
        let mut r = req(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-proto", "https"),
            ("x-real-ip", "6.6.6.6"),
            ("cf-connecting-ip", "6.6.6.6"),
            ("forwarded", "for=6.6.6.6"),
        ]);
        forward(&mut r, &f(false, false)).unwrap();
        assert!(
            !r.headers.contains_key("cf-connecting-ip") && !r.headers.contains_key("forwarded")
        );
        assert_eq!(r.headers["x-forwarded-for"], "1.2.3.4");
        assert_eq!(r.headers["x-real-ip"], "1.2.3.4");
        assert_eq!(r.headers["x-forwarded-proto"], "http");
        assert_eq!(r.headers["x-forwarded-host"], "api.example.com");
        assert_eq!(r.headers["x-request-id"], "rid");
    }

    #[test]
    fn trusted_chain_is_extended() {
        let mut r = req(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-proto", "https"),
            ("cf-connecting-ip", "1.2.3.4"),
        ]);
        forward(&mut r, &f(true, false)).unwrap();
        assert_eq!(r.headers["cf-connecting-ip"], "1.2.3.4");
        assert_eq!(r.headers["x-forwarded-for"], "1.2.3.4, 10.0.0.1");
        assert_eq!(r.headers["x-forwarded-proto"], "https");
    }

    #[test]
    fn request_ids_from_clients_are_checked() {
        assert!(valid_request_id(b"abc-123_x.y:z"));
        assert!(!valid_request_id(b"a b"));
        assert!(!valid_request_id(b"\"><script>"));
        assert!(!valid_request_id(&[b'a'; 129]));
    }
}

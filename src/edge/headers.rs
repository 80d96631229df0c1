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
    // Names with `_` are dropped, as Nginx does by default (`underscores_in_headers off`):
    // CGI-style apps (PHP, WSGI, Rack) read `X_User_Id` as `X-User-Id`, so the claim and
    // forwarding headers set here could otherwise be spoofed by their underscore twins.
    // Nearly every request has none, and an empty list allocates nothing.
    let underscored: Vec<http::HeaderName> = req
        .headers
        .keys()
        .filter(|k| k.as_str().contains('_'))
        .cloned()
        .collect();
    for k in &underscored {
        req.remove_header(k);
    }
    if !f.trusted_peer {
        for h in f.client_ip_headers {
            req.remove_header(h);
        }
    }
    // The edge writes no `Forwarded`, and Cloudflare neither sets nor cleans one: what
    // arrives is the client's own, whoever relayed it.
    req.remove_header(&http::header::FORWARDED);
    let xff = if f.trusted_peer {
        // A trusted proxy's chain is kept and extended with the client, as Nginx's
        // `$proxy_add_x_forwarded_for` does after `real_ip`: apps that trust one hop
        // (Express `trust proxy: 1`) read the last entry, and it must stay the client,
        // not Cloudflare's address.
        let mut chain = String::new();
        for v in req.headers.get_all("x-forwarded-for") {
            if let Ok(s) = v.to_str() {
                chain.push_str(s);
                chain.push_str(", ");
            }
        }
        chain.push_str(&f.client_ip.to_string());
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

/// Takes the upstream's hop-by-hop headers off its answer, as Nginx does: `Keep-Alive` (Node
/// says `timeout=5` while the edge keeps client connections longer), `Proxy-Connection`
/// and every header its `Connection` names. Pingora writes its own `Connection` on HTTP/1
/// and drops these on HTTP/2 only. `Upgrade` and the framing headers stay.
pub fn strip_hop_by_hop(resp: &mut ResponseHeader) {
    let named: Vec<String> = resp
        .headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| {
            !matches!(
                t.as_str(),
                "" | "close" | "upgrade" | "connection" | "content-length" | "transfer-encoding"
            )
        })
        .collect();
    for name in named
        .iter()
        .map(String::as_str)
        .chain(["keep-alive", "proxy-connection"])
    {
        resp.remove_header(name);
    }
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
        vary_origin(resp)?;
    }
    Ok(())
}

/// Says the answer varies by `Origin`, unless it says so already (Express's `cors` does).
pub fn vary_origin(resp: &mut ResponseHeader) -> pingora::Result<()> {
    let said = resp.headers.get_all(header::VARY).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|t| t.trim() == "*" || t.trim().eq_ignore_ascii_case("origin"))
        })
    });
    if !said {
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
    fn underscore_twins_of_forwarding_and_claim_headers_are_dropped() {
        let mut r = req(&[
            ("x_real_ip", "6.6.6.6"),
            ("X_User_Id", "admin"),
            ("x-app", "kept"),
        ]);
        forward(&mut r, &f(false, false)).unwrap();
        assert!(r.headers.get("x_real_ip").is_none());
        assert!(r.headers.get("x_user_id").is_none());
        assert_eq!(r.headers["x-app"], "kept");
        assert_eq!(r.headers["x-real-ip"], "1.2.3.4");
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
        assert_eq!(r.headers["x-forwarded-for"], "1.2.3.4, 1.2.3.4");
        assert_eq!(r.headers["x-forwarded-proto"], "https");
    }

    #[test]
    fn hop_by_hop_headers_of_an_answer_are_dropped() {
        let mut r = ResponseHeader::build(200, None).unwrap();
        for (k, v) in [
            ("connection", "keep-alive, X-Hop"),
            ("keep-alive", "timeout=5"),
            ("x-hop", "internal"),
            ("proxy-connection", "keep-alive"),
            ("content-length", "2"),
            ("x-app", "kept"),
        ] {
            r.append_header(k, v).unwrap();
        }
        strip_hop_by_hop(&mut r);
        for gone in ["keep-alive", "x-hop", "proxy-connection"] {
            assert!(r.headers.get(gone).is_none(), "{gone}");
        }
        assert_eq!(r.headers["x-app"], "kept");
        assert_eq!(r.headers["content-length"], "2");
        // An upgrade's answer keeps what the upgrade needs.
        let mut r = ResponseHeader::build(101, None).unwrap();
        r.append_header("connection", "Upgrade").unwrap();
        r.append_header("upgrade", "websocket").unwrap();
        strip_hop_by_hop(&mut r);
        assert_eq!(r.headers["upgrade"], "websocket");
        assert_eq!(r.headers["connection"], "Upgrade");
    }

    #[test]
    fn request_ids_from_clients_are_checked() {
        assert!(valid_request_id(b"abc-123_x.y:z"));
        assert!(!valid_request_id(b"a b"));
        assert!(!valid_request_id(b"\"><script>"));
        assert!(!valid_request_id(&[b'a'; 129]));
    }
}

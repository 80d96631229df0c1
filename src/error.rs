//! The one error shape every client sees, OpenAI-style so the SDKs parse it:
//! `{"error":{"type":"...","code":"...","message":"...","request_id":"..."}}`.
//!
//! Every rejection in the edge and the shield is an [`HttpError`]; this file is the only
//! place that decides how one looks on the wire.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Serialize;

/// The status recorded (metrics, access log, audit) for a request whose client left before
/// any response went out: nginx's "client closed request", which operators already read.
pub const CLIENT_CLOSED: u16 = 499;

/// A client-facing error: status, machine-readable type and code, human message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct HttpError {
    pub status: u16,
    pub kind: &'static str,
    pub code: &'static str,
    pub message: Cow<'static, str>,
    /// Seconds for `Retry-After` (429, 503).
    pub retry_after: Option<u64>,
    /// Extra response headers (rate-limit state, `Allow`, …).
    pub headers: Vec<(&'static str, String)>,
    /// The request field at fault, as OpenAI's `param` (e.g. `messages[2].content`).
    pub param: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    request_id: &'a str,
}

impl HttpError {
    pub fn new(
        status: u16,
        kind: &'static str,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        HttpError {
            status,
            kind,
            code,
            message: message.into(),
            retry_after: None,
            headers: Vec::new(),
            param: None,
        }
    }

    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs.max(1));
        self
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The JSON body, carrying the request id so a user can quote it to support.
    pub fn body(&self, request_id: &str) -> Bytes {
        let b = Body {
            error: Inner {
                kind: self.kind,
                code: self.code,
                message: &self.message,
                param: self.param.as_deref(),
                request_id,
            },
        };
        serde_json::to_vec(&b).map(Bytes::from).unwrap_or_else(|_| {
            Bytes::from_static(br#"{"error":{"type":"server_error","code":"internal","message":"internal error"}}"#)
        })
    }

    pub fn bad_gateway(upstream: &str) -> Self {
        Self::new(
            502,
            "upstream_error",
            "bad_gateway",
            format!("the upstream {upstream} could not be reached or broke the connection"),
        )
    }

    pub fn gateway_timeout(upstream: &str) -> Self {
        Self::new(
            504,
            "upstream_error",
            "gateway_timeout",
            format!("the upstream {upstream} did not answer in time"),
        )
    }

    pub fn not_found_route() -> Self {
        Self::new(
            404,
            "invalid_request_error",
            "no_route",
            "no route matches this path",
        )
    }

    pub fn payload_too_large(limit: u64) -> Self {
        Self::new(
            413,
            "invalid_request_error",
            "payload_too_large",
            format!("the request body exceeds the limit of {limit} bytes for this route"),
        )
    }

    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(400, "invalid_request_error", "bad_request", message)
    }

    pub fn internal() -> Self {
        Self::new(
            500,
            "server_error",
            "internal",
            "internal error; quote the request id to support",
        )
    }
}

/// A Pingora error as one log line, without its context strings: Pingora fills the context
/// with what it was reading (an unparsable response head's whole buffer, cookies and all),
/// and a log line must never carry traffic. Source and kind of each link, then an I/O cause.
/// TLS failures keep their context: Pingora writes OpenSSL's reason and the configured SNI
/// there, never bytes it read, and without it a certificate problem has no name.
pub fn pingora_error_line(e: &pingora::Error) -> String {
    use pingora::ErrorType::{InvalidCert, TLSHandshakeFailure};
    let mut out = String::new();
    let mut link = Some(e);
    while let Some(err) = link {
        if !out.is_empty() {
            out.push_str(" <- ");
        }
        out.push_str(err.source_str());
        if !err.source_str().is_empty() {
            out.push(' ');
        }
        out.push_str(err.reason_str());
        if matches!(err.etype(), TLSHandshakeFailure | InvalidCert) {
            if let Some(context) = &err.context {
                let context = context.as_str();
                let cut = (0..=context.len().min(300))
                    .rev()
                    .find(|&i| context.is_char_boundary(i))
                    .unwrap_or(0);
                out.push_str(": ");
                out.push_str(&context[..cut]);
            }
        }
        link = None;
        if let Some(cause) = err.cause.as_deref() {
            if let Some(next) = cause.downcast_ref::<pingora::BError>() {
                link = Some(next.as_ref());
            } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                // The kind and OS code only: a custom I/O message may quote what was read.
                out.push_str(&format!(" <- io {:?}", io.kind()));
                if let Some(code) = io.raw_os_error() {
                    out.push_str(&format!(" (os error {code})"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_openai_shaped_and_carries_the_request_id() {
        let e = HttpError::gateway_timeout("core-api");
        let v: serde_json::Value = serde_json::from_slice(&e.body("req-1")).unwrap();
        assert_eq!(v["error"]["type"], "upstream_error");
        assert_eq!(v["error"]["code"], "gateway_timeout");
        assert_eq!(v["error"]["request_id"], "req-1");
        assert!(v["error"]["message"].as_str().unwrap().contains("core-api"));
    }

    #[test]
    fn pingora_error_line_keeps_no_context_but_a_tls_reason() {
        let inner = pingora::Error::explain(
            pingora::ErrorType::InvalidHTTPHeader,
            "buf: HTTP/1.1 200 OK\r\nSet-Cookie: s=SECRET",
        );
        let mut outer =
            pingora::Error::because(pingora::ErrorType::ReadError, "while reading C00KIE", inner);
        outer.as_up();
        let line = super::pingora_error_line(&outer);
        assert_eq!(line, "Upstream ReadError <- InvalidHTTPHeader");
        let io = pingora::Error::because(
            pingora::ErrorType::ConnectRefused,
            "to 10.0.0.1",
            std::io::Error::from_raw_os_error(111),
        );
        assert_eq!(
            super::pingora_error_line(&io),
            "ConnectRefused <- io ConnectionRefused (os error 111)"
        );
        let tls = pingora::Error::explain(
            pingora::ErrorType::InvalidCert,
            "TLS connect() failed: certificate verify failed, SNI: core.internal",
        );
        assert_eq!(
            super::pingora_error_line(&tls),
            "InvalidCert: TLS connect() failed: certificate verify failed, SNI: core.internal"
        );
    }
}

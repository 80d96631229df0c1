//! Reading a request body whole, for the parts of the edge that must see it before the
//! upstream does: the shield (`/ai/`) and the login guard.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header;
use pingora::proxy::Session;

use crate::shield::BodyError;

/// The body, up to `limit` bytes, and whether `100 Continue` was sent for it. Each read
/// waits at most `timeout`: Pingora applies `body_read_timeout` to HTTP/1 reads only.
/// A body refused for its size or its pace leaves the connection not to be kept.
pub async fn read_whole(
    session: &mut Session,
    limit: u64,
    timeout: Duration,
) -> Result<(Bytes, bool), BodyError> {
    let declared = declared_length(session);
    if declared.is_some_and(|n| n > limit) {
        session.set_keepalive(None);
        return Err(BodyError::TooLarge(limit));
    }
    let expects_continue = session
        .req_header()
        .headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if expects_continue {
        session
            .write_continue_response()
            .await
            .map_err(|e| BodyError::Io(e.to_string()))?;
    }
    let mut buf =
        BytesMut::with_capacity(declared.map_or(8192, |n| usize::try_from(n).unwrap_or(8192)));
    while let Some(chunk) = tokio::time::timeout(timeout, session.read_request_body())
        .await
        .map_err(|_| {
            session.set_keepalive(None);
            BodyError::TimedOut(timeout)
        })?
        .map_err(|e| {
            // On HTTP/1 Pingora's own read timeout is the same `body_read_timeout` and may
            // fire first: it is the same slow body, not an unreadable one (408, not 400).
            if *e.etype() == pingora::ErrorType::ReadTimedout {
                session.set_keepalive(None);
                BodyError::TimedOut(timeout)
            } else {
                BodyError::Io(e.to_string())
            }
        })?
    {
        if (buf.len() + chunk.len()) as u64 > limit {
            session.set_keepalive(None);
            return Err(BodyError::TooLarge(limit));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((buf.freeze(), expects_continue))
}

/// The body length the request declares, when it declares a readable one.
pub fn declared_length(session: &Session) -> Option<u64> {
    session
        .req_header()
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

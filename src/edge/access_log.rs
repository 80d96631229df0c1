//! JSON-lines access log, written off the request path.
//!
//! Each request becomes one line. Formatting happens on the request's thread (it is a few
//! hundred bytes), writing happens on a dedicated thread behind a bounded channel so a slow
//! stdout or disk never holds a request; if the channel is full the line is dropped and
//! counted in `securetag_access_log_dropped_total` rather than stalling traffic, the same
//! trade Nginx makes with a buffered `access_log` on a full disk.
//!
//! Query values that carry credentials (`key`, `token`, `password`, …) are masked before
//! the line is built: the log must never hold a secret.

use std::io::Write;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use prometheus::IntCounter;
use serde::Serialize;

use crate::config::AccessLogTarget;

/// One access-log line; field names are stable, dashboards and log pipelines use them.
#[derive(Serialize)]
pub struct Entry<'a> {
    pub time: String,
    pub request_id: &'a str,
    /// A trusted proxy's `x-request-id` that the AI gateway replaced with its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_request_id: Option<&'a str>,
    pub client_ip: String,
    pub method: &'a str,
    pub path: &'a str,
    pub protocol: &'a str,
    pub host: &'a str,
    pub status: u16,
    pub bytes_sent: usize,
    pub bytes_received: usize,
    pub route: &'a str,
    pub upstream: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_addr: Option<String>,
    pub duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub user_agent: &'a str,
}

struct Writer {
    tx: SyncSender<Msg>,
    dropped: IntCounter,
}

/// What the writer thread is sent: a line, or a shutdown's request to say when every line
/// before it is written.
enum Msg {
    Line(Vec<u8>),
    Flush(SyncSender<()>),
}

static WRITER: OnceLock<Option<Writer>> = OnceLock::new();
static TARGET: OnceLock<AccessLogTarget> = OnceLock::new();

/// Chooses the destination; call once at start, before the first request.
pub fn init(target: AccessLogTarget) {
    let _ = TARGET.set(target);
}

/// Whether lines are written at all; callers skip building an entry when not.
pub fn enabled() -> bool {
    !matches!(TARGET.get(), Some(AccessLogTarget::Off))
}

/// Queues one line; never blocks.
pub fn write(entry: &Entry<'_>) {
    let Some(w) = WRITER.get_or_init(start_writer) else {
        return;
    };
    let mut line = match serde_json::to_vec(entry) {
        Ok(l) => l,
        Err(_) => return,
    };
    line.push(b'\n');
    if let Err(TrySendError::Full(_)) = w.tx.try_send(Msg::Line(line)) {
        w.dropped.inc();
    }
}

/// Waits up to `budget` for the lines queued so far to be written: the process exit would
/// otherwise end the writer thread with the last requests' lines still queued. Says whether
/// they were.
pub fn flush_blocking(budget: Duration) -> bool {
    let Some(Some(w)) = WRITER.get() else {
        return true;
    };
    let (done, written) = sync_channel(1);
    let deadline = Instant::now() + budget;
    let mut msg = Msg::Flush(done);
    // The queue may be full: retry until the deadline rather than block past it.
    loop {
        match w.tx.try_send(msg) {
            Ok(()) => break,
            Err(TrySendError::Full(m)) if Instant::now() < deadline => {
                msg = m;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return false,
        }
    }
    written
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .is_ok()
}

/// Started lazily so the thread exists in the process that serves (after any fork).
fn start_writer() -> Option<Writer> {
    let target = TARGET.get().cloned().unwrap_or(AccessLogTarget::Stdout);
    let mut out: Box<dyn Write + Send> = match &target {
        AccessLogTarget::Off => return None,
        AccessLogTarget::Stdout => Box::new(std::io::stdout()),
        AccessLogTarget::File(p) => {
            match std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
            {
                Ok(f) => Box::new(f),
                Err(e) => {
                    tracing::error!(path = %p.display(), error = %e,
                        "cannot open the access log; writing it to stdout instead");
                    Box::new(std::io::stdout())
                }
            }
        }
    };
    let dropped = IntCounter::new(
        "access_log_dropped_total",
        "Access-log lines dropped because the writer could not keep up",
    )
    .ok()?;
    crate::metrics::get().register(Box::new(dropped.clone()));
    let (tx, rx) = sync_channel::<Msg>(65_536);
    let spawned = std::thread::Builder::new()
        .name("access-log".into())
        .spawn(move || {
            let mut buf = Vec::with_capacity(64 * 1024);
            while let Ok(first) = rx.recv() {
                let mut next = Some(first);
                let mut flushed = None;
                // Take what is already queued so a burst costs one write call.
                while let Some(msg) = next.take() {
                    match msg {
                        Msg::Line(l) => buf.extend_from_slice(&l),
                        Msg::Flush(done) => {
                            flushed = Some(done);
                            break;
                        }
                    }
                    if buf.len() < 60 * 1024 {
                        next = rx.try_recv().ok();
                    }
                }
                let written = out.write_all(&buf).and_then(|_| out.flush()).is_ok();
                buf.clear();
                // A failed write is not confirmed: the shutdown logs the lines as unwritten.
                if let (Some(done), true) = (flushed, written) {
                    let _ = done.try_send(());
                }
            }
        });
    spawned.ok()?;
    Some(Writer { tx, dropped })
}

/// Query parameter names whose values are credentials. Names are compared lower-cased with
/// `-` and `_` dropped, so `api-key`, `apiKey` and `API_KEY` are one name; a suffix match
/// masks some harmless names too (`sortkey`), which costs a log reader less than a leak.
fn is_sensitive(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "token",
        "password",
        "passwd",
        "pwd",
        "pass",
        "secret",
        "signature",
        "sig",
        "auth",
        "authorization",
        "session",
        "sessionid",
        "jwt",
        "code",
        "credential",
        "credentials",
        "idtokenhint",
        "oauthverifier",
        "otp",
        "passcode",
        "pin",
        "sid",
        "ticket",
        "samlresponse",
        "samlrequest",
    ];
    const SUFFIXES: &[&str] = &[
        "key",
        "token",
        "secret",
        "password",
        "signature",
        "credential",
        "hash",
    ];
    let n: String = name
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    EXACT.contains(&n.as_str()) || SUFFIXES.iter().any(|s| n.ends_with(s))
}

/// The request target with credential values in the query replaced by `***`.
pub fn mask_query(target: &str) -> std::borrow::Cow<'_, str> {
    let Some((path, query)) = target.split_once('?') else {
        return target.into();
    };
    // Pairs end at `&` or, as some servers and frameworks read them, `;`.
    let mut out = String::with_capacity(target.len());
    let mut changed = false;
    for (i, kv) in query.split_inclusive(['&', ';']).enumerate() {
        let (body, sep) = match kv.strip_suffix(['&', ';']) {
            Some(b) => (b, &kv[b.len()..]),
            None => (kv, ""),
        };
        if i == 0 {
            out.push_str(path);
            out.push('?');
        }
        let (k, v) = body.split_once('=').unwrap_or((body, ""));
        let spaced;
        let k_read = if k.contains('+') {
            spaced = k.replace('+', " ");
            spaced.as_str()
        } else {
            k
        };
        let name = percent_encoding::percent_decode_str(k_read).decode_utf8_lossy();
        // Any part of a bracketed or dotted name: Express's qs files `[access_token]` and
        // `access_token[]` under `access_token`, and the edge accepts such a WebSocket token.
        let sensitive = name
            .split(['[', ']', '.'])
            .any(|part| !part.trim().is_empty() && is_sensitive(part.trim()));
        if !v.is_empty() && sensitive {
            changed = true;
            out.push_str(k);
            out.push_str("=***");
        } else {
            out.push_str(body);
        }
        out.push_str(sep);
    }
    if !changed {
        return target.into();
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_query_values_are_masked() {
        assert_eq!(
            mask_query("/x?api_key=sk-123&page=2&access_token=abc&Password=p"),
            "/x?api_key=***&page=2&access_token=***&Password=***"
        );
        assert_eq!(mask_query("/x?%61pi_key=s"), "/x?%61pi_key=***");
        assert_eq!(
            mask_query("/s?X-Amz-Signature=a&X-Amz-Security-Token=b&accessToken=c&api-key=d&client-secret=e&X-Amz-Credential=f&id=7"),
            "/s?X-Amz-Signature=***&X-Amz-Security-Token=***&accessToken=***&api-key=***&client-secret=***&X-Amz-Credential=***&id=7"
        );
        assert_eq!(mask_query("/plain?page=1"), "/plain?page=1");
        assert_eq!(
            mask_query(
                "/auth/confirm?token_hash=h&otp=1&sid=s&ticket=t&SAMLResponse=r&type=signup"
            ),
            "/auth/confirm?token_hash=***&otp=***&sid=***&ticket=***&SAMLResponse=***&type=signup"
        );
        assert_eq!(
            mask_query("/s?a=1;token=T0K;b=2&&sig=x&"),
            "/s?a=1;token=***;b=2&&sig=***&"
        );
        assert_eq!(mask_query("/nothing"), "/nothing");
        // Names qs reads as a credential, however bracketed, dotted or encoded.
        assert_eq!(
            mask_query("/ws?[access_token]=a&access_token[]=b&auth[token]=c&session.secret=d&access%5Ftoken=e&page[size]=9"),
            "/ws?[access_token]=***&access_token[]=***&auth[token]=***&session.secret=***&access%5Ftoken=***&page[size]=9"
        );
    }
}

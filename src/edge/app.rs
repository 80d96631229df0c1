//! The listening application: Pingora's proxy wrapped with a header-read deadline.
//!
//! Pingora bounds each read of the request head (by the keepalive timeout) but not the
//! whole head, so a client trickling one byte at a time could hold a connection for ever
//! (slowloris). This wrapper races each HTTP/1 request against a deadline that is cancelled
//! the moment the proxy's first phase sees complete headers; past it, the connection is
//! dropped. HTTP/2 streams are exempt: their headers arrive in frames the h2 layer bounds,
//! and `preface` bounds the wait for an HTTP/2 connection's first bytes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use pingora::apps::{HttpServerApp, HttpServerOptions, ReusedHttpStream, ServerApp};
use pingora::protocols::http::ServerSession;
use pingora::protocols::Stream;
use pingora::proxy::HttpProxy;
use pingora::server::ShutdownWatch;

use super::proxy::{EdgeProxy, HEADERS_SEEN};
use super::state::Shared;

pub struct EdgeApp {
    pub proxy: Arc<HttpProxy<EdgeProxy>>,
    pub shared: Shared,
}

#[async_trait]
impl HttpServerApp for EdgeApp {
    async fn process_new_http(
        self: &Arc<Self>,
        mut session: ServerSession,
        shutdown: &ShutdownWatch,
    ) -> Option<ReusedHttpStream> {
        if session.is_http2() {
            return self.proxy.process_new_http(session, shutdown).await;
        }
        let limits = self.shared.load().config.limits.clone();
        let reused = session.take_connection_user_context().is_some();
        let budget = header_budget(limits.header_read_timeout, limits.keepalive_timeout, reused);
        session.set_keepalive(Some(limits.keepalive_timeout.as_secs().max(1)));

        let seen = Arc::new(AtomicBool::new(false));
        let work = HEADERS_SEEN.scope(seen.clone(), self.proxy.process_new_http(session, shutdown));
        tokio::pin!(work);
        tokio::select! {
            biased;
            r = &mut work => r,
            // A Tokio timer, not Pingora's fast timer: the fast timer is not removed when
            // dropped, so at 10k requests/s its pending 70 s deadlines held ~60 MB.
            _ = tokio::time::sleep(budget) => {
                if seen.load(Ordering::Relaxed) {
                    work.await
                } else {
                    tracing::debug!(timeout = ?budget, "request headers not complete in time; closing");
                    None
                }
            }
        }
    }

    fn server_options(&self) -> Option<&HttpServerOptions> {
        self.proxy.server_options()
    }

    fn h2_options(&self) -> Option<pingora::protocols::http::v2::server::H2Options> {
        self.proxy.h2_options()
    }

    async fn http_cleanup(&self) {
        self.proxy.http_cleanup().await
    }
}

/// A kept-alive connection may idle for the keepalive timeout before its next request
/// starts, so its deadline includes that wait.
fn header_budget(header_timeout: Duration, keepalive: Duration, reused: bool) -> Duration {
    if reused {
        header_timeout + keepalive
    } else {
        header_timeout
    }
}

/// When the newest client connection reached the app, in ms since [`EPOCH`].
static NEWEST_CONNECTION_MS: AtomicU64 = AtomicU64::new(0);
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

/// How long ago the newest client connection arrived. A request counts as in flight only
/// once its headers are read, so a drain waits a moment past the last connection.
pub fn since_newest_connection() -> Duration {
    let newest = NEWEST_CONNECTION_MS.load(Ordering::Relaxed);
    let now = u64::try_from(EPOCH.elapsed().as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(now.saturating_sub(newest))
}

/// Counts open client connections around the whole life of each one, and gives an HTTP/2
/// client the header read timeout to send its connection preface.
pub struct CountConnections(pub Arc<EdgeApp>);

#[async_trait]
impl ServerApp for CountConnections {
    async fn process_new(
        self: &Arc<Self>,
        stream: Stream,
        shutdown: &ShutdownWatch,
    ) -> Option<Stream> {
        let gauge = &crate::metrics::get().open_connections;
        gauge.inc();
        let now = u64::try_from(EPOCH.elapsed().as_millis()).unwrap_or(u64::MAX);
        NEWEST_CONNECTION_MS.fetch_max(now, Ordering::Relaxed);
        let preface_timeout = self.0.shared.load().config.limits.header_read_timeout;
        let stream = super::preface::bound(stream, preface_timeout);
        let r = self.0.process_new(stream, shutdown).await;
        gauge.dec();
        r
    }

    async fn cleanup(&self) {
        self.0.cleanup().await
    }
}

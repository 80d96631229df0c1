//! A deadline on an HTTP/2 connection's first bytes.
//!
//! Pingora bounds the TLS handshake (60 s) and, once the h2 handshake is done, idle
//! connections (`h2_idle_timeout`), but not the wait for the client's connection preface in
//! between: a client that completes TLS with ALPN `h2` and then sends nothing held its
//! connection for ever. This wrapper fails the connection's reads once the deadline passes
//! before the preface's 24 bytes have arrived; after them it only passes calls through.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use pingora::protocols::raw_connect::ProxyDigest;
use pingora::protocols::tls::{SslDigest, TlsRef};
use pingora::protocols::{
    GetProxyDigest, GetSocketDigest, GetTimingDigest, Peek, Shutdown, SocketDigest, Ssl, Stream,
    TimingDigest, UniqueID, UniqueIDType, ALPN,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// The client connection preface of RFC 9113 §3.4: `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`.
const PREFACE_LEN: usize = 24;

/// Wraps `stream` when TLS chose HTTP/2 for it; HTTP/1 connections have their own
/// header deadline (`app`) and are returned as they are.
pub fn bound(stream: Stream, timeout: Duration) -> Stream {
    if matches!(stream.selected_alpn_proto(), Some(ALPN::H2)) {
        Box::new(PrefaceDeadline {
            inner: stream,
            deadline: Some(Box::pin(tokio::time::sleep(timeout))),
            unread: PREFACE_LEN,
        })
    } else {
        stream
    }
}

/// The stream, and the timer that runs until `unread` reaches zero.
struct PrefaceDeadline {
    inner: Stream,
    deadline: Option<Pin<Box<Sleep>>>,
    unread: usize,
}

impl fmt::Debug for PrefaceDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrefaceDeadline")
            .field("inner", &self.inner)
            .field("unread", &self.unread)
            .finish()
    }
}

impl AsyncRead for PrefaceDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        let Some(deadline) = this.deadline.as_mut() else {
            return polled;
        };
        if polled.is_ready() {
            let read = buf.filled().len() - before;
            this.unread = this.unread.saturating_sub(read);
            // Nothing read into room for it is the end of the stream.
            if this.unread == 0 || (read == 0 && buf.remaining() > 0) {
                this.deadline = None;
            }
            return polled;
        }
        // Still waiting: the timer's waker is registered along with the socket's.
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                tracing::debug!("no HTTP/2 connection preface in time; closing");
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no HTTP/2 connection preface before the header read timeout",
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for PrefaceDeadline {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[async_trait]
impl Shutdown for PrefaceDeadline {
    async fn shutdown(&mut self) {
        self.inner.shutdown().await
    }
}

impl UniqueID for PrefaceDeadline {
    fn id(&self) -> UniqueIDType {
        self.inner.id()
    }
}

impl Ssl for PrefaceDeadline {
    fn get_ssl(&self) -> Option<&TlsRef> {
        self.inner.get_ssl()
    }

    fn get_ssl_digest(&self) -> Option<Arc<SslDigest>> {
        self.inner.get_ssl_digest()
    }

    fn selected_alpn_proto(&self) -> Option<ALPN> {
        self.inner.selected_alpn_proto()
    }
}

impl GetTimingDigest for PrefaceDeadline {
    fn get_timing_digest(&self) -> Vec<Option<TimingDigest>> {
        self.inner.get_timing_digest()
    }

    fn get_read_pending_time(&self) -> Duration {
        self.inner.get_read_pending_time()
    }

    fn get_write_pending_time(&self) -> Duration {
        self.inner.get_write_pending_time()
    }
}

impl GetProxyDigest for PrefaceDeadline {
    fn get_proxy_digest(&self) -> Option<Arc<ProxyDigest>> {
        self.inner.get_proxy_digest()
    }

    fn set_proxy_digest(&mut self, digest: ProxyDigest) {
        self.inner.set_proxy_digest(digest)
    }
}

impl GetSocketDigest for PrefaceDeadline {
    fn get_socket_digest(&self) -> Option<Arc<SocketDigest>> {
        self.inner.get_socket_digest()
    }

    fn set_socket_digest(&mut self, digest: SocketDigest) {
        self.inner.set_socket_digest(digest)
    }
}

#[async_trait]
impl Peek for PrefaceDeadline {
    async fn try_peek(&mut self, buf: &mut [u8]) -> io::Result<bool> {
        self.inner.try_peek(buf).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    const PREFACE: &[u8; PREFACE_LEN] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    fn deadline_of_1s(server: DuplexStream) -> PrefaceDeadline {
        PrefaceDeadline {
            inner: Box::new(server),
            deadline: Some(Box::pin(tokio::time::sleep(Duration::from_secs(1)))),
            unread: PREFACE_LEN,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_sends_nothing_times_out() {
        let (_client, server) = tokio::io::duplex(64);
        let mut s = deadline_of_1s(server);
        let err = s.read(&mut [0u8; 64]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn part_of_the_preface_is_not_enough() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut s = deadline_of_1s(server);
        client.write_all(&PREFACE[..10]).await.unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(s.read(&mut buf).await.unwrap(), 10);
        let err = s.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_preface_a_read_waits_as_long_as_it_needs() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut s = deadline_of_1s(server);
        client.write_all(PREFACE).await.unwrap();
        let mut buf = [0u8; 64];
        let mut got = 0;
        while got < PREFACE_LEN {
            got += s.read(&mut buf[got..]).await.unwrap();
        }
        assert_eq!(&buf[..PREFACE_LEN], PREFACE);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            client.write_all(b"frame").await.unwrap();
        });
        assert_eq!(s.read(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf[..5], b"frame");
    }
}

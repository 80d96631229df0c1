//! LLM providers: which one serves a model, and one call to it.
//!
//! Calls go through Pingora's own HTTP connector, so provider connections share Pingora's
//! keepalive pool, TLS stack and timeouts with the rest of the edge. The shield reads the
//! whole prompt before it can choose a provider (the model name is in the body) and must
//! send a rewritten body with an exact `Content-Length`, which Pingora's proxy phases cannot
//! do for bodies over 64 KiB; so the shield makes the upstream call itself, through the same
//! connector.
//!
//! Host names are resolved with the system resolver and cached for a minute, so a provider
//! moving addresses (as large APIs do) is followed without a restart. A call tries the
//! host's addresses in turn until one connects.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::Mutex;
use pingora::connectors::http::Connector;
use pingora::http::RequestHeader;
use pingora::protocols::http::client::HttpSession;
use pingora::upstreams::peer::HttpPeer;

use super::settings::{ProviderKind, ProviderSpec};

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("cannot resolve {host}: {detail}")]
    Dns { host: String, detail: String },
    #[error("cannot connect to the provider: {0}")]
    Connect(String),
    #[error("the provider did not answer in time")]
    Timeout,
    #[error("the provider connection failed: {0}")]
    Io(String),
    #[error("the provider's answer is larger than {0} bytes")]
    TooLarge(usize),
}

impl ProviderError {
    fn from_pingora(e: pingora::BError) -> Self {
        use pingora::ErrorType as T;
        match e.etype() {
            T::ConnectTimedout | T::ReadTimedout | T::WriteTimedout => ProviderError::Timeout,
            T::ConnectRefused | T::ConnectNoRoute | T::ConnectError | T::TLSHandshakeFailure => {
                ProviderError::Connect(crate::error::pingora_error_line(&e))
            }
            _ => ProviderError::Io(crate::error::pingora_error_line(&e)),
        }
    }
}

/// Whether `e` happened before the connection existed, so another address may serve.
fn connect_phase(e: &pingora::BError) -> bool {
    use pingora::ErrorType as T;
    matches!(
        e.etype(),
        T::ConnectTimedout | T::ConnectRefused | T::ConnectNoRoute | T::ConnectError
    )
}

/// Addresses by (host, port), with when they were found.
type AddressCache = HashMap<(String, u16), (Instant, Vec<SocketAddr>)>;

/// Every configured provider, and the connection pool they share.
pub struct Providers {
    pub specs: Vec<Arc<ProviderSpec>>,
    connector: Connector,
    dns: Arc<Mutex<AddressCache>>,
    next: AtomicUsize,
}

const DNS_TTL: Duration = Duration::from_secs(60);
/// How long a background lookup may take.
const LOOKUP_MAX: Duration = Duration::from_secs(30);
/// How long addresses kept past a failed lookup serve before the next lookup.
const STALE_RETRY: Duration = Duration::from_secs(10);

impl Providers {
    pub fn new(specs: Vec<Arc<ProviderSpec>>) -> Self {
        Providers {
            specs,
            connector: Connector::new(None),
            dns: Arc::new(Mutex::new(HashMap::new())),
            next: AtomicUsize::new(0),
        }
    }

    /// The first provider whose model globs match `model`, in configuration order.
    pub fn for_model(&self, model: &str) -> Option<&Arc<ProviderSpec>> {
        self.specs.iter().find(|p| p.serves(model))
    }

    /// Concrete model names (not globs) the providers declare, for `/v1/models`.
    pub fn listed_models(&self) -> impl Iterator<Item = &String> {
        self.specs
            .iter()
            .flat_map(|p| &p.model_names)
            .filter(|m| !m.contains(['*', '?']))
    }

    /// The addresses of `spec`'s host and port, first the one whose turn it is. The cache
    /// is keyed by port too, since two providers on one host (two vLLM servers on one GPU
    /// box) are two servers with two keys.
    ///
    /// Addresses past their minute serve while one lookup refreshes them in the
    /// background; a lookup that fails, or hangs, leaves them serving, and the next is
    /// tried [`STALE_RETRY`] later: a resolver's hiccup is not the provider's outage, and
    /// calls do not queue behind it. Only a host never resolved waits for its lookup.
    async fn resolve(
        &self,
        spec: &ProviderSpec,
        deadline: tokio::time::Instant,
    ) -> Result<Vec<SocketAddr>, ProviderError> {
        let key = (spec.host.clone(), spec.port);
        // Looked at and, when stale, stamped under one lock: calls meanwhile use these
        // addresses and start no lookup of their own, and a refresh that just landed is
        // not stamped over.
        let cached = {
            let mut dns = self.dns.lock();
            match dns.get_mut(&key) {
                Some((t, a)) if t.elapsed() >= DNS_TTL => {
                    *t = Instant::now()
                        .checked_sub(DNS_TTL - STALE_RETRY)
                        .unwrap_or_else(Instant::now);
                    Some((true, a.clone()))
                }
                Some((_, a)) => Some((false, a.clone())),
                None => None,
            }
        };
        let mut addrs = match cached {
            Some((false, a)) => a,
            Some((true, a)) => {
                let (dns, name) = (self.dns.clone(), spec.name.clone());
                tokio::spawn(async move {
                    let lookup = tokio::net::lookup_host((key.0.as_str(), key.1));
                    let found = tokio::time::timeout(LOOKUP_MAX, lookup)
                        .await
                        .map(|r| r.map(|it| it.collect::<Vec<SocketAddr>>()));
                    match found {
                        Ok(Ok(found)) if !found.is_empty() => {
                            dns.lock().insert(key, (Instant::now(), found));
                        }
                        Ok(Ok(_)) => tracing::warn!(provider = %name, host = %key.0,
                            "provider lookup found no address; using the addresses found before"),
                        Ok(Err(e)) => tracing::warn!(provider = %name, host = %key.0, error = %e,
                            "provider lookup failed; using the addresses found before"),
                        Err(_) => tracing::warn!(provider = %name, host = %key.0,
                            "provider lookup timed out; using the addresses found before"),
                    }
                });
                a
            }
            None => {
                let lookup = tokio::net::lookup_host((spec.host.as_str(), spec.port));
                let found: Vec<SocketAddr> = tokio::time::timeout_at(deadline, lookup)
                    .await
                    .map_err(|_| ProviderError::Timeout)?
                    .map_err(|e| ProviderError::Dns {
                        host: spec.host.clone(),
                        detail: e.to_string(),
                    })?
                    .collect();
                if found.is_empty() {
                    return Err(ProviderError::Dns {
                        host: spec.host.clone(),
                        detail: "no addresses".into(),
                    });
                }
                self.dns.lock().insert(key, (Instant::now(), found.clone()));
                found
            }
        };
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % addrs.len();
        addrs.rotate_left(turn);
        Ok(addrs)
    }

    /// A connection to the first of `addrs` that takes one. An address that cannot be
    /// reached (an AAAA record on a droplet without IPv6, one dead server of several) costs
    /// its connect attempt, not the request; the lookup and every attempt share `deadline`.
    async fn connect(
        &self,
        spec: &ProviderSpec,
        addrs: &[SocketAddr],
        deadline: tokio::time::Instant,
    ) -> Result<(HttpSession, HttpPeer), ProviderError> {
        let mut last = ProviderError::Connect("no address to try".into());
        for &addr in addrs {
            let mut peer = HttpPeer::new(addr, spec.tls, spec.host.clone());
            peer.options.connection_timeout = Some(spec.connect_timeout);
            peer.options.read_timeout = Some(spec.timeout);
            peer.options.write_timeout = Some(spec.timeout);
            peer.options.idle_timeout = Some(Duration::from_secs(90));
            peer.options.verify_cert = spec.verify_cert;
            peer.options.verify_hostname = spec.verify_cert;
            // The TLS handshake too is bounded by the deadline: `connection_timeout` covers
            // only the TCP connect.
            match tokio::time::timeout_at(deadline, self.connector.get_http_session(&peer)).await {
                Err(_) => return Err(ProviderError::Timeout),
                Ok(Ok((session, _reused))) => return Ok((session, peer)),
                Ok(Err(e)) if connect_phase(&e) => {
                    tracing::debug!(provider = %spec.name, %addr,
                        error = %crate::error::pingora_error_line(&e), "provider address failed; trying the next");
                    last = ProviderError::from_pingora(e);
                }
                Ok(Err(e)) => return Err(ProviderError::from_pingora(e)),
            }
        }
        Err(last)
    }

    /// Sends `body` to `spec` and returns once the response head has arrived.
    pub async fn send(
        &self,
        spec: &ProviderSpec,
        api_key: Option<&str>,
        body: Bytes,
        stream: bool,
        request_id: &str,
    ) -> Result<Upstream, ProviderError> {
        if spec.kind == ProviderKind::Echo {
            return Ok(super::echo::respond(&body, stream));
        }
        // The timeout bounds the whole answer of a non-streaming call (see `read_all`).
        let deadline = tokio::time::Instant::now() + spec.timeout;
        let addrs = self.resolve(spec, deadline).await?;
        let (mut session, peer) = self.connect(spec, &addrs, deadline).await?;
        // The connector does not put the peer's read and write timeouts on the session
        // (only Pingora's proxy does): without them a provider that goes silent in the
        // middle of a stream would hold the request, and its stream permit, for ever.
        session.set_read_timeout(Some(spec.timeout));
        session.set_write_timeout(Some(spec.timeout));
        let path = format!("{}/chat/completions", spec.base_path);
        let mut req = RequestHeader::build("POST", path.as_bytes(), Some(8))
            .map_err(ProviderError::from_pingora)?;
        // An IPv6 literal is written in brackets in `Host` (RFC 9110 §7.2).
        let name = if spec.host.contains(':') {
            format!("[{}]", spec.host)
        } else {
            spec.host.clone()
        };
        let host = if (spec.tls && spec.port == 443) || (!spec.tls && spec.port == 80) {
            name
        } else {
            format!("{name}:{}", spec.port)
        };
        let headers: [(&str, String); 7] = [
            ("host", host),
            ("content-type", "application/json".into()),
            ("content-length", body.len().to_string()),
            (
                "accept",
                if stream {
                    "text/event-stream"
                } else {
                    "application/json"
                }
                .into(),
            ),
            (
                "user-agent",
                concat!("securetag-edge/", env!("CARGO_PKG_VERSION")).into(),
            ),
            ("x-request-id", request_id.into()),
            // The answer is scanned as it comes: no gzip or br (no Accept-Encoding would
            // allow any coding, RFC 9110 §12.5.3).
            ("accept-encoding", "identity".into()),
        ];
        for (k, v) in headers {
            req.insert_header(k, v)
                .map_err(ProviderError::from_pingora)?;
        }
        if let Some(key) = api_key {
            req.insert_header("authorization", format!("Bearer {key}"))
                .map_err(ProviderError::from_pingora)?;
        }
        let exchange = async {
            session.write_request_header(Box::new(req)).await?;
            session.write_request_body(body, true).await?;
            session.finish_request_body().await?;
            // `100 Continue` or `103 Early Hints` come before the answer's own head.
            loop {
                session.read_response_header().await?;
                if !session
                    .response_header()
                    .is_some_and(|h| h.status.is_informational())
                {
                    break;
                }
            }
            Ok::<(), pingora::BError>(())
        };
        match tokio::time::timeout_at(deadline, exchange).await {
            Err(_) => return Err(ProviderError::Timeout),
            Ok(Err(e)) => return Err(ProviderError::from_pingora(e)),
            Ok(Ok(())) => {}
        }
        let Some(head) = session.response_header() else {
            return Err(ProviderError::Io("no response header".into()));
        };
        let status = head.status.as_u16();
        if let Some(coding) = head
            .headers
            .get("content-encoding")
            .filter(|v| !v.as_bytes().eq_ignore_ascii_case(b"identity"))
        {
            // Compressed bytes would pass the scan unread and reach a client told nothing.
            return Err(ProviderError::Io(format!(
                "the provider answered with Content-Encoding {:?}, which the gateway cannot scan",
                String::from_utf8_lossy(coding.as_bytes())
            )));
        }
        let content_type = head
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = head
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Upstream {
            status,
            content_type,
            retry_after,
            body: Body::Remote {
                session: Box::new(session),
                peer: Box::new(peer),
                deadline,
            },
        })
    }

    /// Returns a finished connection to the pool.
    pub async fn release(&self, up: Upstream) {
        if let Body::Remote {
            mut session, peer, ..
        } = up.body
        {
            if session.response_done() {
                self.connector
                    .release_http_session(*session, &*peer, Some(Duration::from_secs(90)))
                    .await;
            } else {
                session.shutdown().await;
            }
        }
    }
}

/// A provider's answer, read chunk by chunk.
pub struct Upstream {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    body: Body,
}

enum Body {
    Remote {
        session: Box<HttpSession>,
        peer: Box<HttpPeer>,
        /// When the provider's timeout, counted from the request, runs out.
        deadline: tokio::time::Instant,
    },
    Memory(VecDeque<Bytes>),
}

impl Upstream {
    /// An answer produced in process (the echo provider).
    pub fn memory(status: u16, content_type: &str, chunks: Vec<Bytes>) -> Self {
        Upstream {
            status,
            content_type: Some(content_type.into()),
            retry_after: None,
            body: Body::Memory(chunks.into()),
        }
    }

    /// Whether the answer says it is an event stream; media types are case-insensitive
    /// (`Text/Event-Stream` read whole would be scanned as one flat text). Under another
    /// type a stream is still read whole, as text: never passed on unread.
    pub fn is_event_stream(&self) -> bool {
        self.content_type.as_deref().is_some_and(|c| {
            c.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
        })
    }

    /// The next piece of the body, `None` at the end.
    pub async fn next(&mut self) -> Result<Option<Bytes>, ProviderError> {
        match &mut self.body {
            Body::Memory(q) => Ok(q.pop_front()),
            Body::Remote { session, .. } => session
                .read_response_body()
                .await
                .map_err(ProviderError::from_pingora),
        }
    }

    /// The whole body, refusing more than `limit` bytes or a body still arriving when the
    /// provider's timeout runs out: the per-read timeout alone would let a provider that
    /// trickles its answer hold the request for ever.
    pub async fn read_all(&mut self, limit: usize) -> Result<Bytes, ProviderError> {
        let deadline = match &self.body {
            Body::Remote { deadline, .. } => Some(*deadline),
            Body::Memory(_) => None,
        };
        let read = async {
            let mut buf = bytes::BytesMut::new();
            while let Some(chunk) = self.next().await? {
                if buf.len() + chunk.len() > limit {
                    return Err(ProviderError::TooLarge(limit));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(buf.freeze())
        };
        match deadline {
            Some(d) => tokio::time::timeout_at(d, read)
                .await
                .unwrap_or(Err(ProviderError::Timeout)),
            None => read.await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(host: &str, port: u16) -> ProviderSpec {
        ProviderSpec {
            name: "p".into(),
            kind: ProviderKind::OpenAi,
            tls: false,
            host: host.into(),
            port,
            base_path: "/v1".into(),
            api_key: None,
            models: vec![],
            model_names: vec![],
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(1),
            verify_cert: true,
        }
    }

    /// A dead address before a live one (an AAAA record on a host without IPv6) costs its
    /// attempt, not the call.
    #[tokio::test]
    async fn a_dead_address_is_passed_over() {
        let live = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let live_addr = live.local_addr().unwrap();
        let dead_addr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let providers = Providers::new(vec![]);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let s = spec("127.0.0.1", live_addr.port());
        let (_session, peer) = providers
            .connect(&s, &[dead_addr, live_addr], deadline)
            .await
            .expect("the live address connects");
        assert_eq!(peer._address.as_inet(), Some(&live_addr));
        let only_dead = providers.connect(&s, &[dead_addr], deadline).await;
        assert!(
            matches!(only_dead, Err(ProviderError::Connect(_))),
            "{:?}",
            only_dead.err()
        );
    }

    /// Addresses past their minute serve at once while a lookup refreshes them; a failed
    /// lookup leaves them, and is not tried again at once.
    #[tokio::test]
    async fn addresses_found_before_serve_while_the_lookup_fails() {
        let providers = Providers::new(vec![]);
        let s = spec("no-such-host.invalid", 443);
        let key = (s.host.clone(), 443);
        let old: Vec<SocketAddr> = vec!["192.0.2.7:443".parse().unwrap()];
        let expired = Instant::now()
            .checked_sub(DNS_TTL + Duration::from_secs(1))
            .expect("the machine has been up a minute");
        providers
            .dns
            .lock()
            .insert(key.clone(), (expired, old.clone()));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        assert_eq!(providers.resolve(&s, deadline).await.unwrap(), old);
        // Stamped to be looked up again in STALE_RETRY, not in a minute, not at once.
        let (kept, _) = providers.dns.lock().get(&key).cloned().unwrap();
        let age = kept.elapsed();
        assert!(
            age >= DNS_TTL - STALE_RETRY && age < DNS_TTL,
            "stamped {age:?} ago"
        );
        // The refresh failed: they still serve.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(providers.resolve(&s, deadline).await.unwrap(), old);
    }

    /// Two providers on one host and two ports are cached apart.
    #[tokio::test]
    async fn the_address_cache_keeps_ports_apart() {
        let providers = Providers::new(vec![]);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let a = providers
            .resolve(&spec("127.0.0.1", 8000), deadline)
            .await
            .unwrap();
        let b = providers
            .resolve(&spec("127.0.0.1", 8001), deadline)
            .await
            .unwrap();
        assert_eq!(a, ["127.0.0.1:8000".parse::<SocketAddr>().unwrap()]);
        assert_eq!(b, ["127.0.0.1:8001".parse::<SocketAddr>().unwrap()]);
    }

    #[test]
    fn an_event_stream_is_known_in_any_case() {
        for (ct, stream) in [
            ("text/event-stream", true),
            ("Text/Event-Stream; charset=utf-8", true),
            (" text/event-stream", true),
            ("application/json", false),
            ("text/event-streamx", false),
        ] {
            assert_eq!(
                Upstream::memory(200, ct, vec![]).is_event_stream(),
                stream,
                "{ct}"
            );
        }
    }
}

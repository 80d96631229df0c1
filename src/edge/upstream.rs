//! Upstream groups: round-robin over backends that are up, with passive and active health.
//!
//! Pingora's `LoadBalancer` has active checks but no passive ones and is built once per
//! process; we need both, and a reload must keep what we know about each backend. So a group
//! is a small array of backends with atomic state, shared by the request path (selection,
//! passive reports) and the health-check service (active probes).
//!
//! A backend is out when active checks fail `unhealthy_threshold` times in a row, or when
//! `max_failures` connects in a row fail (then only for `cooldown`). When every backend is
//! out, selection still returns one: refusing all traffic because probes fail would turn a
//! health-check mistake into an outage, which is also what Nginx does.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use pingora::upstreams::peer::HttpPeer;

use crate::config::UpstreamSpec;
use crate::metrics;

static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

fn now_ms() -> u64 {
    u64::try_from(EPOCH.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// One backend address and what is known about its health.
#[derive(Debug)]
pub struct Backend {
    pub addr: SocketAddr,
    /// Result of active checks (true when none are configured).
    active_up: AtomicBool,
    active_streak: AtomicU32,
    passive_failures: AtomicU32,
    /// Passive ejection end, in ms since process start; 0 when not ejected.
    ejected_until: AtomicU64,
}

impl Backend {
    fn new(addr: SocketAddr) -> Self {
        Backend {
            addr,
            active_up: AtomicBool::new(true),
            active_streak: AtomicU32::new(0),
            passive_failures: AtomicU32::new(0),
            ejected_until: AtomicU64::new(0),
        }
    }

    pub fn is_up(&self) -> bool {
        self.active_up.load(Ordering::Relaxed)
            && self.ejected_until.load(Ordering::Relaxed) <= now_ms()
    }
}

/// The backends of one named upstream.
#[derive(Debug)]
pub struct UpstreamGroup {
    pub spec: Arc<UpstreamSpec>,
    pub backends: Vec<Arc<Backend>>,
    next: AtomicUsize,
    /// Set once a reload replaced this group: requests that began before it may still
    /// report to it, and must not bring back the gauges of backends the reload removed.
    retired: AtomicBool,
}

impl UpstreamGroup {
    /// Builds a group, keeping health state of addresses the previous group already had.
    /// Without an active check in `spec` nothing could mark a backend up again, so one its
    /// old check had taken out comes back.
    pub fn new(spec: Arc<UpstreamSpec>, previous: Option<&UpstreamGroup>) -> Self {
        let backends = spec
            .addresses
            .iter()
            .map(|a| {
                let kept = previous.and_then(|p| p.backends.iter().find(|b| b.addr == *a));
                if let (Some(b), None) = (kept, &spec.health_check) {
                    b.active_up.store(true, Ordering::Relaxed);
                    b.active_streak.store(0, Ordering::Relaxed);
                }
                kept.cloned().unwrap_or_else(|| Arc::new(Backend::new(*a)))
            })
            .collect();
        let g = UpstreamGroup {
            spec,
            backends,
            next: AtomicUsize::new(0),
            retired: AtomicBool::new(false),
        };
        g.publish();
        g
    }

    /// The next backend that is up and not in `tried`; if none is up, the next untried one.
    pub fn select(&self, tried: &[SocketAddr]) -> Option<&Arc<Backend>> {
        let n = self.backends.len();
        if n == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let candidates = (0..n).map(|i| &self.backends[(start + i) % n]);
        let mut fallback = None;
        for b in candidates {
            if tried.contains(&b.addr) {
                continue;
            }
            if b.is_up() {
                return Some(b);
            }
            fallback.get_or_insert(b);
        }
        fallback
    }

    /// A Pingora peer for `backend` with this upstream's timeouts.
    pub fn peer(&self, backend: &Backend) -> Box<HttpPeer> {
        let s = &self.spec;
        let mut p = HttpPeer::new(backend.addr, s.tls, s.sni.clone());
        p.options.connection_timeout = Some(s.connect_timeout);
        p.options.read_timeout = Some(s.read_timeout);
        p.options.write_timeout = Some(s.write_timeout);
        p.options.idle_timeout = Some(s.idle_timeout);
        p.options.verify_cert = s.verify_cert;
        p.options.verify_hostname = s.verify_cert;
        Box::new(p)
    }

    /// A connection to `addr` failed: count it, and eject the backend after too many.
    pub fn report_connect_failure(&self, addr: SocketAddr) {
        let Some(b) = self.backends.iter().find(|b| b.addr == addr) else {
            return;
        };
        let max = self.spec.passive.max_failures;
        if max == 0 {
            return;
        }
        let failures = b.passive_failures.fetch_add(1, Ordering::Relaxed) + 1;
        if failures >= max {
            let cooldown = u64::try_from(self.spec.passive.cooldown.as_millis()).unwrap_or(0);
            b.ejected_until
                .store(now_ms() + cooldown, Ordering::Relaxed);
            b.passive_failures.store(0, Ordering::Relaxed);
            tracing::warn!(upstream = %self.spec.name, backend = %addr, failures,
                cooldown_ms = cooldown, "backend ejected after consecutive connect failures");
            self.publish();
        }
    }

    /// A request to `addr` got a response: its connect-failure streak ends.
    pub fn report_success(&self, addr: SocketAddr) {
        if let Some(b) = self.backends.iter().find(|b| b.addr == addr) {
            if b.passive_failures.load(Ordering::Relaxed) != 0 {
                b.passive_failures.store(0, Ordering::Relaxed);
            }
        }
    }

    /// Records one active probe result; flips state after the configured streak.
    pub fn record_probe(&self, backend: &Backend, ok: bool) {
        let Some(hc) = &self.spec.health_check else {
            return;
        };
        let was_up = backend.active_up.load(Ordering::Relaxed);
        if ok == was_up {
            backend.active_streak.store(0, Ordering::Relaxed);
            return;
        }
        let streak = backend.active_streak.fetch_add(1, Ordering::Relaxed) + 1;
        let needed = if ok {
            hc.healthy_threshold
        } else {
            hc.unhealthy_threshold
        };
        if streak >= needed {
            backend.active_up.store(ok, Ordering::Relaxed);
            backend.active_streak.store(0, Ordering::Relaxed);
            if ok {
                backend.ejected_until.store(0, Ordering::Relaxed);
                tracing::info!(upstream = %self.spec.name, backend = %backend.addr, "backend healthy again");
            } else {
                tracing::warn!(upstream = %self.spec.name, backend = %backend.addr, "backend failed its health checks");
            }
            self.publish();
        }
    }

    /// Marks this group replaced by a reload: it publishes no more.
    pub fn retire(&self) {
        let _one_at_a_time = PUBLISHING.lock();
        self.retired.store(true, Ordering::Relaxed);
    }

    /// Takes the health gauge of a backend no longer configured off the metrics.
    pub fn unpublish(upstream: &str, addr: SocketAddr) {
        let _ = metrics::get()
            .upstream_healthy
            .remove_label_values(&[upstream, &addr.to_string()]);
    }

    /// Exposes each backend's state as `securetag_upstream_healthy`, while this group is
    /// the current one.
    pub fn publish(&self) {
        // A reload retires this group between the check and the sets otherwise, and a
        // backend it then unpublishes comes back (`/metrics` publishes on every scrape).
        let _one_at_a_time = PUBLISHING.lock();
        if self.retired.load(Ordering::Relaxed) {
            return;
        }
        let g = &metrics::get().upstream_healthy;
        for b in &self.backends {
            g.with_label_values(&[self.spec.name.as_str(), &b.addr.to_string()])
                .set(i64::from(b.is_up()));
        }
    }
}

/// Held while gauges are published or a group retired; see [`UpstreamGroup::publish`].
static PUBLISHING: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// Probes one backend: a TCP connect, or an HTTP/1.1 GET of `path` when one is set.
pub async fn probe(
    addr: SocketAddr,
    path: Option<&str>,
    expected: &[u16],
    timeout: Duration,
) -> bool {
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        let Some(path) = path else { return Some(true) };
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: securetag-edge-health\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).await.ok()?;
        let mut buf = [0u8; 64];
        let mut n = 0;
        while n < 12 {
            let r = stream.read(&mut buf[n..]).await.ok()?;
            if r == 0 {
                break;
            }
            n += r;
        }
        let status = std::str::from_utf8(&buf[..n])
            .ok()?
            .split_whitespace()
            .nth(1)?
            .parse::<u16>()
            .ok()?;
        Some(if expected.is_empty() {
            (200..400).contains(&status)
        } else {
            expected.contains(&status)
        })
    };
    matches!(tokio::time::timeout(timeout, attempt).await, Ok(Some(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PassiveHealth;

    fn spec(addrs: &[&str], max_failures: u32) -> Arc<UpstreamSpec> {
        Arc::new(UpstreamSpec {
            name: "t".into(),
            addresses: addrs.iter().map(|a| a.parse().unwrap()).collect(),
            tls: false,
            sni: String::new(),
            verify_cert: true,
            connect_timeout: Duration::from_secs(1),
            read_timeout: Duration::from_secs(1),
            write_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
            retries: 1,
            health_check: None,
            passive: PassiveHealth {
                max_failures,
                cooldown: Duration::from_secs(60),
            },
        })
    }

    #[test]
    fn round_robin_skips_tried_and_ejected_backends() {
        let g = UpstreamGroup::new(
            spec(&["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], 2),
            None,
        );
        let picks: Vec<u16> = (0..6).map(|_| g.select(&[]).unwrap().addr.port()).collect();
        assert_eq!(picks, vec![1, 2, 3, 1, 2, 3]);
        let b2: SocketAddr = "127.0.0.1:2".parse().unwrap();
        g.report_connect_failure(b2);
        g.report_connect_failure(b2);
        for _ in 0..6 {
            assert_ne!(g.select(&[]).unwrap().addr, b2);
        }
        let tried: Vec<SocketAddr> = vec![
            "127.0.0.1:1".parse().unwrap(),
            "127.0.0.1:3".parse().unwrap(),
        ];
        // Everything else tried or out: the ejected one is still offered rather than nothing.
        assert_eq!(g.select(&tried).unwrap().addr, b2);
    }

    #[test]
    fn reload_keeps_health_state() {
        let old = UpstreamGroup::new(spec(&["127.0.0.1:1"], 1), None);
        old.report_connect_failure("127.0.0.1:1".parse().unwrap());
        let new = UpstreamGroup::new(spec(&["127.0.0.1:1", "127.0.0.1:9"], 1), Some(&old));
        assert!(!new.backends[0].is_up());
        assert!(new.backends[1].is_up());
    }

    #[test]
    fn an_unpublished_backend_leaves_no_gauge() {
        let rendered = || String::from_utf8_lossy(&metrics::get().render()).into_owned();
        let series = "address=\"127.0.0.1:47\",upstream=\"t\"";
        let g = UpstreamGroup::new(spec(&["127.0.0.1:47"], 1), None);
        assert!(rendered().contains(series), "{}", rendered());
        g.retire();
        UpstreamGroup::unpublish("t", "127.0.0.1:47".parse().unwrap());
        assert!(!rendered().contains(series));
        // A request that began before the reload reports to the old group: no gauge back.
        g.report_connect_failure("127.0.0.1:47".parse().unwrap());
        assert!(!rendered().contains(series));
    }

    /// A backend the active check took out stays out across a reload that keeps the check,
    /// and comes back when the check is removed: nothing else could bring it back.
    #[test]
    fn a_reload_without_the_active_check_brings_its_backends_back() {
        let checked = |addrs: &[&str]| {
            let mut s = spec(addrs, 0);
            Arc::get_mut(&mut s).expect("a fresh spec").health_check =
                Some(crate::config::ActiveHealthCheck {
                    path: None,
                    interval: Duration::from_secs(1),
                    timeout: Duration::from_secs(1),
                    healthy_threshold: 1,
                    unhealthy_threshold: 1,
                    expected_status: vec![],
                });
            s
        };
        let old = UpstreamGroup::new(checked(&["127.0.0.1:1"]), None);
        old.record_probe(&old.backends[0], false);
        assert!(!old.backends[0].is_up());
        let still = UpstreamGroup::new(checked(&["127.0.0.1:1"]), Some(&old));
        assert!(!still.backends[0].is_up());
        let unchecked = UpstreamGroup::new(spec(&["127.0.0.1:1"], 0), Some(&still));
        assert!(unchecked.backends[0].is_up());
    }
}

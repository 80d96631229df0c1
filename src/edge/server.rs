//! Process lifecycle: build the Pingora server from a `Config`, run it, reload it, stop it.
//!
//! Signals, chosen so systemd and Docker stop us quickly but never mid-request:
//! - `SIGTERM`: stop accepting, let in-flight requests finish (bounded by
//!   `server.shutdown_timeout`), flush background queues, exit. Pingora alone would sleep a
//!   fixed grace period even when idle; we exit as soon as the last request is done.
//! - `SIGINT`: fast shutdown: no wait for requests in flight; they are settled as
//!   interrupted (refunded and audited) and the audit queue flushed, as after a drain.
//!   A SIGINT during any shutdown exits at once.
//! - `SIGHUP`: reload the file. Routes, upstreams, limits, headers and certificates change
//!   in place, atomically; a config that fails validation is refused and the old one keeps
//!   serving. Listener addresses cannot move without re-binding: use the upgrade for that.
//! - `SIGQUIT`: graceful upgrade. A new process started with `run --upgrade` takes the
//!   listening sockets over the upgrade socket; this one drains and exits.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use async_trait::async_trait;
use pingora::apps::http_app::HttpServer;
use pingora::listeners::{L4BufferSettings, ListenerConfig};
use pingora::server::configuration::{Opt, ServerConf};
use pingora::server::{ExecutionPhase, RunArgs, Server, ShutdownSignal, ShutdownSignalWatch};
use pingora::services::background::background_service;
use pingora::services::listening::Service;
use tokio::signal::unix::{signal, Signal, SignalKind};

use super::admin::Admin;
use super::app::{CountConnections, EdgeApp};
use super::health::HealthChecker;
use super::proxy::{EdgeProxy, IN_FLIGHT};
use super::state::{Shared, State};
use super::tls::{self, CertSet};
use crate::alerts::Alerts;
use crate::appguard::{GuardMetrics, Guards};
use crate::config::Config;
use crate::metrics;
use crate::shield::Shield;
use crate::store::lockout::Lockouts;
use crate::store::ratelimit::RateLimiter;
use parking_lot::Mutex;
use pingora::server::ShutdownWatch;
use pingora::services::background::BackgroundService;

/// Read buffer per plain client connection. Pingora's default is 64 KiB, which at 512 idle
/// keep-alive clients is 32 MiB of RSS; the HTTP/1 parser reads into its own buffer, and a
/// read larger than this one bypasses it, so a small buffer costs no syscalls on plain HTTP.
const PLAIN_READ_BUFFER: usize = 4 * 1024;
/// Read buffer per TLS client connection: one TLS record, so OpenSSL's 16 KiB record reads
/// still take one syscall each.
const TLS_READ_BUFFER: usize = 16 * 1024;

/// Work to run after requests have drained and before the process exits.
pub type ShutdownHook = Box<dyn FnOnce() + Send>;

/// Runs the edge until a shutdown signal; returns when the process should exit.
pub fn run(config: Config, upgrade: bool, hooks: Vec<ShutdownHook>) -> anyhow::Result<()> {
    let config = Arc::new(config);
    super::access_log::init(config.logging.access_log.clone());

    let mut conf = ServerConf {
        threads: config.server.threads,
        work_stealing: config.server.work_stealing,
        pid_file: config.server.pid_file.clone(),
        upgrade_sock: config.server.upgrade_sock.clone(),
        upstream_keepalive_pool_size: config.server.keepalive_pool_size,
        // Our drain ends the process as soon as requests are done; Pingora's own grace
        // period is only the backstop if that ever fails. It outlasts the drain's hooks
        // (settling cut-off requests, the audit flush, the SAST hand-back, queued alerts, the
        // access log's last lines), which run after the timeout.
        grace_period_seconds: Some({
            let budget = config.server.shutdown_timeout.saturating_add(
                SETTLE_BUDGET
                    + CLOSING_BUDGET
                    + FLUSH_BUDGET
                    + SAST_BUDGET * 2
                    + ALERT_BUDGET
                    + ACCESS_LOG_BUDGET,
            );
            budget
                .as_secs()
                .saturating_add(u64::from(budget.subsec_nanos() > 0))
                .saturating_add(2)
        }),
        graceful_shutdown_timeout_seconds: Some(1),
        ..ServerConf::default()
    };
    conf.daemon = false;
    let opt = Opt {
        upgrade,
        ..Opt::default()
    };
    if !upgrade {
        can_bind(&config)?;
    }
    let mut server = Server::new_with_opt_and_conf(opt, conf);

    let mut hooks = hooks;
    // Run when the drain begins, before requests have finished.
    let mut at_drain: Vec<ShutdownHook> = Vec::new();
    // Database pools spawn housekeeping tasks when built; they live on this small runtime,
    // which outlives every request (Pingora's runtimes only exist once `run` starts).
    let support = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("support")
        .enable_all()
        .build()?;
    let redis_url = config
        .redis_url
        .clone()
        .or_else(|| config.ai.as_ref().and_then(|a| a.redis_url.clone()));
    let redis = redis_url
        .as_ref()
        .map(|u| crate::store::redis::Redis::new(u.expose()))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let limiter = Arc::new(RateLimiter::new(redis.clone()).map_err(anyhow::Error::msg)?);
    // The detectors cost a few MB of compiled patterns: built only when something uses them.
    let scanner = if config.ai.is_some() || config.alerts.is_some() {
        Some(Shield::scanner(config.ai.as_deref())?)
    } else {
        None
    };
    let alerts = config
        .alerts
        .as_ref()
        .zip(scanner.as_ref())
        .map(|(a, scanner)| {
            let (alerts, deliverer) = Alerts::new(a.clone(), scanner.clone());
            server.add_service(background_service(
                "alert webhooks",
                Once::new(deliverer.run()),
            ));
            alerts
        });
    if let Some(r) = &redis {
        let r = r.clone();
        server.add_service(background_service(
            "redis",
            Once::new(async move {
                r.start();
                std::future::pending::<()>().await
            }),
        ));
    }
    let guards = Arc::new(Guards {
        limiter: limiter.clone(),
        lockouts: Lockouts::new(redis.clone()),
        alerts: alerts.clone(),
        account_key: config
            .ai
            .as_ref()
            .and_then(|a| a.keyring.as_ref())
            .map(|k| k.derive(crate::crypto::Purpose::RedactionHash).to_vec()),
        metrics: GuardMetrics::new(),
    });
    let shield = match &config.ai {
        Some(ai) => {
            let (shield, background) = {
                let _inside = support.enter();
                let scanner = scanner
                    .clone()
                    .ok_or_else(|| anyhow::anyhow!("no scanner"))?;
                Shield::build(
                    ai.clone(),
                    scanner,
                    limiter.clone(),
                    redis.clone(),
                    alerts.clone(),
                )?
            };
            server.add_service(background_service("ai shield", Once::new(background.run())));
            let (settle, rt) = (shield.clone(), support.handle().clone());
            let flush = shield.auditor().clone();
            let sast = shield.sast_pool().cloned();
            if let Some(pool) = sast.clone() {
                at_drain.push(Box::new(move || pool.stop_taking_jobs()));
            }
            hooks.push(Box::new(move || {
                // Their rows join the queue before its last flush.
                settle.settle_interrupted(&rt, SETTLE_BUDGET, CLOSING_BUDGET);
                if !flush.flush_blocking(FLUSH_BUDGET) {
                    tracing::warn!("audit queue not confirmed flushed at shutdown; unsent records are in the spool or lost with the queue");
                }
                if let Some(pool) = sast {
                    pool.hand_back(&rt, SAST_BUDGET);
                }
            }));
            Some(shield)
        }
        None => None,
    };
    if let Some(a) = alerts.clone() {
        // After the refunds and the audit flush, which matter more; a receiver that is
        // down takes the whole budget.
        hooks.push(Box::new(move || {
            if !a.flush_blocking(ALERT_BUDGET) {
                tracing::warn!(
                    alerts = a.pending(),
                    "alerts still undelivered at shutdown are lost"
                );
            }
        }));
    }
    let shared: Shared = Arc::new(ArcSwap::from_pointee(State::build(
        config.clone(),
        None,
        shield,
        guards,
    )));
    let mut proxy =
        pingora::proxy::http_proxy(&server.configuration, EdgeProxy::new(shared.clone()));
    // Pingora closes an idle HTTP/1 connection by the keepalive timeout, an idle HTTP/2
    // one only when told: without this an HTTP/2 client that sends nothing holds its
    // connection for ever. Set at start; a reload does not change it.
    let mut options = proxy.server_options.clone().unwrap_or_default();
    options.h2_idle_timeout = Some(config.limits.keepalive_timeout.max(Duration::from_secs(1)));
    proxy.server_options = Some(options);
    let proxy = Arc::new(proxy);
    let app = EdgeApp {
        proxy,
        shared: shared.clone(),
    };
    let mut service = Service::new(
        "securetag-edge".to_string(),
        CountConnections(Arc::new(app)),
    );
    let mut cert_sets: HashMap<SocketAddr, CertSet> = HashMap::new();
    for l in &config.listeners {
        let addr = l.address.to_string();
        match &l.tls {
            None => service.add_listener(
                ListenerConfig::tcp(addr)
                    .l4_buffer(L4BufferSettings::default().read(PLAIN_READ_BUFFER)),
            ),
            Some(t) => {
                let (settings, certs) =
                    tls::settings(t).map_err(|e| anyhow::anyhow!("TLS listener {addr}: {e}"))?;
                service.add_listener(
                    ListenerConfig::tcp(addr)
                        .tls(settings)
                        .l4_buffer(L4BufferSettings::default().read(TLS_READ_BUFFER)),
                );
                cert_sets.insert(l.address, certs);
            }
        }
    }
    server.add_service(service);

    if let Some(admin_addr) = config.admin {
        let mut admin = Service::new(
            "admin".to_string(),
            HttpServer::new_app(Admin {
                shared: shared.clone(),
            }),
        );
        admin.add_tcp(&admin_addr.to_string());
        admin.threads = Some(1);
        server.add_service(admin);
    }
    server.add_service(background_service(
        "health checks",
        HealthChecker {
            shared: shared.clone(),
        },
    ));

    // Pingora writes its pid file only when daemonizing; operators and the upgrade
    // procedure want it in the foreground too (written below, once the sockets are ours).
    let pid_file = config.server.pid_file.clone();
    let ours = format!("{}\n", std::process::id());
    {
        let (pid_file, ours) = (pid_file.clone(), ours.clone());
        hooks.push(Box::new(move || {
            // After a graceful upgrade the file names the new process, which wrote it
            // last: only our own pid is taken away.
            if std::fs::read_to_string(&pid_file).is_ok_and(|p| p == ours) {
                let _ = std::fs::remove_file(&pid_file);
            }
        }));
    }
    let phases = server.watch_execution_phase();
    let drain_timeout = config.server.shutdown_timeout;
    std::thread::Builder::new()
        .name("drain".into())
        .spawn(move || drain_then_exit(phases, drain_timeout, at_drain, hooks))?;

    // Only now, with everything built, are an old process's sockets taken (`run
    // --upgrade`): a set-up that fails (Redis URL, audit spool, TLS files) ends this
    // process while the old one still serves, its SIGQUIT refused for want of a taker.
    server.bootstrap();
    if let Err(e) = std::fs::write(&pid_file, &ours) {
        tracing::warn!(path = %pid_file, error = %e, "cannot write the pid file");
    }
    let reloader = Reloader {
        file: config.file.clone(),
        shared,
        cert_sets,
    };
    tracing::info!(
        listeners = ?config.listeners.iter().map(|l| l.address).collect::<Vec<_>>(),
        threads = config.server.threads,
        "securetag-edge starting"
    );
    server.run(RunArgs {
        shutdown_signal: Box::new(Signals {
            reloader,
            upgrade_sock: config.server.upgrade_sock.clone(),
        }),
    });
    support.shutdown_background();
    Ok(())
}

/// Binds every listener and the admin address at once, then lets them go: Pingora binds
/// them inside its service threads, where a failure (the port taken, no right to a low
/// port, `[::]:80` beside `0.0.0.0:80`) panics one thread and leaves the process up,
/// answering `/healthz`, serving nothing. Here it ends the start with the address named.
fn can_bind(config: &Config) -> anyhow::Result<()> {
    let addrs = config
        .listeners
        .iter()
        .map(|l| l.address)
        .chain(config.admin);
    let mut held: Vec<std::net::TcpListener> = Vec::new();
    for addr in addrs {
        // One of this file's own addresses on the port (`[::]:80` beside `0.0.0.0:80`, the
        // admin address on a listener's) will not let go: no wait for it.
        let own = held.iter().any(|h| {
            h.local_addr().is_ok_and(|a| {
                a.port() == addr.port()
                    && (a.ip() == addr.ip()
                        || a.ip().is_unspecified()
                        || addr.ip().is_unspecified())
            })
        });
        // A port still held for a moment (the process before a restart) is waited for,
        // as Pingora would.
        let mut tries = 0;
        let bound = loop {
            match std::net::TcpListener::bind(addr) {
                Err(e)
                    if e.kind() == std::io::ErrorKind::AddrInUse
                        && !own
                        && tries < BIND_RETRIES =>
                {
                    tries += 1;
                    std::thread::sleep(Duration::from_secs(1));
                }
                other => break other,
            }
        };
        match bound {
            Ok(l) => held.push(l),
            Err(e) if own && e.kind() == std::io::ErrorKind::AddrInUse => anyhow::bail!(
                "cannot listen on {addr}: {e} (another address of this file takes the port)"
            ),
            Err(e) => anyhow::bail!("cannot listen on {addr}: {e}"),
        }
    }
    Ok(())
}

/// Seconds a listener's port may stay taken at start before the start fails.
const BIND_RETRIES: u32 = 5;

/// Whether a `run --upgrade` process waits for the sockets at `path`: a socket there that
/// listens (`/proc/net/unix`), within [`UPGRADE_WAIT`] of the SIGQUIT (a script may send it
/// as the new process starts). The file alone may be left by a successor that was killed;
/// a connection to it would be the one connection the successor accepts.
async fn upgrade_waiting(path: &str) -> bool {
    let listening = || {
        let Ok(table) = std::fs::read_to_string("/proc/net/unix") else {
            // No table to read: a socket file is all there is to go by, and one left by a
            // killed successor is taken for a live one.
            return std::fs::metadata(path).is_ok_and(|m| {
                use std::os::unix::fs::FileTypeExt;
                m.file_type().is_socket()
            });
        };
        table
            .lines()
            .skip(1)
            .any(|line| unix_socket_listens(line).is_some_and(|p| p == path))
    };
    let until = tokio::time::Instant::now() + UPGRADE_WAIT;
    loop {
        if listening() {
            return true;
        }
        if tokio::time::Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The path of a `/proc/net/unix` line's socket when it accepts connections. Seven fields
/// come first (`Num RefCount Protocol Flags Type St Inode`, the inode padded with spaces);
/// the path is the rest of the line, spaces and all. Flags `00010000`: accepting.
fn unix_socket_listens(line: &str) -> Option<&str> {
    let mut rest = line;
    let mut flags = "";
    for i in 0..7 {
        rest = rest.trim_start();
        let end = rest.find(char::is_whitespace)?;
        if i == 3 {
            flags = &rest[..end];
        }
        rest = &rest[end..];
    }
    let path = rest.trim_start();
    (flags == "00010000" && !path.is_empty()).then_some(path)
}

/// How long a SIGQUIT waits for a `run --upgrade` process to be listening.
const UPGRADE_WAIT: Duration = Duration::from_secs(5);

/// A future run once as a Pingora background service, until it ends or the process does.
struct Once(Mutex<Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>>);

impl Once {
    fn new(f: impl std::future::Future<Output = ()> + Send + 'static) -> Self {
        Once(Mutex::new(Some(Box::pin(f))))
    }
}

#[async_trait]
impl BackgroundService for Once {
    async fn start(&self, _shutdown: ShutdownWatch) {
        // Background work (audit writer, webhooks) keeps running through the drain; the
        // drain hooks flush it and the process exit ends it, never a dropped batch.
        let Some(f) = self.0.lock().take() else {
            return;
        };
        f.await;
    }
}

/// How long a drain waits, from its start and from the newest connection, before it may
/// find nothing in flight.
const NEWEST_CONNECTION_GRACE: Duration = Duration::from_millis(250);
/// How long the drain thread's hooks may take after the shutdown timeout: refunds of the
/// requests cut off (all at once), then the records of requests that were settling
/// themselves (their refunds cut short), then the audit queue's last flush, then the SAST
/// jobs still running ([`SAST_BUDGET`]), then the alerts still queued ([`ALERT_BUDGET`]),
/// then the access log ([`ACCESS_LOG_BUDGET`]).
const SETTLE_BUDGET: Duration = Duration::from_secs(2);
const CLOSING_BUDGET: Duration = Duration::from_secs(1);
const FLUSH_BUDGET: Duration = Duration::from_secs(5);
/// How long the SAST pool waits at exit for its running jobs, and again to give back those
/// still running (the next process takes them up at once instead of after their lease).
const SAST_BUDGET: Duration = Duration::from_millis(250);
/// How long the exit waits for the access log's last queued lines to be written.
const ACCESS_LOG_BUDGET: Duration = Duration::from_millis(500);
/// How long the drain waits, last, for queued alerts to be delivered (retries included).
const ALERT_BUDGET: Duration = Duration::from_secs(2);

/// Set by SIGINT: the shutdown does not wait for requests in flight.
static NO_DRAIN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Waits for Pingora to enter its grace period, runs `at_drain`, waits for the last request
/// (unless SIGINT asked for no drain), then runs the hooks and exits.
fn drain_then_exit(
    mut phases: tokio::sync::broadcast::Receiver<ExecutionPhase>,
    timeout: Duration,
    at_drain: Vec<ShutdownHook>,
    hooks: Vec<ShutdownHook>,
) {
    loop {
        match phases.blocking_recv() {
            Ok(ExecutionPhase::ShutdownGracePeriod) => break,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
    let start = Instant::now();
    for hook in at_drain {
        hook();
    }
    // A request counts as in flight only once its headers are read, and the grace period
    // begins while the accept loops may still take a connection: one whose request is
    // already on the wire would be dropped by exiting at once. Headers that arrive later
    // are Pingora's to refuse: its proxy stops reading new requests when the loops end.
    let busy = || {
        IN_FLIGHT.load(Ordering::Relaxed) > 0
            || start.elapsed() < NEWEST_CONNECTION_GRACE
            || super::app::since_newest_connection() < NEWEST_CONNECTION_GRACE
    };
    while busy() && start.elapsed() < timeout && !NO_DRAIN.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left = IN_FLIGHT.load(Ordering::Relaxed);
    if left > 0 {
        tracing::warn!(
            requests = left,
            ?timeout,
            "shutdown timeout reached with requests in flight"
        );
    }
    for hook in hooks {
        hook();
    }
    // Last: the hooks' own requests are not logged, but the drained ones' lines may still
    // be queued.
    if !super::access_log::flush_blocking(ACCESS_LOG_BUDGET) {
        tracing::warn!("the access log's last lines were not written before the exit");
    }
    tracing::info!(drained_in = ?start.elapsed(), "shutdown complete");
    std::process::exit(0);
}

/// Re-reads the configuration file and swaps it in, or keeps the old one.
pub struct Reloader {
    pub file: PathBuf,
    pub shared: Shared,
    pub cert_sets: HashMap<SocketAddr, CertSet>,
}

impl Reloader {
    /// Returns the problems when the new file was refused.
    pub fn reload(&self) -> Result<(), String> {
        let new = match Config::load(&self.file) {
            Ok(c) => c,
            Err(e) => {
                metrics::get()
                    .config_reloads
                    .with_label_values(&["refused"])
                    .inc();
                tracing::error!(errors = %e, "reload refused: the new configuration is invalid; still serving the old one");
                return Err(e.to_string());
            }
        };
        for w in new.skipped_jwks_keys() {
            tracing::warn!("{w}");
        }
        let old = self.shared.load_full();
        // Against the sockets bound at start, not the last file: a listener taken out and
        // put back never closed.
        let moved: Vec<String> = new
            .listeners
            .iter()
            .filter(|l| {
                !old.started
                    .listeners
                    .iter()
                    .any(|o| o.address == l.address && o.tls.is_some() == l.tls.is_some())
            })
            .map(|l| l.address.to_string())
            .collect();
        if !moved.is_empty() {
            tracing::warn!(listeners = ?moved, "listener changes need a graceful upgrade (SIGQUIT + run --upgrade); other changes applied");
        }
        let removed: Vec<String> = old
            .started
            .listeners
            .iter()
            .filter(|o| !new.listeners.iter().any(|l| l.address == o.address))
            .map(|o| o.address.to_string())
            .collect();
        if !removed.is_empty() {
            tracing::warn!(listeners = ?removed, "listeners taken out of the file keep serving, as started, until a restart or graceful upgrade; other changes applied");
        }
        for l in &new.listeners {
            if let (Some(t), Some(set)) = (&l.tls, self.cert_sets.get(&l.address)) {
                set.store(Arc::new(t.certificates.clone()));
            }
        }
        // Built once at start: the shield, the alert rules and webhook, the Redis client of
        // the limiter and lockouts, Pingora's server and its TLS and HTTP/2 settings, the
        // admin listener and the logger. Secrets compare by fingerprint (`crypto::Secret`).
        let tls_of = |ls: &[crate::config::Listener]| -> Vec<String> {
            ls.iter()
                .filter_map(|l| {
                    let t = l.tls.as_ref()?;
                    Some(format!("{} {} {:?}", l.address, t.http2, t.min_version))
                })
                .collect()
        };
        for (section, changed) in [
            (
                "server",
                format!("{:?}", new.server) != format!("{:?}", old.config.server),
            ),
            ("admin", new.admin != old.config.admin),
            (
                "logging",
                format!("{:?}", new.logging) != format!("{:?}", old.config.logging),
            ),
            (
                "the TLS listeners' http2 or min_version",
                tls_of(&new.listeners) != tls_of(&old.config.listeners),
            ),
            (
                "limits.keepalive_timeout for HTTP/2 (HTTP/1 takes it now)",
                new.limits.keepalive_timeout != old.config.limits.keepalive_timeout,
            ),
            (
                "ai",
                format!("{:?}", new.ai) != format!("{:?}", old.config.ai),
            ),
            (
                "alerts",
                format!("{:?}", new.alerts) != format!("{:?}", old.config.alerts),
            ),
            (
                "redis_url",
                format!("{:?}", new.redis_url) != format!("{:?}", old.config.redis_url),
            ),
        ] {
            if changed {
                tracing::warn!("changes under {section}: take effect after a restart or graceful upgrade; other changes applied");
            }
        }
        let state = State::build(
            Arc::new(new),
            Some(&old),
            old.shield.clone(),
            old.guards.clone(),
        );
        self.shared.store(Arc::new(state));
        metrics::get()
            .config_reloads
            .with_label_values(&["applied"])
            .inc();
        tracing::info!(file = %self.file.display(), "configuration reloaded");
        Ok(())
    }
}

/// Once a shutdown has begun, the next SIGINT ends the process at once.
fn exit_on_next(mut int: Signal) {
    tokio::spawn(async move {
        int.recv().await;
        std::process::exit(130);
    });
}

struct Signals {
    reloader: Reloader,
    /// Where a `run --upgrade` process waits for the listening sockets.
    upgrade_sock: String,
}

#[async_trait]
impl ShutdownSignalWatch for Signals {
    async fn recv(&self) -> ShutdownSignal {
        let (Ok(mut quit), Ok(mut term), Ok(mut int), Ok(mut hup)) = (
            signal(SignalKind::quit()),
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) else {
            tracing::error!("cannot install signal handlers; shutting down");
            return ShutdownSignal::FastShutdown;
        };
        loop {
            tokio::select! {
                _ = quit.recv() => {
                    // Pingora hands the sockets over and shuts down whether or not a new
                    // process takes them. While it is looked for, SIGTERM and SIGINT
                    // still mean what they mean.
                    let waiting = tokio::select! {
                        w = upgrade_waiting(&self.upgrade_sock) => w,
                        _ = term.recv() => return terminate(int),
                        _ = int.recv() => return interrupt(int),
                    };
                    if waiting {
                        tracing::info!(
                            "SIGQUIT: handing the sockets to the new process, then draining"
                        );
                        exit_on_next(int);
                        return ShutdownSignal::GracefulUpgrade;
                    }
                    tracing::warn!(upgrade_sock = %self.upgrade_sock, "SIGQUIT: no new process waits for the sockets (start `run --upgrade` first); still serving");
                }
                _ = term.recv() => return terminate(int),
                _ = int.recv() => return interrupt(int),
                _ = hup.recv() => {
                    let _ = self.reloader.reload();
                }
            }
        }
    }
}

/// SIGTERM: drain the requests in flight; a Ctrl-C during the drain means now.
fn terminate(int: Signal) -> ShutdownSignal {
    tracing::info!("SIGTERM: draining in-flight requests");
    exit_on_next(int);
    ShutdownSignal::GracefulTerminate
}

/// SIGINT: no wait for the requests in flight. Pingora's own fast shutdown would stop the
/// runtimes at once, before the requests cut off are settled and the audit queue flushed:
/// those still run. Settling and flushing may take seconds: a second Ctrl-C means now.
fn interrupt(int: Signal) -> ShutdownSignal {
    tracing::info!("SIGINT: exiting without draining in-flight requests");
    NO_DRAIN.store(true, Ordering::Relaxed);
    exit_on_next(int);
    ShutdownSignal::GracefulTerminate
}

#[cfg(test)]
mod tests {
    use super::unix_socket_listens;

    #[test]
    fn proc_net_unix_lines_give_listening_paths() {
        let listening =
            "0000000000000000: 00000002 00000000 00010000 0001 01    4312 /run/edge/a b.sock";
        assert_eq!(unix_socket_listens(listening), Some("/run/edge/a b.sock"));
        let connected =
            "0000000000000000: 00000003 00000000 00000000 0001 03 4313 /run/edge/up.sock";
        assert_eq!(unix_socket_listens(connected), None);
        let unnamed = "0000000000000000: 00000002 00000000 00010000 0001 01 4314";
        assert_eq!(unix_socket_listens(unnamed), None);
        let header = "Num       RefCount Protocol Flags    Type St Inode Path";
        assert_eq!(unix_socket_listens(header), None);
    }
}

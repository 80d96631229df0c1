//! Shared helpers for integration tests: free ports, the real binary started on a
//! generated config, small real upstream servers, and test certificates.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

pub mod db;
pub mod origin;
pub mod provider;
pub mod services;

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A loopback port nobody listens on right now, never handed out twice in this process.
///
/// The port is released before the caller's server binds it, so it must not be one the
/// kernel hands out meanwhile: ports from `bind(0)` (the test origins) and the source ports of
/// outgoing connections both come from the ephemeral range. Ports are therefore taken from
/// below that range, walking up from a start that differs per process, and each is checked
/// free once. (A port from `bind(0)` once went to two listeners of concurrent tests.)
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u32>().ok())
        .unwrap_or(32768);
    let (base, span) = (10_000u32, low.saturating_sub(10_000));
    if span < 1_000 {
        return TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("no free port");
    }
    let start = std::process::id().wrapping_mul(7919) % span;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        assert!(n < span, "no free loopback port below {low}");
        let port = (base + (start + n) % span) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_securetag-edge")
}

/// Runs the binary with `args` and `stdin`, without `DATABASE_URL`; returns (success,
/// stdout, stderr).
pub fn cli(args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(bin())
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses its arguments may exit before it reads stdin.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A running `securetag-edge run`, killed when dropped.
pub struct Edge {
    pub child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub admin: SocketAddr,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Edge {
    /// Starts the proxy with `yaml` (an `admin:` block is added) and waits until it serves.
    pub fn start(yaml: &str) -> Edge {
        Self::start_with_env(yaml, &[])
    }

    pub fn start_with_env(yaml: &str, env: &[(&str, &str)]) -> Edge {
        let dir = tempfile::tempdir().expect("tempdir");
        let admin: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let config = dir.path().join("edge.yaml");
        let pid = dir.path().join("edge.pid");
        let sock = dir.path().join("upgrade.sock");
        let full = format!(
            "admin:\n  address: \"{admin}\"\nserver:\n  threads: 2\n  pid_file: \"{}\"\n  upgrade_sock: \"{}\"\n  shutdown_timeout: 5s\n{yaml}",
            pid.display(),
            sock.display()
        );
        std::fs::write(&config, full).expect("write config");
        let mut edge = Edge {
            child: None,
            dir,
            config,
            admin,
            stdout: Default::default(),
            stderr: Default::default(),
        };
        edge.spawn(env, false);
        edge
    }

    pub fn spawn(&mut self, env: &[(&str, &str)], upgrade: bool) {
        let mut cmd = Command::new(bin());
        cmd.arg("run").arg("-c").arg(&self.config);
        if upgrade {
            cmd.arg("--upgrade");
        }
        cmd.env("SECURETAG_LOG", "info")
            .current_dir(self.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn securetag-edge");
        pump(child.stdout.take(), self.stdout.clone());
        pump(child.stderr.take(), self.stderr.clone());
        self.child = Some(child);
        self.wait_ready();
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(c) = self.child.as_mut() {
                if let Ok(Some(status)) = c.try_wait() {
                    panic!(
                        "securetag-edge exited early with {status}: {}",
                        self.stderr_text()
                    );
                }
            }
            // The admin service may answer before the proxy's listeners are bound (a
            // loaded machine once refused a test's first request): wait for every one.
            let up = |a: &SocketAddr| std::net::TcpStream::connect(a).is_ok();
            if up(&self.admin) && self.listeners().iter().all(up) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("securetag-edge did not start: {}", self.stderr_text());
    }

    /// The addresses of the proxy's `listeners` in the config file.
    fn listeners(&self) -> Vec<SocketAddr> {
        let text = std::fs::read_to_string(&self.config).expect("read config");
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).expect("config is YAML");
        yaml.get("listeners")
            .and_then(serde_yaml::Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|l| l.get("address")?.as_str()?.parse().ok())
            .collect()
    }

    /// Starts a second process with `--upgrade` beside this one and returns the first, which
    /// hands its listening sockets over when sent SIGQUIT.
    pub fn start_successor(&mut self) -> Predecessor {
        // Wrapped first: if the successor fails to start, the old process is killed too.
        let old = Predecessor(self.child.take().expect("a running process"));
        // Returns at once: the old process's admin listener answers the readiness probe.
        self.spawn(&[], true);
        old
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().map(|c| c.id() as i32).unwrap_or(0)
    }

    pub fn signal(&self, sig: i32) {
        unsafe {
            libc::kill(self.pid(), sig);
        }
    }

    /// Waits for the process to exit; returns how long it took.
    pub fn wait_exit(&mut self, max: Duration) -> Option<Duration> {
        let start = Instant::now();
        let child = self.child.as_mut()?;
        while start.elapsed() < max {
            if let Ok(Some(_)) = child.try_wait() {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn stdout_text(&self) -> String {
        self.stdout.lock().unwrap().join("\n")
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Access-log lines (JSON) written so far.
    pub fn access_log(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Stdout and stderr once `needle` is in them (up to 5 s): the process writes its log
    /// lines after it answers, and a reader thread collects them after that.
    pub fn output_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let all = self.stdout_text() + &self.stderr_text();
            if all.contains(needle) || Instant::now() >= deadline {
                return all;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until an access-log line satisfies `pred`.
    pub fn wait_log(&self, pred: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(v) = self.access_log().into_iter().find(|v| pred(v)) {
                return v;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no matching access-log line in:\n{}", self.stdout_text());
    }

    pub fn metrics(&self) -> String {
        http_get_raw(self.admin, "/metrics")
    }

    /// The sum of a metric's samples over all its labels (0 when it has none yet).
    pub fn metric(&self, name: &str) -> f64 {
        self.metrics()
            .lines()
            .filter(|l| {
                l.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with([' ', '{']))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

/// The process a successor took over from; killed if dropped while still running.
pub struct Predecessor(pub Child);

impl Drop for Predecessor {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn pump(src: Option<impl Read + Send + 'static>, sink: Arc<Mutex<Vec<String>>>) {
    let Some(src) = src else { return };
    std::thread::spawn(move || {
        for line in BufReader::new(src).lines() {
            match line {
                Ok(l) => sink.lock().unwrap().push(l),
                Err(_) => break,
            }
        }
    });
}

/// A plain blocking HTTP/1.0 GET, for the admin listener.
pub fn http_get_raw(addr: SocketAddr, path: &str) -> String {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// A self-signed certificate for `names`, written to `dir`; returns (cert, key, pem).
pub fn write_cert(dir: &Path, stem: &str, names: &[&str]) -> (PathBuf, PathBuf, String) {
    let kp = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    let cert = params.self_signed(&kp).unwrap();
    let c = dir.join(format!("{stem}.crt"));
    let k = dir.join(format!("{stem}.key"));
    std::fs::write(&c, cert.pem()).unwrap();
    std::fs::write(&k, kp.serialize_pem()).unwrap();
    (c, k, cert.pem())
}

/// `yaml`'s plain listener on `port` made a TLS one for `host` (a fresh certificate kept in
/// `dir`), with `limits` added; and a client that trusts it and finds `host` on `port`.
pub fn over_tls(
    yaml: &str,
    port: u16,
    host: &str,
    limits: &str,
    dir: &Path,
) -> (String, reqwest::Client) {
    let (cert, key, pem) = write_cert(dir, "tls", &[host]);
    let plain = format!("listeners: [{{address: 127.0.0.1:{port}}}]");
    assert!(yaml.contains(&plain), "{yaml}");
    let tls = format!(
        "listeners:\n  - address: 127.0.0.1:{port}\n    tls:\n      certificates: [{{cert: \"{}\", key: \"{}\"}}]\nlimits: {limits}",
        cert.display(),
        key.display()
    );
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .resolve(host, SocketAddr::from(([127, 0, 0, 1], port)))
        .build()
        .unwrap();
    (yaml.replacen(&plain, &tls, 1), client)
}

/// A request body that sends `first` and then nothing, never ending.
pub fn stalled_body(first: &'static [u8]) -> reqwest::Body {
    use futures::StreamExt;
    let first = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(first))]);
    reqwest::Body::wrap_stream(first.chain(futures::stream::pending()))
}

/// A reqwest client with a short timeout that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A WebSocket client stream, as `tokio_tungstenite::connect_async` returns it.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a WebSocket at `url` and sends `first`; returns the socket, the upgrade response
/// and the reply.
///
/// Pingora 0.9 tears an HTTP/1 upgrade down right after its `101` when the upstream's
/// answer is read before the upgrade request's own empty body (cloudflare/pingora#946;
/// the fixes, #947 and #1016, are not released). A loopback origin answers that fast on a
/// busy machine, about one connection in ten; the client sees the `101` and then EOF on
/// its first frame. Clients reconnect, and so does this helper, at most three times, so a
/// tunnel that never carries a message still fails the test.
pub async fn ws_open(
    url: &str,
    first: &str,
) -> (
    Ws,
    tokio_tungstenite::tungstenite::handshake::client::Response,
    String,
) {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    ws_open_request(url.into_client_request().expect("a WebSocket URL"), first).await
}

/// [`ws_open`] with a request of the caller's (headers of its own).
pub async fn ws_open_request(
    request: tokio_tungstenite::tungstenite::handshake::client::Request,
    first: &str,
) -> (
    Ws,
    tokio_tungstenite::tungstenite::handshake::client::Response,
    String,
) {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{error::ProtocolError, Error, Message};
    for attempt in 1..=3 {
        let (mut ws, resp) = tokio_tungstenite::connect_async(request.clone())
            .await
            .expect("the upgrade succeeds");
        let sent = ws.send(Message::Text(first.into())).await;
        let reply = match sent {
            Ok(()) => tokio::time::timeout(Duration::from_secs(5), ws.next())
                .await
                .expect("a reply within 5 s"),
            Err(e) => Some(Err(e)),
        };
        match reply {
            Some(Ok(m)) => {
                let text = m.into_text().expect("a text reply").to_string();
                return (ws, resp, text);
            }
            Some(Err(Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)))
            | Some(Err(Error::Io(_)))
            | None
                if attempt < 3 => {}
            other => panic!("the tunnel carried no reply: {other:?}"),
        }
    }
    unreachable!("the last attempt returns or panics")
}

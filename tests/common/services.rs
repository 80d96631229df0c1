//! Throw-away PostgreSQL and Redis servers owned by one test, on free loopback ports.
//!
//! Fault tests stop and start these, never the machine's shared servers. Each one is
//! stopped when dropped, so a failing test leaves nothing running.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::free_port;

fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

fn pg_bin(tool: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .last()
        .map(|v| v.join("bin").join(tool))
        .unwrap_or_else(|| PathBuf::from(tool))
}

/// Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root).
fn pg_cmd(tool: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(pg_bin(tool));
        c
    } else {
        Command::new(pg_bin(tool))
    }
}

pub struct PgInstance {
    pub port: u16,
    dir: tempfile::TempDir,
}

impl PgInstance {
    /// initdb + pg_ctl start on a free port, trust auth, database `postgres`.
    pub fn start() -> PgInstance {
        let dir = tempfile::Builder::new()
            .prefix("securetag-pg")
            .tempdir()
            .unwrap();
        if is_root() {
            let _ = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status();
        }
        let data = dir.path().join("data");
        let out = pg_cmd("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pg = PgInstance {
            port: free_port(),
            dir,
        };
        pg.resume();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts (again) on the same port and data.
    pub fn resume(&self) {
        let log = self.dir.path().join("pg.log");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let out = pg_cmd("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-l"])
            .arg(&log)
            .args(["-o", &opts, "-w", "start"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl start failed: {} {}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "PostgreSQL did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops immediately, like a crash from the clients' point of view.
    pub fn stop(&self) {
        let _ = pg_cmd("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

impl Drop for PgInstance {
    fn drop(&mut self) {
        self.stop();
    }
}

pub struct RedisInstance {
    pub port: u16,
    child: Option<Child>,
}

impl RedisInstance {
    pub fn start() -> RedisInstance {
        let mut r = RedisInstance {
            port: free_port(),
            child: None,
        };
        r.resume();
        r
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn resume(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "Redis did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server without closing its connections (SIGSTOP): a Redis that hangs.
    pub fn pause(&self) {
        self.signal(libc::SIGSTOP);
    }

    /// Lets a paused server answer again.
    pub fn unpause(&self) {
        self.signal(libc::SIGCONT);
    }

    fn signal(&self, sig: i32) {
        let pid = self.child.as_ref().expect("Redis runs").id();
        let pid = libc::pid_t::try_from(pid).expect("a pid");
        // SAFETY: kill takes plain integers; the pid is this test's own child.
        let rc = unsafe { libc::kill(pid, sig) };
        assert_eq!(rc, 0, "signal {sig} to Redis {pid}");
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for RedisInstance {
    fn drop(&mut self) {
        self.stop();
    }
}

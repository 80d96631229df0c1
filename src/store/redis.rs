//! One Redis client per process, shared by the rate limiter and the login lockouts.
//!
//! Commands time out after 250 ms and fail fast while disconnected, so a dead Redis turns
//! into the in-process fallbacks instead of slow requests; the client reconnects on its own.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fred::prelude::*;

/// A client for `url`; not connected until [`start`] runs on a long-lived runtime.
pub fn client(url: &str) -> Result<Client, String> {
    let config = Config::from_url(url).map_err(|e| format!("bad Redis URL: {e}"))?;
    Builder::from_config(config)
        .with_performance_config(|p| {
            p.default_command_timeout = Duration::from_millis(250);
        })
        .with_connection_config(|c| {
            c.connection_timeout = Duration::from_millis(500);
            c.internal_command_timeout = Duration::from_millis(500);
        })
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
        .build()
        .map_err(|e| format!("Redis client: {e}"))
}

/// Starts the connection task.
pub fn start(client: &Client) {
    // The handle only reports the connection task's end; the task runs detached.
    drop(client.connect());
}

/// How often a failing Redis is logged at warn by each user of the connection.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Says when a Redis failure is worth a warn line: the first, then one a minute. A Redis
/// that hangs fails every request the same way after 250 ms, and a line per request would
/// flood the journal; the fallback metrics count every one.
#[derive(Default)]
pub struct WarnEvery {
    /// Milliseconds after the process's first use of this at the last warn, plus one (zero:
    /// never).
    last: AtomicU64,
}

impl WarnEvery {
    /// Whether to log this failure at warn (otherwise at debug).
    pub fn due(&self) -> bool {
        static START: OnceLock<Instant> = OnceLock::new();
        let since_start = START.get_or_init(Instant::now).elapsed().as_millis();
        self.due_at(
            u64::try_from(since_start)
                .unwrap_or(u64::MAX)
                .saturating_add(1),
        )
    }

    /// [`WarnEvery::due`] at `now`, in milliseconds plus one from any fixed start.
    fn due_at(&self, now: u64) -> bool {
        let last = self.last.load(Ordering::Relaxed);
        let every = u64::try_from(WARN_EVERY.as_millis()).unwrap_or(u64::MAX);
        (last == 0 || now.saturating_sub(last) >= every)
            && self
                .last
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failure_warns_and_the_next_ones_wait_a_minute() {
        let w = WarnEvery::default();
        assert!(w.due_at(1));
        assert!(!w.due_at(2));
        assert!(!w.due_at(60_000));
        assert!(w.due_at(60_001));
        assert!(!w.due_at(60_002));
        assert!(WarnEvery::default().due());
    }
}

//! One Redis connection per process, shared by the rate limiter and the lockouts.
//!
//! Commands time out after 250 ms and fail fast while disconnected, so a dead Redis turns
//! into the in-process fallbacks instead of slow requests; the client reconnects on its own.
//! A Redis that keeps the connection but stops answering (paused, swapping, a full disk
//! under `appendfsync always`) would still cost every request the whole timeout: after a
//! failure, commands are skipped for a spell (doubling up to [`MAX_SPELL`]) while one
//! request at a time probes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use fred::prelude::*;
use prometheus::IntCounter;

/// How long commands are skipped after the first failure.
const FIRST_SPELL: Duration = Duration::from_millis(500);
/// The longest skip: how long a recovered Redis may go unused.
const MAX_SPELL: Duration = Duration::from_secs(5);

/// The process's Redis client and what its users learned about it lately.
#[derive(Clone)]
pub struct Redis {
    client: Client,
    breaker: Arc<Breaker>,
}

impl Redis {
    /// A client for `url`; not connected until [`Redis::start`] runs on a long-lived runtime.
    pub fn new(url: &str) -> Result<Redis, String> {
        let config = Config::from_url(url).map_err(|e| format!("bad Redis URL: {e}"))?;
        let client = Builder::from_config(config)
            .with_performance_config(|p| {
                p.default_command_timeout = Duration::from_millis(250);
            })
            .with_connection_config(|c| {
                c.connection_timeout = Duration::from_millis(500);
                c.internal_command_timeout = Duration::from_millis(500);
            })
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
            .build()
            .map_err(|e| format!("Redis client: {e}"))?;
        Ok(Redis {
            client,
            breaker: Arc::new(Breaker::new()?),
        })
    }

    /// Starts the connection task.
    pub fn start(&self) {
        // The handle only reports the connection task's end; the task runs detached.
        drop(self.client.connect());
    }

    /// The client when a command is worth sending: connected, and not failing lately or
    /// this caller's turn to probe. Every command sent must be followed by [`Self::answered`].
    pub fn ready(&self) -> Option<&Client> {
        if !self.client.is_connected() {
            return None;
        }
        if self.breaker.ready(now_ms()) {
            Some(&self.client)
        } else {
            self.breaker.skipped.inc();
            None
        }
    }

    /// The client whenever connected, failing or not: for undoing something done in Redis a
    /// moment ago, which left undone would hold until it expired.
    pub fn connected(&self) -> Option<&Client> {
        self.client.is_connected().then_some(&self.client)
    }

    /// Records how a command ended.
    pub fn answered<T>(&self, outcome: &Result<T, Error>) {
        match outcome {
            Ok(_) => self.breaker.succeeded(),
            Err(_) => {
                self.breaker.failures.inc();
                self.breaker.failed(now_ms());
            }
        }
    }
}

/// When commands are skipped. Times are milliseconds since [`START`], plus one.
struct Breaker {
    /// Until when commands are skipped; 0 while Redis answers.
    open_until: AtomicU64,
    /// The next skip's length.
    spell: AtomicU64,
    failures: IntCounter,
    skipped: IntCounter,
}

impl Breaker {
    fn new() -> Result<Breaker, String> {
        let counter = |name: &str, help: &str| {
            let c = IntCounter::new(name, help).map_err(|e| e.to_string())?;
            crate::metrics::get().register(Box::new(c.clone()));
            Ok::<_, String>(c)
        };
        Ok(Breaker {
            open_until: AtomicU64::new(0),
            spell: AtomicU64::new(ms(FIRST_SPELL)),
            failures: counter(
                "redis_failures_total",
                "Redis commands that failed or timed out",
            )?,
            skipped: counter(
                "redis_skipped_total",
                "Redis commands not sent because Redis failed moments before",
            )?,
        })
    }

    fn ready(&self, now: u64) -> bool {
        let until = self.open_until.load(Ordering::Acquire);
        // Past the spell, one caller wins the probe; the spell is pushed ahead meanwhile,
        // so a probe whose request is dropped unanswered only delays the next one.
        until == 0
            || (now >= until
                && self
                    .open_until
                    .compare_exchange(
                        until,
                        now + self.spell.load(Ordering::Relaxed),
                        Ordering::AcqRel,
                        Ordering::Relaxed,
                    )
                    .is_ok())
    }

    fn succeeded(&self) {
        if self.open_until.load(Ordering::Relaxed) != 0 {
            self.open_until.store(0, Ordering::Release);
            self.spell.store(ms(FIRST_SPELL), Ordering::Relaxed);
        }
    }

    fn failed(&self, now: u64) {
        let spell = self.spell.load(Ordering::Relaxed);
        self.open_until.store(now + spell, Ordering::Release);
        self.spell
            .store((spell * 2).min(ms(MAX_SPELL)), Ordering::Relaxed);
    }
}

static START: LazyLock<Instant> = LazyLock::new(Instant::now);

fn now_ms() -> u64 {
    u64::try_from(START.elapsed().as_millis())
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> Breaker {
        Breaker {
            open_until: AtomicU64::new(0),
            spell: AtomicU64::new(ms(FIRST_SPELL)),
            failures: IntCounter::new("f", "f").unwrap(),
            skipped: IntCounter::new("s", "s").unwrap(),
        }
    }

    #[test]
    fn a_failure_skips_commands_for_a_spell_then_one_caller_probes() {
        let b = breaker();
        assert!(b.ready(1) && b.ready(2));
        b.failed(10);
        assert!(
            !b.ready(11) && !b.ready(509),
            "skipped within the first spell"
        );
        assert!(b.ready(510), "the first caller after it probes");
        assert!(!b.ready(510) && !b.ready(1500), "one probe at a time");
        b.failed(520);
        assert!(!b.ready(1519), "a failed probe doubles the spell");
        assert!(b.ready(1520));
        b.succeeded();
        assert!(
            b.ready(1521) && b.ready(1522),
            "an answer ends the skipping"
        );
        b.failed(2000);
        assert!(
            !b.ready(2499) && b.ready(2500),
            "and the spell starts short again"
        );
    }

    #[test]
    fn the_spell_stops_growing_at_its_longest() {
        let b = breaker();
        let mut now = 1;
        for _ in 0..20 {
            b.failed(now);
            now += ms(MAX_SPELL) + 1;
        }
        b.failed(now);
        assert!(!b.ready(now + ms(MAX_SPELL) - 1));
        assert!(b.ready(now + ms(MAX_SPELL)));
    }
}

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
    /// this caller's turn to probe. The command's outcome goes to [`Self::answered`] with the
    /// ticket.
    pub fn ready(&self) -> Option<(&Client, Ticket)> {
        if !self.client.is_connected() {
            return None;
        }
        match self.breaker.ready(now_ms()) {
            Some(ticket) => Some((&self.client, ticket)),
            None => {
                self.breaker.skipped.inc();
                None
            }
        }
    }

    /// The client whenever connected, failing or not: for undoing something done in Redis a
    /// moment ago, which left undone would hold until it expired.
    pub fn connected(&self) -> Option<(&Client, Ticket)> {
        self.client
            .is_connected()
            .then_some((&self.client, Ticket { probe: false }))
    }

    /// Records how a command ended.
    pub fn answered<T>(&self, ticket: Ticket, outcome: &Result<T, Error>) {
        match outcome {
            Ok(_) => self.breaker.succeeded(),
            Err(_) => {
                self.breaker.failures.inc();
                self.breaker.failed(ticket, now_ms());
            }
        }
    }
}

/// Whether a command was the probe of a Redis that failed: only a probe's failure lengthens
/// the spell, not the other commands that were waiting when Redis stopped answering.
#[derive(Clone, Copy, Debug)]
pub struct Ticket {
    probe: bool,
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

    fn ready(&self, now: u64) -> Option<Ticket> {
        let until = self.open_until.load(Ordering::Acquire);
        if until == 0 {
            return Some(Ticket { probe: false });
        }
        // Past the spell, one caller wins the probe; the spell is pushed ahead meanwhile,
        // so a probe whose request is dropped unanswered only delays the next one.
        (now >= until
            && self
                .open_until
                .compare_exchange(
                    until,
                    now + self.spell.load(Ordering::Relaxed),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                )
                .is_ok())
        .then_some(Ticket { probe: true })
    }

    /// Runs on every answer, so it writes only what changes: a store to a shared line from
    /// every core would cost each command a cache miss.
    fn succeeded(&self) {
        if self.open_until.load(Ordering::Relaxed) != 0 {
            self.open_until.store(0, Ordering::Release);
        }
        if self.spell.load(Ordering::Relaxed) != ms(FIRST_SPELL) {
            self.spell.store(ms(FIRST_SPELL), Ordering::Relaxed);
        }
    }

    fn failed(&self, ticket: Ticket, now: u64) {
        if ticket.probe {
            let spell = (self.spell.load(Ordering::Relaxed) * 2).min(ms(MAX_SPELL));
            self.spell.store(spell, Ordering::Relaxed);
            self.open_until.store(now + spell, Ordering::Release);
        } else {
            // The first failure opens a short spell; the others that were waiting with it,
            // or sent just before it, leave the spell as it is.
            let _ = self.open_until.compare_exchange(
                0,
                now + ms(FIRST_SPELL),
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
        }
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

    const PLAIN: Ticket = Ticket { probe: false };

    #[test]
    fn a_failure_skips_commands_for_a_spell_then_one_caller_probes() {
        let b = breaker();
        assert!(b.ready(1).is_some() && b.ready(2).is_some());
        b.failed(PLAIN, 10);
        // Commands that were waiting with the first one fail too: the spell stays short.
        b.failed(PLAIN, 11);
        b.failed(PLAIN, 12);
        assert!(
            b.ready(11).is_none() && b.ready(509).is_none(),
            "skipped within the first spell"
        );
        let probe = b.ready(510).expect("the first caller after it probes");
        assert!(
            b.ready(510).is_none() && b.ready(1009).is_none(),
            "one probe at a time"
        );
        b.failed(probe, 520);
        assert!(b.ready(1519).is_none(), "a failed probe doubles the spell");
        b.failed(PLAIN, 600);
        assert!(b.ready(1520).is_some(), "a late failure leaves it as it is");
        b.succeeded();
        assert!(
            b.ready(1521).is_some() && b.ready(1522).is_some(),
            "an answer ends the skipping"
        );
        b.failed(PLAIN, 2000);
        assert!(
            b.ready(2499).is_none() && b.ready(2500).is_some(),
            "and the spell starts short again"
        );
    }

    #[test]
    fn the_spell_stops_growing_at_its_longest() {
        let b = breaker();
        b.failed(PLAIN, 1);
        let mut now = 1;
        for _ in 0..20 {
            now += ms(MAX_SPELL);
            let probe = b.ready(now).expect("a probe once the spell is over");
            b.failed(probe, now);
        }
        assert!(b.ready(now + ms(MAX_SPELL) - 1).is_none());
        assert!(b.ready(now + ms(MAX_SPELL)).is_some());
    }
}

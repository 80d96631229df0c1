//! Login lockout counters, shared through Redis (in-process fallback). The AI shield counts
//! failed API keys with them too, under its own prefix (`shield::auth::KeyGuesses`).
//!
//! Per subject (a client IP, or the hash of a submitted account): failures are counted in
//! a window; reaching the limit locks the subject for a cool-down that doubles with every
//! lockout in the last day (capped), and a success clears both. Each operation is one
//! Lua script call, so instances never disagree on a count.
//!
//! Attempts are also counted while they are in flight (an account's, and an address's
//! when it has a limit): the failures of attempts sent at once are only known when the app
//! answers, and 200 guesses sent in parallel would all pass the check before the first came
//! back. A count in flight lasts at most [`MAX_IN_FLIGHT`], in Redis and in process: one a
//! Redis that paused ran after the edge had given up on it, or one whose request panicked
//! part-way, is never released.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fred::prelude::*;
use fred::types::scripts::Script;
use parking_lot::Mutex;

use super::redis::{Redis, Ticket};

/// How subjects are locked.
#[derive(Debug, Clone, PartialEq)]
pub struct LockPolicy {
    pub max_failures: u32,
    pub window: Duration,
    pub cooldown: Duration,
    pub max_cooldown: Duration,
}

const LEVEL_TTL_MS: i64 = 24 * 3600 * 1000;

/// The longest an attempt counts as in flight in Redis: past any login's answer, short of a
/// failure window, so a stray count holds an address for minutes, not for the window.
const MAX_IN_FLIGHT: Duration = Duration::from_secs(120);

/// KEYS: the lock key of every subject, then (fail, inflight) of each reserved one; ARGV:
/// the number of subjects, how long a count in flight lasts, then each reserved subject's
/// limit. Returns the
/// longest lock left in ms, -1 when a reserved subject's failures and attempts in flight
/// reach its limit, or 0 once the attempt is reserved.
const ADMIT: &str = r#"
local locks = tonumber(ARGV[1]); local inflight_ttl = tonumber(ARGV[2])
local best = 0
for i = 1, locks do
  local t = redis.call('PTTL', KEYS[i])
  if t > best then best = t end
end
if best > 0 then return best end
for i = locks + 1, #KEYS, 2 do
  local max = tonumber(ARGV[2 + (i - locks + 1) / 2])
  local n = tonumber(redis.call('GET', KEYS[i]) or '0') + tonumber(redis.call('GET', KEYS[i + 1]) or '0')
  if n >= max then return -1 end
end
for i = locks + 1, #KEYS, 2 do
  -- The lifetime runs from the first attempt in flight, so a count a dead process left
  -- behind expires even while new attempts keep coming.
  if redis.call('INCR', KEYS[i + 1]) == 1 then redis.call('PEXPIRE', KEYS[i + 1], inflight_ttl) end
end
return 0
"#;

const RELEASE: &str = r#"
for i = 1, #KEYS do
  if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
end
return 0
"#;

/// What [`Lockouts::admit`] decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Admission {
    /// Let through; the reserved subjects' attempt is counted until [`Lockouts::release`],
    /// which must go where it was reserved (`local`: in-process, Redis being down).
    Open { local: bool },
    /// A subject is locked for this long.
    Locked(Duration),
    /// A reserved subject has as many attempts failed and in flight as it may have.
    Busy,
}

const FAILURE: &str = r#"
local max = tonumber(ARGV[1]); local window = tonumber(ARGV[2])
local base = tonumber(ARGV[3]); local cap = tonumber(ARGV[4]); local level_ttl = tonumber(ARGV[5])
local longest = 0
for i = 1, #KEYS, 3 do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('PEXPIRE', KEYS[i], window) end
  if n >= max then
    local lvl = redis.call('INCR', KEYS[i + 2])
    redis.call('PEXPIRE', KEYS[i + 2], level_ttl)
    local cool = math.min(base * (2 ^ (lvl - 1)), cap)
    redis.call('SET', KEYS[i + 1], '1', 'PX', math.floor(cool))
    redis.call('DEL', KEYS[i])
    if cool > longest then longest = cool end
  end
end
return math.floor(longest)
"#;

/// The in-process state, used while Redis is absent or down.
#[derive(Default)]
struct Local {
    /// Per subject: when its window ends, and the failures in it.
    fails: HashMap<String, (Instant, u32)>,
    locks: HashMap<String, Instant>,
    levels: HashMap<String, (Instant, u32)>,
    /// Per subject: until when its attempts in flight count (as long as in Redis, from the
    /// first one), and how many there are; an attempt never released (a panic part-way)
    /// stops counting then.
    inflight: HashMap<String, (Instant, u32)>,
    pruned: Option<Instant>,
}

/// Subjects held before expired ones are dropped (at most once a second), and the most
/// counted at once: each failed login with a made-up account name adds one.
const PRUNE_ABOVE: usize = 10_000;
const MAX_LOCAL_SUBJECTS: usize = 100_000;

impl Local {
    fn prune(&mut self, now: Instant) {
        let size = self.fails.len() + self.locks.len() + self.levels.len() + self.inflight.len();
        let recent = self
            .pruned
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1));
        if size < PRUNE_ABOVE || recent {
            return;
        }
        self.pruned = Some(now);
        let level_ttl = Duration::from_millis(LEVEL_TTL_MS.unsigned_abs());
        self.fails.retain(|_, (end, _)| *end > now);
        self.locks.retain(|_, until| *until > now);
        self.levels
            .retain(|_, (start, _)| now.duration_since(*start) < level_ttl);
        self.inflight.retain(|_, (until, _)| *until > now);
    }

    /// The attempts of `s` in flight now.
    fn in_flight(&self, s: &str, now: Instant) -> u32 {
        self.inflight
            .get(s)
            .filter(|(until, _)| *until > now)
            .map_or(0, |f| f.1)
    }
}

/// The Redis scripts, loaded once per connection.
struct Scripts {
    admit: Script,
    failure: Script,
    release: Script,
}

pub struct Lockouts {
    redis: Option<(Redis, Scripts)>,
    local: Mutex<Local>,
    prefix: &'static str,
    warn: super::WarnEvery,
}

impl Lockouts {
    /// The login lockout's counters.
    pub fn new(redis: Option<Redis>) -> Self {
        Self::with_prefix(redis, "securetag:login:")
    }

    /// Counters of their own, kept in Redis under `prefix`.
    pub fn with_prefix(redis: Option<Redis>, prefix: &'static str) -> Self {
        Lockouts {
            redis: redis.map(|c| {
                let scripts = Scripts {
                    admit: Script::from_lua(ADMIT),
                    failure: Script::from_lua(FAILURE),
                    release: Script::from_lua(RELEASE),
                };
                (c, scripts)
            }),
            local: Mutex::new(Local::default()),
            prefix,
            warn: Default::default(),
        }
    }

    /// Redis, when a command is worth sending (see [`Redis::ready`]).
    fn ready(&self) -> Option<(&Redis, &Client, Ticket, &Scripts)> {
        let (r, scripts) = self.redis.as_ref()?;
        let (c, ticket) = r.ready()?;
        Some((r, c, ticket, scripts))
    }

    /// Redis whenever connected, to undo what a command did there.
    fn connected(&self) -> Option<(&Redis, &Client, Ticket, &Scripts)> {
        let (r, scripts) = self.redis.as_ref()?;
        let (c, ticket) = r.connected()?;
        Some((r, c, ticket, scripts))
    }

    /// Checks `subjects` for locks and, when none is locked, reserves an attempt for each
    /// of `reserve` (subject, limit): its failures and attempts in flight must stay under
    /// its limit, so parallel guesses cannot all pass before the first failure is known. A
    /// count in flight lasts no longer than the failure `window` (nor [`MAX_IN_FLIGHT`]). An
    /// `Open` answer must be followed by one [`Self::release`] of `reserve`.
    pub async fn admit(
        &self,
        subjects: &[String],
        reserve: &[(&str, u32)],
        window: Duration,
    ) -> Admission {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        if let Some((r, c, ticket, scripts)) = self.ready() {
            let mut keys: Vec<String> = subjects
                .iter()
                .map(|s| format!("{}lock:{s}", self.prefix))
                .collect();
            let mut args = vec![
                i64::try_from(subjects.len()).unwrap_or(i64::MAX),
                ms(window.min(MAX_IN_FLIGHT)),
            ];
            for (s, max) in reserve {
                keys.push(format!("{}fail:{s}", self.prefix));
                keys.push(format!("{}inflight:{s}", self.prefix));
                args.push(i64::from(*max));
            }
            let outcome = scripts
                .admit
                .evalsha_with_reload::<i64, _, _>(c, keys, args)
                .await;
            r.answered(ticket, &outcome);
            match outcome {
                Ok(0) => return Admission::Open { local: false },
                Ok(-1) => return Admission::Busy,
                Ok(ms) => return Admission::Locked(Duration::from_millis(ms.unsigned_abs())),
                Err(e) => self
                    .warn
                    .log(&e, "Redis lockout check failed; using local state"),
            }
        }
        let mut l = self.local.lock();
        let now = Instant::now();
        l.prune(now);
        let locked = subjects
            .iter()
            .filter_map(|s| l.locks.get(s).filter(|u| **u > now).map(|u| *u - now))
            .max();
        if let Some(left) = locked {
            return Admission::Locked(left);
        }
        let attempts = |l: &Local, s: &str| {
            let failed = l
                .fails
                .get(s)
                .filter(|(end, _)| *end > now)
                .map_or(0, |f| f.1);
            failed + l.in_flight(s, now)
        };
        if reserve.iter().any(|(s, max)| attempts(&l, s) >= *max) {
            return Admission::Busy;
        }
        let until = now + window.min(MAX_IN_FLIGHT);
        for (s, _) in reserve {
            if !l.inflight.contains_key(*s) && l.inflight.len() >= MAX_LOCAL_SUBJECTS {
                // Bounded like the counts; a reservation forgotten only counts less.
                l.inflight.clear();
            }
            let e = l.inflight.entry((*s).to_string()).or_insert((until, 0));
            if e.0 <= now {
                // Ended: its count starts over, as an expired key in Redis would.
                *e = (until, 0);
            }
            e.1 += 1;
        }
        Admission::Open { local: true }
    }

    /// Ends the attempts [`Self::admit`] reserved for `reserve`, whatever their outcome,
    /// where they were reserved.
    pub async fn release(&self, reserve: &[String], local: bool) {
        if reserve.is_empty() {
            return;
        }
        if !local {
            // Reserved in Redis: released there, or left to expire with its window if Redis
            // is away now (the in-process counts are other requests').
            let Some((r, c, ticket, scripts)) = self.connected() else {
                return;
            };
            let keys: Vec<String> = reserve
                .iter()
                .map(|s| format!("{}inflight:{s}", self.prefix))
                .collect();
            let outcome = scripts
                .release
                .evalsha_with_reload::<i64, _, _>(c, keys, Vec::<String>::new())
                .await;
            r.answered(ticket, &outcome);
            match outcome {
                Ok(_) => {}
                // Left to expire with the window.
                Err(e) => self.warn.log(&e, "Redis lockout release failed"),
            }
            return;
        }
        let mut l = self.local.lock();
        for s in reserve {
            if let Some((_, n)) = l.inflight.get_mut(s) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    l.inflight.remove(s);
                }
            }
        }
    }

    /// Counts a failure for each subject; returns the cool-down if one was just locked.
    pub async fn failure(&self, subjects: &[String], p: &LockPolicy) -> Option<Duration> {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        if let Some((r, c, ticket, scripts)) = self.ready() {
            let mut keys = Vec::with_capacity(subjects.len() * 3);
            for s in subjects {
                keys.push(format!("{}fail:{s}", self.prefix));
                keys.push(format!("{}lock:{s}", self.prefix));
                keys.push(format!("{}level:{s}", self.prefix));
            }
            let args = vec![
                i64::from(p.max_failures),
                ms(p.window),
                ms(p.cooldown),
                ms(p.max_cooldown),
                LEVEL_TTL_MS,
            ];
            let outcome = scripts
                .failure
                .evalsha_with_reload::<i64, _, _>(c, keys, args)
                .await;
            r.answered(ticket, &outcome);
            match outcome {
                Ok(0) => return None,
                Ok(n) => return Some(Duration::from_millis(n.unsigned_abs())),
                Err(e) => self
                    .warn
                    .log(&e, "Redis lockout update failed; using local state"),
            }
        }
        let mut l = self.local.lock();
        let now = Instant::now();
        l.prune(now);
        let mut longest = None;
        for s in subjects {
            if !l.fails.contains_key(s) {
                super::make_room(&mut l.fails, MAX_LOCAL_SUBJECTS, |_, &(end, n)| (n, end));
            }
            let e = l.fails.entry(s.clone()).or_insert((now + p.window, 0));
            if now >= e.0 {
                *e = (now + p.window, 0);
            }
            e.1 += 1;
            if e.1 < p.max_failures {
                continue;
            }
            l.fails.remove(s);
            if !l.levels.contains_key(s) {
                super::make_room(&mut l.levels, MAX_LOCAL_SUBJECTS, |_, &(start, n)| {
                    (n, start)
                });
            }
            if !l.locks.contains_key(s) && l.locks.len() >= MAX_LOCAL_SUBJECTS {
                // Bounded like the counts: expired locks go first, then (a flood of locked
                // made-up accounts) those at the lowest level that end soonest.
                l.locks.retain(|_, until| *until > now);
                let Local { locks, levels, .. } = &mut *l;
                super::make_room(locks, MAX_LOCAL_SUBJECTS, |s, &until| {
                    (levels.get(s).map_or(0, |lvl| lvl.1), until)
                });
            }
            let lvl = l.levels.entry(s.clone()).or_insert((now, 0));
            if now.duration_since(lvl.0) >= Duration::from_millis(LEVEL_TTL_MS.unsigned_abs()) {
                *lvl = (now, 0);
            }
            lvl.1 += 1;
            let factor = 2u32.saturating_pow(lvl.1.saturating_sub(1).min(20));
            let cool = p.cooldown.saturating_mul(factor).min(p.max_cooldown);
            l.locks.insert(s.clone(), now + cool);
            longest = longest.max(Some(cool));
        }
        longest
    }

    /// A success: the subjects' failure counts and lock levels start over. The caller passes
    /// the account alone: a success on one's own account must not clear the count of an
    /// address that has been guessing others'.
    pub async fn success(&self, subjects: &[String]) {
        if subjects.is_empty() {
            return;
        }
        if let Some((r, c, ticket, _)) = self.ready() {
            let mut keys = Vec::new();
            for s in subjects {
                keys.push(format!("{}fail:{s}", self.prefix));
                keys.push(format!("{}level:{s}", self.prefix));
            }
            let outcome = c.del::<i64, _>(keys).await;
            r.answered(ticket, &outcome);
            if let Err(e) = outcome {
                self.warn.log(&e, "Redis lockout reset failed");
            }
        }
        let mut l = self.local.lock();
        for s in subjects {
            l.fails.remove(s);
            l.levels.remove(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-minute window and a 10 s cap on the cool-down.
    fn policy(max_failures: u32, cooldown: Duration) -> LockPolicy {
        LockPolicy {
            max_failures,
            window: Duration::from_secs(60),
            cooldown,
            max_cooldown: Duration::from_secs(10),
        }
    }

    #[tokio::test]
    async fn local_lockout_locks_grows_and_resets() {
        let l = Lockouts::new(None);
        let p = policy(2, Duration::from_millis(40));
        let who = vec!["ip:1".to_string()];
        assert_eq!(l.failure(&who, &p).await, None);
        assert_eq!(l.failure(&who, &p).await, Some(Duration::from_millis(40)));
        assert!(matches!(
            l.admit(&who, &[], p.window).await,
            Admission::Locked(_)
        ));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            l.admit(&who, &[], p.window).await,
            Admission::Open { local: true },
            "the cool-down expires"
        );
        l.failure(&who, &p).await;
        assert_eq!(
            l.failure(&who, &p).await,
            Some(Duration::from_millis(80)),
            "a repeated lockout lasts longer"
        );
        l.success(&who).await;
        l.failure(&who, &p).await;
        assert_eq!(
            l.failure(&who, &p).await,
            Some(Duration::from_millis(40)),
            "a success resets the level"
        );
    }

    /// A flood of made-up accounts, each failing enough to be locked once, while Redis is
    /// away: the in-process locks and levels stay bounded like the counts, and a repeated
    /// guesser's lock (a higher level, under the same policy) outlives the flood.
    #[tokio::test]
    async fn local_locks_and_levels_stay_bounded() {
        let l = Lockouts::new(None);
        let p = policy(1, Duration::from_secs(60));
        let target = ["acct:target".to_string()];
        for _ in 0..3 {
            assert!(l.failure(&target, &p).await.is_some());
        }
        for n in 0..MAX_LOCAL_SUBJECTS + 10 {
            let who = [format!("acct:{n}")];
            assert!(l.failure(&who, &p).await.is_some());
        }
        let local = l.local.lock();
        assert!(
            local.locks.len() <= MAX_LOCAL_SUBJECTS,
            "{}",
            local.locks.len()
        );
        assert!(
            local.levels.len() <= MAX_LOCAL_SUBJECTS,
            "{}",
            local.levels.len()
        );
        assert!(local.fails.len() <= MAX_LOCAL_SUBJECTS);
        assert!(
            local.locks.contains_key("acct:target"),
            "the guesser is still locked"
        );
    }

    /// An attempt never released (its request panicked part-way) stops counting when its
    /// window ends, as its count in Redis would expire.
    #[tokio::test]
    async fn an_attempt_never_released_stops_counting_with_its_window() {
        let l = Lockouts::new(None);
        let window = Duration::from_millis(60);
        let acct = [("acct:z", 1)];
        let who = ["acct:z".to_string()];
        assert_eq!(
            l.admit(&who, &acct, window).await,
            Admission::Open { local: true }
        );
        assert_eq!(l.admit(&who, &acct, window).await, Admission::Busy);
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(
            l.admit(&who, &acct, window).await,
            Admission::Open { local: true }
        );
    }

    /// Attempts in flight count like failures: parallel guesses cannot all pass the check
    /// before the first failure is known. Each reserved subject has its own limit.
    #[tokio::test]
    async fn attempts_in_flight_count_until_released() {
        let l = Lockouts::new(None);
        let p = policy(3, Duration::from_secs(1));
        let ip = |n: u8| vec![format!("ip:{n}"), "acct:a".to_string()];
        let acct = [("acct:a", 3)];
        assert_eq!(l.failure(&["acct:a".to_string()], &p).await, None);
        assert_eq!(
            l.admit(&ip(1), &acct, p.window).await,
            Admission::Open { local: true }
        );
        assert_eq!(
            l.admit(&ip(2), &acct, p.window).await,
            Admission::Open { local: true }
        );
        assert_eq!(
            l.admit(&ip(3), &acct, p.window).await,
            Admission::Busy,
            "1 failed + 2 in flight"
        );
        l.release(&["acct:a".to_string()], true).await;
        assert_eq!(
            l.admit(&ip(4), &acct, p.window).await,
            Admission::Open { local: true }
        );
        // An address guessing many accounts at once meets its own, higher limit.
        let from_nine = |n: u8| vec!["ip:9".to_string(), format!("acct:{n}")];
        for n in 0..5u8 {
            let acct = format!("acct:{n}");
            assert_eq!(
                l.admit(&from_nine(n), &[("ip:9", 5), (&acct, 3)], p.window)
                    .await,
                Admission::Open { local: true }
            );
        }
        let acct = "acct:5".to_string();
        assert_eq!(
            l.admit(&from_nine(5), &[("ip:9", 5), (&acct, 3)], p.window)
                .await,
            Admission::Busy,
            "five in flight from the address"
        );
        assert_eq!(
            l.admit(&from_nine(5), &[(&acct, 3)], p.window).await,
            Admission::Open { local: true },
            "the account alone was free"
        );
    }
}

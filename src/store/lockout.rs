//! Login lockout counters, shared through Redis (in-process fallback).
//!
//! Per subject (a client IP, or the hash of a submitted account): failures are counted in
//! a window; reaching the limit locks the subject for a cool-down that doubles with every
//! lockout in the last day (capped), and a success clears both. Each operation is one
//! Lua script call, so instances never disagree on a count.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fred::prelude::*;
use fred::types::scripts::Script;
use parking_lot::Mutex;

/// How subjects are locked.
#[derive(Debug, Clone, PartialEq)]
pub struct LockPolicy {
    pub max_failures: u32,
    pub window: Duration,
    pub cooldown: Duration,
    pub max_cooldown: Duration,
}

const LEVEL_TTL_MS: i64 = 24 * 3600 * 1000;

const LOCKED: &str = r#"
local best = 0
for i = 1, #KEYS do
  local t = redis.call('PTTL', KEYS[i])
  if t > best then best = t end
end
return best
"#;

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
    pruned: Option<Instant>,
}

/// Subjects held before expired ones are dropped (at most once a second), and the most
/// counted at once: each failed login with a made-up account name adds one.
const PRUNE_ABOVE: usize = 10_000;
const MAX_LOCAL_SUBJECTS: usize = 100_000;

impl Local {
    fn prune(&mut self, now: Instant) {
        let size = self.fails.len() + self.locks.len() + self.levels.len();
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
    }
}

pub struct Lockouts {
    redis: Option<(Client, Script, Script)>,
    local: Mutex<Local>,
    prefix: &'static str,
}

impl Lockouts {
    pub fn new(redis: Option<Client>) -> Self {
        Lockouts {
            redis: redis.map(|c| (c, Script::from_lua(LOCKED), Script::from_lua(FAILURE))),
            local: Mutex::new(Local::default()),
            prefix: "securetag:login:",
        }
    }

    fn live(&self) -> Option<&(Client, Script, Script)> {
        self.redis.as_ref().filter(|(c, _, _)| c.is_connected())
    }

    /// How long the longest lock among `subjects` still runs, if any.
    pub async fn locked(&self, subjects: &[String]) -> Option<Duration> {
        if let Some((c, locked, _)) = self.live() {
            let keys: Vec<String> = subjects
                .iter()
                .map(|s| format!("{}lock:{s}", self.prefix))
                .collect();
            match locked
                .evalsha_with_reload::<i64, _, _>(c, keys, Vec::<String>::new())
                .await
            {
                Ok(ms) if ms > 0 => return Some(Duration::from_millis(ms.unsigned_abs())),
                Ok(_) => return None,
                Err(e) => {
                    tracing::warn!(error = %e, "Redis lockout check failed; using local state")
                }
            }
        }
        let mut l = self.local.lock();
        let now = Instant::now();
        l.prune(now);
        subjects
            .iter()
            .filter_map(|s| l.locks.get(s).filter(|u| **u > now).map(|u| *u - now))
            .max()
    }

    /// Counts a failure for each subject; returns the cool-down if one was just locked.
    pub async fn failure(&self, subjects: &[String], p: &LockPolicy) -> Option<Duration> {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        if let Some((c, _, failure)) = self.live() {
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
            match failure
                .evalsha_with_reload::<i64, _, _>(c, keys, args)
                .await
            {
                Ok(0) => return None,
                Ok(n) => return Some(Duration::from_millis(n.unsigned_abs())),
                Err(e) => {
                    tracing::warn!(error = %e, "Redis lockout update failed; using local state")
                }
            }
        }
        let mut l = self.local.lock();
        let now = Instant::now();
        l.prune(now);
        let mut longest = None;
        for s in subjects {
            if !l.fails.contains_key(s) {
                super::make_room(&mut l.fails, MAX_LOCAL_SUBJECTS);
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
        if let Some((c, _, _)) = self.live() {
            let mut keys = Vec::new();
            for s in subjects {
                keys.push(format!("{}fail:{s}", self.prefix));
                keys.push(format!("{}level:{s}", self.prefix));
            }
            if let Err(e) = c.del::<i64, _>(keys).await {
                tracing::warn!(error = %e, "Redis lockout reset failed");
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

    #[tokio::test]
    async fn local_lockout_locks_grows_and_resets() {
        let l = Lockouts::new(None);
        let p = LockPolicy {
            max_failures: 2,
            window: Duration::from_secs(60),
            cooldown: Duration::from_millis(40),
            max_cooldown: Duration::from_secs(10),
        };
        let who = vec!["ip:1".to_string()];
        assert_eq!(l.failure(&who, &p).await, None);
        assert_eq!(l.failure(&who, &p).await, Some(Duration::from_millis(40)));
        assert!(l.locked(&who).await.is_some());
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(l.locked(&who).await.is_none(), "the cool-down expires");
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
}

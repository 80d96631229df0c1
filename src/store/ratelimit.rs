//! Rate limits shared by every instance: GCRA in Redis, with an in-process fallback.
//!
//! GCRA (the "generic cell rate algorithm") keeps one timestamp per limited key, the
//! theoretical arrival time of the next request, and gives both a sustained rate and a
//! burst with a single read-modify-write. Several limits (per key and per tenant) are
//! checked and updated in one Lua script, atomically: a request denied by one limit
//! consumes nothing from the others. Time comes from Redis (`TIME`), so instances with
//! skewed clocks still agree.
//!
//! When Redis is unreachable the same algorithm runs in process memory: limits then hold
//! per instance instead of globally, which is logged and counted
//! (`securetag_ratelimit_fallback_total`) but never stops traffic.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fred::prelude::*;
use fred::types::scripts::Script;
use parking_lot::Mutex;
use prometheus::IntCounter;

/// A sustained rate with a burst allowance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    /// Requests allowed per `period` on average.
    pub rate: u32,
    pub period: Duration,
    /// Requests that may arrive at once after an idle spell.
    pub burst: u32,
}

impl Quota {
    /// `n` per minute with a burst of `n`, the meaning of an "RPM" limit.
    pub fn per_minute(n: u32) -> Quota {
        Quota {
            rate: n,
            period: Duration::from_secs(60),
            burst: n.max(1),
        }
    }

    fn interval_us(&self) -> u64 {
        let p = u64::try_from(self.period.as_micros()).unwrap_or(u64::MAX);
        (p / u64::from(self.rate.max(1))).max(1)
    }
}

/// The outcome of checking one request against a set of limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    /// Index of the first limit that denied, when denied.
    pub denied_by: Option<usize>,
    /// Burst size of the tightest limit (for `x-ratelimit-limit-*`).
    pub limit: u32,
    /// Requests left right now under the tightest limit.
    pub remaining: u32,
    /// When denied: how long until a retry can succeed, under every limit that denied (a
    /// retry after the first one's wait alone would meet the next).
    pub retry_after: Duration,
    /// How long until the tightest limit is fully replenished.
    pub reset_after: Duration,
    /// Whether the in-process fallback answered.
    pub local: bool,
}

const SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = #KEYS
local tats = {}
local denied = 0
local retry = 0
for i = 1, n do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - burst * interval
  if allow_at > now then
    if denied == 0 then denied = i end
    if allow_at - now > retry then retry = allow_at - now end
  end
  tats[i] = new_tat
end
local out = {denied, retry}
for i = 1, n do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tats[i]
  if denied ~= 0 then tat = tat - interval end
  if denied == 0 then
    redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', math.max(1, math.ceil((tat - now) / 1000)))
  end
  local remaining = math.floor((now + burst * interval - tat) / interval)
  if remaining < 0 then remaining = 0 end
  out[#out + 1] = remaining
  out[#out + 1] = tat - now
end
return out
"#;

pub struct RateLimiter {
    redis: Option<(super::redis::Redis, Script)>,
    local: Local,
    fallback: IntCounter,
    prefix: String,
    warn: super::WarnEvery,
}

impl RateLimiter {
    /// A limiter on `redis` (shared with other users of the connection), or purely
    /// local without one. An unreachable Redis only means the local fallback answers.
    pub fn new(redis: Option<super::redis::Redis>) -> Result<Self, String> {
        let fallback = IntCounter::new(
            "ratelimit_fallback_total",
            "Rate-limit decisions taken in process because Redis was unreachable",
        )
        .map_err(|e| e.to_string())?;
        crate::metrics::get().register(Box::new(fallback.clone()));
        Ok(RateLimiter {
            redis: redis.map(|c| (c, Script::from_lua(SCRIPT))),
            local: Local::default(),
            fallback,
            prefix: "securetag:rl:".into(),
            warn: Default::default(),
        })
    }

    /// Checks one request against `limits` (name, quota), consuming from all or none.
    pub async fn check(&self, limits: &[(String, Quota)]) -> Decision {
        if limits.is_empty() {
            return Decision {
                allowed: true,
                denied_by: None,
                limit: 0,
                remaining: 0,
                retry_after: Duration::ZERO,
                reset_after: Duration::ZERO,
                local: false,
            };
        }
        if let Some((redis, script)) = &self.redis {
            if let Some((client, ticket)) = redis.ready() {
                let outcome = self.check_redis(client, script, limits).await;
                redis.answered(ticket, &outcome);
                match outcome {
                    Ok(d) => return d,
                    Err(e) => self
                        .warn
                        .log(&e, "Redis rate limit failed; using the local limiter"),
                }
            }
            self.fallback.inc();
        }
        let mut d = self.local.check(limits);
        d.local = self.redis.is_some();
        d
    }

    async fn check_redis(
        &self,
        client: &Client,
        script: &Script,
        limits: &[(String, Quota)],
    ) -> Result<Decision, Error> {
        let keys: Vec<String> = limits
            .iter()
            .map(|(k, _)| format!("{}{k}", self.prefix))
            .collect();
        let mut args: Vec<i64> = Vec::with_capacity(limits.len() * 2);
        for (_, q) in limits {
            args.push(i64::try_from(q.interval_us()).unwrap_or(i64::MAX));
            args.push(i64::from(q.burst));
        }
        let out: Vec<i64> = script.evalsha_with_reload(client, keys, args).await?;
        Ok(decide(limits, &out))
    }
}

/// Turns the script's (or the local check's) raw numbers into a decision.
fn decide(limits: &[(String, Quota)], out: &[i64]) -> Decision {
    let denied = out.first().copied().unwrap_or(0);
    let retry = out.get(1).copied().unwrap_or(0).max(0);
    // The tightest limit is the one with the fewest requests left.
    let mut best: Option<(u32, u32, u64)> = None;
    for (i, (_, q)) in limits.iter().enumerate() {
        let remaining = out.get(2 + 2 * i).copied().unwrap_or(0).max(0);
        let reset = out.get(3 + 2 * i).copied().unwrap_or(0).max(0);
        let remaining = u32::try_from(remaining).unwrap_or(u32::MAX);
        if best.is_none_or(|(_, r, _)| remaining < r) {
            best = Some((q.burst, remaining, reset.unsigned_abs()));
        }
    }
    let (limit, remaining, reset) = best.unwrap_or((0, 0, 0));
    Decision {
        allowed: denied == 0,
        denied_by: usize::try_from(denied)
            .ok()
            .filter(|d| *d > 0)
            .map(|d| d - 1),
        limit,
        remaining,
        retry_after: Duration::from_micros(retry.unsigned_abs()),
        reset_after: Duration::from_micros(reset),
        local: false,
    }
}

/// The same GCRA over process memory, sharded to keep lock hold times tiny.
#[derive(Default)]
struct Local {
    shards: [Mutex<HashMap<String, u64>>; 16],
}

static START: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);

impl Local {
    fn check(&self, limits: &[(String, Quota)]) -> Decision {
        let now = u64::try_from(START.elapsed().as_micros()).unwrap_or(u64::MAX) + 1;
        // Lock shards in index order so two requests can never deadlock.
        let mut idx: Vec<usize> = limits.iter().map(|(k, _)| shard_of(k)).collect();
        idx.sort_unstable();
        idx.dedup();
        let mut guards: Vec<(usize, parking_lot::MutexGuard<'_, HashMap<String, u64>>)> =
            idx.iter().map(|i| (*i, self.shards[*i].lock())).collect();
        let mut tats = Vec::with_capacity(limits.len());
        let mut denied = 0i64;
        let mut retry = 0i64;
        for (i, (k, q)) in limits.iter().enumerate() {
            let map = guard_for(&mut guards, shard_of(k));
            let interval = q.interval_us();
            let tat = map.get(k).copied().unwrap_or(0).max(now);
            let new_tat = tat + interval;
            let allow_at = new_tat.saturating_sub(u64::from(q.burst) * interval);
            if allow_at > now {
                if denied == 0 {
                    denied = i64::try_from(i + 1).unwrap_or(i64::MAX);
                }
                retry = retry.max(i64::try_from(allow_at - now).unwrap_or(i64::MAX));
            }
            tats.push(new_tat);
        }
        let mut out = vec![denied, retry];
        for (i, (k, q)) in limits.iter().enumerate() {
            let interval = q.interval_us();
            let tat = if denied != 0 {
                tats[i] - interval
            } else {
                tats[i]
            };
            let map = guard_for(&mut guards, shard_of(k));
            if denied == 0 {
                if !map.contains_key(k) {
                    make_room(map, now);
                }
                map.insert(k.clone(), tat);
            }
            let budget = now + u64::from(q.burst) * interval;
            out.push(i64::try_from(budget.saturating_sub(tat) / interval).unwrap_or(0));
            out.push(i64::try_from(tat.saturating_sub(now)).unwrap_or(0));
        }
        decide(limits, &out)
    }
}

/// Keys one shard holds at most: 16 shards of 8,192 keep the table near 13 MB however many
/// callers a flood of distinct keys (`by: header`, rotating IPv6) invents.
const SHARD_KEYS: usize = 8192;

/// Makes room for a new key in a full shard: the keys whose limit has run out go first;
/// if every key is still limited, the tenth nearest to running out is forgotten (those
/// callers start afresh, as under Redis eviction) rather than the table growing or every
/// request paying a walk of it.
fn make_room(map: &mut HashMap<String, u64>, now: u64) {
    if map.len() < SHARD_KEYS {
        return;
    }
    map.retain(|_, t| *t > now);
    super::make_room(map, SHARD_KEYS, |_, &t| t);
}

fn shard_of(key: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    (h.finish() % 16) as usize
}

fn guard_for<'a, 'b>(
    guards: &'a mut [(usize, parking_lot::MutexGuard<'b, HashMap<String, u64>>)],
    shard: usize,
) -> &'a mut HashMap<String, u64> {
    let pos = guards.iter().position(|(i, _)| *i == shard).unwrap_or(0);
    &mut guards[pos].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_keys_stays_within_the_shards_bound() {
        let l = Local::default();
        for i in 0..(16 * SHARD_KEYS * 3) {
            let d = l.check(&[(format!("route:x:h:{i}"), Quota::per_minute(1))]);
            assert!(d.allowed);
        }
        for shard in &l.shards {
            assert!(shard.lock().len() <= SHARD_KEYS);
        }
        // Limits still hold for a caller that comes back at once.
        let k = vec![("route:x:h:again".to_string(), Quota::per_minute(1))];
        assert!(l.check(&k).allowed);
        assert!(!l.check(&k).allowed);
    }

    #[test]
    fn local_gcra_allows_the_burst_then_denies_with_a_retry_time() {
        let l = Local::default();
        let limits = vec![("k".to_string(), Quota::per_minute(3))];
        for i in 0..3 {
            let d = l.check(&limits);
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 2 - i);
        }
        let d = l.check(&limits);
        assert!(!d.allowed);
        assert_eq!(d.denied_by, Some(0));
        assert!(
            d.retry_after > Duration::from_secs(15) && d.retry_after <= Duration::from_secs(20),
            "{:?}",
            d.retry_after
        );
    }

    /// When the key and the tenant both deny, the retry time is the longer wait.
    #[test]
    fn retry_after_waits_for_every_limit_that_denies() {
        let l = Local::default();
        let tight = |rate| Quota {
            rate,
            period: Duration::from_secs(60),
            burst: 1,
        };
        let limits = vec![
            ("key".to_string(), tight(6)),
            ("tenant".to_string(), tight(1)),
        ];
        assert!(l.check(&limits).allowed);
        let d = l.check(&limits);
        assert!(!d.allowed);
        assert_eq!(d.denied_by, Some(0), "the key's limit is named");
        assert!(
            d.retry_after > Duration::from_secs(55),
            "{:?}: the tenant's 60 s, not the key's 10 s",
            d.retry_after
        );
    }

    #[test]
    fn a_denial_by_one_limit_consumes_nothing_from_the_others() {
        let l = Local::default();
        let tight = vec![
            ("key".to_string(), Quota::per_minute(1)),
            ("tenant".to_string(), Quota::per_minute(5)),
        ];
        assert!(l.check(&tight).allowed);
        for _ in 0..5 {
            assert!(!l.check(&tight).allowed);
        }
        let tenant_only = vec![("tenant".to_string(), Quota::per_minute(5))];
        let d = l.check(&tenant_only);
        assert!(d.allowed);
        assert_eq!(
            d.remaining, 3,
            "only the one allowed request was charged to the tenant"
        );
    }
}

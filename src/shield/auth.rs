//! Who is calling: API key lookup with a TTL cache, bans, and brute-force protection.
//!
//! Keys are looked up by SHA-256, never by value. Results are cached for `cache_ttl`,
//! unknown keys included, so a flood of made-up keys is answered from memory and never
//! reaches the database. Bans are read from the store every few seconds into a set the
//! request path checks without I/O; a ban this instance issues applies at once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};

use crate::store::lockout::{Admission, LockPolicy, Lockouts};
use crate::store::{client_subject, Ban, BanKind, KeyRecord, Store, StoreError};

/// The key a client presented: `Authorization: Bearer …` or `x-api-key`.
pub fn presented_key<'a>(
    authorization: Option<&'a str>,
    x_api_key: Option<&'a str>,
) -> Option<&'a str> {
    let bearer = authorization.and_then(|v| {
        let (scheme, rest) = v.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
    });
    bearer
        .or(x_api_key.map(str::trim))
        .filter(|k| !k.is_empty())
}

const SHARDS: usize = 16;

/// One shard of the key cache: hash → (fetched at, record or known-unknown).
type Shard = Mutex<HashMap<String, (Instant, Option<Arc<KeyRecord>>)>>;

/// Active bans: (kind, value) → end (`None`: until lifted).
type BanMap = HashMap<(BanKind, String), Option<chrono::DateTime<chrono::Utc>>>;

/// Key records by hash, positive and negative, expiring after a TTL.
pub struct KeyCache {
    ttl: Duration,
    /// Applied to tenants that have no policy row of their own.
    default_policy: Arc<crate::shield::policy::Policy>,
    shards: Vec<Shard>,
    capacity_per_shard: usize,
}

impl KeyCache {
    pub fn new(
        ttl: Duration,
        capacity: usize,
        default_policy: Arc<crate::shield::policy::Policy>,
    ) -> Self {
        KeyCache {
            ttl,
            default_policy,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            capacity_per_shard: (capacity / SHARDS).max(16),
        }
    }

    fn shard(&self, hash: &str) -> &Shard {
        // The key is already a uniform hex digest: its first digit picks one of 16 shards
        // (the digit's value, not its ASCII code, which would leave six shards unused).
        let d = hash
            .chars()
            .next()
            .and_then(|c| c.to_digit(16))
            .unwrap_or(0);
        &self.shards[d as usize % SHARDS]
    }

    /// The record for `hash`: from the cache while fresh, else from the store. The request
    /// path takes a lookup turn between the two ([`Self::cached`], [`Self::load`]).
    #[cfg(test)]
    pub async fn get(
        &self,
        store: &dyn Store,
        hash: &str,
    ) -> Result<Option<Arc<KeyRecord>>, StoreError> {
        match self.cached(hash) {
            Some(v) => Ok(v),
            None => self.load(store, hash).await,
        }
    }

    /// The cached answer for `hash` while fresh (`Some(None)`: no such key), without I/O.
    pub fn cached(&self, hash: &str) -> Option<Option<Arc<KeyRecord>>> {
        let shard = self.shard(hash).lock();
        let (t, v) = shard.get(hash)?;
        (t.elapsed() < self.ttl).then(|| v.clone())
    }

    /// The record for `hash` from the store, cached.
    pub async fn load(
        &self,
        store: &dyn Store,
        hash: &str,
    ) -> Result<Option<Arc<KeyRecord>>, StoreError> {
        // Entries are stamped with when their query began: a slow lookup that began before a
        // `key revoke` must not replace the revoked record a later one already cached.
        let started = Instant::now();
        let fresh = store.key_by_hash(hash).await?.map(|mut k| {
            if !k.has_policy {
                k.policy = self.default_policy.clone();
                k.has_policy = true;
            }
            Arc::new(k)
        });
        let mut shard = self.shard(hash).lock();
        if shard.len() >= self.capacity_per_shard {
            let ttl = self.ttl;
            shard.retain(|_, (t, _)| t.elapsed() < ttl);
            // A flood of made-up keys fills shards with negatives: those go before real keys,
            // whose owners would otherwise all go back to the database at once.
            if shard.len() >= self.capacity_per_shard {
                shard.retain(|_, (_, v)| v.is_some());
            }
            if shard.len() >= self.capacity_per_shard {
                shard.clear();
            }
        }
        if let Some((_, newer)) = shard.get(hash).filter(|(t, _)| *t > started) {
            return Ok(newer.clone());
        }
        shard.insert(hash.to_string(), (started, fresh.clone()));
        Ok(fresh)
    }
}

/// One spelling per banned value: addresses and networks as they are printed here
/// (lower-case, compressed, a mapped IPv4 address as IPv4, a network cut to its prefix), and
/// ids in lower case.
fn canonical(kind: BanKind, value: &str) -> String {
    let v = value.trim();
    if kind == BanKind::Ip {
        if let Ok(ip) = v.parse::<IpAddr>() {
            return crate::edge::client_ip::canonical(ip).to_string();
        }
        if let Ok(net) = v.parse::<ipnet::IpNet>() {
            return ipv4_if_mapped(net).trunc().to_string();
        }
    }
    v.to_ascii_lowercase()
}

/// `::ffff:203.0.113.0/120` as the IPv4 network it is: clients are compared as IPv4.
fn ipv4_if_mapped(net: ipnet::IpNet) -> ipnet::IpNet {
    match net {
        ipnet::IpNet::V6(v6) if v6.prefix_len() >= 96 => v6
            .addr()
            .to_ipv4_mapped()
            .and_then(|a| ipnet::Ipv4Net::new(a, v6.prefix_len() - 96).ok())
            .map_or(net, ipnet::IpNet::V4),
        other => other,
    }
}

/// Active bans and, apart, the address bans that are networks a client must be looked up in.
#[derive(Default)]
struct Bans {
    map: BanMap,
    networks: Vec<(ipnet::IpNet, Option<chrono::DateTime<chrono::Utc>>)>,
}

impl Bans {
    fn holds(&self, kind: BanKind, value: String, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.map
            .get(&(kind, value))
            .is_some_and(|until| until.is_none_or(|u| u > now))
    }

    fn add(&mut self, key: (BanKind, String), until: Option<chrono::DateTime<chrono::Utc>>) {
        // An IPv6 /64 is a counting subject, found by its exact value; any other network is
        // searched.
        if key.0 == BanKind::Ip {
            if let Ok(net) = key.1.parse::<ipnet::IpNet>() {
                if !matches!(net, ipnet::IpNet::V6(n) if n.prefix_len() == 64) {
                    self.networks.retain(|(n, _)| *n != net);
                    self.networks.push((net, until));
                }
            }
        }
        self.map.insert(key, until);
    }
}

/// Bans in force, refreshed from the store in the background. Values are compared in one
/// spelling ([`canonical`]): an operator's `2001:DB8::1` or upper-case tenant id bans what it
/// names. An address ban may be a network (`203.0.113.0/24`).
#[derive(Default)]
pub struct BanList {
    active: RwLock<Bans>,
    /// Bans this instance issued that the store has not shown yet. Once a refresh shows one,
    /// the store alone decides, so an operator who lifts it there lifts it everywhere.
    pending: Mutex<BanMap>,
}

impl BanList {
    /// Whether `value` is banned as `kind` now.
    pub fn is_banned(&self, kind: BanKind, value: &str) -> bool {
        self.active
            .read()
            .holds(kind, canonical(kind, value), chrono::Utc::now())
    }

    /// Whether `ip` is banned now: itself, its counting subject (an IPv6 /64), or a network
    /// that holds it.
    pub fn is_ip_banned(&self, ip: IpAddr) -> bool {
        let now = chrono::Utc::now();
        let ip = crate::edge::client_ip::canonical(ip);
        let bans = self.active.read();
        let subject = client_subject(ip);
        // An IPv4 address is its own subject; an IPv6 one is looked up alone and by /64.
        (ip.is_ipv6() && bans.holds(BanKind::Ip, ip.to_string(), now))
            || bans.holds(BanKind::Ip, subject, now)
            || bans
                .networks
                .iter()
                .any(|(net, until)| net.contains(&ip) && until.is_none_or(|u| u > now))
    }

    /// Replaces the list with what the store holds, keeping local bans not yet visible there.
    pub fn replace(&self, bans: Vec<Ban>) {
        let now = chrono::Utc::now();
        let mut fresh = Bans::default();
        for b in bans {
            fresh.add((b.kind, canonical(b.kind, &b.value)), b.until);
        }
        // Under the pending lock, which `insert` also takes first: a ban issued meanwhile is
        // either in `pending` now or inserted after this replacement, never lost between.
        let mut pending = self.pending.lock();
        pending.retain(|k, until| until.is_none_or(|u| u > now) && !fresh.map.contains_key(k));
        for (k, until) in pending.iter() {
            fresh.add(k.clone(), *until);
        }
        *self.active.write() = fresh;
    }

    /// A ban issued here: in force at once, and kept until the store shows it.
    pub fn insert(&self, ban: &Ban) {
        let key = (ban.kind, canonical(ban.kind, &ban.value));
        let mut pending = self.pending.lock();
        pending.insert(key.clone(), ban.until);
        self.active.write().add(key, ban.until);
    }

    /// Refreshes from `store` every `every` until the process ends.
    pub async fn refresh_loop(self: Arc<Self>, store: Arc<dyn Store>, every: Duration) {
        let mut warned = false;
        loop {
            match store.active_bans().await {
                Ok(b) => {
                    self.replace(b);
                    warned = false;
                }
                Err(e) if !warned => {
                    tracing::warn!(error = %e, "cannot refresh bans; keeping the last known list");
                    warned = true;
                }
                Err(_) => {}
            }
            tokio::time::sleep(every).await;
        }
    }
}

/// A key lookup counted against its client's failure limit while in flight. One dropped
/// before [`KeyGuesses::release`] (its request future dropped part-way, as a panic does) is
/// given back by a task of its own, rather than counting until its window ends.
pub struct Lookup {
    subject: String,
    /// Counted in process (Redis being away), and so released there.
    local: bool,
    counts: Arc<Lockouts>,
    /// Given back already (or its release under way, which is not repeated).
    released: bool,
}

impl Drop for Lookup {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        // Without a runtime (shutting down) the count is left to expire with its window.
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (counts, subject, local) = (
            self.counts.clone(),
            std::mem::take(&mut self.subject),
            self.local,
        );
        rt.spawn(async move {
            counts.release(std::slice::from_ref(&subject), local).await;
        });
    }
}

/// A client has as many failed and in-flight key lookups as its limit allows.
#[derive(Debug)]
pub struct Busy;

/// Failed API key attempts per client (see [`client_subject`]), counted in Redis when there
/// is one so that every instance adds to the same count: N instances counting alone would
/// allow N × `max_failures` before the ban. In process while Redis is absent or down.
pub struct KeyGuesses {
    counts: Arc<Lockouts>,
    /// `None` when `max_failures` is 0: nobody is banned for failed keys.
    policy: Option<LockPolicy>,
}

impl KeyGuesses {
    pub fn new(
        redis: Option<crate::store::redis::Redis>,
        max: u32,
        window: Duration,
        ban_for: Duration,
    ) -> Self {
        KeyGuesses {
            counts: Arc::new(Lockouts::with_prefix(redis, "securetag:keyguess:")),
            // The ban is the lock; its length does not grow with repeats.
            policy: (max > 0).then_some(LockPolicy {
                max_failures: max,
                window,
                cooldown: ban_for,
                max_cooldown: ban_for,
            }),
        }
    }

    /// Reserves a key lookup for `ip`'s subject before it goes to the store: lookups in
    /// flight count with failures against the limit, so guesses sent at once stop there
    /// instead of all reaching the store before the first failure is known. `Err` when the
    /// limit is reached; an `Ok(Some)` must be given back with [`Self::release`].
    pub async fn reserve(&self, ip: IpAddr) -> Result<Option<Lookup>, Busy> {
        let Some(policy) = self.policy.as_ref() else {
            return Ok(None);
        };
        let subject = client_subject(ip);
        let limit = [(subject.as_str(), policy.max_failures)];
        match self.counts.admit(&[], &limit, policy.window).await {
            Admission::Open { local } => Ok(Some(Lookup {
                subject,
                local,
                counts: self.counts.clone(),
                released: false,
            })),
            Admission::Busy | Admission::Locked(_) => Err(Busy),
        }
    }

    /// Ends a lookup [`Self::reserve`] counted, after its failure (if any) is counted.
    pub async fn release(&self, lookup: Option<Lookup>) {
        if let Some(mut l) = lookup {
            // Marked first: a release cut off part-way is not sent twice (a second one would
            // give back another request's turn); its count then expires with its window.
            l.released = true;
            self.counts
                .release(std::slice::from_ref(&l.subject), l.local)
                .await;
        }
    }

    /// Counts a failure; returns the ban to issue when `ip`'s subject just reached the limit.
    pub async fn failure(&self, ip: IpAddr) -> Option<Ban> {
        let policy = self.policy.as_ref()?;
        let subject = client_subject(ip);
        let ban_for = self
            .counts
            .failure(std::slice::from_ref(&subject), policy)
            .await?;
        Some(Ban {
            kind: BanKind::Ip,
            value: subject,
            until: chrono::Duration::from_std(ban_for)
                .ok()
                .map(|d| chrono::Utc::now() + d),
            reason: format!(
                "{} failed API key attempts within {:?}",
                policy.max_failures, policy.window
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shield::settings::Cents;

    #[test]
    fn bearer_and_x_api_key_are_accepted() {
        assert_eq!(presented_key(Some("Bearer sk-1"), None), Some("sk-1"));
        assert_eq!(presented_key(Some("bearer   sk-2 "), None), Some("sk-2"));
        assert_eq!(presented_key(None, Some("sk-3")), Some("sk-3"));
        assert_eq!(presented_key(Some("Basic abc"), Some("sk-4")), Some("sk-4"));
        assert_eq!(presented_key(Some("Bearer "), None), None);
        assert_eq!(presented_key(None, None), None);
    }

    #[tokio::test]
    async fn key_guesses_ban_after_the_limit_within_the_window() {
        let g = KeyGuesses::new(None, 3, Duration::from_secs(60), Duration::from_secs(600));
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        assert!(g.failure(ip).await.is_none());
        assert!(g.failure(ip).await.is_none());
        let ban = g.failure(ip).await.unwrap();
        assert_eq!(ban.kind, BanKind::Ip);
        assert_eq!(ban.value, "203.0.113.7");
        let left = ban.until.unwrap() - chrono::Utc::now();
        assert!(left > chrono::Duration::seconds(590), "{left:?}");
        // IPv6 clients are counted and banned by their /64.
        for host in ["2001:db8:7:1::a", "2001:db8:7:1::b"] {
            assert!(g.failure(host.parse().unwrap()).await.is_none());
        }
        let ban = g
            .failure("2001:db8:7:1:ffff::1".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(ban.value, "2001:db8:7:1::/64");
        // A repeated ban lasts as long as the first.
        for _ in 0..2 {
            assert!(g.failure(ip).await.is_none());
        }
        let again = g.failure(ip).await.unwrap().until.unwrap() - chrono::Utc::now();
        assert!(again < chrono::Duration::seconds(601), "{again:?}");
        let off = KeyGuesses::new(None, 0, Duration::from_secs(60), Duration::from_secs(600));
        for _ in 0..5 {
            assert!(
                off.failure(ip).await.is_none(),
                "max_failures 0 bans nobody"
            );
        }
    }

    #[tokio::test]
    async fn a_lookup_dropped_unreleased_gives_its_turn_back() {
        let g = KeyGuesses::new(None, 2, Duration::from_secs(60), Duration::from_secs(600));
        let ip: IpAddr = "198.51.100.9".parse().unwrap();
        let first = g.reserve(ip).await.expect("a first turn");
        let second = g.reserve(ip).await.expect("a second turn");
        assert!(g.reserve(ip).await.is_err(), "the limit is 2 in flight");
        g.release(first).await;
        tokio::task::yield_now().await;
        let third = g.reserve(ip).await.expect("the released turn is free");
        // A released lookup is not given back a second time when it is dropped.
        assert!(g.reserve(ip).await.is_err(), "first was given back once");
        // A request cut off part-way drops its lookup without a release.
        drop(second);
        drop(third);
        // The test's one-thread runtime runs the releases they spawned before this resumes.
        tokio::task::yield_now().await;
        let a = g.reserve(ip).await.expect("a dropped turn is back");
        let b = g.reserve(ip).await.expect("both dropped turns are back");
        assert!(g.reserve(ip).await.is_err(), "and no more than both");
        g.release(a).await;
        g.release(b).await;
    }

    #[test]
    fn ban_list_honours_expiry() {
        let bans = BanList::default();
        bans.insert(&Ban {
            kind: BanKind::Ip,
            value: "1.1.1.1".into(),
            until: Some(chrono::Utc::now() - chrono::Duration::seconds(1)),
            reason: String::new(),
        });
        bans.insert(&Ban {
            kind: BanKind::Tenant,
            value: "t".into(),
            until: None,
            reason: String::new(),
        });
        assert!(!bans.is_banned(BanKind::Ip, "1.1.1.1"));
        assert!(bans.is_banned(BanKind::Tenant, "t"));
    }

    /// A local ban survives refreshes that do not show it yet; once the store has shown it,
    /// lifting it there lifts it here.
    #[test]
    fn a_local_ban_holds_until_the_store_shows_it_then_the_store_decides() {
        let bans = BanList::default();
        let ban = Ban {
            kind: BanKind::Ip,
            value: "198.51.100.9".into(),
            until: Some(chrono::Utc::now() + chrono::Duration::minutes(15)),
            reason: String::new(),
        };
        bans.insert(&ban);
        bans.replace(Vec::new());
        assert!(
            bans.is_banned(BanKind::Ip, "198.51.100.9"),
            "not yet stored"
        );
        bans.replace(vec![ban.clone()]);
        assert!(bans.is_banned(BanKind::Ip, "198.51.100.9"));
        bans.replace(Vec::new());
        assert!(
            !bans.is_banned(BanKind::Ip, "198.51.100.9"),
            "lifted by the operator"
        );
    }

    fn record(n: usize) -> KeyRecord {
        KeyRecord {
            key_id: format!("k{n}"),
            tenant_id: "t".into(),
            tenant_name: "t".into(),
            display_prefix: String::new(),
            key_enabled: true,
            tenant_enabled: true,
            revoked: false,
            revoked_at: None,
            expires_at: None,
            rate_limit_rpm: 0,
            model_access: Vec::new(),
            provider_keys: Default::default(),
            policy: Arc::new(crate::shield::policy::enabled_for_tests()),
            has_policy: true,
            custom_entities: Vec::new(),
        }
    }

    /// Counts look-ups, so a test can tell a cache hit from a trip to the store. With
    /// `slow_first`, the first look-up takes that long; with `revoked_after_first`, the
    /// later ones find the key revoked (an operator revoked it meanwhile).
    #[derive(Default)]
    struct Counting {
        known: HashMap<String, KeyRecord>,
        lookups: std::sync::atomic::AtomicUsize,
        slow_first: Duration,
        revoked_after_first: bool,
    }

    #[async_trait::async_trait]
    impl Store for Counting {
        async fn key_by_hash(&self, hash: &str) -> Result<Option<KeyRecord>, StoreError> {
            let n = self
                .lookups
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if n == 0 {
                tokio::time::sleep(self.slow_first).await;
            }
            Ok(self.known.get(hash).cloned().map(|mut k| {
                k.revoked |= n > 0 && self.revoked_after_first;
                k
            }))
        }
        async fn active_bans(&self) -> Result<Vec<Ban>, StoreError> {
            Ok(Vec::new())
        }
        async fn add_ban(&self, _: &Ban) -> Result<(), StoreError> {
            Ok(())
        }
        async fn charge(&self, _: &str, _: Cents) -> Result<Option<Cents>, StoreError> {
            Ok(None)
        }
        async fn refund(&self, _: &crate::audit::Refund) -> Result<(), StoreError> {
            Ok(())
        }
        async fn ping(&self) -> Result<(), StoreError> {
            Ok(())
        }
    }

    /// Every hex digit has a shard of its own, and a flood of unknown keys that fills the
    /// cache pushes out negatives, not the keys in use.
    #[tokio::test]
    async fn a_flood_of_unknown_keys_does_not_evict_known_ones() {
        let known: HashMap<String, KeyRecord> = "0123456789abcdef"
            .chars()
            .enumerate()
            .map(|(n, c)| (format!("{c}-known-{n}"), record(n)))
            .collect();
        let store = Counting {
            known: known.clone(),
            ..Default::default()
        };
        let cache = KeyCache::new(
            Duration::from_secs(600),
            16 * 16,
            Arc::new(crate::shield::policy::enabled_for_tests()),
        );
        for h in known.keys() {
            assert!(cache.get(&store, h).await.unwrap().is_some());
        }
        let shards_used = cache.shards.iter().filter(|s| !s.lock().is_empty()).count();
        assert_eq!(shards_used, SHARDS);
        for n in 0..5_000 {
            let bad = format!("{:x}-unknown-{n}", n % 16);
            assert!(cache.get(&store, &bad).await.unwrap().is_none());
        }
        let before = store.lookups.load(std::sync::atomic::Ordering::Relaxed);
        for h in known.keys() {
            assert!(cache.get(&store, h).await.unwrap().is_some());
        }
        let after = store.lookups.load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(after, before, "every known key was still cached");
    }

    /// A slow look-up that began before a revocation finishes after a later one that saw
    /// it: the cache keeps the later answer.
    #[tokio::test]
    async fn a_slow_lookup_does_not_replace_a_later_ones_answer() {
        let store = Counting {
            known: HashMap::from([("k".to_string(), record(1))]),
            slow_first: Duration::from_millis(200),
            revoked_after_first: true,
            ..Default::default()
        };
        let cache = KeyCache::new(
            Duration::from_secs(60),
            1024,
            Arc::new(crate::shield::policy::enabled_for_tests()),
        );
        let early = cache.get(&store, "k");
        let late = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            cache.get(&store, "k").await
        };
        let (early, late) = tokio::join!(early, late);
        assert!(late.unwrap().unwrap().revoked);
        assert!(
            early.unwrap().unwrap().revoked,
            "the older answer gave way to the newer"
        );
        assert!(cache.get(&store, "k").await.unwrap().unwrap().revoked);
        assert_eq!(store.lookups.load(std::sync::atomic::Ordering::Relaxed), 2);
    }

    /// Bans are matched in one spelling, and an address ban may be a network.
    #[test]
    fn bans_match_however_the_operator_spelled_them() {
        let bans = BanList::default();
        let ban = |kind, value: &str| Ban {
            kind,
            value: value.into(),
            until: None,
            reason: String::new(),
        };
        bans.replace(vec![
            ban(BanKind::Ip, " 2001:DB8:0:0::1 "),
            ban(BanKind::Ip, "203.0.113.0/24"),
            ban(BanKind::Ip, "::ffff:198.51.100.7"),
            ban(BanKind::Ip, "::FFFF:192.0.2.0/120"),
            ban(BanKind::Tenant, "5C6E0F3A-0000-4000-8000-00000000000A"),
        ]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(bans.is_ip_banned(ip("2001:db8::1")));
        assert!(bans.is_ip_banned(ip("203.0.113.200")));
        assert!(bans.is_ip_banned(ip("198.51.100.7")));
        assert!(bans.is_ip_banned(ip("::ffff:203.0.113.9")));
        assert!(!bans.is_ip_banned(ip("203.0.114.1")));
        assert!(!bans.is_ip_banned(ip("2001:db8::2")));
        assert!(
            bans.is_ip_banned(ip("192.0.2.77")),
            "a mapped network is an IPv4 one"
        );
        assert!(bans.is_banned(BanKind::Tenant, "5c6e0f3a-0000-4000-8000-00000000000a"));
        // A network ban ends like any other.
        bans.replace(vec![Ban {
            until: Some(chrono::Utc::now() - chrono::Duration::seconds(1)),
            ..ban(BanKind::Ip, "203.0.113.0/24")
        }]);
        assert!(!bans.is_ip_banned(ip("203.0.113.200")));
    }
}

//! The production store: Postgres through sqlx, schema `securetag`.
//!
//! Queries are plain SQL checked by the integration tests against a real server (not the
//! compile-time macros, which would need a database to build). The pool connects lazily, so
//! a database that is down at start delays nothing but `/ai/`, which answers 503 until it
//! returns.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::types::Json;
use sqlx::{Connection, Row};

use super::debits::{DebitPool, RETEST_IDLE_AFTER};
use super::{Ban, BanKind, KeyRecord, Store, StoreError};
use crate::audit::{AuditRecord, AuditSink, Incident, Refund, SinkError};
use crate::shield::policy::{self, RawPolicy};
use crate::shield::settings::Cents;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a debit or refund may wait for the database before the request gives up: a
/// hung server (a network partition, unlike a refused connection) would otherwise hold
/// every request. The server cancels a debit itself a second earlier (`debits.rs`), so one
/// that was only slow is not applied; one whose answer a partition lost may have been,
/// and the request is then refused with 503 and charged without being served.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);
/// A key's requests per minute when its value is negative (the column's default, which
/// the key query's `COALESCE` also uses for a key without a config row).
pub(super) const DEFAULT_KEY_RPM: u32 = 30;

#[derive(Clone)]
pub struct PgStore {
    pub pool: PgPool,
    /// Credit debits only: its sessions run with `synchronous_commit = off`.
    ///
    /// Waiting for the WAL flush of each debit was most of the latency the production store
    /// added to a request (about 0.4 ms at p50 and 2.3 ms at p99 on the benchmark VM),
    /// and every request pays it. Without the wait a debit is still atomic, ordered and
    /// checked against the balance exactly as before; what a PostgreSQL *crash* (not an edge
    /// crash) can lose is the last few hundred milliseconds of debits, so those requests go
    /// unbilled. Nothing is ever charged twice, and audit rows (which record every charge)
    /// keep the durable pool, so the loss can be reconciled. One of those requests that
    /// also ends blocked or failed, with its refund deferred by the crash (see
    /// [`AuditRecord::refund_owed`]), is refunded for a debit that was lost: the tenant gains
    /// the refund (the proxied price less the blocked one). Not a sqlx pool: see
    /// [`super::debits`] for why.
    credits: DebitPool,
    /// Failures to unflag ended bans, seen at warn once a minute (see `active_bans`).
    unflag_warn: Arc<super::WarnEvery>,
}

impl PgStore {
    /// Unflags up to 1,000 bans that have run out, skipping rows and tables locked
    /// elsewhere. The server ends it before the caller's bound does (2 s to acquire, 2 s to
    /// run, under 5 s): a statement dropped mid-way would be rolled back, and a backlog
    /// never cleared.
    async fn unflag_ended_bans(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        for limit in [
            "SET LOCAL lock_timeout = '100ms'",
            "SET LOCAL statement_timeout = '2s'",
        ] {
            sqlx::query(limit).execute(&mut *tx).await?;
        }
        sqlx::query(
            "UPDATE securetag.security_ban SET is_banned = FALSE WHERE id IN ( \
               SELECT id FROM securetag.security_ban WHERE is_banned AND banned_until <= now() \
               LIMIT 1000 FOR UPDATE SKIP LOCKED)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Lazily connecting pools; nothing is dialled until the first query.
    pub fn connect_lazy(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("bad database URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(2))
            .idle_timeout(Some(Duration::from_secs(300)))
            // sqlx pings every connection when it comes back to the pool, and by default
            // again when it is taken out. Only a connection that sat idle long enough for the
            // server to have gone away since that last ping is tested again.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= RETEST_IDLE_AFTER {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(options.clone());
        let credits = DebitPool::new(options, max_connections)?;
        Ok(PgStore {
            pool,
            credits,
            unflag_warn: Arc::default(),
        })
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Query(format!("migration failed: {e}")))
    }
}

/// A `timestamptz` column read clamped to what chrono can decode: a hand-set `'infinity'`
/// (a natural "forever") fits the column and makes the decoder panic. A NULL stays NULL by
/// hand, since LEAST and GREATEST skip NULLs.
macro_rules! clamped_time {
    ($col:literal) => {
        concat!(
            "CASE WHEN ",
            $col,
            " IS NOT NULL THEN LEAST(GREATEST(",
            $col,
            ", '1970-01-01Z'), '9999-12-31Z') END"
        )
    };
}

const KEY_QUERY: &str = concat!(
    r#"
SELECT k.id::text AS key_id, k.tenant_id::text AS tenant_id, t.name AS tenant_name,
       k.display_prefix, k.ai_gateway_enabled AS key_enabled, t.ai_gateway_enabled AS tenant_enabled,
       (k.revoked_at IS NOT NULL AND k.revoked_at <= now()) AS revoked, "#,
    clamped_time!("k.revoked_at"),
    " AS revoked_at, ",
    clamped_time!("k.expires_at"),
    r#" AS expires_at,
       COALESCE(kc.rate_limit_rpm, 30) AS rate_limit_rpm,
       COALESCE(kc.model_access, '["*"]'::jsonb) AS model_access,
       COALESCE(kc.provider_keys_encrypted, '{}'::jsonb) AS provider_keys,
       COALESCE(kc.is_active, TRUE) AS key_active,
       c.tenant_id IS NOT NULL AS has_config,
       c.is_enabled, c.allowed_models, c.blocked_models, c.max_tokens_per_request,
       c.max_requests_per_minute, c.pii_action, c.pii_entities, c.prompt_injection_enabled,
       c.injection_threshold, c.secrets_scanning_enabled, c.secrets_action,
       c.output_scanning_enabled, c.prompt_logging_mode,
       COALESCE(c.custom_entities, '["*"]'::jsonb) AS custom_entities,
       c.injection_trusted_roles, c.unscannable_parts_action
FROM securetag.api_key k
JOIN securetag.tenant t ON t.id = k.tenant_id
LEFT JOIN securetag.ai_gateway_key_config kc ON kc.api_key_id = k.id
LEFT JOIN securetag.ai_gateway_config c ON c.tenant_id = k.tenant_id
WHERE k.key_hash = $1::bpchar
"#
);

/// The JSON list of names in `column`. Another shape (a hand edit: `'"gpt-4o"'`) is refused
/// with the column named, so the key's requests fail closed with that reason rather than
/// as a database that is down.
fn names(row: &sqlx::postgres::PgRow, column: &str) -> Result<Vec<String>, StoreError> {
    let Json(v) = row.try_get::<Json<serde_json::Value>, _>(column)?;
    serde_json::from_value(v)
        .map_err(|_| StoreError::Invalid(format!("{column} is not a JSON list of strings")))
}

fn policy_from_row(row: &sqlx::postgres::PgRow) -> Result<RawPolicy, StoreError> {
    let d = RawPolicy::default();
    if !row.try_get::<bool, _>("has_config")? {
        return Ok(d);
    }
    Ok(RawPolicy {
        is_enabled: row.try_get("is_enabled")?,
        allowed_models: names(row, "allowed_models")?,
        blocked_models: names(row, "blocked_models")?,
        max_tokens_per_request: u32::try_from(row.try_get::<i32, _>("max_tokens_per_request")?)
            .unwrap_or(d.max_tokens_per_request),
        // A negative value set by hand is the default, not 0 (no limit at all).
        max_requests_per_minute: u32::try_from(row.try_get::<i32, _>("max_requests_per_minute")?)
            .unwrap_or(d.max_requests_per_minute),
        pii_action: row.try_get("pii_action")?,
        pii_entities: names(row, "pii_entities")?,
        prompt_injection_enabled: row.try_get("prompt_injection_enabled")?,
        injection_threshold: row.try_get("injection_threshold")?,
        injection_trusted_roles: names(row, "injection_trusted_roles")?,
        secrets_scanning_enabled: row.try_get("secrets_scanning_enabled")?,
        secrets_action: row.try_get("secrets_action")?,
        output_scanning_enabled: row.try_get("output_scanning_enabled")?,
        prompt_logging_mode: row.try_get("prompt_logging_mode")?,
        unscannable_parts_action: row.try_get("unscannable_parts_action")?,
    })
}

/// The sealed BYOK keys by provider. A value that is not a string (a hand edit) is kept
/// as one that does not open, so requests to that provider are refused instead of going
/// out on, and being paid by, the operator's own key; a column that is not an object
/// fails the lookup with the reason.
fn provider_keys(v: serde_json::Value) -> Result<BTreeMap<String, String>, StoreError> {
    let serde_json::Value::Object(map) = v else {
        return Err(StoreError::Invalid(
            "provider_keys_encrypted is not a JSON object of provider names to sealed keys".into(),
        ));
    };
    Ok(map
        .into_iter()
        .map(|(provider, sealed)| match sealed {
            serde_json::Value::String(s) => (provider, s),
            _ => (provider, String::new()),
        })
        .collect())
}

/// Runs a statement with the debit's bound: a hung server (a `LOCK TABLE`, a long `ALTER`,
/// a partition after connecting) must cost a request a 503, not hold it and a pool
/// connection until the server moves. sqlx closes a connection whose statement was dropped
/// when it comes back to the pool.
async fn bounded<T>(
    what: &str,
    statement: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(STATEMENT_TIMEOUT, statement).await {
        Ok(done) => done.map_err(StoreError::from),
        Err(_) => Err(StoreError::Unavailable(format!(
            "the database did not answer the {what} within {STATEMENT_TIMEOUT:?}"
        ))),
    }
}

#[async_trait]
impl Store for PgStore {
    async fn key_by_hash(&self, hash: &str) -> Result<Option<KeyRecord>, StoreError> {
        // `$1::bpchar`: compared as text, the CHAR(64) column's unique index was not used,
        // and every key that missed the cache scanned the whole table.
        let lookup = sqlx::query(KEY_QUERY).bind(hash).fetch_optional(&self.pool);
        let Some(row) = bounded("key lookup", lookup).await? else {
            return Ok(None);
        };
        let has_policy: bool = row.try_get("has_config")?;
        let tenant_id: String = row.try_get("tenant_id")?;
        let in_tenant = |e: StoreError| match e {
            StoreError::Invalid(m) => StoreError::Invalid(format!("tenant {tenant_id}: {m}")),
            other => other,
        };
        let raw = policy_from_row(&row).map_err(in_tenant)?;
        let policy = policy::resolve(&raw, &mut |k, msg| {
            tracing::warn!(tenant = %tenant_id, key = k, problem = %msg, "invalid ai_gateway_config value; serving the nearest valid one (a bad choice's default, a number clamped into range, an unknown name left out)");
        });
        let provider_keys = provider_keys(
            row.try_get::<Json<serde_json::Value>, _>("provider_keys")?
                .0,
        )
        .map_err(in_tenant)?;
        let model_access = names(&row, "model_access").map_err(in_tenant)?;
        let custom_entities = names(&row, "custom_entities").map_err(in_tenant)?;
        Ok(Some(KeyRecord {
            key_id: row.try_get("key_id")?,
            tenant_id,
            tenant_name: row.try_get("tenant_name")?,
            display_prefix: row.try_get("display_prefix")?,
            key_enabled: row.try_get::<bool, _>("key_enabled")?
                && row.try_get::<bool, _>("key_active")?,
            tenant_enabled: row.try_get("tenant_enabled")?,
            revoked: row.try_get("revoked")?,
            revoked_at: row.try_get("revoked_at")?,
            expires_at: row.try_get("expires_at")?,
            // A negative value set by hand is the default, not 0 (no limit at all).
            rate_limit_rpm: u32::try_from(row.try_get::<i32, _>("rate_limit_rpm")?)
                .unwrap_or(DEFAULT_KEY_RPM),
            model_access,
            provider_keys,
            policy: Arc::new(policy),
            has_policy,
            custom_entities,
        }))
    }

    async fn active_bans(&self) -> Result<Vec<Ban>, StoreError> {
        // Bans that have run out are unflagged first: brute-force bans add a row each and
        // nothing else ends them, so every instance's read every few seconds would grow with
        // the table's whole history. The partial index on `is_banned` keeps both to the bans
        // in force. Best effort, and never a wait: a lock held elsewhere (an operator's open
        // transaction, a table lock) leaves the work to a later pass.
        match tokio::time::timeout(STATEMENT_TIMEOUT, self.unflag_ended_bans()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) if is_lock_unavailable(&e) => {
                tracing::debug!(error = %e, "ended bans are locked elsewhere; unflagged later");
            }
            Ok(Err(e)) if is_permission_denied(&e) => self.unflag_warn.log(
                &e,
                "cannot unflag ended bans: the edge's role needs UPDATE on securetag.security_ban",
            ),
            Ok(Err(e)) => self
                .unflag_warn
                .log(&e, "cannot unflag ended bans; retried at the next refresh"),
            Err(_) => self.unflag_warn.log(
                &format_args!("no answer within {STATEMENT_TIMEOUT:?}"),
                "cannot unflag ended bans; retried at the next refresh",
            ),
        }
        let rows = sqlx::query(concat!(
            "SELECT type, value, ",
            clamped_time!("banned_until"),
            " AS banned_until, reason FROM securetag.security_ban \
                 WHERE is_banned AND (banned_until IS NULL OR banned_until > now())"
        ))
        .fetch_all(&self.pool);
        let rows = bounded("ban list", rows).await?;
        let mut bans = Vec::with_capacity(rows.len());
        for r in rows {
            let kind: String = r.try_get("type")?;
            let Some(kind) = BanKind::parse(&kind) else {
                continue;
            };
            bans.push(Ban {
                kind,
                value: r.try_get("value")?,
                until: r.try_get("banned_until")?,
                reason: r.try_get("reason")?,
            });
        }
        Ok(bans)
    }

    async fn add_ban(&self, ban: &Ban) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO securetag.security_ban (type, value, is_banned, banned_until, reason) VALUES ($1, $2, TRUE, $3, $4)")
            .bind(ban.kind.as_str())
            .bind(&ban.value)
            .bind(ban.until)
            .bind(&ban.reason)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn charge(&self, tenant_id: &str, cents: Cents) -> Result<Option<Cents>, StoreError> {
        let mut conn = self.credits.get().await?;
        let debit = sqlx::query(
            "UPDATE securetag.tenant SET credits_balance = credits_balance - ($2::numeric / 100) \
             WHERE id = $1::uuid AND credits_balance >= ($2::numeric / 100) \
             RETURNING (credits_balance * 100)::bigint AS cents",
        )
        .bind(tenant_id)
        .bind(cents)
        .fetch_optional(&mut *conn);
        let Ok(row) = tokio::time::timeout(STATEMENT_TIMEOUT, debit).await else {
            DebitPool::discard(conn);
            return Err(StoreError::Unavailable(format!(
                "the database did not answer the credit debit within {STATEMENT_TIMEOUT:?}"
            )));
        };
        let row = DebitPool::settle(conn, row)?;
        Ok(match row {
            Some(r) => Some(r.try_get::<i64, _>("cents")?),
            None => None,
        })
    }

    /// On the durable pool: refunds are rare (blocked or failed requests), and one lost to
    /// a PostgreSQL crash would leave the tenant charged the full price.
    async fn refund(&self, refund: &Refund) -> Result<(), StoreError> {
        let credit = pay_refunds(std::slice::from_ref(&refund)).execute(&self.pool);
        bounded("refund", credit).await.map(|_| ())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        bounded("ping", sqlx::query("SELECT 1").execute(&self.pool)).await?;
        Ok(())
    }
}

/// A batch of audit rows as one array per column: the whole batch is one `INSERT … SELECT
/// FROM UNNEST(…)`. A statement per row (and one per incident) was three round trips and
/// three statements of PostgreSQL CPU per request, on the cores the requests need.
macro_rules! log_insert {
    ($on_conflict:literal) => {
        concat!(
            "INSERT INTO securetag.ai_gateway_log (request_id, tenant_id, api_key_id, client_ip, \
               model, provider, stream, status, action, rules, tokens_in, tokens_out, \
               credits_charged, latency_ms, upstream_ms, shield_ms, prompt_hash, prompt_encrypted, \
               pii_in, pii_out, outcome, error, created_at) \
             SELECT r, t::uuid, k::uuid, ip, m, p, s, st, a, ru::text[], \
               ti, tout, c::numeric / 100, l, u, sh, ph, pe, pin, pout, o, e, ca \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
               $7::bool[], $8::int4[], $9::text[], $10::text[], $11::int4[], $12::int4[], \
               $13::int8[], $14::float4[], $15::float4[], $16::float4[], $17::text[], $18::text[], \
               $19::int4[], $20::int4[], $21::text[], $22::text[], $23::timestamptz[]) \
               AS x(r, t, k, ip, m, p, s, st, a, ru, ti, tout, c, l, u, sh, ph, pe, pin, pout, o, e, ca) ",
            $on_conflict,
            " RETURNING id, request_id"
        )
    };
}

/// The usual case: none of the batch's request ids is stored yet.
const LOG_INSERT: &str = log_insert!("");

/// After [`LOG_INSERT`] met a request id already stored: a spool replay of rows that made it
/// before a crash, or a trusted proxy's reused id. Those rows are skipped.
const LOG_INSERT_OR_SKIP: &str = log_insert!("ON CONFLICT (request_id) DO NOTHING");

/// Pays each refund whose charge has none recorded yet, and records it: both in one
/// statement, so a refund is paid exactly when its row is written (migration 7).
const REFUND_PAY: &str = "\
WITH paid AS ( \
  INSERT INTO securetag.credit_refund (charge_id, tenant_id, cents) \
  SELECT c::uuid, t::uuid, n FROM UNNEST($1::text[], $2::text[], $3::int8[]) AS x(c, t, n) \
  ON CONFLICT (charge_id) DO NOTHING \
  RETURNING tenant_id, cents) \
UPDATE securetag.tenant AS t SET credits_balance = t.credits_balance + s.cents / 100 \
FROM (SELECT tenant_id, sum(cents) AS cents FROM paid GROUP BY tenant_id) AS s \
WHERE t.id = s.tenant_id";

/// [`REFUND_PAY`] for `refunds`, leaving out any whose ids are not UUIDs (none of ours
/// are; a cast error would refuse the audit batch that carries it).
fn pay_refunds<'q>(
    refunds: &[&'q Refund],
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let valid: Vec<&Refund> = refunds
        .iter()
        .copied()
        .filter(|r| {
            let ok = r.cents > 0
                && uuid_or_null(Some(&r.charge_id)).is_some()
                && uuid_or_null(Some(&r.tenant_id)).is_some();
            if !ok {
                tracing::warn!(charge_id = %r.charge_id, tenant = %r.tenant_id,
                    cents = r.cents, "refund with ids that are not UUIDs; not paid");
            }
            ok
        })
        .collect();
    sqlx::query(REFUND_PAY)
        .bind(column(&valid, |r| r.charge_id.as_str()))
        .bind(column(&valid, |r| r.tenant_id.as_str()))
        .bind(column(&valid, |r| r.cents))
}

const INCIDENT_INSERT: &str = "\
INSERT INTO securetag.ai_gateway_pii_incident (log_id, direction, entity, count, action_taken) \
SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::int4[], $5::text[])";

/// One field of every row, for binding as an array.
fn column<'a, R, T>(rows: &'a [R], f: impl Fn(&'a R) -> T) -> Vec<T> {
    rows.iter().map(f).collect()
}

/// A count or index as PostgreSQL's `integer`, saturating (none comes near in practice).
pub(crate) fn clamp_i32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

#[async_trait]
impl AuditSink for PgStore {
    /// One transaction per batch; a record already stored (same request id) is skipped,
    /// which makes spool replays idempotent.
    ///
    /// The batch goes in with a plain `INSERT` first and only after a unique violation with
    /// `ON CONFLICT`: the conflict check on every row was about a tenth of the batch's
    /// database CPU, and a stored id is rare (the failed attempt is rolled back whole).
    ///
    /// A batch PostgreSQL refuses for its data (a class 22 or 23 error: a value it cannot
    /// store) is written record by record, each with its NULs replaced (the one character
    /// valid UTF-8 may hold and `text` may not). A record still refused that carries a
    /// refund is tried as two halves, refund then row (the refund may be what was refused:
    /// a balance at its column's limit); a refused refund is logged with its charge, tenant
    /// and amount, to be paid by hand, and its row then says the full price and
    /// `refund_refused`. A row still refused is dropped with a log line naming it: retried,
    /// it would stop every later record behind it.
    async fn write(&self, batch: &[AuditRecord]) -> Result<(), SinkError> {
        let failed = |e: sqlx::Error| SinkError(e.to_string());
        match self.write_or_skip(batch).await {
            Err(e) if is_data_error(&e) => {}
            other => return other.map_err(failed),
        }
        for r in batch {
            let mut r = without_nul(r);
            let e = match self.write_or_skip(std::slice::from_ref(&r)).await {
                Ok(()) => continue,
                Err(e) if is_data_error(&e) => e,
                Err(e) => return Err(failed(e)),
            };
            let Some(refund) = r.refund_owed.take() else {
                tracing::error!(request_id = %r.request_id, error = %e,
                    "audit record refused by the database; dropped");
                continue;
            };
            match pay_refunds(&[&refund]).execute(&self.pool).await {
                Ok(_) => {}
                Err(e) if is_data_error(&e) => {
                    tracing::error!(charge_id = %refund.charge_id, tenant = %refund.tenant_id,
                        cents = refund.cents, error = %e, "refund refused by the database; not paid");
                    r.credits_charged_cents += refund.cents;
                    match &mut r.error {
                        Some(e) if e.contains("refund_deferred") => {
                            *e = e.replace("refund_deferred", "refund_refused")
                        }
                        _ => r.add_error("refund_refused"),
                    }
                }
                Err(e) => return Err(failed(e)),
            }
            match self.write_or_skip(std::slice::from_ref(&r)).await {
                Ok(()) => {}
                Err(e) if is_data_error(&e) => tracing::error!(request_id = %r.request_id,
                    error = %e, "audit record refused by the database; dropped"),
                Err(e) => return Err(failed(e)),
            }
        }
        Ok(())
    }
}

/// `r` with every NUL in its text replaced by U+FFFD.
fn without_nul(r: &AuditRecord) -> AuditRecord {
    let mut r = r.clone();
    let fix = |s: &mut String| {
        if s.contains('\0') {
            *s = s.replace('\0', "\u{fffd}");
        }
    };
    for s in [&mut r.request_id, &mut r.action, &mut r.outcome] {
        fix(s);
    }
    for s in [
        &mut r.tenant_id,
        &mut r.api_key_id,
        &mut r.client_ip,
        &mut r.model,
        &mut r.provider,
        &mut r.prompt_hash,
        &mut r.prompt_encrypted,
        &mut r.error,
    ]
    .into_iter()
    .flatten()
    {
        fix(s);
    }
    r.rules.iter_mut().for_each(fix);
    r.incidents.iter_mut().for_each(|i| fix(&mut i.entity));
    r
}

/// Whether PostgreSQL refused the statement for its data (SQLSTATE class 22, data exception,
/// or 23, integrity constraint): writing the same rows again cannot succeed.
fn is_data_error(e: &sqlx::Error) -> bool {
    sqlstate(e).is_some_and(|c| c.starts_with("22") || c.starts_with("23"))
}

impl PgStore {
    /// The batch with a plain `INSERT` first and only after a unique violation with
    /// `ON CONFLICT`.
    async fn write_or_skip(&self, batch: &[AuditRecord]) -> Result<(), sqlx::Error> {
        match self.write_batch(batch, LOG_INSERT).await {
            Err(e) if is_unique_violation(&e) => self.write_batch(batch, LOG_INSERT_OR_SKIP).await,
            other => other,
        }
    }

    /// The log rows with `log_insert`, then the incidents of the rows it stored.
    async fn write_batch(
        &self,
        batch: &[AuditRecord],
        log_insert: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let stored: Vec<(i64, String)> = sqlx::query_as(log_insert)
            .bind(column(batch, |r| r.request_id.as_str()))
            .bind(column(batch, |r| uuid_or_null(r.tenant_id.as_deref())))
            .bind(column(batch, |r| uuid_or_null(r.api_key_id.as_deref())))
            .bind(column(batch, |r| r.client_ip.as_deref()))
            .bind(column(batch, |r| r.model.as_deref()))
            .bind(column(batch, |r| r.provider.as_deref()))
            .bind(column(batch, |r| r.stream))
            .bind(column(batch, |r| i32::from(r.status)))
            .bind(column(batch, |r| r.action.as_str()))
            .bind(column(batch, |r| text_array_literal(&r.rules)))
            .bind(column(batch, |r| clamp_i32(r.tokens_in)))
            .bind(column(batch, |r| clamp_i32(r.tokens_out)))
            .bind(column(batch, |r| r.credits_charged_cents))
            .bind(column(batch, |r| r.latency_ms))
            .bind(column(batch, |r| r.upstream_ms))
            .bind(column(batch, |r| r.shield_ms))
            .bind(column(batch, |r| r.prompt_hash.as_deref()))
            .bind(column(batch, |r| r.prompt_encrypted.as_deref()))
            .bind(column(batch, |r| clamp_i32(r.pii_in)))
            .bind(column(batch, |r| clamp_i32(r.pii_out)))
            .bind(column(batch, |r| r.outcome.as_str()))
            .bind(column(batch, |r| r.error.as_deref()))
            .bind(column(batch, |r| r.created_at))
            .fetch_all(&mut *tx)
            .await?;
        // Incidents of the rows just stored (a replayed row keeps the ones it has).
        // A request id twice in one batch is stored once, with the first copy's incidents.
        let mut ids: HashMap<&str, i64> = stored.iter().map(|(id, r)| (r.as_str(), *id)).collect();
        let incidents: Vec<(i64, &Incident)> = batch
            .iter()
            .filter_map(|r| Some((ids.remove(r.request_id.as_str())?, r)))
            .flat_map(|(id, r)| r.incidents.iter().map(move |i| (id, i)))
            .collect();
        if !incidents.is_empty() {
            sqlx::query(INCIDENT_INSERT)
                .bind(column(&incidents, |(id, _)| *id))
                .bind(column(&incidents, |(_, i)| i.direction.as_str()))
                .bind(column(&incidents, |(_, i)| i.entity.as_str()))
                .bind(column(&incidents, |(_, i)| clamp_i32(i.count)))
                .bind(column(&incidents, |(_, i)| i.action_taken.as_str()))
                .execute(&mut *tx)
                .await?;
        }
        // Refunds the request path could not pay, with the rows that carry them: a batch
        // that fails goes to the spool and pays them when it is replayed. Every copy of a
        // record pays, the skipped ones too: a charge is paid once whichever copy comes
        // first.
        let owed: Vec<&Refund> = batch
            .iter()
            .filter_map(|r| r.refund_owed.as_ref())
            .collect();
        if !owed.is_empty() {
            // Another instance's writer may pay refunds of the same tenants: both lock the
            // tenant rows in id order first, so neither waits for the other in a cycle.
            let tenants: BTreeSet<&str> = owed
                .iter()
                .filter_map(|r| uuid_or_null(Some(&r.tenant_id)))
                .collect();
            if tenants.len() > 1 {
                sqlx::query(
                    "SELECT 1 FROM securetag.tenant WHERE id = ANY($1::text[]::uuid[]) \
                     ORDER BY id FOR NO KEY UPDATE",
                )
                .bind(tenants.into_iter().collect::<Vec<_>>())
                .execute(&mut *tx)
                .await?;
            }
            pay_refunds(&owed).execute(&mut *tx).await?;
        }
        tx.commit().await
    }
}

/// PostgreSQL's `lock_not_available` (55P03): `lock_timeout` ran out.
fn is_lock_unavailable(e: &sqlx::Error) -> bool {
    sqlstate(e).is_some_and(|c| c == "55P03")
}

/// PostgreSQL's `insufficient_privilege` (42501).
fn is_permission_denied(e: &sqlx::Error) -> bool {
    sqlstate(e).is_some_and(|c| c == "42501")
}

fn sqlstate(e: &sqlx::Error) -> Option<String> {
    e.as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// `items` as a PostgreSQL array literal (`{"a","b"}`), so a batch can carry each row's
/// list in one `text[]` column and PostgreSQL casts it: rows' lists differ in length, which
/// a two-dimensional array cannot hold, and the cast is several times cheaper than JSON.
fn text_array_literal(items: &[String]) -> String {
    let mut out = String::with_capacity(2 + items.iter().map(|i| i.len() + 3).sum::<usize>());
    out.push('{');
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

/// Embedded-store ids are names, not UUIDs; they are stored as NULL rather than failing.
pub(crate) fn uuid_or_null(s: Option<&str>) -> Option<&str> {
    s.filter(|v| uuid::Uuid::parse_str(v).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Keyring, Purpose};

    /// A hand-edited column never makes a tenant's traffic go out on the operator's key:
    /// a value that is not a string stays as a key that does not open.
    #[test]
    fn provider_keys_of_another_shape_do_not_vanish() {
        let ring = Keyring::new(&[7u8; 32]).expect("a 32-byte secret");
        let sealed = ring.seal(Purpose::ProviderKey, b"sk-tenant");
        let keys = provider_keys(serde_json::json!({"openai": sealed, "anthropic": null}))
            .expect("an object");
        assert_eq!(keys.len(), 2);
        assert_eq!(
            ring.open(Purpose::ProviderKey, &keys["openai"])
                .ok()
                .as_deref(),
            Some(&b"sk-tenant"[..])
        );
        assert!(ring.open(Purpose::ProviderKey, &keys["anthropic"]).is_err());
        assert!(provider_keys(serde_json::json!(["sk-x"])).is_err());
        assert!(provider_keys(serde_json::json!({})).is_ok_and(|k| k.is_empty()));
    }

    /// A server that completes the start-up and then answers nothing: PostgreSQL behind a
    /// `LOCK TABLE`, or across a partition after the connection was made.
    async fn silent_server() -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut len = [0u8; 4];
                    s.read_exact(&mut len).await.ok()?;
                    let mut rest = vec![0u8; (u32::from_be_bytes(len) as usize).checked_sub(4)?];
                    s.read_exact(&mut rest).await.ok()?;
                    // AuthenticationOk, then ReadyForQuery; nothing after.
                    s.write_all(b"R\0\0\0\x08\0\0\0\0Z\0\0\0\x05I").await.ok()?;
                    let mut sink = [0u8; 1024];
                    while s.read(&mut sink).await.ok()? > 0 {}
                    Some(())
                });
            }
        });
        port
    }

    #[tokio::test]
    async fn a_silent_database_fails_lookups_instead_of_holding_them() {
        let port = silent_server().await;
        let url = format!("postgres://u@127.0.0.1:{port}/db?sslmode=disable");
        let store = PgStore::connect_lazy(&url, 2).unwrap();
        let bound = STATEMENT_TIMEOUT * 4;
        let key = tokio::time::timeout(bound, store.key_by_hash(&"0".repeat(64))).await;
        assert!(
            matches!(key, Ok(Err(StoreError::Unavailable(ref m))) if m.contains("key lookup")),
            "{key:?}"
        );
        let bans = tokio::time::timeout(bound, store.active_bans()).await;
        assert!(
            matches!(bans, Ok(Err(StoreError::Unavailable(_)))),
            "{bans:?}"
        );
    }
}

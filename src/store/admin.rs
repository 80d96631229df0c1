//! Operator commands on the production store: tenants and keys.
//!
//! A key is shown exactly once, when created; only its SHA-256 is stored. Rotation issues
//! a new key and lets the old one live for a grace period, so clients can switch without
//! an outage.

use rand::Rng;
use sqlx::Row;

use super::postgres::{clamp_i32, PgStore};
use super::StoreError;
use crate::crypto;
use crate::shield::settings::{display_prefix, Cents};

/// A freshly generated key: the secret (print once) and what is stored.
pub struct NewKey {
    pub key: String,
    pub hash: String,
    pub prefix: String,
    pub id: String,
}

/// `sk-st-` and 40 random alphanumerics (about 238 bits).
pub fn generate_key() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    let body: String = (0..40)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    format!("sk-st-{body}")
}

#[derive(Debug)]
pub struct TenantRow {
    pub id: String,
    pub name: String,
    pub credits_cents: Cents,
    pub enabled: bool,
    pub keys: i64,
}

impl PgStore {
    /// Creates a tenant with its gateway policy row (enabled unless `disabled`).
    pub async fn create_tenant(
        &self,
        name: &str,
        credits: Cents,
        disabled: bool,
    ) -> Result<String, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: String = sqlx::query_scalar(
            "INSERT INTO securetag.tenant (name, credits_balance) VALUES ($1, $2::numeric / 100) RETURNING id::text",
        )
        .bind(name)
        .bind(credits)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Invalid(format!("a tenant named {name:?} already exists")),
            _ => e.into(),
        })?;
        sqlx::query(
            "INSERT INTO securetag.ai_gateway_config (tenant_id, is_enabled) VALUES ($1::uuid, $2)",
        )
        .bind(&id)
        .bind(!disabled)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn list_tenants(&self) -> Result<Vec<TenantRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id::text AS id, t.name, (t.credits_balance * 100)::bigint AS cents, \
             COALESCE(c.is_enabled, FALSE) AND t.ai_gateway_enabled AS enabled, \
             (SELECT count(*) FROM securetag.api_key k WHERE k.tenant_id = t.id \
               AND (k.revoked_at IS NULL OR k.revoked_at > now()) \
               AND (k.expires_at IS NULL OR k.expires_at > now())) AS keys \
             FROM securetag.tenant t LEFT JOIN securetag.ai_gateway_config c ON c.tenant_id = t.id ORDER BY t.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TenantRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    credits_cents: r.try_get("cents")?,
                    enabled: r.try_get("enabled")?,
                    keys: r.try_get("keys")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Resolves a tenant given by id or by name. An id wins over a name that spells another
    /// tenant's id; two tenants of one name are refused, not one picked.
    pub async fn tenant_id(&self, tenant: &str) -> Result<String, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id::text FROM securetag.tenant WHERE id::text = lower($1) OR name = $1 \
             ORDER BY (id::text = lower($1)) DESC LIMIT 2",
        )
        .bind(tenant)
        .fetch_all(&self.pool)
        .await?;
        match ids.as_slice() {
            [] => Err(StoreError::Invalid(format!("no tenant {tenant:?}"))),
            [one] => Ok(one.clone()),
            [first, ..] if first.eq_ignore_ascii_case(tenant) => Ok(first.clone()),
            _ => Err(StoreError::Invalid(format!(
                "more than one tenant is named {tenant:?}: give its id (tenant list)"
            ))),
        }
    }

    /// Creates a key for `tenant` with its per-key config; returns the key to print once.
    pub async fn create_key(
        &self,
        tenant: &str,
        rate_limit_rpm: Option<u32>,
    ) -> Result<NewKey, StoreError> {
        let tenant_id = self.tenant_id(tenant).await?;
        let key = generate_key();
        let hash = crypto::sha256_hex(key.as_bytes());
        let prefix = display_prefix(&key);
        let mut tx = self.pool.begin().await?;
        let id: String = sqlx::query_scalar(
            "INSERT INTO securetag.api_key (tenant_id, key_hash, display_prefix) VALUES ($1::uuid, $2, $3) RETURNING id::text",
        )
        .bind(&tenant_id)
        .bind(&hash)
        .bind(&prefix)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO securetag.ai_gateway_key_config (api_key_id, rate_limit_rpm) VALUES ($1::uuid, $2)")
            .bind(&id)
            .bind(clamp_i32(
                rate_limit_rpm.unwrap_or(super::postgres::DEFAULT_KEY_RPM),
            ))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(NewKey {
            key,
            hash,
            prefix,
            id,
        })
    }

    /// Revokes a key now, given its id or its display prefix; a key rotated out and still in
    /// its grace period too.
    pub async fn revoke_key(&self, key: &str) -> Result<u64, StoreError> {
        let Some(id) = self.key_id(key, Usable::InGraceToo).await? else {
            return Ok(0);
        };
        let done = sqlx::query(
            "UPDATE securetag.api_key SET revoked_at = now() WHERE id = $1::uuid \
             AND (revoked_at IS NULL OR revoked_at > now())",
        )
        .bind(&id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The id of the one key named by `key` that is `usable`: its id, its display prefix
    /// (with or without the `…`), or the key itself (the leaked key an operator pastes). A
    /// display prefix is a few characters of the key and may be shared; then nothing is
    /// chosen for the operator.
    async fn key_id(&self, key: &str, usable: Usable) -> Result<Option<String>, StoreError> {
        let revoked = match usable {
            Usable::Active => "revoked_at IS NULL",
            Usable::InGraceToo => "(revoked_at IS NULL OR revoked_at > now())",
        };
        let ids: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT id::text FROM securetag.api_key \
             WHERE (id::text = $1 OR display_prefix IN ($1, $1 || '…') OR key_hash = $2::bpchar) \
             AND {revoked} LIMIT 2",
        ))
        .bind(key)
        .bind(crypto::sha256_hex(key.as_bytes()))
        .fetch_all(&self.pool)
        .await?;
        match ids.as_slice() {
            [] => Ok(None),
            [id] => Ok(Some(id.clone())),
            _ => Err(StoreError::Invalid(format!(
                "{} is the display prefix of more than one active key; give the key's id",
                named(key)
            ))),
        }
    }

    /// Stores `sealed` as the key's own key for `provider`, or removes it when `None`.
    pub async fn set_provider_key(
        &self,
        key: &str,
        provider: &str,
        sealed: Option<&str>,
    ) -> Result<(), StoreError> {
        // A key in its grace period still serves requests, with its own provider keys.
        let id = self
            .key_id(key, Usable::InGraceToo)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("no active key {}", named(key))))?;
        // A key made before its config row existed gets one with the table's defaults.
        sqlx::query(
            "INSERT INTO securetag.ai_gateway_key_config (api_key_id, provider_keys_encrypted) \
             VALUES ($1::uuid, CASE WHEN $3::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($2::text, $3::text) END) \
             ON CONFLICT (api_key_id) DO UPDATE SET updated_at = now(), provider_keys_encrypted = \
               CASE WHEN $3::text IS NULL THEN ai_gateway_key_config.provider_keys_encrypted - $2::text \
               ELSE ai_gateway_key_config.provider_keys_encrypted || jsonb_build_object($2::text, $3::text) END",
        )
        .bind(&id)
        .bind(provider)
        .bind(sealed)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Issues a new key for the same tenant and settings; the old one is revoked when `grace`
    /// ends.
    ///
    /// One transaction: a failure half-way must not leave a new key with wider access than
    /// the old one (the table's default `["*"]`), or an old key without its end. The new key
    /// keeps everything the old one had: its switch, its own expiry, model access, rate
    /// limit, BYOK keys and whether it is active.
    pub async fn rotate_key(
        &self,
        key: &str,
        grace: std::time::Duration,
    ) -> Result<NewKey, StoreError> {
        let missing = || StoreError::Invalid(format!("no active key {}", named(key)));
        let Some(old_id) = self.key_id(key, Usable::Active).await? else {
            if self.key_id(key, Usable::InGraceToo).await?.is_some() {
                return Err(StoreError::Invalid(format!(
                    "key {} was already rotated and is in its grace period; rotate the key that replaced it",
                    named(key)
                )));
            }
            return Err(missing());
        };
        let new_key = generate_key();
        let hash = crypto::sha256_hex(new_key.as_bytes());
        let prefix = display_prefix(&new_key);
        let mut tx = self.pool.begin().await?;
        let new_id: Option<String> = sqlx::query_scalar(
            "INSERT INTO securetag.api_key (tenant_id, key_hash, display_prefix, ai_gateway_enabled, expires_at) \
             SELECT tenant_id, $2, $3, ai_gateway_enabled, expires_at FROM securetag.api_key \
             WHERE id = $1::uuid AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) \
             FOR UPDATE RETURNING id::text",
        )
        .bind(&old_id)
        .bind(&hash)
        .bind(&prefix)
        .fetch_optional(&mut *tx)
        .await?;
        // None: the key's own end has passed (the new key would take it and be refused at
        // once, after "store this key now"), or it went since it was found.
        let Some(new_id) = new_id else {
            let expired: bool = sqlx::query_scalar(
                "SELECT expires_at IS NOT NULL AND expires_at <= now() FROM securetag.api_key WHERE id = $1::uuid",
            )
            .bind(&old_id)
            .fetch_optional(&self.pool)
            .await?
            .unwrap_or(false);
            return Err(if expired {
                StoreError::Invalid(format!(
                    "key {} has expired, so a rotation would issue an expired key; create a new one with `key create`",
                    named(key)
                ))
            } else {
                missing()
            });
        };
        // A key made before its config row existed gets the table's defaults, as it had.
        sqlx::query(
            "INSERT INTO securetag.ai_gateway_key_config (api_key_id, model_access, rate_limit_rpm, provider_keys_encrypted, is_active) \
             SELECT $1::uuid, o.model_access, o.rate_limit_rpm, o.provider_keys_encrypted, o.is_active \
             FROM securetag.ai_gateway_key_config o WHERE o.api_key_id = $2::uuid \
             UNION ALL SELECT $1::uuid, '[\"*\"]', 30, '{}', TRUE \
             WHERE NOT EXISTS (SELECT 1 FROM securetag.ai_gateway_key_config WHERE api_key_id = $2::uuid)",
        )
        .bind(&new_id)
        .bind(&old_id)
        .execute(&mut *tx)
        .await?;
        // Retired by a revocation set for the grace period's end, so its own end stays its
        // own (the new key copied it) and a second rotation of it is refused.
        let secs = i64::try_from(grace.as_secs()).unwrap_or(i64::MAX);
        sqlx::query(
            "UPDATE securetag.api_key SET revoked_at = now() + make_interval(secs => $2) WHERE id = $1::uuid",
        )
        .bind(&old_id)
        .bind(secs as f64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(NewKey {
            key: new_key,
            hash,
            prefix,
            id: new_id,
        })
    }
}

/// How a message names the key an operator gave: a display prefix as given; anything
/// longer (a whole key pasted to revoke it, of any format, a migrated one shaped like an
/// id included) by its first characters alone, since messages end up in terminals and CI
/// logs.
pub fn named(key: &str) -> String {
    let n = key.chars().count();
    if n <= 10 || (n == 11 && key.ends_with('…')) {
        format!("{key:?}")
    } else {
        format!("{:?}", display_prefix(key))
    }
}

/// Which keys an operator command may name.
#[derive(Clone, Copy)]
enum Usable {
    /// Not revoked or rotated out.
    Active,
    /// Also one rotated out whose grace period runs.
    InGraceToo,
}

#[cfg(test)]
mod tests {
    /// Display prefixes are named as given; any longer value (a whole key, of our format
    /// or a migrated one, shaped like an id or 32 hex digits) by its start.
    #[test]
    fn messages_never_repeat_a_whole_key() {
        assert_eq!(super::named("sk-st-AbCd"), "\"sk-st-AbCd\"");
        assert_eq!(super::named("sk-st-AbCd…"), "\"sk-st-AbCd…\"");
        for key in [
            "0b8f5c9e-1f2a-4c3d-9e8f-7a6b5c4d3e2f",
            "0b8f5c9e1f2a4c3d9e8f7a6b5c4d3e2f",
            "sk-st-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd",
            "legacy-client-key-42",
        ] {
            assert!(!super::named(key).contains(key), "{key}");
        }
    }

    #[test]
    fn generated_keys_are_long_random_and_prefixed() {
        let a = super::generate_key();
        let b = super::generate_key();
        assert!(a.starts_with("sk-st-") && a.len() == 46);
        assert_ne!(a, b);
    }
}

//! The embedded store: tenants and keys from the YAML file, credits and bans in memory.
//!
//! Credits start from the file at every start; this is the development and demo store, and
//! the README says so. Production uses Postgres.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use parking_lot::Mutex;

use super::{Ban, KeyRecord, Store, StoreError};
use crate::audit::Refund;
use crate::shield::settings::{AiSettings, Cents};

pub struct MemoryStore {
    keys: HashMap<String, KeyRecord>,
    credits: HashMap<String, AtomicI64>,
    bans: Mutex<Vec<Ban>>,
}

impl MemoryStore {
    pub fn from_settings(ai: &AiSettings) -> Self {
        let mut keys = HashMap::new();
        let mut credits = HashMap::new();
        for t in &ai.tenants {
            // The tenant's name is its id in the embedded store.
            credits.insert(t.name.clone(), AtomicI64::new(t.credits));
            for (i, k) in t.keys.iter().enumerate() {
                keys.insert(
                    k.hash.clone(),
                    KeyRecord {
                        key_id: format!("{}#{}", t.name, i),
                        tenant_id: t.name.clone(),
                        tenant_name: t.name.clone(),
                        display_prefix: k.display_prefix.clone(),
                        key_enabled: k.enabled,
                        tenant_enabled: t.enabled,
                        revoked: false,
                        revoked_at: None,
                        expires_at: k.expires_at,
                        rate_limit_rpm: k.rate_limit_rpm,
                        model_access: k.model_access.clone(),
                        provider_keys: k.provider_keys.clone(),
                        policy: Arc::clone(&t.policy),
                        has_policy: true,
                        custom_entities: t.custom_entities.clone(),
                    },
                );
            }
        }
        MemoryStore {
            keys,
            credits,
            bans: Mutex::new(Vec::new()),
        }
    }

    /// The current balance, for tests and `/ai/health`.
    pub fn balance(&self, tenant: &str) -> Option<Cents> {
        self.credits.get(tenant).map(|c| c.load(Ordering::SeqCst))
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn key_by_hash(&self, hash: &str) -> Result<Option<KeyRecord>, StoreError> {
        Ok(self.keys.get(hash).cloned())
    }

    async fn active_bans(&self) -> Result<Vec<Ban>, StoreError> {
        let now = chrono::Utc::now();
        let mut bans = self.bans.lock();
        bans.retain(|b| b.until.is_none_or(|u| u > now));
        Ok(bans.clone())
    }

    async fn add_ban(&self, ban: &Ban) -> Result<(), StoreError> {
        self.bans.lock().push(ban.clone());
        Ok(())
    }

    async fn charge(&self, tenant_id: &str, cents: Cents) -> Result<Option<Cents>, StoreError> {
        let Some(balance) = self.credits.get(tenant_id) else {
            return Ok(None);
        };
        let mut current = balance.load(Ordering::SeqCst);
        loop {
            if current < cents {
                return Ok(None);
            }
            match balance.compare_exchange(
                current,
                current - cents,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Ok(Some(current - cents)),
                Err(now) => current = now,
            }
        }
    }

    /// Cannot fail, so it is never retried and needs no record of charges paid back.
    async fn refund(&self, refund: &Refund) -> Result<(), StoreError> {
        if let Some(b) = self.credits.get(&refund.tenant_id) {
            b.fetch_add(refund.cents, Ordering::SeqCst);
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

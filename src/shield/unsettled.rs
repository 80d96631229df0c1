//! Requests charged and not yet settled.
//!
//! A shutdown waits `server.shutdown_timeout` (seconds) for requests in flight, and a
//! provider call may take minutes. The requests it cannot wait for are settled by it: the
//! tenant gets back all but the blocked price and the audit log gets their row, as for any
//! request that fails upstream. Whoever takes a request's entry out settles it, so a
//! request that ends while the shutdown settles is settled once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use parking_lot::Mutex;

use crate::audit::{AuditRecord, Refund};
use crate::shield::settings::Cents;

/// What a request was charged: the refund of a request that ends blocked or failed is
/// keyed by `id`, so it is never paid twice.
#[derive(Debug, Clone)]
pub struct Charge {
    pub id: String,
    pub tenant_id: String,
    pub cents: Cents,
}

impl Charge {
    /// A new charge of `cents` to the tenant, with an id of its own.
    pub fn new(tenant_id: &str, cents: Cents) -> Self {
        Charge {
            id: uuid::Uuid::new_v4().to_string(),
            tenant_id: tenant_id.to_owned(),
            cents,
        }
    }

    /// The refund that brings this charge down to `price`, if it is above it.
    pub fn refund_to(&self, price: Cents) -> Option<Refund> {
        (self.cents > price).then(|| Refund {
            charge_id: self.id.clone(),
            tenant_id: self.tenant_id.clone(),
            cents: self.cents - price,
        })
    }
}

/// A charged request, as it stood when it was charged.
pub struct Pending {
    pub record: AuditRecord,
    pub started: Instant,
    pub charge: Charge,
}

/// Open requests by ticket: request ids come from clients behind a trusted proxy and
/// need not be unique.
#[derive(Default)]
pub struct Unsettled {
    open: Mutex<HashMap<u64, Pending>>,
    next: AtomicU64,
}

impl Unsettled {
    /// Records a charged request; the ticket closes it.
    pub fn open(&self, pending: Pending) -> u64 {
        let ticket = self.next.fetch_add(1, Ordering::Relaxed);
        self.open.lock().insert(ticket, pending);
        ticket
    }

    /// Takes the request's entry back; `false` when a shutdown has settled it already.
    pub fn close(&self, ticket: u64) -> bool {
        self.open.lock().remove(&ticket).is_some()
    }

    /// Every request still open, for the shutdown to settle.
    pub fn take_all(&self) -> Vec<Pending> {
        self.open.lock().drain().map(|(_, p)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_settled_by_whoever_takes_it_first() {
        let u = Unsettled::default();
        // One request id twice (a client's own, passed by a trusted proxy): two tickets.
        let open = |id: &str| {
            u.open(Pending {
                record: AuditRecord::new(id.into(), None),
                started: Instant::now(),
                charge: Charge::new("t", 10),
            })
        };
        let (a, b) = (open("r1"), open("r1"));
        assert!(u.close(a));
        let left = u.take_all();
        assert_eq!(left.len(), 1);
        assert!(!u.close(b), "the shutdown settled it");
        assert!(!u.close(a), "settled once");
    }

    #[test]
    fn a_refund_brings_the_charge_down_to_the_price_and_names_it() {
        let c = Charge::new("t", 10);
        let r = c.refund_to(1).expect("above the blocked price");
        assert_eq!((r.tenant_id.as_str(), r.cents), ("t", 9));
        assert_eq!(r.charge_id, c.id);
        assert!(uuid::Uuid::parse_str(&r.charge_id).is_ok());
        assert_ne!(Charge::new("t", 10).id, c.id, "each charge has its own id");
        assert!(c.refund_to(10).is_none() && c.refund_to(20).is_none());
    }
}

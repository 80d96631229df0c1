//! Requests charged and not yet settled.
//!
//! A shutdown waits `server.shutdown_timeout` (seconds) for requests in flight, and a
//! provider call may take minutes. The requests it cannot wait for are settled by it: the
//! tenant gets back all but the blocked price and the audit log gets their row, as for any
//! request that fails upstream. Whoever takes a request's entry out settles it, so a
//! request that ends while the shutdown settles is settled once.
//!
//! A request that took its entry out just before may still be waiting on its refund (a
//! database that hangs holds it for the statement timeout), and the process exits soon
//! after the shutdown has settled. So the shutdown also cuts those waits short (the refund
//! then goes with the audit record, which pays it once) and waits for their records to be
//! queued before the queue's last flush. It waits the same way for requests whose debit
//! was in flight: charged after it settled, they refund themselves in full and answer
//! 503. No debit is sent once it has settled.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::Notify;

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
    /// Requests the shutdown waits for: those that took their entry out and have not
    /// queued their record yet, and those whose debit is in flight.
    closing: AtomicUsize,
    /// Set once the shutdown settles; wakes [`Unsettled::cut_short`].
    settling: AtomicBool,
    cut: Notify,
}

/// A request the shutdown waits for (settling itself, or charging); dropped once its
/// record is queued, or once it is open or refused.
pub struct Closing<'a>(&'a Unsettled);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.closing.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Unsettled {
    /// Counts a request whose debit is about to be sent, so a shutdown waits for it too;
    /// `None` once the shutdown has settled, when no one would settle the request later:
    /// it is then refused before it is charged.
    pub fn charging(&self) -> Option<Closing<'_>> {
        // Counted before the flag is read (no lock on every request): a shutdown that set
        // the flag after sees the count in `wait_closed`, and one that set it before is
        // seen here, and the count given back.
        self.closing.fetch_add(1, Ordering::SeqCst);
        let counted = Closing(self);
        // Dropped if refused: the count goes back.
        (!self.settling.load(Ordering::SeqCst)).then_some(counted)
    }

    /// Records a charged request, given its [`Unsettled::charging`] guard; the ticket closes
    /// it. If the shutdown settled while the debit was in flight, the guard comes back
    /// instead, for the request to settle itself at once while the shutdown waits for it.
    pub fn open<'a>(&'a self, pending: Pending, charging: Closing<'a>) -> Result<u64, Closing<'a>> {
        let mut open = self.open.lock();
        if self.settling.load(Ordering::SeqCst) {
            return Err(charging);
        }
        let ticket = self.next.fetch_add(1, Ordering::Relaxed);
        open.insert(ticket, pending);
        // Uncounted only once it is in the table, both under the lock `take_all` drains.
        drop(charging);
        Ok(ticket)
    }

    /// Takes the request's entry back, to settle it while the guard lives; `None` when a
    /// shutdown has settled it already.
    pub fn close(&self, ticket: u64) -> Option<Closing<'_>> {
        let mut open = self.open.lock();
        open.remove(&ticket)?;
        // Counted under the lock, so the shutdown's `take_all` never misses a request
        // that is neither open nor counted.
        self.closing.fetch_add(1, Ordering::SeqCst);
        Some(Closing(self))
    }

    /// Every request still open, for the shutdown to settle; from now on, every wait
    /// in [`Unsettled::cut_short`] ends.
    pub fn take_all(&self) -> Vec<Pending> {
        self.settling.store(true, Ordering::SeqCst);
        self.cut.notify_waiters();
        self.open.lock().drain().map(|(_, p)| p).collect()
    }

    /// Completes once the shutdown settles: a request settling itself stops waiting on
    /// its refund then.
    pub async fn cut_short(&self) {
        loop {
            // Registered before the flag is read, so a shutdown in between still wakes it.
            let woken = self.cut.notified();
            if self.settling.load(Ordering::SeqCst) {
                return;
            }
            woken.await;
        }
    }

    /// Waits (blocking the calling thread) until no request is settling itself or charging,
    /// or `deadline`; whether none is.
    pub fn wait_closed(&self, deadline: Instant) -> bool {
        while self.closing.load(Ordering::SeqCst) > 0 {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(id: &str) -> Pending {
        Pending {
            record: AuditRecord::new(id.into(), None),
            started: Instant::now(),
            charge: Charge::new("t", 10),
        }
    }

    #[test]
    fn a_request_is_settled_by_whoever_takes_it_first() {
        let u = Unsettled::default();
        // One request id twice (a client's own, passed by a trusted proxy): two tickets.
        let open = |id: &str| {
            let charging = u.charging().expect("charging before the shutdown");
            u.open(pending(id), charging)
                .ok()
                .expect("open before the shutdown")
        };
        let (a, b) = (open("r1"), open("r1"));
        let closing = u.close(a);
        assert!(closing.is_some());
        let left = u.take_all();
        assert_eq!(left.len(), 1);
        assert!(u.close(b).is_none(), "the shutdown settled it");
        assert!(u.close(a).is_none(), "settled once");
        // The shutdown waits for the request that is settling itself.
        let soon = Instant::now() + Duration::from_millis(30);
        assert!(!u.wait_closed(soon), "still settling");
        drop(closing);
        assert!(u.wait_closed(Instant::now()));
    }

    /// A debit in flight when the shutdown settles is waited for; charged, the request
    /// settles itself; no debit is sent after.
    #[test]
    fn a_debit_in_flight_at_the_shutdown_is_waited_for_and_none_is_sent_after() {
        let u = Unsettled::default();
        let charging = u.charging().expect("before the shutdown");
        assert!(u.take_all().is_empty());
        assert!(u.charging().is_none(), "refused uncharged after");
        assert!(!u.wait_closed(Instant::now() + Duration::from_millis(30)));
        let late = u.open(pending("r2"), charging).expect_err("settles itself");
        assert!(u.take_all().is_empty());
        assert!(!u.wait_closed(Instant::now() + Duration::from_millis(30)));
        drop(late);
        assert!(u.wait_closed(Instant::now()));
    }

    #[tokio::test]
    async fn the_shutdown_cuts_short_a_wait_begun_before_it_and_every_later_one() {
        let u = std::sync::Arc::new(Unsettled::default());
        let waiting = tokio::spawn({
            let u = u.clone();
            async move { u.cut_short().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        u.take_all();
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("woken by the shutdown")
            .unwrap();
        tokio::time::timeout(Duration::from_secs(5), u.cut_short())
            .await
            .expect("a later wait ends at once");
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

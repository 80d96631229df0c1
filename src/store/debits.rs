//! The credit debits' connections: a pool that does not ping a connection it gets back.
//!
//! Every `/ai/` request debits once. sqlx's own pool pings each connection as it returns
//! (one more round trip, and one more PostgreSQL wakeup, per request): on the benchmark VM
//! a round trip is nearly the whole cost of the debit itself. The ping guards
//! against two things handled here instead: a connection a cancelled query left with
//! unread replies (sqlx-postgres reads them off before its next query anyway), and a dead
//! connection (dropped from the pool on the first error that is not the database's own
//! answer, and pinged before use after sitting idle).

use std::time::Duration;

use deadpool::managed::{self, Metrics, Object, PoolError, QueueMode, RecycleResult, Timeouts};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::Connection;

use super::StoreError;

/// A connection idle this long may have been closed by the server; it is pinged before use.
pub(super) const RETEST_IDLE_AFTER: Duration = Duration::from_secs(1);

/// How long a debit waits for a free connection, a new one, or a ping, before 503.
const TIMEOUT: Duration = Duration::from_secs(2);

/// How long PostgreSQL itself lets a debit run: under the request's own wait (see
/// `postgres::STATEMENT_TIMEOUT`), so a debit held up past it (waiting on the tenant's row
/// lock, say) is cancelled by the server instead of committing after the request gave up
/// and was refused with 503, charged for nothing.
const SERVER_TIMEOUT: &str = "SET statement_timeout = '4s'";

/// Connections whose sessions run with `synchronous_commit = off` (see [`super::postgres`]).
#[derive(Clone)]
pub(super) struct DebitPool {
    pool: managed::Pool<Manager>,
}

/// Dials and vets the pool's connections.
pub(super) struct Manager {
    options: PgConnectOptions,
}

impl managed::Manager for Manager {
    type Type = PgConnection;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<PgConnection, sqlx::Error> {
        let mut conn = PgConnection::connect_with(&self.options).await?;
        // `SET`s rather than startup options: PgBouncer refuses unknown startup
        // parameters unless told to ignore them. They are session settings, so a PgBouncer
        // in front must pool by session (docs/operations.md).
        for set in ["SET synchronous_commit = off", SERVER_TIMEOUT] {
            sqlx::query(set).execute(&mut conn).await?;
        }
        Ok(conn)
    }

    async fn recycle(&self, conn: &mut PgConnection, m: &Metrics) -> RecycleResult<sqlx::Error> {
        if m.last_used() >= RETEST_IDLE_AFTER {
            conn.ping().await?;
        }
        Ok(())
    }
}

impl DebitPool {
    /// Dials nothing until the first debit. Most recently used first, so at low load one
    /// warm connection (and one warm PostgreSQL backend) does the work.
    pub(super) fn new(options: PgConnectOptions, max_size: u32) -> Result<Self, StoreError> {
        let pool = managed::Pool::builder(Manager { options })
            .max_size(usize::try_from(max_size).unwrap_or(usize::MAX).max(1))
            .queue_mode(QueueMode::Lifo)
            .timeouts(Timeouts {
                wait: Some(TIMEOUT),
                create: Some(TIMEOUT),
                recycle: Some(TIMEOUT),
            })
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Invalid(format!("credit connection pool: {e}")))?;
        Ok(DebitPool { pool })
    }

    /// A connection for one statement; give it back through [`DebitPool::settle`].
    pub(super) async fn get(&self) -> Result<Object<Manager>, StoreError> {
        self.pool.get().await.map_err(|e| match e {
            PoolError::Backend(e) => StoreError::from(e),
            PoolError::Timeout(_) | PoolError::Closed => StoreError::Unavailable(e.to_string()),
            other => StoreError::Query(other.to_string()),
        })
    }

    /// Returns `conn` to the pool unless `result` says the connection itself failed.
    pub(super) fn settle<T>(
        conn: Object<Manager>,
        result: Result<T, sqlx::Error>,
    ) -> Result<T, StoreError> {
        if matches!(&result, Err(e) if e.as_database_error().is_none()) {
            Self::discard(conn);
        }
        result.map_err(StoreError::from)
    }

    /// Closes `conn` instead of returning it: it may be mid-statement or dead.
    pub(super) fn discard(conn: Object<Manager>) {
        drop(Object::take(conn));
    }
}

//! The audit trail: every `/ai/` request leaves one record, and no record is ever lost.
//!
//! The request path calls [`Auditor::record`], which never waits: the record goes into a
//! bounded queue, or, if the queue is full, straight to the on-disk spool. A background
//! writer drains the queue in batches into the sink (Postgres, or a JSONL file for the
//! embedded store). When the sink fails, the batch is appended to the spool and every later
//! record follows it there, so order is kept; once the sink answers again the spool is
//! replayed oldest first and removed. Replays into Postgres are idempotent (the log's
//! `request_id` is unique), so a crash in the middle of one costs nothing but a second
//! attempt; the embedded store's JSONL file may then hold a record twice, and its readers
//! dedupe by `request_id`.
//!
//! A record that finds the queue full goes to the spool at once, ahead of older records
//! still queued: order is kept within the queue and within the spool, and `created_at`
//! always says when each request happened.
//!
//! Records hold hashes or ciphertext of prompts, counts of PII by entity, and rule names;
//! never a prompt, a PII value, a key or a secret.

mod record;
mod spool;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts};
use tokio::sync::{mpsc, Notify};

pub use record::{AuditRecord, Incident, Refund};
pub use spool::Spool;

use crate::shield::settings::AuditSettings;

/// Where batches of records end up.
#[async_trait]
pub trait AuditSink: Send + Sync {
    async fn write(&self, batch: &[AuditRecord]) -> Result<(), SinkError>;
}

#[derive(Debug, thiserror::Error)]
#[error("audit sink failed: {0}")]
pub struct SinkError(pub String);

/// The embedded store's sink: one JSON line per record, appended.
pub struct JsonlSink {
    path: std::path::PathBuf,
}

impl JsonlSink {
    pub fn new(path: std::path::PathBuf) -> Self {
        JsonlSink { path }
    }
}

#[async_trait]
impl AuditSink for JsonlSink {
    async fn write(&self, batch: &[AuditRecord]) -> Result<(), SinkError> {
        let mut buf = Vec::with_capacity(batch.len() * 512);
        for r in batch {
            serde_json::to_writer(&mut buf, r).map_err(|e| SinkError(e.to_string()))?;
            buf.push(b'\n');
        }
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::{Read, Seek, SeekFrom, Write};
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // A write cut short (a full disk) left part of a line: end it, or the batch
            // retried after it would glue its first record onto it. Only a regular file
            // that can be read is looked at (the log may be a pipe, or write-only).
            // Stat first: opening a FIFO to read would wait for a writer, which is us.
            let regular = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
            let torn = regular
                && std::fs::File::open(&path)
                    .and_then(|mut r| {
                        if r.seek(SeekFrom::End(0))? == 0 {
                            return Ok(false);
                        }
                        let mut last = [0u8; 1];
                        r.seek(SeekFrom::End(-1))?;
                        r.read_exact(&mut last)?;
                        Ok(last[0] != b'\n')
                    })
                    .unwrap_or(false);
            if torn {
                buf.insert(0, b'\n');
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)?;
            f.write_all(&buf)?;
            // Acknowledged records are dropped from the queue: they must be on disk (a pipe
            // has no disk to sync to).
            if f.metadata()?.is_file() {
                f.sync_data()?;
            }
            Ok(())
        })
        .await
        .map_err(|e| SinkError(e.to_string()))?
        .map_err(|e| SinkError(format!("{}: {e}", self.path.display())))
    }
}

enum Msg {
    Record(Box<AuditRecord>),
    Flush(std::sync::mpsc::Sender<()>),
}

struct Metrics {
    written: IntCounter,
    spooled: IntCounterVec,
    spool_depth: IntGauge,
    sink_errors: IntCounter,
}

impl Metrics {
    fn new() -> Arc<Self> {
        let m = Metrics {
            written: IntCounter::new(
                "audit_records_written_total",
                "Audit records stored in the sink",
            )
            .expect("valid metric"),
            spooled: IntCounterVec::new(
                Opts::new(
                    "audit_records_spooled_total",
                    "Audit records written to the disk spool, by reason",
                ),
                &["reason"],
            )
            .expect("valid metric"),
            spool_depth: IntGauge::new(
                "audit_spool_records",
                "Audit records waiting in the disk spool",
            )
            .expect("valid metric"),
            sink_errors: IntCounter::new("audit_sink_errors_total", "Failed audit batch writes")
                .expect("valid metric"),
        };
        let reg = crate::metrics::get();
        reg.register(Box::new(m.written.clone()));
        reg.register(Box::new(m.spooled.clone()));
        reg.register(Box::new(m.spool_depth.clone()));
        reg.register(Box::new(m.sink_errors.clone()));
        Arc::new(m)
    }
}

/// The request path's handle: cheap to clone, never blocks on the database.
#[derive(Clone)]
pub struct Auditor {
    tx: mpsc::Sender<Msg>,
    /// Wakes a gathering writer early, once `wake_at` records are queued; see
    /// [`Writer::run`].
    full: Arc<Notify>,
    wake_at: usize,
    spool: Arc<Spool>,
    metrics: Arc<Metrics>,
    flush: Arc<FlushSignal>,
}

/// A shutdown's flush, told to the writer ahead of the queue: the flush message waits
/// behind every queued record, and a write to a hung database would outlast the shutdown.
#[derive(Default)]
struct FlushSignal {
    asked: AtomicBool,
    now: Notify,
}

/// Queued records at which a gathering writer stops waiting and writes. A write takes
/// everything queued (up to `batch_size`), so batches stay this small while the database
/// keeps up and grow towards `batch_size` only when records pile up behind a slow write.
/// Small writes keep each statement's burst short: PostgreSQL on the cores the requests
/// share spent ~9 ms on a 200-row batch, and a request woken onto that core waited for it
/// (one client through the shield: +3.5 ms p99 with 200-row batches, +1.0–1.2 ms with
/// 10–20, +0.7 ms with no audit writes at all).
const WAKE_AT: usize = 16;

/// The longest a batch may take to reach the sink before it goes to the spool instead.
const SINK_TIMEOUT: Duration = Duration::from_secs(10);
/// The same once a shutdown's flush was asked for: shutdown waits 5 s for the writer.
const FLUSH_SINK_TIMEOUT: Duration = Duration::from_secs(2);
/// After a failed write the sink is left alone this long, doubling with each failure in
/// a row up to [`MAX_SINK_BACKOFF`]: batches go straight to the spool meanwhile, and the
/// replay timer tries again. A hung database then costs one timeout per backoff, not one
/// per batch.
const SINK_BACKOFF: Duration = Duration::from_secs(1);
const MAX_SINK_BACKOFF: Duration = Duration::from_secs(30);
/// A replay's write: a spooled chunk goes to a database that was failing moments ago, so
/// a hang is likelier, and it is retried anyway.
const REPLAY_TIMEOUT: Duration = Duration::from_secs(2);
/// Bytes of spooled lines after which a replayed chunk stops reading (the line crossing
/// it is kept), and the time each such amount adds to [`REPLAY_TIMEOUT`]: records with
/// encrypted prompts are megabytes each.
const REPLAY_CHUNK_BYTES: u64 = 4 << 20;
const REPLAY_TIME_PER_CHUNK: Duration = Duration::from_secs(2);
/// Replays that keep failing are logged at warn at most this often: the spool grows
/// meanwhile, and the cause (a missed migration, a revoked grant) must be seen.
const REPLAY_WARN_EVERY: Duration = Duration::from_secs(60);

/// The background half: run [`Writer::run`] on a runtime that outlives requests.
pub struct Writer {
    rx: mpsc::Receiver<Msg>,
    full: Arc<Notify>,
    wake_at: usize,
    sink: Arc<dyn AuditSink>,
    spool: Arc<Spool>,
    settings: AuditSettings,
    metrics: Arc<Metrics>,
    flush: Arc<FlushSignal>,
    /// Until when the sink is not tried after a failure, and the backoff that set it; see
    /// [`SINK_BACKOFF`].
    retry_at: parking_lot::Mutex<Option<(tokio::time::Instant, Duration)>>,
    /// Flushes met while a replay moved the queue into the spool (see
    /// [`Writer::spool_queued`]): answered once the replay is over, as flushes always are,
    /// so a shutdown's flush still sees its records reach the sink when it can.
    held_acks: Vec<std::sync::mpsc::Sender<()>>,
    /// When a failed replay was last logged at warn; see [`REPLAY_WARN_EVERY`].
    replay_warned: Option<tokio::time::Instant>,
}

/// Names the refunds that lost records carried (deferred while the database was away), so
/// they can still be paid by hand: the record was their only trace.
fn log_lost_refunds(records: &[AuditRecord]) {
    for r in records {
        if let Some(refund) = &r.refund_owed {
            tracing::error!(request_id = %r.request_id, charge_id = %refund.charge_id,
                tenant = %refund.tenant_id, cents = refund.cents,
                "a refund owed was lost with its audit record; not paid");
        }
    }
}

/// Builds the queue, the spool and the writer for `sink`.
pub fn channel(
    sink: Arc<dyn AuditSink>,
    settings: &AuditSettings,
) -> std::io::Result<(Auditor, Writer)> {
    let spool = Arc::new(Spool::open(&settings.spool_dir)?);
    let metrics = Metrics::new();
    metrics
        .spool_depth
        .set(i64::try_from(spool.pending()).unwrap_or(i64::MAX));
    let (tx, rx) = mpsc::channel(settings.queue_capacity);
    let full = Arc::new(Notify::new());
    let flush = Arc::new(FlushSignal::default());
    // Half the queue at most, so a small queue does not overflow to the spool first.
    let wake_at = WAKE_AT
        .min(settings.batch_size)
        .min(settings.queue_capacity / 2)
        .max(1);
    Ok((
        Auditor {
            tx,
            full: full.clone(),
            wake_at,
            spool: spool.clone(),
            metrics: metrics.clone(),
            flush: flush.clone(),
        },
        Writer {
            rx,
            full,
            wake_at,
            sink,
            spool,
            settings: settings.clone(),
            metrics,
            flush,
            retry_at: parking_lot::Mutex::new(None),
            held_acks: Vec::new(),
            replay_warned: None,
        },
    ))
}

impl Auditor {
    /// Queues `record`; if the queue is full it goes to the spool. Never waits on I/O
    /// other than, in that overflow case, one buffered file append.
    pub fn record(&self, record: AuditRecord) {
        match self.tx.try_send(Msg::Record(Box::new(record))) {
            Ok(()) => {
                if self.tx.max_capacity() - self.tx.capacity() >= self.wake_at {
                    self.full.notify_one();
                }
            }
            Err(mpsc::error::TrySendError::Full(Msg::Record(r)))
            | Err(mpsc::error::TrySendError::Closed(Msg::Record(r))) => {
                self.metrics
                    .spooled
                    .with_label_values(&["queue_full"])
                    .inc();
                if let Err(e) = self.spool.append(std::slice::from_ref(&*r)) {
                    tracing::error!(error = %e, request_id = %r.request_id, "audit record could not be queued or spooled");
                    log_lost_refunds(std::slice::from_ref(&*r));
                } else {
                    self.metrics.spool_depth.inc();
                }
            }
            Err(_) => {}
        }
    }

    /// Asks the writer to store everything queued so far; waits at most `timeout`.
    /// Used at shutdown, from a plain thread.
    pub fn flush_blocking(&self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        self.flush.asked.store(true, Ordering::SeqCst);
        self.flush.now.notify_waiters();
        let (ack_tx, ack_rx) = std::sync::mpsc::channel();
        let mut msg = Msg::Flush(ack_tx);
        // A full queue is being drained: wait for room rather than give up at once.
        loop {
            match self.tx.try_send(msg) {
                Ok(()) => break,
                Err(mpsc::error::TrySendError::Full(m)) if std::time::Instant::now() < deadline => {
                    msg = m;
                    self.full.notify_one();
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(_) => return false,
            }
        }
        self.full.notify_one();
        ack_rx
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .is_ok()
    }
}

impl Writer {
    /// Runs until every `Auditor` is dropped; owns batching, spooling and replay.
    pub async fn run(mut self) {
        let mut batch: Vec<AuditRecord> = Vec::with_capacity(self.settings.batch_size);
        let mut replay_tick = tokio::time::interval(Duration::from_secs(1));
        replay_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let mut acks = Vec::new();
            tokio::select! {
                msg = self.rx.recv() => match msg {
                    None => {
                        self.store(std::mem::take(&mut batch)).await;
                        return;
                    }
                    Some(m) => self.take(m, &mut batch, &mut acks),
                },
                _ = replay_tick.tick() => {
                    self.replay().await;
                    continue;
                }
            }
            // Gather more for the same batch, up to the flush interval. The writer sleeps
            // through it instead of waiting on the queue: a waiting receiver is woken by
            // every record, a thread wakeup per request on the cores the requests need.
            // The request path wakes it early once `wake_at` records are queued.
            let deadline = tokio::time::Instant::now() + self.settings.flush_interval;
            loop {
                let open = self.drain(&mut batch, &mut acks);
                if !open
                    || batch.len() >= self.wake_at
                    || !acks.is_empty()
                    || tokio::time::Instant::now() >= deadline
                {
                    break;
                }
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline) => {}
                    _ = self.full.notified() => {}
                }
            }
            self.store(std::mem::take(&mut batch)).await;
            if !acks.is_empty() {
                self.replay().await;
            }
            for a in acks {
                let _ = a.send(());
            }
        }
    }

    /// Takes what is queued, without waiting, until the batch is full or a flush is asked
    /// for; false once every `Auditor` is gone.
    fn drain(
        &mut self,
        batch: &mut Vec<AuditRecord>,
        acks: &mut Vec<std::sync::mpsc::Sender<()>>,
    ) -> bool {
        while batch.len() < self.settings.batch_size && acks.is_empty() {
            match self.rx.try_recv() {
                Ok(m) => self.take(m, batch, acks),
                Err(mpsc::error::TryRecvError::Empty) => return true,
                Err(mpsc::error::TryRecvError::Disconnected) => return false,
            }
        }
        true
    }

    fn take(
        &self,
        m: Msg,
        batch: &mut Vec<AuditRecord>,
        acks: &mut Vec<std::sync::mpsc::Sender<()>>,
    ) {
        match m {
            Msg::Record(r) => batch.push(*r),
            Msg::Flush(a) => acks.push(a),
        }
    }

    /// Writes a batch to the sink, or to the spool when the spool already holds older
    /// records, the sink failed moments ago, or it fails now.
    async fn store(&mut self, batch: Vec<AuditRecord>) {
        if batch.is_empty() {
            return;
        }
        if self.spool.pending() == 0 && !self.backing_off() {
            match self.write_sink(&batch, SINK_TIMEOUT).await {
                Ok(()) => {
                    self.metrics.written.inc_by(batch.len() as u64);
                    return;
                }
                Err(e) => {
                    self.metrics.sink_errors.inc();
                    tracing::warn!(error = %e, records = batch.len(), "audit sink unavailable; spooling to disk");
                }
            }
            if !self.spool_batch(&batch, "sink_error") {
                tracing::error!(
                    records = batch.len(),
                    "audit records lost: neither the sink nor the spool took them"
                );
                log_lost_refunds(&batch);
            }
        } else if self.spool_batch(&batch, "keep_order") {
            self.replay().await;
        } else {
            self.sink_out_of_order(&batch).await;
        }
    }

    /// For records the spool refused (a full disk) while it holds older ones: the sink out
    /// of order beats losing them.
    async fn sink_out_of_order(&self, batch: &[AuditRecord]) {
        match self.write_sink(batch, SINK_TIMEOUT).await {
            Ok(()) => self.metrics.written.inc_by(batch.len() as u64),
            Err(e) => {
                tracing::error!(error = %e, records = batch.len(),
                    "audit records lost: neither the spool nor the sink took them");
                log_lost_refunds(batch);
            }
        }
    }

    /// Moves what is queued now behind the spool, in one append (one sync to disk); a
    /// spool that refuses them (a full disk) sends them to the sink out of order, as
    /// [`Writer::store`] does. A replay calls it between chunks while older records are
    /// left: new records belong behind them anyway (order), and a long replay that left
    /// the queue unread would let it fill, when each request spools its own record with a
    /// sync to disk of its own, on the request path. Flushes among the queue are held for
    /// the end of the replay.
    async fn spool_queued(&mut self) {
        let mut batch = Vec::with_capacity(self.rx.len());
        for _ in 0..self.rx.len() {
            match self.rx.try_recv() {
                Ok(Msg::Record(r)) => batch.push(*r),
                Ok(Msg::Flush(a)) => self.held_acks.push(a),
                Err(_) => break,
            }
        }
        if !batch.is_empty() && !self.spool_batch(&batch, "keep_order") {
            self.sink_out_of_order(&batch).await;
        }
    }

    /// The sink's write, bounded by `limit`: a hung database (a partition, not a refused
    /// connection) must not stop the writer while records pile up. Once a shutdown's flush
    /// is asked for, the write gets [`FLUSH_SINK_TIMEOUT`] more at most. A write that timed
    /// out may still land: the Postgres sink then skips its replay by request id; the
    /// JSONL file gets the records twice (readers dedupe by `request_id`).
    async fn write_sink(&self, batch: &[AuditRecord], limit: Duration) -> Result<(), SinkError> {
        // Made before `asked` is read, so a flush asked in between still wakes it.
        let asked = self.flush.now.notified();
        let flushing = self.flush.asked.load(Ordering::SeqCst);
        let limit = if flushing {
            limit.min(FLUSH_SINK_TIMEOUT)
        } else {
            limit
        };
        let write = tokio::time::timeout(limit, self.sink.write(batch));
        tokio::pin!(write);
        let done = tokio::select! {
            done = &mut write => done,
            _ = asked, if !flushing => {
                tokio::time::timeout(FLUSH_SINK_TIMEOUT, &mut write).await.unwrap_or(Ok(Err(
                    SinkError("cut short by a shutdown".into()),
                )))
            }
        };
        let done = done.unwrap_or_else(|_| Err(SinkError(format!("no answer within {limit:?}"))));
        let mut retry = self.retry_at.lock();
        *retry = match (&done, *retry) {
            (Ok(()), _) => None,
            (Err(_), None) => Some((tokio::time::Instant::now() + SINK_BACKOFF, SINK_BACKOFF)),
            (Err(_), Some((_, last))) => {
                let next = (last * 2).min(MAX_SINK_BACKOFF);
                Some((tokio::time::Instant::now() + next, next))
            }
        };
        done
    }

    /// Whether the sink failed too recently to try it again; see [`SINK_BACKOFF`].
    fn backing_off(&self) -> bool {
        self.retry_at
            .lock()
            .is_some_and(|(t, _)| tokio::time::Instant::now() < t)
    }

    /// Appends to the spool; false when the spool could not take the batch.
    fn spool_batch(&self, batch: &[AuditRecord], reason: &str) -> bool {
        match self.spool.append(batch) {
            Ok(()) => {
                self.metrics
                    .spooled
                    .with_label_values(&[reason])
                    .inc_by(batch.len() as u64);
                self.metrics.spool_depth.add(batch.len() as i64);
                true
            }
            Err(e) => {
                tracing::error!(error = %e, records = batch.len(), "audit spool write failed");
                false
            }
        }
    }

    /// Replays the spool oldest first while the sink accepts batches, then answers the
    /// flushes it held.
    async fn replay(&mut self) {
        self.replay_chunks().await;
        for a in std::mem::take(&mut self.held_acks) {
            let _ = a.send(());
        }
    }

    /// [`Writer::replay`]'s work, without answering the held flushes.
    async fn replay_chunks(&mut self) {
        if self.spool.pending() == 0 || self.backing_off() {
            return;
        }
        loop {
            let chunk = match self
                .spool
                .peek(self.settings.batch_size, REPLAY_CHUNK_BYTES)
            {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "audit spool unreadable");
                    return;
                }
            };
            if chunk.is_empty() {
                // Nothing readable in this chunk: move past its unreadable lines, or they
                // would hold every later batch in the spool, and go on while lines are left.
                // A peek that read no whole line (a torn tail) ends the replay: going on
                // would spin.
                let moved = self.spool.peeked_bytes() > 0;
                if let Err(e) = self.spool.consume_peeked() {
                    tracing::error!(error = %e, "audit spool could not be advanced");
                    return;
                }
                self.metrics
                    .spool_depth
                    .set(i64::try_from(self.spool.pending()).unwrap_or(i64::MAX));
                if moved && self.spool.pending() > 0 {
                    tokio::task::yield_now().await;
                    continue;
                }
                return;
            }
            let size = self.spool.peeked_bytes();
            let chunks = u32::try_from(size / REPLAY_CHUNK_BYTES).unwrap_or(u32::MAX);
            let limit = REPLAY_TIMEOUT.saturating_add(REPLAY_TIME_PER_CHUNK.saturating_mul(chunks));
            if let Err(e) = self.write_sink(&chunk, limit).await {
                self.metrics.sink_errors.inc();
                let now = tokio::time::Instant::now();
                if self
                    .replay_warned
                    .is_none_or(|t| now.duration_since(t) >= REPLAY_WARN_EVERY)
                {
                    self.replay_warned = Some(now);
                    tracing::warn!(error = %e, spooled = self.spool.pending(),
                        "audit spool replay failed; records wait on disk");
                } else {
                    tracing::debug!(error = %e, "audit spool replay deferred; sink still unavailable");
                }
                return;
            }
            self.metrics.written.inc_by(chunk.len() as u64);
            if let Err(e) = self.spool.consume_peeked() {
                tracing::error!(error = %e, "audit spool could not be advanced");
                return;
            }
            // Only while older records are left: at the end of the backlog the queue goes to
            // the sink directly again. Moving it at every chunk, the replay would end only
            // in a lull. It still ends only while records arrive slower than a chunk per
            // cycle (a sink write, the spool's syncs): the backlog shrinks by the difference.
            if self.spool.pending() > 0 {
                self.spool_queued().await;
            }
            self.metrics
                .spool_depth
                .set(i64::try_from(self.spool.pending()).unwrap_or(i64::MAX));
            tracing::info!(
                records = chunk.len(),
                left = self.spool.pending(),
                "audit spool replayed"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Keeps every batch it is given, in order.
    #[derive(Default)]
    struct Batches(Mutex<Vec<Vec<String>>>);

    #[async_trait]
    impl AuditSink for Batches {
        async fn write(&self, batch: &[AuditRecord]) -> Result<(), SinkError> {
            let ids = batch.iter().map(|r| r.request_id.clone()).collect();
            self.0
                .lock()
                .map_err(|e| SinkError(e.to_string()))?
                .push(ids);
            Ok(())
        }
    }

    /// A [`Batches`] whose every write first waits for a permit, to stand for a slow database.
    struct Gated {
        batches: Batches,
        permits: tokio::sync::Semaphore,
    }

    impl Gated {
        /// A sink whose writes all wait until the test adds permits.
        fn held() -> Arc<Gated> {
            Arc::new(Gated {
                batches: Batches::default(),
                permits: tokio::sync::Semaphore::new(0),
            })
        }
    }

    #[async_trait]
    impl AuditSink for Gated {
        async fn write(&self, batch: &[AuditRecord]) -> Result<(), SinkError> {
            self.permits
                .acquire()
                .await
                .map_err(|e| SinkError(e.to_string()))?
                .forget();
            self.batches.write(batch).await
        }
    }

    fn writer(
        batch_size: usize,
        flush_interval: Duration,
        dir: &std::path::Path,
    ) -> (Auditor, Arc<Batches>, tokio::task::JoinHandle<()>) {
        writer_to(
            Arc::new(Batches::default()),
            batch_size,
            flush_interval,
            dir,
        )
    }

    fn writer_to<S: AuditSink + 'static>(
        sink: Arc<S>,
        batch_size: usize,
        flush_interval: Duration,
        dir: &std::path::Path,
    ) -> (Auditor, Arc<S>, tokio::task::JoinHandle<()>) {
        let settings = AuditSettings {
            file: dir.join("audit.jsonl"),
            spool_dir: dir.join("spool"),
            queue_capacity: 100,
            batch_size,
            flush_interval,
        };
        let (auditor, writer) = channel(sink.clone(), &settings).unwrap();
        (auditor, sink, tokio::spawn(writer.run()))
    }

    async fn batches_within(sink: &Batches, n: usize, limit: Duration) -> Vec<Vec<String>> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let seen = sink.0.lock().unwrap().clone();
            if seen.len() >= n || tokio::time::Instant::now() >= deadline {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// A line cut short by an earlier failed write is ended before the next batch, so the
    /// batch's first record stays a line of its own.
    #[tokio::test]
    async fn the_jsonl_sink_never_glues_a_record_onto_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, b"{\"request_id\":\"tor").unwrap();
        let sink = JsonlSink::new(path.clone());
        sink.write(&[AuditRecord::new("a".into(), None)])
            .await
            .unwrap();
        sink.write(&[AuditRecord::new("b".into(), None)])
            .await
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        for (line, id) in lines[1..].iter().zip(["a", "b"]) {
            let r: AuditRecord = serde_json::from_str(line).unwrap();
            assert_eq!(r.request_id, id);
        }
        // A sink that cannot write names its file.
        let blocked = JsonlSink::new(path.join("under-a-file.jsonl"));
        let e = blocked
            .write(&[AuditRecord::new("c".into(), None)])
            .await
            .unwrap_err();
        assert!(e.to_string().contains("under-a-file.jsonl"), "{e}");
    }

    /// A whole batch is written at once, long before the flush interval: the request path
    /// wakes the sleeping writer.
    #[tokio::test]
    async fn a_full_batch_is_written_without_waiting_for_the_interval() {
        let dir = tempfile::tempdir().unwrap();
        let (auditor, sink, _writer) = writer(3, Duration::from_secs(600), dir.path());
        for id in ["a", "b", "c", "d", "e", "f"] {
            auditor.record(AuditRecord::new(id.into(), None));
        }
        let seen = batches_within(&sink, 2, Duration::from_secs(10)).await;
        assert_eq!(seen, [["a", "b", "c"], ["d", "e", "f"]]);
    }

    /// While the sink keeps up, a write starts as soon as `WAKE_AT` records are queued, long
    /// before a whole batch or the interval; what piles up behind a slow write then goes in
    /// together, up to a batch.
    #[tokio::test]
    async fn batches_stay_small_until_records_pile_up_behind_a_slow_write() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Gated::held();
        let (auditor, sink, _writer) = writer_to(sink, 50, Duration::from_secs(600), dir.path());
        let ids: Vec<String> = (0..WAKE_AT + 50 + WAKE_AT)
            .map(|n| format!("r{n}"))
            .collect();
        for id in &ids[..WAKE_AT] {
            auditor.record(AuditRecord::new(id.clone(), None));
        }
        // The first write is under way (and held) before the rest arrive.
        tokio::time::timeout(Duration::from_secs(10), async {
            while auditor.tx.max_capacity() != auditor.tx.capacity() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .unwrap();
        for id in &ids[WAKE_AT..] {
            auditor.record(AuditRecord::new(id.clone(), None));
        }
        sink.permits.add_permits(3);
        let seen = batches_within(&sink.batches, 3, Duration::from_secs(10)).await;
        let sizes: Vec<usize> = seen.iter().map(Vec::len).collect();
        assert_eq!(sizes, [WAKE_AT, 50, WAKE_AT]);
        assert_eq!(seen.concat(), ids);
    }

    /// A database that hangs (neither answers nor fails) does not hold the records: after
    /// the sink's timeout they are in the spool.
    #[tokio::test(start_paused = true)]
    async fn a_hung_sink_sends_the_batch_to_the_spool() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Gated::held();
        let (auditor, _, _writer) = writer_to(sink, 50, Duration::from_millis(100), dir.path());
        for id in ["a", "b", "c"] {
            auditor.record(AuditRecord::new(id.into(), None));
        }
        tokio::time::sleep(SINK_TIMEOUT + Duration::from_secs(1)).await;
        assert_eq!(auditor.spool.pending(), 3);
        assert_eq!(auditor.spool.peek_ids(10), ["a", "b", "c"]);
    }

    /// A shutdown's flush is answered within its budget while a write hangs on the
    /// database: the write is cut short, and it and everything queued go to the spool.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flush_abandons_a_hung_write_and_spools_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Gated::held();
        let (auditor, _, _writer) = writer_to(sink, 2, Duration::from_millis(10), dir.path());
        let ids: Vec<String> = (0..7).map(|n| format!("r{n}")).collect();
        for id in &ids {
            auditor.record(AuditRecord::new(id.clone(), None));
        }
        // The first batch's write is under way, and hangs.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(auditor.spool.pending(), 0);
        let a = auditor.clone();
        let started = std::time::Instant::now();
        let flushed = tokio::task::spawn_blocking(move || a.flush_blocking(Duration::from_secs(5)))
            .await
            .unwrap();
        assert!(flushed, "the flush was answered");
        // The hung write gets FLUSH_SINK_TIMEOUT more, then everything goes to the spool
        // without trying the sink again (it is backing off).
        let took = started.elapsed();
        assert!(
            took < FLUSH_SINK_TIMEOUT + Duration::from_secs(1),
            "{took:?}"
        );
        assert_eq!(auditor.spool.peek_ids(10), ids);
    }

    /// A write that is slow but alive when a shutdown's flush is asked for still lands in
    /// the sink, not the spool (whose directory a container may not keep).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flush_lets_a_slow_write_finish() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Gated::held();
        let (auditor, sink, _writer) = writer_to(sink, 2, Duration::from_millis(10), dir.path());
        auditor.record(AuditRecord::new("a".into(), None));
        auditor.record(AuditRecord::new("b".into(), None));
        tokio::time::sleep(Duration::from_millis(200)).await;
        let a = auditor.clone();
        let flush = tokio::task::spawn_blocking(move || a.flush_blocking(Duration::from_secs(5)));
        tokio::time::sleep(Duration::from_millis(300)).await;
        sink.permits.add_permits(10);
        assert!(flush.await.unwrap());
        assert_eq!(*sink.batches.0.lock().unwrap(), [["a", "b"]]);
        assert_eq!(auditor.spool.pending(), 0);
    }

    /// Settings for chunks of 10 and a queue of 100, with a spool in `dir` that already
    /// holds `n` records (`old0`, `old1`, …) to replay; and their ids.
    fn backlog(dir: &std::path::Path, n: usize) -> (AuditSettings, Vec<String>) {
        let settings = AuditSettings {
            file: dir.join("audit.jsonl"),
            spool_dir: dir.join("spool"),
            queue_capacity: 100,
            batch_size: 10,
            flush_interval: Duration::from_millis(20),
        };
        let old: Vec<String> = (0..n).map(|n| format!("old{n}")).collect();
        let spooled: Vec<AuditRecord> = old
            .iter()
            .map(|id| AuditRecord::new(id.clone(), None))
            .collect();
        Spool::open(&settings.spool_dir)
            .unwrap()
            .append(&spooled)
            .unwrap();
        (settings, old)
    }

    /// A spool ending in a torn line (a crash mid-append) is replayed up to it, and the
    /// writer goes on: a peek that reads no whole line ends the replay instead of spinning.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_torn_spool_tail_does_not_stop_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let (settings, old) = backlog(dir.path(), 3);
        let data = settings.spool_dir.join("audit-spool.jsonl");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&data)
            .unwrap();
        std::io::Write::write_all(&mut f, b"{\"request_id\":\"tor").unwrap();
        drop(f);
        let sink = Arc::new(Batches::default());
        let (auditor, writer) = channel(sink.clone(), &settings).unwrap();
        let _writer = tokio::spawn(writer.run());
        auditor.record(AuditRecord::new("new".into(), None));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let seen = loop {
            let seen: Vec<String> = sink.0.lock().unwrap().concat();
            if seen.contains(&"new".to_string()) || tokio::time::Instant::now() >= deadline {
                break seen;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let mut want = old.clone();
        want.push("new".into());
        assert_eq!(seen, want);
    }

    /// A [`Batches`] that takes 50 ms a write: a replay of many chunks takes a while.
    #[derive(Default)]
    struct Slow(Batches);

    #[async_trait]
    impl AuditSink for Slow {
        async fn write(&self, batch: &[AuditRecord]) -> Result<(), SinkError> {
            tokio::time::sleep(Duration::from_millis(50)).await;
            self.0.write(batch).await
        }
    }

    /// A long replay moves the records queued meanwhile behind the spool between its
    /// chunks: the queue never fills, so no request spools its own record (with a sync to
    /// disk on the request path), and order is kept.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_queued_during_a_replay_go_behind_the_spool() {
        let dir = tempfile::tempdir().unwrap();
        // 40 chunks of 10 at 50 ms each: a replay of two seconds at least.
        let (settings, old) = backlog(dir.path(), 400);
        let sink = Arc::new(Slow::default());
        let (auditor, writer) = channel(sink.clone(), &settings).unwrap();
        let _writer = tokio::spawn(writer.run());
        // 150 records over the first second of the replay, against a queue of 100.
        let mut new = Vec::new();
        for n in 0..150 {
            let id = format!("new{n}");
            auditor.record(AuditRecord::new(id.clone(), None));
            new.push(id);
            if n % 15 == 14 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let all = old.len() + new.len();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let seen = loop {
            let seen = sink.0 .0.lock().unwrap().concat();
            if seen.len() >= all || tokio::time::Instant::now() >= deadline {
                break seen;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(
            auditor
                .metrics
                .spooled
                .with_label_values(&["queue_full"])
                .get(),
            0,
            "no request spooled its own record"
        );
        let expected: Vec<String> = old.into_iter().chain(new).collect();
        assert_eq!(seen, expected, "in order, each once");
    }

    /// A sink on whose every write one more record arrives: steady traffic during a replay.
    #[derive(Default)]
    struct Busy {
        batches: Batches,
        auditor: Mutex<Option<Auditor>>,
        writes: std::sync::atomic::AtomicUsize,
    }

    #[async_trait]
    impl AuditSink for Busy {
        async fn write(&self, batch: &[AuditRecord]) -> Result<(), SinkError> {
            let n = self.writes.fetch_add(1, Ordering::SeqCst);
            if let Some(a) = self.auditor.lock().unwrap().as_ref() {
                a.record(AuditRecord::new(format!("live{n}"), None));
            }
            // A replay that never ends must still let the test's timeout fire.
            tokio::task::yield_now().await;
            self.batches.write(batch).await
        }
    }

    /// Under steady traffic a replay ends once the backlog is gone: the record that
    /// arrives with the last chunk waits in the queue for the sink, not in the spool for
    /// another chunk (which would bring another record, and so on).
    #[tokio::test]
    async fn a_replay_under_steady_traffic_ends_with_the_backlog() {
        let dir = tempfile::tempdir().unwrap();
        let (settings, old) = backlog(dir.path(), 30);
        let sink = Arc::new(Busy::default());
        let (auditor, mut writer) = channel(sink.clone(), &settings).unwrap();
        *sink.auditor.lock().unwrap() = Some(auditor.clone());
        tokio::time::timeout(Duration::from_secs(10), writer.replay())
            .await
            .expect("the replay ends");
        assert_eq!(auditor.spool.pending(), 0);
        assert_eq!(writer.rx.len(), 1, "the last record waits in the queue");
        let mut expected = old;
        expected.extend(["live0", "live1", "live2"].map(String::from));
        assert_eq!(sink.batches.0.lock().unwrap().concat(), expected);
    }

    /// Fewer records than a batch go in together once the interval has passed, and the
    /// writer stores what is left and stops when every handle is gone.
    #[tokio::test]
    async fn a_partial_batch_waits_for_the_interval_and_the_rest_for_shutdown() {
        let dir = tempfile::tempdir().unwrap();
        let (auditor, sink, writer) = writer(50, Duration::from_millis(200), dir.path());
        auditor.record(AuditRecord::new("a".into(), None));
        auditor.record(AuditRecord::new("b".into(), None));
        let seen = batches_within(&sink, 1, Duration::from_secs(10)).await;
        assert_eq!(seen, [["a", "b"]]);
        auditor.record(AuditRecord::new("c".into(), None));
        drop(auditor);
        tokio::time::timeout(Duration::from_secs(10), writer)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(*sink.0.lock().unwrap(), [vec!["a", "b"], vec!["c"]]);
    }
}

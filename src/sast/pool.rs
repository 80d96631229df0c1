//! The SAST pool: background workers that take jobs from the shared queue, run the engine
//! off the async runtime, and store what it found.
//!
//! The request path never waits here: [`SastPool::enqueue`] is a `try_send` on a bounded
//! channel (a full channel drops the job and counts it), and a small task moves queued jobs
//! into the store. Workers claim jobs from the store, so the pools of every instance share
//! one queue; each job runs on Tokio's blocking pool under a timeout, with the engine's own
//! time budget set to the same timeout so a slow snippet frees its thread too. Failures are
//! retried up to the job's cap; a timeout is final, since the same input would time out again.
//!
//! A shutdown stops the workers taking jobs when its drain begins; at exit the jobs still
//! running go back to the queue, their cut attempt not counted against their limit
//! ([`SastPool::hand_back`]), so a restart or an upgrade neither uses up a job's attempts
//! nor leaves it to wait out a lease.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use prometheus::{IntCounterVec, Opts};
use tokio::sync::{mpsc, Notify};

use super::markdown::{fenced_blocks, CodeBlock};
use super::{Engine, Finding, SecretFinder, SecretHit};
use crate::scan::{Category, ScanOptions, Scanner};
use crate::store::jobs::{Job, JobStore, NewJob, StoredFinding};
use crate::store::StoreError;

/// The crate's secrets detector as the engine's [`SecretFinder`], for `hardcoded-credential`.
pub struct ScanSecrets(pub Arc<Scanner>);

impl SecretFinder for ScanSecrets {
    fn find_secrets(&self, code: &str) -> Vec<SecretHit> {
        let opts = ScanOptions {
            pii: crate::scan::EntitySet::none(),
            secrets: true,
            custom: false,
            injection: false,
            ..ScanOptions::default()
        };
        self.0
            .scan(code, &opts)
            .findings
            .into_iter()
            .filter(|f| f.category == Category::Secret)
            .map(|f| SecretHit {
                start: f.start,
                end: f.end,
                entity: f.entity.to_string(),
            })
            .collect()
    }
}

/// Optional deeper analysis of a finding by a model; never fails a job.
#[async_trait]
pub trait Explainer: Send + Sync {
    async fn explain(&self, finding: &Finding, code: &str) -> Option<String>;
}

#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub workers: usize,
    pub job_timeout: Duration,
    pub max_attempts: u32,
    pub queue_capacity: usize,
    /// How often idle workers look for jobs other instances queued.
    pub poll: Duration,
    /// Findings per job sent to the explainer.
    pub explain_max: usize,
}

pub struct SastPool {
    store: Arc<dyn JobStore>,
    engine: Arc<Engine>,
    secrets: Arc<ScanSecrets>,
    explainer: Option<Arc<dyn Explainer>>,
    settings: PoolSettings,
    tx: mpsc::Sender<NewJob>,
    wake: Notify,
    jobs: IntCounterVec,
    instance: String,
    /// Set when a shutdown's drain begins, under the `running` lock: a job claimed after
    /// it is given back at once instead of run.
    stopping: AtomicBool,
    /// Claims in flight, counted before `stopping` is read: what a shutdown waits for.
    claiming: AtomicUsize,
    /// The jobs being run, without their content: what an exit hands back.
    running: parking_lot::Mutex<Vec<Job>>,
    /// Jobs the request path queued that are not in the store yet.
    unstored: AtomicUsize,
}

/// The longest pause between tries to store a job from an answer while the store is
/// unreachable: 15.5 s of pauses in all (0.5 s doubling; each try may also wait 2 s for a
/// connection), then the job is dropped and counted.
const INTAKE_PATIENCE: Duration = Duration::from_secs(8);

/// What [`SastPool::run`] consumes: the channel the request path fills.
pub struct Intake(mpsc::Receiver<NewJob>);

impl SastPool {
    pub fn new(
        store: Arc<dyn JobStore>,
        engine: Engine,
        scanner: Arc<Scanner>,
        explainer: Option<Arc<dyn Explainer>>,
        settings: PoolSettings,
    ) -> (Arc<SastPool>, Intake) {
        let limits = super::Limits {
            answer_timeout: settings.job_timeout,
            ..super::Limits::default()
        };
        let engine = Arc::new(engine.with_limits(limits));
        let (tx, rx) = mpsc::channel(settings.queue_capacity.max(1));
        let jobs = IntCounterVec::new(
            Opts::new(
                "sast_jobs_total",
                "SAST jobs, by event (queued, dropped, done, retried, timeout)",
            ),
            &["event"],
        )
        .expect("valid metric");
        crate::metrics::get().register(Box::new(jobs.clone()));
        let pool = SastPool {
            store,
            engine,
            secrets: Arc::new(ScanSecrets(scanner)),
            explainer,
            settings,
            tx,
            wake: Notify::new(),
            jobs,
            instance: format!("{}-{}", hostname(), std::process::id()),
            stopping: AtomicBool::new(false),
            claiming: AtomicUsize::new(0),
            running: parking_lot::Mutex::new(Vec::new()),
            unstored: AtomicUsize::new(0),
        };
        (Arc::new(pool), Intake(rx))
    }

    /// Queues a job from the request path; never waits, never fails the request.
    pub fn enqueue(&self, job: NewJob) {
        // Counted before the send, so the intake never takes it below zero.
        self.unstored.fetch_add(1, SeqCst);
        let event = match self.tx.try_send(job) {
            Ok(()) => "queued",
            Err(_) => {
                self.unstored.fetch_sub(1, SeqCst);
                "dropped"
            }
        };
        self.jobs.with_label_values(&[event]).inc();
    }

    /// Stores a submitted job at once (the API answers 202 with its id).
    pub async fn submit(&self, job: NewJob) -> Result<String, StoreError> {
        let id = self.store.enqueue(&job, self.settings.max_attempts).await?;
        self.jobs.with_label_values(&["queued"]).inc();
        self.wake.notify_one();
        Ok(id)
    }

    pub fn store(&self) -> &Arc<dyn JobStore> {
        &self.store
    }

    /// Runs the intake and the workers until the process ends.
    pub async fn run(self: Arc<Self>, intake: Intake) {
        let mut rx = intake.0;
        let me = self.clone();
        tokio::spawn(async move {
            while let Some(job) = rx.recv().await {
                // A store that is away for a moment (a PostgreSQL restart) is waited for,
                // a while: the queue behind holds what comes meanwhile, and what does not
                // fit is dropped and counted where it is sent.
                let mut wait = Duration::from_millis(500);
                loop {
                    match me.store.enqueue(&job, me.settings.max_attempts).await {
                        Ok(_) => me.wake.notify_one(),
                        // Only an unreachable store is waited for; a refused job never stores.
                        Err(e @ StoreError::Unavailable(_)) if wait <= INTAKE_PATIENCE => {
                            tracing::debug!(error = %e, "SAST job not stored yet; retrying");
                            tokio::time::sleep(wait).await;
                            wait *= 2;
                            continue;
                        }
                        Err(e) => {
                            me.jobs.with_label_values(&["dropped"]).inc();
                            tracing::warn!(error = %e, "SAST job could not be stored");
                        }
                    }
                    break;
                }
                me.unstored.fetch_sub(1, SeqCst);
            }
        });
        let workers: Vec<_> = (0..self.settings.workers.max(1))
            .map(|i| {
                let me = self.clone();
                tokio::spawn(async move { me.work(i).await })
            })
            .collect();
        for w in workers {
            let _ = w.await;
        }
    }

    async fn work(&self, index: usize) {
        let name = format!("{}#{index}", self.instance);
        // Long enough that a live worker never loses its job, short enough that a dead
        // one's job is soon picked up again.
        let lease = self.settings.job_timeout * 2 + Duration::from_secs(5);
        loop {
            // Counted before the check: a shutdown that then finds no claim in flight set
            // `stopping` before this reads it.
            self.claiming.fetch_add(1, SeqCst);
            if self.stopping.load(SeqCst) {
                self.claiming.fetch_sub(1, SeqCst);
                return;
            }
            // The claim ends (the job noted as running, or given back) before the count
            // drops, so a shutdown that sees no claim in flight sees every running job.
            let claimed = match self.store.claim(&name, lease).await {
                // Run unless a shutdown began since the claim, then given back at once.
                Ok(Some(job)) if self.track(&job) => Ok(Some(job)),
                Ok(Some(job)) => {
                    if let Err(e) = self.store.release(&job).await {
                        tracing::warn!(job = %job.id, error = %e, "SAST job taken during a shutdown could not be given back");
                    }
                    self.claiming.fetch_sub(1, SeqCst);
                    continue;
                }
                other => other,
            };
            self.claiming.fetch_sub(1, SeqCst);
            match claimed {
                Ok(Some(job)) => {
                    self.process(&job).await;
                    self.running.lock().retain(|r| r.id != job.id);
                }
                Ok(None) => {
                    tokio::select! {
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(self.settings.poll) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot take SAST jobs; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Notes `job` as running, unless a shutdown began since it was claimed.
    fn track(&self, job: &Job) -> bool {
        let mut running = self.running.lock();
        if self.stopping.load(SeqCst) {
            return false;
        }
        // Without the content, which may be megabytes.
        running.push(Job {
            id: job.id.clone(),
            tenant_id: job.tenant_id.clone(),
            request_id: job.request_id.clone(),
            source: job.source.clone(),
            filename: job.filename.clone(),
            content: String::new(),
            attempts: job.attempts,
            max_attempts: job.max_attempts,
        });
        true
    }

    /// A shutdown's drain has begun: the workers take no more jobs, and those running may
    /// finish while requests drain.
    pub fn stop_taking_jobs(&self) {
        {
            let _running = self.running.lock();
            self.stopping.store(true, SeqCst);
        }
        self.wake.notify_waiters();
    }

    /// At exit: waits up to `wait` for the running jobs to end, the claims in flight to
    /// land and the request path's queued jobs to be stored, then gives the jobs still
    /// running back to the queue, all within `wait` again. What is left behind is logged.
    pub fn hand_back(&self, rt: &tokio::runtime::Handle, wait: Duration) {
        self.stop_taking_jobs();
        let until = Instant::now() + wait;
        let busy = || {
            !self.running.lock().is_empty()
                || self.unstored.load(SeqCst) > 0
                || self.claiming.load(SeqCst) > 0
        };
        while Instant::now() < until && busy() {
            std::thread::sleep(Duration::from_millis(20));
        }
        let left: Vec<Job> = std::mem::take(&mut *self.running.lock());
        let (unstored, claiming) = (self.unstored.load(SeqCst), self.claiming.load(SeqCst));
        if unstored > 0 {
            tracing::warn!(
                jobs = unstored,
                "SAST jobs from answers not yet stored at shutdown may be lost"
            );
        }
        if claiming > 0 {
            tracing::warn!(
                claims = claiming,
                "SAST jobs being claimed at shutdown may run again only when their leases end"
            );
        }
        if left.is_empty() {
            return;
        }
        let store = self.store.clone();
        let given = rt.block_on(async move {
            let each = left.iter().map(|j| store.release(j));
            tokio::time::timeout(wait, futures::future::join_all(each)).await
        });
        match given {
            Ok(results) => {
                for e in results.into_iter().filter_map(Result::err) {
                    tracing::warn!(error = %e, "SAST job running at shutdown could not be given back; it runs again when its lease ends");
                }
            }
            Err(_) => {
                tracing::warn!("SAST jobs running at shutdown were not given back in time; they run again when their leases end");
            }
        }
    }

    async fn process(&self, job: &Job) {
        let (engine, secrets) = (self.engine.clone(), self.secrets.clone());
        let (name, content) = (job.filename.clone(), job.content.clone());
        // A proxied answer is Markdown whatever its fences look like; only submitted code
        // is told apart by its name or content.
        let answer = job.source == "answer";
        let run = tokio::task::spawn_blocking(move || {
            if answer {
                engine.scan_markdown(&content, Some(secrets.as_ref()))
            } else {
                super::cli::scan(&engine, name.as_deref(), &content, Some(secrets.as_ref()))
            }
        });
        // The engine stops itself at `job_timeout` and says so in a finding; this guard is
        // for a scan that does not, a second later.
        let guard = self.settings.job_timeout + Duration::from_secs(1);
        let result = match tokio::time::timeout(guard, run).await {
            Err(_) => {
                self.jobs.with_label_values(&["timeout"]).inc();
                let msg = format!("timed out after {:?}", self.settings.job_timeout);
                self.store.fail(job, &msg, false).await
            }
            Ok(Err(e)) => {
                self.jobs.with_label_values(&["retried"]).inc();
                tracing::error!(job = %job.id, error = %e, "SAST engine failed");
                self.store.fail(job, "the analysis failed", true).await
            }
            Ok(Ok(findings))
                if findings
                    .iter()
                    .any(|f| f.rule_id == super::engine::LIMIT_RULE_BUDGET) =>
            {
                // The engine stopped itself at the job's time budget: what the blocks before
                // it found is kept, beside the `info` finding that says where it stopped.
                // No time is left to explain them.
                self.jobs.with_label_values(&["timeout"]).inc();
                let kept: Vec<StoredFinding> = findings.iter().map(stored).collect();
                self.store.complete(job, &kept).await
            }
            Ok(Ok(findings)) => {
                let stored = self.explained(&findings, job).await;
                self.jobs.with_label_values(&["done"]).inc();
                self.store.complete(job, &stored).await
            }
        };
        if let Err(e) = result {
            tracing::error!(job = %job.id, error = %e, "SAST job result could not be stored");
        }
    }

    /// The findings with the model's explanations, for at most `job_timeout` in all: the
    /// job's lease (twice that, and 5 s) covers the scan and this, so no other worker takes
    /// the job up again while it is being explained. Those not reached keep none.
    async fn explained(&self, findings: &[Finding], job: &Job) -> Vec<StoredFinding> {
        let mut out: Vec<StoredFinding> = findings.iter().map(stored).collect();
        if let Some(x) = &self.explainer {
            let content = job.content.as_str();
            // Read as the scan read it: an answer, or submitted Markdown, counts lines per block.
            let markdown = job.source == "answer"
                || super::cli::reads_as_markdown(job.filename.as_deref(), content);
            let blocks = if markdown {
                fenced_blocks(content)
            } else {
                Vec::new()
            };
            let deadline = tokio::time::Instant::now() + self.settings.job_timeout;
            for (f, s) in findings
                .iter()
                .zip(out.iter_mut())
                .take(self.settings.explain_max)
            {
                let code = finding_code(&blocks, content, f);
                match tokio::time::timeout_at(deadline, x.explain(f, code)).await {
                    Ok(e) => s.explanation = e,
                    Err(_) => break,
                }
            }
        }
        out
    }
}

/// The code a finding's line counts in: its block of Markdown (`blocks`), or the whole of
/// submitted code.
fn finding_code<'a>(blocks: &'a [CodeBlock<'_>], content: &'a str, f: &Finding) -> &'a str {
    blocks
        .get(f.block_index)
        .map_or(content, |b| b.code.as_str())
}

fn stored(f: &Finding) -> StoredFinding {
    StoredFinding {
        rule_id: f.rule_id.clone(),
        cwe: f.cwe.clone(),
        severity: f.severity.as_str().to_string(),
        block_index: u32::try_from(f.block_index).unwrap_or(u32::MAX),
        line: u32::try_from(f.line).unwrap_or(u32::MAX),
        message: f.message.clone(),
        fix: f.fix.clone(),
        explanation: None,
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "edge".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_is_explained_with_the_code_its_line_counts_in() {
        let engine = Engine::new(&[]).expect("built-in rules load");
        let answer = "Intro\n\n```python\nx = 1\n```\n\nThen:\n\n```python\nimport pickle\npickle.loads(blob)\n```\n";
        let findings = engine.scan_markdown(answer, None);
        let f = findings
            .iter()
            .find(|f| f.rule_id == "py-unsafe-deserialization")
            .expect("the pickle finding");
        let blocks = fenced_blocks(answer);
        assert_eq!(
            finding_code(&blocks, answer, f),
            "import pickle\npickle.loads(blob)\n"
        );
        // Submitted code has no blocks: its lines count in the whole of it.
        assert_eq!(finding_code(&[], "a\nb", f), "a\nb");
    }
}

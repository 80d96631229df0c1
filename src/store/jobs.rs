//! SAST jobs: a queue several instances share (Postgres) or one process keeps (memory).
//!
//! Postgres hands a job to exactly one worker with `FOR UPDATE SKIP LOCKED`, and a job
//! whose lease has run out (its process died mid-job) is handed out again. Job content is
//! sealed with AES-GCM at rest and erased when the job is finished: generated code can
//! hold credentials.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use async_trait::async_trait;
use parking_lot::Mutex;
use serde::Serialize;
use sqlx::Row;

use super::postgres::{clamp_i32, uuid_or_null, PgStore};
use super::StoreError;
use crate::crypto::{Keyring, Purpose};

/// A job to create.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Made by the caller, so an insert retried after its reply was lost (the row may have
    /// been written) finds that row instead of adding a second job.
    pub id: uuid::Uuid,
    pub tenant_id: Option<String>,
    pub request_id: Option<String>,
    /// `answer` (from an /ai/ answer) or `api` (submitted).
    pub source: &'static str,
    pub filename: Option<String>,
    pub content: String,
}

/// A job handed to a worker.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub tenant_id: Option<String>,
    pub request_id: Option<String>,
    /// `answer` (a proxied answer: Markdown) or `api` (submitted code).
    pub source: String,
    pub filename: Option<String>,
    pub content: String,
    pub attempts: u32,
    pub max_attempts: u32,
}

/// One finding as stored and served.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredFinding {
    pub rule_id: String,
    pub cwe: String,
    pub severity: String,
    pub block_index: u32,
    pub line: u32,
    pub message: String,
    pub fix: Option<String>,
    pub explanation: Option<String>,
}

/// A job as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    pub id: String,
    pub status: String,
    pub source: String,
    pub request_id: Option<String>,
    pub filename: Option<String>,
    pub attempts: u32,
    pub error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub findings: Vec<StoredFinding>,
}

#[async_trait]
pub trait JobStore: Send + Sync {
    async fn enqueue(&self, job: &NewJob, max_attempts: u32) -> Result<String, StoreError>;
    /// Takes the oldest ready job for `worker`, leasing it for `lease`.
    async fn claim(&self, worker: &str, lease: Duration) -> Result<Option<Job>, StoreError>;
    async fn complete(&self, job: &Job, findings: &[StoredFinding]) -> Result<(), StoreError>;
    /// Marks an attempt failed; the job is queued again if `retry` and attempts remain.
    async fn fail(&self, job: &Job, error: &str, retry: bool) -> Result<(), StoreError>;
    /// Queues a job taken by a worker that is shutting down again, so any worker can take
    /// it at once; the cut attempt does not count against its limit (it raises the limit,
    /// up to [`MAX_HANDED_BACK_ATTEMPTS`]: attempt numbers keep rising, so the old attempt
    /// can no longer end the job). Only the attempt that holds it can.
    async fn release(&self, job: &Job) -> Result<(), StoreError>;
    async fn job(&self, tenant_id: Option<&str>, id: &str) -> Result<Option<JobView>, StoreError>;
    async fn findings_for_request(
        &self,
        tenant_id: Option<&str>,
        request_id: &str,
    ) -> Result<Vec<StoredFinding>, StoreError>;
}

/// Postgres jobs; content sealed with the operator's keyring.
pub struct PgJobs {
    pub store: PgStore,
    pub keyring: Keyring,
}

fn finding_from_row(r: &sqlx::postgres::PgRow) -> Result<StoredFinding, sqlx::Error> {
    Ok(StoredFinding {
        rule_id: r.try_get("rule_id")?,
        cwe: r.try_get("cwe")?,
        severity: r.try_get("severity")?,
        block_index: u32::try_from(r.try_get::<i32, _>("block_index")?).unwrap_or(0),
        line: u32::try_from(r.try_get::<i32, _>("line")?).unwrap_or(0),
        message: r.try_get("message")?,
        fix: r.try_get("fix")?,
        explanation: r.try_get("explanation")?,
    })
}

const FINDING_COLUMNS: &str =
    "rule_id, cwe, severity, block_index, line, message, fix, explanation";

#[async_trait]
impl JobStore for PgJobs {
    async fn enqueue(&self, job: &NewJob, max_attempts: u32) -> Result<String, StoreError> {
        let sealed = self.keyring.seal(Purpose::SastJob, job.content.as_bytes());
        sqlx::query(
            "INSERT INTO securetag.sast_job (id, tenant_id, request_id, source, filename, content_sealed, max_attempts) \
             VALUES ($1, $2::uuid, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(job.id)
        .bind(uuid_or_null(job.tenant_id.as_deref()))
        .bind(&job.request_id)
        .bind(job.source)
        .bind(&job.filename)
        .bind(sealed)
        .bind(i32::try_from(max_attempts).unwrap_or(3))
        .execute(&self.store.pool)
        .await?;
        Ok(job.id.to_string())
    }

    async fn claim(&self, worker: &str, lease: Duration) -> Result<Option<Job>, StoreError> {
        let secs = lease.as_secs_f64();
        // A job whose last allowed attempt lost its lease (its worker died) has failed.
        sqlx::query(
            "UPDATE securetag.sast_job SET status = 'failed', finished_at = now(), content_sealed = NULL, \
             lease_until = NULL, error = 'its worker stopped during the last attempt' \
             WHERE status = 'running' AND lease_until < now() AND attempts >= max_attempts",
        )
        .execute(&self.store.pool)
        .await?;
        let row = sqlx::query(
            "UPDATE securetag.sast_job SET status = 'running', attempts = attempts + 1, locked_by = $1, \
             started_at = now(), lease_until = now() + make_interval(secs => $2) \
             WHERE id = (SELECT id FROM securetag.sast_job \
                         WHERE status = 'queued' OR (status = 'running' AND lease_until < now() AND attempts < max_attempts) \
                         ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1) \
             RETURNING id::text AS id, tenant_id::text AS tenant_id, request_id, source, filename, content_sealed, attempts, max_attempts",
        )
        .bind(worker)
        .bind(secs)
        .fetch_optional(&self.store.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let id: String = r.try_get("id")?;
        let sealed: Option<String> = r.try_get("content_sealed")?;
        let opened = sealed
            .as_deref()
            .map(|s| self.keyring.open(Purpose::SastJob, s))
            .transpose();
        let content = match opened {
            Ok(b) => b
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default(),
            Err(e) => {
                // Sealed under another system secret: no attempt will open it.
                sqlx::query(
                    "UPDATE securetag.sast_job SET status = 'failed', finished_at = now(), lease_until = NULL, \
                     content_sealed = NULL, error = 'its content cannot be decrypted' WHERE id = $1::uuid",
                )
                .bind(&id)
                .execute(&self.store.pool)
                .await?;
                return Err(StoreError::Invalid(format!("job {id}: {e}")));
            }
        };
        Ok(Some(Job {
            id,
            tenant_id: r.try_get("tenant_id")?,
            request_id: r.try_get("request_id")?,
            source: r.try_get("source")?,
            filename: r.try_get("filename")?,
            content,
            attempts: u32::try_from(r.try_get::<i32, _>("attempts")?).unwrap_or(1),
            max_attempts: u32::try_from(r.try_get::<i32, _>("max_attempts")?).unwrap_or(3),
        }))
    }

    async fn complete(&self, job: &Job, findings: &[StoredFinding]) -> Result<(), StoreError> {
        let mut tx = self.store.pool.begin().await?;
        // A job that lost its lease to another worker may already be done, or be another
        // attempt's now: only the attempt that holds it writes (keep one result).
        let done = sqlx::query(
            "UPDATE securetag.sast_job SET status = 'done', finished_at = now(), content_sealed = NULL, error = NULL \
             WHERE id = $1::uuid AND status = 'running' AND attempts = $2",
        )
        .bind(&job.id)
        .bind(i32::try_from(job.attempts).unwrap_or(i32::MAX))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(());
        }
        for f in findings {
            sqlx::query(
                "INSERT INTO securetag.sast_finding (job_id, tenant_id, request_id, block_index, line, rule_id, cwe, severity, message, fix, explanation) \
                 VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&job.id)
            .bind(uuid_or_null(job.tenant_id.as_deref()))
            .bind(&job.request_id)
            .bind(clamp_i32(f.block_index))
            .bind(clamp_i32(f.line))
            .bind(&f.rule_id)
            .bind(&f.cwe)
            .bind(&f.severity)
            .bind(&f.message)
            .bind(&f.fix)
            .bind(&f.explanation)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn fail(&self, job: &Job, error: &str, retry: bool) -> Result<(), StoreError> {
        let again = retry && job.attempts < job.max_attempts;
        sqlx::query(
            "UPDATE securetag.sast_job SET status = $2, error = $3, lease_until = NULL, \
             finished_at = CASE WHEN $2 = 'failed' THEN now() END, \
             content_sealed = CASE WHEN $2 = 'failed' THEN NULL ELSE content_sealed END \
             WHERE id = $1::uuid AND status = 'running' AND attempts = $4",
        )
        .bind(&job.id)
        .bind(if again { "queued" } else { "failed" })
        .bind(error)
        .bind(i32::try_from(job.attempts).unwrap_or(i32::MAX))
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    async fn release(&self, job: &Job) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE securetag.sast_job SET status = 'queued', \
             max_attempts = LEAST(max_attempts + 1, GREATEST(max_attempts, $3)), locked_by = NULL, \
             lease_until = NULL, started_at = NULL \
             WHERE id = $1::uuid AND status = 'running' AND attempts = $2",
        )
        .bind(&job.id)
        .bind(i32::try_from(job.attempts).unwrap_or(i32::MAX))
        .bind(i32::try_from(MAX_HANDED_BACK_ATTEMPTS).unwrap_or(i32::MAX))
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    async fn job(&self, tenant_id: Option<&str>, id: &str) -> Result<Option<JobView>, StoreError> {
        if uuid::Uuid::parse_str(id).is_err() {
            return Ok(None);
        }
        let Some(r) = sqlx::query(
            "SELECT id::text AS id, status, source, request_id, filename, attempts, error, created_at, finished_at \
             FROM securetag.sast_job WHERE id = $1::uuid AND tenant_id IS NOT DISTINCT FROM $2::uuid",
        )
        .bind(id)
        .bind(tenant_id)
        .fetch_optional(&self.store.pool)
        .await?
        else {
            return Ok(None);
        };
        let findings = sqlx::query(&format!("SELECT {FINDING_COLUMNS} FROM securetag.sast_finding WHERE job_id = $1::uuid ORDER BY block_index, line, rule_id"))
            .bind(id)
            .fetch_all(&self.store.pool)
            .await?
            .iter()
            .map(finding_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(JobView {
            id: r.try_get("id")?,
            status: r.try_get("status")?,
            source: r.try_get("source")?,
            request_id: r.try_get("request_id")?,
            filename: r.try_get("filename")?,
            attempts: u32::try_from(r.try_get::<i32, _>("attempts")?).unwrap_or(0),
            error: r.try_get("error")?,
            created_at: r.try_get("created_at")?,
            finished_at: r.try_get("finished_at")?,
            findings,
        }))
    }

    async fn findings_for_request(
        &self,
        tenant_id: Option<&str>,
        request_id: &str,
    ) -> Result<Vec<StoredFinding>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {FINDING_COLUMNS} FROM securetag.sast_finding WHERE request_id = $1 AND tenant_id IS NOT DISTINCT FROM $2::uuid \
             ORDER BY block_index, line, rule_id"
        ))
        .bind(request_id)
        .bind(tenant_id)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(finding_from_row)
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}

struct MemJob {
    job: Job,
    view: JobView,
}

/// The embedded store's jobs: in memory, gone at restart (like its credits). Finished
/// jobs keep their findings, not their content, and the oldest finished go once
/// [`MAX_MEMORY_JOBS`] are held.
#[derive(Default)]
pub struct MemoryJobs {
    inner: Mutex<MemJobs>,
}

#[derive(Default)]
struct MemJobs {
    by_id: HashMap<String, MemJob>,
    /// Ids waiting to be claimed.
    queued: VecDeque<String>,
    /// Ids finished, oldest first.
    finished: VecDeque<String>,
}

/// The most attempts that shutdowns handing a job back raise its limit to: a job that is
/// still running at every exit (a slow model while instances cycle) ends some day.
pub const MAX_HANDED_BACK_ATTEMPTS: u32 = 16;

impl MemJob {
    /// Whether `job`'s attempt is the one running this job: only it may end it.
    fn holds(&self, job: &Job) -> bool {
        self.view.status == "running" && self.job.attempts == job.attempts
    }
}

/// Jobs the embedded store holds before it forgets the oldest finished ones.
const MAX_MEMORY_JOBS: usize = 10_000;

#[async_trait]
impl JobStore for MemoryJobs {
    async fn enqueue(&self, job: &NewJob, max_attempts: u32) -> Result<String, StoreError> {
        let id = job.id.to_string();
        let view = JobView {
            id: id.clone(),
            status: "queued".into(),
            source: job.source.into(),
            request_id: job.request_id.clone(),
            filename: job.filename.clone(),
            attempts: 0,
            error: None,
            created_at: chrono::Utc::now(),
            finished_at: None,
            findings: Vec::new(),
        };
        let j = Job {
            id: id.clone(),
            tenant_id: job.tenant_id.clone(),
            request_id: job.request_id.clone(),
            source: job.source.into(),
            filename: job.filename.clone(),
            content: job.content.clone(),
            attempts: 0,
            max_attempts,
        };
        let mut g = self.inner.lock();
        if g.by_id.contains_key(&id) {
            return Ok(id);
        }
        while g.by_id.len() >= MAX_MEMORY_JOBS {
            let Some(old) = g.finished.pop_front() else {
                break;
            };
            g.by_id.remove(&old);
        }
        g.by_id.insert(id.clone(), MemJob { job: j, view });
        g.queued.push_back(id.clone());
        Ok(id)
    }

    async fn claim(&self, _worker: &str, _lease: Duration) -> Result<Option<Job>, StoreError> {
        let mut g = self.inner.lock();
        while let Some(id) = g.queued.pop_front() {
            if let Some(m) = g.by_id.get_mut(&id) {
                if m.view.status == "queued" {
                    m.view.status = "running".into();
                    m.job.attempts += 1;
                    m.view.attempts = m.job.attempts;
                    return Ok(Some(m.job.clone()));
                }
            }
        }
        Ok(None)
    }

    async fn complete(&self, job: &Job, findings: &[StoredFinding]) -> Result<(), StoreError> {
        let mut g = self.inner.lock();
        if let Some(m) = g.by_id.get_mut(&job.id).filter(|m| m.holds(job)) {
            m.view.status = "done".into();
            m.view.findings = findings.to_vec();
            m.view.finished_at = Some(chrono::Utc::now());
            m.job.content = String::new();
            g.finished.push_back(job.id.clone());
        }
        Ok(())
    }

    async fn fail(&self, job: &Job, error: &str, retry: bool) -> Result<(), StoreError> {
        let mut g = self.inner.lock();
        let again = retry && job.attempts < job.max_attempts;
        let Some(m) = g.by_id.get_mut(&job.id).filter(|m| m.holds(job)) else {
            return Ok(());
        };
        m.view.error = Some(error.to_string());
        if again {
            m.view.status = "queued".into();
        } else {
            m.view.status = "failed".into();
            m.view.finished_at = Some(chrono::Utc::now());
            m.job.content = String::new();
        }
        if again {
            g.queued.push_back(job.id.clone());
        } else {
            g.finished.push_back(job.id.clone());
        }
        Ok(())
    }

    async fn release(&self, job: &Job) -> Result<(), StoreError> {
        let mut g = self.inner.lock();
        let Some(m) = g.by_id.get_mut(&job.id).filter(|m| m.holds(job)) else {
            return Ok(());
        };
        m.view.status = "queued".into();
        if m.job.max_attempts < MAX_HANDED_BACK_ATTEMPTS {
            m.job.max_attempts += 1;
        }
        g.queued.push_front(job.id.clone());
        Ok(())
    }

    async fn job(&self, tenant_id: Option<&str>, id: &str) -> Result<Option<JobView>, StoreError> {
        Ok(self
            .inner
            .lock()
            .by_id
            .get(id)
            .filter(|m| m.job.tenant_id.as_deref() == tenant_id)
            .map(|m| m.view.clone()))
    }

    async fn findings_for_request(
        &self,
        tenant_id: Option<&str>,
        request_id: &str,
    ) -> Result<Vec<StoredFinding>, StoreError> {
        Ok(self
            .inner
            .lock()
            .by_id
            .values()
            .filter(|m| {
                m.job.tenant_id.as_deref() == tenant_id
                    && m.job.request_id.as_deref() == Some(request_id)
            })
            .flat_map(|m| m.view.findings.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long run of jobs through the embedded store: finished ones give their content
    /// back at once and the oldest go, so memory stays bounded.
    #[tokio::test]
    async fn the_embedded_store_forgets_the_oldest_finished_jobs() {
        let jobs = MemoryJobs::default();
        let mut first = None;
        for i in 0..MAX_MEMORY_JOBS + 10 {
            let id = jobs
                .enqueue(
                    &NewJob {
                        id: uuid::Uuid::new_v4(),
                        tenant_id: None,
                        request_id: Some(format!("r{i}")),
                        source: "api",
                        filename: None,
                        content: "x = 1\n".repeat(100),
                    },
                    3,
                )
                .await
                .expect("queued");
            first.get_or_insert(id);
            let job = jobs
                .claim("w", Duration::from_secs(1))
                .await
                .expect("claimed");
            let job = job.expect("a job");
            jobs.complete(&job, &[]).await.expect("done");
        }
        {
            let g = jobs.inner.lock();
            assert!(g.by_id.len() <= MAX_MEMORY_JOBS, "{}", g.by_id.len());
            assert!(g.by_id.values().all(|m| m.job.content.capacity() == 0));
        }
        let first = first.expect("one job");
        assert!(
            jobs.job(None, &first).await.expect("read").is_none(),
            "the oldest went"
        );
    }

    /// A job handed back at shutdown is next in line, its cut attempt not counted against
    /// its limit; a stale attempt's hand-back changes nothing.
    #[tokio::test]
    async fn a_job_handed_back_is_taken_first_as_a_new_attempt() {
        let jobs = MemoryJobs::default();
        let new = |name: &str| NewJob {
            id: uuid::Uuid::new_v4(),
            tenant_id: None,
            request_id: Some(name.into()),
            source: "api",
            filename: None,
            content: "x = 1\n".into(),
        };
        let a = new("a");
        let first = jobs.enqueue(&a, 3).await.expect("queued");
        // The same job again (a retried insert) is the one job.
        assert_eq!(jobs.enqueue(&a, 3).await.expect("queued"), first);
        jobs.enqueue(&new("b"), 3).await.expect("queued");
        let lease = Duration::from_secs(1);
        let taken = jobs.claim("w", lease).await.expect("claim").expect("a job");
        assert_eq!((taken.id.as_str(), taken.attempts), (first.as_str(), 1));
        jobs.release(&taken).await.expect("handed back");
        let view = jobs.job(None, &first).await.expect("read").expect("kept");
        assert_eq!((view.status.as_str(), view.attempts), ("queued", 1));
        let again = jobs.claim("w", lease).await.expect("claim").expect("a job");
        assert_eq!(
            (again.id.as_str(), again.attempts, again.max_attempts),
            (first.as_str(), 2, 4)
        );
        let stale = Job {
            attempts: 7,
            ..again.clone()
        };
        jobs.release(&stale).await.expect("no error");
        jobs.complete(&stale, &[]).await.expect("no error");
        jobs.fail(&stale, "stale", false).await.expect("no error");
        let view = jobs.job(None, &first).await.expect("read").expect("kept");
        assert_eq!((view.status.as_str(), view.attempts), ("running", 2));
        // Shutdowns cut it again and again: its limit stops rising at the cap.
        let mut held = again;
        for _ in 0..30 {
            jobs.release(&held).await.expect("handed back");
            held = jobs.claim("w", lease).await.expect("claim").expect("a job");
        }
        assert_eq!(held.max_attempts, MAX_HANDED_BACK_ATTEMPTS);
    }
}

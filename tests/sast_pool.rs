//! The SAST pool on the real PostgreSQL: code in answers becomes stored findings, pools
//! share the queue without running a job twice, a dead process's job is finished after a
//! restart, and a job over its time budget fails without stopping the pool.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::db;
use common::provider::{Answer, Provider};
use common::{free_port, Edge};
use securetag_edge::crypto::Keyring;
use securetag_edge::store::jobs::{JobStore, NewJob, PgJobs};
use serde_json::{json, Value};

const SECRET: &str = "sast-test-secret-0123456789abcdef-0000";

const VULNERABLE: &str = "Here is the lookup:\n\n```python\ndef find(cur, name):\n    cur.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")\n    return cur.fetchall()\n```\n";

/// The same code in bare `~~~` fences, each under a line no longer than itself (what a
/// reStructuredText underline looks like): still an answer's block, where the call is on line
/// 3, not a source file, where it would be on line 5.
const VULNERABLE_TILDES: &str = "Or:\n~~~\nimport sqlite3\ndef find(cur, name):\n    cur.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")\nf()\n~~~\n";

fn config(port: u16, provider: &Provider, sast: &str) -> String {
    format!(
        "listeners: [{{address: 127.0.0.1:{port}}}]\nroutes: [{{prefix: /, upstream: core-api}}]\nupstreams: {{core-api: {{addresses: [\"127.0.0.1:{}\"]}}}}\nai:\n  system_secret: \"{SECRET}\"\n  database_url: \"{}\"\n  redis_url: \"{}\"\n  audit: {{file: audit.jsonl, spool_dir: spool, flush_interval: 20ms}}\n  providers: [{{name: mock, base_url: \"{}\", models: [\"mock-*\"]}}]\n  sast: {{poll_interval: 100ms{sast}}}\n",
        free_port(),
        db::database_url(),
        db::redis_url(),
        provider.base_url()
    )
}

/// A job holding [`VULNERABLE`] for `tenant`, keyed by `request_id`.
fn vulnerable_job(tenant: Option<&str>, request_id: &str, source: &'static str) -> NewJob {
    NewJob {
        id: uuid::Uuid::new_v4(),
        tenant_id: tenant.map(str::to_owned),
        request_id: Some(request_id.into()),
        source,
        filename: None,
        content: VULNERABLE.into(),
    }
}

/// The Postgres job store, sealing with the edge's secret.
fn pg_jobs(store: &securetag_edge::store::postgres::PgStore) -> PgJobs {
    PgJobs {
        store: store.clone(),
        keyring: Keyring::new(SECRET.as_bytes()).unwrap(),
    }
}

/// The job queue is shared by every pool on the database, as in production; every test here
/// that starts an edge or a pool on it therefore runs alone, from an empty queue. An edge
/// killed at a test's end while holding another test's job leaves it leased for 25 s.
static QUEUE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn exclusive_queue(
    store: &securetag_edge::store::postgres::PgStore,
) -> tokio::sync::MutexGuard<'static, ()> {
    let guard = QUEUE.lock().await;
    sqlx::query("DELETE FROM securetag.sast_job")
        .execute(&store.pool)
        .await
        .unwrap();
    guard
}

/// `GET url` with `key`, as JSON; `None` while it cannot be had yet.
async fn get_json(c: &reqwest::Client, url: String, key: &str) -> Option<Value> {
    c.get(url)
        .bearer_auth(key)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()
}

async fn wait_for<T>(mut f: impl FnMut() -> futures::future::BoxFuture<'static, Option<T>>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An insert retried after its reply was lost writes no second job: the id is the caller's.
#[tokio::test(flavor = "multi_thread")]
async fn a_job_stored_twice_is_one_job() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (tenant, _, _) = db::tenant(&store, 100).await;
    let jobs = pg_jobs(&store);
    let job = vulnerable_job(Some(&tenant), "stored-twice", "api");
    let first = jobs.enqueue(&job, 3).await.unwrap();
    let second = jobs.enqueue(&job, 3).await.unwrap();
    assert_eq!(first, second);
    let rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM securetag.sast_job WHERE tenant_id = $1::uuid AND request_id = 'stored-twice'",
    )
    .bind(&tenant)
    .fetch_one(&store.pool)
    .await
    .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn code_in_an_answer_becomes_findings_for_its_request_id() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (_, _, key) = db::tenant(&store, 10_000).await;
    let provider = Provider::start();
    let port = free_port();
    let _edge = Edge::start(&config(port, &provider, ""));
    let c = common::client();
    for (answer, line) in [(VULNERABLE_TILDES, 3), (VULNERABLE, 2)] {
        provider.push(Answer::Text(answer.into()));
        let r = c
        .post(format!("http://127.0.0.1:{port}/ai/v1/chat/completions"))
        .bearer_auth(&key)
        .json(&json!({"model": "mock-1", "messages": [{"role": "user", "content": "write a user lookup"}]}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 200);
        let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
        let url = format!("http://127.0.0.1:{port}/ai/v1/sast/findings?request_id={rid}");
        let findings: Vec<Value> = wait_for(|| {
            let (c, url, key) = (c.clone(), url.clone(), key.clone());
            Box::pin(async move {
                let v = get_json(&c, url, &key).await?;
                let f = v["findings"].as_array()?.clone();
                (!f.is_empty()).then_some(f)
            })
        })
        .await;
        assert_eq!(findings[0]["rule_id"], "py-sql-injection");
        assert_eq!(findings[0]["cwe"], "CWE-89");
        assert_eq!(findings[0]["line"], line, "{answer}");
        if answer != VULNERABLE {
            continue;
        }
        assert!(findings[0]["fix"].as_str().unwrap().contains("execute"));
        let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM securetag.sast_finding WHERE request_id = $1 AND rule_id = 'py-sql-injection'")
        .bind(&rid)
        .fetch_one(&store.pool)
        .await
        .unwrap();
        assert_eq!(stored, 1);
        // Another tenant cannot see them.
        let (_, _, other) = db::tenant(&store, 100).await;
        let v = get_json(&c, url.clone(), &other).await.unwrap();
        assert_eq!(v["findings"], json!([]));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn submitted_jobs_are_served_to_their_tenant_only() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (_, _, key) = db::tenant(&store, 10_000).await;
    let (_, _, other) = db::tenant(&store, 10_000).await;
    let provider = Provider::start();
    let port = free_port();
    let _edge = Edge::start(&config(port, &provider, ""));
    let c = common::client();
    let base = format!("http://127.0.0.1:{port}/ai/v1/sast");
    let r = c
        .post(format!("{base}/jobs"))
        .bearer_auth(&key)
        .json(&json!({"filename": "app.js", "content": "const q = req.query.q;\nres.send('<p>' + q + '</p>');\neval(req.body.code);\n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let job: Value = wait_for(|| {
        let (c, url, key) = (c.clone(), format!("{base}/jobs/{id}"), key.clone());
        Box::pin(async move {
            let v = get_json(&c, url, &key).await?;
            (v["status"] == "done").then_some(v)
        })
    })
    .await;
    let rules: Vec<&str> = job["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.iter().any(|r| r.contains("eval")), "{rules:?}");
    assert_eq!(
        c.get(format!("{base}/jobs/{id}"))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT content_sealed FROM securetag.sast_job WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&store.pool)
            .await
            .unwrap();
    assert_eq!(sealed, None, "content is erased once the job is done");
    let r = c
        .post(format!("{base}/jobs"))
        .bearer_auth(&key)
        .json(&json!({"content": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // Submissions count against the key's request limit like chat requests.
    let (_, _, limited) = db::tenant(&store, 10_000).await;
    sqlx::query(
        "UPDATE securetag.ai_gateway_key_config SET rate_limit_rpm = 2          WHERE api_key_id = (SELECT id FROM securetag.api_key WHERE key_hash = $1)",
    )
    .bind(securetag_edge::crypto::sha256_hex(limited.as_bytes()))
    .execute(&store.pool)
    .await
    .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let r = c
            .post(format!("{base}/jobs"))
            .bearer_auth(&limited)
            .json(&json!({"content": "eval(x)"}))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [202, 202, 429]);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_pools_share_jobs_and_run_each_once() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (tenant, _, _) = db::tenant(&store, 100).await;
    let jobs = pg_jobs(&store);
    let mut ids = Vec::new();
    for i in 0..30 {
        let content = VULNERABLE.replace("find", &format!("find_{i}"));
        ids.push(
            jobs.enqueue(
                &NewJob {
                    id: uuid::Uuid::new_v4(),
                    tenant_id: Some(tenant.clone()),
                    request_id: Some(format!("shared-{i}")),
                    source: "api",
                    filename: None,
                    content,
                },
                3,
            )
            .await
            .unwrap(),
        );
    }
    let provider = Provider::start();
    let (p1, p2) = (free_port(), free_port());
    let _a = Edge::start(&config(p1, &provider, ""));
    let _b = Edge::start(&config(p2, &provider, ""));
    let pool = store.pool.clone();
    let t = tenant.clone();
    wait_for(|| {
        let (pool, t) = (pool.clone(), t.clone());
        Box::pin(async move {
            let left: i64 = sqlx::query_scalar("SELECT count(*) FROM securetag.sast_job WHERE tenant_id = $1::uuid AND status <> 'done'")
                .bind(t)
                .fetch_one(&pool)
                .await
                .ok()?;
            (left == 0).then_some(())
        })
    })
    .await;
    let rows: Vec<(i32, i64)> = sqlx::query_as(
        "SELECT j.attempts, (SELECT count(*) FROM securetag.sast_finding f WHERE f.job_id = j.id) FROM securetag.sast_job j WHERE j.tenant_id = $1::uuid",
    )
    .bind(&tenant)
    .fetch_all(&store.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 30);
    for (attempts, findings) in rows {
        assert_eq!(attempts, 1, "no job was taken twice");
        assert_eq!(findings, 1, "each job stored its finding once");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_left_running_by_a_dead_process_is_completed_after_restart() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (tenant, _, _) = db::tenant(&store, 100).await;
    let jobs = pg_jobs(&store);
    let id = jobs
        .enqueue(&vulnerable_job(Some(&tenant), "orphan", "answer"), 3)
        .await
        .unwrap();
    // What a process killed mid-job leaves behind: running, attempt 1, lease run out.
    sqlx::query("UPDATE securetag.sast_job SET status = 'running', attempts = 1, locked_by = 'dead-host-1#0', started_at = now() - interval '5 minutes', lease_until = now() - interval '1 minute' WHERE id = $1::uuid")
        .bind(&id)
        .execute(&store.pool)
        .await
        .unwrap();
    let provider = Provider::start();
    let port = free_port();
    let _edge = Edge::start(&config(port, &provider, ""));
    let pool = store.pool.clone();
    let jid = id.clone();
    let (status, attempts): (String, i32) = wait_for(|| {
        let (pool, jid) = (pool.clone(), jid.clone());
        Box::pin(async move {
            let r: (String, i32) = sqlx::query_as(
                "SELECT status, attempts FROM securetag.sast_job WHERE id = $1::uuid",
            )
            .bind(jid)
            .fetch_one(&pool)
            .await
            .ok()?;
            (r.0 == "done").then_some(r)
        })
    })
    .await;
    assert_eq!((status.as_str(), attempts), ("done", 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_over_its_time_budget_keeps_what_it_found_and_the_pool_keeps_going() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (tenant, _, _) = db::tenant(&store, 100).await;
    let jobs = pg_jobs(&store);
    // Many large blocks: far more work than a 1 s budget.
    let block = format!(
        "```python\n{}```\n\n",
        "def f(cur, x):\n    cur.execute(\"SELECT \" + x)\n".repeat(3000)
    );
    let heavy = jobs
        .enqueue(
            &NewJob {
                id: uuid::Uuid::new_v4(),
                tenant_id: Some(tenant.clone()),
                request_id: Some("heavy".into()),
                source: "api",
                filename: None,
                // A small first block is scanned before the budget runs out.
                content: format!(
                    "```python\nimport pickle\npickle.loads(data)\n```\n\n{}",
                    block.repeat(20)
                ),
            },
            3,
        )
        .await
        .unwrap();
    let light = jobs
        .enqueue(
            &NewJob {
                id: uuid::Uuid::new_v4(),
                tenant_id: Some(tenant.clone()),
                request_id: Some("light".into()),
                source: "api",
                filename: Some("x.py".into()),
                content: "import pickle\npickle.loads(data)\n".into(),
            },
            3,
        )
        .await
        .unwrap();
    let provider = Provider::start();
    let port = free_port();
    let edge = Edge::start(&config(port, &provider, ", job_timeout: 1s, workers: 1"));
    let pool = store.pool.clone();
    let (h, l) = (heavy.clone(), light.clone());
    let states: (String, Option<String>, String) = wait_for(|| {
        let (pool, h, l) = (pool.clone(), h.clone(), l.clone());
        Box::pin(async move {
            let (hs, he): (String, Option<String>) =
                sqlx::query_as("SELECT status, error FROM securetag.sast_job WHERE id = $1::uuid")
                    .bind(h)
                    .fetch_one(&pool)
                    .await
                    .ok()?;
            let ls: String =
                sqlx::query_scalar("SELECT status FROM securetag.sast_job WHERE id = $1::uuid")
                    .bind(l)
                    .fetch_one(&pool)
                    .await
                    .ok()?;
            (hs != "queued" && hs != "running" && ls == "done").then_some((hs, he, ls))
        })
    })
    .await;
    assert_eq!((states.0.as_str(), states.1), ("done", None));
    let rules: Vec<String> = sqlx::query_scalar(
        "SELECT rule_id FROM securetag.sast_finding WHERE job_id = $1::uuid ORDER BY block_index",
    )
    .bind(&heavy)
    .fetch_all(&store.pool)
    .await
    .unwrap();
    assert_eq!(
        rules.first().map(String::as_str),
        Some("py-unsafe-deserialization")
    );
    assert!(rules.iter().any(|r| r == "sast-answer-budget"), "{rules:?}");
    assert!(edge
        .metrics()
        .contains("securetag_sast_jobs_total{event=\"timeout\"}"));
}

/// Only the attempt that holds a job writes its end: a worker whose lease ran out and was
/// taken over cannot complete or fail it. A last attempt whose worker died is a failure,
/// not a job handed out for ever.
#[tokio::test(flavor = "multi_thread")]
async fn a_job_taken_over_is_ended_by_its_new_attempt_only() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (tenant, _, _) = db::tenant(&store, 100).await;
    let jobs = pg_jobs(&store);
    let new = |max: u32| {
        let jobs = &jobs;
        let tenant = tenant.clone();
        async move {
            jobs.enqueue(&vulnerable_job(Some(&tenant), "lease", "api"), max)
                .await
                .unwrap()
        }
    };
    let status = |id: String| {
        let pool = store.pool.clone();
        async move {
            sqlx::query_as::<_, (String, Option<String>)>(
                "SELECT status, error FROM securetag.sast_job WHERE id = $1::uuid",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let lease = Duration::from_millis(100);
    let id = new(3).await;
    let slow = jobs.claim("a#0", lease).await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let taken = jobs.claim("b#0", lease * 100).await.unwrap().unwrap();
    assert_eq!((slow.id.as_str(), taken.attempts), (id.as_str(), 2));
    jobs.fail(&slow, "late", false).await.unwrap();
    jobs.complete(&slow, &[]).await.unwrap();
    assert_eq!(
        status(id.clone()).await.0,
        "running",
        "the old attempt wrote nothing"
    );
    jobs.complete(&taken, &[]).await.unwrap();
    assert_eq!(status(id).await.0, "done");

    let last = new(1).await;
    let dead = jobs.claim("c#0", lease).await.unwrap().unwrap();
    assert_eq!(dead.id, last);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(jobs.claim("d#0", lease).await.unwrap().is_none());
    let (st, error) = status(last).await;
    assert_eq!(st, "failed");
    assert!(error.unwrap_or_default().contains("worker stopped"));
}

/// A submission whose body stalls gets 408 after the body read timeout, as a chat request
/// does, not 413.
#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_submission_gets_408() {
    let store = db::store().await;
    // Its edge runs a pool too, which would take another test's job and die holding it.
    let _queue = exclusive_queue(&store).await;
    let (_, _, key) = db::tenant(&store, 10_000).await;
    let provider = Provider::start();
    let port = free_port();
    let _edge = Edge::start(&format!(
        "{}limits: {{body_read_timeout: 1s}}\n",
        config(port, &provider, "")
    ));
    let started = Instant::now();
    let r = common::client()
        .post(format!("http://127.0.0.1:{port}/ai/v1/sast/jobs"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(common::stalled_body(b"{\"content\": \"x = "))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 408);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "request_timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A shutdown hands a running job back: queued again, its cut attempt not counted against
/// its limit, so the next process takes it at once instead of after its lease and restarts
/// do not use up its attempts. The process does not wait for the job to end. The job is
/// held running by its deep analysis: the model answers only after 30 s.
#[tokio::test(flavor = "multi_thread")]
async fn a_job_running_at_shutdown_goes_back_to_the_queue() {
    let store = db::store().await;
    let _queue = exclusive_queue(&store).await;
    let (tenant, _, _) = db::tenant(&store, 100).await;
    let jobs = pg_jobs(&store);
    let provider = Provider::start();
    provider.push(Answer::Slow(Duration::from_secs(30)));
    let id = jobs
        .enqueue(
            &vulnerable_job(Some(&tenant), "cut-by-shutdown", "answer"),
            3,
        )
        .await
        .unwrap();
    let port = free_port();
    let mut edge = Edge::start(&config(
        port,
        &provider,
        ", job_timeout: 60s, workers: 1, deep_analysis: {model: mock-deep, timeout: 60s}",
    ));
    let pool = store.pool.clone();
    let jid = id.clone();
    let state = provider.state.clone();
    wait_for(|| {
        let (pool, jid, state) = (pool.clone(), jid.clone(), state.clone());
        Box::pin(async move {
            let s: String =
                sqlx::query_scalar("SELECT status FROM securetag.sast_job WHERE id = $1::uuid")
                    .bind(jid)
                    .fetch_one(&pool)
                    .await
                    .ok()?;
            let asked = !state.received.lock().unwrap().is_empty();
            (s == "running" && asked).then_some(())
        })
    })
    .await;
    edge.signal(libc::SIGTERM);
    let took = edge
        .wait_exit(Duration::from_secs(15))
        .expect("exits without finishing the job");
    assert!(took < Duration::from_secs(5), "{took:?}");
    let row: (String, i32, i32, Option<String>, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as(
            "SELECT status, attempts, max_attempts, locked_by, lease_until FROM securetag.sast_job WHERE id = $1::uuid",
        )
        .bind(&id)
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(
        (row.0.as_str(), row.1, row.2, row.3, row.4),
        ("queued", 1, 4, None, None),
        "{}",
        edge.stderr_text()
    );
    // Any worker takes it at once, as a new attempt with the three it had.
    let again = jobs
        .claim("next-process#0", Duration::from_secs(60))
        .await
        .unwrap()
        .expect("the job is ready");
    assert_eq!(
        (again.id.as_str(), again.attempts, again.max_attempts),
        (id.as_str(), 2, 4)
    );
}

/// Code from an answer that arrives while PostgreSQL restarts is stored once it is back,
/// not dropped at the first failed insert.
#[tokio::test(flavor = "multi_thread")]
async fn a_job_queued_while_the_database_restarts_is_stored_when_it_returns() {
    let pg = common::services::PgInstance::start();
    let store = securetag_edge::store::postgres::PgStore::connect_lazy(&pg.url(), 2).unwrap();
    store.migrate().await.unwrap();
    let (pool, intake) = securetag_edge::sast::pool::SastPool::new(
        std::sync::Arc::new(pg_jobs(&store)),
        securetag_edge::sast::Engine::new(&[]).unwrap(),
        std::sync::Arc::new(securetag_edge::scan::Scanner::builtin().unwrap()),
        None,
        securetag_edge::sast::pool::PoolSettings {
            workers: 1,
            job_timeout: Duration::from_secs(5),
            max_attempts: 3,
            queue_capacity: 8,
            poll: Duration::from_millis(200),
            explain_max: 0,
        },
    );
    pg.stop();
    tokio::spawn(pool.clone().run(intake));
    pool.enqueue(vulnerable_job(None, "while-restarting", "answer"));
    // Longer than the store's 2 s wait for a connection: the first insert fails.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    pg.resume();
    let pool = store.pool.clone();
    wait_for(|| {
        let pool = pool.clone();
        Box::pin(async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM securetag.sast_job WHERE request_id = 'while-restarting'",
            )
            .fetch_one(&pool)
            .await
            .ok()?;
            (n == 1).then_some(())
        })
    })
    .await;
}

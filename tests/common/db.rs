//! The shared test database: migrated once per test process, one fresh tenant per test.

use securetag_edge::store::postgres::PgStore;

pub fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/securetag_test".into())
}

pub fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A store on the shared test database with every migration applied.
pub async fn store() -> PgStore {
    let s = PgStore::connect_lazy(&database_url(), 4).unwrap();
    s.migrate()
        .await
        .expect("migrations apply (is PostgreSQL running? use scripts/test.sh)");
    s
}

/// A tenant with a unique name, `credits` credits, and one key (returned in clear).
pub async fn tenant(store: &PgStore, credits_cents: i64) -> (String, String, String) {
    let name = format!("t-{}", uuid::Uuid::new_v4().simple());
    let id = store
        .create_tenant(&name, credits_cents, false)
        .await
        .unwrap();
    let key = store.create_key(&id, Some(1000)).await.unwrap();
    (id, name, key.key)
}

pub async fn balance(store: &PgStore, tenant_id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT (credits_balance * 100)::bigint FROM securetag.tenant WHERE id = $1::uuid",
    )
    .bind(tenant_id)
    .fetch_one(&store.pool)
    .await
    .unwrap()
}

/// Waits until the audit row for `request_id` exists; returns (action, status, rules, outcome).
pub async fn audit_row(store: &PgStore, request_id: &str) -> (String, i32, Vec<String>, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let row: Option<(String, i32, Vec<String>, String)> = sqlx::query_as(
            "SELECT action, status, rules, outcome FROM securetag.ai_gateway_log WHERE request_id = $1",
        )
        .bind(request_id)
        .fetch_optional(&store.pool)
        .await
        .unwrap();
        if let Some(r) = row {
            return r;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no audit row for {request_id}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

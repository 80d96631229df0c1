//! Operating it: the shipped configurations pass `check`, broken ones fail with the line,
//! the systemd unit verifies, and a reload swaps certificates under an open stream.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::origin::Origin;
use common::{free_port, Edge};
use futures::StreamExt;

fn check(file: &Path, env: &[(&str, String)]) -> (bool, String) {
    let mut cmd = Command::new(common::bin());
    cmd.args(["check", "-c"]).arg(file);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn production_env(tls_dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("SECURETAG_TLS_DIR", tls_dir.display().to_string()),
        ("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/db".into()),
        ("REDIS_URL", "redis://127.0.0.1:6379".into()),
        (
            "SECURETAG_SYSTEM_SECRET",
            "a-production-like-system-secret-of-48-bytes-000000".into(),
        ),
        ("OPENAI_API_KEY", "sk-test".into()),
        (
            "RUNPOD_OPENAI_BASE_URL",
            "https://api.runpod.ai/v2/abc/openai/v1".into(),
        ),
        ("RUNPOD_API_KEY", "rp-test".into()),
        ("APP_JWT_SECRET", "0123456789abcdef0123456789abcdef".into()),
        (
            "ALERT_WEBHOOK_URL",
            "https://hooks.example/securetag".into(),
        ),
        ("ALERT_WEBHOOK_SECRET", "0123456789abcdef0".into()),
    ]
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_shipped_config_passes_check() {
    let (ok, out) = check(&root().join("conf/securetag-edge.yaml"), &[]);
    assert!(ok, "{out}");
    let tls = tempfile::tempdir().unwrap();
    let (c, k, _) = common::write_cert(tls.path(), "edge", &["edge.securetag.example"]);
    std::fs::rename(c, tls.path().join("fullchain.pem")).unwrap();
    std::fs::rename(k, tls.path().join("privkey.pem")).unwrap();
    let (ok, out) = check(
        &root().join("conf/production.yaml"),
        &production_env(tls.path()),
    );
    assert!(ok, "{out}");
    assert!(out.contains("configuration ok"));
}

#[test]
fn broken_variants_of_the_production_config_name_file_line_and_key() {
    let tls = tempfile::tempdir().unwrap();
    let (c, k, _) = common::write_cert(tls.path(), "edge", &["edge.securetag.example"]);
    std::fs::rename(c, tls.path().join("fullchain.pem")).unwrap();
    std::fs::rename(k, tls.path().join("privkey.pem")).unwrap();
    let original = std::fs::read_to_string(root().join("conf/production.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prod.yaml");
    let line_of = |needle: &str| original.lines().position(|l| l.contains(needle)).unwrap() + 1;

    // A misspelled key.
    std::fs::write(
        &file,
        original.replacen("  shutdown_timeout:", "  shutdown_timout:", 1),
    )
    .unwrap();
    let (ok, out) = check(&file, &production_env(tls.path()));
    assert!(!ok);
    assert!(
        out.contains(&format!(
            "{}:{}: server.shutdown_timout: unknown key",
            file.display(),
            line_of("  shutdown_timeout:")
        )),
        "{out}"
    );

    // A missing secret.
    std::fs::write(&file, &original).unwrap();
    let env: Vec<_> = production_env(tls.path())
        .into_iter()
        .filter(|(k, _)| *k != "SECURETAG_SYSTEM_SECRET")
        .collect();
    let (ok, out) = check(&file, &env);
    assert!(!ok);
    assert!(
        out.contains("environment variable SECURETAG_SYSTEM_SECRET is not set"),
        "{out}"
    );

    // A certificate that is not there.
    let empty = tempfile::tempdir().unwrap();
    let (ok, out) = check(&file, &production_env(empty.path()));
    assert!(!ok);
    assert!(
        out.contains("fullchain.pem") && out.contains("cannot read"),
        "{out}"
    );
}

#[test]
fn the_systemd_unit_verifies() {
    let out = Command::new(root().join("scripts/verify-unit.sh"))
        .arg(common::bin())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "systemd-analyze verify failed (scripts/test.sh installs it):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_swaps_certificates_without_dropping_an_open_stream() {
    let web = Origin::start("web");
    let port = free_port();
    let tls = tempfile::tempdir().unwrap();
    let (c1, k1, pem1) = common::write_cert(tls.path(), "one", &["edge.test"]);
    let live_c = tls.path().join("live.crt");
    let live_k = tls.path().join("live.key");
    std::fs::copy(&c1, &live_c).unwrap();
    std::fs::copy(&k1, &live_k).unwrap();
    let edge = Edge::start(&format!(
        "listeners:\n  - address: 127.0.0.1:{port}\n    tls: {{certificates: [{{cert: \"{}\", key: \"{}\"}}]}}\nupstreams: {{web: {{addresses: [\"{}\"]}}}}\nroutes: [{{prefix: /, upstream: web}}]\n",
        live_c.display(), live_k.display(), web.addr
    ));
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let trusting = |pem: &str| {
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
            .tls_built_in_root_certs(false)
            .resolve("edge.test", addr)
            .build()
            .unwrap()
    };
    let old = trusting(&pem1);
    let r = old
        .get(format!("https://edge.test:{port}/sse?n=4&gap_ms=400"))
        .send()
        .await
        .unwrap();
    let mut stream = r.bytes_stream();
    let first = stream.next().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event 0"));

    // New certificate files, then SIGHUP, while the stream is open.
    let (c2, k2, pem2) = common::write_cert(tls.path(), "two", &["edge.test"]);
    std::fs::copy(&c2, &live_c).unwrap();
    std::fs::copy(&k2, &live_k).unwrap();
    edge.signal(libc::SIGHUP);
    tokio::time::sleep(Duration::from_millis(400)).await;

    let fresh = trusting(&pem2);
    assert_eq!(
        fresh
            .get(format!("https://edge.test:{port}/x"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "new connections get the new certificate"
    );
    assert!(
        trusting(&pem1)
            .get(format!("https://edge.test:{port}/x"))
            .send()
            .await
            .is_err(),
        "and no longer the old one"
    );

    let mut rest = Vec::new();
    while let Some(c) = stream.next().await {
        rest.extend_from_slice(&c.unwrap());
    }
    let rest = String::from_utf8_lossy(&rest);
    assert!(
        rest.contains("event 3") && rest.contains("[DONE]"),
        "the open stream completed: {rest}"
    );
}

/// Runs the binary with `args` and `stdin`; returns (success, stdout, stderr).
fn cli(args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(common::bin())
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_cli_migrates_and_manages_tenants_and_keys() {
    let url = common::db::database_url();
    let store = common::db::store().await;
    let db = ["--database-url", url.as_str()];

    // Migrations are idempotent.
    for _ in 0..2 {
        let (ok, out, err) = cli(&[&["migrate"][..], &db].concat(), "");
        assert!(ok && out.contains("migrations applied"), "{out}{err}");
    }

    let name = format!("cli-{}", uuid::Uuid::new_v4().simple());
    let (ok, tenant, err) = cli(
        &[&["tenant", "create", &name, "--credits", "12.5"][..], &db].concat(),
        "",
    );
    assert!(ok, "{err}");
    let tenant = tenant.trim().to_string();
    assert!(uuid::Uuid::parse_str(&tenant).is_ok(), "{tenant}");
    let (ok, list, err) = cli(&[&["tenant", "list"][..], &db].concat(), "");
    assert!(ok, "{err}");
    let row = list.lines().find(|l| l.contains(&name)).unwrap();
    assert!(row.contains("12.50") && row.contains("on"), "{row}");

    // The key is printed once; only its SHA-256 is stored.
    let (ok, key, err) = cli(
        &[
            &["key", "create", "--tenant", &tenant, "--rpm", "10"][..],
            &db,
        ]
        .concat(),
        "",
    );
    assert!(ok && err.contains("not shown again"), "{err}");
    let key = key.trim().to_string();
    let (ok, hash, _) = cli(&["key", "hash"], &key);
    assert!(ok);
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT key_hash FROM securetag.api_key WHERE tenant_id = $1::uuid AND revoked_at IS NULL",
    )
    .bind(&tenant)
    .fetch_all(&store.pool)
    .await
    .unwrap();
    assert_eq!(stored, vec![hash.trim().to_string()]);
    assert_ne!(stored[0], key);

    // Rotation issues a different key and keeps the old one for the grace period.
    let key_id: String =
        sqlx::query_scalar("SELECT id::text FROM securetag.api_key WHERE tenant_id = $1::uuid")
            .bind(&tenant)
            .fetch_one(&store.pool)
            .await
            .unwrap();
    let (ok, rotated, err) = cli(
        &[&["key", "rotate", &key_id, "--grace", "1h"][..], &db].concat(),
        "",
    );
    assert!(ok, "{err}");
    assert_ne!(rotated.trim(), key);
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM securetag.api_key WHERE tenant_id = $1::uuid AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > now())",
    )
    .bind(&tenant)
    .fetch_one(&store.pool)
    .await
    .unwrap();
    assert_eq!(live, 2);

    // Revocation, then revoking again names the key that is not active.
    let (ok, out, err) = cli(&[&["key", "revoke", &key_id][..], &db].concat(), "");
    assert!(ok && out.contains("revoked"), "{out}{err}");
    let (ok, _, err) = cli(&[&["key", "revoke", &key_id][..], &db].concat(), "");
    assert!(!ok && err.contains("no active key"), "{err}");

    // Bad input and a dead database are clear errors, not panics.
    let (ok, _, err) = cli(
        &[&["tenant", "create", "x", "--credits=-1"][..], &db].concat(),
        "",
    );
    assert!(!ok && err.contains("credits"), "{err}");
    let dead = format!("postgres://postgres@127.0.0.1:{}/none", free_port());
    let (ok, _, err) = cli(&["migrate", "--database-url", &dead], "");
    assert!(
        !ok && err.starts_with("securetag-edge: ") && !err.contains("panicked"),
        "{err}"
    );
}

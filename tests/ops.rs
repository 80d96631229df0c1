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

/// A directory laid out like the production TLS directory, with a test certificate.
fn production_tls() -> tempfile::TempDir {
    let tls = tempfile::tempdir().unwrap();
    let (c, k, _) = common::write_cert(tls.path(), "edge", &["edge.securetag.example"]);
    std::fs::rename(c, tls.path().join("fullchain.pem")).unwrap();
    std::fs::rename(k, tls.path().join("privkey.pem")).unwrap();
    tls
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_shipped_config_passes_check() {
    let (ok, out) = check(&root().join("conf/securetag-edge.yaml"), &[]);
    assert!(ok, "{out}");
    let tls = production_tls();
    let (ok, out) = check(
        &root().join("conf/production.yaml"),
        &production_env(tls.path()),
    );
    assert!(ok, "{out}");
    assert!(out.contains("configuration ok"));
}

/// `SECURETAG_LOG` overrides `logging.level`: blank is no override, and a slip that would
/// switch logging off (`warning` parses as a target's name) is refused by `check` and at
/// start, naming the variable.
#[test]
fn a_log_filter_from_the_environment_is_checked_like_the_key() {
    let file = root().join("conf/securetag-edge.yaml");
    for good in ["", "  ", "debug", "info,pingora=warn"] {
        let (ok, out) = check(&file, &[("SECURETAG_LOG", good.into())]);
        assert!(ok, "{good:?}: {out}");
    }
    for bad in ["warning", "inof"] {
        let (ok, out) = check(&file, &[("SECURETAG_LOG", bad.into())]);
        assert!(
            !ok && out.contains("SECURETAG_LOG") && out.contains(bad),
            "{bad}: {out}"
        );
    }
    let mut run = Command::new(common::bin())
        .args(["run", "-c"])
        .arg(&file)
        .env("SECURETAG_LOG", "warning")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = run.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = run.kill();
            panic!("the proxy started with SECURETAG_LOG=warning");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut run.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success() && err.contains("SECURETAG_LOG"), "{err}");
}

#[test]
fn broken_variants_of_the_production_config_name_file_line_and_key() {
    let tls = production_tls();
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

#[test]
fn scan_output_into_a_closed_pipe_ends_quietly() {
    // `securetag-edge scan --jsonl < big | head`: the reader goes away mid-output.
    use std::io::{Read, Write};
    let line = r#"{"id":1,"text":"mail ana.garcia@correo.mx or call +52 55 1234 5678"}"#;
    let input = format!("{line}\n").repeat(5_000);
    for args in [&["scan", "--jsonl"][..], &["scan"][..]] {
        let mut child = Command::new(common::bin())
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let feed = input.clone();
        let writer = std::thread::spawn(move || stdin.write_all(feed.as_bytes()));
        let mut first = [0u8; 64];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The read end is dropped here, with most of the output still to come.
        let _ = writer.join();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_cli_migrates_and_manages_tenants_and_keys() {
    let url = common::db::database_url();
    let store = common::db::store().await;
    let db = ["--database-url", url.as_str()];

    // Migrations are idempotent.
    for _ in 0..2 {
        let (ok, out, err) = common::cli(&[&["migrate"][..], &db].concat(), "");
        assert!(ok && out.contains("migrations applied"), "{out}{err}");
    }

    let name = format!("cli-{}", uuid::Uuid::new_v4().simple());
    let (ok, tenant, err) = common::cli(
        &[&["tenant", "create", &name, "--credits", "12.5"][..], &db].concat(),
        "",
    );
    assert!(ok, "{err}");
    let tenant = tenant.trim().to_string();
    assert!(uuid::Uuid::parse_str(&tenant).is_ok(), "{tenant}");
    let (ok, list, err) = common::cli(&[&["tenant", "list"][..], &db].concat(), "");
    assert!(ok, "{err}");
    let row = list.lines().find(|l| l.contains(&name)).unwrap();
    assert!(row.contains("12.50") && row.contains("on"), "{row}");

    // The key is printed once; only its SHA-256 is stored.
    let (ok, key, err) = common::cli(
        &[
            &["key", "create", "--tenant", &tenant, "--rpm", "10"][..],
            &db,
        ]
        .concat(),
        "",
    );
    assert!(ok && err.contains("not shown again"), "{err}");
    let key = key.trim().to_string();
    let (ok, hash, _) = common::cli(&["key", "hash"], &key);
    assert!(ok);
    // An empty variable piped in is an error, not the hash of nothing.
    let (ok, out, err) = common::cli(&["key", "hash"], "\n");
    assert!(
        !ok && out.is_empty() && err.contains("no key on stdin"),
        "{err}"
    );
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
    // A grace without a unit (24 would be seconds) or past 30 days is refused.
    for (grace, why) in [("24", "needs a unit"), ("40d", "longer than the 30 days")] {
        let (ok, _, err) = common::cli(
            &[&["key", "rotate", &key_id, "--grace", grace][..], &db].concat(),
            "",
        );
        assert!(!ok && err.contains(why), "{grace}: {err}");
    }
    let (ok, rotated, err) = common::cli(
        &[&["key", "rotate", &key_id, "--grace", "1h"][..], &db].concat(),
        "",
    );
    assert!(ok, "{err}");
    assert_ne!(rotated.trim(), key);
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM securetag.api_key WHERE tenant_id = $1::uuid \
         AND (revoked_at IS NULL OR revoked_at > now()) AND (expires_at IS NULL OR expires_at > now())",
    )
    .bind(&tenant)
    .fetch_one(&store.pool)
    .await
    .unwrap();
    assert_eq!(live, 2);

    // A key's own provider key: read from stdin, stored sealed, opened with the secret;
    // cleared again on request. Without the secret nothing is stored.
    let secret = "ops-test-system-secret-0123456789abcdef";
    let byok = |extra: &[&str], stdin: &str| {
        let args = [
            &["key", "byok", &key_id, "--provider", "openai"][..],
            extra,
            &db,
        ]
        .concat();
        common::cli(&args, stdin)
    };
    let stored_keys = || async {
        let v: serde_json::Value = sqlx::query_scalar(
            "SELECT provider_keys_encrypted FROM securetag.ai_gateway_key_config WHERE api_key_id = $1::uuid",
        )
        .bind(&key_id)
        .fetch_one(&store.pool)
        .await
        .unwrap();
        v
    };
    let (ok, _, err) = byok(&[], "sk-proj-tenant-own\n");
    assert!(!ok && err.contains("SECURETAG_SYSTEM_SECRET"), "{err}");
    assert_eq!(stored_keys().await, serde_json::json!({}));
    let (ok, out, err) = byok(&["--system-secret", secret], "sk-proj-tenant-own\n");
    assert!(ok && out.contains("set"), "{out}{err}");
    let sealed = stored_keys().await["openai"].as_str().unwrap().to_string();
    assert!(!sealed.contains("sk-proj-tenant-own"));
    let ring = securetag_edge::crypto::Keyring::new(secret.as_bytes()).unwrap();
    let opened = ring
        .open(securetag_edge::crypto::Purpose::ProviderKey, &sealed)
        .unwrap();
    assert_eq!(opened, b"sk-proj-tenant-own");
    let (ok, _, err) = byok(&["--clear"], "");
    assert!(ok, "{err}");
    assert_eq!(stored_keys().await, serde_json::json!({}));
    // With the proxy's configuration, a provider name it lacks is refused, not stored.
    let conf = root().join("conf/securetag-edge.yaml");
    let conf = conf.to_str().unwrap();
    let typo = [
        &["key", "byok", &key_id, "--provider", "opnai", "-c", conf][..],
        &db,
    ]
    .concat();
    let (ok, _, err) = common::cli(
        &[&typo[..], &["--system-secret", secret]].concat(),
        "sk-x\n",
    );
    assert!(
        !ok && err.contains("no provider \"opnai\"") && err.contains("openai"),
        "{err}"
    );
    assert_eq!(stored_keys().await, serde_json::json!({}));
    let (ok, _, err) = byok(&["-c", conf, "--system-secret", secret], "sk-y\n");
    assert!(ok, "{err}");
    assert!(stored_keys().await["openai"].is_string());

    // Revocation, then revoking again names the key that is not active.
    let (ok, out, err) = common::cli(&[&["key", "revoke", &key_id][..], &db].concat(), "");
    assert!(ok && out.contains("revoked"), "{out}{err}");
    let (ok, _, err) = common::cli(&[&["key", "revoke", &key_id][..], &db].concat(), "");
    assert!(!ok && err.contains("no active key"), "{err}");

    // Bad input and a dead database are clear errors, not panics.
    let (ok, _, err) = common::cli(
        &[&["tenant", "create", "x", "--credits=-1"][..], &db].concat(),
        "",
    );
    assert!(!ok && err.contains("credits"), "{err}");
    let dead = format!("postgres://postgres@127.0.0.1:{}/none", free_port());
    let (ok, _, err) = common::cli(&["migrate", "--database-url", &dead], "");
    assert!(
        !ok && err.starts_with("securetag-edge: ") && !err.contains("panicked"),
        "{err}"
    );
    // A tenant named with another tenant's id does not take that id's keys.
    let (ok, _, err) = common::cli(&[&["tenant", "create", &tenant][..], &db].concat(), "");
    assert!(ok, "{err}");
    // Given exactly as the other's name, and in capitals: the id wins both times.
    for given in [tenant.clone(), tenant.to_uppercase()] {
        let (ok, _, err) = common::cli(
            &[&["key", "create", "--tenant", &given][..], &db].concat(),
            "",
        );
        assert!(ok, "{err}");
    }
    let keys_of_the_namesake: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM securetag.api_key k JOIN securetag.tenant t ON t.id = k.tenant_id \
         WHERE t.name = $1",
    )
    .bind(&tenant)
    .fetch_one(&store.pool)
    .await
    .unwrap();
    assert_eq!(
        keys_of_the_namesake, 0,
        "the key went to the tenant with that id"
    );
}

/// Values for the secrets `docker/.env.example` leaves empty, so the test can fill them.
const ENV_FILL: &[(&str, &str)] = &[
    ("POSTGRES_PASSWORD", "pg-test-password-0123"),
    ("REDIS_PASSWORD", "redis-test-password-0123"),
    (
        "SECURETAG_SYSTEM_SECRET",
        "a-production-like-system-secret-of-48-bytes-000000",
    ),
    ("OPENAI_API_KEY", "sk-test"),
    (
        "RUNPOD_OPENAI_BASE_URL",
        "https://api.runpod.ai/v2/abc/openai/v1",
    ),
    ("RUNPOD_API_KEY", "rp-test"),
    ("APP_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
    ("ALERT_WEBHOOK_URL", "https://hooks.example/securetag"),
    ("ALERT_WEBHOOK_SECRET", "0123456789abcdef0"),
];

/// Expands compose-style `${NAME}`, `${NAME:-default}` and `${NAME:?message}`; `$$` is a
/// literal `$` left for the container's shell.
fn interpolate(text: &str, vars: &std::collections::HashMap<String, String>) -> String {
    let re = regex::Regex::new(r"\$\$|\$\{([A-Z_][A-Z0-9_]*)(?::([?-])([^}]*))?\}").unwrap();
    re.replace_all(text, |c: &regex::Captures| {
        if &c[0] == "$$" {
            return "$".to_string();
        }
        let value = vars.get(&c[1]).filter(|v| !v.is_empty());
        match (value, c.get(2).map(|m| m.as_str())) {
            (Some(v), _) => v.clone(),
            (None, Some("-")) => c[3].to_string(),
            (None, _) => panic!("compose would refuse to start: {} is unset", &c[1]),
        }
    })
    .into_owned()
}

#[test]
fn the_container_setup_gives_the_edge_everything_its_config_needs() {
    // What an operator's docker/.env holds: the example with its blanks filled.
    let example = std::fs::read_to_string(root().join("docker/.env.example")).unwrap();
    let mut vars = std::collections::HashMap::new();
    let mut blanks = Vec::new();
    for line in example.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line.split_once('=').unwrap();
        if v.is_empty() {
            blanks.push(k.to_string());
        }
        vars.insert(k.to_string(), v.to_string());
    }
    let mut fill: Vec<String> = ENV_FILL.iter().map(|(k, _)| k.to_string()).collect();
    fill.sort();
    blanks.sort();
    assert_eq!(blanks, fill, "every secret in .env.example is left blank");
    for (k, v) in ENV_FILL {
        vars.insert(k.to_string(), v.to_string());
    }

    // The compose file takes every value from .env (none written in it) and expands.
    let raw = std::fs::read_to_string(root().join("docker/docker-compose.yml")).unwrap();
    let compose: serde_yaml::Value = serde_yaml::from_str(&interpolate(&raw, &vars)).unwrap();
    let unexpanded: serde_yaml::Value = serde_yaml::from_str(&raw).unwrap();
    let services = ["edge", "migrate", "postgres", "redis"];
    for svc in services {
        let env = unexpanded["services"][svc]["environment"]
            .as_mapping()
            .unwrap();
        for (k, v) in env {
            let (k, v) = (k.as_str().unwrap(), v.as_str().unwrap());
            if ["PASSWORD", "SECRET", "KEY", "DATABASE_URL", "REDIS_URL"]
                .iter()
                .any(|s| k.contains(s))
            {
                assert!(v.contains("${"), "{svc}.{k} is written in the compose file");
            }
        }
    }
    let edge = &compose["services"]["edge"];
    assert_eq!(
        edge["depends_on"]["migrate"]["condition"],
        "service_completed_successfully"
    );
    assert_eq!(compose["services"]["migrate"]["command"][0], "migrate");
    assert!(edge["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|v| v.contains("/etc/securetag-edge"))
        .all(|v| v.ends_with(":ro")));

    // The edge's environment in the container: the image's ENV plus the service's.
    let dockerfile = std::fs::read_to_string(root().join("docker/Dockerfile")).unwrap();
    let mut env: Vec<(String, String)> = regex::Regex::new(r"(SECURETAG_[A-Z_]+)=(\S+)")
        .unwrap()
        .captures_iter(&dockerfile)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert!(env.iter().any(|(k, _)| k == "SECURETAG_TLS_DIR"), "{env:?}");
    for (k, v) in edge["environment"].as_mapping().unwrap() {
        env.push((k.as_str().unwrap().into(), v.as_str().unwrap().into()));
    }
    // Two things only Docker provides: the certificates' mount and the core-api name.
    let tls = production_tls();
    for (k, v) in env.iter_mut() {
        match k.as_str() {
            "SECURETAG_TLS_DIR" => *v = tls.path().display().to_string(),
            "CORE_API_ADDR" => *v = "127.0.0.1:8080".into(),
            _ => {}
        }
    }
    // The image's CMD names the path compose mounts the configuration at.
    assert!(dockerfile.contains(r#"CMD ["run", "-c", "/etc/securetag-edge/securetag-edge.yaml"]"#));
    let mut cmd = Command::new(common::bin());
    cmd.args(["check", "-c"])
        .arg(root().join("conf/production.yaml"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in &env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.contains("configuration ok"),
        "{text}"
    );
}

#[test]
fn the_image_healthcheck_tells_a_serving_edge_from_a_dead_one() {
    let dockerfile = std::fs::read_to_string(root().join("docker/Dockerfile")).unwrap();
    let line = dockerfile
        .lines()
        .find(|l| l.trim_start().starts_with("CMD [\"bash\""))
        .unwrap();
    let argv: Vec<String> =
        serde_json::from_str(line.trim_start().trim_start_matches("CMD ")).unwrap();
    let run = |port: u16| {
        let args: Vec<String> = argv
            .iter()
            .map(|a| a.replace("127.0.0.1/9901", &format!("127.0.0.1/{port}")))
            .collect();
        Command::new(&args[0])
            .args(&args[1..])
            .output()
            .unwrap()
            .status
            .success()
    };
    let origin = Origin::start("core");
    let edge = Edge::start(&format!(
        "listeners:\n  - address: \"127.0.0.1:{}\"\nupstreams:\n  core-api:\n    addresses: [\"{}\"]\n",
        free_port(),
        origin.addr
    ));
    assert!(run(edge.admin.port()), "healthy edge reported unhealthy");
    drop(edge);
    assert!(!run(free_port()), "nothing listening reported healthy");
}

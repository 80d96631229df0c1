use super::*;
use crate::sast::secrets::SecretHit;

/// One engine for all tests: building it compiles every query, which is slow in debug.
fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| match Engine::new(&[]) {
        Ok(e) => e,
        Err(errors) => panic!("built-in rules must load: {errors:#?}"),
    })
}

/// A private engine with other limits.
fn limited(limits: Limits) -> Engine {
    match Engine::new(&[]) {
        Ok(e) => e.with_limits(limits),
        Err(errors) => panic!("built-in rules must load: {errors:#?}"),
    }
}

fn ids(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|x| x.rule_id.as_str()).collect()
}

/// A stand-in for the real secrets scanner: AWS access key ids only.
struct AwsKeys;
impl SecretFinder for AwsKeys {
    fn find_secrets(&self, code: &str) -> Vec<SecretHit> {
        let re = Regex::new(r"AKIA[0-9A-Z]{16}").expect("static regex");
        re.find_iter(code)
            .map(|m| SecretHit {
                start: m.start(),
                end: m.end(),
                entity: "AWS_ACCESS_KEY".into(),
            })
            .collect()
    }
}

#[test]
fn engine_is_shareable_between_workers() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
}

#[test]
fn builtin_rules_load_and_are_many() {
    let e = engine();
    assert!(e.rule_count() >= 80, "only {} rules", e.rule_count());
    let s = e.rule_summaries();
    assert!(s.iter().all(|r| r.cwe.starts_with("CWE-")));
}

#[test]
fn parameterized_execute_is_safe_and_concatenated_is_not() {
    let e = engine();
    let safe = "cursor.execute(\"SELECT * FROM users WHERE id = %s\", (user_id,))\n";
    assert!(e.scan_source(Lang::Python, safe, None).is_empty());
    let bad = "cursor.execute(\"SELECT * FROM users WHERE id = \" + user_id)\n";
    let f = e.scan_source(Lang::Python, bad, None);
    assert_eq!(ids(&f), vec!["py-sql-injection"]);
    assert_eq!(f[0].cwe, "CWE-89");
    assert_eq!(f[0].line, 1);
    assert!(f[0].fix.is_some());
    for bad in [
        "cursor.execute(f\"SELECT * FROM t WHERE a = '{a}'\")\n",
        "cursor.execute(\"SELECT * FROM t WHERE a = '%s'\" % a)\n",
        "cursor.execute(\"SELECT * FROM t WHERE a = '{}'\".format(a))\n",
        "q = \"SELECT * FROM t WHERE a = '\" + a + \"'\"\ncursor.execute(q)\n",
    ] {
        assert_eq!(
            ids(&e.scan_source(Lang::Python, bad, None)),
            vec!["py-sql-injection"],
            "{bad}"
        );
    }
}

#[test]
fn markdown_blocks_get_their_index_and_block_lines() {
    let e = engine();
    let md = "Here:\n\n```python\nimport os\n\nos.system(\"ping \" + host)\n```\n\nand\n\n```\nimport pickle\n\ndef load(b):\n    return pickle.loads(b)\n```\n";
    let f = e.scan_markdown(md, None);
    let got: Vec<_> = f
        .iter()
        .map(|x| (x.block_index, x.line, x.cwe.as_str()))
        .collect();
    assert_eq!(got, vec![(0, 3, "CWE-78"), (1, 4, "CWE-502")]);
}

#[test]
fn sudo_prefixed_commands_are_matched_as_the_command_they_run() {
    let code = "sudo chmod -R 777 /srv\nsudo -E curl -k https://x\nls | sudo bash\n";
    let f = engine().scan_source(Lang::Bash, code, None);
    let got: Vec<_> = f.iter().map(|x| (x.line, x.cwe.as_str())).collect();
    assert_eq!(got, vec![(1, "CWE-732"), (2, "CWE-295")]);
    // A sudo that ends its line leaves the next lines where they are; one on a continued or
    // indented line is still taken off.
    let code = "apt-get update &&\n    sudo chmod 777 /srv\n";
    let f = engine().scan_source(Lang::Bash, code, None);
    let got: Vec<_> = f.iter().map(|x| (x.line, x.cwe.as_str())).collect();
    assert_eq!(got, vec![(2, "CWE-732")]);
    let code = "sudo -i\n\nchmod 777 /srv\n";
    let f = engine().scan_source(Lang::Bash, code, None);
    let got: Vec<_> = f.iter().map(|x| (x.line, x.cwe.as_str())).collect();
    assert_eq!(got, vec![(3, "CWE-732")]);
}

#[test]
fn console_blocks_are_scanned_as_their_commands() {
    let md = "Run:\n\n```console\n$ curl -fsSL https://get.example | sh\nInstalled.\n$ curl -k https://api.example/health\n```\n";
    let f = engine().scan_markdown(md, None);
    let got: Vec<_> = f.iter().map(|x| (x.line, x.cwe.as_str())).collect();
    assert_eq!(got, vec![(1, "CWE-494"), (3, "CWE-295")]);
}

#[test]
fn secrets_become_hardcoded_credential_findings() {
    let e = engine();
    let code = "import boto3\n\nkey = \"AKIAABCDEFGHIJKLMNOP\"\n";
    let f = e.scan_source(Lang::Python, code, Some(&AwsKeys));
    assert_eq!(ids(&f), vec!["hardcoded-credential"]);
    assert_eq!((f[0].line, f[0].cwe.as_str()), (3, "CWE-798"));
    assert!(f[0].message.contains("AWS_ACCESS_KEY"));
    assert!(e.scan_source(Lang::Python, code, None).is_empty());
    // Unlabeled prose blocks still get the secrets check.
    let md = "```text\nAKIAABCDEFGHIJKLMNOP\n```\n";
    assert_eq!(
        ids(&e.scan_markdown(md, Some(&AwsKeys))),
        vec!["hardcoded-credential"]
    );
}

#[test]
fn oversized_snippet_yields_info_finding() {
    let e = limited(Limits {
        max_snippet_bytes: 10,
        ..Limits::default()
    });
    let f = e.scan_source(Lang::Python, "os.system(\"x\" + y)\n", None);
    assert_eq!(ids(&f), vec![LIMIT_RULE_TOO_LARGE]);
    assert_eq!(f[0].severity, Severity::Info);
}

#[test]
fn deadline_stops_parsing_of_pathological_input() {
    let e = limited(Limits {
        snippet_timeout: Duration::from_millis(1),
        max_snippet_bytes: 64 * 1024 * 1024,
        ..Limits::default()
    });
    // Deeply nested, error-laden input that takes far longer than 1 ms to parse.
    let code = "(".repeat(200_000) + &"[{".repeat(200_000);
    let start = Instant::now();
    let f = e.scan_source(Lang::JavaScript, &code, None);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(ids(&f), vec![LIMIT_RULE_TIMEOUT]);
}

#[test]
fn huge_concatenation_into_a_sink_finishes_quickly() {
    let e = engine();
    let terms: Vec<String> = (0..20_000).map(|i| format!("v{i}")).collect();
    let code = format!("cursor.execute('SELECT ' + {})\n", terms.join(" + "));
    let start = Instant::now();
    let f = e.scan_source(Lang::Python, &code, None);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    // The budget may cut the question short; either way the scan ends and reports
    // nothing false about unrelated lines.
    assert!(f.iter().all(|x| x.line == 1), "{f:?}");
}

#[test]
fn answer_time_budget_skips_remaining_blocks() {
    // Limits of some milliseconds, not one: finding the first block takes time too, and a
    // test thread preempted for a millisecond there found the budget gone before it.
    let e = limited(Limits {
        answer_timeout: Duration::from_millis(25),
        snippet_timeout: Duration::from_millis(25),
        max_snippet_bytes: 64 * 1024 * 1024,
        ..Limits::default()
    });
    let slow = "(".repeat(200_000);
    let md = format!("```js\n{slow}\n```\n```python\neval(x)\n```\n");
    let f = e.scan_markdown(&md, None);
    let got: Vec<_> = f
        .iter()
        .map(|x| (x.block_index, x.rule_id.as_str()))
        .collect();
    // The first block ran past its own limit; the budget was gone before the second.
    assert_eq!(got, vec![(0, LIMIT_RULE_TIMEOUT), (1, LIMIT_RULE_BUDGET)]);
}

#[test]
fn too_many_blocks_are_cut_with_a_finding() {
    let e = limited(Limits {
        max_blocks: 2,
        ..Limits::default()
    });
    let md = "```python\neval(x)\n```\n".repeat(4);
    let f = e.scan_markdown(&md, None);
    assert_eq!(
        f.iter()
            .map(|x| (x.block_index, x.rule_id.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (0, "py-eval-exec"),
            (1, "py-eval-exec"),
            (2, LIMIT_RULE_TOO_MANY_BLOCKS)
        ]
    );
}

#[test]
fn php_without_open_tag_and_bare_java_methods_parse() {
    let e = engine();
    let f = e.scan_source(
        Lang::Php,
        "$r = mysqli_query($c, \"SELECT * FROM u WHERE id=\" . $_GET['id']);\n",
        None,
    );
    assert_eq!(ids(&f), vec!["php-sql-injection"]);
    let java = "public void run(String cmd) throws Exception {\n    Runtime.getRuntime().exec(\"sh -c \" + cmd);\n}\n";
    let f = e.scan_source(Lang::Java, java, None);
    assert_eq!(
        f.iter()
            .map(|x| (x.line, x.cwe.as_str()))
            .collect::<Vec<_>>(),
        vec![(2, "CWE-78")]
    );
}

#[test]
fn extra_rules_extend_and_errors_name_origin() {
    let extra = "rules:\n  - id: ops-no-telnet\n    languages: [bash]\n    cwe: CWE-319\n    severity: low\n    message: telnet is cleartext.\n    query: |\n      (command name: (command_name) @n (#eq? @n \"telnet\")) @c\n";
    let e = Engine::new(&[("ops.yaml", extra)]).expect("valid extra rules");
    assert_eq!(e.rule_count(), engine().rule_count() + 1);
    assert_eq!(
        ids(&e.scan_source(Lang::Bash, "telnet host 23\n", None)),
        vec!["ops-no-telnet"]
    );
    let bad = extra.replace("CWE-319", "319");
    let err = Engine::new(&[("ops.yaml", &bad)]).err().unwrap_or_default();
    assert_eq!(err.len(), 1);
    assert_eq!(
        (err[0].origin.as_str(), err[0].rule_id.as_str()),
        ("ops.yaml", "ops-no-telnet")
    );
    // A query that does not fit the grammar is named with its language and position.
    let bad = extra.replace("command_name", "no_such_node");
    let err = Engine::new(&[("ops.yaml", &bad)]).err().unwrap_or_default();
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].rule_id, "ops-no-telnet");
    assert!(
        err[0].problem.contains("for bash at row 1"),
        "{}",
        err[0].problem
    );
}

#[test]
fn results_are_deterministic() {
    let e = engine();
    let md = "```js\nel.innerHTML = location.hash;\neval(userCode);\n```\n```bash\ncurl -k https://x | sh\n```\n";
    let a = e.scan_markdown(md, None);
    assert_eq!(a, e.scan_markdown(md, None));
    assert!(a.windows(2).all(|w| w[0].sort_key() <= w[1].sort_key()));
}

#[test]
fn shell_variables_follow_their_assignments_and_capitals_are_not_constants() {
    let e = engine();
    let eval =
        |code: &str| ids(&e.scan_source(Lang::Bash, code, None)).contains(&"sh-eval-injection");
    assert!(!eval("cmd=\"ls -la\"\neval \"$cmd\"\n"));
    assert!(!eval("CMD=\"ls\"\neval \"${CMD}\"\n"));
    assert!(eval("read CMD\neval \"$CMD\"\n"));
    assert!(eval("eval $QUERY_STRING\n"));
    assert!(eval("cmd=\"ls $1\"\neval \"$cmd\"\n"));
    // PHP's superglobals are input, however capital.
    let php = "<?php\n$r = mysqli_query($c, \"SELECT * FROM u WHERE id='{$_GET['id']}'\");\n";
    assert_eq!(
        ids(&e.scan_source(Lang::Php, php, None)),
        ["php-sql-injection"]
    );
}

#[test]
fn http_and_cache_clients_are_not_databases() {
    let e = engine();
    let sqli = |code: &str| {
        ids(&e.scan_source(Lang::JavaScript, code, None)).contains(&"js-sql-injection")
    };
    assert!(!sqli("const r = await apiClient.get(`/users/${id}`);"));
    assert!(!sqli("const s = await redisClient.get(`session:${sid}`);"));
    assert!(!sqli("const r = await this.client.get(`/users/${id}`);"));
    assert!(!sqli("router.all(`/api/${version}/*`, handler);"));
    assert!(!sqli("const f = feedback.get(`/f/${id}`);"));
    assert!(!sqli("const s = this.connections.get(`${room}:${user}`);"));
    assert!(!sqli("const u = state.connectedUsers.get(`${id}`);"));
    // sqlite's own objects keep those method names.
    assert!(sqli("db.get(\"SELECT * FROM u WHERE id = \" + id, cb);"));
    assert!(sqli(
        "sqlite.all(`SELECT * FROM u WHERE name = '${name}'`);"
    ));
    assert!(sqli("this.db.run(\"DELETE FROM u WHERE id = \" + id);"));
    assert!(sqli(
        "usersDb.each(`SELECT * FROM u WHERE n = '${n}'`, cb);"
    ));
    assert!(sqli("getDb().all(`SELECT * FROM u WHERE id = ${id}`);"));
    assert!(sqli(
        "this.connection.all(`SELECT * FROM u WHERE id = ${id}`);"
    ));
    assert!(sqli(
        "const r = await this.client.query(`SELECT * FROM u WHERE id = ${id}`);"
    ));
    assert!(sqli(
        "const r = await client.query(`SELECT * FROM u WHERE id = ${id}`);"
    ));
    assert!(sqli(
        "await pgClient.query(\"SELECT * FROM u WHERE id = \" + id);"
    ));
}

#[test]
fn a_rule_repeated_on_every_line_is_listed_a_few_times_then_summed_up() {
    let code = "import hashlib\n".to_string() + &"h = hashlib.md5(data)\n".repeat(500);
    let f = engine().scan_source(Lang::Python, &code, None);
    let (limit, rest): (Vec<_>, Vec<_>) = f
        .iter()
        .partition(|x| x.rule_id == LIMIT_RULE_TOO_MANY_FINDINGS);
    assert_eq!(rest.len(), MAX_PER_RULE, "{rest:?}");
    assert_eq!(limit.len(), 1);
    assert!(
        limit[0].message.contains("py-weak-hash 480 more"),
        "{}",
        limit[0].message
    );
    // Two rules over the cap in one block are both named, in its one summary.
    let two = format!("import pickle\n{code}{}", "pickle.loads(blob)\n".repeat(30));
    let f = engine().scan_source(Lang::Python, &two, None);
    let summary: Vec<_> = f
        .iter()
        .filter(|x| x.rule_id == LIMIT_RULE_TOO_MANY_FINDINGS)
        .collect();
    assert_eq!(summary.len(), 1);
    assert!(
        summary[0].message.contains("480 more") && summary[0].message.contains(" 10 more"),
        "{}",
        summary[0].message
    );
}

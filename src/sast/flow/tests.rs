use super::*;
use crate::sast::lang::Lang;
use crate::sast::syntax::syntax;

/// Parses `code`, finds the last named node whose text is `target`, and returns what `q`
/// says of it.
fn at<R>(lang: Lang, code: &str, target: &str, q: impl Fn(&Flow<'_>, Node<'_>) -> R) -> R {
    let mut p = tree_sitter::Parser::new();
    let grammar = lang.grammar().expect("grammar");
    p.set_language(&grammar).expect("language");
    let tree = p.parse(code, None).expect("tree");
    let syn = syntax(lang).expect("syntax");
    let sources = Regex::new(syn.sources).expect("sources");
    let handler = Flow::handler_regex().expect("handler");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let flow = Flow::new(code, &tree, syn, &sources, &handler, deadline);
    // The last node with that exact text: the use, not the definition.
    let mut found = None;
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if flow.text(n) == target && n.is_named() {
            match found {
                Some(f) if Node::start_byte(&f) >= n.start_byte() => {}
                _ => found = Some(n),
            }
        }
        stack.extend(named_children(n));
    }
    q(&flow, found.expect("target node"))
}

/// The four answers for `target` in `code` (see [`at`]).
fn ask(lang: Lang, code: &str, target: &str) -> (bool, bool, bool, bool) {
    at(lang, code, target, |flow, n| {
        // Each question with its own budget, as the query's conditions ask them.
        let ask = |q: &dyn Fn(Node<'_>) -> bool| {
            flow.begin();
            q(n)
        };
        (
            ask(&|n| flow.is_constant(n)),
            ask(&|n| flow.is_dynamic(n)),
            ask(&|n| flow.flows_from_source(n)),
            ask(&|n| flow.flows_from_param(n)),
        )
    })
}

#[test]
fn python_concatenation_and_fstrings_are_dynamic() {
    let (c, d, _, p) = ask(
        Lang::Python,
        "def f(u):\n    q = 'SELECT ' + u\n    run(q)\n",
        "q",
    );
    assert!(!c && d && p);
    let (c, d, ..) = ask(Lang::Python, "q = f\"SELECT {u}\"\nrun(q)\n", "q");
    assert!(!c && d);
    let (_, d, ..) = ask(Lang::Python, "run('a %s' % u)\n", "'a %s' % u");
    assert!(d);
    let (_, d, ..) = ask(Lang::Python, "run('a {}'.format(u))\n", "'a {}'.format(u)");
    assert!(d);
}

#[test]
fn python_constants_and_placeholders_are_not_dynamic() {
    let (c, d, ..) = ask(
        Lang::Python,
        "q = 'SELECT 1 WHERE a = %s'\nrun(q, (u,))\n",
        "q",
    );
    assert!(c && !d);
    let (c, d, ..) = ask(Lang::Python, "Q = 'a' + 'b'\nrun(Q)\n", "Q");
    assert!(c && !d);
    let (_, d, ..) = ask(Lang::Python, "n = a + b\nrun(n)\n", "n");
    assert!(!d, "numeric addition is not string building");
}

#[test]
fn augmented_append_makes_a_variable_dynamic() {
    let (_, d, ..) = ask(Lang::Python, "q = 'SELECT '\nq += name\nrun(q)\n", "q");
    assert!(d);
    let (_, d, ..) = ask(
        Lang::Php,
        "<?php\n$q = 'S';\n$q .= $_GET['a'];\nrun($q);\n",
        "$q",
    );
    assert!(d);
}

#[test]
fn later_reassignment_to_constant_wins() {
    let (c, d, ..) = ask(Lang::Python, "q = 'a' + u\nq = 'b'\nrun(q)\n", "q");
    assert!(c && !d);
}

#[test]
fn sources_are_found_through_variables_and_handlers() {
    let code = "def h():\n    name = request.args.get('n')\n    run(name)\n";
    let (.., s, _) = ask(Lang::Python, code, "name");
    assert!(s);
    let code = "@app.route('/u/<uid>')\ndef h(uid):\n    run(uid)\n";
    let (.., s, _) = ask(Lang::Python, code, "uid");
    assert!(s);
    let code = "def helper(uid):\n    run(uid)\n";
    let (.., s, p) = ask(Lang::Python, code, "uid");
    assert!(!s && p);
}

#[test]
fn js_template_literals_and_java_concat() {
    let (_, d, s, _) = ask(
        Lang::JavaScript,
        "const q = `S ${req.query.id}`;\ndb.query(q);\n",
        "q",
    );
    assert!(d && s);
    let (_, d, ..) = ask(Lang::JavaScript, "const q = `S 1`;\ndb.query(q);\n", "q");
    assert!(!d);
    let code = "class A { void f(String n) { String q = \"S\" + n; st.execute(q); } }";
    let (_, d, _, p) = ask(Lang::Java, code, "q");
    assert!(d && p);
}

#[test]
fn go_sprintf_and_c_writer_calls() {
    let code = "package m\nfunc f(id string) {\n q := fmt.Sprintf(\"S %s\", id)\n db.Query(q)\n}\n";
    let (_, d, _, p) = ask(Lang::Go, code, "q");
    assert!(d && p);
    let code = "void f(char *a) { char b[64]; sprintf(b, \"ls %s\", a); system(b); }";
    let (c, d, _, p) = ask(Lang::C, code, "b");
    assert!(!c && d && p, "sprintf into a buffer counts as building it");
}

/// A writer that replaces its buffer (`strcpy`, `snprintf`) can be its one value: written
/// constants (sizes and `strlen` aside) keep it constant, as appended ones (`strcat`) do.
/// Every write counts, a branch's too, and a change not followed (`q + n`, `fgets`) makes it
/// built.
#[test]
fn c_writers_replace_or_append_to_their_buffer() {
    let c = |body: &str| {
        format!("int f(sqlite3 *db, const char *name, size_t n) {{\n  char q[128];\n{body}  return sqlite3_exec(db, q, 0, 0, 0);\n}}\n")
    };
    for body in [
        "  snprintf(q, sizeof q, \"SELECT * FROM t WHERE id = %d\", 7);\n",
        "  snprintf(q, n, \"SELECT * FROM t WHERE id = %d\", 7);\n",
        "  strncpy(q, \"SELECT 1\", sizeof(q) - 1);\n",
        "  strcpy(q, \"DELETE FROM t\");\n  strcat(q, \" WHERE expired = 1\");\n",
        "  strcpy(q, \"DELETE FROM t\");\n  strncat(q, \" WHERE x = 1\", sizeof q - strlen(q) - 1);\n",
    ] {
        let (c, d, _, p) = ask(Lang::C, &c(body), "q");
        assert!(c && !d && !p, "{body}");
    }
    for body in [
        "  snprintf(q, sizeof q, \"SELECT * FROM t WHERE name = '%s'\", name);\n",
        "  strcpy(q, \"DELETE FROM t WHERE name = \");\n  strcat(q, name);\n",
        "  strcpy(q, \"SELECT 1\");\n  sprintf(q, \"%s\", name);\n",
        "  strcpy(q, name);\n  strcat(q, \" LIMIT 1\");\n",
        "  strcpy(q, \"DELETE FROM \");\n  if (name) strcpy(q, name);\n  strcat(q, \" t\");\n",
        "  if (name) snprintf(q, sizeof q, \"SELECT '%s'\", name);\n  else strcpy(q, \"SELECT 1\");\n",
    ] {
        let (c, d, _, p) = ask(Lang::C, &c(body), "q");
        assert!(!c && d && p, "{body}");
    }
    for body in [
        "  int k = snprintf(q, sizeof q, \"SELECT 1\");\n  snprintf(q + k, sizeof q - k, \" '%s'\", name);\n",
        "  strcpy(q, \"SELECT \");\n  fgets(q + 7, 100, stdin);\n",
        "  strcpy(q, \"SELECT \");\n  memcpy(q + 7, name, n);\n",
        // Before the writer too: it may run in one branch only.
        "  if (fgets(q, sizeof q, stdin) == NULL)\n    strcpy(q, \"SELECT 1\");\n",
        "  strcpy(q, \"ls\");\n  int k = atoi(fgets(q, sizeof q, stdin));\n",
    ] {
        let (c, d, ..) = ask(Lang::C, &c(body), "q");
        assert!(!c && d, "{body}");
    }
    // A buffer declared outside the function: another function may write it.
    let global = "static char q[64];\nvoid add(const char *v) { strcat(q, v); }\nint f(sqlite3 *db) {\n  strcpy(q, \"SELECT 1\");\n  return sqlite3_exec(db, q, 0, 0, 0);\n}\n";
    let (c, d, ..) = ask(Lang::C, global, "q");
    assert!(!c && d, "{global}");
    // A buffer passed in: the constant written is what it holds, not the parameter.
    let code = "void f(char *q) {\n  strcpy(q, \"SELECT 1\");\n  run(q);\n}\n";
    let (.., p) = ask(Lang::C, code, "q");
    assert!(!p, "{code}");
}

#[test]
fn constant_byte_conversions() {
    let (c, ..) = ask(Lang::Python, "iv = b'0123456789abcdef'\nx(iv)\n", "iv");
    assert!(c);
    let (c, ..) = ask(
        Lang::JavaScript,
        "const iv = Buffer.alloc(16, 0);\nx(iv);\n",
        "iv",
    );
    assert!(c);
    let (c, ..) = ask(
        Lang::JavaScript,
        "const iv = crypto.randomBytes(16);\nx(iv);\n",
        "iv",
    );
    assert!(!c);
    let (c, ..) = ask(
        Lang::Java,
        "class A { void f() { byte[] iv = \"abc\".getBytes(); x(iv); } }",
        "iv",
    );
    assert!(c);
    let (c, ..) = ask(
        Lang::Go,
        "package m\nfunc f() {\n iv := []byte(\"0000\")\n x(iv)\n}\n",
        "iv",
    );
    assert!(c);
    let (c, d, ..) = ask(
        Lang::Python,
        "p = ', '.join(['%s'] * len(ids))\nx(p)\n",
        "p",
    );
    assert!(c && !d, "joining a repeated constant list is constant");
}

#[test]
fn numeric_conversions_cannot_carry_syntax() {
    let (c, d, ..) = ask(
        Lang::JavaScript,
        "q('SELECT 1 WHERE id = ' + Number(id));\n",
        "'SELECT 1 WHERE id = ' + Number(id)",
    );
    assert!(c && !d);
    let (c, ..) = ask(
        Lang::Php,
        "<?php\n$id = (int) $_GET['id'];\nq($id);\n",
        "$id",
    );
    assert!(c);
    let (c, ..) = ask(
        Lang::Go,
        "package m\nfunc f(id int) {\n q(\"S \" + strconv.Itoa(id))\n}\n",
        "\"S \" + strconv.Itoa(id)",
    );
    assert!(c);
    let (c, ..) = ask(Lang::Python, "q('S ' + str(n))\n", "'S ' + str(n)");
    assert!(!c, "str() is not numeric");
}

#[test]
fn appends_and_cleansers() {
    let code = "class A { void f(String q) { StringBuilder sb = new StringBuilder(\"S \"); sb.append(q); run(sb.toString()); } }";
    let (_, d, ..) = ask(Lang::Java, code, "sb.toString()");
    assert!(
        d,
        "StringBuilder.append of a parameter builds a dynamic string"
    );
    let (.., s, _) = ask(
        Lang::Php,
        "<?php\n$p = intval($_GET['p']);\necho $p;\n",
        "$p",
    );
    assert!(!s, "intval cleans the source");
    let (.., s, _) = ask(Lang::Php, "<?php\n$p = trim($_GET['p']);\necho $p;\n", "$p");
    assert!(s);
    let (c, d, ..) = ask(
        Lang::JavaScript,
        "const T = 'users';\nq(`SELECT * FROM ${T}`);\n",
        "`SELECT * FROM ${T}`",
    );
    assert!(c && !d, "interpolating a constant is constant");
}

/// Tells a bounded walk from the blow-ups the next two tests guard against (minutes and
/// more, unoptimised). Not a speed target: the deep case alone takes about 5 s
/// unoptimised on a slow two-core machine, and more beside other tests.
const BLOW_UP: std::time::Duration = std::time::Duration::from_secs(60);

#[test]
fn pathological_concatenation_is_bounded() {
    // 20,000 terms: deep nesting and, without the budget, exponential re-walks.
    let terms: Vec<String> = (0..20_000).map(|i| format!("v{i}")).collect();
    let code = format!("q = 'S ' + {}\nrun(q)\n", terms.join(" + "));
    let start = std::time::Instant::now();
    let (c, ..) = ask(Lang::Python, &code, "q");
    assert!(!c);
    assert!(start.elapsed() < BLOW_UP, "{:?}", start.elapsed());
}

/// Clauses appended as constants, with their values passed apart, are the safe way to
/// build a filter; one clause built from a value, anywhere in a chain, is not.
#[test]
fn appending_constants_keeps_a_value_constant() {
    let py = "def f(db, name):\n    clauses = []\n    if name:\n        clauses.append('name = ?')\n    sql = 'SELECT * FROM t WHERE ' + ' AND '.join(clauses)\n    db.execute(sql, [name])\n";
    let (c, d, ..) = ask(Lang::Python, py, "sql");
    assert!(c && !d, "constant clauses");
    // A clause with the value in it; a list whose base is not seen (a parameter, another
    // variable's list), or that is changed otherwise too (insert, another branch's value, a
    // lambda, an append after the use that a loop would run first): built, not constant.
    for (from, to) in [
        ("'name = ?'", "f\"name = '{name}'\""),
        ("    clauses = []\n", ""),
        (
            "('name = ?')\n",
            "('name = ?')\n    clauses.insert(0, f\"id = {name}\")\n",
        ),
        (
            "    clauses = []\n",
            "    if name:\n        clauses = [f\"name = '{name}'\"]\n    else:\n        clauses = []\n",
        ),
        (
            "def f(db, name):\n    clauses = []\n",
            "def f(db, name, clauses=None):\n    if clauses is None:\n        clauses = []\n",
        ),
        (
            "    clauses = []\n",
            "    base = []\n    clauses = base\n    base.append(f\"name = '{name}'\")\n",
        ),
        (
            "    clauses = []\n",
            "    base = []\n    clauses = base or []\n    base.append(f\"name = '{name}'\")\n",
        ),
        (
            "    sql = ",
            "    list(map(lambda k: clauses.append(f\"{k} = 1\"), name))\n    sql = ",
        ),
        (
            "    clauses = []\n",
            "    def add(v):\n        clauses.append(v)\n    clauses = []\n    add(f\"name = '{name}'\")\n",
        ),
        (
            "[name])\n",
            "[name])\n    clauses.append(f\"name = '{name}'\")\n",
        ),
    ] {
        assert!(py.contains(from), "{from}");
        let py = py.replace(from, to);
        let (c, d, ..) = ask(Lang::Python, &py, "sql");
        assert!(!c && d, "{py}");
    }
    // Another name for the list, behind an operator, is appended to apart.
    let js = |base: &str| {
        format!("function f(db, req) {{\n  const base = [];\n  const parts = {base};\n  parts.push('active = 1');\n  base.push(`name = '${{req.query.n}}'`);\n  db.query('SELECT * FROM t WHERE ' + parts.join(' AND '));\n}}\n")
    };
    let query = "'SELECT * FROM t WHERE ' + parts.join(' AND ')";
    let (c, d, ..) = ask(Lang::JavaScript, &js("[]"), query);
    assert!(c && !d, "a list of its own");
    let (c, d, ..) = ask(Lang::JavaScript, &js("base || []"), query);
    assert!(!c && d, "base's list");
    let java = |chain: &str| {
        format!("class A {{ void f(Connection c, String name) {{\n  StringBuilder sb = new StringBuilder(\"SELECT * FROM t WHERE 1=1\");\n  {chain};\n  c.prepareStatement(sb.toString());\n}} }}\n")
    };
    let safe = java("sb.append(\" AND name = ?\").append(\" AND active\")");
    let (_, d, ..) = ask(Lang::Java, &safe, "sb.toString()");
    assert!(!d, "constant appends");
    let chained = java("sb.append(\" AND name = '\").append(name).append(\"'\")");
    let (_, d, ..) = ask(Lang::Java, &chained, "sb.toString()");
    assert!(d, "the value appended in the middle of a chain");
    // A chain with no variable of its own, read where it is turned into text.
    let inline = |chain: &str| {
        format!("class A {{ void f(Connection c, String name) {{\n  c.prepareStatement({chain}.toString());\n}} }}\n")
    };
    for (chain, built) in [
        ("new StringBuilder(\"SELECT 1\").append(\" AND a\")", false),
        (
            "new StringBuilder(\"SELECT \").append(name).append(\" x\")",
            true,
        ),
        ("new StringBuilder(name).append(\" x\")", true),
        ("new StringBuilder().append(\"a = '\").append(name)", true),
        ("new StringBuilder(\"a = '\" + name + \"'\")", true),
        ("\"a = '\".concat(name).concat(\"'\")", true),
        ("\"a = 1\".concat(\" AND b = 2\")", false),
        (
            "\"a = '\".concat(name).concat(\"'\").concat(\" b\").concat(\" c\").concat(\" d\").concat(\" e\").concat(\" f\").concat(\" g\").concat(\" h\")",
            true,
        ),
        (
            "new StringBuilder(\"id IN (\").append(String.join(\",\", Collections.nCopies(ids.size(), \"?\"))).append(\")\")",
            false,
        ),
    ] {
        let (_, d, ..) = ask(Lang::Java, &inline(chain), &format!("{chain}.toString()"));
        assert_eq!(d, built, "{chain}");
    }
    // `concat` gives a new text or list and leaves its receiver as it was.
    let js = "function f(db, req) {\n  const q = 'SELECT * FROM t';\n  const shown = q.concat(req.query.tag);\n  log(shown);\n  db.query(q);\n}\n";
    let (c, d, ..) = ask(Lang::JavaScript, js, "q");
    assert!(c && !d, "{js}");
    let java = "class A { void f(Connection c, String name) {\n  String q = \"SELECT 1\";\n  String shown = q.concat(name);\n  c.prepareStatement(q);\n} }\n";
    let (c, d, ..) = ask(Lang::Java, java, "q");
    assert!(c && !d, "{java}");
}

#[test]
fn last_segment_splits_on_every_separator() {
    assert_eq!(last_segment("fmt.Sprintf"), "Sprintf");
    assert_eq!(last_segment("$pdo->query"), "query");
    assert_eq!(last_segment("String::from"), "from");
    assert_eq!(last_segment("eval"), "eval");
}

#[test]
fn deep_expressions_cost_one_descent_per_question() {
    // Every identifier once looked for its function and scope by parent steps, each of
    // which tree-sitter answers by a search down from the root: cubic in the depth, minutes
    // for this 10,000-term argument. Same names, then distinct ones.
    for distinct in [false, true] {
        let terms: Vec<String> = (0..10_000)
            .map(|i| {
                if distinct {
                    format!("v{i}")
                } else {
                    "a".into()
                }
            })
            .collect();
        let arg = format!("{} + a", terms.join(" + "));
        let code = format!("def f(a):\n    open({arg})\n");
        let start = std::time::Instant::now();
        let _ = ask(Lang::Python, &code, &arg);
        assert!(
            start.elapsed() < BLOW_UP,
            "{distinct}: {:?}",
            start.elapsed()
        );
    }
    // The shallow case still reads the parameter through a variable.
    let (.., s, p) = ask(
        Lang::Python,
        "@app.route('/f')\ndef f(name):\n    path = 'files/' + name\n    open(path)\n",
        "path",
    );
    assert!(s && p);
}

#[test]
fn an_interpolation_among_many_escapes_is_found() {
    // 25,000 escapes before or after the interpolation: running out of visits among them
    // once left an empty list of interpolations, and the string read as "constant" (and,
    // with the interpolation first, never as "dynamic").
    let escapes = "\\n".repeat(25_000);
    for lit in [
        format!("f\"SELECT {{uid}}{escapes}\""),
        format!("f\"SELECT {escapes} WHERE id = {{uid}}\""),
    ] {
        let code = format!("uid = input()\ncursor.execute({lit})\n");
        let (c, d, ..) = ask(Lang::Python, &code, &lit);
        assert!(!c && d, "{}", &lit[..20]);
    }
}

#[test]
fn the_last_visit_can_find_an_interpolation() {
    // Interpolations are paid for like other nodes, so a string with more of them than the
    // budget runs out among them; those found still make it dynamic, never constant.
    let lit = format!("f\"{}\"", "{a}".repeat(30_000));
    let code = format!("a = input()\ncursor.execute({lit})\n");
    let (c, d, ..) = ask(Lang::Python, &code, &lit);
    assert!(!c && d);
}

#[test]
fn a_variables_values_include_with_bindings_and_every_branch() {
    let values = |code: &str| -> Vec<String> {
        at(Lang::Python, code, "z", |flow, n| {
            flow.bound_values(n)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
    };
    assert_eq!(
        values("def u(p, d):\n    with ZipFile(p) as z:\n        z.extractall(d)\n"),
        ["ZipFile(p)"]
    );
    assert_eq!(
        values("if t:\n    z = tarfile.open(p)\nelse:\n    z = ZipFile(p)\nz.extractall(d)\n"),
        ["tarfile.open(p)", "ZipFile(p)"]
    );
    assert!(values("def u(z):\n    z.extractall(d)\n").is_empty());
    // A `with` gives a context object: its arguments' taint is not the variable's.
    let (_, _, s, _) = ask(
        Lang::Python,
        "def h():\n    with open(request.args['p']) as f:\n        json.load(f)\n",
        "f",
    );
    assert!(!s, "a file object is no path");
}

#[test]
fn variables_declared_as_numbers_are_constant() {
    let java = |sig: &str, body: &str| {
        format!("class A {{\n  ResultSet f(Connection c, {sig}) {{\n{body}    return c.createStatement().executeQuery(q);\n  }}\n}}\n")
    };
    for (sig, body) in [
        (
            "int id",
            "    String q = \"SELECT * FROM t WHERE id = \" + id;\n",
        ),
        (
            "long a, Boolean b",
            "    String q = \"SELECT \" + a + \" WHERE x = \" + b;\n",
        ),
        (
            "String s",
            "    int n = s.length();\n    String q = \"SELECT \" + n;\n",
        ),
    ] {
        let (c, ..) = ask(Lang::Java, &java(sig, body), "q");
        assert!(c, "{sig} {body}");
    }
    for (sig, body) in [
        (
            "String id",
            "    String q = \"SELECT * FROM t WHERE id = \" + id;\n",
        ),
        (
            "char quote, int id",
            "    String q = \"SELECT '\" + quote + id;\n",
        ),
        ("int[] ids", "    String q = \"SELECT \" + ids;\n"),
        ("int ids[]", "    String q = \"SELECT \" + ids;\n"),
        (
            "String s",
            "    long ids[] = parse(s);\n    String q = \"SELECT \" + ids;\n",
        ),
        ("Object id", "    String q = \"SELECT \" + id;\n"),
        // A number in one loop, a string in the next: the name alone does not tell.
        ("List<String> names", "    String q = \"\";\n    for (int n = c.getNetworkTimeout(); n < 3; n++) { x(n); }\n    for (String n : names) { q = \"SELECT \" + n; }\n"),
        // Numbers made into characters, which may be quotes.
        ("int code", "    String q = \"SELECT '\" + Character.toString(code) + \"'\";\n"),
        ("int code", "    String q = String.format(\"SELECT '%c'\", code);\n"),
    ] {
        let (c, ..) = ask(Lang::Java, &java(sig, body), "q");
        assert!(!c, "{sig} {body}");
    }
    // A local number in a block that has ended, or a record's component, leaves the name
    // to the field; a lambda's parameter is another variable.
    for code in [
        "class A {\n  void f(Connection c, List<String> ids) {\n    for (int id = c.getNetworkTimeout(); id < 3; id++) { x(id); }\n    ids.forEach(id -> { String q = \"SELECT \" + id; c.createStatement().executeQuery(q); });\n  }\n}\n",
        "class A {\n  String sort;\n  ResultSet f(Connection c, boolean d) {\n    if (d) { int sort = c.getNetworkTimeout(); x(sort); }\n    String q = \"SELECT \" + sort;\n    return c.createStatement().executeQuery(q);\n  }\n}\n",
        "class A {\n  String sort;\n  record P(int sort) {}\n  ResultSet f(Connection c) {\n    String q = \"SELECT \" + sort;\n    return c.createStatement().executeQuery(q);\n  }\n}\n",
    ] {
        let (c, ..) = ask(Lang::Java, code, "q");
        assert!(!c, "{code}");
    }
    // Go: a typed parameter, unless an inner block declares the name again without a type.
    let go = "package p\nfunc f(db *sql.DB, limit int, on bool) {\n  q := fmt.Sprintf(\"SELECT 1 WHERE a = %t LIMIT %d\", on, limit)\n  db.Query(q)\n}\n";
    assert!(!ask(Lang::Go, go, "q").1);
    for go in [
        "package p\nfunc f(db *sql.DB, r *http.Request, id int) {\n  if id > 0 {\n    id := r.FormValue(\"id\")\n    db.Query(\"SELECT \" + id)\n  }\n}\n",
        "package p\nfunc f(db *sql.DB, id int, ids []string) {\n  for _, id := range ids {\n    db.Query(\"SELECT \" + id)\n  }\n}\n",
        "package p\nfunc f(db *sql.DB, id uint8) {\n  db.Query(\"SELECT \" + string(id))\n}\n",
        "package p\nfunc f(db *sql.DB, id int, names chan string) {\n  select {\n  case id := <-names:\n    db.Query(\"SELECT \" + id)\n  }\n}\n",
        "package p\nfunc f(db *sql.DB, id int, v any) {\n  switch id := v.(type) {\n  case string:\n    db.Query(\"SELECT \" + id)\n  }\n}\n",
    ] {
        let target = if go.contains("string(id)") {
            "\"SELECT \" + string(id)"
        } else {
            "\"SELECT \" + id"
        };
        let (c, d, ..) = ask(Lang::Go, go, target);
        assert!(!c && d, "{go}");
    }
    // C: an int is one; a pointer, an array or a char is not, nor a name declared so in
    // an inner block.
    let c = |sig: &str, body: &str| {
        format!("int f(sqlite3 *db, {sig}) {{\n  char q[128];\n{body}  snprintf(q, sizeof q, \"SELECT %d\", id);\n  return sqlite3_exec(db, q, 0, 0, 0);\n}}\n")
    };
    assert!(ask(Lang::C, &c("unsigned long id", ""), "q").0);
    for (sig, body) in [
        ("const char *id", ""),
        ("char id", ""),
        ("int id", "  { char *id = getenv(\"ID\"); puts(id); }\n"),
    ] {
        let (c, ..) = ask(Lang::C, &c(sig, body), "q");
        assert!(!c, "{sig} {body}");
    }
    // `%c` prints a character; a function type's parameter is no variable of `f`.
    for code in [
        "int f(sqlite3 *db, int id) {\n  char q[64];\n  snprintf(q, sizeof q, \"SELECT '%c'\", id);\n  return sqlite3_exec(db, q, 0, 0, 0);\n}\n",
        "extern const char *id;\nint f(sqlite3 *db, int (*cb)(long id)) {\n  char q[64];\n  snprintf(q, sizeof q, \"SELECT '%s'\", id);\n  return sqlite3_exec(db, q, 0, 0, 0);\n}\n",
    ] {
        let (c, ..) = ask(Lang::C, code, "q");
        assert!(!c, "{code}");
    }
}

#[test]
fn placeholder_lists_made_of_one_constant_are_constant() {
    for (lang, code, target) in [
        (Lang::JavaScript, "const p = ids.map(() => '?').join(',');\nq(p);\n", "p"),
        (Lang::JavaScript, "const p = ids.map((_, i) => `$${i + 1}`).join(', ');\nq(p);\n", "p"),
        (Lang::JavaScript, "const p = new Array(ids.length).fill('?').join(',');\nq(p);\n", "p"),
        (Lang::Java, "class A { void f() { String p = ids.stream().map(id -> \"?\").collect(Collectors.joining(\",\")); q(p); } }\n", "p"),
        (Lang::Python, "p = ','.join('?' for _ in ids)\nq(p)\n", "p"),
        (Lang::Python, "p = ','.join(['%s' for _ in ids])\nq(p)\n", "p"),
        (Lang::Python, "p = ','.join(map(lambda _: '?', ids))\nq(p)\n", "p"),
        (Lang::Go, "package p\nfunc f(ids []any) {\n  p := strings.Repeat(\"?,\", len(ids)-1) + \"?\"\n  q(p)\n}\n", "p"),
    ] {
        let (c, d, ..) = ask(lang, code, target);
        assert!(c && !d, "{code}");
    }
    for (lang, code, target) in [
        (Lang::JavaScript, "const p = ids.map(id => `'${id}'`).join(',');\nq(p);\n", "p"),
        (Lang::JavaScript, "const p = ids.map((x, i) => x + i).join(',');\nq(p);\n", "p"),
        (Lang::JavaScript, "const p = ids.map((x, i) => { i = x; return '$' + i; }).join(',');\nq(p);\n", "p"),
        (Lang::JavaScript, "const p = names.fill('?', 0, 1).join(',');\nq(p);\n", "p"),
        (Lang::JavaScript, "const p = new Array(3).fill(name).join(',');\nq(p);\n", "p"),
        (Lang::Java, "class A { void f() { String p = ids.stream().map(id -> \"'\" + id + \"'\").collect(Collectors.joining(\",\")); q(p); } }\n", "p"),
        (Lang::Python, "p = ','.join(f\"'{x}'\" for x in ids)\nq(p)\n", "p"),
        (Lang::Python, "p = ','.join(map(lambda a, i: '$' + i, xs, ys))\nq(p)\n", "p"),
        (Lang::Go, "package p\nfunc f(name string) {\n  p := strings.Repeat(name, 3)\n  q(p)\n}\n", "p"),
    ] {
        let (c, ..) = ask(lang, code, target);
        assert!(!c, "{code}");
    }
}

#[test]
fn choices_lookups_and_numeric_formats_of_constants_are_constant() {
    for (lang, code) in [
        (Lang::Python, "def f(desc):\n    q = 'SELECT 1 ORDER BY a ' + ('DESC' if desc else 'ASC')\n    run(q)\n"),
        (Lang::Python, "T = {'user': 'users', 'order': 'orders'}\ndef f(kind):\n    q = 'SELECT * FROM ' + T[kind]\n    run(q)\n"),
        (Lang::Python, "def f(limit):\n    q = 'SELECT 1 LIMIT %d OFFSET %(o)05.1f %%' % limit\n    run(q)\n"),
        (Lang::JavaScript, "function f(s) {\n  const q = 'SELECT 1 ORDER BY a ' + (s === 'asc' ? 'ASC' : 'DESC');\n  run(q);\n}\n"),
        (Lang::JavaScript, "function f(kind) {\n  const q = 'SELECT * FROM ' + { user: 'users' }[kind];\n  run(q);\n}\n"),
        (Lang::Java, "class A { void f(boolean asc) { String q = \"SELECT 1 \" + (asc ? \"ASC\" : \"DESC\"); run(q); } }\n"),
        (Lang::Java, "class A { void f(String s) { String col = switch (s) { case \"a\" -> \"name\"; default -> throw new IllegalArgumentException(s); }; String q = \"SELECT \" + col; run(q); } }\n"),
        (Lang::Python, "def f(d):\n    q = 'SELECT 1 ' + {'asc': 'ASC', 'desc': 'DESC'}.get(d, 'ASC')\n    run(q)\n"),
        (Lang::Python, "O = {'asc': 'ASC'}\ndef f(d):\n    q = 'SELECT 1 ' + O.get(d, 'ASC')\n    run(q)\n"),
        (Lang::JavaScript, "function f(x) {\n  const q = 'SELECT 1 LIMIT ' + Math.min(100, parseInt(x, 10) || 20);\n  run(q);\n}\n"),
    ] {
        let (c, ..) = ask(lang, code, "q");
        assert!(c, "{code}");
    }
    let go = "package p\nfunc f(db *sql.DB, s string) {\n  n, _ := strconv.Atoi(s)\n  q := fmt.Sprintf(\"SELECT 1 LIMIT %d\", n)\n  db.Query(q)\n}\n";
    assert!(!ask(Lang::Go, go, "q").1);
    // psycopg composes with quoted identifiers: not built from raw text.
    let py = "def f(col):\n    q = sql.SQL('SELECT {} FROM t').format(sql.Identifier(col))\n    run(q)\n";
    assert!(!ask(Lang::Python, py, "q").1);
    let py = "def f(col):\n    q = sql.SQL('SELECT {} FROM t').format(col)\n    run(q)\n";
    assert!(ask(Lang::Python, py, "q").1);
    for (lang, code) in [
        (Lang::Python, "def f(desc, o):\n    q = 'SELECT 1 ORDER BY a ' + ('DESC' if desc else o)\n    run(q)\n"),
        (Lang::Python, "T = {'user': 'users'}\ndef f(kind, t):\n    T[kind] = t\n    q = 'SELECT * FROM ' + T[kind]\n    run(q)\n"),
        (Lang::Python, "T = ['users']\ndef f(t):\n    T.append(t)\n    q = 'SELECT * FROM ' + T[1]\n    run(q)\n"),
        (Lang::Python, "def f(names, i):\n    q = 'SELECT * FROM ' + names[i]\n    run(q)\n"),
        (Lang::Python, "def f(t):\n    q = 'SELECT * FROM ' + {'a': t}['a']\n    run(q)\n"),
        (Lang::Python, "def f(a, x):\n    q = \"SELECT %d WHERE b = '%s'\" % (a, x)\n    run(q)\n"),
        (Lang::Python, "def f(a):\n    q = \"SELECT '%c'\" % a\n    run(q)\n"),
        (Lang::Ruby, "def f\n  q = 'ls ' + ENV['DIR']\n  system(q)\nend\n"),
        (Lang::Php, "<?php\nfunction f() {\n  $q = 'SELECT 1 ORDER BY ' . ($_GET['o'] ?: 'a');\n  run($q);\n}\n"),
        (Lang::Java, "class A { void f(boolean asc, String o) { String q = \"SELECT 1 \" + (asc ? \"ASC\" : o); run(q); } }\n"),
        (Lang::Java, "class A { void f(String s, String name) { String col = switch (s) { case \"a\" -> name; default -> \"id\"; }; String q = \"SELECT \" + col; run(q); } }\n"),
        (Lang::Python, "O = {'asc': 'ASC'}\ndef f(d, o):\n    q = 'SELECT 1 ' + O.get(d, o)\n    run(q)\n"),
        (Lang::Python, "O = {'asc': 'ASC'}\ndef f(d, req):\n    O.update(req)\n    q = 'SELECT 1 ' + O.get(d)\n    run(q)\n"),
        (Lang::Ruby, "def f\n  q = 'ls ' + ENV.fetch('DIR', '.')\n  system(q)\nend\n"),
        // A table given other values anywhere in its scope, or written through an
        // element, or whose elements are lists a reader may append to.
        (Lang::JavaScript, "let T = { name: 'name' };\napp.post('/c', (req) => { T = req.body; });\nfunction f(s) {\n  const q = 'SELECT * FROM t ORDER BY ' + T[s];\n  run(q);\n}\n"),
        (Lang::Python, "def f(request, k):\n    if request.args.get('c'):\n        T = request.args\n    else:\n        T = {'a': 'name'}\n    q = 'SELECT %s FROM t' % T[k]\n    run(q)\n"),
        (Lang::JavaScript, "const T = { a: 'users' };\nfunction f(req, k) {\n  [T[k]] = [req.query.t];\n  const q = 'SELECT * FROM ' + T[k];\n  run(q);\n}\n"),
        (Lang::JavaScript, "const T = { a: 'users' };\nfunction f(req, k) {\n  const { T } = req.body;\n  const q = 'SELECT * FROM ' + T[k];\n  run(q);\n}\n"),
        (Lang::Python, "T = {'a': ['name']}\ndef f(k, x):\n    T[k].append(x)\n    q = 'SELECT ' + ', '.join(T[k])\n    run(q)\n"),
        (Lang::Python, "T = {'a': 'users'}\ndef f(k, x):\n    T[k], n = x, 0\n    q = 'SELECT * FROM ' + T[k]\n    run(q)\n"),
        (Lang::Ruby, "T = { 'a' => 'users' }\ndef f(k, x)\n  T[k] << x\n  q = 'SELECT * FROM ' + T[k]\n  run(q)\nend\n"),
        // A comment does not shift Python's branches; an escape may spell a conversion.
        (Lang::Python, "def f(request):\n    q = 'SELECT 1 ORDER BY ' + ('id'  # default\n        if STRICT else request.args['sort'])\n    run(q)\n"),
        (Lang::Python, "def f(name):\n    q = 'SELECT \\x25s' % name\n    run(q)\n"),
        (Lang::Python, "def f(d):\n    q = 'SELECT %(x(y)d)s' % d\n    run(q)\n"),
    ] {
        let target = if lang == Lang::Php { "$q" } else { "q" };
        let (c, ..) = ask(lang, code, target);
        assert!(!c, "{code}");
    }
}

#[test]
fn callback_names_formats_and_blocks_keep_their_own_values() {
    for (lang, code, target) in [
        // A callback's or a loop's own name, though an outer constant has it too.
        (Lang::JavaScript, "const name = 'name';\nfunction f(ids) {\n  const p = ids.map(name => `'${name}'`).join(',');\n  q(p);\n}\n", "p"),
        (Lang::Java, "class A { void f(List<String> ids) { String id = \"?\"; String p = ids.stream().map(id -> id).collect(Collectors.joining(\",\")); q(p); } }\n", "p"),
        (Lang::Python, "col = 'name'\ndef f(cols):\n    p = ', '.join('\"%s\"' % col for col in cols)\n    q(p)\n", "p"),
        // lodash's map hands a key, second; a variable named `strings` is no package.
        (Lang::JavaScript, "function f(o) {\n  _.map(o, (v, key) => run(`SET ${key}`));\n}\n", "key"),
        (Lang::JavaScript, "function f(o) {\n  lib.map(o, (v, key) => run(`SET ${key}`));\n}\n", "key"),
        (Lang::JavaScript, "function f(req) {\n  const strings = req.query.names;\n  const p = strings.join(',');\n  q(p);\n}\n", "p"),
        // Ruby's block makes the values `collect` returns.
        (Lang::Ruby, "def f(params)\n  p = %w[a b].collect { |c| params[c] }.join(' AND ')\n  q(p)\nend\n", "p"),
        // A number printed with a format held elsewhere, or through an array of code points.
        (Lang::Java, "class A { void f(int code) { String p = String.format(FMT, code); q(p); } }\n", "p"),
        (Lang::Java, "class A { void f(int code) { String p = new String(new int[] {code}, 0, 1); q(p); } }\n", "p"),
    ] {
        let (c, ..) = ask(lang, code, target);
        assert!(!c, "{code}");
    }
    let c = "int f(sqlite3 *db, int id) {\n  char q[64];\n  sprintf(q, \"SELECT '%\" \"c'\", id);\n  return sqlite3_exec(db, q, 0, 0, 0);\n}\n";
    assert!(!ask(Lang::C, c, "q").0);
    // A Go case clause is a block: its number is gone in the next clause.
    for (first, second) in [("case 1", "default"), ("default", "case 1")] {
        let go = format!("package p\nvar name string\nfunc f(db *sql.DB, k int) {{\n  switch k {{\n  {first}:\n    var name int64\n    _ = name\n  {second}:\n    db.Query(\"'\" + name + \"'\")\n  }}\n}}\n");
        assert!(ask(Lang::Go, &go, "\"'\" + name + \"'\"").1, "{go}");
    }
}

#[test]
fn go_elements_whose_address_is_taken_may_change() {
    let go = "package p\nfunc f(db *sql.DB, r *http.Request) {\n  arr := []string{\"users\", \"orders\"}\n  p := &arr[0]\n  *p = r.FormValue(\"t\")\n  db.Query(\"SELECT * FROM \" + arr[0])\n}\n";
    assert!(!ask(Lang::Go, go, "\"SELECT * FROM \" + arr[0]").0);
    let go = "package p\nfunc f(db *sql.DB, k int) {\n  arr := []string{\"users\", \"orders\"}\n  db.Query(\"SELECT * FROM \" + arr[k])\n}\n";
    assert!(ask(Lang::Go, go, "\"SELECT * FROM \" + arr[k]").0);
}

#[test]
fn names_checked_against_allow_lists_are_constant() {
    let c = |lang, code: &str| ask(lang, code, "col").0;
    // JavaScript: a guard that throws or returns, `in`, a ternary, a positive branch.
    let js = |check: &str, list: &str| {
        format!(
            "{list}\nfunction f(req, res) {{\n  const col = req.query.sort;\n  {check}\n  return db.query(`SELECT * FROM t ORDER BY ${{col}}`);\n}}\n"
        )
    };
    let list = "const ALLOWED = ['name', 'created_at'];";
    assert!(c(
        Lang::JavaScript,
        &js(
            "if (!ALLOWED.includes(col)) { throw new Error('sort'); }",
            list
        )
    ));
    assert!(c(
        Lang::JavaScript,
        &js(
            "if (!ALLOWED.includes(col) || !ok) return res.status(400).end();",
            list
        )
    ));
    let set = "const ALLOWED = new Set(['name', 'created_at']);";
    assert!(c(
        Lang::JavaScript,
        &js("if (!ALLOWED.has(col)) return res.sendStatus(400);", set)
    ));
    let dirs = "const ALLOWED = {name: 'name', 'created': 'created_at'};";
    assert!(c(
        Lang::JavaScript,
        &js("if (!(col in ALLOWED)) { throw new Error('sort'); }", dirs)
    ));
    let ternary = "function f(req) {\n  const s = req.query.sort;\n  const col = ['name', 'id'].includes(s) ? s : 'id';\n  return db.query(`SELECT * FROM t ORDER BY ${col}`);\n}\n";
    assert!(c(Lang::JavaScript, ternary));
    let inside = "const ALLOWED = ['name'];\nfunction f(req) {\n  const col = req.query.sort;\n  if (ALLOWED.includes(col) && req.user) {\n    db.query(`SELECT * FROM t ORDER BY ${col}`);\n  }\n}\n";
    assert!(c(Lang::JavaScript, inside));
    // Not a check that keeps other values out.
    for check in [
        "if (!ALLOWED.includes(col)) { console.log('odd sort'); }",
        "if (ALLOWED.includes(col)) { throw new Error('sort'); }",
        "if (!ALLOWED.includes(col) && strict) { throw new Error('sort'); }",
        "if (!ALLOWED.includes(other)) { throw new Error('sort'); }",
        "if (!ALLOWED.includes(col.trim())) { throw new Error('sort'); }",
        "while (!ALLOWED.includes(col)) { break; }",
        "if (!ALLOWED.includes(col)) { throw new Error('sort'); }\n  col = req.query.order;",
    ] {
        assert!(!c(Lang::JavaScript, &js(check, list)), "{check}");
    }
    let check = "if (!ALLOWED.includes(col)) { throw new Error('sort'); }";
    for list in [
        "const ALLOWED = ['name', process.env.SORT];",
        "const ALLOWED = ['name'];\nALLOWED.push(process.argv[2]);",
        "let ALLOWED = ['name'];\nfunction g(req) { ALLOWED = req.body.columns; }",
    ] {
        assert!(!c(Lang::JavaScript, &js(check, list)), "{list}");
    }
    let computed = "const ALLOWED = {name: 1, [process.env.SORT]: 1};";
    assert!(!c(
        Lang::JavaScript,
        &js(
            "if (!(col in ALLOWED)) { throw new Error('sort'); }",
            computed
        )
    ));
    let negated = "const ALLOWED = ['name'];\nfunction f(req) {\n  const col = req.query.sort;\n  if (!ALLOWED.includes(col) && req.user) {\n    db.query(`SELECT * FROM t ORDER BY ${col}`);\n  }\n}\n";
    assert!(!c(Lang::JavaScript, negated));
    let after = "const ALLOWED = ['name'];\nfunction f(req) {\n  const col = req.query.sort;\n  if (ALLOWED.includes(col)) { ok(); }\n  return db.query(`SELECT * FROM t ORDER BY ${col}`);\n}\n";
    assert!(!c(Lang::JavaScript, after));

    // Python: `not in` with a raise, a positive branch, a conditional expression.
    let py = "ALLOWED = {\"name\", \"created_at\"}\ndef f(cur, col):\n    if col not in ALLOWED:\n        log(col)\n        raise ValueError(col)\n    cur.execute(f\"SELECT * FROM t ORDER BY {col}\")\n";
    assert!(c(Lang::Python, py));
    let py = "def f(cur, col):\n    if col in (\"name\", \"created_at\"):\n        cur.execute(f\"SELECT * FROM t ORDER BY {col}\")\n";
    assert!(c(Lang::Python, py));
    let py = "SORTS = frozenset([\"name\", \"id\"])\ndef f(cur, s):\n    col = s if s in SORTS else \"id\"\n    cur.execute(f\"SELECT * FROM t ORDER BY {col}\")\n";
    assert!(c(Lang::Python, py));
    let py = "ALLOWED = {\"name\", \"created_at\"}\ndef f(cur, col):\n    if col in ALLOWED:\n        pass\n    cur.execute(f\"SELECT * FROM t ORDER BY {col}\")\n";
    assert!(!c(Lang::Python, py));
    let py = "ALLOWED = {\"name\", \"created_at\"}\ndef f(cur, col):\n    if col not in ALLOWED:\n        raise ValueError(col)\n    cur.execute(f\"SELECT * FROM t ORDER BY {col}\")\ndef g(x):\n    ALLOWED.add(x)\n";
    assert!(!c(Lang::Python, py));

    // Java, Go, PHP and Ruby.
    let java = "class R {\n  private static final Set<String> ALLOWED = Set.of(\"name\", \"date\");\n  List<Row> f(String col) {\n    if (!ALLOWED.contains(col)) {\n      throw new IllegalArgumentException(\"sort\");\n    }\n    return jdbc.query(\"SELECT * FROM t ORDER BY \" + col);\n  }\n}\n";
    assert!(c(Lang::Java, java));
    assert!(!c(
        Lang::Java,
        &java.replace(
            "throw new IllegalArgumentException(\"sort\");",
            "log.warn(\"sort\");"
        )
    ));
    let go = "package p\nfunc f(w http.ResponseWriter, db *sql.DB, col string) {\n  allowed := map[string]bool{\"name\": true, \"date\": true}\n  if !allowed[col] {\n    http.Error(w, \"sort\", 400)\n    return\n  }\n  db.Query(\"SELECT * FROM t ORDER BY \" + col)\n}\n";
    assert!(c(Lang::Go, go));
    let go = "package p\nfunc f(db *sql.DB, col string) {\n  if !slices.Contains([]string{\"name\", \"date\"}, col) {\n    panic(\"sort\")\n  }\n  db.Query(\"SELECT * FROM t ORDER BY \" + col)\n}\n";
    assert!(c(Lang::Go, go));
    let php = "<?php\nfunction f($pdo, $col) {\n  if (!in_array($col, ['name', 'date'], true)) {\n    throw new InvalidArgumentException('sort');\n  }\n  return $pdo->query(\"SELECT * FROM t ORDER BY $col\");\n}\n";
    assert!(ask(Lang::Php, php, "$col").0);
    assert!(!ask(Lang::Php, &php.replace("'date'", "$_GET['extra']"), "$col").0);
    let php = "<?php\nfunction f($pdo, $col) {\n  $allowed = ['name', 'date'];\n  if (!in_array($col, $allowed, true)) {\n    exit('sort');\n  }\n  return $pdo->query(\"SELECT * FROM t ORDER BY $col\");\n}\n";
    assert!(ask(Lang::Php, php, "$col").0);
    let php = php.replace("exit('sort');", "$allowed[] = $col;");
    assert!(!ask(Lang::Php, &php, "$col").0);
    let php = "<?php\nfunction f($pdo, $col) {\n  $sorts = ['name' => 1, 'date' => 1];\n  if (!isset($sorts[$col])) {\n    throw new Exception('sort');\n  }\n  return $pdo->query(\"SELECT * FROM t ORDER BY $col\");\n}\n";
    assert!(ask(Lang::Php, php, "$col").0);
    // PHP's tables are read like the others.
    let php = "<?php\nfunction f($pdo, $kind) {\n  $tables = ['user' => 'users', 'order' => 'orders'];\n  return $pdo->query('SELECT * FROM ' . $tables[$kind]);\n}\n";
    assert!(ask(Lang::Php, php, "'SELECT * FROM ' . $tables[$kind]").0);
    let extracted = php.replace("  return", "  extract($_GET);\n  return");
    assert!(!ask(Lang::Php, &extracted, "'SELECT * FROM ' . $tables[$kind]").0);
    let php = php.replace("  return", "  $tables[$kind] = $_GET['t'];\n  return");
    assert!(!ask(Lang::Php, &php, "'SELECT * FROM ' . $tables[$kind]").0);
    let ruby = "def f(col)\n  raise ArgumentError, 'sort' unless %w[name date].include?(col)\n  Post.order(\"#{col} DESC\")\nend\n";
    assert!(c(Lang::Ruby, ruby));
    assert!(!c(Lang::Ruby, &ruby.replace("unless", "if")));
    assert!(!c(
        Lang::Ruby,
        &ruby.replace("%w[name date]", "%W[name #{params[:extra]}]")
    ));
    let ruby = "def f(col)\n  unless %w[name date].include?(col)\n    Post.order(\"#{col} DESC\")\n  end\nend\n";
    assert!(!c(Lang::Ruby, ruby));
    assert!(c(Lang::Ruby, &ruby.replace("unless", "if")));
}

#[test]
fn lengths_of_local_lists_are_numbers() {
    let js = "async function f(db, req) {\n  const params = [];\n  let sql = 'SELECT * FROM t WHERE 1=1';\n  if (req.query.name) {\n    params.push(req.query.name);\n    sql += ` AND name = $${params.length}`;\n  }\n  return db.query(sql, params);\n}\n";
    assert!(ask(Lang::JavaScript, js, "` AND name = $${params.length}`").0);
    let (c, d, ..) = ask(Lang::JavaScript, js, "sql");
    assert!(c && !d);
    // A request's `length`, or a list replaced by one, may be text.
    for js in [
        js.replace("$${params.length}", "${req.query.length}"),
        js.replace("params.push(req.query.name);", "params = req.body;"),
        js.replace("const params = [];", "const params = req.body.params;"),
        js.replace(
            "const params = [];",
            "let params = [];\n  ({ params } = req.body);",
        ),
        js.replace(
            "const params = [];",
            "let params = [];\n  const load = () => { params = req.body.params; };\n  load();",
        ),
        js.replace(
            "const params = [];",
            "let params = [];\n  for (params of req.body.groups) {}",
        ),
        js.replace(
            "const params = [];",
            "let params = [];\n  (params) = req.body.filter;",
        ),
    ] {
        assert!(!ask(Lang::JavaScript, &js, "sql").0, "{js}");
    }
}

#[test]
fn java_number_fields_are_constant() {
    let java = "class Repo {\n  private final int limit;\n  private String table;\n  Repo(int limit) { this.limit = limit; }\n  List<Row> page(Jdbc jdbc) {\n    return jdbc.query(\"SELECT * FROM t LIMIT \" + limit);\n  }\n}\n";
    assert!(ask(Lang::Java, java, "\"SELECT * FROM t LIMIT \" + limit").0);
    let this = java.replace("+ limit)", "+ this.limit)");
    assert!(ask(Lang::Java, &this, "\"SELECT * FROM t LIMIT \" + this.limit").0);
    // A text field, a local or a parameter that hides the field, a lambda's parameter,
    // another class's text field by that name, a character.
    let cases = [
        java.replace("+ limit)", "+ table)"),
        java.replace(
            "List<Row> page(Jdbc jdbc) {",
            "List<Row> page(Jdbc jdbc, String limit) {",
        ),
        java.replace(
            "    return jdbc",
            "    String limit = req.getParameter(\"l\");\n    return jdbc",
        ),
        java.replace(
            "    return jdbc.query(\"SELECT * FROM t LIMIT \" + limit);",
            "    return names.map(limit -> jdbc.query(\"SELECT * FROM t LIMIT \" + limit));",
        ),
        // Inherited from a class not in view, whatever another class declares.
        java.replace("class Repo {", "class Repo extends Base {")
            .replace("  private final int limit;\n", "")
            .replace("  Repo(int limit) { this.limit = limit; }\n", "")
            + "class Owner { private long limit; }\n",
        // An anonymous class's own field by that name is its base's.
        java.replace(
            "    return jdbc.query(\"SELECT * FROM t LIMIT \" + limit);",
            "    return new Base() {\n      List<Row> run() { return jdbc.query(\"SELECT * FROM t LIMIT \" + limit); }\n    }.run();",
        ),
        java.replace("private final int limit;", "private final char limit;"),
        java.replace("    return jdbc.query(\"SELECT * FROM t LIMIT \" + limit);", "    String limit = req.getParameter(\"l\");\n    return names.map(n -> jdbc.query(\"SELECT * FROM t LIMIT \" + limit));"),
    ];
    // A record's component by that name.
    let record = "class Repo {\n  private int order;\n  record Page(String order) {\n    String sql() { return \"SELECT * FROM t ORDER BY \" + order; }\n  }\n}\n";
    assert!(!ask(Lang::Java, record, "\"SELECT * FROM t ORDER BY \" + order").0);
    // A nested class's field by that name is not the one the method reads.
    let nested = java.replace(
        "  private String table;",
        "  private String table;\n  static class Other { String limit; }",
    );
    assert!(ask(Lang::Java, &nested, "\"SELECT * FROM t LIMIT \" + limit").0);
    let chars = this.replace(
        "\"SELECT * FROM t LIMIT \" + this.limit",
        "String.format(\"SELECT * FROM t WHERE c = '%c'\", this.limit)",
    );
    assert!(!ask(Lang::Java, &chars, "this.limit").0);
    assert!(ask(Lang::Java, &chars.replace("%c", "%d"), "this.limit").0);
    for java in &cases {
        let target = if java.contains("+ table)") {
            "\"SELECT * FROM t LIMIT \" + table"
        } else {
            "\"SELECT * FROM t LIMIT \" + limit"
        };
        assert!(!ask(Lang::Java, java, target).0, "{java}");
    }
}

#[test]
fn go_range_indexes_and_made_lists_are_constant() {
    let go = "package p\nfunc f(db *sql.DB, ids []any) {\n  q := \"SELECT * FROM t WHERE id IN (\"\n  for i := range ids {\n    q += fmt.Sprintf(\"$%d,\", i+1)\n  }\n  db.Query(q, ids...)\n}\n";
    assert!(ask(Lang::Go, go, "fmt.Sprintf(\"$%d,\", i+1)").0);
    assert!(!ask(Lang::Go, go, "q").1);
    // A slice from the standard library: its indexes too.
    let split = go.replace(
        "  for i := range ids",
        "  parts := strings.Split(r.FormValue(\"ids\"), \",\")\n  for i := range parts",
    );
    assert!(ask(Lang::Go, &split, "fmt.Sprintf(\"$%d,\", i+1)").0);
    // A map's key, a key assigned to an outer variable, a list given another value.
    for go in [
        go.replace("ids []any", "ids map[string]any"),
        go.replace("for i := range ids", "var i string\n  for i = range names"),
        go.replace(
            "  for i := range ids",
            "  ids := r.URL.Query()\n  for i := range ids",
        ),
        go.replace(
            "  for i := range ids",
            "  for _, ids := range rows {\n  for i := range ids",
        ),
        go.replace(
            "  for i := range ids",
            "  parts := split(r.FormValue(\"ids\"))\n  for i := range parts",
        ),
    ] {
        assert!(!ask(Lang::Go, &go, "fmt.Sprintf(\"$%d,\", i+1)").0, "{go}");
    }
    let made = "package p\nfunc f(db *sql.DB, ids []int64) {\n  marks := make([]string, len(ids))\n  for i := range ids {\n    marks[i] = \"$\" + strconv.Itoa(i+1)\n  }\n  db.Query(\"SELECT * FROM t WHERE id IN (\" + strings.Join(marks, \",\") + \")\")\n}\n";
    let join = "strings.Join(marks, \",\")";
    assert!(ask(Lang::Go, made, join).0);
    for fill in [
        "json.Unmarshal(body, &marks)",
        "copy(marks, r.URL.Query()[\"id\"])",
        "fmt.Sscan(r.FormValue(\"id\"), &marks[0])",
        "fill(marks)",
    ] {
        let filled = made.replace("  db.Query", &format!("  {fill}\n  db.Query"));
        assert!(!ask(Lang::Go, &filled, join).0, "{fill}");
    }
    let shared = made.replace(
        "  db.Query",
        "  extra := append(marks, \"name\")\n  extra[0] = r.FormValue(\"id\")\n  db.Query",
    );
    assert!(!ask(Lang::Go, &shared, join).0);
    let received = "package p\nfunc f(r *http.Request) {\n  results := make(chan string, 1)\n  go func() { results <- r.FormValue(\"cmd\") }()\n  cmd := <-results\n  exec.Command(\"sh\", \"-c\", cmd).Run()\n}\n";
    assert!(!ask(Lang::Go, received, "cmd").0);
    let written = made.replace("  db.Query", "  marks[0] = r.FormValue(\"id\")\n  db.Query");
    assert!(!ask(Lang::Go, &written, join).0);
    let pair = made.replace(
        "marks[i] = \"$\" + strconv.Itoa(i+1)",
        "marks[i], n = r.FormValue(\"id\"), 1",
    );
    assert!(!ask(Lang::Go, &pair, join).0);
    let appended = "package p\nfunc f(db *sql.DB, ids []any) {\n  marks := make([]string, 0, len(ids))\n  for range ids {\n    marks = append(marks, \"?\")\n  }\n  db.Query(\"SELECT * FROM t WHERE id IN (\" + strings.Join(marks, \",\") + \")\", ids...)\n}\n";
    assert!(ask(Lang::Go, appended, join).0);
    let tainted = appended.replace(
        "  db.Query",
        "  marks = append(marks, r.FormValue(\"id\"))\n  db.Query",
    );
    assert!(!ask(Lang::Go, &tainted, join).0);
    let branch = appended.replace("  for range ids", "  if r.FormValue(\"raw\") != \"\" {\n    marks = append(marks, r.FormValue(\"raw\"))\n  }\n  for range ids");
    assert!(!ask(Lang::Go, &branch, join).0);
    // Elements written after a list is filled, in other languages too.
    let js = "function f(db, req, ids) {\n  const marks = new Array(ids.length).fill('?');\n  marks[0] = req.query.id;\n  return db.query(`SELECT * FROM t WHERE id IN (${marks.join(',')})`, ids);\n}\n";
    assert!(!ask(Lang::JavaScript, js, "marks").0);
    assert!(
        ask(
            Lang::JavaScript,
            &js.replace("req.query.id", "'?'"),
            "marks"
        )
        .0
    );
    let py = "def f(cur, ids):\n    marks = ['%s'] * len(ids)\n    marks[0] = request.args['id']\n    cur.execute('SELECT * FROM t WHERE id IN (' + ','.join(marks) + ')', ids)\n";
    assert!(!ask(Lang::Python, py, "','.join(marks)").0);
}

#[test]
fn allow_list_checks_that_may_not_hold_are_not_trusted() {
    let c = |lang, code: &str| ask(lang, code, "col").0;
    let js = |between: &str| {
        format!(
            "const ALLOWED = ['name', 'created_at'];\nasync function f(req, res) {{\n  let col = req.query.sort;\n  if (!ALLOWED.includes(col)) return res.sendStatus(400);\n  {between}\n  return db.query(`SELECT * FROM t ORDER BY ${{col}}`);\n}}\n"
        )
    };
    assert!(c(Lang::JavaScript, &js("log(col);")));
    // Given another value where it is not assigned plainly, or changed through a pointer.
    for between in [
        "({ col } = req.body);",
        "for (col of [].concat(req.query.more)) await next();",
        "[col] = req.body.cols;",
    ] {
        assert!(!c(Lang::JavaScript, &js(between)), "{between}");
    }
    // A function of the snippet's own that may return, a flag.
    for leave in ["fail(res, 'sort');", "abort = true;"] {
        let code = js("").replace("return res.sendStatus(400);", leave);
        assert!(!c(Lang::JavaScript, &code), "{leave}");
    }
    // Assigned through parentheses or an assertion; assigned inside the check itself.
    for between in ["(col) = req.query.raw;", "(col as any) = req.query.raw;"] {
        assert!(!ask(Lang::TypeScript, &js(between), "col").0, "{between}");
    }
    let inside = js("").replace(
        "!ALLOWED.includes(col))",
        "!ALLOWED.includes(col) || !(col = req.query.raw || col))",
    );
    assert!(!c(Lang::JavaScript, &inside));
    // Written by a closure made before the check, which may run after it.
    let closure = js("fallback();").replace(
        "  if (!ALLOWED",
        "  const fallback = () => { col = req.query.fallback; };\n  if (!ALLOWED",
    );
    assert!(!c(Lang::JavaScript, &closure));
    assert!(c(
        Lang::JavaScript,
        &closure.replace("col = req.query.fallback", "log(col)")
    ));
    // A module variable the function assigns but does not declare; Python's `global`.
    let assigned = "const ALLOWED = ['name'];\nlet col;\nfunction f(req, res) {\n  col = req.query.sort;\n  if (!ALLOWED.includes(col)) return res.sendStatus(400);\n  refresh();\n  return db.query(`SELECT * FROM t ORDER BY ${col}`);\n}\n";
    assert!(!c(Lang::JavaScript, assigned));
    assert!(c(
        Lang::JavaScript,
        &assigned.replace("  col = req", "  let col = req")
    ));
    let global = "ALLOWED = {\"name\"}\ndef f(cur, req):\n    global col\n    col = req.args[\"sort\"]\n    if col not in ALLOWED:\n        raise ValueError()\n    refresh()\n    cur.execute(f\"SELECT * FROM t ORDER BY {col}\")\n";
    assert!(!c(Lang::Python, global));
    assert!(c(Lang::Python, &global.replace("    global col\n", "")));
    // A variable of the module's, which any call may change.
    let global = "const ALLOWED = ['name'];\nlet col = process.env.SORT;\nfunction set(req) { col = req.query.raw; }\nfunction f(res) {\n  if (!ALLOWED.includes(col)) return res.sendStatus(400);\n  refresh();\n  return db.query(`SELECT * FROM t ORDER BY ${col}`);\n}\n";
    assert!(!c(Lang::JavaScript, global));
    // A generator's own parameter is not the name checked outside it.
    let generator = "const ALLOWED = ['name'];\nfunction f(req) {\n  const col = req.query.sort;\n  if (!ALLOWED.includes(col)) throw new Error('sort');\n  const pages = function* (col) {\n    yield db.query(`SELECT * FROM t ORDER BY ${col}`);\n  };\n  return pages(req.query.other);\n}\n";
    assert!(!c(Lang::JavaScript, generator));

    let py = |between: &str| {
        format!(
            "ALLOWED = {{\"name\", \"date\"}}\ndef f(cur, nexts, col):\n    if col not in ALLOWED:\n        raise ValueError(\"sort\")\n    for n in nexts:\n        cur.execute(f\"SELECT * FROM t ORDER BY {{col}}\")\n        {between}\n"
        )
    };
    assert!(c(Lang::Python, &py("log(col)")));
    // A later pass of the loop reads what the end of the previous one wrote.
    assert!(!c(Lang::Python, &py("col = n")));
    assert!(!c(Lang::Python, &py("(col := n)")));
    let flag = py("").replace(
        "raise ValueError(\"sort\")",
        "fail = True\n        log.warning(\"sort\")",
    );
    assert!(!c(Lang::Python, &flag));

    let go = "package p\nfunc f(db *sql.DB, r *http.Request) {\n  allowed := map[string]bool{\"name\": true}\n  col := r.FormValue(\"sort\")\n  p := &col\n  if !allowed[col] {\n    return\n  }\n  *p = r.FormValue(\"raw\")\n  db.Query(\"SELECT * FROM t ORDER BY \" + col)\n}\n";
    assert!(!c(Lang::Go, go));
    assert!(c(
        Lang::Go,
        &go.replace("  p := &col\n", "")
            .replace("  *p = r.FormValue(\"raw\")\n", "")
    ));

    // PHP: a loose in_array; a reference parameter anywhere in the snippet.
    let php = "<?php\nfunction f($pdo, $col) {\n  if (!in_array($col, [10, 25], true)) {\n    throw new Exception('limit');\n  }\n  return $pdo->query(\"SELECT * FROM t LIMIT $col\");\n}\n";
    assert!(ask(Lang::Php, php, "$col").0);
    assert!(!ask(Lang::Php, &php.replace(", true)", ")"), "$col").0);
    assert!(!ask(Lang::Php, &php.replace(", true)", ", false)"), "$col").0);
    let byref = php.replace(
        "<?php\n",
        "<?php\nfunction legacy(&$col) { $col = $_GET['raw']; }\n",
    );
    assert!(!ask(Lang::Php, &byref, "$col").0);
    for alias in [
        "  $alias = & $col;\n",
        "  ${'co' . 'l'} = $_GET['raw'];\n",
        "  sscanf($_GET['raw'], '%s', $col);\n",
    ] {
        let code = php.replace("  return", &format!("{alias}  return"));
        assert!(!ask(Lang::Php, &code, "$col").0, "{alias}");
    }
    let jump = go
        .replace(
            "  p := &col\n",
            "  if r.FormValue(\"raw\") != \"\" {\n    goto run\n  }\n",
        )
        .replace("  *p = r.FormValue(\"raw\")\n", "run:\n");
    assert!(!c(Lang::Go, &jump));

    // Ruby: changed in place, an instance variable, a rescue clause after the check.
    let rb = "def index\n  col = params[:sort]\n  raise ArgumentError unless %w[name date].include?(col)\n  BETWEEN\n  Post.order(\"#{col} DESC\")\nend\n";
    assert!(c(
        Lang::Ruby,
        &rb.replace("BETWEEN", "log(\"sort #{col}\")")
    ));
    // A helper may change the same string in place, through any other name for it.
    assert!(!c(Lang::Ruby, &rb.replace("BETWEEN", "add_direction(col)")));
    let alias = rb
        .replace("  raise", "  clause = col\n  raise")
        .replace("BETWEEN", "clause << params[:dir]");
    assert!(!c(Lang::Ruby, &alias));
    assert!(!c(
        Lang::Ruby,
        &rb.replace("BETWEEN", "col << params[:dir].to_s")
    ));
    let ivar = rb
        .replace("col", "@col")
        .replace("BETWEEN", "load_preferences");
    assert!(!ask(Lang::Ruby, &ivar, "@col").0);
    let rescue = "def index\n  col = params[:sort]\n  raise ArgumentError unless %w[name date].include?(col)\n  log(col)\nrescue ArgumentError\n  Post.where(\"category = '#{col}'\")\nend\n";
    assert!(!c(Lang::Ruby, rescue));
}

#[test]
fn typescript_lists_ruby_constants_and_rails_answers_are_allow_lists() {
    // A typed declaration is a plain one: what it gives is the base of what follows.
    let typed = "function f(db, req) {\n  let q: string = 'SELECT * FROM t';\n  q += ` WHERE id = ${req.query.id}`;\n  return db.query(q);\n}\n";
    assert!(ask(Lang::TypeScript, typed, "q").1);
    assert!(
        !ask(
            Lang::TypeScript,
            &typed.replace("${req.query.id}", "1"),
            "q"
        )
        .1
    );
    let shadow = "function f(db, req) {\n  let q = req.query.q;\n  if (req.user) {\n    const q: string = 'SELECT 1';\n    return db.query(q);\n  }\n}\n";
    assert!(ask(Lang::TypeScript, shadow, "q").0);
    let ts = "const SORTABLE: string[] = ['name', 'created_at'];\napp.get('/p', async (req, res) => {\n  const col = req.query.sort as string;\n  if (!SORTABLE.includes(col)) {\n    return res.sendStatus(400);\n  }\n  return pool.query(`SELECT * FROM t ORDER BY ${col}`);\n});\n";
    assert!(ask(Lang::TypeScript, ts, "col").0);
    let as_const = ts
        .replace(
            ": string[] = ['name', 'created_at'];",
            " = ['name', 'created_at'] as const;\ntype Sort = typeof SORTABLE[number];",
        )
        .replace(
            "SORTABLE.includes(col)",
            "(SORTABLE as readonly string[]).includes(col)",
        );
    assert!(ask(Lang::TypeScript, &as_const, "col").0);
    let open = ts.replace(
        "  const col",
        "  SORTABLE.push(req.query.extra as string);\n  const col",
    );
    assert!(!ask(Lang::TypeScript, &open, "col").0);
    let rb = "class C\n  SORTS = %w[name date].freeze\n  def index\n    col = params[:sort]\n    head :bad_request and return unless SORTS.include?(col)\n    Post.order(\"#{col} DESC\")\n  end\nend\n";
    assert!(ask(Lang::Ruby, rb, "col").0);
    assert!(
        !ask(
            Lang::Ruby,
            &rb.replace("head :bad_request", "puts 'bad'"),
            "col"
        )
        .0
    );
    assert!(
        !ask(
            Lang::Ruby,
            &rb.replace(".freeze", ".freeze\n  SORTS << ENV['EXTRA']"),
            "col"
        )
        .0
    );
}

#[test]
fn lists_changed_in_place_are_not_constant() {
    // Each list is made of constants, then given a value by a way other than an
    // assignment or an append: the text built from it is not constant.
    for (lang, code, target) in [
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  cols.splice(0, 1, req.query.c);\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  cols.unshift(req.query.c);\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  const all = cols;\n  all.push(req.query.c);\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::JavaScript, "function f(req) {\n  const g = [['id', 'name']];\n  g[0][0] = req.query.c;\n  q('SELECT ' + g[0].join(','));\n}\n", "'SELECT ' + g[0].join(',')"),
        (Lang::Python, "def f(req):\n    cols = ['id', 'name']\n    cols.insert(0, req.args['c'])\n    q('SELECT ' + ', '.join(cols))\n", "'SELECT ' + ', '.join(cols)"),
        (Lang::Python, "def add(l, v):\n    l.append(v)\ndef f(req):\n    cols = ['id', 'name']\n    add(cols, req.args['c'])\n    q('SELECT ' + ', '.join(cols))\n", "'SELECT ' + ', '.join(cols)"),
        (Lang::Python, "def f(req):\n    cols = []\n    cols.append('id')\n    cols[0:0] = [req.args['c']]\n    q('SELECT ' + ', '.join(cols))\n", "'SELECT ' + ', '.join(cols)"),
        (Lang::Java, "class A { String f(String c) { String[] cols = {\"id\", \"name\"}; Arrays.fill(cols, c); return q(\"SELECT \" + String.join(\",\", cols)); } }\n", "\"SELECT \" + String.join(\",\", cols)"),
        (Lang::Java, "class A { String f(String c) { List<String> cols = new ArrayList<>(); cols.add(\"id\"); Collections.addAll(cols, c); return q(\"SELECT \" + String.join(\",\", cols)); } }\n", "\"SELECT \" + String.join(\",\", cols)"),
        (Lang::Java, "class A { String f(String c) { StringBuilder sb = new StringBuilder(\"SELECT \"); sb.append(\"id\"); sb.insert(0, c); return q(sb.toString()); } }\n", "sb.toString()"),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  cols[0] = params[:c]\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::Ruby, "def f\n  col = 'name'\n  col.<<(params[:c])\n  q(\"SELECT #{col}\")\nend\n", "\"SELECT #{col}\""),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  cols << params[:c]\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  cols.each { |c| c << params[:c] }\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  cols.first << params[:c]\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  cols[0] << params[:c]\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  for c in cols\n    c << params[:c]\n  end\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::JavaScript, "function f(req) {\n  const g = [['id', 'name']];\n  g[0][0] = req.query.c;\n  q('SELECT ' + g.join(','));\n}\n", "'SELECT ' + g.join(',')"),
        // A closure's append, an append a loop runs before the use again, an alias made by
        // `||`, a callback handed the list, a method that returns the list, a library
        // function that writes, a Ruby block, an element changed in place.
        (Lang::JavaScript, "function f(req) {\n  const cols = [];\n  req.query.c.split(',').forEach((c) => cols.push(c));\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::Python, "def f(req):\n    cols = ['id']\n    for c in req.args.getlist('c'):\n        q('SELECT ' + ', '.join(cols))\n        cols.append(c)\n", "'SELECT ' + ', '.join(cols)"),
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  const a = cols || [];\n  a.push(req.query.c);\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  cols.forEach((v, i, arr) => { arr[i] = req.query.c; });\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  cols.sort().push(req.query.c);\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  Reflect.set(cols, 0, req.query.c);\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::JavaScript, "function f(req) {\n  const g = [['id', 'name']];\n  g[0].push(req.query.c);\n  q('SELECT ' + g.join(','));\n}\n", "'SELECT ' + g.join(',')"),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  cols.count { |x| x << params[:c] }\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  m = []\n  m << cols\n  m[0] << params[:c]\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
    ] {
        let (c, ..) = ask(lang, code, target);
        assert!(!c, "{code}");
    }
    // Reads that leave the list as it was keep it constant.
    for (lang, code, target) in [
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  if (cols.includes('x')) cols.pop();\n  console.log(cols.length, `${cols}`);\n  for (const c of cols) log(c);\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::Python, "def f(req):\n    clauses = []\n    if req.args.get('n'):\n        clauses.append('name = %s')\n    print(len(clauses), clauses)\n    for c in clauses:\n        log(c)\n    q('SELECT 1 WHERE ' + (' AND '.join(clauses) if clauses else '1=1'))\n", "'SELECT 1 WHERE ' + (' AND '.join(clauses) if clauses else '1=1')"),
        (Lang::Java, "class A { String f(String c) { StringBuilder sb = new StringBuilder(\"SELECT * FROM t WHERE 1=1\"); if (c != null) sb.append(\" AND a = ?\"); if (sb.length() > 9) sb.setLength(9); return q(sb.toString()); } }\n", "sb.toString()"),
        (Lang::Python, "def f(req):\n    clauses = []\n    clauses.append('a = 1')\n    if not clauses:\n        return\n    q('SELECT 1 WHERE ' + ' AND '.join(clauses))\n", "'SELECT 1 WHERE ' + ' AND '.join(clauses)"),
        (Lang::JavaScript, "function f(req) {\n  const cols = ['id', 'name'];\n  Object.freeze(cols);\n  const copy = Array.from(cols);\n  copy.push(req.query.c);\n  log(JSON.stringify(cols), String(cols), new Set(cols), cols.concat(['x']), cols.findIndex((c) => c === 'id'));\n  cols.sort();\n  q('SELECT ' + cols.join(','));\n}\n", "'SELECT ' + cols.join(',')"),
        (Lang::Python, "def f(req):\n    cols = ['id', 'name']\n    log(json.dumps(cols), enumerate(cols), set(cols), isinstance(cols, list))\n    q('SELECT ' + ', '.join(cols))\n", "'SELECT ' + ', '.join(cols)"),
        (Lang::Java, "class A { String f(String c) { List<String> cols = new ArrayList<>(List.of(\"id\")); List<String> copy = new ArrayList<>(cols); return q(\"SELECT \" + String.join(\",\", cols)); } }\n", "\"SELECT \" + String.join(\",\", cols)"),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  cols.freeze\n  logger.info(cols.inspect)\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
        (Lang::Ruby, "def f\n  cols = ['id', 'name']\n  n = cols.size\n  q(\"SELECT #{cols.join(',')}\")\nend\n", "\"SELECT #{cols.join(',')}\""),
    ] {
        let (c, ..) = ask(lang, code, target);
        assert!(c, "{code}");
    }
    // Outside strict mode, `arguments[0]` is the first parameter by another name.
    let checked = "const ALLOWED = ['id', 'name'];\nfunction f(col, req) {\n  if (!ALLOWED.includes(col)) return null;\n  q('SELECT ' + col);\n}\n";
    assert!(ask(Lang::JavaScript, checked, "col").0);
    let rewritten = checked.replace("  q(", "  arguments[0] = req.query.c;\n  q(");
    assert!(!ask(Lang::JavaScript, &rewritten, "col").0);
    let handed = checked.replace("  q(", "  rewrite(arguments);\n  q(");
    assert!(!ask(Lang::JavaScript, &handed, "col").0);
    // Its length and its elements read, or a local checked, change nothing.
    let length = checked.replace("  q(", "  log(arguments.length, arguments[1]);\n  q(");
    assert!(ask(Lang::JavaScript, &length, "col").0);
    let local = rewritten.replace(
        "function f(col, req) {",
        "function f(sort, req) {\n  const col = sort;",
    );
    assert!(ask(Lang::JavaScript, &local, "col").0);
}

#[test]
fn parameters_hide_outer_values_of_their_name() {
    let java = "class C {\n  private String sort = \"id\";\n  String u(String sort) { return q(\"SELECT \" + sort); }\n}\n";
    assert!(!ask(Lang::Java, java, "\"SELECT \" + sort").0);
    let python = "sort = 'id'\ndef f(sort):\n    q('SELECT ' + sort)\n";
    assert!(!ask(Lang::Python, python, "'SELECT ' + sort").0);
    // Without the parameter, the name is the outer one.
    assert!(
        ask(
            Lang::Python,
            &python.replace("f(sort)", "f()"),
            "'SELECT ' + sort"
        )
        .0
    );
    // JavaScript's unparenthesized and destructured parameters.
    for js in [
        "const sort = 'id';\nconst list = sort => q('SELECT ' + sort);\n",
        "const sort = 'id';\nfunction list({ sort }, res) {\n  q('SELECT ' + sort);\n}\n",
        "const sort = 'id';\nconst list = ({ query: { sort } }) => q('SELECT ' + sort);\n",
    ] {
        assert!(!ask(Lang::JavaScript, js, "'SELECT ' + sort").0, "{js}");
    }
    // A default read from the outer name binds nothing.
    let default = "const sort = 'id';\nfunction list({ s = sort }) {\n  q('SELECT ' + sort);\n}\n";
    assert!(ask(Lang::JavaScript, default, "'SELECT ' + sort").0);
    // Given a value in the function, the parameter is what it is given.
    let given = "sort = 'id'\ndef f(sort):\n    sort = 'name'\n    q('SELECT ' + sort)\n";
    assert!(ask(Lang::Python, given, "'SELECT ' + sort").0);
}

/// A loop's element, a comprehension's and a caught exception are not the outer constant
/// of their name; the outer one is read in the loop's header and where the body gives
/// the name a value first.
#[test]
fn loop_and_catch_variables_hide_outer_values_of_their_name() {
    let q = "'SELECT ' + col";
    let python = "col = 'id'\ndef f(cols):\n    for col in cols:\n        q('SELECT ' + col)\n";
    assert!(!ask(Lang::Python, python, q).0);
    assert!(ask(Lang::Python, &python.replace("for col in", "for c in"), q).0);
    let given = python.replace("cols:\n", "cols:\n        col = 'name'\n");
    assert!(ask(Lang::Python, &given, q).0);
    let comprehension =
        "col = 'id'\ndef f(cols):\n    return [q('SELECT ' + col) for col in cols]\n";
    assert!(!ask(Lang::Python, comprehension, q).0);
    let nested = "col = 'id'\ndef f(rows):\n    return [q('SELECT ' + col) for row in rows for col in row]\n";
    assert!(!ask(Lang::Python, nested, q).0);
    let header = "col = 'id'\ndef f():\n    return [col for col in q('SELECT ' + col)]\n";
    assert!(ask(Lang::Python, header, q).0);
    let header = "col = 'id'\ndef f():\n    for col in q('SELECT ' + col):\n        pass\n";
    assert!(ask(Lang::Python, header, q).0);
    let except = "col = 'id'\ndef f():\n    try:\n        g()\n    except Exception as col:\n        q('SELECT ' + col)\n";
    assert!(!ask(Lang::Python, except, q).0);
    let js = "const col = 'id';\nfunction f(cols) {\n  for (const col of cols) {\n    q('SELECT ' + col);\n  }\n}\n";
    assert!(!ask(Lang::JavaScript, js, q).0);
    assert!(
        ask(
            Lang::JavaScript,
            &js.replace("const col of", "const c of"),
            q
        )
        .0
    );
    let catch = "const col = 'id';\nfunction f() {\n  try { g(); } catch (col) {\n    q('SELECT ' + col);\n  }\n}\n";
    assert!(!ask(Lang::JavaScript, catch, q).0);
    let java = "class C {\n  static final String col = \"id\";\n  void f(java.util.List<String> cols) {\n    for (String col : cols) { q(\"SELECT \" + col); }\n  }\n}\n";
    assert!(!ask(Lang::Java, java, "\"SELECT \" + col").0);
    let java_catch = "class C {\n  static final String col = \"id\";\n  void f() {\n    try { g(); } catch (Exception col) { q(\"SELECT \" + col); }\n  }\n}\n";
    assert!(!ask(Lang::Java, java_catch, "\"SELECT \" + col").0);
    let php_catch = "<?php\nfunction f() {\n  $col = 'id';\n  try { g(); } catch (Exception $col) {\n    q('SELECT ' . $col);\n  }\n}\n";
    assert!(!ask(Lang::Php, php_catch, "'SELECT ' . $col").0);
    let generator =
        "col = 'id'\ndef f(cols):\n    return ', '.join(q('SELECT ' + col) for col in cols)\n";
    assert!(!ask(Lang::Python, generator, q).0);
    let go = "package m\nconst col = \"id\"\nfunc f(cols []string) {\n\tfor _, col := range cols {\n\t\tq(\"SELECT \" + col)\n\t}\n}\n";
    assert!(!ask(Lang::Go, go, "\"SELECT \" + col").0);
    let php = "<?php\nfunction f($cols) {\n  $col = 'id';\n  foreach ($cols as $col) {\n    q('SELECT ' . $col);\n  }\n}\n";
    assert!(!ask(Lang::Php, php, "'SELECT ' . $col").0);
    assert!(
        ask(
            Lang::Php,
            &php.replace("as $col", "as $c"),
            "'SELECT ' . $col"
        )
        .0
    );
    // What `foreach` walks binds nothing.
    let walked = php.replace(
        "foreach ($cols as $col)",
        "foreach (explode(',', $col) as $c)",
    );
    assert!(ask(Lang::Php, &walked, "'SELECT ' . $col").0);
    let ruby = "def f(cols)\n  col = 'id'\n  for col in cols\n    q('SELECT ' + col)\n  end\nend\n";
    assert!(!ask(Lang::Ruby, ruby, q).0);
    let rescue = "def f\n  col = 'id'\n  begin\n    g\n  rescue StandardError => col\n    q('SELECT ' + col)\n  end\nend\n";
    assert!(!ask(Lang::Ruby, rescue, q).0);
    assert!(ask(Lang::Ruby, &rescue.replace("=> col", "=> e"), q).0);
}

#[test]
fn elements_of_a_constant_collection_are_constants() {
    let q = "'SELECT ' + col";
    let python = "def f(db):\n    for col in ('email', 'phone'):\n        q('SELECT ' + col)\n";
    assert!(ask(Lang::Python, python, q).0);
    // One element that is not a constant, or a walked list filled with one, spoils it.
    assert!(!ask(Lang::Python, &python.replace("'phone'", "db.name"), q).0);
    let filled = "def f(db):\n    cols = ['email']\n    cols.append(db.name)\n    for col in cols:\n        q('SELECT ' + col)\n";
    assert!(!ask(Lang::Python, filled, q).0);
    assert!(
        ask(
            Lang::Python,
            &filled.replace("cols.append(db.name)\n", ""),
            q
        )
        .0
    );
    // The comprehension's own clause, not another one's.
    let nested =
        "def f(rows):\n    return [q('SELECT ' + col) for row in ('a', 'b') for col in rows]\n";
    assert!(!ask(Lang::Python, nested, q).0);
    let own =
        "def f(rows):\n    return [q('SELECT ' + col) for row in rows for col in ('a', 'b')]\n";
    assert!(ask(Lang::Python, own, q).0);
    // A caught exception is no element.
    let except = "def f():\n    try:\n        g()\n    except ('a', 'b') as col:\n        q('SELECT ' + col)\n";
    assert!(!ask(Lang::Python, except, q).0);
    let js = "function f() {\n  for (const col of ['email', 'phone']) {\n    q('SELECT ' + col);\n  }\n}\n";
    assert!(ask(Lang::JavaScript, js, q).0);
    assert!(!ask(Lang::JavaScript, &js.replace("'phone'", "req.query.c"), q).0);
    let java = "class C {\n  void f() {\n    for (String col : new String[] {\"email\", \"phone\"}) { q(\"SELECT \" + col); }\n  }\n}\n";
    assert!(ask(Lang::Java, java, "\"SELECT \" + col").0);
    let go = "package m\nfunc f() {\n\tfor _, col := range []string{\"email\", \"phone\"} {\n\t\tq(\"SELECT \" + col)\n\t}\n}\n";
    assert!(ask(Lang::Go, go, "\"SELECT \" + col").0);
    let php = "<?php\nfunction f() {\n  foreach (['a' => 'email', 'b' => 'phone'] as $k => $col) {\n    q('SELECT ' . $col);\n  }\n}\n";
    assert!(ask(Lang::Php, php, "'SELECT ' . $col").0);
    assert!(
        !ask(
            Lang::Php,
            &php.replace("'phone'", "$_GET['c']"),
            "'SELECT ' . $col"
        )
        .0
    );
    // Ruby's strings change in place: its `for` hands out no constants.
    let ruby = "def f\n  for col in ['email', 'phone']\n    q('SELECT ' + col)\n  end\nend\n";
    assert!(!ask(Lang::Ruby, ruby, q).0);
}
#[test]
fn index_checks_and_destructured_names_are_allow_list_checks() {
    let c = |code: &str| ask(Lang::JavaScript, code, "col").0;
    let js = |declare: &str, check: &str| {
        format!(
            "const ALLOWED = ['name', 'created_at'];\nfunction f(req, res) {{\n  {declare}\n  {check}\n  return db.query(`SELECT * FROM t ORDER BY ${{col}}`);\n}}\n"
        )
    };
    let plain = "const col = req.query.sort;";
    for check in [
        "if (ALLOWED.indexOf(col) === -1) return res.sendStatus(400);",
        "if (ALLOWED.indexOf(col) < 0) throw new Error('sort');",
        "if (-1 == ALLOWED.indexOf(col)) return;",
        "if (0 > ALLOWED.indexOf(col)) return;",
    ] {
        assert!(c(&js(plain, check)), "{check}");
    }
    for check in [
        // The first member is at 0; a string's `indexOf` finds any part of it.
        "if (ALLOWED.indexOf(col) === 0) return;",
        "if (!ALLOWED.indexOf(col)) return;",
        "if (ALLOWED.indexOf(col) !== -1) return;",
        "if ('name,created_at'.indexOf(col) === -1) return;",
        "if (ALLOWED.indexOf(col) === -1) log('bad');",
    ] {
        assert!(!c(&js(plain, check)), "{check}");
    }
    let inside = "const ALLOWED = ['name'];\nfunction f(req) {\n  const col = req.query.sort;\n  if (ALLOWED.indexOf(col) >= 0) {\n    return db.query('SELECT * FROM t ORDER BY ' + col);\n  }\n}\n";
    assert!(c(inside));
    assert!(!c(&inside.replace(">= 0", ">= -1")));
    assert!(c(&inside.replace(
        "ALLOWED.indexOf(col) >= 0",
        "-1 < ALLOWED.indexOf(col)"
    )));
    assert!(!c(&inside.replace(
        "ALLOWED.indexOf(col) >= 0",
        "-1 > ALLOWED.indexOf(col)"
    )));
    // A name destructured by its function's declaration is the function's own.
    let check = "if (!ALLOWED.includes(col)) return res.sendStatus(400);";
    for declare in [
        "const { col } = req.query;",
        "const { sort: col = 'name', dir } = req.query;",
        "const [col] = req.query.sort;",
    ] {
        assert!(c(&js(declare, check)), "{declare}");
    }
    // A default read from a module's variable declares nothing of that name.
    let global = js("const { a = col } = req.query;", check)
        .replace("function f", "let col = process.argv[2];\nfunction f");
    assert!(!c(&global));
}

#[test]
fn flask_abort_leaves_the_handler() {
    let code = "from flask import request, abort\nSORTS = {'name', 'email'}\ndef users():\n    col = request.args.get('sort')\n    if col not in SORTS:\n        abort(400)\n    q('SELECT * FROM t ORDER BY ' + col)\n";
    let c = |code: &str| ask(Lang::Python, code, "col").0;
    assert!(c(code));
    assert!(c(&code
        .replace(
            "from flask import request, abort",
            "import flask\nfrom flask import request"
        )
        .replace("abort(400)", "flask.abort(400)")));
    // Not Flask's, or not Flask's alone: `abort` may return.
    assert!(!c(&code.replace(
        "from flask import request, abort",
        "from flask import request"
    )));
    assert!(!c(&code.replace(
        "SORTS = ",
        "def abort(code):\n    log(code)\nSORTS = "
    )));
    // Another `abort` by any other binding: an alias, a later import, a parameter, an
    // assignment, an annotated one; or the word only in a comment of the Flask line.
    for other in [
        code.replace(
            "request, abort",
            "request, abort as flask_abort\nfrom app.errors import abort",
        ),
        code.replace(
            "request, abort",
            "request, abort\nfrom app.helpers import abort",
        ),
        code.replace("def users():", "def users(abort=print):"),
        code.replace("SORTS = ", "abort=log.warning\nSORTS = "),
        code.replace("SORTS = ", "abort: Callable = log.warning\nSORTS = "),
        code.replace("request, abort", "request  # no abort here"),
    ] {
        assert!(!c(&other), "{other}");
    }
}

#[test]
fn ruby_strings_changed_in_place_keep_what_they_are_given() {
    let code = |change: &str| {
        format!("def index\n  col = 'name'\n  {change}\n  q(\"SELECT * FROM t ORDER BY #{{col}}\")\nend\n")
    };
    let c = |change: &str| ask(Lang::Ruby, &code(change), "col").0;
    for change in [
        "col << params[:x]",
        "col << ' DESC' << params[:x]",
        "col.insert(0, params[:x])",
        "col.prepend(params[:x])",
        "col.replace(params[:x])",
        "col.gsub!('a', params[:x])",
    ] {
        assert!(!c(change), "{change}");
    }
    for change in [
        "col << ' DESC'",
        "col << ' DESC' << ', id'",
        "col.insert(0, 't.')",
    ] {
        assert!(c(change), "{change}");
    }
}

//! The `securetag-edge sast [FILE|-]` contract as a pure function.
//!
//! The binary reads the file (or stdin) and calls [`run`]; this module decides how to read the
//! text and prints the contract's JSON. Order of decisions: a name with a source extension is
//! that language (a `.py` file with ``` in a docstring is still Python); `.md`/`.markdown`, or
//! any text with a fence, is an answer; otherwise the language is detected from the content,
//! and text of no known language gets the secrets check alone (a `.env` file).

use super::engine::Engine;
use super::finding::Finding;
use super::lang::Lang;
use super::markdown::has_fence;
use super::secrets::SecretFinder;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    findings: &'a [Finding],
}

/// Scans `text` (named `name`, if it came from a file) and returns the contract's JSON,
/// `{"findings":[{"rule_id","cwe","severity","block_index","line","message","fix"}]}`.
pub fn run(engine: &Engine, name: Option<&str>, text: &str) -> String {
    run_with_secrets(engine, name, text, None)
}

/// [`run`] with the crate's secrets scanner plugged in for `hardcoded-credential` findings.
pub fn run_with_secrets(
    engine: &Engine,
    name: Option<&str>,
    text: &str,
    secrets: Option<&dyn SecretFinder>,
) -> String {
    render(&scan(engine, name, text, secrets))
}

/// [`run_with_secrets`] for text the caller says is `lang`: a snippet on stdin too short for
/// its language to be told from its content.
pub fn run_as(
    engine: &Engine,
    lang: Lang,
    text: &str,
    secrets: Option<&dyn SecretFinder>,
) -> String {
    render(&engine.scan_source(lang, text, secrets))
}

fn render(findings: &[Finding]) -> String {
    // Serializing plain strings and numbers cannot fail; the fallback keeps the contract's
    // shape even so.
    serde_json::to_string(&Output { findings }).unwrap_or_else(|_| "{\"findings\":[]}".to_string())
}

/// Whether `text` named `name` is read as Markdown, its findings' lines then counting in
/// their block: a `.md` name, or a fence in text whose name gives no language.
pub fn reads_as_markdown(name: Option<&str>, text: &str) -> bool {
    let lower = name.map(str::to_ascii_lowercase);
    let is_md = lower
        .as_deref()
        .is_some_and(|n| n.ends_with(".md") || n.ends_with(".markdown"));
    is_md || (name.and_then(Lang::from_path).is_none() && has_fence(text))
}

/// The findings behind [`run`], for callers that want the structs.
pub fn scan(
    engine: &Engine,
    name: Option<&str>,
    text: &str,
    secrets: Option<&dyn SecretFinder>,
) -> Vec<Finding> {
    if reads_as_markdown(name, text) {
        return engine.scan_markdown(text, secrets);
    }
    if let Some(lang) = name.and_then(Lang::from_path) {
        return engine.scan_source(lang, text, secrets);
    }
    match super::detect::detect(text) {
        Some(lang) => engine.scan_source(lang, text, secrets),
        None => engine.scan_unknown(text, secrets),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> &'static Engine {
        static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        ENGINE.get_or_init(|| Engine::new(&[]).unwrap_or_else(|e| panic!("{e:?}")))
    }

    #[test]
    fn markdown_is_told_by_its_name_or_by_a_fence_in_text_of_no_language() {
        let fenced = "Fix:\n```python\nimport os\n```\n";
        assert!(reads_as_markdown(Some("NOTES.md"), "plain words"));
        assert!(reads_as_markdown(None, fenced));
        assert!(reads_as_markdown(Some("snippet.txt"), fenced));
        assert!(!reads_as_markdown(Some("tool.py"), fenced));
        assert!(!reads_as_markdown(None, "import os\n"));
    }

    #[test]
    fn prints_the_contract_shape() {
        let out = run(engine(), Some("a.py"), "import os\nos.system('ls ' + d)\n");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let f = &v["findings"][0];
        for key in [
            "rule_id",
            "cwe",
            "severity",
            "block_index",
            "line",
            "message",
            "fix",
        ] {
            assert!(f.get(key).is_some(), "missing {key} in {out}");
        }
        assert_eq!(f["line"], 2);
        assert_eq!(f["block_index"], 0);
        assert_eq!(f["severity"], "high");
    }

    #[test]
    fn extension_beats_fences_and_fences_beat_detection() {
        let e = engine();
        let py = "def f():\n    \"\"\"\n    ```\n    \"\"\"\n    eval(x)\n";
        assert_eq!(scan(e, Some("m.py"), py, None)[0].line, 5);
        let md = "text\n```python\neval(x)\n```\n";
        let f = scan(e, None, md, None);
        assert_eq!((f[0].block_index, f[0].line), (0, 1));
        let f = scan(e, Some("answer.MD"), md, None);
        assert_eq!(f.len(), 1);
        let plain = "import os\n\ndef f(x):\n    os.system(x + 'a')\n";
        assert_eq!(scan(e, None, plain, None).len(), 1);
        assert_eq!(run(e, None, "just prose"), "{\"findings\":[]}");
    }
}

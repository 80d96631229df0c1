//! Reading the YAML file: syntax, `${ENV}` expansion, unknown keys, and where each key lives.
//!
//! `serde_yaml` gives typed deserialization but stops at the first problem and knows no line
//! numbers once a value tree is built. Operators want `nginx -t`: every problem at once, each
//! as `FILE:LINE: key.path: what is wrong`. So the file is read twice: `yaml-rust2`'s event
//! parser records the line of every key path ([`LineIndex`]), and serde deserializes the tree
//! with `serde_ignored` collecting every unknown key (instead of `deny_unknown_fields`, which
//! would report only the first) and `serde_path_to_error` naming the key of a type error.
//!
//! `${VAR}` is expanded inside string values only, after parsing, so a secret containing `#`
//! or `: ` can never change the structure of the file. `$${` writes a literal `${`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_yaml::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One problem in a configuration file, printed as `FILE:LINE: key.path: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: ", self.file, l)?,
            None => write!(f, "{}: ", self.file)?,
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one file; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Collects errors for one file and resolves key paths to lines.
pub struct Diagnostics {
    file: String,
    lines: LineIndex,
    pub errors: Vec<ConfigError>,
    /// `(${...} as written, value)` for every expanded string, so no message prints a value
    /// that came from the environment (a key, a URL with a password).
    expanded: Vec<(String, String)>,
}

impl Diagnostics {
    pub fn new(file: &Path, text: &str) -> Self {
        Diagnostics {
            file: file.display().to_string(),
            lines: LineIndex::build(text),
            errors: Vec::new(),
            expanded: Vec::new(),
        }
    }

    /// Records a problem at `key` (dotted path with `[i]` for list items).
    pub fn error(&mut self, key: impl Into<String>, message: impl Into<String>) {
        let key = key.into();
        let line = self.lines.line_of(&key);
        self.errors.push(ConfigError {
            file: self.file.clone(),
            line,
            key,
            message: unexpand(message.into(), &self.expanded),
        });
    }

    /// Records `key` when `d` is zero: a zero timeout or window fails at its first wait,
    /// or switches off what it bounds, without a word.
    pub fn positive(&mut self, key: impl Into<String>, d: std::time::Duration) {
        if d.is_zero() {
            self.error(key, "must be greater than zero");
        }
    }

    fn error_at_line(&mut self, line: Option<usize>, message: String) {
        self.errors.push(ConfigError {
            file: self.file.clone(),
            line,
            key: String::new(),
            message: unexpand(message, &self.expanded),
        });
    }

    pub fn finish<T>(self, value: T) -> Result<T, ConfigErrors> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ConfigErrors(self.errors))
        }
    }
}

/// Parses `text` into `T`, expanding `${ENV}` with `env`, reporting every unknown key.
///
/// Returns `None` when the file cannot be turned into a `T` at all (the reasons are in
/// `diag`); unknown keys and unset variables are recorded but do not stop parsing, so the
/// validator can still report its own findings in the same run.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    diag: &mut Diagnostics,
) -> Option<T> {
    let mut value: Value = match serde_yaml::from_str(text) {
        Ok(Value::Null) => Value::Mapping(Default::default()),
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map(|l| l.line());
            diag.error_at_line(line, format!("invalid YAML: {}", strip_location(&e)));
            return None;
        }
    };
    empty_values(&value, String::new(), diag);
    let mut expanded = Vec::new();
    expand_env(&mut value, String::new(), env, diag, &mut expanded);
    diag.expanded.extend(expanded);

    let mut unknown = Vec::new();
    let mut on_unknown = |p: serde_ignored::Path<'_>| unknown.push(ignored_path(&p));
    let de = serde_ignored::Deserializer::new(value, &mut on_unknown);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(de);
    for key in unknown {
        diag.error(key, "unknown key");
    }
    match parsed {
        Ok(v) => Some(v),
        Err(e) => {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            diag.error(key, strip_location(e.inner()));
            None
        }
    }
}

/// Refuses keys written with nothing after them: YAML reads `jwt:` whose lines are all
/// commented out as null, which for an optional section means "off", so a route would go
/// unauthenticated and a listener without TLS, without a word.
fn empty_values(v: &Value, path: String, diag: &mut Diagnostics) {
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                let key = join_key(&path, k.as_str().unwrap_or("?"));
                if child.is_null() {
                    diag.error(
                        key,
                        "has no value (an empty section is not \"off\"): remove the key, or \
                         give it a value",
                    );
                } else {
                    empty_values(child, key, diag);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, child) in items.iter().enumerate() {
                empty_values(child, format!("{path}[{i}]"), diag);
            }
        }
        _ => {}
    }
}

fn strip_location(e: &serde_yaml::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn ignored_path(p: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    match p {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}[{index}]", ignored_path(parent)),
        P::Map { parent, key } => join_key(&ignored_path(parent), key),
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            ignored_path(parent)
        }
    }
}

fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// A message with every expanded value written back as the `${...}` text it came from: a
/// serde type error or a validator quotes the value, and `${OPENAI_KEY}` where a map
/// belongs would print the key to stderr and the journal. Values under six bytes (a port,
/// a flag) are left: they are no secrets, and replacing them would garble the message.
fn unexpand(mut message: String, expanded: &[(String, String)]) -> String {
    const MIN_HIDDEN: usize = 6;
    let mut pairs: Vec<&(String, String)> = expanded.iter().collect();
    pairs.sort_by_key(|(_, value)| std::cmp::Reverse(value.len()));
    for (original, value) in pairs {
        if value.len() < MIN_HIDDEN {
            continue;
        }
        let escaped = format!("{value:?}");
        let escaped = &escaped[1..escaped.len() - 1];
        message = message.replace(value.as_str(), original);
        if escaped != value {
            message = message.replace(escaped, original);
        }
    }
    message
}

/// Expands `${ENV}` in every string, noting each (original, expanded) pair that changed.
fn expand_env(
    v: &mut Value,
    path: String,
    env: &dyn Fn(&str) -> Option<String>,
    diag: &mut Diagnostics,
    expanded: &mut Vec<(String, String)>,
) {
    match v {
        Value::String(s) if s.contains('$') => match expand_str(s, env) {
            Ok(out) => {
                if out != *s {
                    expanded.push((s.clone(), out.clone()));
                }
                *s = out;
            }
            Err(msg) => diag.error(path, msg),
        },
        Value::Sequence(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                expand_env(item, format!("{path}[{i}]"), env, diag, expanded);
            }
        }
        Value::Mapping(map) => {
            for (k, item) in map.iter_mut() {
                let key = match k {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .map(|s| s.trim().to_string())
                        .unwrap_or_default(),
                };
                expand_env(item, join_key(&path, &key), env, diag, expanded);
            }
        }
        Value::Tagged(t) => expand_env(&mut t.value, path, env, diag, expanded),
        _ => {}
    }
}

/// Expands `${NAME}` (an error when NAME is unset or empty) and `${NAME:-default}` (the
/// default when NAME is unset or empty); `$${` is a literal `${`.
pub fn expand_str(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(lit) = after.strip_prefix("${") {
            out.push_str("${");
            rest = lit;
            continue;
        }
        let Some(body) = after.strip_prefix('{') else {
            out.push('$');
            rest = after;
            continue;
        };
        let Some(end) = body.find('}') else {
            return Err("unterminated ${...}: add the closing brace".into());
        };
        let expr = &body[..end];
        let (name, default) = match expr.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (expr, None),
        };
        // Compose nests `${A:-${B}}`; here the first `}` ends the default, which would
        // leave `${B` in the value.
        if default.is_some_and(|d| d.contains("${")) {
            return Err(format!(
                "${{{expr}}}: a default cannot hold another ${{...}}; set {name} itself"
            ));
        }
        let valid = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(format!(
                "${{{expr}}} is not a valid environment variable name"
            ));
        }
        // As in the shell and Compose, `:-` also stands in for a variable set but empty
        // (`SECURETAG_ADMIN_ADDRESS=` in an env file): an empty address would turn the
        // admin listener off without a word.
        // Without a default, set but empty is refused as unset is: `DATABASE_URL=` left in
        // an env file would quietly switch to the embedded store (no tenants, every key
        // refused). `${NAME:-}` says an empty value is meant.
        match (env(name), default) {
            (Some(v), Some(d)) if v.is_empty() => out.push_str(d),
            (Some(v), None) if v.is_empty() => {
                return Err(format!(
                    "environment variable {name} is set but empty (referenced as \
                     ${{{name}}}; write ${{{name}:-}} if empty is meant)"
                ))
            }
            (Some(v), _) => out.push_str(&v),
            (None, Some(d)) => out.push_str(d),
            (None, None) => {
                return Err(format!(
                    "environment variable {name} is not set (referenced as ${{{name}}})"
                ))
            }
        }
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Maps every key path of a YAML document to the 1-based line where it is written.
#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
}

impl LineIndex {
    pub fn build(text: &str) -> Self {
        let mut b = IndexBuilder::default();
        // A syntax error is reported by serde_yaml with its own location; an index of the
        // part that parsed is still useful, so the parser's error is ignored here.
        let _ = Parser::new_from_str(text).load(&mut b, false);
        LineIndex { lines: b.lines }
    }

    /// The line of `key`, or of its nearest ancestor that is written in the file.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        let mut k = key;
        loop {
            if let Some(l) = self.lines.get(k) {
                return Some(*l);
            }
            let cut = k.rfind(['.', '['])?;
            k = &k[..cut];
        }
    }
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, next: usize },
}

#[derive(Default)]
struct IndexBuilder {
    stack: Vec<Frame>,
    lines: HashMap<String, usize>,
}

impl IndexBuilder {
    /// The path of the node that starts now, advancing the parent's state.
    fn enter_node(&mut self, line: usize) -> Option<String> {
        let path = match self.stack.last_mut() {
            None => String::new(),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                p
            }
            Some(Frame::Map { path, key }) => {
                let k = key.take()?;
                join_key(path, &k)
            }
        };
        self.lines.entry(path.clone()).or_insert(line);
        Some(path)
    }
}

impl MarkedEventReceiver for IndexBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let line = mark.line();
        // A scalar in key position names the next value instead of being one.
        if let (Event::Scalar(s, ..), Some(Frame::Map { path, key })) = (&ev, self.stack.last_mut())
        {
            if key.is_none() {
                let full = join_key(path, s);
                self.lines.entry(full).or_insert(line);
                *key = Some(s.clone());
                return;
            }
        }
        match ev {
            Event::Scalar(..) | Event::Alias(_) => {
                self.enter_node(line);
            }
            Event::MappingStart(..) => {
                let path = self.enter_node(line).unwrap_or_default();
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.enter_node(line).unwrap_or_default();
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Demo {
        name: String,
        items: Vec<Item>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        port: u16,
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn line_index_knows_nested_keys_and_list_items() {
        let idx = LineIndex::build("a:\n  b: 1\nlist:\n  - x: 1\n  - x: 2\n    y: 3\n");
        assert_eq!(idx.line_of("a.b"), Some(2));
        assert_eq!(idx.line_of("list[1].y"), Some(6));
        assert_eq!(idx.line_of("list[1].zzz"), Some(5));
        assert_eq!(idx.line_of("nothing"), None);
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_line() {
        let text = "name: x\nnmae: y\nitems:\n  - port: 1\n    prot: 2\n";
        let mut d = Diagnostics::new(Path::new("f.yaml"), text);
        let v: Option<Demo> = parse(text, &no_env, &mut d);
        assert!(v.is_some());
        let msgs: Vec<String> = d.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            vec![
                "f.yaml:2: nmae: unknown key",
                "f.yaml:5: items[0].prot: unknown key"
            ]
        );
    }

    #[test]
    fn type_errors_name_the_key() {
        let text = "name: x\nitems:\n  - port: 70000\n";
        let mut d = Diagnostics::new(Path::new("f.yaml"), text);
        let v: Option<Demo> = parse(text, &no_env, &mut d);
        assert!(v.is_none());
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.errors[0].line, Some(3));
        assert_eq!(d.errors[0].key, "items[0].port");
    }

    #[test]
    fn env_expansion_in_strings_only_and_unset_is_an_error() {
        let env = |k: &str| (k == "NAME").then(|| "from-env: #1".to_string());
        let text = "name: \"${NAME}\"\nitems: []\n";
        let mut d = Diagnostics::new(Path::new("f.yaml"), text);
        let v: Demo = parse(text, &env, &mut d).unwrap();
        assert_eq!(v.name, "from-env: #1");

        let text = "name: \"pre-${MISSING}\"\nitems: []\n";
        let mut d = Diagnostics::new(Path::new("f.yaml"), text);
        let _: Option<Demo> = parse(text, &env, &mut d);
        assert_eq!(d.errors.len(), 1);
        assert!(d.errors[0].message.contains("MISSING is not set"));
        assert_eq!(d.errors[0].line, Some(1));
    }

    #[test]
    fn type_errors_never_print_an_expanded_value() {
        let env = |k: &str| (k == "KEY").then(|| "sk-live-\"S3CRET\"".to_string());
        for text in [
            "name: x\nitems: ${KEY}\n",
            "name: x\nitems:\n  - port: \"${KEY}\"\n",
        ] {
            let mut d = Diagnostics::new(Path::new("f.yaml"), text);
            let v: Option<Demo> = parse(text, &env, &mut d);
            assert!(v.is_none());
            let msg = d.errors[0].to_string();
            assert!(!msg.contains("S3CRET"), "{msg}");
            assert!(msg.contains("${KEY}"), "{msg}");
        }
    }

    #[test]
    fn expansion_supports_defaults_and_escapes() {
        let env = |_: &str| None;
        assert_eq!(expand_str("${A:-x}y", &env).unwrap(), "xy");
        assert_eq!(expand_str("$${A}", &env).unwrap(), "${A}");
        assert_eq!(expand_str("cost $5", &env).unwrap(), "cost $5");
        assert!(expand_str("${A", &env).is_err());
        assert!(expand_str("${1A}", &env).is_err());
        // Compose's nesting is refused, not read as the literal `${B`.
        let e = expand_str("${A:-${B}}", &env).unwrap_err();
        assert!(e.contains("cannot hold another"), "{e}");
    }

    #[test]
    fn a_default_stands_in_for_an_empty_variable_too() {
        let env = |n: &str| (n == "EMPTY").then(String::new);
        assert_eq!(
            expand_str("${EMPTY:-127.0.0.1:9901}", &env).unwrap(),
            "127.0.0.1:9901"
        );
        assert_eq!(expand_str("a${EMPTY:-}b", &env).unwrap(), "ab");
        // Without a default, empty is refused as unset is, and the message says how to
        // mean it.
        let e = expand_str("a${EMPTY}b", &env).unwrap_err();
        assert!(e.contains("EMPTY is set but empty"), "{e}");
        assert!(e.contains("${EMPTY:-}"), "{e}");
        let set = |_: &str| Some("v".to_string());
        assert_eq!(expand_str("${X:-d}", &set).unwrap(), "v");
    }

    #[test]
    fn a_key_with_no_value_is_refused() {
        let text = "name: x\nitems:\n  # - a\n";
        let mut d = Diagnostics::new(Path::new("f.yaml"), text);
        let _: Option<Demo> = parse(text, &no_env, &mut d);
        let e: Vec<String> = d.errors.iter().map(|e| e.to_string()).collect();
        assert!(
            e.iter()
                .any(|l| l.starts_with("f.yaml:2: items: has no value")),
            "{e:?}"
        );
    }

    #[test]
    fn syntax_errors_carry_a_line() {
        let text = "name: x\nitems: [\n";
        let mut d = Diagnostics::new(Path::new("f.yaml"), text);
        let v: Option<Demo> = parse(text, &no_env, &mut d);
        assert!(v.is_none());
        assert!(d.errors[0].line.is_some());
        assert!(d.errors[0].message.starts_with("invalid YAML"));
    }
}

//! What the `securetag-edge scan` subcommand calls: stdin text to one JSON object, or JSON
//! lines to JSON lines. These two functions do I/O only on the reader and writer they are
//! given, and are kept apart from the pure engine so the engine stays I/O-free.
//!
//! The command redacts in placeholder mode with a fresh state per input (per line for
//! `--jsonl`), runs every detector, and uses the default injection threshold (0.8).

use std::io::{self, BufRead, Write};

use serde_json::value::RawValue;

use super::finding::ScanOptions;
use super::redact::{redact, RedactionMode, RedactionPolicy, RedactionState};
use super::report::{JsonlError, JsonlLine, Report};
use super::Scanner;

/// Counts from one `--jsonl` run, for a closing line on stderr (bad lines are answered
/// in-band, each with its id, so they do not fail the run).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JsonlSummary {
    /// Input lines read.
    pub lines: usize,
    /// Lines answered with an error object.
    pub errors: usize,
}

/// Scans `text` and builds the contract report (placeholder redaction).
pub fn report(scanner: &Scanner, text: &str) -> Report {
    let result = scanner.scan(text, &ScanOptions::default());
    let mut state = RedactionState::new();
    state.reserve_existing(text);
    let redacted = redact(
        text,
        &result.findings,
        &RedactionPolicy::new(RedactionMode::Placeholder),
        &mut state,
    );
    Report::new(&result, redacted)
}

/// The one JSON object `securetag-edge scan` prints for `text` (no trailing newline).
pub fn run_text(scanner: &Scanner, text: &str) -> String {
    serde_json::to_string(&report(scanner, text))
        .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// Reads `{"id":..,"text":..}` lines and writes one report line per input line, with the
/// same `id`. A line that is blank, not UTF-8, not JSON, or lacks a string `text` gets an
/// error object naming its line number, so output line N always answers input line N (a
/// caller may pair them without reading ids); the run goes on.
pub fn run_jsonl<R: BufRead, W: Write>(
    scanner: &Scanner,
    mut input: R,
    mut out: W,
) -> io::Result<JsonlSummary> {
    let mut summary = JsonlSummary::default();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no += 1;
        summary.lines += 1;
        let line = match parse_line(&buf, line_no) {
            Ok((id, text)) => serde_json::to_string(&JsonlLine {
                id: &id,
                report: report(scanner, &text),
            }),
            Err(err) => {
                summary.errors += 1;
                serde_json::to_string(&err)
            }
        }
        .map_err(io::Error::other)?;
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(summary)
}

/// The `id` of a line as it was written: through `Value`, a number past 64 bits would be
/// echoed as a float, and the contract is "the same `id`".
#[derive(serde::Deserialize)]
struct RawId<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
}

fn parse_line(buf: &[u8], line: usize) -> Result<(Box<RawValue>, String), JsonlError> {
    let null = || RawValue::NULL.to_owned();
    let fail = |id: Box<RawValue>, msg: String| JsonlError {
        id,
        line,
        error: format!("line {line}: {msg}"),
    };
    let s = std::str::from_utf8(buf).map_err(|e| fail(null(), format!("not UTF-8 ({e})")))?;
    // A byte-order mark opens files that PowerShell and Excel write.
    let s = match line {
        1 => s.strip_prefix('\u{feff}').unwrap_or(s),
        _ => s,
    };
    if s.trim().is_empty() {
        return Err(fail(
            null(),
            "blank (expected {\"id\":..,\"text\":..})".to_owned(),
        ));
    }
    let v: serde_json::Value =
        serde_json::from_str(s.trim()).map_err(|e| fail(null(), format!("not JSON ({e})")))?;
    let serde_json::Value::Object(mut obj) = v else {
        return Err(fail(
            null(),
            "expected an object {\"id\":..,\"text\":..}".to_owned(),
        ));
    };
    // A line with `id` twice reads as `Value` does: the last one.
    let id = match serde_json::from_str::<RawId>(s.trim()) {
        Ok(RawId { id }) => id.map_or_else(null, |r| r.to_owned()),
        Err(_) => obj
            .remove("id")
            .and_then(|v| RawValue::from_string(v.to_string()).ok())
            .unwrap_or_else(null),
    };
    match obj.remove("text") {
        Some(serde_json::Value::String(t)) => Ok((id, t)),
        Some(_) => Err(fail(id, "\"text\" must be a string".to_owned())),
        None => Err(fail(id, "missing \"text\"".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_report_has_exactly_the_contract_keys() {
        let s = Scanner::builtin().unwrap();
        let out = run_text(&s, "write to ana.ruiz@correo.mx please");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, vec!["findings", "injection", "redacted"]);
        assert_eq!(v["findings"][0]["entity"], "EMAIL");
        assert_eq!(v["findings"][0]["start"], 9);
        assert_eq!(v["findings"][0]["end"], 27);
        assert_eq!(v["redacted"], "write to <EMAIL_1> please");
        assert_eq!(v["injection"]["detected"], false);
    }

    #[test]
    fn jsonl_keeps_ids_and_reports_bad_lines_by_number() {
        let s = Scanner::builtin().unwrap();
        let input = b"{\"id\":7,\"text\":\"ssn 536-22-8411\"}\n\nnot json\n{\"id\":\"x\"}\n\xff\xfe\n{\"id\":[1],\"text\":\"ok\"}\n";
        let mut out = Vec::new();
        let sum = run_jsonl(&s, &input[..], &mut out).unwrap();
        assert_eq!(
            sum,
            JsonlSummary {
                lines: 6,
                errors: 4
            }
        );
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // One answer per input line, in order, so a caller may pair them by position.
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0]["id"], 7);
        assert_eq!(lines[0]["findings"][0]["entity"], "SSN");
        assert!(lines[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("line 2: blank"));
        assert!(lines[2]["error"].as_str().unwrap().starts_with("line 3:"));
        assert_eq!(lines[3]["id"], "x");
        assert!(lines[3]["error"]
            .as_str()
            .unwrap()
            .contains("missing \"text\""));
        assert_eq!(lines[4]["line"], 5);
        assert_eq!(lines[5]["id"], serde_json::json!([1]));
    }

    /// A file saved with a byte-order mark (PowerShell, Excel) reads from its first line.
    #[test]
    fn jsonl_reads_past_a_byte_order_mark() {
        let s = Scanner::builtin().unwrap();
        let input = "\u{feff}{\"id\":1,\"text\":\"ok\"}\n\u{feff}{\"id\":2,\"text\":\"ok\"}\n";
        let mut out = Vec::new();
        let sum = run_jsonl(&s, input.as_bytes(), &mut out).unwrap();
        // Only the file's own mark: one inside is a character the line does not allow.
        assert_eq!(
            sum,
            JsonlSummary {
                lines: 2,
                errors: 1
            }
        );
        assert!(String::from_utf8(out).unwrap().starts_with("{\"id\":1,"));
    }

    /// Ids come back as they were written: a number past 64 bits is not turned into a float.
    #[test]
    fn jsonl_ids_come_back_as_written() {
        let s = Scanner::builtin().unwrap();
        let input =
            b"{\"id\":123456789012345678901234,\"text\":\"ok\"}\n{\"text\":\"ok\",\"id\":1.50}\n{\"id\":123456789012345678901234}\n";
        let mut out = Vec::new();
        run_jsonl(&s, &input[..], &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with("{\"id\":123456789012345678901234,"),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("{\"id\":1.50,"), "{}", lines[1]);
        assert!(
            lines[2].starts_with("{\"id\":123456789012345678901234,"),
            "{}",
            lines[2]
        );
    }
}

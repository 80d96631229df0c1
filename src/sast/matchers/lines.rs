//! Line rules for config formats: Dockerfile, Kubernetes/compose YAML, Terraform, nginx.
//!
//! The risky settings in these formats are single lines (`privileged: true`,
//! `ssl_protocols TLSv1`, `cidr_blocks = ["0.0.0.0/0"]`), so a regex per line finds them.
//! What a bare regex cannot tell is *where* the line sits: `0.0.0.0/0` is fine in an egress
//! block and a finding in an ingress one. So each line knows its enclosing block headers: for
//! brace formats the text before each open `{`, for YAML the nearest less-indented lines.
//! A rule's `inside` regex must match the innermost one.
//!
//! Comments (`#` lines) are skipped so commented-out examples do not fire.
//!
//! Rejected: tree-sitter grammars for HCL, YAML and nginx. They add build time and crates for
//! settings that are lines, and YAML's own structure is recovered well enough by indentation.

use super::Hit;
use crate::sast::lang::Lang;
use crate::sast::rules::{Matcher, Rule};

/// Runs `pattern` and `missing` rules of `lang` over `code`; `enabled` says which rules
/// passed their snippet-level gates.
pub(crate) fn run(lang: Lang, code: &str, rules: &[Rule], enabled: &[usize]) -> Vec<Hit> {
    let lines: Vec<&str> = code.lines().collect();
    let headers = block_headers(lang, &lines);
    let mut hits = Vec::new();
    for &r in enabled {
        match &rules[r].matcher {
            Matcher::Pattern {
                pattern,
                unless_line,
                inside,
            } => {
                for (row, line) in lines.iter().enumerate() {
                    if is_comment(line) || !pattern.is_match(line) {
                        continue;
                    }
                    if unless_line.as_ref().is_some_and(|u| u.is_match(line)) {
                        continue;
                    }
                    if let Some(inside) = inside {
                        if !headers[row].is_some_and(|h| inside.is_match(h)) {
                            continue;
                        }
                    }
                    hits.push(Hit { rule: r, row });
                }
            }
            Matcher::Missing {
                missing,
                unless_line,
                anchor,
            } => {
                let present = lines.iter().any(|l| {
                    !is_comment(l)
                        && missing.is_match(l)
                        && !unless_line.as_ref().is_some_and(|u| u.is_match(l))
                });
                if present {
                    continue;
                }
                let row = anchor
                    .as_ref()
                    .and_then(|a| lines.iter().position(|l| !is_comment(l) && a.is_match(l)))
                    .unwrap_or(0);
                hits.push(Hit { rule: r, row });
            }
            Matcher::Query(_) | Matcher::Secrets => {}
        }
    }
    hits
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// For each line, the header of the innermost block that encloses it. Only that one, not the
/// whole chain: a chain per line costs memory in the square of the nesting depth, and 100,000
/// nested `{` lines fit in a snippet.
fn block_headers<'a>(lang: Lang, lines: &[&'a str]) -> Vec<Option<&'a str>> {
    if lang == Lang::Yaml {
        yaml_headers(lines)
    } else {
        brace_headers(lines)
    }
}

/// Brace formats: a block's header is the text before its `{` on the opening line.
fn brace_headers<'a>(lines: &[&'a str]) -> Vec<Option<&'a str>> {
    let mut stack: Vec<&'a str> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        out.push(stack.last().copied());
        if is_comment(line) {
            continue;
        }
        let mut in_str = false;
        let mut start = 0;
        for (i, b) in line.bytes().enumerate() {
            match b {
                b'"' => in_str = !in_str,
                b'{' if !in_str => {
                    stack.push(line[start..i].trim());
                    start = i + 1;
                }
                b'}' if !in_str => {
                    stack.pop();
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    out
}

/// YAML: a line's headers are the nearest preceding lines with smaller indentation.
fn yaml_headers<'a>(lines: &[&'a str]) -> Vec<Option<&'a str>> {
    let mut stack: Vec<(usize, &'a str)> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            out.push(stack.last().map(|(_, h)| *h));
            continue;
        }
        // A list item's dash counts as indentation for its keys.
        let indent = line.len() - trimmed.len();
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        if trimmed.starts_with("---") {
            stack.clear();
        }
        out.push(stack.last().map(|(_, h)| *h));
        stack.push((indent, trimmed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brace_headers_track_nesting() {
        let lines = [
            "resource \"aws_security_group\" \"a\" {",
            "  ingress {",
            "    x = 1",
            "  }",
            "  egress { y = 2 }",
            "}",
        ];
        let h = brace_headers(&lines);
        assert_eq!(h[0], None);
        assert_eq!(h[2], Some("ingress"));
        assert_eq!(h[4], Some("resource \"aws_security_group\" \"a\""));
        assert_eq!(h[5], h[4]);
    }

    #[test]
    fn deep_nesting_costs_a_header_per_line() {
        // 200 KB of `{` lines: a chain of headers per line would want about 80 GB.
        let code = "x {\n".repeat(100_000);
        let lines: Vec<&str> = code.lines().collect();
        let h = brace_headers(&lines);
        assert_eq!(h.len(), 100_000);
        assert_eq!((h[0], h[99_999]), (None, Some("x")));
        let code = (0..2_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect::<String>();
        let lines: Vec<&str> = code.lines().collect();
        assert_eq!(yaml_headers(&lines)[1_999], Some("k1998:"));
    }

    #[test]
    fn yaml_headers_follow_indentation() {
        let lines = [
            "spec:",
            "  containers:",
            "    - name: a",
            "      securityContext:",
            "        privileged: true",
            "  hostNetwork: true",
        ];
        let h = yaml_headers(&lines);
        assert_eq!(h[0], None);
        assert_eq!(h[4], Some("securityContext:"));
        assert_eq!(h[5], Some("spec:"));
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;
    use crate::sast::rules::parse_rule_file;
    use std::collections::HashSet;

    /// Runs the rules of `yaml` (all enabled) over `code` and returns (rule id, 1-based line).
    fn hits(lang: Lang, yaml: &str, code: &str) -> Vec<(String, usize)> {
        let rules = parse_rule_file("t.yaml", yaml, &mut HashSet::new()).expect("valid rules");
        let enabled: Vec<usize> = (0..rules.len()).collect();
        run(lang, code, &rules, &enabled)
            .into_iter()
            .map(|h| (rules[h.rule].id.clone(), h.row + 1))
            .collect()
    }

    const HEAD: &str = "rules:\n  - id: r\n    languages: [terraform, yaml, dockerfile, nginx]\n    cwe: CWE-1\n    severity: low\n    message: m\n";

    #[test]
    fn pattern_reports_each_matching_line_but_not_comments_or_excluded_lines() {
        let yaml =
            format!("{HEAD}    pattern: \"privileged:\\\\s*true\"\n    unless_line: \"#keep\"\n");
        let code = "a:\n  privileged: true\n  # privileged: true\n  privileged: true #keep\n";
        assert_eq!(hits(Lang::Yaml, &yaml, code), vec![("r".to_string(), 2)]);
    }

    #[test]
    fn inside_checks_the_innermost_block_header() {
        let yaml =
            format!("{HEAD}    pattern: \"0\\\\.0\\\\.0\\\\.0/0\"\n    inside: \"^ingress\"\n");
        let code = "resource \"aws_security_group\" \"a\" {\n  ingress {\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n  egress {\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n";
        assert_eq!(
            hits(Lang::Terraform, &yaml, code),
            vec![("r".to_string(), 3)]
        );
    }

    #[test]
    fn missing_fires_once_at_the_anchor_unless_a_qualifying_line_exists() {
        let yaml = format!(
            "{HEAD}    missing: \"^\\\\s*USER\\\\s+\\\\S+\"\n    unless_line: \"USER\\\\s+root\"\n    anchor: \"^FROM\"\n"
        );
        let root = "# base\nFROM alpine\nUSER root\nCMD x\n";
        assert_eq!(
            hits(Lang::Dockerfile, &yaml, root),
            vec![("r".to_string(), 2)]
        );
        let ok = "FROM alpine\nUSER 1000\n";
        assert!(hits(Lang::Dockerfile, &yaml, ok).is_empty());
    }
}

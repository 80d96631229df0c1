//! Fenced code blocks out of a Markdown answer.
//!
//! LLM answers put code in CommonMark fences: a line of three or more backticks or tildes,
//! an optional info string naming the language, the code, and a closing fence of the same
//! character at least as long. We follow CommonMark where it matters for finding code:
//! backtick info strings may not contain backticks (so inline ```` ```x``` ```` is not a fence),
//! a fence left open runs to the end of the answer (answers cut off mid-block still get
//! scanned), and the opening fence's indentation is removed from the block's lines.
//!
//! We deliberately accept fences indented by any amount, not only 0–3 spaces: answers nest
//! code inside numbered lists ("1. Install:\n    ```bash"), and treating those as indented
//! code (as strict CommonMark would) would hide exactly the code a user copies. Indented
//! (four-space) code blocks without fences are not extracted; answers almost never use them
//! and prose indented for lists would be misread as code.
//!
//! Rejected: a full Markdown parser crate (pulldown-cmark). It would work, but we need one
//! construct, want line numbers relative to each block, and want the list-nesting leniency
//! above; 100 lines of our own are easier to hold to those rules.

/// One fenced block, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock<'a> {
    /// Position among all fenced blocks of the answer (0-based), labeled or not.
    pub index: usize,
    /// The info string after the fence, trimmed.
    pub info: &'a str,
    /// The block's content with the fence's indentation removed, lines joined with `\n`.
    pub code: String,
    /// 1-based line of the first content line within the whole answer.
    pub first_line: usize,
}

/// An open fence: its character, length and indentation.
struct Fence<'a> {
    ch: u8,
    len: usize,
    indent: usize,
    info: &'a str,
    first_line: usize,
}

/// Extracts every fenced code block of `markdown`.
pub fn fenced_blocks(markdown: &str) -> Vec<CodeBlock<'_>> {
    let mut blocks = Vec::new();
    let mut open: Option<(Fence<'_>, Vec<&str>)> = None;
    for (lineno, raw) in markdown.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        match open.take() {
            None => {
                if let Some(f) = opening_fence(line, lineno + 2) {
                    open = Some((f, Vec::new()));
                }
            }
            Some((f, mut lines)) => {
                if is_closing_fence(line, &f) {
                    blocks.push(finish(blocks.len(), f, &lines));
                } else {
                    lines.push(line);
                    open = Some((f, lines));
                }
            }
        }
    }
    if let Some((f, lines)) = open {
        blocks.push(finish(blocks.len(), f, &lines));
    }
    blocks
}

/// Info strings of terminal transcripts (`$ command` lines mixed with output).
const SESSION_INFOS: &[&str] = &[
    "console",
    "shell-session",
    "sh-session",
    "bash-session",
    "terminal",
];

/// For a terminal transcript block, the commands it runs: lines starting with a `$` or `%`
/// prompt lose the prompt, every other line (program output) becomes empty so line numbers
/// stay those of the block. `None` when the block is not a transcript.
pub fn session_commands(info: &str, code: &str) -> Option<String> {
    let word = info.split_whitespace().next()?.to_ascii_lowercase();
    if !SESSION_INFOS.contains(&word.as_str()) {
        return None;
    }
    let mut out = String::with_capacity(code.len());
    for line in code.lines() {
        let t = line.trim_start();
        if let Some(cmd) = t.strip_prefix("$ ").or_else(|| t.strip_prefix("% ")) {
            out.push_str(cmd);
        }
        out.push('\n');
    }
    Some(out)
}

/// True when the text holds at least one fence line: the test for "this is an answer" of code
/// sent without a file name (the CLI's stdin, the SAST API; proxied answers are always read
/// as Markdown). A bare `~~~` line right under a line of text is a reStructuredText heading's
/// underline (in a Python docstring), not a fence, when docutils would read it so: as long as
/// the title, or shorter but of four or more; taken for a fence, it would make a whole source
/// file an answer, and its code outside fences would go unscanned.
pub fn has_fence(text: &str) -> bool {
    let mut above = 0;
    for raw in text.lines() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(f) = opening_fence(line, 0) {
            let underline =
                f.ch == b'~' && f.info.is_empty() && above > 0 && (f.len >= 4 || f.len >= above);
            if !underline {
                return true;
            }
        }
        above = title_len(line);
    }
    false
}

/// The length docutils gives a title line: without a docstring's opening quotes (`"""Run`).
fn title_len(line: &str) -> usize {
    let t = line.trim();
    let body = t.trim_start_matches(['r', 'R', 'b', 'B', 'u', 'U', 'f', 'F']);
    let t = ["\"\"\"", "'''"]
        .iter()
        .find_map(|q| body.strip_prefix(q))
        .unwrap_or(t);
    t.chars().count()
}

fn finish<'a>(index: usize, f: Fence<'a>, lines: &[&str]) -> CodeBlock<'a> {
    let mut code = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            code.push('\n');
        }
        code.push_str(strip_indent(l, f.indent));
    }
    if !lines.is_empty() {
        code.push('\n');
    }
    CodeBlock {
        index,
        info: f.info,
        code,
        first_line: f.first_line,
    }
}

/// Removes up to `n` leading spaces (a tab counts as one column here, as LLMs rarely mix).
fn strip_indent(line: &str, n: usize) -> &str {
    let ws = line
        .bytes()
        .take(n)
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    &line[ws..]
}

fn leading_ws(line: &str) -> usize {
    line.bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count()
}

fn fence_run(rest: &str) -> Option<(u8, usize)> {
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|b| *b == ch).count();
    (len >= 3).then_some((ch, len))
}

fn opening_fence(line: &str, first_line: usize) -> Option<Fence<'_>> {
    let indent = leading_ws(line);
    let rest = &line[indent..];
    let (ch, len) = fence_run(rest)?;
    let info = rest[len..].trim();
    if ch == b'`' && info.contains('`') {
        return None;
    }
    Some(Fence {
        ch,
        len,
        indent,
        info,
        first_line,
    })
}

fn is_closing_fence(line: &str, open: &Fence<'_>) -> bool {
    let rest = &line[leading_ws(line)..];
    match fence_run(rest) {
        Some((ch, len)) => ch == open.ch && len >= open.len && rest[len..].trim().is_empty(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backtick_and_tilde_fences_with_info_strings() {
        let md = "Intro\n```python\nprint(1)\n```\ntext\n~~~ js title=\"a.js\"\nx()\n~~~\n";
        let b = fenced_blocks(md);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].info, "python");
        assert_eq!(b[0].code, "print(1)\n");
        assert_eq!(b[0].first_line, 3);
        assert_eq!(b[1].index, 1);
        assert_eq!(b[1].info, "js title=\"a.js\"");
        assert_eq!(b[1].code, "x()\n");
    }

    #[test]
    fn indented_fence_inside_list_strips_its_indent() {
        let md = "1. Run:\n   ```bash\n   echo a\n     nested\n   ```\n";
        let b = fenced_blocks(md);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].info, "bash");
        assert_eq!(b[0].code, "echo a\n  nested\n");
    }

    #[test]
    fn closing_fence_must_match_char_and_be_long_enough() {
        let md = "````md\n```python\ninner\n```\n````\n";
        let b = fenced_blocks(md);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].code, "```python\ninner\n```\n");
        let md = "~~~\na\n```\nb\n~~~\n";
        assert_eq!(fenced_blocks(md)[0].code, "a\n```\nb\n");
    }

    #[test]
    fn unclosed_fence_runs_to_end() {
        let b = fenced_blocks("```go\nfunc main() {}\n");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].code, "func main() {}\n");
    }

    #[test]
    fn inline_triple_backticks_are_not_fences() {
        assert!(fenced_blocks("use ```x``` inline").is_empty());
        assert!(!has_fence("no code here"));
        assert!(has_fence("a\n```\nb\n```"));
        assert!(has_fence("a\n\n~~~\nb\n~~~"));
        assert!(has_fence("a\n~~~python\nb\n~~~"));
        // A docstring's heading underline is not a fence.
        let src = "def f(p):\n    \"\"\"Reads a file.\n\n    Notes\n    ~~~~~\n    none\n    \"\"\"\n    return open(p)\n";
        assert!(!has_fence(src));
        assert!(
            !has_fence(&src.replace("~~~~~", "~~~~")),
            "an underline shorter than its title"
        );
        // Three under a longer line is text to docutils, and a fence to an answer.
        assert!(has_fence("Here is the code:\n~~~\nrun()\n~~~"));
        // A title on the docstring's opening line is measured without its quotes.
        assert!(!has_fence(
            "def f():\n    \"\"\"Run\n    ~~~\n    \"\"\"\n    os.system(c)\n"
        ));
        assert!(!has_fence("def f():\n    r'''Run\n    ~~~\n    '''\n"));
    }

    #[test]
    fn closing_fence_with_trailing_text_does_not_close() {
        let b = fenced_blocks("```\na\n``` not closed\nb\n```\n");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].code, "a\n``` not closed\nb\n");
    }

    #[test]
    fn console_transcripts_keep_commands_and_line_numbers() {
        let code = "$ curl -k https://x\nHTTP/1.1 200 OK\n% chmod 777 /srv\n";
        assert_eq!(
            session_commands("console", code).as_deref(),
            Some("curl -k https://x\n\nchmod 777 /srv\n")
        );
        assert_eq!(session_commands("bash", code), None);
        assert_eq!(session_commands("", code), None);
    }

    #[test]
    fn crlf_and_empty_blocks() {
        let b = fenced_blocks("```sh\r\nls\r\n```\r\n```\n```\n");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].code, "ls\n");
        assert_eq!(b[1].code, "");
        assert_eq!(b[1].info, "");
    }
}

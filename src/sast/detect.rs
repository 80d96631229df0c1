//! Guessing a snippet's language when its fence has no info string.
//!
//! LLM answers usually label their fences, but not always (and `text` or `plaintext` labels
//! hide real code). We score each language by a few strong, cheap signals (a shebang, `<?php`,
//! `package main`, `#include`, a leading `FROM`, `apiVersion:` + `kind:`, `resource "…"`) and
//! weaker keyword hints, and take the best score above a threshold. Unknown content is not
//! scanned: a wrong guess would run the wrong rules, and a false finding costs more trust than
//! a missed one on unlabeled prose.
//!
//! Rejected: a statistical classifier (a model to ship and load, for a decision the signals
//! below already make on real answers); parsing with every grammar and keeping the one with the
//! fewest errors (15 parses per block, and tree-sitter recovers from errors well enough that
//! error counts separate C from C++ or JS from TS poorly).

use super::lang::Lang;
use regex::Regex;
use std::sync::LazyLock;

/// One scored signal: a multi-line regex and the weight it adds to a language.
struct Signal {
    lang: Lang,
    weight: i32,
    re: Regex,
}

/// Signals are compiled once; the table is static data, so a bad pattern is a programming
/// error caught by the unit tests, never input-controlled.
static SIGNALS: LazyLock<Vec<Signal>> = LazyLock::new(|| {
    let table: &[(Lang, i32, &str)] = &[
        (Lang::Bash, 10, r"\A#!\s*/(usr/)?bin/(env\s+)?(ba|z)?sh\b"),
        (Lang::Python, 10, r"\A#!\s*/usr/bin/(env\s+)?python"),
        (Lang::Php, 10, r"<\?php"),
        (Lang::Go, 10, r"(?m)^package\s+\w+\s*$"),
        (Lang::Go, 4, r"(?m)^func\s+(\(\w+\s+\*?\w+\)\s*)?\w+\("),
        (Lang::Go, 3, r":=\s"),
        (Lang::Go, 3, r#"(?m)^import\s+\(\s*$|^import\s+"\w+""#),
        (Lang::C, 6, r"(?m)^#include\s*<\w+\.h>"),
        (
            Lang::C,
            3,
            r"\bint\s+main\s*\(|\b(printf|malloc|free|strcpy|sizeof|fgets)\s*\(",
        ),
        (
            Lang::Cpp,
            8,
            r"(?m)^#include\s*<(iostream|string|vector|memory|map)>|std::|\bnamespace\s+\w+|\bcout\s*<<",
        ),
        (
            Lang::Java,
            8,
            r"(?m)^\s*(public|private|protected)\s+(static\s+)?(final\s+)?(class|interface|void|String)\b",
        ),
        (
            Lang::Java,
            6,
            r"(?m)^import\s+(java|javax|org|com)\.[\w.]+;",
        ),
        (
            Lang::Java,
            3,
            r"System\.out\.println|@Override|new\s+\w+\(.*\);",
        ),
        (
            Lang::Python,
            6,
            r"(?m)^\s*def\s+\w+\(.*\)\s*(->\s*[\w\[\], ]+)?:\s*$",
        ),
        (
            Lang::Python,
            5,
            r"(?m)^(from\s+[\w.]+\s+)?import\s+[\w.]+(\s+as\s+\w+)?(,\s*\w+)*\s*$",
        ),
        (
            Lang::Python,
            3,
            r#"(?m)^\s*(if|for|while|with|elif|else|try|except)\b.*:\s*$|\bself\.|print\(|f""#,
        ),
        (Lang::Ruby, 6, r"(?m)^\s*def\s+\w+[!?]?(\(.*\))?\s*$"),
        (Lang::Ruby, 4, r"(?m)^\s*end\s*$"),
        (
            Lang::Ruby,
            4,
            r"(?m)^\s*(require\s+'|class\s+\w+\s*<\s*\w+|puts\s|attr_accessor\b)|\bdo\s*\|\w+\|",
        ),
        (
            Lang::JavaScript,
            5,
            r"\brequire\(\s*['\x22]|\bmodule\.exports\b|\bconsole\.log\(|=>\s*\{|\bdocument\.|\bawait\s+fetch\(",
        ),
        (
            Lang::JavaScript,
            4,
            r"(?m)^\s*(const|let|var)\s+\w+\s*(:\s*[\w<>\[\]]+\s*)?=|^\s*function\s+\w+\s*\(|^import\s+.*\s+from\s+['\x22]",
        ),
        (
            Lang::TypeScript,
            7,
            r"(?m)^\s*(interface|type)\s+\w+\s*(=|\{)|:\s*(string|number|boolean|void|Promise<)\b",
        ),
        (
            Lang::Bash,
            5,
            r"(?m)^\s*(sudo\s+)?(apt(-get)?|yum|dnf|brew|pip3?|npm|curl|wget|chmod|chown|export|echo|cd|mkdir|systemctl|docker|kubectl)\s",
        ),
        (
            Lang::Bash,
            3,
            r"(?m)^\s*(if\s+\[|fi\s*$|then\s*$|done\s*$)|\$\{\w+\}",
        ),
        (Lang::Dockerfile, 12, r"(?m)\A(\s*#.*\n)*\s*FROM\s+\S+"),
        (
            Lang::Dockerfile,
            4,
            r"(?m)^(RUN|COPY|ADD|CMD|ENTRYPOINT|WORKDIR|EXPOSE|USER|ENV)\s",
        ),
        (Lang::Yaml, 12, r"(?m)^apiVersion:\s*\S+"),
        (
            Lang::Yaml,
            6,
            r"(?m)^kind:\s*\w+|^services:\s*$|^\s+image:\s*\S+",
        ),
        (
            Lang::Terraform,
            12,
            r#"(?m)^\s*(resource|provider|module|data|variable)\s+"[\w-]+"(\s+"[\w-]+")?\s*\{"#,
        ),
        (
            Lang::Nginx,
            12,
            r"(?m)^\s*(server|http|upstream\s+\w+|location\s+\S+)\s*\{",
        ),
        (
            Lang::Nginx,
            4,
            r"(?m)^\s*(listen|server_name|proxy_pass|root|ssl_certificate)\s+[^;]+;",
        ),
    ];
    table
        .iter()
        .filter_map(|&(lang, weight, pat)| {
            Regex::new(pat).ok().map(|re| Signal { lang, weight, re })
        })
        .collect()
});

/// The minimum score for a guess: one strong signal, or two weak ones that agree.
const THRESHOLD: i32 = 8;

/// How much text detection looks at; signals sit near the top of real snippets and the cap
/// keeps detection cheap on huge blocks.
const DETECT_WINDOW: usize = 8 * 1024;

/// Guesses the language of unlabeled code, or `None` when no language scores high enough.
pub fn detect(code: &str) -> Option<Lang> {
    let mut end = code.len().min(DETECT_WINDOW);
    while !code.is_char_boundary(end) {
        end -= 1;
    }
    let head = &code[..end];
    let mut scores = [0i32; Lang::ALL.len()];
    for s in SIGNALS.iter() {
        if s.re.is_match(head) {
            scores[s.lang.index()] += s.weight;
        }
    }
    // TypeScript is JavaScript plus types: its signals only count when JS-like code is present.
    if scores[Lang::TypeScript.index()] > 0 {
        scores[Lang::TypeScript.index()] += scores[Lang::JavaScript.index()];
    }
    // C++ files include C headers too; C++ evidence wins over plain `#include <x.h>`.
    if scores[Lang::Cpp.index()] > 0 {
        scores[Lang::Cpp.index()] += scores[Lang::C.index()];
    }
    let (best, score) = Lang::ALL
        .iter()
        .map(|l| (*l, scores[l.index()]))
        .max_by_key(|&(l, s)| (s, std::cmp::Reverse(l.index())))?;
    (score >= THRESHOLD).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signal_compiles() {
        assert_eq!(SIGNALS.len(), 31);
    }

    #[test]
    fn detects_common_snippets() {
        let cases: &[(&str, Lang)] = &[
            (
                "import os\n\ndef run(cmd):\n    os.system(cmd)\n",
                Lang::Python,
            ),
            (
                "const express = require('express');\nconst app = express();\n",
                Lang::JavaScript,
            ),
            (
                "interface User { name: string }\nconst u: User = { name: 'a' };\n",
                Lang::TypeScript,
            ),
            ("package main\n\nfunc main() {\n}\n", Lang::Go),
            ("<?php\necho $_GET['x'];\n", Lang::Php),
            (
                "#include <stdio.h>\nint main(void) { return 0; }\n",
                Lang::C,
            ),
            (
                "#include <iostream>\nint main() { std::cout << 1; }\n",
                Lang::Cpp,
            ),
            (
                "public class A {\n  public static void main(String[] a) {}\n}\n",
                Lang::Java,
            ),
            (
                "class A < B\n  def run\n    puts 1\n  end\nend\n",
                Lang::Ruby,
            ),
            ("#!/bin/bash\nset -e\necho hi\n", Lang::Bash),
            ("FROM python:3.12\nRUN pip install x\n", Lang::Dockerfile),
            ("apiVersion: v1\nkind: Pod\n", Lang::Yaml),
            (
                "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
                Lang::Terraform,
            ),
            ("server {\n  listen 80;\n  server_name a;\n}\n", Lang::Nginx),
        ];
        for (code, lang) in cases {
            assert_eq!(detect(code), Some(*lang), "{code}");
        }
    }

    #[test]
    fn prose_is_not_guessed() {
        assert_eq!(detect("Run the tests and check the output."), None);
        assert_eq!(detect(""), None);
    }
}

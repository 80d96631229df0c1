//! The languages the engine knows, and how a snippet's language is named.
//!
//! A language reaches the engine three ways: a Markdown fence's info string (`python`, `ts`,
//! `{.go}`, `app.py`), a file name (`main.rs`-style extensions, `Dockerfile`, `nginx.conf`),
//! or, when neither says anything, detection from the content (see [`detect`](super::detect)).
//! Rule files name languages by [`Lang::name`] only, so a typo in a rule is an error instead of
//! a silently dead rule; the looser aliases are for input, which we do not control.
//!
//! Programming languages are parsed with tree-sitter; the four config formats (Dockerfile,
//! Kubernetes/compose YAML, Terraform, nginx) are matched line by line with structure-aware
//! regex rules, because their risky settings are single lines and a grammar would add build
//! time for little gain.

/// A language or config format the engine can scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Java,
    Go,
    Php,
    C,
    Cpp,
    Ruby,
    Bash,
    Dockerfile,
    Yaml,
    Terraform,
    Nginx,
}

impl Lang {
    /// Every language, in a fixed order (used to index per-language tables).
    pub const ALL: [Lang; 15] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Java,
        Lang::Go,
        Lang::Php,
        Lang::C,
        Lang::Cpp,
        Lang::Ruby,
        Lang::Bash,
        Lang::Dockerfile,
        Lang::Yaml,
        Lang::Terraform,
        Lang::Nginx,
    ];

    /// The canonical name, as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Java => "java",
            Lang::Go => "go",
            Lang::Php => "php",
            Lang::C => "c",
            Lang::Cpp => "cpp",
            Lang::Ruby => "ruby",
            Lang::Bash => "bash",
            Lang::Dockerfile => "dockerfile",
            Lang::Yaml => "yaml",
            Lang::Terraform => "terraform",
            Lang::Nginx => "nginx",
        }
    }

    /// Position in [`Lang::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Parses a canonical name from a rule file.
    pub fn from_name(name: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Config formats are matched by line rules, not parsed by tree-sitter.
    pub fn is_config(self) -> bool {
        matches!(
            self,
            Lang::Dockerfile | Lang::Yaml | Lang::Terraform | Lang::Nginx
        )
    }

    /// Reads a Markdown fence info string: the first word, with `{.lang}`, `language-lang`
    /// and `lang:file` / `lang title=...` decorations removed; a file name in the info string
    /// (`app.py`) is resolved by its extension.
    pub fn from_info(info: &str) -> Option<Lang> {
        let word = info.split_whitespace().next()?;
        let word = word.trim_start_matches('{').trim_end_matches('}');
        let word = word.trim_start_matches('.');
        let word = word.strip_prefix("language-").unwrap_or(word);
        let lower = word.to_ascii_lowercase();
        let head = lower.split([':', ',']).next().unwrap_or(&lower);
        from_alias(head).or_else(|| Lang::from_path(head))
    }

    /// Resolves a file name or path by its base name and extension.
    pub fn from_path(path: &str) -> Option<Lang> {
        let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let lower = base.to_ascii_lowercase();
        if lower == "dockerfile"
            || lower.starts_with("dockerfile.")
            || lower.ends_with(".dockerfile")
        {
            return Some(Lang::Dockerfile);
        }
        if lower == "nginx.conf" || lower.ends_with(".nginx") {
            return Some(Lang::Nginx);
        }
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "py" | "pyw" => Some(Lang::Python),
            "js" | "mjs" | "cjs" | "jsx" => Some(Lang::JavaScript),
            "ts" | "mts" | "cts" => Some(Lang::TypeScript),
            "tsx" => Some(Lang::Tsx),
            "java" => Some(Lang::Java),
            "go" => Some(Lang::Go),
            "php" => Some(Lang::Php),
            "c" | "h" => Some(Lang::C),
            "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" => Some(Lang::Cpp),
            "rb" => Some(Lang::Ruby),
            "sh" | "bash" | "zsh" => Some(Lang::Bash),
            "yaml" | "yml" => Some(Lang::Yaml),
            "tf" | "hcl" => Some(Lang::Terraform),
            _ => None,
        }
    }

    /// The tree-sitter grammar, for programming languages.
    pub(crate) fn grammar(self) -> Option<tree_sitter::Language> {
        let lang: tree_sitter::Language = match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Lang::C => tree_sitter_c::LANGUAGE.into(),
            Lang::Cpp => tree_sitter_cpp::LANGUAGE.into(),
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Lang::Bash => tree_sitter_bash::LANGUAGE.into(),
            Lang::Dockerfile | Lang::Yaml | Lang::Terraform | Lang::Nginx => return None,
        };
        Some(lang)
    }
}

/// Aliases people and LLMs put in fence info strings.
fn from_alias(word: &str) -> Option<Lang> {
    let lang = match word {
        "python" | "py" | "python3" | "py3" | "python2" | "django" | "flask" | "pycon" => {
            Lang::Python
        }
        "javascript" | "js" | "jsx" | "node" | "nodejs" | "mjs" | "cjs" | "react" => {
            Lang::JavaScript
        }
        "typescript" | "ts" | "mts" => Lang::TypeScript,
        "tsx" => Lang::Tsx,
        "java" | "kotlin-java" => Lang::Java,
        "go" | "golang" => Lang::Go,
        "php" | "php7" | "php8" => Lang::Php,
        "c" | "h" => Lang::C,
        "cpp" | "c++" | "cxx" | "cc" | "hpp" => Lang::Cpp,
        "ruby" | "rb" | "rails" | "erb-ruby" => Lang::Ruby,
        "bash" | "sh" | "shell" | "zsh" | "shellscript" | "console-bash" => Lang::Bash,
        "dockerfile" | "docker" | "containerfile" => Lang::Dockerfile,
        "yaml" | "yml" | "k8s" | "kubernetes" | "helm" | "docker-compose" | "compose" => Lang::Yaml,
        "terraform" | "tf" | "hcl" => Lang::Terraform,
        "nginx" | "nginxconf" | "nginx.conf" => Lang::Nginx,
        _ => return None,
    };
    Some(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_with_decorations_resolve() {
        assert_eq!(Lang::from_info("python"), Some(Lang::Python));
        assert_eq!(Lang::from_info("  py title=\"app.py\""), Some(Lang::Python));
        assert_eq!(Lang::from_info("{.go}"), Some(Lang::Go));
        assert_eq!(Lang::from_info("language-ts"), Some(Lang::TypeScript));
        assert_eq!(Lang::from_info("js:server.js"), Some(Lang::JavaScript));
        assert_eq!(Lang::from_info("app.rb"), Some(Lang::Ruby));
        assert_eq!(Lang::from_info("Dockerfile"), Some(Lang::Dockerfile));
        assert_eq!(Lang::from_info("text"), None);
        assert_eq!(Lang::from_info(""), None);
    }

    #[test]
    fn paths_resolve_by_base_name_and_extension() {
        assert_eq!(Lang::from_path("src/x/Main.java"), Some(Lang::Java));
        assert_eq!(Lang::from_path("docker/Dockerfile"), Some(Lang::Dockerfile));
        assert_eq!(Lang::from_path("deploy.YAML"), Some(Lang::Yaml));
        assert_eq!(Lang::from_path("main.tf"), Some(Lang::Terraform));
        assert_eq!(Lang::from_path("README"), None);
    }

    #[test]
    fn canonical_names_round_trip_and_grammars_exist_for_code() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_name(l.name()), Some(l));
            assert_eq!(l.grammar().is_some(), !l.is_config(), "{l:?}");
            assert_eq!(Lang::ALL[l.index()], l);
        }
    }
}

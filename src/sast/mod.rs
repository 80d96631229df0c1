//! SAST engine: finds vulnerable patterns in code that LLMs write.
//!
//! Input is a Markdown answer (every fenced block is scanned) or one source file; output is a
//! sorted list of [`Finding`]s (`rule_id`, `cwe`, `severity`, `block_index`, `line`, `message`,
//! `fix`). The pieces, in the order a scan uses them:
//!
//! * [`markdown`] extracts fenced blocks; [`lang`] and [`detect`] name their language.
//! * [`engine`] parses code with tree-sitter (Python, JavaScript/TypeScript, Java, Go, PHP,
//!   C/C++, Ruby, Bash) under a size cap and a deadline, and runs the rules.
//! * [`rules`] is the rule language: YAML data, built-in files under `rules/` plus the
//!   operator's, validated at start with errors that name the rule. Code rules are tree-sitter
//!   queries with conditions evaluated by `flow` (taint-lite: is this argument a
//!   string built from non-literal parts, does it come from a request or a parameter).
//!   Config formats (Dockerfile, Kubernetes YAML, Terraform, nginx) have structure-aware line
//!   rules.
//! * [`SecretFinder`] is the seam to the crate's secrets detector for hard-coded credentials.
//! * [`cli`] is the `securetag-edge sast` contract as a pure function.
//!
//! Invariants: the engine is pure and synchronous — no I/O, no async, no clock other than the
//! scan deadlines, no global state except compiled tables built once. It knows nothing
//! of HTTP, SQL stores or the rest of the crate, and depends on none of it. Every scan is
//! bounded in time and memory by [`Limits`]; over-limit input yields an `info` finding, never a
//! hang or a panic.
//!
//! Rejected: shelling out to Semgrep (a Python runtime per worker and about a second of
//! start-up per call even on no files;
//! `bench/sast/compare.sh` measures it against this engine), and regex-only rules (they cannot
//! tell `execute(q, params)` from `execute("…" + user)`, which is the difference that matters).

pub mod cli;
pub mod detect;
pub mod engine;
pub mod finding;
mod flow;
pub mod lang;
pub mod markdown;
mod matchers;
pub mod pool;
pub mod rules;
pub mod secrets;
mod syntax;

pub use engine::{Engine, Limits, RuleSummary};
pub use finding::{Finding, Severity};
pub use lang::Lang;
pub use rules::RuleError;
pub use secrets::{SecretFinder, SecretHit};

//! The ways a rule finds hits: tree-sitter queries with conditions for code
//! ([`query`]), line rules for config formats ([`lines`]), and the secrets seam (in the
//! engine, since it only forwards to the caller's finder).
//!
//! Every matcher returns [`Hit`]s: which rule, which 0-based row of the snippet. The engine
//! turns hits into findings; matchers never see block indexes or output formats.

pub(crate) mod lines;
pub(crate) mod query;

/// One rule hit in one snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index into the engine's rule list.
    pub rule: usize,
    /// 0-based row within the snippet.
    pub row: usize,
}

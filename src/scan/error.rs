//! Errors of building a scanner. Scanning itself cannot fail: every input yields a result.

use std::fmt;

/// Why a [`Scanner`](super::Scanner) could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A built-in pattern failed to compile; a unit test keeps this from shipping.
    #[error("built-in pattern {id} does not compile: {source}")]
    Builtin {
        /// Which built-in pattern.
        id: String,
        /// The compiler's reason.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A tenant entity has a regex that does not compile or an unusable definition.
    #[error("custom entity {name}: {reason}")]
    CustomEntity {
        /// The entity's configured name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The gitleaks rule file is not valid TOML or not the gitleaks shape.
    #[error("gitleaks rule file: {0}")]
    GitleaksToml(#[from] toml::de::Error),
}

/// One operator rule that was skipped, with its id, so the caller can print it at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The rule's `id` from the file (or `rules[N]` when it has none).
    pub id: String,
    /// Why it was skipped, e.g. the regex compiler's message for a look-around.
    pub reason: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}", self.id, self.reason)
    }
}

impl ScanError {
    pub(crate) fn builtin(id: &str, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        ScanError::Builtin {
            id: id.to_owned(),
            source: Box::new(e),
        }
    }
}

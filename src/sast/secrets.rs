//! The seam to the project's secrets detector.
//!
//! Hard-coded credentials are found by the same detector that guards prompts and answers
//! (the `scan` module), so a key format added there is caught in generated code too, and the
//! two never disagree. The engine must not depend on `scan` (both are pure leaves of the
//! crate), so it only defines this trait; the caller passes an implementation, and the
//! built-in `secrets` rule turns each hit into a `hardcoded-credential` finding (CWE-798).
//! Without a finder that rule is simply inactive.

/// A secret found in a code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretHit {
    /// Byte offset of the secret's start within the scanned code.
    pub start: usize,
    /// Byte offset one past the secret's end.
    pub end: usize,
    /// What kind of secret (`AWS_ACCESS_KEY`, `PRIVATE_KEY`, …), shown in the message.
    pub entity: String,
}

/// Finds secrets in a piece of code. Implemented by the crate's secrets scanner.
pub trait SecretFinder {
    /// Every secret in `code`, as byte ranges into it.
    fn find_secrets(&self, code: &str) -> Vec<SecretHit>;
}

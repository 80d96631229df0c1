//! Detection of PII, secrets and prompt injection in text, and its redaction.
//!
//! This module is the engine behind the AI Shield's verdicts and the `securetag-edge scan`
//! command. It is pure: synchronous functions over `&str`, no I/O, no async, no global state.
//! Everything compiled (regexes, Aho-Corasick automata, the name gazetteer) lives inside a
//! [`Scanner`] that the caller builds once at start and shares by reference; `scan` takes
//! `&self`, so one `Scanner` serves every request thread without locks. The only I/O lives in
//! [`cli`], which reads and writes the reader and writer it is handed.
//!
//! # How a scan runs
//!
//! A scan is a handful of linear passes over the bytes, each cheap, followed by validators that
//! only run on candidates:
//!
//! * structured PII comes from hand-written byte scanners (digit groups, upper-case tokens, `@`
//!   positions) whose candidates then meet a check digit (Luhn, mod-97, CURP, RFC, CLABE, VIN),
//!   a range check (SSN, NANP) or a context window;
//! * `PERSON` comes from capitalised word runs looked up in one Aho-Corasick automaton of given
//!   names, surnames and a stop list, scored together with the cue words around them;
//! * secrets run one keyword prefilter (Aho-Corasick) over the text; a rule's regex only runs,
//!   in a window around its keyword, when the keyword is present;
//! * injection runs on a normalised view of the text (NFKD, confusables, zero-width and tag
//!   characters, leetspeak, spaced-out letters, decoded base64/hex) behind its own prefilter.
//!
//! Findings that overlap are resolved deterministically (longest span, then highest score, then
//! earliest start, then entity name), and a value found once is found everywhere it recurs as a
//! whole word in the same text, so redaction never leaves a second copy behind.
//!
//! # Invariants
//!
//! * Offsets are byte offsets into the scanned `&str` and always fall on char boundaries.
//! * No input makes a scan panic: nothing input-controlled is unwrapped, every slice is taken at
//!   a checked char boundary (the fuzz target and the randomised test hold this).
//! * Nothing here logs, prints or stores a scanned value; injection results name rules, never
//!   text; the pseudonym [`Vault`] has no `Debug` or `Serialize` that could print a value.
//!
//! # Rejected alternatives
//!
//! * One big `RegexSet` for all PII: it finds which patterns match but not where, so every
//!   pattern runs again anyway, and validators (Luhn, check digits) cannot be expressed in it.
//! * A statistical NER model for `PERSON`: the gateway this replaces used spaCy and paid about
//!   a millisecond per prompt for it while missing names in lower-resource Spanish prose; a
//!   gazetteer plus cues is two orders of magnitude cheaper and is measured in
//!   `tests/scan_corpus.rs` against the same corpus.
//! * Running every secret rule over the whole text (detect-secrets' model): cost grows with the
//!   rule count; keyword prefiltering keeps it flat so large gitleaks rule sets stay cheap.

pub mod cli;
mod custom;
mod error;
mod finding;
mod gazetteer;
mod gitleaks;
mod injection;
mod keywords;
mod normalize;
mod pii;
mod redact;
mod report;
mod resolve;
mod secrets;
pub(crate) mod text;
mod validate;

pub use custom::CustomEntity;
pub use error::{RuleError, ScanError};
pub use finding::{
    Category, EntitySet, Finding, InjectionVerdict, PiiEntity, ScanOptions, ScanResult,
};
pub use redact::{redact, RedactionMode, RedactionPolicy, RedactionState, Vault};
pub use report::{JsonlError, JsonlLine, Report};
pub use text::{decode_escapes, Escapes};

/// A compiled set of detectors, built once at start and shared by every request.
pub struct Scanner {
    pii: pii::PiiDetector,
    secrets: secrets::SecretDetector,
    injection: injection::InjectionDetector,
    custom: custom::CustomDetector,
}

/// What [`ScannerBuilder::build`] returns: the scanner, and the operator rules it had to skip.
pub struct Built {
    /// The compiled scanner.
    pub scanner: Scanner,
    /// Gitleaks rules that could not be used, each with its id and the reason; meant to be
    /// printed once at start so an operator sees what their rule file lost.
    pub rule_errors: Vec<RuleError>,
}

/// Collects the optional inputs of a [`Scanner`]: tenant entities and a gitleaks rule file.
#[derive(Default)]
pub struct ScannerBuilder {
    custom: Vec<CustomEntity>,
    gitleaks: Vec<String>,
}

impl ScannerBuilder {
    /// Adds a tenant-defined entity (regexes and keywords) reported as `category: "custom"`.
    pub fn custom_entity(mut self, entity: CustomEntity) -> Self {
        self.custom.push(entity);
        self
    }

    /// Adds the text of a gitleaks-format TOML rule file; the caller reads the file.
    pub fn gitleaks_toml(mut self, toml_text: &str) -> Self {
        self.gitleaks.push(toml_text.to_owned());
        self
    }

    /// Parses a gitleaks rule file as [`build`](Self::build) will, without building a
    /// scanner: for configuration checks. Returns the rules that would be skipped.
    pub fn check_gitleaks_toml(toml_text: &str) -> Result<Vec<RuleError>, ScanError> {
        gitleaks::parse(toml_text).map(|p| p.errors)
    }

    /// Compiles everything. Fails on a malformed TOML file, an invalid custom entity or (never
    /// in a released build, a unit test proves it) a built-in pattern that does not compile.
    pub fn build(self) -> Result<Built, ScanError> {
        let mut rule_errors = Vec::new();
        let mut extra_rules = Vec::new();
        let mut allowlists = Vec::new();
        for file in &self.gitleaks {
            let parsed = gitleaks::parse(file)?;
            extra_rules.extend(parsed.rules);
            allowlists.extend(parsed.allowlists);
            rule_errors.extend(parsed.errors);
        }
        let scanner = Scanner {
            pii: pii::PiiDetector::new()?,
            secrets: secrets::SecretDetector::new(extra_rules, allowlists)?,
            injection: injection::InjectionDetector::new()?,
            custom: custom::CustomDetector::new(self.custom)?,
        };
        Ok(Built {
            scanner,
            rule_errors,
        })
    }
}

impl Scanner {
    /// The built-in detectors only: no custom entities, no operator rules.
    pub fn builtin() -> Result<Scanner, ScanError> {
        ScannerBuilder::default().build().map(|b| b.scanner)
    }

    /// Starts a builder for a scanner with tenant entities and operator rules.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// Scans `text` with the detectors `opts` enables. Findings come back sorted by start,
    /// non-overlapping, with scores at or above `opts.min_score`.
    pub fn scan(&self, text: &str, opts: &ScanOptions) -> ScanResult {
        self.scan_keeping(text, opts, &|_| true)
    }

    /// [`Self::scan`] with `keep` choosing the findings that count before overlaps are
    /// resolved: one left out afterwards would already have hidden what it covered (a
    /// custom entity a tenant did not pick, over an email).
    pub fn scan_keeping(
        &self,
        text: &str,
        opts: &ScanOptions,
        keep: &dyn Fn(&Finding) -> bool,
    ) -> ScanResult {
        let mut findings = Vec::new();
        if !opts.pii.is_empty() {
            self.pii.scan(text, opts.pii, &mut findings);
        }
        if opts.secrets {
            self.secrets.scan(text, &mut findings);
        }
        if opts.custom {
            self.custom.scan(text, &mut findings);
        }
        findings.retain(|f| f.score >= opts.min_score && keep(f));
        let mut findings = resolve::resolve(text, findings);
        // A value's copies score a little under the value, never under the floor it passed.
        for f in &mut findings {
            f.score = f.score.max(opts.min_score);
        }
        let injection = if opts.injection {
            Some(self.injection.score(text, opts.injection_threshold))
        } else {
            None
        };
        ScanResult {
            findings,
            injection,
        }
    }

    /// Number of secret rules compiled in (built-in plus operator rules), for the start log.
    pub fn secret_rule_count(&self) -> usize {
        self.secrets.rule_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_pattern_compiles() {
        // The builder returns an error naming the first built-in pattern that fails to
        // compile; this test is the proof that the released set is valid.
        let built = Scanner::builder().build();
        assert!(built.is_ok(), "{:?}", built.err());
    }

    #[test]
    fn scanner_is_shareable_across_request_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scanner>();
        assert_send_sync::<ScanResult>();
        assert_send_sync::<RedactionState>();
    }

    /// A long text is read in windows around each keyword; a rule whose matches run on for
    /// kilobytes (a key body) must get a window that holds them.
    #[test]
    fn an_operator_rule_for_a_key_body_finds_it_in_a_long_text() {
        let toml = r#"
[[rules]]
id = "vault-blob"
regex = '''VAULT-BEGIN[\s\S]+?VAULT-END'''
keywords = ["vault-begin"]
"#;
        let built = Scanner::builder().gitleaks_toml(toml).build().unwrap();
        let line = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG9mcmVk\n";
        let block = format!("VAULT-BEGIN\n{}VAULT-END", line.repeat(60));
        let text = format!("{}{block}\n", "Some ordinary words of a log. ".repeat(400));
        assert!(text.len() > 12 * 1024 && block.len() > 3 * 1024);
        let r = built.scanner.scan(&text, &ScanOptions::default());
        let got: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| &*f.entity == "VAULT_BLOB")
            .map(|f| &text[f.start..f.end])
            .collect();
        assert_eq!(got, [block.as_str()]);
    }

    /// What a scanner with `toml`'s operator rules finds in `text`: `ENTITY value` each.
    fn operator_findings(toml: &str, text: &str) -> Vec<String> {
        let built = Scanner::builder().gitleaks_toml(toml).build().unwrap();
        let r = built.scanner.scan(text, &ScanOptions::default());
        r.findings
            .iter()
            .map(|f| format!("{} {}", f.entity, &text[f.start..f.end]))
            .collect()
    }

    /// Operator rules read as gitleaks reads them: with no `secretGroup`, the first group
    /// that matched something (here, that holds a letter or digit: not a quote); the digit
    /// requirement only for `generic…` rules with an entropy floor.
    #[test]
    fn operator_rules_pick_their_secret_as_gitleaks_does() {
        let toml = r#"
[[rules]]
id = "acme-key"
regex = '''ACME_KEY=(["']?)([A-Za-z0-9]{32})'''
keywords = ["acme_key"]

[[rules]]
id = "internal-generic-token"
regex = '''X-Internal-Token:\s*([A-Za-z_-]{24,})'''
keywords = ["x-internal-token"]

[[rules]]
id = "generic-word"
regex = '''wordkey=([a-z]{12,})'''
keywords = ["wordkey"]
entropy = 2.0
"#;
        let text = "ACME_KEY=Q8w7E6r5T4y3U2i1O9p0A8s7D6f5G4h3\nX-Internal-Token: hTqLmZpRwKxVbNcJdFgSyEuAoW\nwordkey=qwertyuiopasdf\nACME_KEY=\"Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe\"\n";
        assert_eq!(
            operator_findings(toml, text),
            [
                "ACME_KEY Q8w7E6r5T4y3U2i1O9p0A8s7D6f5G4h3",
                "INTERNAL_GENERIC_TOKEN hTqLmZpRwKxVbNcJdFgSyEuAoW",
                // Quoted: the key, not its quote.
                "ACME_KEY Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe",
            ]
        );
    }

    /// An operator's pattern that can match nothing ends its search (it once spun at the
    /// text's end); a keyword beyond ASCII is found in upper case as gitleaks finds it.
    #[test]
    fn operator_rules_that_match_nothing_or_name_non_ascii_keywords() {
        let toml = r#"
[[rules]]
id = "loose-key"
regex = '''(?:api_key=)?[a-z0-9]*'''
keywords = ["api_key"]

[[rules]]
id = "pw-es"
regex = '''(?i)contraseña\s*[:=]\s*(\S{8,})'''
keywords = ["contraseña"]
"#;
        let text = "api_key=q8w7e6r5t4 done, CONTRASEÑA: Zq8wX2mP9kLv";
        assert_eq!(
            operator_findings(toml, text),
            [
                "LOOSE_KEY api_key=q8w7e6r5t4",
                "LOOSE_KEY done",
                "PW_ES Zq8wX2mP9kLv"
            ]
        );
    }

    /// In a long text a rule reads windows around its keywords; a match still runs to its
    /// end past a window's edge, and a token that the edge cut in two is read whole.
    #[test]
    fn long_tokens_are_read_whole_in_long_texts() {
        let toml = r#"
[[rules]]
id = "blob"
regex = '''blob_[A-Za-z0-9+/=]{40,}'''
keywords = ["blob_"]
"#;
        let built = Scanner::builder().gitleaks_toml(toml).build().unwrap();
        let body: String = (0..3000)
            .map(|i| {
                char::from(
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[i * 7 % 62],
                )
            })
            .collect();
        let blob = format!("blob_{body}");
        let prose = "Some ordinary words of a log. ".repeat(400);
        let text = format!("{prose}{blob} end\n");
        let r = built.scanner.scan(&text, &ScanOptions::default());
        let got: Vec<(usize, usize)> = r
            .findings
            .iter()
            .filter(|f| &*f.entity == "BLOB")
            .map(|f| (f.start, f.end))
            .collect();
        assert_eq!(got, [(prose.len(), prose.len() + blob.len())]);
        // A JWT of a few kilobytes, its only `eyJ` at its start.
        let s = Scanner::builtin().unwrap();
        let claims = format!(
            "{{\"sub\":\"1234567890\",\"groups\":[{}]}}",
            (0..250)
                .map(|i| format!("\"group-{i}\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        let b64 = |b: &[u8]| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
        };
        let jwt = format!(
            "{}.{}.{}",
            b64(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64(claims.as_bytes()),
            b64(&[7u8; 32])
        );
        assert!(jwt.len() > 3 * 1024);
        let text = format!("{prose}token {jwt} end\n");
        let r = s.scan(&text, &ScanOptions::default());
        let at = prose.len() + "token ".len();
        assert!(
            r.findings
                .iter()
                .any(|f| (f.start, f.end) == (at, at + jwt.len())),
            "{:?}",
            r.findings
        );
    }

    #[test]
    fn custom_entities_and_gitleaks_rules_reach_the_scan() {
        let toml = r#"
[[rules]]
id = "acme-token"
regex = '''\b(acme_[a-z0-9]{24})\b'''
keywords = ["acme_"]
secretGroup = 1

[[rules]]
id = "broken"
regex = '''(?<=x)y'''
"#;
        let built = Scanner::builder()
            .custom_entity(CustomEntity {
                name: "EMPLOYEE_ID".into(),
                regexes: vec![r"\bEMP-\d{6}\b".into()],
                keywords: vec![],
                score: 0.9,
            })
            .gitleaks_toml(toml)
            .build()
            .unwrap();
        assert_eq!(built.rule_errors.len(), 1);
        assert_eq!(built.rule_errors[0].id, "broken");
        let text = "EMP-123456 used acme_q8w7e6r5t4y3u2i1o9p0a8s7";
        let r = built.scanner.scan(text, &ScanOptions::default());
        let got: Vec<(&str, &str)> = r
            .findings
            .iter()
            .map(|f| (&*f.entity, &text[f.start..f.end]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("EMPLOYEE_ID", "EMP-123456"),
                ("ACME_TOKEN", "acme_q8w7e6r5t4y3u2i1o9p0a8s7")
            ]
        );
        let no_custom = ScanOptions {
            custom: false,
            ..ScanOptions::default()
        };
        assert_eq!(built.scanner.scan(text, &no_custom).findings.len(), 1);
    }

    #[test]
    fn copies_of_a_value_keep_the_min_score_it_passed() {
        let s = Scanner::builtin().unwrap();
        // The second copy stands past the SSN cue's reach: only the recurrence search
        // finds it, a little under the value's score.
        let text = "My SSN is 536-22-8812. Then a long aside about something else entirely, and again: 536-22-8812 ok";
        let first = s.scan(text, &ScanOptions::default()).findings;
        let floor = first.iter().map(|f| f.score).fold(0.0, f32::max);
        let opts = ScanOptions {
            min_score: floor,
            ..ScanOptions::default()
        };
        let found = s.scan(text, &opts).findings;
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|f| f.score >= floor), "{found:?}");
    }

    #[test]
    fn scan_is_sorted_and_non_overlapping() {
        let s = Scanner::builtin().unwrap();
        let text = "Email ana.garcia@correo.mx or call +52 55 1234 5678, card 4111 1111 1111 1111.";
        let r = s.scan(text, &ScanOptions::default());
        assert!(r.findings.len() >= 3, "{:?}", r.findings);
        for w in r.findings.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
    }
}

//! E-mail addresses, found from each `@` (or URL-encoded `%40`) outward instead of by regex,
//! which keeps the cost proportional to the number of `@` signs rather than to the text.
//!
//! Decisions: IDN (Unicode letters in local part and domain, and `xn--` labels) is accepted.
//! A domain must have a dot and an alphabetic TLD, so `user@localhost`, `pkg@1.2.3` and SSH
//! targets in code are not findings; `git@github.com:org/repo` is a remote, not a person.
//! RFC 2606 reserved names (`example.com`, `*.test`, `*.invalid`, `*.localhost`, `*.example`)
//! are placeholders by definition and are skipped. `*.local` is not: Active Directory forests
//! named `corp.local` give their people sign-in names of that form (`ana.ruiz@corp.local`);
//! only a device's login on the local network (`ssh pi@raspberrypi.local`) is left out.
//! A `/` before an address makes it part of a path (`github.com/ana@…`) unless the `/`
//! ends another address (`ana@acme.mx/luis@acme.mx`, a list written with slashes).
//! `user:pass@host` in a URL belongs to the connection-string secret rule, not here.
//! `icon@2x.png` has a file extension, not a TLD; extensions that are also country domains
//! (`.md`, `.py`, `.sh`, `.so`) are domains.

use super::super::text::{char_at, char_before};

const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "js", "mjs", "cjs", "ts", "tsx",
    "jsx", "css", "scss", "json", "yaml", "yml", "toml", "lock", "html", "htm", "txt", "log",
    "map", "wasm", "gz", "tar", "tgz", "exe", "dll", "pdf", "csv", "xml", "rb", "java", "kt",
    "swift", "php", "vue", "svelte",
];

fn local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// Pushes `(start, end, score)` for every address in `text`: around each `@`, and around
/// each `%40` (an address URL-encoded in a query string or a `mailto:`, as access logs
/// print it).
pub(crate) fn find(text: &str, out: &mut Vec<(usize, usize, f32)>) {
    for at in memchr::memchr_iter(b'@', text.as_bytes()) {
        if let Some((start, end)) = address_at(text, at, 1) {
            out.push((start, end, 0.95));
        }
    }
    for at in memchr::memmem::find_iter(text.as_bytes(), b"%40") {
        if let Some((start, end)) = address_at(text, at, 3) {
            out.push((start, end, 0.9));
        }
    }
}

/// The address whose `@` (or its `%40`, `sep` bytes long) is at byte `at`.
fn address_at(text: &str, at: usize, sep: usize) -> Option<(usize, usize)> {
    // Local part, walking back at most 64 chars.
    let mut start = at;
    let mut n = 0;
    while let Some(c) = char_before(text, start) {
        if !local_char(c) || n >= 64 {
            break;
        }
        start -= c.len_utf8();
        n += 1;
    }
    while text
        .as_bytes()
        .get(start)
        .is_some_and(|b| matches!(b, b'.' | b'\'' | b'-' | b'+'))
    {
        start += 1;
    }
    if start >= at {
        return None;
    }
    // Domain, walking forward at most 255 bytes.
    let from = at + sep;
    let mut end = from;
    while let Some(c) = char_at(text, end) {
        if !domain_char(c) || end - at > 255 {
            break;
        }
        end += c.len_utf8();
    }
    while end > from && matches!(text.as_bytes()[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let local = text.get(start..at)?;
    let domain = text.get(from..end)?;
    if !valid_local(local) || !valid_domain(domain) {
        return None;
    }
    let lead = lead_before(text, at);
    let token = lead
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '(' | '<'))
        .next()
        .unwrap_or("");
    // Where the URL this `@` is in (if any) has its path or query: an address there
    // (`/users/ana@acme.mx`, `?email=ana@acme.mx`) is someone's, while before it the `@`
    // ends a login (`https://user:password@host`; the password may hold any character).
    let url = token.rfind("://").map(|i| &token[i + 3..]);
    // (`#` is left out: passwords hold it more often than fragments hold addresses.)
    let in_path = url.is_some_and(|rest| rest.contains(['/', '?']));
    // `smtp://ana@acme.mx:password@host`: the login's user name is this address when a
    // password and a second `@` follow it inside the authority.
    let user_is_address = || {
        char_at(text, end) == Some(':')
            && text[end..]
                .split(|c: char| c.is_whitespace() || matches!(c, '/' | '?' | '"' | '\'' | '>'))
                .next()
                .is_some_and(|authority| authority.contains('@'))
    };
    if char_at(text, end) == Some('@')
        || char_before(text, start).is_some_and(|c| {
            c == '@'
                || (c == '/' && !in_path && !user_is_address() && !ends_an_address(text, start - 1))
        })
    {
        return None;
    }
    // An encoded `%40` is never a login's delimiter.
    if sep == 1 && url.is_some() && !in_path && !user_is_address() {
        return None;
    }
    if local == "git" && char_at(text, end) == Some(':') {
        return None;
    }
    if domain.to_ascii_lowercase().ends_with(".local") && device_login(text, start, local) {
        return None;
    }
    Some((start, end))
}

/// Whether a `.local` address whose local part starts at `start` is a login to a device on
/// the local network (mDNS names: `ssh pi@raspberrypi.local`, `admin@nas.local`), not a
/// person's sign-in name: a device account; the target of `ssh` or `mosh` (the word before
/// it, options aside) or of `ssh://`; or an address on a `scp`, `sftp` or `rsync` line.
fn device_login(text: &str, start: usize, local: &str) -> bool {
    const ACCOUNTS: [&str; 8] = [
        "pi",
        "root",
        "admin",
        "ubuntu",
        "debian",
        "user",
        "guest",
        "homeassistant",
    ];
    if ACCOUNTS.contains(&local.to_ascii_lowercase().as_str()) {
        return true;
    }
    // The line back to its start, or a lead's length: a long line of addresses is read
    // once each.
    let lead = lead_before(text, start);
    let line = lead[lead.rfind('\n').map_or(0, |i| i + 1)..].to_ascii_lowercase();
    if ["ssh://", "sftp://", "scp://"]
        .iter()
        .any(|s| line.ends_with(s))
    {
        return true;
    }
    // Words as a shell reads them, without the prompt, quote or bracket before a command.
    let words: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| matches!(*w, "scp" | "sftp" | "rsync")) {
        return true;
    }
    // The target of ssh follows its options; those ssh(1) gives a value take the next word
    // (`-p 2222`, `-i ~/.ssh/key`, `-o Opt=no`), the others stand alone (`-A`, `-N`).
    const WITH_VALUE: &str = "BbcDEeFIiJLlmOoPpQRSWw";
    let Some(at) = words.iter().rposition(|w| matches!(*w, "ssh" | "mosh")) else {
        return false;
    };
    let mut rest = words[at + 1..].iter();
    while let Some(w) = rest.next() {
        let Some(flags) = w.strip_prefix('-') else {
            return false;
        };
        if flags.len() == 1 && WITH_VALUE.contains(flags) {
            rest.next();
        }
    }
    true
}

/// Whether the `/` at byte `slash` ends an address: the bytes before it are a local part,
/// an `@` and a domain. Read back at most as far as a domain runs, so a long chain of
/// slashed addresses costs each `@` one bounded look.
fn ends_an_address(text: &str, slash: usize) -> bool {
    let lead = lead_before(text, slash);
    let Some(at) = lead.rfind('@') else {
        return false;
    };
    let domain = &lead[at + 1..];
    domain.chars().all(domain_char)
        && valid_domain(domain)
        && char_before(lead, at).is_some_and(|c| c.is_alphanumeric())
}

/// The 256 bytes before `at` (a domain's longest, and enough for a URL's start), shrunk to
/// a char boundary: every look back from an address reads no further, so each `@` costs a
/// bounded read however long its line.
fn lead_before(text: &str, at: usize) -> &str {
    text.get(super::super::text::ceil_boundary(text, at.saturating_sub(256))..at)
        .unwrap_or("")
}

fn valid_local(l: &str) -> bool {
    !l.is_empty() && !l.contains("..") && !l.ends_with('.') && l.chars().any(char::is_alphanumeric)
}

fn valid_domain(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 || d.len() > 253 {
        return false;
    }
    if labels
        .iter()
        .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
    {
        return false;
    }
    let tld = labels[labels.len() - 1];
    let tld_ok = (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
        || tld.starts_with("xn--");
    if !tld_ok {
        return false;
    }
    let lower = d.to_lowercase();
    if FILE_EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str()) {
        return false;
    }
    let reserved = ["example.com", "example.net", "example.org"];
    if reserved
        .iter()
        .any(|r| lower == *r || lower.ends_with(&format!(".{r}")))
    {
        return false;
    }
    !matches!(
        tld.to_ascii_lowercase().as_str(),
        "test" | "invalid" | "localhost" | "example"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        find(t, &mut v);
        v.into_iter().map(|(s, e, _)| &t[s..e]).collect()
    }

    #[test]
    fn finds_plain_plus_subdomain_and_idn() {
        assert_eq!(
            spans("mail ana.lopez+news@mail.corp.mx."),
            vec!["ana.lopez+news@mail.corp.mx"]
        );
        assert_eq!(
            spans("escribe a josé@correo.españa.es"),
            vec!["josé@correo.españa.es"]
        );
        assert_eq!(
            spans("<bob_o'neil@xn--bcher-kva.de>"),
            vec!["bob_o'neil@xn--bcher-kva.de"]
        );
    }

    #[test]
    fn skips_non_addresses() {
        assert!(spans("ssh user@localhost").is_empty());
        assert!(spans("npm i react@18.2.0 @types/node").is_empty());
        assert!(spans("git clone git@github.com:org/repo.git").is_empty());
        assert!(spans("postgres://admin:s3cret@db.internal.net/app").is_empty());
        assert!(spans("redis://:c&Aic%^oCD4@cache.internal.net:6379/0").is_empty());
        assert!(spans("see icon@2x.png").is_empty());
        assert_eq!(
            spans("contacto@empresa.com.py o ana@studio.md, ops@acme.sh"),
            vec!["contacto@empresa.com.py", "ana@studio.md", "ops@acme.sh"]
        );
        assert!(spans("contact john@example.com").is_empty());
    }

    #[test]
    fn sign_in_names_of_a_local_forest_and_lists_written_with_slashes() {
        assert_eq!(
            spans("UPN: ana.ruiz@corp.local (AD)"),
            vec!["ana.ruiz@corp.local"]
        );
        assert!(spans("ping printer@office.localhost").is_empty());
        assert!(spans("ssh pi@raspberrypi.local").is_empty());
        assert!(spans("log in as admin@nas.local first").is_empty());
        assert!(spans("$ scp -r build/ deploy.bot@ci-runner.local:/srv").is_empty());
        for t in [
            "ssh -p 2222 deploy.bot@ci-runner.local",
            "run `ssh deploy.bot@ci-runner.local` first",
            "ssh -i ~/.ssh/id_ed25519 -o StrictHostKeyChecking=no ana.ruiz@build.local",
            "ssh -A -p 2222 deploy.bot@ci-runner.local",
            "ssh -N -L 8080:localhost:80 deploy.bot@h.local",
            "ssh \"deploy.bot@ci.local\"",
            "open sftp://deploy.bot@nas.local/backups",
        ] {
            assert!(spans(t).is_empty(), "{t}");
        }
        assert_eq!(
            spans("ssh done.\nEscribe a luis.p@corp.local"),
            vec!["luis.p@corp.local"]
        );
        // A person's address after the word elsewhere on its line is still a person's.
        assert_eq!(
            spans("pedí acceso ssh a ana.ruiz@corp.local"),
            vec!["ana.ruiz@corp.local"]
        );
        assert_eq!(
            spans("CC: ana@x.mx/luis.p@acme.com.mx/bo@y.io"),
            vec!["ana@x.mx", "luis.p@acme.com.mx", "bo@y.io"]
        );
        // A path before the address is not another address.
        assert!(spans("see github.com/ana@acme.mx").is_empty());
        assert!(spans("node_modules/@scope/pkg@npm.io").is_empty());
    }

    #[test]
    fn url_encoded_addresses_in_logs() {
        assert_eq!(
            spans("GET /api/users?email=juan.perez%40gmail.com&page=2 HTTP/1.1"),
            vec!["juan.perez%40gmail.com"]
        );
        assert_eq!(
            spans("https://app.io/invite?to=ana%40corp.mx"),
            vec!["ana%40corp.mx"]
        );
        assert!(spans("progress 100%40 files, width:50%40px").is_empty());
    }

    #[test]
    fn addresses_in_a_url_path_or_query() {
        for (t, want) in [
            (
                "https://acme.io/unsubscribe?email=luis.perez@gmail.com&id=3",
                "luis.perez@gmail.com",
            ),
            (
                "Not Found for url: https://api.acme.io/v1/users/luis.perez@gmail.com",
                "luis.perez@gmail.com",
            ),
            (
                "[link](https://acme.io/invite?to=ana@acme.mx)",
                "ana@acme.mx",
            ),
            (
                r#"<a href="https://acme.io/u?e=ana@acme.mx">Unsubscribe</a>"#,
                "ana@acme.mx",
            ),
        ] {
            assert_eq!(spans(t), vec![want], "{t}");
        }
        // The login part of a URL stays the secret rule's.
        assert!(spans("https://deploy:p4ss@git.acme.io/repo?ref=main").is_empty());
        // A login whose user name is an address: the address is found (the password is
        // the secret rules').
        assert_eq!(
            spans("EMAIL_URL=smtp://alerts@acme.mx:Sm7#tP2x@smtp.acme.mx:587"),
            vec!["alerts@acme.mx"]
        );
        assert!(spans("(postgres://admin:s3cret@db.internal.net/app)").is_empty());
        assert!(spans("redis://:O6!uWB#u^D^h@cache.internal.net:6379/0").is_empty());
    }
}

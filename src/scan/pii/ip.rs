//! IPv4 and IPv6 addresses.
//!
//! Decisions: loopback, unspecified, broadcast, multicast, netmasks and the documentation
//! ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are not findings:
//! they identify no host. Private, link-local and CGNAT addresses are findings with a lower
//! score (0.6): they map the internal network, which should not reach an LLM provider, but a
//! tenant can drop them with `min_score` above 0.6. Four dotted numbers after `version` or
//! `firmware` (EN/ES), right after `ver`, `build` or `release`, or with a leading `v` are
//! versions; octets with leading zeros (`01.02.03.04`) are never addresses in practice.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::super::text::{has_any, lower_before, next_digit, Cues};

/// Words that make four dotted numbers anywhere after them (within 24 bytes) a version or a
/// section number.
const VERSION_CUES: Cues = Cues::new(&[
    "version",
    "versi\u{f3}n",
    "firmware",
    "revision",
    "oid",
    "snmp",
    // Document numbering: `section 2.3.1.4 of RFC 9110`.
    "section",
    "secci\u{f3}n",
    "chapter",
    "cap\u{ed}tulo",
    "clause",
    "\u{a7}",
]);

/// Words that say version only right before the number (`ver 1.2.3.4`, `build: 10.0.19041.1`):
/// further off they are everyday words, Spanish `ver` ("to see") above all, and `the build
/// server at 52.3.4.5` names a host.
const ADJACENT_VERSION_WORDS: &[&str] = &[
    "ver",
    "ver.",
    "v.",
    "fw",
    "build",
    "release",
    "rev",
    "rev.",
    "sdk",
    "lanzamiento",
    "compilaci\u{f3}n",
    "compilacion",
];

/// Pushes `(start, end, score)` for every address in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<(usize, usize, f32)>) {
    find_v4(text, out);
    find_v6(text, out);
}

fn find_v4(text: &str, out: &mut Vec<(usize, usize, f32)>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i = next_digit(b, i);
            continue;
        }
        if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.' || b[i - 1] == b'_') {
            i += 1;
            continue;
        }
        let start = i;
        let mut octets = [0u32; 4];
        let mut n = 0;
        let mut ok = true;
        loop {
            let os = i;
            while i < b.len() && b[i].is_ascii_digit() && i - os < 4 {
                i += 1;
            }
            let len = i - os;
            if len == 0 || len > 3 || (len > 1 && b[os] == b'0') {
                ok = false;
                break;
            }
            octets[n] = b[os..i].iter().fold(0, |a, d| a * 10 + u32::from(d - b'0'));
            n += 1;
            if n == 4 {
                break;
            }
            if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 1;
            } else {
                ok = false;
                break;
            }
        }
        if !ok || n != 4 || octets.iter().any(|&o| o > 255) {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            continue;
        }
        let end = i;
        // A fifth part (`1.2.3.4.5`, an OID) or a glued letter means this is not an address.
        let glued = match b.get(end) {
            Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => true,
            Some(b'.') => b.get(end + 1).is_some_and(u8::is_ascii_digit),
            _ => false,
        };
        // `10.0.0.0/8` names a network, not a host.
        let network = octets[3] == 0
            && b.get(end) == Some(&b'/')
            && b.get(end + 1).is_some_and(u8::is_ascii_digit);
        if glued || network || version_shape(b, start) || after_version_cue(text, start) {
            i = end;
            continue;
        }
        let ip = Ipv4Addr::new(
            octets[0] as u8,
            octets[1] as u8,
            octets[2] as u8,
            octets[3] as u8,
        );
        if let Some(score) = v4_score(ip) {
            out.push((start, end, score));
        }
        i = end;
    }
}

/// `Chrome/120.0.0.0` (a product token: every reduced User-Agent ends in `.0.0.0`) and
/// `requests==2.31.0.1` (a pinned dependency) are versions; a URL's `//` or a user's `@`
/// before an address is not a product name.
fn version_shape(b: &[u8], start: usize) -> bool {
    let before = |k: usize| start.checked_sub(k).and_then(|i| b.get(i)).copied();
    match (before(2), before(1)) {
        (Some(p), Some(b'/')) => p.is_ascii_alphabetic(),
        (Some(p), Some(b'=')) => matches!(p, b'=' | b'<' | b'>' | b'~' | b'!'),
        _ => false,
    }
}

/// Whether the words before `start` say a version or a section number follows; `version`
/// counts inside a key too (`AssemblyVersion("`, `"appVersion": "`), where it starts no word.
/// Only words after the last line break, `;` and number count: a cue there headed that
/// number (`Version: 2.0\nServer: 52.3.4.5`, `nginx version 1.25 on 52.3.4.5`).
fn after_version_cue(text: &str, start: usize) -> bool {
    let before = lower_before(text, start, 24);
    let before = before.as_bytes();
    // A list of versions (`versions 10.2.0.4 and 10.2.0.5`) goes on under its cue.
    let clause = before
        .iter()
        .rposition(|c| matches!(c, b'\n' | b';'))
        .map_or(0, |k| k + 1);
    let number = before.iter().rposition(u8::is_ascii_digit).map(|k| k + 1);
    let listed = number.is_some_and(|k| {
        let between = std::str::from_utf8(&before[k..]).unwrap_or("");
        let words = between.trim_matches(|c: char| c == ' ' || c == ',');
        matches!(words, "" | "and" | "or" | "y" | "o" | "&" | "/")
    });
    let from = match number {
        Some(k) if !listed => k.max(clause),
        _ => clause,
    };
    let before = &before[from..];
    if has_any(before, &VERSION_CUES) || memchr::memmem::find(before, b"version").is_some() {
        return true;
    }
    // The last word before the number, past blanks, punctuation and quotes (`build: `,
    // `"build": "`, `fw (`).
    let trimmed = before
        .iter()
        .rposition(|c| {
            !matches!(
                c,
                b' ' | b'\t' | b':' | b'#' | b'=' | b'"' | b'\'' | b'`' | b'(' | b'['
            )
        })
        .map_or(&before[..0], |k| &before[..=k]);
    let word_start = trimmed
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'.' || *c >= 0x80))
        .map_or(0, |k| k + 1);
    let word = &trimmed[word_start..];
    ADJACENT_VERSION_WORDS.iter().any(|w| word == w.as_bytes())
}

fn v4_score(ip: Ipv4Addr) -> Option<f32> {
    let o = ip.octets();
    let documentation = matches!(o, [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _]);
    if ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || documentation
        || o[0] == 255
        || o[0] == 0
    {
        return None;
    }
    let cgnat = o[0] == 100 && (64..128).contains(&o[1]);
    if ip.is_private() || ip.is_link_local() || cgnat {
        Some(0.6)
    } else {
        Some(0.85)
    }
}

fn v6_char(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':' || c == b'.'
}

fn find_v6(text: &str, out: &mut Vec<(usize, usize, f32)>) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = memchr::memchr(b':', &b[from..]) {
        let colon = from + p;
        // Expand to the maximal run of hex digits, colons and dots around this colon.
        let mut s = colon;
        while s > 0 && v6_char(b[s - 1]) {
            s -= 1;
        }
        let mut e = colon;
        while e < b.len() && v6_char(b[e]) {
            e += 1;
        }
        from = e.max(colon + 1);
        while e > s && matches!(b[e - 1], b'.' | b':') && !b[s..e].ends_with(b"::") {
            e -= 1;
        }
        let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
        if s > 0 && word(&b[s - 1]) {
            // `addr:2001:db8::1`, `src:2a03:…`: the run began inside a label (whose last
            // letters may be hex) ended by a single colon; the address follows it.
            match b[s..e].iter().position(|&c| c == b':') {
                Some(i) if b.get(s + i + 1).is_some_and(|c| *c != b':') => s += i + 1,
                _ => continue,
            }
        }
        if b.get(e).is_some_and(word) {
            continue;
        }
        let run = &b[s..e];
        let colons = run.iter().filter(|&&c| c == b':').count();
        let hexdigits = run.iter().filter(|c| c.is_ascii_hexdigit()).count();
        if colons < 3 || hexdigits < 4 || !run.iter().any(u8::is_ascii_digit) {
            continue;
        }
        let Some(candidate) = text.get(s..e) else {
            continue;
        };
        let Ok(ip) = Ipv6Addr::from_str(candidate) else {
            continue;
        };
        if let Some(score) = v6_score(ip) {
            out.push((s, e, score));
        }
    }
}

fn v6_score(ip: Ipv6Addr) -> Option<f32> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_score(v4);
    }
    let seg = ip.segments();
    if ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (seg[0] == 0x2001 && seg[1] == 0x0db8)
    {
        return None;
    }
    let unique_local = (seg[0] & 0xfe00) == 0xfc00;
    let link_local = (seg[0] & 0xffc0) == 0xfe80;
    if unique_local || link_local {
        Some(0.6)
    } else {
        Some(0.85)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(t: &str) -> Vec<(&str, f32)> {
        let mut v = Vec::new();
        find(t, &mut v);
        v.into_iter().map(|(s, e, sc)| (&t[s..e], sc)).collect()
    }

    #[test]
    fn v4_public_private_and_skipped() {
        assert_eq!(spans("from 8.8.4.4:53"), vec![("8.8.4.4", 0.85)]);
        assert_eq!(spans("host 10.0.12.7."), vec![("10.0.12.7", 0.6)]);
        assert!(spans("bind 127.0.0.1 and 0.0.0.0, mask 255.255.255.0").is_empty());
        assert!(spans("docs use 192.0.2.10").is_empty());
        assert!(spans("route 10.0.0.0/8 via gw").is_empty());
        assert_eq!(spans("nameserver 9.9.9.9"), vec![("9.9.9.9", 0.85)]);
        assert!(spans("version: 1.2.3.4").is_empty());
        for version in [
            "ver 1.2.3.4",
            "Ver. 1.2.3.4",
            "build: 10.0.19041.1",
            "fw 2.4.1.8",
            "release #5.1.2.3",
            "{\"build\": \"10.0.19041.1\"}",
            "fw (2.4.1.8)",
            "release '5.1.2.3'",
        ] {
            assert!(spans(version).is_empty(), "{version}");
        }
        // A cue that headed another number, or an earlier line or clause, does not.
        for host in [
            "Version: 2.0\nServer: 52.3.4.5",
            "nginx version 1.25 on 52.3.4.5",
            "Firmware updated; host 52.3.4.5",
        ] {
            assert_eq!(spans(host), vec![("52.3.4.5", 0.85)], "{host}");
        }
        assert!(spans("Fixed in versions 10.2.0.4 and 10.2.0.5").is_empty());
        // Everyday words further off do not make a host a version.
        assert_eq!(
            spans("Puedes ver el servidor en 189.203.45.12"),
            vec![("189.203.45.12", 0.85)]
        );
        assert_eq!(
            spans("abre el fw para 200.57.3.10"),
            vec![("200.57.3.10", 0.85)]
        );
        assert_eq!(
            spans("the build server at 52.3.4.5"),
            vec![("52.3.4.5", 0.85)]
        );
        assert!(spans("v1.2.3.4 and 1.3.6.1.4.1 and 01.02.03.04 and 300.1.1.1").is_empty());
        // Product tokens and pinned dependencies; a URL or a login still holds an address.
        assert!(spans("(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36").is_empty());
        assert!(spans("requests==2.31.0.1, numpy>=1.26.4.2").is_empty());
        assert_eq!(
            spans("GET http://8.8.4.4/health as root@9.9.9.9"),
            vec![("8.8.4.4", 0.85), ("9.9.9.9", 0.85)]
        );
    }

    #[test]
    fn v6_addresses() {
        assert_eq!(
            spans("peer [2a03:2880:f12f:83:face:b00c::25de]:443"),
            vec![("2a03:2880:f12f:83:face:b00c::25de", 0.85)]
        );
        assert_eq!(
            spans("ula fd12:3456:789a:1::1 ok"),
            vec![("fd12:3456:789a:1::1", 0.6)]
        );
        assert!(spans(
            "::1 and 2001:db8::1 and std::io::Result and 12:30:45 and 00:1a:2b:3c:4d:5e"
        )
        .is_empty());
        // After a `label:`, hex letters at the label's end included.
        assert_eq!(
            spans("addr:2001:4860:4860::8888 src:2a03:2880:f12f:83:face:b00c::25de IPv6:2606:4700:4700::1111"),
            vec![
                ("2001:4860:4860::8888", 0.85),
                ("2a03:2880:f12f:83:face:b00c::25de", 0.85),
                ("2606:4700:4700::1111", 0.85)
            ]
        );
        assert!(spans("ts:2024:01:02:03 and key::2606:4700::1111").is_empty());
    }
}

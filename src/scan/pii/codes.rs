//! Upper-case identity codes: CURP, RFC, VIN and IBAN (compact or in groups of four).
//!
//! One pass finds maximal runs of upper-case ASCII letters, digits, `&` and `Ñ` (RFC uses both);
//! only runs of the lengths these codes have (12, 13, 15–34) go on to the validators, each
//! of which checks the shape and the check character. A run glued to a lower-case letter
//! is a word or an identifier and is skipped whole.
//!
//! People also type these codes in lower case or split by dashes (`mi curp es
//! badd110313hcmlns06`, `RFC GODE-561231-GR8`). Such shapes are common in identifiers and
//! slugs, so they count only with the code's own name in the 32 bytes before them.

use super::super::text::{
    char_at, char_before, has_any, lower_before, next_where, typographic_separator, Cues,
};
use super::super::validate;
use crate::scan::finding::PiiEntity;

const RFC_CUES: Cues = Cues::new(&["rfc", "fiscal", "sat", "factura", "tax"]);
const VIN_CUES: Cues = Cues::new(&[
    "vin",
    "niv",
    "chasis",
    "serie",
    "vehicle",
    "veh\u{ed}culo",
    "vehiculo",
    "car",
    "auto",
]);

/// Cues that let a lower-case or dashed code count: the code's own name (a VIN's also in
/// Spanish, `niv`, and on a chassis plate, `chasis`).
const CURP_LOOSE_CUES: Cues = Cues::new(&["curp"]);
const RFC_LOOSE_CUES: Cues = Cues::new(&["rfc", "r.f.c"]);
const VIN_LOOSE_CUES: Cues = Cues::new(&["vin", "niv", "chasis"]);
const IBAN_LOOSE_CUES: Cues = Cues::new(&["iban"]);

/// The longest code content (an IBAN), and how far back a compound's start is looked for.
const LONGEST: usize = 34;

fn code_byte(c: u8) -> bool {
    c.is_ascii_uppercase() | c.is_ascii_digit() | (c == b'&')
}

/// `Ñ` in UTF-8: a code letter of two bytes, so runs are extended over it by hand.
const ENYE: &[u8] = "\u{d1}".as_bytes();

/// Whether `Ñ` or `ñ` starts at byte `i`: how a lower-case or dashed RFC spells the letter.
fn enye_at(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&0xC3) && matches!(b.get(i + 1), Some(0x91 | 0xB1))
}

/// Whether a run holding `Ñ` is an RFC (no other code has the letter: a CURP writes it `X`),
/// read with each `Ñ` as the one byte the validator weighs.
fn rfc_with_enye(run: &[u8]) -> bool {
    let mut code = [0u8; 13];
    let (mut n, mut k) = (0, 0);
    while k < run.len() {
        let c = if run[k..].starts_with(ENYE) {
            k += 2;
            validate::RFC_ENYE
        } else {
            k += 1;
            run[k - 1]
        };
        let Some(slot) = code.get_mut(n) else {
            return false;
        };
        *slot = c;
        n += 1;
    }
    validate::rfc(&code[..n])
}

/// Pushes `(entity, start, end, score)` for every code in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<(PiiEntity, usize, usize, f32)>) {
    let b = text.as_bytes();
    let mut i = 0;
    // End of the last compound `loose` read: a date or a UUID has several runs, one read.
    let mut loose_read = 0;
    while i < b.len() {
        if !code_byte(b[i]) {
            // Prose is mostly lower case: jump to the next code byte a block at a time.
            i = next_where(b, i, code_byte);
            continue;
        }
        let mut s = i;
        while s >= 2 && &b[s - 2..s] == ENYE {
            s -= 2;
        }
        while i < b.len() {
            if code_byte(b[i]) {
                i += 1;
            } else if b[i..].starts_with(ENYE) {
                i += 2;
            } else {
                break;
            }
        }
        let e = i;
        let glued = (s > 0 && (b[s - 1].is_ascii_lowercase() || b[s - 1] == b'_'))
            || b.get(e)
                .is_some_and(|c| c.is_ascii_lowercase() || *c == b'_');
        if glued {
            while i < b.len() {
                if b[i].is_ascii_alphanumeric() || b[i] == b'_' {
                    i += 1;
                } else if enye_at(b, i) {
                    i += 2;
                } else {
                    break;
                }
            }
            // `es91 2100 0418 …`: a spaced IBAN typed in lower case, after its cue.
            if i - s == 2 && s >= 2 && b[s - 2..s].iter().all(u8::is_ascii_lowercase) {
                let head = s - 2;
                let alone = head == 0 || !b[head - 1].is_ascii_alphanumeric();
                if alone && has_any(lower_before(text, head, 32).as_bytes(), &IBAN_LOOSE_CUES) {
                    if let Some(end) = spaced_iban(b, head, true) {
                        out.push((PiiEntity::Iban, head, end, 0.9));
                        i = end;
                        continue;
                    }
                }
            }
            // Most glued words are short identifiers (`utf8`, `x86_64`) or longer than any
            // code (hashes). Every code has nine to 34 characters from its first digit on
            // (`badd110313…`: fourteen), so only such words, or a group before a dash, are
            // read as lower-case codes.
            if (9..=LONGEST).contains(&(i - s)) || b.get(i) == Some(&b'-') {
                if let Some(end) = loose_at(text, s, &mut loose_read, out) {
                    i = end;
                }
            }
            continue;
        }
        if (s > 0 && b[s - 1] == b'-') || b.get(e) == Some(&b'-') {
            if let Some(end) = loose_at(text, s, &mut loose_read, out) {
                i = end;
                continue;
            }
        }
        let tok = &b[s..e];
        if tok.contains(&ENYE[0]) {
            if rfc_with_enye(tok) {
                let cue = has_any(lower_before(text, s, 32).as_bytes(), &RFC_CUES);
                out.push((PiiEntity::Rfc, s, e, if cue { 0.95 } else { 0.85 }));
            }
            continue;
        }
        match tok.len() {
            12 | 13 if validate::rfc(tok) => {
                let cue = has_any(lower_before(text, s, 32).as_bytes(), &RFC_CUES);
                out.push((PiiEntity::Rfc, s, e, if cue { 0.95 } else { 0.85 }));
            }
            17 if validate::vin(tok)
                && tok.iter().any(u8::is_ascii_digit)
                && tok.iter().any(u8::is_ascii_uppercase) =>
            {
                let cue = has_any(lower_before(text, s, 32).as_bytes(), &VIN_CUES);
                out.push((PiiEntity::Vin, s, e, if cue { 0.95 } else { 0.8 }));
            }
            18 if validate::curp(tok) => out.push((PiiEntity::Curp, s, e, 0.95)),
            15..=34 if validate::iban(tok) => out.push((PiiEntity::Iban, s, e, 0.95)),
            4 => {
                if let Some(end) = spaced_iban(b, s, false) {
                    out.push((PiiEntity::Iban, s, end, 0.95));
                    i = end;
                }
            }
            _ => {}
        }
    }
}

/// Pushes the lower-case or dashed code around `at` unless `at` is in a compound already
/// read (`read`, which this moves on); returns the code's end.
fn loose_at(
    text: &str,
    at: usize,
    read: &mut usize,
    out: &mut Vec<(PiiEntity, usize, usize, f32)>,
) -> Option<usize> {
    if at < *read {
        return None;
    }
    match loose(text, at) {
        Loose::Code(entity, cs, ce) => {
            out.push((entity, cs, ce, 0.9));
            Some(ce)
        }
        Loose::Not(end) => {
            *read = end;
            None
        }
    }
}

/// What [`loose`] read: a code and its span, or none in a compound that ends where given.
enum Loose {
    Code(PiiEntity, usize, usize),
    Not(usize),
}

/// A code in lower case or in dash-joined groups around byte `at`, validated upper-cased and
/// kept only after its own cue.
fn loose(text: &str, at: usize) -> Loose {
    let b = text.as_bytes();
    let part = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    let mut cs = at;
    while at - cs <= LONGEST + 8 {
        if cs > 0 && part(b[cs - 1]) {
            cs -= 1;
        } else if cs > 1 && enye_at(b, cs - 2) {
            cs -= 2;
        } else {
            break;
        }
    }
    // A letter of any script or an underscore next to it makes it part of a word.
    let in_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    if in_word(char_before(text, cs)) {
        return Loose::Not(at);
    }
    // Groups joined by single dashes; a leading, trailing or doubled dash ends the code.
    while b.get(cs) == Some(&b'-') {
        cs += 1;
    }
    let mut code = [0u8; LONGEST];
    let mut n = 0;
    let mut ce = cs;
    while ce < b.len() {
        let c = b[ce];
        let code_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric) || enye_at(b, i);
        if c == b'-' && code_at(ce + 1) && ce > cs {
            ce += 1;
            continue;
        }
        // `Ñ` is weighed as the one byte the RFC validator knows; no other code has it.
        let (letter, width) = match c {
            _ if c.is_ascii_alphanumeric() => (c.to_ascii_uppercase(), 1),
            _ if enye_at(b, ce) => (validate::RFC_ENYE, 2),
            _ => break,
        };
        if let Some(slot) = code.get_mut(n) {
            *slot = letter;
        }
        n += 1;
        ce += width;
    }
    if n > LONGEST || b.get(ce) == Some(&b'-') || in_word(char_at(text, ce)) {
        return Loose::Not(ce);
    }
    let code = &code[..n];
    let (entity, cues) = match n {
        18 if validate::curp(code) => (PiiEntity::Curp, &CURP_LOOSE_CUES),
        12 | 13 if validate::rfc(code) => (PiiEntity::Rfc, &RFC_LOOSE_CUES),
        17 if validate::vin(code) => (PiiEntity::Vin, &VIN_LOOSE_CUES),
        15..=LONGEST if validate::iban(code) => (PiiEntity::Iban, &IBAN_LOOSE_CUES),
        _ => return Loose::Not(ce),
    };
    if has_any(lower_before(text, cs, 32).as_bytes(), cues) {
        Loose::Code(entity, cs, ce)
    } else {
        Loose::Not(ce)
    }
}

/// `ES91 2100 0418 4502 0005 1332`: a country code and check digits, then groups of up to
/// four joined by single (or no-break) spaces; returns the end if the joined code validates.
/// `lower` takes lower-case letters too (`es91 2100 …`), for a code after its cue.
fn spaced_iban(b: &[u8], s: usize, lower: bool) -> Option<usize> {
    let letter = |c: &u8| c.is_ascii_uppercase() || (lower && c.is_ascii_lowercase());
    let head = b.get(s..s + 4)?;
    if !(letter(&head[0])
        && letter(&head[1])
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
    {
        return None;
    }
    let mut compact: Vec<u8> = head.to_ascii_uppercase();
    let mut i = s + 4;
    let mut best = None;
    while compact.len() < 34 {
        let gs = match b.get(i) {
            Some(b' ') => i + 1,
            _ => match typographic_separator(b, i) {
                Some((b' ', n)) => i + n,
                _ => break,
            },
        };
        let mut ge = gs;
        while ge < b.len() && ge - gs < 4 && (letter(&b[ge]) || b[ge].is_ascii_digit()) {
            ge += 1;
        }
        if ge == gs || b.get(ge).is_some_and(u8::is_ascii_alphanumeric) {
            break;
        }
        compact.extend(b[gs..ge].iter().map(u8::to_ascii_uppercase));
        i = ge;
        if validate::iban(&compact) {
            best = Some(i);
        }
        if ge - gs < 4 {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<(PiiEntity, &str)> {
        let mut v = Vec::new();
        find(t, &mut v);
        v.into_iter().map(|(e, s, en, _)| (e, &t[s..en])).collect()
    }

    #[test]
    fn iban_groups_joined_by_no_break_spaces() {
        let t = "IBAN: ES91\u{a0}2100\u{a0}0418\u{a0}4502\u{a0}0005\u{a0}1332 gracias";
        assert_eq!(
            found(t),
            vec![(
                PiiEntity::Iban,
                "ES91\u{a0}2100\u{a0}0418\u{a0}4502\u{a0}0005\u{a0}1332"
            )]
        );
    }

    #[test]
    fn codes_with_valid_check_characters() {
        assert_eq!(
            found("CURP: BADD110313HCMLNS06."),
            vec![(PiiEntity::Curp, "BADD110313HCMLNS06")]
        );
        assert_eq!(
            found("RFC GODE561231GR8"),
            vec![(PiiEntity::Rfc, "GODE561231GR8")]
        );
        assert_eq!(
            found("VIN 1HGCM82633A004352"),
            vec![(PiiEntity::Vin, "1HGCM82633A004352")]
        );
        assert_eq!(
            found("IBAN ES9121000418450200051332"),
            vec![(PiiEntity::Iban, "ES9121000418450200051332")]
        );
        assert_eq!(
            found("IBAN ES91 2100 0418 4502 0005 1332 ok"),
            vec![(PiiEntity::Iban, "ES91 2100 0418 4502 0005 1332")]
        );
        assert_eq!(
            found("FR14 2004 1010 0505 0001 3M02 606"),
            vec![(PiiEntity::Iban, "FR14 2004 1010 0505 0001 3M02 606")]
        );
    }

    #[test]
    fn look_alikes_with_wrong_check_characters() {
        assert!(found(
            "BADD110313HCMLNS09 GODE561231GR9 1HGCM82643A004352 ES9121000418450200051333"
        )
        .is_empty());
        assert!(found("ES91 2100 0418 4502 0005 1333").is_empty());
        assert!(found("hash 1HGCM82633A004352x").is_empty());
    }

    #[test]
    fn lower_case_and_dashed_codes_after_their_cue() {
        assert_eq!(
            found("mi curp es badd110313hcmlns06 gracias"),
            vec![(PiiEntity::Curp, "badd110313hcmlns06")]
        );
        assert_eq!(
            found("RFC: GODE-561231-GR8."),
            vec![(PiiEntity::Rfc, "GODE-561231-GR8")]
        );
        assert_eq!(
            found("rfc gode561231gr8"),
            vec![(PiiEntity::Rfc, "gode561231gr8")]
        );
        assert_eq!(
            found("my iban is es9121000418450200051332"),
            vec![(PiiEntity::Iban, "es9121000418450200051332")]
        );
        assert_eq!(
            found("mi iban: es91 2100 0418 4502 0005 1332, gracias"),
            vec![(PiiEntity::Iban, "es91 2100 0418 4502 0005 1332")]
        );
        // Without its cue, or with a wrong check digit, it stays text.
        assert!(found("es91 2100 0418 4502 0005 1332").is_empty());
        assert!(found("iban es92 2100 0418 4502 0005 1332").is_empty());
        assert_eq!(
            found("IBAN ES91-2100-0418-4502-0005-1332"),
            vec![(PiiEntity::Iban, "ES91-2100-0418-4502-0005-1332")]
        );
        assert_eq!(
            found("vin: 1hgcm82633a004352"),
            vec![(PiiEntity::Vin, "1hgcm82633a004352")]
        );
    }

    #[test]
    fn lower_case_and_dashed_codes_need_their_cue() {
        // Valid check characters, but no cue: slugs, ids and file names look like this.
        assert!(found("see badd110313hcmlns06 and gode561231gr8").is_empty());
        assert!(found("build GODE-561231-GR8 done").is_empty());
        assert!(found("id es9121000418450200051332").is_empty());
        // The cue is there but the check character is wrong, or the code runs on.
        assert!(found("curp badd110313hcmlns09").is_empty());
        assert!(found("rfc gode-561231-gr8-x1").is_empty());
        assert!(found("rfc gode561231gr8_old").is_empty());
    }

    #[test]
    fn rfc_with_enye() {
        // `Ñ` is a name letter of two bytes, at the start, inside or twice.
        assert_eq!(
            found("Mi RFC es MUÑO800101AB3, gracias"),
            vec![(PiiEntity::Rfc, "MUÑO800101AB3")]
        );
        assert_eq!(
            found("RFC ÑAÑ950101H24."),
            vec![(PiiEntity::Rfc, "ÑAÑ950101H24")]
        );
        // A wrong check character, a run glued to a word, or `Ñ` out of the name part.
        assert!(found("RFC MUÑO800101AB4").is_empty());
        assert!(found("xMUÑO800101AB3").is_empty());
        assert!(found("RFC MUO800101AÑ3").is_empty());
        assert!(found("AÑO 2024 ÑANDÚ").is_empty());
    }

    #[test]
    fn rfc_with_enye_in_lower_case_or_dashed() {
        // After its cue, like any lower-case or dashed code; `ñ` and `Ñ` weigh the same.
        for t in [
            "rfc muño800101ab3",
            "RFC MUÑO-800101-AB3",
            "mi rfc: muño-800101-ab3.",
            "rfc muÑo800101AB3",
        ] {
            let got = found(t);
            assert_eq!(got.len(), 1, "{t}: {got:?}");
            assert_eq!(got[0].0, PiiEntity::Rfc, "{t}");
            assert!(
                t.ends_with(got[0].1) || t.ends_with(&format!("{}.", got[0].1)),
                "{t}"
            );
        }
        assert_eq!(
            found("rfc ñañ-950101-h24"),
            vec![(PiiEntity::Rfc, "ñañ-950101-h24")]
        );
        // Without the cue, with a wrong check character, or glued to a word: nothing.
        assert!(found("muño800101ab3").is_empty());
        assert!(found("MUÑO-800101-AB3").is_empty());
        assert!(found("rfc muño800101ab4").is_empty());
        assert!(found("rfc xmuño800101ab3").is_empty());
        assert!(found("rfc muño-800101-ab3-x").is_empty());
    }
}

//! Upper-case identity codes: CURP, RFC, VIN and IBAN (compact or in groups of four).
//!
//! One pass finds maximal runs of upper-case ASCII letters, digits and `&` (RFC uses it);
//! only runs of the lengths these codes have (12, 13, 15–34) go on to the validators, each
//! of which checks the shape and the check character. A run glued to a lower-case letter
//! is a word or an identifier and is skipped whole.

use super::super::text::{has_any, lower_before, next_where, Cues};
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

fn code_byte(c: u8) -> bool {
    c.is_ascii_uppercase() | c.is_ascii_digit() | (c == b'&')
}

/// Pushes `(entity, start, end, score)` for every code in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<(PiiEntity, usize, usize, f32)>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !code_byte(b[i]) {
            // Prose is mostly lower case: jump to the next code byte a block at a time.
            i = next_where(b, i, code_byte);
            continue;
        }
        let s = i;
        while i < b.len() && code_byte(b[i]) {
            i += 1;
        }
        let e = i;
        let glued = (s > 0 && (b[s - 1].is_ascii_lowercase() || b[s - 1] == b'_'))
            || b.get(e)
                .is_some_and(|c| c.is_ascii_lowercase() || *c == b'_');
        if glued {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            continue;
        }
        let tok = &b[s..e];
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
                if let Some(end) = spaced_iban(b, s) {
                    out.push((PiiEntity::Iban, s, end, 0.95));
                    i = end;
                }
            }
            _ => {}
        }
    }
}

/// `ES91 2100 0418 4502 0005 1332`: a country code and check digits, then groups of up to
/// four joined by single spaces; returns the end if the joined code validates.
fn spaced_iban(b: &[u8], s: usize) -> Option<usize> {
    let head = b.get(s..s + 4)?;
    if !(head[0].is_ascii_uppercase()
        && head[1].is_ascii_uppercase()
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
    {
        return None;
    }
    let mut compact: Vec<u8> = head.to_vec();
    let mut i = s + 4;
    let mut best = None;
    while b.get(i) == Some(&b' ') && compact.len() < 34 {
        let gs = i + 1;
        let mut ge = gs;
        while ge < b.len() && ge - gs < 4 && (b[ge].is_ascii_uppercase() || b[ge].is_ascii_digit())
        {
            ge += 1;
        }
        if ge == gs || b.get(ge).is_some_and(u8::is_ascii_alphanumeric) {
            break;
        }
        compact.extend_from_slice(&b[gs..ge]);
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
}

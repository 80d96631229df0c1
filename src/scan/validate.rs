//! Check digits and range rules. A candidate that looks right but fails here is not a
//! finding: this is what keeps order numbers, look-alike codes and typos out of the results.
//!
//! Every function takes the compact form (no spaces or dashes) and returns `false` for any
//! input of the wrong shape instead of panicking, so callers may pass raw candidates.

/// Luhn (mod 10) over ASCII digits, as every payment card number carries.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Whether the prefix and length belong to a card brand (Visa, Mastercard, Amex, Discover,
/// JCB, Diners, UnionPay, Maestro). Luhn alone passes one random digit run in ten.
pub(crate) fn card_brand_ok(d: &[u8]) -> bool {
    let n = d.len();
    let p = |k: usize| -> u32 {
        d.iter()
            .take(k)
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
    };
    if !(12..=19).contains(&n) {
        return false;
    }
    let (p1, p2, p3, p4, p6) = (p(1), p(2), p(3), p(4), p(6));
    (p1 == 4 && matches!(n, 13 | 16 | 19))
        || ((51..=55).contains(&p2) && n == 16)
        || ((2221..=2720).contains(&p4) && n == 16)
        || (matches!(p2, 34 | 37) && n == 15)
        // JCB's older fifteen-digit ranges.
        || (matches!(p4, 1800 | 2131) && n == 15)
        || ((p4 == 6011
            || p2 == 65
            || (644..=649).contains(&p3)
            || (622126..=622925).contains(&p6))
            && (16..=19).contains(&n))
        || ((3528..=3589).contains(&p4) && (16..=19).contains(&n))
        || (((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39)
            && (14..=19).contains(&n))
        || (p2 == 62 && (16..=19).contains(&n))
        || ((p2 == 50 || (56..=69).contains(&p2)) && (12..=19).contains(&n))
}

/// US SSN ranges: area not 000, 666 or 9xx; group not 00; serial not 0000; and not the
/// handful of numbers published as examples (078-05-1120 from a wallet insert, 123-45-6789).
pub(crate) fn ssn(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let area = &d[0..3];
    if area == b"000" || area == b"666" || area[0] == b'9' {
        return false;
    }
    if &d[3..5] == b"00" || &d[5..9] == b"0000" {
        return false;
    }
    if d.iter().all(|&b| b == d[0]) {
        return false;
    }
    !matches!(d, b"078051120" | b"123456789" | b"219099999" | b"987654321")
}

/// North American numbering plan: area code and exchange both start with 2-9, and the area
/// code is not an N11 service code.
pub(crate) fn nanp(d: &[u8]) -> bool {
    if d.len() != 10 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    d[0] >= b'2'
        && d[3] >= b'2'
        && !(d[1] == b'1' && d[2] == b'1')
        && !(d[4] == b'1' && d[5] == b'1')
}

/// CLABE (Mexican interbank account, 18 digits): weights 3,7,1 over the first 17 digits,
/// check = (10 - sum mod 10) mod 10.
pub(crate) fn clabe(d: &[u8]) -> bool {
    if d.len() != 18 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    const W: [u32; 3] = [3, 7, 1];
    let sum: u32 = d[..17]
        .iter()
        .enumerate()
        .map(|(i, &b)| (u32::from(b - b'0') * W[i % 3]) % 10)
        .sum();
    (10 - sum % 10) % 10 == u32::from(d[17] - b'0')
}

/// IBAN: registered length for the country, then mod-97 of the rearranged number equals 1.
pub(crate) fn iban(s: &[u8]) -> bool {
    if s.len() < 15 || s.len() > 34 || !s.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    if !s[0].is_ascii_uppercase()
        || !s[1].is_ascii_uppercase()
        || !s[2].is_ascii_digit()
        || !s[3].is_ascii_digit()
    {
        return false;
    }
    match iban_length(&s[..2]) {
        Some(len) if len == s.len() => {}
        _ => return false,
    }
    let mut rem: u32 = 0;
    for &b in s[4..].iter().chain(&s[..4]) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// IBAN lengths of every country in SWIFT's IBAN registry (release 2024).
fn iban_length(cc: &[u8]) -> Option<usize> {
    Some(match cc {
        b"AD" => 24,
        b"AE" => 23,
        b"AL" => 28,
        b"AT" => 20,
        b"AZ" => 28,
        b"BA" => 20,
        b"BE" => 16,
        b"BG" => 22,
        b"BH" => 22,
        b"BI" => 27,
        b"BR" => 29,
        b"BY" => 28,
        b"CH" => 21,
        b"CR" => 22,
        b"CY" => 28,
        b"CZ" => 24,
        b"DE" => 22,
        b"DJ" => 27,
        b"DK" => 18,
        b"DO" => 28,
        b"EE" => 20,
        b"EG" => 29,
        b"ES" => 24,
        b"FI" => 18,
        b"FK" => 18,
        b"FO" => 18,
        b"FR" => 27,
        b"GB" => 22,
        b"GE" => 22,
        b"GI" => 23,
        b"GL" => 18,
        b"GR" => 27,
        b"GT" => 28,
        b"HN" => 28,
        b"HR" => 21,
        b"HU" => 28,
        b"IE" => 22,
        b"IL" => 23,
        b"IQ" => 23,
        b"IS" => 26,
        b"IT" => 27,
        b"JO" => 30,
        b"KW" => 30,
        b"KZ" => 20,
        b"LB" => 28,
        b"LC" => 32,
        b"LI" => 21,
        b"LT" => 20,
        b"LU" => 20,
        b"LV" => 21,
        b"LY" => 25,
        b"MC" => 27,
        b"MD" => 24,
        b"ME" => 22,
        b"MK" => 19,
        b"MN" => 20,
        b"MR" => 27,
        b"MT" => 31,
        b"MU" => 30,
        b"NI" => 28,
        b"NL" => 18,
        b"NO" => 15,
        b"OM" => 23,
        b"PK" => 24,
        b"PL" => 28,
        b"PS" => 29,
        b"PT" => 25,
        b"QA" => 29,
        b"RO" => 24,
        b"RS" => 22,
        b"RU" => 33,
        b"SA" => 24,
        b"SC" => 31,
        b"SD" => 18,
        b"SE" => 24,
        b"SI" => 19,
        b"SK" => 24,
        b"SM" => 27,
        b"SO" => 23,
        b"ST" => 25,
        b"SV" => 28,
        b"TL" => 23,
        b"TN" => 24,
        b"TR" => 26,
        b"UA" => 29,
        b"VA" => 22,
        b"VG" => 24,
        b"XK" => 20,
        b"YE" => 30,
        _ => return None,
    })
}

/// VIN (ISO 3779 with the North American check digit at position 9): letters I, O and Q are
/// never used; transliterated values times fixed weights, mod 11, 10 written as `X`.
pub(crate) fn vin(s: &[u8]) -> bool {
    if s.len() != 17 {
        return false;
    }
    const W: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let mut sum = 0u32;
    for (i, &b) in s.iter().enumerate() {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A' | b'J' => 1,
            b'B' | b'K' | b'S' => 2,
            b'C' | b'L' | b'T' => 3,
            b'D' | b'M' | b'U' => 4,
            b'E' | b'N' | b'V' => 5,
            b'F' | b'W' => 6,
            b'G' | b'P' | b'X' => 7,
            b'H' | b'Y' => 8,
            b'R' | b'Z' => 9,
            _ => return false,
        };
        sum += v * W[i];
    }
    let check = match sum % 11 {
        10 => b'X',
        r => b'0' + r as u8,
    };
    // A run of one repeated character passes the arithmetic (e.g. 17 ones) but is a filler.
    s[8] == check && !s.iter().all(|&b| b == s[0])
}

/// Mexican state codes used in CURP positions 12-13 (NE: born abroad).
const CURP_STATES: [&[u8; 2]; 33] = [
    b"AS", b"BC", b"BS", b"CC", b"CL", b"CM", b"CS", b"CH", b"DF", b"DG", b"GT", b"GR", b"HG",
    b"JC", b"MC", b"MN", b"MS", b"NT", b"NL", b"OC", b"PL", b"QT", b"QR", b"SP", b"SL", b"SR",
    b"TC", b"TS", b"TL", b"VZ", b"YN", b"ZS", b"NE",
];

fn valid_yymmdd(d: &[u8]) -> bool {
    if d.len() != 6 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mm = (d[2] - b'0') * 10 + (d[3] - b'0');
    let dd = (d[4] - b'0') * 10 + (d[5] - b'0');
    (1..=12).contains(&mm) && (1..=31).contains(&dd)
}

/// CURP: shape (4 letters, birth date, sex, state, 3 consonants, homonym char, digit) and the
/// RENAPO check digit: values over "0-9A-NÑO-Z" weighted 18..2, (10 - sum mod 10) mod 10.
/// `Ñ` never appears in a CURP as typed (it is replaced by X), so ASCII input is enough.
pub(crate) fn curp(s: &[u8]) -> bool {
    if s.len() != 18 {
        return false;
    }
    let letters = s[..4].iter().all(u8::is_ascii_uppercase);
    let consonants = s[13..16]
        .iter()
        .all(|b| b.is_ascii_uppercase() && !b"AEIOU".contains(b));
    if !letters
        || !valid_yymmdd(&s[4..10])
        || !matches!(s[10], b'H' | b'M' | b'X')
        || !CURP_STATES.iter().any(|st| st[..] == s[11..13])
        || !consonants
        || !s[16].is_ascii_alphanumeric()
        || !s[17].is_ascii_digit()
    {
        return false;
    }
    let mut sum = 0u32;
    for (i, &b) in s[..17].iter().enumerate() {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'N' => u32::from(b - b'A') + 10,
            b'O'..=b'Z' => u32::from(b - b'O') + 25,
            _ => return false,
        };
        sum += v * (18 - i as u32);
    }
    (10 - sum % 10) % 10 == u32::from(s[17] - b'0')
}

/// The one byte an RFC's `Ñ` (two bytes in UTF-8) stands as for [`rfc`]: its Latin-1 code.
pub(crate) const RFC_ENYE: u8 = 0xD1;

/// RFC (Mexican tax id): 3 letters (company) or 4 (person), date, 2-char homoclave and the
/// SAT check character: values over "0-9A-N&O-Z Ñ" weighted 13..2 (12-char ids are padded
/// with a leading space), 11 - sum mod 11, where 11 is `0` and 10 is `A`. The generic ids
/// `XAXX010101000` and `XEXX010101000` are placeholders by SAT's own rules and are refused.
pub(crate) fn rfc(s: &[u8]) -> bool {
    let n = s.len();
    if n != 12 && n != 13 {
        return false;
    }
    let nl = n - 9;
    if !s[..nl]
        .iter()
        .all(|b| b.is_ascii_uppercase() || *b == b'&' || *b == RFC_ENYE)
        || !valid_yymmdd(&s[nl..nl + 6])
    {
        return false;
    }
    if !s[nl + 6..]
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return false;
    }
    if s == b"XAXX010101000" || s == b"XEXX010101000" {
        return false;
    }
    let value = |b: u8| -> Option<u32> {
        Some(match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'N' => u32::from(b - b'A') + 10,
            b'&' => 24,
            b'O'..=b'Z' => u32::from(b - b'O') + 25,
            b' ' => 37,
            RFC_ENYE => 38,
            _ => return None,
        })
    };
    let mut padded = [b' '; 13];
    padded[13 - n..].copy_from_slice(s);
    let mut sum = 0u32;
    for (i, &b) in padded[..12].iter().enumerate() {
        let Some(v) = value(b) else { return false };
        sum += v * (13 - i as u32);
    }
    let check = match 11 - sum % 11 {
        11 => b'0',
        10 => b'A',
        r => b'0' + r as u8,
    };
    padded[12] == check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_valid_and_wrong_digit() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"378282246310005"));
        assert!(luhn(b"5555555555554444"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b"378282246310006"));
        assert!(!luhn(b""));
        assert!(!luhn(b"41111x1111111111"));
    }

    #[test]
    fn card_brands() {
        assert!(card_brand_ok(b"4111111111111111"));
        assert!(card_brand_ok(b"378282246310005"));
        assert!(card_brand_ok(b"2223003122003222"));
        assert!(card_brand_ok(b"6011111111111117"));
        assert!(!card_brand_ok(b"1234567812345670"));
        assert!(!card_brand_ok(b"4111111111111"[..12].as_ref()));
    }

    #[test]
    fn ssn_ranges() {
        assert!(ssn(b"536228411"));
        assert!(ssn(b"665451234"));
        assert!(!ssn(b"000451234"));
        assert!(!ssn(b"666451234"));
        assert!(!ssn(b"912451234"));
        assert!(!ssn(b"536008411"));
        assert!(!ssn(b"536220000"));
        assert!(!ssn(b"078051120"));
        assert!(!ssn(b"111111111"));
        assert!(!ssn(b"53622841"));
    }

    #[test]
    fn nanp_rules() {
        assert!(nanp(b"2125550123"));
        assert!(!nanp(b"1125550123"));
        assert!(!nanp(b"2121550123"));
        assert!(!nanp(b"4115550123"));
    }

    #[test]
    fn clabe_check_digit() {
        // 032180000118359719 is the example CLABE in public descriptions of the scheme.
        assert!(clabe(b"002180012345678919"));
        assert!(clabe(b"032180000118359719"));
        assert!(!clabe(b"002180012345678912"));
        assert!(!clabe(b"032180000118359710"));
        assert!(!clabe(b"03218000011835971"));
    }

    #[test]
    fn iban_mod97() {
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(iban(b"DE89370400440532013000"));
        for newer in [
            &b"VA59001123000012345678"[..],
            b"AL47212110090000000235698741",
            b"BY13NBRB3600900000002Z00AB00",
            b"SV62CENR00000000000000700025",
            b"IQ98NBIQ850123456789012",
            b"RU0204452560040702810412345678901",
        ] {
            assert!(iban(newer), "{}", String::from_utf8_lossy(newer));
        }
        assert!(iban(b"ES9121000418450200051332"));
        assert!(iban(b"FR1420041010050500013M02606"));
        assert!(iban(b"NL91ABNA0417164300"));
        assert!(!iban(b"GB83WEST12345698765432"));
        assert!(!iban(b"ES9121000418450200051333"));
        assert!(!iban(b"DE8937040044053201300"));
        assert!(!iban(b"XX89370400440532013000"));
    }

    #[test]
    fn vin_check_digit() {
        assert!(vin(b"1HGCM82633A004352"));
        assert!(vin(b"1M8GDM9AXKP042788"));
        assert!(!vin(b"1HGCM82643A004352"));
        assert!(!vin(b"1M8GDM9A1KP042788"));
        assert!(!vin(b"11111111111111111"));
        assert!(!vin(b"1HGCM8263OA004352"));
    }

    #[test]
    fn curp_check_digit() {
        assert!(curp(b"BADD110313HCMLNS06"));
        assert!(curp(b"OEAF771012HMCRGR08"));
        assert!(!curp(b"BADD110313HCMLNS09"));
        assert!(!curp(b"OEAF771012HMCRGR09"));
        assert!(!curp(b"BADD111313HCMLNS06"));
        assert!(!curp(b"BADD110313HZZLNS06"));
        assert!(!curp(b"BADD110313HCMLNS0"));
    }

    #[test]
    fn rfc_check_digit() {
        assert!(rfc(b"GODE561231GR8"));
        // 12-character (company) ids are padded with a space before weighting.
        assert!(rfc(b"VECJ880326XX1"));
        assert!(!rfc(b"VECJ880326XX2"));
        assert!(rfc(b"ABC680524P73"));
        assert!(!rfc(b"ABC680524P74"));
        assert!(!rfc(b"GODE561231GR9"));
        assert!(!rfc(b"GODE561331GR8"));
        assert!(!rfc(b"XAXX010101000"));
        assert!(!rfc(b"GOD561231GR"));
        // `Ñ` weighs 38 and may stand anywhere in the name part.
        assert!(rfc(b"MU\xD1O800101AB3"));
        assert!(rfc(b"\xD1A\xD1950101H24"));
        assert!(!rfc(b"MU\xD1O800101AB4"));
        // `N` for `Ñ` changes the check character.
        assert!(!rfc(b"NA\xD1950101H24"));
        assert!(!rfc(b"MUO800101A\xD13"));
    }
}

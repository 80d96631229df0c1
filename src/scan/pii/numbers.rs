//! Numeric entities: PHONE, CREDIT_CARD, SSN and CLABE.
//!
//! One pass splits the text into clusters of digit groups joined by single separators
//! (`555.555.5555`, `+52 1 (55) 1234-5678`, `4111 1111 1111 1111`); then, at each group, the
//! known shapes are tried in order card → CLABE → phone → SSN, and a shape only counts if its
//! validator agrees (Luhn and brand, CLABE check digit, NANP ranges, SSN ranges). Phones are
//! read by their plans in the US, Mexico and Spain; any other country's count after `+` or an
//! exit code with a country code that exists, and nationally only when named
//! ([`try_phone_world`]).
//!
//! Shapes, not bare digit counts, are what keep order numbers, timestamps (`2024-01-15 10`),
//! ZIP+4 (`12345-6789`), versions and IPs out: none of them forms a phone shape, and a shape
//! glued to more digits by `-`, `.` or `/` on either side is part of something bigger.
//! Ten contiguous digits, nine contiguous digits (SSN) and 18 (CLABE without a known bank
//! prefix) are only findings with a cue word nearby; a cue like "order" or "folio" vetoes them.

use super::super::text::{
    ceil_boundary, floor_boundary, has_any, has_word, last_cue, lower_after, lower_before,
    next_digit, typographic_separator, Cues,
};
use super::super::validate;
use crate::scan::finding::PiiEntity;

#[derive(Clone, Copy, Debug)]
struct Group {
    /// First byte of the group, including a leading `+` or `(`.
    start: usize,
    /// One past the last byte, including a closing `)`.
    end: usize,
    /// Where the digits are.
    ds: usize,
    de: usize,
    plus: bool,
    paren: bool,
    /// Separator byte before this group (0 for the first group or a glued `)`).
    sep: u8,
}

impl Group {
    fn len(&self) -> usize {
        self.de - self.ds
    }
}

const PHONE_CUES: Cues = Cues::new(&[
    "phone",
    // `tel` only as a word of its own or an abbreviation: as a prefix it was `tell`,
    // `telemetry` and `television`.
    "tel.",
    "tel:",
    "tel ",
    "tel/",
    "telf",
    "telephone",
    "cell",
    "mobile",
    "call",
    "text me",
    "whatsapp",
    "fax",
    "contact",
    "llam",
    "ll\u{e1}m",
    "celular",
    "tel\u{e9}fono",
    "telefono",
    "movil",
    "m\u{f3}vil",
    "marca",
    "lada",
    "cel.",
    "cel:",
    "cel ",
    "sms",
    "dial",
    "ph#",
    "ph:",
    "reach me",
    "reached at",
    "answering at",
    "messages to",
]);
/// "Number" names a phone ("my number is …") unless an id noun says which number it is
/// ("order number", "número de cliente").
const NUMBER_WORDS: Cues = Cues::new(&["n\u{fa}mero", "numero", "number"]);
/// Nouns that make a "number" an id; only with a number word, since alone (`Cliente: 55 …`)
/// they head phone numbers as often.
const ID_NOUNS: Cues = Cues::new(&[
    "orden",
    "serie",
    "seguimiento",
    "rastreo",
    "sequence",
    "cliente",
    "customer",
    "case",
    "caso",
    "confirmation",
    "confirmaci",
    "reservation",
    "reservaci",
    "booking",
    "member",
    "socio",
    "policy",
    "p\u{f3}liza",
    "poliza",
    "contract",
    "contrato",
    "claim",
    "expediente",
    "employee",
    "empleado",
    "student",
    "matr\u{ed}cula",
    "matricula",
]);
/// Bytes before a number in which a phone cue counts as naming that number itself.
const NEAR_CUE: usize = 12;
const NUMBER_VETO: Cues = Cues::new(&[
    "order",
    "pedido",
    "invoice",
    "factura",
    "ticket",
    "folio",
    "ref",
    "sku",
    "tracking",
    "gu\u{ed}a",
    "guia",
    "isbn",
    "version",
    "build",
    "port",
    "pid",
    "serial",
    "account",
    "cuenta",
    "id:",
    "id ",
    "id#",
    "id\"",
    "id'",
    "id=",
    "snowflake",
    "discord",
    "guild",
    "tweet",
    "#",
    "no.",
    "n\u{fa}m. de",
    "transaction",
    "transacci",
    "timestamp",
    "epoch",
    "ms",
    "bytes",
    "imei",
    "lote",
    "batch",
    "clabe",
    "iban",
    "nss",
]);
const CARD_CUES: Cues = Cues::new(&[
    "card",
    "tarjeta",
    "visa",
    "mastercard",
    "amex",
    "american express",
    "discover",
    "cc",
    "payment",
    "pago",
    "cr\u{e9}dito",
    "credito",
    "d\u{e9}bito",
    "debito",
    "pan",
]);
const SSN_CUES: Cues = Cues::new(&[
    "ssn",
    "social security",
    "seguro social",
    "social sec",
    "tax id",
    "tin",
]);
const CLABE_CUES: Cues = Cues::new(&[
    "clabe",
    "cuenta",
    "spei",
    "transfer",
    "banco",
    "bank",
    "dep\u{f3}sit",
    "deposit",
]);
/// Banks and institutions whose three-digit CLABE prefixes are common (Banxico catalogue).
const CLABE_BANKS: &[&[u8; 3]] = &[
    b"002", b"006", b"009", b"012", b"014", b"019", b"021", b"030", b"032", b"036", b"037", b"042",
    b"044", b"058", b"059", b"060", b"062", b"072", b"600", b"601", b"602", b"605", b"606", b"607",
    b"608", b"610", b"614", b"615", b"616", b"617", b"618", b"619", b"620", b"621", b"622", b"623",
    b"626", b"627", b"628", b"629", b"630", b"631", b"632", b"633", b"634", b"636", b"637", b"638",
    b"640", b"642", b"646", b"647", b"648", b"649", b"651", b"652", b"653", b"655", b"656", b"659",
    b"670", b"901", b"902",
];

/// Pushes `(entity, start, end, score)` for every numeric entity in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<(PiiEntity, usize, usize, f32)>) {
    let b = text.as_bytes();
    let mut groups = Vec::with_capacity(8);
    let mut last_phone = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts = c.is_ascii_digit()
            || ((c == b'+' || c == b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts {
            // The next start is the next digit, or the `+` or `(` right before it.
            i = next_digit(b, i + 1).saturating_sub(1).max(i + 1);
            continue;
        }
        // A cluster glued to a letter or to `_` is an identifier, not a number.
        if i > 0
            && (b[i - 1].is_ascii_alphabetic() || b[i - 1] == b'_' || b[i - 1].is_ascii_digit())
        {
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            continue;
        }
        cluster(b, i, &mut groups);
        let next = groups.last().map_or(i + 1, |g| g.end.max(i + 1));
        if !groups.is_empty() {
            match_groups(text, &groups, &mut last_phone, out);
        }
        i = next;
    }
}

/// Reads the digit groups of one cluster starting at `i` into `groups` (cleared first; one
/// buffer serves every cluster of a text instead of an allocation per number).
fn cluster(b: &[u8], mut i: usize, groups: &mut Vec<Group>) {
    groups.clear();
    let mut sep = 0u8;
    loop {
        let start = i;
        let sign = groups.is_empty() && b.get(i) == Some(&b'+');
        // A WhatsApp link's number is international without its `+`.
        let plus = sign || (groups.is_empty() && after_chat_link(b, i));
        if sign {
            i += 1;
        }
        let paren = b.get(i) == Some(&b'(');
        if paren {
            i += 1;
        }
        let ds = i;
        while i < b.len() && b[i].is_ascii_digit() && i - ds < 24 {
            i += 1;
        }
        let de = i;
        if de == ds {
            break;
        }
        if paren {
            if b.get(i) != Some(&b')') {
                break;
            }
            if de - ds > 4 {
                // `(4152313812345671)`: a whole number in parentheses, not an area code.
                // After other groups it ends their cluster and is read as one of its own.
                if groups.is_empty() {
                    groups.push(Group {
                        start: ds,
                        end: de,
                        ds,
                        de,
                        plus: false,
                        paren: false,
                        sep,
                    });
                }
                break;
            }
            i += 1;
        }
        groups.push(Group {
            start,
            end: i,
            ds,
            de,
            plus,
            paren,
            sep,
        });
        if groups.len() >= 8 {
            break;
        }
        // What joins this group to the next one?
        let joint = match b.get(i) {
            Some(&s @ (b' ' | b'-' | b'.' | b'/')) => Some((s, 1)),
            Some(d) if d.is_ascii_digit() && paren => Some((0, 0)),
            Some(_) => typographic_separator(b, i),
            None => None,
        };
        match joint {
            Some((s, n))
                if s == 0
                    || b.get(i + n)
                        .is_some_and(|c| c.is_ascii_digit() || (*c == b'(' && s == b' ')) =>
            {
                sep = s;
                i += n;
            }
            _ => break,
        }
        if b.get(i) == Some(&b'(') && !b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            break;
        }
    }
}

fn digits(text: &[u8], g: &[Group]) -> Vec<u8> {
    g.iter()
        .flat_map(|x| text[x.ds..x.de].iter().copied())
        .collect()
}

/// Tries every shape at every group of one cluster. `last_phone` is where the last phone
/// found so far ends.
fn match_groups(
    text: &str,
    g: &[Group],
    last_phone: &mut Option<usize>,
    out: &mut Vec<(PiiEntity, usize, usize, f32)>,
) {
    let b = text.as_bytes();
    // After a `+` or an exit code that no phone starts at, the groups are that refused
    // number's, not a national phone of their own (`ticket +44 20 7946 0958`).
    let exits = exit_code(b, g, 0).is_some();
    let mut a = 0;
    while a < g.len() {
        // A run of 18 is a CLABE's length and a rare card's: an STP account (bank 646)
        // passes Luhn one time in ten and falls in Discover's range. When it is both, a
        // card cue without a CLABE cue makes it a card; else it is a CLABE.
        let attempt = if g[a].len() == 18 {
            match (try_clabe(text, g, a), try_card(text, g, a)) {
                (Some(clabe), Some(card)) => {
                    let before = lower_before(text, g[a].start, 48);
                    let carded = has_any(before.as_bytes(), &CARD_CUES)
                        && !has_any(before.as_bytes(), &CLABE_CUES);
                    Some(if carded { card } else { clabe })
                }
                (clabe, card) => clabe.or(card),
            }
        } else {
            try_card(text, g, a).or_else(|| try_clabe(text, g, a))
        };
        let phones = a == 0 || !exits;
        let attempt = attempt
            .or_else(|| phones.then(|| try_phone(text, g, a, *last_phone)).flatten())
            // Nine digits named an SSN are one, whatever else the text calls a phone.
            .or_else(|| try_ssn(text, g, a))
            .or_else(|| phones.then(|| try_phone_es(text, g, a)).flatten())
            .or_else(|| phones.then(|| try_phone_world(text, g, a)).flatten());
        match attempt {
            Some((entity, z, score)) => {
                let (start, end) = (g[a].start, g[z - 1].end);
                if detached(b, g, a, z, entity == PiiEntity::Phone) {
                    if entity == PiiEntity::Phone && score >= 0.5 {
                        *last_phone = Some(end);
                    }
                    out.push((entity, start, end, score));
                    a = z;
                    continue;
                }
                a += 1;
            }
            None => a += 1,
        }
    }
}

/// Whether groups `a..z` stand alone: not glued by `-`, `.` or `/` to a neighbouring group,
/// and not followed by a letter, digit or a decimal part. A phone's extension
/// (`415-555-2671x204`) is read past first.
fn detached(b: &[u8], g: &[Group], a: usize, z: usize, phone: bool) -> bool {
    if a > 0 && matches!(g[a].sep, b'-' | b'.' | b'/') {
        return false;
    }
    if z < g.len() && matches!(g[z].sep, b'-' | b'.' | b'/') {
        return false;
    }
    let end = g[z - 1].end;
    let end = if phone {
        end + extension_len(b, end)
    } else {
        end
    };
    match b.get(end) {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => false,
        Some(b'.') => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
        // A comma continues a number only as a thousands separator, after at most three
        // digits; after a longer group it ends a CSV field (`4152…9089,1500`).
        Some(b',') => g[z - 1].len() > 3 || !b.get(end + 1).is_some_and(u8::is_ascii_digit),
        _ => {
            // Preceded by `x.`/`x-`/`x/`/`x#` where x is alphanumeric: part of an identifier
            // or path (`Order#5551234567`), unless `#` follows a label that names the value.
            let s = g[a].start;
            !(s >= 2
                && matches!(b[s - 1], b'.' | b'-' | b'/' | b'#')
                && b[s - 2].is_ascii_alphanumeric()
                && a == 0
                && !after_chat_link(b, s)
                && !(b[s - 1] == b'#' && after_value_label(b, s - 1)))
        }
    }
}

/// The length of an extension glued to a phone that ends at `end` (`x204`, `ext204`,
/// `ext.204`: a mark and one to six digits), or 0.
fn extension_len(b: &[u8], end: usize) -> usize {
    let rest = b.get(end..).unwrap_or(&[]);
    let Some(mark) = [&b"ext."[..], b"ext", b"x"].into_iter().find(|m| {
        rest.get(..m.len())
            .is_some_and(|r| r.eq_ignore_ascii_case(m))
    }) else {
        return 0;
    };
    let digits = rest[mark.len()..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if (1..=6).contains(&digits) {
        mark.len() + digits
    } else {
        0
    }
}

/// Whether the word that ends at `i` labels a number that is PII: `SSN#`, `Card#`, `Ph#`.
fn after_value_label(b: &[u8], i: usize) -> bool {
    const LABELS: [&[u8]; 14] = [
        b"ssn",
        b"card",
        b"cc",
        b"ph",
        b"tel",
        b"phone",
        b"cel",
        b"cell",
        b"mobile",
        b"fax",
        b"movil",
        b"tarjeta",
        b"telefono",
        b"whatsapp",
    ];
    let start = b[..i]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic())
        .map_or(0, |p| p + 1);
    let word = &b[start..i];
    LABELS.iter().any(|l| word.eq_ignore_ascii_case(l))
}

/// Whether `i` follows `wa.me/`, the click-to-chat link whose path is a phone number.
fn after_chat_link(b: &[u8], i: usize) -> bool {
    i >= 6 && b[i - 6..i].eq_ignore_ascii_case(b"wa.me/")
}

fn same_seps(g: &[Group], allowed: &[u8]) -> bool {
    g.iter().skip(1).all(|x| allowed.contains(&x.sep))
        && g.windows(2)
            .all(|w| w.len() < 2 || w[0].sep == 0 || w[1].sep == w[0].sep || w[0].paren)
}

fn try_card(text: &str, g: &[Group], a: usize) -> Option<(PiiEntity, usize, f32)> {
    let b = text.as_bytes();
    if g[a].plus || g[a].paren {
        return None;
    }
    let shapes: &[&[usize]] = &[
        &[4, 4, 4, 4, 3],
        &[4, 4, 4, 4],
        &[4, 6, 5],
        &[4, 6, 4],
        &[4, 4, 4, 3],
        &[4, 4, 4, 2],
        &[4, 4, 4],
    ];
    // Every shape that fits is tried, longest first: a 16-digit card followed by a CVV or
    // an amount (`4152 3138 1234 5671 123`) also fits the 19-digit shape, which fails Luhn.
    let grouped = shapes.iter().filter_map(|shape| {
        let z = a + shape.len();
        let gs = g.get(a..z)?;
        (gs.iter()
            .zip(shape.iter())
            .all(|(x, &n)| x.len() == n && !x.paren)
            && same_seps(gs, b" -"))
        .then_some((z, 0.9))
    });
    let run = (12..=19).contains(&g[a].len()).then_some((a + 1, 0.85));
    let (z, mut score) = grouped.chain(run).find(|&(z, _)| {
        let d = digits(b, &g[a..z]);
        validate::luhn(&d) && validate::card_brand_ok(&d)
    })?;
    let before = lower_before(text, g[a].start, 40);
    let cue = has_any(before.as_bytes(), &CARD_CUES);
    // Twelve digits (a Maestro's shortest) are an id at least as often: only named.
    if !cue && g[a..z].iter().map(Group::len).sum::<usize>() == 12 {
        return None;
    }
    if cue {
        score += 0.08;
    } else if z == a + 1 && has_any(before.as_bytes(), &NUMBER_VETO) {
        return None;
    }
    Some((PiiEntity::CreditCard, z, score))
}

fn try_clabe(text: &str, g: &[Group], a: usize) -> Option<(PiiEntity, usize, f32)> {
    let b = text.as_bytes();
    // The bank's own layout (3-3-11-1) and one run of 18 stand on a bank prefix; any other
    // grouping (`0321 8000 0118 3597 19`, as apps print it for copying) needs the cue.
    let (z, shaped) = if g[a].len() == 18 && !g[a].plus && !g[a].paren {
        (a + 1, true)
    } else if a + 4 <= g.len()
        && [3, 3, 11, 1]
            .iter()
            .zip(&g[a..a + 4])
            .all(|(&n, x)| x.len() == n && !x.paren && !x.plus)
        && same_seps(&g[a..a + 4], b" -")
    {
        (a + 4, true)
    } else {
        (grouped_18(g, a)?, false)
    };
    let d = digits(b, &g[a..z]);
    if !validate::clabe(&d) {
        return None;
    }
    let before = lower_before(text, g[a].start, 48);
    let cue = has_any(before.as_bytes(), &CLABE_CUES);
    let bank = CLABE_BANKS.iter().any(|p| p[..] == d[..3]);
    match (cue, bank) {
        (true, _) => Some((PiiEntity::Clabe, z, 0.95)),
        (false, true) if shaped && !has_any(before.as_bytes(), &NUMBER_VETO) => {
            Some((PiiEntity::Clabe, z, 0.8))
        }
        _ => None,
    }
}

/// The end of groups from `a` that hold exactly 18 digits in groups of two to six, joined
/// by one kind of space or dash, and not the tail of a longer run joined the same way.
fn grouped_18(g: &[Group], a: usize) -> Option<usize> {
    if a > 0 && g.get(a + 1).is_some_and(|next| next.sep == g[a].sep) {
        return None;
    }
    let mut total = 0;
    for (z, x) in g.iter().enumerate().skip(a) {
        if !(2..=6).contains(&x.len()) || x.paren || x.plus {
            return None;
        }
        total += x.len();
        if total >= 18 {
            let z = z + 1;
            return (total == 18 && z - a >= 3 && same_seps(&g[a..z], b" -")).then_some(z);
        }
    }
    None
}

fn try_phone(
    text: &str,
    g: &[Group],
    a: usize,
    last_phone: Option<usize>,
) -> Option<(PiiEntity, usize, f32)> {
    let b = text.as_bytes();
    let first = &b[g[a].ds..g[a].de];
    // Country code: +1 / 1- (US) or +52 (Mexico), optionally +52 1 (old mobile prefix).
    let mut k = a;
    let mut cc: Option<&[u8]> = None;
    if g[a].plus && (first == b"1" || first == b"52") {
        cc = Some(first);
        k += 1;
    } else if first == b"1" && !g[a].paren && a + 1 < g.len() && g[a + 1].sep != 0 {
        cc = Some(b"1");
        k += 1;
    }
    if cc == Some(b"52".as_slice())
        && k < g.len()
        && g[k].len() == 1
        && &b[g[k].ds..g[k].de] == b"1"
    {
        k += 1;
    }
    // +525512345678 / +15555550123 written without separators.
    if g[a].plus && cc.is_none() && g[a].len() >= 11 {
        let d = first;
        let national = if d.len() == 11 && d[0] == b'1' {
            Some(&d[1..])
        } else if d.len() == 12 && d.starts_with(b"52") {
            Some(&d[2..])
        } else if d.len() == 13 && d.starts_with(b"521") {
            Some(&d[3..])
        } else {
            None
        }?;
        return (national[0] >= b'2').then_some((PiiEntity::Phone, a + 1, 0.85));
    }
    if k >= g.len() {
        return None;
    }
    let shapes: &[&[usize]] = &[
        &[2, 2, 2, 2, 2],
        &[3, 3, 2, 2],
        &[3, 3, 4],
        &[2, 4, 4],
        &[3, 7],
        &[2, 8],
        &[10],
    ];
    for shape in shapes {
        let z = k + shape.len();
        if z > g.len() {
            continue;
        }
        let gs = &g[k..z];
        if !gs.iter().zip(shape.iter()).all(|(x, &n)| x.len() == n) {
            continue;
        }
        // Only the first group of the national number may be in parentheses; no `/` inside.
        if gs.iter().skip(1).any(|x| x.paren || x.sep == b'/')
            || gs.iter().any(|x| x.plus && cc.is_some())
        {
            continue;
        }
        if cc.is_none() && (gs[0].plus || (shape.len() == 2 && !gs[0].paren)) {
            continue;
        }
        let national = digits(b, gs);
        if national[0] < b'2' {
            continue;
        }
        if cc == Some(b"1".as_slice()) && !validate::nanp(&national) {
            continue;
        }
        let contiguous = shape.len() == 1;
        let Named { cue, veto } = phone_context(text, g[a].start, contiguous);
        let score = match (cc.is_some(), contiguous) {
            (true, _) => 0.85,
            (false, false) => {
                // Dotted 3.3.4 is a phone; dotted anything else reads like a version or an id.
                if gs.iter().skip(1).any(|x| x.sep == b'.') && shape.len() != 3 {
                    continue;
                }
                // Five pairs of digits are as often grades, sizes or a row of numbers.
                if shape.len() == 5 && !cue {
                    continue;
                }
                if veto && !cue {
                    0.4
                } else {
                    0.75
                }
            }
            (false, true) => {
                let listed = || {
                    in_a_list(text, last_phone, g[a].start)
                        || csv_phone_column(text, g[a].start, g[z - 1].end)
                };
                if !veto && (cue || listed()) {
                    0.7
                } else {
                    continue;
                }
            }
        };
        let after = lower_after(text, g[z - 1].end, 12);
        let score = if cue
            || after.as_str().trim_start().starts_with("ext")
            || extension_len(b, g[z - 1].end) > 0
        {
            score + 0.1
        } else {
            score
        };
        return Some((PiiEntity::Phone, z, score));
    }
    None
}

/// What the words before a number say of it.
struct Named {
    /// They name a phone.
    cue: bool,
    /// An id word names it, and no phone word right before it outweighs that.
    veto: bool,
}

/// What the words before a number that starts at `start` say of it.
fn phone_context(text: &str, start: usize, contiguous: bool) -> Named {
    let before = lower_before(text, start, 32);
    let ctx = before.as_bytes();
    let near = &ctx[ctx.len().saturating_sub(NEAR_CUE)..];
    let number_word = has_any(ctx, &NUMBER_WORDS);
    // Bare digits are an id as often as a phone, and so is a "number" that an id word
    // names (`Order number: 415-555-2671`), so an id word anywhere before counts; otherwise
    // a number in a phone's groups only loses to one that heads it (`Order #: 415-555-2671`,
    // not `Team #3 lead Ana 415-555-2671` or `ID 4471 |`).
    let heading = &near[near
        .iter()
        .rposition(u8::is_ascii_digit)
        .map_or(0, |p| p + 1)..];
    let veto_ctx = if contiguous || number_word {
        ctx
    } else {
        heading
    };
    let id_word = has_any(veto_ctx, &NUMBER_VETO) || (number_word && has_any(ctx, &ID_NOUNS));
    let cue = has_any(ctx, &PHONE_CUES) || (number_word && !id_word);
    // A cue right before the number (`customer phone 55…`, `teléfono: 55…`) outweighs an id
    // word further back (`Ticket #4521:`, `Datos de la cuenta`).
    Named {
        cue,
        veto: id_word && !has_any(near, &PHONE_CUES),
    }
}

/// How close before a Spanish number without its country code a phone word must start:
/// `Mi teléfono es el 612…` names it.
const ES_NEAR: usize = 20;

/// Whose number a number word says it is, a word or two before it: `mi (nuevo) número`,
/// `my (new) number` are one's phone, while `el número de visitas`, `Order number` are not.
const OWNERS: Cues = Cues::new(&[
    "mi ", "tu ", "su ", "my ", "your ", "our ", "nuestro ", "nuestra ",
]);
/// How far before a number word its owner word may start.
const OWNER_REACH: usize = 12;
/// Phone words that count calls rather than name a number: with a period after them
/// (`Llamadas del mes: 812 345 678`) the number is a tally.
const TALLIES: Cues = Cues::new(&["llamadas", "calls"]);
/// Whole words only ([`has_word`]): `día` is a period, `Díaz` a surname.
const PERIODS: Cues = Cues::new(&[
    "mes",
    "meses",
    "mensual",
    "mensuales",
    "semana",
    "semanas",
    "semanal",
    "semanales",
    "d\u{ed}a",
    "d\u{ed}as",
    "dia",
    "dias",
    "diario",
    "diaria",
    "diarios",
    "diarias",
    "a\u{f1}o",
    "a\u{f1}os",
    "anual",
    "anuales",
    "hoy",
    "ayer",
    "total",
    "totales",
    "month",
    "months",
    "monthly",
    "week",
    "weeks",
    "weekly",
    "day",
    "days",
    "daily",
    "today",
    "year",
    "years",
    "yearly",
]);

/// Whether the words before a number without its country code that starts at `start` name
/// it a phone (Spain's nine digits, other countries' national numbers): a phone
/// word within [`ES_NEAR`] bytes and no id word after it (`Call-ID:`, `teléfono del pedido:
/// número de cliente`), while one before it (`Datos de la cuenta, teléfono:`) does not count;
/// or someone's number word (`mi nuevo número es`) and no id word after the owner
/// (`Pedido número`, `su número de serie`).
fn phone_named(text: &str, start: usize) -> bool {
    let mut before = lower_before(text, start, 32);
    before.fold_blanks();
    let mut ctx = before.as_bytes();
    // A window that begins inside a word (`…mo|tel central`) starts at the next one.
    let cut = start - ctx.len();
    if cut > 0 && text.as_bytes()[cut - 1].is_ascii_alphanumeric() {
        let word = ctx.iter().position(|c| !c.is_ascii_alphanumeric());
        ctx = &ctx[word.unwrap_or(ctx.len())..];
    }
    let near = |at: usize| ctx.len() - at <= ES_NEAR;
    let id = last_cue(ctx, &NUMBER_VETO).max(last_cue(ctx, &ID_NOUNS));
    let phone_word = last_cue(ctx, &PHONE_CUES).is_some_and(|c| {
        let tally = last_cue(ctx, &TALLIES) == Some(c) && has_word(&ctx[c..], &PERIODS);
        near(c) && id.is_none_or(|i| i < c) && !tally
    });
    let owned_number = || {
        last_cue(ctx, &NUMBER_WORDS).is_some_and(|n| {
            let owner = last_cue(&ctx[..n], &OWNERS).filter(|&o| n - o <= OWNER_REACH);
            near(n) && owner.is_some_and(|o| id.is_none_or(|i| i < o))
        })
    };
    phone_word || owned_number()
}

/// Spain's nine-digit numbers (mobiles from 6 and 7, fixed lines from 8 and 9), after `+34`
/// or `0034`, or else named by the words just before ([`phone_named`]): nine digits
/// in groups of three are also amounts in Spanish, and bare ones ids. Groups are
/// joined by spaces or dashes; dotted, they are amounts and addresses (`88.198.45.12`).
fn try_phone_es(text: &str, g: &[Group], a: usize) -> Option<(PiiEntity, usize, f32)> {
    const SHAPES: [&[usize]; 4] = [&[3, 3, 3], &[3, 2, 2, 2], &[2, 3, 2, 2], &[9]];
    let b = text.as_bytes();
    let first = &b[g[a].ds..g[a].de];
    let spanish = |d: &[u8]| d.first().is_some_and(|c| (b'6'..=b'9').contains(c));
    if g[a].plus && first.len() == 11 && first.starts_with(b"34") && spanish(&first[2..]) {
        return Some((PiiEntity::Phone, a + 1, 0.85));
    }
    let cc = !g[a].paren
        && if g[a].plus {
            first == b"34"
        } else {
            first == b"0034"
        };
    let k = if cc { a + 1 } else { a };
    if cc && !g.get(k).is_some_and(|x| matches!(x.sep, b' ' | b'-')) {
        return None;
    }
    for shape in SHAPES {
        let z = k + shape.len();
        let Some(gs) = g.get(k..z) else { continue };
        let sep = gs.get(1).map_or(0, |x| x.sep);
        if !gs.iter().zip(shape).all(|(x, &n)| x.len() == n)
            || gs.iter().any(|x| x.plus || x.paren)
            || gs
                .iter()
                .skip(1)
                .any(|x| x.sep != sep || !matches!(sep, b' ' | b'-'))
            || !spanish(&b[gs[0].ds..gs[0].de])
        {
            continue;
        }
        let ctx = phone_context(text, g[a].start, shape.len() == 1);
        let score = if cc {
            // `0034` is a weaker mark than `+34`: an id word still makes it an id.
            if !g[a].plus && ctx.veto {
                return None;
            }
            0.85
        } else if phone_named(text, g[a].start) {
            if shape.len() == 1 {
                0.7
            } else {
                0.75
            }
        } else {
            return None;
        };
        let score = if ctx.cue { score + 0.1 } else { score };
        return Some((PiiEntity::Phone, z, score));
    }
    None
}

/// Words right after a number that say it is a phone: the label of an address block's
/// line (`082 490 1693 office`, `…-Fax`).
const PHONE_LABELS_AFTER: [&str; 11] = [
    "office",
    "fax",
    "mobile",
    "cell",
    "phone",
    "tel",
    "landline",
    "oficina",
    "celular",
    "m\u{f3}vil",
    "movil",
];

/// Digits of the country calling code that `d` starts with, by ITU-T E.164's zones: no code
/// is a prefix of another, so the first two digits decide its length. `None` for what no
/// country holds (`0`, `28x`, `83x`, `89x`).
fn country_code_len(d: &[u8]) -> Option<usize> {
    let (&c0, &c1) = (d.first()?, d.get(1)?);
    match (c0, c1) {
        (b'1' | b'7', _) => Some(1),
        (b'2', b'0' | b'7') => Some(2),
        (b'2', b'8') => None,
        (b'2', _) => Some(3),
        (b'3', b'5' | b'7' | b'8') => Some(3),
        (b'3', _) => Some(2),
        (b'4', b'2') => Some(3),
        (b'4', _) => Some(2),
        (b'5', b'0' | b'9') => Some(3),
        (b'5', _) => Some(2),
        (b'6', b'0'..=b'6') => Some(2),
        (b'6', _) => Some(3),
        (b'8', b'1' | b'2' | b'4' | b'6') => Some(2),
        (b'8', b'3' | b'9') => None,
        (b'8', _) => Some(3),
        (b'9', b'6' | b'7' | b'9') => Some(3),
        (b'9', _) => Some(2),
        _ => None,
    }
}

/// Whether a phone label follows the number that ends at `end`, after at most a blank, a
/// dash or an opening parenthesis.
fn labelled_after(text: &str, end: usize) -> bool {
    let after = lower_after(text, end, 16);
    let a = after.as_bytes();
    let skip = a
        .iter()
        .take(2)
        .take_while(|c| matches!(c, b' ' | b'-' | b'('))
        .count();
    let rest = &a[skip..];
    PHONE_LABELS_AFTER.iter().any(|w| {
        rest.starts_with(w.as_bytes())
            && !rest.get(w.len()).is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// Where the country code of an international number that starts at group `a` begins: the
/// group and how many of its digits to skip. After `+`, the group itself; after an exit code
/// (`00`, or `011` from North America), the rest of its group or the next one.
fn exit_code(b: &[u8], g: &[Group], a: usize) -> Option<(usize, usize)> {
    let first = &b[g[a].ds..g[a].de];
    if g[a].plus {
        Some((a, 0))
    } else if g[a].paren {
        None
    } else if (first == b"00" || first == b"011") && g.len() > a + 1 {
        Some((a + 1, 0))
    } else if first.len() > 2 && first.starts_with(b"00") {
        Some((a, 2))
    } else {
        None
    }
}

/// Phones of every other country, after the US, Mexican and Spanish shapes failed:
///
/// * international, after `+` or an exit code (`00`, `011`): a country code that exists,
///   then a national number, 8 to 15 digits in all as E.164 allows (`+46 (0)8 928 571 38`,
///   `+447700 921 916`, `0041 44 668 18 00`). The `+` is the mark: no cue is needed, while
///   an id word before it still makes it an id;
/// * national (`0490 75 40 81`, `(08) 8747 6301`, `03.93.92.16.85`): 7 to 12 digits read as
///   a phone only when a phone word comes before (`Phone:`, `call me on`) or a label after
///   (`office`, `-Fax`), since bare digit groups are ids, amounts and dates as often.
///
/// Groups are joined by blanks or dashes, or all by dots; dates (`2024 01 15`), dotted
/// amounts (`1.234.567`) and addresses shaped like IPs are never phones.
fn try_phone_world(text: &str, g: &[Group], a: usize) -> Option<(PiiEntity, usize, f32)> {
    let b = text.as_bytes();
    // The run of groups a phone can span: no `/`, parentheses only on the first group or
    // on a trunk or area code right after a country code's group.
    let mut z = a + 1;
    while z < g.len()
        && matches!(g[z].sep, b' ' | b'-' | b'.' | 0)
        && (!g[z].paren || (z == a + 1 && g[a].plus))
    {
        z += 1;
    }
    let gs = &g[a..z];
    let dotted = gs.iter().skip(1).any(|x| x.sep == b'.');
    if dotted && (gs.len() < 3 || gs.iter().skip(1).any(|x| x.sep != b'.')) {
        return None;
    }
    // Shapes first, words after: most numbers that reach here are years, amounts and ids.
    if let Some((from, skip)) = exit_code(b, &g[..z], a) {
        // The country code's digits, then the national number's; a trunk `(0)` after the
        // country code is not dialled from abroad and not counted.
        let mut d = [0u8; 16];
        let mut n = 0;
        for (i, x) in g[from..z].iter().enumerate() {
            let digits = &b[x.ds..x.de];
            if x.paren && digits == b"0" && i > 0 {
                continue;
            }
            let digits = if i == 0 { &digits[skip..] } else { digits };
            if n + digits.len() > d.len() {
                return None;
            }
            d[n..n + digits.len()].copy_from_slice(digits);
            n += digits.len();
        }
        let d = &d[..n];
        let cc = country_code_len(d)?;
        // `+21` alone: a country code's first digits and nothing more.
        let (code, national) = (d.get(..cc)?, d.get(cc..)?);
        // The plans the shapes above read: what they refused only passes here as a NANP
        // number whose exchange is unassigned, still a phone when written after `+1`.
        let plan = match code {
            b"1" => national.len() == 10 && national[0] >= b'2',
            b"52" => national.len() == 10 || (national.len() == 11 && national[0] == b'1'),
            b"34" => national.len() == 9 && (b'6'..=b'9').contains(&national[0]),
            _ => true,
        };
        if !(8..=15).contains(&d.len())
            || national.len() < 6
            || (gs.len() == 1 && d.len() < 10)
            || !plan
        {
            return None;
        }
        let Named { cue, veto } = phone_context(text, g[a].start, gs.len() == 1);
        // An id word makes it an id, unless a phone word right before outweighs it after a
        // `+` (an exit code is the weaker mark: there the id word wins).
        if veto && !(cue && gs[0].plus) {
            return None;
        }
        let marked = if gs[0].plus { 0.8 } else { 0.7 };
        let named = cue || labelled_after(text, g[z - 1].end);
        return Some((
            PiiEntity::Phone,
            z,
            if named { marked + 0.1 } else { marked },
        ));
    }
    let total: usize = gs.iter().map(Group::len).sum();
    let len = |i: usize| gs[i].len();
    let year = |x: &Group| x.len() == 4 && matches!(&b[x.ds..x.ds + 2], b"19" | b"20");
    let date = gs.len() == 3
        && ((year(&gs[0]) && len(1) <= 2 && len(2) <= 2)
            || (year(&gs[2]) && len(0) <= 2 && len(1) <= 2));
    let thousands = dotted && gs.iter().skip(1).all(|x| x.len() == 3);
    let ip_like = dotted && gs.len() == 4 && gs.iter().all(|x| x.len() <= 3);
    let singles = gs.iter().filter(|x| x.len() == 1).count();
    if !(7..=12).contains(&total)
        || date
        || thousands
        || ip_like
        || singles > 1
        || gs[gs.len() - 1].len() == 1
        || gs.iter().any(|x| x.len() > 8)
    {
        return None;
    }
    let labelled = labelled_after(text, g[z - 1].end);
    let named = phone_named(text, g[a].start);
    if !(labelled || named) {
        return None;
    }
    Some((
        PiiEntity::Phone,
        z,
        if labelled && named { 0.85 } else { 0.75 },
    ))
}

/// How far after one phone the next bare ten digits still belong to the same list.
const LIST_REACH: usize = 400;

/// Whether a phone found just before `start` (no blank line between) makes this number the
/// next entry of a contact list: "Contactos:\nLuis 5512345678\nAna 3319876543" names the
/// list once, at its head.
fn in_a_list(text: &str, last_phone: Option<usize>, start: usize) -> bool {
    last_phone.is_some_and(|end| {
        start >= end
            && start - end <= LIST_REACH
            && text
                .get(end..start)
                .is_some_and(|between| !between.contains("\n\n") && !between.contains("\n\r\n"))
    })
}

/// Header words of a phone column.
const PHONE_COLUMNS: Cues = Cues::new(&[
    "phone",
    "tel",
    "cel",
    "mobile",
    "movil",
    "m\u{f3}vil",
    "whatsapp",
    "fax",
]);
/// How far [`csv_phone_column`] reads before and after a number for its row's ends, and
/// before the row for its header's start: each number costs at most a few of these, however
/// long the text's lines (one 1 MB line of numbers was read whole for each of its numbers).
const MAX_ROW: usize = 1024;

/// Whether `start..end` is a whole field of a delimited row (`,`, `;`, tab or `|`) right
/// below a header with as many fields that names its column a phone: a CSV export says
/// "telefono" once, at the top, not next to each number. Only the line above is read, so a
/// long column of other ten-digit ids costs each row one short look back; the rows after
/// the first phone continue its list. A row whose ends are farther than [`MAX_ROW`] from the
/// number, or a longer header, is not read.
fn csv_phone_column(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let from = floor_boundary(text, start.saturating_sub(MAX_ROW));
    let Some(nl) = text[from..start].rfind('\n').map(|i| from + i) else {
        return false;
    };
    let line_start = nl + 1;
    let to = ceil_boundary(text, end + MAX_ROW);
    let line_end = match text[end..to].find('\n') {
        Some(i) => end + i,
        None if to == text.len() => to,
        None => return false,
    };
    let line = text[line_start..line_end].trim_end_matches('\r');
    let before = (start > line_start).then(|| b[start - 1]);
    let after = b.get(end).filter(|c| !matches!(c, b'\n' | b'\r')).copied();
    let Some(sep) = before.or(after) else {
        return false;
    };
    if !matches!(sep, b',' | b';' | b'\t' | b'|')
        || before.is_some_and(|c| c != sep)
        || after.is_some_and(|c| c != sep)
    {
        return false;
    }
    let column = text[line_start..start]
        .bytes()
        .filter(|&c| c == sep)
        .count();
    let fields = line.bytes().filter(|&c| c == sep).count();
    let above = floor_boundary(text, nl.saturating_sub(MAX_ROW));
    let header_start = match text[above..nl].rfind('\n') {
        Some(i) => above + i + 1,
        None if above == 0 => 0,
        None => return false,
    };
    let header = text[header_start..nl].trim_end_matches('\r');
    header.bytes().filter(|&c| c == sep).count() == fields
        && header
            .split(char::from(sep))
            .nth(column)
            .filter(|name| !name.bytes().any(|c| c.is_ascii_digit()))
            .is_some_and(|name| has_any(name.to_lowercase().as_bytes(), &PHONE_COLUMNS))
}

fn try_ssn(text: &str, g: &[Group], a: usize) -> Option<(PiiEntity, usize, f32)> {
    let b = text.as_bytes();
    if g[a].plus || g[a].paren || !matches!(g[a].len(), 3 | 9) {
        return None;
    }
    let before = lower_before(text, g[a].start, 40);
    let cue = has_any(before.as_bytes(), &SSN_CUES);
    let z = if a + 3 <= g.len()
        && g[a].len() == 3
        && g[a + 1].len() == 2
        && g[a + 2].len() == 4
        && !g[a + 1].paren
        && !g[a + 2].paren
        && g[a + 1].sep == g[a + 2].sep
        && matches!(g[a + 1].sep, b'-' | b' ')
    {
        // Space-separated 3-2-4 is only an SSN when something says so.
        if g[a + 1].sep == b' ' && !cue {
            return None;
        }
        a + 3
    } else if g[a].len() == 9 && cue {
        a + 1
    } else {
        return None;
    };
    // Without a cue, an id word before it (`Order`, `Pedido`, `ticket #`) makes it an id.
    if !cue && has_any(before.as_bytes(), &NUMBER_VETO) {
        return None;
    }
    let score = if cue && z == a + 3 { 0.95 } else { 0.85 };
    let d = digits(b, &g[a..z]);
    validate::ssn(&d).then_some((PiiEntity::Ssn, z, score))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What would be reported at the default minimum score of 0.5.
    fn found(t: &str) -> Vec<(PiiEntity, &str)> {
        let mut v = Vec::new();
        find(t, &mut v);
        v.into_iter()
            .filter(|x| x.3 >= 0.5)
            .map(|(e, s, en, _)| (e, &t[s..en]))
            .collect()
    }

    #[test]
    fn regression_plus_glued_to_a_letter_does_not_hang() {
        // A `+` after a letter and before a digit (base64 bodies) once kept the scanner at
        // the same byte forever.
        assert!(found("ru6Js+2KBfX7 a+1 b(2").is_empty());
    }

    #[test]
    fn us_phones() {
        for p in [
            "+1 415 555 2671",
            "(415) 555-2671",
            "415.555.2671",
            "415-555-2671",
            "1-800-555-0199",
            "+14155552671",
        ] {
            assert_eq!(
                found(&format!("call {p} now")),
                vec![(PiiEntity::Phone, p)],
                "{p}"
            );
        }
    }

    #[test]
    fn an_extension_glued_to_a_phone_leaves_it_a_phone() {
        for (t, want) in [
            ("call 415-555-2671x204 today", "415-555-2671"),
            ("(415) 555-2671 ext.12", "(415) 555-2671"),
            ("Tel: 55 1234 5678EXT3301.", "55 1234 5678"),
        ] {
            assert_eq!(found(t), vec![(PiiEntity::Phone, want)], "{t}");
        }
        // A letter run that is no extension still makes the digits part of an identifier.
        assert!(found("build 415-555-2671x2f").is_empty());
        assert!(found("call 415-555-2671xyz").is_empty());
        assert!(found("call 415-555-2671x1234567").is_empty());
    }

    #[test]
    fn spanish_phones_after_their_country_code_or_a_cue() {
        for p in [
            "+34 612 345 678",
            "+34 91 123 45 67",
            "+34612345678",
            "0034 712-345-678",
            "+34 612 34 56 78",
        ] {
            assert_eq!(
                found(&format!("escríbeme al {p} mañana")),
                vec![(PiiEntity::Phone, p)],
                "{p}"
            );
        }
        for t in [
            "mi móvil es 612 345 678",
            "Teléfono: 912345678",
            "tel. 91 123 45 67",
            "Mi teléfono es el 612 345 678",
            "Mi número es 612 345 678",
            "Datos de la cuenta, teléfono: 612345678",
            "mi nuevo número es 612 345 678",
            "Te escribo por el pedido, mi número es 612 345 678",
            "mi\nnúmero es 612 345 678",
            "Mi\u{a0}número: 612 345 678",
            "Llamadas al 612 345 678",
            "llámame hoy al 612 345 678",
            "Llamadas a Díaz: 612 345 678",
            "Llamadas a Mesa: 612 345 678",
            "mi\u{202f}número es 612 345 678",
            "mi\u{2009}número es 612 345 678",
            "Mi\u{3000}teléfono: 612 345 678",
            "mi\u{2028}número es 612 345 678",
            "Mi\u{85}teléfono: 612 345 678",
            "mi\u{b}número es 612 345 678",
        ] {
            assert_eq!(found(t).len(), 1, "{t}");
        }
        // Without a country code or a phone word right before them, nine digits are not a
        // phone (amounts, addresses, ids); nor are numbers that start below 6, come with an
        // id word, or are dotted.
        for t in [
            "el pedido 612 345 678 llegó",
            "ref 612345678",
            "+34 512 345 678",
            "teléfono del pedido: número de cliente 612345678",
            "El número de visitas fue 712.345.678.",
            "call from 88.198.45.12:5060",
            "contact_id=712345678",
            "Call-ID: 912345678",
            "Factura 0034-612-345-678",
            "0034/612 345 678",
            "El número de visitas fue 712 345 678",
            "Número de visitas: 712 345 678",
            "Número de serie: 712 345 678",
            "Pedido número 612 345 678",
            "Order number: 612 345 678",
            "Su número de serie: 712 345 678",
            "Tu número de seguimiento es 612 345 678",
            "Reservas en el motel central 712 345 678",
            "Llamadas del mes: 812 345 678",
            "Total calls today: 612 345 678",
            "Calls weekly: 612 345 678",
        ] {
            assert!(found(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn a_label_glued_by_a_hash_names_the_value_an_identifier_does_not() {
        assert_eq!(
            found("SSN#536-22-8411 Card#4111111111111111 Ph#415-555-2671"),
            vec![
                (PiiEntity::Ssn, "536-22-8411"),
                (PiiEntity::CreditCard, "4111111111111111"),
                (PiiEntity::Phone, "415-555-2671")
            ]
        );
        assert!(found("Order#5551234567 Ticket#4155552671").is_empty());
        // An id word further back does not take a phone's groups from it.
        for t in [
            "Account manager: Ana Ruiz, 415-555-2671",
            "Ana Ruiz, Sales ID 4471 | (415) 555-2671",
            "Team #3 lead Ana 415-555-2671",
        ] {
            assert_eq!(found(t).len(), 1, "{t}");
        }
        assert!(found("Order #: 415-555-2671").is_empty());
        assert!(found("Order number: 415-555-2671").is_empty());
    }

    #[test]
    fn mexican_phones() {
        for p in [
            "+52 55 1234 5678",
            "+52 1 55 1234 5678",
            "(55) 1234-5678",
            "55 1234 5678",
            "+52 (33) 3123 4567",
            "81-8123-4567",
            "+525512345678",
        ] {
            assert_eq!(
                found(&format!("mi número es {p}.")),
                vec![(PiiEntity::Phone, p)],
                "{p}"
            );
        }
        assert_eq!(
            found("tel 5512345678"),
            vec![(PiiEntity::Phone, "5512345678")]
        );
    }

    #[test]
    fn phone_negatives() {
        for t in [
            "order 5512345678 shipped",
            "2024-01-15 10:30:00",
            "ZIP 90210-1234",
            "version 1.2.3.4",
            "id 5512345678",
            "v10.12.1234.5678",
            "ts=1699999999123",
            "pedido 55 1234 5678",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn regression_a_country_code_cut_short_does_not_panic() {
        // `+21` reads as the start of a three-digit code with one digit missing: the code
        // was sliced past the digits there were.
        for t in [
            "score +21 points",
            "+21",
            "0021",
            "+2",
            "+35",
            "call 0029 now",
        ] {
            assert!(found(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn phones_of_other_countries() {
        // After `+` or an exit code, with a country code that exists: no cue needed.
        for p in [
            "+46 (0)8 928 571 38",
            "+41 (0)96 471 07 95",
            "+447700 921 916",
            "+447700677662",
            "+44 20 7946 0958",
            "+49 30 901820",
            "+33 1 84 17 61 18",
            "+7 495 123-45-67",
            "+1-984-182-0190",
            "0041 44 668 18 00",
            "001-518-640-0854",
        ] {
            assert_eq!(
                found(&format!("see {p} now")),
                vec![(PiiEntity::Phone, p)],
                "{p}"
            );
        }
        // National numbers, named by a phone word before or a label after.
        for (t, p) in [
            ("Phone:\n0490 75 40 81\nE-mail:", "0490 75 40 81"),
            ("Mobile: 03.93.92.16.85", "03.93.92.16.85"),
            ("call me on 9472 7916?", "9472 7916"),
            ("They're not answering at 78 651 450", "78 651 450"),
            ("Phone: (37) 788-063", "(37) 788-063"),
            ("082 490 1693-Office", "082 490 1693"),
            ("416 60 039 office", "416 60 039"),
            ("llámame al 0961-7596216", "0961-7596216"),
        ] {
            assert_eq!(found(t), vec![(PiiEntity::Phone, p)], "{t}");
        }
        for t in [
            // Not a country code, too short or too long, or a NANP number that cannot be.
            "see +28 123 456 789 now",
            "score +12 34",
            "see +1 055 123 4567",
            "see +4930901820445566778 now",
            // The same groups, unnamed, or named as something else.
            "0490 75 40 81",
            "Order 0490 75 40 81",
            "ticket +44 20 7946 0958",
            "invoice 0044 20 7946 0958",
            // Dates, amounts and addresses that a phone word happens to precede.
            "call on 2024 01 15 please",
            "called on 15 01 2024",
            "call 1.234.567 times",
            "phone 10.20.30.40",
            "phone 1 2 3 4 5 6 7",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn maestro_twelve_digits_when_named_and_old_jcb_fifteen() {
        for (t, v) in [
            ("card number 630427373398 is lost", "630427373398"),
            ("my card 5018 6466 7909 please", "5018 6466 7909"),
            ("block card no 213175197796454", "213175197796454"),
            ("I lost my card 180016070420458.", "180016070420458"),
        ] {
            assert_eq!(found(t), vec![(PiiEntity::CreditCard, v)], "{t}");
        }
        // Unnamed twelve digits, or a wrong check digit, are no card.
        assert!(found("ref 630427373398 ok").is_empty());
        assert!(found("card number 630427373399").is_empty());
    }

    #[test]
    fn cards_need_luhn_and_brand() {
        assert_eq!(
            found("card 4111 1111 1111 1111"),
            vec![(PiiEntity::CreditCard, "4111 1111 1111 1111")]
        );
        assert_eq!(
            found("amex 3782-822463-10005"),
            vec![(PiiEntity::CreditCard, "3782-822463-10005")]
        );
        assert_eq!(
            found("5555555555554444"),
            vec![(PiiEntity::CreditCard, "5555555555554444")]
        );
        assert!(found("card 4111 1111 1111 1112").is_empty());
        assert!(found("ref 1234567812345678").is_empty());
    }

    #[test]
    fn ssn_with_and_without_dashes() {
        assert_eq!(
            found("SSN 536-22-8411"),
            vec![(PiiEntity::Ssn, "536-22-8411")]
        );
        assert_eq!(
            found("my ssn is 536228411"),
            vec![(PiiEntity::Ssn, "536228411")]
        );
        assert!(found("536228411").is_empty());
        assert!(found("ssn 666-22-8411 or 536-00-8411 or 912-22-8411").is_empty());
    }

    #[test]
    fn clabe_with_check_digit() {
        assert_eq!(
            found("CLABE 032180000118359719"),
            vec![(PiiEntity::Clabe, "032180000118359719")]
        );
        assert!(found("CLABE 032180000118359718").is_empty());
        // Chat-platform ids have 18 digits too; one with a bank's prefix and a fitting
        // check digit is an id when its key says so.
        assert_eq!(
            found("transfer to 646230178455122932"),
            vec![(PiiEntity::Clabe, "646230178455122932")]
        );
        assert!(found(r#"{"channel_id": "646230178455122932"}"#).is_empty());
        assert!(found("discord user 646230178455122932").is_empty());
        // An STP account that also passes Luhn (and sits in Discover's range) is a CLABE,
        // bare or with its cue; a card cue still makes it a card.
        for t in ["deposita a 646180231948757490", "CLABE: 646180231948757490"] {
            assert_eq!(
                found(t),
                vec![(PiiEntity::Clabe, "646180231948757490")],
                "{t}"
            );
        }
        assert_eq!(
            found("card number 646180231948757490"),
            vec![(PiiEntity::CreditCard, "646180231948757490")]
        );
        // A card word before a CLABE that fails Luhn leaves it a CLABE.
        assert_eq!(
            found("Hazme el pago a 646230178455122932"),
            vec![(PiiEntity::Clabe, "646230178455122932")]
        );
    }

    #[test]
    fn a_number_before_a_csv_field_that_starts_with_a_digit() {
        for (t, entity, value) in [
            (
                "1,Luis,4152526018159089,1500",
                PiiEntity::CreditCard,
                "4152526018159089",
            ),
            ("Ana,(312) 555-0199,42", PiiEntity::Phone, "(312) 555-0199"),
            (
                "SSN 536-22-8741,2 dependents",
                PiiEntity::Ssn,
                "536-22-8741",
            ),
            (
                "CLABE,032180000118359719,1500.00",
                PiiEntity::Clabe,
                "032180000118359719",
            ),
        ] {
            assert_eq!(found(t), vec![(entity, value)], "{t}");
        }
        // A thousands separator still joins: no card inside an amount.
        assert!(found("total 4,152,526,018,159,089 units").is_empty());
    }

    #[test]
    fn bare_phones_in_a_contact_list_or_a_phone_column() {
        let phones = |t: &str| -> Vec<String> {
            found(t)
                .into_iter()
                .filter(|x| x.0 == PiiEntity::Phone)
                .map(|x| x.1.to_owned())
                .collect()
        };
        assert_eq!(
            phones("Contactos:\nLuis Pérez 5512345678\nAna López 3319876543\nJorge 8112345678"),
            ["5512345678", "3319876543", "8112345678"]
        );
        assert_eq!(
            phones("nombre,apellidos,telefono,correo\nLuis,Pérez Soto,5512345678,luis@correo.mx\nAna,Hernández,3319876543,ana@correo.mx"),
            ["5512345678", "3319876543"]
        );
        assert_eq!(
            phones("Here is the export:\n\nname,phone\nJohn Carter,3125550199"),
            ["3125550199"]
        );
        // Below a data row, only a phone found just before continues the column.
        assert!(
            phones("name,phone\nJonathan Carter Smithson,n/a\nMary Jones,6465550123").is_empty()
        );
        assert_eq!(
            phones("name;phone\r\nJohn Carter;3125550199\r\nMary Jones;6465550123\r\n"),
            ["3125550199", "6465550123"]
        );
        // Another column, an id word, or a blank line between: not phones.
        assert!(phones(
            "phone,account,customer_name_full,notes\nn/a,3125550199,Jonathan Smithson,none"
        )
        .is_empty());
        assert!(phones("Tel: 5512345678\nOrder 4412345678").len() == 1);
        assert!(phones("Tel: 5512345678\n\nBatch 4412345678 done").len() == 1);
        // Rows past MAX_ROW are not read: a text that is one long line of numbers costs
        // each of them a bounded look, not a walk back to the line's start.
        let row = |notes: usize| {
            format!(
                "name,notes,phone\nJohn Carter,{},3125550199",
                "x".repeat(notes)
            )
        };
        assert_eq!(phones(&row(100)), ["3125550199"]);
        assert!(phones(&row(MAX_ROW)).is_empty());
        let header = |pad: usize| format!("phone,{}\n3125550199,x", "n".repeat(pad));
        assert_eq!(phones(&header(100)), ["3125550199"]);
        assert!(phones(&header(MAX_ROW)).is_empty());
        let one_line = format!("x\n{}", "5551234567,".repeat(20_000));
        assert!(phones(&one_line).is_empty());
    }

    #[test]
    fn clabe_in_short_groups_needs_its_cue() {
        for t in [
            "CLABE: 0321 8000 0118 3597 19",
            "mi cuenta 032-180-0001-1835-9719 para el depósito",
            "transfer to 032 180 000 118 359 719",
        ] {
            let v = found(t);
            assert_eq!(v.len(), 1, "{t}: {v:?}");
            assert_eq!(v[0].0, PiiEntity::Clabe, "{t}");
            let digits: String = v[0].1.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(digits, "032180000118359719", "{t}");
        }
        // The same digits without a cue, with a wrong check digit, or glued to more groups.
        assert!(found("ref 0321 8000 0118 3597 19").is_empty());
        assert!(found("CLABE: 0321 8000 0118 3597 18").is_empty());
        assert!(found("CLABE: 0321 8000 0118 3597 1900").is_empty());
        assert!(found("CLABE: 12 0321 8000 0118 3597 19").is_empty());
    }

    #[test]
    fn a_card_followed_by_a_short_group_is_still_a_card() {
        // The 19-digit shape fits too and fails Luhn; the 16-digit one must still be tried.
        for t in [
            "card 4152 3138 1234 5671 123",
            "cobrar 4152 3138 1234 5671 200 pesos",
        ] {
            assert_eq!(
                found(t),
                vec![(PiiEntity::CreditCard, "4152 3138 1234 5671")],
                "{t}"
            );
        }
    }

    #[test]
    fn a_number_in_parentheses() {
        // The card again, compact, after its spaced form; the parentheses stay outside.
        assert_eq!(
            found("tarjeta 4152 3138 1234 5671 (4152313812345671)"),
            vec![
                (PiiEntity::CreditCard, "4152 3138 1234 5671"),
                (PiiEntity::CreditCard, "4152313812345671")
            ]
        );
        assert_eq!(
            found("Llámame (5512345678)"),
            vec![(PiiEntity::Phone, "5512345678")]
        );
        // An area code in parentheses is still one.
        assert_eq!(
            found("call (415) 555-2671"),
            vec![(PiiEntity::Phone, "(415) 555-2671")]
        );
        assert!(found("build (20240115) passed").is_empty());
        // After another group it stands alone, and the parentheses stay outside.
        assert_eq!(
            found("tel 55 (5512345678)"),
            vec![(PiiEntity::Phone, "5512345678")]
        );
    }

    #[test]
    fn a_whatsapp_link_holds_a_phone() {
        assert_eq!(
            found("Escríbeme: https://wa.me/5215512345678?text=hola"),
            vec![(PiiEntity::Phone, "5215512345678")]
        );
        assert_eq!(
            found("[chat](https://WA.me/14155552671)"),
            vec![(PiiEntity::Phone, "14155552671")]
        );
        // Other paths keep their numbers to themselves.
        assert!(found("https://example.com/5215512345678").is_empty());
    }

    #[test]
    fn groups_joined_by_no_break_spaces_and_typographic_dashes() {
        // Word and PDF signatures keep a number on one line with these.
        for (t, e, v) in [
            (
                "Tel.: +52\u{a0}55\u{a0}1234\u{a0}5678",
                PiiEntity::Phone,
                "+52\u{a0}55\u{a0}1234\u{a0}5678",
            ),
            (
                "Cel. 55\u{2011}1234\u{2011}5678.",
                PiiEntity::Phone,
                "55\u{2011}1234\u{2011}5678",
            ),
            (
                "call (415)\u{202f}555\u{2013}2671",
                PiiEntity::Phone,
                "(415)\u{202f}555\u{2013}2671",
            ),
            (
                "tarjeta 4152\u{a0}3138\u{a0}1234\u{a0}5671",
                PiiEntity::CreditCard,
                "4152\u{a0}3138\u{a0}1234\u{a0}5671",
            ),
            (
                "SSN 536\u{2013}22\u{2013}8411",
                PiiEntity::Ssn,
                "536\u{2013}22\u{2013}8411",
            ),
        ] {
            assert_eq!(found(t), vec![(e, v)], "{t}");
        }
        // A range of years or pages is still no phone.
        assert!(found("de 1990\u{2013}2000, págs. 120\u{2013}135").is_empty());
    }

    #[test]
    fn phone_cues_are_words_and_a_near_cue_beats_an_id_word() {
        assert!(found("Tell me if 2147483647 is prime").is_empty());
        assert!(found("Calificaciones: 85 90 78 92 88").is_empty());
        assert_eq!(
            found("llámame al 55 12 34 56 78"),
            vec![(PiiEntity::Phone, "55 12 34 56 78")]
        );
        for t in [
            "Ticket #4521: customer phone 5512345678",
            "Datos de la cuenta - teléfono 5512345678",
            "mi cel es 5512345678",
            "my number is 5512345678",
            "mi número: 5512345678",
        ] {
            assert_eq!(found(t), vec![(PiiEntity::Phone, "5512345678")], "{t}");
        }
    }

    #[test]
    fn a_number_named_by_an_id_noun_is_an_id() {
        for t in [
            "Order number: 4155552671",
            "Your order number is 4155552671.",
            "Case number 4155552671 has been updated.",
            "Confirmation number: 415-555-2671",
            "Tu número de orden es 5512345678",
            "Número de cliente 5512345678",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
        // The noun alone heads phone numbers as often.
        assert_eq!(
            found("Cliente: 55-1234-5678"),
            vec![(PiiEntity::Phone, "55-1234-5678")]
        );
    }

    #[test]
    fn an_id_word_before_an_ssn_shape_makes_it_an_id() {
        assert!(found("Order 536-22-8411 shipped").is_empty());
        assert_eq!(
            found("order for SSN 536-22-8411"),
            vec![(PiiEntity::Ssn, "536-22-8411")]
        );
    }
}

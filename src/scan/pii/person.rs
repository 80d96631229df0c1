//! `PERSON`: people's names in English and Spanish prose, code and logs.
//!
//! Capitalised words are grouped into runs (`María de la Luz Hernández`, `John F. Kennedy`,
//! `Dr. Ana Ruiz`), each word is looked up in the gazetteer, and each run is scored from two
//! kinds of evidence:
//!
//! * what the words are: a given name followed by a surname is strong on its own (0.85);
//!   a lone given name mid-sentence is medium; unknown capitalised words are weak; stop-list
//!   words (common words, places, products) split runs and are never part of a name;
//! * what surrounds them: titles (`Sr.`, `Dra.`, `Lic.`, `Mr.`), introductions (`me llamo`,
//!   `my name is`), salutations (`Dear`, `Estimada`, `Hola`), field labels (`Nombre:`,
//!   `From:`), sign-off lines above a signature, and verbs after (`said`, `dijo`).
//!
//! A run is reported at 0.5 or more. The span covers the name only, never the title or cue.
//!
//! Rejected: spaCy-style NER. Measured against the same corpus (`bench/README.md`), it was
//! two orders of magnitude slower and no more accurate on short chat text, where the cues
//! above carry most of the signal and sentence structure is often missing.

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;
use unicode_normalization::char::is_combining_mark;

use super::super::gazetteer::{Entry, Gazetteer};
use super::super::text::{char_at, char_before, lower_before, next_where};

/// Lower-case words allowed inside a name: `María de la Luz`, `Ludwig van Beethoven`.
const CONNECTORS: &[&str] = &[
    "de", "del", "la", "las", "los", "y", "van", "von", "der", "den", "da", "das", "do", "dos",
    "di", "du", "le", "bin", "ibn", "al", "e",
];
/// [`CONNECTORS`] packed by [`pack3`]: classifying compares every short lower-case word of the
/// text with them, and integer compares cost a fraction of string compares (a `memcmp` call
/// per same-length entry).
const CONNECTOR_KEYS: [u32; CONNECTORS.len()] = {
    let mut keys = [0u32; CONNECTORS.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = pack3(CONNECTORS[i].as_bytes());
        i += 1;
    }
    keys
};

/// A word of up to three bytes as one integer (bytes and length); longer words give 0, which
/// no packed word equals.
const fn pack3(w: &[u8]) -> u32 {
    if w.is_empty() || w.len() > 3 {
        return 0;
    }
    let mut key = (w.len() as u32) << 24;
    let mut i = 0;
    while i < w.len() {
        key |= (w[i] as u32) << (8 * i);
        i += 1;
    }
    key
}

/// Titles (lowercase, without the dot) that introduce a name.
const TITLES: &[&str] = &[
    "sr",
    "sra",
    "srta",
    "dr",
    "dra",
    "lic",
    "licda",
    "licdo",
    "ing",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "prof",
    "profa",
    "mtro",
    "mtra",
    "don",
    "do\u{f1}a",
    "sir",
    "madam",
    "se\u{f1}or",
    "se\u{f1}ora",
    "se\u{f1}orita",
    "arq",
    "abog",
    "cp",
    "c.p",
    "capt",
    "gen",
    "rev",
    "fr",
    "sgt",
    "lt",
    "col",
    "hon",
    "pres",
    "gov",
    "sen",
    "rep",
    "mme",
    "mlle",
    "herr",
    "frau",
];
/// Capitalised words that introduce a name: strong.
const STRONG_WORD_CUES: &[&str] = &[
    "dear",
    "estimado",
    "estimada",
    "querido",
    "querida",
    "estimados",
    "apreciable",
    "soy",
    "i'm",
    "im",
];
/// Endings that mark an unknown capitalised word as a likely surname (Slavic, Nordic,
/// Germanic, Romance, Greek, Armenian, Japanese, Spanish patronymics).
const SURNAME_ENDINGS: &[&str] = &[
    "son",
    "sen",
    "sson",
    "ski",
    "ska",
    "sky",
    "czyk",
    "wicz",
    "vich",
    "ovic",
    "ović",
    "enko",
    "ov",
    "ova",
    "ev",
    "eva",
    "qvist",
    "kvist",
    "str\u{f6}m",
    "berg",
    "stein",
    "mann",
    "ini",
    "elli",
    "etti",
    "ucci",
    "escu",
    "opoulos",
    "idis",
    "akis",
    "ian",
    "yan",
    "oglu",
    "mura",
    "moto",
    "yama",
    "kawa",
    "shita",
    "hashi",
    "uchi",
    "saki",
    "ez",
    "az",
    "oz",
];
/// Capitalised words that introduce a name: weak.
const WEAK_WORD_CUES: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hola",
    "thanks",
    "gracias",
    "cc",
    "attn",
    "atte",
    "from",
    "by",
    "with",
    "con",
    "contact",
    "contacto",
    "cliente",
    "paciente",
    "patient",
    "customer",
    "employee",
    "empleado",
    "welcome",
    "bienvenido",
    "bienvenida",
    "congratulations",
    "felicidades",
    "ask",
    "tell",
    "call",
    "email",
    "ping",
    "invite",
    "meet",
    "cont\u{e1}ctame",
];
/// Lowercase text right before a name that introduces it: strong.
const STRONG_BEFORE: &[&str] = &[
    "my name is",
    "name is",
    "me llamo",
    "mi nombre es",
    "nombre:",
    "name:",
    "nombre completo:",
    "full name:",
    "i am",
    "i'm",
    "soy",
    "this is",
    "le saluda",
    "habla",
    "signed",
    "firmado",
    "firma:",
    "author:",
    "autor:",
    "from:",
    "de:",
    "para:",
    "to:",
    "cc:",
    "contacto:",
    "contact:",
    "paciente:",
    "patient:",
    "cliente:",
    "customer:",
    "employee:",
    "empleado:",
    "titular:",
    "beneficiario:",
    "named",
    "llamado",
    "llamada",
    "dear",
    "estimado",
    "estimada",
    "querido",
    "querida",
    "hola",
    "hi",
    "hello",
    "hey",
    "nombre del cliente:",
    "passenger:",
    "pasajero:",
    "alumno:",
    "student:",
    "reported by",
    "assigned to",
    "asignado a",
    "owner:",
    "responsable:",
    "se llama",
    "is called",
    "called",
    // Asked for, or told how someone is called (`What's your last name? Magnusson`,
    // `She named him Frank`, `people call me Csanád`).
    "your name?",
    "last name?",
    "last name is",
    "last name:",
    "surname:",
    "surname is",
    "maiden name is",
    "named him",
    "named her",
    "call me",
    "calls me",
    // Who made a work (`directed by Joakim Westgård`, `Directed By: Leena O Sasi`).
    "directed by",
    "directed by:",
    "written by",
    "written by:",
    "authored by",
    "sung by",
    "mr.",
    "mrs.",
    "ms.",
    "sr.",
    "sra.",
    "dr.",
    "dra.",
    "lic.",
    "ing.",
    // Someone's own people: what follows is a name (`my kid Lukas`, `mi hija Itzel`).
    "my son",
    "my daughter",
    "my kid",
    "my wife",
    "my husband",
    "my partner",
    "my brother",
    "my sister",
    "my mom",
    "my dad",
    "mi hijo",
    "mi hija",
    "mi esposa",
    "mi esposo",
    "mi hermano",
    "mi hermana",
    "mi mam\u{e1}",
    "mi pap\u{e1}",
];
/// Lowercase text right before a name that hints at it: weak.
const WEAK_BEFORE: &[&str] = &[
    "with",
    "con",
    "from",
    "by",
    "de parte de",
    "and",
    "y",
    "thanks",
    "gracias",
    "ask",
    "tell",
    "email",
    "call",
    "llama a",
    "escr\u{ed}bele a",
    "preg\u{fa}ntale a",
    "met",
    "conoc\u{ed} a",
    "a",
    "to",
    "cc",
    "contact",
    "contacta a",
    "para",
    "seg\u{fa}n",
    "according to",
    "about",
    "sobre",
    "meet",
    "invite",
    "ping",
    // Who said it (`… ," says Liisa Lepistö`) and who someone is (`tennis player Hülya
    // Bouwmeester`, `Producer Liviana Palerma`): enough for two capitalised words that no
    // list knows, not for one.
    "says",
    "said",
    "asked",
    "told",
    "dice",
    "dijo",
    "starring",
    "featuring",
    "producer",
    "singer",
    "songwriter",
    "player",
    "actor",
    "actress",
    "author",
    "writer",
    "artist",
    "coach",
    "journalist",
    "reporter",
    "spokesperson",
    "spokesman",
    "spokeswoman",
];
/// Lowercase text right after a name that hints at it.
const AFTER: &[&str] = &[
    " said",
    " dijo",
    " wrote",
    " escribi\u{f3}",
    " coment\u{f3}",
    " asked",
    " pregunt\u{f3}",
    ", ceo",
    ", cto",
    ", cfo",
    ", director",
    ", gerente",
    " (ceo",
    " is my",
    " es mi",
    " was born",
    " naci\u{f3}",
    " will ",
    " can ",
    " has ",
    " mentioned",
    " called",
    " llam\u{f3}",
    " and i",
    " y yo",
    " told",
    " replied",
    " respondi\u{f3}",
];
/// Lowercase text right after a name that opens a sentence, where its capital says nothing:
/// a verb that makes it the subject (`Jennifer is a very patient person`, `Kevin had
/// given …`). Mid-sentence these would lift company names (`Drake PLC is`).
const AFTER_OPENING: &[&str] = &[
    " is ",
    " was ",
    " had ",
    " lives",
    " works",
    " es ",
    " fue ",
    " vive",
    " trabaja",
    " shouted",
    " spent ",
    " began ",
    " joined ",
    " left ",
    " went ",
    " wants ",
    " needs ",
    // Who is spoken to (`Cora, can I please speak to your boss?`).
    ", can ",
    ", could ",
    ", would ",
    ", please",
    ", puedes ",
    ", podr\u{ed}as ",
];
/// What follows a speaker's name that opens a line of a transcript (`Nicole: Remember
/// me?`, `Alice:"Who are you?"`).
const AFTER_SPEAKER: &[&str] = &[": ", ":\"", ":\u{201c}"];
/// Lines that end a message just above a signature.
const SIGN_OFFS: &[&str] = &[
    "regards",
    "best regards",
    "kind regards",
    "warm regards",
    "best",
    "thanks",
    "thank you",
    "many thanks",
    "cheers",
    "sincerely",
    "yours truly",
    "atentamente",
    "saludos",
    "un saludo",
    "saludos cordiales",
    "cordialmente",
    "gracias",
    "muchas gracias",
    "abrazos",
    "un abrazo",
    "--",
    "\u{2014}",
    "respectfully",
    "br",
    "xoxo",
    "love",
];
/// The longest of [`SIGN_OFFS`], in bytes.
const SIGN_OFF_MAX: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < SIGN_OFFS.len() {
        if SIGN_OFFS[i].len() > max {
            max = SIGN_OFFS[i].len();
        }
        i += 1;
    }
    max
};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// `Ana`, `McDonald`, `O'Brien`.
    Cap,
    /// `ANA`.
    AllCaps,
    /// `F.` in `John F. Kennedy`.
    Initial,
    /// `de`, `van`.
    Connector,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    /// End of the name part (without a possessive `'s`).
    end: usize,
    kind: Kind,
}

/// The cue a piece gets after a place word: below every real cue, and never a name.
const AFTER_PLACE: f32 = -1.0;

/// The words of one piece of a run, with what the gazetteer knows of each.
type Piece = Vec<(Tok, Option<Entry>)>;

/// Bits of [`PersonDetector::cue_flags`]: the word is in [`TITLES`], [`STRONG_WORD_CUES`] or
/// [`WEAK_WORD_CUES`].
const TITLE: u8 = 1;
const STRONG_CUE: u8 = 2;
const WEAK_CUE: u8 = 4;
const PLACE: u8 = 8;

/// Words (lowercase, without the dot) that make the name after them a street, a borough,
/// a station or an airport: Mexican addresses are full of heroes (`Av. Miguel Hidalgo`,
/// `alcaldía Benito Juárez`, `Col. Del Valle`). `col` is also Colonel's title; in the
/// addresses this gateway reads it is mostly `colonia`, unless an English given name follows
/// (see [`PersonDetector::names_a_place`]). Capitalised, they also end a name
/// before them (`Lincoln Memorial`, `Kennedy Airport`). Words that are also surnames
/// (`Plaza`) stay out: `Juan Plaza` would lose its given name.
const PLACE_WORDS: &[&str] = &[
    "av",
    "avenida",
    "calle",
    "blvd",
    "boulevard",
    "bulevar",
    "calzada",
    "calz",
    "col",
    "colonia",
    "fracc",
    "fraccionamiento",
    "alcald\u{ed}a",
    "alcaldia",
    "delegaci\u{f3}n",
    "delegacion",
    "municipio",
    "metro",
    "estaci\u{f3}n",
    "estacion",
    "aeropuerto",
    "parque",
    "hospital",
    "escuela",
    "universidad",
    "instituto",
    "street",
    "avenue",
    "ave",
    "airport",
    "memorial",
    "bridge",
    "university",
    // Street types that follow the name (`Millicent Drive`) and ones that open it (`Rue
    // Dielhère`, `Via Tasso`); `Lane`, `Way`, `Court` and `Park` are surnames too.
    "drive",
    "road",
    "terrace",
    "parkway",
    "highway",
    "crescent",
    "turnpike",
    "expressway",
    "freeway",
    "causeway",
    "rue",
    "rua",
    "r\u{fa}a",
    "via",
    "viale",
    "piazza",
    "strasse",
    "stra\u{df}e",
    // More of the US Postal Service's street suffixes, those that are nobody's name
    // (`Herceg Gateway`, `Leokadia Trail`, `Rennie Union`), and the ships that military
    // mail goes to (`USS Lorenzen FPO AE`).
    "union",
    "pass",
    "gateway",
    "mall",
    "loop",
    "radial",
    "bypass",
    "flat",
    "flats",
    "club",
    "greens",
    "mill",
    "creek",
    "cliffs",
    "trail",
    "cove",
    "coves",
    "extension",
    "extensions",
    "forge",
    "forges",
    "route",
    "alley",
    "canyon",
    "crossing",
    "junction",
    "knolls",
    "landing",
    "manor",
    "orchard",
    "overpass",
    "underpass",
    "plains",
    "prairie",
    "ranch",
    "rapids",
    "shoals",
    "summit",
    "tunnel",
    "viaduct",
    "heights",
    "harbor",
    "estates",
    "mews",
    "skyway",
    "motorway",
    "uss",
    "usns",
    "usnv",
    "hms",
    // What follows a firm's or an ensemble's name, which is often a person's (`Russell
    // Investments`, `Davis Orchestra`, `Loveland Technologies`).
    "orchestra",
    "quartet",
    "ensemble",
    "associates",
    "investments",
    "technologies",
    "capital",
    "partners",
    "holdings",
    "ventures",
    "consulting",
    "solutions",
    "systems",
    "labs",
    "foundation",
];

/// The `PERSON` detector.
pub(crate) struct PersonDetector {
    gaz: Gazetteer,
    /// Every title and word cue with its bits: one hash look-up per capitalised word instead
    /// of a lowercase copy and a string comparison against each of ~90 list entries (about a
    /// tenth of this detector's time).
    cues: HashMap<&'static str, u8, FixedState>,
    /// [`STRONG_BEFORE`] and [`WEAK_BEFORE`] bucketed by their last byte: a cue can only end
    /// the text before a name if its last byte is that text's last byte, so each candidate
    /// compares with a handful of cues instead of all hundred.
    strong_before: Vec<Vec<&'static str>>,
    weak_before: Vec<Vec<&'static str>>,
}

/// `cues` bucketed by last byte (256 buckets).
fn by_last_byte(cues: &[&'static str]) -> Vec<Vec<&'static str>> {
    let mut buckets = vec![Vec::new(); 256];
    for &c in cues {
        if let Some(&last) = c.as_bytes().last() {
            buckets[usize::from(last)].push(c);
        }
    }
    buckets
}

impl PersonDetector {
    pub(crate) fn new(gaz: Gazetteer) -> Self {
        let mut cues: HashMap<&'static str, u8, FixedState> = HashMap::default();
        for (list, bit) in [
            (TITLES, TITLE),
            (STRONG_WORD_CUES, STRONG_CUE),
            (WEAK_WORD_CUES, WEAK_CUE),
            (PLACE_WORDS, PLACE),
        ] {
            for &w in list {
                *cues.entry(w).or_default() |= bit;
            }
        }
        PersonDetector {
            gaz,
            cues,
            strong_before: by_last_byte(STRONG_BEFORE),
            weak_before: by_last_byte(WEAK_BEFORE),
        }
    }

    /// The list bits of `lower`, an already lowercased word.
    fn cue_flags(&self, lower: &str) -> u8 {
        self.cues.get(lower).copied().unwrap_or(0)
    }

    /// Whether a word with cue bits `flags` makes the word at `next` part of a place's name.
    /// A word that is both a place word and a title (`Col.`) is the title when the next word
    /// is a given name that no Spanish list holds (`Col. John Smith`): colonias are named
    /// after Mexican heroes and places (`Col. Benito Juárez`, `Col. Del Valle`), whose names
    /// the Spanish lists hold.
    fn names_a_place(&self, text: &str, flags: u8, next: Option<(usize, usize)>) -> bool {
        let colonel = || {
            next.is_some_and(|(s, e)| {
                self.gaz
                    .word(text, s, e)
                    .is_some_and(|e| e.given > 0.0 && !e.spanish && !e.stop)
            })
        };
        flags & PLACE != 0 && !(flags & TITLE != 0 && colonel())
    }

    /// Whether `word`, lowercased, is a title.
    fn is_title(&self, word: &str) -> bool {
        with_lower(word, |lower| self.cue_flags(lower) & TITLE != 0)
    }

    /// Pushes `(start, end, score)` for every name in `text`.
    pub(crate) fn find(&self, text: &str, out: &mut Vec<(usize, usize, f32)>) {
        let from = out.len();
        self.introduced(text, out);
        self.listed_in_lowercase(text, out);
        // The capitalised words `capitalised` meets, for `name_parts` to look at again.
        let mut caps = Vec::new();
        self.capitalised(text, out, &mut caps);
        self.name_parts(text, from, &caps, out);
        // An introduced name is found again by its capitals (`me llamo Juan pérez`), and a
        // `Surname, Given` extension covers the surname found alone: keep the longest.
        out[from..].sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
        // Compacted in place: a span is kept when it ends past every span kept before it.
        let (mut write, mut kept_end) = (from, 0);
        for read in from..out.len() {
            if out[read].1 > kept_end {
                kept_end = out[read].1;
                out[write] = out[read];
                write += 1;
            }
        }
        out.truncate(write);
    }

    /// A word of a full name found in `out[from..]` stands for that person elsewhere in the
    /// text (`Magnus spent a year as the assistant to Magnus Poulsen`, `directed by Joakim
    /// Westgård and starring Westgård`); left unmarked, redaction would hide the full name
    /// and show its parts. Stop words and particles never count (`Will Smith`, then `Will
    /// you…`; `Van` of `Martin Van Horn`), nor a known surname opening a sentence, where its
    /// capital says nothing and it may be a word (`Anna Wood`, then `Wood floors…`). Reads
    /// only the capitalised words `capitalised` met, and only when a full name was found.
    fn name_parts(
        &self,
        text: &str,
        from: usize,
        caps: &[(usize, usize)],
        out: &mut Vec<(usize, usize, f32)>,
    ) {
        const PART_SCORE: f32 = 0.55;
        // Only names found with confidence lend their parts: a doubtful one would spread.
        const PARTS_FROM: f32 = 0.75;
        let mut parts: HashSet<&str, FixedState> = HashSet::default();
        for &(s, e, score) in &out[from..] {
            let Some(name) = text.get(s..e) else {
                continue;
            };
            if score < PARTS_FROM || !self.person_shaped(text, s, name) {
                continue;
            }
            let mut base = s;
            for word in name.split(' ') {
                let at = base;
                base += word.len() + 1;
                let word = word.trim_end_matches([',', '.']);
                if word.chars().count() < 3
                    || classify(word) != Some(Kind::Cap)
                    || is_saint(word)
                    || capital_connector(word)
                {
                    continue;
                }
                if self
                    .gaz
                    .word(text, at, at + word.len())
                    .is_none_or(|e| !e.stop)
                {
                    parts.insert(word);
                }
            }
        }
        if parts.is_empty() {
            return;
        }
        let mut found: Vec<(usize, usize)> = out[from..].iter().map(|&(s, e, _)| (s, e)).collect();
        found.sort_unstable();
        // Whether `[s, e)` overlaps a name found: those starting before `e`, walked back
        // while they could still reach `s` (a name is far shorter than `NAME_REACH`).
        const NAME_REACH: usize = 256;
        let overlaps = |s: usize, e: usize| {
            let upto = found.partition_point(|&(fs, _)| fs < e);
            found[..upto]
                .iter()
                .rev()
                .take_while(|&&(fs, _)| fs + NAME_REACH > s)
                .any(|&(_, fe)| fe > s)
        };
        for &(ws, end) in caps {
            let Some(word) = text.get(ws..end) else {
                continue;
            };
            // Beside another capitalised word it is some other name or a title (`DejaVu
            // Sans`), or the same name again, which the recurrence search finds whole.
            if !parts.contains(word)
                || overlaps(ws, end)
                || capital_after(text, end)
                || capital_before(text, ws)
            {
                continue;
            }
            if sentence_start(text, ws)
                && self.gaz.word(text, ws, end).is_some_and(|e| e.given <= 0.0)
            {
                continue;
            }
            // A street or a town named for the person (`calle San Martín`, `Av. Juárez`).
            let before = text.get(..ws).unwrap_or("").trim_end();
            let prev = before
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("");
            if is_saint(prev) || self.context_cue(text, ws) == AFTER_PLACE {
                continue;
            }
            out.push((ws, end, PART_SCORE));
        }
    }

    /// Whether `name` (at `start`) is shaped like a person's full name, not only scored as
    /// one: a known given name first (`Joakim Westgård`) or a middle initial (`Alvir D.
    /// Pušaver`). `License Grant` in a licence's heading is neither.
    fn person_shaped(&self, text: &str, start: usize, name: &str) -> bool {
        let mut words = name.split(' ');
        let Some(first) = words.next() else {
            return false;
        };
        let given = self
            .gaz
            .word(text, start, start + first.len())
            .is_some_and(|e| e.given > 0.0 && !e.stop);
        let mut rest = words.peekable();
        let more = rest.peek().is_some();
        let initial = rest.any(|w| {
            let w = w.trim_end_matches('.');
            w.chars().count() == 1 && w.chars().all(char::is_uppercase)
        });
        more && (given || initial)
    }

    /// Names given after "me llamo", "mi nombre es" or "my name is", typed in lower case as
    /// often as not on a phone: known names only, since no capital marks them.
    fn introduced(&self, text: &str, out: &mut Vec<(usize, usize, f32)>) {
        const INTROS: [(&str, &str); 3] = [
            ("llamo ", "me "),
            ("nombre es ", "mi "),
            ("name is ", "my "),
        ];
        for (phrase, before) in INTROS {
            for at in memchr::memmem::find_iter(text.as_bytes(), phrase.as_bytes()) {
                if !lower_before(text, at, before.len() + 1)
                    .as_str()
                    .ends_with(before)
                {
                    continue;
                }
                if let Some((s, e)) = self.known_words_from(text, at + phrase.len()) {
                    out.push((s, e, 0.85));
                }
            }
        }
    }

    /// A list of given names typed in lower case after a colon (`they had 6: silvana, adam,
    /// christopher and caleb`, `invite: ana, luis y marta`): three or more words, all but
    /// one of them given names that are not stop-listed. No capital marks them, so the list
    /// must be made of names almost entirely; given names that are everyday words too and
    /// not stop-listed still pass (`birds: robin, wren and raven`).
    fn listed_in_lowercase(&self, text: &str, out: &mut Vec<(usize, usize, f32)>) {
        const MAX: usize = 12;
        const JOINS: &[&str] = &[", and ", ", y ", ", ", " and ", " y ", " & "];
        for colon in memchr::memchr_iter(b':', text.as_bytes()) {
            let Some(rest) = text.get(colon + 1..) else {
                continue;
            };
            let mut at = colon + 1 + (rest.len() - rest.trim_start_matches(' ').len());
            let mut items = [(0usize, 0usize, false); MAX];
            let mut n = 0;
            while n < MAX {
                let word = &text[at..];
                let len = alpha_len(word);
                if len < 2 || !word.starts_with(|c: char| c.is_lowercase()) {
                    break;
                }
                let entry = self.gaz.word(text, at, at + len);
                if entry.is_some_and(|e| e.stop) {
                    break;
                }
                items[n] = (at, at + len, entry.is_some_and(|e| e.given > 0.0));
                n += 1;
                let after = &word[len..];
                let Some(join) = JOINS.iter().find(|j| after.starts_with(*j)) else {
                    break;
                };
                at += len + join.len();
            }
            // The one word no list knows is a name only among three given names or more
            // (`silvana, adam, christopher and caleb`), not in `adam, sofia and interns`.
            let given = items[..n].iter().filter(|i| i.2).count();
            if n >= 3 && given + 1 >= n {
                out.extend(
                    items[..n]
                        .iter()
                        .filter(|i| i.2 || given >= 3)
                        .map(|&(s, e, _)| (s, e, 0.6)),
                );
            }
        }
    }

    /// The run of known names (joined by connectors) starting at `from`, if the first is a
    /// given name: after the cue even one that is also a common word (`rosa`, `will`).
    fn known_words_from(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        let mut end = None;
        let mut at = from;
        for k in 0..6 {
            let rest = text.get(at..)?;
            let len = alpha_len(rest);
            if len == 0 {
                break;
            }
            let word = &rest[..len];
            let entry = self.gaz.word(text, at, at + len);
            let name = match k {
                0 => entry.is_some_and(|e| e.given > 0.0),
                // A surname the lists lack (`rachel lindqvist and …`) still counts when a
                // known name or the end of the clause follows it.
                _ => {
                    entry.is_some_and(|e| e.is_name())
                        || (entry.is_none() && self.clause_ends_after(text, at + len))
                }
            };
            if name {
                end = Some(at + len);
            } else if k == 0 || classify(word) != Some(Kind::Connector) {
                break;
            }
            if !rest[len..].starts_with(' ') {
                break;
            }
            at += len + 1;
        }
        end.map(|e| (from, e))
    }

    /// Whether the text after byte `at` ends the clause: punctuation, the end, or a word
    /// that joins clauses or is itself a known name.
    fn clause_ends_after(&self, text: &str, at: usize) -> bool {
        let Some(rest) = text.get(at..) else {
            return true;
        };
        let Some(next) = rest.strip_prefix(' ') else {
            return !rest.starts_with(char::is_alphanumeric);
        };
        let len = alpha_len(next);
        let word = &next[..len];
        matches!(
            word,
            "and" | "y" | "e" | "from" | "de" | "my" | "mi" | "i" | "soy" | "here"
        ) || self
            .gaz
            .word(text, at + 1, at + 1 + len)
            .is_some_and(|e| e.is_name() && !e.stop)
    }

    /// Names in capitalised words, with their cues.
    /// Every `Cap` word met (without a possessive) goes to `caps`.
    fn capitalised(
        &self,
        text: &str,
        out: &mut Vec<(usize, usize, f32)>,
        caps: &mut Vec<(usize, usize)>,
    ) {
        let mut run: Vec<Tok> = Vec::new();
        let mut piece = Piece::new();
        let mut prev_end = 0usize;
        let mut words = Words::new(text);
        loop {
            // With no run open, a word that does not start with a capital changes nothing
            // (it could only join or end a run), so jump to the next capitalised word. Most
            // words of any text are skipped this way without being classified.
            if run.is_empty() {
                words.skip_to_capital();
            }
            let Some((ws, we)) = words.next() else {
                break;
            };
            let Some(word) = text.get(ws..we) else {
                continue;
            };
            let gap = text.get(prev_end..ws).unwrap_or("");
            let kind = classify(word);
            let joins = !run.is_empty()
                && self.gap_joins(
                    gap,
                    run.last().map(|t| t.kind),
                    text,
                    run.last().map_or(0, |t| t.start),
                    prev_end,
                );
            match kind {
                Some(Kind::Connector) if joins => run.push(Tok {
                    start: ws,
                    end: we,
                    kind: Kind::Connector,
                }),
                Some(k @ (Kind::Cap | Kind::AllCaps | Kind::Initial)) => {
                    if !joins {
                        self.flush(text, &mut run, &mut piece, out);
                    }
                    let end = possessive_end(text, ws, we);
                    run.push(Tok {
                        start: ws,
                        end,
                        kind: k,
                    });
                    if k == Kind::Cap {
                        caps.push((ws, end));
                    }
                    // A possessive ends the name: what follows is what it owns
                    // (`Yuri Bulgakov's Cautionary Tales`), not more of the name.
                    if end < we {
                        self.flush(text, &mut run, &mut piece, out);
                    }
                }
                _ => self.flush(text, &mut run, &mut piece, out),
            }
            prev_end = we;
        }
        self.flush(text, &mut run, &mut piece, out);
    }

    /// Scores the open run and empties it; `piece` is scratch space reused across runs.
    fn flush(
        &self,
        text: &str,
        run: &mut Vec<Tok>,
        piece: &mut Piece,
        out: &mut Vec<(usize, usize, f32)>,
    ) {
        while run.last().is_some_and(|t| t.kind == Kind::Connector) {
            run.pop();
        }
        // Every piece of a run of initials alone (the English `I`, most often) is all
        // initials, which never scores: no need to look its words up.
        if run
            .iter()
            .any(|t| !matches!(t.kind, Kind::Initial | Kind::Connector))
        {
            self.evaluate(text, run, piece, out);
        }
        run.clear();
    }

    /// Splits a run at stop words, titles and cue words, and scores each piece.
    fn evaluate(
        &self,
        text: &str,
        run: &[Tok],
        piece: &mut Piece,
        out: &mut Vec<(usize, usize, f32)>,
    ) {
        piece.clear();
        let mut cue = 0.0f32;
        let mut i = 0;
        while i < run.len() {
            let t = run[i];
            let particle = !matches!(t.kind, Kind::Connector | Kind::Initial)
                && (!piece.is_empty() || cue > 0.0)
                && run.get(i + 1).is_some_and(|n| n.kind != Kind::Initial)
                && capital_connector(text.get(t.start..t.end).unwrap_or(""));
            if t.kind == Kind::Connector || particle {
                let t = Tok {
                    kind: Kind::Connector,
                    ..t
                };
                if self.and_before_given(text, t, run.get(i + 1)) {
                    self.score_piece(text, piece, cue, out);
                    piece.clear();
                    cue = 0.0;
                } else if !piece.is_empty() || particle {
                    piece.push((t, None));
                }
                i += 1;
                continue;
            }
            let word = text.get(t.start..t.end).unwrap_or("");
            let saint = t.kind != Kind::Initial && i + 1 < run.len() && is_saint(word);
            // Multi-word stop phrases (`San Francisco`, `Visual Studio Code`) cover tokens,
            // but the few that are also compound surnames are one after a name (`Mario
            // Santa Cruz`), handled below.
            let phrase = if i + 1 < run.len() {
                self.gaz.stop_phrase(text, t.start, t.end).filter(|&pe| {
                    !(saint && after_name(piece) && surname_place(text.get(t.start..pe)))
                })
            } else {
                None
            };
            if let Some(pe) = phrase {
                self.score_piece(text, piece, cue, out);
                piece.clear();
                cue = 0.0;
                while i < run.len() && run[i].start < pe {
                    i += 1;
                }
                continue;
            }
            if saint {
                if piece.is_empty() && cue <= 0.0 {
                    // `San Pedro Garza García`, `Santa María la Ribera`, `St. Louis`: a
                    // saint opening a run names a town, a church or a colonia.
                    cue = AFTER_PLACE;
                } else {
                    // After a name or a title, a surname's particle (`Juan Santa María`,
                    // `Sr. San Román`).
                    let t = Tok {
                        kind: Kind::Connector,
                        ..t
                    };
                    piece.push((t, None));
                }
                i += 1;
                continue;
            }
            // Titles and cue words are short: longer words are not looked up.
            let flags = if word.len() <= 12 {
                with_lower(word, |lower| self.cue_flags(lower.trim_end_matches('.')))
            } else {
                0
            };
            if t.kind != Kind::Initial
                && self.names_a_place(text, flags, run.get(i + 1).map(|n| (n.start, n.end)))
            {
                // The words before are the place's name, and so are those after.
                piece.clear();
                cue = AFTER_PLACE;
                i += 1;
                continue;
            }
            if t.kind != Kind::Initial && flags & TITLE != 0 {
                self.score_piece(text, piece, cue, out);
                piece.clear();
                cue = 0.45;
                i += 1;
                continue;
            }
            let entry = self.gaz.word(text, t.start, t.end);
            let strong = flags & STRONG_CUE != 0;
            let weak = flags & WEAK_CUE != 0;
            // A capital alone after a name is its middle initial (`Hanne I. Kreutzmann`,
            // `Leena O Sasi`), not the pronoun, article or conjunction the stop list means;
            // `I` and `A` only with their dot.
            let initial_after_name = t.kind == Kind::Initial
                && !piece.is_empty()
                && (text.as_bytes().get(t.end) == Some(&b'.')
                    || !matches!(text.get(t.start..t.end), Some("I" | "A")));
            let is_stop = entry.is_some_and(|e| e.stop && !e.is_name()) && !initial_after_name;
            if strong || weak || is_stop {
                self.score_piece(text, piece, cue, out);
                piece.clear();
                cue = if strong {
                    0.45
                } else if weak {
                    0.25
                } else {
                    0.0
                };
                i += 1;
                continue;
            }
            piece.push((t, entry));
            i += 1;
        }
        self.score_piece(text, piece, cue, out);
    }

    fn score_piece(
        &self,
        text: &str,
        piece: &[(Tok, Option<Entry>)],
        word_cue: f32,
        out: &mut Vec<(usize, usize, f32)>,
    ) {
        if word_cue == AFTER_PLACE {
            return;
        }
        let mut piece = piece;
        // `Rigoberto Tinajero de la Notaría`: words after a connector belong to the name only
        // if they are known names (`de la Cruz`, `del Río`); otherwise cut at the connector.
        if let Some(c) = piece.iter().position(|(t, _)| t.kind == Kind::Connector) {
            let tail_known = piece[c..]
                .iter()
                .all(|(t, e)| t.kind == Kind::Connector || e.is_some_and(|e| e.is_name()));
            if !tail_known && c > 0 && !particle_surname(text, &piece[c..]) {
                piece = &piece[..c];
            }
        }
        // `Sr. De la Fuente`, `Mr. Van der Berg`: a particle after a title opens the surname.
        let lead = piece
            .first()
            .filter(|(t, _)| t.kind == Kind::Connector)
            .map(|(t, _)| t.start);
        while piece.last().is_some_and(|(t, _)| t.kind == Kind::Connector) {
            piece = &piece[..piece.len() - 1];
        }
        // Gathered on the stack: seven or more names never score (at most one is dropped
        // below, and more than five is no name), so an eighth ends the piece here.
        let none = Tok {
            start: 0,
            end: 0,
            kind: Kind::Cap,
        };
        let mut buf = [(none, None); 7];
        let mut count = 0;
        for &name in piece.iter().filter(|(t, _)| t.kind != Kind::Connector) {
            let Some(slot) = buf.get_mut(count) else {
                return;
            };
            *slot = name;
            count += 1;
        }
        let mut names = &buf[..count];
        if names.is_empty() || names.iter().all(|(t, _)| t.kind == Kind::Initial) {
            return;
        }
        let mut start = lead.unwrap_or(names[0].0.start);
        // A capitalised unknown word opening a sentence before a given name is a verb or a
        // filler ("Ask John Smith", "Call Ana"), not part of the name.
        if lead.is_none()
            && names.len() >= 2
            && names[0].1.is_none()
            && names[1].1.is_some_and(|e| e.given > 0.0)
            && sentence_start(text, start)
        {
            names = &names[1..];
            start = names[0].0.start;
        }
        // An unknown word in `ly` before another is an adverb (`But Secretly Love`); names
        // in `ly` (`Kelly`, `Emily`) are on the lists.
        if lead.is_none()
            && names.len() >= 2
            && names[0].1.is_none()
            && names[0].0.kind == Kind::Cap
            && text
                .get(..names[0].0.end)
                .is_some_and(|h| h.ends_with("ly"))
        {
            names = &names[1..];
            start = names[0].0.start;
        }
        let end = names[names.len() - 1].0.end;
        let n = names.len();
        if n > 5 {
            return;
        }
        // Asked by several scores below and by the after-cues: the walk back is done once.
        let opens = sentence_start(text, start);
        let w = |e: &Option<Entry>, given: bool| -> f32 {
            e.map_or(0.0, |e| {
                let v = if given { e.given } else { e.surname };
                if e.stop {
                    v * 0.5
                } else {
                    v
                }
            })
        };
        let all_caps = names.iter().all(|(t, _)| t.kind == Kind::AllCaps);
        // Every word a common word too (`Rosa de Guadalupe`, `Luz y Paz`): only a strong cue
        // makes that a person.
        let all_ambiguous = names.iter().all(|(_, e)| e.is_some_and(|e| e.stop));
        let known = names
            .iter()
            .filter(|(_, e)| e.is_some_and(|e| e.is_name()))
            .count();
        let first_given = w(&names[0].1, true);
        let last_sur = w(&names[n - 1].1, false);
        let ambiguous_single = n == 1 && names[0].1.is_some_and(|e| e.stop);
        let initialled = n == 3 && self.initialled(text, names);
        let score = if n >= 2 {
            if first_given > 0.0 && last_sur > 0.0 {
                0.75 + 0.1 * first_given.min(last_sur)
            } else if first_given > 0.0 || initialled {
                0.6
            } else if last_sur > 0.0
                && names
                    .iter()
                    .all(|(_, e)| e.is_some_and(|e| e.surname > 0.0))
            {
                0.45
            } else if last_sur > 0.0 {
                0.5
            } else if names.iter().all(|(t, _)| t.kind == Kind::Cap) {
                // Two or more unknown capitalised words mid-sentence: often a name from
                // outside the lists; a surname-like ending makes it more likely. Opening a
                // sentence, where every word has a capital, only the ending counts, and it
                // still needs a verb after it (`Tomomi Nishiyama lives at`).
                let ending = surname_like(
                    text.get(names[n - 1].0.start..names[n - 1].0.end)
                        .unwrap_or(""),
                );
                match (opens, ending) {
                    (false, true) => 0.45,
                    (false, false) => 0.3,
                    (true, true) if n == 2 => 0.35,
                    (true, _) => 0.15,
                }
            } else {
                0.15
            }
        } else {
            let g = w(&names[0].1, true);
            let s = w(&names[0].1, false);
            let mid = !opens;
            if ambiguous_single {
                0.15
            } else if g > 0.0 {
                if mid {
                    0.45 + 0.1 * g
                } else {
                    0.35
                }
            } else if s > 0.0
                || foreign_surname(text.get(names[0].0.start..names[0].0.end).unwrap_or(""))
            {
                0.3
            } else {
                0.1
            }
        };
        // One word in a list of names (`founders: Kónya, Becker and Vasquez`) is a name too.
        // A word the lists know, or that ends like a surname, needs one name beside it;
        // another word two.
        let mut score = if n == 1 && score < 0.5 {
            match self.listed_with_names(text, start, names[0].0.end) {
                0 => score,
                _ if score >= 0.3 => score + 0.25,
                1 => score,
                _ => score + 0.45,
            }
        } else {
            score
        };
        if all_caps && (n < 2 || known < n) {
            return;
        }
        let context = self.context_cue(text, start);
        if context == AFTER_PLACE {
            return;
        }
        let speaker = line_start(text, start) && followed_by_cue(text, end, AFTER_SPEAKER);
        // In a transcript whose turn above or below is a known given name's (`Ubul: What a
        // wife.\nNicole: Remember me?`), the speaker before this colon is a person too.
        let context = if speaker && n <= 2 && self.named_turn_beside(text, start, end) {
            context.max(0.45)
        } else {
            context
        };
        let cue = word_cue.max(context);
        if all_ambiguous && cue < 0.45 {
            return;
        }
        score += cue;
        if followed_by_cue(text, end, AFTER)
            || (opens && followed_by_cue(text, end, AFTER_OPENING))
            || speaker
        {
            score += 0.15;
        }
        // Mostly unknown words in a long run is a title-cased heading, not a name.
        if n >= 3 && known * 2 < n && cue < 0.45 && !initialled {
            return;
        }
        let score = score.min(0.95);
        if score >= 0.5 {
            let given_only = names.iter().all(|(_, e)| e.is_some_and(|e| e.given > 0.0));
            let start = if given_only {
                self.surname_first(text, start)
            } else {
                start
            };
            out.push((start, end, score));
        }
    }

    /// How many other words of the list of single capitalised words around
    /// `text[start..end]` (`Kónya, Becker and Vasquez`) the lists know as names; 0 unless the
    /// list is introduced as people: after a colon (`founders: …`, `They had 6: …`) or
    /// opening a sentence as its subject (`Marrero and Murphy were …`). Firms named for their
    /// partners (`spent a year at Jones, Mitchell and Williams`) have neither.
    fn listed_with_names(&self, text: &str, start: usize, end: usize) -> usize {
        let mut before = [(0usize, 0usize); LIST_MAX];
        let mut after = [(0usize, 0usize); LIST_MAX];
        let Some((left, head)) = walk_list(text, start, list_item_before, false, &mut before)
        else {
            return 0;
        };
        let Some((right, tail)) = walk_list(text, end, list_item_after, true, &mut after) else {
            return 0;
        };
        if left + right == 0 {
            return 0;
        }
        let lead = text.get(..head).unwrap_or("").trim_end_matches(' ');
        let introduced = lead.ends_with(':')
            || (sentence_start(text, head) && followed_by_cue(text, tail, LIST_SUBJECT));
        if !introduced {
            return 0;
        }
        before[..left]
            .iter()
            .chain(&after[..right])
            .filter(|&&(s, e)| {
                self.gaz
                    .word(text, s, e)
                    .is_some_and(|g| g.is_name() && !g.stop)
            })
            .count()
    }

    /// Whether the line above or below the one opening at `start` is a turn of a speaker
    /// the lists know as a given name (`Nicole: …`). `start` opens its line, so finding the
    /// line's start is a few bytes; each line is walked a few times at most over a whole
    /// text (as the line below one speaker and above the next).
    fn named_turn_beside(&self, text: &str, start: usize, end: usize) -> bool {
        let (Some(head), Some(rest)) = (text.get(..start), text.get(end..)) else {
            return false;
        };
        let above = head.rfind('\n').and_then(|i| head[..i].rsplit('\n').next());
        let below = rest
            .find('\n')
            .and_then(|i| rest[i + 1..].split('\n').next());
        [above, below].into_iter().flatten().any(|line| {
            let base = line.as_ptr() as usize - text.as_ptr() as usize;
            let turn = line.trim_start_matches([' ', '\t', '>', '-', '*']);
            let at = base + (line.len() - turn.len());
            let len = alpha_len(turn);
            len > 0
                && turn[len..].starts_with(':')
                && self
                    .gaz
                    .word(text, at, at + len)
                    .is_some_and(|e| e.given > 0.0 && !e.stop)
        })
    }

    /// `Janka M. Szász`, `Ravil G Yefimov`: a word, a middle initial and a word is a
    /// person's shape whatever the lists know. Not inside a longer title-cased run (`Vitamin
    /// D Deficiency Signs`), not a thing named by its letter (`Why Vitamin D Matters`), and
    /// `I` or `A` only with its dot (`When I Met`, `Plan A Works`).
    fn initialled(&self, text: &str, names: &[(Tok, Option<Entry>)]) -> bool {
        let [(first, _), (initial, _), (last, _)] = names else {
            return false;
        };
        let letter = text.get(initial.start..initial.end).unwrap_or("");
        let dotted = text.as_bytes().get(initial.end) == Some(&b'.');
        first.kind == Kind::Cap
            && last.kind == Kind::Cap
            && initial.kind == Kind::Initial
            && (dotted || !matches!(letter, "I" | "A"))
            && !capital_after(text, last.end)
            && !designation(text.get(first.start..first.end).unwrap_or(""))
    }

    /// `Smith, John` and `García López, María` in lists and records: known surnames and a
    /// comma before given names are the same person, and leaving them out would leave the
    /// surname readable after redaction. Returns where the name then starts.
    fn surname_first(&self, text: &str, start: usize) -> usize {
        let Some(head) = text.get(..start).and_then(|h| h.strip_suffix(", ")) else {
            return start;
        };
        // Up to three capitalised known surnames, each joined to the next by one space.
        let mut from = head.len();
        for taken in 0..3 {
            let word_end = if taken == 0 {
                from
            } else {
                match head[..from].strip_suffix(' ') {
                    Some(rest) => rest.len(),
                    None => break,
                }
            };
            let word_start = head[..word_end]
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphabetic() || *c == '-' || *c == '\'')
                .last()
                .map_or(word_end, |(i, _)| i);
            let known = head[word_start..word_end]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
                && self
                    .gaz
                    .word(text, word_start, word_end)
                    .is_some_and(|e| e.surname > 0.0 && !e.stop);
            if !known {
                break;
            }
            from = word_start;
        }
        if from == head.len() {
            return start;
        }
        // The surname opens a list item or a field, not a sentence ("… told Smith, John").
        let opens = head[..from]
            .trim_end_matches([' ', '\t'])
            .chars()
            .next_back()
            .is_none_or(|c| {
                matches!(
                    c,
                    '\n' | ':' | ';' | ',' | '(' | '[' | '|' | '"' | '-' | '*' | '\u{2022}'
                )
            });
        if opens {
            from
        } else {
            start
        }
    }

    /// `Juan y María`: an `y` or `e` before a given name joins two people, not two surnames
    /// (`Ortega y Gasset`).
    fn and_before_given(&self, text: &str, t: Tok, next: Option<&Tok>) -> bool {
        let Some(next) = next else {
            return false;
        };
        matches!(text.get(t.start..t.end), Some("y" | "e" | "Y" | "E"))
            && self
                .gaz
                .word(text, next.start, next.end)
                .is_some_and(|e| e.given > 0.0 && e.given >= e.surname)
    }

    /// Whether the gap between two words keeps them in one run.
    fn gap_joins(
        &self,
        gap: &str,
        prev: Option<Kind>,
        text: &str,
        prev_start: usize,
        prev_end: usize,
    ) -> bool {
        if gap == " " || gap == "\u{a0}" {
            return true;
        }
        // `Sr. López`, `John F. Kennedy`: a dot after a title or an initial does not end the run.
        if gap == ". " {
            if prev == Some(Kind::Initial) {
                return true;
            }
            let prev_word = text.get(prev_start..prev_end).unwrap_or("");
            // `Mr. St. John`: a saint's abbreviation right after a personal title opens a
            // surname. After other words it ends the run (`Main St. John said`), and after
            // `Dr.` and `Miss` too (`Memorial Dr. St. Louis`, `Miss St. Louis`).
            if prev_word.eq_ignore_ascii_case("st") {
                let before = text.get(..prev_start).unwrap_or("").trim_end();
                let title = before
                    .rsplit(|c: char| !(c.is_alphanumeric() || c == '.'))
                    .next()
                    .unwrap_or("");
                return with_lower(title.trim_end_matches('.'), |t| {
                    matches!(t, "mr" | "mrs" | "ms" | "mx" | "sir" | "lady" | "prof")
                });
            }
            return self.is_title(prev_word);
        }
        false
    }

    /// Cue strength from the text before the name and from a sign-off line above it;
    /// [`AFTER_PLACE`] right after a place word.
    fn context_cue(&self, text: &str, start: usize) -> f32 {
        let before = lower_before(text, start, 40);
        let trimmed = before.as_str().trim_end_matches([' ', '\t']);
        // A place word right before the name (`calle`, `Av.`, `alcaldía`) makes it a place.
        let word = trimmed
            .trim_end_matches('.')
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        if self.names_a_place(
            text,
            self.cue_flags(word),
            Some((start, word_end(text, start))),
        ) {
            return AFTER_PLACE;
        }
        // No cue is empty, so nothing ends an empty text.
        let last = trimmed.as_bytes().last().map(|&b| usize::from(b));
        let ends_with_word = |cue: &&str| {
            trimmed.ends_with(cue)
                && trimmed[..trimmed.len() - cue.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        };
        let any_in = |buckets: &[Vec<&'static str>]| {
            last.and_then(|l| buckets.get(l))
                .is_some_and(|b| b.iter().any(ends_with_word))
        };
        if any_in(&self.strong_before) {
            return 0.45;
        }
        if signature_line(text, start) {
            return 0.45;
        }
        if any_in(&self.weak_before) {
            return 0.2;
        }
        0.0
    }
}

/// Calls `f` with `word` lowercased; ASCII words up to 16 bytes (almost every capitalised
/// word) are lowercased on the stack instead of into a new `String`.
fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 16];
    if word.is_ascii() {
        if let Some(dst) = buf.get_mut(..word.len()) {
            dst.copy_from_slice(word.as_bytes());
            dst.make_ascii_lowercase();
            if let Ok(lower) = std::str::from_utf8(dst) {
                return f(lower);
            }
        }
    }
    f(&word.to_lowercase())
}

/// Whether one of `cues` (such as [`AFTER`]) follows `end`, ASCII case ignored. Compared
/// in place: a lowercased copy of what follows, then a `memcmp` call per cue, was a few
/// percent of a scan of text dense with names.
fn followed_by_cue(text: &str, end: usize, cues: &[&str]) -> bool {
    let rest = text.as_bytes().get(end..).unwrap_or_default();
    cues.iter().any(|a| {
        rest.get(..a.len())
            .is_some_and(|r| r.eq_ignore_ascii_case(a.as_bytes()))
    })
}

/// Whether `word` names a thing by the letter after it (`Vitamin D`, `Hepatitis B`, `Plan
/// B`, `Gate C`), which a middle initial would otherwise make a person's name.
fn designation(word: &str) -> bool {
    word.len() <= 12
        && with_lower(word, |lower| {
            matches!(
                lower,
                "vitamin"
                    | "hepatitis"
                    | "influenza"
                    | "omega"
                    | "type"
                    | "plan"
                    | "group"
                    | "class"
                    | "grade"
                    | "section"
                    | "part"
                    | "appendix"
                    | "exhibit"
                    | "schedule"
                    | "model"
                    | "series"
                    | "option"
                    | "phase"
                    | "level"
                    | "tier"
                    | "zone"
                    | "gate"
                    | "terminal"
                    | "building"
                    | "block"
                    | "row"
                    | "seat"
                    | "wing"
                    | "floor"
                    | "unit"
                    | "team"
                    | "side"
                    | "track"
                    | "channel"
            )
        })
}

/// Length in bytes of the run of letters that opens `s`.
fn alpha_len(s: &str) -> usize {
    s.char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(s.len(), |(i, _)| i)
}

/// What follows a list of names that is a sentence's subject.
const LIST_SUBJECT: &[&str] = &[" were ", " are ", " have ", " had ", " both ", " met "];

/// Most items read each way from a word in a list.
const LIST_MAX: usize = 8;

/// [`list_item_before`] or [`list_item_after`].
type ListStep = fn(&str, usize) -> Option<Option<(usize, usize)>>;

/// Reads list items from `from` one way with `step` into `items` (nearest first): how many,
/// and where the list ends that way; `None` when an item there is part of a longer name.
fn walk_list(
    text: &str,
    from: usize,
    step: ListStep,
    forward: bool,
    items: &mut [(usize, usize)],
) -> Option<(usize, usize)> {
    let (mut at, mut n) = (from, 0);
    while n < items.len() {
        match step(text, at) {
            None => break,
            Some(None) => return None,
            Some(Some(w)) => {
                items[n] = w;
                n += 1;
                at = if forward { w.1 } else { w.0 };
            }
        }
    }
    Some((n, at))
}

/// What joins the items of a list, longest first.
const LIST_JOINS: &[&str] = &[", and ", ", & ", " and ", " & ", ", "];

/// The capitalised word before `at` across a list's join (`Becker, ` before `Vasquez`):
/// `None` where the list ends (no join, or no capitalised word across it), `Some(None)`
/// when the item there is part of a longer name.
fn list_item_before(text: &str, at: usize) -> Option<Option<(usize, usize)>> {
    let head = text.get(..at)?;
    let join = LIST_JOINS.iter().find(|j| head.ends_with(*j))?;
    let end = at - join.len();
    let word = &head[..end];
    let start = word
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '-' || *c == '\'')
        .last()
        .map(|(i, _)| i)?;
    text[start..end]
        .starts_with(char::is_uppercase)
        .then(|| list_word(text, start, end))
}

/// The capitalised word after `at` across a list's join, as [`list_item_before`]: a
/// clause after the last item (`Vasquez, who met at school`) ends the list.
fn list_item_after(text: &str, at: usize) -> Option<Option<(usize, usize)>> {
    let rest = text.get(at..)?;
    let join = LIST_JOINS.iter().find(|j| rest.starts_with(*j))?;
    let start = at + join.len();
    let word = &text[start..];
    let len = word
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '-' || *c == '\''))
        .map_or(word.len(), |(i, _)| i);
    word.starts_with(char::is_uppercase)
        .then(|| list_word(text, start, start + len))
}

/// `text[start..end]` if it is one capitalised word standing alone between joins, not part
/// of a longer name (`Loveland Technologies`, `Reed Elsevier`), which makes a list of firms.
fn list_word(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let word = text.get(start..end)?;
    (word.chars().count() >= 2
        && classify(word) == Some(Kind::Cap)
        && !capital_after(text, end)
        && !capital_before(text, start))
    .then_some((start, end))
}

/// Whether the word one space after `end` starts with a capital (`Loveland Technologies`).
fn capital_after(text: &str, end: usize) -> bool {
    text.get(end..)
        .and_then(|r| r.strip_prefix(' '))
        .and_then(|r| r.chars().next())
        .is_some_and(char::is_uppercase)
}

/// Whether the word one space before `start` starts with a capital (`Reed Elsevier`).
fn capital_before(text: &str, start: usize) -> bool {
    text.get(..start)
        .and_then(|h| h.strip_suffix(' '))
        .and_then(|h| h.rsplit(|c: char| !c.is_alphabetic()).next())
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase)
}

/// Whether an unknown word alone ends like a surname: only endings that English words
/// lack (`Navrátilová`, `Ryhänen`, `Bergqvist`), unlike [`SURNAME_ENDINGS`]' `sson`
/// (`Lesson`) or `ian` (`Christian`), which need a second word.
fn foreign_surname(word: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ović", "ovič", "ovic", "evic", "vić", "vič", "ová", "ská", "ský", "ski", "wicz", "czyk",
        "enko", "dóttir", "dottir", "nen", "shvili", "dze", "opoulos", "qvist", "kvist", "ström",
        "ov", "ova", "yev", "iev", "eva",
    ];
    with_lower(word, |lower| {
        lower.chars().count() >= 6 && ENDINGS.iter().any(|e| lower.ends_with(e))
    })
}

/// Whether an unknown word ends like a surname.
fn surname_like(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.chars().count() >= 5 && SURNAME_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// Whether the name starts its own line right under a sign-off ("Saludos,", "Best,").
fn signature_line(text: &str, start: usize) -> bool {
    let head = text.get(..start).unwrap_or("");
    // Only blanks may stand between the line's start and the name. Walking back over them,
    // rather than searching back for the line's start, keeps a long line (a megabyte of
    // minified JSON) linear: that search ran once per candidate name.
    let before = head.trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    let Some(above) = before.strip_suffix('\n') else {
        return false;
    };
    let above = above.trim_end();
    let prev_line = above.rsplit('\n').next().unwrap_or("").trim();
    // Lowercasing neither makes nor removes `,` `.` `!`, so they are trimmed first. A char
    // lowercases to no fewer than a third of its bytes (the Kelvin sign to `k`), so a longer
    // line is no sign-off and is not copied; an ASCII one is compared in place.
    let bare = prev_line.trim_end_matches([',', '.', '!']);
    if bare.len() > 3 * SIGN_OFF_MAX {
        false
    } else if bare.is_ascii() {
        SIGN_OFFS.iter().any(|s| s.eq_ignore_ascii_case(bare))
    } else {
        SIGN_OFFS.contains(&bare.to_lowercase().as_str())
    }
}

/// Whether `start` opens a line, after at most blanks and a quote or list mark (`> `,
/// `- `). Walks back over those only, so a long line costs nothing.
fn line_start(text: &str, start: usize) -> bool {
    let head = text.get(..start).unwrap_or("");
    let before = head.trim_end_matches([' ', '\t', '>', '-', '*']);
    before.is_empty() || before.ends_with('\n')
}

/// Whether `start` opens a sentence (start of text or line, or after `.`, `!`, `?`, `:`).
fn sentence_start(text: &str, start: usize) -> bool {
    let head = text.get(..start).unwrap_or("");
    match head
        .trim_end_matches([
            ' ', '\t', '"', '\'', '\u{201c}', '\u{bf}', '\u{a1}', '(', '*', '-', '>', '#',
        ])
        .chars()
        .next_back()
    {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | '\n' | ':' | ';' | '\u{2026}'),
    }
}

/// Places named for a saint that are also Spanish compound surnames (`Mario Santa Cruz`,
/// `Julio Santo Domingo`). Others after a name stay places: `Ask Maria San Francisco`.
fn surname_place(phrase: Option<&str>) -> bool {
    phrase.is_some_and(|p| {
        with_lower(p, |lower| {
            matches!(lower, "santa cruz" | "santo domingo" | "san sebasti\u{e1}n")
        })
    })
}

/// Whether the piece so far ends in a word the gazetteer knows as a name.
fn after_name(piece: &Piece) -> bool {
    piece
        .last()
        .is_some_and(|(t, e)| t.kind != Kind::Connector && e.is_some_and(|e| e.is_name()))
}

/// `San`, `Santa`, `Santo`, `São`, `Saint`, `St.`: the words that make a saint's name.
fn is_saint(word: &str) -> bool {
    word.len() <= 6
        && with_lower(word, |lower| {
            matches!(
                lower.trim_end_matches('.'),
                "san" | "santa" | "santo" | "s\u{e3}o" | "saint" | "st"
            )
        })
}

/// `De`, `VAN`: a connector written with a capital, as inside a name (`Ana De la Fuente`,
/// `JOSÉ DE LA CRUZ`) or after a title (`Mr. Van der Berg`).
fn capital_connector(word: &str) -> bool {
    let mut lower = [0u8; 3];
    let Some(dst) = lower.get_mut(..word.len()) else {
        return false;
    };
    dst.copy_from_slice(word.as_bytes());
    dst.make_ascii_lowercase();
    let key = pack3(dst);
    key != 0 && CONNECTOR_KEYS.contains(&key) && !matches!(&*dst, b"y" | b"e")
}

/// Particles that open a surname whatever word follows (`van Gogh`, `da Vinci`, `bin
/// Salman`). Spanish `de`, `del` and `la` also open institutions (`de la Notaría`), so they
/// keep to surnames the gazetteer knows.
const SURNAME_PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "da", "di", "du", "le", "dos", "das", "do", "bin", "ibn", "al",
];

/// Whether `tail` (from a piece's first connector on) is particles and then one capitalised
/// word that is not a common word: a surname the gazetteer need not list.
fn particle_surname(text: &str, tail: &[(Tok, Option<Entry>)]) -> bool {
    let Some(((first, _), rest)) = tail.split_first() else {
        return false;
    };
    let opens = text
        .get(first.start..first.end)
        .is_some_and(|w| SURNAME_PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(w)));
    let mut words = rest.iter().filter(|(t, _)| t.kind != Kind::Connector);
    let one = words.next();
    opens
        && words.next().is_none()
        && one.is_some_and(|(t, e)| t.kind == Kind::Cap && !e.is_some_and(|e| e.stop))
        && rest.last().is_some_and(|(t, _)| t.kind != Kind::Connector)
}

/// `Cap`, `AllCaps`, `Initial` or `Connector`, or `None` for any other word.
fn classify(word: &str) -> Option<Kind> {
    let mut chars = word.chars();
    let first = chars.next()?;
    if !first.is_uppercase() {
        // Called for every word of the text: compare with the connectors only when short.
        let key = pack3(word.as_bytes());
        return (key != 0 && CONNECTOR_KEYS.contains(&key)).then_some(Kind::Connector);
    }
    let (mut letters, mut uppers) = (0usize, 0usize);
    for c in chars.filter(|c| c.is_alphabetic()) {
        letters += 1;
        uppers += usize::from(c.is_uppercase());
    }
    if word.chars().count() == 1 {
        return Some(Kind::Initial);
    }
    if letters > 0 && uppers == letters {
        return Some(Kind::AllCaps);
    }
    // `McDonald` and `DeShawn` are fine; `iPhone` never gets here; `HTTPServer` does not pass.
    (uppers < 2).then_some(Kind::Cap)
}

/// End of the name in `John's`: before the possessive.
fn possessive_end(text: &str, ws: usize, we: usize) -> usize {
    let w = text.get(ws..we).unwrap_or("");
    for suffix in ["'s", "\u{2019}s"] {
        if w.len() > suffix.len() + 1 && w.ends_with(suffix) {
            return we - suffix.len();
        }
    }
    we
}

/// Iterator over words: letters with inner apostrophes or hyphens (`O'Brien`, `Jean-Luc`),
/// and single-letter initials keep a trailing dot out of the word.
struct Words<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Words<'t> {
    fn new(text: &'t str) -> Self {
        Words { text, pos: 0 }
    }

    /// Moves to the start of the next word whose first letter is upper case (or to the end of
    /// the text), so that `next` returns that word. Words are not split on the way: a capital
    /// inside a word (`McDonald`, `Jean-Luc`) is skipped with the rest of its word.
    fn skip_to_capital(&mut self) {
        let b = self.text.as_bytes();
        loop {
            let p = next_where(b, self.pos, |c| c.is_ascii_uppercase() | (c >= 0x80));
            if p >= b.len() {
                break;
            }
            let Some(ch) = char_at(self.text, p) else {
                self.pos = p + 1;
                continue;
            };
            if !ch.is_uppercase() {
                self.pos = p + ch.len_utf8();
                continue;
            }
            if starts_word(self.text, p) {
                self.pos = p;
                return;
            }
            self.pos = word_end(self.text, p).max(p + 1);
        }
        self.pos = b.len();
    }
}

/// Whether the letter at `p` starts a word as [`Words`] splits them: it does unless a letter,
/// or an inner `'`, `’` or `-` right after a letter, comes before it.
fn starts_word(text: &str, p: usize) -> bool {
    match char_before(text, p) {
        None => true,
        Some(c) if c.is_alphabetic() => false,
        Some(c @ ('\'' | '\u{2019}' | '-')) => {
            !char_before(text, p - c.len_utf8()).is_some_and(char::is_alphabetic)
        }
        Some(_) => true,
    }
}

/// End of the word that contains the letter at `start`: letters and their combining accents,
/// and `'`, `’` or `-` between letters (`O'Brien`, `Jean-Luc`). ASCII letters are stepped
/// over bytewise.
fn word_end(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut i = start;
    let mut end = start;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_alphabetic() {
            i += 1;
            end = i;
            continue;
        }
        let Some(ch) = char_at(text, i) else {
            break;
        };
        if ch.is_alphabetic() || is_combining_mark(ch) {
            i += ch.len_utf8();
            end = i;
            continue;
        }
        let inner = matches!(ch, '\'' | '\u{2019}' | '-')
            && char_at(text, i + ch.len_utf8()).is_some_and(char::is_alphabetic);
        if !inner {
            break;
        }
        i += ch.len_utf8();
    }
    end
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let b = self.text.as_bytes();
        loop {
            // Skip to the next letter; ASCII non-letters are skipped bytewise.
            loop {
                let &c = b.get(self.pos)?;
                if c.is_ascii_alphabetic() {
                    break;
                }
                if c < 0x80 {
                    self.pos += 1;
                    continue;
                }
                let ch = self.text.get(self.pos..)?.chars().next()?;
                if ch.is_alphabetic() {
                    break;
                }
                self.pos += ch.len_utf8();
            }
            let start = self.pos;
            if !self.text.is_char_boundary(start) {
                return None;
            }
            let end = word_end(self.text, start);
            self.pos = end.max(start + 1);
            // A word glued to a digit or `_` is part of an identifier (`user_Name`, `v2Beta`).
            let glued = |c: char| c.is_ascii_digit() || c == '_';
            if char_before(self.text, start).is_some_and(glued)
                || self
                    .text
                    .get(end..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(glued)
            {
                continue;
            }
            return Some((start, end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{followed_by_cue, signature_line, AFTER};

    #[test]
    fn cues_after_a_name() {
        let after = |t: &str| followed_by_cue(t, 3, AFTER);
        assert!(after("Ana said so"));
        assert!(after("ANA SAID SO"));
        assert!(after("Ana, CEO of Acme"));
        assert!(after("Ana respondi\u{f3}"));
        assert!(!after("Ana sai"));
        assert!(!after("Ana"));
        assert!(!after("Ana respondi\u{d3}"));
        assert!(!after("Ana  said"));
    }

    /// The sign-off is the last non-blank line above the name, which opens its own line.
    #[test]
    fn signature_lines() {
        let at = |t: &str| signature_line(t, t.rfind("Ana").unwrap());
        assert!(at("Thanks for the help.\nBest,\nAna"));
        assert!(at("Saludos,\n\n  \t\nAna Ruiz"));
        assert!(at("Saludos,\r\n  Ana"));
        assert!(at("  Kind regards!!\nAna"));
        assert!(!at("Best,\nwrote Ana"));
        assert!(!at("Best, Ana"));
        assert!(!at("\nAna"));
        assert!(!at("  Ana"));
        assert!(!at("Best regards to you\nAna"));
        assert!(!at(&format!("{}Best,\nAna", "x".repeat(100_000))));
        // The Kelvin sign lowercases to `k`; long lines and other scripts are compared too.
        assert!(at("\u{212a}ind regards\nAna"));
        assert!(at(
            "SALUDOS CORDIALES!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\nAna"
        ));
        assert!(at("\u{2014}\nAna"));
        assert!(!at(
            "Best regards to everyone on the team and thanks again\nAna"
        ));
    }
}

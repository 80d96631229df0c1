//! Personal data detectors. Each submodule owns one family and returns candidate spans with
//! scores; this module turns them into [`Finding`]s for the entities the caller enabled.
//!
//! Families run only when one of their entities is enabled, so a tenant that only redacts
//! e-mail pays for one `memchr` pass.

mod codes;
mod email;
mod ip;
mod numbers;
mod person;

use std::sync::Arc;

use super::error::ScanError;
use super::finding::{Category, EntitySet, Finding, PiiEntity};
use super::gazetteer::Gazetteer;

/// The compiled PII detectors.
pub(crate) struct PiiDetector {
    person: person::PersonDetector,
    names: Vec<Arc<str>>,
}

impl PiiDetector {
    pub(crate) fn new() -> Result<Self, ScanError> {
        Ok(PiiDetector {
            person: person::PersonDetector::new(Gazetteer::new()?),
            names: PiiEntity::ALL.iter().map(|e| Arc::from(e.name())).collect(),
        })
    }

    fn finding(&self, e: PiiEntity, start: usize, end: usize, score: f32) -> Finding {
        Finding {
            category: Category::Pii,
            entity: Arc::clone(&self.names[e as usize]),
            start,
            end,
            score,
        }
    }

    /// Appends the findings for every enabled entity.
    pub(crate) fn scan(&self, text: &str, enabled: EntitySet, out: &mut Vec<Finding>) {
        let mut spans = Vec::new();
        if enabled.contains(PiiEntity::Email) {
            email::find(text, &mut spans);
            out.extend(
                spans
                    .drain(..)
                    .map(|(s, e, sc)| self.finding(PiiEntity::Email, s, e, sc)),
            );
        }
        if enabled.contains(PiiEntity::Ip) {
            ip::find(text, &mut spans);
            out.extend(
                spans
                    .drain(..)
                    .map(|(s, e, sc)| self.finding(PiiEntity::Ip, s, e, sc)),
            );
        }
        if enabled.contains(PiiEntity::Person) {
            self.person.find(text, &mut spans);
            out.extend(
                spans
                    .drain(..)
                    .map(|(s, e, sc)| self.finding(PiiEntity::Person, s, e, sc)),
            );
        }
        let mut typed = Vec::new();
        let numeric = [
            PiiEntity::Phone,
            PiiEntity::CreditCard,
            PiiEntity::Ssn,
            PiiEntity::Clabe,
        ];
        if numeric.iter().any(|&e| enabled.contains(e)) {
            numbers::find(text, &mut typed);
        }
        let coded = [
            PiiEntity::Curp,
            PiiEntity::Rfc,
            PiiEntity::Vin,
            PiiEntity::Iban,
        ];
        if coded.iter().any(|&e| enabled.contains(e)) {
            codes::find(text, &mut typed);
        }
        out.extend(
            typed
                .into_iter()
                .filter(|(e, ..)| enabled.contains(*e))
                .map(|(e, s, en, sc)| self.finding(e, s, en, sc)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(t: &str) -> Vec<&str> {
        let d = PiiDetector::new().unwrap();
        let mut v = Vec::new();
        d.scan(t, EntitySet::none().with(PiiEntity::Person), &mut v);
        v.into_iter().map(|f| &t[f.start..f.end]).collect()
    }

    #[test]
    fn a_given_name_opening_a_sentence_needs_a_verb_or_a_speaker_turn() {
        // Its capital says nothing there: a verb after it or a transcript's turn does.
        assert_eq!(
            people("Jennifer is a very patient person."),
            vec!["Jennifer"]
        );
        assert_eq!(people("Kevin had given her his address."), vec!["Kevin"]);
        assert_eq!(people("Lucía vive en Monterrey."), vec!["Lucía"]);
        // A turn beside a known name's makes its speaker a person, known or not.
        assert_eq!(
            people("Ubul: What a wife.\nNicole: Remember me?"),
            vec!["Ubul", "Nicole"]
        );
        assert!(people("User: Remember me?\nBot: Always.").is_empty());
        assert_eq!(
            people("Nicole: Hi.\nInterviewer: When did you start?"),
            vec!["Nicole"]
        );
        assert!(people("Note: build first.\nWarning: disk full.").is_empty());
        assert_eq!(people("> Melanie:\"I'm his daughter\""), vec!["Melanie"]);
        // Without either, or with words that are not names, nothing.
        assert!(people("Jennifer.").is_empty());
        assert!(people("Summary: the build is green.").is_empty());
        assert!(people("Grace is a virtue.").is_empty());
        // Mid-sentence the turn and the verbs lift nothing that was not a name already.
        assert!(people("Producer Ana explained to Fuse TV: we liked it").contains(&"Ana"));
        assert!(!people("Producer Ana explained to Fuse TV: we liked it").contains(&"Fuse TV"));
        assert!(people("He spoke at Drake PLC is what I heard.").is_empty());
    }

    #[test]
    fn names_no_list_knows_after_who_said_it_or_whose_they_are() {
        assert_eq!(
            people("\"Nobody wants that,\" says Liisa Lepistö in the interview."),
            vec!["Liisa Lepistö"]
        );
        assert_eq!(
            people("The film stars tennis player Hülya Bouwmeester."),
            vec!["Hülya Bouwmeester"]
        );
        assert_eq!(
            people("Please remove my kid Lukas from the policy."),
            vec!["Lukas"]
        );
        assert_eq!(people("Agrega a mi hija Itzel al plan."), vec!["Itzel"]);
        // One unknown capitalised word after a weak cue is still no name.
        assert!(people("Then he says Hello to everyone.").is_empty());
    }

    #[test]
    fn person_in_english_prose() {
        assert_eq!(
            people("Please send the report to John Smith by Friday."),
            vec!["John Smith"]
        );
        assert_eq!(
            people("Dear Margaret,\nthanks for the update."),
            vec!["Margaret"]
        );
        assert_eq!(
            people("My name is Olusegun Adeyemi."),
            vec!["Olusegun Adeyemi"]
        );
        assert_eq!(people("Best regards,\nEmily Clarke"), vec!["Emily Clarke"]);
        assert_eq!(people("Ask Mr. Thompson about it."), vec!["Thompson"]);
    }

    #[test]
    fn person_in_spanish_prose() {
        assert_eq!(
            people("Hola, me llamo María José García López y vivo en Puebla."),
            vec!["María José García López"]
        );
        assert_eq!(
            people("La Lic. Martínez firmó el contrato."),
            vec!["Martínez"]
        );
        assert_eq!(
            people("Atentamente,\nJosé Luis Hernández de la Cruz"),
            vec!["José Luis Hernández de la Cruz"]
        );
        assert_eq!(
            people("Estimada Sra. Guadalupe Ramírez:"),
            vec!["Guadalupe Ramírez"]
        );
    }

    #[test]
    fn names_with_decomposed_accents() {
        // macOS file names and some PDFs write `é` as `e` and U+0301.
        let t = "Firma: Jose\u{301} A\u{301}lvarez Nu\u{303}n\u{303}ez, gerente.";
        assert_eq!(
            people(t),
            vec!["Jose\u{301} A\u{301}lvarez Nu\u{303}n\u{303}ez"]
        );
    }

    #[test]
    fn surname_particles_and_two_people() {
        assert_eq!(
            people("Escríbele a Ana De la Fuente mañana."),
            vec!["Ana De la Fuente"]
        );
        assert_eq!(people("Mr. Van der Berg called."), vec!["Van der Berg"]);
        assert_eq!(
            people("Vincent van Gogh and Ludwig van Beethoven"),
            vec!["Vincent van Gogh", "Ludwig van Beethoven"]
        );
        assert_eq!(
            people("Juan Carlos de León y María del Carmen Pérez firmaron."),
            vec!["Juan Carlos de León", "María del Carmen Pérez"]
        );
        assert_eq!(people("Nombre: JOSÉ DE LA CRUZ"), vec!["JOSÉ DE LA CRUZ"]);
        // Spanish particles keep to surnames the gazetteer knows: an office is no surname.
        assert_eq!(
            people("Rigoberto Tinajero de la Notaría 5 firmó."),
            vec!["Rigoberto Tinajero"]
        );
        assert!(people("El Banco de México y la Secretaría de Hacienda.").is_empty());
    }

    #[test]
    fn names_typed_in_lower_case_after_an_introduction() {
        assert_eq!(people("me llamo juan pérez"), vec!["juan pérez"]);
        assert_eq!(
            people("my name is john smith and I need help"),
            vec!["john smith"]
        );
        assert_eq!(people("Hola! me llamo Juan pérez"), vec!["Juan pérez"]);
        assert_eq!(
            people("mi nombre es juan carlos de la cruz y vivo en puebla"),
            vec!["juan carlos de la cruz"]
        );
        assert!(people("me llamo la atención ese libro").is_empty());
        // A surname the lists lack counts when the clause ends after it.
        assert_eq!(
            people("hi, my name is rachel lindqvist and my email is below"),
            vec!["rachel lindqvist"]
        );
        assert_eq!(
            people("me llamo juan necesito ayuda con mi cuenta"),
            vec!["juan"]
        );
    }

    #[test]
    fn compound_given_names_with_de_los_and_de_dios() {
        assert_eq!(
            people("Firma: María de los Ángeles Treviño Garza"),
            vec!["María de los Ángeles Treviño Garza"]
        );
        assert_eq!(
            people("Cliente: Juan de Dios Ramírez"),
            vec!["Juan de Dios Ramírez"]
        );
        assert!(people("Vivo en Los Ángeles desde 2019.").is_empty());
        // A surname that is also a place word keeps the name found.
        assert!(!people("Atiende Juan Plaza.").is_empty());
    }

    #[test]
    fn streets_boroughs_and_stations_named_after_people() {
        for t in [
            "Col. Del Valle, alcaldía Benito Juárez",
            "Av. Miguel Hidalgo 123, Col. Centro",
            "Entrega en Col. Benito Juárez, CDMX",
            "Col. Miguel Hidalgo, C.P. 11410",
            "Aeropuerto Internacional Benito Juárez",
            "la estación Metro Miguel Ángel de Quevedo",
            "vivo en la calle Emiliano Zapata 45",
            "We met at the Lincoln Memorial.",
        ] {
            assert!(people(t).is_empty(), "{t}: {:?}", people(t));
        }
        // The person still counts where no place word stands next to the name.
        assert_eq!(
            people("Lo firmó Benito Juárez en 1857; la avenida lleva su nombre."),
            vec!["Benito Juárez"]
        );
    }

    /// A saint opening a run names a place; after a name or a title it is a surname's
    /// particle.
    #[test]
    fn saints_name_places_and_join_surnames() {
        for t in [
            "Vivo en la Col. Santa María la Ribera.",
            "Trabajo en San Pedro Garza García.",
            "La misa es en Santa Teresa de Jesús.",
            "Queda cerca de San Juan de Aragón.",
        ] {
            assert!(people(t).is_empty(), "{t}: {:?}", people(t));
        }
        assert_eq!(
            people("Lo recibe Juan Santa María."),
            vec!["Juan Santa María"]
        );
        assert_eq!(
            people("José de San Martín cruzó los Andes."),
            vec!["José de San Martín"]
        );
        assert_eq!(people("Cita con el Sr. San Román."), vec!["San Román"]);
        // A saint's name that is also a place's (`Santa Cruz`) is a surname after a name,
        // and `St.` after a title opens one; after a street it does not.
        assert_eq!(
            people("Hola, soy Mario Santa Cruz y trabajo aquí."),
            vec!["Mario Santa Cruz"]
        );
        assert_eq!(people("Dear Mr. St. John, thanks."), vec!["St. John"]);
        assert_eq!(people("Dear Mr St. John, thanks."), vec!["St. John"]);
        assert_eq!(people("We met on Main St. John said hi."), vec!["John"]);
        assert!(people("Fui a Santa Cruz con el equipo.").is_empty());
        // Only the saints' places that are also surnames join a name; only a personal
        // title opens one with `St.`, after any separator.
        assert_eq!(people("Ask Maria San Francisco is fine."), vec!["Maria"]);
        assert_eq!(people("Thanks,\nMr. St. John"), vec!["St. John"]);
        assert_eq!(people("(Mr. St. John) called."), vec!["St. John"]);
        for t in [
            "Ship to 1 Memorial Dr. St. Louis, MO 63102.",
            "Miss St. Louis 2024 was crowned.",
        ] {
            assert!(people(t).is_empty(), "{t}: {:?}", people(t));
        }
    }

    #[test]
    fn colonel_before_an_english_given_name() {
        assert_eq!(
            people("Col. John Smith approved the plan."),
            vec!["John Smith"]
        );
        assert_eq!(
            people("We met Col. Robert Miller today."),
            vec!["Robert Miller"]
        );
        // A given name that Spanish lists also hold keeps `Col.` a colonia.
        assert!(people("Col. Emily, CDMX").is_empty());
    }

    #[test]
    fn greetings_kin_words_and_departments_are_not_names() {
        for t in [
            "Feliz Navidad y Próspero Año Nuevo a toda la familia",
            "Querida Abuela, te extraño mucho.",
            "Gracias,\nAtención a Clientes",
            "Cheers,\nDevOps",
            "Col. Crédito Constructor, CDMX",
        ] {
            assert!(people(t).is_empty(), "{t}: {:?}", people(t));
        }
    }

    #[test]
    fn surname_comma_given_in_lists() {
        assert_eq!(
            people("Attendees: Johnson, Emily; García López, María."),
            vec!["Johnson, Emily", "García López, María"]
        );
        assert_eq!(people("Nombre: Pérez, Ana Lucía"), vec!["Pérez, Ana Lucía"]);
        // Not a list item: the comma ends a clause.
        assert_eq!(people("I told Smith, John was late."), vec!["John"]);
        assert_eq!(people("Thanks, John."), vec!["John"]);
    }

    #[test]
    fn a_middle_initial_makes_a_name_of_words_no_list_knows() {
        assert_eq!(
            people("Janka M. Szász will be talking in the conference."),
            vec!["Janka M. Szász"]
        );
        assert_eq!(
            people("Have you been to a Ravil G Yefimov concert?"),
            vec!["Ravil G Yefimov"]
        );
        // `I.` after a name is an initial, not the pronoun the stop list holds.
        assert_eq!(
            people("Hanne I. Kreutzmann from Oslo is the keynote speaker."),
            vec!["Hanne I. Kreutzmann"]
        );
        // Title-cased words around a letter are a heading, and `I` without a dot the pronoun.
        assert!(people("When I Met Nobody, a short story").is_empty());
        assert!(people("Vitamin D Deficiency Signs and What To Do").is_empty());
        assert!(people("Why Vitamin D Matters").is_empty());
        assert!(people("Did you get the Hepatitis B Vaccine?").is_empty());
    }

    #[test]
    fn a_possessive_ends_the_name() {
        assert_eq!(
            people("They sang the verses from Yuri Bulgakov's Cautionary Tales."),
            vec!["Yuri Bulgakov"]
        );
    }

    #[test]
    fn words_in_a_list_of_people_are_names() {
        assert_eq!(
            people("It is the brainchild of our 3 founders: Kónya, Becker and Vasquez."),
            vec!["Kónya", "Becker", "Vasquez"]
        );
        assert_eq!(
            people("Usamov and Bowers were precision engineers."),
            vec!["Usamov", "Bowers"]
        );
        // A clause after the last item ends the list; it does not undo it.
        assert_eq!(
            people("founders: Kónya, Becker and Vasquez, who met at school."),
            vec!["Kónya", "Becker", "Vasquez"]
        );
        // A firm named for its partners, or a list that runs into longer names, is no list
        // of people.
        let firm = people("She spent a year at Kónya, Jones and Hawkins in Leeds.");
        assert!(
            !firm.contains(&"Kónya") && !firm.contains(&"Jones"),
            "{firm:?}"
        );
        let firms = people("Home city Assen: Kónya, Becker and Loveland Technologies.");
        assert!(
            !firms.contains(&"Kónya") && !firms.contains(&"Becker"),
            "{firms:?}"
        );
    }

    #[test]
    fn names_from_other_registers_and_how_someone_is_called() {
        // Finnish, Polish and Belgian surnames are known: a list of them is one of people.
        assert_eq!(
            people("The founders: Ryhänen, Kowalczyk and Peeters."),
            vec!["Ryhänen", "Kowalczyk", "Peeters"]
        );
        assert_eq!(
            people("What's your last name? Magnusson"),
            vec!["Magnusson"]
        );
        assert_eq!(people("Sometimes people call me Csanád"), vec!["Csanád"]);
        assert_eq!(people("She named him Frank"), vec!["Frank"]);
        // An ending no English word has is a surname even alone, after who said it.
        assert_eq!(
            people("\"We liked it,\" says Navrátilová."),
            vec!["Navrátilová"]
        );
        assert_eq!(
            people("Cora, can I please speak to your boss?"),
            vec!["Cora"]
        );
        assert!(people("Sorry, can I ask again?").is_empty());
        assert!(people("Then he says Lesson two is harder.").is_empty());
    }

    #[test]
    fn a_word_of_a_full_name_found_stands_for_the_person_elsewhere() {
        assert_eq!(
            people("Petrussen agreed. I work as the assistant to Ana Petrussen."),
            vec!["Petrussen", "Ana Petrussen"]
        );
        assert_eq!(
            people("A film directed by Joakim Westgård and starring Westgård."),
            vec!["Joakim Westgård", "Westgård"]
        );
        // Not from a name that is not shaped like one, not beside other capitals, and not a
        // street named for the person.
        assert!(!people("4. License Grant. The License is granted.").contains(&"License"));
        assert!(!people("Ask Martin Van Horn. Van rental is $50.").contains(&"Van"));
        assert_eq!(
            people("José de San Martín cruzó los Andes; hay una calle San Martín."),
            vec!["José de San Martín"]
        );
    }

    #[test]
    fn lowercase_lists_of_given_names_and_who_made_a_work() {
        assert_eq!(
            people("they had 4: silvana, adam, kristina and caleb."),
            vec!["silvana", "adam", "kristina", "caleb"]
        );
        assert!(people("todo: fix, test and deploy").is_empty());
        assert!(people("colors: red, green and blue").is_empty());
        assert!(people("invite: adam and the team").is_empty());
        assert_eq!(
            people("Comedy, Drama Directed By:    Leena O Sasi"),
            vec!["Leena O Sasi"]
        );
    }

    #[test]
    fn streets_firms_holidays_and_adverbs_named_like_people() {
        assert!(people("Stop at the corner of Botley Road and Herceg Gateway.").is_empty());
        assert!(people("Please mail it to Leokadia Trail, apt 4.").is_empty());
        assert!(people("My new address is USS Lorenzen FPO AE 25990").is_empty());
        assert!(people("We met on the Sunday before Labor Day.").is_empty());
        assert!(people("You're Supposed To Hate (But Secretly Love)").is_empty());
        assert!(people("The Jones, Smith and Davis Orchestra was founded in 1988.").is_empty());
        assert!(people("Russell Investments is a design agency.").is_empty());
        // The words before still name a person where nothing follows them, and street words
        // that are surnames too stay names.
        assert_eq!(people("Ask Emily Davis about it."), vec!["Emily Davis"]);
        assert_eq!(people("Please call Anna Meadows."), vec!["Anna Meadows"]);
    }

    #[test]
    fn person_negatives() {
        assert!(people("We deployed Microsoft Teams in San Francisco and Mexico City.").is_empty());
        assert!(people("The Quarterly Revenue Report Summary is ready.").is_empty());
        assert!(people("Error: Connection Refused by Server").is_empty());
        assert!(people("Enviamos el Pedido a Guadalajara el Lunes.").is_empty());
        assert!(people("let userName = getUser_Name(); class HttpServer {}").is_empty());
    }
}

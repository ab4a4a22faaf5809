//! Name tables: countries and their demonyms, capitals and seats of power used as metonyms, organisations.
//!
//! Lookups are exact and case-sensitive on purpose: "US" the country and
//! "us" the pronoun differ only in case, and so do "Turkey" and "turkey".

/// A country as claims name it: the entity name and the form used in running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// "United States".
    pub name: &'static str,
    /// "the United States": what replaces "the country" or a metonym.
    pub in_text: &'static str,
}

const fn country(name: &'static str, in_text: &'static str) -> Country {
    Country { name, in_text }
}

pub const RUSSIA: Country = country("Russia", "Russia");
pub const UNITED_STATES: Country = country("United States", "the United States");
const UKRAINE: Country = country("Ukraine", "Ukraine");
const UNITED_KINGDOM: Country = country("United Kingdom", "the United Kingdom");
const CHINA: Country = country("China", "China");

/// The country a one-word name or demonym stands for ("Russia", "Russian", "US").
pub fn country_of_word(word: &str) -> Option<Country> {
    let word = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("\u{2019}s"))
        .unwrap_or(word);
    COUNTRY_WORDS
        .iter()
        .find(|(forms, _)| forms.contains(&word))
        .map(|(_, country)| *country)
}

/// One-word names and demonyms of countries. Callers first test the word's
/// `Lexeme::PLACE_WORD` class (built from this table, [`COUNTRY_PAIRS`] and
/// [`METONYMS`]), so the linear search runs only for words that name a place.
pub const COUNTRY_WORDS: &[(&[&str], Country)] = &[
    (&["Russia", "Russian", "Russians"], RUSSIA),
    (&["Ukraine", "Ukrainian", "Ukrainians"], UKRAINE),
    (
        &["US", "U.S", "USA", "America", "American", "Americans"],
        UNITED_STATES,
    ),
    (&["UK", "U.K", "Britain", "British"], UNITED_KINGDOM),
    (&["China", "Chinese"], CHINA),
    (&["Germany", "German", "Germans"], country("Germany", "Germany")),
    (&["France", "French"], country("France", "France")),
    (&["Italy", "Italian", "Italians"], country("Italy", "Italy")),
    (&["Spain", "Spanish"], country("Spain", "Spain")),
    (&["Poland", "Polish"], country("Poland", "Poland")),
    (&["Belarus", "Belarusian"], country("Belarus", "Belarus")),
    (&["Iran", "Iranian", "Iranians"], country("Iran", "Iran")),
    (&["Iraq", "Iraqi", "Iraqis"], country("Iraq", "Iraq")),
    (&["Israel", "Israeli", "Israelis"], country("Israel", "Israel")),
    (&["Syria", "Syrian", "Syrians"], country("Syria", "Syria")),
    (&["Turkey", "Turkish"], country("Turkey", "Turkey")),
    (&["India", "Indian", "Indians"], country("India", "India")),
    (&["Pakistan", "Pakistani"], country("Pakistan", "Pakistan")),
    (&["Afghanistan", "Afghan"], country("Afghanistan", "Afghanistan")),
    (&["Japan", "Japanese"], country("Japan", "Japan")),
    (&["Canada", "Canadian", "Canadians"], country("Canada", "Canada")),
    (&["Mexico", "Mexican"], country("Mexico", "Mexico")),
    (&["Brazil", "Brazilian"], country("Brazil", "Brazil")),
    (&["Australia", "Australian"], country("Australia", "Australia")),
    (&["Egypt", "Egyptian"], country("Egypt", "Egypt")),
    (&["Sweden", "Swedish"], country("Sweden", "Sweden")),
    (&["Finland", "Finnish"], country("Finland", "Finland")),
    (&["Norway", "Norwegian"], country("Norway", "Norway")),
    (&["Greece", "Greek"], country("Greece", "Greece")),
    (&["Ireland", "Irish"], country("Ireland", "Ireland")),
    (&["Kazakhstan"], country("Kazakhstan", "Kazakhstan")),
    (&["Georgia"], country("Georgia", "Georgia")),
    (&["Moldova"], country("Moldova", "Moldova")),
    (&["Lithuania"], country("Lithuania", "Lithuania")),
    (&["Latvia"], country("Latvia", "Latvia")),
    (&["Estonia"], country("Estonia", "Estonia")),
    (&["Romania"], country("Romania", "Romania")),
    (&["Hungary"], country("Hungary", "Hungary")),
    (&["Austria"], country("Austria", "Austria")),
    (&["Switzerland"], country("Switzerland", "Switzerland")),
    (&["Belgium"], country("Belgium", "Belgium")),
    (&["Denmark"], country("Denmark", "Denmark")),
    (&["Portugal"], country("Portugal", "Portugal")),
    (&["Nigeria"], country("Nigeria", "Nigeria")),
    (&["Kenya"], country("Kenya", "Kenya")),
    (&["Ethiopia"], country("Ethiopia", "Ethiopia")),
    (&["Venezuela"], country("Venezuela", "Venezuela")),
    (&["Argentina"], country("Argentina", "Argentina")),
    (&["Chile"], country("Chile", "Chile")),
    (&["Colombia"], country("Colombia", "Colombia")),
    (&["Cuba"], country("Cuba", "Cuba")),
    (&["Vietnam"], country("Vietnam", "Vietnam")),
    (&["Indonesia"], country("Indonesia", "Indonesia")),
    (&["Taiwan"], country("Taiwan", "Taiwan")),
    (&["Libya"], country("Libya", "Libya")),
    (&["Yemen"], country("Yemen", "Yemen")),
    (&["Lebanon"], country("Lebanon", "Lebanon")),
    (&["Jordan"], country("Jordan", "Jordan")),
];

/// The country a two-word name stands for ("United States").
pub fn country_of_pair(first: &str, second: &str) -> Option<Country> {
    COUNTRY_PAIRS
        .iter()
        .find(|(pair_first, pair_second, _)| *pair_first == first && *pair_second == second)
        .map(|(_, _, country)| *country)
}

/// Two-word names of countries.
pub const COUNTRY_PAIRS: &[(&str, &str, Country)] = &[
    ("United", "States", UNITED_STATES),
    ("United", "Kingdom", UNITED_KINGDOM),
    ("North", "Korea", country("North Korea", "North Korea")),
    ("South", "Korea", country("South Korea", "South Korea")),
    ("Saudi", "Arabia", country("Saudi Arabia", "Saudi Arabia")),
];

/// Every word that can start a country name, a demonym or a metonym, for
/// the lexicon's `PLACE_WORD` class.
pub fn place_words() -> impl Iterator<Item = &'static str> {
    COUNTRY_WORDS
        .iter()
        .flat_map(|(forms, _)| forms.iter().copied())
        .chain(COUNTRY_PAIRS.iter().map(|(first, _, _)| *first))
        .chain(METONYMS.iter().map(|(parts, _)| parts[0]))
}

/// A place or seat of power that news uses for a state's government:
/// (words, the country). "the" before it belongs to the metonym.
pub const METONYMS: &[(&[&str], Country)] = &[
    (&["Moscow"], RUSSIA),
    (&["Kremlin"], RUSSIA),
    (&["Washington"], UNITED_STATES),
    (&["White", "House"], UNITED_STATES),
    (&["Pentagon"], UNITED_STATES),
    (&["Beijing"], CHINA),
    (&["Kyiv"], UKRAINE),
    (&["Kiev"], UKRAINE),
    (&["Downing", "Street"], UNITED_KINGDOM),
    (&["Whitehall"], UNITED_KINGDOM),
    (&["Tehran"], country("Iran", "Iran")),
    (&["Pyongyang"], country("North Korea", "North Korea")),
    (&["Ankara"], country("Turkey", "Turkey")),
    (&["Berlin"], country("Germany", "Germany")),
    (&["Paris"], country("France", "France")),
    (&["Tokyo"], country("Japan", "Japan")),
    (&["Minsk"], country("Belarus", "Belarus")),
];

/// Words that, after a metonym, make it part of a title or a name
/// ("White House press secretary", "Kremlin aide", "Moscow correspondent").
pub fn is_title_follower(word: &str) -> bool {
    matches!(
        word,
        "aide"
            | "aides"
            | "press"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "official"
            | "officials"
            | "source"
            | "sources"
            | "adviser"
            | "advisers"
            | "advisor"
            | "chief"
            | "correspondent"
            | "bureau"
            | "staff"
            | "insiders"
            | "spokesmen"
            | "residents"
            | "mayor"
            | "office"
            | "region"
            | "time"
    )
}

/// Organisations known by name, and the name they are normalised to.
pub fn organisation_of(words: &[&str]) -> Option<&'static str> {
    let name = match words {
        ["Nato"] | ["NATO"] => "Nato",
        ["North", "Atlantic", "Treaty", "Organisation"] | ["North", "Atlantic", "Treaty", "Organization"] => {
            "Nato"
        }
        ["EU"] | ["European", "Union"] => "European Union",
        ["UN"] | ["United", "Nations"] => "United Nations",
        ["IMF"] | ["International", "Monetary", "Fund"] => "International Monetary Fund",
        ["WHO"] | ["World", "Health", "Organization"] => "World Health Organization",
        ["OSCE"] => "OSCE",
        ["Kremlin"] => "Kremlin",
        ["White", "House"] => "White House",
        ["Pentagon"] => "Pentagon",
        _ => return None,
    };
    Some(name)
}

/// Regions and cities named as places, not states.
pub fn place_of_word(word: &str) -> Option<&'static str> {
    let name = match word {
        "Crimea" => "Crimea",
        "Europe" => "Europe",
        "Donbas" | "Donbass" => "Donbas",
        "Kiev" => "Kiev",
        "Kyiv" => "Kyiv",
        "Moscow" => "Moscow",
        "Washington" => "Washington",
        "London" => "London",
        "Brussels" => "Brussels",
        "Wilmington" => "Wilmington",
        "Geneva" => "Geneva",
        "Africa" => "Africa",
        "Asia" => "Asia",
        _ => return None,
    };
    Some(name)
}

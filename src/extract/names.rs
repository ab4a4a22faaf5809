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
    /// Whether "the country" may be rewritten to it. A word that may name
    /// more than one state or something else as well ("Korean", "Congo",
    /// "Chad", "English", "Latin America", "Hong Kong") is still a place
    /// named, so it keeps "the country" as written when it is one of two,
    /// but it is never the country put in its place.
    pub resolvable: bool,
}

impl Country {
    /// The same place, named where it cannot be the country meant.
    pub const fn unclear(self) -> Country {
        Country {
            resolvable: false,
            ..self
        }
    }
}

const fn country(name: &'static str, in_text: &'static str) -> Country {
    Country {
        name,
        in_text,
        resolvable: true,
    }
}

/// A place that names a country, or a region, only ambiguously: see [`Country::resolvable`].
const fn unclear(name: &'static str) -> Country {
    Country {
        name,
        in_text: name,
        resolvable: false,
    }
}

/// A country whose name reads the same in running text.
const fn plain(name: &'static str) -> Country {
    country(name, name)
}

pub const RUSSIA: Country = plain("Russia");
pub const UNITED_STATES: Country = country("United States", "the United States");
const UKRAINE: Country = plain("Ukraine");
const UNITED_KINGDOM: Country = country("United Kingdom", "the United Kingdom");
const CHINA: Country = plain("China");
const NETHERLANDS: Country = country("Netherlands", "the Netherlands");
const CZECH_REPUBLIC: Country = country("Czech Republic", "the Czech Republic");
const UNITED_ARAB_EMIRATES: Country = country("United Arab Emirates", "the United Arab Emirates");
const SOUTH_AFRICA: Country = plain("South Africa");
const NORTH_KOREA: Country = plain("North Korea");
const SOUTH_KOREA: Country = plain("South Korea");

/// The country a one-word name or demonym stands for ("Russia", "Russian", "US").
pub fn country_of_word(word: &str) -> Option<Country> {
    let word = without_possessive(word);
    COUNTRY_WORDS
        .iter()
        .find(|(names, demonyms, _)| names.contains(&word) || demonyms.contains(&word))
        .map(|(_, _, country)| *country)
}

/// Whether a one-word form is a country's name ("Russia", "US", "Britain")
/// rather than a demonym or adjective ("Russian", "Americans").
pub fn is_country_name(word: &str) -> bool {
    let word = without_possessive(word);
    COUNTRY_WORDS.iter().any(|(names, _, _)| names.contains(&word))
}

fn without_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("\u{2019}s"))
        .unwrap_or(word)
}

/// One-word names and demonyms of countries: (names, demonyms, country).
/// Callers first test the word's `Lexeme::PLACE_WORD` class (built from
/// this table, [`COUNTRY_PAIRS`] and [`METONYMS`]), so the linear search
/// runs only for words that name a place. Every sovereign state is here,
/// with the four nations of the United Kingdom and a few places that
/// news calls countries.
#[rustfmt::skip]
pub const COUNTRY_WORDS: &[(&[&str], &[&str], Country)] = &[
    (&["Russia"], &["Russian", "Russians"], RUSSIA),
    (&["Ukraine"], &["Ukrainian", "Ukrainians"], UKRAINE),
    (&["US", "U.S", "USA", "America"], &["American", "Americans"], UNITED_STATES),
    (&["UK", "U.K", "Britain"], &["British", "Briton", "Britons"], UNITED_KINGDOM),
    (&["China"], &["Chinese"], CHINA),
    (&["Afghanistan"], &["Afghan", "Afghans"], plain("Afghanistan")),
    (&["Albania"], &["Albanian", "Albanians"], plain("Albania")),
    (&["Algeria"], &["Algerian", "Algerians"], plain("Algeria")),
    (&["Andorra"], &["Andorran"], plain("Andorra")),
    (&["Angola"], &["Angolan", "Angolans"], plain("Angola")),
    (&["Antigua"], &[], plain("Antigua and Barbuda")),
    (&["Argentina"], &["Argentine", "Argentines", "Argentinian", "Argentinians"], plain("Argentina")),
    (&["Armenia"], &["Armenian", "Armenians"], plain("Armenia")),
    (&["Australia"], &["Australian", "Australians"], plain("Australia")),
    (&["Austria"], &["Austrian", "Austrians"], plain("Austria")),
    (&["Azerbaijan"], &["Azerbaijani", "Azerbaijanis", "Azeri", "Azeris"], plain("Azerbaijan")),
    (&["Bahamas"], &["Bahamian", "Bahamians"], country("Bahamas", "the Bahamas")),
    (&["Bahrain"], &["Bahraini", "Bahrainis"], plain("Bahrain")),
    (&["Bangladesh"], &["Bangladeshi", "Bangladeshis"], plain("Bangladesh")),
    (&["Barbados"], &["Barbadian", "Barbadians"], plain("Barbados")),
    (&["Belarus"], &["Belarusian", "Belarusians"], plain("Belarus")),
    (&["Belgium"], &["Belgian", "Belgians"], plain("Belgium")),
    (&["Belize"], &["Belizean"], plain("Belize")),
    (&["Benin"], &["Beninese"], plain("Benin")),
    (&["Bhutan"], &["Bhutanese"], plain("Bhutan")),
    (&["Bolivia"], &["Bolivian", "Bolivians"], plain("Bolivia")),
    (&["Bosnia"], &["Bosnian", "Bosnians"], plain("Bosnia")),
    (&["Botswana"], &[], plain("Botswana")),
    (&["Brazil"], &["Brazilian", "Brazilians"], plain("Brazil")),
    (&["Brunei"], &["Bruneian"], plain("Brunei")),
    (&["Bulgaria"], &["Bulgarian", "Bulgarians"], plain("Bulgaria")),
    (&["Burundi"], &["Burundian", "Burundians"], plain("Burundi")),
    (&["Cambodia"], &["Cambodian", "Cambodians"], plain("Cambodia")),
    (&["Cameroon"], &["Cameroonian", "Cameroonians"], plain("Cameroon")),
    (&["Canada"], &["Canadian", "Canadians"], plain("Canada")),
    (&["Chad"], &["Chadian", "Chadians"], unclear("Chad")),
    (&["Chile"], &["Chilean", "Chileans"], plain("Chile")),
    (&["Colombia"], &["Colombian", "Colombians"], plain("Colombia")),
    (&["Comoros"], &["Comorian"], country("Comoros", "the Comoros")),
    (&["Congo"], &["Congolese"], unclear("Congo")),
    (&["Croatia"], &["Croatian", "Croatians", "Croat", "Croats"], plain("Croatia")),
    (&["Cuba"], &["Cuban", "Cubans"], plain("Cuba")),
    (&["Cyprus"], &["Cypriot", "Cypriots"], plain("Cyprus")),
    (&["Czechia"], &["Czech", "Czechs"], CZECH_REPUBLIC),
    (&["Czechoslovakia"], &["Czechoslovak"], plain("Czechoslovakia")),
    (&["Denmark"], &["Danish", "Dane", "Danes"], plain("Denmark")),
    (&["Djibouti"], &["Djiboutian"], plain("Djibouti")),
    (&["Dominica"], &[], plain("Dominica")),
    (&[], &["Dominican", "Dominicans"], unclear("Dominican Republic")),
    (&["Ecuador"], &["Ecuadorian", "Ecuadorians", "Ecuadorean"], plain("Ecuador")),
    (&["Egypt"], &["Egyptian", "Egyptians"], plain("Egypt")),
    (&["England"], &["English"], unclear("England")),
    (&["Eritrea"], &["Eritrean", "Eritreans"], plain("Eritrea")),
    (&["Estonia"], &["Estonian", "Estonians"], plain("Estonia")),
    (&["Eswatini", "Swaziland"], &["Swazi"], plain("Eswatini")),
    (&["Ethiopia"], &["Ethiopian", "Ethiopians"], plain("Ethiopia")),
    (&["Fiji"], &["Fijian", "Fijians"], plain("Fiji")),
    (&["Finland"], &["Finnish", "Finn", "Finns"], plain("Finland")),
    (&["France"], &["French"], plain("France")),
    (&["Gabon"], &["Gabonese"], plain("Gabon")),
    (&["Gambia"], &["Gambian", "Gambians"], country("Gambia", "the Gambia")),
    (&["Georgia"], &[], plain("Georgia")),
    (&[], &["Georgian", "Georgians"], unclear("Georgia")),
    (&["Germany"], &["German", "Germans"], plain("Germany")),
    (&["Ghana"], &["Ghanaian", "Ghanaians"], plain("Ghana")),
    (&["Greece"], &["Greek", "Greeks"], plain("Greece")),
    (&["Greenland"], &["Greenlandic"], unclear("Greenland")),
    (&["Grenada"], &["Grenadian"], plain("Grenada")),
    (&["Guatemala"], &["Guatemalan", "Guatemalans"], plain("Guatemala")),
    (&["Guinea"], &["Guinean", "Guineans"], unclear("Guinea")),
    (&["Guinea-Bissau"], &[], plain("Guinea-Bissau")),
    (&["Guyana"], &["Guyanese"], plain("Guyana")),
    (&["Haiti"], &["Haitian", "Haitians"], plain("Haiti")),
    (&["Holland"], &["Dutch"], NETHERLANDS),
    (&["Netherlands"], &[], NETHERLANDS),
    (&["Honduras"], &["Honduran", "Hondurans"], plain("Honduras")),
    (&["Hungary"], &["Hungarian", "Hungarians"], plain("Hungary")),
    (&["Iceland"], &["Icelandic", "Icelander", "Icelanders"], plain("Iceland")),
    (&["India"], &["Indian", "Indians"], plain("India")),
    (&["Indonesia"], &["Indonesian", "Indonesians"], plain("Indonesia")),
    (&["Iran"], &["Iranian", "Iranians"], plain("Iran")),
    (&["Iraq"], &["Iraqi", "Iraqis"], plain("Iraq")),
    (&["Ireland"], &["Irish"], plain("Ireland")),
    (&["Israel"], &["Israeli", "Israelis"], plain("Israel")),
    (&["Italy"], &["Italian", "Italians"], plain("Italy")),
    (&[], &["Ivorian", "Ivorians"], plain("Ivory Coast")),
    (&["Jamaica"], &["Jamaican", "Jamaicans"], plain("Jamaica")),
    (&["Japan"], &["Japanese"], plain("Japan")),
    (&["Jordan"], &["Jordanian", "Jordanians"], plain("Jordan")),
    (&["Kazakhstan"], &["Kazakh", "Kazakhs"], plain("Kazakhstan")),
    (&["Kenya"], &["Kenyan", "Kenyans"], plain("Kenya")),
    (&["Kiribati"], &[], plain("Kiribati")),
    (&["Korea"], &["Korean", "Koreans"], unclear("Korea")),
    (&["Kosovo"], &["Kosovar", "Kosovars"], plain("Kosovo")),
    (&["Kuwait"], &["Kuwaiti", "Kuwaitis"], plain("Kuwait")),
    (&["Kyrgyzstan"], &["Kyrgyz"], plain("Kyrgyzstan")),
    (&["Laos"], &["Laotian", "Laotians"], plain("Laos")),
    (&["Latvia"], &["Latvian", "Latvians"], plain("Latvia")),
    (&["Lebanon"], &["Lebanese"], plain("Lebanon")),
    (&["Lesotho"], &[], plain("Lesotho")),
    (&["Liberia"], &["Liberian", "Liberians"], plain("Liberia")),
    (&["Libya"], &["Libyan", "Libyans"], plain("Libya")),
    (&["Liechtenstein"], &[], plain("Liechtenstein")),
    (&["Lithuania"], &["Lithuanian", "Lithuanians"], plain("Lithuania")),
    (&["Luxembourg"], &[], plain("Luxembourg")),
    (&["Macedonia"], &["Macedonian", "Macedonians"], plain("Macedonia")),
    (&["Madagascar"], &["Malagasy"], plain("Madagascar")),
    (&["Malawi"], &["Malawian", "Malawians"], plain("Malawi")),
    (&["Malaysia"], &["Malaysian", "Malaysians"], plain("Malaysia")),
    (&["Maldives"], &["Maldivian", "Maldivians"], country("Maldives", "the Maldives")),
    (&["Mali"], &["Malian", "Malians"], plain("Mali")),
    (&["Malta"], &["Maltese"], plain("Malta")),
    (&["Mauritania"], &["Mauritanian", "Mauritanians"], plain("Mauritania")),
    (&["Mauritius"], &["Mauritian", "Mauritians"], plain("Mauritius")),
    (&["Mexico"], &["Mexican", "Mexicans"], plain("Mexico")),
    (&["Micronesia"], &[], plain("Micronesia")),
    (&["Moldova"], &["Moldovan", "Moldovans"], plain("Moldova")),
    (&["Monaco"], &["Monegasque"], plain("Monaco")),
    (&["Mongolia"], &["Mongolian", "Mongolians"], plain("Mongolia")),
    (&["Montenegro"], &["Montenegrin", "Montenegrins"], plain("Montenegro")),
    (&["Morocco"], &["Moroccan", "Moroccans"], plain("Morocco")),
    (&["Mozambique"], &["Mozambican", "Mozambicans"], plain("Mozambique")),
    (&["Myanmar", "Burma"], &["Burmese"], plain("Myanmar")),
    (&["Namibia"], &["Namibian", "Namibians"], plain("Namibia")),
    (&["Nauru"], &[], plain("Nauru")),
    (&["Nepal"], &["Nepali", "Nepalese"], plain("Nepal")),
    (&["Nicaragua"], &["Nicaraguan", "Nicaraguans"], plain("Nicaragua")),
    (&["Niger"], &["Nigerien"], plain("Niger")),
    (&["Nigeria"], &["Nigerian", "Nigerians"], plain("Nigeria")),
    (&["Norway"], &["Norwegian", "Norwegians"], plain("Norway")),
    (&["Oman"], &["Omani", "Omanis"], plain("Oman")),
    (&["Pakistan"], &["Pakistani", "Pakistanis"], plain("Pakistan")),
    (&["Palau"], &[], plain("Palau")),
    (&["Palestine"], &["Palestinian", "Palestinians"], unclear("Palestine")),
    (&["Panama"], &["Panamanian", "Panamanians"], plain("Panama")),
    (&["Paraguay"], &["Paraguayan", "Paraguayans"], plain("Paraguay")),
    (&["Peru"], &["Peruvian", "Peruvians"], plain("Peru")),
    (&["Philippines"], &["Philippine", "Filipino", "Filipinos"], country("Philippines", "the Philippines")),
    (&["Poland"], &["Polish"], plain("Poland")),
    (&["Portugal"], &["Portuguese"], plain("Portugal")),
    (&["Qatar"], &["Qatari", "Qataris"], plain("Qatar")),
    (&["Romania"], &["Romanian", "Romanians"], plain("Romania")),
    (&["Rwanda"], &["Rwandan", "Rwandans"], plain("Rwanda")),
    (&["Samoa"], &["Samoan", "Samoans"], plain("Samoa")),
    (&[], &["Saudi", "Saudis"], country("Saudi Arabia", "Saudi Arabia")),
    (&["Scotland"], &["Scottish", "Scots"], plain("Scotland")),
    (&["Senegal"], &["Senegalese"], plain("Senegal")),
    (&["Serbia"], &["Serbian", "Serbians", "Serb", "Serbs"], plain("Serbia")),
    (&["Seychelles"], &[], country("Seychelles", "the Seychelles")),
    (&["Singapore"], &["Singaporean", "Singaporeans"], plain("Singapore")),
    (&["Slovakia"], &["Slovak", "Slovaks", "Slovakian"], plain("Slovakia")),
    (&["Slovenia"], &["Slovenian", "Slovenians", "Slovene", "Slovenes"], plain("Slovenia")),
    (&["Somalia"], &["Somali", "Somalis"], plain("Somalia")),
    (&["Spain"], &["Spanish", "Spaniard", "Spaniards"], plain("Spain")),
    (&["Sudan"], &["Sudanese"], plain("Sudan")),
    (&["Suriname"], &["Surinamese"], plain("Suriname")),
    (&["Sweden"], &["Swedish", "Swede", "Swedes"], plain("Sweden")),
    (&["Switzerland"], &["Swiss"], plain("Switzerland")),
    (&["Syria"], &["Syrian", "Syrians"], plain("Syria")),
    (&["Taiwan"], &["Taiwanese"], plain("Taiwan")),
    (&["Tajikistan"], &["Tajik", "Tajiks"], plain("Tajikistan")),
    (&["Tanzania"], &["Tanzanian", "Tanzanians"], plain("Tanzania")),
    (&["Thailand"], &["Thai", "Thais"], plain("Thailand")),
    (&["Tibet"], &["Tibetan", "Tibetans"], unclear("Tibet")),
    (&["Togo"], &["Togolese"], plain("Togo")),
    (&["Tonga"], &["Tongan", "Tongans"], plain("Tonga")),
    (&["Trinidad"], &["Trinidadian", "Trinidadians"], plain("Trinidad and Tobago")),
    (&["Tunisia"], &["Tunisian", "Tunisians"], plain("Tunisia")),
    (&["Turkey"], &["Turkish", "Turk", "Turks"], plain("Turkey")),
    (&["Turkmenistan"], &["Turkmen"], plain("Turkmenistan")),
    (&["Tuvalu"], &[], plain("Tuvalu")),
    (&["UAE"], &["Emirati", "Emiratis"], UNITED_ARAB_EMIRATES),
    (&["Uganda"], &["Ugandan", "Ugandans"], plain("Uganda")),
    (&["Uruguay"], &["Uruguayan", "Uruguayans"], plain("Uruguay")),
    (&["Uzbekistan"], &["Uzbek", "Uzbeks"], plain("Uzbekistan")),
    (&["Vanuatu"], &[], plain("Vanuatu")),
    (&["Vatican"], &[], unclear("Vatican")),
    (&["Venezuela"], &["Venezuelan", "Venezuelans"], plain("Venezuela")),
    (&["Vietnam"], &["Vietnamese"], plain("Vietnam")),
    (&["Wales"], &["Welsh"], plain("Wales")),
    (&["Yemen"], &["Yemeni", "Yemenis"], plain("Yemen")),
    (&["Yugoslavia"], &["Yugoslav", "Yugoslavs"], plain("Yugoslavia")),
    (&["Zambia"], &["Zambian", "Zambians"], plain("Zambia")),
    (&["Zimbabwe"], &["Zimbabwean", "Zimbabweans"], plain("Zimbabwe")),
];

/// The country a two-word name stands for ("United States").
pub fn country_of_pair(first: &str, second: &str) -> Option<Country> {
    COUNTRY_PAIRS
        .iter()
        .find(|(pair_first, pair_second, _)| *pair_first == first && *pair_second == second)
        .map(|(_, _, country)| *country)
}

/// Two-word names of countries, and of longer names by their first two
/// words ("United Arab [Emirates]", "Papua New [Guinea]"). Regions whose
/// second word is a country word ("Latin America", "New Mexico", "Indian
/// Ocean") are here so that their second word is not read as the country.
#[rustfmt::skip]
pub const COUNTRY_PAIRS: &[(&str, &str, Country)] = &[
    ("United", "States", UNITED_STATES),
    ("United", "Kingdom", UNITED_KINGDOM),
    ("Great", "Britain", UNITED_KINGDOM),
    ("North", "Korea", NORTH_KOREA),
    ("North", "Korean", NORTH_KOREA),
    ("North", "Koreans", NORTH_KOREA),
    ("South", "Korea", SOUTH_KOREA),
    ("South", "Korean", SOUTH_KOREA),
    ("South", "Koreans", SOUTH_KOREA),
    ("Saudi", "Arabia", country("Saudi Arabia", "Saudi Arabia")),
    ("United", "Arab", UNITED_ARAB_EMIRATES),
    ("South", "Africa", SOUTH_AFRICA),
    ("South", "African", SOUTH_AFRICA),
    ("South", "Africans", SOUTH_AFRICA),
    ("South", "Sudan", plain("South Sudan")),
    ("South", "Sudanese", plain("South Sudan")),
    ("New", "Zealand", plain("New Zealand")),
    ("Sri", "Lanka", plain("Sri Lanka")),
    ("Sri", "Lankan", plain("Sri Lanka")),
    ("Sri", "Lankans", plain("Sri Lanka")),
    ("Czech", "Republic", CZECH_REPUBLIC),
    ("Dominican", "Republic", country("Dominican Republic", "the Dominican Republic")),
    ("Costa", "Rica", plain("Costa Rica")),
    ("Costa", "Rican", plain("Costa Rica")),
    ("El", "Salvador", plain("El Salvador")),
    ("Ivory", "Coast", plain("Ivory Coast")),
    ("Sierra", "Leone", plain("Sierra Leone")),
    ("Sierra", "Leonean", plain("Sierra Leone")),
    ("Burkina", "Faso", plain("Burkina Faso")),
    ("Cape", "Verde", plain("Cape Verde")),
    ("Equatorial", "Guinea", plain("Equatorial Guinea")),
    ("Papua", "New", plain("Papua New Guinea")),
    ("East", "Timor", plain("East Timor")),
    ("Timor", "Leste", plain("East Timor")),
    ("San", "Marino", plain("San Marino")),
    ("Marshall", "Islands", country("Marshall Islands", "the Marshall Islands")),
    ("Solomon", "Islands", country("Solomon Islands", "the Solomon Islands")),
    ("North", "Macedonia", plain("North Macedonia")),
    ("Northern", "Ireland", plain("Northern Ireland")),
    ("Soviet", "Union", country("Soviet Union", "the Soviet Union")),
    ("Central", "African", unclear("Central African Republic")),
    ("Hong", "Kong", unclear("Hong Kong")),
    ("Puerto", "Rico", unclear("Puerto Rico")),
    ("Latin", "America", unclear("Latin America")),
    ("Latin", "American", unclear("Latin America")),
    ("South", "America", unclear("South America")),
    ("South", "American", unclear("South America")),
    ("North", "America", unclear("North America")),
    ("North", "American", unclear("North America")),
    ("Central", "America", unclear("Central America")),
    ("Central", "American", unclear("Central America")),
    ("New", "Mexico", unclear("New Mexico")),
    ("New", "South", unclear("New South Wales")),
    ("New", "Guinea", unclear("New Guinea")),
    ("Indian", "Ocean", unclear("Indian Ocean")),
    ("Korean", "Peninsula", unclear("Korean Peninsula")),
];

/// Every word that can start a country name, a demonym or a metonym, for
/// the lexicon's `PLACE_WORD` class.
pub fn place_words() -> impl Iterator<Item = &'static str> {
    COUNTRY_WORDS
        .iter()
        .flat_map(|(names, demonyms, _)| names.iter().chain(demonyms.iter()).copied())
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

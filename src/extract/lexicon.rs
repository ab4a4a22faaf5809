//! Word lists: one table that maps a lower-cased word to the classes the extractor cares about.
//!
//! Every word of every sentence is looked up once, while it is tokenised, so
//! later steps test bits instead of scanning lists. The table is built on
//! first use from the readable lists below.

use std::hash::Hasher;
use std::sync::OnceLock;

use super::words::lower_key;

/// The set of word classes a word belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lexeme(u32);

impl Lexeme {
    pub const NONE: Lexeme = Lexeme(0);
    pub const NUMBER_WORD: Lexeme = Lexeme(1 << 0);
    pub const PERCENT_WORD: Lexeme = Lexeme(1 << 1);
    pub const MONEY_WORD: Lexeme = Lexeme(1 << 2);
    pub const DATE_WORD: Lexeme = Lexeme(1 << 3);
    pub const DAY_OR_MONTH: Lexeme = Lexeme(1 << 4);
    pub const REPORTING_VERB: Lexeme = Lexeme(1 << 5);
    pub const INVERTIBLE_VERB: Lexeme = Lexeme(1 << 6);
    pub const AUXILIARY_OR_ADVERB: Lexeme = Lexeme(1 << 7);
    pub const ROLE_NOUN: Lexeme = Lexeme(1 << 8);
    pub const CLAUSE_OPENER: Lexeme = Lexeme(1 << 9);
    pub const PHRASE_PREPOSITION: Lexeme = Lexeme(1 << 10);
    pub const ORDINARY_CAPITALISED: Lexeme = Lexeme(1 << 11);
    pub const TITLE_WORD: Lexeme = Lexeme(1 << 12);
    pub const HONORIFIC: Lexeme = Lexeme(1 << 13);
    pub const PRONOUN: Lexeme = Lexeme(1 << 14);
    pub const SUPERLATIVE: Lexeme = Lexeme(1 << 15);
    pub const COMPARATIVE_HEAD: Lexeme = Lexeme(1 << 16);
    pub const HEDGE: Lexeme = Lexeme(1 << 17);
    pub const OPINION_VERB: Lexeme = Lexeme(1 << 18);
    pub const FIRST_PERSON: Lexeme = Lexeme(1 << 19);
    pub const COMMON_VERB: Lexeme = Lexeme(1 << 20);
    pub const AFTER_FIRST: Lexeme = Lexeme(1 << 21);
    pub const OPINION_NOUN: Lexeme = Lexeme(1 << 22);
    pub const THAN: Lexeme = Lexeme(1 << 23);
    /// Auxiliaries and irregular past forms: finite verbs whatever their context.
    pub const FINITE_FORM: Lexeme = Lexeme(1 << 24);
    /// Conjunctions that may join two clauses ("and", "while").
    pub const CLAUSE_CONJUNCTION: Lexeme = Lexeme(1 << 25);
    /// Value judgements ("remarkable", "should").
    pub const OPINION_WORD: Lexeme = Lexeme(1 << 26);
    /// Verbs of plans ("plans", "intends").
    pub const PLAN_VERB: Lexeme = Lexeme(1 << 27);
    /// Words that can start a country name, a demonym or a metonym, with or
    /// without a possessive "'s" (`names::place_words`): only these are
    /// looked up in the name tables.
    pub const PLACE_WORD: Lexeme = Lexeme(1 << 28);
    /// Verbs that introduce reported speech for attribution and
    /// decomposition: [`Lexeme::REPORTING_VERB`] and more. Kept apart so
    /// that the model's reporting-verb feature stays the one it was trained
    /// with; extending that feature means retraining the model.
    pub const ATTRIBUTION_VERB: Lexeme = Lexeme(1 << 29);

    /// The classes as bits, one per class, for tables indexed by class.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// True when the word belongs to `class`.
    pub fn has(self, class: Lexeme) -> bool {
        self.0 & class.0 != 0
    }
}

/// True when `text` is all lower-case ASCII letters. A class bit of such a
/// word means the word itself is listed, not only its lower-cased form, so
/// the bit can stand in for a case-sensitive comparison with the list.
pub fn is_lower_ascii(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_lowercase())
}

/// An adverb that may stand between a subject and its verb ("Van Der
/// Beek even noted", "he slightly increased"): a lower-case word in "-ly"
/// or one of a few others.
pub fn is_adverb_before_verb(word: &str) -> bool {
    let lower = word.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    lower
        && (word.len() > 4 && word.ends_with("ly") && !NOUNS_AND_ADJECTIVES_IN_LY.contains(&word)
            || matches!(
                word,
                "even"
                    | "also"
                    | "still"
                    | "however"
                    | "too"
                    | "then"
                    | "now"
                    | "again"
                    | "later"
                    | "once"
                    | "never"
            ))
}

/// Words in "-ly" that end a subject as nouns ("the royal family said") or
/// adjectives, not adverbs before its verb.
const NOUNS_AND_ADJECTIVES_IN_LY: &[&str] = &[
    "family",
    "assembly",
    "supply",
    "rally",
    "belly",
    "bully",
    "monopoly",
    "anomaly",
    "homily",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "holly",
    "jelly",
    "folly",
    "reply",
    "early",
    "elderly",
];

/// Looks up the classes of `word`, ignoring ASCII case.
pub fn lexeme_of(word: &str) -> Lexeme {
    // No listed word starts with a digit; skipping numbers saves a lookup.
    if word.as_bytes().first().is_none_or(u8::is_ascii_digit) {
        return Lexeme::NONE;
    }
    let lexicon = lexicon();
    // Most words are in no list; the (first letter, length) filter rejects
    // many of them before any lower-casing or hashing. It uses the raw byte
    // length, so listed words with an apostrophe are entered under the
    // lengths of both spellings (the straight apostrophe is 1 byte, the
    // curly one 3).
    let first_letter = usize::from(word.as_bytes()[0].to_ascii_lowercase().wrapping_sub(b'a'));
    let lengths = lexicon
        .lengths_by_first_letter
        .get(first_letter)
        .copied()
        .unwrap_or(0);
    if word.len() >= 32 || lengths & (1 << word.len()) == 0 {
        return Lexeme::NONE;
    }
    match packed_lower_key(word) {
        Some(key) => lexicon.get(key),
        None => Lexeme::NONE,
    }
}

/// The packed [`lower_key`] of `word`: ASCII words (nearly all) are
/// lower-cased straight into the key.
fn packed_lower_key(word: &str) -> Option<PackedKey> {
    let bytes = word.as_bytes();
    if bytes.len() > 24 {
        return None;
    }
    if !bytes.is_ascii() {
        let mut buffer = [0u8; 24];
        return lower_key(word, &mut buffer).map(pack);
    }
    let [first, second, third] = pack_zero_padded(bytes);
    Some([
        ascii_lower_u64(first),
        ascii_lower_u64(second),
        ascii_lower_u64(third),
    ])
}

/// Lower-cases the ASCII capitals among eight bytes of ASCII at once: a
/// byte's top bit is set by the additions exactly when it is at least `A`
/// and not above `Z` (no carry crosses bytes, since every byte is below
/// 0x80), and that bit shifted down by two is the 0x20 that lower-cases it.
fn ascii_lower_u64(chunk: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP_BITS: u64 = 0x8080_8080_8080_8080;
    let at_least_a = chunk + (0x80 - u64::from(b'A')) * ONES;
    let above_z = chunk + (0x7F - u64::from(b'Z')) * ONES;
    let is_capital = at_least_a & !above_z & TOP_BITS;
    chunk | (is_capital >> 2)
}

/// A word of at most 24 bytes as three integers, zero-padded; words hold no
/// NUL bytes, so different words give different keys, and comparing keys
/// is three integer comparisons instead of a string comparison.
type PackedKey = [u64; 3];

fn pack(key: &str) -> PackedKey {
    pack_zero_padded(key.as_bytes())
}

/// The first `8 * N` bytes of `bytes` as `N` little-endian integers,
/// zero-padded: a short byte string as a key compared in `N` integer
/// comparisons. Also the key of the model's word cache.
pub fn pack_zero_padded<const N: usize>(bytes: &[u8]) -> [u64; N] {
    // One copy into a zeroed buffer, then whole-integer reads.
    let mut padded = [[0u8; 8]; N];
    let flat = padded.as_flattened_mut();
    let len = bytes.len().min(flat.len());
    flat[..len].copy_from_slice(&bytes[..len]);
    let mut packed = [0u64; N];
    for (part, chunk) in packed.iter_mut().zip(padded) {
        *part = u64::from_le_bytes(chunk);
    }
    packed
}

/// The slot a key is looked up from first, and its tag: a non-zero byte
/// from other bits of the hash.
fn slot_of(key: PackedKey) -> (usize, u8) {
    let mixed =
        (key[0] ^ key[1].rotate_left(21) ^ key[2].rotate_left(42)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((mixed >> (64 - LEXICON_SLOT_BITS)) as usize, (mixed as u8) | 1)
}

/// The table has `1 << LEXICON_SLOT_BITS` slots, a few times the number of
/// listed words, so that probe runs stay short.
const LEXICON_SLOT_BITS: u32 = 11;

/// The lookup table, built once from the lists below.
struct Lexicon {
    /// An open-addressing table with linear probing; an all-zero key marks an
    /// empty slot (no word is empty).
    slots: Vec<(PackedKey, Lexeme)>,
    /// The tag of each slot's key, 0 for an empty slot: a small array that
    /// stays in cache and settles most lookups (most words are not listed)
    /// without touching `slots`.
    tags: Vec<u8>,
    /// Bit `n` of entry `i` is set when a listed word of `n` bytes starts with
    /// the `i`-th letter; listed words are under 32 bytes even with curly
    /// apostrophes, so a u32 holds all lengths.
    lengths_by_first_letter: [u32; 26],
}

impl Lexicon {
    fn get(&self, key: PackedKey) -> Lexeme {
        let mask = self.slots.len() - 1;
        let (mut slot_idx, tag) = slot_of(key);
        loop {
            let slot_tag = self.tags[slot_idx];
            if slot_tag == 0 {
                return Lexeme::NONE;
            }
            if slot_tag == tag && self.slots[slot_idx].0 == key {
                return self.slots[slot_idx].1;
            }
            slot_idx = (slot_idx + 1) & mask;
        }
    }

    /// Adds `class` to the classes of `word`, a listed lower-case word.
    fn insert(&mut self, word: &str, class: Lexeme) {
        debug_assert!(word.len() <= 24, "{word}");
        let first_letter = usize::from(word.as_bytes()[0] - b'a');
        let n_apostrophes = word.bytes().filter(|byte| *byte == b'\'').count();
        self.lengths_by_first_letter[first_letter] |= 1 << word.len();
        self.lengths_by_first_letter[first_letter] |= 1 << (word.len() + 2 * n_apostrophes);
        let key = pack(word);
        let mask = self.slots.len() - 1;
        let (mut slot_idx, tag) = slot_of(key);
        loop {
            let slot = &mut self.slots[slot_idx];
            if slot.0 == key || self.tags[slot_idx] == 0 {
                slot.0 = key;
                slot.1.0 |= class.0;
                self.tags[slot_idx] = tag;
                return;
            }
            slot_idx = (slot_idx + 1) & mask;
        }
    }
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut lexicon = Lexicon {
            slots: vec![([0; 3], Lexeme::NONE); 1 << LEXICON_SLOT_BITS],
            tags: vec![0; 1 << LEXICON_SLOT_BITS],
            lengths_by_first_letter: [0u32; 26],
        };
        for (class, list) in CLASS_LISTS {
            for word in *list {
                lexicon.insert(word, *class);
            }
        }
        for place in super::names::place_words() {
            let lower = place.to_ascii_lowercase();
            lexicon.insert(&lower, Lexeme::PLACE_WORD);
            lexicon.insert(&format!("{lower}'s"), Lexeme::PLACE_WORD);
        }
        lexicon
    })
}

/// A fast multiplicative hash for short keys such as names, for maps that
/// are only looked up, never iterated (so the hash cannot change output),
/// and never fed adversarial keys in quantity (one article's names).
#[derive(Debug, Default)]
pub struct WordHasher {
    hash: u64,
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.write_u64(u64::from(byte));
    }

    fn write_u64(&mut self, value: u64) {
        self.hash = (self.hash.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

const CLASS_LISTS: &[(Lexeme, &[&str])] = &[
    (Lexeme::NUMBER_WORD, NUMBER_WORDS),
    (Lexeme::PERCENT_WORD, PERCENT_WORDS),
    (Lexeme::MONEY_WORD, MONEY_WORDS),
    (Lexeme::DATE_WORD, DATE_WORDS),
    (Lexeme::DAY_OR_MONTH, DAY_AND_MONTH_NAMES),
    (Lexeme::REPORTING_VERB, REPORTING_VERBS),
    (Lexeme::ATTRIBUTION_VERB, REPORTING_VERBS),
    (Lexeme::ATTRIBUTION_VERB, MORE_REPORTING_VERBS),
    (Lexeme::INVERTIBLE_VERB, INVERTIBLE_VERBS),
    (Lexeme::INVERTIBLE_VERB, MORE_INVERTIBLE_VERBS),
    (Lexeme::AUXILIARY_OR_ADVERB, AUXILIARIES_AND_ADVERBS),
    (Lexeme::ROLE_NOUN, ROLE_NOUNS),
    (Lexeme::CLAUSE_OPENER, CLAUSE_OPENERS),
    (Lexeme::PHRASE_PREPOSITION, PHRASE_PREPOSITIONS),
    (Lexeme::ORDINARY_CAPITALISED, ORDINARY_CAPITALISED),
    (Lexeme::TITLE_WORD, TITLE_WORDS),
    (Lexeme::HONORIFIC, HONORIFICS),
    (Lexeme::PRONOUN, PRONOUNS),
    (Lexeme::SUPERLATIVE, SUPERLATIVES),
    (Lexeme::COMPARATIVE_HEAD, COMPARATIVE_HEADS),
    (Lexeme::HEDGE, HEDGES),
    (Lexeme::OPINION_VERB, OPINION_VERBS),
    (Lexeme::FIRST_PERSON, FIRST_PERSON),
    (Lexeme::COMMON_VERB, COMMON_VERBS),
    (Lexeme::AFTER_FIRST, AFTER_FIRST),
    (Lexeme::OPINION_NOUN, OPINION_NOUNS),
    (Lexeme::THAN, &["than"]),
    (Lexeme::FINITE_FORM, super::decompose::AUXILIARIES),
    (Lexeme::FINITE_FORM, super::decompose::IRREGULAR_PASTS),
    (Lexeme::CLAUSE_CONJUNCTION, super::decompose::CLAUSE_CONJUNCTIONS),
    (Lexeme::OPINION_WORD, super::classify::OPINION_WORDS),
    (Lexeme::PLAN_VERB, super::classify::PLAN_VERBS),
];

/// Number words: "million", "dozen", "twice".
const NUMBER_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "dozen",
    "dozens",
    "half",
    "twice",
    "double",
    "triple",
    "quarter",
    "third",
];

/// Percent words; "per" counts only before "cent".
const PERCENT_WORDS: &[&str] = &["percent", "per", "percentage", "pc"];

/// Currency names.
const MONEY_WORDS: &[&str] = &[
    "dollar", "dollars", "pound", "pounds", "euro", "euros", "yen", "yuan", "rupees", "cents", "pence",
    "roubles", "rubles", "usd", "gbp", "eur",
];

/// Month and weekday names, their abbreviations, and relative dates ("yesterday", "week"); "may" is left out because it is usually the verb.
const DATE_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "yesterday",
    "today",
    "tomorrow",
    "tonight",
    "weekend",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "quarter",
];

/// Full weekday and month names, which are never part of a person's name.
const DAY_AND_MONTH_NAMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reporting verbs: "said", "denies", "warned".
const REPORTING_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "stated",
    "warned",
    "warns",
    "denied",
    "denies",
    "deny",
    "reiterated",
    "reiterates",
    "claimed",
    "claims",
    "argued",
    "argues",
    "insisted",
    "insists",
    "announced",
    "announces",
    "confirmed",
    "confirms",
    "noted",
    "notes",
    "explained",
    "admitted",
    "admits",
    "acknowledged",
    "alleged",
    "alleges",
    "contended",
    "maintained",
    "reported",
    "estimated",
    "described",
    "describes",
];

/// Reporting verbs that attribution knows beyond [`REPORTING_VERBS`] (the
/// model's feature list): "stressed", "urged", plural presents ("experts
/// warn"). Verbs that mostly take a "to" infinitive ("vowed to") or an
/// object and a charge ("accused X of") are left out, and so are forms that
/// are more often nouns ("claim", "note", "stress") and "revealed", which
/// in news as often unveils a product as it reports speech.
const MORE_REPORTING_VERBS: &[&str] = &[
    "stressed",
    "stresses",
    "urged",
    "urges",
    "urge",
    "insist",
    "argue",
    "warn",
    "admit",
    "explains",
    "acknowledges",
    "contends",
    "maintains",
    "emphasised",
    "emphasized",
    "emphasises",
    "emphasizes",
    "declared",
    "declares",
    "asserted",
    "asserts",
    "conceded",
    "concedes",
    "cautioned",
    "complained",
    "complains",
    "predicted",
    "predicts",
    "replied",
    "countered",
    "recalled",
    "tweeted",
    "testified",
];

/// Further verbs of [`MORE_REPORTING_VERBS`] that may precede their subject.
const MORE_INVERTIBLE_VERBS: &[&str] = &[
    "stressed",
    "emphasised",
    "emphasized",
    "cautioned",
    "conceded",
    "declared",
    "replied",
    "countered",
    "recalled",
    "asserted",
    "complained",
    // Only right after a closing quotation ("'...,' wrote Matuszewski."):
    // elsewhere they are no verbs of attribution.
    "wrote",
    "writes",
    "asked",
    "asks",
    "tweeted",
    "announced",
];

/// Reporting verbs that may precede their subject ("..., said the minister"). "told", "denied" and the like are left out: after a comma they usually start a new clause rather than an inverted attribution.
const INVERTIBLE_VERBS: &[&str] = &[
    "said",
    "says",
    "added",
    "adds",
    "stated",
    "warned",
    "warns",
    "insisted",
    "argued",
    "claimed",
    "noted",
    "explained",
    "admitted",
    "acknowledged",
    "maintained",
];

/// Words that may stand between a subject and its reporting verb ("has", "also").
const AUXILIARIES_AND_ADVERBS: &[&str] = &[
    "has",
    "have",
    "had",
    "also",
    "previously",
    "repeatedly",
    "later",
    "then",
    "again",
    "once",
    "not",
    "never",
    "recently",
    "earlier",
    "yesterday",
    "today",
    "reportedly",
    "allegedly",
    "publicly",
    "privately",
    "separately",
    "firmly",
    "flatly",
    "would",
    "will",
    "had",
];

/// Common nouns that name a source even without a capital letter.
const ROLE_NOUNS: &[&str] = &[
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "aide",
    "aides",
    "minister",
    "ministry",
    "secretary",
    "president",
    "chairman",
    "chairwoman",
    "chief",
    "director",
    "police",
    "government",
    "authorities",
    "analyst",
    "analysts",
    "expert",
    "experts",
    "source",
    "sources",
    "lawmaker",
    "lawmakers",
    "diplomat",
    "diplomats",
    "leader",
    "leaders",
    "statement",
    "report",
    "study",
    "survey",
    "researchers",
    "scientists",
    "economists",
    "prosecutors",
    "witnesses",
    "residents",
    "company",
    "group",
    "agency",
    "department",
    "ministers",
    "council",
    "court",
    "judge",
    "campaign",
    "union",
    "officer",
    "officers",
    "mayor",
    "governor",
    "senator",
    "critics",
    "opponents",
    "supporters",
];

/// Words that start a clause but are not part of its subject.
const CLAUSE_OPENERS: &[&str] = &[
    "and",
    "but",
    "so",
    "yet",
    "meanwhile",
    "however",
    "also",
    "then",
    "while",
    "as",
    "now",
    "still",
    "moreover",
    "instead",
    "that",
];

/// Prepositions and conjunctions that open an adverbial phrase: a subject phrase starting with one holds the real subject at its end.
const PHRASE_PREPOSITIONS: &[&str] = &[
    "in",
    "on",
    "at",
    "after",
    "during",
    "for",
    "with",
    "from",
    "by",
    "despite",
    "since",
    "before",
    "when",
    "if",
    "because",
    "speaking",
    "writing",
    "asked",
    "under",
    "over",
    "amid",
    "following",
];

/// Capitalised words that are not names: sentence starters, pronouns, determiners.
const ORDINARY_CAPITALISED: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "in",
    "on",
    "at",
    "this",
    "that",
    "these",
    "those",
    "there",
    "then",
    "however",
    "meanwhile",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "so",
    "yet",
    "or",
    "if",
    "when",
    "while",
    "after",
    "before",
    "as",
    "for",
    "with",
    "also",
    "some",
    "many",
    "most",
    "still",
    "now",
    "what",
    "let",
    "one",
    "both",
    "all",
    "despite",
    "according",
    "other",
    "another",
    "such",
];

/// Words that form a title before a name ("President Putin") rather than a first name.
const TITLE_WORDS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "prime",
    "minister",
    "chancellor",
    "secretary",
    "general",
    "gen",
    "senator",
    "sen",
    "governor",
    "gov",
    "rep",
    "representative",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "justice",
    "mayor",
    "leader",
    "chairman",
    "captain",
    "capt",
    "colonel",
    "col",
    "sheikh",
    "rev",
    "st",
    "saint",
    "premier",
    "commissioner",
    "ambassador",
    "aide",
    "spokesman",
    "spokeswoman",
    "coach",
    "manager",
    "director",
    "chief",
    "executive",
    "reverend",
    "singer",
    "officer",
    "inspector",
    "sergeant",
    "lieutenant",
    "admiral",
    "major",
    "deputy",
    "vice",
];

/// Honorifics that, followed by a surname, may be resolved to a full name.
const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "prof", "mx"];

/// Subject pronouns that refer back to an earlier speaker.
const PRONOUNS: &[&str] = &["he", "she", "they", "it"];

/// Superlatives and record words: "highest", "unprecedented".
const SUPERLATIVES: &[&str] = &[
    "highest",
    "lowest",
    "largest",
    "biggest",
    "smallest",
    "greatest",
    "fastest",
    "slowest",
    "worst",
    "best",
    "most",
    "least",
    "record",
    "all-time",
    "unprecedented",
    "doubled",
    "tripled",
    "halved",
    "fewest",
    "longest",
    "shortest",
    "richest",
    "poorest",
    "only",
];

/// Words that make a comparison with a following "than", besides those ending in "-er".
const COMPARATIVE_HEADS: &[&str] = &["more", "less", "fewer", "rather", "other"];

/// Hedges: "may", "might", "reportedly".
const HEDGES: &[&str] = &[
    "may",
    "might",
    "could",
    "perhaps",
    "reportedly",
    "allegedly",
    "possibly",
    "probably",
    "likely",
    "apparently",
    "seemingly",
    "maybe",
    "suggests",
    "suggested",
    "unclear",
    "seems",
    "appears",
];

/// Verbs of opinion, which after "I" or "we" mark a first-person opinion.
const OPINION_VERBS: &[&str] = &[
    "think", "believe", "feel", "guess", "suppose", "hope", "reckon", "wish", "doubt",
];

/// First-person pronouns and their contractions.
const FIRST_PERSON: &[&str] = &[
    "i", "me", "my", "mine", "we", "us", "our", "ours", "i'm", "i've", "i'd", "i'll", "we're", "we've",
    "we'd", "we'll", "let's",
];

/// Common verb forms without a regular ending, auxiliaries and contractions.
const COMMON_VERBS: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "am",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "shall",
    "should",
    "may",
    "might",
    "must",
    "said",
    "say",
    "get",
    "got",
    "make",
    "made",
    "go",
    "went",
    "gone",
    "take",
    "took",
    "taken",
    "see",
    "saw",
    "seen",
    "know",
    "knew",
    "known",
    "think",
    "thought",
    "come",
    "came",
    "give",
    "gave",
    "given",
    "find",
    "found",
    "tell",
    "told",
    "become",
    "became",
    "show",
    "leave",
    "left",
    "feel",
    "felt",
    "put",
    "bring",
    "brought",
    "begin",
    "began",
    "keep",
    "kept",
    "hold",
    "held",
    "write",
    "wrote",
    "stand",
    "stood",
    "hear",
    "heard",
    "let",
    "mean",
    "meant",
    "set",
    "meet",
    "met",
    "run",
    "ran",
    "pay",
    "paid",
    "sit",
    "sat",
    "speak",
    "spoke",
    "lead",
    "led",
    "read",
    "grow",
    "grew",
    "lose",
    "lost",
    "fall",
    "fell",
    "send",
    "sent",
    "build",
    "built",
    "understand",
    "understood",
    "cut",
    "rise",
    "rose",
    "win",
    "won",
    "buy",
    "bought",
    "sell",
    "sold",
    "spend",
    "spent",
    "hit",
    "need",
    "want",
    "use",
    "like",
    "help",
    "try",
    "ask",
    "work",
    "seem",
    "call",
    "play",
    "move",
    "live",
    "believe",
    "happen",
    "include",
    "continue",
    "change",
    "add",
    "remain",
    "expect",
    "face",
    "plan",
    "aim",
    "agree",
    "deny",
    "warn",
    "fear",
    "hope",
    "claim",
    "rule",
    "vote",
    "back",
    "urge",
    "drop",
    "ban",
    "fail",
    "hurt",
    "quit",
    "beat",
    "bet",
    "shut",
    "cost",
    "let's",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "can't",
    "couldn't",
    "shouldn't",
    "wouldn't",
    "hasn't",
    "haven't",
    "hadn't",
    "it's",
    "that's",
    "there's",
    "he's",
    "she's",
    "what's",
    "i'm",
    "you're",
    "we're",
    "they're",
    "i've",
    "we've",
    "they've",
    "i'll",
    "we'll",
    "they'll",
    "i'd",
    "we'd",
];

/// Words that, after "first", make a record claim ("first time", "first ever").
const AFTER_FIRST: &[&str] = &["time", "ever"];

/// Nouns that, after "my" or "our", mark a first-person opinion.
const OPINION_NOUNS: &[&str] = &["opinion", "view"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_bytes_lower_case_like_one_byte_at_a_time() {
        for first in 0..0x80u8 {
            // Every ASCII byte in every position, beside neighbours that
            // would expose a carry between bytes.
            for neighbour in [0u8, b'@', b'A', b'Z', b'[', b'z', 0x7F] {
                let mut bytes = [neighbour; 8];
                bytes[usize::from(first) % 8] = first;
                let expected = u64::from_le_bytes(bytes.map(|byte| byte.to_ascii_lowercase()));
                assert_eq!(ascii_lower_u64(u64::from_le_bytes(bytes)), expected, "{bytes:?}");
            }
        }
    }

    #[test]
    fn lookups_ignore_case_and_combine_classes() {
        assert!(lexeme_of("Said").has(Lexeme::REPORTING_VERB));
        assert!(lexeme_of("said").has(Lexeme::INVERTIBLE_VERB));
        assert!(lexeme_of("said").has(Lexeme::ATTRIBUTION_VERB));
        assert!(lexeme_of("stressed").has(Lexeme::ATTRIBUTION_VERB));
        assert!(!lexeme_of("stressed").has(Lexeme::REPORTING_VERB));
        assert!(lexeme_of("said").has(Lexeme::COMMON_VERB));
        assert!(lexeme_of("MAY").has(Lexeme::HEDGE));
        assert!(lexeme_of("we\u{2019}re").has(Lexeme::FIRST_PERSON));
        assert!(!lexeme_of("Ukraine").has(Lexeme::ROLE_NOUN));
        assert_eq!(lexeme_of("caf\u{e9}"), Lexeme::NONE);
        assert_eq!(lexeme_of(""), Lexeme::NONE);
    }

    #[test]
    fn every_listed_word_is_a_valid_key() {
        for (_, list) in CLASS_LISTS {
            for word in *list {
                assert!(word.len() < 24 && word.starts_with(|c: char| c.is_ascii_lowercase()));
                let mut buffer = [0u8; 24];
                assert_eq!(lower_key(word, &mut buffer), Some(*word));
            }
        }
    }

    #[test]
    fn every_listed_word_has_exactly_the_classes_of_its_lists() {
        for (_, list) in CLASS_LISTS {
            for word in *list {
                let is_place = super::super::names::place_words().any(|place| {
                    let lower = place.to_ascii_lowercase();
                    *word == lower || *word == format!("{lower}'s")
                });
                let expected = CLASS_LISTS
                    .iter()
                    .filter(|(_, other)| other.contains(word))
                    .fold(0, |classes, (class, _)| classes | class.0)
                    | if is_place { Lexeme::PLACE_WORD.0 } else { 0 };
                assert_eq!(lexeme_of(word), Lexeme(expected), "{word}");
                let capitalised = format!("{}{}", word[..1].to_ascii_uppercase(), &word[1..]);
                assert_eq!(lexeme_of(&capitalised), Lexeme(expected), "{capitalised}");
            }
        }
        for place in super::super::names::place_words() {
            assert!(lexeme_of(place).has(Lexeme::PLACE_WORD), "{place}");
            assert!(
                lexeme_of(&format!("{place}\u{2019}s")).has(Lexeme::PLACE_WORD),
                "{place}"
            );
        }
        // Near misses: a prefix, an extension, a word that fills the key.
        assert_eq!(lexeme_of("sai"), Lexeme::NONE);
        assert_eq!(lexeme_of("saidx"), Lexeme::NONE);
        assert_eq!(lexeme_of("abcdefghijklmnopqrstuvwx"), Lexeme::NONE);
    }
}

//! Decontextualisation: the word replacements that let a claim stand alone, each one recorded.
//!
//! Rules, applied outside quotation marks only (a quotation keeps its words):
//! - `metonym`: a capital standing for its state ("Moscow" → Russia,
//!   "Washington" → the United States), only where the sentence's tree
//!   (the language analysis) makes it act as one: the subject of a clause,
//!   the agent of a passive ("threatened by Washington"), or coordinated with
//!   one. Anywhere else (a place, "in Moscow"; part of a name, "Washington
//!   Post"; a title, "Kremlin aide") the words stay. A seat of an office
//!   ("the Kremlin", "the White House", "the Pentagon", "Downing Street",
//!   "Whitehall") is that office, not the state, and is never rewritten;
//! - `honorific`: "Mr Ushakov" → "Yuri Ushakov" once the article has named him;
//! - `acronym`: "Nato" → "Nato (North Atlantic Treaty Organisation)" once the
//!   article has given the expansion;
//! - `the country`: → the one country the sentence names before it (by
//!   name, demonym or metonym), else the country the article's first
//!   sentence names alone while no other country has been named since.
//!   Two countries, a place the tables do not know, a country that is the
//!   subject of the clause "the country" is in ("Washington invaded the
//!   country"), or a kind ("the country that hosts the site") leave the
//!   words as written.
//!
//! Subject pronouns are resolved per claim by the caller, which knows the speakers.

use super::Span;
use super::analysed::Analysed;
use super::attribution::NameMemory;
use super::lexicon::Lexeme;
use super::names::{self, Country, METONYMS};
use super::words::Word;
use claimdb_analysis::entity::EntityKind;
use claimdb_analysis::pipeline::Analysis;

/// One replacement of a span of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// Byte span within the sentence.
    pub span: Span,
    pub text: String,
    pub rule: &'static str,
}

/// What the article has established so far that later sentences refer to.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// (acronym, expansion) pairs the article defined, as "Full Name (ACR)".
    acronyms: Vec<(String, String)>,
    /// The country the article is about: the one its first sentence
    /// names (by name), while no later sentence has named another.
    lead_country: Option<Country>,
    /// Whether the first sentence has been learned.
    lead_seen: bool,
}

/// Prepositions after which a capital is a place, not its government.
fn is_locative(text: &str) -> bool {
    matches!(
        text,
        "in" | "at"
            | "to"
            | "from"
            | "near"
            | "into"
            | "of"
            | "outside"
            | "around"
            | "across"
            | "towards"
            | "toward"
            | "visited"
            | "visit"
            | "via"
    )
}

pub fn split_possessive(text: &str) -> (&str, &str) {
    for suffix in ["'s", "\u{2019}s"] {
        if let Some(stem) = text.strip_suffix(suffix) {
            return (stem, suffix);
        }
    }
    (text, "")
}

/// A metonym starting at `idx`: (first word incl. "the", last word, country, used as a title).
pub fn metonym_at(sentence: &str, words: &[Word<'_>], idx: usize) -> Option<Metonym> {
    // Every metonym is capitalised: most words are rejected by one byte
    // test, and the rest by one match on the first word.
    let first_word = words.get(idx)?;
    let first_text = first_word.text;
    if !first_text.as_bytes()[0].is_ascii_uppercase() || first_word.lexeme.has(Lexeme::ORDINARY_CAPITALISED) {
        return None;
    }
    let is_first_part = matches!(
        split_possessive(first_text).0,
        "Moscow"
            | "Kremlin"
            | "Washington"
            | "White"
            | "Pentagon"
            | "Beijing"
            | "Kyiv"
            | "Kiev"
            | "Downing"
            | "Whitehall"
            | "Tehran"
            | "Pyongyang"
            | "Ankara"
            | "Berlin"
            | "Paris"
            | "Tokyo"
            | "Minsk"
    );
    if !is_first_part {
        return None;
    }
    for (parts, country) in METONYMS {
        let last = idx + parts.len() - 1;
        if last >= words.len() {
            continue;
        }
        let matches = parts.iter().enumerate().all(|(offset, part)| {
            let text = words[idx + offset].text;
            let text = if offset + 1 == parts.len() {
                split_possessive(text).0
            } else {
                text
            };
            text == *part
                && (offset == 0 || sentence[words[idx + offset - 1].end..words[idx + offset].start] == *" ")
        });
        if !matches {
            continue;
        }
        let has_the = idx > 0
            && words[idx - 1].text.eq_ignore_ascii_case("the")
            && sentence[words[idx - 1].end..words[idx].start] == *" ";
        let first = if has_the { idx - 1 } else { idx };
        let possessive = !split_possessive(words[last].text).1.is_empty();
        let next = words
            .get(last + 1)
            .filter(|_| sentence[words[last].end..words[last + 1].start] == *" ");
        let is_title = !possessive
            && next.is_some_and(|next| names::is_title_follower(next.text) || next.is_capitalised());
        let before = first.checked_sub(1).map(|before_idx| &words[before_idx]);
        let is_place = before.is_some_and(|before| is_locative(before.text));
        // "Denzel Washington": a capitalised word right before is a first name.
        let is_surname = !has_the
            && before.is_some_and(|before| {
                before.is_capitalised()
                    && !before.lexeme.has(Lexeme::ORDINARY_CAPITALISED)
                    && sentence[before.end..words[idx].start] == *" "
            });
        if is_place || is_surname {
            return None;
        }
        return Some((first, last, *country, is_title));
    }
    None
}

/// A metonym found at a word: (first word incl. "the", last word, country, used as a title).
pub type Metonym = (usize, usize, Country, bool);

/// The metonym and the country found at each word of one sentence, looked
/// up once per sentence and shared by [`Context::learn`],
/// [`sentence_replacements`] and `classify::add_entities`, which would
/// otherwise each look them up again.
#[derive(Debug, Clone, Default)]
pub struct Places {
    metonyms: Vec<Option<Metonym>>,
    countries: Vec<Option<(Country, usize)>>,
    /// Where (byte offsets in the sentence) a place or nationality the name
    /// tables do not know starts ("in Transnistria", "a Ruritanian film"),
    /// looked for only in sentences that say "the country".
    unknown_places: Vec<usize>,
    /// Each "the country" of the sentence that may point to a country, by
    /// the index of its "the", with the country words (by index) that
    /// cannot be it: a name or metonym that is the subject of the clause
    /// "the country" is an argument of ("Washington invaded the country",
    /// "Russia, which borders the country"). A "the country" the tree
    /// gives a relative clause or participle is a kind, not a country
    /// already named ("outside the country that hosts the site"), and is
    /// left out.
    the_country: Vec<(usize, Vec<usize>)>,
    /// The words (by index) whose country only modifies a thing that is
    /// not a place ("Russian troops", "US aid"), by the sentence's tree;
    /// found with `unknown_places`.
    modifiers: Vec<usize>,
}

impl Places {
    /// Looks up every word of `words`, the words of `sentence`. A metonym
    /// outside a title is kept only where it acts as the state
    /// ([`acts_as_state`]); the sentence (number `sentence_idx` of
    /// `analysed`) is analysed only when it has one or says "the country".
    pub fn fill(
        &mut self,
        sentence: &str,
        words: &[Word<'_>],
        analysed: &mut Analysed<'_>,
        sentence_idx: usize,
    ) {
        self.metonyms.clear();
        self.countries.clear();
        self.unknown_places.clear();
        self.the_country.clear();
        self.modifiers.clear();
        // The last word of the last country found: the second word of a
        // two-word name is not a country of its own ("North Korea", "South
        // Sudan", "Latin America").
        let mut covered_until: Option<usize> = None;
        for (idx, word) in words.iter().enumerate() {
            // Only a word of the name tables can start a place.
            if !word.lexeme.has(Lexeme::PLACE_WORD) {
                self.metonyms.push(None);
                self.countries.push(None);
                continue;
            }
            let metonym = metonym_at(sentence, words, idx).filter(|&(first, last, _, is_title)| {
                is_title
                    || (!is_office(
                        words[first..=last]
                            .iter()
                            .map(|word| split_possessive(word.text).0),
                    ) && analysed.sentence(sentence_idx).is_some_and(|analysis| {
                        acts_as_state(
                            analysis,
                            &words[last],
                            words
                                .get(last + 1)
                                .filter(|next| sentence[words[last].end..next.start] == *" "),
                        )
                    }))
            });
            self.metonyms.push(metonym);
            let country = if covered_until.is_some_and(|last| last >= idx) {
                None
            } else {
                country_given(words, idx, metonym)
            };
            if let Some((_, last)) = country {
                covered_until = Some(last);
            }
            self.countries.push(country);
        }
        let says_the_country = words.windows(2).any(|pair| {
            pair[0].text.eq_ignore_ascii_case("the") && split_possessive(pair[1].text).0 == "country"
        });
        if says_the_country && let Some(analysis) = analysed.sentence(sentence_idx) {
            self.find_unknown_places(sentence, words, analysis);
            self.find_the_country(sentence, words, analysis);
        }
    }

    /// Fills `the_country` from the sentence's tree.
    fn find_the_country(&mut self, sentence: &str, words: &[Word<'_>], analysis: &Analysis<'_>) {
        let offset = analysis.span.start;
        let word_at = |at: usize| {
            analysis
                .words
                .iter()
                .position(|word| word.span.start <= offset + at && offset + at < word.span.end)
        };
        let head_of = |idx: usize| match analysis.words[idx].head {
            0 => None,
            head => Some(head as usize - 1),
        };
        for idx in 0..words.len().saturating_sub(1) {
            if !is_the_country(sentence, words, idx) {
                continue;
            }
            let Some(country) = word_at(words[idx + 1].start) else {
                continue;
            };
            // "the country that hosts the site", "the country hosting it".
            let is_kind = analysis.words.iter().enumerate().any(|(child, word)| {
                head_of(child) == Some(country) && matches!(word.deprel, "acl" | "acl:relcl")
            });
            if is_kind {
                continue;
            }
            // The clause "the country" is an object or oblique of; a
            // possessive may be its own subject's ("North Korea fired a
            // missile, the country's third").
            let deprel = analysis.words[country].deprel;
            let clause =
                head_of(country).filter(|_| matches!(deprel, "obj" | "iobj") || deprel.starts_with("obl"));
            let mut subjects: Vec<usize> = Vec::new();
            if let Some(clause) = clause {
                for (child, word) in analysis.words.iter().enumerate() {
                    if head_of(child) == Some(clause) && matches!(word.deprel, "nsubj" | "nsubj:pass") {
                        subjects.push(child);
                    }
                }
                // "Russia, which borders the country": the relative's noun,
                // the clause's head or, where the tree did not attach the
                // clause to it, the word before the relative pronoun.
                if analysis.words[clause].deprel == "acl:relcl"
                    && let Some(noun) = head_of(clause)
                {
                    subjects.push(noun);
                }
                let relatives: Vec<usize> = subjects
                    .iter()
                    .copied()
                    .filter(|&subject| analysis.words[subject].feats.contains("PronType=Rel"))
                    .collect();
                for relative in relatives {
                    if let Some(before) = (0..relative).rev().find(|&at| analysis.words[at].upos != "PUNCT") {
                        subjects.push(before);
                    }
                }
            }
            let bound: Vec<usize> = (0..idx)
                .filter(|&at| {
                    self.countries[at].is_some_and(|(_, last)| {
                        names_the_country(words, at, last)
                            && (at..=last).any(|covered| {
                                word_at(words[covered].start).is_some_and(|word| subjects.contains(&word))
                            })
                    })
                })
                .collect();
            self.the_country.push((idx, bound));
        }
    }

    /// Records the places and nationalities of `analysis` (the sentence of
    /// `words`) that no word of the name tables covers: a place entity, or
    /// a capitalised adjective after the first word ("Angolan").
    fn find_unknown_places(&mut self, sentence: &str, words: &[Word<'_>], analysis: &Analysis<'_>) {
        let known = |start: usize, end: usize| {
            words.iter().enumerate().any(|(idx, word)| {
                word.start < end
                    && start < word.end
                    && (self.countries[idx].is_some()
                        || METONYMS
                            .iter()
                            .any(|(parts, _)| parts.contains(&split_possessive(word.text).0)))
            })
        };
        let offset = analysis.span.start;
        let places = analysis
            .entities
            .iter()
            .filter(|entity| entity.kind == EntityKind::Location)
            .map(|entity| (entity.span.start - offset, entity.span.end - offset));
        let nationalities = analysis
            .words
            .iter()
            .skip(1)
            .map(|word| (word, (word.span.start - offset, word.span.end - offset)))
            .filter(|(word, (start, end))| {
                word.upos == "ADJ"
                    && sentence
                        .get(*start..*end)
                        .is_some_and(|text| text.starts_with(|c: char| c.is_uppercase()))
            })
            .map(|(_, span)| span);
        let unknown: Vec<usize> = places
            .chain(nationalities)
            .filter(|&(start, end)| !known(start, end))
            .map(|(start, _)| start)
            .collect();
        self.unknown_places = unknown;
        // "Russian troops", "US aid": an adjective or compound on a thing.
        // "the Ukrainian capital" is the place itself.
        for (idx, country) in self.countries.iter().enumerate() {
            let Some((_, last)) = country else {
                continue;
            };
            let at = offset + words[*last].start;
            // "the Venezuelan president", "Mexican immigration
            // authorities": a state's own office names the state.
            let modifier = analysis
                .words
                .iter()
                .find(|word| word.span.start <= at && at < word.span.end)
                .is_some_and(|word| {
                    matches!(word.deprel, "amod" | "compound")
                        && word.head != 0
                        && !matches!(
                            analysis.words[word.head as usize - 1]
                                .lemma
                                .to_lowercase()
                                .as_str(),
                            "capital"
                                | "city"
                                | "border"
                                | "soil"
                                | "territory"
                                | "coast"
                                | "region"
                                | "province"
                                | "side"
                                | "mainland"
                                | "president"
                                | "government"
                                | "minister"
                                | "leader"
                                | "king"
                                | "queen"
                                | "authority"
                                | "official"
                                | "ambassador"
                                | "embassy"
                                | "army"
                                | "military"
                                | "parliament"
                                | "congress"
                                | "ministry"
                                | "regulator"
                                | "police"
                        )
                });
            if modifier {
                self.modifiers.push(idx);
            }
        }
    }

    /// The places of one sentence, for tests of other modules.
    #[cfg(test)]
    pub fn of(sentence: &str, words: &[Word<'_>]) -> Places {
        let spans = [Span {
            start: 0,
            end: sentence.len(),
        }];
        let mut places = Places::default();
        places.fill(sentence, words, &mut Analysed::new(sentence, &spans), 0);
        places
    }

    /// What [`metonym_at`] finds at word `idx`.
    pub fn metonym(&self, idx: usize) -> Option<Metonym> {
        self.metonyms.get(idx).copied().flatten()
    }

    /// The country that the word, word pair or metonym at word `idx` names,
    /// and the last word it covers.
    pub fn country(&self, idx: usize) -> Option<(Country, usize)> {
        self.countries.get(idx).copied().flatten()
    }
}

/// Whether the words name the seat of an office ("the Kremlin", "the White
/// House", "the Pentagon", "Downing Street", "Whitehall"): the office speaks,
/// not the state.
fn is_office<'w>(mut parts: impl Iterator<Item = &'w str>) -> bool {
    parts.any(|part| {
        matches!(
            part,
            "Kremlin" | "White" | "House" | "Pentagon" | "Downing" | "Whitehall"
        )
    })
}

/// Whether a preposition governs the word at `idx` ("in Moscow").
fn has_case_child(words: &[claimdb_analysis::pipeline::Word<'_>], idx: usize) -> bool {
    words
        .iter()
        .any(|child| child.head as usize == idx + 1 && child.deprel == "case")
}

/// What a state does, by lemma: speak, decide, want, act on other states.
/// A capital is its state only as the subject or agent of one of these
/// ("Moscow denies", "Washington threatened"); as the subject of anything
/// else it is a city ("Paris suffered from smog", "Washington was hit by a
/// storm").
const STATE_PREDICATES: &[&str] = &[
    "accept",
    "accuse",
    "acknowledge",
    "add",
    "admit",
    "agree",
    "allow",
    "announce",
    "argue",
    "attack",
    "attempt",
    "back",
    "balk",
    "ban",
    "believe",
    "block",
    "calculate",
    "call",
    "claim",
    "complain",
    "concede",
    "concerned",
    "condemn",
    "confirm",
    "consider",
    "convince",
    "criticise",
    "criticize",
    "cut",
    "decide",
    "declare",
    "demand",
    "deny",
    "deploy",
    "disagree",
    "dismiss",
    "ease",
    "expect",
    "expel",
    "fear",
    "hope",
    "impose",
    "insist",
    "intend",
    "invade",
    "issue",
    "lift",
    "maintain",
    "move",
    "negotiate",
    "note",
    "offer",
    "oppose",
    "order",
    "plan",
    "pledge",
    "praise",
    "press",
    "pressure",
    "promise",
    "propose",
    "protest",
    "pull",
    "push",
    "raise",
    "recognise",
    "recognize",
    "refuse",
    "reject",
    "reply",
    "respond",
    "retaliate",
    "say",
    "seek",
    "send",
    "sign",
    "stress",
    "summon",
    "support",
    "suspend",
    "tell",
    "think",
    "threaten",
    "try",
    "urge",
    "veto",
    "vow",
    "want",
    "warn",
    "welcome",
    "withdraw",
];

/// Whether the capital ending at `word` acts as its state in the analysed
/// sentence: it is the subject, or the agent of a passive, of a
/// [`STATE_PREDICATES`] word, or coordinated with one that is, and no
/// preposition governs it. "Moscow denies", "Washington has not been
/// convinced", "sanctions threatened by Washington"; not "in Moscow", "the
/// Washington Post", "Colorado, Washington and Oregon", "cities like
/// Beijing", "Paris suffered from smog".
///
/// `next` is the word right after the capital: when the extractor's own
/// word lists call it a finite verb of [`STATE_PREDICATES`] ("Moscow
/// denies"), the capital is its subject even if the tagger read the verb as
/// a noun.
fn acts_as_state(analysis: &Analysis<'_>, word: &Word<'_>, next: Option<&Word<'_>>) -> bool {
    let words = &analysis.words;
    // The analysis has the body's offsets, `word` the sentence's.
    let base = analysis.span.start;
    let Some(at) = words
        .iter()
        .position(|analysed| analysed.span.start == base + word.start)
    else {
        return false;
    };
    let lemma_at = |start: usize| {
        words
            .iter()
            .find(|analysed| analysed.span.start == base + start)
            .map(|analysed| analysed.lemma.to_lowercase())
    };
    if let Some(next) = next
        && super::decompose::is_finite_verb(next)
        && lemma_at(next.start).is_some_and(|lemma| STATE_PREDICATES.contains(&lemma.as_str()))
        && !has_case_child(words, at)
    {
        return true;
    }
    let has_case = |idx: usize, lemma: Option<&str>| {
        words.iter().any(|child| {
            child.head as usize == idx + 1
                && child.deprel == "case"
                && lemma.is_none_or(|lemma| child.lemma.eq_ignore_ascii_case(lemma))
        })
    };
    let head_acts = |idx: usize| {
        let head = words[idx].head as usize;
        head > 0 && STATE_PREDICATES.contains(&words[head - 1].lemma.to_lowercase().as_str())
    };
    let is_agent = |idx: usize| {
        let head = words[idx].head as usize;
        let passive_head = head > 0 && words[head - 1].feats.contains("Voice=Pass");
        matches!(words[idx].deprel, "obl:agent" | "obl") && has_case(idx, Some("by")) && passive_head
    };
    let is_subject = |idx: usize| {
        let subject = matches!(words[idx].deprel, "nsubj" | "nsubj:pass") && !has_case(idx, None);
        (subject || is_agent(idx)) && head_acts(idx)
    };
    if is_subject(at) {
        return true;
    }
    // "Washington and Moscow said": the first conjunct holds the role.
    let head = words[at].head as usize;
    words[at].deprel == "conj" && head > 0 && is_subject(head - 1)
}

/// The country that a word, a word pair or the metonym at `idx` (already
/// looked up) names, and the last word it covers.
fn country_given(words: &[Word<'_>], idx: usize, metonym: Option<Metonym>) -> Option<(Country, usize)> {
    let word = words.get(idx)?;
    if !word.text.as_bytes()[0].is_ascii_uppercase() || word.lexeme.has(Lexeme::ORDINARY_CAPITALISED) {
        return None;
    }
    if let Some(next) = words.get(idx + 1)
        && let Some(country) = names::country_of_pair(words[idx].text, split_possessive(next.text).0)
    {
        return Some((country, idx + 1));
    }
    if let Some(country) = names::country_of_word(words[idx].text) {
        // "the Prince of Wales" is a title, not Wales.
        let in_title =
            idx >= 2 && words[idx - 1].text == "of" && matches!(words[idx - 2].text, "Prince" | "Princess");
        return Some((if in_title { country.unclear() } else { country }, idx));
    }
    match metonym {
        Some((_, last, country, false)) => Some((country, last)),
        _ => None,
    }
}

impl Context {
    /// Learns what `sentence` establishes: acronyms it defines and whether the country the article is about is still sure.
    /// `places` holds the places of `words`.
    pub fn learn(&mut self, sentence: &str, words: &[Word<'_>], places: &Places) {
        // A later sentence's "the country" may point back to the country
        // the article's first sentence names, by name ("Russian troops"
        // name no country it is about), and alone; any other country word
        // after it ("the US dollar", "Thai Airways") makes it unsure.
        let named = merged(countries_named(words, places, words.len()));
        if !self.lead_seen {
            self.lead_seen = true;
            let by_name = (0..words.len()).any(|idx| {
                places
                    .country(idx)
                    .is_some_and(|(_, last)| names_the_country(words, idx, last))
            });
            self.lead_country = named.flatten().filter(|_| by_name);
        } else if !places.unknown_places.is_empty()
            || named.is_some_and(|named| {
                named.is_none_or(|named| self.lead_country.is_some_and(|lead| lead.name != named.name))
            })
        {
            self.lead_country = None;
        }
        for idx in 0..words.len() {
            // "Full Name (ACR)": the acronym follows a capitalised run.
            let is_acronym_slot = idx >= 2
                && words[idx].is_capitalised()
                && sentence[words[idx - 1].end..words[idx].start].trim() == "("
                && sentence[words[idx].end..].starts_with(')');
            if !is_acronym_slot {
                continue;
            }
            let acronym = words[idx].text;
            let n_letters = acronym.chars().count();
            if !(2..=8).contains(&n_letters) || idx < n_letters {
                continue;
            }
            let run = &words[idx - n_letters..idx];
            let initials_match = run.iter().zip(acronym.chars()).all(|(word, letter)| {
                word.text.starts_with(letter.to_ascii_uppercase()) && word.is_capitalised()
            });
            let joined = run
                .windows(2)
                .all(|pair| sentence[pair[0].end..pair[1].start] == *" ");
            if initials_match && joined && !self.acronyms.iter().any(|(known, _)| known == acronym) {
                let expansion = sentence[run[0].start..run[run.len() - 1].end].to_string();
                self.acronyms.push((acronym.to_string(), expansion));
            }
        }
    }

    fn expansion(&self, word: &str) -> Option<&str> {
        self.acronyms
            .iter()
            .find(|(acronym, _)| acronym == word)
            .map(|(_, expansion)| expansion.as_str())
    }
}

/// The replacements for `sentence`, in order and not overlapping.
pub fn sentence_replacements(
    sentence: &str,
    words: &[Word<'_>],
    inside_quote: &[bool],
    memory: &NameMemory,
    context: &Context,
    places: &Places,
    out: &mut Vec<Replacement>,
) {
    out.clear();
    let quoted = |idx: usize| inside_quote.get(idx).copied().unwrap_or(true);
    let mut idx = 0;
    while idx < words.len() {
        if quoted(idx) {
            idx += 1;
            continue;
        }
        let word = &words[idx];
        // Metonyms, looked up at the word after an optional "the".
        if let Some((first, last, country, false)) = places.metonym(idx)
            && (first == idx || !quoted(first))
        {
            let possessive = split_possessive(words[last].text).1;
            out.push(Replacement {
                span: Span {
                    start: words[first].start,
                    end: words[last].end,
                },
                text: format!("{}{possessive}", country.in_text),
                rule: "metonym",
            });
            idx = last + 1;
            continue;
        }
        if word.lexeme.has(Lexeme::HONORIFIC)
            && let Some(surname) = words.get(idx + 1)
            && matches!(sentence[word.end..surname.start].trim(), "" | ".")
            && !quoted(idx + 1)
        {
            let (stem, possessive) = split_possessive(surname.text);
            if let Some(full_name) = memory.full_name(stem) {
                out.push(Replacement {
                    span: Span {
                        start: word.start,
                        end: surname.end,
                    },
                    text: format!("{full_name}{possessive}"),
                    rule: "honorific",
                });
                idx += 2;
                continue;
            }
        }
        if let Some(expansion) = context.expansion(word.text)
            && !sentence[word.end..].trim_start().starts_with('(')
            && !sentence[..word.start].trim_end().ends_with('(')
        {
            out.push(Replacement {
                span: Span {
                    start: word.start,
                    end: word.end,
                },
                text: format!("{} ({expansion})", word.text),
                rule: "acronym",
            });
            idx += 1;
            continue;
        }
        if is_the_country(sentence, words, idx) {
            let noun = &words[idx + 1];
            let possessive = split_possessive(noun.text).1;
            // Two countries before it ("US troops remain in Afghanistan,
            // 18 years after Washington invaded the country") leave it
            // open: the words stay. So does a kind ("the country that
            // hosts the site"), which `the_country` leaves out.
            let country =
                places.the_country.iter().find(|(at, _)| *at == idx).and_then(
                    |(_, bound)| match only_country(sentence, words, places, idx, bound) {
                        // One country in the sentence and another in the lead
                        // ("Volkswagen is considering a factory in India. The
                        // German giant ... a plant in the country"): unsure.
                        Some(Some(named))
                            if context.lead_country.is_some_and(|lead| lead.name != named.name) =>
                        {
                            None
                        }
                        Some(named) => named,
                        None => context.lead_country,
                    },
                );
            if let Some(country) = country {
                out.push(Replacement {
                    span: Span {
                        start: word.start,
                        end: noun.end,
                    },
                    text: format!("{}{possessive}", country.in_text),
                    rule: "the country",
                });
                idx += 2;
                continue;
            }
        }
        idx += 1;
    }
}

/// Whether words `idx` and `idx + 1` are "the country" (or "the
/// country's"), written with one space between them.
fn is_the_country(sentence: &str, words: &[Word<'_>], idx: usize) -> bool {
    words.get(idx + 1).is_some_and(|noun| {
        words[idx].text.eq_ignore_ascii_case("the")
            && sentence[words[idx].end..noun.start] == *" "
            && split_possessive(noun.text).0 == "country"
    })
}

/// Whether the words `first..=last` are the country's name ("Russia", "the
/// US", "South Korea", "Moscow" acting for Russia) rather than a demonym
/// or adjective ("Russian", "Americans").
fn names_the_country(words: &[Word<'_>], first: usize, last: usize) -> bool {
    let word = split_possessive(words[first].text).0;
    last > first || names::is_country_name(word) || names::country_of_word(word).is_none()
}

/// The country the first `n_words` words of a sentence point to, if they
/// point to one: `None` when they name none, `Some(Some(country))` when
/// they name one (however often, by name, demonym or metonym), `Some(None)`
/// when they name two or more, a place the name tables do not know ("in
/// Transnistria"), or a country that `bound` says cannot be the one meant
/// ("Russia, which borders the country"). A country word that the tree
/// makes modify a thing other than a place ("Russian troops", "US aid")
/// counts only when nothing else names a country: "In the Ukrainian
/// capital, Russian troops gathered south of the country" points to
/// Ukraine.
fn only_country(
    sentence: &str,
    words: &[Word<'_>],
    places: &Places,
    n_words: usize,
    bound: &[usize],
) -> Option<Option<Country>> {
    // A place the tables do not know may be the country meant.
    let before = words.get(n_words).map_or(sentence.len(), |word| word.start);
    if places.unknown_places.iter().any(|&at| at < before) || bound.iter().any(|&at| at < n_words) {
        return Some(None);
    }
    let [own, on_things] = countries_named(words, places, n_words);
    own.or(on_things)
}

/// The countries the first `n_words` words name, by name, demonym or
/// metonym, kept apart: [on their own, only modifying a thing].
fn countries_named(words: &[Word<'_>], places: &Places, n_words: usize) -> [Option<Option<Country>>; 2] {
    let mut named: [Option<Option<Country>>; 2] = [None, None];
    for idx in 0..n_words.min(words.len()) {
        let Some((country, _)) = places.country(idx) else {
            continue;
        };
        let slot = &mut named[usize::from(places.modifiers.contains(&idx))];
        *slot = match *slot {
            // A place that may be more than one state ("Korean") or not one
            // ("Latin America") is named, but is never the country meant.
            _ if !country.resolvable => Some(None),
            None => Some(Some(country)),
            Some(Some(earlier)) if earlier.name == country.name => Some(Some(earlier)),
            _ => Some(None),
        };
    }
    named
}

/// Both slots of [`countries_named`] as one: two different countries, in
/// either, are two.
fn merged([own, on_things]: [Option<Option<Country>>; 2]) -> Option<Option<Country>> {
    match (own, on_things) {
        (None, other) | (other, None) => other,
        (Some(Some(a)), Some(Some(b))) if a.name == b.name => Some(Some(a)),
        _ => Some(None),
    }
}

/// The state a speaker phrase stands for when it is a metonym ("Moscow",
/// "the Kremlin"), in running-text form.
pub fn speaker_metonym(phrase: &str) -> Option<&'static str> {
    let phrase = phrase.trim();
    let phrase = phrase
        .strip_prefix("the ")
        .or_else(|| phrase.strip_prefix("The "))
        .unwrap_or(phrase);
    METONYMS
        .iter()
        // The prefix test rejects nearly every entry before any splitting.
        .find(|(parts, _)| {
            parts.first().is_some_and(|first| phrase.starts_with(first))
                && phrase.split(' ').eq(parts.iter().copied())
        })
        .filter(|(parts, _)| !is_office(parts.iter().copied()))
        .map(|(_, country)| country.in_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::attribution::remember_names;
    use crate::extract::words::words;

    fn rewritten(sentences: &[&str]) -> Vec<Vec<(String, String, &'static str)>> {
        let mut memory = NameMemory::default();
        let mut context = Context::default();
        let mut all = Vec::new();
        for sentence in sentences {
            let sentence_words: Vec<Word<'_>> = words(sentence).collect();
            let flags = crate::extract::attribution::quote_flags_for_tests(sentence, &sentence_words);
            remember_names(sentence, &sentence_words, &mut memory);
            let mut out = Vec::new();
            let places = Places::of(sentence, &sentence_words);
            sentence_replacements(
                sentence,
                &sentence_words,
                &flags,
                &memory,
                &context,
                &places,
                &mut out,
            );
            context.learn(sentence, &sentence_words, &places);
            all.push(
                out.into_iter()
                    .map(|replacement| {
                        (
                            sentence[replacement.span.start..replacement.span.end].to_string(),
                            replacement.text,
                            replacement.rule,
                        )
                    })
                    .collect(),
            );
        }
        all
    }

    fn one(sentence: &str) -> Vec<(String, String, &'static str)> {
        rewritten(&[sentence]).remove(0)
    }

    fn r(original: &str, text: &str, rule: &'static str) -> (String, String, &'static str) {
        (original.to_string(), text.to_string(), rule)
    }

    #[test]
    fn capitals_acting_as_states_become_states() {
        assert_eq!(
            one("Moscow denies planning an attack."),
            vec![r("Moscow", "Russia", "metonym")]
        );
        // The agent of a passive acts; an office is not its state.
        assert_eq!(
            one("Sanctions threatened by Washington could hurt the Kremlin's allies."),
            vec![r("Washington", "the United States", "metonym")]
        );
        assert_eq!(
            one("Washington and Moscow agreed to talk."),
            vec![
                r("Washington", "the United States", "metonym"),
                r("Moscow", "Russia", "metonym")
            ]
        );
    }

    #[test]
    fn offices_and_capitals_that_do_not_act_keep_their_words() {
        for sentence in [
            "The White House said so.",
            "The Kremlin denied the report.",
            "Downing Street said the talks would go on.",
            "The team looked at states where cannabis was legal: Colorado, Washington, Alaska and Oregon.",
            "Protesters gathered in downtown Washington on Friday.",
            "Officials flew from Moscow to Kyiv.",
            "Paris recently suffered from dangerous smog.",
            "Chinese cities like Beijing have managed to improve their air.",
        ] {
            assert_eq!(one(sentence), vec![], "{sentence}");
        }
    }

    #[test]
    fn titles_places_names_and_quotes_keep_their_words() {
        for sentence in [
            "\"It is over,\" said White House press secretary Jen Psaki.",
            "Kremlin aide Yuri Ushakov said the call went well.",
            "He lives in Moscow and works in Washington.",
            "The Washington Post reported it.",
            "Actor Denzel Washington said so.",
            "He said \"Moscow will never agree\" to it.",
        ] {
            assert_eq!(one(sentence), vec![], "{sentence:?}");
        }
    }

    #[test]
    fn honorifics_and_acronyms() {
        let all = rewritten(&[
            "Kremlin aide Yuri Ushakov spoke to the North Atlantic Treaty Organisation (Nato) alliance.",
            "Mr Ushakov said Mr. Smith and Nato disagreed.",
        ]);
        assert_eq!(all[0], vec![]);
        assert_eq!(
            all[1],
            vec![
                r("Mr Ushakov", "Yuri Ushakov", "honorific"),
                r("Nato", "Nato (North Atlantic Treaty Organisation)", "acronym")
            ]
        );
    }

    #[test]
    fn the_country_is_the_one_the_sentence_or_the_lead_names() {
        let all = rewritten(&[
            "Ukraine held talks with the European Union on Monday.",
            "The country's leaders worry.",
            "Ukraine's president said the country would not give up.",
            "Russia and Belarus held exercises.",
            "The country's leaders worry.",
            "In the Ukrainian capital, Russian troops gathered south of the country.",
        ]);
        // The first sentence names the country the article is about.
        assert_eq!(all[1], vec![r("The country's", "Ukraine's", "the country")]);
        assert_eq!(all[2], vec![r("the country", "Ukraine", "the country")]);
        // Two countries named: the words stay, in that sentence and, as
        // the article is no longer about one country, after it.
        assert_eq!(all[3], vec![]);
        assert_eq!(all[4], vec![]);
        // The troops are Russian; the capital is the place: Ukraine.
        assert_eq!(all[5], vec![r("the country", "Ukraine", "the country")]);
        // A first sentence with two countries gives no country to point back to.
        let all = rewritten(&["Russia and Ukraine held talks.", "The country's leaders worry."]);
        assert_eq!(all[1], vec![]);
    }

    #[test]
    fn a_country_that_cannot_be_the_one_meant_keeps_the_words() {
        let all = rewritten(&[
            "US troops remain in Afghanistan, 18 years after Washington invaded the country.",
            "Washington invaded the country in 2001.",
            "Mr Yushchenko was careful not to turn his back on Russia, which borders the country to the east, saying it was important.",
            "Most of the zombies are based outside the country that hosts the target site.",
        ]);
        // Two countries.
        assert_eq!(all[0], vec![r("Washington", "the United States", "metonym")]);
        // The invader is not the country it invades.
        assert_eq!(all[1], vec![r("Washington", "the United States", "metonym")]);
        assert_eq!(all[2], vec![]);
        // A kind of country, not one already named.
        assert_eq!(all[3], vec![]);
    }

    #[test]
    fn a_place_the_tables_do_not_know_leaves_the_country_as_written() {
        let all = rewritten(&[
            "Britain sent aid.",
            "In Transnistria textiles account for almost 85% of the country's exports.",
            "The film tells of a veteran of the country's civil war.",
        ]);
        assert_eq!(all[1], vec![]);
        // The place the tables do not know makes the lead's country unsure.
        assert_eq!(all[2], vec![]);
    }

    #[test]
    fn every_state_is_known_and_unclear_places_keep_the_country_as_written() {
        // Each sentence an article of its own.
        let one = |sentence: &str| rewritten(&[sentence]).remove(0);
        assert_eq!(
            one("In Bangladesh textiles account for almost 85% of the country's exports."),
            vec![r("the country's", "Bangladesh's", "the country")]
        );
        assert_eq!(
            one("North Korea fired a missile, the country's third this month."),
            vec![r("the country's", "North Korea's", "the country")]
        );
        assert_eq!(
            one("South Korean officials said the country would respond."),
            vec![r("the country", "South Korea", "the country")]
        );
        // A demonym on an office names its state; whatever the tree makes of
        // China, it is not the country whose oil is offered.
        let venezuela =
            one("Venezuelan president Hugo Chavez has offered China access to the country's oil reserves.");
        assert!(
            venezuela.iter().all(|(_, text, _)| text == "Venezuela's"),
            "{venezuela:?}"
        );
        for sentence in [
            // A title, not Wales.
            "The Prince of Wales toured the country in May.",
            // "Korean" may be either Korea.
            "Korean officials said the country would respond.",
            // A region, not the United States.
            "Latin American leaders said the country would respond.",
        ] {
            assert_eq!(one(sentence), vec![], "{sentence}");
        }
        // The sentence names one country and the lead another.
        let all = rewritten(&[
            "Volkswagen is considering building a car factory in India.",
            "The German giant said it was studying opening an assembly plant in the country.",
        ]);
        assert_eq!(all[1], vec![]);
        let all = rewritten(&[
            "Madagascar has a new currency.",
            "The country's franc was replaced.",
            "The ariary was trading at 1,893 to the US dollar.",
            "The phasing out of the franc was meant to distance the country from its past.",
        ]);
        assert_eq!(all[1], vec![r("The country's", "Madagascar's", "the country")]);
        // Any other country named after the first sentence makes it unsure.
        assert_eq!(all[3], vec![]);
    }

    #[test]
    fn every_listed_country_word_is_a_place_word() {
        for (names, demonyms, country) in names::COUNTRY_WORDS {
            for form in names.iter().chain(demonyms.iter()) {
                assert_eq!(
                    names::country_of_word(form).map(|found| found.name),
                    Some(country.name),
                    "{form}"
                );
                let sentence_words: Vec<Word<'_>> = words(form).collect();
                assert!(sentence_words[0].lexeme.has(Lexeme::PLACE_WORD), "{form}");
            }
        }
    }

    #[test]
    fn every_listed_metonym_is_found() {
        for (parts, country) in METONYMS {
            let sentence = format!("{} said so.", parts.join(" "));
            let sentence_words: Vec<Word<'_>> = words(&sentence).collect();
            let found = metonym_at(&sentence, &sentence_words, 0);
            assert_eq!(
                found.map(|(_, _, found, _)| found),
                Some(*country),
                "{sentence:?}"
            );
        }
    }

    #[test]
    fn speaker_metonyms() {
        assert_eq!(speaker_metonym("Moscow"), Some("Russia"));
        // An office speaks for itself, not as its state.
        assert_eq!(speaker_metonym("the Kremlin"), None);
        assert_eq!(speaker_metonym("the White House"), None);
        assert_eq!(speaker_metonym("Washington"), Some("the United States"));
        assert_eq!(speaker_metonym("Jen Psaki"), None);
    }
}

//! What the resolver reads off the analysis: which words are third-person
//! pronouns and what they agree with, which spans are candidate antecedents
//! (named entities, other proper-noun runs, common-noun heads), and the
//! gender and number a candidate shows.

use std::ops::Range;

use crate::ner::EntityKind;
use crate::pipeline::{Analysis, Word};

/// Grammatical gender, as a pronoun marks it or a candidate shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Masculine,
    Feminine,
    Neuter,
    Unknown,
}

/// Grammatical number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Number {
    Singular,
    Plural,
    Unknown,
}

/// The pronoun's own slot: what its form says, before any tree is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PronounCase {
    Subject,
    Object,
    Possessive,
}

/// A third-person personal pronoun: its agreement and its case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pronoun {
    pub gender: Gender,
    pub number: Number,
    pub case: PronounCase,
}

impl Pronoun {
    /// A short name of the agreement class, for feature keys and reports.
    pub fn class(&self) -> &'static str {
        match (self.gender, self.number) {
            (Gender::Masculine, _) => "masc",
            (Gender::Feminine, _) => "fem",
            (Gender::Neuter, _) => "neut",
            (_, Number::Plural) => "plur",
            _ => "other",
        }
    }
}

/// The third-person personal pronoun a word is, if it is one, read off the
/// analysis: the lemma (he, she, it, they) gives gender and number, and
/// FEATS, XPOS or the relation give the case (UD EWT lemmatises "his", "him"
/// to "he" and marks "his" `Poss=Yes`). Reflexives and first and second
/// persons are not pronouns to resolve here.
pub fn third_person_pronoun(word: &Word<'_>) -> Option<Pronoun> {
    use Gender::*;
    if !matches!(word.upos, "PRON" | "DET") || word.feature("Reflex") == Some("Yes") {
        return None;
    }
    // FEATS first (Gender=Masc|Number=Sing|Person=3|PronType=Prs); the
    // lemma when the tagger left them out (UD EWT lemmatises "his" as "his").
    let by_lemma = match word.lemma.to_lowercase().as_str() {
        "he" | "him" | "his" => Some((Masculine, Number::Singular)),
        "she" | "her" | "hers" => Some((Feminine, Number::Singular)),
        "it" | "its" => Some((Neuter, Number::Singular)),
        "they" | "them" | "their" | "theirs" => Some((Unknown, Number::Plural)),
        _ => None,
    };
    let personal = word.feature("PronType") == Some("Prs") && word.feature("Person") == Some("3");
    let (lemma_gender, lemma_number) = match by_lemma {
        Some(agreement) => agreement,
        None if personal => (Unknown, Number::Unknown),
        None => return None,
    };
    let gender = match word.feature("Gender") {
        Some("Masc") => Masculine,
        Some("Fem") => Feminine,
        Some("Neut") => Neuter,
        _ => lemma_gender,
    };
    let number = match word.feature("Number") {
        Some("Sing") if gender != Unknown => Number::Singular,
        Some("Plur") => Number::Plural,
        _ => lemma_number,
    };
    if gender == Unknown && number != Number::Plural {
        return None;
    }
    let case = if word.feature("Poss") == Some("Yes") || word.xpos == "PRP$" || word.deprel == "nmod:poss" {
        PronounCase::Possessive
    } else if word.feature("Case") == Some("Acc") || matches!(word.deprel, "obj" | "iobj") {
        PronounCase::Object
    } else if word.feature("Case") == Some("Nom") || word.deprel.starts_with("nsubj") {
        PronounCase::Subject
    } else {
        PronounCase::Object
    };
    Some(Pronoun { gender, number, case })
}

/// What sort of phrase a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MentionKind {
    /// A named entity the recogniser found.
    Name(EntityKind),
    /// A run of proper nouns the recogniser did not call an entity.
    ProperNoun,
    /// A common noun heading its phrase ("the senator").
    Noun,
}

impl MentionKind {
    pub fn label(&self) -> &'static str {
        match self {
            MentionKind::Name(EntityKind::Person) => "PER",
            MentionKind::Name(EntityKind::Organisation) => "ORG",
            MentionKind::Name(EntityKind::Location) => "LOC",
            MentionKind::ProperNoun => "PROPN",
            MentionKind::Noun => "NOUN",
        }
    }

    /// Names and proper-noun runs: what a claim's speaker can be rewritten to.
    pub fn is_name(&self) -> bool {
        !matches!(self, MentionKind::Noun)
    }
}

/// A candidate antecedent: a span of one analysed sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Its sentence's index in the slice given to the resolver.
    pub sentence: usize,
    /// Indices into that sentence's [`Analysis::words`].
    pub words: Range<usize>,
    /// The word of `words` whose head lies outside them (its syntactic head).
    pub head: usize,
    /// Its bytes in the text (empty for an analysis of bare words).
    pub span: Range<usize>,
    pub kind: MentionKind,
}

/// The syntactic head of `words`: the first word whose head is outside them.
pub fn span_head(analysis: &Analysis<'_>, words: &Range<usize>) -> usize {
    words
        .clone()
        .find(|&idx| {
            let head = analysis.words[idx].head as usize;
            head == 0 || !words.contains(&(head - 1))
        })
        .unwrap_or(words.start)
}

/// Every candidate antecedent in one sentence, in word order: the entities,
/// then the proper-noun runs no entity covers (but not a title just before
/// a person's name, nor days and months), then common nouns that head
/// their phrase (not a `compound` of another noun), each with the
/// determiners, adjectives and compounds just before it.
pub fn sentence_mentions(sentence: usize, analysis: &Analysis<'_>) -> Vec<Mention> {
    let words = &analysis.words;
    let mut covered = vec![false; words.len()];
    let mut mentions = Vec::new();
    for entity in &analysis.entities {
        let range = entity.words.clone();
        if range.start >= range.end || range.end > words.len() {
            continue;
        }
        covered[range.clone()].iter_mut().for_each(|slot| *slot = true);
        mentions.push(mention(sentence, analysis, range, MentionKind::Name(entity.kind)));
    }
    let mut idx = 0;
    while idx < words.len() {
        if words[idx].upos == "PROPN" && !covered[idx] {
            let start = idx;
            while idx < words.len() && words[idx].upos == "PROPN" && !covered[idx] {
                covered[idx] = true;
                idx += 1;
            }
            // A title run just before a person ("Mayor" Karen Bass) belongs
            // to the name, and a date word ("Friday") names no one.
            let titles_a_person = analysis
                .entities
                .iter()
                .any(|entity| entity.words.start == idx && entity.kind == EntityKind::Person);
            let date = (start..idx).all(|word| CALENDAR_WORDS.contains(&lower_lemma(&words[word]).as_str()));
            if !titles_a_person && !date {
                mentions.push(mention(sentence, analysis, start..idx, MentionKind::ProperNoun));
            }
        } else {
            idx += 1;
        }
    }
    for (idx, word) in words.iter().enumerate() {
        if word.upos != "NOUN" || covered[idx] || word.deprel == "compound" {
            continue;
        }
        let mut start = idx;
        while start > 0 {
            let before = &words[start - 1];
            let modifies_noun = before.head as usize == idx + 1
                && matches!(
                    before.deprel,
                    "det" | "amod" | "compound" | "nummod" | "nmod:poss"
                );
            if !modifies_noun || covered[start - 1] {
                break;
            }
            start -= 1;
        }
        mentions.push(mention(sentence, analysis, start..idx + 1, MentionKind::Noun));
    }
    mentions.sort_by_key(|mention| (mention.head, mention.words.start));
    mentions
}

fn mention(sentence: usize, analysis: &Analysis<'_>, words: Range<usize>, kind: MentionKind) -> Mention {
    let head = span_head(analysis, &words);
    let span = match (analysis.words.get(words.start), analysis.words.get(words.end - 1)) {
        (Some(first), Some(last)) => first.span.start..last.span.end,
        _ => 0..0,
    };
    Mention {
        sentence,
        words,
        head,
        span,
        kind,
    }
}

/// Days and the months that are seldom names: proper nouns that are never
/// what a pronoun refers to.
const CALENDAR_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "september",
    "october",
    "november",
    "december",
];

/// Titles that say a person's gender, lowercased and without a full stop.
const MASCULINE_TITLES: &[&str] = &[
    "mr", "sir", "lord", "king", "prince", "father", "brother", "mister",
];
const FEMININE_TITLES: &[&str] = &[
    "mrs", "ms", "miss", "madam", "lady", "dame", "queen", "princess", "mother", "sister",
];

/// Common nouns for people that say their gender (a short hand-written list).
const MASCULINE_NOUNS: &[&str] = &[
    "man",
    "boy",
    "father",
    "son",
    "brother",
    "husband",
    "king",
    "prince",
    "uncle",
    "nephew",
    "grandfather",
    "actor",
    "gentleman",
    "businessman",
    "chairman",
    "spokesman",
    "congressman",
    "boyfriend",
    "dad",
];
const FEMININE_NOUNS: &[&str] = &[
    "woman",
    "girl",
    "mother",
    "daughter",
    "sister",
    "wife",
    "queen",
    "princess",
    "aunt",
    "niece",
    "grandmother",
    "actress",
    "lady",
    "businesswoman",
    "chairwoman",
    "spokeswoman",
    "congresswoman",
    "girlfriend",
    "mom",
    "mum",
];

/// A candidate's lowercased lemma at one of its words.
pub fn lower_lemma(word: &Word<'_>) -> String {
    word.lemma.trim_end_matches('.').to_lowercase()
}

/// The key under which a name's first-name gender is looked up: its first
/// word, lowercased, after any title.
pub fn first_name_key(analysis: &Analysis<'_>, mention: &Mention) -> Option<String> {
    mention
        .words
        .clone()
        .map(|idx| lower_lemma(&analysis.words[idx]))
        .find(|lemma| !is_title(lemma) && lemma.chars().any(char::is_alphabetic))
}

fn is_title(lemma: &str) -> bool {
    MASCULINE_TITLES.contains(&lemma) || FEMININE_TITLES.contains(&lemma)
}

/// The key that says two mentions name the same thing: a name's last word
/// (its surname), a noun's lemma, lowercased.
pub fn repetition_key(analysis: &Analysis<'_>, mention: &Mention) -> String {
    let idx = if mention.kind.is_name() {
        mention.words.end - 1
    } else {
        mention.head
    };
    lower_lemma(&analysis.words[idx])
}

/// The gender a title in or just before the mention gives, if any.
pub fn title_gender(analysis: &Analysis<'_>, mention: &Mention) -> Option<Gender> {
    let first = mention.words.start.saturating_sub(1);
    (first..mention.words.end).find_map(|idx| {
        let lemma = lower_lemma(&analysis.words[idx]);
        if MASCULINE_TITLES.contains(&lemma.as_str()) {
            Some(Gender::Masculine)
        } else if FEMININE_TITLES.contains(&lemma.as_str()) {
            Some(Gender::Feminine)
        } else {
            None
        }
    })
}

/// The gender of a common noun from the hand-written list, if it has one.
pub fn noun_gender(lemma: &str) -> Option<Gender> {
    if MASCULINE_NOUNS.contains(&lemma) {
        Some(Gender::Masculine)
    } else if FEMININE_NOUNS.contains(&lemma) {
        Some(Gender::Feminine)
    } else {
        None
    }
}

/// A candidate's number: plural when its head says so, singular for names.
pub fn mention_number(analysis: &Analysis<'_>, mention: &Mention) -> Number {
    match analysis.words[mention.head].feature("Number") {
        Some("Plur") => Number::Plural,
        Some("Sing") => Number::Singular,
        _ if mention.kind.is_name() => Number::Singular,
        _ => Number::Unknown,
    }
}

/// A deprel folded to the syntactic role the features read.
pub fn role(deprel: &str) -> &'static str {
    match deprel {
        "nsubj" | "csubj" => "subj",
        "nsubj:pass" | "csubj:pass" => "subjpass",
        "obj" => "obj",
        "iobj" => "iobj",
        "nmod:poss" => "poss",
        "appos" => "appos",
        "conj" => "conj",
        "root" => "root",
        "compound" => "compound",
        "flat" => "flat",
        "vocative" => "vocative",
        "obl:agent" => "agent",
        _ if deprel.starts_with("obl") => "obl",
        _ if deprel.starts_with("nmod") => "nmod",
        _ => "other",
    }
}

/// The role of a word, reading through coordination ("Smith and Jones said":
/// Jones, a conj of the subject, is a subject too) and flat names.
pub fn word_role(analysis: &Analysis<'_>, word_idx: usize) -> &'static str {
    let mut idx = word_idx;
    for _ in 0..4 {
        let word = &analysis.words[idx];
        let head = word.head as usize;
        if matches!(word.deprel, "conj" | "flat") && head > 0 && head <= analysis.words.len() {
            idx = head - 1;
        } else {
            break;
        }
    }
    role(analysis.words[idx].deprel)
}

/// Whether `ancestor` dominates `word` in the sentence's tree.
pub fn dominates(analysis: &Analysis<'_>, ancestor: usize, word: usize) -> bool {
    let mut idx = word;
    for _ in 0..analysis.words.len() {
        let head = analysis.words[idx].head as usize;
        if head == 0 || head > analysis.words.len() {
            return false;
        }
        idx = head - 1;
        if idx == ancestor {
            return true;
        }
    }
    false
}

/// The lemma of a word's head, if it has one.
pub fn head_lemma<'a>(analysis: &'a Analysis<'_>, word_idx: usize) -> Option<&'a str> {
    let head = analysis.words[word_idx].head as usize;
    (head > 0 && head <= analysis.words.len()).then(|| analysis.words[head - 1].lemma.as_str())
}

/// Verbs that report speech or writing: their subject is a source.
pub const REPORTING_VERBS: &[&str] = &[
    "say",
    "tell",
    "add",
    "state",
    "claim",
    "argue",
    "announce",
    "explain",
    "write",
    "note",
    "insist",
    "ask",
    "report",
    "warn",
    "deny",
    "admit",
    "declare",
    "testify",
    "reply",
    "respond",
    "suggest",
    "acknowledge",
    "confirm",
    "describe",
    "recall",
    "tweet",
    "post",
];

//! Check-worthiness features read from a sentence's analysis: the main clause's tense, mood and subject, its clauses, numbers with units and named entities.
//!
//! The word features of [`score`](super::score) see words; these see what
//! the words do. A check-worthy sentence tends to state a fact in the past or
//! present about a third party ("Unemployment rose to 5%"), or to report
//! one ("He said the plant closed"); the rest tends to promise ("We will
//! fight"), to give an opinion in the first person ("I think"), to ask or to
//! tell someone to act. The tree tells these apart where the words alone do
//! not: the root's tense and mood, a modal on the main verb, who its subject
//! is, and whether a speech or thought verb governs a clause.
//!
//! Each feature is a small code, so that the linear model learns one weight
//! per value; [`model`](super::model) hashes them with the other structural
//! features when a model was trained with them.

use claimdb_analysis::ner::EntityKind;
use claimdb_analysis::pipeline::{Analysis, Word};

/// Features of one analysed sentence; all zero for an empty one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyntaxFeatures {
    /// The root's part of speech: see [`RootPos`].
    pub root_pos: RootPos,
    /// The main clause's tense: 0 none, 1 past, 2 present.
    pub tense: u8,
    /// The main clause's modal auxiliary: see [`Modal`].
    pub modal: Modal,
    /// The root is an imperative, or a bare infinitive at the start with no subject.
    pub is_imperative: bool,
    /// The root's subject: see [`Subject`].
    pub subject: Subject,
    /// The main clause is negated ("not", "never", "n't" on the root).
    pub is_negated: bool,
    /// Which clause relations the tree has: bits of [`CLAUSE_RELATIONS`].
    pub clauses: u8,
    /// A speech verb ("say", "report") governs a clause.
    pub has_reported_clause: bool,
    /// A thought verb ("think", "believe") governs a clause.
    pub has_thought_clause: bool,
    /// Cardinal numbers (UPOS `NUM`).
    pub n_numbers: u8,
    /// Numbers that count or measure a noun ("5 million jobs", "300 troops").
    pub n_quantities: u8,
    /// Named entities by kind: people, organisations, places.
    pub n_people: u8,
    pub n_organisations: u8,
    pub n_places: u8,
    /// A comparative or superlative adjective or adverb (`Degree=Cmp`/`Sup`).
    pub has_comparative: bool,
    pub has_superlative: bool,
    /// Finite verbs, a measure of how many clauses the sentence packs.
    pub n_finite_verbs: u8,
}

/// The part of speech of the sentence's root.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum RootPos {
    #[default]
    None = 0,
    Verb = 1,
    Auxiliary = 2,
    Noun = 3,
    ProperNoun = 4,
    Adjective = 5,
    Pronoun = 6,
    Number = 7,
    Other = 8,
}

/// The modal auxiliary of the main clause, by what it says about the claim.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum Modal {
    #[default]
    None = 0,
    /// "will", "shall", "'ll": a prediction or promise.
    Future = 1,
    /// "would": a conditional.
    Conditional = 2,
    /// "can", "could", "may", "might": a possibility.
    Possibility = 3,
    /// "should", "must", "ought", "need": an obligation, an opinion.
    Obligation = 4,
}

/// Who the main clause is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum Subject {
    #[default]
    None = 0,
    /// "I", "we".
    FirstPerson = 1,
    /// "you".
    SecondPerson = 2,
    /// "he", "they", "it".
    ThirdPersonPronoun = 3,
    /// A common noun ("unemployment", "the company").
    Noun = 4,
    /// A name ("Biden", "Apple").
    ProperNoun = 5,
    /// A number, a clause or anything else.
    Other = 6,
}

/// The clause relations whose presence is a feature, one bit each.
pub const CLAUSE_RELATIONS: [&str; 7] = [
    "ccomp",
    "xcomp",
    "advcl",
    "acl:relcl",
    "acl",
    "csubj",
    "parataxis",
];

/// Lemmas of verbs that report speech; a clause they govern is what someone said.
const SPEECH_VERBS: &[&str] = &[
    "say", "tell", "claim", "report", "announce", "state", "add", "note", "warn", "argue", "insist", "deny",
    "admit", "confirm", "explain", "estimate", "show", "reveal", "suggest", "predict", "promise", "testify",
    "allege", "declare", "write",
];

/// Lemmas of verbs of thought and feeling: what they govern is an opinion.
const THOUGHT_VERBS: &[&str] = &[
    "think", "believe", "feel", "hope", "guess", "suppose", "wish", "want", "know", "expect",
];

/// Computes the features of one analysed sentence.
pub fn syntax_features(analysis: &Analysis<'_>) -> SyntaxFeatures {
    let words = &analysis.words;
    let mut features = SyntaxFeatures::default();
    let count = |n: usize| n.min(usize::from(u8::MAX)) as u8;
    let root_idx = words.iter().position(|word| word.head == 0);
    // The children of the root, by relation.
    let children_of = |head_idx: usize| {
        words
            .iter()
            .enumerate()
            .filter(move |(_, word)| word.head as usize == head_idx + 1)
    };
    if let Some(root_idx) = root_idx {
        let root = &words[root_idx];
        features.root_pos = match root.upos {
            "VERB" => RootPos::Verb,
            "AUX" => RootPos::Auxiliary,
            "NOUN" => RootPos::Noun,
            "PROPN" => RootPos::ProperNoun,
            "ADJ" => RootPos::Adjective,
            "PRON" => RootPos::Pronoun,
            "NUM" => RootPos::Number,
            _ => RootPos::Other,
        };
        // The tense is the root's, or its auxiliary's or copula's ("has
        // risen", "is high"): the first that has one.
        let mut tense = root.feature("Tense");
        let mut has_subject = false;
        for (child_idx, child) in children_of(root_idx) {
            match child.deprel {
                "aux" | "aux:pass" | "cop" => {
                    if child.xpos == "MD" && features.modal == Modal::None {
                        features.modal = modal_of(&child.lemma);
                    }
                    if tense.is_none() || (child_idx < root_idx && child.feature("Tense").is_some()) {
                        tense = child.feature("Tense").or(tense);
                    }
                }
                "nsubj" | "nsubj:pass" | "csubj" | "expl" if features.subject == Subject::None => {
                    has_subject = true;
                    features.subject = subject_of(child);
                }
                "advmod" if child.feature("Polarity") == Some("Neg") || is_negation(&child.lemma) => {
                    features.is_negated = true;
                }
                _ => {}
            }
        }
        features.tense = match tense {
            Some("Past") => 1,
            Some("Pres") => 2,
            _ => 0,
        };
        let is_bare_start = root_idx == 0 && root.xpos == "VB" && !has_subject;
        features.is_imperative = root.feature("Mood") == Some("Imp") || is_bare_start;
    }
    for word in words {
        if let Some(bit) = CLAUSE_RELATIONS
            .iter()
            .position(|relation| *relation == word.deprel)
        {
            features.clauses |= 1 << bit;
        }
        if word.deprel == "ccomp" {
            let head = (word.head as usize)
                .checked_sub(1)
                .and_then(|head_idx| words.get(head_idx));
            if let Some(head) = head {
                let lemma = head.lemma.to_ascii_lowercase();
                if SPEECH_VERBS.contains(&lemma.as_str()) {
                    features.has_reported_clause = true;
                } else if THOUGHT_VERBS.contains(&lemma.as_str()) {
                    features.has_thought_clause = true;
                }
            }
        }
        if word.upos == "NUM" {
            features.n_numbers = features.n_numbers.saturating_add(1);
            if word.deprel == "nummod" {
                features.n_quantities = features.n_quantities.saturating_add(1);
            }
        }
        match word.feature("Degree") {
            Some("Cmp") => features.has_comparative = true,
            Some("Sup") => features.has_superlative = true,
            _ => {}
        }
        if word.feature("VerbForm") == Some("Fin") {
            features.n_finite_verbs = features.n_finite_verbs.saturating_add(1);
        }
    }
    let n_of = |kind: EntityKind| {
        count(
            analysis
                .entities
                .iter()
                .filter(|entity| entity.kind == kind)
                .count(),
        )
    };
    features.n_people = n_of(EntityKind::Person);
    features.n_organisations = n_of(EntityKind::Organisation);
    features.n_places = n_of(EntityKind::Location);
    features
}

fn modal_of(lemma: &str) -> Modal {
    match lemma.to_ascii_lowercase().as_str() {
        "will" | "shall" | "'ll" | "wo" => Modal::Future,
        "would" | "'d" => Modal::Conditional,
        "can" | "could" | "may" | "might" | "ca" => Modal::Possibility,
        "should" | "must" | "ought" | "need" => Modal::Obligation,
        _ => Modal::None,
    }
}

fn subject_of(word: &Word<'_>) -> Subject {
    match (word.upos, word.feature("Person")) {
        ("PRON", Some("1")) => Subject::FirstPerson,
        ("PRON", Some("2")) => Subject::SecondPerson,
        ("PRON", _) => Subject::ThirdPersonPronoun,
        ("NOUN", _) => Subject::Noun,
        ("PROPN", _) => Subject::ProperNoun,
        _ => Subject::Other,
    }
}

fn is_negation(lemma: &str) -> bool {
    matches!(lemma.to_ascii_lowercase().as_str(), "not" | "n't" | "never")
}

#[cfg(test)]
mod tests {
    use claimdb_analysis::pipeline::Models;

    use super::*;

    fn features_of(sentence: &str) -> SyntaxFeatures {
        syntax_features(&Models::embedded().analyse(sentence, 0..sentence.len()))
    }

    #[test]
    fn a_first_person_promise_with_a_percentage() {
        let features = features_of("We will cut taxes by 20 percent for 5 million families.");
        assert_eq!(features.subject, Subject::FirstPerson);
        assert_eq!(features.modal, Modal::Future);
        assert_eq!(features.root_pos, RootPos::Verb);
        assert!(features.n_numbers >= 2, "{features:?}");
        assert!(features.n_quantities >= 1, "{features:?}");
        assert!(!features.is_imperative);
    }

    #[test]
    fn a_reported_past_fact_about_a_named_party() {
        let features = features_of("Senator Warren said the company closed three plants in Ohio last year.");
        assert!(features.has_reported_clause, "{features:?}");
        assert!(!features.has_thought_clause);
        assert_eq!(features.tense, 1);
        assert_eq!(features.subject, Subject::ProperNoun);
        assert_ne!(features.clauses & 1, 0, "ccomp: {features:?}");
        assert!(features.n_people >= 1 && features.n_places >= 1, "{features:?}");
    }

    #[test]
    fn opinions_imperatives_and_degrees() {
        let opinion = features_of("I think this is the worst deal ever.");
        assert!(opinion.has_thought_clause, "{opinion:?}");
        assert_eq!(opinion.subject, Subject::FirstPerson);
        assert!(opinion.has_superlative);
        let imperative = features_of("Look at the record.");
        assert!(imperative.is_imperative, "{imperative:?}");
        let negated = features_of("Prices did not rise faster than wages.");
        assert!(negated.is_negated && negated.has_comparative, "{negated:?}");
        assert_eq!(negated.subject, Subject::Noun);
    }

    #[test]
    fn an_empty_sentence_has_no_features() {
        assert_eq!(features_of(""), SyntaxFeatures::default());
    }
}

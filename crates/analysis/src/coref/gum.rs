//! GUM's coreference (the CorefUD `Entity=` brackets in MISC) as an
//! evaluation of the resolver: for every third-person personal pronoun whose
//! entity was mentioned before it, whether the top candidate belongs to the
//! same entity. For evaluation only: GUM's licence is non-commercial, and
//! nothing is trained or chosen on it.

use crate::conllu::Sentence;
use crate::pipeline::{Analysis, Models};

use super::{Resolver, WordRef};

/// One gold mention: its entity and its words in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldMention {
    pub entity: String,
    pub sentence: usize,
    /// Word indices (0-based), end exclusive.
    pub start: usize,
    pub end: usize,
}

/// The mentions a sentence's MISC `Entity=` values open and close. Mentions
/// left open at the end of the sentence are dropped.
pub fn sentence_mentions(sentence_idx: usize, sentence: &Sentence) -> Vec<GoldMention> {
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut mentions = Vec::new();
    for (word_idx, word) in sentence.words.iter().enumerate() {
        let Some(value) = word.misc.split('|').find_map(|item| item.strip_prefix("Entity=")) else {
            continue;
        };
        let mut chars = value.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c == '(' {
                chars.next();
                let mut content = String::new();
                let mut closes = false;
                while let Some(&next) = chars.peek() {
                    if next == '(' {
                        break;
                    }
                    chars.next();
                    if next == ')' {
                        closes = true;
                        break;
                    }
                    content.push(next);
                }
                let entity = entity_id(&content);
                if closes {
                    mentions.push(GoldMention {
                        entity,
                        sentence: sentence_idx,
                        start: word_idx,
                        end: word_idx + 1,
                    });
                } else {
                    open.push((entity, word_idx));
                }
            } else {
                let mut content = String::new();
                while let Some(&next) = chars.peek() {
                    chars.next();
                    if next == ')' {
                        break;
                    }
                    content.push(next);
                }
                let entity = entity_id(&content);
                if let Some(position) = open.iter().rposition(|(id, _)| *id == entity) {
                    let (entity, start) = open.remove(position);
                    mentions.push(GoldMention {
                        entity,
                        sentence: sentence_idx,
                        start,
                        end: word_idx + 1,
                    });
                }
            }
        }
    }
    mentions
}

/// The entity of a bracket's content: the part before the first `-`,
/// without a discontinuous mention's `[1/2]`.
fn entity_id(content: &str) -> String {
    let id = content.split('-').next().unwrap_or("");
    id.split('[').next().unwrap_or("").to_string()
}

const PRONOUNS: &[&str] = &[
    "he", "him", "his", "she", "her", "hers", "it", "its", "they", "them", "their", "theirs",
];

/// One evaluated pronoun.
#[derive(Debug, Clone, PartialEq)]
pub struct PronounOutcome {
    /// he/him/his/she/her/hers: the pronouns the threshold was validated on.
    pub gendered: bool,
    pub top_probability: Option<f32>,
    /// Whether the top candidate's head word is in a mention of the pronoun's entity.
    pub correct: bool,
    /// Whether the baseline chose a candidate, and whether it was right.
    pub baseline_resolved: bool,
    pub baseline_correct: bool,
}

/// Splits a treebank into documents (at each `# newdoc`).
pub fn documents(treebank: &[Sentence]) -> Vec<&[Sentence]> {
    let mut documents = Vec::new();
    let mut start = 0;
    for idx in 1..=treebank.len() {
        if idx == treebank.len() || treebank[idx].starts_document() {
            if idx > start {
                documents.push(&treebank[start..idx]);
            }
            start = idx;
        }
    }
    documents
}

/// Analyses every document from its gold words and resolves every
/// third-person personal pronoun (gold UPOS, PronType and Person) that is a
/// one-word mention of an entity with an earlier mention.
pub fn outcomes(models: &Models<'_>, resolver: &Resolver, treebank: &[Sentence]) -> Vec<PronounOutcome> {
    let mut outcomes = Vec::new();
    for document in documents(treebank) {
        let analyses: Vec<Analysis<'_>> = document
            .iter()
            .map(|sentence| {
                let forms: Vec<&str> = sentence.words.iter().map(|word| word.form.as_str()).collect();
                models.analyse_words(&forms)
            })
            .collect();
        let mentions: Vec<GoldMention> = document
            .iter()
            .enumerate()
            .flat_map(|(idx, sentence)| sentence_mentions(idx, sentence))
            .collect();
        // The innermost gold mention's entity of a word.
        let entity_of = |sentence: usize, word: usize| -> Option<&str> {
            mentions
                .iter()
                .filter(|mention| mention.sentence == sentence && mention.start <= word && word < mention.end)
                .min_by_key(|mention| mention.end - mention.start)
                .map(|mention| mention.entity.as_str())
        };
        for (sentence_idx, sentence) in document.iter().enumerate() {
            for (word_idx, word) in sentence.words.iter().enumerate() {
                let form = word.form.to_lowercase();
                let is_pronoun = word.upos == "PRON"
                    && crate::pipeline::feature(&word.feats, "PronType") == Some("Prs")
                    && crate::pipeline::feature(&word.feats, "Person") == Some("3")
                    && crate::pipeline::feature(&word.feats, "Reflex") != Some("Yes")
                    && PRONOUNS.contains(&form.as_str());
                if !is_pronoun {
                    continue;
                }
                let Some(own) = mentions.iter().find(|mention| {
                    mention.sentence == sentence_idx
                        && mention.start == word_idx
                        && mention.end == word_idx + 1
                }) else {
                    continue;
                };
                let earlier = mentions.iter().any(|mention| {
                    mention.entity == own.entity
                        && (mention.sentence, mention.start) < (sentence_idx, word_idx)
                });
                if !earlier {
                    continue;
                }
                let at = WordRef {
                    sentence: sentence_idx,
                    word: word_idx,
                };
                let same_entity = |mention: &super::Mention| {
                    entity_of(mention.sentence, mention.head) == Some(own.entity.as_str())
                };
                let best = resolver
                    .resolve(&analyses, at)
                    .and_then(|resolution| resolution.best().cloned());
                let baseline = super::baseline_with(resolver, &analyses, at).flatten();
                outcomes.push(PronounOutcome {
                    gendered: matches!(form.as_str(), "he" | "him" | "his" | "she" | "her" | "hers"),
                    top_probability: best.as_ref().map(|best| best.entity_probability),
                    correct: best.as_ref().is_some_and(|best| same_entity(&best.mention)),
                    baseline_resolved: baseline.is_some(),
                    baseline_correct: baseline.as_ref().is_some_and(same_entity),
                });
            }
        }
    }
    outcomes
}

/// The curve's items: (top probability, correct) per pronoun.
pub fn curve_items(outcomes: &[PronounOutcome], gendered_only: bool) -> Vec<(Option<f32>, bool)> {
    outcomes
        .iter()
        .filter(|outcome| !gendered_only || outcome.gendered)
        .map(|outcome| (outcome.top_probability, outcome.correct))
        .collect()
}

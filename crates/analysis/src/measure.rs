//! Runs trained models over annotated data and scores them: the figures
//! `claimdb eval analysis` prints and the weights test pins, and the one place
//! that turns models' output into the system files the CoNLL 2018 scorer reads.

use crate::conllu::Sentence;
use crate::eval::{self, EvalError, F1, Scores};
use crate::iob2::NerSentence;
use crate::ner::Entity;
use crate::pipeline::{Models, to_conllu};

/// A treebank's figures, once from its gold words and once from its raw text.
#[derive(Debug, Clone, PartialEq)]
pub struct TreebankFigures {
    pub gold_tokens: Scores,
    pub raw_text: Scores,
}

/// The system's analysis of the gold words: the gold sentences with every
/// predicted column replaced (forms, tokens and sentence breaks stay gold).
pub fn analyse_gold_words(models: &Models<'_>, gold: &[Sentence]) -> Vec<Sentence> {
    gold.iter()
        .map(|sentence| {
            let forms: Vec<&str> = sentence.words.iter().map(|word| word.form.as_str()).collect();
            let analysis = models.analyse_words(&forms);
            let mut system = sentence.clone();
            for (word, predicted) in system.words.iter_mut().zip(analysis.words) {
                word.lemma = predicted.lemma;
                word.upos = predicted.upos.to_string();
                word.xpos = predicted.xpos.to_string();
                word.feats = predicted.feats.to_string();
                word.head = predicted.head;
                word.deprel = predicted.deprel.to_string();
                word.deps = "_".to_string();
            }
            system
        })
        .collect()
}

/// The system's analysis of the treebank's raw text ([`eval::raw_text`]):
/// its own sentences, tokens and words.
pub fn analyse_raw_text(models: &Models<'_>, gold: &[Sentence]) -> Vec<Sentence> {
    let text = eval::raw_text(gold);
    models
        .analyse_text(&text)
        .iter()
        .enumerate()
        .map(|(idx, analysis)| to_conllu(&text, analysis, Some(&format!("{}", idx + 1))))
        .collect()
}

/// Scores the models on a treebank, from gold words and from raw text.
pub fn measure_treebank(models: &Models<'_>, gold: &[Sentence]) -> Result<TreebankFigures, EvalError> {
    let gold_tokens = eval::evaluate(gold, &analyse_gold_words(models, gold))?;
    let raw_text = eval::evaluate(gold, &analyse_raw_text(models, gold))?;
    Ok(TreebankFigures {
        gold_tokens,
        raw_text,
    })
}

/// Exact-span, exact-type entity F1 of the models on NER sentences whose
/// words are given (the recogniser reads the tagger's tags, not gold ones).
pub fn measure_entities(models: &Models<'_>, gold: &[NerSentence]) -> F1 {
    let mut gold_spans = Vec::with_capacity(gold.len());
    let mut system_spans = Vec::with_capacity(gold.len());
    for sentence in gold {
        let forms: Vec<&str> = sentence.forms.iter().map(String::as_str).collect();
        let analysis = models.analyse_words(&forms);
        gold_spans.push(
            sentence
                .entities
                .iter()
                .map(|entity| (entity.words.clone(), entity.kind.label()))
                .collect(),
        );
        system_spans.push(
            analysis
                .entities
                .iter()
                .map(|entity| (entity.words.clone(), entity.kind.label()))
                .collect(),
        );
    }
    eval::entity_f1(&gold_spans, &system_spans)
}

/// Entities as the scorer counts them: word range and label.
fn entity_spans(entities: &[Entity]) -> Vec<(std::ops::Range<usize>, &'static str)> {
    entities
        .iter()
        .map(|entity| (entity.words.clone(), entity.kind.label()))
        .collect()
}

/// Exact-span, exact-type entity F1 of another system's IOB2 output over the
/// same sentences and words as the gold file.
pub fn score_entities(gold: &[NerSentence], system: &[NerSentence]) -> Result<F1, String> {
    if gold.len() != system.len() {
        return Err(format!(
            "{} gold sentences but {} system sentences",
            gold.len(),
            system.len()
        ));
    }
    let mut gold_spans = Vec::with_capacity(gold.len());
    let mut system_spans = Vec::with_capacity(gold.len());
    for (idx, (gold_sentence, system_sentence)) in gold.iter().zip(system).enumerate() {
        if gold_sentence.forms != system_sentence.forms {
            return Err(format!("sentence {} has other words in the system file", idx + 1));
        }
        gold_spans.push(entity_spans(&gold_sentence.entities));
        system_spans.push(entity_spans(&system_sentence.entities));
    }
    Ok(eval::entity_f1(&gold_spans, &system_spans))
}

/// The shared task's measures on one line, as `claimdb eval analysis` prints
/// them: `UPOS=0.xxx XPOS=0.xxx UFeats=0.xxx Lemmas=0.xxx UAS=0.xxx LAS=0.xxx`,
/// with `Tokens=`, `Sentences=` and `Words=` first when `with_segmentation`.
pub fn format_scores(scores: &Scores, with_segmentation: bool) -> String {
    format_scores_to(scores, with_segmentation, 3)
}

/// [`format_scores`] with `decimals` digits after the point.
fn format_scores_to(scores: &Scores, with_segmentation: bool, decimals: usize) -> String {
    let segmentation = [
        ("Tokens", &scores.tokens),
        ("Sentences", &scores.sentences),
        ("Words", &scores.words),
    ];
    let words = [
        ("UPOS", &scores.upos),
        ("XPOS", &scores.xpos),
        ("UFeats", &scores.ufeats),
        ("Lemmas", &scores.lemmas),
        ("UAS", &scores.uas),
        ("LAS", &scores.las),
    ];
    let measures = if with_segmentation { &segmentation[..] } else { &[] };
    measures
        .iter()
        .chain(&words)
        .map(|(name, f1)| format!("{name}={:.decimals$}", f1.f1))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The figures a weights test pins, six decimals each: a treebank's two
/// tracks, one `name: measures` line each.
pub fn record_treebank(name: &str, figures: &TreebankFigures) -> String {
    format!(
        "{name} gold tokens: {}\n{name} raw text: {}\n",
        format_scores_to(&figures.gold_tokens, false, 6),
        format_scores_to(&figures.raw_text, true, 6)
    )
}

/// The entity figure a weights test pins.
pub fn record_entities(name: &str, f1: &F1) -> String {
    format!(
        "{name} NER: precision={:.6} recall={:.6} F1={:.6}\n",
        f1.precision, f1.recall, f1.f1
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// The shared data folder beside the project (`../shared`), as CI lays it.
    fn shared_file(relative: &str) -> String {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared")
            .join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "{} (the official test splits live in ../shared): {error}",
                path.display()
            )
        })
    }

    /// The committed weights give, on the official test splits, exactly the
    /// figures recorded when they were trained (BENCHMARKS.md quotes them).
    #[test]
    fn embedded_weights_reproduce_the_recorded_test_figures() {
        let models = Models::embedded();
        let ewt =
            crate::conllu::parse(&shared_file("datasets/ud-english-ewt/en_ewt-ud-test.conllu")).unwrap();
        let uner = crate::iob2::parse(&shared_file("datasets/uner-english-ewt/en_ewt-ud-test.iob2")).unwrap();
        let mut measured = record_treebank("ewt-test", &measure_treebank(&models, &ewt).unwrap());
        measured.push_str(&record_entities(
            "uner-ewt-test",
            &measure_entities(&models, &uner),
        ));
        let recorded = include_str!("../weights/test-figures.txt");
        assert_eq!(measured, recorded);
    }
}

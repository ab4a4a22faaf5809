//! Trains every part of the analysis in order, from data already read: the
//! tagger on the treebank's training split, the parser on the same split with
//! jackknifed (predicted) tags, and the entity recogniser on UNER sentences
//! tagged by the new tagger, so that each part learns from what the part
//! before it really gives at run time.

use crate::clusters::WordClusters;
use crate::conllu::Sentence;
use crate::iob2::NerSentence;
use crate::ner::{Recogniser, RecogniserOptions};
use crate::parser::{Parser, ParserOptions};
use crate::sentences::{self, SentenceSplitter, SplitterOptions};
use crate::tagger::{self, Tagger, TaggerOptions};
use crate::tokenise::Lexicon;

/// How to train the whole analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingOptions {
    /// Seeds every part's shuffling; the same seed and data give the same weights.
    pub seed: u64,
    /// Folds for the parser's jackknifed tags (1 trains it on gold tags).
    pub jackknife_folds: usize,
    /// Word clusters learned from unlabelled text, for the tagger's
    /// features (empty: none).
    pub clusters: WordClusters,
}

impl Default for TrainingOptions {
    fn default() -> TrainingOptions {
        TrainingOptions {
            seed: 2026,
            jackknife_folds: 10,
            clusters: WordClusters::default(),
        }
    }
}

/// The trained models.
#[derive(Debug, Clone)]
pub struct TrainedModels {
    /// The lists learned from the treebank: what is written to the weights
    /// folder (the hand-written news lists are added when it is loaded).
    pub learned_lexicon: Lexicon,
    /// The learned lists with the hand-written ones: what the tokeniser uses.
    pub lexicon: Lexicon,
    pub splitter: SentenceSplitter,
    pub tagger: Tagger,
    pub parser: Parser,
    pub recogniser: Recogniser,
}

/// Trains the tokeniser's lists and sentence splitter, the tagger, the parser
/// and the recogniser. `entity_treebank` is the treebank of the entity
/// sentences' own text (UNER EWT dev is EWT dev): the recogniser is trained on
/// each sentence twice, with the tagger's tags and with the gold ones, as
/// cross-validation chose. `progress` hears what is happening, a line at a time.
pub fn train_all(
    treebank: &[Sentence],
    entities: &[NerSentence],
    entity_treebank: &[Sentence],
    options: &TrainingOptions,
    progress: &mut dyn FnMut(&str),
) -> TrainedModels {
    progress(&format!(
        "tokeniser and sentence splitter: training on {} sentences",
        treebank.len()
    ));
    let splitter_options = SplitterOptions {
        seed: options.seed,
        ..SplitterOptions::default()
    };
    let (learned_lexicon, splitter) = sentences::train_tokeniser(treebank, &splitter_options);
    let lexicon = learned_lexicon.with_hand_lists();

    let tagger_options = TaggerOptions {
        seed: options.seed,
        clusters: options.clusters.clone(),
        ..TaggerOptions::default()
    };
    progress(&format!("tagger: training on {} sentences", treebank.len()));
    let tagger = Tagger::train(treebank, &tagger_options);

    let tags = if options.jackknife_folds > 1 {
        progress(&format!(
            "parser: tagging the training split in {} folds",
            options.jackknife_folds
        ));
        tagger::jackknife_tags(treebank, options.jackknife_folds, &tagger_options)
    } else {
        Vec::new()
    };
    progress("parser: training");
    let parser_options = ParserOptions {
        seed: options.seed,
        ..ParserOptions::default()
    };
    let parser = Parser::train(treebank, &tags, &parser_options);

    progress(&format!("recogniser: training on {} sentences", entities.len()));
    let mut tagged = with_predicted_tags(&tagger, entities);
    tagged.extend(with_gold_tags(entity_treebank, entities));
    let recogniser_options = RecogniserOptions {
        seed: options.seed,
        ..RecogniserOptions::default()
    };
    let recogniser = Recogniser::train(&tagged, &recogniser_options);
    TrainedModels {
        learned_lexicon,
        lexicon,
        splitter,
        tagger,
        parser,
        recogniser,
    }
}

/// The sentences whose words match a treebank sentence of the same
/// `sent_id` word for word, with that sentence's gold UPOS and XPOS (the few
/// that were tokenised differently are left out).
pub fn with_gold_tags(treebank: &[Sentence], sentences: &[NerSentence]) -> Vec<NerSentence> {
    let by_id: std::collections::HashMap<&str, &Sentence> = treebank
        .iter()
        .filter_map(|sentence| Some((sentence.sent_id()?, sentence)))
        .collect();
    sentences
        .iter()
        .filter_map(|sentence| {
            let gold = by_id.get(sentence.sent_id.as_deref()?)?;
            let same_words = gold.words.len() == sentence.forms.len()
                && gold
                    .words
                    .iter()
                    .zip(&sentence.forms)
                    .all(|(word, form)| word.form == *form);
            same_words.then(|| {
                let mut sentence = sentence.clone();
                sentence.upos = gold.words.iter().map(|word| word.upos.clone()).collect();
                sentence.xpos = gold.words.iter().map(|word| word.xpos.clone()).collect();
                sentence
            })
        })
        .collect()
}

/// The sentences with the tagger's UPOS and XPOS in place of any they had.
pub fn with_predicted_tags(tagger: &Tagger, sentences: &[NerSentence]) -> Vec<NerSentence> {
    let mut tagged = Vec::new();
    sentences
        .iter()
        .map(|sentence| {
            let forms: Vec<&str> = sentence.forms.iter().map(String::as_str).collect();
            tagger.tag(&forms, &mut tagged);
            let mut sentence = sentence.clone();
            sentence.upos = tagged.iter().map(|tag| tag.upos.to_string()).collect();
            sentence.xpos = tagged.iter().map(|tag| tag.xpos.to_string()).collect();
            sentence
        })
        .collect()
}

impl TrainedModels {
    /// The models, to analyse with.
    pub fn models(&self) -> crate::pipeline::Models<'_> {
        crate::pipeline::Models {
            lexicon: &self.lexicon,
            splitter: &self.splitter,
            tagger: &self.tagger,
            parser: &self.parser,
            recogniser: &self.recogniser,
        }
    }
}

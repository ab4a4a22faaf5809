//! The committed check-worthiness weights are what the committed command trains.
//!
//! `src/extract/checkworthiness.bin` is written by `claimdb train --data
//! ../shared/datasets/checkthat2024-task1-english/CT24_checkworthy_english_train.tsv`
//! (README, "The check-worthiness model"). Nothing else ties the file to the
//! code: a change to the words, the word classes, the feature hashing or the
//! trainer leaves the embedded weights as they were, and the extractor then
//! scores sentences with features the model was never trained on. That
//! happened once, silently: `e9f5bb0` made "executive", "reverend" and
//! "singer" title words, a word class the model reads, and 11,643 of the
//! 262,144 weights no longer matched a retrain. The full cross-validation of
//! the default grid takes about a minute in release, far longer in the debug
//! build CI runs, so these tests check what decides its output instead: the
//! training file itself, the default grid and the features of the training
//! data under every feature setting of the grid (a fingerprint), and the
//! embedded candidate refitted alone with the command's seed and folds,
//! which gives the command's bytes (the winner is refitted with the
//! threshold of its own out-of-fold scores, whatever else was tried), plus
//! training twice on a subset, so that a failure is never a flaky one.

use std::ffi::OsStr;
use std::path::Path;

use clap::Parser;

use super::{TrainArgs, candidates};
use crate::extract::model::{FeatureConfig, Model, Norm, Weighting};
use crate::train::logistic::{Hyperparameters, featurise};
use crate::train::{self, LabelledSentence, TrainOptions, read_dataset};

/// The committed weights, as the extractor embeds them.
const COMMITTED_WEIGHTS: &[u8] = include_bytes!("../../extract/checkworthiness.bin");

/// The training data of the committed command, beside the project as CI lays
/// it out.
const CT24_TRAIN: &str = "../shared/datasets/checkthat2024-task1-english/CT24_checkworthy_english_train.tsv";

/// SHA-256 of [`CT24_TRAIN`] when the weights were trained.
const CT24_TRAIN_SHA256: &str = "e6a4b76c210dfd9eaaed917d29983ac8fe68cc99b29969677335639921d6df8f";

/// SHA-256 of the default grid and of the features of every CT24 train
/// sentence under each of its feature settings, as [`features_fingerprint`]
/// computes it, when the weights were trained.
const FEATURES_FINGERPRINT: &str = "48d09de510d63dc421efb5d678a651b8b2ab7d539edc27903b7fb7fed618800a";

/// The candidate the committed command chose, which the committed weights are.
const EMBEDDED_CANDIDATE: Hyperparameters = Hyperparameters {
    config: FeatureConfig {
        bucket_bits: 18,
        char_ngrams: (3, 4),
        weighting: Weighting::NaiveBayes,
        norm: Norm::Count,
        shape_ngrams: 0,
        analysis: false,
    },
    l2: 1e-5,
    epochs: 5,
    learning_rate: 0.2,
    positive_weight: 1.0,
    n_seeds: 1,
    averaged_epochs: 1,
};

/// What to do when a check below fails.
const RETRAIN: &str = "retrain with the committed command, `cargo build --release && \
    target/release/claimdb train --data ../shared/datasets/checkthat2024-task1-english/CT24_checkworthy_english_train.tsv` \
    (README, \"The check-worthiness model\"), commit src/extract/checkworthiness.bin, measure it as \
    BENCHMARKS.md does and raise EXTRACTOR_VERSION if scores change; then record the new values in \
    src/cli/train/tests.rs";

/// The arguments of the committed command.
fn committed_command() -> TrainArgs {
    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: TrainArgs,
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join(CT24_TRAIN);
    Command::parse_from([OsStr::new("train"), OsStr::new("--data"), data.as_os_str()]).args
}

fn read_training_data(args: &TrainArgs) -> Vec<LabelledSentence> {
    let bytes = std::fs::read(&args.data)
        .unwrap_or_else(|error| panic!("{} (CT24 lives in ../shared): {error}", args.data.display()));
    let digest = hex::encode(crate::hash::sha256_bytes(&bytes));
    assert_eq!(
        digest,
        CT24_TRAIN_SHA256,
        "{} is not the file the committed weights were trained on",
        args.data.display()
    );
    read_dataset(&args.data).unwrap().1
}

/// A digest of the candidates and of what the trainer sees of every
/// sentence under each distinct feature setting among them (the setting
/// [`train::train`] featurises by: weighting and norm are scales learnt from
/// these buckets): every example's label, word-block length and buckets.
fn features_fingerprint(candidates: &[Hyperparameters], sentences: &[LabelledSentence]) -> String {
    let mut bytes = format!("{candidates:?}").into_bytes();
    let mut settings: Vec<FeatureConfig> = Vec::new();
    for candidate in candidates {
        let setting = FeatureConfig {
            weighting: Weighting::Binary,
            norm: Norm::Count,
            ..candidate.config
        };
        if !settings.contains(&setting) {
            settings.push(setting);
        }
    }
    for setting in settings {
        for example in featurise(sentences, setting) {
            bytes.push(u8::from(example.is_checkworthy));
            bytes.extend_from_slice(&(example.n_word_features as u32).to_le_bytes());
            bytes.extend_from_slice(&(example.buckets.len() as u32).to_le_bytes());
            for bucket in &example.buckets {
                bytes.extend_from_slice(&bucket.to_le_bytes());
            }
        }
    }
    hex::encode(crate::hash::sha256_bytes(&bytes))
}

/// A change to the features of the training data, or to the default grid,
/// changes what the committed command writes, even when it leaves the
/// embedded candidate's own features alone (word shapes are read only by
/// other candidates, and may change which one wins).
#[test]
fn the_training_features_are_those_the_weights_were_trained_on() {
    let args = committed_command();
    let sentences = read_training_data(&args);
    let fingerprint = features_fingerprint(&candidates(&args).unwrap(), &sentences);
    assert_eq!(
        fingerprint, FEATURES_FINGERPRINT,
        "the features of CT24 train, or the default grid, changed since the check-worthiness weights \
         were trained: {RETRAIN} (FEATURES_FINGERPRINT = \"{fingerprint}\")"
    );
}

/// The committed command cross-validates the default grid and refits the
/// winner on all the data with the threshold of its own out-of-fold scores;
/// the winner refitted alone, with the same seed and folds, gives the same
/// bytes.
#[test]
fn the_embedded_weights_are_what_the_committed_command_trains() {
    let args = committed_command();
    let committed = Model::from_bytes(COMMITTED_WEIGHTS).unwrap();
    assert_eq!(
        committed.config, EMBEDDED_CANDIDATE.config,
        "the committed weights are not of EMBEDDED_CANDIDATE: record the candidate `claimdb train` chose"
    );
    assert!(
        candidates(&args).unwrap().contains(&EMBEDDED_CANDIDATE),
        "the default grid no longer holds the embedded candidate: {RETRAIN}"
    );
    let sentences = read_training_data(&args);
    let options = TrainOptions {
        seed: args.seed,
        folds: args.folds as usize,
    };
    let trained = train::train(&sentences, &[EMBEDDED_CANDIDATE], options, |_| {}).unwrap();
    let retrained = trained.model.to_bytes();
    let differing_words = retrained
        .chunks(2)
        .zip(COMMITTED_WEIGHTS.chunks(2))
        .filter(|(new, old)| new != old)
        .count();
    assert!(
        retrained == COMMITTED_WEIGHTS,
        "src/extract/checkworthiness.bin is not what the committed command trains ({differing_words} of {} \
         two-byte words differ, {} bytes against {}): the features or the trainer changed since the weights \
         were written; {RETRAIN}",
        COMMITTED_WEIGHTS.len() / 2,
        retrained.len(),
        COMMITTED_WEIGHTS.len()
    );
}

/// Training is deterministic for a seed, so that the check above is not
/// luck: the embedded candidate fitted twice on the first 2,000 sentences.
#[test]
fn training_the_embedded_candidate_twice_gives_the_same_bytes() {
    let args = committed_command();
    let sentences = read_training_data(&args);
    let subset = &sentences[..2_000];
    let options = TrainOptions {
        seed: args.seed,
        folds: args.folds as usize,
    };
    let first = train::train(subset, &[EMBEDDED_CANDIDATE], options, |_| {}).unwrap();
    let second = train::train(subset, &[EMBEDDED_CANDIDATE], options, |_| {}).unwrap();
    assert_eq!(first.candidates, second.candidates);
    assert!(
        first.model.to_bytes() == second.model.to_bytes(),
        "training is not deterministic for a seed"
    );
}

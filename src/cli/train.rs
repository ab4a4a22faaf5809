//! `claimdb train`: fits the check-worthiness model on a labelled data set and writes its weights.

use super::output::outln;
use std::path::PathBuf;

use anyhow::Context;

use crate::extract::model::{
    FeatureConfig, MAX_CHAR_NGRAM, MAX_SHAPE_NGRAM, Norm, Weighting, is_shape_ngram_setting,
};
use crate::train::logistic::{CandidateResult, Hyperparameters};
use crate::train::{self, TrainOptions};

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// The labelled training data: a CT24 .tsv, a ClaimBuster .csv, a debate
    /// transcript .tsv or a directory of them.
    #[arg(long)]
    data: PathBuf,
    /// Where to write the weights. The default is the file the extractor embeds.
    #[arg(long, default_value = "src/extract/checkworthiness.bin")]
    out: PathBuf,
    /// Seeds the folds and the order of training; the same seed and data
    /// give the same weights.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// The number of cross-validation folds that choose among the candidates
    /// and set the threshold (2 to 20).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(2..=20))]
    folds: u64,
    /// The model has 2^N weights (N from 8 to 24); fewer make a smaller file
    /// and faster scoring, more make fewer hash collisions.
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(8..=24))]
    bucket_bits: u32,
    /// Character n-gram ranges to try, comma-separated: `0` for none, `3-5`
    /// for 3- to 5-grams of every word.
    #[arg(long, value_delimiter = ',', default_value = "0,3-4")]
    char_ngrams: Vec<String>,
    /// Per-bucket weightings to try: `binary`, `idf`, `nb` (naive-Bayes log-count ratio).
    #[arg(long, value_delimiter = ',', default_value = "binary,nb")]
    weighting: Vec<String>,
    /// Block norms to try: `count` (square root of the feature count) or
    /// `euclidean` (of the weighted features, as TF-IDF).
    #[arg(long, value_delimiter = ',', default_value = "count")]
    norm: Vec<String>,
    /// Word-shape n-grams to try: `0` for none, `2` for bigrams of word
    /// shapes (each word's word class, else number, capitalised, lower-case
    /// or other), `3` for bigrams and trigrams.
    #[arg(long, value_delimiter = ',', default_values_t = [0, 2])]
    shape_ngrams: Vec<u32>,
    /// Analysis features to try: `0` for none, `1` for the features of each
    /// sentence's tags, tree and named entities (its main clause's tense,
    /// modal and subject, its clauses, numbers with units, entities by
    /// kind). A model with them makes the extractor analyse every sentence
    /// it scores, 2.5 to 2.8 times its time without (BENCHMARKS.md, issue
    /// 12, session 15), so they are not in the default grid.
    #[arg(long, value_delimiter = ',', default_values_t = [0], value_parser = clap::value_parser!(u32).range(0..=1))]
    analysis: Vec<u32>,
    /// L2 penalties to try.
    #[arg(long, value_delimiter = ',', default_values_t = [1e-5, 1e-4])]
    l2: Vec<f64>,
    /// Numbers of epochs to try.
    #[arg(long, value_delimiter = ',', default_values_t = [5, 8])]
    epochs: Vec<usize>,
    /// AdaGrad learning rates to try.
    #[arg(long, value_delimiter = ',', default_values_t = [0.2])]
    learning_rate: Vec<f64>,
    /// Weights of a check-worthy example's error to try.
    #[arg(long, value_delimiter = ',', default_values_t = [1.0])]
    positive_weight: Vec<f64>,
    /// Numbers of shuffling seeds whose models are averaged, to try.
    #[arg(long, value_delimiter = ',', default_values_t = [1])]
    seeds: Vec<usize>,
    /// Iterate averaging to try: the model is the average of the weights
    /// after every update of this many final epochs (`0` for the last
    /// weights alone, `all` for every epoch).
    #[arg(long, value_delimiter = ',', default_value = "0,1")]
    averaged_epochs: Vec<String>,
}

fn parse_averaged_epochs(text: &str) -> anyhow::Result<usize> {
    if text == "all" {
        return Ok(usize::MAX);
    }
    text.parse()
        .with_context(|| format!("--averaged-epochs {text}: expected a number or all"))
}

fn parse_char_ngrams(text: &str) -> anyhow::Result<(u32, u32)> {
    if text == "0" {
        return Ok((0, 0));
    }
    let (min, max) = text.split_once('-').unwrap_or((text, text));
    let (min, max): (u32, u32) = (min.parse()?, max.parse()?);
    if !(1 <= min && min <= max && max <= MAX_CHAR_NGRAM) {
        anyhow::bail!("--char-ngrams {text}: lengths must lie in 1..={MAX_CHAR_NGRAM}");
    }
    Ok((min, max))
}

/// The candidates: every combination of the options' values.
fn candidates(args: &TrainArgs) -> anyhow::Result<Vec<Hyperparameters>> {
    let mut configs = Vec::new();
    for char_ngrams in &args.char_ngrams {
        let char_ngrams =
            parse_char_ngrams(char_ngrams).with_context(|| format!("--char-ngrams {char_ngrams}"))?;
        for weighting in &args.weighting {
            let weighting = match weighting.as_str() {
                "binary" => Weighting::Binary,
                "idf" => Weighting::Idf,
                "nb" => Weighting::NaiveBayes,
                other => anyhow::bail!("--weighting {other}: expected binary, idf or nb"),
            };
            for norm in &args.norm {
                let norm = match norm.as_str() {
                    "count" => Norm::Count,
                    "euclidean" => Norm::Euclidean,
                    other => anyhow::bail!("--norm {other}: expected count or euclidean"),
                };
                // With every scale 1 the two norms are the same.
                if weighting == Weighting::Binary && norm == Norm::Euclidean {
                    continue;
                }
                for &shape_ngrams in &args.shape_ngrams {
                    if !is_shape_ngram_setting(shape_ngrams) {
                        anyhow::bail!("--shape-ngrams {shape_ngrams}: expected 0, 2 or {MAX_SHAPE_NGRAM}");
                    }
                    for &analysis in &args.analysis {
                        configs.push(FeatureConfig {
                            bucket_bits: args.bucket_bits,
                            char_ngrams,
                            weighting,
                            norm,
                            shape_ngrams,
                            analysis: analysis == 1,
                        });
                    }
                }
            }
        }
    }
    let averaged_epochs: Vec<usize> = args
        .averaged_epochs
        .iter()
        .map(|text| parse_averaged_epochs(text))
        .collect::<anyhow::Result<_>>()?;
    let mut candidates = Vec::new();
    for config in configs {
        for &l2 in &args.l2 {
            for &epochs in &args.epochs {
                for &positive_weight in &args.positive_weight {
                    for &n_seeds in &args.seeds {
                        if !(l2 >= 0.0 && positive_weight > 0.0 && epochs > 0 && n_seeds > 0) {
                            anyhow::bail!(
                                "--l2 must be at least 0, --positive-weight more than 0, --epochs and --seeds at least 1"
                            );
                        }
                        for (&averaged, &learning_rate) in pairs(&averaged_epochs, &args.learning_rate) {
                            if learning_rate.is_nan() || learning_rate <= 0.0 {
                                anyhow::bail!("--learning-rate must be more than 0");
                            }
                            candidates.push(Hyperparameters {
                                config,
                                l2,
                                epochs,
                                learning_rate,
                                positive_weight,
                                n_seeds,
                                averaged_epochs: averaged.min(epochs),
                            });
                        }
                    }
                }
            }
        }
    }
    if candidates.is_empty() {
        anyhow::bail!("no candidate hyperparameters to train");
    }
    Ok(candidates)
}

/// Every pair of an element of `first` and one of `second`, in order.
fn pairs<'a, A, B>(first: &'a [A], second: &'a [B]) -> impl Iterator<Item = (&'a A, &'a B)> {
    first.iter().flat_map(move |a| second.iter().map(move |b| (a, b)))
}

fn describe(hyperparameters: &Hyperparameters) -> String {
    let config = hyperparameters.config;
    let chars = match config.char_ngrams {
        (0, 0) => "0".to_string(),
        (min, max) => format!("{min}-{max}"),
    };
    format!(
        "char_ngrams={chars} shape_ngrams={} weighting={:?} norm={:?} bucket_bits={} l2={:e} epochs={} learning_rate={} positive_weight={} seeds={} averaged_epochs={} analysis={}",
        config.shape_ngrams,
        config.weighting,
        config.norm,
        config.bucket_bits,
        hyperparameters.l2,
        hyperparameters.epochs,
        hyperparameters.learning_rate,
        hyperparameters.positive_weight,
        hyperparameters.n_seeds,
        hyperparameters.averaged_epochs,
        u32::from(config.analysis)
    )
}

fn print_result(result: &CandidateResult) {
    outln!(
        "candidate {}: cv F1={:.4} AP={:.4} threshold={:.3} transferred F1 score={:.4} share={:.4}",
        describe(&result.hyperparameters),
        result.f1,
        result.average_precision,
        result.threshold,
        result.transferred_f1,
        result.transferred_share_f1
    );
}

pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    let candidates = candidates(args)?;
    let (layout, sentences) = train::read_dataset(&args.data)?;
    let n_checkworthy = sentences
        .iter()
        .filter(|sentence| sentence.is_checkworthy)
        .count();
    if n_checkworthy == 0 || n_checkworthy == sentences.len() {
        anyhow::bail!(
            "{}: training needs both check-worthy and other sentences; this {} data has {} of {}",
            args.data.display(),
            layout.name(),
            n_checkworthy,
            sentences.len()
        );
    }
    outln!(
        "data={} layout={} sentences={} checkworthy={} folds={} seed={} candidates={}",
        args.data.display(),
        layout.name(),
        sentences.len(),
        n_checkworthy,
        args.folds,
        args.seed,
        candidates.len()
    );
    let options = TrainOptions {
        seed: args.seed,
        folds: args.folds as usize,
    };
    let trained = train::train(&sentences, &candidates, options, print_result)
        .context("no candidate hyperparameters to train")?;
    let chosen = trained.chosen;
    outln!(
        "chosen {}: cv F1={:.4}",
        describe(&chosen.hyperparameters),
        chosen.f1
    );
    outln!(
        "threshold={:.3} from {}-fold out-of-fold scores, folded into the bias; refitted on all {} sentences",
        chosen.threshold,
        args.folds,
        sentences.len()
    );
    let bytes = trained.model.to_bytes();
    std::fs::write(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    outln!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    Ok(())
}

#[cfg(test)]
mod tests;

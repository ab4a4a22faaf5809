//! `claimdb train`: fits the check-worthiness model on a labelled data set and writes its weights.

use std::path::PathBuf;

use anyhow::Context;

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
    /// Seeds the hold-out split and the order of training; the same seed and
    /// data give the same weights.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// The share of the data held out to choose the features, the L2 penalty
    /// and the threshold (more than 0, at most 0.5).
    #[arg(long, default_value_t = 0.1)]
    holdout: f64,
    /// Whether to hash character 3/4-grams: `auto` lets the hold-out decide,
    /// `yes` and `no` force it.
    #[arg(long, default_value = "auto", value_parser = ["auto", "yes", "no"])]
    char_ngrams: String,
    /// The model has 2^N weights (N from 8 to 24); fewer make a smaller file
    /// and faster scoring, more make fewer hash collisions.
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(8..=24))]
    bucket_bits: u32,
}

pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    if !(args.holdout > 0.0 && args.holdout <= 0.5) {
        anyhow::bail!(
            "--holdout must be more than 0 and at most 0.5, not {}",
            args.holdout
        );
    }
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
    println!(
        "data={} layout={} sentences={} checkworthy={}",
        args.data.display(),
        layout.name(),
        sentences.len(),
        n_checkworthy
    );
    let options = TrainOptions {
        seed: args.seed,
        holdout_fraction: args.holdout,
    };
    let mut candidates = train::default_candidates();
    for candidate in &mut candidates {
        candidate.config.bucket_bits = args.bucket_bits;
    }
    match args.char_ngrams.as_str() {
        "yes" => candidates.retain(|candidate| candidate.config.char_ngrams),
        "no" => candidates.retain(|candidate| !candidate.config.char_ngrams),
        _ => {}
    }
    let trained =
        train::train(&sentences, &candidates, options).context("no candidate hyperparameters to train")?;
    println!(
        "fit={} holdout={} seed={}",
        trained.n_fit, trained.n_holdout, args.seed
    );
    for candidate in &trained.candidates {
        let hyperparameters = candidate.hyperparameters;
        println!(
            "candidate char_ngrams={} normalise={} bucket_bits={} l2={:e} epochs={}: holdout F1={:.3} AP={:.3} threshold={:.3}",
            hyperparameters.config.char_ngrams,
            hyperparameters.config.normalise,
            hyperparameters.config.bucket_bits,
            hyperparameters.l2,
            hyperparameters.epochs,
            candidate.f1,
            candidate.average_precision,
            candidate.threshold
        );
    }
    let chosen = trained.chosen;
    println!(
        "chosen char_ngrams={} normalise={} l2={:e} epochs={}: holdout F1={:.3}",
        chosen.hyperparameters.config.char_ngrams,
        chosen.hyperparameters.config.normalise,
        chosen.hyperparameters.l2,
        chosen.hyperparameters.epochs,
        chosen.f1
    );
    println!(
        "threshold={:.3} from {}-fold out-of-fold scores (F1={:.3} there), folded into the bias; refitted on all {} sentences",
        trained.threshold,
        train::logistic::N_THRESHOLD_FOLDS,
        trained.cross_validated_f1,
        sentences.len()
    );
    let bytes = trained.model.to_bytes();
    std::fs::write(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    Ok(())
}

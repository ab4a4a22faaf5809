//! `claimdb train coref` and `claimdb eval coref`: the pronoun resolver's
//! training on GAP development (hyperparameters and threshold chosen on GAP
//! validation), and its figures on GAP (the official measures and a
//! precision–coverage curve) or on GUM's coreference layer.

use super::output::{errln, out, outln};
use std::path::{Path, PathBuf};

use anyhow::Context;
use claimdb_analysis::conllu;
use claimdb_analysis::coref::gap::{self, AnalysedRow, GapRow};
use claimdb_analysis::coref::{CONFIDENT, Resolver, TARGET_PRECISION, TrainOptions, gum};
use claimdb_analysis::pipeline::Models;

const WEIGHTS_FILE: &str = "crates/analysis/weights/coref.bin";
/// The GAP test figures of the weights beside it, pinned by a test.
const FIGURES_FILE: &str = "coref-figures.txt";
/// The fewest pronouns a threshold must resolve on validation to be chosen.
const MIN_RESOLVED: usize = 20;

#[derive(Debug, clap::Args)]
pub struct TrainCorefArgs {
    /// The GAP folder: `gap-development.tsv` trains, `gap-validation.tsv`
    /// chooses the threshold, `gap-test.tsv` is only measured and recorded.
    #[arg(long, default_value = "../shared/datasets/gap-coreference")]
    gap: PathBuf,
    /// Where to write the weights; their figures go beside them as
    /// `coref-figures.txt`. The default is where the binary embeds them from
    /// (rebuild to use new weights).
    #[arg(long, default_value = WEIGHTS_FILE)]
    out: PathBuf,
    /// Seeds the shuffling: the same seed and data give the same weights.
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    seed: u64,
    /// Passes over the training rows.
    #[arg(long, default_value_t = TrainOptions::default().epochs as u64,
          value_parser = clap::value_parser!(u64).range(1..=200))]
    epochs: u64,
    /// AdaGrad's step size.
    #[arg(long, default_value_t = TrainOptions::default().learning_rate)]
    learning_rate: f64,
    /// The L2 penalty.
    #[arg(long, default_value_t = TrainOptions::default().l2)]
    l2: f64,
}

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct EvalCorefData {
    /// A GAP TSV file: prints GAP's measures and the precision–coverage curve.
    #[arg(long)]
    data: Option<PathBuf>,
    /// A CoNLL-U file with CorefUD `Entity=` coreference (GUM): precision and
    /// coverage of the top candidate for pronouns whose entity came before.
    #[arg(long)]
    gum: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct EvalCorefArgs {
    #[command(flatten)]
    data: EvalCorefData,
    /// Reads the resolver's weights from this file (as `claimdb train coref`
    /// writes it) instead of those embedded in this binary.
    #[arg(long)]
    weights: Option<PathBuf>,
}

/// `claimdb train coref`.
pub fn train(args: &TrainCorefArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let models = Models::embedded();
    let development = read_gap(&args.gap.join("gap-development.tsv"))?;
    let validation = read_gap(&args.gap.join("gap-validation.tsv"))?;
    let analysed = gap::analyse_rows(&models, &development);
    errln!(
        "[{:>6.1}s] analysed {} development rows",
        started.elapsed().as_secs_f64(),
        analysed.len()
    );
    let options = TrainOptions {
        seed: args.seed,
        epochs: args.epochs as usize,
        learning_rate: args.learning_rate,
        l2: args.l2,
    };
    let resolver = gap::train_on(&analysed, &options);
    let trained_in = started.elapsed().as_secs_f64();
    if let Some(parent) = args.out.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let bytes = resolver.to_bytes();
    std::fs::write(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    outln!(
        "wrote {} ({} bytes: {} weights, {} first names)",
        args.out.display(),
        bytes.len(),
        resolver.n_weights(),
        resolver.names().len()
    );
    outln!("trained in {trained_in:.1} s (analysis of the rows included)");

    let development_outcomes = gap::outcomes(&resolver, &analysed);
    let in_window = development_outcomes
        .iter()
        .filter(|outcome| outcome.gold_in_window)
        .count();
    let with_gold = gap::curve_items(&development_outcomes).len();
    outln!("development: the right name is a candidate for {in_window} of {with_gold} pronouns");
    let validation_rows = gap::analyse_rows(&models, &validation);
    let validation_outcomes = gap::outcomes(&resolver, &validation_rows);
    print_gap("validation", &validation_outcomes);
    let items = gap::curve_items(&validation_outcomes);
    let threshold = gap::choose_threshold(&items, TARGET_PRECISION, MIN_RESOLVED);
    let Some(threshold) = threshold else {
        // Record the weights at the operating point the code holds, and say
        // plainly that it misses the target (so the figures file tells).
        outln!(
            "no threshold reaches precision {TARGET_PRECISION} on validation: recording at coref::CONFIDENT = {CONFIDENT:.3}, below target"
        );
        return record_figures(args, &models, &validation_outcomes, CONFIDENT);
    };
    outln!(
        "chosen threshold (validation precision >= {TARGET_PRECISION} from here up): {threshold:.3}{}",
        if (threshold - CONFIDENT).abs() < 1e-6 {
            String::new()
        } else {
            format!(" (coref::CONFIDENT is {CONFIDENT:.3}: set it and rebuild)")
        }
    );
    record_figures(args, &models, &validation_outcomes, threshold)
}

/// Writes the GAP validation and test figures of what was just trained at
/// `threshold` beside the weights (never used to choose anything), so that
/// a test can pin the committed weights.
fn record_figures(
    args: &TrainCorefArgs,
    models: &Models<'_>,
    validation_outcomes: &[gap::RowOutcome],
    threshold: f32,
) -> anyhow::Result<()> {
    let test = read_gap(&args.gap.join("gap-test.tsv"))?;
    let resolver = Resolver::from_bytes(&std::fs::read(&args.out)?)?;
    let test_outcomes = gap::outcomes(&resolver, &gap::analyse_rows(models, &test));
    let mut record = format!("validation-threshold={threshold:.3}\n");
    record.push_str(&gap::record("gap-validation", validation_outcomes, threshold));
    record.push_str(&gap::record("gap-test", &test_outcomes, threshold));
    let figures = args.out.with_file_name(FIGURES_FILE);
    std::fs::write(&figures, &record).with_context(|| format!("cannot write {}", figures.display()))?;
    out!("{record}");
    outln!("wrote {}", figures.display());
    Ok(())
}

/// `claimdb eval coref`.
pub fn eval(args: &EvalCorefArgs) -> anyhow::Result<()> {
    let loaded = match &args.weights {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            Some(Resolver::from_bytes(&bytes).with_context(|| format!("{}", path.display()))?)
        }
        None => None,
    };
    let resolver = loaded.as_ref().unwrap_or_else(|| Resolver::embedded());
    let models = Models::embedded();
    let started = std::time::Instant::now();
    if let Some(path) = &args.data.data {
        let rows = read_gap(path)?;
        let analysed: Vec<AnalysedRow<'_>> = gap::analyse_rows(&models, &rows);
        let outcomes = gap::outcomes(resolver, &analysed);
        outln!(
            "rows={} (in {:.1} s)",
            rows.len(),
            started.elapsed().as_secs_f64()
        );
        print_gap("gap", &outcomes);
        return Ok(());
    }
    let path = args.data.gum.as_ref().context("--data or --gum is required")?;
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let treebank = conllu::parse(&text).with_context(|| format!("{}", path.display()))?;
    let outcomes = gum::outcomes(&models, resolver, &treebank);
    outln!(
        "documents={} pronouns={} (third-person personal, entity mentioned before; in {:.1} s)",
        gum::documents(&treebank).len(),
        outcomes.len(),
        started.elapsed().as_secs_f64()
    );
    for (name, gendered_only) in [("he/she/him/her/his/hers", true), ("all third-person", false)] {
        let items = gum::curve_items(&outcomes, gendered_only);
        let point = gap::curve_point(&items, CONFIDENT);
        outln!(
            "{name}: at CONFIDENT={CONFIDENT:.3} precision={:.4} coverage={:.4} resolved={}/{}",
            point.precision(),
            point.coverage(),
            point.resolved,
            point.total
        );
        let chosen: Vec<_> = outcomes
            .iter()
            .filter(|outcome| !gendered_only || outcome.gendered)
            .collect();
        let resolved = chosen.iter().filter(|outcome| outcome.baseline_resolved).count();
        let correct = chosen.iter().filter(|outcome| outcome.baseline_correct).count();
        outln!(
            "{name}: baseline precision={:.4} coverage={:.4} resolved={resolved}/{}",
            ratio(correct, resolved),
            ratio(resolved, chosen.len()),
            chosen.len()
        );
        outln!("{name}: precision-coverage curve of the top candidate:");
        out!("{}", gap::format_curve(&items, gap::CURVE_THRESHOLDS));
    }
    Ok(())
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

fn print_gap(name: &str, outcomes: &[gap::RowOutcome]) {
    let model = gap::scores(outcomes, |outcome| outcome.predicted);
    let baseline = gap::scores(outcomes, |outcome| outcome.baseline);
    outln!("{name} model: {}", model.line(4));
    outln!("{name} baseline: {}", baseline.line(4));
    let items = gap::curve_items(outcomes);
    let point = gap::curve_point(&items, CONFIDENT);
    outln!(
        "{name}: at CONFIDENT={CONFIDENT:.3} precision={:.4} coverage={:.4} resolved={}/{}",
        point.precision(),
        point.coverage(),
        point.resolved,
        point.total
    );
    outln!("{name}: precision-coverage curve of the top candidate (rows where A or B is the antecedent):");
    out!("{}", gap::format_curve(&items, gap::CURVE_THRESHOLDS));
}

fn read_gap(path: &Path) -> anyhow::Result<Vec<GapRow>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    gap::parse(&text)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{}", path.display()))
}

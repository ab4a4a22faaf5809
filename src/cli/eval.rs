//! `claimdb eval`: precision, recall and F1 of the check-worthiness model on a labelled data set.

use super::output::outln;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use anyhow::Context;

use crate::extract::model::{self, Model};
use crate::train::{self, Layout, average_precision};

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The labelled data: a CT24 .tsv, a ClaimBuster .csv, a debate transcript
    /// .tsv or a directory of them, or an AVeriTeC .json.
    #[arg(long)]
    data: PathBuf,
    /// A weights file written by `claimdb train`; the model embedded in this
    /// binary when not given.
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Leaves out every sentence that also occurs (ignoring case and spacing)
    /// in this data set, e.g. the training split, to measure on unseen
    /// sentences only.
    #[arg(long)]
    exclude_seen: Option<PathBuf>,
}

pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let loaded;
    let model: &Model = match &args.weights {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            loaded = Model::from_bytes(&bytes).with_context(|| format!("{}", path.display()))?;
            &loaded
        }
        None => model::embedded(),
    };
    let (layout, mut sentences) = train::read_dataset(&args.data)?;
    if let Some(seen_path) = &args.exclude_seen {
        let (_, seen) = train::read_dataset(seen_path)?;
        let seen: HashSet<String> = seen.iter().map(|sentence| comparable(&sentence.text)).collect();
        let n_before = sentences.len();
        sentences.retain(|sentence| !seen.contains(&comparable(&sentence.text)));
        outln!(
            "excluded {} of {n_before} sentences also in {}",
            n_before - sentences.len(),
            seen_path.display()
        );
    }
    let (scores, confusion) = train::evaluate(model, &sentences);
    outln!(
        "precision={:.3} recall={:.3} F1={:.3}",
        confusion.precision(),
        confusion.recall(),
        confusion.f1()
    );
    let labels: Vec<bool> = sentences.iter().map(|sentence| sentence.is_checkworthy).collect();
    let n_checkworthy = labels.iter().filter(|&&label| label).count();
    let mean_score = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
    outln!(
        "layout={} sentences={} checkworthy={} predicted={} mean_score={:.3} average_precision={:.3}",
        layout.name(),
        sentences.len(),
        n_checkworthy,
        confusion.true_positives + confusion.false_positives,
        mean_score,
        average_precision(&scores, &labels)
    );
    match layout {
        Layout::Debates => {
            // The CheckThat! 2020 measure: rank each transcript, average the APs.
            let mut by_transcript: BTreeMap<&str, (Vec<f64>, Vec<bool>)> = BTreeMap::new();
            for (sentence, &score) in sentences.iter().zip(&scores) {
                let (transcript_scores, transcript_labels) =
                    by_transcript.entry(&sentence.group).or_default();
                transcript_scores.push(score);
                transcript_labels.push(sentence.is_checkworthy);
            }
            let aps: Vec<f64> = by_transcript
                .values()
                .map(|(transcript_scores, transcript_labels)| {
                    average_precision(transcript_scores, transcript_labels)
                })
                .collect();
            let map = aps.iter().sum::<f64>() / aps.len().max(1) as f64;
            outln!("transcripts={} MAP={map:.3}", aps.len());
        }
        Layout::Averitec => {
            outln!(
                "note: every AVeriTeC claim is labelled check-worthy, so precision is 1 by construction \
                 and recall is the share of claims scored check-worthy"
            );
        }
        Layout::Ct24 | Layout::ClaimBuster => {}
    }
    Ok(())
}

/// Lower case with runs of whitespace collapsed, so copies that differ only
/// in case or spacing compare equal.
fn comparable(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

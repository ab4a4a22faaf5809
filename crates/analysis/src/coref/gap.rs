//! GAP (Webster et al. 2018, "Mind the GAP"): its TSV rows, the training
//! examples they give, and its official measures (precision, recall and F1
//! over the A and B decisions, per pronoun gender, and the bias F/M, as
//! `gap_scorer.py` counts them), with the precision–coverage curve of
//! resolving to the top candidate.

use std::ops::Range;

use crate::pipeline::{Analysis, Models};

use super::mentions::{Gender, Mention};
use super::{Example, NameGenders, Resolver, TrainOptions, WordRef};

/// A candidate name of a row: its text, its bytes in the row's text, and
/// whether the pronoun refers to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapName {
    pub name: String,
    pub span: Range<usize>,
    pub coref: bool,
}

/// One GAP row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRow {
    pub id: String,
    pub text: String,
    pub pronoun: String,
    /// The pronoun's bytes in `text` (the file gives character offsets).
    pub pronoun_span: Range<usize>,
    pub a: GapName,
    pub b: GapName,
}

impl GapRow {
    /// The pronoun's gender (GAP has only he, she and their forms).
    pub fn gender(&self) -> Gender {
        match self.pronoun.to_lowercase().as_str() {
            "he" | "him" | "his" | "himself" => Gender::Masculine,
            "she" | "her" | "hers" | "herself" => Gender::Feminine,
            _ => Gender::Unknown,
        }
    }

    /// Which name the pronoun refers to, if one does.
    pub fn gold(&self) -> Option<Side> {
        match (self.a.coref, self.b.coref) {
            (true, false) => Some(Side::A),
            (false, true) => Some(Side::B),
            _ => None,
        }
    }
}

/// Name A or name B of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

/// Reads a GAP TSV file (a header row, then 11 tab-separated columns).
pub fn parse(tsv: &str) -> Result<Vec<GapRow>, String> {
    let mut rows = Vec::new();
    for (line_idx, line) in tsv.lines().enumerate() {
        if line_idx == 0 || line.trim().is_empty() {
            continue;
        }
        let line_number = line_idx + 1;
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 10 {
            return Err(format!(
                "line {line_number}: {} fields, expected 11",
                fields.len()
            ));
        }
        let text = fields[1].to_string();
        let byte_span = |offset_field: &str, name: &str| -> Result<Range<usize>, String> {
            let chars: usize = offset_field
                .parse()
                .map_err(|_| format!("line {line_number}: bad offset {offset_field:?}"))?;
            let start = text
                .char_indices()
                .map(|(byte, _)| byte)
                .chain(std::iter::once(text.len()))
                .nth(chars)
                .ok_or_else(|| format!("line {line_number}: offset {chars} past the text"))?;
            let span = start..start + name.len();
            if text.get(span.clone()) != Some(name) {
                return Err(format!(
                    "line {line_number}: {name:?} is not at character {chars}"
                ));
            }
            Ok(span)
        };
        let coref = |field: &str| -> Result<bool, String> {
            match field {
                "TRUE" | "True" | "true" => Ok(true),
                "FALSE" | "False" | "false" => Ok(false),
                _ => Err(format!(
                    "line {line_number}: coref {field:?} is not TRUE or FALSE"
                )),
            }
        };
        rows.push(GapRow {
            id: fields[0].to_string(),
            pronoun: fields[2].to_string(),
            pronoun_span: byte_span(fields[3], fields[2])?,
            a: GapName {
                name: fields[4].to_string(),
                span: byte_span(fields[5], fields[4])?,
                coref: coref(fields[6])?,
            },
            b: GapName {
                name: fields[7].to_string(),
                span: byte_span(fields[8], fields[7])?,
                coref: coref(fields[9])?,
            },
            text,
        });
    }
    Ok(rows)
}

/// A row analysed: its sentences and where its pronoun is among their words.
#[derive(Debug, Clone)]
pub struct AnalysedRow<'m> {
    pub row: GapRow,
    pub sentences: Vec<Analysis<'m>>,
    /// `None` when no word starts at the pronoun's offset.
    pub pronoun: Option<WordRef>,
}

/// Analyses every row's text with the models.
pub fn analyse_rows<'m>(models: &Models<'m>, rows: &[GapRow]) -> Vec<AnalysedRow<'m>> {
    rows.iter()
        .map(|row| {
            let sentences = models.analyse_text(&row.text);
            let pronoun = word_at(&sentences, row.pronoun_span.start);
            AnalysedRow {
                row: row.clone(),
                sentences,
                pronoun,
            }
        })
        .collect()
}

fn word_at(sentences: &[Analysis<'_>], byte: usize) -> Option<WordRef> {
    sentences.iter().enumerate().find_map(|(sentence, analysis)| {
        let word = analysis
            .words
            .iter()
            .position(|word| word.span.start <= byte && byte < word.span.end)?;
        Some(WordRef { sentence, word })
    })
}

fn name_words(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(|word| {
            word.trim_end_matches("'s")
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

/// Whether a candidate names the same person as a GAP name: the very span,
/// or the same last word, or a one-word name that is a word of the other.
fn names_same(text: &str, mention: &Mention, name: &GapName) -> bool {
    if !mention.kind.is_name() {
        return false;
    }
    if mention.span.start < name.span.end && name.span.start < mention.span.end {
        return true;
    }
    let candidate = name_words(text.get(mention.span.clone()).unwrap_or(""));
    let gold = name_words(&name.name);
    match (candidate.last(), gold.last()) {
        (Some(last), Some(gold_last)) if last == gold_last => true,
        (Some(_), Some(_)) => {
            (candidate.len() == 1 && gold.contains(&candidate[0]))
                || (gold.len() == 1 && candidate.contains(&gold[0]))
        }
        _ => false,
    }
}

/// Which of the row's names a candidate is, if it is one and not both.
pub fn side_of(row: &GapRow, mention: &Mention) -> Option<Side> {
    let a = names_same(&row.text, mention, &row.a);
    let b = names_same(&row.text, mention, &row.b);
    let overlaps = |name: &GapName| mention.span.start < name.span.end && name.span.start < mention.span.end;
    match (a, b) {
        (true, false) => Some(Side::A),
        (false, true) => Some(Side::B),
        (true, true) if overlaps(&row.a) => Some(Side::A),
        (true, true) if overlaps(&row.b) => Some(Side::B),
        _ => None,
    }
}

/// The first-name lexicon of some rows: each row's A and B names (GAP makes
/// both the pronoun's gender) counted under their first word.
pub fn name_genders<'r>(rows: impl Iterator<Item = &'r GapRow>) -> NameGenders {
    let mut names = NameGenders::default();
    for row in rows {
        let gender = row.gender();
        for name in [&row.a, &row.b] {
            if let Some(first) = name_words(&name.name).into_iter().find(|word| {
                !matches!(
                    word.as_str(),
                    "mr" | "mrs" | "ms" | "miss" | "sir" | "lady" | "lord" | "dr" | "dame"
                )
            }) {
                names.add(&first, gender);
            }
        }
    }
    names
}

/// How many folds the first-name lexicon is jackknifed over for training, so
/// that a training row never sees its own names' genders.
pub const LEXICON_FOLDS: usize = 5;

/// Trains the resolver on analysed rows (GAP development): the examples'
/// name genders come from the lexicon of the other folds, the shipped
/// lexicon from all the rows.
pub fn train_on(rows: &[AnalysedRow<'_>], options: &TrainOptions) -> Resolver {
    let fold_lexicons: Vec<NameGenders> = (0..LEXICON_FOLDS)
        .map(|fold| {
            name_genders(
                rows.iter()
                    .enumerate()
                    .filter(|(idx, _)| idx % LEXICON_FOLDS != fold)
                    .map(|(_, row)| &row.row),
            )
        })
        .collect();
    let examples: Vec<Example> = rows
        .iter()
        .enumerate()
        .filter_map(|(idx, analysed)| {
            let pronoun = analysed.pronoun?;
            let gold = analysed.row.gold()?;
            let (candidates, features) =
                super::example_features(&analysed.sentences, pronoun, &fold_lexicons[idx % LEXICON_FOLDS])?;
            let positives = candidates
                .iter()
                .enumerate()
                .filter(|(_, mention)| side_of(&analysed.row, mention) == Some(gold))
                .map(|(idx, _)| idx)
                .collect();
            Some(Example { features, positives })
        })
        .collect();
    let names = name_genders(rows.iter().map(|row| &row.row));
    super::train(&examples, names, options)
}

/// What the resolver and the baseline did with one row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOutcome {
    pub gender: Gender,
    pub gold_a: bool,
    pub gold_b: bool,
    /// The name the top candidate is, if it is A or B.
    pub predicted: Option<Side>,
    /// The top candidate's probability (none when there was no candidate).
    pub top_probability: Option<f32>,
    pub baseline: Option<Side>,
    /// Whether one of A and B was among the candidates at all.
    pub gold_in_window: bool,
}

/// Runs the resolver and the baseline on every analysed row.
pub fn outcomes(resolver: &Resolver, rows: &[AnalysedRow<'_>]) -> Vec<RowOutcome> {
    rows.iter()
        .map(|analysed| {
            let row = &analysed.row;
            let resolution = analysed
                .pronoun
                .and_then(|pronoun| resolver.resolve(&analysed.sentences, pronoun));
            let best = resolution.as_ref().and_then(|resolution| resolution.best());
            let baseline = analysed
                .pronoun
                .and_then(|pronoun| super::baseline_with(resolver, &analysed.sentences, pronoun))
                .flatten();
            let gold_in_window = resolution.as_ref().is_some_and(|resolution| {
                resolution
                    .candidates
                    .iter()
                    .any(|scored| row.gold().is_some() && side_of(row, &scored.mention) == row.gold())
            });
            RowOutcome {
                gender: row.gender(),
                gold_a: row.a.coref,
                gold_b: row.b.coref,
                predicted: best.and_then(|best| side_of(row, &best.mention)),
                top_probability: best.map(|best| best.entity_probability),
                baseline: baseline.and_then(|mention| side_of(row, &mention)),
                gold_in_window,
            }
        })
        .collect()
}

/// Precision, recall and F1 with their counts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    pub fn f1(&self) -> f64 {
        let (precision, recall) = (self.precision(), self.recall());
        if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        }
    }

    fn add(&mut self, gold: bool, predicted: bool) {
        match (gold, predicted) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (true, false) => self.false_negatives += 1,
            (false, false) => {}
        }
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// GAP's measures: overall, masculine and feminine counts over the A and B
/// decisions, and the bias F1(feminine) / F1(masculine).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GapScores {
    pub overall: Counts,
    pub masculine: Counts,
    pub feminine: Counts,
}

impl GapScores {
    pub fn bias(&self) -> f64 {
        let masculine = self.masculine.f1();
        if masculine == 0.0 {
            0.0
        } else {
            self.feminine.f1() / masculine
        }
    }

    /// One line of `NAME=value` measures.
    pub fn line(&self, decimals: usize) -> String {
        format!(
            "precision={:.d$} recall={:.d$} F1={:.d$} M_F1={:.d$} F_F1={:.d$} bias={:.d$}",
            self.overall.precision(),
            self.overall.recall(),
            self.overall.f1(),
            self.masculine.f1(),
            self.feminine.f1(),
            self.bias(),
            d = decimals
        )
    }
}

/// GAP's measures of a prediction per row (`predict` gives the side chosen).
pub fn scores(outcomes: &[RowOutcome], predict: impl Fn(&RowOutcome) -> Option<Side>) -> GapScores {
    let mut scores = GapScores::default();
    for outcome in outcomes {
        let predicted = predict(outcome);
        let by_gender = match outcome.gender {
            Gender::Masculine => Some(&mut scores.masculine),
            Gender::Feminine => Some(&mut scores.feminine),
            _ => None,
        };
        for (gold, side) in [(outcome.gold_a, Side::A), (outcome.gold_b, Side::B)] {
            scores.overall.add(gold, predicted == Some(side));
        }
        if let Some(counts) = by_gender {
            for (gold, side) in [(outcome.gold_a, Side::A), (outcome.gold_b, Side::B)] {
                counts.add(gold, predicted == Some(side));
            }
        }
    }
    scores
}

/// One point of a precision–coverage curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    pub threshold: f32,
    pub resolved: usize,
    pub correct: usize,
    pub total: usize,
}

impl CurvePoint {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.resolved)
    }

    pub fn coverage(&self) -> f64 {
        ratio(self.resolved, self.total)
    }
}

/// The thresholds the curves are printed at.
pub const CURVE_THRESHOLDS: &[f32] = &[
    0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.975, 0.99,
];

/// A precision–coverage point from (top probability, correct) pairs: the
/// items are every pronoun, resolved or not (`None` has no candidate).
pub fn curve_point(items: &[(Option<f32>, bool)], threshold: f32) -> CurvePoint {
    let mut point = CurvePoint {
        threshold,
        resolved: 0,
        correct: 0,
        total: items.len(),
    };
    for (probability, correct) in items {
        if probability.is_some_and(|probability| probability >= threshold) {
            point.resolved += 1;
            point.correct += usize::from(*correct);
        }
    }
    point
}

/// The curve's items on GAP: the rows where A or B is the antecedent, each
/// correct when the top candidate is that name.
pub fn curve_items(outcomes: &[RowOutcome]) -> Vec<(Option<f32>, bool)> {
    outcomes
        .iter()
        .filter_map(|outcome| {
            let gold = match (outcome.gold_a, outcome.gold_b) {
                (true, false) => Side::A,
                (false, true) => Side::B,
                _ => return None,
            };
            Some((outcome.top_probability, outcome.predicted == Some(gold)))
        })
        .collect()
}

/// The lowest threshold (on a grid of 0.005 from 0.5) from which the
/// precision on `items` stays at least `target` at every higher grid point
/// that resolves at least `min_resolved` items; `None` if there is none.
pub fn choose_threshold(items: &[(Option<f32>, bool)], target: f64, min_resolved: usize) -> Option<f32> {
    let grid: Vec<f32> = (100..200).map(|step| step as f32 * 0.005).collect();
    let mut chosen = None;
    for &threshold in grid.iter().rev() {
        let point = curve_point(items, threshold);
        if point.resolved < min_resolved {
            continue;
        }
        if point.precision() >= target {
            chosen = Some(threshold);
        } else {
            break;
        }
    }
    chosen
}

/// The curve as printed lines.
pub fn format_curve(items: &[(Option<f32>, bool)], thresholds: &[f32]) -> String {
    let mut out = String::new();
    for &threshold in thresholds {
        let point = curve_point(items, threshold);
        out.push_str(&format!(
            "  threshold={:.3} precision={:.4} coverage={:.4} resolved={}/{}\n",
            threshold,
            point.precision(),
            point.coverage(),
            point.resolved,
            point.total
        ));
    }
    out
}

/// The figures a weights test pins, six decimals each: GAP's measures of the
/// resolver and of the baseline, and the precision and coverage of the top
/// candidate at `threshold`.
pub fn record(name: &str, outcomes: &[RowOutcome], threshold: f32) -> String {
    let model = scores(outcomes, |outcome| outcome.predicted);
    let baseline = scores(outcomes, |outcome| outcome.baseline);
    let point = curve_point(&curve_items(outcomes), threshold);
    format!(
        "{name} model {}\n{name} baseline {}\n{name} top-candidate threshold={threshold:.3} precision={:.6} coverage={:.6}\n",
        model.line(6),
        baseline.line(6),
        point.precision(),
        point.coverage()
    )
}

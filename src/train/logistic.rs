//! Logistic regression over hashed features, trained with AdaGrad and L2, deterministic for a seed.

use crate::extract::model::{self, FeatureConfig, Model};
use crate::extract::score::sentence_features;
use crate::extract::words::{Word, words};

use super::data::LabelledSentence;
use super::metrics::{Confusion, average_precision, best_f1_threshold};

/// The hashed features of one labelled sentence.
#[derive(Debug, Clone)]
pub struct Example {
    pub buckets: Vec<u32>,
    pub is_checkworthy: bool,
}

/// Turns sentences into examples exactly as the extractor sees them.
pub fn featurise(sentences: &[LabelledSentence], config: FeatureConfig) -> Vec<Example> {
    let mut sentence_words: Vec<Word<'_>> = Vec::new();
    sentences
        .iter()
        .map(|sentence| {
            sentence_words.clear();
            sentence_words.extend(words(&sentence.text));
            let features = sentence_features(&sentence.text, &sentence_words);
            let mut buckets = Vec::with_capacity(8 * sentence_words.len() + 32);
            model::for_each_feature(&sentence_words, &features, config, |bucket| buckets.push(bucket));
            Example {
                buckets,
                is_checkworthy: sentence.is_checkworthy,
            }
        })
        .collect()
}

/// How one model is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hyperparameters {
    pub config: FeatureConfig,
    /// L2 penalty per update on every weight the example touches.
    pub l2: f64,
    pub epochs: usize,
    pub learning_rate: f64,
}

/// Fits a logistic model by AdaGrad on `examples`, visiting them in a fresh
/// seeded order each epoch. The same inputs and seed give the same weights.
pub fn fit(examples: &[Example], hyperparameters: Hyperparameters, seed: u64) -> Model {
    let config = hyperparameters.config;
    let mut weights = vec![0.0f64; config.n_buckets()];
    let mut squared_gradients = vec![0.0f64; config.n_buckets()];
    let mut bias = 0.0f64;
    let mut bias_squared_gradient = 0.0f64;
    const EPSILON: f64 = 1e-8;
    let mut rng = SplitMix64(seed);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    for _ in 0..hyperparameters.epochs {
        rng.shuffle(&mut order);
        for &example_idx in &order {
            let example = &examples[example_idx];
            let value = config.feature_value(example.buckets.len());
            let z = bias
                + value
                    * example
                        .buckets
                        .iter()
                        .map(|&bucket| weights[bucket as usize])
                        .sum::<f64>();
            let target = if example.is_checkworthy { 1.0 } else { 0.0 };
            let error = model::sigmoid(z) - target;
            bias_squared_gradient += error * error;
            bias -= hyperparameters.learning_rate * error / (bias_squared_gradient.sqrt() + EPSILON);
            for &bucket in &example.buckets {
                let bucket = bucket as usize;
                let gradient = error * value + hyperparameters.l2 * weights[bucket];
                squared_gradients[bucket] += gradient * gradient;
                weights[bucket] -=
                    hyperparameters.learning_rate * gradient / (squared_gradients[bucket].sqrt() + EPSILON);
            }
        }
    }
    Model::quantise(config, bias, &weights)
}

/// Scores examples with `model`, as [`Model::score`] would the sentences.
pub fn score_examples(model: &Model, examples: &[Example]) -> Vec<f64> {
    examples
        .iter()
        .map(|example| model.score_buckets(&example.buckets))
        .collect()
}

/// What `claimdb train` does and reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    pub seed: u64,
    /// The share of the training data held out to choose hyperparameters
    /// and the threshold.
    pub holdout_fraction: f64,
}

/// How one candidate did on the hold-out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateResult {
    pub hyperparameters: Hyperparameters,
    /// The best-F1 threshold on the hold-out, and that F1.
    pub threshold: f64,
    pub f1: f64,
    pub average_precision: f64,
}

/// The trained model and how it was chosen.
#[derive(Debug, Clone)]
pub struct Trained {
    /// Fitted on all the training data, with the chosen threshold folded into
    /// the bias so that 0.5 is the decision threshold.
    pub model: Model,
    pub candidates: Vec<CandidateResult>,
    pub chosen: CandidateResult,
    /// The decision threshold chosen on out-of-fold scores, before folding,
    /// and the F1 it gives there.
    pub threshold: f64,
    pub cross_validated_f1: f64,
    pub n_fit: usize,
    pub n_holdout: usize,
}

/// The candidates tried on the hold-out: with and without character
/// n-grams and length normalisation, three strengths of L2, two lengths of
/// training.
pub fn default_candidates() -> Vec<Hyperparameters> {
    let mut candidates = Vec::new();
    for char_ngrams in [false, true] {
        for normalise in [false, true] {
            for l2 in [1e-4, 1e-3, 1e-2] {
                for epochs in [5, 15] {
                    candidates.push(Hyperparameters {
                        config: FeatureConfig {
                            bucket_bits: 18,
                            char_ngrams,
                            normalise,
                        },
                        l2,
                        epochs,
                        learning_rate: 0.2,
                    });
                }
            }
        }
    }
    candidates
}

/// How much better on the hold-out (in F1) character n-grams must do to be
/// chosen. They multiply the features of a sentence about fivefold, which
/// costs extraction speed, and they mostly memorise spellings; without a clear
/// gain the word and structure features are preferred.
pub const CHAR_NGRAM_MARGIN: f64 = 0.005;

/// The number of folds whose out-of-fold scores choose the threshold.
pub const N_THRESHOLD_FOLDS: usize = 5;

/// Splits `sentences` into a fit part and a hold-out by a seeded shuffle,
/// fits every candidate on the fit part and keeps the one with the best
/// hold-out F1 (character n-grams must win by [`CHAR_NGRAM_MARGIN`]). The threshold is then chosen where F1 is best over
/// out-of-fold scores of the chosen candidate on all the training data
/// ([`N_THRESHOLD_FOLDS`] folds), which is steadier than one small hold-out.
/// Finally the candidate is refitted on everything and the threshold folded
/// into the bias.
pub fn train(
    sentences: &[LabelledSentence],
    candidates: &[Hyperparameters],
    options: TrainOptions,
) -> Option<Trained> {
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    SplitMix64(options.seed ^ 0x5EED_0F5E_1EC7).shuffle(&mut order);
    let n_holdout = ((sentences.len() as f64) * options.holdout_fraction).round() as usize;
    let n_holdout = n_holdout.min(sentences.len().saturating_sub(1));
    let (holdout_idxs, fit_idxs) = order.split_at(n_holdout);
    let mut results = Vec::new();
    for &hyperparameters in candidates {
        let examples = featurise(sentences, hyperparameters.config);
        let model = fit(&pick(&examples, fit_idxs), hyperparameters, options.seed);
        let holdout_examples = pick(&examples, holdout_idxs);
        let holdout_labels = labels_of(&holdout_examples);
        let scores = score_examples(&model, &holdout_examples);
        let (threshold, f1) = best_f1_threshold(&scores, &holdout_labels);
        results.push(CandidateResult {
            hyperparameters,
            threshold,
            f1,
            average_precision: average_precision(&scores, &holdout_labels),
        });
    }
    let penalised = |result: &CandidateResult| {
        result.f1
            - if result.hyperparameters.config.char_ngrams {
                CHAR_NGRAM_MARGIN
            } else {
                0.0
            }
    };
    let chosen = *results
        .iter()
        .max_by(|a, b| penalised(a).total_cmp(&penalised(b)))?;
    let examples = featurise(sentences, chosen.hyperparameters.config);
    let mut out_of_fold_scores = vec![0.0; examples.len()];
    for fold_idx in 0..N_THRESHOLD_FOLDS {
        let in_fold = |rank: usize| rank % N_THRESHOLD_FOLDS == fold_idx;
        let train_idxs: Vec<usize> = (0..order.len())
            .filter(|&rank| !in_fold(rank))
            .map(|rank| order[rank])
            .collect();
        let test_idxs: Vec<usize> = (0..order.len())
            .filter(|&rank| in_fold(rank))
            .map(|rank| order[rank])
            .collect();
        let model = fit(
            &pick(&examples, &train_idxs),
            chosen.hyperparameters,
            options.seed,
        );
        let scores = score_examples(&model, &pick(&examples, &test_idxs));
        for (&example_idx, score) in test_idxs.iter().zip(scores) {
            out_of_fold_scores[example_idx] = score;
        }
    }
    let (threshold, cross_validated_f1) = best_f1_threshold(&out_of_fold_scores, &labels_of(&examples));
    let mut model = fit(&examples, chosen.hyperparameters, options.seed);
    let folded = threshold.clamp(1e-6, 1.0 - 1e-6);
    model.bias -= (folded / (1.0 - folded)).ln() as f32;
    Some(Trained {
        model,
        candidates: results,
        chosen,
        threshold,
        cross_validated_f1,
        n_fit: fit_idxs.len(),
        n_holdout,
    })
}

fn pick(examples: &[Example], idxs: &[usize]) -> Vec<Example> {
    idxs.iter().map(|&idx| examples[idx].clone()).collect()
}

fn labels_of(examples: &[Example]) -> Vec<bool> {
    examples.iter().map(|example| example.is_checkworthy).collect()
}

/// Scores sentences with `model` and counts decisions at the 0.5 threshold.
pub fn evaluate(model: &Model, sentences: &[LabelledSentence]) -> (Vec<f64>, Confusion) {
    let examples = featurise(sentences, model.config);
    let scores = score_examples(model, &examples);
    let labels: Vec<bool> = sentences.iter().map(|sentence| sentence.is_checkworthy).collect();
    let confusion = Confusion::at_threshold(&scores, &labels, crate::extract::score::CHECKWORTHY_THRESHOLD);
    (scores, confusion)
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64);
/// enough for shuffling, and it keeps training free of a random-number crate.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for idx in (1..items.len()).rev() {
            let other_idx = (self.next_u64() % (idx as u64 + 1)) as usize;
            items.swap(idx, other_idx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::words;

    fn sentence(text: &str, is_checkworthy: bool) -> LabelledSentence {
        LabelledSentence {
            text: text.to_string(),
            is_checkworthy,
            group: "toy".to_string(),
        }
    }

    /// Separable by construction: check-worthy sentences carry a figure and a
    /// statistic word, the others are first-person rhetoric.
    fn toy_data() -> Vec<LabelledSentence> {
        let mut data = Vec::new();
        let subjects = [
            "Unemployment",
            "Inflation",
            "The deficit",
            "Crime",
            "Debt",
            "Spending",
        ];
        let verbs = ["rose", "fell", "grew", "doubled"];
        let rhetoric = [
            "I think we can do better",
            "Let me finish",
            "We love this country",
            "Thank you all so much",
            "I want to be clear",
        ];
        for (subject_idx, subject) in subjects.iter().enumerate() {
            for (verb_idx, verb) in verbs.iter().enumerate() {
                let percent = 3 + subject_idx * 4 + verb_idx;
                data.push(sentence(
                    &format!("{subject} {verb} by {percent} percent in 2019."),
                    true,
                ));
            }
        }
        for (idx, line) in rhetoric.iter().enumerate() {
            for suffix in ["", " today", " tonight", " now", " again"] {
                data.push(sentence(&format!("{line}{suffix}."), idx == usize::MAX));
            }
        }
        data
    }

    fn small_candidate() -> Hyperparameters {
        Hyperparameters {
            config: FeatureConfig {
                bucket_bits: 14,
                char_ngrams: true,
                normalise: true,
            },
            l2: 1e-4,
            epochs: 10,
            learning_rate: 0.2,
        }
    }

    #[test]
    fn learns_a_separable_toy_data_set() {
        let data = toy_data();
        let examples = featurise(&data, small_candidate().config);
        let model = fit(&examples, small_candidate(), 7);
        let scores = score_examples(&model, &examples);
        let labels: Vec<bool> = data.iter().map(|sentence| sentence.is_checkworthy).collect();
        let confusion = Confusion::at_threshold(&scores, &labels, 0.5);
        assert_eq!(confusion.f1(), 1.0, "{confusion:?}");
        // Unseen sentences of each kind land on the right side.
        let unseen_claim = "Wages fell by 12 percent in 2008.";
        let unseen_rhetoric = "I think we love this country.";
        let score_of = |text: &str| {
            let sentence_words: Vec<Word<'_>> = words(text).collect();
            model.score(&sentence_words, &sentence_features(text, &sentence_words))
        };
        assert!(score_of(unseen_claim) > 0.5, "{}", score_of(unseen_claim));
        assert!(score_of(unseen_rhetoric) < 0.5, "{}", score_of(unseen_rhetoric));
    }

    #[test]
    fn training_is_deterministic_for_a_seed() {
        let data = toy_data();
        let options = TrainOptions {
            seed: 42,
            holdout_fraction: 0.2,
        };
        let first = train(&data, &[small_candidate()], options).unwrap();
        let second = train(&data, &[small_candidate()], options).unwrap();
        assert_eq!(first.model, second.model);
        assert_eq!(first.n_holdout, 10);
        assert_eq!(first.n_fit + first.n_holdout, data.len());
        // The folded threshold makes 0.5 the decision point on the full data.
        let (_, confusion) = evaluate(&first.model, &data);
        assert_eq!(confusion.f1(), 1.0, "{confusion:?}");
        let other_seed = train(&data, &[small_candidate()], TrainOptions { seed: 43, ..options }).unwrap();
        assert_ne!(first.model, other_seed.model);
    }
}

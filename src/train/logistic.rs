//! Logistic regression over hashed features, trained with AdaGrad and L2,
//! chosen by k-fold cross-validation on the training data, deterministic for a seed.

use crate::extract::model::{self, Block, FeatureConfig, Model, Norm, Weighting};
use claimdb_analysis::pipeline::Models;

use crate::extract::score::sentence_features;
use crate::extract::syntax::{SyntaxFeatures, syntax_features};
use crate::extract::words::{Word, words};

use super::data::LabelledSentence;
use super::metrics::{Confusion, average_precision, best_f1_threshold};

/// The hashed features of one labelled sentence: the word block's buckets,
/// then the character block's.
#[derive(Debug, Clone)]
pub struct Example {
    pub buckets: Vec<u32>,
    pub n_word_features: usize,
    pub is_checkworthy: bool,
}

impl Example {
    fn blocks(&self) -> impl Iterator<Item = (Block, u32)> + '_ {
        self.buckets.iter().enumerate().map(|(feature_idx, &bucket)| {
            let block = if feature_idx < self.n_word_features {
                Block::Words
            } else {
                Block::Chars
            };
            (block, bucket)
        })
    }
}

/// The analysis features of every sentence, each sentence analysed alone
/// by the same pipeline the extractor runs on an article's sentences.
pub fn analyse_sentences(sentences: &[LabelledSentence]) -> Vec<SyntaxFeatures> {
    let models = Models::embedded();
    sentences
        .iter()
        .map(|sentence| syntax_features(&models.analyse(&sentence.text, 0..sentence.text.len())))
        .collect()
}

/// Turns sentences into examples exactly as the extractor sees them,
/// analysing each when the model reads the analysis.
pub fn featurise(sentences: &[LabelledSentence], config: FeatureConfig) -> Vec<Example> {
    let syntax = config.analysis.then(|| analyse_sentences(sentences));
    featurise_analysed(sentences, syntax.as_deref(), config)
}

/// [`featurise`] with the sentences' analysis features already computed
/// (`syntax[i]` for sentence `i`); they are used only when
/// `config.analysis` is set, and must then be given.
pub fn featurise_analysed(
    sentences: &[LabelledSentence],
    syntax: Option<&[SyntaxFeatures]>,
    config: FeatureConfig,
) -> Vec<Example> {
    let mut sentence_words: Vec<Word<'_>> = Vec::new();
    let mut char_buckets = Vec::new();
    sentences
        .iter()
        .enumerate()
        .map(|(sentence_idx, sentence)| {
            sentence_words.clear();
            sentence_words.extend(words(&sentence.text));
            let mut features = sentence_features(&sentence.text, &sentence_words);
            if config.analysis {
                features.syntax = syntax.and_then(|syntax| syntax.get(sentence_idx)).copied();
            }
            let mut buckets = Vec::with_capacity(8 * sentence_words.len() + 32);
            char_buckets.clear();
            model::for_each_feature(&sentence_words, &features, config, |block, bucket| match block {
                Block::Words => buckets.push(bucket),
                Block::Chars => char_buckets.push(bucket),
            });
            let n_word_features = buckets.len();
            buckets.extend_from_slice(&char_buckets);
            Example {
                buckets,
                n_word_features,
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
    /// How much more a check-worthy example's error counts than another's.
    pub positive_weight: f64,
    /// Models fitted with this many shuffling seeds are averaged into one.
    pub n_seeds: usize,
    /// The model is the average of the iterates (the weights after each
    /// update) over this many final epochs, Polyak–Ruppert averaging: 0
    /// keeps the last iterate, `epochs` or more averages them all.
    pub averaged_epochs: usize,
}

/// The per-bucket scales of a weighting, learnt from the examples `idxs`;
/// buckets no example hits get 0, as words outside a vocabulary would.
/// Empty for [`Weighting::Binary`], whose scale is 1 everywhere.
pub fn bucket_scales(examples: &[Example], idxs: &[usize], config: FeatureConfig) -> Vec<f64> {
    if config.weighting == Weighting::Binary {
        return Vec::new();
    }
    let n_buckets = config.n_buckets();
    // Document frequencies, split by class; `last_seen` counts a bucket once per sentence.
    let mut positive_df = vec![0u32; n_buckets];
    let mut negative_df = vec![0u32; n_buckets];
    let mut last_seen = vec![usize::MAX; n_buckets];
    for &example_idx in idxs {
        let example = &examples[example_idx];
        for &bucket in &example.buckets {
            let bucket = bucket as usize;
            if last_seen[bucket] == example_idx {
                continue;
            }
            last_seen[bucket] = example_idx;
            if example.is_checkworthy {
                positive_df[bucket] += 1;
            } else {
                negative_df[bucket] += 1;
            }
        }
    }
    match config.weighting {
        Weighting::Binary => Vec::new(),
        Weighting::Idf => {
            let n = idxs.len() as f64;
            (0..n_buckets)
                .map(|bucket| {
                    let df = f64::from(positive_df[bucket] + negative_df[bucket]);
                    if df == 0.0 {
                        0.0
                    } else {
                        ((1.0 + n) / (1.0 + df)).ln() + 1.0
                    }
                })
                .collect()
        }
        Weighting::NaiveBayes => {
            const ALPHA: f64 = 1.0;
            let total =
                |dfs: &[u32]| dfs.iter().map(|&df| f64::from(df)).sum::<f64>() + ALPHA * n_buckets as f64;
            let (positive_total, negative_total) = (total(&positive_df), total(&negative_df));
            (0..n_buckets)
                .map(|bucket| {
                    let (p, q) = (positive_df[bucket], negative_df[bucket]);
                    if p + q == 0 {
                        0.0
                    } else {
                        ((f64::from(p) + ALPHA) / positive_total).ln()
                            - ((f64::from(q) + ALPHA) / negative_total).ln()
                    }
                })
                .collect()
        }
    }
}

/// The squared scales the model stores for a Euclidean norm, as the
/// quantised model will read them, so that training sees the norms scoring
/// computes. Empty when the norm needs none.
fn stored_squares(config: FeatureConfig, scales: &[f64]) -> Vec<f64> {
    if !config.needs_squares() {
        return Vec::new();
    }
    let squares: Vec<f64> = scales.iter().map(|scale| scale * scale).collect();
    let zero_weights = vec![0.0; squares.len()];
    let quantised = Model::quantise(config, 0.0, &zero_weights, &squares);
    quantised
        .squares
        .iter()
        .map(|&square| f64::from(square) * f64::from(quantised.square_scale))
        .collect()
}

/// The inverse norm of each block of an example.
fn inverse_norms(example: &Example, config: FeatureConfig, squares: &[f64]) -> [f64; 2] {
    let mut norms = [0.0f64; 2];
    for (block, bucket) in example.blocks() {
        norms[block as usize] += if squares.is_empty() {
            1.0
        } else {
            squares[bucket as usize]
        };
    }
    debug_assert!(config.norm == Norm::Euclidean || squares.is_empty());
    norms.map(|norm| if norm > 0.0 { 1.0 / norm.sqrt() } else { 0.0 })
}

/// Fits a logistic model by AdaGrad on the examples `idxs`, visiting them in
/// a fresh seeded order each epoch, and averages the fits of
/// `n_seeds` seeds. The bucket scales are learnt from the same examples and
/// folded into the weights. The same inputs and seed give the same model.
pub fn fit(examples: &[Example], idxs: &[usize], hyperparameters: Hyperparameters, seed: u64) -> Model {
    let config = hyperparameters.config;
    let scales = bucket_scales(examples, idxs, config);
    let squares = stored_squares(config, &scales);
    let scale_of = |bucket: usize| if scales.is_empty() { 1.0 } else { scales[bucket] };
    let norms: Vec<[f64; 2]> = idxs
        .iter()
        .map(|&idx| inverse_norms(&examples[idx], config, &squares))
        .collect();
    let n_seeds = hyperparameters.n_seeds.max(1);
    let mut mean_weights = vec![0.0f64; config.n_buckets()];
    let mut mean_bias = 0.0f64;
    const EPSILON: f64 = 1e-8;
    let averaged_epochs = hyperparameters.averaged_epochs.min(hyperparameters.epochs);
    let first_averaged_epoch = hyperparameters.epochs - averaged_epochs;
    for seed_idx in 0..n_seeds {
        let mut weights = vec![0.0f64; config.n_buckets()];
        let mut squared_gradients = vec![0.0f64; config.n_buckets()];
        let mut bias = 0.0f64;
        let mut bias_squared_gradient = 0.0f64;
        // The average of the iterates is kept lazily, as in Daumé's
        // averaged perceptron: each change `delta` to a weight at the
        // `step`-th update of the averaged window adds `step * delta` to
        // its correction, and after `n_steps` updates the average is the
        // weight less its correction over `n_steps`. Updates stay sparse.
        let mut corrections = vec![
            0.0f64;
            if averaged_epochs > 0 {
                config.n_buckets()
            } else {
                0
            }
        ];
        let mut bias_correction = 0.0f64;
        let mut n_averaged_steps = 0usize;
        let mut rng = SplitMix64(seed.wrapping_add(seed_idx as u64));
        let mut order: Vec<usize> = (0..idxs.len()).collect();
        for epoch_idx in 0..hyperparameters.epochs {
            rng.shuffle(&mut order);
            let is_averaged = averaged_epochs > 0 && epoch_idx >= first_averaged_epoch;
            for &position in &order {
                let example = &examples[idxs[position]];
                let inverse_norm = norms[position];
                let value = |block: Block, bucket: usize| scale_of(bucket) * inverse_norm[block as usize];
                let z = bias
                    + example
                        .blocks()
                        .map(|(block, bucket)| weights[bucket as usize] * value(block, bucket as usize))
                        .sum::<f64>();
                let (target, class_weight) = if example.is_checkworthy {
                    (1.0, hyperparameters.positive_weight)
                } else {
                    (0.0, 1.0)
                };
                let error = (model::sigmoid(z) - target) * class_weight;
                // The weights before this update were the `n_averaged_steps`-th
                // iterate of the window; this update makes the next one.
                let step = n_averaged_steps as f64;
                bias_squared_gradient += error * error;
                let bias_delta =
                    -hyperparameters.learning_rate * error / (bias_squared_gradient.sqrt() + EPSILON);
                bias += bias_delta;
                if is_averaged {
                    bias_correction += step * bias_delta;
                }
                for (block, bucket) in example.blocks() {
                    let bucket = bucket as usize;
                    let gradient = error * value(block, bucket) + hyperparameters.l2 * weights[bucket];
                    squared_gradients[bucket] += gradient * gradient;
                    let delta = -hyperparameters.learning_rate * gradient
                        / (squared_gradients[bucket].sqrt() + EPSILON);
                    weights[bucket] += delta;
                    if is_averaged {
                        corrections[bucket] += step * delta;
                    }
                }
                if is_averaged {
                    n_averaged_steps += 1;
                }
            }
        }
        if n_averaged_steps > 0 {
            let n_steps = n_averaged_steps as f64;
            for (weight, correction) in weights.iter_mut().zip(&corrections) {
                *weight -= correction / n_steps;
            }
            bias -= bias_correction / n_steps;
        }
        for (mean, weight) in mean_weights.iter_mut().zip(&weights) {
            *mean += weight / n_seeds as f64;
        }
        mean_bias += bias / n_seeds as f64;
    }
    for (bucket, weight) in mean_weights.iter_mut().enumerate() {
        *weight *= scale_of(bucket);
    }
    Model::quantise(config, mean_bias, &mean_weights, &squares)
}

/// Scores examples with `model`, as [`Model::score`] would the sentences.
pub fn score_examples(model: &Model, examples: &[Example], idxs: &[usize]) -> Vec<f64> {
    idxs.iter()
        .map(|&idx| model.score_buckets(&examples[idx].buckets, examples[idx].n_word_features))
        .collect()
}

/// What `claimdb train` does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    pub seed: u64,
    /// The number of cross-validation folds (at least 2).
    pub folds: usize,
}

/// How one candidate did in cross-validation on the training data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateResult {
    pub hyperparameters: Hyperparameters,
    /// The best-F1 threshold over the pooled out-of-fold scores, and that F1.
    pub threshold: f64,
    pub f1: f64,
    /// Average precision of the pooled out-of-fold scores.
    pub average_precision: f64,
    /// The mean over folds of the F1 of each fold at the threshold chosen
    /// on the other folds' out-of-fold scores: as a score threshold, and as
    /// the share of sentences predicted check-worthy.
    pub transferred_f1: f64,
    pub transferred_share_f1: f64,
}

/// The trained model and how it was chosen.
#[derive(Debug, Clone)]
pub struct Trained {
    /// Fitted on all the training data, with the chosen threshold folded into
    /// the bias so that 0.5 is the decision threshold.
    pub model: Model,
    pub candidates: Vec<CandidateResult>,
    pub chosen: CandidateResult,
}

/// How much better in cross-validated F1 a candidate with character n-grams
/// must do to be chosen. They multiply the features of a sentence about
/// fivefold, which costs extraction speed, and they mostly memorise
/// spellings; without a clear gain the word and structure features are
/// preferred.
pub const CHAR_NGRAM_MARGIN: f64 = 0.005;

/// The `n_folds` folds of `n` examples after a seeded shuffle.
fn folds(n: usize, n_folds: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix64(seed ^ 0x5EED_0F5E_1EC7).shuffle(&mut order);
    let mut folds = vec![Vec::new(); n_folds];
    for (rank, idx) in order.into_iter().enumerate() {
        folds[rank % n_folds].push(idx);
    }
    folds
}

/// Out-of-fold scores of a candidate: each fold scored by a model fitted,
/// bucket scales included, on the other folds.
pub fn out_of_fold_scores(
    examples: &[Example],
    folds: &[Vec<usize>],
    hyperparameters: Hyperparameters,
    seed: u64,
) -> Vec<f64> {
    let mut scores = vec![0.0; examples.len()];
    for (fold_idx, test_idxs) in folds.iter().enumerate() {
        let train_idxs: Vec<usize> = folds
            .iter()
            .enumerate()
            .filter(|(other_idx, _)| *other_idx != fold_idx)
            .flat_map(|(_, fold)| fold.iter().copied())
            .collect();
        let model = fit(examples, &train_idxs, hyperparameters, seed);
        for (&example_idx, score) in test_idxs.iter().zip(score_examples(&model, examples, test_idxs)) {
            scores[example_idx] = score;
        }
    }
    scores
}

/// Summarises out-of-fold scores: pooled best F1 and AP, and how well a
/// threshold chosen on some folds transfers to the fold left out.
fn summarise(
    hyperparameters: Hyperparameters,
    scores: &[f64],
    labels: &[bool],
    folds: &[Vec<usize>],
) -> CandidateResult {
    let (threshold, f1) = best_f1_threshold(scores, labels);
    let mut transferred = 0.0;
    let mut transferred_share = 0.0;
    for (fold_idx, test_idxs) in folds.iter().enumerate() {
        let other_idxs: Vec<usize> = folds
            .iter()
            .enumerate()
            .filter(|(other_idx, _)| *other_idx != fold_idx)
            .flat_map(|(_, fold)| fold.iter().copied())
            .collect();
        let pick_scores = |idxs: &[usize]| idxs.iter().map(|&idx| scores[idx]).collect::<Vec<f64>>();
        let pick_labels = |idxs: &[usize]| idxs.iter().map(|&idx| labels[idx]).collect::<Vec<bool>>();
        let (other_scores, other_labels) = (pick_scores(&other_idxs), pick_labels(&other_idxs));
        let (fold_scores, fold_labels) = (pick_scores(test_idxs), pick_labels(test_idxs));
        let (other_threshold, _) = best_f1_threshold(&other_scores, &other_labels);
        transferred += Confusion::at_threshold(&fold_scores, &fold_labels, other_threshold).f1();
        let share = other_scores
            .iter()
            .filter(|&&score| score >= other_threshold)
            .count() as f64
            / other_scores.len().max(1) as f64;
        let mut sorted = fold_scores.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let n_predicted = ((share * sorted.len() as f64).round() as usize).clamp(1, sorted.len().max(1));
        let share_threshold = sorted.get(n_predicted - 1).copied().unwrap_or(0.5);
        transferred_share += Confusion::at_threshold(&fold_scores, &fold_labels, share_threshold).f1();
    }
    CandidateResult {
        hyperparameters,
        threshold,
        f1,
        average_precision: average_precision(scores, labels),
        transferred_f1: transferred / folds.len() as f64,
        transferred_share_f1: transferred_share / folds.len() as f64,
    }
}

/// Cross-validates every candidate on `sentences` with `options.folds`
/// seeded folds and keeps the one with the best pooled out-of-fold F1
/// (character n-grams must win by [`CHAR_NGRAM_MARGIN`]). Its threshold is
/// where F1 is best over its out-of-fold scores; the candidate is refitted on
/// everything and the threshold folded into the bias. `report` is called
/// with each candidate's result as it is known.
pub fn train(
    sentences: &[LabelledSentence],
    candidates: &[Hyperparameters],
    options: TrainOptions,
    mut report: impl FnMut(&CandidateResult),
) -> Option<Trained> {
    let folds = folds(sentences.len(), options.folds.max(2), options.seed);
    let labels: Vec<bool> = sentences.iter().map(|sentence| sentence.is_checkworthy).collect();
    let mut results = Vec::new();
    let mut featurised: Option<(FeatureConfig, Vec<Example>)> = None;
    // Analysing is the slow part of featurising: done once, if needed.
    let syntax = candidates
        .iter()
        .any(|candidate| candidate.config.analysis)
        .then(|| analyse_sentences(sentences));
    for &hyperparameters in candidates {
        // Features depend on the bucket bits, character and shape n-grams
        // and the analysis flag, not on the weighting or norm.
        let key = FeatureConfig {
            weighting: Weighting::Binary,
            norm: Norm::Count,
            ..hyperparameters.config
        };
        if featurised.as_ref().is_none_or(|(config, _)| *config != key) {
            featurised = Some((key, featurise_analysed(sentences, syntax.as_deref(), key)));
        }
        let examples = &featurised.as_ref()?.1;
        let scores = out_of_fold_scores(examples, &folds, hyperparameters, options.seed);
        let result = summarise(hyperparameters, &scores, &labels, &folds);
        report(&result);
        results.push(result);
    }
    let penalised = |result: &CandidateResult| {
        result.f1
            - if result.hyperparameters.config.has_char_ngrams() {
                CHAR_NGRAM_MARGIN
            } else {
                0.0
            }
    };
    let chosen = *results
        .iter()
        .max_by(|a, b| penalised(a).total_cmp(&penalised(b)))?;
    let examples = featurise_analysed(sentences, syntax.as_deref(), chosen.hyperparameters.config);
    let all_idxs: Vec<usize> = (0..examples.len()).collect();
    let mut model = fit(&examples, &all_idxs, chosen.hyperparameters, options.seed);
    let folded = chosen.threshold.clamp(1e-6, 1.0 - 1e-6);
    model.bias -= (folded / (1.0 - folded)).ln() as f32;
    Some(Trained {
        model,
        candidates: results,
        chosen,
    })
}

/// Scores sentences with `model` and counts decisions at the 0.5 threshold.
pub fn evaluate(model: &Model, sentences: &[LabelledSentence]) -> (Vec<f64>, Confusion) {
    let examples = featurise(sentences, model.config);
    let all_idxs: Vec<usize> = (0..examples.len()).collect();
    let scores = score_examples(model, &examples, &all_idxs);
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

    fn small_candidate(weighting: Weighting, norm: Norm) -> Hyperparameters {
        Hyperparameters {
            config: FeatureConfig {
                bucket_bits: 14,
                char_ngrams: (3, 5),
                weighting,
                norm,
                shape_ngrams: 2,
                analysis: false,
            },
            l2: 1e-4,
            epochs: 10,
            learning_rate: 0.2,
            positive_weight: 1.0,
            n_seeds: 2,
            averaged_epochs: 0,
        }
    }

    const SETTINGS: [(Weighting, Norm); 4] = [
        (Weighting::Binary, Norm::Count),
        (Weighting::Idf, Norm::Euclidean),
        (Weighting::NaiveBayes, Norm::Count),
        (Weighting::NaiveBayes, Norm::Euclidean),
    ];

    #[test]
    fn learns_a_separable_toy_data_set() {
        let data = toy_data();
        for ((weighting, norm), averaged_epochs) in SETTINGS.into_iter().zip([0, 1, 10, 3]) {
            let candidate = Hyperparameters {
                averaged_epochs,
                ..small_candidate(weighting, norm)
            };
            let examples = featurise(&data, candidate.config);
            let all_idxs: Vec<usize> = (0..examples.len()).collect();
            let model = fit(&examples, &all_idxs, candidate, 7);
            let scores = score_examples(&model, &examples, &all_idxs);
            let labels: Vec<bool> = data.iter().map(|sentence| sentence.is_checkworthy).collect();
            let confusion = Confusion::at_threshold(&scores, &labels, 0.5);
            assert_eq!(confusion.f1(), 1.0, "{weighting:?} {norm:?}: {confusion:?}");
            // Unseen sentences of each kind land on the right side.
            let score_of = |text: &str| {
                let sentence_words: Vec<Word<'_>> = words(text).collect();
                model.score(&sentence_words, &sentence_features(text, &sentence_words))
            };
            let claim = score_of("Wages fell by 12 percent in 2008.");
            let rhetoric = score_of("I think we love this country.");
            assert!(
                claim > 0.5 && rhetoric < 0.5,
                "{weighting:?} {norm:?}: {claim} {rhetoric}"
            );
        }
    }

    #[test]
    fn averaging_keeps_the_mean_of_the_iterates() {
        // One example seen once: the last iterate is the only one, and the
        // average over one epoch is that iterate.
        let data = [sentence("Taxes rose by 5 percent.", true)];
        let last = small_candidate(Weighting::Binary, Norm::Count);
        let single = Hyperparameters {
            epochs: 1,
            n_seeds: 1,
            ..last
        };
        let examples = featurise(&data, single.config);
        let averaged = Hyperparameters {
            averaged_epochs: 1,
            ..single
        };
        assert_eq!(fit(&examples, &[0], single, 1), fit(&examples, &[0], averaged, 1));
        // Over two epochs the average of the two iterates lies between them:
        // each epoch raises the example's score, so the score of the
        // average is above the first iterate's and below the last's.
        let two = |averaged_epochs| {
            let model = fit(
                &examples,
                &[0],
                Hyperparameters {
                    epochs: 2,
                    averaged_epochs,
                    ..single
                },
                1,
            );
            model.score_buckets(&examples[0].buckets, examples[0].n_word_features)
        };
        let first =
            fit(&examples, &[0], single, 1).score_buckets(&examples[0].buckets, examples[0].n_word_features);
        let (last_score, mean_score) = (two(0), two(2));
        assert!(
            first < mean_score && mean_score < last_score,
            "{first} {mean_score} {last_score}"
        );
    }

    #[test]
    fn idf_and_naive_bayes_scales_follow_the_counts() {
        let data = [
            sentence("Taxes rose.", true),
            sentence("Taxes fell.", true),
            sentence("Thank you.", false),
        ];
        let config = FeatureConfig {
            bucket_bits: 16,
            ..FeatureConfig::default()
        };
        let examples = featurise(&data, config);
        let all_idxs = [0, 1, 2];
        let taxes = examples[0].buckets[0];
        let thank = examples[2].buckets[0];
        let idf = bucket_scales(
            &examples,
            &all_idxs,
            FeatureConfig {
                weighting: Weighting::Idf,
                ..config
            },
        );
        // "taxes" is in 2 of 3 sentences, "thank" in 1: ln(4/3) + 1 and ln(4/2) + 1.
        assert!((idf[taxes as usize] - ((4.0f64 / 3.0).ln() + 1.0)).abs() < 1e-12);
        assert!((idf[thank as usize] - (2.0f64.ln() + 1.0)).abs() < 1e-12);
        let nb = bucket_scales(
            &examples,
            &all_idxs,
            FeatureConfig {
                weighting: Weighting::NaiveBayes,
                ..config
            },
        );
        assert!(nb[taxes as usize] > 0.0 && nb[thank as usize] < 0.0);
        // A bucket no sentence hits is dropped, as a word outside a vocabulary.
        let unused = (0..config.n_buckets())
            .find(|bucket| {
                examples
                    .iter()
                    .all(|example| !example.buckets.contains(&(*bucket as u32)))
            })
            .unwrap();
        assert_eq!((idf[unused], nb[unused]), (0.0, 0.0));
    }

    #[test]
    fn training_sentences_carry_the_analysis_features_the_extractor_computes() {
        let text = "We will cut taxes by 20 percent, the senator said.";
        let config = FeatureConfig {
            bucket_bits: 16,
            analysis: true,
            ..FeatureConfig::default()
        };
        let examples = featurise(&[sentence(text, true)], config);
        let sentence_words: Vec<Word<'_>> = words(text).collect();
        let mut features = sentence_features(text, &sentence_words);
        // What the extractor does for a sentence of an article.
        features.syntax = Some(syntax_features(&Models::embedded().analyse(text, 0..text.len())));
        let mut buckets = Vec::new();
        model::for_each_feature(&sentence_words, &features, config, |_, bucket| {
            buckets.push(bucket)
        });
        assert_eq!(examples[0].buckets, buckets);
        let plain = featurise(
            &[sentence(text, true)],
            FeatureConfig {
                analysis: false,
                ..config
            },
        );
        assert!(plain[0].buckets.len() + 10 < buckets.len());
    }

    #[test]
    fn training_is_deterministic_for_a_seed() {
        let data = toy_data();
        let options = TrainOptions { seed: 42, folds: 5 };
        let candidates: Vec<Hyperparameters> = SETTINGS
            .iter()
            .map(|&(weighting, norm)| small_candidate(weighting, norm))
            .collect();
        let mut reported = 0;
        let first = train(&data, &candidates, options, |_| reported += 1).unwrap();
        assert_eq!(reported, candidates.len());
        assert_eq!(first.candidates.len(), candidates.len());
        let second = train(&data, &candidates, options, |_| {}).unwrap();
        assert_eq!(first.model.to_bytes(), second.model.to_bytes());
        assert_eq!(first.candidates, second.candidates);
        // Separable data: every candidate is perfect out of fold.
        assert!(
            first.candidates.iter().all(|result| result.f1 == 1.0),
            "{:?}",
            first.candidates
        );
        // The folded threshold makes 0.5 the decision point on the full data.
        let (_, confusion) = evaluate(&first.model, &data);
        assert_eq!(confusion.f1(), 1.0, "{confusion:?}");
        let other_seed = train(&data, &candidates, TrainOptions { seed: 43, ..options }, |_| {}).unwrap();
        assert_ne!(first.model, other_seed.model);
    }

    #[test]
    fn thresholds_transfer_between_folds() {
        let folds = folds(40, 4, 3);
        // Check-worthy sentences all score 0.8, the others below 0.4, so the
        // threshold chosen on three folds (0.8) separates the fourth.
        let labels: Vec<bool> = (0..40).map(|idx| idx % 3 == 0).collect();
        let scores: Vec<f64> = (0..40)
            .map(|idx| {
                let jitter = f64::from(idx) / 400.0;
                if labels[idx as usize] { 0.8 } else { 0.3 + jitter }
            })
            .collect();
        let candidate = small_candidate(Weighting::Binary, Norm::Count);
        let result = summarise(candidate, &scores, &labels, &folds);
        assert_eq!((result.f1, result.average_precision), (1.0, 1.0));
        assert_eq!(result.transferred_f1, 1.0);
        assert!(result.threshold == 0.8, "{}", result.threshold);
        // The share rule predicts each fold's top third, give or take rounding.
        assert!(
            result.transferred_share_f1 > 0.8,
            "{}",
            result.transferred_share_f1
        );
    }

    #[test]
    fn folds_partition_the_data() {
        let folds = folds(23, 5, 1);
        let mut all: Vec<usize> = folds.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..23).collect::<Vec<_>>());
        assert!(folds.iter().all(|fold| fold.len() == 4 || fold.len() == 5));
    }
}

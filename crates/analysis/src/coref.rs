//! Pronoun resolution by mention ranking: for a third-person pronoun in an
//! analysed text, every candidate antecedent of the current and previous
//! [`WINDOW_SENTENCES`] sentences (named entities, other proper-noun runs,
//! common-noun heads) is scored by a log-linear model over features of the
//! analysis (agreement, syntactic role and parallelism, distance, reporting
//! verbs, intervening agreeing candidates, repetition), and the scores are
//! turned into probabilities by a softmax over the candidates.
//!
//! The model is trained on GAP development ([`train`]), its hyperparameters
//! and the operating threshold [`CONFIDENT`] chosen on GAP validation. A
//! caller that rewrites a pronoun to a name should do so only through
//! [`Resolution::confident`], which holds the precision measured at that
//! threshold and says nothing for pronouns the model was never validated on
//! (it, they: GAP has only he, she and their forms).
//!
//! Pure: no I/O; the weights and the first-name gender lexicon (learned from
//! GAP development's labels) are embedded in the binary.
//!
//! ```
//! use claimdb_analysis::coref::{Resolver, WordRef};
//! use claimdb_analysis::pipeline::Models;
//!
//! let text = "Joe Biden visited Los Angeles on Monday. He said the city needed more money.";
//! let sentences = Models::embedded().analyse_text(text);
//! let he = WordRef { sentence: 1, word: 0 };
//! let resolution = Resolver::embedded().resolve(&sentences, he).expect("He is a pronoun");
//! let antecedent = resolution.confident().expect("confident");
//! assert_eq!(&text[antecedent.mention.span.clone()], "Joe Biden");
//! ```

pub mod gap;
pub mod gum;

mod features;
mod mentions;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::perceptron::{FormatError, Rng};
use crate::pipeline::Analysis;

pub use features::{WINDOW_SENTENCES, compatible};
pub use mentions::{Gender, Mention, MentionKind, Number, Pronoun, PronounCase, third_person_pronoun};

/// The probability above which the top candidate is trusted: the lowest
/// threshold at which the top candidate's precision on GAP validation (held
/// out from training) is at least 0.95. `claimdb train coref` prints it and
/// records it in `weights/coref-figures.txt`; a test checks they agree.
pub const CONFIDENT: f32 = 0.935;

/// The precision [`CONFIDENT`] was chosen to give on held-out data.
pub const TARGET_PRECISION: f64 = 0.95;

/// Where a pronoun is: a sentence of the slice given to the resolver and a
/// word of that sentence's [`Analysis::words`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordRef {
    pub sentence: usize,
    pub word: usize,
}

/// One candidate antecedent with the model's probability that it is the one.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub mention: Mention,
    /// The probability that this very mention is the antecedent.
    pub probability: f32,
    /// The probability that the antecedent is this mention or another in the
    /// window with the same name (last word) or, for a noun, lemma: what
    /// rewriting the pronoun to this name is right with.
    pub entity_probability: f32,
}

/// The ranked candidates of one pronoun.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub pronoun: Pronoun,
    /// Best entity first, then best mention; the mention probabilities sum
    /// to one (when there are any).
    pub candidates: Vec<Scored>,
}

impl Resolution {
    /// The top candidate, whatever its probability.
    pub fn best(&self) -> Option<&Scored> {
        self.candidates.first()
    }

    /// The top candidate when it is at least [`CONFIDENT`] and the pronoun is
    /// one the threshold was validated on (he, she, him, her, his, hers).
    pub fn confident(&self) -> Option<&Scored> {
        self.confident_at(CONFIDENT)
    }

    /// Like [`Resolution::confident`] at another threshold.
    pub fn confident_at(&self, threshold: f32) -> Option<&Scored> {
        let validated = matches!(self.pronoun.gender, Gender::Masculine | Gender::Feminine);
        self.best()
            .filter(|best| validated && best.entity_probability >= threshold)
    }
}

/// First names with how often GAP development's labels make them "he" and "she".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameGenders {
    counts: BTreeMap<String, (u16, u16)>,
}

impl NameGenders {
    /// Counts one labelled name (its lowercased first word).
    pub fn add(&mut self, name: &str, gender: Gender) {
        let entry = self.counts.entry(name.to_lowercase()).or_default();
        match gender {
            Gender::Masculine => entry.0 = entry.0.saturating_add(1),
            Gender::Feminine => entry.1 = entry.1.saturating_add(1),
            _ => {}
        }
    }

    /// The gender a first name has when at least four in five of its labels agree.
    pub fn gender(&self, name: &str) -> Option<Gender> {
        let &(masculine, feminine) = self.counts.get(name)?;
        let (masculine, feminine) = (u32::from(masculine), u32::from(feminine));
        if masculine * 5 >= (masculine + feminine) * 4 && masculine > 0 {
            Some(Gender::Masculine)
        } else if feminine * 5 >= (masculine + feminine) * 4 && feminine > 0 {
            Some(Gender::Feminine)
        } else {
            None
        }
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// The trained resolver: feature weights and the first-name lexicon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolver {
    weights: HashMap<u64, f32>,
    names: NameGenders,
}

const MAGIC: &[u8; 8] = b"CDBCR01\0";

impl Resolver {
    /// The resolver trained on GAP development, embedded in the binary.
    pub fn embedded() -> &'static Resolver {
        static EMBEDDED: OnceLock<Resolver> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Resolver::from_bytes(include_bytes!("../weights/coref.bin"))
                .expect("the embedded coreference weights are written by to_bytes and tested")
        })
    }

    pub fn n_weights(&self) -> usize {
        self.weights.len()
    }

    pub fn names(&self) -> &NameGenders {
        &self.names
    }

    /// Ranks the candidate antecedents of the pronoun at `pronoun`. `None`
    /// when that word is not a third-person personal pronoun (or is out of
    /// range); an empty list when there is nothing in the window to rank.
    pub fn resolve(&self, sentences: &[Analysis<'_>], pronoun: WordRef) -> Option<Resolution> {
        let site = features::site(sentences, pronoun.sentence, pronoun.word, &self.names)?;
        let probabilities = self.probabilities(sentences, &site);
        let entity_probabilities: Vec<f32> = (0..site.candidates.len())
            .map(|idx| {
                if !site.candidates[idx].kind.is_name() {
                    return probabilities[idx];
                }
                (0..site.candidates.len())
                    .filter(|&other| {
                        site.candidates[other].kind.is_name() && site.keys[other] == site.keys[idx]
                    })
                    .map(|other| probabilities[other])
                    .sum::<f32>()
                    .min(1.0)
            })
            .collect();
        let mut candidates: Vec<Scored> = site
            .candidates
            .into_iter()
            .zip(probabilities.into_iter().zip(entity_probabilities))
            .map(|(mention, (probability, entity_probability))| Scored {
                mention,
                probability,
                entity_probability,
            })
            .collect();
        // Stable: ties keep text order, so the result is deterministic.
        candidates.sort_by(|a, b| {
            b.entity_probability
                .total_cmp(&a.entity_probability)
                .then(b.probability.total_cmp(&a.probability))
        });
        Some(Resolution {
            pronoun: site.pronoun,
            candidates,
        })
    }

    fn probabilities(&self, sentences: &[Analysis<'_>], site: &features::Site) -> Vec<f32> {
        let scores: Vec<f64> = features::candidate_features(sentences, site)
            .iter()
            .map(|features| {
                features
                    .iter()
                    .map(|feature| f64::from(self.weights.get(feature).copied().unwrap_or(0.0)))
                    .sum()
            })
            .collect();
        softmax(&scores).into_iter().map(|p| p as f32).collect()
    }

    /// The weights as bytes (little-endian, keys sorted), for `include_bytes!`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        let mut weights: Vec<(u64, f32)> = self.weights.iter().map(|(&key, &weight)| (key, weight)).collect();
        weights.sort_unstable_by_key(|(key, _)| *key);
        out.extend_from_slice(&(weights.len() as u32).to_le_bytes());
        for (key, weight) in weights {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&weight.to_le_bytes());
        }
        out.extend_from_slice(&(self.names.counts.len() as u32).to_le_bytes());
        for (name, (masculine, feminine)) in &self.names.counts {
            let bytes = &name.as_bytes()[..name.len().min(255)];
            out.push(bytes.len() as u8);
            out.extend_from_slice(bytes);
            out.extend_from_slice(&masculine.to_le_bytes());
            out.extend_from_slice(&feminine.to_le_bytes());
        }
        out
    }

    /// Reads what [`Resolver::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<Resolver, FormatError> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], FormatError> {
            let end = at
                .checked_add(n)
                .filter(|end| *end <= bytes.len())
                .ok_or_else(|| FormatError("coreference weights truncated".into()))?;
            let slice = &bytes[at..end];
            at = end;
            Ok(slice)
        };
        if take(8)? != MAGIC {
            return Err(FormatError("not claimdb coreference weights (bad magic)".into()));
        }
        let n_weights = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
        let mut weights = HashMap::with_capacity(n_weights as usize);
        for _ in 0..n_weights {
            let key = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
            let weight = f32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
            weights.insert(key, weight);
        }
        let n_names = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
        let mut names = NameGenders::default();
        for _ in 0..n_names {
            let len = usize::from(take(1)?[0]);
            let name = std::str::from_utf8(take(len)?)
                .map_err(|_| FormatError("a name is not UTF-8".into()))?
                .to_string();
            let masculine = u16::from_le_bytes(take(2)?.try_into().expect("2 bytes"));
            let feminine = u16::from_le_bytes(take(2)?.try_into().expect("2 bytes"));
            names.counts.insert(name, (masculine, feminine));
        }
        if take(1).is_ok() {
            return Err(FormatError("coreference weights: bytes after the end".into()));
        }
        Ok(Resolver { weights, names })
    }
}

fn softmax(scores: &[f64]) -> Vec<f64> {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores.iter().map(|score| (score - max).exp()).collect();
    let total: f64 = exps.iter().sum();
    exps.into_iter().map(|exp| exp / total).collect()
}

/// The peer the model is measured against: the most recent subject before
/// the pronoun that does not clash in gender or number, else the most
/// recent candidate before it that does not clash (recency with syntactic
/// parallelism, over the same analysis, candidates and first-name lexicon;
/// for he and she only names are candidates).
pub fn baseline(sentences: &[Analysis<'_>], pronoun: WordRef) -> Option<Option<Mention>> {
    let site = features::site(
        sentences,
        pronoun.sentence,
        pronoun.word,
        &Resolver::embedded().names,
    )?;
    Some(baseline_choice(sentences, &site).map(|idx| site.candidates[idx].clone()))
}

/// [`baseline`] with the lexicon of a given resolver.
pub fn baseline_with(
    resolver: &Resolver,
    sentences: &[Analysis<'_>],
    pronoun: WordRef,
) -> Option<Option<Mention>> {
    let site = features::site(sentences, pronoun.sentence, pronoun.word, &resolver.names)?;
    Some(baseline_choice(sentences, &site).map(|idx| site.candidates[idx].clone()))
}

fn baseline_choice(sentences: &[Analysis<'_>], site: &features::Site) -> Option<usize> {
    let before = |mention: &Mention| {
        mention.sentence < site.sentence || (mention.sentence == site.sentence && mention.head < site.word)
    };
    // He and she are resolved to names only (what the extractor rewrites to).
    let gendered = matches!(site.pronoun.gender, Gender::Masculine | Gender::Feminine);
    let mut order: Vec<usize> = (0..site.candidates.len())
        .filter(|&idx| {
            before(&site.candidates[idx])
                && compatible(site, idx)
                && (!gendered || site.candidates[idx].kind.is_name())
        })
        .collect();
    order.sort_by_key(|&idx| {
        let mention = &site.candidates[idx];
        std::cmp::Reverse((mention.sentence, mention.head))
    });
    let is_subject = |idx: usize| {
        let mention = &site.candidates[idx];
        matches!(
            mentions::word_role(&sentences[mention.sentence], mention.head),
            "subj" | "subjpass"
        )
    };
    order
        .iter()
        .copied()
        .find(|&idx| is_subject(idx))
        .or_else(|| order.first().copied())
}

/// One training example: a pronoun's candidates and which of them are right.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Vec<Vec<u64>>,
    /// Indices of the candidates that are the antecedent (the same name can
    /// occur more than once in the window).
    pub positives: Vec<usize>,
}

/// The features of a pronoun's candidates with the lexicon given, for training.
pub fn example_features(
    sentences: &[Analysis<'_>],
    pronoun: WordRef,
    names: &NameGenders,
) -> Option<(Vec<Mention>, Vec<Vec<u64>>)> {
    let site = features::site(sentences, pronoun.sentence, pronoun.word, names)?;
    let features = features::candidate_features(sentences, &site);
    Some((site.candidates, features))
}

/// How to train the ranker.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    pub seed: u64,
    pub epochs: usize,
    /// AdaGrad's step size.
    pub learning_rate: f64,
    /// L2 penalty per update on the weights an example touches.
    pub l2: f64,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            seed: 2026,
            epochs: 10,
            learning_rate: 0.1,
            l2: 1e-2,
        }
    }
}

/// Trains the ranker: the marginal log-likelihood of the right candidates
/// under a softmax over each pronoun's candidates, by AdaGrad in a shuffled
/// order the seed fixes. Same examples and options, same weights.
pub fn train(examples: &[Example], names: NameGenders, options: &TrainOptions) -> Resolver {
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut keys: Vec<u64> = Vec::new();
    let dense: Vec<Vec<Vec<usize>>> = examples
        .iter()
        .map(|example| {
            example
                .features
                .iter()
                .map(|features| {
                    features
                        .iter()
                        .map(|&feature| {
                            *index.entry(feature).or_insert_with(|| {
                                keys.push(feature);
                                keys.len() - 1
                            })
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut weights = vec![0f64; keys.len()];
    let mut squares = vec![1e-8f64; keys.len()];
    let mut gradient = vec![0f64; keys.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut order: Vec<usize> = (0..examples.len())
        .filter(|&idx| !examples[idx].positives.is_empty() && examples[idx].features.len() > 1)
        .collect();
    let mut rng = Rng::new(options.seed);
    for _ in 0..options.epochs {
        rng.shuffle(&mut order);
        for &idx in &order {
            let candidates = &dense[idx];
            let scores: Vec<f64> = candidates
                .iter()
                .map(|features| features.iter().map(|&feature| weights[feature]).sum())
                .collect();
            let probabilities = softmax(&scores);
            let positive_mass: f64 = examples[idx].positives.iter().map(|&p| probabilities[p]).sum();
            for (candidate, features) in candidates.iter().enumerate() {
                let posterior = if examples[idx].positives.contains(&candidate) {
                    probabilities[candidate] / positive_mass.max(1e-300)
                } else {
                    0.0
                };
                let delta = probabilities[candidate] - posterior;
                for &feature in features {
                    if gradient[feature] == 0.0 {
                        touched.push(feature);
                    }
                    gradient[feature] += delta;
                    if gradient[feature] == 0.0 {
                        // Keep it listed: a later candidate may move it again.
                        gradient[feature] = f64::MIN_POSITIVE;
                    }
                }
            }
            touched.sort_unstable();
            touched.dedup();
            for &feature in &touched {
                let step = gradient[feature] + options.l2 * weights[feature];
                squares[feature] += step * step;
                weights[feature] -= options.learning_rate * step / squares[feature].sqrt();
                gradient[feature] = 0.0;
            }
            touched.clear();
        }
    }
    let weights = keys
        .iter()
        .zip(&weights)
        .filter(|(_, weight)| weight.abs() >= 1e-6)
        .map(|(&key, &weight)| (key, weight as f32))
        .collect();
    Resolver { weights, names }
}

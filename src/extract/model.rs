//! The learned check-worthiness model: hashed features of a sentence and a logistic score.
//!
//! A sentence becomes a bag of hashed features: its word unigrams and bigrams
//! (lower-cased, with digits folded so that "50" and "1,200" share a shape and
//! every year reads `<year>`), optionally the character 3- and 4-grams of its
//! words, the word classes of [`lexicon`](super::lexicon) and indicators of the
//! structural [`Features`] (numbers, dates, named entities, reporting verbs,
//! comparatives, hedges, first-person opinion, questions, length). Each
//! feature lands in one of `2^bucket_bits` buckets, and the score is the
//! logistic function of the bias plus the weights of the buckets hit.
//!
//! The weights are trained by `claimdb train` (see `crate::train`), written
//! with [`Model::to_bytes`] and committed as `checkworthiness.bin`, which is
//! embedded in the binary, so a fresh build needs no data. This module stays
//! pure: it parses bytes it is given and never reads a file.

use std::fmt;
use std::sync::LazyLock;

use super::lexicon::Lexeme;
use super::score::Features;
use super::words::Word;

/// The committed weights, written by `claimdb train`.
const EMBEDDED_WEIGHTS: &[u8] = include_bytes!("checkworthiness.bin");

/// The first bytes of every weights file; the digits are the format version.
const MAGIC: &[u8; 8] = b"CDBCWM01";
/// Magic, bucket bits, flags, bias, scale.
const HEADER_LEN: usize = 8 + 4 + 4 + 4 + 4;
const FLAG_CHAR_NGRAMS: u32 = 1;
const FLAG_NORMALISE: u32 = 2;
/// Buckets are bounded so that a corrupt header cannot ask for a huge table.
const MIN_BUCKET_BITS: u32 = 8;
const MAX_BUCKET_BITS: u32 = 24;

/// Which features a model uses and how many buckets they are hashed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureConfig {
    /// The model has `2^bucket_bits` weights.
    pub bucket_bits: u32,
    /// Also hash the character 3- and 4-grams of every word.
    pub char_ngrams: bool,
    /// Scale every feature by `1/sqrt(n)` for a sentence with `n` features, so
    /// that long sentences do not score high merely by having many features.
    pub normalise: bool,
}

impl Default for FeatureConfig {
    fn default() -> FeatureConfig {
        FeatureConfig {
            bucket_bits: 18,
            char_ngrams: true,
            normalise: true,
        }
    }
}

impl FeatureConfig {
    pub fn n_buckets(self) -> usize {
        1 << self.bucket_bits
    }

    /// The value every one of `n_features` features takes.
    pub fn feature_value(self, n_features: usize) -> f64 {
        if self.normalise && n_features > 0 {
            1.0 / (n_features as f64).sqrt()
        } else {
            1.0
        }
    }
}

/// A logistic model over hashed features.
///
/// The weights are kept as they are stored, `i16` times `scale`: half the
/// memory of `f32`, which matters because scoring is one random read per
/// feature and the table must stay in the CPU's cache to be fast.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub config: FeatureConfig,
    pub bias: f32,
    /// The weight of bucket `i` is `weights[i] as f32 * scale`.
    pub scale: f32,
    /// One weight per bucket: `config.n_buckets()` of them.
    pub weights: Vec<i16>,
}

/// Why bytes are not a weights file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelFormatError {
    BadMagic,
    BadBucketBits(u32),
    UnknownFlags(u32),
    WrongLength { expected: usize, found: usize },
    NotFinite,
}

impl fmt::Display for ModelFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelFormatError::BadMagic => write!(f, "not a claimdb check-worthiness model (bad magic)"),
            ModelFormatError::BadBucketBits(bits) => {
                write!(
                    f,
                    "bucket bits {bits} outside {MIN_BUCKET_BITS}..={MAX_BUCKET_BITS}"
                )
            }
            ModelFormatError::UnknownFlags(flags) => write!(f, "unknown feature flags {flags:#x}"),
            ModelFormatError::WrongLength { expected, found } => {
                write!(f, "expected {expected} bytes, found {found}")
            }
            ModelFormatError::NotFinite => write!(f, "bias or scale is not a finite number"),
        }
    }
}

impl std::error::Error for ModelFormatError {}

impl Model {
    /// A model whose weights are all zero: it scores everything 0.5.
    pub fn zeros(config: FeatureConfig) -> Model {
        Model {
            config,
            bias: 0.0,
            scale: 1.0,
            weights: vec![0; config.n_buckets()],
        }
    }

    /// Quantises trained weights (one per bucket) to `i16`, scaled by the
    /// largest absolute weight; this changes a score by far less than the
    /// rounding of its display.
    pub fn quantise(config: FeatureConfig, bias: f64, weights: &[f64]) -> Model {
        let max_abs = weights.iter().fold(0.0f64, |max, weight| max.max(weight.abs()));
        let scale = if max_abs > 0.0 {
            max_abs / f64::from(i16::MAX)
        } else {
            1.0
        };
        Model {
            config,
            bias: bias as f32,
            scale: scale as f32,
            // In range by construction of `scale`; `as` saturates anyway.
            weights: weights
                .iter()
                .map(|weight| (weight / scale).round() as i16)
                .collect(),
        }
    }

    /// The weight of one bucket.
    pub fn weight(&self, bucket: u32) -> f32 {
        f32::from(self.weights.get(bucket as usize).copied().unwrap_or(0)) * self.scale
    }

    /// The probability, in 0..=1, that a sentence with these features is check-worthy.
    pub fn score(&self, words: &[Word<'_>], features: &Features) -> f64 {
        let mut sum = 0i64;
        let mut n_features = 0;
        for_each_feature(words, features, self.config, |bucket| {
            // Buckets are masked to the table size, so indexing cannot fail;
            // `get` keeps that a property of this function alone.
            sum += i64::from(self.weights.get(bucket as usize).copied().unwrap_or(0));
            n_features += 1;
        });
        self.logistic(sum, n_features)
    }

    /// The score of a sentence whose feature buckets are `buckets`, as
    /// [`Model::score`] computes it.
    pub fn score_buckets(&self, buckets: &[u32]) -> f64 {
        let sum = buckets
            .iter()
            .map(|&bucket| i64::from(self.weights.get(bucket as usize).copied().unwrap_or(0)))
            .sum();
        self.logistic(sum, buckets.len())
    }

    fn logistic(&self, quantised_sum: i64, n_features: usize) -> f64 {
        let sum = quantised_sum as f64 * f64::from(self.scale);
        sigmoid(f64::from(self.bias) + sum * self.config.feature_value(n_features))
    }

    /// Serialises the model: a header, then every weight as a little-endian `i16`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut flags = 0;
        if self.config.char_ngrams {
            flags |= FLAG_CHAR_NGRAMS;
        }
        if self.config.normalise {
            flags |= FLAG_NORMALISE;
        }
        let mut bytes = Vec::with_capacity(HEADER_LEN + 2 * self.weights.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&self.config.bucket_bits.to_le_bytes());
        bytes.extend_from_slice(&flags.to_le_bytes());
        bytes.extend_from_slice(&self.bias.to_le_bytes());
        bytes.extend_from_slice(&self.scale.to_le_bytes());
        for weight in &self.weights {
            bytes.extend_from_slice(&weight.to_le_bytes());
        }
        bytes
    }

    /// Parses bytes written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelFormatError> {
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err(ModelFormatError::BadMagic);
        }
        let u32_at = |offset: usize| {
            u32::from_le_bytes([
                bytes[offset],
                bytes[offset + 1],
                bytes[offset + 2],
                bytes[offset + 3],
            ])
        };
        let bucket_bits = u32_at(8);
        let flags = u32_at(12);
        let bias = f32::from_bits(u32_at(16));
        let scale = f32::from_bits(u32_at(20));
        if !(MIN_BUCKET_BITS..=MAX_BUCKET_BITS).contains(&bucket_bits) {
            return Err(ModelFormatError::BadBucketBits(bucket_bits));
        }
        if flags & !(FLAG_CHAR_NGRAMS | FLAG_NORMALISE) != 0 {
            return Err(ModelFormatError::UnknownFlags(flags));
        }
        if !bias.is_finite() || !scale.is_finite() {
            return Err(ModelFormatError::NotFinite);
        }
        let config = FeatureConfig {
            bucket_bits,
            char_ngrams: flags & FLAG_CHAR_NGRAMS != 0,
            normalise: flags & FLAG_NORMALISE != 0,
        };
        let expected = HEADER_LEN + 2 * config.n_buckets();
        if bytes.len() != expected {
            return Err(ModelFormatError::WrongLength {
                expected,
                found: bytes.len(),
            });
        }
        let weights = bytes[HEADER_LEN..]
            .chunks_exact(2)
            .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        Ok(Model {
            config,
            bias,
            scale,
            weights,
        })
    }
}

/// The model committed in the repository and embedded in the binary.
pub fn embedded() -> &'static Model {
    static MODEL: LazyLock<Model> = LazyLock::new(|| match Model::from_bytes(EMBEDDED_WEIGHTS) {
        Ok(model) => model,
        // The file is written by `claimdb train` and checked by a unit test;
        // should it ever be corrupt, every sentence scores 0.5 rather than
        // the extractor failing.
        Err(_) => Model::zeros(FeatureConfig {
            bucket_bits: MIN_BUCKET_BITS,
            char_ngrams: false,
            normalise: false,
        }),
    });
    &MODEL
}

pub fn sigmoid(z: f64) -> f64 {
    (1.0 / (1.0 + (-z).exp())).clamp(0.0, 1.0)
}

/// Namespaces keep features of different kinds from sharing a hash.
mod namespace {
    pub const UNIGRAM: u64 = 0x9E37_79B9_7F4A_7C15;
    pub const BIGRAM: u64 = 0xC2B2_AE3D_27D4_EB4F;
    pub const CHAR_NGRAM: u64 = 0x1656_67B1_9E37_79F9;
    pub const LEXEME: u64 = 0x85EB_CA77_C2B2_AE63;
    pub const STRUCTURE: u64 = 0x27D4_EB2F_1656_67C5;
}

/// The word classes that become features: those that say something about
/// stance, quantity or time rather than syntax alone.
const LEXEME_FEATURES: [Lexeme; 14] = [
    Lexeme::NUMBER_WORD,
    Lexeme::PERCENT_WORD,
    Lexeme::MONEY_WORD,
    Lexeme::DATE_WORD,
    Lexeme::REPORTING_VERB,
    Lexeme::ROLE_NOUN,
    Lexeme::TITLE_WORD,
    Lexeme::HONORIFIC,
    Lexeme::PRONOUN,
    Lexeme::SUPERLATIVE,
    Lexeme::COMPARATIVE_HEAD,
    Lexeme::HEDGE,
    Lexeme::OPINION_VERB,
    Lexeme::FIRST_PERSON,
];

/// Longer words are cut to this many bytes for their character n-grams.
const MAX_CHAR_NGRAM_WORD: usize = 30;

/// Calls `visit` with the bucket of every feature of the sentence, duplicates
/// included. The trainer and [`Model::score`] share this, so they cannot
/// disagree about what a sentence looks like.
pub fn for_each_feature(
    words: &[Word<'_>],
    features: &Features,
    config: FeatureConfig,
    mut visit: impl FnMut(u32),
) {
    let shift = 64 - config.bucket_bits;
    let mut emit = |hash: u64| visit((mix(hash) >> shift) as u32);
    let mut previous_hash = fnv1a(namespace::BIGRAM, b"<s>");
    let mut normalised = [0u8; MAX_CHAR_NGRAM_WORD + 2];
    for word in words {
        let (word_hash, len) = normalise_word(word.text, &mut normalised);
        emit(word_hash ^ namespace::UNIGRAM);
        emit(previous_hash.rotate_left(23) ^ word_hash ^ namespace::BIGRAM);
        previous_hash = word_hash;
        if config.char_ngrams {
            // `normalised` holds "<word>" with the boundary marks.
            let padded = &normalised[..len];
            for n in 3..=4 {
                for gram in padded.windows(n) {
                    emit(fnv1a(namespace::CHAR_NGRAM, gram));
                }
            }
        }
        let lexeme = word.lexeme;
        if lexeme != Lexeme::NONE {
            for (class_idx, class) in LEXEME_FEATURES.iter().enumerate() {
                if lexeme.has(*class) {
                    emit(namespace::LEXEME.wrapping_add(class_idx as u64));
                }
            }
        }
    }
    emit(previous_hash.rotate_left(23) ^ fnv1a(namespace::BIGRAM, b"</s>") ^ namespace::BIGRAM);
    for_each_structure_feature(features, |feature_id, value| {
        emit(namespace::STRUCTURE ^ (feature_id << 8 | value));
    });
}

/// Structural indicators: counts are bucketed so each bucket learns its own
/// weight, and a few crossings let a linear model say "a number, but in a
/// question" or "a number in a short fragment".
fn for_each_structure_feature(features: &Features, mut emit: impl FnMut(u64, u64)) {
    let bucket = |count: usize, cap: usize| count.min(cap) as u64;
    let flag = |value: bool| u64::from(value);
    let length = match features.n_words {
        0..4 => 0,
        4..6 => 1,
        6..9 => 2,
        9..13 => 3,
        13..20 => 4,
        20..30 => 5,
        30..45 => 6,
        _ => 7,
    };
    let numbers = bucket(features.n_numbers, 3);
    emit(1, numbers);
    emit(2, flag(features.has_percent));
    emit(3, flag(features.has_money));
    emit(4, bucket(features.n_date_words, 2));
    emit(5, bucket(features.n_named_entities, 4));
    emit(6, flag(features.has_reporting_verb));
    emit(7, flag(features.has_comparative));
    emit(8, bucket(features.n_hedges, 2));
    emit(9, flag(features.has_first_person_opinion));
    emit(10, bucket(features.n_first_person, 3));
    emit(11, flag(features.is_question));
    emit(12, flag(features.has_quotation));
    emit(13, length);
    let has_number = flag(features.n_numbers > 0);
    emit(14, has_number << 1 | flag(features.is_question));
    emit(15, has_number << 3 | length);
    emit(16, has_number << 1 | flag(features.n_first_person > 0));
    emit(17, flag(features.n_named_entities > 0) << 1 | has_number);
}

/// Hashes the normalised form of `word` and writes `<form>` (cut to
/// [`MAX_CHAR_NGRAM_WORD`] bytes) into `padded`, returning the hash and the
/// padded length.
///
/// ASCII letters are lower-cased and the curly apostrophe straightened; every
/// run of digits becomes one `0`, so "50", "3.5" and "60,000" read "0", "0.0"
/// and "0,0"; a year from 1800 to 2099 reads `<year>`. Other characters are
/// kept as they are.
fn normalise_word(word: &str, padded: &mut [u8; MAX_CHAR_NGRAM_WORD + 2]) -> (u64, usize) {
    let word_bytes = word.as_bytes();
    let is_year = word_bytes.len() == 4
        && word_bytes.iter().all(u8::is_ascii_digit)
        && matches!(&word_bytes[..2], b"18" | b"19" | b"20");
    padded[0] = b'<';
    let mut len = 1;
    let mut hash = FNV_OFFSET;
    let mut push = |byte: u8, len: &mut usize| {
        hash = (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        if *len <= MAX_CHAR_NGRAM_WORD {
            padded[*len] = byte;
            *len += 1;
        }
    };
    if is_year {
        for &byte in b"<year>" {
            push(byte, &mut len);
        }
    } else {
        let mut previous_is_digit = false;
        for (byte_idx, c) in word.char_indices() {
            if c.is_ascii_digit() {
                if !previous_is_digit {
                    push(b'0', &mut len);
                }
                previous_is_digit = true;
                continue;
            }
            previous_is_digit = false;
            if c.is_ascii() {
                push((c as u8).to_ascii_lowercase(), &mut len);
            } else if c == '\u{2019}' {
                push(b'\'', &mut len);
            } else {
                for &byte in &word_bytes[byte_idx..byte_idx + c.len_utf8()] {
                    push(byte, &mut len);
                }
            }
        }
    }
    padded[len] = b'>';
    (hash, len + 1)
}

const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01B3;

fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET ^ seed, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
    })
}

/// The splitmix64 finaliser: spreads FNV's weak high bits over the whole word.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::score::sentence_features;
    use crate::extract::words::words;

    fn buckets(sentence: &str, config: FeatureConfig) -> Vec<u32> {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let features = sentence_features(sentence, &sentence_words);
        let mut buckets = Vec::new();
        for_each_feature(&sentence_words, &features, config, |bucket| buckets.push(bucket));
        buckets
    }

    #[test]
    fn weights_round_trip_through_the_file_format() {
        let config = FeatureConfig {
            bucket_bits: 10,
            char_ngrams: true,
            normalise: true,
        };
        let trained: Vec<f64> = (0..1024).map(|idx| (f64::from(idx) * 0.37).sin() * 3.0).collect();
        let model = Model::quantise(config, -1.25, &trained);
        let step = 3.0 / f32::from(i16::MAX);
        for (bucket, weight) in trained.iter().enumerate() {
            let quantised = model.weight(bucket as u32);
            assert!(
                (quantised - *weight as f32).abs() <= step,
                "{quantised} vs {weight}"
            );
        }
        let bytes = model.to_bytes();
        assert_eq!(bytes.len(), HEADER_LEN + 2 * 1024);
        let read = Model::from_bytes(&bytes).unwrap();
        assert_eq!(read, model);
        assert_eq!(read.bias, -1.25);
        assert_eq!(read.to_bytes(), bytes);
    }

    #[test]
    fn corrupt_files_are_rejected() {
        let bytes = Model::zeros(FeatureConfig {
            bucket_bits: 8,
            char_ngrams: false,
            normalise: false,
        })
        .to_bytes();
        assert_eq!(Model::from_bytes(b"nonsense"), Err(ModelFormatError::BadMagic));
        assert!(matches!(
            Model::from_bytes(&bytes[..bytes.len() - 1]),
            Err(ModelFormatError::WrongLength { .. })
        ));
        let mut huge = bytes.clone();
        huge[8] = 40;
        assert_eq!(Model::from_bytes(&huge), Err(ModelFormatError::BadBucketBits(40)));
        let mut flagged = bytes;
        flagged[12] = 0x80;
        assert_eq!(
            Model::from_bytes(&flagged),
            Err(ModelFormatError::UnknownFlags(0x80))
        );
    }

    #[test]
    fn the_embedded_weights_parse() {
        let model = Model::from_bytes(EMBEDDED_WEIGHTS).unwrap();
        assert_eq!(embedded(), &model);
        assert!(model.weights.iter().any(|weight| *weight != 0));
    }

    #[test]
    fn digits_fold_and_case_is_ignored() {
        let config = FeatureConfig {
            bucket_bits: 16,
            char_ngrams: true,
            normalise: false,
        };
        assert_eq!(
            buckets("Unemployment rose to 5% in 2021.", config),
            buckets("unemployment rose to 73% in 1999.", config)
        );
        assert_ne!(
            buckets("Unemployment rose to 5%.", config),
            buckets("Unemployment fell to 5%.", config)
        );
        let mut padded = [0u8; MAX_CHAR_NGRAM_WORD + 2];
        let (_, len) = normalise_word("We\u{2019}re", &mut padded);
        assert_eq!(&padded[..len], b"<we're>");
        let (_, len) = normalise_word("60,000", &mut padded);
        assert_eq!(&padded[..len], b"<0,0>");
        let long = "x".repeat(100);
        let (_, len) = normalise_word(&long, &mut padded);
        assert_eq!(len, MAX_CHAR_NGRAM_WORD + 2);
    }

    #[test]
    fn buckets_stay_inside_the_table() {
        let config = FeatureConfig {
            bucket_bits: 8,
            char_ngrams: true,
            normalise: true,
        };
        let found = buckets(
            "Prices in Zürich rose 3.5% — «très» 東京 🙂 — said Mr Müller.",
            config,
        );
        assert!(!found.is_empty());
        assert!(found.iter().all(|bucket| (*bucket as usize) < config.n_buckets()));
    }
}

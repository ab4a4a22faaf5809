//! The learned check-worthiness model: hashed features of a sentence and a logistic score.
//!
//! A sentence becomes a bag of hashed features in two blocks. The word block
//! holds its word unigrams and bigrams (lower-cased, with digits folded so
//! that "50" and "1,200" share a shape and every year reads `<year>`), the
//! word classes of [`lexicon`](super::lexicon) and indicators of the
//! structural [`Features`] (numbers, dates, named entities, reporting verbs,
//! comparatives, hedges, first-person opinion, questions, length) and,
//! optionally, n-grams of word shapes: each word reduced to one of a few
//! dozen classes (its most specific word class, else number, capitalised,
//! lower-case or other), so that `<s> NUMBER PERCENT` or `FIRST_PERSON
//! OPINION_VERB` generalise beyond the words seen in training, and,
//! optionally, what the sentence's analysis says
//! ([`SyntaxFeatures`]: the main clause's tense, modal and subject, its
//! clauses, numbers that count a noun, entities by kind). The
//! optional character block holds the character n-grams of every word,
//! padded with boundary marks (`<word>`), taken from a shift register over
//! the word's bytes so that each n-gram costs a shift and a mask. Each feature
//! lands in one of `2^bucket_bits` buckets.
//!
//! Every feature occurrence has a value: the bucket's learnt scale (1, its
//! inverse document frequency, or its naive-Bayes log-count ratio, see
//! [`Weighting`]) divided by the norm of its block ([`Norm`]: the square root
//! of the block's feature count, or the Euclidean norm of the scaled block as
//! in TF-IDF). The score is the logistic function of the bias plus the sum of
//! weight times value. The scale is folded into the stored weight, so scoring
//! reads one weight per feature, plus, for the Euclidean norm, the squared
//! scale of the bucket from a second table; it allocates nothing.
//!
//! The weights are trained by `claimdb train` (see `crate::train`), written
//! with [`Model::to_bytes`] and committed as `checkworthiness.bin`, which is
//! embedded in the binary, so a fresh build needs no data. This module stays
//! pure: it parses bytes it is given and never reads a file.

use std::fmt;
use std::sync::LazyLock;

use super::lexicon::{Lexeme, pack_zero_padded};
use super::score::Features;
use super::syntax::{CLAUSE_RELATIONS, SyntaxFeatures};
use super::words::Word;

/// The committed weights, written by `claimdb train`.
const EMBEDDED_WEIGHTS: &[u8] = include_bytes!("checkworthiness.bin");

/// The first bytes of every weights file; the digits are the format version.
const MAGIC: &[u8; 8] = b"CDBCWM04";
/// Magic, bucket bits, shortest and longest character n-gram, weighting,
/// norm, longest word-shape n-gram, whether the model reads the analysis,
/// bias, weight scale, squared-scale scale.
const HEADER_LEN: usize = 8 + 7 * 4 + 3 * 4;
/// The previous formats, still read: without the analysis field (03),
/// and without the word-shape field too (02).
const MAGIC_03: &[u8; 8] = b"CDBCWM03";
const HEADER_LEN_03: usize = 8 + 6 * 4 + 3 * 4;
const MAGIC_02: &[u8; 8] = b"CDBCWM02";
const HEADER_LEN_02: usize = 8 + 5 * 4 + 3 * 4;
/// Word-shape n-grams are bigrams, or bigrams and trigrams.
pub const MAX_SHAPE_NGRAM: u32 = 3;

/// Whether `n` is a longest word-shape n-gram a model can have: 0 for none,
/// 2 or [`MAX_SHAPE_NGRAM`].
pub fn is_shape_ngram_setting(n: u32) -> bool {
    matches!(n, 0 | 2..=MAX_SHAPE_NGRAM)
}
/// Buckets are bounded so that a corrupt header cannot ask for a huge table.
const MIN_BUCKET_BITS: u32 = 8;
const MAX_BUCKET_BITS: u32 = 24;
/// Character n-grams are at most this long: they are read from a 64-bit
/// shift register.
pub const MAX_CHAR_NGRAM: u32 = 8;

/// How the value of a feature is scaled per bucket before normalisation.
/// The scale is learnt from the training data by `claimdb train`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weighting {
    /// Every feature is worth 1.
    Binary,
    /// Inverse document frequency, `ln((1 + n) / (1 + df)) + 1`: rare
    /// features count more, as in TF-IDF.
    Idf,
    /// The naive-Bayes log-count ratio of the bucket (Wang and Manning's
    /// NB-LR): `ln((p / |p|) / (q / |q|))` with `p` and `q` the bucket's
    /// smoothed counts in check-worthy and other sentences.
    NaiveBayes,
}

/// How the values of a block are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Norm {
    /// Divide by the square root of the block's feature count.
    Count,
    /// Divide by the Euclidean norm of the block's scaled values, as TF-IDF
    /// vectors are; every occurrence counts as its own feature.
    Euclidean,
}

/// Which features a model uses and how many buckets they are hashed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureConfig {
    /// The model has `2^bucket_bits` weights.
    pub bucket_bits: u32,
    /// The shortest and longest character n-grams hashed, `(0, 0)` for none.
    pub char_ngrams: (u32, u32),
    pub weighting: Weighting,
    pub norm: Norm,
    /// The longest n-gram of word shapes in the word block: 0 for none, 2
    /// for bigrams, 3 for bigrams and trigrams.
    pub shape_ngrams: u32,
    /// Whether the word block also holds the features of the sentence's
    /// analysis ([`SyntaxFeatures`](super::syntax::SyntaxFeatures)): the
    /// extractor then analyses every sentence it scores.
    pub analysis: bool,
}

impl Default for FeatureConfig {
    fn default() -> FeatureConfig {
        FeatureConfig {
            bucket_bits: 18,
            char_ngrams: (0, 0),
            weighting: Weighting::Binary,
            norm: Norm::Count,
            shape_ngrams: 0,
            analysis: false,
        }
    }
}

impl FeatureConfig {
    pub fn n_buckets(self) -> usize {
        1 << self.bucket_bits
    }

    pub fn has_char_ngrams(self) -> bool {
        self.char_ngrams.1 > 0
    }

    /// Whether scoring needs the squared scale of every bucket.
    pub fn needs_squares(self) -> bool {
        self.norm == Norm::Euclidean && self.weighting != Weighting::Binary
    }
}

/// The block a feature belongs to: each block is normalised on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Words = 0,
    Chars = 1,
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
    /// The weight of bucket `i`, its scale folded in, is `weights[i] as f32 * scale`.
    pub scale: f32,
    /// One weight per bucket: `config.n_buckets()` of them.
    pub weights: Vec<i16>,
    /// The squared scale of bucket `i` is `squares[i] as f32 * square_scale`;
    /// one per bucket when [`FeatureConfig::needs_squares`], else empty.
    pub square_scale: f32,
    pub squares: Vec<u16>,
}

/// Why bytes are not a weights file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelFormatError {
    BadMagic,
    BadBucketBits(u32),
    BadCharNgrams(u32, u32),
    UnknownWeighting(u32),
    UnknownNorm(u32),
    BadShapeNgrams(u32),
    BadAnalysisFlag(u32),
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
            ModelFormatError::BadCharNgrams(min, max) => {
                write!(f, "character n-grams {min}..={max} outside 1..={MAX_CHAR_NGRAM}")
            }
            ModelFormatError::UnknownWeighting(code) => write!(f, "unknown weighting {code}"),
            ModelFormatError::UnknownNorm(code) => write!(f, "unknown norm {code}"),
            ModelFormatError::BadShapeNgrams(n) => {
                write!(
                    f,
                    "word-shape n-grams up to {n}: expected 0, 2 or {MAX_SHAPE_NGRAM}"
                )
            }
            ModelFormatError::BadAnalysisFlag(flag) => write!(f, "analysis flag {flag}: expected 0 or 1"),
            ModelFormatError::WrongLength { expected, found } => {
                write!(f, "expected {expected} bytes, found {found}")
            }
            ModelFormatError::NotFinite => write!(f, "bias or a scale is not a finite number"),
        }
    }
}

impl std::error::Error for ModelFormatError {}

/// Scales a table of non-negative or signed values into integers of at most
/// `max_int`, returning the scale.
fn table_scale(values: &[f64], max_int: f64) -> f64 {
    let max_abs = values.iter().fold(0.0f64, |max, value| max.max(value.abs()));
    if max_abs > 0.0 { max_abs / max_int } else { 1.0 }
}

impl Model {
    /// A model whose weights are all zero: it scores everything 0.5.
    pub fn zeros(config: FeatureConfig) -> Model {
        Model {
            config,
            bias: 0.0,
            scale: 1.0,
            weights: vec![0; config.n_buckets()],
            square_scale: 1.0,
            squares: if config.needs_squares() {
                vec![0; config.n_buckets()]
            } else {
                Vec::new()
            },
        }
    }

    /// Quantises trained weights, their bucket scales already folded in, to
    /// `i16`, scaled by the largest absolute weight (this changes a score by
    /// far less than the rounding of its display), and the squared bucket
    /// scales, when the norm needs them, to `u16`.
    pub fn quantise(config: FeatureConfig, bias: f64, weights: &[f64], squares: &[f64]) -> Model {
        let scale = table_scale(weights, f64::from(i16::MAX));
        let square_scale = table_scale(squares, f64::from(u16::MAX));
        Model {
            config,
            bias: bias as f32,
            scale: scale as f32,
            // In range by construction of `scale`; `as` saturates anyway.
            weights: weights
                .iter()
                .map(|weight| (weight / scale).round() as i16)
                .collect(),
            square_scale: square_scale as f32,
            squares: if config.needs_squares() {
                squares
                    .iter()
                    .map(|square| (square / square_scale).round() as u16)
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The weight of one bucket.
    pub fn weight(&self, bucket: u32) -> f32 {
        f32::from(self.weights.get(bucket as usize).copied().unwrap_or(0)) * self.scale
    }

    /// The probability, in 0..=1, that a sentence with these features is check-worthy.
    pub fn score(&self, words: &[Word<'_>], features: &Features) -> f64 {
        let mut sums = BlockSums::default();
        for_each_feature(words, features, self.config, |block, bucket| {
            self.add(&mut sums, block, bucket);
        });
        self.logistic(&sums)
    }

    /// [`Model::score`], with the sums of the features each word has alone
    /// (its unigram, character n-grams and classes) taken from `cache` when
    /// the word was scored recently, and the other weights read in one
    /// pass at the end. The sums are integers, so
    /// the score is exactly [`Model::score`]'s. `cache` must only ever be
    /// used with this one model: [`score_embedded`] keeps one per thread
    /// for the embedded model.
    fn score_cached(&self, words: &[Word<'_>], features: &Features, cache: &mut WordSumCache) -> f64 {
        cache.look_up(words);
        let mut sink = CachedWordSums {
            model: self,
            sums: BlockSums::default(),
            cache,
            n_words_seen: 0,
        };
        walk_features(words, features, self.config, &mut sink);
        let CachedWordSums { mut sums, cache, .. } = sink;
        // One tight loop of independent reads, whose cache misses overlap.
        for &bucket in &cache.pending {
            self.add(&mut sums, Block::Words, bucket);
        }
        self.logistic(&sums)
    }

    /// The score of a sentence whose feature buckets are `buckets`, the
    /// first `n_word_features` of the word block and the rest of the
    /// character block, as [`Model::score`] computes it.
    pub fn score_buckets(&self, buckets: &[u32], n_word_features: usize) -> f64 {
        let mut sums = BlockSums::default();
        for (feature_idx, &bucket) in buckets.iter().enumerate() {
            let block = if feature_idx < n_word_features {
                Block::Words
            } else {
                Block::Chars
            };
            self.add(&mut sums, block, bucket);
        }
        self.logistic(&sums)
    }

    #[inline]
    fn add(&self, sums: &mut BlockSums, block: Block, bucket: u32) {
        // Buckets are masked to the table size, so indexing cannot fail;
        // `get` keeps that a property of this function alone.
        let bucket = bucket as usize;
        let block = block as usize;
        sums.weights[block] += i64::from(self.weights.get(bucket).copied().unwrap_or(0));
        sums.norms[block] += match self.squares.get(bucket) {
            Some(&square) => u64::from(square),
            None => 1,
        };
    }

    fn logistic(&self, sums: &BlockSums) -> f64 {
        let mut z = f64::from(self.bias);
        for block in 0..2 {
            if sums.norms[block] == 0 {
                continue;
            }
            let norm_squared = if self.squares.is_empty() {
                sums.norms[block] as f64
            } else {
                sums.norms[block] as f64 * f64::from(self.square_scale)
            };
            z += sums.weights[block] as f64 * f64::from(self.scale) / norm_squared.sqrt();
        }
        sigmoid(z)
    }

    /// Serialises the model: a header (format 04 for a model that reads the
    /// analysis, else 03), every weight as a little-endian
    /// `i16`, then, when the norm needs them, every squared scale as a `u16`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let config = self.config;
        let mut bytes = Vec::with_capacity(HEADER_LEN + 2 * (self.weights.len() + self.squares.len()));
        // A model without analysis features is written in the format before
        // the analysis flag, so that retraining such a model changes no byte
        // of its header.
        bytes.extend_from_slice(if config.analysis { MAGIC } else { MAGIC_03 });
        let weighting: u32 = match config.weighting {
            Weighting::Binary => 0,
            Weighting::Idf => 1,
            Weighting::NaiveBayes => 2,
        };
        let norm: u32 = match config.norm {
            Norm::Count => 0,
            Norm::Euclidean => 1,
        };
        for field in [
            config.bucket_bits,
            config.char_ngrams.0,
            config.char_ngrams.1,
            weighting,
            norm,
            config.shape_ngrams,
        ] {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        if config.analysis {
            bytes.extend_from_slice(&1u32.to_le_bytes());
        }
        for field in [self.bias, self.scale, self.square_scale] {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        for weight in &self.weights {
            bytes.extend_from_slice(&weight.to_le_bytes());
        }
        for square in &self.squares {
            bytes.extend_from_slice(&square.to_le_bytes());
        }
        bytes
    }

    /// Parses bytes written by [`Model::to_bytes`], or by the previous
    /// formats, whose models read no analysis (03) and no word shapes (02).
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelFormatError> {
        let header_len = match bytes.get(..8) {
            Some(magic) if magic == MAGIC => HEADER_LEN,
            Some(magic) if magic == MAGIC_03 => HEADER_LEN_03,
            Some(magic) if magic == MAGIC_02 => HEADER_LEN_02,
            _ => return Err(ModelFormatError::BadMagic),
        };
        if bytes.len() < header_len {
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
        let char_ngrams = (u32_at(12), u32_at(16));
        let weighting = match u32_at(20) {
            0 => Weighting::Binary,
            1 => Weighting::Idf,
            2 => Weighting::NaiveBayes,
            code => return Err(ModelFormatError::UnknownWeighting(code)),
        };
        let norm = match u32_at(24) {
            0 => Norm::Count,
            1 => Norm::Euclidean,
            code => return Err(ModelFormatError::UnknownNorm(code)),
        };
        // Each format adds a field after the norm, moving the floats up.
        let (shape_ngrams, analysis, floats_at) = match header_len {
            HEADER_LEN => (u32_at(28), u32_at(32), 36),
            HEADER_LEN_03 => (u32_at(28), 0, 32),
            _ => (0, 0, 28),
        };
        let analysis = match analysis {
            0 => false,
            1 => true,
            flag => return Err(ModelFormatError::BadAnalysisFlag(flag)),
        };
        if !is_shape_ngram_setting(shape_ngrams) {
            return Err(ModelFormatError::BadShapeNgrams(shape_ngrams));
        }
        let bias = f32::from_bits(u32_at(floats_at));
        let scale = f32::from_bits(u32_at(floats_at + 4));
        let square_scale = f32::from_bits(u32_at(floats_at + 8));
        if !(MIN_BUCKET_BITS..=MAX_BUCKET_BITS).contains(&bucket_bits) {
            return Err(ModelFormatError::BadBucketBits(bucket_bits));
        }
        let chars_ok = char_ngrams == (0, 0)
            || (1 <= char_ngrams.0 && char_ngrams.0 <= char_ngrams.1 && char_ngrams.1 <= MAX_CHAR_NGRAM);
        if !chars_ok {
            return Err(ModelFormatError::BadCharNgrams(char_ngrams.0, char_ngrams.1));
        }
        if !bias.is_finite() || !scale.is_finite() || !square_scale.is_finite() {
            return Err(ModelFormatError::NotFinite);
        }
        let config = FeatureConfig {
            bucket_bits,
            char_ngrams,
            weighting,
            norm,
            shape_ngrams,
            analysis,
        };
        let n_squares = if config.needs_squares() {
            config.n_buckets()
        } else {
            0
        };
        let expected = header_len + 2 * (config.n_buckets() + n_squares);
        if bytes.len() != expected {
            return Err(ModelFormatError::WrongLength {
                expected,
                found: bytes.len(),
            });
        }
        let (weight_bytes, square_bytes) = bytes[header_len..].split_at(2 * config.n_buckets());
        Ok(Model {
            config,
            bias,
            scale,
            weights: weight_bytes
                .chunks_exact(2)
                .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                .collect(),
            square_scale,
            squares: square_bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect(),
        })
    }
}

/// Per block, the sum of quantised weights and of squared scales (or the
/// feature count).
#[derive(Default)]
struct BlockSums {
    weights: [i64; 2],
    norms: [u64; 2],
}

/// The sums of the features that depend on a word alone (its unigram,
/// character n-grams and word classes) for recently scored words, in a
/// direct-mapped table keyed by the word's text. A sentence's words are
/// mostly frequent ones, and a hit replaces normalising and hashing the
/// word and reading a dozen weights, each likely a cache miss, with one read.
struct WordSumCache {
    entries: Vec<WordSumEntry>,
    /// For the sentence being scored, each word's key and entry index
    /// (`None` for words too long for the cache), found by [`Self::look_up`].
    lookups: Vec<Option<([u64; 4], usize)>>,
    /// Buckets of the sentence's word-block features that do not come
    /// from the cache, whose weights are read together at the end.
    pending: Vec<u32>,
}

/// Aligned so that an entry lies in one cache line: with 56-byte entries
/// most straddled two, and a lookup could miss twice.
#[derive(Clone, Copy, Default)]
#[repr(align(64))]
struct WordSumEntry {
    /// The word's bytes, zero-filled: words hold no NUL byte, so the key is
    /// unambiguous and all zeros marks an empty entry.
    key: [u64; 4],
    word_hash: u64,
    /// Per block, the sum of quantised weights and of squared scales (or
    /// the feature count), as in [`BlockSums`]: at most a few dozen
    /// features of at most `u16::MAX` each, so 32 bits hold them.
    weights: [i32; 2],
    norms: [u32; 2],
}

/// The table has `1 << WORD_SUM_CACHE_BITS` entries of 64 bytes (256 KiB per
/// thread that scores). Larger tables find more words but measured no
/// faster, and every import worker thread keeps one.
const WORD_SUM_CACHE_BITS: u32 = 12;

/// Longer words are scored without the cache.
const WORD_SUM_KEY_LEN: usize = 32;

impl WordSumCache {
    fn new() -> WordSumCache {
        WordSumCache {
            entries: vec![WordSumEntry::default(); 1 << WORD_SUM_CACHE_BITS],
            lookups: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Finds the key and entry of every word of a sentence before any is
    /// used, reading each entry once so that their cache misses overlap
    /// rather than stall the scoring one word at a time.
    fn look_up(&mut self, words: &[Word<'_>]) {
        self.lookups.clear();
        self.pending.clear();
        let mut touched = 0u64;
        for word in words {
            let bytes = word.text.as_bytes();
            if bytes.len() > WORD_SUM_KEY_LEN {
                self.lookups.push(None);
                continue;
            }
            let key: [u64; 4] = pack_zero_padded(bytes);
            // Multiplying spreads the words' differing bytes into the top bits.
            let entry_idx =
                ((key[0] ^ key[1].rotate_left(29) ^ key[2].rotate_left(47) ^ key[3].rotate_left(13))
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    >> (64 - WORD_SUM_CACHE_BITS)) as usize;
            touched ^= self.entries.get(entry_idx).map_or(0, |entry| entry.key[0]);
            self.lookups.push(Some((key, entry_idx)));
        }
        // Keeps the reads, which exist only to fetch the entries early.
        std::hint::black_box(touched);
    }
}

/// A sink that adds features to block sums, taking each word's own
/// feature sums from the cache; other word-block features wait in the
/// cache's `pending` list.
struct CachedWordSums<'a> {
    model: &'a Model,
    sums: BlockSums,
    cache: &'a mut WordSumCache,
    /// Words visited so far: the index of the next word's lookup.
    n_words_seen: usize,
}

impl FeatureSink for CachedWordSums<'_> {
    fn feature(&mut self, block: Block, bucket: u32) {
        match block {
            Block::Words => self.cache.pending.push(bucket),
            Block::Chars => self.model.add(&mut self.sums, block, bucket),
        }
    }

    #[inline]
    fn word(&mut self, word: &Word<'_>, previous_hash: u64, config: FeatureConfig) -> u64 {
        let lookup = self.cache.lookups.get(self.n_words_seen).copied().flatten();
        self.n_words_seen += 1;
        // Words too long for the cache are walked feature by feature. (An
        // entry is always found: `look_up` masks the index to the table.)
        let Some((key, entry)) =
            lookup.and_then(|(key, entry_idx)| Some((key, self.cache.entries.get_mut(entry_idx)?)))
        else {
            return walk_word(word, Some(previous_hash), config, &mut |block, bucket| {
                self.feature(block, bucket);
            });
        };
        let model = self.model;
        if entry.key != key {
            let mut own = BlockSums::default();
            let word_hash = walk_word(word, None, config, &mut |block, bucket| {
                model.add(&mut own, block, bucket);
            });
            // In range by the bounds above; `try_from` keeps a corrupt
            // table from wrapping silently.
            let narrow = |sum: i64| i32::try_from(sum).unwrap_or(i32::MAX);
            let narrow_norm = |sum: u64| u32::try_from(sum).unwrap_or(u32::MAX);
            *entry = WordSumEntry {
                key,
                word_hash,
                weights: own.weights.map(narrow),
                norms: own.norms.map(narrow_norm),
            };
        }
        for block in 0..2 {
            self.sums.weights[block] += i64::from(entry.weights[block]);
            self.sums.norms[block] += u64::from(entry.norms[block]);
        }
        let word_hash = entry.word_hash;
        self.cache
            .pending
            .push(bucket_of(bigram_hash(previous_hash, word_hash), config));
        word_hash
    }
}

/// Scores a sentence with the [`embedded`] model, as [`Model::score`] does,
/// with a per-thread cache of the sums of each word's own features.
pub fn score_embedded(words: &[Word<'_>], features: &Features) -> f64 {
    thread_local! {
        static WORD_SUMS: std::cell::RefCell<WordSumCache> =
            std::cell::RefCell::new(WordSumCache::new());
    }
    WORD_SUMS.with_borrow_mut(|cache| embedded().score_cached(words, features, cache))
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
            ..FeatureConfig::default()
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
    pub const SHAPE_BIGRAM: u64 = 0x61C8_8646_80B5_83EB;
    pub const SHAPE_TRIGRAM: u64 = 0x3C6E_F372_FE94_F82B;
}

/// The word classes a word's shape can be when it has none of
/// [`LEXEME_FEATURES`]: the finite verbs and modals that mark tense and
/// mood, value judgements, plans, "than" and clause conjunctions.
const SHAPE_SYNTAX_MASK: u32 = Lexeme::AUXILIARY_OR_ADVERB.bits()
    | Lexeme::THAN.bits()
    | Lexeme::FINITE_FORM.bits()
    | Lexeme::CLAUSE_CONJUNCTION.bits()
    | Lexeme::OPINION_WORD.bits()
    | Lexeme::PLAN_VERB.bits();

/// The shape of the sentence boundary, and of words without a shape class.
const SHAPE_BOUNDARY: u64 = 0;
const SHAPE_NUMBER: u64 = 40;
const SHAPE_CAPITALISED: u64 = 41;
const SHAPE_LOWER: u64 = 42;
const SHAPE_OTHER: u64 = 43;

/// A word reduced to a small class: its highest word class of
/// [`LEXEME_FEATURES`], else of [`SHAPE_SYNTAX_MASK`] (1 to 32; among each
/// the higher classes are the more specific: "I" is first-person before it
/// is a pronoun, "said" a reporting verb before a finite form, "should" an
/// opinion before a finite form), else whether it is a year (a date), a
/// number, capitalised, lower-case or something else.
fn word_shape(word: &Word<'_>) -> u64 {
    let bits = word.lexeme.bits();
    for mask in [LEXEME_FEATURE_MASK, SHAPE_SYNTAX_MASK] {
        let classes = bits & mask;
        if classes != 0 {
            return u64::from(32 - classes.leading_zeros());
        }
    }
    let bytes = word.text.as_bytes();
    match bytes.first() {
        Some(byte) if byte.is_ascii_digit() => {
            if is_year_token(bytes) {
                u64::from(Lexeme::DATE_WORD.bits().trailing_zeros() + 1)
            } else {
                SHAPE_NUMBER
            }
        }
        Some(byte) if byte.is_ascii_uppercase() => SHAPE_CAPITALISED,
        Some(byte) if byte.is_ascii_lowercase() => SHAPE_LOWER,
        _ if word.is_capitalised() => SHAPE_CAPITALISED,
        _ => SHAPE_OTHER,
    }
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

/// The bits of [`LEXEME_FEATURES`], and for each bit its index there: a
/// word's feature classes are then its set bits under the mask, visited in
/// ascending order, which is the order of the list.
const LEXEME_FEATURE_MASK: u32 = {
    let mut mask = 0;
    let mut class_idx = 0;
    while class_idx < LEXEME_FEATURES.len() {
        mask |= LEXEME_FEATURES[class_idx].bits();
        class_idx += 1;
    }
    mask
};
const LEXEME_FEATURE_INDEX: [u8; 32] = {
    let mut index = [0u8; 32];
    let mut class_idx = 0;
    while class_idx < LEXEME_FEATURES.len() {
        let bits = LEXEME_FEATURES[class_idx].bits();
        // Each class is one bit, listed in ascending order.
        assert!(bits.count_ones() == 1);
        assert!(class_idx == 0 || bits > LEXEME_FEATURES[class_idx - 1].bits());
        index[bits.trailing_zeros() as usize] = class_idx as u8;
        class_idx += 1;
    }
    index
};

/// Longer words are cut to this many bytes for their character n-grams.
const MAX_CHAR_NGRAM_WORD: usize = 30;

/// Calls `visit` with the block and bucket of every feature of the
/// sentence, duplicates included. The trainer and
/// [`Model::score`] share this, so they cannot disagree about what a sentence
/// looks like.
pub fn for_each_feature(
    words: &[Word<'_>],
    features: &Features,
    config: FeatureConfig,
    visit: impl FnMut(Block, u32),
) {
    walk_features(words, features, config, &mut EveryFeature(visit));
}

/// Receives the features of a sentence from [`walk_features`].
trait FeatureSink {
    fn feature(&mut self, block: Block, bucket: u32);

    /// The features of one word, given the hash of the word before it, as
    /// [`walk_word`] visits them; returns the word's hash. One unit, so that
    /// a sink may add up a frequent word's own features once instead of at
    /// every occurrence.
    fn word(&mut self, word: &Word<'_>, previous_hash: u64, config: FeatureConfig) -> u64 {
        walk_word(word, Some(previous_hash), config, &mut |block, bucket| {
            self.feature(block, bucket);
        })
    }
}

/// A sink that hands every feature to a closure.
struct EveryFeature<F>(F);

impl<F: FnMut(Block, u32)> FeatureSink for EveryFeature<F> {
    fn feature(&mut self, block: Block, bucket: u32) {
        (self.0)(block, bucket);
    }
}

/// The bucket of a feature hash.
fn bucket_of(hash: u64, config: FeatureConfig) -> u32 {
    (mix(hash) >> (64 - config.bucket_bits)) as u32
}

/// Calls `visit` with the bucket of every character n-gram of the word
/// whose padded normalised form is `padded`.
fn for_each_char_ngram(padded: &[u8], config: FeatureConfig, mut visit: impl FnMut(u32)) {
    let (min_n, max_n) = config.char_ngrams;
    if max_n == 0 {
        return;
    }
    // The last eight bytes read sit in `register`, so the n-gram ending at
    // a byte is the register's low `n` bytes.
    let mut register = 0u64;
    for (byte_idx, &byte) in padded.iter().enumerate() {
        register = register << 8 | u64::from(byte);
        let n_read = byte_idx as u32 + 1;
        for n in min_n..=max_n.min(n_read) {
            let gram = if n == 8 {
                register
            } else {
                register & ((1u64 << (8 * n)) - 1)
            };
            visit(bucket_of(gram ^ namespace::CHAR_NGRAM.rotate_left(n), config));
        }
    }
}

/// The walk behind [`for_each_feature`].
fn walk_features(
    words: &[Word<'_>],
    features: &Features,
    config: FeatureConfig,
    sink: &mut impl FeatureSink,
) {
    let bucket = |hash: u64| bucket_of(hash, config);
    let mut previous_hash = fnv1a(namespace::BIGRAM, b"<s>");
    // The shapes of the two words before this one.
    let mut shapes = (SHAPE_BOUNDARY, SHAPE_BOUNDARY);
    for word in words {
        if config.shape_ngrams >= 2 {
            let shape = word_shape(word);
            sink.feature(Block::Words, bucket(shape_bigram(shapes, shape)));
            if config.shape_ngrams >= 3 {
                sink.feature(Block::Words, bucket(shape_trigram(shapes, shape)));
            }
            shapes = (shapes.1, shape);
        }
        previous_hash = sink.word(word, previous_hash, config);
    }
    sink.feature(
        Block::Words,
        bucket(bigram_hash(previous_hash, fnv1a(namespace::BIGRAM, b"</s>"))),
    );
    if config.shape_ngrams >= 2 {
        sink.feature(Block::Words, bucket(shape_bigram(shapes, SHAPE_BOUNDARY)));
        if config.shape_ngrams >= 3 {
            sink.feature(Block::Words, bucket(shape_trigram(shapes, SHAPE_BOUNDARY)));
        }
    }
    for_each_structure_feature(features, config.analysis, |feature_id, value| {
        sink.feature(
            Block::Words,
            bucket(namespace::STRUCTURE ^ (feature_id << 8 | value)),
        );
    });
}

/// The features of one word in the order the trainer sees them: its
/// unigram, its bigram with the word before when `previous_hash` is given,
/// its character n-grams and its word classes. Returns the word's hash.
/// Everything but the bigram depends on the word's text alone.
fn walk_word(
    word: &Word<'_>,
    previous_hash: Option<u64>,
    config: FeatureConfig,
    visit: &mut impl FnMut(Block, u32),
) -> u64 {
    let bucket = |hash: u64| bucket_of(hash, config);
    let mut normalised = [0u8; MAX_CHAR_NGRAM_WORD + 2];
    let (word_hash, len) = normalise_word(word.text, &mut normalised);
    visit(Block::Words, bucket(word_hash ^ namespace::UNIGRAM));
    if let Some(previous_hash) = previous_hash {
        visit(Block::Words, bucket(bigram_hash(previous_hash, word_hash)));
    }
    // `normalised` holds "<word>" with the boundary marks.
    for_each_char_ngram(&normalised[..len], config, |bucket| visit(Block::Chars, bucket));
    let mut classes = word.lexeme.bits() & LEXEME_FEATURE_MASK;
    while classes != 0 {
        let class_idx = LEXEME_FEATURE_INDEX[classes.trailing_zeros() as usize];
        visit(
            Block::Words,
            bucket(namespace::LEXEME.wrapping_add(u64::from(class_idx))),
        );
        classes &= classes - 1;
    }
    word_hash
}

/// The hash of the word bigram of two word hashes.
fn bigram_hash(previous_hash: u64, word_hash: u64) -> u64 {
    previous_hash.rotate_left(23) ^ word_hash ^ namespace::BIGRAM
}

/// The hash of the shape bigram ending in `shape`, `previous` holding the
/// shapes of the two words before it.
fn shape_bigram(previous: (u64, u64), shape: u64) -> u64 {
    namespace::SHAPE_BIGRAM ^ (previous.1 << 8 | shape)
}

fn shape_trigram(previous: (u64, u64), shape: u64) -> u64 {
    namespace::SHAPE_TRIGRAM ^ (previous.0 << 16 | previous.1 << 8 | shape)
}

/// Structural indicators: counts are bucketed so each bucket learns its own
/// weight, and a few crossings let a linear model say "a number, but in a
/// question" or "a number in a short fragment".
fn for_each_structure_feature(features: &Features, analysis: bool, mut emit: impl FnMut(u64, u64)) {
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
    if analysis {
        for_each_syntax_feature(features.syntax.as_ref(), has_number, &mut emit);
    }
}

/// The features of the sentence's analysis, ids from 32, each value below
/// 256; a sentence that was not analysed has one feature of its own.
fn for_each_syntax_feature(
    syntax: Option<&SyntaxFeatures>,
    has_number: u64,
    emit: &mut impl FnMut(u64, u64),
) {
    let Some(syntax) = syntax else {
        emit(32, 0xFF);
        return;
    };
    let bucket = |count: u8, cap: u8| u64::from(count.min(cap));
    let flag = |value: bool| u64::from(value);
    let (root_pos, tense, modal, subject) = (
        syntax.root_pos as u64,
        u64::from(syntax.tense),
        syntax.modal as u64,
        syntax.subject as u64,
    );
    emit(32, root_pos);
    emit(33, tense);
    emit(34, modal);
    emit(35, subject);
    emit(36, flag(syntax.is_imperative));
    emit(37, flag(syntax.is_negated));
    for bit in 0..CLAUSE_RELATIONS.len() {
        if syntax.clauses & (1 << bit) != 0 {
            emit(38, bit as u64);
        }
    }
    emit(
        39,
        flag(syntax.has_reported_clause) << 1 | flag(syntax.has_thought_clause),
    );
    emit(40, bucket(syntax.n_numbers, 3));
    emit(41, bucket(syntax.n_quantities, 2));
    emit(42, bucket(syntax.n_people, 2));
    emit(43, bucket(syntax.n_organisations, 2));
    emit(44, bucket(syntax.n_places, 2));
    emit(
        45,
        flag(syntax.has_comparative) << 1 | flag(syntax.has_superlative),
    );
    emit(46, bucket(syntax.n_finite_verbs, 4));
    // Crossings: what the main clause does, with who and with numbers.
    emit(47, subject << 3 | modal);
    emit(48, subject << 2 | tense);
    emit(49, has_number << 3 | modal);
    emit(50, has_number << 2 | tense);
    emit(51, root_pos << 2 | tense);
    emit(52, flag(syntax.has_reported_clause) << 1 | has_number);
}

/// True when a word is four digits from 1800 to 2099: the words the model
/// reads as `<year>` and shapes as a date.
pub(super) fn is_year_token(bytes: &[u8]) -> bool {
    bytes.len() == 4 && bytes.iter().all(u8::is_ascii_digit) && matches!(&bytes[..2], b"18" | b"19" | b"20")
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
    if let Some(normalised) = normalise_plain_word(word_bytes, padded) {
        return normalised;
    }
    let is_year = is_year_token(word_bytes);
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
        // Byte by byte: a character outside ASCII is copied whole either
        // way, and the curly apostrophe's lead byte 0xE2 only ever starts a
        // character.
        let mut previous_is_digit = false;
        let mut byte_idx = 0;
        while let Some(&byte) = word_bytes.get(byte_idx) {
            byte_idx += 1;
            if byte.is_ascii_digit() {
                if !previous_is_digit {
                    push(b'0', &mut len);
                }
                previous_is_digit = true;
                continue;
            }
            previous_is_digit = false;
            if byte.is_ascii() {
                push(byte.to_ascii_lowercase(), &mut len);
            } else if word_bytes[byte_idx - 1..].starts_with("\u{2019}".as_bytes()) {
                push(b'\'', &mut len);
                byte_idx += 2;
            } else {
                push(byte, &mut len);
            }
        }
    }
    padded[len] = b'>';
    (hash, len + 1)
}

/// [`normalise_word`] for a word of ASCII without digits, nearly every
/// word, in one tight loop: for such a word the rules reduce to lower-casing.
/// `None` for any other word.
#[inline]
fn normalise_plain_word(
    word_bytes: &[u8],
    padded: &mut [u8; MAX_CHAR_NGRAM_WORD + 2],
) -> Option<(u64, usize)> {
    if word_bytes.len() > MAX_CHAR_NGRAM_WORD {
        return None;
    }
    padded[0] = b'<';
    let mut hash = FNV_OFFSET;
    for (slot, &byte) in padded[1..].iter_mut().zip(word_bytes) {
        if !byte.is_ascii() || byte.is_ascii_digit() {
            return None;
        }
        let lower = byte.to_ascii_lowercase();
        hash = (hash ^ u64::from(lower)).wrapping_mul(FNV_PRIME);
        *slot = lower;
    }
    let len = word_bytes.len() + 1;
    padded[len] = b'>';
    Some((hash, len + 1))
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

    fn buckets(sentence: &str, config: FeatureConfig) -> Vec<(Block, u32)> {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let features = sentence_features(sentence, &sentence_words);
        let mut buckets = Vec::new();
        for_each_feature(&sentence_words, &features, config, |block, bucket| {
            buckets.push((block, bucket));
        });
        buckets
    }

    /// Scores `sentences` with and without a word-sum cache and
    /// asserts the scores are bit for bit the same.
    fn assert_cached_scores_equal(model: &Model, sentences: &[String]) {
        let mut cache = WordSumCache::new();
        for sentence in sentences {
            let sentence_words: Vec<Word<'_>> = words(sentence).collect();
            let features = sentence_features(sentence, &sentence_words);
            let plain = model.score(&sentence_words, &features);
            let cached = model.score_cached(&sentence_words, &features, &mut cache);
            assert_eq!(plain.to_bits(), cached.to_bits(), "{sentence}");
        }
    }

    /// Sentences whose words repeat (cache hits), collide in a table of
    /// 2^12 entries (4,000 distinct words) and include long, numeric and
    /// non-ASCII words.
    fn cache_test_sentences() -> Vec<String> {
        let mut sentences = vec![
            "Moscow denies planning to attack Ukraine, the Kremlin said.".to_string(),
            "Moscow denies planning to attack Ukraine, the Kremlin said again.".to_string(),
            "Antidisestablishmentarianism-supercalifragilisticexpialidocious costs \u{a3}1,400.".to_string(),
            "Caf\u{e9} owners in Z\u{fc}rich say it\u{2019}s 3.5% dearer than in 2021.".to_string(),
            // Two words longer than the cache key that share its length of bytes.
            "The antidisestablishmentarianism-and-reform-alpha group met.".to_string(),
            "The antidisestablishmentarianism-and-reform-beta group met.".to_string(),
        ];
        for sentence_idx in 0..400u64 {
            let words: Vec<String> = (0..10)
                .map(|word_idx| format!("w{}x", (sentence_idx * 7919 + word_idx * 104_729) % 4000))
                .collect();
            sentences.push(words.join(" "));
        }
        sentences
    }

    #[test]
    fn cached_word_sums_give_the_embedded_models_scores() {
        let model = embedded();
        assert!(model.config.has_char_ngrams(), "the test needs a character model");
        assert_cached_scores_equal(model, &cache_test_sentences());
    }

    #[test]
    fn cached_word_sums_keep_squared_scales() {
        // Euclidean norm with NB scales: the cache must add squares, not counts.
        let config = FeatureConfig {
            bucket_bits: 12,
            ..config((2, 5), Weighting::NaiveBayes, Norm::Euclidean)
        };
        let mut model = Model::zeros(config);
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for (weight, square) in model.weights.iter_mut().zip(model.squares.iter_mut()) {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            *weight = (state >> 48) as i16;
            *square = (state >> 16) as u16;
        }
        model.scale = 1e-4;
        model.square_scale = 1e-3;
        assert_cached_scores_equal(&model, &cache_test_sentences());
    }

    fn config(char_ngrams: (u32, u32), weighting: Weighting, norm: Norm) -> FeatureConfig {
        FeatureConfig {
            bucket_bits: 10,
            char_ngrams,
            weighting,
            norm,
            shape_ngrams: 0,
            analysis: false,
        }
    }

    #[test]
    fn weights_round_trip_through_the_file_format() {
        for config in [
            config((3, 5), Weighting::Idf, Norm::Euclidean),
            config((0, 0), Weighting::NaiveBayes, Norm::Count),
        ] {
            let trained: Vec<f64> = (0..1024).map(|idx| (f64::from(idx) * 0.37).sin() * 3.0).collect();
            let squares: Vec<f64> = (0..1024).map(|idx| 1.0 + f64::from(idx % 7)).collect();
            let model = Model::quantise(config, -1.25, &trained, &squares);
            let step = 3.0 / f32::from(i16::MAX);
            for (bucket, weight) in trained.iter().enumerate() {
                let quantised = model.weight(bucket as u32);
                assert!(
                    (quantised - *weight as f32).abs() <= step,
                    "{quantised} vs {weight}"
                );
            }
            let bytes = model.to_bytes();
            let n_tables = if config.needs_squares() { 2 } else { 1 };
            assert_eq!(bytes.len(), HEADER_LEN_03 + n_tables * 2 * 1024);
            let read = Model::from_bytes(&bytes).unwrap();
            assert_eq!(read, model);
            assert_eq!(read.bias, -1.25);
            assert_eq!(read.to_bytes(), bytes);
        }
    }

    #[test]
    fn the_previous_formats_are_read_without_analysis_or_word_shapes() {
        let model = Model::quantise(
            config((3, 4), Weighting::NaiveBayes, Norm::Count),
            0.5,
            &vec![1.0; 1024],
            &[],
        );
        // Without analysis features the model is written as format 03.
        let current = model.to_bytes();
        assert_eq!(&current[..8], MAGIC_03);
        // Format 02: no word-shape field.
        let mut previous = MAGIC_02.to_vec();
        previous.extend_from_slice(&current[8..28]);
        previous.extend_from_slice(&current[32..]);
        assert_eq!(Model::from_bytes(&previous), Ok(model.clone()));
        // Format 04: the analysis flag after the word-shape field.
        let analysing = Model {
            config: FeatureConfig {
                analysis: true,
                ..model.config
            },
            ..model.clone()
        };
        let mut flagged = analysing.to_bytes();
        assert_eq!((&flagged[..8], flagged.len()), (&MAGIC[..], current.len() + 4));
        assert_eq!(Model::from_bytes(&flagged), Ok(analysing));
        flagged[32] = 2;
        assert_eq!(
            Model::from_bytes(&flagged),
            Err(ModelFormatError::BadAnalysisFlag(2))
        );
        let mut shaped = current.clone();
        shaped[28] = 3;
        assert_eq!(Model::from_bytes(&shaped).unwrap().config.shape_ngrams, 3);
        let mut unknown = current;
        unknown[28] = 1;
        assert_eq!(
            Model::from_bytes(&unknown),
            Err(ModelFormatError::BadShapeNgrams(1))
        );
        let mut future = model.to_bytes();
        future[7] = b'9';
        assert_eq!(Model::from_bytes(&future), Err(ModelFormatError::BadMagic));
    }

    #[test]
    fn analysis_features_are_hashed_only_for_a_model_that_reads_them() {
        use crate::extract::syntax::{Modal, Subject};

        let sentence = "We will cut taxes by 20 percent.";
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let mut features = sentence_features(sentence, &sentence_words);
        let collect = |features: &Features, config: FeatureConfig| {
            let mut buckets = Vec::new();
            for_each_feature(&sentence_words, features, config, |block, bucket| {
                buckets.push((block, bucket));
            });
            buckets
        };
        let plain = config((0, 0), Weighting::Binary, Norm::Count);
        let reading = FeatureConfig {
            analysis: true,
            ..plain
        };
        let without = collect(&features, plain);
        // Not analysed: one marker feature.
        assert_eq!(collect(&features, reading).len(), without.len() + 1);
        features.syntax = Some(SyntaxFeatures {
            modal: Modal::Future,
            subject: Subject::FirstPerson,
            ..SyntaxFeatures::default()
        });
        assert_eq!(collect(&features, plain), without);
        let promise = collect(&features, reading);
        assert!(promise.len() > without.len() + 10, "{}", promise.len());
        features.syntax = Some(SyntaxFeatures::default());
        let other = collect(&features, reading);
        assert_eq!(other.len(), promise.len());
        assert_ne!(other, promise);
    }

    #[test]
    fn word_shapes_generalise_over_words() {
        let with_shapes = |shape_ngrams| FeatureConfig {
            shape_ngrams,
            ..config((0, 0), Weighting::Binary, Norm::Count)
        };
        let plain = buckets("Unemployment rose by 5 percent.", with_shapes(0));
        let bigrams = buckets("Unemployment rose by 5 percent.", with_shapes(2));
        let trigrams = buckets("Unemployment rose by 5 percent.", with_shapes(3));
        // One bigram ending at each of the five words and one at the end;
        // as many trigrams again.
        assert_eq!(bigrams.len(), plain.len() + 6);
        assert_eq!(trigrams.len(), plain.len() + 12);
        // Different words of the same shapes share their shape n-grams.
        let shared = |first: &[(Block, u32)], second: &[(Block, u32)]| {
            first.iter().filter(|bucket| second.contains(bucket)).count()
        };
        let other = buckets("Inflation fell by 7 percent.", with_shapes(3));
        let other_plain = buckets("Inflation fell by 7 percent.", with_shapes(0));
        assert!(shared(&trigrams, &other) >= shared(&plain, &other_plain) + 12);
        let shape_of = |text: &str| {
            let sentence_words: Vec<Word<'_>> = words(text).collect();
            sentence_words.iter().map(word_shape).collect::<Vec<u64>>()
        };
        assert_eq!(
            shape_of("Paris 12 2019 percent said I dx"),
            [
                SHAPE_CAPITALISED,
                SHAPE_NUMBER,
                u64::from(Lexeme::DATE_WORD.bits().trailing_zeros() + 1),
                u64::from(Lexeme::PERCENT_WORD.bits().trailing_zeros() + 1),
                u64::from(Lexeme::REPORTING_VERB.bits().trailing_zeros() + 1),
                u64::from(Lexeme::FIRST_PERSON.bits().trailing_zeros() + 1),
                SHAPE_LOWER,
            ]
        );
    }

    #[test]
    fn corrupt_files_are_rejected() {
        let bytes = Model::zeros(FeatureConfig {
            bucket_bits: 8,
            ..FeatureConfig::default()
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
        let mut long_grams = bytes.clone();
        long_grams[12] = 3;
        long_grams[16] = 9;
        assert_eq!(
            Model::from_bytes(&long_grams),
            Err(ModelFormatError::BadCharNgrams(3, 9))
        );
        let mut weighted = bytes.clone();
        weighted[20] = 7;
        assert_eq!(
            Model::from_bytes(&weighted),
            Err(ModelFormatError::UnknownWeighting(7))
        );
        // A Euclidean norm over scaled features needs the table of squares.
        let mut unsquared = bytes;
        unsquared[20] = 1;
        unsquared[24] = 1;
        assert!(matches!(
            Model::from_bytes(&unsquared),
            Err(ModelFormatError::WrongLength { .. })
        ));
    }

    #[test]
    fn the_embedded_weights_parse() {
        let model = Model::from_bytes(EMBEDDED_WEIGHTS).unwrap();
        assert_eq!(embedded(), &model);
        assert!(model.weights.iter().any(|weight| *weight != 0));
    }

    #[test]
    fn digits_fold_and_case_is_ignored() {
        let config = config((3, 5), Weighting::Binary, Norm::Count);
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
    fn character_ngrams_are_those_of_the_padded_word() {
        let count_chars = |sentence: &str, char_ngrams| {
            buckets(sentence, config(char_ngrams, Weighting::Binary, Norm::Count))
                .iter()
                .filter(|(block, _)| *block == Block::Chars)
                .count()
        };
        // "<cat>" has three 3-grams, two 4-grams and one 5-gram.
        assert_eq!(count_chars("cat", (3, 5)), 6);
        assert_eq!(count_chars("cat", (3, 3)), 3);
        assert_eq!(count_chars("cat", (0, 0)), 0);
        // "<a>" is too short for a 4-gram.
        assert_eq!(count_chars("a", (3, 4)), 1);
        // The same n-gram in two words lands in the same bucket; a shorter
        // n-gram is not confused with a longer one.
        let chars_of = |sentence: &str, char_ngrams| -> Vec<u32> {
            buckets(sentence, config(char_ngrams, Weighting::Binary, Norm::Count))
                .into_iter()
                .filter(|(block, _)| *block == Block::Chars)
                .map(|(_, bucket)| bucket)
                .collect()
        };
        let cat = chars_of("cat", (3, 3));
        let cats = chars_of("cats", (3, 3));
        assert_eq!(&cats[..2], &cat[..2]);
        assert_ne!(chars_of("ca", (3, 3)), chars_of("ca", (4, 4)));
    }

    #[test]
    fn scores_follow_the_norm() {
        let sentence = "Unemployment rose to 5% in 2021.";
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let features = sentence_features(sentence, &sentence_words);
        for norm in [Norm::Count, Norm::Euclidean] {
            let config = config((3, 4), Weighting::Idf, norm);
            let weights = vec![0.5; config.n_buckets()];
            let squares = vec![4.0; config.n_buckets()];
            let model = Model::quantise(config, -0.25, &weights, &squares);
            let found = buckets(sentence, config);
            let n_words = found.iter().filter(|(block, _)| *block == Block::Words).count();
            let n_chars = found.len() - n_words;
            // Every bucket weighs 0.5; each block sums to 0.5 n over its norm.
            let block_norm = |n: usize| match norm {
                Norm::Count => (n as f64).sqrt(),
                Norm::Euclidean => (4.0 * n as f64).sqrt(),
            };
            let expected = sigmoid(
                -0.25
                    + 0.5 * n_words as f64 / block_norm(n_words)
                    + 0.5 * n_chars as f64 / block_norm(n_chars),
            );
            let score = model.score(&sentence_words, &features);
            assert!((score - expected).abs() < 1e-6, "{norm:?}: {score} vs {expected}");
            let mut ordered: Vec<u32> = found
                .iter()
                .filter(|(block, _)| *block == Block::Words)
                .map(|(_, bucket)| *bucket)
                .collect();
            ordered.extend(
                found
                    .iter()
                    .filter(|(block, _)| *block == Block::Chars)
                    .map(|(_, bucket)| *bucket),
            );
            assert!((model.score_buckets(&ordered, n_words) - score).abs() < 1e-12);
        }
    }

    #[test]
    fn buckets_stay_inside_the_table() {
        let config = FeatureConfig {
            bucket_bits: 8,
            char_ngrams: (1, MAX_CHAR_NGRAM),
            ..FeatureConfig::default()
        };
        let found = buckets(
            "Prices in Zürich rose 3.5% — «très» 東京 🙂 — said Mr Müller.",
            config,
        );
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|(_, bucket)| (*bucket as usize) < config.n_buckets())
        );
    }
}

//! Word clusters learned from unlabelled text, so that the tagger can say
//! something of a word the treebank saw rarely or never: words that occur
//! between the same neighbours land in one cluster.
//!
//! The clusters are those of a class bigram model, P(w | v) = P(w | c(w))
//! P(c(w) | c(v)), found by the exchange algorithm (Kneser and Ney 1993;
//! Martin, Liermann and Ney 1998): each word in turn moves to the class that
//! most raises the training text's likelihood, until few words move. It is
//! run once per granularity (a few dozen classes up to a few hundred), from
//! a seeded random start, so the same seed and text give the same table.
//! Words are lowercased and their digits read as `0`, so that "1975" and
//! "2016" are one word and "Apple" is "apple".

use std::collections::{BTreeMap, HashMap};

use crate::lemma::{ByteReader, KeyTable, put_str, put_u32};
use crate::perceptron::{FormatError, Rng, hash_str};
use crate::sentences::{SentenceSplitter, split_and_tokenise_with};
use crate::tokenise::{Lexicon, Tokenised};

/// How to learn [`WordClusters`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterOptions {
    pub seed: u64,
    /// The number of classes of each clustering, coarsest first.
    pub granularities: Vec<usize>,
    /// Words seen fewer times than this share one stand-in word and get no
    /// cluster of their own.
    pub min_count: u32,
    /// At most this many passes over the vocabulary per clustering; a pass
    /// that moves fewer than one word in a thousand is the last.
    pub max_passes: usize,
}

impl Default for ClusterOptions {
    fn default() -> ClusterOptions {
        ClusterOptions {
            seed: 2026,
            granularities: vec![32, 128, 512],
            min_count: 3,
            max_passes: 20,
        }
    }
}

/// Each clustered word's class at every granularity. Empty (no words, no
/// granularities) means no cluster features.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordClusters {
    granularities: Vec<usize>,
    /// Normalised word → its classes, coarsest first.
    words: BTreeMap<String, Vec<u16>>,
    /// Hash of the normalised word → index into `rows`.
    index: KeyTable,
    rows: Vec<Vec<u16>>,
}

/// The form a word is clustered under: lowercase, every digit `0`.
pub fn normalise(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|character| if character.is_numeric() { '0' } else { character })
        .collect()
}

/// Splits raw text into sentences and words as the analysis does, and adds
/// each sentence's words to `out`: unlabelled text made ready for
/// [`WordClusters::learn`].
pub fn add_sentences_of(
    splitter: &SentenceSplitter,
    lexicon: &Lexicon,
    text: &str,
    out: &mut Vec<Vec<String>>,
) {
    let mut tokens = Tokenised::default();
    let mut sentences = Vec::new();
    split_and_tokenise_with(splitter, lexicon, text, &mut tokens, &mut sentences);
    for sentence in &sentences {
        let words = tokens.tokens.get(sentence.tokens.clone()).unwrap_or(&[]);
        out.push(
            words
                .iter()
                .flat_map(|token| token.words.clone())
                .filter_map(|word| tokens.words.get(word))
                .filter_map(|span| text.get(span.clone()))
                .map(str::to_string)
                .collect(),
        );
    }
}

impl WordClusters {
    /// Learns the clusters of the words of `sentences` (each a list of
    /// words, as tokenised).
    pub fn learn<S: AsRef<str>>(sentences: &[Vec<S>], options: &ClusterOptions) -> WordClusters {
        // Word numbers: 0 is the sentence boundary, 1 the stand-in for rare
        // words, then the others by falling frequency (ties by spelling).
        let mut counts: HashMap<String, u32> = HashMap::new();
        for word in sentences.iter().flatten() {
            *counts.entry(normalise(word.as_ref())).or_default() += 1;
        }
        let mut vocabulary: Vec<(String, u32)> = counts
            .into_iter()
            .filter(|(_, count)| *count >= options.min_count)
            .collect();
        vocabulary.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let number: HashMap<&str, u32> = vocabulary
            .iter()
            .enumerate()
            .map(|(idx, (word, _))| (word.as_str(), idx as u32 + 2))
            .collect();
        let n_words = vocabulary.len() + 2;
        let mut text: Vec<u32> = vec![0];
        for sentence in sentences {
            for word in sentence {
                text.push(
                    number
                        .get(normalise(word.as_ref()).as_str())
                        .copied()
                        .unwrap_or(1),
                );
            }
            text.push(0);
        }
        let bigrams = Bigrams::count(&text, n_words);
        let mut words = BTreeMap::new();
        let mut per_granularity = Vec::new();
        for (run, &n_classes) in options.granularities.iter().enumerate() {
            let seed = options.seed ^ (run as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            per_granularity.push(exchange(&bigrams, n_classes.max(1), options.max_passes, seed));
        }
        for (idx, (word, _)) in vocabulary.iter().enumerate() {
            let classes: Vec<u16> = per_granularity
                .iter()
                .map(|classes| classes[idx + 2] as u16)
                .collect();
            words.insert(word.clone(), classes);
        }
        WordClusters::from_parts(options.granularities.clone(), words)
    }

    fn from_parts(granularities: Vec<usize>, words: BTreeMap<String, Vec<u16>>) -> WordClusters {
        let rows: Vec<Vec<u16>> = words.values().cloned().collect();
        let index = KeyTable::from_pairs(
            words
                .keys()
                .enumerate()
                .map(|(idx, word)| (hash_str(word), idx as u32))
                .collect(),
        );
        WordClusters {
            granularities,
            words,
            index,
            rows,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn n_words(&self) -> usize {
        self.words.len()
    }

    pub fn granularities(&self) -> &[usize] {
        &self.granularities
    }

    /// A word's classes, coarsest first.
    pub fn classes_of(&self, word: &str) -> Option<&[u16]> {
        self.words.get(&normalise(word)).map(Vec::as_slice)
    }

    /// The classes of the word whose normalised form hashes to `hash`
    /// ([`hash_str`]).
    #[inline]
    pub(crate) fn classes_of_hash(&self, hash: u64) -> Option<&[u16]> {
        if self.rows.is_empty() {
            return None;
        }
        let row = self.index.get(hash)?;
        self.rows.get(row as usize).map(Vec::as_slice)
    }

    /// The table as text: a header line naming the granularities, then one
    /// line per word (`word` and its classes, tab-separated), in word order.
    pub fn to_text(&self) -> String {
        let mut out = String::from("# word clusters:");
        for n_classes in &self.granularities {
            out.push_str(&format!(" {n_classes}"));
        }
        out.push('\n');
        for (word, classes) in &self.words {
            out.push_str(word);
            for class in classes {
                out.push_str(&format!("\t{class}"));
            }
            out.push('\n');
        }
        out
    }

    pub fn from_text(text: &str) -> Result<WordClusters, FormatError> {
        let mut lines = text.lines();
        let header = lines
            .next()
            .and_then(|line| line.strip_prefix("# word clusters:"))
            .ok_or_else(|| FormatError("not a word cluster table".into()))?;
        let granularities = header
            .split_whitespace()
            .map(|field| field.parse::<usize>())
            .collect::<Result<Vec<usize>, _>>()
            .map_err(|err| FormatError(format!("granularities: {err}")))?;
        let mut words = BTreeMap::new();
        for line in lines {
            let mut fields = line.split('\t');
            let word = fields.next().unwrap_or_default().to_string();
            let classes = fields
                .map(|field| field.parse::<u16>())
                .collect::<Result<Vec<u16>, _>>()
                .map_err(|err| FormatError(format!("{word}: {err}")))?;
            if classes.len() != granularities.len()
                || classes
                    .iter()
                    .zip(&granularities)
                    .any(|(&class, &n_classes)| usize::from(class) >= n_classes)
            {
                return Err(FormatError(format!(
                    "{word}: classes do not fit the granularities"
                )));
            }
            words.insert(word, classes);
        }
        Ok(WordClusters::from_parts(granularities, words))
    }

    /// The binary form the models embed.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        put_u32(out, self.granularities.len() as u32);
        for &n_classes in &self.granularities {
            put_u32(out, n_classes as u32);
        }
        put_u32(out, self.words.len() as u32);
        for (word, classes) in &self.words {
            put_str(out, word);
            for &class in classes {
                put_u32(out, u32::from(class));
            }
        }
    }

    pub(crate) fn read(reader: &mut ByteReader<'_>) -> Result<WordClusters, FormatError> {
        let n_granularities = reader.u32()? as usize;
        if n_granularities > 16 {
            return Err(FormatError(format!("{n_granularities} cluster granularities")));
        }
        let mut granularities = Vec::new();
        for _ in 0..n_granularities {
            granularities.push(reader.u32()? as usize);
        }
        let n_words = reader.u32()? as usize;
        if n_words > reader.remaining() / 4 {
            return Err(FormatError("a cluster table longer than the blob".into()));
        }
        let mut words = BTreeMap::new();
        for _ in 0..n_words {
            let word = reader.string()?;
            let mut classes = Vec::with_capacity(n_granularities);
            for &n_classes in &granularities {
                let class = reader.u32()?;
                if class as usize >= n_classes {
                    return Err(FormatError(format!("class {class} of {n_classes}")));
                }
                classes.push(class as u16);
            }
            words.insert(word, classes);
        }
        Ok(WordClusters::from_parts(granularities, words))
    }
}

/// Each word's distinct successors and predecessors with their counts.
struct Bigrams {
    successors: Vec<Vec<(u32, u32)>>,
    predecessors: Vec<Vec<(u32, u32)>>,
}

impl Bigrams {
    fn count(text: &[u32], n_words: usize) -> Bigrams {
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        for pair in text.windows(2) {
            *pairs.entry((pair[0], pair[1])).or_default() += 1;
        }
        let mut sorted: Vec<((u32, u32), u32)> = pairs.into_iter().collect();
        sorted.sort_unstable();
        let mut successors = vec![Vec::new(); n_words];
        let mut predecessors = vec![Vec::new(); n_words];
        for ((left, right), count) in sorted {
            successors[left as usize].push((right, count));
            predecessors[right as usize].push((left, count));
        }
        Bigrams {
            successors,
            predecessors,
        }
    }
}

/// `x ln x`, from a table for small counts.
struct XLogX {
    table: Vec<f64>,
}

impl XLogX {
    fn new() -> XLogX {
        XLogX {
            table: (0..1u32 << 16)
                .map(|x| {
                    if x == 0 {
                        0.0
                    } else {
                        f64::from(x) * f64::from(x).ln()
                    }
                })
                .collect(),
        }
    }

    #[inline]
    fn of(&self, x: u32) -> f64 {
        match self.table.get(x as usize) {
            Some(&value) => value,
            None => f64::from(x) * f64::from(x).ln(),
        }
    }
}

/// The exchange algorithm: the class of every word (`bigrams` numbers
/// them), `n_classes` classes. The log-likelihood of the class bigram model
/// is, up to a constant, Σ f(N(c, d)) − Σ f(N(c, ·)) − Σ f(N(·, d)) with
/// f(x) = x ln x over class bigram counts N; a word's move changes only the
/// rows and columns of its old and new class, so each candidate class costs
/// one look at each of the word's neighbouring classes.
fn exchange(bigrams: &Bigrams, n_classes: usize, max_passes: usize, seed: u64) -> Vec<u32> {
    let n_words = bigrams.successors.len();
    let mut rng = Rng::new(seed);
    let mut class: Vec<u32> = (0..n_words).map(|_| rng.below(n_classes) as u32).collect();
    // The boundary keeps a class of its own (class 0 holds only it).
    if n_classes > 1 {
        for word_class in class.iter_mut().skip(1) {
            if *word_class == 0 {
                *word_class = 1 + rng.below(n_classes - 1) as u32;
            }
        }
    }
    class[0] = 0;
    // N(c, d) row by row, its transpose, and the left and right totals.
    let mut forward = vec![0u32; n_classes * n_classes];
    let mut backward = vec![0u32; n_classes * n_classes];
    let mut left_totals = vec![0u32; n_classes];
    let mut right_totals = vec![0u32; n_classes];
    for (left, successors) in bigrams.successors.iter().enumerate() {
        for &(right, count) in successors {
            let (c, d) = (class[left] as usize, class[right as usize] as usize);
            forward[c * n_classes + d] += count;
            backward[d * n_classes + c] += count;
            left_totals[c] += count;
            right_totals[d] += count;
        }
    }
    let f = XLogX::new();
    // Per word, its neighbours' classes (itself apart) and their counts.
    let mut next_counts = vec![0u32; n_classes];
    let mut prev_counts = vec![0u32; n_classes];
    let mut next_classes: Vec<usize> = Vec::new();
    let mut prev_classes: Vec<usize> = Vec::new();
    for _ in 0..max_passes {
        let mut n_moved = 0usize;
        for word in 1..n_words {
            let old = class[word] as usize;
            let mut self_count = 0u32;
            let (mut left_count, mut right_count) = (0u32, 0u32);
            next_classes.clear();
            prev_classes.clear();
            for &(next, count) in &bigrams.successors[word] {
                left_count += count;
                if next as usize == word {
                    self_count += count;
                    continue;
                }
                let d = class[next as usize] as usize;
                if next_counts[d] == 0 {
                    next_classes.push(d);
                }
                next_counts[d] += count;
            }
            for &(prev, count) in &bigrams.predecessors[word] {
                right_count += count;
                if prev as usize == word {
                    continue;
                }
                let c = class[prev as usize] as usize;
                if prev_counts[c] == 0 {
                    prev_classes.push(c);
                }
                prev_counts[c] += count;
            }
            // Take the word out of its class.
            for &d in &next_classes {
                forward[old * n_classes + d] -= next_counts[d];
                backward[d * n_classes + old] -= next_counts[d];
            }
            for &c in &prev_classes {
                forward[c * n_classes + old] -= prev_counts[c];
                backward[old * n_classes + c] -= prev_counts[c];
            }
            forward[old * n_classes + old] -= self_count;
            backward[old * n_classes + old] -= self_count;
            left_totals[old] -= left_count;
            right_totals[old] -= right_count;
            // The gain of putting it into each class (the boundary's apart).
            let mut best = old;
            let mut best_gain = f64::NEG_INFINITY;
            for candidate in 1..n_classes {
                let row = &forward[candidate * n_classes..(candidate + 1) * n_classes];
                let column = &backward[candidate * n_classes..(candidate + 1) * n_classes];
                let mut gain = 0.0;
                for &d in &next_classes {
                    if d != candidate {
                        gain += f.of(row[d] + next_counts[d]) - f.of(row[d]);
                    }
                }
                for &c in &prev_classes {
                    if c != candidate {
                        gain += f.of(column[c] + prev_counts[c]) - f.of(column[c]);
                    }
                }
                let diagonal = row[candidate];
                gain += f.of(diagonal + next_counts[candidate] + prev_counts[candidate] + self_count)
                    - f.of(diagonal);
                gain -= f.of(left_totals[candidate] + left_count) - f.of(left_totals[candidate]);
                gain -= f.of(right_totals[candidate] + right_count) - f.of(right_totals[candidate]);
                // Ties keep the word where it was, then go to the lowest class.
                if gain > best_gain + 1e-9 || (candidate == old && gain >= best_gain - 1e-9) {
                    best = candidate;
                    best_gain = gain;
                }
            }
            if n_classes == 1 {
                best = 0;
            }
            // Put it into the best class.
            for &d in &next_classes {
                forward[best * n_classes + d] += next_counts[d];
                backward[d * n_classes + best] += next_counts[d];
                next_counts[d] = 0;
            }
            for &c in &prev_classes {
                forward[c * n_classes + best] += prev_counts[c];
                backward[best * n_classes + c] += prev_counts[c];
                prev_counts[c] = 0;
            }
            forward[best * n_classes + best] += self_count;
            backward[best * n_classes + best] += self_count;
            left_totals[best] += left_count;
            right_totals[best] += right_count;
            if best != old {
                class[word] = best as u32;
                n_moved += 1;
            }
        }
        if n_moved * 1000 < n_words {
            break;
        }
    }
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<Vec<&'static str>> {
        let mut sentences = Vec::new();
        for _ in 0..30 {
            for animal in ["cat", "dog"] {
                for verb in ["runs", "sleeps"] {
                    sentences.push(vec!["the", animal, verb, "."]);
                    sentences.push(vec!["a", animal, verb, "now", "."]);
                }
            }
            sentences.push(vec!["we", "eat", "bread", "."]);
            sentences.push(vec!["we", "eat", "rice", "."]);
        }
        sentences
    }

    fn options(granularities: Vec<usize>, seed: u64) -> ClusterOptions {
        ClusterOptions {
            seed,
            granularities,
            min_count: 1,
            max_passes: 20,
        }
    }

    #[test]
    fn words_that_share_contexts_share_a_cluster() {
        for seed in 1..6 {
            let clusters = WordClusters::learn(&corpus(), &options(vec![6], seed));
            assert_eq!(
                clusters.classes_of("cat"),
                clusters.classes_of("Dog"),
                "seed {seed}"
            );
            assert_eq!(clusters.classes_of("runs"), clusters.classes_of("sleeps"));
            assert_eq!(clusters.classes_of("bread"), clusters.classes_of("rice"));
            assert_ne!(clusters.classes_of("cat"), clusters.classes_of("runs"));
        }
    }

    /// A word of letters for a number (digits would be normalised away).
    fn letters(number: usize) -> String {
        [number / 10, number % 10]
            .iter()
            .map(|&digit| char::from(b'a' + digit as u8))
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_table() {
        let sentences: Vec<Vec<String>> = (0..400)
            .map(|idx| (0..8).map(|at| letters((idx * 7 + at * 13) % 97)).collect())
            .collect();
        let first = WordClusters::learn(&sentences, &options(vec![4, 16], 7));
        let second = WordClusters::learn(&sentences, &options(vec![4, 16], 7));
        assert_eq!(first.to_text(), second.to_text());
        assert_eq!(first.n_words(), 97);
    }

    #[test]
    fn digits_and_capitals_are_normalised() {
        assert_eq!(normalise("Apple"), "apple");
        assert_eq!(normalise("1975"), "0000");
        assert_eq!(normalise("$5.3m"), "$0.0m");
    }

    #[test]
    fn the_text_and_binary_forms_round_trip() {
        let clusters = WordClusters::learn(&corpus(), &options(vec![3, 6], 3));
        let text = clusters.to_text();
        assert_eq!(WordClusters::from_text(&text).unwrap(), clusters);
        let mut bytes = Vec::new();
        clusters.write(&mut bytes);
        let mut reader = ByteReader { bytes: &bytes, at: 0 };
        assert_eq!(WordClusters::read(&mut reader).unwrap(), clusters);
        assert_eq!(
            clusters.classes_of_hash(hash_str("cat")),
            clusters.classes_of("cat")
        );
        assert!(WordClusters::from_text("cat\t1\n").is_err());
    }
}

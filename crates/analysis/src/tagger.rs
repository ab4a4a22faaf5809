//! The part-of-speech tagger: UPOS and Penn XPOS as one joint tag, predicted
//! greedily left to right by an averaged perceptron (features in the style of
//! Collins 2002 and Honnibal's tagger), then morphological features and the
//! lemma from tables learned on the treebank ([`crate::lemma`]).
//!
//! Frequent words that the treebank always tags the same way skip the
//! perceptron (the tag dictionary). Word features favour what carries over
//! to unseen text (suffixes, prefixes, shape, hyphen parts, how the sentence
//! uses capitals) beside the word itself, and read what the treebank says of
//! each word (its most frequent tag and its set of tags) for the word and
//! the two to its right. The perceptron trains with those lexicon entries
//! learned from the other folds of the training split, so it learns how far
//! they can be trusted on new text; that is what lets the lexicon keep
//! words seen once and their tag sets (together +0.4 UPOS on EWT dev).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::clusters::{WordClusters, normalise};
use crate::conllu::Sentence;
use crate::lemma::{
    BackoffTable, ByteReader, KeyTable, Lemmatiser, Observation, WordForms, lowercase_of, push_lowercase,
    put_str, put_u32,
};
use crate::perceptron::{FormatError, Frozen, Rng, Trainer, hash_str, key, key2, mix};

/// How to train a [`Tagger`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaggerOptions {
    /// Seeds the shuffle of the training sentences before each epoch.
    pub seed: u64,
    pub epochs: usize,
    /// Averaged weights smaller than this in magnitude are dropped when the
    /// model is frozen (it trades a little accuracy for size and speed).
    pub min_weight: f32,
    /// A word form enters the tag dictionary when seen at least this often...
    pub dictionary_min_count: u32,
    /// ...with one tag at least this share of the time.
    pub dictionary_min_share: f64,
    /// A suffix rule (for FEATS and lemmas) needs this many word types.
    pub min_suffix_types: u32,
    /// Tagger features seen fewer times than this in training are not used.
    pub min_feature_count: u32,
    /// `min_weight` for the FEATS classifier.
    pub feats_min_weight: f32,
    /// The perceptron trains with a lexicon per fold of this many, each
    /// learned from the other folds, so that its entries are as reliable as
    /// on new text; 1 trains with the whole split's.
    pub lexicon_folds: usize,
    /// Word clusters learned from unlabelled text, read for the word and
    /// its neighbours (empty: no cluster features).
    pub clusters: WordClusters,
}

impl Default for TaggerOptions {
    fn default() -> TaggerOptions {
        TaggerOptions {
            seed: 1,
            epochs: 10,
            min_weight: 0.5,
            dictionary_min_count: 20,
            dictionary_min_share: 0.97,
            min_suffix_types: 2,
            min_feature_count: 2,
            feats_min_weight: 0.5,
            lexicon_folds: 10,
            clusters: WordClusters::default(),
        }
    }
}

/// One word's analysis. The tag and FEATS strings live in the tagger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged<'m> {
    pub upos: &'m str,
    pub xpos: &'m str,
    /// `_` or the UD FEATS string (`Name=Value|..`, sorted by name).
    pub feats: &'m str,
    pub lemma: String,
}

/// The perceptron's weights laid out for tagging: an open-addressing table of
/// 8-byte slots (the key's high 32 bits and where its row starts), and the
/// rows side by side, each led by its length, so a feature costs two memory
/// reads. Keys are told apart by their slot and their high bits (about 50
/// bits in all), which makes a false match vanishingly rare.
#[derive(Debug, Clone, PartialEq, Default)]
struct PackedModel {
    n_classes: usize,
    slots: Vec<PackedSlot>,
    cells: Vec<PackedCell>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct PackedSlot {
    key_high: u32,
    /// `u32::MAX` marks an empty slot.
    start: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct PackedCell {
    class: u16,
    weight: i16,
}

const EMPTY_SLOT: PackedSlot = PackedSlot {
    key_high: 0,
    start: u32::MAX,
};

impl PackedModel {
    fn from_frozen(model: &Frozen) -> PackedModel {
        let capacity = (model.n_features() * 3 / 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut packed = PackedModel {
            n_classes: model.n_classes(),
            slots: vec![EMPTY_SLOT; capacity],
            cells: Vec::with_capacity(model.n_weights() + model.n_features()),
        };
        for (key, classes, weights) in model.rows() {
            if classes.is_empty() {
                continue;
            }
            let mut slot = (key as usize) & mask;
            while packed.slots[slot].start != u32::MAX {
                slot = (slot + 1) & mask;
            }
            packed.slots[slot] = PackedSlot {
                key_high: (key >> 32) as u32,
                start: packed.cells.len() as u32,
            };
            packed.cells.push(PackedCell {
                class: classes.len() as u16,
                weight: 0,
            });
            for (&class, &weight) in classes.iter().zip(weights) {
                packed.cells.push(PackedCell { class, weight });
            }
        }
        packed
    }

    /// The best class for the features (ties to the lowest), using `scores`
    /// as room.
    #[inline]
    fn predict(&self, features: &[u64], scores: &mut Vec<i32>) -> u32 {
        self.accumulate(features, scores);
        let mut best = 0usize;
        for (class, &score) in scores.iter().enumerate() {
            if score > scores[best] {
                best = class;
            }
        }
        best as u32
    }

    /// Sets `scores` to every class's score for the features.
    #[inline]
    fn accumulate(&self, features: &[u64], scores: &mut Vec<i32>) {
        scores.clear();
        scores.resize(self.n_classes, 0);
        let mask = self.slots.len() - 1;
        // Read every feature's first slot before using any: the reads do not
        // depend on one another, so their cache misses overlap instead of
        // queueing behind the branches below.
        let mut touched = 0u32;
        for &feature in features {
            touched ^= self.slots[(feature as usize) & mask].start;
        }
        std::hint::black_box(touched);
        for &feature in features {
            let key_high = (feature >> 32) as u32;
            let mut slot = (feature as usize) & mask;
            loop {
                let entry = self.slots[slot];
                if entry.start == u32::MAX {
                    break;
                }
                if entry.key_high == key_high {
                    let start = entry.start as usize;
                    let len = self.cells.get(start).map_or(0, |cell| usize::from(cell.class));
                    if let Some(row) = self.cells.get(start + 1..start + 1 + len) {
                        for cell in row {
                            if let Some(score) = scores.get_mut(usize::from(cell.class)) {
                                *score += i32::from(cell.weight);
                            }
                        }
                    }
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }

    /// The best of `candidates` (which must not be empty) for the features;
    /// ties go to the first candidate.
    #[inline]
    fn predict_among(&self, features: &[u64], candidates: &[u32], scores: &mut Vec<i32>) -> u32 {
        self.accumulate(features, scores);
        let mut best = candidates.first().copied().unwrap_or(0);
        let mut best_score = i32::MIN;
        for &candidate in candidates {
            let score = scores.get(candidate as usize).copied().unwrap_or(i32::MIN);
            if score > best_score {
                best = candidate;
                best_score = score;
            }
        }
        best
    }
}

/// Chooses among the FEATS a (word, tag) was seen with when there are
/// several: mostly the person and number a finite verb agrees in, passive
/// voice, and a pronoun's case, which the word and tag alone cannot tell.
/// Its classes are FEATS numbers; it reads the tagged words around.
#[derive(Debug, Clone, PartialEq)]
struct FeatsClassifier {
    model: Frozen,
    packed: PackedModel,
    /// (lowercase form, joint tag) → candidate set, for words seen with the
    /// tag with more than one FEATS, or only once (whose one FEATS says
    /// little).
    word_sets: KeyTable,
    /// Per joint tag: its candidate set for words never seen with it.
    tag_sets: Vec<u32>,
    /// Candidate sets of FEATS numbers, in increasing order.
    sets: Vec<Vec<u32>>,
}

/// What the FEATS classifier knows of a joint tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Pronoun,
    Noun,
    Verb,
    Other,
}

fn tag_kind(upos: &str) -> TagKind {
    match upos {
        "PRON" => TagKind::Pronoun,
        "NOUN" | "PROPN" | "NUM" => TagKind::Noun,
        "VERB" | "AUX" => TagKind::Verb,
        _ => TagKind::Other,
    }
}

// FEATS classifier template numbers (apart from the tagger's).
const F_TAG: u32 = 100;
const F_TAG_LOWER: u32 = 101;
const F_TAG_SUFFIX2: u32 = 102;
const F_TAG_SUFFIX3: u32 = 103;
const F_LEFT_LOWER: u32 = 104; // 104..=106 for 1..=3 words to the left
const F_LEFT_TAG: u32 = 107; // 107..=109
const F_RIGHT_LOWER: u32 = 110; // 110..=111 for 1..=2 words to the right
const F_RIGHT_TAG: u32 = 112; // 112..=113
const F_SUBJECT_TAG: u32 = 114;
const F_SUBJECT_PRONOUN: u32 = 115;
const F_TAG_SUBJECT_TAG: u32 = 116;
const F_LEFT_VERB: u32 = 117;
const F_RIGHT_NOUN_TAG: u32 = 118;
const F_RIGHT_PRONOUN: u32 = 119;
const F_TAG_LEFT_TAG: u32 = 120;

/// The FEATS classifier's features for word `idx` of a tagged sentence.
fn feats_features(words: &[WordKeys], classes: &[u32], kinds: &[TagKind], idx: usize, out: &mut Vec<u64>) {
    let kind_of = |position: usize| -> TagKind {
        classes
            .get(position)
            .and_then(|&class| kinds.get(class as usize))
            .copied()
            .unwrap_or(TagKind::Other)
    };
    let tag = u64::from(classes[idx]);
    let word = &words[idx];
    out.clear();
    out.push(key(F_TAG, tag));
    out.push(key2(F_TAG_LOWER, tag, word.lower));
    out.push(key2(F_TAG_SUFFIX2, tag, word.suffixes[1]));
    out.push(key2(F_TAG_SUFFIX3, tag, word.suffixes[2]));
    for offset in 1..=3usize {
        let (lower, left_tag) = match idx.checked_sub(offset) {
            Some(position) => (words[position].lower, u64::from(classes[position]) + 1),
            None => (BOUNDARY, 0),
        };
        out.push(key(F_LEFT_LOWER + offset as u32 - 1, lower));
        out.push(key(F_LEFT_TAG + offset as u32 - 1, left_tag));
        if offset == 1 {
            out.push(key2(F_TAG_LEFT_TAG, tag, left_tag));
        }
    }
    for offset in 1..=2usize {
        let position = idx + offset;
        let (lower, right_tag) = match words.get(position) {
            Some(right) => (right.lower, u64::from(classes[position]) + 1),
            None => (BOUNDARY, 0),
        };
        out.push(key(F_RIGHT_LOWER + offset as u32 - 1, lower));
        out.push(key(F_RIGHT_TAG + offset as u32 - 1, right_tag));
    }
    // The nearest noun or pronoun to the left stands in for the subject.
    let subject = (idx.saturating_sub(8)..idx)
        .rev()
        .find(|&position| matches!(kind_of(position), TagKind::Pronoun | TagKind::Noun));
    let subject_tag = subject.map_or(0, |position| u64::from(classes[position]) + 1);
    out.push(key(F_SUBJECT_TAG, subject_tag));
    out.push(key2(F_TAG_SUBJECT_TAG, tag, subject_tag));
    if let Some(position) = subject
        && kind_of(position) == TagKind::Pronoun
    {
        out.push(key(F_SUBJECT_PRONOUN, words[position].lower));
    }
    // The nearest verb to the left (an auxiliary before a participle).
    if let Some(position) = (idx.saturating_sub(4)..idx)
        .rev()
        .find(|&position| kind_of(position) == TagKind::Verb)
    {
        out.push(key(F_LEFT_VERB, words[position].lower));
    }
    // A subject to the right, as in questions ("did you").
    if let Some(position) = (idx + 1..(idx + 4).min(words.len()))
        .find(|&position| matches!(kind_of(position), TagKind::Pronoun | TagKind::Noun))
    {
        out.push(key(F_RIGHT_NOUN_TAG, u64::from(classes[position]) + 1));
        if kind_of(position) == TagKind::Pronoun {
            out.push(key(F_RIGHT_PRONOUN, words[position].lower));
        }
    }
}

fn word_set_key(lower_hash: u64, tag: u32) -> u64 {
    key2(121, lower_hash, u64::from(tag))
}

impl FeatsClassifier {
    /// The candidate FEATS numbers for a word and tag, when there is a choice
    /// to make; `seen` says whether the word was seen with the tag.
    #[inline]
    fn candidates(&self, lower_hash: u64, tag: u32, seen: bool) -> Option<&[u32]> {
        let set = if seen {
            self.word_sets.get(word_set_key(lower_hash, tag))?
        } else {
            *self.tag_sets.get(tag as usize)?
        };
        self.sets
            .get(set as usize)
            .map(Vec::as_slice)
            .filter(|set| set.len() > 1)
    }

    fn write(&self, out: &mut Vec<u8>) {
        put_u32(out, self.sets.len() as u32);
        for set in &self.sets {
            put_u32(out, set.len() as u32);
            for &value in set {
                put_u32(out, value);
            }
        }
        put_u32(out, self.tag_sets.len() as u32);
        for &set in &self.tag_sets {
            put_u32(out, set);
        }
        self.word_sets.write(out);
        let model = self.model.to_bytes();
        put_u32(out, model.len() as u32);
        out.extend_from_slice(&model);
    }

    fn read(reader: &mut ByteReader<'_>, n_tags: u32, n_feats: u32) -> Result<FeatsClassifier, FormatError> {
        let n_sets = reader.u32()?;
        let mut sets = Vec::new();
        for _ in 0..n_sets {
            let n = reader.u32()? as usize;
            if n > reader.remaining() / 4 {
                return Err(FormatError("a candidate set is longer than the blob".into()));
            }
            let mut set = Vec::with_capacity(n);
            for _ in 0..n {
                let value = reader.u32()?;
                if value >= n_feats {
                    return Err(FormatError(format!("feats {value} of {n_feats}")));
                }
                set.push(value);
            }
            sets.push(set);
        }
        if reader.u32()? != n_tags {
            return Err(FormatError("one candidate set per tag expected".into()));
        }
        let mut tag_sets = Vec::new();
        for _ in 0..n_tags {
            let set = reader.u32()?;
            if set >= n_sets {
                return Err(FormatError(format!("candidate set {set} of {n_sets}")));
            }
            tag_sets.push(set);
        }
        let word_sets = KeyTable::read(reader, n_sets)?;
        let model_len = reader.u32()? as usize;
        let model = Frozen::from_bytes(reader.take(model_len)?)?;
        if model.n_classes() != n_feats as usize {
            return Err(FormatError("the feats model does not match the feats".into()));
        }
        Ok(FeatsClassifier {
            packed: PackedModel::from_frozen(&model),
            model,
            word_sets,
            tag_sets,
            sets,
        })
    }
}

/// Trains the FEATS classifier on gold tags. `values[i][j]` is the FEATS
/// number of word j of sentence i.
fn train_feats_classifier(
    sentences: &[Sentence],
    gold: &[Vec<u32>],
    values: &[Vec<u32>],
    tags: &[JointTag],
    n_feats: usize,
    lexicon: &WordLexicon,
    options: &TaggerOptions,
) -> FeatsClassifier {
    let kinds: Vec<TagKind> = tags.iter().map(|tag| tag_kind(&tag.upos)).collect();
    // What each (word, tag) and each tag was seen with.
    let mut per_word: BTreeMap<(String, u32), BTreeMap<u32, u32>> = BTreeMap::new();
    let mut per_tag: Vec<BTreeMap<u32, u32>> = vec![BTreeMap::new(); tags.len()];
    for ((sentence, tags_of), values_of) in sentences.iter().zip(gold).zip(values) {
        for ((word, &tag), &value) in sentence.words.iter().zip(tags_of).zip(values_of) {
            *per_word
                .entry((lowercase_of(&word.form), tag))
                .or_default()
                .entry(value)
                .or_default() += 1;
            *per_tag[tag as usize].entry(value).or_default() += 1;
        }
    }
    let mut set_numbers: BTreeMap<Vec<u32>, u32> = BTreeMap::new();
    let mut intern = |set: Vec<u32>| -> u32 {
        let next = set_numbers.len() as u32;
        *set_numbers.entry(set).or_insert(next)
    };
    // A tag's candidates: what it was seen with at least three times (its
    // most frequent FEATS when nothing was).
    let tag_sets: Vec<u32> = per_tag
        .iter()
        .map(|counts| {
            let mut set: Vec<u32> = counts
                .iter()
                .filter(|(_, count)| **count >= 3)
                .map(|(value, _)| *value)
                .collect();
            if set.is_empty() {
                set.push(most_frequent_value(counts));
            }
            intern(set)
        })
        .collect();
    let mut word_pairs = Vec::new();
    let mut training_sets: BTreeMap<(u64, u32), u32> = BTreeMap::new();
    for ((lower, tag), counts) in &per_word {
        let total: u32 = counts.values().sum();
        let set = if total == 1 {
            tag_sets[*tag as usize]
        } else if counts.len() > 1 {
            intern(counts.keys().copied().collect())
        } else {
            continue;
        };
        let lower_hash = hash_str(lower);
        word_pairs.push((word_set_key(lower_hash, *tag), set));
        training_sets.insert((lower_hash, *tag), set);
    }
    let mut sets = vec![Vec::new(); set_numbers.len()];
    for (set, number) in set_numbers {
        sets[number as usize] = set;
    }

    let mut trainer = Trainer::new(n_feats.max(1));
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = Rng::new(options.seed ^ 0xfea7_5000);
    let mut scratch = Scratch::default();
    let mut forms: Vec<&str> = Vec::new();
    let mut candidates: Vec<u32> = Vec::new();
    for _ in 0..options.epochs {
        rng.shuffle(&mut order);
        for &sentence_idx in &order {
            let sentence = &sentences[sentence_idx];
            forms.clear();
            forms.extend(sentence.words.iter().map(|word| word.form.as_str()));
            scratch.prepare(&forms, lexicon, &kinds);
            let classes = &gold[sentence_idx];
            for (idx, &truth) in values[sentence_idx].iter().enumerate() {
                let tag = classes[idx];
                let Some(&set) = training_sets.get(&(scratch.words[idx].lower, tag)) else {
                    continue;
                };
                candidates.clear();
                candidates.extend_from_slice(&sets[set as usize]);
                if candidates.len() < 2 || !candidates.contains(&truth) {
                    continue;
                }
                feats_features(&scratch.words, classes, &kinds, idx, &mut scratch.features);
                let guess = trainer
                    .predict(&scratch.features, &mut scratch.scores, |class| {
                        candidates.contains(&(class as u32))
                    })
                    .unwrap_or(truth as usize);
                trainer.update(&scratch.features, truth as usize, guess);
            }
        }
    }
    let model = trainer.freeze(options.feats_min_weight);
    FeatsClassifier {
        packed: PackedModel::from_frozen(&model),
        model,
        word_sets: KeyTable::from_pairs(word_pairs),
        tag_sets,
        sets,
    }
}

fn most_frequent_value(counts: &BTreeMap<u32, u32>) -> u32 {
    let mut best = (0u32, 0u32);
    for (&value, &count) in counts {
        if count > best.1 {
            best = (value, count);
        }
    }
    best.0
}

/// A joint tag: one class of the perceptron.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JointTag {
    upos: String,
    xpos: String,
    /// Index into [`Tagger::xpos_names`] (the lemmatiser's tag).
    xpos_number: u32,
}

/// A trained tagger, lemmatiser and morphological analyser.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagger {
    tags: Vec<JointTag>,
    xpos_names: Vec<String>,
    model: Frozen,
    packed: PackedModel,
    /// Exact form hash → joint tag, for words that are never ambiguous.
    dictionary: KeyTable,
    /// Every training word's most frequent tag and ambiguity class: the
    /// features read them for the word and the words to its right.
    lexicon: WordLexicon,
    feats_names: Vec<String>,
    /// (lowercase form or suffix, joint tag) → FEATS number.
    feats: BackoffTable,
    feats_classifier: FeatsClassifier,
    /// Per joint tag, what the FEATS classifier reads of it (derived from
    /// the tags, not stored).
    kinds: Vec<TagKind>,
    lemmatiser: Lemmatiser,
    /// The word clusters the features read (empty when trained without).
    clusters: WordClusters,
}

// Feature template numbers.
const T_BIAS: u32 = 0;
const T_LOWER: u32 = 1;
const T_SUFFIX: u32 = 2; // 2..=5 for suffixes of 1..=4 characters
const T_PREFIX: u32 = 8; // the prefix of 3 characters (6 and 7 unused)
const T_SHAPE: u32 = 9;
const T_FLAGS: u32 = 10;
const T_PREV: u32 = 11;
const T_PREV_PREV2: u32 = 13;
const T_PREV_LOWER: u32 = 14;
const T_LOWER_M1: u32 = 15;
const T_SUFFIX3_M1: u32 = 16;
const T_LOWER_M2: u32 = 17;
const T_LOWER_P1: u32 = 18;
const T_SUFFIX3_P1: u32 = 19;
const T_LOWER_P2: u32 = 20;
const T_SHAPE_P1: u32 = 21;
const T_PREV_SUFFIX3: u32 = 23;
const T_FORM: u32 = 24;
const T_LEXICAL: u32 = 25;
const T_LEXICAL_P1: u32 = 26;
const T_LEXICAL_P2: u32 = 27;
const T_LEXICAL_P1_P2: u32 = 28;
const T_PREV_LEXICAL_P1: u32 = 29;
const T_LOWER_M1_LOWER: u32 = 30;
const T_LOWER_LOWER_P1: u32 = 31;
const T_LOWER_LEXICAL_P1: u32 = 33;
const T_LOWER_NEXT_VERB: u32 = 34;
const T_CASE_FLAGS: u32 = 46;
const T_CASED_LEXICAL: u32 = 47;
const T_CASE_LEXICAL: u32 = 48;
const T_AMBIGUITY: u32 = 49;
const T_AMBIGUITY_P1: u32 = 50;
const T_AMBIGUITY_AMBIGUITY_P1: u32 = 51;
const T_PREV_AMBIGUITY: u32 = 52;
const T_AMBIGUITY_P2: u32 = 53;
const T_PREFIX1: u32 = 54;
const T_PREFIX2: u32 = 55;
const T_HYPHEN_FIRST: u32 = 56;
const T_HYPHEN_LAST: u32 = 57;
const T_CLUSTER: u32 = 60; // 60..=62 for the word's clusters, coarsest first
const T_CLUSTER_M1: u32 = 63;
const T_CLUSTER_P1: u32 = 64; // 64..=65 for the two finer clusters
const T_CLUSTER_P2: u32 = 66;
const T_PREV_CLUSTER: u32 = 67;
const T_CLUSTER_CLUSTER_P1: u32 = 68;

/// Stands for the word before the first or after the last.
const BOUNDARY: u64 = 0x5eed_b0a7_d0b0_0001;

/// What the features read of one word, hashed once per sentence.
#[derive(Debug, Clone, Copy, Default)]
struct WordKeys {
    form: u64,
    lower: u64,
    suffixes: [u64; 4],
    /// The first three characters (or the whole word when shorter).
    prefix: u64,
    /// The first character, and the first two.
    prefix1: u64,
    prefix2: u64,
    /// The lowercase before the first hyphen and after the last, for a
    /// hyphenated word (0 otherwise).
    hyphen_first: u64,
    hyphen_last: u64,
    shape: u64,
    flags: u64,
    /// The word's most frequent tag in training (+ 1), 0 when unseen.
    lexical: u64,
    /// The `lexical` of the nearest of the next four words whose most
    /// frequent tag is a verb's, 0 when none is: an auxiliary has one.
    next_verb: u64,
    /// The exact form's most frequent tag (+ 1) when it has capitals and was
    /// seen so written, 0 otherwise ("Apple" beside "apple").
    cased_lexical: u64,
    /// The set of tags the lowercase form was seen with (a hash), 0 when
    /// unseen: "that" can be a determiner, a conjunction or a pronoun.
    ambiguity: u64,
    /// How the sentence uses capitals (see [`Scratch::prepare`]), which
    /// says how much a capital tells of a proper noun (web titles
    /// capitalise every word, some writers none).
    sentence_case: u64,
    /// The word's class (+ 1) in each clustering, coarsest first; 0 when
    /// the word was not clustered. All 0 when the tagger has no clusters.
    clusters: [u64; 3],
}

const BOUNDARY_WORD: WordKeys = WordKeys {
    form: BOUNDARY,
    lower: BOUNDARY,
    suffixes: [BOUNDARY; 4],
    prefix: BOUNDARY,
    prefix1: BOUNDARY,
    prefix2: BOUNDARY,
    hyphen_first: BOUNDARY,
    hyphen_last: BOUNDARY,
    shape: BOUNDARY,
    flags: BOUNDARY,
    lexical: BOUNDARY,
    next_verb: BOUNDARY,
    cased_lexical: BOUNDARY,
    ambiguity: BOUNDARY,
    sentence_case: BOUNDARY,
    clusters: [BOUNDARY; 3],
};

/// Hashes what the features need of a word; `lower` is its lowercase.
fn word_keys(form: &str, lower: &str, sentence_initial: bool) -> WordKeys {
    let mut keys = WordKeys {
        form: hash_str(form),
        lower: hash_str(lower),
        ..WordKeys::default()
    };
    // Suffixes and prefixes of fewer characters than asked are the whole word.
    let mut starts = [0usize; 4];
    let mut n_chars = 0;
    for (at, _) in lower.char_indices().rev().take(4) {
        starts[n_chars] = at;
        n_chars += 1;
    }
    for length in 0..4 {
        let start = if n_chars == 0 {
            0
        } else {
            starts[length.min(n_chars - 1)]
        };
        keys.suffixes[length] = hash_str(&lower[start..]);
    }
    let prefix_end = lower.char_indices().nth(3).map_or(lower.len(), |(at, _)| at);
    keys.prefix = hash_str(&lower[..prefix_end]);
    let end_of = |n: usize| lower.char_indices().nth(n).map_or(lower.len(), |(at, _)| at);
    keys.prefix1 = hash_str(&lower[..end_of(1)]);
    keys.prefix2 = hash_str(&lower[..end_of(2)]);
    // A hyphenated word often takes its tag from its last part
    // ("well-known", "long-term"), and sometimes from its first.
    if let (Some(first), Some(last)) = (lower.find('-'), lower.rfind('-'))
        && first > 0
        && last + 1 < lower.len()
    {
        keys.hyphen_first = hash_str(&lower[..first]);
        keys.hyphen_last = hash_str(&lower[last + 1..]);
    }
    // The shape: X for a capital, x for a small letter, d for a digit, other
    // characters as themselves, runs of one kind cut at four.
    let mut shape = 0x51a9_e000_0000_0001u64;
    let mut last = '\0';
    let mut run = 0;
    let mut has_upper = false;
    let mut has_lower = false;
    let mut has_digit = false;
    let mut has_hyphen = false;
    let mut first_upper = false;
    for (idx, character) in form.chars().enumerate() {
        let kind = if character.is_uppercase() {
            has_upper = true;
            if idx == 0 {
                first_upper = true;
            }
            'X'
        } else if character.is_lowercase() {
            has_lower = true;
            'x'
        } else if character.is_numeric() {
            has_digit = true;
            'd'
        } else {
            if character == '-' {
                has_hyphen = true;
            }
            character
        };
        if kind == last {
            run += 1;
        } else {
            run = 1;
            last = kind;
        }
        if run <= 4 {
            shape = mix(shape, u64::from(u32::from(kind)));
        }
    }
    keys.shape = shape;
    keys.flags = u64::from(first_upper)
        | u64::from(has_upper && !has_lower) << 1
        | u64::from(has_digit) << 2
        | u64::from(has_hyphen) << 3
        | u64::from(sentence_initial) << 4;
    keys
}

/// The features of word `idx` given the two tags before it (tag number + 1,
/// 0 for none).
fn features(words: &[WordKeys], idx: usize, prev: u64, prev2: u64, has_clusters: bool, out: &mut Vec<u64>) {
    let at = |offset: isize| -> &WordKeys {
        let position = idx as isize + offset;
        if position < 0 {
            &BOUNDARY_WORD
        } else {
            words.get(position as usize).unwrap_or(&BOUNDARY_WORD)
        }
    };
    let word = at(0);
    out.clear();
    out.push(key(T_BIAS, 0));
    out.push(key(T_LOWER, word.lower));
    if word.form != word.lower {
        out.push(key(T_FORM, word.form));
    }
    for (length, suffix) in word.suffixes.iter().enumerate() {
        out.push(key(T_SUFFIX + length as u32, *suffix));
    }
    out.push(key(T_PREFIX, word.prefix));
    out.push(key(T_SHAPE, word.shape));
    out.push(key(T_FLAGS, word.flags));
    out.push(key(T_PREV, prev));
    out.push(key2(T_PREV_PREV2, prev, prev2));
    out.push(key2(T_PREV_LOWER, prev, word.lower));
    out.push(key2(T_PREV_SUFFIX3, prev, word.suffixes[2]));
    let before = at(-1);
    out.push(key(T_LOWER_M1, before.lower));
    out.push(key(T_SUFFIX3_M1, before.suffixes[2]));
    out.push(key(T_LOWER_M2, at(-2).lower));
    let after = at(1);
    out.push(key(T_LOWER_P1, after.lower));
    out.push(key(T_SUFFIX3_P1, after.suffixes[2]));
    out.push(key(T_SHAPE_P1, after.shape));
    out.push(key(T_LOWER_P2, at(2).lower));
    out.push(key(T_LEXICAL, word.lexical));
    out.push(key(T_LEXICAL_P1, after.lexical));
    out.push(key(T_LEXICAL_P2, at(2).lexical));
    out.push(key2(T_LEXICAL_P1_P2, after.lexical, at(2).lexical));
    out.push(key2(T_PREV_LEXICAL_P1, prev, after.lexical));
    out.push(key2(T_LOWER_M1_LOWER, before.lower, word.lower));
    out.push(key2(T_LOWER_LOWER_P1, word.lower, after.lower));
    out.push(key2(T_LOWER_LEXICAL_P1, word.lower, after.lexical));
    out.push(key2(T_LOWER_NEXT_VERB, word.lower, word.next_verb));
    // A capital says more of a proper noun in a sentence that has few.
    out.push(key2(T_CASE_FLAGS, word.sentence_case, word.flags));
    out.push(key2(
        T_CASE_LEXICAL,
        word.sentence_case * 4 + (word.flags & 1),
        word.lexical,
    ));
    out.push(key(T_CASED_LEXICAL, word.cased_lexical));
    out.push(key(T_AMBIGUITY, word.ambiguity));
    out.push(key(T_AMBIGUITY_P1, after.ambiguity));
    out.push(key(T_AMBIGUITY_P2, at(2).ambiguity));
    out.push(key2(T_AMBIGUITY_AMBIGUITY_P1, word.ambiguity, after.ambiguity));
    out.push(key2(T_PREV_AMBIGUITY, prev, word.ambiguity));
    out.push(key(T_PREFIX1, word.prefix1));
    out.push(key(T_PREFIX2, word.prefix2));
    if word.hyphen_first != 0 {
        out.push(key(T_HYPHEN_FIRST, word.hyphen_first));
        out.push(key(T_HYPHEN_LAST, word.hyphen_last));
    }
    if has_clusters {
        for (granularity, cluster) in word.clusters.iter().enumerate() {
            out.push(key(T_CLUSTER + granularity as u32, *cluster));
        }
        out.push(key(T_CLUSTER_M1, before.clusters[1]));
        out.push(key(T_CLUSTER_P1, after.clusters[1]));
        out.push(key(T_CLUSTER_P1 + 1, after.clusters[2]));
        out.push(key(T_CLUSTER_P2, at(2).clusters[1]));
        out.push(key2(T_PREV_CLUSTER, prev, word.clusters[1]));
        out.push(key2(T_CLUSTER_CLUSTER_P1, word.clusters[1], after.clusters[1]));
    }
}

/// One greedy left-to-right pass over a prepared sentence: dictionary words
/// take their tag, the others the model's best given the tags before them.
fn greedy_pass(
    model: &PackedModel,
    dictionary: &KeyTable,
    words: &[WordKeys],
    has_clusters: bool,
    features_room: &mut Vec<u64>,
    scores: &mut Vec<i32>,
    out: &mut Vec<u32>,
) {
    out.clear();
    let (mut prev, mut prev2) = (0u64, 0u64);
    for idx in 0..words.len() {
        let class = match dictionary.get(words[idx].form) {
            Some(class) => class,
            None => {
                features(words, idx, prev, prev2, has_clusters, features_room);
                model.predict(features_room, scores)
            }
        };
        out.push(class);
        prev2 = prev;
        prev = u64::from(class) + 1;
    }
}

/// Trains the perceptron on gold sentences, greedily on its own previous
/// predictions. Sentence `i` of `n` is prepared with lexicon
/// `i * lexicons.len() / n` ([`held_out_lexicons`]).
fn train_perceptron(
    sentences: &[Sentence],
    gold: &[Vec<u32>],
    n_tags: usize,
    dictionary: &KeyTable,
    lexicons: &[WordLexicon],
    kinds: &[TagKind],
    options: &TaggerOptions,
) -> Frozen {
    let lexicon_of = |sentence_idx: usize| &lexicons[sentence_idx * lexicons.len() / sentences.len()];
    let has_clusters = !options.clusters.is_empty();
    // Features seen fewer than `min_feature_count` times (counted with
    // the gold previous tags) are left out: they mostly memorise, and
    // leaving them out keeps the model small and fast.
    let mut scratch = Scratch::default();
    let mut forms: Vec<&str> = Vec::new();
    let mut feature_counts: HashMap<u64, u32> = HashMap::new();
    if options.min_feature_count > 1 {
        for (sentence_idx, (sentence, tags_of)) in sentences.iter().zip(gold).enumerate() {
            forms.clear();
            forms.extend(sentence.words.iter().map(|word| word.form.as_str()));
            scratch.prepare(&forms, lexicon_of(sentence_idx), kinds);
            scratch.add_clusters(&options.clusters);
            let (mut prev, mut prev2) = (0u64, 0u64);
            for (idx, &truth) in tags_of.iter().enumerate() {
                if dictionary.get(scratch.words[idx].form).is_none() {
                    features(
                        &scratch.words,
                        idx,
                        prev,
                        prev2,
                        has_clusters,
                        &mut scratch.features,
                    );
                    for &feature in &scratch.features {
                        *feature_counts.entry(feature).or_default() += 1;
                    }
                }
                prev2 = prev;
                prev = u64::from(truth) + 1;
            }
        }
    }
    let frequent_enough = |feature: &u64| {
        options.min_feature_count <= 1
            || feature_counts
                .get(feature)
                .is_some_and(|count| *count >= options.min_feature_count)
    };

    let mut trainer = Trainer::new(n_tags);
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = Rng::new(options.seed);
    for _ in 0..options.epochs {
        rng.shuffle(&mut order);
        for &sentence_idx in &order {
            let sentence = &sentences[sentence_idx];
            forms.clear();
            forms.extend(sentence.words.iter().map(|word| word.form.as_str()));
            scratch.prepare(&forms, lexicon_of(sentence_idx), kinds);
            scratch.add_clusters(&options.clusters);
            let (mut prev, mut prev2) = (0u64, 0u64);
            for (idx, &truth) in gold[sentence_idx].iter().enumerate() {
                let guess = match dictionary.get(scratch.words[idx].form) {
                    Some(class) => class,
                    None => {
                        features(
                            &scratch.words,
                            idx,
                            prev,
                            prev2,
                            has_clusters,
                            &mut scratch.features,
                        );
                        scratch.features.retain(frequent_enough);
                        let guess = trainer
                            .predict(&scratch.features, &mut scratch.scores, |_| true)
                            .unwrap_or(0) as u32;
                        trainer.update(&scratch.features, truth as usize, guess as usize);
                        guess
                    }
                };
                prev2 = prev;
                prev = u64::from(guess) + 1;
            }
        }
    }
    trainer.freeze(options.min_weight)
}

/// Buffers reused from sentence to sentence, so tagging does not allocate
/// per word.
#[derive(Default)]
struct Scratch {
    lower: String,
    lower_ends: Vec<usize>,
    words: Vec<WordKeys>,
    features: Vec<u64>,
    scores: Vec<f32>,
    packed_scores: Vec<i32>,
    classes: Vec<u32>,
}

impl Scratch {
    fn prepare(&mut self, forms: &[&str], lexicon: &WordLexicon, kinds: &[TagKind]) {
        self.lower.clear();
        self.lower_ends.clear();
        self.words.clear();
        for form in forms {
            push_lowercase(form, &mut self.lower);
            self.lower_ends.push(self.lower.len());
        }
        let mut quotes_before = 0u64;
        for (idx, form) in forms.iter().enumerate() {
            let lower = self.lower_of(idx);
            let mut keys = word_keys(form, lower, idx == 0);
            // A straight double quote opens or closes by how many came before.
            if *form == "\"" {
                keys.flags |= (1 + (quotes_before & 1)) << 5;
                quotes_before += 1;
            }
            keys.lexical = lexicon.tags.get(keys.lower).map_or(0, |tag| u64::from(tag) + 1);
            keys.ambiguity = lexicon
                .ambiguity
                .get(keys.lower)
                .map_or(0, |class| u64::from(class) + 1);
            self.words.push(keys);
        }
        // The sentence's use of capitals: the share of its words after the
        // first that start with one, in four steps (0 when it has no such
        // words), times two, plus one when even the first word is small.
        let (mut n_words, mut n_capitalised) = (0u32, 0u32);
        for (keys, form) in self.words.iter().zip(forms).skip(1) {
            let is_word = form.chars().next().is_some_and(char::is_alphabetic);
            if is_word && keys.flags & 0b10 == 0 {
                n_words += 1;
                n_capitalised += (keys.flags & 1) as u32;
            }
        }
        let step = if n_words == 0 {
            0
        } else if n_capitalised == 0 {
            1
        } else if n_capitalised * 10 < n_words * 3 {
            2
        } else if n_capitalised * 10 < n_words * 6 {
            3
        } else {
            4
        };
        let first_small = self.words.first().is_some_and(|keys| keys.flags & 1 == 0);
        let sentence_case = step * 2 + u64::from(first_small);
        for keys in &mut self.words {
            keys.sentence_case = sentence_case;
            keys.cased_lexical = if keys.form != keys.lower {
                lexicon
                    .tags
                    .get(cased_key(keys.form))
                    .map_or(0, |tag| u64::from(tag) + 1)
            } else {
                0
            };
        }
        let mut nearest_verb: Option<(usize, u64)> = None;
        for idx in (0..self.words.len()).rev() {
            self.words[idx].next_verb = match nearest_verb {
                Some((position, lexical)) if position - idx <= 4 => lexical,
                _ => 0,
            };
            let lexical = self.words[idx].lexical;
            if lexical > 0 && kinds.get(lexical as usize - 1) == Some(&TagKind::Verb) {
                nearest_verb = Some((idx, lexical));
            }
        }
    }

    /// Looks up every word's clusters (after [`Scratch::prepare`]).
    fn add_clusters(&mut self, clusters: &WordClusters) {
        if clusters.is_empty() {
            return;
        }
        for idx in 0..self.words.len() {
            let lower = &self.lower[lower_range(&self.lower_ends, idx)];
            let hash = if lower.chars().any(char::is_numeric) {
                hash_str(&normalise(lower))
            } else {
                self.words[idx].lower
            };
            let keys = &mut self.words[idx];
            keys.clusters = [0; 3];
            if let Some(classes) = clusters.classes_of_hash(hash) {
                for (cluster, &class) in keys.clusters.iter_mut().zip(classes) {
                    *cluster = u64::from(class) + 1;
                }
            }
        }
    }

    fn lower_of(&self, idx: usize) -> &str {
        &self.lower[lower_range(&self.lower_ends, idx)]
    }
}

/// Where word `idx`'s lowercase lies in the sentence's lowercase buffer.
fn lower_range(ends: &[usize], idx: usize) -> std::ops::Range<usize> {
    let start = if idx == 0 { 0 } else { ends[idx - 1] };
    start..ends[idx]
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

static EMBEDDED: OnceLock<Tagger> = OnceLock::new();

const MAGIC: &[u8; 8] = b"CDBTAG02";
/// The same layout followed by the word clusters.
const MAGIC_WITH_CLUSTERS: &[u8; 8] = b"CDBTAG03";

impl Tagger {
    /// Trains a tagger on gold sentences.
    pub fn train(sentences: &[Sentence], options: &TaggerOptions) -> Tagger {
        // Number the joint tags and the XPOS tags in sorted order.
        let mut tag_names: BTreeMap<(&str, &str), u32> = BTreeMap::new();
        let mut xpos_set: BTreeMap<&str, u32> = BTreeMap::new();
        for word in sentences.iter().flat_map(|sentence| &sentence.words) {
            tag_names.insert((&word.upos, &word.xpos), 0);
            xpos_set.insert(&word.xpos, 0);
        }
        if tag_names.is_empty() {
            tag_names.insert(("X", "_"), 0);
            xpos_set.insert("_", 0);
        }
        for (number, value) in xpos_set.values_mut().enumerate() {
            *value = number as u32;
        }
        for (number, value) in tag_names.values_mut().enumerate() {
            *value = number as u32;
        }
        let tags: Vec<JointTag> = tag_names
            .keys()
            .map(|(upos, xpos)| JointTag {
                upos: upos.to_string(),
                xpos: xpos.to_string(),
                xpos_number: xpos_set[xpos],
            })
            .collect();
        let gold: Vec<Vec<u32>> = sentences
            .iter()
            .map(|sentence| {
                sentence
                    .words
                    .iter()
                    .map(|word| tag_names[&(word.upos.as_str(), word.xpos.as_str())])
                    .collect()
            })
            .collect();

        let dictionary = learn_dictionary(sentences, &gold, options);
        let lexicon = learn_lexicon(sentences, &gold);
        let kinds: Vec<TagKind> = tags.iter().map(|tag| tag_kind(&tag.upos)).collect();

        // Trained with held-out lexicons, the perceptron learns how far a
        // word's most frequent tag can be trusted on text it was not
        // counted on; it then tags with the whole split's.
        let fold_lexicons = held_out_lexicons(sentences, &gold, options.lexicon_folds);
        let model = train_perceptron(
            sentences,
            &gold,
            tags.len(),
            &dictionary,
            &fold_lexicons,
            &kinds,
            options,
        );

        // Morphology: FEATS per (word, joint tag), lemmas per (word, XPOS).
        let learnable: Vec<Vec<String>> = sentences
            .iter()
            .map(|sentence| {
                sentence
                    .words
                    .iter()
                    .map(|word| learnable_feats(&word.feats))
                    .collect()
            })
            .collect();
        let mut feats_numbers: BTreeMap<&str, u32> = BTreeMap::new();
        for feats in learnable.iter().flatten() {
            feats_numbers.insert(feats, 0);
        }
        feats_numbers.insert("_", 0);
        for (number, value) in feats_numbers.values_mut().enumerate() {
            *value = number as u32;
        }
        let lowers: Vec<String> = sentences
            .iter()
            .flat_map(|sentence| &sentence.words)
            .map(|word| lowercase_of(&word.form))
            .collect();
        let observations: Vec<Observation<'_>> = sentences
            .iter()
            .flat_map(|sentence| &sentence.words)
            .zip(learnable.iter().flatten())
            .zip(gold.iter().flatten())
            .zip(&lowers)
            .map(|(((_, feats), &tag), lower)| Observation {
                word: lower,
                lower,
                tag,
                value: feats_numbers[feats.as_str()],
            })
            .collect();
        let feats = BackoffTable::learn(&observations, options.min_suffix_types);
        let values: Vec<Vec<u32>> = learnable
            .iter()
            .map(|feats_of| {
                feats_of
                    .iter()
                    .map(|feats| feats_numbers[feats.as_str()])
                    .collect()
            })
            .collect();
        let feats_classifier = train_feats_classifier(
            sentences,
            &gold,
            &values,
            &tags,
            feats_numbers.len(),
            &lexicon,
            options,
        );
        let lemma_examples: Vec<(&str, u32, &str)> = sentences
            .iter()
            .flat_map(|sentence| &sentence.words)
            .filter(|word| word.lemma != "_" || word.form == "_")
            .map(|word| {
                (
                    word.form.as_str(),
                    xpos_set[word.xpos.as_str()],
                    word.lemma.as_str(),
                )
            })
            .collect();
        let lemmatiser = Lemmatiser::learn(&lemma_examples, options.min_suffix_types);

        Tagger {
            xpos_names: xpos_set.keys().map(|name| name.to_string()).collect(),
            packed: PackedModel::from_frozen(&model),
            model,
            dictionary,
            lexicon,
            feats_names: feats_numbers.keys().map(|name| name.to_string()).collect(),
            feats,
            feats_classifier,
            kinds: tags.iter().map(|tag| tag_kind(&tag.upos)).collect(),
            tags,
            lemmatiser,
            clusters: options.clusters.clone(),
        }
    }

    /// The tagger trained on UD English EWT 2.16 train, embedded in the binary.
    pub fn embedded() -> &'static Tagger {
        EMBEDDED.get_or_init(|| {
            Tagger::from_bytes(include_bytes!("../weights/tagger.bin"))
                .expect("the embedded tagger weights are valid")
        })
    }

    /// Tags, analyses and lemmatises one sentence of words, writing one
    /// [`Tagged`] per form into `out` (whose lemma strings are reused).
    pub fn tag<'m>(&'m self, forms: &[&str], out: &mut Vec<Tagged<'m>>) {
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let scratch = &mut *guard;
            scratch.prepare(forms, &self.lexicon, &self.kinds);
            scratch.add_clusters(&self.clusters);
            greedy_pass(
                &self.packed,
                &self.dictionary,
                &scratch.words,
                !self.clusters.is_empty(),
                &mut scratch.features,
                &mut scratch.packed_scores,
                &mut scratch.classes,
            );
            out.truncate(forms.len());
            for (idx, form) in forms.iter().enumerate() {
                let class = scratch.classes[idx];
                let tag = &self.tags[class as usize];
                let lower = &scratch.lower[lower_range(&scratch.lower_ends, idx)];
                let lower_hash = scratch.words[idx].lower;
                let seen = self.feats.word_value(lower_hash, class).is_some();
                let feats = match self.feats_classifier.candidates(lower_hash, class, seen) {
                    Some(candidates) => {
                        feats_features(
                            &scratch.words,
                            &scratch.classes,
                            &self.kinds,
                            idx,
                            &mut scratch.features,
                        );
                        let value = self.feats_classifier.packed.predict_among(
                            &scratch.features,
                            candidates,
                            &mut scratch.packed_scores,
                        );
                        self.feats_names.get(value as usize).map_or("_", String::as_str)
                    }
                    None => self.feats_of(lower, lower_hash, class),
                };
                if idx == out.len() {
                    out.push(Tagged {
                        upos: &tag.upos,
                        xpos: &tag.xpos,
                        feats,
                        lemma: String::new(),
                    });
                }
                let tagged = &mut out[idx];
                tagged.upos = &tag.upos;
                tagged.xpos = &tag.xpos;
                tagged.feats = feats;
                let word = WordForms {
                    form,
                    form_hash: scratch.words[idx].form,
                    lower,
                    lower_hash,
                };
                self.lemmatiser
                    .lemmatise(word, tag.xpos_number, &mut tagged.lemma);
            }
        });
    }

    fn feats_of(&self, lower: &str, lower_hash: u64, class: u32) -> &str {
        self.feats
            .first_accepted(lower, lower_hash, class, |_| true)
            .and_then(|number| self.feats_names.get(number as usize))
            .map_or("_", String::as_str)
    }

    /// The lemma the tagger would give `form` tagged `xpos` (the form itself
    /// for an XPOS it does not know).
    pub fn lemmatise(&self, form: &str, xpos: &str) -> String {
        let lower = lowercase_of(form);
        let mut out = String::new();
        match self.xpos_names.iter().position(|name| name == xpos) {
            Some(number) => {
                let word = WordForms {
                    form,
                    form_hash: hash_str(form),
                    lower: &lower,
                    lower_hash: hash_str(&lower),
                };
                self.lemmatiser.lemmatise(word, number as u32, &mut out)
            }
            None => out.push_str(form),
        }
        out
    }

    /// Sizes, for reports: (perceptron features, weights, dictionary words,
    /// FEATS entries, lemma entries).
    pub fn sizes(&self) -> (usize, usize, usize, usize, usize) {
        (
            self.model.n_features(),
            self.model.n_weights(),
            self.dictionary.len(),
            self.feats.n_entries(),
            self.lemmatiser.n_entries(),
        )
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(if self.clusters.is_empty() {
            MAGIC
        } else {
            MAGIC_WITH_CLUSTERS
        });
        put_u32(&mut out, self.xpos_names.len() as u32);
        for name in &self.xpos_names {
            put_str(&mut out, name);
        }
        put_u32(&mut out, self.tags.len() as u32);
        for tag in &self.tags {
            put_str(&mut out, &tag.upos);
            put_str(&mut out, &tag.xpos);
            put_u32(&mut out, tag.xpos_number);
        }
        self.dictionary.write(&mut out);
        self.lexicon.write(&mut out);
        put_u32(&mut out, self.feats_names.len() as u32);
        for name in &self.feats_names {
            put_str(&mut out, name);
        }
        self.feats.write(&mut out);
        self.feats_classifier.write(&mut out);
        self.lemmatiser.write(&mut out);
        let model = self.model.to_bytes();
        put_u32(&mut out, model.len() as u32);
        out.extend_from_slice(&model);
        if !self.clusters.is_empty() {
            self.clusters.write(&mut out);
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, FormatError> {
        let mut reader = ByteReader { bytes, at: 0 };
        let magic = reader.take(8)?;
        let with_clusters = magic == MAGIC_WITH_CLUSTERS;
        if magic != MAGIC && !with_clusters {
            return Err(FormatError("not a claimdb tagger (bad magic)".into()));
        }
        let n_xpos = reader.u32()?;
        let mut xpos_names = Vec::new();
        for _ in 0..n_xpos {
            xpos_names.push(reader.string()?);
        }
        let n_tags = reader.u32()?;
        if n_tags == 0 {
            return Err(FormatError("no tags".into()));
        }
        let mut tags = Vec::new();
        for _ in 0..n_tags {
            let upos = reader.string()?;
            let xpos = reader.string()?;
            let xpos_number = reader.u32()?;
            if xpos_number >= n_xpos {
                return Err(FormatError(format!("xpos {xpos_number} of {n_xpos}")));
            }
            tags.push(JointTag {
                upos,
                xpos,
                xpos_number,
            });
        }
        let dictionary = KeyTable::read(&mut reader, n_tags)?;
        let lexicon = WordLexicon::read(&mut reader, n_tags)?;
        let n_feats = reader.u32()?;
        let mut feats_names = Vec::new();
        for _ in 0..n_feats {
            feats_names.push(reader.string()?);
        }
        let feats = BackoffTable::read(&mut reader, n_feats)?;
        let feats_classifier = FeatsClassifier::read(&mut reader, n_tags, n_feats)?;
        let lemmatiser = Lemmatiser::read(&mut reader)?;
        let model_len = reader.u32()? as usize;
        let model = Frozen::from_bytes(reader.take(model_len)?)?;
        if model.n_classes() != tags.len() {
            return Err(FormatError(format!(
                "the model has {} classes for {} tags",
                model.n_classes(),
                tags.len()
            )));
        }
        let clusters = if with_clusters {
            WordClusters::read(&mut reader)?
        } else {
            WordClusters::default()
        };
        if reader.remaining() != 0 {
            return Err(FormatError("bytes after the model".into()));
        }
        Ok(Tagger {
            clusters,
            kinds: tags.iter().map(|tag| tag_kind(&tag.upos)).collect(),
            feats_classifier,
            tags,
            xpos_names,
            packed: PackedModel::from_frozen(&model),
            model,
            dictionary,
            lexicon,
            feats_names,
            feats,
            lemmatiser,
        })
    }
}

/// The FEATS of a treebank word without `Typo=Yes`, which marks a misspelling
/// that no analysis of the form can foresee (and the CoNLL 2018 scorer does
/// not count it).
fn learnable_feats(feats: &str) -> String {
    if !feats.contains("Typo=") {
        return feats.to_string();
    }
    let kept: Vec<&str> = feats
        .split('|')
        .filter(|pair| !pair.starts_with("Typo="))
        .collect();
    if kept.is_empty() {
        "_".to_string()
    } else {
        kept.join("|")
    }
}

/// Word forms (exact case) seen often enough, nearly always with one tag.
fn learn_dictionary(sentences: &[Sentence], gold: &[Vec<u32>], options: &TaggerOptions) -> KeyTable {
    let mut pairs = Vec::new();
    for (form, tag_counts) in count_tags(sentences, gold, |form| form) {
        let (best, best_count, total) = most_frequent(&tag_counts);
        if total >= options.dictionary_min_count
            && f64::from(best_count) >= options.dictionary_min_share * f64::from(total)
        {
            pairs.push((hash_str(form), best));
        }
    }
    KeyTable::from_pairs(pairs)
}

/// What the treebank says of each word form, for the features to read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WordLexicon {
    /// Lowercase form hash → its most frequent joint tag; and [`cased_key`]
    /// of a form written with capitals → that form's most frequent tag.
    tags: KeyTable,
    /// Lowercase form hash → a 24-bit hash of the set of tags it was seen
    /// with at least a tenth of the time (its ambiguity class). A hash, not
    /// a number, so that lexicons learned from different folds agree.
    ambiguity: KeyTable,
}

impl WordLexicon {
    fn write(&self, out: &mut Vec<u8>) {
        self.tags.write(out);
        self.ambiguity.write(out);
    }

    fn read(reader: &mut ByteReader<'_>, n_tags: u32) -> Result<WordLexicon, FormatError> {
        let tags = KeyTable::read(reader, n_tags)?;
        let ambiguity = KeyTable::read(reader, 1 << 24)?;
        Ok(WordLexicon { tags, ambiguity })
    }
}

/// Every training form's most frequent tag and ambiguity class, by its
/// lowercase, and the most frequent tag of each form written with capitals.
fn learn_lexicon(sentences: &[Sentence], gold: &[Vec<u32>]) -> WordLexicon {
    let mut tag_pairs = Vec::new();
    let mut ambiguity_pairs = Vec::new();
    for (lower, tag_counts) in count_tags(sentences, gold, lowercase_of) {
        let (best, _, total) = most_frequent(&tag_counts);
        let lower_hash = hash_str(&lower);
        tag_pairs.push((lower_hash, best));
        let set_hash = tag_counts
            .iter()
            .filter(|(_, count)| **count * 10 >= total)
            .fold(0x5e7u64, |hash, (&tag, _)| mix(hash, u64::from(tag)));
        ambiguity_pairs.push((lower_hash, (set_hash >> 40) as u32));
    }
    for (form, tag_counts) in count_tags(sentences, gold, |form| form) {
        if form.chars().any(char::is_uppercase) {
            let (best, _, _) = most_frequent(&tag_counts);
            tag_pairs.push((cased_key(hash_str(form)), best));
        }
    }
    WordLexicon {
        tags: KeyTable::from_pairs(tag_pairs),
        ambiguity: KeyTable::from_pairs(ambiguity_pairs),
    }
}

/// Lexicons for training the perceptron on: one learned from the whole
/// training split when `folds` is 1; otherwise one per contiguous fold,
/// learned from the other folds, so that the words to the right and the
/// word itself look as they will on new text (a word's most frequent tag is
/// right less often outside the sentences it was counted on).
fn held_out_lexicons(sentences: &[Sentence], gold: &[Vec<u32>], folds: usize) -> Vec<WordLexicon> {
    let folds = folds.clamp(1, sentences.len().max(1));
    if folds == 1 {
        return vec![learn_lexicon(sentences, gold)];
    }
    (0..folds)
        .map(|fold| {
            let start = fold * sentences.len() / folds;
            let end = (fold + 1) * sentences.len() / folds;
            let training: Vec<Sentence> = sentences[..start]
                .iter()
                .chain(&sentences[end..])
                .cloned()
                .collect();
            let training_gold: Vec<Vec<u32>> = gold[..start].iter().chain(&gold[end..]).cloned().collect();
            learn_lexicon(&training, &training_gold)
        })
        .collect()
}

/// The lexicon's key for a form written with capitals, apart from its
/// lowercase's.
fn cased_key(form_hash: u64) -> u64 {
    mix(form_hash, 0xca5e)
}

/// How often each key (made from a word's form) has each gold tag, in key order.
fn count_tags<'s, K: Ord>(
    sentences: &'s [Sentence],
    gold: &[Vec<u32>],
    key_of: impl Fn(&'s str) -> K,
) -> BTreeMap<K, BTreeMap<u32, u32>> {
    let mut counts: BTreeMap<K, BTreeMap<u32, u32>> = BTreeMap::new();
    for (sentence, tags) in sentences.iter().zip(gold) {
        for (word, &tag) in sentence.words.iter().zip(tags) {
            *counts
                .entry(key_of(&word.form))
                .or_default()
                .entry(tag)
                .or_default() += 1;
        }
    }
    counts
}

/// The most frequent tag (the lowest of equals), its count, and the total.
fn most_frequent(tag_counts: &BTreeMap<u32, u32>) -> (u32, u32, u32) {
    let total: u32 = tag_counts.values().sum();
    let (best, best_count) =
        tag_counts.iter().fold(
            (0u32, 0u32),
            |best, (&tag, &count)| if count > best.1 { (tag, count) } else { best },
        );
    (best, best_count, total)
}

/// Predicted (UPOS, XPOS) for every word of every training sentence, each
/// fold tagged by a model trained on the other folds (contiguous blocks of
/// sentences, so documents mostly stay whole), so that a parser can train on
/// tags as wrong as they will be at run time.
pub fn jackknife_tags(
    sentences: &[Sentence],
    folds: usize,
    options: &TaggerOptions,
) -> Vec<Vec<(String, String)>> {
    let folds = folds.clamp(1, sentences.len().max(1));
    let mut predicted: Vec<Vec<(String, String)>> = vec![Vec::new(); sentences.len()];
    let mut forms: Vec<&str> = Vec::new();
    for fold in 0..folds {
        let start = fold * sentences.len() / folds;
        let end = (fold + 1) * sentences.len() / folds;
        let training: Vec<Sentence> = if folds == 1 {
            sentences.to_vec()
        } else {
            sentences[..start]
                .iter()
                .chain(&sentences[end..])
                .cloned()
                .collect()
        };
        let tagger = Tagger::train(&training, options);
        let mut out = Vec::new();
        for (sentence, tags) in sentences[start..end].iter().zip(&mut predicted[start..end]) {
            forms.clear();
            forms.extend(sentence.words.iter().map(|word| word.form.as_str()));
            tagger.tag(&forms, &mut out);
            *tags = out
                .iter()
                .map(|tagged| (tagged.upos.to_string(), tagged.xpos.to_string()))
                .collect();
        }
    }
    predicted
}

#[cfg(test)]
mod tests;

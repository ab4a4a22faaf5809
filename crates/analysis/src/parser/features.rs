//! The parser's feature templates: the rich non-local set of Zhang and Nivre
//! (2011), adapted from arc-eager to arc-hybrid (whose stack words have no
//! heads yet, so the second and third stack words stand where arc-eager reads
//! the head and grandhead of the stack top). Word and tag hashes are computed
//! once per sentence ([`SentenceHashes`]); a feature is then a couple of
//! [`mix`] calls over array lookups, written into a fixed array.

use super::transition::{NONE, State};
use crate::perceptron::{hash_str, mix};

/// How many features every configuration has.
pub(crate) const N_FEATURES: usize = 100;

/// The features (by slot in [`extract`]'s order) that the labelled part of the
/// model reads: the words and tags of the two top stack words and the buffer
/// front, their pairs and trigrams, distance, valency, and the labels around
/// them.
pub(crate) const LABEL_FEATURES: [usize; 48] = [
    0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 13, 18, 21, 22, 24, 25, 26, 28, 29, 30, 31, 34, 35, 36, 37, 38, 39, 40,
    44, 46, 48, 49, 52, 54, 56, 62, 63, 65, 66, 68, 69, 75, 78, 81, 93, 95, 96, 97,
];

/// The features the labelled part does not read, in slot order.
pub(crate) const MOVE_ONLY_FEATURES: [usize; N_FEATURES - LABEL_FEATURES.len()] = move_only_features();

const fn move_only_features() -> [usize; N_FEATURES - LABEL_FEATURES.len()] {
    let mut out = [0; N_FEATURES - LABEL_FEATURES.len()];
    let (mut slot, mut n_out, mut n_label) = (0, 0, 0);
    while slot < N_FEATURES {
        if n_label < LABEL_FEATURES.len() && LABEL_FEATURES[n_label] == slot {
            n_label += 1;
        } else {
            out[n_out] = slot;
            n_out += 1;
        }
        slot += 1;
    }
    out
}

/// Copies the labelled part's features out of all of them.
#[inline]
pub(crate) fn label_features(features: &[u64; N_FEATURES], out: &mut [u64; LABEL_FEATURES.len()]) {
    for (feature, &slot) in out.iter_mut().zip(&LABEL_FEATURES) {
        *feature = features[slot];
    }
}

/// Per token (see [`super::transition`] for the numbering): the hashes of its
/// normalised form, its tag (UPOS and XPOS together) and both.
#[derive(Debug, Clone, Default)]
pub(crate) struct SentenceHashes {
    word: Vec<u64>,
    tag: Vec<u64>,
    word_tag: Vec<u64>,
}

impl SentenceHashes {
    /// Fills the hashes for one sentence; a missing tag reads as `_`.
    pub(crate) fn fill(&mut self, forms: &[&str], upos: &[&str], xpos: &[&str]) {
        let n_words = forms.len();
        for column in [&mut self.word, &mut self.tag, &mut self.word_tag] {
            column.clear();
            column.reserve(n_words + 2);
        }
        let none_word = hash_str("\u{0}none");
        let none_tag = hash_str("\u{0}none-tag");
        self.word.push(none_word);
        self.tag.push(none_tag);
        self.word_tag.push(mix(none_word, none_tag));
        for (idx, form) in forms.iter().enumerate() {
            let word = hash_normalised(form);
            let tag = mix(
                hash_str(upos.get(idx).copied().unwrap_or("_")),
                hash_str(xpos.get(idx).copied().unwrap_or("_")),
            );
            self.word.push(word);
            self.tag.push(tag);
            self.word_tag.push(mix(word, tag));
        }
        let root_word = hash_str("\u{0}root");
        let root_tag = hash_str("\u{0}root-tag");
        self.word.push(root_word);
        self.tag.push(root_tag);
        self.word_tag.push(mix(root_word, root_tag));
    }
}

/// Hashes a form lowercased with every digit read as 0, so that "The" and
/// "the", "1999" and "2024" share their weights. No allocation.
pub(crate) fn hash_normalised(form: &str) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut n_bytes = 0u64;
    let mut eat = |byte: u8| {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        n_bytes += 1;
    };
    for character in form.chars() {
        if character.is_ascii() {
            let byte = character as u8;
            eat(if byte.is_ascii_digit() {
                b'0'
            } else {
                byte.to_ascii_lowercase()
            });
        } else {
            for lower in character.to_lowercase() {
                let mut utf8 = [0u8; 4];
                for &byte in lower.encode_utf8(&mut utf8).as_bytes() {
                    eat(byte);
                }
            }
        }
    }
    mix(hash, n_bytes)
}

/// A distance between two tokens, in buckets (0 when either is missing).
#[inline]
fn distance(first: u32, second: u32, root: u32) -> u64 {
    if first == NONE || second == NONE {
        return 0;
    }
    if first == root || second == root {
        return 15;
    }
    match first.abs_diff(second) {
        length @ 0..=5 => u64::from(length),
        6..=10 => 6,
        11..=20 => 7,
        _ => 8,
    }
}

/// Writes features in template order: each gets its slot's number mixed in.
struct Writer<'a> {
    out: &'a mut [u64; N_FEATURES],
    slot: usize,
}

impl Writer<'_> {
    #[inline]
    fn put(&mut self, value: u64) {
        let template = (self.slot as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.out[self.slot] = mix(template, value);
        self.slot += 1;
    }

    // The values are hashes already (or small numbers), and `put` mixes its
    // value thoroughly: combining by rotation and xor is enough, and cheaper
    // than mixing at every step. The rotations keep (a, b) and (b, a) apart.
    #[inline]
    fn put2(&mut self, first: u64, second: u64) {
        self.put(first.rotate_left(23) ^ second);
    }

    #[inline]
    fn put3(&mut self, first: u64, second: u64, third: u64) {
        self.put(first.rotate_left(23) ^ second.rotate_left(47) ^ third);
    }
}

/// The features of a configuration.
pub(crate) fn extract(state: &State, hashes: &SentenceHashes, out: &mut [u64; N_FEATURES]) {
    let root = state.root();
    let s0 = state.stack_at(0);
    let s1 = state.stack_at(1);
    let s2 = state.stack_at(2);
    let b0 = state.buffer_at(0);
    let b1 = state.buffer_at(1);
    let b2 = state.buffer_at(2);
    let leftmost = |token: u32| state.leftmost[token as usize];
    let rightmost = |token: u32| state.rightmost[token as usize];
    let s0l = leftmost(s0);
    let s0r = rightmost(s0);
    let s0l2 = state.second_leftmost[s0 as usize];
    let s0r2 = state.second_rightmost[s0 as usize];
    let s1l = leftmost(s1);
    let s1r = rightmost(s1);
    let s1r2 = state.second_rightmost[s1 as usize];
    let b0l = leftmost(b0);
    let b0l2 = state.second_leftmost[b0 as usize];

    let w = |token: u32| hashes.word[token as usize];
    let p = |token: u32| hashes.tag[token as usize];
    let wp = |token: u32| hashes.word_tag[token as usize];
    // A child's label; absent children all read the same.
    let l = |token: u32| {
        if token == NONE {
            u64::MAX
        } else {
            u64::from(state.labels[token as usize])
        }
    };
    let valency_left = |token: u32| u64::from(state.n_left[token as usize].min(8));
    let valency_right = |token: u32| u64::from(state.n_right[token as usize].min(8));
    let labels_left = |token: u32| {
        let bits = state.left_labels[token as usize];
        mix(bits as u64, (bits >> 64) as u64)
    };
    let labels_right = |token: u32| {
        let bits = state.right_labels[token as usize];
        mix(bits as u64, (bits >> 64) as u64)
    };
    let d_s0_b0 = distance(s0, b0, root);
    let d_s1_s0 = distance(s1, s0, root);

    let mut f = Writer { out, slot: 0 };
    // Single words.
    f.put(0);
    f.put(w(s0));
    f.put(p(s0));
    f.put(wp(s0));
    f.put(w(s1));
    f.put(p(s1));
    f.put(wp(s1));
    f.put(w(s2));
    f.put(p(s2));
    f.put(w(b0));
    f.put(p(b0));
    f.put(wp(b0));
    f.put(w(b1));
    f.put(p(b1));
    f.put(wp(b1));
    f.put(w(b2));
    f.put(p(b2));
    f.put(wp(b2));
    // Pairs of the stack top and the buffer front.
    f.put2(wp(s0), wp(b0));
    f.put2(wp(s0), w(b0));
    f.put2(w(s0), wp(b0));
    f.put2(wp(s0), p(b0));
    f.put2(p(s0), wp(b0));
    f.put2(w(s0), w(b0));
    f.put2(p(s0), p(b0));
    f.put2(p(b0), p(b1));
    // Pairs of the two stack words (where arc-eager reads the top's head).
    f.put2(wp(s0), wp(s1));
    f.put2(w(s0), w(s1));
    f.put2(p(s0), p(s1));
    f.put2(wp(s0), p(s1));
    f.put2(p(s0), wp(s1));
    f.put2(p(s1), p(b0));
    f.put2(w(s1), w(b0));
    // Tag trigrams.
    f.put3(p(b0), p(b1), p(b2));
    f.put3(p(s0), p(b0), p(b1));
    f.put3(p(s1), p(s0), p(b0));
    f.put3(p(s0), p(s0l), p(b0));
    f.put3(p(s0), p(s0r), p(b0));
    f.put3(p(s0), p(b0), p(b0l));
    f.put3(p(s1), p(s1r), p(s0));
    f.put3(p(s2), p(s1), p(s0));
    f.put3(p(s1), p(s1l), p(s0));
    f.put3(w(s0), p(b0), p(b1));
    // Distance.
    f.put2(w(s0), d_s0_b0);
    f.put2(p(s0), d_s0_b0);
    f.put2(w(b0), d_s0_b0);
    f.put2(p(b0), d_s0_b0);
    f.put3(w(s0), w(b0), d_s0_b0);
    f.put3(p(s0), p(b0), d_s0_b0);
    f.put3(p(s1), p(s0), d_s1_s0);
    f.put3(w(s1), w(s0), d_s1_s0);
    // Valency.
    f.put2(w(s0), valency_right(s0));
    f.put2(p(s0), valency_right(s0));
    f.put2(w(s0), valency_left(s0));
    f.put2(p(s0), valency_left(s0));
    f.put2(w(b0), valency_left(b0));
    f.put2(p(b0), valency_left(b0));
    f.put2(w(s1), valency_right(s1));
    f.put2(p(s1), valency_right(s1));
    f.put2(w(s1), valency_left(s1));
    f.put2(p(s1), valency_left(s1));
    // Leftmost and rightmost children.
    for child in [s0l, s0r, b0l, s1l, s1r] {
        f.put(w(child));
        f.put(p(child));
        f.put(l(child));
    }
    // Second leftmost and rightmost children.
    for child in [s0l2, s0r2, b0l2, s1r2] {
        f.put(w(child));
        f.put(p(child));
        f.put(l(child));
    }
    f.put3(p(s0), p(s0l), p(s0l2));
    f.put3(p(s0), p(s0r), p(s0r2));
    f.put3(p(b0), p(b0l), p(b0l2));
    f.put3(p(s1), p(s1r), p(s1r2));
    // Label sets.
    f.put2(w(s0), labels_right(s0));
    f.put2(p(s0), labels_right(s0));
    f.put2(w(s0), labels_left(s0));
    f.put2(p(s0), labels_left(s0));
    f.put2(w(b0), labels_left(b0));
    f.put2(p(b0), labels_left(b0));
    f.put2(p(s1), labels_right(s1));
    f.put2(p(s1), labels_left(s1));
    debug_assert_eq!(f.slot, N_FEATURES);
}

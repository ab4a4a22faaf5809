//! The named-entity recogniser: persons, organisations and locations (the
//! Universal NER classes PER, ORG, LOC) over the words of a sentence, as a
//! greedy left-to-right averaged perceptron over BILOU tags.
//!
//! Trained on 2,001 sentences only (UNER English-EWT dev; the train split is
//! missing), so the features are chosen to generalise past the words seen:
//! word shape and capitalisation of the window, affixes, the tagger's UPOS and
//! XPOS (runs of proper nouns), how the whole sentence is capitalised, and the
//! hand-written name lists of [`gazetteer`]. Training hides a word's own
//! identity a quarter of the time (word dropout), so that decisions also rest
//! on those. Decoding keeps the BILOU sequence well formed, so every output
//! span is an entity.
//!
//! Speed: words that are plainly outside (lower case or no letters, not a
//! proper noun, in no list, no entity open) are labelled so without scoring,
//! and the weights are laid out as dense per-feature rows behind a compact
//! slot table (`DenseWeights`).
//!
//! A later GPE/LOC split (UNER has only LOC): with data that has the split,
//! add an [`EntityKind`] variant (with its label and its place in
//! `EntityKind::ALL`), raise `N_KINDS` by one (four more BILOU classes) and
//! retrain; nothing else counts the kinds. Without such data, a LOC span whose
//! words the country, state or city lists mark whole could be called a GPE
//! after decoding.

use std::ops::Range;
use std::sync::OnceLock;

pub mod gazetteer;

use crate::iob2::NerSentence;
use crate::perceptron::{FormatError, Frozen, Rng, Trainer, key, key2, mix};

use crate::entity::N_KINDS;
pub use crate::entity::{Entity, EntityKind};

/// How to train a [`Recogniser`].
#[derive(Debug, Clone, PartialEq)]
pub struct RecogniserOptions {
    /// Seeds the order sentences are visited in, epoch by epoch.
    pub seed: u64,
    /// Passes over the training sentences. The default (6) was chosen by
    /// 5-fold cross-validation on UNER dev given twice, once with the
    /// tagger's predicted tags and once with gold tags (see [`Recogniser::train`]).
    pub epochs: usize,
    /// Read the name lists of [`gazetteer`] as features.
    pub use_gazetteers: bool,
    /// Train with the labels the recogniser itself predicted for the previous
    /// words as history (what it sees at run time) instead of the gold ones.
    pub predicted_history: bool,
    /// Averaged weights below this magnitude are dropped when freezing.
    pub min_weight: f32,
    /// The chance, per training decision, that the word's own identity
    /// (its form and lowercase form) is hidden, so that the model also learns
    /// to decide from shape, context and lists, as it must for unseen names.
    pub word_dropout: f64,
    /// Subtracted from the outside class's score at every word when
    /// recognising: trained on so little, the model is cautious (precision
    /// well above recall), and a bias chosen by cross-validation trades some
    /// precision back for recall.
    pub entity_bias: f32,
}

impl Default for RecogniserOptions {
    fn default() -> RecogniserOptions {
        RecogniserOptions {
            seed: 11,
            epochs: 6,
            use_gazetteers: true,
            predicted_history: false,
            min_weight: 0.0,
            word_dropout: 0.25,
            entity_bias: 0.0,
        }
    }
}

/// BILOU classes: 0 is outside, then four per kind (begin, inside, last, unit).
const N_CLASSES: usize = 1 + 4 * N_KINDS;
const OUTSIDE: usize = 0;
/// The history label before the first word.
const START: usize = N_CLASSES;

const BEGIN: usize = 0;
const INSIDE: usize = 1;
const LAST: usize = 2;
const UNIT: usize = 3;

fn class_of(kind: EntityKind, position: usize) -> usize {
    1 + kind.index() * 4 + position
}

/// The kind and BILOU position of a class other than [`OUTSIDE`].
fn kind_and_position(class: usize) -> Option<(EntityKind, usize)> {
    if class == OUTSIDE || class >= N_CLASSES {
        return None;
    }
    Some((EntityKind::ALL[(class - 1) / 4], (class - 1) % 4))
}

/// Whether `class` may follow `previous` (a class or [`START`]), with `is_last`
/// saying no word follows: an open entity (begin, inside) must go on with its
/// own kind, and nothing may be left open at the end.
fn allowed(previous: usize, class: usize, is_last: bool) -> bool {
    let open_kind = match kind_and_position(previous) {
        Some((kind, BEGIN | INSIDE)) => Some(kind),
        _ => None,
    };
    match (open_kind, kind_and_position(class)) {
        (Some(open), Some((kind, INSIDE))) => kind == open && !is_last,
        (Some(open), Some((kind, LAST))) => kind == open,
        (Some(_), _) => false,
        (None, None) => true,
        (None, Some((_, BEGIN))) => !is_last,
        (None, Some((_, UNIT))) => true,
        (None, Some(_)) => false,
    }
}

/// The BILOU classes of a sentence's entities (overlapping or out-of-range
/// entities are skipped rather than trusted).
fn gold_classes(n_words: usize, entities: &[Entity]) -> Vec<usize> {
    let mut classes = vec![OUTSIDE; n_words];
    for entity in entities {
        let Range { start, end } = entity.words;
        if start >= end || end > n_words || classes[start..end].iter().any(|class| *class != OUTSIDE) {
            continue;
        }
        if end - start == 1 {
            classes[start] = class_of(entity.kind, UNIT);
            continue;
        }
        classes[start] = class_of(entity.kind, BEGIN);
        for class in &mut classes[start + 1..end - 1] {
            *class = class_of(entity.kind, INSIDE);
        }
        classes[end - 1] = class_of(entity.kind, LAST);
    }
    classes
}

/// The entities a well-formed class sequence spells.
fn decode(classes: &[usize], out: &mut Vec<Entity>) {
    out.clear();
    let mut open: Option<usize> = None;
    for (word_idx, &class) in classes.iter().enumerate() {
        match kind_and_position(class) {
            Some((_, BEGIN)) => open = Some(word_idx),
            Some((_, INSIDE)) => {}
            Some((kind, LAST)) => {
                if let Some(start) = open.take() {
                    out.push(Entity {
                        words: start..word_idx + 1,
                        kind,
                    });
                }
            }
            Some((kind, _)) => {
                open = None;
                out.push(Entity {
                    words: word_idx..word_idx + 1,
                    kind,
                });
            }
            None => open = None,
        }
    }
}

// Feature templates. The numbers are part of the weights' meaning: renumbering
// one needs a retrain. (Numbers 13, 21, 43 and 44 were templates that 5-fold
// cross-validation found useless: the window's capitalisation pattern, the
// proper-noun run before name runs replaced it, and the previous label with
// the word's shape or UPOS.)
const T_BIAS: u32 = 1;
const T_LOWER: u32 = 2;
const T_FORM: u32 = 3;
const T_LOWER_PREVIOUS: u32 = 4;
const T_LOWER_NEXT: u32 = 5;
const T_LOWER_PREVIOUS_2: u32 = 6;
const T_LOWER_NEXT_2: u32 = 7;
const T_PREFIX: u32 = 8;
const T_SUFFIX: u32 = 9;
const T_SHAPE: u32 = 10;
const T_SHAPE_PREVIOUS: u32 = 11;
const T_SHAPE_NEXT: u32 = 12;
const T_UPOS: u32 = 14;
const T_UPOS_PREVIOUS: u32 = 15;
const T_UPOS_NEXT: u32 = 16;
const T_XPOS: u32 = 17;
const T_UPOS_BIGRAM_LEFT: u32 = 18;
const T_UPOS_BIGRAM_RIGHT: u32 = 19;
const T_FIRST_WORD_CASE: u32 = 20;
const T_SENTENCE_CASE: u32 = 22;
const T_LOWER_BIGRAM_LEFT: u32 = 23;
const T_LOWER_BIGRAM_RIGHT: u32 = 24;
const T_GAZETTEER: u32 = 25;
const T_GAZETTEER_PREVIOUS: u32 = 26;
const T_GAZETTEER_NEXT: u32 = 27;
const T_GAZETTEER_CASE: u32 = 28;
const T_CASE_SENTENCE_CASE: u32 = 29;
const T_PREVIOUS_WORD_CASE: u32 = 30;
const T_NEXT_WORD_CASE: u32 = 31;
const T_RUN_BEFORE: u32 = 32;
const T_RUN_AFTER: u32 = 33;
const T_RUN_FIRST: u32 = 34;
const T_RUN_LAST: u32 = 35;
const T_RUN_LISTS: u32 = 36;
const T_RUN_POSITION: u32 = 37;
const T_RUN_BEFORE_2: u32 = 38;
const T_HISTORY: u32 = 40;
const T_HISTORY_2: u32 = 41;
const T_HISTORY_LOWER: u32 = 42;
const T_HISTORY_CASE_NEXT: u32 = 45;

/// How a word is capitalised, in a few classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Case {
    /// No letters (punctuation, numbers).
    NoLetters = 0,
    Lower = 1,
    /// First letter upper, some lower after (`Paris`, `McDonald`).
    Title = 2,
    /// Every letter upper, more than one letter (`NATO`).
    Upper = 3,
    /// A single upper-case letter (`I`, `A`).
    SingleUpper = 4,
    /// Lower first, upper later (`iPhone`, `eBay`).
    Mixed = 5,
}

/// What the features read about one word, computed once per sentence.
#[derive(Debug, Clone, Default)]
struct WordInfo {
    lower: u64,
    form: u64,
    shape: u64,
    /// Where the word's lowercase form is in `Workspace::lowered`.
    lower_span: Range<usize>,
    upos: u64,
    xpos: u64,
    case: u8,
    is_proper: bool,
    gazetteer_marks: u64,
    /// The run of name-like words the word is in (see [`mark_name_runs`]),
    /// `start..end`, or an empty range when it is in none.
    run: Range<usize>,
}

/// The sentinel values of the words before the first and after the last.
const BEFORE_SENTENCE: u64 = 0x0b0f_0b0f;
const AFTER_SENTENCE: u64 = 0x0e0f_0e0f;
/// What a word's identity reads as when training hides it (word dropout).
const HIDDEN_WORD: u64 = 0x0d0f_0d0f;

/// Reusable buffers for one sentence.
#[derive(Debug, Default)]
struct Workspace {
    infos: Vec<WordInfo>,
    lower_hashes: Vec<u64>,
    marks: Vec<u64>,
    /// Every word's lowercase form, one after another.
    lowered: String,
    features: Vec<u64>,
    scores: Vec<f32>,
    classes: Vec<usize>,
}

fn case_of(form: &str) -> Case {
    let mut n_upper = 0usize;
    let mut n_lower = 0usize;
    let mut first_upper = None;
    for character in form.chars() {
        if character.is_uppercase() {
            n_upper += 1;
            first_upper.get_or_insert(true);
        } else if character.is_lowercase() {
            n_lower += 1;
            first_upper.get_or_insert(false);
        }
    }
    match (n_upper, n_lower, first_upper) {
        (0, 0, _) => Case::NoLetters,
        (0, _, _) => Case::Lower,
        (1, 0, _) => Case::SingleUpper,
        (_, 0, _) => Case::Upper,
        (_, _, Some(true)) => Case::Title,
        _ => Case::Mixed,
    }
}

/// The word's shape: `X` upper, `x` lower, `d` digit, other characters as
/// themselves (ASCII) or `o`, runs longer than two cut to two (`Xxx`,
/// `dd.dd`, `X.X.`), at most 12 characters, hashed.
fn shape_hash(form: &str) -> u64 {
    let mut packed = 0u128;
    let mut previous = 0u8;
    let mut run = 0usize;
    let mut length = 0usize;
    for character in form.chars() {
        let class = if character.is_ascii_uppercase() {
            b'X'
        } else if character.is_ascii_lowercase() {
            b'x'
        } else if character.is_ascii_digit() {
            b'd'
        } else if character.is_ascii() {
            character as u8
        } else if character.is_uppercase() {
            b'X'
        } else if character.is_lowercase() {
            b'x'
        } else {
            b'o'
        };
        if class == previous {
            run += 1;
            if run > 2 {
                continue;
            }
        } else {
            run = 1;
            previous = class;
        }
        packed = (packed << 8) | u128::from(class);
        length += 1;
        if length >= 12 {
            break;
        }
    }
    mix(mix(0x5bd1_e995, packed as u64), (packed >> 64) as u64)
}

/// Hashes a word eight bytes at a time: the recogniser hashes every word,
/// its lowercase form and six affixes, and a byte-at-a-time hash was a fifth
/// of its time. (Part of the weights' meaning: changing it needs a retrain.)
pub(crate) fn hash_word(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash = 0x243f_6a88_85a3_08d3u64 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        if let Ok(word) = <[u8; 8]>::try_from(chunk) {
            hash = mix(hash, u64::from_le_bytes(word));
        }
    }
    // The last bytes, zero-padded, little-endian; shifted in one by one, as a
    // variable-length copy would call memmove (a fifth of the time).
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = 0u64;
        for (byte_idx, &byte) in rest.iter().enumerate() {
            word |= u64::from(byte) << (8 * byte_idx);
        }
        hash = mix(hash, word);
    }
    mix(hash, 0x13198a2e03707344)
}

fn is_proper_tag(upos: &str, xpos: &str) -> bool {
    upos == "PROPN" || xpos == "NNP" || xpos == "NNPS"
}

/// Fills `workspace.infos` (and the gazetteer marks) for a sentence.
fn describe(forms: &[&str], upos: &[&str], xpos: &[&str], use_gazetteers: bool, workspace: &mut Workspace) {
    let n_words = forms.len();
    let tags_given = upos.len() == n_words && xpos.len() == n_words;
    workspace.infos.clear();
    workspace.infos.resize(n_words, WordInfo::default());
    workspace.lower_hashes.clear();
    workspace.lowered.clear();
    // The words are described in place (no WordInfo is built and then
    // copied), and each lowercase form is written once, into `lowered`.
    for ((word_idx, form), info) in forms.iter().enumerate().zip(workspace.infos.iter_mut()) {
        let lowered = &mut workspace.lowered;
        let start = lowered.len();
        if form.is_ascii() {
            lowered.push_str(form);
            lowered[start..].make_ascii_lowercase();
        } else {
            for character in form.chars() {
                lowered.extend(character.to_lowercase());
            }
        }
        let lower = &lowered[start..];
        info.lower = hash_word(lower);
        info.form = hash_word(form);
        info.shape = shape_hash(form);
        info.case = case_of(form) as u8;
        info.lower_span = start..lowered.len();
        if tags_given {
            info.upos = hash_word(upos[word_idx]);
            info.xpos = hash_word(xpos[word_idx]);
            info.is_proper = is_proper_tag(upos[word_idx], xpos[word_idx]);
        } else {
            info.is_proper = info.case == Case::Title as u8 || info.case == Case::Upper as u8;
        }
        workspace.lower_hashes.push(info.lower);
    }
    workspace.marks.clear();
    workspace.marks.resize(n_words, 0);
    if use_gazetteers {
        gazetteer::mark(&workspace.lower_hashes, &mut workspace.marks);
        for (info, &marks) in workspace.infos.iter_mut().zip(&workspace.marks) {
            info.gazetteer_marks = marks;
        }
    }
    mark_name_runs(&mut workspace.infos);
}

/// Whether a word looks like part of a name: tagged a proper noun, or
/// capitalised anywhere but at the start of the sentence.
fn is_name_like(info: &WordInfo, word_idx: usize) -> bool {
    let capitalised =
        info.case == Case::Title as u8 || info.case == Case::Upper as u8 || info.case == Case::Mixed as u8;
    info.is_proper || (capitalised && word_idx > 0)
}

/// Sets every word's `run` to the maximal run of name-like words around it.
fn mark_name_runs(infos: &mut [WordInfo]) {
    let mut start = 0;
    while start < infos.len() {
        if !is_name_like(&infos[start], start) {
            infos[start].run = 0..0;
            start += 1;
            continue;
        }
        let mut end = start + 1;
        while end < infos.len() && is_name_like(&infos[end], end) {
            end += 1;
        }
        for info in &mut infos[start..end] {
            info.run = start..end;
        }
        start = end;
    }
}

/// How the sentence as a whole is capitalised: all lower case (chat), all
/// upper case (shouting), most words title case (a headline), or ordinary.
/// Capital letters mean little in the first three.
fn sentence_case(infos: &[WordInfo]) -> u64 {
    let mut n_lower = 0usize;
    let mut n_title = 0usize;
    let mut n_upper = 0usize;
    for info in infos {
        match info.case {
            case if case == Case::Lower as u8 => n_lower += 1,
            case if case == Case::Title as u8 => n_title += 1,
            case if case == Case::Upper as u8 => n_upper += 1,
            _ => {}
        }
    }
    let n_cased = n_lower + n_title + n_upper;
    if n_cased == 0 {
        0
    } else if n_title + n_upper == 0 {
        1
    } else if n_upper * 2 > n_cased && n_lower == 0 {
        2
    } else if n_cased >= 4 && n_title * 3 > n_cased * 2 {
        3
    } else {
        4
    }
}

/// The features of word `word_idx` that do not depend on earlier decisions.
/// The prefixes (1 to 3 characters) and suffixes (2 to 4) of a word's
/// lowercase form, each only if the word is longer than the affix.
fn affix_features(lower: &str, out: &mut Vec<u64>) {
    // Affixes are cut on character boundaries; ASCII words (nearly all) take
    // the byte offsets directly.
    let is_ascii = lower.is_ascii();
    let n_chars = if is_ascii {
        lower.len()
    } else {
        lower.chars().count()
    };
    let byte_at = |char_idx: usize| {
        if is_ascii {
            char_idx
        } else {
            lower
                .char_indices()
                .nth(char_idx)
                .map_or(lower.len(), |(at, _)| at)
        }
    };
    for (affix_idx, length) in [1usize, 2, 3].into_iter().enumerate() {
        if n_chars > length {
            out.push(key2(
                T_PREFIX,
                affix_idx as u64,
                hash_word(&lower[..byte_at(length)]),
            ));
        }
    }
    for (affix_idx, length) in [2usize, 3, 4].into_iter().enumerate() {
        if n_chars > length {
            out.push(key2(
                T_SUFFIX,
                affix_idx as u64,
                hash_word(&lower[byte_at(n_chars - length)..]),
            ));
        }
    }
}

fn static_features(
    infos: &[WordInfo],
    lowered: &str,
    word_idx: usize,
    sentence_case: u64,
    out: &mut Vec<u64>,
) {
    out.clear();
    let info = &infos[word_idx];
    let previous = word_idx.checked_sub(1).map(|idx| &infos[idx]);
    let previous_2 = word_idx.checked_sub(2).map(|idx| &infos[idx]);
    let next = infos.get(word_idx + 1);
    let next_2 = infos.get(word_idx + 2);
    let lower_or = |info: Option<&WordInfo>, sentinel: u64| info.map_or(sentinel, |info| info.lower);
    let upos_or = |info: Option<&WordInfo>, sentinel: u64| info.map_or(sentinel, |info| info.upos);

    out.push(key(T_BIAS, 0));
    out.push(key(T_LOWER, info.lower));
    out.push(key(T_FORM, info.form));
    out.push(key(T_LOWER_PREVIOUS, lower_or(previous, BEFORE_SENTENCE)));
    out.push(key(T_LOWER_NEXT, lower_or(next, AFTER_SENTENCE)));
    out.push(key(T_LOWER_PREVIOUS_2, lower_or(previous_2, BEFORE_SENTENCE)));
    out.push(key(T_LOWER_NEXT_2, lower_or(next_2, AFTER_SENTENCE)));
    // Affixes are hashed here rather than for every word up front: most
    // words are never scored (see `is_plain`).
    let lower = lowered.get(info.lower_span.clone()).unwrap_or("");
    affix_features(lower, out);
    out.push(key(T_SHAPE, info.shape));
    out.push(key(
        T_SHAPE_PREVIOUS,
        previous.map_or(BEFORE_SENTENCE, |info| info.shape),
    ));
    out.push(key(T_SHAPE_NEXT, next.map_or(AFTER_SENTENCE, |info| info.shape)));
    out.push(key2(T_CASE_SENTENCE_CASE, u64::from(info.case), sentence_case));
    out.push(key(T_UPOS, info.upos));
    out.push(key(T_UPOS_PREVIOUS, upos_or(previous, BEFORE_SENTENCE)));
    out.push(key(T_UPOS_NEXT, upos_or(next, AFTER_SENTENCE)));
    out.push(key(T_XPOS, info.xpos));
    out.push(key2(
        T_UPOS_BIGRAM_LEFT,
        upos_or(previous, BEFORE_SENTENCE),
        info.upos,
    ));
    out.push(key2(
        T_UPOS_BIGRAM_RIGHT,
        info.upos,
        upos_or(next, AFTER_SENTENCE),
    ));
    if word_idx == 0 {
        out.push(key2(T_FIRST_WORD_CASE, u64::from(info.case), info.lower));
    }
    // The run of name-like words the word is in: where the word sits in it,
    // and what surrounds and ends it, so that every word of "Malcolm Smith
    // Motorsports" sees "Motorsports" and every word of "in Tampa Bay" sees "in".
    out.push(key2(
        T_PREVIOUS_WORD_CASE,
        lower_or(previous, BEFORE_SENTENCE),
        u64::from(info.case),
    ));
    out.push(key2(
        T_NEXT_WORD_CASE,
        u64::from(info.case),
        lower_or(next, AFTER_SENTENCE),
    ));
    let run = info.run.clone();
    if !run.is_empty() {
        let before = run.start.checked_sub(1).map(|idx| &infos[idx]);
        let before_2 = run.start.checked_sub(2).map(|idx| &infos[idx]);
        let after = infos.get(run.end);
        out.push(key2(
            T_RUN_POSITION,
            (word_idx - run.start).min(3) as u64,
            (run.end - word_idx - 1).min(3) as u64,
        ));
        out.push(key(T_RUN_BEFORE, lower_or(before, BEFORE_SENTENCE)));
        out.push(key2(
            T_RUN_BEFORE_2,
            lower_or(before_2, BEFORE_SENTENCE),
            lower_or(before, BEFORE_SENTENCE),
        ));
        out.push(key(T_RUN_AFTER, lower_or(after, AFTER_SENTENCE)));
        out.push(key(T_RUN_FIRST, infos[run.start].lower));
        out.push(key(T_RUN_LAST, infos[run.end - 1].lower));
        let mut lists = 0u64;
        for word in &infos[run.clone()] {
            for list_idx in 0..gazetteer::N_LISTS {
                if word.gazetteer_marks & (0b1111 << (list_idx * 4)) != 0 {
                    lists |= 1 << list_idx;
                }
            }
        }
        while lists != 0 {
            let list_idx = u64::from(lists.trailing_zeros());
            lists &= lists - 1;
            out.push(key(T_RUN_LISTS, list_idx));
        }
    }
    out.push(key(T_SENTENCE_CASE, sentence_case));
    out.push(key2(
        T_LOWER_BIGRAM_LEFT,
        lower_or(previous, BEFORE_SENTENCE),
        info.lower,
    ));
    out.push(key2(
        T_LOWER_BIGRAM_RIGHT,
        info.lower,
        lower_or(next, AFTER_SENTENCE),
    ));
    let mut marks = info.gazetteer_marks;
    while marks != 0 {
        let bit = u64::from(marks.trailing_zeros());
        marks &= marks - 1;
        out.push(key(T_GAZETTEER, bit));
        out.push(key2(T_GAZETTEER_CASE, bit, u64::from(info.case)));
    }
    for (template, neighbour) in [(T_GAZETTEER_PREVIOUS, previous), (T_GAZETTEER_NEXT, next)] {
        let Some(neighbour) = neighbour else {
            continue;
        };
        let mut marks = neighbour.gazetteer_marks;
        while marks != 0 {
            let bit = u64::from(marks.trailing_zeros());
            marks &= marks - 1;
            out.push(key(template, bit));
        }
    }
}

/// The features that read the labels already given to the previous two words.
fn history_features(
    infos: &[WordInfo],
    word_idx: usize,
    previous: usize,
    previous_2: usize,
    out: &mut Vec<u64>,
) {
    let info = &infos[word_idx];
    let previous = previous as u64;
    // Whether an open entity should end here depends most on the next word.
    let case_next = infos.get(word_idx + 1).map_or(9, |next| u64::from(next.case));
    out.push(key2(
        T_HISTORY_CASE_NEXT,
        previous,
        mix(u64::from(info.case), case_next),
    ));
    out.push(key(T_HISTORY, previous));
    out.push(key2(T_HISTORY_2, previous, previous_2 as u64));
    out.push(key2(T_HISTORY_LOWER, previous, info.lower));
}

/// The frozen weights laid out for speed: an open-addressing table of 32-bit
/// slots, each a 16-bit fingerprint of a feature key (never 0, which marks an
/// empty slot) beside the index of that feature's dense row of 13 class
/// weights. The slot table is small enough to stay in cache, so the many
/// features a sentence has that the model never kept cost one cached read
/// each; only the features it kept read a row. A key is told apart by its
/// home slot (the low bits) and its fingerprint (16 high bits): an absent
/// feature passes for a kept one about once in 65,536 probes of a full slot.
#[derive(Debug, Clone, PartialEq)]
struct DenseWeights {
    /// `fingerprint << 16 | row index`, or 0 when empty.
    slots: Vec<u32>,
    rows: Vec<[i16; N_CLASSES]>,
    mask: usize,
}

/// At most this many features fit the 16-bit row index of a slot.
const MAX_DENSE_ROWS: usize = 1 << 16;

fn fingerprint_of(key: u64) -> u32 {
    ((key >> 48) as u32) | 1
}

impl DenseWeights {
    /// Lays the weights out; a model with more than [`MAX_DENSE_ROWS`]
    /// features keeps the ones with the largest weights.
    fn build(model: &Frozen) -> DenseWeights {
        let mut kept: Vec<(u64, [i16; N_CLASSES])> = model
            .rows()
            .map(|(key, classes, weights)| {
                let mut row = [0i16; N_CLASSES];
                for (&class, &weight) in classes.iter().zip(weights) {
                    if let Some(cell) = row.get_mut(usize::from(class)) {
                        *cell = weight;
                    }
                }
                (key, row)
            })
            .collect();
        if kept.len() > MAX_DENSE_ROWS {
            let strength =
                |row: &[i16; N_CLASSES]| row.iter().map(|w| i32::from(*w).abs()).max().unwrap_or(0);
            kept.sort_by_key(|(key, row)| (std::cmp::Reverse(strength(row)), *key));
            kept.truncate(MAX_DENSE_ROWS);
            kept.sort_unstable_by_key(|(key, _)| *key);
        }
        let capacity = (kept.len() * 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut slots = vec![0u32; capacity];
        let mut rows = Vec::with_capacity(kept.len());
        for (key, row) in kept {
            let mut slot = (key as usize) & mask;
            while slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            slots[slot] = (fingerprint_of(key) << 16) | rows.len() as u32;
            rows.push(row);
        }
        DenseWeights { slots, rows, mask }
    }

    /// Adds the features' rows into `scores` (in stored units; one scale for
    /// the whole model, so comparing sums needs no conversion).
    #[inline]
    fn add(&self, features: &[u64], scores: &mut [i32; N_CLASSES]) {
        // First every feature's home slot is read with no branch in between,
        // so the cache misses overlap; then the rows are added (or probed on).
        const BATCH: usize = 16;
        for batch in features.chunks(BATCH) {
            let mut homes = [0u32; BATCH];
            for (home, &feature) in homes.iter_mut().zip(batch) {
                *home = self.slots[(feature as usize) & self.mask];
            }
            for (&home, &feature) in homes.iter().zip(batch) {
                if home == 0 {
                    continue;
                }
                let fingerprint = fingerprint_of(feature);
                let mut slot = (feature as usize) & self.mask;
                let mut entry = home;
                loop {
                    if entry >> 16 == fingerprint {
                        let row = &self.rows[(entry & 0xffff) as usize];
                        for (score, &weight) in scores.iter_mut().zip(row) {
                            *score += i32::from(weight);
                        }
                        break;
                    }
                    slot = (slot + 1) & self.mask;
                    entry = self.slots[slot];
                    if entry == 0 {
                        break;
                    }
                }
            }
        }
    }
}

/// Whether a word is one the recogniser labels outside without scoring it: no
/// entity is open, and nothing about the word suggests a name (lower case or
/// no letters, not tagged a proper noun, in no name list).
fn is_plain(info: &WordInfo, previous: usize) -> bool {
    let open = matches!(kind_and_position(previous), Some((_, BEGIN | INSIDE)));
    !open
        && (info.case == Case::Lower as u8 || info.case == Case::NoLetters as u8)
        && !info.is_proper
        && info.gazetteer_marks == 0
        && info.run.is_empty()
}

/// A trained recogniser.
#[derive(Debug, Clone, PartialEq)]
pub struct Recogniser {
    model: Frozen,
    dense: DenseWeights,
    use_gazetteers: bool,
    /// How much lower the outside class scores than the weights say (see
    /// [`RecogniserOptions::entity_bias`]).
    entity_bias: f32,
    /// `entity_bias` in the stored weights' units.
    entity_bias_units: i32,
}

const MAGIC: &[u8; 8] = b"CDBNER2\0";

impl Recogniser {
    /// Trains on sentences with gold entities and the tags to read
    /// (`upos`/`xpos` the length of `forms`; sentences without them are read
    /// as untagged). Deterministic for `options.seed`.
    ///
    /// The shipped weights were trained on UNER English-EWT dev given twice:
    /// first every sentence with the tagger's predicted tags (what the
    /// recogniser reads at run time), then every sentence again with the gold
    /// UD tags. Cross-validation preferred that to either alone.
    pub fn train(sentences: &[NerSentence], options: &RecogniserOptions) -> Recogniser {
        let mut trainer = Trainer::new(N_CLASSES);
        let mut workspace = Workspace::default();
        let mut rng = Rng::new(options.seed);
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        for _ in 0..options.epochs {
            rng.shuffle(&mut order);
            for &sentence_idx in &order {
                let sentence = &sentences[sentence_idx];
                train_sentence(&mut trainer, sentence, options, &mut rng, &mut workspace);
            }
        }
        let model = trainer.freeze(options.min_weight);
        Recogniser::assemble(model, options.use_gazetteers, options.entity_bias)
    }

    fn assemble(model: Frozen, use_gazetteers: bool, entity_bias: f32) -> Recogniser {
        let scale = model.scale();
        let units = if scale > 0.0 && entity_bias.is_finite() {
            (entity_bias / scale).round().clamp(-1.0e9, 1.0e9) as i32
        } else {
            0
        };
        Recogniser {
            dense: DenseWeights::build(&model),
            model,
            use_gazetteers,
            entity_bias,
            entity_bias_units: units,
        }
    }

    /// The same model deciding with another entity bias (to choose one by
    /// cross-validation without retraining).
    pub fn with_entity_bias(&self, entity_bias: f32) -> Recogniser {
        Recogniser::assemble(self.model.clone(), self.use_gazetteers, entity_bias)
    }

    /// The recogniser trained on all of UNER English-EWT dev (with the
    /// tagger's predicted tags), embedded in the binary.
    pub fn embedded() -> &'static Recogniser {
        static EMBEDDED: OnceLock<Recogniser> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Recogniser::from_bytes(include_bytes!("../weights/ner.bin"))
                .expect("the embedded entity weights are written by to_bytes and tested")
        })
    }

    /// How big the model is, for reports: features, stored weights, dense rows.
    pub fn size_summary(&self) -> String {
        format!(
            "{} features, {} weights, {} slots",
            self.model.n_features(),
            self.model.n_weights(),
            self.dense.slots.len()
        )
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(u8::from(self.use_gazetteers));
        out.extend_from_slice(&self.entity_bias.to_le_bytes());
        out.extend_from_slice(&self.model.to_bytes());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Recogniser, FormatError> {
        let Some(rest) = bytes.strip_prefix(MAGIC) else {
            return Err(FormatError(
                "not claimdb entity recogniser weights (bad magic)".into(),
            ));
        };
        let Some((&use_gazetteers, rest)) = rest.split_first() else {
            return Err(FormatError("truncated".into()));
        };
        let Some((bias, rest)) = rest.split_first_chunk::<4>() else {
            return Err(FormatError("truncated".into()));
        };
        let entity_bias = f32::from_le_bytes(*bias);
        let model = Frozen::from_bytes(rest)?;
        if model.n_classes() != N_CLASSES {
            return Err(FormatError(format!(
                "{} classes where the recogniser has {N_CLASSES}",
                model.n_classes()
            )));
        }
        Ok(Recogniser::assemble(model, use_gazetteers != 0, entity_bias))
    }

    /// The entities among a sentence's words, in word order, never
    /// overlapping. `upos` and `xpos` are the tagger's tags of the words
    /// (ignored unless both are as long as `forms`).
    pub fn recognise(&self, forms: &[&str], upos: &[&str], xpos: &[&str], out: &mut Vec<Entity>) {
        out.clear();
        WORKSPACE.with_borrow_mut(|workspace| {
            self.recognise_with(forms, upos, xpos, workspace);
            decode(&workspace.classes, out);
        });
    }

    fn recognise_with(&self, forms: &[&str], upos: &[&str], xpos: &[&str], workspace: &mut Workspace) {
        describe(forms, upos, xpos, self.use_gazetteers, workspace);
        let case = sentence_case(&workspace.infos);
        workspace.classes.clear();
        let mut previous = START;
        let mut previous_2 = START;
        let n_words = forms.len();
        for word_idx in 0..n_words {
            // Most words are plainly outside any entity; labelling them so
            // without scoring changed no decision in cross-validation and
            // makes recognising several times faster.
            if is_plain(&workspace.infos[word_idx], previous) {
                workspace.classes.push(OUTSIDE);
                previous_2 = previous;
                previous = OUTSIDE;
                continue;
            }
            static_features(
                &workspace.infos,
                &workspace.lowered,
                word_idx,
                case,
                &mut workspace.features,
            );
            history_features(
                &workspace.infos,
                word_idx,
                previous,
                previous_2,
                &mut workspace.features,
            );
            let mut scores = [0i32; N_CLASSES];
            self.dense.add(&workspace.features, &mut scores);
            scores[OUTSIDE] = scores[OUTSIDE].saturating_sub(self.entity_bias_units);
            let is_last = word_idx + 1 == n_words;
            // The best allowed class; ties go to the lowest, as in training.
            let mut class = OUTSIDE;
            let mut best = i32::MIN;
            for (candidate, &score) in scores.iter().enumerate() {
                if score > best && allowed(previous, candidate, is_last) {
                    best = score;
                    class = candidate;
                }
            }
            workspace.classes.push(class);
            previous_2 = previous;
            previous = class;
        }
    }
}

thread_local! {
    /// Buffers reused from sentence to sentence, so recognising allocates
    /// nothing once they have grown.
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::new(Workspace::default());
}

fn train_sentence(
    trainer: &mut Trainer,
    sentence: &NerSentence,
    options: &RecogniserOptions,
    rng: &mut Rng,
    workspace: &mut Workspace,
) {
    let forms: Vec<&str> = sentence.forms.iter().map(String::as_str).collect();
    let upos: Vec<&str> = sentence.upos.iter().map(String::as_str).collect();
    let xpos: Vec<&str> = sentence.xpos.iter().map(String::as_str).collect();
    describe(&forms, &upos, &xpos, options.use_gazetteers, workspace);
    let case = sentence_case(&workspace.infos);
    let gold = gold_classes(forms.len(), &sentence.entities);
    let mut previous = START;
    let mut previous_2 = START;
    let dropout_threshold = (options.word_dropout.clamp(0.0, 1.0) * u64::MAX as f64) as u64;
    for (word_idx, &truth) in gold.iter().enumerate() {
        let hidden = dropout_threshold > 0 && rng.next_u64() < dropout_threshold;
        let (lower, form) = (workspace.infos[word_idx].lower, workspace.infos[word_idx].form);
        if hidden {
            workspace.infos[word_idx].lower = HIDDEN_WORD;
            workspace.infos[word_idx].form = HIDDEN_WORD;
        }
        static_features(
            &workspace.infos,
            &workspace.lowered,
            word_idx,
            case,
            &mut workspace.features,
        );
        history_features(
            &workspace.infos,
            word_idx,
            previous,
            previous_2,
            &mut workspace.features,
        );
        let guess = trainer
            .predict(&workspace.features, &mut workspace.scores, |_| true)
            .unwrap_or(OUTSIDE);
        trainer.update(&workspace.features, truth, guess);
        workspace.infos[word_idx].lower = lower;
        workspace.infos[word_idx].form = form;
        previous_2 = previous;
        previous = if options.predicted_history { guess } else { truth };
    }
}

#[cfg(test)]
mod tests;

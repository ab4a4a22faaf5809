//! Evaluation: the CoNLL 2018 shared task's scorer (`conll18_ud_eval.py`,
//! version 1.2) ported exactly, the raw text a system is given in that task's
//! raw-text setting, and the exact-span entity F1 that seqeval and conlleval
//! report.
//!
//! The scorer aligns the system's tokens to the gold tokens by their
//! characters, with whitespace removed, so a system that tokenises differently
//! is still scored on the words it did get right. Words inside multiword tokens
//! are aligned by the longest common subsequence of their lowercased forms
//! within the smallest stretch of text that covers every multiword token it
//! touches (the script's "multiword span"). Every metric after Tokens,
//! Sentences and Words is an F1 over the aligned words: precision over the
//! system's words, recall over the gold words.
//!
//! In-memory sentences are scored as the script scores their CoNLL-U text
//! (`conllu::write`): an empty column counts as `_`, as the writer writes it.

use std::fmt;
use std::ops::Range;

use crate::conllu::Sentence;

/// Precision, recall and F1 of one metric, with the counts they come from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct F1 {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// How many system items were right (for word metrics: aligned and equal).
    pub correct: usize,
    pub gold_total: usize,
    pub system_total: usize,
}

impl F1 {
    /// The scorer's arithmetic: each ratio is 0 when its denominator is 0.
    pub fn from_counts(correct: usize, gold_total: usize, system_total: usize) -> F1 {
        let ratio = |numerator: usize, denominator: usize| {
            if denominator == 0 {
                0.0
            } else {
                numerator as f64 / denominator as f64
            }
        };
        F1 {
            precision: ratio(correct, system_total),
            recall: ratio(correct, gold_total),
            f1: ratio(2 * correct, system_total + gold_total),
            correct,
            gold_total,
            system_total,
        }
    }
}

/// Every metric of the CoNLL 2018 shared task, named as the script names them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    pub tokens: F1,
    pub sentences: F1,
    pub words: F1,
    pub upos: F1,
    pub xpos: F1,
    /// Universal features only, as the script compares them.
    pub ufeats: F1,
    /// UPOS, XPOS and universal features all right.
    pub all_tags: F1,
    /// A gold lemma of `_` accepts any system lemma.
    pub lemmas: F1,
    pub uas: F1,
    /// Head and the universal part of the relation (before any `:`).
    pub las: F1,
    /// LAS over content words (the script's CONTENT_DEPRELS) only.
    pub clas: F1,
    /// CLAS that also needs UPOS, universal features and the function-word
    /// children (their relation, UPOS and features) right.
    pub mlas: F1,
    /// CLAS that also needs the lemma right.
    pub blex: F1,
}

/// Why two treebanks cannot be scored: the errors the script raises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// Gold and system tokens do not spell the same text (whitespace aside).
    TextDiffers { gold: String, system: String },
    /// A token's form is empty once its whitespace is removed.
    EmptyForm { side: Side, sentence: usize },
    /// A head beyond the sentence's last word.
    HeadOutside { side: Side, sentence: usize, head: u32 },
    /// The heads of a sentence form a cycle.
    Cycle { side: Side, sentence: usize },
    /// A sentence without exactly one word whose head is 0.
    Roots {
        side: Side,
        sentence: usize,
        n_roots: usize,
    },
}

/// Which of the two treebanks an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Gold,
    System,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Gold => "gold",
            Side::System => "system",
        })
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::TextDiffers { gold, system } => write!(
                f,
                "the concatenation of tokens in gold file and in system file differ: \
                 first 20 differing characters in gold file: {gold:?} and system file: {system:?}"
            ),
            EvalError::EmptyForm { side, sentence } => {
                write!(f, "there is an empty form in {side} sentence {sentence}")
            }
            EvalError::HeadOutside { side, sentence, head } => {
                write!(f, "head {head} points outside of {side} sentence {sentence}")
            }
            EvalError::Cycle { side, sentence } => {
                write!(f, "there is a cycle in {side} sentence {sentence}")
            }
            EvalError::Roots {
                side,
                sentence,
                n_roots,
            } => write!(f, "there are {n_roots} roots in {side} sentence {sentence}"),
        }
    }
}

impl std::error::Error for EvalError {}

/// The relations whose dependents count as content words (CLAS, MLAS, BLEX).
const CONTENT_DEPRELS: &[&str] = &[
    "nsubj",
    "obj",
    "iobj",
    "csubj",
    "ccomp",
    "xcomp",
    "obl",
    "vocative",
    "expl",
    "dislocated",
    "advcl",
    "advmod",
    "discourse",
    "nmod",
    "appos",
    "nummod",
    "acl",
    "amod",
    "conj",
    "fixed",
    "flat",
    "compound",
    "list",
    "parataxis",
    "orphan",
    "goeswith",
    "reparandum",
    "root",
    "dep",
];

/// The relations of function words, which MLAS checks as children of their head.
const FUNCTIONAL_DEPRELS: &[&str] = &["aux", "cop", "mark", "det", "clf", "case", "cc"];

/// The features the script keeps; language-specific ones (e.g. `ExtPos`,
/// `Style`) are not compared.
const UNIVERSAL_FEATURES: &[&str] = &[
    "PronType", "NumType", "Poss", "Reflex", "Foreign", "Abbr", "Gender", "Animacy", "Number", "Case",
    "Definite", "Degree", "VerbForm", "Mood", "Tense", "Aspect", "Voice", "Evident", "Polarity", "Person",
    "Polite",
];

/// A stretch of [`Treebank::characters`] as byte offsets. Byte offsets order
/// and compare exactly as the script's character offsets do, since both
/// count along the same string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// One word as the script holds it.
struct EvalWord<'a> {
    /// The word's token's span (for words of a multiword token, the whole token's).
    span: Span,
    is_multiword: bool,
    /// The form, lowercased, as the LCS alignment compares it.
    lowercase_form: String,
    lemma: &'a str,
    upos: &'a str,
    xpos: &'a str,
    /// The universal features, sorted and joined by `|` (`_` becomes empty).
    universal_feats: String,
    /// The relation before any `:`.
    universal_deprel: &'a str,
    /// The head as an index into [`Treebank::words`], `None` for the root.
    parent: Option<usize>,
    /// Function-word dependents, in word order, as indices into the words.
    functional_children: Vec<usize>,
    is_content_deprel: bool,
    is_functional_deprel: bool,
}

/// A whole file as the script loads it.
struct Treebank<'a> {
    /// The forms of all tokens, concatenated, with whitespace (Zs) removed.
    characters: String,
    tokens: Vec<Span>,
    sentences: Vec<Span>,
    words: Vec<EvalWord<'a>>,
}

/// An empty column is written as `_`, so it is scored as `_`.
fn column(value: &str) -> &str {
    if value.is_empty() { "_" } else { value }
}

/// Unicode general category Zs (space separators), which the script removes
/// from token forms; the set has not changed since Unicode 4.0.
fn is_space_separator(character: char) -> bool {
    matches!(
        character,
        '\u{0020}' | '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

fn universal_feats(feats: &str) -> String {
    let mut kept: Vec<&str> = feats
        .split('|')
        .filter(|feature| {
            let name = feature.split_once('=').map_or(*feature, |(name, _)| name);
            UNIVERSAL_FEATURES.contains(&name)
        })
        .collect();
    kept.sort_unstable();
    kept.join("|")
}

fn universal_deprel(deprel: &str) -> &str {
    deprel.split(':').next().unwrap_or(deprel)
}

/// A surface token of a sentence: a word, or a multiword token and its words.
struct TokenOfSentence<'a> {
    form: &'a str,
    misc: &'a str,
    words: Range<usize>,
    is_multiword: bool,
}

/// The tokens in the order the writer writes them: a multiword token's line
/// comes before its first word, and its words follow it.
fn tokens_of(sentence: &Sentence) -> Vec<TokenOfSentence<'_>> {
    let mut tokens = Vec::with_capacity(sentence.words.len());
    let mut next_word = 0usize;
    let mut ranges = sentence.multiword_tokens.iter().peekable();
    while next_word < sentence.words.len() {
        match ranges.peek() {
            Some(range) if range.first as usize == next_word + 1 => {
                let last = (range.last as usize).clamp(next_word + 1, sentence.words.len());
                tokens.push(TokenOfSentence {
                    form: column(&range.form),
                    misc: &range.misc,
                    words: next_word..last,
                    is_multiword: true,
                });
                next_word = last;
                ranges.next();
            }
            Some(range) if (range.first as usize) <= next_word => {
                ranges.next();
            }
            _ => {
                let word = &sentence.words[next_word];
                tokens.push(TokenOfSentence {
                    form: column(&word.form),
                    misc: &word.misc,
                    words: next_word..next_word + 1,
                    is_multiword: false,
                });
                next_word += 1;
            }
        }
    }
    tokens
}

fn load<'a>(sentences: &'a [Sentence], side: Side) -> Result<Treebank<'a>, EvalError> {
    let mut treebank = Treebank {
        characters: String::new(),
        tokens: Vec::new(),
        sentences: Vec::with_capacity(sentences.len()),
        words: Vec::new(),
    };
    for (sentence_idx, sentence) in sentences.iter().enumerate() {
        let sentence_number = sentence_idx + 1;
        let sentence_start_char = treebank.characters.len();
        let first_word = treebank.words.len();
        for token in tokens_of(sentence) {
            let token_start = treebank.characters.len();
            treebank.characters.extend(
                token
                    .form
                    .chars()
                    .filter(|&character| !is_space_separator(character)),
            );
            if treebank.characters.len() == token_start {
                return Err(EvalError::EmptyForm {
                    side,
                    sentence: sentence_number,
                });
            }
            let span = Span {
                start: token_start,
                end: treebank.characters.len(),
            };
            treebank.tokens.push(span);
            for word in &sentence.words[token.words.clone()] {
                // The script strips whitespace from token lines only: the
                // words inside a multiword token keep their forms as written.
                let lowercase_form = if token.is_multiword {
                    column(&word.form).to_lowercase()
                } else {
                    treebank.characters[span.start..span.end].to_lowercase()
                };
                let deprel = universal_deprel(column(&word.deprel));
                treebank.words.push(EvalWord {
                    span,
                    is_multiword: token.is_multiword,
                    lowercase_form,
                    lemma: column(&word.lemma),
                    upos: column(&word.upos),
                    xpos: column(&word.xpos),
                    universal_feats: universal_feats(column(&word.feats)),
                    universal_deprel: deprel,
                    parent: None,
                    functional_children: Vec::new(),
                    is_content_deprel: CONTENT_DEPRELS.contains(&deprel),
                    is_functional_deprel: FUNCTIONAL_DEPRELS.contains(&deprel),
                });
            }
        }
        link_heads(sentence, first_word, &mut treebank.words, side, sentence_number)?;
        treebank.sentences.push(Span {
            start: sentence_start_char,
            end: treebank.characters.len(),
        });
    }
    Ok(treebank)
}

/// Resolves the heads of one sentence's words, failing on what the script
/// fails on: a head outside the sentence, a cycle, not exactly one root.
fn link_heads(
    sentence: &Sentence,
    first_word: usize,
    words: &mut [EvalWord<'_>],
    side: Side,
    sentence_number: usize,
) -> Result<(), EvalError> {
    const UNVISITED: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let heads: Vec<u32> = sentence.words.iter().map(|word| word.head).collect();
    let n_words = heads.len();
    let mut state = vec![UNVISITED; n_words];
    let mut path = Vec::new();
    // The script visits words in order and follows each one's heads upwards,
    // so the first problem met along that walk is the one reported.
    for start in 0..n_words {
        path.clear();
        let mut current = start;
        loop {
            match state[current] {
                ON_PATH => {
                    return Err(EvalError::Cycle {
                        side,
                        sentence: sentence_number,
                    });
                }
                DONE => break,
                _ => {}
            }
            let head = heads[current] as usize;
            if head > n_words {
                return Err(EvalError::HeadOutside {
                    side,
                    sentence: sentence_number,
                    head: heads[current],
                });
            }
            if head == 0 {
                state[current] = DONE;
                break;
            }
            state[current] = ON_PATH;
            path.push(current);
            current = head - 1;
        }
        for &visited in &path {
            state[visited] = DONE;
        }
    }
    for (word_idx, &head) in heads.iter().enumerate() {
        if head != 0 {
            let parent = first_word + head as usize - 1;
            words[first_word + word_idx].parent = Some(parent);
            if words[first_word + word_idx].is_functional_deprel {
                words[parent].functional_children.push(first_word + word_idx);
            }
        }
    }
    let n_roots = heads.iter().filter(|&&head| head == 0).count();
    if n_roots != 1 {
        return Err(EvalError::Roots {
            side,
            sentence: sentence_number,
            n_roots,
        });
    }
    Ok(())
}

/// The script's `spans_score`: spans are right when both ends match.
fn spans_score(gold: &[Span], system: &[Span]) -> F1 {
    let (mut correct, mut gold_idx, mut system_idx) = (0, 0, 0);
    while gold_idx < gold.len() && system_idx < system.len() {
        if system[system_idx].start < gold[gold_idx].start {
            system_idx += 1;
        } else if gold[gold_idx].start < system[system_idx].start {
            gold_idx += 1;
        } else {
            correct += usize::from(gold[gold_idx].end == system[system_idx].end);
            system_idx += 1;
            gold_idx += 1;
        }
    }
    F1::from_counts(correct, gold.len(), system.len())
}

/// Aligned pairs (gold word, system word), and for each system word its gold word.
struct Alignment {
    pairs: Vec<(usize, usize)>,
    gold_of_system: Vec<Option<usize>>,
}

impl Alignment {
    fn push(&mut self, gold_idx: usize, system_idx: usize) {
        self.pairs.push((gold_idx, system_idx));
        self.gold_of_system[system_idx] = Some(gold_idx);
    }
}

fn beyond_end(words: &[EvalWord<'_>], idx: usize, multiword_span_end: usize) -> bool {
    match words.get(idx) {
        None => true,
        Some(word) if word.is_multiword => word.span.start >= multiword_span_end,
        Some(word) => word.span.end > multiword_span_end,
    }
}

fn extend_end(word: &EvalWord<'_>, multiword_span_end: usize) -> usize {
    if word.is_multiword && word.span.end > multiword_span_end {
        word.span.end
    } else {
        multiword_span_end
    }
}

/// The smallest stretch around the multiword token at `gold_idx` or
/// `system_idx` that no multiword token sticks out of: returns the first and
/// one-past-last words of it on both sides.
fn find_multiword_span(
    gold: &[EvalWord<'_>],
    system: &[EvalWord<'_>],
    mut gold_idx: usize,
    mut system_idx: usize,
) -> (usize, usize, usize, usize) {
    let mut multiword_span_end;
    if gold[gold_idx].is_multiword {
        multiword_span_end = gold[gold_idx].span.end;
        if !system[system_idx].is_multiword && system[system_idx].span.start < gold[gold_idx].span.start {
            system_idx += 1;
        }
    } else {
        multiword_span_end = system[system_idx].span.end;
        if !gold[gold_idx].is_multiword && gold[gold_idx].span.start < system[system_idx].span.start {
            gold_idx += 1;
        }
    }
    let (gold_start, system_start) = (gold_idx, system_idx);
    while !beyond_end(gold, gold_idx, multiword_span_end)
        || !beyond_end(system, system_idx, multiword_span_end)
    {
        let take_gold = gold_idx < gold.len()
            && (system_idx >= system.len() || gold[gold_idx].span.start <= system[system_idx].span.start);
        if take_gold {
            multiword_span_end = extend_end(&gold[gold_idx], multiword_span_end);
            gold_idx += 1;
        } else {
            multiword_span_end = extend_end(&system[system_idx], multiword_span_end);
            system_idx += 1;
        }
    }
    (gold_start, system_start, gold_idx, system_idx)
}

/// Aligns the words inside one multiword span by the LCS of their lowercased
/// forms, walking the table from the front as the script does.
fn align_by_lcs(
    gold: &[EvalWord<'_>],
    system: &[EvalWord<'_>],
    gold_offset: usize,
    system_offset: usize,
    alignment: &mut Alignment,
) {
    let (n_gold, n_system) = (gold.len(), system.len());
    let width = n_system + 1;
    // One extra row and column of zeros stand for the script's bounds checks.
    let mut lcs = vec![0u32; (n_gold + 1) * width];
    for g in (0..n_gold).rev() {
        for s in (0..n_system).rev() {
            let mut best = 0;
            if gold[g].lowercase_form == system[s].lowercase_form {
                best = 1 + lcs[(g + 1) * width + s + 1];
            }
            best = best.max(lcs[(g + 1) * width + s]);
            best = best.max(lcs[g * width + s + 1]);
            lcs[g * width + s] = best;
        }
    }
    let (mut g, mut s) = (0, 0);
    while g < n_gold && s < n_system {
        if gold[g].lowercase_form == system[s].lowercase_form {
            alignment.push(gold_offset + g, system_offset + s);
            g += 1;
            s += 1;
        } else if lcs[g * width + s] == lcs[(g + 1) * width + s] {
            g += 1;
        } else {
            s += 1;
        }
    }
}

fn align_words(gold: &[EvalWord<'_>], system: &[EvalWord<'_>]) -> Alignment {
    let mut alignment = Alignment {
        pairs: Vec::new(),
        gold_of_system: vec![None; system.len()],
    };
    let (mut gold_idx, mut system_idx) = (0, 0);
    while gold_idx < gold.len() && system_idx < system.len() {
        if gold[gold_idx].is_multiword || system[system_idx].is_multiword {
            let (gold_start, system_start, gold_end, system_end) =
                find_multiword_span(gold, system, gold_idx, system_idx);
            gold_idx = gold_end;
            system_idx = system_end;
            if system_end > system_start && gold_end > gold_start {
                align_by_lcs(
                    &gold[gold_start..gold_end],
                    &system[system_start..system_end],
                    gold_start,
                    system_start,
                    &mut alignment,
                );
            }
        } else if gold[gold_idx].span == system[system_idx].span {
            alignment.push(gold_idx, system_idx);
            gold_idx += 1;
            system_idx += 1;
        } else if gold[gold_idx].span.start <= system[system_idx].span.start {
            gold_idx += 1;
        } else {
            system_idx += 1;
        }
    }
    alignment
}

/// A head as the script compares it: the gold word it is (or is aligned to),
/// the root, or a system word aligned to nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    Root,
    Word(usize),
    NotAligned,
}

struct Scorer<'t, 'a> {
    gold: &'t Treebank<'a>,
    system: &'t Treebank<'a>,
    alignment: Alignment,
}

impl Scorer<'_, '_> {
    fn gold_head(&self, gold_idx: usize) -> Head {
        self.gold.words[gold_idx].parent.map_or(Head::Root, Head::Word)
    }

    fn system_head(&self, system_idx: usize) -> Head {
        self.system.words[system_idx]
            .parent
            .map_or(Head::Root, |parent| self.aligned_gold(parent))
    }

    fn aligned_gold(&self, system_idx: usize) -> Head {
        self.alignment.gold_of_system[system_idx].map_or(Head::NotAligned, Head::Word)
    }

    /// The script's `alignment_score`: `correct` decides each aligned pair,
    /// `filter` (applied to the gold word of a pair) restricts the words counted.
    fn score(&self, filter: impl Fn(&EvalWord<'_>) -> bool, correct: impl Fn(usize, usize) -> bool) -> F1 {
        let gold_total = self.gold.words.iter().filter(|word| filter(word)).count();
        let system_total = self.system.words.iter().filter(|word| filter(word)).count();
        let n_correct = self
            .alignment
            .pairs
            .iter()
            .filter(|&&(gold_idx, system_idx)| {
                filter(&self.gold.words[gold_idx]) && correct(gold_idx, system_idx)
            })
            .count();
        F1::from_counts(n_correct, gold_total, system_total)
    }

    fn lemma_right(&self, gold_idx: usize, system_idx: usize) -> bool {
        let gold_lemma = self.gold.words[gold_idx].lemma;
        gold_lemma == "_" || gold_lemma == self.system.words[system_idx].lemma
    }

    fn labelled_head_right(&self, gold_idx: usize, system_idx: usize) -> bool {
        self.gold_head(gold_idx) == self.system_head(system_idx)
            && self.gold.words[gold_idx].universal_deprel == self.system.words[system_idx].universal_deprel
    }

    fn morphology_right(&self, gold_idx: usize, system_idx: usize) -> bool {
        let (gold_word, system_word) = (&self.gold.words[gold_idx], &self.system.words[system_idx]);
        gold_word.upos == system_word.upos && gold_word.universal_feats == system_word.universal_feats
    }

    /// MLAS's extra condition: the same function-word children, in order,
    /// each aligned and with the same relation, UPOS and features.
    fn functional_children_right(&self, gold_idx: usize, system_idx: usize) -> bool {
        let gold_children = &self.gold.words[gold_idx].functional_children;
        let system_children = &self.system.words[system_idx].functional_children;
        gold_children.len() == system_children.len()
            && gold_children
                .iter()
                .zip(system_children)
                .all(|(&gold_child, &system_child)| {
                    self.aligned_gold(system_child) == Head::Word(gold_child)
                        && self.gold.words[gold_child].universal_deprel
                            == self.system.words[system_child].universal_deprel
                        && self.morphology_right(gold_child, system_child)
                })
    }
}

/// Scores a system's analysis of the gold text exactly as the CoNLL 2018
/// shared task's `conll18_ud_eval.py` scores the two files.
pub fn evaluate(gold: &[Sentence], system: &[Sentence]) -> Result<Scores, EvalError> {
    let gold_treebank = load(gold, Side::Gold)?;
    let system_treebank = load(system, Side::System)?;
    if gold_treebank.characters != system_treebank.characters {
        let common = gold_treebank
            .characters
            .chars()
            .zip(system_treebank.characters.chars())
            .take_while(|(gold_char, system_char)| gold_char == system_char)
            .map(|(gold_char, _)| gold_char.len_utf8())
            .sum::<usize>();
        let next_twenty = |text: &str| text[common..].chars().take(20).collect::<String>();
        return Err(EvalError::TextDiffers {
            gold: next_twenty(&gold_treebank.characters),
            system: next_twenty(&system_treebank.characters),
        });
    }
    let alignment = align_words(&gold_treebank.words, &system_treebank.words);
    let scorer = Scorer {
        gold: &gold_treebank,
        system: &system_treebank,
        alignment,
    };
    let all = |_: &EvalWord<'_>| true;
    let content = |word: &EvalWord<'_>| word.is_content_deprel;
    let pair = |gold_idx: usize, system_idx: usize| {
        (&gold_treebank.words[gold_idx], &system_treebank.words[system_idx])
    };
    Ok(Scores {
        tokens: spans_score(&gold_treebank.tokens, &system_treebank.tokens),
        sentences: spans_score(&gold_treebank.sentences, &system_treebank.sentences),
        words: scorer.score(all, |_, _| true),
        upos: scorer.score(all, |g, s| pair(g, s).0.upos == pair(g, s).1.upos),
        xpos: scorer.score(all, |g, s| pair(g, s).0.xpos == pair(g, s).1.xpos),
        ufeats: scorer.score(all, |g, s| {
            pair(g, s).0.universal_feats == pair(g, s).1.universal_feats
        }),
        all_tags: scorer.score(all, |g, s| {
            scorer.morphology_right(g, s) && pair(g, s).0.xpos == pair(g, s).1.xpos
        }),
        lemmas: scorer.score(all, |g, s| scorer.lemma_right(g, s)),
        uas: scorer.score(all, |g, s| scorer.gold_head(g) == scorer.system_head(s)),
        las: scorer.score(all, |g, s| scorer.labelled_head_right(g, s)),
        clas: scorer.score(content, |g, s| scorer.labelled_head_right(g, s)),
        mlas: scorer.score(content, |g, s| {
            scorer.labelled_head_right(g, s)
                && scorer.morphology_right(g, s)
                && scorer.functional_children_right(g, s)
        }),
        blex: scorer.score(content, |g, s| {
            scorer.labelled_head_right(g, s) && scorer.lemma_right(g, s)
        }),
    })
}

/// Lines of raw text are wrapped after at most this many characters, as
/// the UD tools' `conllu_to_text.pl` wraps them.
const LINE_LIMIT: usize = 80;

/// The raw text a system reads in the CoNLL 2018 raw-text setting: what the
/// UD tools' `conllu_to_text.pl` (which made the task's input files) prints.
///
/// Each sentence is the concatenation of its tokens' forms, with a space
/// after each token unless its MISC says `SpaceAfter=No` (in a valid
/// treebank that is its `# text` plus one space); sentences follow each other
/// in a paragraph; an empty line starts each new document (`# newdoc`) and
/// paragraph (`# newpar`, or `NewPar=Yes` on a token inside a sentence); and
/// lines are wrapped at the last whitespace before 81 characters.
pub fn raw_text(gold: &[Sentence]) -> String {
    let mut out = String::new();
    let mut buffer = String::new();
    let mut at_start = true;
    for sentence in gold {
        let mut new_document = sentence
            .comments
            .iter()
            .any(|comment| is_marker(comment, "newdoc"));
        let mut new_paragraph = sentence
            .comments
            .iter()
            .any(|comment| is_marker(comment, "newpar"));
        let mut sentence_text = String::new();
        let mut no_space_now = false;
        for token in tokens_of(sentence) {
            let misc_items = || token.misc.split('|');
            if misc_items().any(|item| item == "NewPar=Yes") {
                new_paragraph_if_needed(&mut out, &mut buffer, at_start, new_document || new_paragraph);
                buffer.push_str(&sentence_text);
                wrap_lines(&mut out, &mut buffer, false);
                out.push_str(&buffer);
                out.push_str("\n\n");
                buffer.clear();
                at_start = false;
                new_document = false;
                new_paragraph = false;
                sentence_text.clear();
            }
            sentence_text.push_str(token.form);
            no_space_now = misc_items().any(|item| item == "SpaceAfter=No");
            if !no_space_now {
                sentence_text.push(' ');
            }
        }
        new_paragraph_if_needed(&mut out, &mut buffer, at_start, new_document || new_paragraph);
        buffer.push_str(&sentence_text);
        wrap_lines(&mut out, &mut buffer, no_space_now);
        at_start = false;
    }
    if !buffer.is_empty() {
        out.push_str(&buffer);
        out.push('\n');
    }
    out
}

/// Whether a comment is `newdoc`/`newpar` (with or without an id), in any case.
fn is_marker(comment: &str, marker: &str) -> bool {
    let Some(head) = comment.get(..marker.len()) else {
        return false;
    };
    head.eq_ignore_ascii_case(marker)
        && comment[marker.len()..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

/// Ends the buffered line and adds an empty one before a new document or
/// paragraph (never before the first).
fn new_paragraph_if_needed(out: &mut String, buffer: &mut String, at_start: bool, new_block: bool) {
    if !at_start && new_block {
        if !buffer.is_empty() {
            out.push_str(buffer);
            out.push('\n');
            buffer.clear();
        }
        out.push('\n');
    }
}

/// Moves every complete line out of the buffer: a line ends at the last
/// whitespace within the first 81 characters (or the first one after, for a
/// longer word), and that whitespace becomes the line break.
fn wrap_lines(out: &mut String, buffer: &mut String, no_space_now: bool) {
    if buffer.chars().count() < LINE_LIMIT {
        return;
    }
    let mut characters: Vec<char> = buffer.chars().collect();
    while characters.len() >= LINE_LIMIT {
        let mut last_space = None;
        for (char_idx, character) in characters.iter().enumerate() {
            if char_idx > LINE_LIMIT && last_space.is_some() {
                break;
            }
            if character.is_whitespace() {
                last_space = Some(char_idx);
            }
        }
        match last_space {
            Some(space_idx) if space_idx > 0 => {
                out.extend(&characters[..space_idx]);
                out.push('\n');
                characters.drain(..=space_idx);
            }
            _ => {
                // One string longer than a line: printed whole, unless the
                // next sentence goes on gluing to it (no space after it).
                if no_space_now {
                    break;
                }
                out.extend(&characters);
                out.push('\n');
                characters.clear();
            }
        }
    }
    *buffer = characters.into_iter().collect();
}

/// Exact-span entity F1, micro-averaged over all entities, as seqeval (and
/// conlleval) count it: an entity is right when a gold entity of the same
/// sentence has the same words and the same type. Each sentence is the list of
/// its entities as (word range, type); a sentence missing on one side counts as
/// having none, and an entity listed twice counts once.
pub fn entity_f1(gold: &[Vec<(Range<usize>, &str)>], system: &[Vec<(Range<usize>, &str)>]) -> F1 {
    let (mut correct, mut gold_total, mut system_total) = (0, 0, 0);
    let n_sentences = gold.len().max(system.len());
    for sentence_idx in 0..n_sentences {
        let gold_keys = unique_entities(gold.get(sentence_idx).map_or(&[], Vec::as_slice));
        let system_keys = unique_entities(system.get(sentence_idx).map_or(&[], Vec::as_slice));
        gold_total += gold_keys.len();
        system_total += system_keys.len();
        correct += system_keys
            .iter()
            .filter(|key| gold_keys.binary_search(key).is_ok())
            .count();
    }
    F1::from_counts(correct, gold_total, system_total)
}

/// A sentence's entities as sorted, distinct (start, end, type) keys.
fn unique_entities<'a>(entities: &[(Range<usize>, &'a str)]) -> Vec<(usize, usize, &'a str)> {
    let mut keys: Vec<(usize, usize, &str)> = entities
        .iter()
        .map(|(words, kind)| (words.start, words.end, *kind))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests;

//! The sentence splitter: a whole text in, sentence spans out. The text is
//! tokenised, and a small averaged perceptron decides, at each gap between
//! tokens where a sentence could end (after final punctuation, before a
//! capital or a quote, at a line break), whether one does.
//!
//! Trained on the raw text of UD English EWT train, laid out the way the
//! CoNLL 2018 shared task gave it to systems (sentences joined by a space,
//! paragraphs apart by an empty line, lines wrapped at 80 columns).

use std::ops::Range;
use std::sync::OnceLock;

use crate::conllu;
use crate::perceptron::{FormatError, Frozen, Rng, Trainer, key, key2, mix};
use crate::tokenise::{Lexicon, Tokenised, tokenise_into};

/// The trained boundary classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceSplitter {
    model: Frozen,
}

/// How to train a [`SentenceSplitter`].
#[derive(Debug, Clone, PartialEq)]
pub struct SplitterOptions {
    pub seed: u64,
    pub epochs: usize,
    /// Averaged weights smaller than this are dropped when freezing.
    pub min_weight: f32,
}

impl Default for SplitterOptions {
    fn default() -> SplitterOptions {
        SplitterOptions {
            seed: 11,
            epochs: 6,
            min_weight: 1.0,
        }
    }
}

/// A text to train on and where its sentences are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrainingText {
    pub text: String,
    pub sentences: Vec<Range<usize>>,
}

/// The raw texts of a treebank's documents with their sentence spans, laid
/// out exactly as the CoNLL 2018 shared task gave systems their input
/// ([`crate::eval::raw_text`]: paragraphs apart by an empty line, lines
/// wrapped at 80 columns), so that a line break inside a paragraph is learned
/// as the space it is and an empty line as the break it is. A document starts
/// at `# newdoc`.
pub fn training_texts(sentences: &[conllu::Sentence]) -> Vec<TrainingText> {
    let mut documents: Vec<&[conllu::Sentence]> = Vec::new();
    let mut first = 0;
    for (idx, sentence) in sentences.iter().enumerate() {
        if idx > first && sentence.starts_document() {
            documents.push(&sentences[first..idx]);
            first = idx;
        }
    }
    if first < sentences.len() {
        documents.push(&sentences[first..]);
    }
    documents.into_iter().filter_map(document_text).collect()
}

/// One document's raw text, its sentences found in it by their non-space
/// characters; `None` if they cannot be found (a form the layout changed).
fn document_text(sentences: &[conllu::Sentence]) -> Option<TrainingText> {
    let text = crate::eval::raw_text(sentences);
    let mut chars = text.char_indices().filter(|(_, c)| !c.is_whitespace()).peekable();
    let mut spans = Vec::with_capacity(sentences.len());
    for sentence in sentences {
        let mut span: Option<Range<usize>> = None;
        for token in sentence.tokens() {
            for expected in token.form.chars().filter(|c| !c.is_whitespace()) {
                let (at, found) = chars.next()?;
                if found != expected {
                    return None;
                }
                let end = at + found.len_utf8();
                span = Some(span.map_or(at..end, |span| span.start..end));
            }
        }
        spans.extend(span);
    }
    Some(TrainingText {
        text,
        sentences: spans,
    })
}

/// The sentence spans of a text, with the embedded models.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut tokens = Tokenised::default();
    let mut out = Vec::new();
    split_sentences_with(
        embedded_splitter(),
        Lexicon::embedded(),
        text,
        &mut tokens,
        &mut out,
    );
    out
}

/// The embedded splitter, trained on UD English EWT 2.16 train.
pub fn embedded_splitter() -> &'static SentenceSplitter {
    SentenceSplitter::embedded()
}

/// Like [`split_sentences`] with given models, reusing `tokens` as scratch
/// and appending the spans to `out`.
pub fn split_sentences_with(
    splitter: &SentenceSplitter,
    lexicon: &Lexicon,
    text: &str,
    tokens: &mut Tokenised,
    out: &mut Vec<Range<usize>>,
) {
    tokens.clear();
    tokenise_into(lexicon, text, 0..text.len(), tokens);
    let mut ends = Vec::new();
    sentence_ends(splitter, lexicon, text, tokens, &mut ends);
    let mut sentence_start = 0usize;
    for &end in &ends {
        out.push(tokens.tokens[sentence_start].span.start..tokens.tokens[end].span.end);
        sentence_start = end + 1;
    }
}

/// One sentence of a text: its span, and its tokens as a range of
/// [`Tokenised::tokens`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceTokens {
    pub span: Range<usize>,
    pub tokens: Range<usize>,
}

/// Splits a whole text into sentences and tokenises them in one pass, with
/// the embedded models: the same sentences as [`split_sentences`] and the
/// same tokens as [`crate::tokenise::tokenise`] over each sentence, without
/// tokenising the text twice. `tokens` and `sentences` are cleared first.
pub fn split_and_tokenise(text: &str, tokens: &mut Tokenised, sentences: &mut Vec<SentenceTokens>) {
    split_and_tokenise_with(embedded_splitter(), Lexicon::embedded(), text, tokens, sentences);
}

/// [`split_and_tokenise`] with given models.
pub fn split_and_tokenise_with(
    splitter: &SentenceSplitter,
    lexicon: &Lexicon,
    text: &str,
    tokens: &mut Tokenised,
    sentences: &mut Vec<SentenceTokens>,
) {
    tokens.clear();
    sentences.clear();
    let mut whole = Tokenised::default();
    tokenise_into(lexicon, text, 0..text.len(), &mut whole);
    let mut ends = Vec::new();
    sentence_ends(splitter, lexicon, text, &whole, &mut ends);
    let mut first = 0usize;
    for &last in &ends {
        let span = whole.tokens[first].span.start..whole.tokens[last].span.end;
        let first_token = tokens.tokens.len();
        // A sentence tokenised alone differs from its part of the whole text
        // only where its last token keeps an abbreviation's period, or where
        // it starts or ends inside a chunk ("it.Then"): tokenise those again.
        let last_form = &text[whole.tokens[last].span.clone()];
        let glued_before = first > 0 && whole.tokens[first - 1].span.end == span.start;
        let glued_after = whole
            .tokens
            .get(last + 1)
            .is_some_and(|next| next.span.start == span.end);
        if (last_form.len() > 1 && last_form.ends_with('.')) || glued_before || glued_after {
            tokenise_into(lexicon, text, span.clone(), tokens);
        } else {
            for token in &whole.tokens[first..=last] {
                let first_word = tokens.words.len();
                tokens.words.extend_from_slice(&whole.words[token.words.clone()]);
                tokens.tokens.push(crate::tokenise::Token {
                    span: token.span.clone(),
                    words: first_word..tokens.words.len(),
                });
            }
        }
        sentences.push(SentenceTokens {
            span,
            tokens: first_token..tokens.tokens.len(),
        });
        first = last + 1;
    }
}

/// The indices of the tokens after which a sentence ends (the last token
/// always ends one).
fn sentence_ends(
    splitter: &SentenceSplitter,
    lexicon: &Lexicon,
    text: &str,
    tokens: &Tokenised,
    ends: &mut Vec<usize>,
) {
    let spans: Vec<Range<usize>> = tokens.tokens.iter().map(|token| token.span.clone()).collect();
    let mut features = Vec::with_capacity(32);
    let mut scores = Vec::with_capacity(2);
    let mut state = State::default();
    let mut hashes = TokenHashes::default();
    hashes.reset(spans.len());
    for idx in 0..spans.len() {
        state.observe(text, &spans[idx]);
        let is_last = idx + 1 == spans.len();
        let boundary = is_last || {
            if candidate(text, &spans, idx) {
                features.clear();
                boundary_features(lexicon, text, &spans, idx, &state, &mut hashes, &mut features);
                splitter.model.score(&features, &mut scores);
                scores.get(1).copied().unwrap_or(0.0) > scores.first().copied().unwrap_or(0.0)
            } else {
                false
            }
        };
        if boundary {
            ends.push(idx);
            state = State::default();
        }
    }
}

/// What the splitter remembers about the sentence so far.
#[derive(Debug, Clone, Copy, Default)]
struct State {
    n_tokens: u32,
    n_double_quotes: u32,
    n_open_brackets: i32,
}

impl State {
    fn observe(&mut self, text: &str, span: &Range<usize>) {
        self.n_tokens += 1;
        match &text[span.clone()] {
            "\"" => self.n_double_quotes += 1,
            "(" | "[" => self.n_open_brackets += 1,
            ")" | "]" => self.n_open_brackets -= 1,
            _ => {}
        }
    }
}

/// Whether a sentence could end after token `idx`: the gap is looked at only
/// after a token that can end one (final punctuation, a closing quote or
/// bracket, an emoticon or emoji) or where the text breaks the line. A
/// sentence that ends in a plain word mid-line is rare in news and rarely
/// found in web text, and leaving those gaps out keeps the splitter fast.
#[inline]
fn candidate(text: &str, spans: &[Range<usize>], idx: usize) -> bool {
    let Some(next) = spans.get(idx + 1) else {
        return true;
    };
    let current = &spans[idx];
    let bytes = text.as_bytes();
    let last = bytes[current.end - 1];
    if last.is_ascii_alphanumeric()
        || matches!(
            last,
            b',' | b'-' | b'(' | b'[' | b'/' | b'&' | b'$' | b'#' | b'%' | b'@' | b'_'
        )
    {
        // Before a capital or a digit: sign-offs, headers and datelines that
        // end without punctuation ("Thanks, | Jeff", "01:04 PM | Steve").
        let first_next = bytes[next.start];
        return first_next.is_ascii_uppercase()
            || first_next.is_ascii_digit()
            || bytes[current.end..next.start].contains(&b'\n');
    }
    if last == b'.' && current.len() > 1 && TITLES.contains(&&text[current.clone()]) {
        return false;
    }
    if last < 0x80 {
        return true;
    }
    // A non-ASCII last char: closing quotes, ellipses and emoji can end a
    // sentence; letters of other scripts only at a line break.
    let last_char = text[..current.end].chars().next_back().unwrap_or(' ');
    !last_char.is_alphanumeric() || bytes[current.end..next.start].contains(&b'\n')
}

/// Abbreviations that stand before a name or a number and so never end a
/// sentence ("Sen. Warren", "No. 5", "Jan. 5").
const TITLES: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Sen.", "Sens.", "Rep.", "Reps.", "Gov.", "Govs.", "Lt.", "Gen.",
    "Col.", "Capt.", "Cmdr.", "Sgt.", "Maj.", "Adm.", "Cpl.", "Pvt.", "Pres.", "Supt.", "Insp.", "Det.",
    "Atty.", "Rev.", "Fr.", "Hon.", "Messrs.", "Mme.", "Mt.", "Ft.", "No.", "Nos.", "vs.", "v.", "e.g.",
    "i.e.", "cf.", "Jan.", "Feb.", "Apr.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.",
];

/// A string's hash, ASCII-lowercased on the fly (no allocation).
#[inline]
fn hash_lower(text: &str) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in text.bytes() {
        hash = (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(hash, text.len() as u64)
}

/// A word's shape, hashed: "Xx" for "Hello", "X.X." for "U.S.", "d" for
/// "2024", runs collapsed, at most six classes long.
#[inline]
fn hash_shape(text: &str) -> u64 {
    let mut hash = 0x8422_2325_cbf2_9ce4u64;
    let mut previous = '\0';
    let mut n = 0;
    for c in text.chars() {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if class != previous {
            hash = (hash ^ u64::from(class)).wrapping_mul(0x0000_0100_0000_01b3);
            previous = class;
            n += 1;
            if n == 6 {
                break;
            }
        }
    }
    hash
}

const NONE_HASH: u64 = 0x5151_5151;

/// Each token's word and shape hashes, computed the first time a gap near
/// it is looked at (a gap reads four tokens, and neighbouring gaps share them).
#[derive(Debug, Default)]
struct TokenHashes {
    /// `[word, shape]`; `[0, 0]` until computed (a computed hash is never 0).
    cells: Vec<[u64; 2]>,
}

impl TokenHashes {
    fn reset(&mut self, n_tokens: usize) {
        self.cells.clear();
        self.cells.resize(n_tokens, [0, 0]);
    }

    #[inline]
    fn get(&mut self, text: &str, spans: &[Range<usize>], at: isize) -> [u64; 2] {
        if at < 0 || at as usize >= spans.len() || at as usize >= self.cells.len() {
            return [NONE_HASH, NONE_HASH];
        }
        let cell = &mut self.cells[at as usize];
        if cell[0] == 0 {
            let form = &text[spans[at as usize].clone()];
            *cell = [hash_lower(form) | 1, hash_shape(form) | 1];
        }
        *cell
    }
}

/// The features of the gap after token `idx`.
fn boundary_features(
    lexicon: &Lexicon,
    text: &str,
    spans: &[Range<usize>],
    idx: usize,
    state: &State,
    hashes: &mut TokenHashes,
    features: &mut Vec<u64>,
) {
    let form = |offset: isize| -> Option<&str> {
        let at = idx as isize + offset;
        if at < 0 {
            return None;
        }
        spans.get(at as usize).map(|span| &text[span.clone()])
    };
    let current = form(0).unwrap_or("");
    let next = form(1);
    let [current_word, current_shape] = hashes.get(text, spans, idx as isize);
    let [previous_word, previous_shape] = hashes.get(text, spans, idx as isize - 1);
    let [next_word, next_shape] = hashes.get(text, spans, idx as isize + 1);
    let [_, after_next_shape] = hashes.get(text, spans, idx as isize + 2);
    let gap = match spans.get(idx + 1) {
        Some(next_span) => &text[spans[idx].end..next_span.start],
        None => "",
    };
    let n_newlines = gap.bytes().filter(|&byte| byte == b'\n').count().min(2) as u64;
    let no_space = u64::from(gap.is_empty());
    let next_first = next.and_then(|next| next.chars().next()).unwrap_or(' ');
    let next_class = if next_first.is_uppercase() {
        1
    } else if next_first.is_lowercase() {
        2
    } else if next_first.is_numeric() {
        3
    } else {
        u64::from(next_first)
    };
    let abbreviation =
        u64::from(current.len() > 1 && current.ends_with('.') && lexicon.is_abbreviation(current));

    features.push(key(0, 0));
    features.push(key(1, n_newlines));
    features.push(key(2, current_word));
    features.push(key(3, next_word));
    features.push(key(4, current_shape));
    features.push(key(5, next_shape));
    features.push(key2(6, previous_word, current_word));
    features.push(key2(7, current_word, next_class));
    features.push(key2(8, current_shape, next_shape));
    features.push(key2(9, abbreviation, next_class));
    features.push(key2(10, previous_shape, current_shape));
    features.push(key2(11, current_word, next_word));
    features.push(key2(12, n_newlines, next_class));
    features.push(key2(13, no_space, current_shape));
    features.push(key(14, after_next_shape));
    features.push(key2(15, u64::from(state.n_double_quotes % 2), current_word));
    features.push(key2(16, u64::from(state.n_tokens.min(40) / 4), current_shape));
    features.push(key2(17, u64::from(state.n_open_brackets > 0), current_word));
    features.push(key2(18, previous_word, next_class));
}

impl SentenceSplitter {
    /// Trains the boundary classifier on treebank sentences (their `# text`,
    /// `# newdoc` and `# newpar` comments), with the given lexicon.
    pub fn train(
        sentences: &[conllu::Sentence],
        lexicon: &Lexicon,
        options: &SplitterOptions,
    ) -> SentenceSplitter {
        SentenceSplitter::train_on_texts(&training_texts(sentences), lexicon, options)
    }

    /// Trains on raw texts with their sentence spans.
    pub fn train_on_texts(
        texts: &[TrainingText],
        lexicon: &Lexicon,
        options: &SplitterOptions,
    ) -> SentenceSplitter {
        // Tokenise once; each text becomes its token spans and, for every
        // token, whether a sentence ends after it.
        let mut prepared: Vec<(usize, Vec<Range<usize>>, Vec<bool>)> = Vec::with_capacity(texts.len());
        let mut tokens = Tokenised::default();
        for (text_idx, training) in texts.iter().enumerate() {
            tokens.clear();
            tokenise_into(lexicon, &training.text, 0..training.text.len(), &mut tokens);
            let spans: Vec<Range<usize>> = tokens.tokens.iter().map(|token| token.span.clone()).collect();
            let mut ends = vec![false; spans.len()];
            let mut starts: Vec<usize> = training.sentences.iter().map(|sentence| sentence.start).collect();
            starts.sort_unstable();
            let mut next_start = 0usize;
            for idx in 0..spans.len() {
                let Some(next) = spans.get(idx + 1) else {
                    ends[idx] = true;
                    continue;
                };
                while next_start < starts.len() && starts[next_start] < spans[idx].end {
                    next_start += 1;
                }
                ends[idx] = next_start < starts.len() && starts[next_start] <= next.start;
            }
            prepared.push((text_idx, spans, ends));
        }
        let mut trainer = Trainer::new(2);
        let mut rng = Rng::new(options.seed);
        let mut order: Vec<usize> = (0..prepared.len()).collect();
        let mut features = Vec::with_capacity(32);
        let mut scores = Vec::with_capacity(2);
        let mut hashes = TokenHashes::default();
        for _ in 0..options.epochs {
            rng.shuffle(&mut order);
            for &prepared_idx in &order {
                let (text_idx, spans, ends) = &prepared[prepared_idx];
                let text = texts[*text_idx].text.as_str();
                let mut state = State::default();
                hashes.reset(spans.len());
                for idx in 0..spans.len() {
                    state.observe(text, &spans[idx]);
                    if idx + 1 == spans.len() || !candidate(text, spans, idx) {
                        if ends[idx] {
                            state = State::default();
                        }
                        continue;
                    }
                    features.clear();
                    boundary_features(lexicon, text, spans, idx, &state, &mut hashes, &mut features);
                    let guess = trainer.predict(&features, &mut scores, |_| true).unwrap_or(0);
                    let truth = usize::from(ends[idx]);
                    trainer.update(&features, truth, guess);
                    // Follow the truth, so the state is the gold sentence's.
                    if ends[idx] {
                        state = State::default();
                    }
                }
            }
        }
        SentenceSplitter {
            model: trainer.freeze(options.min_weight),
        }
    }

    /// The splitter trained on UD English EWT 2.16 train, embedded.
    pub fn embedded() -> &'static SentenceSplitter {
        static SPLITTER: OnceLock<SentenceSplitter> = OnceLock::new();
        SPLITTER.get_or_init(|| {
            SentenceSplitter::from_bytes(include_bytes!("../weights/sentences.bin")).unwrap_or_else(|_| {
                // The embedded bytes are tested to load; this keeps a broken
                // build from panicking at run time (it then splits at every
                // candidate gap the bias allows).
                SentenceSplitter {
                    model: Trainer::new(2).freeze(0.0),
                }
            })
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.model.to_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<SentenceSplitter, FormatError> {
        let model = Frozen::from_bytes(bytes)?;
        if model.n_classes() != 2 {
            return Err(FormatError(format!(
                "a sentence splitter has 2 classes, found {}",
                model.n_classes()
            )));
        }
        Ok(SentenceSplitter { model })
    }
}

/// Trains both learned parts from treebank sentences: the lexicon (what
/// `weights/tokenise_lexicon.txt` holds, via [`Lexicon::to_text`]) and the
/// sentence splitter (`weights/sentences.bin`, via
/// [`SentenceSplitter::to_bytes`]). The splitter is trained with the lexicon
/// plus the hand lists, as it runs; the returned lexicon is the learned part
/// only, which [`Lexicon::embedded`] completes with the hand lists.
pub fn train_tokeniser(
    sentences: &[conllu::Sentence],
    options: &SplitterOptions,
) -> (Lexicon, SentenceSplitter) {
    let learned = Lexicon::learn(sentences);
    let splitter = SentenceSplitter::train(sentences, &learned.with_hand_lists(), options);
    (learned, splitter)
}

//! The labelled dependency parser: a greedy arc-hybrid transition parser
//! scored by the shared averaged perceptron over hashed Zhang and Nivre (2011)
//! features, trained with a dynamic oracle on UD English EWT.
//!
//! Why arc-hybrid rather than arc-eager: its dynamic oracle is exact and cheap
//! (Goldberg and Nivre 2013: each cost is a count over one word's gold
//! children, no search), every word is popped from the stack exactly once
//! and gets its head when it is popped, so a finished configuration is a
//! tree by construction, with no post-hoc repair of headless words; and with
//! the root at the end of the buffer, allowing LEFT onto the root only for the
//! last word on the stack gives exactly one root word. Arc-eager's extra
//! REDUCE and its words that finish headless buy little for a greedy parser
//! that already learns from its own mistakes. Non-projective gold trees
//! (about 1 in 20 EWT sentences) are lifted to their nearest projective tree
//! for the oracle; the parser's output is projective.
//!
//! Inference does no allocation per transition: the per-word hashes are
//! computed once per sentence and every buffer is reused across sentences.

mod features;
mod oracle;
mod train;
mod transition;
mod weights;

use std::cell::RefCell;

use features::{N_FEATURES, SentenceHashes, extract};
use transition::{Move, State, decode};
use weights::Scorer;

use crate::conllu::Sentence;
use crate::perceptron::{FormatError, Frozen};

/// The deprel of the sentence's root word.
pub const ROOT_LABEL: &str = "root";

/// A trained parser: the dependency labels it knows and its weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Parser {
    /// Sorted; always holds [`ROOT_LABEL`].
    labels: Vec<String>,
    root_label: usize,
    weights: Frozen,
    /// The same weights, laid out for fast scoring.
    scorer: Scorer,
}

/// How to train a parser.
#[derive(Debug, Clone, PartialEq)]
pub struct ParserOptions {
    /// Seeds the order of the training sentences and the exploration.
    pub seed: u64,
    /// Passes over the training data.
    pub epochs: usize,
    /// The first epoch (0-based) that follows the parser's own predictions.
    pub explore_from_epoch: usize,
    /// How often, once exploring, a wrong prediction is followed rather than
    /// the oracle's best move.
    pub explore_probability: f64,
    /// Averaged weights smaller than this in magnitude are dropped when the
    /// model is frozen (this is what keeps the weights small).
    pub min_weight: f32,
}

impl Default for ParserOptions {
    fn default() -> ParserOptions {
        ParserOptions {
            seed: 1,
            epochs: 15,
            explore_from_epoch: 1,
            explore_probability: 0.9,
            min_weight: 0.0,
        }
    }
}

/// One word's place in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc<'m> {
    /// 0 for the root, else the 1-based index of the head word.
    pub head: u32,
    pub deprel: &'m str,
}

/// What parsing reuses from one sentence to the next.
#[derive(Default)]
struct Workspace {
    state: State,
    hashes: SentenceHashes,
    scores: Vec<i32>,
}

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::new(Workspace::default());
}

const MAGIC: &[u8; 8] = b"CDBPRS01";

impl Parser {
    /// Trains a parser. `tags[i][j]` is the (UPOS, XPOS) to train word j of
    /// sentence i with (predicted tags, from jackknifing); an empty `tags`, or
    /// a sentence whose tags do not match its words, trains on the gold tags.
    /// Sentences whose heads are not a single-rooted tree are skipped.
    pub fn train(sentences: &[Sentence], tags: &[Vec<(String, String)>], options: &ParserOptions) -> Parser {
        train::train(sentences, tags, options, None)
    }

    /// Like [`Parser::train`], handing the model as it stands after each epoch
    /// (1-based) to `on_epoch`, to choose the number of epochs on held-out data.
    pub fn train_observed(
        sentences: &[Sentence],
        tags: &[Vec<(String, String)>],
        options: &ParserOptions,
        on_epoch: &mut dyn FnMut(usize, &Parser),
    ) -> Parser {
        train::train(sentences, tags, options, Some(on_epoch))
    }

    fn from_parts(labels: Vec<String>, root_label: usize, weights: Frozen) -> Parser {
        let scorer = Scorer::new(&weights);
        Parser {
            labels,
            root_label,
            weights,
            scorer,
        }
    }

    /// The dependency labels the parser can give, sorted.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// How many (feature, class) weights the model holds.
    pub fn n_weights(&self) -> usize {
        self.weights.n_weights()
    }

    /// Parses one sentence of words with their tags (a missing tag reads as
    /// `_`) into `out`, one arc per word. The arcs always form a tree: exactly
    /// one word has head 0 and deprel `root`, and there are no cycles.
    pub fn parse<'m>(&'m self, forms: &[&str], upos: &[&str], xpos: &[&str], out: &mut Vec<Arc<'m>>) {
        out.clear();
        if forms.is_empty() {
            return;
        }
        let mut run = |workspace: &mut Workspace| self.parse_with(workspace, forms, upos, xpos, out);
        WORKSPACE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut workspace) => run(&mut workspace),
            Err(_) => run(&mut Workspace::default()),
        });
    }

    fn parse_with<'m>(
        &'m self,
        workspace: &mut Workspace,
        forms: &[&str],
        upos: &[&str],
        xpos: &[&str],
        out: &mut Vec<Arc<'m>>,
    ) {
        let Workspace {
            state,
            hashes,
            scores,
        } = workspace;
        let n_labels = self.labels.len();
        hashes.fill(forms, upos, xpos);
        state.reset(forms.len());
        scores.clear();
        scores.resize(self.scorer.stride(), 0);
        let mut features = [0u64; N_FEATURES];
        while !state.is_terminal() {
            extract(state, hashes, &mut features);
            self.scorer.score(&features, scores);
            let (movement, label) = match self.best_move(state, scores) {
                Some(best) => decode(best, n_labels),
                None => fallback_move(state, self.root_label),
            };
            state.apply(movement, label);
        }
        let root = state.root();
        out.reserve(forms.len());
        for word in 1..=forms.len() {
            let head = state.heads[word];
            let arc = if head == root {
                Arc {
                    head: 0,
                    deprel: ROOT_LABEL,
                }
            } else {
                Arc {
                    head,
                    deprel: self
                        .labels
                        .get(usize::from(state.labels[word]))
                        .map_or("dep", String::as_str),
                }
            };
            out.push(arc);
        }
    }

    /// The best-scoring legal class (ties to the lowest).
    #[inline]
    fn best_move(&self, state: &State, scores: &[i32]) -> Option<usize> {
        let n_labels = self.labels.len();
        let onto_root = state.next == state.root();
        let mut best: Option<(usize, i32)> = None;
        let mut consider = |class: usize| {
            if let Some(&score) = scores.get(class)
                && best.is_none_or(|(_, best_score)| score > best_score)
            {
                best = Some((class, score));
            }
        };
        if state.allows(Move::Shift) {
            consider(0);
        }
        if state.allows(Move::Left) {
            if onto_root {
                consider(1 + self.root_label);
            } else {
                (0..n_labels)
                    .filter(|&label| label != self.root_label)
                    .for_each(|label| consider(1 + label));
            }
        }
        if state.allows(Move::Right) {
            (0..n_labels)
                .filter(|&label| label != self.root_label)
                .for_each(|label| consider(1 + n_labels + label));
        }
        best.map(|(class, _)| class)
    }

    /// The model as bytes, for `include_bytes!`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.labels.len() as u32).to_le_bytes());
        for label in &self.labels {
            out.extend_from_slice(&(label.len() as u16).to_le_bytes());
            out.extend_from_slice(label.as_bytes());
        }
        out.extend_from_slice(&self.weights.to_bytes());
        out
    }

    /// Reads what [`Parser::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<Parser, FormatError> {
        let truncated = || FormatError("parser: truncated".into());
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| FormatError("not a claimdb parser (bad magic)".into()))?;
        let (count, mut rest) = rest.split_first_chunk::<4>().ok_or_else(truncated)?;
        let n_labels = u32::from_le_bytes(*count) as usize;
        let mut labels = Vec::with_capacity(n_labels.min(1024));
        for _ in 0..n_labels {
            let (length, after) = rest.split_first_chunk::<2>().ok_or_else(truncated)?;
            let length = usize::from(u16::from_le_bytes(*length));
            let label = after.get(..length).ok_or_else(truncated)?;
            let label =
                std::str::from_utf8(label).map_err(|_| FormatError("parser: label not utf-8".into()))?;
            labels.push(label.to_string());
            rest = &after[length..];
        }
        let root_label = labels
            .iter()
            .position(|label| label == ROOT_LABEL)
            .ok_or_else(|| FormatError("parser: no root label".into()))?;
        let weights = Frozen::from_bytes(rest)?;
        if weights.n_classes() != 1 + 2 * labels.len() {
            return Err(FormatError(format!(
                "parser: {} classes for {} labels",
                weights.n_classes(),
                labels.len()
            )));
        }
        Ok(Parser::from_parts(labels, root_label, weights))
    }
}

/// A legal move when no class is (a model whose labels cannot finish the
/// sentence, which training never makes): the label of a non-root arc is then
/// out of range and reads as `dep`.
fn fallback_move(state: &State, root_label: usize) -> (Move, usize) {
    if state.allows(Move::Shift) {
        (Move::Shift, 0)
    } else if state.allows(Move::Left) && state.next == state.root() {
        (Move::Left, root_label)
    } else if state.allows(Move::Right) {
        (Move::Right, usize::from(u16::MAX))
    } else {
        (Move::Left, usize::from(u16::MAX))
    }
}

#[cfg(test)]
mod tests;

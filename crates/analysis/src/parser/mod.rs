//! The labelled dependency parser: a greedy arc-hybrid transition parser
//! scored by the shared averaged perceptron over hashed Zhang and Nivre (2011)
//! features, trained with a dynamic oracle on UD English EWT.
//!
//! Why arc-hybrid rather than arc-eager: its dynamic oracle is exact and cheap
//! (Goldberg and Nivre 2013: each cost is a count over one word's gold
//! children, no search); every word is popped from the stack exactly once and
//! gets its head when it is popped, so a finished configuration is a tree by
//! construction, with no repair of headless words; and with the root at the
//! end of the buffer, allowing LEFT onto the root only for the last word on
//! the stack gives exactly one root word (the oracle counts that constraint
//! in its costs, which a property test checks are exact). Arc-eager's extra
//! REDUCE and its words that finish headless buy little for a greedy parser
//! that already learns from its own mistakes. Non-projective gold trees (about
//! 1 in 20 EWT sentences) are lifted to their nearest projective tree for the
//! oracle; the parser's output is projective.
//!
//! The model is the joint (move, label) perceptron written as a sum of two
//! parts, trained together: a coarse part scores the three unlabelled moves
//! from all hundred features, and a fine part scores every labelled class
//! from 48 of them. LEFT-nsubj scores the LEFT move's score plus its own, so
//! the decision stays joint, but most features need only three weights. This
//! costs about half a point of LAS against the plain joint model and is about
//! twice as fast. Both parts share one hash table whose slot holds a
//! feature's move weights and, for four label rows in five, the label row
//! itself, so a feature costs one probe (see the private `weights` module).
//! A configuration with only one legal move is not scored at all.
//!
//! Inference does no allocation per transition: the per-word hashes are
//! computed once per sentence and every buffer is reused across sentences.

mod features;
mod oracle;
mod train;
mod transition;
mod weights;

use std::cell::RefCell;
use std::sync::OnceLock;

use features::{N_FEATURES, SentenceHashes, extract};
use transition::{Move, State};
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
    /// The model is a sum of two parts: a coarse one that scores the three
    /// unlabelled moves from every feature, and a fine one that scores every
    /// (move, label) class from [`LABEL_FEATURES`]. A class's score is its
    /// move's plus its own: still one joint decision, but most lookups need
    /// only three weights.
    moves: Frozen,
    labelled: Frozen,
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
            epochs: 8,
            explore_from_epoch: 1,
            explore_probability: 0.9,
            min_weight: 1.5,
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
    label_sums: Vec<i32>,
}

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::new(Workspace::default());
}

const MAGIC: &[u8; 8] = b"CDBPRS01";

static EMBEDDED: OnceLock<Parser> = OnceLock::new();

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

    fn from_parts(labels: Vec<String>, root_label: usize, moves: Frozen, labelled: Frozen) -> Parser {
        Parser {
            labels,
            root_label,
            scorer: Scorer::new(&moves, &labelled),
            moves,
            labelled,
        }
    }

    /// The parser trained on UD English EWT 2.16 train (on 10-fold
    /// jackknifed tags of the embedded tagger), embedded in the binary.
    pub fn embedded() -> &'static Parser {
        EMBEDDED.get_or_init(|| {
            Parser::from_bytes(include_bytes!("../../weights/parser.bin"))
                .expect("the embedded parser weights are valid")
        })
    }

    /// A copy without the weights smaller than `min_weight` in magnitude:
    /// smaller and faster, a little less accurate.
    pub fn pruned(&self, min_weight: f32) -> Parser {
        Parser::from_parts(
            self.labels.clone(),
            self.root_label,
            self.moves.pruned(min_weight),
            self.labelled.pruned(min_weight),
        )
    }

    /// The dependency labels the parser can give, sorted.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// How many (feature, class) weights the model holds.
    pub fn n_weights(&self) -> usize {
        self.moves.n_weights() + self.labelled.n_weights()
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
            label_sums,
        } = workspace;
        hashes.fill(forms, upos, xpos);
        state.reset(forms.len());
        label_sums.clear();
        label_sums.resize(self.scorer.label_sums_len(), 0);
        let mut features = [0u64; N_FEATURES];
        while !state.is_terminal() {
            if let Some((movement, label)) = forced_move(state, self.root_label) {
                state.apply(movement, label);
                continue;
            }
            extract(state, hashes, &mut features);
            let move_sums = self.scorer.score(&features, label_sums);
            let (movement, label) = match self.best_move(state, move_sums, label_sums) {
                Some((movement, label)) => (movement, label),
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

    /// The best-scoring legal labelled move (ties to the lowest class). A
    /// class's score is its move's plus its own, so the best LEFT is the LEFT
    /// move's score plus the best LEFT label's, and likewise for RIGHT.
    #[inline]
    fn best_move(&self, state: &State, move_sums: [i32; 3], label_sums: &[i32]) -> Option<(Move, usize)> {
        let n_labels = self.labels.len();
        let move_unit = self.scorer.move_unit();
        let label_unit = self.scorer.label_unit();
        let score = |movement: usize, label_sum: i32| {
            move_sums[movement] as f32 * move_unit + label_sum as f32 * label_unit
        };
        // The best label of a run of classes, skipping the root label: the
        // best of the labels before it and of those after it, each a plain
        // loop (ties to the lowest label).
        let best_in = |sums: &[i32], offset: usize| -> Option<(usize, i32)> {
            let (&first, rest) = sums.split_first()?;
            let (mut best_label, mut best_sum) = (0, first);
            for (label, &sum) in rest.iter().enumerate() {
                if sum > best_sum {
                    best_label = label + 1;
                    best_sum = sum;
                }
            }
            Some((best_label + offset, best_sum))
        };
        let best_label = |first_class: usize| -> Option<(usize, i32)> {
            let sums = label_sums.get(first_class..first_class + n_labels)?;
            let root = self.root_label.min(n_labels);
            let before = best_in(&sums[..root], 0);
            let after = best_in(sums.get(root + 1..).unwrap_or(&[]), root + 1);
            match (before, after) {
                (Some(before), Some(after)) => Some(if after.1 > before.1 { after } else { before }),
                (before, after) => before.or(after),
            }
        };
        let mut best: Option<(Move, usize, f32)> = None;
        let mut consider = |movement: Move, label: usize, candidate: f32| {
            if best.is_none_or(|(_, _, best_score)| candidate > best_score) {
                best = Some((movement, label, candidate));
            }
        };
        if state.allows(Move::Shift) {
            consider(Move::Shift, 0, score(0, label_sums.first().copied().unwrap_or(0)));
        }
        if state.allows(Move::Left) {
            if state.next == state.root() {
                let sum = label_sums.get(1 + self.root_label).copied().unwrap_or(0);
                consider(Move::Left, self.root_label, score(1, sum));
            } else if let Some((label, sum)) = best_label(1) {
                consider(Move::Left, label, score(1, sum));
            }
        }
        if state.allows(Move::Right)
            && let Some((label, sum)) = best_label(1 + n_labels)
        {
            consider(Move::Right, label, score(2, sum));
        }
        best.map(|(movement, label, _)| (movement, label))
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
        let moves = self.moves.to_bytes();
        out.extend_from_slice(&(moves.len() as u64).to_le_bytes());
        out.extend_from_slice(&moves);
        out.extend_from_slice(&self.labelled.to_bytes());
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
        let (length, rest) = rest.split_first_chunk::<8>().ok_or_else(truncated)?;
        let length = usize::try_from(u64::from_le_bytes(*length)).map_err(|_| truncated())?;
        if length > rest.len() {
            return Err(truncated());
        }
        let (moves, labelled) = rest.split_at(length);
        let moves = Frozen::from_bytes(moves)?;
        let labelled = Frozen::from_bytes(labelled)?;
        if moves.n_classes() != 3 || labelled.n_classes() != 1 + 2 * labels.len() {
            return Err(FormatError(format!(
                "parser: {} and {} classes for {} labels",
                moves.n_classes(),
                labelled.n_classes(),
                labels.len()
            )));
        }
        Ok(Parser::from_parts(labels, root_label, moves, labelled))
    }
}

/// The move (0 SHIFT, 1 LEFT, 2 RIGHT) of a class.
#[inline]
pub(crate) fn class_move(class: usize, n_labels: usize) -> usize {
    if class == 0 {
        0
    } else if class <= n_labels {
        1
    } else {
        2
    }
}

/// The only legal move, when there is one: SHIFT onto an empty stack, and
/// the root arc once the last word is alone on the stack. Scoring these would
/// change nothing (about one transition in nine on EWT).
#[inline]
fn forced_move(state: &State, root_label: usize) -> Option<(Move, usize)> {
    if state.stack.is_empty() {
        Some((Move::Shift, 0))
    } else if state.next == state.root() && state.stack.len() == 1 {
        Some((Move::Left, root_label))
    } else {
        None
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

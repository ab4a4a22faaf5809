//! The arc-hybrid transition system (Kuhlmann, Gómez-Rodríguez and Satta
//! 2011) with the root at the end of the buffer: the parser's configuration,
//! which transitions are legal in it, and what each one does.
//!
//! Tokens are numbered so that every lookup is a plain array index: 0 is
//! "no token" (its slots always stay empty, so a child of nothing is
//! nothing), 1..=n are the words, and n + 1 is the artificial root, which
//! always sits at the end of the buffer and never moves to the stack.

/// No token: an empty stack or buffer position, a missing child.
pub(crate) const NONE: u32 = 0;

/// What a transition does, without its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    /// Moves the front of the buffer onto the stack.
    Shift,
    /// Pops the top of the stack and makes it a dependent of the buffer front.
    Left,
    /// Pops the top of the stack and makes it a dependent of the word below it.
    Right,
}

/// The transition classes: 0 is SHIFT, `1..=n_labels` are LEFT with label
/// `class - 1`, and `n_labels + 1..=2 * n_labels` are RIGHT with label
/// `class - n_labels - 1`.
#[inline]
pub(crate) fn decode(class: usize, n_labels: usize) -> (Move, usize) {
    if class == 0 {
        (Move::Shift, 0)
    } else if class <= n_labels {
        (Move::Left, class - 1)
    } else {
        (Move::Right, class - n_labels - 1)
    }
}

/// The class of a move with a label (the label is ignored for SHIFT).
#[inline]
pub(crate) fn encode(movement: Move, label: usize, n_labels: usize) -> usize {
    match movement {
        Move::Shift => 0,
        Move::Left => 1 + label,
        Move::Right => 1 + n_labels + label,
    }
}

/// A parser configuration, with the per-token facts the features read
/// (children, valency, label sets) kept up to date as arcs are added, so that
/// extracting features never searches.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub(crate) n_words: u32,
    pub(crate) stack: Vec<u32>,
    /// The front of the buffer: a word, or `n_words + 1` (the root) once
    /// every word has been shifted.
    pub(crate) next: u32,
    /// Per token: its head (the root token for the sentence's root word), or
    /// [`NONE`] while it has none.
    pub(crate) heads: Vec<u32>,
    /// Per token: its label index, meaningful once it has a head.
    pub(crate) labels: Vec<u16>,
    pub(crate) leftmost: Vec<u32>,
    pub(crate) second_leftmost: Vec<u32>,
    pub(crate) rightmost: Vec<u32>,
    pub(crate) second_rightmost: Vec<u32>,
    pub(crate) n_left: Vec<u16>,
    pub(crate) n_right: Vec<u16>,
    /// Bit sets of the labels of each token's left and right dependents
    /// (labels past 127 share bits, which only blurs a feature).
    pub(crate) left_labels: Vec<u128>,
    pub(crate) right_labels: Vec<u128>,
    /// Per token: whether it is on the stack (for the oracle's costs).
    pub(crate) on_stack: Vec<bool>,
}

impl State {
    /// Resets to the initial configuration of an `n_words`-word sentence,
    /// reusing the buffers.
    pub(crate) fn reset(&mut self, n_words: usize) {
        let n_tokens = n_words + 2;
        self.n_words = n_words as u32;
        self.stack.clear();
        self.next = 1;
        for column in [
            &mut self.heads,
            &mut self.leftmost,
            &mut self.second_leftmost,
            &mut self.rightmost,
            &mut self.second_rightmost,
        ] {
            column.clear();
            column.resize(n_tokens, NONE);
        }
        for column in [&mut self.labels, &mut self.n_left, &mut self.n_right] {
            column.clear();
            column.resize(n_tokens, 0);
        }
        for column in [&mut self.left_labels, &mut self.right_labels] {
            column.clear();
            column.resize(n_tokens, 0);
        }
        self.on_stack.clear();
        self.on_stack.resize(n_tokens, false);
    }

    /// The root token's number.
    #[inline]
    pub(crate) fn root(&self) -> u32 {
        self.n_words + 1
    }

    /// The `depth`-th token from the top of the stack (0 = top), or [`NONE`].
    #[inline]
    pub(crate) fn stack_at(&self, depth: usize) -> u32 {
        if depth < self.stack.len() {
            self.stack[self.stack.len() - 1 - depth]
        } else {
            NONE
        }
    }

    /// The `offset`-th token of the buffer (0 = front, the root last), or [`NONE`].
    #[inline]
    pub(crate) fn buffer_at(&self, offset: u32) -> u32 {
        let token = self.next + offset;
        if token <= self.root() { token } else { NONE }
    }

    /// Whether every word has its head.
    #[inline]
    pub(crate) fn is_terminal(&self) -> bool {
        self.stack.is_empty() && self.next > self.n_words
    }

    /// Whether a move is legal here. LEFT onto the root is legal only for the
    /// last word on the stack and RIGHT needs two words, which together make
    /// every finished configuration a tree with exactly one root word.
    #[inline]
    pub(crate) fn allows(&self, movement: Move) -> bool {
        match movement {
            Move::Shift => self.next <= self.n_words,
            Move::Left => !self.stack.is_empty() && (self.next <= self.n_words || self.stack.len() == 1),
            Move::Right => self.stack.len() >= 2,
        }
    }

    /// Whether a labelled move is legal: the root label goes with exactly the
    /// arc from the root token.
    #[inline]
    pub(crate) fn allows_labelled(&self, movement: Move, label: usize, root_label: usize) -> bool {
        if !self.allows(movement) {
            return false;
        }
        match movement {
            Move::Shift => true,
            Move::Left => (self.next == self.root()) == (label == root_label),
            Move::Right => label != root_label,
        }
    }

    /// Applies a legal move.
    pub(crate) fn apply(&mut self, movement: Move, label: usize) {
        match movement {
            Move::Shift => {
                let token = self.next;
                self.stack.push(token);
                self.on_stack[token as usize] = true;
                self.next += 1;
            }
            Move::Left => {
                if let Some(dependent) = self.stack.pop() {
                    self.on_stack[dependent as usize] = false;
                    self.add_arc(self.next, dependent, label);
                }
            }
            Move::Right => {
                if let Some(dependent) = self.stack.pop() {
                    self.on_stack[dependent as usize] = false;
                    let head = self.stack.last().copied().unwrap_or(NONE);
                    self.add_arc(head, dependent, label);
                }
            }
        }
    }

    fn add_arc(&mut self, head: u32, dependent: u32, label: usize) {
        let (h, d) = (head as usize, dependent as usize);
        self.heads[d] = head;
        self.labels[d] = label as u16;
        let bit = 1u128 << (label % 128);
        if dependent < head {
            self.n_left[h] = self.n_left[h].saturating_add(1);
            self.left_labels[h] |= bit;
            if self.leftmost[h] == NONE || dependent < self.leftmost[h] {
                self.second_leftmost[h] = self.leftmost[h];
                self.leftmost[h] = dependent;
            } else if self.second_leftmost[h] == NONE || dependent < self.second_leftmost[h] {
                self.second_leftmost[h] = dependent;
            }
        } else {
            self.n_right[h] = self.n_right[h].saturating_add(1);
            self.right_labels[h] |= bit;
            if self.rightmost[h] == NONE || dependent > self.rightmost[h] {
                self.second_rightmost[h] = self.rightmost[h];
                self.rightmost[h] = dependent;
            } else if self.second_rightmost[h] == NONE || dependent > self.second_rightmost[h] {
                self.second_rightmost[h] = dependent;
            }
        }
    }
}

//! The dynamic oracle of the arc-hybrid system (Goldberg and Nivre 2013): for
//! any configuration, how many gold arcs each transition would make
//! unreachable. It is exact for projective trees, so non-projective gold trees
//! are first projectivised by lifting (each crossing arc's dependent moves up
//! to its grandparent, shortest arcs first, labels kept), and the parser
//! learns the lifted tree: the nearest projective one.

use super::transition::{Move, NONE, State};

/// A gold tree in the transition system's token numbering (see
/// [`super::transition`]): the root word's head is the root token `n + 1`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gold {
    pub(crate) heads: Vec<u32>,
    pub(crate) labels: Vec<u16>,
    /// `children[child_starts[t]..child_starts[t + 1]]` are token t's dependents.
    children: Vec<u32>,
    child_starts: Vec<u32>,
}

impl Gold {
    /// A gold tree from 1-based heads (0 = root) and label indices, lifted to
    /// a projective tree. `None` unless the heads form a tree with exactly one
    /// root word.
    pub(crate) fn new(heads: &[u32], labels: &[u16]) -> Option<Gold> {
        let n_words = heads.len();
        if n_words == 0 || labels.len() != n_words {
            return None;
        }
        let root = n_words as u32 + 1;
        let mut token_heads = vec![NONE; n_words + 2];
        for (idx, &head) in heads.iter().enumerate() {
            if head as usize > n_words || head as usize == idx + 1 {
                return None;
            }
            token_heads[idx + 1] = if head == 0 { root } else { head };
        }
        if heads.iter().filter(|&&head| head == 0).count() != 1 {
            return None;
        }
        // Every word must reach the root without a cycle.
        for start in 1..=n_words as u32 {
            let mut token = start;
            let mut steps = 0;
            while token != root {
                token = token_heads[token as usize];
                steps += 1;
                if steps > n_words {
                    return None;
                }
            }
        }
        projectivise(&mut token_heads, root);
        let mut token_labels = vec![0u16; n_words + 2];
        token_labels[1..=n_words].copy_from_slice(labels);
        let mut gold = Gold {
            heads: token_heads,
            labels: token_labels,
            children: Vec::new(),
            child_starts: Vec::new(),
        };
        gold.index_children();
        Some(gold)
    }

    fn index_children(&mut self) {
        let n_tokens = self.heads.len();
        let mut counts = vec![0u32; n_tokens + 1];
        for &head in &self.heads[1..] {
            if head != NONE {
                counts[head as usize + 1] += 1;
            }
        }
        for idx in 1..=n_tokens {
            counts[idx] += counts[idx - 1];
        }
        self.child_starts = counts.clone();
        self.children = vec![NONE; counts[n_tokens] as usize];
        for (dependent, &head) in self.heads.iter().enumerate().skip(1) {
            if head != NONE {
                let slot = &mut counts[head as usize];
                self.children[*slot as usize] = dependent as u32;
                *slot += 1;
            }
        }
    }

    #[inline]
    pub(crate) fn children_of(&self, token: u32) -> &[u32] {
        let token = token as usize;
        &self.children[self.child_starts[token] as usize..self.child_starts[token + 1] as usize]
    }

    /// How many gold arcs the unlabelled move would lose, given it is legal.
    pub(crate) fn cost(&self, state: &State, movement: Move) -> u32 {
        let top = state.stack_at(0);
        let below = state.stack_at(1);
        let front = state.next;
        match movement {
            Move::Shift => {
                // The front word can no longer take a head below the top of
                // the stack, nor any dependent still on the stack.
                let mut cost = self
                    .children_of(front)
                    .iter()
                    .filter(|&&child| state.on_stack[child as usize])
                    .count() as u32;
                let head = self.heads[front as usize];
                if head != top && state.on_stack[head as usize] {
                    cost += 1;
                }
                // The root word must be alone on the stack to go to the root,
                // and nothing under it can leave the stack before it does.
                if head == state.root() && !state.stack.is_empty() {
                    cost += 1;
                }
                cost
            }
            Move::Left | Move::Right => {
                // The top word leaves the stack: its dependents still in the
                // buffer are lost, and so is its head unless it is the one
                // this move gives it.
                let mut cost = self
                    .children_of(top)
                    .iter()
                    .filter(|&&child| child >= front)
                    .count() as u32;
                let head = self.heads[top as usize];
                let head_reachable = if head == state.root() {
                    state.stack.len() == 1
                } else {
                    head == below || head >= front
                };
                let given = if movement == Move::Left { front } else { below };
                if head_reachable && head != given {
                    cost += 1;
                }
                cost
            }
        }
    }

    /// The cost of a labelled move: its unlabelled cost, plus one when it makes
    /// the gold arc with a wrong label.
    pub(crate) fn labelled_cost(&self, state: &State, movement: Move, label: usize, unlabelled: u32) -> u32 {
        let top = state.stack_at(0);
        let head = match movement {
            Move::Shift => return unlabelled,
            Move::Left => state.next,
            Move::Right => state.stack_at(1),
        };
        let wrong_label = self.heads[top as usize] == head && usize::from(self.labels[top as usize]) != label;
        unlabelled + u32::from(wrong_label)
    }
}

/// Lifts non-projective arcs (shortest first) until the tree is projective.
/// The root word's arcs are never lifted: every word descends from it, so
/// nothing between it and a dependent can cross.
pub(crate) fn projectivise(heads: &mut [u32], root: u32) {
    let n_tokens = heads.len();
    // Each lift moves a dependent strictly closer to the root, so this many
    // rounds always suffice; the bound only guards against a malformed tree.
    for _ in 0..n_tokens * n_tokens {
        let mut shortest: Option<(u32, usize)> = None;
        for dependent in 1..n_tokens as u32 - 1 {
            let head = heads[dependent as usize];
            if head == NONE || head == root {
                continue;
            }
            if !is_projective_arc(heads, head, dependent, root) {
                let length = head.abs_diff(dependent);
                if shortest.is_none_or(|(best, _)| length < best) {
                    shortest = Some((length, dependent as usize));
                }
            }
        }
        let Some((_, dependent)) = shortest else {
            return;
        };
        let head = heads[dependent] as usize;
        heads[dependent] = heads[head];
    }
}

/// Whether every word between head and dependent descends from head.
fn is_projective_arc(heads: &[u32], head: u32, dependent: u32, root: u32) -> bool {
    let (low, high) = if head < dependent {
        (head, dependent)
    } else {
        (dependent, head)
    };
    (low + 1..high).all(|between| descends_from(heads, between, head, root))
}

fn descends_from(heads: &[u32], token: u32, ancestor: u32, root: u32) -> bool {
    let mut current = token;
    for _ in 0..heads.len() {
        if current == ancestor {
            return true;
        }
        if current == root || current == NONE {
            return false;
        }
        current = heads[current as usize];
    }
    false
}

//! The parser's weights laid out for scoring speed. A configuration has a
//! hundred features, each a lookup in a table of hundreds of thousands of
//! keys, and 103 classes (SHIFT and a LEFT and a RIGHT per label): scoring is
//! bound by memory latency and by adding up rows. So both parts of the model
//! share one open-addressing table whose 16-byte slot holds everything most
//! features need: a 32-bit check of the key, the three move weights, and the
//! feature's label row itself when it has one or two cells (four in five rows
//! of a trained model), else where its row is. Every feature's first slot is
//! touched before any is probed (independent loads without branches, whose
//! misses the processor overlaps), so a feature costs about one overlapped
//! memory access. A longer label row is stored one of two ways: the long rows
//! of frequent features (tags, common words) as a dense run of 16-bit
//! weights that the compiler adds with vector instructions, the others as
//! sparse (class, weight) cells. Label weights keep 12 of their 16 bits, so
//! that sixteen dense rows add up in 16-bit lanes without overflow before
//! they are widened.

use super::features::{LABEL_FEATURES, MOVE_ONLY_FEATURES, N_FEATURES};
use crate::perceptron::Frozen;

/// No label row (no row starts at 0: the cells begin with a spare word).
const EMPTY: u32 = 0;

/// A label row's location with this bit set is dense: the rest is its row
/// number.
const DENSE: u32 = 1 << 31;

/// A sparse row's location holds its length in these low bits, its start
/// above.
const LENGTH_BITS: u32 = 4;

/// Sparse rows are shorter than this; longer ones are dense.
const MAX_SPARSE: usize = 1 << LENGTH_BITS;

/// Stored label weights are the frozen ones shifted right by this, so that
/// they fit in 12 bits (at most 2,047 in magnitude)...
const DROPPED_BITS: u32 = 4;

/// ...and this many of them add up in 16 bits without overflow.
const DENSE_GROUP: usize = 16;

/// Dense rows are summed this many classes at a time when their length is
/// not one of the fixed lengths; a dense row's length is a multiple of it.
const LANES: usize = 16;

/// Inline cells' classes are a byte: the label score vector is at least this
/// long, so that they index it without a bounds check.
const INLINE_CLASSES: usize = 256;

/// A slot's label row that is not inline.
const OUT_OF_LINE: u16 = u16::MAX;

/// At least as many as the label features, a power of two (so that masking an
/// index proves it in bounds).
const ROWS: usize = LABEL_FEATURES.len().next_power_of_two();

/// A frozen label weight at the scorer's scale.
#[inline]
fn narrowed(weight: i16) -> i16 {
    let rounding = 1i32 << (DROPPED_BITS - 1);
    ((i32::from(weight) + rounding) >> DROPPED_BITS).clamp(-2047, 2047) as i16
}

/// The label rows too long to live in a slot.
#[derive(Debug, Clone, PartialEq)]
struct LabelRows {
    /// The length of a dense row: the number of classes rounded up to a
    /// multiple of [`LANES`], so that vector loops have no remainder.
    stride: usize,
    /// A row at least this long is dense.
    dense_from: usize,
    /// Sparse rows' `class << 16 | weight` cells.
    cells: Vec<u32>,
    /// Dense rows of `stride` weights each.
    dense: Vec<i16>,
}

impl LabelRows {
    fn new(n_classes: usize) -> LabelRows {
        let stride = n_classes.div_ceil(LANES) * LANES;
        LabelRows {
            stride,
            // A dense row costs `stride` weights of two bytes, a sparse one
            // four bytes a cell and a scattered add each: dense pays from an
            // eighth full, and a sparse row's length must fit its bits.
            dense_from: (stride / 8).clamp(2, MAX_SPARSE),
            cells: vec![0],
            dense: Vec::new(),
        }
    }

    /// Stores a row of (class, narrowed weight) cells; returns its location.
    fn push(&mut self, cells: &[(u16, i16)]) -> u32 {
        if cells.len() >= self.dense_from {
            let row = self.dense.len() / self.stride;
            self.dense.resize(self.dense.len() + self.stride, 0);
            let dense_row = &mut self.dense[row * self.stride..];
            for &(class, weight) in cells {
                dense_row[usize::from(class)] = weight;
            }
            DENSE | row as u32
        } else {
            let start = self.cells.len() as u32;
            for &(class, weight) in cells {
                self.cells.push(u32::from(class) << 16 | u32::from(weight as u16));
            }
            start << LENGTH_BITS | cells.len() as u32
        }
    }

    /// Adds the dense rows (by number) to `scores`, at least a stride long.
    #[inline]
    fn add_dense(&self, rows: &[u32], scores: &mut [i32]) {
        // A fixed row length lets the compiler keep the 16-bit sums of a
        // whole row in vector registers.
        match self.stride / LANES {
            1 => self.add_dense_fixed::<16>(rows, scores),
            2 => self.add_dense_fixed::<32>(rows, scores),
            3 => self.add_dense_fixed::<48>(rows, scores),
            4 => self.add_dense_fixed::<64>(rows, scores),
            5 => self.add_dense_fixed::<80>(rows, scores),
            6 => self.add_dense_fixed::<96>(rows, scores),
            7 => self.add_dense_fixed::<112>(rows, scores),
            8 => self.add_dense_fixed::<128>(rows, scores),
            _ => self.add_dense_blocks(rows, scores),
        }
    }

    /// [`LabelRows::add_dense`] for rows `WIDTH` (the stride) long: sixteen
    /// rows at a time into 16-bit sums, then widened.
    #[inline]
    fn add_dense_fixed<const WIDTH: usize>(&self, rows: &[u32], scores: &mut [i32]) {
        let Some(scores) = scores.first_chunk_mut::<WIDTH>() else {
            return;
        };
        for group in rows.chunks(DENSE_GROUP) {
            let mut sums = [0i16; WIDTH];
            for &row in group {
                let start = row as usize * WIDTH;
                if let Some(weights) = self.dense.get(start..).and_then(<[i16]>::first_chunk::<WIDTH>) {
                    add_lanes(&mut sums, weights);
                }
            }
            for (score, &sum) in scores.iter_mut().zip(&sums) {
                *score += i32::from(sum);
            }
        }
    }

    /// [`LabelRows::add_dense`] for any stride: a block of [`LANES`] classes
    /// at a time.
    fn add_dense_blocks(&self, rows: &[u32], scores: &mut [i32]) {
        for block_start in (0..self.stride).step_by(LANES) {
            let Some(block_scores) = scores
                .get_mut(block_start..)
                .and_then(<[i32]>::first_chunk_mut::<LANES>)
            else {
                break;
            };
            for group in rows.chunks(DENSE_GROUP) {
                let mut sums = [0i16; LANES];
                for &row in group {
                    let start = row as usize * self.stride + block_start;
                    if let Some(weights) = self.dense.get(start..).and_then(<[i16]>::first_chunk::<LANES>) {
                        add_lanes(&mut sums, weights);
                    }
                }
                for (score, &sum) in block_scores.iter_mut().zip(&sums) {
                    *score += i32::from(sum);
                }
            }
        }
    }

    /// Adds the sparse rows at `locations` to `scores`.
    #[inline]
    fn add_sparse(&self, locations: &[u32], scores: &mut [i32]) {
        for &location in locations {
            let start = (location >> LENGTH_BITS) as usize;
            let length = (location & (MAX_SPARSE as u32 - 1)) as usize;
            if let Some(cells) = self.cells.get(start..start + length) {
                for &cell in cells {
                    if let Some(score) = scores.get_mut((cell >> 16) as usize) {
                        *score += i32::from(cell as u16 as i16);
                    }
                }
            }
        }
    }
}

/// Adds weights into 16-bit sums, lane by lane (a fixed-length loop the
/// compiler turns into vector adds).
#[inline(always)]
fn add_lanes<const WIDTH: usize>(sums: &mut [i16; WIDTH], weights: &[i16; WIDTH]) {
    for lane in 0..WIDTH {
        sums[lane] = sums[lane].wrapping_add(weights[lane]);
    }
}

/// One slot of the table: the key's upper 32 bits (0 marks an empty slot),
/// its three move weights, and its label row: up to two (class, weight)
/// cells inline, or where the row is. Sixteen bytes, aligned, so four slots
/// share a cache line and none straddles two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(16))]
struct Slot {
    check: u32,
    moves: [i16; 3],
    /// [`OUT_OF_LINE`] then the row's location in the next two, or two
    /// classes (a byte each, the first in the low byte) then their weights.
    labels: [u16; 3],
}

impl Default for Slot {
    fn default() -> Slot {
        Slot {
            check: 0,
            moves: [0; 3],
            labels: [OUT_OF_LINE, EMPTY as u16, (EMPTY >> 16) as u16],
        }
    }
}

/// The check of a key: its upper 32 bits, never 0.
#[inline]
fn check(key: u64) -> u32 {
    ((key >> 32) as u32).max(1)
}

/// Both parts of the model behind one table: one probe gives a feature's
/// move weights and its label row (or where it is).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scorer {
    move_unit: f32,
    label_unit: f32,
    mask: usize,
    slots: Vec<Slot>,
    rows: LabelRows,
}

impl Scorer {
    /// Lays out the move part (three classes) and the labelled part.
    pub(crate) fn new(moves: &Frozen, labelled: &Frozen) -> Scorer {
        let mut keys: Vec<u64> = moves.rows().map(|(key, _, _)| key).collect();
        keys.extend(labelled.rows().map(|(key, _, _)| key));
        keys.sort_unstable();
        keys.dedup();
        // At most half full, so that most probes, even for missing features,
        // end in the first cache line.
        let capacity = (2 * keys.len() + 1).next_power_of_two().max(16);
        let mut scorer = Scorer {
            move_unit: moves.scale(),
            label_unit: labelled.scale() * (1u32 << DROPPED_BITS) as f32,
            mask: capacity - 1,
            slots: vec![Slot::default(); capacity],
            rows: LabelRows::new(labelled.n_classes()),
        };
        for &key in &keys {
            let slot = scorer.slot(key);
            scorer.slots[slot].check = check(key);
        }
        for (key, classes, weights) in moves.rows() {
            let slot = scorer.slot(key);
            for (&class, &weight) in classes.iter().zip(weights) {
                if let Some(cell) = scorer.slots[slot].moves.get_mut(usize::from(class)) {
                    *cell = weight;
                }
            }
        }
        // Classes up to 254 fit a byte and cannot make the out-of-line mark.
        let inline = labelled.n_classes() <= 255;
        let mut cells = Vec::new();
        for (key, classes, weights) in labelled.rows() {
            cells.clear();
            cells.extend(
                classes
                    .iter()
                    .zip(weights)
                    .map(|(&class, &weight)| (class, narrowed(weight)))
                    .filter(|&(_, weight)| weight != 0),
            );
            let labels = match cells[..] {
                [] => continue,
                [(class, weight)] if inline => [class, weight as u16, 0],
                [(first, first_weight), (second, second_weight)] if inline => {
                    [first | second << 8, first_weight as u16, second_weight as u16]
                }
                _ => {
                    let location = scorer.rows.push(&cells);
                    [OUT_OF_LINE, location as u16, (location >> 16) as u16]
                }
            };
            let slot = scorer.slot(key);
            scorer.slots[slot].labels = labels;
        }
        scorer
    }

    /// The slot that holds a key, or the empty slot where it would go.
    #[inline]
    fn slot(&self, key: u64) -> usize {
        let check = check(key);
        let mut slot = (key as usize) & self.mask;
        loop {
            let slot_check = self.slots[slot].check;
            if slot_check == check || slot_check == 0 {
                return slot;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// What one stored unit of a move score is worth.
    pub(crate) fn move_unit(&self) -> f32 {
        self.move_unit
    }

    /// What one stored unit of a label score is worth.
    pub(crate) fn label_unit(&self) -> f32 {
        self.label_unit
    }

    /// How long the label score vector must be: its first classes are the
    /// model's, the rest are never written.
    pub(crate) fn label_sums_len(&self) -> usize {
        self.rows.stride.max(INLINE_CLASSES)
    }

    /// The three moves' scores, and in `label_sums` (zeroed before the first
    /// call, [`Scorer::label_sums_len`] long) every class's label score, all
    /// in stored units.
    #[inline]
    pub(crate) fn score(&self, features: &[u64; N_FEATURES], label_sums: &mut [i32]) -> [i32; 3] {
        let mut touched = 0u32;
        for &feature in features {
            touched ^= self.slots[(feature as usize) & self.mask].check;
        }
        std::hint::black_box(touched);
        let mut move_sums = [0i32; 3];
        // Only the labelled part's features have label rows.
        for &slot in &MOVE_ONLY_FEATURES {
            let entry = &self.slots[self.slot(features[slot])];
            for (sum, &weight) in move_sums.iter_mut().zip(&entry.moves) {
                *sum += i32::from(weight);
            }
        }
        // Classes from the stride on are never written, so stay 0.
        if let Some(model_sums) = label_sums.get_mut(..self.rows.stride) {
            model_sums.fill(0);
        }
        let Some(inline_sums) = label_sums.first_chunk_mut::<INLINE_CLASSES>() else {
            return move_sums;
        };
        let mut dense_rows = [0u32; ROWS];
        let mut n_dense = 0;
        let mut sparse_rows = [EMPTY; ROWS];
        let mut n_sparse = 0;
        for &slot in &LABEL_FEATURES {
            let entry = &self.slots[self.slot(features[slot])];
            for (sum, &weight) in move_sums.iter_mut().zip(&entry.moves) {
                *sum += i32::from(weight);
            }
            let [first, second, third] = entry.labels;
            if first == OUT_OF_LINE {
                let location = u32::from(second) | u32::from(third) << 16;
                if location & DENSE != 0 {
                    dense_rows[n_dense & (ROWS - 1)] = location & !DENSE;
                    n_dense += 1;
                } else if location != EMPTY {
                    sparse_rows[n_sparse & (ROWS - 1)] = location;
                    n_sparse += 1;
                }
            } else {
                // A missing second cell is class 0 with weight 0.
                inline_sums[usize::from(first as u8)] += i32::from(second as i16);
                inline_sums[usize::from(first >> 8)] += i32::from(third as i16);
            }
        }
        self.rows.add_dense(&dense_rows[..n_dense.min(ROWS)], label_sums);
        self.rows
            .add_sparse(&sparse_rows[..n_sparse.min(ROWS)], label_sums);
        move_sums
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::perceptron::{Rng, Trainer};

    /// A model of `n_labelled` classes trained on random updates: a few
    /// frequent features (long rows) and many rare ones (short rows), on both
    /// parts, as the parser's training makes them.
    fn random_model(n_labelled: usize, seed: u64) -> (Frozen, Frozen, Vec<u64>) {
        let mut rng = Rng::new(seed);
        let keys: Vec<u64> = (0..20_000).map(|_| rng.next_u64()).collect();
        let mut moves = Trainer::new(3);
        let mut labelled = Trainer::new(n_labelled);
        for _ in 0..6_000 {
            let features: Vec<u64> = (0..8)
                .map(|idx| {
                    if idx < 2 {
                        keys[rng.below(20)]
                    } else {
                        keys[rng.below(keys.len())]
                    }
                })
                .collect();
            moves.update(&features, rng.below(3), rng.below(3));
            labelled.update(&features, rng.below(n_labelled), rng.below(n_labelled));
        }
        (moves.freeze(0.0), labelled.freeze(0.0), keys)
    }

    fn row_map(frozen: &Frozen) -> HashMap<u64, Vec<(u16, i16)>> {
        frozen
            .rows()
            .map(|(key, classes, weights)| {
                (
                    key,
                    classes.iter().copied().zip(weights.iter().copied()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn scores_are_the_sums_of_the_frozen_rows() {
        // 103 classes: fixed-length dense rows and inline cells; 301: the
        // block loop and no inline cells.
        for (n_labelled, seed) in [(103, 1), (301, 2)] {
            let (moves, labelled, keys) = random_model(n_labelled, seed);
            let scorer = Scorer::new(&moves, &labelled);
            let (move_rows, label_rows) = (row_map(&moves), row_map(&labelled));
            let mut rng = Rng::new(seed + 10);
            let mut label_sums = vec![0; scorer.label_sums_len()];
            for _ in 0..200 {
                // Trained keys and unseen ones.
                let features: [u64; N_FEATURES] = std::array::from_fn(|_| {
                    if rng.below(4) == 0 {
                        rng.next_u64()
                    } else {
                        keys[rng.below(keys.len())]
                    }
                });
                let mut expected_moves = [0i32; 3];
                for feature in &features {
                    for &(class, weight) in move_rows.get(feature).into_iter().flatten() {
                        expected_moves[usize::from(class)] += i32::from(weight);
                    }
                }
                let mut expected_labels = vec![0i32; n_labelled];
                for &slot in &LABEL_FEATURES {
                    for &(class, weight) in label_rows.get(&features[slot]).into_iter().flatten() {
                        expected_labels[usize::from(class)] += i32::from(narrowed(weight));
                    }
                }
                assert_eq!(scorer.score(&features, &mut label_sums), expected_moves);
                assert_eq!(&label_sums[..n_labelled], &expected_labels[..]);
            }
        }
    }

    #[test]
    fn slots_are_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Slot>(), 16);
    }
}

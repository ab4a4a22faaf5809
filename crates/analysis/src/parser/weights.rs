//! The parser's weights laid out for scoring speed. A configuration has a
//! hundred features, each a lookup in a table of hundreds of thousands of
//! rows, and a class per (move, label): scoring is bound by memory latency and
//! by adding up rows. So every slot of the open-addressing table is
//! self-contained (a 32-bit check and where the row is), all the features'
//! slots are found first and their rows summed second (independent loads,
//! whose misses the processor overlaps), and a row is stored one of two ways:
//! the long rows of frequent features (tags, common words) as a dense run of
//! 16-bit weights that the compiler adds with vector instructions, the short
//! rows of rare features as sparse (class, weight) cells. Weights keep 12 of
//! their 16 bits, so that sixteen dense rows add up in 16-bit lanes (eight to
//! a vector instruction) without overflow before they are widened.

use super::features::N_FEATURES;
use crate::perceptron::Frozen;

/// An empty slot (no row starts at 0: the cells begin with a spare word).
const EMPTY: u32 = 0;

/// A slot's row with this bit set is dense: the rest is its row number.
const DENSE: u32 = 1 << 31;

/// A sparse row's slot holds its length in these low bits, its start above.
const LENGTH_BITS: u32 = 4;

/// Sparse rows are shorter than this; longer ones are dense.
const MAX_SPARSE: usize = 1 << LENGTH_BITS;

/// Stored weights are the frozen ones shifted right by this, so that they fit
/// in 12 bits (at most 2,047 in magnitude)...
const DROPPED_BITS: u32 = 4;

/// ...and this many of them add up in 16 bits without overflow.
const DENSE_GROUP: usize = 16;

/// The longest dense row the scorer sums in 16 bits (classes beyond it, for a
/// model with more than 255 labels, are not scored by dense rows).
const MAX_STRIDE: usize = 512;

/// A frozen weight at the scorer's scale.
#[inline]
fn narrowed(weight: i16) -> i16 {
    let rounding = 1i32 << (DROPPED_BITS - 1);
    ((i32::from(weight) + rounding) >> DROPPED_BITS).clamp(-2047, 2047) as i16
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scorer {
    /// The length of a dense row and of the score vector: the number of
    /// classes rounded up to a multiple of 16, so that vector loops have no
    /// remainder.
    stride: usize,
    /// What one stored unit of a score is worth.
    unit: f32,
    mask: usize,
    /// Per slot: the key's upper 32 bits, and where its row is ([`EMPTY`],
    /// a dense row number with [`DENSE`], or a sparse row's start and length).
    slots: Vec<(u32, u32)>,
    /// Sparse rows' `class << 16 | weight` cells.
    cells: Vec<u32>,
    /// Dense rows of `stride` weights each.
    dense: Vec<i16>,
}

impl Scorer {
    pub(crate) fn new(frozen: &Frozen) -> Scorer {
        let n_keys = frozen.n_features();
        let stride = frozen.n_classes().div_ceil(16) * 16;
        // At most half full, so that most probes, even for missing
        // features, end at once.
        let capacity = (2 * n_keys + 1).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut scorer = Scorer {
            stride,
            unit: frozen.scale() * (1u32 << DROPPED_BITS) as f32,
            mask,
            slots: vec![(0, EMPTY); capacity],
            cells: vec![0],
            dense: Vec::new(),
        };
        // A dense row costs `stride` weights of two bytes, a sparse one four
        // bytes a cell and a scattered add each: dense pays from an eighth
        // full, and a sparse row's length must fit its bits.
        let dense_from = (stride / 8).clamp(2, MAX_SPARSE);
        for (key, classes, weights) in frozen.rows() {
            if classes.is_empty() {
                continue;
            }
            let mut slot = (key as usize) & mask;
            while scorer.slots[slot].1 != EMPTY {
                slot = (slot + 1) & mask;
            }
            let location = if classes.len() >= dense_from {
                let row = scorer.dense.len() / stride;
                scorer.dense.resize(scorer.dense.len() + stride, 0);
                let dense_row = &mut scorer.dense[row * stride..];
                for (&class, &weight) in classes.iter().zip(weights) {
                    dense_row[usize::from(class)] = narrowed(weight);
                }
                DENSE | row as u32
            } else {
                let start = scorer.cells.len() as u32;
                for (&class, &weight) in classes.iter().zip(weights) {
                    scorer
                        .cells
                        .push(u32::from(class) << 16 | u32::from(narrowed(weight) as u16));
                }
                start << LENGTH_BITS | classes.len() as u32
            };
            scorer.slots[slot] = ((key >> 32) as u32, location);
        }
        scorer
    }

    /// What one stored unit of a score is worth.
    pub(crate) fn unit(&self) -> f32 {
        self.unit
    }

    /// How long the score vector must be.
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// Where a key's row is, or [`EMPTY`].
    #[inline]
    fn find(&self, key: u64) -> u32 {
        let check = (key >> 32) as u32;
        let mut slot = (key as usize) & self.mask;
        loop {
            let (slot_check, location) = self.slots[slot];
            if location == EMPTY || slot_check == check {
                return location;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// Sets `scores` ([`Scorer::stride`] long) to every class's score, in
    /// stored units.
    #[inline]
    pub(crate) fn score(&self, features: &[u64], scores: &mut [i32]) {
        // Find every row first: independent loads, overlapped.
        let mut rows = [EMPTY; N_FEATURES];
        let rows = &mut rows[..features.len().min(N_FEATURES)];
        for (row, &feature) in rows.iter_mut().zip(features) {
            *row = self.find(feature);
        }
        scores.fill(0);
        let stride = self.stride;
        let Some(scores) = scores.get_mut(..stride) else {
            return;
        };
        // Dense rows add up in 16-bit lanes, sixteen rows at a time.
        let mut partial = [0i16; MAX_STRIDE];
        let partial = &mut partial[..stride.min(MAX_STRIDE)];
        let mut n_partial = 0;
        for &location in rows.iter() {
            if location & DENSE == 0 {
                continue;
            }
            let offset = (location & !DENSE) as usize * stride;
            if let Some(row) = self.dense.get(offset..offset + partial.len()) {
                for (sum, &weight) in partial.iter_mut().zip(row) {
                    *sum = sum.wrapping_add(weight);
                }
                n_partial += 1;
                if n_partial == DENSE_GROUP {
                    for (score, sum) in scores.iter_mut().zip(partial.iter_mut()) {
                        *score += i32::from(*sum);
                        *sum = 0;
                    }
                    n_partial = 0;
                }
            }
        }
        if n_partial > 0 {
            for (score, &sum) in scores.iter_mut().zip(partial.iter()) {
                *score += i32::from(sum);
            }
        }
        for &location in rows.iter() {
            if location & DENSE != 0 {
                continue;
            }
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

/// One slot of the move table: a 16-bit check of the key and the three
/// moves' weights, inline (an empty slot is all zeros, so a miss adds nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct MoveSlot {
    check: u16,
    weights: [i16; 3],
}

/// The check of a key: 16 bits the slot number does not use; 0 marks empty.
#[inline]
fn move_check(key: u64) -> u16 {
    ((key >> 48) as u16).max(1)
}

/// The coarse part of the model: three unlabelled moves' weights, stored in
/// the hash table's slots, so that a feature costs one memory access.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MoveScorer {
    scale: f32,
    mask: usize,
    slots: Vec<MoveSlot>,
}

impl MoveScorer {
    pub(crate) fn new(frozen: &Frozen) -> MoveScorer {
        let n_keys = frozen.n_features();
        let capacity = (2 * n_keys + 1).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut slots = vec![MoveSlot::default(); capacity];
        for (key, classes, weights) in frozen.rows() {
            let mut slot = (key as usize) & mask;
            while slots[slot].check != 0 {
                slot = (slot + 1) & mask;
            }
            let mut entry = MoveSlot {
                check: move_check(key),
                weights: [0; 3],
            };
            for (&class, &weight) in classes.iter().zip(weights) {
                if let Some(cell) = entry.weights.get_mut(usize::from(class)) {
                    *cell = weight;
                }
            }
            slots[slot] = entry;
        }
        MoveScorer {
            scale: frozen.scale(),
            mask,
            slots,
        }
    }

    /// What one stored unit of a score is worth.
    pub(crate) fn unit(&self) -> f32 {
        self.scale
    }

    /// The three moves' scores, in stored units.
    #[inline]
    pub(crate) fn score(&self, features: &[u64]) -> [i32; 3] {
        let mut sums = [0i32; 3];
        for &feature in features {
            let check = move_check(feature);
            let mut slot = (feature as usize) & self.mask;
            let weights = loop {
                let entry = self.slots[slot];
                if entry.check == check || entry.check == 0 {
                    break entry.weights;
                }
                slot = (slot + 1) & self.mask;
            };
            for (sum, weight) in sums.iter_mut().zip(weights) {
                *sum += i32::from(weight);
            }
        }
        sums
    }
}

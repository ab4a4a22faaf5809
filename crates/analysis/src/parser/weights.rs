//! The parser's weights laid out for scoring speed. A configuration has a
//! hundred features, each a lookup in a table of hundreds of thousands of
//! rows, and a class per (move, label): scoring is bound by memory latency and
//! by adding up rows. So every slot of the open-addressing table is
//! self-contained (a 32-bit check and where the row is), all the features'
//! slots are found first and their rows summed second (independent loads,
//! whose misses the processor overlaps), and a row is stored one of two ways:
//! the long rows of frequent features (tags, common words) as a dense run of
//! 16-bit weights that the compiler adds with vector instructions, the short
//! rows of rare features as sparse (class, weight) cells.

use super::features::N_FEATURES;
use crate::perceptron::Frozen;

/// Marks an empty slot, and is the start of the empty sparse row that missing
/// features read, so that summing needs no branch for them.
const EMPTY: u32 = 0;

/// A slot's start with this bit set points into the dense rows.
const DENSE: u32 = 1 << 31;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scorer {
    n_classes: usize,
    /// The length of a dense row and of the score vector: `n_classes`
    /// rounded up to a multiple of 16, so that vector loops have no remainder.
    stride: usize,
    mask: usize,
    /// Per slot: the key's upper 32 bits.
    checks: Vec<u32>,
    /// Per slot: where the row starts (in `cells`, or with [`DENSE`] set, in
    /// `dense` counted in rows), or [`EMPTY`].
    starts: Vec<u32>,
    /// Sparse rows one after another: a cell count, then `class << 16 | weight` cells.
    cells: Vec<u32>,
    /// Dense rows of `stride` weights each.
    dense: Vec<i16>,
}

impl Scorer {
    pub(crate) fn new(frozen: &Frozen) -> Scorer {
        let n_keys = frozen.n_features();
        let n_classes = frozen.n_classes();
        let stride = n_classes.div_ceil(16) * 16;
        // At most about two thirds full, so that most probes end at once.
        let capacity = (n_keys + n_keys / 2 + 1).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut scorer = Scorer {
            n_classes,
            stride,
            mask,
            checks: vec![0; capacity],
            starts: vec![EMPTY; capacity],
            cells: vec![0],
            dense: Vec::new(),
        };
        // A dense row costs `stride` weights of two bytes, a sparse one four
        // bytes a cell and a scattered add each: dense pays from an eighth full.
        let dense_from = (stride / 8).max(2);
        for (key, classes, weights) in frozen.rows() {
            if classes.is_empty() {
                continue;
            }
            let mut slot = (key as usize) & mask;
            while scorer.starts[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            scorer.checks[slot] = (key >> 32) as u32;
            if classes.len() >= dense_from {
                let row = scorer.dense.len() / stride;
                scorer.starts[slot] = DENSE | row as u32;
                scorer.dense.resize(scorer.dense.len() + stride, 0);
                let dense_row = &mut scorer.dense[row * stride..];
                for (&class, &weight) in classes.iter().zip(weights) {
                    dense_row[usize::from(class)] = weight;
                }
            } else {
                scorer.starts[slot] = scorer.cells.len() as u32;
                scorer.cells.push(classes.len() as u32);
                for (&class, &weight) in classes.iter().zip(weights) {
                    scorer
                        .cells
                        .push(u32::from(class) << 16 | u32::from(weight as u16));
                }
            }
        }
        scorer
    }

    /// How long the score vector must be.
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// Where a key's row starts, or [`EMPTY`].
    #[inline]
    fn find(&self, key: u64) -> u32 {
        let check = (key >> 32) as u32;
        let mut slot = (key as usize) & self.mask;
        loop {
            let start = self.starts[slot];
            if start == EMPTY || self.checks[slot] == check {
                return start;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// Sets `scores` ([`Scorer::stride`] long) to every class's score, in
    /// stored units.
    #[inline]
    pub(crate) fn score(&self, features: &[u64; N_FEATURES], scores: &mut [i32]) {
        let mut rows = [0u32; N_FEATURES];
        for (row, &feature) in rows.iter_mut().zip(features) {
            *row = self.find(feature);
        }
        scores.fill(0);
        let stride = self.stride;
        let Some(scores) = scores.get_mut(..stride) else {
            return;
        };
        for &start in &rows {
            if start & DENSE == 0 {
                continue;
            }
            let offset = (start & !DENSE) as usize * stride;
            if let Some(row) = self.dense.get(offset..offset + stride) {
                for (score, &weight) in scores.iter_mut().zip(row) {
                    *score += i32::from(weight);
                }
            }
        }
        let mut lengths = [0u32; N_FEATURES];
        for (length, &start) in lengths.iter_mut().zip(&rows) {
            if start & DENSE == 0 {
                *length = self.cells.get(start as usize).copied().unwrap_or(0);
            }
        }
        for (&start, &length) in rows.iter().zip(&lengths) {
            let start = start as usize + 1;
            let Some(cells) = self.cells.get(start..start + length as usize) else {
                continue;
            };
            for &cell in cells {
                if let Some(score) = scores.get_mut((cell >> 16) as usize) {
                    *score += i32::from(cell as u16 as i16);
                }
            }
        }
    }
}

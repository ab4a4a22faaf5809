//! The parser's weights laid out for scoring speed. A configuration has a
//! hundred features, each a lookup in a table of about a million rows, so
//! scoring is bound by memory latency: here every slot of the open-addressing
//! table is self-contained (a 32-bit check and the row's start), all the
//! features' rows are found first and summed second, so the lookups of one
//! configuration are independent and the processor overlaps their misses, and
//! each cell of a row is one 32-bit word (class and weight).

use super::features::N_FEATURES;
use crate::perceptron::Frozen;

/// Marks an empty slot, and is the start of the empty row that missing
/// features read, so that summing needs no branch for them.
const EMPTY: u32 = 0;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scorer {
    n_classes: usize,
    mask: usize,
    /// Per slot: the key's upper 32 bits.
    checks: Vec<u32>,
    /// Per slot: where the row starts in `cells`, or [`EMPTY`].
    starts: Vec<u32>,
    /// Rows one after another: a cell count, then `class << 16 | weight` cells.
    cells: Vec<u32>,
}

impl Scorer {
    pub(crate) fn new(frozen: &Frozen) -> Scorer {
        let n_keys = frozen.n_features();
        // At most about two thirds full, so that most probes end at once.
        let capacity = (n_keys + n_keys / 2 + 1).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut scorer = Scorer {
            n_classes: frozen.n_classes(),
            mask,
            checks: vec![0; capacity],
            starts: vec![EMPTY; capacity],
            cells: Vec::with_capacity(1 + n_keys + frozen.n_weights()),
        };
        scorer.cells.push(0);
        for (key, classes, weights) in frozen.rows() {
            if classes.is_empty() {
                continue;
            }
            let mut slot = (key as usize) & mask;
            while scorer.starts[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            scorer.checks[slot] = (key >> 32) as u32;
            scorer.starts[slot] = scorer.cells.len() as u32;
            scorer.cells.push(classes.len() as u32);
            for (&class, &weight) in classes.iter().zip(weights) {
                scorer
                    .cells
                    .push(u32::from(class) << 16 | u32::from(weight as u16));
            }
        }
        scorer
    }

    pub(crate) fn n_classes(&self) -> usize {
        self.n_classes
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

    /// Sets `scores` (`n_classes` long) to every class's score, in stored units.
    #[inline]
    pub(crate) fn score(
        &self,
        features: &[u64; N_FEATURES],
        rows: &mut [u32; N_FEATURES],
        scores: &mut [i32],
    ) {
        // Three passes, each of independent loads: the slots, then the rows'
        // lengths (which brings each row's first cells into the cache), then
        // the cells.
        for (row, &feature) in rows.iter_mut().zip(features) {
            *row = self.find(feature);
        }
        let mut lengths = [0u32; N_FEATURES];
        for (length, &start) in lengths.iter_mut().zip(rows.iter()) {
            *length = self.cells.get(start as usize).copied().unwrap_or(0);
        }
        scores.fill(0);
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

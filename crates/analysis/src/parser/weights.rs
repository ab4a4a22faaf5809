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

use super::features::{LABEL_FEATURES, MOVE_ONLY_FEATURES, N_FEATURES};
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

/// Dense rows are summed this many classes at a time (two 128-bit vectors of
/// 16-bit lanes); a dense row's length is a multiple of it.
const LANES: usize = 16;

/// Adds a block of weights into 16-bit sums, lane by lane (a fixed-length
/// loop the compiler turns into vector adds).
#[inline(always)]
fn add_lanes(sums: &mut [i16; LANES], weights: &[i16; LANES]) {
    for lane in 0..LANES {
        sums[lane] = sums[lane].wrapping_add(weights[lane]);
    }
}

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
    pub(crate) fn find(&self, key: u64) -> u32 {
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
        let dense: Vec<u32> = rows.iter().filter(|&&row| row & DENSE != 0).map(|&row| row & !DENSE).collect();
        let sparse: Vec<u32> = rows.iter().copied().filter(|&row| row & DENSE == 0).collect();
        self.add_dense(&dense, scores);
        self.add_sparse(&sparse, scores);
    }

    /// Adds the dense rows (numbers) to `scores`, at least
    /// [`Scorer::stride`] long.
    #[inline]
    pub(crate) fn add_dense(&self, rows: &[u32], scores: &mut [i32]) {
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

    /// [`Scorer::add_dense`] for rows `WIDTH` (the stride) long: sixteen rows
    /// at a time into 16-bit sums, then widened.
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
                    for lane in 0..WIDTH {
                        sums[lane] = sums[lane].wrapping_add(weights[lane]);
                    }
                }
            }
            for lane in 0..WIDTH {
                scores[lane] += i32::from(sums[lane]);
            }
        }
    }

    /// [`Scorer::add_dense`] for any stride: a block of sixteen classes at a
    /// time.
    fn add_dense_blocks(&self, rows: &[u32], scores: &mut [i32]) {
        let stride = self.stride;
        for block_start in (0..stride).step_by(LANES) {
            let Some(block_scores) = scores.get_mut(block_start..).and_then(<[i32]>::first_chunk_mut::<LANES>)
            else {
                break;
            };
            for group in rows.chunks(DENSE_GROUP) {
                let mut sums = [0i16; LANES];
                for &row in group {
                    let start = row as usize * stride + block_start;
                    if let Some(weights) = self.dense.get(start..).and_then(<[i16]>::first_chunk) {
                        add_lanes(&mut sums, weights);
                    }
                }
                for lane in 0..LANES {
                    block_scores[lane] += i32::from(sums[lane]);
                }
            }
        }
    }

    /// Adds the sparse rows at `locations` to `scores`.
    #[inline]
    pub(crate) fn add_sparse(&self, locations: &[u32], scores: &mut [i32]) {
        for &location in locations {
            let start = (location >> LENGTH_BITS) as usize;
            let length = (location & (MAX_SPARSE as u32 - 1)) as usize;
            if let Some(cells) = self.cells.get(start..start + length) {
                for &cell in cells {
                    let class = (cell >> 16) as usize;
                    if let Some(score) = scores.get_mut(class) {
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

/// One slot of the joint table: the key's upper 32 bits (0 marks an empty
/// slot), its three move weights, and its label row: up to two (class,
/// weight) cells inline (four in five rows of a trained model have one or
/// two), or where the row is. Sixteen bytes, so four slots share a cache line
/// and none straddles two; a feature then costs one memory access, rarely two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(16))]
struct JointSlot {
    check: u32,
    moves: [i16; 3],
    /// [`OUT_OF_LINE`] and the row's location in the next two, or two
    /// classes (a byte each) and their weights.
    labels: [u16; 3],
}

/// Inline cells' classes are a byte: the label score vector is at least this
/// long, so that they index it without a bounds check.
const INLINE_CLASSES: usize = 256;

/// At least as many as the label features, a power of two.
const ROWS: usize = LABEL_FEATURES.len().next_power_of_two();

/// A joint slot's label row that is not inline.
const OUT_OF_LINE: u16 = u16::MAX;

impl Default for JointSlot {
    fn default() -> JointSlot {
        JointSlot {
            check: 0,
            moves: [0; 3],
            labels: [OUT_OF_LINE, EMPTY as u16, (EMPTY >> 16) as u16],
        }
    }
}

/// The check of a key in the joint table: its upper 32 bits, never 0.
#[inline]
fn joint_check(key: u64) -> u32 {
    ((key >> 32) as u32).max(1)
}

/// Both parts of the model behind one table: one probe gives a feature's
/// move weights and its label row (or where it is).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JointScorer {
    move_unit: f32,
    labels: Scorer,
    slots: Vec<JointSlot>,
    mask: usize,
}

impl JointScorer {
    pub(crate) fn new(moves: &Frozen, labelled: &Frozen) -> JointScorer {
        let labels = Scorer::new(labelled);
        let mut keys: Vec<u64> = moves.rows().map(|(key, _, _)| key).collect();
        keys.extend(labelled.rows().map(|(key, _, _)| key));
        keys.sort_unstable();
        keys.dedup();
        // At most half full, as the other tables.
        let capacity = (2 * keys.len() + 1).next_power_of_two().max(16);
        let mut scorer = JointScorer {
            move_unit: moves.scale(),
            labels,
            slots: vec![JointSlot::default(); capacity],
            mask: capacity - 1,
        };
        for &key in &keys {
            let slot = scorer.slot(key);
            scorer.slots[slot].check = joint_check(key);
        }
        for (key, classes, weights) in moves.rows() {
            let slot = scorer.slot(key);
            for (&class, &weight) in classes.iter().zip(weights) {
                if let Some(cell) = scorer.slots[slot].moves.get_mut(usize::from(class)) {
                    *cell = weight;
                }
            }
        }
        // Classes up to 254 fit a byte, short of the out-of-line mark.
        let inline = labelled.n_classes() <= 255;
        for (key, classes, weights) in labelled.rows() {
            let slot = scorer.slot(key);
            let cells: Vec<(u16, i16)> = classes
                .iter()
                .zip(weights)
                .map(|(&class, &weight)| (class, narrowed(weight)))
                .filter(|&(_, weight)| weight != 0)
                .collect();
            scorer.slots[slot].labels = match cells[..] {
                [] => continue,
                [(class, weight)] if inline => [class, weight as u16, 0],
                [(first, first_weight), (second, second_weight)] if inline => {
                    [first | second << 8, first_weight as u16, second_weight as u16]
                }
                _ => {
                    let location = scorer.labels.find(key);
                    [OUT_OF_LINE, location as u16, (location >> 16) as u16]
                }
            };
        }
        scorer
    }
    /// The slot that holds a key, or the empty slot where it would go.
    #[inline]
    fn slot(&self, key: u64) -> usize {
        let check = joint_check(key);
        let mut slot = (key as usize) & self.mask;
        loop {
            let entry_check = self.slots[slot].check;
            if entry_check == check || entry_check == 0 {
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
        self.labels.unit()
    }


    /// The three moves' scores, and in `label_sums` ([`JointScorer::stride`]
    /// long) the scores of the classes in `classes` (some others may hold
    /// partial sums), all in stored units.
    #[inline]
    pub(crate) fn score(
        &self,
        features: &[u64; N_FEATURES],
        label_sums: &mut [i32],
    ) -> [i32; 3] {
        let mut move_sums = [0i32; 3];
        // Only the labelled part's features have label rows.
        for &slot in &MOVE_ONLY_FEATURES {
            let entry = &self.slots[self.slot(features[slot])];
            for (sum, &weight) in move_sums.iter_mut().zip(&entry.moves) {
                *sum += i32::from(weight);
            }
        }
        let Some(inline_sums) = label_sums.first_chunk_mut::<INLINE_CLASSES>() else {
            return move_sums;
        };
        inline_sums.fill(0);
        // Room for every label feature's row (a power of two, so that
        // masking the index proves it in bounds).
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
        self.labels.add_dense(&dense_rows[..n_dense.min(ROWS)], label_sums);
        self.labels.add_sparse(&sparse_rows[..n_sparse.min(ROWS)], label_sums);
        move_sums
    }

    /// How long the label score vector must be.
    pub(crate) fn label_sums_len(&self) -> usize {
        self.labels.stride().max(INLINE_CLASSES)
    }
}

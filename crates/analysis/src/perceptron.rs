//! The averaged perceptron every trained part of the analysis shares (tagger,
//! parser, entity recogniser): sparse hashed features, one weight per
//! (feature, class) actually updated, averaged over every step of training,
//! then frozen into a compact table that is embedded in the binary.
//!
//! A feature is a `u64` key: a template number mixed with the values it
//! reads ([`key`], [`key2`], [`hash_str`]). Training is deterministic: no
//! randomness here, and ties between classes go to the lowest class number.

use std::collections::HashMap;

/// Mixes one more value into a hash (the 64-bit finaliser of MurmurHash3,
/// applied after an FxHash-style multiply-add): cheap, and good enough that
/// templates do not collide in practice.
#[inline]
pub fn mix(hash: u64, value: u64) -> u64 {
    let mut x = (hash.rotate_left(5) ^ value).wrapping_mul(0x517c_c1b7_2722_0a95);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// Hashes a string's bytes (FNV-1a, then [`mix`] to spread the bits).
#[inline]
pub fn hash_str(text: &str) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in text.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(hash, text.len() as u64)
}

/// A feature key from a template number and one value.
#[inline]
pub fn key(template: u32, value: u64) -> u64 {
    mix(mix(0x9e37_79b9_7f4a_7c15, u64::from(template)), value)
}

/// A feature key from a template number and two values.
#[inline]
pub fn key2(template: u32, first: u64, second: u64) -> u64 {
    mix(key(template, first), second)
}

/// A small deterministic random number generator (SplitMix64) for shuffling
/// training data: the same seed gives the same order on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound > 0`).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// One (class, weight) cell of a feature's row during training, with what
/// averaging needs: the running total and the step it was last brought up to.
#[derive(Debug, Clone)]
struct Cell {
    class: u16,
    weight: f32,
    total: f64,
    stamp: u64,
}

/// A perceptron being trained, with weight averaging.
#[derive(Debug, Clone)]
pub struct Trainer {
    n_classes: usize,
    rows: HashMap<u64, Vec<Cell>>,
    /// Updates made so far (the averaging clock).
    step: u64,
}

impl Trainer {
    pub fn new(n_classes: usize) -> Trainer {
        assert!(
            n_classes > 0 && n_classes <= usize::from(u16::MAX),
            "1 to 65,535 classes"
        );
        Trainer {
            n_classes,
            rows: HashMap::new(),
            step: 0,
        }
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Adds every class's current (not averaged) score for the features into
    /// `scores`, which must hold `n_classes` values.
    pub fn score(&self, features: &[u64], scores: &mut [f32]) {
        debug_assert_eq!(scores.len(), self.n_classes);
        for feature in features {
            if let Some(row) = self.rows.get(feature) {
                for cell in row {
                    scores[usize::from(cell.class)] += cell.weight;
                }
            }
        }
    }

    /// The best class for the features (current weights), among those `allowed`
    /// says yes to.
    pub fn predict(
        &self,
        features: &[u64],
        scores: &mut Vec<f32>,
        allowed: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        scores.clear();
        scores.resize(self.n_classes, 0.0);
        self.score(features, scores);
        argmax(scores, allowed)
    }

    /// One perceptron update: `truth` up, `guess` down, by one. Call it once
    /// per decision, even when `truth == guess` (it then only ticks the clock),
    /// so that averaging weighs every decision the same.
    pub fn update(&mut self, features: &[u64], truth: usize, guess: usize) {
        self.update_by(features, truth, guess, 1.0);
    }

    /// Like [`Trainer::update`] with a weight other than one (a cost-sensitive
    /// update); `truth == guess` ticks the clock only.
    pub fn update_by(&mut self, features: &[u64], truth: usize, guess: usize, amount: f32) {
        self.step += 1;
        if truth == guess {
            return;
        }
        for &feature in features {
            let row = self.rows.entry(feature).or_default();
            bump(row, truth as u16, amount, self.step);
            bump(row, guess as u16, -amount, self.step);
        }
    }

    /// How many features have a row.
    pub fn n_features(&self) -> usize {
        self.rows.len()
    }

    /// The averaged weights, frozen: cells whose averaged weight is below
    /// `min_abs` in magnitude are dropped, and weights are stored as 16-bit
    /// integers on one scale for the whole model.
    pub fn freeze(&self, min_abs: f32) -> Frozen {
        let step = self.step.max(1) as f64;
        let mut keys: Vec<u64> = self.rows.keys().copied().collect();
        keys.sort_unstable();
        let mut averaged: Vec<(u64, Vec<(u16, f32)>)> = Vec::with_capacity(keys.len());
        let mut max_abs = 0f32;
        for key in keys {
            let mut cells: Vec<(u16, f32)> = self.rows[&key]
                .iter()
                .map(|cell| {
                    // The last weight holds from its stamp through the final step.
                    let total = cell.total + f64::from(cell.weight) * (self.step + 1 - cell.stamp) as f64;
                    (cell.class, (total / step) as f32)
                })
                .filter(|(_, weight)| weight.abs() >= min_abs && *weight != 0.0)
                .collect();
            if cells.is_empty() {
                continue;
            }
            cells.sort_unstable_by_key(|(class, _)| *class);
            for (_, weight) in &cells {
                max_abs = max_abs.max(weight.abs());
            }
            averaged.push((key, cells));
        }
        let scale = if max_abs > 0.0 {
            max_abs / f32::from(i16::MAX)
        } else {
            1.0
        };
        let mut frozen = Frozen {
            n_classes: self.n_classes as u16,
            scale,
            keys: Vec::with_capacity(averaged.len()),
            starts: Vec::with_capacity(averaged.len() + 1),
            classes: Vec::new(),
            weights: Vec::new(),
            slots: Vec::new(),
        };
        for (key, cells) in averaged {
            frozen.keys.push(key);
            frozen.starts.push(frozen.classes.len() as u32);
            for (class, weight) in cells {
                let quantised = (weight / scale)
                    .round()
                    .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
                if quantised != 0 {
                    frozen.classes.push(class);
                    frozen.weights.push(quantised);
                }
            }
        }
        frozen.starts.push(frozen.classes.len() as u32);
        frozen.build_slots();
        frozen
    }
}

fn bump(row: &mut Vec<Cell>, class: u16, amount: f32, step: u64) {
    let cell = match row.iter_mut().position(|cell| cell.class == class) {
        Some(position) => &mut row[position],
        None => {
            row.push(Cell {
                class,
                weight: 0.0,
                total: 0.0,
                stamp: step,
            });
            row.last_mut().expect("just pushed")
        }
    };
    cell.total += f64::from(cell.weight) * (step - cell.stamp) as f64;
    cell.stamp = step;
    cell.weight += amount;
}

/// The best-scoring index that `allowed` accepts; ties go to the lowest.
pub fn argmax(scores: &[f32], allowed: impl Fn(usize) -> bool) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (class, &score) in scores.iter().enumerate() {
        if !allowed(class) {
            continue;
        }
        if best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((class, score));
        }
    }
    best.map(|(class, _)| class)
}

/// Averaged, pruned, quantised weights: what ships.
#[derive(Debug, Clone, PartialEq)]
pub struct Frozen {
    n_classes: u16,
    scale: f32,
    /// Sorted feature keys.
    keys: Vec<u64>,
    /// `starts[i]..starts[i + 1]` are key `i`'s cells.
    starts: Vec<u32>,
    classes: Vec<u16>,
    weights: Vec<i16>,
    /// Open addressing over `keys`: a slot holds a key index + 1, 0 when empty.
    slots: Vec<u32>,
}

const MAGIC: &[u8; 8] = b"CDBAP01\0";

/// Why a weights blob could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "perceptron weights: {}", self.0)
    }
}

impl std::error::Error for FormatError {}

impl Frozen {
    pub fn n_classes(&self) -> usize {
        usize::from(self.n_classes)
    }

    pub fn n_features(&self) -> usize {
        self.keys.len()
    }

    pub fn n_weights(&self) -> usize {
        self.weights.len()
    }

    /// The scale that turns the stored 16-bit weights back into scores.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Every feature's row in key order: (key, classes, 16-bit weights), for
    /// a caller that lays the weights out its own way for speed.
    pub fn rows(&self) -> impl Iterator<Item = (u64, &[u16], &[i16])> + '_ {
        self.keys
            .iter()
            .zip(self.starts.windows(2))
            .map(|(&key, window)| {
                let range = window[0] as usize..window[1] as usize;
                (key, &self.classes[range.clone()], &self.weights[range])
            })
    }

    /// A copy without the weights smaller than `min_abs` in magnitude (in
    /// score units) and without the rows that leaves empty: to trade accuracy
    /// for size after training, without training again.
    pub fn pruned(&self, min_abs: f32) -> Frozen {
        let min_stored = if self.scale > 0.0 {
            min_abs / self.scale
        } else {
            0.0
        };
        let mut pruned = Frozen {
            n_classes: self.n_classes,
            scale: self.scale,
            keys: Vec::new(),
            starts: Vec::new(),
            classes: Vec::new(),
            weights: Vec::new(),
            slots: Vec::new(),
        };
        for (key, classes, weights) in self.rows() {
            let start = pruned.classes.len();
            for (&class, &weight) in classes.iter().zip(weights) {
                if f32::from(weight).abs() >= min_stored {
                    pruned.classes.push(class);
                    pruned.weights.push(weight);
                }
            }
            if pruned.classes.len() > start {
                pruned.keys.push(key);
                pruned.starts.push(start as u32);
            }
        }
        pruned.starts.push(pruned.classes.len() as u32);
        pruned.build_slots();
        pruned
    }

    fn build_slots(&mut self) {
        let capacity = (self.keys.len() * 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        self.slots = vec![0; capacity];
        for (idx, &key) in self.keys.iter().enumerate() {
            let mut slot = (key as usize) & mask;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = idx as u32 + 1;
        }
    }

    #[inline]
    fn row(&self, key: u64) -> Option<std::ops::Range<usize>> {
        let mask = self.slots.len() - 1;
        let mut slot = (key as usize) & mask;
        loop {
            let entry = self.slots[slot];
            if entry == 0 {
                return None;
            }
            let idx = (entry - 1) as usize;
            if self.keys[idx] == key {
                return Some(self.starts[idx] as usize..self.starts[idx + 1] as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Sets `scores` (resized to `n_classes`) to every class's score.
    #[inline]
    pub fn score(&self, features: &[u64], scores: &mut Vec<f32>) {
        scores.clear();
        scores.resize(self.n_classes(), 0.0);
        for &feature in features {
            if let Some(range) = self.row(feature) {
                for (class, weight) in self.classes[range.clone()].iter().zip(&self.weights[range]) {
                    scores[usize::from(*class)] += f32::from(*weight);
                }
            }
        }
        for score in scores.iter_mut() {
            *score *= self.scale;
        }
    }

    /// The best class for the features among those `allowed` accepts.
    pub fn predict(
        &self,
        features: &[u64],
        scores: &mut Vec<f32>,
        allowed: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        self.score(features, scores);
        argmax(scores, allowed)
    }

    /// The weights as bytes (little-endian), for `include_bytes!`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.keys.len() * 12 + self.weights.len() * 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&u32::from(self.n_classes).to_le_bytes());
        out.extend_from_slice(&self.scale.to_le_bytes());
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.weights.len() as u32).to_le_bytes());
        for key in &self.keys {
            out.extend_from_slice(&key.to_le_bytes());
        }
        for window in self.starts.windows(2) {
            let len = u16::try_from(window[1] - window[0]).expect("a row has at most 65,535 classes");
            out.extend_from_slice(&len.to_le_bytes());
        }
        for class in &self.classes {
            out.extend_from_slice(&class.to_le_bytes());
        }
        for weight in &self.weights {
            out.extend_from_slice(&weight.to_le_bytes());
        }
        out
    }

    /// Reads what [`Frozen::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<Frozen, FormatError> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.take(8)? != MAGIC {
            return Err(FormatError("not a claimdb perceptron (bad magic)".into()));
        }
        let n_classes = reader.u32()?;
        let n_classes = u16::try_from(n_classes).map_err(|_| FormatError(format!("{n_classes} classes")))?;
        let scale = f32::from_le_bytes(reader.array()?);
        let n_keys = reader.u32()? as usize;
        let n_weights = reader.u32()? as usize;
        let needed = n_keys * 10 + n_weights * 4;
        if bytes.len() - reader.at != needed {
            return Err(FormatError(format!(
                "expected {needed} bytes of weights, found {}",
                bytes.len() - reader.at
            )));
        }
        let mut keys = Vec::with_capacity(n_keys);
        for _ in 0..n_keys {
            keys.push(u64::from_le_bytes(reader.array()?));
        }
        let mut starts = Vec::with_capacity(n_keys + 1);
        let mut total = 0u32;
        for _ in 0..n_keys {
            starts.push(total);
            total += u32::from(u16::from_le_bytes(reader.array()?));
        }
        starts.push(total);
        if total as usize != n_weights {
            return Err(FormatError(format!(
                "rows hold {total} weights, header says {n_weights}"
            )));
        }
        let mut classes = Vec::with_capacity(n_weights);
        for _ in 0..n_weights {
            let class = u16::from_le_bytes(reader.array()?);
            if class >= n_classes {
                return Err(FormatError(format!("class {class} of {n_classes}")));
            }
            classes.push(class);
        }
        let mut weights = Vec::with_capacity(n_weights);
        for _ in 0..n_weights {
            weights.push(i16::from_le_bytes(reader.array()?));
        }
        let mut frozen = Frozen {
            n_classes,
            scale,
            keys,
            starts,
            classes,
            weights,
            slots: Vec::new(),
        };
        frozen.build_slots();
        Ok(frozen)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self.at.checked_add(n).filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| FormatError("truncated".into()))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three classes told apart by one feature each, plus a shared bias.
    fn toy_data() -> Vec<(Vec<u64>, usize)> {
        let bias = key(0, 0);
        (0..30)
            .map(|i| (vec![bias, key(1, (i % 3) as u64)], i % 3))
            .collect()
    }

    #[test]
    fn learns_separable_classes_and_freezing_keeps_the_decisions() {
        let mut trainer = Trainer::new(3);
        let mut scores = Vec::new();
        for _ in 0..3 {
            for (features, truth) in toy_data() {
                let guess = trainer.predict(&features, &mut scores, |_| true).unwrap();
                trainer.update(&features, truth, guess);
            }
        }
        let frozen = trainer.freeze(0.0);
        for (features, truth) in toy_data() {
            assert_eq!(frozen.predict(&features, &mut scores, |_| true), Some(truth));
        }
        assert_eq!(
            frozen.predict(&[key(1, 2)], &mut scores, |class| class != 2),
            Some(0),
            "masked class skipped, tie to lowest"
        );
    }

    #[test]
    fn weights_round_trip_through_bytes_and_bad_bytes_are_refused() {
        let mut trainer = Trainer::new(3);
        for (features, truth) in toy_data() {
            trainer.update(&features, truth, (truth + 1) % 3);
        }
        let frozen = trainer.freeze(0.0);
        let bytes = frozen.to_bytes();
        assert_eq!(Frozen::from_bytes(&bytes).unwrap(), frozen);
        assert!(Frozen::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Frozen::from_bytes(b"nonsense").is_err());
    }

    #[test]
    fn averaging_weighs_early_and_late_weights_by_how_long_they_held() {
        let mut trainer = Trainer::new(2);
        let feature = [key(7, 1)];
        trainer.update(&feature, 0, 1); // step 1: class 0 = +1, class 1 = -1
        for _ in 0..3 {
            trainer.update(&feature, 0, 0); // steps 2..4: no change
        }
        let frozen = trainer.freeze(0.0);
        let mut scores = Vec::new();
        frozen.score(&feature, &mut scores);
        // The +1 held for all 4 steps (set at step 1, counted from then on).
        assert!(
            (scores[0] - 1.0).abs() < 1e-3 && (scores[1] + 1.0).abs() < 1e-3,
            "{scores:?}"
        );
    }
}

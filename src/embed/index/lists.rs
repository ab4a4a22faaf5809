//! Inverted lists over the index's rows (an IVF index): spherical k-means
//! centroids trained on a sample of the rows, each row in the list of its
//! nearest centroid, and a query reading the lists of its [`PROBES`]
//! nearest centroids.
//!
//! The centroids are unit vectors quantised like a query, so placing a row
//! costs one integer dot product per centroid: an inserted or replaced row
//! is placed at once, and the lists follow the index without a rebuild
//! until it has grown to twice the rows they were trained on. Each list
//! holds its rows' values one after another, so a query reads each list
//! from one place in memory (reading the same rows scattered over the index
//! cost about 8 times as much per row); once the lists are in use they are
//! the only copy of the values.

use super::{Best, DIM, Index, dot};
use crate::embed::{normalise, quantise::quantise_row};

/// Lists read per query: at 1 M rows and 500 lists, about 13% of the rows,
/// p99 8 ms with recall@10 0.96 on clustered vectors (BENCHMARKS.md, issue
/// 15, session 17; 32 were twice as fast with recall@10 0.91).
pub const PROBES: usize = 64;
/// The most centroids an index gets: placing every row costs one dot
/// product per centroid, so this bounds the time to make the lists.
const MAX_LISTS: usize = 512;
/// Sample rows per centroid the k-means is trained on.
const SAMPLE_PER_LIST: usize = 48;
/// Rounds of k-means (assign the sample, move each centroid to its mean).
const ROUNDS: usize = 8;
/// A row not in any list yet.
const UNPLACED: u32 = u32::MAX;

/// The number of lists for an index of `rows`: about √rows / 2 (a list of
/// about 2 √rows rows), at most `MAX_LISTS` (512).
pub fn lists_for(rows: usize) -> usize {
    ((rows as f64).sqrt() / 2.0).round().clamp(1.0, MAX_LISTS as f64) as usize
}

/// The centroids and the rows of each one's list.
#[derive(Debug)]
pub(super) struct Lists {
    /// `n_lists × DIM` int8 values, one scale each.
    centroids: Vec<i8>,
    centroid_scales: Vec<f32>,
    /// Each list's rows, and their values and scales in the same order.
    members: Vec<Vec<u32>>,
    member_values: Vec<Vec<i8>>,
    member_scales: Vec<Vec<f32>>,
    /// Each row's list, [`UNPLACED`] for none, and its place in the list.
    list_of: Vec<u32>,
    place_of: Vec<u32>,
    trained_on: usize,
}

impl Lists {
    /// Trains `n_lists` centroids (at most one per row, at least one) on a
    /// sample of the index's rows and places every row.
    pub(super) fn train(index: &Index, n_lists: usize) -> Lists {
        let rows = index.len();
        let n_lists = n_lists.clamp(1, rows.max(1));
        let n_sample = rows.min(n_lists * SAMPLE_PER_LIST);
        // Evenly spaced rows: deterministic, and the index's order (by claim
        // id, so by time) is sampled across its whole length.
        let sample: Vec<usize> = (0..n_sample).map(|i| i * rows / n_sample).collect();
        // The first centroids are distinct sample rows in a fixed shuffled
        // order (evenly spaced ones could all fall in a few clusters).
        let mut order: Vec<usize> = (0..n_sample).collect();
        shuffle(&mut order);
        let mut centroids: Vec<Vec<f32>> = (0..n_lists)
            .map(|i| match order.get(i) {
                Some(&at) => dequantise(index, sample[at]),
                None => vec![0.0; DIM],
            })
            .collect();
        let mut lists = Lists {
            centroids: Vec::new(),
            centroid_scales: Vec::new(),
            members: Vec::new(),
            member_values: Vec::new(),
            member_scales: Vec::new(),
            list_of: Vec::new(),
            place_of: Vec::new(),
            trained_on: rows,
        };
        for _ in 0..ROUNDS {
            lists.set_centroids(&centroids);
            let nearest = lists.nearest_of_rows(index, &sample);
            let mut sums = vec![vec![0.0f32; DIM]; n_lists];
            let mut counts = vec![0usize; n_lists];
            for (&row, &(list, _)) in sample.iter().zip(&nearest) {
                let scale = index.scales[row];
                for (sum, &q) in sums[list as usize].iter_mut().zip(index.row_values(row)) {
                    *sum += f32::from(q) * scale;
                }
                counts[list as usize] += 1;
            }
            // An empty list restarts at the sample rows its centroids fit
            // worst, so that no centroid is wasted.
            let mut worst: Vec<usize> = (0..sample.len()).collect();
            worst.sort_by(|&a, &b| nearest[a].1.total_cmp(&nearest[b].1));
            let mut worst = worst.into_iter();
            for (list, sum) in sums.iter_mut().enumerate() {
                if counts[list] == 0
                    && let Some(at) = worst.next()
                {
                    *sum = dequantise(index, sample[at]);
                }
                normalise(sum);
            }
            centroids = sums;
        }
        lists.set_centroids(&centroids);
        let all: Vec<usize> = (0..rows).collect();
        lists.list_of = lists
            .nearest_of_rows(index, &all)
            .into_iter()
            .map(|(list, _)| list)
            .collect();
        let mut sizes = vec![0usize; n_lists];
        for &list in &lists.list_of {
            sizes[list as usize] += 1;
        }
        lists.members = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
        lists.member_values = sizes.iter().map(|&n| Vec::with_capacity(n * DIM)).collect();
        lists.member_scales = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
        lists.place_of = Vec::with_capacity(rows);
        for (row, &list) in lists.list_of.iter().enumerate() {
            let list = list as usize;
            lists.place_of.push(lists.members[list].len() as u32);
            lists.members[list].push(row as u32);
            lists.member_values[list].extend_from_slice(index.row_values(row));
            lists.member_scales[list].push(index.scales[row]);
        }
        lists
    }

    fn set_centroids(&mut self, centroids: &[Vec<f32>]) {
        self.centroids.clear();
        self.centroid_scales.clear();
        for centroid in centroids {
            let (values, scale) = quantise_row(centroid);
            self.centroids.extend_from_slice(&values);
            self.centroid_scales.push(scale);
        }
    }

    pub(super) fn n_lists(&self) -> usize {
        self.centroid_scales.len()
    }

    pub(super) fn trained_on(&self) -> usize {
        self.trained_on
    }

    /// The nearest centroid to int8 values, and its score (dot · the
    /// centroid's scale); the first of equals.
    fn nearest_list(&self, values: &[i8]) -> (u32, f32) {
        let mut best = (0u32, f32::NEG_INFINITY);
        for (list, centroid) in self.centroids.chunks_exact(DIM).enumerate() {
            let score = dot(centroid, values) as f32 * self.centroid_scales[list];
            if score > best.1 {
                best = (list as u32, score);
            }
        }
        best
    }

    /// [`Lists::nearest_list`] of each of the rows, over the cores.
    fn nearest_of_rows(&self, index: &Index, rows: &[usize]) -> Vec<(u32, f32)> {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = rows.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let parts: Vec<_> = rows
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|&row| self.nearest_list(index.row_values(row)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().expect("a k-means thread does not panic"))
                .collect()
        })
    }

    /// Puts a row (new, or with new values) into its nearest centroid's
    /// list. There is always a centroid: [`Lists::train`] makes one at least.
    pub(super) fn place(&mut self, row: usize, values: &[i8], scale: f32) {
        let (list, _) = self.nearest_list(values);
        if row >= self.list_of.len() {
            self.list_of.resize(row + 1, UNPLACED);
            self.place_of.resize(row + 1, 0);
        }
        let old = self.list_of[row];
        if old != UNPLACED {
            self.remove(old as usize, self.place_of[row] as usize);
        }
        let list = list as usize;
        self.list_of[row] = list as u32;
        self.place_of[row] = self.members[list].len() as u32;
        self.members[list].push(row as u32);
        self.member_values[list].extend_from_slice(values);
        self.member_scales[list].push(scale);
    }

    /// Takes the row at `at` out of a list: the list's last row moves into
    /// its place.
    fn remove(&mut self, list: usize, at: usize) {
        let members = &mut self.members[list];
        let last = members.len() - 1;
        members.swap_remove(at);
        if let Some(&moved) = members.get(at) {
            self.place_of[moved as usize] = at as u32;
        }
        self.member_scales[list].swap_remove(at);
        let values = &mut self.member_values[list];
        values.copy_within(last * DIM..(last + 1) * DIM, at * DIM);
        values.truncate(last * DIM);
    }

    /// A placed row's values.
    pub(super) fn values_of(&self, row: usize) -> &[i8] {
        let (list, at) = (self.list_of[row] as usize, self.place_of[row] as usize);
        &self.member_values[list][at * DIM..(at + 1) * DIM]
    }

    /// Offers every row of a list to `best`, scored as the flat scan scores
    /// them (dot · the row's scale).
    pub(super) fn scan(&self, list: usize, query: &[i8], best: &mut Best) {
        let rows = self.members[list].iter();
        let values = self.member_values[list].chunks_exact(DIM);
        for ((&row, values), &scale) in rows.zip(values).zip(&self.member_scales[list]) {
            best.offer(row as usize, dot(values, query) as f32 * scale);
        }
    }

    /// The `probes` lists whose centroids are nearest to the query, nearest
    /// first.
    pub(super) fn nearest_lists(&self, query: &[i8], probes: usize) -> Vec<usize> {
        let mut scored: Vec<(usize, f32)> = self
            .centroids
            .chunks_exact(DIM)
            .enumerate()
            .map(|(list, centroid)| (list, dot(centroid, query) as f32 * self.centroid_scales[list]))
            .collect();
        let by_score = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let probes = probes.min(scored.len());
        if probes == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(probes - 1, by_score);
        scored.truncate(probes);
        scored.sort_by(by_score);
        scored.into_iter().map(|(list, _)| list).collect()
    }

    pub(super) fn members(&self, list: usize) -> &[u32] {
        &self.members[list]
    }

    /// The list a row is in, if any (for tests).
    #[cfg(test)]
    pub(super) fn list_of(&self, row: usize) -> Option<usize> {
        self.list_of
            .get(row)
            .filter(|&&list| list != UNPLACED)
            .map(|&list| list as usize)
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.centroids.capacity()
            + self.centroid_scales.capacity() * 4
            + self.list_of.capacity() * 4
            + self.place_of.capacity() * 4
            + self.members.capacity() * 3 * std::mem::size_of::<Vec<u32>>()
            + self.members.iter().map(|m| m.capacity() * 4).sum::<usize>()
            + self.member_values.iter().map(Vec::capacity).sum::<usize>()
            + self.member_scales.iter().map(|s| s.capacity() * 4).sum::<usize>()
    }
}

/// A row back to fp32.
fn dequantise(index: &Index, row: usize) -> Vec<f32> {
    let scale = index.scales[row];
    index
        .row_values(row)
        .iter()
        .map(|&q| f32::from(q) * scale)
        .collect()
}

/// A fixed shuffle (Fisher–Yates over xorshift64* from a constant seed), so
/// that the same rows give the same lists.
fn shuffle(items: &mut [usize]) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..items.len()).rev() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let j = (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}

//! The claims' embeddings in memory, int8: what `FindSimilarClaims` asks
//! for the claims closest in meaning to a text.
//!
//! A query is quantised like the stored vectors (one scale), so each row
//! costs one integer dot product of 384 bytes, which the compiler
//! vectorises; the cosine is that dot times the two scales. A small index
//! is searched by a flat scan of every row (about 1.2 ms at 14 k rows). A
//! large one is searched through inverted lists ([`lists`]): the rows are
//! grouped around k-means centroids, and a query reads only the rows of the
//! centroids nearest to it, scored exactly as the flat scan scores them.
//! The lists are made apart from the index ([`Index::plan_lists`], 20–50 s
//! at 1 M rows, under a read lock) and put in cheaply ([`Index::use_lists`]),
//! so the server builds them off the request path and the flat scan
//! answers until they are ready.

use std::collections::HashMap;

use super::{DIM, quantise::quantise_row};
use crate::model::{ClaimEmbedding, ClaimId};

pub mod lists;

use lists::Lists;

/// Below this many rows the flat scan answers: it is fast enough (p50 about
/// 3 ms at 50 k rows on this machine) and exact.
pub const FLAT_BELOW: usize = 50_000;

/// A unit vector quantised for the scan.
#[derive(Debug, Clone)]
pub struct Query {
    values: Vec<i8>,
    scale: f32,
}

impl Query {
    pub fn new(vector: &[f32]) -> Query {
        let (values, scale) = quantise_row(vector);
        Query { values, scale }
    }
}

/// A unit vector as stored: int8 values and one scale.
pub fn quantise(claim_id: ClaimId, vector: &[f32]) -> ClaimEmbedding {
    let (vector, scale) = quantise_row(vector);
    ClaimEmbedding {
        claim_id,
        scale,
        vector,
    }
}

/// The embeddings, one row per claim, and the inverted lists over them once
/// they have been made.
#[derive(Debug, Default)]
pub struct Index {
    ids: Vec<ClaimId>,
    scales: Vec<f32>,
    /// The rows' values one after another while the index has no lists;
    /// empty once it has, when each list holds its rows' values (one copy).
    values: Vec<i8>,
    rows: HashMap<ClaimId, usize>,
    lists: Option<Lists>,
    /// Rows added or replaced since the index was made: a plan of lists made
    /// before a replacement is stale (see [`Index::use_lists`]).
    edits: u64,
}

/// Inverted lists made from an index as it was ([`Index::plan_lists`]).
#[derive(Debug)]
pub struct ListsPlan {
    lists: Lists,
    rows: usize,
    edits: u64,
}

/// The integer dot product of two int8 rows.
pub fn dot(a: &[i8], b: &[i8]) -> i32 {
    a.iter().zip(b).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum()
}

/// The best `k` (row, score) pairs seen so far, best first; equal scores
/// keep the order they were offered in.
struct Best {
    k: usize,
    rows: Vec<(usize, f32)>,
}

impl Best {
    fn new(k: usize) -> Best {
        Best {
            k,
            rows: Vec::with_capacity(k + 1),
        }
    }

    fn offer(&mut self, row: usize, score: f32) {
        if self.rows.len() < self.k || score > self.rows[self.rows.len() - 1].1 {
            let at = self.rows.partition_point(|&(_, s)| s >= score);
            self.rows.insert(at, (row, score));
            self.rows.truncate(self.k);
        }
    }
}

impl Index {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, claim_id: ClaimId) -> bool {
        self.rows.contains_key(&claim_id)
    }

    /// Adds a claim's embedding, or replaces the one it had (a corrected text).
    /// An embedding of the wrong length is ignored. With inverted lists, the
    /// row goes into its nearest centroid's list (a replaced row moves).
    pub fn insert(&mut self, embedding: ClaimEmbedding) {
        if embedding.vector.len() != DIM {
            return;
        }
        self.edits += 1;
        let row = match self.rows.get(&embedding.claim_id) {
            Some(&row) => {
                self.scales[row] = embedding.scale;
                if self.lists.is_none() {
                    self.values[row * DIM..(row + 1) * DIM].copy_from_slice(&embedding.vector);
                }
                row
            }
            None => {
                let row = self.ids.len();
                self.rows.insert(embedding.claim_id, row);
                self.ids.push(embedding.claim_id);
                self.scales.push(embedding.scale);
                if self.lists.is_none() {
                    self.values.extend_from_slice(&embedding.vector);
                }
                row
            }
        };
        if let Some(lists) = &mut self.lists {
            lists.place(row, &embedding.vector, embedding.scale);
        }
    }

    /// The cosine of a claim's embedding with the query; `None` for a claim
    /// not embedded yet.
    pub fn cosine(&self, claim_id: ClaimId, query: &Query) -> Option<f32> {
        let row = *self.rows.get(&claim_id)?;
        Some(self.row_score(row, query) * query.scale)
    }

    /// A row's dot with the query times the row's scale: the cosine but for
    /// the query's scale, which is the same for every row.
    fn row_score(&self, row: usize, query: &Query) -> f32 {
        dot(self.row_values(row), &query.values) as f32 * self.scales[row]
    }

    fn row_values(&self, row: usize) -> &[i8] {
        match &self.lists {
            Some(lists) => lists.values_of(row),
            None => &self.values[row * DIM..(row + 1) * DIM],
        }
    }

    /// The `k` claims closest to the query, closest first, with their
    /// cosines: through the inverted lists when the index has them and is
    /// not small, else the flat scan.
    pub fn nearest(&self, query: &Query, k: usize) -> Vec<(ClaimId, f32)> {
        if self.is_approximate() {
            self.nearest_probing(query, k, lists::PROBES)
        } else {
            self.nearest_exact(query, k)
        }
    }

    /// The `k` claims closest to the query by the flat scan of every row:
    /// exact (for int8), what the inverted lists are measured against.
    pub fn nearest_exact(&self, query: &Query, k: usize) -> Vec<(ClaimId, f32)> {
        if k == 0 || query.values.len() != DIM {
            return Vec::new();
        }
        let mut best = Best::new(k);
        match &self.lists {
            // Every list in turn: the same rows, each read once, in order.
            Some(lists) => {
                for list in 0..lists.n_lists() {
                    lists.scan(list, &query.values, &mut best);
                }
            }
            None => {
                for (row, values) in self.values.chunks_exact(DIM).enumerate() {
                    best.offer(row, dot(values, &query.values) as f32 * self.scales[row]);
                }
            }
        }
        self.answer(best, query)
    }

    /// The rows a search with `probes` lists reads (all of them without
    /// lists).
    pub fn probed_rows(&self, query: &Query, probes: usize) -> usize {
        match &self.lists {
            Some(lists) => lists
                .nearest_lists(&query.values, probes)
                .into_iter()
                .map(|list| lists.members(list).len())
                .sum(),
            None => self.len(),
        }
    }

    /// The `k` claims closest to the query among the rows of the `probes`
    /// lists whose centroids are nearest to it, scored as the flat scan
    /// scores them; the flat scan when the index has no lists.
    pub fn nearest_probing(&self, query: &Query, k: usize, probes: usize) -> Vec<(ClaimId, f32)> {
        let Some(lists) = &self.lists else {
            return self.nearest_exact(query, k);
        };
        if k == 0 || query.values.len() != DIM {
            return Vec::new();
        }
        let mut best = Best::new(k);
        for list in lists.nearest_lists(&query.values, probes) {
            lists.scan(list, &query.values, &mut best);
        }
        self.answer(best, query)
    }

    fn answer(&self, best: Best, query: &Query) -> Vec<(ClaimId, f32)> {
        best.rows
            .into_iter()
            .map(|(row, score)| (self.ids[row], score * query.scale))
            .collect()
    }

    /// Whether the index is large enough for inverted lists and has none,
    /// or has outgrown the ones it has (twice the rows they were trained
    /// on): then the server makes new ones.
    pub fn wants_lists(&self) -> bool {
        self.len() >= FLAT_BELOW
            && self
                .lists
                .as_ref()
                .is_none_or(|lists| self.len() >= 2 * lists.trained_on())
    }

    /// Inverted lists for the index as it is, with the default number of
    /// lists for its size. Reads every row: seconds at 1 M rows.
    pub fn plan_lists(&self) -> ListsPlan {
        self.plan_lists_with(lists::lists_for(self.len()))
    }

    /// Inverted lists with `n_lists` centroids (at most one per row).
    pub fn plan_lists_with(&self, n_lists: usize) -> ListsPlan {
        ListsPlan {
            lists: Lists::train(self, n_lists),
            rows: self.len(),
            edits: self.edits,
        }
    }

    /// Puts in lists planned from this index, placing the rows added since;
    /// from then on the lists hold the rows' values. A plan made before a
    /// row was replaced is stale: it is refused (`false`) and the index
    /// keeps what it had.
    pub fn use_lists(&mut self, plan: ListsPlan) -> bool {
        let added = self.len() - plan.rows.min(self.len());
        if self.edits != plan.edits + added as u64 {
            return false;
        }
        let mut lists = plan.lists;
        for row in plan.rows..self.len() {
            lists.place(row, self.row_values(row), self.scales[row]);
        }
        self.lists = Some(lists);
        self.values = Vec::new();
        true
    }

    /// Whether the index searches through inverted lists (it has them and
    /// is not small).
    pub fn is_approximate(&self) -> bool {
        self.lists.is_some() && self.len() >= FLAT_BELOW
    }

    /// The heap bytes the index holds, roughly: the rows, their ids and
    /// scales, the id map and the lists.
    pub fn heap_bytes(&self) -> usize {
        let rows = self.values.capacity()
            + self.scales.capacity() * 4
            + self.ids.capacity() * 8
            // A hash map entry: the key, the value and a control byte, at
            // about 7/8 load.
            + self.rows.capacity() * (8 + 8 + 1);
        rows + self.lists.as_ref().map_or(0, Lists::heap_bytes)
    }
}

#[cfg(test)]
mod tests;

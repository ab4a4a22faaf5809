//! The claims' embeddings in memory, int8, searched by a flat scan: what
//! `FindSimilarClaims` asks for the claims closest in meaning to a text.
//!
//! A query is quantised like the stored vectors (one scale), so each row
//! costs one integer dot product of 384 bytes, which the compiler
//! vectorises; the cosine is that dot times the two scales.

use std::collections::HashMap;

use super::{DIM, quantise::quantise_row};
use crate::model::{ClaimEmbedding, ClaimId};

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

/// The embeddings, one row per claim.
#[derive(Debug, Default)]
pub struct Index {
    ids: Vec<ClaimId>,
    scales: Vec<f32>,
    values: Vec<i8>,
    rows: HashMap<ClaimId, usize>,
}

/// The integer dot product of two int8 rows.
pub fn dot(a: &[i8], b: &[i8]) -> i32 {
    a.iter().zip(b).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum()
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
    /// An embedding of the wrong length is ignored.
    pub fn insert(&mut self, embedding: ClaimEmbedding) {
        if embedding.vector.len() != DIM {
            return;
        }
        match self.rows.get(&embedding.claim_id) {
            Some(&row) => {
                self.scales[row] = embedding.scale;
                self.values[row * DIM..(row + 1) * DIM].copy_from_slice(&embedding.vector);
            }
            None => {
                self.rows.insert(embedding.claim_id, self.ids.len());
                self.ids.push(embedding.claim_id);
                self.scales.push(embedding.scale);
                self.values.extend_from_slice(&embedding.vector);
            }
        }
    }

    /// The cosine of a claim's embedding with the query; `None` for a claim
    /// not embedded yet.
    pub fn cosine(&self, claim_id: ClaimId, query: &Query) -> Option<f32> {
        let row = *self.rows.get(&claim_id)?;
        Some(self.row_cosine(row, query))
    }

    fn row_cosine(&self, row: usize, query: &Query) -> f32 {
        let values = &self.values[row * DIM..(row + 1) * DIM];
        dot(values, &query.values) as f32 * self.scales[row] * query.scale
    }

    /// The `k` claims closest to the query, closest first, with their cosines.
    pub fn nearest(&self, query: &Query, k: usize) -> Vec<(ClaimId, f32)> {
        if k == 0 || query.values.len() != DIM {
            return Vec::new();
        }
        // The query's scale is the same for every row: rank by dot · row scale.
        let mut best: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
        for (row, values) in self.values.chunks_exact(DIM).enumerate() {
            let score = dot(values, &query.values) as f32 * self.scales[row];
            if best.len() < k || score > best[best.len() - 1].1 {
                let at = best.partition_point(|&(_, s)| s >= score);
                best.insert(at, (row, score));
                best.truncate(k);
            }
        }
        best.into_iter()
            .map(|(row, score)| (self.ids[row], score * query.scale))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(angle: f32) -> Vec<f32> {
        let mut v = vec![0.0; DIM];
        v[0] = angle.cos();
        v[1] = angle.sin();
        v
    }

    #[test]
    fn the_int8_scan_ranks_as_the_fp32_cosines_do() {
        let mut index = Index::default();
        for i in 0..8 {
            index.insert(quantise(ClaimId(i), &unit(i as f32 * 0.25)));
        }
        let query = Query::new(&unit(0.5));
        let found = index.nearest(&query, 3);
        assert_eq!(found[0].0, ClaimId(2));
        assert!((found[0].1 - 1.0).abs() < 0.01, "{found:?}");
        let others: std::collections::BTreeSet<ClaimId> = found[1..].iter().map(|(id, _)| *id).collect();
        assert_eq!(others, [ClaimId(1), ClaimId(3)].into());
        assert!((index.cosine(ClaimId(0), &query).unwrap() - 0.5f32.cos()).abs() < 0.01);
        assert_eq!(index.cosine(ClaimId(99), &query), None);
        assert!(index.nearest(&query, 0).is_empty());
    }

    #[test]
    fn a_new_embedding_of_a_claim_replaces_its_old_one() {
        let mut index = Index::default();
        index.insert(quantise(ClaimId(1), &unit(0.0)));
        index.insert(quantise(ClaimId(2), &unit(1.5)));
        index.insert(quantise(ClaimId(1), &unit(3.0)));
        assert_eq!(index.len(), 2);
        let found = index.nearest(&Query::new(&unit(3.0)), 1);
        assert_eq!(found[0].0, ClaimId(1));
    }
}

//! The flat scan against fp32 cosines, and the inverted lists against the
//! flat scan: recall on clustered vectors, rows inserted and replaced after
//! the lists were made, stale plans, and the order of what they return.

use std::collections::BTreeSet;

use super::*;
use crate::embed::normalise;

fn unit(angle: f32) -> Vec<f32> {
    let mut v = vec![0.0; DIM];
    v[0] = angle.cos();
    v[1] = angle.sin();
    v
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn uniform(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    }

    fn unit(&mut self) -> Vec<f32> {
        let mut v: Vec<f32> = (0..DIM).map(|_| self.uniform()).collect();
        normalise(&mut v);
        v
    }

    /// A unit vector near `centre`: the centre plus a random direction of
    /// length `spread`.
    fn near(&mut self, centre: &[f32], spread: f32) -> Vec<f32> {
        let noise = self.unit();
        let mut v: Vec<f32> = centre.iter().zip(&noise).map(|(c, n)| c + spread * n).collect();
        normalise(&mut v);
        v
    }
}

/// `n_clusters × per_cluster` vectors around random centres, the claim ids
/// 1.., and the centres.
fn clustered(rng: &mut Rng, n_clusters: usize, per_cluster: usize) -> (Index, Vec<Vec<f32>>) {
    let centres: Vec<Vec<f32>> = (0..n_clusters).map(|_| rng.unit()).collect();
    let mut index = Index::default();
    for i in 0..n_clusters * per_cluster {
        let vector = rng.near(&centres[i % n_clusters], 0.8);
        index.insert(quantise(ClaimId(i as i64 + 1), &vector));
    }
    (index, centres)
}

fn ids(found: &[(ClaimId, f32)]) -> BTreeSet<ClaimId> {
    found.iter().map(|(id, _)| *id).collect()
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
    assert_eq!(ids(&found[1..]), [ClaimId(1), ClaimId(3)].into());
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

#[test]
fn the_lists_find_most_of_the_exact_neighbours_of_clustered_vectors() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut index, centres) = clustered(&mut rng, 64, 80);
    let plan = index.plan_lists_with(64);
    assert!(index.use_lists(plan));
    let (mut found_10, mut found_50) = (0, 0);
    let queries = 100;
    for q in 0..queries {
        let query = Query::new(&rng.near(&centres[q % centres.len()], 0.8));
        let exact = index.nearest_exact(&query, 50);
        let approximate = index.nearest_probing(&query, 50, 6);
        assert_eq!(approximate.len(), 50);
        found_50 += ids(&approximate).intersection(&ids(&exact)).count();
        found_10 += ids(&approximate[..10]).intersection(&ids(&exact[..10])).count();
    }
    let recall_10 = found_10 as f64 / (queries * 10) as f64;
    let recall_50 = found_50 as f64 / (queries * 50) as f64;
    assert!(recall_10 >= 0.9, "recall@10 {recall_10}");
    assert!(recall_50 >= 0.9, "recall@50 {recall_50}");
    // Probing every list is the flat scan.
    let query = Query::new(&rng.near(&centres[0], 0.8));
    assert_eq!(
        ids(&index.nearest_probing(&query, 50, 64)),
        ids(&index.nearest_exact(&query, 50))
    );
}

#[test]
fn the_lists_return_their_candidates_in_exact_cosine_order() {
    let mut rng = Rng(7);
    let (mut index, centres) = clustered(&mut rng, 16, 50);
    assert!(index.use_lists(index.plan_lists_with(16)));
    for centre in centres.iter().take(8) {
        let query = Query::new(&rng.near(centre, 0.8));
        let found = index.nearest_probing(&query, 30, 2);
        assert_eq!(found.len(), 30);
        for pair in found.windows(2) {
            assert!(pair[0].1 >= pair[1].1, "{pair:?}");
        }
        for (id, cosine) in &found {
            assert_eq!(Some(*cosine), index.cosine(*id, &query));
        }
        // What is returned is the best of the probed rows: no probed row
        // left out beats the last one returned.
        let last = found[found.len() - 1].1;
        let lists = index.lists.as_ref().unwrap();
        for list in lists.nearest_lists(&query.values, 2) {
            for &row in lists.members(list) {
                let id = index.ids[row as usize];
                if !ids(&found).contains(&id) {
                    assert!(index.cosine(id, &query).unwrap() <= last);
                }
            }
        }
    }
}

#[test]
fn a_row_inserted_or_replaced_after_the_lists_were_made_is_placed() {
    let mut rng = Rng(11);
    let (mut index, centres) = clustered(&mut rng, 16, 40);
    let flat: Vec<Vec<i8>> = (0..index.len())
        .map(|row| index.row_values(row).to_vec())
        .collect();
    assert!(index.use_lists(index.plan_lists_with(16)));
    let rows = index.len();
    // A new claim near centre 3 is found from there.
    let near_3 = rng.near(&centres[3], 0.1);
    index.insert(quantise(ClaimId(10_000), &near_3));
    assert_eq!(index.len(), rows + 1);
    let found = index.nearest_probing(&Query::new(&near_3), 1, 1);
    assert_eq!(found[0].0, ClaimId(10_000));
    // Corrected to a text near centre 9: it moves list, and is found there
    // and no longer near centre 3.
    let lists = index.lists.as_ref().unwrap();
    let before = lists.list_of(rows).unwrap();
    let near_9 = rng.near(&centres[9], 0.1);
    index.insert(quantise(ClaimId(10_000), &near_9));
    assert_eq!(index.len(), rows + 1);
    let lists = index.lists.as_ref().unwrap();
    let after = lists.list_of(rows).unwrap();
    assert_ne!(before, after);
    assert!(!lists.members(before).contains(&(rows as u32)));
    assert_eq!(
        lists
            .members(after)
            .iter()
            .filter(|&&r| r as usize == rows)
            .count(),
        1
    );
    let found = index.nearest_probing(&Query::new(&near_9), 1, 1);
    assert_eq!(found[0].0, ClaimId(10_000));
    let found = index.nearest_probing(&Query::new(&near_3), 5, 1);
    assert!(!ids(&found).contains(&ClaimId(10_000)), "{found:?}");
    // A row from the middle of its list (claim 1, row 0, made near centre
    // 0) moves too: the list's last row takes its place.
    let lists = index.lists.as_ref().unwrap();
    let first_list = lists.list_of(0).unwrap();
    assert_ne!(lists.members(first_list).last(), Some(&0));
    let moved = rng.near(&centres[9], 0.1);
    index.insert(quantise(ClaimId(1), &moved));
    let mut flat = flat;
    flat[0] = quantise(ClaimId(1), &moved).vector;
    let lists = index.lists.as_ref().unwrap();
    assert_ne!(lists.list_of(0).unwrap(), first_list);
    // Every row is in exactly one list, and keeps its values through the
    // moves.
    let total: usize = (0..16).map(|list| lists.members(list).len()).sum();
    assert_eq!(total, index.len());
    for (row, values) in flat.iter().enumerate() {
        assert_eq!(index.row_values(row), values.as_slice(), "row {row}");
    }
    assert_eq!(
        index.row_values(rows),
        quantise(ClaimId(0), &near_9).vector.as_slice()
    );
    assert!(index.values.is_empty(), "the lists hold the only copy");
    // The flat scan over the lists is still exact.
    let query = Query::new(&near_3);
    let mut by_hand: Vec<(ClaimId, f32)> = (0..index.len())
        .map(|row| (index.ids[row], index.cosine(index.ids[row], &query).unwrap()))
        .collect();
    by_hand.sort_by(|a, b| b.1.total_cmp(&a.1));
    let exact = index.nearest_exact(&query, 10);
    assert_eq!(
        exact.iter().map(|(_, c)| *c).collect::<Vec<_>>(),
        by_hand[..10].iter().map(|(_, c)| *c).collect::<Vec<_>>()
    );
}

#[test]
fn a_plan_made_before_a_replacement_is_refused_and_rows_added_since_are_placed() {
    let mut rng = Rng(13);
    let (mut index, centres) = clustered(&mut rng, 8, 30);
    let stale = index.plan_lists_with(8);
    index.insert(quantise(ClaimId(1), &rng.near(&centres[5], 0.8)));
    assert!(!index.use_lists(stale));
    assert!(index.lists.is_none());

    let plan = index.plan_lists_with(8);
    let added = rng.near(&centres[2], 0.1);
    index.insert(quantise(ClaimId(5_000), &added));
    assert!(index.use_lists(plan));
    let found = index.nearest_probing(&Query::new(&added), 1, 1);
    assert_eq!(found[0].0, ClaimId(5_000));
}

#[test]
fn a_small_index_is_searched_exactly_and_wants_no_lists() {
    let mut rng = Rng(17);
    let (mut index, centres) = clustered(&mut rng, 8, 30);
    assert!(!index.wants_lists());
    assert!(index.use_lists(index.plan_lists_with(8)));
    assert!(!index.is_approximate());
    let query = Query::new(&rng.near(&centres[1], 0.8));
    assert_eq!(index.nearest(&query, 20), index.nearest_exact(&query, 20));
}

#[test]
fn lists_can_be_made_for_an_empty_or_tiny_index() {
    let mut index = Index::default();
    assert!(index.use_lists(index.plan_lists()));
    assert!(index.nearest_probing(&Query::new(&unit(0.0)), 5, 4).is_empty());
    index.insert(quantise(ClaimId(1), &unit(0.0)));
    index.insert(quantise(ClaimId(2), &unit(1.0)));
    let found = index.nearest_probing(&Query::new(&unit(1.0)), 5, 4);
    assert_eq!(ids(&found), [ClaimId(1), ClaimId(2)].into());
    assert!(index.use_lists(index.plan_lists_with(10)));
    let found = index.nearest_probing(&Query::new(&unit(1.0)), 5, 4);
    assert_eq!(found[0].0, ClaimId(2));
}

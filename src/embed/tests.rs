//! The embedded int8 model against its fp32 reference, and paraphrase
//! against unrelated text.

use super::*;

/// `weights/reference.txt`: the fp32 checkpoint's embeddings, written by
/// `claimdb train embedder` with this module's own forward pass.
const REFERENCE: &str = include_str!("weights/reference.txt");

fn reference() -> Vec<(&'static str, Vec<f32>)> {
    let lines: Vec<&str> = REFERENCE.lines().filter(|line| !line.starts_with('#')).collect();
    lines
        .chunks(2)
        .map(|pair| {
            let vector = pair[1].split(' ').map(|x| x.parse().unwrap()).collect();
            (pair[0], vector)
        })
        .collect()
}

#[test]
fn the_int8_model_gives_the_fp32_embeddings() {
    let embedder = shared().unwrap();
    let reference = reference();
    assert!(reference.len() >= 4);
    let texts: Vec<&str> = reference.iter().map(|(text, _)| *text).collect();
    let vectors = embedder.embed(&texts).unwrap();
    for ((text, expected), vector) in reference.iter().zip(&vectors) {
        assert_eq!(vector.len(), DIM);
        let norm: f32 = vector.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-4, "{text}: |v|² = {norm}");
        let cosine = cosine(expected, vector);
        assert!(cosine > 0.99, "{text}: cosine {cosine} with the fp32 embedding");
    }
}

#[test]
fn a_paraphrase_is_closer_than_an_unrelated_claim() {
    let embedder = shared().unwrap();
    let vectors = embedder
        .embed(&[
            "Russia will not alter its policy because of sanctions.",
            "Moscow says sanctions will not change its course.",
            "McDonald's restaurants are offering $1 Any Size Fries.",
        ])
        .unwrap();
    let paraphrase = cosine(&vectors[0], &vectors[1]);
    let unrelated = cosine(&vectors[0], &vectors[2]);
    assert!(paraphrase > 0.5, "paraphrase {paraphrase}");
    assert!(
        paraphrase > unrelated + 0.3,
        "paraphrase {paraphrase}, unrelated {unrelated}"
    );
}

#[test]
fn batching_and_order_do_not_change_an_embedding() {
    let embedder = shared().unwrap();
    let alone = embedder.embed(&["A short claim."]).unwrap();
    let together = embedder
        .embed(&[
            "A much longer claim that needs many more tokens than the short one does, padded beside it.",
            "A short claim.",
            "",
        ])
        .unwrap();
    assert!(cosine(&alone[0], &together[1]) > 0.9999);
    assert_eq!(together[2].len(), DIM, "an empty text still has a vector");
}

#[test]
fn the_nearest_rows_come_closest_first() {
    let row = |i: usize| -> Vec<f32> {
        let mut v = vec![0.0; DIM];
        v[0] = (i as f32 * 0.3).cos();
        v[1] = (i as f32 * 0.3).sin();
        v
    };
    let matrix: Vec<f32> = (0..6).flat_map(row).collect();
    let found = nearest(&matrix, &row(2), 3);
    let rows: Vec<usize> = found.iter().map(|(r, _)| *r).collect();
    assert_eq!(rows[0], 2);
    assert!((found[0].1 - 1.0).abs() < 1e-6);
    assert_eq!(
        rows[1..]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        [1, 3].into()
    );
    assert!(nearest(&matrix, &row(2), 0).is_empty());
    assert_eq!(nearest(&matrix, &row(2), 10).len(), 6);
}

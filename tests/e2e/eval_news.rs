//! `claimdb eval news` on the committed gold set and the corpus in ../shared.

use std::path::PathBuf;

use crate::support::offline::{claimdb, path_str, stdout_of};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn gold() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/news-gold")
}

/// The figure after `key=` on the report's lines.
fn figure(report: &str, key: &str) -> f64 {
    let at = report
        .find(&format!("{key}="))
        .unwrap_or_else(|| panic!("no {key} in {report}"));
    report[at + key.len() + 1..]
        .split([' ', '\n'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{key} is not a number in {report}"))
}

#[test]
fn every_gold_file_is_read_against_its_corpus_and_no_claim_word_is_untraceable() {
    let corpus = corpus();
    let gold = gold();
    let report = stdout_of(&claimdb(&[
        "eval",
        "news",
        "--gold",
        path_str(&gold),
        "--corpus",
        path_str(&corpus),
    ]));
    assert_eq!(figure(&report, "articles"), 40.0, "{report}");
    assert_eq!(figure(&report, "sentences"), 842.0, "{report}");
    // Every word of every claim comes from its sentence or a recorded rewrite.
    assert_eq!(figure(&report, "untraceable_words"), 0.0, "{report}");
    for key in [
        "speaker_accuracy",
        "pronoun_rewrite_precision",
        "metonym_rewrite_precision",
        "date_accuracy",
        "F1",
    ] {
        let value = figure(&report, key);
        assert!((0.0..=1.0).contains(&value), "{key}={value}");
    }
}

#[test]
fn a_gold_file_whose_article_text_changed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(gold().join("bbc-sport-280.json")).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&original).unwrap();
    file["body_sha256"] = "0".repeat(64).into();
    std::fs::write(dir.path().join("bbc-sport-280.json"), file.to_string()).unwrap();
    let corpus = corpus();
    let output = claimdb(&[
        "eval",
        "news",
        "--gold",
        path_str(dir.path()),
        "--corpus",
        path_str(&corpus),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not the one annotated"));
}

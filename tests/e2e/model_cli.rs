//! `claimdb train` and `claimdb eval` on small inline data sets (the real data sets are not in the repository).

use crate::support::offline::{claimdb, path_str, stdout_of};

#[test]
fn eval_prints_precision_recall_f1_with_the_embedded_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dev.tsv");
    std::fs::write(
        &data,
        "Sentence_id\tText\tclass_label\n80\tWe're consuming 50 percent of the world's cocaine.\tYes\n131\tLet me help the governor.\tNo\n",
    )
    .unwrap();
    let stdout = stdout_of(&claimdb(&["eval", "--data", path_str(&data)]));
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("precision=1.000 recall=1.000 F1=1.000"));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("layout=ct24 sentences=2 checkworthy=1 predicted=1 "),
        "{stdout}"
    );
}

#[test]
fn train_writes_weights_that_eval_reads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("train.tsv");
    let mut text = String::from("Sentence_id\tText\tclass_label\n");
    let subjects = ["Unemployment", "Inflation", "The deficit", "Crime", "Debt"];
    let rhetoric = [
        "I think we can do better",
        "Let me finish",
        "We love this country",
        "Thank you all",
        "I want to be clear",
    ];
    for (idx, (subject, line)) in subjects.iter().zip(rhetoric).enumerate() {
        for (verb_idx, verb) in ["rose", "fell", "doubled", "grew"].iter().enumerate() {
            let id = idx * 10 + verb_idx;
            text.push_str(&format!(
                "{id}\t{subject} {verb} by {} percent in 2019.\tYes\n",
                3 + id
            ));
            text.push_str(&format!("{}\t{line} tonight, {verb_idx}.\tNo\n", 1000 + id));
        }
    }
    std::fs::write(&data, text).unwrap();
    let weights = dir.path().join("weights.bin");
    let stdout = stdout_of(&claimdb(&[
        "train",
        "--data",
        path_str(&data),
        "--out",
        path_str(&weights),
        "--seed",
        "7",
        "--folds",
        "4",
    ]));
    // The default grid: character n-grams 0 or 3-4, word-shape n-grams 0
    // or 2, binary or naive-Bayes weighting, two L2 penalties, two lengths
    // of training, with and without averaging the last epoch.
    assert!(
        stdout.contains("layout=ct24 sentences=40 checkworthy=20 folds=4 seed=7 candidates=64"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("\ncandidate ").count(), 64, "{stdout}");
    assert!(stdout.contains("\nchosen "), "{stdout}");
    // Header, then one `i16` per bucket (a count norm needs no table of squares).
    assert_eq!(std::fs::metadata(&weights).unwrap().len(), 44 + 2 * (1 << 18));
    let stdout = stdout_of(&claimdb(&[
        "eval",
        "--data",
        path_str(&data),
        "--weights",
        path_str(&weights),
    ]));
    assert!(stdout.starts_with("precision="), "{stdout}");
    // The same seed gives the same bytes.
    let again = dir.path().join("again.bin");
    stdout_of(&claimdb(&[
        "train",
        "--data",
        path_str(&data),
        "--out",
        path_str(&again),
        "--seed",
        "7",
        "--folds",
        "4",
    ]));
    assert_eq!(std::fs::read(&weights).unwrap(), std::fs::read(&again).unwrap());
    // A TF-IDF model stores the squared scales its Euclidean norm needs.
    let tfidf = dir.path().join("tfidf.bin");
    let stdout = stdout_of(&claimdb(&[
        "train",
        "--data",
        path_str(&data),
        "--out",
        path_str(&tfidf),
        "--char-ngrams",
        "2-5",
        "--weighting",
        "idf",
        "--norm",
        "euclidean",
        "--l2",
        "1e-4",
        "--epochs",
        "5",
        "--shape-ngrams",
        "0",
        "--averaged-epochs",
        "0",
        "--bucket-bits",
        "12",
    ]));
    assert!(stdout.contains("candidates=1"), "{stdout}");
    assert!(
        stdout.contains("chosen char_ngrams=2-5 shape_ngrams=0 weighting=Idf norm=Euclidean bucket_bits=12"),
        "{stdout}"
    );
    assert_eq!(std::fs::metadata(&tfidf).unwrap().len(), 44 + 2 * 2 * (1 << 12));
    let stdout = stdout_of(&claimdb(&[
        "eval",
        "--data",
        path_str(&data),
        "--weights",
        path_str(&tfidf),
    ]));
    assert!(stdout.starts_with("precision="), "{stdout}");
}

#[test]
fn bad_data_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.tsv");
    let output = claimdb(&["eval", "--data", path_str(&missing)]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("missing.tsv"),
        "{stderr}"
    );

    let bad_label = dir.path().join("bad.tsv");
    std::fs::write(
        &bad_label,
        "Sentence_id\tText\tclass_label\n1\tPrices rose.\tMaybe\n",
    )
    .unwrap();
    let output = claimdb(&["eval", "--data", path_str(&bad_label)]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.tsv: row 1: label \"Maybe\" is not Yes or No"),
        "{stderr}"
    );

    let all_positive = dir.path().join("claims.json");
    std::fs::write(&all_positive, r#"[{"claim": "Prices rose 5%."}]"#).unwrap();
    let output = claimdb(&[
        "train",
        "--data",
        path_str(&all_positive),
        "--out",
        path_str(&dir.path().join("w.bin")),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("needs both check-worthy and other sentences"),
        "{stderr}"
    );

    let data = dir.path().join("train.tsv");
    std::fs::write(&data, "Sentence_id\tText\tclass_label\n1\tPrices rose.\tYes\n").unwrap();
    for (option, value, message) in [
        ("--char-ngrams", "3-9", "--char-ngrams 3-9"),
        (
            "--weighting",
            "tfidf",
            "--weighting tfidf: expected binary, idf or nb",
        ),
        ("--norm", "l1", "--norm l1: expected count or euclidean"),
    ] {
        let output = claimdb(&["train", "--data", path_str(&data), option, value]);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{option} {value}: {stderr}");
    }
}

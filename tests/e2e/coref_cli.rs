//! `claimdb train coref` and `claimdb eval coref` as a user runs them, on small hand-written data.

use crate::support::offline::{claimdb, path_str, stdout_of};

/// The value of `NAME=` on a line of `NAME=0.xxx` measures.
fn measure(line: &str, name: &str) -> f64 {
    let prefix = format!("{name}=");
    let value = line
        .split_whitespace()
        .find_map(|part| part.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name}= in {line:?}"));
    value.parse().unwrap()
}

fn line_starting<'s>(stdout: &'s str, prefix: &str) -> &'s str {
    stdout
        .lines()
        .find(|line| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in {stdout}"))
}

/// Two rows in GAP's format whose answers agreement decides: a man and a
/// woman, and the pronoun of one of them.
const GAP: &str = "ID\tText\tPronoun\tPronoun-offset\tA\tA-offset\tA-coref\tB\tB-offset\tB-coref\tURL\n\
t-1\tMary Lopez met John Smith in Paris. He thanked her for the visit.\tHe\t36\tMary Lopez\t0\tFALSE\tJohn Smith\t15\tTRUE\thttp://example.org\n\
t-2\tDavid Brown and Susan Miller spoke on Monday. Later she called the mayor.\tshe\t52\tDavid Brown\t0\tFALSE\tSusan Miller\t16\tTRUE\thttp://example.org\n";

#[test]
fn eval_coref_prints_gap_measures_and_a_precision_coverage_curve() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("gap.tsv");
    std::fs::write(&data, GAP).unwrap();
    let stdout = stdout_of(&claimdb(&["eval", "coref", "--data", path_str(&data)]));
    let model = line_starting(&stdout, "gap model: ");
    for name in ["precision", "recall", "F1", "M_F1", "F_F1"] {
        assert_eq!(measure(model, name), 1.0, "{name}: {stdout}");
    }
    assert_eq!(measure(model, "bias"), 1.0, "{stdout}");
    let baseline = line_starting(&stdout, "gap baseline: ");
    assert!((0.0..=1.0).contains(&measure(baseline, "F1")), "{stdout}");
    let curve: Vec<&str> = stdout
        .lines()
        .filter(|line| line.trim_start().starts_with("threshold="))
        .collect();
    assert!(curve.len() > 5, "{stdout}");
    let coverages: Vec<f64> = curve.iter().map(|line| measure(line, "coverage")).collect();
    assert_eq!(coverages[0], 1.0, "every pronoun has a candidate: {stdout}");
    assert!(
        coverages.windows(2).all(|pair| pair[0] >= pair[1]),
        "coverage falls as the threshold rises: {stdout}"
    );
}

#[test]
fn train_coref_is_deterministic_and_its_weights_can_be_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let gap = dir.path().join("gap");
    std::fs::create_dir(&gap).unwrap();
    for split in ["development", "validation", "test"] {
        std::fs::write(gap.join(format!("gap-{split}.tsv")), GAP).unwrap();
    }
    let first = dir.path().join("first/coref.bin");
    let second = dir.path().join("second/coref.bin");
    for out in [&first, &second] {
        let stdout = stdout_of(&claimdb(&[
            "train",
            "coref",
            "--gap",
            path_str(&gap),
            "--out",
            path_str(out),
            "--seed",
            "7",
        ]));
        assert!(stdout.contains("trained in"), "{stdout}");
    }
    let weights = std::fs::read(&first).unwrap();
    assert!(!weights.is_empty());
    assert_eq!(
        weights,
        std::fs::read(&second).unwrap(),
        "same data and seed, same bytes"
    );
    let data = gap.join("gap-test.tsv");
    let stdout = stdout_of(&claimdb(&[
        "eval",
        "coref",
        "--data",
        path_str(&data),
        "--weights",
        path_str(&first),
    ]));
    assert!((0.0..=1.0).contains(&measure(line_starting(&stdout, "gap model: "), "F1")));
}

/// A two-sentence document with GUM's CorefUD brackets: "He" is entity 1,
/// first mentioned as "John Smith".
const GUM: &str = "# newdoc id = doc1\n# sent_id = doc1-1\n# text = John Smith visited the museum.\n\
1\tJohn\tJohn\tPROPN\tNNP\tNumber=Sing\t3\tnsubj\t_\tEntity=(1-person-new-1-coref\n\
2\tSmith\tSmith\tPROPN\tNNP\tNumber=Sing\t1\tflat\t_\tEntity=1)\n\
3\tvisited\tvisit\tVERB\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\t_\n\
4\tthe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t5\tdet\t_\tEntity=(2-place-new-2-sgl\n\
5\tmuseum\tmuseum\tNOUN\tNN\tNumber=Sing\t3\tobj\t_\tEntity=2)|SpaceAfter=No\n\
6\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n\
# sent_id = doc1-2\n# text = He liked it.\n\
1\tHe\the\tPRON\tPRP\tCase=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs\t2\tnsubj\t_\tEntity=(1-person-giv-1-coref)\n\
2\tliked\tlike\tVERB\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\t_\n\
3\tit\tit\tPRON\tPRP\tCase=Acc|Gender=Neut|Number=Sing|Person=3|PronType=Prs\t2\tobj\t_\tEntity=(2-place-giv-1-coref)|SpaceAfter=No\n\
4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";

#[test]
fn eval_coref_on_gum_scores_pronouns_whose_entity_came_before() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("gum.conllu");
    std::fs::write(&data, GUM).unwrap();
    let stdout = stdout_of(&claimdb(&["eval", "coref", "--gum", path_str(&data)]));
    assert!(stdout.starts_with("documents=1 pronouns=2 "), "{stdout}");
    let gendered = line_starting(&stdout, "he/she/him/her/his/hers: baseline");
    assert_eq!(measure(gendered, "precision"), 1.0, "he is John Smith: {stdout}");
    assert_eq!(measure(gendered, "coverage"), 1.0, "{stdout}");
    let curve_start = line_starting(&stdout, "  threshold=0.000");
    assert_eq!(measure(curve_start, "precision"), 1.0, "{stdout}");
}

#[test]
fn eval_coref_names_a_missing_file_and_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.tsv");
    let output = claimdb(&["eval", "coref", "--data", path_str(&missing)]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.tsv"));
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, GAP.replace("\t36\t", "\t35\t")).unwrap();
    let output = claimdb(&["eval", "coref", "--data", path_str(&bad)]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = claimdb(&["eval", "coref"]);
    assert!(!output.status.success(), "--data or --gum is required");
}

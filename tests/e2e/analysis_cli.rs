//! `claimdb analyse` and `claimdb eval analysis` as a user runs them, on small hand-written data.

use std::io::Write;
use std::process::{Command, Stdio};

use claimdb_analysis::conllu;

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

const NEWS: &str = "Moscow denies planning to attack Ukraine. Senator Dick Durbin said on Friday that he didn't \
                    expect a vote.\n";

/// Checks what `claimdb analyse` printed for [`NEWS`]: CoNLL-U whose token
/// ranges point at the input's bytes, one tree per sentence.
fn check_news_analysis(stdout: &str) {
    let sentences = conllu::parse(stdout).expect("the output is CoNLL-U");
    assert_eq!(sentences.len(), 2, "{stdout}");
    assert_eq!(
        sentences[0].text(),
        Some("Moscow denies planning to attack Ukraine.")
    );
    for sentence in &sentences {
        assert_eq!(
            sentence.words.iter().filter(|word| word.head == 0).count(),
            1,
            "one root: {stdout}"
        );
        for token in sentence.tokens() {
            let misc = match token.words.len() {
                1 => &sentence.words[token.words.start].misc,
                _ => {
                    &sentence
                        .multiword_tokens
                        .iter()
                        .find(|range| range.form == token.form)
                        .unwrap()
                        .misc
                }
            };
            let range = misc
                .split('|')
                .find_map(|item| item.strip_prefix("TokenRange="))
                .expect("a token range");
            let (start, end) = range.split_once(':').unwrap();
            assert_eq!(
                &NEWS[start.parse::<usize>().unwrap()..end.parse::<usize>().unwrap()],
                token.form
            );
        }
    }
    let second = &sentences[1];
    let didnt = second
        .multiword_tokens
        .iter()
        .find(|range| range.form == "didn't")
        .expect("didn't is one token");
    let words = &second.words[didnt.first as usize - 1..didnt.last as usize];
    assert_eq!(
        words.iter().map(|word| word.form.as_str()).collect::<Vec<_>>(),
        ["did", "n't"]
    );
    assert_eq!(words[1].lemma, "not");
    let said = second.words.iter().find(|word| word.form == "said").unwrap();
    assert_eq!((said.upos.as_str(), said.lemma.as_str()), ("VERB", "say"));
    assert!(said.feats.contains("Tense=Past"), "{}", said.feats);
}

#[test]
fn analyse_prints_conllu_with_byte_spans_and_trees() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("news.txt");
    std::fs::write(&file, NEWS).unwrap();
    check_news_analysis(&stdout_of(&claimdb(&["analyse", path_str(&file)])));
}

#[test]
fn analyse_reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["analyse", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(NEWS.as_bytes()).unwrap();
    check_news_analysis(&stdout_of(&child.wait_with_output().unwrap()));
}

// See: #14. A reader that stops early (`claimdb analyse big.txt | head`)
// ends the command quietly and successfully: no panic, no error, exit 0.
#[test]
fn analyse_stops_quietly_when_its_reader_goes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["analyse", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Far more CoNLL-U than a pipe buffers, so the writer must meet the
    // closed pipe.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..400 {
            if stdin.write_all(NEWS.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    assert!(first.starts_with(b"# sent_id = 1"));
    drop(stdout);
    writer.join().unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert_eq!(stderr, "");
}

/// Two sentences annotated by hand as UD English EWT would annotate them.
const GOLD: &str = "# sent_id = 1\n# text = The cat sat on the mat.\n\
1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_\n\
2\tcat\tcat\tNOUN\tNN\tNumber=Sing\t3\tnsubj\t_\t_\n\
3\tsat\tsit\tVERB\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\t_\n\
4\ton\ton\tADP\tIN\t_\t6\tcase\t_\t_\n\
5\tthe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t6\tdet\t_\t_\n\
6\tmat\tmat\tNOUN\tNN\tNumber=Sing\t3\tobl\t_\tSpaceAfter=No\n\
7\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n\
# sent_id = 2\n# text = It rained.\n\
1\tIt\tit\tPRON\tPRP\tCase=Nom|Gender=Neut|Number=Sing|Person=3|PronType=Prs\t2\texpl\t_\t_\n\
2\trained\train\tVERB\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\tSpaceAfter=No\n\
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";

#[test]
fn eval_analysis_scores_another_systems_file_with_the_shared_task_measures() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.conllu");
    std::fs::write(&gold, GOLD).unwrap();
    // One of ten words gets the wrong head and one the wrong UPOS.
    let system = dir.path().join("system.conllu");
    let wrong = GOLD
        .replace(
            "6\tmat\tmat\tNOUN\tNN\tNumber=Sing\t3\tobl",
            "6\tmat\tmat\tNOUN\tNN\tNumber=Sing\t2\tobl",
        )
        .replace("1\tIt\tit\tPRON", "1\tIt\tit\tNOUN");
    std::fs::write(&system, wrong).unwrap();
    let stdout = stdout_of(&claimdb(&[
        "eval",
        "analysis",
        "--data",
        path_str(&gold),
        "--system",
        path_str(&system),
    ]));
    let line = stdout.lines().last().unwrap();
    assert_eq!(measure(line, "Tokens"), 1.0);
    assert_eq!(measure(line, "Sentences"), 1.0);
    assert_eq!(measure(line, "UPOS"), 0.9);
    assert_eq!(measure(line, "UAS"), 0.9);
    assert_eq!(measure(line, "LAS"), 0.9);
    assert_eq!(measure(line, "Lemmas"), 1.0);
}

#[test]
fn eval_analysis_runs_the_embedded_models_from_gold_tokens_and_from_raw_text() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.conllu");
    std::fs::write(&gold, GOLD).unwrap();
    let stdout = stdout_of(&claimdb(&["eval", "analysis", "--data", path_str(&gold)]));
    let lines: Vec<&str> = stdout.lines().collect();
    let gold_tokens = lines
        .iter()
        .find(|line| line.starts_with("gold tokens: "))
        .expect(&stdout);
    let raw_text = lines.last().unwrap();
    assert!(raw_text.starts_with("raw text: "), "{stdout}");
    for name in ["UPOS", "XPOS", "UFeats", "Lemmas", "UAS", "LAS"] {
        for line in [gold_tokens, raw_text] {
            let value = measure(line, name);
            assert!((0.0..=1.0).contains(&value), "{name} in {line}");
        }
    }
    // Plain sentences: the tokeniser and splitter get them exactly right.
    assert_eq!(measure(raw_text, "Tokens"), 1.0, "{stdout}");
    assert_eq!(measure(raw_text, "Sentences"), 1.0, "{stdout}");
    assert_eq!(measure(gold_tokens, "UPOS"), 1.0, "{stdout}");
}

#[test]
fn eval_analysis_with_ner_prints_entity_f1() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("ner.iob2");
    std::fs::write(
        &data,
        "# sent_id = 1\n1\tBarack\tB-PER\t-\t-\n2\tObama\tI-PER\t-\t-\n3\tvisited\tO\t-\t-\n4\tParis\tB-LOC\t-\t-\n\
5\tlast\tO\t-\t-\n6\tweek\tO\t-\t-\n7\t.\tO\t-\t-\n\n",
    )
    .unwrap();
    let stdout = stdout_of(&claimdb(&[
        "eval",
        "analysis",
        "--ner",
        "--data",
        path_str(&data),
    ]));
    let last = stdout.lines().last().unwrap();
    assert_eq!(measure(last, "NER_F1"), 1.0, "{stdout}");
}

#[test]
fn eval_analysis_names_a_missing_file_and_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.conllu");
    let output = claimdb(&["eval", "analysis", "--data", path_str(&missing)]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.conllu"));
    let bad = dir.path().join("bad.conllu");
    std::fs::write(&bad, "# text = x\n1\tx\n").unwrap();
    let output = claimdb(&["eval", "analysis", "--data", path_str(&bad)]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.conllu") && stderr.contains("line 2"),
        "{stderr}"
    );
}

#[test]
fn eval_analysis_with_ner_scores_another_systems_iob2_file() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.iob2");
    std::fs::write(&gold, "# sent_id = 1\n1\tBarack\tB-PER\t-\t-\n2\tObama\tI-PER\t-\t-\n3\tvisited\tO\t-\t-\n4\tParis\tB-LOC\t-\t-\n\n")
        .unwrap();
    // The system finds the person but not the place: precision 1, recall 1/2.
    let system = dir.path().join("system.iob2");
    std::fs::write(&system, "# sent_id = 1\n1\tBarack\tB-PER\t-\t-\n2\tObama\tI-PER\t-\t-\n3\tvisited\tO\t-\t-\n4\tParis\tO\t-\t-\n\n")
        .unwrap();
    let stdout = stdout_of(&claimdb(&[
        "eval",
        "analysis",
        "--ner",
        "--data",
        path_str(&gold),
        "--system",
        path_str(&system),
    ]));
    assert_eq!(
        measure(stdout.lines().last().unwrap(), "NER_F1"),
        0.667,
        "{stdout}"
    );
    // Other words in the system file are refused, naming the sentence.
    std::fs::write(&system, "# sent_id = 1\n1\tBarack\tB-PER\t-\t-\n\n").unwrap();
    let output = claimdb(&[
        "eval",
        "analysis",
        "--ner",
        "--data",
        path_str(&gold),
        "--system",
        path_str(&system),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("sentence 1"));
}

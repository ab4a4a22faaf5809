//! Tests of the scorer, the raw text and the entity F1, on hand-written
//! CoNLL-U whose expected counts were worked out by hand (and, for the
//! alignment cases, taken from the official script's own unit tests).

use super::*;
use crate::conllu;

/// Two sentences: a multiword token ("don't"), subtyped relations, function
/// words (aux) under a content word, and `SpaceAfter=No`. 10 words in 9
/// tokens; 7 words have content relations (nsubj, advmod, root, nmod, obj,
/// nsubj, root).
const GOLD: &str = "# newdoc id = d1\n# newpar id = p1\n# sent_id = s1\n# text = I don't know her cat.\n\
1\tI\tI\tPRON\tPRP\tCase=Nom|Number=Sing|Person=1|PronType=Prs\t4\tnsubj\t_\t_\n\
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n\
2\tdo\tdo\tAUX\tVBP\tMood=Ind|Number=Sing|Person=1|Tense=Pres|VerbForm=Fin\t4\taux\t_\t_\n\
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n\
4\tknow\tknow\tVERB\tVB\tVerbForm=Inf\t0\troot\t_\t_\n\
5\ther\tshe\tPRON\tPRP$\tCase=Gen|Gender=Fem|Number=Sing|Person=3|Poss=Yes|PronType=Prs\t6\tnmod:poss\t_\t_\n\
6\tcat\tcat\tNOUN\tNN\tNumber=Sing\t4\tobj\t_\tSpaceAfter=No\n\
7\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\n\
# sent_id = s2\n# text = Cats sleep.\n\
1\tCats\tcat\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_\n\
2\tsleep\tsleep\tVERB\tVBP\tMood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin\t0\troot\t_\tSpaceAfter=No\n\
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";

fn gold() -> Vec<Sentence> {
    conllu::parse(GOLD).unwrap()
}

/// An edit of one word: (sentence index, word index, what to change).
type WordEdit = (usize, usize, fn(&mut conllu::Word));

/// The gold sentences with some words edited.
fn changed(edits: &[WordEdit]) -> Vec<Sentence> {
    let mut sentences = gold();
    for &(sentence_idx, word_idx, edit) in edits {
        edit(&mut sentences[sentence_idx].words[word_idx]);
    }
    sentences
}

fn assert_counts(score: F1, correct: usize, gold_total: usize, system_total: usize) {
    assert_eq!(
        (score.correct, score.gold_total, score.system_total),
        (correct, gold_total, system_total),
        "{score:?}"
    );
}

fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

#[test]
fn a_treebank_scores_one_against_itself() {
    let scores = evaluate(&gold(), &gold()).unwrap();
    for score in [
        scores.tokens,
        scores.sentences,
        scores.words,
        scores.upos,
        scores.xpos,
        scores.ufeats,
        scores.all_tags,
        scores.lemmas,
        scores.uas,
        scores.las,
        scores.clas,
        scores.mlas,
        scores.blex,
    ] {
        assert_eq!((score.precision, score.recall, score.f1), (1.0, 1.0, 1.0));
    }
    assert_counts(scores.tokens, 9, 9, 9);
    assert_counts(scores.sentences, 2, 2, 2);
    assert_counts(scores.words, 10, 10, 10);
    assert_counts(scores.clas, 7, 7, 7);
}

#[test]
fn tags_lemmas_and_features_are_counted_per_aligned_word() {
    // "her" gets the wrong UPOS, "Cats" the wrong XPOS and lemma, "cat" the
    // wrong number and "do" the wrong lemma.
    let system = changed(&[
        (0, 4, |word| word.upos = "DET".into()),
        (1, 0, |word| word.xpos = "NN".into()),
        (0, 5, |word| word.feats = "Number=Plur".into()),
        (0, 1, |word| word.lemma = "does".into()),
        (1, 0, |word| word.lemma = "cats".into()),
    ]);
    let scores = evaluate(&gold(), &system).unwrap();
    assert_counts(scores.upos, 9, 10, 10);
    assert_close(scores.upos.f1, 0.9);
    assert_counts(scores.xpos, 9, 10, 10);
    assert_counts(scores.ufeats, 9, 10, 10);
    assert_counts(scores.all_tags, 7, 10, 10);
    assert_counts(scores.lemmas, 8, 10, 10);
    assert_counts(scores.uas, 10, 10, 10);
    assert_counts(scores.las, 10, 10, 10);
    assert_counts(scores.clas, 7, 7, 7);
    // MLAS fails "her" (UPOS) and "cat" (features); "Cats" only has a wrong
    // XPOS, which MLAS does not look at. BLEX fails "Cats" (lemma); "do" is
    // not a content word.
    assert_counts(scores.mlas, 5, 7, 7);
    assert_counts(scores.blex, 6, 7, 7);
}

#[test]
fn only_universal_features_count_and_their_order_does_not() {
    let system = changed(&[
        (0, 5, |word| word.feats = "ExtPos=NOUN|Number=Sing".into()),
        (0, 0, |word| {
            word.feats = "PronType=Prs|Person=1|Number=Sing|Case=Nom".into()
        }),
    ]);
    let scores = evaluate(&gold(), &system).unwrap();
    assert_counts(scores.ufeats, 10, 10, 10);
}

#[test]
fn a_gold_lemma_of_underscore_accepts_any_lemma() {
    let mut gold_sentences = gold();
    gold_sentences[1].words[0].lemma = "_".into();
    let system = changed(&[(1, 0, |word| word.lemma = "anything".into())]);
    let scores = evaluate(&gold_sentences, &system).unwrap();
    assert_counts(scores.lemmas, 10, 10, 10);
}

#[test]
fn heads_and_the_universal_part_of_relations_make_uas_and_las() {
    // "her" now hangs from "know" (still a tree), "cat" is called obl, and
    // "Cats" nsubj:pass, whose universal part is still nsubj.
    let system = changed(&[
        (0, 4, |word| word.head = 4),
        (0, 5, |word| word.deprel = "obl".into()),
        (1, 0, |word| word.deprel = "nsubj:pass".into()),
    ]);
    let scores = evaluate(&gold(), &system).unwrap();
    assert_counts(scores.uas, 9, 10, 10);
    assert_counts(scores.las, 8, 10, 10);
    assert_close(scores.las.f1, 0.8);
    assert_counts(scores.clas, 5, 7, 7);
}

#[test]
fn mlas_needs_the_function_word_children_right() {
    // "do" becomes cop: still a function word under "know", but with the
    // wrong relation, so "know" fails MLAS while CLAS does not look at it.
    let system = changed(&[(0, 1, |word| word.deprel = "cop".into())]);
    let scores = evaluate(&gold(), &system).unwrap();
    assert_counts(scores.las, 9, 10, 10);
    assert_counts(scores.clas, 7, 7, 7);
    assert_counts(scores.mlas, 6, 7, 7);
}

const SYSTEM_RETOKENISED: &str = "# sent_id = s1\n\
1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_\n\
2\tdon\tdo\tAUX\tVBP\t_\t4\taux\t_\tSpaceAfter=No\n\
3\t't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n\
4\tknow\tknow\tVERB\tVB\tVerbForm=Inf\t0\troot\t_\t_\n\
5\ther\tshe\tPRON\tPRP$\tCase=Gen|Gender=Fem|Number=Sing|Person=3|Poss=Yes|PronType=Prs\t6\tnmod:poss\t_\t_\n\
6\tcat.\tcat\tNOUN\tNN\tNumber=Sing\t4\tobj\t_\t_\n\n\
1\tCats\tcat\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_\n\
2\tsleep\tsleep\tVERB\tVBP\tMood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin\t0\troot\t_\tSpaceAfter=No\n\
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";

#[test]
fn tokens_are_aligned_by_their_characters() {
    // The system splits "don't" as "don" + "'t" (no multiword token) and
    // glues "cat." into one token. Tokens right: I, know, her and the whole
    // second sentence (6 of 9 on each side). Words aligned: I, know, her and
    // the second sentence's 3; "do"/"n't" share no form with "don"/"'t".
    let system = conllu::parse(SYSTEM_RETOKENISED).unwrap();
    let scores = evaluate(&gold(), &system).unwrap();
    assert_counts(scores.tokens, 6, 9, 9);
    assert_close(scores.tokens.f1, 6.0 / 9.0);
    assert_counts(scores.sentences, 2, 2, 2);
    assert_counts(scores.words, 6, 10, 9);
    assert_close(scores.words.f1, 12.0 / 19.0);
    assert_counts(scores.upos, 6, 10, 9);
    // "her" hangs from "cat." in the system, which is aligned to no gold
    // word, so its head is wrong; the other aligned words' heads are right.
    assert_counts(scores.uas, 5, 10, 9);
    assert_close(scores.uas.f1, 10.0 / 19.0);
    assert_counts(scores.las, 5, 10, 9);
}

#[test]
fn a_multiword_token_written_as_one_word_aligns_neither_of_its_words() {
    let mut system = gold();
    system[0].multiword_tokens.clear();
    system[0].words[1].form = "don't".into();
    system[0].words.remove(2);
    for word in &mut system[0].words {
        if word.head > 2 {
            word.head -= 1;
        }
    }
    let scores = evaluate(&gold(), &system).unwrap();
    assert_counts(scores.tokens, 9, 9, 9);
    assert_counts(scores.words, 8, 10, 9);
    assert_close(scores.words.f1, 16.0 / 19.0);
    assert_counts(scores.uas, 8, 10, 9);
}

#[test]
fn sentence_boundaries_are_scored_as_spans() {
    // The system ends a sentence after "know" and starts "her cat." as a
    // sentence of its own, headed by "cat". Only the second gold sentence is
    // found whole: 1 of 2 gold, 1 of 3 system, F1 2/5. "cat" and "." lose
    // their head ("know").
    let mut system = gold();
    let mut first = system.remove(0);
    let tail_words = first.words.split_off(4);
    let mut tail = Sentence {
        words: tail_words,
        ..Sentence::default()
    };
    tail.words[0].head = 2;
    tail.words[1].head = 0;
    tail.words[1].deprel = "root".into();
    tail.words[2].head = 2;
    system.insert(0, tail);
    system.insert(0, first);
    let scores = evaluate(&gold(), &system).unwrap();
    assert_counts(scores.sentences, 1, 2, 3);
    assert_close(scores.sentences.f1, 0.4);
    assert_counts(scores.words, 10, 10, 10);
    assert_counts(scores.uas, 8, 10, 10);
}

#[test]
fn whitespace_inside_a_form_is_ignored_when_aligning() {
    let gold_sentences = conllu::parse("1\t10 000\t10000\tNUM\tCD\t_\t0\troot\t_\t_\n\n").unwrap();
    let system =
        conllu::parse("1\t10\t10\tNUM\tCD\t_\t0\troot\t_\t_\n2\t000\t000\tNUM\tCD\t_\t1\tflat\t_\t_\n\n")
            .unwrap();
    let scores = evaluate(&gold_sentences, &system).unwrap();
    assert_counts(scores.tokens, 0, 1, 2);
    assert_counts(scores.words, 0, 1, 2);
    assert_counts(scores.sentences, 1, 1, 1);
}

#[test]
fn different_text_is_an_error() {
    let system = changed(&[(1, 0, |word| word.form = "Dogs".into())]);
    let error = evaluate(&gold(), &system).unwrap_err();
    assert_eq!(
        error,
        EvalError::TextDiffers {
            gold: "Catssleep.".into(),
            system: "Dogssleep.".into()
        }
    );
    let message = error.to_string();
    assert!(message.starts_with("the concatenation of tokens in gold file and in system file differ"));
}

#[test]
fn broken_trees_are_errors_naming_the_side_and_sentence() {
    let cycle = changed(&[(1, 0, |word| word.head = 3), (1, 2, |word| word.head = 1)]);
    assert_eq!(
        evaluate(&gold(), &cycle).unwrap_err(),
        EvalError::Cycle {
            side: Side::System,
            sentence: 2
        }
    );
    let two_roots = changed(&[(1, 2, |word| word.head = 0)]);
    let error = evaluate(&gold(), &two_roots).unwrap_err();
    assert_eq!(
        error,
        EvalError::Roots {
            side: Side::System,
            sentence: 2,
            n_roots: 2
        }
    );
    assert_eq!(error.to_string(), "there are 2 roots in system sentence 2");
    let outside = changed(&[(0, 0, |word| word.head = 9)]);
    assert_eq!(
        evaluate(&outside, &gold()).unwrap_err(),
        EvalError::HeadOutside {
            side: Side::Gold,
            sentence: 1,
            head: 9
        }
    );
    let empty = vec![Sentence::default()];
    assert_eq!(
        evaluate(&empty, &empty).unwrap_err(),
        EvalError::Roots {
            side: Side::Gold,
            sentence: 1,
            n_roots: 0
        }
    );
    let blank_form = changed(&[(1, 1, |word| word.form = "\u{00A0}".into())]);
    assert_eq!(
        evaluate(&gold(), &blank_form).unwrap_err(),
        EvalError::EmptyForm {
            side: Side::System,
            sentence: 2
        }
    );
}

#[test]
fn empty_treebanks_score_zero_without_error() {
    let scores = evaluate(&[], &[]).unwrap();
    assert_eq!(scores.las, F1::from_counts(0, 0, 0));
    assert_eq!(scores.las.f1, 0.0);
}

/// One sentence as the script's own tests write it: "form" is a word, and
/// "token word word .." a multiword token; the first word is the root and
/// every other word hangs from it.
fn load_words(items: &[&str]) -> Vec<Sentence> {
    let mut sentence = Sentence::default();
    for item in items {
        let parts: Vec<&str> = item.split(' ').collect();
        let word_forms = if parts.len() == 1 { &parts[..] } else { &parts[1..] };
        if parts.len() > 1 {
            let first = sentence.words.len() as u32 + 1;
            sentence.multiword_tokens.push(conllu::MultiwordToken {
                first,
                last: first + word_forms.len() as u32 - 1,
                form: parts[0].into(),
                misc: String::new(),
            });
        }
        for form in word_forms {
            let head = u32::from(!sentence.words.is_empty());
            sentence.words.push(conllu::Word {
                form: (*form).into(),
                head,
                ..conllu::Word::default()
            });
        }
    }
    vec![sentence]
}

/// The script's `_test_ok`: how many words are aligned.
fn aligned_words(gold_items: &[&str], system_items: &[&str]) -> usize {
    evaluate(&load_words(gold_items), &load_words(system_items))
        .unwrap()
        .words
        .correct
}

#[test]
fn aligns_multiword_tokens_as_the_scripts_own_tests_expect() {
    assert_eq!(aligned_words(&["a"], &["a"]), 1);
    assert_eq!(aligned_words(&["a", "b", "c"], &["a", "b", "c"]), 3);
    assert_eq!(aligned_words(&["abc a b c"], &["a", "b", "c"]), 3);
    assert_eq!(aligned_words(&["a", "bc b c", "d"], &["a", "b", "c", "d"]), 4);
    assert_eq!(aligned_words(&["abcd a b c d"], &["ab a b", "cd c d"]), 4);
    assert_eq!(
        aligned_words(&["abc a b c", "de d e"], &["a", "bcd b c d", "e"]),
        5
    );
    assert_eq!(aligned_words(&["abcd"], &["a", "b", "c", "d"]), 0);
    assert_eq!(aligned_words(&["abc", "d"], &["a", "b", "c", "d"]), 1);
    assert_eq!(aligned_words(&["a", "bc", "d"], &["a", "b", "c", "d"]), 2);
    assert_eq!(aligned_words(&["a", "bc b c", "d"], &["a", "b", "cd"]), 2);
    assert_eq!(
        aligned_words(&["abc a BX c", "def d EX f"], &["ab a b", "cd c d", "ef e f"]),
        4
    );
    assert_eq!(aligned_words(&["ab a b", "cd bc d"], &["a", "bc", "d"]), 2);
    assert_eq!(aligned_words(&["a", "bc b c", "d"], &["ab AX BX", "cd CX a"]), 1);
    assert!(matches!(
        evaluate(&load_words(&["a"]), &load_words(&["b"])),
        Err(EvalError::TextDiffers { .. })
    ));
}

#[test]
fn raw_text_joins_sentences_and_breaks_paragraphs_and_documents() {
    let mut sentences = gold();
    let mut third = conllu::parse("# newpar\n1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\tSpaceAfter=No\n2\t!\t!\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n").unwrap();
    let mut fourth = conllu::parse("# newdoc id = d2\n1\tNo\tno\tINTJ\tUH\t_\t0\troot\t_\t_\n\n").unwrap();
    sentences.append(&mut third);
    sentences.append(&mut fourth);
    assert_eq!(
        raw_text(&sentences),
        "I don't know her cat. Cats sleep. \n\nYes! \n\nNo \n"
    );
    assert_eq!(raw_text(&[]), "");
}

#[test]
fn raw_text_wraps_lines_at_the_last_space_within_eighty_one_characters() {
    // 17 tokens of 4 letters: the spaces after them sit at 4, 9, .., 79, 84.
    // The last within the first 81 characters is at 79, so the first line
    // holds 16 tokens and the 17th waits in the buffer until the end.
    let lines: String = (1..=17)
        .map(|id| format!("{id}\tabcd\tabcd\tX\tX\t_\t{}\tdep\t_\t_\n", u32::from(id > 1)))
        .collect();
    let sentences = conllu::parse(&format!("{lines}\n")).unwrap();
    let first_line = vec!["abcd"; 16].join(" ");
    assert_eq!(raw_text(&sentences), format!("{first_line}\nabcd \n"));
}

#[test]
fn raw_text_starts_a_paragraph_inside_a_sentence_at_new_par() {
    let sentences = conllu::parse(
        "1\tOne\tone\tNUM\tCD\t_\t0\troot\t_\t_\n2\tTwo\ttwo\tNUM\tCD\t_\t1\tlist\t_\tNewPar=Yes\n\n",
    )
    .unwrap();
    assert_eq!(raw_text(&sentences), "One \n\nTwo \n");
}

#[test]
fn entity_f1_counts_exact_spans_of_the_same_type() {
    let gold_entities = vec![vec![(0..2, "PER"), (3..4, "LOC")], vec![(1..2, "ORG")]];
    let system_entities = vec![
        vec![(0..2, "PER"), (3..4, "ORG")],
        vec![(1..2, "ORG"), (4..5, "LOC"), (1..2, "ORG")],
    ];
    let score = entity_f1(&gold_entities, &system_entities);
    assert_counts(score, 2, 3, 4);
    assert_close(score.precision, 0.5);
    assert_close(score.recall, 2.0 / 3.0);
    assert_close(score.f1, 4.0 / 7.0);
    // A sentence missing on the system side has no entities there.
    let score = entity_f1(&gold_entities, &system_entities[..1]);
    assert_counts(score, 1, 3, 2);
    assert_eq!(entity_f1(&[], &[]).f1, 0.0);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Any sentence the types can hold, valid or not: forms from a few
    /// letters, spaces and non-ASCII characters (empty ones too), heads that
    /// may point anywhere or past the end, multiword ranges that may overlap
    /// or stick out.
    fn any_sentence() -> impl Strategy<Value = Sentence> {
        let form = proptest::string::string_regex("[ab \u{00A0}é\u{1F600}]{0,3}").unwrap();
        let word = (
            form,
            0u32..8,
            proptest::sample::select(vec!["nsubj", "aux", "root", "obl:tmod", ""]),
        );
        let range = (
            1u32..8,
            0u32..3,
            proptest::string::string_regex("[ab]{0,2}").unwrap(),
        );
        (
            proptest::collection::vec(word, 0..7),
            proptest::collection::vec(range, 0..3),
        )
            .prop_map(|(words, ranges)| Sentence {
                comments: vec!["newpar".into()],
                words: words
                    .into_iter()
                    .map(|(form, head, deprel)| conllu::Word {
                        form,
                        head,
                        deprel: deprel.into(),
                        misc: "SpaceAfter=No".into(),
                        ..conllu::Word::default()
                    })
                    .collect(),
                multiword_tokens: ranges
                    .into_iter()
                    .map(|(first, extra, form)| conllu::MultiwordToken {
                        first,
                        last: first + extra,
                        form,
                        misc: String::new(),
                    })
                    .collect(),
            })
    }

    proptest! {
        #[test]
        fn never_panics_on_any_sentences(
            gold in proptest::collection::vec(any_sentence(), 0..4),
            system in proptest::collection::vec(any_sentence(), 0..4),
        ) {
            let _ = evaluate(&gold, &system);
            let _ = raw_text(&gold);
            if let Ok(scores) = evaluate(&gold, &gold) {
                // A treebank that can be scored at all matches itself wholly.
                prop_assert_eq!(scores.words.correct, scores.words.gold_total);
                prop_assert_eq!(scores.las.correct, scores.las.gold_total);
                prop_assert_eq!(scores.tokens.correct, scores.tokens.gold_total);
            }
        }
    }
}

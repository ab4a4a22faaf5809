//! Tests of the transition system, the oracle and the parser.

use proptest::prelude::*;

use super::oracle::{Gold, projectivise};
use super::transition::{Move, NONE, State, decode, encode};
use super::*;
use crate::conllu;

/// "I saw the man with a telescope ." with "with a telescope" under "saw".
const TELESCOPE_HEADS: [u32; 8] = [2, 0, 4, 2, 7, 7, 2, 2];

/// A label per word, all distinct, so that a wrong label is visible.
fn labels_for(n_words: usize) -> Vec<u16> {
    (0..n_words as u16).collect()
}

/// Follows the first zero-cost move (in class order) from the start to the end,
/// checking that there always is one.
fn follow_oracle(gold: &Gold, n_words: usize, n_labels: usize, root_label: usize) -> (State, usize) {
    let mut state = State::default();
    state.reset(n_words);
    let mut n_moves = 0;
    while !state.is_terminal() {
        let zero_cost = (0..1 + 2 * n_labels).find(|&class| {
            let (movement, label) = decode(class, n_labels);
            state.allows_labelled(movement, label, root_label)
                && gold.labelled_cost(&state, movement, label, gold.cost(&state, movement)) == 0
        });
        let class = zero_cost.expect("a zero-cost move on the gold path");
        let (movement, label) = decode(class, n_labels);
        state.apply(movement, label);
        n_moves += 1;
    }
    (state, n_moves)
}

#[test]
fn classes_encode_and_decode_both_ways() {
    let n_labels = 5;
    for class in 0..1 + 2 * n_labels {
        let (movement, label) = decode(class, n_labels);
        assert_eq!(encode(movement, label, n_labels), class);
    }
    assert_eq!(decode(1, n_labels), (Move::Left, 0));
    assert_eq!(decode(6, n_labels), (Move::Right, 0));
}

#[test]
fn transitions_build_arcs_and_keep_the_children_the_features_read() {
    // "the big dog barked": the and big under dog, dog under barked.
    let mut state = State::default();
    state.reset(4);
    let root = state.root();
    assert!(!state.allows(Move::Left) && !state.allows(Move::Right) && state.allows(Move::Shift));
    state.apply(Move::Shift, 0); // [the]
    state.apply(Move::Shift, 0); // [the big]
    assert_eq!(state.stack_at(0), 2);
    assert_eq!(state.buffer_at(0), 3);
    state.apply(Move::Left, 1); // big <- dog
    state.apply(Move::Left, 2); // the <- dog
    assert_eq!(state.heads[1], 3);
    assert_eq!(state.heads[2], 3);
    assert_eq!(state.leftmost[3], 1, "the farthest left child comes first");
    assert_eq!(state.second_leftmost[3], 2);
    assert_eq!(state.n_left[3], 2);
    state.apply(Move::Shift, 0); // [dog]
    state.apply(Move::Left, 3); // dog <- barked
    state.apply(Move::Shift, 0); // [barked], the buffer holds only the root
    assert_eq!(state.buffer_at(0), root);
    assert_eq!(state.buffer_at(1), NONE);
    assert!(!state.allows(Move::Shift));
    assert!(
        state.allows_labelled(Move::Left, 0, 0),
        "the root label onto the root"
    );
    assert!(
        !state.allows_labelled(Move::Left, 1, 0),
        "no other label onto the root"
    );
    state.apply(Move::Left, 0);
    assert!(state.is_terminal());
    assert_eq!(state.heads[4], root);
}

#[test]
fn a_move_is_forced_exactly_when_it_is_the_only_legal_class() {
    let n_labels = 3;
    let root_label = 1;
    for heads in [&TELESCOPE_HEADS[..], &[0], &[2, 0], &[0, 1, 2, 3]] {
        let gold = Gold::new(heads, &vec![0; heads.len()]).expect("a tree");
        let mut state = State::default();
        state.reset(heads.len());
        while !state.is_terminal() {
            let legal: Vec<(Move, usize)> = (0..1 + 2 * n_labels)
                .map(|class| decode(class, n_labels))
                .filter(|&(movement, label)| state.allows_labelled(movement, label, root_label))
                .collect();
            let forced = forced_move(&state, root_label);
            if let Some(forced) = forced {
                assert_eq!(legal, vec![forced]);
            } else {
                assert!(legal.len() > 1, "{legal:?} not forced");
            }
            let (movement, _) = [Move::Shift, Move::Left, Move::Right]
                .into_iter()
                .filter(|&movement| state.allows(movement))
                .map(|movement| (movement, gold.cost(&state, movement)))
                .min_by_key(|&(_, cost)| cost)
                .expect("a legal move");
            let label = if movement == Move::Left && state.next == state.root() {
                root_label
            } else {
                0
            };
            state.apply(movement, label);
        }
    }
}

#[test]
fn the_root_takes_only_the_last_word_on_the_stack() {
    let mut state = State::default();
    state.reset(2);
    state.apply(Move::Shift, 0);
    state.apply(Move::Shift, 0);
    assert!(
        !state.allows(Move::Left),
        "two words on the stack, the root in front"
    );
    assert!(state.allows(Move::Right));
    assert!(
        !state.allows_labelled(Move::Right, 0, 0),
        "the root label only onto the root"
    );
}

#[test]
fn the_oracle_reproduces_a_projective_gold_tree_at_zero_cost() {
    let labels = labels_for(TELESCOPE_HEADS.len());
    let gold = Gold::new(&TELESCOPE_HEADS, &labels).unwrap();
    let (state, n_moves) = follow_oracle(&gold, TELESCOPE_HEADS.len(), labels.len(), 1);
    assert_eq!(
        n_moves,
        2 * TELESCOPE_HEADS.len(),
        "one shift and one arc per word"
    );
    let root = state.root();
    for (idx, &head) in TELESCOPE_HEADS.iter().enumerate() {
        let expected = if head == 0 { root } else { head };
        assert_eq!(state.heads[idx + 1], expected, "head of word {}", idx + 1);
        assert_eq!(state.labels[idx + 1], labels[idx], "label of word {}", idx + 1);
    }
}

#[test]
fn lifting_makes_a_crossing_arc_projective_under_the_grandparent() {
    // "A hearing is scheduled on the issue today ." where "on the issue"
    // modifies "hearing" across "is scheduled": the arc 2 -> 7 crosses.
    let heads = [2, 4, 4, 0, 7, 7, 2, 4, 4];
    let mut token_heads: Vec<u32> = std::iter::once(NONE)
        .chain(heads.iter().map(|&head| if head == 0 { 10 } else { head }))
        .chain(std::iter::once(NONE))
        .collect();
    projectivise(&mut token_heads, 10);
    assert_eq!(token_heads[7], 4, "issue lifted to scheduled");
    assert_eq!(token_heads[2], 4, "other arcs kept");
    assert_eq!(token_heads[5], 7);
    // The oracle then reaches the lifted tree at zero cost.
    let gold = Gold::new(&heads, &labels_for(heads.len())).unwrap();
    let (state, _) = follow_oracle(&gold, heads.len(), heads.len(), 3);
    assert_eq!(state.heads[7], 4);
    assert_eq!(state.heads[2], 4);
}

#[test]
fn gold_trees_that_are_not_single_rooted_trees_are_refused() {
    assert!(Gold::new(&[0, 0], &[0, 0]).is_none(), "two roots");
    assert!(Gold::new(&[2, 1, 0], &[0, 0, 0]).is_none(), "a cycle");
    assert!(
        Gold::new(&[5, 0], &[0, 0]).is_none(),
        "a head beyond the sentence"
    );
    assert!(Gold::new(&[], &[]).is_none(), "no words");
}

/// A small random projective tree: each word attaches to a neighbour span's
/// head, built by recursive splitting.
fn projective_heads(n_words: usize, choices: &[u8]) -> Vec<u32> {
    fn build(low: usize, high: usize, head: u32, choices: &[u8], at: &mut usize, heads: &mut [u32]) {
        if low >= high {
            return;
        }
        let pick = usize::from(choices[*at % choices.len()]);
        *at += 1;
        let middle = low + pick % (high - low);
        heads[middle] = head;
        build(low, middle, middle as u32 + 1, choices, at, heads);
        build(middle + 1, high, middle as u32 + 1, choices, at, heads);
    }
    let mut heads = vec![0u32; n_words];
    let mut at = 0;
    build(0, n_words, 0, choices, &mut at, &mut heads);
    heads
}

proptest! {
    /// The costs are exact: on any path, the costs of the moves taken add up
    /// to the words whose final head or label differs from the gold tree.
    #[test]
    fn costs_add_up_to_the_errors_of_any_path(
        n_words in 1usize..12,
        shape in proptest::collection::vec(any::<u8>(), 1..24),
        walk in proptest::collection::vec(any::<u16>(), 1..64),
    ) {
        let heads = projective_heads(n_words, &shape);
        let n_labels = 3;
        let labels: Vec<u16> = heads.iter().enumerate().map(|(idx, &head)| if head == 0 { 0 } else { 1 + (idx % 2) as u16 }).collect();
        let gold = Gold::new(&heads, &labels).unwrap();
        let mut state = State::default();
        state.reset(n_words);
        let mut total_cost = 0;
        let mut step = 0;
        while !state.is_terminal() {
            let legal: Vec<usize> = (0..1 + 2 * n_labels)
                .filter(|&class| {
                    let (movement, label) = decode(class, n_labels);
                    state.allows_labelled(movement, label, 0)
                })
                .collect();
            prop_assert!(!legal.is_empty());
            let class = legal[usize::from(walk[step % walk.len()]) % legal.len()];
            step += 1;
            let (movement, label) = decode(class, n_labels);
            total_cost += gold.labelled_cost(&state, movement, label, gold.cost(&state, movement));
            state.apply(movement, label);
        }
        let root = state.root();
        let n_errors = (1..=n_words)
            .filter(|&word| {
                let gold_head = if heads[word - 1] == 0 { root } else { heads[word - 1] };
                state.heads[word] != gold_head || state.labels[word] != labels[word - 1]
            })
            .count() as u32;
        prop_assert_eq!(total_cost, n_errors);
    }
}

/// A CoNLL-U sentence from (form, upos, xpos, head, deprel) rows.
fn sentence(rows: &[(&str, &str, &str, u32, &str)]) -> conllu::Sentence {
    conllu::Sentence {
        comments: Vec::new(),
        words: rows
            .iter()
            .map(|&(form, upos, xpos, head, deprel)| conllu::Word {
                form: form.to_string(),
                lemma: "_".to_string(),
                upos: upos.to_string(),
                xpos: xpos.to_string(),
                feats: "_".to_string(),
                head,
                deprel: deprel.to_string(),
                deps: "_".to_string(),
                misc: "_".to_string(),
            })
            .collect(),
        multiword_tokens: Vec::new(),
    }
}

fn tiny_treebank() -> Vec<conllu::Sentence> {
    vec![
        sentence(&[
            ("The", "DET", "DT", 2, "det"),
            ("dog", "NOUN", "NN", 3, "nsubj"),
            ("barked", "VERB", "VBD", 0, "root"),
            (".", "PUNCT", ".", 3, "punct"),
        ]),
        sentence(&[
            ("I", "PRON", "PRP", 2, "nsubj"),
            ("saw", "VERB", "VBD", 0, "root"),
            ("the", "DET", "DT", 4, "det"),
            ("man", "NOUN", "NN", 2, "obj"),
            ("with", "ADP", "IN", 7, "case"),
            ("a", "DET", "DT", 7, "det"),
            ("telescope", "NOUN", "NN", 2, "obl"),
            (".", "PUNCT", ".", 2, "punct"),
        ]),
        sentence(&[
            ("The", "DET", "DT", 2, "det"),
            ("report", "NOUN", "NN", 4, "nsubj:pass"),
            ("was", "AUX", "VBD", 4, "aux:pass"),
            ("released", "VERB", "VBN", 0, "root"),
            ("on", "ADP", "IN", 6, "case"),
            ("Monday", "PROPN", "NNP", 4, "obl"),
        ]),
    ]
}

fn tiny_options(seed: u64) -> ParserOptions {
    ParserOptions {
        seed,
        epochs: 4,
        min_weight: 0.0,
        ..ParserOptions::default()
    }
}

/// Whether the arcs are a tree: one root word labelled root, heads in range,
/// every word reaching the root.
fn is_tree(arcs: &[Arc<'_>]) -> bool {
    let n_words = arcs.len() as u32;
    let roots: Vec<usize> = (0..arcs.len()).filter(|&idx| arcs[idx].head == 0).collect();
    if roots.len() != 1 || arcs[roots[0]].deprel != ROOT_LABEL {
        return false;
    }
    arcs.iter().enumerate().all(|(idx, arc)| {
        if arc.head != 0 && arc.deprel == ROOT_LABEL {
            return false;
        }
        let mut current = idx as u32 + 1;
        for _ in 0..=n_words {
            if current == 0 {
                return true;
            }
            if current > n_words {
                return false;
            }
            current = arcs[current as usize - 1].head;
        }
        false
    })
}

#[test]
fn training_is_deterministic_for_a_seed_and_learns_its_own_sentences() {
    let treebank = tiny_treebank();
    let first = Parser::train(&treebank, &[], &tiny_options(7));
    let second = Parser::train(&treebank, &[], &tiny_options(7));
    assert_eq!(first.to_bytes(), second.to_bytes(), "same seed, same weights");
    let mut arcs = Vec::new();
    let words = &treebank[1].words;
    let forms: Vec<&str> = words.iter().map(|word| word.form.as_str()).collect();
    let upos: Vec<&str> = words.iter().map(|word| word.upos.as_str()).collect();
    let xpos: Vec<&str> = words.iter().map(|word| word.xpos.as_str()).collect();
    first.parse(&forms, &upos, &xpos, &mut arcs);
    let heads: Vec<u32> = arcs.iter().map(|arc| arc.head).collect();
    assert_eq!(heads, TELESCOPE_HEADS, "a training sentence parsed back");
    assert_eq!(arcs[0].deprel, "nsubj");
    assert_eq!(arcs[6].deprel, "obl");
}

#[test]
fn weights_round_trip_through_bytes_and_bad_bytes_are_refused() {
    let parser = Parser::train(&tiny_treebank(), &[], &tiny_options(1));
    let bytes = parser.to_bytes();
    assert_eq!(Parser::from_bytes(&bytes).unwrap(), parser);
    assert!(Parser::from_bytes(&bytes[..bytes.len() - 3]).is_err());
    assert!(Parser::from_bytes(&bytes[..20]).is_err());
    assert!(Parser::from_bytes(b"CDBPRS01").is_err());
    assert!(Parser::from_bytes(b"").is_err());
}

#[test]
fn empty_and_ragged_input_is_handled() {
    let parser = Parser::train(&tiny_treebank(), &[], &tiny_options(1));
    let mut arcs = vec![Arc { head: 9, deprel: "x" }];
    parser.parse(&[], &[], &[], &mut arcs);
    assert!(arcs.is_empty());
    parser.parse(&["Dogs", "bark", "loudly"], &["NOUN"], &[], &mut arcs);
    assert_eq!(arcs.len(), 3);
    assert!(is_tree(&arcs));
}

proptest! {
    #[test]
    fn the_output_is_always_a_tree(
        words in proptest::collection::vec(("\\PC{0,8}", "[A-Z]{1,5}", "[A-Z$,.]{1,4}"), 1..40),
    ) {
        thread_local! {
            static PARSER: Parser = Parser::train(&tiny_treebank(), &[], &tiny_options(3));
        }
        let forms: Vec<&str> = words.iter().map(|(form, _, _)| form.as_str()).collect();
        let upos: Vec<&str> = words.iter().map(|(_, upos, _)| upos.as_str()).collect();
        let xpos: Vec<&str> = words.iter().map(|(_, _, xpos)| xpos.as_str()).collect();
        PARSER.with(|parser| {
            let mut arcs = Vec::new();
            parser.parse(&forms, &upos, &xpos, &mut arcs);
            prop_assert_eq!(arcs.len(), forms.len());
            prop_assert!(is_tree(&arcs), "{:?}", arcs);
            Ok(())
        })?;
    }
}

#[test]
fn a_very_long_sentence_is_a_tree() {
    let parser = Parser::train(&tiny_treebank(), &[], &tiny_options(1));
    let forms = vec!["the"; 5000];
    let upos = vec!["DET"; 5000];
    let xpos = vec!["DT"; 5000];
    let mut arcs = Vec::new();
    parser.parse(&forms, &upos, &xpos, &mut arcs);
    assert_eq!(arcs.len(), 5000);
    assert!(is_tree(&arcs));
}

/// Parses a sentence of (form, upos, xpos) with the embedded parser.
fn parse_embedded(words: &[(&str, &str, &str)]) -> Vec<(u32, String)> {
    let forms: Vec<&str> = words.iter().map(|word| word.0).collect();
    let upos: Vec<&str> = words.iter().map(|word| word.1).collect();
    let xpos: Vec<&str> = words.iter().map(|word| word.2).collect();
    let mut arcs = Vec::new();
    Parser::embedded().parse(&forms, &upos, &xpos, &mut arcs);
    assert!(is_tree(&arcs));
    arcs.iter()
        .map(|arc| (arc.head, arc.deprel.to_string()))
        .collect()
}

#[test]
fn the_committed_weights_load_with_the_full_ewt_relations() {
    let labels = Parser::embedded().labels();
    for label in [
        "root",
        "nsubj",
        "nsubj:pass",
        "obj",
        "obl",
        "obl:unmarked",
        "acl:relcl",
        "nmod:poss",
        "compound:prt",
        "ccomp",
    ] {
        assert!(labels.iter().any(|known| known == label), "{label} missing");
    }
}

#[test]
fn a_reported_statement_is_parsed_as_ewt_would() {
    // 1 The 2 White 3 House 4 said 5 on 6 Friday 7 that 8 it 9 would 10 release
    // 11 the 12 report 13 .
    let arcs = parse_embedded(&[
        ("The", "DET", "DT"),
        ("White", "PROPN", "NNP"),
        ("House", "PROPN", "NNP"),
        ("said", "VERB", "VBD"),
        ("on", "ADP", "IN"),
        ("Friday", "PROPN", "NNP"),
        ("that", "SCONJ", "IN"),
        ("it", "PRON", "PRP"),
        ("would", "AUX", "MD"),
        ("release", "VERB", "VB"),
        ("the", "DET", "DT"),
        ("report", "NOUN", "NN"),
        (".", "PUNCT", "."),
    ]);
    let expect = |word: usize, head: u32, deprel: &str| {
        assert_eq!(arcs[word - 1], (head, deprel.to_string()), "word {word}");
    };
    expect(4, 0, "root");
    expect(3, 4, "nsubj");
    expect(1, 3, "det");
    expect(5, 6, "case");
    expect(6, 4, "obl");
    expect(10, 4, "ccomp");
    expect(7, 10, "mark");
    expect(8, 10, "nsubj");
    expect(9, 10, "aux");
    expect(12, 10, "obj");
    expect(13, 4, "punct");
}

#[test]
fn a_passive_with_a_relative_clause_is_parsed_as_ewt_would() {
    // 1 The 2 man 3 who 4 called 5 was 6 arrested 7 yesterday 8 .
    let arcs = parse_embedded(&[
        ("The", "DET", "DT"),
        ("man", "NOUN", "NN"),
        ("who", "PRON", "WP"),
        ("called", "VERB", "VBD"),
        ("was", "AUX", "VBD"),
        ("arrested", "VERB", "VBN"),
        ("yesterday", "NOUN", "NN"),
        (".", "PUNCT", "."),
    ]);
    let expect = |word: usize, head: u32, deprel: &str| {
        assert_eq!(arcs[word - 1], (head, deprel.to_string()), "word {word}");
    };
    expect(6, 0, "root");
    expect(2, 6, "nsubj:pass");
    expect(5, 6, "aux:pass");
    expect(4, 2, "acl:relcl");
    expect(3, 4, "nsubj");
    expect(8, 6, "punct");
}

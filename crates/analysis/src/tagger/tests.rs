//! Unit tests of the tagger: sentences tagged as EWT would tag them, the
//! lemma and FEATS rules, the embedded weights, determinism and odd input.

use super::*;
use crate::clusters::{ClusterOptions, WordClusters};
use crate::conllu;

/// Tags a sentence with the embedded tagger, as owned rows
/// (upos, xpos, feats, lemma).
fn tag(forms: &[&str]) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    Tagger::embedded().tag(forms, &mut out);
    out.into_iter()
        .map(|tagged| {
            (
                tagged.upos.to_string(),
                tagged.xpos.to_string(),
                tagged.feats.to_string(),
                tagged.lemma,
            )
        })
        .collect()
}

fn tags_and_lemmas(forms: &[&str]) -> Vec<(String, String, String)> {
    tag(forms)
        .into_iter()
        .map(|(upos, xpos, _, lemma)| (upos, xpos, lemma))
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(upos, xpos, lemma)| (upos.to_string(), xpos.to_string(), lemma.to_string()))
        .collect()
}

#[test]
fn a_short_sentence_is_tagged_as_ewt_tags_it() {
    // EWT splits "don't" into "do" + "n't" and tags them AUX VBP, PART RB.
    let rows = tag(&["I", "do", "n't", "know", "."]);
    let expected = [
        ("PRON", "PRP", "Case=Nom|Number=Sing|Person=1|PronType=Prs", "I"),
        (
            "AUX",
            "VBP",
            "Mood=Ind|Number=Sing|Person=1|Tense=Pres|VerbForm=Fin",
            "do",
        ),
        ("PART", "RB", "Polarity=Neg", "not"),
        ("VERB", "VB", "VerbForm=Inf", "know"),
        ("PUNCT", ".", "_", "."),
    ];
    let expected: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|(upos, xpos, feats, lemma)| {
            (
                upos.to_string(),
                xpos.to_string(),
                feats.to_string(),
                lemma.to_string(),
            )
        })
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn nouns_verbs_and_adjectives_get_their_ewt_tags_and_lemmas() {
    assert_eq!(
        tags_and_lemmas(&["The", "children", "were", "happy", "."]),
        owned(&[
            ("DET", "DT", "the"),
            ("NOUN", "NNS", "child"),
            ("AUX", "VBD", "be"),
            ("ADJ", "JJ", "happy"),
            ("PUNCT", ".", "."),
        ])
    );
    assert_eq!(
        tags_and_lemmas(&["She", "bought", "two", "houses", "in", "London", "."]),
        owned(&[
            ("PRON", "PRP", "she"),
            ("VERB", "VBD", "buy"),
            ("NUM", "CD", "two"),
            ("NOUN", "NNS", "house"),
            ("ADP", "IN", "in"),
            ("PROPN", "NNP", "London"),
            ("PUNCT", ".", "."),
        ])
    );
}

#[test]
fn feats_carry_tense_number_person_and_pronoun_features() {
    let rows = tag(&["She", "was", "here", "."]);
    assert_eq!(rows[0].2, "Case=Nom|Gender=Fem|Number=Sing|Person=3|PronType=Prs");
    assert_eq!(rows[1].2, "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin");
    let rows = tag(&["The", "dogs", "bark", "."]);
    assert_eq!(rows[0].2, "Definite=Def|PronType=Art");
    assert_eq!(rows[1].2, "Number=Plur");
}

#[test]
fn lemmas_follow_the_treebank_and_its_suffix_rules() {
    let tagger = Tagger::embedded();
    assert_eq!(tagger.lemmatise("was", "VBD"), "be");
    assert_eq!(tagger.lemmatise("Was", "VBD"), "be");
    assert_eq!(tagger.lemmatise("children", "NNS"), "child");
    assert_eq!(tagger.lemmatise("better", "JJR"), "good");
    assert_eq!(tagger.lemmatise("studies", "NNS"), "study");
    assert_eq!(tagger.lemmatise("went", "VBD"), "go");
    assert_eq!(tagger.lemmatise("Obama", "NNP"), "Obama");
    // Words the treebank never saw go by their suffix.
    assert_eq!(tagger.lemmatise("blorfed", "VBD"), "blorf");
    assert_eq!(tagger.lemmatise("zorbles", "NNS"), "zorble");
    assert_eq!(tagger.lemmatise("Zorbles", "NNS"), "zorble");
    assert_eq!(tagger.lemmatise("anything", "NO-SUCH-TAG"), "anything");
}

#[test]
fn the_embedded_weights_load_and_round_trip_through_bytes() {
    let tagger = Tagger::embedded();
    let (n_features, n_weights, ..) = tagger.sizes();
    assert!(n_features > 1000 && n_weights > n_features);
    assert!(
        tagger
            .tags
            .iter()
            .any(|tag| tag.upos == "PROPN" && tag.xpos == "NNP")
    );
    let bytes = tagger.to_bytes();
    assert_eq!(&Tagger::from_bytes(&bytes).unwrap(), tagger);
    assert!(Tagger::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    assert!(Tagger::from_bytes(b"CDBTAG01 and then nonsense").is_err());
    assert!(Tagger::from_bytes(&[]).is_err());
}

#[test]
fn every_feats_value_is_a_valid_ud_feats_string() {
    for feats in &Tagger::embedded().feats_names {
        if feats == "_" {
            continue;
        }
        let names: Vec<&str> = feats
            .split('|')
            .map(|pair| {
                let (name, value) = pair.split_once('=').expect("Name=Value");
                assert!(!name.is_empty() && !value.is_empty(), "{feats}");
                name
            })
            .collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|name| name.to_lowercase());
        assert_eq!(names, sorted, "{feats}");
    }
}

#[test]
fn odd_input_does_not_panic_and_gives_one_analysis_per_word() {
    let long_word = "a".repeat(100_000);
    let long_sentence: Vec<&str> = std::iter::repeat_n("word", 5000).collect();
    let inputs: Vec<Vec<&str>> = vec![
        vec![],
        vec![""],
        vec!["", "", ""],
        vec!["😀", "🇬🇧", "👍🏽"],
        vec![&long_word],
        vec!["İSTANBUL", "ǅemal", "ß", "ﬁ", "e\u{301}"],
        vec!["\u{0}", "\t", " ", "\u{feff}"],
        vec!["Привет", "мир", "日本語", "العربية"],
        long_sentence,
    ];
    let tagger = Tagger::embedded();
    let mut out = Vec::new();
    for forms in &inputs {
        tagger.tag(forms, &mut out);
        assert_eq!(out.len(), forms.len());
        for tagged in &out {
            assert!(!tagged.upos.is_empty() && !tagged.xpos.is_empty() && !tagged.feats.is_empty());
        }
    }
    // Reusing the output for a shorter sentence leaves no stale words.
    tagger.tag(&["Hi", "."], &mut out);
    assert_eq!(out.len(), 2);
    assert_eq!(out[1].lemma, ".");
}

/// A tiny treebank in CoNLL-U, for training tests.
const TINY: &str = "# newdoc id = a
1\tDogs\tdog\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_
2\tbark\tbark\tVERB\tVBP\tMood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_
2\tcat\tcat\tNOUN\tNN\tNumber=Sing\t3\tnsubj\t_\t_
3\tsleeps\tsleep\tVERB\tVBZ\tMood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# newdoc id = b
1\tMary\tMary\tPROPN\tNNP\tNumber=Sing\t2\tnsubj\t_\t_
2\twalked\twalk\tVERB\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
3\thome\thome\tADV\tRB\t_\t2\tadvmod\t_\t_
4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_
2\tdogs\tdog\tNOUN\tNNS\tNumber=Plur\t3\tnsubj\t_\t_
3\tslept\tsleep\tVERB\tVBD\tMood=Ind|Number=Plur|Person=3|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_
";

fn tiny_options(seed: u64) -> TaggerOptions {
    TaggerOptions {
        seed,
        epochs: 10,
        // The default pruning is sized for the full treebank; four sentences
        // have no weights that large and no feature seen five times.
        min_weight: 0.0,
        feats_min_weight: 0.0,
        min_feature_count: 1,
        ..TaggerOptions::default()
    }
}

#[test]
fn training_is_deterministic_for_a_seed_and_learns_the_tiny_treebank() {
    let sentences = conllu::parse(TINY).unwrap();
    let first = Tagger::train(&sentences, &tiny_options(7));
    let second = Tagger::train(&sentences, &tiny_options(7));
    assert_eq!(first.to_bytes(), second.to_bytes());
    let mut out = Vec::new();
    first.tag(&["The", "cat", "sleeps", "."], &mut out);
    let tags: Vec<(&str, &str)> = out.iter().map(|tagged| (tagged.upos, tagged.xpos)).collect();
    assert_eq!(
        tags,
        [("DET", "DT"), ("NOUN", "NN"), ("VERB", "VBZ"), ("PUNCT", ".")]
    );
    assert_eq!(out[2].lemma, "sleep");
    assert_eq!(
        out[2].feats,
        "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin"
    );
}

#[test]
fn training_on_nothing_gives_a_tagger_that_still_tags() {
    let tagger = Tagger::train(&[], &tiny_options(1));
    let mut out = Vec::new();
    tagger.tag(&["Hello", "world"], &mut out);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].lemma, "Hello");
    assert_eq!(Tagger::from_bytes(&tagger.to_bytes()).unwrap(), tagger);
}

#[test]
fn jackknifing_tags_every_sentence_with_a_model_that_did_not_see_it() {
    let sentences = conllu::parse(TINY).unwrap();
    let tags = jackknife_tags(&sentences, 2, &tiny_options(3));
    assert_eq!(tags.len(), sentences.len());
    for (sentence, predicted) in sentences.iter().zip(&tags) {
        assert_eq!(predicted.len(), sentence.words.len());
    }
    // Full stops are tagged the same in every fold.
    assert_eq!(tags[0][2], ("PUNCT".to_string(), ".".to_string()));
    assert_eq!(
        jackknife_tags(&[], 10, &tiny_options(3)),
        Vec::<Vec<(String, String)>>::new()
    );
}

/// The gold joint-tag numbers of the tiny treebank's words, numbered as
/// [`Tagger::train`] numbers them (sorted (UPOS, XPOS) pairs).
fn tiny_gold(sentences: &[Sentence]) -> Vec<Vec<u32>> {
    let mut names: Vec<(&str, &str)> = sentences
        .iter()
        .flat_map(|sentence| &sentence.words)
        .map(|word| (word.upos.as_str(), word.xpos.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    sentences
        .iter()
        .map(|sentence| {
            sentence
                .words
                .iter()
                .map(|word| {
                    let pair = (word.upos.as_str(), word.xpos.as_str());
                    names.binary_search(&pair).unwrap() as u32
                })
                .collect()
        })
        .collect()
}

#[test]
fn held_out_lexicons_do_not_know_the_words_of_their_own_fold() {
    let sentences = conllu::parse(TINY).unwrap();
    let gold = tiny_gold(&sentences);
    let whole = learn_lexicon(&sentences, &gold);
    assert_eq!(held_out_lexicons(&sentences, &gold, 1), vec![whole.clone()]);
    let folds = held_out_lexicons(&sentences, &gold, 4);
    assert_eq!(folds.len(), 4);
    // "Mary" and "home" are only in the third sentence, "the" in the second
    // and fourth.
    for word in ["mary", "home"] {
        assert!(whole.tags.get(hash_str(word)).is_some());
        assert!(folds[2].tags.get(hash_str(word)).is_none(), "{word}");
        assert!(folds[0].tags.get(hash_str(word)).is_some(), "{word}");
    }
    assert!(
        folds
            .iter()
            .all(|lexicon| lexicon.tags.get(hash_str("the")).is_some())
    );
    // Asking for more folds than sentences gives one per sentence.
    assert_eq!(held_out_lexicons(&sentences, &gold, 10).len(), 4);
}

#[test]
fn the_lexicon_keeps_capitalised_forms_and_ambiguity_classes_that_agree_across_folds() {
    let sentences = conllu::parse(TINY).unwrap();
    let gold = tiny_gold(&sentences);
    let lexicon = learn_lexicon(&sentences, &gold);
    let the = lexicon.tags.get(hash_str("the")).unwrap();
    assert_eq!(lexicon.tags.get(cased_key(hash_str("The"))), Some(the));
    assert_eq!(lexicon.tags.get(cased_key(hash_str("the"))), None, "no capitals");
    // "the" is a determiner in every fold, so its class has the same value in
    // every lexicon, although each lexicon saw other words.
    let classes: Vec<Option<u32>> = held_out_lexicons(&sentences, &gold, 4)
        .iter()
        .map(|lexicon| lexicon.ambiguity.get(hash_str("the")))
        .collect();
    assert!(
        classes
            .iter()
            .all(|class| class.is_some() && *class == classes[0])
    );
    assert_eq!(lexicon.ambiguity.get(hash_str("the")), classes[0]);
    // A word with other tags has another class.
    assert_ne!(
        lexicon.ambiguity.get(hash_str("the")),
        lexicon.ambiguity.get(hash_str("dogs"))
    );
}

#[test]
fn word_keys_split_hyphenated_words_and_read_short_prefixes() {
    let keys = word_keys("Long-term", "long-term", false);
    assert_eq!(keys.hyphen_first, hash_str("long"));
    assert_eq!(keys.hyphen_last, hash_str("term"));
    assert_eq!(keys.prefix1, hash_str("l"));
    assert_eq!(keys.prefix2, hash_str("lo"));
    // Leading, trailing and lone hyphens are not parts.
    for form in ["-term", "long-", "-", "plain"] {
        let keys = word_keys(form, form, false);
        assert_eq!((keys.hyphen_first, keys.hyphen_last), (0, 0), "{form}");
    }
    let keys = word_keys("é", "é", false);
    assert_eq!((keys.prefix1, keys.prefix2), (hash_str("é"), hash_str("é")));
}

#[test]
fn the_sentence_case_tells_title_case_from_ordinary_and_lowercase_writing() {
    let case_of = |forms: &[&str]| {
        let mut scratch = Scratch::default();
        scratch.prepare(forms, &learn_lexicon(&[], &[]), &[]);
        scratch.words[0].sentence_case
    };
    let ordinary = case_of(&["The", "dog", "saw", "Mary", "."]);
    let title = case_of(&["Great", "Place", "To", "Stay", "!"]);
    let lowercase = case_of(&["the", "dog", "barked", "."]);
    let no_words = case_of(&["Hi", "!", "2"]);
    assert_eq!(
        ordinary,
        3 * 2,
        "one of three words after the first is capitalised"
    );
    assert_eq!(title, 4 * 2);
    assert_eq!(lowercase, 2 + 1, "none capitalised, and the first word small");
    assert_eq!(no_words, 0);
    // Every word of a sentence reads the same value.
    let mut scratch = Scratch::default();
    scratch.prepare(&["A", "b", "C"], &learn_lexicon(&[], &[]), &[]);
    assert!(
        scratch
            .words
            .iter()
            .all(|keys| keys.sentence_case == scratch.words[0].sentence_case)
    );
}

#[test]
fn a_tagger_trained_with_word_clusters_keeps_them_through_its_bytes() {
    let sentences = conllu::parse(TINY).unwrap();
    let corpus: Vec<Vec<&str>> = (0..20)
        .flat_map(|_| {
            [
                vec!["the", "cat", "sleeps", "."],
                vec!["the", "dog", "sleeps", "."],
            ]
        })
        .collect();
    let clusters = WordClusters::learn(
        &corpus,
        &ClusterOptions {
            granularities: vec![2, 3, 4],
            min_count: 1,
            ..ClusterOptions::default()
        },
    );
    let options = TaggerOptions {
        clusters,
        ..tiny_options(7)
    };
    let with_clusters = Tagger::train(&sentences, &options);
    let bytes = with_clusters.to_bytes();
    assert_ne!(bytes, Tagger::train(&sentences, &tiny_options(7)).to_bytes());
    let loaded = Tagger::from_bytes(&bytes).unwrap();
    assert_eq!(loaded, with_clusters);
    let (mut first, mut second) = (Vec::new(), Vec::new());
    with_clusters.tag(&["The", "dog", "sleeps", "."], &mut first);
    loaded.tag(&["The", "dog", "sleeps", "."], &mut second);
    assert_eq!(first, second);
}

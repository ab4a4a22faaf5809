use super::gap::{self, GapRow};
use super::*;
use crate::pipeline::Models;

fn mention_text<'t>(text: &'t str, mention: &Mention) -> &'t str {
    &text[mention.span.clone()]
}

fn pronoun_at(text: &str, sentences: &[Analysis<'_>], form: &str) -> WordRef {
    for (sentence, analysis) in sentences.iter().enumerate() {
        if let Some(word) = analysis
            .words
            .iter()
            .position(|word| &text[word.span.clone()] == form)
        {
            return WordRef { sentence, word };
        }
    }
    panic!("no {form:?} in {text:?}");
}

#[test]
fn pronouns_are_read_off_lemma_and_feats() {
    let text = "Maria said that he gave his book to her and that they thanked them for it.";
    let models = Models::embedded();
    let sentences = models.analyse_text(text);
    let analysis = &sentences[0];
    let pronoun = |form: &str| {
        let at = pronoun_at(text, &sentences, form);
        third_person_pronoun(&analysis.words[at.word])
    };
    let he = pronoun("he").unwrap();
    assert_eq!(
        (he.gender, he.number, he.case),
        (Gender::Masculine, Number::Singular, PronounCase::Subject)
    );
    assert_eq!(pronoun("his").unwrap().case, PronounCase::Possessive);
    let her = pronoun("her").unwrap();
    assert_eq!((her.gender, her.case), (Gender::Feminine, PronounCase::Object));
    assert_eq!(pronoun("they").unwrap().number, Number::Plural);
    assert_eq!(pronoun("them").unwrap().case, PronounCase::Object);
    assert_eq!(pronoun("it").unwrap().gender, Gender::Neuter);
    assert_eq!(pronoun("Maria"), None, "a name is not a pronoun");
    assert_eq!(pronoun("book"), None);
}

#[test]
fn candidates_are_names_proper_nouns_and_noun_heads_of_the_window() {
    let text = "Senator Dick Durbin visited Central Park on Monday. The senator met a reporter from Reuters. \
                He said the park was closed.";
    let models = Models::embedded();
    let sentences = models.analyse_text(text);
    assert_eq!(sentences.len(), 3);
    let he = pronoun_at(text, &sentences, "He");
    let resolution = Resolver::embedded()
        .resolve(&sentences, he)
        .expect("He is a pronoun");
    let mut found: Vec<&str> = resolution
        .candidates
        .iter()
        .map(|scored| mention_text(text, &scored.mention))
        .collect();
    found.sort_unstable();
    for expected in [
        "Dick Durbin",
        "Park",
        "The senator",
        "a reporter",
        "Reuters",
        "the park",
    ] {
        assert!(
            found.iter().any(|candidate| candidate.contains(expected)),
            "{expected:?} not among {found:?}"
        );
    }
    let total: f32 = resolution
        .candidates
        .iter()
        .map(|scored| scored.probability)
        .sum();
    assert!((total - 1.0).abs() < 1e-4, "probabilities sum to one: {total}");
    assert!(
        resolution
            .candidates
            .windows(2)
            .all(|pair| pair[0].probability >= pair[1].probability),
        "best first"
    );
    let best = mention_text(text, &resolution.best().unwrap().mention);
    assert!(
        best.contains("Durbin") || best == "The senator",
        "he is the senator, not {best:?}: {:?}",
        resolution.candidates
    );
}

#[test]
fn agreement_rules_out_places_and_the_other_gender() {
    let he = Pronoun {
        gender: Gender::Masculine,
        number: Number::Singular,
        case: PronounCase::Subject,
    };
    let they = Pronoun {
        gender: Gender::Unknown,
        number: Number::Plural,
        case: PronounCase::Subject,
    };
    assert!(features::gender_clash(&he, Gender::Feminine));
    assert!(features::gender_clash(&he, Gender::Neuter), "a place is not he");
    assert!(!features::gender_clash(&he, Gender::Unknown));
    assert!(!features::gender_clash(&he, Gender::Masculine));
    assert!(features::number_clash(&he, Number::Plural, MentionKind::Noun));
    assert!(
        !features::number_clash(
            &they,
            Number::Singular,
            MentionKind::Name(crate::ner::EntityKind::Organisation)
        ),
        "an organisation can be they"
    );
    assert!(features::number_clash(&they, Number::Singular, MentionKind::Noun));
}

#[test]
fn the_first_name_lexicon_needs_four_in_five_labels_to_agree() {
    let mut names = NameGenders::default();
    for _ in 0..4 {
        names.add("Alex", Gender::Masculine);
    }
    assert_eq!(names.gender("alex"), Some(Gender::Masculine));
    names.add("alex", Gender::Feminine);
    assert_eq!(names.gender("alex"), Some(Gender::Masculine), "4 of 5");
    names.add("alex", Gender::Feminine);
    assert_eq!(names.gender("alex"), None, "4 of 6 is not enough");
    assert_eq!(names.gender("nobody"), None);
}

const GAP_SAMPLE: &str = "ID\tText\tPronoun\tPronoun-offset\tA\tA-offset\tA-coref\tB\tB-offset\tB-coref\tURL\n\
t-1\tJohn Smith met Peter Jones in Paris. He thanked Peter for the visit.\tHe\t37\tJohn Smith\t0\tTRUE\tPeter Jones\t15\tFALSE\thttp://example.org\n\
t-2\tMaria Lopez and Ana Diaz talked. Later she called Maria.\tshe\t39\tMaria Lopez\t0\tFALSE\tAna Diaz\t16\tTRUE\thttp://example.org\n";

#[test]
fn gap_rows_are_read_with_character_offsets_turned_into_bytes() {
    let rows = gap::parse(GAP_SAMPLE).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0].text[rows[0].pronoun_span.clone()], "He");
    assert_eq!(rows[0].gold(), Some(gap::Side::A));
    assert_eq!(rows[1].gold(), Some(gap::Side::B));
    assert_eq!(rows[1].gender(), Gender::Feminine);
    // A multibyte character before the names moves their bytes, not their characters.
    let accented = GAP_SAMPLE
        .replace("John Smith met", "Jöhn Smith met")
        .replace("\tJohn Smith\t0\t", "\tJöhn Smith\t0\t");
    let rows = gap::parse(&accented).unwrap();
    assert_eq!(&rows[0].text[rows[0].b.span.clone()], "Peter Jones");
    let wrong = GAP_SAMPLE.replace("\t37\t", "\t36\t");
    assert!(
        gap::parse(&wrong).is_err(),
        "an offset that misses the pronoun is refused"
    );
}

#[test]
fn gap_scores_count_both_decisions_of_a_row() {
    let outcome = |gold_a, gold_b, predicted| gap::RowOutcome {
        gender: Gender::Feminine,
        gold_a,
        gold_b,
        predicted,
        top_probability: Some(0.9),
        baseline: None,
        gold_in_window: true,
    };
    let outcomes = [
        outcome(true, false, Some(gap::Side::A)),
        outcome(true, false, Some(gap::Side::B)),
        outcome(false, false, None),
    ];
    let scores = gap::scores(&outcomes, |outcome| outcome.predicted);
    assert_eq!(
        (
            scores.overall.true_positives,
            scores.overall.false_positives,
            scores.overall.false_negatives
        ),
        (1, 1, 1)
    );
    assert_eq!(scores.feminine, scores.overall);
    assert_eq!(scores.masculine.f1(), 0.0);
    let items = gap::curve_items(&outcomes);
    assert_eq!(items.len(), 2, "rows with neither name are not on the curve");
    let point = gap::curve_point(&items, 0.95);
    assert_eq!((point.resolved, point.total), (0, 2));
}

#[test]
fn training_is_deterministic_and_learns_the_small_sample() {
    let models = Models::embedded();
    let rows: Vec<GapRow> = gap::parse(GAP_SAMPLE).unwrap();
    let analysed = gap::analyse_rows(&models, &rows);
    let options = TrainOptions {
        epochs: 20,
        ..TrainOptions::default()
    };
    let first = gap::train_on(&analysed, &options);
    let second = gap::train_on(&analysed, &options);
    assert_eq!(
        first.to_bytes(),
        second.to_bytes(),
        "same data and seed, same bytes"
    );
    assert!(first.n_weights() > 0);
    let read_back = Resolver::from_bytes(&first.to_bytes()).unwrap();
    assert_eq!(read_back, first);
    let outcomes = gap::outcomes(&first, &analysed);
    assert!(
        outcomes.iter().all(|outcome| outcome.gold_in_window),
        "{outcomes:?}"
    );
    assert!(Resolver::from_bytes(b"nonsense").is_err());
    let bytes = first.to_bytes();
    assert!(Resolver::from_bytes(&bytes[..bytes.len() - 1]).is_err());
}

#[test]
fn the_embedded_weights_load_and_are_trained() {
    let resolver = Resolver::embedded();
    assert!(resolver.n_weights() > 20, "{} weights", resolver.n_weights());
    assert!(resolver.names().len() > 500, "{} names", resolver.names().len());
}

/// The shared data folder beside the project (`../shared`), as CI lays it.
fn shared_file(relative: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{} (GAP lives in ../shared): {error}", path.display()))
}

/// The committed weights give, on GAP validation and test, exactly the
/// figures recorded when they were trained, and [`CONFIDENT`] is the
/// threshold that training chose on validation.
#[test]
fn embedded_weights_reproduce_the_recorded_gap_figures() {
    let recorded = include_str!("../../weights/coref-figures.txt");
    let threshold: f32 = recorded
        .lines()
        .find_map(|line| line.strip_prefix("validation-threshold="))
        .expect("a recorded threshold")
        .parse()
        .unwrap();
    assert_eq!(
        threshold, CONFIDENT,
        "coref::CONFIDENT is the threshold chosen on validation"
    );
    let models = Models::embedded();
    let resolver = Resolver::embedded();
    let mut measured = format!("validation-threshold={threshold:.3}\n");
    for (name, file) in [
        ("gap-validation", "datasets/gap-coreference/gap-validation.tsv"),
        ("gap-test", "datasets/gap-coreference/gap-test.tsv"),
    ] {
        let rows = gap::parse(&shared_file(file)).unwrap();
        let outcomes = gap::outcomes(resolver, &gap::analyse_rows(&models, &rows));
        // Since the session-6 tagger, no threshold reaches TARGET_PRECISION
        // on validation (0.895 at CONFIDENT): the figures file records what
        // the operating point gives, and issue 12's note says it misses.
        if name == "gap-validation" {
            let point = gap::curve_point(&gap::curve_items(&outcomes), CONFIDENT);
            assert!(point.precision() > 0.85, "{point:?}");
        }
        measured.push_str(&gap::record(name, &outcomes, threshold));
    }
    assert_eq!(measured, recorded);
}

/// The failure the word-list heuristic had (see the extractor's news gold
/// set): "He" rewritten to a place. The resolver ranks the person first and
/// trusts it, and says nothing confident for "it", which GAP never showed it.
#[test]
fn news_pronouns_resolve_to_the_person_and_it_is_never_trusted() {
    let models = Models::embedded();
    for (text, pronoun, expected) in [
        (
            "Senator Dick Durbin spoke in Central Park on Friday. He said the vote would wait.",
            "He",
            "Dick Durbin",
        ),
        (
            "Joe Biden visited Los Angeles on Monday. He said the city needed more money.",
            "He",
            "Joe Biden",
        ),
        (
            "Mayor Karen Bass met Governor Gavin Newsom in Los Angeles. She said the fires were under control.",
            "She",
            "Karen Bass",
        ),
        (
            "Angela Merkel told reporters in Berlin that she would not run again.",
            "she",
            "Angela Merkel",
        ),
    ] {
        let sentences = models.analyse_text(text);
        let at = pronoun_at(text, &sentences, pronoun);
        let resolution = Resolver::embedded().resolve(&sentences, at).unwrap();
        let confident = resolution
            .confident()
            .map(|scored| mention_text(text, &scored.mention));
        assert!(
            confident.is_some_and(|name| name.contains(expected)),
            "{text}: {confident:?}, {:?}",
            resolution.candidates
        );
    }
    let text = "The company said on Tuesday that it would cut 500 jobs.";
    let sentences = models.analyse_text(text);
    let it = pronoun_at(text, &sentences, "it");
    let resolution = Resolver::embedded().resolve(&sentences, it).unwrap();
    assert_eq!(resolution.pronoun.gender, Gender::Neuter);
    assert!(
        resolution
            .candidates
            .iter()
            .all(|scored| mention_text(text, &scored.mention) != "Tuesday"),
        "a day is not a candidate: {:?}",
        resolution.candidates
    );
    assert_eq!(resolution.confident(), None, "it is never trusted");
}

//! Tests of the entity recogniser: the BILOU bookkeeping, training on a toy
//! corpus, determinism, odd input.

use super::*;

fn sentence(words: &[(&str, &str, &str)], entities: &[(Range<usize>, EntityKind)]) -> NerSentence {
    NerSentence {
        sent_id: None,
        forms: words.iter().map(|(form, _, _)| form.to_string()).collect(),
        entities: entities
            .iter()
            .map(|(words, kind)| Entity {
                words: words.clone(),
                kind: *kind,
            })
            .collect(),
        upos: words.iter().map(|(_, upos, _)| upos.to_string()).collect(),
        xpos: words.iter().map(|(_, _, xpos)| xpos.to_string()).collect(),
    }
}

/// A few sentences in which persons follow "met", places follow "in" and
/// organisations end in "Inc".
fn toy_corpus() -> Vec<NerSentence> {
    use EntityKind::{Location, Organisation, Person};
    let met = |first: &str, last: &str| {
        sentence(
            &[
                ("I", "PRON", "PRP"),
                ("met", "VERB", "VBD"),
                (first, "PROPN", "NNP"),
                (last, "PROPN", "NNP"),
                ("yesterday", "NOUN", "NN"),
            ],
            &[(2..4, Person)],
        )
    };
    let lives_in = |place: &str| {
        sentence(
            &[
                ("She", "PRON", "PRP"),
                ("lives", "VERB", "VBZ"),
                ("in", "ADP", "IN"),
                (place, "PROPN", "NNP"),
                (".", "PUNCT", "."),
            ],
            &[(3..4, Location)],
        )
    };
    let works_for = |name: &str| {
        sentence(
            &[
                ("He", "PRON", "PRP"),
                ("works", "VERB", "VBZ"),
                ("for", "ADP", "IN"),
                (name, "PROPN", "NNP"),
                ("Inc", "PROPN", "NNP"),
                (".", "PUNCT", "."),
            ],
            &[(3..5, Organisation)],
        )
    };
    vec![
        met("Anna", "Berg"),
        lives_in("Oslo"),
        works_for("Acme"),
        met("Tom", "Reilly"),
        lives_in("Lima"),
        works_for("Globex"),
        met("Sara", "Kowalski"),
        lives_in("Quito"),
        works_for("Initech"),
    ]
}

fn small_options() -> RecogniserOptions {
    RecogniserOptions {
        epochs: 5,
        ..RecogniserOptions::default()
    }
}

fn recognise(recogniser: &Recogniser, words: &[(&str, &str, &str)]) -> Vec<(Range<usize>, &'static str)> {
    let forms: Vec<&str> = words.iter().map(|(form, _, _)| *form).collect();
    let upos: Vec<&str> = words.iter().map(|(_, upos, _)| *upos).collect();
    let xpos: Vec<&str> = words.iter().map(|(_, _, xpos)| *xpos).collect();
    let mut out = Vec::new();
    recogniser.recognise(&forms, &upos, &xpos, &mut out);
    out.into_iter()
        .map(|entity| (entity.words, entity.kind.label()))
        .collect()
}

#[test]
fn labels_round_trip() {
    for kind in EntityKind::ALL {
        assert_eq!(EntityKind::from_label(kind.label()), Some(kind));
    }
    assert_eq!(EntityKind::from_label("MISC"), None);
}

#[test]
fn bilou_transitions_keep_entities_whole() {
    let person_begin = class_of(EntityKind::Person, BEGIN);
    let person_last = class_of(EntityKind::Person, LAST);
    let place_last = class_of(EntityKind::Location, LAST);
    let place_unit = class_of(EntityKind::Location, UNIT);
    assert!(allowed(START, person_begin, false));
    assert!(
        !allowed(START, person_begin, true),
        "nothing may stay open at the end"
    );
    assert!(!allowed(START, person_last, false), "no last without a begin");
    assert!(allowed(person_begin, person_last, true));
    assert!(
        !allowed(person_begin, place_last, false),
        "an entity keeps its kind"
    );
    assert!(!allowed(person_begin, OUTSIDE, false));
    assert!(allowed(person_last, place_unit, true));
}

#[test]
fn gold_classes_and_decoding_are_inverse() {
    let entities = vec![
        Entity {
            words: 0..1,
            kind: EntityKind::Location,
        },
        Entity {
            words: 2..5,
            kind: EntityKind::Organisation,
        },
    ];
    let classes = gold_classes(6, &entities);
    assert_eq!(
        classes,
        [
            class_of(EntityKind::Location, UNIT),
            OUTSIDE,
            class_of(EntityKind::Organisation, BEGIN),
            class_of(EntityKind::Organisation, INSIDE),
            class_of(EntityKind::Organisation, LAST),
            OUTSIDE,
        ]
    );
    let mut decoded = Vec::new();
    decode(&classes, &mut decoded);
    assert_eq!(decoded, entities);
}

#[test]
fn overlapping_or_out_of_range_gold_entities_are_skipped() {
    let entities = [
        Entity {
            words: 0..2,
            kind: EntityKind::Person,
        },
        Entity {
            words: 1..3,
            kind: EntityKind::Location,
        },
        Entity {
            words: 3..9,
            kind: EntityKind::Location,
        },
    ];
    let classes = gold_classes(4, &entities);
    assert_eq!(
        classes,
        [
            class_of(EntityKind::Person, BEGIN),
            class_of(EntityKind::Person, LAST),
            OUTSIDE,
            OUTSIDE
        ]
    );
}

#[test]
fn learns_the_toy_corpus_and_generalises_to_new_names() {
    let recogniser = Recogniser::train(&toy_corpus(), &small_options());
    let found = recognise(
        &recogniser,
        &[
            ("I", "PRON", "PRP"),
            ("met", "VERB", "VBD"),
            ("Maria", "PROPN", "NNP"),
            ("Lindqvist", "PROPN", "NNP"),
            ("yesterday", "NOUN", "NN"),
        ],
    );
    assert_eq!(found, [(2..4, "PER")]);
    let found = recognise(
        &recogniser,
        &[
            ("She", "PRON", "PRP"),
            ("lives", "VERB", "VBZ"),
            ("in", "ADP", "IN"),
            ("Nairobi", "PROPN", "NNP"),
            (".", "PUNCT", "."),
        ],
    );
    assert_eq!(found, [(3..4, "LOC")]);
}

#[test]
fn the_same_seed_gives_the_same_weights() {
    let corpus = toy_corpus();
    let first = Recogniser::train(&corpus, &small_options()).to_bytes();
    let second = Recogniser::train(&corpus, &small_options()).to_bytes();
    assert_eq!(first, second);
    let reread = Recogniser::from_bytes(&first).unwrap();
    assert_eq!(reread.to_bytes(), first);
}

#[test]
fn bad_weights_are_refused() {
    assert!(Recogniser::from_bytes(b"").is_err());
    assert!(Recogniser::from_bytes(b"CDBNER2\0").is_err());
    let mut bytes = Recogniser::train(&toy_corpus(), &small_options()).to_bytes();
    bytes.pop();
    assert!(Recogniser::from_bytes(&bytes).is_err());
}

#[test]
fn odd_input_does_not_panic() {
    let recogniser = Recogniser::train(&toy_corpus(), &small_options());
    let mut out = vec![Entity {
        words: 0..1,
        kind: EntityKind::Person,
    }];
    recogniser.recognise(&[], &[], &[], &mut out);
    assert!(out.is_empty(), "the output is cleared");
    let long: Vec<String> = (0..5000).map(|idx| format!("Word{idx}")).collect();
    let long: Vec<&str> = long.iter().map(String::as_str).collect();
    recogniser.recognise(&long, &[], &[], &mut out);
    for entity in &out {
        assert!(entity.words.start < entity.words.end && entity.words.end <= long.len());
    }
    let odd = [
        "",
        " ",
        "\u{0}",
        "İstanbul",
        "ǅemal",
        "😀😀😀",
        "ß",
        "\u{301}",
        "ΣΊΣΥΦΟΣ",
        "a\tb",
    ];
    // Tags of the wrong length are ignored rather than trusted.
    recogniser.recognise(&odd, &["PROPN"], &[], &mut out);
    recogniser.recognise(&odd, &odd, &odd, &mut out);
    for entity in &out {
        assert!(entity.words.end <= odd.len());
    }
}

#[test]
fn the_embedded_weights_load_and_survive_a_round_trip() {
    let recogniser = Recogniser::embedded();
    let bytes = recogniser.to_bytes();
    assert_eq!(bytes.as_slice(), include_bytes!("../../weights/ner.bin"));
    assert_eq!(&Recogniser::from_bytes(&bytes).unwrap(), recogniser);
    assert!(bytes.len() <= 4 * 1024 * 1024, "within the 4 MB budget");
}

#[test]
fn the_embedded_recogniser_finds_entities_as_universal_ner_marks_them() {
    let recogniser = Recogniser::embedded();
    // UNER marks the person's full name, and the city, not the day.
    let found = recognise(
        recogniser,
        &[
            ("Barack", "PROPN", "NNP"),
            ("Obama", "PROPN", "NNP"),
            ("visited", "VERB", "VBD"),
            ("Paris", "PROPN", "NNP"),
            ("on", "ADP", "IN"),
            ("Monday", "PROPN", "NNP"),
            (".", "PUNCT", "."),
        ],
    );
    assert_eq!(found, [(0..2, "PER"), (3..4, "LOC")]);
    // A company and a state; "I" is not an entity.
    let found = recognise(
        recogniser,
        &[
            ("I", "PRON", "PRP"),
            ("work", "VERB", "VBP"),
            ("for", "ADP", "IN"),
            ("Google", "PROPN", "NNP"),
            ("in", "ADP", "IN"),
            ("California", "PROPN", "NNP"),
            (".", "PUNCT", "."),
        ],
    );
    assert_eq!(found, [(3..4, "ORG"), (5..6, "LOC")]);
    // Nationality adjectives are not entities in UNER; the country is.
    let found = recognise(
        recogniser,
        &[
            ("The", "DET", "DT"),
            ("American", "ADJ", "JJ"),
            ("troops", "NOUN", "NNS"),
            ("left", "VERB", "VBD"),
            ("Iraq", "PROPN", "NNP"),
            ("yesterday", "NOUN", "NN"),
            (".", "PUNCT", "."),
        ],
    );
    assert_eq!(found, [(4..5, "LOC")]);
    // Nothing to find.
    let found = recognise(
        recogniser,
        &[
            ("the", "DET", "DT"),
            ("food", "NOUN", "NN"),
            ("was", "AUX", "VBD"),
            ("great", "ADJ", "JJ"),
            ("!", "PUNCT", "."),
        ],
    );
    assert_eq!(found, []);
}

#[test]
fn training_on_nothing_gives_a_recogniser_that_finds_nothing() {
    let recogniser = Recogniser::train(&[], &small_options());
    let found = recognise(
        &recogniser,
        &[
            ("Paris", "PROPN", "NNP"),
            ("is", "AUX", "VBZ"),
            ("big", "ADJ", "JJ"),
        ],
    );
    assert_eq!(found, []);
    let round_trip = Recogniser::from_bytes(&recogniser.to_bytes()).unwrap();
    assert_eq!(round_trip, recogniser);
}

use super::*;
use crate::extract::ClaimDraft;
use crate::model::{ClaimDetails, DateRange, Rewrite, Span};

const BODY: &str = "Moscow denies the plan. He said on Friday that it was false. In Moscow, crowds gathered.";

/// The gold for [`BODY`], written from reading it.
const GOLD: &str = r#"{
 "id": "test-1", "corpus": "test", "body_sha256": "x", "article_date": "2022-01-07", "dateline": null,
 "entities": [
  {"name": "Russia", "kind": "state", "variants": ["Moscow"]},
  {"name": "Sergei Lavrov", "kind": "person", "variants": ["Mr Lavrov"]}
 ],
 "sentences": [
  {"span": [0, 23], "speaker": "Russia", "check_worthy": true, "claims": ["Russia denies the plan"],
   "metonyms": [{"text": "Moscow", "span": [0, 6], "reading": "state", "rewrite": "Russia"}]},
  {"span": [24, 60], "speaker": "Sergei Lavrov", "check_worthy": true, "claims": [],
   "pronouns": [{"text": "He", "span": [24, 26], "antecedent": "Sergei Lavrov"}],
   "dates": [{"text": "on Friday", "span": [32, 41], "start": "2022-01-07", "end": "2022-01-07"}]},
  {"span": [61, 88], "speaker": null, "check_worthy": false, "claims": [],
   "metonyms": [{"text": "Moscow", "span": [64, 70], "reading": "place", "rewrite": null}]}
 ]
}"#;

fn span(start: usize, end: usize) -> Span {
    Span { start, end }
}

fn draft(text: &str, sentence: Span, speaker: Option<&str>, score: f64, details: ClaimDetails) -> ClaimDraft {
    ClaimDraft {
        text: text.to_owned(),
        sentence: BODY[sentence.start..sentence.end].to_owned(),
        span: sentence,
        speaker: speaker.map(str::to_owned),
        checkworthiness: score,
        sentence_idx: 0,
        details,
    }
}

fn rewrite(at: Span, replacement: &str, rule: &str) -> Rewrite {
    Rewrite {
        original: BODY[at.start..at.end].to_owned(),
        span: at,
        replacement: replacement.to_owned(),
        rule: rule.to_owned(),
    }
}

fn gold() -> GoldArticle {
    read_article(GOLD, BODY.len()).unwrap()
}

#[test]
fn right_rewrites_speakers_and_dates_count_as_right() {
    let claims = [
        draft(
            "Russia denies the plan.",
            span(0, 23),
            Some("Russia"),
            0.9,
            ClaimDetails {
                rewrites: vec![rewrite(span(0, 6), "Russia", "metonym")],
                ..ClaimDetails::default()
            },
        ),
        draft(
            "Mr Lavrov said that it was false.",
            span(24, 60),
            Some("Mr Lavrov"),
            0.7,
            ClaimDetails {
                rewrites: vec![rewrite(span(24, 26), "Mr Lavrov", "pronoun")],
                dates: vec![DateRange {
                    start: "2022-01-07".into(),
                    end: "2022-01-07".into(),
                    text: "on Friday".into(),
                }],
                ..ClaimDetails::default()
            },
        ),
    ];
    let figures = score_article(&gold(), BODY, &claims);
    assert_eq!(figures.speaker, Judged { right: 2, total: 2 });
    assert_eq!(figures.metonym_rewrites, Judged { right: 1, total: 1 });
    assert_eq!(figures.pronoun_rewrites, Judged { right: 1, total: 1 });
    assert_eq!(figures.pronoun_coverage, Judged { right: 1, total: 1 });
    assert_eq!(figures.dates, Judged { right: 1, total: 1 });
    assert_eq!(
        (
            figures.checkworthy_true_positive,
            figures.checkworthy_false_positive
        ),
        (2, 0)
    );
    assert_eq!(figures.untraceable_words, 0);
    assert_eq!(figures.sentences_with_claims, 2);
}

#[test]
fn wrong_rewrites_invented_words_and_dates_are_caught() {
    let claims = [
        // "He" given to the wrong entity, a date where the gold has another,
        // and a word ("never") that neither sentence nor rewrite gives.
        draft(
            "Russia said that it was never false.",
            span(24, 60),
            Some("Russia"),
            0.2,
            ClaimDetails {
                rewrites: vec![rewrite(span(24, 26), "Russia", "pronoun")],
                dates: vec![DateRange {
                    start: "2021-12-31".into(),
                    end: "2021-12-31".into(),
                    text: "on Friday".into(),
                }],
                ..ClaimDetails::default()
            },
        ),
        // A city as a place rewritten as the state.
        draft(
            "In Russia, crowds gathered.",
            span(61, 88),
            None,
            0.8,
            ClaimDetails {
                rewrites: vec![rewrite(span(64, 70), "Russia", "metonym")],
                ..ClaimDetails::default()
            },
        ),
    ];
    let figures = score_article(&gold(), BODY, &claims);
    assert_eq!(figures.pronoun_rewrites, Judged { right: 0, total: 1 });
    assert_eq!(figures.pronoun_coverage, Judged { right: 0, total: 1 });
    assert_eq!(figures.metonym_rewrites, Judged { right: 0, total: 1 });
    assert_eq!(figures.dates, Judged { right: 0, total: 1 });
    assert_eq!(
        figures.speaker,
        Judged { right: 1, total: 2 },
        "the narrator's sentence is right"
    );
    assert_eq!(figures.speaker_attributed, Judged { right: 0, total: 1 });
    assert_eq!(figures.untraceable_words, 1);
    assert!(figures.untraceable_examples[0].contains("\"never\""));
    // The first sentence gave no claim: a check-worthy sentence missed; the
    // third is not check-worthy but scored so.
    assert_eq!(
        (
            figures.checkworthy_true_positive,
            figures.checkworthy_false_positive,
            figures.checkworthy_false_negative
        ),
        (0, 1, 2)
    );
    assert_eq!(figures.rules["metonym"].fired, 1);
    assert!(
        figures
            .errors
            .iter()
            .any(|error| error.contains("\"Moscow\" -> \"Russia\""))
    );
}

#[test]
fn a_name_inside_a_longer_speaker_phrase_names_its_entity() {
    let gold = gold();
    let claims = [draft(
        "He said that it was false.",
        span(24, 60),
        Some("Russian Foreign Minister Sergei Lavrov"),
        0.5,
        ClaimDetails::default(),
    )];
    let figures = score_article(&gold, BODY, &claims);
    assert_eq!(figures.speaker, Judged { right: 1, total: 1 });
}

#[test]
fn a_form_two_entities_share_is_right_for_the_one_the_gold_means() {
    // Two forces, both written "the officers"; the second sentence's is
    // the second one.
    let gold = read_article(
        &GOLD.replace(
            r#"{"name": "Sergei Lavrov", "kind": "person", "variants": ["Mr Lavrov"]}"#,
            r#"{"name": "city police officers", "kind": "group", "variants": ["the officers"]},
  {"name": "Sergei Lavrov", "kind": "group", "variants": ["the officers"]}"#,
        ),
        BODY.len(),
    )
    .unwrap();
    let claim = |speaker: &str| {
        [draft(
            "He said that it was false.",
            span(24, 60),
            Some(speaker),
            0.5,
            ClaimDetails::default(),
        )]
    };
    assert_eq!(
        score_article(&gold, BODY, &claim("the officers")).speaker,
        Judged { right: 1, total: 1 }
    );
    // A form only the other entity has is still wrong.
    assert_eq!(
        score_article(&gold, BODY, &claim("city police officers")).speaker,
        Judged { right: 0, total: 1 }
    );
}

#[test]
fn one_person_written_two_ways_is_two_speakers() {
    let gold = gold();
    let claim = |speaker: &str| {
        draft(
            "He said that it was false.",
            span(24, 60),
            Some(speaker),
            0.5,
            ClaimDetails::default(),
        )
    };
    let same = [claim("Sergei Lavrov"), claim("Sergei Lavrov")];
    assert_eq!(
        score_article(&gold, BODY, &same).one_form_per_speaker,
        Judged { right: 1, total: 1 }
    );
    let two_ways = [
        claim("Sergei Lavrov"),
        claim("Russian Foreign Minister Sergei Lavrov"),
    ];
    let figures = score_article(&gold, BODY, &two_ways);
    assert_eq!(figures.speaker, Judged { right: 2, total: 2 });
    assert_eq!(figures.one_form_per_speaker, Judged { right: 0, total: 1 });
}

#[test]
fn gold_files_that_do_not_hang_together_are_refused() {
    let unknown_speaker = GOLD.replace(r#""speaker": "Russia""#, r#""speaker": "Ukraine""#);
    assert!(
        read_article(&unknown_speaker, BODY.len())
            .unwrap_err()
            .to_string()
            .contains("Ukraine")
    );
    assert!(read_article(GOLD, 40).is_err(), "spans past the body");
    let one_end = GOLD.replace(r#""end": "2022-01-07""#, r#""end": null"#);
    assert!(
        read_article(&one_end, BODY.len())
            .unwrap_err()
            .to_string()
            .contains("one end")
    );
    assert!(read_article("{", BODY.len()).is_err());
}

//! Tests of in-memory filter matching: each field and operator, no verdict, text byte for byte,
//! date ranges, and what is left to the store (`reviewer`, values of another type).

use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::model::{
    ArticleId, ClaimDetails, ClaimId, ClaimKind, ClaimReview, ClaimStatus, DateRange, Entity, EntityKind,
    Span, Verdict,
};
use crate::review::filter::parse;

/// 2022-01-01T00:00:00Z in microseconds.
const NEW_YEAR: i64 = 1_640_995_200_000_000;

fn claim() -> Claim {
    Claim {
        id: ClaimId(7),
        article_id: ArticleId(3),
        text: "Troops massed at the border.".into(),
        sentence: "Troops massed at the border.".into(),
        span: Span { start: 0, end: 28 },
        speaker: "Joe Biden".into(),
        checkworthiness: 0.5,
        details: ClaimDetails {
            kind: ClaimKind::Event,
            checkable: true,
            entities: vec![
                Entity {
                    name: "Russia".into(),
                    kind: EntityKind::Place,
                },
                Entity {
                    name: "NATO".into(),
                    kind: EntityKind::Organisation,
                },
            ],
            dates: vec![
                DateRange {
                    start: "2022-01-01".into(),
                    end: "2022-01-05".into(),
                    text: "in the first days of January".into(),
                },
                DateRange {
                    start: "2022-03-10".into(),
                    end: "2022-03-10".into(),
                    text: "on 10 March".into(),
                },
            ],
            ..ClaimDetails::default()
        },
        extractor_version: "test".into(),
        status: ClaimStatus::Unreviewed,
        create_time: UNIX_EPOCH + Duration::from_micros(NEW_YEAR as u64),
        review: ClaimReview::default(),
        external_review: None,
    }
}

fn check(filter: &str, claim: &Claim) -> Option<bool> {
    matches(&parse(filter).unwrap(), claim)
}

/// Asserts which of `filters` `claim` satisfies.
fn assert_all(claim: &Claim, cases: &[(&str, bool)]) {
    for &(filter, expected) in cases {
        assert_eq!(check(filter, claim), Some(expected), "{filter}");
    }
}

#[test]
fn the_empty_filter_matches_every_claim() {
    assert_eq!(check("", &claim()), Some(true));
}

#[test]
fn status_kind_and_article_compare_by_name_and_id() {
    assert_all(
        &claim(),
        &[
            ("status = UNREVIEWED", true),
            ("status = REVIEWED", false),
            ("status != REVIEWED", true),
            ("status != UNREVIEWED", false),
            ("kind = EVENT", true),
            ("kind = STATISTIC", false),
            ("kind != STATISTIC", true),
            ("kind != EVENT", false),
            ("article = articles/3", true),
            ("article = articles/30", false),
            ("article != articles/30", true),
            ("article != articles/3", false),
        ],
    );
}

#[test]
fn no_verdict_is_not_any_verdict_and_equals_none() {
    let unreviewed = claim();
    assert_all(
        &unreviewed,
        &[
            ("verdict = FALSE", false),
            ("verdict != FALSE", true),
            ("verdict != TRUE", true),
        ],
    );
    let mut reviewed = claim();
    reviewed.status = ClaimStatus::Reviewed;
    reviewed.review.verdict = Some(Verdict::False);
    assert_all(
        &reviewed,
        &[
            ("verdict = FALSE", true),
            ("verdict = TRUE", false),
            ("verdict != FALSE", false),
            ("verdict != TRUE", true),
        ],
    );
}

#[test]
fn checkable_is_a_boolean() {
    let mut opinion = claim();
    opinion.details.checkable = false;
    assert_all(
        &claim(),
        &[
            ("checkable = true", true),
            ("checkable = false", false),
            ("checkable != false", true),
            ("checkable != true", false),
        ],
    );
    assert_all(
        &opinion,
        &[
            ("checkable = false", true),
            ("checkable = true", false),
            ("checkable != true", true),
        ],
    );
}

#[test]
fn needs_context_is_a_boolean() {
    let mut unresolved = claim();
    unresolved.details.needs_context = true;
    assert_all(
        &claim(),
        &[("needs_context = false", true), ("needs_context = true", false)],
    );
    assert_all(
        &unresolved,
        &[
            ("needs_context = true", true),
            ("needs_context != true", false),
            ("needs_context = false", false),
        ],
    );
}

#[test]
fn text_is_compared_byte_for_byte() {
    let mut claim = claim();
    claim.speaker = "Zoë".into();
    assert_all(
        &claim,
        &[
            ("speaker = Zoë", true),
            ("speaker = zoë", false),
            ("speaker = ZOË", false),
            ("speaker = \"Zoë \"", false),
            // "e" with a combining diaeresis is other bytes.
            ("speaker = \"Zoe\u{308}\"", false),
            ("speaker != zoë", true),
            ("speaker != Zoë", false),
        ],
    );
    claim.speaker = String::new();
    assert_all(&claim, &[("speaker = \"\"", true), ("speaker != \"\"", false)]);
}

#[test]
fn checkworthiness_compares_as_a_real_number_with_every_operator() {
    let mut claim = claim();
    claim.checkworthiness = 0.1 + 0.2;
    assert_all(
        &claim,
        &[
            ("checkworthiness = 0.3", false),
            ("checkworthiness > 0.3", true),
            ("checkworthiness = 0.30000000000000004", true),
            ("checkworthiness >= 0.30000000000000004", true),
            ("checkworthiness <= 0.30000000000000004", true),
            ("checkworthiness < 0.30000000000000004", false),
            ("checkworthiness != 0.30000000000000004", false),
            ("checkworthiness != 0.3", true),
            ("checkworthiness < 1", true),
            ("checkworthiness >= 0", true),
        ],
    );
}

#[test]
fn create_time_compares_whole_microseconds_with_every_operator() {
    let mut claim = claim();
    // Nanoseconds below a microsecond are not stored, so they do not count.
    claim.create_time = UNIX_EPOCH + Duration::from_nanos(NEW_YEAR as u64 * 1000 + 999);
    assert_all(
        &claim,
        &[
            ("create_time = 2022-01-01", true),
            ("create_time = \"2022-01-01T02:00:00+02:00\"", true),
            ("create_time > 2022-01-01", false),
            ("create_time >= 2022-01-01", true),
            ("create_time <= 2022-01-01", true),
            ("create_time < 2022-01-01", false),
            ("create_time != 2022-01-01", false),
            ("create_time < \"2022-01-01T00:00:00.000001Z\"", true),
            ("create_time > \"2021-12-31T23:59:59.999999Z\"", true),
            ("create_time != \"2021-12-31T23:59:59.999999Z\"", true),
        ],
    );
    // Before the epoch, as the store rounds (towards zero).
    claim.create_time = UNIX_EPOCH - Duration::from_nanos(1_000_500);
    assert_all(
        &claim,
        &[
            ("create_time = \"1969-12-31T23:59:59.999Z\"", true),
            ("create_time < 1970-01-01", true),
        ],
    );
}

#[test]
fn entity_means_some_entity_has_the_name_and_not_equal_that_none_has() {
    assert_all(
        &claim(),
        &[
            ("entity = Russia", true),
            ("entity = NATO", true),
            ("entity = russia", false),
            ("entity != Ukraine", true),
            // One entity is not Russia, but one is: != asks that none is.
            ("entity != Russia", false),
            ("entity = Russia AND entity = NATO", true),
            ("entity = Russia AND entity != NATO", false),
        ],
    );
    let mut nameless = claim();
    nameless.details.entities.clear();
    assert_all(
        &nameless,
        &[("entity = Russia", false), ("entity != Russia", true)],
    );
}

#[test]
fn a_date_condition_asks_whether_some_day_of_a_range_stands_in_that_relation() {
    // Ranges: 2022-01-01..2022-01-05 and 2022-03-10.
    assert_all(
        &claim(),
        &[
            ("date = 2022-01-03", true),
            ("date = 2022-01-05", true),
            ("date = 2022-01-06", false),
            ("date = 2022-03-10", true),
            ("date != 2022-01-03", true),
            ("date < 2022-01-01", false),
            ("date <= 2022-01-01", true),
            ("date > 2022-03-10", false),
            ("date >= 2022-03-10", true),
            ("date > 2022-01-05", true),
            ("date < 2021-12-31", false),
        ],
    );
    let mut one_day = claim();
    one_day.details.dates.truncate(0);
    one_day.details.dates.push(DateRange {
        start: "2022-03-10".into(),
        end: "2022-03-10".into(),
        text: "on 10 March".into(),
    });
    assert_all(
        &one_day,
        &[("date != 2022-03-10", false), ("date != 2022-03-11", true)],
    );
}

#[test]
fn date_conditions_must_all_hold_for_the_same_range() {
    // Each condition holds for one of the two ranges, but no range
    // satisfies both: January ends before the 8th, March starts after.
    assert_all(
        &claim(),
        &[
            ("date > 2022-01-08 AND date < 2022-03-01", false),
            ("date >= 2022-01-02 AND date <= 2022-01-04", true),
            ("date = 2022-01-03 AND date = 2022-03-10", false),
            ("date = 2022-03-10 AND date != 2022-01-03", true),
            (
                "(date >= 2022-03-01) AND status = UNREVIEWED AND date <= 2022-03-31",
                true,
            ),
        ],
    );
    // With no dates, no date condition holds, not even !=.
    let mut undated = claim();
    undated.details.dates.clear();
    assert_all(
        &undated,
        &[("date != 2022-01-03", false), ("date >= 1970-01-01", false)],
    );
}

#[test]
fn reviewer_needs_the_store_unless_another_condition_fails() {
    assert_eq!(check("reviewer = ann", &claim()), None);
    assert_eq!(check("reviewer != ann AND status = UNREVIEWED", &claim()), None);
    // Only the reviewer conditions are left to the store.
    assert_eq!(
        decide(
            &parse("reviewer != ann AND status = UNREVIEWED AND reviewer = bob").unwrap(),
            &claim()
        ),
        Decision::Undecided(parse("reviewer != ann AND reviewer = bob").unwrap())
    );
    assert_eq!(
        check("reviewer = ann AND status = REVIEWED", &claim()),
        Some(false)
    );
    assert_eq!(
        check("date = 1999-01-01 AND reviewer = ann", &claim()),
        Some(false)
    );
}

#[test]
fn a_value_of_another_type_than_the_parser_gives_is_left_to_the_store() {
    let filter = Filter {
        conditions: vec![Condition {
            field: Field::Speaker,
            op: Op::Eq,
            value: Value::Int(1),
        }],
    };
    assert_eq!(matches(&filter, &claim()), None);
}

// See: #16 (`holder = me`, `leased = true`).
#[test]
fn holder_and_leased_read_the_current_lease() {
    let mut held = claim();
    let later = std::time::SystemTime::now() + Duration::from_secs(600);
    held.review.lease = Some(crate::model::Lease {
        holder: "alice".into(),
        expire_time: later,
    });
    let mut expired = held.clone();
    expired.review.lease.as_mut().unwrap().expire_time = UNIX_EPOCH;
    let free = claim();
    for (filter, on_held, on_expired, on_free) in [
        ("holder = alice", true, false, false),
        ("holder != alice", false, true, true),
        ("holder = bob", false, false, false),
        ("leased = true", true, false, false),
        ("leased != true", false, true, true),
        ("leased = false", false, true, true),
    ] {
        assert_eq!(check(filter, &held), Some(on_held), "{filter} on a held claim");
        assert_eq!(
            check(filter, &expired),
            Some(on_expired),
            "{filter} on an expired lease"
        );
        assert_eq!(check(filter, &free), Some(on_free), "{filter} on a free claim");
    }
}

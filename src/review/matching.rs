//! Whether a claim satisfies a filter, decided from the claim alone, with the semantics of the SQL
//! the store compiles filters to (`store::sqlite::filter_sql::push_filter`). WatchClaims tests each event's
//! claim with it: the filter sees the claim as the event describes it, and costs no database read.
//! A differential property test (`store/sqlite/matching_proptests.rs`) holds the two to one meaning.

use std::cmp::Ordering;

use super::filter::{Condition, Field, Filter, Op, Value, micros};
use crate::model::Claim;

/// A claim's value for a field, as the store's column holds it.
#[derive(Debug, Clone, Copy)]
enum Stored<'a> {
    Text(&'a str),
    Int(i64),
    Real(f64),
    /// SQL NULL: a claim without a verdict.
    Null,
}

/// How a field reads a claim: the in-memory side of `store::sqlite::filter_sql::field_sql`.
enum Reading<'a> {
    /// One value, compared directly; `!=` treats NULL as a value.
    Column(Stored<'a>),
    /// `= x`: some entity has the name x; `!= x`: none has.
    Entities,
    /// Date conditions, which must all hold for the same date range.
    Dates,
    /// What the claim does not carry (the reviews of `reviewer`).
    NotCarried,
}

fn reading(field: Field, claim: &Claim) -> Reading<'_> {
    match field {
        Field::Status => Reading::Column(Stored::Text(claim.status.as_str())),
        Field::Verdict => Reading::Column(
            claim
                .review
                .verdict
                .map_or(Stored::Null, |verdict| Stored::Text(verdict.as_str())),
        ),
        Field::Kind => Reading::Column(Stored::Text(claim.details.kind.as_str())),
        Field::Checkable => Reading::Column(Stored::Int(i64::from(claim.details.checkable))),
        Field::Speaker => Reading::Column(Stored::Text(&claim.speaker)),
        Field::Article => Reading::Column(Stored::Int(claim.article_id.0)),
        Field::Checkworthiness => Reading::Column(Stored::Real(claim.checkworthiness)),
        // The store keeps whole microseconds, as `micros` rounds.
        Field::CreateTime => Reading::Column(Stored::Int(micros(claim.create_time))),
        Field::Entity => Reading::Entities,
        Field::Date => Reading::Dates,
        Field::Reviewer => Reading::NotCarried,
    }
}

/// What deciding a filter on a claim in memory gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Every condition holds.
    Matches,
    /// A condition on what the claim carries fails.
    Fails,
    /// Every condition the claim can answer holds; these others only the
    /// store can decide (`reviewer`, or a value of a type the parser never
    /// gives its field).
    Undecided(Filter),
}

/// Decides `filter` on `claim` as far as the claim's own fields allow.
pub fn decide(filter: &Filter, claim: &Claim) -> Decision {
    let mut undecided: Vec<Condition> = Vec::new();
    let mut dates: Vec<&Condition> = Vec::new();
    for condition in &filter.conditions {
        let holds = match reading(condition.field, claim) {
            Reading::Column(stored) => column_holds(stored, condition.op, &condition.value),
            Reading::Entities => entities_hold(claim, condition),
            Reading::Dates => {
                dates.push(condition);
                continue;
            }
            Reading::NotCarried => None,
        };
        match holds {
            Some(true) => {}
            // The conditions are joined by AND: one that fails decides.
            Some(false) => return Decision::Fails,
            None => undecided.push(condition.clone()),
        }
    }
    if !dates.is_empty() {
        match dates_hold(claim, &dates) {
            Some(true) => {}
            Some(false) => return Decision::Fails,
            // Date conditions are decided together, on one range.
            None => undecided.extend(dates.into_iter().cloned()),
        }
    }
    if undecided.is_empty() {
        Decision::Matches
    } else {
        Decision::Undecided(Filter {
            conditions: undecided,
        })
    }
}

/// Whether `claim` satisfies `filter`, or `None` when only the store can
/// tell (see [`Decision::Undecided`]). The tests' view of [`decide`]; the
/// server uses `decide` itself, to ask the store only the rest.
#[cfg(test)]
pub fn matches(filter: &Filter, claim: &Claim) -> Option<bool> {
    match decide(filter, claim) {
        Decision::Matches => Some(true),
        Decision::Fails => Some(false),
        Decision::Undecided(_) => None,
    }
}

/// SQLite's comparison of a column with a bound value of the type the
/// parser gives the field: text in BINARY collation (byte order), numbers
/// by value. `None` for a pairing the parser never makes.
fn compare(stored: Stored<'_>, value: &Value) -> Option<Ordering> {
    match (stored, value) {
        (Stored::Text(text), Value::Text(wanted)) => Some(text.as_bytes().cmp(wanted.as_bytes())),
        (Stored::Int(int), Value::Int(wanted)) => Some(int.cmp(wanted)),
        // A boolean is bound as the integer 0 or 1.
        (Stored::Int(int), Value::Bool(wanted)) => Some(int.cmp(&i64::from(*wanted))),
        (Stored::Real(real), Value::Real(wanted)) => real.partial_cmp(wanted),
        _ => None,
    }
}

fn op_holds(op: Op, ordering: Ordering) -> bool {
    match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
    }
}

/// `column op ?`, with `!=` as `IS NOT`: NULL is "not x" for every x, and
/// fails every other comparison.
fn column_holds(stored: Stored<'_>, op: Op, value: &Value) -> Option<bool> {
    if matches!(stored, Stored::Null) {
        return Some(op == Op::Ne);
    }
    compare(stored, value).map(|ordering| op_holds(op, ordering))
}

/// `[NOT] EXISTS (… e.name = ?)`.
fn entities_hold(claim: &Claim, condition: &Condition) -> Option<bool> {
    let Value::Text(name) = &condition.value else {
        return None;
    };
    let named = claim
        .details
        .entities
        .iter()
        .any(|entity| entity.name.as_bytes() == name.as_bytes());
    match condition.op {
        Op::Eq => Some(named),
        Op::Ne => Some(!named),
        // The parser allows only = and != on text fields.
        _ => None,
    }
}

/// One `EXISTS` over the claim's date ranges: some range satisfies every
/// date condition. A range is `[start, end]` in `YYYY-MM-DD`, compared as
/// text, as the store compares it; `date op x` asks whether some day of the
/// range stands in that relation to x.
fn dates_hold(claim: &Claim, conditions: &[&Condition]) -> Option<bool> {
    let mut days = Vec::with_capacity(conditions.len());
    for condition in conditions {
        let Value::Text(day) = &condition.value else {
            return None;
        };
        days.push((condition.op, day.as_bytes()));
    }
    Some(claim.details.dates.iter().any(|range| {
        let start = range.start.as_bytes();
        let end = range.end.as_bytes();
        days.iter().all(|&(op, day)| match op {
            Op::Eq => start <= day && end >= day,
            Op::Ne => !(start <= day && end >= day),
            Op::Lt => start < day,
            Op::Le => start <= day,
            Op::Gt => end > day,
            Op::Ge => end >= day,
        })
    }))
}

#[cfg(test)]
mod tests {
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
}

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
    /// What the claim does not carry (the reviews of `reviewer`, its
    /// article's fields).
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
        Field::NeedsContext => Reading::Column(Stored::Int(i64::from(claim.details.needs_context))),
        Field::Speaker => Reading::Column(Stored::Text(&claim.speaker)),
        Field::Article => Reading::Column(Stored::Int(claim.article_id.0)),
        Field::Checkworthiness => Reading::Column(Stored::Real(claim.checkworthiness)),
        // The store keeps whole microseconds, as `micros` rounds.
        Field::CreateTime => Reading::Column(Stored::Int(micros(claim.create_time))),
        Field::Entity => Reading::Entities,
        Field::Date => Reading::Dates,
        // The store reads these from the claim's article.
        Field::Reviewer
        | Field::PublishedDate
        | Field::Publisher
        | Field::Agency
        | Field::Source
        | Field::Url => Reading::NotCarried,
        // As the store reads a claim: a lease whose time has passed is none.
        Field::Holder => {
            Reading::Column(current_lease(claim).map_or(Stored::Null, |lease| Stored::Text(&lease.holder)))
        }
        Field::Leased => Reading::Column(Stored::Int(i64::from(current_lease(claim).is_some()))),
    }
}

fn current_lease(claim: &Claim) -> Option<&crate::model::Lease> {
    claim
        .review
        .lease
        .as_ref()
        .filter(|lease| lease.expire_time > std::time::SystemTime::now())
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
mod tests;

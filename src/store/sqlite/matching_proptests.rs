//! Differential property test: `review::matching::matches` (in memory, on the claim as stored)
//! decides every filter as the SQL of `claims::matches` does, on random claims and filters.

use proptest::prelude::*;
use rusqlite::{Connection, params};

use super::{claims, migrations, test_support};
use crate::calendar::parse_timestamp_micros;
use crate::model::{
    ClaimDetails, ClaimKind, ClaimStatus, DateRange, Entity, EntityKind, NewArticle, NewClaim, Span, Verdict,
};
use crate::review::filter::{self, Field, Filter};
use crate::review::matching;

/// Texts that differ only in case, spacing, accents or quotes, and the empty one.
const SPEAKERS: &[&str] = &[
    "Ann",
    "ann",
    "Ann ",
    "",
    "Zoë",
    "Zoe\u{308}",
    "o'brien",
    "say \"no\"",
];
const ENTITIES: &[&str] = &["Russia", "russia", "NATO", "Zoë", "Ann"];
/// Scores equal to, just beside, and between the filter constants.
const SCORES: &[f64] = &[0.0, 0.25, 0.3, 0.1 + 0.2, 0.5, 0.500_000_000_000_000_1, 0.7, 1.0];
const SCORE_VALUES: &[&str] = &[
    "0",
    "0.25",
    "0.3",
    "0.30000000000000004",
    "0.5",
    "0.7",
    "1",
    "1.0",
];
/// Filter times; a claim's create time is one of them give or take a microsecond.
const TIMES: &[&str] = &[
    "2022-01-01",
    "2022-01-01T00:00:00.000001Z",
    "2022-01-01T02:00:00.5+02:00",
    "2021-12-31T23:59:59Z",
    "1969-12-31T23:59:59.999999Z",
    "1970-01-01",
];
/// Claim range ends and filter dates.
const DAYS: &[&str] = &[
    "2021-12-31",
    "2022-01-01",
    "2022-01-05",
    "2022-02-01",
    "2022-02-28",
];
const OPS: &[&str] = &["=", "!=", "<", "<=", ">", ">="];
const N_ARTICLES: usize = 3;

/// What a random claim is made of, as indexes into the tables above.
#[derive(Debug, Clone)]
struct ClaimSpec {
    article: usize,
    speaker: usize,
    entities: Vec<(usize, usize)>,
    dates: Vec<(usize, usize)>,
    kind: usize,
    checkable: bool,
    needs_context: bool,
    status: usize,
    verdict: Option<usize>,
    score: usize,
    time: (usize, i64),
}

fn claim_spec() -> impl Strategy<Value = ClaimSpec> {
    (
        (
            0..N_ARTICLES,
            0..SPEAKERS.len(),
            prop::collection::vec((0..ENTITIES.len(), 0..EntityKind::ALL.len()), 0..3),
            prop::collection::vec((0..DAYS.len(), 0..DAYS.len()), 0..3),
            0..ClaimKind::ALL.len(),
            any::<bool>(),
        ),
        (
            any::<bool>(),
            0..ClaimStatus::ALL.len(),
            prop::option::of(0..Verdict::ALL.len()),
            0..SCORES.len(),
            (0..TIMES.len(), -1i64..=1),
        ),
    )
        .prop_map(
            |(
                (article, speaker, entities, dates, kind, needs_context),
                (checkable, status, verdict, score, time),
            )| {
                ClaimSpec {
                    article,
                    speaker,
                    entities,
                    dates,
                    kind,
                    checkable,
                    needs_context,
                    status,
                    verdict,
                    score,
                    time,
                }
            },
        )
}

/// A value as filter text, quoted so that any of the tables' texts survives.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn pick<'a>(names: &'a [&'a str]) -> impl Strategy<Value = &'a str> + 'a {
    (0..names.len()).prop_map(move |idx| names[idx])
}

/// One random `field op value`, valid for its field.
fn condition() -> BoxedStrategy<String> {
    let equality = prop_oneof![Just("="), Just("!=")];
    prop_oneof![
        (equality.clone(), 0..ClaimStatus::ALL.len())
            .prop_map(|(op, idx)| format!("status {op} {}", ClaimStatus::ALL[idx])),
        (equality.clone(), 0..Verdict::ALL.len())
            .prop_map(|(op, idx)| format!("verdict {op} {}", Verdict::ALL[idx])),
        (equality.clone(), 0..ClaimKind::ALL.len())
            .prop_map(|(op, idx)| format!("kind {op} {}", ClaimKind::ALL[idx])),
        (equality.clone(), any::<bool>()).prop_map(|(op, value)| format!("checkable {op} {value}")),
        (equality.clone(), any::<bool>()).prop_map(|(op, value)| format!("needs_context {op} {value}")),
        (equality.clone(), pick(SPEAKERS)).prop_map(|(op, value)| format!("speaker {op} {}", quoted(value))),
        (equality.clone(), pick(ENTITIES)).prop_map(|(op, value)| format!("entity {op} {}", quoted(value))),
        (equality.clone(), 1..=N_ARTICLES + 1).prop_map(|(op, id)| format!("article {op} articles/{id}")),
        (pick(OPS), pick(SCORE_VALUES)).prop_map(|(op, value)| format!("checkworthiness {op} {value}")),
        (pick(OPS), pick(TIMES)).prop_map(|(op, value)| format!("create_time {op} {}", quoted(value))),
        // Dates twice as often, so that filters often hold several.
        (pick(OPS), pick(DAYS)).prop_map(|(op, value)| format!("date {op} {value}")),
        (pick(OPS), pick(DAYS)).prop_map(|(op, value)| format!("date {op} {value}")),
        (equality, pick(&["ann", "bob"])).prop_map(|(op, value)| format!("reviewer {op} {value}")),
    ]
    .boxed()
}

fn filter_text() -> impl Strategy<Value = String> {
    prop::collection::vec(condition(), 0..5).prop_map(|conditions| conditions.join(" AND "))
}

/// Stores the claims (spread over `N_ARTICLES` articles) with their review
/// state and create time, and returns the connection.
fn store(specs: &[ClaimSpec]) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    migrations::migrations().to_latest(&mut conn).unwrap();
    for article_idx in 0..N_ARTICLES {
        let mut body = format!("Article {article_idx}.");
        let mut new_claims = Vec::new();
        for (claim_idx, spec) in specs.iter().enumerate() {
            if spec.article != article_idx {
                continue;
            }
            body.push(' ');
            let sentence = format!("Claim {claim_idx} is about roads.");
            let start = body.len();
            body.push_str(&sentence);
            new_claims.push(NewClaim {
                text: sentence.clone(),
                sentence,
                span: Span {
                    start,
                    end: body.len(),
                },
                speaker: SPEAKERS[spec.speaker].to_owned(),
                checkworthiness: SCORES[spec.score],
                details: ClaimDetails {
                    kind: ClaimKind::ALL[spec.kind],
                    checkable: spec.checkable,
                    needs_context: spec.needs_context,
                    entities: spec
                        .entities
                        .iter()
                        .map(|&(name, kind)| Entity {
                            name: ENTITIES[name].to_owned(),
                            kind: EntityKind::ALL[kind],
                        })
                        .collect(),
                    dates: spec
                        .dates
                        .iter()
                        .map(|&(a, b)| DateRange {
                            start: DAYS[a.min(b)].to_owned(),
                            end: DAYS[a.max(b)].to_owned(),
                            text: "then".into(),
                        })
                        .collect(),
                    ..ClaimDetails::default()
                },
            });
        }
        let article = NewArticle {
            sha256: crate::hash::sha256(&body),
            body,
            metadata: Default::default(),
            extractor_version: "test".into(),
            claims: new_claims,
        };
        test_support::create_many(&mut conn, &[article]).unwrap();
    }
    // Claims were stored article by article; give each its state by text.
    for (claim_idx, spec) in specs.iter().enumerate() {
        let (time_idx, delta) = spec.time;
        let create_time = parse_timestamp_micros(TIMES[time_idx]).unwrap() + delta;
        conn.execute(
            "UPDATE claims SET review_state = ?1, verdict = ?2, create_time = ?3 WHERE text = ?4",
            params![
                ClaimStatus::ALL[spec.status].as_str(),
                spec.verdict.map(|verdict| Verdict::ALL[verdict].as_str()),
                create_time,
                format!("Claim {claim_idx} is about roads."),
            ],
        )
        .unwrap();
    }
    conn
}

fn without_reviewer(filter: &Filter) -> Filter {
    Filter {
        conditions: filter
            .conditions
            .iter()
            .filter(|condition| condition.field != Field::Reviewer)
            .cloned()
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn in_memory_matching_agrees_with_the_sql(
        specs in prop::collection::vec(claim_spec(), 1..12),
        filters in prop::collection::vec(filter_text(), 1..24),
    ) {
        let conn = store(&specs);
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM claims ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        prop_assert_eq!(ids.len(), specs.len());
        let stored: Vec<_> = ids
            .iter()
            .map(|&id| claims::get(&conn, crate::model::ClaimId(id)).unwrap())
            .collect();
        for text in &filters {
            let filter = filter::parse(text).unwrap();
            for claim in &stored {
                let by_sql = claims::matches(&conn, claim.id, &filter).unwrap();
                match matching::matches(&filter, claim) {
                    Some(in_memory) => prop_assert_eq!(
                        in_memory, by_sql, "{} on {:?}", text, claim
                    ),
                    None => {
                        // Only the `reviewer` conditions are left to the
                        // store, and only when every other condition holds.
                        let reviewer_only = Filter {
                            conditions: filter
                                .conditions
                                .iter()
                                .filter(|condition| condition.field == Field::Reviewer)
                                .cloned()
                                .collect(),
                        };
                        prop_assert_eq!(
                            matching::decide(&filter, claim),
                            matching::Decision::Undecided(reviewer_only),
                            "{}", text
                        );
                        prop_assert!(
                            claims::matches(&conn, claim.id, &without_reviewer(&filter)).unwrap(),
                            "{} on {:?}", text, claim
                        );
                    }
                }
            }
        }
    }
}

/// Article fields for the article-filter test, `None` for a field not given.
const PUBLISHED: &[Option<&str>] = &[None, Some("2022-01-01"), Some("2022-01-15"), Some("2022-02-01")];
const PUBLISHERS: &[Option<&str>] = &[
    None,
    Some("Reuters"),
    Some("reuters"),
    Some("BBC News"),
    Some("Zoë"),
];
const CREDITS: &[Option<&str>] = &[
    None,
    Some("REUTERS, AGENCE FRANCE-PRESSE"),
    Some("AP"),
    Some("Reuters,AP"),
    Some("AP Reuters"),
    Some(""),
];
const URLS: &[Option<&str>] = &[None, Some("https://a.example/1"), Some("https://a.example/1/")];
const ARTICLE_NAMES: &[&str] = &[
    "reuters",
    "REUTERS",
    "ap",
    "agence france-presse",
    "france",
    "Zoë",
    "bbc news",
];

/// One random article condition, valid for its field.
fn article_condition() -> BoxedStrategy<String> {
    let equality = prop_oneof![Just("="), Just("!=")];
    prop_oneof![
        (pick(OPS), pick(DAYS)).prop_map(|(op, value)| format!("published_date {op} {value}")),
        (equality.clone(), pick(&["Reuters", "reuters", "BBC News", "Zoë"]))
            .prop_map(|(op, value)| format!("publisher {op} {}", quoted(value))),
        (equality.clone(), pick(ARTICLE_NAMES))
            .prop_map(|(op, value)| format!("agency {op} {}", quoted(value))),
        (equality.clone(), pick(ARTICLE_NAMES))
            .prop_map(|(op, value)| format!("source {op} {}", quoted(value))),
        (equality, pick(&["https://a.example/1", "https://a.example/1/"]))
            .prop_map(|(op, value)| format!("url {op} {}", quoted(value))),
    ]
    .boxed()
}

/// What an article condition means, written out apart from the SQL: a
/// missing field is `!=` every value and fails every other comparison;
/// `agency` is one comma-separated name of the credit, `source` that or the
/// publisher, both in any ASCII case.
fn article_condition_holds(metadata: &crate::model::ArticleMetadata, condition: &filter::Condition) -> bool {
    use filter::{Op, Value};
    let Value::Text(wanted) = &condition.value else {
        panic!("article conditions hold text");
    };
    let credited = |name: &str| {
        metadata
            .credit
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase()
            .split(',')
            .any(|part| {
                // The SQL drops the space after each comma, nothing else.
                let part = part.strip_prefix(' ').unwrap_or(part);
                part == name
            })
    };
    let column = |value: Option<&String>| match value {
        None => condition.op == Op::Ne,
        Some(value) => {
            let ordering = value.as_bytes().cmp(wanted.as_bytes());
            match condition.op {
                Op::Eq => ordering.is_eq(),
                Op::Ne => ordering.is_ne(),
                Op::Lt => ordering.is_lt(),
                Op::Le => ordering.is_le(),
                Op::Gt => ordering.is_gt(),
                Op::Ge => ordering.is_ge(),
            }
        }
    };
    let named = |holds: bool| if condition.op == Op::Ne { !holds } else { holds };
    match condition.field {
        Field::PublishedDate => column(metadata.published_date.as_ref()),
        Field::Publisher => column(metadata.publisher.as_ref()),
        Field::Url => column(metadata.source_url.as_ref()),
        Field::Agency => named(credited(wanted)),
        Field::Source => named(
            metadata.publisher.as_deref().unwrap_or("").to_ascii_lowercase() == *wanted || credited(wanted),
        ),
        other => panic!("{other:?} is no article field"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    // See: #16. The SQL of article conditions, on articles and on claims
    // alike, has the meaning written out in `article_condition_holds`.
    #[test]
    fn article_conditions_mean_the_same_on_articles_and_claims(
        fields in prop::collection::vec(
            (0..PUBLISHED.len(), 0..PUBLISHERS.len(), 0..CREDITS.len(), 0..URLS.len()),
            1..10,
        ),
        filters in prop::collection::vec(prop::collection::vec(article_condition(), 0..4), 1..16),
    ) {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations::migrations().to_latest(&mut conn).unwrap();
        let mut metadata = Vec::new();
        for (idx, &(date, publisher, credit, url)) in fields.iter().enumerate() {
            let article_metadata = crate::model::ArticleMetadata {
                published_date: PUBLISHED[date].map(str::to_owned),
                publisher: PUBLISHERS[publisher].map(str::to_owned),
                credit: CREDITS[credit].map(str::to_owned),
                source_url: URLS[url].map(str::to_owned),
                ..Default::default()
            };
            let body = format!("Article {idx} is about roads.");
            let article = NewArticle {
                sha256: crate::hash::sha256(&body),
                claims: vec![NewClaim {
                    text: body.clone(),
                    sentence: body.clone(),
                    span: Span { start: 0, end: body.len() },
                    speaker: String::new(),
                    checkworthiness: 0.5,
                    details: ClaimDetails::default(),
                }],
                body,
                metadata: article_metadata.clone(),
                extractor_version: "test".into(),
            };
            test_support::create_many(&mut conn, &[article]).unwrap();
            metadata.push(article_metadata);
        }
        for conditions in &filters {
            let text = conditions.join(" AND ");
            let article_filter = filter::parse_article_filter(&text).unwrap();
            let expected: Vec<i64> = metadata
                .iter()
                .enumerate()
                .filter(|(_, metadata)| {
                    article_filter.conditions.iter().all(|condition| article_condition_holds(metadata, condition))
                })
                .map(|(idx, _)| idx as i64 + 1)
                .collect();
            let listed: Vec<i64> = super::articles::query(&conn, &article_filter, None, 100)
                .unwrap()
                .iter()
                .map(|article| article.id.0)
                .collect();
            prop_assert_eq!(&listed, &expected, "articles: {}", text);
            // Article n's one claim is claim n.
            let claim_filter = filter::parse(&text).unwrap();
            for id in 1..=metadata.len() as i64 {
                let by_sql = claims::matches(&conn, crate::model::ClaimId(id), &claim_filter).unwrap();
                prop_assert_eq!(by_sql, expected.contains(&id), "claims/{}: {}", id, text);
            }
            // ListClaims either way it may read the article conditions (#16).
            for join in [super::filter_sql::ArticleJoin::Gathered, super::filter_sql::ArticleJoin::PerClaim] {
                let query = crate::store::ClaimListQuery {
                    filter: claim_filter.clone(),
                    order: filter::parse_order_by("").unwrap(),
                    after: None,
                    limit: 100,
                };
                let sql = claims::query_sql(&query, join).unwrap();
                let listed: Vec<i64> = conn
                    .prepare(&sql.text)
                    .unwrap()
                    .query_map(rusqlite::params_from_iter(sql.params.iter()), |row| row.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                prop_assert_eq!(&listed, &expected, "claims, {:?}: {}", join, text);
            }
        }
    }
}

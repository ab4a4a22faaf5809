//! SQL for the `claims` table and its child tables `claim_entities` and `claim_dates`.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params, params_from_iter};
use serde::{Deserialize, Serialize};

use super::filter_sql::{self, ArticleJoin, Sql, push_after, push_filter, push_filter_with, push_order};
use super::time;
use crate::model::{
    ArticleId, Claim, ClaimDetails, ClaimId, ClaimReview, ClaimStatus, DateRange, Entity, ExternalReview,
    Lease, NewClaim, Polarity, Quantity, Rewrite, Span, Verdict,
};
use crate::names;
use crate::review::filter::Filter;
use crate::review::rules;
use crate::store::{ClaimListQuery, ClaimQuery, Result, StoreError};

/// The columns [`from_row`] reads, qualified so that queries can join
/// `claims c` with other tables. A claim read with them still needs
/// [`attach_children`] for its entities and dates.
pub const COLUMNS: &str = "c.id, c.article_id, c.text, c.sentence, c.span_start, c.span_end, c.speaker, \
                           c.checkworthiness, c.extractor_version, c.review_state, c.create_time, \
                           c.verdict, c.verdict_final, c.last_reviewer, c.version, c.lease_holder, \
                           c.lease_expire_time, c.update_time, \
                           c.content, c.kind, c.checkable, c.reporting_verb, c.polarity, c.quantities, c.rewrites, \
                           c.needs_context, c.speaker_role";

/// How a quantity is kept in the `quantities` JSON column.
#[derive(Debug, Serialize, Deserialize)]
struct QuantityRecord {
    value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upper: Option<f64>,
    unit: String,
    text: String,
}

/// How a rewrite is kept in the `rewrites` JSON column.
#[derive(Debug, Serialize, Deserialize)]
struct RewriteRecord {
    original: String,
    start: usize,
    end: usize,
    replacement: String,
    rule: String,
}

fn parse_column<T: std::str::FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse::<T>().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(err))
    })
}

fn json_column<T: for<'de> Deserialize<'de>>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Vec<T>> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(err))
    })
}

/// Reads a claim row selected with [`COLUMNS`]; its entities and dates are
/// filled in by [`attach_children`].
pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Claim> {
    let verdict = match row.get_ref(11)? {
        rusqlite::types::ValueRef::Null => None,
        _ => Some(parse_column::<Verdict>(row, 11)?),
    };
    let lease = match (row.get::<_, Option<String>>(15)?, row.get::<_, Option<i64>>(16)?) {
        // A lease whose time has passed is no lease.
        (Some(holder), Some(expire)) if expire > time::now_micros() => Some(Lease {
            holder,
            expire_time: time::from_micros(expire),
        }),
        _ => None,
    };
    let quantities: Vec<QuantityRecord> = json_column(row, 23)?;
    let rewrites: Vec<RewriteRecord> = json_column(row, 24)?;
    Ok(Claim {
        id: ClaimId(row.get(0)?),
        article_id: ArticleId(row.get(1)?),
        text: row.get(2)?,
        sentence: row.get(3)?,
        span: Span {
            start: offset(row, 4)?,
            end: offset(row, 5)?,
        },
        speaker: row.get(6)?,
        checkworthiness: row.get(7)?,
        extractor_version: row.get(8)?,
        status: parse_column::<ClaimStatus>(row, 9)?,
        create_time: time::from_micros(row.get(10)?),
        review: ClaimReview {
            verdict,
            verdict_final: row.get(12)?,
            last_reviewer: row.get(13)?,
            version: row.get(14)?,
            lease,
            update_time: row.get::<_, Option<i64>>(17)?.map(time::from_micros),
        },
        external_review: None,
        details: ClaimDetails {
            content: row.get(18)?,
            kind: parse_column(row, 19)?,
            checkable: row.get(20)?,
            needs_context: row.get(25)?,
            speaker_role: row.get(26)?,
            reporting_verb: row.get(21)?,
            polarity: parse_column::<Polarity>(row, 22)?,
            entities: Vec::new(),
            quantities: quantities
                .into_iter()
                .map(|record| Quantity {
                    value: record.value,
                    upper: record.upper,
                    unit: record.unit,
                    text: record.text,
                })
                .collect(),
            dates: Vec::new(),
            rewrites: rewrites
                .into_iter()
                .map(|record| Rewrite {
                    original: record.original,
                    span: Span {
                        start: record.start,
                        end: record.end,
                    },
                    replacement: record.replacement,
                    rule: record.rule,
                })
                .collect(),
        },
    })
}

/// Reads a byte offset, stored as an integer SQLite can hold.
fn offset(row: &Row<'_>, idx: usize) -> rusqlite::Result<usize> {
    let value: i64 = row.get(idx)?;
    usize::try_from(value).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Integer, Box::new(err))
    })
}

fn quantities_json(quantities: &[Quantity]) -> Result<String> {
    let records: Vec<QuantityRecord> = quantities
        .iter()
        .map(|quantity| QuantityRecord {
            value: quantity.value,
            upper: quantity.upper,
            unit: quantity.unit.clone(),
            text: quantity.text.clone(),
        })
        .collect();
    serde_json::to_string(&records).map_err(|err| StoreError::Corrupt(format!("quantities: {err}")))
}

fn rewrites_json(rewrites: &[Rewrite]) -> Result<String> {
    let records: Vec<RewriteRecord> = rewrites
        .iter()
        .map(|rewrite| RewriteRecord {
            original: rewrite.original.clone(),
            start: rewrite.span.start,
            end: rewrite.span.end,
            replacement: rewrite.replacement.clone(),
            rule: rewrite.rule.clone(),
        })
        .collect();
    serde_json::to_string(&records).map_err(|err| StoreError::Corrupt(format!("rewrites: {err}")))
}

/// Inserts the claims of a new article with their entities and dates, returning them as stored.
pub fn insert_all(
    tx: &Transaction<'_>,
    article_id: ArticleId,
    extractor_version: &str,
    create_time: i64,
    new_claims: &[NewClaim],
) -> Result<Vec<Claim>> {
    let mut statement = tx.prepare_cached(
        "INSERT INTO claims (article_id, text, sentence, span_start, span_end, speaker, \
         checkworthiness, extractor_version, status, create_time, \
         content, kind, checkable, reporting_verb, polarity, quantities, rewrites, needs_context, \
         speaker_role) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?;
    let mut insert_entity =
        tx.prepare_cached("INSERT OR IGNORE INTO claim_entities (claim_id, name, kind) VALUES (?1, ?2, ?3)")?;
    let mut insert_date =
        tx.prepare_cached("INSERT INTO claim_dates (claim_id, start, end, text) VALUES (?1, ?2, ?3, ?4)")?;
    let mut stored = Vec::with_capacity(new_claims.len());
    for new in new_claims {
        let details = &new.details;
        statement.execute(params![
            article_id.0,
            new.text,
            new.sentence,
            new.span.start as i64,
            new.span.end as i64,
            new.speaker,
            new.checkworthiness,
            extractor_version,
            ClaimStatus::Unreviewed.as_str(),
            create_time,
            details.content,
            details.kind.as_str(),
            details.checkable,
            details.reporting_verb,
            details.polarity.as_str(),
            quantities_json(&details.quantities)?,
            rewrites_json(&details.rewrites)?,
            details.needs_context,
            details.speaker_role,
        ])?;
        let id = ClaimId(tx.last_insert_rowid());
        // The primary key keeps one row per (name, kind); keep the stored
        // claim equal to what a later read returns.
        let mut entities: Vec<Entity> = Vec::with_capacity(details.entities.len());
        for entity in &details.entities {
            if !entities.contains(entity) {
                insert_entity.execute(params![id.0, entity.name, entity.kind.as_str()])?;
                entities.push(entity.clone());
            }
        }
        for date in &details.dates {
            if date.start > date.end {
                return Err(StoreError::Corrupt(format!(
                    "date range {}..{} ends before it starts",
                    date.start, date.end
                )));
            }
            insert_date.execute(params![id.0, date.start, date.end, date.text])?;
        }
        stored.push(Claim {
            id,
            article_id,
            text: new.text.clone(),
            sentence: new.sentence.clone(),
            span: new.span,
            speaker: new.speaker.clone(),
            checkworthiness: new.checkworthiness,
            details: ClaimDetails {
                entities,
                ..details.clone()
            },
            extractor_version: extractor_version.to_owned(),
            status: ClaimStatus::Unreviewed,
            create_time: time::from_micros(create_time),
            review: ClaimReview {
                version: 1,
                ..ClaimReview::default()
            },
            external_review: None,
        });
    }
    Ok(stored)
}

/// Fills in the entities, dates and external review of `claims`, with one query per child
/// table for the whole slice. The ids are bound one by one: a page ordered
/// by anything but id spans the whole table, and a range would read it all.
pub fn attach_children(conn: &Connection, claims: &mut [Claim]) -> Result<()> {
    if claims.is_empty() {
        return Ok(());
    }
    let idx_by_id: HashMap<i64, usize> = claims
        .iter()
        .enumerate()
        .map(|(claim_idx, claim)| (claim.id.0, claim_idx))
        .collect();
    let ids: Vec<i64> = idx_by_id.keys().copied().collect();
    let marks = vec!["?"; ids.len()].join(", ");
    let mut entities = conn.prepare_cached(&format!(
        "SELECT claim_id, name, kind FROM claim_entities WHERE claim_id IN ({marks}) \
         ORDER BY claim_id, rowid"
    ))?;
    let mut rows = entities.query(params_from_iter(ids.iter()))?;
    while let Some(row) = rows.next()? {
        let claim_id: i64 = row.get(0)?;
        if let Some(&claim_idx) = idx_by_id.get(&claim_id) {
            claims[claim_idx].details.entities.push(Entity {
                name: row.get(1)?,
                kind: parse_column(row, 2)?,
            });
        }
    }
    let mut dates = conn.prepare_cached(&format!(
        "SELECT claim_id, start, end, text FROM claim_dates WHERE claim_id IN ({marks}) \
         ORDER BY claim_id, rowid"
    ))?;
    let mut rows = dates.query(params_from_iter(ids.iter()))?;
    while let Some(row) = rows.next()? {
        let claim_id: i64 = row.get(0)?;
        if let Some(&claim_idx) = idx_by_id.get(&claim_id) {
            claims[claim_idx].details.dates.push(DateRange {
                start: row.get(1)?,
                end: row.get(2)?,
                text: row.get(3)?,
            });
        }
    }
    let mut external = conn.prepare_cached(&format!(
        "SELECT claim_id, publisher, publisher_url, url, review_date, rating, verdict \
         FROM external_reviews WHERE claim_id IN ({marks})"
    ))?;
    let mut rows = external.query(params_from_iter(ids.iter()))?;
    while let Some(row) = rows.next()? {
        let claim_id: i64 = row.get(0)?;
        if let Some(&claim_idx) = idx_by_id.get(&claim_id) {
            claims[claim_idx].external_review = Some(ExternalReview {
                publisher: row.get(1)?,
                publisher_url: row.get(2)?,
                url: row.get(3)?,
                date: row.get(4)?,
                rating: row.get(5)?,
                verdict: parse_column(row, 6)?,
            });
        }
    }
    Ok(())
}

/// The claims of `ids` that exist, with their children, in one query per
/// table, by id.
pub fn get_many(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Claim>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut found: Vec<Claim> = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM claims c WHERE c.id IN ({marks})"))?
        .query_map(params_from_iter(ids.iter()), from_row)?
        .collect::<rusqlite::Result<_>>()?;
    attach_children(conn, &mut found)?;
    Ok(found.into_iter().map(|claim| (claim.id.0, claim)).collect())
}

pub fn get(conn: &Connection, id: ClaimId) -> Result<Claim> {
    let claim = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM claims c WHERE c.id = ?1"))?
        .query_row([id.0], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(names::claim(id)))?;
    let mut claims = [claim];
    attach_children(conn, &mut claims)?;
    let [claim] = claims;
    Ok(claim)
}

pub fn list_of_article(conn: &Connection, article_id: ArticleId) -> Result<Vec<Claim>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM claims c WHERE c.article_id = ?1 ORDER BY c.id"
    ))?;
    let mut claims: Vec<Claim> = statement
        .query_map([article_id.0], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    attach_children(conn, &mut claims)?;
    Ok(claims)
}

pub fn list(conn: &Connection, query: ClaimQuery) -> Result<Vec<Claim>> {
    let after = query.after.map_or(0, |id| id.0);
    let mut claims: Vec<Claim> = match query.article {
        Some(article) => {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM claims c WHERE c.article_id = ?1 AND c.id > ?2 ORDER BY c.id LIMIT ?3"
            ))?;
            statement
                .query_map(params![article.0, after, query.limit], from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
        None => {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM claims c WHERE c.id > ?1 ORDER BY c.id LIMIT ?2"
            ))?;
            statement
                .query_map(params![after, query.limit], from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
    };
    attach_children(conn, &mut claims)?;
    Ok(claims)
}

/// Claims matching a filter, in the order asked, after a keyset position.
pub fn query(conn: &Connection, query: &ClaimListQuery) -> Result<Vec<Claim>> {
    let sql = query_sql(query, article_join(conn, &query.filter, query.limit)?)?;
    let mut statement = conn.prepare_cached(&sql.text)?;
    let mut claims: Vec<Claim> = statement
        .query_map(params_from_iter(sql.params.iter()), from_row)?
        .collect::<rusqlite::Result<_>>()?;
    attach_children(conn, &mut claims)?;
    Ok(claims)
}

/// How a page of `limit` claims reads the article conditions of `filter`.
///
/// Gathering the matching articles' claims costs what they number, M;
/// testing each claim in order costs about `limit · N / M` for N claims. The
/// two meet at `M = √(limit · N)` (about 7,000 claims for pages of 50 of a
/// million): when an index finds fewer matching articles than hold that
/// many claims, they are gathered, else each claim tests its article. The
/// counts stop at that bound, so the choice costs a short index range.
fn article_join(conn: &Connection, filter: &Filter, limit: u32) -> Result<ArticleJoin> {
    let conditions: Vec<_> = filter
        .conditions
        .iter()
        .filter(|condition| condition.field.is_article_field())
        .collect();
    if conditions.is_empty() {
        return Ok(ArticleJoin::Gathered);
    }
    // The highest ids count what was ever stored: estimates, at no cost.
    let (n_claims, n_articles): (i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT coalesce(max(id), 0) FROM claims), (SELECT coalesce(max(id), 0) FROM articles)",
        )?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let claims_per_article = (n_claims as f64 / n_articles.max(1) as f64).max(1.0);
    let crossover_claims = (f64::from(limit) * n_claims as f64).sqrt();
    let cap = ((crossover_claims / claims_per_article).ceil() as i64).max(1);
    for condition in conditions {
        let Some(count) = filter_sql::article_count_sql(condition, cap) else {
            continue;
        };
        let n_matching: i64 = conn
            .prepare_cached(&count.text)?
            .query_row(params_from_iter(count.params.iter()), |row| row.get(0))?;
        if n_matching < cap {
            return Ok(ArticleJoin::Gathered);
        }
    }
    Ok(ArticleJoin::PerClaim)
}

/// The SQL of [`query`], apart so that a test can read its plan.
pub(super) fn query_sql(query: &ClaimListQuery, join: ArticleJoin) -> Result<Sql> {
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {COLUMNS} FROM claims c WHERE 1"));
    push_filter_with(&mut sql, &query.filter, join);
    if let Some(after) = &query.after {
        push_after(&mut sql, &query.order, after)?;
    }
    push_order(&mut sql, &query.order);
    sql.push(" LIMIT ?");
    sql.bind(SqlValue::Integer(i64::from(query.limit)));
    Ok(sql)
}

/// Whether claim `id` matches `filter`.
pub fn matches(conn: &Connection, id: ClaimId, filter: &Filter) -> Result<bool> {
    let mut sql = Sql::default();
    sql.push("SELECT 1 FROM claims c WHERE c.id = ?");
    sql.bind(SqlValue::Integer(id.0));
    push_filter(&mut sql, filter);
    Ok(conn
        .prepare_cached(&sql.text)?
        .query_row(params_from_iter(sql.params.iter()), |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn check_etag(claim: &Claim, etag: &str) -> Result<()> {
    if rules::etag_matches(etag, claim.review.version) {
        Ok(())
    } else {
        Err(StoreError::EtagMismatch(format!(
            "etag {etag:?} is not the current etag of {}: it changed since it was read; read it again",
            names::claim(claim.id)
        )))
    }
}

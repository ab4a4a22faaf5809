//! SQL for the `claims` table.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{ClaimQuery, Result, StoreError, time};
use crate::model::{ArticleId, Claim, ClaimId, ClaimReview, ClaimStatus, Lease, NewClaim, Span, Verdict};

/// The columns [`from_row`] reads, qualified so that queries can join
/// `claims c` with other tables.
pub const COLUMNS: &str = "c.id, c.article_id, c.text, c.sentence, c.span_start, c.span_end, c.speaker, \
                           c.checkworthiness, c.extractor_version, c.review_state, c.create_time, \
                           c.verdict, c.verdict_final, c.last_reviewer, c.version, c.lease_holder, \
                           c.lease_expire_time, c.update_time";

fn parsed<T: std::str::FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse::<T>().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(err))
    })
}

pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Claim> {
    let status: ClaimStatus = parsed(row, 9)?;
    let verdict = match row.get_ref(11)? {
        rusqlite::types::ValueRef::Null => None,
        _ => Some(parsed::<Verdict>(row, 11)?),
    };
    let lease = match (row.get::<_, Option<String>>(15)?, row.get::<_, Option<i64>>(16)?) {
        // A lease whose time has passed is no lease.
        (Some(holder), Some(expire)) if expire > time::now_micros() => Some(Lease {
            holder,
            expire_time: time::from_micros(expire),
        }),
        _ => None,
    };
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
        status,
        create_time: time::from_micros(row.get(10)?),
        review: ClaimReview {
            verdict,
            verdict_final: row.get(12)?,
            last_reviewer: row.get(13)?,
            version: row.get(14)?,
            lease,
            update_time: row.get::<_, Option<i64>>(17)?.map(time::from_micros),
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

/// Inserts the claims of a new article, returning them as stored.
pub fn insert_all(
    tx: &Transaction<'_>,
    article_id: ArticleId,
    extractor_version: &str,
    create_time: i64,
    new_claims: &[NewClaim],
) -> Result<Vec<Claim>> {
    let mut statement = tx.prepare_cached(
        "INSERT INTO claims (article_id, text, sentence, span_start, span_end, speaker, \
         checkworthiness, extractor_version, status, create_time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut stored = Vec::with_capacity(new_claims.len());
    for new in new_claims {
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
        ])?;
        stored.push(Claim {
            id: ClaimId(tx.last_insert_rowid()),
            article_id,
            text: new.text.clone(),
            sentence: new.sentence.clone(),
            span: new.span,
            speaker: new.speaker.clone(),
            checkworthiness: new.checkworthiness,
            extractor_version: extractor_version.to_owned(),
            status: ClaimStatus::Unreviewed,
            create_time: time::from_micros(create_time),
            review: ClaimReview {
                version: 1,
                ..ClaimReview::default()
            },
        });
    }
    Ok(stored)
}

pub fn get(conn: &Connection, id: ClaimId) -> Result<Claim> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM claims c WHERE c.id = ?1"))?
        .query_row([id.0], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("claims/{}", id.0)))
}

pub fn list_of_article(conn: &Connection, article_id: ArticleId) -> Result<Vec<Claim>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM claims c WHERE c.article_id = ?1 ORDER BY c.id"
    ))?;
    let rows = statement.query_map([article_id.0], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list(conn: &Connection, query: ClaimQuery) -> Result<Vec<Claim>> {
    let after = query.after.map_or(0, |id| id.0);
    let rows = match query.article {
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
    Ok(rows)
}

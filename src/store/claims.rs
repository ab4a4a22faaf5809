//! SQL for the `claims` table.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{ClaimQuery, Result, StoreError, time};
use crate::model::{ArticleId, Claim, ClaimId, ClaimStatus, NewClaim, Span};

const COLUMNS: &str = "id, article_id, text, sentence, span_start, span_end, speaker, \
                       checkworthiness, extractor_version, status, create_time";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Claim> {
    let status: String = row.get(9)?;
    let status = status.parse::<ClaimStatus>().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, Box::new(err))
    })?;
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
        });
    }
    Ok(stored)
}

pub fn get(conn: &Connection, id: ClaimId) -> Result<Claim> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM claims WHERE id = ?1"))?
        .query_row([id.0], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("claims/{}", id.0)))
}

pub fn list_of_article(conn: &Connection, article_id: ArticleId) -> Result<Vec<Claim>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM claims WHERE article_id = ?1 ORDER BY id"
    ))?;
    let rows = statement.query_map([article_id.0], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list(conn: &Connection, query: ClaimQuery) -> Result<Vec<Claim>> {
    let after = query.after.map_or(0, |id| id.0);
    let rows = match query.article {
        Some(article) => {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM claims WHERE article_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
            ))?;
            statement
                .query_map(params![article.0, after, query.limit], from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
        None => {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM claims WHERE id > ?1 ORDER BY id LIMIT ?2"
            ))?;
            statement
                .query_map(params![after, query.limit], from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
    };
    Ok(rows)
}

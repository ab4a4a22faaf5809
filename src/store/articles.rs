//! SQL for the `articles` table.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{Result, StoreError, StoredArticle, claims, reviews, time};
use crate::model::{Article, ArticleId, ArticleMetadata, Claim, NewArticle, Principal};

const COLUMNS: &str = "id, sha256, body, title, source_url, publisher, credit, dateline, \
                       published_date, extractor_version, claim_count, create_time";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Article> {
    Ok(Article {
        id: ArticleId(row.get(0)?),
        sha256: row.get(1)?,
        body: row.get(2)?,
        metadata: ArticleMetadata {
            title: row.get(3)?,
            source_url: row.get(4)?,
            publisher: row.get(5)?,
            credit: row.get(6)?,
            dateline: row.get(7)?,
            published_date: row.get(8)?,
        },
        extractor_version: row.get(9)?,
        claim_count: row.get(10)?,
        create_time: time::from_micros(row.get(11)?),
    })
}

/// Stores the article and its claims in one transaction, unless an article
/// with the same body is stored already. `actor`, when given, is recorded
/// in the audit log in the same transaction.
pub fn create(conn: &mut Connection, new: NewArticle, actor: Option<&Principal>) -> Result<StoredArticle> {
    let tx = conn.transaction()?;
    if let Some(existing) = find_by_sha256(&tx, &new.sha256)? {
        let claims = claims::list_of_article(&tx, existing.id)?;
        return Ok(StoredArticle {
            article: existing,
            claims,
            created: false,
        });
    }
    let (article, claims) = insert(&tx, &new)?;
    if let Some(actor) = actor {
        reviews::audit(
            &tx,
            actor,
            "CreateArticle",
            &format!("articles/{}", article.id.0),
            &format!("{} claims", claims.len()),
        )?;
    }
    tx.commit()?;
    Ok(StoredArticle {
        article,
        claims,
        created: true,
    })
}

/// Stores many articles in one transaction, skipping bodies already stored;
/// returns how many were new. For loading test and benchmark data fast.
pub fn create_many(conn: &mut Connection, news: &[NewArticle]) -> Result<usize> {
    let tx = conn.transaction()?;
    let mut n_created = 0;
    for new in news {
        if find_by_sha256(&tx, &new.sha256)?.is_none() {
            insert(&tx, new)?;
            n_created += 1;
        }
    }
    tx.commit()?;
    Ok(n_created)
}

fn insert(tx: &Transaction<'_>, new: &NewArticle) -> Result<(Article, Vec<Claim>)> {
    let create_time = time::now_micros();
    let meta = &new.metadata;
    let claim_count = u32::try_from(new.claims.len())
        .map_err(|_| StoreError::Corrupt("too many claims in one article".into()))?;
    tx.prepare_cached(
        "INSERT INTO articles (sha256, body, title, source_url, publisher, credit, dateline, \
         published_date, extractor_version, claim_count, create_time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        new.sha256,
        new.body,
        meta.title,
        meta.source_url,
        meta.publisher,
        meta.credit,
        meta.dateline,
        meta.published_date,
        new.extractor_version,
        claim_count,
        create_time,
    ])?;
    let article_id = ArticleId(tx.last_insert_rowid());
    let claims = claims::insert_all(tx, article_id, &new.extractor_version, create_time, &new.claims)?;
    let article = get(tx, article_id)?;
    Ok((article, claims))
}

pub fn get(conn: &Connection, id: ArticleId) -> Result<Article> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM articles WHERE id = ?1"))?
        .query_row([id.0], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("articles/{}", id.0)))
}

fn find_by_sha256(conn: &Connection, sha256: &[u8; 32]) -> Result<Option<Article>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM articles WHERE sha256 = ?1"))?
        .query_row([sha256], from_row)
        .optional()?)
}

pub fn list(conn: &Connection, after: Option<ArticleId>, limit: u32) -> Result<Vec<Article>> {
    let after = after.map_or(0, |id| id.0);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2"
    ))?;
    let rows = statement.query_map(params![after, limit], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

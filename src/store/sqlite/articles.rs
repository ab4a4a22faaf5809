//! SQL for the `articles` table.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params, params_from_iter};

use super::filter_sql::{Sql, push_article_filter};
use super::{audit, claims, time};
use crate::model::{Article, ArticleId, ArticleMetadata, Claim, NewArticle, Principal};
use crate::names;
use crate::review::filter::Filter;
use crate::store::{BatchOutcome, Result, StoreError, StoredArticle};

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
/// with the same body is stored already, recording `actor` in the audit log
/// in the same transaction.
pub fn create(conn: &mut Connection, new: NewArticle, actor: &Principal) -> Result<StoredArticle> {
    let tx = conn.transaction()?;
    if let Some(existing) = find_by_sha256(&tx, &new.sha256)? {
        let claims = claims::list_of_article(&tx, existing.id)?;
        return Ok(StoredArticle {
            article: existing,
            claims,
            created: false,
        });
    }
    let (article_id, claims) = insert(&tx, &new, time::now_micros())?;
    let article = get(&tx, article_id)?;
    audit::record(
        &tx,
        actor,
        "CreateArticle",
        &names::article(article.id),
        &format!("{} claims", claims.len()),
    )?;
    tx.commit()?;
    Ok(StoredArticle {
        article,
        claims,
        created: true,
    })
}

/// Stores a batch of articles in one transaction, each under its own
/// savepoint so that an article that fails rolls back alone and the others
/// are kept. An article whose body is stored already, or came earlier in
/// the batch, is not written again. With `dry_run` the transaction is
/// rolled back at the end, so the outcomes say what would happen. Each
/// created article is audited as `actor`'s inside its savepoint.
pub fn create_batch(
    conn: &mut Connection,
    batch: &[NewArticle],
    dry_run: bool,
    actor: &Principal,
) -> Result<Vec<Result<BatchOutcome>>> {
    let tx = conn.transaction()?;
    let create_time = time::now_micros();
    let mut outcomes = Vec::with_capacity(batch.len());
    for new in batch {
        if let Some((id, claim_count)) = find_id_by_sha256(&tx, &new.sha256)? {
            outcomes.push(Ok(BatchOutcome {
                id,
                claim_count,
                created: false,
                claims: Vec::new(),
            }));
            continue;
        }
        tx.prepare_cached("SAVEPOINT batch_article")?.execute([])?;
        let inserted = insert(&tx, new, create_time).and_then(|(id, claims)| {
            let resource = names::article(id);
            audit::record(
                &tx,
                actor,
                "ImportArticles",
                &resource,
                &format!("{} claims", claims.len()),
            )?;
            Ok((id, claims))
        });
        match inserted {
            Ok((id, claims)) => {
                tx.prepare_cached("RELEASE batch_article")?.execute([])?;
                outcomes.push(Ok(BatchOutcome {
                    id,
                    claim_count: claims.len() as u32,
                    created: true,
                    claims,
                }));
            }
            Err(err) => {
                // SQLite rolls the whole transaction back itself after some
                // failures (a full disk, an I/O error): the savepoint is gone
                // with the batch, nothing of it was written, and the batch
                // fails with the real reason, not "no such savepoint".
                if tx.is_autocommit() {
                    tracing::warn!("a batch of {} articles was rolled back: {err}", batch.len());
                    return Err(err);
                }
                // Undoes this article's rows only; a failure to roll back
                // leaves the transaction in doubt, so the whole batch fails.
                tx.execute_batch("ROLLBACK TO batch_article; RELEASE batch_article")?;
                tracing::warn!("an article of a batch was not stored: {err}");
                outcomes.push(Err(err));
            }
        }
    }
    if dry_run {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    Ok(outcomes)
}

/// Inserts an article and its claims, returning its id and the claims as stored.
pub fn insert(tx: &Transaction<'_>, new: &NewArticle, create_time: i64) -> Result<(ArticleId, Vec<Claim>)> {
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
    Ok((article_id, claims))
}

pub fn get(conn: &Connection, id: ArticleId) -> Result<Article> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM articles WHERE id = ?1"))?
        .query_row([id.0], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(names::article(id)))
}

/// The id and claim count of the article with this body, if stored.
fn find_id_by_sha256(conn: &Connection, sha256: &[u8; 32]) -> Result<Option<(ArticleId, u32)>> {
    Ok(conn
        .prepare_cached("SELECT id, claim_count FROM articles WHERE sha256 = ?1")?
        .query_row([sha256], |row| Ok((ArticleId(row.get(0)?), row.get(1)?)))
        .optional()?)
}

pub fn find_by_sha256(conn: &Connection, sha256: &[u8; 32]) -> Result<Option<Article>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM articles WHERE sha256 = ?1"))?
        .query_row([sha256], from_row)
        .optional()?)
}

/// Articles matching an article filter, in id order after `after`; the
/// filter's values are bound parameters (`filter_sql::push_article_filter`).
pub fn query(
    conn: &Connection,
    filter: &Filter,
    after: Option<ArticleId>,
    limit: u32,
) -> Result<Vec<Article>> {
    let sql = query_sql(filter, after, limit);
    let mut statement = conn.prepare_cached(&sql.text)?;
    let rows = statement.query_map(params_from_iter(sql.params.iter()), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The SQL of [`query`], apart so that a test can read its plan.
pub(super) fn query_sql(filter: &Filter, after: Option<ArticleId>, limit: u32) -> Sql {
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {COLUMNS} FROM articles a WHERE a.id > ?"));
    sql.bind(SqlValue::Integer(after.map_or(0, |id| id.0)));
    push_article_filter(&mut sql, filter);
    sql.push(" ORDER BY a.id LIMIT ?");
    sql.bind(SqlValue::Integer(i64::from(limit)));
    sql
}

pub fn list(conn: &Connection, after: Option<ArticleId>, limit: u32) -> Result<Vec<Article>> {
    let after = after.map_or(0, |id| id.0);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2"
    ))?;
    let rows = statement.query_map(params![after, limit], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

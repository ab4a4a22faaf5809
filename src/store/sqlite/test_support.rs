//! Loading test and benchmark data fast, without the audit log: for tests and benchmarks only, so
//! it is not on the [`Store`](crate::store::Store) trait, whose every write is audited.

use async_trait::async_trait;
use rusqlite::Connection;

use super::{SqliteStore, articles, time};
use crate::model::NewArticle;
use crate::store::Result;

/// Bulk loading for tests and benchmarks.
#[async_trait]
pub trait BulkLoad {
    /// Stores many articles in one transaction, skipping bodies already
    /// stored, and returns how many were new. Not audited.
    async fn create_articles_bulk(&self, articles: Vec<NewArticle>) -> Result<usize>;
}

#[async_trait]
impl BulkLoad for SqliteStore {
    async fn create_articles_bulk(&self, news: Vec<NewArticle>) -> Result<usize> {
        self.connections.write(move |conn| create_many(conn, &news)).await
    }
}

/// [`BulkLoad::create_articles_bulk`] on a connection of its own.
pub(super) fn create_many(conn: &mut Connection, news: &[NewArticle]) -> Result<usize> {
    let tx = conn.transaction()?;
    let mut n_created = 0;
    for new in news {
        if articles::find_by_sha256(&tx, &new.sha256)?.is_none() {
            articles::insert(&tx, new, time::now_micros())?;
            n_created += 1;
        }
    }
    tx.commit()?;
    Ok(n_created)
}

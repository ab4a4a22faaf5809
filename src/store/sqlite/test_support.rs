//! Loading test and benchmark data fast, without the audit log, and reading back every table to
//! tell whether anything was written: for tests and benchmarks only, so it is not on the
//! [`Store`](crate::store::Store) trait, whose every write is audited.

use async_trait::async_trait;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

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

/// One table as it stands: how many rows, and a digest of every value in
/// them, in rowid order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSnapshot {
    pub table: String,
    pub n_rows: u64,
    pub sha256: [u8; 32],
}

/// Reading back the whole database, for tests that must show that a
/// refused write changed no row.
#[async_trait]
pub trait Snapshot {
    /// Every table of the schema (the full-text index's own tables too), by
    /// name.
    async fn snapshot(&self) -> Result<Vec<TableSnapshot>>;
}

#[async_trait]
impl Snapshot for SqliteStore {
    async fn snapshot(&self) -> Result<Vec<TableSnapshot>> {
        self.connections.read(snapshot_tables).await
    }
}

fn snapshot_tables(conn: &Connection) -> Result<Vec<TableSnapshot>> {
    // `claim_embeddings` is left out: the server's background embedder
    // fills it from the stored claims whenever it gets to them, whatever a
    // request did (issue 15).
    let mut tables = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name != 'claim_embeddings' ORDER BY name",
    )?;
    let names: Vec<String> = tables
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut snapshots = Vec::with_capacity(names.len());
    for table in names {
        // The name comes from the schema, not from a caller; quoted as an
        // identifier all the same. Some of the full-text index's tables
        // have no rowid, so rows are ordered by every column.
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let n_columns = conn.prepare(&format!("SELECT * FROM {quoted}"))?.column_count();
        let order: Vec<String> = (1..=n_columns).map(|idx| idx.to_string()).collect();
        let mut rows = conn.prepare(&format!("SELECT * FROM {quoted} ORDER BY {}", order.join(", ")))?;
        let mut digest = Sha256::new();
        let mut n_rows = 0u64;
        let mut cursor = rows.query([])?;
        while let Some(row) = cursor.next()? {
            n_rows += 1;
            for idx in 0..n_columns {
                match row.get_ref(idx)? {
                    ValueRef::Null => digest.update([0]),
                    ValueRef::Integer(value) => {
                        digest.update([1]);
                        digest.update(value.to_be_bytes());
                    }
                    ValueRef::Real(value) => {
                        digest.update([2]);
                        digest.update(value.to_bits().to_be_bytes());
                    }
                    ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                        digest.update([3]);
                        digest.update((bytes.len() as u64).to_be_bytes());
                        digest.update(bytes);
                    }
                }
            }
        }
        snapshots.push(TableSnapshot {
            table,
            n_rows,
            sha256: digest.finalize().into(),
        });
    }
    Ok(snapshots)
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

//! The SQLite backend of [`Store`]: an embedded database file, nothing to install. One file per
//! job; this module tree is the only place in claimdb that names rusqlite.

mod articles;
mod audit;
mod claimreview;
mod claims;
mod corrections;
mod embeddings;
mod files;
mod filter_sql;
#[cfg(test)]
mod matching_proptests;
mod memo;
mod migrations;
mod pool;
mod queue;
mod reviews;
mod search;
mod settings;
mod stats;
pub mod test_support;
#[cfg(test)]
mod tests;
mod time;
mod tokens;

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::Connection;

use crate::model::{
    Article, ArticleId, Claim, ClaimEmbedding, ClaimId, NewArticle, NewExternalClaim, NewReview, Principal,
    Review, ReviewId, Role,
};
use crate::review::filter::Filter;
use crate::review::rules::ReviewPolicy;
use crate::store::{
    AcquireQuery, AuditEvent, AuditQuery, BatchOutcome, ClaimEdit, ClaimHistory, ClaimListQuery, ClaimQuery,
    ExternalOutcome, QueueCounts, Result, ReviewStats, ReviewedClaim, ReviewedClaimQuery, SearchPage,
    SearchQuery, Store, StoreError, StoreUsage, StoredArticle, TokenInfo, TokenRead,
};
pub use claimreview::IMPORTED_EXTRACTOR_VERSION;
use pool::Connections;

/// Read connections kept open; reads beyond this many wait their turn.
const N_READERS: usize = 8;

/// The holder of the token with this SHA-256, from `memo` if it was read at
/// the database's current version.
fn find_token_with_memo(
    conn: &Connection,
    memo: &mut memo::Memo,
    token_sha256: [u8; 32],
) -> Result<Option<Principal>> {
    if let Some(caller) = memo.token(&token_sha256) {
        return Ok(Some(caller.clone()));
    }
    let found = tokens::find(conn, &token_sha256)?;
    if let Some(caller) = &found {
        memo.remember_token(token_sha256, caller.clone());
    }
    Ok(found)
}

/// claimdb's storage in one SQLite file (WAL mode, foreign keys on).
pub struct SqliteStore {
    connections: Connections,
    /// Held by a server's store, so that no second server opens the file.
    _lock: Option<files::ServerLock>,
}

impl SqliteStore {
    /// Opens the database at `path`, creating (readable by its owner only)
    /// and migrating it as needed.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        Ok(SqliteStore {
            connections: Connections::open(path, N_READERS)?,
            _lock: None,
        })
    }

    /// As [`SqliteStore::open`], for the commands that work on a database a
    /// server made (the token commands): a path with no file is
    /// [`StoreError::NotFound`], naming the path, and nothing is created.
    pub fn open_existing(path: &Path) -> Result<SqliteStore> {
        if !path.is_file() {
            return Err(StoreError::NotFound(format!("database {}", path.display())));
        }
        SqliteStore::open(path)
    }

    /// As [`SqliteStore::open`], for a server: first takes the database's
    /// server lock, so that a second server on the same file is refused
    /// with [`StoreError::InUse`] (the token commands open it beside a
    /// server, without the lock).
    pub fn open_for_server(path: &Path) -> Result<SqliteStore> {
        let lock = files::lock_for_server(path)?;
        Ok(SqliteStore {
            connections: Connections::open(path, N_READERS)?,
            _lock: Some(lock),
        })
    }

    /// The problems SQLite's `quick_check` finds in the open database; empty
    /// when it is sound.
    pub async fn quick_check(&self) -> Result<Vec<String>> {
        self.connections.read(|conn| files::check(conn, false)).await
    }

    /// The problems SQLite finds in the database file at `path` (opened
    /// read-only, never migrated): `integrity_check` when `thorough`, else
    /// `quick_check`. Empty when it is sound.
    pub fn check_file(path: &Path, thorough: bool) -> Result<Vec<String>> {
        files::check_file(path, thorough)
    }

    /// Copies the database file at `path` to a new file `dest`, consistent
    /// at one commit, while a server serves it (SQLite's online backup).
    pub fn backup_file(path: &Path, dest: &Path) -> Result<()> {
        files::backup(path, dest)
    }
}

/// SQLite's failures in the store's words: a lock held too long is
/// [`StoreError::Busy`], an interrupted statement (its caller went away)
/// [`StoreError::Cancelled`], anything else a backend failure for the log.
impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        match &err {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                StoreError::Busy(failure.to_string())
            }
            rusqlite::Error::SqliteFailure(failure, _) if failure.code == rusqlite::ErrorCode::DiskFull => {
                tracing::error!(
                    "the database's disk is full: nothing more can be written until space is freed"
                );
                StoreError::DiskFull
            }
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::OperationInterrupted =>
            {
                StoreError::Cancelled
            }
            _ => StoreError::Backend(Box::new(err)),
        }
    }
}

impl From<rusqlite_migration::Error> for StoreError {
    fn from(err: rusqlite_migration::Error) -> StoreError {
        StoreError::Backend(Box::new(err))
    }
}

#[async_trait]
impl Store for SqliteStore {
    #[tracing::instrument(skip_all, fields(by = %actor.name))]

    async fn create_article(&self, article: NewArticle, actor: Principal) -> Result<StoredArticle> {
        self.connections
            .write(move |conn| articles::create(conn, article, &actor))
            .await
    }

    #[tracing::instrument(skip_all, fields(n_articles = batch.len(), dry_run, by = %actor.name))]

    async fn create_articles(
        &self,
        batch: Vec<NewArticle>,
        dry_run: bool,
        actor: Principal,
    ) -> Result<Vec<Result<BatchOutcome>>> {
        self.connections
            .write(move |conn| articles::create_batch(conn, &batch, dry_run, &actor))
            .await
    }

    #[tracing::instrument(skip_all, fields(article = id.0))]

    async fn get_article(&self, id: ArticleId) -> Result<Article> {
        self.connections.read(move |conn| articles::get(conn, id)).await
    }

    #[tracing::instrument(skip_all, fields(limit = query.limit))]

    async fn list_reviewed_claims(&self, query: ReviewedClaimQuery) -> Result<Vec<ReviewedClaim>> {
        self.connections
            .read(move |conn| claimreview::reviewed(conn, &query))
            .await
    }

    #[tracing::instrument(skip_all, fields(n_claims = batch.len(), by = %actor.name))]

    async fn import_external_reviews(
        &self,
        batch: Vec<NewExternalClaim>,
        actor: Principal,
    ) -> Result<Vec<Result<ExternalOutcome>>> {
        self.connections
            .write(move |conn| claimreview::import(conn, &batch, &actor))
            .await
    }

    #[tracing::instrument(skip_all, fields(limit))]

    async fn list_articles(&self, after: Option<ArticleId>, limit: u32) -> Result<Vec<Article>> {
        self.connections
            .read(move |conn| articles::list(conn, after, limit))
            .await
    }

    #[tracing::instrument(skip_all, fields(limit))]
    async fn query_articles(
        &self,
        filter: Filter,
        after: Option<ArticleId>,
        limit: u32,
    ) -> Result<Vec<Article>> {
        self.connections
            .read(move |conn| articles::query(conn, &filter, after, limit))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = id.0))]

    async fn get_claim(&self, id: ClaimId) -> Result<Claim> {
        self.connections
            .read_point(move |conn| claims::get(conn, id))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = id.0))]
    async fn get_claim_for_token(&self, token_sha256: [u8; 32], id: ClaimId) -> Result<TokenRead<Claim>> {
        self.connections
            .read_point_with_memo(
                move |memo| {
                    let caller = memo.token(&token_sha256)?.clone();
                    let claim = memo.claim(id)?.clone();
                    Some(TokenRead::Known {
                        caller,
                        value: Ok(claim),
                    })
                },
                move |conn, memo| {
                    let Some(caller) = find_token_with_memo(conn, memo, token_sha256)? else {
                        return Ok(TokenRead::UnknownToken);
                    };
                    if let Some(claim) = memo.claim(id) {
                        let value = Ok(claim.clone());
                        return Ok(TokenRead::Known { caller, value });
                    }
                    let value = match claims::get(conn, id) {
                        Err(StoreError::NotFound(name)) => Err(StoreError::NotFound(name)),
                        // A busy or failed read is the read's error, so that
                        // `read_point` can send a busy one to the pool.
                        Err(err) => return Err(err),
                        Ok(claim) => {
                            memo.remember_claim(&claim);
                            Ok(claim)
                        }
                    };
                    Ok(TokenRead::Known { caller, value })
                },
            )
            .await
    }

    #[tracing::instrument(skip_all)]

    async fn list_claims(&self, query: ClaimQuery) -> Result<Vec<Claim>> {
        self.connections.read(move |conn| claims::list(conn, query)).await
    }

    #[tracing::instrument(skip_all, fields(limit = query.limit))]

    async fn query_claims(&self, query: ClaimListQuery) -> Result<Vec<Claim>> {
        self.connections
            .read(move |conn| claims::query(conn, &query))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = id.0))]

    async fn claim_matches(&self, id: ClaimId, filter: Filter) -> Result<bool> {
        self.connections
            .read(move |conn| claims::matches(conn, id, &filter))
            .await
    }

    #[tracing::instrument(skip_all, fields(limit = query.limit))]

    async fn search_claims(&self, query: SearchQuery) -> Result<SearchPage> {
        self.connections
            .read(move |conn| search::search(conn, &query))
            .await
    }

    #[tracing::instrument(skip_all, fields(limit))]

    async fn similar_claims(&self, terms: Vec<String>, limit: u32) -> Result<Vec<(Claim, f64)>> {
        self.connections
            .read(move |conn| search::similar(conn, &terms, limit))
            .await
    }

    #[tracing::instrument(skip_all, fields(n = ids.len()))]
    async fn claims_by_id(&self, ids: Vec<ClaimId>) -> Result<Vec<Claim>> {
        self.connections
            .read(move |conn| {
                let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
                let snapshot = conn.unchecked_transaction()?;
                let found = claims::get_many(&snapshot, &ids)?;
                snapshot.finish()?;
                Ok(found.into_values().collect())
            })
            .await
    }

    #[tracing::instrument(skip_all, fields(after = after.0, limit))]
    async fn claims_to_embed(
        &self,
        model: String,
        after: ClaimId,
        limit: u32,
    ) -> Result<Vec<(ClaimId, String)>> {
        self.connections
            .read(move |conn| embeddings::to_embed(conn, &model, after, limit))
            .await
    }

    #[tracing::instrument(skip_all, fields(n = embeddings.len()))]
    async fn put_embeddings(
        &self,
        model: String,
        embeddings: Vec<(String, ClaimEmbedding)>,
    ) -> Result<Vec<ClaimEmbedding>> {
        self.connections
            .write(move |conn| embeddings::put(conn, &model, embeddings))
            .await
    }

    #[tracing::instrument(skip_all, fields(after = after.0, limit))]
    async fn list_embeddings(
        &self,
        model: String,
        after: ClaimId,
        limit: u32,
    ) -> Result<Vec<ClaimEmbedding>> {
        self.connections
            .read(move |conn| embeddings::list(conn, &model, after, limit))
            .await
    }

    #[tracing::instrument(skip_all, fields(holder = %query.holder.name))]

    async fn acquire_claim(&self, query: AcquireQuery) -> Result<Option<Claim>> {
        self.connections
            .write(move |conn| queue::acquire(conn, &query))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = id.0, holder = %holder.name))]

    async fn release_claim(&self, holder: Principal, id: ClaimId) -> Result<Claim> {
        self.connections
            .write(move |conn| queue::release(conn, &holder, id))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = review.claim_id.0, by = %reviewer.name))]

    async fn submit_review(
        &self,
        reviewer: Principal,
        review: NewReview,
        policy: ReviewPolicy,
    ) -> Result<(Claim, Review)> {
        self.connections
            .write(move |conn| reviews::submit(conn, &reviewer, &review, policy))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = id.0))]

    async fn list_reviews(&self, id: ClaimId, after: Option<ReviewId>, limit: u32) -> Result<Vec<Review>> {
        self.connections
            .read(move |conn| reviews::list_reviews(conn, id, after, limit))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = id.0, by = %editor.name))]

    async fn update_claim(
        &self,
        editor: Principal,
        id: ClaimId,
        etag: String,
        edit: ClaimEdit,
    ) -> Result<Claim> {
        self.connections
            .write(move |conn| corrections::update(conn, &editor, id, &etag, &edit))
            .await
    }

    #[tracing::instrument(skip_all, fields(claim = id.0))]

    async fn claim_history(&self, id: ClaimId) -> Result<ClaimHistory> {
        self.connections
            .read(move |conn| corrections::claim_history(conn, id))
            .await
    }

    #[tracing::instrument(skip_all)]

    async fn review_stats(&self, window: Duration) -> Result<ReviewStats> {
        self.connections
            .read(move |conn| stats::stats(conn, window))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn queue_counts(&self) -> Result<QueueCounts> {
        self.connections.read(stats::queue).await
    }

    #[tracing::instrument(skip_all)]

    async fn list_audit_events(&self, query: AuditQuery) -> Result<Vec<AuditEvent>> {
        self.connections.read(move |conn| audit::list(conn, &query)).await
    }

    #[tracing::instrument(skip_all)]

    async fn find_token(&self, token_sha256: [u8; 32]) -> Result<Option<Principal>> {
        self.connections
            .read_point_with_memo(
                move |memo| memo.token(&token_sha256).cloned().map(Some),
                move |conn, memo| find_token_with_memo(conn, memo, token_sha256),
            )
            .await
    }

    #[tracing::instrument(skip_all, fields(name = %name, role = %role))]

    async fn create_token(&self, name: String, role: Role, token_sha256: [u8; 32]) -> Result<TokenInfo> {
        self.connections
            .write(move |conn| tokens::create(conn, &name, role, &token_sha256))
            .await
    }

    #[tracing::instrument(skip_all)]

    async fn count_tokens(&self) -> Result<u64> {
        self.connections.read(tokens::count).await
    }

    #[tracing::instrument(skip_all)]

    async fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        self.connections.read(tokens::list).await
    }

    #[tracing::instrument(skip_all, fields(token = id))]

    async fn revoke_token(&self, id: i64) -> Result<TokenInfo> {
        self.connections.write(move |conn| tokens::revoke(conn, id)).await
    }

    #[tracing::instrument(skip_all)]

    async fn shutdown(&self) -> Result<()> {
        self.connections.checkpoint().await
    }

    #[tracing::instrument(skip_all, fields(key))]

    async fn secret(&self, key: &'static str) -> Result<[u8; 32]> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).map_err(|err| StoreError::Corrupt(format!("no randomness: {err}")))?;
        self.connections
            .write(move |conn| settings::secret_or_insert(conn, key, fresh))
            .await
    }

    async fn usage(&self) -> Result<StoreUsage> {
        let writer_queue_depth = self.connections.writer_queue_depth();
        let path = self.connections.path().to_owned();
        let (database_bytes, wal_bytes) = tokio::task::spawn_blocking(move || files::sizes(&path))
            .await
            .map_err(|err| StoreError::Backend(Box::new(err)))??;
        Ok(StoreUsage {
            writer_queue_depth,
            database_bytes,
            wal_bytes,
        })
    }
}

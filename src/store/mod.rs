//! Storage: the operations the services need, in domain types, and the SQLite backend behind them.
//!
//! The services see only the [`Store`] trait, so that another backend (a
//! PostgreSQL-wire database behind stateless servers) can be added without
//! touching `api` or `extract`. This module tree is the only place with SQL.

mod articles;
mod claims;
mod migrations;
mod pool;
mod settings;
mod sqlite;
mod time;
mod tokens;

use async_trait::async_trait;

use crate::model::{Article, ArticleId, Claim, ClaimId, NewArticle, Principal, Role};

pub use sqlite::SqliteStore;

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    #[error("storage is shutting down")]
    Closed,
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migrations: {0}")]
    Migration(#[from] rusqlite_migration::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The outcome of storing an article.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub article: Article,
    pub claims: Vec<Claim>,
    /// False when an article with the same body was already stored, in which
    /// case nothing was written and `article` is that one.
    pub created: bool,
}

/// What a batch write did with one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchOutcome {
    /// The article written, or the one already stored with the same body.
    /// On a dry run the id of a new article is one that was rolled back.
    pub id: ArticleId,
    pub claim_count: u32,
    /// False when an article with the same body was stored already (or
    /// came earlier in the batch) and nothing was written for this one.
    pub created: bool,
}

/// Which claims to list: keyset pagination in id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClaimQuery {
    pub article: Option<ArticleId>,
    /// Only claims with a larger id.
    pub after: Option<ClaimId>,
    pub limit: u32,
}

/// A token as listed, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The operations claimdb's services need from storage.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores an article and its claims in one transaction, or returns the
    /// article already stored with the same body.
    async fn create_article(&self, article: NewArticle) -> Result<StoredArticle>;
    /// Stores many articles in one transaction, each atomic on its own: the
    /// outer error fails the whole batch (nothing written), an inner one
    /// only its article. Outcomes come in the order of `articles`, with
    /// duplicates (in the table or earlier in the batch) not written again.
    /// With `dry_run` nothing is kept.
    async fn create_articles(
        &self,
        articles: Vec<NewArticle>,
        dry_run: bool,
    ) -> Result<Vec<Result<BatchOutcome>>>;
    async fn get_article(&self, id: ArticleId) -> Result<Article>;
    /// Articles in id order, after `after`, at most `limit`.
    async fn list_articles(&self, after: Option<ArticleId>, limit: u32) -> Result<Vec<Article>>;
    async fn get_claim(&self, id: ClaimId) -> Result<Claim>;
    async fn list_claims(&self, query: ClaimQuery) -> Result<Vec<Claim>>;
    /// The holder of the token with this SHA-256, if any.
    async fn find_token(&self, token_sha256: [u8; 32]) -> Result<Option<Principal>>;
    async fn create_token(&self, name: String, role: Role, token_sha256: [u8; 32]) -> Result<TokenInfo>;
    async fn count_tokens(&self) -> Result<u64>;
    /// A random 32-byte secret stored under `key`, made on first use, so that
    /// it survives restarts (e.g. the key that signs page tokens).
    async fn secret(&self, key: &'static str) -> Result<[u8; 32]>;
}

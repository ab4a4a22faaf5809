//! Storage: the operations the services need, in domain types, and the SQLite backend behind them.
//!
//! The services see only the [`Store`] trait and [`StoreError`], both
//! backend-neutral, so that another backend (a PostgreSQL-wire database
//! behind stateless servers) can be added beside `sqlite/` without touching
//! `api` or `extract`. Every write on the trait is audited; loading data
//! without audit is [`test_support`]'s, for tests and benchmarks. This
//! module tree is the only place with SQL, and `sqlite/` the only place that
//! sees the SQLite driver.

mod sqlite;

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use crate::model::{
    Article, ArticleId, ArticleMetadata, Claim, ClaimEmbedding, ClaimId, ClaimKind, NewArticle,
    NewExternalClaim, NewReview, Principal, Review, ReviewId, Role, Verdict,
};
use crate::review::filter::{Filter, OrderKey, SortValue};
use crate::review::rules::ReviewPolicy;
use crate::review::search::MarkTerm;

pub use sqlite::{IMPORTED_EXTRACTOR_VERSION, SqliteStore, test_support};

/// What can go wrong in storage, in the domain's words: no variant names a
/// gRPC code or a backend's type. `api::error` decides the status of each.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No resource of this name (e.g. `claims/7`).
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// A conditional write whose etag no longer holds: the resource changed
    /// since the caller read it.
    #[error("{0}")]
    EtagMismatch(String),
    /// Another reviewer holds the claim's lease.
    #[error("{0}")]
    HeldByOther(String),
    /// The write does not fit the resource's state (releasing a claim the
    /// caller does not hold, revoking a token already revoked).
    #[error("{0}")]
    WrongState(String),
    /// The caller has used up a quota (e.g. the claims a reviewer may hold).
    #[error("{0}")]
    QuotaExceeded(String),
    /// A request the store cannot run as given.
    #[error("{0}")]
    Invalid(String),
    /// The database is locked by someone else for longer than the store
    /// waits; trying again later may work.
    #[error("database busy: {0}")]
    Busy(String),
    #[error("storage is shutting down")]
    Closed,
    /// The disk (or the database's size limit) is full: nothing more can be
    /// written until space is freed.
    #[error("the disk is full")]
    DiskFull,
    /// The database is held by another server.
    #[error("{0}")]
    InUse(String),
    /// The caller went away (cancelled, or its deadline passed) and the
    /// work was stopped before it finished.
    #[error("the request was cancelled before storage finished it")]
    Cancelled,
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    /// Any other failure of the backend; its details are for the server's log.
    #[error("storage backend: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
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
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOutcome {
    /// The article written, or the one already stored with the same body.
    /// On a dry run the id of a new article is one that was rolled back.
    pub id: ArticleId,
    pub claim_count: u32,
    /// False when an article with the same body was stored already (or
    /// came earlier in the batch) and nothing was written for this one.
    pub created: bool,
    /// The claims written for a created article, as stored; empty otherwise.
    pub claims: Vec<Claim>,
}

/// Which reviewed claims to export: those with a final verdict matching a filter whose latest
/// review is no older than `reviewed_since`, in id order after `after`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewedClaimQuery {
    pub filter: Filter,
    pub reviewed_since: Option<SystemTime>,
    pub after: Option<ClaimId>,
    pub limit: u32,
}

/// A claim with a verdict of this database's reviewers, as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewedClaim {
    pub claim: Claim,
    /// The latest review: its rationale, evidence and date are published.
    pub review: Review,
    /// The metadata of the claim's article (no body).
    pub article: ArticleMetadata,
}

/// What an import did with one external review.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalOutcome {
    /// The claim holding the review: the new one, or the one that had it already.
    pub claim: ClaimId,
    /// The claim as stored when it was created (for its CREATED event);
    /// `None` when the review was stored already (or earlier in the batch).
    pub created: Option<Claim>,
}

/// Which claims to list: keyset pagination in id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClaimQuery {
    pub article: Option<ArticleId>,
    /// Only claims with a larger id.
    pub after: Option<ClaimId>,
    pub limit: u32,
}

/// Which claims to list: a filter, an order (ending with the id, so it is
/// total) and a keyset position in that order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClaimListQuery {
    pub filter: Filter,
    pub order: Vec<OrderKey>,
    /// Only claims after this position (one value per order key).
    pub after: Option<Vec<SortValue>>,
    pub limit: u32,
}

/// A full-text search: an FTS5 expression made by `review::search`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    pub fts: String,
    /// The words to mark in the snippets (`review::search::mark_terms`).
    pub mark_terms: Vec<MarkTerm>,
    pub filter: Filter,
    /// Only hits after this (score, id), best (lowest score) first.
    pub after: Option<(f64, ClaimId)>,
    pub limit: u32,
    /// On a first page (`after` is `None`): rank only the newest `window`
    /// matches when more match, since ranking costs time for every match
    /// ranked. `None` ranks all of them.
    pub window: Option<u32>,
    /// On a later page: only claims with a larger id, the window the first
    /// page chose (`SearchPage::window_floor`).
    pub above: Option<ClaimId>,
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Set when only matches with a larger id were ranked: more claims
    /// matched than the window holds, and these are the older ones.
    pub window_floor: Option<ClaimId>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub claim: Claim,
    /// BM25 as SQLite computes it: lower is better.
    pub score: f64,
    /// The claim text with matches marked `**like this**`.
    pub text_snippet: String,
    /// A stretch of the sentence around the matches, marked the same way.
    pub sentence_snippet: String,
}

/// What AcquireClaim asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct AcquireQuery {
    pub holder: Principal,
    pub filter: Filter,
    pub lease: Duration,
    pub policy: ReviewPolicy,
    /// The most claims the holder may hold at once, this one included.
    pub max_leases: u32,
}

/// Corrections to a claim; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClaimEdit {
    pub text: Option<String>,
    pub speaker: Option<String>,
    pub kind: Option<ClaimKind>,
    pub checkable: Option<bool>,
}

/// One corrected field of a claim, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimChange {
    /// The claim's version the old value belonged to.
    pub version: i64,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub editor: String,
    pub create_time: SystemTime,
}

/// A claim with its corrections and reviews, read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimHistory {
    pub claim: Claim,
    /// Oldest first.
    pub changes: Vec<ClaimChange>,
    /// Oldest first.
    pub reviews: Vec<Review>,
}

/// How many claims stand where in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueCounts {
    pub unreviewed: u64,
    /// Held by a reviewer right now.
    pub leased: u64,
    /// Reviewed once, waiting for a second reviewer.
    pub awaiting_second: u64,
    pub disputed: u64,
    /// With a final verdict given here (not an imported fact-check's).
    pub final_verdicts: u64,
    /// Taken in with another fact-checker's review (ImportClaimReviews).
    pub imported: u64,
}

/// One reviewer's throughput.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewerCount {
    pub reviewer: String,
    pub reviews: u64,
    /// Reviews within the window asked for.
    pub recent_reviews: u64,
    pub last_review_time: SystemTime,
}

/// The review statistics; agreement is computed from `verdict_pairs`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewStats {
    pub queue: QueueCounts,
    pub reviewers: Vec<ReviewerCount>,
    /// (first reviewer's verdict, second reviewer's) per double-reviewed claim.
    pub verdict_pairs: Vec<(Verdict, Verdict)>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: i64,
    pub create_time: SystemTime,
    pub actor: String,
    pub method: String,
    pub resource: String,
    pub details: String,
}

/// Which audit events to list: keyset pagination by id, oldest or newest
/// first, with exact filters on who, what and which resource, and a time
/// range `[start_time, end_time)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditQuery {
    /// Only events past this id in the order asked for.
    pub after: Option<i64>,
    pub limit: u32,
    pub newest_first: bool,
    pub actor: Option<String>,
    pub method: Option<String>,
    pub resource: Option<String>,
    pub start_time: Option<SystemTime>,
    pub end_time: Option<SystemTime>,
}

/// A token as listed, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub create_time: SystemTime,
    /// When it stopped working; `None` while it works.
    pub revoke_time: Option<SystemTime>,
}

/// A read made together with the check of the caller's token, in one read
/// transaction: a token revoked before the read began is never served, and
/// SQLite's locks are taken once for both (issue 16).
#[derive(Debug)]
pub enum TokenRead<T> {
    /// No unrevoked token has this hash; nothing else was read.
    UnknownToken,
    /// The token's holder, and what was read for them: `Err` only for what
    /// the read found (e.g. [`StoreError::NotFound`]); a read that failed
    /// is the outer error.
    Known { caller: Principal, value: Result<T> },
}

/// What an operator watches of the store, read when metrics are scraped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreUsage {
    /// Write jobs waiting for the writer (the one running not counted).
    pub writer_queue_depth: usize,
    /// The database file's size on disk.
    pub database_bytes: u64,
    /// The write-ahead log's size on disk (0 when there is none).
    pub wal_bytes: u64,
}

/// The operations claimdb's services need from storage.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores an article and its claims in one transaction, recording `actor`
    /// in the audit log in the same transaction, or returns the article
    /// already stored with the same body.
    async fn create_article(&self, article: NewArticle, actor: Principal) -> Result<StoredArticle>;
    /// Stores many articles in one transaction, each atomic on its own: the
    /// outer error fails the whole batch (nothing written), an inner one
    /// only its article. Outcomes come in the order of `articles`, with
    /// duplicates (in the table or earlier in the batch) not written again.
    /// With `dry_run` nothing is kept.
    /// Each created article is recorded in the audit log as `actor`'s, in
    /// the same transaction.
    async fn create_articles(
        &self,
        articles: Vec<NewArticle>,
        dry_run: bool,
        actor: Principal,
    ) -> Result<Vec<Result<BatchOutcome>>>;
    async fn get_article(&self, id: ArticleId) -> Result<Article>;
    /// Claims with a final verdict given here (not imported), each with its
    /// latest review and its article's metadata, for ClaimReview export.
    async fn list_reviewed_claims(&self, query: ReviewedClaimQuery) -> Result<Vec<ReviewedClaim>>;
    /// Stores claims with another fact-checker's review in one transaction,
    /// each atomic on its own (an inner error fails only its claim), once
    /// per review (by URL, else by publisher and claim text), audited as
    /// `actor`'s. Outcomes come in the order of `claims`.
    async fn import_external_reviews(
        &self,
        claims: Vec<NewExternalClaim>,
        actor: Principal,
    ) -> Result<Vec<Result<ExternalOutcome>>>;
    /// Articles in id order, after `after`, at most `limit`.
    async fn list_articles(&self, after: Option<ArticleId>, limit: u32) -> Result<Vec<Article>>;
    /// Articles matching an article filter (`review::filter::parse_article_filter`),
    /// in id order, after `after`, at most `limit`.
    async fn query_articles(
        &self,
        filter: Filter,
        after: Option<ArticleId>,
        limit: u32,
    ) -> Result<Vec<Article>>;
    async fn get_claim(&self, id: ClaimId) -> Result<Claim>;
    /// The holder of the token with this SHA-256 and, only if there is one,
    /// the claim, both in one read transaction.
    async fn get_claim_for_token(&self, token_sha256: [u8; 32], id: ClaimId) -> Result<TokenRead<Claim>>;
    async fn list_claims(&self, query: ClaimQuery) -> Result<Vec<Claim>>;
    /// Claims matching a filter, in an order, from a keyset position.
    async fn query_claims(&self, query: ClaimListQuery) -> Result<Vec<Claim>>;
    /// Whether claim `id` matches `filter`.
    async fn claim_matches(&self, id: ClaimId, filter: Filter) -> Result<bool>;
    /// Full-text search over claim text, sentence and speaker, best first.
    async fn search_claims(&self, query: SearchQuery) -> Result<SearchPage>;
    /// Claims sharing words with a text, most similar first by BM25 over
    /// claim text, sentence and speaker, each with its score (higher is
    /// closer), at most `limit`, read in one snapshot; `terms` come from
    /// `review::similar::match_terms`, and only the rarest are matched.
    async fn similar_claims(&self, terms: Vec<String>, limit: u32) -> Result<Vec<(Claim, f64)>>;
    /// The claims of these ids that exist, in no order (one snapshot).
    async fn claims_by_id(&self, ids: Vec<ClaimId>) -> Result<Vec<Claim>>;
    /// Claims with no embedding of `model` (`embed::MODEL`), in id order
    /// after `after`, with their text, at most `limit`: the background
    /// embedder's work. Derived data, so neither this nor
    /// [`Store::put_embeddings`] is audited.
    async fn claims_to_embed(
        &self,
        model: String,
        after: ClaimId,
        limit: u32,
    ) -> Result<Vec<(ClaimId, String)>>;
    /// Stores each embedding (with the text it was made from) whose claim
    /// still has that text, in one transaction; returns those stored.
    async fn put_embeddings(
        &self,
        model: String,
        embeddings: Vec<(String, ClaimEmbedding)>,
    ) -> Result<Vec<ClaimEmbedding>>;
    /// Stored embeddings of `model` in claim id order after `after`, at most `limit`.
    async fn list_embeddings(&self, model: String, after: ClaimId, limit: u32)
    -> Result<Vec<ClaimEmbedding>>;
    /// Leases the most check-worthy queued claim matching the filter that
    /// nobody holds; `None` when there is none.
    async fn acquire_claim(&self, query: AcquireQuery) -> Result<Option<Claim>>;
    /// Ends the caller's lease on a claim.
    async fn release_claim(&self, holder: Principal, id: ClaimId) -> Result<Claim>;
    /// Stores a review if its etag is current (else [`StoreError::EtagMismatch`]).
    async fn submit_review(
        &self,
        reviewer: Principal,
        review: NewReview,
        policy: ReviewPolicy,
    ) -> Result<(Claim, Review)>;
    /// A claim's reviews, oldest first.
    async fn list_reviews(&self, id: ClaimId, after: Option<ReviewId>, limit: u32) -> Result<Vec<Review>>;
    /// Corrects a claim if `etag` is current, keeping the old values.
    async fn update_claim(
        &self,
        editor: Principal,
        id: ClaimId,
        etag: String,
        edit: ClaimEdit,
    ) -> Result<Claim>;
    /// The corrections made to a claim, oldest first.
    async fn claim_history(&self, id: ClaimId) -> Result<ClaimHistory>;
    /// Queue counts, throughput (recent = within `window`) and verdict pairs.
    async fn review_stats(&self, window: Duration) -> Result<ReviewStats>;
    /// The queue counts alone (the first part of [`Store::review_stats`]).
    async fn queue_counts(&self) -> Result<QueueCounts>;
    /// The audit log, oldest first unless `query.newest_first`, filtered.
    async fn list_audit_events(&self, query: AuditQuery) -> Result<Vec<AuditEvent>>;
    /// The holder of the token with this SHA-256, if any.
    async fn find_token(&self, token_sha256: [u8; 32]) -> Result<Option<Principal>>;
    async fn create_token(&self, name: String, role: Role, token_sha256: [u8; 32]) -> Result<TokenInfo>;
    async fn count_tokens(&self) -> Result<u64>;
    /// Every token ever made, revoked ones included, oldest first.
    async fn list_tokens(&self) -> Result<Vec<TokenInfo>>;
    /// Stops token `id` from authenticating; the record stays.
    /// [`StoreError::WrongState`] if it is already revoked.
    async fn revoke_token(&self, id: i64) -> Result<TokenInfo>;
    /// Makes everything committed durable in the database's main form and
    /// releases what can be released, before a clean stop (for SQLite: a
    /// TRUNCATE checkpoint of the WAL into the database file).
    async fn shutdown(&self) -> Result<()>;
    /// A random 32-byte secret stored under `key`, made on first use, so that
    /// it survives restarts (e.g. the key that signs page tokens).
    async fn secret(&self, key: &'static str) -> Result<[u8; 32]>;
    /// The writer's queue and the files' sizes, without touching a
    /// connection (a scrape never waits behind the calls it measures).
    async fn usage(&self) -> Result<StoreUsage>;
}

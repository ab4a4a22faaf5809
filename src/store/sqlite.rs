//! The SQLite backend of [`Store`]: an embedded database file, nothing to install.

use std::path::Path;

use async_trait::async_trait;

use super::pool::Connections;
use std::time::Duration;

use super::{
    AcquireQuery, AuditEvent, BatchOutcome, ClaimEdit, ClaimHistory, ClaimListQuery, ClaimQuery, Result,
    ReviewStats, SearchPage, SearchQuery, Store, StoreError, StoredArticle, TokenInfo,
};
use super::{articles, claims, reviews, settings, tokens};
use crate::model::{
    Article, ArticleId, Claim, ClaimId, NewArticle, NewReview, Principal, Review, ReviewId, Role,
};
use crate::review::filter::Filter;
use crate::review::rules::ReviewPolicy;

/// Read connections kept open; reads beyond this many wait their turn.
const N_READERS: usize = 8;

/// claimdb's storage in one SQLite file (WAL mode, foreign keys on).
pub struct SqliteStore {
    connections: Connections,
}

impl SqliteStore {
    /// Opens the database at `path`, creating and migrating it as needed.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        Ok(SqliteStore {
            connections: Connections::open(path, N_READERS)?,
        })
    }

    /// Stores many articles in one transaction, skipping bodies already
    /// stored, and returns how many were new: for loading test and
    /// benchmark data fast. Not audited.
    pub async fn create_articles_bulk(&self, articles: Vec<NewArticle>) -> Result<usize> {
        self.connections
            .write(move |conn| articles::create_many(conn, &articles))
            .await
    }
}

/// SQLite's failures in the store's words: a lock held too long is
/// [`StoreError::Busy`], anything else a backend failure for the log.
impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        match &err {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                StoreError::Busy(failure.to_string())
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
    async fn create_article(&self, article: NewArticle) -> Result<StoredArticle> {
        self.connections
            .write(move |conn| articles::create(conn, article, None))
            .await
    }

    async fn create_article_as(&self, article: NewArticle, actor: Principal) -> Result<StoredArticle> {
        self.connections
            .write(move |conn| articles::create(conn, article, Some(&actor)))
            .await
    }

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

    async fn get_article(&self, id: ArticleId) -> Result<Article> {
        self.connections.read(move |conn| articles::get(conn, id)).await
    }

    async fn list_articles(&self, after: Option<ArticleId>, limit: u32) -> Result<Vec<Article>> {
        self.connections
            .read(move |conn| articles::list(conn, after, limit))
            .await
    }

    async fn get_claim(&self, id: ClaimId) -> Result<Claim> {
        self.connections.read(move |conn| claims::get(conn, id)).await
    }

    async fn list_claims(&self, query: ClaimQuery) -> Result<Vec<Claim>> {
        self.connections.read(move |conn| claims::list(conn, query)).await
    }

    async fn query_claims(&self, query: ClaimListQuery) -> Result<Vec<Claim>> {
        self.connections
            .read(move |conn| reviews::list(conn, &query))
            .await
    }

    async fn claim_matches(&self, id: ClaimId, filter: Filter) -> Result<bool> {
        self.connections
            .read(move |conn| reviews::matches(conn, id, &filter))
            .await
    }

    async fn search_claims(&self, query: SearchQuery) -> Result<SearchPage> {
        self.connections
            .read(move |conn| reviews::search(conn, &query))
            .await
    }

    async fn acquire_claim(&self, query: AcquireQuery) -> Result<Option<Claim>> {
        self.connections
            .write(move |conn| reviews::acquire(conn, &query))
            .await
    }

    async fn release_claim(&self, holder: Principal, id: ClaimId) -> Result<Claim> {
        self.connections
            .write(move |conn| reviews::release(conn, &holder, id))
            .await
    }

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

    async fn list_reviews(&self, id: ClaimId, after: Option<ReviewId>, limit: u32) -> Result<Vec<Review>> {
        self.connections
            .read(move |conn| reviews::list_reviews(conn, id, after, limit))
            .await
    }

    async fn update_claim(
        &self,
        editor: Principal,
        id: ClaimId,
        etag: String,
        edit: ClaimEdit,
    ) -> Result<Claim> {
        self.connections
            .write(move |conn| reviews::update(conn, &editor, id, &etag, &edit))
            .await
    }

    async fn claim_history(&self, id: ClaimId) -> Result<ClaimHistory> {
        self.connections
            .read(move |conn| reviews::claim_history(conn, id))
            .await
    }

    async fn review_stats(&self, window: Duration) -> Result<ReviewStats> {
        self.connections
            .read(move |conn| reviews::stats(conn, window))
            .await
    }

    async fn list_audit_events(&self, after: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>> {
        self.connections
            .read(move |conn| reviews::list_audit(conn, after, limit))
            .await
    }

    async fn find_token(&self, token_sha256: [u8; 32]) -> Result<Option<Principal>> {
        self.connections
            .read(move |conn| tokens::find(conn, &token_sha256))
            .await
    }

    async fn create_token(&self, name: String, role: Role, token_sha256: [u8; 32]) -> Result<TokenInfo> {
        self.connections
            .write(move |conn| tokens::create(conn, &name, role, &token_sha256))
            .await
    }

    async fn count_tokens(&self) -> Result<u64> {
        self.connections.read(tokens::count).await
    }

    async fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        self.connections.read(tokens::list).await
    }

    async fn revoke_token(&self, id: i64) -> Result<TokenInfo> {
        self.connections.write(move |conn| tokens::revoke(conn, id)).await
    }

    async fn secret(&self, key: &'static str) -> Result<[u8; 32]> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).map_err(|err| StoreError::Corrupt(format!("no randomness: {err}")))?;
        self.connections
            .write(move |conn| settings::secret_or_insert(conn, key, fresh))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest;
    use crate::model::ArticleMetadata;

    fn open() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("claimdb.sqlite")).unwrap();
        (dir, store)
    }

    const BODY: &str = "The council spent 4 million euros on roads in 2021. \
                        The mayor said the budget would rise by 10% next year.";

    #[tokio::test]
    async fn a_revoked_token_is_listed_but_never_found() {
        let (_dir, store) = open();
        let hash = crate::auth::token_sha256("cdb_test");
        let created = store
            .create_token("ann".into(), Role::Reviewer, hash)
            .await
            .unwrap();
        assert_eq!(created.revoke_time, None);
        assert!(store.find_token(hash).await.unwrap().is_some());
        let revoked = store.revoke_token(created.id).await.unwrap();
        assert!(revoked.revoke_time.is_some());
        assert_eq!(store.find_token(hash).await.unwrap(), None);
        assert_eq!(store.list_tokens().await.unwrap(), [revoked]);
        assert!(matches!(
            store.revoke_token(created.id).await,
            Err(StoreError::WrongState(_))
        ));
        assert!(matches!(
            store.revoke_token(99).await,
            Err(StoreError::NotFound(_))
        ));
        // Creating and revoking are both in the audit log.
        let audited: Vec<String> = store
            .list_audit_events(None, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|event| event.method)
            .collect();
        assert_eq!(audited, ["CreateToken", "RevokeToken"]);
    }

    #[tokio::test]
    async fn an_article_and_its_claims_are_stored_together() {
        let (_dir, store) = open();
        let new = ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article;
        let n_claims = new.claims.len();
        assert!(n_claims > 0);
        let stored = store.create_article(new).await.unwrap();
        assert!(stored.created);
        assert_eq!(stored.claims.len(), n_claims);
        assert_eq!(stored.article.claim_count as usize, n_claims);
        let listed = store
            .list_claims(ClaimQuery {
                article: Some(stored.article.id),
                after: None,
                limit: 100,
            })
            .await
            .unwrap();
        assert_eq!(listed, stored.claims);
        for claim in &listed {
            assert_eq!(&BODY[claim.span.start..claim.span.end], claim.sentence);
        }
    }

    #[tokio::test]
    async fn claim_details_round_trip_with_their_children() {
        use crate::model::{ClaimKind, DateRange, Entity, EntityKind, Polarity, Quantity, Rewrite, Span};
        let (_dir, store) = open();
        let mut new = ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article;
        let details = &mut new.claims[0].details;
        details.content = "the council spent 4 million euros".into();
        details.kind = ClaimKind::Statistic;
        details.checkable = false;
        details.reporting_verb = Some("denies".into());
        details.polarity = Polarity::Denies;
        details.entities = vec![
            Entity {
                name: "Springfield".into(),
                kind: EntityKind::Place,
            },
            Entity {
                name: "Council".into(),
                kind: EntityKind::Organisation,
            },
            // A duplicate is stored once.
            Entity {
                name: "Springfield".into(),
                kind: EntityKind::Place,
            },
        ];
        details.quantities = vec![Quantity {
            value: 60_000.0,
            upper: Some(90_000.0),
            unit: "troops".into(),
            text: "60,000 to 90,000 troops".into(),
        }];
        details.dates = vec![
            DateRange {
                start: "2021-01-01".into(),
                end: "2021-12-31".into(),
                text: "in 2021".into(),
            },
            DateRange {
                start: "2021-12-30".into(),
                end: "2021-12-30".into(),
                text: "on Thursday".into(),
            },
        ];
        details.rewrites = vec![Rewrite {
            original: "The council".into(),
            span: Span { start: 0, end: 11 },
            replacement: "Springfield council".into(),
            rule: "metonym".into(),
        }];
        let stored = store.create_article(new).await.unwrap();
        let first = &stored.claims[0];
        assert_eq!(first.details.entities.len(), 2);
        assert_eq!(first.details.dates.len(), 2);
        assert_eq!(store.get_claim(first.id).await.unwrap(), *first);
        let listed = store
            .list_claims(ClaimQuery {
                article: None,
                after: None,
                limit: 100,
            })
            .await
            .unwrap();
        assert_eq!(listed, stored.claims);
        // A page that starts after the first claim carries only its own children.
        let rest = store
            .list_claims(ClaimQuery {
                article: None,
                after: Some(first.id),
                limit: 100,
            })
            .await
            .unwrap();
        assert_eq!(rest, stored.claims[1..]);
    }

    #[tokio::test]
    async fn the_same_body_is_stored_once() {
        let (_dir, store) = open();
        let first = store
            .create_article(ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article)
            .await
            .unwrap();
        let second = store
            .create_article(ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article)
            .await
            .unwrap();
        assert!(!second.created);
        assert_eq!(second.article, first.article);
        assert_eq!(second.claims, first.claims);
        assert_eq!(store.list_articles(None, 10).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_failing_article_leaves_nothing_behind() {
        let (_dir, store) = open();
        let mut new = ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article;
        // A score outside 0..1 breaks a CHECK constraint on the second claim,
        // after the article row and the first claim were inserted.
        new.claims.last_mut().unwrap().checkworthiness = 7.0;
        assert!(store.create_article(new).await.is_err());
        assert!(store.list_articles(None, 10).await.unwrap().is_empty());
        let claims = store
            .list_claims(ClaimQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(claims.is_empty());
    }

    fn importer() -> Principal {
        Principal {
            token_id: 1,
            name: "importer".into(),
            role: Role::Admin,
        }
    }

    #[tokio::test]
    async fn a_failing_article_in_a_batch_rolls_back_alone() {
        // See: #5
        let (_dir, store) = open();
        let prepare =
            |body: &str| ingest::prepare_article(body.to_owned(), ArticleMetadata::default()).article;
        let other = "Exports rose by 3.2% in 2020 to 41 billion dollars, the ministry said.";
        let mut broken = prepare("Imports fell by 4% in 2020, the ministry said on Friday.");
        broken.claims.last_mut().unwrap().checkworthiness = 7.0;
        let batch = vec![prepare(BODY), broken, prepare(BODY), prepare(other)];
        let outcomes = store.create_articles(batch, false, importer()).await.unwrap();
        let first = outcomes[0].as_ref().unwrap();
        assert!(first.created);
        assert!(outcomes[1].is_err(), "the broken article fails on its own");
        let repeat = outcomes[2].as_ref().unwrap();
        assert!(!repeat.created, "a repeat within the batch is not written again");
        assert_eq!(repeat.id, first.id);
        assert!(outcomes[3].as_ref().unwrap().created);
        assert_eq!(first.claims.len() as u32, first.claim_count);

        // Each article written is audited as the importer's; the broken one
        // left no trace.
        let audit = store.list_audit_events(None, 10).await.unwrap();
        let audited: Vec<(&str, &str, &str)> = audit
            .iter()
            .map(|event| {
                (
                    event.actor.as_str(),
                    event.method.as_str(),
                    event.resource.as_str(),
                )
            })
            .collect();
        let names = [first.id, outcomes[3].as_ref().unwrap().id].map(|id| format!("articles/{}", id.0));
        assert_eq!(
            audited,
            [
                ("importer", "ImportArticles", names[0].as_str()),
                ("importer", "ImportArticles", names[1].as_str())
            ]
        );

        let stored = store.list_articles(None, 10).await.unwrap();
        assert_eq!(stored.len(), 2);
        let all_claims = store
            .list_claims(ClaimQuery {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        let n_expected: u32 = stored.iter().map(|article| article.claim_count).sum();
        assert_eq!(
            all_claims.len() as u32,
            n_expected,
            "no claim of the broken article is left"
        );

        let again = store
            .create_articles(vec![prepare(BODY), prepare(other)], false, importer())
            .await
            .unwrap();
        assert!(again.iter().all(|outcome| !outcome.as_ref().unwrap().created));
    }

    #[tokio::test]
    async fn a_dry_run_batch_keeps_nothing() {
        let (_dir, store) = open();
        let new = ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article;
        let outcomes = store.create_articles(vec![new], true, importer()).await.unwrap();
        assert!(outcomes[0].as_ref().unwrap().created);
        assert!(store.list_articles(None, 10).await.unwrap().is_empty());
        assert!(store.list_audit_events(None, 10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn unknown_ids_are_not_found() {
        let (_dir, store) = open();
        assert!(matches!(
            store.get_article(ArticleId(9)).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.get_claim(ClaimId(9)).await,
            Err(StoreError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn tokens_are_found_by_hash_only() {
        let (_dir, store) = open();
        assert_eq!(store.count_tokens().await.unwrap(), 0);
        let hash = [7u8; 32];
        let info = store
            .create_token("alice".into(), Role::Reviewer, hash)
            .await
            .unwrap();
        let found = store.find_token(hash).await.unwrap().unwrap();
        assert_eq!(found.token_id, info.id);
        assert_eq!(found.role, Role::Reviewer);
        assert_eq!(store.find_token([8u8; 32]).await.unwrap(), None);
        assert_eq!(store.count_tokens().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn secrets_are_made_once_and_kept() {
        let (dir, store) = open();
        let first = store.secret("page_token_key").await.unwrap();
        assert_eq!(store.secret("page_token_key").await.unwrap(), first);
        drop(store);
        let reopened = SqliteStore::open(&dir.path().join("claimdb.sqlite")).unwrap();
        assert_eq!(reopened.secret("page_token_key").await.unwrap(), first);
    }
}

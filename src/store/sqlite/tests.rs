//! The SQLite store through the `Store` trait: articles, claims, tokens, the review queue,
//! filters, search and migrations.

use std::time::Duration;

use rusqlite::Connection;

use super::test_support::BulkLoad;
use super::*;
use crate::ingest;
use crate::model::{
    ArticleId, ArticleMetadata, ClaimDetails, ClaimId, ClaimStatus, Lease, NewArticle, NewClaim, NewReview,
    Principal, Role, Span, Verdict,
};
use crate::review::filter::{self, Filter, SortValue};
use crate::review::rules::{self, ReviewPolicy};
use crate::store::{ClaimQuery, Store, TokenRead};

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("claimdb.sqlite")).unwrap();
    (dir, store)
}

// See: #16 (a token made in a database no server uses).
#[tokio::test]
async fn open_existing_refuses_a_missing_database_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.sqlite");
    let Err(err) = SqliteStore::open_existing(&path) else {
        panic!("a missing database was opened");
    };
    assert!(
        matches!(&err, StoreError::NotFound(what) if what.contains("missing.sqlite")),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing is created"
    );
    drop(SqliteStore::open(&path).unwrap());
    let store = SqliteStore::open_existing(&path).unwrap();
    assert_eq!(store.count_tokens().await.unwrap(), 0);
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
        .list_audit_events(crate::store::AuditQuery {
            limit: 10,
            ..Default::default()
        })
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
    let stored = store.create_article(new, importer()).await.unwrap();
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
    details.needs_context = true;
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
    let stored = store.create_article(new, importer()).await.unwrap();
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
        .create_article(
            ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article,
            importer(),
        )
        .await
        .unwrap();
    let second = store
        .create_article(
            ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article,
            importer(),
        )
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
    assert!(store.create_article(new, importer()).await.is_err());
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
    let prepare = |body: &str| ingest::prepare_article(body.to_owned(), ArticleMetadata::default()).article;
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
    let audit = store
        .list_audit_events(crate::store::AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
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

// See: #14 (defect 6).
#[tokio::test]
async fn a_full_disk_fails_the_batch_as_disk_full_and_keeps_nothing_of_it() {
    let (_dir, store) = open();
    // The database's size limit stands in for a full disk: SQLite answers
    // both with SQLITE_FULL.
    let pages: i64 = store
        .connections
        .write(|conn| {
            let pages: i64 = conn.query_row("PRAGMA page_count", [], |row| row.get(0))?;
            conn.pragma_update(None, "max_page_count", pages + 8)?;
            Ok(pages)
        })
        .await
        .unwrap();
    assert!(pages > 0);
    let batch: Vec<NewArticle> = (0..50)
        .map(|idx| {
            article_with(
                &[0.5; 40],
                &format!("Article {idx}. {}", "Filler words. ".repeat(400)),
            )
        })
        .collect();
    let outcome = store.create_articles(batch, false, importer()).await;
    let disk_full = match outcome {
        Err(err) => matches!(err, StoreError::DiskFull),
        Ok(outcomes) => outcomes
            .iter()
            .any(|outcome| matches!(outcome, Err(StoreError::DiskFull))),
    };
    assert!(disk_full, "the failure is reported as a full disk");
    // The store still answers, and what failed left no half-written article.
    let articles = store.list_articles(None, 100).await.unwrap();
    for article in &articles {
        let claims = store
            .list_claims(ClaimQuery {
                article: Some(article.id),
                after: None,
                limit: 1000,
            })
            .await
            .unwrap();
        assert_eq!(claims.len() as u32, article.claim_count);
    }
}

#[tokio::test]
async fn a_dry_run_batch_keeps_nothing() {
    let (_dir, store) = open();
    let new = ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article;
    let outcomes = store.create_articles(vec![new], true, importer()).await.unwrap();
    assert!(outcomes[0].as_ref().unwrap().created);
    assert!(store.list_articles(None, 10).await.unwrap().is_empty());
    assert!(
        store
            .list_audit_events(crate::store::AuditQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .is_empty()
    );
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

// See: #16. GetClaim's token and claim are read in one transaction, and a
// revoked token reads nothing.
#[tokio::test]
async fn a_claim_is_read_for_a_known_token_only() {
    let (_dir, store) = open();
    let new = ingest::prepare_article(BODY.to_owned(), ArticleMetadata::default()).article;
    let stored = store.create_article(new, importer()).await.unwrap();
    let claim = stored.claims[0].clone();
    let hash = [7u8; 32];
    let info = store
        .create_token("alice".into(), Role::Reader, hash)
        .await
        .unwrap();
    match store.get_claim_for_token(hash, claim.id).await.unwrap() {
        TokenRead::Known { caller, value } => {
            assert_eq!(caller.token_id, info.id);
            assert_eq!(caller.role, Role::Reader);
            assert_eq!(value.unwrap(), claim);
        }
        TokenRead::UnknownToken => panic!("alice's token is known"),
    }
    match store.get_claim_for_token(hash, ClaimId(999)).await.unwrap() {
        TokenRead::Known { value, .. } => assert!(matches!(value, Err(StoreError::NotFound(_)))),
        TokenRead::UnknownToken => panic!("alice's token is known"),
    }
    assert!(matches!(
        store.get_claim_for_token([8u8; 32], claim.id).await.unwrap(),
        TokenRead::UnknownToken
    ));
    // A change made after a read is in the next one.
    let leased = store
        .acquire_claim(acquire_query("ann", Duration::from_secs(60)))
        .await
        .unwrap()
        .unwrap();
    match store.get_claim_for_token(hash, leased.id).await.unwrap() {
        TokenRead::Known { value, .. } => assert_eq!(value.unwrap(), leased),
        TokenRead::UnknownToken => panic!("alice's token is known"),
    }
    store.revoke_token(info.id).await.unwrap();
    assert!(matches!(
        store.get_claim_for_token(hash, claim.id).await.unwrap(),
        TokenRead::UnknownToken
    ));
}

// See: #16. The point connections' memo answers only while nothing has
// been committed since it was filled, and never keeps a lease, which ends
// with no commit to say so.
#[tokio::test]
async fn the_memo_forgets_everything_at_a_commit_and_keeps_no_lease() {
    let (dir, store) = store_with(&[0.1]).await;
    let claim = store.get_claim(ClaimId(1)).await.unwrap();
    let reader = Connection::open(dir.path().join("t.sqlite")).unwrap();
    let mut memo = memo::Memo::default();
    memo.refresh(&reader).unwrap();
    memo.remember_claim(&claim);
    memo.remember_token([7u8; 32], principal("ann"));
    memo.refresh(&reader).unwrap();
    assert_eq!(memo.claim(claim.id), Some(&claim));
    assert_eq!(memo.token(&[7u8; 32]), Some(&principal("ann")));
    // Any commit, by any connection, empties it.
    store
        .create_token("bob".into(), Role::Reader, [8u8; 32])
        .await
        .unwrap();
    memo.refresh(&reader).unwrap();
    assert_eq!(memo.claim(claim.id), None);
    assert_eq!(memo.token(&[7u8; 32]), None);
    let mut leased = claim.clone();
    leased.review.lease = Some(Lease {
        holder: "ann".into(),
        expire_time: std::time::SystemTime::now() + Duration::from_secs(60),
    });
    memo.remember_claim(&leased);
    assert_eq!(memo.claim(claim.id), None);
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

// Reviewing: the queue, leases, etags, filters and search.

fn principal(name: &str) -> Principal {
    Principal {
        token_id: 1,
        name: name.to_owned(),
        role: Role::Reviewer,
    }
}

/// One article whose claims have these check-worthiness scores; a
/// negative score stores its magnitude on a claim the extractor found
/// uncheckable.
async fn store_with(scores: &[f64]) -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.sqlite")).unwrap();
    store
        .create_articles_bulk(vec![article_with(scores, "")])
        .await
        .unwrap();
    (dir, store)
}

/// An article of one claim per score ("Claim number {idx} about
/// bridges.", then `tail`), checkable unless the score is negative.
pub(super) fn article_with(scores: &[f64], tail: &str) -> NewArticle {
    let mut body = String::new();
    let mut claims = Vec::new();
    for (idx, &signed_score) in scores.iter().enumerate() {
        let sentence = format!("Claim number {idx} about bridges.");
        let start = body.len();
        body.push_str(&sentence);
        claims.push(NewClaim {
            text: sentence.clone(),
            sentence,
            span: Span {
                start,
                end: body.len(),
            },
            speaker: format!("speaker{}", idx % 2),
            checkworthiness: signed_score.abs(),
            details: ClaimDetails {
                checkable: signed_score >= 0.0,
                ..ClaimDetails::default()
            },
        });
        body.push(' ');
    }
    body.push_str(tail);
    NewArticle {
        sha256: crate::hash::sha256(&body),
        body,
        metadata: ArticleMetadata::default(),
        extractor_version: "test".into(),
        claims,
    }
}

#[tokio::test]
async fn a_windowed_search_for_older_claims_ranks_the_newest_of_that_time() {
    // Claims 1–20, then a moment, then claims 21–40, all about bridges.
    let (_dir, store) = store_with(&[0.5; 20]).await;
    let between = prost_types::Timestamp::from(std::time::SystemTime::now()).to_string();
    store
        .create_articles_bulk(vec![article_with(&[0.5; 20], "Later.")])
        .await
        .unwrap();
    let search = |filter: &str| SearchQuery {
        fts: crate::review::search::fts_query("bridges").unwrap(),
        mark_terms: Vec::new(),
        filter: filter::parse(filter).unwrap(),
        after: None,
        limit: 50,
        window: Some(5),
        above: None,
    };
    let ids = |page: &SearchPage| {
        let mut ids: Vec<i64> = page.hits.iter().map(|hit| hit.claim.id.0).collect();
        ids.sort_unstable();
        ids
    };
    // The newest 5 of the claims stored before `between`, not the newest
    // 4 × 5 text matches overall (which are all later).
    let older = store
        .search_claims(search(&format!("create_time <= {between}")))
        .await
        .unwrap();
    assert_eq!(ids(&older), [16, 17, 18, 19, 20]);
    assert_eq!(older.window_floor, Some(ClaimId(15)));
    let newer = store
        .search_claims(search(&format!("create_time > {between}")))
        .await
        .unwrap();
    assert_eq!(ids(&newer), [36, 37, 38, 39, 40]);
    // No claim at all in the time range: nothing, and nothing left out.
    let none = store
        .search_claims(search("create_time < 2000-01-01"))
        .await
        .unwrap();
    assert_eq!(none, SearchPage::default());
}

fn acquire_query(name: &str, lease: Duration) -> AcquireQuery {
    AcquireQuery {
        holder: principal(name),
        filter: Filter::default(),
        lease,
        policy: ReviewPolicy::default(),
        max_leases: rules::DEFAULT_MAX_LEASES,
    }
}

#[tokio::test]
async fn a_reviewer_holds_at_most_max_leases_claims() {
    let (_dir, store) = store_with(&[0.1, 0.2, 0.3, 0.4]).await;
    let lease = Duration::from_secs(60);
    let limited = |name: &str| AcquireQuery {
        max_leases: 2,
        ..acquire_query(name, lease)
    };
    store.acquire_claim(limited("ann")).await.unwrap().unwrap();
    store.acquire_claim(limited("ann")).await.unwrap().unwrap();
    let refused = store.acquire_claim(limited("ann")).await;
    let Err(StoreError::QuotaExceeded(message)) = refused else {
        panic!("a third lease is refused: {refused:?}");
    };
    assert!(message.starts_with("ann already holds 2 claims"), "{message}");
    // Others are not limited by ann's leases; a release frees a place.
    assert_eq!(
        store.acquire_claim(limited("bob")).await.unwrap().unwrap().id,
        ClaimId(2)
    );
    store.release_claim(principal("ann"), ClaimId(4)).await.unwrap();
    assert_eq!(
        store.acquire_claim(limited("ann")).await.unwrap().unwrap().id,
        ClaimId(4)
    );
    // Expired leases do not count.
    let (_dir, store) = store_with(&[0.1, 0.2]).await;
    let brief = AcquireQuery {
        max_leases: 1,
        ..acquire_query("ann", Duration::ZERO)
    };
    store.acquire_claim(brief.clone()).await.unwrap().unwrap();
    store.acquire_claim(brief).await.unwrap().unwrap();
}

#[tokio::test]
async fn the_queue_hands_out_the_most_check_worthy_claim_nobody_holds() {
    let (_dir, store) = store_with(&[0.2, 0.9, 0.5]).await;
    let lease = Duration::from_secs(60);
    let first = store
        .acquire_claim(acquire_query("ann", lease))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, ClaimId(2));
    let second = store
        .acquire_claim(acquire_query("bob", lease))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, ClaimId(3));
    let mut filtered = acquire_query("bob", lease);
    filtered.filter = filter::parse("speaker = speaker0").unwrap();
    let third = store.acquire_claim(filtered).await.unwrap().unwrap();
    assert_eq!(third.id, ClaimId(1));
    assert!(
        store
            .acquire_claim(acquire_query("cy", lease))
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store.release_claim(principal("bob"), ClaimId(2)).await,
        Err(StoreError::WrongState(_))
    ));
    store.release_claim(principal("ann"), ClaimId(2)).await.unwrap();
    let again = store
        .acquire_claim(acquire_query("cy", lease))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, ClaimId(2));
}

#[tokio::test]
async fn uncheckable_claims_are_never_handed_out() {
    // The most check-worthy claim is uncheckable (an opinion, say).
    let (_dir, store) = store_with(&[0.3, -0.95]).await;
    let lease = Duration::from_secs(60);
    let first = store
        .acquire_claim(acquire_query("ann", lease))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, ClaimId(1));
    assert!(
        store
            .acquire_claim(acquire_query("bob", lease))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_stale_etag_changes_nothing() {
    let (_dir, store) = store_with(&[0.5]).await;
    let claim = store.get_claim(ClaimId(1)).await.unwrap();
    let review = |etag: String| NewReview {
        claim_id: ClaimId(1),
        etag,
        verdict: Verdict::False,
        rationale: "No.".into(),
        evidence_urls: vec!["https://example.org/a".into(), "https://example.org/b".into()],
    };
    let (after, stored) = store
        .submit_review(
            principal("ann"),
            review(rules::etag(claim.review.version)),
            ReviewPolicy::default(),
        )
        .await
        .unwrap();
    assert_eq!(after.review.version, claim.review.version + 1);
    assert_eq!(after.status, ClaimStatus::Reviewed);
    let stale = store
        .submit_review(
            principal("bob"),
            review(rules::etag(claim.review.version)),
            ReviewPolicy::default(),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::EtagMismatch(_))));
    let listed = store.list_reviews(ClaimId(1), None, 10).await.unwrap();
    assert_eq!(listed, [stored]);
    assert_eq!(store.get_claim(ClaimId(1)).await.unwrap(), after);
    // The review history cannot be rewritten.
    let audit = store
        .list_audit_events(crate::store::AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "ann");
}

// See: #15. ListReviews reads a page's evidence in one query: each review
// still gets its own URLs, in the order given, on every page.
#[tokio::test]
async fn listed_reviews_each_keep_their_own_evidence_in_order_across_pages() {
    let (_dir, store) = store_with(&[0.5]).await;
    let evidence = [
        vec!["https://example.org/z", "https://example.org/a"],
        vec!["https://example.org/only"],
        vec![
            "https://example.org/c",
            "https://example.org/b",
            "https://example.org/a",
        ],
    ];
    let mut stored = Vec::new();
    for (reviewer, urls) in ["ann", "bob", "cyd"].into_iter().zip(&evidence) {
        let version = store.get_claim(ClaimId(1)).await.unwrap().review.version;
        let (_, review) = store
            .submit_review(
                principal(reviewer),
                NewReview {
                    claim_id: ClaimId(1),
                    etag: rules::etag(version),
                    verdict: Verdict::False,
                    rationale: format!("{reviewer} read the sources."),
                    evidence_urls: urls.iter().map(|url| (*url).to_string()).collect(),
                },
                ReviewPolicy::default(),
            )
            .await
            .unwrap();
        stored.push(review);
    }
    let all = store.list_reviews(ClaimId(1), None, 10).await.unwrap();
    assert_eq!(all, stored);
    let first = store.list_reviews(ClaimId(1), None, 2).await.unwrap();
    assert_eq!(first, stored[..2]);
    let rest = store
        .list_reviews(ClaimId(1), Some(first[1].id), 2)
        .await
        .unwrap();
    assert_eq!(rest, stored[2..]);
    assert_eq!(
        rest[0].evidence_urls,
        [
            "https://example.org/c",
            "https://example.org/b",
            "https://example.org/a"
        ]
    );
}

#[tokio::test]
async fn filters_compile_to_bound_sql_for_the_fields_on_this_schema() {
    let (_dir, store) = store_with(&[0.1, 0.6, 0.7, 0.8]).await;
    let list = |text: &str, order: &str| {
        let query = ClaimListQuery {
            filter: filter::parse(text).unwrap(),
            order: filter::parse_order_by(order).unwrap(),
            after: None,
            limit: 100,
        };
        let store = &store;
        async move {
            store
                .query_claims(query)
                .await
                .unwrap()
                .into_iter()
                .map(|claim| claim.id.0)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("checkworthiness > 0.6", "").await, [3, 4]);
    assert_eq!(
        list("checkworthiness >= 0.6", "checkworthiness desc").await,
        [4, 3, 2]
    );
    assert_eq!(
        list("speaker = speaker1 AND article = articles/1", "").await,
        [2, 4]
    );
    assert_eq!(list("speaker != speaker1", "name desc").await, [3, 1]);
    assert_eq!(
        list("status = UNREVIEWED AND verdict != FALSE", "").await,
        [1, 2, 3, 4]
    );
    assert_eq!(list("verdict = FALSE", "").await, Vec::<i64>::new());
    assert_eq!(
        list("create_time > 2000-01-01 AND create_time < 2999-01-01", "").await,
        [1, 2, 3, 4]
    );
    assert_eq!(list("reviewer = ann", "").await, Vec::<i64>::new());
    assert_eq!(list("reviewer != ann", "").await, [1, 2, 3, 4]);
    // Keyset pages: after (0.7, 3) in checkworthiness order.
    let after = store
        .query_claims(ClaimListQuery {
            filter: Filter::default(),
            order: filter::parse_order_by("checkworthiness").unwrap(),
            after: Some(vec![SortValue::Real(0.7), SortValue::Int(3)]),
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(after.iter().map(|claim| claim.id.0).collect::<Vec<_>>(), [4]);
    // Mixed directions use the expanded keyset condition.
    let mixed = store
        .query_claims(ClaimListQuery {
            filter: Filter::default(),
            order: filter::parse_order_by("checkworthiness desc, create_time asc").unwrap(),
            after: Some(vec![
                SortValue::Real(0.7),
                SortValue::Int(i64::MIN),
                SortValue::Int(0),
            ]),
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(
        mixed.iter().map(|claim| claim.id.0).collect::<Vec<_>>(),
        [3, 2, 1]
    );
}

#[tokio::test]
async fn the_full_text_index_follows_corrections() {
    let (_dir, store) = store_with(&[0.5, 0.6]).await;
    let search = |words: &str| {
        let query = SearchQuery {
            fts: crate::review::search::fts_query(words).unwrap(),
            mark_terms: crate::review::search::mark_terms(words),
            filter: Filter::default(),
            after: None,
            limit: 10,
            window: None,
            above: None,
        };
        let store = &store;
        async move { store.search_claims(query).await.unwrap().hits }
    };
    assert_eq!(search("bridges").await.len(), 2);
    let claim = store.get_claim(ClaimId(2)).await.unwrap();
    let edit = ClaimEdit {
        text: Some("Tunnels cost more.".into()),
        ..ClaimEdit::default()
    };
    store
        .update_claim(
            principal("ann"),
            ClaimId(2),
            rules::etag(claim.review.version),
            edit,
        )
        .await
        .unwrap();
    assert_eq!(search("tunnels").await[0].text_snippet, "**Tunnels** cost more.");
    // The sentence still mentions bridges; the text no longer does.
    let hits = search("bridges").await;
    assert_eq!(hits.len(), 2);
    assert!(
        !hits
            .iter()
            .any(|hit| hit.text_snippet.contains("Tunnels") && hit.text_snippet.contains("**"))
    );
    let listed = store
        .list_claims(ClaimQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed[1].text, "Tunnels cost more.");
}

#[test]
fn migration_indexes_claims_stored_before_it() {
    let mut conn = Connection::open_in_memory().unwrap();
    let migrations = super::migrations::migrations();
    migrations.to_version(&mut conn, 1).unwrap();
    conn.execute_batch(
        "INSERT INTO articles (id, sha256, body, extractor_version, claim_count, create_time) \
         VALUES (1, zeroblob(32), 'Old text.', 'v', 1, 0); \
         INSERT INTO claims (article_id, text, sentence, span_start, span_end, speaker, checkworthiness, \
         extractor_version, status, create_time) VALUES (1, 'Old text.', 'Old text.', 0, 9, 'x', 0.5, 'v', \
         'UNREVIEWED', 0);",
    )
    .unwrap();
    migrations.to_latest(&mut conn).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'old'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    let state: String = conn
        .query_row("SELECT review_state FROM claims", [], |row| row.get(0))
        .unwrap();
    assert_eq!(state, "UNREVIEWED");
}

// See: #14 (metrics).
#[tokio::test]
async fn usage_reports_the_files_and_an_idle_writer() {
    let (_dir, store) = open();
    store
        .create_token("ann".into(), Role::Reader, crate::auth::token_sha256("cdb_usage"))
        .await
        .unwrap();
    let usage = store.usage().await.unwrap();
    assert_eq!(usage.writer_queue_depth, 0);
    assert!(usage.database_bytes >= 4096, "{usage:?}");
    // The token's commit is in the write-ahead log until a checkpoint.
    assert!(usage.wal_bytes > 0, "{usage:?}");
    store.shutdown().await.unwrap();
    assert_eq!(store.usage().await.unwrap().wal_bytes, 0);
}

// See: #16 (`holder` and `leased` read only leases that still hold).
#[tokio::test]
async fn holder_and_leased_filters_skip_expired_leases() {
    let (_dir, store) = store_with(&[0.1, 0.2, 0.3]).await;
    let held = store
        .acquire_claim(acquire_query("ann", Duration::from_secs(60)))
        .await
        .unwrap()
        .unwrap();
    let expired = store
        .acquire_claim(acquire_query("ann", Duration::ZERO))
        .await
        .unwrap()
        .unwrap();
    let ids = async |text: &str| -> Vec<ClaimId> {
        let query = ClaimListQuery {
            filter: filter::parse(text).unwrap(),
            order: filter::parse_order_by("").unwrap(),
            after: None,
            limit: 100,
        };
        let claims = store.query_claims(query).await.unwrap();
        claims.into_iter().map(|claim| claim.id).collect()
    };
    assert_eq!(ids("holder = ann").await, [held.id]);
    assert_eq!(ids("leased = true").await, [held.id]);
    assert_eq!(ids("leased = false").await.len(), 2);
    assert!(ids("leased = false").await.contains(&expired.id));
    assert_eq!(ids("holder != ann").await.len(), 2);
    assert!(ids("holder = bob").await.is_empty());
}

// See: #16 (`claimdb audit` began at the oldest event, with no filters).
#[tokio::test]
async fn audit_events_are_listed_newest_first_and_filtered() {
    let (_dir, store) = store_with(&[0.1, 0.2, 0.3]).await;
    store
        .acquire_claim(acquire_query("ann", Duration::from_secs(60)))
        .await
        .unwrap()
        .unwrap();
    let bobs = store
        .acquire_claim(acquire_query("bob", Duration::from_secs(60)))
        .await
        .unwrap()
        .unwrap();
    let list = async |query: crate::store::AuditQuery| -> Vec<(String, String)> {
        let query = crate::store::AuditQuery { limit: 100, ..query };
        let events = store.list_audit_events(query).await.unwrap();
        events
            .into_iter()
            .map(|event| (event.actor, event.method))
            .collect()
    };
    let oldest_first = list(Default::default()).await;
    let mut newest_first = list(crate::store::AuditQuery {
        newest_first: true,
        ..Default::default()
    })
    .await;
    assert!(oldest_first.len() >= 2);
    newest_first.reverse();
    assert_eq!(newest_first, oldest_first);
    let by_bob = list(crate::store::AuditQuery {
        actor: Some("bob".into()),
        method: Some("AcquireClaim".into()),
        resource: Some(crate::names::claim(bobs.id)),
        ..Default::default()
    })
    .await;
    assert_eq!(by_bob, [("bob".to_owned(), "AcquireClaim".to_owned())]);
    let future = std::time::SystemTime::now() + Duration::from_secs(3600);
    let later = list(crate::store::AuditQuery {
        start_time: Some(future),
        ..Default::default()
    })
    .await;
    assert!(later.is_empty());
    let before = list(crate::store::AuditQuery {
        end_time: Some(future),
        ..Default::default()
    })
    .await;
    assert_eq!(before, oldest_first);
    // Pages newest first: after an id means below it.
    let all = store
        .list_audit_events(crate::store::AuditQuery {
            limit: 100,
            newest_first: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let rest = store
        .list_audit_events(crate::store::AuditQuery {
            limit: 100,
            newest_first: true,
            after: Some(all[0].id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rest, all[1..]);
}

/// Three articles with different provenance, one claim each (claims 1–3).
async fn store_with_provenance() -> (tempfile::TempDir, SqliteStore) {
    let (dir, store) = open();
    let provenance = [
        (
            "2022-01-01",
            "BBC News",
            "REUTERS, AGENCE FRANCE-PRESSE",
            "https://bbc.example/1",
        ),
        ("2022-01-15", "reuters", "", "https://reuters.example/2"),
        ("2022-02-01", "The Times", "AP", "https://times.example/3"),
    ];
    let articles = provenance
        .iter()
        .enumerate()
        .map(|(idx, (date, publisher, credit, url))| {
            let mut article = article_with(&[0.5], &format!("Article {idx}."));
            article.metadata = ArticleMetadata {
                published_date: Some((*date).into()),
                publisher: Some((*publisher).into()),
                credit: (!credit.is_empty()).then(|| (*credit).into()),
                source_url: Some((*url).into()),
                ..ArticleMetadata::default()
            };
            article
        })
        .collect();
    store.create_articles_bulk(articles).await.unwrap();
    (dir, store)
}

// See: #16 (claims could not be filtered by their article, nor articles at all).
#[tokio::test]
async fn article_filters_select_articles_and_their_claims() {
    let (_dir, store) = store_with_provenance().await;
    let articles = |text: &str| {
        let store = &store;
        let filter = filter::parse_article_filter(text).unwrap();
        async move {
            let ids: Vec<i64> = store
                .query_articles(filter, None, 10)
                .await
                .unwrap()
                .iter()
                .map(|article| article.id.0)
                .collect();
            ids
        }
    };
    let claims = |text: &str| {
        let store = &store;
        let filter = filter::parse(text).unwrap();
        async move {
            let query = ClaimListQuery {
                filter,
                order: filter::parse_order_by("").unwrap(),
                after: None,
                limit: 10,
            };
            let ids: Vec<i64> = store
                .query_claims(query)
                .await
                .unwrap()
                .iter()
                .map(|claim| claim.id.0)
                .collect();
            ids
        }
    };
    let cases: &[(&str, &[i64])] = &[
        ("", &[1, 2, 3]),
        ("published_date >= 2022-01-15", &[2, 3]),
        (
            "published_date >= 2022-01-01 AND published_date < 2022-02-01",
            &[1, 2],
        ),
        ("published_date = 2022-01-15", &[2]),
        ("published_date != 2022-01-15", &[1, 3]),
        ("publisher = \"BBC News\"", &[1]),
        // publisher is exact; agency and source in any case.
        ("publisher = 'bbc news'", &[]),
        ("agency = Reuters", &[1]),
        ("agency = 'agence france-presse'", &[1]),
        ("agency = france", &[]),
        ("agency != ap", &[1, 2]),
        ("source = REUTERS", &[1, 2]),
        ("source != reuters", &[3]),
        ("url = 'https://times.example/3'", &[3]),
        ("url != 'https://times.example/3' AND source = reuters", &[1, 2]),
    ];
    for (text, expected) in cases {
        assert_eq!(articles(text).await, *expected, "articles: {text}");
        // Each article has one claim, numbered as the article is.
        assert_eq!(claims(text).await, *expected, "claims: {text}");
    }
    assert_eq!(
        claims("published_date >= 2022-01-15 AND article = articles/3").await,
        [3]
    );
    // Paging after an article.
    let after = store
        .query_articles(
            filter::parse_article_filter("published_date > 2021-12-31").unwrap(),
            Some(ArticleId(1)),
            1,
        )
        .await
        .unwrap();
    assert_eq!(after.iter().map(|article| article.id.0).collect::<Vec<_>>(), [2]);
    // WatchClaims asks the store about the article fields of one claim.
    let filter = filter::parse("source = ap").unwrap();
    assert!(store.claim_matches(ClaimId(3), filter.clone()).await.unwrap());
    assert!(!store.claim_matches(ClaimId(1), filter).await.unwrap());
    // A hostile value is a value: bound, never SQL.
    assert_eq!(articles("publisher = \"x' OR 1=1 --\"").await, Vec::<i64>::new());
    assert_eq!(claims("agency = \"x%' OR '1'='1\"").await, Vec::<i64>::new());
}

/// The query plan of `sql` on a migrated, empty database, one line per step.
fn query_plan(sql: &filter_sql::Sql) -> String {
    let mut conn = Connection::open_in_memory().unwrap();
    migrations::migrations().to_latest(&mut conn).unwrap();
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", sql.text)).unwrap();
    let rows = statement
        .query_map(rusqlite::params_from_iter(sql.params.iter()), |row| {
            row.get::<_, String>(3)
        })
        .unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
}

#[test]
fn article_filters_are_served_by_the_articles_indexes() {
    let cases = [
        (
            "published_date >= 2022-01-01 AND published_date < 2022-02-01",
            "articles_by_published_date",
        ),
        ("publisher = 'BBC News'", "articles_by_publisher"),
        ("url = 'https://example.org/'", "articles_by_source_url"),
    ];
    for (text, index) in cases {
        // A search of the articles along the index, covering or not.
        let uses_index = |plan: &str| {
            plan.lines()
                .any(|step| step.starts_with("SEARCH a USING") && step.contains(&format!("INDEX {index} (")))
        };
        let articles = articles::query_sql(&filter::parse_article_filter(text).unwrap(), None, 50);
        let plan = query_plan(&articles);
        assert!(uses_index(&plan), "articles, {text}:\n{plan}");
        let claims = claims::query_sql(
            &ClaimListQuery {
                filter: filter::parse(text).unwrap(),
                order: filter::parse_order_by("").unwrap(),
                after: None,
                limit: 50,
            },
            filter_sql::ArticleJoin::Gathered,
        )
        .unwrap();
        let plan = query_plan(&claims);
        // The matching articles first, through the index, then their claims.
        assert!(uses_index(&plan), "claims, {text}:\n{plan}");
        assert!(
            plan.contains("SEARCH c USING INDEX claims_by_article"),
            "claims, {text}:\n{plan}"
        );
        assert!(!plan.contains("SCAN a"), "claims, {text}:\n{plan}");
    }
}

// See: #15 (claim embeddings).
#[tokio::test]
async fn embeddings_are_kept_only_for_the_text_they_were_made_from() {
    use crate::model::ClaimEmbedding;
    let (_dir, store) = store_with(&[0.5, 0.6, 0.7]).await;
    let model = || "test-model".to_owned();
    let waiting = store.claims_to_embed(model(), ClaimId(0), 10).await.unwrap();
    assert_eq!(waiting.len(), 3);
    assert_eq!(waiting[0], (ClaimId(1), "Claim number 0 about bridges.".into()));
    let embedding = |id: i64| ClaimEmbedding {
        claim_id: ClaimId(id),
        scale: 0.01,
        vector: (0..384).map(|i| ((i % 200) as i16 - 100) as i8).collect(),
    };
    let stored = store
        .put_embeddings(
            model(),
            vec![
                ("Claim number 0 about bridges.".into(), embedding(1)),
                // Made from a text the claim no longer has: not stored.
                ("An older text.".into(), embedding(2)),
            ],
        )
        .await
        .unwrap();
    assert_eq!(stored, [embedding(1)]);
    let waiting = store.claims_to_embed(model(), ClaimId(0), 10).await.unwrap();
    assert_eq!(waiting.iter().map(|(id, _)| id.0).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(
        store
            .claims_to_embed(model(), ClaimId(2), 10)
            .await
            .unwrap()
            .len(),
        1,
        "paged after an id"
    );
    assert_eq!(
        store.list_embeddings(model(), ClaimId(0), 10).await.unwrap(),
        [embedding(1)]
    );
    // Another model's embedding does not count.
    assert_eq!(
        store
            .claims_to_embed("other".into(), ClaimId(0), 10)
            .await
            .unwrap()
            .len(),
        3
    );
    // Correcting the text drops the embedding; the claim waits again.
    let claim = store.get_claim(ClaimId(1)).await.unwrap();
    let edit = ClaimEdit {
        text: Some("Tunnels cost more.".into()),
        ..ClaimEdit::default()
    };
    store
        .update_claim(
            principal("ann"),
            ClaimId(1),
            rules::etag(claim.review.version),
            edit,
        )
        .await
        .unwrap();
    assert!(
        store
            .list_embeddings(model(), ClaimId(0), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let waiting = store.claims_to_embed(model(), ClaimId(0), 10).await.unwrap();
    assert_eq!(waiting[0], (ClaimId(1), "Tunnels cost more.".into()));
    let found = store.claims_by_id(vec![ClaimId(3), ClaimId(99)]).await.unwrap();
    assert_eq!(found.len(), 1);
}

/// The plan of a ListClaims page: `filter`, `order_by`, after a position
/// when `paged`, the article conditions read as `join` says.
fn list_plan(text: &str, order_by: &str, paged: bool, join: filter_sql::ArticleJoin) -> String {
    let order = filter::parse_order_by(order_by).unwrap();
    let after = paged.then(|| {
        order
            .iter()
            .map(|key| match key.field {
                filter::OrderField::Checkworthiness => filter::SortValue::Real(0.5),
                _ => filter::SortValue::Int(1000),
            })
            .collect()
    });
    let query = ClaimListQuery {
        filter: filter::parse(text).unwrap(),
        order,
        after,
        limit: 51,
    };
    query_plan(&claims::query_sql(&query, join).unwrap())
}

// See: #16. Every ListClaims filter and order the README shows reads its page
// in order through an index: none sorts its matches (`USE TEMP B-TREE`), so
// a page costs its 50 claims, not every match.
#[test]
fn list_pages_are_read_in_order_without_sorting_the_matches() {
    use filter_sql::ArticleJoin::PerClaim;
    let cases = [
        ("", "", "SCAN c"),
        ("", "create_time desc", "claims_by_create_time"),
        ("", "checkworthiness desc", "claims_by_checkworthiness"),
        ("status = UNREVIEWED", "", "claims_by_state"),
        ("status = REVIEWED", "create_time desc", "claims_by_state_time"),
        ("status = UNREVIEWED", "checkworthiness desc", "claims_queue"),
        (
            "status = UNREVIEWED AND checkworthiness >= 0.8",
            "checkworthiness desc",
            "claims_queue",
        ),
        ("speaker = \"Speaker 1\"", "", "claims_by_speaker"),
        (
            "speaker = \"Speaker 1\" AND checkworthiness >= 0.5 AND create_time >= 2020-01-01",
            "create_time desc",
            "claims_by_speaker_time",
        ),
        ("verdict = FALSE", "", "claims_by_verdict"),
        ("kind = STATISTIC AND checkable = true", "", "SCAN c"),
        // Wide article conditions: each claim in order tests its article.
        ("published_date >= 2020-01-01", "", "SCAN c"),
        (
            "publisher = \"BBC News\"",
            "create_time desc",
            "claims_by_create_time",
        ),
        ("agency = reuters", "", "SCAN c"),
        (
            "source = \"associated press\"",
            "checkworthiness desc",
            "claims_by_checkworthiness",
        ),
        (
            "status = UNREVIEWED AND publisher = \"BBC News\"",
            "",
            "claims_by_state",
        ),
    ];
    for (text, order_by, index) in cases {
        for paged in [false, true] {
            let plan = list_plan(text, order_by, paged, PerClaim);
            let what = format!("filter {text:?}, order_by {order_by:?}, paged {paged}:\n{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "sorts: {what}");
            // Claim id order is the table's own: a scan, or a search after
            // the page's position.
            let in_order = if index == "SCAN c" {
                plan.contains("SCAN c") || plan.contains("SEARCH c USING INTEGER PRIMARY KEY")
            } else {
                plan.contains(index)
            };
            assert!(in_order, "not through {index}: {what}");
            assert!(!plan.contains("SCAN a"), "{what}");
            assert!(!plan.contains("SCAN g"), "{what}");
        }
    }
    // An article condition tested per claim looks the article up by its key,
    // and an agency in article_agencies by its key.
    let plan = list_plan("agency = reuters", "", false, PerClaim);
    assert!(
        plan.contains("SEARCH a EXISTS USING INTEGER PRIMARY KEY (rowid=?)"),
        "{plan}"
    );
    assert!(
        plan.contains(
            "SEARCH g EXISTS USING COVERING INDEX article_agencies_by_article (article_id=? AND agency=?)"
        ),
        "{plan}"
    );
}

// See: #16. The counts that choose between gathering and testing per claim
// read a short range of an index, never a table.
#[test]
fn article_counts_are_index_ranges() {
    let cases = [
        ("published_date >= 2020-01-01", "articles_by_published_date"),
        ("publisher = \"BBC News\"", "articles_by_publisher"),
        ("url = \"https://example.org/\"", "articles_by_source_url"),
        ("agency = reuters", "SEARCH g USING PRIMARY KEY (agency=?)"),
        ("source = bbc", "articles_by_publisher_lower"),
        ("source = bbc", "SEARCH g USING PRIMARY KEY (agency=?)"),
    ];
    for (text, index) in cases {
        let filter = filter::parse(text).unwrap();
        let count = filter_sql::article_count_sql(&filter.conditions[0], 700).unwrap();
        let plan = query_plan(&count);
        assert!(plan.contains(index), "{text}: not {index}:\n{plan}");
        assert!(
            !plan.contains("SCAN a\n") && !plan.ends_with("SCAN a"),
            "{text}:\n{plan}"
        );
        assert!(!plan.contains("SCAN g"), "{text}:\n{plan}");
    }
    let filter = filter::parse("publisher != x").unwrap();
    assert!(filter_sql::article_count_sql(&filter.conditions[0], 700).is_none());
    // Gathered, an agency is found through its key too, not by reading every
    // article's credit line.
    let plan = list_plan("agency = reuters", "", false, filter_sql::ArticleJoin::Gathered);
    assert!(plan.contains("SEARCH g USING PRIMARY KEY"), "{plan}");
}

//! SQL for ClaimReview exchange (issue 15): reviewed claims read for export with their latest
//! review and their article's metadata, and claims stored with another fact-checker's review in
//! `external_reviews`.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::claims::{self, COLUMNS};
use super::filter_sql::{Sql, push_filter};
use super::{articles, audit, reviews, time};
use crate::hash;
use crate::model::{
    ArticleId, ArticleMetadata, Claim, ClaimDetails, ClaimId, ClaimStatus, Entity, NewArticle, NewClaim,
    NewExternalClaim, Principal, Span,
};
use crate::names;
use crate::review::claimreview::external_review_key;
use crate::store::{ExternalOutcome, Result, ReviewedClaim, ReviewedClaimQuery};

/// The extractor version an imported claim carries: no extractor made it.
pub const IMPORTED_EXTRACTOR_VERSION: &str = "claimreview-import";

/// Claims with a final verdict of this database's reviewers (imported
/// external reviews have no review here; a verdict waiting for a second
/// reviewer, or disputed, is not published), in id order after
/// `query.after`, each with its latest review and its article's metadata.
pub fn reviewed(conn: &Connection, query: &ReviewedClaimQuery) -> Result<Vec<ReviewedClaim>> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {COLUMNS}, a.title, a.source_url, a.publisher, a.published_date, \
         r.id, r.reviewer, r.verdict, r.rationale, r.create_time \
         FROM claims c JOIN articles a ON a.id = c.article_id \
         JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE claim_id = c.id) \
         WHERE c.verdict IS NOT NULL AND c.verdict_final = 1 AND c.id > ?"
    ));
    sql.bind(SqlValue::Integer(query.after.map_or(0, |id| id.0)));
    if let Some(since) = query.reviewed_since {
        sql.push(" AND r.create_time >= ?");
        sql.bind(SqlValue::Integer(time::to_micros(since)));
    }
    push_filter(&mut sql, &query.filter);
    sql.push(" ORDER BY c.id LIMIT ?");
    sql.bind(SqlValue::Integer(i64::from(query.limit)));
    let n_claim_columns = COLUMNS.split(',').count();
    let mut statement = conn.prepare_cached(&sql.text)?;
    let rows = statement.query_map(params_from_iter(sql.params.iter()), |row| {
        let claim = claims::from_row(row)?;
        let at = n_claim_columns;
        let article = ArticleMetadata {
            title: row.get(at)?,
            source_url: row.get(at + 1)?,
            publisher: row.get(at + 2)?,
            published_date: row.get(at + 3)?,
            ..ArticleMetadata::default()
        };
        let review: reviews::ReviewRow = (
            row.get::<_, i64>(at + 4)?,
            row.get::<_, String>(at + 5)?,
            row.get::<_, String>(at + 6)?,
            row.get::<_, String>(at + 7)?,
            row.get::<_, i64>(at + 8)?,
        );
        Ok((claim, article, review))
    })?;
    let mut found = Vec::new();
    for row in rows {
        found.push(row?);
    }
    let mut claims: Vec<_> = found.iter().map(|(claim, _, _)| claim.clone()).collect();
    claims::attach_children(conn, &mut claims)?;
    let review_ids: Vec<i64> = found.iter().map(|(_, _, review)| review.0).collect();
    let mut evidence = reviews::evidence_by_review(conn, &review_ids)?;
    let mut reviewed = Vec::with_capacity(found.len());
    for (claim, (_, article, review)) in claims.into_iter().zip(found) {
        let evidence_urls = evidence.remove(&review.0).unwrap_or_default();
        reviewed.push(ReviewedClaim {
            review: reviews::review_with_evidence(claim.id, review, evidence_urls)?,
            claim,
            article,
        });
    }
    Ok(reviewed)
}

/// Stores claims with external reviews in one transaction, each under its
/// own savepoint (one that fails rolls back alone). A review stored already
/// (the same URL, or without one the same publisher and claim text), or
/// earlier in the batch, is not stored again. Each created claim is audited
/// as `actor`'s in its savepoint.
pub fn import(
    conn: &mut Connection,
    batch: &[NewExternalClaim],
    actor: &Principal,
) -> Result<Vec<Result<ExternalOutcome>>> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let mut outcomes = Vec::with_capacity(batch.len());
    for new in batch {
        let key = external_review_key(&new.review.publisher, &new.text);
        if let Some(claim) = find(&tx, new.review.url.as_deref(), &key)? {
            outcomes.push(Ok(ExternalOutcome { claim, created: None }));
            continue;
        }
        tx.prepare_cached("SAVEPOINT external_review")?.execute([])?;
        match insert(&tx, new, &key, now, actor) {
            Ok(claim) => {
                tx.prepare_cached("RELEASE external_review")?.execute([])?;
                outcomes.push(Ok(ExternalOutcome {
                    claim: claim.id,
                    created: Some(claim),
                }));
            }
            Err(err) => {
                // As in `articles::create_batch`: SQLite may have rolled the
                // whole transaction back itself.
                if tx.is_autocommit() {
                    return Err(err);
                }
                tx.execute_batch("ROLLBACK TO external_review; RELEASE external_review")?;
                tracing::warn!("an external review was not stored: {err}");
                outcomes.push(Err(err));
            }
        }
    }
    tx.commit()?;
    Ok(outcomes)
}

/// The claim already holding this review, if any.
fn find(tx: &Transaction<'_>, url: Option<&str>, key: &str) -> Result<Option<ClaimId>> {
    let found = match url {
        Some(url) => tx
            .prepare_cached("SELECT claim_id FROM external_reviews WHERE url = ?1")?
            .query_row([url], |row| row.get(0))
            .optional()?,
        None => tx
            .prepare_cached("SELECT claim_id FROM external_reviews WHERE review_key = ?1 AND url IS NULL")?
            .query_row([key], |row| row.get(0))
            .optional()?,
    };
    Ok(found.map(ClaimId))
}

/// Stores one claim with its external review: the claim's text is its own
/// article's body (shared by every review of the same text), its verdict
/// the mapped one, final at once since no reviewer here is asked.
fn insert(
    tx: &Transaction<'_>,
    new: &NewExternalClaim,
    key: &str,
    now: i64,
    actor: &Principal,
) -> Result<Claim> {
    let claim = NewClaim {
        text: new.text.clone(),
        sentence: new.text.clone(),
        span: Span {
            start: 0,
            end: new.text.len(),
        },
        speaker: new.speaker.clone(),
        // Another fact-checker found it worth checking.
        checkworthiness: 1.0,
        details: ClaimDetails {
            content: new.text.clone(),
            entities: new
                .speaker_kind
                .filter(|_| !new.speaker.is_empty())
                .map(|kind| Entity {
                    name: new.speaker.clone(),
                    kind,
                })
                .into_iter()
                .collect(),
            ..ClaimDetails::default()
        },
    };
    let sha256 = hash::sha256(&new.text);
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM articles WHERE sha256 = ?1")?
        .query_row([&sha256[..]], |row| row.get(0))
        .optional()?;
    let claim_id = match existing {
        Some(article_id) => {
            let stored = claims::insert_all(
                tx,
                ArticleId(article_id),
                IMPORTED_EXTRACTOR_VERSION,
                now,
                &[claim],
            )?;
            tx.prepare_cached("UPDATE articles SET claim_count = claim_count + 1 WHERE id = ?1")?
                .execute([article_id])?;
            stored[0].id
        }
        None => {
            let article = NewArticle {
                body: new.text.clone(),
                sha256,
                metadata: ArticleMetadata {
                    title: new.appearance_headline.clone(),
                    source_url: new.appearance_url.clone(),
                    published_date: new.claim_date.clone(),
                    ..ArticleMetadata::default()
                },
                extractor_version: IMPORTED_EXTRACTOR_VERSION.to_owned(),
                claims: vec![claim],
            };
            let (_, stored) = articles::insert(tx, &article, now)?;
            stored[0].id
        }
    };
    let review = &new.review;
    tx.prepare_cached(
        "UPDATE claims SET review_state = ?1, status = ?1, verdict = ?2, verdict_final = 1 WHERE id = ?3",
    )?
    .execute(params![
        ClaimStatus::Reviewed.as_str(),
        review.verdict.as_str(),
        claim_id.0
    ])?;
    tx.prepare_cached(
        "INSERT INTO external_reviews (claim_id, publisher, publisher_url, url, review_key, review_date, \
         rating, verdict, create_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        claim_id.0,
        review.publisher,
        review.publisher_url,
        review.url,
        key,
        review.date,
        review.rating,
        review.verdict.as_str(),
        now
    ])?;
    audit::record(
        tx,
        actor,
        "ImportClaimReviews",
        &names::claim(claim_id),
        &format!(
            "external review by {}: {:?} → {}",
            review.publisher, review.rating, review.verdict
        ),
    )?;
    claims::get(tx, claim_id)
}

#[cfg(test)]
mod tests {
    use crate::model::{ClaimId, NewReview, Principal, Role, Verdict};
    use crate::review::rules::{self, ReviewPolicy};
    use crate::store::sqlite::tests::article_with;
    use crate::store::test_support::BulkLoad;
    use crate::store::{ReviewedClaimQuery, SqliteStore, Store};

    fn evidence(claim: i64, n_urls: usize) -> Vec<String> {
        // Stored order is not the URLs' sort order, so an order by URL (or
        // by anything but `idx`) shows.
        (0..n_urls)
            .map(|url_idx| format!("https://evidence.example/{claim}/{}", n_urls - url_idx))
            .collect()
    }

    // See: #15 (the export read each review's evidence with a query of its
    // own; a page's evidence is now one query, and must still land on the
    // right review in the right order).
    #[tokio::test]
    async fn a_page_of_reviews_gets_each_reviews_own_evidence_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.sqlite")).unwrap();
        store
            .create_articles_bulk(vec![article_with(&[0.5; 6], "")])
            .await
            .unwrap();
        let ann = Principal {
            token_id: 1,
            name: "ann".into(),
            role: Role::Reviewer,
        };
        // Review ids interleave claim ids, and claims 4 and 6 have an
        // earlier review whose evidence must not be published.
        let submissions = [(4, 2), (1, 3), (2, 0), (6, 1), (4, 1), (3, 1), (5, 4), (6, 0)];
        for (claim, n_urls) in submissions {
            let version = store.get_claim(ClaimId(claim)).await.unwrap().review.version;
            store
                .submit_review(
                    ann.clone(),
                    NewReview {
                        claim_id: ClaimId(claim),
                        etag: rules::etag(version),
                        verdict: Verdict::False,
                        rationale: format!("Review {version} of claim {claim}."),
                        evidence_urls: evidence(claim, n_urls),
                    },
                    ReviewPolicy::default(),
                )
                .await
                .unwrap();
        }
        let latest_n_urls = [(1, 3), (2, 0), (3, 1), (4, 1), (5, 4), (6, 0)];

        // Two pages, so both a full page and the rest are read.
        let mut exported = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_reviewed_claims(ReviewedClaimQuery {
                    after,
                    limit: 4,
                    ..ReviewedClaimQuery::default()
                })
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.claim.id);
            exported.extend(page);
        }
        assert_eq!(exported.len(), latest_n_urls.len());
        for (item, (claim, n_urls)) in exported.iter().zip(latest_n_urls) {
            assert_eq!(item.claim.id, ClaimId(claim));
            assert_eq!(item.review.claim_id, ClaimId(claim));
            assert_eq!(
                item.review.evidence_urls,
                evidence(claim, n_urls),
                "claim {claim}"
            );
            // The same review, evidence and all, as the claim's history reads it.
            let history = store.list_reviews(ClaimId(claim), None, 10).await.unwrap();
            assert_eq!(history.last(), Some(&item.review), "claim {claim}");
        }
    }
}

//! SQL for the `reviews` and `review_evidence` tables: verdicts, stored when the claim's etag is
//! current, and each claim's review history.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, params};

use super::claims::{self, check_etag};
use super::{audit, queue, time};
use crate::model::{Claim, ClaimId, ClaimStatus, NewReview, Principal, Review, ReviewId, Verdict};
use crate::names;
use crate::review::rules::{self, Judgement, ReviewPolicy};
use crate::store::{Result, StoreError};

fn history(tx: &Transaction<'_>, id: ClaimId) -> Result<Vec<(String, Verdict)>> {
    let mut statement =
        tx.prepare_cached("SELECT reviewer, verdict FROM reviews WHERE claim_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([id.0], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut history = Vec::new();
    for row in rows {
        let (reviewer, verdict) = row?;
        let verdict = verdict
            .parse::<Verdict>()
            .map_err(|err| StoreError::Corrupt(format!("review of {}: {err}", names::claim(id))))?;
        history.push((reviewer, verdict));
    }
    Ok(history)
}

pub fn judgements(history: &[(String, Verdict)]) -> Vec<Judgement<'_>> {
    history
        .iter()
        .map(|(reviewer, verdict)| Judgement {
            reviewer,
            verdict: *verdict,
        })
        .collect()
}

/// Stores a review if `review.etag` is the claim's current etag and nobody
/// else holds the claim, and sets the claim's state from its history.
pub fn submit(
    conn: &mut Connection,
    reviewer: &Principal,
    review: &NewReview,
    policy: ReviewPolicy,
) -> Result<(Claim, Review)> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let claim = claims::get(&tx, review.claim_id)?;
    check_etag(&claim, &review.etag)?;
    if let Some(holder) = queue::held_by_other(&claim, &reviewer.name, now) {
        return Err(StoreError::HeldByOther(format!(
            "{} is leased to {holder}",
            names::claim(claim.id)
        )));
    }
    tx.prepare_cached(
        "INSERT INTO reviews (claim_id, reviewer, token_id, verdict, rationale, create_time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        claim.id.0,
        reviewer.name,
        reviewer.token_id,
        review.verdict.as_str(),
        review.rationale,
        now
    ])?;
    let review_id = ReviewId(tx.last_insert_rowid());
    {
        let mut insert =
            tx.prepare_cached("INSERT INTO review_evidence (review_id, idx, url) VALUES (?1, ?2, ?3)")?;
        for (idx, url) in review.evidence_urls.iter().enumerate() {
            insert.execute(params![review_id.0, idx as i64, url])?;
        }
    }
    let history = history(&tx, claim.id)?;
    let outcome = rules::outcome(&judgements(&history), policy);
    let legacy_status = if outcome.status == ClaimStatus::Unreviewed {
        "UNREVIEWED"
    } else {
        "REVIEWED"
    };
    tx.prepare_cached(
        "UPDATE claims SET review_state = ?1, status = ?2, verdict = ?3, verdict_final = ?4, \
         last_reviewer = ?5, version = version + 1, lease_holder = NULL, lease_expire_time = NULL, \
         update_time = ?6 WHERE id = ?7",
    )?
    .execute(params![
        outcome.status.as_str(),
        legacy_status,
        outcome.verdict.map(Verdict::as_str),
        outcome.verdict_final,
        reviewer.name,
        now,
        claim.id.0
    ])?;
    audit::record(
        &tx,
        reviewer,
        "SubmitReview",
        &names::claim(claim.id),
        &format!(
            "verdict {} → claim {}{}",
            review.verdict,
            outcome.status.as_str(),
            if outcome.verdict_final { ", final" } else { "" }
        ),
    )?;
    let claim = claims::get(&tx, claim.id)?;
    tx.commit()?;
    let stored = Review {
        id: review_id,
        claim_id: claim.id,
        reviewer: reviewer.name.clone(),
        verdict: review.verdict,
        rationale: review.rationale.clone(),
        evidence_urls: review.evidence_urls.clone(),
        create_time: time::from_micros(now),
    };
    Ok((claim, stored))
}

/// A claim's reviews, oldest first, after `after`.
pub fn list_reviews(
    conn: &Connection,
    id: ClaimId,
    after: Option<ReviewId>,
    limit: u32,
) -> Result<Vec<Review>> {
    claims::get(conn, id)?;
    let mut statement = conn.prepare_cached(
        "SELECT id, reviewer, verdict, rationale, create_time FROM reviews \
         WHERE claim_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = statement.query_map(params![id.0, after.map_or(0, |after| after.0), limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
        ))
    })?;
    let rows = rows.collect::<rusqlite::Result<Vec<ReviewRow>>>()?;
    // One query for the page's evidence, not one per review.
    let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
    let mut evidence = evidence_by_review(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let urls = evidence.remove(&row.0).unwrap_or_default();
            review_with_evidence(id, row, urls)
        })
        .collect()
}

/// A review row's columns: id, reviewer, verdict, rationale, create_time.
pub type ReviewRow = (i64, String, String, String, i64);

/// Reads the evidence URLs of a page of reviews in one query (issue 15: one
/// query per review made the export 5–7 times a plain listing; ListReviews
/// reads its pages the same way), each
/// review's in its stored order. A review without evidence has no entry.
/// The ids are bound as one JSON array, so the statement is the same for
/// every page and stays cached.
pub fn evidence_by_review(conn: &Connection, review_ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
    let mut evidence: HashMap<i64, Vec<String>> = HashMap::new();
    if review_ids.is_empty() {
        return Ok(evidence);
    }
    let mut statement = conn.prepare_cached(
        "SELECT review_id, url FROM review_evidence \
         WHERE review_id IN (SELECT value FROM json_each(?1)) ORDER BY review_id, idx",
    )?;
    let mut rows = statement.query([format!("{review_ids:?}")])?;
    while let Some(row) = rows.next()? {
        evidence.entry(row.get(0)?).or_default().push(row.get(1)?);
    }
    Ok(evidence)
}

/// A review of claim `claim_id` from its row and its evidence URLs, in order.
pub fn review_with_evidence(
    claim_id: ClaimId,
    (review_id, reviewer, verdict, rationale, create_time): ReviewRow,
    evidence_urls: Vec<String>,
) -> Result<Review> {
    let verdict = verdict
        .parse::<Verdict>()
        .map_err(|err| StoreError::Corrupt(format!("review {review_id}: {err}")))?;
    Ok(Review {
        id: ReviewId(review_id),
        claim_id,
        reviewer,
        verdict,
        rationale,
        evidence_urls,
        create_time: time::from_micros(create_time),
    })
}

//! Review statistics: the queue's counts, each reviewer's throughput and the verdict pairs that
//! agreement is computed from.

use std::collections::HashMap;
use std::time::Duration;

use rusqlite::Connection;

use super::{reviews, time};
use crate::model::{ClaimId, Verdict};
use crate::names;
use crate::review::rules;
use crate::store::{QueueCounts, Result, ReviewStats, ReviewerCount, StoreError};

/// How many claims stand where in review.
pub fn queue(conn: &Connection) -> Result<QueueCounts> {
    let now = time::now_micros();
    let count = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> Result<u64> {
        let n: i64 = conn.prepare_cached(sql)?.query_row(params, |row| row.get(0))?;
        Ok(n.unsigned_abs())
    };
    Ok(QueueCounts {
        unreviewed: count(
            "SELECT count(*) FROM claims WHERE review_state = 'UNREVIEWED'",
            &[],
        )?,
        leased: count(
            "SELECT count(*) FROM claims WHERE lease_expire_time > ?1",
            &[&now],
        )?,
        awaiting_second: count(
            "SELECT count(*) FROM claims WHERE review_state = 'REVIEWED' AND verdict_final = 0",
            &[],
        )?,
        disputed: count("SELECT count(*) FROM claims WHERE review_state = 'DISPUTED'", &[])?,
        // An imported claim's verdict is its publisher's, not a review of
        // this database's, unless someone here reviewed it too.
        final_verdicts: count(
            "SELECT count(*) FROM claims c WHERE c.verdict_final = 1 \
             AND EXISTS (SELECT 1 FROM reviews r WHERE r.claim_id = c.id)",
            &[],
        )?,
        imported: count("SELECT count(*) FROM external_reviews", &[])?,
    })
}

/// The queue, throughput per reviewer and the verdict pairs of claims two
/// reviewers judged.
pub fn stats(conn: &Connection, throughput_window: Duration) -> Result<ReviewStats> {
    let now = time::now_micros();
    let queue = queue(conn)?;
    let since = now.saturating_sub(i64::try_from(throughput_window.as_micros()).unwrap_or(i64::MAX));
    let mut statement = conn.prepare_cached(
        "SELECT reviewer, count(*), sum(create_time >= ?1), max(create_time) FROM reviews \
         GROUP BY reviewer ORDER BY count(*) DESC, reviewer",
    )?;
    let reviewers = statement
        .query_map([since], |row| {
            Ok(ReviewerCount {
                reviewer: row.get(0)?,
                reviews: row.get::<_, i64>(1)?.unsigned_abs(),
                recent_reviews: row.get::<_, i64>(2)?.unsigned_abs(),
                last_review_time: time::from_micros(row.get(3)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut statement = conn.prepare_cached(
        "SELECT claim_id, reviewer, verdict FROM reviews WHERE claim_id IN \
         (SELECT claim_id FROM reviews GROUP BY claim_id HAVING count(DISTINCT reviewer) >= 2) \
         ORDER BY claim_id, id",
    )?;
    let mut by_claim: HashMap<i64, Vec<(String, Verdict)>> = HashMap::new();
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (claim_id, reviewer, verdict) = row?;
        let verdict = verdict.parse::<Verdict>().map_err(|err| {
            StoreError::Corrupt(format!("review of {}: {err}", names::claim(ClaimId(claim_id))))
        })?;
        by_claim.entry(claim_id).or_default().push((reviewer, verdict));
    }
    let mut claim_ids: Vec<i64> = by_claim.keys().copied().collect();
    claim_ids.sort_unstable();
    let verdict_pairs = claim_ids
        .iter()
        .filter_map(|id| rules::first_two_opinions(&reviews::judgements(&by_claim[id])))
        .collect();
    Ok(ReviewStats {
        queue,
        reviewers,
        verdict_pairs,
    })
}

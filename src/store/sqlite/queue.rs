//! The review queue: leases on claims, handed out most check-worthy first, and given back.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::claims;
use super::filter_sql::{CHECKABLE_CONDITION, Sql, push_filter};
use super::{audit, time};
use crate::model::{Claim, ClaimId, Principal};
use crate::names;
use crate::store::{AcquireQuery, Result, StoreError};

/// Hands `query.holder` the most check-worthy claim in the queue that
/// matches the filter and nobody holds, leased until `now + lease`; `None`
/// when there is none. One transaction on the single writer, so two
/// callers can never be handed the same claim.
pub fn acquire(conn: &mut Connection, query: &AcquireQuery) -> Result<Option<Claim>> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let held: i64 = tx
        .prepare_cached("SELECT count(*) FROM claims WHERE lease_holder = ?1 AND lease_expire_time > ?2")?
        .query_row(params![query.holder.name, now], |row| row.get(0))?;
    if held >= i64::from(query.max_leases) {
        return Err(StoreError::QuotaExceeded(format!(
            "{} already holds {held} claims, the most a reviewer may hold at once \
             (claimdb serve --max-leases); review or release one first",
            query.holder.name
        )));
    }
    let mut sql = Sql::default();
    sql.push("SELECT c.id FROM claims c WHERE (c.lease_expire_time IS NULL OR c.lease_expire_time <= ?)");
    sql.bind(SqlValue::Integer(now));
    if query.policy.second_review {
        // Also claims waiting for a second opinion, or disputed, from
        // someone other than whoever judged them last.
        sql.push(" AND (c.review_state = 'UNREVIEWED' OR (c.verdict_final = 0 AND c.last_reviewer != ?))");
        sql.bind(SqlValue::Text(query.holder.name.clone()));
    } else {
        sql.push(" AND c.review_state = 'UNREVIEWED'");
    }
    sql.push(CHECKABLE_CONDITION);
    push_filter(&mut sql, &query.filter);
    sql.push(" ORDER BY c.checkworthiness DESC, c.id DESC LIMIT 1");
    let id: Option<i64> = tx
        .prepare_cached(&sql.text)?
        .query_row(params_from_iter(sql.params.iter()), |row| row.get(0))
        .optional()?;
    let Some(id) = id else {
        return Ok(None);
    };
    let expire = now.saturating_add(i64::try_from(query.lease.as_micros()).unwrap_or(i64::MAX));
    tx.prepare_cached("UPDATE claims SET lease_holder = ?1, lease_expire_time = ?2 WHERE id = ?3")?
        .execute(params![query.holder.name, expire, id])?;
    audit::record(
        &tx,
        &query.holder,
        "AcquireClaim",
        &names::claim(ClaimId(id)),
        &format!("leased for {} s", query.lease.as_secs()),
    )?;
    let claim = claims::get(&tx, ClaimId(id))?;
    tx.commit()?;
    Ok(Some(claim))
}

/// Whether someone other than `name` holds `claim` now.
pub fn held_by_other(claim: &Claim, name: &str, now: i64) -> Option<String> {
    claim
        .review
        .lease
        .as_ref()
        .filter(|lease| time::to_micros(lease.expire_time) > now && lease.holder != name)
        .map(|lease| lease.holder.clone())
}

/// Gives a claim back before its lease ends. Only its holder may.
pub fn release(conn: &mut Connection, holder: &Principal, id: ClaimId) -> Result<Claim> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let claim = claims::get(&tx, id)?;
    let held = claim
        .review
        .lease
        .as_ref()
        .is_some_and(|lease| lease.holder == holder.name && time::to_micros(lease.expire_time) > now);
    if !held {
        return Err(StoreError::WrongState(format!(
            "{} is not leased to {}",
            names::claim(id),
            holder.name
        )));
    }
    tx.prepare_cached("UPDATE claims SET lease_holder = NULL, lease_expire_time = NULL WHERE id = ?1")?
        .execute([id.0])?;
    audit::record(&tx, holder, "ReleaseClaim", &names::claim(id), "")?;
    let claim = claims::get(&tx, id)?;
    tx.commit()?;
    Ok(claim)
}

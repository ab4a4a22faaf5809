//! SQL for the `claim_history` table: corrections to a claim, made when its etag is current, with
//! the old values kept.

use rusqlite::{Connection, params};

use super::claims::{self, check_etag};
use super::{audit, queue, reviews, time};
use crate::model::{Claim, ClaimId, ClaimKind, Principal};
use crate::names;
use crate::store::{ClaimChange, ClaimEdit, ClaimHistory, Result, StoreError};

/// Corrects a claim's text or speaker if `etag` is current, keeping the
/// earlier values in `claim_history`.
pub fn update(
    conn: &mut Connection,
    editor: &Principal,
    id: ClaimId,
    etag: &str,
    edit: &ClaimEdit,
) -> Result<Claim> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let claim = claims::get(&tx, id)?;
    check_etag(&claim, etag)?;
    if let Some(holder) = queue::held_by_other(&claim, &editor.name, now) {
        return Err(StoreError::HeldByOther(format!(
            "{} is leased to {holder}",
            names::claim(id)
        )));
    }
    let bool_name = |value: bool| if value { "true" } else { "false" };
    let changes: Vec<(&str, &str, &str)> = [
        ("text", claim.text.as_str(), edit.text.as_deref()),
        ("speaker", claim.speaker.as_str(), edit.speaker.as_deref()),
        (
            "kind",
            claim.details.kind.as_str(),
            edit.kind.map(ClaimKind::as_str),
        ),
        (
            "checkable",
            bool_name(claim.details.checkable),
            edit.checkable.map(bool_name),
        ),
    ]
    .into_iter()
    .filter_map(|(field, old, new)| new.filter(|new| *new != old).map(|new| (field, old, new)))
    .collect();
    if changes.is_empty() {
        return Ok(claim);
    }
    let mut details = Vec::new();
    for (field, old, new) in &changes {
        tx.prepare_cached(
            "INSERT INTO claim_history (claim_id, version, field, old_value, new_value, editor, create_time) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id.0,
            claim.review.version,
            field,
            old,
            new,
            editor.name,
            now
        ])?;
        details.push(format!("{field}: {old:?} → {new:?}"));
    }
    tx.prepare_cached(
        "UPDATE claims SET text = ?1, speaker = ?2, kind = ?3, checkable = ?4, \
         version = version + 1, update_time = ?5 WHERE id = ?6",
    )?
    .execute(params![
        edit.text.as_deref().unwrap_or(&claim.text),
        edit.speaker.as_deref().unwrap_or(&claim.speaker),
        edit.kind.unwrap_or(claim.details.kind).as_str(),
        edit.checkable.unwrap_or(claim.details.checkable),
        now,
        id.0
    ])?;
    if edit.text.as_deref().is_some_and(|text| text != claim.text) {
        // The embedding was of the old text: the background embedder makes a new one.
        tx.prepare_cached("DELETE FROM claim_embeddings WHERE claim_id = ?1")?
            .execute([id.0])?;
    }
    audit::record(&tx, editor, "UpdateClaim", &names::claim(id), &details.join("; "))?;
    let claim = claims::get(&tx, id)?;
    tx.commit()?;
    Ok(claim)
}

/// A claim with its corrections and reviews, oldest first, from one snapshot.
pub fn claim_history(conn: &Connection, id: ClaimId) -> Result<ClaimHistory> {
    let snapshot = conn.unchecked_transaction()?;
    let claim = claims::get(&snapshot, id)?;
    let changes = snapshot
        .prepare_cached(
            "SELECT version, field, old_value, new_value, editor, create_time FROM claim_history \
             WHERE claim_id = ?1 ORDER BY id",
        )?
        .query_map([id.0], |row| {
            Ok(ClaimChange {
                version: row.get(0)?,
                field: row.get(1)?,
                old_value: row.get(2)?,
                new_value: row.get(3)?,
                editor: row.get(4)?,
                create_time: time::from_micros(row.get(5)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let reviews = reviews::list_reviews(&snapshot, id, None, u32::MAX)?;
    snapshot.finish()?;
    Ok(ClaimHistory {
        claim,
        changes,
        reviews,
    })
}

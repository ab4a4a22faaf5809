//! SQL for the `audit_events` table: every write records who made it, in the write's own transaction.

use rusqlite::{Connection, Transaction, params};

use super::time;
use crate::model::Principal;
use crate::store::{AuditEvent, Result};

/// Records one write in the audit log, inside the write's transaction.
pub fn record(
    tx: &Transaction<'_>,
    actor: &Principal,
    method: &str,
    resource: &str,
    details: &str,
) -> Result<()> {
    insert(tx, &actor.name, Some(actor.token_id), method, resource, details)
}

/// Records a write made without a token (on the server's machine, e.g.
/// `claimdb token create`), with `actor` naming where it came from.
pub fn record_local(
    tx: &Transaction<'_>,
    actor: &str,
    method: &str,
    resource: &str,
    details: &str,
) -> Result<()> {
    insert(tx, actor, None, method, resource, details)
}

fn insert(
    tx: &Transaction<'_>,
    actor: &str,
    token_id: Option<i64>,
    method: &str,
    resource: &str,
    details: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_events (create_time, actor, token_id, method, resource, details) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        time::now_micros(),
        actor,
        token_id,
        method,
        resource,
        details
    ])?;
    Ok(())
}

/// Audit events, oldest first, after `after`.
pub fn list(conn: &Connection, after: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, create_time, actor, method, resource, details FROM audit_events \
         WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = statement.query_map(params![after.unwrap_or(0), limit], |row| {
        Ok(AuditEvent {
            id: row.get(0)?,
            create_time: time::from_micros(row.get(1)?),
            actor: row.get(2)?,
            method: row.get(3)?,
            resource: row.get(4)?,
            details: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

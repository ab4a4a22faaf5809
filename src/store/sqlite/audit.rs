//! SQL for the `audit_events` table: every write records who made it, in the write's own transaction.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Transaction, params, params_from_iter};

use super::filter_sql::Sql;
use super::time;
use crate::model::Principal;
use crate::store::{AuditEvent, AuditQuery, Result};

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

/// Audit events in id order (newest first when asked), after `query.after`
/// in that order, matching its filters; every value a bound parameter. The
/// primary key serves the order; the filters are tested along it.
pub fn list(conn: &Connection, query: &AuditQuery) -> Result<Vec<AuditEvent>> {
    let mut sql = Sql::default();
    sql.push("SELECT id, create_time, actor, method, resource, details FROM audit_events WHERE 1");
    if let Some(after) = query.after {
        sql.push(if query.newest_first {
            " AND id < ?"
        } else {
            " AND id > ?"
        });
        sql.bind(SqlValue::Integer(after));
    }
    for (column, value) in [
        ("actor", &query.actor),
        ("method", &query.method),
        ("resource", &query.resource),
    ] {
        if let Some(value) = value {
            sql.push(&format!(" AND {column} = ?"));
            sql.bind(SqlValue::Text(value.clone()));
        }
    }
    if let Some(start) = query.start_time {
        sql.push(" AND create_time >= ?");
        sql.bind(SqlValue::Integer(time::to_micros(start)));
    }
    if let Some(end) = query.end_time {
        sql.push(" AND create_time < ?");
        sql.bind(SqlValue::Integer(time::to_micros(end)));
    }
    sql.push(if query.newest_first {
        " ORDER BY id DESC"
    } else {
        " ORDER BY id"
    });
    sql.push(" LIMIT ?");
    sql.bind(SqlValue::Integer(i64::from(query.limit)));
    let mut statement = conn.prepare_cached(&sql.text)?;
    let rows = statement.query_map(params_from_iter(sql.params.iter()), |row| {
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

//! SQL for the `settings` table: server-wide values that must survive restarts.

use rusqlite::{Connection, OptionalExtension, params};

use crate::store::{Result, StoreError};

/// Returns the secret stored under `key`, storing `fresh` first if there is none.
pub fn secret_or_insert(conn: &mut Connection, key: &str, fresh: [u8; 32]) -> Result<[u8; 32]> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        params![key, fresh],
    )?;
    let value: Option<Vec<u8>> = tx
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?;
    tx.commit()?;
    value
        .and_then(|value| <[u8; 32]>::try_from(value).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("setting {key:?} is not a 32-byte secret")))
}

//! SQL for the `tokens` table: API tokens, kept only as SHA-256 hashes.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, TokenInfo, reviews, time};
use crate::model::{Principal, Role};

pub fn find(conn: &Connection, token_sha256: &[u8; 32]) -> Result<Option<Principal>> {
    let row = conn
        .prepare_cached("SELECT id, name, role FROM tokens WHERE token_sha256 = ?1")?
        .query_row([token_sha256], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .optional()?;
    row.map(|(token_id, name, role)| {
        let role = role
            .parse::<Role>()
            .map_err(|err| StoreError::Corrupt(format!("token {token_id}: {err}")))?;
        Ok(Principal { token_id, name, role })
    })
    .transpose()
}

pub fn create(conn: &mut Connection, name: &str, role: Role, token_sha256: &[u8; 32]) -> Result<TokenInfo> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO tokens (name, role, token_sha256, create_time) VALUES (?1, ?2, ?3, ?4)",
        params![name, role.as_str(), token_sha256, time::now_micros()],
    )?;
    let id = tx.last_insert_rowid();
    reviews::audit_local(
        &tx,
        "local",
        "CreateToken",
        &format!("tokens/{id}"),
        &format!("{} token for {name:?}", role.as_str()),
    )?;
    tx.commit()?;
    Ok(TokenInfo {
        id,
        name: name.to_owned(),
        role,
    })
}

pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM tokens", [], |row| row.get(0))?;
    Ok(n.unsigned_abs())
}

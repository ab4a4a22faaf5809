//! SQL for the `tokens` table: API tokens, kept only as SHA-256 hashes.

use rusqlite::{Connection, OptionalExtension, params};

use super::{audit, time};
use crate::model::{Principal, Role};
use crate::names;
use crate::store::{Result, StoreError, TokenInfo};

pub fn find(conn: &Connection, token_sha256: &[u8; 32]) -> Result<Option<Principal>> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_sha256 = ?1 AND revoke_time IS NULL"
        ))?
        .query_row([token_sha256], from_row)
        .optional()?;
    row.map(|row| {
        let token = info(row)?;
        Ok(Principal {
            token_id: token.id,
            name: token.name,
            role: token.role,
        })
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
    audit::record_local(
        &tx,
        "local",
        "CreateToken",
        &names::token(id),
        &format!("{} token for {name:?}", role.as_str()),
    )?;
    let info = get(&tx, id)?;
    tx.commit()?;
    Ok(info)
}

const TOKEN_COLUMNS: &str = "id, name, role, create_time, revoke_time";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, i64, Option<i64>)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
}

fn info(
    (id, name, role, create_time, revoke_time): (i64, String, String, i64, Option<i64>),
) -> Result<TokenInfo> {
    let role = role
        .parse::<Role>()
        .map_err(|err| StoreError::Corrupt(format!("token {id}: {err}")))?;
    Ok(TokenInfo {
        id,
        name,
        role,
        create_time: time::from_micros(create_time),
        revoke_time: revoke_time.map(time::from_micros),
    })
}

fn get(conn: &Connection, id: i64) -> Result<TokenInfo> {
    let row = conn
        .prepare_cached(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(names::token(id)))?;
    info(row)
}

pub fn list(conn: &Connection) -> Result<Vec<TokenInfo>> {
    conn.prepare_cached(&format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY id"))?
        .query_map([], from_row)?
        .map(|row| info(row?))
        .collect()
}

pub fn revoke(conn: &mut Connection, id: i64) -> Result<TokenInfo> {
    let tx = conn.transaction()?;
    let token = get(&tx, id)?;
    if token.revoke_time.is_some() {
        return Err(StoreError::WrongState(format!(
            "{} is already revoked",
            names::token(id)
        )));
    }
    tx.execute(
        "UPDATE tokens SET revoke_time = ?1 WHERE id = ?2",
        params![time::now_micros(), id],
    )?;
    audit::record_local(
        &tx,
        "local",
        "RevokeToken",
        &names::token(id),
        &format!("{} token of {:?}", token.role.as_str(), token.name),
    )?;
    let revoked = get(&tx, id)?;
    tx.commit()?;
    Ok(revoked)
}

pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM tokens", [], |row| row.get(0))?;
    Ok(n.unsigned_abs())
}

//! `claimdb token create|list|revoke`: makes an API token, stores its hash and prints it once;
//! lists tokens; revokes one.

use super::output::outln;
use std::path::Path;

use anyhow::Context;

use crate::auth;
use crate::model::Role;
use crate::store::{SqliteStore, Store, StoreError};

/// Opens the database a server made; a token put into a new one would be
/// one no running server knows, so a missing file is refused.
fn open(db: &Path) -> anyhow::Result<SqliteStore> {
    match SqliteStore::open_existing(db) {
        Ok(store) => Ok(store),
        Err(StoreError::NotFound(_)) => Err(super::no_database(db)),
        Err(err) => Err(anyhow::Error::new(err).context(format!("cannot open database {}", db.display()))),
    }
}

pub async fn create(db: &Path, role: Role, name: Option<String>) -> anyhow::Result<()> {
    let store = open(db)?;
    let name = name.unwrap_or_else(|| role.as_str().to_owned());
    let token = issue(&store, role, name).await?;
    outln!("{token}");
    Ok(())
}

pub async fn list(db: &Path) -> anyhow::Result<()> {
    let tokens = open(db)?.list_tokens().await?;
    outln!(
        "{:<6} {:<24} {:<9} {:<28} revoked",
        "id",
        "name",
        "role",
        "created"
    );
    for token in tokens {
        outln!(
            "{:<6} {:<24} {:<9} {:<28} {}",
            token.id,
            token.name,
            token.role.as_str(),
            timestamp(token.create_time),
            token.revoke_time.map_or_else(|| "-".to_owned(), timestamp)
        );
    }
    Ok(())
}

pub async fn revoke(db: &Path, id: i64) -> anyhow::Result<()> {
    let token = open(db)?.revoke_token(id).await?;
    tracing::info!(id = token.id, name = token.name, role = %token.role, "token revoked");
    outln!(
        "Revoked token {} ({}, {}).",
        token.id,
        token.name,
        token.role.as_str()
    );
    Ok(())
}

fn timestamp(time: std::time::SystemTime) -> String {
    prost_types::Timestamp::from(time).to_string()
}

/// Makes a token for `name` with `role`, stores its hash, and returns it.
pub async fn issue(store: &dyn Store, role: Role, name: String) -> anyhow::Result<String> {
    let token = auth::new_token().context("cannot get randomness for a token")?;
    let info = store.create_token(name, role, auth::token_sha256(&token)).await?;
    tracing::info!(id = info.id, name = info.name, role = %info.role, "token created");
    Ok(token)
}

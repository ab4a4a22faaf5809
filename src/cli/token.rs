//! `claimdb token create`: makes an API token, stores its hash and prints it once.

use std::path::Path;

use anyhow::Context;

use crate::auth;
use crate::model::Role;
use crate::store::{SqliteStore, Store};

pub async fn create(db: &Path, role: Role, name: Option<String>) -> anyhow::Result<()> {
    let store = SqliteStore::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
    let name = name.unwrap_or_else(|| role.as_str().to_owned());
    let token = issue(&store, role, name).await?;
    println!("{token}");
    Ok(())
}

/// Makes a token for `name` with `role`, stores its hash, and returns it.
pub async fn issue(store: &dyn Store, role: Role, name: String) -> anyhow::Result<String> {
    let token = auth::new_token().context("cannot get randomness for a token")?;
    let info = store.create_token(name, role, auth::token_sha256(&token)).await?;
    tracing::info!(id = info.id, name = info.name, role = %info.role, "token created");
    Ok(token)
}

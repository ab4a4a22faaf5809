//! `claimdb serve`: opens the database, makes the first admin token if there is none, and serves.

use super::output::outln;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::api;
use crate::model::Role;
use crate::store::{SqliteStore, Store};

pub async fn run(db: &Path, addr: &str, options: api::ServeOptions) -> anyhow::Result<()> {
    let store = SqliteStore::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
    let store: Arc<dyn Store> = Arc::new(store);
    if store.count_tokens().await? == 0 {
        let token = super::token::issue(&*store, Role::Admin, "admin".into()).await?;
        // Printed on standard output, once: it is stored only as a hash.
        outln!("No tokens yet: created an admin token. Keep it, it is not shown again:");
        outln!("{token}");
    }
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(
        addr = %listener.local_addr()?,
        db = %db.display(),
        lease_seconds = options.lease.as_secs(),
        second_review = options.policy.second_review,
        "claimdb serving"
    );
    api::serve_with(store, listener, options, shutdown_signal()).await?;
    tracing::info!("claimdb stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM, so that calls under way finish first.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

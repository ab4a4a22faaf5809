//! `claimdb serve`: opens the database, makes the first admin token if there is none, and serves.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use super::output::outln;
use crate::api;
use crate::model::Role;
use crate::store::{SqliteStore, Store};

/// Where and how `serve` listens.
pub struct Listen {
    pub addr: String,
    /// The PEM certificate and key files, when serving over TLS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Where to serve Prometheus metrics, if anywhere.
    pub metrics_addr: Option<String>,
    /// Where to serve the reviewer console, if anywhere.
    pub web_addr: Option<String>,
    /// Origins whose pages may call the console's listener (CORS).
    pub web_origins: Vec<http::HeaderValue>,
}

pub async fn run(
    db: &Path,
    listen: Listen,
    options: api::ServeOptions,
    skip_check: bool,
) -> anyhow::Result<()> {
    // The identity is checked before anything is opened: a wrong file is
    // the operator's to fix, with its name in the message.
    let tls = match &listen.tls {
        Some((cert, key)) => Some(tls_identity(cert, key)?),
        None => None,
    };
    let store =
        SqliteStore::open_for_server(db).with_context(|| format!("cannot open database {}", db.display()))?;
    if !skip_check {
        let problems = store.quick_check().await?;
        if !problems.is_empty() {
            anyhow::bail!(
                "database {} is damaged ({}); restore it from a backup, or see `claimdb check --db {}` \
                 (--skip-check starts anyway)",
                db.display(),
                problems.iter().take(3).cloned().collect::<Vec<_>>().join("; "),
                db.display()
            );
        }
    }
    let store: Arc<dyn Store> = Arc::new(store);
    if store.count_tokens().await? == 0 {
        let token = super::token::issue(&*store, Role::Admin, "admin".into()).await?;
        // Printed on standard output, once: it is stored only as a hash.
        outln!("No tokens yet: created an admin token. Keep it, it is not shown again:");
        outln!("{token}");
    }
    let addr = &listen.addr;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let (metrics, metrics_addr) = bind_extra(listen.metrics_addr.as_deref(), "--metrics-addr").await?;
    let (web, web_addr) = bind_extra(listen.web_addr.as_deref(), "--web").await?;
    let shutdown = shutdown_signal()?;
    tracing::info!(
        addr = %listener.local_addr()?,
        tls = tls.is_some(),
        metrics_addr = metrics_addr.map(|addr| addr.to_string()),
        web_addr = web_addr.map(|addr| addr.to_string()),
        db = %db.display(),
        lease_seconds = options.lease.as_secs(),
        second_review = options.policy.second_review,
        "claimdb serving"
    );
    let endpoints = api::Endpoints {
        tls,
        metrics,
        web,
        web_origins: listen.web_origins,
    };
    api::serve_on(store, listener, endpoints, options, shutdown).await?;
    tracing::info!("claimdb stopped");
    Ok(())
}

/// Binds the listener of an optional flag (`--metrics-addr`, `--web`), with
/// the address it got (port 0 picks a free one).
async fn bind_extra(
    addr: Option<&str>,
    flag: &str,
) -> anyhow::Result<(Option<TcpListener>, Option<std::net::SocketAddr>)> {
    let Some(addr) = addr else {
        return Ok((None, None));
    };
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {flag} {addr}"))?;
    let bound = listener.local_addr()?;
    Ok((Some(listener), Some(bound)))
}

/// Reads and checks `--tls-cert` and `--tls-key`.
fn tls_identity(cert: &Path, key: &Path) -> anyhow::Result<api::TlsIdentity> {
    let cert_pem =
        std::fs::read(cert).with_context(|| format!("cannot read --tls-cert {}", cert.display()))?;
    let key_pem = std::fs::read(key).with_context(|| format!("cannot read --tls-key {}", key.display()))?;
    api::TlsIdentity::from_pem(&cert_pem, &key_pem).with_context(|| {
        format!(
            "cannot serve TLS with --tls-cert {} and --tls-key {}",
            cert.display(),
            key.display()
        )
    })
}

/// `claimdb check`: prints what SQLite finds wrong with the database file,
/// or that it is sound; fails when it finds anything.
pub fn check(db: &Path, thorough: bool) -> anyhow::Result<()> {
    super::require_database(db)?;
    let problems = SqliteStore::check_file(db, thorough)
        .with_context(|| format!("cannot check database {}", db.display()))?;
    if problems.is_empty() {
        outln!("{}: ok", db.display());
        return Ok(());
    }
    for problem in &problems {
        outln!("{problem}");
    }
    anyhow::bail!(
        "database {} is damaged: {} problems found",
        db.display(),
        problems.len()
    )
}

/// `claimdb backup`: copies the database, consistent at one commit, while a
/// server may be serving it.
pub fn backup(db: &Path, dest: &Path) -> anyhow::Result<()> {
    super::require_database(db)?;
    let started = std::time::Instant::now();
    SqliteStore::backup_file(db, dest)
        .with_context(|| format!("cannot back {} up to {}", db.display(), dest.display()))?;
    outln!(
        "backed {} up to {} in {:.1} s",
        db.display(),
        dest.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM, so that calls under way finish first.
/// The handlers are installed here, before the future is first polled: a
/// SIGTERM that came between "claimdb serving" and the first poll would
/// otherwise end the process at once, without a clean stop.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

//! Running the server as an operator does (issue 14): one server per file, damage found at start
//! and by `claimdb check`, and a clean stop that leaves everything in the database file.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::process::{start_server, start_server_with};

fn claimdb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(args)
        .env_remove("CLAIMDB_TOKEN")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// Waits for `child` to exit, at most `limit`; kills it and fails past that.
fn wait_at_most(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the process did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn db_arg(db: &Path) -> &str {
    db.to_str().unwrap()
}

// See: #14 (defect 9).
#[test]
fn a_second_server_on_the_same_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite");
    let (mut first, _addr, _token) = start_server(&db, true);
    let second = claimdb(&["serve", "--db", db_arg(&db), "--addr", "127.0.0.1:0"]);
    let _ = first.kill();
    let _ = first.wait();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("another claimdb server"), "{stderr}");
    // The token commands still work beside a server (none runs now).
    assert!(claimdb(&["token", "list", "--db", db_arg(&db)]).status.success());
}

// See: #14 (defect 9).
#[cfg(unix)]
#[test]
fn the_database_is_private_and_damage_is_found_before_serving() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite");
    // Made as `serve` makes it (the token commands need an existing one).
    drop(claimdb::store::SqliteStore::open(&db).unwrap());
    let created = claimdb(&["token", "create", "--role", "reader", "--db", db_arg(&db)]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let mode = std::fs::metadata(&db).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let sound = claimdb(&["check", "--db", db_arg(&db)]);
    assert!(
        sound.status.success(),
        "{}",
        String::from_utf8_lossy(&sound.stderr)
    );
    assert!(String::from_utf8_lossy(&sound.stdout).ends_with(": ok\n"));

    // Damage the page holding the tokens, as a failing disk would.
    let (root_page, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'tokens'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        let size = conn.query_row("PRAGMA page_size", [], |row| row.get(0)).unwrap();
        (root, size)
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let (root_page, page_size) = (root_page as usize, page_size as usize);
    let start = (root_page - 1) * page_size;
    bytes[start..start + page_size].fill(0xAA);
    std::fs::write(&db, bytes).unwrap();

    let damaged = claimdb(&["check", "--db", db_arg(&db)]);
    assert!(!damaged.status.success());
    assert!(String::from_utf8_lossy(&damaged.stderr).contains("is damaged"));
    let mut server = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["serve", "--db", db_arg(&db), "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_at_most(&mut server, Duration::from_secs(60));
    assert!(!status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("is damaged"), "{stderr}");
}

// See: #14 (defect 5).
#[tokio::test]
async fn a_stop_closes_silent_connections_within_the_grace_and_empties_the_wal() {
    use tokio::io::AsyncWriteExt;

    let grace = Duration::from_millis(500);
    let server = crate::support::spawn_server_with(claimdb::api::ServeOptions {
        shutdown_grace: grace,
        ..Default::default()
    })
    .await;
    server.load_claims(50, 20).await;
    server
        .create_article(crate::support::MISSION_ARTICLE.to_owned())
        .await;
    let wal = server._dir.path().join("claimdb.sqlite-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    // One connection that never says anything, one that sends only the
    // HTTP/2 preface, and one watcher that reads nothing after it started.
    let _silent = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut preface_only = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    preface_only
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .unwrap();
    let mut claims = server.claims(Some(&server.reader)).await;
    let _watch = claims
        .watch_claims(claimdb::api::pb::WatchClaimsRequest::default())
        .await
        .unwrap();

    let started = Instant::now();
    let dir = tokio::time::timeout(grace + Duration::from_secs(10), server.stop())
        .await
        .expect("the server stops even with silent connections open");
    assert!(
        started.elapsed() < grace + Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // The clean stop checkpointed the WAL: the database file holds everything.
    assert!(dir.path().join("claimdb.sqlite").exists());
    let wal_bytes = std::fs::metadata(&wal).map_or(0, |metadata| metadata.len());
    assert_eq!(wal_bytes, 0);
}

// See: #14 (backup).
#[tokio::test]
async fn a_backup_taken_under_writes_is_whole_and_serves() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use claimdb::store::{SqliteStore, Store};

    let server = crate::support::spawn_server().await;
    let db = server._dir.path().join("claimdb.sqlite");
    let dest = server._dir.path().join("copy.sqlite");
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let some_landed = Arc::new(tokio::sync::Notify::new());
    let mut articles = server.articles(Some(&server.admin)).await;
    let writer = {
        let (stop, acknowledged) = (Arc::clone(&stop), Arc::clone(&acknowledged));
        let some_landed = Arc::clone(&some_landed);
        tokio::spawn(async move {
            let mut idx = 0;
            while !stop.load(Ordering::Relaxed) {
                idx += 1;
                let body = format!("The mayor said on Monday that {idx} bridges would reopen by June.");
                articles
                    .create_article(claimdb::api::pb::CreateArticleRequest {
                        article: Some(claimdb::api::pb::Article {
                            body,
                            ..Default::default()
                        }),
                    })
                    .await
                    .unwrap();
                if acknowledged.fetch_add(1, Ordering::Relaxed) + 1 == 20 {
                    some_landed.notify_one();
                }
            }
        })
    };
    // Let some writes land, then back up while they go on.
    some_landed.notified().await;
    let before = acknowledged.load(Ordering::Relaxed);
    let (db_arg, dest_arg) = (db.to_str().unwrap().to_owned(), dest.to_str().unwrap().to_owned());
    let output = tokio::task::spawn_blocking(move || claimdb(&["backup", "--db", &db_arg, &dest_arg]))
        .await
        .unwrap();
    let after = acknowledged.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(after > before, "writes went on during the backup");

    let check = claimdb(&["check", "--db", dest.to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // Every article acknowledged before the backup began is in the copy,
    // with all its claims, and the copy opens as a database claimdb serves.
    let copy = SqliteStore::open(&dest).unwrap();
    let stored = copy.list_articles(None, 1000).await.unwrap();
    assert!(stored.len() >= before, "{} < {before}", stored.len());
    assert!(stored.len() <= after + 1);
    for article in &stored {
        let claims = copy
            .list_claims(claimdb::store::ClaimQuery {
                article: Some(article.id),
                after: None,
                limit: 1000,
            })
            .await
            .unwrap();
        assert_eq!(claims.len() as u32, article.claim_count, "{:?}", article.id);
    }
    server.stop().await;
}

// See: #14 (defect 5).
#[cfg(unix)]
#[test]
fn sigterm_with_a_silent_connection_open_stops_within_the_grace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite");
    let (mut server, addr, token) = start_server_with(&db, true, &["--shutdown-grace", "1"]);
    assert!(token.is_some());
    // A connection that never says anything, and one that sent only the
    // HTTP/2 preface.
    let _silent = std::net::TcpStream::connect(&addr).unwrap();
    let mut preface_only = std::net::TcpStream::connect(&addr).unwrap();
    std::io::Write::write_all(&mut preface_only, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
    let started = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_at_most(&mut server, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    // The clean stop folded the WAL into the database file.
    let wal = dir.path().join("claimdb.sqlite-wal");
    let wal_bytes = std::fs::metadata(&wal).map_or(0, |metadata| metadata.len());
    assert_eq!(wal_bytes, 0);
    assert!(claimdb(&["check", "--db", db_arg(&db)]).status.success());
}

//! Keeps blocking SQLite work off tokio's async workers: one writer thread that owns the only
//! writing connection, and a small pool of read-only connections used through `spawn_blocking`.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::migrations;
use crate::store::{Result, StoreError};

type WriteJob = Box<dyn FnOnce(&mut Connection) + Send>;

/// How long a connection waits for a lock held by another process (e.g.
/// `claimdb token create` while the server runs) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Writes queued beyond this wait in their callers, which bounds memory.
const WRITE_QUEUE_DEPTH: usize = 256;

/// The database's connections.
pub struct Connections {
    writer: mpsc::Sender<WriteJob>,
    readers: Arc<ReadPool>,
}

/// How much of the database file each reader maps. The mapping is address
/// space backed by the operating system's file cache, not memory of ours.
const READER_MMAP_BYTES: i64 = 1 << 30;

struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Connections {
    /// Opens (creating if needed) the database at `path`, migrates it to the
    /// latest schema and starts the writer thread.
    pub fn open(path: &Path, n_readers: usize) -> Result<Connections> {
        let mut writer_conn = Connection::open(path)?;
        configure(&writer_conn)?;
        writer_conn.pragma_update(None, "journal_mode", "WAL")?;
        writer_conn.pragma_update(None, "synchronous", "FULL")?;
        migrations::migrations().to_latest(&mut writer_conn)?;

        let n_readers = n_readers.max(1);
        let idle = (0..n_readers)
            .map(|_| open_reader(path))
            .collect::<Result<Vec<_>>>()?;
        let readers = Arc::new(ReadPool {
            path: path.to_owned(),
            idle: Mutex::new(idle),
            permits: Semaphore::new(n_readers),
        });

        let (writer, mut jobs) = mpsc::channel::<WriteJob>(WRITE_QUEUE_DEPTH);
        thread::Builder::new()
            .name("claimdb-writer".into())
            .spawn(move || {
                while let Some(job) = jobs.blocking_recv() {
                    // A panicking job rolls its transaction back as it unwinds;
                    // catching it keeps the writer alive for the next one.
                    let outcome = panic::catch_unwind(AssertUnwindSafe(|| job(&mut writer_conn)));
                    if outcome.is_err() {
                        tracing::error!("a write job panicked; its transaction was rolled back");
                    }
                }
            })
            .map_err(|err| StoreError::Corrupt(format!("cannot start writer thread: {err}")))?;
        Ok(Connections { writer, readers })
    }

    /// Runs `work` on the writer thread. Work is done one job at a time, in
    /// the order submitted.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: WriteJob = Box::new(move |conn| {
            // The caller may have gone away; its answer is then not needed.
            let _ = reply.send(work(conn));
        });
        self.writer.send(job).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs `work` on a read-only connection on tokio's blocking pool.
    pub async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let _permit = self
            .readers
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Closed)?;
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let idle = readers.idle.lock().map(|mut idle| idle.pop());
            // A connection lost to a panicking job is replaced rather than
            // leaving the pool one short.
            let conn = match idle {
                Ok(Some(conn)) => conn,
                _ => open_reader(&readers.path)?,
            };
            let result = work(&conn);
            if let Ok(mut idle) = readers.idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(|err| StoreError::Corrupt(format!("read task failed: {err}")))?
    }
}

fn open_reader(path: &Path) -> Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    // Reads map the file instead of copying each page through a read()
    // call into a private cache: a search joining thousands of claims
    // spent as much time in the kernel as in SQLite (BENCHMARKS.md, issue 4).
    conn.pragma_update(None, "mmap_size", READER_MMAP_BYTES)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_see_committed_writes() {
        let dir = tempfile::tempdir().unwrap();
        let connections = Connections::open(&dir.path().join("t.sqlite"), 2).unwrap();
        connections
            .write(|conn| {
                conn.execute("INSERT INTO settings (key, value) VALUES ('k', x'01')", [])?;
                Ok(())
            })
            .await
            .unwrap();
        let n: i64 = connections
            .read(|conn| Ok(conn.query_row("SELECT count(*) FROM settings", [], |row| row.get(0))?))
            .await
            .unwrap();
        assert_eq!(n, 1);
    }

    #[tokio::test]
    async fn readers_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let connections = Connections::open(&dir.path().join("t.sqlite"), 1).unwrap();
        let result = connections
            .read(|conn| Ok(conn.execute("INSERT INTO settings (key, value) VALUES ('k', x'01')", [])?))
            .await;
        assert!(result.is_err());
    }

    #[tokio::test]
    async fn the_schema_is_migrated_and_wal_is_on() {
        let dir = tempfile::tempdir().unwrap();
        let connections = Connections::open(&dir.path().join("t.sqlite"), 1).unwrap();
        let (mode, version, foreign_keys): (String, i64, i64) = connections
            .read(|conn| {
                let mode = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
                let version = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
                let fk = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
                Ok((mode, version, fk))
            })
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(version, migrations::latest_version());
        assert_eq!(foreign_keys, 1);
    }
}

//! Keeps blocking SQLite work off tokio's async workers: one writer thread that owns the only
//! writing connection, and a small pool of read-only connections used through `spawn_blocking`.
//!
//! A read whose caller goes away (the client cancelled, or its deadline passed and the request's
//! future was dropped) stops: SQLite's progress handler on the connection checks a flag the
//! dropped future sets, so the statement ends with `SQLITE_INTERRUPT`. The read's permit is
//! owned by the blocking job, not by the future, so the pool never holds more connections, nor
//! runs more reads at once, than it has permits.
//!
//! A point read (one row by its key: a token, a claim) costs SQLite a few microseconds, less than
//! the two thread hand-overs of a trip to the blocking pool (issue 16: two trips per GetClaim made
//! claimdb serve under half of what tonic alone serves). [`Connections::read_point`] runs such a
//! read on the calling thread, on a connection of its own that never waits for a lock: if SQLite
//! would have to wait, or every such connection is in use, the read goes to the pool instead.
//! Each point connection keeps a [`Memo`] of what its reads found, which
//! [`Connections::read_point_with_memo`] answers from while nothing has been committed since.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::memo::Memo;
use super::migrations;
use crate::store::{Result, StoreError};

type WriteJob = Box<dyn FnOnce(&mut Connection) + Send>;

/// How long a connection waits for a lock held by another process (e.g.
/// `claimdb token create` while the server runs) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Writes queued beyond this wait in their callers, which bounds memory.
const WRITE_QUEUE_DEPTH: usize = 256;
/// How many SQLite virtual-machine steps run between two looks at a read's
/// cancellation flag: a few microseconds of work, so a cancelled read stops
/// at once while the check costs nothing measurable.
const PROGRESS_STEPS: std::ffi::c_int = 1_000;

/// The database's connections.
pub struct Connections {
    writer: mpsc::Sender<WriteJob>,
    readers: Arc<ReadPool>,
}

/// How much of the database file each reader maps. The mapping is address
/// space backed by the operating system's file cache, not memory of ours.
const READER_MMAP_BYTES: i64 = 1 << 30;

/// Connections for point reads on the calling thread: one per async worker
/// of a small machine; a read finding none idle goes to the pool.
const N_POINT_READERS: usize = 4;

struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// The connections of point reads run on the calling thread, never
    /// waiting for a lock, each with the memo of its reads.
    point: Mutex<Vec<(Connection, Memo)>>,
    permits: Arc<Semaphore>,
    /// Read connections opened since start, replacements included: a
    /// pool that works stays at its size.
    n_opened: AtomicUsize,
}

/// Set when the future of a read is dropped before its blocking job ends,
/// which stops the job's SQL at its next progress check.
struct CancelOnDrop {
    cancelled: Arc<AtomicBool>,
    finished: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if !self.finished {
            self.cancelled.store(true, Ordering::Relaxed);
        }
    }
}

impl Connections {
    /// Opens (creating if needed) the database at `path`, migrates it to the
    /// latest schema and starts the writer thread.
    pub fn open(path: &Path, n_readers: usize) -> Result<Connections> {
        super::files::create_private(path)?;
        let mut writer_conn = Connection::open(path)?;
        configure(&writer_conn)?;
        writer_conn.pragma_update(None, "journal_mode", "WAL")?;
        writer_conn.pragma_update(None, "synchronous", "FULL")?;
        migrations::migrations().to_latest(&mut writer_conn)?;
        // Every write transaction takes the write lock when it begins: one
        // that read first and then wrote would fail at once (SQLite's
        // BUSY_SNAPSHOT, which no busy timeout waits out) whenever another
        // connection committed in between (`claimdb token revoke` reads the
        // token, then updates it, beside a server that is writing).
        writer_conn.set_transaction_behavior(TransactionBehavior::Immediate);

        let n_readers = n_readers.max(1);
        let idle = (0..n_readers)
            .map(|_| open_reader(path))
            .collect::<Result<Vec<_>>>()?;
        let point = (0..N_POINT_READERS)
            .map(|_| Ok((open_point_reader(path)?, Memo::default())))
            .collect::<Result<Vec<_>>>()?;
        let readers = Arc::new(ReadPool {
            path: path.to_owned(),
            idle: Mutex::new(idle),
            point: Mutex::new(point),
            permits: Arc::new(Semaphore::new(n_readers)),
            n_opened: AtomicUsize::new(n_readers),
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

    /// How many write jobs wait in the writer's queue (at most
    /// `WRITE_QUEUE_DEPTH`; callers beyond it wait to enqueue).
    pub fn writer_queue_depth(&self) -> usize {
        self.writer.max_capacity() - self.writer.capacity()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.readers.path
    }

    /// Copies every committed page of the WAL into the database file and
    /// truncates the WAL to nothing, so that the `.sqlite` file alone holds
    /// everything (a copy of it is complete). Waits for readers that are
    /// still reading.
    pub async fn checkpoint(&self) -> Result<()> {
        self.write(|conn| {
            let (busy, _, _): (i64, i64, i64) =
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })?;
            if busy != 0 {
                return Err(StoreError::Busy(
                    "a reader kept the WAL from being checkpointed".into(),
                ));
            }
            Ok(())
        })
        .await
    }

    /// Runs `work` on a read-only connection on tokio's blocking pool. If
    /// the returned future is dropped before `work` ends, `work`'s SQL is
    /// interrupted and fails with [`StoreError::Cancelled`]; the connection
    /// and the permit come back to the pool only when `work` has returned.
    pub async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let permit = Arc::clone(&self.readers.permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Closed)?;
        let readers = Arc::clone(&self.readers);
        let mut cancel = CancelOnDrop {
            cancelled: Arc::new(AtomicBool::new(false)),
            finished: false,
        };
        let cancelled = Arc::clone(&cancel.cancelled);
        let job = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let idle = readers.idle.lock().map(|mut idle| idle.pop());
            // A connection lost to a panicking job is replaced rather than
            // leaving the pool one short.
            let conn = match idle {
                Ok(Some(conn)) => conn,
                _ => {
                    readers.n_opened.fetch_add(1, Ordering::Relaxed);
                    open_reader(&readers.path)?
                }
            };
            let flag = Arc::clone(&cancelled);
            conn.progress_handler(PROGRESS_STEPS, Some(move || flag.load(Ordering::Relaxed)))?;
            let result = if cancelled.load(Ordering::Relaxed) {
                Err(StoreError::Cancelled)
            } else {
                work(&conn)
            };
            conn.progress_handler(0, None::<fn() -> bool>)?;
            if let Ok(mut idle) = readers.idle.lock() {
                idle.push(conn);
            }
            result
        });
        let outcome = job.await;
        cancel.finished = true;
        outcome.map_err(|err| StoreError::Corrupt(format!("read task failed: {err}")))?
    }

    /// Runs `work`, a read of a few rows by key, on the calling thread when
    /// a point connection is idle and SQLite need not wait for a lock;
    /// otherwise as [`Connections::read`] does. `work` may run twice (once
    /// here, refused as busy, then on the pool), so it only reads.
    pub async fn read_point<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> Result<T> + Clone + Send + 'static,
    {
        if let Some(outcome) = self.on_point_connection(|conn, _| in_one_transaction(conn, &work)) {
            return outcome;
        }
        self.read(work).await
    }

    /// As [`Connections::read_point`], with the point connection's [`Memo`]:
    /// `recall`'s answer when the memo has one at the database's current
    /// version, else `work`'s, which may fill the memo, in one read
    /// transaction that brings the memo to its version first. On the pool,
    /// `work` gets an empty memo of its own.
    pub async fn read_point_with_memo<T, R, F>(&self, recall: R, work: F) -> Result<T>
    where
        T: Send + 'static,
        R: Fn(&Memo) -> Option<T>,
        F: Fn(&Connection, &mut Memo) -> Result<T> + Clone + Send + 'static,
    {
        if let Some(outcome) =
            self.on_point_connection(|conn, memo| recall_or_read(conn, memo, &recall, &work))
        {
            return outcome;
        }
        self.read(move |conn| work(conn, &mut Memo::default())).await
    }

    /// Runs `run` on an idle point connection and its memo, on the calling
    /// thread, and gives the connection back: `None` when none is idle or
    /// SQLite would have had to wait (`Busy`), for the caller to go to the
    /// pool instead.
    fn on_point_connection<T>(
        &self,
        run: impl FnOnce(&Connection, &mut Memo) -> Result<T>,
    ) -> Option<Result<T>> {
        let (conn, mut memo) = self.readers.point.lock().ok().and_then(|mut idle| idle.pop())?;
        let outcome = run(&conn, &mut memo);
        if let Ok(mut idle) = self.readers.point.lock() {
            idle.push((conn, memo));
        }
        match outcome {
            Err(StoreError::Busy(_)) => None,
            outcome => Some(outcome),
        }
    }

    /// How many read connections have been opened since start.
    #[cfg(test)]
    fn n_readers_opened(&self) -> usize {
        self.readers.n_opened.load(Ordering::Relaxed)
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

/// Runs `work` in one read transaction: SQLite takes and drops its WAL
/// read lock (`fcntl` calls, under a mutex every connection to the file in
/// this process shares) once for everything `work` reads instead of once
/// per statement. `BEGIN` and `COMMIT` are prepared once per connection, not
/// parsed again for every call as `Connection::transaction` does.
fn in_one_transaction<T>(conn: &Connection, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    conn.prepare_cached("BEGIN")?.execute([])?;
    // Ends the transaction however `work` ends: a read that failed part way
    // (busy, interrupted, an error of its own) leaves the connection idle.
    let open = OpenTransaction(conn);
    let value = work(conn)?;
    conn.prepare_cached("COMMIT")?.execute([])?;
    drop(open);
    Ok(value)
}

/// `recall`'s answer if `memo` holds one at the database's current version,
/// which costs one statement (`PRAGMA data_version`, a read transaction of
/// its own, so the answer is the database as it stood then); else `work` in
/// one read transaction that refreshes the memo first.
fn recall_or_read<T>(
    conn: &Connection,
    memo: &mut Memo,
    recall: impl Fn(&Memo) -> Option<T>,
    work: impl FnOnce(&Connection, &mut Memo) -> Result<T>,
) -> Result<T> {
    memo.refresh(conn)?;
    if let Some(value) = recall(memo) {
        return Ok(value);
    }
    in_one_transaction(conn, |conn| {
        memo.refresh(conn)?;
        work(conn, memo)
    })
}

/// Rolls back the transaction of its connection, if one is still open, when
/// dropped.
struct OpenTransaction<'conn>(&'conn Connection);

impl Drop for OpenTransaction<'_> {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}

/// A reader for [`Connections::read_point`]: as the pool's, but a lock it
/// would wait for is `SQLITE_BUSY` at once, so the calling thread never
/// sleeps in SQLite.
fn open_point_reader(path: &Path) -> Result<Connection> {
    let conn = open_reader(path)?;
    conn.busy_timeout(Duration::ZERO)?;
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

    /// Commits one row of settings through the writer.
    async fn write_a_setting(connections: &Connections) {
        connections
            .write(|conn| {
                conn.execute("INSERT INTO settings (key, value) VALUES ('k', x'01')", [])?;
                Ok(())
            })
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn reads_see_committed_writes() {
        let dir = tempfile::tempdir().unwrap();
        let connections = Connections::open(&dir.path().join("t.sqlite"), 2).unwrap();
        write_a_setting(&connections).await;
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

    // See: #16. A point read costs no thread hand-over: it runs where it is
    // awaited, and sees what was committed as the pool's reads do.
    #[tokio::test]
    async fn a_point_read_runs_on_the_calling_thread() {
        let dir = tempfile::tempdir().unwrap();
        let connections = Connections::open(&dir.path().join("t.sqlite"), 1).unwrap();
        write_a_setting(&connections).await;
        let caller = thread::current().id();
        let count = |conn: &Connection| -> Result<(thread::ThreadId, i64)> {
            let n = conn.query_row("SELECT count(*) FROM settings", [], |row| row.get(0))?;
            Ok((thread::current().id(), n))
        };
        let (point_thread, n) = connections.read_point(count).await.unwrap();
        assert_eq!(point_thread, caller);
        assert_eq!(n, 1);
        let (pool_thread, n) = connections.read(count).await.unwrap();
        assert_ne!(pool_thread, caller);
        assert_eq!(n, 1);
        // Point readers cannot write either.
        let written = connections
            .read_point(|conn| Ok(conn.execute("DELETE FROM settings", [])?))
            .await;
        assert!(written.is_err());
    }

    // See: #16. A point read that fails part way ends its transaction: the
    // connection's next read begins anew and sees what was committed since.
    #[tokio::test]
    async fn a_failed_point_read_leaves_no_transaction_open() {
        let dir = tempfile::tempdir().unwrap();
        let connections = Connections::open(&dir.path().join("t.sqlite"), 1).unwrap();
        let count = |conn: &Connection| -> Result<i64> {
            Ok(conn.query_row("SELECT count(*) FROM settings", [], |row| row.get(0))?)
        };
        let failed = connections
            .read_point(move |conn| {
                count(conn)?;
                Err::<i64, _>(StoreError::Invalid("the read's own error".into()))
            })
            .await;
        assert!(matches!(failed, Err(StoreError::Invalid(_))));
        write_a_setting(&connections).await;
        for _ in 0..N_POINT_READERS {
            assert_eq!(connections.read_point(count).await.unwrap(), 1);
        }
    }

    // A write transaction that reads before it writes is not refused
    // because another connection committed in between: it holds the write
    // lock from its start, so the other connection waits instead.
    #[tokio::test]
    async fn a_write_transaction_holds_the_write_lock_from_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let connections = Connections::open(&path, 1).unwrap();
        write_a_setting(&connections).await;
        let (other_refused, updated) = connections
            .write(move |conn| {
                let tx = conn.transaction()?;
                let n: i64 = tx.query_row("SELECT count(*) FROM settings", [], |row| row.get(0))?;
                let other = Connection::open(&path)?;
                other.busy_timeout(Duration::ZERO)?;
                let other_refused = other
                    .execute("INSERT INTO settings (key, value) VALUES ('other', x'02')", [])
                    .is_err();
                let updated = tx.execute("UPDATE settings SET value = x'03' WHERE key = 'k'", [])?;
                tx.commit()?;
                Ok((other_refused, (n, updated)))
            })
            .await
            .unwrap();
        assert!(other_refused, "the other connection wrote during the transaction");
        assert_eq!(updated, (1, 1));
    }

    /// A query that runs for minutes unless interrupted.
    const ENDLESS: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
                           SELECT count(*) FROM n WHERE i > 0 AND i < 0 AND random() IS NOT NULL";

    // See: #14 (defect 1).
    #[tokio::test]
    async fn a_dropped_read_stops_its_sql_and_keeps_its_permit_until_then() {
        let dir = tempfile::tempdir().unwrap();
        let connections = Connections::open(&dir.path().join("t.sqlite"), 1).unwrap();
        let (ended, ended_rx) = std::sync::mpsc::channel();
        for _ in 0..3 {
            let ended = ended.clone();
            let read = connections.read(move |conn| {
                let outcome = conn
                    .query_row(ENDLESS, [], |row| row.get::<_, i64>(0))
                    .map_err(StoreError::from);
                let _ = ended.send(matches!(outcome, Err(StoreError::Cancelled)));
                outcome
            });
            let gave_up = tokio::time::timeout(Duration::from_millis(20), read).await;
            assert!(gave_up.is_err(), "the endless query cannot finish");
            // The job ends soon after its future is dropped, as cancelled.
            let interrupted = ended_rx
                .recv_timeout(Duration::from_secs(10))
                .expect("a dropped read keeps running");
            assert!(interrupted);
        }
        // The next read gets the one connection back: none was opened beside it.
        let one: i64 = connections
            .read(|conn| Ok(conn.query_row("SELECT 1", [], |row| row.get(0))?))
            .await
            .unwrap();
        assert_eq!(one, 1);
        assert_eq!(connections.n_readers_opened(), 1);
    }

    // See: #14 (defect 5).
    #[tokio::test]
    async fn a_checkpoint_leaves_an_empty_wal() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.sqlite");
        let connections = Connections::open(&db, 1).unwrap();
        connections
            .write(|conn| {
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('k', zeroblob(100000))",
                    [],
                )?;
                Ok(())
            })
            .await
            .unwrap();
        let wal = dir.path().join("t.sqlite-wal");
        assert!(std::fs::metadata(&wal).unwrap().len() > 100_000);
        connections.checkpoint().await.unwrap();
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
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

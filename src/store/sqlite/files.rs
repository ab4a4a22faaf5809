//! The database's files on disk: created readable by their owner only, one server per file (a
//! lock file), and SQLite's own integrity checks.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::store::{Result, StoreError};

/// Creates the database file at `path`, readable and writable by its owner
/// only, when there is none: it holds token hashes and the page-token key.
/// SQLite gives the `-wal` and `-shm` files it makes beside it the same
/// permissions. An existing file is left as it is, with a warning when
/// others may read it.
pub fn create_private(path: &Path) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            #[cfg(unix)]
            if let Ok(metadata) = std::fs::metadata(path) {
                let mode = std::os::unix::fs::PermissionsExt::mode(&metadata.permissions());
                if mode & 0o077 != 0 {
                    tracing::warn!(
                        db = %path.display(),
                        mode = format!("{:o}", mode & 0o777),
                        "the database file may be read by other users; it holds token hashes \
                         (chmod 600 it and its -wal and -shm files)"
                    );
                }
            }
            Ok(())
        }
        Err(err) => Err(StoreError::Backend(Box::new(err))),
    }
}

/// The sizes on disk of the database file at `db` and of its `-wal` file
/// (0 when there is none, as after a clean stop).
pub fn sizes(db: &Path) -> Result<(u64, u64)> {
    let database_bytes = std::fs::metadata(db)
        .map_err(|err| StoreError::Backend(Box::new(err)))?
        .len();
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let wal_bytes = std::fs::metadata(wal).map_or(0, |metadata| metadata.len());
    Ok((database_bytes, wal_bytes))
}

/// Held while a server serves a database file: an exclusive lock on the
/// file beside it (`claimdb.sqlite.lock`), released when the process ends
/// however it ends. The database file itself is not locked: SQLite's own
/// locks are POSIX locks, which a second descriptor on the same file would
/// drop when closed, and the token commands must keep working beside a
/// running server.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

/// The lock file of the database at `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the server lock of the database at `db`, or says who holds it.
pub fn lock_for_server(db: &Path) -> Result<ServerLock> {
    let path = lock_path(db);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&path)
        .map_err(|err| StoreError::Backend(Box::new(err)))?;
    match file.try_lock() {
        Ok(()) => Ok(ServerLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(StoreError::InUse(format!(
            "{} is served by another claimdb server (it holds {}); stop that one first",
            db.display(),
            path.display()
        ))),
        Err(TryLockError::Error(err)) => Err(StoreError::Backend(Box::new(err))),
    }
}

/// The problems SQLite finds in the database: `quick_check` (every page's
/// structure, in about the time it takes to read the file) or, when
/// `thorough`, `integrity_check` (also every index against its table).
/// Empty when the database is sound.
pub fn check(conn: &Connection, thorough: bool) -> Result<Vec<String>> {
    let pragma = if thorough {
        "PRAGMA integrity_check"
    } else {
        "PRAGMA quick_check"
    };
    let rows = conn.prepare(pragma).and_then(|mut statement| {
        statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    match rows {
        Ok(rows) => Ok(rows.into_iter().filter(|row| row != "ok").collect()),
        // A file too damaged for the check to run is a finding, not a failure.
        Err(rusqlite::Error::SqliteFailure(failure, message))
            if matches!(
                failure.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            Ok(vec![message.unwrap_or_else(|| failure.to_string())])
        }
        Err(err) => Err(err.into()),
    }
}

/// [`check`] on the database file at `path`, opened read-only and not
/// migrated, so that a damaged file is looked at, never written.
pub fn check_file(path: &Path, thorough: bool) -> Result<Vec<String>> {
    if !path.exists() {
        return Err(StoreError::NotFound(path.display().to_string()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    check(&conn, thorough)
}

/// How long a backup waits, in all, for locks another connection holds.
const BACKUP_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Copies the database at `db` to a new file `dest` (created 0600, never
/// overwritten) with SQLite's online backup API, while servers and writers
/// go on: every page is copied in one step, inside one read transaction, so
/// the copy is the database as it was at one commit (in WAL mode the read
/// does not hold writers back). The copy is a database claimdb can serve.
pub fn backup(db: &Path, dest: &Path) -> Result<()> {
    if !db.exists() {
        return Err(StoreError::NotFound(db.display().to_string()));
    }
    if dest.exists() {
        return Err(StoreError::AlreadyExists(dest.display().to_string()));
    }
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source.busy_timeout(BACKUP_PATIENCE)?;
    create_private(dest)?;
    let mut copy = Connection::open(dest)?;
    let started = std::time::Instant::now();
    let backup = rusqlite::backup::Backup::new(&source, &mut copy)?;
    loop {
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => break,
            _ if started.elapsed() > BACKUP_PATIENCE => {
                return Err(StoreError::Busy(
                    "the database stayed locked during the backup".into(),
                ));
            }
            _ => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // See: #14 (defect 9).
    #[cfg(unix)]
    #[test]
    fn a_new_database_and_its_wal_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.sqlite");
        create_private(&db).unwrap();
        let conn = Connection::open(&db).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        for file in ["t.sqlite", "t.sqlite-wal", "t.sqlite-shm"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    // See: #14 (defect 9).
    #[test]
    fn a_second_server_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.sqlite");
        let first = lock_for_server(&db).unwrap();
        let err = lock_for_server(&db).unwrap_err();
        assert!(matches!(err, StoreError::InUse(_)), "{err:?}");
        assert!(err.to_string().contains("another claimdb server"), "{err}");
        drop(first);
        lock_for_server(&db).unwrap();
    }

    // See: #14 (defect 9).
    #[test]
    fn a_damaged_page_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.sqlite");
        {
            let conn = Connection::open(&db).unwrap();
            conn.execute_batch(
                "CREATE TABLE t (x); \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
                 INSERT INTO t SELECT randomblob(300) FROM n;",
            )
            .unwrap();
        }
        assert_eq!(check_file(&db, false).unwrap(), Vec::<String>::new());
        let mut bytes = std::fs::read(&db).unwrap();
        let page_size = 4096;
        let n_pages = bytes.len() / page_size;
        let middle = (n_pages / 2) * page_size;
        bytes[middle..middle + page_size].fill(0xAA);
        std::fs::write(&db, bytes).unwrap();
        assert!(!check_file(&db, false).unwrap().is_empty());
        assert!(!check_file(&db, true).unwrap().is_empty());
    }
}

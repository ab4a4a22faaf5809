//! The schema's migrations, applied in order at start-up; SQLite's `user_version` records how far.

use rusqlite_migration::{M, Migrations};

/// Every migration in `migrations/`, in order. Never edit a landed one: add a new file.
const MIGRATION_SQL: &[&str] = &[
    include_str!("../../../migrations/0001_init.sql"),
    include_str!("../../../migrations/0002_claim_details.sql"),
    include_str!("../../../migrations/0003_reviews.sql"),
    include_str!("../../../migrations/0004_lease_holders.sql"),
    include_str!("../../../migrations/0005_token_revocation.sql"),
    include_str!("../../../migrations/0006_needs_context.sql"),
    include_str!("../../../migrations/0007_speaker_role.sql"),
    include_str!("../../../migrations/0008_external_reviews.sql"),
    include_str!("../../../migrations/0009_article_filters.sql"),
    include_str!("../../../migrations/0010_claim_embeddings.sql"),
    include_str!("../../../migrations/0011_read_indexes.sql"),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version a fully migrated database has.
#[cfg(test)]
pub fn latest_version() -> i64 {
    MIGRATION_SQL.len() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn migrating_an_empty_database_records_the_version() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, latest_version());
    }
}

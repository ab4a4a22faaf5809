//! What a point connection's reads found (tokens, claims), kept while nothing has been committed
//! to the database since: SQLite's `PRAGMA data_version` changes whenever another connection, of
//! this process or any other, commits, and it is read in the same read transaction as every use.
//! A value found here is therefore exactly what reading the rows again would give, and a
//! revocation made by another process (`claimdb token revoke`) empties the memo for the very
//! next read (issue 16).

use std::collections::HashMap;

use rusqlite::Connection;

use crate::model::{Claim, ClaimId, Principal};
use crate::store::Result;

/// The most tokens or claims one memo keeps; a full one starts again
/// empty, so memory stays bounded whatever callers ask for.
const MAX_ENTRIES: usize = 1_024;

/// One point connection's memo: only its own reads fill it.
#[derive(Debug, Default)]
pub struct Memo {
    /// The database's version the entries were read at.
    data_version: Option<i64>,
    tokens: HashMap<[u8; 32], Principal>,
    claims: HashMap<ClaimId, Claim>,
}

impl Memo {
    /// Reads the database's version in `conn`'s open read transaction and
    /// forgets every entry if anything was committed since they were read.
    /// Call it first in the transaction whose reads use the memo.
    pub fn refresh(&mut self, conn: &Connection) -> Result<()> {
        let data_version: i64 = conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |row| row.get(0))?;
        if self.data_version != Some(data_version) {
            self.tokens.clear();
            self.claims.clear();
            self.data_version = Some(data_version);
        }
        Ok(())
    }

    /// The holder of an unrevoked token with this SHA-256, as last read.
    pub fn token(&self, token_sha256: &[u8; 32]) -> Option<&Principal> {
        self.tokens.get(token_sha256)
    }

    pub fn remember_token(&mut self, token_sha256: [u8; 32], caller: Principal) {
        if self.tokens.len() >= MAX_ENTRIES {
            self.tokens.clear();
        }
        self.tokens.insert(token_sha256, caller);
    }

    /// The claim as last read.
    pub fn claim(&self, id: ClaimId) -> Option<&Claim> {
        self.claims.get(&id)
    }

    /// Keeps `claim` unless it is leased: a lease ends when its time
    /// passes, with no commit to say so, so a leased claim is read anew.
    pub fn remember_claim(&mut self, claim: &Claim) {
        if claim.review.lease.is_some() {
            return;
        }
        if self.claims.len() >= MAX_ENTRIES {
            self.claims.clear();
        }
        self.claims.insert(claim.id, claim.clone());
    }
}

//! Claim embeddings (issue 15): the claims still to embed, the embedder's
//! answers stored only while the claim still has the text they were made
//! from, and the stored vectors read back for the in-memory index.

use rusqlite::{Connection, params};

use crate::model::{ClaimEmbedding, ClaimId};
use crate::store::Result;

/// Claims with no embedding of `model`, in id order after `after`, with their text.
pub fn to_embed(
    conn: &Connection,
    model: &str,
    after: ClaimId,
    limit: u32,
) -> Result<Vec<(ClaimId, String)>> {
    let mut statement = conn.prepare_cached(
        "SELECT c.id, c.text FROM claims c \
         WHERE c.id > ?1 AND NOT EXISTS \
             (SELECT 1 FROM claim_embeddings e WHERE e.claim_id = c.id AND e.model = ?2) \
         ORDER BY c.id LIMIT ?3",
    )?;
    let rows = statement
        .query_map(params![after.0, model, limit], |row| {
            Ok((ClaimId(row.get(0)?), row.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Stores each embedding whose claim still has `text` (a claim corrected
/// or deleted since is skipped: it is embedded again, or not at all), in
/// one transaction; returns the embeddings stored.
pub fn put(
    conn: &mut Connection,
    model: &str,
    embeddings: Vec<(String, ClaimEmbedding)>,
) -> Result<Vec<ClaimEmbedding>> {
    let transaction = conn.transaction()?;
    let mut stored = Vec::with_capacity(embeddings.len());
    {
        let mut statement = transaction.prepare_cached(
            "INSERT OR REPLACE INTO claim_embeddings (claim_id, model, scale, vector) \
             SELECT id, ?2, ?3, ?4 FROM claims WHERE id = ?1 AND text = ?5",
        )?;
        for (text, embedding) in embeddings {
            let bytes: Vec<u8> = embedding.vector.iter().map(|&v| v as u8).collect();
            let changed = statement.execute(params![
                embedding.claim_id.0,
                model,
                f64::from(embedding.scale),
                bytes,
                text
            ])?;
            if changed == 1 {
                stored.push(embedding);
            }
        }
    }
    transaction.commit()?;
    Ok(stored)
}

/// Stored embeddings of `model` in claim id order after `after`, at most `limit`.
pub fn list(conn: &Connection, model: &str, after: ClaimId, limit: u32) -> Result<Vec<ClaimEmbedding>> {
    let mut statement = conn.prepare_cached(
        "SELECT claim_id, scale, vector FROM claim_embeddings \
         WHERE claim_id > ?1 AND model = ?2 ORDER BY claim_id LIMIT ?3",
    )?;
    let rows = statement
        .query_map(params![after.0, model, limit], |row| {
            let bytes: Vec<u8> = row.get(2)?;
            Ok(ClaimEmbedding {
                claim_id: ClaimId(row.get(0)?),
                scale: row.get::<_, f64>(1)? as f32,
                vector: bytes.into_iter().map(|b| b as i8).collect(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

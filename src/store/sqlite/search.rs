//! Full-text search over claims with FTS5: which matches to rank, BM25 over those, snippets.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::claims;
use super::filter_sql::{Sql, push_filter};
use crate::model::{Claim, ClaimId};
use crate::names;
use crate::review::filter::{Field, Filter};
use crate::review::search;
use crate::store::{Result, SearchHit, SearchPage, SearchQuery, StoreError};

/// The most words of a sentence a search result shows.
const SNIPPET_WORDS: usize = 24;

/// The BM25 weights of the indexed columns: the claim text counts most,
/// then its sentence, then the speaker.
const BM25: &str = "bm25(claims_fts, 10.0, 4.0, 2.0)";

/// Full-text search, best match first (lowest BM25 score), with snippets.
///
/// SQLite computes every result column of every matching row before it
/// sorts, and BM25 costs about a microsecond per row it scores, so the
/// steps are: choose the matches to rank (below), score only those and
/// keep the best `limit` ids, then load the claims of those few and mark
/// them with `review::search`.
///
/// Which matches are ranked: without a filter, all of them, or with a
/// `window`, on a first page that matches more claims than the window
/// holds, only the newest `window`. With a filter, the matches the filter
/// keeps, found by walking the text matches newest first and testing each
/// claim (at most `SCANNED_PER_WINDOWED` times the window of them when
/// windowed); SQLite would otherwise look each claim the filter keeps up in
/// the text index, re-counting the word's matches for BM25 every time
/// (about a second for a common word and one speaker's claims). The floor
/// below the ranked matches is returned for later pages.
pub fn search(conn: &Connection, query: &SearchQuery) -> Result<SearchPage> {
    // One snapshot for all steps, so a claim corrected in between cannot
    // lose its match.
    let snapshot = conn.unchecked_transaction()?;
    let conn: &Connection = &snapshot;
    let first_page_window = if query.after.is_none() { query.window } else { None };
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT claims_fts.rowid, {BM25} AS score FROM claims_fts WHERE claims_fts MATCH ?"
    ));
    sql.bind(SqlValue::Text(query.fts.clone()));
    let window_floor = if query.filter.conditions.is_empty() {
        let floor = match first_page_window {
            Some(window) => nth_newest_match(conn, &query.fts, window, ALL_IDS)?,
            None => query.above,
        };
        if let Some(floor) = floor {
            sql.push(" AND claims_fts.rowid > ?");
            sql.bind(SqlValue::Integer(floor.0));
        }
        floor
    } else {
        let (candidates, floor) = filtered_matches(conn, query, first_page_window)?;
        let (Some(&lowest), Some(&highest)) = (candidates.last(), candidates.first()) else {
            snapshot.finish()?;
            return Ok(SearchPage {
                hits: Vec::new(),
                window_floor: floor,
            });
        };
        // The `+` keeps SQLite from looking each candidate up in the index
        // (see above): the index is walked over the candidates' range once
        // and each match tested against the list.
        sql.push(
            " AND claims_fts.rowid BETWEEN ? AND ? AND +claims_fts.rowid IN (SELECT value FROM json_each(?))",
        );
        sql.bind(SqlValue::Integer(lowest));
        sql.bind(SqlValue::Integer(highest));
        sql.bind(SqlValue::Text(format!("{candidates:?}")));
        floor
    };
    if let Some((score, id)) = query.after {
        sql.push(&format!(
            " AND ({BM25} > ? OR ({BM25} = ? AND claims_fts.rowid > ?))"
        ));
        sql.bind(SqlValue::Real(score));
        sql.bind(SqlValue::Real(score));
        sql.bind(SqlValue::Integer(id.0));
    }
    sql.push(" ORDER BY score, claims_fts.rowid LIMIT ?");
    sql.bind(SqlValue::Integer(i64::from(query.limit)));
    let best: Vec<(i64, f64)> = conn
        .prepare_cached(&sql.text)?
        .query_map(params_from_iter(sql.params.iter()), |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if best.is_empty() {
        return Ok(SearchPage {
            hits: Vec::new(),
            window_floor,
        });
    }
    // The page's claims in one query; their words are marked here rather
    // than by FTS5's highlight(), which would look the match up again.
    let ids: Vec<i64> = best.iter().map(|(id, _)| *id).collect();
    let mut claims = claims::get_many(conn, &ids)?;
    let mut hits = Vec::with_capacity(best.len());
    for (id, score) in best {
        let claim = claims.remove(&id).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "search hit {} vanished within a snapshot",
                names::claim(ClaimId(id))
            ))
        })?;
        hits.push(SearchHit {
            text_snippet: search::highlight(&claim.text, &query.mark_terms),
            sentence_snippet: search::snippet(&claim.sentence, &query.mark_terms, SNIPPET_WORDS),
            claim,
            score,
        });
    }
    snapshot.finish()?;
    Ok(SearchPage { hits, window_floor })
}

/// Every claim id, as an inclusive range.
const ALL_IDS: (i64, i64) = (1, i64::MAX);

/// How many text matches a windowed, filtered search tests against the
/// filter, per claim of the window: a bound on the time a selective filter
/// can take (about half a microsecond per match tested).
const SCANNED_PER_WINDOWED: u32 = 4;

/// The id of the `(n + 1)`-th newest claim matching the FTS5 expression
/// among those with ids in `ids` (inclusive), `None` when no more than `n`
/// match. FTS5 walks its matches newest first
/// without scoring them.
fn nth_newest_match(conn: &Connection, fts: &str, n: u32, ids: (i64, i64)) -> Result<Option<ClaimId>> {
    let floor = conn
        .prepare_cached(
            "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 \
             ORDER BY rowid DESC LIMIT 1 OFFSET ?4",
        )?
        .query_row(params![fts, ids.0, ids.1, n], |row| row.get(0))
        .optional()?;
    Ok(floor.map(ClaimId))
}

/// The range of ids the filter's `create_time` conditions allow, found in
/// the `create_time` index: claims are numbered in the order they are
/// stored, so "the newest matches" of a search for older claims are the
/// newest of that time, not the newest overall. `Some(None)` when no claim
/// meets them; `None` when the filter has no such condition.
fn create_time_ids(conn: &Connection, filter: &Filter) -> Result<Option<Option<(i64, i64)>>> {
    let times = Filter {
        conditions: filter
            .conditions
            .iter()
            .filter(|condition| condition.field == Field::CreateTime)
            .cloned()
            .collect(),
    };
    if times.conditions.is_empty() {
        return Ok(None);
    }
    let end = |order: &str| -> Result<Option<i64>> {
        let mut sql = Sql::default();
        sql.push("SELECT c.id FROM claims c WHERE 1");
        push_filter(&mut sql, &times);
        sql.push(&format!(" ORDER BY c.create_time {order}, c.id {order} LIMIT 1"));
        Ok(conn
            .prepare_cached(&sql.text)?
            .query_row(params_from_iter(sql.params.iter()), |row| row.get(0))
            .optional()?)
    };
    let (lowest, highest) = (end("ASC")?, end("DESC")?);
    Ok(Some(lowest.zip(highest)))
}

/// The ids of the claims matching the query's words and filter, newest
/// first, and the floor below them when not all were taken: on a first
/// page with a `window`, at most `window` of them among the newest
/// `SCANNED_PER_WINDOWED * window` text matches; otherwise those above
/// `query.above`.
///
/// Windowed, the text matches are walked once, newest first, each with
/// whether its claim passes the filter, and the walk stops at the window's
/// end or its scan bound (issue 16: finding the bound first, by a walk of
/// its own, cost a third of a common word's search).
fn filtered_matches(
    conn: &Connection,
    query: &SearchQuery,
    window: Option<u32>,
) -> Result<(Vec<i64>, Option<ClaimId>)> {
    let ids = match create_time_ids(conn, &query.filter)? {
        None => ALL_IDS,
        Some(Some(ids)) => ids,
        Some(None) => return Ok((Vec::new(), None)),
    };
    let Some(window) = window else {
        return filtered_matches_above(conn, query, ids);
    };
    // CROSS JOIN fixes the order: text matches first, then their claims.
    let mut sql = Sql::default();
    sql.push("SELECT claims_fts.rowid, (1");
    push_filter(&mut sql, &query.filter);
    sql.push(
        ") FROM claims_fts CROSS JOIN claims c ON c.id = claims_fts.rowid \
         WHERE claims_fts MATCH ? AND claims_fts.rowid BETWEEN ? AND ? ORDER BY claims_fts.rowid DESC",
    );
    sql.bind(SqlValue::Text(query.fts.clone()));
    sql.bind(SqlValue::Integer(ids.0));
    sql.bind(SqlValue::Integer(ids.1));
    let scan_bound = window.saturating_mul(SCANNED_PER_WINDOWED) as usize;
    let mut statement = conn.prepare_cached(&sql.text)?;
    let mut rows = statement.query(params_from_iter(sql.params.iter()))?;
    let mut kept = Vec::new();
    let mut n_scanned = 0;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if n_scanned == scan_bound {
            // The newest text match beyond the bound: later pages rank
            // only above it, as this one does.
            return Ok((kept, Some(ClaimId(id))));
        }
        n_scanned += 1;
        // NULL, as in a WHERE clause, is not a pass.
        if row.get::<_, Option<bool>>(1)?.unwrap_or(false) {
            if kept.len() == window as usize {
                return Ok((kept, Some(ClaimId(id))));
            }
            kept.push(id);
        }
    }
    Ok((kept, None))
}

/// As [`filtered_matches`] unwindowed: every match above `query.above`.
fn filtered_matches_above(
    conn: &Connection,
    query: &SearchQuery,
    ids: (i64, i64),
) -> Result<(Vec<i64>, Option<ClaimId>)> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT claims_fts.rowid FROM claims_fts CROSS JOIN claims c ON c.id = claims_fts.rowid \
         WHERE claims_fts MATCH ? AND claims_fts.rowid BETWEEN ? AND ?",
    );
    sql.bind(SqlValue::Text(query.fts.clone()));
    sql.bind(SqlValue::Integer(ids.0));
    sql.bind(SqlValue::Integer(ids.1));
    if let Some(floor) = query.above {
        sql.push(" AND claims_fts.rowid > ?");
        sql.bind(SqlValue::Integer(floor.0));
    }
    push_filter(&mut sql, &query.filter);
    sql.push(" ORDER BY claims_fts.rowid DESC");
    let ids: Vec<i64> = conn
        .prepare_cached(&sql.text)?
        .query_map(params_from_iter(sql.params.iter()), |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((ids, query.above))
}

/// The most index entries (claims holding a word, summed over the words) one
/// match may walk: BM25 costs about a microsecond per entry, so a text of
/// common words on a million claims would otherwise score most of them.
/// The commonest words are dropped until the rest fit (the rarest is kept).
pub const MAX_MATCHED_ENTRIES: i64 = 200_000;

/// Claims sharing words with a text, best BM25 first (BM25's score, lower
/// is better, negated so that higher is better), at most `limit`, read in
/// one snapshot with their children. Of
/// `terms` (from `review::similar::match_terms`, at most 48), words no claim
/// holds are left out, and the rarest words within [`MAX_MATCHED_ENTRIES`]
/// are matched, their document counts read from an `fts5vocab` table over
/// the index. (Keeping only the rarest 16 words cost MAP@5 0.02–0.05 on
/// CheckThat! 2A: tweets are long.)
pub fn similar(conn: &Connection, terms: &[String], limit: u32) -> Result<Vec<(Claim, f64)>> {
    let snapshot = conn.unchecked_transaction()?;
    let conn: &Connection = &snapshot;
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.claims_vocab USING fts5vocab(main, claims_fts, row)",
    )?;
    let mut counts = Vec::with_capacity(terms.len());
    {
        let mut statement = conn.prepare_cached("SELECT doc FROM temp.claims_vocab WHERE term = ?1")?;
        for term in terms {
            let doc: Option<i64> = statement.query_row([term], |row| row.get(0)).optional()?;
            if let Some(doc) = doc.filter(|&doc| doc > 0) {
                counts.push((doc, term.clone()));
            }
        }
    }
    counts.sort();
    let mut total = 0;
    let kept = counts
        .iter()
        .take_while(|(doc, _)| {
            total += doc;
            total <= MAX_MATCHED_ENTRIES
        })
        .count()
        .max(1);
    counts.truncate(kept);
    let chosen: Vec<String> = counts.into_iter().map(|(_, term)| term).collect();
    let Some(fts) = crate::review::similar::fts_any(&chosen) else {
        return Ok(Vec::new());
    };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT rowid, {BM25} AS score FROM claims_fts WHERE claims_fts MATCH ?1 ORDER BY score LIMIT ?2"
    ))?;
    let ranked: Vec<(i64, f64)> = statement
        .query_map(params![fts, limit], |row| {
            Ok((row.get(0)?, -row.get::<_, f64>(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let ids: Vec<i64> = ranked.iter().map(|(id, _)| *id).collect();
    let mut claims = claims::get_many(conn, &ids)?;
    drop(statement);
    snapshot.finish()?;
    // Within the snapshot every ranked claim exists.
    Ok(ranked
        .into_iter()
        .filter_map(|(id, score)| claims.remove(&id).map(|claim| (claim, score)))
        .collect())
}

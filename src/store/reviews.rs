//! SQL for reviewing: the review queue and leases, reviews, claim corrections, filtered and
//! full-text listing, statistics and the audit log. Filters arrive as ASTs from
//! `review::filter`; user input reaches SQL only as bound parameters.

use std::collections::HashMap;
use std::time::Duration;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::claims::{self, COLUMNS};
use super::{
    AcquireQuery, AuditEvent, ClaimChange, ClaimEdit, ClaimHistory, ClaimListQuery, QueueCounts, Result,
    ReviewStats, ReviewerCount, SearchHit, SearchPage, SearchQuery, StoreError, time,
};
use crate::model::{Claim, ClaimId, ClaimKind, ClaimStatus, NewReview, Principal, Review, ReviewId, Verdict};
use crate::review::filter::{Condition, Field, Filter, Op, OrderField, OrderKey, SortValue, Value};
use crate::review::rules::{self, Judgement, ReviewPolicy};
use crate::review::search;

/// Only checkable claims are handed out for review: opinions and predictions
/// not yet due cannot be checked against facts.
pub const CHECKABLE_CONDITION: &str = " AND c.checkable = 1";

/// How a filter field reads in SQL. Every value is a bound parameter.
enum FieldSql {
    /// A column of `claims c`, compared directly; `!=` treats NULL as a value.
    Column(&'static str),
    /// A correlated subquery: `= x` means a matching row exists, `!= x` that none does.
    Exists(&'static str),
    /// A date range test over `claim_dates d`; all date conditions of a
    /// filter must hold for the same date.
    Dates,
}

/// The SQL side of the filter table in `review::filter`. `kind`,
/// `checkable`, `entity` and `date` read what migration 0002 (issue 3) adds.
/// `review::matching` decides filters on a claim in memory with the same
/// meaning; `matching_proptests.rs` holds the two together.
fn field_sql(field: Field) -> FieldSql {
    match field {
        Field::Status => FieldSql::Column("c.review_state"),
        Field::Verdict => FieldSql::Column("c.verdict"),
        Field::Kind => FieldSql::Column("c.kind"),
        Field::Checkable => FieldSql::Column("c.checkable"),
        Field::Speaker => FieldSql::Column("c.speaker"),
        Field::Article => FieldSql::Column("c.article_id"),
        Field::Checkworthiness => FieldSql::Column("c.checkworthiness"),
        Field::CreateTime => FieldSql::Column("c.create_time"),
        Field::Entity => {
            FieldSql::Exists("SELECT 1 FROM claim_entities e WHERE e.claim_id = c.id AND e.name = ?")
        }
        Field::Reviewer => {
            FieldSql::Exists("SELECT 1 FROM reviews r WHERE r.claim_id = c.id AND r.reviewer = ?")
        }
        Field::Date => FieldSql::Dates,
    }
}

fn sql_value(value: &Value) -> SqlValue {
    match value {
        Value::Text(text) => SqlValue::Text(text.clone()),
        Value::Int(int) => SqlValue::Integer(*int),
        Value::Real(real) => SqlValue::Real(*real),
        Value::Bool(flag) => SqlValue::Integer(i64::from(*flag)),
    }
}

/// SQL text with its bound parameters, built in order.
#[derive(Default)]
struct Sql {
    text: String,
    params: Vec<SqlValue>,
}

impl Sql {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind(&mut self, value: SqlValue) {
        self.params.push(value);
    }
}

/// Appends ` AND …` for each condition of `filter`.
fn push_filter(sql: &mut Sql, filter: &Filter) {
    let mut dates: Vec<&Condition> = Vec::new();
    for condition in &filter.conditions {
        match field_sql(condition.field) {
            FieldSql::Column(column) => {
                let op = match condition.op {
                    // NULL (no verdict yet) is "not FALSE" too.
                    Op::Ne => "IS NOT",
                    op => op.as_str(),
                };
                sql.push(&format!(" AND {column} {op} ?"));
                sql.bind(sql_value(&condition.value));
            }
            FieldSql::Exists(subquery) => {
                let negation = if condition.op == Op::Ne { "NOT " } else { "" };
                sql.push(&format!(" AND {negation}EXISTS ({subquery})"));
                sql.bind(sql_value(&condition.value));
            }
            FieldSql::Dates => dates.push(condition),
        }
    }
    if !dates.is_empty() {
        sql.push(" AND EXISTS (SELECT 1 FROM claim_dates d WHERE d.claim_id = c.id");
        for condition in dates {
            let value = sql_value(&condition.value);
            // A claim date is a range [start, end]; `date op x` asks whether
            // some day of it stands in that relation to x.
            let test = match condition.op {
                Op::Eq => " AND d.start <= ? AND d.\"end\" >= ?",
                Op::Ne => " AND NOT (d.start <= ? AND d.\"end\" >= ?)",
                Op::Lt => " AND d.start < ?",
                Op::Le => " AND d.start <= ?",
                Op::Gt => " AND d.\"end\" > ?",
                Op::Ge => " AND d.\"end\" >= ?",
            };
            let n_params = test.matches('?').count();
            sql.push(test);
            for _ in 0..n_params {
                sql.bind(value.clone());
            }
        }
        sql.push(")");
    }
}

fn order_column(field: OrderField) -> &'static str {
    match field {
        OrderField::CreateTime => "c.create_time",
        OrderField::Checkworthiness => "c.checkworthiness",
        OrderField::Name => "c.id",
    }
}

fn sort_sql_value(value: SortValue) -> SqlValue {
    match value {
        SortValue::Int(int) => SqlValue::Integer(int),
        SortValue::Real(real) => SqlValue::Real(real),
    }
}

/// Appends the keyset condition "after `after` in the order `keys`".
fn push_after(sql: &mut Sql, keys: &[OrderKey], after: &[SortValue]) -> Result<()> {
    if keys.len() != after.len() {
        return Err(StoreError::Invalid(
            "the page position does not fit the order".into(),
        ));
    }
    let uniform = keys.iter().all(|key| key.descending == keys[0].descending);
    if uniform {
        // One row-value comparison, which SQLite can run as an index range.
        let columns: Vec<&str> = keys.iter().map(|key| order_column(key.field)).collect();
        let marks = vec!["?"; keys.len()].join(", ");
        let op = if keys[0].descending { "<" } else { ">" };
        sql.push(&format!(" AND ({}) {op} ({marks})", columns.join(", ")));
        for value in after {
            sql.bind(sort_sql_value(*value));
        }
        return Ok(());
    }
    let mut alternatives = Vec::new();
    let mut params = Vec::new();
    for (idx, key) in keys.iter().enumerate() {
        let mut parts = Vec::new();
        for (earlier, value) in keys[..idx].iter().zip(after) {
            parts.push(format!("{} = ?", order_column(earlier.field)));
            params.push(sort_sql_value(*value));
        }
        let op = if key.descending { "<" } else { ">" };
        parts.push(format!("{} {op} ?", order_column(key.field)));
        params.push(sort_sql_value(after[idx]));
        alternatives.push(format!("({})", parts.join(" AND ")));
    }
    sql.push(&format!(" AND ({})", alternatives.join(" OR ")));
    sql.params.extend(params);
    Ok(())
}

fn push_order(sql: &mut Sql, keys: &[OrderKey]) {
    let terms: Vec<String> = keys
        .iter()
        .map(|key| {
            let direction = if key.descending { "DESC" } else { "ASC" };
            format!("{} {direction}", order_column(key.field))
        })
        .collect();
    sql.push(&format!(" ORDER BY {}", terms.join(", ")));
}

/// Claims matching a filter, in the order asked, after a keyset position.
pub fn list(conn: &Connection, query: &ClaimListQuery) -> Result<Vec<Claim>> {
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {COLUMNS} FROM claims c WHERE 1"));
    push_filter(&mut sql, &query.filter);
    if let Some(after) = &query.after {
        push_after(&mut sql, &query.order, after)?;
    }
    push_order(&mut sql, &query.order);
    sql.push(" LIMIT ?");
    sql.bind(SqlValue::Integer(i64::from(query.limit)));
    let mut statement = conn.prepare_cached(&sql.text)?;
    let mut claims: Vec<Claim> = statement
        .query_map(params_from_iter(sql.params.iter()), claims::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    claims::attach_children(conn, &mut claims)?;
    Ok(claims)
}

/// Whether claim `id` matches `filter`.
pub fn matches(conn: &Connection, id: ClaimId, filter: &Filter) -> Result<bool> {
    let mut sql = Sql::default();
    sql.push("SELECT 1 FROM claims c WHERE c.id = ?");
    sql.bind(SqlValue::Integer(id.0));
    push_filter(&mut sql, filter);
    Ok(conn
        .prepare_cached(&sql.text)?
        .query_row(params_from_iter(sql.params.iter()), |_| Ok(()))
        .optional()?
        .is_some())
}

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
    let marks = vec!["?"; best.len()].join(", ");
    let ids: Vec<SqlValue> = best.iter().map(|(id, _)| SqlValue::Integer(*id)).collect();
    let mut page_claims: Vec<Claim> = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM claims c WHERE c.id IN ({marks})"))?
        .query_map(params_from_iter(ids.iter()), claims::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    claims::attach_children(conn, &mut page_claims)?;
    let mut claims: HashMap<i64, Claim> = page_claims.into_iter().map(|claim| (claim.id.0, claim)).collect();
    let mut hits = Vec::with_capacity(best.len());
    for (id, score) in best {
        let claim = claims.remove(&id).ok_or_else(|| {
            StoreError::Corrupt(format!("search hit claims/{id} vanished within a snapshot"))
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
    let scan_floor = match window {
        Some(window) => nth_newest_match(conn, &query.fts, window.saturating_mul(SCANNED_PER_WINDOWED), ids)?,
        None => query.above,
    };
    // CROSS JOIN fixes the order: text matches first, then their claims.
    let mut sql = Sql::default();
    sql.push(
        "SELECT claims_fts.rowid FROM claims_fts CROSS JOIN claims c ON c.id = claims_fts.rowid \
         WHERE claims_fts MATCH ? AND claims_fts.rowid BETWEEN ? AND ?",
    );
    sql.bind(SqlValue::Text(query.fts.clone()));
    sql.bind(SqlValue::Integer(ids.0));
    sql.bind(SqlValue::Integer(ids.1));
    if let Some(floor) = scan_floor {
        sql.push(" AND claims_fts.rowid > ?");
        sql.bind(SqlValue::Integer(floor.0));
    }
    push_filter(&mut sql, &query.filter);
    sql.push(" ORDER BY claims_fts.rowid DESC");
    if let Some(window) = window {
        sql.push(" LIMIT ?");
        sql.bind(SqlValue::Integer(i64::from(window) + 1));
    }
    let mut ids: Vec<i64> = conn
        .prepare_cached(&sql.text)?
        .query_map(params_from_iter(sql.params.iter()), |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let window_floor = match window {
        Some(window) if ids.len() > window as usize => {
            let floor = ids.pop().map(ClaimId);
            ids.truncate(window as usize);
            floor
        }
        _ => scan_floor,
    };
    Ok((ids, window_floor))
}

/// Records one write in the audit log, inside the write's transaction.
pub fn audit(
    tx: &Transaction<'_>,
    actor: &Principal,
    method: &str,
    resource: &str,
    details: &str,
) -> Result<()> {
    insert_audit(tx, &actor.name, Some(actor.token_id), method, resource, details)
}

/// Records a write made without a token (on the server's machine, e.g.
/// `claimdb token create`), with `actor` naming where it came from.
pub fn audit_local(
    tx: &Transaction<'_>,
    actor: &str,
    method: &str,
    resource: &str,
    details: &str,
) -> Result<()> {
    insert_audit(tx, actor, None, method, resource, details)
}

fn insert_audit(
    tx: &Transaction<'_>,
    actor: &str,
    token_id: Option<i64>,
    method: &str,
    resource: &str,
    details: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_events (create_time, actor, token_id, method, resource, details) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        time::now_micros(),
        actor,
        token_id,
        method,
        resource,
        details
    ])?;
    Ok(())
}

fn claim_name(id: ClaimId) -> String {
    format!("claims/{}", id.0)
}

/// Hands `query.holder` the most check-worthy claim in the queue that
/// matches the filter and nobody holds, leased until `now + lease`; `None`
/// when there is none. One transaction on the single writer, so two
/// callers can never be handed the same claim.
pub fn acquire(conn: &mut Connection, query: &AcquireQuery) -> Result<Option<Claim>> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let held: i64 = tx
        .prepare_cached("SELECT count(*) FROM claims WHERE lease_holder = ?1 AND lease_expire_time > ?2")?
        .query_row(params![query.holder.name, now], |row| row.get(0))?;
    if held >= i64::from(query.max_leases) {
        return Err(StoreError::QuotaExceeded(format!(
            "{} already holds {held} claims, the most a reviewer may hold at once \
             (claimdb serve --max-leases); review or release one first",
            query.holder.name
        )));
    }
    let mut sql = Sql::default();
    sql.push("SELECT c.id FROM claims c WHERE (c.lease_expire_time IS NULL OR c.lease_expire_time <= ?)");
    sql.bind(SqlValue::Integer(now));
    if query.policy.second_review {
        // Also claims waiting for a second opinion, or disputed, from
        // someone other than whoever judged them last.
        sql.push(" AND (c.review_state = 'UNREVIEWED' OR (c.verdict_final = 0 AND c.last_reviewer != ?))");
        sql.bind(SqlValue::Text(query.holder.name.clone()));
    } else {
        sql.push(" AND c.review_state = 'UNREVIEWED'");
    }
    sql.push(CHECKABLE_CONDITION);
    push_filter(&mut sql, &query.filter);
    sql.push(" ORDER BY c.checkworthiness DESC, c.id DESC LIMIT 1");
    let id: Option<i64> = tx
        .prepare_cached(&sql.text)?
        .query_row(params_from_iter(sql.params.iter()), |row| row.get(0))
        .optional()?;
    let Some(id) = id else {
        return Ok(None);
    };
    let expire = now.saturating_add(i64::try_from(query.lease.as_micros()).unwrap_or(i64::MAX));
    tx.prepare_cached("UPDATE claims SET lease_holder = ?1, lease_expire_time = ?2 WHERE id = ?3")?
        .execute(params![query.holder.name, expire, id])?;
    audit(
        &tx,
        &query.holder,
        "AcquireClaim",
        &claim_name(ClaimId(id)),
        &format!("leased for {} s", query.lease.as_secs()),
    )?;
    let claim = claims::get(&tx, ClaimId(id))?;
    tx.commit()?;
    Ok(Some(claim))
}

/// Whether someone other than `name` holds `claim` now.
fn held_by_other(claim: &Claim, name: &str, now: i64) -> Option<String> {
    claim
        .review
        .lease
        .as_ref()
        .filter(|lease| time::to_micros(lease.expire_time) > now && lease.holder != name)
        .map(|lease| lease.holder.clone())
}

/// Gives a claim back before its lease ends. Only its holder may.
pub fn release(conn: &mut Connection, holder: &Principal, id: ClaimId) -> Result<Claim> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let claim = claims::get(&tx, id)?;
    let held = claim
        .review
        .lease
        .as_ref()
        .is_some_and(|lease| lease.holder == holder.name && time::to_micros(lease.expire_time) > now);
    if !held {
        return Err(StoreError::WrongState(format!(
            "{} is not leased to {}",
            claim_name(id),
            holder.name
        )));
    }
    tx.prepare_cached("UPDATE claims SET lease_holder = NULL, lease_expire_time = NULL WHERE id = ?1")?
        .execute([id.0])?;
    audit(&tx, holder, "ReleaseClaim", &claim_name(id), "")?;
    let claim = claims::get(&tx, id)?;
    tx.commit()?;
    Ok(claim)
}

fn check_etag(claim: &Claim, etag: &str) -> Result<()> {
    if rules::etag_matches(etag, claim.review.version) {
        Ok(())
    } else {
        Err(StoreError::EtagMismatch(format!(
            "etag {etag:?} is not the current etag of {}: it changed since it was read; read it again",
            claim_name(claim.id)
        )))
    }
}

fn history(tx: &Transaction<'_>, id: ClaimId) -> Result<Vec<(String, Verdict)>> {
    let mut statement =
        tx.prepare_cached("SELECT reviewer, verdict FROM reviews WHERE claim_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([id.0], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut history = Vec::new();
    for row in rows {
        let (reviewer, verdict) = row?;
        let verdict = verdict
            .parse::<Verdict>()
            .map_err(|err| StoreError::Corrupt(format!("review of {}: {err}", claim_name(id))))?;
        history.push((reviewer, verdict));
    }
    Ok(history)
}

fn judgements(history: &[(String, Verdict)]) -> Vec<Judgement<'_>> {
    history
        .iter()
        .map(|(reviewer, verdict)| Judgement {
            reviewer,
            verdict: *verdict,
        })
        .collect()
}

/// Stores a review if `review.etag` is the claim's current etag and nobody
/// else holds the claim, and sets the claim's state from its history.
pub fn submit(
    conn: &mut Connection,
    reviewer: &Principal,
    review: &NewReview,
    policy: ReviewPolicy,
) -> Result<(Claim, Review)> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let claim = claims::get(&tx, review.claim_id)?;
    check_etag(&claim, &review.etag)?;
    if let Some(holder) = held_by_other(&claim, &reviewer.name, now) {
        return Err(StoreError::HeldByOther(format!(
            "{} is leased to {holder}",
            claim_name(claim.id)
        )));
    }
    tx.prepare_cached(
        "INSERT INTO reviews (claim_id, reviewer, token_id, verdict, rationale, create_time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        claim.id.0,
        reviewer.name,
        reviewer.token_id,
        review.verdict.as_str(),
        review.rationale,
        now
    ])?;
    let review_id = ReviewId(tx.last_insert_rowid());
    {
        let mut insert =
            tx.prepare_cached("INSERT INTO review_evidence (review_id, idx, url) VALUES (?1, ?2, ?3)")?;
        for (idx, url) in review.evidence_urls.iter().enumerate() {
            insert.execute(params![review_id.0, idx as i64, url])?;
        }
    }
    let history = history(&tx, claim.id)?;
    let outcome = rules::outcome(&judgements(&history), policy);
    let legacy_status = if outcome.status == ClaimStatus::Unreviewed {
        "UNREVIEWED"
    } else {
        "REVIEWED"
    };
    tx.prepare_cached(
        "UPDATE claims SET review_state = ?1, status = ?2, verdict = ?3, verdict_final = ?4, \
         last_reviewer = ?5, version = version + 1, lease_holder = NULL, lease_expire_time = NULL, \
         update_time = ?6 WHERE id = ?7",
    )?
    .execute(params![
        outcome.status.as_str(),
        legacy_status,
        outcome.verdict.map(Verdict::as_str),
        outcome.verdict_final,
        reviewer.name,
        now,
        claim.id.0
    ])?;
    audit(
        &tx,
        reviewer,
        "SubmitReview",
        &claim_name(claim.id),
        &format!(
            "verdict {} → claim {}{}",
            review.verdict,
            outcome.status.as_str(),
            if outcome.verdict_final { ", final" } else { "" }
        ),
    )?;
    let claim = claims::get(&tx, claim.id)?;
    tx.commit()?;
    let stored = Review {
        id: review_id,
        claim_id: claim.id,
        reviewer: reviewer.name.clone(),
        verdict: review.verdict,
        rationale: review.rationale.clone(),
        evidence_urls: review.evidence_urls.clone(),
        create_time: time::from_micros(now),
    };
    Ok((claim, stored))
}

/// A claim's reviews, oldest first, after `after`.
pub fn list_reviews(
    conn: &Connection,
    id: ClaimId,
    after: Option<ReviewId>,
    limit: u32,
) -> Result<Vec<Review>> {
    claims::get(conn, id)?;
    let mut statement = conn.prepare_cached(
        "SELECT id, reviewer, verdict, rationale, create_time FROM reviews \
         WHERE claim_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = statement.query_map(params![id.0, after.map_or(0, |after| after.0), limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
        ))
    })?;
    let mut evidence =
        conn.prepare_cached("SELECT url FROM review_evidence WHERE review_id = ?1 ORDER BY idx")?;
    let mut reviews = Vec::new();
    for row in rows {
        let (review_id, reviewer, verdict, rationale, create_time) = row?;
        let verdict = verdict
            .parse::<Verdict>()
            .map_err(|err| StoreError::Corrupt(format!("review {review_id}: {err}")))?;
        let evidence_urls = evidence
            .query_map([review_id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        reviews.push(Review {
            id: ReviewId(review_id),
            claim_id: id,
            reviewer,
            verdict,
            rationale,
            evidence_urls,
            create_time: time::from_micros(create_time),
        });
    }
    Ok(reviews)
}

/// Corrects a claim's text or speaker if `etag` is current, keeping the
/// earlier values in `claim_history`.
pub fn update(
    conn: &mut Connection,
    editor: &Principal,
    id: ClaimId,
    etag: &str,
    edit: &ClaimEdit,
) -> Result<Claim> {
    let tx = conn.transaction()?;
    let now = time::now_micros();
    let claim = claims::get(&tx, id)?;
    check_etag(&claim, etag)?;
    if let Some(holder) = held_by_other(&claim, &editor.name, now) {
        return Err(StoreError::HeldByOther(format!(
            "{} is leased to {holder}",
            claim_name(id)
        )));
    }
    let bool_name = |value: bool| if value { "true" } else { "false" };
    let changes: Vec<(&str, &str, &str)> = [
        ("text", claim.text.as_str(), edit.text.as_deref()),
        ("speaker", claim.speaker.as_str(), edit.speaker.as_deref()),
        (
            "kind",
            claim.details.kind.as_str(),
            edit.kind.map(ClaimKind::as_str),
        ),
        (
            "checkable",
            bool_name(claim.details.checkable),
            edit.checkable.map(bool_name),
        ),
    ]
    .into_iter()
    .filter_map(|(field, old, new)| new.filter(|new| *new != old).map(|new| (field, old, new)))
    .collect();
    if changes.is_empty() {
        return Ok(claim);
    }
    let mut details = Vec::new();
    for (field, old, new) in &changes {
        tx.prepare_cached(
            "INSERT INTO claim_history (claim_id, version, field, old_value, new_value, editor, create_time) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id.0,
            claim.review.version,
            field,
            old,
            new,
            editor.name,
            now
        ])?;
        details.push(format!("{field}: {old:?} → {new:?}"));
    }
    tx.prepare_cached(
        "UPDATE claims SET text = ?1, speaker = ?2, kind = ?3, checkable = ?4, \
         version = version + 1, update_time = ?5 WHERE id = ?6",
    )?
    .execute(params![
        edit.text.as_deref().unwrap_or(&claim.text),
        edit.speaker.as_deref().unwrap_or(&claim.speaker),
        edit.kind.unwrap_or(claim.details.kind).as_str(),
        edit.checkable.unwrap_or(claim.details.checkable),
        now,
        id.0
    ])?;
    audit(&tx, editor, "UpdateClaim", &claim_name(id), &details.join("; "))?;
    let claim = claims::get(&tx, id)?;
    tx.commit()?;
    Ok(claim)
}

/// A claim with its corrections and reviews, oldest first, from one snapshot.
pub fn claim_history(conn: &Connection, id: ClaimId) -> Result<ClaimHistory> {
    let snapshot = conn.unchecked_transaction()?;
    let claim = claims::get(&snapshot, id)?;
    let changes = snapshot
        .prepare_cached(
            "SELECT version, field, old_value, new_value, editor, create_time FROM claim_history \
             WHERE claim_id = ?1 ORDER BY id",
        )?
        .query_map([id.0], |row| {
            Ok(ClaimChange {
                version: row.get(0)?,
                field: row.get(1)?,
                old_value: row.get(2)?,
                new_value: row.get(3)?,
                editor: row.get(4)?,
                create_time: time::from_micros(row.get(5)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let reviews = list_reviews(&snapshot, id, None, u32::MAX)?;
    snapshot.finish()?;
    Ok(ClaimHistory {
        claim,
        changes,
        reviews,
    })
}

/// The queue, throughput per reviewer and the verdict pairs of claims two
/// reviewers judged.
pub fn stats(conn: &Connection, throughput_window: Duration) -> Result<ReviewStats> {
    let now = time::now_micros();
    let count = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> Result<u64> {
        let n: i64 = conn.prepare_cached(sql)?.query_row(params, |row| row.get(0))?;
        Ok(n.unsigned_abs())
    };
    let queue = QueueCounts {
        unreviewed: count(
            "SELECT count(*) FROM claims WHERE review_state = 'UNREVIEWED'",
            &[],
        )?,
        leased: count(
            "SELECT count(*) FROM claims WHERE lease_expire_time > ?1",
            &[&now],
        )?,
        awaiting_second: count(
            "SELECT count(*) FROM claims WHERE review_state = 'REVIEWED' AND verdict_final = 0",
            &[],
        )?,
        disputed: count("SELECT count(*) FROM claims WHERE review_state = 'DISPUTED'", &[])?,
        final_verdicts: count("SELECT count(*) FROM claims WHERE verdict_final = 1", &[])?,
    };
    let since = now.saturating_sub(i64::try_from(throughput_window.as_micros()).unwrap_or(i64::MAX));
    let mut statement = conn.prepare_cached(
        "SELECT reviewer, count(*), sum(create_time >= ?1), max(create_time) FROM reviews \
         GROUP BY reviewer ORDER BY count(*) DESC, reviewer",
    )?;
    let reviewers = statement
        .query_map([since], |row| {
            Ok(ReviewerCount {
                reviewer: row.get(0)?,
                reviews: row.get::<_, i64>(1)?.unsigned_abs(),
                recent_reviews: row.get::<_, i64>(2)?.unsigned_abs(),
                last_review_time: time::from_micros(row.get(3)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut statement = conn.prepare_cached(
        "SELECT claim_id, reviewer, verdict FROM reviews WHERE claim_id IN \
         (SELECT claim_id FROM reviews GROUP BY claim_id HAVING count(DISTINCT reviewer) >= 2) \
         ORDER BY claim_id, id",
    )?;
    let mut by_claim: HashMap<i64, Vec<(String, Verdict)>> = HashMap::new();
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (claim_id, reviewer, verdict) = row?;
        let verdict = verdict
            .parse::<Verdict>()
            .map_err(|err| StoreError::Corrupt(format!("review of claims/{claim_id}: {err}")))?;
        by_claim.entry(claim_id).or_default().push((reviewer, verdict));
    }
    let mut claim_ids: Vec<i64> = by_claim.keys().copied().collect();
    claim_ids.sort_unstable();
    let verdict_pairs = claim_ids
        .iter()
        .filter_map(|id| rules::first_two_opinions(&judgements(&by_claim[id])))
        .collect();
    Ok(ReviewStats {
        queue,
        reviewers,
        verdict_pairs,
    })
}

/// Audit events, oldest first, after `after`.
pub fn list_audit(conn: &Connection, after: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, create_time, actor, method, resource, details FROM audit_events \
         WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = statement.query_map(params![after.unwrap_or(0), limit], |row| {
        Ok(AuditEvent {
            id: row.get(0)?,
            create_time: time::from_micros(row.get(1)?),
            actor: row.get(2)?,
            method: row.get(3)?,
            resource: row.get(4)?,
            details: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArticleMetadata, ClaimDetails, NewArticle, NewClaim, Role, Span};
    use crate::review::filter;
    use crate::store::{ClaimQuery, SqliteStore, Store};

    fn principal(name: &str) -> Principal {
        Principal {
            token_id: 1,
            name: name.to_owned(),
            role: Role::Reviewer,
        }
    }

    /// One article whose claims have these check-worthiness scores; a
    /// negative score stores its magnitude on a claim the extractor found
    /// uncheckable.
    async fn store_with(scores: &[f64]) -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.sqlite")).unwrap();
        store
            .create_articles_bulk(vec![article_with(scores, "")])
            .await
            .unwrap();
        (dir, store)
    }

    /// An article of one claim per score ("Claim number {idx} about
    /// bridges.", then `tail`), checkable unless the score is negative.
    fn article_with(scores: &[f64], tail: &str) -> NewArticle {
        let mut body = String::new();
        let mut claims = Vec::new();
        for (idx, &signed_score) in scores.iter().enumerate() {
            let sentence = format!("Claim number {idx} about bridges.");
            let start = body.len();
            body.push_str(&sentence);
            claims.push(NewClaim {
                text: sentence.clone(),
                sentence,
                span: Span {
                    start,
                    end: body.len(),
                },
                speaker: format!("speaker{}", idx % 2),
                checkworthiness: signed_score.abs(),
                details: ClaimDetails {
                    checkable: signed_score >= 0.0,
                    ..ClaimDetails::default()
                },
            });
            body.push(' ');
        }
        body.push_str(tail);
        NewArticle {
            sha256: crate::ingest::sha256(&body),
            body,
            metadata: ArticleMetadata::default(),
            extractor_version: "test".into(),
            claims,
        }
    }

    #[tokio::test]
    async fn a_windowed_search_for_older_claims_ranks_the_newest_of_that_time() {
        // Claims 1–20, then a moment, then claims 21–40, all about bridges.
        let (_dir, store) = store_with(&[0.5; 20]).await;
        let between = prost_types::Timestamp::from(std::time::SystemTime::now()).to_string();
        store
            .create_articles_bulk(vec![article_with(&[0.5; 20], "Later.")])
            .await
            .unwrap();
        let search = |filter: &str| SearchQuery {
            fts: crate::review::search::fts_query("bridges").unwrap(),
            mark_terms: Vec::new(),
            filter: filter::parse(filter).unwrap(),
            after: None,
            limit: 50,
            window: Some(5),
            above: None,
        };
        let ids = |page: &SearchPage| {
            let mut ids: Vec<i64> = page.hits.iter().map(|hit| hit.claim.id.0).collect();
            ids.sort_unstable();
            ids
        };
        // The newest 5 of the claims stored before `between`, not the newest
        // 4 × 5 text matches overall (which are all later).
        let older = store
            .search_claims(search(&format!("create_time <= {between}")))
            .await
            .unwrap();
        assert_eq!(ids(&older), [16, 17, 18, 19, 20]);
        assert_eq!(older.window_floor, Some(ClaimId(15)));
        let newer = store
            .search_claims(search(&format!("create_time > {between}")))
            .await
            .unwrap();
        assert_eq!(ids(&newer), [36, 37, 38, 39, 40]);
        // No claim at all in the time range: nothing, and nothing left out.
        let none = store
            .search_claims(search("create_time < 2000-01-01"))
            .await
            .unwrap();
        assert_eq!(none, SearchPage::default());
    }

    fn acquire_query(name: &str, lease: Duration) -> AcquireQuery {
        AcquireQuery {
            holder: principal(name),
            filter: Filter::default(),
            lease,
            policy: ReviewPolicy::default(),
            max_leases: rules::DEFAULT_MAX_LEASES,
        }
    }

    #[tokio::test]
    async fn a_reviewer_holds_at_most_max_leases_claims() {
        let (_dir, store) = store_with(&[0.1, 0.2, 0.3, 0.4]).await;
        let lease = Duration::from_secs(60);
        let limited = |name: &str| AcquireQuery {
            max_leases: 2,
            ..acquire_query(name, lease)
        };
        store.acquire_claim(limited("ann")).await.unwrap().unwrap();
        store.acquire_claim(limited("ann")).await.unwrap().unwrap();
        let refused = store.acquire_claim(limited("ann")).await;
        let Err(StoreError::QuotaExceeded(message)) = refused else {
            panic!("a third lease is refused: {refused:?}");
        };
        assert!(message.starts_with("ann already holds 2 claims"), "{message}");
        // Others are not limited by ann's leases; a release frees a place.
        assert_eq!(
            store.acquire_claim(limited("bob")).await.unwrap().unwrap().id,
            ClaimId(2)
        );
        store.release_claim(principal("ann"), ClaimId(4)).await.unwrap();
        assert_eq!(
            store.acquire_claim(limited("ann")).await.unwrap().unwrap().id,
            ClaimId(4)
        );
        // Expired leases do not count.
        let (_dir, store) = store_with(&[0.1, 0.2]).await;
        let brief = AcquireQuery {
            max_leases: 1,
            ..acquire_query("ann", Duration::ZERO)
        };
        store.acquire_claim(brief.clone()).await.unwrap().unwrap();
        store.acquire_claim(brief).await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn the_queue_hands_out_the_most_check_worthy_claim_nobody_holds() {
        let (_dir, store) = store_with(&[0.2, 0.9, 0.5]).await;
        let lease = Duration::from_secs(60);
        let first = store
            .acquire_claim(acquire_query("ann", lease))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.id, ClaimId(2));
        let second = store
            .acquire_claim(acquire_query("bob", lease))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.id, ClaimId(3));
        let mut filtered = acquire_query("bob", lease);
        filtered.filter = filter::parse("speaker = speaker0").unwrap();
        let third = store.acquire_claim(filtered).await.unwrap().unwrap();
        assert_eq!(third.id, ClaimId(1));
        assert!(
            store
                .acquire_claim(acquire_query("cy", lease))
                .await
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            store.release_claim(principal("bob"), ClaimId(2)).await,
            Err(StoreError::WrongState(_))
        ));
        store.release_claim(principal("ann"), ClaimId(2)).await.unwrap();
        let again = store
            .acquire_claim(acquire_query("cy", lease))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.id, ClaimId(2));
    }

    #[tokio::test]
    async fn uncheckable_claims_are_never_handed_out() {
        // The most check-worthy claim is uncheckable (an opinion, say).
        let (_dir, store) = store_with(&[0.3, -0.95]).await;
        let lease = Duration::from_secs(60);
        let first = store
            .acquire_claim(acquire_query("ann", lease))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.id, ClaimId(1));
        assert!(
            store
                .acquire_claim(acquire_query("bob", lease))
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_stale_etag_changes_nothing() {
        let (_dir, store) = store_with(&[0.5]).await;
        let claim = store.get_claim(ClaimId(1)).await.unwrap();
        let review = |etag: String| NewReview {
            claim_id: ClaimId(1),
            etag,
            verdict: Verdict::False,
            rationale: "No.".into(),
            evidence_urls: vec!["https://example.org/a".into(), "https://example.org/b".into()],
        };
        let (after, stored) = store
            .submit_review(
                principal("ann"),
                review(rules::etag(claim.review.version)),
                ReviewPolicy::default(),
            )
            .await
            .unwrap();
        assert_eq!(after.review.version, claim.review.version + 1);
        assert_eq!(after.status, ClaimStatus::Reviewed);
        let stale = store
            .submit_review(
                principal("bob"),
                review(rules::etag(claim.review.version)),
                ReviewPolicy::default(),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::EtagMismatch(_))));
        let listed = store.list_reviews(ClaimId(1), None, 10).await.unwrap();
        assert_eq!(listed, [stored]);
        assert_eq!(store.get_claim(ClaimId(1)).await.unwrap(), after);
        // The review history cannot be rewritten.
        let audit = store.list_audit_events(None, 10).await.unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor, "ann");
    }

    #[tokio::test]
    async fn filters_compile_to_bound_sql_for_the_fields_on_this_schema() {
        let (_dir, store) = store_with(&[0.1, 0.6, 0.7, 0.8]).await;
        let list = |text: &str, order: &str| {
            let query = ClaimListQuery {
                filter: filter::parse(text).unwrap(),
                order: filter::parse_order_by(order).unwrap(),
                after: None,
                limit: 100,
            };
            let store = &store;
            async move {
                store
                    .query_claims(query)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|claim| claim.id.0)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(list("checkworthiness > 0.6", "").await, [3, 4]);
        assert_eq!(
            list("checkworthiness >= 0.6", "checkworthiness desc").await,
            [4, 3, 2]
        );
        assert_eq!(
            list("speaker = speaker1 AND article = articles/1", "").await,
            [2, 4]
        );
        assert_eq!(list("speaker != speaker1", "name desc").await, [3, 1]);
        assert_eq!(
            list("status = UNREVIEWED AND verdict != FALSE", "").await,
            [1, 2, 3, 4]
        );
        assert_eq!(list("verdict = FALSE", "").await, Vec::<i64>::new());
        assert_eq!(
            list("create_time > 2000-01-01 AND create_time < 2999-01-01", "").await,
            [1, 2, 3, 4]
        );
        assert_eq!(list("reviewer = ann", "").await, Vec::<i64>::new());
        assert_eq!(list("reviewer != ann", "").await, [1, 2, 3, 4]);
        // Keyset pages: after (0.7, 3) in checkworthiness order.
        let after = store
            .query_claims(ClaimListQuery {
                filter: Filter::default(),
                order: filter::parse_order_by("checkworthiness").unwrap(),
                after: Some(vec![SortValue::Real(0.7), SortValue::Int(3)]),
                limit: 10,
            })
            .await
            .unwrap();
        assert_eq!(after.iter().map(|claim| claim.id.0).collect::<Vec<_>>(), [4]);
        // Mixed directions use the expanded keyset condition.
        let mixed = store
            .query_claims(ClaimListQuery {
                filter: Filter::default(),
                order: filter::parse_order_by("checkworthiness desc, create_time asc").unwrap(),
                after: Some(vec![
                    SortValue::Real(0.7),
                    SortValue::Int(i64::MIN),
                    SortValue::Int(0),
                ]),
                limit: 10,
            })
            .await
            .unwrap();
        assert_eq!(
            mixed.iter().map(|claim| claim.id.0).collect::<Vec<_>>(),
            [3, 2, 1]
        );
    }

    #[tokio::test]
    async fn the_full_text_index_follows_corrections() {
        let (_dir, store) = store_with(&[0.5, 0.6]).await;
        let search = |words: &str| {
            let query = SearchQuery {
                fts: crate::review::search::fts_query(words).unwrap(),
                mark_terms: crate::review::search::mark_terms(words),
                filter: Filter::default(),
                after: None,
                limit: 10,
                window: None,
                above: None,
            };
            let store = &store;
            async move { store.search_claims(query).await.unwrap().hits }
        };
        assert_eq!(search("bridges").await.len(), 2);
        let claim = store.get_claim(ClaimId(2)).await.unwrap();
        let edit = ClaimEdit {
            text: Some("Tunnels cost more.".into()),
            ..ClaimEdit::default()
        };
        store
            .update_claim(
                principal("ann"),
                ClaimId(2),
                rules::etag(claim.review.version),
                edit,
            )
            .await
            .unwrap();
        assert_eq!(search("tunnels").await[0].text_snippet, "**Tunnels** cost more.");
        // The sentence still mentions bridges; the text no longer does.
        let hits = search("bridges").await;
        assert_eq!(hits.len(), 2);
        assert!(
            !hits
                .iter()
                .any(|hit| hit.text_snippet.contains("Tunnels") && hit.text_snippet.contains("**"))
        );
        let listed = store
            .list_claims(ClaimQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(listed[1].text, "Tunnels cost more.");
    }

    #[test]
    fn migration_indexes_claims_stored_before_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        let migrations = crate::store::migrations::migrations();
        migrations.to_version(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO articles (id, sha256, body, extractor_version, claim_count, create_time) \
             VALUES (1, zeroblob(32), 'Old text.', 'v', 1, 0); \
             INSERT INTO claims (article_id, text, sentence, span_start, span_end, speaker, checkworthiness, \
             extractor_version, status, create_time) VALUES (1, 'Old text.', 'Old text.', 0, 9, 'x', 0.5, 'v', \
             'UNREVIEWED', 0);",
        )
        .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'old'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
        let state: String = conn
            .query_row("SELECT review_state FROM claims", [], |row| row.get(0))
            .unwrap();
        assert_eq!(state, "UNREVIEWED");
    }
}

//! Filters, orders and keyset positions (ASTs from `review::filter`) as SQL over `claims c`: user
//! input reaches SQL only as bound parameters.

use rusqlite::types::Value as SqlValue;

use crate::review::filter::{Condition, Field, Filter, Op, OrderField, OrderKey, SortValue, Value};
use crate::store::{Result, StoreError};

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
    /// Who holds the claim's lease now: a lease whose time has passed is
    /// no lease, as the store reads a claim.
    Holder,
    /// Whether anyone holds the claim's lease now.
    Leased,
    /// A field of the claim's article: all article conditions of a filter
    /// become one `c.article_id IN (SELECT a.id FROM articles a …)`, which
    /// the articles' indexes (migration 0009) serve.
    Article,
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
        Field::NeedsContext => FieldSql::Column("c.needs_context"),
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
        Field::Holder => FieldSql::Holder,
        Field::Leased => FieldSql::Leased,
        Field::PublishedDate | Field::Publisher | Field::Agency | Field::Source | Field::Url => {
            FieldSql::Article
        }
    }
}

/// Whether article `a` credits the agency bound next: one row of
/// `article_agencies` (migration 0011: its credit line lower-cased, split at
/// commas), found through that table's key. The parser lower-cases the value
/// and refuses commas.
/// Tested for one article, as [`ArticleJoin::PerClaim`] and `ListArticles`
/// (in id order) read it.
const AGENCY_EXISTS: &str =
    "EXISTS (SELECT 1 FROM article_agencies g WHERE g.agency = ? AND g.article_id = a.id)";
/// The agency's articles first, as [`ArticleJoin::Gathered`] reads it.
const AGENCY_IN: &str = "a.id IN (SELECT g.article_id FROM article_agencies g WHERE g.agency = ?)";

/// The publisher as `source` compares it, the expression
/// `articles_by_publisher_lower` (migration 0011) indexes.
const PUBLISHER_ANY_CASE: &str = "lower(coalesce(a.publisher, ''))";

/// How a claim query reads its article conditions: the choice is the store's,
/// by how many articles match (`claims::query`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleJoin {
    /// The matching articles first, through the articles' indexes, then
    /// their claims through `claims_by_article`: every match is gathered
    /// and sorted, cheap when few articles match.
    Gathered,
    /// Each claim, in the order asked, tests its own article by key: a page
    /// stops at its limit, cheap when many articles match.
    PerClaim,
}

/// Appends ` AND …` over `articles a` for one article condition, read as
/// `join` says.
fn push_article_condition(sql: &mut Sql, condition: &Condition, join: ArticleJoin) {
    let value = sql_value(&condition.value);
    let agency_test = match join {
        ArticleJoin::Gathered => AGENCY_IN,
        ArticleJoin::PerClaim => AGENCY_EXISTS,
    };
    let column = match condition.field {
        Field::PublishedDate => "a.published_date",
        Field::Publisher => "a.publisher",
        Field::Url => "a.source_url",
        Field::Agency | Field::Source => {
            let negation = if condition.op == Op::Ne { "NOT " } else { "" };
            if condition.field == Field::Agency {
                sql.push(&format!(" AND {negation}({agency_test})"));
            } else {
                sql.push(&format!(
                    " AND {negation}({PUBLISHER_ANY_CASE} = ? OR {agency_test})"
                ));
                sql.bind(value.clone());
            }
            sql.bind(value);
            return;
        }
        // Only article fields come here.
        _ => return,
    };
    let op = match condition.op {
        // An article without the field is "not x" too, as for a claim's columns.
        Op::Ne => "IS NOT",
        op => op.as_str(),
    };
    sql.push(&format!(" AND {column} {op} ?"));
    sql.bind(value);
}

/// SQL counting the articles that meet `condition`, at most `cap` of them,
/// through an index; `None` for a condition no index narrows (`!=`).
pub fn article_count_sql(condition: &Condition, cap: i64) -> Option<Sql> {
    let mut sql = Sql::default();
    let value = sql_value(&condition.value);
    let capped = |from_where: &str| format!("(SELECT count(*) FROM (SELECT 1 FROM {from_where} LIMIT ?))");
    let agencies = capped("article_agencies g WHERE g.agency = ?");
    let publishers = capped(&format!("articles a WHERE {PUBLISHER_ANY_CASE} = ?"));
    match (condition.field, condition.op) {
        (_, Op::Ne) => return None,
        (Field::Agency, _) => {
            sql.push(&format!("SELECT {agencies}"));
            sql.bind(value);
            sql.bind(SqlValue::Integer(cap));
        }
        (Field::Source, _) => {
            sql.push(&format!("SELECT {publishers} + {agencies}"));
            for _ in 0..2 {
                sql.bind(value.clone());
                sql.bind(SqlValue::Integer(cap));
            }
        }
        (Field::PublishedDate | Field::Publisher | Field::Url, _) => {
            sql.push("SELECT count(*) FROM (SELECT 1 FROM articles a WHERE 1");
            push_article_condition(&mut sql, condition, ArticleJoin::Gathered);
            sql.push(" LIMIT ?)");
            sql.bind(SqlValue::Integer(cap));
        }
        _ => return None,
    }
    Some(sql)
}

/// Appends ` AND …` over `articles a` for each condition of an article
/// filter (`review::filter::parse_article_filter`).
pub fn push_article_filter(sql: &mut Sql, filter: &Filter) {
    for condition in &filter.conditions {
        // Articles are listed in id order, each tested: as claims per claim.
        push_article_condition(sql, condition, ArticleJoin::PerClaim);
    }
}

pub fn sql_value(value: &Value) -> SqlValue {
    match value {
        Value::Text(text) => SqlValue::Text(text.clone()),
        Value::Int(int) => SqlValue::Integer(*int),
        Value::Real(real) => SqlValue::Real(*real),
        Value::Bool(flag) => SqlValue::Integer(i64::from(*flag)),
    }
}

/// SQL text with its bound parameters, built in order.
#[derive(Default)]
pub struct Sql {
    pub text: String,
    pub params: Vec<SqlValue>,
}

impl Sql {
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn bind(&mut self, value: SqlValue) {
        self.params.push(value);
    }
}

/// Appends ` AND …` for each condition of `filter`, its article conditions
/// [`ArticleJoin::Gathered`].
pub fn push_filter(sql: &mut Sql, filter: &Filter) {
    push_filter_with(sql, filter, ArticleJoin::Gathered);
}

/// Appends ` AND …` for each condition of `filter`, its article conditions
/// read as `join` says.
pub fn push_filter_with(sql: &mut Sql, filter: &Filter, join: ArticleJoin) {
    let now = super::time::now_micros();
    let mut dates: Vec<&Condition> = Vec::new();
    let mut article: Vec<&Condition> = Vec::new();
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
            FieldSql::Article => article.push(condition),
            FieldSql::Holder if condition.op == Op::Eq => {
                // `=` as a plain conjunction, which the lease index serves.
                sql.push(" AND c.lease_holder = ? AND c.lease_expire_time > ?");
                sql.bind(sql_value(&condition.value));
                sql.bind(SqlValue::Integer(now));
            }
            FieldSql::Holder => {
                // `IS` and `coalesce` keep NULLs (no lease) out of the NOT.
                sql.push(" AND NOT (c.lease_holder IS ? AND coalesce(c.lease_expire_time, 0) > ?)");
                sql.bind(sql_value(&condition.value));
                sql.bind(SqlValue::Integer(now));
            }
            FieldSql::Leased => {
                let op = if condition.op == Op::Ne { "!=" } else { "=" };
                sql.push(&format!(
                    " AND (c.lease_holder IS NOT NULL AND coalesce(c.lease_expire_time, 0) > ?) {op} ?"
                ));
                sql.bind(SqlValue::Integer(now));
                sql.bind(sql_value(&condition.value));
            }
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
    if !article.is_empty() {
        sql.push(match join {
            ArticleJoin::Gathered => " AND c.article_id IN (SELECT a.id FROM articles a WHERE 1",
            ArticleJoin::PerClaim => " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = c.article_id",
        });
        for condition in article {
            push_article_condition(sql, condition, join);
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
pub fn push_after(sql: &mut Sql, keys: &[OrderKey], after: &[SortValue]) -> Result<()> {
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

pub fn push_order(sql: &mut Sql, keys: &[OrderKey]) {
    let terms: Vec<String> = keys
        .iter()
        .map(|key| {
            let direction = if key.descending { "DESC" } else { "ASC" };
            format!("{} {direction}", order_column(key.field))
        })
        .collect();
    sql.push(&format!(" ORDER BY {}", terms.join(", ")));
}

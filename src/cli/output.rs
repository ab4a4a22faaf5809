//! What the CLI prints: serde types for `--json` and plain text for people.

use serde::Serialize;

use crate::api::pb;
use crate::model::NewClaim;

/// A claim as one JSON line.
#[derive(Debug, Serialize)]
pub struct ClaimJson<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub article: &'a str,
    pub text: &'a str,
    pub sentence: &'a str,
    pub span: [u32; 2],
    pub speaker: &'a str,
    pub checkworthiness: f64,
    pub extractor_version: &'a str,
    pub status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
}

impl<'a> ClaimJson<'a> {
    pub fn stored(claim: &'a pb::Claim) -> ClaimJson<'a> {
        let span = claim.span.unwrap_or_default();
        ClaimJson {
            name: &claim.name,
            article: &claim.article,
            text: &claim.text,
            sentence: &claim.sentence,
            span: [span.start, span.end],
            speaker: &claim.speaker,
            checkworthiness: claim.checkworthiness,
            extractor_version: &claim.extractor_version,
            status: claim.status().as_str_name(),
            create_time: claim.create_time.map(|time| time.to_string()),
        }
    }

    pub fn unstored(claim: &'a NewClaim, extractor_version: &'a str) -> ClaimJson<'a> {
        ClaimJson {
            name: "",
            article: "",
            text: &claim.text,
            sentence: &claim.sentence,
            span: [
                u32::try_from(claim.span.start).unwrap_or(u32::MAX),
                u32::try_from(claim.span.end).unwrap_or(u32::MAX),
            ],
            speaker: &claim.speaker,
            checkworthiness: claim.checkworthiness,
            extractor_version,
            status: pb::claim::Status::Unreviewed.as_str_name(),
            create_time: None,
        }
    }
}

/// An article as one JSON line; the body only when asked for.
#[derive(Debug, Serialize)]
pub struct ArticleJson<'a> {
    pub name: &'a str,
    pub sha256: &'a str,
    pub title: &'a str,
    pub source_url: &'a str,
    pub publisher: &'a str,
    pub credit: &'a str,
    pub dateline: &'a str,
    pub published_date: &'a str,
    pub claim_count: i32,
    pub extractor_version: &'a str,
    pub create_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already_exists: Option<bool>,
}

impl<'a> ArticleJson<'a> {
    pub fn new(article: &'a pb::Article, with_body: bool) -> ArticleJson<'a> {
        ArticleJson {
            name: &article.name,
            sha256: &article.sha256,
            title: &article.title,
            source_url: &article.source_url,
            publisher: &article.publisher,
            credit: &article.credit,
            dateline: &article.dateline,
            published_date: &article.published_date,
            claim_count: article.claim_count,
            extractor_version: &article.extractor_version,
            create_time: article.create_time.map(|time| time.to_string()),
            body: with_body.then_some(article.body.as_str()),
            already_exists: None,
        }
    }
}

/// The outcome of one imported item as one JSON line.
#[derive(Debug, Serialize)]
pub struct ImportItemJson<'a> {
    pub item_id: &'a str,
    pub outcome: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub article: &'a str,
    pub claim_count: i32,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub reason: &'a str,
}

impl<'a> ImportItemJson<'a> {
    pub fn new(result: &'a pb::ImportItemResult) -> ImportItemJson<'a> {
        ImportItemJson {
            item_id: &result.item_id,
            outcome: result.outcome().as_str_name(),
            article: &result.article,
            claim_count: result.claim_count,
            reason: &result.reason,
        }
    }

    /// A piece of input the client could not read, so never sent.
    pub fn unreadable(item_id: &'a str, reason: &'a str) -> ImportItemJson<'a> {
        ImportItemJson {
            item_id,
            outcome: pb::import_item_result::Outcome::Invalid.as_str_name(),
            article: "",
            claim_count: 0,
            reason,
        }
    }
}

/// The totals of an import as the last JSON line, `{"summary": {...}}`.
#[derive(Debug, Serialize)]
pub struct ImportSummaryJson {
    pub summary: ImportTotalsJson,
}

#[derive(Debug, Serialize)]
pub struct ImportTotalsJson {
    pub received: i64,
    pub created: i64,
    pub already_exists: i64,
    /// Refused by the server, plus input the client could not read.
    pub invalid: i64,
    pub failed: i64,
    pub claims_created: i64,
    pub dry_run: bool,
    pub seconds: f64,
}

impl ImportSummaryJson {
    pub fn new(summary: &pb::ImportSummary, n_unreadable: i64, seconds: f64) -> ImportSummaryJson {
        ImportSummaryJson {
            summary: ImportTotalsJson {
                received: summary.received,
                created: summary.created,
                already_exists: summary.already_exists,
                invalid: summary.invalid + n_unreadable,
                failed: summary.failed,
                claims_created: summary.claims_created,
                dry_run: summary.dry_run,
                seconds,
            },
        }
    }
}

fn or_dash(value: &str) -> &str {
    if value.is_empty() { "-" } else { value }
}

/// Cuts `text` to at most `max` characters, marking the cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// One line per article for a listing.
pub fn article_line(article: &pb::Article) -> String {
    format!(
        "{:<14} {:<10} {:>4} claims  {}",
        article.name,
        or_dash(&article.published_date),
        article.claim_count,
        shorten(or_dash(&article.title), 70)
    )
}

/// An article's fields, one per line.
pub fn article_text(article: &pb::Article) -> String {
    let rows = [
        ("name", article.name.as_str()),
        ("title", &article.title),
        ("published", &article.published_date),
        ("dateline", &article.dateline),
        ("publisher", &article.publisher),
        ("credit", &article.credit),
        ("source_url", &article.source_url),
        ("sha256", &article.sha256),
        ("extractor", &article.extractor_version),
    ];
    let mut text = String::new();
    for (label, value) in rows {
        text.push_str(&format!("{label:<11}{}\n", or_dash(value)));
    }
    text.push_str(&format!("{:<11}{}\n", "claims", article.claim_count));
    text
}

/// One line per claim for a listing.
pub fn claim_line(claim: &pb::Claim) -> String {
    format!(
        "{:<12} {:.2}  {:<24} {}",
        claim.name,
        claim.checkworthiness,
        shorten(&claim.speaker, 24),
        shorten(&claim.text, 90)
    )
}

/// A claim's fields, one per line.
pub fn claim_text(claim: &pb::Claim) -> String {
    let span = claim.span.unwrap_or_default();
    format!(
        "name       {}\narticle    {}\nstatus     {}\nspeaker    {}\nworthiness {:.2}\ntext       {}\nsentence   {}\nspan       {}..{}\nextractor  {}\n",
        claim.name,
        claim.article,
        claim.status().as_str_name(),
        claim.speaker,
        claim.checkworthiness,
        claim.text,
        claim.sentence,
        span.start,
        span.end,
        claim.extractor_version
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("héllo", 10), "héllo");
        assert_eq!(shorten("héllo", 2), "hé…");
    }
}

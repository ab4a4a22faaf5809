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
    #[serde(skip_serializing_if = "str::is_empty")]
    pub etag: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub verdict_final: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub lease_holder: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_expire_time: Option<String>,
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
            etag: &claim.etag,
            verdict: verdict_name(claim),
            verdict_final: claim.verdict_final,
            lease_holder: &claim.lease_holder,
            lease_expire_time: claim.lease_expire_time.map(|time| time.to_string()),
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
            etag: "",
            verdict: None,
            verdict_final: false,
            lease_holder: "",
            lease_expire_time: None,
        }
    }
}

fn verdict_name(claim: &pb::Claim) -> Option<&'static str> {
    match claim.verdict() {
        pb::Verdict::Unspecified => None,
        verdict => Some(verdict.as_str_name()),
    }
}

/// A review as one JSON line.
#[derive(Debug, Serialize)]
pub struct ReviewJson<'a> {
    pub name: &'a str,
    pub claim: &'a str,
    pub reviewer: &'a str,
    pub verdict: &'a str,
    pub rationale: &'a str,
    pub evidence_urls: &'a [String],
    pub create_time: Option<String>,
}

impl<'a> ReviewJson<'a> {
    pub fn new(review: &'a pb::Review) -> ReviewJson<'a> {
        ReviewJson {
            name: &review.name,
            claim: &review.claim,
            reviewer: &review.reviewer,
            verdict: review.verdict().as_str_name(),
            rationale: &review.rationale,
            evidence_urls: &review.evidence_urls,
            create_time: review.create_time.map(|time| time.to_string()),
        }
    }
}

/// A search result as one JSON line.
#[derive(Debug, Serialize)]
pub struct SearchResultJson<'a> {
    #[serde(flatten)]
    pub claim: ClaimJson<'a>,
    pub text_snippet: &'a str,
    pub sentence_snippet: &'a str,
    pub score: f64,
}

/// The review statistics as one JSON object.
#[derive(Debug, Serialize)]
pub struct StatsJson<'a> {
    pub unreviewed: i64,
    pub leased: i64,
    pub awaiting_second: i64,
    pub disputed: i64,
    pub r#final: i64,
    pub second_review: bool,
    pub double_reviewed_claims: i64,
    pub cohens_kappa: Option<f64>,
    pub reviewers: Vec<ReviewerJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ReviewerJson<'a> {
    pub reviewer: &'a str,
    pub reviews: i64,
    pub reviews_last_day: i64,
}

impl<'a> StatsJson<'a> {
    pub fn new(stats: &'a pb::ReviewStats) -> StatsJson<'a> {
        let queue = stats.queue.unwrap_or_default();
        StatsJson {
            unreviewed: queue.unreviewed,
            leased: queue.leased,
            awaiting_second: queue.awaiting_second,
            disputed: queue.disputed,
            r#final: queue.r#final,
            second_review: stats.second_review,
            double_reviewed_claims: stats.double_reviewed_claims,
            cohens_kappa: stats.cohens_kappa,
            reviewers: stats
                .reviewers
                .iter()
                .map(|reviewer| ReviewerJson {
                    reviewer: &reviewer.reviewer,
                    reviews: reviewer.reviews,
                    reviews_last_day: reviewer.reviews_last_day,
                })
                .collect(),
        }
    }
}

/// An audit event as one JSON line.
#[derive(Debug, Serialize)]
pub struct AuditJson<'a> {
    pub name: &'a str,
    pub create_time: Option<String>,
    pub actor: &'a str,
    pub method: &'a str,
    pub resource: &'a str,
    pub details: &'a str,
}

impl<'a> AuditJson<'a> {
    pub fn new(event: &'a pb::AuditEvent) -> AuditJson<'a> {
        AuditJson {
            name: &event.name,
            create_time: event.create_time.map(|time| time.to_string()),
            actor: &event.actor,
            method: &event.method,
            resource: &event.resource,
            details: &event.details,
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

/// The header of a claim listing.
pub const CLAIM_HEADER: &str = "NAME         WORTH  STATUS      VERDICT       SPEAKER                  TEXT";

/// One line per claim for a listing.
pub fn claim_line(claim: &pb::Claim) -> String {
    format!(
        "{:<12} {:.2}   {:<11} {:<13} {:<24} {}",
        claim.name,
        claim.checkworthiness,
        claim.status().as_str_name(),
        verdict_name(claim).unwrap_or("-"),
        shorten(&claim.speaker, 24),
        shorten(&claim.text, 90)
    )
}

/// One line per review.
pub fn review_line(review: &pb::Review) -> String {
    let evidence = if review.evidence_urls.is_empty() {
        String::new()
    } else {
        format!(" [{}]", review.evidence_urls.join(" "))
    };
    format!(
        "  {} {:<13} by {:<16} {}{}",
        review
            .create_time
            .map(|time| time.to_string())
            .unwrap_or_default(),
        review.verdict().as_str_name(),
        review.reviewer,
        shorten(&review.rationale, 80),
        evidence
    )
}

/// One audit event per line.
pub fn audit_line(event: &pb::AuditEvent) -> String {
    format!(
        "{} {:<16} {:<15} {:<14} {}",
        event.create_time.map(|time| time.to_string()).unwrap_or_default(),
        event.actor,
        event.method,
        event.resource,
        event.details
    )
}

/// The review statistics as tables.
pub fn stats_text(stats: &pb::ReviewStats) -> String {
    let queue = stats.queue.unwrap_or_default();
    let mut text = String::from("QUEUE\n");
    for (label, n) in [
        ("unreviewed", queue.unreviewed),
        ("leased", queue.leased),
        ("awaiting second", queue.awaiting_second),
        ("disputed", queue.disputed),
        ("final", queue.r#final),
    ] {
        text.push_str(&format!("  {label:<16}{n:>10}\n"));
    }
    text.push_str(&format!(
        "second review    {}\n",
        if stats.second_review { "on" } else { "off" }
    ));
    text.push_str(&format!(
        "agreement        Cohen's kappa {} over {} double-reviewed claims\n",
        stats
            .cohens_kappa
            .map_or_else(|| "undefined".to_owned(), |kappa| format!("{kappa:.3}")),
        stats.double_reviewed_claims
    ));
    text.push_str("REVIEWER                  REVIEWS  LAST 24 H\n");
    for reviewer in &stats.reviewers {
        text.push_str(&format!(
            "{:<24}{:>9}{:>11}\n",
            shorten(&reviewer.reviewer, 24),
            reviewer.reviews,
            reviewer.reviews_last_day
        ));
    }
    text
}

/// A claim's fields, one per line.
pub fn claim_text(claim: &pb::Claim) -> String {
    let span = claim.span.unwrap_or_default();
    let mut text = format!(
        "name       {}\narticle    {}\nstatus     {}\nspeaker    {}\nworthiness {:.2}\ntext       {}\nsentence   {}\nspan       {}..{}\nextractor  {}\netag       {}\n",
        claim.name,
        claim.article,
        claim.status().as_str_name(),
        claim.speaker,
        claim.checkworthiness,
        claim.text,
        claim.sentence,
        span.start,
        span.end,
        claim.extractor_version,
        claim.etag
    );
    if let Some(verdict) = verdict_name(claim) {
        let finality = if claim.verdict_final { "final" } else { "not final" };
        text.push_str(&format!(
            "verdict    {verdict} ({finality}, by {})\n",
            claim.last_reviewer
        ));
    }
    if !claim.lease_holder.is_empty() {
        text.push_str(&format!(
            "leased to  {} until {}\n",
            claim.lease_holder,
            claim
                .lease_expire_time
                .map(|time| time.to_string())
                .unwrap_or_default()
        ));
    }
    text
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

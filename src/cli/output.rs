//! What the CLI prints: serde types for `--json` and plain text for people.

use serde::Serialize;

use crate::api::pb;

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
    #[serde(flatten)]
    pub details: DetailsJson,
}

/// The extractor's description of a claim, as JSON.
#[derive(Debug, Serialize)]
pub struct DetailsJson {
    pub content: String,
    pub kind: String,
    pub checkable: bool,
    /// `null` when the claim is not reported speech.
    pub reporting_verb: Option<String>,
    pub polarity: String,
    pub entities: Vec<EntityJson>,
    pub quantities: Vec<QuantityJson>,
    pub dates: Vec<DateJson>,
    pub rewrites: Vec<RewriteJson>,
}

#[derive(Debug, Serialize)]
pub struct EntityJson {
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct QuantityJson {
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    pub unit: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct DateJson {
    pub start: String,
    pub end: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct RewriteJson {
    pub original: String,
    pub span: [u32; 2],
    pub replacement: String,
    pub rule: String,
}

impl DetailsJson {
    fn from_proto(claim: &pb::Claim) -> DetailsJson {
        let stance = claim.stance.as_ref();
        DetailsJson {
            content: claim.content.clone(),
            kind: claim.kind().as_str_name().to_owned(),
            checkable: claim.checkable,
            reporting_verb: stance.map(|stance| stance.verb.clone()),
            polarity: stance
                .map_or(pb::stance::Polarity::Affirms, |stance| stance.polarity())
                .as_str_name()
                .to_owned(),
            entities: claim
                .entities
                .iter()
                .map(|entity| EntityJson {
                    name: entity.name.clone(),
                    kind: entity.kind().as_str_name().to_owned(),
                })
                .collect(),
            quantities: claim
                .quantities
                .iter()
                .map(|quantity| QuantityJson {
                    value: quantity.value,
                    upper: quantity.upper,
                    unit: quantity.unit.clone(),
                    text: quantity.text.clone(),
                })
                .collect(),
            dates: claim
                .dates
                .iter()
                .map(|date| DateJson {
                    start: date.start.clone(),
                    end: date.end.clone(),
                    text: date.text.clone(),
                })
                .collect(),
            rewrites: claim
                .rewrites
                .iter()
                .map(|rewrite| {
                    let span = rewrite.span.unwrap_or_default();
                    RewriteJson {
                        original: rewrite.original.clone(),
                        span: [span.start, span.end],
                        replacement: rewrite.replacement.clone(),
                        rule: rewrite.rule.clone(),
                    }
                })
                .collect(),
        }
    }
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
            details: DetailsJson::from_proto(claim),
            etag: &claim.etag,
            verdict: verdict_name(claim),
            verdict_final: claim.verdict_final,
            lease_holder: &claim.lease_holder,
            lease_expire_time: claim.lease_expire_time.map(|time| time.to_string()),
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

/// One event of a claim's history as one JSON line: `event` is
/// `extraction`, `correction` or `review`.
#[derive(Debug, Serialize)]
pub struct HistoryEventJson<'a> {
    pub event: &'static str,
    pub time: Option<String>,
    pub actor: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extraction: Option<ExtractionJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correction: Option<CorrectionJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ExtractionJson<'a> {
    pub article: &'a str,
    pub text: &'a str,
    pub speaker: &'a str,
}

#[derive(Debug, Serialize)]
pub struct CorrectionJson<'a> {
    pub field: &'a str,
    pub old_value: &'a str,
    pub new_value: &'a str,
    pub version: i64,
}

impl<'a> HistoryEventJson<'a> {
    pub fn new(event: &'a pb::ClaimHistoryEvent) -> HistoryEventJson<'a> {
        use pb::claim_history_event::Change;
        let mut json = HistoryEventJson {
            event: "",
            time: event.time.map(|time| time.to_string()),
            actor: &event.actor,
            extraction: None,
            correction: None,
            review: None,
        };
        match &event.change {
            Some(Change::Extraction(extraction)) => {
                json.event = "extraction";
                json.extraction = Some(ExtractionJson {
                    article: &extraction.article,
                    text: &extraction.text,
                    speaker: &extraction.speaker,
                });
            }
            Some(Change::Correction(correction)) => {
                json.event = "correction";
                json.correction = Some(CorrectionJson {
                    field: &correction.field,
                    old_value: &correction.old_value,
                    new_value: &correction.new_value,
                    version: correction.version,
                });
            }
            Some(Change::Review(review)) => {
                json.event = "review";
                json.review = Some(ReviewJson::new(review));
            }
            None => json.event = "unknown",
        }
        json
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

/// The header of a claim listing.
pub const CLAIM_HEADER: &str =
    "NAME         WORTH  STATUS      VERDICT       KIND       SPEAKER                  TEXT";

/// One line per claim for a listing.
pub fn claim_line(claim: &pb::Claim) -> String {
    format!(
        "{:<12} {:.2}   {:<11} {:<13} {:<10} {:<24} {}",
        claim.name,
        claim.checkworthiness,
        claim.status().as_str_name(),
        verdict_name(claim).unwrap_or("-"),
        claim.kind().as_str_name(),
        shorten(&claim.speaker, 24),
        shorten(&claim.text, 90)
    )
}

/// One line per review.
/// One event of a claim's history as an indented line.
pub fn history_line(event: &pb::ClaimHistoryEvent) -> String {
    use pb::claim_history_event::Change;
    let time = event.time.map(|time| time.to_string()).unwrap_or_default();
    match &event.change {
        Some(Change::Extraction(extraction)) => format!(
            "  {time} extracted     by {:<16} from {}: {} (speaker {})",
            event.actor,
            extraction.article,
            shorten(&extraction.text, 80),
            if extraction.speaker.is_empty() {
                "-"
            } else {
                &extraction.speaker
            }
        ),
        Some(Change::Correction(correction)) => format!(
            "  {time} corrected     by {:<16} {}: {:?} -> {:?}",
            event.actor,
            correction.field,
            shorten(&correction.old_value, 60),
            shorten(&correction.new_value, 60)
        ),
        Some(Change::Review(review)) => review_line(review),
        None => format!("  {time} (an event this client does not know) by {}", event.actor),
    }
}

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

/// A claim's fields, one per line; lists get one line per item.
pub fn claim_text(claim: &pb::Claim) -> String {
    let span = claim.span.unwrap_or_default();
    let stance = match &claim.stance {
        Some(stance) => format!("{} ({})", stance.verb, stance.polarity().as_str_name()),
        None => "-".to_owned(),
    };
    let mut text = format!(
        "name       {}\narticle    {}\nstatus     {}\nspeaker    {}\nstance     {}\nkind       {}\ncheckable  {}\nworthiness {:.2}\ntext       {}\ncontent    {}\nsentence   {}\nspan       {}..{}\nextractor  {}\netag       {}\n",
        claim.name,
        claim.article,
        claim.status().as_str_name(),
        claim.speaker,
        stance,
        claim.kind().as_str_name(),
        if claim.checkable { "yes" } else { "no" },
        claim.checkworthiness,
        claim.text,
        claim.content,
        claim.sentence,
        span.start,
        span.end,
        claim.extractor_version,
        claim.etag
    );
    for entity in &claim.entities {
        text.push_str(&format!(
            "entity     {} ({})\n",
            entity.name,
            entity.kind().as_str_name()
        ));
    }
    for quantity in &claim.quantities {
        let value = match quantity.upper {
            Some(upper) => format!("{}..{}", quantity.value, upper),
            None => quantity.value.to_string(),
        };
        text.push_str(&format!(
            "quantity   {value} {} ({:?})\n",
            or_dash(&quantity.unit),
            quantity.text
        ));
    }
    for date in &claim.dates {
        let range = if date.start == date.end {
            date.start.clone()
        } else {
            format!("{}..{}", date.start, date.end)
        };
        text.push_str(&format!("date       {range} ({:?})\n", date.text));
    }
    for rewrite in &claim.rewrites {
        let span = rewrite.span.unwrap_or_default();
        text.push_str(&format!(
            "rewrite    {:?} -> {:?} ({}, at {}..{})\n",
            rewrite.original, rewrite.replacement, rewrite.rule, span.start, span.end
        ));
    }
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

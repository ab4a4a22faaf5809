//! Conversions between the generated proto types and the domain types, by hand, in one place.

use std::time::SystemTime;

use tonic::Status;

use super::error::invalid_field;
use super::pb;
use crate::extract;
use crate::model::{
    Article, ArticleId, ArticleMetadata, Claim, ClaimDetails, ClaimEvent, ClaimId, ClaimKind, ClaimStatus,
    DateRange, Entity, EntityKind, EventKind, ExternalReview, NewClaim, Polarity, Quantity, Review, Rewrite,
    Span, Verdict,
};
use crate::names;
use crate::review::{filter, kappa, rules};
use crate::store::{AuditEvent, ClaimHistory, QueueCounts, ReviewStats, SearchHit};

/// Parses a resource name `{collection}/{id}` with a positive integer id.
fn parse_name(field: &str, name: &str, collection: &str) -> Result<i64, Status> {
    if name.is_empty() {
        return Err(invalid_field(field, "is required"));
    }
    names::parse_id(name, collection).ok_or_else(|| {
        invalid_field(
            field,
            format!(
                "must be a resource name of the form {collection}/{{id}} with a positive integer id, got {}",
                crate::text::quoted_excerpt(name)
            ),
        )
    })
}

pub fn parse_article_name(field: &str, name: &str) -> Result<ArticleId, Status> {
    parse_name(field, name, names::ARTICLES).map(ArticleId)
}

pub fn parse_claim_name(field: &str, name: &str) -> Result<ClaimId, Status> {
    parse_name(field, name, names::CLAIMS).map(ClaimId)
}

/// An optional time of a request, checked; `field` names it in errors.
pub fn optional_time(
    field: &str,
    time: Option<prost_types::Timestamp>,
) -> Result<Option<SystemTime>, Status> {
    let Some(time) = time else {
        return Ok(None);
    };
    if !(0..1_000_000_000).contains(&time.nanos) {
        return Err(invalid_field(
            field,
            format!("has nanos {}, outside 0 to 999,999,999", time.nanos),
        ));
    }
    SystemTime::try_from(time)
        .map(Some)
        .map_err(|err| invalid_field(field, format!("is not a time: {err}")))
}

/// A request's claim filter, parsed, with `me` read as the caller's name
/// (`holder = me`): the one path every handler that takes a filter uses.
pub fn claim_filter(text: &str, caller: &crate::model::Principal) -> Result<filter::Filter, Status> {
    filter::parse(text)
        .map(|filter| filter.for_caller(&caller.name))
        .map_err(|err| super::error::syntax_error("filter", &err))
}

/// An article filter (`ListArticlesRequest.filter`), or INVALID_ARGUMENT
/// naming `filter` and the position.
pub fn article_filter(text: &str) -> Result<filter::Filter, Status> {
    filter::parse_article_filter(text).map_err(|err| super::error::syntax_error("filter", &err))
}

/// Checks the etag of a conditional write: given, and one the server makes
/// (`W/"3"`). Whether it is still current is the store's to say
/// (`ABORTED`); a malformed one is the caller's mistake (`INVALID_ARGUMENT`).
pub fn check_etag(field: &str, etag: &str) -> Result<(), Status> {
    if etag.is_empty() {
        return Err(invalid_field(
            field,
            "is required: pass the etag of the claim as you read it",
        ));
    }
    if rules::parse_etag(etag).is_none() {
        return Err(invalid_field(
            field,
            format!(
                "must be the claim's etag as the server gave it, such as W/\"3\"; got {}",
                crate::text::quoted_excerpt(etag)
            ),
        ));
    }
    Ok(())
}

fn non_empty(value: String) -> Option<String> {
    (!value.trim().is_empty()).then_some(value)
}

/// The caller-given metadata of an article in a create request; empty
/// strings mean "not given".
pub fn given_metadata(article: &pb::Article) -> ArticleMetadata {
    ArticleMetadata {
        title: non_empty(article.title.clone()),
        source_url: non_empty(article.source_url.clone()),
        publisher: non_empty(article.publisher.clone()),
        credit: non_empty(article.credit.clone()),
        dateline: non_empty(article.dateline.clone()),
        published_date: non_empty(article.published_date.clone()),
    }
}

fn timestamp(time: SystemTime) -> prost_types::Timestamp {
    prost_types::Timestamp::from(time)
}

fn span(span: Span) -> pb::Span {
    // Bodies are at most 1 MiB, so offsets always fit.
    pb::Span {
        start: u32::try_from(span.start).unwrap_or(u32::MAX),
        end: u32::try_from(span.end).unwrap_or(u32::MAX),
    }
}

pub fn article(article: Article) -> pb::Article {
    pb::Article {
        name: names::article(article.id),
        sha256: hex::encode(article.sha256),
        create_time: Some(timestamp(article.create_time)),
        claim_count: i32::try_from(article.claim_count).unwrap_or(i32::MAX),
        extractor_version: article.extractor_version,
        ..article_submission(article.body, article.metadata)
    }
}

/// An article as a client submits it: its body and metadata, unset fields
/// empty. The inverse of `given_metadata`.
pub fn article_submission(body: String, meta: ArticleMetadata) -> pb::Article {
    pb::Article {
        body,
        title: meta.title.unwrap_or_default(),
        source_url: meta.source_url.unwrap_or_default(),
        publisher: meta.publisher.unwrap_or_default(),
        credit: meta.credit.unwrap_or_default(),
        dateline: meta.dateline.unwrap_or_default(),
        published_date: meta.published_date.unwrap_or_default(),
        ..Default::default()
    }
}

fn status(status: ClaimStatus) -> pb::claim::Status {
    match status {
        ClaimStatus::Unreviewed => pb::claim::Status::Unreviewed,
        ClaimStatus::Reviewed => pb::claim::Status::Reviewed,
        ClaimStatus::Disputed => pb::claim::Status::Disputed,
    }
}

pub fn verdict(verdict: Verdict) -> pb::Verdict {
    match verdict {
        Verdict::True => pb::Verdict::True,
        Verdict::MostlyTrue => pb::Verdict::MostlyTrue,
        Verdict::Mixed => pb::Verdict::Mixed,
        Verdict::MostlyFalse => pb::Verdict::MostlyFalse,
        Verdict::False => pb::Verdict::False,
        Verdict::Misleading => pb::Verdict::Misleading,
        Verdict::Unverifiable => pb::Verdict::Unverifiable,
        Verdict::NotAClaim => pb::Verdict::NotAClaim,
    }
}

/// The verdict of a request; `field` names it in errors.
pub fn parse_verdict(field: &str, value: i32) -> Result<Verdict, Status> {
    let verdict = match pb::Verdict::try_from(value) {
        Ok(pb::Verdict::True) => Verdict::True,
        Ok(pb::Verdict::MostlyTrue) => Verdict::MostlyTrue,
        Ok(pb::Verdict::Mixed) => Verdict::Mixed,
        Ok(pb::Verdict::MostlyFalse) => Verdict::MostlyFalse,
        Ok(pb::Verdict::False) => Verdict::False,
        Ok(pb::Verdict::Misleading) => Verdict::Misleading,
        Ok(pb::Verdict::Unverifiable) => Verdict::Unverifiable,
        Ok(pb::Verdict::NotAClaim) => Verdict::NotAClaim,
        Ok(pb::Verdict::Unspecified) => return Err(invalid_field(field, "is required")),
        Err(_) => return Err(invalid_field(field, format!("{value} is not a verdict"))),
    };
    Ok(verdict)
}

pub fn review(review: Review) -> pb::Review {
    pb::Review {
        name: names::review(review.claim_id, review.id),
        claim: names::claim(review.claim_id),
        reviewer: review.reviewer,
        verdict: verdict(review.verdict).into(),
        rationale: review.rationale,
        evidence_urls: review.evidence_urls,
        create_time: Some(timestamp(review.create_time)),
    }
}

/// A claim's history as one timeline: the extraction (with each field as
/// extracted: the first correction's old value, or the value now), then the
/// corrections and reviews in time order.
pub fn claim_history(history: ClaimHistory) -> pb::ClaimHistory {
    use pb::claim_history_event::Change;
    let ClaimHistory {
        claim,
        changes,
        reviews,
    } = history;
    let as_extracted = |field: &str, now: &str| {
        changes
            .iter()
            .find(|change| change.field == field)
            .map_or(now, |change| change.old_value.as_str())
            .to_owned()
    };
    let extraction = pb::ClaimHistoryEvent {
        time: Some(timestamp(claim.create_time)),
        actor: claim.extractor_version.clone(),
        change: Some(Change::Extraction(pb::ClaimExtraction {
            article: names::article(claim.article_id),
            text: as_extracted("text", &claim.text),
            speaker: as_extracted("speaker", &claim.speaker),
        })),
    };
    let mut later: Vec<(SystemTime, pb::ClaimHistoryEvent)> = changes
        .into_iter()
        .map(|change| {
            let event = pb::ClaimHistoryEvent {
                time: Some(timestamp(change.create_time)),
                actor: change.editor,
                change: Some(Change::Correction(pb::ClaimCorrection {
                    field: change.field,
                    old_value: change.old_value,
                    new_value: change.new_value,
                    version: change.version,
                })),
            };
            (change.create_time, event)
        })
        .chain(reviews.into_iter().map(|stored| {
            let time = stored.create_time;
            let event = pb::ClaimHistoryEvent {
                time: Some(timestamp(time)),
                actor: stored.reviewer.clone(),
                change: Some(Change::Review(review(stored))),
            };
            (time, event)
        }))
        .collect();
    // Stable: at the same instant, corrections stay before reviews.
    later.sort_by_key(|(time, _)| *time);
    pb::ClaimHistory {
        claim: names::claim(claim.id),
        events: std::iter::once(extraction)
            .chain(later.into_iter().map(|(_, event)| event))
            .collect(),
    }
}

pub fn audit_event(event: AuditEvent) -> pb::AuditEvent {
    pb::AuditEvent {
        name: names::audit_event(event.id),
        create_time: Some(timestamp(event.create_time)),
        actor: event.actor,
        method: event.method,
        resource: event.resource,
        details: event.details,
    }
}

pub fn search_result(hit: SearchHit) -> pb::SearchResult {
    pb::SearchResult {
        claim: Some(claim(hit.claim)),
        text_snippet: hit.text_snippet,
        sentence_snippet: hit.sentence_snippet,
        score: hit.score,
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub fn queue_counts(queue: QueueCounts) -> pb::QueueCounts {
    pb::QueueCounts {
        unreviewed: count(queue.unreviewed),
        leased: count(queue.leased),
        awaiting_second: count(queue.awaiting_second),
        disputed: count(queue.disputed),
        r#final: count(queue.final_verdicts),
        imported: count(queue.imported),
    }
}

pub fn review_stats(stats: ReviewStats, second_review: bool) -> pb::ReviewStats {
    pb::ReviewStats {
        queue: Some(queue_counts(stats.queue)),
        reviewers: stats
            .reviewers
            .into_iter()
            .map(|reviewer| pb::ReviewerThroughput {
                reviewer: reviewer.reviewer,
                reviews: count(reviewer.reviews),
                reviews_last_day: count(reviewer.recent_reviews),
                last_review_time: Some(timestamp(reviewer.last_review_time)),
            })
            .collect(),
        double_reviewed_claims: count(stats.verdict_pairs.len() as u64),
        cohens_kappa: kappa::cohens_kappa(&stats.verdict_pairs),
        second_review,
    }
}

fn kind(kind: ClaimKind) -> pb::claim::Kind {
    match kind {
        ClaimKind::Statistic => pb::claim::Kind::Statistic,
        ClaimKind::Event => pb::claim::Kind::Event,
        ClaimKind::Statement => pb::claim::Kind::Statement,
        ClaimKind::Prediction => pb::claim::Kind::Prediction,
        ClaimKind::Opinion => pb::claim::Kind::Opinion,
    }
}

/// A claim kind as a request gives it; `field` names it in the error.
pub fn parse_kind(field: &str, kind: pb::claim::Kind) -> Result<ClaimKind, Status> {
    match kind {
        pb::claim::Kind::Unspecified => Err(invalid_field(
            field,
            "must be one of STATISTIC, EVENT, STATEMENT, PREDICTION, OPINION",
        )),
        pb::claim::Kind::Statistic => Ok(ClaimKind::Statistic),
        pb::claim::Kind::Event => Ok(ClaimKind::Event),
        pb::claim::Kind::Statement => Ok(ClaimKind::Statement),
        pb::claim::Kind::Prediction => Ok(ClaimKind::Prediction),
        pb::claim::Kind::Opinion => Ok(ClaimKind::Opinion),
    }
}

fn entity_kind(kind: EntityKind) -> pb::entity::Kind {
    match kind {
        EntityKind::Person => pb::entity::Kind::Person,
        EntityKind::Organisation => pb::entity::Kind::Organisation,
        EntityKind::Place => pb::entity::Kind::Place,
        EntityKind::Other => pb::entity::Kind::Other,
    }
}

fn polarity(polarity: Polarity) -> pb::stance::Polarity {
    match polarity {
        Polarity::Affirms => pb::stance::Polarity::Affirms,
        Polarity::Denies => pb::stance::Polarity::Denies,
    }
}

fn entity(entity: Entity) -> pb::Entity {
    pb::Entity {
        name: entity.name,
        kind: entity_kind(entity.kind).into(),
    }
}

fn quantity(quantity: Quantity) -> pb::Quantity {
    pb::Quantity {
        value: quantity.value,
        upper: quantity.upper,
        unit: quantity.unit,
        text: quantity.text,
    }
}

fn date_range(date: DateRange) -> pb::DateRange {
    pb::DateRange {
        start: date.start,
        end: date.end,
        text: date.text,
    }
}

fn rewrite(rewrite: Rewrite) -> pb::Rewrite {
    pb::Rewrite {
        original: rewrite.original,
        span: Some(span(rewrite.span)),
        replacement: rewrite.replacement,
        rule: rewrite.rule,
    }
}

/// A claim with only the fields every claim has; the caller sets name,
/// article, status, times and the sentence index.
fn claim_with_details(
    text: String,
    sentence: String,
    claim_span: Span,
    speaker: String,
    checkworthiness: f64,
    details: ClaimDetails,
) -> pb::Claim {
    let stance = details.reporting_verb.map(|verb| pb::Stance {
        verb,
        polarity: polarity(details.polarity).into(),
    });
    pb::Claim {
        text,
        sentence,
        span: Some(span(claim_span)),
        speaker,
        checkworthiness,
        kind: kind(details.kind).into(),
        checkable: details.checkable,
        needs_context: details.needs_context,
        speaker_role: details.speaker_role.unwrap_or_default(),
        content: details.content,
        stance,
        entities: details.entities.into_iter().map(entity).collect(),
        quantities: details.quantities.into_iter().map(quantity).collect(),
        dates: details.dates.into_iter().map(date_range).collect(),
        rewrites: details.rewrites.into_iter().map(rewrite).collect(),
        ..Default::default()
    }
}

pub fn claim(claim: Claim) -> pb::Claim {
    pb::Claim {
        name: names::claim(claim.id),
        article: names::article(claim.article_id),
        extractor_version: claim.extractor_version,
        status: status(claim.status).into(),
        create_time: Some(timestamp(claim.create_time)),
        etag: rules::etag(claim.review.version),
        verdict: claim
            .review
            .verdict
            .map_or(pb::Verdict::Unspecified, verdict)
            .into(),
        verdict_final: claim.review.verdict_final,
        last_reviewer: claim.review.last_reviewer.unwrap_or_default(),
        lease_holder: claim
            .review
            .lease
            .as_ref()
            .map(|lease| lease.holder.clone())
            .unwrap_or_default(),
        lease_expire_time: claim.review.lease.map(|lease| timestamp(lease.expire_time)),
        update_time: claim.review.update_time.map(timestamp),
        external_review: claim.external_review.map(external_review),
        ..claim_with_details(
            claim.text,
            claim.sentence,
            claim.span,
            claim.speaker,
            claim.checkworthiness,
            claim.details,
        )
    }
}

/// Another fact-checker's review of an imported claim.
fn external_review(review: ExternalReview) -> pb::ExternalReview {
    pb::ExternalReview {
        publisher: review.publisher,
        publisher_url: review.publisher_url.unwrap_or_default(),
        url: review.url.unwrap_or_default(),
        date: review.date.unwrap_or_default(),
        rating: review.rating,
        verdict: verdict(review.verdict).into(),
    }
}

/// A claim the extractor found but nothing stored: no name, article or time.
pub fn unstored_claim(claim: NewClaim, extractor_version: &str) -> pb::Claim {
    pb::Claim {
        extractor_version: extractor_version.to_owned(),
        status: pb::claim::Status::Unreviewed.into(),
        ..claim_with_details(
            claim.text,
            claim.sentence,
            claim.span,
            claim.speaker,
            claim.checkworthiness,
            claim.details,
        )
    }
}

pub fn claim_event(event: &ClaimEvent) -> pb::ClaimEvent {
    let kind = match event.kind {
        EventKind::Created => pb::claim_event::Type::Created,
        EventKind::Leased => pb::claim_event::Type::Leased,
        EventKind::Released => pb::claim_event::Type::Released,
        EventKind::Reviewed => pb::claim_event::Type::Reviewed,
        EventKind::Updated => pb::claim_event::Type::Updated,
    };
    pb::ClaimEvent {
        r#type: kind.into(),
        claim: Some(claim(event.claim.clone())),
        actor: event.actor.clone(),
        event_time: Some(timestamp(event.time)),
        dropped_events: 0,
    }
}

pub fn dropped_events(n_dropped: u64) -> pb::ClaimEvent {
    pb::ClaimEvent {
        r#type: pb::claim_event::Type::EventsDropped.into(),
        claim: None,
        actor: String::new(),
        event_time: Some(timestamp(SystemTime::now())),
        dropped_events: i64::try_from(n_dropped).unwrap_or(i64::MAX),
    }
}

pub fn diagnostic(diagnostic: extract::Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        span: Some(span(diagnostic.span)),
        message: diagnostic.message,
    }
}

pub fn metadata(meta: ArticleMetadata) -> pb::ArticleMetadata {
    pb::ArticleMetadata {
        title: meta.title.unwrap_or_default(),
        dateline: meta.dateline.unwrap_or_default(),
        credit: meta.credit.unwrap_or_default(),
        published_date: meta.published_date.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_only_in_their_collection() {
        assert_eq!(parse_article_name("name", "articles/12").unwrap(), ArticleId(12));
        assert_eq!(parse_claim_name("name", "claims/3").unwrap(), ClaimId(3));
        for bad in [
            "",
            "articles/",
            "articles/0",
            "articles/-1",
            "articles/+1",
            "articles/1/",
            "articles/x",
            "claims/1",
            "articles/99999999999999999999",
            "articles//1",
        ] {
            let status = parse_article_name("name", bad).unwrap_err();
            assert_eq!(status.code(), tonic::Code::InvalidArgument, "{bad:?}");
            assert!(status.message().starts_with("name "), "{}", status.message());
        }
    }
}

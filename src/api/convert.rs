//! Conversions between the generated proto types and the domain types, by hand, in one place.

use std::time::SystemTime;

use tonic::Status;

use super::error::invalid_field;
use super::pb;
use crate::extract;
use crate::model::{
    Article, ArticleId, ArticleMetadata, Claim, ClaimDetails, ClaimId, ClaimKind, ClaimStatus, DateRange,
    Entity, EntityKind, NewClaim, Polarity, Quantity, Rewrite, Span,
};

/// Parses a resource name `{collection}/{id}` with a positive integer id.
fn parse_name(field: &str, name: &str, collection: &str) -> Result<i64, Status> {
    if name.is_empty() {
        return Err(invalid_field(field, "is required"));
    }
    let id = name
        .strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0);
    id.ok_or_else(|| {
        invalid_field(
            field,
            format!("must be a resource name of the form {collection}/{{id}} with a positive integer id, got {name:?}"),
        )
    })
}

pub fn parse_article_name(field: &str, name: &str) -> Result<ArticleId, Status> {
    parse_name(field, name, "articles").map(ArticleId)
}

pub fn parse_claim_name(field: &str, name: &str) -> Result<ClaimId, Status> {
    parse_name(field, name, "claims").map(ClaimId)
}

pub fn article_name(id: ArticleId) -> String {
    format!("articles/{}", id.0)
}

pub fn claim_name(id: ClaimId) -> String {
    format!("claims/{}", id.0)
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
    let meta = article.metadata;
    pb::Article {
        name: article_name(article.id),
        body: article.body,
        sha256: hex::encode(article.sha256),
        title: meta.title.unwrap_or_default(),
        source_url: meta.source_url.unwrap_or_default(),
        publisher: meta.publisher.unwrap_or_default(),
        credit: meta.credit.unwrap_or_default(),
        dateline: meta.dateline.unwrap_or_default(),
        published_date: meta.published_date.unwrap_or_default(),
        create_time: Some(timestamp(article.create_time)),
        claim_count: i32::try_from(article.claim_count).unwrap_or(i32::MAX),
        extractor_version: article.extractor_version,
    }
}

fn status(status: ClaimStatus) -> pb::claim::Status {
    match status {
        ClaimStatus::Unreviewed => pb::claim::Status::Unreviewed,
        ClaimStatus::Reviewed => pb::claim::Status::Reviewed,
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
        name: claim_name(claim.id),
        article: article_name(claim.article_id),
        extractor_version: claim.extractor_version,
        status: status(claim.status).into(),
        create_time: Some(timestamp(claim.create_time)),
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

pub fn diagnostic(diagnostic: extract::Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        span: Some(span(Span {
            start: diagnostic.span.start,
            end: diagnostic.span.end,
        })),
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

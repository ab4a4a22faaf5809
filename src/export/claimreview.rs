//! A reviewed claim → one schema.org ClaimReview JSON-LD object, with the publisher's settings.
//!
//! The mapping (README.md, "ClaimReview export"): `claimReviewed` the claim text, `itemReviewed`
//! a `Claim` (its speaker as `author`, the article's date, the article as `appearance`),
//! `reviewRating` on the 1–5 scale of `review::claimreview` with the verdict in words,
//! `author` the publishing organisation, `datePublished` the review's date, `url` the review
//! page from the template, `reviewBody` the rationale, `citation` the evidence.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::calendar;
use crate::links;
use crate::model::{Claim, EntityKind, Review};
use crate::review::claimreview::{BEST_RATING, WORST_RATING, scale_value, verdict_words};
use crate::store::ReviewedClaim;

/// The placeholders a review URL template may hold: the claim's id and the review's id.
pub const CLAIM_PLACEHOLDER: &str = "{claim}";
pub const REVIEW_PLACEHOLDER: &str = "{review}";

/// Who publishes the reviews: the server's settings (`claimdb serve
/// --publisher-name --publisher-url --review-url-template`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub name: String,
    pub url: Option<String>,
    /// The review page's URL with `{claim}` and/or `{review}` in it, e.g.
    /// `https://factcheck.example/claims/{claim}`.
    pub review_url_template: String,
}

impl Publisher {
    /// Checks the settings: a name, an http(s) publisher URL, and a template
    /// with a placeholder that makes an http(s) URL. The message names the
    /// setting at fault.
    pub fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("publisher-name: must not be empty".into());
        }
        if let Some(url) = &self.url {
            links::check_url(url).map_err(|problem| format!("publisher-url {url:?}: {problem}"))?;
        }
        let template = &self.review_url_template;
        if !template.contains(CLAIM_PLACEHOLDER) && !template.contains(REVIEW_PLACEHOLDER) {
            return Err(format!(
                "review-url-template {template:?}: must contain {CLAIM_PLACEHOLDER} or {REVIEW_PLACEHOLDER}, \
                 so that each review has its own page"
            ));
        }
        let example = render_template(template, 1, 1);
        links::check_url(&example).map_err(|problem| format!("review-url-template {template:?}: {problem}"))
    }

    /// The review page of a claim's review.
    pub fn review_url(&self, claim: &Claim, review: &Review) -> String {
        render_template(&self.review_url_template, claim.id.0, review.id.0)
    }
}

fn render_template(template: &str, claim_id: i64, review_id: i64) -> String {
    template
        .replace(CLAIM_PLACEHOLDER, &claim_id.to_string())
        .replace(REVIEW_PLACEHOLDER, &review_id.to_string())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaimReviewLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
    claim_reviewed: &'a str,
    date_published: String,
    author: OrganizationLd<'a>,
    review_rating: RatingLd,
    item_reviewed: ClaimLd<'a>,
    review_body: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<CreativeWorkLd<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RatingLd {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rating_value: Option<u8>,
    best_rating: u8,
    worst_rating: u8,
    alternate_name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaimLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<SpeakerLd<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    appearance: Vec<CreativeWorkLd<'a>>,
}

/// The claim's speaker: a Person (with the role the article gave, as
/// `jobTitle`) or an Organization.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpeakerLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreativeWorkLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<OrganizationLd<'a>>,
}

/// Whether the speaker is an organisation: the extractor's entity of the
/// same name says so (a government, a country speaking as a state), or the
/// speaker is the publication itself. Anyone else named is a person.
fn speaker_is_organisation(item: &ReviewedClaim) -> bool {
    let claim = &item.claim;
    let by_entity = claim
        .details
        .entities
        .iter()
        .find(|entity| entity.name == claim.speaker)
        .map(|entity| matches!(entity.kind, EntityKind::Organisation | EntityKind::Place));
    by_entity.unwrap_or_else(|| item.article.publisher.as_deref() == Some(claim.speaker.as_str()))
}

fn iso_date(time: SystemTime) -> String {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    };
    calendar::iso(seconds.div_euclid(86_400))
}

/// The ClaimReview of a reviewed claim, as compact JSON text.
pub fn to_json(item: &ReviewedClaim, publisher: &Publisher) -> String {
    let claim = &item.claim;
    let review = &item.review;
    let verdict = claim.review.verdict.unwrap_or(review.verdict);
    let speaker = (!claim.speaker.is_empty()).then(|| {
        if speaker_is_organisation(item) {
            SpeakerLd {
                kind: "Organization",
                name: &claim.speaker,
                job_title: None,
            }
        } else {
            SpeakerLd {
                kind: "Person",
                name: &claim.speaker,
                job_title: claim.details.speaker_role.as_deref(),
            }
        }
    });
    let article = &item.article;
    let appearance = (article.source_url.is_some() || article.title.is_some()).then(|| CreativeWorkLd {
        kind: "CreativeWork",
        url: article.source_url.as_deref(),
        headline: article.title.as_deref(),
        publisher: article.publisher.as_deref().map(|name| OrganizationLd {
            kind: "Organization",
            name,
            url: None,
        }),
    });
    let document = ClaimReviewLd {
        context: "https://schema.org",
        kind: "ClaimReview",
        url: publisher.review_url(claim, review),
        claim_reviewed: &claim.text,
        date_published: iso_date(review.create_time),
        author: OrganizationLd {
            kind: "Organization",
            name: &publisher.name,
            url: publisher.url.as_deref(),
        },
        review_rating: RatingLd {
            kind: "Rating",
            rating_value: scale_value(verdict),
            best_rating: BEST_RATING,
            worst_rating: WORST_RATING,
            alternate_name: verdict_words(verdict),
        },
        item_reviewed: ClaimLd {
            kind: "Claim",
            author: speaker,
            date_published: article.published_date.as_deref(),
            appearance: appearance.into_iter().collect(),
        },
        review_body: &review.rationale,
        citation: review
            .evidence_urls
            .iter()
            .map(|url| CreativeWorkLd {
                kind: "CreativeWork",
                url: Some(url),
                headline: None,
                publisher: None,
            })
            .collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publisher(template: &str) -> Publisher {
        Publisher {
            name: "Example Checks".into(),
            url: Some("https://checks.example/".into()),
            review_url_template: template.into(),
        }
    }

    #[test]
    fn a_template_needs_a_placeholder_and_must_make_a_url() {
        assert!(publisher("https://checks.example/claims/{claim}").check().is_ok());
        assert!(publisher("https://checks.example/r/{review}").check().is_ok());
        let no_placeholder = publisher("https://checks.example/claims").check().unwrap_err();
        assert!(
            no_placeholder.starts_with("review-url-template"),
            "{no_placeholder}"
        );
        let not_a_url = publisher("checks.example/{claim}").check().unwrap_err();
        assert!(not_a_url.contains("http"), "{not_a_url}");
        let nameless = Publisher {
            name: " ".into(),
            ..publisher("https://checks.example/{claim}")
        };
        assert!(nameless.check().unwrap_err().starts_with("publisher-name"));
    }

    #[test]
    fn dates_are_civil_days_in_utc() {
        assert_eq!(iso_date(UNIX_EPOCH), "1970-01-01");
        assert_eq!(
            iso_date(UNIX_EPOCH + std::time::Duration::from_secs(1_640_995_200 + 86_399)),
            "2022-01-01"
        );
    }
}

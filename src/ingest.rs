//! Turns a submitted article into what the store keeps: checked, metadata merged, claims extracted.

use crate::extract;
use crate::hash::sha256;
use crate::links::check_url;
use crate::model::{ArticleMetadata, NewArticle, NewClaim};

/// The largest article body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// The longest title, publisher, credit or dateline accepted, in bytes.
pub const MAX_FIELD_BYTES: usize = 1000;

/// Who a claim is attributed to when neither the article names a speaker nor
/// the publication is known.
pub const UNKNOWN_PUBLICATION: &str = "the publication";

/// Something wrong with one field of a submitted article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's name as in the `Article` resource, e.g. `body`.
    pub field: &'static str,
    pub description: String,
    /// True when the only problem is size, which callers report as a
    /// resource limit rather than a malformed request.
    pub too_large: bool,
}

impl FieldProblem {
    fn invalid(field: &'static str, description: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field,
            description: description.into(),
            too_large: false,
        }
    }
}

/// Checks a body as given for extraction or storage.
pub fn check_body(body: &str) -> Result<(), FieldProblem> {
    if body.trim().is_empty() {
        return Err(FieldProblem::invalid(
            "body",
            "must not be empty or only whitespace",
        ));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(FieldProblem {
            field: "body",
            description: format!(
                "is {} bytes, more than the limit of {MAX_BODY_BYTES} bytes",
                body.len()
            ),
            too_large: true,
        });
    }
    Ok(())
}

/// Checks a submitted article, returning every problem found.
pub fn check_article(body: &str, given: &ArticleMetadata) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if let Err(problem) = check_body(body) {
        problems.push(problem);
    }
    let short_fields = [
        ("title", &given.title),
        ("publisher", &given.publisher),
        ("credit", &given.credit),
        ("dateline", &given.dateline),
    ];
    for (field, value) in short_fields {
        if let Some(value) = value {
            if value.len() > MAX_FIELD_BYTES {
                problems.push(FieldProblem::invalid(
                    field,
                    format!("is {} bytes, more than {MAX_FIELD_BYTES}", value.len()),
                ));
            } else if value.chars().any(char::is_control) {
                problems.push(FieldProblem::invalid(
                    field,
                    "must not contain control characters",
                ));
            }
        }
    }
    if let Some(url) = &given.source_url
        && let Err(description) = check_url(url)
    {
        problems.push(FieldProblem::invalid("source_url", description));
    }
    if let Some(date) = &given.published_date
        && !extract::is_valid_date(date)
    {
        problems.push(FieldProblem::invalid(
            "published_date",
            format!(
                "{} is not a calendar date of the form YYYY-MM-DD",
                crate::text::quoted_excerpt(date)
            ),
        ));
    }
    problems
}

/// An article made ready for storage, with what the extractor noted on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub article: NewArticle,
    pub diagnostics: Vec<extract::Diagnostic>,
}

/// Extracts the claims of an article and merges the metadata parsed from its
/// text under what the caller gave. The body must have passed [`check_body`].
pub fn prepare_article(body: String, given: ArticleMetadata) -> Prepared {
    let options = extract::Options {
        reference_date: given.published_date.clone(),
    };
    let extraction = extract::extract_with(&body, &options);
    let parsed = ArticleMetadata {
        title: extraction.meta.title,
        dateline: extraction.meta.dateline,
        credit: extraction.meta.credit,
        published_date: extraction.meta.published_date,
        source_url: None,
        publisher: None,
    };
    let metadata = given.or(parsed);
    let publication = metadata
        .publisher
        .clone()
        .or_else(|| metadata.credit.clone())
        .unwrap_or_else(|| UNKNOWN_PUBLICATION.to_owned());
    let claims = extraction
        .claims
        .into_iter()
        .map(|draft| NewClaim {
            text: draft.text,
            sentence: draft.sentence,
            span: draft.span,
            speaker: draft.speaker.unwrap_or_else(|| publication.clone()),
            checkworthiness: draft.checkworthiness,
            details: draft.details,
        })
        .collect();
    Prepared {
        article: NewArticle {
            sha256: sha256(&body),
            body,
            metadata,
            extractor_version: extract::EXTRACTOR_VERSION.to_owned(),
            claims,
        },
        diagnostics: extraction.diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_oversized_bodies_are_refused() {
        assert_eq!(check_body(" \n\t").unwrap_err().field, "body");
        let big = "a".repeat(MAX_BODY_BYTES + 1);
        assert!(check_body(&big).unwrap_err().too_large);
        assert!(check_body(&"a".repeat(MAX_BODY_BYTES)).is_ok());
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let given = ArticleMetadata {
            source_url: Some("not a url".into()),
            published_date: Some("2022-02-30".into()),
            title: Some("bad\u{0}title".into()),
            ..Default::default()
        };
        let fields: Vec<_> = check_article("", &given).iter().map(|p| p.field).collect();
        assert_eq!(fields, ["body", "title", "source_url", "published_date"]);
    }

    #[test]
    fn unattributed_claims_are_the_publications() {
        let body = "The city council approved a budget of 12 million euros on Monday.";
        let given = ArticleMetadata {
            publisher: Some("The Gazette".into()),
            ..Default::default()
        };
        let article = prepare_article(body.to_owned(), given).article;
        assert_eq!(article.claims.len(), 1);
        assert_eq!(article.claims[0].speaker, "The Gazette");
        assert_eq!(article.sha256, sha256(body));
    }
}

//! The one check of a submitted article, shared by CreateArticle and ImportArticles so that the
//! two cannot drift apart: the article must be there, and its body and metadata must pass
//! `ingest::check_article`.

use tonic::Status;

use super::error::{field_problems, field_problems_message, invalid_field};
use super::{convert, pb};
use crate::ingest::{self, FieldProblem};
use crate::model::ArticleMetadata;

/// An article that passed the check: its body and the metadata the caller gave.
pub struct Submission {
    pub body: String,
    pub given: ArticleMetadata,
}

/// Why a submitted article was refused.
pub enum Refusal {
    Missing,
    Problems(Vec<FieldProblem>),
}

impl Refusal {
    /// The refusal as the error of a CreateArticle call.
    pub fn status(&self) -> Status {
        match self {
            Refusal::Missing => invalid_field("article", "is required"),
            Refusal::Problems(problems) => field_problems("article.", problems),
        }
    }

    /// The refusal as the reason of one ImportArticles item; the same words
    /// as [`Refusal::status`]'s message.
    pub fn reason(&self) -> String {
        match self {
            Refusal::Missing => "article is required".to_owned(),
            Refusal::Problems(problems) => field_problems_message("article.", problems),
        }
    }
}

/// Checks the `article` field of a CreateArticle or ImportArticles request.
pub fn check(article: Option<pb::Article>) -> Result<Submission, Refusal> {
    let article = article.ok_or(Refusal::Missing)?;
    let given = convert::given_metadata(&article);
    let problems = ingest::check_article(&article.body, &given);
    if !problems.is_empty() {
        return Err(Refusal::Problems(problems));
    }
    Ok(Submission {
        body: article.body,
        given,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_paths_say_the_same() {
        let missing = check(None).err().unwrap();
        assert_eq!(missing.status().message(), missing.reason());
        let bad = pb::Article {
            body: " ".into(),
            source_url: "nowhere".into(),
            ..Default::default()
        };
        let problems = check(Some(bad)).err().unwrap();
        assert_eq!(problems.status().message(), problems.reason());
        assert!(problems.reason().starts_with("article.body "));
    }
}

//! The hand-written news gold set (`tests/data/news-gold/`, its README says
//! how it was made) and how the extractor is scored on it: speakers, pronoun
//! and metonym rewrites, dates, check-worthiness, and words a claim has that
//! neither its sentence nor a recorded rewrite gives (`claimdb eval news`).
//!
//! **Invariant:** scoring reads the gold and the extractor's drafts only;
//! it never changes what the extractor does, and every figure counts what
//! it was measured on.

mod read;
mod score;

#[cfg(test)]
mod tests;

pub use read::{ReadError, read_article};
pub use score::{Figures, Judged, score_article};

use crate::model::Span;

/// One annotated article.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldArticle {
    pub id: String,
    /// The corpus folder under `../shared/corpus` it comes from.
    pub corpus: String,
    /// Lower-case hex SHA-256 of the body the spans point into.
    pub body_sha256: String,
    pub article_date: Option<String>,
    /// Where the wire dateline ("WASHINGTON (Reuters) -") stands, if any.
    pub dateline: Option<Span>,
    pub entities: Vec<GoldEntity>,
    pub sentences: Vec<GoldSentence>,
}

/// Someone or something the article names, with every way it writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldEntity {
    pub name: String,
    pub kind: String,
    pub variants: Vec<String>,
}

impl GoldEntity {
    /// The name and its variants.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.variants.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoldSentence {
    pub span: Span,
    /// The entity (by name) whose assertion the sentence reports; `None` is
    /// the article's own voice.
    pub speaker: Option<String>,
    pub check_worthy: bool,
    pub needs_context: bool,
    pub pronouns: Vec<GoldPronoun>,
    pub metonyms: Vec<GoldMetonym>,
    pub dates: Vec<GoldDate>,
    pub claims: Vec<String>,
}

/// A subject pronoun or description and the entity it refers to (`None`: no
/// entity, e.g. pleonastic "it").
#[derive(Debug, Clone, PartialEq)]
pub struct GoldPronoun {
    pub span: Span,
    pub text: String,
    pub antecedent: Option<String>,
}

/// How a capital or seat of government is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// It acts as the state: "Moscow denies".
    State,
    /// An office, not the state: "the White House said".
    Institution,
    /// A city as a place.
    Place,
    /// Part of a name: "Washington Post".
    NamePart,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoldMetonym {
    pub span: Span,
    pub text: String,
    pub reading: Reading,
    /// The state, for a [`Reading::State`].
    pub rewrite: Option<String>,
}

/// A date expression and the days it covers (`None` when the article does
/// not say enough).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldDate {
    pub span: Span,
    pub text: String,
    pub range: Option<(String, String)>,
}

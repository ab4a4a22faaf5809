//! Domain types: what claimdb stores and serves, free of proto, SQL and serde.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

/// Declares an enumeration whose values have fixed names (as stored and as
/// sent over the wire): `ALL`, `as_str`, `Display` and `FromStr`, once for
/// every such enumeration below.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident => $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| UnknownName(s.to_owned()))
            }
        }
    };
}

/// Identifies a stored article; its resource name is `articles/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(pub i64);

/// A claim's sentence embedding as stored: int8 values, `vector[i] · scale`
/// the unit vector's `i`-th number (`embed`).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimEmbedding {
    pub claim_id: ClaimId,
    pub scale: f32,
    pub vector: Vec<i8>,
}

/// Identifies a stored claim; its resource name is `claims/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClaimId(pub i64);

/// A half-open range `start..end` of UTF-8 byte offsets into an article
/// body, on char boundaries: the extractor's spans and the stored ones alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// The descriptive fields of an article, given by the caller or parsed from its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleMetadata {
    pub title: Option<String>,
    pub source_url: Option<String>,
    pub publisher: Option<String>,
    pub credit: Option<String>,
    pub dateline: Option<String>,
    /// An ISO 8601 calendar date, `YYYY-MM-DD`.
    pub published_date: Option<String>,
}

impl ArticleMetadata {
    /// Fills every field left empty in `self` from `parsed`, so that what a
    /// caller gave explicitly wins over what was parsed from the text.
    pub fn or(self, parsed: ArticleMetadata) -> ArticleMetadata {
        ArticleMetadata {
            title: self.title.or(parsed.title),
            source_url: self.source_url.or(parsed.source_url),
            publisher: self.publisher.or(parsed.publisher),
            credit: self.credit.or(parsed.credit),
            dateline: self.dateline.or(parsed.dateline),
            published_date: self.published_date.or(parsed.published_date),
        }
    }
}

/// An article ready to be stored, with the claims extracted from it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub body: String,
    /// SHA-256 of `body`; two articles with the same body are the same article.
    pub sha256: [u8; 32],
    pub metadata: ArticleMetadata,
    pub extractor_version: String,
    pub claims: Vec<NewClaim>,
}

/// A claim ready to be stored with its article.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClaim {
    pub text: String,
    pub sentence: String,
    pub span: Span,
    pub speaker: String,
    pub checkworthiness: f64,
    pub details: ClaimDetails,
}

/// What the extractor says about a claim beyond its text and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDetails {
    /// The proposition without the reporting frame: for "Russia denies
    /// planning to attack Ukraine", "planning to attack Ukraine". Equal to
    /// the claim text when nobody is reported as saying it.
    pub content: String,
    pub kind: ClaimKind,
    /// False for opinions and for predictions not yet due.
    pub checkable: bool,
    /// The claim keeps words it could not make stand alone (an unresolved
    /// "he", "the deal"): a reviewer must read its sentence's context.
    pub needs_context: bool,
    /// What the article calls the speaker beside their name ("US
    /// President" for "US President Donald Trump"), kept apart so that one
    /// person is one speaker in an article.
    pub speaker_role: Option<String>,
    /// The stance: the reporting verb as written ("says", "denies", "warned");
    /// `None` when the claim is not attributed by a reporting verb.
    pub reporting_verb: Option<String>,
    pub polarity: Polarity,
    pub entities: Vec<Entity>,
    pub quantities: Vec<Quantity>,
    pub dates: Vec<DateRange>,
    /// Every change the extractor made to the article's words to make the
    /// claim stand alone.
    pub rewrites: Vec<Rewrite>,
}

impl Default for ClaimDetails {
    fn default() -> ClaimDetails {
        ClaimDetails {
            content: String::new(),
            kind: ClaimKind::Statement,
            checkable: true,
            needs_context: false,
            speaker_role: None,
            reporting_verb: None,
            polarity: Polarity::Affirms,
            entities: Vec::new(),
            quantities: Vec::new(),
            dates: Vec::new(),
            rewrites: Vec::new(),
        }
    }
}

named_enum! {
    /// What sort of assertion a claim is, which decides how it is checked.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum ClaimKind {
        /// A number or quantity.
        Statistic => "STATISTIC",
        /// Something happened.
        Event => "EVENT",
        /// Someone said or denied something.
        Statement => "STATEMENT",
        /// A future or conditional outcome, a threat, a plan.
        Prediction => "PREDICTION",
        /// A value judgement.
        Opinion => "OPINION",
    }
}

named_enum! {
    /// Whether the speaker asserts the content or denies it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Polarity {
        Affirms => "AFFIRMS",
        Denies => "DENIES",
    }
}

/// A person, organisation or place a claim is about, by its normalised name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
}

named_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum EntityKind {
        Person => "PERSON",
        Organisation => "ORGANISATION",
        Place => "PLACE",
        Other => "OTHER",
    }
}

/// A number a claim states, e.g. "60,000 to 90,000 troops".
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    /// The upper end when the text gives a range.
    pub upper: Option<f64>,
    /// What is counted or measured ("troops", "%", "USD", "minute"); empty when unknown.
    pub unit: String,
    /// The words as written in the article.
    pub text: String,
}

/// A calendar date or range a claim refers to, resolved against the article's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    /// ISO `YYYY-MM-DD`; `start <= end`.
    pub start: String,
    pub end: String,
    /// The words as written ("on Thursday", "Jan 9-10").
    pub text: String,
}

/// One change the extractor made to the article's words in a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The words as written.
    pub original: String,
    /// Where they stand in the article body.
    pub span: Span,
    pub replacement: String,
    /// Why: "metonym", "pronoun", "honorific", "acronym", "decomposition".
    pub rule: String,
}

/// A stored article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: ArticleId,
    pub body: String,
    pub sha256: [u8; 32],
    pub metadata: ArticleMetadata,
    pub extractor_version: String,
    pub claim_count: u32,
    pub create_time: SystemTime,
}

/// A stored claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: ClaimId,
    pub article_id: ArticleId,
    pub text: String,
    pub sentence: String,
    pub span: Span,
    pub speaker: String,
    pub checkworthiness: f64,
    pub details: ClaimDetails,
    pub extractor_version: String,
    pub status: ClaimStatus,
    pub create_time: SystemTime,
    /// The review side of the claim (issue 4).
    pub review: ClaimReview,
    /// Set on a claim imported with another fact-checker's review (issue
    /// 15): its verdict is theirs, not a reviewer's of this database.
    pub external_review: Option<ExternalReview>,
}

/// A verdict published by another fact-checker (a ClaimReview read on
/// import), kept with the claim it reviews and shown as theirs.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalReview {
    /// The publishing organisation's name.
    pub publisher: String,
    pub publisher_url: Option<String>,
    /// The review page; what identifies the review when it has one.
    pub url: Option<String>,
    /// When the review was published, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The rating as published ("Pants on Fire"); kept even when it maps to
    /// no verdict.
    pub rating: String,
    /// The rating read through `review::claimreview`'s table.
    pub verdict: Verdict,
}

/// A claim with another fact-checker's review, ready to be stored: what an
/// imported ClaimReview becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewExternalClaim {
    /// The claim reviewed, as plain text.
    pub text: String,
    /// Who made the claim; empty when the review does not say.
    pub speaker: String,
    /// Whether the speaker is a person or an organisation, when the review says.
    pub speaker_kind: Option<EntityKind>,
    /// When the claim was made, `YYYY-MM-DD`.
    pub claim_date: Option<String>,
    /// Where the claim appeared.
    pub appearance_url: Option<String>,
    pub appearance_headline: Option<String>,
    pub review: ExternalReview,
}

/// A stored claim's review state: verdict, version and lease.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClaimReview {
    /// The latest review's verdict.
    pub verdict: Option<Verdict>,
    /// Whether the verdict needs no further review.
    pub verdict_final: bool,
    /// Who gave the latest verdict.
    pub last_reviewer: Option<String>,
    /// Grows by one on every change; the etag is made from it.
    pub version: i64,
    /// Who holds the claim for review, while the lease lasts.
    pub lease: Option<Lease>,
    /// When the claim last changed.
    pub update_time: Option<SystemTime>,
}

/// A reviewer's exclusive hold on a claim, until `expire_time`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub holder: String,
    pub expire_time: SystemTime,
}

named_enum! {
    /// Where a claim stands in review.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum ClaimStatus {
        Unreviewed => "UNREVIEWED",
        Reviewed => "REVIEWED",
        /// Two reviewers disagreed; the claim is back in the queue.
        Disputed => "DISPUTED",
    }
}

named_enum! {
    /// A reviewer's judgement of a claim.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Verdict {
        True => "TRUE",
        MostlyTrue => "MOSTLY_TRUE",
        Mixed => "MIXED",
        MostlyFalse => "MOSTLY_FALSE",
        False => "FALSE",
        Misleading => "MISLEADING",
        Unverifiable => "UNVERIFIABLE",
        NotAClaim => "NOT_A_CLAIM",
    }
}

/// Identifies a stored review; its resource name is `claims/{claim}/reviews/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReviewId(pub i64);

/// A review as submitted, after its fields were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    pub claim_id: ClaimId,
    /// The claim's etag as the reviewer saw it.
    pub etag: String,
    pub verdict: Verdict,
    pub rationale: String,
    pub evidence_urls: Vec<String>,
}

/// A stored review: one entry in a claim's append-only history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: ReviewId,
    pub claim_id: ClaimId,
    pub reviewer: String,
    pub verdict: Verdict,
    pub rationale: String,
    pub evidence_urls: Vec<String>,
    pub create_time: SystemTime,
}

named_enum! {
    /// What a token's holder may do. Each role may do everything the roles
    /// before it may: readers read, reviewers also review, admins also create
    /// and import articles and manage tokens.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Role {
        Reader => "reader",
        Reviewer => "reviewer",
        Admin => "admin",
    }
}

impl Role {
    /// Whether a holder of this role may do what `required` may do.
    pub fn includes(self, required: Role) -> bool {
        self >= required
    }
}

/// A name that is not one of an enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

/// Who is calling: the holder of a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub token_id: i64,
    /// The token's owner, e.g. a reviewer's name.
    pub name: String,
    pub role: Role,
}

/// What happened to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Created,
    Leased,
    Released,
    Reviewed,
    Updated,
}

/// One claim event, as published.
#[derive(Debug, Clone)]
pub struct ClaimEvent {
    pub kind: EventKind,
    pub claim: Claim,
    pub actor: String,
    pub time: SystemTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_roles_below_them() {
        assert!(Role::Admin.includes(Role::Reviewer));
        assert!(Role::Admin.includes(Role::Reader));
        assert!(Role::Reviewer.includes(Role::Reader));
        assert!(!Role::Reader.includes(Role::Reviewer));
        assert!(!Role::Reviewer.includes(Role::Admin));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for &role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn explicit_metadata_wins_over_parsed() {
        let given = ArticleMetadata {
            title: Some("Given".into()),
            ..Default::default()
        };
        let parsed = ArticleMetadata {
            title: Some("Parsed".into()),
            dateline: Some("MOSCOW".into()),
            ..Default::default()
        };
        let merged = given.or(parsed);
        assert_eq!(merged.title.as_deref(), Some("Given"));
        assert_eq!(merged.dateline.as_deref(), Some("MOSCOW"));
    }
}

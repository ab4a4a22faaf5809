//! Resource names (AIP-122), formatted and parsed here and nowhere else: `articles/{id}`,
//! `claims/{id}`, `claims/{claim}/reviews/{id}`, `tokens/{id}` and `auditEvents/{id}`.

use crate::model::{ArticleId, ClaimId, ReviewId};

pub const ARTICLES: &str = "articles";
pub const CLAIMS: &str = "claims";

pub fn article(id: ArticleId) -> String {
    format!("{ARTICLES}/{}", id.0)
}

pub fn claim(id: ClaimId) -> String {
    format!("{CLAIMS}/{}", id.0)
}

pub fn review(claim_id: ClaimId, id: ReviewId) -> String {
    format!("{}/reviews/{}", claim(claim_id), id.0)
}

pub fn token(id: i64) -> String {
    format!("tokens/{id}")
}

pub fn audit_event(id: i64) -> String {
    format!("auditEvents/{id}")
}

/// The id in `name` when it is `{collection}/{id}` with a positive integer
/// id written in plain digits, without leading zeros: a resource has one
/// name, so `claims/01` is not `claims/1`.
pub fn parse_id(name: &str, collection: &str) -> Option<i64> {
    name.strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|id| !id.is_empty() && !id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
}

pub fn parse_article(name: &str) -> Option<ArticleId> {
    parse_id(name, ARTICLES).map(ArticleId)
}

pub fn parse_claim(name: &str) -> Option<ClaimId> {
    parse_id(name, CLAIMS).map(ClaimId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_their_collection_only() {
        assert_eq!(parse_article(&article(ArticleId(12))), Some(ArticleId(12)));
        assert_eq!(parse_claim(&claim(ClaimId(3))), Some(ClaimId(3)));
        assert_eq!(review(ClaimId(3), ReviewId(4)), "claims/3/reviews/4");
        for bad in [
            "",
            "articles",
            "articles/",
            "articles/0",
            "articles/01",
            "articles/007",
            "articles/-1",
            "articles/+1",
            "articles/1/",
            "articles//1",
            "claims/1",
            "articles/99999999999999999999",
        ] {
            assert_eq!(parse_article(bad), None, "{bad}");
        }
    }
}

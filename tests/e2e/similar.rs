//! FindSimilarClaims (issue 15): "has this been checked before?" for a claim or a pasted text.

use claimdb::api::pb;
use tonic::Code;

use crate::support::{MISSION_ARTICLE, assert_field_error, spawn_server};

use pb::find_similar_claims_request::Query;

fn by_text(text: &str) -> pb::FindSimilarClaimsRequest {
    pb::FindSimilarClaimsRequest {
        query: Some(Query::Text(text.into())),
        page_size: 0,
    }
}

#[tokio::test]
async fn a_reworded_claim_finds_the_reviewed_one_first_with_its_verdict() {
    let server = spawn_server().await;
    server.create_article(MISSION_ARTICLE.to_owned()).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    let all = claims
        .list_claims(pb::ListClaimsRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .claims;
    let target = all
        .iter()
        .find(|claim| claim.text.contains("rupture in ties"))
        .expect("the mission article's sanctions claim")
        .clone();

    // The reviewer takes the sanctions claim from the queue (holding the
    // speaker's others on the way) and rates it.
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let filter = format!("speaker = \"{}\"", target.speaker);
    let leased = loop {
        let claim = reviews
            .acquire_claim(pb::AcquireClaimRequest {
                filter: filter.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .claim
            .expect("the speaker's claims are queued");
        if claim.name == target.name {
            break claim;
        }
    };
    reviews
        .submit_review(pb::SubmitReviewRequest {
            claim: leased.name.clone(),
            etag: leased.etag.clone(),
            verdict: pb::Verdict::Misleading.into(),
            rationale: "Sanctions were threatened, not a break.".into(),
            evidence_urls: vec!["https://example.org/record".into()],
        })
        .await
        .unwrap();

    // The pair: other words, the same claim.
    let matches = claims
        .find_similar_claims(by_text(
            "Putin warns any sanctions could lead to a complete breakdown in ties https://t.co/abc",
        ))
        .await
        .unwrap()
        .into_inner()
        .matches;
    let first = matches.first().expect("a match");
    let claim = first.claim.as_ref().unwrap();
    assert_eq!(claim.name, target.name, "{matches:?}");
    assert!(first.reviewed);
    assert_eq!(claim.verdict(), pb::Verdict::Misleading);
    assert!(first.score > 0.0);
    // Reviewed first, then the others, each group closest first.
    for pair in matches.windows(2) {
        assert!(pair[0].reviewed >= pair[1].reviewed, "{matches:?}");
        if pair[0].reviewed == pair[1].reviewed {
            assert!(pair[0].score >= pair[1].score, "{matches:?}");
        }
    }

    // Asked by name, a claim is not its own match.
    let matches = claims
        .find_similar_claims(pb::FindSimilarClaimsRequest {
            query: Some(Query::Claim(target.name.clone())),
            page_size: 5,
        })
        .await
        .unwrap()
        .into_inner()
        .matches;
    assert!(matches.len() <= 5);
    assert!(
        matches
            .iter()
            .all(|m| m.claim.as_ref().unwrap().name != target.name),
        "{matches:?}"
    );

    // Words found nowhere match nothing.
    let none = claims
        .find_similar_claims(by_text("zebras xylophone quokka"))
        .await
        .unwrap()
        .into_inner()
        .matches;
    assert!(none.is_empty(), "{none:?}");
}

#[tokio::test]
async fn bad_requests_name_their_field_and_strangers_are_refused() {
    let server = spawn_server().await;
    server.create_article(MISSION_ARTICLE.to_owned()).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    let cases = [
        (
            pb::FindSimilarClaimsRequest {
                query: None,
                page_size: 0,
            },
            "query",
        ),
        (by_text(&"sanctions ".repeat(101)), "text"),
        (by_text("sanctions\0"), "text"),
        (by_text("   "), "text"),
        (
            pb::FindSimilarClaimsRequest {
                query: Some(Query::Claim("claims/01".into())),
                page_size: 0,
            },
            "claim",
        ),
        (
            pb::FindSimilarClaimsRequest {
                query: Some(Query::Text("sanctions".into())),
                page_size: -1,
            },
            "page_size",
        ),
    ];
    for (request, field) in cases {
        let status = claims.find_similar_claims(request).await.unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, field);
    }
    let status = claims
        .find_similar_claims(pb::FindSimilarClaimsRequest {
            query: Some(Query::Claim("claims/999999".into())),
            page_size: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    // FTS5 syntax in the text is only words.
    claims
        .find_similar_claims(by_text("text:NEAR(\"sanctions\" ties*) OR -rupture ^"))
        .await
        .unwrap();
    let status = server
        .claims(None)
        .await
        .find_similar_claims(by_text("sanctions"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

/// Claims that share words with the paraphrase below but not its meaning,
/// beside the one that means the same in other words.
const SANCTIONS_ARTICLE: &str =
    "date 2022-03-01 MOSCOW • The Kremlin said Russia will not alter its policy because of sanctions.

The city says it will not change the course of the marathon this year, a spokesman said.

Sanctions on Iran will not be lifted before the nuclear talks end, the minister said.
";

/// The claim of `article`'s stored claims whose text holds `words`.
async fn claim_with(server: &crate::support::TestServer, words: &str) -> pb::Claim {
    let mut claims = server.claims(Some(&server.reader)).await;
    let all = claims
        .list_claims(pb::ListClaimsRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .claims;
    let texts: Vec<&str> = all.iter().map(|claim| claim.text.as_str()).collect();
    all.iter()
        .find(|claim| claim.text.contains(words))
        .unwrap_or_else(|| panic!("no claim holds {words:?}: {texts:?}"))
        .clone()
}

// See: #15 (a paraphrase with few shared words is found by the embeddings).
#[tokio::test]
async fn a_paraphrase_in_other_words_is_found_before_claims_sharing_its_words() {
    let server = spawn_server().await;
    server.create_article(SANCTIONS_ARTICLE.to_owned()).await;
    let target = claim_with(&server, "alter its policy").await;
    let mut claims = server.claims(Some(&server.reader)).await;
    // Shares two words ("sanctions", "not") with the target, four ("says",
    // "not", "change", "course") with the marathon and two with Iran's
    // sanctions: BM25 alone puts the marathon first.
    let matches = claims
        .find_similar_claims(by_text("Moscow says sanctions will not change its course"))
        .await
        .unwrap()
        .into_inner()
        .matches;
    let first = matches.first().expect("a match").claim.as_ref().unwrap();
    assert_eq!(first.name, target.name, "{matches:?}");

    // No word in common at all: only the embeddings can find it, once the
    // background embedder has reached the article's claims (it runs off the
    // request path, so this waits for it, for at most a minute).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let matches = loop {
        let matches = claims
            .find_similar_claims(by_text(
                "The Kremlin vows to keep the same course despite Western penalties",
            ))
            .await
            .unwrap()
            .into_inner()
            .matches;
        if !matches.is_empty() || std::time::Instant::now() > deadline {
            break matches;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let first = matches
        .first()
        .expect("a match once embedded")
        .claim
        .as_ref()
        .unwrap();
    assert_eq!(first.name, target.name, "{matches:?}");
}

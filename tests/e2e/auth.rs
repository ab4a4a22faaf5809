//! Token rules: every RPC but health and reflection needs a known token whose role allows it.

use claimdb::api::pb;
use claimdb::model::Role;
use tonic::Code;

use crate::support::{Authed, MISSION_ARTICLE, TestServer, spawn_server};

type ArticleClient = pb::article_service_client::ArticleServiceClient<Authed>;

/// Imports one small article over the `ImportArticles` stream, reading every answer.
async fn import_one(articles: &mut ArticleClient) -> Result<(), tonic::Status> {
    let request = pb::ImportArticlesRequest {
        item_id: "auth-1".into(),
        article: Some(pb::Article {
            body: "The harbour bridge reopened on Monday after 14 months of repairs.".into(),
            ..Default::default()
        }),
        dry_run: false,
    };
    let mut answers = articles
        .import_articles(tokio_stream::iter([request]))
        .await?
        .into_inner();
    while answers.message().await?.is_some() {}
    Ok(())
}

/// Calls every claimdb RPC with `token` and returns each one's name and code.
async fn call_everything(server: &TestServer, token: Option<&str>) -> Vec<(&'static str, Code)> {
    let mut articles = server.articles(token).await;
    let mut claims = server.claims(token).await;
    let mut reviews = server.reviews(token).await;
    let code = |result: Result<(), tonic::Status>| result.err().map_or(Code::Ok, |status| status.code());
    vec![
        (
            "CreateArticle",
            code(
                articles
                    .create_article(pb::CreateArticleRequest {
                        article: Some(pb::Article {
                            body: MISSION_ARTICLE.to_owned(),
                            ..Default::default()
                        }),
                    })
                    .await
                    .map(drop),
            ),
        ),
        ("ImportArticles", code(import_one(&mut articles).await)),
        (
            "GetArticle",
            code(
                articles
                    .get_article(pb::GetArticleRequest {
                        name: "articles/1".into(),
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "ListArticles",
            code(
                articles
                    .list_articles(pb::ListArticlesRequest::default())
                    .await
                    .map(drop),
            ),
        ),
        (
            "ExtractClaims",
            code(
                claims
                    .extract_claims(pb::ExtractClaimsRequest {
                        body: "The river rose by 3 metres on Monday.".into(),
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "GetClaim",
            code(
                claims
                    .get_claim(pb::GetClaimRequest {
                        name: "claims/1".into(),
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "ListClaims",
            code(
                claims
                    .list_claims(pb::ListClaimsRequest::default())
                    .await
                    .map(drop),
            ),
        ),
        (
            "SearchClaims",
            code(
                claims
                    .search_claims(pb::SearchClaimsRequest {
                        query: "Putin".into(),
                        ..Default::default()
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "WatchClaims",
            code(
                claims
                    .watch_claims(pb::WatchClaimsRequest::default())
                    .await
                    .map(drop),
            ),
        ),
        (
            "UpdateClaim",
            code(
                claims
                    .update_claim(pb::UpdateClaimRequest {
                        claim: Some(pb::Claim {
                            name: "claims/1".into(),
                            speaker: "Someone".into(),
                            ..Default::default()
                        }),
                        update_mask: Some(prost_types::FieldMask {
                            paths: vec!["speaker".into()],
                        }),
                        etag: "W/\"999\"".into(),
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "AcquireClaim",
            code(
                reviews
                    .acquire_claim(pb::AcquireClaimRequest::default())
                    .await
                    .map(drop),
            ),
        ),
        (
            "ReleaseClaim",
            code(
                reviews
                    .release_claim(pb::ReleaseClaimRequest {
                        name: "claims/1".into(),
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "SubmitReview",
            code(
                reviews
                    .submit_review(pb::SubmitReviewRequest {
                        claim: "claims/2".into(),
                        etag: "W/\"999\"".into(),
                        verdict: pb::Verdict::True.into(),
                        rationale: "Checked.".into(),
                        evidence_urls: vec![],
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "ListReviews",
            code(
                reviews
                    .list_reviews(pb::ListReviewsRequest {
                        parent: "claims/1".into(),
                        ..Default::default()
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "GetClaimHistory",
            code(
                reviews
                    .get_claim_history(pb::GetClaimHistoryRequest {
                        name: "claims/1".into(),
                    })
                    .await
                    .map(drop),
            ),
        ),
        (
            "GetReviewStats",
            code(
                reviews
                    .get_review_stats(pb::GetReviewStatsRequest {})
                    .await
                    .map(drop),
            ),
        ),
        (
            "ListAuditEvents",
            code(
                reviews
                    .list_audit_events(pb::ListAuditEventsRequest::default())
                    .await
                    .map(drop),
            ),
        ),
    ]
}

/// The role each method needs, and what a caller allowed to call it gets
/// with the requests above (a stale but well-formed etag, a claim it does not hold).
fn rule(method: &str) -> (Role, Code) {
    match method {
        "CreateArticle" | "ImportArticles" | "GetReviewStats" | "ListAuditEvents" => (Role::Admin, Code::Ok),
        "AcquireClaim" => (Role::Reviewer, Code::Ok),
        "UpdateClaim" | "SubmitReview" => (Role::Reviewer, Code::Aborted),
        "ReleaseClaim" => (Role::Reviewer, Code::FailedPrecondition),
        _ => (Role::Reader, Code::Ok),
    }
}

#[tokio::test]
async fn calls_without_a_known_token_are_unauthenticated() {
    let server = spawn_server().await;
    for token in [None, Some("cdb_not-a-real-token"), Some("")] {
        for (method, code) in call_everything(&server, token).await {
            assert_eq!(code, Code::Unauthenticated, "{method} with {token:?}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn malformed_authorization_is_unauthenticated() {
    let server = spawn_server().await;
    let channel = server.channel().await;
    let mut client = pb::article_service_client::ArticleServiceClient::new(channel);
    for header in ["Basic dXNlcjpwYXNz", "Bearer", server.admin.as_str()] {
        let mut request = tonic::Request::new(pb::ListArticlesRequest::default());
        request
            .metadata_mut()
            .insert("authorization", header.parse().unwrap());
        let status = client.list_articles(request).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{header:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn roles_decide_what_each_caller_may_do() {
    let server = spawn_server().await;
    // The admin goes first, so the reads below find what it stored.
    for (token, role) in [
        (&server.admin, Role::Admin),
        (&server.reviewer, Role::Reviewer),
        (&server.reader, Role::Reader),
    ] {
        for (method, code) in call_everything(&server, Some(token)).await {
            let (required, allowed) = rule(method);
            let expected = if role.includes(required) {
                allowed
            } else {
                Code::PermissionDenied
            };
            assert_eq!(code, expected, "{role} {method}");
        }
    }
    let status = server
        .articles(Some(&server.reader))
        .await
        .create_article(pb::CreateArticleRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        status.message(),
        "CreateArticle needs the admin role; token \"test-reader\" has the reader role"
    );
    server.stop().await;
}

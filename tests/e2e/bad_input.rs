//! Bad input gets the right status, a message naming the field, error details, and writes nothing.

use claimdb::api::pb;
use tonic::Code;

use crate::support::{MISSION_ARTICLE, TestServer, assert_field_error, spawn_server};

fn with_body(body: &str) -> pb::Article {
    pb::Article {
        body: body.to_owned(),
        ..Default::default()
    }
}

async fn assert_nothing_stored(server: &TestServer) {
    let articles = server
        .articles(Some(&server.reader))
        .await
        .list_articles(pb::ListArticlesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(articles.articles.is_empty());
    let claims = server
        .claims(Some(&server.reader))
        .await
        .list_claims(pb::ListClaimsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(claims.claims.is_empty());
}

#[tokio::test]
async fn bad_articles_are_refused_and_nothing_is_written() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.admin)).await;
    let create = |article: Option<pb::Article>| pb::CreateArticleRequest { article };

    let status = articles.create_article(create(None)).await.unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "article");

    for body in ["", "   \n\t  "] {
        let status = articles
            .create_article(create(Some(with_body(body))))
            .await
            .unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "article.body");
    }

    let too_big = "The river rose. ".repeat((1 << 20) / 16 + 1);
    let status = articles
        .create_article(create(Some(with_body(&too_big))))
        .await
        .unwrap_err();
    assert_field_error(&status, Code::ResourceExhausted, "article.body");
    assert!(status.message().contains("1048576"), "{}", status.message());

    let bad_fields = [
        (
            "article.source_url",
            pb::Article {
                source_url: "javascript:alert(1)".into(),
                ..with_body(MISSION_ARTICLE)
            },
        ),
        (
            "article.published_date",
            pb::Article {
                published_date: "2022-02-30".into(),
                ..with_body(MISSION_ARTICLE)
            },
        ),
        (
            "article.published_date",
            pb::Article {
                published_date: "yesterday".into(),
                ..with_body(MISSION_ARTICLE)
            },
        ),
        (
            "article.title",
            pb::Article {
                title: "t".repeat(5000),
                ..with_body(MISSION_ARTICLE)
            },
        ),
    ];
    for (field, article) in bad_fields {
        let status = articles.create_article(create(Some(article))).await.unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, field);
    }
    assert_nothing_stored(&server).await;
    server.stop().await;
}

#[tokio::test]
async fn bad_extract_requests_are_refused() {
    let server = spawn_server().await;
    let mut claims = server.claims(Some(&server.reader)).await;
    let status = claims
        .extract_claims(pb::ExtractClaimsRequest { body: " ".into() })
        .await
        .unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "body");
    let status = claims
        .extract_claims(pb::ExtractClaimsRequest {
            body: "a".repeat((1 << 20) + 1),
        })
        .await
        .unwrap_err();
    assert_field_error(&status, Code::ResourceExhausted, "body");
    server.stop().await;
}

#[tokio::test]
async fn unknown_and_malformed_names() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.reader)).await;
    let mut claims = server.claims(Some(&server.reader)).await;

    let status = articles
        .get_article(pb::GetArticleRequest {
            name: "articles/42".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(status.message(), "articles/42 not found");
    let status = claims
        .get_claim(pb::GetClaimRequest {
            name: "claims/42".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let status = claims
        .list_claims(pb::ListClaimsRequest {
            article: "articles/42".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    for name in [
        "",
        "42",
        "claims/1",
        "articles/abc",
        "articles/1; DROP TABLE articles",
    ] {
        let status = articles
            .get_article(pb::GetArticleRequest { name: name.into() })
            .await
            .unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "name");
    }
    let status = claims
        .list_claims(pb::ListClaimsRequest {
            article: "claims/1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "article");
    server.stop().await;
}

#[tokio::test]
async fn bad_pagination_is_refused() {
    let server = spawn_server().await;
    let mut admin = server.articles(Some(&server.admin)).await;
    for i in 0..3 {
        admin
            .create_article(pb::CreateArticleRequest {
                article: Some(with_body(&format!(
                    "The bridge is {i} metres long and opened in 1990."
                ))),
            })
            .await
            .unwrap();
    }
    let mut articles = server.articles(Some(&server.reader)).await;
    for page_size in [-1, 1001, i32::MIN] {
        let status = articles
            .list_articles(pb::ListArticlesRequest {
                page_size,
                page_token: String::new(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "page_size");
    }
    for page_token in ["not base64 at all!", "AAAA", "'; DROP TABLE claims; --"] {
        let status = articles
            .list_articles(pb::ListArticlesRequest {
                page_size: 1,
                page_token: page_token.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "page_token");
    }

    // A token from one listing does not work for another.
    let first = articles
        .list_articles(pb::ListArticlesRequest {
            page_size: 1,
            page_token: String::new(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!first.next_page_token.is_empty());
    let status = server
        .claims(Some(&server.reader))
        .await
        .list_claims(pb::ListClaimsRequest {
            article: String::new(),
            page_size: 1,
            page_token: first.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "page_token");
    server.stop().await;
}

// See: #16 (`--etag 1` was ABORTED, "it changed since it was read").
#[tokio::test]
async fn a_malformed_etag_is_invalid_and_a_stale_one_aborted() {
    let server = spawn_server().await;
    let created = server.create_article(MISSION_ARTICLE.to_owned()).await;
    let claim = created.claims[0].clone();
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let mut claims = server.claims(Some(&server.reviewer)).await;
    let submit = |etag: &str| pb::SubmitReviewRequest {
        claim: claim.name.clone(),
        etag: etag.to_owned(),
        verdict: pb::Verdict::True.into(),
        rationale: "Checked.".into(),
        evidence_urls: vec![],
    };
    let update = |etag: &str| pb::UpdateClaimRequest {
        claim: Some(pb::Claim {
            name: claim.name.clone(),
            speaker: "Someone".into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["speaker".into()],
        }),
        etag: etag.to_owned(),
    };
    for malformed in ["1", "*", "\"1\"", "W/\"x\"", "W/\"01\"", "garbage\u{1b}"] {
        let status = reviews.submit_review(submit(malformed)).await.unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "etag");
        let status = claims.update_claim(update(malformed)).await.unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "etag");
    }
    let status = reviews.submit_review(submit("W/\"999\"")).await.unwrap_err();
    assert_eq!(status.code(), Code::Aborted, "{status:?}");
    let status = claims.update_claim(update("W/\"999\"")).await.unwrap_err();
    assert_eq!(status.code(), Code::Aborted, "{status:?}");
    // Nothing was written: the claim is as it was.
    let now = claims
        .get_claim(pb::GetClaimRequest {
            name: claim.name.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(now.etag, claim.etag);
    server.stop().await;
}

//! Hostile and careless callers (issue 14): expensive queries, malformed input, and the server
//! staying up for everyone else.

use bytes::Bytes;
use claimdb::api::pb;
use tonic::Code;

use crate::support::raw::RawCodec;
use crate::support::{TestServer, assert_field_error, spawn_server};

/// Calls `path` with `message` as its raw request bytes.
async fn raw_call(server: &TestServer, path: &'static str, message: Vec<u8>) -> tonic::Status {
    let mut grpc = tonic::client::Grpc::new(server.channel().await).max_encoding_message_size(usize::MAX);
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(Bytes::from(message));
    let bearer = format!("Bearer {}", server.admin).parse().unwrap();
    request.metadata_mut().insert("authorization", bearer);
    grpc.unary(request, http::uri::PathAndQuery::from_static(path), RawCodec)
        .await
        .expect_err("the request cannot succeed")
}

fn search(query: &str) -> pb::SearchClaimsRequest {
    pb::SearchClaimsRequest {
        query: query.to_owned(),
        ..Default::default()
    }
}

// See: #14 (defects 1 and 7).
#[tokio::test]
async fn searches_that_expand_too_widely_or_hold_nul_are_invalid() {
    let server = spawn_server().await;
    server.load_claims(20, 5).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    for query in [
        "t* a* s* i* o* w* h* m* p* c* b* d* f* g* l* n* r*",
        "alpha be*",
        "alp* bet* ind* ros* per*",
        "alpha\0beta",
    ] {
        let status = claims.search_claims(search(query)).await.unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "query");
    }
    // A prefix long enough still finds its claims.
    let found = claims
        .search_claims(search("alp* ind*"))
        .await
        .unwrap()
        .into_inner();
    assert!(!found.results.is_empty());
    server.stop().await;
}

// See: #14 (defect 7).
#[tokio::test]
async fn undecodable_and_oversized_messages_are_the_callers_mistake() {
    let server = spawn_server().await;
    for path in [
        "/claimdb.v1.ClaimService/GetClaim",
        "/claimdb.v1.ArticleService/CreateArticle",
    ] {
        // An unterminated varint where the first tag should be.
        let status = raw_call(&server, path, vec![0xff, 0xff, 0xff]).await;
        assert_eq!(status.code(), Code::InvalidArgument, "{path}: {status:?}");
        let too_large = raw_call(&server, path, vec![0; 4 * 1024 * 1024 + 1]).await;
        assert_eq!(too_large.code(), Code::ResourceExhausted, "{path}: {too_large:?}");
    }
    // The stream of ImportArticles says the same of an oversized message.
    let huge = pb::ImportArticlesRequest {
        item_id: "huge".into(),
        article: Some(pb::Article {
            body: "x".repeat(5 * 1024 * 1024),
            ..Default::default()
        }),
        dry_run: false,
    };
    let mut articles = server.articles(Some(&server.admin)).await;
    let outcome = match articles.import_articles(tokio_stream::iter(vec![huge])).await {
        Err(status) => status,
        Ok(answers) => answers
            .into_inner()
            .message()
            .await
            .expect_err("the stream fails"),
    };
    assert_eq!(outcome.code(), Code::ResourceExhausted, "{outcome:?}");
    server.stop().await;
}

// See: #14 (defect 7).
#[tokio::test]
async fn names_are_canonical_and_long_input_is_not_echoed_whole() {
    let server = spawn_server().await;
    server.load_claims(1, 2).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    let get = |name: &str| pb::GetClaimRequest {
        name: name.to_owned(),
    };
    claims.get_claim(get("claims/1")).await.unwrap();
    for name in ["claims/01", "claims/+1", "claims/1 "] {
        let status = claims.get_claim(get(name)).await.unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "name");
    }
    let long_name = format!("claims/{}", "9".repeat(10_000));
    let status = claims.get_claim(get(&long_name)).await.unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "name");
    assert!(status.message().len() < 1024, "{}", status.message().len());
    let huge_name = "x".repeat(12_000);
    let status = claims.get_claim(get(&huge_name)).await.unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "name");
    server.stop().await;
}

// See: #14 (defect 7).
#[tokio::test]
async fn malformed_source_urls_are_invalid() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.admin)).await;
    for url in [
        "https://[::1",
        "https://%00/",
        "https://example.org/<script>",
        "https://user:pass@example.org/",
        "file:///etc/passwd",
    ] {
        let request = pb::CreateArticleRequest {
            article: Some(pb::Article {
                body: "The river rose by a metre, the mayor said.".into(),
                source_url: url.into(),
                ..Default::default()
            }),
        };
        let status = articles.create_article(request).await.unwrap_err();
        assert_field_error(&status, Code::InvalidArgument, "article.source_url");
    }
    server.stop().await;
}

// See: #14 (defect 2).
#[tokio::test]
async fn silent_connections_are_closed_and_never_starve_real_clients() {
    use std::time::{Duration, Instant};

    use tokio::io::AsyncReadExt;

    let server = crate::support::spawn_server_with(claimdb::api::ServeOptions {
        max_connections: 4,
        handshake_timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let mut silent = Vec::new();
    for _ in 0..8 {
        silent.push(tokio::net::TcpStream::connect(server.addr).await.unwrap());
    }
    let started = Instant::now();
    let mut claims = server.claims(Some(&server.reader)).await;
    claims
        .list_claims(pb::ListClaimsRequest::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // The server closed every silent connection: each reads the end of the stream.
    for mut connection in silent {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_secs(10), connection.read(&mut byte))
            .await
            .expect("a silent connection is closed");
        assert_eq!(read.map_or(0, |n| n), 0);
    }
    server.stop().await;
}

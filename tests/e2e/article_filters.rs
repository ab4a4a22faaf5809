//! Filters on an article's fields (issue 16): ListArticles's filter and the article fields of
//! ListClaims's, through the server and through `claimdb articles list` and `claims list`.

use std::process::Command;

use claimdb::api::pb;
use tonic::Code;

use crate::support::{MISSION_ARTICLE, TestServer, assert_field_error, spawn_server};

/// Stores three articles with the provenance given, each through
/// CreateArticle: the mission article (parsed: 2022-01-01, credited to
/// REUTERS, AGENCE FRANCE-PRESSE) and two short ones.
async fn three_articles(server: &TestServer) {
    let mut client = server.articles(Some(&server.admin)).await;
    let articles = [
        pb::Article {
            body: MISSION_ARTICLE.into(),
            publisher: "The Straits Times".into(),
            source_url: "https://straits.example/biden-putin".into(),
            ..Default::default()
        },
        pb::Article {
            body: "The council spent 4 million euros on roads in 2021.".into(),
            publisher: "Reuters".into(),
            published_date: "2022-01-15".into(),
            source_url: "https://reuters.example/roads".into(),
            ..Default::default()
        },
        pb::Article {
            body: "The mayor said the budget would rise by 10% next year.".into(),
            publisher: "BBC News".into(),
            published_date: "2022-02-01".into(),
            credit: "AP".into(),
            ..Default::default()
        },
    ];
    for article in articles {
        client
            .create_article(pb::CreateArticleRequest {
                article: Some(article),
            })
            .await
            .unwrap();
    }
}

async fn article_names(server: &TestServer, filter: &str, page_size: i32) -> Vec<String> {
    let mut client = server.articles(Some(&server.reader)).await;
    let mut names = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_articles(pb::ListArticlesRequest {
                page_size,
                page_token,
                filter: filter.into(),
            })
            .await
            .unwrap()
            .into_inner();
        names.extend(page.articles.into_iter().map(|article| article.name));
        if page.next_page_token.is_empty() {
            return names;
        }
        page_token = page.next_page_token;
    }
}

/// The articles of the claims ListClaims gives for `filter`, each once.
async fn articles_of_claims(server: &TestServer, filter: &str) -> Vec<String> {
    let mut client = server.claims(Some(&server.reader)).await;
    let claims = client
        .list_claims(pb::ListClaimsRequest {
            filter: filter.into(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .claims;
    let mut articles: Vec<String> = claims.into_iter().map(|claim| claim.article).collect();
    articles.dedup();
    articles
}

// See: #16 (claims could not be filtered by their article, nor articles at all).
#[tokio::test]
async fn list_articles_and_list_claims_filter_by_the_article() {
    let server = spawn_server().await;
    three_articles(&server).await;
    let cases: &[(&str, &[&str])] = &[
        ("", &["articles/1", "articles/2", "articles/3"]),
        (
            "published_date >= 2022-01-01 AND published_date < 2022-02-01",
            &["articles/1", "articles/2"],
        ),
        ("published_date > 2022-01-15", &["articles/3"]),
        ("publisher = 'BBC News'", &["articles/3"]),
        ("agency = reuters", &["articles/1"]),
        ("source = Reuters", &["articles/1", "articles/2"]),
        ("source = ap", &["articles/3"]),
        ("url = 'https://reuters.example/roads'", &["articles/2"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            article_names(&server, filter, 1).await,
            *expected,
            "ListArticles {filter}"
        );
        assert_eq!(
            articles_of_claims(&server, filter).await,
            *expected,
            "ListClaims {filter}"
        );
    }
    // A page token belongs to its filter.
    let mut client = server.articles(Some(&server.reader)).await;
    let first = client
        .list_articles(pb::ListArticlesRequest {
            page_size: 1,
            filter: "source = reuters".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let err = client
        .list_articles(pb::ListArticlesRequest {
            page_size: 1,
            page_token: first.next_page_token,
            filter: "source = ap".into(),
        })
        .await
        .unwrap_err();
    assert_field_error(&err, Code::InvalidArgument, "page_token");
}

#[tokio::test]
async fn a_bad_article_filter_is_invalid_argument_naming_the_field() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.reader)).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    for (filter, words) in [
        ("published_date >= 2022-13-01", "published_date must be a date"),
        ("status = REVIEWED", "unknown field \"status\""),
        ("agency = 'AP, AFP'", "agency is one name"),
    ] {
        let err = articles
            .list_articles(pb::ListArticlesRequest {
                filter: filter.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_field_error(&err, Code::InvalidArgument, "filter");
        assert!(err.message().contains(words), "{filter}: {}", err.message());
    }
    let err = claims
        .list_claims(pb::ListClaimsRequest {
            filter: "publisher > x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_field_error(&err, Code::InvalidArgument, "filter");
    assert!(
        err.message().contains("publisher can only be compared"),
        "{}",
        err.message()
    );
}

#[tokio::test]
async fn the_cli_lists_articles_and_claims_by_article_filters() {
    let server = spawn_server().await;
    three_articles(&server).await;
    let addr = format!("http://{}", server.addr);
    let token = server.reader.clone();
    let run = move |args: Vec<String>| {
        let addr = addr.clone();
        let token = token.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_claimdb"))
                .args(args)
                .args(["--addr", &addr, "--json"])
                .env("CLAIMDB_TOKEN", token)
                .env("RUST_LOG", "warn")
                .output()
                .unwrap()
        })
    };
    let output = run(vec![
        "articles".into(),
        "list".into(),
        "--filter".into(),
        "published_date >= 2022-01-15 AND source != ap".into(),
    ])
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let names: Vec<String> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["articles/2"]);

    let output = run(vec![
        "claims".into(),
        "list".into(),
        "--filter".into(),
        "agency = 'Agence France-Presse'".into(),
    ])
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.lines().count() > 1, "{stdout}");
    assert!(
        stdout
            .lines()
            .all(|line| line.contains("\"article\":\"articles/1\"")),
        "{stdout}"
    );

    let output = run(vec![
        "articles".into(),
        "list".into(),
        "--filter".into(),
        "published_date = someday".into(),
    ])
    .await
    .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("published_date must be a date"), "{stderr}");
}

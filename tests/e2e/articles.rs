//! Storing articles and reading them and their claims back.

use claimdb::api::pb;

use crate::support::{MISSION_ARTICLE, spawn_server};

fn article(body: &str) -> pb::CreateArticleRequest {
    pb::CreateArticleRequest {
        article: Some(pb::Article {
            body: body.to_owned(),
            ..Default::default()
        }),
    }
}

#[tokio::test]
async fn the_mission_article_is_stored_with_its_claims_and_provenance() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.admin)).await;
    let response = articles
        .create_article(article(MISSION_ARTICLE))
        .await
        .unwrap()
        .into_inner();
    assert!(!response.already_exists);
    let stored = response.article.unwrap();
    assert!(stored.name.starts_with("articles/"));
    assert_eq!(
        stored.body, MISSION_ARTICLE,
        "the body is kept exactly as received"
    );
    assert_eq!(stored.published_date, "2022-01-01");
    assert_eq!(stored.dateline, "WILMINGTON/MOSCOW");
    assert_eq!(stored.credit, "REUTERS, AGENCE FRANCE-PRESSE");
    assert_eq!(stored.sha256.len(), 64);
    assert!(stored.create_time.is_some());
    // Read by hand, the article has 22 paragraphs of prose with 25 sentences,
    // each stating something checkable; five are compounds of two claims.
    let claims = response.claims;
    assert_eq!(stored.claim_count as usize, claims.len());
    assert_eq!(claims.len(), 30);

    for claim in &claims {
        let span = claim.span.unwrap();
        let sentence = &MISSION_ARTICLE.as_bytes()[span.start as usize..span.end as usize];
        assert_eq!(sentence, claim.sentence.as_bytes(), "span of {}", claim.name);
        assert_eq!(claim.article, stored.name);
        assert_eq!(claim.status(), pb::claim::Status::Unreviewed);
        assert!((0.0..=1.0).contains(&claim.checkworthiness));
        assert!(!claim.text.is_empty());
        assert!(!claim.speaker.is_empty());
        assert!(!claim.extractor_version.is_empty());
        assert!(
            !claim.sentence.contains("REUTERS"),
            "the credit line is not a claim"
        );
    }
    let psaki = claims
        .iter()
        .find(|claim| claim.sentence.contains("de-escalation"))
        .expect("the Psaki quote is a claim");
    // One person is one speaker: the name, with the role the sentence gives
    // kept apart (issue 12).
    assert_eq!(psaki.speaker, "Jen Psaki");
    assert_eq!(psaki.speaker_role, "White House press secretary");
    let troops = claims
        .iter()
        .find(|claim| claim.sentence.contains("60,000 to 90,000"))
        .expect("the troop numbers are a claim");
    assert_eq!(
        troops.speaker, "REUTERS, AGENCE FRANCE-PRESSE",
        "unattributed claims are the publication's"
    );

    // The claim details travel end to end: the mission's example comes out
    // as a denial and an assertion by Russia, with what was rewritten.
    let denial = claims
        .iter()
        .find(|claim| claim.text == "Russia denies planning to attack Ukraine.")
        .expect("the denial is its own claim");
    assert_eq!(denial.speaker, "Russia");
    assert_eq!(denial.kind(), pb::claim::Kind::Statement);
    assert!(denial.checkable);
    assert_eq!(denial.content, "Planning to attack Ukraine.");
    let stance = denial.stance.as_ref().expect("a reported claim has a stance");
    assert_eq!(stance.verb, "denies");
    assert_eq!(stance.polarity(), pb::stance::Polarity::Denies);
    let rewrite = &denial.rewrites[0];
    assert_eq!(
        (
            rewrite.original.as_str(),
            rewrite.replacement.as_str(),
            rewrite.rule.as_str()
        ),
        ("Moscow", "Russia", "metonym")
    );
    let rewrite_span = rewrite.span.unwrap();
    assert_eq!(
        &MISSION_ARTICLE[rewrite_span.start as usize..rewrite_span.end as usize],
        "Moscow"
    );
    let assertion = claims
        .iter()
        .find(|claim| claim.text.starts_with("Russia says it has the right"))
        .expect("the assertion is its own claim");
    assert_eq!(assertion.span, denial.span, "both come from one sentence");
    assert_eq!(
        assertion.stance.as_ref().unwrap().polarity(),
        pb::stance::Polarity::Affirms
    );
    assert_eq!(troops.kind(), pb::claim::Kind::Statistic);
    assert_eq!(troops.quantities.len(), 1);
    assert_eq!(troops.quantities[0].value, 60_000.0);
    assert_eq!(troops.quantities[0].upper, Some(90_000.0));
    assert!(troops.stance.is_none());
    assert!(
        troops
            .entities
            .iter()
            .any(|entity| entity.name == "Ukraine" && entity.kind() == pb::entity::Kind::Place)
    );
    let call = claims
        .iter()
        .find(|claim| claim.text.starts_with("In a 50-minute call on Thursday"))
        .expect("the call is a claim");
    let thursday = &call.dates[0];
    assert_eq!(
        (
            thursday.start.as_str(),
            thursday.end.as_str(),
            thursday.text.as_str()
        ),
        ("2021-12-30", "2021-12-30", "on Thursday")
    );
    let opinion = claims
        .iter()
        .find(|claim| claim.text.starts_with("The clear warning"))
        .expect("the publication's judgement is a claim");
    assert_eq!(opinion.kind(), pb::claim::Kind::Opinion);
    assert!(!opinion.checkable);

    // Reading back gives the same claims, in the same order.
    let mut claims_client = server.claims(Some(&server.reader)).await;
    let listed = claims_client
        .list_claims(pb::ListClaimsRequest {
            article: stored.name.clone(),
            page_size: 1000,
            page_token: String::new(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.claims, claims);
    assert!(listed.next_page_token.is_empty());
    let one = claims_client
        .get_claim(pb::GetClaimRequest {
            name: claims[0].name.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(one, claims[0]);
    let fetched = server
        .articles(Some(&server.reader))
        .await
        .get_article(pb::GetArticleRequest {
            name: stored.name.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched, stored);
    server.stop().await;
}

#[tokio::test]
async fn the_same_text_twice_is_one_article() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.admin)).await;
    let first = articles
        .create_article(article(MISSION_ARTICLE))
        .await
        .unwrap()
        .into_inner();
    let second = articles
        .create_article(article(MISSION_ARTICLE))
        .await
        .unwrap()
        .into_inner();
    assert!(!first.already_exists);
    assert!(second.already_exists);
    assert_eq!(second.article, first.article);
    assert_eq!(second.claims, first.claims);
    let listed = articles
        .list_articles(pb::ListArticlesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.articles.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn fields_given_explicitly_win_over_parsed_ones() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.admin)).await;
    let request = pb::CreateArticleRequest {
        article: Some(pb::Article {
            body: MISSION_ARTICLE.to_owned(),
            title: "Biden and Putin exchange warnings over Ukraine".into(),
            source_url: "https://www.example.com/world/biden-putin".into(),
            publisher: "The Straits Times".into(),
            published_date: "2022-01-02".into(),
            // Output-only fields are ignored.
            name: "articles/999".into(),
            claim_count: 7,
            ..Default::default()
        }),
    };
    let response = articles.create_article(request).await.unwrap().into_inner();
    let stored = response.article.unwrap();
    assert_eq!(stored.title, "Biden and Putin exchange warnings over Ukraine");
    assert_eq!(stored.publisher, "The Straits Times");
    assert_eq!(stored.source_url, "https://www.example.com/world/biden-putin");
    assert_eq!(stored.published_date, "2022-01-02");
    assert_eq!(
        stored.dateline, "WILMINGTON/MOSCOW",
        "what was not given is parsed"
    );
    assert_ne!(stored.name, "articles/999");
    assert_eq!(stored.claim_count as usize, response.claims.len());
    server.stop().await;
}

#[tokio::test]
async fn pages_cover_every_article_and_claim_exactly_once() {
    let server = spawn_server().await;
    let mut articles = server.articles(Some(&server.admin)).await;
    let mut names = Vec::new();
    let mut n_claims = 0;
    for i in 0..7 {
        let body = format!(
            "The city of Springfield spent {i} million dollars on roads in 2021. \
             The mayor said spending would rise by {i} percent next year."
        );
        let response = articles
            .create_article(article(&body))
            .await
            .unwrap()
            .into_inner();
        names.push(response.article.unwrap().name);
        n_claims += response.claims.len();
    }

    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = articles
            .list_articles(pb::ListArticlesRequest {
                page_size: 3,
                page_token: page_token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.articles.len() <= 3);
        seen.extend(page.articles.into_iter().map(|article| article.name));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(seen, names, "every article once, oldest first");

    let mut claims = server.claims(Some(&server.reader)).await;
    let mut seen_claims = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = claims
            .list_claims(pb::ListClaimsRequest {
                article: String::new(),
                page_size: 4,
                page_token: page_token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        seen_claims.extend(page.claims.into_iter().map(|claim| claim.name));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(seen_claims.len(), n_claims);
    let mut unique = seen_claims.clone();
    unique.dedup();
    assert_eq!(unique, seen_claims, "no claim twice");
    server.stop().await;
}

#[tokio::test]
async fn extract_claims_stores_nothing() {
    let server = spawn_server().await;
    let mut claims = server.claims(Some(&server.reader)).await;
    let response = claims
        .extract_claims(pb::ExtractClaimsRequest {
            body: MISSION_ARTICLE.to_owned(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!response.claims.is_empty());
    assert!(!response.extractor_version.is_empty());
    let metadata = response.metadata.unwrap();
    assert_eq!(metadata.published_date, "2022-01-01");
    assert_eq!(metadata.credit, "REUTERS, AGENCE FRANCE-PRESSE");
    // ExtractClaims returns the same details as CreateArticle, and the
    // diagnostics, dated against the header's date.
    let scholz = response
        .claims
        .iter()
        .find(|claim| claim.text.starts_with("German leader Olaf Scholz"))
        .expect("the Scholz sentence is a claim");
    assert_eq!(scholz.dates.len(), 1);
    assert_eq!(scholz.dates[0].start, "2021-12-31");
    assert_eq!(scholz.kind(), pb::claim::Kind::Event);
    assert!(!scholz.content.is_empty());
    for claim in &response.claims {
        assert!(claim.name.is_empty() && claim.article.is_empty());
        let span = claim.span.unwrap();
        assert_eq!(
            &MISSION_ARTICLE[span.start as usize..span.end as usize],
            claim.sentence
        );
    }
    let listed = claims
        .list_claims(pb::ListClaimsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(listed.claims.is_empty());
    server.stop().await;
}

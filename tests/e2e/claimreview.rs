//! ClaimReview over gRPC (issue 15): export validated against schema.org and Google's
//! properties, import of every document shape, the round trip into a second database, and
//! hostile documents that change nothing.

use std::collections::BTreeSet;

use claimdb::api::ServeOptions;
use claimdb::api::pb;
use claimdb::api::pb::claim_review_service_client::ClaimReviewServiceClient;
use claimdb::export::claimreview::Publisher;
use claimdb::store::test_support::Snapshot;
use serde_json::Value;
use tonic::Code;

use crate::support::schema_org::{self, Vocabulary};
use crate::support::{
    Authed, Bearer, MISSION_ARTICLE, TestServer, assert_field_error, spawn_server, spawn_server_with,
};

use pb::import_item_result::Outcome;

const PUBLISHER_NAME: &str = "Example Checks";
const PUBLISHER_URL: &str = "https://checks.example/";
const TEMPLATE: &str = "https://checks.example/claims/{claim}/reviews/{review}";
const ARTICLE_URL: &str = "https://news.example/2022/01/01/biden-putin";
const ARTICLE_TITLE: &str = "Biden and Putin trade warnings";
const ARTICLE_PUBLISHER: &str = "The Example Times";

/// Every verdict, with the words and scale value README.md's table gives it.
const VERDICTS: &[(pb::Verdict, &str, Option<u64>)] = &[
    (pb::Verdict::True, "True", Some(5)),
    (pb::Verdict::MostlyTrue, "Mostly true", Some(4)),
    (pb::Verdict::Mixed, "Mixed", Some(3)),
    (pb::Verdict::MostlyFalse, "Mostly false", Some(2)),
    (pb::Verdict::False, "False", Some(1)),
    (pb::Verdict::Misleading, "Misleading", Some(2)),
    (pb::Verdict::Unverifiable, "Unverifiable", None),
    (pb::Verdict::NotAClaim, "Not a claim", None),
];

async fn publishing_server() -> TestServer {
    spawn_server_with(ServeOptions {
        publisher: Some(Publisher {
            name: PUBLISHER_NAME.into(),
            url: Some(PUBLISHER_URL.into()),
            review_url_template: TEMPLATE.into(),
        }),
        ..ServeOptions::default()
    })
    .await
}

async fn client(server: &TestServer, token: &str) -> ClaimReviewServiceClient<Authed> {
    ClaimReviewServiceClient::with_interceptor(server.channel().await, Bearer::new(token))
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX)
}

async fn export(server: &TestServer, request: pb::ExportClaimReviewsRequest) -> Vec<(String, Value)> {
    let mut stream = client(server, &server.reader)
        .await
        .export_claim_reviews(request)
        .await
        .unwrap()
        .into_inner();
    let mut exported = Vec::new();
    while let Some(answer) = stream.message().await.unwrap() {
        exported.push((
            answer.claim,
            serde_json::from_str(&answer.claim_review_json).unwrap(),
        ));
    }
    exported
}

/// Sends documents as (item id, text) and returns the items and the summary.
async fn import(
    server: &TestServer,
    documents: Vec<(String, String)>,
) -> Result<(Vec<pb::ImportClaimReviewResult>, pb::ImportClaimReviewSummary), tonic::Status> {
    let requests: Vec<_> = documents
        .into_iter()
        .map(|(item_id, document)| pb::ImportClaimReviewsRequest { item_id, document })
        .collect();
    let mut answers = client(server, &server.admin)
        .await
        .import_claim_reviews(tokio_stream::iter(requests))
        .await?
        .into_inner();
    let (mut items, mut summary) = (Vec::new(), None);
    while let Some(answer) = answers.message().await? {
        match answer.response.unwrap() {
            pb::import_claim_reviews_response::Response::Item(item) => items.push(item),
            pb::import_claim_reviews_response::Response::Summary(last) => summary = Some(last),
        }
    }
    Ok((items, summary.expect("a summary ends the stream")))
}

async fn all_claims(server: &TestServer) -> Vec<pb::Claim> {
    server
        .claims(Some(&server.reader))
        .await
        .list_claims(pb::ListClaimsRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .claims
}

/// Stores the mission article with its metadata and gives the first eight
/// claims one verdict each; returns the reviewed claims as reviewed.
async fn reviewed_mission(server: &TestServer) -> Vec<(pb::Claim, pb::Verdict, String, String)> {
    let stored = server
        .articles(Some(&server.admin))
        .await
        .create_article(pb::CreateArticleRequest {
            article: Some(pb::Article {
                body: MISSION_ARTICLE.to_owned(),
                title: ARTICLE_TITLE.into(),
                source_url: ARTICLE_URL.into(),
                publisher: ARTICLE_PUBLISHER.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(stored.claims.len() >= VERDICTS.len());
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let mut reviewed = Vec::new();
    for (idx, (claim, &(verdict, _, _))) in stored.claims.iter().zip(VERDICTS).enumerate() {
        let rationale = format!("Rationale {idx}: the record says so.");
        let evidence = format!("https://evidence.example/{idx}");
        let response = reviews
            .submit_review(pb::SubmitReviewRequest {
                claim: claim.name.clone(),
                etag: claim.etag.clone(),
                verdict: verdict.into(),
                rationale: rationale.clone(),
                evidence_urls: vec![evidence.clone()],
            })
            .await
            .unwrap()
            .into_inner();
        reviewed.push((response.claim.unwrap(), verdict, rationale, evidence));
    }
    reviewed
}

#[tokio::test]
async fn every_exported_claim_review_is_valid_schema_org_with_googles_properties() {
    let server = publishing_server().await;
    let reviewed = reviewed_mission(&server).await;
    let exported = export(&server, pb::ExportClaimReviewsRequest::default()).await;
    assert_eq!(
        exported.len(),
        reviewed.len(),
        "every reviewed claim, no unreviewed one"
    );

    let vocabulary = Vocabulary::load();
    for ((name, json), (claim, verdict, rationale, evidence)) in exported.iter().zip(&reviewed) {
        assert_eq!(name, &claim.name);
        let problems = vocabulary.problems(json);
        assert!(problems.is_empty(), "{name}: {problems:#?}\n{json:#}");
        assert!(
            schema_org::missing(json, schema_org::GOOGLE_REQUIRED).is_empty(),
            "{json:#}"
        );
        assert!(
            schema_org::missing(json, schema_org::GOOGLE_RECOMMENDED).is_empty(),
            "{json:#}"
        );
        let rating = &json["reviewRating"];
        assert!(schema_org::missing(rating, schema_org::GOOGLE_REQUIRED_RATING).is_empty());
        assert!(schema_org::missing(&json["author"], schema_org::GOOGLE_RECOMMENDED_AUTHOR).is_empty());
        // The claim's first appearance is not known to the store; the rest is.
        assert_eq!(
            schema_org::missing(&json["itemReviewed"], schema_org::GOOGLE_RECOMMENDED_CLAIM),
            ["firstAppearance"],
            "{json:#}"
        );

        // Each value from what was stored and submitted above.
        let (_, words, scale) = VERDICTS.iter().find(|(known, _, _)| known == verdict).unwrap();
        assert_eq!(json["@context"], "https://schema.org");
        assert_eq!(json["@type"], "ClaimReview");
        assert_eq!(json["claimReviewed"], claim.text.as_str());
        assert_eq!(rating["alternateName"], *words);
        assert_eq!(rating["ratingValue"].as_u64(), *scale);
        if scale.is_some() {
            assert!(schema_org::missing(rating, schema_org::GOOGLE_RECOMMENDED_RATING).is_empty());
        }
        assert_eq!(rating["bestRating"], 5);
        assert_eq!(rating["worstRating"], 1);
        assert_eq!(json["author"]["name"], PUBLISHER_NAME);
        assert_eq!(json["author"]["url"], PUBLISHER_URL);
        let claim_id = claim.name.trim_start_matches("claims/");
        let url = json["url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("https://checks.example/claims/{claim_id}/reviews/")),
            "{url}"
        );
        assert_eq!(json["reviewBody"], rationale.as_str());
        assert_eq!(json["citation"][0]["url"], evidence.as_str());
        let item = &json["itemReviewed"];
        assert_eq!(item["@type"], "Claim");
        assert_eq!(item["author"]["name"], claim.speaker.as_str());
        // The article's header line dates it 2022-01-01.
        assert_eq!(item["datePublished"], "2022-01-01");
        assert_eq!(item["appearance"][0]["url"], ARTICLE_URL);
        assert_eq!(item["appearance"][0]["headline"], ARTICLE_TITLE);
        assert_eq!(item["appearance"][0]["publisher"]["name"], ARTICLE_PUBLISHER);
    }
    // A person's role in the article becomes their jobTitle.
    let with_role = reviewed
        .iter()
        .zip(&exported)
        .find(|((claim, ..), _)| !claim.speaker_role.is_empty());
    if let Some(((claim, ..), (_, json))) = with_role {
        assert_eq!(json["itemReviewed"]["author"]["@type"], "Person");
        assert_eq!(
            json["itemReviewed"]["author"]["jobTitle"],
            claim.speaker_role.as_str()
        );
    }
}

#[tokio::test]
async fn the_validator_refuses_what_schema_org_does_not_allow() {
    // The check is only worth its name if it fails: a property of another
    // type, an unknown type, a misspelt property and a value out of range.
    let vocabulary = Vocabulary::load();
    let (n_types, n_properties) = vocabulary.n_terms();
    assert!(
        n_types > 900 && n_properties > 1500,
        "{n_types} types, {n_properties} properties"
    );
    let bad: Value = serde_json::json!({
        "@type": "ClaimReview",
        "claimReviewd": "typo",
        "jobTitle": "a Person's property",
        "reviewRating": {"@type": "Person", "name": "not a Rating"},
        "itemReviewed": {"@type": "Clam"},
        "datePublished": 2022
    });
    let problems = vocabulary.problems(&bad);
    for expected in [
        "$.claimReviewd: property claimReviewd is not in schema.org",
        "$.jobTitle: jobTitle is not a property of ClaimReview",
        "$.reviewRating[0]: a Person where the range is",
        "$.itemReviewed[0]: type Clam is not in schema.org",
        "$.datePublished[0]: a number where the range is",
    ] {
        assert!(
            problems.iter().any(|problem| problem.starts_with(expected)),
            "{expected} in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

#[tokio::test]
async fn export_then_import_gives_a_second_database_the_same_claims_and_verdicts() {
    let first = publishing_server().await;
    let reviewed = reviewed_mission(&first).await;
    let exported = export(&first, pb::ExportClaimReviewsRequest::default()).await;
    let array = Value::Array(exported.iter().map(|(_, json)| json.clone()).collect());

    let second = spawn_server().await;
    let (items, summary) = import(&second, vec![("export.json".into(), array.to_string())])
        .await
        .unwrap();
    assert_eq!(summary.created, reviewed.len() as i64, "{items:#?}");
    assert!(items.iter().all(|item| item.outcome() == Outcome::Created));

    let expected: BTreeSet<(String, String, i32)> = reviewed
        .iter()
        .map(|(claim, verdict, ..)| (claim.text.clone(), claim.speaker.clone(), *verdict as i32))
        .collect();
    let imported = all_claims(&second).await;
    let found: BTreeSet<(String, String, i32)> = imported
        .iter()
        .map(|claim| (claim.text.clone(), claim.speaker.clone(), claim.verdict))
        .collect();
    assert_eq!(found, expected);
    for claim in &imported {
        // Marked as another fact-checker's everywhere it is shown.
        let external = claim.external_review.as_ref().expect("an external review");
        assert_eq!(external.publisher, PUBLISHER_NAME);
        assert_eq!(external.publisher_url, PUBLISHER_URL);
        assert!(external.url.starts_with("https://checks.example/claims/"));
        assert_eq!(external.verdict, claim.verdict);
        assert!(claim.verdict_final);
        assert_eq!(claim.status(), pb::claim::Status::Reviewed);
        assert!(claim.last_reviewer.is_empty(), "no reviewer here gave it");
    }

    // Searchable beside the database's own claims.
    let probe = imported[0]
        .text
        .split_whitespace()
        .max_by_key(|word| word.len())
        .unwrap();
    let probe: String = probe.chars().filter(|c| c.is_alphanumeric()).collect();
    let hits = second
        .claims(Some(&second.reader))
        .await
        .search_claims(pb::SearchClaimsRequest {
            query: probe.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .results;
    assert!(
        hits.iter()
            .any(|hit| hit.claim.as_ref().unwrap().name == imported[0].name),
        "{probe}"
    );

    // Imported reviews are not handed out for review, nor exported as ours.
    let next = second
        .reviews(Some(&second.reviewer))
        .await
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(next.claim.is_none());

    // The same reviews again, as JSON lines this time: stored once.
    let before = second.store.snapshot().await.unwrap();
    let lines: String = exported.iter().map(|(_, json)| format!("{json}\n")).collect();
    let (items, summary) = import(&second, vec![("export.jsonl".into(), lines)])
        .await
        .unwrap();
    assert_eq!(summary.already_exists, reviewed.len() as i64, "{items:#?}");
    assert_eq!(items[0].path, "line 1");
    assert_eq!(second.store.snapshot().await.unwrap(), before);
}

#[tokio::test]
async fn a_review_without_url_is_stored_once_by_publisher_and_claim_text() {
    let server = spawn_server().await;
    let review = |text: &str| {
        format!(
            r#"{{"@type":"ClaimReview","claimReviewed":"{text}","author":{{"@type":"Organization","name":"Small Checks"}},
               "reviewRating":{{"@type":"Rating","alternateName":"Half True"}}}}"#
        )
    };
    let (items, _) = import(
        &server,
        vec![
            ("a.json".into(), review("Prices rose by <b>half</b>.")),
            ("b.json".into(), review("prices  rose by half")),
        ],
    )
    .await
    .unwrap();
    assert_eq!(items[0].outcome(), Outcome::Created);
    assert_eq!(items[1].outcome(), Outcome::AlreadyExists);
    assert_eq!(items[1].claim, items[0].claim);
    let claims = all_claims(&server).await;
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].text, "Prices rose by half.");
    assert_eq!(claims[0].verdict(), pb::Verdict::Mixed);
    assert_eq!(claims[0].external_review.as_ref().unwrap().rating, "Half True");
}

#[tokio::test]
async fn hostile_documents_get_per_review_errors_and_change_nothing_else() {
    // See: #15.
    let server = spawn_server().await;
    let good = r#"{"@type":"ClaimReview","url":"https://a.example/1","claimReviewed":"The bridge cost 5 million.",
        "author":"A Checker","reviewRating":{"alternateName":"False"}}"#;
    import(&server, vec![("good.json".into(), good.into())])
        .await
        .unwrap();
    let before = server.store.snapshot().await.unwrap();

    let review_with = |field: &str| {
        format!(
            r#"{{"@type":"ClaimReview","claimReviewed":"x","author":"A","reviewRating":{{"alternateName":"True"}},{field}}}"#
        )
    };
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let big_claim = format!(
        r#"{{"@type":"ClaimReview","claimReviewed":"{}","author":"A","reviewRating":{{"alternateName":"True"}}}}"#,
        "a".repeat(3 << 20)
    );
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "wrong-type",
            review_with(r#""url": ["not", "a", "url"]"#),
            "url: ",
        ),
        (
            "number-claim",
            r#"{"@type":"ClaimReview","claimReviewed":5}"#.into(),
            "claimReviewed: is a number",
        ),
        (
            "bad-date",
            review_with(r#""datePublished": "2022-02-30""#),
            "datePublished: \"2022-02-30\" is not a date",
        ),
        (
            "bad-claim-date",
            review_with(r#""itemReviewed": {"datePublished": "13/01/2022"}"#),
            "itemReviewed.datePublished",
        ),
        ("deep", deep, "document: is not JSON: recursion limit exceeded"),
        ("big", big_claim, "claimReviewed: is 3145728 bytes"),
        ("not-json", "<html>".into(), "document: is not JSON"),
        ("empty", " ".into(), "document: is empty"),
        (
            "no-rating",
            r#"{"@type":"ClaimReview","claimReviewed":"x","author":"A"}"#.into(),
            "reviewRating: is missing",
        ),
        (
            "rating-object",
            review_with(r#""reviewRating": {"ratingValue": {"v": 1}}"#),
            "reviewRating.ratingValue",
        ),
    ];
    let documents = cases
        .iter()
        .map(|(item_id, document, _)| (item_id.to_string(), document.clone()))
        .collect();
    let (items, summary) = import(&server, documents).await.unwrap();
    assert_eq!(items.len(), cases.len(), "{items:#?}");
    for (item, (item_id, _, reason)) in items.iter().zip(&cases) {
        assert_eq!(item.item_id, *item_id);
        assert_eq!(item.outcome(), Outcome::Invalid, "{item_id}: {item:?}");
        assert!(item.reason.starts_with(reason), "{item_id}: {:?}", item.reason);
        assert!(item.claim.is_empty());
    }
    assert_eq!(summary.invalid, cases.len() as i64);
    assert_eq!(summary.created, 0);
    assert_eq!(server.store.snapshot().await.unwrap(), before, "nothing changed");

    // A 10 MB document is over the message limit: the stream is refused
    // with RESOURCE_EXHAUSTED (the client's mistake, never INTERNAL) and
    // nothing is stored.
    let huge = format!(
        r#"{{"@type":"ClaimReview","claimReviewed":"{}","author":"A","reviewRating":{{"alternateName":"True"}}}}"#,
        "a".repeat(10 << 20)
    );
    let status = import(&server, vec![("huge.json".into(), huge)])
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(server.store.snapshot().await.unwrap(), before, "nothing changed");
}

#[tokio::test]
async fn bad_requests_get_the_callers_codes_naming_the_field() {
    let server = publishing_server().await;
    let status = client(&server, &server.reader)
        .await
        .export_claim_reviews(pb::ExportClaimReviewsRequest {
            filter: "verdict = MAYBE".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "filter");
    let status = client(&server, &server.reader)
        .await
        .export_claim_reviews(pb::ExportClaimReviewsRequest {
            reviewed_since: Some(prost_types::Timestamp {
                seconds: 0,
                nanos: -5,
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_field_error(&status, Code::InvalidArgument, "reviewed_since");

    // Only admins import.
    let status = client(&server, &server.reviewer)
        .await
        .import_claim_reviews(tokio_stream::iter(Vec::<pb::ImportClaimReviewsRequest>::new()))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    // A server without its publisher settings cannot export.
    let unset = spawn_server().await;
    let status = client(&unset, &unset.reader)
        .await
        .export_claim_reviews(pb::ExportClaimReviewsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("--publisher-name"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn export_filters_by_the_claim_filter_and_the_review_time() {
    let server = publishing_server().await;
    let reviewed = reviewed_mission(&server).await;
    let false_only = export(
        &server,
        pb::ExportClaimReviewsRequest {
            filter: "verdict = FALSE".into(),
            ..Default::default()
        },
    )
    .await;
    let expected: Vec<&str> = reviewed
        .iter()
        .filter(|(_, verdict, ..)| *verdict == pb::Verdict::False)
        .map(|(claim, ..)| claim.name.as_str())
        .collect();
    assert_eq!(
        false_only
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        expected
    );
    let since = |seconds| pb::ExportClaimReviewsRequest {
        reviewed_since: Some(prost_types::Timestamp { seconds, nanos: 0 }),
        ..Default::default()
    };
    // 2100-01-01: nothing is that recent.
    assert!(export(&server, since(4_102_444_800)).await.is_empty());
    // 2022-01-01: every review is newer.
    let past = export(&server, since(1_640_995_200)).await;
    assert_eq!(past.len(), reviewed.len());
}

#[tokio::test]
async fn a_fact_check_tools_response_and_a_graph_import_review_by_review() {
    let server = spawn_server().await;
    let search_response = r#"{"claims": [
      {"text": "The bridge cost 5 million", "claimant": "Mayor Smith", "claimDate": "2021-05-01T00:00:00Z",
       "claimReview": [
         {"publisher": {"name": "Full Fact", "site": "fullfact.org"}, "url": "https://fullfact.org/bridge/",
          "reviewDate": "2021-05-03T00:00:00Z", "textualRating": "Pants on Fire"},
         {"publisher": {"name": "Other", "site": "other.example"}, "url": "https://other.example/bridge",
          "textualRating": "Spicy take"}
       ]}
    ]}"#;
    let graph = r#"{"@context": "https://schema.org", "@graph": [
      {"@type": "WebPage", "name": "Checks"},
      {"@type": "ClaimReview", "url": "https://graph.example/1", "claimReviewed": "Taxes doubled",
       "author": {"@type": "Organization", "name": "Graph Checks"},
       "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1}}
    ]}"#;
    let (items, summary) = import(
        &server,
        vec![
            ("search.json".into(), search_response.into()),
            ("graph.json".into(), graph.into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(summary.created, 3, "{items:#?}");
    assert_eq!(
        items.iter().map(|item| item.path.as_str()).collect::<Vec<_>>(),
        [
            "claims[0].claimReview[0]",
            "claims[0].claimReview[1]",
            "@graph[1]"
        ]
    );
    let claims = all_claims(&server).await;
    let by_url = |url: &str| {
        claims
            .iter()
            .find(|claim| claim.external_review.as_ref().unwrap().url == url)
            .unwrap()
    };
    let full_fact = by_url("https://fullfact.org/bridge/");
    assert_eq!(full_fact.text, "The bridge cost 5 million");
    assert_eq!(full_fact.speaker, "Mayor Smith");
    assert_eq!(full_fact.verdict(), pb::Verdict::False);
    let external = full_fact.external_review.as_ref().unwrap();
    assert_eq!(external.publisher, "Full Fact");
    assert_eq!(external.publisher_url, "https://fullfact.org");
    assert_eq!(external.date, "2021-05-03");
    assert_eq!(external.rating, "Pants on Fire");
    // Unmapped words: unverifiable, the words kept.
    let other = by_url("https://other.example/bridge");
    assert_eq!(other.verdict(), pb::Verdict::Unverifiable);
    assert_eq!(other.external_review.as_ref().unwrap().rating, "Spicy take");
    // Two reviews of one claim text: two claims of one article.
    assert_eq!(other.article, full_fact.article);
    // 4 of 1–5: mostly true.
    assert_eq!(
        by_url("https://graph.example/1").verdict(),
        pb::Verdict::MostlyTrue
    );
}

/// Runs `claimdb` off the async runtime against `server` with `token`.
async fn claimdb(server: &TestServer, token: &str, args: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
    args.extend(["--addr".into(), server.addr.to_string()]);
    let token = token.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(args)
            .env("CLAIMDB_TOKEN", token)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_export_and_import_commands_carry_reviews_between_servers() {
    let first = publishing_server().await;
    let reviewed = reviewed_mission(&first).await;
    let array = claimdb(&first, &first.reader, &["export", "--format", "claimreview"]).await;
    assert!(
        array.status.success(),
        "{}",
        String::from_utf8_lossy(&array.stderr)
    );
    let array: Value = serde_json::from_slice(&array.stdout).unwrap();
    assert_eq!(array.as_array().unwrap().len(), reviewed.len());
    let lines = claimdb(
        &first,
        &first.reader,
        &["export", "--lines", "--filter", "verdict = TRUE"],
    )
    .await;
    let lines = String::from_utf8(lines.stdout).unwrap();
    assert_eq!(lines.lines().count(), 1);
    let only: Value = serde_json::from_str(lines.trim()).unwrap();
    assert_eq!(only["reviewRating"]["alternateName"], "True");

    let dir = tempfile::tempdir().unwrap();
    let array_path = dir.path().join("reviews.json");
    std::fs::write(&array_path, array.to_string()).unwrap();
    // A feed with one good review and one without a rating, as JSON lines.
    let feed_path = dir.path().join("feed.jsonl");
    std::fs::write(
        &feed_path,
        "{\"@type\":\"ClaimReview\",\"claimReviewed\":\"Rents fell\",\"author\":\"B\",\"reviewRating\":{\"alternateName\":\"Mostly False\"}}\n\
         {\"@type\":\"ClaimReview\",\"claimReviewed\":\"Rents rose\",\"author\":\"B\"}\n",
    )
    .unwrap();
    let second = spawn_server().await;
    let paths = [array_path.to_str().unwrap(), feed_path.to_str().unwrap()];
    let output = claimdb(
        &second,
        &second.admin,
        &["import", "--format", "claimreview", paths[0], paths[1]],
    )
    .await;
    let stdout = String::from_utf8(output.stdout).unwrap();
    // One review refused: the command says which and fails.
    assert!(!output.status.success());
    assert!(
        stdout.starts_with(
            "Imported 3 ClaimReview documents: 9 reviews created, 0 already there, 1 invalid, 0 failed."
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("feed.jsonl:2: reviewRating: is missing"),
        "{stdout}"
    );

    // Shown as external in the claim's text for people.
    let claims = all_claims(&second).await;
    let rents = claims.iter().find(|claim| claim.text == "Rents fell").unwrap();
    let shown = claimdb(&second, &second.reader, &["claims", "show", &rents.name]).await;
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(
        shown.contains("verdict    MOSTLY_FALSE (EXTERNAL: \"Mostly False\" by B)"),
        "{shown}"
    );
    let listed = claimdb(&second, &second.reader, &["claims", "list"]).await;
    assert!(
        String::from_utf8(listed.stdout)
            .unwrap()
            .contains("MOSTLY_FALSE*ext")
    );
}

#[tokio::test]
async fn watchers_see_an_imported_claim_created_with_its_external_review() {
    let server = spawn_server().await;
    let mut events = server
        .claims(Some(&server.reader))
        .await
        .watch_claims(pb::WatchClaimsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let review = r#"{"@type":"ClaimReview","url":"https://a.example/w","claimReviewed":"Fares doubled",
        "author":"A Checker","reviewRating":{"alternateName":"Mostly True"}}"#;
    let (items, _) = import(&server, vec![("w.json".into(), review.into())])
        .await
        .unwrap();
    let event = events.message().await.unwrap().expect("an event");
    assert_eq!(event.r#type(), pb::claim_event::Type::Created);
    assert_eq!(event.actor, "test-admin");
    let claim = event.claim.unwrap();
    assert_eq!(claim.name, items[0].claim);
    assert_eq!(claim.verdict(), pb::Verdict::MostlyTrue);
    assert_eq!(claim.external_review.unwrap().publisher, "A Checker");
}

#[tokio::test]
async fn a_verdict_waiting_for_its_second_reviewer_is_not_published() {
    let server = spawn_server_with(ServeOptions {
        policy: claimdb::review::rules::ReviewPolicy { second_review: true },
        publisher: Some(Publisher {
            name: PUBLISHER_NAME.into(),
            url: None,
            review_url_template: TEMPLATE.into(),
        }),
        ..ServeOptions::default()
    })
    .await;
    let reviewed = reviewed_mission(&server).await;
    assert!(reviewed.iter().all(|(claim, ..)| !claim.verdict_final));
    assert!(
        export(&server, pb::ExportClaimReviewsRequest::default())
            .await
            .is_empty()
    );
}

// See: #15 (the statistics count our verdicts apart from imported ones).
#[tokio::test]
async fn imported_fact_checks_are_counted_apart_from_the_verdicts_given_here() {
    let server = spawn_server().await;
    let review = r#"{"@type":"ClaimReview","url":"https://a.example/2","claimReviewed":"The tunnel cost 9 million.",
        "author":"A Checker","reviewRating":{"alternateName":"False"}}"#;
    import(&server, vec![("review.json".into(), review.into())])
        .await
        .unwrap();
    server.load_claims(1, 2).await;
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let claim = reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    reviews
        .submit_review(pb::SubmitReviewRequest {
            claim: claim.name,
            etag: claim.etag,
            verdict: pb::Verdict::True.into(),
            rationale: "Checked.".into(),
            evidence_urls: vec![],
        })
        .await
        .unwrap();
    let stats = server
        .reviews(Some(&server.admin))
        .await
        .get_review_stats(pb::GetReviewStatsRequest {})
        .await
        .unwrap()
        .into_inner();
    let queue = stats.queue.unwrap();
    // One verdict given here, one fact-check imported, one claim left.
    assert_eq!((queue.r#final, queue.imported, queue.unreviewed), (1, 1, 1));
    server.stop().await;
}

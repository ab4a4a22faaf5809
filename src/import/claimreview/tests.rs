//! The ClaimReview reader on each document shape and on messy and hostile input.

use super::*;
use crate::model::Verdict;

fn only_review(document: &str) -> NewExternalClaim {
    let reviews = read_document(document).unwrap();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    reviews.into_iter().next().unwrap().result.unwrap()
}

fn errors(document: &str) -> Vec<(String, String)> {
    read_document(document)
        .unwrap()
        .into_iter()
        .filter_map(|review| review.result.err().map(|err| (review.path, err)))
        .collect()
}

const POLITIFACT_STYLE: &str = r#"{
  "@context": "https://schema.org",
  "@type": "ClaimReview",
  "url": "https://www.politifact.example/factchecks/2022/jan/05/moon/",
  "claimReviewed": "The <b>moon</b> is made of cheese &amp; crackers.",
  "datePublished": "2022-01-05T10:00:00-05:00",
  "author": {"@type": "Organization", "name": "PolitiFact", "url": "https://www.politifact.example"},
  "itemReviewed": {
    "@type": "Claim",
    "author": {"@type": "Person", "name": "Jane Doe"},
    "datePublished": "2022-01-03",
    "appearance": [{"@type": "CreativeWork", "url": "https://news.example/moon", "headline": "Moon talk"}]
  },
  "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 6, "worstRating": 1,
                   "alternateName": "Pants on Fire!"}
}"#;

#[test]
fn a_full_claim_review_becomes_a_claim_with_its_external_review() {
    let claim = only_review(POLITIFACT_STYLE);
    assert_eq!(claim.text, "The moon is made of cheese & crackers.");
    assert_eq!(claim.speaker, "Jane Doe");
    assert_eq!(claim.speaker_kind, Some(EntityKind::Person));
    assert_eq!(claim.claim_date.as_deref(), Some("2022-01-03"));
    assert_eq!(claim.appearance_url.as_deref(), Some("https://news.example/moon"));
    assert_eq!(claim.appearance_headline.as_deref(), Some("Moon talk"));
    let review = claim.review;
    assert_eq!(review.publisher, "PolitiFact");
    assert_eq!(
        review.publisher_url.as_deref(),
        Some("https://www.politifact.example")
    );
    assert_eq!(
        review.url.as_deref(),
        Some("https://www.politifact.example/factchecks/2022/jan/05/moon/")
    );
    assert_eq!(review.date.as_deref(), Some("2022-01-05"));
    assert_eq!(review.rating, "Pants on Fire!");
    assert_eq!(review.verdict, Verdict::False);
}

#[test]
fn arrays_graphs_and_json_lines_are_read_review_by_review() {
    let one = r#"{"@type":"ClaimReview","claimReviewed":"A","author":"Checkers","reviewRating":{"alternateName":"True"}}"#;
    let two = r#"{"@type":"ClaimReview","claimReviewed":"B","author":"Checkers","reviewRating":{"alternateName":"Mostly True"}}"#;
    let array = format!("[{one},{two}]");
    let reviews = read_document(&array).unwrap();
    assert_eq!(
        reviews
            .iter()
            .map(|review| review.path.as_str())
            .collect::<Vec<_>>(),
        ["[0]", "[1]"]
    );
    assert_eq!(
        reviews[1].result.as_ref().unwrap().review.verdict,
        Verdict::MostlyTrue
    );

    // Other nodes of a graph (the page, the organisation) are passed over.
    let graph = format!(r#"{{"@context":"https://schema.org","@graph":[{{"@type":"WebPage"}},{one}]}}"#);
    let reviews = read_document(&graph).unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].path, "@graph[1]");
    assert_eq!(reviews[0].result.as_ref().unwrap().text, "A");

    let lines = format!("{one}\n\nnot json\n{two}\n");
    let reviews = read_document(&lines).unwrap();
    assert_eq!(
        reviews
            .iter()
            .map(|review| review.path.as_str())
            .collect::<Vec<_>>(),
        ["line 1", "line 3", "line 4"]
    );
    assert!(reviews[1].result.as_ref().unwrap_err().starts_with("is not JSON"));
    assert_eq!(reviews[2].result.as_ref().unwrap().text, "B");
}

#[test]
fn the_fact_check_tools_search_response_is_read_claim_by_review() {
    let response = r#"{"claims": [
      {"text": "Vaccines contain microchips", "claimant": "Social media users", "claimDate": "2021-03-01T00:00:00Z",
       "claimReview": [
         {"publisher": {"name": "Full Fact", "site": "fullfact.org"}, "url": "https://fullfact.org/health/microchips/",
          "title": "No microchips", "reviewDate": "2021-03-04T00:00:00Z", "textualRating": "False", "languageCode": "en"},
         {"publisher": {"site": "snopes.com"}, "url": "https://www.snopes.com/fact-check/microchips/",
          "textualRating": "Labeled Satire"}
       ]},
      {"text": "Without reviews"}
    ], "nextPageToken": "abc"}"#;
    let reviews = read_document(response).unwrap();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[0].path, "claims[0].claimReview[0]");
    let first = reviews[0].result.as_ref().unwrap();
    assert_eq!(first.text, "Vaccines contain microchips");
    assert_eq!(first.speaker, "Social media users");
    assert_eq!(first.claim_date.as_deref(), Some("2021-03-01"));
    assert_eq!(first.review.publisher, "Full Fact");
    assert_eq!(
        first.review.publisher_url.as_deref(),
        Some("https://fullfact.org")
    );
    assert_eq!(first.review.date.as_deref(), Some("2021-03-04"));
    assert_eq!(first.review.verdict, Verdict::False);
    let second = reviews[1].result.as_ref().unwrap();
    // No name: the site stands for the publisher.
    assert_eq!(second.review.publisher, "snopes.com");
    assert_eq!(second.review.verdict, Verdict::NotAClaim);
    assert_eq!(reviews[2].path, "claims[1]");
    assert_eq!(reviews[2].result.as_ref().unwrap_err(), "claimReview: is missing");
}

#[test]
fn messy_feeds_are_taken_as_far_as_they_make_sense() {
    // An author as text, itemReviewed missing, arrays where objects belong,
    // a numeric rating as text on a 0–10 scale, HTML with a script.
    let messy = r#"{"@type": ["ClaimReview"], "author": ["Daily Checks"],
       "claimReviewed": ["<p>Taxes <i>doubled</i><script>alert(1)</script> last year</p>"],
       "reviewRating": [{"ratingValue": "8", "bestRating": "10", "worstRating": "0"}]}"#;
    let claim = only_review(messy);
    assert_eq!(claim.text, "Taxes doubled last year");
    assert_eq!(claim.speaker, "");
    assert_eq!(claim.review.publisher, "Daily Checks");
    assert_eq!(claim.review.url, None);
    // 8 of 0–10 is 0.8 of the way: mostly true.
    assert_eq!(claim.review.verdict, Verdict::MostlyTrue);
    assert_eq!(claim.review.rating, "8 (0–10)");

    let government = r#"{"@type":"ClaimReview","claimReviewed":"X","author":"A",
        "itemReviewed":{"author":{"@type":"GovernmentOrganization","name":"Ministry"}},
        "reviewRating":{"alternateName":"False"}}"#;
    assert_eq!(
        only_review(government).speaker_kind,
        Some(EntityKind::Organisation)
    );

    let unmapped = r#"{"@type":"ClaimReview","claimReviewed":"X","author":{"name":"WaPo"},
        "reviewRating":{"alternateName":"Three Pinocchios"}}"#;
    let claim = only_review(unmapped);
    assert_eq!(claim.review.verdict, Verdict::Unverifiable);
    assert_eq!(claim.review.rating, "Three Pinocchios");
}

#[test]
fn wrong_types_and_bad_values_are_per_review_errors_naming_the_field() {
    let base = |field: &str| {
        format!(
            r#"[{{"@type":"ClaimReview","claimReviewed":"ok","author":"A","reviewRating":{{"alternateName":"False"}}}},
               {{"@type":"ClaimReview","claimReviewed":"bad","author":"A","reviewRating":{{"alternateName":"False"}},{field}}}]"#
        )
    };
    for (field, expected) in [
        (r#""url": "ftp://x.example/""#, "url: "),
        (r#""url": 7"#, "url: is a number, not text"),
        (
            r#""datePublished": "2022-13-45""#,
            "datePublished: \"2022-13-45\" is not a date",
        ),
        (
            r#""datePublished": "yesterday""#,
            "datePublished: \"yesterday\" is not a date",
        ),
        (
            r#""itemReviewed": true"#,
            "itemReviewed: is a boolean, not an object",
        ),
        (
            r#""itemReviewed": {"datePublished": "2022-02-30"}"#,
            "itemReviewed.datePublished: \"2022-02-30\" is not a date",
        ),
        (
            r#""itemReviewed": {"author": {"@type": "Person"}}"#,
            "itemReviewed.author.name: is missing",
        ),
    ] {
        let found = errors(&base(field));
        assert_eq!(found.len(), 1, "{field}: {found:?}");
        assert_eq!(found[0].0, "[1]", "{field}");
        assert!(found[0].1.starts_with(expected), "{field}: {}", found[0].1);
    }
    for (document, expected) in [
        (
            r#"{"@type":"ClaimReview","author":"A","reviewRating":{"alternateName":"False"}}"#,
            "claimReviewed: is missing",
        ),
        (
            r#"{"@type":"ClaimReview","claimReviewed":"<br>","author":"A","reviewRating":{"alternateName":"False"}}"#,
            "claimReviewed: is missing or empty",
        ),
        (
            r#"{"@type":"ClaimReview","claimReviewed":"x","author":"A"}"#,
            "reviewRating: is missing",
        ),
        (
            r#"{"@type":"ClaimReview","claimReviewed":"x","author":"A","reviewRating":{"ratingValue":{}}}"#,
            "reviewRating.ratingValue: is an object, not a number",
        ),
        (
            r#"{"@type":"ClaimReview","claimReviewed":"x","reviewRating":{"alternateName":"False"}}"#,
            "author: is missing",
        ),
        (
            r#"{"@type":"Article","name":"x"}"#,
            "is not a ClaimReview: @type is",
        ),
        (r#"[1, "two"]"#, "is a number, not a ClaimReview object"),
    ] {
        let found = errors(document);
        assert!(!found.is_empty(), "{document}");
        assert!(found[0].1.starts_with(expected), "{document}: {}", found[0].1);
    }
}

#[test]
fn hostile_documents_are_errors_never_crashes() {
    // See: #15. Ten thousand nested arrays stop at serde_json's recursion limit.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let err = read_document(&deep).unwrap_err();
    assert!(err.contains("recursion limit"), "{err}");
    // As a JSON line among good ones, only that line fails.
    let good =
        r#"{"@type":"ClaimReview","claimReviewed":"A","author":"B","reviewRating":{"alternateName":"True"}}"#;
    let reviews = read_document(&format!("{good}\n{deep}\n{good}")).unwrap();
    assert_eq!(reviews.len(), 3);
    assert!(
        reviews[1]
            .result
            .as_ref()
            .unwrap_err()
            .contains("recursion limit")
    );
    assert!(reviews[0].result.is_ok() && reviews[2].result.is_ok());

    // A 10 MB claim is refused by its size, naming the field.
    let huge = format!(
        r#"{{"@type":"ClaimReview","claimReviewed":"{}","author":"B","reviewRating":{{"alternateName":"True"}}}}"#,
        "a".repeat(10 << 20)
    );
    let found = errors(&huge);
    assert!(
        found[0].1.starts_with("claimReviewed: is 10485760 bytes"),
        "{}",
        found[0].1
    );

    assert!(
        read_document("")
            .unwrap_err()
            .starts_with("document: is not JSON")
    );
    assert!(
        read_document("{\"@type\": ")
            .unwrap_err()
            .starts_with("document: is not JSON")
    );
    assert_eq!(read_document("[]").unwrap(), Vec::new());
}

#[test]
fn markup_is_removed_and_entities_decoded() {
    assert_eq!(strip_html("<p>Hello&nbsp;<b>world</b></p>"), "Hello world");
    assert_eq!(
        strip_html("Prices rose by <b>half</b>.<br>Then <A HREF='x'>fell</a>"),
        "Prices rose by half. Then fell"
    );
    assert_eq!(strip_html("a < b and c > d"), "a < b and c > d");
    assert_eq!(
        strip_html("Tom &amp; Jerry &#8217;s &#x27;x&#x27; &bogus; &"),
        "Tom & Jerry ’s 'x' &bogus; &"
    );
    assert_eq!(strip_html("<style>p{}</style>kept<br/>too"), "kept too");
    assert_eq!(strip_html("<script>never closed"), "");
    assert_eq!(strip_html("unclosed <b"), "unclosed <b");
}

//! ClaimReview throughput (issue 15), in process against the SQLite store, each side beside a
//! baseline of the same size in the same run:
//!
//! - import: N ClaimReview objects read (`import::claimreview::read_document`) and stored as
//!   external reviews, 256 a batch, against storing the same N claim texts as one-claim
//!   articles through `create_articles` (the ImportArticles write path, extraction left out);
//! - export: N reviewed claims read and written as ClaimReview JSON, 256 a page, against
//!   reading the same claims through `query_claims` (the ListClaims path).
//!
//! ```sh
//! nice cargo bench --bench claimreview -- 20000
//! ```

use std::sync::Arc;
use std::time::Instant;

use claimdb::export::claimreview::{Publisher, to_json};
use claimdb::import::claimreview::read_document;
use claimdb::model::{
    ArticleMetadata, ClaimDetails, NewArticle, NewClaim, NewReview, Principal, Role, Span, Verdict,
};
use claimdb::review::rules::{ReviewPolicy, etag};
use claimdb::store::{ClaimListQuery, ReviewedClaimQuery, SqliteStore, Store};

const BATCH: usize = 256;

fn admin() -> Principal {
    Principal {
        token_id: 1,
        name: "bench".into(),
        role: Role::Admin,
    }
}

fn claim_text(i: usize) -> String {
    format!(
        "Figure {i} shows the index of item {} rose by {} percent last year.",
        i * 7,
        i % 50
    )
}

fn one_claim_article(i: usize) -> NewArticle {
    let text = claim_text(i);
    NewArticle {
        sha256: claimdb::hash::sha256(&text),
        body: text.clone(),
        metadata: ArticleMetadata {
            source_url: Some(format!("https://news.example/{i}")),
            published_date: Some("2022-01-01".into()),
            ..ArticleMetadata::default()
        },
        extractor_version: "bench".into(),
        claims: vec![NewClaim {
            span: Span {
                start: 0,
                end: text.len(),
            },
            sentence: text.clone(),
            speaker: format!("Speaker {}", i % 97),
            checkworthiness: 0.5,
            details: ClaimDetails {
                content: text.clone(),
                ..ClaimDetails::default()
            },
            text,
        }],
    }
}

fn claim_review_json(i: usize) -> String {
    let words = ["False", "Mostly false", "Mixed", "Mostly true", "True"][i % 5];
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": format!("https://checks.example/reviews/{i}"),
        "claimReviewed": claim_text(i),
        "datePublished": "2022-01-05",
        "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example/"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": format!("Speaker {}", i % 97)},
            "datePublished": "2022-01-01",
            "appearance": [{"@type": "CreativeWork", "url": format!("https://news.example/{i}")}]
        },
        "reviewRating": {"@type": "Rating", "ratingValue": 1 + i % 5, "bestRating": 5, "worstRating": 1,
                         "alternateName": words}
    })
    .to_string()
}

fn fresh_store(dir: &tempfile::TempDir, name: &str) -> Arc<SqliteStore> {
    Arc::new(SqliteStore::open(&dir.path().join(name)).unwrap())
}

fn rate(n: usize, seconds: f64) -> String {
    format!("{seconds:.2} s, {:.0}/s", n as f64 / seconds)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let n: usize = args.first().map_or(20_000, |n| n.parse().expect("N is a number"));
    let dir = tempfile::tempdir().unwrap();

    // Import, and its baseline.
    let documents: Vec<String> = (0..n).map(claim_review_json).collect();
    let store = fresh_store(&dir, "import.sqlite");
    let started = Instant::now();
    for chunk in documents.chunks(BATCH) {
        let array = format!("[{}]", chunk.join(","));
        let claims: Vec<_> = read_document(&array)
            .unwrap()
            .into_iter()
            .map(|review| review.result.unwrap())
            .collect();
        for outcome in store.import_external_reviews(claims, admin()).await.unwrap() {
            assert!(outcome.unwrap().created.is_some());
        }
    }
    let import_seconds = started.elapsed().as_secs_f64();

    let baseline = fresh_store(&dir, "baseline.sqlite");
    let articles: Vec<NewArticle> = (0..n).map(one_claim_article).collect();
    let started = Instant::now();
    for chunk in articles.chunks(BATCH) {
        baseline
            .create_articles(chunk.to_vec(), false, admin())
            .await
            .unwrap();
    }
    let baseline_seconds = started.elapsed().as_secs_f64();
    println!(
        "import {n} ClaimReviews: {}; baseline, {n} one-claim articles through create_articles: {}; ratio {:.2}",
        rate(n, import_seconds),
        rate(n, baseline_seconds),
        import_seconds / baseline_seconds
    );

    // Export: review every claim of the baseline store first (not timed).
    for id in 1..=n as i64 {
        let review = NewReview {
            claim_id: claimdb::model::ClaimId(id),
            etag: etag(1),
            verdict: Verdict::ALL[id as usize % 5],
            rationale: "The official record says otherwise.".into(),
            evidence_urls: vec!["https://evidence.example/record".into()],
        };
        baseline
            .submit_review(admin(), review, ReviewPolicy::default())
            .await
            .unwrap();
    }
    let publisher = Publisher {
        name: "Example Checks".into(),
        url: Some("https://checks.example/".into()),
        review_url_template: "https://checks.example/claims/{claim}".into(),
    };
    let started = Instant::now();
    let (mut after, mut n_exported, mut n_bytes) = (None, 0, 0);
    loop {
        let page = baseline
            .list_reviewed_claims(ReviewedClaimQuery {
                after,
                limit: BATCH as u32,
                ..ReviewedClaimQuery::default()
            })
            .await
            .unwrap();
        for item in &page {
            n_bytes += to_json(item, &publisher).len();
            after = Some(item.claim.id);
        }
        n_exported += page.len();
        if page.len() < BATCH {
            break;
        }
    }
    let export_seconds = started.elapsed().as_secs_f64();
    assert_eq!(n_exported, n);

    let started = Instant::now();
    let mut n_listed = 0;
    let mut last = None;
    loop {
        let order = claimdb::review::filter::parse_order_by("").unwrap();
        let page = baseline
            .query_claims(ClaimListQuery {
                filter: Default::default(),
                after: last.clone(),
                limit: BATCH as u32,
                order: order.clone(),
            })
            .await
            .unwrap();
        n_listed += page.len();
        last = page
            .last()
            .map(|claim| claimdb::review::filter::sort_key(claim, &order));
        if page.len() < BATCH {
            break;
        }
    }
    let list_seconds = started.elapsed().as_secs_f64();
    assert_eq!(n_listed, n);
    println!(
        "export {n} ClaimReviews ({:.1} MB of JSON): {}; baseline, the same claims through query_claims: {}; ratio {:.2}",
        n_bytes as f64 / 1e6,
        rate(n, export_seconds),
        rate(n, list_seconds),
        export_seconds / list_seconds
    );
}

//! Latency of ListClaims with a filter and of SearchClaims over a large database (issue 4).
//!
//! Generates synthetic claims straight into SQLite through the store (big
//! transactions) unless the database already holds enough, serves it on
//! 127.0.0.1:0 and times real gRPC calls. Run with
//! `nice cargo bench --bench list_search -- [DB_PATH] [N_CLAIMS]`
//! (defaults /tmp/claimdb-bench.sqlite and 1,000,000). Never commit the data.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use claimdb::api::pb;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use claimdb::auth;
use claimdb::model::{
    ArticleMetadata, ClaimDetails, ClaimKind, Entity, EntityKind, NewArticle, NewClaim, Role, Span,
};
use claimdb::store::test_support::BulkLoad;
use claimdb::store::{ClaimListQuery, SqliteStore, Store};
use tokio::net::TcpListener;

const CLAIMS_PER_ARTICLE: usize = 10;
const ARTICLES_PER_TRANSACTION: usize = 2000;
const N_SPEAKERS: u64 = 500;
const N_WORDS: usize = 5000;
const REQUESTS_PER_SCENARIO: usize = 400;

/// xorshift64*: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Roughly Zipf-distributed index below `n`: a few words are common,
    /// most are rare, as in news text.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

fn vocabulary() -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "ran", "te", "sul", "vor", "pe", "dan", "ri", "mo", "zen", "ta", "bel", "nu",
        "gar", "is", "ot", "fen", "li", "cro", "mar", "du", "sk",
    ];
    (0..N_WORDS)
        .map(|idx| {
            let mut word = String::new();
            let mut rest = idx + 24;
            while rest > 0 {
                word.push_str(SYLLABLES[rest % 24]);
                rest /= 24;
            }
            word
        })
        .collect()
}

fn sentence(rng: &mut Rng, words: &[String]) -> String {
    let n_words = 8 + rng.below(10) as usize;
    let mut text = String::new();
    for idx in 0..n_words {
        if idx > 0 {
            text.push(' ');
        }
        if idx == n_words / 2 {
            text.push_str(&format!("{}", rng.below(10_000)));
        } else {
            text.push_str(&words[rng.zipf(words.len())]);
        }
    }
    text.push('.');
    text
}

/// The agencies credit lines name: three wire services most articles
/// credit, and many small ones.
const WIRE_AGENCIES: [&str; 3] = ["REUTERS", "AGENCE FRANCE-PRESSE", "ASSOCIATED PRESS"];
const N_PUBLISHERS: usize = 200;
const N_SMALL_AGENCIES: u64 = 1000;
/// Publication dates: 3,650 days from 2015-01-01.
const N_DAYS: u64 = 3650;

fn day(day_idx: u64) -> String {
    claimdb::calendar::iso(claimdb::calendar::days_from_civil(2015, 1, 1) + day_idx as i64)
}

/// An article's metadata, so that the article filters (`published_date`,
/// `publisher`, `agency`, `source`, `url`) have wide and narrow values:
/// publishers Zipf-distributed, most credit lines naming a wire service.
fn article_metadata(rng: &mut Rng, article_idx: usize) -> ArticleMetadata {
    let credit = match rng.below(4) {
        0 => format!("Agency {}", rng.below(N_SMALL_AGENCIES)),
        1 => format!(
            "{}, {}",
            WIRE_AGENCIES[rng.below(3) as usize],
            WIRE_AGENCIES[rng.below(3) as usize]
        ),
        _ => WIRE_AGENCIES[rng.below(3) as usize].to_owned(),
    };
    ArticleMetadata {
        title: Some(format!("Article {article_idx}")),
        source_url: Some(format!("https://news.example/{article_idx}")),
        publisher: Some(format!("Publisher {}", rng.zipf(N_PUBLISHERS))),
        credit: Some(credit),
        dateline: None,
        published_date: Some(day(rng.below(N_DAYS))),
    }
}

async fn generate(store: &SqliteStore, n_claims: usize) {
    let words = vocabulary();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let n_articles = n_claims.div_ceil(CLAIMS_PER_ARTICLE);
    let started = Instant::now();
    let mut article_idx = 0;
    while article_idx < n_articles {
        let batch_end = (article_idx + ARTICLES_PER_TRANSACTION).min(n_articles);
        let mut batch = Vec::with_capacity(batch_end - article_idx);
        for idx in article_idx..batch_end {
            let mut body = format!("Article {idx}. ");
            let mut claims = Vec::with_capacity(CLAIMS_PER_ARTICLE);
            for _ in 0..CLAIMS_PER_ARTICLE {
                let text = sentence(&mut rng, &words);
                let start = body.len();
                body.push_str(&text);
                claims.push(NewClaim {
                    sentence: text.clone(),
                    text,
                    span: Span {
                        start,
                        end: body.len(),
                    },
                    speaker: format!("Speaker {}", rng.below(N_SPEAKERS)),
                    checkworthiness: rng.below(1001) as f64 / 1000.0,
                    details: ClaimDetails {
                        content: String::new(),
                        kind: ClaimKind::ALL[rng.below(5) as usize],
                        checkable: rng.below(4) != 0,
                        entities: vec![Entity {
                            name: format!("Agency {}", rng.below(100)),
                            kind: EntityKind::Organisation,
                        }],
                        ..ClaimDetails::default()
                    },
                });
                body.push(' ');
            }
            let metadata = article_metadata(&mut rng, idx);
            batch.push(NewArticle {
                sha256: claimdb::hash::sha256(&body),
                body,
                metadata,
                extractor_version: "bench".into(),
                claims,
            });
        }
        store.create_articles_bulk(batch).await.unwrap();
        article_idx = batch_end;
        if article_idx % (ARTICLES_PER_TRANSACTION * 10) == 0 || article_idx == n_articles {
            eprintln!(
                "generated {} claims in {:.0} s",
                article_idx * CLAIMS_PER_ARTICLE,
                started.elapsed().as_secs_f64()
            );
        }
    }
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    println!(
        "| {name} | {} | {:.2} | {:.2} | {:.2} |",
        samples.len(),
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0,
        samples.last().unwrap().as_secs_f64() * 1000.0
    );
}

type AddToken = Box<dyn FnMut(tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> + Send>;
type Client =
    ClaimServiceClient<tonic::service::interceptor::InterceptedService<tonic::transport::Channel, AddToken>>;

/// Times ListClaims pages: each sample a first page or a following one.
async fn list_scenario(client: &mut Client, name: &str, filters: &[String], order_by: &str) {
    let mut samples = Vec::new();
    let mut n_results = 0;
    'outer: for round in 0.. {
        let filter = &filters[round % filters.len()];
        let mut page_token = String::new();
        for _ in 0..4 {
            let started = Instant::now();
            let page = client
                .list_claims(pb::ListClaimsRequest {
                    filter: filter.clone(),
                    order_by: order_by.into(),
                    page_size: 50,
                    page_token,
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            samples.push(started.elapsed());
            n_results += page.claims.len();
            if samples.len() == REQUESTS_PER_SCENARIO {
                break 'outer;
            }
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
    }
    eprintln!(
        "{name}: {:.1} claims per page",
        n_results as f64 / samples.len() as f64
    );
    summary(name, samples);
}

/// How a search scenario asks.
struct Search<'a> {
    name: &'a str,
    queries: &'a [String],
    /// Taken in turn, as the queries are.
    filters: &'a [String],
    exhaustive: bool,
    /// How many pages to follow per query.
    pages: usize,
}

async fn search_scenario(client: &mut Client, search: Search<'_>) {
    let mut samples = Vec::new();
    let mut n_results = 0;
    let mut n_windowed = 0;
    'outer: for idx in 0.. {
        let mut request = pb::SearchClaimsRequest {
            query: search.queries[idx % search.queries.len()].clone(),
            filter: search.filters[idx % search.filters.len()].clone(),
            page_size: 50,
            exhaustive: search.exhaustive,
            ..Default::default()
        };
        for _ in 0..search.pages {
            let started = Instant::now();
            let page = client.search_claims(request.clone()).await.unwrap().into_inner();
            samples.push(started.elapsed());
            n_results += page.results.len();
            n_windowed += usize::from(page.newest_matches_only);
            if samples.len() == REQUESTS_PER_SCENARIO {
                break 'outer;
            }
            if page.next_page_token.is_empty() {
                break;
            }
            request.page_token = page.next_page_token;
        }
    }
    eprintln!(
        "{}: {:.1} results per page, {n_windowed} of {} pages ranked the newest matches only",
        search.name,
        n_results as f64 / samples.len() as f64,
        samples.len()
    );
    summary(search.name, samples);
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let path = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/claimdb-bench.sqlite".into()));
    let n_claims: usize = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("N_CLAIMS is a number"));
    let options = claimdb::api::ServeOptions {
        search_window: args
            .next()
            .map_or(Some(claimdb::api::DEFAULT_SEARCH_WINDOW), |n| {
                Some(n.parse().expect("SEARCH_WINDOW is a number")).filter(|&n| n > 0)
            }),
        ..Default::default()
    };

    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let stored = store
        .query_claims(ClaimListQuery {
            order: claimdb::review::filter::parse_order_by("name desc").unwrap(),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .first()
        .map_or(0, |claim| claim.id.0 as usize);
    if stored < n_claims {
        eprintln!("{} holds {stored} claims; generating {n_claims}", path.display());
        generate(&store, n_claims - stored).await;
    }
    let token = auth::new_token().unwrap();
    store
        .create_token("bench".into(), Role::Reader, auth::token_sha256(&token))
        .await
        .unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served: Arc<dyn Store> = store.clone();
    let served_options = options.clone();
    tokio::spawn(async move {
        claimdb::api::serve_with(served, listener, served_options, std::future::pending())
            .await
            .unwrap();
    });
    let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let header: tonic::metadata::MetadataValue<_> = format!("Bearer {token}").parse().unwrap();
    let interceptor: AddToken = Box::new(move |mut request: tonic::Request<()>| {
        request.metadata_mut().insert("authorization", header.clone());
        Ok(request)
    });
    let mut client: Client = ClaimServiceClient::with_interceptor(channel, interceptor);

    let words = vocabulary();
    let mut rng = Rng(42);
    let speakers: Vec<String> = (0..20)
        .map(|_| format!("speaker = \"Speaker {}\"", rng.below(N_SPEAKERS)))
        .collect();
    println!(
        "database: {} ({} claims), search window {:?}",
        path.display(),
        stored.max(n_claims),
        options.search_window
    );
    println!();
    println!("| scenario (page of 50) | requests | median ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- |");
    list_scenario(
        &mut client,
        "ListClaims `status = UNREVIEWED AND checkworthiness >= 0.8`, order_by `checkworthiness desc`, 4 pages deep",
        &["status = UNREVIEWED AND checkworthiness >= 0.8".to_owned()],
        "checkworthiness desc",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims `speaker = \"Speaker N\"` (20 speakers), oldest first, 4 pages deep",
        &speakers,
        "",
    )
    .await;
    let combined: Vec<String> = speakers
        .iter()
        .map(|speaker| format!("{speaker} AND checkworthiness >= 0.5 AND create_time >= 2020-01-01"))
        .collect();
    list_scenario(
        &mut client,
        "ListClaims speaker AND `checkworthiness >= 0.5` AND create_time, order_by `create_time desc`",
        &combined,
        "create_time desc",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims `status = UNREVIEWED`, oldest first, 4 pages deep",
        &["status = UNREVIEWED".to_owned()],
        "",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims `status = UNREVIEWED`, order_by `create_time desc`, 4 pages deep",
        &["status = UNREVIEWED".to_owned()],
        "create_time desc",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims, no filter, order_by `checkworthiness desc`, 4 pages deep",
        &[String::new()],
        "checkworthiness desc",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims `published_date >= 2020-01-01` (half the articles), oldest first",
        &["published_date >= 2020-01-01".to_owned()],
        "",
    )
    .await;
    let days: Vec<String> = (0..20)
        .map(|_| format!("published_date = {}", day(rng.below(N_DAYS))))
        .collect();
    list_scenario(
        &mut client,
        "ListClaims `published_date = D` (20 days), oldest first",
        &days,
        "",
    )
    .await;
    let months: Vec<String> = (0..20)
        .map(|_| {
            let start = rng.below(N_DAYS - 30);
            format!(
                "published_date >= {} AND published_date < {}",
                day(start),
                day(start + 30)
            )
        })
        .collect();
    list_scenario(
        &mut client,
        "ListClaims `published_date` in a month (20 months), order_by `create_time desc`",
        &months,
        "create_time desc",
    )
    .await;
    // Publisher ranks from the most common (a fifth of the articles) to
    // ones with a few hundred claims.
    let publishers: Vec<String> = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 199]
        .iter()
        .map(|rank| format!("publisher = \"Publisher {rank}\""))
        .collect();
    list_scenario(
        &mut client,
        "ListClaims `publisher = \"Publisher N\"` (13 publishers, common to rare), oldest first",
        &publishers,
        "",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims `agency = reuters` (about 4 in 10 articles), oldest first",
        &["agency = reuters".to_owned()],
        "",
    )
    .await;
    let small_agencies: Vec<String> = (0..20)
        .map(|_| format!("agency = \"agency {}\"", rng.below(N_SMALL_AGENCIES)))
        .collect();
    list_scenario(
        &mut client,
        "ListClaims `agency = \"agency N\"` (20 small agencies, 25 articles each), oldest first",
        &small_agencies,
        "",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims `source = \"associated press\"`, order_by `checkworthiness desc`",
        &["source = \"associated press\"".to_owned()],
        "checkworthiness desc",
    )
    .await;
    list_scenario(
        &mut client,
        "ListClaims `status = UNREVIEWED AND publisher = \"Publisher 3\"`, oldest first",
        &["status = UNREVIEWED AND publisher = \"Publisher 3\"".to_owned()],
        "",
    )
    .await;
    // Word ranks: 10..60 are common (each in several percent of claims),
    // 500..1000 middling, 3000..5000 rare.
    let pick =
        |range: std::ops::Range<usize>| -> Vec<String> { words[range].iter().step_by(7).cloned().collect() };
    let common = pick(10..60);
    let middling = pick(500..1000);
    let rare = pick(3000..5000);
    let pairs: Vec<String> = (0..50)
        .map(|idx| format!("{} {}", words[10 + idx], words[500 + idx * 7]))
        .collect();
    let none = [String::new()];
    let half = ["checkworthiness >= 0.5".to_owned()];
    let scenarios = [
        (
            "SearchClaims, one common word, 4 pages deep",
            &common,
            &none[..],
            false,
            4,
        ),
        (
            "SearchClaims, one common word, exhaustive",
            &common,
            &none,
            true,
            1,
        ),
        (
            "SearchClaims, one common word, filter `checkworthiness >= 0.5`",
            &common,
            &half,
            false,
            1,
        ),
        (
            "SearchClaims, one common word, filter `speaker = \"Speaker N\"` (20 speakers)",
            &common,
            &speakers,
            false,
            1,
        ),
        ("SearchClaims, one middling word", &middling, &none, false, 1),
        ("SearchClaims, one rare word", &rare, &none, false, 1),
        (
            "SearchClaims, a common and a middling word",
            &pairs,
            &none,
            false,
            1,
        ),
        (
            "SearchClaims, one middling word, filter `checkworthiness >= 0.5`",
            &middling,
            &half,
            false,
            1,
        ),
    ];
    for (name, queries, filters, exhaustive, pages) in scenarios {
        search_scenario(
            &mut client,
            Search {
                name,
                queries,
                filters,
                exhaustive,
                pages,
            },
        )
        .await;
    }
}

//! Soak bench (issue 14): the real release server under a mixed load for a fixed time, then
//! every acknowledged write checked present after a clean stop and a restart.
//!
//! ```sh
//! nice cargo bench --bench soak -- --minutes 5 --clients 200
//! ```
//!
//! `claimdb serve` runs as its own process on a free port and a temporary
//! database, seeded with `--seed-articles` articles of `../shared/corpus`
//! (or `--corpus DIR`) through ImportArticles. Then `--clients` clients,
//! each on its own connection, loop over a mix of calls: GetClaim (about
//! half), ListClaims with filters, SearchClaims, ExtractClaims,
//! ImportArticles of new articles, AcquireClaim then SubmitReview,
//! ListArticles and GetReviewStats, and calls given up on purpose (a 1 ms
//! deadline, or dropped after 2 ms). Beside them, watch streams read every
//! event, some watchers never read, and idle connections (raw TCP and
//! HTTP/2 that never call) come and go.
//!
//! Reported: calls and errors by kind (shedding, `UNAVAILABLE` with the
//! server's OVERLOADED reason, and the intended cancellations are counted
//! apart from errors; the target is no other error), the server's RSS from
//! /proc every 5 s and its growth from minute 2 to the end (target under
//! 10%), GetClaim latency percentiles under the mixed load and in a last
//! phase where every client calls only GetClaim (target p99 under 50 ms),
//! and the check of every acknowledged write.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/e2e/support/process.rs"]
mod process;

use claimdb::api::pb;
use claimdb::api::pb::article_service_client::ArticleServiceClient;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use claimdb::api::pb::review_service_client::ReviewServiceClient;
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

/// Reviewer tokens: a reviewer holds at most 5 claims at once, so clients
/// that review take turns over this many.
const N_REVIEWERS: usize = 40;
/// Watch streams that read every event, and watchers that never read.
const N_WATCHERS: usize = 6;
const N_SILENT_WATCHERS: usize = 6;
/// Idle connections kept open (each reopened when the server closes it).
const N_IDLE_TCP: usize = 20;
const N_IDLE_HTTP2: usize = 20;
/// How long the last phase loads GetClaim alone.
const GETCLAIM_PHASE: Duration = Duration::from_secs(30);
const RSS_EVERY: Duration = Duration::from_secs(5);

const SEARCH_WORDS: &[&str] = &[
    "government",
    "minister",
    "police",
    "said",
    "year",
    "people",
    "econom*",
    "\"prime minister\"",
    "election",
    "million",
    "company",
    "report",
];
const FILTERS: &[&str] = &[
    "",
    "status = UNREVIEWED",
    "checkworthiness >= 0.5",
    "kind = STATISTIC AND checkable = true",
    "status = REVIEWED",
    "create_time > 2020-01-01",
];
const VERDICTS: &[pb::Verdict] = &[
    pb::Verdict::True,
    pb::Verdict::MostlyFalse,
    pb::Verdict::Mixed,
    pb::Verdict::Unverifiable,
];

struct Args {
    minutes: f64,
    clients: usize,
    corpus: PathBuf,
    seed_articles: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        minutes: 5.0,
        clients: 200,
        corpus: PathBuf::from("../shared/corpus"),
        seed_articles: 1000,
    };
    let mut given = std::env::args().skip(1).filter(|arg| arg != "--bench");
    while let Some(flag) = given.next() {
        let mut value = || given.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--minutes" => args.minutes = value().parse().expect("--minutes is a number"),
            "--clients" => args.clients = value().parse().expect("--clients is a number"),
            "--corpus" => args.corpus = PathBuf::from(value()),
            "--seed-articles" => args.seed_articles = value().parse().expect("--seed-articles is a number"),
            other => {
                panic!("unknown argument {other}; use --minutes N --clients N --corpus DIR --seed-articles N")
            }
        }
    }
    args
}

/// A small seeded generator (SplitMix64), one per client.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Article bodies of the corpus's JSON-lines files.
fn corpus_bodies(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("articles.jsonl")))
        .filter(|path| path.exists())
        .collect();
    files.sort();
    let mut bodies = Vec::new();
    for file in files {
        let reader = BufReader::new(std::fs::File::open(&file).unwrap());
        for line in reader.lines() {
            let line = line.unwrap();
            if let Ok((_, body, _)) = claimdb::import::jsonl::parse_line(line.as_bytes()) {
                bodies.push(body);
            }
        }
    }
    assert!(!bodies.is_empty(), "no articles under {}", dir.display());
    bodies
}

/// Runs `claimdb token create` on the database file and returns the token.
fn create_token(db: &Path, role: &str, name: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["token", "create", "--role", role, "--name", name, "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .find(|line| line.starts_with(claimdb::auth::TOKEN_PREFIX))
        .expect("token create prints the token")
        .to_owned()
}

/// The server's resident memory in KiB: all of it, and its anonymous part
/// (the heap; the rest is mostly the database file, which the readers map).
#[derive(Debug, Clone, Copy, Default)]
struct Rss {
    total_kb: u64,
    anon_kb: u64,
}

fn rss(pid: u32) -> Option<Rss> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some(Rss {
        total_kb: field("VmRSS:")?,
        anon_kb: field("RssAnon:")?,
    })
}

fn authed<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    let value = format!("Bearer {token}").parse().expect("tokens are ASCII");
    request.metadata_mut().insert("authorization", value);
    request
}

/// Releases `claim`, retrying while the server sheds the call.
async fn release(reviews: &mut ReviewServiceClient<Channel>, reviewer: &str, claim: &str, tally: &Tally) {
    for attempt in 0..20 {
        let request = pb::ReleaseClaimRequest {
            name: claim.to_owned(),
        };
        match reviews.release_claim(authed(request, reviewer)).await {
            Ok(_) => return,
            Err(status) if status.code() == Code::Unavailable && attempt < 19 => {
                tally.shed.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20 << attempt.min(4))).await;
            }
            Err(status) => {
                tally.refused("ReleaseClaim", &status);
                return;
            }
        }
    }
}

/// What every client adds to.
#[derive(Default)]
struct Tally {
    calls: AtomicU64,
    shed: AtomicU64,
    cancelled_on_purpose: AtomicU64,
    watch_events: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
    /// GetClaim latencies in microseconds.
    get_claim_micros: Mutex<Vec<u32>>,
    /// Acknowledged writes: imported articles (name, SHA-256 of the body)
    /// and reviews (claim, review name).
    articles: Mutex<Vec<(String, String)>>,
    reviews: Mutex<Vec<(String, String)>>,
}

impl Tally {
    /// Counts `status`: shedding and intended cancellations apart, every
    /// other code as an error of `what`.
    fn refused(&self, what: &str, status: &tonic::Status) {
        let overloaded = status.code() == Code::Unavailable
            && status
                .get_error_details()
                .error_info()
                .is_some_and(|info| info.reason == "OVERLOADED");
        if overloaded {
            self.shed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let key = format!(
            "{what}: {:?} {}",
            status.code(),
            claimdb::text::quoted_excerpt(status.message())
        );
        *self.errors.lock().unwrap().entry(key).or_default() += 1;
    }
}

#[derive(Clone)]
struct Tokens {
    admin: String,
    reader: String,
    reviewers: Vec<String>,
}

async fn connect(addr: &str) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// Imports `bodies` and returns the stored articles' names with the body's SHA-256.
async fn import(
    articles: &mut ArticleServiceClient<Channel>,
    token: &str,
    bodies: Vec<String>,
) -> Result<Vec<(String, String)>, tonic::Status> {
    let hashes: Vec<String> = bodies
        .iter()
        .map(|body| hex::encode(claimdb::hash::sha256(body)))
        .collect();
    let requests: Vec<pb::ImportArticlesRequest> = bodies
        .into_iter()
        .enumerate()
        .map(|(idx, body)| pb::ImportArticlesRequest {
            item_id: idx.to_string(),
            article: Some(pb::Article {
                body,
                ..Default::default()
            }),
            dry_run: false,
        })
        .collect();
    let mut answers = articles
        .import_articles(authed(tokio_stream::iter(requests), token))
        .await?
        .into_inner();
    let mut stored = Vec::new();
    while let Some(answer) = answers.message().await? {
        if let Some(pb::import_articles_response::Response::Item(item)) = answer.response {
            match item.outcome() {
                pb::import_item_result::Outcome::Created | pb::import_item_result::Outcome::AlreadyExists => {
                    let idx: usize = item.item_id.parse().unwrap();
                    stored.push((item.article, hashes[idx].clone()));
                }
                other => {
                    return Err(tonic::Status::internal(format!(
                        "import item {other:?}: {}",
                        item.reason
                    )));
                }
            }
        }
    }
    Ok(stored)
}

/// One client's loop until `until`; `get_claim_only` for the last phase.
#[allow(clippy::too_many_arguments)]
async fn client(
    idx: usize,
    addr: String,
    tokens: Tokens,
    bodies: Arc<Vec<String>>,
    n_claims: Arc<AtomicU64>,
    tally: Arc<Tally>,
    until: Instant,
    get_claim_only: bool,
) {
    let channel = connect(&addr).await;
    let mut articles = ArticleServiceClient::new(channel.clone()).max_decoding_message_size(64 << 20);
    let mut claims = ClaimServiceClient::new(channel.clone()).max_decoding_message_size(64 << 20);
    let mut reviews = ReviewServiceClient::new(channel).max_decoding_message_size(64 << 20);
    let mut rng = Rng(0x50a6 ^ (idx as u64) << 20 ^ u64::from(get_claim_only));
    let reviewer = tokens.reviewers[idx % tokens.reviewers.len()].clone();
    let mut n_imported = 0usize;
    while Instant::now() < until {
        tally.calls.fetch_add(1, Ordering::Relaxed);
        let roll = if get_claim_only { 0 } else { rng.below(100) };
        let max_claim = n_claims.load(Ordering::Relaxed).max(1);
        match roll {
            0..=49 => {
                let name = format!("claims/{}", 1 + rng.next() % max_claim);
                let started = Instant::now();
                match claims
                    .get_claim(authed(pb::GetClaimRequest { name }, &tokens.reader))
                    .await
                {
                    Ok(_) => {
                        let micros = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                        tally.get_claim_micros.lock().unwrap().push(micros);
                    }
                    Err(status) => tally.refused("GetClaim", &status),
                }
            }
            50..=59 => {
                let request = pb::ListClaimsRequest {
                    filter: rng.pick(FILTERS).to_string(),
                    page_size: 20,
                    ..Default::default()
                };
                if let Err(status) = claims.list_claims(authed(request, &tokens.reader)).await {
                    tally.refused("ListClaims", &status);
                }
            }
            60..=69 => {
                let request = pb::SearchClaimsRequest {
                    query: rng.pick(SEARCH_WORDS).to_string(),
                    filter: rng.pick(FILTERS).to_string(),
                    page_size: 10,
                    ..Default::default()
                };
                if let Err(status) = claims.search_claims(authed(request, &tokens.reader)).await {
                    tally.refused("SearchClaims", &status);
                }
            }
            70..=74 => {
                let n = 1 + rng.below(3);
                let new: Vec<String> = (0..n)
                    .map(|_| {
                        n_imported += 1;
                        format!(
                            "{}\n\nSoak copy {idx}-{n_imported}-{}.",
                            rng.pick(&bodies),
                            rng.next()
                        )
                    })
                    .collect();
                match import(&mut articles, &tokens.admin, new).await {
                    Ok(stored) => tally.articles.lock().unwrap().extend(stored),
                    Err(status) => tally.refused("ImportArticles", &status),
                }
            }
            75..=79 => {
                let request = pb::AcquireClaimRequest {
                    filter: String::new(),
                };
                match reviews.acquire_claim(authed(request, &reviewer)).await {
                    Ok(answer) => {
                        if let Some(claim) = answer.into_inner().claim {
                            let request = pb::SubmitReviewRequest {
                                claim: claim.name.clone(),
                                etag: claim.etag,
                                verdict: (*rng.pick(VERDICTS)).into(),
                                rationale: "Checked against the soak bench's sources.".into(),
                                evidence_urls: vec!["https://example.org/source".into()],
                            };
                            match reviews.submit_review(authed(request, &reviewer)).await {
                                Ok(done) => {
                                    let review = done.into_inner().review.unwrap_or_default().name;
                                    tally.reviews.lock().unwrap().push((claim.name, review));
                                }
                                Err(status) => {
                                    tally.refused("SubmitReview", &status);
                                    // A reviewer who could not give the
                                    // verdict hands the claim back, as a
                                    // real client does; otherwise the lease
                                    // stays until it expires and the quota
                                    // refuses that reviewer's next take.
                                    release(&mut reviews, &reviewer, &claim.name, &tally).await;
                                }
                            }
                        }
                    }
                    Err(status) => tally.refused("AcquireClaim", &status),
                }
            }
            80..=84 => {
                // Given up on purpose: a deadline the work cannot meet, or
                // a call dropped while under way.
                let request = pb::SearchClaimsRequest {
                    query: "said year*".into(),
                    exhaustive: true,
                    page_size: 1000,
                    ..Default::default()
                };
                if rng.below(2) == 0 {
                    let mut request = authed(request, &tokens.reader);
                    request.set_timeout(Duration::from_millis(1));
                    match claims.search_claims(request).await {
                        Err(status) if matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled) => {
                            tally.cancelled_on_purpose.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(status) => tally.refused("SearchClaims (1 ms deadline)", &status),
                        Ok(_) => {}
                    }
                } else {
                    let call = claims.search_claims(authed(request, &tokens.reader));
                    if tokio::time::timeout(Duration::from_millis(2), call)
                        .await
                        .is_err()
                    {
                        tally.cancelled_on_purpose.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            85..=92 => {
                let body = rng.pick(&bodies).clone();
                let request = pb::ExtractClaimsRequest { body };
                if let Err(status) = claims.extract_claims(authed(request, &tokens.reader)).await {
                    tally.refused("ExtractClaims", &status);
                }
            }
            93..=96 => {
                let request = pb::ListArticlesRequest {
                    page_size: 50,
                    page_token: String::new(),
                    ..Default::default()
                };
                if let Err(status) = articles.list_articles(authed(request, &tokens.reader)).await {
                    tally.refused("ListArticles", &status);
                }
            }
            _ => {
                if let Err(status) = reviews
                    .get_review_stats(authed(pb::GetReviewStatsRequest {}, &tokens.admin))
                    .await
                {
                    tally.refused("GetReviewStats", &status);
                }
            }
        }
    }
}

/// A watch stream that reads every event until the server ends it, or one
/// that never reads (`silent`).
async fn watcher(addr: String, token: String, tally: Arc<Tally>, silent: bool, stop: Arc<AtomicBool>) {
    let mut claims = ClaimServiceClient::new(connect(&addr).await);
    let request = pb::WatchClaimsRequest {
        filter: String::new(),
    };
    let mut stream = match claims.watch_claims(authed(request, &token)).await {
        Ok(stream) => stream.into_inner(),
        Err(status) => return tally.refused("WatchClaims", &status),
    };
    if silent {
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        return;
    }
    loop {
        tokio::select! {
            message = stream.message() => match message {
                Ok(Some(_)) => {
                    tally.watch_events.fetch_add(1, Ordering::Relaxed);
                }
                Ok(None) => return,
                Err(status) => return tally.refused("WatchClaims stream", &status),
            },
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
            }
        }
    }
}

/// Connections that never call: raw TCP (the server drops them after its
/// handshake timeout; they are opened again) and HTTP/2 channels.
async fn idle_connections(addr: String, stop: Arc<AtomicBool>) {
    let mut channels = Vec::new();
    for _ in 0..N_IDLE_HTTP2 {
        channels.push(connect(&addr).await);
    }
    let mut sockets = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        sockets.retain(|socket: &tokio::net::TcpStream| {
            let mut byte = [0u8; 1];
            // Kept while the server has not closed it.
            matches!(socket.try_read(&mut byte), Err(ref err) if err.kind() == std::io::ErrorKind::WouldBlock)
        });
        while sockets.len() < N_IDLE_TCP {
            match tokio::net::TcpStream::connect(&addr).await {
                Ok(socket) => sockets.push(socket),
                Err(_) => break,
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    drop(channels);
}

fn percentile(sorted: &[u32], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    f64::from(sorted[idx]) / 1000.0
}

fn latency_line(micros: &mut [u32]) -> String {
    micros.sort_unstable();
    format!(
        "{} calls, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        micros.len(),
        percentile(micros, 0.5),
        percentile(micros, 0.9),
        percentile(micros, 0.99),
        percentile(micros, 1.0)
    )
}

fn stop_server(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(status.success(), "the server stopped with {status}");
}

fn main() {
    let args = parse_args();
    let bodies = Arc::new(corpus_bodies(&args.corpus));
    let work = tempfile::tempdir().unwrap();
    let db = work.path().join("soak.sqlite");
    let tokens = Tokens {
        admin: create_token(&db, "admin", "soak-admin"),
        reader: create_token(&db, "reader", "soak-reader"),
        reviewers: (0..N_REVIEWERS)
            .map(|idx| create_token(&db, "reviewer", &format!("soak-reviewer-{idx}")))
            .collect(),
    };
    let (mut server, addr, _) = process::start_server(&db, false);
    let pid = server.id();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let tally = Arc::new(Tally::default());
    let n_claims = Arc::new(AtomicU64::new(0));

    runtime.block_on(async {
        // The seed articles, not timed.
        let started = Instant::now();
        let mut articles = ArticleServiceClient::new(connect(&addr).await);
        let seed: Vec<String> = bodies.iter().take(args.seed_articles).cloned().collect();
        let stored = import(&mut articles, &tokens.admin, seed).await.unwrap();
        let mut claims = ClaimServiceClient::new(connect(&addr).await);
        let newest = claims
            .list_claims(authed(
                pb::ListClaimsRequest {
                    page_size: 1,
                    order_by: "name desc".into(),
                    ..Default::default()
                },
                &tokens.reader,
            ))
            .await
            .unwrap()
            .into_inner();
        let max_id: u64 = newest.claims[0].name.trim_start_matches("claims/").parse().unwrap();
        n_claims.store(max_id, Ordering::Relaxed);
        println!(
            "seeded {} articles, {max_id} claims in {:.1} s; server RSS {} MB",
            stored.len(),
            started.elapsed().as_secs_f64(),
            rss(pid).unwrap_or_default().total_kb / 1024
        );
        tally.articles.lock().unwrap().extend(stored);

        let stop = Arc::new(AtomicBool::new(false));
        let mut background = Vec::new();
        for idx in 0..N_WATCHERS + N_SILENT_WATCHERS {
            // Watchers per token are capped: each takes a reviewer's token.
            let token = tokens.reviewers[idx % tokens.reviewers.len()].clone();
            background.push(tokio::spawn(watcher(
                addr.clone(),
                token,
                Arc::clone(&tally),
                idx >= N_WATCHERS,
                Arc::clone(&stop),
            )));
        }
        background.push(tokio::spawn(idle_connections(addr.clone(), Arc::clone(&stop))));

        let load_started = Instant::now();
        let until = load_started + Duration::from_secs_f64(args.minutes * 60.0);
        let rss_samples = Arc::new(Mutex::new(Vec::<(f64, Rss)>::new()));
        let sampler = {
            let rss_samples = Arc::clone(&rss_samples);
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(now) = rss(pid) {
                        rss_samples
                            .lock()
                            .unwrap()
                            .push((load_started.elapsed().as_secs_f64(), now));
                    }
                    tokio::time::sleep(RSS_EVERY).await;
                }
            })
        };
        let mut clients = Vec::new();
        for idx in 0..args.clients {
            clients.push(tokio::spawn(client(
                idx,
                addr.clone(),
                tokens.clone(),
                Arc::clone(&bodies),
                Arc::clone(&n_claims),
                Arc::clone(&tally),
                until,
                false,
            )));
        }
        for client in clients {
            client.await.unwrap();
        }
        let mixed_calls = tally.calls.load(Ordering::Relaxed);
        let mut mixed_latencies = std::mem::take(&mut *tally.get_claim_micros.lock().unwrap());
        let mixed_seconds = load_started.elapsed().as_secs_f64();

        // The last phase: every client calls GetClaim only.
        let phase_until = Instant::now() + GETCLAIM_PHASE;
        let mut clients = Vec::new();
        for idx in 0..args.clients {
            clients.push(tokio::spawn(client(
                idx,
                addr.clone(),
                tokens.clone(),
                Arc::clone(&bodies),
                Arc::clone(&n_claims),
                Arc::clone(&tally),
                phase_until,
                true,
            )));
        }
        for client in clients {
            client.await.unwrap();
        }
        let mut phase_latencies = std::mem::take(&mut *tally.get_claim_micros.lock().unwrap());
        stop.store(true, Ordering::Relaxed);
        sampler.await.unwrap();
        for task in background {
            task.await.unwrap();
        }

        let samples = rss_samples.lock().unwrap().clone();
        println!(
            "mixed load: {} clients for {:.1} min, {mixed_calls} calls ({:.0}/s), {} shed, {} given up on purpose, {} watch events",
            args.clients,
            mixed_seconds / 60.0,
            mixed_calls as f64 / mixed_seconds,
            tally.shed.load(Ordering::Relaxed),
            tally.cancelled_on_purpose.load(Ordering::Relaxed),
            tally.watch_events.load(Ordering::Relaxed),
        );
        println!("GetClaim under the mixed load: {}", latency_line(&mut mixed_latencies));
        println!(
            "GetClaim alone, {} clients for {} s: {}",
            args.clients,
            GETCLAIM_PHASE.as_secs(),
            latency_line(&mut phase_latencies)
        );
        let at_minute_2 = samples
            .iter()
            .find(|(seconds, _)| *seconds >= 120.0)
            .or(samples.first())
            .map_or(Rss::default(), |(_, rss)| *rss);
        let last = samples.last().map_or(Rss::default(), |(_, rss)| *rss);
        let peak = samples.iter().map(|(_, rss)| rss.total_kb).max().unwrap_or(0);
        let growth = |from: u64, to: u64| (to as f64 / from.max(1) as f64 - 1.0) * 100.0;
        println!(
            "server RSS: {} MB at minute 2, {} MB at the end, peak {} MB; growth {:+.1}% \
             (anonymous: {} MB -> {} MB, {:+.1}%)",
            at_minute_2.total_kb / 1024,
            last.total_kb / 1024,
            peak / 1024,
            growth(at_minute_2.total_kb, last.total_kb),
            at_minute_2.anon_kb / 1024,
            last.anon_kb / 1024,
            growth(at_minute_2.anon_kb, last.anon_kb),
        );
        let mut by_minute = Vec::new();
        let mut next_minute = 0.0;
        for (seconds, rss) in &samples {
            if *seconds >= next_minute {
                by_minute.push(format!(
                    "{:.0}s {}/{} MB",
                    seconds,
                    rss.total_kb / 1024,
                    rss.anon_kb / 1024
                ));
                next_minute += 60.0;
            }
        }
        println!("RSS (total/anonymous) by minute: {}", by_minute.join(", "));
    });

    // A clean stop, a restart on the same file, and every acknowledged write read back.
    stop_server(&mut server);
    let (mut server, addr, _) = process::start_server(&db, false);
    let (n_articles, n_reviews, missing) = runtime.block_on(async {
        let channel = connect(&addr).await;
        let mut articles = ArticleServiceClient::new(channel.clone());
        let mut reviews = ReviewServiceClient::new(channel);
        let mut missing = Vec::new();
        let acknowledged = tally.articles.lock().unwrap().clone();
        for (name, sha256) in &acknowledged {
            match articles
                .get_article(authed(
                    pb::GetArticleRequest { name: name.clone() },
                    &tokens.reader,
                ))
                .await
            {
                Ok(article) if article.get_ref().sha256 == *sha256 => {}
                Ok(_) => missing.push(format!("{name}: another body")),
                Err(status) => missing.push(format!("{name}: {status:?}")),
            }
        }
        let mut by_claim = BTreeMap::<String, Vec<String>>::new();
        for (claim, review) in tally.reviews.lock().unwrap().iter() {
            by_claim.entry(claim.clone()).or_default().push(review.clone());
        }
        for (claim, expected) in &by_claim {
            let stored = reviews
                .list_reviews(authed(
                    pb::ListReviewsRequest {
                        parent: claim.clone(),
                        page_size: 1000,
                        page_token: String::new(),
                    },
                    &tokens.reader,
                ))
                .await;
            let names: Vec<String> = match stored {
                Ok(list) => list
                    .into_inner()
                    .reviews
                    .into_iter()
                    .map(|review| review.name)
                    .collect(),
                Err(status) => {
                    missing.push(format!("{claim}: {status:?}"));
                    continue;
                }
            };
            for review in expected {
                if !names.contains(review) {
                    missing.push(format!("{review} not among {claim}'s reviews"));
                }
            }
        }
        let n_reviews = by_claim.values().map(Vec::len).sum::<usize>();
        (acknowledged.len(), n_reviews, missing)
    });
    stop_server(&mut server);

    let errors = tally.errors.lock().unwrap().clone();
    let n_errors: u64 = errors.values().sum();
    println!("errors other than shedding and cancellation: {n_errors}");
    for (what, n) in &errors {
        println!("  {n} x {what}");
    }
    println!(
        "acknowledged writes after a restart: {n_articles} articles and {n_reviews} reviews checked, {} missing",
        missing.len()
    );
    for what in missing.iter().take(20) {
        println!("  missing: {what}");
    }
    if n_errors > 0 || !missing.is_empty() {
        std::process::exit(1);
    }
}

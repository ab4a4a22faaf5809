//! A server killed with SIGKILL in the middle of an import loses nothing it answered and keeps
//! nothing half-written: importing again gives every article exactly once. See: #5

use std::path::Path;
use std::process::Child;

use claimdb::api::pb;
use claimdb::ingest;
use claimdb::model::ArticleMetadata;
use pb::import_item_result::Outcome;
use tokio_stream::StreamExt;

use crate::import::generated_body;
use crate::support::{Bearer, process};

const N_ARTICLES: usize = 3000;
/// The server is killed once this many articles have been answered.
const KILL_AFTER: usize = 400;

/// A `claimdb serve` process on `db`, ready for calls.
struct ServerProcess {
    child: Child,
    addr: String,
}

/// Starts `claimdb serve` (see `support::process`); on a first start
/// (`fresh`) it returns the admin token the server prints.
fn start_server(db: &Path, fresh: bool) -> (ServerProcess, Option<String>) {
    let (child, addr, token) = process::start_server(db, fresh);
    (ServerProcess { child, addr }, token)
}

impl ServerProcess {
    async fn client(
        &self,
        token: &str,
    ) -> pb::article_service_client::ArticleServiceClient<crate::support::Authed> {
        let channel = tonic::transport::Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        pb::article_service_client::ArticleServiceClient::with_interceptor(channel, Bearer::new(token))
    }

    /// SIGKILL: no shutdown, no flush, as in a power cut of the process.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

fn requests() -> Vec<pb::ImportArticlesRequest> {
    (0..N_ARTICLES)
        .map(|n| pb::ImportArticlesRequest {
            item_id: n.to_string(),
            article: Some(pb::Article {
                body: generated_body(n),
                ..Default::default()
            }),
            dry_run: false,
        })
        .collect()
}

#[tokio::test]
async fn a_killed_import_resumes_with_every_article_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite");
    let (server, token) = tokio::task::spawn_blocking({
        let db = db.clone();
        move || start_server(&db, true)
    })
    .await
    .unwrap();
    let token = token.expect("a first start prints an admin token");

    // Import, and kill the server once part of it has been answered.
    let mut client = server.client(&token).await;
    let mut answers = client
        .import_articles(tokio_stream::iter(requests()))
        .await
        .unwrap()
        .into_inner();
    let mut answered = Vec::new();
    while answered.len() < KILL_AFTER {
        match answers.next().await.unwrap().unwrap().response.unwrap() {
            pb::import_articles_response::Response::Item(item) => answered.push(item),
            pb::import_articles_response::Response::Summary(_) => panic!("the import ended before the kill"),
        }
    }
    server.kill();
    // The rest of the stream fails rather than pretending to succeed.
    let mut n_after_kill = 0;
    let mut broke = false;
    while let Some(answer) = answers.next().await {
        match answer {
            Ok(answer) => {
                assert!(
                    matches!(
                        answer.response,
                        Some(pb::import_articles_response::Response::Item(_))
                    ),
                    "no summary after a kill"
                );
                n_after_kill += 1;
            }
            Err(_) => {
                broke = true;
                break;
            }
        }
    }
    assert!(broke, "the stream broke");
    assert!(KILL_AFTER + n_after_kill < N_ARTICLES, "the kill came mid-import");
    assert!(answered.iter().all(|item| item.outcome() == Outcome::Created));

    // Restart and import everything again.
    let (server, _) = tokio::task::spawn_blocking({
        let db = db.clone();
        move || start_server(&db, false)
    })
    .await
    .unwrap();
    let mut client = server.client(&token).await;
    let mut again = client
        .import_articles(tokio_stream::iter(requests()))
        .await
        .unwrap()
        .into_inner();
    let mut items = Vec::new();
    let mut summary = None;
    while let Some(answer) = again.next().await {
        match answer.unwrap().response.unwrap() {
            pb::import_articles_response::Response::Item(item) => items.push(item),
            pb::import_articles_response::Response::Summary(last) => summary = Some(last),
        }
    }
    let summary = summary.unwrap();
    assert_eq!(items.len(), N_ARTICLES);
    assert_eq!(summary.failed + summary.invalid, 0);
    assert_eq!(summary.created + summary.already_exists, N_ARTICLES as i64);
    assert!(
        summary.already_exists >= KILL_AFTER as i64,
        "what was answered was kept"
    );
    for before in &answered {
        let after = &items[before.item_id.parse::<usize>().unwrap()];
        assert_eq!(after.outcome(), Outcome::AlreadyExists);
        assert_eq!(after.article, before.article, "the same article, not a copy");
    }
    server.kill();

    // The database: each article once, every claim with its article, and
    // nothing torn.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM articles"), N_ARTICLES as i64);
    assert_eq!(
        count("SELECT count(DISTINCT sha256) FROM articles"),
        N_ARTICLES as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM claims WHERE article_id NOT IN (SELECT id FROM articles)"),
        0,
        "no claim without its article"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM articles a WHERE claim_count != \
             (SELECT count(*) FROM claims c WHERE c.article_id = a.id)"
        ),
        0,
        "no article with part of its claims"
    );
    let expected_claims: i64 = (0..N_ARTICLES)
        .map(|n| {
            ingest::prepare_article(generated_body(n), ArticleMetadata::default())
                .article
                .claims
                .len() as i64
        })
        .sum();
    assert_eq!(count("SELECT count(*) FROM claims"), expected_claims);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let n_foreign_key_problems = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |_| Ok(()))
        .unwrap()
        .count();
    assert_eq!(n_foreign_key_problems, 0);
}

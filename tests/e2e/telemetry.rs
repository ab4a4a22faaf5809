//! What an operator watches (issue 14): the Prometheus endpoint of `--metrics-addr`, and
//! `--log-format json` with one line per call at debug level, from the real binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use claimdb::api::pb;
use claimdb::api::pb::article_service_client::ArticleServiceClient;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use crate::support::Bearer;
use crate::support::http::http;
use crate::support::process::start_server_reporting;

async fn channel(addr: &str) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// Makes the calls both tests look for: two GetArticle of an article that
/// does not exist, one ListArticles that succeeds, and one GetClaim without
/// a token (refused by the auth layer, before any handler).
async fn make_calls(addr: &str, token: &str) {
    let mut articles = ArticleServiceClient::with_interceptor(channel(addr).await, Bearer::new(token));
    for _ in 0..2 {
        let missing = articles
            .get_article(pb::GetArticleRequest {
                name: "articles/999".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(missing.code(), Code::NotFound, "{missing:?}");
    }
    articles
        .list_articles(pb::ListArticlesRequest::default())
        .await
        .unwrap();
    let unauthenticated = ClaimServiceClient::new(channel(addr).await)
        .get_claim(pb::GetClaimRequest {
            name: "claims/1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unauthenticated.code(), Code::Unauthenticated);
}

/// `GET path` over plain HTTP/1.1: the status line and the body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    let answer = http(addr, "GET", path, &[], b"");
    (answer.status_line, String::from_utf8(answer.body).unwrap())
}

/// The value of the sample named `series` (name and labels, as printed).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

// See: #14 (metrics).
#[tokio::test]
async fn the_metrics_endpoint_counts_calls_by_method_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite");
    let (mut server, addr, token, serving_line) =
        start_server_reporting(&db, true, &["--metrics-addr", "127.0.0.1:0"]);
    let metrics_addr = serving_line
        .split_once("metrics_addr=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(metrics_addr, _)| metrics_addr.to_owned())
        .unwrap_or_else(|| panic!("no metrics address in {serving_line:?}"));
    make_calls(&addr, &token.unwrap()).await;

    let (status, metrics) = tokio::task::spawn_blocking({
        let metrics_addr = metrics_addr.clone();
        move || http_get(&metrics_addr, "/metrics")
    })
    .await
    .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(status, "HTTP/1.1 200 OK");
    let get_article = "claimdb.v1.ArticleService/GetArticle";
    let expected = [
        (
            format!("claimdb_requests_total{{method=\"{get_article}\",code=\"NOT_FOUND\"}}"),
            2.0,
        ),
        (
            "claimdb_requests_total{method=\"claimdb.v1.ArticleService/ListArticles\",code=\"OK\"}"
                .to_owned(),
            1.0,
        ),
        (
            "claimdb_requests_total{method=\"claimdb.v1.ClaimService/GetClaim\",code=\"UNAUTHENTICATED\"}"
                .to_owned(),
            1.0,
        ),
        (
            format!("claimdb_request_duration_seconds_count{{method=\"{get_article}\"}}"),
            2.0,
        ),
        ("claimdb_requests_in_flight".to_owned(), 0.0),
        ("claimdb_requests_shed_total".to_owned(), 0.0),
        ("claimdb_writer_queue_depth".to_owned(), 0.0),
    ];
    for (series, value) in expected {
        assert_eq!(sample(&metrics, &series), Some(value), "{series} in\n{metrics}");
    }
    // A GetArticle that succeeded was never counted.
    assert_eq!(
        sample(
            &metrics,
            &format!("claimdb_requests_total{{method=\"{get_article}\",code=\"OK\"}}")
        ),
        None
    );
    let database_bytes = sample(&metrics, "claimdb_database_size_bytes{file=\"main\"}").unwrap();
    assert!(database_bytes >= 4096.0, "{metrics}");
    assert!(metrics.ends_with("# EOF\n"), "{metrics}");
}

// See: #14 (metrics).
#[test]
fn the_metrics_listener_serves_only_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite");
    let (mut server, _addr, _token, serving_line) =
        start_server_reporting(&db, true, &["--metrics-addr", "127.0.0.1:0"]);
    let metrics_addr = serving_line
        .split_once("metrics_addr=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(metrics_addr, _)| metrics_addr.to_owned())
        .unwrap();
    let (not_found, _) = http_get(&metrics_addr, "/");
    let (metrics, _) = http_get(&metrics_addr, "/metrics");
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(not_found, "HTTP/1.1 404 Not Found");
    assert_eq!(metrics, "HTTP/1.1 200 OK");
}

// See: #14 (structured logs).
#[cfg(unix)]
#[tokio::test]
async fn json_logs_are_one_object_per_line_with_a_line_per_call() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite");
    let mut server = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["serve", "--db", db.to_str().unwrap(), "--addr", "127.0.0.1:0"])
        .args(["--log-format", "json", "--shutdown-grace", "1"])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let token = BufReader::new(server.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|line| line.starts_with(claimdb::auth::TOKEN_PREFIX))
        .expect("the first admin token");
    // Every line is kept for the end; the address comes from the line that
    // says the server serves (it was given port 0).
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let stderr = server.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let addr = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the server logs that it serves");
        let parsed: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line}"));
        seen.push(line);
        if parsed["message"] == "claimdb serving" {
            break parsed["addr"].as_str().unwrap().to_owned();
        }
    };
    make_calls(&addr, &token).await;
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let status = tokio::task::spawn_blocking(move || server.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    // The reader ends at the end of the server's standard error.
    seen.extend(lines.iter());

    let events: Vec<serde_json::Value> = seen
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect();
    assert!(
        events
            .iter()
            .all(|event| event.is_object() && event["level"].is_string())
    );
    let calls: Vec<&serde_json::Value> = events
        .iter()
        .filter(|event| event["message"] == "call finished")
        .collect();
    let not_found: Vec<_> = calls
        .iter()
        .filter(|call| {
            call["method"] == "claimdb.v1.ArticleService/GetArticle" && call["code"] == "NOT_FOUND"
        })
        .collect();
    assert_eq!(not_found.len(), 2, "{calls:?}");
    for call in &not_found {
        assert_eq!(call["level"], "DEBUG");
        assert!(call["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{call}");
        assert!(call["peer"].as_str().unwrap().starts_with("127.0.0.1:"), "{call}");
    }
    assert!(
        calls
            .iter()
            .any(|call| call["method"] == "claimdb.v1.ClaimService/GetClaim"
                && call["code"] == "UNAUTHENTICATED"),
        "{calls:?}"
    );
    assert!(events.iter().any(|event| event["message"] == "claimdb stopped"));
}

//! Batch import over `ImportArticles` and `claimdb import`: per-item outcomes, idempotence,
//! dry runs, and claim counts that match a direct extraction. See: #5

use std::process::{Command, Output};

use claimdb::api::pb;
use claimdb::ingest;
use claimdb::model::ArticleMetadata;
use pb::import_item_result::Outcome;

use crate::support::{Authed, MISSION_ARTICLE, spawn_server};

type ArticleClient = pb::article_service_client::ArticleServiceClient<Authed>;

fn request(item_id: &str, body: &str, dry_run: bool) -> pb::ImportArticlesRequest {
    pb::ImportArticlesRequest {
        item_id: item_id.to_owned(),
        article: Some(pb::Article {
            body: body.to_owned(),
            ..Default::default()
        }),
        dry_run,
    }
}

/// A small article of its own for each `n`, with checkable sentences.
pub fn generated_body(n: usize) -> String {
    format!(
        "The council of district {n} approved a budget of {n} million euros on Monday. \
         The mayor said spending on its {n} schools would rise by 8% next year.\n"
    )
}

/// Sends `requests` in one stream and returns the item results and the summary.
async fn import(
    client: &mut ArticleClient,
    requests: Vec<pb::ImportArticlesRequest>,
) -> Result<(Vec<pb::ImportItemResult>, pb::ImportSummary), tonic::Status> {
    let mut answers = client
        .import_articles(tokio_stream::iter(requests))
        .await?
        .into_inner();
    let mut items = Vec::new();
    let mut summary = None;
    while let Some(answer) = answers.message().await? {
        match answer.response.unwrap() {
            pb::import_articles_response::Response::Item(item) => {
                assert!(summary.is_none(), "the summary comes last");
                items.push(item);
            }
            pb::import_articles_response::Response::Summary(last) => summary = Some(last),
        }
    }
    Ok((items, summary.expect("a summary ends the stream")))
}

async fn n_articles(client: &mut ArticleClient) -> usize {
    let mut n = 0;
    let mut page_token = String::new();
    loop {
        let page = client
            .list_articles(pb::ListArticlesRequest {
                page_size: 1000,
                page_token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        n += page.articles.len();
        if page.next_page_token.is_empty() {
            return n;
        }
        page_token = page.next_page_token;
    }
}

fn direct_claim_count(body: &str, given: ArticleMetadata) -> i32 {
    ingest::prepare_article(body.to_owned(), given)
        .article
        .claims
        .len() as i32
}

#[tokio::test]
async fn each_item_gets_its_own_outcome_and_a_bad_one_aborts_nothing() {
    let server = spawn_server().await;
    let mut client = server.articles(Some(&server.admin)).await;
    let valid = generated_body(1);
    let mut bad_url = request("bad-url", &generated_body(2), false);
    bad_url.article.as_mut().unwrap().source_url = "not a url".into();
    let mut bad_date = request("bad-date", &generated_body(3), false);
    bad_date.article.as_mut().unwrap().published_date = "2021-02-30".into();
    let mut requests = vec![
        request("valid", &valid, false),
        request("empty", "  \n", false),
        bad_url,
        pb::ImportArticlesRequest {
            item_id: "no-article".into(),
            article: None,
            dry_run: false,
        },
        request("repeat", &valid, false),
        bad_date,
        request("mission", MISSION_ARTICLE, false),
    ];
    requests[6].article.as_mut().unwrap().publisher = "Wire Service".into();
    let (items, summary) = import(&mut client, requests).await.unwrap();

    let ids: Vec<_> = items.iter().map(|item| item.item_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "valid",
            "empty",
            "bad-url",
            "no-article",
            "repeat",
            "bad-date",
            "mission"
        ],
        "answers come in the order sent"
    );
    let outcomes: Vec<_> = items.iter().map(|item| item.outcome()).collect();
    use Outcome::*;
    assert_eq!(
        outcomes,
        [
            Created,
            Invalid,
            Invalid,
            Invalid,
            AlreadyExists,
            Invalid,
            Created
        ]
    );
    assert!(
        items[1].reason.starts_with("article.body "),
        "{}",
        items[1].reason
    );
    assert!(
        items[2].reason.starts_with("article.source_url "),
        "{}",
        items[2].reason
    );
    assert!(items[3].reason.starts_with("article "), "{}", items[3].reason);
    assert!(
        items[5].reason.starts_with("article.published_date "),
        "{}",
        items[5].reason
    );
    assert_eq!(items[4].article, items[0].article, "a repeat names the first");
    assert!(items[0].article.starts_with("articles/"));

    // The claim counts are those of a direct extraction, and what is stored.
    assert_eq!(
        items[0].claim_count,
        direct_claim_count(&valid, ArticleMetadata::default())
    );
    let mission_given = ArticleMetadata {
        publisher: Some("Wire Service".into()),
        ..Default::default()
    };
    assert_eq!(
        items[6].claim_count,
        direct_claim_count(MISSION_ARTICLE, mission_given)
    );
    assert_eq!(
        items[6].claim_count, 30,
        "the golden count of the mission article"
    );
    let stored = client
        .get_article(pb::GetArticleRequest {
            name: items[6].article.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.claim_count, 30);
    assert_eq!(stored.publisher, "Wire Service");
    let mut claims = server.claims(Some(&server.admin)).await;
    let listed = claims
        .list_claims(pb::ListClaimsRequest {
            article: items[6].article.clone(),
            page_size: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .claims;
    assert_eq!(listed.len(), 30);
    assert!(listed.iter().all(|claim| !claim.speaker.is_empty()));

    assert_eq!(summary.received, 7);
    assert_eq!(summary.created, 2);
    assert_eq!(summary.already_exists, 1);
    assert_eq!(summary.invalid, 4);
    assert_eq!(summary.failed, 0);
    assert_eq!(
        summary.claims_created,
        i64::from(items[0].claim_count + items[6].claim_count)
    );
    assert!(!summary.dry_run);
    assert_eq!(n_articles(&mut client).await, 2);
    server.stop().await;
}

#[tokio::test]
async fn importing_the_same_articles_again_writes_nothing() {
    let server = spawn_server().await;
    let mut client = server.articles(Some(&server.admin)).await;
    // More than one batch's worth, so that repeats are found across batches.
    let requests: Vec<_> = (0..700)
        .map(|n| request(&format!("item-{n}"), &generated_body(n), false))
        .collect();
    let (first, first_summary) = import(&mut client, requests.clone()).await.unwrap();
    assert_eq!(first_summary.created, 700);
    let expected_claims: i64 = (0..700)
        .map(|n| i64::from(direct_claim_count(&generated_body(n), ArticleMetadata::default())))
        .sum();
    assert_eq!(first_summary.claims_created, expected_claims);
    assert!(first.iter().all(|item| item.outcome() == Outcome::Created));

    let (again, again_summary) = import(&mut client, requests).await.unwrap();
    assert_eq!(again_summary.created, 0);
    assert_eq!(again_summary.already_exists, 700);
    assert_eq!(again_summary.claims_created, 0);
    for (before, after) in first.iter().zip(&again) {
        assert_eq!(after.outcome(), Outcome::AlreadyExists);
        assert_eq!(after.item_id, before.item_id);
        assert_eq!(after.article, before.article);
        assert_eq!(after.claim_count, before.claim_count);
    }
    assert_eq!(n_articles(&mut client).await, 700);
    server.stop().await;
}

#[tokio::test]
async fn a_dry_run_checks_and_extracts_but_stores_nothing() {
    let server = spawn_server().await;
    let mut client = server.articles(Some(&server.admin)).await;
    let requests = |dry_run| {
        vec![
            request("a", &generated_body(1), dry_run),
            request("b", &generated_body(2), dry_run),
            request("a-again", &generated_body(1), dry_run),
            request("empty", "", dry_run),
        ]
    };
    let (items, summary) = import(&mut client, requests(true)).await.unwrap();
    let outcomes: Vec<_> = items.iter().map(|item| item.outcome()).collect();
    use Outcome::*;
    assert_eq!(outcomes, [Created, Created, AlreadyExists, Invalid]);
    assert!(
        items.iter().all(|item| item.article.is_empty()),
        "nothing has a name"
    );
    assert_eq!(
        items[0].claim_count,
        direct_claim_count(&generated_body(1), ArticleMetadata::default())
    );
    assert!(summary.dry_run);
    assert_eq!(summary.created, 2);
    assert_eq!(n_articles(&mut client).await, 0, "nothing was stored");

    // Once stored, a dry run finds them.
    let (_, stored) = import(&mut client, requests(false)).await.unwrap();
    assert_eq!(stored.created, 2);
    let (items, summary) = import(&mut client, requests(true)).await.unwrap();
    assert_eq!(summary.already_exists, 3);
    assert!(items[0].article.starts_with("articles/"));
    assert_eq!(n_articles(&mut client).await, 2);
    server.stop().await;
}

#[tokio::test]
async fn only_admins_may_import_and_the_whole_call_is_refused_otherwise() {
    let server = spawn_server().await;
    for (token, code) in [
        (None, tonic::Code::Unauthenticated),
        (Some(&server.reviewer), tonic::Code::PermissionDenied),
        (Some(&server.reader), tonic::Code::PermissionDenied),
    ] {
        let mut client = server.articles(token.map(String::as_str)).await;
        let status = import(&mut client, vec![request("a", &generated_body(1), false)])
            .await
            .unwrap_err();
        assert_eq!(status.code(), code);
    }
    let mut admin = server.articles(Some(&server.admin)).await;
    assert_eq!(n_articles(&mut admin).await, 0);
    server.stop().await;
}

const WIRE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import/wire.jsonl");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import/dir");

/// Runs `claimdb import` off the async runtime, so the server keeps serving.
async fn claimdb_import(args: &[&str], token: &str) -> Output {
    let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
    let token = token.to_owned();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .arg("import")
            .args(args)
            .env("CLAIMDB_TOKEN", token)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn the_cli_imports_files_and_directories_and_reports_what_it_refused() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();

    // A dry run first: what would happen, and nothing stored.
    let dry = claimdb_import(&[WIRE, DIR, "--addr", &addr, "--dry-run"], &server.admin).await;
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(
        text.starts_with("Dry run, nothing stored: 9 items, 4 would be created"),
        "{text}"
    );
    let mut client = server.articles(Some(&server.admin)).await;
    assert_eq!(n_articles(&mut client).await, 0);

    let output = claimdb_import(&[WIRE, DIR, "--addr", &addr, "--json"], &server.admin).await;
    assert!(!output.status.success(), "refused input fails the command");
    assert!(String::from_utf8_lossy(&output.stderr).contains("4 input items were not imported"));
    let lines = json_lines(&output);
    // The stream's messages in canonical JSON: 64-bit counts as strings,
    // false left out.
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["created"], "4", "{summary}");
    assert_eq!(summary["alreadyExists"], "1");
    assert_eq!(summary["invalid"], "4");
    // One count of items, whose parts add up to it. See: #16.
    assert_eq!(summary["received"], "9");
    // Every item where it stands in the input, the ones the client could
    // not read (lines 3 and 6) included. See: #16.
    let wire_lines: Vec<String> = lines
        .iter()
        .filter_map(|line| line["item"]["itemId"].as_str())
        .filter_map(|id| id.split("wire.jsonl:").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().to_owned())
        .collect();
    assert_eq!(wire_lines, ["1", "2", "3", "4", "5", "6", "7"]);
    assert!(summary.get("dryRun").is_none());
    let outcome_of = |suffix: &str| {
        lines
            .iter()
            .map(|line| &line["item"])
            .find(|item| item["itemId"].as_str().is_some_and(|id| id.ends_with(suffix)))
            .unwrap_or_else(|| panic!("no line for {suffix}"))
            .clone()
    };
    assert_eq!(outcome_of("wire.jsonl:1 (w-1)")["outcome"], "CREATED");
    assert_eq!(outcome_of("wire.jsonl:5 (w-5)")["outcome"], "ALREADY_EXISTS");
    let not_json = outcome_of("wire.jsonl:3");
    assert_eq!(not_json["outcome"], "INVALID");
    assert!(not_json["reason"].as_str().unwrap().contains("not a JSON"));
    let bad_date = outcome_of("wire.jsonl:4 (w-4)");
    assert!(
        bad_date["reason"]
            .as_str()
            .unwrap()
            .starts_with("article.published_date")
    );
    assert!(outcome_of("wire.jsonl:6").is_object());
    let bad_url = outcome_of("wire.jsonl:7 (w-7)");
    assert!(
        bad_url["reason"]
            .as_str()
            .unwrap()
            .starts_with("article.source_url")
    );
    assert_eq!(outcome_of("dir/a.txt")["outcome"], "CREATED");
    assert_eq!(outcome_of("dir/nested/b.txt")["outcome"], "CREATED");
    assert!(lines.iter().all(|line| !line.to_string().contains("README")));

    // What was given in the file wins over what is parsed, and the header
    // of a text file is parsed.
    let first = client
        .get_article(pb::GetArticleRequest {
            name: outcome_of("wire.jsonl:1 (w-1)")["article"]
                .as_str()
                .unwrap()
                .into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.publisher, "The Gazette");
    assert_eq!(first.published_date, "2021-03-04");
    assert_eq!(first.source_url, "https://gazette.example/budget");
    let lisbon = client
        .get_article(pb::GetArticleRequest {
            name: outcome_of("dir/a.txt")["article"].as_str().unwrap().into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(lisbon.dateline, "LISBON");
    assert_eq!(lisbon.credit, "REUTERS");

    // Running it again stores nothing and says so.
    let again = claimdb_import(&[WIRE, DIR, "--addr", &addr], &server.admin).await;
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(
        text.starts_with("Imported 9 items: 0 created (0 claims), 5 already there, 4 invalid, 0 failed"),
        "{text}"
    );
    assert!(
        text.contains("wire.jsonl:3: is not a JSON article object"),
        "{text}"
    );
    assert!(text.contains("wire.jsonl:6: has neither"), "{text}");
    let refused_at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle}: {text}"));
    assert!(
        refused_at("wire.jsonl:3:") < refused_at("wire.jsonl:4 (w-4):")
            && refused_at("wire.jsonl:4 (w-4):") < refused_at("wire.jsonl:6:")
            && refused_at("wire.jsonl:6:") < refused_at("wire.jsonl:7 (w-7):"),
        "refusals in input order: {text}"
    );
    assert_eq!(n_articles(&mut client).await, 4);

    // Standard input, as JSON lines by default.
    let stdin = tokio::task::spawn_blocking({
        let token = server.admin.clone();
        let addr = addr.clone();
        move || {
            use std::io::Write;
            let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
                .args(["import", "-", "--addr", &addr, "--json"])
                .env("CLAIMDB_TOKEN", token)
                .env("RUST_LOG", "warn")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let line = serde_json::json!({"text": generated_body(99), "id": 99});
            writeln!(child.stdin.take().unwrap(), "{line}").unwrap();
            child.wait_with_output().unwrap()
        }
    })
    .await
    .unwrap();
    assert!(stdin.status.success());
    let lines = json_lines(&stdin);
    assert_eq!(lines[0]["item"]["itemId"], "-:1 (99)");
    assert_eq!(lines[0]["item"]["outcome"], "CREATED");
    server.stop().await;
}

#[tokio::test]
async fn imported_claims_are_announced_to_watchers_and_audited() {
    let server = spawn_server().await;
    let mut watch = server
        .claims(Some(&server.reader))
        .await
        .watch_claims(pb::WatchClaimsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut client = server.articles(Some(&server.admin)).await;
    let (items, summary) = import(&mut client, vec![request("one", &generated_body(7), false)])
        .await
        .unwrap();
    assert_eq!(summary.created, 1);
    let n_claims = items[0].claim_count as usize;
    assert!(n_claims > 0);
    for _ in 0..n_claims {
        let event = watch.message().await.unwrap().unwrap();
        assert_eq!(event.r#type(), pb::claim_event::Type::Created);
        assert_eq!(event.actor, "test-admin");
        assert_eq!(event.claim.unwrap().article, items[0].article);
    }
    let audit = server
        .reviews(Some(&server.admin))
        .await
        .list_audit_events(pb::ListAuditEventsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(
        audit
            .events
            .iter()
            .any(|event| event.method == "ImportArticles" && event.resource == items[0].article),
        "{:?}",
        audit.events
    );
    server.stop().await;
}

/// A `.jsonl` file of `n` generated articles in a temporary folder.
fn generated_jsonl(n: usize) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.jsonl");
    let lines: String = (0..n)
        .map(|i| format!("{}\n", serde_json::json!({"id": i, "text": generated_body(i)})))
        .collect();
    std::fs::write(&path, lines).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

// See: #16 (progress output must never reach a pipe, a file or a CI log).
#[tokio::test]
async fn with_stderr_not_a_terminal_no_progress_output_appears() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let (_dir, path) = generated_jsonl(300);
    // `output()` makes standard error a pipe.
    let output = claimdb_import(&[&path, "--addr", &addr], &server.admin).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "stderr: {:?}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("Imported 300 items: 300 created"), "{stdout}");
    assert!(!stdout.contains('\r') && !stdout.contains('\x1b'), "{stdout:?}");
}

/// Runs `command` under a pseudo-terminal of 80 columns (util-linux
/// `script`) and returns everything the terminal received.
fn on_a_terminal(command: &str, token: &str) -> Vec<u8> {
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command"])
        .arg(format!("stty cols 80 rows 24; {command}"))
        .arg("/dev/null")
        .env("CLAIMDB_TOKEN", token)
        .env("RUST_LOG", "warn")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    output.stdout
}

/// Each line a terminal shows of `raw`, escape sequences removed: split at
/// line feeds and carriage returns, as the terminal moves its cursor.
fn drawn_lines(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters final-byte.
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if next.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        plain.push(c);
    }
    plain
        .split(['\r', '\n'])
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

// See: #16 (the bar padded to 160 columns and wrapped in an 80-column terminal).
#[tokio::test]
async fn on_a_terminal_the_bar_is_drawn_within_its_width() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let (_dir, path) = generated_jsonl(2000);
    let command = format!(
        "'{}' import '{path}' --addr {addr}",
        env!("CARGO_BIN_EXE_claimdb")
    );
    let token = server.admin.clone();
    let raw = tokio::task::spawn_blocking(move || on_a_terminal(&command, &token))
        .await
        .unwrap();
    let lines = drawn_lines(&raw);
    let bars: Vec<&String> = lines
        .iter()
        .filter(|line| line.contains("items") && line.contains('%'))
        .collect();
    assert!(!bars.is_empty(), "no bar was drawn: {lines:?}");
    for bar in &bars {
        assert!(bar.chars().count() <= 80, "wider than the terminal: {bar:?}");
    }
    assert!(
        lines.iter().any(|line| line.starts_with("Imported 2000 items")),
        "{lines:?}"
    );
}

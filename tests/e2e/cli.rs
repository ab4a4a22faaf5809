//! The `claimdb` command: local extraction, tokens, and the client subcommands against a server.

use std::process::{Command, Output};

use claimdb::api::pb;
use claimdb::model::Role;
use tonic::Code;

use crate::support::spawn_server;

const MISSION_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/extract/2022-01-01-biden-putin-call.txt"
);

/// Runs `claimdb` off the async runtime, so the server in this test keeps serving.
async fn claimdb(args: Vec<String>, envs: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(args)
            .env_remove("CLAIMDB_TOKEN")
            .envs(envs)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| arg.to_string()).collect()
}

fn stdout_json_lines(output: &Output) -> Vec<serde_json::Value> {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn extract_prints_claims_as_json_lines_without_a_server() {
    let output = claimdb(strings(&["extract", MISSION_PATH]), vec![]).await;
    let claims = stdout_json_lines(&output);
    assert_eq!(claims.len(), 30);
    let denial = claims
        .iter()
        .find(|claim| claim["text"] == "Russia denies planning to attack Ukraine.")
        .expect("the denial is a claim");
    assert_eq!(denial["kind"], "STATEMENT");
    // The proto's canonical JSON: nested messages, lowerCamelCase names.
    assert_eq!(denial["stance"]["verb"], "denies");
    assert_eq!(denial["stance"]["polarity"], "DENIES");
    assert_eq!(denial["content"], "Planning to attack Ukraine.");
    assert_eq!(denial["rewrites"][0]["rule"], "metonym");
    assert_eq!(denial["checkable"], true);
    let body = std::fs::read_to_string(MISSION_PATH).unwrap();
    for claim in &claims {
        let [start, end] = ["start", "end"].map(|key| claim["span"][key].as_u64().unwrap() as usize);
        assert_eq!(body[start..end], *claim["sentence"].as_str().unwrap());
    }
}

#[tokio::test]
async fn the_client_subcommands_store_and_list_through_the_server() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let env = vec![("CLAIMDB_TOKEN", server.admin.clone())];

    let created = claimdb(
        strings(&["articles", "create", MISSION_PATH, "--addr", &addr, "--json"]),
        env.clone(),
    )
    .await;
    // One line: the CreateArticleResponse, as any gRPC client prints it
    // (alreadyExists false is the default, so it is left out).
    let lines = stdout_json_lines(&created);
    assert_eq!(lines.len(), 1);
    let response = &lines[0];
    assert!(response.get("alreadyExists").is_none(), "{response}");
    let article = &response["article"];
    assert_eq!(article["dateline"], "WILMINGTON/MOSCOW");
    let name = article["name"].as_str().unwrap().to_owned();
    let n_claims = response["claims"].as_array().unwrap().len();
    assert_eq!(article["claimCount"].as_u64().unwrap() as usize, n_claims);

    let listed = claimdb(
        strings(&[
            "claims",
            "list",
            "--article",
            &name,
            "--page-size",
            "7",
            "--addr",
            &addr,
            "--json",
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(
        stdout_json_lines(&listed).len(),
        n_claims,
        "all pages are followed"
    );

    let shown = claimdb(
        strings(&["claims", "show", "claims/1", "--addr", &addr]),
        env.clone(),
    )
    .await;
    assert!(shown.status.success());
    assert!(String::from_utf8_lossy(&shown.stdout).contains("speaker"));

    // Without a token the server refuses, and the CLI says why.
    let refused = claimdb(strings(&["articles", "list", "--addr", &addr]), vec![]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Unauthenticated"));
    server.stop().await;
}

#[tokio::test]
async fn token_create_prints_a_token_that_the_database_knows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claimdb.sqlite").display().to_string();
    // The database a server made (`serve` is the one command that creates one).
    drop(claimdb::store::SqliteStore::open(std::path::Path::new(&db)).unwrap());
    let output = claimdb(
        strings(&[
            "token", "create", "--role", "reviewer", "--name", "alice", "--db", &db,
        ]),
        vec![],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("cdb_"));
    let store = claimdb::store::SqliteStore::open(std::path::Path::new(&db)).unwrap();
    use claimdb::store::Store;
    let principal = store
        .find_token(claimdb::auth::token_sha256(&token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(principal.name, "alice");
    assert_eq!(principal.role, claimdb::model::Role::Reviewer);

    let refused = claimdb(
        strings(&["token", "create", "--role", "root", "--db", &db]),
        vec![],
    )
    .await;
    assert!(!refused.status.success());
}

// See: #16 (`token create` on a wrong path made a new database and a token no server knew).
#[tokio::test]
async fn commands_on_a_database_refuse_a_missing_one_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nowhere.sqlite").display().to_string();
    let copy = dir.path().join("copy.sqlite").display().to_string();
    for args in [
        vec!["token", "create", "--role", "reviewer", "--db", &db],
        vec!["token", "list", "--db", &db],
        vec!["token", "revoke", "1", "--db", &db],
        vec!["check", "--db", &db],
        vec!["backup", "--db", &db, &copy],
    ] {
        let output = claimdb(strings(&args), vec![]).await;
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("no database at {db}")),
            "{args:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?} printed no token");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{args:?} created {left:?}");
    }
}

#[tokio::test]
async fn a_revoked_token_stops_working_on_a_running_server() {
    let server = spawn_server().await;
    let db = server._dir.path().join("claimdb.sqlite").display().to_string();
    let alice = server.token(Role::Reviewer, "alice").await;
    let mut claims = server.claims(Some(&alice)).await;
    claims
        .list_claims(pb::ListClaimsRequest::default())
        .await
        .unwrap();

    // The server made admin, reviewer and reader tokens (1 to 3); alice's is 4.
    let listed = claimdb(strings(&["token", "list", "--db", &db]), vec![]).await;
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let alice_line = listed.lines().find(|line| line.contains("alice")).unwrap();
    assert!(alice_line.starts_with("4 "), "{listed}");
    assert!(alice_line.ends_with(" -"), "not revoked yet: {listed}");
    assert!(!listed.contains("cdb_"), "no secrets listed: {listed}");

    let revoked = claimdb(strings(&["token", "revoke", "4", "--db", &db]), vec![]).await;
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    let status = claims
        .list_claims(pb::ListClaimsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    // The other tokens still work; revoking twice, or an unknown id, fails.
    server
        .claims(Some(&server.reader))
        .await
        .list_claims(pb::ListClaimsRequest::default())
        .await
        .unwrap();
    for id in ["4", "99"] {
        let again = claimdb(strings(&["token", "revoke", id, "--db", &db]), vec![]).await;
        assert!(!again.status.success(), "revoke {id}");
    }
    let listed = claimdb(strings(&["token", "list", "--db", &db]), vec![]).await;
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let alice_line = listed.lines().find(|line| line.contains("alice")).unwrap();
    assert!(!alice_line.ends_with(" -"), "revoked: {listed}");
    server.stop().await;
}

// See: #16. GetClaim reads the token and the claim on the calling thread
// (point reads, no blocking-pool trip); revocation by another process
// still holds from the very next call.
#[tokio::test]
async fn get_claim_refuses_a_token_from_the_call_after_its_revocation() {
    let server = spawn_server().await;
    server.load_claims(1, 3).await;
    let db = server._dir.path().join("claimdb.sqlite").display().to_string();
    let bob = server.token(Role::Reader, "bob").await;
    let mut claims = server.claims(Some(&bob)).await;
    let get = || pb::GetClaimRequest {
        name: "claims/2".into(),
    };
    for _ in 0..50 {
        let claim = claims.get_claim(get()).await.unwrap().into_inner();
        assert_eq!(claim.name, "claims/2");
    }
    // The server made tokens 1 to 3; bob's is 4.
    let revoked = claimdb(strings(&["token", "revoke", "4", "--db", &db]), vec![]).await;
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    let status = claims.get_claim(get()).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    // Unknown stays unknown, on the same connection, call after call.
    for _ in 0..5 {
        let status = claims.get_claim(get()).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated);
    }
    server
        .claims(Some(&server.reader))
        .await
        .get_claim(get())
        .await
        .unwrap();
    server.stop().await;
}

#[test]
fn log_lines_written_to_a_file_carry_no_colour_codes() {
    // See: #16. Standard error is a file here, and NO_COLOR is not set.
    let dir = tempfile::tempdir().unwrap();
    let (vclaims, queries, qrels) = (dir.path().join("v"), dir.path().join("q"), dir.path().join("r"));
    std::fs::write(
        &vclaims,
        "{\"vclaim_id\": \"v1\", \"vclaim\": \"The moon is cheese.\"}\n",
    )
    .unwrap();
    std::fs::write(&queries, "q1\tIs the moon cheese?\n").unwrap();
    std::fs::write(&qrels, "q1\t0\tv1\t1\n").unwrap();
    let log = dir.path().join("log");
    let status = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["eval", "matching", "--vclaims", vclaims.to_str().unwrap()])
        .args([
            "--queries",
            queries.to_str().unwrap(),
            "--qrels",
            qrels.to_str().unwrap(),
        ])
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("INFO"), "a log line was written: {written:?}");
    assert!(!written.contains('\u{1b}'), "{written:?}");
}

#[tokio::test]
async fn review_next_shows_an_earlier_fact_check_of_the_same_claim() {
    // See: #15. Another fact-checker's review of the mission article's
    // sanctions claim, in other words, imported before the article.
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let admin = vec![("CLAIMDB_TOKEN", server.admin.clone())];
    let dir = tempfile::tempdir().unwrap();
    let document = dir.path().join("review.json");
    std::fs::write(
        &document,
        r#"{"@context": "https://schema.org", "@type": "ClaimReview",
            "claimReviewed": "Any sanctions could lead to a complete breakdown in ties with Washington",
            "url": "https://checks.example/reviews/7",
            "author": {"@type": "Organization", "name": "Example Checks"},
            "reviewRating": {"@type": "Rating", "alternateName": "Mostly False"}}"#,
    )
    .unwrap();
    let imported = claimdb(
        strings(&[
            "import",
            "--format",
            "claimreview",
            document.to_str().unwrap(),
            "--addr",
            &addr,
        ]),
        admin.clone(),
    )
    .await;
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let created = claimdb(
        strings(&["articles", "create", MISSION_PATH, "--addr", &addr]),
        admin,
    )
    .await;
    assert!(created.status.success());

    let reviewer = vec![("CLAIMDB_TOKEN", server.reviewer.clone())];
    // Putin's claims, until the sanctions one (he has fewer than the 5 a
    // reviewer may hold).
    let mut shown = String::new();
    for _ in 0..5 {
        let next = claimdb(
            strings(&[
                "review",
                "next",
                "--filter",
                "speaker = \"Vladimir Putin\"",
                "--addr",
                &addr,
            ]),
            reviewer.clone(),
        )
        .await;
        shown = String::from_utf8_lossy(&next.stdout).into_owned();
        if shown.contains("rupture in ties") {
            break;
        }
    }
    assert!(shown.contains("rupture in ties"), "{shown}");
    let matches = shown
        .split("similar reviewed claims")
        .nth(1)
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        matches.contains("MOSTLY_FALSE (Example Checks: Mostly False)")
            && matches.contains("complete breakdown in ties"),
        "{shown}"
    );

    // One step takes the fact-check's verdict, with its page as evidence.
    let matched = matches
        .lines()
        .find(|line| line.contains("complete breakdown in ties"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap()
        .to_owned();
    let hint = shown
        .lines()
        .find(|line| line.starts_with("claimdb review submit "))
        .unwrap_or_else(|| panic!("{shown}"));
    let words: Vec<&str> = hint.split_whitespace().collect();
    let (claim, etag) = (words[3], words[5].trim_matches('\''));
    let submitted = claimdb(
        strings(&[
            "review",
            "submit",
            claim,
            "--etag",
            etag,
            "--same-as",
            &matched,
            "--json",
            "--addr",
            &addr,
        ]),
        reviewer.clone(),
    )
    .await;
    assert!(
        submitted.status.success(),
        "{}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let answer = &stdout_json_lines(&submitted)[0];
    let review = &answer["review"];
    assert_eq!(review["verdict"], "MOSTLY_FALSE");
    assert_eq!(
        review["evidenceUrls"],
        serde_json::json!(["https://checks.example/reviews/7"])
    );
    let rationale = review["rationale"].as_str().unwrap();
    assert!(
        rationale.starts_with(&format!("Same claim as {matched}: "))
            && rationale.contains("Example Checks rated it \u{201c}Mostly False\u{201d}"),
        "{rationale}"
    );
    // A claim with no verdict has none to give: claims/2, the article's
    // first (claims/1 is the imported fact-check).
    let unreviewed = claimdb(
        strings(&[
            "review",
            "submit",
            claim,
            "--etag",
            etag,
            "--same-as",
            "claims/2",
            "--addr",
            &addr,
        ]),
        reviewer,
    )
    .await;
    assert!(!unreviewed.status.success());
    let message = String::from_utf8_lossy(&unreviewed.stderr);
    assert!(
        message.contains("--same-as claims/2: that claim has no verdict to take"),
        "{message}"
    );
}

#[tokio::test]
async fn a_reviewer_works_through_the_queue_from_the_command_line() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let admin = vec![("CLAIMDB_TOKEN", server.admin.clone())];
    let reviewer = vec![("CLAIMDB_TOKEN", server.reviewer.clone())];
    let created = claimdb(
        strings(&["articles", "create", MISSION_PATH, "--addr", &addr]),
        admin.clone(),
    )
    .await;
    assert!(created.status.success());

    let next = claimdb(
        strings(&["review", "next", "--addr", &addr, "--json"]),
        reviewer.clone(),
    )
    .await;
    let lines = stdout_json_lines(&next);
    let claim = &lines[0];
    let name = claim["name"].as_str().unwrap().to_owned();
    let etag = claim["etag"].as_str().unwrap().to_owned();
    assert_eq!(claim["leaseHolder"], "test-reviewer");
    assert_eq!(
        lines[1]["name"], "articles/1",
        "the claim's article comes with it"
    );

    let text_next = claimdb(strings(&["review", "next", "--addr", &addr]), reviewer.clone()).await;
    let shown = String::from_utf8_lossy(&text_next.stdout).into_owned();
    assert!(shown.contains("claimdb review submit claims/"), "{shown}");

    let submitted = claimdb(
        strings(&[
            "review",
            "submit",
            &name,
            "--etag",
            &etag,
            "--verdict",
            "mostly_false",
            "--rationale",
            "The transcript says otherwise.",
            "--evidence",
            "https://example.org/transcript",
            "--addr",
            &addr,
        ]),
        reviewer.clone(),
    )
    .await;
    assert!(
        submitted.status.success(),
        "{}",
        String::from_utf8_lossy(&submitted.stderr)
    );

    // The same etag again: the server's ABORTED reaches the user.
    let stale = claimdb(
        strings(&[
            "review",
            "submit",
            &name,
            "--etag",
            &etag,
            "--verdict",
            "TRUE",
            "--rationale",
            "x",
            "--addr",
            &addr,
        ]),
        reviewer.clone(),
    )
    .await;
    assert!(!stale.status.success());
    assert!(String::from_utf8_lossy(&stale.stderr).contains("Aborted"));
    // A malformed one is the caller's mistake, named as such. See: #16.
    let malformed = claimdb(
        strings(&[
            "review",
            "submit",
            &name,
            "--etag",
            "1",
            "--verdict",
            "TRUE",
            "--rationale",
            "x",
            "--addr",
            &addr,
        ]),
        reviewer.clone(),
    )
    .await;
    assert!(!malformed.status.success());
    let stderr = String::from_utf8_lossy(&malformed.stderr);
    assert!(
        stderr.contains("InvalidArgument: etag must be the claim's etag") && stderr.contains("got \"1\""),
        "{stderr}"
    );

    let reviewed = claimdb(
        strings(&[
            "claims",
            "list",
            "--filter",
            "verdict = MOSTLY_FALSE",
            "--addr",
            &addr,
            "--json",
        ]),
        reviewer.clone(),
    )
    .await;
    let reviewed = stdout_json_lines(&reviewed);
    assert_eq!(reviewed.len(), 1);
    assert_eq!(reviewed[0]["name"], name.as_str());

    let show = claimdb(
        strings(&["claims", "show", &name, "--addr", &addr]),
        reviewer.clone(),
    )
    .await;
    let shown = String::from_utf8_lossy(&show.stdout).into_owned();
    assert!(shown.contains("MOSTLY_FALSE"), "{shown}");
    assert!(shown.contains("https://example.org/transcript"), "{shown}");
    assert!(
        shown.contains(" extracted "),
        "the history starts with the extraction: {shown}"
    );
    let show_json = claimdb(
        strings(&["claims", "show", &name, "--addr", &addr, "--json"]),
        reviewer.clone(),
    )
    .await;
    let lines = stdout_json_lines(&show_json);
    // Each history event names its oneof case.
    let events: Vec<&str> = lines[1..]
        .iter()
        .map(|line| {
            ["extraction", "correction", "review"]
                .into_iter()
                .find(|case| line.get(case).is_some())
                .unwrap()
        })
        .collect();
    assert_eq!(events, ["extraction", "review"]);
    assert_eq!(lines[2]["review"]["verdict"], "MOSTLY_FALSE");

    let exhaustive = claimdb(
        strings(&[
            "claims",
            "search",
            "Putin",
            "--exhaustive",
            "--addr",
            &addr,
            "--json",
            "--limit",
            "3",
        ]),
        reviewer.clone(),
    )
    .await;
    assert!(exhaustive.status.success());
    assert!(!stdout_json_lines(&exhaustive).is_empty());

    let search = claimdb(
        strings(&[
            "claims", "search", "Putin", "--addr", &addr, "--json", "--limit", "3",
        ]),
        reviewer.clone(),
    )
    .await;
    let results = stdout_json_lines(&search);
    assert!(!results.is_empty());
    assert!(results[0]["textSnippet"].as_str().unwrap().contains("**"));
    assert!(results[0]["claim"]["name"].is_string());

    let stats = claimdb(strings(&["stats", "--addr", &addr, "--json"]), admin.clone()).await;
    let stats = stdout_json_lines(&stats);
    // 64-bit counts are strings in the canonical mapping.
    assert_eq!(stats[0]["queue"]["final"], "1");
    assert_eq!(
        stats[0]["queue"]["leased"], "1",
        "the second `review next` still holds its claim"
    );
    let denied = claimdb(strings(&["stats", "--addr", &addr]), reviewer.clone()).await;
    assert!(String::from_utf8_lossy(&denied.stderr).contains("PermissionDenied"));

    let audit = |args: &[&str]| {
        let mut args = strings(args);
        args.extend(strings(&["--addr", &addr, "--json"]));
        claimdb(args, admin.clone())
    };
    let methods = |output: &Output| -> Vec<String> {
        stdout_json_lines(output)
            .iter()
            .map(|event| event["method"].as_str().unwrap().to_owned())
            .collect()
    };
    let written = [
        "CreateToken",
        "CreateToken",
        "CreateToken",
        "CreateArticle",
        "AcquireClaim",
        "AcquireClaim",
        "SubmitReview",
    ];
    assert_eq!(methods(&audit(&["audit", "--oldest-first"]).await), written);
    // Newest first by default, and filtered on the server. See: #16.
    let mut newest_first = written.to_vec();
    newest_first.reverse();
    assert_eq!(methods(&audit(&["audit"]).await), newest_first);
    assert_eq!(
        methods(&audit(&["audit", "--method", "AcquireClaim", "--actor", "test-reviewer"]).await),
        ["AcquireClaim", "AcquireClaim"]
    );
    assert_eq!(
        methods(&audit(&["audit", "--resource", &name, "--page-size", "1"]).await),
        ["SubmitReview", "AcquireClaim"]
    );
    assert_eq!(
        methods(&audit(&["audit", "--until", "2000-01-01"]).await).len(),
        0
    );
    let future = audit(&["audit", "--since", "2999-01-01T00:00:00Z"]).await;
    assert!(stdout_json_lines(&future).is_empty());
    assert!(String::from_utf8_lossy(&future.stderr).contains("no audit events match"));
    let status = server
        .reviews(Some(&server.admin))
        .await
        .list_audit_events(pb::ListAuditEventsRequest {
            start_time: Some(prost_types::Timestamp {
                seconds: 100,
                nanos: 0,
            }),
            end_time: Some(prost_types::Timestamp {
                seconds: 10,
                nanos: 0,
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    crate::support::assert_field_error(&status, Code::InvalidArgument, "end_time");
    server.stop().await;
}

// See: #14 (defect 8).
#[tokio::test]
async fn terminal_escapes_in_stored_text_are_shown_not_obeyed() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let env = vec![("CLAIMDB_TOKEN", server.admin.clone())];
    let body = "The mayor said the river rose by \u{1b}[2J\u{1b}]0;pwned\u{7} two metres on Monday.\n\
                Officials said the \u{9b}31m bridge would stay closed.\n";
    let created = server.create_article(body.to_owned()).await;
    let article = created.article.unwrap();
    assert!(!created.claims.is_empty());
    // The article is kept byte for byte, escapes and all, for provenance.
    let stored = server
        .articles(Some(&server.reader))
        .await
        .get_article(pb::GetArticleRequest {
            name: article.name.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.body, body);
    let claim = created.claims[0].name.clone();
    for args in [
        vec!["claims", "show", claim.as_str()],
        vec!["claims", "list"],
        vec!["articles", "show", article.name.as_str()],
        vec!["claims", "search", "mayor"],
    ] {
        let mut args = strings(&args);
        args.extend(strings(&["--addr", &addr]));
        let output = claimdb(args.clone(), env.clone()).await;
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let printed = String::from_utf8(output.stdout).unwrap();
        assert!(
            !printed.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "{args:?} printed a control character: {printed:?}"
        );
        assert!(printed.contains("\\u{1b}"), "{args:?}: {printed}");
    }
    server.stop().await;
}

// See: #16 (`kind = statistic` was refused while `--verdict mostly_true` was
// taken; a search with no result printed nothing at all).
#[tokio::test]
async fn enum_values_in_any_case_and_empty_answers_said() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let env = vec![("CLAIMDB_TOKEN", server.reader.clone())];
    server.load_claims(1, 10).await;
    let list = |filter: &str| strings(&["claims", "list", "--filter", filter, "--addr", &addr, "--json"]);
    let upper = stdout_json_lines(&claimdb(list("kind = STATISTIC AND checkable = true"), env.clone()).await);
    let lower = stdout_json_lines(&claimdb(list("kind = statistic AND checkable = TRUE"), env.clone()).await);
    assert!(!upper.is_empty());
    assert_eq!(upper, lower);

    for args in [
        list("status = disputed"),
        strings(&["claims", "search", "zebra", "--addr", &addr, "--json"]),
        strings(&["claims", "search", "zebra", "--addr", &addr]),
    ] {
        let output = claimdb(args.clone(), env.clone()).await;
        assert!(output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("no claims match"), "{args:?}: {stderr}");
        if args.contains(&"--json".to_owned()) {
            assert!(output.stdout.is_empty(), "{args:?}: JSON lines stay JSON lines");
        }
    }
    server.stop().await;
}

// See: #16 (a reviewer could not list the claims they hold).
#[tokio::test]
async fn a_reviewer_lists_the_claims_they_hold() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    server.load_claims(2, 10).await;
    let bob = server.token(Role::Reviewer, "bob").await;
    let mut alice_reviews = server.reviews(Some(&server.reviewer)).await;
    let mut bob_reviews = server.reviews(Some(&bob)).await;
    let mut watch = server
        .claims(Some(&server.reviewer))
        .await
        .watch_claims(pb::WatchClaimsRequest {
            filter: "holder = me".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut held = Vec::new();
    for _ in 0..2 {
        let claim = alice_reviews
            .acquire_claim(pb::AcquireClaimRequest::default())
            .await
            .unwrap()
            .into_inner()
            .claim
            .unwrap();
        held.push(claim.name);
    }
    let bobs = bob_reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    alice_reviews
        .release_claim(pb::ReleaseClaimRequest {
            name: held.pop().unwrap(),
        })
        .await
        .unwrap();
    held.sort();

    let mine = claimdb(
        strings(&["review", "mine", "--addr", &addr, "--json"]),
        vec![("CLAIMDB_TOKEN", server.reviewer.clone())],
    )
    .await;
    let names: Vec<String> = stdout_json_lines(&mine)
        .iter()
        .map(|claim| claim["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, held);
    let text = claimdb(
        strings(&["review", "mine", "--addr", &addr]),
        vec![("CLAIMDB_TOKEN", server.reviewer.clone())],
    )
    .await;
    assert!(String::from_utf8_lossy(&text.stdout).contains(&held[0]));

    // The filter, server-side, for anyone: by holder, or leased at all.
    let mut claims = server.claims(Some(&server.reader)).await;
    let mut list = async |filter: &str| -> Vec<String> {
        let mut names: Vec<String> = claims
            .list_claims(pb::ListClaimsRequest {
                filter: filter.into(),
                page_size: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .claims
            .into_iter()
            .map(|claim| claim.name)
            .collect();
        names.sort();
        names
    };
    assert_eq!(list("holder = \"test-reviewer\"").await, held);
    assert_eq!(list("holder = bob").await, vec![bobs.name.clone()]);
    assert!(list("holder = me").await.is_empty(), "the reader holds nothing");
    let mut leased = held.clone();
    leased.push(bobs.name.clone());
    leased.sort();
    assert_eq!(list("leased = true").await, leased);
    assert_eq!(list("leased = false").await.len(), 20 - leased.len());
    assert_eq!(list("holder != bob").await.len(), 20 - 1);

    // Alice's watch saw her own leases only, her release not (no lease).
    for _ in 0..2 {
        let event = watch.message().await.unwrap().unwrap();
        assert_eq!(event.r#type(), pb::claim_event::Type::Leased);
        assert_eq!(event.actor, "test-reviewer");
    }

    // Bob's `review mine` shows only his; someone holding nothing is told so.
    let bob_mine = claimdb(
        strings(&["review", "mine", "--addr", &addr, "--json"]),
        vec![("CLAIMDB_TOKEN", bob.clone())],
    )
    .await;
    assert_eq!(stdout_json_lines(&bob_mine).len(), 1);
    let carol = server.token(Role::Reviewer, "carol").await;
    let none = claimdb(
        strings(&["review", "mine", "--addr", &addr]),
        vec![("CLAIMDB_TOKEN", carol)],
    )
    .await;
    assert!(none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("you hold no claims"));
    server.stop().await;
}

// See: #16 (no CLI for UpdateClaim, WatchClaims or ListReviews; `claims show 17` refused).
#[tokio::test]
async fn claims_edit_watch_and_reviews_list_from_the_command_line() {
    let server = spawn_server().await;
    let addr = server.addr.to_string();
    let reviewer = vec![("CLAIMDB_TOKEN", server.reviewer.clone())];
    let created = server
        .create_article(crate::support::MISSION_ARTICLE.to_owned())
        .await;
    let first = created.claims[0].clone();
    let id = first.name.trim_start_matches("claims/").to_owned();
    let with_addr = |args: &[&str]| {
        let mut args = strings(args);
        args.extend(strings(&["--addr", &addr]));
        args
    };

    let shown = claimdb(with_addr(&["claims", "show", &id, "--json"]), reviewer.clone()).await;
    assert_eq!(stdout_json_lines(&shown)[0]["name"], first.name.as_str());

    let none = claimdb(with_addr(&["reviews", "list", &id]), reviewer.clone()).await;
    assert!(none.status.success());
    assert!(
        String::from_utf8_lossy(&none.stderr).contains(&format!("{} has no reviews", first.name)),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );

    // A watcher, told once its stream is open; it stops after two events.
    let (ready, is_ready) = tokio::sync::oneshot::channel();
    let args = with_addr(&[
        "claims",
        "watch",
        "--filter",
        &format!("article = {}", first.article),
        "--limit",
        "2",
        "--json",
    ]);
    let token = server.reader.clone();
    let watcher = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(args)
            .env("CLAIMDB_TOKEN", token)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        ready.send(line).unwrap();
        child.wait_with_output().unwrap()
    });
    let said = is_ready.await.unwrap();
    assert!(said.contains("watching claim events"), "{said}");

    let edited = claimdb(
        with_addr(&[
            "claims",
            "edit",
            &id,
            "--etag",
            &first.etag,
            "--speaker",
            "The Kremlin",
            "--kind",
            "statistic",
            "--json",
        ]),
        reviewer.clone(),
    )
    .await;
    let edited = &stdout_json_lines(&edited)[0];
    assert_eq!(edited["speaker"], "The Kremlin");
    assert_eq!(edited["kind"], "STATISTIC");
    let etag = edited["etag"].as_str().unwrap().to_owned();
    assert_ne!(etag, first.etag);
    // The old etag is stale now; no field at all is the CLI's to refuse.
    let stale = claimdb(
        with_addr(&["claims", "edit", &id, "--etag", &first.etag, "--text", "x"]),
        reviewer.clone(),
    )
    .await;
    assert!(String::from_utf8_lossy(&stale.stderr).contains("Aborted"));
    let empty = claimdb(
        with_addr(&["claims", "edit", &id, "--etag", &etag]),
        reviewer.clone(),
    )
    .await;
    assert!(String::from_utf8_lossy(&empty.stderr).contains("nothing to correct"));

    server
        .reviews(Some(&server.reviewer))
        .await
        .submit_review(pb::SubmitReviewRequest {
            claim: first.name.clone(),
            etag,
            verdict: pb::Verdict::False.into(),
            rationale: "The record says otherwise.".into(),
            evidence_urls: vec!["https://example.org/record".into()],
        })
        .await
        .unwrap();

    let watched = watcher.await.unwrap();
    let events = stdout_json_lines(&watched);
    let types: Vec<&str> = events
        .iter()
        .map(|event| event["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["UPDATED", "REVIEWED"]);
    assert_eq!(events[0]["claim"]["name"], first.name.as_str());

    let listed = claimdb(
        with_addr(&["reviews", "list", &first.name, "--json"]),
        reviewer.clone(),
    )
    .await;
    let reviews = stdout_json_lines(&listed);
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0]["verdict"], "FALSE");
    let text = claimdb(with_addr(&["reviews", "list", &id]), reviewer.clone()).await;
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.starts_with(&format!("{}/reviews/", first.name)), "{text}");
    assert!(text.contains("FALSE"), "{text}");
    server.stop().await;
}

//! The reviewer console's listener (issue 17): its files with a strict policy and no CORS,
//! gRPC-Web to the same services and auth, and the gRPC port left HTTP/2-only. The console
//! itself is tested in Chromium by `web/test` (run by `.ci/run`).

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use claimdb::api::pb;
use prost::Message;

use crate::support::http::{Answer, http};
use crate::support::{spawn_server_with_web, spawn_server_with_web_origins};

/// Sends `request` as a gRPC-Web call (framed, with the token and `more`
/// headers) and returns the raw answer.
fn grpc_web_call(
    addr: SocketAddr,
    method: &str,
    token: Option<&str>,
    more: &[(&str, &str)],
    request: &impl Message,
) -> Answer {
    let message = request.encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&(message.len() as u32).to_be_bytes());
    frame.extend_from_slice(&message);
    let bearer = token.map(|token| format!("Bearer {token}"));
    let mut headers = vec![
        ("content-type", "application/grpc-web+proto"),
        ("x-grpc-web", "1"),
    ];
    if let Some(bearer) = &bearer {
        headers.push(("authorization", bearer));
    }
    headers.extend_from_slice(more);
    http(addr, "POST", method, &headers, &frame)
}

/// A gRPC-Web call: the request framed, the answer's data message and its
/// trailers (from the trailer frame, or the headers of a trailers-only answer).
fn grpc_web(
    addr: SocketAddr,
    method: &str,
    token: Option<&str>,
    request: &impl Message,
) -> (Vec<u8>, String) {
    let answer = grpc_web_call(addr, method, token, &[], request);
    assert_eq!(answer.status, 200, "{method}");
    let mut data = Vec::new();
    let mut trailers = String::new();
    let mut rest = answer.body.as_slice();
    while rest.len() >= 5 {
        let length = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
        let payload = &rest[5..5 + length];
        if rest[0] & 0x80 != 0 {
            trailers.push_str(&String::from_utf8_lossy(payload));
        } else {
            data.extend_from_slice(payload);
        }
        rest = &rest[5 + length..];
    }
    if let Some(status) = answer.header("grpc-status") {
        trailers.push_str(&format!("grpc-status:{status}\r\n"));
    }
    (data, trailers.to_ascii_lowercase())
}

// See: #17 (serve --web: the page, its policy, no CORS).
#[tokio::test]
async fn the_console_is_served_with_a_strict_policy_and_nothing_else_is() {
    let server = spawn_server_with_web().await;
    let web = server.web.unwrap();
    let answers = tokio::task::spawn_blocking(move || {
        let page = http(web, "GET", "/", &[], b"");
        let html = String::from_utf8(page.body.clone()).unwrap();
        let script = html
            .split("src=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the page loads a script")
            .to_owned();
        let script = http(web, "GET", &script, &[], b"");
        let escape = http(web, "GET", "/../Cargo.toml", &[], b"");
        let preflight = http(
            web,
            "OPTIONS",
            "/claimdb.v1.ClaimService/GetClaim",
            &[
                ("Origin", "https://elsewhere.example"),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "authorization,content-type,x-grpc-web",
                ),
            ],
            b"",
        );
        (page, html, script, escape, preflight)
    })
    .await
    .unwrap();
    let (page, html, script, escape, preflight) = answers;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let policy = page.header("content-security-policy").unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"),
        "{policy}"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    // No inline script or style: the policy would refuse them.
    assert!(!html.contains("<script>") && !html.contains("<style"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page loads nothing from elsewhere: {html}"
    );
    assert_eq!(script.status, 200);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.header("cache-control").unwrap().contains("immutable"));
    assert_eq!(escape.status, 404);
    assert_eq!(preflight.status, 405);
    assert!(preflight.header("access-control-allow-origin").is_none());
    server.stop().await;
}

// See: #17 (gRPC-Web through the same auth and roles).
#[tokio::test]
async fn grpc_web_calls_reach_the_same_services_with_the_same_roles() {
    let server = spawn_server_with_web().await;
    let web = server.web.unwrap();
    let (reviewer, reader) = (server.reviewer.clone(), server.reader.clone());
    let calls = tokio::task::spawn_blocking(move || {
        let me = grpc_web(
            web,
            "/claimdb.v1.ReviewService/GetCaller",
            Some(&reviewer),
            &pb::GetCallerRequest {},
        );
        let anonymous = grpc_web(
            web,
            "/claimdb.v1.ReviewService/GetCaller",
            None,
            &pb::GetCallerRequest {},
        );
        let reader_queue = grpc_web(
            web,
            "/claimdb.v1.ReviewService/GetQueueCounts",
            Some(&reader),
            &pb::GetQueueCountsRequest {},
        );
        let queue = grpc_web(
            web,
            "/claimdb.v1.ReviewService/GetQueueCounts",
            Some(&reviewer),
            &pb::GetQueueCountsRequest {},
        );
        (me, anonymous, reader_queue, queue)
    })
    .await
    .unwrap();
    let (me, anonymous, reader_queue, queue) = calls;
    assert!(me.1.contains("grpc-status:0"), "{}", me.1);
    let caller = pb::Caller::decode(me.0.as_slice()).unwrap();
    assert_eq!(caller.name, "test-reviewer");
    assert_eq!(caller.role(), pb::caller::Role::Reviewer);
    assert!(anonymous.1.contains("grpc-status:16"), "{}", anonymous.1);
    assert!(reader_queue.1.contains("grpc-status:7"), "{}", reader_queue.1);
    assert!(queue.1.contains("grpc-status:0"), "{}", queue.1);
    assert_eq!(
        pb::QueueCounts::decode(queue.0.as_slice()).unwrap(),
        pb::QueueCounts::default()
    );
    server.stop().await;
}

// See: #17 (the gRPC port stays HTTP/2-only and serves no page).
#[tokio::test]
async fn the_grpc_port_serves_no_page() {
    let server = spawn_server_with_web().await;
    let addr = server.addr;
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        raw
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("200 OK") && !text.contains("<html"), "{text}");
    server.stop().await;
}

// See: #17 (who am I, and the queue a reviewer sees, over plain gRPC too).
#[tokio::test]
async fn get_caller_names_the_token_and_get_queue_counts_counts_the_queue() {
    let server = crate::support::spawn_server().await;
    server.load_claims(2, 3).await;
    let mut reader = server.reviews(Some(&server.reader)).await;
    let caller = reader
        .get_caller(pb::GetCallerRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (caller.name.as_str(), caller.role()),
        ("test-reader", pb::caller::Role::Reader)
    );
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap();
    let counts = reviews
        .get_queue_counts(pb::GetQueueCountsRequest {})
        .await
        .unwrap()
        .into_inner();
    // Six claims stored, none reviewed, one now held.
    assert_eq!((counts.unreviewed, counts.leased, counts.r#final), (6, 1, 0));
    server.stop().await;
}

// See: #17 (CORS closed by default, open only to the origins an operator names).
#[tokio::test]
async fn cross_origin_calls_are_allowed_only_from_named_origins() {
    let server = spawn_server_with_web_origins(&["https://desk.example"]).await;
    let web = server.web.unwrap();
    let reader = server.reader.clone();
    let answers = tokio::task::spawn_blocking(move || {
        let preflight = |origin: &str| {
            http(
                web,
                "OPTIONS",
                "/claimdb.v1.ReviewService/GetCaller",
                &[
                    ("Origin", origin),
                    ("Access-Control-Request-Method", "POST"),
                    (
                        "Access-Control-Request-Headers",
                        "authorization,content-type,x-grpc-web",
                    ),
                ],
                b"",
            )
        };
        let allowed = preflight("https://desk.example");
        let other = preflight("https://elsewhere.example");
        let call = grpc_web_call(
            web,
            "/claimdb.v1.ReviewService/GetCaller",
            Some(&reader),
            &[("Origin", "https://desk.example")],
            &pb::GetCallerRequest {},
        );
        (allowed, other, call)
    })
    .await
    .unwrap();
    let (allowed, other, call) = answers;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://desk.example")
    );
    let allowed_headers = allowed.header("access-control-allow-headers").unwrap();
    assert!(allowed_headers.contains("authorization"), "{allowed_headers}");
    assert!(other.header("access-control-allow-origin").is_none());
    assert_eq!(
        call.header("access-control-allow-origin"),
        Some("https://desk.example")
    );
    assert!(
        call.header("access-control-expose-headers")
            .unwrap()
            .contains("grpc-status")
    );
    server.stop().await;
}

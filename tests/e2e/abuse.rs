//! Hostile and careless callers (issue 14): expensive queries, malformed input, and the server
//! staying up for everyone else.

use claimdb::api::pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::support::spawn_server;

fn search(query: &str) -> pb::SearchClaimsRequest {
    pb::SearchClaimsRequest {
        query: query.to_owned(),
        ..Default::default()
    }
}

/// The status names `field` first and in a field violation.
fn assert_names_field(status: &tonic::Status, code: Code, field: &str) {
    assert_eq!(status.code(), code, "{status:?}");
    assert!(status.message().starts_with(field), "{:?}", status.message());
    let details = status.get_error_details();
    let violations = &details
        .bad_request()
        .expect("a BadRequest detail")
        .field_violations;
    assert!(
        violations.iter().any(|violation| violation.field == field),
        "{violations:?}"
    );
}

// See: #14 (defects 1 and 7).
#[tokio::test]
async fn searches_that_expand_too_widely_or_hold_nul_are_invalid() {
    let server = spawn_server().await;
    server.load_claims(20, 5).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    for query in [
        "t* a* s* i* o* w* h* m* p* c* b* d* f* g* l* n* r*",
        "alpha be*",
        "alp* bet* ind* ros* per*",
        "alpha\0beta",
    ] {
        let status = claims.search_claims(search(query)).await.unwrap_err();
        assert_names_field(&status, Code::InvalidArgument, "query");
    }
    // A prefix long enough still finds its claims.
    let found = claims
        .search_claims(search("alp* ind*"))
        .await
        .unwrap()
        .into_inner();
    assert!(!found.results.is_empty());
    server.stop().await;
}

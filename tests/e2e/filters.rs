//! ListClaims filters, order and pagination over thousands of claims; SearchClaims; UpdateClaim;
//! hostile filter and query strings.

use std::collections::HashSet;

use claimdb::api::pb;
use tonic::Code;

use claimdb::api::ServeOptions;

use crate::support::{Authed, spawn_server, spawn_server_with};

type Claims = pb::claim_service_client::ClaimServiceClient<Authed>;

/// Every claim of a listing, following next_page_token to the end.
async fn list_all(client: &mut Claims, filter: &str, order_by: &str, page_size: i32) -> Vec<pb::Claim> {
    let mut all = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_claims(pb::ListClaimsRequest {
                filter: filter.into(),
                order_by: order_by.into(),
                page_size,
                page_token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.claims.len() <= page_size as usize);
        all.extend(page.claims);
        if page.next_page_token.is_empty() {
            return all;
        }
        page_token = page.next_page_token;
    }
}

fn names(claims: &[pb::Claim]) -> Vec<String> {
    claims.iter().map(|claim| claim.name.clone()).collect()
}

fn assert_each_once(claims: &[pb::Claim]) {
    let distinct: HashSet<String> = names(claims).into_iter().collect();
    assert_eq!(distinct.len(), claims.len(), "a claim was served twice");
}

#[tokio::test]
async fn filtered_ordered_pages_serve_every_matching_claim_exactly_once() {
    let server = spawn_server().await;
    // 3000 claims; claim i (from 0) has id i + 1, speaker{i % 7} and
    // checkworthiness (i % 100) / 100.
    server.load_claims(300, 10).await;
    let mut client = server.claims(Some(&server.reader)).await;

    let all = list_all(&mut client, "", "", 1000).await;
    assert_eq!(all.len(), 3000);
    assert_each_once(&all);

    let filter = "checkworthiness >= 0.5 AND speaker != \"speaker3\"";
    let expected: HashSet<String> = (0..3000)
        .filter(|i| i % 100 >= 50 && i % 7 != 3)
        .map(|i| format!("claims/{}", i + 1))
        .collect();
    for order_by in [
        "",
        "checkworthiness desc",
        "checkworthiness, create_time desc",
        "name desc",
    ] {
        let listed = list_all(&mut client, filter, order_by, 97).await;
        assert_each_once(&listed);
        assert_eq!(
            names(&listed).into_iter().collect::<HashSet<_>>(),
            expected,
            "{order_by}"
        );
        if order_by.starts_with("checkworthiness desc") {
            assert!(
                listed
                    .windows(2)
                    .all(|pair| pair[0].checkworthiness >= pair[1].checkworthiness)
            );
        }
        if order_by == "name desc" {
            assert_eq!(listed[0].name, "claims/2999");
        }
    }

    let by_speaker = list_all(&mut client, "speaker = speaker2 AND article = articles/4", "", 50).await;
    assert_eq!(
        names(&by_speaker),
        (30..40)
            .filter(|i| i % 7 == 2)
            .map(|i| format!("claims/{}", i + 1))
            .collect::<Vec<_>>()
    );
    let none = list_all(
        &mut client,
        "create_time < 2000-01-01 AND status = UNREVIEWED",
        "",
        50,
    )
    .await;
    assert!(none.is_empty());
    let unreviewed = list_all(
        &mut client,
        "(status = UNREVIEWED) AND create_time > \"2000-01-01T00:00:00Z\"",
        "",
        1000,
    )
    .await;
    assert_eq!(unreviewed.len(), 3000);
    server.stop().await;
}

#[tokio::test]
async fn pages_are_stable_under_inserts_and_bound_to_their_request() {
    let server = spawn_server().await;
    server.load_claims(100, 10).await;
    let mut client = server.claims(Some(&server.reader)).await;
    let filter = "checkworthiness >= 0.3";
    let mut seen = Vec::new();
    let mut page_token = String::new();
    let mut n_pages = 0;
    loop {
        let page = client
            .list_claims(pb::ListClaimsRequest {
                filter: filter.into(),
                order_by: "checkworthiness desc".into(),
                page_size: 100,
                page_token: page_token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        seen.extend(page.claims);
        n_pages += 1;
        if n_pages == 2 {
            // New claims arrive between pages.
            server.load_claims(50, 10).await;
        }
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_each_once(&seen);
    let original: HashSet<String> = (0..1000)
        .filter(|i| i % 100 >= 30)
        .map(|i| format!("claims/{}", i + 1))
        .collect();
    let seen_names: HashSet<String> = names(&seen).into_iter().collect();
    assert!(original.is_subset(&seen_names), "no stored claim is skipped");

    // A token only continues the listing it came from.
    let first = client
        .list_claims(pb::ListClaimsRequest {
            filter: filter.into(),
            page_size: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    for (other_filter, other_order) in [("checkworthiness >= 0.4", ""), (filter, "create_time")] {
        let status = client
            .list_claims(pb::ListClaimsRequest {
                filter: other_filter.into(),
                order_by: other_order.into(),
                page_size: 10,
                page_token: first.next_page_token.clone(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().starts_with("page_token"), "{}", status.message());
    }
    server.stop().await;
}

#[tokio::test]
async fn hostile_filters_get_invalid_argument_naming_the_position() {
    let server = spawn_server().await;
    server.load_claims(2, 5).await;
    let mut client = server.claims(Some(&server.reader)).await;
    let long = "x".repeat(5000);
    let deep = format!("{}status = REVIEWED{}", "(".repeat(40), ")".repeat(40));
    for filter in [
        "status = UNREVIEWED; DROP TABLE claims",
        "speaker = 'x' OR 1 = 1",
        "1 = 1",
        "status = 'UNREVIEWED' --",
        "speaker = \"unterminated",
        "checkworthiness >= 1e999",
        "checkworthiness >= NaN",
        "status == REVIEWED",
        "claims.id > 0",
        "speaker = x AND",
        "\u{0}",
        "speaker = `x`",
        long.as_str(),
        deep.as_str(),
    ] {
        for order_by in ["", "checkworthiness"] {
            let status = client
                .list_claims(pb::ListClaimsRequest {
                    filter: filter.into(),
                    order_by: order_by.into(),
                    ..Default::default()
                })
                .await
                .unwrap_err();
            assert_eq!(status.code(), Code::InvalidArgument, "{filter:?}");
            assert!(
                status.message().starts_with("filter at position "),
                "{filter:?}: {}",
                status.message()
            );
        }
    }
    for order_by in [
        "speaker",
        "checkworthiness; DROP TABLE claims",
        "id desc",
        "create_time sideways",
    ] {
        let status = client
            .list_claims(pb::ListClaimsRequest {
                order_by: order_by.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{order_by:?}");
        assert!(
            status.message().starts_with("order_by at position "),
            "{}",
            status.message()
        );
    }
    // SQL in a value is only ever a value.
    for filter in [
        "speaker = \"x' OR '1'='1\"",
        "speaker = 'x\\\" OR 1=1 --'",
        "speaker = \"speaker1'); DELETE FROM claims; --\"",
    ] {
        let listed = list_all(&mut client, filter, "", 50).await;
        assert!(listed.is_empty(), "{filter}");
    }
    assert_eq!(
        list_all(&mut client, "", "", 50).await.len(),
        10,
        "nothing was deleted"
    );
    server.stop().await;
}

/// Every result of a search, following next_page_token to the end, and
/// whether each page said it ranked only the newest matches.
async fn search_all(
    client: &mut Claims,
    request: pb::SearchClaimsRequest,
) -> (Vec<pb::SearchResult>, Vec<bool>) {
    let mut request = request;
    let mut results = Vec::new();
    let mut newest_only = Vec::new();
    loop {
        let page = client.search_claims(request.clone()).await.unwrap().into_inner();
        assert!(page.results.windows(2).all(|pair| pair[0].score <= pair[1].score));
        if let (Some(last), Some(first)) = (results.last(), page.results.first()) {
            let last: &pb::SearchResult = last;
            assert!(last.score <= first.score, "pages continue in score order");
        }
        results.extend(page.results);
        newest_only.push(page.newest_matches_only);
        if page.next_page_token.is_empty() {
            return (results, newest_only);
        }
        request.page_token = page.next_page_token;
    }
}

#[tokio::test]
async fn a_broad_search_ranks_the_newest_matches_in_the_window_on_every_page() {
    let server = spawn_server_with(ServeOptions {
        search_window: Some(30),
        ..ServeOptions::default()
    })
    .await;
    // 1500 claims; claim i has id i + 1 and "alpha" when i % 3 == 0: 500 match.
    server.load_claims(150, 10).await;
    let mut client = server.claims(Some(&server.reader)).await;
    let alpha = |exhaustive| pb::SearchClaimsRequest {
        query: "alpha".into(),
        page_size: 7,
        exhaustive,
        ..Default::default()
    };

    // The newest 30 "alpha" claims are i = 1410, 1413, ..., 1497.
    let (windowed, flags) = search_all(&mut client, alpha(false)).await;
    let claims: Vec<pb::Claim> = windowed
        .iter()
        .map(|result| result.claim.clone().unwrap())
        .collect();
    assert_each_once(&claims);
    let mut ids: Vec<usize> = claims
        .iter()
        .map(|claim| claim.name.trim_start_matches("claims/").parse().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1410..1500).step_by(3).map(|i| i + 1).collect::<Vec<_>>());
    assert_eq!(flags.len(), 5, "30 results in pages of 7");
    assert!(
        flags.iter().all(|&flag| flag),
        "every page says it ranked the newest only"
    );

    // Exhaustive ranks all 500, and says nothing is left out.
    let (all, flags) = search_all(&mut client, alpha(true)).await;
    let claims: Vec<pb::Claim> = all.iter().map(|result| result.claim.clone().unwrap()).collect();
    assert_each_once(&claims);
    assert_eq!(claims.len(), 500);
    assert!(flags.iter().all(|&flag| !flag));

    // A search matching fewer claims than the window ranks them all.
    let (narrow, flags) = search_all(
        &mut client,
        pb::SearchClaimsRequest {
            query: "alpha 1497".into(),
            ..alpha(false)
        },
    )
    .await;
    assert_eq!(narrow.len(), 1);
    assert_eq!(narrow[0].claim.as_ref().unwrap().name, "claims/1498");
    assert_eq!(flags, [false]);

    // A filtered broad search tests the newest 4 × 30 text matches against
    // the filter (i >= 1140): speaker1's are those with i % 7 == 1.
    let (filtered, flags) = search_all(
        &mut client,
        pb::SearchClaimsRequest {
            filter: "speaker = speaker1".into(),
            ..alpha(false)
        },
    )
    .await;
    let mut filtered_ids: Vec<usize> = filtered
        .iter()
        .map(|result| {
            result
                .claim
                .as_ref()
                .unwrap()
                .name
                .trim_start_matches("claims/")
                .parse()
                .unwrap()
        })
        .collect();
    filtered_ids.sort_unstable();
    let newest: Vec<usize> = (1140..1500)
        .filter(|i| i % 3 == 0 && i % 7 == 1)
        .map(|i| i + 1)
        .collect();
    assert_eq!(filtered_ids, newest);
    assert!(flags.iter().all(|&flag| flag));
    // Exhaustive, it finds all of speaker1's: 500 / 7.
    let (filtered, flags) = search_all(
        &mut client,
        pb::SearchClaimsRequest {
            filter: "speaker = speaker1".into(),
            ..alpha(true)
        },
    )
    .await;
    assert_eq!(
        filtered.len(),
        (0..1500).filter(|i| i % 3 == 0 && i % 7 == 1).count()
    );
    assert!(flags.iter().all(|&flag| !flag));

    // A windowed page token cannot continue an exhaustive search.
    let first = client.search_claims(alpha(false)).await.unwrap().into_inner();
    let status = client
        .search_claims(pb::SearchClaimsRequest {
            page_token: first.next_page_token,
            ..alpha(true)
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("page_token"), "{}", status.message());
    server.stop().await;
}

#[tokio::test]
async fn search_ranks_filters_pages_and_highlights() {
    let server = spawn_server().await;
    // 1500 claims; "alpha" in every third claim's text.
    server.load_claims(150, 10).await;
    let mut client = server.claims(Some(&server.reader)).await;
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .search_claims(pb::SearchClaimsRequest {
                query: "alpha".into(),
                filter: "speaker = speaker1".into(),
                page_size: 40,
                page_token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        for result in &page.results {
            let claim = result.claim.as_ref().unwrap();
            assert_eq!(claim.speaker, "speaker1");
            assert!(
                result.text_snippet.contains("**alpha**"),
                "{}",
                result.text_snippet
            );
            assert!(result.sentence_snippet.contains("**alpha**"));
        }
        assert!(page.results.windows(2).all(|pair| pair[0].score <= pair[1].score));
        seen.extend(page.results.into_iter().map(|result| result.claim.unwrap()));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_each_once(&seen);
    let expected = (0..1500).filter(|i| i % 3 == 0 && i % 7 == 1).count();
    assert_eq!(seen.len(), expected);

    // Phrases, prefixes; FTS5 syntax in a query is only words.
    let phrase = client
        .search_claims(pb::SearchClaimsRequest {
            query: "\"beta index\" rose fig*".into(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(phrase.results.len(), 1000);
    for query in [
        "NEAR(alpha beta)",
        "text: alpha",
        "alpha OR",
        "\"alpha",
        "alpha -beta",
        "^alpha",
        "alpha AND NOT",
    ] {
        let result = client
            .search_claims(pb::SearchClaimsRequest {
                query: query.into(),
                ..Default::default()
            })
            .await;
        assert!(result.is_ok(), "{query}: {:?}", result.err());
    }
    for (query, filter, field) in [
        ("", "", "query"),
        ("***", "", "query"),
        ("\"", "", "query"),
        ("alpha", "status = NOPE", "filter"),
    ] {
        let status = client
            .search_claims(pb::SearchClaimsRequest {
                query: query.into(),
                filter: filter.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().starts_with(field), "{}", status.message());
    }
    server.stop().await;
}

#[tokio::test]
async fn reviewers_correct_claims_with_etags_and_history() {
    let server = spawn_server().await;
    server.load_claims(1, 2).await;
    let claim = server
        .claims(Some(&server.reader))
        .await
        .get_claim(pb::GetClaimRequest {
            name: "claims/1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut client = server.claims(Some(&server.reviewer)).await;
    let update = |text: &str, paths: &[&str], etag: &str| pb::UpdateClaimRequest {
        claim: Some(pb::Claim {
            name: "claims/1".into(),
            text: text.into(),
            speaker: "The Statistics Office".into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| path.to_string()).collect(),
        }),
        etag: etag.into(),
    };
    let updated = client
        .update_claim(update(
            "The gamma index rose by 0 percent.",
            &["text", "speaker"],
            &claim.etag,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.text, "The gamma index rose by 0 percent.");
    assert_eq!(updated.speaker, "The Statistics Office");
    assert_eq!(
        updated.sentence, claim.sentence,
        "the source sentence stays as it was"
    );
    assert_ne!(updated.etag, claim.etag);

    // The stale etag is refused and nothing changes.
    let status = client
        .update_claim(update("Something else.", &["text"], &claim.etag))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Aborted);
    for (paths, field) in [
        (&["extractor_version"][..], "update_mask"),
        (&[][..], "update_mask"),
    ] {
        let status = client
            .update_claim(update("x", paths, &updated.etag))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().starts_with(field), "{}", status.message());
    }
    let status = client
        .update_claim(update(" ", &["text"], &updated.etag))
        .await
        .unwrap_err();
    assert!(status.message().starts_with("claim.text"), "{}", status.message());
    let status = server
        .claims(Some(&server.reader))
        .await
        .update_claim(update("x", &["text"], &updated.etag))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    // Search follows the correction; the history keeps the old text.
    let found = client
        .search_claims(pb::SearchClaimsRequest {
            query: "gamma".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.results.len(), 1);
    // The history: the extraction as it was, then both corrections.
    let history = server
        .reviews(Some(&server.reader))
        .await
        .get_claim_history(pb::GetClaimHistoryRequest {
            name: "claims/1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    use pb::claim_history_event::Change;
    assert_eq!(history.claim, "claims/1");
    let changes: Vec<(&str, &Change)> = history
        .events
        .iter()
        .map(|event| (event.actor.as_str(), event.change.as_ref().unwrap()))
        .collect();
    let [(extractor, Change::Extraction(extraction)), rest @ ..] = changes.as_slice() else {
        panic!("the extraction comes first: {changes:?}");
    };
    assert_eq!(*extractor, "test");
    assert_eq!(
        extraction.text, claim.text,
        "the text as extracted, not as corrected"
    );
    assert_eq!(extraction.speaker, "speaker0");
    assert_eq!(extraction.article, claim.article);
    let corrections: Vec<(&str, &str, &str, &str)> = rest
        .iter()
        .map(|(actor, change)| match change {
            Change::Correction(correction) => (
                *actor,
                correction.field.as_str(),
                correction.old_value.as_str(),
                correction.new_value.as_str(),
            ),
            other => panic!("only corrections were made: {other:?}"),
        })
        .collect();
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0].0, "test-reviewer");
    assert_eq!(corrections[0].1, "text");
    assert_eq!(corrections[0].2, claim.text);
    assert_eq!(corrections[1].1, "speaker");
    assert_eq!(corrections[1].2, "speaker0");
    // An unknown claim is NOT_FOUND; a malformed name INVALID_ARGUMENT.
    let mut reviews = server.reviews(Some(&server.reader)).await;
    for (name, expected) in [
        ("claims/99999", Code::NotFound),
        ("claim/1", Code::InvalidArgument),
    ] {
        let status = reviews
            .get_claim_history(pb::GetClaimHistoryRequest { name: name.into() })
            .await
            .unwrap_err();
        assert_eq!(status.code(), expected, "{name}");
    }
    server.stop().await;
}

#[tokio::test]
async fn filters_on_what_the_extractor_found() {
    let server = spawn_server().await;
    // 500 claims; claim i (from 0) has kind ClaimKind::ALL[i % 5] (STATISTIC,
    // EVENT, STATEMENT, PREDICTION, OPINION), is checkable unless i % 4 == 3,
    // names Agency{i % 11} and refers to 2022-01-{1 + i % 28}.
    server.load_claims(50, 10).await;
    let mut client = server.claims(Some(&server.reader)).await;
    let expect = |keep: &dyn Fn(usize) -> bool| -> HashSet<String> {
        (0..500)
            .filter(|&i| keep(i))
            .map(|i| format!("claims/{}", i + 1))
            .collect()
    };
    let cases: Vec<(&str, HashSet<String>)> = vec![
        ("kind = PREDICTION", expect(&|i| i % 5 == 3)),
        (
            "kind != STATEMENT AND checkable = false",
            expect(&|i| i % 5 != 2 && i % 4 == 3),
        ),
        ("entity = \"Agency7\"", expect(&|i| i % 11 == 7)),
        (
            "entity = \"Agency7\" AND kind = OPINION",
            expect(&|i| i % 11 == 7 && i % 5 == 4),
        ),
        ("date >= 2022-01-27", expect(&|i| 1 + i % 28 >= 27)),
        (
            "date >= 2022-01-03 AND date <= 2022-01-04 AND checkable = true",
            expect(&|i| (3..=4).contains(&(1 + i % 28)) && i % 4 != 3),
        ),
    ];
    for (filter, expected) in cases {
        let served = list_all(&mut client, filter, "", 37).await;
        assert_each_once(&served);
        let served: HashSet<String> = names(&served).into_iter().collect();
        assert_eq!(served, expected, "{filter}");
    }
    // The details come back with each listed claim.
    let one = list_all(&mut client, "entity = \"Agency3\"", "", 5).await;
    assert!(
        one.iter()
            .all(|claim| claim.entities.iter().any(|entity| entity.name == "Agency3"))
    );
    assert!(one.iter().all(|claim| claim.dates.len() == 1));
    server.stop().await;
}

#[tokio::test]
async fn reviewers_correct_the_kind_and_checkability_of_a_claim() {
    let server = spawn_server().await;
    // Claim 1 (i = 0) is a STATISTIC and checkable (see load_claims).
    server.load_claims(1, 2).await;
    let mut client = server.claims(Some(&server.reviewer)).await;
    let claim = client
        .get_claim(pb::GetClaimRequest {
            name: "claims/1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(claim.kind(), pb::claim::Kind::Statistic);
    assert!(claim.checkable);
    let correction = |kind: pb::claim::Kind, paths: &[&str], etag: &str| pb::UpdateClaimRequest {
        claim: Some(pb::Claim {
            name: "claims/1".into(),
            kind: kind.into(),
            checkable: false,
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| path.to_string()).collect(),
        }),
        etag: etag.into(),
    };
    let status = client
        .update_claim(correction(pb::claim::Kind::Unspecified, &["kind"], &claim.etag))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("claim.kind"), "{}", status.message());

    let updated = client
        .update_claim(correction(
            pb::claim::Kind::Opinion,
            &["kind", "checkable"],
            &claim.etag,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.kind(), pb::claim::Kind::Opinion);
    assert!(!updated.checkable);
    assert_eq!(updated.text, claim.text, "fields outside the mask stay");
    // Filters and the queue follow the correction.
    let opinions = list_all(&mut client, "kind = OPINION AND checkable = false", "", 10).await;
    assert_eq!(names(&opinions), ["claims/1"]);
    let audit = server
        .reviews(Some(&server.admin))
        .await
        .list_audit_events(pb::ListAuditEventsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let correction = audit
        .events
        .iter()
        .find(|event| event.method == "UpdateClaim")
        .expect("the correction is audited");
    assert!(correction.details.contains("STATISTIC"), "{}", correction.details);
    assert!(correction.details.contains("OPINION"), "{}", correction.details);
    server.stop().await;
}

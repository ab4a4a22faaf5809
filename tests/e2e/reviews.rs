//! The review workflow over gRPC: the queue and its leases, verdicts with etags, history,
//! second review, statistics, the audit log and the live event stream.

use std::collections::HashSet;
use std::time::Duration;

use claimdb::api::ServeOptions;
use claimdb::api::pb;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use claimdb::model::Role;
use claimdb::review::rules::ReviewPolicy;
use tonic::Code;
use tonic::transport::Endpoint;

use crate::support::{Authed, Bearer, MISSION_ARTICLE, spawn_server, spawn_server_with};

/// An article of `n_sentences` sentences on council spending, most of them a claim.
fn council_spending(n_sentences: usize) -> String {
    (0..n_sentences)
        .map(|i| {
            format!(
                "The council spent {i} million euros on roads in {}. ",
                1900 + i % 100
            )
        })
        .collect()
}

type Reviews = pb::review_service_client::ReviewServiceClient<Authed>;

fn review(claim: &pb::Claim, verdict: pb::Verdict) -> pb::SubmitReviewRequest {
    pb::SubmitReviewRequest {
        claim: claim.name.clone(),
        etag: claim.etag.clone(),
        verdict: verdict.into(),
        rationale: "The official record says otherwise.".into(),
        evidence_urls: vec!["https://example.org/record".into()],
    }
}

#[tokio::test]
async fn the_whole_review_path() {
    let server = spawn_server().await;
    let stored = server.create_article(MISSION_ARTICLE.to_owned()).await;
    let best = stored
        .claims
        .iter()
        .map(|claim| claim.checkworthiness)
        .fold(0.0, f64::max);

    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let claim = reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .expect("the queue has claims");
    assert_eq!(claim.checkworthiness, best, "the most check-worthy first");
    assert_eq!(claim.lease_holder, "test-reviewer");
    assert!(claim.lease_expire_time.is_some());
    assert_eq!(claim.status(), pb::claim::Status::Unreviewed);

    // Malformed reviews are refused, naming the field, and change nothing.
    let mut no_rationale = review(&claim, pb::Verdict::False);
    no_rationale.rationale = "  ".into();
    let mut bad_evidence = review(&claim, pb::Verdict::False);
    bad_evidence.evidence_urls = vec!["https://ok.example".into(), "ftp://example.org/x".into()];
    let mut no_verdict = review(&claim, pb::Verdict::False);
    no_verdict.verdict = 0;
    let mut no_etag = review(&claim, pb::Verdict::False);
    no_etag.etag = String::new();
    for (request, field) in [
        (no_rationale, "rationale"),
        (bad_evidence, "evidence_urls[1]"),
        (no_verdict, "verdict"),
        (no_etag, "etag"),
    ] {
        let status = reviews.submit_review(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}");
        assert!(status.message().starts_with(field), "{}", status.message());
    }

    let submitted = reviews
        .submit_review(review(&claim, pb::Verdict::MostlyFalse))
        .await
        .unwrap()
        .into_inner();
    let after = submitted.claim.unwrap();
    assert_eq!(after.status(), pb::claim::Status::Reviewed);
    assert_eq!(after.verdict(), pb::Verdict::MostlyFalse);
    assert!(after.verdict_final);
    assert_eq!(after.last_reviewer, "test-reviewer");
    assert!(after.lease_holder.is_empty(), "submitting ends the lease");
    assert_ne!(after.etag, claim.etag);
    let review_name = submitted.review.unwrap().name;
    assert_eq!(review_name, format!("{}/reviews/1", claim.name));

    // The old etag no longer works: ABORTED, and nothing changes.
    let status = reviews
        .submit_review(review(&claim, pb::Verdict::True))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Aborted, "{}", status.message());
    let history = server
        .reviews(Some(&server.reader))
        .await
        .list_reviews(pb::ListReviewsRequest {
            parent: claim.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .reviews;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].reviewer, "test-reviewer");
    assert_eq!(history[0].verdict(), pb::Verdict::MostlyFalse);
    assert_eq!(history[0].evidence_urls, ["https://example.org/record"]);

    // A second verdict with the current etag appends to the history.
    reviews
        .submit_review(review(&after, pb::Verdict::False))
        .await
        .unwrap();
    let now = server
        .claims(Some(&server.reader))
        .await
        .get_claim(pb::GetClaimRequest {
            name: claim.name.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(now.verdict(), pb::Verdict::False, "the verdict is the latest");
    // The claim's history: its extraction, then both verdicts in order.
    let events = server
        .reviews(Some(&server.reader))
        .await
        .get_claim_history(pb::GetClaimHistoryRequest {
            name: claim.name.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    use pb::claim_history_event::Change;
    let verdicts: Vec<(&str, pb::Verdict)> = events[1..]
        .iter()
        .map(|event| match &event.change {
            Some(Change::Review(review)) => (event.actor.as_str(), review.verdict()),
            other => panic!("only reviews after the extraction: {other:?}"),
        })
        .collect();
    assert!(matches!(events[0].change, Some(Change::Extraction(_))));
    assert_eq!(events[0].actor, claim.extractor_version);
    assert_eq!(
        verdicts,
        [
            ("test-reviewer", pb::Verdict::MostlyFalse),
            ("test-reviewer", pb::Verdict::False)
        ]
    );

    // Release gives a claim back; only its holder may release it.
    let next = reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    assert_ne!(next.name, claim.name, "a reviewed claim leaves the queue");
    let other = server.token(Role::Reviewer, "other").await;
    let status = server
        .reviews(Some(&other))
        .await
        .release_claim(pb::ReleaseClaimRequest {
            name: next.name.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    // Nor may anyone else submit while it is held.
    let status = server
        .reviews(Some(&other))
        .await
        .submit_review(review(&next, pb::Verdict::True))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    let released = reviews
        .release_claim(pb::ReleaseClaimRequest {
            name: next.name.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(released.lease_holder.is_empty());
    let again = reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    assert_eq!(again.name, next.name, "a released claim is first in line again");

    // Every write is in the audit log, with who did it.
    let events = server
        .reviews(Some(&server.admin))
        .await
        .list_audit_events(pb::ListAuditEventsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .events;
    let methods: Vec<(&str, &str)> = events
        .iter()
        .map(|event| (event.method.as_str(), event.actor.as_str()))
        .collect();
    assert_eq!(
        methods,
        [
            ("CreateToken", "local"),
            ("CreateToken", "local"),
            ("CreateToken", "local"),
            ("CreateArticle", "test-admin"),
            ("AcquireClaim", "test-reviewer"),
            ("SubmitReview", "test-reviewer"),
            ("SubmitReview", "test-reviewer"),
            ("AcquireClaim", "test-reviewer"),
            ("CreateToken", "local"),
            ("ReleaseClaim", "test-reviewer"),
            ("AcquireClaim", "test-reviewer"),
        ]
    );
    assert_eq!(events[5].resource, claim.name);
    server.stop().await;
}

#[tokio::test]
async fn many_concurrent_reviewers_never_get_the_same_claim() {
    let server = spawn_server().await;
    server.load_claims(20, 10).await;
    let mut tasks = Vec::new();
    for reviewer_idx in 0..16 {
        let token = server
            .token(Role::Reviewer, &format!("reviewer{reviewer_idx}"))
            .await;
        let mut client = server.reviews(Some(&token)).await;
        tasks.push(tokio::spawn(async move {
            // Each reviewer takes two claims, then reviews them, and so on,
            // so that its leases overlap other reviewers' acquires.
            let mut mine = Vec::new();
            loop {
                let mut held = Vec::new();
                for _ in 0..2 {
                    let acquired = client
                        .acquire_claim(pb::AcquireClaimRequest::default())
                        .await
                        .unwrap()
                        .into_inner()
                        .claim;
                    held.extend(acquired);
                }
                if held.is_empty() {
                    return mine;
                }
                for claim in held {
                    client
                        .submit_review(review(&claim, pb::Verdict::True))
                        .await
                        .unwrap();
                    mine.push(claim.name);
                }
            }
        }));
    }
    let mut handed_out = Vec::new();
    for task in tasks {
        handed_out.extend(task.await.unwrap());
    }
    let distinct: HashSet<&String> = handed_out.iter().collect();
    // Every fourth loaded claim is not checkable and never handed out.
    assert_eq!(handed_out.len(), 150, "every checkable claim handed out");
    assert_eq!(distinct.len(), 150, "and each exactly once");
    server.stop().await;
}

#[tokio::test]
async fn a_reviewer_cannot_hold_more_than_max_leases_claims() {
    let server = spawn_server_with(ServeOptions {
        max_leases: 2,
        ..ServeOptions::default()
    })
    .await;
    server.load_claims(1, 8).await;
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let acquire = async |reviews: &mut Reviews| {
        reviews
            .acquire_claim(pb::AcquireClaimRequest::default())
            .await
            .map(|response| response.into_inner().claim.unwrap())
    };
    let first = acquire(&mut reviews).await.unwrap();
    acquire(&mut reviews).await.unwrap();
    let status = acquire(&mut reviews).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert!(
        status.message().contains("already holds 2 claims"),
        "{}",
        status.message()
    );
    // Reviewing one frees a place.
    reviews
        .submit_review(review(&first, pb::Verdict::True))
        .await
        .unwrap();
    acquire(&mut reviews).await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn of_concurrent_submits_with_one_etag_exactly_one_wins() {
    let server = spawn_server().await;
    server.load_claims(1, 3).await;
    let claim = server
        .claims(Some(&server.reader))
        .await
        .get_claim(pb::GetClaimRequest {
            name: "claims/2".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut tasks = Vec::new();
    for reviewer_idx in 0..12 {
        let token = server
            .token(Role::Reviewer, &format!("reviewer{reviewer_idx}"))
            .await;
        let mut client = server.reviews(Some(&token)).await;
        let request = review(&claim, pb::Verdict::True);
        tasks.push(tokio::spawn(async move {
            client
                .submit_review(request)
                .await
                .map(drop)
                .map_err(|status| status.code())
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|outcome| outcome.is_ok()).count(), 1);
    assert!(
        outcomes
            .iter()
            .all(|outcome| matches!(outcome, Ok(()) | Err(Code::Aborted)))
    );
    let history = server
        .reviews(Some(&server.reader))
        .await
        .list_reviews(pb::ListReviewsRequest {
            parent: claim.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .reviews;
    assert_eq!(history.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn an_expired_lease_returns_the_claim_to_the_queue() {
    let server = spawn_server_with(ServeOptions {
        lease: Duration::ZERO,
        ..ServeOptions::default()
    })
    .await;
    server.load_claims(1, 1).await;
    let ann = server.token(Role::Reviewer, "ann").await;
    let bob = server.token(Role::Reviewer, "bob").await;
    let first = server
        .reviews(Some(&ann))
        .await
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    let second = server
        .reviews(Some(&bob))
        .await
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    assert_eq!(first.name, second.name);
    server.stop().await;
}

#[tokio::test]
async fn second_review_needs_another_reviewer_who_agrees() {
    let server = spawn_server_with(ServeOptions {
        policy: ReviewPolicy { second_review: true },
        ..ServeOptions::default()
    })
    .await;
    server.load_claims(1, 1).await;
    let [ann, bob, cy] = [
        server.token(Role::Reviewer, "ann").await,
        server.token(Role::Reviewer, "bob").await,
        server.token(Role::Reviewer, "cy").await,
    ];
    let acquire = |token: String| {
        let server = &server;
        async move {
            server
                .reviews(Some(&token))
                .await
                .acquire_claim(pb::AcquireClaimRequest::default())
                .await
                .unwrap()
                .into_inner()
                .claim
        }
    };
    let submit = |token: String, claim: pb::Claim, verdict: pb::Verdict| {
        let server = &server;
        async move {
            server
                .reviews(Some(&token))
                .await
                .submit_review(review(&claim, verdict))
                .await
                .unwrap()
                .into_inner()
                .claim
                .unwrap()
        }
    };

    let claim = acquire(ann.clone()).await.unwrap();
    let claim = submit(ann.clone(), claim, pb::Verdict::False).await;
    assert_eq!(claim.status(), pb::claim::Status::Reviewed);
    assert!(!claim.verdict_final, "one opinion is not final");
    assert!(acquire(ann.clone()).await.is_none(), "ann cannot second herself");

    let claim = acquire(bob.clone()).await.expect("bob gives the second opinion");
    let claim = submit(bob, claim, pb::Verdict::True).await;
    assert_eq!(claim.status(), pb::claim::Status::Disputed);
    assert!(!claim.verdict_final);

    let claim = acquire(cy.clone())
        .await
        .expect("a disputed claim is back in the queue");
    let claim = submit(cy.clone(), claim, pb::Verdict::True).await;
    assert_eq!(claim.status(), pb::claim::Status::Reviewed);
    assert!(claim.verdict_final, "cy agrees with bob");
    assert_eq!(claim.verdict(), pb::Verdict::True);
    assert!(acquire(cy).await.is_none());

    let stats = server
        .reviews(Some(&server.admin))
        .await
        .get_review_stats(pb::GetReviewStatsRequest {})
        .await
        .unwrap()
        .into_inner();
    let queue = stats.queue.unwrap();
    assert_eq!(
        (queue.unreviewed, queue.leased, queue.disputed, queue.r#final),
        (0, 0, 0, 1)
    );
    assert!(stats.second_review);
    assert_eq!(stats.double_reviewed_claims, 1);
    // ann said FALSE, bob TRUE: no agreement beyond chance.
    assert_eq!(stats.cohens_kappa, Some(0.0));
    let reviewers: Vec<(&str, i64)> = stats
        .reviewers
        .iter()
        .map(|reviewer| (reviewer.reviewer.as_str(), reviewer.reviews))
        .collect();
    assert_eq!(reviewers, [("ann", 1), ("bob", 1), ("cy", 1)]);
    server.stop().await;
}

#[tokio::test]
async fn watchers_see_claim_events_and_slow_ones_are_told_what_they_missed() {
    let server = spawn_server().await;
    server.load_claims(1, 2).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    let mut reviewed_only = claims
        .watch_claims(pb::WatchClaimsRequest {
            filter: "status = REVIEWED".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut everything = server
        .claims(Some(&server.reader))
        .await
        .watch_claims(pb::WatchClaimsRequest::default())
        .await
        .unwrap()
        .into_inner();

    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let claim = reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    reviews
        .submit_review(review(&claim, pb::Verdict::Mixed))
        .await
        .unwrap();

    let leased = everything.message().await.unwrap().unwrap();
    assert_eq!(leased.r#type(), pb::claim_event::Type::Leased);
    assert_eq!(leased.actor, "test-reviewer");
    let reviewed = everything.message().await.unwrap().unwrap();
    assert_eq!(reviewed.r#type(), pb::claim_event::Type::Reviewed);
    // The filtered watcher skips the lease: the claim was not reviewed yet.
    let first = reviewed_only.message().await.unwrap().unwrap();
    assert_eq!(first.r#type(), pb::claim_event::Type::Reviewed);
    assert_eq!(first.claim.unwrap().verdict(), pb::Verdict::Mixed);

    // A burst of events larger than the broadcast buffer: the writer does
    // not wait for `everything`, which is not being read, and that watcher
    // then learns how many events it missed.
    let created = server.create_article(council_spending(1500)).await;
    assert!(created.claims.len() > 1100, "{} claims", created.claims.len());
    let notice = everything.message().await.unwrap().unwrap();
    assert_eq!(notice.r#type(), pb::claim_event::Type::EventsDropped);
    assert!(notice.dropped_events > 0);
    let next = everything.message().await.unwrap().unwrap();
    assert_eq!(next.r#type(), pb::claim_event::Type::Created);
    drop((everything, reviewed_only));
    server.stop().await;
}

#[tokio::test]
async fn acquire_and_watch_take_the_same_filters_as_listing() {
    let server = spawn_server().await;
    server.load_claims(2, 7).await;
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    let none = reviews
        .acquire_claim(pb::AcquireClaimRequest {
            filter: "speaker = nobody".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(none.claim.is_none(), "no claim matches: nothing is leased");
    let claim = reviews
        .acquire_claim(pb::AcquireClaimRequest {
            filter: "speaker = speaker3 AND checkworthiness < 0.15".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();
    // Claims 4 and 11 match; claim 4 is not checkable, so 11 is handed out.
    assert_eq!(
        (claim.speaker.as_str(), claim.name.as_str()),
        ("speaker3", "claims/11")
    );
    let status = reviews
        .acquire_claim(pb::AcquireClaimRequest {
            filter: "speaker = x OR 1 = 1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().starts_with("filter at position 13"),
        "{}",
        status.message()
    );
    let status = server
        .claims(Some(&server.reader))
        .await
        .watch_claims(pb::WatchClaimsRequest {
            filter: "verdict = MAYBE".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    server.stop().await;
}

/// See: #4. A watcher's filter tests the claim as the event describes it,
/// not as the claim is when the watcher gets round to the event.
#[tokio::test]
async fn a_watch_filter_tests_the_claim_as_the_event_describes_it() {
    let server = spawn_server().await;
    // A watcher that does not read, on a connection with the smallest
    // HTTP/2 windows: the server can send it little, its queue fills, and
    // its task waits long before it reaches the last claim's CREATED event.
    let channel = Endpoint::from_shared(format!("http://{}", server.addr))
        .unwrap()
        .initial_stream_window_size(65_535)
        .initial_connection_window_size(65_535)
        .connect()
        .await
        .unwrap();
    let mut unreviewed = ClaimServiceClient::with_interceptor(channel, Bearer::new(&server.reader))
        .watch_claims(pb::WatchClaimsRequest {
            filter: "status = UNREVIEWED".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let created = server.create_article(council_spending(900)).await.claims;
    assert!(
        (500..1000).contains(&created.len()),
        "{} claims: enough to fill the watcher, fewer than it keeps",
        created.len()
    );
    // Reviewed right after it was created: the claim is REVIEWED now, but
    // its CREATED event describes an unreviewed claim. Then another claim
    // is leased, an event the watcher takes.
    let last = created.last().unwrap();
    let mut reviews = server.reviews(Some(&server.reviewer)).await;
    reviews
        .submit_review(review(last, pb::Verdict::False))
        .await
        .unwrap();
    let leased = reviews
        .acquire_claim(pb::AcquireClaimRequest::default())
        .await
        .unwrap()
        .into_inner()
        .claim
        .unwrap();

    // Every CREATED event, the reviewed claim's too; then, as the REVIEWED
    // event describes a reviewed claim, the lease.
    let mut received = Vec::new();
    loop {
        let event = unreviewed.message().await.unwrap().unwrap();
        let kind = event.r#type();
        let claim = event.claim.unwrap();
        assert_eq!(
            claim.status(),
            pb::claim::Status::Unreviewed,
            "{kind:?} {}",
            claim.name
        );
        if kind != pb::claim_event::Type::Created {
            assert_eq!((kind, claim.name), (pb::claim_event::Type::Leased, leased.name));
            break;
        }
        received.push(claim.name);
    }
    let expected: Vec<&str> = created.iter().map(|claim| claim.name.as_str()).collect();
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|name| !received.iter().any(|got| got == **name))
        .collect();
    assert!(
        received == expected,
        "{} CREATED events for {} claims; missing {missing:?}",
        received.len(),
        expected.len()
    );
    drop(unreviewed);
    server.stop().await;
}

/// See: #4. `reviewer` needs the review history, which an event's claim does
/// not carry: the watcher reads it from the store.
#[tokio::test]
async fn a_reviewer_watch_filter_reads_the_review_history() {
    let server = spawn_server().await;
    server.load_claims(1, 3).await;
    let mut by_reviewer = server
        .claims(Some(&server.reader))
        .await
        .watch_claims(pb::WatchClaimsRequest {
            filter: "reviewer = test-reviewer AND checkable = true".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut claims = server.claims(Some(&server.reader)).await;
    let mut stored = Vec::new();
    for name in ["claims/1", "claims/2"] {
        let request = pb::GetClaimRequest { name: name.into() };
        stored.push(claims.get_claim(request).await.unwrap().into_inner());
    }
    let [first, second] = <[pb::Claim; 2]>::try_from(stored).unwrap();
    // Another reviewer's verdict: skipped, whenever the watcher tests it.
    server
        .reviews(Some(&server.admin))
        .await
        .submit_review(review(&second, pb::Verdict::False))
        .await
        .unwrap();
    server
        .reviews(Some(&server.reviewer))
        .await
        .submit_review(review(&first, pb::Verdict::True))
        .await
        .unwrap();
    let event = by_reviewer.message().await.unwrap().unwrap();
    assert_eq!(event.r#type(), pb::claim_event::Type::Reviewed);
    assert_eq!(event.claim.unwrap().name, "claims/1");
    drop(by_reviewer);
    server.stop().await;
}

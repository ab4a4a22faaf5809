//! The client subcommands: call a running server over gRPC with the caller's token.

use super::output::{errln, out, outln};
use anyhow::Context;
use tonic::Request;
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use super::{
    ArticlesCommand, AuditArgs, ClaimsCommand, ClientArgs, PageArgs, ReviewCommand, ReviewsCommand,
    resource_name,
};
use super::{json, output};
use crate::api::pb;
use crate::api::pb::article_service_client::ArticleServiceClient;
use crate::api::pb::claim_review_service_client::ClaimReviewServiceClient;
use crate::api::pb::claim_service_client::ClaimServiceClient;
use crate::api::pb::review_service_client::ReviewServiceClient;

/// Adds `authorization: Bearer <token>` to every call.
#[derive(Clone)]
pub(super) struct BearerToken(Option<MetadataValue<tonic::metadata::Ascii>>);

impl Interceptor for BearerToken {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, tonic::Status> {
        if let Some(value) = &self.0 {
            request.metadata_mut().insert("authorization", value.clone());
        }
        Ok(request)
    }
}

pub(super) type Intercepted = tonic::service::interceptor::InterceptedService<Channel, BearerToken>;

async fn connect(args: &ClientArgs) -> anyhow::Result<(Channel, BearerToken)> {
    let token = match &args.token {
        Some(token) => Some(
            format!("Bearer {token}")
                .parse()
                .context("CLAIMDB_TOKEN is not a valid token")?,
        ),
        None => None,
    };
    let uri = if args.addr.contains("://") {
        args.addr.clone()
    } else {
        format!("http://{}", args.addr)
    };
    let mut endpoint =
        Endpoint::from_shared(uri).with_context(|| format!("{} is not a server address", args.addr))?;
    let https = endpoint.uri().scheme_str() == Some("https");
    match (&args.ca_file, https) {
        (Some(ca_file), true) => {
            let ca_pem = std::fs::read(ca_file)
                .with_context(|| format!("cannot read --ca-file {}", ca_file.display()))?;
            let tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(ca_pem));
            endpoint = endpoint
                .tls_config(tls)
                .with_context(|| format!("cannot use --ca-file {}", ca_file.display()))?;
        }
        (None, true) => {
            endpoint = endpoint
                .tls_config(ClientTlsConfig::new().with_native_roots())
                .context("cannot set up TLS")?;
        }
        (Some(_), false) => {
            anyhow::bail!(
                "--ca-file is for TLS: call an https:// address (not {})",
                args.addr
            )
        }
        (None, false) => {}
    }
    let channel = endpoint.connect().await.with_context(|| {
        let hint = if https {
            "; if it is its certificate, is it signed by an authority this client trusts (--ca-file)?"
        } else {
            "; if it serves TLS, call https://"
        };
        format!("cannot reach a claimdb server at {}{hint}", args.addr)
    })?;
    Ok((channel, BearerToken(token)))
}

pub(super) async fn article_client(args: &ClientArgs) -> anyhow::Result<ArticleServiceClient<Intercepted>> {
    let (channel, token) = connect(args).await?;
    Ok(ArticleServiceClient::with_interceptor(channel, token).max_decoding_message_size(usize::MAX))
}

async fn claim_client(args: &ClientArgs) -> anyhow::Result<ClaimServiceClient<Intercepted>> {
    let (channel, token) = connect(args).await?;
    Ok(ClaimServiceClient::with_interceptor(channel, token).max_decoding_message_size(usize::MAX))
}

async fn review_client(args: &ClientArgs) -> anyhow::Result<ReviewServiceClient<Intercepted>> {
    let (channel, token) = connect(args).await?;
    Ok(ReviewServiceClient::with_interceptor(channel, token).max_decoding_message_size(usize::MAX))
}

pub(super) async fn claim_review_client(
    args: &ClientArgs,
) -> anyhow::Result<ClaimReviewServiceClient<Intercepted>> {
    let (channel, token) = connect(args).await?;
    Ok(ClaimReviewServiceClient::with_interceptor(channel, token).max_decoding_message_size(usize::MAX))
}

/// Turns a failed call into an error that shows the server's code and message.
pub(super) fn call_failed(status: tonic::Status) -> anyhow::Error {
    // A connection that failed below gRPC has no status from the server:
    // tonic makes one from the transport's error and keeps that error as
    // its source, which a status read from the server's trailers never has.
    // Against a TLS server, a plaintext client sees exactly that, as an h2
    // protocol error or, when the server closes first, as a cancelled call.
    let message = status.message();
    if std::error::Error::source(&status).is_some() {
        return anyhow::anyhow!(
            "the connection to the server failed ({message}); if the server serves TLS, call an https:// address"
        );
    }
    anyhow::anyhow!("{:?}: {}", status.code(), message)
}

pub async fn articles(args: ClientArgs, command: ArticlesCommand) -> anyhow::Result<()> {
    let mut client = article_client(&args).await?;
    match command {
        ArticlesCommand::Create {
            file,
            title,
            url,
            publisher,
            published_date,
        } => {
            let body = super::read_input(&file)?;
            let metadata = crate::model::ArticleMetadata {
                title,
                source_url: url,
                publisher,
                published_date,
                ..Default::default()
            };
            let article = crate::api::article_submission(body, metadata);
            let response = client
                .create_article(pb::CreateArticleRequest {
                    article: Some(article),
                })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                json::print(&response)?;
            } else {
                if response.already_exists {
                    outln!("Already stored; nothing was written.");
                }
                out!("{}", output::article_text(&response.article.unwrap_or_default()));
                outln!();
                for claim in &response.claims {
                    outln!("{}", output::claim_line(claim));
                }
            }
        }
        ArticlesCommand::List { filter, page } => {
            let mut page_token = String::new();
            let mut n_shown = 0;
            loop {
                let response = client
                    .list_articles(pb::ListArticlesRequest {
                        page_size: page.page_size,
                        page_token,
                        filter: filter.clone(),
                    })
                    .await
                    .map_err(call_failed)?
                    .into_inner();
                for article in &response.articles {
                    if page.limit.is_some_and(|limit| n_shown >= limit) {
                        return Ok(());
                    }
                    if args.json {
                        json::print(article)?;
                    } else {
                        outln!("{}", output::article_line(article));
                    }
                    n_shown += 1;
                }
                if response.next_page_token.is_empty() {
                    say_if_none(n_shown, "no articles match");
                    return Ok(());
                }
                page_token = response.next_page_token;
            }
        }
        ArticlesCommand::Show { name } => {
            let article = client
                .get_article(pb::GetArticleRequest {
                    name: resource_name("articles", &name),
                })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                json::print(&article)?;
            } else {
                out!("{}", output::article_text(&article));
                outln!("\n{}", article.body);
            }
        }
    }
    Ok(())
}

pub async fn claims(args: ClientArgs, command: ClaimsCommand) -> anyhow::Result<()> {
    let mut client = claim_client(&args).await?;
    match command {
        ClaimsCommand::List {
            article,
            filter,
            order_by,
            page,
        } => {
            let request = pb::ListClaimsRequest {
                article: article.map_or_else(String::new, |article| resource_name("articles", &article)),
                filter,
                order_by,
                ..Default::default()
            };
            list_claims(&mut client, &args, request, page, "no claims match").await
        }
        ClaimsCommand::Search {
            query,
            filter,
            exhaustive,
            page,
        } => {
            let request = pb::SearchClaimsRequest {
                query,
                filter,
                exhaustive,
                page_size: page.page_size,
                ..Default::default()
            };
            search_claims(&mut client, &args, request, page).await
        }
        ClaimsCommand::Show { name } => {
            let name = resource_name("claims", &name);
            let claim = client
                .get_claim(pb::GetClaimRequest { name: name.clone() })
                .await
                .map_err(call_failed)?
                .into_inner();
            let history = review_client(&args)
                .await?
                .get_claim_history(pb::GetClaimHistoryRequest { name })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                json::print(&claim)?;
                for event in &history.events {
                    json::print(event)?;
                }
            } else {
                out!("{}", output::claim_text(&claim));
                outln!("history");
                for event in &history.events {
                    outln!("{}", output::history_line(event));
                }
            }
            Ok(())
        }
        ClaimsCommand::Edit {
            claim,
            etag,
            text,
            speaker,
            kind,
            checkable,
        } => {
            let mut paths = Vec::new();
            let mut corrected = pb::Claim {
                name: resource_name("claims", &claim),
                ..Default::default()
            };
            if let Some(text) = text {
                corrected.text = text;
                paths.push("text".to_owned());
            }
            if let Some(speaker) = speaker {
                corrected.speaker = speaker;
                paths.push("speaker".to_owned());
            }
            if let Some(kind) = kind {
                corrected.set_kind(kind);
                paths.push("kind".to_owned());
            }
            if let Some(checkable) = checkable {
                corrected.checkable = checkable;
                paths.push("checkable".to_owned());
            }
            if paths.is_empty() {
                anyhow::bail!("nothing to correct: give --text, --speaker, --kind or --checkable");
            }
            let updated = client
                .update_claim(pb::UpdateClaimRequest {
                    claim: Some(corrected),
                    update_mask: Some(prost_types::FieldMask { paths }),
                    etag,
                })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                json::print(&updated)?;
            } else {
                outln!("Corrected {}.", updated.name);
                out!("{}", output::claim_text(&updated));
            }
            Ok(())
        }
        ClaimsCommand::Watch { filter, limit } => {
            let mut events = client
                .watch_claims(pb::WatchClaimsRequest { filter })
                .await
                .map_err(call_failed)?
                .into_inner();
            // Said once the stream is open, so that a person (or a script)
            // knows that events from now on will be shown.
            errln!("watching claim events (Ctrl-C stops)");
            let mut n_shown = 0;
            while limit.is_none_or(|limit| n_shown < limit) {
                let Some(event) = events.message().await.map_err(call_failed)? else {
                    errln!("the server ended the watch");
                    break;
                };
                if args.json {
                    json::print(&event)?;
                } else {
                    outln!("{}", output::event_line(&event));
                }
                n_shown += 1;
            }
            Ok(())
        }
    }
}

async fn list_claims(
    client: &mut ClaimServiceClient<Intercepted>,
    args: &ClientArgs,
    request: pb::ListClaimsRequest,
    page: PageArgs,
    if_none: &str,
) -> anyhow::Result<()> {
    let mut page_token = String::new();
    let mut n_shown = 0;
    if !args.json {
        outln!("{}", output::CLAIM_HEADER);
    }
    loop {
        let response = client
            .list_claims(pb::ListClaimsRequest {
                page_size: page.page_size,
                page_token,
                ..request.clone()
            })
            .await
            .map_err(call_failed)?
            .into_inner();
        for claim in &response.claims {
            if page.limit.is_some_and(|limit| n_shown >= limit) {
                return Ok(());
            }
            if args.json {
                json::print(claim)?;
            } else {
                outln!("{}", output::claim_line(claim));
            }
            n_shown += 1;
        }
        if response.next_page_token.is_empty() {
            say_if_none(n_shown, if_none);
            return Ok(());
        }
        page_token = response.next_page_token;
    }
}

async fn search_claims(
    client: &mut ClaimServiceClient<Intercepted>,
    args: &ClientArgs,
    mut request: pb::SearchClaimsRequest,
    page: PageArgs,
) -> anyhow::Result<()> {
    let mut n_shown = 0;
    loop {
        let response = client
            .search_claims(request.clone())
            .await
            .map_err(call_failed)?
            .into_inner();
        if response.newest_matches_only && request.page_token.is_empty() {
            errln!(
                "note: more claims match than the server ranks at once; these are the best of the newest. \
                 Add words or a filter, or pass --exhaustive, to rank them all."
            );
        }
        for result in &response.results {
            if page.limit.is_some_and(|limit| n_shown >= limit) {
                return Ok(());
            }
            if args.json {
                json::print(result)?;
            } else {
                let claim = result.claim.clone().unwrap_or_default();
                outln!("{:<12} {:<24} {}", claim.name, claim.speaker, result.text_snippet);
            }
            n_shown += 1;
        }
        if response.next_page_token.is_empty() {
            say_if_none(n_shown, "no claims match the search");
            return Ok(());
        }
        request.page_token = response.next_page_token;
    }
}

/// Says on standard error that a list or search found nothing, so that an
/// empty answer is not mistaken for a hung or broken command; standard
/// output stays as it is (no JSON line in `--json`).
fn say_if_none(n_shown: usize, message: &str) {
    if n_shown == 0 {
        errln!("{message}");
    }
}

/// How many earlier reviewed claims `review next` shows.
const SHOWN_MATCHES: usize = 3;

/// Reviewed claims that may say what `claim` says, closest first
/// (FindSimilarClaims, keeping the reviewed ones).
async fn similar_reviewed(args: &ClientArgs, claim: &pb::Claim) -> anyhow::Result<Vec<pb::SimilarClaim>> {
    let matches = claim_client(args)
        .await?
        .find_similar_claims(pb::FindSimilarClaimsRequest {
            query: Some(pb::find_similar_claims_request::Query::Claim(claim.name.clone())),
            page_size: 10,
        })
        .await
        .map_err(call_failed)?
        .into_inner()
        .matches;
    Ok(matches
        .into_iter()
        .filter(|found| found.reviewed)
        .take(SHOWN_MATCHES)
        .collect())
}

pub async fn review(args: ClientArgs, command: ReviewCommand) -> anyhow::Result<()> {
    let mut client = review_client(&args).await?;
    match command {
        ReviewCommand::Next { filter } => {
            let claim = client
                .acquire_claim(pb::AcquireClaimRequest { filter })
                .await
                .map_err(call_failed)?
                .into_inner()
                .claim;
            let Some(claim) = claim else {
                if args.json {
                    outln!("{{}}");
                } else {
                    outln!("The queue is empty: no claim matches that nobody holds.");
                }
                return Ok(());
            };
            let article = article_client(&args)
                .await?
                .get_article(pb::GetArticleRequest {
                    name: claim.article.clone(),
                })
                .await
                .map_err(call_failed)?
                .into_inner();
            let similar = similar_reviewed(&args, &claim).await?;
            if args.json {
                json::print(&claim)?;
                json::print(&article)?;
                for result in &similar {
                    json::print(result)?;
                }
            } else {
                out!("{}", output::claim_text(&claim));
                outln!(
                    "from       {} ({}, {})",
                    article.name,
                    if article.title.is_empty() {
                        "untitled"
                    } else {
                        &article.title
                    },
                    if article.published_date.is_empty() {
                        "undated"
                    } else {
                        &article.published_date
                    }
                );
                if !similar.is_empty() {
                    outln!("similar reviewed claims");
                    for found in &similar {
                        let other = found.claim.clone().unwrap_or_default();
                        // An imported fact-check shows its publisher's words.
                        let verdict = match &other.external_review {
                            Some(external) => format!(
                                "{} ({}: {})",
                                external.verdict().as_str_name(),
                                external.publisher,
                                external.rating
                            ),
                            None => other.verdict().as_str_name().to_owned(),
                        };
                        outln!("  {:<12} {:<13} {}", other.name, verdict, other.text);
                    }
                }
                outln!(
                    "\nclaimdb review submit {} --etag '{}' --verdict VERDICT --rationale '...' [--evidence URL]",
                    claim.name,
                    claim.etag
                );
                if let Some(first) = similar.first().and_then(|found| found.claim.as_ref()) {
                    outln!(
                        "claimdb review submit {} --etag '{}' --same-as {}   # takes that claim's verdict",
                        claim.name,
                        claim.etag,
                        first.name
                    );
                }
            }
        }
        ReviewCommand::Submit {
            claim,
            etag,
            verdict,
            rationale,
            evidence,
            same_as,
        } => {
            let (verdict, rationale, evidence) = match same_as {
                Some(same_as) => {
                    let matched = matched_review(&args, &resource_name("claims", &same_as)).await?;
                    let mut urls = evidence;
                    if urls.is_empty() {
                        urls = matched.evidence;
                    }
                    (
                        verdict.unwrap_or(matched.verdict),
                        rationale.unwrap_or(matched.rationale),
                        urls,
                    )
                }
                // clap requires both without --same-as.
                None => (
                    verdict.context("--verdict is required")?,
                    rationale.context("--rationale is required")?,
                    evidence,
                ),
            };
            let response = client
                .submit_review(pb::SubmitReviewRequest {
                    claim: resource_name("claims", &claim),
                    etag,
                    verdict: verdict.into(),
                    rationale,
                    evidence_urls: evidence,
                })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                json::print(&response)?;
            } else {
                let claim = response.claim.unwrap_or_default();
                let review = response.review.unwrap_or_default();
                outln!("Recorded {}.", review.name);
                out!("{}", output::claim_text(&claim));
            }
        }
        ReviewCommand::Mine { page } => {
            let request = pb::ListClaimsRequest {
                filter: crate::review::filter::MINE.into(),
                ..Default::default()
            };
            let mut claims = claim_client(&args).await?;
            list_claims(&mut claims, &args, request, page, "you hold no claims").await?;
        }
        ReviewCommand::Release { claim } => {
            let claim = client
                .release_claim(pb::ReleaseClaimRequest {
                    name: resource_name("claims", &claim),
                })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                json::print(&claim)?;
            } else {
                outln!("Released {}.", claim.name);
            }
        }
    }
    Ok(())
}

pub async fn reviews(args: ClientArgs, command: ReviewsCommand) -> anyhow::Result<()> {
    let mut client = review_client(&args).await?;
    let ReviewsCommand::List { claim, page } = command;
    let parent = resource_name("claims", &claim);
    let mut page_token = String::new();
    let mut n_shown = 0;
    loop {
        let response = client
            .list_reviews(pb::ListReviewsRequest {
                parent: parent.clone(),
                page_size: page.page_size,
                page_token,
            })
            .await
            .map_err(call_failed)?
            .into_inner();
        for review in &response.reviews {
            if page.limit.is_some_and(|limit| n_shown >= limit) {
                return Ok(());
            }
            if args.json {
                json::print(review)?;
            } else {
                outln!("{} {}", review.name, output::review_line(review).trim_start());
            }
            n_shown += 1;
        }
        if response.next_page_token.is_empty() {
            say_if_none(n_shown, &format!("{parent} has no reviews"));
            return Ok(());
        }
        page_token = response.next_page_token;
    }
}

pub async fn stats(args: ClientArgs) -> anyhow::Result<()> {
    let stats = review_client(&args)
        .await?
        .get_review_stats(pb::GetReviewStatsRequest {})
        .await
        .map_err(call_failed)?
        .into_inner();
    if args.json {
        json::print(&stats)
    } else {
        out!("{}", output::stats_text(&stats));
        Ok(())
    }
}

pub async fn audit(args: ClientArgs, filter: AuditArgs, page: PageArgs) -> anyhow::Result<()> {
    let mut client = review_client(&args).await?;
    let mut page_token = String::new();
    let mut n_shown = 0;
    loop {
        let response = client
            .list_audit_events(pb::ListAuditEventsRequest {
                page_size: page.page_size,
                page_token,
                actor: filter.actor.clone().unwrap_or_default(),
                method: filter.method.clone().unwrap_or_default(),
                resource: filter.resource.clone().unwrap_or_default(),
                start_time: filter.since,
                end_time: filter.until,
                newest_first: !filter.oldest_first,
            })
            .await
            .map_err(call_failed)?
            .into_inner();
        for event in &response.events {
            if page.limit.is_some_and(|limit| n_shown >= limit) {
                return Ok(());
            }
            if args.json {
                json::print(event)?;
            } else {
                outln!("{}", output::audit_line(event));
            }
            n_shown += 1;
        }
        if response.next_page_token.is_empty() {
            say_if_none(n_shown, "no audit events match");
            return Ok(());
        }
        page_token = response.next_page_token;
    }
}

/// What `review submit --same-as` takes from a previously checked claim.
struct MatchedReview {
    verdict: pb::Verdict,
    rationale: String,
    evidence: Vec<String>,
}

/// The verdict of `name`, a rationale that names it, and its evidence: an
/// imported fact-check's page, or the sources of our latest review of it.
async fn matched_review(args: &ClientArgs, name: &str) -> anyhow::Result<MatchedReview> {
    let matched = claim_client(args)
        .await?
        .get_claim(pb::GetClaimRequest {
            name: name.to_owned(),
        })
        .await
        .map_err(call_failed)?
        .into_inner();
    let verdict = matched.verdict();
    if verdict == pb::Verdict::Unspecified {
        anyhow::bail!("--same-as {name}: that claim has no verdict to take");
    }
    let (by, evidence) = match &matched.external_review {
        Some(external) => (
            format!(
                "{} rated it \u{201c}{}\u{201d}",
                external.publisher, external.rating
            ),
            std::iter::once(external.url.clone())
                .filter(|url| !url.is_empty())
                .collect(),
        ),
        None => {
            let reviews = review_client(args)
                .await?
                .list_reviews(pb::ListReviewsRequest {
                    parent: name.to_owned(),
                    page_size: 1000,
                    page_token: String::new(),
                })
                .await
                .map_err(call_failed)?
                .into_inner()
                .reviews;
            let latest = reviews.last();
            (
                format!(
                    "reviewed here by {}",
                    latest.map_or(matched.last_reviewer.as_str(), |review| review.reviewer.as_str())
                ),
                latest
                    .map(|review| review.evidence_urls.clone())
                    .unwrap_or_default(),
            )
        }
    };
    Ok(MatchedReview {
        verdict,
        rationale: format!("Same claim as {name}: \u{201c}{}\u{201d} ({by}).", matched.text),
        evidence,
    })
}

//! The `ClaimReviewService`: reviewed claims out as ClaimReview JSON-LD, and other fact-checkers'
//! ClaimReview documents in as claims with an external review (issue 15).

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::auth::caller;
use super::error::not_configured;
use super::events::Events;
use super::{pb, run_cpu};
use crate::export::claimreview::{self as export, Publisher};
use crate::import::claimreview::{ReadReview, read_document};
use crate::model::{EventKind, Principal};
use crate::names;
use crate::store::{ReviewedClaimQuery, Store};

use pb::import_item_result::Outcome;

/// Claims read from the store per query while exporting.
const EXPORT_PAGE: u32 = 256;
/// Answers queued ahead of a client that reads slowly; the export waits
/// for it rather than holding more.
const ANSWER_QUEUE: usize = 64;

pub struct ClaimReviewApi {
    pub store: Arc<dyn Store>,
    /// Imported claims are announced to WatchClaims as CREATED.
    pub events: Events,
    /// Who publishes the exported reviews; `None` when the server was not
    /// given its publisher settings.
    pub publisher: Option<Publisher>,
}

#[tonic::async_trait]
impl pb::claim_review_service_server::ClaimReviewService for ClaimReviewApi {
    type ExportClaimReviewsStream = ReceiverStream<Result<pb::ExportClaimReviewsResponse, Status>>;

    #[tracing::instrument(skip_all)]
    async fn export_claim_reviews(
        &self,
        request: Request<pb::ExportClaimReviewsRequest>,
    ) -> Result<Response<Self::ExportClaimReviewsStream>, Status> {
        let principal = caller(&request)?;
        let request = request.into_inner();
        let filter = super::convert::claim_filter(&request.filter, &principal)?;
        let reviewed_since = super::convert::optional_time("reviewed_since", request.reviewed_since)?;
        let publisher = self.publisher.clone().ok_or_else(|| {
            not_configured(
                "the server has no publisher for ClaimReview: start it with --publisher-name and \
                 --review-url-template"
                    .into(),
            )
        })?;
        let (answers, receiver) = mpsc::channel(ANSWER_QUEUE);
        let store = Arc::clone(&self.store);
        tokio::spawn(async move {
            let mut after = None;
            loop {
                let query = ReviewedClaimQuery {
                    filter: filter.clone(),
                    reviewed_since,
                    after,
                    limit: EXPORT_PAGE,
                };
                let page = match store.list_reviewed_claims(query).await {
                    Ok(page) => page,
                    Err(err) => {
                        let _ = answers.send(Err(Status::from(err))).await;
                        return;
                    }
                };
                let n_found = page.len();
                for item in &page {
                    after = Some(item.claim.id);
                    let answer = pb::ExportClaimReviewsResponse {
                        claim: names::claim(item.claim.id),
                        claim_review_json: export::to_json(item, &publisher),
                    };
                    if answers.send(Ok(answer)).await.is_err() {
                        // The client went away.
                        return;
                    }
                }
                if n_found < EXPORT_PAGE as usize {
                    return;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(receiver)))
    }

    type ImportClaimReviewsStream = ReceiverStream<Result<pb::ImportClaimReviewsResponse, Status>>;

    #[tracing::instrument(skip_all)]
    async fn import_claim_reviews(
        &self,
        request: Request<Streaming<pb::ImportClaimReviewsRequest>>,
    ) -> Result<Response<Self::ImportClaimReviewsStream>, Status> {
        // Only the stream as a whole is refused here; each document and
        // each review in it is answered on its own.
        let principal = caller(&request)?;
        let (answers, receiver) = mpsc::channel(ANSWER_QUEUE);
        tokio::spawn(import(
            Arc::clone(&self.store),
            self.events.clone(),
            request.into_inner(),
            principal,
            answers,
        ));
        Ok(Response::new(ReceiverStream::new(receiver)))
    }
}

type Answers = mpsc::Sender<Result<pb::ImportClaimReviewsResponse, Status>>;

/// Reads documents one at a time: parse (on the blocking pool), store the
/// valid reviews in one transaction, answer each review, then the next
/// document. A client that sends faster waits on flow control.
async fn import(
    store: Arc<dyn Store>,
    events: Events,
    mut inbound: Streaming<pb::ImportClaimReviewsRequest>,
    principal: Principal,
    answers: Answers,
) {
    let mut summary = pb::ImportClaimReviewSummary::default();
    loop {
        let request = match inbound.message().await {
            Ok(Some(request)) => request,
            Ok(None) => break,
            Err(status) => {
                // The stream broke (or a message was refused by size): what
                // was answered is stored; the rest was never read.
                tracing::info!("ImportClaimReviews stream ended early: {status}");
                let _ = answers.send(Err(super::error::request_status(status))).await;
                return;
            }
        };
        summary.documents += 1;
        let item_id = request.item_id;
        let results = if request.document.trim().is_empty() {
            vec![invalid(&item_id, String::new(), "document: is empty".into())]
        } else {
            let document = request.document;
            let read = match run_cpu(move || read_document(&document)).await {
                Ok(read) => read,
                Err(status) => {
                    let _ = answers.send(Err(status)).await;
                    return;
                }
            };
            match read {
                Ok(reviews) => store_reviews(&*store, &events, &principal, &item_id, reviews).await,
                Err(reason) => vec![invalid(&item_id, String::new(), reason)],
            }
        };
        for result in results {
            summary.received += 1;
            match result.outcome() {
                Outcome::Created => summary.created += 1,
                Outcome::AlreadyExists => summary.already_exists += 1,
                Outcome::Invalid => summary.invalid += 1,
                Outcome::Failed | Outcome::Unspecified => summary.failed += 1,
            }
            let answer = pb::ImportClaimReviewsResponse {
                response: Some(pb::import_claim_reviews_response::Response::Item(result)),
            };
            if answers.send(Ok(answer)).await.is_err() {
                return;
            }
        }
    }
    tracing::info!(
        documents = summary.documents,
        created = summary.created,
        already_exists = summary.already_exists,
        invalid = summary.invalid,
        failed = summary.failed,
        by = principal.name,
        "ImportClaimReviews"
    );
    let _ = answers
        .send(Ok(pb::ImportClaimReviewsResponse {
            response: Some(pb::import_claim_reviews_response::Response::Summary(summary)),
        }))
        .await;
}

fn invalid(item_id: &str, path: String, reason: String) -> pb::ImportClaimReviewResult {
    pb::ImportClaimReviewResult {
        item_id: item_id.to_owned(),
        path,
        outcome: Outcome::Invalid.into(),
        claim: String::new(),
        reason,
    }
}

/// Stores a document's readable reviews in one write and answers every
/// review of it, readable or not, in document order.
async fn store_reviews(
    store: &dyn Store,
    events: &Events,
    principal: &Principal,
    item_id: &str,
    reviews: Vec<ReadReview>,
) -> Vec<pb::ImportClaimReviewResult> {
    let mut results = Vec::with_capacity(reviews.len());
    let mut valid = Vec::new();
    // For each valid review, where its answer stands in `results`.
    let mut slots = Vec::new();
    for review in reviews {
        match review.result {
            Ok(claim) => {
                slots.push(results.len());
                valid.push(claim);
                results.push(pb::ImportClaimReviewResult {
                    item_id: item_id.to_owned(),
                    path: review.path,
                    ..Default::default()
                });
            }
            Err(reason) => results.push(invalid(item_id, review.path, reason)),
        }
    }
    if valid.is_empty() {
        return results;
    }
    match store.import_external_reviews(valid, principal.clone()).await {
        Ok(outcomes) => {
            for (slot, outcome) in slots.into_iter().zip(outcomes) {
                let result = &mut results[slot];
                match outcome {
                    Ok(outcome) => {
                        result.claim = names::claim(outcome.claim);
                        result.outcome = match outcome.created {
                            Some(claim) => {
                                events.publish(EventKind::Created, claim, &principal.name);
                                Outcome::Created
                            }
                            None => Outcome::AlreadyExists,
                        }
                        .into();
                    }
                    Err(err) => {
                        result.outcome = Outcome::Failed.into();
                        result.reason = err.to_string();
                    }
                }
            }
        }
        Err(err) => {
            tracing::warn!("a ClaimReview document was not stored: {err}");
            for slot in slots {
                results[slot].outcome = Outcome::Failed.into();
                results[slot].reason = err.to_string();
            }
        }
    }
    results
}

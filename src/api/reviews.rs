//! The `ReviewService`: the review queue with leases, verdicts with etags, review history,
//! statistics and the audit log.

use std::sync::Arc;
use std::time::Duration;

use tonic::{Request, Response, Status};

use super::auth::caller;
use super::error::review_problems;
use super::events::Events;
use super::pagination::{PageTokens, page_size, scope};
use super::{ServeOptions, convert, pb};
use crate::model::{EventKind, NewReview, ReviewId, Role};
use crate::review::rules;
use crate::store::{AcquireQuery, AuditQuery, Store};

/// The window "reviews in the last day" counts over.
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

pub struct ReviewApi {
    pub store: Arc<dyn Store>,
    pub page_tokens: PageTokens,
    pub events: Events,
    pub options: ServeOptions,
}

#[tonic::async_trait]
impl pb::review_service_server::ReviewService for ReviewApi {
    #[tracing::instrument(skip_all)]
    async fn acquire_claim(
        &self,
        request: Request<pb::AcquireClaimRequest>,
    ) -> Result<Response<pb::AcquireClaimResponse>, Status> {
        let principal = caller(&request)?;
        let filter = convert::claim_filter(&request.get_ref().filter, &principal)?;
        let claim = self
            .store
            .acquire_claim(AcquireQuery {
                holder: principal.clone(),
                filter,
                lease: self.options.lease,
                policy: self.options.policy,
                max_leases: self.options.max_leases,
            })
            .await?;
        if let Some(claim) = &claim {
            tracing::info!(claim = claim.id.0, by = principal.name, "AcquireClaim");
            self.events
                .publish(EventKind::Leased, claim.clone(), &principal.name);
        }
        Ok(Response::new(pb::AcquireClaimResponse {
            claim: claim.map(convert::claim),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn release_claim(
        &self,
        request: Request<pb::ReleaseClaimRequest>,
    ) -> Result<Response<pb::Claim>, Status> {
        let principal = caller(&request)?;
        let id = convert::parse_claim_name("name", &request.get_ref().name)?;
        let claim = self.store.release_claim(principal.clone(), id).await?;
        self.events
            .publish(EventKind::Released, claim.clone(), &principal.name);
        Ok(Response::new(convert::claim(claim)))
    }

    #[tracing::instrument(skip_all)]
    async fn submit_review(
        &self,
        request: Request<pb::SubmitReviewRequest>,
    ) -> Result<Response<pb::SubmitReviewResponse>, Status> {
        let principal = caller(&request)?;
        let request = request.into_inner();
        let claim_id = convert::parse_claim_name("claim", &request.claim)?;
        convert::check_etag("etag", &request.etag)?;
        let verdict = convert::parse_verdict("verdict", request.verdict)?;
        let problems = rules::check_review(&request.rationale, &request.evidence_urls);
        if !problems.is_empty() {
            return Err(review_problems(&problems));
        }
        let (claim, review) = self
            .store
            .submit_review(
                principal.clone(),
                NewReview {
                    claim_id,
                    etag: request.etag,
                    verdict,
                    rationale: request.rationale,
                    evidence_urls: request.evidence_urls,
                },
                self.options.policy,
            )
            .await?;
        tracing::info!(claim = claim.id.0, verdict = %review.verdict, by = principal.name, "SubmitReview");
        self.events
            .publish(EventKind::Reviewed, claim.clone(), &principal.name);
        Ok(Response::new(pb::SubmitReviewResponse {
            review: Some(convert::review(review)),
            claim: Some(convert::claim(claim)),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_reviews(
        &self,
        request: Request<pb::ListReviewsRequest>,
    ) -> Result<Response<pb::ListReviewsResponse>, Status> {
        let request = request.into_inner();
        let limit = page_size(request.page_size)?;
        let claim_id = convert::parse_claim_name("parent", &request.parent)?;
        let (reviews, next_page_token) = self
            .page_tokens
            .page_by_id(
                &scope("reviews", &[&request.parent]),
                &request.page_token,
                limit,
                |after, limit| self.store.list_reviews(claim_id, after.map(ReviewId), limit),
                |review| review.id.0,
            )
            .await?;
        Ok(Response::new(pb::ListReviewsResponse {
            reviews: reviews.into_iter().map(convert::review).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_claim_history(
        &self,
        request: Request<pb::GetClaimHistoryRequest>,
    ) -> Result<Response<pb::ClaimHistory>, Status> {
        let claim_id = convert::parse_claim_name("name", &request.get_ref().name)?;
        let history = self.store.claim_history(claim_id).await?;
        Ok(Response::new(convert::claim_history(history)))
    }

    #[tracing::instrument(skip_all)]
    async fn get_review_stats(
        &self,
        _request: Request<pb::GetReviewStatsRequest>,
    ) -> Result<Response<pb::ReviewStats>, Status> {
        let stats = self.store.review_stats(THROUGHPUT_WINDOW).await?;
        Ok(Response::new(convert::review_stats(
            stats,
            self.options.policy.second_review,
        )))
    }

    #[tracing::instrument(skip_all)]
    async fn get_queue_counts(
        &self,
        _request: Request<pb::GetQueueCountsRequest>,
    ) -> Result<Response<pb::QueueCounts>, Status> {
        let queue = self.store.queue_counts().await?;
        Ok(Response::new(convert::queue_counts(queue)))
    }

    #[tracing::instrument(skip_all)]
    async fn get_caller(
        &self,
        request: Request<pb::GetCallerRequest>,
    ) -> Result<Response<pb::Caller>, Status> {
        let caller = caller(&request)?;
        let role = match caller.role {
            Role::Reader => pb::caller::Role::Reader,
            Role::Reviewer => pb::caller::Role::Reviewer,
            Role::Admin => pb::caller::Role::Admin,
        };
        Ok(Response::new(pb::Caller {
            name: caller.name,
            role: role.into(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit_events(
        &self,
        request: Request<pb::ListAuditEventsRequest>,
    ) -> Result<Response<pb::ListAuditEventsResponse>, Status> {
        let request = request.into_inner();
        let limit = page_size(request.page_size)?;
        let start_time = convert::optional_time("start_time", request.start_time)?;
        let end_time = convert::optional_time("end_time", request.end_time)?;
        if let (Some(start), Some(end)) = (start_time, end_time)
            && end < start
        {
            return Err(super::error::invalid_field(
                "end_time",
                "is before start_time: the range would hold nothing",
            ));
        }
        let given = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        let query = AuditQuery {
            after: None,
            limit: 0,
            newest_first: request.newest_first,
            actor: given(&request.actor),
            method: given(&request.method),
            resource: given(&request.resource),
            start_time,
            end_time,
        };
        // A page token holds only a position: it is bound to the filters
        // and the order, so that it cannot continue another listing.
        let times = format!("{:?}{:?}", request.start_time, request.end_time);
        let order = if request.newest_first { "newest" } else { "oldest" };
        let scope = scope(
            "auditEvents",
            &[&request.actor, &request.method, &request.resource, &times, order],
        );
        let (events, next_page_token) = self
            .page_tokens
            .page_by_id(
                &scope,
                &request.page_token,
                limit,
                |after, limit| {
                    self.store.list_audit_events(AuditQuery {
                        after,
                        limit,
                        ..query
                    })
                },
                |event| event.id,
            )
            .await?;
        Ok(Response::new(pb::ListAuditEventsResponse {
            events: events.into_iter().map(convert::audit_event).collect(),
            next_page_token,
        }))
    }
}

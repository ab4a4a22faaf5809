//! The `ClaimService`: runs the extractor on request; lists, searches, corrects and watches stored
//! claims.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use tokio_stream::wrappers::ReceiverStream;

use super::auth::{self, caller};
use super::error::{field_problems, invalid_field, review_problems, syntax_error};
use super::events::Events;
use super::pagination::{PageTokens, page_size, scope};
use super::{convert, pb, run_cpu};
use crate::ingest;
use crate::model::{ArticleMetadata, ClaimId, EventKind};
use crate::review::filter::{self, Condition, Field, Op, SortValue, Value};
use crate::review::{rules, search, similar};
use crate::store::{ClaimEdit, ClaimListQuery, SearchQuery, Store};

pub struct ClaimApi {
    pub store: Arc<dyn Store>,
    pub page_tokens: PageTokens,
    pub events: Events,
    /// See `ServeOptions::search_window`.
    pub search_window: Option<u32>,
    /// The claims' embeddings, kept by the background embedder.
    pub matcher: Arc<super::similar::Matcher>,
}

#[tonic::async_trait]
impl pb::claim_service_server::ClaimService for ClaimApi {
    #[tracing::instrument(skip_all)]
    async fn extract_claims(
        &self,
        request: Request<pb::ExtractClaimsRequest>,
    ) -> Result<Response<pb::ExtractClaimsResponse>, Status> {
        let body = request.into_inner().body;
        ingest::check_body(&body).map_err(|problem| field_problems("", &[problem]))?;
        let prepared = run_cpu(move || ingest::prepare_article(body, ArticleMetadata::default())).await?;
        let article = prepared.article;
        let version = article.extractor_version;
        Ok(Response::new(pb::ExtractClaimsResponse {
            metadata: Some(convert::metadata(article.metadata)),
            claims: article
                .claims
                .into_iter()
                .map(|claim| convert::unstored_claim(claim, &version))
                .collect(),
            diagnostics: prepared
                .diagnostics
                .into_iter()
                .map(convert::diagnostic)
                .collect(),
            extractor_version: version,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_claim(&self, request: Request<pb::GetClaimRequest>) -> Result<Response<pb::Claim>, Status> {
        // The token is looked up in the claim's read transaction (issue 16);
        // an answer given before that is held by the auth layer until it has
        // checked the token itself.
        let credential = auth::credential(&request)?;
        let id = convert::parse_claim_name("name", &request.get_ref().name)?;
        let read = self
            .store
            .get_claim_for_token(credential.token_sha256(), id)
            .await?;
        let (_caller, claim) = credential.admit(read)?;
        Ok(Response::new(convert::claim(claim?)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_claims(
        &self,
        request: Request<pb::ListClaimsRequest>,
    ) -> Result<Response<pb::ListClaimsResponse>, Status> {
        let principal = caller(&request)?;
        let request = request.into_inner();
        let limit = page_size(request.page_size)?;
        let mut filter = convert::claim_filter(&request.filter, &principal)?;
        let order =
            filter::parse_order_by(&request.order_by).map_err(|err| syntax_error("order_by", &err))?;
        if !request.article.is_empty() {
            let id = convert::parse_article_name("article", &request.article)?;
            // An unknown article is a mistake worth reporting, not an empty list.
            self.store.get_article(id).await?;
            filter.conditions.push(Condition {
                field: Field::Article,
                op: Op::Eq,
                value: Value::Int(id.0),
            });
        }
        let scope = scope("claims", &[&request.article, &request.filter, &request.order_by]);
        let after = self
            .page_tokens
            .decode_position(&scope, &request.page_token, order.len())?;
        let mut claims = self
            .store
            .query_claims(ClaimListQuery {
                filter,
                order: order.clone(),
                after,
                limit: limit + 1,
            })
            .await?;
        let next_page_token = self
            .page_tokens
            .finish_page_at(&scope, &mut claims, limit, |last| filter::sort_key(last, &order));
        Ok(Response::new(pb::ListClaimsResponse {
            claims: claims.into_iter().map(convert::claim).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn search_claims(
        &self,
        request: Request<pb::SearchClaimsRequest>,
    ) -> Result<Response<pb::SearchClaimsResponse>, Status> {
        let principal = caller(&request)?;
        let request = request.into_inner();
        let limit = page_size(request.page_size)?;
        let fts =
            search::fts_query(&request.query).map_err(|description| invalid_field("query", description))?;
        let filter = convert::claim_filter(&request.filter, &principal)?;
        let exhaustive = if request.exhaustive {
            "exhaustive"
        } else {
            "windowed"
        };
        let scope = scope("search", &[&request.query, &request.filter, exhaustive]);
        // The position after the last hit, and the window floor the first
        // page chose (0: none), so every page ranks the same matches.
        let (after, above) = match self.page_tokens.decode_position(&scope, &request.page_token, 3)? {
            Some(position) => match position.as_slice() {
                [SortValue::Real(score), SortValue::Int(id), SortValue::Int(floor)] => (
                    Some((*score, ClaimId(*id))),
                    (*floor > 0).then_some(ClaimId(*floor)),
                ),
                _ => {
                    return Err(invalid_field(
                        "page_token",
                        "is malformed: pass a next_page_token unchanged",
                    ));
                }
            },
            None => (None, None),
        };
        let page = self
            .store
            .search_claims(SearchQuery {
                fts,
                mark_terms: search::mark_terms(&request.query),
                filter,
                after,
                limit: limit + 1,
                window: if request.exhaustive {
                    None
                } else {
                    self.search_window
                },
                above,
            })
            .await?;
        let mut hits = page.hits;
        let floor = page.window_floor.map_or(0, |floor| floor.0);
        let next_page_token = self.page_tokens.finish_page_at(&scope, &mut hits, limit, |last| {
            vec![
                SortValue::Real(last.score),
                SortValue::Int(last.claim.id.0),
                SortValue::Int(floor),
            ]
        });
        Ok(Response::new(pb::SearchClaimsResponse {
            results: hits.into_iter().map(convert::search_result).collect(),
            next_page_token,
            newest_matches_only: page.window_floor.is_some(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn find_similar_claims(
        &self,
        request: Request<pb::FindSimilarClaimsRequest>,
    ) -> Result<Response<pb::FindSimilarClaimsResponse>, Status> {
        use pb::find_similar_claims_request::Query;
        let request = request.into_inner();
        let limit = page_size(request.page_size)?;
        let (text, itself) = match request.query {
            Some(Query::Claim(name)) => {
                let id = convert::parse_claim_name("claim", &name)?;
                (self.store.get_claim(id).await?.text, Some(id))
            }
            Some(Query::Text(text)) => {
                similar::check_text(&text).map_err(|description| invalid_field("text", description))?;
                (text, None)
            }
            None => return Err(invalid_field("query", "needs a claim or a text")),
        };
        let mut matches: Vec<_> = self
            .matcher
            .find(self.store.as_ref(), &text, itself, limit as usize)
            .await?
            .into_iter()
            .map(|found| {
                let reviewed = similar::is_reviewed(&found.claim);
                (found.claim, found.score, reviewed)
            })
            .collect();
        similar::order_matches(&mut matches, |(_, score, reviewed)| (*reviewed, *score));
        matches.truncate(limit as usize);
        Ok(Response::new(pb::FindSimilarClaimsResponse {
            matches: matches
                .into_iter()
                .map(|(claim, score, reviewed)| pb::SimilarClaim {
                    claim: Some(convert::claim(claim)),
                    score,
                    reviewed,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_claim(
        &self,
        request: Request<pb::UpdateClaimRequest>,
    ) -> Result<Response<pb::Claim>, Status> {
        let principal = caller(&request)?;
        let request = request.into_inner();
        let claim = request
            .claim
            .ok_or_else(|| invalid_field("claim", "is required"))?;
        let id = convert::parse_claim_name("claim.name", &claim.name)?;
        convert::check_etag("etag", &request.etag)?;
        let paths = request.update_mask.map(|mask| mask.paths).unwrap_or_default();
        if paths.is_empty() {
            return Err(invalid_field(
                "update_mask",
                "is required: name the fields to change (text, speaker, kind, checkable)",
            ));
        }
        let mut edit = ClaimEdit::default();
        let mut problems = Vec::new();
        for path in &paths {
            match path.as_str() {
                "text" | "speaker" => {
                    let value = if path == "text" {
                        &claim.text
                    } else {
                        &claim.speaker
                    };
                    if let Some(problem) = rules::check_claim_field(&format!("claim.{path}"), value) {
                        problems.push(problem);
                    }
                    let slot = if path == "text" {
                        &mut edit.text
                    } else {
                        &mut edit.speaker
                    };
                    *slot = Some(value.clone());
                }
                "kind" => {
                    edit.kind = Some(convert::parse_kind("claim.kind", claim.kind())?);
                }
                "checkable" => edit.checkable = Some(claim.checkable),
                other => {
                    return Err(invalid_field(
                        "update_mask",
                        format!(
                            "cannot change {other:?}: only text, speaker, kind and checkable can be corrected"
                        ),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(review_problems(&problems));
        }
        let updated = self
            .store
            .update_claim(principal.clone(), id, request.etag, edit)
            .await?;
        tracing::info!(claim = id.0, by = principal.name, "UpdateClaim");
        self.events
            .publish(EventKind::Updated, updated.clone(), &principal.name);
        Ok(Response::new(convert::claim(updated)))
    }

    type WatchClaimsStream = ReceiverStream<Result<pb::ClaimEvent, Status>>;

    #[tracing::instrument(skip_all)]
    async fn watch_claims(
        &self,
        request: Request<pb::WatchClaimsRequest>,
    ) -> Result<Response<Self::WatchClaimsStream>, Status> {
        let principal = caller(&request)?;
        let filter = convert::claim_filter(&request.get_ref().filter, &principal)?;
        let stream = self
            .events
            .watch(Arc::clone(&self.store), filter, principal.token_id)?;
        Ok(Response::new(stream))
    }
}

//! The `ClaimService`: runs the extractor on request and reads stored claims.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::auth::authorize;
use super::error::field_problems;
use super::pagination::{PageTokens, page_size};
use super::{convert, pb, run_cpu};
use crate::ingest;
use crate::model::{ArticleMetadata, ClaimId, Role};
use crate::store::{ClaimQuery, Store};

pub struct ClaimApi {
    pub store: Arc<dyn Store>,
    pub page_tokens: PageTokens,
}

#[tonic::async_trait]
impl pb::claim_service_server::ClaimService for ClaimApi {
    async fn extract_claims(
        &self,
        request: Request<pb::ExtractClaimsRequest>,
    ) -> Result<Response<pb::ExtractClaimsResponse>, Status> {
        authorize(&*self.store, &request, "ExtractClaims", Role::Reader).await?;
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

    async fn get_claim(&self, request: Request<pb::GetClaimRequest>) -> Result<Response<pb::Claim>, Status> {
        authorize(&*self.store, &request, "GetClaim", Role::Reader).await?;
        let id = convert::parse_claim_name("name", &request.get_ref().name)?;
        let claim = self.store.get_claim(id).await?;
        Ok(Response::new(convert::claim(claim)))
    }

    async fn list_claims(
        &self,
        request: Request<pb::ListClaimsRequest>,
    ) -> Result<Response<pb::ListClaimsResponse>, Status> {
        authorize(&*self.store, &request, "ListClaims", Role::Reader).await?;
        let request = request.into_inner();
        let limit = page_size(request.page_size)?;
        let article = if request.article.is_empty() {
            None
        } else {
            let id = convert::parse_article_name("article", &request.article)?;
            // An unknown article is a mistake worth reporting, not an empty list.
            self.store.get_article(id).await?;
            Some(id)
        };
        let scope = format!("claims?article={}", request.article);
        let after = self.page_tokens.decode(&scope, &request.page_token)?.map(ClaimId);
        let mut claims = self
            .store
            .list_claims(ClaimQuery {
                article,
                after,
                limit: limit + 1,
            })
            .await?;
        let next_page_token = self
            .page_tokens
            .finish_page(&scope, &mut claims, limit, |claim| claim.id.0);
        Ok(Response::new(pb::ListClaimsResponse {
            claims: claims.into_iter().map(convert::claim).collect(),
            next_page_token,
        }))
    }
}

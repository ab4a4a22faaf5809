//! The `ArticleService`: stores articles with their claims and reads them back.

use std::sync::Arc;

use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::auth::caller;
use super::events::Events;
use super::pagination::{PageTokens, page_size, scope};
use super::{convert, import, pb, run_cpu, submission};
use crate::ingest;
use crate::model::{ArticleId, EventKind};
use crate::store::Store;

pub struct ArticleApi {
    pub store: Arc<dyn Store>,
    pub page_tokens: PageTokens,
    pub events: Events,
}

#[tonic::async_trait]
impl pb::article_service_server::ArticleService for ArticleApi {
    #[tracing::instrument(skip_all)]
    async fn create_article(
        &self,
        request: Request<pb::CreateArticleRequest>,
    ) -> Result<Response<pb::CreateArticleResponse>, Status> {
        let principal = caller(&request)?;
        let submission =
            submission::check(request.into_inner().article).map_err(|refusal| refusal.status())?;
        let prepared = run_cpu(move || ingest::prepare_article(submission.body, submission.given)).await?;
        let stored = self
            .store
            .create_article(prepared.article, principal.clone())
            .await?;
        if stored.created {
            for claim in &stored.claims {
                self.events
                    .publish(EventKind::Created, claim.clone(), &principal.name);
            }
        }
        tracing::info!(
            article = stored.article.id.0,
            claims = stored.claims.len(),
            created = stored.created,
            by = principal.name,
            "CreateArticle"
        );
        Ok(Response::new(pb::CreateArticleResponse {
            article: Some(convert::article(stored.article)),
            claims: stored.claims.into_iter().map(convert::claim).collect(),
            already_exists: !stored.created,
        }))
    }

    type ImportArticlesStream = ReceiverStream<Result<pb::ImportArticlesResponse, Status>>;

    #[tracing::instrument(skip_all)]
    async fn import_articles(
        &self,
        request: Request<Streaming<pb::ImportArticlesRequest>>,
    ) -> Result<Response<Self::ImportArticlesStream>, Status> {
        // Only the stream as a whole is refused here; each article is
        // checked on its own and answered INVALID if it has to be.
        let principal = caller(&request)?;
        let answers = import::start(
            Arc::clone(&self.store),
            request.into_inner(),
            principal,
            self.events.clone(),
        );
        Ok(Response::new(ReceiverStream::new(answers)))
    }

    #[tracing::instrument(skip_all)]
    async fn get_article(
        &self,
        request: Request<pb::GetArticleRequest>,
    ) -> Result<Response<pb::Article>, Status> {
        let id = convert::parse_article_name("name", &request.get_ref().name)?;
        let article = self.store.get_article(id).await?;
        Ok(Response::new(convert::article(article)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_articles(
        &self,
        request: Request<pb::ListArticlesRequest>,
    ) -> Result<Response<pb::ListArticlesResponse>, Status> {
        let request = request.into_inner();
        let limit = page_size(request.page_size)?;
        let filter = convert::article_filter(&request.filter)?;
        // Without a filter the scope is the one page tokens always had, so
        // tokens from before filters keep working.
        let scope = if request.filter.is_empty() {
            "articles".to_owned()
        } else {
            scope("articles", &[&request.filter])
        };
        let (articles, next_page_token) = self
            .page_tokens
            .page_by_id(
                &scope,
                &request.page_token,
                limit,
                |after, limit| self.store.query_articles(filter, after.map(ArticleId), limit),
                |article| article.id.0,
            )
            .await?;
        Ok(Response::new(pb::ListArticlesResponse {
            articles: articles.into_iter().map(convert::article).collect(),
            next_page_token,
        }))
    }
}

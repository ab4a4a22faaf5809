//! The client subcommands: call a running server over gRPC with the caller's token.

use anyhow::Context;
use tonic::Request;
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::transport::{Channel, Endpoint};

use super::output::{self, ArticleJson, ClaimJson};
use super::{ArticlesCommand, ClaimsCommand, ClientArgs, PageArgs};
use crate::api::pb;
use crate::api::pb::article_service_client::ArticleServiceClient;
use crate::api::pb::claim_service_client::ClaimServiceClient;

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
    let channel = Endpoint::from_shared(uri)
        .with_context(|| format!("{} is not a server address", args.addr))?
        .connect()
        .await
        .with_context(|| format!("cannot reach a claimdb server at {}", args.addr))?;
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

/// Turns a failed call into an error that shows the server's code and message.
pub(super) fn call_failed(status: tonic::Status) -> anyhow::Error {
    anyhow::anyhow!("{:?}: {}", status.code(), status.message())
}

pub(super) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
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
            let article = pb::Article {
                body,
                title: title.unwrap_or_default(),
                source_url: url.unwrap_or_default(),
                publisher: publisher.unwrap_or_default(),
                published_date: published_date.unwrap_or_default(),
                ..Default::default()
            };
            let response = client
                .create_article(pb::CreateArticleRequest {
                    article: Some(article),
                })
                .await
                .map_err(call_failed)?
                .into_inner();
            let article = response.article.unwrap_or_default();
            if args.json {
                let mut line = ArticleJson::new(&article, false);
                line.already_exists = Some(response.already_exists);
                print_json(&line)?;
                for claim in &response.claims {
                    print_json(&ClaimJson::stored(claim))?;
                }
            } else {
                if response.already_exists {
                    println!("Already stored; nothing was written.");
                }
                print!("{}", output::article_text(&article));
                println!();
                for claim in &response.claims {
                    println!("{}", output::claim_line(claim));
                }
            }
        }
        ArticlesCommand::List { page } => {
            let mut page_token = String::new();
            let mut n_shown = 0;
            loop {
                let response = client
                    .list_articles(pb::ListArticlesRequest {
                        page_size: page.page_size,
                        page_token,
                    })
                    .await
                    .map_err(call_failed)?
                    .into_inner();
                for article in &response.articles {
                    if page.limit.is_some_and(|limit| n_shown >= limit) {
                        return Ok(());
                    }
                    if args.json {
                        print_json(&ArticleJson::new(article, false))?;
                    } else {
                        println!("{}", output::article_line(article));
                    }
                    n_shown += 1;
                }
                if response.next_page_token.is_empty() {
                    return Ok(());
                }
                page_token = response.next_page_token;
            }
        }
        ArticlesCommand::Show { name } => {
            let article = client
                .get_article(pb::GetArticleRequest { name })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                print_json(&ArticleJson::new(&article, true))?;
            } else {
                print!("{}", output::article_text(&article));
                println!("\n{}", article.body);
            }
        }
    }
    Ok(())
}

pub async fn claims(args: ClientArgs, command: ClaimsCommand) -> anyhow::Result<()> {
    let mut client = claim_client(&args).await?;
    match command {
        ClaimsCommand::List { article, page } => {
            list_claims(&mut client, &args, article.unwrap_or_default(), page).await
        }
        ClaimsCommand::Show { name } => {
            let claim = client
                .get_claim(pb::GetClaimRequest { name })
                .await
                .map_err(call_failed)?
                .into_inner();
            if args.json {
                print_json(&ClaimJson::stored(&claim))
            } else {
                print!("{}", output::claim_text(&claim));
                Ok(())
            }
        }
    }
}

async fn list_claims(
    client: &mut ClaimServiceClient<Intercepted>,
    args: &ClientArgs,
    article: String,
    page: PageArgs,
) -> anyhow::Result<()> {
    let mut page_token = String::new();
    let mut n_shown = 0;
    loop {
        let response = client
            .list_claims(pb::ListClaimsRequest {
                article: article.clone(),
                page_size: page.page_size,
                page_token,
            })
            .await
            .map_err(call_failed)?
            .into_inner();
        for claim in &response.claims {
            if page.limit.is_some_and(|limit| n_shown >= limit) {
                return Ok(());
            }
            if args.json {
                print_json(&ClaimJson::stored(claim))?;
            } else {
                println!("{}", output::claim_line(claim));
            }
            n_shown += 1;
        }
        if response.next_page_token.is_empty() {
            return Ok(());
        }
        page_token = response.next_page_token;
    }
}

//! Starts a real claimdb server on an ephemeral port with a temporary database, and makes clients.

pub mod http;
pub mod offline;
pub mod process;
pub mod raw;
pub mod schema_org;

use std::net::SocketAddr;
use std::sync::Arc;

use claimdb::api::ServeOptions;
use claimdb::api::pb::article_service_client::ArticleServiceClient;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use claimdb::api::pb::review_service_client::ReviewServiceClient;
use claimdb::auth;
use claimdb::model::{
    ArticleMetadata, ClaimDetails, ClaimKind, DateRange, Entity, EntityKind, NewArticle, NewClaim, Role, Span,
};
use claimdb::store::test_support::BulkLoad;
use claimdb::store::{SqliteStore, Store};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::Code;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic_types::StatusExt;

/// The mission article, as received.
pub const MISSION_ARTICLE: &str = include_str!("../../data/extract/2022-01-01-biden-putin-call.txt");

/// A running server and a token for each role.
pub struct TestServer {
    pub addr: SocketAddr,
    /// The reviewer console's listener, when the server serves one.
    pub web: Option<SocketAddr>,
    pub admin: String,
    pub reviewer: String,
    pub reader: String,
    /// The server's store, for loading many claims fast and making tokens.
    pub store: Arc<SqliteStore>,
    pub _dir: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

/// Adds `authorization: Bearer <token>` when there is a token.
#[derive(Clone)]
pub struct Bearer(Option<String>);

impl Bearer {
    pub fn new(token: &str) -> Bearer {
        Bearer(Some(token.to_owned()))
    }

    /// Sends no `authorization` header at all.
    pub fn none() -> Bearer {
        Bearer(None)
    }
}

impl Interceptor for Bearer {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(token) = &self.0 {
            let value = format!("Bearer {token}").parse().expect("tokens are ASCII");
            request.metadata_mut().insert("authorization", value);
        }
        Ok(request)
    }
}

pub type Authed = InterceptedService<Channel, Bearer>;

/// Binds 127.0.0.1:0 first, then serves, so clients can connect at once.
pub async fn spawn_server() -> TestServer {
    spawn_server_with(ServeOptions::default()).await
}

/// As [`spawn_server`], with server options (lease length, second review).
pub async fn spawn_server_with(options: ServeOptions) -> TestServer {
    spawn(options, None).await
}

/// As [`spawn_server`], also serving the reviewer console (`serve --web`)
/// on a port of its own, `TestServer::web`.
pub async fn spawn_server_with_web() -> TestServer {
    spawn(ServeOptions::default(), Some(Vec::new())).await
}

/// As [`spawn_server_with_web`], letting pages of `origins` call it (CORS).
pub async fn spawn_server_with_web_origins(origins: &[&str]) -> TestServer {
    let origins = origins
        .iter()
        .map(|origin| claimdb::api::parse_web_origin(origin).unwrap())
        .collect();
    spawn(ServeOptions::default(), Some(origins)).await
}

/// `web`: serve the console too, with these CORS origins.
async fn spawn(options: ServeOptions, web: Option<Vec<::http::HeaderValue>>) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Arc::new(SqliteStore::open(&dir.path().join("claimdb.sqlite")).unwrap());
    let store: Arc<dyn Store> = sqlite.clone();
    let mut tokens = Vec::new();
    for role in [Role::Admin, Role::Reviewer, Role::Reader] {
        let token = auth::new_token().unwrap();
        store
            .create_token(format!("test-{role}"), role, auth::token_sha256(&token))
            .await
            .unwrap();
        tokens.push(token);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let web_listener = match web {
        Some(_) => Some(TcpListener::bind("127.0.0.1:0").await.unwrap()),
        None => None,
    };
    let endpoints = claimdb::api::Endpoints {
        web_origins: web.unwrap_or_default(),
        web: web_listener,
        ..Default::default()
    };
    let web = endpoints
        .web
        .as_ref()
        .map(|listener| listener.local_addr().unwrap());
    let (shutdown, stop) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        claimdb::api::serve_on(store, listener, endpoints, options, async {
            let _ = stop.await;
        })
        .await
        .unwrap();
    });
    let [admin, reviewer, reader] = <[String; 3]>::try_from(tokens).unwrap();
    TestServer {
        addr,
        web,
        admin,
        reviewer,
        reader,
        store: sqlite,
        _dir: dir,
        shutdown: Some(shutdown),
        handle: Some(handle),
    }
}

impl TestServer {
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    pub async fn articles(&self, token: Option<&str>) -> ArticleServiceClient<Authed> {
        ArticleServiceClient::with_interceptor(self.channel().await, Bearer(token.map(str::to_owned)))
            .max_decoding_message_size(usize::MAX)
            .max_encoding_message_size(usize::MAX)
    }

    pub async fn claims(&self, token: Option<&str>) -> ClaimServiceClient<Authed> {
        ClaimServiceClient::with_interceptor(self.channel().await, Bearer(token.map(str::to_owned)))
            .max_decoding_message_size(usize::MAX)
            .max_encoding_message_size(usize::MAX)
    }

    pub async fn reviews(&self, token: Option<&str>) -> ReviewServiceClient<Authed> {
        ReviewServiceClient::with_interceptor(self.channel().await, Bearer(token.map(str::to_owned)))
            .max_decoding_message_size(usize::MAX)
    }

    /// Stores `body` as a new article through CreateArticle, as the admin.
    pub async fn create_article(&self, body: String) -> claimdb::api::pb::CreateArticleResponse {
        self.articles(Some(&self.admin))
            .await
            .create_article(claimdb::api::pb::CreateArticleRequest {
                article: Some(claimdb::api::pb::Article {
                    body,
                    ..Default::default()
                }),
            })
            .await
            .unwrap()
            .into_inner()
    }

    /// Makes a token for `name` with `role`.
    pub async fn token(&self, role: Role, name: &str) -> String {
        let token = auth::new_token().unwrap();
        self.store
            .create_token(name.to_owned(), role, auth::token_sha256(&token))
            .await
            .unwrap();
        token
    }

    /// Stores `n_articles` synthetic articles of `claims_per_article` claims
    /// each straight through the store, in one transaction. Claim `i`
    /// (counting from 0 over all) has speaker `speaker{i % 7}` and
    /// check-worthiness `(i % 100) / 100`, and its text holds the word
    /// `alpha` when `i` is a multiple of 3, `beta` otherwise. Its kind is
    /// `ClaimKind::ALL[i % 5]`, it is checkable unless `i % 4 == 3`, it names
    /// the organisation `Agency{i % 11}`, and it refers to the day
    /// `2022-01-{1 + i % 28}`.
    pub async fn load_claims(&self, n_articles: usize, claims_per_article: usize) {
        let mut articles = Vec::with_capacity(n_articles);
        for article_idx in 0..n_articles {
            let mut body = String::new();
            let mut claims = Vec::with_capacity(claims_per_article);
            for claim_idx in 0..claims_per_article {
                let i = article_idx * claims_per_article + claim_idx;
                let word = if i.is_multiple_of(3) { "alpha" } else { "beta" };
                let sentence = format!("Figure {i} says the {word} index rose by {} percent.", i % 50);
                let start = body.len();
                body.push_str(&sentence);
                claims.push(NewClaim {
                    text: sentence.clone(),
                    sentence,
                    span: Span {
                        start,
                        end: body.len(),
                    },
                    speaker: format!("speaker{}", i % 7),
                    checkworthiness: (i % 100) as f64 / 100.0,
                    details: ClaimDetails {
                        content: format!("the {word} index rose"),
                        kind: ClaimKind::ALL[i % 5],
                        checkable: i % 4 != 3,
                        entities: vec![Entity {
                            name: format!("Agency{}", i % 11),
                            kind: EntityKind::Organisation,
                        }],
                        dates: vec![DateRange {
                            start: format!("2022-01-{:02}", 1 + i % 28),
                            end: format!("2022-01-{:02}", 1 + i % 28),
                            text: "that day".into(),
                        }],
                        ..ClaimDetails::default()
                    },
                });
                body.push(' ');
            }
            articles.push(NewArticle {
                sha256: claimdb::hash::sha256(&body),
                body,
                metadata: ArticleMetadata::default(),
                extractor_version: "test".into(),
                claims,
            });
        }
        self.store.create_articles_bulk(articles).await.unwrap();
    }

    /// Stops the server and waits until it has; returns its folder, which
    /// is removed when dropped.
    pub async fn stop(mut self) -> TempDir {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.unwrap();
        }
        self._dir
    }
}

/// Asserts the status code, that the message starts with the field, and
/// that the details carry a field violation for it and an ErrorInfo.
pub fn assert_field_error(status: &tonic::Status, code: Code, field: &str) {
    assert_eq!(status.code(), code, "{status:?}");
    assert!(
        status.message().starts_with(field),
        "message {:?} names {field}",
        status.message()
    );
    let details = status.get_error_details();
    let violations = &details
        .bad_request()
        .expect("a BadRequest detail")
        .field_violations;
    assert!(
        violations.iter().any(|violation| violation.field == field),
        "{violations:?}"
    );
    assert_eq!(
        details.error_info().expect("an ErrorInfo detail").domain,
        "claimdb"
    );
}

//! Starts a real claimdb server on an ephemeral port with a temporary database, and makes clients.

use std::net::SocketAddr;
use std::sync::Arc;

use claimdb::api::pb::article_service_client::ArticleServiceClient;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use claimdb::auth;
use claimdb::model::Role;
use claimdb::store::{SqliteStore, Store};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

/// The mission article, as received.
pub const MISSION_ARTICLE: &str = include_str!("../../data/extract/2022-01-01-biden-putin-call.txt");

/// A running server and a token for each role.
pub struct TestServer {
    pub addr: SocketAddr,
    pub admin: String,
    pub reviewer: String,
    pub reader: String,
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
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("claimdb.sqlite")).unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
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
    let (shutdown, stop) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        claimdb::api::serve(store, listener, async {
            let _ = stop.await;
        })
        .await
        .unwrap();
    });
    let [admin, reviewer, reader] = <[String; 3]>::try_from(tokens).unwrap();
    TestServer {
        addr,
        admin,
        reviewer,
        reader,
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

    /// Stops the server and waits until it has.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.unwrap();
        }
    }
}

//! The gRPC layer: one auth layer checks every caller; tonic services validate, call the domain
//! and the store, and translate. The only module that sees tonic or generated proto types.

mod admission;
mod articles;
mod auth;
mod claimreview;
mod claims;
mod convert;
mod error;
mod events;
mod import;
mod listen;
mod metrics;
mod observe;
mod pagination;
mod reviews;
mod similar;
mod submission;
mod tls;
mod web;
mod wire;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::Status;
use tonic::transport::Server;

use crate::ingest::MAX_BODY_BYTES;
use crate::review::rules::{DEFAULT_LEASE, DEFAULT_MAX_LEASES, ReviewPolicy};
use crate::store::{Store, StoreError};

pub use convert::{article_submission, unstored_claim};
pub use error::ERROR_DOMAIN;
pub use pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use tls::{TlsError, TlsIdentity};

/// The code generated from `proto/claimdb/v1`, for servers and clients.
pub mod pb {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("claimdb.v1");

    /// The compiled proto files, served by reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/claimdb_descriptor.bin"));
}

/// The largest request message accepted. Bodies over [`MAX_BODY_BYTES`] get
/// a clear error naming the field; this bound leaves room for that and
/// stops anything far larger before it is decoded.
pub const MAX_MESSAGE_BYTES: usize = 4 * MAX_BODY_BYTES;

/// The key under which the page-token signing key is stored.
const PAGE_TOKEN_KEY: &str = "page_token_key";

/// How many of the newest matches SearchClaims ranks by default when more
/// match: a few milliseconds of scoring on one core (BENCHMARKS.md, issue 4).
pub const DEFAULT_SEARCH_WINDOW: u32 = 2_500;

/// Why the server stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// How the server runs reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// How long AcquireClaim leases a claim.
    pub lease: Duration,
    /// Whether verdicts need a second reviewer's agreement.
    pub policy: ReviewPolicy,
    /// The most claims one reviewer may hold at once.
    pub max_leases: u32,
    /// How many of the newest matches SearchClaims ranks when more match
    /// and the request is not exhaustive; `None` ranks all of them.
    pub search_window: Option<u32>,
    /// How long a stop waits for calls under way to finish, once it has
    /// stopped accepting connections and ended the watch streams, before
    /// it closes every connection that is still open.
    pub shutdown_grace: Duration,
    /// The most connections open at once; more wait in the kernel's
    /// backlog. Keep it under the process's file limit (`ulimit -n`).
    pub max_connections: usize,
    /// How long a new connection may stay silent before it is closed.
    pub handshake_timeout: Duration,
    /// How often a connection is pinged (HTTP/2 PING), and how long the
    /// peer has to answer before the connection is closed: a peer that
    /// vanished without closing frees its place.
    pub keepalive_interval: Duration,
    pub keepalive_timeout: Duration,
    /// The most claimdb calls under way at once, server-wide; a call that
    /// finds no place within 200 ms gets `UNAVAILABLE` with a retry hint.
    pub max_in_flight: usize,
    /// The longest a call may take (before a stream's first answer), also
    /// when its client set no deadline (a client's shorter one wins).
    pub request_deadline: Duration,
    /// Who publishes the reviews ExportClaimReviews writes; without it the
    /// export is refused with FAILED_PRECONDITION.
    pub publisher: Option<crate::export::claimreview::Publisher>,
}

/// The default of [`ServeOptions::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// The default of [`ServeOptions::max_in_flight`]: the work behind a call is
/// one writer and 8 readers on a few cores, so more at once only queues.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;
/// The default of [`ServeOptions::request_deadline`].
pub const DEFAULT_REQUEST_DEADLINE: Duration = Duration::from_secs(30);
/// The default of [`ServeOptions::handshake_timeout`].
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// HTTP/2 streams one connection may have open at once (advertised in its
/// SETTINGS as `MAX_CONCURRENT_STREAMS`).
pub const MAX_STREAMS_PER_CONNECTION: u32 = 64;
/// The defaults of [`ServeOptions::keepalive_interval`] and
/// [`ServeOptions::keepalive_timeout`].
pub const DEFAULT_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
pub const DEFAULT_KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stop waits for calls under way by default.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            lease: DEFAULT_LEASE,
            policy: ReviewPolicy::default(),
            max_leases: DEFAULT_MAX_LEASES,
            search_window: Some(DEFAULT_SEARCH_WINDOW),
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            keepalive_interval: DEFAULT_KEEPALIVE_INTERVAL,
            keepalive_timeout: DEFAULT_KEEPALIVE_TIMEOUT,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            request_deadline: DEFAULT_REQUEST_DEADLINE,
            publisher: None,
        }
    }
}

/// Serves claimdb's services, health and reflection on `listener` until
/// `shutdown` completes, with the default options.
pub async fn serve(
    store: Arc<dyn Store>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    serve_with(store, listener, ServeOptions::default(), shutdown).await
}

/// What the server adds to its gRPC listener.
#[derive(Debug, Default)]
pub struct Endpoints {
    /// Serve gRPC over TLS with this identity (else plaintext HTTP/2).
    pub tls: Option<TlsIdentity>,
    /// Serve Prometheus metrics (`GET /metrics`, unauthenticated) here.
    pub metrics: Option<TcpListener>,
    /// Serve the reviewer console here: its files, and gRPC-Web (over
    /// HTTP/1.1 or HTTP/2) to the same services as the gRPC listener.
    pub web: Option<TcpListener>,
    /// Origins (`scheme://host[:port]`, checked by [`parse_web_origin`])
    /// whose pages may call the console's listener with CORS; none by default.
    pub web_origins: Vec<http::HeaderValue>,
}

pub use web::parse_origin as parse_web_origin;

/// As [`serve_on`], in plaintext.
pub async fn serve_with(
    store: Arc<dyn Store>,
    listener: TcpListener,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    serve_on(store, listener, Endpoints::default(), options, shutdown).await
}

/// Serves claimdb's services, health and reflection on `listener` (over
/// TLS if `endpoints` says so) until `shutdown` completes, then stops: no new connections, watch streams
/// ended, calls under way given `options.shutdown_grace` to finish, every
/// connection still open then closed (an idle TCP connection, one that
/// sent only the HTTP/2 preface, a watcher that does not read), and the
/// store's [`Store::shutdown`] (the WAL checkpointed into the database file).
pub async fn serve_on(
    store: Arc<dyn Store>,
    listener: TcpListener,
    endpoints: Endpoints,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let page_tokens = pagination::PageTokens::new(store.secret(PAGE_TOKEN_KEY).await?);
    // Watch streams never end on their own; they end when this turns true,
    // so that a graceful shutdown does not wait for them forever.
    let (stopping, stopping_watch) = tokio::sync::watch::channel(false);
    let mut grace_watch = stopping_watch.clone();
    let web_stopping_watch = stopping_watch.clone();
    let events = events::Events::new(stopping_watch);
    let shutdown = async move {
        shutdown.await;
        let _ = stopping.send(true);
    };
    let article_service = pb::article_service_server::ArticleServiceServer::new(articles::ArticleApi {
        store: Arc::clone(&store),
        page_tokens: page_tokens.clone(),
        events: events.clone(),
    })
    .max_decoding_message_size(MAX_MESSAGE_BYTES);
    let matcher = Arc::new(similar::Matcher::default());
    // Aborted when this function returns, however it returns.
    let _embedder_task = AbortOnDrop(tokio::spawn(similar::run_embedder(
        Arc::clone(&store),
        Arc::clone(&matcher),
        events.clone(),
    )));
    let claim_service = pb::claim_service_server::ClaimServiceServer::new(claims::ClaimApi {
        store: Arc::clone(&store),
        page_tokens: page_tokens.clone(),
        events: events.clone(),
        search_window: options.search_window,
        matcher,
    })
    .max_decoding_message_size(MAX_MESSAGE_BYTES);
    let claim_review_service =
        pb::claim_review_service_server::ClaimReviewServiceServer::new(claimreview::ClaimReviewApi {
            store: Arc::clone(&store),
            events: events.clone(),
            publisher: options.publisher.clone(),
        })
        .max_decoding_message_size(MAX_MESSAGE_BYTES);
    let review_service = pb::review_service_server::ReviewServiceServer::new(reviews::ReviewApi {
        store: Arc::clone(&store),
        page_tokens,
        events,
        options: options.clone(),
    })
    .max_decoding_message_size(MAX_MESSAGE_BYTES);

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<pb::article_service_server::ArticleServiceServer<articles::ArticleApi>>()
        .await;
    health_reporter
        .set_serving::<pb::claim_service_server::ClaimServiceServer<claims::ClaimApi>>()
        .await;
    health_reporter
        .set_serving::<pb::review_service_server::ReviewServiceServer<reviews::ReviewApi>>()
        .await;
    health_reporter
        .set_serving::<pb::claim_review_service_server::ClaimReviewServiceServer<claimreview::ClaimReviewApi>>()
        .await;

    // The google.rpc types too: the error details (BadRequest, RetryInfo,
    // ...) a client decodes, so grpcurl and buf curl print them as fields.
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    // Python's grpcio reflection client speaks only v1alpha.
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let metrics = Arc::new(metrics::Metrics::default());
    // Aborted when this function returns, however it returns.
    let _metrics_task = endpoints.metrics.map(|metrics_listener| {
        AbortOnDrop(tokio::spawn(metrics::serve_metrics(
            metrics_listener,
            Arc::clone(&metrics),
            Arc::clone(&store),
            options.handshake_timeout,
        )))
    });

    let mut routes = tonic::service::RoutesBuilder::default();
    routes
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(article_service)
        .add_service(claim_service)
        .add_service(review_service)
        .add_service(claim_review_service);
    let routes = routes.routes();

    // The handshake shares the silent-connection timeout: a client that
    // stalls inside it holds a connection place no longer than one that
    // says nothing.
    let tls_config = endpoints
        .tls
        .as_ref()
        .map(|tls| tls.server_config(options.handshake_timeout));
    // One stack of layers, in one order, on both listeners: the console is
    // a client like any other, and both share one limit on calls in flight.
    let layers = tower::ServiceBuilder::new()
        .layer(observe::ObserveLayer::new(Arc::clone(&metrics)))
        .layer(wire::WireErrorsLayer)
        .layer(admission::AdmissionLayer::new(
            options.max_in_flight,
            options.request_deadline,
            metrics.shed.clone(),
        ))
        .layer(auth::AuthLayer::new(Arc::clone(&store)));
    let incoming = listen::incoming(listener, options.max_connections, options.handshake_timeout);
    let grpc_server = transport(&options, tls_config.clone())?
        .layer(layers.clone())
        .add_routes(routes.clone())
        .serve_with_incoming_shutdown(incoming, shutdown);
    let web_server = async {
        let Some(web_listener) = endpoints.web else {
            return Ok(());
        };
        let mut stopping = web_stopping_watch;
        let incoming = listen::incoming(web_listener, options.max_connections, options.handshake_timeout);
        // Browsers speak HTTP/1.1 to a plaintext server; gRPC-Web is how
        // they call gRPC over it.
        transport(&options, tls_config)?
            .accept_http1(true)
            .layer(tower::util::option_layer(web::cors(&endpoints.web_origins)))
            .layer(web::AssetsLayer)
            .layer(tonic_web::GrpcWebLayer::new())
            .layer(layers)
            .add_routes(routes)
            .serve_with_incoming_shutdown(incoming, async move {
                let _ = stopping.wait_for(|stopping| *stopping).await;
            })
            .await
    };
    let server = async { tokio::try_join!(grpc_server, web_server).map(|_| ()) };
    // tonic's graceful stop waits for every connection to close, which a
    // client that never speaks (or never reads) would put off forever.
    let grace = options.shutdown_grace;
    let grace_over = async move {
        if grace_watch.wait_for(|stopping| *stopping).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = server => served?,
        () = grace_over => {
            tracing::warn!(grace_seconds = grace.as_secs_f64(), "calls still under way after the shutdown grace; closing their connections");
        }
    }
    if let Err(err) = store.shutdown().await {
        tracing::warn!("the store did not shut down cleanly: {err}");
    }
    Ok(())
}

/// A server with the connection settings both listeners share: TLS when
/// configured, the stream limit per connection and keepalive pings.
fn transport(
    options: &ServeOptions,
    tls: Option<tonic::transport::ServerTlsConfig>,
) -> Result<Server, tonic::transport::Error> {
    let mut builder = Server::builder();
    if let Some(tls) = tls {
        builder = builder.tls_config(tls)?;
    }
    Ok(builder
        .max_concurrent_streams(MAX_STREAMS_PER_CONNECTION)
        .http2_keepalive_interval(Some(options.keepalive_interval))
        .http2_keepalive_timeout(Some(options.keepalive_timeout)))
}

/// Aborts a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs CPU-bound domain work (extraction) on the blocking pool, so that a
/// large article does not stall the async workers serving other calls.
async fn run_cpu<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Status> {
    tokio::task::spawn_blocking(work).await.map_err(|err| {
        tracing::error!("extraction task failed: {err}");
        Status::internal("internal error while extracting claims")
    })
}

//! The server's metrics and the Prometheus endpoint that serves them: `GET /metrics` on a
//! listener of its own (`--metrics-addr`), unauthenticated, in the OpenMetrics text format.
//! The calls' counts, latencies and codes come from [`super::observe`], shed calls from
//! [`super::admission`], and the store's queue and sizes are read at each scrape.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use tokio::net::TcpListener;
use tokio_stream::StreamExt;

use crate::store::Store;

/// A scrape's connection limits: Prometheus needs one at a time, and the
/// endpoint is unauthenticated, so a few are plenty.
const MAX_METRICS_CONNECTIONS: usize = 8;
/// How long a scrape may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    pub method: String,
    pub code: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    pub method: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FileLabels {
    file: &'static str,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 33 s: a GetClaim's milliseconds to a deadline's 30 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 17))
}

/// Every metric the server keeps.
pub struct Metrics {
    registry: Registry,
    /// Calls finished, by method and gRPC code.
    pub calls: Family<CallLabels, Counter>,
    /// Seconds from a call's start to its last byte, by method.
    pub latency: Family<MethodLabels, Histogram, fn() -> Histogram>,
    /// Calls under way (streams included, until they end).
    pub in_flight: Gauge,
    /// Calls refused by admission for want of a place.
    pub shed: Counter,
    writer_queue_depth: Gauge,
    database_size: Family<FileLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("claimdb");
        let calls = Family::<CallLabels, Counter>::default();
        registry.register(
            "requests",
            "gRPC calls finished, by method and code (every layer's answers included)",
            calls.clone(),
        );
        let latency =
            Family::<MethodLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "request_duration",
            "time from a call's start to its status, by method (a stream's whole life)",
            Unit::Seconds,
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "requests_in_flight",
            "gRPC calls under way, streams included",
            in_flight.clone(),
        );
        let shed = Counter::default();
        registry.register(
            "requests_shed",
            "claimdb calls refused with UNAVAILABLE because --max-in-flight were under way",
            shed.clone(),
        );
        let writer_queue_depth = Gauge::default();
        registry.register(
            "writer_queue_depth",
            "write jobs waiting for the database's one writer",
            writer_queue_depth.clone(),
        );
        let database_size = Family::<FileLabels, Gauge>::default();
        registry.register_with_unit(
            "database_size",
            "size on disk of the database file (main) and its write-ahead log (wal)",
            Unit::Bytes,
            database_size.clone(),
        );
        Metrics {
            registry,
            calls,
            latency,
            in_flight,
            shed,
            writer_queue_depth,
            database_size,
        }
    }
}

impl Metrics {
    /// The metrics in the OpenMetrics text format, with the store's figures
    /// read now.
    pub async fn render(&self, store: &dyn Store) -> String {
        match store.usage().await {
            Ok(usage) => {
                self.writer_queue_depth
                    .set(gauge_value(usage.writer_queue_depth as u64));
                self.database_size
                    .get_or_create(&FileLabels { file: "main" })
                    .set(gauge_value(usage.database_bytes));
                self.database_size
                    .get_or_create(&FileLabels { file: "wal" })
                    .set(gauge_value(usage.wal_bytes));
            }
            // The last figures stay; the rest of the scrape is still true.
            Err(err) => tracing::warn!("cannot read the store's usage for metrics: {err}"),
        }
        let mut text = String::new();
        if let Err(err) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!("cannot encode the metrics: {err}");
        }
        text
    }
}

fn gauge_value(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Serves `GET /metrics` on `listener` until the task is aborted: HTTP/1.1,
/// one request per connection, at most a few connections at once, each
/// dropped if it says nothing within `handshake_timeout`.
pub async fn serve_metrics(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    store: Arc<dyn Store>,
    handshake_timeout: Duration,
) {
    let mut connections = super::listen::incoming(listener, MAX_METRICS_CONNECTIONS, handshake_timeout);
    while let Some(connection) = connections.next().await {
        let Ok(connection) = connection else { continue };
        let metrics = Arc::clone(&metrics);
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let metrics = Arc::clone(&metrics);
                let store = Arc::clone(&store);
                async move { Ok::<_, Infallible>(answer(request, &metrics, &*store).await) }
            });
            let served = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(false)
                .serve_connection(TokioIo::new(connection), service);
            if let Err(err) = served.await {
                tracing::debug!("a metrics connection failed: {err}");
            }
        });
    }
}

async fn answer<B>(
    request: http::Request<B>,
    metrics: &Metrics,
    store: &dyn Store,
) -> http::Response<Full<Bytes>> {
    let (status, content_type, body) = match (request.method(), request.uri().path()) {
        (&http::Method::GET, "/metrics") => (http::StatusCode::OK, CONTENT_TYPE, metrics.render(store).await),
        (_, "/metrics") => (
            http::StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "use GET\n".to_owned(),
        ),
        _ => (
            http::StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "metrics are at /metrics\n".to_owned(),
        ),
    };
    let mut response = http::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

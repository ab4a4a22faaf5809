//! The outermost layer: every call's method, gRPC code, duration and peer, counted in
//! [`super::metrics::Metrics`] and logged as one line at debug level. The code is read from the
//! response as the client gets it — the `grpc-status` header of an answer made at once (by
//! `wire`, `admission`, `auth` or a handler's error) or the trailer at the end of the body — so
//! no layer has to report its own.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame};
use tonic::body::Body;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
use tonic::{Code, Status};
use tower_layer::Layer;
use tower_service::Service;

use super::metrics::{CallLabels, MethodLabels, Metrics};

/// Methods outside claimdb's package that are labelled by name; any other
/// path is `other`, so that a client sending made-up paths cannot grow the
/// metrics without bound.
const OPEN_METHODS: &[&str] = &[
    "grpc.health.v1.Health/Check",
    "grpc.health.v1.Health/Watch",
    "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

#[derive(Clone)]
pub struct ObserveLayer {
    metrics: Arc<Metrics>,
}

impl ObserveLayer {
    pub fn new(metrics: Arc<Metrics>) -> ObserveLayer {
        ObserveLayer { metrics }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            metrics: Arc::clone(&self.metrics),
        }
    }
}

#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

impl<S, B> Service<http::Request<B>> for Observe<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let mut call = Call {
            metrics: Arc::clone(&self.metrics),
            method: method_label(request.uri().path()),
            peer: peer(request.extensions()),
            started: Instant::now(),
            finished: false,
        };
        call.metrics.in_flight.inc();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = match answer.await {
                Ok(response) => response,
                Err(err) => {
                    call.finish(Code::Unknown);
                    return Err(err);
                }
            };
            if let Some(status) = Status::from_header_map(response.headers()) {
                call.finish(status.code());
                return Ok(response);
            }
            Ok(response.map(|body| Body::new(ObservedBody { inner: body, call })))
        })
    }
}

/// One call being observed; it is counted and logged once, when its status
/// is known, or as `CANCELLED` if it is dropped first (the client went
/// away, or the connection closed).
struct Call {
    metrics: Arc<Metrics>,
    method: String,
    peer: Option<SocketAddr>,
    started: Instant,
    finished: bool,
}

impl Call {
    fn finish(&mut self, code: Code) {
        if self.finished {
            return;
        }
        self.finished = true;
        let seconds = self.started.elapsed().as_secs_f64();
        self.metrics.in_flight.dec();
        self.metrics
            .calls
            .get_or_create(&CallLabels {
                method: self.method.clone(),
                code: code_name(code),
            })
            .inc();
        self.metrics
            .latency
            .get_or_create(&MethodLabels {
                method: self.method.clone(),
            })
            .observe(seconds);
        tracing::debug!(
            method = %self.method,
            code = code_name(code),
            duration_ms = seconds * 1000.0,
            peer = %self.peer.map_or_else(|| "unknown".to_owned(), |peer| peer.to_string()),
            "call finished"
        );
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.finish(Code::Cancelled);
    }
}

/// A response body that reports the call's code when its trailers pass.
struct ObservedBody {
    inner: Body,
    call: Call,
}

impl HttpBody for ObservedBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    let code =
                        Status::from_header_map(trailers).map_or(Code::Unknown, |status| status.code());
                    this.call.finish(code);
                }
            }
            Poll::Ready(Some(Err(status))) => this.call.finish(status.code()),
            // A gRPC body always ends with trailers; one that does not has
            // no status to report.
            Poll::Ready(None) => this.call.finish(Code::Unknown),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The metrics label of a request path: `package.Service/Method` for a
/// method the server has, else `other`.
fn method_label(path: &str) -> String {
    let name = path.strip_prefix('/').unwrap_or(path);
    if super::auth::is_claimdb_method(path) || OPEN_METHODS.contains(&name) {
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

/// The client's address, over TLS or not.
fn peer(extensions: &http::Extensions) -> Option<SocketAddr> {
    if let Some(info) = extensions.get::<TcpConnectInfo>() {
        return info.remote_addr();
    }
    extensions
        .get::<TlsConnectInfo<TcpConnectInfo>>()
        .and_then(|info| info.get_ref().remote_addr())
}

/// The canonical name of a gRPC code, as the gRPC specification spells it.
fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_methods_get_their_own_label() {
        assert_eq!(
            method_label("/claimdb.v1.ClaimService/GetClaim"),
            "claimdb.v1.ClaimService/GetClaim"
        );
        assert_eq!(
            method_label("/grpc.health.v1.Health/Check"),
            "grpc.health.v1.Health/Check"
        );
        assert_eq!(method_label("/claimdb.v1.ClaimService/Nonsense"), "other");
        assert_eq!(method_label("/made.up.Service/Anything"), "other");
        assert_eq!(method_label(""), "other");
    }
}

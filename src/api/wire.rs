//! The outermost layer: answers that tonic made for a request it could not read (a message that
//! does not decode, one over the size limit) get the codes of gRPC's status code guide
//! ([`super::error::request_status`]), so a caller's mistake never reads as the server's.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tonic::Status;
use tonic::body::Body;
use tower_layer::Layer;
use tower_service::Service;

use super::error::request_status;

#[derive(Debug, Clone, Copy, Default)]
pub struct WireErrorsLayer;

impl<S> Layer<S> for WireErrorsLayer {
    type Service = WireErrors<S>;

    fn layer(&self, inner: S) -> WireErrors<S> {
        WireErrors { inner }
    }
}

#[derive(Debug, Clone)]
pub struct WireErrors<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for WireErrors<S>
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
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            // A request that could not be read is answered at once, with
            // the status in the headers (a trailers-only response).
            let Some(status) = Status::from_header_map(response.headers()) else {
                return Ok(response);
            };
            let code = status.code();
            let mapped = request_status(status);
            if mapped.code() == code {
                return Ok(response);
            }
            Ok(mapped.into_http())
        })
    }
}

//! Admission of calls: at most `max_in_flight` claimdb calls run at once, server-wide; a call
//! that finds no place within a short wait is shed with `UNAVAILABLE` and a retry hint rather
//! than queued without bound, and every call has a deadline even when its client set none.
//! Health checks and reflection are let through, so that a loaded server still says it is up.
//!
//! tonic's own `concurrency_limit_per_connection` and `load_shed` count per connection, so
//! 200 clients on 200 connections would never be shed; hence this small layer with one shared
//! semaphore.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use tokio::sync::Semaphore;
use tonic::Status;
use tonic::body::Body;
use tower_layer::Layer;
use tower_service::Service;

use super::error::{deadline_exceeded, overloaded};

/// The package whose calls are counted.
const PACKAGE: &str = "/claimdb.v1.";
/// How long a call may wait for a place before it is shed: long enough to
/// ride out a burst, short enough that a client retrying elsewhere loses
/// little.
const MAX_QUEUE_WAIT: Duration = Duration::from_millis(200);
/// The retry hint a shed call gets.
const RETRY_AFTER: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct AdmissionLayer {
    places: Arc<Semaphore>,
    deadline: Duration,
    shed: Counter,
}

impl AdmissionLayer {
    /// `shed` counts the calls refused.
    pub fn new(max_in_flight: usize, deadline: Duration, shed: Counter) -> AdmissionLayer {
        AdmissionLayer {
            places: Arc::new(Semaphore::new(max_in_flight.max(1))),
            deadline,
            shed,
        }
    }
}

impl<S> Layer<S> for AdmissionLayer {
    type Service = Admission<S>;

    fn layer(&self, inner: S) -> Admission<S> {
        Admission {
            inner,
            places: Arc::clone(&self.places),
            deadline: self.deadline,
            shed: self.shed.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Admission<S> {
    inner: S,
    places: Arc<Semaphore>,
    deadline: Duration,
    shed: Counter,
}

impl<S, B> Service<http::Request<B>> for Admission<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        if !request.uri().path().starts_with(PACKAGE) {
            return Box::pin(inner.call(request));
        }
        let places = Arc::clone(&self.places);
        let deadline = self.deadline;
        let shed_count = self.shed.clone();
        Box::pin(async move {
            let place = match places.clone().try_acquire_owned() {
                Ok(place) => place,
                Err(_) => match tokio::time::timeout(MAX_QUEUE_WAIT, places.acquire_owned()).await {
                    Ok(Ok(place)) => place,
                    _ => {
                        shed_count.inc();
                        return Ok(shed());
                    }
                },
            };
            // The place is held until the response (for a stream: its
            // start) is ready; the call's future is dropped at the deadline,
            // which stops its storage work (see `store::sqlite::pool`).
            let answer = tokio::time::timeout(deadline, inner.call(request)).await;
            drop(place);
            match answer {
                Ok(answer) => answer,
                Err(_) => Ok(deadline_exceeded(deadline).into_http()),
            }
        })
    }
}

fn shed() -> http::Response<Body> {
    let status: Status = overloaded(RETRY_AFTER);
    let mut response = status.into_http();
    // gRPC's retry design: the server's pushback, in milliseconds.
    response.headers_mut().insert(
        "grpc-retry-pushback-ms",
        http::HeaderValue::from(RETRY_AFTER.as_millis() as u64),
    );
    response
}

#[cfg(test)]
mod tests {
    use tonic::Code;
    use tonic_types::StatusExt;

    use super::*;

    /// A service whose calls end only when told.
    #[derive(Clone)]
    struct Held(Arc<tokio::sync::Notify>);

    impl Service<http::Request<()>> for Held {
        type Response = http::Response<Body>;
        type Error = std::convert::Infallible;
        type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _request: http::Request<()>) -> Self::Future {
            let release = Arc::clone(&self.0);
            Box::pin(async move {
                release.notified().await;
                Ok(http::Response::new(Body::empty()))
            })
        }
    }

    fn request(path: &str) -> http::Request<()> {
        http::Request::builder().uri(path).body(()).unwrap()
    }

    fn status_of(response: &http::Response<Body>) -> Option<Status> {
        Status::from_header_map(response.headers())
    }

    // See: #14 (defect 3).
    #[tokio::test]
    async fn calls_beyond_the_limit_are_shed_with_a_retry_hint_and_health_is_not() {
        let release = Arc::new(tokio::sync::Notify::new());
        let shed_count = Counter::default();
        let mut service = AdmissionLayer::new(1, Duration::from_secs(60), shed_count.clone())
            .layer(Held(Arc::clone(&release)));
        let first = tokio::spawn(service.call(request("/claimdb.v1.ClaimService/GetClaim")));
        tokio::task::yield_now().await;
        let shed = service
            .call(request("/claimdb.v1.ClaimService/GetClaim"))
            .await
            .unwrap();
        let status = status_of(&shed).expect("a status");
        assert_eq!(status.code(), Code::Unavailable);
        assert_eq!(
            status.get_error_details().retry_info().unwrap().retry_delay,
            Some(RETRY_AFTER)
        );
        assert_eq!(shed.headers()["grpc-retry-pushback-ms"], "500");
        assert_eq!(shed_count.get(), 1);
        // Health checks are never counted.
        let health = tokio::spawn(service.call(request("/grpc.health.v1.Health/Check")));
        tokio::task::yield_now().await;
        release.notify_waiters();
        assert!(status_of(&first.await.unwrap().unwrap()).is_none());
        assert!(status_of(&health.await.unwrap().unwrap()).is_none());
        // The place is free again.
        let again = tokio::spawn(service.call(request("/claimdb.v1.ClaimService/GetClaim")));
        tokio::task::yield_now().await;
        release.notify_waiters();
        assert!(status_of(&again.await.unwrap().unwrap()).is_none());
    }

    // See: #14 (defect 3).
    #[tokio::test]
    async fn a_call_without_a_deadline_gets_the_servers() {
        let release = Arc::new(tokio::sync::Notify::new());
        let mut service =
            AdmissionLayer::new(4, Duration::from_millis(50), Counter::default()).layer(Held(release));
        let answer = service
            .call(request("/claimdb.v1.ClaimService/SearchClaims"))
            .await
            .unwrap();
        assert_eq!(status_of(&answer).unwrap().code(), Code::DeadlineExceeded);
    }
}

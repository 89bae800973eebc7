//! Bounded retry of requests that lost a race in the database. On PostgreSQL two transactions can
//! deadlock or fail to serialize; the database then rolls one back whole. Such an answer is
//! marked [`Retryable`], and this layer runs the same request again (from a buffered copy of its
//! body) a few times with a short back-off before giving up with the 503 it got.

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tower::{Layer, Service, ServiceExt};

/// Marks an answer whose transaction was rolled back by the database and may simply be retried.
#[derive(Debug, Clone, Copy)]
pub struct Retryable;

/// How many times a request is tried in all.
pub const ATTEMPTS: usize = 4;
/// The largest body buffered for a retry (the largest request the API takes).
const MAX_BODY: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, Default)]
pub struct RetryLayer;

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;
    fn layer(&self, inner: S) -> Retry<S> {
        Retry { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> Service<Request<Body>> for Retry<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> BoxFuture {
        let inner = self.inner.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
                return Ok(crate::server::error::ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "bad_request",
                    "the request body is too large",
                )
                .into_response());
            };
            let copy = |bytes: &Bytes| {
                let mut r = Request::new(Body::from(bytes.clone()));
                *r.method_mut() = parts.method.clone();
                *r.uri_mut() = parts.uri.clone();
                *r.version_mut() = parts.version;
                *r.headers_mut() = parts.headers.clone();
                *r.extensions_mut() = parts.extensions.clone();
                r
            };
            let mut attempt = 1;
            loop {
                let response = inner.clone().oneshot(copy(&bytes)).await?;
                if response.extensions().get::<Retryable>().is_none() || attempt == ATTEMPTS {
                    return Ok(response);
                }
                tracing::warn!(
                    attempt,
                    "the database rolled the request back; trying again"
                );
                tokio::time::sleep(Duration::from_millis(5 << attempt)).await;
                attempt += 1;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn answer(retryable: bool) -> Response {
        let mut r = (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response();
        if retryable {
            r.extensions_mut().insert(Retryable);
        } else {
            *r.status_mut() = StatusCode::OK;
        }
        r
    }

    /// A service that is rolled back `fails` times, then answers 200 with the body it was sent.
    fn flaky(
        fails: usize,
        calls: Arc<AtomicUsize>,
    ) -> Retry<
        impl Service<Request<Body>, Response = Response, Error = Infallible, Future = impl Send> + Clone,
    > {
        RetryLayer.layer(tower::service_fn(move |req: Request<Body>| {
            let calls = calls.clone();
            async move {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                let body = axum::body::to_bytes(req.into_body(), 1024).await.unwrap();
                assert_eq!(&body[..], b"the same body every time");
                Ok::<_, Infallible>(answer(n < fails))
            }
        }))
    }

    #[tokio::test]
    async fn a_rolled_back_request_is_tried_again_with_the_same_body() {
        let calls = Arc::new(AtomicUsize::new(0));
        let req = Request::post("/x")
            .body(Body::from("the same body every time"))
            .unwrap();
        let r = flaky(2, calls.clone()).oneshot(req).await.unwrap();
        assert_eq!(
            (r.status(), calls.load(Ordering::SeqCst)),
            (StatusCode::OK, 3)
        );
    }

    #[tokio::test]
    async fn retries_are_bounded() {
        let calls = Arc::new(AtomicUsize::new(0));
        let req = Request::post("/x")
            .body(Body::from("the same body every time"))
            .unwrap();
        let r = flaky(100, calls.clone()).oneshot(req).await.unwrap();
        assert_eq!(
            (r.status(), calls.load(Ordering::SeqCst)),
            (StatusCode::SERVICE_UNAVAILABLE, ATTEMPTS)
        );
    }
}

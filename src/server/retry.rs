//! Bounded retry of requests that lost a race in the database. On PostgreSQL two transactions can
//! deadlock or fail to serialize; the database then rolls one back whole. Such an answer is
//! marked [`Retryable`], and the route guard (`server::guard`) runs the same request again, from
//! its buffered body, a few times with a short back-off before giving up with the 503 it got.

use axum::response::Response;
use std::future::Future;
use std::time::Duration;

/// Marks an answer whose transaction was rolled back by the database and may simply be retried.
#[derive(Debug, Clone, Copy)]
pub struct Retryable;

/// How many times a request is tried in all.
pub const ATTEMPTS: usize = 4;

/// Runs `attempt` until its answer is not [`Retryable`], at most [`ATTEMPTS`] times.
pub async fn with_retries<F, Fut>(mut attempt: F) -> Response
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Response>,
{
    let mut n = 1;
    loop {
        let response = attempt().await;
        if response.extensions().get::<Retryable>().is_none() || n == ATTEMPTS {
            return response;
        }
        tracing::warn!(
            attempt = n,
            "the database rolled the request back; trying again"
        );
        tokio::time::sleep(Duration::from_millis(5 << n)).await;
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
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

    /// Rolled back `fails` times, then 200.
    async fn flaky(fails: usize, calls: Arc<AtomicUsize>) -> Response {
        with_retries(|| {
            let calls = calls.clone();
            async move { answer(calls.fetch_add(1, Ordering::SeqCst) < fails) }
        })
        .await
    }

    #[tokio::test]
    async fn a_rolled_back_request_is_tried_again() {
        let calls = Arc::new(AtomicUsize::new(0));
        let r = flaky(2, calls.clone()).await;
        assert_eq!(
            (r.status(), calls.load(Ordering::SeqCst)),
            (StatusCode::OK, 3)
        );
    }

    #[tokio::test]
    async fn retries_are_bounded() {
        let calls = Arc::new(AtomicUsize::new(0));
        let r = flaky(100, calls.clone()).await;
        assert_eq!(
            (r.status(), calls.load(Ordering::SeqCst)),
            (StatusCode::SERVICE_UNAVAILABLE, ATTEMPTS)
        );
    }
}

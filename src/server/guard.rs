//! What each route needs of its caller, declared where the route is registered
//! (`routes::api`), and the one layer that enforces it around the handler:
//!
//! 1. a body announced larger than the route takes is refused (413) before a byte is read;
//! 2. a route that needs a session checks the bearer token before the body is read, so an
//!    unauthenticated request never makes the server hold more than 16 KiB;
//! 3. the body is read up to the route's limit (413) within the configured time (408), then the
//!    handler runs, again if the database rolled it back (`server::retry`);
//! 4. a route guarded by a permission that answers success without having checked it is turned
//!    into a 500: a forgotten check fails closed and shows in every test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use utoipa_axum::router::UtoipaMethodRouter;

use super::auth::Caller;
use super::error::ApiError;
use super::retry::with_retries;
use super::state::AppState;
use crate::model::{Action, Area, Permission, Refusal};

/// The largest body of a route that needs no session (sign-in, activation).
pub const PUBLIC_BODY_LIMIT: usize = 16 * 1024;
/// The largest JSON body.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// The largest CSV rate import, read only after the token and the permission are checked.
pub const CSV_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Who may call a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Anyone: sign-in, activation, health. Small bodies only.
    Public,
    /// Any signed-in session: its own `/me` and sign-out.
    SignedIn,
    /// A session holding one of these permissions (usually one; the handler says which applies
    /// when the body decides, as assigning a rate card to a dealer or to a tenant does).
    Permission(Vec<Permission>),
}

/// `area:read`, `area:create`, … as a route's need.
pub fn may(area: Area, action: Action) -> Need {
    Need::Permission(vec![Permission::Crud(area, action)])
}

/// A special permission (`tenants:move`, `impersonate`, …) as a route's need.
pub fn holds(p: Permission) -> Need {
    Need::Permission(vec![p])
}

/// How a route's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyRead {
    /// Read whole, up to the limit, before the handler runs (and kept for retries).
    Buffered(usize),
    /// Left to the handler, which reads it after its own checks, up to the limit.
    Streamed(usize),
}

/// One method of a route and what it needs.
#[derive(Debug, Clone)]
pub struct Rule {
    method: Method,
    need: Need,
    body: BodyRead,
}

impl Rule {
    fn new(method: Method, need: Need) -> Rule {
        let limit = if need == Need::Public {
            PUBLIC_BODY_LIMIT
        } else {
            JSON_BODY_LIMIT
        };
        Rule {
            method,
            need,
            body: BodyRead::Buffered(limit),
        }
    }

    /// The body is read by the handler, after the permission check, up to `limit` bytes.
    pub fn streamed(mut self, limit: usize) -> Rule {
        self.body = BodyRead::Streamed(limit);
        self
    }

    fn limit(&self) -> usize {
        match self.body {
            BodyRead::Buffered(n) | BodyRead::Streamed(n) => n,
        }
    }
}

pub fn get(need: Need) -> Rule {
    Rule::new(Method::GET, need)
}
pub fn post(need: Need) -> Rule {
    Rule::new(Method::POST, need)
}
pub fn put(need: Need) -> Rule {
    Rule::new(Method::PUT, need)
}
pub fn patch(need: Need) -> Rule {
    Rule::new(Method::PATCH, need)
}
pub fn delete(need: Need) -> Rule {
    Rule::new(Method::DELETE, need)
}

/// Set by the caller's permission check; read by the guard after the handler.
#[derive(Debug, Clone, Default)]
pub struct Checked(Arc<AtomicBool>);

impl Checked {
    pub fn mark(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    fn is_marked(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The permissions a route declared, handed to its caller.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub permissions: Vec<Permission>,
    pub checked: Checked,
}

/// Puts the rules on a group of handlers of one path. Every method the group serves must have
/// exactly one rule, and every rule a method: a route cannot be registered without saying what
/// it needs (checked when the application is built, so every test would fail).
pub fn guard(
    (schemas, paths, router): UtoipaMethodRouter<AppState>,
    rules: impl IntoIterator<Item = Rule>,
) -> UtoipaMethodRouter<AppState> {
    let rules: Vec<Rule> = rules.into_iter().collect();
    for (path, item) in &paths.paths {
        let served: Vec<Method> = [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::PUT, item.put.is_some()),
            (Method::PATCH, item.patch.is_some()),
            (Method::DELETE, item.delete.is_some()),
        ]
        .into_iter()
        .filter_map(|(m, served)| served.then_some(m))
        .collect();
        for m in &served {
            assert!(
                rules.iter().filter(|r| r.method == *m).count() == 1,
                "{m} {path} must declare what it needs, once"
            );
        }
        for r in &rules {
            assert!(
                served.contains(&r.method),
                "{} {path} declares a need but serves no such method",
                r.method
            );
        }
    }
    let rules = Arc::new(rules);
    (
        schemas,
        paths,
        router.route_layer(axum::middleware::from_fn_with_state(rules, enforce)),
    )
}

/// The guard on a plain method router, for routes outside the API document (the activation page).
pub fn guard_page(
    router: axum::routing::MethodRouter<AppState>,
    rules: impl IntoIterator<Item = Rule>,
) -> axum::routing::MethodRouter<AppState> {
    let rules: Arc<Vec<Rule>> = Arc::new(rules.into_iter().collect());
    router.route_layer(axum::middleware::from_fn_with_state(rules, enforce))
}

async fn enforce(State(rules): State<Arc<Vec<Rule>>>, req: Request, next: Next) -> Response {
    let Some(st) = req.extensions().get::<AppState>().cloned() else {
        tracing::error!("the application state is missing from the request");
        return ApiError::internal().into_response();
    };
    let method = if req.method() == Method::HEAD {
        Method::GET
    } else {
        req.method().clone()
    };
    let Some(rule) = rules.iter().find(|r| r.method == method) else {
        tracing::error!(%method, "a route serves a method it declared no need for");
        return ApiError::internal().into_response();
    };
    let limit = rule.limit();
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return too_large(limit).into_response();
    }
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let checked = Checked::default();
    if rule.need != Need::Public {
        let declared = Declared {
            permissions: match &rule.need {
                Need::Permission(p) => p.clone(),
                _ => Vec::new(),
            },
            checked: checked.clone(),
        };
        match Caller::authenticate(&mut parts, &st, declared).await {
            Ok(caller) => {
                parts.extensions.insert(caller);
            }
            Err(e) => return e.into_response(),
        }
    }
    let timeout = Duration::from_secs(st.config.body_timeout_seconds.max(1));
    let response = match rule.body {
        BodyRead::Streamed(limit) => {
            // A large upload (a 64 MiB rate card) gets ten times the time of a JSON body:
            // five minutes by default, some 1.8 Mbit/s at the largest.
            let timeout = timeout * 10;
            parts.extensions.insert(BodyAllowance { limit, timeout });
            next.run(Request::from_parts(parts, body)).await
        }
        BodyRead::Buffered(limit) => {
            let bytes = match read_body(body, limit, timeout).await {
                Ok(b) => b,
                Err(e) => return e.into_response(),
            };
            with_retries(|| next.clone().run(copy(&parts, &bytes))).await
        }
    };
    let guarded = matches!(rule.need, Need::Permission(_));
    if guarded && response.status().is_success() && !checked.is_marked() {
        tracing::error!(%method, %path, "the route answered without checking its permission");
        return ApiError::internal().into_response();
    }
    response
}

/// What a streamed body may be, for the handler that reads it.
#[derive(Debug, Clone, Copy)]
pub struct BodyAllowance {
    pub limit: usize,
    pub timeout: Duration,
}

fn copy(parts: &Parts, bytes: &Bytes) -> Request {
    let mut r = Request::new(Body::from(bytes.clone()));
    *r.method_mut() = parts.method.clone();
    *r.uri_mut() = parts.uri.clone();
    *r.version_mut() = parts.version;
    *r.headers_mut() = parts.headers.clone();
    *r.extensions_mut() = parts.extensions.clone();
    r
}

fn too_large(limit: usize) -> ApiError {
    let size = if limit >= 1024 * 1024 {
        format!("{} MiB", limit / 1024 / 1024)
    } else {
        format!("{} KiB", limit / 1024)
    };
    ApiError::new(
        Refusal::PayloadTooLarge {
            limit_bytes: limit as u64,
        },
        format!("the request body is larger than this route takes ({size}); nothing was changed"),
    )
}

/// Reads a body up to `limit` bytes within `timeout`: 413 as soon as it is longer (the rest is
/// never read), 408 when it trickles in slower than that.
pub async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, ApiError> {
    let read = async {
        let mut stream = body.into_data_stream();
        let mut buf = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| ApiError::bad_request("the request body broke off"))?;
            if buf.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buf))
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(r) => r,
        Err(_) => Err(ApiError::new(
            Refusal::RequestTimeout,
            format!(
                "the request body did not arrive within {} seconds; nothing was changed",
                timeout.as_secs()
            ),
        )),
    }
}

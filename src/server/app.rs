//! The HTTP application: API routes, OpenAPI document, health, the activation page, request ids,
//! tracing, and error answers for unknown routes and methods.

use axum::http::Request;
use axum::routing::get;
use axum::{Extension, Router};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use super::activation_page;
use super::auth::client_addr::is_request_id;
use super::error::ApiError;
use super::guard::{self, Need};
use super::routes::{self, health};
use super::state::AppState;
use crate::model::Refusal;

#[derive(OpenApi)]
#[openapi(
    info(title = "dealerctl management API", description = "Dealers, tenants, packages, users, groups and audit of a cloud PBX dealer channel."),
    components(schemas(crate::model::ErrorBody, crate::model::DealerSort)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// The error answers every operation may give, in the one error shape (API.md): documented on each
/// operation so that clients and schema checkers know every status they can meet.
const ERROR_ANSWERS: &[(&str, &str)] = &[
    ("400", "malformed JSON or parameters"),
    ("401", "no, expired or revoked token; wrong credentials"),
    (
        "403",
        "a permission is missing, or a write while viewing as someone",
    ),
    ("404", "missing, or outside the caller's scope"),
    (
        "409",
        "capacity, children still present, name taken, level rule, a card in use",
    ),
    ("412", "the If-Match version is stale"),
    ("422", "a field fails validation"),
    ("429", "too many sign-in attempts"),
    (
        "503",
        "busy: the database rolled back a conflicting change, or password hashing is at capacity; try again after Retry-After",
    ),
];

/// The answers only an operation that takes a body may give.
const BODY_ANSWERS: &[(&str, &str)] = &[
    (
        "408",
        "the body did not arrive within the server's body timeout",
    ),
    (
        "413",
        "the body is larger than the route takes (16 KiB without a session, 1 MiB JSON, 64 MiB CSV); the rest was not read",
    ),
];

fn document_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let with_body = op.request_body.is_some();
            let answers = ERROR_ANSWERS
                .iter()
                .chain(BODY_ANSWERS.iter().filter(|_| with_body));
            for (status, why) in answers {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(*why)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                                        .build(),
                                )
                                .build(),
                        )
                    });
            }
        }
    }
}

/// The OpenAPI document, generated from the route handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", routes::api())
        .split_for_parts();
    document_errors(&mut doc);
    doc
}

async fn unknown_route() -> ApiError {
    ApiError::new(Refusal::NotFound, "no such route")
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        Refusal::MethodNotAllowed,
        "this route does not take that method",
    )
}

/// Drops a client's `X-Request-Id` unless it is short and plain, so a fresh one is made: what a
/// client sends must not fill logs and the audit trail with its own text.
async fn plain_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    let bad = req
        .headers()
        .get_all("x-request-id")
        .iter()
        .any(|v| !v.to_str().is_ok_and(is_request_id))
        || req.headers().get_all("x-request-id").iter().count() > 1;
    if bad {
        req.headers_mut().remove("x-request-id");
    }
    req
}

/// Builds the whole application.
pub fn build(state: AppState) -> Router {
    let (api, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", routes::api())
        .split_for_parts();
    document_errors(&mut doc);
    let doc = std::sync::Arc::new(doc);
    let activation = guard::guard_page(
        get(activation_page::show).post(activation_page::submit),
        [guard::get(Need::Public), guard::post(Need::Public)],
    );
    api.route("/api/v1/openapi.json", get(move || async move { axum::Json((*doc).clone()) }))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/activate", activation)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(state.clone())
        // The route guard finds the state here (it is layered per route, before the state is).
        .layer(Extension(state))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::map_request(plain_request_id))
}

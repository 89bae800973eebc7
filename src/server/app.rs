//! The HTTP application: API routes, OpenAPI document, health, the activation page, request ids,
//! tracing, and error answers for unknown routes and methods.

use axum::Router;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use super::activation_page;
use super::error::ApiError;
use super::routes::{self, health};
use super::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "dealerctl management API", description = "Dealers, tenants, packages, users, groups and audit of a cloud PBX dealer channel."),
    components(schemas(crate::model::ErrorBody)),
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
        "the database was busy with a conflicting change; try again",
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
            for (status, why) in ERROR_ANSWERS {
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
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
}

/// Builds the whole application.
pub fn build(state: AppState) -> Router {
    let (api, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", routes::api())
        .split_for_parts();
    document_errors(&mut doc);
    let doc = std::sync::Arc::new(doc);
    api.route("/api/v1/openapi.json", get(move || async move { axum::Json((*doc).clone()) }))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/activate", get(activation_page::show).post(activation_page::submit))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(state)
        .layer(super::retry::RetryLayer)
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

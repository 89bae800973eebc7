//! `/api-keys`: a login's own API keys (the operations are in `ops::api_keys`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::ops::api_keys;
use crate::server::state::AppState;

/// The caller's own API keys (never their secrets), expired ones included.
#[utoipa::path(get, path = "/api-keys", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApiKey>), (status = 401, body = ErrorBody)))]
pub async fn list(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ApiKey>>> {
    Ok(Json(api_keys::list(&st, &caller).await?))
}

/// Creates an API key holding some of the caller's permissions; the answer carries its secret,
/// shown this once. Refused to a request made with an API key.
#[utoipa::path(post, path = "/api-keys", tag = "sessions", request_body = NewApiKey, security(("bearer" = [])),
    responses((status = 201, body = CreatedApiKey), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewApiKey>,
) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    Ok((
        StatusCode::CREATED,
        Json(api_keys::create(&st, &caller, new).await?),
    ))
}

/// Revokes one of the caller's API keys at once. Refused to a request made with an API key.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "sessions", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    api_keys::revoke(&st, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/auth`: sign-in, sign-out, activation and password links, view-as and `/me` (the operations
//! are in `ops::sign_in` and `ops::sessions`).

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::auth::caller::request_context;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::ops::{sessions, sign_in};
use crate::server::state::AppState;
use crate::server::store::Actor;

/// The client's address and request id, for requests without a session.
pub struct Anonymous(pub Actor);

impl FromRequestParts<AppState> for Anonymous {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let (client_addr, request_id) = request_context(parts, &st.config);
        Ok(Anonymous(Actor {
            client_addr,
            request_id,
            ..Actor::default()
        }))
    }
}

/// Signs in with e-mail and password and returns a bearer token.
#[utoipa::path(post, path = "/auth/login", tag = "sessions", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn login(
    State(st): State<AppState>,
    Anonymous(actor): Anonymous,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    Ok(Json(sign_in::login(&st, actor, req).await?))
}

/// Revokes the session's token.
#[utoipa::path(post, path = "/auth/logout", tag = "sessions", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(State(st): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    sessions::logout(&st, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the password with the token of an activation or reset link (one use). Throttled like
/// sign-in: made-up tokens from one address are slowed down.
#[utoipa::path(post, path = "/auth/activate", tag = "sessions", request_body = ActivateRequest,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn activate(
    State(st): State<AppState>,
    Anonymous(actor): Anonymous,
    ApiJson(req): ApiJson<ActivateRequest>,
) -> ApiResult<StatusCode> {
    sign_in::set_password(&st, &actor, &req.token, req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts viewing the system as a user in the caller's scope: a read-only session with exactly
/// that user's scope and permissions, for 15 minutes, every request of it audited with both
/// identities.
#[utoipa::path(post, path = "/auth/impersonate", tag = "sessions", request_body = ImpersonateRequest, security(("bearer" = [])),
    responses((status = 200, body = ImpersonateResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn impersonate(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ImpersonateRequest>,
) -> ApiResult<Json<ImpersonateResponse>> {
    Ok(Json(sessions::impersonate(&st, &caller, req).await?))
}

/// The signed-in user, its dealer, permissions and groups, and who is really behind a view-as session.
#[utoipa::path(get, path = "/me", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    Ok(Json(sessions::me(&st, &caller).await?))
}

//! `/users`: logins, invited by mail (the operations are in `ops::users` and `ops::user_scope`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::server::ops::{Paging, user_scope, users};
use crate::server::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Case-insensitive substring of e-mail or display name.
    pub q: Option<String>,
    pub dealer_id: Option<String>,
    pub group_id: Option<String>,
    pub status: Option<UserStatus>,
}

/// Lists the users of the caller's subtree.
#[utoipa::path(get, path = "/users", tag = "users", params(UserQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<User>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<Page<User>>> {
    let filter = UserFilter {
        dealer_id: q.dealer_id.map(Into::into),
        group_id: q.group_id.map(Into::into),
        status: q.status,
    };
    let paging = Paging::new(q.limit, q.cursor, q.q);
    Ok(Json(users::list(&st, &caller, filter, paging).await?))
}

/// Invites a user: it gets an activation link by mail and no password until it uses it.
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUser, security(("bearer" = [])),
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    Ok((
        StatusCode::CREATED,
        Json(users::create(&st, &caller, new).await?),
    ))
}

#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<User>> {
    Ok(Json(users::get(&st, &caller, &id).await?))
}

/// Changes display name, groups (those the caller can see) or enabled; disabling ends its sessions.
/// With `dry_run=true`, nothing changes: the answer is the impact (a disable: the one login).
#[utoipa::path(patch, path = "/users/{id}", tag = "users", params(("id" = String, Path), ("If-Match" = Option<String>, Header), DryRun),
    request_body = UserPatch, security(("bearer" = [])),
    responses((status = 200, body = OrImpact<User>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiQuery(q): ApiQuery<DryRun>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> ApiResult<Json<OrImpact<User>>> {
    Ok(Json(
        users::update(&st, &caller, &id, v, patch, q.dry_run).await?,
    ))
}

#[utoipa::path(delete, path = "/users/{id}", tag = "users", params(("id" = String, Path), ("If-Match" = Option<String>, Header)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
) -> ApiResult<StatusCode> {
    users::delete(&st, &caller, &id, v).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a new link; the old password stops working at once.
#[utoipa::path(post, path = "/users/{id}/reset-password", tag = "users", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    users::reset_password(&st, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a user can see and do, and what looks wrong. The counts come from the very store calls
/// that answer the user's own list requests, under its own scope and permissions, so the report
/// and the user's view cannot disagree.
#[utoipa::path(get, path = "/users/{id}/scope", tag = "users", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ScopeReport), (status = 404, body = ErrorBody)))]
pub async fn scope(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ScopeReport>> {
    Ok(Json(user_scope::report(&st, &caller, &id).await?))
}

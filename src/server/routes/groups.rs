//! `/groups`, `/permissions`, `/group-templates` (the operations are in `ops::groups`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::server::ops::{Paging, groups};
use crate::server::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub q: Option<String>,
    /// The groups usable by this dealer: its own and those of its ancestors in scope (`inherited`).
    pub dealer_id: Option<String>,
}

/// Every permission with what it allows.
#[utoipa::path(get, path = "/permissions", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = Vec<PermissionInfo>), (status = 403, body = ErrorBody)))]
pub async fn permissions(caller: Caller) -> ApiResult<Json<Vec<PermissionInfo>>> {
    Ok(Json(groups::permissions(&caller)?))
}

/// The built-in templates to create a group from.
#[utoipa::path(get, path = "/group-templates", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = Vec<GroupTemplate>), (status = 403, body = ErrorBody)))]
pub async fn templates(caller: Caller) -> ApiResult<Json<Vec<GroupTemplate>>> {
    Ok(Json(groups::templates(&caller)?))
}

#[utoipa::path(get, path = "/groups", tag = "groups", params(GroupQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Group>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<GroupQuery>,
) -> ApiResult<Json<Page<Group>>> {
    let filter = GroupFilter {
        dealer_id: q.dealer_id.map(Into::into),
    };
    let paging = Paging::new(q.limit, q.cursor, q.q);
    Ok(Json(groups::list(&st, &caller, filter, paging).await?))
}

/// Creates a group, blank or from a template; only permissions the caller holds.
#[utoipa::path(post, path = "/groups", tag = "groups", request_body = NewGroup, security(("bearer" = [])),
    responses((status = 201, body = Group), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewGroup>,
) -> ApiResult<(StatusCode, Json<Group>)> {
    Ok((
        StatusCode::CREATED,
        Json(groups::create(&st, &caller, new).await?),
    ))
}

#[utoipa::path(get, path = "/groups/{id}", tag = "groups", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Group), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Group>> {
    Ok(Json(groups::get(&st, &caller, &id).await?))
}

/// Renames a group or changes its permissions (only to ones the caller holds). With
/// `dry_run=true`, nothing changes: the answer is the impact (the permissions removed and how
/// many members lose them).
#[utoipa::path(patch, path = "/groups/{id}", tag = "groups", params(("id" = String, Path), ("If-Match" = Option<String>, Header), DryRun),
    request_body = GroupPatch, security(("bearer" = [])),
    responses((status = 200, body = OrImpact<Group>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiQuery(q): ApiQuery<DryRun>,
    ApiJson(patch): ApiJson<GroupPatch>,
) -> ApiResult<Json<OrImpact<Group>>> {
    Ok(Json(
        groups::update(&st, &caller, &id, v, patch, q.dry_run).await?,
    ))
}

#[utoipa::path(delete, path = "/groups/{id}", tag = "groups", params(("id" = String, Path), ("If-Match" = Option<String>, Header)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
) -> ApiResult<StatusCode> {
    groups::delete(&st, &caller, &id, v).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/dealers`: the dealer tree's members, their packages and capacity (the operations are in
//! `ops::dealers`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::server::ops::{Paging, dealers};
use crate::server::state::AppState;

/// Filters and paging of `GET /dealers`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealerQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Case-insensitive substring of name, display name or e-mail.
    pub q: Option<String>,
    pub parent_id: Option<String>,
    pub level: Option<Level>,
    pub enabled: Option<bool>,
    /// Each dealer with its package's use (`capacity`), when the caller may read packages.
    pub with_capacity: Option<bool>,
    /// The order: `name` (default), `level`, or how full the package is (`tenants`,
    /// `extensions`, `calls`, `recording`, `fullest`; these need `packages:read`). A sorted list
    /// other than by name pages by position.
    pub sort: Option<DealerSort>,
    /// Reverses the order (`sort=fullest&desc=true`: the fullest first).
    pub desc: Option<bool>,
}

/// Lists the dealers of the caller's subtree.
#[utoipa::path(get, path = "/dealers", tag = "dealers", params(DealerQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Dealer>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<DealerQuery>,
) -> ApiResult<Json<Page<Dealer>>> {
    let filter = DealerFilter {
        parent_id: q.parent_id.map(Into::into),
        level: q.level,
        enabled: q.enabled,
        with_capacity: q.with_capacity.unwrap_or(false),
        sort: q.sort,
        desc: q.desc.unwrap_or(false),
    };
    let paging = Paging::new(q.limit, q.cursor, q.q);
    Ok(Json(dealers::list(&st, &caller, filter, paging).await?))
}

/// Creates a sub-dealer under `parent_id`, its package carved from the parent's.
#[utoipa::path(post, path = "/dealers", tag = "dealers", request_body = NewDealer, security(("bearer" = [])),
    responses((status = 201, body = Dealer), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewDealer>,
) -> ApiResult<(StatusCode, Json<Dealer>)> {
    Ok((
        StatusCode::CREATED,
        Json(dealers::create(&st, &caller, new).await?),
    ))
}

/// One dealer, with its path of ancestors inside the caller's scope.
#[utoipa::path(get, path = "/dealers/{id}", tag = "dealers", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Dealer), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Dealer>> {
    Ok(Json(dealers::get(&st, &caller, &id).await?))
}

/// Changes contact fields (never level or parent).
#[utoipa::path(patch, path = "/dealers/{id}", tag = "dealers", params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = DealerPatch, security(("bearer" = [])),
    responses((status = 200, body = Dealer), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(patch): ApiJson<DealerPatch>,
) -> ApiResult<Json<Dealer>> {
    Ok(Json(dealers::update(&st, &caller, &id, v, patch).await?))
}

/// Deletes a dealer with no sub-dealers and no tenants; its package returns to the parent.
/// With `dry_run=true`, nothing is deleted: 200 with the impact (the logins that would go).
#[utoipa::path(delete, path = "/dealers/{id}", tag = "dealers", params(("id" = String, Path), ("If-Match" = Option<String>, Header), DryRun), security(("bearer" = [])),
    responses((status = 204), (status = 200, body = Impact, description = "dry run: what the delete would do"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiQuery(q): ApiQuery<DryRun>,
) -> ApiResult<Response> {
    Ok(no_content_or_impact(
        dealers::delete(&st, &caller, &id, v, q.dry_run).await?,
    ))
}

/// 204 for a delete made, 200 with the impact for a dry run.
pub fn no_content_or_impact(answer: OrImpact<()>) -> Response {
    match answer {
        OrImpact::Done(()) => StatusCode::NO_CONTENT.into_response(),
        OrImpact::Impact(i) => Json(i).into_response(),
    }
}

/// Suspends a dealer: its whole subtree is effectively suspended and its sessions end. With
/// `dry_run=true`, nothing changes: the answer is the impact (the sub-dealers, tenants and
/// logins that would stop working).
#[utoipa::path(post, path = "/dealers/{id}/suspend", tag = "dealers", params(("id" = String, Path), DryRun), security(("bearer" = [])),
    responses((status = 200, body = OrImpact<Dealer>), (status = 404, body = ErrorBody)))]
pub async fn suspend(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DryRun>,
) -> ApiResult<Json<OrImpact<Dealer>>> {
    Ok(Json(
        dealers::set_enabled(&st, &caller, &id, false, q.dry_run).await?,
    ))
}

/// Resumes a dealer; what was enabled below it before is enabled again. With `dry_run=true`,
/// nothing changes: the answer is the impact (what would work again).
#[utoipa::path(post, path = "/dealers/{id}/resume", tag = "dealers", params(("id" = String, Path), DryRun), security(("bearer" = [])),
    responses((status = 200, body = OrImpact<Dealer>), (status = 404, body = ErrorBody)))]
pub async fn resume(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DryRun>,
) -> ApiResult<Json<OrImpact<Dealer>>> {
    Ok(Json(
        dealers::set_enabled(&st, &caller, &id, true, q.dry_run).await?,
    ))
}

/// Package, allocated, used and free per dimension, and the subtree's use.
#[utoipa::path(get, path = "/dealers/{id}/capacity", tag = "dealers", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Capacity), (status = 404, body = ErrorBody)))]
pub async fn capacity(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Capacity>> {
    Ok(Json(dealers::capacity(&st, &caller, &id).await?))
}

/// Sets a sub-dealer's package: raises need the parent's free capacity, cuts may not go below
/// what is allocated and used.
#[utoipa::path(put, path = "/dealers/{id}/package", tag = "dealers", params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = Package, security(("bearer" = [])),
    responses((status = 200, body = Dealer), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_package(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(p): ApiJson<Package>,
) -> ApiResult<Json<Dealer>> {
    Ok(Json(dealers::set_package(&st, &caller, &id, v, p).await?))
}

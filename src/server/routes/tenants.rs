//! `/tenants`: customer PBXs (the operations are in `ops::tenants` and `ops::tenant_moves`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::server::ops::{Paging, tenant_moves, tenants};
use crate::server::routes::dealers::no_content_or_impact;
use crate::server::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Case-insensitive substring of name or domain.
    pub q: Option<String>,
    pub dealer_id: Option<String>,
    /// With `dealer_id`: include the tenants of dealers below it (default true).
    pub subtree: Option<bool>,
    pub enabled: Option<bool>,
}

/// Lists the tenants of the caller's subtree.
#[utoipa::path(get, path = "/tenants", tag = "tenants", params(TenantQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Tenant>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TenantQuery>,
) -> ApiResult<Json<Page<Tenant>>> {
    let filter = TenantFilter {
        dealer_id: q.dealer_id.map(Into::into),
        subtree: q.subtree,
        enabled: q.enabled,
    };
    let paging = Paging::new(q.limit, q.cursor, q.q);
    Ok(Json(tenants::list(&st, &caller, filter, paging).await?))
}

/// Creates a tenant of `dealer_id`, using that dealer's capacity.
#[utoipa::path(post, path = "/tenants", tag = "tenants", request_body = NewTenant, security(("bearer" = [])),
    responses((status = 201, body = Tenant), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewTenant>,
) -> ApiResult<(StatusCode, Json<Tenant>)> {
    Ok((
        StatusCode::CREATED,
        Json(tenants::create(&st, &caller, new).await?),
    ))
}

#[utoipa::path(get, path = "/tenants/{id}", tag = "tenants", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Tenant), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Tenant>> {
    Ok(Json(tenants::get(&st, &caller, &id).await?))
}

/// Changes a tenant's name, domain or allocations.
#[utoipa::path(patch, path = "/tenants/{id}", tag = "tenants", params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = TenantPatch, security(("bearer" = [])),
    responses((status = 200, body = Tenant), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(patch): ApiJson<TenantPatch>,
) -> ApiResult<Json<Tenant>> {
    Ok(Json(tenants::update(&st, &caller, &id, v, patch).await?))
}

/// Deletes a tenant; its allocations return to its dealer. With `dry_run=true`, nothing is
/// deleted: 200 with the impact.
#[utoipa::path(delete, path = "/tenants/{id}", tag = "tenants", params(("id" = String, Path), ("If-Match" = Option<String>, Header), DryRun), security(("bearer" = [])),
    responses((status = 204), (status = 200, body = Impact, description = "dry run: what the delete would do"), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiQuery(q): ApiQuery<DryRun>,
) -> ApiResult<Response> {
    Ok(no_content_or_impact(
        tenants::delete(&st, &caller, &id, v, q.dry_run).await?,
    ))
}

/// Suspends a tenant. With `dry_run=true`, nothing changes: the answer is the impact.
#[utoipa::path(post, path = "/tenants/{id}/suspend", tag = "tenants", params(("id" = String, Path), DryRun), security(("bearer" = [])),
    responses((status = 200, body = OrImpact<Tenant>), (status = 404, body = ErrorBody)))]
pub async fn suspend(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DryRun>,
) -> ApiResult<Json<OrImpact<Tenant>>> {
    Ok(Json(
        tenants::set_enabled(&st, &caller, &id, false, q.dry_run).await?,
    ))
}

/// Resumes a tenant. With `dry_run=true`, nothing changes: the answer is the impact.
#[utoipa::path(post, path = "/tenants/{id}/resume", tag = "tenants", params(("id" = String, Path), DryRun), security(("bearer" = [])),
    responses((status = 200, body = OrImpact<Tenant>), (status = 404, body = ErrorBody)))]
pub async fn resume(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DryRun>,
) -> ApiResult<Json<OrImpact<Tenant>>> {
    Ok(Json(
        tenants::set_enabled(&st, &caller, &id, true, q.dry_run).await?,
    ))
}

/// Plans a move of the tenant to another dealer (`dry_run: true`, the default): the capacity
/// taken at the destination and freed at the source, the rate card replaced and by which, and
/// anything that blocks it. With `dry_run: false` the move is made and audited in one
/// transaction, or refused with 409 and the first blocker's code (details carry the plan). Needs
/// `tenants:move` and a scope covering both dealers.
#[utoipa::path(post, path = "/tenants/{id}/move", tag = "tenants", params(("id" = String, Path), ("If-Match" = Option<String>, Header)), request_body = TenantMove, security(("bearer" = [])),
    responses((status = 200, body = MovePlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_tenant(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(mv): ApiJson<TenantMove>,
) -> ApiResult<Json<MovePlan>> {
    Ok(Json(
        tenant_moves::move_tenant(&st, &caller, &id, v, &mv).await?,
    ))
}

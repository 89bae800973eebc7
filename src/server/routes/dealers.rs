//! `/dealers`: the dealer tree's members, their packages and capacity. Out-of-scope ids answer
//! 404 before any permission is checked.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
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
}

/// 404 unless the dealer is in the caller's scope.
pub async fn visible_dealer(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Dealer> {
    st.store
        .get_dealer(&caller.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Lists the dealers of the caller's subtree.
#[utoipa::path(get, path = "/dealers", tag = "dealers", params(DealerQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Dealer>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<DealerQuery>,
) -> ApiResult<Json<Page<Dealer>>> {
    if let Some(p) = &q.parent_id {
        visible_dealer(&st, &caller, p).await?;
    }
    caller.authorize()?;
    let page = super::page(q.limit, q.cursor, q.q)?;
    let filter = DealerFilter {
        parent_id: q.parent_id,
        level: q.level,
        enabled: q.enabled,
        with_capacity: q.with_capacity.unwrap_or(false),
    };
    let mut dealers = st.store.list_dealers(&caller.scope, &filter, &page).await?;
    // A side detail: without packages:read the dealers come without it, not refused.
    if filter.with_capacity
        && caller
            .permissions
            .contains(Permission::Crud(Area::Packages, Action::Read))
    {
        for d in &mut dealers.items {
            d.capacity = st.store.capacity(&caller.scope, &d.id).await?;
        }
    }
    Ok(Json(dealers))
}

/// Creates a sub-dealer under `parent_id`, its package carved from the parent's.
#[utoipa::path(post, path = "/dealers", tag = "dealers", request_body = NewDealer, security(("bearer" = [])),
    responses((status = 201, body = Dealer), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewDealer>,
) -> ApiResult<(StatusCode, Json<Dealer>)> {
    visible_dealer(&st, &caller, &new.parent_id).await?;
    caller.authorize()?;
    if new.package.is_some() {
        caller.require(Permission::Crud(Area::Packages, Action::Update))?;
    }
    Ok((
        StatusCode::CREATED,
        Json(
            st.store
                .create_dealer(&caller.scope, &caller.actor, new)
                .await?,
        ),
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
    let d = visible_dealer(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(d))
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
    visible_dealer(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(
        st.store
            .update_dealer(&caller.scope, &caller.actor, &id, v, patch)
            .await?,
    ))
}

/// Deletes a dealer with no sub-dealers and no tenants; its package returns to the parent.
#[utoipa::path(delete, path = "/dealers/{id}", tag = "dealers", params(("id" = String, Path), ("If-Match" = Option<String>, Header)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
) -> ApiResult<StatusCode> {
    visible_dealer(&st, &caller, &id).await?;
    caller.authorize()?;
    st.store
        .delete_dealer(&caller.scope, &caller.actor, &id, v)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_enabled(
    st: AppState,
    caller: Caller,
    id: String,
    enabled: bool,
) -> ApiResult<Json<Dealer>> {
    visible_dealer(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(
        st.store
            .set_dealer_enabled(&caller.scope, &caller.actor, &id, enabled)
            .await?,
    ))
}

/// Suspends a dealer: its whole subtree is effectively suspended and its sessions end.
#[utoipa::path(post, path = "/dealers/{id}/suspend", tag = "dealers", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Dealer), (status = 404, body = ErrorBody)))]
pub async fn suspend(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Dealer>> {
    set_enabled(st, caller, id, false).await
}

/// Resumes a dealer; what was enabled below it before is enabled again.
#[utoipa::path(post, path = "/dealers/{id}/resume", tag = "dealers", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Dealer), (status = 404, body = ErrorBody)))]
pub async fn resume(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Dealer>> {
    set_enabled(st, caller, id, true).await
}

/// Package, allocated, used and free per dimension, and the subtree's use.
#[utoipa::path(get, path = "/dealers/{id}/capacity", tag = "dealers", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Capacity), (status = 404, body = ErrorBody)))]
pub async fn capacity(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Capacity>> {
    visible_dealer(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(
        st.store
            .capacity(&caller.scope, &id)
            .await?
            .ok_or_else(ApiError::not_found)?,
    ))
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
    visible_dealer(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(
        st.store
            .set_package(&caller.scope, &caller.actor, &id, v, p)
            .await?,
    ))
}

//! `/search`: objects of every kind the caller may read, by a substring of their name (the
//! operation is `ops::search`).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::ApiQuery;
use crate::server::ops;
use crate::server::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Case-insensitive substring of a name, a tenant's domain, a login's e-mail or a display
    /// name (1 to 100 characters).
    pub q: String,
    /// Matches to return, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Searches the caller's scope: dealers, tenants, logins, groups and rate cards, of the kinds it
/// may read, each with the dealers above it.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams), security(("bearer" = [])),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchResults>> {
    Ok(Json(
        ops::search::search(&st, &caller, &p.q, p.limit).await?,
    ))
}

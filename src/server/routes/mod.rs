//! The API routes, one file per resource, collected with their OpenAPI descriptions.

pub mod audit;
pub mod auth;
pub mod dealers;
pub mod groups;
pub mod health;
pub mod rate_cards;
pub mod tenants;
pub mod tree;
pub mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::state::AppState;
use super::store::PageRequest;

/// Every `/api/v1` route, with the OpenAPI description generated from the same handlers.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::activate))
        .routes(routes!(auth::impersonate))
        .routes(routes!(auth::me))
        .routes(routes!(dealers::list, dealers::create))
        .routes(routes!(dealers::get, dealers::update, dealers::delete))
        .routes(routes!(dealers::suspend))
        .routes(routes!(dealers::resume))
        .routes(routes!(dealers::capacity))
        .routes(routes!(dealers::set_package))
        .routes(routes!(tree::tree))
        .routes(routes!(tenants::list, tenants::create))
        .routes(routes!(tenants::get, tenants::update, tenants::delete))
        .routes(routes!(tenants::suspend))
        .routes(routes!(tenants::resume))
        .routes(routes!(tenants::move_tenant))
        .routes(routes!(rate_cards::list, rate_cards::create))
        .routes(routes!(rate_cards::preview))
        .routes(routes!(
            rate_cards::get,
            rate_cards::update,
            rate_cards::delete
        ))
        .routes(routes!(rate_cards::rates, rate_cards::import))
        .routes(routes!(rate_cards::assign))
        .routes(routes!(rate_cards::quote))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update, users::delete))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::scope))
        .routes(routes!(groups::permissions))
        .routes(routes!(groups::templates))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::get, groups::update, groups::delete))
        .routes(routes!(audit::list))
}

/// The default and the largest page size.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// Checks the paging parameters every list takes.
pub fn page(
    limit: Option<i64>,
    cursor: Option<String>,
    q: Option<String>,
) -> Result<PageRequest, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    Ok(PageRequest {
        limit,
        cursor: cursor.filter(|c| !c.is_empty()),
        q,
    })
}

//! `/groups`, `/permissions`, `/group-templates`: nobody grants a permission it does not hold.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::permissions::{self as rules, catalogue, template};
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
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

async fn visible_group(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Group> {
    st.store
        .get_group(&caller.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// 403 when `perms` holds anything the caller lacks, naming what.
fn no_escalation(caller: &Caller, perms: &[Permission]) -> ApiResult<()> {
    ApiError::unless_held(&caller.permissions.missing(perms), |names| {
        format!("you cannot grant permissions you do not hold: {names}")
    })
    .map_err(|e| e.with_field("permissions"))
}

/// Every permission with what it allows.
#[utoipa::path(get, path = "/permissions", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = Vec<PermissionInfo>), (status = 403, body = ErrorBody)))]
pub async fn permissions(caller: Caller) -> ApiResult<Json<Vec<PermissionInfo>>> {
    caller.authorize()?;
    Ok(Json(catalogue()))
}

/// The built-in templates to create a group from.
#[utoipa::path(get, path = "/group-templates", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = Vec<GroupTemplate>), (status = 403, body = ErrorBody)))]
pub async fn templates(caller: Caller) -> ApiResult<Json<Vec<GroupTemplate>>> {
    caller.authorize()?;
    Ok(Json(rules::templates()))
}

#[utoipa::path(get, path = "/groups", tag = "groups", params(GroupQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Group>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<GroupQuery>,
) -> ApiResult<Json<Page<Group>>> {
    if let Some(d) = &q.dealer_id {
        super::dealers::visible_dealer(&st, &caller, d).await?;
    }
    caller.authorize()?;
    let page = super::page(q.limit, q.cursor, q.q)?;
    Ok(Json(
        st.store
            .list_groups(
                &caller.scope,
                &GroupFilter {
                    dealer_id: q.dealer_id,
                },
                &page,
            )
            .await?,
    ))
}

/// Creates a group, blank or from a template; only permissions the caller holds.
#[utoipa::path(post, path = "/groups", tag = "groups", request_body = NewGroup, security(("bearer" = [])),
    responses((status = 201, body = Group), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(mut new): ApiJson<NewGroup>,
) -> ApiResult<(StatusCode, Json<Group>)> {
    super::dealers::visible_dealer(&st, &caller, &new.dealer_id).await?;
    caller.authorize()?;
    if let Some(key) = &new.template {
        let t = template(key).ok_or_else(|| {
            ApiError::invalid_field("template", format!("names no template (`{key}`)"))
        })?;
        if new.permissions.is_empty() {
            new.permissions = t.permissions;
        }
        if new.description.is_empty() {
            new.description = t.description;
        }
    }
    no_escalation(&caller, &new.permissions)?;
    Ok((
        StatusCode::CREATED,
        Json(
            st.store
                .create_group(&caller.scope, &caller.actor, new)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/groups/{id}", tag = "groups", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Group), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Group>> {
    let g = visible_group(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(g))
}

/// Renames a group or changes its permissions (only to ones the caller holds).
#[utoipa::path(patch, path = "/groups/{id}", tag = "groups", params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = GroupPatch, security(("bearer" = [])),
    responses((status = 200, body = Group), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(patch): ApiJson<GroupPatch>,
) -> ApiResult<Json<Group>> {
    visible_group(&st, &caller, &id).await?;
    caller.authorize()?;
    if let Some(p) = &patch.permissions {
        no_escalation(&caller, p)?;
    }
    Ok(Json(
        st.store
            .update_group(&caller.scope, &caller.actor, &id, v, patch)
            .await?,
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
    visible_group(&st, &caller, &id).await?;
    caller.authorize()?;
    st.store
        .delete_group(&caller.scope, &caller.actor, &id, v)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

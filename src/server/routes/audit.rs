//! `GET /audit`: the events of the caller's subtree, newest first.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;

use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiQuery;
use crate::server::ops::{Paging, audit};
use crate::server::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Case-insensitive substring of object name, actor e-mail or action.
    pub q: Option<String>,
    pub actor_id: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    /// Only the events of one applied plan (its id).
    pub change_set: Option<String>,
    /// Only the events of this dealer's subtree.
    pub dealer_id: Option<String>,
    /// RFC 3339: events at or after.
    pub since: Option<String>,
    /// RFC 3339: events before.
    pub until: Option<String>,
}

#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<AuditEvent>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditEvent>>> {
    let filter = AuditFilter {
        actor_id: q.actor_id,
        object_type: q.object_type,
        object_id: q.object_id,
        action: q.action,
        change_set: q.change_set,
        dealer_id: q.dealer_id.map(DealerId::from),
        since: time_param("since", q.since)?,
        until: time_param("until", q.until)?,
    };
    let paging = Paging::new(q.limit, q.cursor, q.q);
    Ok(Json(audit::list(&st, &caller, filter, paging).await?))
}

/// An RFC 3339 query parameter, or the refusal that names it.
fn time_param(field: &'static str, value: Option<String>) -> ApiResult<Option<OffsetDateTime>> {
    value
        .map(|v| {
            OffsetDateTime::parse(&v, &Rfc3339)
                .map_err(|_| ApiError::from(FieldError::new(field, "must be an RFC 3339 time")))
        })
        .transpose()
}

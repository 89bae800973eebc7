//! `GET /export`, `POST /plans`, `POST /plans/{id}/apply`: a subtree as one document, the plan
//! that brings it to what a document says, and its apply (operations in `ops::channel`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiPath, ApiQuery};
use crate::server::ops::channel::{self, ApplyError, run::stopped_body};
use crate::server::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The dealer at the top, by id or name (default: the caller's own).
    pub under: Option<String>,
}

/// The subtree under a dealer as one declarative document: references by name, no secrets, and
/// only the kinds the caller may read.
#[utoipa::path(get, path = "/export", tag = "plans", params(ExportQuery), security(("bearer" = [])),
    responses((status = 200, body = ChannelDocument), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Json<ChannelDocument>> {
    Ok(Json(
        channel::export(&st, &caller, q.under.as_deref()).await?,
    ))
}

/// Plans a document: every create, update and delete (with `prune`), checked by running them
/// through the real operations and rolling back, with each refusal. Changes nothing; the plan
/// is kept an hour for its maker to apply.
#[utoipa::path(post, path = "/plans", tag = "plans", request_body = PlanRequest, security(("bearer" = [])),
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn plan(
    State(st): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<Plan>> {
    // Read by hand: a misspelt field of a hand-written document is a 400 that names it, with
    // its path in the document.
    let mut de = serde_json::Deserializer::from_slice(&body);
    let req: PlanRequest = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = path.clone();
        ApiError::bad_request(format!(
            "the document does not fit at `{path}`: {}",
            e.inner()
        ))
        .with_field(field)
    })?;
    Ok(Json(channel::plan(&st, &caller, req).await?))
}

/// Applies a plan in one transaction, whole or not at all: a refused step answers its own
/// refusal, the step named in `details.step`; 412 `version_mismatch` when the subtree changed
/// since the plan was made. Every audit event of the apply carries the plan's id as its
/// `change_set`. A plan applies once (then it is not found).
#[utoipa::path(post, path = "/plans/{id}/apply", tag = "plans", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = AppliedPlan), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn apply(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Response {
    match channel::apply(&st, &caller, &id).await {
        Ok(applied) => Json(applied).into_response(),
        Err(ApplyError::Refused(e)) => e.into_response(),
        Err(ApplyError::Step(stopped)) => {
            (stopped.error.status, Json(stopped_body(&stopped))).into_response()
        }
    }
}

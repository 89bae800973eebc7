//! `GET /tree`: lazy browsing of the dealer tree with tenants as leaves.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::ApiQuery;
use crate::server::ops::dealers;
use crate::server::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TreeQuery {
    /// The node to start from; the caller's own dealer by default.
    pub root: Option<String>,
    /// Levels of children to load (default 1, at most 4).
    pub depth: Option<u32>,
    /// A tenant of `root` listed among its leaves even when it is not among the first 500 by
    /// name (the tree opened at a search match).
    pub show: Option<String>,
}

/// A dealer node with its sub-dealers and tenants down to `depth`.
#[utoipa::path(get, path = "/tree", tag = "dealers", params(TreeQuery), security(("bearer" = [])),
    responses((status = 200, body = TreeNode), (status = 404, body = ErrorBody)))]
pub async fn tree(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TreeQuery>,
) -> ApiResult<Json<TreeNode>> {
    Ok(Json(
        dealers::tree(&st, &caller, q.root.as_deref(), q.depth, q.show.as_deref()).await?,
    ))
}

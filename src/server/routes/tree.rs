//! `GET /tree`: lazy browsing of the dealer tree with tenants as leaves.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiQuery;
use crate::server::state::AppState;

/// The deepest level one request may load.
pub const MAX_DEPTH: u32 = 4;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TreeQuery {
    /// The node to start from; the caller's own dealer by default.
    pub root: Option<String>,
    /// Levels of children to load (default 1, at most 4).
    pub depth: Option<u32>,
}

fn drop_tenants(node: &mut TreeNode) {
    node.children.retain(|c| c.kind == NodeKind::Dealer);
    node.children.iter_mut().for_each(drop_tenants);
}

/// A dealer node with its sub-dealers and tenants down to `depth`.
#[utoipa::path(get, path = "/tree", tag = "dealers", params(TreeQuery), security(("bearer" = [])),
    responses((status = 200, body = TreeNode), (status = 404, body = ErrorBody)))]
pub async fn tree(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TreeQuery>,
) -> ApiResult<Json<TreeNode>> {
    let depth = q.depth.unwrap_or(1).min(MAX_DEPTH);
    let root = q.root.as_deref().filter(|r| !r.is_empty());
    if let Some(r) = root {
        super::dealers::visible_dealer(&st, &caller, r).await?;
    }
    caller.authorize()?;
    let mut node = st
        .store
        .tree(&caller.scope, root, depth)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !caller
        .permissions
        .contains(Permission::Crud(Area::Tenants, Action::Read))
    {
        drop_tenants(&mut node);
    }
    Ok(Json(node))
}

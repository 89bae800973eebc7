//! The authenticated caller of a request: who it is, its scope, what it may do. Read-only
//! (view-as) sessions are refused writes here, in one place for every route.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{Method, request::Parts};
use std::net::SocketAddr;

use super::token::hash_token;
use crate::domain::permissions::PermissionSet;
use crate::model::{Action, Area, Group, Permission};
use crate::server::error::ApiError;
use crate::server::state::AppState;
use crate::server::store::{Actor, Scope, now_micros};

/// A verified session and what it may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub email: String,
    pub dealer_id: String,
    pub scope: Scope,
    pub permissions: PermissionSet,
    pub groups: Vec<Group>,
    pub impersonator_id: Option<String>,
    pub read_only: bool,
    pub token_hash: String,
    pub expires_at: i64,
    pub actor: Actor,
}

/// Requests sent with a write method that change nothing, allowed while viewing as someone.
const CHANGES_NOTHING: [&str; 2] = ["/api/v1/auth/logout", "/api/v1/rate-cards/preview"];

impl Caller {
    /// 403 unless the caller holds `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.permissions.contains(p) {
            Ok(())
        } else if self.permissions.is_empty() {
            Err(ApiError::forbidden(format!(
                "this login belongs to no permission group, so it may do nothing (needs {p}); ask an administrator to add it to a group"
            ))
            .with_details(serde_json::json!({ "permission": p })))
        } else {
            Err(ApiError::forbidden(format!("you lack the permission {p}"))
                .with_details(serde_json::json!({ "permission": p })))
        }
    }

    /// 403 unless the caller holds `area:action`.
    pub fn require_crud(&self, area: Area, action: Action) -> Result<(), ApiError> {
        self.require(Permission::Crud(area, action))
    }
}

/// The client's address and the request id, for the audit trail.
pub fn request_context(parts: &Parts) -> (Option<String>, Option<String>) {
    let addr = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (addr, request_id)
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .ok_or_else(|| ApiError::unauthenticated("sign in first: no bearer token was sent"))?;
        let token_hash = hash_token(token);
        let now = now_micros();
        let extend_to = now + state.config.session_hours as i64 * 3_600_000_000;
        let session = state
            .store
            .session(&token_hash, now, extend_to)
            .await?
            .ok_or_else(|| {
                ApiError::unauthenticated("the session has expired or was revoked: sign in again")
            })?;
        let is_write = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        // Nested routers see a shortened path; the original one names the route for sure.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.0.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let (client_addr, request_id) = request_context(parts);
        let actor = Actor {
            user_id: Some(session.user_id.clone()),
            email: Some(session.email.clone()),
            impersonator_id: session.impersonator_id.clone(),
            impersonator_email: session.impersonator_email.clone(),
            client_addr,
            request_id,
        };
        if session.impersonator_id.is_some() {
            // Every request made while viewing as someone is on the record, with both identities.
            let details = serde_json::json!({ "method": parts.method.as_str(), "path": path });
            state
                .store
                .audit_user_event(&session.user_id, "view_as.request", &actor, Some(details))
                .await?;
        }
        if session.read_only && is_write && !CHANGES_NOTHING.contains(&path.as_str()) {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "read_only_session",
                format!(
                    "you are viewing as {} (read-only): return to your own login to make changes",
                    session.email
                ),
            ));
        }
        let groups = state.store.own_groups(&session.user_id).await?;
        let permissions = PermissionSet::union_of(groups.iter().map(|g| g.permissions.as_slice()));
        Ok(Caller {
            actor,
            scope: Scope::of_account(session.dealer_id.clone()),
            user_id: session.user_id,
            email: session.email,
            dealer_id: session.dealer_id,
            permissions,
            groups,
            impersonator_id: session.impersonator_id,
            read_only: session.read_only,
            token_hash,
            expires_at: session.expires_at,
        })
    }
}

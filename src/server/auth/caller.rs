//! The authenticated caller of a request: who it is, its scope, what it may do. Read-only
//! (view-as) sessions are refused writes here, in one place for every route.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{Method, request::Parts};
use std::net::SocketAddr;

use super::client_addr::{client_addr, is_request_id};
use super::token::hash_token;
use crate::domain::permissions::{PermissionSet, view_as_missing};
use crate::model::{API_KEY_PREFIX, Permission};
use crate::server::config::ServerConfig;
use crate::server::error::ApiError;
use crate::server::guard::Declared;
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
    pub impersonator_id: Option<String>,
    pub read_only: bool,
    pub token_hash: String,
    pub session_id: String,
    pub expires_at: i64,
    pub actor: Actor,
    /// The API key the request was made with, instead of a session. Its permissions are the
    /// key's; it may not manage keys, sign out or view as anyone.
    pub api_key: Option<KeyRef>,
    /// What the route declared, and whether the handler checked it.
    pub declared: Declared,
}

/// The API key behind a request: its id and name, as the audit trail records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    pub id: String,
    pub name: String,
}

/// Requests sent with a write method that change nothing, allowed while viewing as someone.
const CHANGES_NOTHING: [&str; 3] = [
    "/api/v1/auth/logout",
    "/api/v1/rate-cards/preview",
    // A plan runs its steps and rolls them back; only its apply changes anything.
    "/api/v1/plans",
];

impl Caller {
    /// 403 unless the caller holds `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.permissions.contains(p) {
            Ok(())
        } else if self.permissions.is_empty() {
            Err(ApiError::lacking(
                p,
                format!(
                    "this login belongs to no permission group, so it may do nothing (needs {p}); ask an administrator to add it to a group"
                ),
            ))
        } else {
            Err(ApiError::lacking(p, format!("you lack the permission {p}")))
        }
    }

    /// 403 unless the caller holds the permission its route declared (`routes::api`). Called by
    /// every guarded handler after it has answered 404 for what the caller cannot see.
    pub fn authorize(&self) -> Result<(), ApiError> {
        match self.declared.permissions.as_slice() {
            [p] => self.authorize_as(*p),
            _ => {
                tracing::error!(declared = ?self.declared.permissions, "a route with no single declared permission called authorize()");
                Err(ApiError::internal())
            }
        }
    }

    /// 403 unless the caller holds `p`, one of the permissions its route declared (for routes
    /// whose body decides which applies).
    pub fn authorize_as(&self, p: Permission) -> Result<(), ApiError> {
        if !self.declared.permissions.contains(&p) {
            tracing::error!(permission = %p, declared = ?self.declared.permissions, "a handler checked a permission its route did not declare");
            return Err(ApiError::internal());
        }
        self.require(p)?;
        self.declared.checked.mark();
        Ok(())
    }
}

/// The client's address and the request id, for the audit trail. The address is the peer's,
/// or, when the peer is a trusted proxy, the one it forwarded (`X-Forwarded-For`).
pub fn request_context(parts: &Parts, config: &ServerConfig) -> (Option<String>, Option<String>) {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let addr = client_addr(peer, &forwarded, &config.trusted_proxies).map(|a| a.to_string());
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_request_id(id))
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

/// The caller the route guard authenticated (`server::guard`), before the body was read.
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!("a handler asked for the caller on a route that declared no need");
            ApiError::internal()
        })
    }
}

fn session_ended() -> ApiError {
    ApiError::unauthenticated("the session has expired or was revoked: sign in again")
}

impl Caller {
    /// Checks the bearer token of a request and loads what its session may do. A view-as
    /// session lives only while its viewer's own session does, and while the viewer still holds
    /// `impersonate` and every read of the user it views as.
    pub async fn authenticate(
        parts: &mut Parts,
        state: &AppState,
        declared: Declared,
    ) -> Result<Caller, ApiError> {
        let token = bearer(parts)
            .ok_or_else(|| ApiError::unauthenticated("sign in first: no bearer token was sent"))?;
        let token_hash = hash_token(token);
        let now = now_micros();
        let extend_to = now + state.config.session_hours as i64 * 3_600_000_000;
        let Some(session) = state.store.session(&token_hash, now, extend_to).await? else {
            if token.starts_with(API_KEY_PREFIX) {
                return Caller::authenticate_key(parts, state, declared, token_hash, now).await;
            }
            return Err(session_ended());
        };
        let is_write = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        // Nested routers see a shortened path; the original one names the route for sure.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.0.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let (client_addr, request_id) = request_context(parts, &state.config);
        let actor = Actor {
            user_id: Some(session.user_id.clone()),
            email: Some(session.email.clone()),
            impersonator_id: session.impersonator_id.clone(),
            impersonator_email: session.impersonator_email.clone(),
            client_addr,
            request_id,
            ..Actor::default()
        };
        // The permissions of both came with the session, in the statement that found it.
        if session.impersonator_id.is_some() {
            let viewer_holds =
                PermissionSet::union_of([session.impersonator_permissions.as_slice()]);
            let missing = view_as_missing(&viewer_holds, &session.permissions);
            if !missing.is_empty() {
                // The viewer lost what the view needs: the view ends now, on the record.
                state.store.close_session(&token_hash, &actor).await?;
                return Err(session_ended());
            }
            // A view-as session is on the record once, with both identities and its first
            // request: a console refreshing every few seconds would otherwise bury the trail.
            let details = serde_json::json!({ "method": parts.method.as_str(), "path": path });
            state
                .store
                .audit_view_as_once(&session.session_id, &session.user_id, &actor, details)
                .await?;
        }
        if session.read_only && is_write && !CHANGES_NOTHING.contains(&path.as_str()) {
            // A write tried through someone else's eyes stays on the record, each one.
            if session.impersonator_id.is_some() {
                let details = serde_json::json!({ "method": parts.method.as_str(), "path": path });
                state
                    .store
                    .audit_user_event(
                        &session.user_id,
                        "view_as.write_refused",
                        &actor,
                        Some(details),
                    )
                    .await?;
            }
            return Err(ApiError::new(
                crate::model::Refusal::ReadOnlySession,
                format!(
                    "you are viewing as {} (read-only): return to your own login to make changes",
                    session.email
                ),
            ));
        }
        let permissions = PermissionSet::union_of([session.permissions.as_slice()]);
        Ok(Caller {
            actor,
            scope: Scope::of_account(session.dealer_id.clone()),
            user_id: session.user_id,
            email: session.email,
            dealer_id: session.dealer_id,
            permissions,
            impersonator_id: session.impersonator_id,
            read_only: session.read_only,
            token_hash,
            session_id: session.session_id,
            expires_at: session.expires_at,
            api_key: None,
            declared,
        })
    }

    /// The caller of a request made with an API key: the owner's scope, the key's permissions.
    /// The key is refused whole (401, naming what is missing) once its owner no longer holds a
    /// permission the key does: narrowing it silently would let a script half-work unnoticed.
    async fn authenticate_key(
        parts: &mut Parts,
        state: &AppState,
        declared: Declared,
        token_hash: String,
        now: i64,
    ) -> Result<Caller, ApiError> {
        let rec = state.store.api_key(&token_hash, now).await?.ok_or_else(|| {
            ApiError::unauthenticated(
                "the API key is unknown, revoked or expired, or its owner may no longer sign in",
            )
        })?;
        let owner_holds = PermissionSet::union_of([rec.owner_permissions.as_slice()]);
        let missing = owner_holds.missing(&rec.key.permissions);
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|p| p.to_string()).collect();
            return Err(ApiError::unauthenticated(format!(
                "the API key {} holds {}, which its owner {} no longer has: the key is refused until the owner holds it again (or make a new key)",
                rec.key.name,
                names.join(", "),
                rec.email
            )));
        }
        let (client_addr, request_id) = request_context(parts, &state.config);
        let actor = Actor {
            user_id: Some(rec.user_id.clone()),
            email: Some(rec.email.clone()),
            api_key_id: Some(rec.key.id.to_string()),
            api_key_name: Some(rec.key.name.clone()),
            client_addr,
            request_id,
            ..Actor::default()
        };
        let expires_at = rec
            .key
            .expires_at
            .map_or(i64::MAX, |t| (t.unix_timestamp_nanos() / 1000) as i64);
        Ok(Caller {
            actor,
            scope: Scope::of_account(rec.dealer_id.clone()),
            user_id: rec.user_id,
            email: rec.email,
            dealer_id: rec.dealer_id,
            permissions: PermissionSet::union_of([rec.key.permissions.as_slice()]),
            impersonator_id: None,
            read_only: false,
            token_hash,
            // A key has no session: nothing may hang a view-as session from it.
            session_id: String::new(),
            expires_at,
            api_key: Some(KeyRef {
                id: rec.key.id.into_string(),
                name: rec.key.name,
            }),
            declared,
        })
    }

    /// 403 for a request made with an API key, which may not do `what` (manage keys, sign out,
    /// view as someone): a leaked key must not be able to mint more, or outlive its revocation.
    pub fn refuse_api_key(&self, what: &str) -> Result<(), ApiError> {
        match &self.api_key {
            Some(k) => Err(ApiError::forbidden(format!(
                "this request was made with the API key {}, which cannot {what}: sign in with a password to do that",
                k.name
            ))),
            None => Ok(()),
        }
    }
}

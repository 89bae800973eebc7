use serde::{Deserialize, Serialize};

use super::ids::*;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::{Dealer, Group, Permission, PlatformPolicy, User};

/// `POST /auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The answer to a successful sign-in: an opaque bearer token.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub expires_at: OffsetDateTime,
    pub user: User,
}

/// `POST /auth/activate`: the token of an activation or reset link and the new password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActivateRequest {
    pub token: String,
    pub password: String,
}

/// `POST /auth/impersonate`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImpersonateRequest {
    pub user_id: UserId,
    #[serde(default = "yes")]
    pub read_only: bool,
}

fn yes() -> bool {
    true
}

/// The answer to `POST /auth/impersonate`: a new session acting as the target.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImpersonateResponse {
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub expires_at: OffsetDateTime,
}

/// Who is really behind a session that views as someone else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Impersonation {
    pub real_user: User,
    pub read_only: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub expires_at: OffsetDateTime,
}

/// `GET /me`: the signed-in user, its dealer, what it may do and from which groups.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub dealer: Dealer,
    pub permissions: Vec<Permission>,
    pub groups: Vec<Group>,
    /// The platform's limits for every tenant, so that no client has to assume them.
    pub policy: PlatformPolicy,
    pub impersonation: Option<Impersonation>,
}

/// Where a permission of a user comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PermissionSource {
    pub permission: Permission,
    /// The names of the groups that grant it.
    pub groups: Vec<String>,
}

/// How many of each thing a user can list; null when it may not list them at all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScopeCounts {
    pub dealers: Option<i64>,
    pub tenants: Option<i64>,
    pub users: Option<i64>,
    pub groups: Option<i64>,
    pub rate_cards: Option<i64>,
}

/// `GET /users/{id}/scope`: what a user can see and do, and what looks wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScopeReport {
    pub user: User,
    pub dealer_name: String,
    pub dealer_level: super::Level,
    pub counts: ScopeCounts,
    pub permissions: Vec<PermissionSource>,
    pub warnings: Vec<String>,
    /// Whether the caller may view the system as this user, and which reads it lacks for that.
    pub view_as: ViewAsCheck,
}

/// Whether the caller may view as a user: it needs `impersonate` and every `:read` the user holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ViewAsCheck {
    pub allowed: bool,
    /// What the caller lacks: `impersonate` and the reads the user holds that the caller does not.
    pub missing: Vec<Permission>,
}

use serde::{Deserialize, Serialize};

use super::ids::*;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// Where a login stands: invited (link not used yet), active, or disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Invited,
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Invited => "invited",
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
        }
    }
}

/// A login of a dealer account. The password never leaves the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub dealer_id: DealerId,
    pub dealer_name: String,
    pub email: String,
    pub display_name: String,
    pub status: UserStatus,
    pub enabled: bool,
    /// The groups of this user that the caller can see.
    pub group_ids: Vec<GroupId>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    pub last_sign_in_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// `POST /users`: invites a user; the server mails the activation link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewUser {
    pub dealer_id: DealerId,
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub group_ids: Vec<GroupId>,
}

/// `PATCH /users/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_ids: Option<Vec<GroupId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// Filters of `GET /users`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<DealerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
}

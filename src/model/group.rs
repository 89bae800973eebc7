use serde::{Deserialize, Serialize};

use super::ids::*;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::Permission;

/// A permission group, owned by a dealer and usable by its users and those of dealers below it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Group {
    pub id: GroupId,
    pub dealer_id: DealerId,
    /// The owner's name (empty when the owner lies outside the caller's scope).
    pub dealer_name: String,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
    /// True when listed for a dealer below the owner (`GET /groups?dealer_id=`).
    pub inherited: bool,
    pub members_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// `POST /groups`. With `template`, missing permissions come from that template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewGroup {
    pub dealer_id: DealerId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// `PATCH /groups/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
}

/// A built-in template to create a group from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupTemplate {
    pub key: String,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
}

/// Filters of `GET /groups`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GroupFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<DealerId>,
}

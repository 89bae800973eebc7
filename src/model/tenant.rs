use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A customer PBX owned by a dealer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tenant {
    pub id: String,
    pub dealer_id: String,
    pub dealer_name: String,
    pub name: String,
    pub domain: String,
    pub extensions: i64,
    pub concurrent_calls: i64,
    pub recording_minutes: i64,
    pub high_availability: bool,
    pub enabled: bool,
    /// False when the tenant or any dealer above it is suspended.
    pub effective_enabled: bool,
    pub rate_card_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /tenants`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewTenant {
    pub dealer_id: String,
    pub name: String,
    pub domain: String,
    #[serde(default)]
    pub extensions: i64,
    #[serde(default)]
    pub concurrent_calls: i64,
    #[serde(default)]
    pub recording_minutes: i64,
    #[serde(default)]
    pub high_availability: bool,
    #[serde(default)]
    pub rate_card_id: Option<String>,
}

/// `PATCH /tenants/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TenantPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent_calls: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_availability: Option<bool>,
}

/// Filters of `GET /tenants`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TenantFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<String>,
    /// With `dealer_id`: include the tenants of dealers below it (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtree: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

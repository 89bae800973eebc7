use serde::{Deserialize, Serialize};

use super::ids::*;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A customer PBX owned by a dealer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tenant {
    pub id: TenantId,
    pub dealer_id: DealerId,
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
    pub rate_card_id: Option<RateCardId>,
    #[serde(default)]
    pub rate_card_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// `POST /tenants`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewTenant {
    pub dealer_id: DealerId,
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
    pub rate_card_id: Option<RateCardId>,
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
    /// The card billing the tenant; `""` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_card_id: Option<RateCardId>,
}

/// Filters of `GET /tenants`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TenantFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<DealerId>,
    /// With `dealer_id`: include the tenants of dealers below it (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtree: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `POST /tenants/{id}/move`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TenantMove {
    pub to_dealer_id: DealerId,
    /// The card to bill the tenant with at the destination; omitted keeps the current card when
    /// the destination may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_card_id: Option<RateCardId>,
    /// True (the default) only plans; false executes.
    #[serde(default = "default_true")]
    pub dry_run: bool,
}

fn default_true() -> bool {
    true
}

/// A dealer or card named in a move plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

/// One capacity dimension of a move: what the destination gives and the source gets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MoveCapacity {
    /// `max_tenants`, `extensions`, `concurrent_calls` or `recording_minutes`.
    pub dimension: String,
    pub amount: i64,
    /// Free at the destination before and after; null when unlimited.
    pub destination_free_before: Option<i64>,
    pub destination_free_after: Option<i64>,
    pub source_free_before: Option<i64>,
    pub source_free_after: Option<i64>,
}

/// Something that stops a move, with the machine code it is refused with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MoveBlocker {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// What a move does, planned or done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MovePlan {
    pub tenant_id: TenantId,
    pub tenant_name: String,
    /// The tenant's version the plan was made at: send it as `If-Match` to execute exactly this
    /// plan (412 if the tenant changed since).
    #[serde(default)]
    pub tenant_version: i64,
    pub from: NamedRef,
    pub to: NamedRef,
    pub capacity: Vec<MoveCapacity>,
    /// The card billing the tenant now, and the one after the move (either may be null).
    pub rate_card_before: Option<NamedRef>,
    pub rate_card_after: Option<NamedRef>,
    /// Empty when the move can go ahead.
    pub blockers: Vec<MoveBlocker>,
    /// True once the move has been made.
    pub executed: bool,
    /// The tenant after an executed move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<Tenant>,
}

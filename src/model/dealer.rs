use serde::{Deserialize, Serialize};

use super::ids::*;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// The rank of a dealer in the channel; each level creates only the levels below it.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Provider,
    Distributor,
    SubDistributor,
    /// The default of a new dealer: the most common level.
    #[default]
    Reseller,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Provider,
        Level::Distributor,
        Level::SubDistributor,
        Level::Reseller,
    ];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Provider => "provider",
            Level::Distributor => "distributor",
            Level::SubDistributor => "sub_distributor",
            Level::Reseller => "reseller",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Level::Provider => "provider",
            Level::Distributor => "distributor",
            Level::SubDistributor => "sub-distributor",
            Level::Reseller => "reseller",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// A dealer's capacity: `null` in a numeric dimension means unlimited (the provider only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct Package {
    pub max_tenants: Option<i64>,
    pub extensions: Option<i64>,
    pub concurrent_calls: Option<i64>,
    pub recording_minutes: Option<i64>,
    #[serde(default)]
    pub high_availability: bool,
    #[serde(default)]
    pub min_extensions_per_tenant: i64,
}

impl Package {
    /// A package with nothing in it: what a new dealer gets when none is given.
    pub fn empty() -> Package {
        Package {
            max_tenants: Some(0),
            extensions: Some(0),
            concurrent_calls: Some(0),
            recording_minutes: Some(0),
            high_availability: false,
            min_extensions_per_tenant: 0,
        }
    }
}

/// An ancestor as shown in a dealer's `path`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DealerRef {
    pub id: DealerId,
    pub name: String,
    pub level: Level,
}

/// A dealer of the channel (the provider included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Dealer {
    pub id: DealerId,
    pub parent_id: Option<DealerId>,
    pub level: Level,
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub notes: String,
    pub enabled: bool,
    /// False when this dealer or any ancestor is suspended.
    pub effective_enabled: bool,
    pub package: Package,
    pub children_count: i64,
    pub tenants_count: i64,
    pub users_count: i64,
    pub groups_count: i64,
    /// Ancestors inside the caller's scope, outermost first (only on `GET /dealers/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<DealerRef>>,
    /// The package's use, in lists asked `with_capacity` by a login that may read packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// `POST /dealers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewDealer {
    pub parent_id: DealerId,
    pub level: Level,
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub package: Option<Package>,
}

/// `PATCH /dealers/{id}`: contact fields only; level and parent never change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DealerPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Filters of `GET /dealers`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DealerFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<DealerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Each dealer with its package's use (one request for a whole page of packages).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub with_capacity: bool,
    /// The order of the list (by name when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<DealerSort>,
    /// The order reversed: the fullest first, for a usage column.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub desc: bool,
}

/// The orders of `GET /dealers`: by name (the default), by level, or by how full the package
/// is in one dimension (tenants, extensions, calls, recording minutes) or in the fullest of
/// them. Fullness is (allocated to sub-dealers + used by own tenants) / package; an unlimited
/// package is the emptiest, a zero package with something taken the fullest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DealerSort {
    Name,
    Level,
    Tenants,
    Extensions,
    Calls,
    Recording,
    Fullest,
}

impl DealerSort {
    pub const ALL: [DealerSort; 7] = [
        DealerSort::Name,
        DealerSort::Level,
        DealerSort::Tenants,
        DealerSort::Extensions,
        DealerSort::Calls,
        DealerSort::Recording,
        DealerSort::Fullest,
    ];

    /// The word of the query string (`sort=fullest`).
    pub fn as_str(self) -> &'static str {
        match self {
            DealerSort::Name => "name",
            DealerSort::Level => "level",
            DealerSort::Tenants => "tenants",
            DealerSort::Extensions => "extensions",
            DealerSort::Calls => "calls",
            DealerSort::Recording => "recording",
            DealerSort::Fullest => "fullest",
        }
    }

    pub fn parse(word: &str) -> Option<DealerSort> {
        DealerSort::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// Whether the order reads the package's use (and so needs `packages:read`).
    pub fn reads_usage(self) -> bool {
        !matches!(self, DealerSort::Name | DealerSort::Level)
    }
}

/// One numeric dimension of a capacity report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DimensionUsage {
    /// The dealer's package; null = unlimited.
    pub package: Option<i64>,
    /// Carved out to sub-dealers' packages.
    pub allocated: i64,
    /// Used by the dealer's own tenants.
    pub used: i64,
    /// What is left; null = unlimited.
    pub free: Option<i64>,
    /// Used by every tenant of the whole subtree.
    pub subtree_used: i64,
}

/// `GET /dealers/{id}/capacity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Capacity {
    pub dealer_id: DealerId,
    pub max_tenants: DimensionUsage,
    pub extensions: DimensionUsage,
    pub concurrent_calls: DimensionUsage,
    pub recording_minutes: DimensionUsage,
    pub high_availability: bool,
    pub min_extensions_per_tenant: i64,
    /// The dealer's own tenants with fewer extensions than the current minimum: the minimum
    /// applies when a tenant is created, so a raised minimum leaves these as they were.
    #[serde(default)]
    pub tenants_below_minimum: i64,
}

/// What a tree node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Dealer,
    Tenant,
}

/// A node of `GET /tree`: a dealer with its children down to the asked depth, or a tenant leaf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TreeNode {
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    /// The dealer's level; null for tenants.
    pub level: Option<Level>,
    pub enabled: bool,
    pub effective_enabled: bool,
    pub children_count: i64,
    pub tenants_count: i64,
    /// Empty when not loaded (beyond the asked depth) or a leaf.
    #[schema(no_recursion)]
    pub children: Vec<TreeNode>,
}

//! A subtree of the channel as one declarative document (`GET /export`), and the plan that
//! brings the stored subtree to what a document says (`POST /plans`, `POST /plans/{id}/apply`).
//!
//! The document is portable: it names objects, never ids. A dealer is its name under its
//! parent's name; the root is the `under` dealer, listed (without a parent) only for its package
//! and contact fields, never created or deleted. Fields left out of an object keep what is
//! stored (or take a default when the object is created), so a hand-written document for
//! onboarding stays short. Unknown fields are refused, naming the field. No password, token or
//! hash is ever part of it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::{ErrorDetail, Level, MarkupRule, ObjectKind, Package, Permission};

/// A subtree as one document: its dealers, tenants, permission groups, logins and customer
/// rate cards, every reference by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelDocument {
    /// The name of the dealer at the top of the subtree.
    pub under: String,
    #[serde(default)]
    pub dealers: Vec<DocDealer>,
    #[serde(default)]
    pub tenants: Vec<DocTenant>,
    #[serde(default)]
    pub groups: Vec<DocGroup>,
    #[serde(default)]
    pub users: Vec<DocUser>,
    #[serde(default)]
    pub rate_cards: Vec<DocRateCard>,
}

/// A dealer: matched by its parent's name and its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocDealer {
    pub name: String,
    /// The parent's name; left out only for the root (the `under` dealer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Reseller when left out of a new dealer; never changed on an existing one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<DocPackage>,
    /// `false` suspends the dealer, `true` resumes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A package in a document: a numeric dimension left out or `null` is unlimited (the provider
/// only), as in [`Package`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocPackage {
    pub max_tenants: Option<i64>,
    pub extensions: Option<i64>,
    pub concurrent_calls: Option<i64>,
    pub recording_minutes: Option<i64>,
    #[serde(default)]
    pub high_availability: bool,
    #[serde(default)]
    pub min_extensions_per_tenant: i64,
}

impl From<DocPackage> for Package {
    fn from(p: DocPackage) -> Package {
        Package {
            max_tenants: p.max_tenants,
            extensions: p.extensions,
            concurrent_calls: p.concurrent_calls,
            recording_minutes: p.recording_minutes,
            high_availability: p.high_availability,
            min_extensions_per_tenant: p.min_extensions_per_tenant,
        }
    }
}

impl From<Package> for DocPackage {
    fn from(p: Package) -> DocPackage {
        DocPackage {
            max_tenants: p.max_tenants,
            extensions: p.extensions,
            concurrent_calls: p.concurrent_calls,
            recording_minutes: p.recording_minutes,
            high_availability: p.high_availability,
            min_extensions_per_tenant: p.min_extensions_per_tenant,
        }
    }
}

/// A tenant: matched by its SIP domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocTenant {
    pub name: String,
    /// The owning dealer's name (a tenant is never moved by a plan: that is `move`).
    pub dealer: String,
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent_calls: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_availability: Option<bool>,
    /// The name of the card that bills it; `""` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_card: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A permission group: matched by its dealer's name and its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocGroup {
    pub name: String,
    pub dealer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
}

/// A login: matched by its e-mail address. Never a password or a token: a new login is mailed
/// its activation link once the plan is applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocUser {
    pub email: String,
    pub dealer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Group names, each owned by the login's dealer or a dealer above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A customer rate card derived in the subtree: matched by its dealer's name and its own. Its
/// rates come from its parent; carrier cards are named only as parents, never created.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocRateCard {
    pub name: String,
    pub dealer: String,
    /// The name of the card it is derived from (owned by or handed to its dealer, or above).
    pub parent: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup: Option<MarkupRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_below_cost: Option<bool>,
}

/// `POST /plans`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    pub document: ChannelDocument,
    /// Delete what the subtree holds and the document leaves out (default: leave it alone).
    #[serde(default)]
    pub prune: bool,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanOp {
    Create,
    Update,
    Delete,
    Suspend,
    Resume,
}

/// One field a step changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    /// Any JSON value (null when the object is created).
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// One change of a plan, in the order it is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanStep {
    pub op: PlanOp,
    pub kind: ObjectKind,
    /// The object's name (a tenant's domain, a login's e-mail).
    pub name: String,
    #[serde(default)]
    pub changes: Vec<FieldChange>,
}

/// A step the rules refuse: its index in `steps` and the refusal, as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanRefusal {
    pub step: usize,
    pub error: ErrorDetail,
}

/// A plan: every change a document makes to its subtree, checked by the real operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub id: String,
    /// The fingerprint of the subtree the plan was made against; apply refuses another.
    pub version: String,
    /// The name of the dealer at the top of the subtree.
    pub under: String,
    pub prune: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub expires_at: OffsetDateTime,
    pub steps: Vec<PlanStep>,
    /// Empty when the plan may be applied.
    pub refusals: Vec<PlanRefusal>,
}

/// The answer of `POST /plans/{id}/apply`: the steps made; their audit events carry the plan's
/// id as `change_set`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AppliedPlan {
    pub id: String,
    pub change_set: String,
    pub steps: Vec<PlanStep>,
}

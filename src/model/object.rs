use serde::{Deserialize, Serialize};

use super::ids::*;
use utoipa::ToSchema;

/// The kinds of object a login can find, describe and open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Dealer,
    Tenant,
    User,
    Group,
    RateCard,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 5] = [
        ObjectKind::Dealer,
        ObjectKind::Tenant,
        ObjectKind::User,
        ObjectKind::Group,
        ObjectKind::RateCard,
    ];

    /// The word for it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Dealer => "dealer",
            ObjectKind::Tenant => "tenant",
            ObjectKind::User => "login",
            ObjectKind::Group => "group",
            ObjectKind::RateCard => "rate card",
        }
    }

    /// The `object_type` its audit events carry.
    pub fn audit_type(self) -> &'static str {
        match self {
            ObjectKind::Dealer => "dealer",
            ObjectKind::Tenant => "tenant",
            ObjectKind::User => "user",
            ObjectKind::Group => "group",
            ObjectKind::RateCard => "rate_card",
        }
    }
}

/// `GET /search`: matches across every kind the caller may read, in its scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchHit>,
    /// More matched than `limit`: a longer text narrows them.
    pub more: bool,
}

/// One match: what it is, its name, and where it sits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchHit {
    pub kind: ObjectKind,
    pub id: String,
    /// The name (a login's e-mail).
    pub name: String,
    /// What else it matched on: a tenant's domain, a login's or a dealer's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The dealers above it that the caller can see, from the caller's own down to its owner
    /// (for a dealer, down to its parent).
    pub path: Vec<PathStep>,
}

/// A dealer on a search hit's path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PathStep {
    pub id: DealerId,
    pub name: String,
}

/// The query of `GET /search`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchQuery {
    pub q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

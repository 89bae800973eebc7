//! What a harmful write would do, computed by the server without doing it (`?dry_run=true` on
//! suspend, resume, delete, a login's disable, a group's permission change and a rate import).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Permission;
use super::ids::*;

/// The impact of a write, answered instead of making it when asked with `dry_run=true`. The same
/// checks as the real call ran (404 out of scope, 403, refusals); nothing changed and no audit
/// event was written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Impact {
    /// Dealers below the object whose state changes with it (a suspended distributor suspends
    /// its whole subtree: the sub-dealers that become effectively suspended).
    pub dealers: i64,
    /// Tenants that stop (or start again) working, or are deleted.
    pub tenants: i64,
    /// Logins that stop (or start again) working, are deleted, or lose a permission.
    pub logins: i64,
    /// A group change: the permissions it takes away (the logins that lose them are `logins`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions_removed: Vec<Permission>,
    /// A rate import: what changes in the card and the cards priced from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<RatesImpact>,
}

/// What a rate import changes: prefixes compared with the card's current rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RatesImpact {
    /// Prefixes the card does not have yet.
    pub added: i64,
    /// Prefixes whose rate (or description) differs.
    pub changed: i64,
    /// Prefixes the card has that the import drops.
    pub removed: i64,
    /// The cards priced from this one (directly or through another), which follow the new rates.
    pub derived_cards: Vec<CardRef>,
}

/// A rate card by id and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CardRef {
    pub id: RateCardId,
    pub name: String,
}

/// The `?dry_run=true` query of the endpoints that answer an [`Impact`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DryRun {
    /// Answer the impact instead of making the change.
    #[serde(default)]
    pub dry_run: bool,
}

/// The answer of an endpoint that takes `dry_run`: the object the change made, or (dry run) the
/// [`Impact`] it would have. On the wire it is either one as is.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum OrImpact<T> {
    Done(T),
    Impact(Impact),
}

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The platform policy: limits the provider sets for every tenant, whatever the packages say
/// (defaults from the vendor reseller-package rules). Clients read it from `GET /me` and never
/// assume the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlatformPolicy {
    /// The most extensions one tenant may have.
    pub max_extensions_per_tenant: i64,
    /// Recording minutes every tenant gets free, not counted against any package.
    pub free_recording_minutes_per_tenant: i64,
}

impl Default for PlatformPolicy {
    fn default() -> Self {
        PlatformPolicy {
            max_extensions_per_tenant: 500,
            free_recording_minutes_per_tenant: 500,
        }
    }
}

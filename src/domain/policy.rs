//! Platform policy: limits the provider sets for every tenant, whatever the packages say.

use serde::{Deserialize, Serialize};

/// Per-tenant platform limits (defaults from the vendor reseller-package rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

impl PlatformPolicy {
    /// The recording minutes of a tenant that count against its dealer's package.
    pub fn billable_recording_minutes(&self, allocated: i64) -> i64 {
        (allocated - self.free_recording_minutes_per_tenant).max(0)
    }
}

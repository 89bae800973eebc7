//! Platform policy: limits the provider sets for every tenant, whatever the packages say.

pub use crate::model::PlatformPolicy;

/// The recording minutes of a tenant that count against its dealer's package.
pub fn billable_recording_minutes(policy: &PlatformPolicy, allocated: i64) -> i64 {
    (allocated - policy.free_recording_minutes_per_tenant).max(0)
}

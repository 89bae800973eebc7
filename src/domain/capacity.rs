//! Capacity arithmetic: a package is carved out of the parent's. For every numeric dimension,
//! `sum(children's packages) + sum(own tenants' allocations) <= own package`.

use crate::model::{Level, Package};
use std::fmt;

use super::policy::PlatformPolicy;

/// A numeric dimension of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    MaxTenants,
    Extensions,
    ConcurrentCalls,
    RecordingMinutes,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::MaxTenants,
        Dimension::Extensions,
        Dimension::ConcurrentCalls,
        Dimension::RecordingMinutes,
    ];

    /// The field name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::MaxTenants => "max_tenants",
            Dimension::Extensions => "extensions",
            Dimension::ConcurrentCalls => "concurrent_calls",
            Dimension::RecordingMinutes => "recording_minutes",
        }
    }

    /// The dimension as a person says it ("3 concurrent calls").
    pub fn words(self) -> &'static str {
        match self {
            Dimension::MaxTenants => "tenants",
            Dimension::Extensions => "extensions",
            Dimension::ConcurrentCalls => "concurrent calls",
            Dimension::RecordingMinutes => "recording minutes",
        }
    }

    /// The package's limit in this dimension (`None` = unlimited).
    pub fn limit(self, p: &Package) -> Option<i64> {
        match self {
            Dimension::MaxTenants => p.max_tenants,
            Dimension::Extensions => p.extensions,
            Dimension::ConcurrentCalls => p.concurrent_calls,
            Dimension::RecordingMinutes => p.recording_minutes,
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in every numeric dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amounts {
    pub max_tenants: i64,
    pub extensions: i64,
    pub concurrent_calls: i64,
    pub recording_minutes: i64,
}

impl Amounts {
    pub fn get(&self, d: Dimension) -> i64 {
        match d {
            Dimension::MaxTenants => self.max_tenants,
            Dimension::Extensions => self.extensions,
            Dimension::ConcurrentCalls => self.concurrent_calls,
            Dimension::RecordingMinutes => self.recording_minutes,
        }
    }

    pub fn plus(&self, o: &Amounts) -> Amounts {
        Amounts {
            max_tenants: self.max_tenants + o.max_tenants,
            extensions: self.extensions + o.extensions,
            concurrent_calls: self.concurrent_calls + o.concurrent_calls,
            recording_minutes: self.recording_minutes + o.recording_minutes,
        }
    }

    pub fn minus(&self, o: &Amounts) -> Amounts {
        Amounts {
            max_tenants: self.max_tenants - o.max_tenants,
            extensions: self.extensions - o.extensions,
            concurrent_calls: self.concurrent_calls - o.concurrent_calls,
            recording_minutes: self.recording_minutes - o.recording_minutes,
        }
    }

    /// What a sub-dealer's package takes from its parent. Unlimited never happens below the
    /// provider (validation refuses it), so it counts as nothing here.
    pub fn claimed_by(p: &Package) -> Amounts {
        Amounts {
            max_tenants: p.max_tenants.unwrap_or(0),
            extensions: p.extensions.unwrap_or(0),
            concurrent_calls: p.concurrent_calls.unwrap_or(0),
            recording_minutes: p.recording_minutes.unwrap_or(0),
        }
    }

    /// What one tenant uses of its dealer's package under the platform policy.
    pub fn used_by_tenant(
        extensions: i64,
        concurrent_calls: i64,
        recording_minutes: i64,
        policy: &PlatformPolicy,
    ) -> Amounts {
        Amounts {
            max_tenants: 1,
            extensions,
            concurrent_calls,
            recording_minutes: super::policy::billable_recording_minutes(policy, recording_minutes),
        }
    }
}

/// How a dealer's package is spent: carved out to sub-dealers, and used by its own tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ledger {
    pub package: Package,
    pub allocated: Amounts,
    pub used: Amounts,
}

impl Ledger {
    /// What is left in a dimension; `None` = unlimited.
    pub fn free(&self, d: Dimension) -> Option<i64> {
        d.limit(&self.package)
            .map(|limit| limit - self.allocated.get(d) - self.used.get(d))
    }

    /// Checks that `asked` more fits, dimension by dimension: the first shortfall.
    pub fn check_take(&self, asked: &Amounts) -> Result<(), Shortfall> {
        match self.shortfalls(asked).first() {
            Some(s) => Err(*s),
            None => Ok(()),
        }
    }

    /// Every dimension in which `asked` more does not fit, so that a refusal names them all
    /// at once rather than one per attempt.
    pub fn shortfalls(&self, asked: &Amounts) -> Vec<Shortfall> {
        Dimension::ALL
            .into_iter()
            .filter_map(|d| {
                let want = asked.get(d);
                let free = self.free(d)?;
                (want > 0 && want > free).then_some(Shortfall {
                    dimension: d,
                    asked: want,
                    free: free.max(0),
                })
            })
            .collect()
    }

    /// Checks that `new` still covers what is allocated and used, dimension by dimension.
    pub fn check_shrink(&self, new: &Package) -> Result<(), BelowCommitted> {
        for d in Dimension::ALL {
            let committed = self.allocated.get(d) + self.used.get(d);
            if let Some(limit) = d.limit(new)
                && limit < committed
            {
                return Err(BelowCommitted {
                    dimension: d,
                    requested: limit,
                    allocated: self.allocated.get(d),
                    used: self.used.get(d),
                });
            }
        }
        Ok(())
    }
}

/// A request that does not fit: which dimension, how much was asked, how much is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub dimension: Dimension,
    pub asked: i64,
    pub free: i64,
}

impl Shortfall {
    /// In words, at `dealer`: "Acme Reseller has 3 extensions free; this needs 5".
    pub fn words(&self, dealer: &str) -> String {
        format!(
            "{dealer} has {} {} free; this needs {}",
            self.free,
            self.dimension.words(),
            self.asked
        )
    }
}

/// Every shortfall at `dealer` in one sentence each: "Acme Reseller has 3 tenants free; this
/// needs 5. It has 10 extensions free; this needs 20."
pub fn shortfalls_in_words(dealer: &str, shortfalls: &[Shortfall]) -> String {
    shortfalls
        .iter()
        .enumerate()
        .map(|(i, s)| s.words(if i == 0 { dealer } else { "It" }))
        .collect::<Vec<_>>()
        .join(". ")
}

/// A package cut below what is already allocated and used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BelowCommitted {
    pub dimension: Dimension,
    pub requested: i64,
    pub allocated: i64,
    pub used: i64,
}

impl BelowCommitted {
    /// How much more the new package would need.
    pub fn shortfall(&self) -> i64 {
        self.allocated + self.used - self.requested
    }
}

/// The largest number a package dimension may hold, far above any real platform and far below
/// where sums of many packages could overflow.
pub const MAX_PACKAGE_AMOUNT: i64 = 1_000_000_000_000;

/// Checks the shape of a package given to a dealer of `level`: unlimited only for the provider,
/// no negative numbers, nothing absurdly large. Returns the offending field and why.
pub fn check_package_shape(level: Level, p: &Package) -> Result<(), (&'static str, String)> {
    for d in Dimension::ALL {
        match d.limit(p) {
            None if level != Level::Provider => {
                return Err((
                    d.as_str(),
                    "only the provider's package can be unlimited".into(),
                ));
            }
            Some(v) if v < 0 => return Err((d.as_str(), "must not be negative".into())),
            Some(v) if v > MAX_PACKAGE_AMOUNT => {
                return Err((d.as_str(), format!("must be at most {MAX_PACKAGE_AMOUNT}")));
            }
            _ => {}
        }
    }
    if !(0..=MAX_PACKAGE_AMOUNT).contains(&p.min_extensions_per_tenant) {
        return Err((
            "min_extensions_per_tenant",
            format!("must be between 0 and {MAX_PACKAGE_AMOUNT}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pkg(n: i64) -> Package {
        Package {
            max_tenants: Some(n),
            extensions: Some(n),
            concurrent_calls: Some(n),
            recording_minutes: Some(n),
            high_availability: false,
            min_extensions_per_tenant: 0,
        }
    }

    fn amounts(n: i64) -> Amounts {
        Amounts {
            max_tenants: n,
            extensions: n,
            concurrent_calls: n,
            recording_minutes: n,
        }
    }

    #[test]
    fn a_refusal_names_the_dimension_the_ask_and_what_is_free() {
        let ledger = Ledger {
            package: pkg(100),
            allocated: amounts(60),
            used: Amounts {
                extensions: 30,
                ..amounts(0)
            },
        };
        let asked = Amounts {
            extensions: 20,
            ..Amounts::default()
        };
        assert_eq!(
            ledger.check_take(&asked),
            Err(Shortfall {
                dimension: Dimension::Extensions,
                asked: 20,
                free: 10
            })
        );
    }

    #[test]
    fn unlimited_packages_take_anything() {
        let ledger = Ledger {
            package: Package::default(),
            allocated: amounts(1_000_000),
            used: amounts(1_000_000),
        };
        assert!(ledger.check_take(&amounts(i64::MAX / 4)).is_ok());
    }

    #[test]
    fn recording_minutes_up_to_the_free_allowance_cost_nothing() {
        let policy = PlatformPolicy::default();
        assert_eq!(
            Amounts::used_by_tenant(10, 2, 400, &policy).recording_minutes,
            0
        );
        assert_eq!(
            Amounts::used_by_tenant(10, 2, 700, &policy).recording_minutes,
            200
        );
    }

    #[test]
    fn only_the_provider_may_be_unlimited() {
        let unlimited = Package::default();
        assert!(check_package_shape(Level::Provider, &unlimited).is_ok());
        assert!(check_package_shape(Level::Reseller, &unlimited).is_err());
        assert!(check_package_shape(Level::Reseller, &pkg(-1)).is_err());
        assert!(
            check_package_shape(Level::Reseller, &pkg(i64::MAX)).is_err(),
            "no overflow bait"
        );
        assert!(check_package_shape(Level::Reseller, &pkg(MAX_PACKAGE_AMOUNT)).is_ok());
    }

    proptest! {
        /// Taking what `check_take` accepts never leaves a dimension over-committed,
        /// and everything it refuses would have.
        #[test]
        fn take_keeps_the_invariant(limit in 0i64..1000, allocated in 0i64..600, used in 0i64..600, ask in 0i64..600) {
            prop_assume!(allocated + used <= limit);
            let ledger = Ledger { package: pkg(limit), allocated: amounts(allocated), used: amounts(used) };
            let asked = amounts(ask);
            match ledger.check_take(&asked) {
                Ok(()) => prop_assert!(allocated + used + ask <= limit),
                Err(s) => {
                    prop_assert!(allocated + used + ask > limit);
                    prop_assert_eq!(s.free, limit - allocated - used);
                    prop_assert_eq!(s.asked, ask);
                }
            }
        }

        /// A shrink is refused exactly when the new package is below allocated + used, with the exact shortfall.
        #[test]
        fn shrink_refuses_exactly_below_committed(allocated in 0i64..600, used in 0i64..600, new in 0i64..1500) {
            let ledger = Ledger { package: pkg(2000), allocated: amounts(allocated), used: amounts(used) };
            match ledger.check_shrink(&pkg(new)) {
                Ok(()) => prop_assert!(new >= allocated + used),
                Err(b) => {
                    prop_assert!(new < allocated + used);
                    prop_assert_eq!(b.shortfall(), allocated + used - new);
                }
            }
        }

        /// Summing claims then subtracting gives back the start (the ledger arithmetic is exact).
        #[test]
        fn amounts_add_and_subtract_exactly(a in 0i64..1_000_000, b in 0i64..1_000_000) {
            prop_assert_eq!(amounts(a).plus(&amounts(b)).minus(&amounts(b)), amounts(a));
        }
    }
}

//! The level rule: a dealer's parent is of a strictly higher level, and nobody creates a provider.

use crate::model::Level;

/// Whether a dealer of level `parent` may create a sub-dealer of level `child`.
pub fn may_create(parent: Level, child: Level) -> bool {
    child != Level::Provider && child > parent
}

/// The levels a dealer of level `parent` may create, highest first.
pub fn creatable_levels(parent: Level) -> Vec<Level> {
    Level::ALL
        .into_iter()
        .filter(|child| may_create(parent, *child))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_level() -> impl Strategy<Value = Level> {
        prop::sample::select(Level::ALL.to_vec())
    }

    #[test]
    fn each_level_creates_exactly_the_levels_below_it() {
        use Level::*;
        assert_eq!(
            creatable_levels(Provider),
            vec![Distributor, SubDistributor, Reseller]
        );
        assert_eq!(
            creatable_levels(Distributor),
            vec![SubDistributor, Reseller]
        );
        assert_eq!(creatable_levels(SubDistributor), vec![Reseller]);
        assert!(creatable_levels(Reseller).is_empty());
    }

    proptest! {
        #[test]
        fn the_rule_is_a_strict_order(a in any_level(), b in any_level()) {
            // Never both ways, never to oneself, and never a provider.
            prop_assert!(!(may_create(a, b) && may_create(b, a)));
            prop_assert!(!may_create(a, a));
            prop_assert!(!may_create(a, Level::Provider));
        }

        #[test]
        fn the_rule_is_transitive(a in any_level(), b in any_level(), c in any_level()) {
            if may_create(a, b) && may_create(b, c) {
                prop_assert!(may_create(a, c));
            }
        }
    }
}

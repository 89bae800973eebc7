//! Permission algebra: groups hold permissions, a user's permissions are the union of its groups',
//! no group means no permission at all, and nobody grants what it does not hold.

use crate::model::{Action, Area, GroupTemplate, Permission, PermissionInfo};
use std::collections::BTreeSet;

/// A set of permissions. The empty set is "may do nothing" (default deny).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet(BTreeSet<Permission>);

impl PermissionSet {
    pub fn new() -> Self {
        PermissionSet::default()
    }

    /// The union of several groups' permissions.
    pub fn union_of<'a>(groups: impl IntoIterator<Item = &'a [Permission]>) -> Self {
        PermissionSet(groups.into_iter().flatten().copied().collect())
    }

    pub fn contains(&self, p: Permission) -> bool {
        self.0.contains(&p)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The permissions of `wanted` that this set lacks; empty when `wanted` may be granted.
    pub fn missing<'a>(&self, wanted: impl IntoIterator<Item = &'a Permission>) -> Vec<Permission> {
        let mut missing: Vec<Permission> = wanted
            .into_iter()
            .filter(|p| !self.0.contains(p))
            .copied()
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    pub fn to_vec(&self) -> Vec<Permission> {
        self.0.iter().copied().collect()
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        PermissionSet(iter.into_iter().collect())
    }
}

/// Sorts and de-duplicates a list of permissions, as stored and shown.
pub fn normalize(perms: &[Permission]) -> Vec<Permission> {
    perms
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The catalogue of `GET /permissions`: every permission with what it allows.
pub fn catalogue() -> Vec<PermissionInfo> {
    Permission::all()
        .into_iter()
        .map(|permission| PermissionInfo {
            permission,
            description: describe(permission),
        })
        .collect()
}

fn describe(p: Permission) -> String {
    match p {
        Permission::TenantsMove => {
            "Move a tenant to another dealer in scope (re-prices it; affects billing)".into()
        }
        Permission::Impersonate => {
            "View the system as another user in scope whose reads you hold (read-only)".into()
        }
        Permission::DealersSuspend => {
            "Suspend and resume sub-dealers, with everything below them".into()
        }
        Permission::TenantsSuspend => "Suspend and resume tenants".into(),
        Permission::Crud(area, action) => {
            let what = match area {
                Area::Dealers => "sub-dealers",
                Area::Tenants => "tenants (customer PBXs)",
                Area::Packages => "dealer packages (capacity)",
                Area::Users => "users (logins)",
                Area::Groups => "permission groups",
                Area::RateCards => "rate cards",
                Area::Audit => "the audit trail",
            };
            let verb = match (area, action) {
                (_, Action::Read) => "See",
                (_, Action::Create) => "Create",
                (Area::Dealers | Area::Tenants, Action::Update) => "Edit",
                (_, Action::Update) => "Change",
                (_, Action::Delete) => "Delete",
            };
            format!("{verb} {what}")
        }
    }
}

/// What a viewer lacks to view the system as a user holding `target`: `impersonate`, and every
/// `:read` of the target that the viewer does not hold. A view-as session cannot write, so the
/// target's other permissions do not matter. Empty when the view is allowed.
pub fn view_as_missing(viewer: &PermissionSet, target: &[Permission]) -> Vec<Permission> {
    let mut missing = viewer.missing(
        std::iter::once(&Permission::Impersonate).chain(target.iter().filter(|p| p.is_read())),
    );
    missing.sort();
    missing
}

/// The built-in group templates shipped in `assets/group_templates.json`.
pub fn templates() -> Vec<GroupTemplate> {
    // The asset is checked by a unit test, so a parse failure here cannot ship.
    serde_json::from_str(include_str!("../../assets/group_templates.json")).unwrap_or_default()
}

/// The template with this key.
pub fn template(key: &str) -> Option<GroupTemplate> {
    templates().into_iter().find(|t| t.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_templates_parse_and_include_the_required_four() {
        let t: Vec<GroupTemplate> =
            serde_json::from_str(include_str!("../../assets/group_templates.json")).unwrap();
        let keys: Vec<&str> = t.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "dealer_admin",
                "default_reseller",
                "noc_operator",
                "auditor"
            ]
        );
        let admin = template("dealer_admin").unwrap();
        assert_eq!(
            normalize(&admin.permissions),
            Permission::all()
                .into_iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn view_as_needs_impersonate_and_the_targets_reads_only() {
        let auditor: PermissionSet = template("auditor")
            .unwrap()
            .permissions
            .into_iter()
            .collect();
        let admin = template("dealer_admin").unwrap().permissions;
        assert_eq!(view_as_missing(&auditor, &admin), Vec::<Permission>::new());
        let no_audit: PermissionSet = [
            Permission::Impersonate,
            Permission::Crud(Area::Tenants, Action::Read),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            view_as_missing(&no_audit, &admin),
            vec![
                Permission::Crud(Area::Dealers, Action::Read),
                Permission::Crud(Area::Packages, Action::Read),
                Permission::Crud(Area::Users, Action::Read),
                Permission::Crud(Area::Groups, Action::Read),
                Permission::Crud(Area::RateCards, Action::Read),
                Permission::Crud(Area::Audit, Action::Read),
            ]
        );
        let reader: PermissionSet = [Permission::Crud(Area::Tenants, Action::Read)]
            .into_iter()
            .collect();
        assert_eq!(view_as_missing(&reader, &[]), vec![Permission::Impersonate]);
    }

    #[test]
    fn the_noc_template_suspends_but_edits_nothing() {
        let noc = template("noc_operator").unwrap().permissions;
        assert!(noc.contains(&Permission::DealersSuspend));
        assert!(noc.contains(&Permission::TenantsSuspend));
        assert!(
            !noc.iter()
                .any(|p| matches!(p, Permission::Crud(_, a) if *a != Action::Read))
        );
    }

    #[test]
    fn no_group_means_no_permission() {
        let none = PermissionSet::union_of(std::iter::empty::<&[Permission]>());
        assert!(none.is_empty());
        for p in Permission::all() {
            assert!(!none.contains(p));
        }
    }

    #[test]
    fn every_permission_round_trips_through_its_name() {
        for p in Permission::all() {
            assert_eq!(p.to_string().parse::<Permission>().unwrap(), p);
        }
        assert!("tenants:fly".parse::<Permission>().is_err());
    }

    fn any_perms() -> impl Strategy<Value = Vec<Permission>> {
        prop::sample::subsequence(Permission::all(), 0..=Permission::all().len())
    }

    proptest! {
        /// The union holds exactly what some group holds.
        #[test]
        fn union_is_exactly_the_groups(a in any_perms(), b in any_perms()) {
            let set = PermissionSet::union_of([a.as_slice(), b.as_slice()]);
            for p in Permission::all() {
                prop_assert_eq!(set.contains(p), a.contains(&p) || b.contains(&p));
            }
        }

        /// Nothing is missing exactly when the wanted set is a subset of the held one.
        #[test]
        fn missing_is_empty_iff_subset(held in any_perms(), wanted in any_perms()) {
            let set: PermissionSet = held.iter().copied().collect();
            let missing = set.missing(&wanted);
            prop_assert_eq!(missing.is_empty(), wanted.iter().all(|p| held.contains(p)));
            for m in &missing {
                prop_assert!(!held.contains(m) && wanted.contains(m));
            }
        }
    }
}

//! The reference model: the domain's rules in plain Rust, with no database and no HTTP. It says,
//! for whoever acts, what exists, what is visible, what may be done, and what the answer must be.

use dealerctl::model::{Action, Area, Level, Permission};
use std::collections::{BTreeMap, BTreeSet};

pub type Perms = BTreeSet<Permission>;

/// A dealer: its ancestors (itself last), level, package (every dimension the same number, or
/// unlimited for the provider) and what it carved out for sub-dealers.
pub struct MDealer {
    pub ancestors: Vec<String>,
    pub level: Level,
    pub package: Option<i64>,
    pub carved: i64,
}

pub struct MUser {
    pub dealer: String,
    pub groups: BTreeSet<String>,
    pub active: bool,
}

pub struct MGroup {
    pub dealer: String,
    pub perms: Perms,
}

#[derive(Default)]
pub struct Model {
    pub dealers: BTreeMap<String, MDealer>,
    /// Tenant id → (dealer, extensions).
    pub tenants: BTreeMap<String, (String, i64)>,
    pub users: BTreeMap<String, MUser>,
    pub groups: BTreeMap<String, MGroup>,
}

/// Whom a request acts as: a login's own user, or the target of a view-as session (read-only).
#[derive(Clone, Debug)]
pub struct Who {
    pub user: String,
    pub read_only: bool,
    /// For a view-as session, the login that opened it (the view ends when it may no longer see
    /// what its target sees).
    pub viewer: Option<String>,
}

/// What the model expects: a success, or a refusal with this status and code.
#[derive(Debug, PartialEq, Clone, Copy)]
pub enum Expect {
    Ok,
    Err(u16, &'static str),
}

pub const NOT_FOUND: Expect = Expect::Err(404, "not_found");
pub const FORBIDDEN: Expect = Expect::Err(403, "forbidden");
pub const READ_ONLY: Expect = Expect::Err(403, "read_only_session");
pub const CAPACITY: Expect = Expect::Err(409, "capacity_exceeded");

/// Runs the checks in the server's order; the first that fails is the answer.
pub fn expect(checks: impl FnOnce() -> Result<(), Expect>) -> Expect {
    match checks() {
        Ok(()) => Expect::Ok,
        Err(e) => e,
    }
}

/// `Err(refusal)` unless `holds`.
pub fn need(holds: bool, refusal: Expect) -> Result<(), Expect> {
    if holds { Ok(()) } else { Err(refusal) }
}

pub fn crud(area: Area, action: Action) -> Permission {
    Permission::Crud(area, action)
}

pub fn rank(level: Level) -> u8 {
    match level {
        Level::Provider => 0,
        Level::Distributor => 1,
        Level::SubDistributor => 2,
        Level::Reseller => 3,
    }
}

impl Model {
    pub fn account(&self, who: &Who) -> &str {
        &self.users[&who.user].dealer
    }

    /// What a user holds: the union of its groups' permissions; nothing without a group.
    pub fn perms(&self, user: &str) -> Perms {
        self.users[user]
            .groups
            .iter()
            .filter_map(|g| self.groups.get(g))
            .flat_map(|g| g.perms.iter().copied())
            .collect()
    }

    pub fn may(&self, who: &Who, p: Permission) -> bool {
        self.perms(&who.user).contains(&p)
    }

    /// 403 `read_only_session` for a write while viewing as someone.
    /// Whether `viewer` may view as `target`: `impersonate` and every read the target holds.
    pub fn may_view_as(&self, viewer: &str, target: &str) -> bool {
        let held = self.perms(viewer);
        held.contains(&Permission::Impersonate)
            && self
                .perms(target)
                .iter()
                .filter(|p| p.is_read())
                .all(|p| held.contains(p))
    }

    /// Whether everything `target` may do, `who` may do too (the rule for acting on a login).
    pub fn not_more_powerful(&self, who: &Who, target: &str) -> bool {
        self.perms(target).is_subset(&self.perms(&who.user))
    }

    pub fn writable(&self, who: &Who) -> Result<(), Expect> {
        need(!who.read_only, READ_ONLY)
    }

    pub fn in_scope(&self, who: &Who, dealer: &str) -> bool {
        let account = self.account(who);
        self.dealers
            .get(dealer)
            .is_some_and(|d| d.ancestors.iter().any(|a| a == account))
    }

    pub fn tenant_visible(&self, who: &Who, tenant: &str) -> bool {
        self.tenants
            .get(tenant)
            .is_some_and(|(d, _)| self.in_scope(who, d))
    }

    pub fn user_visible(&self, who: &Who, user: &str) -> bool {
        self.users
            .get(user)
            .is_some_and(|u| self.in_scope(who, &u.dealer))
    }

    pub fn group_visible(&self, who: &Who, group: &str) -> bool {
        self.groups
            .get(group)
            .is_some_and(|g| self.in_scope(who, &g.dealer))
    }

    /// A group may be given to the users of its own dealer and of dealers below it.
    pub fn group_usable_by(&self, group: &str, dealer: &str) -> bool {
        self.dealers[dealer]
            .ancestors
            .contains(&self.groups[group].dealer)
    }

    /// (tenants, extensions) used by a dealer's own tenants.
    pub fn used(&self, dealer: &str) -> (i64, i64) {
        self.tenants
            .values()
            .filter(|(d, _)| d == dealer)
            .fold((0, 0), |(n, e), (_, x)| (n + 1, e + x))
    }

    /// Free (tenants, extensions) at a dealer. The other two dimensions are only carved, so
    /// they are never the tighter ones.
    pub fn free(&self, dealer: &str) -> (i64, i64) {
        let d = &self.dealers[dealer];
        let Some(package) = d.package else {
            return (i64::MAX / 4, i64::MAX / 4);
        };
        let (n, e) = self.used(dealer);
        (package - d.carved - n, package - d.carved - e)
    }

    pub fn children(&self, dealer: &str) -> usize {
        self.dealers
            .values()
            .filter(|d| d.ancestors.len() >= 2 && d.ancestors[d.ancestors.len() - 2] == dealer)
            .count()
    }

    pub fn parent(&self, dealer: &str) -> Option<&str> {
        let a = &self.dealers[dealer].ancestors;
        (a.len() >= 2).then(|| a[a.len() - 2].as_str())
    }

    pub fn add_dealer(&mut self, id: &str, parent: &str, level: Level, package: i64) {
        let mut ancestors = self.dealers[parent].ancestors.clone();
        ancestors.push(id.to_string());
        self.dealers.get_mut(parent).expect("parent").carved += package;
        self.dealers.insert(
            id.to_string(),
            MDealer {
                ancestors,
                level,
                package: Some(package),
                carved: 0,
            },
        );
    }

    /// Deleting a dealer gives its package back and takes its users and groups with it.
    pub fn remove_dealer(&mut self, id: &str) {
        let parent = self.parent(id).expect("not the provider").to_string();
        let d = self.dealers.remove(id).expect("dealer");
        self.dealers.get_mut(&parent).expect("parent").carved -= d.package.unwrap_or(0);
        self.users.retain(|_, u| u.dealer != id);
        let gone: Vec<String> = self
            .groups
            .iter()
            .filter(|(_, g)| g.dealer == id)
            .map(|(k, _)| k.clone())
            .collect();
        for g in gone {
            self.remove_group(&g);
        }
    }

    pub fn remove_group(&mut self, id: &str) {
        self.groups.remove(id);
        for u in self.users.values_mut() {
            u.groups.remove(id);
        }
    }

    pub fn visible_tenants(&self, who: &Who) -> BTreeSet<String> {
        self.tenants
            .keys()
            .filter(|t| self.tenant_visible(who, t))
            .cloned()
            .collect()
    }

    /// Visible dealers with their packages' extensions (none for the unlimited provider).
    pub fn visible_dealers(&self, who: &Who) -> BTreeMap<String, Option<i64>> {
        self.dealers
            .iter()
            .filter(|(id, _)| self.in_scope(who, id))
            .map(|(id, d)| (id.clone(), d.package))
            .collect()
    }

    /// Visible users, each with the groups of it that `who` can see.
    pub fn visible_users(&self, who: &Who) -> BTreeMap<String, BTreeSet<String>> {
        self.users
            .keys()
            .filter(|u| self.user_visible(who, u))
            .map(|u| (u.clone(), self.groups_seen(who, u)))
            .collect()
    }

    pub fn groups_seen(&self, who: &Who, user: &str) -> BTreeSet<String> {
        self.users[user]
            .groups
            .iter()
            .filter(|g| self.group_visible(who, g))
            .cloned()
            .collect()
    }

    pub fn visible_groups(&self, who: &Who) -> BTreeMap<String, Perms> {
        self.groups
            .iter()
            .filter(|(id, _)| self.group_visible(who, id))
            .map(|(id, g)| (id.clone(), g.perms.clone()))
            .collect()
    }
}

//! The operations of the model-based test: each picks its arguments at random, asks the reference
//! model what the answer must be, sends the request as a random actor, compares, and on success
//! applies the change to the model.

use super::reference::*;
use dealerctl::client::{ApiClient, ClientError};
use dealerctl::model::*;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use std::collections::{BTreeMap, BTreeSet};

/// A login the test drives: its client and whom it acts as.
pub struct Actor {
    pub client: ApiClient,
    pub who: Who,
}

/// The run's state: the model, the actors, and every id ever made (deleted ones too, so that
/// requests about what is gone are tried as well).
pub struct Run {
    pub model: Model,
    pub actors: Vec<Actor>,
    pub rng: StdRng,
    pub step: usize,
    /// A client with no token, to open view-as sessions with.
    pub anon: ApiClient,
    /// The actor slot that holds the current view-as session.
    pub view_as_slot: usize,
    /// Users that may be put in groups by the test (those it invited, and one volatile login).
    pub editable_users: Vec<String>,
    /// Groups that may be changed or deleted by the test.
    pub editable_groups: Vec<String>,
    pub tenants: Vec<String>,
    pub dealers: Vec<String>,
    pub users: Vec<String>,
    pub groups: Vec<String>,
    /// How many of `dealers` the fixture made (they come first and are never deleted).
    fixture_dealers: usize,
    counter: usize,
    /// How many answers of each kind each operation got.
    pub tally: BTreeMap<(&'static str, String), usize>,
    /// Whether the last step may have changed what some actor sees.
    pub changed: bool,
}

const MISSING: &str = "id_does_not_exist";

fn outcome<T>(r: &Result<T, ClientError>) -> Result<(), (u16, String)> {
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err((e.status().unwrap_or(0), e.code().unwrap_or("-").to_string())),
    }
}

/// Asserts that the server answered as the model expects.
#[track_caller]
pub fn check<T: std::fmt::Debug>(
    step: usize,
    what: &str,
    expect: &Expect,
    got: &Result<T, ClientError>,
) {
    let ok = match (expect, outcome(got)) {
        (Expect::Ok, Ok(())) => true,
        (Expect::Err(s, c), Err((gs, gc))) => *s == gs && *c == gc,
        _ => false,
    };
    assert!(ok, "step {step}, {what}: expected {expect:?}, got {got:?}");
}

fn random_perms(rng: &mut StdRng, within: Option<&Perms>) -> Vec<Permission> {
    Permission::all()
        .into_iter()
        .filter(|p| within.is_none_or(|w| w.contains(p)) && rng.random_bool(0.5))
        .collect()
}

impl Run {
    pub fn new(model: Model, actors: Vec<Actor>, rng: StdRng, anon: ApiClient) -> Run {
        let view_as_slot = actors.len() - 1;
        Run {
            users: model.users.keys().cloned().collect(),
            groups: model.groups.keys().cloned().collect(),
            dealers: model.dealers.keys().cloned().collect(),
            fixture_dealers: model.dealers.len(),
            model,
            actors,
            rng,
            step: 0,
            anon,
            view_as_slot,
            editable_users: Vec::new(),
            editable_groups: Vec::new(),
            tenants: Vec::new(),
            counter: 0,
            tally: BTreeMap::new(),
            changed: true,
        }
    }

    /// Checks an answer against the model's and counts it.
    #[track_caller]
    fn checked<T: std::fmt::Debug>(
        &mut self,
        what: &'static str,
        expect: Expect,
        got: &Result<T, ClientError>,
    ) {
        check(self.step, what, &expect, got);
        self.changed = expect == Expect::Ok;
        let kind = match expect {
            Expect::Ok => "ok".to_string(),
            Expect::Err(_, code) => code.to_string(),
        };
        *self.tally.entry((what, kind)).or_default() += 1;
    }

    fn unique(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// One of `ids`, or now and then an id that never existed.
    fn pick(&mut self, ids: &[String]) -> String {
        if ids.is_empty() || self.rng.random_bool(0.04) {
            return MISSING.to_string();
        }
        ids.choose(&mut self.rng).cloned().unwrap_or_default()
    }

    /// Mostly one of `ids` that `who` can see (so that most requests get past the scope
    /// check), else any of them.
    fn pick_seen(
        &mut self,
        ids: &[String],
        who: &Who,
        seen: fn(&Model, &Who, &str) -> bool,
    ) -> String {
        let visible: Vec<String> = ids
            .iter()
            .filter(|id| seen(&self.model, who, id))
            .cloned()
            .collect();
        if !visible.is_empty() && self.rng.random_bool(0.7) {
            return visible.choose(&mut self.rng).cloned().unwrap_or_default();
        }
        self.pick(ids)
    }

    fn dealer_for(&mut self, who: &Who) -> String {
        self.pick_seen(&self.dealers.clone(), who, Model::in_scope)
    }

    fn actor(&mut self) -> (ApiClient, Who) {
        let a = &self.actors[self.rng.random_range(0..self.actors.len())];
        (a.client.clone(), a.who.clone())
    }

    /// A few distinct groups, any of the known ones (including gone and out-of-scope ones).
    fn some_groups(&mut self, who: &Who) -> Vec<String> {
        let n = self.rng.random_range(0..=2);
        let mut out: Vec<String> = Vec::new();
        for _ in 0..n {
            let g = self.pick_seen(&self.groups.clone(), who, Model::group_visible);
            if !out.contains(&g) {
                out.push(g);
            }
        }
        out
    }

    /// One random step.
    pub async fn step(&mut self) {
        match self.rng.random_range(0..100) {
            0..14 => self.create_tenant().await,
            14..20 => self.update_tenant().await,
            20..25 => self.delete_tenant().await,
            25..30 => self.move_tenant().await,
            30..33 => self.get_tenant().await,
            33..41 => self.create_dealer().await,
            41..49 => self.set_package().await,
            49..54 => self.delete_dealer().await,
            54..57 => self.get_dealer().await,
            57..64 => self.create_user().await,
            64..71 => self.update_user_groups().await,
            71..75 => self.delete_user().await,
            75..78 => self.get_user().await,
            78..84 => self.create_group().await,
            84..90 => self.update_group().await,
            90..93 => self.delete_group().await,
            93..96 => self.get_group().await,
            _ => self.view_as().await,
        }
    }

    // Tenants

    async fn create_tenant(&mut self) {
        let (client, who) = self.actor();
        let resellers: Vec<String> = self
            .model
            .dealers
            .iter()
            .filter(|(_, d)| d.level == Level::Reseller)
            .map(|(k, _)| k.clone())
            .collect();
        let dealer = if self.rng.random_bool(0.8) {
            self.pick_seen(&resellers, &who, Model::in_scope)
        } else {
            self.dealer_for(&who)
        };
        let ext = self.rng.random_range(1..4);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.in_scope(&who, &dealer), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Tenants, Action::Create)), FORBIDDEN)?;
            let (ft, fe) = m.free(&dealer);
            need(ft >= 1 && fe >= ext, CAPACITY)
        });
        let name = self.unique("m");
        let r = client
            .create_tenant(&NewTenant {
                dealer_id: dealer.clone().into(),
                name: name.clone(),
                domain: format!("{name}.model.example"),
                extensions: ext,
                ..NewTenant::default()
            })
            .await;
        self.checked("create tenant", expect, &r);
        if let Ok(t) = r {
            assert_eq!((t.dealer_id.as_str(), t.extensions), (dealer.as_str(), ext));
            self.model.tenants.insert(t.id.to_string(), (dealer, ext));
            self.tenants.push(t.id.to_string());
        }
    }

    async fn update_tenant(&mut self) {
        let (client, who) = self.actor();
        let t = self.pick_seen(&self.tenants.clone(), &who, Model::tenant_visible);
        let ext = self.rng.random_range(1..6);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.tenant_visible(&who, &t), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Tenants, Action::Update)), FORBIDDEN)?;
            let (dealer, old) = &m.tenants[&t];
            need(m.free(dealer).1 >= ext - old, CAPACITY)
        });
        let patch = TenantPatch {
            extensions: Some(ext),
            ..TenantPatch::default()
        };
        let r = client.update_tenant(&t, None, &patch).await;
        self.checked("update tenant", expect, &r);
        if let Ok(after) = r {
            assert_eq!(after.extensions, ext);
            self.model.tenants.get_mut(&t).expect("tenant").1 = ext;
        }
    }

    async fn delete_tenant(&mut self) {
        let (client, who) = self.actor();
        let t = self.pick_seen(&self.tenants.clone(), &who, Model::tenant_visible);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.tenant_visible(&who, &t), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Tenants, Action::Delete)), FORBIDDEN)
        });
        let r = client.delete_tenant(&t, None).await;
        self.checked("delete tenant", expect, &r);
        if r.is_ok() {
            self.model.tenants.remove(&t);
        }
    }

    async fn move_tenant(&mut self) {
        let (client, who) = self.actor();
        let t = self.pick_seen(&self.tenants.clone(), &who, Model::tenant_visible);
        let to = self.dealer_for(&who);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.tenant_visible(&who, &t), NOT_FOUND)?;
            need(m.in_scope(&who, &to), NOT_FOUND)?;
            need(m.may(&who, Permission::TenantsMove), FORBIDDEN)?;
            let (from, ext) = &m.tenants[&t];
            need(*from != to, Expect::Err(422, "invalid_field"))?;
            let (ft, fe) = m.free(&to);
            need(ft >= 1 && fe >= *ext, CAPACITY)
        });
        let mv = TenantMove {
            to_dealer_id: to.clone().into(),
            rate_card_id: None,
            dry_run: false,
        };
        let r = client.move_tenant(&t, &mv).await;
        self.checked("move tenant", expect, &r);
        if r.is_ok() {
            self.model.tenants.get_mut(&t).expect("tenant").0 = to;
        }
    }

    async fn get_tenant(&mut self) {
        let (client, who) = self.actor();
        let t = self.pick_seen(&self.tenants.clone(), &who, Model::tenant_visible);
        let r = client.get_tenant(&t).await;
        let m = &self.model;
        let expect = expect(|| {
            need(m.tenant_visible(&who, &t), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Tenants, Action::Read)), FORBIDDEN)
        });
        self.checked("get tenant", expect, &r);
        let m = &self.model;
        if let Ok(got) = r {
            let (dealer, ext) = &m.tenants[&t];
            assert_eq!(
                (got.dealer_id.as_str(), got.extensions),
                (dealer.as_str(), *ext)
            );
        }
    }

    // Dealers and packages

    async fn create_dealer(&mut self) {
        let (client, who) = self.actor();
        let parent = self.dealer_for(&who);
        // Mostly a level the parent may create, sometimes any.
        let above = self.model.dealers.get(&parent).map_or(0, |d| rank(d.level));
        let levels: Vec<Level> = [Level::Distributor, Level::SubDistributor, Level::Reseller]
            .into_iter()
            .filter(|l| self.rng.random_bool(0.3) || rank(*l) > above)
            .collect();
        let level = *levels.choose(&mut self.rng).unwrap_or(&Level::Reseller);
        let n = self.rng.random_range(0..14);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.in_scope(&who, &parent), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Dealers, Action::Create)), FORBIDDEN)?;
            need(m.may(&who, crud(Area::Packages, Action::Update)), FORBIDDEN)?;
            let p = &m.dealers[&parent];
            need(
                rank(level) > rank(p.level),
                Expect::Err(409, "level_not_allowed"),
            )?;
            let (ft, fe) = m.free(&parent);
            need(ft.min(fe) >= n, CAPACITY)
        });
        let name = self.unique("Model dealer ");
        let r = client
            .create_dealer(&NewDealer {
                parent_id: parent.clone().into(),
                level,
                name,
                package: Some(crate::helpers::package(n)),
                ..NewDealer::default()
            })
            .await;
        self.checked("create dealer", expect, &r);
        if let Ok(d) = r {
            assert_eq!((d.level, d.package.extensions), (level, Some(n)));
            self.model.add_dealer(&d.id, &parent, level, n);
            self.dealers.push(d.id.to_string());
        }
    }

    async fn set_package(&mut self) {
        let (client, who) = self.actor();
        let target = self.dealer_for(&who);
        let old = self
            .model
            .dealers
            .get(&target)
            .and_then(|d| d.package)
            .unwrap_or(10);
        let n = (old + self.rng.random_range(-8..=12)).max(0);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.in_scope(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Packages, Action::Update)), FORBIDDEN)?;
            need(target != m.account(&who), FORBIDDEN)?;
            let parent = m.parent(&target).ok_or(FORBIDDEN)?;
            let d = &m.dealers[&target];
            let (_, ext_used) = m.used(&target);
            need(
                n >= d.carved + ext_used,
                Expect::Err(409, "package_below_usage"),
            )?;
            let (ft, fe) = m.free(parent);
            need(n - old <= ft.min(fe), CAPACITY)
        });
        let r = client
            .set_package(&target, None, &crate::helpers::package(n))
            .await;
        self.checked("set package", expect, &r);
        if let Ok(d) = r {
            assert_eq!(d.package.extensions, Some(n));
            let parent = self.model.parent(&target).unwrap_or_default().to_string();
            self.model.dealers.get_mut(&parent).expect("parent").carved += n - old;
            self.model.dealers.get_mut(&target).expect("dealer").package = Some(n);
        }
    }

    async fn delete_dealer(&mut self) {
        let (client, who) = self.actor();
        // Mostly dealers the test made; now and then the actor's own account.
        let made = self.dealers[self.fixture_dealers..].to_vec();
        let target = if self.rng.random_bool(0.1) {
            self.model.account(&who).to_string()
        } else {
            self.pick_seen(&made, &who, Model::in_scope)
        };
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.in_scope(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Dealers, Action::Delete)), FORBIDDEN)?;
            need(
                target != m.account(&who) && m.parent(&target).is_some(),
                FORBIDDEN,
            )?;
            need(
                m.children(&target) == 0 && m.used(&target).0 == 0,
                Expect::Err(409, "has_children"),
            )
        });
        let r = client.delete_dealer(&target, None).await;
        self.checked("delete dealer", expect, &r);
        if r.is_ok() {
            self.model.remove_dealer(&target);
        }
    }

    async fn get_dealer(&mut self) {
        let (client, who) = self.actor();
        let target = self.dealer_for(&who);
        let r = client.get_dealer(&target).await;
        let m = &self.model;
        let expect = expect(|| {
            need(m.in_scope(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Dealers, Action::Read)), FORBIDDEN)
        });
        self.checked("get dealer", expect, &r);
        let m = &self.model;
        if let Ok(d) = r {
            assert_eq!(d.package.extensions, m.dealers[&target].package);
        }
    }

    // Users

    /// Checks groups given to a user of `dealer`, in the server's order: each visible (404),
    /// the permission (403), then each within what the caller holds (403) and usable there (422).
    /// A change of an existing user's groups (`target`) also needs the caller to hold all the
    /// target may do.
    fn groups_allowed(
        m: &Model,
        who: &Who,
        dealer: &str,
        groups: &[String],
        perm: Action,
        target: Option<&str>,
    ) -> Result<(), Expect> {
        for g in groups {
            need(m.group_visible(who, g), NOT_FOUND)?;
        }
        need(m.may(who, crud(Area::Users, perm)), FORBIDDEN)?;
        if let Some(t) = target {
            need(m.not_more_powerful(who, t), FORBIDDEN)?;
        }
        let held = m.perms(&who.user);
        for g in groups {
            need(m.groups[g].perms.is_subset(&held), FORBIDDEN)?;
            need(
                m.group_usable_by(g, dealer),
                Expect::Err(422, "invalid_field"),
            )?;
        }
        Ok(())
    }

    async fn create_user(&mut self) {
        let (client, who) = self.actor();
        let dealer = self.dealer_for(&who);
        let groups = self.some_groups(&who);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.in_scope(&who, &dealer), NOT_FOUND)?;
            Self::groups_allowed(m, &who, &dealer, &groups, Action::Create, None)
        });
        let email = format!("{}@model.example", self.unique("u"));
        let r = client
            .create_user(&NewUser {
                dealer_id: dealer.clone().into(),
                email,
                display_name: "Model".into(),
                group_ids: groups.iter().map(Into::into).collect(),
            })
            .await;
        self.checked("create user", expect, &r);
        if let Ok(u) = r {
            let groups: BTreeSet<String> = groups.into_iter().collect();
            let seen: BTreeSet<String> = u.group_ids.iter().map(|g| g.to_string()).collect();
            assert_eq!(seen, groups);
            self.model.users.insert(
                u.id.to_string(),
                MUser {
                    dealer,
                    groups,
                    active: false,
                },
            );
            self.users.push(u.id.to_string());
            self.editable_users.push(u.id.to_string());
        }
    }

    async fn update_user_groups(&mut self) {
        let (client, who) = self.actor();
        let target = self.pick_seen(&self.editable_users.clone(), &who, Model::user_visible);
        let groups = self.some_groups(&who);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.user_visible(&who, &target), NOT_FOUND)?;
            Self::groups_allowed(
                m,
                &who,
                &m.users[&target].dealer,
                &groups,
                Action::Update,
                Some(&target),
            )
        });
        let patch = UserPatch {
            group_ids: Some(groups.iter().map(Into::into).collect()),
            ..UserPatch::default()
        };
        let r = client.update_user(&target, None, &patch).await;
        self.checked("change a user's groups", expect, &r);
        let m = &self.model;
        if r.is_ok() {
            // Memberships the caller cannot see stay as they were.
            let unseen: Vec<String> = m.users[&target]
                .groups
                .iter()
                .filter(|g| !m.group_visible(&who, g))
                .cloned()
                .collect();
            let u = self.model.users.get_mut(&target).expect("user");
            u.groups = unseen.into_iter().chain(groups).collect();
        }
    }

    async fn delete_user(&mut self) {
        let (client, who) = self.actor();
        let target = if self.rng.random_bool(0.05) {
            who.user.clone()
        } else {
            let invited: Vec<String> = self
                .editable_users
                .iter()
                .filter(|u| self.model.users.get(*u).is_none_or(|u| !u.active))
                .cloned()
                .collect();
            self.pick_seen(&invited, &who, Model::user_visible)
        };
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.user_visible(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Users, Action::Delete)), FORBIDDEN)?;
            need(target != who.user, FORBIDDEN)?;
            need(m.not_more_powerful(&who, &target), FORBIDDEN)
        });
        let r = client.delete_user(&target, None).await;
        self.checked("delete user", expect, &r);
        if r.is_ok() {
            self.model.users.remove(&target);
        }
    }

    async fn get_user(&mut self) {
        let (client, who) = self.actor();
        let target = self.pick_seen(&self.users.clone(), &who, Model::user_visible);
        let r = client.get_user(&target).await;
        let m = &self.model;
        let expect = expect(|| {
            need(m.user_visible(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Users, Action::Read)), FORBIDDEN)
        });
        self.checked("get user", expect, &r);
        let m = &self.model;
        if let Ok(u) = r {
            let seen: BTreeSet<String> = u.group_ids.into_iter().map(String::from).collect();
            assert_eq!(seen, m.groups_seen(&who, &target), "step {}", self.step);
        }
    }

    // Groups

    /// Permissions to grant: half the time within what the actor holds, else any.
    fn perms_to_grant(&mut self, who: &Who) -> Vec<Permission> {
        let held = self.model.perms(&who.user);
        let within = self.rng.random_bool(0.5).then_some(&held);
        random_perms(&mut self.rng, within)
    }

    async fn create_group(&mut self) {
        let (client, who) = self.actor();
        let dealer = self.dealer_for(&who);
        let perms = self.perms_to_grant(&who);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.in_scope(&who, &dealer), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Groups, Action::Create)), FORBIDDEN)?;
            need(perms.iter().all(|p| m.may(&who, *p)), FORBIDDEN)
        });
        let name = self.unique("Model group ");
        let r = client
            .create_group(&NewGroup {
                dealer_id: dealer.clone().into(),
                name,
                permissions: perms.clone(),
                ..NewGroup::default()
            })
            .await;
        self.checked("create group", expect, &r);
        if let Ok(g) = r {
            let perms: Perms = perms.into_iter().collect();
            assert_eq!(g.permissions.iter().copied().collect::<Perms>(), perms);
            self.model
                .groups
                .insert(g.id.to_string(), MGroup { dealer, perms });
            self.groups.push(g.id.to_string());
            self.editable_groups.push(g.id.to_string());
        }
    }

    async fn update_group(&mut self) {
        let (client, who) = self.actor();
        let target = self.pick_seen(&self.editable_groups.clone(), &who, Model::group_visible);
        let perms = self.perms_to_grant(&who);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.group_visible(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Groups, Action::Update)), FORBIDDEN)?;
            need(perms.iter().all(|p| m.may(&who, *p)), FORBIDDEN)
        });
        let patch = GroupPatch {
            permissions: Some(perms.clone()),
            ..GroupPatch::default()
        };
        let r = client.update_group(&target, None, &patch).await;
        self.checked("change a group's permissions", expect, &r);
        if r.is_ok() {
            self.model.groups.get_mut(&target).expect("group").perms = perms.into_iter().collect();
        }
    }

    async fn delete_group(&mut self) {
        let (client, who) = self.actor();
        let target = self.pick_seen(&self.editable_groups.clone(), &who, Model::group_visible);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.group_visible(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Groups, Action::Delete)), FORBIDDEN)
        });
        let r = client.delete_group(&target, None).await;
        self.checked("delete group", expect, &r);
        if r.is_ok() {
            self.model.remove_group(&target);
        }
    }

    async fn get_group(&mut self) {
        let (client, who) = self.actor();
        let target = self.pick_seen(&self.groups.clone(), &who, Model::group_visible);
        let r = client.get_group(&target).await;
        let m = &self.model;
        let expect = expect(|| {
            need(m.group_visible(&who, &target), NOT_FOUND)?;
            need(m.may(&who, crud(Area::Groups, Action::Read)), FORBIDDEN)
        });
        self.checked("get group", expect, &r);
        let m = &self.model;
        if let Ok(g) = r {
            assert_eq!(
                g.permissions.into_iter().collect::<Perms>(),
                m.groups[&target].perms
            );
        }
    }

    // View-as

    /// A view-as session ends as soon as its viewer may no longer see what its target sees: when
    /// the model says so, the server must answer the view's next request with 401; the slot then
    /// takes a fresh view (the provider's administrator viewing as the first sub-distributor's).
    pub async fn end_a_lapsed_view(&mut self, app: &crate::helpers::TestApp) {
        let slot = &self.actors[self.view_as_slot];
        let Some(viewer) = slot.who.viewer.clone() else {
            return;
        };
        if self.model.may_view_as(&viewer, &slot.who.user) {
            return;
        }
        let r = slot.client.me().await;
        self.checked("a lapsed view", Expect::Err(401, "unauthenticated"), &r);
        self.changed = true;
        let target = self.actors[3].who.user.clone();
        let view = app.admin.impersonate(&target).await.expect("a fresh view");
        self.actors[self.view_as_slot] = Actor {
            client: self.anon.with_token(view.token),
            who: Who {
                user: target,
                read_only: true,
                viewer: Some(self.actors[0].who.user.clone()),
            },
        };
    }

    /// A random actor starts viewing as a random user; on success the view-as slot takes the
    /// new session, which from then on sees and may do exactly what its target does, read-only.
    async fn view_as(&mut self) {
        let (client, who) = self.actor();
        let target = self.pick_seen(&self.users.clone(), &who, Model::user_visible);
        let m = &self.model;
        let expect = expect(|| {
            m.writable(&who)?;
            need(m.user_visible(&who, &target), NOT_FOUND)?;
            need(m.may(&who, Permission::Impersonate), FORBIDDEN)?;
            need(target != who.user, Expect::Err(422, "invalid_field"))?;
            need(m.may_view_as(&who.user, &target), FORBIDDEN)?;
            need(m.users[&target].active, Expect::Err(409, "not_active"))
        });
        let r = client.impersonate(&target).await;
        self.checked("view as", expect, &r);
        if let Ok(view) = r {
            self.actors[self.view_as_slot] = Actor {
                client: self.anon.with_token(view.token),
                who: Who {
                    user: target,
                    read_only: true,
                    viewer: Some(who.user.clone()),
                },
            };
        }
    }
}

//! Model-based test: random sequences of operations (tenants, dealers, packages, users, groups,
//! view-as) by random actors at every level, applied both to a plain reference model of the rules
//! (`reference.rs`) and to the real server. After every step the answer's status and code must
//! match the model's, and every actor's four lists (tenants, dealers, users, groups) must be
//! exactly what the model says it sees, with the fields the model tracks (after a step the model
//! says changed nothing, the provider administrator's lists, which show everything, are checked). Every few steps, and
//! for every id at the end, an object must be readable by id exactly when it is listed.
//!
//! The actors include a login with no group (default deny), one whose groups and group
//! permissions the run keeps changing, an auditor, and a view-as session that the run moves
//! from target to target. `DEALERCTL_MODEL_STEPS` sets the number of steps (2,000 by default;
//! CI runs 10,000 on each backend) and `DEALERCTL_MODEL_SEED` replays a run; the seed is printed.

mod ops;
mod reference;

use crate::helpers::*;
use crate::paging::every_page;
use dealerctl::client::{ApiClient, ClientError};
use dealerctl::model::*;
use ops::{Actor, Run, check};
use rand::SeedableRng;
use rand::rngs::StdRng;
use reference::*;
use std::collections::{BTreeMap, BTreeSet};

/// Everything one actor can list, as the model tracks it.
struct Lists {
    tenants: Result<BTreeSet<String>, ClientError>,
    dealers: Result<BTreeMap<String, Option<i64>>, ClientError>,
    users: Result<BTreeMap<String, BTreeSet<String>>, ClientError>,
    groups: Result<BTreeMap<String, Perms>, ClientError>,
}

async fn lists(c: &ApiClient) -> Lists {
    let (tenants, dealers, users, groups) = tokio::join!(
        every_page(|p| async move { c.list_tenants(&TenantFilter::default(), &p).await }),
        every_page(|p| async move { c.list_dealers(&DealerFilter::default(), &p).await }),
        every_page(|p| async move { c.list_users(&UserFilter::default(), &p).await }),
        every_page(|p| async move { c.list_groups(&GroupFilter::default(), &p).await }),
    );
    Lists {
        tenants: tenants.map(|v| v.into_iter().map(|t| t.id.into_string()).collect()),
        dealers: dealers.map(|v| {
            v.into_iter()
                .map(|d| (d.id.into_string(), d.package.extensions))
                .collect()
        }),
        users: users.map(|v| {
            v.into_iter()
                .map(|u| {
                    (
                        u.id.into_string(),
                        u.group_ids.into_iter().map(String::from).collect(),
                    )
                })
                .collect()
        }),
        groups: groups.map(|v| {
            v.into_iter()
                .map(|g| (g.id.into_string(), g.permissions.into_iter().collect()))
                .collect()
        }),
    }
}

/// A list is what the model says, or 403 for an actor that may not read it.
#[track_caller]
fn compare<T: PartialEq + std::fmt::Debug>(
    step: usize,
    what: &str,
    may_read: bool,
    got: Result<T, ClientError>,
    want: impl FnOnce() -> T,
) {
    if may_read {
        match got {
            Ok(list) => assert_eq!(list, want(), "step {step}: {what}"),
            Err(e) => panic!("step {step}: {what}: {e:?}"),
        }
    } else {
        check(step, what, &FORBIDDEN, &got);
    }
}

async fn every_list_matches(run: &Run, everyone: bool) {
    // After a step the model says changed nothing, the provider's administrator (who sees
    // everything) is enough to catch a refused request that wrote anyway.
    let actors = if everyone {
        &run.actors[..]
    } else {
        &run.actors[..1]
    };
    let got = futures::future::join_all(actors.iter().map(|a| lists(&a.client))).await;
    let (m, step) = (&run.model, run.step);
    for (i, (a, l)) in actors.iter().zip(got).enumerate() {
        let w = &a.who;
        let may = |area| m.may(w, crud(area, Action::Read));
        let what = |kind: &str| format!("the {kind} of actor {i} ({w:?})");
        compare(
            step,
            &what("tenants"),
            may(Area::Tenants),
            l.tenants,
            || m.visible_tenants(w),
        );
        compare(
            step,
            &what("dealers"),
            may(Area::Dealers),
            l.dealers,
            || m.visible_dealers(w),
        );
        compare(step, &what("users"), may(Area::Users), l.users, || {
            m.visible_users(w)
        });
        compare(step, &what("groups"), may(Area::Groups), l.groups, || {
            m.visible_groups(w)
        });
    }
}

/// Each id answers by id exactly as the model says: 404 when out of sight (or gone), 403 when
/// visible but not readable, and the object when it is in the actor's list.
async fn by_id_matches(
    run: &Run,
    tenants: &[String],
    dealers: &[String],
    users: &[String],
    groups: &[String],
) {
    let (m, step) = (&run.model, run.step);
    for a in &run.actors {
        let w = &a.who;
        let c = &a.client;
        let answer = |visible: bool, area| {
            expect(|| {
                need(visible, NOT_FOUND)?;
                need(m.may(w, crud(area, Action::Read)), FORBIDDEN)
            })
        };
        let got = futures::future::join_all(tenants.iter().map(|t| c.get_tenant(t))).await;
        for (t, r) in tenants.iter().zip(got) {
            check(
                step,
                &format!("tenant {t} by id"),
                &answer(m.tenant_visible(w, t), Area::Tenants),
                &r,
            );
        }
        let got = futures::future::join_all(dealers.iter().map(|d| c.get_dealer(d))).await;
        for (d, r) in dealers.iter().zip(got) {
            check(
                step,
                &format!("dealer {d} by id"),
                &answer(m.in_scope(w, d), Area::Dealers),
                &r,
            );
        }
        let got = futures::future::join_all(users.iter().map(|u| c.get_user(u))).await;
        for (u, r) in users.iter().zip(got) {
            check(
                step,
                &format!("user {u} by id"),
                &answer(m.user_visible(w, u), Area::Users),
                &r,
            );
        }
        let got = futures::future::join_all(groups.iter().map(|g| c.get_group(g))).await;
        for (g, r) in groups.iter().zip(got) {
            check(
                step,
                &format!("group {g} by id"),
                &answer(m.group_visible(w, g), Area::Groups),
                &r,
            );
        }
    }
}

/// The fixture: provider → 2 distributors → 2 sub-distributors each → 2 resellers each, and
/// eleven actors: the provider's administrator, each distributor's and sub-distributor's, a
/// login with no group, a login in a group the run keeps changing, an auditor, and a view-as
/// session (at first the provider's administrator viewing as the first sub-distributor's).
async fn fixture(app: &TestApp, rng: StdRng) -> Run {
    let mut model = Model::default();
    model.dealers.insert(
        app.provider_id.clone(),
        MDealer {
            ancestors: vec![app.provider_id.clone()],
            level: Level::Provider,
            package: None,
            carved: 0,
        },
    );
    let mut actors = vec![];
    let mut add_admin = |client: ApiClient, user: User| {
        actors.push(Actor {
            client,
            who: Who {
                user: user.id.to_string(),
                read_only: false,
                viewer: None,
            },
        });
    };
    add_admin(app.admin.clone(), app.admin.me().await.unwrap().user);
    let mut subs = vec![];
    for _ in 0..2 {
        let d = app.dealer(&app.provider_id, Level::Distributor, 120).await;
        model.add_dealer(&d.id, &app.provider_id, Level::Distributor, 120);
        let (u, c) = app.dealer_admin(&d.id).await;
        add_admin(c, u);
        for _ in 0..2 {
            let s = app.dealer(&d.id, Level::SubDistributor, 40).await;
            model.add_dealer(&s.id, &d.id, Level::SubDistributor, 40);
            for _ in 0..2 {
                let r = app.dealer(&s.id, Level::Reseller, 8).await;
                model.add_dealer(&r.id, &s.id, Level::Reseller, 8);
            }
            subs.push(s.id);
        }
    }
    for s in &subs {
        let (u, c) = app.dealer_admin(s).await;
        add_admin(c, u);
    }
    let d1 = model.parent(&subs[0]).unwrap().to_string();
    let (no_group, c) = app.user(&subs[0], vec![]).await;
    add_admin(c, no_group);
    let volatile_group = app
        .admin
        .create_group(&NewGroup {
            dealer_id: d1.clone().into(),
            name: "Volatile".into(),
            permissions: Permission::all().into_iter().step_by(2).collect(),
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (volatile, c) = app.user(&d1, vec![volatile_group.id.to_string()]).await;
    let volatile_id = volatile.id.clone();
    add_admin(c, volatile);
    let auditors = app.group(&d1, "auditor").await;
    let (auditor, c) = app.user(&d1, vec![auditors.id.to_string()]).await;
    add_admin(c, auditor);
    let target = actors[3].who.user.clone();
    let view = app.admin.impersonate(&target).await.unwrap();
    actors.push(Actor {
        client: app.anon().with_token(view.token),
        who: Who {
            user: target,
            read_only: true,
            viewer: Some(actors[0].who.user.clone()),
        },
    });
    // Users and groups as the server holds them now, the bootstrap administrator's included.
    for g in every_page(|p| async move { app.admin.list_groups(&GroupFilter::default(), &p).await })
        .await
        .unwrap()
    {
        model.groups.insert(
            g.id.to_string(),
            MGroup {
                dealer: g.dealer_id.to_string(),
                perms: g.permissions.into_iter().collect(),
            },
        );
    }
    for u in every_page(|p| async move { app.admin.list_users(&UserFilter::default(), &p).await })
        .await
        .unwrap()
    {
        let active = u.status == UserStatus::Active;
        model.users.insert(
            u.id.to_string(),
            MUser {
                dealer: u.dealer_id.to_string(),
                groups: u.group_ids.into_iter().map(String::from).collect(),
                active,
            },
        );
    }
    let mut run = Run::new(model, actors, rng, app.anon());
    run.editable_users.push(volatile_id.to_string());
    run.editable_groups.push(volatile_group.id.to_string());
    run
}

on_both_backends! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_every_step_as_the_model_does() {
    let steps: usize = std::env::var("DEALERCTL_MODEL_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let seed: u64 = std::env::var("DEALERCTL_MODEL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    println!("model seed {seed} (replay with DEALERCTL_MODEL_SEED={seed}), {steps} steps");
    // View-as sessions last the whole run.
    let app = TestApp::start_with(|c| c.impersonation_minutes = 24 * 60).await;
    let mut run = fixture(&app, StdRng::seed_from_u64(seed)).await;
    every_list_matches(&run, true).await;
    for step in 0..steps {
        run.step = step;
        run.step().await;
        run.end_a_lapsed_view(&app).await;
        every_list_matches(&run, run.changed).await;
        if step % 25 == 24 {
            let sample = |ids: &[String], rng: &mut StdRng| -> Vec<String> {
                use rand::seq::IndexedRandom;
                ids.choose_multiple(rng, 4).cloned().collect()
            };
            let mut rng = StdRng::seed_from_u64(seed ^ step as u64);
            let (t, d, u, g) = (sample(&run.tenants, &mut rng), sample(&run.dealers, &mut rng), sample(&run.users, &mut rng), sample(&run.groups, &mut rng));
            by_id_matches(&run, &t, &d, &u, &g).await;
        }
    }
    for ((what, kind), n) in &run.tally {
        println!("  {what}: {kind} × {n}");
    }
    run.step = steps;
    by_id_matches(&run, &run.tenants, &run.dealers, &run.users, &run.groups).await;
    // The usage counters, kept with every change of the run, equal a full recount.
    app.assert_counters_exact().await;
    println!(
        "{steps} steps matched the model: {} tenants, {} dealers, {} users, {} groups made; {} actors",
        run.tenants.len(), run.dealers.len(), run.users.len(), run.groups.len(), run.actors.len()
    );
}
}

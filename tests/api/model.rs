//! Model-based test: random sequences of tenant operations by random actors at every level,
//! applied both to a plain reference model of the rules (scope, default deny, capacity, moves) and
//! to the real server. After every step the answer's status and code must match the model's, every
//! actor's tenant list must be exactly what the model says it sees, and (every few steps) each
//! tenant must be readable by id exactly when it is in the actor's list.
//!
//! `DEALERCTL_MODEL_STEPS` sets the number of steps (2,000 by default; CI runs 10,000 on each
//! backend) and `DEALERCTL_MODEL_SEED` replays a run; the seed is printed.

use crate::helpers::*;
use crate::paging::every_page;
use dealerctl::client::{ApiClient, ClientError};
use dealerctl::model::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

/// A dealer of the model: its parent, its package (tenants and extensions) and what it carved out.
struct MDealer {
    id: String,
    ancestors: Vec<String>,
    package: i64,
    carved: i64,
}

/// An actor: a login, the dealer it belongs to, and whether it holds permissions at all.
struct Actor {
    client: ApiClient,
    dealer: String,
    allowed: bool,
}

#[derive(Default)]
struct Model {
    dealers: BTreeMap<String, MDealer>,
    /// Tenant id → (dealer, extensions).
    tenants: BTreeMap<String, (String, i64)>,
}

/// What the model expects: a success, or a refusal with this status and code.
#[derive(Debug, PartialEq)]
enum Expect {
    Ok,
    Err(u16, &'static str),
}

impl Model {
    fn in_scope(&self, actor: &Actor, dealer: &str) -> bool {
        self.dealers
            .get(dealer)
            .is_some_and(|d| d.ancestors.contains(&actor.dealer))
    }

    fn tenant_visible(&self, actor: &Actor, tenant: &str) -> bool {
        self.tenants
            .get(tenant)
            .is_some_and(|(d, _)| self.in_scope(actor, d))
    }

    /// Free (tenants, extensions) at a dealer: every dimension of the test packages is the same
    /// number, and a tenant uses one tenant and its extensions.
    fn free(&self, dealer: &str) -> (i64, i64) {
        let d = &self.dealers[dealer];
        let own: Vec<i64> = self
            .tenants
            .values()
            .filter(|(t, _)| t == dealer)
            .map(|(_, e)| *e)
            .collect();
        (
            d.package - d.carved - own.len() as i64,
            d.package - d.carved - own.iter().sum::<i64>(),
        )
    }

    fn visible_set(&self, actor: &Actor) -> BTreeSet<String> {
        self.tenants
            .keys()
            .filter(|t| self.tenant_visible(actor, t))
            .cloned()
            .collect()
    }
}

fn outcome<T>(r: &Result<T, ClientError>) -> Result<(), (u16, String)> {
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err((e.status().unwrap_or(0), e.code().unwrap_or("-").to_string())),
    }
}

#[track_caller]
fn check<T: std::fmt::Debug>(
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

async fn listed(client: &ApiClient) -> Result<BTreeSet<String>, ClientError> {
    let tenants =
        every_page(|p| async move { client.list_tenants(&TenantFilter::default(), &p).await })
            .await?;
    Ok(tenants.into_iter().map(|t| t.id).collect())
}

async fn by_id_matches_list(step: usize, actors: &[Actor], model: &Model, ids: &[String]) {
    for a in actors.iter().filter(|a| a.allowed) {
        let list = listed(&a.client).await.unwrap();
        let answers = futures::future::join_all(ids.iter().map(|t| a.client.get_tenant(t))).await;
        for (t, r) in ids.iter().zip(answers) {
            assert_eq!(r.is_ok(), list.contains(t), "step {step}: {t} by id");
            assert_eq!(
                list.contains(t),
                model.tenant_visible(a, t),
                "step {step}: {t} in the model"
            );
        }
    }
}

on_both_backends! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_every_step_as_the_model_does() {
    let steps: usize = std::env::var("DEALERCTL_MODEL_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let seed: u64 = std::env::var("DEALERCTL_MODEL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    println!("model seed {seed} (replay with DEALERCTL_MODEL_SEED={seed}), {steps} steps");
    let mut rng = StdRng::seed_from_u64(seed);
    let app = TestApp::start().await;
    let mut model = Model::default();
    model.dealers.insert(
        app.provider_id.clone(),
        MDealer { id: app.provider_id.clone(), ancestors: vec![app.provider_id.clone()], package: i64::MAX / 4, carved: 0 },
    );
    // Provider → 2 distributors (60) → 2 sub-distributors each (20) → 2 resellers each (8).
    let add = |model: &mut Model, parent: &str, d: &Dealer, package: i64| {
        let mut ancestors = model.dealers[parent].ancestors.clone();
        ancestors.push(d.id.clone());
        model.dealers.get_mut(parent).unwrap().carved += package;
        model.dealers.insert(d.id.clone(), MDealer { id: d.id.clone(), ancestors, package, carved: 0 });
    };
    let mut actors = vec![Actor { client: app.admin.clone(), dealer: app.provider_id.clone(), allowed: true }];
    for _ in 0..2 {
        let d = app.dealer(&app.provider_id, Level::Distributor, 60).await;
        add(&mut model, &app.provider_id, &d, 60);
        actors.push(Actor { client: app.dealer_admin(&d.id).await.1, dealer: d.id.clone(), allowed: true });
        for _ in 0..2 {
            let s = app.dealer(&d.id, Level::SubDistributor, 20).await;
            add(&mut model, &d.id, &s, 20);
            for _ in 0..2 {
                let r = app.dealer(&s.id, Level::Reseller, 8).await;
                add(&mut model, &s.id, &r, 8);
            }
            actors.push(Actor { client: app.dealer_admin(&s.id).await.1, dealer: s.id.clone(), allowed: true });
        }
    }
    // A login with no group, inside the first sub-distributor: default deny.
    let s0 = actors[2].dealer.clone();
    actors.push(Actor { client: app.user(&s0, vec![]).await.1, dealer: s0, allowed: false });
    let reseller_ids: Vec<String> = model.dealers.values().filter(|d| d.ancestors.len() == 4).map(|d| d.id.clone()).collect();
    let dealer_ids: Vec<String> = model.dealers.keys().cloned().collect();
    let mut known: Vec<String> = Vec::new(); // every tenant id ever made, deleted ones too
    let mut counter = 0;
    for step in 0..steps {
        let a = &actors[rng.random_range(0..actors.len())];
        let pick_tenant = |rng: &mut StdRng| {
            if known.is_empty() || rng.random_bool(0.05) {
                "tnt_does_not_exist".to_string()
            } else {
                known[rng.random_range(0..known.len())].clone()
            }
        };
        match rng.random_range(0..6) {
            0 | 1 => {
                // Create, mostly at resellers.
                let dealer = if rng.random_bool(0.8) {
                    reseller_ids[rng.random_range(0..reseller_ids.len())].clone()
                } else {
                    dealer_ids[rng.random_range(0..dealer_ids.len())].clone()
                };
                let ext = rng.random_range(1..4);
                let expect = if !model.in_scope(a, &dealer) {
                    Expect::Err(404, "not_found")
                } else if !a.allowed {
                    Expect::Err(403, "forbidden")
                } else {
                    let (ft, fe) = model.free(&dealer);
                    if ft < 1 || fe < ext { Expect::Err(409, "capacity_exceeded") } else { Expect::Ok }
                };
                counter += 1;
                let r = a
                    .client
                    .create_tenant(&NewTenant {
                        dealer_id: dealer.clone(),
                        name: format!("m{counter}"),
                        domain: format!("m{counter}.model.example"),
                        extensions: ext,
                        ..NewTenant::default()
                    })
                    .await;
                check(step, "create", &expect, &r);
                if let Ok(t) = r {
                    assert_eq!((t.dealer_id.as_str(), t.extensions), (dealer.as_str(), ext), "step {step}");
                    model.tenants.insert(t.id.clone(), (dealer, ext));
                    known.push(t.id);
                }
            }
            2 => {
                let t = pick_tenant(&mut rng);
                let ext = rng.random_range(1..6);
                let expect = if !model.tenant_visible(a, &t) {
                    Expect::Err(404, "not_found")
                } else if !a.allowed {
                    Expect::Err(403, "forbidden")
                } else {
                    let (dealer, old) = model.tenants[&t].clone();
                    if model.free(&dealer).1 < ext - old { Expect::Err(409, "capacity_exceeded") } else { Expect::Ok }
                };
                let r = a.client.update_tenant(&t, None, &TenantPatch { extensions: Some(ext), ..TenantPatch::default() }).await;
                check(step, "update", &expect, &r);
                if let Ok(after) = r {
                    assert_eq!(after.extensions, ext, "step {step}");
                    model.tenants.get_mut(&t).unwrap().1 = ext;
                }
            }
            3 => {
                let t = pick_tenant(&mut rng);
                let expect = if !model.tenant_visible(a, &t) {
                    Expect::Err(404, "not_found")
                } else if !a.allowed {
                    Expect::Err(403, "forbidden")
                } else {
                    Expect::Ok
                };
                let r = a.client.delete_tenant(&t, None).await;
                check(step, "delete", &expect, &r);
                if r.is_ok() {
                    model.tenants.remove(&t);
                }
            }
            4 => {
                let t = pick_tenant(&mut rng);
                let to = reseller_ids[rng.random_range(0..reseller_ids.len())].clone();
                let expect = if !model.tenant_visible(a, &t) || !model.in_scope(a, &to) {
                    Expect::Err(404, "not_found")
                } else if !a.allowed {
                    Expect::Err(403, "forbidden")
                } else if model.tenants[&t].0 == to {
                    Expect::Err(422, "invalid_field")
                } else {
                    let ext = model.tenants[&t].1;
                    let (ft, fe) = model.free(&to);
                    if ft < 1 || fe < ext { Expect::Err(409, "capacity_exceeded") } else { Expect::Ok }
                };
                let r = a
                    .client
                    .move_tenant(&t, &TenantMove { to_dealer_id: to.clone(), rate_card_id: None, dry_run: false })
                    .await;
                check(step, "move", &expect, &r);
                if r.is_ok() {
                    model.tenants.get_mut(&t).unwrap().0 = to;
                }
            }
            _ => {
                let t = pick_tenant(&mut rng);
                let expect = if !model.tenant_visible(a, &t) {
                    Expect::Err(404, "not_found")
                } else if !a.allowed {
                    Expect::Err(403, "forbidden")
                } else {
                    Expect::Ok
                };
                let r = a.client.get_tenant(&t).await;
                check(step, "get", &expect, &r);
                if let Ok(got) = r {
                    let (dealer, ext) = &model.tenants[&t];
                    assert_eq!((&got.dealer_id, got.extensions), (dealer, *ext), "step {step}");
                }
            }
        }
        // Every actor's list is exactly what the model says it sees (asked all at once).
        let lists = futures::future::join_all(actors.iter().map(|a| listed(&a.client))).await;
        for (i, (a, got)) in actors.iter().zip(lists).enumerate() {
            if a.allowed {
                assert_eq!(got.unwrap(), model.visible_set(a), "step {step}: the list of actor {i}");
            } else {
                check(step, "list without a group", &Expect::Err(403, "forbidden"), &got);
            }
        }
        // Visible by id if and only if listed: a sample every few steps, every id at the end.
        if step % 25 == 24 && !known.is_empty() {
            let sample: Vec<String> = (0..10).map(|_| known[rng.random_range(0..known.len())].clone()).collect();
            by_id_matches_list(step, &actors, &model, &sample).await;
        }
    }
    by_id_matches_list(steps, &actors, &model, &known).await;
    println!("{steps} steps matched the model; {} tenants made", known.len());
}
}

//! Hundreds of concurrent capacity operations by many actors at several levels (creations,
//! package raises and cuts, deletions, tenant moves), then a full recount from the listed rows
//! that must match every dealer's capacity report and the store's own invariant checks.

use crate::helpers::*;
use dealerctl::client::{ApiClient, ClientError};
use dealerctl::domain::policy::PlatformPolicy;
use dealerctl::model::*;
use dealerctl::server::store::SqlStore;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// Refusals a racing operation may meet; anything else (a 5xx above all) fails the test.
const EXPECTED: &[&str] = &[
    "capacity_exceeded",
    "package_below_usage",
    "not_found",
    "version_mismatch",
    "has_children",
    "name_taken",
    "domain_taken",
    "invalid_field",
];

fn seed() -> u64 {
    let seed = std::env::var("DEALERCTL_RACE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("race seed {seed} (replay with DEALERCTL_RACE_SEED={seed})");
    seed
}

on_both_backends! {
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_capacity_operations_leave_every_count_exact() {
    let mut rng = StdRng::seed_from_u64(seed());
    let app = TestApp::start().await;
    // Two distributors, each with two sub-distributors of three resellers, all with tight packages.
    let mut resellers: Vec<(String, String)> = Vec::new(); // (reseller, its distributor)
    let mut subs: Vec<(String, ApiClient)> = Vec::new();
    let mut dists: Vec<(String, ApiClient)> = Vec::new();
    for _ in 0..2 {
        let d = app.dealer(&app.provider_id, Level::Distributor, 400).await;
        for _ in 0..2 {
            let s = app.dealer(&d.id, Level::SubDistributor, 150).await;
            for _ in 0..3 {
                resellers.push((app.dealer(&s.id, Level::Reseller, 40).await.id.to_string(), d.id.to_string()));
            }
            subs.push((s.id.to_string(), app.dealer_admin(&s.id).await.1));
        }
        dists.push((d.id.to_string(), app.dealer_admin(&d.id).await.1));
    }
    let admin_of_dist: HashMap<String, ApiClient> = dists.iter().cloned().collect();
    let mut tenants = Vec::new();
    for i in 0..48 {
        let (r, _) = &resellers[i % resellers.len()];
        tenants.push(app.tenant(r, 1 + (i % 4) as i64).await);
    }
    // The storm: every operation picked up front from the seed, then all sent at once.
    let mut ops = Vec::new();
    for n in 0..300 {
        let kind = rng.random_range(0..5);
        let admin = app.admin.clone();
        let (reseller, dist) = resellers[rng.random_range(0..resellers.len())].clone();
        let tenant = tenants[rng.random_range(0..tenants.len())].clone();
        let (sub, sub_admin) = subs[rng.random_range(0..subs.len())].clone();
        let dist_admin = admin_of_dist[&dist].clone();
        let siblings: Vec<String> =
            resellers.iter().filter(|(_, d)| *d == dist).map(|(r, _)| r.clone()).collect();
        let to = siblings[rng.random_range(0..siblings.len())].clone();
        let ext = rng.random_range(1..9);
        let size = rng.random_range(5..60);
        ops.push(tokio::spawn(async move {
            let r: Result<(), ClientError> = match kind {
                0 => admin
                    .create_tenant(&NewTenant {
                        dealer_id: reseller.into(),
                        name: format!("storm {n}"),
                        domain: format!("storm{n}.race.example"),
                        extensions: ext,
                        concurrent_calls: ext,
                        ..NewTenant::default()
                    })
                    .await
                    .map(drop),
                1 => admin.delete_tenant(&tenant.id, None).await,
                2 => dist_admin
                    .move_tenant(&tenant.id, &TenantMove { to_dealer_id: to.into(), rate_card_id: None, dry_run: false })
                    .await
                    .map(drop),
                3 => {
                    // A sub-distributor raises or cuts one of its resellers.
                    let mine = admin
                        .list_dealers(&DealerFilter { parent_id: Some(sub.clone().into()), ..DealerFilter::default() }, &PageParams::default())
                        .await;
                    match mine {
                        Ok(list) => match list.items.first() {
                            Some(r) => sub_admin.set_package(&r.id, None, &package(size)).await.map(drop),
                            None => Ok(()),
                        },
                        Err(e) => Err(e),
                    }
                }
                _ => sub_admin
                    .create_dealer(&NewDealer {
                        parent_id: sub.into(),
                        level: Level::Reseller,
                        name: format!("Storm reseller {n}"),
                        package: Some(package(size / 5)),
                        ..NewDealer::default()
                    })
                    .await
                    .map(drop),
            };
            match r {
                Ok(()) => true,
                Err(e) => {
                    assert!(
                        e.code().is_some_and(|c| EXPECTED.contains(&c)) && e.status().is_some_and(|s| s < 500),
                        "operation {n} ({kind}) failed unexpectedly: {e:?}"
                    );
                    false
                }
            }
        }));
    }
    let mut accepted = 0;
    for op in ops {
        accepted += op.await.unwrap() as usize;
    }
    assert!(accepted > 50, "only {accepted} operations went through");

    // The recount: every dealer's report against the rows listed.
    let (dealers, tenants) = every_dealer_and_tenant(&app.admin).await;
    for d in &dealers {
        let cap = app.admin.capacity(&d.id).await.unwrap();
        let own: Vec<&Tenant> = tenants.iter().filter(|t| t.dealer_id == d.id).collect();
        let children: Vec<&Dealer> = dealers.iter().filter(|c| c.parent_id.as_deref() == Some(d.id.as_str())).collect();
        let carved = |f: fn(&Package) -> Option<i64>| children.iter().map(|c| f(&c.package).unwrap_or(0)).sum::<i64>();
        let checks = [
            ("tenants", cap.max_tenants, own.len() as i64, carved(|p| p.max_tenants)),
            ("extensions", cap.extensions, own.iter().map(|t| t.extensions).sum(), carved(|p| p.extensions)),
            ("calls", cap.concurrent_calls, own.iter().map(|t| t.concurrent_calls).sum(), carved(|p| p.concurrent_calls)),
        ];
        for (what, usage, used, allocated) in checks {
            assert_eq!((usage.used, usage.allocated), (used, allocated), "{what} of {}", d.name);
            if let (Some(pkg), Some(free)) = (usage.package, usage.free) {
                assert!(free >= 0 && used + allocated <= pkg, "{what} of {} over-committed: {usage:?}", d.name);
            }
        }
    }
    app.assert_counters_exact().await;
    let store = SqlStore::connect(&app.config.database, PlatformPolicy::default()).await.unwrap();
    assert_eq!(store.violations().await.unwrap(), Vec::<String>::new());
    store.close().await;
    println!("{accepted} of 300 racing operations accepted; {} dealers recounted", dealers.len());
}
}

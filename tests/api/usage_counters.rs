//! Per-dealer usage counters: every change that moves usage keeps them equal to a full recount,
//! and the capacity roll-up read from them says what the tenants use.

use crate::helpers::*;
use dealerctl::domain::policy::PlatformPolicy;
use dealerctl::model::*;
use dealerctl::server::store::SqlStore;

/// A tenant of `dealer` with these extensions and recording minutes.
async fn tenant(app: &TestApp, dealer: &str, extensions: i64, recording: i64) -> Tenant {
    let name = app.unique("counted");
    app.admin
        .create_tenant(&NewTenant {
            dealer_id: dealer.into(),
            name: name.clone(),
            domain: format!("{name}.pbx.example"),
            extensions,
            concurrent_calls: 1,
            recording_minutes: recording,
            ..NewTenant::default()
        })
        .await
        .expect("tenant created")
}

/// Asserts that the capacity of every dealer says what its tenants use, own and whole subtree,
/// counted here from the lists, and that the counters equal the store's own recount.
async fn roll_ups_match(app: &TestApp) {
    let (dealers, tenants) = every_dealer_and_tenant(&app.admin).await;
    let free = PlatformPolicy::default().free_recording_minutes_per_tenant;
    let parent: std::collections::HashMap<&str, Option<&str>> = dealers
        .iter()
        .map(|d| (d.id.as_str(), d.parent_id.as_deref()))
        .collect();
    let under = |t: &Tenant, ancestor: &str| {
        let mut at = Some(t.dealer_id.as_str());
        while let Some(d) = at {
            if d == ancestor {
                return true;
            }
            at = parent.get(d).copied().flatten();
        }
        false
    };
    for d in &dealers {
        let cap = app.admin.capacity(&d.id).await.unwrap();
        let own: Vec<&Tenant> = tenants.iter().filter(|t| t.dealer_id == d.id).collect();
        let all: Vec<&Tenant> = tenants.iter().filter(|t| under(t, &d.id)).collect();
        let sums = |ts: &[&Tenant]| {
            (
                ts.len() as i64,
                ts.iter().map(|t| t.extensions).sum::<i64>(),
                ts.iter().map(|t| t.concurrent_calls).sum::<i64>(),
                ts.iter()
                    .map(|t| (t.recording_minutes - free).max(0))
                    .sum::<i64>(),
            )
        };
        let read = |f: fn(&Capacity) -> DimensionUsage| {
            let u = f(&cap);
            (u.used, u.subtree_used)
        };
        let (t, e, c, r) = (
            read(|c| c.max_tenants),
            read(|c| c.extensions),
            read(|c| c.concurrent_calls),
            read(|c| c.recording_minutes),
        );
        assert_eq!((t.0, e.0, c.0, r.0), sums(&own), "own use of {}", d.name);
        assert_eq!(
            (t.1, e.1, c.1, r.1),
            sums(&all),
            "subtree use of {}",
            d.name
        );
    }
    app.assert_counters_exact().await;
}

on_both_backends! {
#[tokio::test]
async fn creates_resizes_moves_and_deletes_keep_the_counters_exact() {
    let app = TestApp::start().await;
    // Two distributors, so that a move crosses both chains of ancestors.
    let d1 = app.dealer(&app.provider_id, Level::Distributor, 5000).await;
    let d2 = app.dealer(&app.provider_id, Level::Distributor, 5000).await;
    let s1 = app.dealer(&d1.id, Level::SubDistributor, 2000).await;
    let r1 = app.dealer(&s1.id, Level::Reseller, 1000).await;
    let r2 = app.dealer(&d1.id, Level::Reseller, 1000).await;
    let r3 = app.dealer(&d2.id, Level::Reseller, 1000).await;
    roll_ups_match(&app).await;

    let a = tenant(&app, &r1.id, 10, 700).await;
    let b = tenant(&app, &r1.id, 5, 100).await;
    let c = tenant(&app, &r2.id, 7, 900).await;
    let _own = tenant(&app, &d1.id, 3, 501).await;
    roll_ups_match(&app).await;

    // A resize, across the free recording allowance both ways.
    let a = app
        .admin
        .update_tenant(
            &a.id,
            Some(a.version),
            &TenantPatch {
                extensions: Some(12),
                recording_minutes: Some(400),
                ..TenantPatch::default()
            },
        )
        .await
        .unwrap();
    app.admin
        .update_tenant(
            &b.id,
            Some(b.version),
            &TenantPatch {
                recording_minutes: Some(800),
                ..TenantPatch::default()
            },
        )
        .await
        .unwrap();
    roll_ups_match(&app).await;

    // Moves: within one distributor, then to the other one.
    let to = |dealer: &Dealer| TenantMove {
        to_dealer_id: dealer.id.clone(),
        rate_card_id: None,
        dry_run: false,
    };
    let plan = app.admin.move_tenant(&a.id, &to(&r2)).await.unwrap();
    assert!(plan.executed, "{:?}", plan.blockers);
    roll_ups_match(&app).await;
    let plan = app.admin.move_tenant(&c.id, &to(&r3)).await.unwrap();
    assert!(plan.executed, "{:?}", plan.blockers);
    let plan = app.admin.move_tenant(&a.id, &to(&r3)).await.unwrap();
    assert!(plan.executed, "{:?}", plan.blockers);
    roll_ups_match(&app).await;

    // Deletes: a tenant, then a dealer emptied by the moves, then a new dealer with no tenant.
    let b = app.admin.get_tenant(&b.id).await.unwrap();
    app.admin.delete_tenant(&b.id, Some(b.version)).await.unwrap();
    roll_ups_match(&app).await;
    let r2 = app.admin.get_dealer(&r2.id).await.unwrap();
    app.admin.delete_dealer(&r2.id, Some(r2.version)).await.unwrap();
    let empty = app.dealer(&s1.id, Level::Reseller, 10).await;
    app.admin.delete_dealer(&empty.id, Some(empty.version)).await.unwrap();
    roll_ups_match(&app).await;
}
}

on_both_backends! {
#[tokio::test]
async fn a_recount_finds_a_wrong_counter_and_fix_rewrites_it() {
    let app = TestApp::start().await;
    let r = app.dealer(&app.provider_id, Level::Reseller, 1000).await;
    tenant(&app, &r.id, 4, 650).await;
    app.assert_counters_exact().await;
    let store = SqlStore::connect(&app.config.database, app.config.policy).await.unwrap();
    // Spoil one counter behind the store's back.
    let pool = sqlx::AnyPool::connect(&app.config.database).await.unwrap();
    sqlx::query(&format!(
        "UPDATE dealer_usage SET sub_extensions = sub_extensions + 3 WHERE dealer_id = '{}'",
        app.provider_id
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let drift = store.usage_drift().await.unwrap();
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert_eq!(drift[0].dealer_id, app.provider_id);
    let (own, sub) = drift[0].stored.unwrap();
    assert_eq!((own.extensions, sub.extensions), (0, 7));
    assert_eq!(drift[0].counted.1.extensions, 4);
    assert_eq!(store.violations().await.unwrap().len(), 1);
    let fixed = store.fix_usage().await.unwrap();
    assert_eq!(fixed, drift);
    assert!(store.usage_drift().await.unwrap().is_empty());
    store.close().await;
    app.assert_counters_exact().await;
}
}

on_both_backends! {
#[tokio::test]
async fn a_store_opened_with_another_free_allowance_recounts_recording() {
    let app = TestApp::start().await;
    let r = app.dealer(&app.provider_id, Level::Reseller, 1000).await;
    tenant(&app, &r.id, 1, 650).await;
    let before = app.admin.capacity(&r.id).await.unwrap();
    assert_eq!(before.recording_minutes.used, 150);
    // Counted with 500 free minutes; a store with 100 recounts them all when it opens.
    let policy = PlatformPolicy {
        free_recording_minutes_per_tenant: 100,
        ..PlatformPolicy::default()
    };
    let store = SqlStore::connect(&app.config.database, policy).await.unwrap();
    assert!(store.usage_drift().await.unwrap().is_empty());
    store.close().await;
    // The running server still counts with 500: opening its store again puts that back.
    let store = SqlStore::connect(&app.config.database, app.config.policy).await.unwrap();
    assert!(store.usage_drift().await.unwrap().is_empty());
    store.close().await;
    assert_eq!(app.admin.capacity(&r.id).await.unwrap(), before);
}
}

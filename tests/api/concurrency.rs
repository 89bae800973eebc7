//! Hundreds of simultaneous capacity operations at one dealer never over-commit it, and every
//! accepted request is stored.

use crate::helpers::*;
use dealerctl::model::*;
use futures::future::join_all;

on_both_backends! {
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_creations_and_raises_never_over_commit() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 2000).await;
    let mut children = Vec::new();
    for _ in 0..20 {
        children.push(
            app.admin
                .create_dealer(&NewDealer {
                    parent_id: dist.id.clone(),
                    level: Level::Reseller,
                    name: app.unique("Child "),
                    package: Some(package(0)),
                    ..NewDealer::default()
                })
                .await
                .unwrap(),
        );
    }
    // 180 tenants of 10 extensions (1,800) and 20 raises of 100 (2,000) against 2,000 in all.
    let creations = (0..180).map(|i| {
        let c = app.admin.clone();
        let d = dist.id.clone();
        async move {
            c.create_tenant(&NewTenant {
                dealer_id: d,
                name: format!("race{i}"),
                domain: format!("race{i}.pbx.example"),
                extensions: 10,
                ..NewTenant::default()
            })
            .await
        }
    });
    let raises = children.iter().map(|child| {
        let c = app.admin.clone();
        let id = child.id.clone();
        async move { c.set_package(&id, None, &package(100)).await }
    });
    let (created, raised) = tokio::join!(join_all(creations), join_all(raises));

    let mut accepted_tenants = Vec::new();
    for r in created {
        match r {
            Ok(t) => accepted_tenants.push(t.id),
            Err(e) => assert_eq!(e.code(), Some("capacity_exceeded"), "{e:?}"),
        }
    }
    let mut accepted_raises = 0;
    for (r, child) in raised.into_iter().zip(&children) {
        let stored = app.admin.get_dealer(&child.id).await.unwrap().package;
        match r {
            Ok(_) => {
                accepted_raises += 1;
                assert_eq!(stored, package(100), "an accepted raise is stored");
            }
            Err(e) => {
                assert_eq!(e.code(), Some("capacity_exceeded"), "{e:?}");
                assert_eq!(stored, package(0), "a refused raise changes nothing");
            }
        }
    }
    let cap = app.admin.capacity(&dist.id).await.unwrap();
    for (name, d) in [
        ("max_tenants", cap.max_tenants),
        ("extensions", cap.extensions),
        ("concurrent_calls", cap.concurrent_calls),
        ("recording_minutes", cap.recording_minutes),
    ] {
        assert!(
            d.allocated + d.used <= d.package.unwrap(),
            "{name} over-committed: {d:?}"
        );
    }
    assert_eq!(cap.extensions.used, 10 * accepted_tenants.len() as i64);
    assert_eq!(cap.extensions.allocated, 100 * accepted_raises);
    let stored = app
        .admin
        .list_tenants(
            &TenantFilter {
                dealer_id: Some(dist.id.clone()),
                ..TenantFilter::default()
            },
            &PageParams {
                limit: Some(1000),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(stored.total as usize, accepted_tenants.len());
    for id in &accepted_tenants {
        assert!(stored.items.iter().any(|t| &t.id == id));
    }
    assert!(
        accepted_tenants.len() + accepted_raises as usize > 0
            && (accepted_tenants.len() < 180 || accepted_raises < 20),
        "the race was real: something was refused"
    );
    assert_eq!(
        cap.extensions.free,
        Some(2000 - 10 * accepted_tenants.len() as i64 - 100 * accepted_raises)
    );
}
}

on_both_backends! {
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_edits_with_one_version_let_exactly_one_through() {
    let app = TestApp::start().await;
    let reseller = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (user, _) = app.dealer_admin(&reseller.id).await;
    // As it is now (activation changed it since it was invited).
    let user = app.admin.get_user(&user.id).await.unwrap();
    let group = app.group(&reseller.id, "dealer_admin").await;
    let edits = (0..20).map(|i| {
        let admin = app.admin.clone();
        let (user_id, version) = (user.id.clone(), user.version);
        let (group_id, group_version) = (group.id.clone(), group.version);
        async move {
            let u = admin
                .update_user(&user_id, Some(version), &UserPatch { display_name: Some(format!("Name {i}")), ..UserPatch::default() })
                .await;
            let g = admin
                .update_group(&group_id, Some(group_version), &GroupPatch { name: Some(format!("Edited group {i}")), ..GroupPatch::default() })
                .await;
            (u, g)
        }
    });
    let results = join_all(edits).await;
    let users_ok = results.iter().filter(|(u, _)| u.is_ok()).count();
    let groups_ok = results.iter().filter(|(_, g)| g.is_ok()).count();
    assert_eq!((users_ok, groups_ok), (1, 1));
    for (u, g) in &results {
        for e in [u.as_ref().err(), g.as_ref().err()].into_iter().flatten() {
            assert_eq!((e.status(), e.code()), (Some(412), Some("version_mismatch")), "{e:?}");
        }
    }
    let stored = app.admin.get_user(&user.id).await.unwrap();
    assert_eq!(stored.version, user.version + 1);
}
}

//! Tenants: allocations against the owning dealer's package and the platform policy.

use crate::helpers::*;
use dealerctl::model::*;

fn tenant(dealer: &str, name: &str, extensions: i64, recording: i64) -> NewTenant {
    NewTenant {
        dealer_id: dealer.into(),
        name: name.into(),
        domain: format!("{}.pbx.example", name.to_lowercase()),
        extensions,
        recording_minutes: recording,
        ..NewTenant::default()
    }
}

on_both_backends! {
#[tokio::test]
async fn the_platform_policy_and_the_dealer_minimum_bind_every_tenant() {
    let app = TestApp::start().await;
    let mut p = package(2000);
    p.min_extensions_per_tenant = 5;
    let res = app
        .admin
        .create_dealer(&NewDealer {
            parent_id: app.provider_id.clone().into(),
            level: Level::Reseller,
            name: "R".into(),
            package: Some(p),
            ..NewDealer::default()
        })
        .await
        .unwrap();
    let e = expect_err(
        app.admin
            .create_tenant(&tenant(&res.id, "big", 501, 0))
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("extensions"));
    let e = expect_err(
        app.admin
            .create_tenant(&tenant(&res.id, "small", 4, 0))
            .await,
        422,
        "invalid_field",
    );
    assert!(e.to_string().contains("at least 5"), "{e}");
    // 500 recording minutes per tenant are free: 700 asked costs 200 of the package.
    app.admin
        .create_tenant(&tenant(&res.id, "rec", 500, 700))
        .await
        .unwrap();
    let cap = app.admin.capacity(&res.id).await.unwrap();
    assert_eq!(
        (cap.recording_minutes.used, cap.extensions.used),
        (200, 500)
    );
    // Domains are global and case-insensitive.
    let mut dup = tenant(&res.id, "other", 5, 0);
    dup.domain = "REC.pbx.example".into();
    expect_err(app.admin.create_tenant(&dup).await, 409, "domain_taken");
}
}

on_both_backends! {
#[tokio::test]
async fn tenant_changes_are_checked_and_versioned() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let t = app.tenant(&res.id, 60).await;
    let e = expect_err(
        app.admin
            .update_tenant(
                &t.id,
                Some(t.version),
                &TenantPatch {
                    extensions: Some(101),
                    ..TenantPatch::default()
                },
            )
            .await,
        409,
        "capacity_exceeded",
    );
    assert_eq!(
        (
            e.details().unwrap()["asked"].as_i64(),
            e.details().unwrap()["free"].as_i64()
        ),
        (Some(41), Some(40))
    );
    let t2 = app
        .admin
        .update_tenant(
            &t.id,
            Some(t.version),
            &TenantPatch {
                extensions: Some(100),
                ..TenantPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((t2.extensions, t2.version), (100, t.version + 1));
    // A stale If-Match is 412 and changes nothing.
    let r = app
        .admin
        .update_tenant(
            &t.id,
            Some(t.version),
            &TenantPatch {
                name: Some("stale".into()),
                ..TenantPatch::default()
            },
        )
        .await;
    let e = expect_err(r, 412, "version_mismatch");
    assert_eq!(
        e.details().unwrap()["current_version"].as_i64(),
        Some(t2.version)
    );
    assert_eq!(app.admin.get_tenant(&t.id).await.unwrap().name, t2.name);
    // Suspend and resume.
    assert!(
        !app.admin
            .suspend_tenant(&t.id)
            .await
            .unwrap()
            .effective_enabled
    );
    assert!(
        app.admin
            .resume_tenant(&t.id)
            .await
            .unwrap()
            .effective_enabled
    );
}
}

on_both_backends! {
#[tokio::test]
async fn lists_page_with_cursors_and_filter_by_text() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 1000).await;
    for _ in 0..7 {
        app.tenant(&res.id, 1).await;
    }
    let f = TenantFilter {
        dealer_id: Some(res.id.clone()),
        ..TenantFilter::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let p = app
            .admin
            .list_tenants(
                &f,
                &PageParams {
                    limit: Some(3),
                    cursor: cursor.clone(),
                    q: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(p.total, 7);
        seen.extend(p.items.into_iter().map(|t| t.name));
        cursor = p.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!((seen.len(), sorted), (7, seen.clone()));
    let q = app
        .admin
        .list_tenants(
            &f,
            &PageParams {
                q: Some(seen[2].to_uppercase()),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(q.items.len(), 1);
    let r = app
        .admin
        .list_tenants(
            &f,
            &PageParams {
                cursor: Some("garbage".into()),
                ..PageParams::default()
            },
        )
        .await;
    expect_err(r, 422, "invalid_field");
    let r = app
        .admin
        .list_tenants(
            &f,
            &PageParams {
                limit: Some(5000),
                ..PageParams::default()
            },
        )
        .await;
    expect_err(r, 400, "bad_request");
}
}

on_both_backends! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_and_narrow_scopes_page_through_every_tenant_once_in_order() {
    // 45,000 tenants, 22,500 under each distributor: more than a wide scope's threshold, so each
    // distributor's pages are read by walking the name order and checking each row against its
    // scope; each sub-distributor's 11,250 by walking its dealers. Every way must list exactly
    // the tenants of the scope.
    let app = TestApp::start().await;
    let shape = dealerctl::server::store::Shape { distributors: 2, sub_distributors: 4, resellers: 20, tenants: 45_000 };
    dealerctl::server::tools::generate(&app.config, shape).await.unwrap();
    let read_all = |client: dealerctl::client::ApiClient| async move {
        let first = client.list_tenants(&TenantFilter::default(), &page()).await.unwrap();
        let all = crate::paging::every_page(|p| { let c = client.clone(); async move { c.list_tenants(&TenantFilter::default(), &p).await } }).await.unwrap();
        let keys: Vec<(String, String)> = all.into_iter().map(|t| (t.name, t.id.into_string())).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "in order, each once");
        assert_eq!(keys.len() as i64, first.total);
        keys
    };
    let everything = read_all(app.admin.clone()).await;
    assert_eq!(everything.len(), 45_000);
    for level in [Level::Distributor, Level::SubDistributor] {
        let dealers = app.admin.list_dealers(&DealerFilter { level: Some(level), ..DealerFilter::default() }, &page()).await.unwrap().items;
        let mut union = Vec::new();
        for d in dealers {
            let (_, client) = app.dealer_admin(&d.id).await;
            union.extend(read_all(client).await);
        }
        union.sort();
        assert_eq!(union, everything, "the {level:?} scopes");
    }
}
}

//! The audit trail: every change and sign-in, before and after, readable within scope.

use crate::helpers::*;
use dealerctl::model::*;

on_both_backends! {
#[tokio::test]
async fn changes_are_recorded_with_before_and_after() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let updated = app
        .admin
        .update_dealer(
            &res.id,
            Some(res.version),
            &DealerPatch {
                display_name: Some("Renamed".into()),
                ..DealerPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.version, res.version + 1);
    let f = AuditFilter {
        object_id: Some(res.id.to_string()),
        ..AuditFilter::default()
    };
    let events = app.admin.audit(&f, &page()).await.unwrap();
    let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["dealer.update", "dealer.create"], "newest first");
    let upd = &events.items[0];
    assert_eq!(
        upd.before.as_ref().unwrap()["display_name"],
        res.display_name.as_str()
    );
    assert_eq!(upd.after.as_ref().unwrap()["display_name"], "Renamed");
    assert_eq!(upd.actor_email.as_deref(), Some(ADMIN_EMAIL));
    assert_eq!(upd.client_addr.as_deref(), Some("127.0.0.1"));
    assert!(upd.request_id.as_deref().is_some_and(|r| !r.is_empty()));
    assert!(events.items[1].before.is_none());
}
}

on_both_backends! {
#[tokio::test]
async fn sign_ins_and_failures_are_recorded_and_the_trail_is_scoped() {
    let app = TestApp::start().await;
    let a = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let b = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let (a_user, a_client) = app.dealer_admin(&a.id).await;
    let _ = app.anon().login(&a_user.email, "wrong password here").await;
    let tb = app.tenant(&b.id, 5).await;
    let ta = app.tenant(&a.id, 5).await;

    let mine = a_client
        .audit(
            &AuditFilter::default(),
            &PageParams {
                limit: Some(1000),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<&str> = mine.items.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "auth.sign_in",
        "auth.sign_in_failed",
        "auth.set_password",
        "user.create",
        "tenant.create",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    assert!(
        mine.items
            .iter()
            .any(|e| e.object_id.as_deref() == Some(ta.id.as_str()))
    );
    assert!(
        mine.items
            .iter()
            .all(|e| e.object_id.as_deref() != Some(tb.id.as_str())),
        "b's events are out of a's scope"
    );
    assert!(
        mine.items
            .iter()
            .all(|e| e.object_id.as_deref() != Some(b.id.as_str()))
    );
    // The provider sees both.
    let all = app
        .admin
        .audit(
            &AuditFilter {
                object_type: Some("tenant".into()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    // Events of a deleted dealer stay visible above it.
    app.admin.delete_tenant(&tb.id, None).await.unwrap();
    app.admin.delete_dealer(&b.id, None).await.unwrap();
    let gone = app
        .admin
        .audit(
            &AuditFilter {
                object_id: Some(b.id.to_string()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(
        gone.items
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["dealer.delete", "dealer.create"]
    );
    // Audit needs audit:read.
    let g = app.group(&a.id, "default_reseller").await;
    let (_, staff) = app.user(&a.id, vec![g.id.to_string()]).await;
    expect_err(
        staff.audit(&AuditFilter::default(), &page()).await,
        403,
        "forbidden",
    );
}
}

on_both_backends! {
#[tokio::test]
async fn the_trail_narrows_to_a_dealer_subtree_inside_the_callers_only() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    let below = app.dealer(&dist.id, Level::Reseller, 50).await;
    let other = app.dealer(&app.provider_id, Level::Reseller, 50).await;
    let deep = app.tenant(&below.id, 5).await;
    let outside = app.tenant(&other.id, 5).await;
    let everything = PageParams {
        limit: Some(1000),
        ..PageParams::default()
    };

    let f = AuditFilter {
        dealer_id: Some(dist.id.clone()),
        ..AuditFilter::default()
    };
    let events = app.admin.audit(&f, &everything).await.unwrap();
    let objects: Vec<&str> = events.items.iter().filter_map(|e| e.object_id.as_deref()).collect();
    assert!(objects.contains(&deep.id.as_str()), "{objects:?}");
    assert!(objects.contains(&below.id.as_str()), "{objects:?}");
    assert!(!objects.contains(&outside.id.as_str()), "{objects:?}");
    assert!(!objects.contains(&other.id.as_str()), "{objects:?}");

    // A dealer outside the caller's own subtree is as missing as one that never existed.
    let (_, reseller) = app.dealer_admin(&below.id).await;
    for id in [other.id.clone(), dist.id.clone(), DealerId::from("dlr_nope")] {
        let f = AuditFilter {
            dealer_id: Some(id),
            ..AuditFilter::default()
        };
        expect_err(reseller.audit(&f, &everything).await, 404, "not_found");
    }
}
}

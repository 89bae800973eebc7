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

/// The newest event of `object_id` with `action`.
async fn event_of(app: &TestApp, object_id: &str, action: &str) -> AuditEvent {
    let f = AuditFilter {
        object_id: Some(object_id.into()),
        action: Some(action.into()),
        ..AuditFilter::default()
    };
    let events = app.admin.audit(&f, &page()).await.unwrap();
    events.items.into_iter().next().expect("an event")
}

on_both_backends! {
#[tokio::test]
async fn events_record_the_names_beside_the_ids_as_they_were() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let t = app.tenant(&res.id, 1).await;
    let created = event_of(&app, &t.id, "tenant.create").await;
    let after = created.after.unwrap();
    assert_eq!(
        (after["dealer_id"].as_str(), after["dealer_name"].as_str()),
        (Some(res.id.as_str()), Some(res.name.as_str()))
    );
    // The parent lies above the new dealer, which reads this event: it stays unnamed.
    let dealer = event_of(&app, &res.id, "dealer.create").await.after.unwrap();
    assert!(dealer.get("parent_name").is_none(), "{dealer}");
    // A login's groups by name, before and after; the name as it was when recorded.
    let a = app.group(&res.id, "default_reseller").await;
    let b = app.group(&res.id, "auditor").await;
    let (user, _) = app.user(&res.id, vec![a.id.to_string()]).await;
    let user = app.admin.get_user(&user.id).await.unwrap();
    app.admin
        .update_user(
            &user.id,
            Some(user.version),
            &UserPatch {
                group_ids: Some(vec![b.id.clone()]),
                ..UserPatch::default()
            },
        )
        .await
        .unwrap();
    app.admin
        .update_group(
            &a.id,
            None,
            &GroupPatch {
                name: Some("Renamed later".into()),
                ..GroupPatch::default()
            },
        )
        .await
        .unwrap();
    let changed = event_of(&app, &user.id, "user.update").await;
    let (before, after) = (changed.before.unwrap(), changed.after.unwrap());
    assert_eq!(before["group_ids"], serde_json::json!([a.id]));
    assert_eq!(before["group_names"], serde_json::json!([a.name]));
    assert_eq!(after["group_names"], serde_json::json!([b.name]));
    assert_eq!(after["dealer_name"], res.name.as_str());
}
}

on_both_backends! {
#[tokio::test]
async fn group_events_record_the_permissions_given_and_changed() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    // From a template: the permissions it gave are on the record, not just the template's key.
    let g = app.group(&res.id, "auditor").await;
    assert!(!g.permissions.is_empty());
    let created = event_of(&app, &g.id, "group.create").await.after.unwrap();
    assert_eq!(created["permissions"], serde_json::json!(g.permissions));
    assert_eq!(created["dealer_name"], res.name.as_str());
    let fewer: Vec<Permission> = g.permissions[1..].to_vec();
    app.admin
        .update_group(
            &g.id,
            None,
            &GroupPatch {
                permissions: Some(fewer.clone()),
                ..GroupPatch::default()
            },
        )
        .await
        .unwrap();
    let updated = event_of(&app, &g.id, "group.update").await;
    assert_eq!(
        updated.before.unwrap()["permissions"],
        serde_json::json!(g.permissions)
    );
    assert_eq!(updated.after.unwrap()["permissions"], serde_json::json!(fewer));
}
}

on_both_backends! {
#[tokio::test]
async fn the_trails_q_matches_the_status_an_event_left_its_object_in() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let g = app.group(&res.id, "default_reseller").await;
    let (user, _) = app.user(&res.id, vec![g.id.to_string()]).await;
    let user = app.admin.get_user(&user.id).await.unwrap();
    app.admin
        .update_user(
            &user.id,
            Some(user.version),
            &UserPatch {
                enabled: Some(false),
                ..UserPatch::default()
            },
        )
        .await
        .unwrap();
    let found = app
        .admin
        .audit(
            &AuditFilter::default(),
            &PageParams {
                q: Some("disabled".into()),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    let ids: Vec<(&str, Option<&str>)> = found
        .items
        .iter()
        .map(|e| (e.action.as_str(), e.object_id.as_deref()))
        .collect();
    assert_eq!(ids, [("user.update", Some(user.id.as_str()))], "{ids:?}");
}
}

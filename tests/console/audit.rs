//! The Audit tab's event popup in words, and its `/` over the status an event left.

use crate::harness::Console;
use dealerctl::client::ApiClient;
use dealerctl::model::*;

const W: u16 = 110;
const H: u16 = 40;

async fn dealer_named(api: &ApiClient, name: &str) -> Dealer {
    let all = PageParams {
        limit: Some(200),
        ..PageParams::default()
    };
    let dealers = api
        .list_dealers(&DealerFilter::default(), &all)
        .await
        .unwrap();
    dealers.items.into_iter().find(|d| d.name == name).unwrap()
}

#[tokio::test]
async fn an_audit_event_reads_with_names_beside_ids_and_permissions_added_and_removed() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let api = c.client_as("admin@acme.example").await;
    let riverside = dealer_named(&api, "Riverside Resell").await;
    api.create_tenant(&NewTenant {
        dealer_id: riverside.id.clone(),
        name: "Audit Probe".into(),
        domain: "audit-probe.pbx.example".into(),
        extensions: 1,
        ..NewTenant::default()
    })
    .await
    .unwrap();
    c.keys("7").await;
    c.keys(":audit action=tenant.create<enter>").await;
    c.keys("<enter>").await;
    let detail = c.screen(W, H);
    assert!(
        detail.contains(&format!("+ dealer_id: Riverside Resell ({})", riverside.id))
            && !detail.contains("dealer_name"),
        "{detail}"
    );
    c.keys("x").await;
    // A group from a template: every permission it got is on screen, wrapped, none cut off.
    let group = api
        .create_group(&NewGroup {
            dealer_id: riverside.id.clone(),
            name: "Audit probe admins".into(),
            template: Some("dealer_admin".into()),
            ..NewGroup::default()
        })
        .await
        .unwrap();
    c.keys(":audit action=group.create<enter>").await;
    c.keys("<enter>").await;
    let detail = c.screen(W, H);
    for p in &group.permissions {
        assert!(detail.contains(&p.to_string()), "{p}:\n{detail}");
    }
    c.keys("x").await;
    // Taking permissions away reads as what was removed, nothing added.
    let kept: Vec<Permission> = group
        .permissions
        .iter()
        .filter(|p| !matches!(p.to_string().as_str(), "audit:read" | "impersonate"))
        .cloned()
        .collect();
    api.update_group(
        &group.id,
        None,
        &GroupPatch {
            permissions: Some(kept),
            ..GroupPatch::default()
        },
    )
    .await
    .unwrap();
    c.keys(":audit action=group.update<enter>").await;
    c.keys("<enter>").await;
    let detail = c.screen(W, H);
    assert!(
        detail.contains("- permissions: audit:read, impersonate")
            && !detail.contains("+ permissions"),
        "{detail}"
    );
}

#[tokio::test]
async fn the_audit_tabs_filter_finds_the_status_an_event_left() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let api = c.client_as("admin@acme.example").await;
    let all = PageParams {
        limit: Some(200),
        ..PageParams::default()
    };
    let users = api.list_users(&UserFilter::default(), &all).await.unwrap();
    let staff = users
        .items
        .into_iter()
        .find(|u| u.email == "staff@riverside.example")
        .unwrap();
    api.update_user(
        &staff.id,
        Some(staff.version),
        &UserPatch {
            enabled: Some(false),
            ..UserPatch::default()
        },
    )
    .await
    .unwrap();
    c.keys("7").await;
    c.keys("/disabled").await;
    let audit = &c.app.audit;
    let first = audit.view.first().map(|i| &audit.items[*i]);
    assert_eq!(
        first.map(|e| (e.action.as_str(), e.object_id.as_deref())),
        Some(("user.update", Some(staff.id.as_str()))),
        "the disabling is the best match:\n{}",
        c.screen(W, H)
    );
}

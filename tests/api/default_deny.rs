//! Default deny and no escalation.

use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::model::*;

/// Every call a signed-in user could make, by name, with a real id where one is needed.
async fn every_call(
    c: &ApiClient,
    dealer: &str,
    tenant: &str,
    user: &str,
    group: &str,
) -> Vec<(&'static str, Option<u16>)> {
    let p = page();
    vec![
        (
            "list dealers",
            c.list_dealers(&DealerFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get dealer",
            c.get_dealer(dealer).await.err().and_then(|e| e.status()),
        ),
        (
            "create dealer",
            c.create_dealer(&NewDealer {
                parent_id: dealer.into(),
                level: Level::Reseller,
                name: "x".into(),
                ..NewDealer::default()
            })
            .await
            .err()
            .and_then(|e| e.status()),
        ),
        (
            "update dealer",
            c.update_dealer(dealer, None, &DealerPatch::default())
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "capacity",
            c.capacity(dealer).await.err().and_then(|e| e.status()),
        ),
        ("tree", c.tree(None, 1).await.err().and_then(|e| e.status())),
        (
            "list tenants",
            c.list_tenants(&TenantFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get tenant",
            c.get_tenant(tenant).await.err().and_then(|e| e.status()),
        ),
        (
            "create tenant",
            c.create_tenant(&NewTenant {
                dealer_id: dealer.into(),
                name: "x".into(),
                domain: "x.pbx.example".into(),
                ..NewTenant::default()
            })
            .await
            .err()
            .and_then(|e| e.status()),
        ),
        (
            "suspend tenant",
            c.suspend_tenant(tenant)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "delete tenant",
            c.delete_tenant(tenant, None)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "list users",
            c.list_users(&UserFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get user",
            c.get_user(user).await.err().and_then(|e| e.status()),
        ),
        (
            "reset password",
            c.reset_password(user).await.err().and_then(|e| e.status()),
        ),
        (
            "list groups",
            c.list_groups(&GroupFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get group",
            c.get_group(group).await.err().and_then(|e| e.status()),
        ),
        (
            "create group",
            c.create_group(&NewGroup {
                dealer_id: dealer.into(),
                name: "x".into(),
                ..NewGroup::default()
            })
            .await
            .err()
            .and_then(|e| e.status()),
        ),
        (
            "permissions",
            c.permissions().await.err().and_then(|e| e.status()),
        ),
        (
            "templates",
            c.group_templates().await.err().and_then(|e| e.status()),
        ),
        (
            "audit",
            c.audit(&AuditFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
    ]
}

on_both_backends! {
#[tokio::test]
async fn a_user_without_a_group_may_do_nothing_but_see_itself_and_sign_out() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let t = app.tenant(&res.id, 5).await;
    let g = app.group(&res.id, "default_reseller").await;
    let (other, _) = app.user(&res.id, vec![g.id.clone()]).await;
    let (nobody, client) = app.user(&res.id, vec![]).await;
    for (call, status) in every_call(&client, &res.id, &t.id, &other.id, &g.id).await {
        assert_eq!(
            status,
            Some(403),
            "{call} must be forbidden without a group"
        );
    }
    let me = client.me().await.unwrap();
    assert_eq!(
        (me.user.id, me.permissions.len(), me.groups.len()),
        (nobody.id, 0, 0)
    );
    client.logout().await.unwrap();
    expect_err(client.me().await, 401, "unauthenticated");
    // The same calls with a group succeed (the test above can fail).
    let (_, admin) = app.dealer_admin(&res.id).await;
    let ok: Vec<_> = every_call(&admin, &res.id, &t.id, &other.id, &g.id)
        .await
        .into_iter()
        .filter(|(_, s)| s.is_none())
        .collect();
    assert!(ok.len() > 10, "{ok:?}");
}
}

on_both_backends! {
#[tokio::test]
async fn nobody_grants_what_it_does_not_hold() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let narrow = app
        .admin
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Group managers".into(),
            permissions: vec![
                "groups:read".parse().unwrap(),
                "groups:create".parse().unwrap(),
                "groups:update".parse().unwrap(),
                "users:read".parse().unwrap(),
                "users:update".parse().unwrap(),
                "users:create".parse().unwrap(),
            ],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (me, client) = app.user(&res.id, vec![narrow.id.clone()]).await;
    // Creating a group with a permission it lacks.
    let r = client
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Escalate".into(),
            permissions: vec!["tenants:delete".parse().unwrap()],
            ..NewGroup::default()
        })
        .await;
    let e = expect_err(r, 403, "forbidden");
    assert_eq!(
        e.details().unwrap()["missing"],
        serde_json::json!(["tenants:delete"])
    );
    // From a template wider than itself.
    let r = client
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Admins".into(),
            template: Some("dealer_admin".into()),
            ..NewGroup::default()
        })
        .await;
    expect_err(r, 403, "forbidden");
    // Widening its own group.
    let mut wider = narrow.permissions.clone();
    wider.push("impersonate".parse().unwrap());
    expect_err(
        client
            .update_group(
                &narrow.id,
                None,
                &GroupPatch {
                    permissions: Some(wider),
                    ..GroupPatch::default()
                },
            )
            .await,
        403,
        "forbidden",
    );
    // Joining a wider group, or putting a new user into one.
    let admins = app.group(&res.id, "dealer_admin").await;
    let r = client
        .update_user(
            &me.id,
            None,
            &UserPatch {
                group_ids: Some(vec![narrow.id.clone(), admins.id.clone()]),
                ..UserPatch::default()
            },
        )
        .await;
    expect_err(r, 403, "forbidden");
    let r = client
        .create_user(&NewUser {
            dealer_id: res.id.clone(),
            email: "new@example.net".into(),
            display_name: String::new(),
            group_ids: vec![admins.id.clone()],
        })
        .await;
    expect_err(r, 403, "forbidden");
    // Within its own permissions it may.
    let sub = vec!["users:read".parse().unwrap()];
    client
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Readers".into(),
            permissions: sub,
            ..NewGroup::default()
        })
        .await
        .unwrap();
    assert_eq!(
        app.admin.get_group(&narrow.id).await.unwrap().permissions,
        narrow.permissions
    );
}
}

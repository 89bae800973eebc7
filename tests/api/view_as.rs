//! Viewing as another user, and the scope report.

use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::model::*;

on_both_backends! {
#[tokio::test]
async fn view_as_has_the_targets_scope_is_read_only_and_audited_with_both_identities() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let res = app.dealer(&dist.id, Level::Reseller, 100).await;
    let sibling = app.dealer(&dist.id, Level::Reseller, 100).await;
    let t = app.tenant(&res.id, 5).await;
    let g = app.group(&res.id, "default_reseller").await;
    let (staff, _) = app.user(&res.id, vec![g.id.to_string()]).await;

    let view = app.admin.impersonate(&staff.id).await.unwrap();
    let as_staff = app.anon().with_token(view.token.clone());
    let me = as_staff.me().await.unwrap();
    assert_eq!(me.user.id, staff.id);
    let imp = me
        .impersonation
        .expect("the session says who is really behind it");
    assert_eq!(
        (imp.real_user.email.as_str(), imp.read_only),
        (ADMIN_EMAIL, true)
    );
    // Exactly the target's scope.
    let dealers = as_staff
        .list_dealers(&DealerFilter::default(), &page())
        .await
        .unwrap();
    assert_eq!(
        dealers
            .items
            .iter()
            .map(|d| d.id.clone())
            .collect::<Vec<_>>(),
        std::slice::from_ref(&res.id)
    );
    expect_err(as_staff.get_dealer(&sibling.id).await, 404, "not_found");
    // Read-only: every write is refused and nothing changes.
    let r = as_staff
        .update_tenant(
            &t.id,
            None,
            &TenantPatch {
                name: Some("hijacked".into()),
                ..TenantPatch::default()
            },
        )
        .await;
    expect_err(r, 403, "read_only_session");
    expect_err(
        as_staff.suspend_tenant(&t.id).await,
        403,
        "read_only_session",
    );
    assert_eq!(app.admin.get_tenant(&t.id).await.unwrap().name, t.name);
    // The session is on the record once, with both identities, however many requests it made.
    for _ in 0..3 {
        as_staff.me().await.unwrap();
    }
    let recorded = |action: &str| {
        let f = AuditFilter {
            action: Some(action.into()),
            ..AuditFilter::default()
        };
        let admin = app.admin.clone();
        async move {
            let limit = PageParams {
                limit: Some(1000),
                ..PageParams::default()
            };
            admin.audit(&f, &limit).await.unwrap()
        }
    };
    let events = recorded("view_as.request").await;
    assert_eq!(events.total, 1, "{:?}", events.items);
    let e = &events.items[0];
    assert_eq!(
        (e.actor_id.as_deref(), e.impersonator_email.as_deref()),
        (Some(staff.id.as_str()), Some(ADMIN_EMAIL))
    );
    let first = e.after.as_ref().unwrap()["path"].as_str().unwrap().to_string();
    assert!(first.ends_with("/me"), "{first}");
    // Each write tried through the target's eyes is on the record, refused.
    let refused = recorded("view_as.write_refused").await;
    assert_eq!(refused.total, 2, "{:?}", refused.items);
    assert!(
        refused
            .items
            .iter()
            .all(|e| e.actor_id.as_deref() == Some(staff.id.as_str())
                && e.impersonator_email.as_deref() == Some(ADMIN_EMAIL))
    );
    assert!(
        refused
            .items
            .iter()
            .any(|e| e.after.as_ref().is_some_and(|a| a["method"] == "PATCH")),
    );
    // A second view-as session is on the record once more.
    let again = app.admin.impersonate(&staff.id).await.unwrap();
    let as_staff_again = app.anon().with_token(again.token.clone());
    as_staff_again.me().await.unwrap();
    as_staff_again.me().await.unwrap();
    assert_eq!(recorded("view_as.request").await.total, 2);
    let start = app
        .admin
        .audit(
            &AuditFilter {
                action: Some("auth.view_as_start".into()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(start.items[0].object_id.as_deref(), Some(staff.id.as_str()));
    // Logging out of the view-as session ends it; the administrator's own session is untouched.
    as_staff.logout().await.unwrap();
    expect_err(as_staff.me().await, 401, "unauthenticated");
    app.admin.me().await.unwrap();
    let end = app
        .admin
        .audit(
            &AuditFilter {
                action: Some("auth.view_as_end".into()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(end.total, 1);
}
}

on_both_backends! {
#[tokio::test]
async fn view_as_is_only_for_holders_of_impersonate_and_only_inside_the_scope() {
    let app = TestApp::start().await;
    let a = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let b = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (a_admin, a_client) = app.dealer_admin(&a.id).await;
    let (b_admin, _) = app.dealer_admin(&b.id).await;
    let g = app.group(&a.id, "default_reseller").await;
    let (a_staff, a_staff_client) = app.user(&a.id, vec![g.id.to_string()]).await;
    // Outside the scope: as missing as anything else.
    expect_err(a_client.impersonate(&b_admin.id).await, 404, "not_found");
    // Without the permission: forbidden.
    expect_err(
        a_staff_client.impersonate(&a_admin.id).await,
        403,
        "forbidden",
    );
    // Inside, with it: fine; and no view-as from inside a view-as.
    let view = a_client.impersonate(&a_staff.id).await.unwrap();
    let nested = app
        .anon()
        .with_token(view.token)
        .impersonate(&a_admin.id)
        .await;
    assert!(matches!(nested, Err(e) if e.status() == Some(403)));
    expect_err(
        a_client.impersonate(&a_admin.id).await,
        422,
        "invalid_field",
    );
}
}

on_both_backends! {
#[tokio::test]
async fn a_view_as_session_expires() {
    let app = TestApp::start_with(|c| c.impersonation_minutes = 0).await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (staff, _) = app.dealer_admin(&res.id).await;
    let view = app.admin.impersonate(&staff.id).await.unwrap();
    expect_err(
        app.anon().with_token(view.token).me().await,
        401,
        "unauthenticated",
    );
}
}

/// What a login really gets from a list: its total, or None when refused.
async fn total<T>(r: Result<Page<T>, dealerctl::client::ClientError>) -> Option<i64> {
    match r {
        Ok(p) => Some(p.total),
        Err(e) => {
            assert_eq!(e.status(), Some(403), "{e:?}");
            None
        }
    }
}

on_both_backends! {
#[tokio::test]
async fn the_scope_report_matches_what_every_demo_login_really_sees() {
    use dealerctl::server::demo::{DEMO_PASSWORD, demo_logins};
    let app = TestApp::start_with(|c| c.seed_demo = true).await;
    let admin = {
        let anon = app.anon();
        anon.with_token(
            anon.login("admin@acme.example", DEMO_PASSWORD)
                .await
                .unwrap()
                .token,
        )
    };
    let everyone = admin
        .list_users(
            &UserFilter::default(),
            &PageParams {
                limit: Some(1000),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    let mut checked = 0;
    for (email, _) in demo_logins() {
        let user = everyone
            .items
            .iter()
            .find(|u| u.email == email)
            .expect("demo user exists");
        let report = admin.scope_report(&user.id).await.unwrap();
        let anon: ApiClient = app.anon();
        let own = anon.with_token(anon.login(&email, DEMO_PASSWORD).await.unwrap().token);
        let p = PageParams::default();
        let seen = ScopeCounts {
            dealers: total(own.list_dealers(&DealerFilter::default(), &p).await).await,
            tenants: total(own.list_tenants(&TenantFilter::default(), &p).await).await,
            users: total(own.list_users(&UserFilter::default(), &p).await).await,
            groups: total(own.list_groups(&GroupFilter::default(), &p).await).await,
            rate_cards: total(own.list_rate_cards(&RateCardFilter::default(), &p).await).await,
        };
        assert_eq!(report.counts, seen, "{email}");
        let me = own.me().await.unwrap();
        let reported: Vec<Permission> = report.permissions.iter().map(|p| p.permission).collect();
        assert_eq!(reported, me.permissions, "{email}");
        assert!(
            report.permissions.iter().all(|p| !p.groups.is_empty()),
            "every permission names its group"
        );
        checked += 1;
    }
    assert!(checked >= 11);
    // The login without a group is flagged.
    let newhire = everyone
        .items
        .iter()
        .find(|u| u.email == "newhire@bluebird.example")
        .unwrap();
    let report = admin.scope_report(&newhire.id).await.unwrap();
    assert!(
        report.warnings.iter().any(|w| w.contains("no group")),
        "{:?}",
        report.warnings
    );
    assert_eq!(report.counts, ScopeCounts::default());
}
}

on_both_backends! {
#[tokio::test]
async fn the_scope_report_warns_about_permissions_a_reseller_has_no_use_for() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (admin_of_res, _) = app.dealer_admin(&res.id).await;
    let report = app.admin.scope_report(&admin_of_res.id).await.unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("dealers:create") && w.contains("reseller has no use")),
        "{:?}",
        report.warnings
    );
    let dist = app.dealer(&app.provider_id, Level::Distributor, 10).await;
    let (admin_of_dist, _) = app.dealer_admin(&dist.id).await;
    assert!(
        app.admin
            .scope_report(&admin_of_dist.id)
            .await
            .unwrap()
            .warnings
            .is_empty()
    );
}
}

on_both_backends! {
#[tokio::test]
async fn view_as_never_shows_more_than_the_viewer_may_see_and_ends_with_the_viewer() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    let res = app.dealer(&dist.id, Level::Reseller, 10).await;
    let auditors = app.group(&app.provider_id, "auditor").await;
    let (_, auditor_client) = app.user(&app.provider_id, vec![auditors.id.to_string()]).await;
    let (res_admin, _) = app.dealer_admin(&res.id).await;
    // The reseller's administrator may create and delete; an auditor reads all it reads, and a
    // view cannot write, so the auditor may view as it.
    auditor_client.impersonate(&res_admin.id).await.unwrap();
    // A viewer that cannot see what the target sees may not.
    let narrow = app
        .admin
        .create_group(&NewGroup {
            dealer_id: app.provider_id.clone().into(),
            name: "Narrow viewers".into(),
            permissions: vec![
                Permission::Impersonate,
                Permission::Crud(Area::Users, Action::Read),
            ],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, narrow_client) = app.user(&app.provider_id, vec![narrow.id.to_string()]).await;
    let e = expect_err(
        narrow_client.impersonate(&res_admin.id).await,
        403,
        "forbidden",
    );
    assert!(e.to_string().contains("you lack dealers:read"), "{e}");
    // A distributor administrator views as the reseller's staff; when it is disabled, the
    // view-as session ends with it.
    let (dist_admin, dist_client) = app.dealer_admin(&dist.id).await;
    let staff_group = app.group(&res.id, "default_reseller").await;
    let (staff, _) = app.user(&res.id, vec![staff_group.id.to_string()]).await;
    let view = dist_client.impersonate(&staff.id).await.unwrap();
    let as_staff = app.anon().with_token(view.token);
    as_staff.me().await.unwrap();
    app.admin
        .update_user(
            &dist_admin.id,
            None,
            &UserPatch {
                enabled: Some(false),
                ..UserPatch::default()
            },
        )
        .await
        .unwrap();
    expect_err(as_staff.me().await, 401, "unauthenticated");
}
}

//! Dry runs (`?dry_run=true`): the impact of a harmful write, with every check of the real call
//! (404 out of scope, 403, refusals), and nothing changed: the object reads back the same and
//! no audit event is written.

use crate::helpers::*;
use crate::rate_cards::{carrier, derive, markup};
use dealerctl::client::ApiClient;
use dealerctl::model::*;

async fn audit_total(app: &TestApp) -> i64 {
    app.admin
        .audit(&AuditFilter::default(), &page())
        .await
        .expect("audit read")
        .total
}

/// A distributor with two tenants and its admin login; below it a live reseller (one tenant,
/// one login) and a reseller already suspended (one tenant, one login).
struct Subtree {
    dist: Dealer,
    live: Dealer,
    suspended: Dealer,
}

async fn subtree(app: &TestApp) -> Subtree {
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    app.tenant(&dist.id, 10).await;
    app.tenant(&dist.id, 10).await;
    app.dealer_admin(&dist.id).await;
    let live = app.dealer(&dist.id, Level::Reseller, 100).await;
    app.tenant(&live.id, 10).await;
    app.dealer_admin(&live.id).await;
    let suspended = app.dealer(&dist.id, Level::Reseller, 100).await;
    app.tenant(&suspended.id, 10).await;
    app.dealer_admin(&suspended.id).await;
    app.admin.suspend_dealer(&suspended.id).await.unwrap();
    Subtree {
        dist,
        live,
        suspended,
    }
}

on_both_backends! {
    #[tokio::test]
    async fn suspending_a_dealer_counts_what_stops_working_and_changes_nothing() {
        let app = TestApp::start().await;
        let s = subtree(&app).await;
        let events = audit_total(&app).await;
        let impact = app.admin.dealer_suspend_impact(&s.dist.id, false).await.unwrap();
        // The reseller already suspended stops nothing more.
        assert_eq!((impact.dealers, impact.tenants, impact.logins), (1, 3, 2));
        assert!(impact.rates.is_none() && impact.permissions_removed.is_empty());
        let after = app.admin.get_dealer(&s.dist.id).await.unwrap();
        assert!(after.enabled && after.effective_enabled);
        assert_eq!(after.version, s.dist.version);
        assert_eq!(audit_total(&app).await, events, "a dry run writes no audit event");

        // Resuming what works changes nothing; resuming the suspended reseller brings back its own.
        let noop = app.admin.dealer_suspend_impact(&s.live.id, true).await.unwrap();
        assert_eq!((noop.dealers, noop.tenants, noop.logins), (0, 0, 0));
        let back = app.admin.dealer_suspend_impact(&s.suspended.id, true).await.unwrap();
        assert_eq!((back.dealers, back.tenants, back.logins), (0, 1, 1));
        assert!(!app.admin.get_dealer(&s.suspended.id).await.unwrap().enabled);

        // Once suspended for real, resuming the distributor would bring the same back.
        app.admin.suspend_dealer(&s.dist.id).await.unwrap();
        let resume = app.admin.dealer_suspend_impact(&s.dist.id, true).await.unwrap();
        assert_eq!((resume.dealers, resume.tenants, resume.logins), (1, 3, 2));
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_dry_run_is_refused_as_the_real_call() {
        let app = TestApp::start().await;
        let s = subtree(&app).await;
        let tenant = app.tenant(&s.live.id, 5).await;
        // Out of scope: a sibling reseller's admin does not see the live reseller.
        let sibling = app.dealer(&s.dist.id, Level::Reseller, 10).await;
        let (_, other) = app.dealer_admin(&sibling.id).await;
        expect_err(other.dealer_suspend_impact(&s.live.id, false).await, 404, "not_found");
        expect_err(other.dealer_delete_impact(&s.live.id).await, 404, "not_found");
        expect_err(other.tenant_suspend_impact(&tenant.id, false).await, 404, "not_found");
        expect_err(other.tenant_delete_impact(&tenant.id).await, 404, "not_found");
        // In scope without the permission.
        let auditors = app.group(&app.provider_id, "auditor").await;
        let (_, auditor) = app.user(&app.provider_id, vec![auditors.id.to_string()]).await;
        expect_err(auditor.dealer_suspend_impact(&s.live.id, false).await, 403, "forbidden");
        expect_err(auditor.dealer_delete_impact(&s.live.id).await, 403, "forbidden");
        expect_err(auditor.tenant_suspend_impact(&tenant.id, false).await, 403, "forbidden");
        expect_err(auditor.tenant_delete_impact(&tenant.id).await, 403, "forbidden");
        // The refusals of the real call: a dealer with tenants below is not deleted.
        expect_err(app.admin.dealer_delete_impact(&s.dist.id).await, 409, "has_children");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn deleting_a_dealer_or_a_tenant_is_measured_not_made() {
        let app = TestApp::start().await;
        let leaf = app.dealer(&app.provider_id, Level::Reseller, 100).await;
        app.dealer_admin(&leaf.id).await;
        let tenant = app.tenant(&app.provider_id, 5).await;
        let events = audit_total(&app).await;

        let gone = app.admin.dealer_delete_impact(&leaf.id).await.unwrap();
        assert_eq!((gone.dealers, gone.tenants, gone.logins), (0, 0, 1));
        app.admin.get_dealer(&leaf.id).await.expect("the dealer is still there");

        let t = app.admin.tenant_delete_impact(&tenant.id).await.unwrap();
        assert_eq!((t.dealers, t.tenants, t.logins), (0, 1, 0));
        let t = app.admin.tenant_suspend_impact(&tenant.id, false).await.unwrap();
        assert_eq!(t.tenants, 1);
        let read = app.admin.get_tenant(&tenant.id).await.expect("the tenant is still there");
        assert!(read.enabled);
        assert_eq!(read.version, tenant.version);
        assert_eq!(audit_total(&app).await, events);
    }
}

on_both_backends! {
    #[tokio::test]
    async fn disabling_a_login_is_measured_not_made() {
        let app = TestApp::start().await;
        let dealer = app.dealer(&app.provider_id, Level::Reseller, 100).await;
        let (user, client) = app.dealer_admin(&dealer.id).await;
        let events = audit_total(&app).await;
        let disable = UserPatch {
            enabled: Some(false),
            ..UserPatch::default()
        };
        let impact = app.admin.user_update_impact(&user.id, None, &disable).await.unwrap();
        assert_eq!((impact.dealers, impact.tenants, impact.logins), (0, 0, 1));
        assert!(app.admin.get_user(&user.id).await.unwrap().enabled);
        client.me().await.expect("its session still works");
        assert_eq!(audit_total(&app).await, events);
        // The real call's refusals: nobody disables their own login.
        let own = app.admin.me().await.unwrap().user.id;
        expect_err(app.admin.user_update_impact(&own, None, &disable).await, 403, "forbidden");
        let (_, stranger) = app.dealer_admin(&app.dealer(&app.provider_id, Level::Reseller, 10).await.id).await;
        expect_err(stranger.user_update_impact(&user.id, None, &disable).await, 404, "not_found");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_group_change_names_the_permissions_removed_and_who_loses_them() {
        let app = TestApp::start().await;
        let dealer = app.dealer(&app.provider_id, Level::Reseller, 100).await;
        let group = app.group(&dealer.id, "dealer_admin").await;
        let backup = app.group(&dealer.id, "dealer_admin").await;
        app.user(&dealer.id, vec![group.id.to_string()]).await;
        // This one keeps everything through its other group.
        app.user(&dealer.id, vec![group.id.to_string(), backup.id.to_string()]).await;
        let events = audit_total(&app).await;
        let keep = vec![Permission::Crud(Area::Dealers, Action::Read)];
        let patch = GroupPatch {
            permissions: Some(keep.clone()),
            ..GroupPatch::default()
        };
        let impact = app.admin.group_update_impact(&group.id, None, &patch).await.unwrap();
        assert_eq!(impact.logins, 1);
        let expected: Vec<Permission> = group
            .permissions
            .iter()
            .filter(|p| !keep.contains(p))
            .copied()
            .collect();
        assert_eq!(impact.permissions_removed, expected);
        assert!(impact.permissions_removed.contains(&Permission::Crud(Area::Tenants, Action::Update)));
        assert_eq!(app.admin.get_group(&group.id).await.unwrap().permissions, group.permissions);
        assert_eq!(audit_total(&app).await, events);
        // A rename removes nothing.
        let rename = GroupPatch {
            name: Some("Renamed".into()),
            ..GroupPatch::default()
        };
        let none = app.admin.group_update_impact(&group.id, None, &rename).await.unwrap();
        assert_eq!((none.logins, none.permissions_removed.len()), (0, 0));
        let auditors = app.group(&app.provider_id, "auditor").await;
        let (_, auditor) = app.user(&app.provider_id, vec![auditors.id.to_string()]).await;
        expect_err(auditor.group_update_impact(&group.id, None, &patch).await, 403, "forbidden");
    }
}

async fn all_rates(c: &ApiClient, card: &str) -> Page<RateRow> {
    c.list_rates(card, &RateFilter::default(), &page())
        .await
        .unwrap()
}

on_both_backends! {
    #[tokio::test]
    async fn a_rate_import_counts_rates_added_changed_removed_and_the_cards_that_follow() {
        let app = TestApp::start().await;
        let card = carrier(
            &app.admin,
            &app.provider_id,
            "Carrier",
            "1,US,0.010000,0,6,6\n44,UK,0.020000,0,30,6\n49,DE,0.030000,0,60,60\n".into(),
        )
        .await;
        let retail = derive(
            &app.admin,
            &app.provider_id,
            "Retail",
            &card.id,
            markup(MarkupType::Percent, "10"),
        )
        .await;
        let before = all_rates(&app.admin, &card.id).await;
        let version = app.admin.get_rate_card(&card.id).await.unwrap().version;
        let events = audit_total(&app).await;
        // 1 kept as is, 44 repriced, 49 dropped, 33 new.
        let csv = "1,US,0.010000,0,6,6\n44,UK,0.025000,0,30,6\n33,FR,0.040000,0,60,60\n";
        let impact = app.admin.rates_import_impact(&card.id, csv.into()).await.unwrap();
        let rates = impact.rates.expect("an import's impact has rates");
        assert_eq!((rates.added, rates.changed, rates.removed), (1, 1, 1));
        assert_eq!(
            rates.derived_cards,
            vec![CardRef {
                id: retail.id.clone(),
                name: "Retail".into()
            }]
        );
        assert_eq!(all_rates(&app.admin, &card.id).await, before);
        assert_eq!(app.admin.get_rate_card(&card.id).await.unwrap().version, version);
        assert_eq!(audit_total(&app).await, events);
        // A bad CSV is refused as the import would refuse it.
        expect_err(
            app.admin.rates_import_impact(&card.id, "1,US,not money,0,6,6\n".into()).await,
            422,
            "invalid_field",
        );
        expect_err(
            app.admin.rates_import_impact(&retail.id, csv.into()).await,
            422,
            "invalid_field",
        );
        // 404 for a dealer below, which never sees the provider's carrier; 403 without the permission.
        let below = app.dealer(&app.provider_id, Level::Reseller, 10).await;
        let (_, other) = app.dealer_admin(&below.id).await;
        expect_err(other.rates_import_impact(&card.id, csv.into()).await, 404, "not_found");
        let auditors = app.group(&app.provider_id, "auditor").await;
        let (_, auditor) = app.user(&app.provider_id, vec![auditors.id.to_string()]).await;
        expect_err(auditor.rates_import_impact(&card.id, csv.into()).await, 403, "forbidden");
        assert_eq!(all_rates(&app.admin, &card.id).await, before);
    }
}

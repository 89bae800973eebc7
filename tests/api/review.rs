//! Tests for defects found in review: each would have failed before its fix.

use crate::helpers::*;
use dealerctl::model::*;
use futures::future::join_all;

on_both_backends! {
#[tokio::test]
async fn a_dealer_cannot_rename_itself_to_probe_its_siblings_and_does_not_see_its_parent() {
    let app = TestApp::start().await;
    let a = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let b = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (_, client) = app.dealer_admin(&a.id).await;
    let r = client
        .update_dealer(
            &a.id,
            None,
            &DealerPatch {
                name: Some(b.name.clone()),
                ..DealerPatch::default()
            },
        )
        .await;
    expect_err(r, 403, "forbidden");
    let own = client.get_dealer(&a.id).await.unwrap();
    assert_eq!(own.parent_id, None, "the parent lies outside the scope");
    let listed = client
        .list_dealers(&DealerFilter::default(), &page())
        .await
        .unwrap();
    assert_eq!(listed.items[0].parent_id, None);
    // Contact fields are still its own to edit.
    client
        .update_dealer(
            &a.id,
            None,
            &DealerPatch {
                phone: Some("+1 555".into()),
                ..DealerPatch::default()
            },
        )
        .await
        .unwrap();
}
}

on_both_backends! {
#[tokio::test]
async fn parallel_guesses_cannot_all_pass_the_throttle() {
    let app = TestApp::start_with(|c| c.sign_in.max_failures_per_account = 3).await;
    let guesses = (0..24).map(|i| {
        let anon = app.anon();
        async move {
            anon.login(ADMIN_EMAIL, &format!("wrong guess number {i}"))
                .await
        }
    });
    let results = join_all(guesses).await;
    let tried = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.code() == Some("invalid_credentials")))
        .count();
    let throttled = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.code() == Some("rate_limited")))
        .count();
    assert_eq!(
        (tried, throttled),
        (3, 21),
        "exactly the allowed number of passwords were tried"
    );
}
}

on_both_backends! {
#[tokio::test]
async fn actors_above_the_reader_stay_unnamed_in_its_audit_trail() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let mut p = package(100);
    p.extensions = Some(50);
    app.admin.set_package(&res.id, None, &p).await.unwrap();
    let (me, client) = app.dealer_admin(&res.id).await;
    client
        .update_dealer(
            &res.id,
            None,
            &DealerPatch {
                notes: Some("hello".into()),
                ..DealerPatch::default()
            },
        )
        .await
        .unwrap();
    let events = client
        .audit(
            &AuditFilter {
                object_id: Some(res.id.to_string()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    let by_action = |a: &str| events.items.iter().find(|e| e.action == a).unwrap().clone();
    let pkg = by_action("package.update");
    assert_eq!(
        (pkg.actor_id, pkg.actor_email.as_deref()),
        (None, Some("(a dealer above you)"))
    );
    let own = by_action("dealer.update");
    assert_eq!(own.actor_id.as_deref(), Some(me.id.as_str()));
    // The provider sees its own administrator.
    let all = app
        .admin
        .audit(
            &AuditFilter {
                action: Some("package.update".into()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(all.items[0].actor_email.as_deref(), Some(ADMIN_EMAIL));
}
}

on_both_backends! {
#[tokio::test]
async fn me_names_groups_from_above_without_revealing_their_owner() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let above = app.group(&app.provider_id, "noc_operator").await;
    let (_, client) = app.user(&res.id, vec![above.id.to_string()]).await;
    let me = client.me().await.unwrap();
    let g = &me.groups[0];
    assert_eq!(
        (
            g.name.as_str(),
            g.dealer_id.as_str(),
            g.inherited,
            g.members_count
        ),
        (above.name.as_str(), "", true, 0)
    );
    assert!(!me.permissions.is_empty());
}
}

on_both_backends! {
#[tokio::test]
async fn deleting_a_dealer_names_what_went_with_it_and_refused_sign_ins_are_audited() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (user, _) = app.dealer_admin(&res.id).await;
    app.admin.suspend_dealer(&res.id).await.unwrap();
    expect_err(
        app.anon().login(&user.email, PASSWORD).await,
        401,
        "invalid_credentials",
    );
    let refused = app
        .admin
        .audit(
            &AuditFilter {
                action: Some("auth.sign_in_refused".into()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(
        refused.items[0].object_id.as_deref(),
        Some(user.id.as_str())
    );
    app.admin.delete_dealer(&res.id, None).await.unwrap();
    let gone = app
        .admin
        .audit(
            &AuditFilter {
                action: Some("dealer.delete".into()),
                ..AuditFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    let before = gone.items[0].before.clone().unwrap();
    assert_eq!(before["users"], serde_json::json!([user.email]));
    assert_eq!(before["groups"].as_array().unwrap().len(), 1);
}
}

on_both_backends! {
#[tokio::test]
async fn absurd_packages_and_unknown_rate_cards_are_refused() {
    let app = TestApp::start().await;
    let r = app
        .admin
        .create_dealer(&NewDealer {
            parent_id: app.provider_id.clone().into(),
            level: Level::Reseller,
            name: "Huge".into(),
            package: Some(package(i64::MAX)),
            ..NewDealer::default()
        })
        .await;
    expect_err(r, 422, "invalid_field");
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let r = app
        .admin
        .create_tenant(&NewTenant {
            dealer_id: res.id.clone(),
            name: "t".into(),
            domain: "t.pbx.example".into(),
            rate_card_id: Some("rc_x".into()),
            ..NewTenant::default()
        })
        .await;
    // An unknown card is treated like any id outside the scope.
    expect_err(r, 404, "not_found");
}
}

#[tokio::test]
async fn a_subscription_below_what_is_handed_out_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("sub.db").display());
    let base = dealerctl::server::config::ServerConfig {
        listen: "127.0.0.1:0".into(),
        database: db,
        mail_outbox: dir.path().join("outbox"),
        ..Default::default()
    };
    let admin = dealerctl::server::bootstrap::AdminLogin {
        email: ADMIN_EMAIL.into(),
        password: Some(PASSWORD.into()),
    };
    let server = dealerctl::server::run::spawn(base.clone(), admin.clone())
        .await
        .unwrap();
    let c = app_client(&server.url()).await;
    let root = c.me().await.unwrap().dealer.id;
    c.create_dealer(&NewDealer {
        parent_id: root,
        level: Level::Distributor,
        name: "D".into(),
        package: Some(package(100)),
        ..NewDealer::default()
    })
    .await
    .unwrap();
    server.stop().await;
    let mut small = base.clone();
    small.subscription.extensions = Some(50);
    let err = dealerctl::server::run::spawn(small, admin.clone())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("extensions"), "{err}");
    let mut fits = base;
    fits.subscription.extensions = Some(150);
    let again = dealerctl::server::run::spawn(fits, admin).await.unwrap();
    let c = app_client(&again.url()).await;
    assert_eq!(c.me().await.unwrap().dealer.package.extensions, Some(150));
}

async fn app_client(url: &str) -> dealerctl::client::ApiClient {
    let anon = dealerctl::client::ApiClient::new(url).unwrap();
    anon.with_token(anon.login(ADMIN_EMAIL, PASSWORD).await.unwrap().token)
}

//! Sign-in, sign-out, throttling, suspension and disabling.

use crate::helpers::*;
use dealerctl::model::*;

on_both_backends! {
#[tokio::test]
async fn suspension_blocks_the_whole_subtree_and_revokes_its_tokens() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let res = app.dealer(&dist.id, Level::Reseller, 100).await;
    let t = app.tenant(&res.id, 5).await;
    let (dist_user, dist_client) = app.dealer_admin(&dist.id).await;
    let (res_user, res_client) = app.dealer_admin(&res.id).await;
    res_client.me().await.unwrap();

    let suspended = app.admin.suspend_dealer(&dist.id).await.unwrap();
    assert!(!suspended.enabled && !suspended.effective_enabled);
    for c in [&dist_client, &res_client] {
        expect_err(c.me().await, 401, "unauthenticated");
    }
    for u in [&dist_user, &res_user] {
        expect_err(
            app.anon().login(&u.email, PASSWORD).await,
            401,
            "invalid_credentials",
        );
    }
    let below = app.admin.get_dealer(&res.id).await.unwrap();
    assert!(
        below.enabled && !below.effective_enabled,
        "the child keeps its own flag"
    );
    let tenant = app.admin.get_tenant(&t.id).await.unwrap();
    assert!(tenant.enabled && !tenant.effective_enabled);

    app.admin.resume_dealer(&dist.id).await.unwrap();
    assert!(app.admin.get_tenant(&t.id).await.unwrap().effective_enabled);
    app.anon().login(&res_user.email, PASSWORD).await.unwrap();
    // A dealer cannot suspend itself.
    let (_, fresh) = app.dealer_admin(&dist.id).await;
    expect_err(fresh.suspend_dealer(&dist.id).await, 403, "forbidden");
}
}

on_both_backends! {
#[tokio::test]
async fn logout_and_disable_end_sessions_and_wrong_passwords_are_throttled() {
    let app = TestApp::start_with(|c| c.sign_in.max_failures_per_account = 3).await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let (user, client) = app.dealer_admin(&res.id).await;
    let second = app
        .anon()
        .with_token(app.anon().login(&user.email, PASSWORD).await.unwrap().token);
    client.logout().await.unwrap();
    expect_err(client.me().await, 401, "unauthenticated");
    second.me().await.expect("only the signed-out session ends");
    app.admin
        .update_user(
            &user.id,
            None,
            &UserPatch {
                enabled: Some(false),
                ..UserPatch::default()
            },
        )
        .await
        .unwrap();
    expect_err(second.me().await, 401, "unauthenticated");
    expect_err(
        app.anon().login(&user.email, PASSWORD).await,
        401,
        "invalid_credentials",
    );

    // The refused sign-in of the disabled login counted: two more wrong passwords use up the
    // three free failures.
    for _ in 0..2 {
        expect_err(
            app.anon().login(&user.email, "wrong password!").await,
            401,
            "invalid_credentials",
        );
    }
    // Now even the right password waits.
    app.admin
        .update_user(
            &user.id,
            None,
            &UserPatch {
                enabled: Some(true),
                ..UserPatch::default()
            },
        )
        .await
        .unwrap();
    let e = expect_err(
        app.anon().login(&user.email, PASSWORD).await,
        429,
        "rate_limited",
    );
    assert!(e.to_string().contains("try again in"));
    // Unknown logins fail the same way as wrong passwords.
    expect_err(
        app.anon().login("nobody@example.net", PASSWORD).await,
        401,
        "invalid_credentials",
    );
}
}

on_both_backends! {
#[tokio::test]
async fn the_429_carries_retry_after() {
    let app = TestApp::start_with(|c| c.sign_in.max_failures_per_account = 1).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/auth/login", app.server.url());
    let body = serde_json::json!({ "email": ADMIN_EMAIL, "password": "nope nope nope" });
    assert_eq!(
        http.post(&url).json(&body).send().await.unwrap().status(),
        401
    );
    let r = http.post(&url).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let secs: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&secs));
}
}

on_both_backends! {
#[tokio::test]
async fn me_describes_the_session() {
    let app = TestApp::start().await;
    let me = app.admin.me().await.unwrap();
    assert_eq!(
        (
            me.user.email.as_str(),
            me.dealer.level,
            me.impersonation.is_none()
        ),
        (ADMIN_EMAIL, Level::Provider, true)
    );
    assert_eq!(me.permissions.len(), Permission::all().len());
    assert_eq!(me.groups[0].name, "Dealer administrator");
}
}

on_both_backends! {
#[tokio::test]
async fn an_expired_session_token_is_refused() {
    // A zero-hour lifetime: every session has expired by its next request.
    let app = TestApp::start_with(|c| c.session_hours = 0).await;
    let login = app.anon().login(ADMIN_EMAIL, PASSWORD).await.unwrap();
    let e = expect_err(app.anon().with_token(login.token).me().await, 401, "unauthenticated");
    assert!(!e.to_string().is_empty());
}
}

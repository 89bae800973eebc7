//! Activation and reset links: one use, expiring, mailed to the outbox; also the HTML page.

use crate::helpers::*;
use dealerctl::model::*;

on_both_backends! {
#[tokio::test]
async fn an_activation_link_works_once() {
    let app = TestApp::start().await;
    let g = app.group(&app.provider_id, "auditor").await;
    let u = app
        .admin
        .create_user(&NewUser {
            dealer_id: app.provider_id.clone().into(),
            email: "New.Hire@Example.net".into(),
            display_name: "New".into(),
            group_ids: vec![g.id],
        })
        .await
        .unwrap();
    assert_eq!(
        (u.email.as_str(), u.status),
        ("new.hire@example.net", UserStatus::Invited)
    );
    expect_err(
        app.anon().login(&u.email, PASSWORD).await,
        401,
        "invalid_credentials",
    );
    let token = app.mailed_token(&u.email);
    let e = expect_err(
        app.anon().activate(&token, "short").await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("password"));
    app.anon().activate(&token, PASSWORD).await.unwrap();
    expect_err(
        app.anon().activate(&token, "another long password").await,
        422,
        "invalid_field",
    );
    app.anon().login(&u.email, PASSWORD).await.unwrap();
    assert_eq!(
        app.admin.get_user(&u.id).await.unwrap().status,
        UserStatus::Active
    );

    // A reset stops the old password at once and ends sessions; the new link sets a new one.
    app.admin.reset_password(&u.id).await.unwrap();
    expect_err(
        app.anon().login(&u.email, PASSWORD).await,
        401,
        "invalid_credentials",
    );
    let token2 = app.mailed_token(&u.email);
    assert_ne!(token, token2);
    app.anon()
        .activate(&token2, "a brand new password")
        .await
        .unwrap();
    app.anon()
        .login(&u.email, "a brand new password")
        .await
        .unwrap();
}
}

on_both_backends! {
#[tokio::test]
async fn an_expired_link_is_refused() {
    let app = TestApp::start_with(|c| c.link_days = 0).await;
    let u = app
        .admin
        .create_user(&NewUser {
            dealer_id: app.provider_id.clone().into(),
            email: "late@example.net".into(),
            display_name: String::new(),
            group_ids: vec![],
        })
        .await
        .unwrap();
    let e = expect_err(
        app.anon()
            .activate(&app.mailed_token(&u.email), PASSWORD)
            .await,
        422,
        "invalid_field",
    );
    assert!(e.to_string().contains("expired"), "{e}");
}
}

on_both_backends! {
#[tokio::test]
async fn the_link_opens_a_page_that_sets_the_password() {
    let app = TestApp::start().await;
    let u = app
        .admin
        .create_user(&NewUser {
            dealer_id: app.provider_id.clone().into(),
            email: "web@example.net".into(),
            display_name: String::new(),
            group_ids: vec![],
        })
        .await
        .unwrap();
    let token = app.mailed_token(&u.email);
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/activate?token={token}", app.server.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<form") && page.contains(&token));
    let evil = http
        .get(format!(
            "{}/activate?token=%22%3E%3Cscript%3E",
            app.server.url()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!evil.contains("\"><script>"), "the token is escaped");
    let form = [
        ("token", token.as_str()),
        ("password", PASSWORD),
        ("confirm", "different password"),
    ];
    let r = http
        .post(format!("{}/activate", app.server.url()))
        .form(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(r.contains("differ"));
    let form = [
        ("token", token.as_str()),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ];
    let r = http
        .post(format!("{}/activate", app.server.url()))
        .form(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(r.contains("password is set"), "{r}");
    app.anon().login(&u.email, PASSWORD).await.unwrap();
}
}

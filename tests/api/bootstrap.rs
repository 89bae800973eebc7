//! First start: the provider and administrator, with or without a provisioned password; the demo tree.

use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::model::*;
use dealerctl::server::bootstrap::AdminLogin;
use dealerctl::server::config::ServerConfig;
use dealerctl::server::demo::{DEMO_PASSWORD, demo_logins};
use dealerctl::server::run::spawn;

fn config(dir: &std::path::Path) -> ServerConfig {
    ServerConfig {
        listen: "127.0.0.1:0".into(),
        database: format!("sqlite://{}", dir.join("boot.db").display()),
        mail_outbox: dir.join("outbox"),
        ..ServerConfig::default()
    }
}

on_both_backends! {
#[tokio::test]
async fn without_a_password_the_first_administrator_gets_a_link_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let admin = AdminLogin {
        email: "first@example.net".into(),
        password: None,
    };
    let server = spawn(config(dir.path()), admin.clone()).await.unwrap();
    let mail = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(mail).unwrap();
    let token: String = text[text.find("token=").unwrap() + 6..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let anon = ApiClient::new(&server.url()).unwrap();
    expect_err(
        anon.login("first@example.net", PASSWORD).await,
        401,
        "invalid_credentials",
    );
    anon.activate(&token, PASSWORD).await.unwrap();
    let login = anon.login("first@example.net", PASSWORD).await.unwrap();
    assert_eq!(login.user.status, UserStatus::Active);
    // A restart on the same database creates nothing new.
    let url = config(dir.path()).database;
    server.stop().await;
    let again = spawn(
        ServerConfig {
            database: url,
            ..config(dir.path())
        },
        admin,
    )
    .await
    .unwrap();
    let me = ApiClient::new(&again.url())
        .unwrap()
        .login("first@example.net", PASSWORD)
        .await
        .unwrap();
    assert_eq!(me.user.id, login.user.id);
}
}

on_both_backends! {
#[tokio::test]
async fn the_demo_tree_signs_in_with_the_listed_logins_each_in_its_own_scope() {
    let dir = tempfile::tempdir().unwrap();
    let c = ServerConfig {
        seed_demo: true,
        ..config(dir.path())
    };
    let server = spawn(
        c,
        AdminLogin {
            email: "root@acme.example".into(),
            password: Some(DEMO_PASSWORD.into()),
        },
    )
    .await
    .unwrap();
    let anon = ApiClient::new(&server.url()).unwrap();
    let logins = demo_logins();
    assert!(logins.len() >= 10);
    let mut tenants_seen = Vec::new();
    for (email, _) in &logins {
        let token = anon
            .login(email, DEMO_PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("{email}: {e}"))
            .token;
        let c = anon.with_token(token);
        let me = c.me().await.unwrap();
        match c
            .list_tenants(&TenantFilter::default(), &PageParams::default())
            .await
        {
            Ok(p) => {
                assert!(
                    p.items
                        .iter()
                        .all(|t| t.dealer_name.is_empty() || !t.domain.is_empty())
                );
                tenants_seen.push((email.clone(), me.dealer.name.clone(), p.total));
            }
            Err(e) => {
                assert_eq!(e.status(), Some(403), "{email}");
                assert!(
                    me.permissions.is_empty(),
                    "only the login without a group is refused"
                );
            }
        }
    }
    let total = |who: &str| tenants_seen.iter().find(|(e, _, _)| e == who).map(|t| t.2);
    assert!(total("admin@acme.example") >= Some(30), "{tenants_seen:?}");
    assert_eq!(total("staff@riverside.example"), Some(6));
    assert_eq!(total("staff@coastal.example"), Some(4));
    let root = anon
        .with_token(
            anon.login("admin@acme.example", DEMO_PASSWORD)
                .await
                .unwrap()
                .token,
        )
        .me()
        .await
        .unwrap();
    assert_eq!(root.dealer.name, "Acme Telecom");
}
}

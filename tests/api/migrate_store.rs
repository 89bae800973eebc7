//! `dealerctl migrate-store`: a whole SQLite store copied into an empty PostgreSQL one, verified,
//! and served from there.

use crate::backend::fresh_postgres;
use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::domain::policy::PlatformPolicy;
use dealerctl::model::*;
use dealerctl::server::bootstrap::AdminLogin;
use dealerctl::server::config::ServerConfig;
use dealerctl::server::demo::DEMO_PASSWORD;
use dealerctl::server::run::spawn;
use dealerctl::server::store::{Shape, SqlStore};
use dealerctl::server::tools::migrate_store;

#[tokio::test]
#[cfg_attr(
    no_test_postgres,
    ignore = "PostgreSQL only: set DEALERCTL_TEST_POSTGRES to run it"
)]
async fn the_demo_store_moves_to_postgres_and_serves_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("demo.db").display());
    let config = ServerConfig {
        listen: "127.0.0.1:0".into(),
        database: sqlite.clone(),
        mail_outbox: dir.path().join("outbox"),
        seed_demo: true,
        ..ServerConfig::default()
    };
    let admin = AdminLogin {
        email: "root@acme.example".into(),
        password: Some(DEMO_PASSWORD.into()),
    };
    let before = spawn(config.clone(), admin.clone()).await.unwrap();
    let login = |url: String| async move {
        let anon = ApiClient::new(&url).unwrap();
        anon.with_token(
            anon.login("staff@coastal.example", DEMO_PASSWORD)
                .await
                .unwrap()
                .token,
        )
    };
    let old = login(before.url()).await;
    let old_tenants = old
        .list_tenants(&TenantFilter::default(), &page())
        .await
        .unwrap();
    let old_cards = old
        .list_rate_cards(&RateCardFilter::default(), &page())
        .await
        .unwrap();
    let retail = old_cards
        .items
        .iter()
        .find(|c| c.name == "Coastal retail")
        .unwrap();
    let old_quote = old
        .quote(&retail.id, "+44 20 7946 0000", 125)
        .await
        .unwrap();
    before.stop().await;

    let postgres = fresh_postgres().await;
    let report = migrate_store(&sqlite, &postgres, PlatformPolicy::default())
        .await
        .unwrap();
    assert!(report.is_sound(), "{report:?}");
    assert!(
        report
            .tables
            .iter()
            .any(|(t, n, _)| t == "tenants" && *n == 33)
    );

    let after = spawn(
        ServerConfig {
            database: postgres.clone(),
            seed_demo: false,
            ..config
        },
        admin,
    )
    .await
    .unwrap();
    let new = login(after.url()).await;
    let new_tenants = new
        .list_tenants(&TenantFilter::default(), &page())
        .await
        .unwrap();
    assert_eq!(new_tenants.items, old_tenants.items);
    assert_eq!(
        new.quote(&retail.id, "+44 20 7946 0000", 125)
            .await
            .unwrap(),
        old_quote
    );
    // A second copy into the same, now full, database is refused.
    let e = migrate_store(&sqlite, &postgres, PlatformPolicy::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not empty"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    no_test_postgres,
    ignore = "PostgreSQL only: set DEALERCTL_TEST_POSTGRES to run it"
)]
async fn a_large_generated_store_moves_with_every_rule_intact() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("large.db").display());
    let config = ServerConfig {
        database: sqlite.clone(),
        mail_outbox: dir.path().join("outbox"),
        ..ServerConfig::default()
    };
    let shape = Shape {
        distributors: 20,
        sub_distributors: 400,
        resellers: 9_579,
        tenants: 100_000,
    };
    let (dealers, tenants) = dealerctl::server::tools::generate(&config, shape)
        .await
        .unwrap();
    assert_eq!((dealers + 1, tenants), (10_000, 100_000));
    let source = SqlStore::connect(&sqlite, PlatformPolicy::default())
        .await
        .unwrap();
    assert_eq!(source.violations().await.unwrap(), Vec::<String>::new());
    source.close().await;
    let postgres = fresh_postgres().await;
    let report = migrate_store(&sqlite, &postgres, PlatformPolicy::default())
        .await
        .unwrap();
    assert!(report.is_sound(), "{report:?}");
    let count = |t: &str| {
        report
            .tables
            .iter()
            .find(|(n, _, _)| n == t)
            .map(|(_, _, b)| *b)
    };
    assert_eq!(
        (count("dealers"), count("tenants")),
        (Some(10_000), Some(100_000))
    );
}

//! The level rule: each level creates exactly the levels below it.

use crate::helpers::*;
use dealerctl::model::*;

async fn try_create(
    client: &dealerctl::client::ApiClient,
    parent: &str,
    level: Level,
    name: &str,
) -> Result<Dealer, dealerctl::client::ClientError> {
    client
        .create_dealer(&NewDealer {
            parent_id: parent.into(),
            level,
            name: name.into(),
            ..NewDealer::default()
        })
        .await
}

on_both_backends! {
#[tokio::test]
async fn each_level_creates_exactly_the_levels_the_rule_allows() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let sub = app.dealer(&dist.id, Level::SubDistributor, 500).await;
    let res = app.dealer(&sub.id, Level::Reseller, 100).await;
    let parents = [
        (app.provider_id.as_str(), Level::Provider),
        (dist.id.as_str(), Level::Distributor),
        (sub.id.as_str(), Level::SubDistributor),
        (res.id.as_str(), Level::Reseller),
    ];
    for (parent, parent_level) in parents {
        // Signed in as an administrator of the parent itself, as a real dealer would be.
        let (_, client) = app.dealer_admin(parent).await;
        for child in Level::ALL {
            let allowed = child > parent_level && child != Level::Provider;
            let r = try_create(&client, parent, child, &app.unique("Child ")).await;
            if allowed {
                let d =
                    r.unwrap_or_else(|e| panic!("{parent_level:?} should create {child:?}: {e}"));
                assert_eq!(
                    (d.level, d.parent_id.as_deref()),
                    (child, Some(parent))
                );
            } else {
                let e = expect_err(r, 409, "level_not_allowed");
                assert_eq!(e.field(), Some("level"));
            }
        }
    }
}
}

on_both_backends! {
#[tokio::test]
async fn sibling_names_are_unique_and_a_parent_out_of_scope_is_not_found() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 10).await;
    let r = try_create(
        &app.admin,
        &app.provider_id,
        Level::Distributor,
        &dist.name.to_uppercase(),
    )
    .await;
    assert_eq!(expect_err(r, 409, "name_taken").field(), Some("name"));
    // The same name under another parent is fine.
    try_create(&app.admin, &dist.id, Level::Reseller, &dist.name)
        .await
        .unwrap();
    let r = try_create(&app.admin, "dlr_does_not_exist", Level::Reseller, "x").await;
    expect_err(r, 404, "not_found");
}
}

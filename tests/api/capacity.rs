//! Capacity: carved from the parent, refused with dimension, amount asked and amount free.

use crate::helpers::*;
use dealerctl::model::*;

on_both_backends! {
#[tokio::test]
async fn packages_are_carved_from_the_parent() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    app.dealer(&dist.id, Level::Reseller, 600).await;
    app.tenant(&dist.id, 100).await;

    let cap = app.admin.capacity(&dist.id).await.unwrap();
    assert_eq!(
        cap.extensions,
        DimensionUsage {
            package: Some(1000),
            allocated: 600,
            used: 100,
            free: Some(300),
            subtree_used: 100
        }
    );
    assert_eq!(cap.max_tenants.allocated + cap.max_tenants.used, 601);

    // A second reseller asking 400 extensions: only 300 are free at the distributor.
    let r = app
        .admin
        .create_dealer(&NewDealer {
            parent_id: dist.id.clone(),
            level: Level::Reseller,
            name: "Greedy".into(),
            package: Some(package(400)),
            ..NewDealer::default()
        })
        .await;
    let e = expect_err(r, 409, "capacity_exceeded");
    assert_eq!(
        e.field(),
        Some("max_tenants"),
        "the first dimension short is named"
    );
    let d = e.details().unwrap();
    assert_eq!(
        (
            d["asked"].as_i64(),
            d["free"].as_i64(),
            d["dealer_id"].as_str()
        ),
        (Some(400), Some(399), Some(dist.id.as_str()))
    );
    // Every dimension short is named at once, in words, with the dealer's name.
    let text = e.to_string();
    assert!(
        text.contains(&format!("{} has 399 tenants free; this needs 400", dist.name))
            && text.contains("It has 300 extensions free; this needs 400"),
        "{text}"
    );
    let also = d["also"].as_array().expect("the other dimensions short");
    assert!(
        also.iter().any(|s| s["dimension"] == "extensions"
            && s["asked"] == 400
            && s["free"] == 300),
        "{also:?}"
    );

    // Nothing changed.
    assert_eq!(app.admin.capacity(&dist.id).await.unwrap(), cap);
}
}

on_both_backends! {
#[tokio::test]
async fn raising_needs_free_capacity_above_and_cutting_stops_at_what_is_committed() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let res = app.dealer(&dist.id, Level::Reseller, 500).await;
    app.tenant(&res.id, 200).await;
    app.dealer(&dist.id, Level::Reseller, 400).await;

    // Raise beyond the distributor's free 100: refused, with the amount asked (the increase).
    let mut p = package(500);
    p.extensions = Some(700);
    let e = expect_err(
        app.admin.set_package(&res.id, None, &p).await,
        409,
        "capacity_exceeded",
    );
    assert_eq!(
        (
            e.field(),
            e.details().unwrap()["asked"].as_i64(),
            e.details().unwrap()["free"].as_i64()
        ),
        (Some("extensions"), Some(200), Some(100))
    );
    p.extensions = Some(600);
    let raised = app.admin.set_package(&res.id, None, &p).await.unwrap();
    assert_eq!(raised.package.extensions, Some(600));

    // Cut below the 200 used: refused with the exact shortfall.
    p.extensions = Some(150);
    let e = expect_err(
        app.admin.set_package(&res.id, None, &p).await,
        409,
        "package_below_usage",
    );
    assert_eq!(e.details().unwrap()["shortfall"].as_i64(), Some(50));
    p.extensions = Some(200);
    app.admin.set_package(&res.id, None, &p).await.unwrap();

    // High availability only where the parent has it; only the provider is unlimited.
    p.high_availability = true;
    let e = expect_err(
        app.admin.set_package(&res.id, None, &p).await,
        409,
        "capacity_exceeded",
    );
    assert_eq!(e.field(), Some("high_availability"));
    p.high_availability = false;
    p.extensions = None;
    let e = expect_err(
        app.admin.set_package(&res.id, None, &p).await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("extensions"));

    // A dealer never sets its own package.
    let (_, own) = app.dealer_admin(&res.id).await;
    expect_err(
        own.set_package(&res.id, None, &package(1)).await,
        403,
        "forbidden",
    );
}
}

on_both_backends! {
#[tokio::test]
async fn deleting_a_dealer_is_refused_while_it_has_children_and_returns_its_package() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let res = app.dealer(&dist.id, Level::Reseller, 300).await;
    let t = app.tenant(&res.id, 10).await;
    let e = expect_err(
        app.admin.delete_dealer(&dist.id, None).await,
        409,
        "has_children",
    );
    assert_eq!(
        (
            e.details().unwrap()["sub_dealers"].as_i64(),
            e.details().unwrap()["tenants"].as_i64()
        ),
        (Some(1), Some(0))
    );
    let e = expect_err(
        app.admin.delete_dealer(&res.id, None).await,
        409,
        "has_children",
    );
    assert_eq!(e.details().unwrap()["tenants"].as_i64(), Some(1));
    app.admin.delete_tenant(&t.id, None).await.unwrap();
    let (user, _) = app.dealer_admin(&res.id).await;
    app.admin.delete_dealer(&res.id, None).await.unwrap();
    assert_eq!(
        app.admin.capacity(&dist.id).await.unwrap().extensions.free,
        Some(1000)
    );
    expect_err(app.admin.get_user(&user.id).await, 404, "not_found");
}
}

on_both_backends! {
#[tokio::test]
async fn a_page_of_dealers_comes_with_their_capacity_in_one_request() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    let res = app.dealer(&dist.id, Level::Reseller, 10).await;
    app.tenant(&res.id, 3).await;
    let filter = DealerFilter {
        with_capacity: true,
        ..DealerFilter::default()
    };
    let listed = app.admin.list_dealers(&filter, &page()).await.unwrap();
    assert_eq!(listed.items.len(), 3);
    for d in &listed.items {
        let alone = app.admin.capacity(&d.id).await.unwrap();
        assert_eq!(d.capacity.as_ref(), Some(&alone), "{}", d.name);
    }
    // Without the flag, or without packages:read, the dealers come without it (no refusal).
    let plain = app.admin.list_dealers(&DealerFilter::default(), &page()).await.unwrap();
    assert!(plain.items.iter().all(|d| d.capacity.is_none()));
    let readers = app
        .admin
        .create_group(&NewGroup {
            dealer_id: dist.id.clone(),
            name: "Dealer readers".into(),
            permissions: vec![Permission::Crud(Area::Dealers, Action::Read)],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, reader) = app.user(&dist.id, vec![readers.id.to_string()]).await;
    let seen = reader.list_dealers(&filter, &page()).await.unwrap();
    assert_eq!(seen.items.len(), 2);
    assert!(seen.items.iter().all(|d| d.capacity.is_none()));
}
}

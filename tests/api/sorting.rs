//! `GET /dealers?sort=`: dealers ordered by level or by how full their packages are (allocated
//! to sub-dealers plus used by their own tenants), the fullest first with `desc`, every page of
//! the order reachable through its cursor; the usage orders need `packages:read`.

use crate::helpers::*;
use dealerctl::model::*;

on_both_backends! {
#[tokio::test]
async fn dealers_sort_by_how_full_their_packages_are_across_pages() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let low = app.dealer(&dist.id, Level::SubDistributor, 100).await;
    let high = app.dealer(&dist.id, Level::SubDistributor, 100).await;
    let carved = app.dealer(&dist.id, Level::SubDistributor, 100).await;
    app.tenant(&low.id, 10).await;
    app.tenant(&high.id, 80).await;
    // 40 of `carved`'s extensions (and 40 of its tenants) handed down to a reseller.
    app.dealer(&carved.id, Level::Reseller, 40).await;

    // Every page of an order, one dealer per page, by following the cursors.
    let order = |sort: DealerSort, desc: bool| {
        let admin = app.admin.clone();
        let parent = dist.id.clone();
        async move {
            let filter = DealerFilter {
                parent_id: Some(parent),
                sort: Some(sort),
                desc,
                ..DealerFilter::default()
            };
            let mut names = Vec::new();
            let mut cursor = None;
            loop {
                let page = PageParams {
                    limit: Some(1),
                    cursor: cursor.take(),
                    q: None,
                };
                let got = admin.list_dealers(&filter, &page).await.unwrap();
                assert_eq!(got.total, 3);
                names.extend(got.items.into_iter().map(|d| d.id.to_string()));
                match got.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break names,
                }
            }
        }
    };
    let ids = |ds: [&Dealer; 3]| ds.map(|d| d.id.to_string()).to_vec();
    assert_eq!(
        order(DealerSort::Extensions, true).await,
        ids([&high, &carved, &low]),
        "80 % before 40 % before 10 %"
    );
    assert_eq!(
        order(DealerSort::Extensions, false).await,
        ids([&low, &carved, &high])
    );
    assert_eq!(
        order(DealerSort::Tenants, true).await[0],
        carved.id.to_string(),
        "40 tenants handed down outweigh one tenant of its own"
    );
    assert_eq!(
        order(DealerSort::Fullest, true).await,
        ids([&high, &carved, &low]),
        "each by its fullest dimension"
    );

    // A cursor of the name order is not one of this order.
    let filter = DealerFilter {
        sort: Some(DealerSort::Fullest),
        ..DealerFilter::default()
    };
    let by_name = app
        .admin
        .list_dealers(&DealerFilter::default(), &PageParams { limit: Some(1), ..PageParams::default() })
        .await
        .unwrap();
    let page = PageParams {
        cursor: by_name.next_cursor,
        ..PageParams::default()
    };
    expect_err(app.admin.list_dealers(&filter, &page).await, 422, "invalid_field");
}
}

on_both_backends! {
#[tokio::test]
async fn ordering_by_use_needs_the_right_to_read_packages() {
    let app = TestApp::start().await;
    let mine = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    app.dealer(&mine.id, Level::Reseller, 10).await;
    let g = app
        .admin
        .create_group(&NewGroup {
            dealer_id: mine.id.clone(),
            name: "dealer readers".into(),
            permissions: vec![Permission::Crud(Area::Dealers, Action::Read)],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, reader) = app.user(&mine.id, vec![g.id.to_string()]).await;
    let sorted = |sort| DealerFilter {
        sort: Some(sort),
        desc: true,
        ..DealerFilter::default()
    };
    let page = PageParams::default();
    let err = expect_err(
        reader.list_dealers(&sorted(DealerSort::Fullest), &page).await,
        403,
        "forbidden",
    );
    assert!(err.to_string().contains("packages:read"), "{err}");
    // Level and name tell nothing of packages.
    let by_level = reader.list_dealers(&sorted(DealerSort::Level), &page).await.unwrap();
    assert_eq!(
        by_level.items.iter().map(|d| d.level).collect::<Vec<_>>(),
        [Level::Reseller, Level::Distributor],
        "levels from the bottom up when reversed"
    );
}
}

//! Scope: a dealer sees its subtree, and nothing above or beside it exists for it (404).

use crate::helpers::*;
use dealerctl::model::*;

on_both_backends! {
#[tokio::test]
async fn a_dealer_sees_its_subtree_and_nothing_beside_or_above() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let mine = app.dealer(&dist.id, Level::Reseller, 100).await;
    let sibling = app.dealer(&dist.id, Level::Reseller, 100).await;
    let my_tenant = app.tenant(&mine.id, 10).await;
    let sibling_tenant = app.tenant(&sibling.id, 10).await;
    let parent_tenant = app.tenant(&dist.id, 10).await;
    let sibling_group = app.group(&sibling.id, "default_reseller").await;
    let parent_group = app.group(&dist.id, "noc_operator").await;
    let (sibling_user, _) = app.user(&sibling.id, vec![sibling_group.id.to_string()]).await;
    let (parent_user, _) = app.user(&dist.id, vec![parent_group.id.to_string()]).await;
    let (me, client) = app.dealer_admin(&mine.id).await;

    // Lists hold only the subtree.
    let dealers = client
        .list_dealers(&DealerFilter::default(), &page())
        .await
        .unwrap();
    assert_eq!(
        dealers
            .items
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        [mine.id.as_str()]
    );
    assert_eq!(dealers.total, 1);
    let tenants = client
        .list_tenants(&TenantFilter::default(), &page())
        .await
        .unwrap();
    assert_eq!(
        tenants
            .items
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>(),
        [my_tenant.id.as_str()]
    );
    let users = client
        .list_users(&UserFilter::default(), &page())
        .await
        .unwrap();
    assert_eq!(
        users
            .items
            .iter()
            .map(|u| u.id.as_str())
            .collect::<Vec<_>>(),
        [me.id.as_str()]
    );
    let groups = client
        .list_groups(&GroupFilter::default(), &page())
        .await
        .unwrap();
    assert!(
        groups.items.iter().all(|g| g.dealer_id == mine.id),
        "{groups:?}"
    );

    // By id, a sibling's and a parent's objects are as missing as ids that never existed.
    for id in [
        sibling.id.as_str(),
        dist.id.as_str(),
        app.provider_id.as_str(),
        "dlr_nope",
    ] {
        expect_err(client.get_dealer(id).await, 404, "not_found");
        expect_err(client.capacity(id).await, 404, "not_found");
        expect_err(client.suspend_dealer(id).await, 404, "not_found");
    }
    for id in [&sibling_tenant.id, &parent_tenant.id] {
        expect_err(client.get_tenant(id).await, 404, "not_found");
        expect_err(client.delete_tenant(id, None).await, 404, "not_found");
    }
    for id in [&sibling_user.id, &parent_user.id] {
        expect_err(client.get_user(id).await, 404, "not_found");
        expect_err(client.reset_password(id).await, 404, "not_found");
    }
    for id in [&sibling_group.id, &parent_group.id] {
        expect_err(client.get_group(id).await, 404, "not_found");
    }
    // Ids in bodies and filters count too.
    let r = client
        .create_tenant(&NewTenant {
            dealer_id: sibling.id.clone(),
            name: "x".into(),
            domain: "x.pbx.example".into(),
            ..NewTenant::default()
        })
        .await;
    expect_err(r, 404, "not_found");
    let f = TenantFilter {
        dealer_id: Some(sibling.id.clone()),
        ..TenantFilter::default()
    };
    expect_err(client.list_tenants(&f, &page()).await, 404, "not_found");
    let r = client
        .create_user(&NewUser {
            dealer_id: mine.id.clone(),
            email: "x@example.net".into(),
            display_name: String::new(),
            group_ids: vec![sibling_group.id.clone()],
        })
        .await;
    expect_err(r, 404, "not_found");
    expect_err(client.tree(Some(&dist.id), 1).await, 404, "not_found");

    // The dealer's own details show no ancestor outside its scope.
    let own = client.get_dealer(&mine.id).await.unwrap();
    assert_eq!(own.path, Some(vec![]));
    // The provider's view of the same dealer shows the whole path.
    let full = app.admin.get_dealer(&mine.id).await.unwrap();
    assert_eq!(
        full.path
            .unwrap()
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>(),
        [app.provider_id.clone(), dist.id.to_string()]
    );
}
}

on_both_backends! {
#[tokio::test]
async fn the_tree_loads_lazily_within_scope() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let res = app.dealer(&dist.id, Level::Reseller, 100).await;
    let t = app.tenant(&res.id, 5).await;
    let root = app.admin.tree(None, 1).await.unwrap();
    assert_eq!(root.id, app.provider_id);
    let d = root.children.iter().find(|c| c.id == dist.id).unwrap();
    assert_eq!(
        (d.children_count, d.children.len()),
        (1, 0),
        "depth 1 does not load grandchildren"
    );
    let deep = app.admin.tree(Some(&dist.id), 2).await.unwrap();
    let r = &deep.children[0];
    assert_eq!((r.id.as_str(), r.tenants_count), (res.id.as_str(), 1));
    assert_eq!(
        (r.children[0].kind, r.children[0].id.as_str()),
        (NodeKind::Tenant, t.id.as_str())
    );
    let (_, reseller) = app.dealer_admin(&res.id).await;
    let own = reseller.tree(None, 3).await.unwrap();
    assert_eq!(own.id, res.id, "a reseller's tree starts at itself");
}
}

on_both_backends! {
#[tokio::test]
async fn the_tree_shows_a_named_tenant_beyond_its_dealers_first_leaves_only_its_own() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 1000).await;
    let other = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let strangers = app.tenant(&other.id, 1).await;
    // One more tenant than a dealer lists as leaves; the last by name is left out.
    let made = futures::future::join_all((0..501).map(|_| app.tenant(&res.id, 1))).await;
    let last = made.iter().max_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id))).unwrap();
    let leaves = |node: &TreeNode| node.children.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let plain = app.admin.tree(Some(&res.id), 1).await.unwrap();
    assert_eq!((plain.tenants_count, plain.children.len()), (501, 500));
    assert!(!leaves(&plain).contains(&last.id.to_string()));
    // Named, it is listed too, once, in its place after the others.
    let shown = app.admin.tree_showing(Some(&res.id), 1, Some(&last.id)).await.unwrap();
    assert_eq!(leaves(&shown).len(), 501);
    assert_eq!(leaves(&shown).last(), Some(&last.id.to_string()));
    // A tenant of another dealer is not smuggled in, and one already listed is not doubled.
    let smuggled = app.admin.tree_showing(Some(&res.id), 1, Some(&strangers.id)).await.unwrap();
    assert_eq!(leaves(&smuggled), leaves(&plain));
    let first = &plain.children[0].id;
    let again = app.admin.tree_showing(Some(&res.id), 1, Some(first)).await.unwrap();
    assert_eq!(leaves(&again), leaves(&plain));
}
}

on_both_backends! {
#[tokio::test]
async fn the_tree_lists_children_by_name_whatever_their_case() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    for name in ["beta Telecom", "Alpha Telecom", "charlie Telecom"] {
        app.admin
            .create_dealer(&NewDealer {
                parent_id: dist.id.clone(),
                level: Level::Reseller,
                name: name.into(),
                package: Some(package(10)),
                ..NewDealer::default()
            })
            .await
            .unwrap();
    }
    for name in ["bravo", "Able", "cobalt"] {
        app.admin
            .create_tenant(&NewTenant {
                dealer_id: dist.id.clone(),
                name: name.into(),
                domain: format!("{}.pbx.example", name.to_lowercase()),
                extensions: 1,
                ..NewTenant::default()
            })
            .await
            .unwrap();
    }
    let node = app.admin.tree(Some(&dist.id), 1).await.unwrap();
    let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
    // Sub-dealers first, then tenants, each by name with case ignored (byte order would put
    // every capital first).
    assert_eq!(
        names,
        ["Alpha Telecom", "beta Telecom", "charlie Telecom", "Able", "bravo", "cobalt"]
    );
}
}

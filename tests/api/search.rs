//! `GET /search`: a substring of a name, domain or e-mail finds objects of every kind the caller
//! may read, only in its scope, each with the dealers above it; the index follows every write.

use crate::helpers::*;
use dealerctl::model::*;

fn kinds(r: &SearchResults) -> Vec<(ObjectKind, String)> {
    r.items.iter().map(|h| (h.kind, h.id.clone())).collect()
}

on_both_backends! {
#[tokio::test]
async fn search_finds_every_kind_in_scope_with_its_path_and_follows_writes() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let mine = app.dealer(&dist.id, Level::Reseller, 100).await;
    let sibling = app.dealer(&dist.id, Level::Reseller, 100).await;
    let rename = |id: &str, name: &str| {
        let id = id.to_string();
        let name = name.to_string();
        let admin = app.admin.clone();
        async move {
            let t = admin.get_tenant(&id).await.unwrap();
            admin
                .update_tenant(
                    &id,
                    Some(t.version),
                    &TenantPatch {
                        name: Some(name),
                        ..TenantPatch::default()
                    },
                )
                .await
                .unwrap()
        }
    };
    let my_tenant = app.tenant(&mine.id, 10).await;
    let my_tenant = rename(&my_tenant.id, "Harbourside Dental").await;
    let sibling_tenant = app.tenant(&sibling.id, 10).await;
    rename(&sibling_tenant.id, "Harbourside Vets").await;
    let (me, client) = app.dealer_admin(&mine.id).await;

    // Case does not matter, a substring is enough, and only the caller's scope answers.
    let found = client.search("BOURSIDE", 20).await.unwrap();
    assert_eq!(kinds(&found), vec![(ObjectKind::Tenant, my_tenant.id.to_string())]);
    let hit = &found.items[0];
    assert_eq!(hit.name, "Harbourside Dental");
    assert_eq!(hit.detail.as_deref(), Some(my_tenant.domain.as_str()));
    assert_eq!(
        hit.path.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        [mine.id.as_str()],
        "the path starts at the caller's own dealer"
    );
    // The provider sees both, with the whole path from its own dealer down.
    let all = app.admin.search("harbourside", 20).await.unwrap();
    assert_eq!(all.items.len(), 2);
    let dental = all.items.iter().find(|h| h.id == my_tenant.id).unwrap();
    assert_eq!(
        dental.path.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        [app.provider_id.as_str(), dist.id.as_str(), mine.id.as_str()]
    );
    // Logins by e-mail, dealers by name.
    let by_email = client.search(&me.email[..8], 20).await.unwrap();
    assert!(kinds(&by_email).contains(&(ObjectKind::User, me.id.to_string())));
    let dealers = app.admin.search(&mine.name, 20).await.unwrap();
    assert!(kinds(&dealers).contains(&(ObjectKind::Dealer, mine.id.to_string())));
    // A pasted id finds its object, in scope only.
    let by_id = client.search(my_tenant.id.as_str(), 20).await.unwrap();
    assert_eq!(kinds(&by_id), vec![(ObjectKind::Tenant, my_tenant.id.to_string())]);
    let by_id = client.search(sibling_tenant.id.as_str(), 20).await.unwrap();
    assert!(by_id.items.is_empty(), "{by_id:?}");

    // The index follows a rename, a move and a delete in the same transaction.
    rename(&my_tenant.id, "Quayside Dental").await;
    assert!(client.search("harbourside", 20).await.unwrap().items.is_empty());
    assert_eq!(client.search("quaysi", 20).await.unwrap().items.len(), 1);
    app.admin.delete_tenant(&my_tenant.id, None).await.unwrap();
    assert!(client.search("quaysi", 20).await.unwrap().items.is_empty());

    // Short texts still find (without the index); a limit says there is more.
    let two = app.admin.search("de", 1).await.unwrap();
    assert_eq!(two.items.len(), 1);
    assert!(two.more);
}
}

on_both_backends! {
#[tokio::test]
async fn search_leaves_out_kinds_the_caller_may_not_read_and_needs_a_session() {
    let app = TestApp::start().await;
    let mine = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let t = app.tenant(&mine.id, 5).await;
    // A login whose only group reads users: tenants are not among its matches.
    let g = app
        .admin
        .create_group(&NewGroup {
            dealer_id: mine.id.clone(),
            name: "readers".into(),
            permissions: vec![Permission::Crud(Area::Users, Action::Read)],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, reader) = app.user(&mine.id, vec![g.id.to_string()]).await;
    assert!(reader.search(&t.name, 20).await.unwrap().items.is_empty());
    // No group at all: refused, as every read is.
    let (_, nobody) = app.user(&mine.id, vec![]).await;
    expect_err(nobody.search(&t.name, 20).await, 403, "forbidden");
    expect_err(app.anon().search("x", 5).await, 401, "unauthenticated");
    expect_err(app.admin.search("", 5).await, 422, "invalid_field");
}
}

on_both_backends! {
#[tokio::test]
async fn a_lists_search_finds_by_name_or_domain_but_not_across_the_two() {
    let app = TestApp::start().await;
    let mine = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let t = app.tenant(&mine.id, 5).await;
    let t = app
        .admin
        .update_tenant(
            &t.id,
            Some(t.version),
            &TenantPatch {
                name: Some("Harbourside Dental".into()),
                ..TenantPatch::default()
            },
        )
        .await
        .unwrap();
    let list = |q: &str| {
        let admin = app.admin.clone();
        let page = PageParams {
            q: Some(q.to_string()),
            ..PageParams::default()
        };
        async move {
            let got = admin
                .list_tenants(&TenantFilter::default(), &page)
                .await
                .unwrap();
            got.items.into_iter().map(|t| t.id.to_string()).collect::<Vec<_>>()
        }
    };
    let me = vec![t.id.to_string()];
    assert_eq!(list("BOURSIDE DEN").await, me, "any case, inside the name");
    assert_eq!(list(&t.domain.to_uppercase()[2..]).await, me, "inside the domain");
    // The name's end and the domain's start are neighbours in the index, but no column holds both.
    let across = format!("dental {}", &t.domain[..4]);
    assert!(list(&across).await.is_empty(), "{across}");
}
}

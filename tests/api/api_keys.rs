//! API keys: a key acts in its owner's scope with the permissions it holds and no more, is
//! audited as itself, is kept only as a hash, and stops at once when revoked, when it expires,
//! when its owner is disabled or suspended, or when its owner loses a permission it holds.

use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::model::*;
use sqlx::Row;

fn perms(names: &[&str]) -> Vec<Permission> {
    names.iter().map(|p| p.parse().unwrap()).collect()
}

fn new_key(name: &str, names: &[&str]) -> NewApiKey {
    NewApiKey {
        name: name.into(),
        permissions: perms(names),
        expires_at: None,
    }
}

/// A client that sends the key's secret as its bearer token.
fn with_key(app: &TestApp, created: &CreatedApiKey) -> ApiClient {
    app.anon().with_token(created.secret.clone())
}

/// The database of the test server, read directly.
async fn db(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.config.database)
        .await
        .expect("the test database opens")
}

async fn sql(app: &TestApp, statement: &str) {
    let pool = db(app).await;
    sqlx::query(statement).execute(&pool).await.unwrap();
    pool.close().await;
}

/// A distributor with a tenant, its administrator, and a sibling distributor with a tenant.
struct World {
    dist: Dealer,
    tenant: Tenant,
    owner: User,
    owner_client: ApiClient,
    sibling_tenant: Tenant,
}

async fn world(app: &TestApp) -> World {
    let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    let tenant = app.tenant(&dist.id, 5).await;
    let (owner, owner_client) = app.dealer_admin(&dist.id).await;
    let sibling = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    let sibling_tenant = app.tenant(&sibling.id, 5).await;
    World {
        dist,
        tenant,
        owner,
        owner_client,
        sibling_tenant,
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_key_does_what_it_holds_in_its_owners_scope_and_is_audited_as_itself() {
        let app = TestApp::start().await;
        let w = world(&app).await;
        let created = w
            .owner_client
            .create_api_key(&new_key("deploy", &["tenants:read", "tenants:create"]))
            .await
            .unwrap();
        assert!(created.secret.starts_with("dk_"), "{}", created.secret);
        assert_eq!(created.key.permissions, perms(&["tenants:read", "tenants:create"]));
        assert_eq!(created.key.last_used_at, None);
        let key = with_key(&app, &created);

        // What it holds, in the owner's scope.
        key.get_tenant(&w.tenant.id).await.unwrap();
        let t = key
            .create_tenant(&NewTenant {
                dealer_id: w.dist.id.clone(),
                name: "by-key".into(),
                domain: "by-key.pbx.example".into(),
                extensions: 1,
                ..NewTenant::default()
            })
            .await
            .unwrap();
        // Outside its scope: not found, as for its owner.
        expect_err(key.get_tenant(&w.sibling_tenant.id).await, 404, "not_found");
        // What the owner holds but the key does not: forbidden.
        let e = expect_err(key.list_users(&UserFilter::default(), &page()).await, 403, "forbidden");
        assert_eq!(e.details().unwrap()["permission"], "users:read");
        expect_err(key.delete_tenant(&t.id, None).await, 403, "forbidden");
        // It can read what it is.
        let me = key.me().await.unwrap();
        assert_eq!(me.user.id, w.owner.id);
        assert_eq!(me.permissions, created.key.permissions);

        // The write is on the record with the owner and the key.
        let events = app
            .admin
            .audit(
                &AuditFilter {
                    object_id: Some(t.id.to_string()),
                    action: Some("tenant.create".into()),
                    ..AuditFilter::default()
                },
                &page(),
            )
            .await
            .unwrap();
        let e = &events.items[0];
        assert_eq!(e.actor_id.as_deref(), Some(w.owner.id.as_str()));
        assert_eq!(e.api_key_id.as_deref(), Some(created.key.id.as_str()));
        assert_eq!(e.api_key_name.as_deref(), Some("deploy"));

        // Its last use shows; its secret never does again.
        let listed = w.owner_client.list_api_keys().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, created.key.id);
        assert!(listed[0].last_used_at.is_some());
        let raw = serde_json::to_string(&listed).unwrap();
        assert!(!raw.contains(&created.secret) && !raw.contains("secret"), "{raw}");

        // The database holds the hash of the secret, never the secret.
        let pool = db(&app).await;
        let rows = sqlx::query("SELECT * FROM api_keys").fetch_all(&pool).await.unwrap();
        assert_eq!(rows.len(), 1);
        let hash: String = rows[0].try_get("token_hash").unwrap();
        use sha2::Digest;
        assert_eq!(hash, hex::encode(sha2::Sha256::digest(created.secret.as_bytes())));
        for i in 0..rows[0].len() {
            if let Ok(Some(text)) = rows[0].try_get::<Option<String>, _>(i) {
                assert!(!text.contains(&created.secret[3..]), "column {i} holds the secret");
            }
        }
        pool.close().await;
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_key_stops_at_once_when_revoked_expired_or_its_owner_may_no_longer_act() {
        let app = TestApp::start().await;
        let w = world(&app).await;
        let make = async |name: &str| {
            let c = w
                .owner_client
                .create_api_key(&new_key(name, &["tenants:read"]))
                .await
                .unwrap();
            let client = with_key(&app, &c);
            client.get_tenant(&w.tenant.id).await.unwrap();
            (c, client)
        };

        // Revoked.
        let (revoked, client) = make("revoked").await;
        w.owner_client.revoke_api_key(&revoked.key.id).await.unwrap();
        expect_err(client.get_tenant(&w.tenant.id).await, 401, "unauthenticated");
        expect_err(w.owner_client.revoke_api_key(&revoked.key.id).await, 404, "not_found");

        // Expired (its expiry moved into the past).
        let (expiring, client) = make("expiring").await;
        sql(&app, &format!("UPDATE api_keys SET expires_at = 1 WHERE id = '{}'", expiring.key.id)).await;
        expect_err(client.get_tenant(&w.tenant.id).await, 401, "unauthenticated");

        // The owner loses a permission the key holds: the whole key is refused, naming it.
        let (narrowed, client) = make("narrowed").await;
        let admins = w.owner.group_ids.clone();
        let writers = app
            .admin
            .create_group(&NewGroup {
                dealer_id: w.dist.id.clone(),
                name: "Writers".into(),
                permissions: perms(&["tenants:create", "users:read"]),
                ..NewGroup::default()
            })
            .await
            .unwrap();
        let regroup = async |groups: Vec<GroupId>| {
            app.admin
                .update_user(&w.owner.id, None, &UserPatch { group_ids: Some(groups), ..UserPatch::default() })
                .await
                .unwrap();
        };
        regroup(vec![writers.id.clone()]).await;
        let e = expect_err(client.get_tenant(&w.tenant.id).await, 401, "unauthenticated");
        assert!(e.to_string().contains("tenants:read") && e.to_string().contains("narrowed"), "{e}");
        // Back in the group, the key works again (it was refused, not changed).
        regroup(admins).await;
        client.get_tenant(&w.tenant.id).await.unwrap();
        assert_eq!(narrowed.key.permissions, perms(&["tenants:read"]));

        // The owner's dealer is suspended, then resumed.
        let (_, client) = make("suspended").await;
        app.admin.suspend_dealer(&w.dist.id).await.unwrap();
        expect_err(client.get_tenant(&w.tenant.id).await, 401, "unauthenticated");
        app.admin.resume_dealer(&w.dist.id).await.unwrap();
        client.get_tenant(&w.tenant.id).await.unwrap();

        // The owner is disabled.
        app.admin
            .update_user(&w.owner.id, None, &UserPatch { enabled: Some(false), ..UserPatch::default() })
            .await
            .unwrap();
        expect_err(client.get_tenant(&w.tenant.id).await, 401, "unauthenticated");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn keys_are_made_within_the_owner_and_never_by_a_key() {
        let app = TestApp::start().await;
        let w = world(&app).await;
        let c = &w.owner_client;

        // No more than the owner holds.
        let readers = app
            .admin
            .create_group(&NewGroup {
                dealer_id: w.dist.id.clone(),
                name: "Readers".into(),
                permissions: perms(&["tenants:read"]),
                ..NewGroup::default()
            })
            .await
            .unwrap();
        let (_, reader) = app.user(&w.dist.id, vec![readers.id.to_string()]).await;
        let e = expect_err(reader.create_api_key(&new_key("wide", &["tenants:read", "impersonate"])).await, 403, "forbidden");
        assert_eq!(e.details().unwrap()["missing"], serde_json::json!(["impersonate"]));
        // The fields.
        let e = expect_err(c.create_api_key(&new_key(" ", &["tenants:read"])).await, 422, "invalid_field");
        assert_eq!(e.field(), Some("name"));
        let e = expect_err(c.create_api_key(&new_key("none", &[])).await, 422, "invalid_field");
        assert_eq!(e.field(), Some("permissions"));
        let past = NewApiKey {
            expires_at: Some(time::OffsetDateTime::now_utc() - time::Duration::hours(1)),
            ..new_key("past", &["tenants:read"])
        };
        let e = expect_err(c.create_api_key(&past).await, 422, "invalid_field");
        assert_eq!(e.field(), Some("expires_at"));
        // A time the server could not write back is refused too.
        let far = NewApiKey {
            expires_at: Some(time::macros::datetime!(9999-12-31 23:59 -01:00)),
            ..new_key("far", &["tenants:read"])
        };
        let e = expect_err(c.create_api_key(&far).await, 422, "invalid_field");
        assert_eq!(e.field(), Some("expires_at"));
        // One live key per name.
        let future = NewApiKey {
            expires_at: Some(time::OffsetDateTime::now_utc() + time::Duration::days(30)),
            ..new_key("ci", &["tenants:read"])
        };
        let created = c.create_api_key(&future).await.unwrap();
        assert!(created.key.expires_at.is_some());
        expect_err(c.create_api_key(&new_key("CI", &["tenants:read"])).await, 409, "name_taken");

        // A key cannot make keys, revoke them, sign out or view as anyone.
        let key = with_key(&app, &created);
        let e = expect_err(key.create_api_key(&new_key("more", &["tenants:read"])).await, 403, "forbidden");
        assert!(e.to_string().contains("sign in with a password"), "{e}");
        expect_err(key.revoke_api_key(&created.key.id).await, 403, "forbidden");
        let e = expect_err(key.logout().await, 403, "forbidden");
        assert!(e.to_string().contains("DELETE /api-keys/"), "{e}");
        // It may still list its owner's keys, and it still works.
        assert_eq!(key.list_api_keys().await.unwrap().len(), 1);

        // Someone else's key is not found, even for an administrator above.
        expect_err(app.admin.revoke_api_key(&created.key.id).await, 404, "not_found");
        assert!(app.admin.list_api_keys().await.unwrap().is_empty());
        // A login with no group has nothing to give.
        let (_, nobody) = app.user(&w.dist.id, vec![]).await;
        expect_err(nobody.create_api_key(&new_key("x", &["tenants:read"])).await, 403, "forbidden");

        // Creation and revocation are on the record, without the secret.
        c.revoke_api_key(&created.key.id).await.unwrap();
        assert!(c.list_api_keys().await.unwrap().is_empty());
        let events = app
            .admin
            .audit(&AuditFilter { object_id: Some(created.key.id.to_string()), ..AuditFilter::default() }, &page())
            .await
            .unwrap();
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["api_key.revoke", "api_key.create"]);
        for e in &events.items {
            assert_eq!(e.object_type, "api_key");
            assert_eq!(e.object_name.as_deref(), Some("ci"));
            assert_eq!(e.api_key_id, None, "made with a password session");
            let text = serde_json::to_string(e).unwrap();
            assert!(!text.contains(&created.secret), "{text}");
        }
        // The name is free again once the key is revoked.
        c.create_api_key(&new_key("ci", &["tenants:read"])).await.unwrap();
    }
}

//! Default deny and no escalation.

use crate::helpers::*;
use dealerctl::client::ApiClient;
use dealerctl::model::*;

/// Every call a signed-in user could make, by name, with a real id where one is needed.
async fn every_call(
    c: &ApiClient,
    dealer: &str,
    tenant: &str,
    user: &str,
    group: &str,
) -> Vec<(&'static str, Option<u16>)> {
    let p = page();
    vec![
        (
            "list dealers",
            c.list_dealers(&DealerFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get dealer",
            c.get_dealer(dealer).await.err().and_then(|e| e.status()),
        ),
        (
            "create dealer",
            c.create_dealer(&NewDealer {
                parent_id: dealer.into(),
                level: Level::Reseller,
                name: "x".into(),
                ..NewDealer::default()
            })
            .await
            .err()
            .and_then(|e| e.status()),
        ),
        (
            "update dealer",
            c.update_dealer(dealer, None, &DealerPatch::default())
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "capacity",
            c.capacity(dealer).await.err().and_then(|e| e.status()),
        ),
        ("tree", c.tree(None, 1).await.err().and_then(|e| e.status())),
        (
            "list tenants",
            c.list_tenants(&TenantFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get tenant",
            c.get_tenant(tenant).await.err().and_then(|e| e.status()),
        ),
        (
            "create tenant",
            c.create_tenant(&NewTenant {
                dealer_id: dealer.into(),
                name: "x".into(),
                domain: "x.pbx.example".into(),
                ..NewTenant::default()
            })
            .await
            .err()
            .and_then(|e| e.status()),
        ),
        (
            "suspend tenant",
            c.suspend_tenant(tenant)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "delete tenant",
            c.delete_tenant(tenant, None)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "list users",
            c.list_users(&UserFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get user",
            c.get_user(user).await.err().and_then(|e| e.status()),
        ),
        (
            "reset password",
            c.reset_password(user).await.err().and_then(|e| e.status()),
        ),
        (
            "list groups",
            c.list_groups(&GroupFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
        (
            "get group",
            c.get_group(group).await.err().and_then(|e| e.status()),
        ),
        (
            "create group",
            c.create_group(&NewGroup {
                dealer_id: dealer.into(),
                name: "x".into(),
                ..NewGroup::default()
            })
            .await
            .err()
            .and_then(|e| e.status()),
        ),
        (
            "permissions",
            c.permissions().await.err().and_then(|e| e.status()),
        ),
        (
            "templates",
            c.group_templates().await.err().and_then(|e| e.status()),
        ),
        (
            "audit",
            c.audit(&AuditFilter::default(), &p)
                .await
                .err()
                .and_then(|e| e.status()),
        ),
    ]
}

on_both_backends! {
#[tokio::test]
async fn a_user_without_a_group_may_do_nothing_but_see_itself_and_sign_out() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let t = app.tenant(&res.id, 5).await;
    let g = app.group(&res.id, "default_reseller").await;
    let (other, _) = app.user(&res.id, vec![g.id.to_string()]).await;
    let (nobody, client) = app.user(&res.id, vec![]).await;
    for (call, status) in every_call(&client, &res.id, &t.id, &other.id, &g.id).await {
        assert_eq!(
            status,
            Some(403),
            "{call} must be forbidden without a group"
        );
    }
    let me = client.me().await.unwrap();
    assert_eq!(
        (me.user.id, me.permissions.len(), me.groups.len()),
        (nobody.id, 0, 0)
    );
    client.logout().await.unwrap();
    expect_err(client.me().await, 401, "unauthenticated");
    // The same calls with a group succeed (the test above can fail).
    let (_, admin) = app.dealer_admin(&res.id).await;
    let ok: Vec<_> = every_call(&admin, &res.id, &t.id, &other.id, &g.id)
        .await
        .into_iter()
        .filter(|(_, s)| s.is_none())
        .collect();
    assert!(ok.len() > 10, "{ok:?}");
}
}

on_both_backends! {
#[tokio::test]
async fn nobody_grants_what_it_does_not_hold() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let narrow = app
        .admin
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Group managers".into(),
            permissions: vec![
                "groups:read".parse().unwrap(),
                "groups:create".parse().unwrap(),
                "groups:update".parse().unwrap(),
                "users:read".parse().unwrap(),
                "users:update".parse().unwrap(),
                "users:create".parse().unwrap(),
            ],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (me, client) = app.user(&res.id, vec![narrow.id.to_string()]).await;
    // Creating a group with a permission it lacks.
    let r = client
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Escalate".into(),
            permissions: vec!["tenants:delete".parse().unwrap()],
            ..NewGroup::default()
        })
        .await;
    let e = expect_err(r, 403, "forbidden");
    assert_eq!(
        e.details().unwrap()["missing"],
        serde_json::json!(["tenants:delete"])
    );
    // From a template wider than itself.
    let r = client
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Admins".into(),
            template: Some("dealer_admin".into()),
            ..NewGroup::default()
        })
        .await;
    expect_err(r, 403, "forbidden");
    // Widening its own group.
    let mut wider = narrow.permissions.clone();
    wider.push("impersonate".parse().unwrap());
    expect_err(
        client
            .update_group(
                &narrow.id,
                None,
                &GroupPatch {
                    permissions: Some(wider),
                    ..GroupPatch::default()
                },
            )
            .await,
        403,
        "forbidden",
    );
    // Joining a wider group, or putting a new user into one.
    let admins = app.group(&res.id, "dealer_admin").await;
    let r = client
        .update_user(
            &me.id,
            None,
            &UserPatch {
                group_ids: Some(vec![narrow.id.clone(), admins.id.clone()]),
                ..UserPatch::default()
            },
        )
        .await;
    expect_err(r, 403, "forbidden");
    let r = client
        .create_user(&NewUser {
            dealer_id: res.id.clone(),
            email: "new@example.net".into(),
            display_name: String::new(),
            group_ids: vec![admins.id.clone()],
        })
        .await;
    expect_err(r, 403, "forbidden");
    // Within its own permissions it may.
    let sub = vec!["users:read".parse().unwrap()];
    client
        .create_group(&NewGroup {
            dealer_id: res.id.clone(),
            name: "Readers".into(),
            permissions: sub,
            ..NewGroup::default()
        })
        .await
        .unwrap();
    assert_eq!(
        app.admin.get_group(&narrow.id).await.unwrap().permissions,
        narrow.permissions
    );
}
}

/// A value for a schema of the OpenAPI document: every required property filled with a
/// plausible value of its type (the first of an enum), so that a request passes decoding and
/// meets the permission check.
fn sample(schema: &serde_json::Value, doc: &serde_json::Value, depth: usize) -> serde_json::Value {
    use serde_json::{Value, json};
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or_default();
        return sample(&doc["components"]["schemas"][name], doc, depth + 1);
    }
    for alt in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema[alt]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["type"] != "null"))
        {
            return sample(first, doc, depth + 1);
        }
    }
    if let Some(v) = schema["enum"].as_array().and_then(|e| e.first()) {
        return v.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds
            .iter()
            .find(|k| *k != "null")
            .and_then(|k| k.as_str())
            .unwrap_or("null")
            .to_string(),
        Value::String(k) => k.clone(),
        _ if schema["properties"].is_object() => "object".into(),
        _ => "null".into(),
    };
    match kind.as_str() {
        "object" => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap_or_default();
                out.insert(
                    name.to_string(),
                    sample(&schema["properties"][name], doc, depth + 1),
                );
            }
            Value::Object(out)
        }
        "string" => json!("x"),
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        _ => Value::Null,
    }
}

/// The routes anyone may call, and those any signed-in login may (its own `/me`, sign-out, the
/// list of its own API keys).
const PUBLIC: [&str; 2] = ["POST /api/v1/auth/login", "POST /api/v1/auth/activate"];
const ANY_LOGIN: [&str; 3] = [
    "GET /api/v1/me",
    "POST /api/v1/auth/logout",
    "GET /api/v1/api-keys",
];

on_both_backends! {
#[tokio::test]
async fn every_documented_operation_refuses_strangers_and_logins_without_a_group() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (_, nobody) = app.user(&res.id, vec![]).await;
    let doc = app.admin.openapi().await.unwrap();
    let http = reqwest::Client::new();
    let mut swept = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            if op["security"].as_array().is_none_or(|s| s.is_empty()) {
                assert!(PUBLIC.contains(&name.as_str()), "{name} is public: say so in PUBLIC, or declare a permission");
                continue;
            }
            if ANY_LOGIN.contains(&name.as_str()) {
                continue;
            }
            let url_path = path.replace("{id}", "x");
            let mut query = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "query" && p["required"] == true {
                    let v = sample(&p["schema"], &doc, 0);
                    query.push((p["name"].as_str().unwrap().to_string(), v.to_string().trim_matches('"').to_string()));
                }
            }
            let body = op["requestBody"]["content"]["application/json"]["schema"].clone();
            let send = |token: Option<&str>| {
                let mut r = http
                    .request(method.to_uppercase().parse().unwrap(), format!("{}{url_path}", app.server.url()))
                    .query(&query);
                if !body.is_null() {
                    r = r.json(&sample(&body, &doc, 0));
                } else if op["requestBody"].is_object() {
                    r = r.header("content-type", "text/csv").body("44,UK,0.01,0,60,60\n");
                }
                if let Some(t) = token {
                    r = r.bearer_auth(t);
                }
                r.send()
            };
            let stranger = send(None).await.unwrap().status().as_u16();
            assert_eq!(stranger, 401, "{name} without a token");
            let r = send(nobody.token()).await.unwrap();
            let status = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            assert!(matches!(status, 403 | 404), "{name} for a login with no group: {status} {text}");
            swept += 1;
        }
    }
    assert!(swept >= 40, "the sweep covered {swept} operations");
}
}

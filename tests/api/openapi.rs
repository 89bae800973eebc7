//! The OpenAPI document is generated from the routes and covers every one of them.

use crate::helpers::*;
use serde_json::Value;

/// The contract's endpoints (API.md) that this server implements.
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/activate"),
    ("post", "/api/v1/auth/impersonate"),
    ("get", "/api/v1/users/{id}/scope"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/dealers"),
    ("post", "/api/v1/dealers"),
    ("get", "/api/v1/dealers/{id}"),
    ("patch", "/api/v1/dealers/{id}"),
    ("delete", "/api/v1/dealers/{id}"),
    ("post", "/api/v1/dealers/{id}/suspend"),
    ("post", "/api/v1/dealers/{id}/resume"),
    ("get", "/api/v1/dealers/{id}/capacity"),
    ("put", "/api/v1/dealers/{id}/package"),
    ("get", "/api/v1/tree"),
    ("get", "/api/v1/tenants"),
    ("post", "/api/v1/tenants"),
    ("get", "/api/v1/tenants/{id}"),
    ("patch", "/api/v1/tenants/{id}"),
    ("delete", "/api/v1/tenants/{id}"),
    ("post", "/api/v1/tenants/{id}/suspend"),
    ("post", "/api/v1/tenants/{id}/resume"),
    ("post", "/api/v1/tenants/{id}/move"),
    ("get", "/api/v1/rate-cards"),
    ("post", "/api/v1/rate-cards"),
    ("get", "/api/v1/rate-cards/{id}"),
    ("patch", "/api/v1/rate-cards/{id}"),
    ("delete", "/api/v1/rate-cards/{id}"),
    ("get", "/api/v1/rate-cards/{id}/rates"),
    ("put", "/api/v1/rate-cards/{id}/rates"),
    ("post", "/api/v1/rate-cards/{id}/assign"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("delete", "/api/v1/users/{id}"),
    ("post", "/api/v1/users/{id}/reset-password"),
    ("get", "/api/v1/permissions"),
    ("get", "/api/v1/groups"),
    ("post", "/api/v1/groups"),
    ("get", "/api/v1/groups/{id}"),
    ("patch", "/api/v1/groups/{id}"),
    ("delete", "/api/v1/groups/{id}"),
    ("get", "/api/v1/group-templates"),
    ("get", "/api/v1/audit"),
];

on_both_backends! {
#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_is_served() {
    let app = TestApp::start().await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                documented.push((method.to_string(), path.clone()));
            }
        }
    }
    for (m, p) in CONTRACT {
        assert!(
            documented.contains(&(m.to_string(), p.to_string())),
            "{m} {p} is not in the OpenAPI document"
        );
    }
    // Each documented operation is really routed: never the router's own 404 or 405.
    let http = reqwest::Client::new();
    for (method, path) in &documented {
        let url = format!("{}{}", app.server.url(), path.replace("{id}", "dlr_x"));
        let r = http
            .request(method.to_uppercase().parse().unwrap(), &url)
            .bearer_auth(app.admin.token().unwrap())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        let router_miss =
            (status == 404 && body["error"]["message"] == "no such route") || status == 405;
        assert!(
            !router_miss,
            "{method} {path} is documented but not served ({status})"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // The endpoints that ask before harm take `dry_run` and document the impact they answer.
    let impact = &doc["components"]["schemas"]["Impact"]["properties"];
    for field in ["dealers", "tenants", "logins", "permissions_removed", "rates"] {
        assert!(impact[field].is_object(), "Impact documents {field}");
    }
    assert!(doc["components"]["schemas"]["RatesImpact"]["properties"]["derived_cards"].is_object());
    for (method, path) in [
        ("post", "/api/v1/dealers/{id}/suspend"),
        ("post", "/api/v1/dealers/{id}/resume"),
        ("delete", "/api/v1/dealers/{id}"),
        ("post", "/api/v1/tenants/{id}/suspend"),
        ("post", "/api/v1/tenants/{id}/resume"),
        ("delete", "/api/v1/tenants/{id}"),
        ("patch", "/api/v1/users/{id}"),
        ("patch", "/api/v1/groups/{id}"),
        ("put", "/api/v1/rate-cards/{id}/rates"),
    ] {
        let op = &paths[path][method];
        let params = op["parameters"].as_array().unwrap();
        assert!(
            params.iter().any(|p| p["name"] == "dry_run" && p["in"] == "query"),
            "{method} {path} takes dry_run"
        );
        assert!(
            op["responses"]["200"].to_string().contains("Impact"),
            "{method} {path} documents the impact"
        );
    }
}
}

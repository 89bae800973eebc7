//! Every error has the contract's shape, including the ones axum would make on its own.

use crate::helpers::*;
use serde_json::Value;

/// The status and error object of an answer, checking the shape every error must have.
async fn error_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.expect("error bodies are JSON");
    let e = body["error"].clone();
    assert!(e["code"].as_str().is_some_and(|c| !c.is_empty()), "{body}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(e["details"].is_object(), "{body}");
    (status, e)
}

on_both_backends! {
#[tokio::test]
async fn malformed_requests_unknown_routes_and_missing_tokens_answer_in_shape() {
    let app = TestApp::start().await;
    let http = reqwest::Client::new();
    let base = format!("{}/api/v1", app.server.url());
    let token = app.admin.token().unwrap().to_string();

    let (s, e) = error_of(
        http.post(format!("{base}/dealers"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (400, Some("bad_request")));
    let (s, e) = error_of(
        http.post(format!("{base}/dealers"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "parent_id": 5 }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (422, Some("invalid_field")));
    let (s, e) = error_of(
        http.get(format!("{base}/no-such-thing"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (404, Some("not_found")));
    let (s, e) = error_of(
        http.put(format!("{base}/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (405, Some("method_not_allowed")));
    let (s, e) = error_of(http.get(format!("{base}/me")).send().await.unwrap()).await;
    assert_eq!((s, e["code"].as_str()), (401, Some("unauthenticated")));
    let (s, e) = error_of(
        http.get(format!("{base}/me"))
            .bearer_auth("forged")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (401, Some("unauthenticated")));
    let (s, e) = error_of(
        http.get(format!("{base}/dealers?limit=abc"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (400, Some("bad_request")));
    let (s, e) = error_of(
        http.patch(format!("{base}/dealers/{}", app.provider_id))
            .bearer_auth(&token)
            .header("if-match", "soon")
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (400, Some("bad_request")));
}
}

on_both_backends! {
#[tokio::test]
async fn health_and_readiness_answer_without_auth_and_requests_carry_an_id() {
    let app = TestApp::start().await;
    let http = reqwest::Client::new();
    for path in ["/healthz", "/readyz"] {
        let r = http
            .get(format!("{}{path}", app.server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers().contains_key("x-request-id"));
    }
}
}

//! The server as an attacker meets it: bodies limited before they are read, password hashing
//! and sign-in throttling that cannot be turned against users, view-as that ends with its viewer,
//! no acting on someone more powerful, input hygiene, and roles that do what their names say.

use crate::helpers::*;
use dealerctl::model::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends raw request bytes and returns the status of the answer, read within 10 seconds.
async fn raw_status(app: &TestApp, head: &str, body: &[u8]) -> u16 {
    let addr = app.server.url().trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (and close) before the body is all sent: that is the point.
    let _ = s.write_all(body).await;
    let mut buf = vec![0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
        .await
        .expect("the server answers")
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

async fn post_json(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut r = reqwest::Client::new()
        .post(format!("{}/api/v1{path}", app.server.url()))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

/// An empty carrier card of the provider.
async fn carrier_card(app: &TestApp) -> RateCard {
    app.admin
        .create_rate_card(&NewRateCard {
            dealer_id: app.provider_id.clone().into(),
            name: "Carrier".into(),
            currency: Some("EUR".into()),
            kind: Some(RateCardKind::Carrier),
            ..NewRateCard::default()
        })
        .await
        .unwrap()
}

async fn code_of(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    (
        status,
        body["error"]["code"].as_str().unwrap_or("-").to_string(),
    )
}

on_both_backends! {
#[tokio::test]
async fn bodies_are_limited_before_they_are_read() {
    let app = TestApp::start().await;
    // Without a session: 16 KiB.
    let big = format!(r#"{{"email":"{}@x.example","password":"p"}}"#, "a".repeat(17 * 1024));
    let r = post_json(&app, "/auth/login", None, big.into_bytes()).await;
    assert_eq!(code_of(r).await, (413, "payload_too_large".into()));
    // With a session: 1 MiB of JSON.
    let token = app.admin.token().unwrap().to_string();
    let big = format!(r#"{{"parent_id":"x","level":"reseller","name":"{}"}}"#, "a".repeat(1024 * 1024));
    let r = post_json(&app, "/dealers", Some(&token), big.into_bytes()).await;
    assert_eq!(code_of(r).await, (413, "payload_too_large".into()));
    // A body announced larger than the route takes is refused before a byte of it is sent.
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 63000000\r\n\r\n";
    assert_eq!(raw_status(&app, head, b"").await, 413);
    // The CSV import reads nothing before the token and the permission are checked.
    let head = "PUT /api/v1/rate-cards/rc_x/rates HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\ncontent-length: 60000000\r\n\r\n";
    assert_eq!(raw_status(&app, head, b"").await, 401);
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (_, reseller) = app.dealer_admin(&res.id).await;
    let carrier = carrier_card(&app).await;
    let head = format!(
        "PUT /api/v1/rate-cards/{}/rates HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-type: text/csv\r\ncontent-length: 60000000\r\n\r\n",
        carrier.id,
        reseller.token().unwrap()
    );
    assert_eq!(raw_status(&app, &head, b"").await, 404, "out of scope, unread");
    let head = format!(
        "PUT /api/v1/rate-cards/{}/rates HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\ncontent-type: text/csv\r\ncontent-length: 70000000\r\n\r\n",
        carrier.id
    );
    assert_eq!(raw_status(&app, &head, b"").await, 413, "over 64 MiB, unread");
    // Within the limit, the import works as before.
    let imported = app
        .admin
        .import_rates(&carrier.id, "44,UK,0.01,0,60,60\n".into())
        .await
        .unwrap();
    assert_eq!(imported.imported, 1);
}
}

on_both_backends! {
#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off() {
    let app = TestApp::start_with(|c| c.body_timeout_seconds = 1).await;
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
    // Ten of the hundred announced bytes, then nothing: the server gives up (408).
    assert_eq!(raw_status(&app, head, b"{\"email\":").await, 408);
}
}

on_both_backends! {
#[tokio::test]
async fn made_up_activation_tokens_cost_no_hashing_and_are_throttled() {
    let app = TestApp::start().await;
    let body = |i: usize| {
        serde_json::to_vec(&serde_json::json!({
            "token": format!("made-up-token-{i}"),
            "password": "a long enough password",
        }))
        .unwrap()
    };
    let answers = futures::future::join_all((0..64).map(|i| post_json(&app, "/auth/activate", None, body(i)))).await;
    let mut codes = Vec::new();
    for r in answers {
        codes.push(code_of(r).await);
    }
    // No argon2 ran for a token that does not exist, so no request waited for a hashing slot.
    assert!(!codes.iter().any(|(s, _)| *s == 503), "{codes:?}");
    let invalid = codes.iter().filter(|c| c.1 == "invalid_field").count();
    let limited = codes.iter().filter(|c| c.1 == "rate_limited").count();
    assert_eq!(invalid + limited, 64, "{codes:?}");
    assert_eq!(invalid, 20, "the address's free failures, then back-off");
    // A real link from elsewhere still works: the back-off is per address.
}
}

/// A client that says it comes from `addr`, through a trusted proxy on loopback.
async fn login_from(app: &TestApp, addr: &str, email: &str, password: &str) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", app.server.url()))
        .header("x-forwarded-for", addr)
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    code_of(r).await
}

on_both_backends! {
#[tokio::test]
async fn an_attacker_cannot_lock_anyone_out() {
    let app = TestApp::start_with(|c| c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()]).await;
    let attacker = "198.51.100.66";
    for _ in 0..5 {
        assert_eq!(login_from(&app, attacker, ADMIN_EMAIL, "a wrong guess").await.1, "invalid_credentials");
    }
    // The attacker now waits, for this account…
    assert_eq!(login_from(&app, attacker, ADMIN_EMAIL, "another guess").await.1, "rate_limited");
    // …and the real user, from its own address, signs in at once.
    assert_eq!(login_from(&app, "203.0.113.5", ADMIN_EMAIL, PASSWORD).await.0, 200);

    // Failing on many accounts slows the attacker's address down, and only it.
    let spray = "198.51.100.99";
    let mut limited_at = None;
    for i in 0..25 {
        let (_, code) = login_from(&app, spray, &format!("victim{i}@example.net"), "guess guess").await;
        if code == "rate_limited" {
            limited_at = Some(i);
            break;
        }
    }
    assert_eq!(limited_at, Some(20), "the address's free failures, then back-off");
    assert_eq!(login_from(&app, spray, ADMIN_EMAIL, PASSWORD).await.1, "rate_limited");
    assert_eq!(login_from(&app, "203.0.113.6", ADMIN_EMAIL, PASSWORD).await.0, 200);
}
}

on_both_backends! {
#[tokio::test]
async fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
    // No trusted proxies: the header is the client's own words and is ignored, so rotating it
    // does not escape the back-off.
    let app = TestApp::start().await;
    for i in 0..5 {
        let (_, code) = login_from(&app, &format!("203.0.113.{i}"), ADMIN_EMAIL, "a wrong guess").await;
        assert_eq!(code, "invalid_credentials");
    }
    assert_eq!(login_from(&app, "203.0.113.200", ADMIN_EMAIL, PASSWORD).await.1, "rate_limited");
    let failed = app
        .admin
        .audit(&AuditFilter { action: Some("auth.sign_in_failed".into()), ..AuditFilter::default() }, &page())
        .await
        .unwrap();
    assert!(failed.items.iter().all(|e| e.client_addr.as_deref() == Some("127.0.0.1")), "{:?}", failed.items);
}
}

on_both_backends! {
#[tokio::test]
async fn refused_sign_ins_all_look_alike_and_the_audit_says_why() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    let (disabled, _) = app.dealer_admin(&res.id).await;
    app.admin
        .update_user(&disabled.id, None, &UserPatch { enabled: Some(false), ..UserPatch::default() })
        .await
        .unwrap();
    let invited = app
        .admin
        .create_user(&NewUser {
            dealer_id: res.id.clone(),
            email: "invited@example.net".into(),
            display_name: "Invited".into(),
            group_ids: vec![],
        })
        .await
        .unwrap();
    let wrong = app.anon().login(ADMIN_EMAIL, "not the password").await.unwrap_err();
    for (email, password) in [(disabled.email.as_str(), PASSWORD), (invited.email.as_str(), PASSWORD)] {
        let e = app.anon().login(email, password).await.unwrap_err();
        assert_eq!((e.status(), e.code(), e.to_string()), (wrong.status(), wrong.code(), wrong.to_string()));
    }
    let reasons = |action: &'static str| {
        let admin = app.admin.clone();
        async move {
            admin
                .audit(&AuditFilter { action: Some(action.into()), ..AuditFilter::default() }, &page())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|e| e.after.unwrap_or_default()["reason"].as_str().unwrap_or("-").to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(reasons("auth.sign_in_refused").await, ["disabled"]);
    let mut failed = reasons("auth.sign_in_failed").await;
    failed.sort();
    assert_eq!(failed, ["not_activated", "wrong_password"]);
    // A sign-in "email" that is no address is refused before it is stored anywhere.
    let e = app.anon().login(&format!("{}@example.net", "x".repeat(300)), PASSWORD).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(422), Some("invalid_field")));
    let all = app.admin.audit(&AuditFilter::default(), &page()).await.unwrap();
    assert!(all.items.iter().all(|e| e.object_name.as_deref().is_none_or(|n| n.len() < 300)));
}
}

on_both_backends! {
#[tokio::test]
async fn a_view_ends_with_its_viewer() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    let res = app.dealer(&dist.id, Level::Reseller, 10).await;
    let (target, _) = app.dealer_admin(&res.id).await;
    let open_view = |viewer: dealerctl::client::ApiClient| {
        let target = target.id.clone();
        let anon = app.anon();
        async move {
            let v = viewer.impersonate(&target).await.expect("view opens");
            let view = anon.with_token(v.token);
            view.me().await.expect("the view works");
            view
        }
    };
    let auditors = app.group(&dist.id, "auditor").await;

    // Sign-out.
    let (_, viewer) = app.user(&dist.id, vec![auditors.id.to_string()]).await;
    let view = open_view(viewer.clone()).await;
    viewer.logout().await.unwrap();
    expect_err(view.me().await, 401, "unauthenticated");

    // Disablement.
    let (v_user, viewer) = app.user(&dist.id, vec![auditors.id.to_string()]).await;
    let view = open_view(viewer).await;
    app.admin
        .update_user(&v_user.id, None, &UserPatch { enabled: Some(false), ..UserPatch::default() })
        .await
        .unwrap();
    expect_err(view.me().await, 401, "unauthenticated");

    // Password reset.
    let (v_user, viewer) = app.user(&dist.id, vec![auditors.id.to_string()]).await;
    let view = open_view(viewer).await;
    app.admin.reset_password(&v_user.id).await.unwrap();
    expect_err(view.me().await, 401, "unauthenticated");

    // The loss of impersonate, or of a read the target holds.
    let custom = app
        .admin
        .create_group(&NewGroup {
            dealer_id: dist.id.clone(),
            name: "Viewers".into(),
            permissions: app.admin.group_templates().await.unwrap().into_iter().find(|t| t.key == "auditor").unwrap().permissions,
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, viewer) = app.user(&dist.id, vec![custom.id.to_string()]).await;
    let view = open_view(viewer.clone()).await;
    let mut fewer = custom.permissions.clone();
    fewer.retain(|p| *p != Permission::Crud(Area::Audit, Action::Read));
    app.admin
        .update_group(&custom.id, None, &GroupPatch { permissions: Some(fewer.clone()), ..GroupPatch::default() })
        .await
        .unwrap();
    expect_err(view.me().await, 401, "unauthenticated");
    let view = {
        // Back with the read, a new view opens; then impersonate goes.
        let mut all = fewer.clone();
        all.push(Permission::Crud(Area::Audit, Action::Read));
        app.admin
            .update_group(&custom.id, None, &GroupPatch { permissions: Some(all), ..GroupPatch::default() })
            .await
            .unwrap();
        open_view(viewer.clone()).await
    };
    let mut no_impersonate = custom.permissions.clone();
    no_impersonate.retain(|p| *p != Permission::Impersonate);
    app.admin
        .update_group(&custom.id, None, &GroupPatch { permissions: Some(no_impersonate), ..GroupPatch::default() })
        .await
        .unwrap();
    expect_err(view.me().await, 401, "unauthenticated");

    // Suspension of the viewer's own dealer, last (it ends every session there).
    let (_, viewer) = app.user(&dist.id, vec![auditors.id.to_string()]).await;
    let view = open_view(viewer).await;
    app.admin.suspend_dealer(&dist.id).await.unwrap();
    expect_err(view.me().await, 401, "unauthenticated");
}
}

on_both_backends! {
#[tokio::test]
async fn nobody_acts_on_a_more_powerful_login() {
    let app = TestApp::start().await;
    let root = app.admin.me().await.unwrap().user;
    let managers = app
        .admin
        .create_group(&NewGroup {
            dealer_id: app.provider_id.clone().into(),
            name: "User managers".into(),
            permissions: vec![
                Permission::Crud(Area::Users, Action::Read),
                Permission::Crud(Area::Users, Action::Update),
                Permission::Crud(Area::Users, Action::Delete),
                Permission::Crud(Area::Groups, Action::Read),
            ],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, manager) = app.user(&app.provider_id, vec![managers.id.to_string()]).await;
    let disable = UserPatch { enabled: Some(false), ..UserPatch::default() };
    let e = expect_err(manager.update_user(&root.id, None, &disable).await, 403, "forbidden");
    assert!(e.to_string().contains("dealers:create"), "{e}");
    assert!(e.details().unwrap()["missing"].as_array().unwrap().len() > 10);
    expect_err(manager.reset_password(&root.id).await, 403, "forbidden");
    expect_err(manager.delete_user(&root.id, None).await, 403, "forbidden");
    let regroup = UserPatch { group_ids: Some(vec![managers.id.clone()]), ..UserPatch::default() };
    expect_err(manager.update_user(&root.id, None, &regroup).await, 403, "forbidden");
    // The first administrator still works, untouched.
    app.admin.me().await.unwrap();
    // A login with no more than the manager holds is the manager's to change.
    let readers = app
        .admin
        .create_group(&NewGroup {
            dealer_id: app.provider_id.clone().into(),
            name: "Readers".into(),
            permissions: vec![Permission::Crud(Area::Users, Action::Read)],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (reader, _) = app.user(&app.provider_id, vec![readers.id.to_string()]).await;
    manager.update_user(&reader.id, None, &disable).await.unwrap();
    manager.reset_password(&reader.id).await.unwrap();
    manager.delete_user(&reader.id, None).await.unwrap();
}
}

on_both_backends! {
#[tokio::test]
async fn names_refuse_control_and_direction_characters_and_request_ids_stay_plain() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    for name in ["invoice\u{202E}fdp.exe", "two\nlines", "bell\u{7}"] {
        let e = app
            .admin
            .create_tenant(&NewTenant {
                dealer_id: res.id.clone(),
                name: name.into(),
                domain: "ok.pbx.example".into(),
                extensions: 1,
                ..NewTenant::default()
            })
            .await
            .unwrap_err();
        assert_eq!((e.status(), e.code(), e.field()), (Some(422), Some("invalid_field"), Some("name")));
    }
    let e = app
        .admin
        .update_dealer(&res.id, None, &DealerPatch { notes: Some("a\u{2066}b".into()), ..DealerPatch::default() })
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.field()), (Some(422), Some("notes")));
    // An 8,000-character request id is replaced by a fresh one; a plain one is kept.
    let url = format!("{}/api/v1/me", app.server.url());
    let http = reqwest::Client::new();
    let token = app.admin.token().unwrap().to_string();
    let long = "x".repeat(8000);
    let r = http.get(&url).bearer_auth(&token).header("x-request-id", &long).send().await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(id.len() <= 64 && id != long, "{id}");
    let r = http.get(&url).bearer_auth(&token).header("x-request-id", "ops-ticket-42").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "ops-ticket-42");
    // The import refuses formulas in destinations, naming the line.
    let carrier = carrier_card(&app).await;
    let e = app
        .admin
        .import_rates(&carrier.id, "44,UK,0.01,0,60,60\n45,=cmd|' /C calc'!A0,0.01,0,60,60\n".into())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert_eq!(e.details().unwrap()["lines"][0]["line"], 2, "{e:?}");
}
}

on_both_backends! {
#[tokio::test]
async fn roles_do_what_their_names_say() {
    let app = TestApp::start().await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
    let res = app.dealer(&dist.id, Level::Reseller, 10).await;
    let t = app.tenant(&res.id, 2).await;
    let (admin, _) = app.dealer_admin(&res.id).await;
    // The auditor views as a dealer administrator, whose writes it lacks.
    let auditors = app.group(&dist.id, "auditor").await;
    let (_, auditor) = app.user(&dist.id, vec![auditors.id.to_string()]).await;
    let report = auditor.scope_report(&admin.id).await.unwrap();
    assert_eq!((report.view_as.allowed, report.view_as.missing.len()), (true, 0));
    auditor.impersonate(&admin.id).await.expect("an auditor views as an administrator");
    // A login lacking a read the target holds is refused, and told which.
    let tenant_readers = app
        .admin
        .create_group(&NewGroup {
            dealer_id: dist.id.clone(),
            name: "Tenant readers".into(),
            permissions: vec![Permission::Impersonate, Permission::Crud(Area::Tenants, Action::Read), Permission::Crud(Area::Users, Action::Read)],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, narrow) = app.user(&dist.id, vec![tenant_readers.id.to_string()]).await;
    let e = expect_err(narrow.impersonate(&admin.id).await, 403, "forbidden");
    assert!(e.to_string().contains("dealers:read") && !e.to_string().contains("tenants:update"), "{e}");
    let report = narrow.scope_report(&admin.id).await.unwrap();
    assert!(!report.view_as.allowed);
    assert!(report.view_as.missing.contains(&Permission::Crud(Area::Dealers, Action::Read)));
    // NOC suspends and resumes, and edits nothing.
    let nocs = app.group(&dist.id, "noc_operator").await;
    let (_, noc) = app.user(&dist.id, vec![nocs.id.to_string()]).await;
    noc.suspend_tenant(&t.id).await.unwrap();
    noc.resume_tenant(&t.id).await.unwrap();
    noc.suspend_dealer(&res.id).await.unwrap();
    noc.resume_dealer(&res.id).await.unwrap();
    let rename = TenantPatch { name: Some("Renamed".into()), ..TenantPatch::default() };
    expect_err(noc.update_tenant(&t.id, None, &rename).await, 403, "forbidden");
    // Suspension needs its own permission now.
    let editors = app
        .admin
        .create_group(&NewGroup {
            dealer_id: dist.id.clone(),
            name: "Editors".into(),
            permissions: vec![Permission::Crud(Area::Tenants, Action::Read), Permission::Crud(Area::Tenants, Action::Update)],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let (_, editor) = app.user(&dist.id, vec![editors.id.to_string()]).await;
    editor.update_tenant(&t.id, None, &rename).await.unwrap();
    let e = expect_err(editor.suspend_tenant(&t.id).await, 403, "forbidden");
    assert!(e.to_string().contains("tenants:suspend"), "{e}");
}
}

on_both_backends! {
#[tokio::test]
async fn the_package_minimum_applies_to_new_tenants_only() {
    let app = TestApp::start().await;
    let res = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let small = app.tenant(&res.id, 2).await;
    let other = app.dealer(&app.provider_id, Level::Reseller, 100).await;
    let mut p = package(100);
    p.min_extensions_per_tenant = 5;
    app.admin.set_package(&res.id, None, &p).await.unwrap();
    app.admin.set_package(&other.id, None, &p).await.unwrap();
    let cap = app.admin.capacity(&res.id).await.unwrap();
    assert_eq!(cap.tenants_below_minimum, 1);
    // A new tenant needs the minimum.
    let e = app
        .admin
        .create_tenant(&NewTenant { dealer_id: res.id.clone(), name: "new".into(), domain: "new.pbx.example".into(), extensions: 4, ..NewTenant::default() })
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.field()), (Some(422), Some("extensions")));
    // The existing one is renamed, suspended, raised (still below) and moved freely…
    let t = app.admin.update_tenant(&small.id, None, &TenantPatch { name: Some("renamed".into()), ..TenantPatch::default() }).await.unwrap();
    app.admin.suspend_tenant(&t.id).await.unwrap();
    app.admin.resume_tenant(&t.id).await.unwrap();
    let t = app.admin.update_tenant(&t.id, None, &TenantPatch { extensions: Some(3), ..TenantPatch::default() }).await.unwrap();
    assert_eq!(t.extensions, 3);
    let plan = app
        .admin
        .move_tenant(&t.id, &TenantMove { to_dealer_id: other.id.clone(), rate_card_id: None, dry_run: false })
        .await
        .unwrap();
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    // …but not lowered further.
    let e = app
        .admin
        .update_tenant(&t.id, None, &TenantPatch { extensions: Some(2), ..TenantPatch::default() })
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.field()), (Some(422), Some("extensions")));
}
}

on_both_backends! {
#[tokio::test]
async fn me_carries_the_platform_policy() {
    let app = TestApp::start_with(|c| c.policy.max_extensions_per_tenant = 123).await;
    let me = app.admin.me().await.unwrap();
    assert_eq!(me.policy.max_extensions_per_tenant, 123);
    assert_eq!(me.policy.free_recording_minutes_per_tenant, 500);
}
}

#[cfg(unix)]
#[tokio::test]
async fn the_server_writes_its_files_for_its_owner_alone() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::start().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let res = app.dealer(&app.provider_id, Level::Reseller, 10).await;
    app.dealer_admin(&res.id).await;
    let db = app.config.database.trim_start_matches("sqlite://");
    assert_eq!(mode(std::path::Path::new(db)), 0o600, "the database");
    assert_eq!(mode(&app.outbox), 0o700, "the outbox");
    for mail in std::fs::read_dir(&app.outbox).unwrap() {
        assert_eq!(mode(&mail.unwrap().path()), 0o600, "a mail");
    }
}

#[tokio::test]
async fn the_activation_page_sends_security_headers() {
    let app = TestApp::start().await;
    let r = reqwest::get(format!("{}/activate?token=abc", app.server.url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
}

/// A store from before suspension had its own permissions: a group that could edit (and so
/// suspend) tenants or dealers keeps suspending after the migration.
#[tokio::test]
async fn the_migration_keeps_every_suspend_power() {
    use sqlx::{Connection, Executor};
    let app = TestApp::start().await;
    let editors = app
        .admin
        .create_group(&NewGroup {
            dealer_id: app.provider_id.clone().into(),
            name: "Old editors".into(),
            permissions: vec![
                Permission::Crud(Area::Dealers, Action::Update),
                Permission::Crud(Area::Tenants, Action::Update),
            ],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    let readers = app.group(&app.provider_id, "auditor").await;
    // Back to the store as migration 3 left it.
    let mut db = sqlx::SqliteConnection::connect(&app.config.database)
        .await
        .unwrap();
    db.execute("ALTER TABLE sessions DROP COLUMN parent_session_id")
        .await
        .unwrap();
    db.execute("DELETE FROM schema_migrations WHERE version = 4")
        .await
        .unwrap();
    sqlx::query(
        "UPDATE perm_groups SET permissions = 'dealers:update tenants:update' WHERE id = ?",
    )
    .bind(&*editors.id)
    .execute(&mut db)
    .await
    .unwrap();
    db.close().await.unwrap();
    // (The running server is not asked meanwhile: it expects the current schema.)
    dealerctl::server::store::SqlStore::connect(&app.config.database, Default::default())
        .await
        .expect("the store migrates");
    let after = app.admin.get_group(&editors.id).await.unwrap();
    assert_eq!(
        after.permissions,
        vec![
            Permission::Crud(Area::Dealers, Action::Update),
            Permission::Crud(Area::Tenants, Action::Update),
            Permission::DealersSuspend,
            Permission::TenantsSuspend,
        ]
    );
    let auditor = app.admin.get_group(&readers.id).await.unwrap();
    assert!(
        !auditor
            .permissions
            .iter()
            .any(|p| matches!(p, Permission::DealersSuspend | Permission::TenantsSuspend))
    );
}

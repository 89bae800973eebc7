//! Export, plans and apply: a subtree as one document, the plan of a document (checked by the
//! real operations, changing nothing), and its apply in one transaction, whole or not at all.

use crate::helpers::*;
use crate::rate_cards::{carrier, derive, hand, markup};
use dealerctl::client::ApiClient;
use dealerctl::model::*;

async fn audit_total(app: &TestApp) -> i64 {
    app.admin
        .audit(&AuditFilter::default(), &page())
        .await
        .expect("audit read")
        .total
}

async fn tenants_under(client: &ApiClient, dealer: &str) -> i64 {
    client
        .list_tenants(
            &TenantFilter {
                dealer_id: Some(dealer.into()),
                ..TenantFilter::default()
            },
            &page(),
        )
        .await
        .expect("tenants listed")
        .total
}

async fn dealers_total(app: &TestApp) -> i64 {
    app.admin
        .list_dealers(&DealerFilter::default(), &page())
        .await
        .expect("dealers listed")
        .total
}

fn reseller_package(tenants: i64) -> DocPackage {
    DocPackage {
        max_tenants: Some(tenants),
        extensions: Some(tenants * 10),
        concurrent_calls: Some(tenants * 10),
        recording_minutes: Some(tenants * 10),
        high_availability: false,
        min_extensions_per_tenant: 0,
    }
}

/// A new reseller under `parent` with its package, `tenants` tenants of 10 extensions, a group
/// and a login: onboarding in one document.
fn onboarding(under: &str, name: &str, package: DocPackage, tenants: usize) -> ChannelDocument {
    let slug = name.to_lowercase().replace(' ', "-");
    ChannelDocument {
        under: under.into(),
        dealers: vec![DocDealer {
            name: name.into(),
            parent: Some(under.into()),
            level: Some(Level::Reseller),
            email: Some(format!("office@{slug}.example")),
            package: Some(package),
            ..DocDealer::default()
        }],
        tenants: (0..tenants)
            .map(|i| DocTenant {
                name: format!("Customer {i}"),
                dealer: name.into(),
                domain: format!("c{i}.{slug}.example"),
                extensions: Some(10),
                ..DocTenant::default()
            })
            .collect(),
        groups: vec![DocGroup {
            name: "Operators".into(),
            dealer: name.into(),
            permissions: Some(vec![
                Permission::Crud(Area::Tenants, Action::Read),
                Permission::Crud(Area::Tenants, Action::Update),
            ]),
            ..DocGroup::default()
        }],
        users: vec![DocUser {
            email: format!("boss@{slug}.example"),
            dealer: name.into(),
            display_name: Some("The boss".into()),
            groups: Some(vec!["Operators".into()]),
            ..DocUser::default()
        }],
        rate_cards: vec![],
    }
}

fn request(document: ChannelDocument, prune: bool) -> PlanRequest {
    PlanRequest { document, prune }
}

fn mails_to(app: &TestApp, email: &str) -> usize {
    let Ok(dir) = std::fs::read_dir(&app.outbox) else {
        return 0;
    };
    dir.filter_map(|e| e.ok())
        .filter(|e| {
            std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains(&format!("To: {email}")))
        })
        .count()
}

on_both_backends! {
    #[tokio::test]
    async fn the_export_of_a_subtree_plans_to_nothing_and_holds_no_secret() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
        let reseller = app.dealer(&dist.id, Level::Reseller, 100).await;
        let tenant = app.tenant(&reseller.id, 5).await;
        app.tenant(&dist.id, 5).await;
        app.dealer_admin(&reseller.id).await;
        let card = carrier(&app.admin, &app.provider_id, "Carrier", "1,US,0.010000,0,6,6\n".into()).await;
        let wholesale = derive(&app.admin, &app.provider_id, "Wholesale", &card.id, markup(MarkupType::Percent, "10")).await;
        hand(&app.admin, &wholesale.id, &dist.id).await;
        let retail = derive(&app.admin, &dist.id, "Dist retail", &wholesale.id, markup(MarkupType::Percent, "20")).await;
        hand(&app.admin, &retail.id, &reseller.id).await;
        app.admin
            .update_tenant(&tenant.id, None, &TenantPatch {
                rate_card_id: Some(retail.id.clone()),
                ..TenantPatch::default()
            })
            .await
            .unwrap();

        let doc = app.admin.export(Some(&dist.id)).await.unwrap();
        assert_eq!(doc.under, dist.name);
        assert_eq!((doc.dealers.len(), doc.tenants.len(), doc.rate_cards.len()), (2, 2, 1));
        assert_eq!((doc.groups.len(), doc.users.len()), (1, 1));
        let billed = doc.tenants.iter().find(|t| t.domain == tenant.domain).unwrap();
        assert_eq!(billed.rate_card.as_deref(), Some("Dist retail"));
        let text = serde_json::to_string(&doc).unwrap().to_lowercase();
        for secret in ["password", "token", "hash", "$argon2"] {
            assert!(!text.contains(secret), "the export holds `{secret}`: {text}");
        }
        // By name too.
        assert_eq!(app.admin.export(Some(&dist.name)).await.unwrap(), doc);

        let events = audit_total(&app).await;
        for prune in [false, true] {
            let plan = app.admin.plan(&request(doc.clone(), prune)).await.unwrap();
            assert!(plan.steps.is_empty(), "unchanged export planned {:?}", plan.steps);
            assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
            assert_eq!(plan.version.len(), 64);
        }
        assert_eq!(audit_total(&app).await, events, "a plan writes no audit event");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn onboarding_a_reseller_with_fifty_tenants_is_one_apply() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
        let doc = onboarding(&dist.name, "Acme Reseller", reseller_package(60), 50);
        let (events, dealers) = (audit_total(&app).await, dealers_total(&app).await);

        let plan = app.admin.plan(&request(doc, false)).await.unwrap();
        assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
        assert_eq!(plan.steps.len(), 53, "dealer, group, 50 tenants, login");
        assert_eq!((plan.steps[0].op, plan.steps[0].kind), (PlanOp::Create, ObjectKind::Dealer));
        assert!(plan.steps.iter().all(|s| s.op == PlanOp::Create));
        // Planned: nothing changed, nothing mailed.
        assert_eq!(audit_total(&app).await, events);
        assert_eq!(dealers_total(&app).await, dealers);
        assert_eq!(tenants_under(&app.admin, &dist.id).await, 0);
        assert_eq!(mails_to(&app, "boss@acme-reseller.example"), 0);

        let applied = app.admin.apply_plan(&plan.id).await.unwrap();
        assert_eq!(applied.steps, plan.steps);
        assert_eq!(dealers_total(&app).await, dealers + 1);
        assert_eq!(tenants_under(&app.admin, &dist.id).await, 50);
        // The new login got its link, only now.
        let token = app.mailed_token("boss@acme-reseller.example");

        let trail = app
            .admin
            .audit(
                &AuditFilter {
                    change_set: Some(plan.id.clone()),
                    ..AuditFilter::default()
                },
                &PageParams { limit: Some(1000), ..page() },
            )
            .await
            .unwrap();
        assert_eq!(trail.total, 54, "53 steps and the plan's own event");
        assert!(trail.items.iter().all(|e| e.change_set.as_deref() == Some(plan.id.as_str())));
        assert!(trail.items.iter().any(|e| e.action == "plan.apply"));
        assert_eq!(audit_total(&app).await, events + 54);
        app.anon().activate(&token, PASSWORD).await.unwrap();

        // The next export plans to nothing; a plan applies once.
        let again = app.admin.plan(&request(app.admin.export(Some(&dist.id)).await.unwrap(), false)).await.unwrap();
        assert!(again.steps.is_empty(), "{:?}", again.steps);
        expect_err(app.admin.apply_plan(&plan.id).await, 404, "not_found");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_plan_beyond_capacity_is_refused_and_its_apply_leaves_nothing() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
        let doc = onboarding(&dist.name, "Small Reseller", reseller_package(40), 50);
        let (events, dealers) = (audit_total(&app).await, dealers_total(&app).await);

        let plan = app.admin.plan(&request(doc, false)).await.unwrap();
        assert_eq!(plan.refusals.len(), 10, "tenants 41 to 50 do not fit");
        let first = &plan.refusals[0];
        assert_eq!(first.error.refusal.code(), "capacity_exceeded");
        let step = &plan.steps[first.step];
        assert_eq!((step.op, step.kind), (PlanOp::Create, ObjectKind::Tenant));

        let e = expect_err(app.admin.apply_plan(&plan.id).await, 409, "capacity_exceeded");
        assert!(e.to_string().contains("step"), "{e}");
        assert_eq!(dealers_total(&app).await, dealers, "no dealer left behind");
        assert_eq!(tenants_under(&app.admin, &dist.id).await, 0);
        assert_eq!(audit_total(&app).await, events, "no audit event left behind");
        assert_eq!(mails_to(&app, "boss@small-reseller.example"), 0);

        // The refusal names its step in the details, as it travels.
        let http = reqwest::Client::new();
        let raw: serde_json::Value = http
            .post(format!("{}/api/v1/plans/{}/apply", app.server.url(), plan.id))
            .bearer_auth(app.admin.token().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(raw["error"]["details"]["step"]["index"], serde_json::json!(first.step));
        assert_eq!(raw["error"]["details"]["step"]["kind"], "tenant");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_change_between_plan_and_apply_is_412_and_nothing_changes() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
        let tenant = app.tenant(&dist.id, 5).await;
        let mut doc = app.admin.export(Some(&dist.id)).await.unwrap();
        doc.tenants[0].extensions = Some(8);
        let plan = app.admin.plan(&request(doc, false)).await.unwrap();
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].changes[0].field, "extensions");

        let renamed = app
            .admin
            .update_tenant(&tenant.id, None, &TenantPatch {
                name: Some("Renamed".into()),
                ..TenantPatch::default()
            })
            .await
            .unwrap();
        let events = audit_total(&app).await;
        expect_err(app.admin.apply_plan(&plan.id).await, 412, "version_mismatch");
        let now = app.admin.get_tenant(&tenant.id).await.unwrap();
        assert_eq!((now.extensions, now.version), (5, renamed.version));
        assert_eq!(audit_total(&app).await, events);
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_step_the_caller_may_not_make_refuses_the_whole_plan() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
        let tenants_only = app
            .admin
            .create_group(&NewGroup {
                dealer_id: dist.id.clone(),
                name: "Tenant desk".into(),
                permissions: vec![
                    Permission::Crud(Area::Dealers, Action::Read),
                    Permission::Crud(Area::Tenants, Action::Read),
                    Permission::Crud(Area::Tenants, Action::Create),
                ],
                ..NewGroup::default()
            })
            .await
            .unwrap();
        let (_, desk) = app.user(&dist.id, vec![tenants_only.id.to_string()]).await;
        let mut doc = desk.export(None).await.unwrap();
        doc.tenants.push(DocTenant {
            name: "Fine".into(),
            dealer: dist.name.clone(),
            domain: "fine.desk.example".into(),
            extensions: Some(5),
            ..DocTenant::default()
        });
        doc.dealers.push(DocDealer {
            name: "Not allowed".into(),
            parent: Some(dist.name.clone()),
            package: Some(reseller_package(1)),
            ..DocDealer::default()
        });
        let events = audit_total(&app).await;
        let plan = desk.plan(&request(doc, false)).await.unwrap();
        assert_eq!(plan.steps.len(), 2);
        assert_eq!(plan.refusals.len(), 1);
        assert_eq!(plan.refusals[0].error.refusal.code(), "forbidden");
        assert_eq!(plan.steps[plan.refusals[0].step].kind, ObjectKind::Dealer);

        expect_err(desk.apply_plan(&plan.id).await, 403, "forbidden");
        assert_eq!(tenants_under(&app.admin, &dist.id).await, 0, "not even the allowed tenant");
        assert_eq!(audit_total(&app).await, events);
        // Another login's plan is not found.
        expect_err(app.admin.apply_plan(&plan.id).await, 404, "not_found");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_subtree_outside_the_scope_is_not_found() {
        let app = TestApp::start().await;
        let a = app.dealer(&app.provider_id, Level::Distributor, 100).await;
        let b = app.dealer(&app.provider_id, Level::Distributor, 100).await;
        let (_, admin_a) = app.dealer_admin(&a.id).await;
        expect_err(admin_a.export(Some(&b.id)).await, 404, "not_found");
        expect_err(admin_a.export(Some(&b.name)).await, 404, "not_found");
        let doc = app.admin.export(Some(&b.id)).await.unwrap();
        expect_err(admin_a.plan(&request(doc, false)).await, 404, "not_found");
        // A reference to a dealer outside the subtree is refused, naming the field.
        let mut doc = admin_a.export(None).await.unwrap();
        doc.tenants.push(DocTenant {
            name: "Elsewhere".into(),
            dealer: b.name.clone(),
            domain: "elsewhere.example".into(),
            ..DocTenant::default()
        });
        let plan = admin_a.plan(&request(doc, false)).await.unwrap();
        assert_eq!(plan.refusals.len(), 1);
        assert_eq!(plan.refusals[0].error.field.as_deref(), Some("dealer"));
    }
}

on_both_backends! {
    #[tokio::test]
    async fn only_prune_deletes_what_the_document_leaves_out() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
        let reseller = app.dealer(&dist.id, Level::Reseller, 100).await;
        let keep = app.tenant(&dist.id, 5).await;
        let gone = app.tenant(&reseller.id, 5).await;
        let mut doc = app.admin.export(Some(&dist.id)).await.unwrap();
        doc.tenants.retain(|t| t.domain == keep.domain);
        doc.dealers.retain(|d| d.name != reseller.name);

        let plan = app.admin.plan(&request(doc.clone(), false)).await.unwrap();
        assert!(plan.steps.is_empty(), "without prune nothing is deleted: {:?}", plan.steps);
        let plan = app.admin.plan(&request(doc, true)).await.unwrap();
        let deleted: Vec<(ObjectKind, String)> =
            plan.steps.iter().map(|s| (s.kind, s.name.clone())).collect();
        assert_eq!(
            deleted,
            vec![(ObjectKind::Tenant, gone.domain.clone()), (ObjectKind::Dealer, reseller.name.clone())]
        );
        assert!(plan.steps.iter().all(|s| s.op == PlanOp::Delete));
        app.admin.apply_plan(&plan.id).await.unwrap();
        expect_err(app.admin.get_tenant(&gone.id).await, 404, "not_found");
        expect_err(app.admin.get_dealer(&reseller.id).await, 404, "not_found");
        app.admin.get_tenant(&keep.id).await.unwrap();
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_misspelt_field_is_a_400_that_names_it() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
        let body = serde_json::json!({
            "document": {
                "under": dist.name,
                "tenants": [{ "name": "T", "dealer": dist.name, "domain": "t.example", "extensionz": 5 }]
            }
        });
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/plans", app.server.url()))
            .bearer_auth(app.admin.token().unwrap())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let e: serde_json::Value = response.json().await.unwrap();
        assert_eq!(e["error"]["code"], "bad_request");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains("extensionz") && message.contains("document.tenants[0]"), "{message}");
    }
}

on_both_backends! {
    #[tokio::test]
    async fn a_read_only_view_may_plan_but_not_apply() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 100).await;
        let (user, _) = app.dealer_admin(&dist.id).await;
        let view = app.admin.impersonate(&user.id).await.unwrap();
        let viewer = app.anon().with_token(view.token);
        let mut doc = viewer.export(None).await.unwrap();
        doc.tenants.push(DocTenant {
            name: "Viewed".into(),
            dealer: dist.name.clone(),
            domain: "viewed.example".into(),
            extensions: Some(1),
            ..DocTenant::default()
        });
        let plan = viewer.plan(&request(doc, false)).await.unwrap();
        assert_eq!(plan.steps.len(), 1);
        expect_err(viewer.apply_plan(&plan.id).await, 403, "read_only_session");
        assert_eq!(tenants_under(&app.admin, &dist.id).await, 0);
    }
}

on_both_backends! {
    #[tokio::test]
    async fn dealers_of_the_same_name_are_told_apart_by_their_parents() {
        let app = TestApp::start().await;
        let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
        let mut shops = Vec::new();
        for parent in ["North", "South"] {
            let sub = app
                .admin
                .create_dealer(&NewDealer {
                    parent_id: dist.id.clone(),
                    level: Level::SubDistributor,
                    name: parent.into(),
                    package: Some(package(100)),
                    ..NewDealer::default()
                })
                .await
                .unwrap();
            let shop = app
                .admin
                .create_dealer(&NewDealer {
                    parent_id: sub.id.clone(),
                    level: Level::Reseller,
                    name: "Shop".into(),
                    package: Some(package(10)),
                    ..NewDealer::default()
                })
                .await
                .unwrap();
            shops.push(shop);
        }
        app.tenant(&shops[1].id, 1).await;
        let mut doc = app.admin.export(Some(&dist.id)).await.unwrap();
        assert_eq!(doc.tenants[0].dealer, "South/Shop");
        let plan = app.admin.plan(&request(doc.clone(), false)).await.unwrap();
        assert!(plan.steps.is_empty() && plan.refusals.is_empty(), "{plan:?}");
        // The name alone is ambiguous: refused, naming the field.
        doc.tenants[0].dealer = "Shop".into();
        let plan = app.admin.plan(&request(doc, false)).await.unwrap();
        assert_eq!(plan.refusals.len(), 1);
        assert_eq!(plan.refusals[0].error.field.as_deref(), Some("dealer"));
    }
}

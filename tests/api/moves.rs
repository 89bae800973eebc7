//! Tenant moves: a plan first, then an atomic, audited move, or nothing at all.

use crate::helpers::*;
use crate::rate_cards::{carrier, derive, hand, markup};
use dealerctl::client::ApiClient;
use dealerctl::model::*;

struct Setup {
    app: TestApp,
    dist: (Dealer, ApiClient),
    from: (Dealer, ApiClient),
    to: (Dealer, ApiClient),
    from_card: RateCard,
    to_card: RateCard,
    tenant: Tenant,
}

/// A distributor with two resellers, each with its own retail card; a tenant of 30 extensions
/// billed by the first. The second reseller has `to_extensions` in its package.
async fn setup(to_extensions: i64) -> Setup {
    let app = TestApp::start().await;
    let c = carrier(
        &app.admin,
        &app.provider_id,
        "Carrier",
        "1,US,0.010000,0,6,6\n44,UK,0.020000,0,30,6\n".into(),
    )
    .await;
    let dist = app.dealer(&app.provider_id, Level::Distributor, 1000).await;
    let plan = derive(
        &app.admin,
        &app.provider_id,
        "Dist plan",
        &c.id,
        markup(MarkupType::Percent, "10"),
    )
    .await;
    hand(&app.admin, &plan.id, &dist.id).await;
    let from = app.dealer(&dist.id, Level::Reseller, 100).await;
    let to = app.dealer(&dist.id, Level::Reseller, to_extensions).await;
    let (_, dist_client) = app.dealer_admin(&dist.id).await;
    // The distributor hands one card to both resellers; each derives its own retail card.
    let resale = derive(
        &dist_client,
        &dist.id,
        "Resale",
        &plan.id,
        markup(MarkupType::Percent, "5"),
    )
    .await;
    hand(&dist_client, &resale.id, &from.id).await;
    hand(&dist_client, &resale.id, &to.id).await;
    let from_card = derive(
        &dist_client,
        &from.id,
        "From retail",
        &resale.id,
        markup(MarkupType::Percent, "0"),
    )
    .await;
    let to_card = derive(
        &dist_client,
        &to.id,
        "To retail",
        &resale.id,
        markup(MarkupType::Percent, "20"),
    )
    .await;
    let tenant = app
        .admin
        .create_tenant(&NewTenant {
            dealer_id: from.id.clone(),
            name: "Mover".into(),
            domain: "mover.pbx.example".into(),
            extensions: 30,
            concurrent_calls: 10,
            rate_card_id: Some(from_card.id.clone()),
            ..NewTenant::default()
        })
        .await
        .unwrap();
    let (_, from_client) = app.dealer_admin(&from.id).await;
    let (_, to_client) = app.dealer_admin(&to.id).await;
    Setup {
        app,
        dist: (dist, dist_client),
        from: (from, from_client),
        to: (to, to_client),
        from_card,
        to_card,
        tenant,
    }
}

fn mv(to: &str, card: Option<&str>, dry_run: bool) -> TenantMove {
    TenantMove {
        to_dealer_id: to.into(),
        rate_card_id: card.map(Into::into),
        dry_run,
    }
}

on_both_backends! {
#[tokio::test]
async fn the_plan_shows_capacity_and_the_card_and_changes_nothing() {
    let s = setup(100).await;
    let d = &s.dist.1;
    // The first reseller's card cannot bill at the second: the plan says a card is needed.
    let plan = d
        .move_tenant(&s.tenant.id, &mv(&s.to.0.id, None, true))
        .await
        .unwrap();
    assert_eq!(plan.blockers.len(), 1);
    assert_eq!(
        (
            plan.blockers[0].code.as_str(),
            plan.blockers[0].field.as_deref()
        ),
        ("rate_card_required", Some("rate_card_id"))
    );
    let plan = d
        .move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.to_card.id), true))
        .await
        .unwrap();
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert!(!plan.executed);
    assert_eq!(
        (plan.from.name.as_str(), plan.to.name.as_str()),
        (s.from.0.name.as_str(), s.to.0.name.as_str())
    );
    assert_eq!(
        plan.rate_card_before.map(|c| c.name),
        Some("From retail".into())
    );
    assert_eq!(
        plan.rate_card_after.map(|c| c.name),
        Some("To retail".into())
    );
    let ext = plan
        .capacity
        .iter()
        .find(|c| c.dimension == "extensions")
        .unwrap();
    assert_eq!(
        (
            ext.amount,
            ext.destination_free_before,
            ext.destination_free_after,
            ext.source_free_before,
            ext.source_free_after
        ),
        (30, Some(100), Some(70), Some(70), Some(100))
    );
    let tenants = plan
        .capacity
        .iter()
        .find(|c| c.dimension == "max_tenants")
        .unwrap();
    assert_eq!(tenants.amount, 1);
    let after = d.get_tenant(&s.tenant.id).await.unwrap();
    assert_eq!(after, s.tenant);
}
}

on_both_backends! {
#[tokio::test]
async fn a_move_refused_for_capacity_changes_nothing() {
    let s = setup(20).await;
    let d = &s.dist.1;
    let before_from = d.capacity(&s.from.0.id).await.unwrap();
    let before_to = d.capacity(&s.to.0.id).await.unwrap();
    let plan = d
        .move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.to_card.id), true))
        .await
        .unwrap();
    assert_eq!(plan.blockers[0].code, "capacity_exceeded");
    assert_eq!(plan.blockers[0].field.as_deref(), Some("extensions"));
    let e = expect_err(
        d.move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.to_card.id), false))
            .await,
        409,
        "capacity_exceeded",
    );
    assert_eq!(e.field(), Some("extensions"));
    assert_eq!(e.details().unwrap()["plan"]["executed"], false);
    assert_eq!(d.get_tenant(&s.tenant.id).await.unwrap(), s.tenant);
    assert_eq!(d.capacity(&s.from.0.id).await.unwrap(), before_from);
    assert_eq!(d.capacity(&s.to.0.id).await.unwrap(), before_to);
    let events = d.audit(&AuditFilter::default(), &page()).await.unwrap();
    assert!(
        events
            .items
            .iter()
            .all(|e| !e.action.starts_with("tenant.move"))
    );
}
}

on_both_backends! {
#[tokio::test]
async fn a_move_is_made_at_once_and_audited_on_both_sides() {
    let s = setup(100).await;
    let d = &s.dist.1;
    let plan = d
        .move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.to_card.id), false))
        .await
        .unwrap();
    assert!(plan.executed);
    let moved = plan.tenant.unwrap();
    assert_eq!(
        (moved.dealer_id.as_str(), moved.rate_card_id.as_deref()),
        (s.to.0.id.as_str(), Some(s.to_card.id.as_str()))
    );
    assert_eq!(moved.version, s.tenant.version + 1);
    assert_eq!(d.capacity(&s.from.0.id).await.unwrap().extensions.used, 0);
    assert_eq!(d.capacity(&s.to.0.id).await.unwrap().extensions.used, 30);
    // The source no longer sees it; the destination does.
    expect_err(s.from.1.get_tenant(&s.tenant.id).await, 404, "not_found");
    assert_eq!(
        s.to.1.get_tenant(&s.tenant.id).await.unwrap().dealer_id,
        s.to.0.id
    );
    // The mover sees the whole move; each side sees its half, and neither names the other.
    let actions = |c: &ApiClient| {
        let c = c.clone();
        async move {
            c.audit(&AuditFilter::default(), &page())
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|e| e.action.starts_with("tenant.move"))
                .collect::<Vec<_>>()
        }
    };
    let whole = actions(d).await;
    let mut names: Vec<&str> = whole.iter().map(|e| e.action.as_str()).collect();
    names.sort();
    assert_eq!(names, ["tenant.move", "tenant.move_in", "tenant.move_out"]);
    // The mover's event names both dealers and both cards beside their ids.
    let both = whole.iter().find(|e| e.action == "tenant.move").unwrap();
    let (before, after) = (both.before.as_ref().unwrap(), both.after.as_ref().unwrap());
    assert_eq!(
        (&before["dealer_name"], &before["rate_card_name"]),
        (&s.from.0.name.as_str().into(), &s.from_card.name.as_str().into())
    );
    assert_eq!(
        (&after["dealer_name"], &after["rate_card_name"]),
        (&s.to.0.name.as_str().into(), &s.to_card.name.as_str().into())
    );
    let out = actions(&s.from.1).await;
    assert_eq!(
        out.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["tenant.move_out"]
    );
    let out_text = serde_json::to_string(&out).unwrap();
    for other in [s.to.0.id.as_str(), s.to.0.name.as_str(), s.to_card.id.as_str()] {
        assert!(!out_text.contains(other), "the source saw {other}");
    }
    let into = actions(&s.to.1).await;
    assert_eq!(
        into.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["tenant.move_in"]
    );
    let into_text = serde_json::to_string(&into).unwrap();
    for other in [s.from.0.id.as_str(), s.from.0.name.as_str(), s.from_card.id.as_str()] {
        assert!(
            !into_text.contains(other),
            "the destination saw {other}"
        );
    }
    // The old card no longer bills anyone; deleting it now works.
    assert_eq!(
        d.get_rate_card(&s.from_card.id).await.unwrap().tenant_count,
        0
    );
}
}

on_both_backends! {
#[tokio::test]
async fn only_holders_of_tenants_move_whose_scope_covers_both_dealers_may_move() {
    let s = setup(100).await;
    // The source reseller's administrator cannot see the destination: 404, as for anything
    // outside its scope.
    expect_err(
        s.from
            .1
            .move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.to_card.id), true))
            .await,
        404,
        "not_found",
    );
    // A NOC operator at the distributor covers both, but lacks tenants:move.
    let noc = s.app.group(&s.dist.0.id, "noc_operator").await;
    let (_, noc_client) = s.app.user(&s.dist.0.id, vec![noc.id.to_string()]).await;
    expect_err(
        noc_client
            .move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.to_card.id), true))
            .await,
        403,
        "forbidden",
    );
    // Moving to the dealer it is at is refused at the field.
    let e = expect_err(
        s.dist
            .1
            .move_tenant(&s.tenant.id, &mv(&s.from.0.id, None, true))
            .await,
        422,
        "invalid_field",
    );
    assert_eq!(e.field(), Some("to_dealer_id"));
}
}

on_both_backends! {
#[tokio::test]
async fn a_plan_names_every_blocker_and_a_stale_plan_is_not_executed() {
    let s = setup(100).await;
    let d = &s.dist.1;
    // A card the destination may not bill with, and a suspended destination, are blockers.
    d.suspend_dealer(&s.to.0.id).await.unwrap();
    let plan = d
        .move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.from_card.id), true))
        .await
        .unwrap();
    let codes: Vec<&str> = plan.blockers.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes, ["destination_suspended", "rate_card_not_usable"]);
    expect_err(
        d.move_tenant(&s.tenant.id, &mv(&s.to.0.id, Some(&s.from_card.id), false))
            .await,
        409,
        "destination_suspended",
    );
    d.resume_dealer(&s.to.0.id).await.unwrap();
    // The plan carries the tenant's version; a change in between makes its execution 412.
    let request = mv(&s.to.0.id, Some(&s.to_card.id), true);
    let plan = d.move_tenant(&s.tenant.id, &request).await.unwrap();
    assert_eq!(plan.tenant_version, s.tenant.version);
    d.update_tenant(
        &s.tenant.id,
        None,
        &TenantPatch {
            extensions: Some(31),
            ..TenantPatch::default()
        },
    )
    .await
    .unwrap();
    let go = TenantMove {
        dry_run: false,
        ..request
    };
    expect_err(
        d.move_tenant_as_planned(&plan, &go).await,
        412,
        "version_mismatch",
    );
    assert_eq!(
        d.get_tenant(&s.tenant.id).await.unwrap().dealer_id,
        s.from.0.id
    );
    let fresh = d
        .move_tenant(
            &s.tenant.id,
            &TenantMove {
                dry_run: true,
                ..go.clone()
            },
        )
        .await
        .unwrap();
    let done = d.move_tenant_as_planned(&fresh, &go).await.unwrap();
    assert_eq!(done.tenant.unwrap().extensions, 31);
}
}

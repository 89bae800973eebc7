//! Moving a tenant from the console: the dealer picker, the dry-run plan (capacity on both
//! sides, the rate card before and after, blockers), and executing only a plan without blockers.

use crate::harness::Console;
use crate::snapshot;
use dealerctl::model::*;

const W: u16 = 110;
const H: u16 = 30;

/// Selects the tenant with this name on the Tenants tab.
async fn select_tenant(c: &mut Console, name: &str) {
    c.keys("2g").await;
    let at = c
        .app
        .tenants
        .view
        .iter()
        .position(|i| c.app.tenants.items[*i].name == name)
        .unwrap_or_else(|| panic!("no tenant {name}"));
    for _ in 0..at {
        c.keys("j").await;
    }
    assert_eq!(c.app.tenants.selected_item().unwrap().name, name);
}

/// Moves the picker's selection onto the dealer with this name, expanding dealers on the way.
async fn pick(c: &mut Console, path: &[&str]) {
    for (depth, name) in path.iter().enumerate() {
        let rows = &c.app.mover.as_ref().expect("the picker is open").tree.rows;
        let here = c.app.mover.as_ref().unwrap().tree.selected;
        let at = rows
            .iter()
            .position(|r| r.name == *name && r.depth == depth)
            .unwrap_or_else(|| panic!("{name} is not in the picker:\n{}", c.screen(W, H)));
        let keys = if at >= here { "j" } else { "k" };
        for _ in 0..at.abs_diff(here) {
            c.keys(keys).await;
        }
        if depth + 1 < path.len() {
            c.keys("l").await;
        }
    }
}

async fn tenant_named(api: &dealerctl::client::ApiClient, name: &str) -> Tenant {
    api.list_tenants(
        &TenantFilter::default(),
        &PageParams {
            q: Some(name.into()),
            ..PageParams::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|t| t.name == name)
    .unwrap()
}

#[tokio::test]
async fn a_move_shows_its_plan_needs_a_usable_card_and_moves_the_tenant_when_confirmed() {
    let mut c = Console::signed_in("admin@acme.example").await;
    select_tenant(&mut c, "Coastal Bakery").await;
    assert_eq!(
        c.app
            .tenants
            .selected_item()
            .unwrap()
            .rate_card_name
            .as_deref(),
        Some("Coastal retail")
    );
    assert!(
        c.screen(W, H).contains("Coastal reta"),
        "the tenants table names the rate card:\n{}",
        c.screen(W, H)
    );
    c.keys("m").await;
    let picker = c.screen(W, H);
    assert!(
        picker.contains("Move Coastal Bakery to which dealer?")
            && picker.contains("Northwind Distribution"),
        "{picker}"
    );
    let rows = &c.app.mover.as_ref().unwrap().tree.rows;
    assert!(
        rows.iter().all(|r| r.kind == NodeKind::Dealer),
        "a tree of dealers only: {rows:?}"
    );
    snapshot!("move_picker", picker);
    pick(
        &mut c,
        &["Acme Telecom", "Northwind Distribution", "Harbor Voice"],
    )
    .await;
    c.keys("<enter>").await;
    let needs_card = c.screen(W, H);
    let plan = c.app.mover.as_ref().unwrap().plan.clone().expect("a plan");
    assert_eq!(
        (plan.from.name.as_str(), plan.to.name.as_str()),
        ("Coastal Reseller", "Harbor Voice")
    );
    assert!(
        plan.blockers.iter().any(|b| b.code == "rate_card_required"),
        "Coastal retail cannot bill at Harbor Voice:\n{needs_card}"
    );
    assert!(
        !needs_card.contains("rate_card_required"),
        "a sentence, not a code:\n{needs_card}"
    );
    // Blocked: y does nothing.
    c.keys("y").await;
    assert!(c.app.mover.is_some());
    let api = c.client_as("admin@acme.example").await;
    assert_eq!(
        tenant_named(&api, "Coastal Bakery").await.dealer_name,
        "Coastal Reseller"
    );

    // Choose Harbor retail: the plan is clear.
    let cards = c.app.mover.as_ref().unwrap().cards.clone();
    let harbor = cards
        .iter()
        .position(|k| k.name == "Harbor retail")
        .unwrap_or_else(|| panic!("{cards:?}"));
    for _ in 0..=harbor {
        c.keys("<right>").await;
    }
    let clear = c.screen(W, H);
    assert!(
        clear.contains("rate card  Coastal retail → Harbor retail")
            && clear.contains("nothing blocks this move")
            && clear.contains("y moves it"),
        "{clear}"
    );
    let capacity = &c
        .app
        .mover
        .as_ref()
        .unwrap()
        .plan
        .as_ref()
        .unwrap()
        .capacity;
    let ext = capacity
        .iter()
        .find(|d| d.dimension == "extensions")
        .unwrap();
    assert_eq!(ext.amount, 6);
    assert_eq!(
        ext.source_free_after
            .zip(ext.source_free_before)
            .map(|(a, b)| a - b),
        Some(6),
        "the source gets the extensions back"
    );
    snapshot!("move_plan", clear);
    c.keys("y").await;
    assert!(c.app.mover.is_none(), "{}", c.screen(W, H));
    let after = c.screen(W, H);
    assert!(
        after.contains("moved Coastal Bakery to Harbor Voice"),
        "{after}"
    );
    let moved = tenant_named(&api, "Coastal Bakery").await;
    assert_eq!(moved.dealer_name, "Harbor Voice");
    assert_eq!(moved.rate_card_name.as_deref(), Some("Harbor retail"));
    let row = c
        .app
        .tenants
        .items
        .iter()
        .find(|t| t.name == "Coastal Bakery")
        .unwrap();
    assert_eq!(row.dealer_name, "Harbor Voice", "the table is refreshed");
}

#[tokio::test]
async fn a_move_beyond_the_destinations_capacity_is_blocked() {
    let mut c = Console::signed_in("admin@acme.example").await;
    select_tenant(&mut c, "Southgate Schools").await;
    c.keys("m").await;
    pick(
        &mut c,
        &[
            "Acme Telecom",
            "Southgate Partners",
            "Lakeside Comms",
            "Summit Reseller",
        ],
    )
    .await;
    c.keys("<enter>").await;
    let blocked = c.screen(W, H);
    let plan = c.app.mover.as_ref().unwrap().plan.clone().expect("a plan");
    assert!(
        plan.blockers.iter().any(|b| b.code == "capacity_exceeded"),
        "{blocked}"
    );
    assert!(
        blocked.contains("concurrent calls free; this needs") && blocked.contains("blocked:"),
        "{blocked}"
    );
    snapshot!("move_plan_blocked", blocked);
    c.keys("<enter>").await;
    assert!(c.app.mover.is_some(), "enter does not move a blocked plan");
    c.keys("<esc>").await;
    assert!(c.app.mover.is_none());
    let api = c.client_as("admin@acme.example").await;
    assert_eq!(
        tenant_named(&api, "Southgate Schools").await.dealer_name,
        "Southgate Partners"
    );
}

#[tokio::test]
async fn m_works_on_a_tenant_in_the_tree_and_is_refused_while_viewing_as_someone() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // Bluebird Reseller, expanded: its first tenant.
    c.keys("jlj").await;
    let row = c.app.tree.selected_row().unwrap().clone();
    assert_eq!(row.kind, NodeKind::Tenant, "{}", c.screen(W, H));
    c.keys("m").await;
    assert!(
        c.screen(W, H)
            .contains(&format!("Move {} to which dealer?", row.name)),
        "{}",
        c.screen(W, H)
    );
    c.keys("<esc>").await;
    assert!(c.app.mover.is_none());
    // On a dealer, m says what it is for.
    c.keys("k").await;
    c.keys("m").await;
    assert!(c.app.mover.is_none());
    assert!(c.screen(W, H).contains("m moves a tenant"));

    c.keys(":as admin@harborvoice.example<enter>2m").await;
    assert!(c.app.mover.is_none());
    assert!(
        c.screen(W, H)
            .contains("is read-only: ctrl-x returns to admin@acme.example"),
        "{}",
        c.screen(W, H)
    );
}

#[tokio::test]
async fn a_move_refused_at_execution_keeps_the_mover_with_the_servers_plan() {
    let mut c = Console::signed_in("admin@acme.example").await;
    select_tenant(&mut c, "Coastal Bakery").await;
    c.keys("m").await;
    pick(
        &mut c,
        &["Acme Telecom", "Northwind Distribution", "Harbor Voice"],
    )
    .await;
    c.keys("<enter>").await;
    let harbor = c
        .app
        .mover
        .as_ref()
        .unwrap()
        .cards
        .iter()
        .position(|k| k.name == "Harbor retail")
        .unwrap();
    for _ in 0..=harbor {
        c.keys("<right>").await;
    }
    assert!(c.app.mover.as_ref().unwrap().can_execute());
    // Meanwhile someone cuts Harbor Voice's package to what it already gives out.
    let api = c.client_as("admin@acme.example").await;
    let to = c.app.mover.as_ref().unwrap().to.clone().unwrap().0;
    let dealer = api.get_dealer(&to).await.unwrap();
    let cap = api.capacity(&to).await.unwrap();
    let full = cap.max_tenants.allocated + cap.max_tenants.used;
    api.set_package(
        &to,
        Some(dealer.version),
        &Package {
            max_tenants: Some(full),
            ..dealer.package
        },
    )
    .await
    .unwrap();
    c.keys("y").await;
    let refused = c.screen(W, H);
    let m = c.app.mover.as_ref().expect("the mover stays open");
    assert!(!m.executing && m.error.is_some(), "{refused}");
    assert!(
        m.plan
            .as_ref()
            .is_some_and(|p| p.blockers.iter().any(|b| b.code == "capacity_exceeded")),
        "the plan the server refused with is shown:\n{refused}"
    );
    assert!(refused.contains("free; this needs"), "{refused}");
    assert_eq!(
        tenant_named(&api, "Coastal Bakery").await.dealer_name,
        "Coastal Reseller",
        "nothing moved"
    );
}

#[tokio::test]
async fn a_tenant_changed_since_the_plan_is_planned_again_before_it_moves() {
    let mut c = Console::signed_in("admin@acme.example").await;
    select_tenant(&mut c, "Bluebird Cafe").await;
    c.keys("m").await;
    pick(&mut c, &["Acme Telecom", "Northwind Distribution"]).await;
    c.keys("<enter>").await;
    assert!(
        c.app.mover.as_ref().unwrap().can_execute(),
        "{}",
        c.screen(W, H)
    );
    // The question's default is No: Enter on a plan that may go ahead moves nothing.
    c.keys("<enter>").await;
    assert!(c.app.mover.as_ref().is_some_and(|m| !m.executing));
    let planned_at = c
        .app
        .mover
        .as_ref()
        .unwrap()
        .plan
        .as_ref()
        .unwrap()
        .tenant_version;
    // Someone edits the tenant meanwhile: the plan no longer describes it.
    let api = c.client_as("admin@acme.example").await;
    let cafe = tenant_named(&api, "Bluebird Cafe").await;
    api.update_tenant(
        &cafe.id,
        Some(cafe.version),
        &TenantPatch {
            extensions: Some(7),
            ..TenantPatch::default()
        },
    )
    .await
    .unwrap();
    c.keys("y").await;
    let replanned = c.screen(W, H);
    let m = c.app.mover.as_ref().expect("still open");
    assert!(
        replanned.contains("the tenant changed since this plan"),
        "{replanned}"
    );
    let plan = m.plan.as_ref().unwrap();
    assert!(
        plan.tenant_version > planned_at,
        "the new plan is for the tenant as it is now"
    );
    let ext = plan
        .capacity
        .iter()
        .find(|d| d.dimension == "extensions")
        .unwrap();
    assert_eq!(ext.amount, 7);
    assert_eq!(
        tenant_named(&api, "Bluebird Cafe").await.dealer_name,
        "Bluebird Reseller",
        "not moved on an outdated plan"
    );
    c.keys("y").await;
    assert!(c.app.mover.is_none(), "{}", c.screen(W, H));
    assert_eq!(
        tenant_named(&api, "Bluebird Cafe").await.dealer_name,
        "Northwind Distribution"
    );
}

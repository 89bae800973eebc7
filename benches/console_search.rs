//! Search in the real console against the 1,000,000-tenant store, in a real terminal (a PTY of
//! 200×50), started signed in as `console_start` starts it. Each measure types as a person does,
//! one key per write, and ends at the first whole frame (the end of its synchronized update) that
//! shows the answer:
//!
//! - table `/`: in the Tenants tab, `/` and a tenant's name that is not among the loaded rows,
//!   from the last key to the frame titled "… matching /NAME at the server" with the tenant's row;
//!   the console waits for typing to settle before it asks the server (`GET /tenants?q=`), and
//!   that wait is in the figure;
//! - tree `/`: the same in the Dealers tab, to the frame with the tenant's row in the tree (asked
//!   the same way, `GET /search`, then the tree levels down to it);
//! - `:goto`: from the Tenants tab, `:goto NAME` enter to the frame of the pick list with the
//!   tenant in it, then enter to the frame of the Dealers tree with the tenant selected four
//!   levels down (provider, distributor, sub-distributor, reseller, tenant).
//!
//! Every run asks for another tenant; the tree and `:goto` ones lie under different
//! distributors, so no run finds a level of the tree already loaded. One run of each measure
//! warms up first. Prints each run and the medians.
//!
//! Needs what `console_start` needs (the store of `benches/make-store`, keyutils in containers).
//! `cargo bench --bench console_search`

mod console_support;

use console_support::pty::{self, COLS, Console, FRAME_END, ROWS, SignedIn, median, ms};
use std::io::Write;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

const RUNS: usize = 7;
/// Between two keys typed: quicker than the console's settle delay, so that only the last key
/// leads to a server request, as with a person typing a name they know.
const KEY_GAP: Duration = Duration::from_millis(30);
/// No output for this long: the console has done what the last key asked.
const QUIET: Duration = Duration::from_millis(400);
/// Longest wait for a frame.
const PATIENCE: Duration = Duration::from_secs(30);
const ESC: &[u8] = b"\x1b";
const ENTER: &[u8] = b"\r";

/// Tenants for the table and the tree, the warm-up run first. The generator puts tenant `i`
/// under reseller `i % 10000`, sub-distributor `i % 400` and distributor `i % 20`: these lie
/// under eight different distributors.
const SEARCHED: [u32; RUNS + 1] = [
    987_654, 512_345, 734_521, 265_438, 843_197, 391_726, 658_203, 120_987,
];
/// Tenants for `:goto`, under eight distributors other than those of SEARCHED.
const GONE_TO: [u32; RUNS + 1] = [
    123_456, 456_789, 789_012, 234_560, 567_890, 890_124, 345_679, 678_902,
];

/// The console in its terminal, the screen as of the last whole frame.
struct Term {
    console: Console,
    parser: vt100::Parser,
    /// Output of a frame not yet ended.
    pending: Vec<u8>,
}

impl Term {
    /// The console started, its tree drawn and everything it asked for at start answered.
    fn start(session: &SignedIn) -> Term {
        let mut t = Term {
            console: pty::spawn_console(session),
            parser: pty::screen(),
            pending: Vec::new(),
        };
        let since = t.console.spawned;
        t.frame_showing("the dealer tree", since, |s| {
            s.contents().contains("▸ Distributor")
        });
        t.settle();
        t
    }

    /// Writes one key; when it was written.
    fn press(&mut self, key: &[u8]) -> Instant {
        self.console.keys.write_all(key).expect("a key written");
        self.console.keys.flush().expect("a key sent");
        Instant::now()
    }

    /// Types `text` one key at a time; when the last key was written.
    fn type_text(&mut self, text: &str) -> Instant {
        let mut last = Instant::now();
        for c in text.chars() {
            std::thread::sleep(KEY_GAP);
            last = self.press(c.to_string().as_bytes());
        }
        last
    }

    /// Parses output up to the end of each whole frame; true as soon as a frame `shows` it.
    fn feed(&mut self, bytes: &[u8], shows: &dyn Fn(&vt100::Screen) -> bool) -> bool {
        self.pending.extend_from_slice(bytes);
        while let Some(at) = self
            .pending
            .windows(FRAME_END.len())
            .position(|w| w == FRAME_END)
        {
            let end = at + FRAME_END.len();
            self.parser.process(&self.pending[..end]);
            self.pending.drain(..end);
            if shows(self.parser.screen()) {
                return true;
            }
        }
        false
    }

    /// When the first frame that `shows` `what` arrived; it must come after `since`.
    fn frame_showing(
        &mut self,
        what: &str,
        since: Instant,
        shows: impl Fn(&vt100::Screen) -> bool,
    ) -> Instant {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Ok((at, bytes)) = self
                .console
                .output
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            else {
                panic!(
                    "no frame showed {what} within {PATIENCE:?}; screen:\n{}",
                    self.parser.screen().contents()
                );
            };
            if self.feed(&bytes, &shows) {
                assert!(
                    at >= since,
                    "{what} showed before the key that asks for it; screen:\n{}",
                    self.parser.screen().contents()
                );
                return at;
            }
        }
    }

    /// Takes output until the console has been quiet for a while.
    fn settle(&mut self) {
        loop {
            match self.console.output.recv_timeout(QUIET) {
                Ok((_, bytes)) => {
                    self.feed(&bytes, &|_| false);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => panic!("the console ended"),
            }
        }
    }

    /// Switches tab with its number key and waits for `ready` on screen.
    fn tab(&mut self, key: &str, ready: impl Fn(&vt100::Screen) -> bool) {
        let at = self.press(key.as_bytes());
        self.frame_showing(&format!("tab {key}"), at, ready);
        self.settle();
    }
}

/// The Tenants tab with its first page loaded and no filter.
fn tenants_table(s: &vt100::Screen) -> bool {
    s.rows(0, COLS).any(|r| {
        r.contains(" Tenants (")
            && r.contains(") sorted by ")
            && !r.contains("matching")
            && !r.contains("loading")
    })
}

/// The Dealers tab with its tree drawn.
fn dealers_tree(s: &vt100::Screen) -> bool {
    s.contents().contains(" Dealers (/ filter) ")
}

/// The table's server search for `name` answered, and the tenant's row among its matches: a
/// row whose first cell (the name) is exactly `name`.
fn table_match(s: &vt100::Screen, name: &str) -> bool {
    let title = format!(" matching /{name} at the server) ");
    s.contents().contains(&title)
        && s.rows(0, COLS).any(|r| {
            r.trim_start()
                .strip_prefix('│')
                .and_then(|cells| cells.strip_prefix(name))
                .is_some_and(|rest| rest.starts_with(' '))
        })
}

/// The tree's row of the tenant `name`: its depth, and whether it is selected.
fn tree_row(s: &vt100::Screen, name: &str) -> Option<(usize, bool)> {
    s.rows(0, COLS).enumerate().find_map(|(y, r)| {
        let lead = r.chars().take_while(|c| *c == ' ').count();
        // The tree pane is the first one on the line: up to its right border.
        let pane = r.trim_start().strip_prefix('│')?.split('│').next()?;
        let indent = pane.chars().take_while(|c| *c == ' ').count();
        let words: Vec<&str> = pane.split_whitespace().collect();
        let leaf = matches!(words.first(), Some(&"◦") | Some(&"-"));
        let named = words.get(1..3).is_some_and(|w| w.join(" ") == name);
        if !(leaf && named && words.last() == Some(&"tenant")) {
            return None;
        }
        // The name follows the border, the indent and the marker with its space.
        let x = u16::try_from(lead + 1 + indent + 2).ok()?;
        let selected = s
            .cell(u16::try_from(y).ok()?, x)
            .is_some_and(|c| c.inverse());
        Some((indent / 2, selected))
    })
}

/// The `:goto` pick list for `name` answered, the tenant among its matches; whether it is the
/// one selected.
fn pick_row(s: &vt100::Screen, name: &str) -> Option<bool> {
    if !s
        .contents()
        .contains(&format!(" goto {name} · enter opens"))
    {
        return None;
    }
    let line = format!(" {:<9} {name}", "tenant");
    s.rows(0, COLS).enumerate().find_map(|(y, r)| {
        let at = r.find(&line)?;
        let rest = &r[at + line.len()..];
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let x = u16::try_from(r[..at].chars().count() + 1).ok()?;
        Some(
            s.cell(u16::try_from(y).ok()?, x)
                .is_some_and(|c| c.inverse()),
        )
    })
}

/// `/` and `name` typed in the current view; from the last key to the frame where `found`.
fn search_once(t: &mut Term, name: &str, found: impl Fn(&vt100::Screen) -> bool) -> Duration {
    t.press(b"/");
    let last = t.type_text(name);
    let shown = t.frame_showing(&format!("the match for /{name}"), last, found);
    let took = shown - last;
    t.settle();
    t.press(ESC);
    t.settle();
    took
}

struct Goto {
    pick: Duration,
    open: Duration,
}

/// From the Tenants tab: `:goto name` enter, then enter on the pick.
fn goto_once(t: &mut Term, name: &str) -> Goto {
    t.tab("2", tenants_table);
    t.press(b":");
    t.type_text(&format!("goto {name}"));
    std::thread::sleep(KEY_GAP);
    let asked = t.press(ENTER);
    let listed = t.frame_showing(&format!("the pick list for {name}"), asked, |s| {
        pick_row(s, name).is_some()
    });
    t.settle();
    assert_eq!(
        pick_row(t.parser.screen(), name),
        Some(true),
        "the tenant is not the pick list's first match; screen:\n{}",
        t.parser.screen().contents()
    );
    let picked = t.press(ENTER);
    let opened = t.frame_showing(&format!("{name} selected in the tree"), picked, |s| {
        tree_row(s, name) == Some((4, true))
    });
    t.settle();
    Goto {
        pick: listed - asked,
        open: opened - picked,
    }
}

fn tenant(n: u32) -> String {
    format!("Tenant {n}")
}

/// The console's settle delay as its source states it (`SETTLE` in src/console/app/search.rs).
fn settle_delay() -> String {
    let source = std::fs::read_to_string("src/console/app/search.rs").unwrap_or_default();
    source
        .lines()
        .find(|l| l.contains("const SETTLE"))
        .and_then(|l| l.split_once("from_millis(")?.1.split_once(')'))
        .map(|(n, _)| format!("{n} ms"))
        .unwrap_or_else(|| "unknown (SETTLE not found in src/console/app/search.rs)".into())
}

fn row(label: &str, v: &[f64]) {
    let cells: Vec<String> = v.iter().map(|x| format!("{x:.1} ms")).collect();
    println!("| {label} | {} |", cells.join(" | "));
}

fn main() {
    let session = pty::signed_in();
    let mut t = Term::start(&session);
    let debounce = settle_delay();
    println!(
        "store {}, console {COLS}x{ROWS}, {RUNS} runs after one to warm up, keys {} ms apart, \
         settle delay before the server is asked: {debounce}",
        session.store,
        KEY_GAP.as_millis()
    );

    t.tab("2", tenants_table);
    let table: Vec<f64> = SEARCHED
        .iter()
        .map(|n| {
            let name = tenant(*n);
            ms(search_once(&mut t, &name, |s| table_match(s, &name)))
        })
        .skip(1)
        .collect();

    t.tab("1", dealers_tree);
    let tree: Vec<f64> = SEARCHED
        .iter()
        .map(|n| {
            let name = tenant(*n);
            ms(search_once(&mut t, &name, |s| tree_row(s, &name).is_some()))
        })
        .skip(1)
        .collect();

    let gotos: Vec<Goto> = GONE_TO
        .iter()
        .map(|n| goto_once(&mut t, &tenant(*n)))
        .skip(1)
        .collect();
    let pick: Vec<f64> = gotos.iter().map(|g| ms(g.pick)).collect();
    let open: Vec<f64> = gotos.iter().map(|g| ms(g.open)).collect();
    let whole: Vec<f64> = gotos.iter().map(|g| ms(g.pick + g.open)).collect();

    let runs: Vec<String> = (1..=RUNS).map(|i| i.to_string()).collect();
    println!("| measure | {} | median |", runs.join(" | "));
    println!("|---|{}---|", "---|".repeat(RUNS));
    let with_median = |mut v: Vec<f64>| {
        v.push(median(v.clone()));
        v
    };
    row(
        "table `/` (Tenants, last key → match row)",
        &with_median(table),
    );
    row(
        "tree `/` (Dealers, last key → match row)",
        &with_median(tree),
    );
    row("`:goto` enter → pick list", &with_median(pick));
    row("`:goto` pick enter → selected in tree", &with_median(open));
    row("`:goto` both", &with_median(whole));
    println!(
        "(table `/`: {}; tree `/`: {}; `:goto`: {})",
        names(&SEARCHED),
        names(&SEARCHED),
        names(&GONE_TO)
    );
}

/// The tenants of the timed runs.
fn names(ns: &[u32]) -> String {
    ns[1..]
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

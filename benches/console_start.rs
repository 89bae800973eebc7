//! Start-up of the real console against the 1,000,000-tenant store, in a real terminal (a PTY of
//! 200×50), and what it does once idle. The release binary runs as an operator starts it on the
//! second day: a profile in a config file, and the session token already in the credential store
//! (the Linux kernel keyring), so no password is typed. Measured from spawn: the first byte
//! written, the first whole frame (the end of its synchronized update), and the dealer tree drawn
//! (the provider's distributors on screen). Then, once nothing has been written for a second, the
//! bytes written and the CPU time used (/proc/PID/stat) over two idle seconds. Runs several times
//! and prints each run and the medians.
//!
//! Needs the store of `benches/make-store` (built on first use; it takes minutes) and, where the
//! session keyring is not the user's own (containers), keyutils (`apt-get install -y keyutils`).
//! `cargo bench --bench console_start`

mod console_support;

use console_support::pty::{self, COLS, FRAME_END, ROWS, SignedIn, median, ms};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

const RUNS: usize = 7;
/// On screen once the tree's first level is drawn: the provider's distributors.
const TREE_DRAWN: &str = "▸ Distributor";

/// User and system CPU time of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line: 12 and 13 after the name.
    field(11) + field(12)
}

struct Run {
    first_byte: Duration,
    first_frame: Duration,
    tree: Duration,
    idle_bytes: usize,
    idle_ticks: u64,
}

fn run_once(session: &SignedIn) -> Run {
    let console = pty::spawn_console(session);
    let (rx, spawned) = (&console.output, console.spawned);
    let pid = console.child.process_id().expect("a process id");

    let mut screen = pty::screen();
    let mut seen: Vec<u8> = Vec::new();
    let (mut first_byte, mut first_frame, mut tree) = (None, None, None);
    let deadline = spawned + Duration::from_secs(60);
    while tree.is_none() {
        let (at, bytes) = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| {
                panic!(
                    "the tree was not drawn within 60 s; screen:\n{}",
                    screen.screen().contents()
                )
            });
        first_byte.get_or_insert(at - spawned);
        seen.extend_from_slice(&bytes);
        screen.process(&bytes);
        if first_frame.is_none() && seen.windows(FRAME_END.len()).any(|w| w == FRAME_END) {
            first_frame = Some(at - spawned);
        }
        if screen.screen().contents().contains(TREE_DRAWN) {
            tree = Some(at - spawned);
        }
    }
    // Settled: the details of the selected dealer and the header's latency have come and gone.
    loop {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => panic!("the console ended"),
        }
    }
    let ticks_before = cpu_ticks(pid);
    let idle_until = Instant::now() + Duration::from_secs(2);
    let mut idle_bytes = 0;
    while let Ok((_, bytes)) = rx.recv_timeout(idle_until.saturating_duration_since(Instant::now()))
    {
        idle_bytes += bytes.len();
    }
    let idle_ticks = cpu_ticks(pid) - ticks_before;
    drop(console);
    Run {
        first_byte: first_byte.unwrap_or_default(),
        first_frame: first_frame.unwrap_or_default(),
        tree: tree.unwrap_or_default(),
        idle_bytes,
        idle_ticks,
    }
}

fn main() {
    let session = pty::signed_in();
    let store = &session.store;

    println!("store {store}, console {COLS}x{ROWS}, {RUNS} runs after one to warm up");
    println!("| run | first byte | first frame | tree drawn | idle bytes (2 s) | idle CPU ticks |");
    println!("|---|---|---|---|---|---|");
    run_once(&session);
    let runs: Vec<Run> = (1..=RUNS)
        .map(|i| {
            let r = run_once(&session);
            println!(
                "| {i} | {:.1} ms | {:.1} ms | {:.1} ms | {} | {} |",
                ms(r.first_byte),
                ms(r.first_frame),
                ms(r.tree),
                r.idle_bytes,
                r.idle_ticks
            );
            r
        })
        .collect();
    println!(
        "| median | {:.1} ms | {:.1} ms | {:.1} ms | {} | {} |",
        median(runs.iter().map(|r| ms(r.first_byte)).collect()),
        median(runs.iter().map(|r| ms(r.first_frame)).collect()),
        median(runs.iter().map(|r| ms(r.tree)).collect()),
        runs.iter().map(|r| r.idle_bytes).max().unwrap_or(0),
        runs.iter().map(|r| r.idle_ticks).max().unwrap_or(0),
    );
    println!("(idle columns: the largest of the runs)");
}

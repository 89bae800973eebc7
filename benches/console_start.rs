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

use dealerctl::client::ApiClient;
use dealerctl::config::CredentialChoice;
use dealerctl::credentials::{CredentialStore, StoreKind, session_account};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");
const EMAIL: &str = "bench@example.net";
const PASSWORD: &str = "bench-password-1234";
const PROFILE: &str = "bench";
const RUNS: usize = 7;
const ROWS: u16 = 50;
const COLS: u16 = 200;
/// What the synchronized update of a frame ends with (the event loop wraps every frame in one).
const FRAME_END: &[u8] = b"\x1b[?2026l";
/// On screen once the tree's first level is drawn: the provider's distributors.
const TREE_DRAWN: &str = "▸ Distributor";

fn store_path() -> String {
    let out = Command::new("benches/make-store")
        .stderr(Stdio::inherit())
        .output()
        .expect("benches/make-store runs");
    assert!(out.status.success(), "benches/make-store failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

/// The server, stopped when the benchmark ends (a panic included).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server over the store, and a session token of the provider's administrator.
fn start_server(store: &str, dir: &Path) -> (Server, String, String) {
    let url = format!("http://127.0.0.1:{}", free_port());
    let server = Command::new(BIN)
        .args(["serve", "--database", &format!("sqlite://{store}")])
        .args(["--listen", url.trim_start_matches("http://")])
        .arg("--mail-outbox")
        .arg(dir.join("outbox"))
        .env("DEALERCTL_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Server)
        .expect("the server starts");
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let client = ApiClient::new(&url).expect("a client");
    let deadline = Instant::now() + Duration::from_secs(120);
    let token = loop {
        match rt.block_on(client.login(EMAIL, PASSWORD)) {
            Ok(login) => break login.token,
            Err(e) if Instant::now() > deadline => panic!("cannot sign in: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    (server, url, token)
}

/// Bytes read from the PTY, with when they arrived.
fn pump(mut reader: Box<dyn Read + Send>) -> Receiver<(Instant, Vec<u8>)> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                break;
            }
        }
    });
    rx
}

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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn run_once(config: &Path, home: &Path) -> Run {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a PTY");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.arg("--config");
    cmd.arg(config);
    cmd.args(["--profile", PROFILE]);
    cmd.env("HOME", home);
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let rx = pump(pty.master.try_clone_reader().expect("the PTY's output"));
    let _keys = pty.master.take_writer().expect("the PTY's input");
    let spawned = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).expect("the console starts");
    drop(pty.slave);
    let pid = child.process_id().expect("a process id");

    let mut screen = vt100::Parser::new(
        ROWS.try_into().expect("rows"),
        COLS.try_into().expect("columns"),
        0,
    );
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
    let _ = child.kill();
    let _ = child.wait();
    Run {
        first_byte: first_byte.unwrap_or_default(),
        first_frame: first_frame.unwrap_or_default(),
        tree: tree.unwrap_or_default(),
        idle_bytes,
        idle_ticks,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Set in the run under a session keyring of its own.
const OWN_KEYRING: &str = "DEALERCTL_BENCH_OWN_KEYRING";

/// Where the inherited session keyring belongs to another user (as in containers), the kernel
/// keyring refuses reads: run again in a fresh session keyring (keyutils' `keyctl session`).
fn in_own_session_keyring() {
    let works = CredentialStore::open(CredentialChoice::KernelKeyring).kind();
    if works == StoreKind::KernelKeyring || std::env::var_os(OWN_KEYRING).is_some() {
        return;
    }
    let exe = std::env::current_exe().expect("this benchmark's path");
    let status = Command::new("keyctl")
        .args(["session", "-"])
        .arg(exe)
        .args(std::env::args_os().skip(1))
        .env(OWN_KEYRING, "1")
        .status()
        .expect("keyctl runs (apt-get install -y keyutils)");
    std::process::exit(status.code().unwrap_or(1));
}

fn main() {
    in_own_session_keyring();
    let store = store_path();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (_server, url, token) = start_server(&store, dir.path());

    // The token where the console looks for it on start.
    let keyring = CredentialStore::open(CredentialChoice::KernelKeyring);
    assert_eq!(
        keyring.kind(),
        StoreKind::KernelKeyring,
        "the kernel keyring is needed to start without a password: {:?}",
        keyring.note
    );
    let account = session_account(PROFILE, EMAIL);
    keyring.set(&account, &token).expect("token stored");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.{PROFILE}]\nserver = \"{url}\"\nemail = \"{EMAIL}\"\n\
             credential_store = \"kernel-keyring\"\n"
        ),
    )
    .expect("config written");

    println!("store {store}, console {COLS}x{ROWS}, {RUNS} runs after one to warm up");
    println!("| run | first byte | first frame | tree drawn | idle bytes (2 s) | idle CPU ticks |");
    println!("|---|---|---|---|---|---|");
    run_once(&config, dir.path());
    let runs: Vec<Run> = (1..=RUNS)
        .map(|i| {
            let r = run_once(&config, dir.path());
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
    let _ = keyring.delete(&account);
}

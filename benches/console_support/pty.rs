//! The real console in a real terminal (a PTY of 200×50) against the server over the store of
//! `benches/make-store`, as an operator starts it on the second day: a profile in a config file,
//! and the session token already in the credential store (the Linux kernel keyring), so no
//! password is typed.
//!
//! Where the session keyring is not the user's own (containers), the run goes on in a keyring of
//! its own, which needs keyutils (`apt-get install -y keyutils`).

use dealerctl::client::ApiClient;
use dealerctl::config::CredentialChoice;
use dealerctl::credentials::{CredentialStore, StoreKind, session_account};
use portable_pty::{Child as PtyChild, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_dealerctl");
pub const EMAIL: &str = "bench@example.net";
pub const PASSWORD: &str = "bench-password-1234";
pub const PROFILE: &str = "bench";
pub const ROWS: u16 = 50;
pub const COLS: u16 = 200;
/// What the synchronized update of a frame ends with (the event loop wraps every frame in one).
pub const FRAME_END: &[u8] = b"\x1b[?2026l";

/// The store's path, built first if need be (it takes minutes).
pub fn store_path() -> String {
    let out = Command::new("benches/make-store")
        .stderr(Stdio::inherit())
        .output()
        .expect("benches/make-store runs");
    assert!(out.status.success(), "benches/make-store failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

/// The server, stopped when the benchmark ends (a panic included).
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server over the store, and a session token of the provider's administrator.
pub fn start_server(store: &str, dir: &Path) -> (Server, String, String) {
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
pub fn pump(mut reader: Box<dyn Read + Send>) -> Receiver<(Instant, Vec<u8>)> {
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

/// Set in the run under a session keyring of its own.
const OWN_KEYRING: &str = "DEALERCTL_BENCH_OWN_KEYRING";

/// Where the inherited session keyring belongs to another user (as in containers), the kernel
/// keyring refuses reads: run again in a fresh session keyring (keyutils' `keyctl session`).
pub fn in_own_session_keyring() {
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

/// The server running over the store, and a profile whose token waits in the kernel keyring: the
/// console started with `config` (and `dir` as its home) is signed in at once. The token leaves
/// the keyring and the server stops when this is dropped.
pub struct SignedIn {
    pub store: String,
    pub url: String,
    pub token: String,
    pub config: PathBuf,
    keyring: CredentialStore,
    account: String,
    _server: Server,
    pub dir: tempfile::TempDir,
}

impl Drop for SignedIn {
    fn drop(&mut self) {
        let _ = self.keyring.delete(&self.account);
    }
}

/// Builds the store if need be, starts the server over it and signs in (first moving into a
/// session keyring of its own where the inherited one is not usable: the process runs again).
pub fn signed_in() -> SignedIn {
    in_own_session_keyring();
    let store = store_path();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (server, url, token) = start_server(&store, dir.path());

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
    SignedIn {
        store,
        url,
        token,
        config,
        keyring,
        account,
        _server: server,
        dir,
    }
}

/// The release console running in a PTY; ended when dropped.
pub struct Console {
    pub child: Box<dyn PtyChild + Send + Sync>,
    /// The terminal's keyboard.
    pub keys: Box<dyn Write + Send>,
    /// What it writes to the terminal, as it arrives.
    pub output: Receiver<(Instant, Vec<u8>)>,
    /// Just before the process was spawned.
    pub spawned: Instant,
    // Closing the master side would hang up the terminal.
    _master: Box<dyn MasterPty + Send>,
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the console of `session`'s profile in a fresh PTY of COLS×ROWS.
pub fn spawn_console(session: &SignedIn) -> Console {
    let home = session.dir.path();
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
    cmd.arg(&session.config);
    cmd.args(["--profile", PROFILE]);
    cmd.env("HOME", home);
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let output = pump(pty.master.try_clone_reader().expect("the PTY's output"));
    let keys = pty.master.take_writer().expect("the PTY's input");
    let spawned = Instant::now();
    let child = pty.slave.spawn_command(cmd).expect("the console starts");
    drop(pty.slave);
    Console {
        child,
        keys,
        output,
        spawned,
        _master: pty.master,
    }
}

/// A screen of the PTY's size, for vt100 to parse the console's output into.
pub fn screen() -> vt100::Parser {
    vt100::Parser::new(
        ROWS.try_into().expect("rows"),
        COLS.try_into().expect("columns"),
        0,
    )
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

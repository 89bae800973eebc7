//! Drives the console's message loop against a real server, without a terminal: keys go in as
//! messages, commands run on the real runner and client, screens render on ratatui's TestBackend.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use dealerctl::client::ApiClient;
use dealerctl::console::app::{App, Options, ProfileInfo};
use dealerctl::console::msg::Msg;
use dealerctl::console::runner::Runner;
use dealerctl::credentials::CredentialStore;
use dealerctl::server::bootstrap::AdminLogin;
use dealerctl::server::config::ServerConfig;
use dealerctl::server::demo::DEMO_PASSWORD;
use dealerctl::server::run::{RunningServer, spawn};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

pub struct Console {
    pub app: App,
    runner: Runner,
    rx: UnboundedReceiver<Msg>,
    pub server: Option<RunningServer>,
    _dir: tempfile::TempDir,
}

/// A server seeded with the demo tree.
pub async fn demo_server() -> (RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "127.0.0.1:0".into(),
        database: format!("sqlite://{}", dir.path().join("c.db").display()),
        mail_outbox: dir.path().join("outbox"),
        seed_demo: true,
        ..ServerConfig::default()
    };
    let admin = AdminLogin {
        email: "root@acme.example".into(),
        password: Some(DEMO_PASSWORD.into()),
    };
    (spawn(config, admin).await.unwrap(), dir)
}

fn options() -> Options {
    Options {
        color: false,
        ascii: false,
        show_latency: false,
    }
}

impl Console {
    /// The console signed in as a demo login (as `dealerctl demo` opens it).
    pub async fn signed_in(email: &str) -> Console {
        Console::signed_in_with(email, &[]).await
    }

    /// The same, the login first given a group of its own dealer holding `extra` too.
    pub async fn signed_in_with(email: &str, extra: &[dealerctl::model::Permission]) -> Console {
        use dealerctl::model::*;
        let (server, dir) = demo_server().await;
        if !extra.is_empty() {
            let anon = ApiClient::new(&server.url()).unwrap();
            let admin = anon.with_token(
                anon.login("admin@acme.example", DEMO_PASSWORD)
                    .await
                    .unwrap()
                    .token,
            );
            let filter = UserFilter::default();
            let page = PageParams {
                q: Some(email.into()),
                ..PageParams::default()
            };
            let user = admin
                .list_users(&filter, &page)
                .await
                .unwrap()
                .items
                .remove(0);
            let group = admin
                .create_group(&NewGroup {
                    dealer_id: user.dealer_id.clone(),
                    name: "Extra for the test".into(),
                    permissions: extra.to_vec(),
                    ..NewGroup::default()
                })
                .await
                .unwrap();
            let mut groups = user.group_ids.clone();
            groups.push(group.id);
            let patch = UserPatch {
                group_ids: Some(groups),
                ..UserPatch::default()
            };
            admin.update_user(&user.id, None, &patch).await.unwrap();
        }
        let token = ApiClient::new(&server.url())
            .unwrap()
            .login(email, DEMO_PASSWORD)
            .await
            .unwrap()
            .token;
        let mut c = Console::open(server, dir, Some(email.to_string()));
        let first = c.app.start(Some(token));
        c.run(first);
        c.settle().await;
        c
    }

    /// Signed in as a demo login, asking for pages of `rows` (the demo has few rows: small pages
    /// show paging).
    pub async fn signed_in_paged(email: &str, rows: i64) -> Console {
        let (server, dir) = demo_server().await;
        let token = ApiClient::new(&server.url())
            .unwrap()
            .login(email, DEMO_PASSWORD)
            .await
            .unwrap()
            .token;
        let store = Arc::new(CredentialStore::memory());
        let mut c = Console::attach(&server.url(), Some(email.to_string()), store, Some(rows));
        c.server = Some(server);
        c._dir = dir;
        c.boot(Some(token)).await;
        c
    }

    /// The console at its sign-in screen (no stored session, no e-mail in the profile).
    pub async fn at_sign_in() -> Console {
        let (server, dir) = demo_server().await;
        let mut c = Console::open(server, dir, None);
        let first = c.app.start(None);
        c.run(first);
        c.settle().await;
        c
    }

    fn open(server: RunningServer, dir: tempfile::TempDir, email: Option<String>) -> Console {
        let mut c = Console::attach(
            &server.url(),
            email,
            Arc::new(CredentialStore::memory()),
            None,
        );
        c.server = Some(server);
        c._dir = dir;
        c
    }

    /// A console on a server someone else runs, with a given credential store and page size.
    pub fn attach(
        url: &str,
        email: Option<String>,
        store: Arc<CredentialStore>,
        page_size: Option<i64>,
    ) -> Console {
        Console::attach_client(ApiClient::new(url).unwrap(), email, store, page_size)
    }

    /// A console talking through a prepared client (short time-outs, for a server that stalls).
    pub fn attach_client(
        client: ApiClient,
        email: Option<String>,
        store: Arc<CredentialStore>,
        page_size: Option<i64>,
    ) -> Console {
        let (tx, rx) = unbounded_channel();
        let profile = ProfileInfo {
            name: "test".into(),
            server: client.base_url().to_string(),
            production: false,
            email,
        };
        let mut runner = Runner::new(client, tx, store, "test".into());
        if let Some(rows) = page_size {
            runner = runner.with_page_size(rows);
        }
        Console {
            app: App::new(profile, options(), "memory only".into()),
            runner,
            rx,
            server: None,
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Profiles `:profile` may switch to, as `config.toml` would list them.
    pub fn with_profiles(
        mut self,
        profiles: std::collections::BTreeMap<String, dealerctl::config::Profile>,
    ) -> Console {
        self.app.profiles = profiles
            .iter()
            .map(|(n, p)| (n.clone(), p.server.clone(), p.production))
            .collect();
        self.runner = self.runner.with_profiles(profiles, false);
        self
    }

    /// Starts the app as `dealerctl` does (a stored session, else the sign-in screen).
    pub async fn boot(&mut self, token: Option<String>) {
        let first = self.app.start(token);
        self.run(first);
        self.settle().await;
    }

    fn run(&mut self, cmds: Vec<dealerctl::console::msg::Command>) {
        for c in cmds {
            self.runner.run(c);
        }
    }

    /// Handles messages until no request is in flight and nothing is queued.
    pub async fn settle(&mut self) {
        loop {
            while let Ok(m) = self.rx.try_recv() {
                let cmds = self.app.update(m);
                self.run(cmds);
            }
            if self.runner.in_flight() == 0 && self.rx.is_empty() {
                return;
            }
            let m = tokio::time::timeout(Duration::from_secs(30), self.rx.recv())
                .await
                .expect("a request answered within 30 s")
                .expect("the channel stays open");
            let cmds = self.app.update(m);
            self.run(cmds);
        }
    }

    /// Handles messages as they come (answers, timers such as the retry after a lost connection)
    /// until `done` holds; panics with the screen if it does not within `limit`.
    pub async fn until(&mut self, limit: Duration, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + limit;
        while !done(&self.app) {
            let Ok(m) = tokio::time::timeout_at(deadline, self.rx.recv()).await else {
                panic!("not so within {limit:?}:\n{}", self.screen(110, 30));
            };
            let cmds = self.app.update(m.expect("the channel stays open"));
            self.run(cmds);
        }
    }

    /// Types keys: characters as themselves, `<esc>`, `<enter>`, `<tab>`, `<down>`… as named keys.
    pub async fn keys(&mut self, keys: &str) {
        for k in parse(keys) {
            let cmds = self.app.update(Msg::Input(Event::Key(k)));
            self.run(cmds);
            self.settle().await;
        }
    }

    /// Presses one key without running what it starts (to see a transient state such as
    /// "saving"); `finish` runs it afterwards.
    pub fn press_only(&mut self, keys: &str) -> Vec<dealerctl::console::msg::Command> {
        parse(keys)
            .into_iter()
            .flat_map(|k| self.app.update(Msg::Input(Event::Key(k))))
            .collect()
    }

    /// Runs commands returned by `press_only` and waits for their answers.
    pub async fn finish(&mut self, cmds: Vec<dealerctl::console::msg::Command>) {
        self.run(cmds);
        self.settle().await;
    }

    /// The project's client, signed in as a demo login, to check and change the server directly.
    pub async fn client_as(&self, email: &str) -> ApiClient {
        let url = self
            .server
            .as_ref()
            .expect("this console owns its server")
            .url();
        let anon = ApiClient::new(&url).unwrap();
        anon.with_token(anon.login(email, DEMO_PASSWORD).await.unwrap().token)
    }

    /// The screen as text, with what varies between runs (ports, dates, times) replaced.
    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| dealerctl::console::draw::draw(f, &self.app))
            .unwrap();
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..h {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Stops the server (to see how the console takes a lost connection).
    pub async fn stop_server(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
}

/// Keys from a compact notation.
pub fn parse(keys: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            let name = &rest[1..end];
            if let Some(c) = name.strip_prefix("C-").and_then(|c| c.chars().next()) {
                out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
                rest = &rest[end + 1..];
                continue;
            }
            let code = match name {
                "esc" => KeyCode::Esc,
                "enter" => KeyCode::Enter,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "down" => KeyCode::Down,
                "up" => KeyCode::Up,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pgdn" => KeyCode::PageDown,
                "bs" => KeyCode::Backspace,
                other => panic!("unknown key <{other}>"),
            };
            out.push(KeyEvent::new(code, KeyModifiers::NONE));
            rest = &rest[end + 1..];
        } else {
            let m = if c.is_ascii_uppercase() || "?:".contains(c) {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            out.push(KeyEvent::new(KeyCode::Char(c), m));
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Replaces what differs between runs.
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({
            filters => vec![
                (r"127\.0\.0\.1:\d+", "[server]"),
                (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[uuid]"),
                (r"\b[a-z]{2,4}_[0-9a-f]{32}\b", "[id]"),
                (r"\d{4}-\d{2}-\d{2}", "[date]"),
                (r"\d{2}:\d{2}:\d{2}", "[time]"),
                (r"\b\d{2}:\d{2}\b", "[time]"),
                (r"\[time\]\.\d+Z", "[time]Z"),
            ],
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $screen);
        });
    };
}

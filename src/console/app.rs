//! The console's whole state and `update`: one message in, state changed, commands out.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::Duration;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keymap::{Action, action_for};
use super::lists::ListState;
use super::msg::*;
use super::rows::PackageRow;
use super::tree::DealerTree;
use crate::client::ClientError;
use crate::model::*;

/// The tabs, in key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Dealers,
    Tenants,
    Packages,
    Users,
    Groups,
    RateCards,
    Audit,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Dealers,
        Tab::Tenants,
        Tab::Packages,
        Tab::Users,
        Tab::Groups,
        Tab::RateCards,
        Tab::Audit,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Dealers => "Dealers",
            Tab::Tenants => "Tenants",
            Tab::Packages => "Packages",
            Tab::Users => "Users",
            Tab::Groups => "Groups",
            Tab::RateCards => "Rate cards",
            Tab::Audit => "Audit",
        }
    }

    /// The name used by the command line.
    pub fn command(self) -> &'static str {
        match self {
            Tab::RateCards => "rate-cards",
            other => match other {
                Tab::Dealers => "dealers",
                Tab::Tenants => "tenants",
                Tab::Packages => "packages",
                Tab::Users => "users",
                Tab::Groups => "groups",
                _ => "audit",
            },
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    fn list(self) -> Option<ListKind> {
        match self {
            Tab::Tenants => Some(ListKind::Tenants),
            Tab::Packages => Some(ListKind::Packages),
            Tab::Users => Some(ListKind::Users),
            Tab::Groups => Some(ListKind::Groups),
            Tab::Audit => Some(ListKind::Audit),
            Tab::Dealers | Tab::RateCards => None,
        }
    }
}

/// The profile being used, as the header shows it.
#[derive(Debug, Clone, Default)]
pub struct ProfileInfo {
    pub name: String,
    pub server: String,
    pub production: bool,
    pub email: Option<String>,
}

/// Display options from flags and the environment.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub color: bool,
    pub ascii: bool,
    /// Show the last request's latency (off in snapshot tests, where it varies).
    pub show_latency: bool,
}

/// The sign-in form.
#[derive(Debug, Default)]
pub struct SignIn {
    pub email: Input,
    pub password: Input,
    /// 0: email, 1: password.
    pub focus: usize,
    pub busy: bool,
    pub error: Option<String>,
}

/// What takes the keys besides the current view.
#[derive(Debug)]
pub enum Mode {
    Normal,
    Filter(Input),
    Command(Input),
    Help,
}

/// A result or error line in the footer.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub id: u64,
    pub text: String,
    pub error: bool,
}

/// How long a success flash stays.
pub const FLASH_TIME: Duration = Duration::from_secs(4);

/// Commands the command line knows, for completion.
pub const COMMANDS: &[&str] = &[
    "audit",
    "dealers",
    "groups",
    "help",
    "logout",
    "packages",
    "q",
    "quit",
    "rate-cards",
    "refresh",
    "tenants",
    "users",
];

/// The whole console state, owned by the UI task.
pub struct App {
    pub profile: ProfileInfo,
    pub options: Options,
    pub me: Option<Me>,
    /// Some while the sign-in screen is shown.
    pub signin: Option<SignIn>,
    /// True until the stored session has been tried.
    pub starting: bool,
    pub tab: Tab,
    pub mode: Mode,
    pub tree: DealerTree,
    pub tree_gen: u64,
    pub details: Option<(Dealer, Option<Capacity>)>,
    pub details_gen: u64,
    pub tenants: ListState<Tenant>,
    pub packages: ListState<PackageRow>,
    pub users: ListState<User>,
    pub groups: ListState<Group>,
    pub audit: ListState<AuditEvent>,
    /// None until probed; Some(Err) says why rate cards cannot be shown.
    pub rate_cards: Option<Result<(), String>>,
    pub flash: Option<Flash>,
    flash_seq: u64,
    pub online: bool,
    retry_delay: Duration,
    pub latency: Option<Duration>,
    pub size: (u16, u16),
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    me_gen: u64,
    /// Where the session token is kept, shown once.
    pub store_label: String,
}

impl App {
    pub fn new(profile: ProfileInfo, options: Options, store_label: String) -> App {
        App {
            profile,
            options,
            me: None,
            signin: None,
            starting: true,
            tab: Tab::Dealers,
            mode: Mode::Normal,
            tree: DealerTree::default(),
            tree_gen: 0,
            details: None,
            details_gen: 0,
            tenants: ListState::default(),
            packages: ListState::default(),
            users: ListState::default(),
            groups: ListState::default(),
            audit: newest_first(),
            rate_cards: None,
            flash: None,
            flash_seq: 0,
            online: true,
            retry_delay: Duration::from_secs(1),
            latency: None,
            size: (80, 24),
            quit: false,
            dirty: true,
            me_gen: 0,
            store_label,
        }
    }

    /// The first commands: try a stored session (or the token handed in, as the demo does).
    pub fn start(&mut self, token: Option<String>) -> Vec<Command> {
        match (token, self.profile.email.clone()) {
            (Some(t), email) => vec![
                Command::UseToken {
                    email: email.unwrap_or_default(),
                    token: Some(t),
                    persist: false,
                },
                self.load_me(),
            ],
            (None, Some(email)) => vec![Command::LoadStoredToken { email }],
            (None, None) => {
                self.show_signin(None);
                vec![]
            }
        }
    }

    fn load_me(&mut self) -> Command {
        self.me_gen += 1;
        Command::LoadMe {
            generation: self.me_gen,
        }
    }

    fn show_signin(&mut self, error: Option<String>) {
        self.starting = false;
        self.me = None;
        let mut form = SignIn::default();
        if let Some(e) = &self.profile.email {
            form.email = Input::new(e.clone());
            form.focus = 1;
        }
        form.error = error;
        self.signin = Some(form);
    }

    /// Sets the footer's flash; successes expire, errors stay until the next key.
    pub fn flash(&mut self, text: impl Into<String>, error: bool) -> Vec<Command> {
        self.flash_seq += 1;
        self.flash = Some(Flash {
            id: self.flash_seq,
            text: text.into(),
            error,
        });
        if error {
            vec![]
        } else {
            vec![Command::ExpireFlash {
                id: self.flash_seq,
                after: FLASH_TIME,
            }]
        }
    }

    /// Handles one message.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        self.dirty = true;
        match msg {
            Msg::Input(Event::Key(k)) if k.kind != KeyEventKind::Release => self.on_key(k),
            Msg::Input(Event::Mouse(m))
                if self.me.is_some() && matches!(self.mode, Mode::Normal) =>
            {
                match m.kind {
                    crossterm::event::MouseEventKind::ScrollDown => self.move_by(3),
                    crossterm::event::MouseEventKind::ScrollUp => self.move_by(-3),
                    _ => {
                        self.dirty = false;
                        vec![]
                    }
                }
            }
            Msg::Input(Event::Resize(w, h)) => {
                self.size = (w, h);
                vec![]
            }
            Msg::Input(_) => {
                self.dirty = false;
                vec![]
            }
            Msg::Reply(r) => self.on_reply(*r),
            Msg::FlashExpired(id) => {
                if self.flash.as_ref().is_some_and(|f| f.id == id && !f.error) {
                    self.flash = None;
                } else {
                    self.dirty = false;
                }
                vec![]
            }
            Msg::Retry => vec![self.load_me()],
            Msg::Quit => {
                self.quit = true;
                self.dirty = false;
                vec![]
            }
        }
    }

    fn on_key(&mut self, k: KeyEvent) -> Vec<Command> {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return vec![];
        }
        if self.flash.as_ref().is_some_and(|f| f.error) {
            self.flash = None;
        }
        if self.signin.is_some() {
            return self.on_signin_key(k);
        }
        if self.me.is_none() {
            return vec![];
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Help => vec![],
            Mode::Filter(mut input) => self.on_filter_key(k, &mut input),
            Mode::Command(mut input) => self.on_command_key(k, &mut input),
            Mode::Normal => match action_for(&k, self.tab == Tab::Dealers) {
                Some(a) => self.on_action(a),
                None => vec![],
            },
        }
    }

    fn on_signin_key(&mut self, k: KeyEvent) -> Vec<Command> {
        let Some(form) = self.signin.as_mut() else {
            return vec![];
        };
        match k.code {
            KeyCode::Esc => {
                self.quit = true;
                vec![]
            }
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Down | KeyCode::Up => {
                form.focus = 1 - form.focus;
                vec![]
            }
            KeyCode::Enter if form.focus == 0 => {
                form.focus = 1;
                vec![]
            }
            KeyCode::Enter => {
                let email = form.email.value().trim().to_string();
                let password = form.password.value().to_string();
                if email.is_empty() || password.is_empty() {
                    form.error = Some("enter your e-mail and password".into());
                    return vec![];
                }
                if form.busy {
                    return vec![];
                }
                form.busy = true;
                form.error = None;
                self.profile.email = Some(email.clone());
                vec![Command::SignIn { email, password }]
            }
            _ => {
                let input = if form.focus == 0 {
                    &mut form.email
                } else {
                    &mut form.password
                };
                input.handle_event(&Event::Key(k));
                vec![]
            }
        }
    }

    fn on_filter_key(&mut self, k: KeyEvent, input: &mut Input) -> Vec<Command> {
        match k.code {
            KeyCode::Esc => {
                self.apply_filter("");
                vec![]
            }
            KeyCode::Enter => vec![],
            _ => {
                input.handle_event(&Event::Key(k));
                let text = input.value().to_string();
                self.apply_filter(&text);
                self.mode = Mode::Filter(std::mem::take(input));
                vec![]
            }
        }
    }

    fn apply_filter(&mut self, text: &str) {
        match self.tab {
            Tab::Dealers => self.tree.set_filter(text),
            Tab::Tenants => self.tenants.set_filter(text),
            Tab::Packages => self.packages.set_filter(text),
            Tab::Users => self.users.set_filter(text),
            Tab::Groups => self.groups.set_filter(text),
            Tab::Audit => self.audit.set_filter(text),
            Tab::RateCards => {}
        }
    }

    /// The filter text of the current view.
    pub fn current_filter(&self) -> &str {
        match self.tab {
            Tab::Dealers => self.tree.filter(),
            Tab::Tenants => &self.tenants.filter,
            Tab::Packages => &self.packages.filter,
            Tab::Users => &self.users.filter,
            Tab::Groups => &self.groups.filter,
            Tab::Audit => &self.audit.filter,
            Tab::RateCards => "",
        }
    }

    fn on_command_key(&mut self, k: KeyEvent, input: &mut Input) -> Vec<Command> {
        match k.code {
            KeyCode::Esc => vec![],
            KeyCode::Enter => self.run_command(input.value().trim()),
            KeyCode::Tab => {
                let typed = input.value().trim().to_string();
                let matches: Vec<&&str> =
                    COMMANDS.iter().filter(|c| c.starts_with(&typed)).collect();
                if let Some(first) = matches.first() {
                    let common = matches.iter().fold(first.to_string(), |acc, c| {
                        acc.chars()
                            .zip(c.chars())
                            .take_while(|(a, b)| a == b)
                            .map(|(a, _)| a)
                            .collect()
                    });
                    let done = if matches.len() == 1 {
                        first.to_string()
                    } else {
                        common
                    };
                    *input = Input::new(done);
                }
                self.mode = Mode::Command(std::mem::take(input));
                vec![]
            }
            _ => {
                input.handle_event(&Event::Key(k));
                self.mode = Mode::Command(std::mem::take(input));
                vec![]
            }
        }
    }

    /// Completions of what is typed on the command line.
    pub fn completions(typed: &str) -> Vec<&'static str> {
        COMMANDS
            .iter()
            .copied()
            .filter(|c| c.starts_with(typed.trim()))
            .collect()
    }

    fn run_command(&mut self, line: &str) -> Vec<Command> {
        let word = line.split_whitespace().next().unwrap_or("");
        if let Some(tab) = Tab::ALL
            .into_iter()
            .find(|t| t.command() == word || t.title().eq_ignore_ascii_case(word))
        {
            return self.switch_tab(tab);
        }
        match word {
            "" => vec![],
            "q" | "quit" => {
                self.quit = true;
                vec![]
            }
            "help" => {
                self.mode = Mode::Help;
                vec![]
            }
            "refresh" => self.refresh(),
            "logout" => {
                let email = self.profile.email.clone().unwrap_or_default();
                let mut cmds = vec![
                    Command::SignOut,
                    Command::UseToken {
                        email,
                        token: None,
                        persist: true,
                    },
                ];
                self.reset_views();
                self.show_signin(Some("signed out".into()));
                cmds.extend(self.flash("signed out", false));
                cmds
            }
            other => self.flash(
                format!("unknown command `{other}` (tab completes, :help lists keys)"),
                true,
            ),
        }
    }

    fn reset_views(&mut self) {
        self.tree.clear();
        self.details = None;
        self.tenants = ListState::default();
        self.packages = ListState::default();
        self.users = ListState::default();
        self.groups = ListState::default();
        self.audit = newest_first();
        self.rate_cards = None;
    }

    fn on_action(&mut self, a: Action) -> Vec<Command> {
        match a {
            Action::Quit => {
                self.quit = true;
                vec![]
            }
            Action::Help => {
                self.mode = Mode::Help;
                vec![]
            }
            Action::Filter => {
                self.mode = Mode::Filter(Input::new(self.current_filter().to_string()));
                vec![]
            }
            Action::Command => {
                self.mode = Mode::Command(Input::default());
                vec![]
            }
            Action::NextTab => self.switch_tab(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
            Action::PrevTab => {
                self.switch_tab(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Action::GoTab(i) => self.switch_tab(Tab::ALL[i.min(Tab::ALL.len() - 1)]),
            Action::Refresh => self.refresh(),
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::PageDown => self.move_by(self.page_rows() as isize),
            Action::PageUp => self.move_by(-(self.page_rows() as isize)),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Expand => self.expand(),
            Action::Open => {
                let load = self.tree.toggle_selected();
                let mut cmds = self.tree_load(load);
                cmds.extend(self.select_details());
                cmds
            }
            Action::Collapse => {
                self.tree.collapse_selected();
                self.select_details()
            }
            Action::SortNext => {
                self.with_list(|l, cols| l.sort_next(cols));
                vec![]
            }
            Action::SortFlip => {
                self.with_list(|l, _| l.sort_flip());
                vec![]
            }
        }
    }

    /// The list behind a list tab, whatever its rows.
    fn list_mut(&mut self, list: ListKind) -> &mut dyn AnyList {
        match list {
            ListKind::Tenants => &mut self.tenants,
            ListKind::Packages => &mut self.packages,
            ListKind::Users => &mut self.users,
            ListKind::Groups => &mut self.groups,
            ListKind::Audit => &mut self.audit,
        }
    }

    fn page_rows(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    fn with_list(&mut self, f: impl Fn(&mut dyn AnyList, usize)) {
        if let Some(list) = self.tab.list() {
            let columns = super::rows::columns(self.tab);
            f(self.list_mut(list), columns);
        }
    }

    fn expand(&mut self) -> Vec<Command> {
        let load = self.tree.expand_selected();
        self.tree_load(load)
    }

    fn tree_load(&mut self, under: Option<String>) -> Vec<Command> {
        match under {
            Some(id) => {
                self.tree_gen += 1;
                vec![Command::LoadTree {
                    under: Some(id),
                    generation: self.tree_gen,
                }]
            }
            None => vec![],
        }
    }

    fn move_by(&mut self, delta: isize) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => {
                self.tree.move_by(delta);
                self.select_details()
            }
            Tab::RateCards => vec![],
            tab => {
                self.with_list(|l, _| l.move_rows(delta));
                self.more_if_needed(tab)
            }
        }
    }

    /// Loads the next page when the selection nears the end of what is loaded.
    fn more_if_needed(&mut self, tab: Tab) -> Vec<Command> {
        let Some(list) = tab.list() else {
            return vec![];
        };
        let l = self.list_mut(list);
        let next = if l.wants_more() { l.begin_more() } else { None };
        next.map(|(cursor, generation)| {
            vec![Command::LoadPage {
                list,
                cursor: Some(cursor),
                generation,
            }]
        })
        .unwrap_or_default()
    }

    /// Asks for the selected dealer's details (the newest request wins).
    fn select_details(&mut self) -> Vec<Command> {
        let Some(row) = self.tree.selected_row() else {
            return vec![];
        };
        if row.kind != NodeKind::Dealer {
            return vec![];
        }
        if self.details.as_ref().is_some_and(|(d, _)| d.id == row.id) {
            return vec![];
        }
        self.details_gen += 1;
        vec![Command::LoadDetails {
            id: row.id.clone(),
            generation: self.details_gen,
        }]
    }

    fn switch_tab(&mut self, tab: Tab) -> Vec<Command> {
        self.tab = tab;
        self.ensure_loaded()
    }

    /// Loads the current tab's data if it never was.
    fn ensure_loaded(&mut self) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => vec![],
            Tab::RateCards if self.rate_cards.is_none() => {
                vec![Command::ProbeRateCards { generation: 0 }]
            }
            Tab::RateCards => vec![],
            tab => {
                let list = tab.list().expect("every other tab is a list");
                let loaded = self.list_mut(list).loaded_or_loading();
                if loaded { vec![] } else { self.reload(list) }
            }
        }
    }

    fn reload(&mut self, list: ListKind) -> Vec<Command> {
        let generation = self.list_mut(list).begin_reload();
        vec![Command::LoadPage {
            list,
            cursor: None,
            generation,
        }]
    }

    fn refresh(&mut self) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => self.reload_tree(),
            Tab::RateCards => {
                self.rate_cards = None;
                self.ensure_loaded()
            }
            tab => self.reload(tab.list().expect("list tab")),
        }
    }

    fn reload_tree(&mut self) -> Vec<Command> {
        self.tree_gen += 1;
        let generation = self.tree_gen;
        let mut cmds = vec![Command::LoadTree {
            under: None,
            generation,
        }];
        cmds.extend(
            self.tree
                .expanded_ids()
                .into_iter()
                .map(|id| Command::LoadTree {
                    under: Some(id),
                    generation,
                }),
        );
        self.details = None;
        cmds.extend(self.select_details());
        cmds
    }

    fn on_reply(&mut self, r: Reply) -> Vec<Command> {
        if self.me.is_some() || matches!(r.body, ReplyBody::Me(_) | ReplyBody::SignedIn(_)) {
            self.latency = Some(r.latency);
        }
        match r.body {
            ReplyBody::StoredToken(Some(token)) => {
                let email = self.profile.email.clone().unwrap_or_default();
                vec![
                    Command::UseToken {
                        email,
                        token: Some(token),
                        persist: false,
                    },
                    self.load_me(),
                ]
            }
            ReplyBody::StoredToken(None) => {
                self.show_signin(None);
                vec![]
            }
            ReplyBody::SignedIn(result) => match *result {
                Ok(login) => {
                    let email = login.user.email.clone();
                    self.profile.email = Some(email.clone());
                    vec![
                        Command::UseToken {
                            email,
                            token: Some(login.token),
                            persist: true,
                        },
                        self.load_me(),
                    ]
                }
                Err(e) => {
                    if let Some(form) = self.signin.as_mut() {
                        form.busy = false;
                        form.error = Some(describe(&e));
                    }
                    vec![]
                }
            },
            ReplyBody::Me(result) if r.generation == self.me_gen => self.on_me(*result),
            ReplyBody::Me(_) => vec![],
            ReplyBody::SignedOut => vec![],
            body => {
                if self.me.is_none() {
                    return vec![];
                }
                self.on_data(r.generation, body)
            }
        }
    }

    fn on_me(&mut self, result: Result<Me, ClientError>) -> Vec<Command> {
        match result {
            Ok(me) => {
                let first = self.me.is_none();
                let was_offline = !self.online;
                self.online = true;
                self.retry_delay = Duration::from_secs(1);
                self.profile.email = Some(me.user.email.clone());
                self.me = Some(me);
                self.signin = None;
                self.starting = false;
                if first {
                    let mut cmds = self.reload_tree();
                    cmds.extend(self.ensure_loaded());
                    cmds
                } else if was_offline {
                    let mut cmds = self.flash("connection restored", false);
                    cmds.extend(self.refresh());
                    cmds
                } else {
                    vec![]
                }
            }
            Err(e) => self.on_error(e, "signing in"),
        }
    }

    /// A failed request: offline → retry with back-off; session gone → sign in again; else say so.
    fn on_error(&mut self, e: ClientError, doing: &str) -> Vec<Command> {
        match &e {
            ClientError::Network(_) => {
                let first = self.online;
                self.online = false;
                let delay = self.retry_delay;
                self.retry_delay = (self.retry_delay * 2).min(Duration::from_secs(30));
                if self.me.is_none() && self.starting {
                    self.show_signin(Some(format!("cannot reach {}: {e}", self.profile.server)));
                    return vec![];
                }
                let mut cmds = vec![Command::RetryAfter(delay)];
                if first {
                    cmds.extend(
                        self.flash(format!("connection lost while {doing}; retrying"), true),
                    );
                }
                cmds
            }
            ClientError::Api { status: 401, .. } => {
                let had_session = self.me.is_some() || !self.starting;
                let email = self.profile.email.clone().unwrap_or_default();
                self.reset_views();
                self.show_signin(Some(if had_session {
                    "your session has ended: sign in again".into()
                } else {
                    "sign in".into()
                }));
                vec![Command::UseToken {
                    email,
                    token: None,
                    persist: true,
                }]
            }
            _ => {
                self.online = true;
                self.flash(format!("{doing}: {}", describe(&e)), true)
            }
        }
    }

    fn on_data(&mut self, generation: u64, body: ReplyBody) -> Vec<Command> {
        match body {
            ReplyBody::Tree { under, result } if generation == self.tree_gen => match result {
                Ok(node) => {
                    let first = under.is_none() && self.tree.root.is_none();
                    self.tree.accept(under.as_deref(), node);
                    self.online = true;
                    if first { self.select_details() } else { vec![] }
                }
                Err(e) => {
                    self.tree.error = Some(describe(&e));
                    self.on_error(e, "loading the dealer tree")
                }
            },
            ReplyBody::Details(result) if generation == self.details_gen => match result {
                Ok(d) => {
                    self.details = Some(d);
                    vec![]
                }
                Err(e) => self.on_error(e, "loading the dealer"),
            },
            ReplyBody::Tenants { append, result } if generation == self.tenants.generation => {
                accept(&mut self.tenants, append, result)
                    .map_or_else(|e| self.on_error(e, "loading tenants"), |_| vec![])
            }
            ReplyBody::Packages { append, result } if generation == self.packages.generation => {
                let result = result.map(|p| Page {
                    items: p.items.into_iter().map(PackageRow::from).collect(),
                    next_cursor: p.next_cursor,
                    total: p.total,
                });
                accept(&mut self.packages, append, result)
                    .map_or_else(|e| self.on_error(e, "loading packages"), |_| vec![])
            }
            ReplyBody::Users { append, result } if generation == self.users.generation => {
                accept(&mut self.users, append, result)
                    .map_or_else(|e| self.on_error(e, "loading users"), |_| vec![])
            }
            ReplyBody::Groups { append, result } if generation == self.groups.generation => {
                accept(&mut self.groups, append, result)
                    .map_or_else(|e| self.on_error(e, "loading groups"), |_| vec![])
            }
            ReplyBody::Audit { append, result } if generation == self.audit.generation => {
                accept(&mut self.audit, append, result)
                    .map_or_else(|e| self.on_error(e, "loading the audit trail"), |_| vec![])
            }
            ReplyBody::RateCards(result) => {
                self.rate_cards = Some(match result {
                    Ok(()) => {
                        Err("rate cards are served, but this console cannot show them yet".into())
                    }
                    Err(e) if e.status().is_some() => {
                        Err("rate cards are not available on this server".into())
                    }
                    Err(e) => return self.on_error(e, "loading rate cards"),
                });
                vec![]
            }
            // A stale answer: a newer request for the same view replaced it.
            _ => {
                self.dirty = false;
                vec![]
            }
        }
    }
}

/// The audit list: newest first.
fn newest_first() -> ListState<AuditEvent> {
    ListState {
        sort_desc: true,
        ..ListState::default()
    }
}

/// What `update` does with any list, whatever its row type.
pub trait AnyList {
    fn sort_next(&mut self, columns: usize);
    fn sort_flip(&mut self);
    fn move_rows(&mut self, delta: isize);
    fn wants_more(&self) -> bool;
    fn begin_more(&mut self) -> Option<(String, u64)>;
    fn begin_reload(&mut self) -> u64;
    fn loaded_or_loading(&self) -> bool;
}

impl<T: super::lists::Row> AnyList for ListState<T> {
    fn sort_next(&mut self, columns: usize) {
        ListState::sort_next(self, columns)
    }
    fn sort_flip(&mut self) {
        ListState::sort_flip(self)
    }
    fn move_rows(&mut self, delta: isize) {
        self.move_by(delta)
    }
    fn wants_more(&self) -> bool {
        ListState::wants_more(self)
    }
    fn begin_more(&mut self) -> Option<(String, u64)> {
        ListState::begin_more(self)
    }
    fn begin_reload(&mut self) -> u64 {
        ListState::begin_reload(self)
    }
    fn loaded_or_loading(&self) -> bool {
        self.loaded || self.loading
    }
}

/// Applies a page answer to a list, or hands back the error.
fn accept<T: super::lists::Row>(
    list: &mut ListState<T>,
    append: bool,
    result: Result<Page<T>, ClientError>,
) -> Result<(), ClientError> {
    match result {
        Ok(p) => {
            list.accept(p.items, p.total, p.next_cursor, append);
            Ok(())
        }
        Err(e) => {
            if e.status() == Some(403) {
                list.unavailable = Some(describe(&e));
                list.loading = false;
                list.loaded = true;
                return Ok(());
            }
            list.fail(describe(&e));
            Err(e)
        }
    }
}

/// An error in words: the server's sentence, or what went wrong on the way.
pub fn describe(e: &ClientError) -> String {
    e.to_string()
}

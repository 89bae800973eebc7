//! What keys do: dispatch by mode, the actions of the key map, the command line, and the loads
//! they start.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::app::*;
use super::keymap::{Action, action_for};
use super::lists::{AnyList, ListState};
use super::msg::*;
use crate::model::*;

impl App {
    pub(super) fn on_key(&mut self, k: KeyEvent) -> Vec<Command> {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            // With unsaved input in a form, ask first; `y` then quits.
            if let Some(open) = self
                .form
                .as_mut()
                .filter(|o| o.form.edited && o.form.phase == super::widgets::form::Phase::Editing)
            {
                open.form.phase = super::widgets::form::Phase::ConfirmDiscard;
                self.quit_after_discard = true;
                return vec![];
            }
            self.quit = true;
            return vec![];
        }
        if self.flash.as_ref().is_some_and(|f| f.error) {
            self.flash = None;
        }
        if self.signin.is_some() {
            return self.on_signin_key(k);
        }
        if let Some(c) = self.confirm.take() {
            return if matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                self.send_write(c.write)
            } else {
                self.flash("cancelled", false)
            };
        }
        if self.form.is_some() {
            return self.on_form_key(k);
        }
        if self.mover.is_some() {
            return self.on_mover_key(k);
        }
        if self.scope_report.take().is_some() || self.audit_detail.take().is_some() {
            return vec![];
        }
        if self.me.is_none() {
            return vec![];
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Help => vec![],
            Mode::Filter(mut input) => self.on_filter_key(k, &mut input),
            Mode::Command(mut input) => self.on_command_key(k, &mut input),
            Mode::Normal => match action_for(&k, self.tab) {
                Some(a) => self.on_action(a),
                None => vec![],
            },
        }
    }

    pub(super) fn on_signin_key(&mut self, k: KeyEvent) -> Vec<Command> {
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

    pub(super) fn on_filter_key(&mut self, k: KeyEvent, input: &mut Input) -> Vec<Command> {
        match k.code {
            KeyCode::Esc => self.apply_filter(""),
            KeyCode::Enter => vec![],
            _ => {
                input.handle_event(&Event::Key(k));
                let text = input.value().to_string();
                let cmds = self.apply_filter(&text);
                self.mode = Mode::Filter(std::mem::take(input));
                cmds
            }
        }
    }

    /// Filters the current view; on the Rate cards tab the rates are searched by prefix on the
    /// server.
    pub(super) fn apply_filter(&mut self, text: &str) -> Vec<Command> {
        if self.tab == Tab::RateCards {
            return self.set_rate_prefix(text);
        }
        match self.tab {
            Tab::Dealers => self.tree.set_filter(text),
            Tab::Tenants => self.tenants.set_filter(text),
            Tab::Packages => self.packages.set_filter(text),
            Tab::Users => self.users.set_filter(text),
            Tab::Groups => self.groups.set_filter(text),
            Tab::Audit => self.audit.set_filter(text),
            Tab::RateCards => {}
        }
        vec![]
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
            Tab::RateCards => &self.rate_cards.prefix,
        }
    }

    pub(super) fn on_command_key(&mut self, k: KeyEvent, input: &mut Input) -> Vec<Command> {
        match k.code {
            KeyCode::Esc => vec![],
            KeyCode::Enter => self.run_command(input.value().trim()),
            KeyCode::Tab => {
                let typed = input.value().to_string();
                let matches = self.completions(&typed);
                if let Some(first) = matches.first() {
                    let common = matches.iter().fold(first.clone(), |acc, c| {
                        acc.chars()
                            .zip(c.chars())
                            .take_while(|(a, b)| a == b)
                            .map(|(a, _)| a)
                            .collect()
                    });
                    let done = if matches.len() == 1 {
                        first.clone()
                    } else {
                        common
                    };
                    *input = Input::new(done);
                }
                // Completing `:as ` or `:scope ` offers the users in scope.
                if matches!(input.value().trim(), "as" | "scope")
                    && !self.users.loaded
                    && !self.users.loading
                {
                    let generation = self.users.begin_reload();
                    self.mode = Mode::Command(std::mem::take(input));
                    return vec![Command::LoadPage {
                        list: ListKind::Users,
                        cursor: None,
                        generation,
                    }];
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
    pub fn completions(&self, typed: &str) -> Vec<String> {
        let typed = typed.trim_start();
        if let Some((cmd, rest)) = typed.split_once(' ')
            && (cmd == "as" || cmd == "scope")
        {
            let rest = rest.trim().to_lowercase();
            return self
                .users
                .items
                .iter()
                .filter(|u| u.email.starts_with(&rest))
                .map(|u| format!("{cmd} {}", u.email))
                .collect();
        }
        COMMANDS
            .iter()
            .filter(|c| c.starts_with(typed.trim()))
            .map(|c| c.to_string())
            .collect()
    }

    pub(super) fn run_command(&mut self, line: &str) -> Vec<Command> {
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
            "as" | "scope" => match line.split_whitespace().nth(1) {
                Some(email) if word == "as" => self.start_view_as(email.to_string()),
                Some(email) => vec![Command::LoadScopeReport {
                    email: email.to_string(),
                }],
                None => self.flash(format!(":{word} needs an e-mail (tab completes)"), true),
            },
            "logout" => {
                let mut cmds = Vec::new();
                // Viewing as someone: that session ends too, and the real one is the one signed out.
                if let Some(real) = self.real_token.take()
                    && let Some(view) = self.token.replace(real.clone())
                {
                    cmds.push(Command::EndViewAs { token: view });
                    cmds.push(Command::UseToken {
                        email: String::new(),
                        token: Some(real),
                        persist: false,
                    });
                }
                let email = self.profile.email.clone().unwrap_or_default();
                cmds.push(Command::SignOut);
                cmds.push(Command::UseToken {
                    email,
                    token: None,
                    persist: true,
                });
                self.token = None;
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

    pub(super) fn reset_views(&mut self) {
        // New lists, but generations keep counting up: an answer to a request made before the
        // reset (for another identity, say) can never match a request made after it.
        fn fresh<T>(old: &ListState<T>) -> ListState<T> {
            ListState {
                generation: old.generation + 1,
                ..ListState::default()
            }
        }
        let audit_generation = self.audit.generation + 1;
        self.tree.clear();
        self.tree_gen += 1;
        self.details = None;
        self.details_gen += 1;
        self.tenants = fresh(&self.tenants);
        self.packages = fresh(&self.packages);
        self.users = fresh(&self.users);
        self.groups = fresh(&self.groups);
        self.audit = newest_first();
        self.audit.generation = audit_generation;
        self.rate_cards = self.rate_cards.fresh();
        self.mover = None;
        // Nothing half-done survives a change of identity.
        self.form = None;
        self.confirm = None;
        self.scope_report = None;
        self.audit_detail = None;
    }

    pub(super) fn on_action(&mut self, a: Action) -> Vec<Command> {
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
            Action::Open if self.tab == Tab::Audit => {
                self.audit_detail = self.audit.selected_item().cloned();
                vec![]
            }
            Action::Open if self.tab == Tab::RateCards => self.focus_rates(true),
            Action::Back => self.focus_rates(false),
            Action::Open if self.tab != Tab::Dealers => vec![],
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
            Action::EndViewAs => self.end_view_as(None),
            Action::ViewAs => match (self.tab, self.users.selected_item()) {
                (Tab::Users, Some(u)) => {
                    let email = u.email.clone();
                    self.start_view_as(email)
                }
                _ => self.flash("pick a user on the Users tab (4) to view as", true),
            },
            Action::ScopeReport => match (self.tab, self.users.selected_item()) {
                (Tab::Users, Some(u)) => vec![Command::LoadScopeReport {
                    email: u.email.clone(),
                }],
                _ => self.flash(
                    "pick a user on the Users tab (4) for its scope report",
                    true,
                ),
            },
            Action::New
            | Action::Edit
            | Action::Delete
            | Action::Suspend
            | Action::Package
            | Action::NewTenant
            | Action::ResetPassword
            | Action::Move
            | Action::Import
            | Action::Assign => self.on_write_action(a),
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
    pub(super) fn list_mut(&mut self, list: ListKind) -> &mut dyn AnyList {
        match list {
            ListKind::Tenants => &mut self.tenants,
            ListKind::Packages => &mut self.packages,
            ListKind::Users => &mut self.users,
            ListKind::Groups => &mut self.groups,
            ListKind::Audit => &mut self.audit,
            ListKind::RateCards => &mut self.rate_cards.cards,
        }
    }

    pub(super) fn page_rows(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    pub(super) fn with_list(&mut self, f: impl Fn(&mut dyn AnyList, usize)) {
        if let Some(list) = self.tab.list() {
            let columns = super::rows::columns(self.tab);
            f(self.list_mut(list), columns);
        }
    }

    pub(super) fn expand(&mut self) -> Vec<Command> {
        let load = self.tree.expand_selected();
        self.tree_load(load)
    }

    pub(super) fn tree_load(&mut self, under: Option<String>) -> Vec<Command> {
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

    pub(super) fn move_by(&mut self, delta: isize) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => {
                self.tree.move_by(delta);
                self.select_details()
            }
            Tab::RateCards => self.move_on_rate_cards(delta),
            tab => {
                self.with_list(|l, _| l.move_rows(delta));
                self.more_if_needed(tab)
            }
        }
    }

    /// Loads the next page when the selection nears the end of what is loaded.
    pub(super) fn more_if_needed(&mut self, tab: Tab) -> Vec<Command> {
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
    pub(super) fn select_details(&mut self) -> Vec<Command> {
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

    pub(super) fn switch_tab(&mut self, tab: Tab) -> Vec<Command> {
        self.tab = tab;
        self.ensure_loaded()
    }

    /// Loads the current tab's data if it never was.
    pub(super) fn ensure_loaded(&mut self) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => vec![],
            tab => {
                let list = tab.list().expect("every other tab is a list");
                let loaded = self.list_mut(list).loaded_or_loading();
                if loaded { vec![] } else { self.reload(list) }
            }
        }
    }

    pub(super) fn reload(&mut self, list: ListKind) -> Vec<Command> {
        let generation = self.list_mut(list).begin_reload();
        vec![Command::LoadPage {
            list,
            cursor: None,
            generation,
        }]
    }

    pub(super) fn refresh(&mut self) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => self.reload_tree(),
            Tab::RateCards => {
                let mut cmds = self.reload(ListKind::RateCards);
                cmds.extend(self.reload_rates());
                cmds
            }
            tab => self.reload(tab.list().expect("list tab")),
        }
    }

    pub(super) fn reload_tree(&mut self) -> Vec<Command> {
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
        // Details are asked for once the reloaded tree says what is selected.
        self.details = None;
        cmds
    }
}

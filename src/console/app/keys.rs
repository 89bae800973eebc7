//! What keys do: dispatch by what has the keys (sign-in, confirmation, form, mover, overlays,
//! the filter, the command line), then the key map's actions.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::console::app::*;
use crate::console::keymap::{Action, action_for};

use crate::console::msg::*;

impl App {
    pub(crate) fn on_key(&mut self, k: KeyEvent) -> Vec<Command> {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            // With unsaved input in a form, ask first; `y` then quits.
            if let Some(open) = self.form.as_mut().filter(|o| {
                o.form.edited && o.form.phase == crate::console::widgets::form::Phase::Editing
            }) {
                open.form.phase = crate::console::widgets::form::Phase::ConfirmDiscard;
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
            return self.on_confirm_key(c, k);
        }
        if self.form.is_some() {
            return self.on_form_key(k);
        }
        if self.api_keys.is_some() {
            return self.on_api_keys_key(k);
        }
        if self.mover.is_some() {
            return self.on_mover_key(k);
        }
        if self.goto.is_some() {
            return self.on_goto_key(k);
        }
        if self.description.is_some() {
            return self.on_describe_key(k);
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

    pub(crate) fn on_filter_key(&mut self, k: KeyEvent, input: &mut Input) -> Vec<Command> {
        match k.code {
            KeyCode::Esc => self.apply_filter(""),
            KeyCode::Enter => self.accept_filter(),
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
    pub(crate) fn apply_filter(&mut self, text: &str) -> Vec<Command> {
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
        self.search_server_if_partial(text)
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

    pub(crate) fn on_action(&mut self, a: Action) -> Vec<Command> {
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
            Action::Describe => self.describe_selected(),
            Action::CopyId => self.copy_selected_id(),
            Action::ViewAs if self.lacks(a).is_some() => {
                self.flash("needs impersonate: this login may not view as others", true)
            }
            Action::ViewAs => match (self.tab, self.users.selected_item()) {
                (Tab::Users, Some(u)) => {
                    let email = u.email.clone();
                    self.start_view_as(email)
                }
                _ => self.flash("pick a user on the Users tab (4) to view as", true),
            },
            Action::ApiKeys => self.open_api_keys(),
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
}

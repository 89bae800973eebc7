//! The command line (`:`): the verbs shared with `dealerctl` (`verbs.rs`), tab switches, `:as` and `:scope` with completion of the logins in
//! scope, `:sort` with completion of the tab's columns, `:refresh`, `:logout`, `:help`, `:quit`.

pub mod draw;
mod verbs;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::console::app::{App, Mode};
use crate::console::msg::Command;
use crate::console::tab::{ListKind, Tab};

/// Commands the command line knows, for completion.
pub const COMMANDS: &[&str] = &[
    "as",
    "audit",
    "dealers",
    "export",
    "goto",
    "groups",
    "help",
    "logout",
    "profile",
    "packages",
    "q",
    "quit",
    "rate-cards",
    "refresh",
    "scope",
    "sort",
    "tenants",
    "users",
];

impl App {
    pub(crate) fn on_command_key(&mut self, k: KeyEvent, input: &mut Input) -> Vec<Command> {
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
                    return vec![self.page_command(ListKind::Users, None, generation)];
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
        if let Some(("goto", rest)) = typed.split_once(' ') {
            return self.goto_completions(rest);
        }
        if let Some(("sort", rest)) = typed.split_once(' ') {
            return self.sort_completions(rest);
        }
        if let Some(("profile", rest)) = typed.split_once(' ') {
            return self
                .profiles
                .iter()
                .filter(|(n, _, _)| n.starts_with(rest.trim()))
                .map(|(n, _, _)| format!("profile {n}"))
                .collect();
        }
        if let Some((verb, rest)) = typed.split_once(' ')
            && matches!(verb, "get" | "describe")
            && !rest.contains(' ')
        {
            // The kind after a verb: its plural names, as the command line takes them.
            return crate::verbs::Kind::ALL
                .iter()
                .map(|k| k.plural())
                .filter(|k| k.starts_with(rest.trim()))
                .map(|k| format!("{verb} {k}"))
                .collect();
        }
        COMMANDS
            .iter()
            .chain(verbs::VERBS)
            .filter(|c| c.starts_with(typed.trim()))
            .map(|c| c.to_string())
            .collect()
    }

    pub(crate) fn run_command(&mut self, line: &str) -> Vec<Command> {
        let word = line.split_whitespace().next().unwrap_or("");
        if word == "goto" {
            let text = line.split_once(' ').map(|(_, t)| t).unwrap_or("");
            return self.run_goto_command(text);
        }
        if word == "export" {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            return self.run_export_command(&args);
        }
        if word == "profile" {
            return self.run_profile_command(line.split_whitespace().nth(1));
        }
        if word == "sort" {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            return self.run_sort_command(&args);
        }
        if verbs::VERBS.contains(&word) {
            return self.run_verb_line(line);
        }
        if word == "audit"
            && let Some((_, args)) = line.split_once(' ')
            && !args.trim().is_empty()
        {
            return self.run_audit_command(args);
        }
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
}

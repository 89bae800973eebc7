//! Describe (`d`): every field of the selected object as the server has it now, with its own
//! audit history; and `y`, which copies the selected object's id to the terminal's clipboard
//! (OSC 52, so it reaches the operator's own machine over SSH).

pub mod draw;
pub mod requests;
pub mod state;

use crossterm::event::{KeyCode, KeyEvent};

use crate::client::ClientError;
use crate::console::app::{App, describe};
use crate::console::msg::Command;
use crate::console::tab::Tab;
use crate::model::{NodeKind, ObjectKind};
use state::Description;

impl App {
    /// The selected object of the current tab: its kind, id and name.
    pub(crate) fn selected_object(&self) -> Option<(ObjectKind, String, String)> {
        match self.tab {
            Tab::Dealers => self.tree.selected_row().map(|r| {
                let kind = match r.kind {
                    NodeKind::Dealer => ObjectKind::Dealer,
                    NodeKind::Tenant => ObjectKind::Tenant,
                };
                (kind, r.id.clone(), r.name.clone())
            }),
            Tab::Tenants => self
                .tenants
                .selected_item()
                .map(|t| (ObjectKind::Tenant, t.id.to_string(), t.name.clone())),
            Tab::Packages => self.packages.selected_item().map(|p| {
                (
                    ObjectKind::Dealer,
                    p.dealer.id.to_string(),
                    p.dealer.name.clone(),
                )
            }),
            Tab::Users => self
                .users
                .selected_item()
                .map(|u| (ObjectKind::User, u.id.to_string(), u.email.clone())),
            Tab::Groups => self
                .groups
                .selected_item()
                .map(|g| (ObjectKind::Group, g.id.to_string(), g.name.clone())),
            Tab::RateCards => self
                .rate_cards
                .selected()
                .map(|c| (ObjectKind::RateCard, c.id.to_string(), c.name.clone())),
            Tab::Audit => None,
        }
    }

    /// `d`: asks for the selected object and its history (the newest request wins).
    pub(crate) fn describe_selected(&mut self) -> Vec<Command> {
        if self.tab == Tab::Audit {
            // An event is described by opening it.
            self.audit_detail = self.audit.selected_item().cloned();
            return vec![];
        }
        let Some((kind, id, _)) = self.selected_object() else {
            return self.flash("nothing selected to describe", true);
        };
        self.describe_gen += 1;
        vec![Command::Describe {
            kind,
            id,
            generation: self.describe_gen,
        }]
    }

    /// The description arrived (a stale one was dropped by its generation).
    pub(crate) fn on_described(
        &mut self,
        result: Result<Description, ClientError>,
    ) -> Vec<Command> {
        match result {
            Ok(d) => {
                self.description = Some(d);
                vec![]
            }
            Err(e) => self.flash(format!("describe: {}", describe(&e)), true),
        }
    }

    /// Keys while a description is open: scroll, copy its id, close.
    pub(crate) fn on_describe_key(&mut self, k: KeyEvent) -> Vec<Command> {
        let page = self.page_rows();
        let Some(d) = self.description.as_mut() else {
            return vec![];
        };
        match k.code {
            KeyCode::Char('j') | KeyCode::Down => d.scroll += 1,
            KeyCode::Char('k') | KeyCode::Up => d.scroll = d.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => d.scroll += page,
            KeyCode::PageUp => d.scroll = d.scroll.saturating_sub(page),
            KeyCode::Char('g') | KeyCode::Home => d.scroll = 0,
            KeyCode::Char('y') => {
                let (id, name) = (d.id.clone(), d.name.clone());
                return self.copy(id, &name);
            }
            _ => self.description = None,
        }
        vec![]
    }

    /// `y`: the selected object's id to the clipboard.
    pub(crate) fn copy_selected_id(&mut self) -> Vec<Command> {
        let selected = match self.tab {
            Tab::Audit => self
                .audit
                .selected_item()
                .map(|e| (e.id.clone(), format!("event {}", e.action))),
            _ => self.selected_object().map(|(_, id, name)| (id, name)),
        };
        match selected {
            Some((id, name)) => self.copy(id, &name),
            None => self.flash("nothing selected to copy", true),
        }
    }

    /// Hands `text` to the terminal's clipboard (written after the next frame) and says so.
    fn copy(&mut self, text: String, of: &str) -> Vec<Command> {
        let said = format!("copied the id of {of}: {text}");
        self.clipboard = Some(text);
        self.flash(said, false)
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard of the terminal (and of the machine
/// the operator sits at, through SSH and tmux with `set-clipboard on`).
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(super::osc52("t_01"), "\x1b]52;c;dF8wMQ==\x07");
    }
}

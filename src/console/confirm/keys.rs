//! The flow of a question before harm: the dry run asked (through the write gate, so nothing of
//! it opens while viewing as someone), its answer turned into the popup (or its refusal shown),
//! and the popup's keys: only `y` proceeds, every other key cancels and changes nothing; a name
//! to type takes the keys until Enter.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::TypedName;
use super::wording::{asks_first, name_to_type, question};
use crate::client::ClientError;
use crate::console::app::{App, Confirm};
use crate::console::msg::Command;
use crate::console::widgets::form::Phase;
use crate::console::write_gate;
use crate::console::writes::Write;
use crate::model::Impact;

impl App {
    /// Sends the write, or, for one that can harm, first asks the server what it would do.
    pub(crate) fn write_or_ask(&mut self, w: Write) -> Vec<Command> {
        if !asks_first(&w) {
            return self.send_write(w);
        }
        match write_gate::approve(self.session(), w) {
            Ok(approved) => vec![Command::DryRun(Box::new(approved))],
            Err(reason) => self.flash(reason, true),
        }
    }

    /// The dry run answered: the question, or the refusal, or (harming nothing) the write itself.
    pub(crate) fn on_impact(
        &mut self,
        write: Write,
        result: Result<Impact, ClientError>,
    ) -> Vec<Command> {
        // A question asked before a view-as session began never opens inside it.
        if self.read_only_reason().is_some() {
            return vec![];
        }
        let impact = match result {
            Ok(i) => i,
            // Refused as the write itself would be: on the form that asked, or in the status line.
            Err(e) => return self.on_written(write, Err(e)),
        };
        let who = self.named(&write);
        match question(&write, &impact, &who) {
            Some(text) => {
                let typed = name_to_type(&write, &impact).map(TypedName::new);
                self.confirm = Some(Confirm { text, write, typed });
                vec![]
            }
            None => self.send_write(write),
        }
    }

    /// A key while the question is open (it was taken off `self.confirm`).
    pub(crate) fn on_confirm_key(&mut self, mut c: Confirm, k: KeyEvent) -> Vec<Command> {
        if let Some(typed) = c.typed.as_mut() {
            return match k.code {
                KeyCode::Enter if typed.matches() => self.send_write(c.write),
                KeyCode::Enter => {
                    typed.mismatch = true;
                    self.confirm = Some(c);
                    vec![]
                }
                KeyCode::Esc => self.cancel_question(),
                _ => {
                    typed.input.handle_event(&Event::Key(k));
                    typed.mismatch = false;
                    self.confirm = Some(c);
                    vec![]
                }
            };
        }
        if matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            self.send_write(c.write)
        } else {
            self.cancel_question()
        }
    }

    /// No: nothing is sent; a form that asked is editable again with everything typed.
    fn cancel_question(&mut self) -> Vec<Command> {
        if let Some(open) = self.form.as_mut().filter(|o| o.form.phase == Phase::Saving) {
            open.form.phase = Phase::Editing;
        }
        self.flash("cancelled: nothing changed", false)
    }

    /// The name of the object of a write that carries only its id (a login, a group).
    fn named(&self, w: &Write) -> String {
        match w {
            Write::UpdateUser { id, .. } => self
                .users
                .items
                .iter()
                .find(|u| u.id == *id)
                .map_or_else(|| "this login".into(), |u| u.email.clone()),
            Write::UpdateGroup { id, .. } => self
                .groups
                .items
                .iter()
                .find(|g| g.id == *id)
                .map_or_else(|| "this group".into(), |g| g.name.clone()),
            _ => String::new(),
        }
    }
}

//! The API keys popup's keys and answers: open, list, make (the secret shown once), revoke.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::client::ClientError;
use crate::console::app::App;
use crate::console::msg::Command;
use crate::console::writes::{Purpose, Write};
use crate::model::{ApiKey, CreatedApiKey};

use super::state::ApiKeysPopup;

impl App {
    /// Opens the popup and asks for the login's keys.
    pub(crate) fn open_api_keys(&mut self) -> Vec<Command> {
        // While viewing as someone, the keys would be the other login's: they are never shown.
        if let Some(reason) = self.read_only_reason() {
            return self.flash(format!("API keys: {reason}"), true);
        }
        self.api_keys = Some(ApiKeysPopup::default());
        vec![Command::LoadApiKeys]
    }

    /// The keys, as the server listed them.
    pub(crate) fn on_api_keys(&mut self, result: Result<Vec<ApiKey>, ClientError>) -> Vec<Command> {
        let Some(p) = self.api_keys.as_mut() else {
            return vec![];
        };
        p.keys = Some(result.map_err(|e| crate::console::refusal::refusal(&e)));
        let count = match &p.keys {
            Some(Ok(k)) => k.len(),
            _ => 0,
        };
        p.selected = p.selected.min(count.saturating_sub(1));
        vec![]
    }

    /// A key was made: the form closes as any save does, and the secret shows, once.
    pub(crate) fn on_api_key_created(
        &mut self,
        write: Write,
        result: Result<CreatedApiKey, ClientError>,
    ) -> Vec<Command> {
        match result {
            Ok(created) => {
                let mut cmds = self.on_written(write, Ok(()));
                let p = self.api_keys.get_or_insert_with(ApiKeysPopup::default);
                p.secret = Some((created.key.name, created.secret));
                cmds.push(Command::LoadApiKeys);
                cmds
            }
            Err(e) => self.on_written(write, Err(e)),
        }
    }

    /// Keys while the popup is open: move, new, revoke, close; y copies a secret on show.
    pub(crate) fn on_api_keys_key(&mut self, k: KeyEvent) -> Vec<Command> {
        let Some(p) = self.api_keys.as_mut() else {
            return vec![];
        };
        if let Some((_, secret)) = &p.secret {
            if k.code == KeyCode::Char('y') {
                self.clipboard = Some(secret.clone());
                return self.flash("copied the secret to the clipboard", false);
            }
            // Any other key closes the secret: it is not shown again.
            p.secret = None;
            return vec![];
        }
        let count = match &p.keys {
            Some(Ok(keys)) => keys.len(),
            _ => 0,
        };
        match k.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('K') => {
                self.api_keys = None;
                vec![]
            }
            KeyCode::Char('j') | KeyCode::Down => {
                p.selected = (p.selected + 1).min(count.saturating_sub(1));
                vec![]
            }
            KeyCode::Char('k') | KeyCode::Up => {
                p.selected = p.selected.saturating_sub(1);
                vec![]
            }
            KeyCode::Char('r') => vec![Command::LoadApiKeys],
            KeyCode::Char('n') => self.prepare(Purpose::NewApiKey),
            KeyCode::Char('d') | KeyCode::Delete
                if k.modifiers.difference(KeyModifiers::CONTROL).is_empty() =>
            {
                match p.selected_key().cloned() {
                    Some(key) => self.ask(
                        format!(
                            "Revoke the API key {}? Scripts using it stop at once.",
                            key.name
                        ),
                        Write::RevokeApiKey {
                            id: key.id,
                            name: key.name,
                        },
                    ),
                    None => self.nothing_to("revoke"),
                }
            }
            _ => vec![],
        }
    }
}

//! The sign-in screen's keys: move between the fields, type, and sign in with enter.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::console::app::App;
use crate::console::msg::Command;

impl App {
    pub(crate) fn on_signin_key(&mut self, k: KeyEvent) -> Vec<Command> {
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
}

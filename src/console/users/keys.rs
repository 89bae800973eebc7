//! The Users tab's write keys: invite, edit, enable or disable, new password link, delete.

use crate::console::app::App;
use crate::console::keymap::Action;
use crate::console::msg::Command;
use crate::console::writes::{Purpose, Write};
use crate::model::UserPatch;

impl App {
    /// The write keys of the tab, on its selection.
    pub(crate) fn on_users_write_key(&mut self, a: Action, own: String) -> Vec<Command> {
        let selected = self.users.selected_item().cloned();
        match (a, selected) {
            (Action::New, u) => self.prepare(Purpose::InviteUser {
                dealer_id: u.map(|u| u.dealer_id).unwrap_or(own.into()),
            }),
            (Action::Edit, Some(u)) => self.prepare(Purpose::EditUser { id: u.id }),
            // A disable asks first (`confirm`); an enable is sent at once.
            (Action::Suspend, Some(u)) => self.write_or_ask(Write::UpdateUser {
                id: u.id,
                version: u.version,
                patch: UserPatch {
                    enabled: Some(!u.enabled),
                    ..UserPatch::default()
                },
            }),
            (Action::ResetPassword, Some(u)) => self.ask(
                format!(
                    "Send {} a new password link? Its current password stops working at once.",
                    u.email
                ),
                Write::ResetPassword {
                    id: u.id,
                    email: u.email,
                },
            ),
            (Action::Delete, Some(u)) => self.ask(
                format!("Delete the login {}?", u.email),
                Write::DeleteUser {
                    id: u.id,
                    email: u.email,
                },
            ),
            _ => self.nothing_to("do that to"),
        }
    }
}

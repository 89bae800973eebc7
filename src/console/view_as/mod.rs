//! Viewing as another login (`:as`, `v` on the Users tab): a read-only session that ends with
//! ctrl-x, and the scope report (`:scope`, `r`) beside the caller's own.

pub mod draw;
pub mod requests;

use crate::client::ClientError;
use crate::console::app::{App, describe};
use crate::console::msg::Command;
use crate::console::session::Session;
use crate::model::ScopeReport;

impl App {
    /// Starts viewing as the user with this e-mail.
    pub(crate) fn start_view_as(&mut self, email: String) -> Vec<Command> {
        if matches!(self.session(), Session::ViewingAs { .. }) || self.view_as_pending {
            return self.flash("already viewing as someone: ctrl-x returns first", true);
        }
        self.view_as_pending = true;
        vec![Command::StartViewAs { email }]
    }

    /// Returns to the real identity (`note` says why, when it was not asked for).
    pub(crate) fn end_view_as(&mut self, note: Option<&str>) -> Vec<Command> {
        let Some(real) = self.real_token.take() else {
            return self.flash("not viewing as anyone", true);
        };
        let mut cmds = Vec::new();
        if let Some(view) = self.token.replace(real.clone()) {
            cmds.push(Command::EndViewAs { token: view });
        }
        cmds.push(Command::UseToken {
            email: String::new(),
            token: Some(real),
            persist: false,
        });
        self.reset_views();
        self.me = None;
        cmds.push(self.load_me());
        cmds.extend(self.flash(note.unwrap_or("back to your own login"), note.is_some()));
        cmds
    }

    /// A view-as session started (its token), or could not.
    pub(crate) fn on_view_as(
        &mut self,
        email: String,
        result: Result<String, ClientError>,
    ) -> Vec<Command> {
        self.view_as_pending = false;
        match result {
            // Already viewing as someone (a late second answer): end this one at once.
            Ok(token) if self.real_token.is_some() => vec![Command::EndViewAs { token }],
            Ok(token) => {
                self.real_token = self.token.replace(token.clone());
                self.reset_views();
                self.me = None;
                let mut cmds = vec![
                    Command::UseToken {
                        email: String::new(),
                        token: Some(token),
                        persist: false,
                    },
                    self.load_me(),
                ];
                cmds.extend(self.flash(format!("viewing as {email}, read-only"), false));
                cmds
            }
            Err(e) => self.flash(format!("cannot view as {email}: {}", describe(&e)), true),
        }
    }

    /// A scope report arrived, with the caller's own when it may see it.
    pub(crate) fn on_scope_report(
        &mut self,
        result: Result<(ScopeReport, Option<ScopeReport>), ClientError>,
    ) -> Vec<Command> {
        match result {
            Ok(pair) => {
                self.scope_report = Some(pair);
                vec![]
            }
            Err(e) => self.flash(format!("scope report: {}", describe(&e)), true),
        }
    }
}

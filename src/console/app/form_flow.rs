//! The write flow: the write keys dispatched to the tab's feature, the form opened with what the
//! server said, confirmations, and what a write's answer does to the form and the views.

use crate::console::app::*;
use crate::console::keymap::Action;
use crate::console::msg::*;
use crossterm::event::KeyEvent;

impl App {
    pub(crate) fn on_form_key(&mut self, k: KeyEvent) -> Vec<Command> {
        use crate::console::widgets::form::Outcome;
        let Some(open) = self.form.as_mut() else {
            return vec![];
        };
        let before = open.form.value("template");
        let outcome = open.form.on_key(k);
        if outcome == Outcome::Handled
            && open.form.phase != crate::console::widgets::form::Phase::ConfirmDiscard
        {
            self.quit_after_discard = false;
        }
        match outcome {
            Outcome::Handled => {
                if open.form.value("template") != before {
                    let held = self
                        .me
                        .as_ref()
                        .map(|m| m.permissions.clone())
                        .unwrap_or_default();
                    crate::console::groups::forms::apply_template(
                        &mut open.form,
                        &open.data.templates,
                        &held,
                    );
                }
                self.preview_if_changed()
            }
            Outcome::Cancel => {
                self.form = None;
                self.quit = std::mem::take(&mut self.quit_after_discard);
                vec![]
            }
            Outcome::Submit => {
                let write =
                    crate::console::forms::to_write(&open.purpose, &open.form, open.version);
                self.write_or_ask(write)
            }
            Outcome::Reload => vec![Command::Prepare {
                purpose: open.purpose.clone(),
                reapply: true,
            }],
        }
    }

    /// n, e, s, d, p, t, x, m, u, a: what they mean depends on the tab and the selection.
    pub(crate) fn on_write_action(&mut self, a: Action) -> Vec<Command> {
        // Nothing that would write opens in a read-only session (the write gate, `write_gate`,
        // refuses what is sent anyway, and the server refuses too).
        if let Some(reason) = self.read_only_reason() {
            return self.flash(reason, true);
        }
        if let Some(p) = self.lacks(a) {
            return self.flash(format!("needs {p}: this login does not hold it"), true);
        }
        let own = self
            .me
            .as_ref()
            .map(|m| m.dealer.id.clone())
            .unwrap_or_default();
        match self.tab {
            Tab::Dealers => self.on_dealers_write_key(a),
            Tab::Tenants => self.on_tenants_write_key(a, own.to_string()),
            Tab::Packages => self.on_packages_write_key(a),
            Tab::Users => self.on_users_write_key(a, own.to_string()),
            Tab::Groups => self.on_groups_write_key(a, own.to_string()),
            Tab::RateCards => self.on_rate_card_action(a, own.to_string()),
            Tab::Audit => self.nothing_to("change"),
        }
    }

    /// Fetches what the form of `purpose` needs; it opens when the answer comes.
    pub(crate) fn prepare(&self, purpose: Purpose) -> Vec<Command> {
        vec![Command::Prepare {
            purpose,
            reapply: false,
        }]
    }

    /// A write key with nothing for it to act on.
    pub(crate) fn nothing_to(&mut self, what: &str) -> Vec<Command> {
        self.flash(format!("nothing to {what} here"), true)
    }

    pub(crate) fn ask(
        &mut self,
        text: String,
        write: crate::console::writes::Write,
    ) -> Vec<Command> {
        self.confirm = Some(Confirm {
            text,
            write,
            typed: None,
        });
        vec![]
    }

    pub(crate) fn on_prepared(
        &mut self,
        purpose: crate::console::writes::Purpose,
        reapply: bool,
        result: Result<crate::console::writes::FormData, ClientError>,
    ) -> Vec<Command> {
        let data = match result {
            Ok(d) => d,
            Err(e) => {
                if let Some(open) = self.form.as_mut().filter(|_| reapply) {
                    open.form.refused(None, describe(&e), true);
                    return vec![];
                }
                return self.on_error(e, "opening the form");
            }
        };
        let version = crate::console::forms::version_of(&purpose, &data);
        // A form asked for before a view-as session began never opens inside it.
        if self.read_only_reason().is_some() {
            return vec![];
        }
        if reapply && let Some(open) = self.form.as_mut().filter(|o| o.purpose == purpose) {
            // The object changed under the form: take its new version, keep what was typed.
            open.version = version;
            open.data = data;
            open.form.conflict = false;
            open.form.footer_error = Some(
                "reloaded; your changes are kept: enter saves them over the new version".into(),
            );
            return vec![];
        }
        let held = self
            .me
            .as_ref()
            .map(|m| m.permissions.clone())
            .unwrap_or_default();
        let mut data = data;
        if let Some(me) = &self.me {
            data.policy = me.policy;
        }
        let form = crate::console::forms::build(&purpose, &data, &held);
        self.form = Some(OpenForm {
            form,
            purpose,
            data,
            version,
            preview: None,
        });
        // An edit form opens with a markup already: its preview shows at once.
        self.preview_if_changed()
    }

    pub(crate) fn on_written(
        &mut self,
        write: crate::console::writes::Write,
        result: Result<(), ClientError>,
    ) -> Vec<Command> {
        if matches!(write, crate::console::writes::Write::MoveTenant { .. }) {
            return self.on_move_written(write, result);
        }
        match result {
            Ok(()) => {
                if self
                    .form
                    .as_ref()
                    .is_some_and(|o| o.form.phase == crate::console::widgets::form::Phase::Saving)
                {
                    self.form = None;
                }
                // What was deleted leaves the tree at once, the selection on its neighbour; the
                // reload then asks only for what still exists.
                match &write {
                    crate::console::writes::Write::DeleteDealer { id, .. } => self.tree.forget(id),
                    crate::console::writes::Write::DeleteTenant { id, .. } => self.tree.forget(id),
                    _ => {}
                }
                let mut cmds = self.flash(write.done(), false);
                cmds.extend(self.refresh_after_write());
                if self.api_keys.is_some() {
                    cmds.push(Command::LoadApiKeys);
                }
                cmds
            }
            Err(e) => {
                if let Some(open) = self
                    .form
                    .as_mut()
                    .filter(|o| o.form.phase == crate::console::widgets::form::Phase::Saving)
                {
                    let message = match &e {
                        ClientError::Api { status: 412, .. } => {
                            "changed by someone else meanwhile: ctrl-r reloads it and keeps your changes".to_string()
                        }
                        ClientError::Network(_) => {
                            format!("{}; nothing was lost, enter tries again", describe(&e))
                        }
                        _ => crate::console::refusal::refusal(&e),
                    };
                    open.form
                        .refused(e.field(), message, e.status() == Some(412));
                    if matches!(e, ClientError::Network(_)) {
                        self.online = false;
                    }
                    vec![]
                } else {
                    self.on_error(e, "saving")
                }
            }
        }
    }
}

//! What answers do: sign-in, the session, data for each view, and failures (offline, revoked,
//! refused).

use std::time::Duration;

use super::app::*;
use super::msg::*;
use super::rows::PackageRow;
use crate::client::ClientError;
use crate::model::*;

impl App {
    pub(super) fn on_reply(&mut self, r: Reply) -> Vec<Command> {
        if self.me.is_some() || matches!(r.body, ReplyBody::Me(_) | ReplyBody::SignedIn(_)) {
            self.latency = Some(r.latency);
        }
        match r.body {
            ReplyBody::StoredToken(Some(token)) => {
                self.token = Some(token.clone());
                let email = self.profile.email.clone().unwrap_or_default();
                vec![
                    Command::UseToken {
                        email,
                        token: Some(token),
                        persist: false,
                    },
                    self.load_me(),
                ]
            }
            ReplyBody::StoredToken(None) => {
                self.show_signin(None);
                vec![]
            }
            ReplyBody::SignedIn(result) => match *result {
                Ok(login) => {
                    let email = login.user.email.clone();
                    self.profile.email = Some(email.clone());
                    self.token = Some(login.token.clone());
                    vec![
                        Command::UseToken {
                            email,
                            token: Some(login.token),
                            persist: true,
                        },
                        self.load_me(),
                    ]
                }
                Err(e) => {
                    if let Some(form) = self.signin.as_mut() {
                        form.busy = false;
                        form.error = Some(describe(&e));
                    }
                    vec![]
                }
            },
            ReplyBody::Me(result) if r.generation == self.me_gen => self.on_me(*result),
            ReplyBody::Me(_) => vec![],
            ReplyBody::SignedOut => vec![],
            ReplyBody::ViewAs { email, result } => {
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
            ReplyBody::ScopeReport(result) => match result {
                Ok(pair) => {
                    self.scope_report = Some(pair);
                    vec![]
                }
                Err(e) => self.flash(format!("scope report: {}", describe(&e)), true),
            },
            ReplyBody::Prepared {
                purpose,
                reapply,
                result,
            } => self.on_prepared(purpose, reapply, result),
            ReplyBody::Written { write, result } => self.on_written(write, result),
            body => {
                if self.me.is_none() {
                    return vec![];
                }
                self.on_data(r.generation, body)
            }
        }
    }

    pub(super) fn on_me(&mut self, result: Result<Me, ClientError>) -> Vec<Command> {
        match result {
            Ok(me) => {
                let first = self.me.is_none();
                let was_offline = !self.online;
                self.online = true;
                self.retry_delay = Duration::from_secs(1);
                if me.impersonation.is_none() {
                    self.profile.email = Some(me.user.email.clone());
                }
                self.me = Some(me);
                self.signin = None;
                self.starting = false;
                if first {
                    let mut cmds = self.reload_tree();
                    cmds.extend(self.ensure_loaded());
                    cmds
                } else if was_offline {
                    let mut cmds = self.flash("connection restored", false);
                    cmds.extend(self.refresh());
                    cmds
                } else {
                    vec![]
                }
            }
            Err(e) => self.on_error(e, "signing in"),
        }
    }

    /// A failed request: offline → retry with back-off; session gone → sign in again; else say so.
    pub(super) fn on_error(&mut self, e: ClientError, doing: &str) -> Vec<Command> {
        match &e {
            ClientError::Network(_) => {
                let first = self.online;
                self.online = false;
                let delay = self.retry_delay;
                self.retry_delay = (self.retry_delay * 2).min(Duration::from_secs(30));
                if self.me.is_none() && self.starting {
                    self.show_signin(Some(format!("cannot reach {}: {e}", self.profile.server)));
                    return vec![];
                }
                let mut cmds = vec![Command::RetryAfter(delay)];
                if first {
                    cmds.extend(
                        self.flash(format!("connection lost while {doing}; retrying"), true),
                    );
                }
                cmds
            }
            ClientError::Api { status: 401, .. } if self.real_token.is_some() => self.end_view_as(
                Some("the view-as session has ended; back to your own login"),
            ),
            ClientError::Api { status: 401, .. } => {
                let had_session = self.me.is_some() || !self.starting;
                let email = self.profile.email.clone().unwrap_or_default();
                self.reset_views();
                self.show_signin(Some(if had_session {
                    "your session has ended: sign in again".into()
                } else {
                    "sign in".into()
                }));
                vec![Command::UseToken {
                    email,
                    token: None,
                    persist: true,
                }]
            }
            _ => {
                self.online = true;
                self.flash(format!("{doing}: {}", describe(&e)), true)
            }
        }
    }

    pub(super) fn on_data(&mut self, generation: u64, body: ReplyBody) -> Vec<Command> {
        match body {
            ReplyBody::Tree { under, result } if generation == self.tree_gen => match result {
                Ok(node) => {
                    self.tree.accept(under.as_deref(), node);
                    self.online = true;
                    // The selection may have moved (a deleted dealer is gone): details follow it.
                    self.select_details()
                }
                Err(e) => {
                    self.tree.error = Some(describe(&e));
                    self.on_error(e, "loading the dealer tree")
                }
            },
            ReplyBody::Details(result) if generation == self.details_gen => match result {
                Ok(d) => {
                    self.details = Some(d);
                    vec![]
                }
                // Gone meanwhile (deleted here or elsewhere): the reloaded tree moves on.
                Err(e) if e.status() == Some(404) => {
                    self.details = None;
                    vec![]
                }
                Err(e) => self.on_error(e, "loading the dealer"),
            },
            ReplyBody::Tenants { append, result } if generation == self.tenants.generation => {
                accept(&mut self.tenants, append, result)
                    .map_or_else(|e| self.on_error(e, "loading tenants"), |_| vec![])
            }
            ReplyBody::Packages { append, result } if generation == self.packages.generation => {
                let result = result.map(|p| Page {
                    items: p.items.into_iter().map(PackageRow::from).collect(),
                    next_cursor: p.next_cursor,
                    total: p.total,
                });
                accept(&mut self.packages, append, result)
                    .map_or_else(|e| self.on_error(e, "loading packages"), |_| vec![])
            }
            ReplyBody::Users { append, result } if generation == self.users.generation => {
                accept(&mut self.users, append, result)
                    .map_or_else(|e| self.on_error(e, "loading users"), |_| vec![])
            }
            ReplyBody::Groups { append, result } if generation == self.groups.generation => {
                accept(&mut self.groups, append, result)
                    .map_or_else(|e| self.on_error(e, "loading groups"), |_| vec![])
            }
            ReplyBody::Audit { append, result } if generation == self.audit.generation => {
                accept(&mut self.audit, append, result)
                    .map_or_else(|e| self.on_error(e, "loading the audit trail"), |_| vec![])
            }
            ReplyBody::RateCards { append, result }
                if generation == self.rate_cards.cards.generation =>
            {
                self.on_rate_cards_page(append, result)
            }
            ReplyBody::Rates { append, result }
                if generation == self.rate_cards.rates.generation =>
            {
                self.on_rates_page(append, result)
            }
            ReplyBody::Preview(result) => self.on_preview(generation, result),
            ReplyBody::PickerTree { under, result } => {
                self.on_picker_tree(generation, under, result)
            }
            ReplyBody::MoveCards(result) => self.on_move_cards(generation, result),
            ReplyBody::MovePlan(result) => self.on_move_plan(generation, result),
            // A stale answer: a newer request for the same view replaced it.
            _ => {
                self.dirty = false;
                vec![]
            }
        }
    }

    pub(super) fn on_prepared(
        &mut self,
        purpose: super::forms::Purpose,
        reapply: bool,
        result: Result<super::forms::FormData, ClientError>,
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
        let version = super::forms::version_of(&purpose, &data);
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
        let form = super::forms::build(&purpose, &data, &held);
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

    pub(super) fn on_written(
        &mut self,
        write: super::forms::Write,
        result: Result<(), ClientError>,
    ) -> Vec<Command> {
        if matches!(write, super::forms::Write::MoveTenant { .. }) {
            return self.on_move_written(write, result);
        }
        match result {
            Ok(()) => {
                if self
                    .form
                    .as_ref()
                    .is_some_and(|o| o.form.phase == super::widgets::form::Phase::Saving)
                {
                    self.form = None;
                }
                let mut cmds = self.flash(write.done(), false);
                cmds.extend(self.refresh_after_write());
                cmds
            }
            Err(e) => {
                if let Some(open) = self
                    .form
                    .as_mut()
                    .filter(|o| o.form.phase == super::widgets::form::Phase::Saving)
                {
                    let message = match &e {
                        ClientError::Api { status: 412, .. } => {
                            "changed by someone else meanwhile: ctrl-r reloads it and keeps your changes".to_string()
                        }
                        ClientError::Network(_) => {
                            format!("{}; nothing was lost, enter tries again", describe(&e))
                        }
                        _ => super::rate_cards::refusal(&e),
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

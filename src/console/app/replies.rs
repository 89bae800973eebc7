//! What answers do: sign-in, the session, pages of the lists, each feature's answers dispatched
//! to it, and failures (offline, revoked, refused).

use std::time::Duration;

use crate::client::ClientError;
use crate::console::app::*;
use crate::console::msg::*;
use crate::console::packages::rows::PackageRow;
use crate::model::*;

impl App {
    pub(crate) fn on_reply(&mut self, r: Reply) -> Vec<Command> {
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
            ReplyBody::ViewAs { email, result } => self.on_view_as(email, result),
            ReplyBody::ProfileSwitched(result) => self.on_profile_switched(result),
            ReplyBody::Exported { path, result } => self.on_exported(path, result),
            ReplyBody::Searched { purpose, result } if r.generation == self.search_gen => {
                self.on_searched(purpose, result)
            }
            ReplyBody::ScopeReport(result) => self.on_scope_report(result),
            ReplyBody::Prepared {
                purpose,
                reapply,
                result,
            } => self.on_prepared(purpose, reapply, result),
            ReplyBody::Written { write, result } => self.on_written(write, result),
            ReplyBody::ApiKeys(result) => self.on_api_keys(result),
            ReplyBody::ApiKeyCreated { write, result } => self.on_api_key_created(write, result),
            ReplyBody::Impact { write, result } => self.on_impact(write, result),
            body => {
                if self.me.is_none() {
                    return vec![];
                }
                self.on_data(r.generation, body)
            }
        }
    }

    pub(crate) fn on_me(&mut self, result: Result<Me, ClientError>) -> Vec<Command> {
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
    pub(crate) fn on_error(&mut self, e: ClientError, doing: &str) -> Vec<Command> {
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

    pub(crate) fn on_data(&mut self, generation: u64, body: ReplyBody) -> Vec<Command> {
        let mut cmds = self.on_page_or_answer(generation, body);
        // What `:goto` is opening may have arrived with this answer.
        cmds.extend(self.seek_goto_target());
        cmds
    }

    fn on_page_or_answer(&mut self, generation: u64, body: ReplyBody) -> Vec<Command> {
        match body {
            ReplyBody::Tree { under, result } if generation == self.tree_gen => {
                self.on_tree(under, result)
            }
            ReplyBody::Details(result) if generation == self.details_gen => self.on_details(result),
            ReplyBody::DetailsAhead(result) => {
                // Nothing to draw: it waits for the selection to come.
                self.dirty = false;
                if let Ok(d) = result {
                    self.ahead.accept(generation, d);
                }
                vec![]
            }
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
            ReplyBody::Described(result) if generation == self.describe_gen => {
                self.on_described(result)
            }
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
}

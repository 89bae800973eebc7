//! What the write and view-as keys do: forms, confirmations, refreshing after a write, and
//! switching to and from viewing as someone.

use super::app::*;
use super::keymap::Action;
use super::msg::*;
use crate::model::*;
use crossterm::event::KeyEvent;

impl App {
    pub(super) fn on_form_key(&mut self, k: KeyEvent) -> Vec<Command> {
        use super::widgets::form::Outcome;
        let Some(open) = self.form.as_mut() else {
            return vec![];
        };
        let before = open.form.value("template");
        let outcome = open.form.on_key(k);
        if outcome == Outcome::Handled
            && open.form.phase != super::widgets::form::Phase::ConfirmDiscard
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
                    super::forms::apply_template(&mut open.form, &open.data.templates, &held);
                }
                self.preview_if_changed()
            }
            Outcome::Cancel => {
                self.form = None;
                self.quit = std::mem::take(&mut self.quit_after_discard);
                vec![]
            }
            Outcome::Submit => {
                let write = super::forms::to_write(&open.purpose, &open.form, open.version);
                self.send_write(write)
            }
            Outcome::Reload => vec![Command::Prepare {
                purpose: open.purpose.clone(),
                reapply: true,
            }],
        }
    }

    /// n, e, s, d, p, t, x, m, u, a: what they mean depends on the tab and the selection.
    pub(super) fn on_write_action(&mut self, a: Action) -> Vec<Command> {
        use super::forms::{Purpose, Write};
        // Nothing that would write opens in a read-only session (the write gate, `write_gate`,
        // refuses what is sent anyway, and the server refuses too).
        if let Some(reason) = self.read_only_reason() {
            return self.flash(reason, true);
        }
        let own = self
            .me
            .as_ref()
            .map(|m| m.dealer.id.clone())
            .unwrap_or_default();
        let prepare = |purpose| {
            vec![Command::Prepare {
                purpose,
                reapply: false,
            }]
        };
        let nothing =
            |app: &mut App, what: &str| app.flash(format!("nothing to {what} here"), true);
        match self.tab {
            Tab::Dealers => {
                let Some(row) = self.tree.selected_row().cloned() else {
                    return nothing(self, "change");
                };
                let dealer = row.kind == NodeKind::Dealer;
                match (a, dealer) {
                    (Action::New, true) => prepare(Purpose::NewDealer { parent_id: row.id }),
                    (Action::NewTenant, true) => prepare(Purpose::NewTenant { dealer_id: row.id }),
                    (Action::Edit, true) => prepare(Purpose::EditDealer { id: row.id }),
                    (Action::Edit, false) => prepare(Purpose::EditTenant { id: row.id }),
                    (Action::Package, true) => prepare(Purpose::EditPackage { id: row.id }),
                    (Action::Suspend, true) => self.send_write(Write::SuspendDealer { id: row.id, name: row.name, resume: !row.enabled }),
                    (Action::Suspend, false) => self.send_write(Write::SuspendTenant { id: row.id, name: row.name, resume: !row.enabled }),
                    (Action::Delete, true) => self.ask(
                        format!("Delete the dealer {}? Its users and groups go with it; it must have no sub-dealers or tenants left.", row.name),
                        Write::DeleteDealer { id: row.id, name: row.name },
                    ),
                    (Action::Delete, false) => self.ask(
                        format!("Delete the tenant {}? Its allocations return to its dealer.", row.name),
                        Write::DeleteTenant { id: row.id, name: row.name },
                    ),
                    (Action::Move, false) => self.open_mover(row.id, row.name),
                    (Action::Move, true) => self.flash("m moves a tenant: select one in the tree (or on the Tenants tab)", true),
                    _ => nothing(self, "do that to"),
                }
            }
            Tab::Tenants => {
                let selected = self.tenants.selected_item().cloned();
                match (a, selected) {
                    (Action::New, t) => prepare(Purpose::NewTenant {
                        dealer_id: t.map(|t| t.dealer_id).unwrap_or(own),
                    }),
                    (Action::Edit, Some(t)) => prepare(Purpose::EditTenant { id: t.id }),
                    (Action::Suspend, Some(t)) => self.send_write(Write::SuspendTenant {
                        id: t.id,
                        name: t.name,
                        resume: !t.enabled,
                    }),
                    (Action::Delete, Some(t)) => self.ask(
                        format!(
                            "Delete the tenant {} ({})? Its allocations return to {}.",
                            t.name, t.domain, t.dealer_name
                        ),
                        Write::DeleteTenant {
                            id: t.id,
                            name: t.name,
                        },
                    ),
                    (Action::Move, Some(t)) => self.open_mover(t.id, t.name),
                    _ => nothing(self, "do that to"),
                }
            }
            Tab::Packages => match (a, self.packages.selected_item().cloned()) {
                (Action::Edit | Action::Package, Some(p)) => {
                    prepare(Purpose::EditPackage { id: p.dealer.id })
                }
                _ => nothing(self, "do that to"),
            },
            Tab::Users => {
                let selected = self.users.selected_item().cloned();
                match (a, selected) {
                    (Action::New, u) => prepare(Purpose::InviteUser { dealer_id: u.map(|u| u.dealer_id).unwrap_or(own) }),
                    (Action::Edit, Some(u)) => prepare(Purpose::EditUser { id: u.id }),
                    (Action::Suspend, Some(u)) => self.send_write(Write::UpdateUser {
                        id: u.id,
                        version: u.version,
                        patch: UserPatch { enabled: Some(!u.enabled), ..UserPatch::default() },
                    }),
                    (Action::ResetPassword, Some(u)) => self.ask(
                        format!("Send {} a new password link? Its current password stops working at once.", u.email),
                        Write::ResetPassword { id: u.id, email: u.email },
                    ),
                    (Action::Delete, Some(u)) => self.ask(format!("Delete the login {}?", u.email), Write::DeleteUser { id: u.id, email: u.email }),
                    _ => nothing(self, "do that to"),
                }
            }
            Tab::Groups => {
                let selected = self.groups.selected_item().cloned();
                match (a, selected) {
                    (Action::New, _) => prepare(Purpose::NewGroup { dealer_id: own }),
                    (Action::Edit, Some(g)) => prepare(Purpose::EditGroup { id: g.id }),
                    (Action::Delete, Some(g)) => self.ask(
                        format!(
                            "Delete the group {}? Its {} member(s) lose what it grants.",
                            g.name, g.members_count
                        ),
                        Write::DeleteGroup {
                            id: g.id,
                            name: g.name,
                        },
                    ),
                    _ => nothing(self, "do that to"),
                }
            }
            Tab::RateCards => self.on_rate_card_action(a, own),
            Tab::Audit => nothing(self, "change"),
        }
    }

    /// The write keys of the Rate cards tab, on the selected card.
    fn on_rate_card_action(&mut self, a: Action, own: String) -> Vec<Command> {
        use super::forms::{Purpose, Write};
        let selected = self.rate_cards.selected().cloned();
        let prepare = |purpose| {
            vec![Command::Prepare {
                purpose,
                reapply: false,
            }]
        };
        match (a, selected) {
            // The card's owner derives from it; a card handed to the caller is its own to use.
            (Action::New, card) => prepare(Purpose::DeriveRateCard {
                parent_id: card.as_ref().map(|c| c.id.clone()),
                dealer_id: card.and_then(|c| c.dealer_id).unwrap_or(own),
            }),
            (Action::Edit, Some(c)) if c.kind == RateCardKind::Provider => self.flash(
                format!(
                    "{} is handed to you from above: derive your own card from it (n)",
                    c.name
                ),
                true,
            ),
            (Action::Edit, Some(c)) => prepare(Purpose::EditRateCard { id: c.id }),
            (Action::Import, Some(c)) if c.kind == RateCardKind::Carrier => {
                prepare(Purpose::ImportRates {
                    id: c.id,
                    name: c.name,
                })
            }
            (Action::Import, Some(c)) => self.flash(
                format!(
                    "{} is derived: its rates follow its parent; import into a carrier card",
                    c.name
                ),
                true,
            ),
            (Action::Assign, Some(c)) => prepare(Purpose::AssignRateCard { id: c.id }),
            (Action::Delete, Some(c)) => {
                let billed = if c.tenant_count > 0 {
                    format!(" {} tenant(s) are billed with it.", c.tenant_count)
                } else {
                    String::new()
                };
                let handed = if c.assigned_dealers.is_empty() {
                    String::new()
                } else {
                    let names: Vec<&str> =
                        c.assigned_dealers.iter().map(|d| d.name.as_str()).collect();
                    format!(" It is handed to {}.", names.join(", "))
                };
                self.ask(
                    format!("Delete the rate card {}?{billed}{handed}", c.name),
                    Write::DeleteRateCard {
                        id: c.id,
                        name: c.name,
                    },
                )
            }
            _ => self.flash("no rate card selected", true),
        }
    }

    fn ask(&mut self, text: String, write: super::forms::Write) -> Vec<Command> {
        self.confirm = Some(Confirm { text, write });
        vec![]
    }

    /// After a write: reload what may show it (the tree, the details, every list).
    pub(super) fn refresh_after_write(&mut self) -> Vec<Command> {
        let mut cmds = self.reload_tree();
        for list in [
            ListKind::Tenants,
            ListKind::Packages,
            ListKind::Users,
            ListKind::Groups,
            ListKind::Audit,
            ListKind::RateCards,
        ] {
            let l = self.list_mut(list);
            if l.loaded_or_loading() {
                let generation = l.begin_reload();
                cmds.push(Command::LoadPage {
                    list,
                    cursor: None,
                    generation,
                });
            }
        }
        // The shown rates may have changed too (an import, a new markup): they reload once the
        // cards are back, for whichever card is selected then.
        self.rate_cards.rates_stale = self.rate_cards.rates_of.is_some();
        cmds
    }

    /// Starts viewing as the user with this e-mail.
    pub(super) fn start_view_as(&mut self, email: String) -> Vec<Command> {
        if matches!(self.session(), super::session::Session::ViewingAs { .. })
            || self.view_as_pending
        {
            return self.flash("already viewing as someone: ctrl-x returns first", true);
        }
        self.view_as_pending = true;
        vec![Command::StartViewAs { email }]
    }

    /// Returns to the real identity (`note` says why, when it was not asked for).
    pub(super) fn end_view_as(&mut self, note: Option<&str>) -> Vec<Command> {
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
}

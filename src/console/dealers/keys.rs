//! The Dealers tab's keys: the lazily loaded tree (expand, collapse, reload keeping what was
//! open), the details that follow the selection, and the write keys on a dealer or a tenant.

use crate::console::app::App;
use crate::console::keymap::Action;
use crate::console::msg::Command;
use crate::console::writes::{Purpose, Write};
use crate::model::NodeKind;

impl App {
    pub(crate) fn expand(&mut self) -> Vec<Command> {
        let load = self.tree.expand_selected();
        self.tree_load(load)
    }

    pub(crate) fn tree_load(&mut self, under: Option<String>) -> Vec<Command> {
        match under {
            Some(id) => {
                self.tree_gen += 1;
                vec![Command::LoadTree {
                    show: None,
                    under: Some(id),
                    generation: self.tree_gen,
                }]
            }
            None => vec![],
        }
    }

    /// Asks for the selected dealer's details (the newest request wins).
    pub(crate) fn select_details(&mut self) -> Vec<Command> {
        let Some(row) = self.tree.selected_row() else {
            return vec![];
        };
        if row.kind != NodeKind::Dealer {
            return vec![];
        }
        if self.details.as_ref().is_some_and(|(d, _)| d.id == row.id) {
            return self.details_ahead();
        }
        // Fetched ahead: shown at once, so a move draws one frame and not a "loading" one.
        if let Some(d) = self.ahead.get(&row.id) {
            self.details = Some(d.clone());
            return self.details_ahead();
        }
        self.details_gen += 1;
        vec![Command::LoadDetails {
            id: row.id.clone(),
            generation: self.details_gen,
        }]
    }

    /// Asks for the details of the dealers next to the selection, so that moving there needs
    /// no request.
    pub(crate) fn details_ahead(&mut self) -> Vec<Command> {
        let at = self.tree.selected;
        let mut cmds = Vec::new();
        for i in [at + 1, at.wrapping_sub(1)] {
            let Some(row) = self.tree.rows.get(i) else {
                continue;
            };
            if row.kind != NodeKind::Dealer || self.ahead.contains_key(&row.id) {
                continue;
            }
            if self.ahead.asked(&row.id) {
                continue;
            }
            cmds.push(Command::LoadDetailsAhead {
                id: row.id.clone(),
                generation: self.ahead.epoch(),
            });
        }
        cmds
    }

    pub(crate) fn reload_tree(&mut self) -> Vec<Command> {
        self.tree_gen += 1;
        let generation = self.tree_gen;
        let mut cmds = vec![Command::LoadTree {
            show: None,
            under: None,
            generation,
        }];
        cmds.extend(
            self.tree
                .expanded_ids()
                .into_iter()
                .map(|id| Command::LoadTree {
                    show: None,
                    under: Some(id),
                    generation,
                }),
        );
        // Details are asked for once the reloaded tree says what is selected; what was fetched
        // ahead may be out of date now.
        self.details = None;
        self.ahead.clear();
        cmds
    }

    /// The write keys on the tree's selection: a dealer or a tenant.
    pub(crate) fn on_dealers_write_key(&mut self, a: Action) -> Vec<Command> {
        let Some(row) = self.tree.selected_row().cloned() else {
            return self.nothing_to("change");
        };
        let dealer = row.kind == NodeKind::Dealer;
        match (a, dealer) {
            (Action::New, true) => self.prepare(Purpose::NewDealer {
                parent_id: row.id.into(),
            }),
            (Action::NewTenant, true) => self.prepare(Purpose::NewTenant {
                dealer_id: row.id.into(),
            }),
            (Action::Edit, true) => self.prepare(Purpose::EditDealer { id: row.id.into() }),
            (Action::Edit, false) => self.prepare(Purpose::EditTenant { id: row.id.into() }),
            (Action::Package, true) => self.prepare(Purpose::EditPackage { id: row.id.into() }),
            // These ask first, with what the server says they would do (`confirm`).
            (Action::Suspend, true) => self.write_or_ask(Write::SuspendDealer {
                id: row.id.into(),
                name: row.name,
                resume: !row.enabled,
            }),
            (Action::Suspend, false) => self.write_or_ask(Write::SuspendTenant {
                id: row.id.into(),
                name: row.name,
                resume: !row.enabled,
            }),
            (Action::Delete, true) => self.write_or_ask(Write::DeleteDealer {
                id: row.id.into(),
                name: row.name,
            }),
            (Action::Delete, false) => self.write_or_ask(Write::DeleteTenant {
                id: row.id.into(),
                name: row.name,
            }),
            (Action::Move, false) => self.open_mover(row.id, row.name),
            (Action::Move, true) => self.flash(
                "m moves a tenant: select one in the tree (or on the Tenants tab)",
                true,
            ),
            _ => self.nothing_to("do that to"),
        }
    }
}

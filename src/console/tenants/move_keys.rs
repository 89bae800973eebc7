//! Moving a tenant to another dealer: pick the destination in a tree of dealers, see the server's
//! dry-run plan (capacity on both sides, the rate card before and after, what blocks it), choose
//! another rate card if needed, and only then execute. Nothing is sent for real while the plan
//! shows a blocker.

use crossterm::event::{KeyCode, KeyEvent};

use crate::client::ClientError;
use crate::console::app::*;
use crate::console::dealers::tree::DealerTree;
use crate::console::msg::*;
use crate::console::tenants::mover::{MoveStep, Mover};
use crate::console::writes::Write;
use crate::model::*;

impl App {
    /// `m` on a tenant: open the destination picker.
    pub(crate) fn open_mover(&mut self, tenant_id: String, tenant_name: String) -> Vec<Command> {
        self.move_gen += 1;
        let generation = self.move_gen;
        self.mover = Some(Mover {
            tenant_id,
            tenant_name,
            step: MoveStep::Pick,
            tree: DealerTree::dealers_only(),
            tree_gen: generation,
            to: None,
            cards: Vec::new(),
            card_choice: 0,
            cards_gen: 0,
            plan: None,
            planning: false,
            plan_gen: 0,
            executing: false,
            error: None,
        });
        vec![Command::LoadPickerTree {
            under: None,
            generation,
        }]
    }

    pub(crate) fn on_mover_key(&mut self, k: KeyEvent) -> Vec<Command> {
        let Some(m) = self.mover.as_mut() else {
            return vec![];
        };
        if m.executing {
            return vec![];
        }
        if k.code == KeyCode::Esc {
            self.mover = None;
            return self.flash("move cancelled", false);
        }
        match m.step {
            MoveStep::Pick => match k.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    m.tree.move_by(1);
                    vec![]
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    m.tree.move_by(-1);
                    vec![]
                }
                KeyCode::Char('h') | KeyCode::Left => {
                    m.tree.collapse_selected();
                    vec![]
                }
                KeyCode::Char('l') | KeyCode::Right => match m.tree.expand_selected() {
                    Some(id) => vec![Command::LoadPickerTree {
                        under: Some(id),
                        generation: m.tree_gen,
                    }],
                    None => vec![],
                },
                KeyCode::Enter => self.pick_destination(),
                _ => vec![],
            },
            MoveStep::Plan => match k.code {
                KeyCode::Backspace => {
                    m.step = MoveStep::Pick;
                    m.plan = None;
                    m.error = None;
                    m.planning = false;
                    vec![]
                }
                KeyCode::Left | KeyCode::Char('h') | KeyCode::Right | KeyCode::Char('l') => {
                    let n = m.cards.len() + 1;
                    m.card_choice = if matches!(k.code, KeyCode::Left | KeyCode::Char('h')) {
                        (m.card_choice + n - 1) % n
                    } else {
                        (m.card_choice + 1) % n
                    };
                    self.plan_move()
                }
                // Only `y` moves: the question's default is No, so Enter does nothing.
                KeyCode::Char('y') | KeyCode::Char('Y') => self.execute_move(),
                _ => vec![],
            },
        }
    }

    /// Enter in the picker: the selected dealer is the destination; its cards and the plan load.
    fn pick_destination(&mut self) -> Vec<Command> {
        self.move_gen += 1;
        let cards_gen = self.move_gen;
        let Some(m) = self.mover.as_mut() else {
            return vec![];
        };
        let Some(row) = m.tree.selected_row().cloned() else {
            return vec![];
        };
        m.to = Some((row.id.clone(), row.name));
        m.step = MoveStep::Plan;
        m.cards.clear();
        m.card_choice = 0;
        m.cards_gen = cards_gen;
        let mut cmds = vec![Command::LoadMoveCards {
            dealer_id: row.id,
            generation: cards_gen,
        }];
        cmds.extend(self.plan_move());
        cmds
    }

    /// Asks for the dry-run plan of what is chosen (the newest request wins).
    fn plan_move(&mut self) -> Vec<Command> {
        self.move_gen += 1;
        let generation = self.move_gen;
        let Some(m) = self.mover.as_mut() else {
            return vec![];
        };
        let Some((to, _)) = m.to.clone() else {
            return vec![];
        };
        m.plan_gen = generation;
        m.planning = true;
        m.error = None;
        vec![Command::PlanMove {
            tenant_id: m.tenant_id.clone(),
            request: TenantMove {
                to_dealer_id: to.into(),
                rate_card_id: m.chosen_card().map(|c| c.id.clone()),
                dry_run: true,
            },
            generation,
        }]
    }

    fn execute_move(&mut self) -> Vec<Command> {
        let Some(m) = self.mover.as_mut() else {
            return vec![];
        };
        if !m.can_execute() {
            if m.plan.as_ref().is_some_and(|p| !p.blockers.is_empty()) {
                m.error =
                    Some("the plan has blockers: nothing can be moved until they are gone".into());
            }
            return vec![];
        }
        let (Some((to, to_name)), Some(plan)) = (m.to.clone(), m.plan.clone()) else {
            return vec![];
        };
        let write = Write::MoveTenant {
            id: m.tenant_id.clone().into(),
            name: m.tenant_name.clone(),
            to_name,
            request: TenantMove {
                to_dealer_id: to.into(),
                rate_card_id: m.chosen_card().map(|c| c.id.clone()),
                dry_run: false,
            },
            plan: Box::new(plan),
        };
        let cmds = self.send_write(write);
        let sent = cmds.iter().any(|c| matches!(c, Command::Write(_)));
        if let Some(m) = self.mover.as_mut().filter(|_| sent) {
            m.executing = true;
            m.error = None;
        }
        cmds
    }

    pub(crate) fn on_picker_tree(
        &mut self,
        generation: u64,
        under: Option<String>,
        result: Result<TreeNode, ClientError>,
    ) -> Vec<Command> {
        let Some(m) = self.mover.as_mut().filter(|m| m.tree_gen == generation) else {
            self.dirty = false;
            return vec![];
        };
        match result {
            Ok(node) => {
                m.tree.accept(under.as_deref(), node);
                vec![]
            }
            Err(e) => {
                m.tree.error = Some(describe(&e));
                self.on_error(e, "loading the dealers to move to")
            }
        }
    }

    pub(crate) fn on_move_cards(
        &mut self,
        generation: u64,
        result: Result<Vec<RateCard>, ClientError>,
    ) -> Vec<Command> {
        let Some(m) = self.mover.as_mut().filter(|m| m.cards_gen == generation) else {
            self.dirty = false;
            return vec![];
        };
        match result {
            // Carrier cards are costs, never what a tenant is billed with.
            Ok(cards) => {
                m.cards = cards
                    .into_iter()
                    .filter(|c| c.kind != RateCardKind::Carrier)
                    .collect();
                vec![]
            }
            // Without rate_cards:read the current card is all there is to keep.
            Err(e) if e.status() == Some(403) => vec![],
            Err(e) => self.on_error(e, "loading the destination's rate cards"),
        }
    }

    pub(crate) fn on_move_plan(
        &mut self,
        generation: u64,
        result: Result<MovePlan, ClientError>,
    ) -> Vec<Command> {
        let Some(m) = self.mover.as_mut().filter(|m| m.plan_gen == generation) else {
            self.dirty = false;
            return vec![];
        };
        m.planning = false;
        match result {
            Ok(plan) => {
                m.plan = Some(plan);
                vec![]
            }
            Err(e) => {
                m.plan = None;
                m.error = Some(crate::console::refusal::refusal(&e));
                if matches!(e, ClientError::Network(_)) {
                    return self.on_error(e, "planning the move");
                }
                vec![]
            }
        }
    }

    /// The answer to an executed move: done closes the mover and refreshes like any write; a
    /// refusal stays in the mover, with the server's plan when it sent one.
    pub(crate) fn on_move_written(
        &mut self,
        write: Write,
        result: Result<(), ClientError>,
    ) -> Vec<Command> {
        match result {
            Ok(()) => {
                self.mover = None;
                let mut cmds = self.flash(write.done(), false);
                cmds.extend(self.refresh_after_write());
                cmds
            }
            Err(e) => {
                let Some(m) = self.mover.as_mut() else {
                    return self.on_error(e, "moving the tenant");
                };
                m.executing = false;
                // The tenant changed since the plan: plan again; y then moves it as it is now.
                if e.status() == Some(412) {
                    let cmds = self.plan_move();
                    if let Some(m) = self.mover.as_mut() {
                        m.error = Some(
                            "the tenant changed since this plan: here is the plan as it is now"
                                .into(),
                        );
                    }
                    return cmds;
                }
                m.error = Some(crate::console::refusal::refusal(&e));
                if let Some(plan) = e.refusal().and_then(Refusal::move_plan) {
                    m.plan = Some(plan.clone());
                }
                if matches!(e, ClientError::Network(_)) {
                    self.online = false;
                }
                vec![]
            }
        }
    }
}

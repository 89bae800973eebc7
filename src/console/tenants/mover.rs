//! A tenant move on screen: the destination picker, then the server's plan.

use crate::console::dealers::tree::DealerTree;
use crate::model::*;

/// Where a move stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveStep {
    /// Choosing the destination dealer.
    Pick,
    /// Looking at the plan for the chosen dealer.
    Plan,
}

/// A tenant move on screen.
#[derive(Debug)]
pub struct Mover {
    pub tenant_id: String,
    pub tenant_name: String,
    pub step: MoveStep,
    /// The dealers in scope, tenants left out.
    pub tree: DealerTree,
    /// The generation of this mover's tree requests.
    pub(crate) tree_gen: u64,
    /// The destination chosen: id and name.
    pub to: Option<(String, String)>,
    /// Cards the destination may bill with; choice 0 keeps the current card.
    pub cards: Vec<RateCard>,
    pub card_choice: usize,
    pub(crate) cards_gen: u64,
    pub plan: Option<MovePlan>,
    pub planning: bool,
    pub(crate) plan_gen: u64,
    /// The real move is on its way.
    pub executing: bool,
    /// Why the plan or the move failed.
    pub error: Option<String>,
}

impl Mover {
    /// The card chosen for the destination, None to keep the current one.
    pub fn chosen_card(&self) -> Option<&RateCard> {
        self.card_choice
            .checked_sub(1)
            .and_then(|i| self.cards.get(i))
    }

    /// True when `y` would move the tenant: a plan for what is chosen, with nothing blocking.
    pub fn can_execute(&self) -> bool {
        !self.planning
            && !self.executing
            && self.plan.as_ref().is_some_and(|p| p.blockers.is_empty())
    }
}

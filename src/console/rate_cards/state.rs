//! The Rate cards tab's state: the cards, the rates of the selected one, the prefix searched,
//! and the live preview of a derive or edit form.

use crate::console::lists::ListState;
use crate::model::*;

/// The tab's state.
#[derive(Debug, Default)]
pub struct RateCardsView {
    pub cards: ListState<RateCard>,
    pub rates: ListState<RateRow>,
    /// The card whose rates are shown (or on their way).
    pub rates_of: Option<RateCardId>,
    /// The prefix search sent with every rates request.
    pub prefix: String,
    /// The rates take the movement keys (after enter), else the cards do.
    pub focus_rates: bool,
    /// Generation of the latest markup preview request.
    pub preview_gen: u64,
    /// A write may have changed the shown rates: reload them once the cards are back.
    pub(crate) rates_stale: bool,
}

impl RateCardsView {
    /// A fresh view whose generations continue from this one (an answer to a request made before
    /// a reset can never match a request made after it).
    pub fn fresh(&self) -> RateCardsView {
        RateCardsView {
            cards: ListState {
                generation: self.cards.generation + 1,
                ..ListState::default()
            },
            rates: ListState {
                generation: self.rates.generation + 1,
                ..ListState::default()
            },
            preview_gen: self.preview_gen + 1,
            ..RateCardsView::default()
        }
    }

    /// The selected card.
    pub fn selected(&self) -> Option<&RateCard> {
        self.cards.selected_item()
    }
}

/// The live preview of a derive or edit form.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub generation: u64,
    /// What was last asked (None: the value is not an amount yet).
    pub request: Option<MarkupPreviewRequest>,
    pub parent_name: String,
    pub loading: bool,
    pub answer: Option<Result<MarkupPreview, String>>,
}

//! The Rate cards tab's write keys, on the selected card.

use crate::console::app::App;
use crate::console::keymap::Action;
use crate::console::msg::Command;
use crate::console::writes::{Purpose, Write};
use crate::model::RateCardKind;

impl App {
    /// The write keys of the Rate cards tab, on the selected card.
    pub(crate) fn on_rate_card_action(&mut self, a: Action, own: String) -> Vec<Command> {
        let selected = self.rate_cards.selected().cloned();
        match (a, selected) {
            // The card's owner derives from it; a card handed to the caller is its own to use.
            (Action::New, card) => self.prepare(Purpose::DeriveRateCard {
                parent_id: card.as_ref().map(|c| c.id.clone()),
                dealer_id: card.and_then(|c| c.dealer_id).unwrap_or(own.into()),
            }),
            (Action::Edit, Some(c)) if c.kind == RateCardKind::Provider => self.flash(
                format!(
                    "{} is handed to you from above: derive your own card from it (n)",
                    c.name
                ),
                true,
            ),
            (Action::Edit, Some(c)) => self.prepare(Purpose::EditRateCard { id: c.id }),
            (Action::Import, Some(c)) if c.kind == RateCardKind::Carrier => {
                self.prepare(Purpose::ImportRates {
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
            (Action::Assign, Some(c)) => self.prepare(Purpose::AssignRateCard { id: c.id }),
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
}

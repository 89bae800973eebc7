//! The Tenants tab's write keys: new, edit, suspend or resume and delete (asked first, with
//! what the server says they would do), move.

use crate::console::app::App;
use crate::console::keymap::Action;
use crate::console::msg::Command;
use crate::console::writes::{Purpose, Write};

impl App {
    /// The write keys of the tab, on its selection.
    pub(crate) fn on_tenants_write_key(&mut self, a: Action, own: String) -> Vec<Command> {
        let selected = self.tenants.selected_item().cloned();
        match (a, selected) {
            (Action::New, t) => self.prepare(Purpose::NewTenant {
                dealer_id: t.map(|t| t.dealer_id).unwrap_or(own.into()),
            }),
            (Action::Edit, Some(t)) => self.prepare(Purpose::EditTenant { id: t.id }),
            (Action::Suspend, Some(t)) => self.write_or_ask(Write::SuspendTenant {
                id: t.id,
                name: t.name,
                resume: !t.enabled,
            }),
            (Action::Delete, Some(t)) => self.write_or_ask(Write::DeleteTenant {
                id: t.id,
                name: t.name,
            }),
            (Action::Move, Some(t)) => self.open_mover(t.id.to_string(), t.name),
            _ => self.nothing_to("do that to"),
        }
    }
}

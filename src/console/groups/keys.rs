//! The Groups tab's write keys: new, edit, delete (asked first).

use crate::console::app::App;
use crate::console::keymap::Action;
use crate::console::msg::Command;
use crate::console::writes::{Purpose, Write};

impl App {
    /// The write keys of the tab, on its selection.
    pub(crate) fn on_groups_write_key(&mut self, a: Action, own: String) -> Vec<Command> {
        let selected = self.groups.selected_item().cloned();
        match (a, selected) {
            (Action::New, _) => self.prepare(Purpose::NewGroup {
                dealer_id: own.into(),
            }),
            (Action::Edit, Some(g)) => self.prepare(Purpose::EditGroup { id: g.id }),
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
            _ => self.nothing_to("do that to"),
        }
    }
}

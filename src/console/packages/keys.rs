//! The Packages tab's write keys: e and p both edit the selected dealer's package.

use crate::console::app::App;
use crate::console::keymap::Action;
use crate::console::msg::Command;
use crate::console::writes::Purpose;

impl App {
    /// The write keys of the tab, on its selection.
    pub(crate) fn on_packages_write_key(&mut self, a: Action) -> Vec<Command> {
        match (a, self.packages.selected_item().cloned()) {
            (Action::Edit | Action::Package, Some(p)) => {
                self.prepare(Purpose::EditPackage { id: p.dealer.id })
            }
            _ => self.nothing_to("do that to"),
        }
    }
}

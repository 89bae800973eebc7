//! A table's `/` beyond what is loaded: the loaded rows narrow at once, and when the server has
//! rows the console has not loaded, it is asked too, once typing settles (the newest text wins),
//! and its matches are shown and paged within the filter; `esc` puts the table and its selection
//! back.

use std::time::Duration;

use crate::console::app::App;
use crate::console::msg::Command;
use crate::console::tab::Tab;

/// How long typing must pause before the server is asked.
pub const SETTLE: Duration = Duration::from_millis(150);

impl App {
    /// After the filter changed: end a server search when it is cleared, else ask the server
    /// once typing settles, if the table is not all here.
    pub(crate) fn search_server_if_partial(&mut self, text: &str) -> Vec<Command> {
        let Some(list) = self.tab.list().filter(|_| self.tab != Tab::RateCards) else {
            return vec![];
        };
        let l = self.list_mut(list);
        if text.is_empty() {
            l.end_search();
            return vec![];
        }
        if !l.is_partial() {
            return vec![];
        }
        self.filter_gen += 1;
        vec![Command::SettleFilter {
            id: self.filter_gen,
            after: SETTLE,
        }]
    }

    /// Typing settled: ask the server for the current filter, unless newer typing came since.
    pub(crate) fn on_filter_settled(&mut self, id: u64) -> Vec<Command> {
        let Some(list) = self.tab.list().filter(|_| self.tab != Tab::RateCards) else {
            return vec![];
        };
        if id != self.filter_gen {
            self.dirty = false;
            return vec![];
        }
        let l = self.list_mut(list);
        let text = l.filter();
        if text.is_empty() || l.server_q().as_deref() == Some(text.as_str()) {
            return vec![];
        }
        let generation = l.begin_search(&text);
        vec![self.page_command(list, None, generation)]
    }
}

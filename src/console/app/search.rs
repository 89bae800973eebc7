//! A table's `/` beyond what is loaded: the loaded rows narrow at once, and when the server has
//! rows the console has not loaded, it is asked too, once typing settles (the newest text wins),
//! and its matches are shown and paged within the filter; `esc` puts the table and its selection
//! back.

use std::time::Duration;

use crate::console::app::App;
use crate::console::goto::state::SearchFor;
use crate::console::msg::Command;
use crate::console::tab::Tab;

/// How many of the server's matches the tree opens at.
pub const TREE_MATCHES: i64 = 50;

/// How long typing must pause before the server is asked.
pub const SETTLE: Duration = Duration::from_millis(150);

impl App {
    /// After the filter changed: end a server search when it is cleared, else ask the server
    /// once typing settles, if the table is not all here.
    pub(crate) fn search_server_if_partial(&mut self, text: &str) -> Vec<Command> {
        if self.tab == Tab::Dealers {
            if text.is_empty() {
                self.tree.restore();
                return vec![];
            }
            self.filter_gen += 1;
            return vec![Command::SettleFilter {
                id: self.filter_gen,
                after: SETTLE,
            }];
        }
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
        if self.tab == Tab::Dealers && id == self.filter_gen {
            let q = self.tree.filter().to_string();
            if q.is_empty() {
                return vec![];
            }
            self.search_gen += 1;
            return vec![Command::Search {
                q,
                limit: TREE_MATCHES,
                purpose: SearchFor::Tree,
                generation: self.search_gen,
            }];
        }
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

    /// Enter in the filter: the tree stays opened at the chosen match, the whole tree around it;
    /// a table keeps its filter.
    pub(crate) fn accept_filter(&mut self) -> Vec<Command> {
        if self.tab != Tab::Dealers || self.tree.filter().is_empty() {
            return vec![];
        }
        let chosen = self.tree.selected_row().map(|r| r.id.clone());
        self.tree.keep_revealed();
        self.tree.set_filter("");
        if let Some(id) = chosen {
            self.tree.select_id(&id);
        }
        self.select_details()
    }
}

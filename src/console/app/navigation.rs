//! Moving about: tabs, selections, paging on demand, reloads, and starting afresh when the
//! identity changes.

use crate::console::app::{App, newest_first};
use crate::console::audit::query::AuditQuery;
use crate::console::columns;
use crate::console::lists::{AnyList, ListState};
use crate::console::msg::{Command, ListQuery};
use crate::console::tab::{ListKind, Tab};

impl App {
    pub(crate) fn reset_views(&mut self) {
        // New lists, but generations keep counting up: an answer to a request made before the
        // reset (for another identity, say) can never match a request made after it.
        fn fresh<T>(old: &ListState<T>) -> ListState<T> {
            ListState {
                generation: old.generation + 1,
                ..ListState::default()
            }
        }
        let audit_generation = self.audit.generation + 1;
        self.tree.clear();
        self.tree_gen += 1;
        self.details = None;
        self.details_gen += 1;
        self.ahead.clear();
        self.tenants = fresh(&self.tenants);
        self.packages = fresh(&self.packages);
        // The fresh list sorts by name: so does the server again.
        self.packages_order = None;
        self.users = fresh(&self.users);
        self.groups = fresh(&self.groups);
        self.audit = newest_first();
        self.audit.generation = audit_generation;
        self.rate_cards = self.rate_cards.fresh();
        self.mover = None;
        // Nothing half-done survives a change of identity.
        self.form = None;
        self.confirm = None;
        self.scope_report = None;
        self.audit_detail = None;
        self.description = None;
        self.goto = None;
        self.goto_target = None;
    }

    /// The list behind a list tab, whatever its rows.
    pub(crate) fn list_mut(&mut self, list: ListKind) -> &mut dyn AnyList {
        match list {
            ListKind::Tenants => &mut self.tenants,
            ListKind::Packages => &mut self.packages,
            ListKind::Users => &mut self.users,
            ListKind::Groups => &mut self.groups,
            ListKind::Audit => &mut self.audit,
            ListKind::RateCards => &mut self.rate_cards.cards,
        }
    }

    pub(crate) fn page_rows(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    pub(crate) fn with_list(&mut self, f: impl Fn(&mut dyn AnyList, usize)) {
        if let Some(list) = self.tab.list() {
            let columns = columns::columns(self.tab);
            f(self.list_mut(list), columns);
        }
    }

    pub(crate) fn move_by(&mut self, delta: isize) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => {
                self.tree.move_by(delta);
                self.select_details()
            }
            Tab::RateCards => self.move_on_rate_cards(delta),
            tab => {
                self.with_list(|l, _| l.move_rows(delta));
                self.more_if_needed(tab)
            }
        }
    }

    /// Loads the next page when the selection nears the end of what is loaded.
    pub(crate) fn more_if_needed(&mut self, tab: Tab) -> Vec<Command> {
        let Some(list) = tab.list() else {
            return vec![];
        };
        let l = self.list_mut(list);
        let next = if l.wants_more() { l.begin_more() } else { None };
        next.map(|(cursor, generation)| vec![self.page_command(list, Some(cursor), generation)])
            .unwrap_or_default()
    }

    pub(crate) fn switch_tab(&mut self, tab: Tab) -> Vec<Command> {
        self.tab = tab;
        self.ensure_loaded()
    }

    /// Loads the current tab's data if it never was.
    pub(crate) fn ensure_loaded(&mut self) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => vec![],
            tab => {
                let list = tab.list().expect("every other tab is a list");
                let loaded = self.list_mut(list).loaded_or_loading();
                if loaded { vec![] } else { self.reload(list) }
            }
        }
    }

    pub(crate) fn reload(&mut self, list: ListKind) -> Vec<Command> {
        let generation = self.list_mut(list).begin_reload();
        vec![self.page_command(list, None, generation)]
    }

    pub(crate) fn refresh(&mut self) -> Vec<Command> {
        match self.tab {
            Tab::Dealers => self.reload_tree(),
            Tab::RateCards => {
                let mut cmds = self.reload(ListKind::RateCards);
                cmds.extend(self.reload_rates());
                cmds
            }
            tab => self.reload(tab.list().expect("list tab")),
        }
    }

    /// After a write: reload what may show it (the tree, the details, every list).
    pub(crate) fn refresh_after_write(&mut self) -> Vec<Command> {
        let mut cmds = self.reload_tree();
        for list in [
            ListKind::Tenants,
            ListKind::Packages,
            ListKind::Users,
            ListKind::Groups,
            ListKind::Audit,
            ListKind::RateCards,
        ] {
            let l = self.list_mut(list);
            if l.loaded_or_loading() {
                let generation = l.begin_reload();
                cmds.push(self.page_command(list, None, generation));
            }
        }
        // The shown rates may have changed too (an import, a new markup): they reload once the
        // cards are back, for whichever card is selected then.
        self.rate_cards.rates_stale = self.rate_cards.rates_of.is_some();
        cmds
    }

    /// The request for a page of `list`, narrowed as the list's view says.
    pub(crate) fn page_command(
        &self,
        list: ListKind,
        cursor: Option<String>,
        generation: u64,
    ) -> Command {
        let q = match list {
            ListKind::Tenants => self.tenants.server_q.clone(),
            ListKind::Packages => self.packages.server_q.clone(),
            ListKind::Users => self.users.server_q.clone(),
            ListKind::Groups => self.groups.server_q.clone(),
            ListKind::Audit => self.audit.server_q.clone(),
            ListKind::RateCards => None,
        };
        let query = ListQuery {
            q,
            audit: match list {
                ListKind::Audit => self.audit_query.clone(),
                _ => AuditQuery::default(),
            },
            packages_order: self.packages_order,
        };
        Command::LoadPage {
            list,
            cursor,
            generation,
            query,
        }
    }
}

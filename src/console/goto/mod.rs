//! `:goto TEXT` from any tab: a pick list of the server's matches (a name, an id, a domain, an
//! e-mail), and enter opens the right tab with the object selected, the tree opened down to it.
//! The Dealers tree's `/` uses the same search to open the tree at its matches.

pub mod draw;
pub mod requests;
pub mod state;

use crossterm::event::{KeyCode, KeyEvent};

use crate::client::ClientError;
use crate::console::app::{App, describe};
use crate::console::msg::Command;
use crate::console::tab::{ListKind, Tab};
use crate::model::{ObjectKind, SearchHit, SearchResults};
use state::{GotoPick, SearchFor, Target};

/// How many matches the pick list shows.
pub const PICK: i64 = 30;

impl App {
    /// `:goto TEXT`: asks the server; the pick list opens with its answer.
    pub(crate) fn run_goto_command(&mut self, text: &str) -> Vec<Command> {
        let q = text.trim();
        if q.is_empty() {
            return self.flash(":goto needs a name, an id, a domain or an e-mail", true);
        }
        self.search_gen += 1;
        self.goto = Some(GotoPick {
            q: q.to_string(),
            loading: true,
            ..GotoPick::default()
        });
        vec![Command::Search {
            q: q.to_string(),
            limit: PICK,
            purpose: SearchFor::Goto,
            generation: self.search_gen,
        }]
    }

    /// What `:goto ` completes: the names of the dealers and tenants the console has loaded
    /// (the tree, the Tenants and Packages tables) that start with what is typed, any case.
    pub fn goto_completions(&self, rest: &str) -> Vec<String> {
        let rest = rest.trim_start().to_lowercase();
        let mut names: Vec<&str> = self
            .tree
            .rows
            .iter()
            .map(|r| r.name.as_str())
            .chain(self.tenants.items.iter().map(|t| t.name.as_str()))
            .chain(self.packages.items.iter().map(|p| p.dealer.name.as_str()))
            .filter(|n| n.to_lowercase().starts_with(&rest))
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        names.dedup();
        names.into_iter().map(|n| format!("goto {n}")).collect()
    }

    /// The server's matches, for the pick list or the tree.
    pub(crate) fn on_searched(
        &mut self,
        purpose: SearchFor,
        result: Result<SearchResults, ClientError>,
    ) -> Vec<Command> {
        match (purpose, result) {
            (SearchFor::Goto, Ok(found)) => {
                let Some(pick) = self.goto.as_mut() else {
                    return vec![];
                };
                pick.loading = false;
                pick.items = found.items;
                pick.more = found.more;
                // An id typed in full opens at once.
                if pick.items.len() == 1 && pick.items[0].id == pick.q {
                    return self.open_pick();
                }
                vec![]
            }
            (SearchFor::Tree, Ok(found)) => self.reveal_in_tree(&found.items),
            (SearchFor::Goto, Err(e)) => {
                self.goto = None;
                self.flash(format!("goto: {}", describe(&e)), true)
            }
            (SearchFor::Tree, Err(e)) => self.flash(format!("search: {}", describe(&e)), true),
            (SearchFor::Describe, Ok(found)) => self.describe_found(&found.items),
            (SearchFor::Describe, Err(e)) => {
                self.describe_by_name = None;
                self.flash(format!("describe: {}", describe(&e)), true)
            }
        }
    }

    /// Keys while the pick list is open.
    pub(crate) fn on_goto_key(&mut self, k: KeyEvent) -> Vec<Command> {
        let Some(pick) = self.goto.as_mut() else {
            return vec![];
        };
        let last = pick.items.len().saturating_sub(1);
        match k.code {
            KeyCode::Char('j') | KeyCode::Down => pick.selected = (pick.selected + 1).min(last),
            KeyCode::Char('k') | KeyCode::Up => pick.selected = pick.selected.saturating_sub(1),
            KeyCode::Enter => return self.open_pick(),
            _ => self.goto = None,
        }
        vec![]
    }

    /// Opens the chosen match: its tab, the tree down to it, the object selected.
    fn open_pick(&mut self) -> Vec<Command> {
        let Some(hit) = self
            .goto
            .take()
            .and_then(|p| p.items.get(p.selected).cloned())
        else {
            return vec![];
        };
        self.open_hit(&hit)
    }

    fn open_hit(&mut self, hit: &SearchHit) -> Vec<Command> {
        self.goto_target = Some(Target {
            kind: hit.kind,
            id: hit.id.clone(),
            for_filter: false,
        });
        let mut cmds = match hit.kind {
            ObjectKind::Dealer | ObjectKind::Tenant => {
                self.tab = Tab::Dealers;
                self.tree.set_filter("");
                let path: Vec<String> = hit.path.iter().map(|p| p.id.to_string()).collect();
                let load = self.tree.reveal(&path);
                self.tree.keep_revealed();
                self.load_tree_levels(load, Some(hit))
            }
            ObjectKind::User | ObjectKind::Group => {
                let list = if hit.kind == ObjectKind::User {
                    ListKind::Users
                } else {
                    ListKind::Groups
                };
                self.tab = if hit.kind == ObjectKind::User {
                    Tab::Users
                } else {
                    Tab::Groups
                };
                // The server's matches for its name: the list may not hold it yet.
                let l = self.list_mut(list);
                l.end_search();
                let generation = l.begin_search(&hit.name);
                vec![self.page_command(list, None, generation)]
            }
            ObjectKind::RateCard => {
                self.tab = Tab::RateCards;
                self.ensure_loaded()
            }
        };
        cmds.extend(self.seek_goto_target());
        cmds
    }

    /// The tree's `/` found these: open the tree at the dealers and tenants among them, and
    /// select the first once it shows. The keys go to the filter while it is typed, so without
    /// that the selection would stay on the root above the matches and enter would keep the
    /// tree opened there instead of at a match (as a table's filter selects its first match).
    fn reveal_in_tree(&mut self, hits: &[SearchHit]) -> Vec<Command> {
        if self.tab != Tab::Dealers || self.tree.filter().is_empty() {
            return vec![];
        }
        let mut load = Vec::new();
        let in_tree: Vec<&SearchHit> = hits
            .iter()
            .filter(|h| matches!(h.kind, ObjectKind::Dealer | ObjectKind::Tenant))
            .collect();
        for h in &in_tree {
            let path: Vec<String> = h.path.iter().map(|p| p.id.to_string()).collect();
            load.extend(self.tree.reveal(&path));
        }
        self.goto_target = in_tree.first().map(|h| Target {
            kind: h.kind,
            id: h.id.clone(),
            for_filter: true,
        });
        let mut cmds = self.load_tree_levels(load, in_tree.first().copied());
        cmds.extend(self.seek_goto_target());
        cmds
    }

    /// Asks for the children of these dealers (one tree generation: all of them count). A
    /// tenant `target` is asked for by name under its dealer, which lists only its first
    /// tenants: reloaded with it when the tenant is not among those already loaded.
    fn load_tree_levels(
        &mut self,
        mut ids: Vec<String>,
        target: Option<&SearchHit>,
    ) -> Vec<Command> {
        let show = target
            .filter(|h| h.kind == ObjectKind::Tenant)
            .and_then(|h| Some((h.path.last()?.id.to_string(), h.id.clone())))
            .filter(|(dealer, tenant)| !self.tree.has_child(dealer, tenant));
        if let Some((dealer, _)) = &show {
            ids.retain(|id| id != dealer);
        }
        if ids.is_empty() && show.is_none() {
            return vec![];
        }
        self.tree_gen += 1;
        let generation = self.tree_gen;
        let mut cmds: Vec<Command> = ids
            .into_iter()
            .map(|id| Command::LoadTree {
                under: Some(id),
                show: None,
                generation,
            })
            .collect();
        if let Some((dealer, tenant)) = show {
            cmds.push(Command::LoadTree {
                under: Some(dealer),
                show: Some(tenant),
                generation,
            });
        }
        cmds
    }

    /// Selects the object `:goto` opened once it shows; until then, waits for the next answer.
    pub(crate) fn seek_goto_target(&mut self) -> Vec<Command> {
        let Some(t) = self.goto_target.clone() else {
            return vec![];
        };
        if t.for_filter && self.tree.filter().is_empty() {
            // The filter ended before its match showed: the tree is the user's again.
            self.goto_target = None;
            return vec![];
        }
        let found = match t.kind {
            ObjectKind::Dealer | ObjectKind::Tenant => self.tree.select_id(&t.id),
            ObjectKind::User => select(&mut self.users, |u| u.id == t.id),
            ObjectKind::Group => select(&mut self.groups, |g| g.id == t.id),
            ObjectKind::RateCard => select(&mut self.rate_cards.cards, |c| c.id == t.id),
        };
        if !found {
            return vec![];
        }
        self.goto_target = None;
        match t.kind {
            ObjectKind::Dealer | ObjectKind::Tenant => self.select_details(),
            ObjectKind::RateCard => self.rates_follow_selection(),
            _ => vec![],
        }
    }
}

/// Selects the row that `is` says, if the list shows it.
fn select<T: crate::console::lists::Row>(
    list: &mut crate::console::lists::ListState<T>,
    is: impl Fn(&T) -> bool,
) -> bool {
    match list
        .view
        .iter()
        .position(|i| list.items.get(*i).is_some_and(&is))
    {
        Some(pos) => {
            list.move_to(pos);
            true
        }
        None => false,
    }
}

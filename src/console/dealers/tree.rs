//! The dealer tree, loaded lazily one level at a time, flattened for display.

use std::collections::{HashMap, HashSet};

use crate::model::{NodeKind, TreeNode};

/// One line of the flattened tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRow {
    pub id: String,
    pub depth: usize,
    pub kind: NodeKind,
    pub name: String,
    pub level: Option<crate::model::Level>,
    pub enabled: bool,
    pub effective_enabled: bool,
    pub has_children: bool,
    pub expanded: bool,
    pub loading: bool,
}

/// The tree as loaded so far.
#[derive(Debug, Default)]
pub struct DealerTree {
    pub root: Option<String>,
    nodes: HashMap<String, TreeNode>,
    children: HashMap<String, Vec<String>>,
    expanded: HashSet<String>,
    loading: HashSet<String>,
    pub selected: usize,
    pub rows: Vec<TreeRow>,
    pub error: Option<String>,
    /// Fuzzy filter over loaded names: matching rows and their ancestors stay.
    filter: String,
    /// Tenants are left out (the move picker shows only dealers).
    dealers_only: bool,
    /// What was expanded and selected before a search opened the tree, to go back to.
    before_search: Option<(HashSet<String>, Option<String>)>,
}

impl DealerTree {
    /// A tree of dealers only, for choosing a dealer.
    pub fn dealers_only() -> DealerTree {
        DealerTree {
            dealers_only: true,
            ..DealerTree::default()
        }
    }

    /// Takes `GET /tree` for `under` (None: the caller's own root) with one level of children.
    pub fn accept(&mut self, under: Option<&str>, node: TreeNode) {
        let id = node.id.clone();
        if under.is_none() {
            self.root = Some(id.clone());
            self.expanded.insert(id.clone());
        }
        self.loading.remove(&id);
        let kids: Vec<String> = node.children.iter().map(|c| c.id.clone()).collect();
        for mut child in node.children.clone() {
            // Keep what is already known below a child that is reloaded with its parent.
            child.children.clear();
            self.nodes.insert(child.id.clone(), child);
        }
        let mut own = node;
        own.children.clear();
        self.nodes.insert(id.clone(), own);
        self.children.insert(id, kids);
        self.error = None;
        self.flatten();
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, filter: &str) {
        self.filter = filter.to_string();
        self.flatten();
    }

    /// Whether `id` or a loaded node below it matches the filter.
    fn matches(
        &self,
        id: &str,
        pattern: &nucleo_matcher::pattern::Pattern,
        matcher: &mut nucleo_matcher::Matcher,
    ) -> bool {
        let mut buf = Vec::new();
        let own = self.nodes.get(id).is_some_and(|n| {
            pattern
                .score(nucleo_matcher::Utf32Str::new(&n.name, &mut buf), matcher)
                .is_some()
        });
        own || self
            .children
            .get(id)
            .is_some_and(|kids| kids.iter().any(|k| self.matches(k, pattern, matcher)))
    }

    /// Forgets everything (a new sign-in or a refresh).
    pub fn clear(&mut self) {
        *self = DealerTree {
            dealers_only: self.dealers_only,
            ..DealerTree::default()
        };
    }

    pub fn selected_row(&self) -> Option<&TreeRow> {
        self.rows.get(self.selected)
    }

    /// Expands the selected node; returns its id when its children must be loaded first.
    pub fn expand_selected(&mut self) -> Option<String> {
        let row = self.selected_row()?.clone();
        if !row.has_children || row.expanded {
            return None;
        }
        self.expanded.insert(row.id.clone());
        let need = !self.children.contains_key(&row.id);
        if need {
            self.loading.insert(row.id.clone());
        }
        self.flatten();
        need.then_some(row.id)
    }

    /// Collapses the selected node, or moves to its parent when it is a leaf or collapsed.
    pub fn collapse_selected(&mut self) {
        let Some(row) = self.selected_row().cloned() else {
            return;
        };
        if row.expanded {
            self.expanded.remove(&row.id);
            self.flatten();
        } else if let Some(parent) = (0..self.selected)
            .rev()
            .find(|i| self.rows[*i].depth + 1 == row.depth)
        {
            self.selected = parent;
        }
    }

    /// Toggles the selected node; returns an id to load like `expand_selected`.
    pub fn toggle_selected(&mut self) -> Option<String> {
        match self.selected_row() {
            Some(r) if r.expanded => {
                self.collapse_selected();
                None
            }
            _ => self.expand_selected(),
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    pub fn move_to(&mut self, index: usize) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
    }

    /// Opens the tree down to `path` (ids from the root down), remembering first how it was (for
    /// `restore`); returns the ids whose children must be loaded.
    pub fn reveal(&mut self, path: &[String]) -> Vec<String> {
        if self.before_search.is_none() {
            let selected = self.selected_row().map(|r| r.id.clone());
            self.before_search = Some((self.expanded.clone(), selected));
        }
        let mut load = Vec::new();
        for id in path {
            self.expanded.insert(id.clone());
            if !self.children.contains_key(id) && self.loading.insert(id.clone()) {
                load.push(id.clone());
            }
        }
        self.flatten();
        load
    }

    /// Back to how the tree was before `reveal` opened it.
    pub fn restore(&mut self) {
        if let Some((expanded, selected)) = self.before_search.take() {
            self.expanded = expanded;
            self.flatten();
            if let Some(id) = selected {
                self.select_id(&id);
            }
        }
    }

    /// Keeps the tree opened as it is now (`restore` no longer goes back).
    pub fn keep_revealed(&mut self) {
        self.before_search = None;
    }

    /// Forgets a node that is gone (deleted here, or found missing by a reload) with what was
    /// loaded below it, and selects its neighbour in the same list: the next sibling, else the
    /// one before, else its parent. The selection never jumps into another dealer's rows.
    pub fn forget(&mut self, id: &str) {
        let Some(parent) = self
            .children
            .iter()
            .find(|(_, kids)| kids.iter().any(|k| k == id))
            .map(|(p, _)| p.clone())
        else {
            return;
        };
        let kids = self.children.get_mut(&parent).expect("found above");
        let at = kids.iter().position(|k| k == id).expect("found above");
        kids.remove(at);
        let neighbour = kids
            .get(at)
            .or_else(|| at.checked_sub(1).and_then(|i| kids.get(i)))
            .cloned()
            .unwrap_or_else(|| parent.clone());
        let kind = self.nodes.get(id).map(|n| n.kind);
        if let Some(p) = self.nodes.get_mut(&parent) {
            match kind {
                Some(NodeKind::Dealer) => p.children_count = (p.children_count - 1).max(0),
                Some(NodeKind::Tenant) => p.tenants_count = (p.tenants_count - 1).max(0),
                None => {}
            }
        }
        let selected = self.selected_row().map(|r| r.id.clone());
        let mut gone = vec![id.to_string()];
        while let Some(g) = gone.pop() {
            self.nodes.remove(&g);
            self.expanded.remove(&g);
            self.loading.remove(&g);
            gone.extend(self.children.remove(&g).unwrap_or_default());
        }
        self.flatten();
        // The selection stays where it was unless it went with the node.
        if !selected.is_some_and(|s| self.select_id(&s)) {
            self.select_id(&neighbour);
        }
    }

    /// Whether `id` is among the loaded children of `parent`.
    pub fn has_child(&self, parent: &str, id: &str) -> bool {
        self.children
            .get(parent)
            .is_some_and(|kids| kids.iter().any(|k| k == id))
    }

    /// Selects the row of `id` if it is shown; false when it is not (yet).
    pub fn select_id(&mut self, id: &str) -> bool {
        match self.rows.iter().position(|r| r.id == id) {
            Some(i) => {
                self.selected = i;
                true
            }
            None => false,
        }
    }

    /// The ids of expanded nodes, to reload them on refresh.
    pub fn expanded_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .expanded
            .iter()
            .filter(|id| Some(*id) != self.root.as_ref())
            .cloned()
            .collect();
        ids.sort();
        ids
    }

    fn flatten(&mut self) {
        let selected_id = self.selected_row().map(|r| r.id.clone());
        let mut rows = Vec::new();
        if let Some(root) = self.root.clone() {
            self.push(&root, 0, &mut rows);
        }
        if !self.filter.is_empty() {
            use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
            let pattern = Pattern::parse(&self.filter, CaseMatching::Ignore, Normalization::Smart);
            let mut matcher = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
            rows.retain(|r| self.matches(&r.id, &pattern, &mut matcher));
        }
        self.rows = rows;
        self.selected = selected_id
            .and_then(|id| self.rows.iter().position(|r| r.id == id))
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
    }

    fn push(&self, id: &str, depth: usize, rows: &mut Vec<TreeRow>) {
        let Some(n) = self.nodes.get(id) else { return };
        let tenant = n.kind == crate::model::NodeKind::Tenant;
        if tenant && self.dealers_only {
            return;
        }
        let below = if self.dealers_only {
            n.children_count
        } else {
            n.children_count + n.tenants_count
        };
        let expanded = self.expanded.contains(id);
        rows.push(TreeRow {
            id: id.to_string(),
            depth,
            kind: n.kind,
            name: n.name.clone(),
            level: n.level,
            enabled: n.enabled,
            effective_enabled: n.effective_enabled,
            has_children: !tenant && below > 0,
            expanded,
            loading: self.loading.contains(id),
        });
        if expanded && let Some(kids) = self.children.get(id) {
            for k in kids {
                self.push(k, depth + 1, rows);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_forgotten_node_leaves_the_selection_on_its_neighbour_in_the_same_list() {
        let mut t = DealerTree::default();
        let dealer = |id| node(id, NodeKind::Dealer, vec![], 1);
        t.accept(
            None,
            node(
                "root",
                NodeKind::Dealer,
                vec![dealer("a"), dealer("b"), dealer("c")],
                3,
            ),
        );
        t.accept(
            Some("b"),
            node(
                "b",
                NodeKind::Dealer,
                vec![node("b-t", NodeKind::Tenant, vec![], 0)],
                1,
            ),
        );
        t.select_id("b");
        t.expand_selected();
        t.forget("b");
        assert_eq!(
            t.selected_row().unwrap().id,
            "c",
            "the next sibling, not b's tenant"
        );
        assert!(
            t.rows.iter().all(|r| r.id != "b-t"),
            "what was below it goes too"
        );
        assert_eq!(
            t.expanded_ids(),
            Vec::<String>::new(),
            "nothing gone is reloaded"
        );
        t.forget("c");
        assert_eq!(
            t.selected_row().unwrap().id,
            "a",
            "the one before, at the end"
        );
        t.select_id("root");
        t.forget("a");
        assert_eq!(
            t.selected_row().unwrap().id,
            "root",
            "another's removal leaves it be"
        );
    }

    use super::*;
    use crate::model::Level;

    fn node(id: &str, kind: NodeKind, children: Vec<TreeNode>, counts: i64) -> TreeNode {
        TreeNode {
            id: id.into(),
            kind,
            name: id.into(),
            level: (kind == NodeKind::Dealer).then_some(Level::Reseller),
            enabled: true,
            effective_enabled: true,
            children_count: counts,
            tenants_count: 0,
            children,
        }
    }

    #[test]
    fn expanding_loads_lazily_and_collapsing_walks_up() {
        let mut t = DealerTree::default();
        t.accept(
            None,
            node(
                "root",
                NodeKind::Dealer,
                vec![
                    node("a", NodeKind::Dealer, vec![], 1),
                    node("t", NodeKind::Tenant, vec![], 0),
                ],
                2,
            ),
        );
        assert_eq!(
            t.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["root", "a", "t"]
        );
        t.move_by(1);
        assert_eq!(
            t.expand_selected(),
            Some("a".into()),
            "children not loaded yet"
        );
        t.accept(
            Some("a"),
            node(
                "a",
                NodeKind::Dealer,
                vec![node("b", NodeKind::Dealer, vec![], 0)],
                1,
            ),
        );
        assert_eq!(
            t.rows
                .iter()
                .map(|r| (r.id.as_str(), r.depth))
                .collect::<Vec<_>>(),
            [("root", 0), ("a", 1), ("b", 2), ("t", 1)]
        );
        t.move_by(1);
        t.collapse_selected();
        assert_eq!(
            t.selected_row().unwrap().id,
            "a",
            "a leaf moves to its parent"
        );
        t.collapse_selected();
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.expand_selected(), None, "already loaded");
    }

    #[test]
    fn a_dealers_only_tree_leaves_tenants_out() {
        let mut t = DealerTree::dealers_only();
        let mut root = node(
            "root",
            NodeKind::Dealer,
            vec![
                node("a", NodeKind::Dealer, vec![], 0),
                node("t", NodeKind::Tenant, vec![], 0),
            ],
            1,
        );
        root.tenants_count = 1;
        t.accept(None, root);
        assert_eq!(
            t.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["root", "a"]
        );
        t.move_by(1);
        assert_eq!(
            t.expand_selected(),
            None,
            "a dealer with only tenants has nothing to open"
        );
    }
}

//! A paged, sortable, fuzzy-filtered list of rows loaded from the server.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cmp::Ordering;

/// How a cell sorts.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum SortKey {
    Num(i64),
    Text(String),
}

/// A row of a table view.
pub trait Row {
    /// The cells, in column order.
    fn cells(&self) -> Vec<String>;
    /// How column `col` sorts.
    fn sort_key(&self, col: usize) -> SortKey;
    /// The text the fuzzy filter matches against.
    fn haystack(&self) -> String;
}

/// The state of one list view.
#[derive(Debug)]
pub struct ListState<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub next_cursor: Option<String>,
    pub loading: bool,
    pub loaded: bool,
    pub error: Option<String>,
    /// Shown instead of rows (for example: not available on this server).
    pub unavailable: Option<String>,
    /// Index into `view` of the selected row.
    pub selected: usize,
    pub sort_col: usize,
    pub sort_desc: bool,
    pub filter: String,
    /// Indices into `items`, filtered and ordered as shown.
    pub view: Vec<usize>,
    /// Generation of the latest request; older answers are dropped.
    pub generation: u64,
    /// The text the server searched for, while its matches are shown instead of the list.
    pub server_q: Option<String>,
    /// The list as it was before a server search, put back when the filter is cleared.
    pub saved: Option<Box<Saved<T>>>,
    /// The row (index into `items`) selected when the filter started.
    pub unfiltered_selection: Option<usize>,
}

/// What a server search replaces, to restore it.
#[derive(Debug)]
pub struct Saved<T> {
    items: Vec<T>,
    total: i64,
    next_cursor: Option<String>,
    selected: usize,
}

impl<T> Default for ListState<T> {
    fn default() -> Self {
        ListState {
            items: Vec::new(),
            total: 0,
            next_cursor: None,
            loading: false,
            loaded: false,
            error: None,
            unavailable: None,
            selected: 0,
            sort_col: 0,
            sort_desc: false,
            filter: String::new(),
            view: Vec::new(),
            generation: 0,
            server_q: None,
            saved: None,
            unfiltered_selection: None,
        }
    }
}

impl<T: Row> ListState<T> {
    /// Starts a fresh load: a new generation, old rows kept on screen until the answer.
    pub fn begin_reload(&mut self) -> u64 {
        self.generation += 1;
        self.loading = true;
        self.generation
    }

    /// Starts loading the next page, if there is one and nothing is loading.
    pub fn begin_more(&mut self) -> Option<(String, u64)> {
        if self.loading {
            return None;
        }
        let cursor = self.next_cursor.clone()?;
        self.generation += 1;
        self.loading = true;
        Some((cursor, self.generation))
    }

    /// Takes a page answer: replaces or appends, keeps the selection on the same row when it can.
    pub fn accept(&mut self, items: Vec<T>, total: i64, next_cursor: Option<String>, append: bool) {
        if append {
            self.items.extend(items);
        } else {
            self.items = items;
        }
        self.total = total;
        self.next_cursor = next_cursor;
        self.loading = false;
        self.loaded = true;
        self.error = None;
        self.refresh_view();
    }

    pub fn fail(&mut self, message: String) {
        self.loading = false;
        self.error = Some(message);
    }

    /// Recomputes `view` from the filter and sort order.
    pub fn refresh_view(&mut self) {
        let selected_item = self.view.get(self.selected).copied();
        if self.filter.is_empty() {
            let mut idx: Vec<usize> = (0..self.items.len()).collect();
            let col = self.sort_col;
            let keys: Vec<SortKey> = self.items.iter().map(|i| i.sort_key(col)).collect();
            idx.sort_by(|a, b| keys[*a].partial_cmp(&keys[*b]).unwrap_or(Ordering::Equal));
            if self.sort_desc {
                idx.reverse();
            }
            self.view = idx;
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let pattern = Pattern::parse(&self.filter, CaseMatching::Ignore, Normalization::Smart);
            let mut buf = Vec::new();
            let mut scored: Vec<(u32, usize)> = self
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let hay = item.haystack();
                    pattern
                        .score(Utf32Str::new(&hay, &mut buf), &mut matcher)
                        .map(|s| (s, i))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.view = scored.into_iter().map(|(_, i)| i).collect();
        }
        self.selected = selected_item
            .and_then(|s| self.view.iter().position(|v| *v == s))
            .unwrap_or(0)
            .min(self.view.len().saturating_sub(1));
    }

    pub fn selected_item(&self) -> Option<&T> {
        self.view
            .get(self.selected)
            .and_then(|i| self.items.get(*i))
    }

    /// Moves the selection by `delta` rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
        if self.view.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.view.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    pub fn move_to(&mut self, index: usize) {
        self.selected = index.min(self.view.len().saturating_sub(1));
    }

    /// True when the selection is close enough to the end to load the next page (of the list,
    /// or of the server's matches for the filter).
    pub fn wants_more(&self) -> bool {
        let paging_this = self.filter.is_empty() || self.server_q.as_deref() == Some(&self.filter);
        self.next_cursor.is_some()
            && !self.loading
            && paging_this
            && self.selected + 50 >= self.view.len()
    }

    /// True when the server has rows this list has not loaded: a filter must ask the server.
    pub fn is_partial(&self) -> bool {
        self.server_q.is_some() || self.next_cursor.is_some()
    }

    /// Starts a server search for `q`: the list as it is now is kept to come back to, and the
    /// matches replace it when they come (a newer generation: answers for the old list drop).
    pub fn begin_search(&mut self, q: &str) -> u64 {
        if self.saved.is_none() {
            self.saved = Some(Box::new(Saved {
                items: std::mem::take(&mut self.items),
                total: self.total,
                next_cursor: self.next_cursor.take(),
                selected: self.unfiltered_selection.unwrap_or(0),
            }));
            self.refresh_view();
        }
        self.server_q = Some(q.to_string());
        self.begin_reload()
    }

    /// Ends a server search: the list and its selection come back as they were.
    pub fn end_search(&mut self) {
        let Some(saved) = self.saved.take() else {
            return;
        };
        self.items = saved.items;
        self.total = saved.total;
        self.next_cursor = saved.next_cursor;
        self.server_q = None;
        self.loading = false;
        // Whatever was on its way answered the search.
        self.generation += 1;
        self.filter.clear();
        self.view = Vec::new();
        self.refresh_view();
        if let Some(pos) = self.view.iter().position(|i| *i == saved.selected) {
            self.selected = pos;
        }
    }

    /// Sorts by the next column (wrapping), or flips the direction.
    pub fn sort_next(&mut self, columns: usize) {
        self.sort_col = (self.sort_col + 1) % columns.max(1);
        self.refresh_view();
    }

    pub fn sort_flip(&mut self) {
        self.sort_desc = !self.sort_desc;
        self.refresh_view();
    }

    /// Sorts by column `col` in the given direction.
    pub fn sort_by(&mut self, col: usize, desc: bool) {
        self.sort_col = col;
        self.sort_desc = desc;
        self.refresh_view();
    }

    pub fn set_filter(&mut self, filter: &str) {
        if self.filter.is_empty() && !filter.is_empty() {
            self.unfiltered_selection = self.view.get(self.selected).copied();
        }
        self.filter = filter.to_string();
        self.refresh_view();
    }
}

/// What `update` does with any list, whatever its row type.
pub trait AnyList {
    fn sort_next(&mut self, columns: usize);
    fn sort_flip(&mut self);
    fn sort_by(&mut self, col: usize, desc: bool);
    /// The rows held, and how many the server has.
    fn extent(&self) -> (usize, i64);
    fn move_rows(&mut self, delta: isize);
    fn wants_more(&self) -> bool;
    fn begin_more(&mut self) -> Option<(String, u64)>;
    fn begin_reload(&mut self) -> u64;
    fn loaded_or_loading(&self) -> bool;
    fn is_partial(&self) -> bool;
    fn begin_search(&mut self, q: &str) -> u64;
    fn end_search(&mut self);
    fn server_q(&self) -> Option<String>;
    fn filter(&self) -> String;
}

impl<T: Row> AnyList for ListState<T> {
    fn sort_next(&mut self, columns: usize) {
        ListState::sort_next(self, columns)
    }
    fn sort_flip(&mut self) {
        ListState::sort_flip(self)
    }
    fn sort_by(&mut self, col: usize, desc: bool) {
        ListState::sort_by(self, col, desc)
    }
    fn extent(&self) -> (usize, i64) {
        (self.items.len(), self.total)
    }
    fn move_rows(&mut self, delta: isize) {
        self.move_by(delta)
    }
    fn wants_more(&self) -> bool {
        ListState::wants_more(self)
    }
    fn begin_more(&mut self) -> Option<(String, u64)> {
        ListState::begin_more(self)
    }
    fn begin_reload(&mut self) -> u64 {
        ListState::begin_reload(self)
    }
    fn loaded_or_loading(&self) -> bool {
        self.loaded || self.loading
    }
    fn is_partial(&self) -> bool {
        ListState::is_partial(self)
    }
    fn begin_search(&mut self, q: &str) -> u64 {
        ListState::begin_search(self, q)
    }
    fn end_search(&mut self) {
        ListState::end_search(self)
    }
    fn server_q(&self) -> Option<String> {
        self.server_q.clone()
    }
    fn filter(&self) -> String {
        self.filter.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Name(&'static str, i64);

    impl Row for Name {
        fn cells(&self) -> Vec<String> {
            vec![self.0.into(), self.1.to_string()]
        }
        fn sort_key(&self, col: usize) -> SortKey {
            if col == 0 {
                SortKey::Text(self.0.into())
            } else {
                SortKey::Num(self.1)
            }
        }
        fn haystack(&self) -> String {
            self.0.into()
        }
    }

    fn list() -> ListState<Name> {
        let mut l = ListState::default();
        l.accept(
            vec![
                Name("riverside-law", 35),
                Name("bluebird-cafe", 5),
                Name("harbor-marina", 30),
            ],
            3,
            None,
            false,
        );
        l
    }

    #[test]
    fn sorts_by_column_and_direction_keeping_the_selected_row() {
        let mut l = list();
        assert_eq!(l.selected_item().unwrap().0, "bluebird-cafe");
        l.move_by(1);
        l.sort_next(2);
        assert_eq!(
            l.view.iter().map(|i| l.items[*i].1).collect::<Vec<_>>(),
            [5, 30, 35],
            "numbers sort as numbers"
        );
        assert_eq!(l.selected_item().unwrap().0, "harbor-marina");
        l.sort_flip();
        assert_eq!(l.items[l.view[0]].1, 35);
    }

    #[test]
    fn fuzzy_filter_narrows_and_clearing_restores() {
        let mut l = list();
        l.set_filter("rvlaw");
        assert_eq!(l.view.len(), 1);
        assert_eq!(l.selected_item().unwrap().0, "riverside-law");
        l.set_filter("");
        assert_eq!(l.view.len(), 3);
    }

    #[test]
    fn paging_asks_once_and_stale_generations_are_new_numbers() {
        let mut l = list();
        l.next_cursor = Some("c".into());
        let (c, g) = l.begin_more().unwrap();
        assert_eq!(c, "c");
        assert!(l.begin_more().is_none(), "one page request at a time");
        let g2 = l.begin_reload();
        assert!(g2 > g);
    }

    #[test]
    fn a_server_search_replaces_the_rows_and_esc_brings_back_the_list_and_selection() {
        let mut l = list();
        l.next_cursor = Some("page2".into());
        l.move_by(2);
        let before = l.selected_item().unwrap().0;
        assert!(
            l.is_partial(),
            "more pages on the server: a filter must ask it"
        );
        l.set_filter("zz");
        let g = l.begin_search("zz");
        assert!(
            l.items.is_empty() && l.loading,
            "the old rows are put aside"
        );
        assert_eq!(g, l.generation);
        l.accept(vec![Name("zzz far down", 9)], 1, Some("m2".into()), false);
        assert_eq!(l.selected_item().unwrap().0, "zzz far down");
        assert!(l.wants_more(), "the matches page on within the filter");
        l.end_search();
        assert_eq!(l.server_q, None);
        assert!(l.filter.is_empty());
        assert_eq!(l.next_cursor.as_deref(), Some("page2"));
        assert_eq!(
            l.selected_item().unwrap().0,
            before,
            "the selection comes back"
        );
        assert!(l.generation > g, "a late answer to the search is dropped");
    }
}

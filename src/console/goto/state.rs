//! The `:goto` pick list: the server's matches for what was typed.

use crate::model::{ObjectKind, SearchHit};

/// The pick list on screen.
#[derive(Debug, Clone, Default)]
pub struct GotoPick {
    pub q: String,
    pub items: Vec<SearchHit>,
    pub more: bool,
    pub selected: usize,
    pub loading: bool,
}

/// What a search was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchFor {
    /// The `:goto` pick list.
    Goto,
    /// The Dealers tree's `/`: open the tree at the matches.
    Tree,
    /// `:describe KIND NAME`: the one object of that kind with that name.
    Describe,
}

/// An object `:goto` is opening (or the tree's `/` found first), selected as soon as it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub kind: ObjectKind,
    pub id: String,
    /// Found by the tree's `/`: wanted only while that filter is on (esc or enter ends it).
    pub for_filter: bool,
}

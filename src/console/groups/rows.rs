//! How the Groups table shows a group.

use crate::console::lists::{Row, SortKey};
use crate::console::widgets::cells::text;
use crate::model::*;

/// Column headers and minimum widths (in characters; a cut cell ends with an ellipsis).
pub const HEADERS: &[(&str, u16)] = &[
    ("name", 12),
    ("owner", 10),
    ("members", 7),
    ("permissions", 11),
    ("description", 12),
];

impl Row for Group {
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            if self.dealer_name.is_empty() {
                "(above you)".into()
            } else {
                self.dealer_name.clone()
            },
            self.members_count.to_string(),
            self.permissions.len().to_string(),
            self.description.clone(),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        match col {
            2 => SortKey::Num(self.members_count),
            3 => SortKey::Num(self.permissions.len() as i64),
            c => text(self.cells().get(c).map(String::as_str).unwrap_or("")),
        }
    }
    fn haystack(&self) -> String {
        format!("{} {}", self.name, self.description)
    }
}

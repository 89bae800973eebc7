//! How the Users table shows a login.

use crate::console::lists::{Row, SortKey};
use crate::console::theme::Theme;
use crate::console::widgets::cells::{short_time, text};
use crate::model::*;
use ratatui::style::Style;

/// Column headers and minimum widths (in characters; a cut cell ends with an ellipsis).
pub const HEADERS: &[(&str, u16)] = &[
    ("email", 20),
    ("name", 8),
    ("dealer", 8),
    ("status", 9),
    ("groups", 6),
    ("last sign-in", 19),
];

impl Row for User {
    fn cells(&self) -> Vec<String> {
        vec![
            self.email.clone(),
            self.display_name.clone(),
            self.dealer_name.clone(),
            self.status.as_str().into(),
            if self.group_ids.is_empty() {
                "NONE".into()
            } else {
                format!("{}", self.group_ids.len())
            },
            self.last_sign_in_at
                .as_ref()
                .map(short_time)
                .unwrap_or_default(),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        match col {
            4 => SortKey::Num(self.group_ids.len() as i64),
            c => text(self.cells().get(c).map(String::as_str).unwrap_or("")),
        }
    }
    fn haystack(&self) -> String {
        format!("{} {} {}", self.email, self.display_name, self.dealer_name)
    }
}

/// A login that can do nothing (no group) or is disabled stands out.
pub fn mark(u: &User, theme: &Theme) -> Option<Style> {
    (u.group_ids.is_empty() || u.status == UserStatus::Disabled).then(|| theme.error())
}

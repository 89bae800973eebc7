//! How the Tenants table shows a tenant.

use crate::console::lists::{Row, SortKey};
use crate::console::widgets::cells::{status, text};
use crate::model::*;

/// Column headers and minimum widths (in characters; a cut cell ends with an ellipsis).
pub const HEADERS: &[(&str, u16)] = &[
    ("name", 11),
    ("domain", 16),
    ("dealer", 8),
    ("ext", 4),
    ("calls", 5),
    ("rec min", 7),
    ("HA", 3),
    ("status", 9),
    ("rate card", 8),
];

impl Row for Tenant {
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.domain.clone(),
            self.dealer_name.clone(),
            self.extensions.to_string(),
            self.concurrent_calls.to_string(),
            self.recording_minutes.to_string(),
            if self.high_availability { "yes" } else { "" }.into(),
            status(self.enabled, self.effective_enabled).into(),
            self.rate_card_name.clone().unwrap_or_default(),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        match col {
            3 => SortKey::Num(self.extensions),
            4 => SortKey::Num(self.concurrent_calls),
            5 => SortKey::Num(self.recording_minutes),
            c => text(self.cells().get(c).map(String::as_str).unwrap_or("")),
        }
    }
    fn haystack(&self) -> String {
        format!("{} {} {}", self.name, self.domain, self.dealer_name)
    }
}

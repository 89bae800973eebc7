//! How the Rate cards tab shows its cards and the rates of the selected one.

use crate::console::lists::{Row, SortKey};
use crate::console::widgets::cells::text;
use crate::model::*;

/// Column headers and minimum widths of the cards (in characters).
pub const HEADERS: &[(&str, u16)] = &[
    ("name", 12),
    ("kind", 8),
    ("owner", 10),
    ("parent", 10),
    ("markup", 7),
    ("rates", 5),
    ("tenants", 7),
];

/// Column headers and minimum widths of the rates of a card.
pub const RATE_HEADERS: &[(&str, u16)] = &[
    ("prefix", 6),
    ("destination", 12),
    ("rate", 8),
    ("fee", 8),
    ("incr", 5),
    ("cost", 8),
    ("margin", 7),
];

/// Carrier cards first, then the ones handed from above, then the caller's own.
fn kind_order(kind: RateCardKind) -> usize {
    RateCardKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(RateCardKind::ALL.len())
}

impl Row for RateCard {
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.kind.as_str().into(),
            self.dealer_name
                .clone()
                .unwrap_or_else(|| "(from above)".into()),
            self.parent_card_name.clone().unwrap_or_default(),
            super::forms::markup_label(self.markup.as_ref()),
            self.rate_count.to_string(),
            self.tenant_count.to_string(),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        match col {
            // Grouped by kind, by name within a kind.
            0 | 1 => SortKey::Text(format!(
                "{}{}",
                kind_order(self.kind),
                self.name.to_lowercase()
            )),
            5 => SortKey::Num(self.rate_count),
            6 => SortKey::Num(self.tenant_count),
            c => text(self.cells().get(c).map(String::as_str).unwrap_or("")),
        }
    }
    fn haystack(&self) -> String {
        format!(
            "{} {} {}",
            self.name,
            self.kind.as_str(),
            self.dealer_name.clone().unwrap_or_default()
        )
    }
}

impl Row for RateRow {
    fn cells(&self) -> Vec<String> {
        vec![
            self.prefix.clone(),
            self.destination.clone(),
            self.rate.clone(),
            self.connection_fee.clone(),
            format!("{}/{}", self.increment_first, self.increment_next),
            self.cost.clone().unwrap_or_default(),
            self.margin.clone().unwrap_or_default(),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        // The server pages by prefix; the rows stay in its order.
        let _ = col;
        SortKey::Text(self.prefix.clone())
    }
    fn haystack(&self) -> String {
        format!("{} {}", self.prefix, self.destination)
    }
}

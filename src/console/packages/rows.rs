//! The Packages table: each dealer in scope with its package and how full it is.

use crate::console::lists::{Row, SortKey};
use crate::console::theme::Theme;
use crate::console::widgets::cells::{ratio, text};
use crate::model::*;
use ratatui::style::Style;

/// Column headers and minimum widths (in characters; a cut cell ends with an ellipsis).
pub const HEADERS: &[(&str, u16)] = &[
    ("dealer", 8),
    ("level", 3),
    ("tenants", 16),
    ("extensions", 16),
    ("calls", 16),
    ("recording", 16),
    ("fullest", 7),
];

/// A dealer with its capacity, as the Packages tab shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PackageRow {
    pub dealer: Dealer,
    pub capacity: Option<Capacity>,
}

impl From<(Dealer, Option<Capacity>)> for PackageRow {
    fn from((dealer, capacity): (Dealer, Option<Capacity>)) -> Self {
        PackageRow { dealer, capacity }
    }
}

impl PackageRow {
    /// The fullest dimension: (allocated + used) / package; None when unlimited or unknown.
    pub fn fullness(&self) -> Option<f64> {
        let c = self.capacity.as_ref()?;
        [
            c.max_tenants,
            c.extensions,
            c.concurrent_calls,
            c.recording_minutes,
        ]
        .iter()
        .filter_map(ratio)
        .reduce(f64::max)
    }
}

fn pct(d: Option<&DimensionUsage>) -> String {
    match d {
        None => "-".into(),
        Some(d) => match ratio(d) {
            None => format!("{}/∞", d.allocated + d.used),
            Some(r) if r.is_infinite() => format!("{} / 0", d.allocated + d.used),
            Some(r) => format!(
                "{:>3.0}% {}/{}",
                r * 100.0,
                d.allocated + d.used,
                d.package.unwrap_or(0)
            ),
        },
    }
}

impl Row for PackageRow {
    fn cells(&self) -> Vec<String> {
        let c = self.capacity.as_ref();
        vec![
            self.dealer.name.clone(),
            self.dealer.level.label().into(),
            pct(c.map(|c| &c.max_tenants)),
            pct(c.map(|c| &c.extensions)),
            pct(c.map(|c| &c.concurrent_calls)),
            pct(c.map(|c| &c.recording_minutes)),
            self.fullness()
                .map(|f| {
                    if f.is_infinite() {
                        "over".into()
                    } else {
                        format!("{:.0}%", f * 100.0)
                    }
                })
                .unwrap_or_else(|| "-".into()),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        match col {
            1 => SortKey::Num(
                Level::ALL
                    .iter()
                    .position(|l| *l == self.dealer.level)
                    .unwrap_or(0) as i64,
            ),
            6 => SortKey::Num(
                self.fullness()
                    .map(|f| {
                        if f.is_infinite() {
                            i64::MAX
                        } else {
                            (f * 10_000.0) as i64
                        }
                    })
                    .unwrap_or(-1),
            ),
            2..=5 => {
                let c = self.capacity.as_ref();
                let d = c.map(|c| {
                    [
                        &c.max_tenants,
                        &c.extensions,
                        &c.concurrent_calls,
                        &c.recording_minutes,
                    ][col - 2]
                });
                SortKey::Num(
                    d.and_then(ratio)
                        .map(|r| {
                            if r.is_infinite() {
                                i64::MAX
                            } else {
                                (r * 10_000.0) as i64
                            }
                        })
                        .unwrap_or(-1),
                )
            }
            _ => text(&self.dealer.name),
        }
    }
    fn haystack(&self) -> String {
        format!("{} {}", self.dealer.name, self.dealer.level.label())
    }
}

/// Over its package in red; nearly full in the gauge's colour.
pub fn mark(p: &PackageRow, theme: &Theme) -> Option<Style> {
    match p.fullness() {
        Some(r) if r > 1.0 => Some(theme.error()),
        Some(r) if r >= 0.9 => Some(theme.gauge(r)),
        _ => None,
    }
}

//! How each table shows its rows: headers, cells, sort keys and the text the filter searches.

use super::app::Tab;
use super::lists::{Row, SortKey};
use crate::model::*;

/// A dealer with its capacity, as the Packages tab shows it.
#[derive(Debug, Clone)]
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

/// The share of a dimension in use; None when unlimited.
pub fn ratio(d: &DimensionUsage) -> Option<f64> {
    let p = d.package?;
    let taken = (d.allocated + d.used) as f64;
    Some(if p == 0 {
        if taken > 0.0 { f64::INFINITY } else { 0.0 }
    } else {
        taken / p as f64
    })
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

/// Column headers and widths (in characters, 0 = the rest) of each table.
pub fn headers(tab: Tab) -> &'static [(&'static str, u16)] {
    match tab {
        Tab::Tenants => &[
            ("name", 0),
            ("domain", 23),
            ("dealer", 16),
            ("ext", 4),
            ("calls", 5),
            ("rec min", 7),
            ("HA", 3),
            ("status", 9),
            ("rate card", 13),
        ],
        Tab::Packages => &[
            ("dealer", 0),
            ("level", 15),
            ("tenants", 16),
            ("extensions", 18),
            ("calls", 16),
            ("recording", 18),
            ("fullest", 7),
        ],
        Tab::Users => &[
            ("email", 0),
            ("name", 20),
            ("dealer", 20),
            ("status", 8),
            ("groups", 7),
            ("last sign-in", 19),
        ],
        Tab::Groups => &[
            ("name", 0),
            ("owner", 22),
            ("members", 7),
            ("permissions", 11),
            ("description", 40),
        ],
        Tab::Audit => &[("time", 19), ("actor", 46), ("action", 20), ("name", 0)],
        Tab::RateCards => &[
            ("name", 0),
            ("kind", 8),
            ("owner", 22),
            ("parent", 22),
            ("markup", 10),
            ("rates", 5),
            ("tenants", 7),
        ],
        Tab::Dealers => &[],
    }
}

/// Column headers and widths of the rates of a card.
pub const RATE_HEADERS: &[(&str, u16)] = &[
    ("prefix", 10),
    ("destination", 0),
    ("rate", 9),
    ("fee", 9),
    ("incr", 6),
    ("cost", 9),
    ("margin", 9),
];

/// How many columns a table sorts by.
pub fn columns(tab: Tab) -> usize {
    headers(tab).len()
}

fn status(enabled: bool, effective: bool) -> &'static str {
    match (enabled, effective) {
        (false, _) => "suspended",
        (true, false) => "inherited",
        _ => "active",
    }
}

fn text(s: &str) -> SortKey {
    SortKey::Text(s.to_lowercase())
}

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
                .as_deref()
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

impl Row for AuditEvent {
    fn cells(&self) -> Vec<String> {
        let actor = match (&self.actor_email, &self.impersonator_email) {
            (Some(a), Some(i)) => format!("{i} as {a}"),
            (Some(a), None) => a.clone(),
            (None, _) => "(system)".into(),
        };
        vec![
            short_time(&self.at),
            actor,
            self.action.clone(),
            self.object_name.clone().unwrap_or_default(),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        match col {
            // Ids are time-ordered: newest first is the natural order.
            0 => SortKey::Text(self.id.clone()),
            c => text(self.cells().get(c).map(String::as_str).unwrap_or("")),
        }
    }
    fn haystack(&self) -> String {
        // Actor, viewer, action, object and time: what the audit filter is asked for.
        format!(
            "{} {} {} {} {} {}",
            short_time(&self.at),
            self.actor_email.clone().unwrap_or_default(),
            self.impersonator_email.clone().unwrap_or_default(),
            self.action,
            self.object_type,
            self.object_name.clone().unwrap_or_default()
        )
    }
}

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
            super::rate_card_forms::markup_label(self.markup.as_ref()),
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

/// `2026-11-23T18:56:58.123Z` as `2026-11-23 18:56:58`.
pub fn short_time(t: &str) -> String {
    t.get(..19).unwrap_or(t).replace('T', " ")
}

//! Pieces of table cells that know no feature: status words, sort keys, times, shares.

use crate::console::lists::SortKey;
use crate::model::DimensionUsage;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

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

/// A status column: suspended here, suspended above (inherited), or active.
pub fn status(enabled: bool, effective: bool) -> &'static str {
    match (enabled, effective) {
        (false, _) => "suspended",
        (true, false) => "inherited",
        _ => "active",
    }
}

/// Text sorts without regard to case.
pub fn text(s: &str) -> SortKey {
    SortKey::Text(s.to_lowercase())
}

/// A time as the console shows it, in UTC: `2026-11-23 18:56:58`.
pub fn short_time(t: &OffsetDateTime) -> String {
    utc_text(
        t,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    )
}

/// A time in UTC, written as `format` says.
pub fn utc_text(t: &OffsetDateTime, format: &[BorrowedFormatItem<'_>]) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

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

/// `text` in at most `width` characters: whole when it fits, else cut and ended with `ellipsis`
/// (`…`, or `...` on an ASCII terminal), so a reader sees that something is missing.
pub fn cut(text: &str, width: usize, ellipsis: &str) -> String {
    let len = text.chars().count();
    if len <= width {
        return text.to_string();
    }
    let mark = ellipsis.chars().count();
    if width <= mark {
        return ellipsis.chars().take(width).collect();
    }
    let mut out: String = text.chars().take(width - mark).collect();
    out.push_str(ellipsis);
    out
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn a_cell_that_does_not_fit_ends_with_an_ellipsis() {
        assert_eq!(cut("Northwind Distribution", 10, "…"), "Northwind…");
        assert_eq!(cut("Northwind Distribution", 10, "..."), "Northwi...");
        assert_eq!(cut("Acme", 4, "…"), "Acme");
        assert_eq!(cut("Acme", 1, "..."), ".");
        assert_eq!(cut("Acme", 0, "…"), "");
    }
}

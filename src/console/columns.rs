//! The columns of each list tab, from the feature that owns the tab.

use super::tab::Tab;
use super::{audit, groups, packages, rate_cards, tenants, users};

/// Column headers and minimum widths (in characters) of a tab's table: a column narrower than
/// its cells gets at least its minimum, and the table shares the rest (`widgets::table`).
pub fn headers(tab: Tab) -> &'static [(&'static str, u16)] {
    match tab {
        Tab::Tenants => tenants::rows::HEADERS,
        Tab::Packages => packages::rows::HEADERS,
        Tab::Users => users::rows::HEADERS,
        Tab::Groups => groups::rows::HEADERS,
        Tab::Audit => audit::rows::HEADERS,
        Tab::RateCards => rate_cards::rows::HEADERS,
        Tab::Dealers => &[],
    }
}

/// How many columns a tab's table sorts by.
pub fn columns(tab: Tab) -> usize {
    headers(tab).len()
}

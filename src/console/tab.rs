//! The tabs and the lists behind them.

/// The tabs, in key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Dealers,
    Tenants,
    Packages,
    Users,
    Groups,
    RateCards,
    Audit,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Dealers,
        Tab::Tenants,
        Tab::Packages,
        Tab::Users,
        Tab::Groups,
        Tab::RateCards,
        Tab::Audit,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Dealers => "Dealers",
            Tab::Tenants => "Tenants",
            Tab::Packages => "Packages",
            Tab::Users => "Users",
            Tab::Groups => "Groups",
            Tab::RateCards => "Rate cards",
            Tab::Audit => "Audit",
        }
    }

    /// The name used by the command line.
    pub fn command(self) -> &'static str {
        match self {
            Tab::RateCards => "rate-cards",
            other => match other {
                Tab::Dealers => "dealers",
                Tab::Tenants => "tenants",
                Tab::Packages => "packages",
                Tab::Users => "users",
                Tab::Groups => "groups",
                _ => "audit",
            },
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn list(self) -> Option<ListKind> {
        match self {
            Tab::Tenants => Some(ListKind::Tenants),
            Tab::Packages => Some(ListKind::Packages),
            Tab::Users => Some(ListKind::Users),
            Tab::Groups => Some(ListKind::Groups),
            Tab::Audit => Some(ListKind::Audit),
            Tab::RateCards => Some(ListKind::RateCards),
            Tab::Dealers => None,
        }
    }
}

/// The lists the console pages through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    Tenants,
    Packages,
    Users,
    Groups,
    Audit,
    RateCards,
}

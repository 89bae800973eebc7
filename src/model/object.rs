use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kinds of object a login can find, describe and open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Dealer,
    Tenant,
    User,
    Group,
    RateCard,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 5] = [
        ObjectKind::Dealer,
        ObjectKind::Tenant,
        ObjectKind::User,
        ObjectKind::Group,
        ObjectKind::RateCard,
    ];

    /// The word for it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Dealer => "dealer",
            ObjectKind::Tenant => "tenant",
            ObjectKind::User => "login",
            ObjectKind::Group => "group",
            ObjectKind::RateCard => "rate card",
        }
    }

    /// The `object_type` its audit events carry.
    pub fn audit_type(self) -> &'static str {
        match self {
            ObjectKind::Dealer => "dealer",
            ObjectKind::Tenant => "tenant",
            ObjectKind::User => "user",
            ObjectKind::Group => "group",
            ObjectKind::RateCard => "rate_card",
        }
    }
}

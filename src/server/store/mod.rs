//! Storage, SQL only: reads behind traits, one per resource, and writes as primitives on a
//! [`WriteTx`] that the operations (`server::ops`) open, check and commit. `SqlStore` implements
//! them over SQLite (and, through the same SQL, PostgreSQL). Every query on dealer-owned rows takes
//! a [`Scope`] and filters in SQL.

mod api_keys;
mod audit;
mod bootstrap;
mod channel;
mod common;
mod copy;
mod db;
mod dealer_order;
mod dealer_writes;
mod dealers;
mod generate;
mod group_commit;
mod groups;
mod impact;
mod link_tokens;
mod rate_cards;
mod rows;
mod search;
mod sessions;
mod sql;
mod tenants;
mod text_match;
mod throttle;
mod traits;
mod tree;
mod usage;
mod usage_tx;
mod users;
mod write_tx;

use crate::domain::capacity::{BelowCommitted, Shortfall};
use crate::domain::validate::FieldError;
use crate::model::*;

pub use audit::Event;
pub use channel::{PlanRow, SubtreeIds};
pub use common::{DealerHead, check_version};
pub use copy::CopyReport;
pub use db::{Backend, SqlStore, redact_url};
pub use dealer_writes::{Belongings, ContactChange, DealerRow};
pub use generate::Shape;
pub use group_commit::{Job, SharedCommits, is_busy, job};
pub use groups::GroupChange;
pub use rate_cards::{CardInsert, CardRow, CardUses, FamilyCard, PricedRate, markup_rule};
pub use rows::{new_id, now_micros, time_of};
pub use search::SearchRow;
pub use tenants::{Allocation, TenantChange, TenantRow};
pub use traits::*;
pub use usage::UsageDrift;
pub use write_tx::WriteTx;

/// The subtree a caller may see: its account's dealer and everything below it.
/// Only the server's auth layer makes one, from a verified session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    dealer_id: String,
}

impl Scope {
    pub(in crate::server) fn of_account(dealer_id: impl Into<String>) -> Scope {
        Scope {
            dealer_id: dealer_id.into(),
        }
    }

    /// The dealer at the top of the scope.
    pub fn dealer_id(&self) -> &str {
        &self.dealer_id
    }
}

/// Who makes a change, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub impersonator_id: Option<String>,
    pub impersonator_email: Option<String>,
    /// The API key the request was made with (its owner is `user_id`).
    pub api_key_id: Option<String>,
    pub api_key_name: Option<String>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    /// The plan whose apply makes the change: every event of one apply carries it.
    pub change_set: Option<String>,
}

/// A page request as the store sees it: a bounded limit, the decoded cursor and a search term.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub limit: i64,
    pub cursor: Option<String>,
    pub q: Option<String>,
}

/// Why the store refused a change, in the terms of the domain rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    LevelNotAllowed {
        parent: Level,
        child: Level,
    },
    Capacity {
        dealer_id: String,
        dealer_name: String,
        shortfall: Shortfall,
        /// The other dimensions short too, so that the refusal names every one at once.
        also: Vec<Shortfall>,
    },
    NoHighAvailability {
        dealer_id: String,
        dealer_name: String,
    },
    BelowCommitted(BelowCommitted),
    HasChildren {
        sub_dealers: i64,
        tenants: i64,
    },
    Taken {
        field: &'static str,
        value: String,
    },
    Invalid(FieldError),
    Forbidden(String),
    /// A markup that sells below cost on these prefixes (the first of `count`).
    BelowCost {
        count: usize,
        prefixes: Vec<String>,
    },
    /// A rate card still used: by derived cards, dealers or tenants.
    CardInUse(String),
    /// A change that would make cards priced through it sell below cost (or below zero).
    DownstreamBelowCost(Vec<DownstreamCard>),
    /// A move with blockers, and its plan.
    MoveBlocked(Box<MovePlan>),
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("version mismatch: the current version is {current}")]
    VersionMismatch { current: i64 },
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// A shared commit (`group_commit`) failed for every write it carried: the database's
    /// words, and whether a retry may succeed.
    #[error("database: {message}")]
    SharedCommit { message: String, busy: bool },
}

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> Self {
        StoreError::Refused(r)
    }
}

impl From<FieldError> for StoreError {
    fn from(e: FieldError) -> Self {
        StoreError::Refused(Refusal::Invalid(e))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A card below a change that the change would make sell below cost, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct DownstreamCard {
    pub id: String,
    pub name: String,
    pub why: String,
}

/// A user as the sign-in code needs it.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user_id: String,
    pub email: String,
    pub dealer_id: String,
    pub password_hash: Option<String>,
    pub enabled: bool,
    pub dealer_effective_enabled: bool,
}

/// A live session, resolved from a token hash.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub session_id: String,
    pub user_id: String,
    pub email: String,
    pub dealer_id: String,
    pub impersonator_id: Option<String>,
    pub impersonator_email: Option<String>,
    pub read_only: bool,
    pub expires_at: i64,
    /// What the login's groups grant, read with the session (none: no group, no permission).
    pub permissions: Vec<crate::model::Permission>,
    /// What the real user behind a view-as session holds.
    pub impersonator_permissions: Vec<crate::model::Permission>,
}

/// A live API key, resolved from its secret's hash, and its owner.
#[derive(Debug, Clone)]
pub struct ApiKeyRecord {
    pub key: ApiKey,
    pub user_id: String,
    pub email: String,
    pub dealer_id: String,
    /// What the owner's groups grant now, read with the key.
    pub owner_permissions: Vec<crate::model::Permission>,
}

/// A session to open.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: String,
    pub impersonator_id: Option<String>,
    /// For a view-as session, the viewer's own session: the view ends with it.
    pub parent_session_id: Option<String>,
    pub read_only: bool,
    pub expires_at: i64,
}

/// One counter of failed attempts (sign-in or link) and its back-off.
#[derive(Debug, Clone)]
pub struct ThrottleKey {
    pub key: String,
    /// Failures before this time no longer count.
    pub since: i64,
    pub backoff: crate::domain::throttle::Backoff,
}

/// A one-use link token (activation or password reset), stored hashed.
#[derive(Debug, Clone)]
pub struct NewLinkToken {
    pub token_hash: String,
    pub expires_at: i64,
}

/// The first dealer and administrator of an empty store.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub provider_name: String,
    pub provider_package: Package,
    pub admin_email: String,
    /// An argon2id hash, when the administrator's password is provisioned.
    pub admin_password_hash: Option<String>,
    /// The activation link token otherwise.
    pub admin_link: Option<NewLinkToken>,
}

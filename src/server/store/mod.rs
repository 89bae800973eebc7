//! Storage, SQL only: reads behind traits, one per resource, and writes as primitives on a
//! [`WriteTx`] that the operations (`server::ops`) open, check and commit. `SqlStore` implements
//! them over SQLite (and, through the same SQL, PostgreSQL). Every query on dealer-owned rows takes
//! a [`Scope`] and filters in SQL.

mod audit;
mod common;
mod copy;
mod db;
mod dealer_writes;
mod dealers;
mod generate;
mod groups;
mod rate_cards;
mod rows;
mod search;
mod sessions;
mod sql;
mod tenants;
mod throttle;
mod tree;
mod users;
mod write_tx;

use async_trait::async_trait;

use crate::domain::capacity::{BelowCommitted, Shortfall};
use crate::domain::validate::FieldError;
use crate::model::*;

pub use audit::Event;
pub use common::{DealerHead, check_version};
pub use copy::CopyReport;
pub use db::{Backend, SqlStore, redact_url};
pub use dealer_writes::{Belongings, ContactChange, DealerRow};
pub use generate::Shape;
pub use groups::GroupChange;
pub use rate_cards::{CardInsert, CardRow, CardUses, FamilyCard, PricedRate, markup_rule};
pub use rows::{now_micros, time_of};
pub use search::SearchRow;
pub use tenants::{Allocation, TenantChange, TenantRow};
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
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
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

/// Sessions, sign-in throttling, link tokens and the bootstrap of an empty store.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
    /// True when no dealer exists yet.
    async fn is_empty(&self) -> StoreResult<bool>;
    /// The provider (the root of the tree), once bootstrapped.
    async fn provider_id(&self) -> StoreResult<Option<String>>;
    /// Creates the provider, its administrator group and its first administrator.
    async fn bootstrap(&self, b: Bootstrap) -> StoreResult<User>;
    async fn login_record(&self, email: &str) -> StoreResult<Option<LoginRecord>>;
    /// Opens a session and audits the sign-in.
    async fn open_session(&self, s: NewSession, actor: &Actor, action: &str) -> StoreResult<()>;
    /// The live session with this token hash; slides its expiry to `extend_to` when later.
    async fn session(
        &self,
        token_hash: &str,
        now: i64,
        extend_to: i64,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Revokes one session and audits the sign-out.
    async fn close_session(&self, token_hash: &str, actor: &Actor) -> StoreResult<()>;
    /// Releases the attempts of a successful sign-in.
    async fn release_sign_in(&self, attempt_ids: &[String]) -> StoreResult<()>;
    /// Audits a failed sign-in (its reserved attempts stay counted), with why it failed.
    async fn record_failure(&self, email: &str, actor: &Actor, reason: &str) -> StoreResult<()>;
    /// Audits an event about a user with no other change (a refused sign-in, say).
    async fn audit_user_event(
        &self,
        user_id: &str,
        action: &str,
        actor: &Actor,
        details: Option<serde_json::Value>,
    ) -> StoreResult<()>;
    async fn clear_failures(&self, key: &str) -> StoreResult<()>;
    /// Whether a link token is unused and unexpired (checked before any password is hashed).
    async fn link_token_usable(&self, token_hash: &str, now: i64) -> StoreResult<bool>;
    /// Uses a link token once: sets the password, revokes the user's sessions.
    async fn use_link_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> StoreResult<()>;
    /// How many unexpired sign-in sessions a user holds (view-as sessions of it not counted).
    async fn live_sessions(&self, user_id: &str, now: i64) -> StoreResult<i64>;
    /// The user of a session, unscoped (it is the caller itself).
    async fn own_user(&self, user_id: &str) -> StoreResult<Option<User>>;
    /// The groups a user belongs to, unscoped (they define what it may do).
    async fn own_groups(&self, user_id: &str) -> StoreResult<Vec<Group>>;
    /// The dealer of the caller's account.
    async fn own_dealer(&self, scope: &Scope) -> StoreResult<Dealer>;
}

/// Dealers, their packages and the tree.
#[async_trait]
pub trait DealerStore: Send + Sync {
    async fn list_dealers(
        &self,
        scope: &Scope,
        f: &DealerFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Dealer>>;
    async fn get_dealer(&self, scope: &Scope, id: &str) -> StoreResult<Option<Dealer>>;
    async fn capacity(&self, scope: &Scope, id: &str) -> StoreResult<Option<Capacity>>;
    async fn tree(
        &self,
        scope: &Scope,
        root: Option<&str>,
        depth: u32,
    ) -> StoreResult<Option<TreeNode>>;
}

/// Tenants (customer PBXs).
#[async_trait]
pub trait TenantStore: Send + Sync {
    async fn list_tenants(
        &self,
        scope: &Scope,
        f: &TenantFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Tenant>>;
    async fn get_tenant(&self, scope: &Scope, id: &str) -> StoreResult<Option<Tenant>>;
}

/// Write transactions, for the operations that check rules between their reads and writes.
#[async_trait]
pub trait Writes: Send + Sync {
    /// Opens a write transaction (on SQLite it holds the write lock from the start).
    async fn write(&self) -> StoreResult<WriteTx>;
}

/// Users (logins) of dealer accounts.
#[async_trait]
pub trait UserStore: Send + Sync {
    async fn list_users(
        &self,
        scope: &Scope,
        f: &UserFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<User>>;
    async fn get_user(&self, scope: &Scope, id: &str) -> StoreResult<Option<User>>;
}

/// Permission groups.
#[async_trait]
pub trait GroupStore: Send + Sync {
    async fn list_groups(
        &self,
        scope: &Scope,
        f: &GroupFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Group>>;
    async fn get_group(&self, scope: &Scope, id: &str) -> StoreResult<Option<Group>>;
    /// Whether a group may be used by the users of `dealer_id` (owned by it or an ancestor).
    async fn group_usable_by(&self, group_id: &str, dealer_id: &str) -> StoreResult<bool>;
}

/// Rate cards and their rates.
#[async_trait]
pub trait RateCardStore: Send + Sync {
    async fn list_rate_cards(
        &self,
        scope: &Scope,
        f: &RateCardFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<RateCard>>;
    async fn get_rate_card(&self, scope: &Scope, id: &str) -> StoreResult<Option<RateCard>>;
    /// A page of a card's rates by prefix, computed through its chain of markups.
    async fn list_rates(
        &self,
        scope: &Scope,
        id: &str,
        prefix: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<RateRow>>;
    /// Every rate of a card (under `prefix`), for export.
    async fn all_rates(
        &self,
        scope: &Scope,
        id: &str,
        prefix: Option<&str>,
    ) -> StoreResult<Vec<PricedRate>>;
    /// The rate of the longest prefix of `number`.
    async fn rate_for_number(
        &self,
        scope: &Scope,
        id: &str,
        number: &str,
    ) -> StoreResult<Option<PricedRate>>;
    /// A card read in a write transaction, with the dealers it is handed to (read after the
    /// commit, as every answer about a card carries them).
    async fn complete(&self, card: CardRow) -> StoreResult<RateCard>;
}

/// The audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn list_audit(
        &self,
        scope: &Scope,
        f: &AuditFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<AuditEvent>>;
}

/// Substring search across kinds, in a scope.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// Up to `limit` objects of each of `kinds` whose text contains `q`, in `scope`.
    async fn search(
        &self,
        scope: &Scope,
        q: &str,
        kinds: &[ObjectKind],
        limit: i64,
    ) -> StoreResult<Vec<SearchRow>>;
    /// For each dealer, its ancestors in `scope` from the top down, itself last.
    async fn paths(
        &self,
        scope: &Scope,
        dealer_ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, Vec<PathStep>>>;
}

/// Everything the server needs from storage.
pub trait Store:
    SessionStore
    + DealerStore
    + TenantStore
    + UserStore
    + GroupStore
    + RateCardStore
    + AuditStore
    + SearchStore
    + Writes
{
}

impl<
    T: SessionStore
        + DealerStore
        + TenantStore
        + UserStore
        + GroupStore
        + RateCardStore
        + AuditStore
        + SearchStore
        + Writes,
> Store for T
{
}

//! What the server asks of storage, one trait per resource; [`Store`] is all of them.

use async_trait::async_trait;

use super::*;

/// The bootstrap of an empty store.
#[async_trait]
pub trait BootstrapStore: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
    /// True when no dealer exists yet.
    async fn is_empty(&self) -> StoreResult<bool>;
    /// The provider (the root of the tree), once bootstrapped.
    async fn provider_id(&self) -> StoreResult<Option<String>>;
    /// Creates the provider, its administrator group and its first administrator.
    async fn bootstrap(&self, b: Bootstrap) -> StoreResult<User>;
}

/// One-use links that set a password.
#[async_trait]
pub trait LinkTokenStore: Send + Sync {
    /// Whether a link token is unused and unexpired (checked before any password is hashed).
    async fn link_token_usable(&self, token_hash: &str, now: i64) -> StoreResult<bool>;
    /// Uses a link token once: sets the password and revokes the user's sessions. False, with
    /// nothing changed, when the token is unknown, used or expired (two uses never both succeed).
    async fn use_link_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> StoreResult<bool>;
}

/// Sessions and sign-in throttling.
#[async_trait]
pub trait SessionStore: Send + Sync {
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
    /// Audits a view-as session once, at its first request (`details` say which): later calls
    /// for the same session record nothing.
    async fn audit_view_as_once(
        &self,
        session_id: &str,
        user_id: &str,
        actor: &Actor,
        details: serde_json::Value,
    ) -> StoreResult<()>;
    async fn clear_failures(&self, key: &str) -> StoreResult<()>;
    /// How many unexpired sign-in sessions a user holds (view-as sessions of it not counted).
    async fn live_sessions(&self, user_id: &str, now: i64) -> StoreResult<i64>;
    /// The user of a session, unscoped (it is the caller itself).
    async fn own_user(&self, user_id: &str) -> StoreResult<Option<User>>;
    /// The groups a user belongs to, unscoped (they define what it may do).
    async fn own_groups(&self, user_id: &str) -> StoreResult<Vec<Group>>;
    /// The dealer of the caller's account.
    async fn own_dealer(&self, scope: &Scope) -> StoreResult<Dealer>;
}

/// API keys, read by the owner or by the secret's hash (writes are on [`WriteTx`]).
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// The key with this secret hash when it may act at `now`: not revoked, not expired, its
    /// owner enabled and the owner's dealer effectively enabled. Records its use, at most once a
    /// minute.
    async fn api_key(&self, token_hash: &str, now: i64) -> StoreResult<Option<ApiKeyRecord>>;
    /// A login's keys, expired ones included, by name.
    async fn list_api_keys(&self, user_id: &str) -> StoreResult<Vec<ApiKey>>;
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
        show: Option<&str>,
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

    /// Runs `job` in a write transaction shared with concurrent writes, and returns once it
    /// has committed (`group_commit`).
    async fn write_shared(&self, job: super::Job) -> StoreResult<()>;
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
    BootstrapStore
    + LinkTokenStore
    + SessionStore
    + ApiKeyStore
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
    T: BootstrapStore
        + LinkTokenStore
        + SessionStore
        + ApiKeyStore
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

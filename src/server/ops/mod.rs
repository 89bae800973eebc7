//! The operations: one function per use case, one file per resource. Each does, in order, what
//! the use case needs: 404 for what the caller cannot see (`visible`), the permission its route
//! declared (`caller.authorize()`), validation, the rules of `domain/` and of these files, the
//! store calls, the audit trail and any mail. Routes only turn HTTP into a call and the answer
//! into HTTP; the store only runs SQL.
//!
//! A write whose rules read the database (capacity, the level rule, unique names) opens a
//! [`WriteTx`](crate::server::store::WriteTx), reads through it, checks, writes and commits: the
//! check and the write it allows are one transaction, as the rows they read stay locked (or, on
//! SQLite, the single writer is held) until the commit, and a transaction the database rolls back
//! is retried whole by the route guard. That keeps every rule readable top to bottom in one
//! function, in the order it is checked, instead of split between a caller and a callback.
//!
//! Creations run that same function in a transaction shared with the creations queued beside
//! them (`shared_commit`, the store's group commit): each between a savepoint and its release,
//! each caller answered once the shared transaction has committed.
//!
//! The writes are split in two where the demo data (`server::demo`) uses them: the use case
//! (`create`: visibility and permission, then the write) and the write under its rules for a
//! given scope and actor (`create_in`), which the demo calls with the provider's own.

pub mod api_keys;
pub mod audit;
pub mod audited;
pub mod channel;
pub mod dealers;
pub mod groups;
pub mod provider;
pub mod rate_cards;
pub mod search;
pub mod sessions;
pub mod shared_commit;
pub mod sign_in;
pub mod tenant_moves;
pub mod tenants;
pub mod user_scope;
pub mod users;
pub mod visible;

use crate::model::Page;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{Actor, PageRequest, Refusal, Scope, Store, StoreResult};

/// Who acts, and on what: the store, the scope the actor sees and the actor for the audit trail.
#[derive(Clone, Copy)]
pub struct Acting<'a> {
    pub store: &'a dyn Store,
    pub scope: &'a Scope,
    pub actor: &'a Actor,
}

impl<'a> Acting<'a> {
    /// The caller of a request, acting on the server's store.
    pub fn caller(st: &'a AppState, caller: &'a Caller) -> Acting<'a> {
        Acting {
            store: &*st.store,
            scope: &caller.scope,
            actor: &caller.actor,
        }
    }
}

/// 403 unless the caller holds its route's permission; then the caller, acting.
pub fn authorized<'a>(st: &'a AppState, caller: &'a Caller) -> ApiResult<Acting<'a>> {
    caller.authorize()?;
    Ok(Acting::caller(st, caller))
}

/// The end every list shares: the route's permission, then the paging, then the page `list`
/// reads.
pub async fn page_of<T>(
    caller: &Caller,
    paging: Paging,
    list: impl AsyncFnOnce(&PageRequest) -> StoreResult<Page<T>>,
) -> ApiResult<Page<T>> {
    caller.authorize()?;
    let page = paging.check()?;
    Ok(list(&page).await?)
}

/// The default and the largest page size.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// The paging parameters of a list as the request gave them; checked after the permission.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub q: Option<String>,
}

impl Paging {
    pub fn new(limit: Option<i64>, cursor: Option<String>, q: Option<String>) -> Paging {
        Paging { limit, cursor, q }
    }

    /// Checks the paging parameters every list takes.
    pub fn check(self) -> ApiResult<PageRequest> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        Ok(PageRequest {
            limit,
            cursor: self.cursor.filter(|c| !c.is_empty()),
            q: self.q,
        })
    }
}

/// Refuses `value` for `field` (a name, a domain, an e-mail) when another object holds it.
pub(crate) fn unless_taken(taken: bool, field: &'static str, value: &str) -> StoreResult<()> {
    if taken {
        return Err(Refusal::Taken {
            field,
            value: value.to_string(),
        }
        .into());
    }
    Ok(())
}

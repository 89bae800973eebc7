//! What the caller may see: each lookup answers 404 for an object outside the caller's scope,
//! before any permission is checked (so that a refusal never tells what exists elsewhere).

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::StoreResult;

/// The object a scoped lookup found, or 404.
pub fn found<T>(lookup: StoreResult<Option<T>>) -> ApiResult<T> {
    lookup?.ok_or_else(ApiError::not_found)
}

/// What a read of one object answers: 404 unless the lookup found it, then the route's
/// permission.
pub fn seen<T>(caller: &Caller, lookup: ApiResult<T>) -> ApiResult<T> {
    let object = lookup?;
    caller.authorize()?;
    Ok(object)
}

pub async fn dealer(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Dealer> {
    found(st.store.get_dealer(&caller.scope, id).await)
}

/// 404 unless a dealer a filter names (if any) is the caller's to see.
pub async fn filter_dealer(st: &AppState, caller: &Caller, id: Option<&str>) -> ApiResult<()> {
    if let Some(d) = id {
        dealer(st, caller, d).await?;
    }
    Ok(())
}

pub async fn tenant(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Tenant> {
    found(st.store.get_tenant(&caller.scope, id).await)
}

/// 404 unless a named rate card (`""` names none) is the caller's to see.
pub async fn card(st: &AppState, caller: &Caller, id: Option<&str>) -> ApiResult<()> {
    if let Some(c) = id.filter(|c| !c.is_empty()) {
        rate_card(st, caller, c).await?;
    }
    Ok(())
}

pub async fn group(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Group> {
    found(st.store.get_group(&caller.scope, id).await)
}

pub async fn user(st: &AppState, caller: &Caller, id: &str) -> ApiResult<User> {
    found(st.store.get_user(&caller.scope, id).await)
}

/// The groups a body names, each visible in the caller's scope (404 otherwise).
pub async fn groups(st: &AppState, caller: &Caller, ids: &[GroupId]) -> ApiResult<Vec<Group>> {
    let mut groups = Vec::with_capacity(ids.len());
    for id in ids {
        groups.push(group(st, caller, id).await?);
    }
    Ok(groups)
}

pub async fn rate_card(st: &AppState, caller: &Caller, id: &str) -> ApiResult<RateCard> {
    found(st.store.get_rate_card(&caller.scope, id).await)
}

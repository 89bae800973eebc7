//! The scope report of a user: what it can see and do, and what looks wrong.

use super::visible;
use crate::domain::permissions::{PermissionSet, view_as_missing};
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::state::AppState;
use crate::server::store::{PageRequest, Scope, now_micros};

/// What a user can see and do, and what looks wrong. The counts come from the very store calls
/// that answer the user's own list requests, under its own scope and permissions, so the report
/// and the user's view cannot disagree.
pub async fn report(st: &AppState, caller: &Caller, id: &str) -> ApiResult<ScopeReport> {
    let user = visible::user(st, caller, id).await?;
    caller.authorize()?;
    let groups = st.store.own_groups(&user.id).await?;
    let held = PermissionSet::union_of(groups.iter().map(|g| g.permissions.as_slice()));
    let theirs = Scope::of_account(user.dealer_id.clone());
    let one = PageRequest {
        limit: 1,
        cursor: None,
        q: None,
    };
    let may = |area: Area| held.contains(Permission::Crud(area, Action::Read));
    let mut counts = ScopeCounts::default();
    if may(Area::Dealers) {
        counts.dealers = Some(
            st.store
                .list_dealers(&theirs, &DealerFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::Tenants) {
        counts.tenants = Some(
            st.store
                .list_tenants(&theirs, &TenantFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::Users) {
        counts.users = Some(
            st.store
                .list_users(&theirs, &UserFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::Groups) {
        counts.groups = Some(
            st.store
                .list_groups(&theirs, &GroupFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::RateCards) {
        counts.rate_cards = Some(
            st.store
                .list_rate_cards(&theirs, &RateCardFilter::default(), &one)
                .await?
                .total,
        );
    }
    let permissions = held
        .to_vec()
        .into_iter()
        .map(|permission| PermissionSource {
            permission,
            groups: groups
                .iter()
                .filter(|g| g.permissions.contains(&permission))
                .map(|g| g.name.clone())
                .collect(),
        })
        .collect();
    let dealer = visible::dealer(st, caller, &user.dealer_id).await?;
    let mut warnings = Vec::new();
    if groups.is_empty() {
        warnings.push("belongs to no group: it can do nothing at all".to_string());
    }
    if dealer.level == Level::Reseller {
        let idle: Vec<String> = [
            Permission::Crud(Area::Dealers, Action::Create),
            Permission::Crud(Area::Dealers, Action::Delete),
            Permission::Crud(Area::Packages, Action::Update),
            Permission::TenantsMove,
        ]
        .into_iter()
        .filter(|p| held.contains(*p))
        .map(|p| p.to_string())
        .collect();
        if !idle.is_empty() {
            warnings.push(format!(
                "holds {} that a reseller has no use for (it has no sub-dealers)",
                idle.join(", ")
            ));
        }
    }
    if !user.enabled {
        let live = st.store.live_sessions(&user.id, now_micros()).await?;
        if live > 0 {
            warnings.push(format!("disabled, yet holds {live} live session(s)"));
        }
    }
    // Whether the caller could view as this user, and what it lacks for that (the same rule
    // `POST /auth/impersonate` applies).
    let held_list = held.to_vec();
    let missing = view_as_missing(&caller.permissions, &held_list);
    Ok(ScopeReport {
        user,
        dealer_name: dealer.name,
        dealer_level: dealer.level,
        counts,
        permissions,
        warnings,
        view_as: ViewAsCheck {
            allowed: missing.is_empty() && id != caller.user_id,
            missing,
        },
    })
}

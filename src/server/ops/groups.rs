//! Group operations: permission groups owned by a dealer; nobody grants a permission it does
//! not hold.

use serde_json::json;

use super::audited::{Audited, record_created, record_deleted, record_updated};
use super::shared_commit::in_shared_commit;
use super::{Acting, Paging, authorized, page_of, unless_taken, visible};
use crate::domain::permissions::{self as rules, catalogue, template};
use crate::domain::validate;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{GroupChange, StoreResult, WriteTx, check_version};

impl Audited for Group {
    const KIND: &'static str = "group";
    fn audit_id(&self) -> &str {
        &self.id
    }
    fn audit_name(&self) -> &str {
        &self.name
    }
    fn snapshot(&self) -> serde_json::Value {
        let g = self;
        json!({
            "dealer_id": g.dealer_id, "dealer_name": g.dealer_name, "name": g.name,
            "description": g.description, "permissions": g.permissions,
        })
    }
}

/// 403 when `perms` holds anything the caller lacks, naming what.
pub(super) fn no_escalation(caller: &Caller, perms: &[Permission]) -> ApiResult<()> {
    ApiError::unless_held(&caller.permissions.missing(perms), |names| {
        format!("you cannot grant permissions you do not hold: {names}")
    })
    .map_err(|e| e.with_field("permissions"))
}

/// Refuses a name another group (than `except`) of the dealer has.
async fn check_name_free(
    tx: &mut WriteTx,
    dealer_id: &str,
    name: &str,
    except: Option<&str>,
) -> StoreResult<()> {
    let taken = tx.group_name_taken(dealer_id, name, except).await?;
    unless_taken(taken, "name", name)
}

/// Every permission with what it allows.
pub fn permissions(caller: &Caller) -> ApiResult<Vec<PermissionInfo>> {
    caller.authorize()?;
    Ok(catalogue())
}

/// The built-in templates to create a group from.
pub fn templates(caller: &Caller) -> ApiResult<Vec<GroupTemplate>> {
    caller.authorize()?;
    Ok(rules::templates())
}

/// The groups of the caller's subtree, or those usable by one dealer.
pub async fn list(
    st: &AppState,
    caller: &Caller,
    filter: GroupFilter,
    paging: Paging,
) -> ApiResult<Page<Group>> {
    visible::filter_dealer(st, caller, filter.dealer_id.as_deref()).await?;
    page_of(caller, paging, async |page| {
        st.store.list_groups(&caller.scope, &filter, page).await
    })
    .await
}

pub async fn get(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Group> {
    visible::seen(caller, visible::group(st, caller, id).await)
}

/// Creates a group, blank or from a template; only permissions the caller holds.
pub async fn create(st: &AppState, caller: &Caller, mut new: NewGroup) -> ApiResult<Group> {
    visible::dealer(st, caller, &new.dealer_id).await?;
    caller.authorize()?;
    if let Some(key) = &new.template {
        let t = template(key).ok_or_else(|| {
            ApiError::invalid_field("template", format!("names no template (`{key}`)"))
        })?;
        if new.permissions.is_empty() {
            new.permissions = t.permissions;
        }
        if new.description.is_empty() {
            new.description = t.description;
        }
    }
    no_escalation(caller, &new.permissions)?;
    Ok(create_in(Acting::caller(st, caller), new).await?)
}

/// Creates a group with the permissions it names (the template already applied).
pub async fn create_in(at: Acting<'_>, new: NewGroup) -> StoreResult<Group> {
    in_shared_commit(at, move |tx, at| Box::pin(create_with(tx, at, new))).await
}

/// Creates a group in an open transaction, its event recorded but not committed.
pub async fn create_with(tx: &mut WriteTx, at: Acting<'_>, new: NewGroup) -> StoreResult<Group> {
    let name = validate::name("name", &new.name)?;
    let description = validate::text("description", &new.description, 500)?;
    let dealer = tx.dealer(Some(at.scope), &new.dealer_id).await?;
    check_name_free(tx, &dealer.id, &name, None).await?;
    let group = tx
        .insert_group(at.scope, &dealer.id, &name, &description, &new.permissions)
        .await?;
    record_created(tx, at.actor, &dealer.path, "group.create", &group).await?;
    Ok(group)
}

/// Renames a group or changes its permissions (only to ones the caller holds). A dry run
/// answers the permissions the change removes and how many members lose them (those that do
/// not hold them through another group).
pub async fn update(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    patch: GroupPatch,
    dry_run: bool,
) -> ApiResult<OrImpact<Group>> {
    visible::group(st, caller, id).await?;
    caller.authorize()?;
    if let Some(p) = &patch.permissions {
        no_escalation(caller, p)?;
    }
    let at = Acting::caller(st, caller);
    let mut tx = at.store.write().await?;
    let (before, after) = change(&mut tx, at, id, if_version, patch).await?;
    if dry_run {
        let removed: Vec<Permission> = before
            .permissions
            .iter()
            .filter(|p| !after.permissions.contains(p))
            .copied()
            .collect();
        let members = tx.members_elsewhere(id).await?;
        tx.roll_back().await?;
        let losing = members
            .values()
            .filter(|held| removed.iter().any(|p| !held.contains(p)))
            .count();
        return Ok(OrImpact::Impact(Impact {
            logins: losing as i64,
            permissions_removed: removed,
            ..Impact::default()
        }));
    }
    let path = tx.dealer_path(&before.dealer_id).await?;
    record_updated(&mut tx, at.actor, &path, "group.update", &before, &after).await?;
    tx.commit().await?;
    Ok(OrImpact::Done(after))
}

/// Changes a group in an open transaction, its event recorded but not committed.
pub async fn update_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: GroupPatch,
) -> StoreResult<Group> {
    let (before, after) = change(tx, at, id, if_version, patch).await?;
    let path = tx.dealer_path(&before.dealer_id).await?;
    record_updated(tx, at.actor, &path, "group.update", &before, &after).await?;
    Ok(after)
}

/// The change of a group, made but not yet recorded: the group before and after.
async fn change(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: GroupPatch,
) -> StoreResult<(Group, Group)> {
    let before = tx.lock_group(at.scope, id).await?;
    check_version(if_version, before.version)?;
    let name = match &patch.name {
        Some(n) => {
            let n = validate::name("name", n)?;
            check_name_free(tx, &before.dealer_id, &n, Some(id)).await?;
            Some(n)
        }
        None => None,
    };
    let change = GroupChange {
        name,
        description: patch
            .description
            .as_deref()
            .map(|d| validate::text("description", d, 500))
            .transpose()?,
        permissions: patch.permissions,
    };
    let after = tx.update_group(at.scope, id, &change).await?;
    Ok((before, after))
}

pub async fn delete(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
) -> ApiResult<()> {
    visible::group(st, caller, id).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    delete_with(&mut tx, at, id, if_version).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a group in an open transaction, its event recorded but not committed.
pub async fn delete_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
) -> StoreResult<()> {
    let before = tx.lock_group(at.scope, id).await?;
    check_version(if_version, before.version)?;
    tx.delete_group(id).await?;
    let path = tx.dealer_path(&before.dealer_id).await?;
    record_deleted(tx, at.actor, &path, "group.delete", &before).await
}

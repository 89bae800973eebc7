//! Group operations: permission groups owned by a dealer; nobody grants a permission it does
//! not hold.

use serde_json::json;

use super::{Acting, Paging, visible};
use crate::domain::permissions::{self as rules, catalogue, template};
use crate::domain::validate;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{Event, GroupChange, Refusal, StoreResult, WriteTx, check_version};

/// The audit snapshot of a group.
fn snapshot(g: &Group) -> serde_json::Value {
    json!({ "dealer_id": g.dealer_id, "name": g.name, "description": g.description, "permissions": g.permissions })
}

/// 403 when `perms` holds anything the caller lacks, naming what.
fn no_escalation(caller: &Caller, perms: &[Permission]) -> ApiResult<()> {
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
    if tx.group_name_taken(dealer_id, name, except).await? {
        return Err(Refusal::Taken {
            field: "name",
            value: name.to_string(),
        }
        .into());
    }
    Ok(())
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
    if let Some(d) = &filter.dealer_id {
        visible::dealer(st, caller, d).await?;
    }
    caller.authorize()?;
    let page = paging.check()?;
    Ok(st.store.list_groups(&caller.scope, &filter, &page).await?)
}

pub async fn get(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Group> {
    let g = visible::group(st, caller, id).await?;
    caller.authorize()?;
    Ok(g)
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
    let name = validate::name("name", &new.name)?;
    let description = validate::text("description", &new.description, 500)?;
    let mut tx = at.store.write().await?;
    let dealer = tx.dealer(Some(at.scope), &new.dealer_id).await?;
    check_name_free(&mut tx, &dealer.id, &name, None).await?;
    let group = tx
        .insert_group(at.scope, &dealer.id, &name, &description, &new.permissions)
        .await?;
    let event = Event::new("group.create", "group", &group.id, &group.name);
    tx.commit_with(at.actor, &dealer.path, event.after(snapshot(&group)))
        .await?;
    Ok(group)
}

/// Renames a group or changes its permissions (only to ones the caller holds).
pub async fn update(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    patch: GroupPatch,
) -> ApiResult<Group> {
    visible::group(st, caller, id).await?;
    caller.authorize()?;
    if let Some(p) = &patch.permissions {
        no_escalation(caller, p)?;
    }
    let at = Acting::caller(st, caller);
    let mut tx = at.store.write().await?;
    let before = tx.lock_group(at.scope, id).await?;
    check_version(if_version, before.version)?;
    let name = match &patch.name {
        Some(n) => {
            let n = validate::name("name", n)?;
            check_name_free(&mut tx, &before.dealer_id, &n, Some(id)).await?;
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
    let path = tx.dealer_path(&before.dealer_id).await?;
    let event = Event::new("group.update", "group", id, &after.name)
        .before(snapshot(&before))
        .after(snapshot(&after));
    tx.commit_with(at.actor, &path, event).await?;
    Ok(after)
}

pub async fn delete(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
) -> ApiResult<()> {
    visible::group(st, caller, id).await?;
    caller.authorize()?;
    let at = Acting::caller(st, caller);
    let mut tx = at.store.write().await?;
    let before = tx.lock_group(at.scope, id).await?;
    check_version(if_version, before.version)?;
    tx.delete_group(id).await?;
    let path = tx.dealer_path(&before.dealer_id).await?;
    let event = Event::new("group.delete", "group", id, &before.name).before(snapshot(&before));
    tx.commit_with(at.actor, &path, event).await?;
    Ok(())
}

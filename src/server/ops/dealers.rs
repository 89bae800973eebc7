//! Dealer operations: creation under the level rule with the package carved from the parent,
//! contact edits, the delete guard, suspension, package changes, the capacity report and the tree.

use serde_json::json;

use super::audited::{Audited, record_created, record_updated};
use super::shared_commit::in_shared_commit;
use super::{Acting, Paging, authorized, page_of, unless_taken, visible};
use crate::domain::capacity::{Amounts, check_package_shape};
use crate::domain::level::may_create;
use crate::domain::validate::{self, FieldError};
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::state::AppState;
use crate::server::store::{
    ContactChange, DealerHead, DealerRow, Event, Refusal, StoreResult, WriteTx, check_version,
};

/// The deepest level one tree request may load.
pub const MAX_TREE_DEPTH: u32 = 4;

impl Audited for Dealer {
    const KIND: &'static str = "dealer";
    fn audit_id(&self) -> &str {
        &self.id
    }
    fn audit_name(&self) -> &str {
        &self.name
    }
    /// Its own fields, not the derived counts.
    fn snapshot(&self) -> serde_json::Value {
        let d = self;
        json!({
            "name": d.name, "display_name": d.display_name, "level": d.level, "parent_id": d.parent_id,
            "email": d.email, "phone": d.phone, "address": d.address, "notes": d.notes,
            "enabled": d.enabled, "package": d.package,
        })
    }
}

/// A new dealer's fields, validated (the display name defaults to the name).
fn dealer_row(new: &NewDealer) -> Result<DealerRow, FieldError> {
    let name = validate::name("name", &new.name)?;
    let display_name = if new.display_name.trim().is_empty() {
        name.clone()
    } else {
        validate::name("display_name", &new.display_name)?
    };
    Ok(DealerRow {
        level: new.level,
        name,
        display_name,
        email: validate::optional_email("email", &new.email)?,
        phone: validate::text("phone", &new.phone, 50)?,
        address: validate::text("address", &new.address, 500)?,
        notes: validate::text("notes", &new.notes, 4000)?,
        package: new.package.unwrap_or_else(Package::empty),
    })
}

/// Refuses high availability where the dealer above has none.
fn check_ha(wanted: bool, above: &DealerHead) -> StoreResult<()> {
    if wanted && !above.package.high_availability {
        return Err(Refusal::NoHighAvailability {
            dealer_id: above.id.clone(),
            dealer_name: above.name.clone(),
        }
        .into());
    }
    Ok(())
}

/// Refuses `asked` beyond what is free of the dealer's package, as of this transaction.
pub(super) async fn check_take(
    tx: &mut WriteTx,
    dealer: &DealerHead,
    asked: &Amounts,
) -> StoreResult<()> {
    let mut short = tx.ledger(dealer).await?.shortfalls(asked).into_iter();
    match short.next() {
        None => Ok(()),
        Some(shortfall) => Err(Refusal::Capacity {
            dealer_id: dealer.id.clone(),
            dealer_name: dealer.name.clone(),
            shortfall,
            also: short.collect(),
        }
        .into()),
    }
}

/// Refuses a name another child (than `except_id`) of `parent_id` has.
async fn check_name_free(
    tx: &mut WriteTx,
    parent_id: &str,
    name: &str,
    except_id: Option<&str>,
) -> StoreResult<()> {
    let taken = tx.sibling_name_taken(parent_id, name, except_id).await?;
    unless_taken(taken, "name", name)
}

/// Lists the dealers of the caller's subtree; with `with_capacity`, each with its package's
/// use when the caller may read packages (without `packages:read` they come without it).
pub async fn list(
    st: &AppState,
    caller: &Caller,
    filter: DealerFilter,
    paging: Paging,
) -> ApiResult<Page<Dealer>> {
    visible::filter_dealer(st, caller, filter.parent_id.as_deref()).await?;
    if filter.sort.is_some_and(DealerSort::reads_usage) {
        // The order would tell how full packages are.
        caller.require(Permission::Crud(Area::Packages, Action::Read))?;
    }
    let mut dealers = page_of(caller, paging, async |page| {
        st.store.list_dealers(&caller.scope, &filter, page).await
    })
    .await?;
    if filter.with_capacity
        && caller
            .permissions
            .contains(Permission::Crud(Area::Packages, Action::Read))
    {
        for d in &mut dealers.items {
            d.capacity = st.store.capacity(&caller.scope, &d.id).await?;
        }
    }
    Ok(dealers)
}

/// One dealer, with its path of ancestors inside the caller's scope.
pub async fn get(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Dealer> {
    visible::seen(caller, visible::dealer(st, caller, id).await)
}

/// Package, allocated, used and free per dimension, and the subtree's use.
pub async fn capacity(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Capacity> {
    visible::dealer(st, caller, id).await?;
    caller.authorize()?;
    visible::found(st.store.capacity(&caller.scope, id).await)
}

/// A dealer node with its sub-dealers (and, for a caller who may read tenants, its tenants)
/// down to `depth` levels (1 by default, at most [`MAX_TREE_DEPTH`]); `show` names a tenant of
/// the root to list even beyond the first leaves.
pub async fn tree(
    st: &AppState,
    caller: &Caller,
    root: Option<&str>,
    depth: Option<u32>,
    show: Option<&str>,
) -> ApiResult<TreeNode> {
    let depth = depth.unwrap_or(1).min(MAX_TREE_DEPTH);
    let root = root.filter(|r| !r.is_empty());
    if let Some(r) = root {
        visible::dealer(st, caller, r).await?;
    }
    caller.authorize()?;
    let mut node = visible::found(st.store.tree(&caller.scope, root, depth, show).await)?;
    if !caller
        .permissions
        .contains(Permission::Crud(Area::Tenants, Action::Read))
    {
        drop_tenants(&mut node);
    }
    Ok(node)
}

fn drop_tenants(node: &mut TreeNode) {
    node.children.retain(|c| c.kind == NodeKind::Dealer);
    node.children.iter_mut().for_each(drop_tenants);
}

/// Creates a sub-dealer under `parent_id`; a package with it needs `packages:update` too.
pub async fn create(st: &AppState, caller: &Caller, new: NewDealer) -> ApiResult<Dealer> {
    visible::dealer(st, caller, &new.parent_id).await?;
    caller.authorize()?;
    if new.package.is_some() {
        caller.require(Permission::Crud(Area::Packages, Action::Update))?;
    }
    Ok(create_in(Acting::caller(st, caller), new).await?)
}

/// Creates a sub-dealer under the level rule, its package carved from the parent's.
pub async fn create_in(at: Acting<'_>, new: NewDealer) -> StoreResult<Dealer> {
    in_shared_commit(at, move |tx, at| Box::pin(create_with(tx, at, new))).await
}

/// Creates a sub-dealer in an open transaction, its event recorded but not committed.
pub async fn create_with(tx: &mut WriteTx, at: Acting<'_>, new: NewDealer) -> StoreResult<Dealer> {
    let row = dealer_row(&new)?;
    if let Err((field, message)) = check_package_shape(new.level, &row.package) {
        return Err(FieldError::new(field, message).into());
    }
    let parent = tx.lock_dealer(Some(at.scope), &new.parent_id).await?;
    if !may_create(parent.level, new.level) {
        return Err(Refusal::LevelNotAllowed {
            parent: parent.level,
            child: new.level,
        }
        .into());
    }
    check_name_free(tx, &parent.id, &row.name, None).await?;
    check_ha(row.package.high_availability, &parent)?;
    check_take(tx, &parent, &Amounts::claimed_by(&row.package)).await?;
    let dealer = tx.insert_dealer(&parent, &row).await?;
    let path = format!("{}{}/", parent.path, dealer.id);
    // No parent's name beside `parent_id`: the new dealer reads this event, and nothing above
    // its scope is named to it.
    record_created(tx, at.actor, &path, "dealer.create", &dealer).await?;
    Ok(dealer)
}

/// Changes contact fields (never level or parent).
pub async fn update(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    patch: DealerPatch,
) -> ApiResult<Dealer> {
    visible::dealer(st, caller, id).await?;
    Ok(update_in(authorized(st, caller)?, id, if_version, patch).await?)
}

/// Changes contact fields as `at.actor`; a dealer's own name is set by the dealer above it.
pub async fn update_in(
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: DealerPatch,
) -> StoreResult<Dealer> {
    let mut tx = at.store.write().await?;
    let after = update_with(&mut tx, at, id, if_version, patch).await?;
    tx.commit().await?;
    Ok(after)
}

/// Changes contact fields in an open transaction, its event recorded but not committed.
pub async fn update_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: DealerPatch,
) -> StoreResult<Dealer> {
    let head = tx.lock_dealer(Some(at.scope), id).await?;
    check_version(if_version, head.version)?;
    if patch.name.is_some() && id == at.scope.dealer_id() && head.parent_id.is_some() {
        // Its name is unique among siblings it cannot see; only the dealer above renames it.
        return Err(
            Refusal::Forbidden("a dealer's name is set by the dealer above it".into()).into(),
        );
    }
    let before = tx.dealer_row(id).await?;
    let name = match &patch.name {
        Some(n) => {
            let n = validate::name("name", n)?;
            if let Some(parent) = &head.parent_id {
                check_name_free(tx, parent, &n, Some(id)).await?;
            }
            Some(n)
        }
        None => None,
    };
    let text = |field, v: &Option<String>, max| {
        v.as_deref()
            .map(|v| validate::text(field, v, max))
            .transpose()
    };
    let change = ContactChange {
        name,
        display_name: patch
            .display_name
            .as_deref()
            .map(|v| validate::name("display_name", v))
            .transpose()?,
        email: patch
            .email
            .as_deref()
            .map(|v| validate::optional_email("email", v))
            .transpose()?,
        phone: text("phone", &patch.phone, 50)?,
        address: text("address", &patch.address, 500)?,
        notes: text("notes", &patch.notes, 4000)?,
    };
    let after = tx.update_contact(id, &change).await?;
    record_updated(tx, at.actor, &head.path, "dealer.update", &before, &after).await?;
    Ok(after)
}

/// Deletes a dealer with no sub-dealers and no tenants; its package returns to the parent, and
/// its users, groups and rate cards go with it. A dry run answers the logins that go with it.
pub async fn delete(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    dry_run: bool,
) -> ApiResult<OrImpact<()>> {
    visible::dealer(st, caller, id).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    if !dry_run {
        delete_with(&mut tx, at, id, if_version).await?;
        tx.commit().await?;
        return Ok(OrImpact::Done(()));
    }
    let (_, _, owned) = deletable(&mut tx, at, id, if_version).await?;
    tx.roll_back().await?;
    Ok(OrImpact::Impact(Impact {
        logins: owned.users.len() as i64,
        ..Impact::default()
    }))
}

/// A dealer that may be deleted as of this transaction, locked, with what goes with it.
async fn deletable(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
) -> StoreResult<(DealerHead, Dealer, crate::server::store::Belongings)> {
    let head = tx.lock_dealer(Some(at.scope), id).await?;
    if id == at.scope.dealer_id() || head.parent_id.is_none() {
        return Err(Refusal::Forbidden("a dealer cannot delete its own account".into()).into());
    }
    check_version(if_version, head.version)?;
    let (sub_dealers, tenants) = tx.children(id).await?;
    if sub_dealers > 0 || tenants > 0 {
        return Err(Refusal::HasChildren {
            sub_dealers,
            tenants,
        }
        .into());
    }
    let before = tx.dealer_row(id).await?;
    // Users and groups go with the dealer: the event names them.
    let owned = tx.belongings(id).await?;
    Ok((head, before, owned))
}

/// Deletes a dealer in an open transaction, its event recorded but not committed.
pub async fn delete_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
) -> StoreResult<()> {
    let (head, before, owned) = deletable(tx, at, id, if_version).await?;
    let mut gone = before.snapshot();
    gone["users"] = json!(owned.users);
    gone["groups"] = json!(owned.groups);
    gone["rate_cards"] = json!(owned.rate_cards);
    tx.delete_dealer(id).await?;
    let event = Event::new("dealer.delete", "dealer", id, &head.name).before(gone);
    tx.record(at.actor, &head.path, event).await
}

/// Suspends (`enabled: false`: its whole subtree is effectively suspended and its sessions end)
/// or resumes a dealer (what was enabled below it before is enabled again). A dry run makes the
/// change in the transaction, counts what stopped (or started) working, and rolls back.
pub async fn set_enabled(
    st: &AppState,
    caller: &Caller,
    id: &str,
    enabled: bool,
    dry_run: bool,
) -> ApiResult<OrImpact<Dealer>> {
    visible::dealer(st, caller, id).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    if !dry_run {
        let after = set_enabled_with(&mut tx, at, id, enabled).await?;
        tx.commit().await?;
        return Ok(OrImpact::Done(after));
    }
    own_account_guard(&mut tx, at, id).await?;
    let live_before = tx.live_counts(id).await?;
    tx.set_dealer_enabled(id, enabled).await?;
    let changed = tx.live_counts(id).await?.difference(live_before);
    tx.roll_back().await?;
    Ok(OrImpact::Impact(Impact {
        dealers: changed.dealers,
        tenants: changed.tenants,
        logins: changed.logins,
        ..Impact::default()
    }))
}

/// Locks a dealer to suspend or resume: never the caller's own account.
async fn own_account_guard(tx: &mut WriteTx, at: Acting<'_>, id: &str) -> StoreResult<DealerHead> {
    let head = tx.lock_dealer(Some(at.scope), id).await?;
    if id == at.scope.dealer_id() {
        return Err(
            Refusal::Forbidden("a dealer cannot suspend or resume its own account".into()).into(),
        );
    }
    Ok(head)
}

/// Suspends or resumes a dealer in an open transaction, its event recorded but not committed.
pub async fn set_enabled_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    enabled: bool,
) -> StoreResult<Dealer> {
    let head = own_account_guard(tx, at, id).await?;
    let after = tx.set_dealer_enabled(id, enabled).await?;
    if !enabled {
        tx.end_subtree_sessions(id).await?;
    }
    let action = if enabled {
        "dealer.resume"
    } else {
        "dealer.suspend"
    };
    let event = Event::new(action, "dealer", id, &head.name)
        .before(json!({ "enabled": head.enabled }))
        .after(json!({ "enabled": enabled }));
    tx.record(at.actor, &head.path, event).await?;
    Ok(after)
}

/// Sets a sub-dealer's package: raises need the parent's free capacity, cuts may not go below
/// what is allocated and used.
pub async fn set_package(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    p: Package,
) -> ApiResult<Dealer> {
    visible::dealer(st, caller, id).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    let after = package_with(&mut tx, at, id, if_version, p).await?;
    tx.commit().await?;
    Ok(after)
}

/// Sets a sub-dealer's package in an open transaction, its event recorded but not committed.
pub async fn package_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    p: Package,
) -> StoreResult<Dealer> {
    let target = tx.dealer(Some(at.scope), id).await?;
    if id == at.scope.dealer_id() || target.parent_id.is_none() {
        return Err(Refusal::Forbidden(
            "a dealer's package is set by the dealer above it (the provider's by the server configuration)".into(),
        )
        .into());
    }
    if let Err((field, message)) = check_package_shape(target.level, &p) {
        return Err(FieldError::new(field, message).into());
    }
    // Lock parent before child, always top-down, so concurrent changes cannot deadlock.
    let parent_id = target.parent_id.clone().unwrap_or_default();
    let parent = tx.lock_dealer(None, &parent_id).await?;
    let target = tx.lock_dealer(None, id).await?;
    check_version(if_version, target.version)?;
    check_ha(p.high_availability, &parent)?;
    if !p.high_availability
        && target.package.high_availability
        && tx.high_availability_below(id).await? > 0
    {
        return Err(FieldError::new(
            "high_availability",
            "cannot be withdrawn while sub-dealers or tenants of this dealer still have it",
        )
        .into());
    }
    let own = tx.ledger(&target).await?;
    own.check_shrink(&p).map_err(Refusal::BelowCommitted)?;
    let delta = Amounts::claimed_by(&p).minus(&Amounts::claimed_by(&target.package));
    check_take(tx, &parent, &delta).await?;
    let after = tx.set_package(id, &p).await?;
    let event = Event::new("package.update", "dealer", id, &target.name)
        .before(json!({ "package": target.package }))
        .after(json!({ "package": p }));
    tx.record(at.actor, &target.path, event).await?;
    Ok(after)
}

//! Tenant operations: customer PBXs, their allocations checked against the owning dealer's
//! package and the platform policy in the transaction that writes them.

use serde_json::json;

use super::audited::{Audited, record_created, record_deleted, record_updated};
use super::dealers::check_take;
use super::shared_commit::in_shared_commit;
use super::{Acting, Paging, authorized, page_of, unless_taken, visible};
use crate::domain::capacity::Amounts;
use crate::domain::policy::PlatformPolicy;
use crate::domain::validate::{self, FieldError};
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::state::AppState;
use crate::server::store::{
    Allocation, CardRow, DealerHead, Event, Refusal, Scope, StoreError, StoreResult, TenantChange,
    TenantRow, WriteTx, check_version,
};

impl Audited for Tenant {
    const KIND: &'static str = "tenant";
    fn audit_id(&self) -> &str {
        &self.id
    }
    fn audit_name(&self) -> &str {
        &self.name
    }
    fn snapshot(&self) -> serde_json::Value {
        let t = self;
        json!({
        "dealer_id": t.dealer_id, "name": t.name, "domain": t.domain, "extensions": t.extensions,
        "concurrent_calls": t.concurrent_calls, "recording_minutes": t.recording_minutes,
        "high_availability": t.high_availability, "enabled": t.enabled, "rate_card_id": t.rate_card_id,
        "dealer_name": t.dealer_name, "rate_card_name": t.rate_card_name,
        })
    }
}

/// Checks a tenant's allocations against the platform policy and its dealer's package.
/// The package's minimum extensions applies when a tenant is created (`before` is `None`);
/// an existing tenant below a minimum raised since may keep what it has, and only going
/// further down is refused.
pub(super) fn check_allocation(
    policy: &PlatformPolicy,
    a: &Allocation,
    dealer: &DealerHead,
    before: Option<&Allocation>,
) -> StoreResult<()> {
    let max = policy.max_extensions_per_tenant;
    let min = dealer.package.min_extensions_per_tenant;
    if a.extensions > max {
        return Err(FieldError::new(
            "extensions",
            format!("a tenant has at most {max} extensions (platform policy)"),
        )
        .into());
    }
    let lowered = before.is_none_or(|b| a.extensions < b.extensions);
    if a.extensions < min && lowered {
        return Err(FieldError::new(
            "extensions",
            format!(
                "{} requires at least {min} extensions per tenant",
                dealer.name
            ),
        )
        .into());
    }
    validate::range("concurrent_calls", a.concurrent_calls, 0, 1_000_000)?;
    validate::range("recording_minutes", a.recording_minutes, 0, 1_000_000_000)?;
    if a.high_availability && !dealer.package.high_availability {
        return Err(Refusal::NoHighAvailability {
            dealer_id: dealer.id.clone(),
            dealer_name: dealer.name.clone(),
        }
        .into());
    }
    Ok(())
}

/// What a tenant with these allocations uses of its dealer's package.
pub(super) fn usage(policy: &PlatformPolicy, a: &Allocation) -> Amounts {
    Amounts::used_by_tenant(
        a.extensions,
        a.concurrent_calls,
        a.recording_minutes,
        policy,
    )
}

/// Refuses a SIP domain another tenant (than `except`) has.
async fn check_domain_free(
    tx: &mut WriteTx,
    domain: &str,
    except: Option<&str>,
) -> StoreResult<()> {
    let taken = tx.domain_taken(domain, except).await?;
    unless_taken(taken, "domain", domain)
}

/// A card the caller may bill a tenant of `dealer` with: 404 when not visible, 422 when the
/// dealer may not use it (a carrier card, or one the dealer neither owns nor was handed).
pub(super) async fn card_for_tenant(
    tx: &mut WriteTx,
    scope: &Scope,
    card_id: &str,
    dealer: &DealerHead,
) -> StoreResult<CardRow> {
    let card = tx.card(scope, card_id).await?.ok_or(StoreError::NotFound)?;
    if card.parent_id.is_none() {
        return Err(FieldError::new(
            "rate_card_id",
            format!(
                "names the carrier card {}: derive a customer card from it to bill tenants",
                card.card.name
            ),
        )
        .into());
    }
    if !tx.card_usable_by(&card, &dealer.id).await? {
        return Err(FieldError::new(
            "rate_card_id",
            format!(
                "names {}, which {} neither owns nor was handed",
                card.card.name, dealer.name
            ),
        )
        .into());
    }
    Ok(card)
}

/// Lists the tenants of the caller's subtree.
pub async fn list(
    st: &AppState,
    caller: &Caller,
    filter: TenantFilter,
    paging: Paging,
) -> ApiResult<Page<Tenant>> {
    visible::filter_dealer(st, caller, filter.dealer_id.as_deref()).await?;
    page_of(caller, paging, async |page| {
        st.store.list_tenants(&caller.scope, &filter, page).await
    })
    .await
}

pub async fn get(st: &AppState, caller: &Caller, id: &str) -> ApiResult<Tenant> {
    visible::seen(caller, visible::tenant(st, caller, id).await)
}

/// Creates a tenant of `dealer_id`, using that dealer's capacity.
pub async fn create(st: &AppState, caller: &Caller, new: NewTenant) -> ApiResult<Tenant> {
    visible::dealer(st, caller, &new.dealer_id).await?;
    visible::card(st, caller, new.rate_card_id.as_deref()).await?;
    Ok(create_in(authorized(st, caller)?, new).await?)
}

/// Creates a tenant under the rules, as `at.actor` in `at.scope`. Concurrent creations share
/// their commits: each is answered once the transaction carrying it has committed.
pub async fn create_in(at: Acting<'_>, new: NewTenant) -> StoreResult<Tenant> {
    in_shared_commit(at, move |tx, at| Box::pin(create_with(tx, at, new))).await
}

/// Creates a tenant in an open transaction, its event recorded but not committed.
pub async fn create_with(tx: &mut WriteTx, at: Acting<'_>, new: NewTenant) -> StoreResult<Tenant> {
    let name = validate::name("name", &new.name)?;
    let domain = validate::sip_domain("domain", &new.domain)?;
    let allocation = Allocation {
        extensions: new.extensions,
        concurrent_calls: new.concurrent_calls,
        recording_minutes: new.recording_minutes,
        high_availability: new.high_availability,
    };
    let dealer = tx.lock_dealer(Some(at.scope), &new.dealer_id).await?;
    check_allocation(tx.policy(), &allocation, &dealer, None)?;
    let rate_card_id = match new.rate_card_id.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(card_for_tenant(tx, at.scope, c, &dealer).await?.card.id),
        None => None,
    };
    check_domain_free(tx, &domain, None).await?;
    let used = usage(tx.policy(), &allocation);
    check_take(tx, &dealer, &used).await?;
    let row = TenantRow {
        dealer_id: dealer.id.clone(),
        name,
        domain,
        allocation,
        rate_card_id,
    };
    let tenant = tx.insert_tenant(at.scope, &row).await?;
    record_created(tx, at.actor, &dealer.path, "tenant.create", &tenant).await?;
    Ok(tenant)
}

/// Changes a tenant's name, domain, card or allocations.
pub async fn update(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    patch: TenantPatch,
) -> ApiResult<Tenant> {
    visible::tenant(st, caller, id).await?;
    visible::card(st, caller, patch.rate_card_id.as_deref()).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    let after = update_with(&mut tx, at, id, if_version, patch).await?;
    tx.commit().await?;
    Ok(after)
}

/// Changes a tenant in an open transaction, its event recorded but not committed.
pub async fn update_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: TenantPatch,
) -> StoreResult<Tenant> {
    let (dealer, before) = tx.lock_tenant(at.scope, id).await?;
    check_version(if_version, before.version)?;
    let old = Allocation::of(&before);
    let allocation = Allocation {
        extensions: patch.extensions.unwrap_or(old.extensions),
        concurrent_calls: patch.concurrent_calls.unwrap_or(old.concurrent_calls),
        recording_minutes: patch.recording_minutes.unwrap_or(old.recording_minutes),
        high_availability: patch.high_availability.unwrap_or(old.high_availability),
    };
    check_allocation(tx.policy(), &allocation, &dealer, Some(&old))?;
    let more = usage(tx.policy(), &allocation).minus(&usage(tx.policy(), &old));
    check_take(tx, &dealer, &more).await?;
    let name = patch
        .name
        .as_deref()
        .map(|n| validate::name("name", n))
        .transpose()?;
    let domain = match &patch.domain {
        Some(d) => {
            let d = validate::sip_domain("domain", d)?;
            check_domain_free(tx, &d, Some(id)).await?;
            Some(d)
        }
        None => None,
    };
    let rate_card_id = match patch.rate_card_id.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(c) => Some(Some(
            card_for_tenant(tx, at.scope, c, &dealer).await?.card.id,
        )),
    };
    let change = TenantChange {
        name,
        domain,
        rate_card_id,
        allocation,
    };
    let after = tx.update_tenant(at.scope, id, &change).await?;
    record_updated(tx, at.actor, &dealer.path, "tenant.update", &before, &after).await?;
    Ok(after)
}

/// Deletes a tenant; its allocations return to its dealer. A dry run answers the one tenant.
pub async fn delete(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    dry_run: bool,
) -> ApiResult<OrImpact<()>> {
    visible::tenant(st, caller, id).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    if dry_run {
        let (_, before) = tx.lock_tenant(at.scope, id).await?;
        check_version(if_version, before.version)?;
        tx.roll_back().await?;
        return Ok(OrImpact::Impact(Impact {
            tenants: 1,
            ..Impact::default()
        }));
    }
    delete_with(&mut tx, at, id, if_version).await?;
    tx.commit().await?;
    Ok(OrImpact::Done(()))
}

/// Deletes a tenant in an open transaction, its event recorded but not committed.
pub async fn delete_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
) -> StoreResult<()> {
    let (dealer, before) = tx.lock_tenant(at.scope, id).await?;
    check_version(if_version, before.version)?;
    tx.delete_tenant(id).await?;
    record_deleted(tx, at.actor, &dealer.path, "tenant.delete", &before).await
}

/// Suspends (`enabled: false`) or resumes a tenant. A dry run answers whether the tenant's
/// working state changes (a tenant under a suspended dealer works neither way).
pub async fn set_enabled(
    st: &AppState,
    caller: &Caller,
    id: &str,
    enabled: bool,
    dry_run: bool,
) -> ApiResult<OrImpact<Tenant>> {
    visible::tenant(st, caller, id).await?;
    let at = authorized(st, caller)?;
    if !dry_run {
        return Ok(OrImpact::Done(set_enabled_in(at, id, enabled).await?));
    }
    let mut tx = at.store.write().await?;
    let (_, before) = tx.lock_tenant(at.scope, id).await?;
    let after = tx.set_tenant_enabled(at.scope, id, enabled).await?;
    tx.roll_back().await?;
    Ok(OrImpact::Impact(Impact {
        tenants: i64::from(before.effective_enabled != after.effective_enabled),
        ..Impact::default()
    }))
}

/// Suspends or resumes a tenant, as `at.actor` in `at.scope`.
pub async fn set_enabled_in(at: Acting<'_>, id: &str, enabled: bool) -> StoreResult<Tenant> {
    let mut tx = at.store.write().await?;
    let after = set_enabled_with(&mut tx, at, id, enabled).await?;
    tx.commit().await?;
    Ok(after)
}

/// Suspends or resumes a tenant in an open transaction, its event recorded but not committed.
pub async fn set_enabled_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    enabled: bool,
) -> StoreResult<Tenant> {
    let (dealer, before) = tx.lock_tenant(at.scope, id).await?;
    let after = tx.set_tenant_enabled(at.scope, id, enabled).await?;
    let action = if enabled {
        "tenant.resume"
    } else {
        "tenant.suspend"
    };
    let event = Event::new(action, "tenant", id, &before.name)
        .before(json!({ "enabled": before.enabled }))
        .after(json!({ "enabled": enabled }));
    tx.record(at.actor, &dealer.path, event).await?;
    Ok(after)
}

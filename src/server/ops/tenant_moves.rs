//! Moving a tenant to another dealer: a plan of what it takes and frees and which card bills it
//! afterwards, then, when asked and nothing blocks it, the change and its audit in the same
//! transaction the plan was made in.

use serde_json::json;

use super::tenants::{card_for_tenant, check_allocation, usage};
use super::{Acting, authorized, visible};
use crate::domain::capacity::{Dimension, Ledger};
use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::state::AppState;
use crate::server::store::{
    Allocation, CardRow, Event, Refusal, StoreError, StoreResult, check_version,
};

fn blocker(code: &str, message: String, field: Option<&str>) -> MoveBlocker {
    MoveBlocker {
        code: code.into(),
        message,
        field: field.map(str::to_string),
    }
}

/// The deepest dealer path both paths lie under (`/a/b/` of `/a/b/c/` and `/a/b/d/`).
fn common_path(a: &str, b: &str) -> String {
    let mut out = String::from("/");
    for (x, y) in a
        .split('/')
        .zip(b.split('/'))
        .filter(|(x, _)| !x.is_empty())
    {
        if x != y {
            break;
        }
        out.push_str(x);
        out.push('/');
    }
    out
}

fn capacity_rows(
    used: &crate::domain::capacity::Amounts,
    to: &Ledger,
    from: &Ledger,
) -> Vec<MoveCapacity> {
    [
        Dimension::MaxTenants,
        Dimension::Extensions,
        Dimension::ConcurrentCalls,
        Dimension::RecordingMinutes,
    ]
    .into_iter()
    .map(|d| {
        let amount = used.get(d);
        let to_free = to.free(d);
        let from_free = from.free(d);
        MoveCapacity {
            dimension: d.as_str().into(),
            amount,
            destination_free_before: to_free,
            destination_free_after: to_free.map(|f| f - amount),
            source_free_before: from_free,
            source_free_after: from_free.map(|f| f + amount),
        }
    })
    .collect()
}

/// Plans a move of the tenant to another dealer and, with `execute`, makes it. Needs a scope
/// covering both dealers.
pub async fn move_tenant(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    mv: &TenantMove,
) -> ApiResult<MovePlan> {
    visible::tenant(st, caller, id).await?;
    visible::dealer(st, caller, &mv.to_dealer_id).await?;
    visible::card(st, caller, mv.rate_card_id.as_deref()).await?;
    let at = authorized(st, caller)?;
    Ok(plan_move(at, id, mv, if_version, !mv.dry_run).await?)
}

async fn plan_move(
    at: Acting<'_>,
    id: &str,
    mv: &TenantMove,
    if_version: Option<i64>,
    execute: bool,
) -> StoreResult<MovePlan> {
    let mut tx = at.store.write().await?;
    let first = tx.tenant(at.scope, id).await?;
    // Both dealers are locked in id order, so two opposite moves cannot deadlock.
    let mut order = [first.dealer_id.as_str(), mv.to_dealer_id.as_str()];
    order.sort();
    let mut to = None;
    for dealer_id in order {
        let head = tx.lock_dealer(Some(at.scope), dealer_id).await?;
        if dealer_id == mv.to_dealer_id {
            to = Some(head);
        }
    }
    let to = to.ok_or(StoreError::NotFound)?;
    let (from, tenant) = tx.lock_tenant(at.scope, &first.id).await?;
    check_version(if_version, tenant.version)?;
    if to.id == from.id {
        return Err(FieldError::new("to_dealer_id", "is already the tenant's dealer").into());
    }
    let alloc = Allocation::of(&tenant);
    let used = usage(tx.policy(), &alloc);
    let to_ledger = tx.ledger(&to).await?;
    let from_ledger = tx.ledger(&from).await?;
    let mut blockers = Vec::new();
    for short in to_ledger.shortfalls(&used) {
        blockers.push(blocker(
            "capacity_exceeded",
            short.words(&to.name),
            Some(short.dimension.as_str()),
        ));
    }
    // A move keeps the tenant's extensions: the destination's minimum (a rule for new
    // tenants) never blocks it.
    match check_allocation(tx.policy(), &alloc, &to, Some(&alloc)) {
        Ok(()) => {}
        Err(StoreError::Refused(Refusal::NoHighAvailability { .. })) => blockers.push(blocker(
            "capacity_exceeded",
            format!("high availability: {} has none to give", to.name),
            Some("high_availability"),
        )),
        Err(StoreError::Refused(Refusal::Invalid(e))) => blockers.push(blocker(
            "below_minimum_extensions",
            format!("{}: {}", e.field, e.message),
            Some(e.field),
        )),
        Err(e) => return Err(e),
    }
    if !tx.dealer_live(&to.id).await? {
        blockers.push(blocker(
            "destination_suspended",
            format!("{} is suspended (or a dealer above it is)", to.name),
            Some("to_dealer_id"),
        ));
    }
    let before_card = match &tenant.rate_card_id {
        Some(c) => tx.card(at.scope, c).await?,
        None => None,
    };
    let after_card = match mv.rate_card_id.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => match card_for_tenant(&mut tx, at.scope, c, &to).await {
            Ok(card) => Some(card),
            Err(StoreError::Refused(Refusal::Invalid(e))) => {
                blockers.push(blocker("rate_card_not_usable", e.message, Some(e.field)));
                None
            }
            Err(e) => return Err(e),
        },
        None => match before_card {
            Some(ref card) if tx.card_usable_by(card, &to.id).await? => {
                tx.card(at.scope, &card.card.id).await?
            }
            Some(ref card) => {
                blockers.push(blocker(
                    "rate_card_required",
                    format!(
                        "{} cannot bill with {}: choose a card {} owns or was handed",
                        to.name, card.card.name, to.name
                    ),
                    Some("rate_card_id"),
                ));
                None
            }
            None => None,
        },
    };
    let named = |c: &Option<CardRow>| {
        c.as_ref().map(|c| NamedRef {
            id: c.card.id.to_string(),
            name: c.card.name.clone(),
        })
    };
    let mut plan = MovePlan {
        tenant_id: tenant.id.clone(),
        tenant_name: tenant.name.clone(),
        tenant_version: tenant.version,
        from: NamedRef {
            id: from.id.clone(),
            name: from.name.clone(),
        },
        to: NamedRef {
            id: to.id.clone(),
            name: to.name.clone(),
        },
        capacity: capacity_rows(&used, &to_ledger, &from_ledger),
        rate_card_before: named(&before_card),
        rate_card_after: named(&after_card),
        blockers,
        executed: false,
        tenant: None,
    };
    if !execute {
        return Ok(plan);
    }
    if !plan.blockers.is_empty() {
        return Err(Refusal::MoveBlocked(Box::new(plan)).into());
    }
    let new_card = after_card.map(|c| c.card.id);
    let moved = tx
        .move_tenant(at.scope, &tenant.id, &to.id, new_card)
        .await?;
    let side = |t: &Tenant| {
        json!({
            "dealer_id": t.dealer_id, "dealer_name": t.dealer_name,
            "rate_card_id": t.rate_card_id, "rate_card_name": t.rate_card_name,
        })
    };
    // One event where both sides are seen, and one on each side for the dealers that see
    // only theirs.
    tx.record(
        at.actor,
        &common_path(&from.path, &to.path),
        Event::new("tenant.move", "tenant", &tenant.id, &tenant.name)
            .before(side(&tenant))
            .after(side(&moved)),
    )
    .await?;
    tx.record(
        at.actor,
        &from.path,
        Event::new("tenant.move_out", "tenant", &tenant.id, &tenant.name).before(side(&tenant)),
    )
    .await?;
    tx.record(
        at.actor,
        &to.path,
        Event::new("tenant.move_in", "tenant", &tenant.id, &tenant.name).after(side(&moved)),
    )
    .await?;
    tx.commit().await?;
    plan.executed = true;
    plan.tenant = Some(moved);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::common_path;

    #[test]
    fn the_common_path_stops_at_the_first_difference() {
        assert_eq!(common_path("/a/b/c/", "/a/b/d/"), "/a/b/");
        assert_eq!(common_path("/a/b/", "/a/b/c/"), "/a/b/");
        assert_eq!(common_path("/a/", "/b/"), "/");
    }
}

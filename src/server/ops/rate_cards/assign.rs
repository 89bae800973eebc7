//! Handing a card to a dealer one level below its owner, or billing a tenant with it.

use serde_json::json;

use super::{owned_card, reload};
use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::ops::tenants::card_for_tenant;
use crate::server::ops::{Acting, visible};
use crate::server::state::AppState;
use crate::server::store::{Event, Refusal, StoreResult, WriteTx};

/// Hands a card to a dealer directly below its owner (where it becomes that dealer's provider
/// card; needs `rate_cards:update`) or bills a tenant with it (the card must be owned by or handed
/// to the tenant's dealer; needs `tenants:update`). `unassign: true` takes it back.
pub async fn assign(
    st: &AppState,
    caller: &Caller,
    id: &str,
    to: &RateCardAssignment,
) -> ApiResult<RateCard> {
    visible::rate_card(st, caller, id).await?;
    if let Some(d) = &to.dealer_id {
        visible::dealer(st, caller, d).await?;
    }
    if let Some(t) = &to.tenant_id {
        visible::tenant(st, caller, t).await?;
    }
    if to.tenant_id.is_some() {
        caller.authorize_as(Permission::Crud(Area::Tenants, Action::Update))?;
    } else {
        caller.authorize_as(Permission::Crud(Area::RateCards, Action::Update))?;
    }
    Ok(assign_in(Acting::caller(st, caller), id, to).await?)
}

/// Hands a card down or bills a tenant with it, as `at.actor` in `at.scope`.
pub async fn assign_in(at: Acting<'_>, id: &str, to: &RateCardAssignment) -> StoreResult<RateCard> {
    let mut tx = at.store.write().await?;
    match (&to.dealer_id, &to.tenant_id) {
        (Some(dealer_id), None) => hand(&mut tx, at, id, dealer_id, to.unassign).await?,
        (None, Some(tenant_id)) => bill(&mut tx, at, id, tenant_id, to.unassign).await?,
        _ => {
            return Err(
                FieldError::new("dealer_id", "name either a dealer_id or a tenant_id").into(),
            );
        }
    }
    let after = reload(&mut tx, at.scope, id).await?;
    tx.commit().await?;
    at.store.complete(after).await
}

/// Hands the card to (or takes it back from) a dealer one level below its owner.
async fn hand(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    dealer_id: &str,
    unassign: bool,
) -> StoreResult<()> {
    let card = owned_card(tx, at.scope, id).await?;
    let dealer = tx.lock_dealer(Some(at.scope), dealer_id).await?;
    if card.parent_id.is_none() {
        return Err(FieldError::new(
            "dealer_id",
            "a carrier card is never handed down: derive a customer card from it",
        )
        .into());
    }
    if dealer.parent_id.as_deref() != Some(card.owner_id.as_str()) {
        return Err(FieldError::new(
            "dealer_id",
            format!(
                "{} is not directly below the card's owner; a card is handed one level down",
                dealer.name
            ),
        )
        .into());
    }
    if unassign {
        let uses = tx.card_uses(id, Some(dealer_id)).await?;
        if uses.derived + uses.tenants > 0 {
            return Err(Refusal::CardInUse(format!(
                "{} card(s) and {} tenant(s) of {}",
                uses.derived, uses.tenants, dealer.name
            ))
            .into());
        }
        tx.take_card_back(id, dealer_id).await?;
    } else {
        tx.hand_card(id, dealer_id).await?;
    }
    let action = if unassign {
        "rate_card.unassign"
    } else {
        "rate_card.assign"
    };
    let path = tx.dealer_path(&card.owner_id).await?;
    let event = Event::new(action, "rate_card", id, &card.card.name)
        .after(json!({ "dealer_id": dealer.id, "dealer_name": dealer.name }));
    tx.record(at.actor, &path, event).await
}

/// Bills a tenant with the card, or (`unassign`) with none; audited as a tenant change.
async fn bill(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    tenant_id: &str,
    unassign: bool,
) -> StoreResult<()> {
    let (dealer, tenant) = tx.lock_tenant(at.scope, tenant_id).await?;
    let card = if unassign {
        if tenant.rate_card_id.as_deref() != Some(id) {
            return Err(FieldError::new("tenant_id", "is not billed with this card").into());
        }
        None
    } else {
        Some(card_for_tenant(tx, at.scope, id, &dealer).await?.card)
    };
    let card_id = card.as_ref().map(|c| c.id.clone());
    tx.set_tenant_card(&tenant.id, card_id.as_deref()).await?;
    let event = Event::new("tenant.rate_card", "tenant", &tenant.id, &tenant.name)
        .before(
            json!({ "rate_card_id": tenant.rate_card_id, "rate_card_name": tenant.rate_card_name }),
        )
        .after(json!({ "rate_card_id": card_id, "rate_card_name": card.map(|c| c.name) }));
    tx.record(at.actor, &dealer.path, event).await
}

//! Rate card operations. A carrier card holds rates; a customer card holds only a markup over
//! its parent, checked against cost when it is made or changed, and every card priced through a
//! change is checked again (`pricing`). Handing cards down and billing tenants is `assign`;
//! reading, importing and quoting rates is `rates`.

pub mod assign;
pub mod pricing;
pub mod rates;

use serde_json::json;

use super::audited::{Audited, record_created, record_deleted, record_updated};
use super::shared_commit::in_shared_commit;
use super::{Acting, Paging, authorized, page_of, visible};
use crate::domain::validate::{self, FieldError};
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::state::AppState;
use crate::server::store::{
    CardInsert, CardRow, Refusal, Scope, StoreError, StoreResult, WriteTx, check_version,
    markup_rule,
};
use pricing::{check_cost, check_downstream, currency, parse_markup};

impl Audited for CardRow {
    const KIND: &'static str = "rate_card";
    fn audit_id(&self) -> &str {
        &self.card.id
    }
    fn audit_name(&self) -> &str {
        &self.card.name
    }
    fn snapshot(&self) -> serde_json::Value {
        let c = self;
        json!({
            "name": c.card.name, "currency": c.card.currency, "dealer_id": c.owner_id,
            "dealer_name": c.card.dealer_name, "parent_card_id": c.parent_id,
            "parent_card_name": c.card.parent_card_name, "markup": c.markup.map(markup_rule),
            "allow_below_cost": c.card.allow_below_cost,
        })
    }
}

/// A card of the caller's own subtree, locked until commit: 404 when not visible, 403 for a
/// provider card (handed down from above, changed only there).
async fn owned_card(tx: &mut WriteTx, scope: &Scope, id: &str) -> StoreResult<CardRow> {
    let card = tx.lock_card(scope, id).await?;
    if !card.owned {
        return Err(Refusal::Forbidden(
            "this is your provider card: only the dealer above you can change it".into(),
        )
        .into());
    }
    Ok(card)
}

/// A card as this transaction sees it, or 404.
async fn reload(tx: &mut WriteTx, scope: &Scope, id: &str) -> StoreResult<CardRow> {
    tx.card(scope, id).await?.ok_or(StoreError::NotFound)
}

/// Lists the cards the caller may see: those owned in its subtree, and those handed to its
/// dealer (as `provider` cards).
pub async fn list(
    st: &AppState,
    caller: &Caller,
    filter: RateCardFilter,
    paging: Paging,
) -> ApiResult<Page<RateCard>> {
    visible::filter_dealer(st, caller, filter.dealer_id.as_deref()).await?;
    page_of(caller, paging, async |page| {
        st.store.list_rate_cards(&caller.scope, &filter, page).await
    })
    .await
}

pub async fn get(st: &AppState, caller: &Caller, id: &str) -> ApiResult<RateCard> {
    visible::seen(caller, visible::rate_card(st, caller, id).await)
}

/// Creates a carrier card (provider only) or derives a customer card from a parent card that
/// `dealer_id` owns or was handed; its markup is checked against cost.
pub async fn create(st: &AppState, caller: &Caller, new: NewRateCard) -> ApiResult<RateCard> {
    visible::dealer(st, caller, &new.dealer_id).await?;
    if let Some(p) = &new.parent_card_id {
        visible::rate_card(st, caller, p).await?;
    }
    Ok(create_in(authorized(st, caller)?, new).await?)
}

/// Creates a card under the rules, as `at.actor` in `at.scope`.
pub async fn create_in(at: Acting<'_>, new: NewRateCard) -> StoreResult<RateCard> {
    let card = in_shared_commit(at, move |tx, at| Box::pin(create_with(tx, at, new))).await?;
    at.store.complete(card).await
}

/// Creates a card in an open transaction, its event recorded but not committed.
pub async fn create_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    new: NewRateCard,
) -> StoreResult<CardRow> {
    let name = validate::name("name", &new.name)?;
    let dealer = tx.lock_dealer(Some(at.scope), &new.dealer_id).await?;
    let (currency, parent, markup) = match (&new.parent_card_id, new.kind) {
        (None, Some(RateCardKind::Carrier)) => {
            if dealer.level != Level::Provider {
                return Err(FieldError::new(
                    "kind",
                    "carrier cards belong to the provider; derive a customer card instead",
                )
                .into());
            }
            (currency(new.currency.as_deref())?, None, None)
        }
        (None, _) => {
            return Err(FieldError::new(
                "parent_card_id",
                "is required for a customer card (or send kind \"carrier\")",
            )
            .into());
        }
        (Some(parent_id), _) => {
            let parent = reload(tx, at.scope, parent_id).await?;
            if !tx.card_usable_by(&parent, &dealer.id).await? {
                return Err(FieldError::new(
                    "parent_card_id",
                    format!(
                        "names {}, which {} neither owns nor was handed",
                        parent.card.name, dealer.name
                    ),
                )
                .into());
            }
            let rule = new
                .markup
                .as_ref()
                .ok_or_else(|| FieldError::new("markup", "is required for a customer card"))?;
            let markup = parse_markup(rule)?;
            check_cost(tx, &parent, markup, new.allow_below_cost).await?;
            let parent_ids = (parent.card.id.clone(), parent.root_id.clone());
            (parent.card.currency.clone(), Some(parent_ids), Some(markup))
        }
    };
    let row = CardInsert {
        dealer_id: dealer.id.clone(),
        name,
        currency,
        allow_below_cost: new.allow_below_cost && parent.is_some(),
        parent,
        markup,
    };
    let card = tx.insert_card(at.scope, &row).await?;
    record_created(tx, at.actor, &dealer.path, "rate_card.create", &card).await?;
    Ok(card)
}

/// Renames a card or changes a customer card's markup (checked against cost again, and every
/// card priced through it too).
pub async fn update(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    patch: RateCardPatch,
) -> ApiResult<RateCard> {
    visible::rate_card(st, caller, id).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    let after = update_with(&mut tx, at, id, if_version, patch).await?;
    tx.commit().await?;
    Ok(at.store.complete(after).await?)
}

/// Changes a card in an open transaction, its event recorded but not committed.
pub async fn update_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: RateCardPatch,
) -> StoreResult<CardRow> {
    let before = owned_card(tx, at.scope, id).await?;
    check_version(if_version, before.card.version)?;
    let name = patch
        .name
        .as_deref()
        .map(|n| validate::name("name", n))
        .transpose()?;
    let mut markup = None;
    if patch.markup.is_some() || patch.allow_below_cost.is_some() {
        let Some(parent_id) = &before.parent_id else {
            return Err(FieldError::new("markup", "a carrier card has rates, not a markup").into());
        };
        let m = match &patch.markup {
            Some(rule) => parse_markup(rule)?,
            None => before
                .markup
                .ok_or_else(|| StoreError::Corrupt("a customer card without a markup".into()))?,
        };
        let allow = patch
            .allow_below_cost
            .unwrap_or(before.card.allow_below_cost);
        let parent = reload(tx, at.scope, parent_id).await?;
        check_cost(tx, &parent, m, allow).await?;
        markup = Some((m, allow));
    }
    tx.update_card(id, name.as_deref(), markup).await?;
    if patch.markup.is_some() {
        check_downstream(tx, &before.root_id, id).await?;
    }
    let after = reload(tx, at.scope, id).await?;
    let path = tx.dealer_path(&before.owner_id).await?;
    record_updated(tx, at.actor, &path, "rate_card.update", &before, &after).await?;
    Ok(after)
}

/// Deletes a card nothing derives from, is handed to or bills with (else 409 `card_in_use`).
pub async fn delete(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
) -> ApiResult<()> {
    visible::rate_card(st, caller, id).await?;
    let at = authorized(st, caller)?;
    let mut tx = at.store.write().await?;
    delete_with(&mut tx, at, id, if_version).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a card in an open transaction, its event recorded but not committed.
pub async fn delete_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
) -> StoreResult<()> {
    let before = owned_card(tx, at.scope, id).await?;
    check_version(if_version, before.card.version)?;
    let uses = tx.card_uses(id, None).await?;
    if uses.derived + uses.dealers + uses.tenants > 0 {
        return Err(Refusal::CardInUse(format!(
            "{} derived card(s), {} dealer(s) and {} tenant(s)",
            uses.derived, uses.dealers, uses.tenants
        ))
        .into());
    }
    tx.delete_card(id).await?;
    let path = tx.dealer_path(&before.owner_id).await?;
    record_deleted(tx, at.actor, &path, "rate_card.delete", &before).await
}

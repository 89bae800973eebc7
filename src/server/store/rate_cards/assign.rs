//! Handing a card to a dealer one level below its owner, or billing a tenant with it.

use serde_json::json;

use super::cards::card_uses;
use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::store::audit::Event;
use crate::server::store::common::*;
use crate::server::store::sql::Sql;
use crate::server::store::{Actor, Refusal, Scope, SqlStore, StoreError, StoreResult};

impl SqlStore {
    pub(in crate::server::store) async fn assign_card(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        to: &RateCardAssignment,
    ) -> StoreResult<RateCard> {
        let mut tx = self.begin_write().await?;
        match (&to.dealer_id, &to.tenant_id) {
            (Some(dealer_id), None) => {
                let card = self.owned_card(&mut tx, scope, id).await?;
                let dealer = dealer_head(&mut tx, Some(scope), dealer_id, self.lock_rows())
                    .await?
                    .ok_or(StoreError::NotFound)?;
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
                if to.unassign {
                    let derived =
                        card_uses(&mut tx, "rate_cards", "parent_id", id, Some(dealer_id)).await?;
                    let tenants =
                        card_uses(&mut tx, "tenants", "rate_card_id", id, Some(dealer_id)).await?;
                    if derived + tenants > 0 {
                        return Err(Refusal::CardInUse(format!(
                            "{derived} card(s) and {tenants} tenant(s) of {}",
                            dealer.name
                        ))
                        .into());
                    }
                    Sql::new("DELETE FROM rate_card_dealers WHERE card_id = ")
                        .bind(id)
                        .push(" AND dealer_id = ")
                        .bind(dealer_id)
                        .execute(&mut *tx)
                        .await?;
                } else {
                    Sql::new("INSERT INTO rate_card_dealers (card_id, dealer_id) VALUES (")
                        .bind(id)
                        .push(", ")
                        .bind(dealer_id)
                        .push(") ON CONFLICT DO NOTHING")
                        .execute(&mut *tx)
                        .await?;
                }
                crate::server::store::audit::record_for_dealer(
                    &mut tx,
                    actor,
                    &card.owner_id,
                    Event::new(
                        if to.unassign {
                            "rate_card.unassign"
                        } else {
                            "rate_card.assign"
                        },
                        "rate_card",
                        id,
                        &card.card.name,
                    )
                    .after(json!({ "dealer_id": dealer.id, "dealer_name": dealer.name })),
                )
                .await?;
            }
            (None, Some(tenant_id)) => {
                let (dealer, tenant) = self.lock_tenant(&mut tx, scope, tenant_id).await?;
                let new_card = if to.unassign {
                    if tenant.rate_card_id.as_deref() != Some(id) {
                        return Err(
                            FieldError::new("tenant_id", "is not billed with this card").into()
                        );
                    }
                    None
                } else {
                    Some(
                        self.card_for_tenant(&mut tx, scope, id, &dealer.id, &dealer.name)
                            .await?
                            .card
                            .id,
                    )
                };
                self.set_tenant_card(&mut tx, actor, &dealer, &tenant, new_card)
                    .await?;
            }
            _ => {
                return Err(
                    FieldError::new("dealer_id", "name either a dealer_id or a tenant_id").into(),
                );
            }
        }
        let after = self
            .card_in(&mut *tx, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.finish(after).await
    }
}

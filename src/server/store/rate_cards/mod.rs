//! Rate cards. A carrier card holds rates; a customer card holds only a markup over its parent, so
//! its rates are computed from the carrier at the top of its chain on every read and can never be
//! stale. A card handed to the caller's own dealer is shown as a provider card, with nothing of
//! what lies upstream of it.

mod assign;
mod cards;
mod pricing;

use async_trait::async_trait;
use serde_json::json;

use super::audit::{Event, record};
use super::common::*;
use super::rows::{new_id, now_micros};
use super::sql::{Arg, Sql, insert_rows};
use super::{Actor, PageRequest, RateCardStore, Refusal, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::rates::Rate;
use crate::domain::validate::{self, FieldError};
use crate::model::*;
use cards::card_uses;

pub use cards::parse_markup;
pub(super) use cards::*;
pub use pricing::PricedRate;

#[async_trait]
impl RateCardStore for SqlStore {
    async fn list_rate_cards(
        &self,
        scope: &Scope,
        f: &RateCardFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<RateCard>> {
        let mut filter = Sql::new(" WHERE ");
        push_visible(&mut filter, scope);
        if let Some(d) = &f.dealer_id {
            filter
                .push(" AND (c.dealer_id = ")
                .bind(d)
                .push(" OR EXISTS (SELECT 1 FROM rate_card_dealers h2 WHERE h2.card_id = c.id AND h2.dealer_id = ")
                .bind(d)
                .push("))");
        }
        match f.kind {
            None => {}
            Some(RateCardKind::Provider) => {
                filter.push(" AND NOT ");
                push_in_scope(&mut filter, scope, "c.dealer_id");
            }
            Some(k) => {
                filter.push(" AND ");
                push_in_scope(&mut filter, scope, "c.dealer_id");
                filter.push(if k == RateCardKind::Carrier {
                    " AND c.parent_id IS NULL"
                } else {
                    " AND c.parent_id IS NOT NULL"
                });
            }
        }
        push_search(&mut filter, page.q.as_deref(), &["c.name"]);
        let listing = Listing {
            select: card_select(scope),
            count_from: "rate_cards c",
            key: "c.name",
            id: "c.id",
        };
        let (rows, total, more) = fetch_page(&self.read, &listing, &filter, page).await?;
        let mut cards = rows
            .iter()
            .map(card_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        self.with_assignments(&mut cards).await?;
        let items = cards.into_iter().map(|c| c.card).collect();
        Ok(into_page(items, total, more, |c: &RateCard| {
            (&c.name, &c.id)
        }))
    }

    async fn get_rate_card(&self, scope: &Scope, id: &str) -> StoreResult<Option<RateCard>> {
        match self.card_in(&self.read, scope, id).await? {
            Some(c) => self.finish(c).await.map(Some),
            None => Ok(None),
        }
    }

    async fn create_rate_card(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: NewRateCard,
    ) -> StoreResult<RateCard> {
        let name = validate::name("name", &new.name)?;
        let mut tx = self.begin_write().await?;
        let dealer = dealer_head(&mut tx, Some(scope), &new.dealer_id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = new_id("rc");
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
                let parent = self
                    .card_in(&mut *tx, scope, parent_id)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                if !self.usable_by(&mut tx, &parent, &dealer.id).await? {
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
                self.check_cost(&mut tx, &parent, markup, new.allow_below_cost)
                    .await?;
                (parent.card.currency.clone(), Some(parent), Some(markup))
            }
        };
        let root_id = parent.as_ref().map_or(id.clone(), |p| p.root_id.clone());
        let (mtype, mvalue) = match markup.map(markup_columns) {
            Some((t, v)) => (Some(t), Some(v)),
            None => (None, None),
        };
        let now = now_micros();
        let mut s = Sql::new(
            "INSERT INTO rate_cards (id, dealer_id, name, currency, parent_id, root_id, rate_count, \
             markup_type, markup_value, allow_below_cost, created_at, updated_at, version) VALUES (",
        );
        s.bind(id.as_str())
            .push(", ")
            .bind(dealer.id.as_str())
            .push(", ")
            .bind(name.as_str())
            .push(", ")
            .bind(currency)
            .push(", ")
            .bind(parent.as_ref().map(|p| p.card.id.clone()))
            .push(", ")
            .bind(root_id)
            .push(", 0, ")
            .bind(mtype)
            .push(", ")
            .bind(mvalue)
            .push(", ")
            .bind(new.allow_below_cost && parent.is_some())
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(", 1)");
        s.execute(&mut *tx).await?;
        let card = self.reload(&mut tx, scope, &id).await?;
        record(
            &mut tx,
            actor,
            &dealer.path,
            Event::new("rate_card.create", "rate_card", &id, &card.card.name)
                .after(snapshot(&card)),
        )
        .await?;
        tx.commit().await?;
        self.finish(card).await
    }

    async fn update_rate_card(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
        patch: RateCardPatch,
    ) -> StoreResult<RateCard> {
        let mut tx = self.begin_write().await?;
        let before = self.owned_card(&mut tx, scope, id).await?;
        check_version(if_version, before.card.version)?;
        let mut s = Sql::new("UPDATE rate_cards SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(n) = &patch.name {
            s.push(", name = ").bind(validate::name("name", n)?);
        }
        if patch.markup.is_some() || patch.allow_below_cost.is_some() {
            let Some(parent_id) = &before.parent_id else {
                return Err(
                    FieldError::new("markup", "a carrier card has rates, not a markup").into(),
                );
            };
            let markup = match &patch.markup {
                Some(rule) => parse_markup(rule)?,
                None => before.markup.ok_or_else(|| {
                    StoreError::Corrupt("a customer card without a markup".into())
                })?,
            };
            let allow = patch
                .allow_below_cost
                .unwrap_or(before.card.allow_below_cost);
            let parent = self.reload(&mut tx, scope, parent_id).await?;
            self.check_cost(&mut tx, &parent, markup, allow).await?;
            let (t, v) = markup_columns(markup);
            s.push(", markup_type = ")
                .bind(t)
                .push(", markup_value = ")
                .bind(v)
                .push(", allow_below_cost = ")
                .bind(allow);
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *tx).await?;
        if patch.markup.is_some() {
            self.check_downstream(&mut tx, &before.root_id, id).await?;
        }
        let after = self.reload(&mut tx, scope, id).await?;
        super::audit::record_for_dealer(
            &mut tx,
            actor,
            &before.owner_id,
            Event::new("rate_card.update", "rate_card", id, &after.card.name)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        self.finish(after).await
    }

    async fn delete_rate_card(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let before = self.owned_card(&mut tx, scope, id).await?;
        check_version(if_version, before.card.version)?;
        let derived = card_uses(&mut tx, "rate_cards", "parent_id", id, None).await?;
        let dealers = card_uses(&mut tx, "rate_card_dealers", "card_id", id, None).await?;
        let tenants = card_uses(&mut tx, "tenants", "rate_card_id", id, None).await?;
        if derived + dealers + tenants > 0 {
            return Err(Refusal::CardInUse(format!(
                "{derived} derived card(s), {dealers} dealer(s) and {tenants} tenant(s)"
            ))
            .into());
        }
        Sql::new("DELETE FROM rates WHERE card_id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Sql::new("DELETE FROM rate_cards WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        super::audit::record_for_dealer(
            &mut tx,
            actor,
            &before.owner_id,
            Event::new("rate_card.delete", "rate_card", id, &before.card.name)
                .before(snapshot(&before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_rates(
        &self,
        scope: &Scope,
        id: &str,
        prefix: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<RateRow>> {
        self.page_of_rates(scope, id, prefix, page).await
    }

    async fn all_rates(
        &self,
        scope: &Scope,
        id: &str,
        prefix: Option<&str>,
    ) -> StoreResult<Vec<PricedRate>> {
        self.every_rate(scope, id, prefix).await
    }

    async fn rate_for_number(
        &self,
        scope: &Scope,
        id: &str,
        number: &str,
    ) -> StoreResult<Option<PricedRate>> {
        self.rate_of_number(scope, id, number).await
    }

    async fn replace_rates(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        new_rates: Vec<Rate>,
    ) -> StoreResult<RateCard> {
        let mut tx = self.begin_write().await?;
        let before = self.owned_card(&mut tx, scope, id).await?;
        if before.parent_id.is_some() {
            return Err(FieldError::new(
                "rates",
                "a customer card prices from its parent; change its markup instead",
            )
            .into());
        }
        if new_rates.is_empty() {
            return Err(FieldError::new(
                "rates",
                "holds no rates: a carrier card is never emptied by an import",
            )
            .into());
        }
        Sql::new("DELETE FROM rates WHERE card_id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let rows = new_rates
            .iter()
            .map(|r| {
                vec![
                    Arg::from(id),
                    r.prefix.as_str().into(),
                    r.destination.as_str().into(),
                    r.rate.micros().into(),
                    r.connection_fee.micros().into(),
                    i64::from(r.increment_first).into(),
                    i64::from(r.increment_next).into(),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "rates",
            &[
                "card_id",
                "prefix",
                "destination",
                "rate",
                "connection_fee",
                "increment_first",
                "increment_next",
            ],
            rows,
        )
        .await?;
        self.check_downstream(&mut tx, id, id).await?;
        Sql::new("UPDATE rate_cards SET version = version + 1, rate_count = ")
            .bind(new_rates.len() as i64)
            .push(", updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let after = self.reload(&mut tx, scope, id).await?;
        super::audit::record_for_dealer(
            &mut tx,
            actor,
            &before.owner_id,
            Event::new("rate_card.import", "rate_card", id, &after.card.name)
                .before(json!({ "rate_count": before.card.rate_count }))
                .after(json!({ "rate_count": after.card.rate_count })),
        )
        .await?;
        tx.commit().await?;
        self.finish(after).await
    }

    async fn assign_rate_card(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        to: &RateCardAssignment,
    ) -> StoreResult<RateCard> {
        self.assign_card(scope, actor, id, to).await
    }
}

//! The SQL of rate card writes, as primitives on a write transaction (`ops::rate_cards` holds
//! the rules: who may use a card, the below-cost checks, what a card may be handed to).

use crate::domain::rates::{Markup, Rate};
use crate::model::RateCardId;
use crate::server::store::Scope;
use crate::server::store::rows::{RowExt, new_id, now_micros};
use crate::server::store::sql::{Arg, Sql, insert_row, insert_rows};
use crate::server::store::{StoreError, StoreResult, WriteTx};

use super::cards::*;
use super::pricing::rate_from_row;

/// A checked card to insert: a carrier card (no parent, no markup) or a customer card.
#[derive(Debug, Clone)]
pub struct CardInsert {
    pub dealer_id: String,
    pub name: String,
    pub currency: String,
    pub parent: Option<(RateCardId, RateCardId)>,
    pub markup: Option<Markup>,
    pub allow_below_cost: bool,
}

/// One card priced from a carrier, as the below-cost check of a change walks them.
#[derive(Debug, Clone)]
pub struct FamilyCard {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub markup: Option<Markup>,
    pub allow_below_cost: bool,
}

/// What uses a card: cards derived from it, dealers it is handed to, tenants it bills.
#[derive(Debug, Clone, Copy)]
pub struct CardUses {
    pub derived: i64,
    pub dealers: i64,
    pub tenants: i64,
}

impl WriteTx {
    /// A rate card the scope may see (owned inside it, or handed to its dealer), if any.
    pub async fn card(&mut self, scope: &Scope, id: &str) -> StoreResult<Option<CardRow>> {
        self.store.card_in(&mut *self.tx, scope, id).await
    }

    /// Locks a card's row until commit, then reads it as the scope sees it.
    pub async fn lock_card(&mut self, scope: &Scope, id: &str) -> StoreResult<CardRow> {
        self.store.lock_row(&mut self.tx, "rate_cards", id).await?;
        self.card(scope, id).await?.ok_or(StoreError::NotFound)
    }

    /// Whether `dealer_id` owns the card or was handed it.
    pub async fn card_usable_by(&mut self, card: &CardRow, dealer_id: &str) -> StoreResult<bool> {
        self.store.usable_by(&mut self.tx, card, dealer_id).await
    }

    /// Every rate a card sells at, as the scope sees it (through its chain of markups).
    pub async fn card_rates(&mut self, card: &CardRow) -> StoreResult<Vec<Rate>> {
        Ok(self
            .store
            .priced_rates(&mut self.tx, card, None)
            .await?
            .into_iter()
            .map(|p| p.sell)
            .collect())
    }

    /// The cards priced from the carrier `root_id`, and the carrier's own rates in prefix order.
    pub async fn card_family(
        &mut self,
        root_id: &str,
    ) -> StoreResult<(Vec<FamilyCard>, Vec<Rate>)> {
        let cards = Sql::new(
            "SELECT id, name, parent_id, markup_type, markup_value, allow_below_cost \
             FROM rate_cards WHERE root_id = ",
        )
        .bind(root_id)
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(|c| {
            Ok(FamilyCard {
                id: c.text("id")?,
                name: c.text("name")?,
                parent_id: c.opt_text("parent_id")?,
                markup: markup_of(c.opt_text("markup_type")?, c.opt_int("markup_value")?)?,
                allow_below_cost: c.flag("allow_below_cost")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let rates = Sql::new(
            "SELECT prefix, destination, rate, connection_fee, increment_first, increment_next \
             FROM rates r WHERE r.card_id = ",
        )
        .bind(root_id)
        .push(" ORDER BY r.prefix")
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(rate_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        Ok((cards, rates))
    }

    /// Inserts a card with no rates and reads it back as the scope sees it.
    pub async fn insert_card(&mut self, scope: &Scope, c: &CardInsert) -> StoreResult<CardRow> {
        let id = new_id("rc");
        let (parent_id, root_id) = match &c.parent {
            Some((parent, root)) => (Some(parent.clone()), root.clone()),
            None => (None, RateCardId::from(id.as_str())),
        };
        let (mtype, mvalue) = match c.markup.map(markup_columns) {
            Some((t, v)) => (Some(t), Some(v)),
            None => (None, None),
        };
        let now = now_micros();
        let s = insert_row(
            "rate_cards",
            vec![
                ("id", id.as_str().into()),
                ("dealer_id", c.dealer_id.as_str().into()),
                ("name", c.name.as_str().into()),
                ("currency", c.currency.as_str().into()),
                ("parent_id", parent_id.into()),
                ("root_id", root_id.into()),
                ("rate_count", 0.into()),
                ("markup_type", mtype.into()),
                ("markup_value", mvalue.into()),
                ("allow_below_cost", c.allow_below_cost.into()),
                ("created_at", now.into()),
                ("updated_at", now.into()),
                ("version", 1.into()),
            ],
        );
        s.execute(&mut *self.tx).await?;
        self.card(scope, &id).await?.ok_or(StoreError::NotFound)
    }

    /// Renames a card and (for a customer card) sets its markup; bumps the version.
    pub async fn update_card(
        &mut self,
        id: &str,
        name: Option<&str>,
        markup: Option<(Markup, bool)>,
    ) -> StoreResult<()> {
        let mut s = Sql::new("UPDATE rate_cards SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(n) = name {
            s.push(", name = ").bind(n);
        }
        if let Some((markup, allow)) = markup {
            let (t, v) = markup_columns(markup);
            s.push(", markup_type = ")
                .bind(t)
                .push(", markup_value = ")
                .bind(v)
                .push(", allow_below_cost = ")
                .bind(allow);
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// What uses a card (only what belongs to `dealer_id`, when given).
    pub async fn card_uses(&mut self, id: &str, dealer_id: Option<&str>) -> StoreResult<CardUses> {
        Ok(CardUses {
            derived: card_uses(&mut self.tx, "rate_cards", "parent_id", id, dealer_id).await?,
            dealers: card_uses(&mut self.tx, "rate_card_dealers", "card_id", id, dealer_id).await?,
            tenants: card_uses(&mut self.tx, "tenants", "rate_card_id", id, dealer_id).await?,
        })
    }

    /// Deletes a card and its rates.
    pub async fn delete_card(&mut self, id: &str) -> StoreResult<()> {
        for table_where in ["rates WHERE card_id", "rate_cards WHERE id"] {
            Sql::new(&format!("DELETE FROM {table_where} = "))
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Replaces a carrier card's rates, bumps its version and sets its count.
    pub async fn replace_rates(&mut self, id: &str, rates: &[Rate]) -> StoreResult<()> {
        Sql::new("DELETE FROM rates WHERE card_id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        let rows = rates
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
            &mut self.tx,
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
        Ok(())
    }

    /// Sets a carrier card's rate count after an import; bumps the version.
    pub async fn set_rate_count(&mut self, id: &str, count: i64) -> StoreResult<()> {
        Sql::new("UPDATE rate_cards SET version = version + 1, rate_count = ")
            .bind(count)
            .push(", updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Hands a card to a dealer (no error when it already has it).
    pub async fn hand_card(&mut self, id: &str, dealer_id: &str) -> StoreResult<()> {
        Sql::new("INSERT INTO rate_card_dealers (card_id, dealer_id) VALUES (")
            .bind(id)
            .push(", ")
            .bind(dealer_id)
            .push(") ON CONFLICT DO NOTHING")
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Takes a card back from a dealer it was handed to.
    pub async fn take_card_back(&mut self, id: &str, dealer_id: &str) -> StoreResult<()> {
        Sql::new("DELETE FROM rate_card_dealers WHERE card_id = ")
            .bind(id)
            .push(" AND dealer_id = ")
            .bind(dealer_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Bills a tenant with another card (or none); bumps the tenant's version.
    pub async fn set_tenant_card(
        &mut self,
        tenant_id: &str,
        card_id: Option<&str>,
    ) -> StoreResult<()> {
        Sql::new("UPDATE tenants SET rate_card_id = ")
            .bind(card_id)
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(tenant_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

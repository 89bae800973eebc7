//! Rate cards. A carrier card holds rates; a customer card holds only a markup over its parent, so
//! its rates are computed from the carrier at the top of its chain on every read and can never be
//! stale. A card handed to the caller's own dealer is shown as a provider card, with nothing of
//! what lies upstream of it. Scoped reads here; the SQL of the writes is in `writes`.

mod cards;
mod pricing;
mod writes;

use async_trait::async_trait;

use super::common::*;
use super::sql::Sql;
use super::{PageRequest, RateCardStore, Scope, SqlStore, StoreResult};
use crate::model::*;

pub(super) use cards::*;
pub use cards::{CardRow, markup_rule};
pub use pricing::PricedRate;
pub use writes::{CardInsert, CardUses, FamilyCard};

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

    async fn complete(&self, mut card: CardRow) -> StoreResult<RateCard> {
        self.with_assignments(std::slice::from_mut(&mut card))
            .await?;
        Ok(card.card)
    }
}

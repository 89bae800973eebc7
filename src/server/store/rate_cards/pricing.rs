//! Pricing: a card's rates computed through its chain of markups from the carrier at the top, on
//! every read.

use super::cards::*;
use crate::domain::money::Money;
use crate::domain::rates::{self, Markup, Rate};
use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::store::rows::{RowExt, decode_cursor, encode_cursor};
use crate::server::store::sql::Sql;
use crate::server::store::{PageRequest, Scope, SqlStore, StoreError, StoreResult};

/// A rate as sold, and what it costs the seller when the caller may see that.
pub struct PricedRate {
    pub sell: Rate,
    pub cost: Option<Rate>,
}

impl PricedRate {
    pub fn to_row(&self) -> RateRow {
        let s = &self.sell;
        RateRow {
            prefix: s.prefix.clone(),
            destination: s.destination.clone(),
            rate: s.rate.to_string(),
            connection_fee: s.connection_fee.to_string(),
            increment_first: s.increment_first,
            increment_next: s.increment_next,
            cost: self.cost.as_ref().map(|c| c.rate.to_string()),
            margin: self
                .cost
                .as_ref()
                .map(|c| Money(s.rate.micros().saturating_sub(c.rate.micros())).to_string()),
        }
    }
}

pub(in crate::server::store) fn rate_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Rate> {
    let secs = |c: &str| -> StoreResult<u32> {
        u32::try_from(row.int(c)?).map_err(|_| StoreError::Corrupt(format!("{c} out of range")))
    };
    Ok(Rate {
        prefix: row.text("prefix")?,
        destination: row.text("destination")?,
        rate: Money(row.int("rate")?),
        connection_fee: Money(row.int("connection_fee")?),
        increment_first: secs("increment_first")?,
        increment_next: secs("increment_next")?,
    })
}

/// The prefix range `[p, next(p))`: every digit string starting with `p`. The bound is itself a
/// digit string, so the range holds under any collation.
pub(in crate::server::store) fn push_prefix_range(s: &mut Sql, prefix: Option<&str>) {
    if let Some(p) = prefix.map(str::trim).filter(|p| !p.is_empty()) {
        s.push(" AND r.prefix >= ").bind(p);
        if let Some(next) = next_prefix(p) {
            s.push(" AND r.prefix < ").bind(next);
        }
    }
}

/// The first digit string after every string starting with `p` (`2019` → `202`); none for `99…`.
pub(in crate::server::store) fn next_prefix(p: &str) -> Option<String> {
    let kept = p.trim_end_matches('9');
    let last = kept.chars().last()?;
    let bumped = char::from_digit(last.to_digit(10)? + 1, 10)?;
    Some(format!("{}{bumped}", &kept[..kept.len() - 1]))
}

/// Where a caller may read a card through: its chain of markups from the carrier down.
pub(in crate::server::store) struct Chain {
    root_id: String,
    /// Outermost last: the card's own markup is the last one.
    markups: Vec<Markup>,
}

impl Chain {
    fn price(&self, carrier: Rate, with_cost: bool) -> PricedRate {
        let (sell, cost) = rates::sell_and_cost(carrier, &self.markups, with_cost);
        PricedRate { sell, cost }
    }
}

impl SqlStore {
    pub(in crate::server::store) async fn chain(
        &self,
        conn: &mut sqlx::AnyConnection,
        card: &CardRow,
    ) -> StoreResult<Chain> {
        let mut markups = Vec::new();
        let mut next = card.markup.map(|m| (m, card.parent_id.clone()));
        while let Some((m, parent)) = next.take() {
            markups.push(m);
            let Some(parent) = parent else {
                return Err(StoreError::Corrupt("a markup without a parent card".into()));
            };
            let row =
                Sql::new("SELECT parent_id, markup_type, markup_value FROM rate_cards WHERE id = ")
                    .bind(parent)
                    .fetch_one(&mut *conn)
                    .await?;
            if let Some(pm) = markup_of(row.opt_text("markup_type")?, row.opt_int("markup_value")?)?
            {
                next = Some((pm, row.opt_text("parent_id")?.map(Into::into)));
            }
            if markups.len() > 64 {
                return Err(StoreError::Corrupt(
                    "a rate card chain deeper than 64".into(),
                ));
            }
        }
        markups.reverse();
        Ok(Chain {
            root_id: card.root_id.to_string(),
            markups,
        })
    }

    /// Every rate of a card as the caller sees it (prefix order), optionally under a prefix.
    pub(in crate::server::store) async fn priced_rates(
        &self,
        conn: &mut sqlx::AnyConnection,
        card: &CardRow,
        prefix: Option<&str>,
    ) -> StoreResult<Vec<PricedRate>> {
        let chain = self.chain(conn, card).await?;
        let mut s = Sql::new(
            "SELECT prefix, destination, rate, connection_fee, increment_first, increment_next \
             FROM rates r WHERE r.card_id = ",
        );
        s.bind(chain.root_id.as_str());
        push_prefix_range(&mut s, prefix);
        s.push(" ORDER BY r.prefix");
        let rows = s.fetch_all(&mut *conn).await?;
        rows.iter()
            .map(|r| Ok(chain.price(rate_from_row(r)?, card.owned)))
            .collect()
    }

    pub(in crate::server::store) async fn page_of_rates(
        &self,
        scope: &Scope,
        id: &str,
        prefix: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<RateRow>> {
        let mut conn = self.read.acquire().await?;
        let card = self
            .card_in(&mut *conn, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let chain = self.chain(&mut conn, &card).await?;
        let mut filter = Sql::new(" WHERE r.card_id = ");
        filter.bind(chain.root_id.as_str());
        push_prefix_range(&mut filter, prefix);
        let total = Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM rates r")
            .append(&filter)
            .fetch_one(&mut *conn)
            .await?
            .int("n")?;
        let mut s = Sql::new(
            "SELECT prefix, destination, rate, connection_fee, increment_first, increment_next FROM rates r",
        );
        s.append(&filter);
        if let Some(c) = &page.cursor {
            let (after, _) = decode_cursor(c)
                .ok_or_else(|| FieldError::new("cursor", "is not a cursor from this server"))?;
            s.push(" AND r.prefix > ").bind(after);
        }
        s.push(" ORDER BY r.prefix LIMIT ").bind(page.limit + 1);
        let mut rows = s.fetch_all(&mut *conn).await?;
        let more = rows.len() as i64 > page.limit;
        rows.truncate(page.limit as usize);
        let items = rows
            .iter()
            .map(|r| Ok(chain.price(rate_from_row(r)?, card.owned).to_row()))
            .collect::<StoreResult<Vec<_>>>()?;
        let next_cursor = more
            .then(|| items.last().map(|r: &RateRow| encode_cursor(&r.prefix, "")))
            .flatten();
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    pub(in crate::server::store) async fn every_rate(
        &self,
        scope: &Scope,
        id: &str,
        prefix: Option<&str>,
    ) -> StoreResult<Vec<PricedRate>> {
        let mut conn = self.read.acquire().await?;
        let card = self
            .card_in(&mut *conn, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.priced_rates(&mut conn, &card, prefix).await
    }

    pub(in crate::server::store) async fn rate_of_number(
        &self,
        scope: &Scope,
        id: &str,
        number: &str,
    ) -> StoreResult<Option<PricedRate>> {
        let mut conn = self.read.acquire().await?;
        let card = self
            .card_in(&mut *conn, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let digits: String = number
            .chars()
            .filter(|c| c.is_ascii_digit())
            .take(20)
            .collect();
        if digits.is_empty() {
            return Ok(None);
        }
        let chain = self.chain(&mut conn, &card).await?;
        let mut s = Sql::new(
            "SELECT prefix, destination, rate, connection_fee, increment_first, increment_next \
             FROM rates r WHERE r.card_id = ",
        );
        s.bind(chain.root_id.as_str()).push(" AND r.prefix IN (");
        for n in 1..=digits.len() {
            if n > 1 {
                s.push(", ");
            }
            s.bind(&digits[..n]);
        }
        s.push(") ORDER BY length(r.prefix) DESC LIMIT 1");
        let Some(row) = s.fetch_optional(&mut *conn).await? else {
            return Ok(None);
        };
        Ok(Some(chain.price(rate_from_row(&row)?, card.owned)))
    }
}

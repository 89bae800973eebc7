//! Rate cards. A carrier card holds rates; a customer card holds only a markup over its parent, so
//! its rates are computed from the carrier at the top of its chain on every read and can never be
//! stale. A card handed to the caller's own dealer is shown as a provider card, with nothing of
//! what lies upstream of it.

use async_trait::async_trait;
use serde_json::json;
use sqlx::{Any, Transaction};

use super::audit::{Event, record};
use super::common::*;
use super::rows::{RowExt, decode_cursor, encode_cursor, new_id, now_micros};
use super::sql::{Arg, Sql, insert_rows};
use super::{
    Actor, DownstreamCard, PageRequest, RateCardStore, Refusal, Scope, SqlStore, StoreError,
    StoreResult,
};
use crate::domain::money::Money;
use crate::domain::rates::{self, Markup, Rate};
use crate::domain::validate::{self, FieldError};
use crate::model::*;

/// How many below-cost prefixes a refusal lists.
const LISTED_PREFIXES: usize = 50;

/// A card row with what the caller may know of it.
pub(super) struct CardRow {
    pub card: RateCard,
    /// Owned inside the caller's scope (else handed to the caller's dealer from above).
    pub owned: bool,
    pub owner_id: String,
    pub root_id: String,
    pub parent_id: Option<String>,
    pub markup: Option<Markup>,
}

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

fn card_select(scope: &Scope) -> Sql {
    let mut s = Sql::new(
        "SELECT c.id, c.name, c.currency, c.dealer_id, d.name AS dealer_name, c.parent_id, \
         p.name AS parent_name, c.root_id, root.rate_count, c.markup_type, c.markup_value, \
         c.allow_below_cost, c.created_at, c.updated_at, c.version, \
         (CASE WHEN ",
    );
    push_in_scope(&mut s, scope, "c.dealer_id");
    s.push(" THEN 1 ELSE 0 END) AS owned, (SELECT CAST(COUNT(*) AS BIGINT) FROM tenants tc WHERE tc.rate_card_id = c.id AND ");
    push_in_scope(&mut s, scope, "tc.dealer_id");
    s.push(
        ") AS tenant_count \
         FROM rate_cards c JOIN dealers d ON d.id = c.dealer_id \
         JOIN rate_cards root ON root.id = c.root_id \
         LEFT JOIN rate_cards p ON p.id = c.parent_id",
    );
    s
}

/// `(owned in scope OR handed to the scope's dealer)`.
fn push_visible(s: &mut Sql, scope: &Scope) {
    s.push("(");
    push_in_scope(s, scope, "c.dealer_id");
    s.push(
        " OR EXISTS (SELECT 1 FROM rate_card_dealers h WHERE h.card_id = c.id AND h.dealer_id = ",
    )
    .bind(scope.dealer_id())
    .push("))");
}

fn markup_of(kind: Option<String>, value: Option<i64>) -> StoreResult<Option<Markup>> {
    Ok(match (kind.as_deref(), value) {
        (None, _) => None,
        (Some("percent"), Some(v)) => Some(Markup::Percent(v)),
        (Some("relative"), Some(v)) => Some(Markup::Relative(Money(v))),
        (Some("absolute"), Some(v)) => Some(Markup::Absolute(Money(v))),
        (Some(other), _) => return Err(StoreError::Corrupt(format!("markup `{other}`"))),
    })
}

fn markup_columns(m: Markup) -> (&'static str, i64) {
    match m {
        Markup::Percent(v) => ("percent", v),
        Markup::Relative(v) => ("relative", v.micros()),
        Markup::Absolute(v) => ("absolute", v.micros()),
    }
}

fn markup_rule(m: Markup) -> MarkupRule {
    let (kind, value) = markup_columns(m);
    MarkupRule {
        kind: match kind {
            "percent" => MarkupType::Percent,
            "relative" => MarkupType::Relative,
            _ => MarkupType::Absolute,
        },
        value: Money(value).to_string(),
    }
}

/// Checks a markup as the API sends it.
pub fn parse_markup(rule: &MarkupRule) -> Result<Markup, FieldError> {
    let m = Markup::parse(rule.kind.as_str(), &rule.value)
        .map_err(|why| FieldError::new("markup", why))?;
    let limit = Money::parse("1000000").map_err(|e| FieldError::new("markup", e.to_string()))?;
    let value = match m {
        Markup::Percent(p) => Money(p),
        Markup::Relative(v) | Markup::Absolute(v) => v,
    };
    if value.micros().abs() > limit.micros() {
        return Err(FieldError::new("markup", "is larger than 1000000"));
    }
    match m {
        Markup::Percent(p) if p <= -100 * crate::domain::money::MICROS => Err(FieldError::new(
            "markup",
            "a percent markup must stay above -100",
        )),
        Markup::Absolute(v) if v.micros() < 0 => Err(FieldError::new(
            "markup",
            "an absolute price cannot be negative",
        )),
        _ => Ok(m),
    }
}

fn card_from_row(row: &sqlx::any::AnyRow) -> StoreResult<CardRow> {
    let owned = row.flag("owned")?;
    let parent_id = row.opt_text("parent_id")?;
    let markup = markup_of(row.opt_text("markup_type")?, row.opt_int("markup_value")?)?;
    let kind = if !owned {
        RateCardKind::Provider
    } else if parent_id.is_none() {
        RateCardKind::Carrier
    } else {
        RateCardKind::Customer
    };
    let card = RateCard {
        id: row.text("id")?,
        kind,
        name: row.text("name")?,
        currency: row.text("currency")?,
        dealer_id: owned.then(|| row.text("dealer_id")).transpose()?,
        dealer_name: owned.then(|| row.text("dealer_name")).transpose()?,
        parent_card_id: if owned { parent_id.clone() } else { None },
        parent_card_name: if owned {
            row.opt_text("parent_name")?
        } else {
            None
        },
        markup: if owned { markup.map(markup_rule) } else { None },
        allow_below_cost: owned && row.flag("allow_below_cost")?,
        rate_count: row.int("rate_count")?,
        assigned_dealers: Vec::new(),
        tenant_count: row.int("tenant_count")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        version: row.int("version")?,
    };
    Ok(CardRow {
        card,
        owned,
        owner_id: row.text("dealer_id")?,
        root_id: row.text("root_id")?,
        parent_id,
        markup,
    })
}

fn rate_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Rate> {
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

fn snapshot(c: &CardRow) -> serde_json::Value {
    json!({
        "name": c.card.name, "currency": c.card.currency, "dealer_id": c.owner_id,
        "parent_card_id": c.parent_id, "markup": c.markup.map(markup_rule),
        "allow_below_cost": c.card.allow_below_cost,
    })
}

/// The prefix range `[p, next(p))`: every digit string starting with `p`. The bound is itself a
/// digit string, so the range holds under any collation.
fn push_prefix_range(s: &mut Sql, prefix: Option<&str>) {
    if let Some(p) = prefix.map(str::trim).filter(|p| !p.is_empty()) {
        s.push(" AND r.prefix >= ").bind(p);
        if let Some(next) = next_prefix(p) {
            s.push(" AND r.prefix < ").bind(next);
        }
    }
}

/// The first digit string after every string starting with `p` (`2019` → `202`); none for `99…`.
fn next_prefix(p: &str) -> Option<String> {
    let kept = p.trim_end_matches('9');
    let last = kept.chars().last()?;
    let bumped = char::from_digit(last.to_digit(10)? + 1, 10)?;
    Some(format!("{}{bumped}", &kept[..kept.len() - 1]))
}

/// Where a caller may read a card through: its chain of markups from the carrier down.
struct Chain {
    root_id: String,
    /// Outermost last: the card's own markup is the last one.
    markups: Vec<Markup>,
}

impl Chain {
    fn price(&self, carrier: Rate, with_cost: bool) -> PricedRate {
        let n = self.markups.len();
        let cost = (n > 0 && with_cost)
            .then(|| rates::price_through(std::slice::from_ref(&carrier), &self.markups[..n - 1]))
            .and_then(|v| v.into_iter().next());
        let sell = match (&cost, self.markups.last()) {
            (Some(c), Some(m)) => m.derive(c),
            _ => rates::price_through(std::slice::from_ref(&carrier), &self.markups)
                .into_iter()
                .next()
                .unwrap_or(carrier),
        };
        PricedRate { sell, cost }
    }
}

impl SqlStore {
    pub(super) async fn card_in<'e, E>(
        &self,
        e: E,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<Option<CardRow>>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let mut s = card_select(scope);
        s.push(" WHERE c.id = ").bind(id).push(" AND ");
        push_visible(&mut s, scope);
        let Some(row) = s.fetch_optional(e).await? else {
            return Ok(None);
        };
        card_from_row(&row).map(Some)
    }

    async fn with_assignments(&self, cards: &mut [CardRow]) -> StoreResult<()> {
        let owned: Vec<&str> = cards
            .iter()
            .filter(|c| c.owned)
            .map(|c| c.card.id.as_str())
            .collect();
        if owned.is_empty() {
            return Ok(());
        }
        let mut s = Sql::new(
            "SELECT a.card_id, d.id, d.name FROM rate_card_dealers a JOIN dealers d ON d.id = a.dealer_id \
             WHERE a.card_id IN (",
        );
        for (i, id) in owned.iter().enumerate() {
            if i > 0 {
                s.push(", ");
            }
            s.bind(*id);
        }
        s.push(") ORDER BY d.name, d.id");
        for row in s.fetch_all(&self.read).await? {
            let card_id = row.text("card_id")?;
            if let Some(c) = cards.iter_mut().find(|c| c.card.id == card_id) {
                c.card.assigned_dealers.push(NamedRef {
                    id: row.text("id")?,
                    name: row.text("name")?,
                });
            }
        }
        Ok(())
    }

    async fn chain(&self, conn: &mut sqlx::AnyConnection, card: &CardRow) -> StoreResult<Chain> {
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
                next = Some((pm, row.opt_text("parent_id")?));
            }
            if markups.len() > 64 {
                return Err(StoreError::Corrupt(
                    "a rate card chain deeper than 64".into(),
                ));
            }
        }
        markups.reverse();
        Ok(Chain {
            root_id: card.root_id.clone(),
            markups,
        })
    }

    /// Every rate of a card as the caller sees it (prefix order), optionally under a prefix.
    async fn priced_rates(
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

    /// Whether `dealer_id` may bill with or derive from the card: it owns it, or it was handed
    /// the card.
    pub(super) async fn usable_by(
        &self,
        tx: &mut Transaction<'static, Any>,
        card: &CardRow,
        dealer_id: &str,
    ) -> StoreResult<bool> {
        if card.owner_id == dealer_id {
            return Ok(true);
        }
        Ok(
            Sql::new("SELECT 1 AS x FROM rate_card_dealers WHERE card_id = ")
                .bind(card.card.id.as_str())
                .push(" AND dealer_id = ")
                .bind(dealer_id)
                .fetch_optional(&mut **tx)
                .await?
                .is_some(),
        )
    }

    /// A card the caller may bill a tenant of `dealer_id` with: 404 when not visible, 422 when
    /// the dealer may not use it.
    pub(super) async fn card_for_tenant(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        card_id: &str,
        dealer_id: &str,
        dealer_name: &str,
    ) -> StoreResult<CardRow> {
        let card = self
            .card_in(&mut **tx, scope, card_id)
            .await?
            .ok_or(StoreError::NotFound)?;
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
        if !self.usable_by(tx, &card, dealer_id).await? {
            return Err(FieldError::new(
                "rate_card_id",
                format!(
                    "names {}, which {dealer_name} neither owns nor was handed",
                    card.card.name
                ),
            )
            .into());
        }
        Ok(card)
    }

    async fn owned_card(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<CardRow> {
        self.lock_row(tx, "rate_cards", id).await?;
        let card = self
            .card_in(&mut **tx, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !card.owned {
            return Err(Refusal::Forbidden(
                "this is your provider card: only the dealer above you can change it".into(),
            )
            .into());
        }
        Ok(card)
    }

    /// Refuses a markup that sells below cost over the parent's rates, unless allowed.
    async fn check_cost(
        &self,
        tx: &mut Transaction<'static, Any>,
        parent: &CardRow,
        markup: Markup,
        allow: bool,
    ) -> StoreResult<()> {
        let costs: Vec<Rate> = self
            .priced_rates(tx, parent, None)
            .await?
            .into_iter()
            .map(|p| p.sell)
            .collect();
        check_markup(&costs, markup, allow).map_err(Into::into)
    }

    /// After a change to a card's rates or markup, checks every card priced through it: none may
    /// price below zero, nor below cost unless it allows that.
    async fn check_downstream(
        &self,
        tx: &mut Transaction<'static, Any>,
        root_id: &str,
        changed: &str,
    ) -> StoreResult<()> {
        let cards = Sql::new(
            "SELECT id, name, parent_id, markup_type, markup_value, allow_below_cost \
             FROM rate_cards WHERE root_id = ",
        )
        .bind(root_id)
        .fetch_all(&mut **tx)
        .await?;
        let mut children: std::collections::HashMap<String, Vec<&sqlx::any::AnyRow>> =
            std::collections::HashMap::new();
        for c in &cards {
            if let Some(p) = c.opt_text("parent_id")? {
                children.entry(p).or_default().push(c);
            }
        }
        let root_rates = Sql::new(
            "SELECT prefix, destination, rate, connection_fee, increment_first, increment_next \
             FROM rates r WHERE r.card_id = ",
        )
        .bind(root_id)
        .push(" ORDER BY r.prefix")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(rate_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        let mut offenders = Vec::new();
        // Depth first from the carrier: (card, its rates, whether it lies below the change).
        let mut stack = vec![(root_id.to_string(), root_rates, root_id == changed)];
        while let Some((id, costs, below_change)) = stack.pop() {
            for child in children.get(&id).map(Vec::as_slice).unwrap_or_default() {
                let Some(markup) = markup_of(
                    child.opt_text("markup_type")?,
                    child.opt_int("markup_value")?,
                )?
                else {
                    continue;
                };
                let child_id = child.text("id")?;
                if below_change
                    && let Err(why) = check_markup(&costs, markup, child.flag("allow_below_cost")?)
                {
                    offenders.push(DownstreamCard {
                        id: child_id.clone(),
                        name: child.text("name")?,
                        why: match why {
                            Refusal::BelowCost { count, prefixes } => {
                                format!("{count} prefix(es) below cost, first {}", prefixes[0])
                            }
                            Refusal::Invalid(e) => e.message,
                            other => format!("{other:?}"),
                        },
                    });
                }
                let sold = costs.iter().map(|c| markup.derive(c)).collect();
                let under = below_change || child_id == changed;
                stack.push((child_id, sold, under));
            }
        }
        if offenders.is_empty() {
            Ok(())
        } else {
            Err(Refusal::DownstreamBelowCost(offenders).into())
        }
    }

    async fn reload(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<CardRow> {
        self.card_in(&mut **tx, scope, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn finish(&self, mut card: CardRow) -> StoreResult<RateCard> {
        self.with_assignments(std::slice::from_mut(&mut card))
            .await?;
        Ok(card.card)
    }
}

/// A markup over these costs: never a price below zero; never below cost unless allowed.
fn check_markup(costs: &[Rate], markup: Markup, allow: bool) -> Result<(), Refusal> {
    let negative: Vec<&str> = costs
        .iter()
        .filter(|c| {
            let d = markup.derive(c);
            d.rate.micros() < 0 || d.connection_fee.micros() < 0
        })
        .map(|c| c.prefix.as_str())
        .collect();
    if let Some(first) = negative.first() {
        return Err(Refusal::Invalid(FieldError::new(
            "markup",
            format!(
                "would price {} prefix(es) below zero, first {first}",
                negative.len()
            ),
        )));
    }
    if allow {
        return Ok(());
    }
    let below = rates::below_cost(costs, markup);
    if below.is_empty() {
        return Ok(());
    }
    Err(Refusal::BelowCost {
        count: below.len(),
        prefixes: below.into_iter().take(LISTED_PREFIXES).collect(),
    })
}

/// Checks an ISO 4217-like currency code.
fn currency(code: Option<&str>) -> Result<String, FieldError> {
    let c = code.unwrap_or("").trim().to_ascii_uppercase();
    if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(FieldError::new(
            "currency",
            "must be a three-letter code such as USD",
        ))
    }
}

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
        let count = |sql: &str| {
            let mut s = Sql::new(sql);
            s.bind(id);
            s
        };
        let derived =
            count("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM rate_cards WHERE parent_id = ")
                .fetch_one(&mut *tx)
                .await?
                .int("n")?;
        let dealers =
            count("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM rate_card_dealers WHERE card_id = ")
                .fetch_one(&mut *tx)
                .await?
                .int("n")?;
        let tenants =
            count("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tenants WHERE rate_card_id = ")
                .fetch_one(&mut *tx)
                .await?
                .int("n")?;
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

    async fn all_rates(
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

    async fn rate_for_number(
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
                    let derived = Sql::new(
                        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM rate_cards WHERE parent_id = ",
                    )
                    .bind(id)
                    .push(" AND dealer_id = ")
                    .bind(dealer_id)
                    .fetch_one(&mut *tx)
                    .await?
                    .int("n")?;
                    let tenants = Sql::new(
                        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tenants WHERE rate_card_id = ",
                    )
                    .bind(id)
                    .push(" AND dealer_id = ")
                    .bind(dealer_id)
                    .fetch_one(&mut *tx)
                    .await?
                    .int("n")?;
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
                super::audit::record_for_dealer(
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

    async fn move_tenant(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        mv: &TenantMove,
        if_version: Option<i64>,
        execute: bool,
    ) -> StoreResult<MovePlan> {
        self.plan_move(scope, actor, id, mv, if_version, execute)
            .await
    }
}

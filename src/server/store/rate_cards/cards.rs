//! Rate card rows and what a caller may know of them: visibility (owned inside the scope, or
//! handed to the caller's own dealer as a provider card), the stored markup, and the checks of who
//! may use a card.

use sqlx::{Any, Transaction};

use crate::domain::money::Money;
use crate::domain::rates::Markup;
use crate::model::*;
use crate::server::store::common::*;
use crate::server::store::rows::RowExt;
use crate::server::store::sql::Sql;
use crate::server::store::{Scope, SqlStore, StoreError, StoreResult};

/// A card row with what the caller may know of it.
pub struct CardRow {
    pub card: RateCard,
    /// Owned inside the caller's scope (else handed to the caller's dealer from above).
    pub owned: bool,
    pub owner_id: String,
    pub root_id: RateCardId,
    pub parent_id: Option<RateCardId>,
    pub markup: Option<Markup>,
}

pub(in crate::server::store) fn card_select(scope: &Scope) -> Sql {
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
pub(in crate::server::store) fn push_visible(s: &mut Sql, scope: &Scope) {
    s.push("(");
    push_in_scope(s, scope, "c.dealer_id");
    s.push(
        " OR EXISTS (SELECT 1 FROM rate_card_dealers h WHERE h.card_id = c.id AND h.dealer_id = ",
    )
    .bind(scope.dealer_id())
    .push("))");
}

pub(in crate::server::store) fn markup_of(
    kind: Option<String>,
    value: Option<i64>,
) -> StoreResult<Option<Markup>> {
    Ok(match (kind.as_deref(), value) {
        (None, _) => None,
        (Some("percent"), Some(v)) => Some(Markup::Percent(v)),
        (Some("relative"), Some(v)) => Some(Markup::Relative(Money(v))),
        (Some("absolute"), Some(v)) => Some(Markup::Absolute(Money(v))),
        (Some(other), _) => return Err(StoreError::Corrupt(format!("markup `{other}`"))),
    })
}

pub(in crate::server::store) fn markup_columns(m: Markup) -> (&'static str, i64) {
    match m {
        Markup::Percent(v) => ("percent", v),
        Markup::Relative(v) => ("relative", v.micros()),
        Markup::Absolute(v) => ("absolute", v.micros()),
    }
}

/// A stored markup as the API shows it.
pub fn markup_rule(m: Markup) -> MarkupRule {
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

pub(in crate::server::store) fn card_from_row(row: &sqlx::any::AnyRow) -> StoreResult<CardRow> {
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
        id: row.text("id")?.into(),
        kind,
        name: row.text("name")?,
        currency: row.text("currency")?,
        dealer_id: owned
            .then(|| row.text("dealer_id"))
            .transpose()?
            .map(Into::into),
        dealer_name: owned.then(|| row.text("dealer_name")).transpose()?,
        parent_card_id: if owned {
            parent_id.clone().map(Into::into)
        } else {
            None
        },
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
        root_id: row.text("root_id")?.into(),
        parent_id: parent_id.map(Into::into),
        markup,
    })
}

impl SqlStore {
    pub(in crate::server::store) async fn card_in<'e, E>(
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

    pub(in crate::server::store) async fn with_assignments(
        &self,
        cards: &mut [CardRow],
    ) -> StoreResult<()> {
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

    /// Whether `dealer_id` may bill with or derive from the card: it owns it, or it was handed
    /// the card.
    pub(in crate::server::store) async fn usable_by(
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

    pub(in crate::server::store) async fn finish(
        &self,
        mut card: CardRow,
    ) -> StoreResult<RateCard> {
        self.with_assignments(std::slice::from_mut(&mut card))
            .await?;
        Ok(card.card)
    }
}

/// How many rows of `table` use the card `card_id` through `column` (those of one dealer only,
/// when given): what stands in the way of deleting or withdrawing a card.
pub(super) async fn card_uses(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    column: &str,
    card_id: &str,
    dealer_id: Option<&str>,
) -> StoreResult<i64> {
    let mut s = Sql::new(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table} WHERE {column} = "
    ));
    s.bind(card_id);
    if let Some(d) = dealer_id {
        s.push(" AND dealer_id = ").bind(d);
    }
    s.fetch_one(&mut **tx).await?.int("n")
}

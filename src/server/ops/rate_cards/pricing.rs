//! The price rules of rate cards: a markup as the API sends it, and the below-cost checks of a
//! markup over its parent's rates and of every card priced through a change.

use std::collections::HashMap;

use crate::domain::money::Money;
use crate::domain::rates::{self, Markup, Rate};
use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::store::{CardRow, DownstreamCard, FamilyCard, Refusal, StoreResult, WriteTx};

/// How many below-cost prefixes a refusal lists.
const LISTED_PREFIXES: usize = 50;

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

/// Checks an ISO 4217-like currency code.
pub fn currency(code: Option<&str>) -> Result<String, FieldError> {
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

/// A markup over these costs: never a price below zero; never below cost unless allowed.
pub fn check_markup(costs: &[Rate], markup: Markup, allow: bool) -> Result<(), Refusal> {
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

/// Refuses a markup that sells below cost over the parent's rates, unless allowed.
pub async fn check_cost(
    tx: &mut WriteTx,
    parent: &CardRow,
    markup: Markup,
    allow: bool,
) -> StoreResult<()> {
    let costs = tx.card_rates(parent).await?;
    check_markup(&costs, markup, allow).map_err(Into::into)
}

/// After a change to a card's rates or markup, checks every card priced through it: none may
/// price below zero, nor below cost unless it allows that.
pub async fn check_downstream(tx: &mut WriteTx, root_id: &str, changed: &str) -> StoreResult<()> {
    let (cards, root_rates) = tx.card_family(root_id).await?;
    let mut children: HashMap<&str, Vec<&FamilyCard>> = HashMap::new();
    for c in &cards {
        if let Some(p) = &c.parent_id {
            children.entry(p.as_str()).or_default().push(c);
        }
    }
    let mut offenders = Vec::new();
    // Depth first from the carrier: (card, its rates, whether it lies below the change).
    let mut stack = vec![(root_id.to_string(), root_rates, root_id == changed)];
    while let Some((id, costs, below_change)) = stack.pop() {
        for child in children
            .get(id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let Some(markup) = child.markup else {
                continue;
            };
            if below_change && let Err(why) = check_markup(&costs, markup, child.allow_below_cost) {
                offenders.push(DownstreamCard {
                    id: child.id.clone(),
                    name: child.name.clone(),
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
            let under = below_change || child.id == changed;
            stack.push((child.id.clone(), sold, under));
        }
    }
    if offenders.is_empty() {
        Ok(())
    } else {
        Err(Refusal::DownstreamBelowCost(offenders).into())
    }
}

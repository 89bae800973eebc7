//! Customer rate cards in a document, matched by dealer and name; parents before the cards
//! derived from them.

use crate::model::*;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::rate_cards::pricing::parse_markup;
use crate::server::ops::{Acting, rate_cards};
use crate::server::store::markup_rule;

use super::super::run::{Run, change, set};
use super::{crud, refused};

use Action::{Create, Update};

/// Customer rate cards, in the document's order (a card before those derived from it).
pub async fn rate_cards(run: &mut Run<'_>, doc: &ChannelDocument) -> ApiResult<()> {
    for c in &doc.rate_cards {
        if !run.going() {
            break;
        }
        let dealer_id = match run.dealer("dealer", &c.dealer) {
            Ok(id) => id,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::RateCard, &c.name, e)?;
                continue;
            }
        };
        let markup = match c.markup.as_ref().map(parse_markup).transpose() {
            Ok(m) => m,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::RateCard, &c.name, e.into())?;
                continue;
            }
        };
        let found = run
            .tx
            .card_named(&run.caller.scope, &dealer_id, &c.name)
            .await?;
        if let Some(id) = found {
            run.named.insert(id.clone());
            let Some(stored) = run.tx.card(&run.caller.scope, &id).await? else {
                continue;
            };
            let parent = stored.card.parent_card_name.clone().unwrap_or_default();
            if !parent.eq_ignore_ascii_case(&c.parent) {
                let e = ApiError::invalid_field(
                    "parent",
                    format!(
                        "cannot change: {} is derived from {parent}",
                        stored.card.name
                    ),
                );
                refused(run, PlanOp::Update, ObjectKind::RateCard, &c.name, e)?;
                continue;
            }
            let mut changes = Vec::new();
            let mut patch = RateCardPatch::default();
            let before = stored.markup.map(markup_rule);
            let after = markup.map(markup_rule);
            if change(
                &mut changes,
                "markup",
                &before,
                after.as_ref().map(|_| &after),
            ) {
                patch.markup = after;
            }
            if change(
                &mut changes,
                "allow_below_cost",
                &stored.card.allow_below_cost,
                c.allow_below_cost.as_ref(),
            ) {
                patch.allow_below_cost = c.allow_below_cost;
            }
            if !changes.is_empty() {
                let i = run.begin(PlanOp::Update, ObjectKind::RateCard, &c.name, changes);
                let need = run.need(crud(Area::RateCards, Update));
                step!(
                    run,
                    i,
                    need,
                    rate_cards::update_with(&mut run.tx, at!(run), &id, None, patch)
                );
            }
            continue;
        }
        let mut changes = Vec::new();
        set(&mut changes, "dealer", &c.dealer);
        set(&mut changes, "parent", &c.parent);
        set(&mut changes, "markup", &markup.map(markup_rule));
        set(
            &mut changes,
            "allow_below_cost",
            &c.allow_below_cost.unwrap_or(false),
        );
        let i = run.begin(PlanOp::Create, ObjectKind::RateCard, &c.name, changes);
        let parent_id = match run.tx.card_usable_named(&dealer_id, &c.parent).await? {
            Some(id) => id,
            None => {
                let e = ApiError::invalid_field(
                    "parent",
                    format!(
                        "`{}` names no card {} owns or was handed",
                        c.parent, c.dealer
                    ),
                );
                run.refuse(i, e)?;
                continue;
            }
        };
        let new = NewRateCard {
            dealer_id: dealer_id.clone().into(),
            name: c.name.clone(),
            currency: None,
            kind: None,
            parent_card_id: Some(parent_id.into()),
            markup: c.markup.clone(),
            allow_below_cost: c.allow_below_cost.unwrap_or(false),
        };
        let need = run.need(crud(Area::RateCards, Create));
        if let Some(made) = step!(
            run,
            i,
            need,
            rate_cards::create_with(&mut run.tx, at!(run), new)
        ) {
            run.named.insert(made.card.id.to_string());
        }
    }
    Ok(())
}

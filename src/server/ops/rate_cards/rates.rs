//! A card's rates: reading them (a page, or the whole card for CSV), importing a carrier card's
//! rates, previewing a markup before a card is made, and quoting one call.

use serde_json::json;

use super::owned_card;
use super::pricing::parse_markup;
use crate::domain::rates::{self, Rate};
use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::{Acting, Paging, visible};
use crate::server::retry::ATTEMPTS;
use crate::server::state::AppState;
use crate::server::store::{Event, PricedRate, StoreResult};

/// How many bad lines an import reports at most.
const MAX_CSV_ERRORS: usize = 50;
/// Rates shown in a preview's sample.
const PREVIEW_SAMPLE: usize = 8;
/// Below-cost prefixes listed in a preview.
const PREVIEW_PREFIXES: usize = 20;

/// A card's rates as asked: a page, or every rate for the CSV export.
pub enum Rates {
    Page(Page<RateRow>),
    All(Vec<Rate>),
}

fn check_prefix(prefix: Option<&str>) -> ApiResult<Option<String>> {
    match prefix.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) if p.len() <= 20 && p.chars().all(|c| c.is_ascii_digit()) => {
            Ok(Some(p.to_string()))
        }
        Some(_) => Err(ApiError::bad_request("prefix must be up to 20 digits")),
    }
}

/// The card's rates in prefix order (under `prefix`); a derived card's are its computed sell
/// rates, with cost and margin unless it is the caller's provider card. `format` is `json` (a
/// page, the default) or `csv` (every rate).
pub async fn list(
    st: &AppState,
    caller: &Caller,
    id: &str,
    prefix: Option<&str>,
    format: Option<&str>,
    paging: Paging,
) -> ApiResult<Rates> {
    visible::rate_card(st, caller, id).await?;
    caller.authorize()?;
    let prefix = check_prefix(prefix)?;
    match format {
        None | Some("json") => {
            let page = paging.check()?;
            Ok(Rates::Page(
                st.store
                    .list_rates(&caller.scope, id, prefix.as_deref(), &page)
                    .await?,
            ))
        }
        Some("csv") => Ok(Rates::All(
            st.store
                .all_rates(&caller.scope, id, prefix.as_deref())
                .await?
                .into_iter()
                .map(|p| p.sell)
                .collect(),
        )),
        Some(other) => Err(ApiError::bad_request(format!(
            "format `{other}` is not json or csv"
        ))),
    }
}

/// 404 or 403 before an import's body is read (`import` reads it after).
pub async fn may_import(st: &AppState, caller: &Caller, id: &str) -> ApiResult<()> {
    visible::rate_card(st, caller, id).await?;
    caller.authorize()
}

/// Replaces a carrier card's rates with a CSV text (checked by `may_import` first). Every bad
/// line is reported (up to 50) and nothing is stored when any is bad. A dry run answers the
/// rates added, changed and removed and the cards priced from this one.
pub async fn import(
    st: &AppState,
    caller: &Caller,
    id: &str,
    text: String,
    dry_run: bool,
) -> ApiResult<OrImpact<RateImport>> {
    let parsed = tokio::task::spawn_blocking(move || rates::parse_csv(&text, MAX_CSV_ERRORS))
        .await
        .map_err(|_| ApiError::bad_request("the CSV could not be parsed"))?;
    let new_rates = parsed.map_err(|bad| {
        let first = bad.first().map(|b| format!("line {}: {}", b.line, b.why));
        ApiError::invalid_field(
            "rates",
            format!(
                "has {} bad line(s); {}",
                bad.len(),
                first.unwrap_or_default()
            ),
        )
        .with_bad_lines(
            bad.iter()
                .map(|b| BadLine {
                    line: b.line as u64,
                    message: b.why.clone(),
                })
                .collect(),
        )
    })?;
    let imported = new_rates.len() as i64;
    // The body is not kept for the guard's retries, so a rolled-back import is retried here.
    let mut attempt = 1;
    let card = loop {
        match replace_in(Acting::caller(st, caller), id, &new_rates, dry_run)
            .await
            .map_err(ApiError::from)
        {
            Err(e) if e.retryable && attempt < ATTEMPTS => {
                tokio::time::sleep(std::time::Duration::from_millis(5 << attempt)).await;
                attempt += 1;
            }
            other => break other?,
        }
    };
    Ok(match card {
        OrImpact::Done(card) => OrImpact::Done(RateImport { imported, card }),
        OrImpact::Impact(i) => OrImpact::Impact(i),
    })
}

/// Replaces a carrier card's rates, as `at.actor` in `at.scope`; every card priced from it is
/// checked against the new costs. A dry run makes the same checks, then rolls back and answers
/// the impact.
pub async fn replace_in(
    at: Acting<'_>,
    id: &str,
    new_rates: &[Rate],
    dry_run: bool,
) -> StoreResult<OrImpact<RateCard>> {
    let mut tx = at.store.write().await?;
    let before = owned_card(&mut tx, at.scope, id).await?;
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
    let family = if dry_run {
        Some(tx.card_family(id).await?)
    } else {
        None
    };
    tx.replace_rates(id, new_rates).await?;
    super::pricing::check_downstream(&mut tx, id, id).await?;
    if let Some((cards, old_rates)) = family {
        tx.roll_back().await?;
        let mut rates = rates_changed(&old_rates, new_rates);
        rates.derived_cards = cards
            .into_iter()
            .filter(|c| c.id != id)
            .map(|c| CardRef {
                id: c.id.into(),
                name: c.name,
            })
            .collect();
        return Ok(OrImpact::Impact(Impact {
            rates: Some(rates),
            ..Impact::default()
        }));
    }
    tx.set_rate_count(id, new_rates.len() as i64).await?;
    let after = super::reload(&mut tx, at.scope, id).await?;
    let path = tx.dealer_path(&before.owner_id).await?;
    let event = Event::new("rate_card.import", "rate_card", id, &after.card.name)
        .before(json!({ "rate_count": before.card.rate_count }))
        .after(json!({ "rate_count": after.card.rate_count }));
    tx.commit_with(at.actor, &path, event).await?;
    Ok(OrImpact::Done(at.store.complete(after).await?))
}

/// Prefixes added, changed and removed from `old` to `new` (the derived cards are left empty).
fn rates_changed(old: &[Rate], new: &[Rate]) -> RatesImpact {
    let before: std::collections::HashMap<&str, &Rate> =
        old.iter().map(|r| (r.prefix.as_str(), r)).collect();
    let mut kept = 0;
    let mut impact = RatesImpact::default();
    for r in new {
        match before.get(r.prefix.as_str()) {
            None => impact.added += 1,
            Some(was) => {
                kept += 1;
                if *was != r {
                    impact.changed += 1;
                }
            }
        }
    }
    impact.removed = old.len() as i64 - kept;
    impact
}

/// What a markup over a parent card would sell at, before a card is made: a sample, the lowest
/// margin, and the prefixes it would sell below cost.
pub async fn preview(
    st: &AppState,
    caller: &Caller,
    req: &MarkupPreviewRequest,
) -> ApiResult<MarkupPreview> {
    visible::rate_card(st, caller, &req.parent_card_id).await?;
    caller.authorize()?;
    let markup = parse_markup(&req.markup)?;
    // The parent's rates, as the caller sees them, are the new card's costs.
    let costs: Vec<Rate> = st
        .store
        .all_rates(&caller.scope, &req.parent_card_id, None)
        .await?
        .into_iter()
        .map(|p| p.sell)
        .collect();
    let row = |cost: &Rate| {
        PricedRate {
            sell: markup.derive(cost),
            cost: Some(cost.clone()),
        }
        .to_row()
    };
    let below = rates::below_cost(&costs, markup);
    let lowest = rates::lowest_margin(&costs, markup)
        .and_then(|(prefix, _)| costs.iter().find(|c| c.prefix == prefix));
    Ok(MarkupPreview {
        rate_count: costs.len() as i64,
        sample: costs.iter().take(PREVIEW_SAMPLE).map(row).collect(),
        lowest_margin: lowest.map(row),
        below_cost_count: below.len() as i64,
        below_cost_prefixes: below.into_iter().take(PREVIEW_PREFIXES).collect(),
    })
}

/// The price of one call on a card: the longest prefix of `number` picks the rate; the seconds
/// are billed in the rate's increments.
pub async fn quote(
    st: &AppState,
    caller: &Caller,
    id: &str,
    number: String,
    seconds: u32,
) -> ApiResult<CallQuote> {
    visible::rate_card(st, caller, id).await?;
    caller.authorize()?;
    let priced = st
        .store
        .rate_for_number(&caller.scope, id, &number)
        .await?
        .ok_or_else(|| ApiError::invalid_field("number", "matches no prefix of this card"))?;
    let (billed, price) = priced.sell.price_call(seconds);
    Ok(CallQuote {
        number,
        seconds,
        rate: priced.to_row(),
        billed_seconds: billed,
        price: price.to_string(),
    })
}

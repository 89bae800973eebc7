//! `/rate-cards`: carrier cards with imported rates, customer cards derived with a markup, their
//! computed rates, CSV import and export, assignment, markup previews and call quotes.

use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use crate::domain::rates::{self, Rate};
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::server::guard::{BodyAllowance, read_body};
use crate::server::retry::ATTEMPTS;
use crate::server::state::AppState;
use crate::server::store::{PricedRate, parse_markup};

/// How many bad lines an import reports at most.
const MAX_CSV_ERRORS: usize = 50;
/// Rates shown in a preview's sample.
const PREVIEW_SAMPLE: usize = 8;
/// Below-cost prefixes listed in a preview.
const PREVIEW_PREFIXES: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RateCardQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Cards owned by or handed to this dealer.
    pub dealer_id: Option<String>,
    pub kind: Option<RateCardKind>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatesQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Rates whose prefix starts with these digits.
    pub prefix: Option<String>,
    /// `csv` answers the whole card (under `prefix`) as CSV, unpaged.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteQuery {
    /// The dialled number; its longest matching prefix prices the call.
    pub number: String,
    /// The call's length.
    pub seconds: u32,
}

async fn visible_card(st: &AppState, caller: &Caller, id: &str) -> ApiResult<RateCard> {
    st.store
        .get_rate_card(&caller.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

fn check_prefix(prefix: &Option<String>) -> ApiResult<Option<String>> {
    match prefix.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) if p.len() <= 20 && p.chars().all(|c| c.is_ascii_digit()) => {
            Ok(Some(p.to_string()))
        }
        Some(_) => Err(ApiError::bad_request("prefix must be up to 20 digits")),
    }
}

/// Lists the cards the caller may see: those owned in its subtree, and those handed to its
/// dealer (as `provider` cards).
#[utoipa::path(get, path = "/rate-cards", tag = "rate cards", params(RateCardQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<RateCard>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RateCardQuery>,
) -> ApiResult<Json<Page<RateCard>>> {
    if let Some(d) = &q.dealer_id {
        super::dealers::visible_dealer(&st, &caller, d).await?;
    }
    caller.authorize()?;
    let page = super::page(q.limit, q.cursor, q.q)?;
    let filter = RateCardFilter {
        dealer_id: q.dealer_id,
        kind: q.kind,
    };
    Ok(Json(
        st.store
            .list_rate_cards(&caller.scope, &filter, &page)
            .await?,
    ))
}

/// Creates a carrier card (provider only) or derives a customer card from a parent card that
/// `dealer_id` owns or was handed. A markup that sells below cost on any prefix is refused with
/// 422 `below_cost` listing the prefixes, unless `allow_below_cost` is set.
#[utoipa::path(post, path = "/rate-cards", tag = "rate cards", request_body = NewRateCard, security(("bearer" = [])),
    responses((status = 201, body = RateCard), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewRateCard>,
) -> ApiResult<(StatusCode, Json<RateCard>)> {
    super::dealers::visible_dealer(&st, &caller, &new.dealer_id).await?;
    if let Some(p) = &new.parent_card_id {
        visible_card(&st, &caller, p).await?;
    }
    caller.authorize()?;
    Ok((
        StatusCode::CREATED,
        Json(
            st.store
                .create_rate_card(&caller.scope, &caller.actor, new)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/rate-cards/{id}", tag = "rate cards", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = RateCard), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<RateCard>> {
    let c = visible_card(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(c))
}

/// Renames a card or changes a customer card's markup (checked against cost again).
#[utoipa::path(patch, path = "/rate-cards/{id}", tag = "rate cards", params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = RateCardPatch, security(("bearer" = [])),
    responses((status = 200, body = RateCard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(patch): ApiJson<RateCardPatch>,
) -> ApiResult<Json<RateCard>> {
    visible_card(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(
        st.store
            .update_rate_card(&caller.scope, &caller.actor, &id, v, patch)
            .await?,
    ))
}

/// Deletes a card nothing derives from, is handed to or bills with (else 409 `card_in_use`).
#[utoipa::path(delete, path = "/rate-cards/{id}", tag = "rate cards", params(("id" = String, Path), ("If-Match" = Option<String>, Header)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
) -> ApiResult<StatusCode> {
    visible_card(&st, &caller, &id).await?;
    caller.authorize()?;
    st.store
        .delete_rate_card(&caller.scope, &caller.actor, &id, v)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of the card's rates in prefix order; a derived card answers with its computed sell
/// rates, with cost and margin unless it is the caller's provider card. `format=csv` answers the
/// whole card as CSV.
#[utoipa::path(get, path = "/rate-cards/{id}/rates", tag = "rate cards", params(("id" = String, Path), RatesQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<RateRow>, content_type = "application/json"), (status = 200, body = String, content_type = "text/csv"), (status = 404, body = ErrorBody)))]
pub async fn rates(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<RatesQuery>,
) -> ApiResult<Response> {
    visible_card(&st, &caller, &id).await?;
    caller.authorize()?;
    let prefix = check_prefix(&q.prefix)?;
    match q.format.as_deref() {
        None | Some("json") => {
            let page = super::page(q.limit, q.cursor, None)?;
            Ok(Json(
                st.store
                    .list_rates(&caller.scope, &id, prefix.as_deref(), &page)
                    .await?,
            )
            .into_response())
        }
        Some("csv") => {
            let all: Vec<Rate> = st
                .store
                .all_rates(&caller.scope, &id, prefix.as_deref())
                .await?
                .into_iter()
                .map(|p| p.sell)
                .collect();
            Ok((
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                rates::to_csv(&all),
            )
                .into_response())
        }
        Some(other) => Err(ApiError::bad_request(format!(
            "format `{other}` is not json or csv"
        ))),
    }
}

/// Replaces a carrier card's rates with a CSV body
/// (`prefix,destination,rate,connection_fee,increment_first,increment_next`, header optional).
/// Every bad line is reported (up to 50) and nothing is stored when any is bad.
#[utoipa::path(put, path = "/rate-cards/{id}/rates", tag = "rate cards", params(("id" = String, Path)),
    request_body(content = String, content_type = "text/csv"), security(("bearer" = [])),
    responses((status = 200, body = RateImport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    allowance: Option<Extension<BodyAllowance>>,
    body: Body,
) -> ApiResult<Json<RateImport>> {
    let parts_allowance = allowance.map(|a| a.0);
    visible_card(&st, &caller, &id).await?;
    caller.authorize()?;
    // Read only now, after the token and the permission: up to the route's limit, in time.
    let allowance = parts_allowance.ok_or_else(ApiError::internal)?;
    let bytes = read_body(body, allowance.limit, allowance.timeout).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::bad_request("the CSV is not UTF-8 text"))?
        .to_string();
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
        .with_details(json!({
            "lines": bad.iter().map(|b| json!({ "line": b.line, "message": b.why })).collect::<Vec<_>>()
        }))
    })?;
    let imported = new_rates.len() as i64;
    // The body is not kept for the guard's retries, so a rolled-back import is retried here.
    let mut attempt = 1;
    let card = loop {
        match st
            .store
            .replace_rates(&caller.scope, &caller.actor, &id, new_rates.clone())
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
    Ok(Json(RateImport { imported, card }))
}

/// Hands a card to a dealer directly below its owner (where it becomes that dealer's provider
/// card; needs `rate_cards:update`) or bills a tenant with it (the card must be owned by or handed
/// to the tenant's dealer; needs `tenants:update`). `unassign: true` takes it back.
#[utoipa::path(post, path = "/rate-cards/{id}/assign", tag = "rate cards", params(("id" = String, Path)),
    request_body = RateCardAssignment, security(("bearer" = [])),
    responses((status = 200, body = RateCard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(to): ApiJson<RateCardAssignment>,
) -> ApiResult<Json<RateCard>> {
    visible_card(&st, &caller, &id).await?;
    if let Some(d) = &to.dealer_id {
        super::dealers::visible_dealer(&st, &caller, d).await?;
    }
    if let Some(t) = &to.tenant_id {
        st.store
            .get_tenant(&caller.scope, t)
            .await?
            .ok_or_else(ApiError::not_found)?;
    }
    if to.tenant_id.is_some() {
        caller.authorize_as(Permission::Crud(Area::Tenants, Action::Update))?;
    } else {
        caller.authorize_as(Permission::Crud(Area::RateCards, Action::Update))?;
    }
    Ok(Json(
        st.store
            .assign_rate_card(&caller.scope, &caller.actor, &id, &to)
            .await?,
    ))
}

/// What a markup over a parent card would sell at, before a card is made: a sample, the lowest
/// margin, and the prefixes it would sell below cost.
#[utoipa::path(post, path = "/rate-cards/preview", tag = "rate cards", request_body = MarkupPreviewRequest, security(("bearer" = [])),
    responses((status = 200, body = MarkupPreview), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<MarkupPreviewRequest>,
) -> ApiResult<Json<MarkupPreview>> {
    visible_card(&st, &caller, &req.parent_card_id).await?;
    caller.authorize()?;
    let markup = parse_markup(&req.markup).map_err(ApiError::from)?;
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
    Ok(Json(MarkupPreview {
        rate_count: costs.len() as i64,
        sample: costs.iter().take(PREVIEW_SAMPLE).map(row).collect(),
        lowest_margin: lowest.map(row),
        below_cost_count: below.len() as i64,
        below_cost_prefixes: below.into_iter().take(PREVIEW_PREFIXES).collect(),
    }))
}

/// The price of one call on a card: the longest prefix of `number` picks the rate; the seconds
/// are billed in the rate's increments.
#[utoipa::path(get, path = "/rate-cards/{id}/quote", tag = "rate cards", params(("id" = String, Path), QuoteQuery), security(("bearer" = [])),
    responses((status = 200, body = CallQuote), (status = 404, body = ErrorBody)))]
pub async fn quote(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<QuoteQuery>,
) -> ApiResult<Json<CallQuote>> {
    visible_card(&st, &caller, &id).await?;
    caller.authorize()?;
    let priced = st
        .store
        .rate_for_number(&caller.scope, &id, &q.number)
        .await?
        .ok_or_else(|| ApiError::invalid_field("number", "matches no prefix of this card"))?;
    let (billed, price) = priced.sell.price_call(q.seconds);
    Ok(Json(CallQuote {
        number: q.number,
        seconds: q.seconds,
        rate: priced.to_row(),
        billed_seconds: billed,
        price: price.to_string(),
    }))
}

//! `/rate-cards`: carrier cards with imported rates, customer cards derived with a markup, their
//! computed rates, CSV import and export, assignment, markup previews and call quotes (the
//! operations are in `ops::rate_cards`).

use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::rates as domain_rates;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::server::guard::{BodyAllowance, read_body};
use crate::server::ops::Paging;
use crate::server::ops::rate_cards::rates::{self, Rates};
use crate::server::ops::rate_cards::{self, assign};
use crate::server::state::AppState;

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

/// Lists the cards the caller may see: those owned in its subtree, and those handed to its
/// dealer (as `provider` cards).
#[utoipa::path(get, path = "/rate-cards", tag = "rate cards", params(RateCardQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<RateCard>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RateCardQuery>,
) -> ApiResult<Json<Page<RateCard>>> {
    let filter = RateCardFilter {
        dealer_id: q.dealer_id.map(Into::into),
        kind: q.kind,
    };
    let paging = Paging::new(q.limit, q.cursor, q.q);
    Ok(Json(rate_cards::list(&st, &caller, filter, paging).await?))
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
    Ok((
        StatusCode::CREATED,
        Json(rate_cards::create(&st, &caller, new).await?),
    ))
}

#[utoipa::path(get, path = "/rate-cards/{id}", tag = "rate cards", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = RateCard), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<RateCard>> {
    Ok(Json(rate_cards::get(&st, &caller, &id).await?))
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
    Ok(Json(rate_cards::update(&st, &caller, &id, v, patch).await?))
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
    rate_cards::delete(&st, &caller, &id, v).await?;
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
    let paging = Paging::new(q.limit, q.cursor, None);
    let answer = rates::list(
        &st,
        &caller,
        &id,
        q.prefix.as_deref(),
        q.format.as_deref(),
        paging,
    )
    .await?;
    Ok(match answer {
        Rates::Page(page) => Json(page).into_response(),
        Rates::All(all) => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            domain_rates::to_csv(&all),
        )
            .into_response(),
    })
}

/// Replaces a carrier card's rates with a CSV body
/// (`prefix,destination,rate,connection_fee,increment_first,increment_next`, header optional).
/// Every bad line is reported (up to 50) and nothing is stored when any is bad. With
/// `dry_run=true`, nothing is stored: the answer is the impact (rates added, changed and
/// removed, and the cards priced from this one).
#[utoipa::path(put, path = "/rate-cards/{id}/rates", tag = "rate cards", params(("id" = String, Path), DryRun),
    request_body(content = String, content_type = "text/csv"), security(("bearer" = [])),
    responses((status = 200, body = OrImpact<RateImport>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DryRun>,
    allowance: Option<Extension<BodyAllowance>>,
    body: Body,
) -> ApiResult<Json<OrImpact<RateImport>>> {
    let parts_allowance = allowance.map(|a| a.0);
    rates::may_import(&st, &caller, &id).await?;
    // Read only now, after the token and the permission: up to the route's limit, in time.
    let allowance = parts_allowance.ok_or_else(ApiError::internal)?;
    let bytes = read_body(body, allowance.limit, allowance.timeout).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::bad_request("the CSV is not UTF-8 text"))?
        .to_string();
    Ok(Json(
        rates::import(&st, &caller, &id, text, q.dry_run).await?,
    ))
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
    Ok(Json(assign::assign(&st, &caller, &id, &to).await?))
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
    Ok(Json(rates::preview(&st, &caller, &req).await?))
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
    Ok(Json(
        rates::quote(&st, &caller, &id, q.number, q.seconds).await?,
    ))
}

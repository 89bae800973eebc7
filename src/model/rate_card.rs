use serde::{Deserialize, Serialize};

use super::ids::*;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// What a card is to the caller looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateCardKind {
    /// Upstream costs, with rates of their own (the provider's).
    Carrier,
    /// Derived from a parent card with a markup; owned inside the caller's scope.
    Customer,
    /// A card from the dealer above, assigned to the caller's dealer: its rates are the caller's
    /// costs, and nothing upstream of it is shown.
    Provider,
}

impl RateCardKind {
    pub const ALL: [RateCardKind; 3] = [
        RateCardKind::Carrier,
        RateCardKind::Provider,
        RateCardKind::Customer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RateCardKind::Carrier => "carrier",
            RateCardKind::Customer => "customer",
            RateCardKind::Provider => "provider",
        }
    }
}

/// How a customer card prices from its parent card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarkupType {
    /// `"50"` sells at cost × 1.5.
    Percent,
    /// The value is added to the cost.
    Relative,
    /// The value is the price per minute, whatever the cost.
    Absolute,
}

impl MarkupType {
    pub const ALL: [MarkupType; 3] = [
        MarkupType::Percent,
        MarkupType::Relative,
        MarkupType::Absolute,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MarkupType::Percent => "percent",
            MarkupType::Relative => "relative",
            MarkupType::Absolute => "absolute",
        }
    }
}

/// A markup rule: its type and a decimal value (`"12.5"`, `"0.002000"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MarkupRule {
    #[serde(rename = "type")]
    pub kind: MarkupType,
    pub value: String,
}

/// A rate card. A `provider` card shows no owner, parent, markup or assignments: only what the
/// dealer it was handed to may know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RateCard {
    pub id: RateCardId,
    pub kind: RateCardKind,
    pub name: String,
    pub currency: String,
    /// The owning dealer; null on a provider card.
    pub dealer_id: Option<DealerId>,
    pub dealer_name: Option<String>,
    pub parent_card_id: Option<RateCardId>,
    pub parent_card_name: Option<String>,
    pub markup: Option<MarkupRule>,
    pub allow_below_cost: bool,
    /// How many prefixes the card prices.
    pub rate_count: i64,
    /// The dealers the card is handed to, where it is their provider card.
    #[serde(default)]
    pub assigned_dealers: Vec<super::NamedRef>,
    /// How many tenants in the caller's scope are billed with it.
    pub tenant_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// `POST /rate-cards`: a carrier card (`kind: "carrier"`, provider only) or a customer card
/// (`parent_card_id` and `markup`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewRateCard {
    pub dealer_id: DealerId,
    pub name: String,
    /// Carrier cards only (ISO 4217); a derived card keeps its parent's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RateCardKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_card_id: Option<RateCardId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup: Option<MarkupRule>,
    /// Accept a markup that sells below cost on some prefixes.
    #[serde(default)]
    pub allow_below_cost: bool,
}

/// `PATCH /rate-cards/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RateCardPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Customer cards only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup: Option<MarkupRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_below_cost: Option<bool>,
}

/// One rate as a card sells it. Derived cards answer with computed rates; `cost` and
/// `margin` are the parent's rate and the difference, shown only where the parent is the
/// caller's to see (never on a provider card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RateRow {
    pub prefix: String,
    pub destination: String,
    /// Per minute, a decimal string.
    pub rate: String,
    pub connection_fee: String,
    pub increment_first: u32,
    pub increment_next: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<String>,
}

/// `PUT /rate-cards/{id}/rates`: what the import stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RateImport {
    pub imported: i64,
    pub card: RateCard,
}

/// `POST /rate-cards/{id}/assign`: hand a card to a dealer (its provider card) or bill a tenant
/// with it. `unassign: true` takes it back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RateCardAssignment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<DealerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<TenantId>,
    #[serde(default)]
    pub unassign: bool,
}

/// `POST /rate-cards/preview`: what a markup over a parent card would do, before it is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MarkupPreviewRequest {
    pub parent_card_id: RateCardId,
    pub markup: MarkupRule,
}

/// The answer of a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MarkupPreview {
    pub rate_count: i64,
    /// The first rates as they would sell, with cost and margin.
    pub sample: Vec<RateRow>,
    /// The rate with the smallest per-minute margin.
    pub lowest_margin: Option<RateRow>,
    /// How many prefixes would sell below cost, and the first of them.
    pub below_cost_count: i64,
    pub below_cost_prefixes: Vec<String>,
}

/// `GET /rate-cards/{id}/quote`: the price of one call by longest prefix match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallQuote {
    pub number: String,
    pub seconds: u32,
    pub rate: RateRow,
    /// Seconds billed after the increments.
    pub billed_seconds: u32,
    /// Connection fee plus the billed minutes at the rate, a decimal string.
    pub price: String,
}

/// Filters of `GET /rate-cards`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RateCardFilter {
    /// Cards owned by or handed to this dealer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<DealerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RateCardKind>,
}

/// Filters of `GET /rate-cards/{id}/rates`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RateFilter {
    /// Rates whose prefix starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

//! The one error type of the HTTP layer, mapped once to the error body of the API contract.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::store::{Refusal, StoreError};
use crate::domain::validate::FieldError;
use crate::model::{ErrorBody, ErrorDetail, Level};

/// An error answer: status, stable code, sentence, field and details.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub details: Value,
    pub retry_after: Option<u64>,
    /// The database rolled the transaction back (deadlock, serialization): the request may be
    /// run again as it is (see `server::retry`).
    pub retryable: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            details: json!({}),
            retry_after: None,
            retryable: false,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = details;
        self
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such object")
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 403 naming the permissions the caller lacks (`details.missing`); `say` puts their list
    /// ("a, b") into the sentence. `Ok` when nothing is missing.
    pub fn unless_held(
        missing: &[crate::model::Permission],
        say: impl FnOnce(&str) -> String,
    ) -> Result<(), ApiError> {
        if missing.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = missing.iter().map(|p| p.to_string()).collect();
        Err(ApiError::forbidden(say(&names.join(", "))).with_details(json!({ "missing": names })))
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("{field} {message}"),
        )
        .with_field(field)
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed; the request id is in the logs",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.clone(),
                field: self.field.clone(),
                details: self.details.clone(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if self.retryable {
            response.extensions_mut().insert(super::retry::Retryable);
        }
        response
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::invalid_field(e.field, e.message)
    }
}

fn level_list(levels: &[Level]) -> String {
    if levels.is_empty() {
        "no dealers".into()
    } else {
        levels
            .iter()
            .map(|l| l.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let conflict = |code, msg: String| ApiError::new(StatusCode::CONFLICT, code, msg);
        match r {
            Refusal::LevelNotAllowed { parent, child } => {
                let allowed = crate::domain::level::creatable_levels(parent);
                conflict(
                    "level_not_allowed",
                    format!("a {} cannot create a {}; it can create: {}", parent.label(), child.label(), level_list(&allowed)),
                )
                .with_field("level")
                .with_details(json!({ "parent_level": parent, "level": child, "allowed": allowed }))
            }
            Refusal::Capacity { dealer_id, dealer_name, shortfall } => conflict(
                "capacity_exceeded",
                format!(
                    "{}: asked {}, only {} free at {}",
                    shortfall.dimension, shortfall.asked, shortfall.free, dealer_name
                ),
            )
            .with_field(shortfall.dimension.as_str())
            .with_details(json!({
                "dimension": shortfall.dimension.as_str(), "asked": shortfall.asked, "free": shortfall.free,
                "dealer_id": dealer_id, "dealer_name": dealer_name,
            })),
            Refusal::NoHighAvailability { dealer_id, dealer_name } => conflict(
                "capacity_exceeded",
                format!("high availability: {dealer_name} has none to give"),
            )
            .with_field("high_availability")
            .with_details(json!({ "dimension": "high_availability", "dealer_id": dealer_id, "dealer_name": dealer_name })),
            Refusal::BelowCommitted(b) => conflict(
                "package_below_usage",
                format!(
                    "{}: {} is below what is committed ({} allocated to sub-dealers + {} used by tenants); short by {}",
                    b.dimension, b.requested, b.allocated, b.used, b.shortfall()
                ),
            )
            .with_field(b.dimension.as_str())
            .with_details(json!({
                "dimension": b.dimension.as_str(), "requested": b.requested, "allocated": b.allocated,
                "used": b.used, "shortfall": b.shortfall(),
            })),
            Refusal::HasChildren { sub_dealers, tenants } => conflict(
                "has_children",
                format!("still has {sub_dealers} sub-dealer(s) and {tenants} tenant(s): delete or move them first"),
            )
            .with_details(json!({ "sub_dealers": sub_dealers, "tenants": tenants })),
            Refusal::Taken { field, value } => conflict(
                match field {
                    "domain" => "domain_taken",
                    "email" => "email_taken",
                    _ => "name_taken",
                },
                format!("{field} `{value}` is already taken"),
            )
            .with_field(field),
            Refusal::Invalid(e) => e.into(),
            Refusal::Forbidden(m) => ApiError::forbidden(m),
            Refusal::BelowCost { count, prefixes } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "below_cost",
                format!(
                    "this markup sells below cost on {count} prefix(es), first {}; set allow_below_cost to accept it",
                    prefixes.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                ),
            )
            .with_field("markup")
            .with_details(json!({ "count": count, "prefixes": prefixes })),
            Refusal::DownstreamBelowCost(cards) => conflict(
                "below_cost_downstream",
                format!(
                    "this change would make {} card(s) priced from it sell below cost: {}",
                    cards.len(),
                    cards.iter().take(5).map(|c| format!("{} ({})", c.name, c.why)).collect::<Vec<_>>().join("; ")
                ),
            )
            .with_details(json!({
                "cards": cards.iter().map(|c| json!({ "id": c.id, "name": c.name, "why": c.why })).collect::<Vec<_>>()
            })),
            Refusal::CardInUse(why) => conflict("card_in_use", format!("the card is still used by {why}")),
            Refusal::MoveBlocked(plan) => {
                let first = plan.blockers.first();
                let code = match first.map(|b| b.code.as_str()) {
                    Some("capacity_exceeded") => "capacity_exceeded",
                    Some("rate_card_required") => "rate_card_required",
                    Some("below_minimum_extensions") => "below_minimum_extensions",
                    Some("rate_card_not_usable") => "rate_card_not_usable",
                    Some("destination_suspended") => "destination_suspended",
                    _ => "move_blocked",
                };
                let message = first.map_or_else(|| "the move is blocked".to_string(), |b| b.message.clone());
                let field = first.and_then(|b| b.field.clone());
                let mut e = conflict(code, message).with_details(json!({ "plan": plan }));
                e.field = field;
                e
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::VersionMismatch { current } => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "version_mismatch",
                format!("changed by someone else since you loaded it (now at version {current}); reload and apply again"),
            )
            .with_details(json!({ "current_version": current })),
            StoreError::Refused(r) => r.into(),
            StoreError::Db(e) => {
                // PostgreSQL's serialization_failure and deadlock_detected: rolled back whole.
                if let Some(db) = e.as_database_error()
                    && matches!(db.code().as_deref(), Some("40001" | "40P01"))
                {
                    let mut busy = ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "busy",
                        "the database was busy with a conflicting change; try again",
                    );
                    busy.retry_after = Some(1);
                    busy.retryable = true;
                    return busy;
                }
                if let Some(db) = e.as_database_error()
                    && db.is_unique_violation()
                {
                    return ApiError::new(StatusCode::CONFLICT, "name_taken", "an object with that name already exists");
                }
                tracing::error!(error = %e, "database error");
                ApiError::internal()
            }
            StoreError::Corrupt(m) => {
                tracing::error!(error = %m, "store inconsistency");
                ApiError::internal()
            }
        }
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

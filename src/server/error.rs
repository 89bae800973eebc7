//! The one error type of the HTTP layer, mapped once to the error body of the API contract.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::store::{Refusal as StoreRefusal, StoreError, is_busy};
use crate::domain::validate::FieldError;
use crate::model::{
    BadLine, BelowCostCard, CapacityExceeded, DimensionShort, ErrorBody, ErrorDetail, Level,
    Permission, Refusal,
};

/// An error answer: the refusal (its code and details), sentence and field, and how to send it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed: an error stays small on the success path of every `Result`.
    pub refusal: Box<Refusal>,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<u64>,
    /// The database rolled the transaction back (deadlock, serialization): the request may be
    /// run again as it is (see `server::retry`).
    pub retryable: bool,
}

/// The HTTP status of each refusal (API.md, "Errors").
pub fn status_of(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::BadRequest => StatusCode::BAD_REQUEST,
        Refusal::Unauthenticated | Refusal::InvalidCredentials => StatusCode::UNAUTHORIZED,
        Refusal::Forbidden { .. } | Refusal::ReadOnlySession => StatusCode::FORBIDDEN,
        Refusal::NotFound => StatusCode::NOT_FOUND,
        Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Refusal::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        Refusal::LevelNotAllowed { .. }
        | Refusal::CapacityExceeded(_)
        | Refusal::PackageBelowUsage { .. }
        | Refusal::HasChildren { .. }
        | Refusal::NameTaken
        | Refusal::DomainTaken
        | Refusal::EmailTaken
        | Refusal::BelowCostDownstream { .. }
        | Refusal::CardInUse
        | Refusal::NotActive
        | Refusal::RateCardRequired { .. }
        | Refusal::BelowMinimumExtensions { .. }
        | Refusal::RateCardNotUsable { .. }
        | Refusal::DestinationSuspended { .. }
        | Refusal::MoveBlocked { .. } => StatusCode::CONFLICT,
        Refusal::VersionMismatch { .. } => StatusCode::PRECONDITION_FAILED,
        Refusal::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        Refusal::InvalidField { .. } | Refusal::BelowCost { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Refusal::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Refusal::MailFailed => StatusCode::BAD_GATEWAY,
        Refusal::Busy => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::Internal | Refusal::UnexpectedResponse | Refusal::Other { .. } => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

impl ApiError {
    /// The answer to `refusal`, with its status, in the words of `message`.
    pub fn new(refusal: Refusal, message: impl Into<String>) -> ApiError {
        ApiError {
            status: status_of(&refusal),
            refusal: Box::new(refusal),
            message: message.into(),
            field: None,
            retry_after: None,
            retryable: false,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn not_found() -> ApiError {
        ApiError::new(Refusal::NotFound, "no such object")
    }

    /// 503 for a transaction the database rolled back whole (a deadlock or a failed
    /// serialization): the route guard tries the request again.
    pub fn busy_database() -> ApiError {
        let mut busy = ApiError::new(
            Refusal::Busy,
            "the database was busy with a conflicting change; try again",
        );
        busy.retry_after = Some(1);
        busy.retryable = true;
        busy
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(Refusal::BadRequest, message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError::new(Refusal::Unauthenticated, message)
    }

    /// 403 naming no permission (what no permission allows).
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(
            Refusal::Forbidden {
                permission: None,
                missing: vec![],
            },
            message,
        )
    }

    /// 403 naming the permission a route needs (`details.permission`).
    pub fn lacking(permission: Permission, message: impl Into<String>) -> ApiError {
        ApiError::new(
            Refusal::Forbidden {
                permission: Some(permission),
                missing: vec![],
            },
            message,
        )
    }

    /// 403 naming the permissions the caller lacks (`details.missing`); `say` puts their list
    /// ("a, b") into the sentence. `Ok` when nothing is missing.
    pub fn unless_held(
        missing: &[Permission],
        say: impl FnOnce(&str) -> String,
    ) -> Result<(), ApiError> {
        if missing.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = missing.iter().map(|p| p.to_string()).collect();
        Err(ApiError::new(
            Refusal::Forbidden {
                permission: None,
                missing: missing.to_vec(),
            },
            say(&names.join(", ")),
        ))
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::new(
            Refusal::InvalidField { lines: vec![] },
            format!("{field} {message}"),
        )
        .with_field(field)
    }

    /// An `invalid_field` refusal of a file: the lines at fault (`details.lines`).
    pub fn with_bad_lines(mut self, lines: Vec<BadLine>) -> ApiError {
        self.refusal = Box::new(Refusal::InvalidField { lines });
        self
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            Refusal::Internal,
            "the server failed; the request id is in the logs",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                refusal: (*self.refusal).clone(),
                message: self.message.clone(),
                field: self.field.clone(),
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

impl From<StoreRefusal> for ApiError {
    fn from(r: StoreRefusal) -> Self {
        match r {
            StoreRefusal::LevelNotAllowed { parent, child } => {
                let allowed = crate::domain::level::creatable_levels(parent);
                let message = format!(
                    "a {} cannot create a {}; it can create: {}",
                    parent.label(),
                    child.label(),
                    level_list(&allowed)
                );
                let refusal = Refusal::LevelNotAllowed {
                    allowed,
                    level: child,
                    parent_level: parent,
                };
                ApiError::new(refusal, message).with_field("level")
            }
            StoreRefusal::Capacity { dealer_id, dealer_name, shortfall, also } => ApiError::new(
                Refusal::CapacityExceeded(Box::new(CapacityExceeded {
                    asked: Some(shortfall.asked),
                    free: Some(shortfall.free),
                    dimension: Some(shortfall.dimension.as_str().into()),
                    dealer_id: Some(dealer_id.into()),
                    dealer_name: Some(dealer_name.clone()),
                    plan: None,
                    also: also
                        .iter()
                        .map(|s| DimensionShort {
                            dimension: s.dimension.as_str().into(),
                            asked: s.asked,
                            free: s.free,
                        })
                        .collect(),
                })),
                crate::domain::capacity::shortfalls_in_words(
                    &dealer_name,
                    &[&[shortfall][..], &also].concat(),
                ),
            )
            .with_field(shortfall.dimension.as_str()),
            StoreRefusal::NoHighAvailability { dealer_id, dealer_name } => ApiError::new(
                Refusal::CapacityExceeded(Box::new(CapacityExceeded {
                    dimension: Some("high_availability".into()),
                    dealer_id: Some(dealer_id.into()),
                    dealer_name: Some(dealer_name.clone()),
                    ..CapacityExceeded::default()
                })),
                format!("high availability: {dealer_name} has none to give"),
            )
            .with_field("high_availability"),
            StoreRefusal::BelowCommitted(b) => ApiError::new(
                Refusal::PackageBelowUsage {
                    allocated: b.allocated,
                    dimension: b.dimension.as_str().into(),
                    requested: b.requested,
                    shortfall: b.shortfall(),
                    used: b.used,
                },
                format!(
                    "{}: {} is below what is committed ({} allocated to sub-dealers + {} used by tenants); short by {}",
                    b.dimension, b.requested, b.allocated, b.used, b.shortfall()
                ),
            )
            .with_field(b.dimension.as_str()),
            StoreRefusal::HasChildren { sub_dealers, tenants } => ApiError::new(
                Refusal::HasChildren { sub_dealers, tenants },
                format!("still has {sub_dealers} sub-dealer(s) and {tenants} tenant(s): delete or move them first"),
            ),
            StoreRefusal::Taken { field, value } => ApiError::new(
                match field {
                    "domain" => Refusal::DomainTaken,
                    "email" => Refusal::EmailTaken,
                    _ => Refusal::NameTaken,
                },
                format!("{field} `{value}` is already taken"),
            )
            .with_field(field),
            StoreRefusal::Invalid(e) => e.into(),
            StoreRefusal::Forbidden(m) => ApiError::forbidden(m),
            StoreRefusal::BelowCost { count, prefixes } => ApiError::new(
                Refusal::BelowCost { count, prefixes: prefixes.clone() },
                format!(
                    "this markup sells below cost on {count} prefix(es), first {}; set allow_below_cost to accept it",
                    prefixes.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                ),
            )
            .with_field("markup"),
            StoreRefusal::DownstreamBelowCost(cards) => ApiError::new(
                Refusal::BelowCostDownstream {
                    cards: cards
                        .iter()
                        .map(|c| BelowCostCard { id: c.id.clone().into(), name: c.name.clone(), why: c.why.clone() })
                        .collect(),
                },
                format!(
                    "this change would make {} card(s) priced from it sell below cost: {}",
                    cards.len(),
                    cards.iter().take(5).map(|c| format!("{} ({})", c.name, c.why)).collect::<Vec<_>>().join("; ")
                ),
            ),
            StoreRefusal::CardInUse(why) => ApiError::new(Refusal::CardInUse, format!("the card is still used by {why}")),
            StoreRefusal::MoveBlocked(plan) => {
                let first = plan.blockers.first().cloned();
                let message = first.as_ref().map_or_else(|| "the move is blocked".to_string(), |b| b.message.clone());
                let field = first.as_ref().and_then(|b| b.field.clone());
                let refusal = match first.as_ref().map(|b| b.code.as_str()) {
                    Some("capacity_exceeded") => Refusal::CapacityExceeded(Box::new(CapacityExceeded {
                        plan: Some(plan),
                        ..CapacityExceeded::default()
                    })),
                    Some("rate_card_required") => Refusal::RateCardRequired { plan },
                    Some("below_minimum_extensions") => Refusal::BelowMinimumExtensions { plan },
                    Some("rate_card_not_usable") => Refusal::RateCardNotUsable { plan },
                    Some("destination_suspended") => Refusal::DestinationSuspended { plan },
                    _ => Refusal::MoveBlocked { plan },
                };
                let mut e = ApiError::new(refusal, message);
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
                Refusal::VersionMismatch {
                    current_version: current,
                },
                format!(
                    "changed by someone else since you loaded it (now at version {current}); reload and apply again"
                ),
            ),
            StoreError::Refused(r) => r.into(),
            StoreError::SharedCommit { busy: true, .. } => ApiError::busy_database(),
            StoreError::SharedCommit {
                message,
                busy: false,
            } => {
                tracing::error!(error = %message, "database error in a shared commit");
                ApiError::internal()
            }
            StoreError::Db(e) => {
                // PostgreSQL's serialization_failure and deadlock_detected: rolled back whole.
                if is_busy(&e) {
                    return ApiError::busy_database();
                }
                if let Some(db) = e.as_database_error()
                    && db.is_unique_violation()
                {
                    return ApiError::new(
                        Refusal::NameTaken,
                        "an object with that name already exists",
                    );
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

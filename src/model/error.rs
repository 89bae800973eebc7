use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Refusal;

/// The body of every error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A stable machine `code` with its `details` (the [`Refusal`]), a sentence for people and the
/// field at fault. On the wire: `{"code", "message", "field"?, "details"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "WireErrorDetail", from = "WireErrorDetail")]
pub struct ErrorDetail {
    pub refusal: Refusal,
    pub message: String,
    pub field: Option<String>,
}

// [`ErrorDetail`] as it travels; its doc comment is the schema's description.
/// A stable machine `code`, a sentence for people, the field at fault and any structured details.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = ErrorDetail)]
struct WireErrorDetail {
    code: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    details: serde_json::Value,
}

impl From<ErrorDetail> for WireErrorDetail {
    fn from(e: ErrorDetail) -> Self {
        WireErrorDetail {
            code: e.refusal.code().to_string(),
            details: e.refusal.details(),
            message: e.message,
            field: e.field,
        }
    }
}

impl From<WireErrorDetail> for ErrorDetail {
    fn from(w: WireErrorDetail) -> Self {
        ErrorDetail {
            refusal: Refusal::from_wire(w.code, w.details),
            message: w.message,
            field: w.field,
        }
    }
}

impl utoipa::PartialSchema for ErrorDetail {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <WireErrorDetail as utoipa::PartialSchema>::schema()
    }
}

impl ToSchema for ErrorDetail {}

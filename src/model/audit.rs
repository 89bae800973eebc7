use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One entry of the audit trail. Never changed or removed through the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    /// The real user when the change was made while viewing as `actor`.
    pub impersonator_id: Option<String>,
    pub impersonator_email: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub object_name: Option<String>,
    #[schema(value_type = Option<Object>, nullable = true)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>, nullable = true)]
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
}

/// Filters of `GET /audit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// RFC 3339; events at or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// RFC 3339; events before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::DealerId;

/// One entry of the audit trail. Never changed or removed through the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub at: OffsetDateTime,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    /// The real user when the change was made while viewing as `actor`.
    pub impersonator_id: Option<String>,
    pub impersonator_email: Option<String>,
    /// The API key the actor's request was made with, if any.
    #[serde(default)]
    pub api_key_id: Option<String>,
    #[serde(default)]
    pub api_key_name: Option<String>,
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
    /// The plan applied with this change (`POST /plans/{id}/apply`), shared by all its events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_set: Option<String>,
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
    /// Only the events of one applied plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_set: Option<String>,
    /// Only events of this dealer's subtree (it must be in the caller's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<DealerId>,
    /// Events at or after (RFC 3339 on the wire).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub since: Option<OffsetDateTime>,
    /// Events before (RFC 3339 on the wire).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn event_at(at: &str) -> serde_json::Value {
        serde_json::json!({
            "id": "aud_1", "at": at, "actor_id": null, "actor_email": null,
            "impersonator_id": null, "impersonator_email": null, "api_key_id": null,
            "api_key_name": null, "action": "tenant.create",
            "object_type": "tenant", "object_id": null, "object_name": null, "before": null,
            "after": null, "client_addr": null, "request_id": null
        })
    }

    /// Timestamps travel as RFC 3339 UTC, as the server has always written them: `Z`, and the
    /// fraction of a second only when there is one (microseconds as stored).
    #[test]
    fn timestamps_travel_as_rfc3339_utc() {
        for (text, at) in [
            (
                "2026-11-23T18:56:58.123456Z",
                datetime!(2026-11-23 18:56:58.123456 UTC),
            ),
            ("2026-11-23T18:56:58Z", datetime!(2026-11-23 18:56:58 UTC)),
            (
                "2026-11-23T18:56:58.5Z",
                datetime!(2026-11-23 18:56:58.5 UTC),
            ),
        ] {
            let event: AuditEvent = serde_json::from_value(event_at(text)).unwrap();
            assert_eq!(event.at, at);
            assert_eq!(serde_json::to_value(&event).unwrap(), event_at(text));
        }
        assert!(serde_json::from_value::<AuditEvent>(event_at("yesterday")).is_err());
    }
}

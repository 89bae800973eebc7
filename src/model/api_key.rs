//! API keys: named, revocable credentials for scripts, holding a subset of their owner's
//! permissions. The secret travels once, in [`CreatedApiKey`]; the server keeps only its hash.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::Permission;
use super::ids::ApiKeyId;

/// What every key's secret starts with, so that logs and secret scanners can spot a leaked one.
pub const API_KEY_PREFIX: &str = "dk_";

/// An API key as its owner sees it (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    /// What the key may do: a subset of its owner's permissions when it was made. The key is
    /// refused whole once its owner no longer holds one of them.
    pub permissions: Vec<Permission>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub created_at: OffsetDateTime,
    /// When the key stops working; `null` for never.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, nullable = true)]
    pub expires_at: Option<OffsetDateTime>,
    /// The last request made with the key (to about a minute); `null` when never used.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, nullable = true)]
    pub last_used_at: Option<OffsetDateTime>,
}

impl ApiKey {
    /// Whether the key has expired at `now`.
    pub fn expired_at(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}

/// `POST /api-keys`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewApiKey {
    pub name: String,
    /// At least one, each held by the login making the key.
    pub permissions: Vec<Permission>,
    /// In the future, or `null` for a key that does not expire.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, nullable = true)]
    pub expires_at: Option<OffsetDateTime>,
}

/// The answer to `POST /api-keys`: the key and its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    /// The bearer token of the key (`dk_…`). The server keeps only its hash: it cannot be
    /// shown again.
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_new_key_without_expiry_reads_as_never() {
        let k: NewApiKey = serde_json::from_value(
            serde_json::json!({"name": "ci", "permissions": ["tenants:read"]}),
        )
        .unwrap();
        assert_eq!(k.expires_at, None);
        let k: NewApiKey = serde_json::from_value(serde_json::json!({
            "name": "ci", "permissions": [], "expires_at": "2030-01-01T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(k.expires_at, Some(datetime!(2030-01-01 0:00 UTC)));
    }
}

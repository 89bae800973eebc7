//! API keys of the signed-in login.

use reqwest::Method;

use super::{ApiClient, Result, seg};
use crate::model::*;

impl ApiClient {
    /// The signed-in login's own keys (never their secrets).
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKey>> {
        Self::json(self.request(Method::GET, "/api-keys")).await
    }

    /// Creates a key; the answer's `secret` is shown this once.
    pub async fn create_api_key(&self, new: &NewApiKey) -> Result<CreatedApiKey> {
        Self::json(self.request(Method::POST, "/api-keys").json(new)).await
    }

    /// Revokes one of the signed-in login's keys, at once.
    pub async fn revoke_api_key(&self, id: &str) -> Result<()> {
        Self::empty(self.request(Method::DELETE, &format!("/api-keys/{}", seg(id)))).await
    }
}

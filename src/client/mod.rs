//! The typed async client of the management API: one method per endpoint, errors as model types.
//! It never panics on what a server sends: anything unexpected becomes a [`ClientError`].

mod api_keys;
mod error;
mod impact;
mod plans;
mod rate_cards;
pub mod transport;

pub use error::{ClientError, unless_forbidden};

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

use crate::model::*;

/// A connection to one server, optionally signed in.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base)
            .field("signed_in", &self.token.is_some())
            .finish()
    }
}

type Result<T> = std::result::Result<T, ClientError>;

impl ApiClient {
    /// The HTTP settings every client of the API starts from: connect and answer time-outs and
    /// the user agent. Add a CA or other settings before `build`.
    pub fn http_builder() -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("dealerctl/", env!("CARGO_PKG_VERSION")))
    }

    /// A client for the server at `base` (like `https://pbx-mgmt.example.net`).
    pub fn new(base: &str) -> Result<ApiClient> {
        let http = Self::http_builder()
            .build()
            .map_err(|e| ClientError::Network(e.to_string()))?;
        Ok(ApiClient::with_http(http, base))
    }

    /// A client over a prepared `reqwest::Client` (custom CA, proxies, timeouts).
    pub fn with_http(http: reqwest::Client, base: &str) -> ApiClient {
        ApiClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: None,
        }
    }

    /// The same connection, signed in with `token`.
    pub fn with_token(&self, token: impl Into<String>) -> ApiClient {
        ApiClient {
            token: Some(token.into()),
            ..self.clone()
        }
    }

    /// The same connection, signed out.
    pub fn without_token(&self) -> ApiClient {
        ApiClient {
            token: None,
            ..self.clone()
        }
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let rb = self
            .http
            .request(method, format!("{}/api/v1{}", self.base, path));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    async fn send(rb: RequestBuilder) -> Result<Response> {
        let response = rb.send().await.map_err(ClientError::from_reqwest)?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(ClientError::from_response(response).await)
        }
    }

    async fn json<T: DeserializeOwned>(rb: RequestBuilder) -> Result<T> {
        let response = Self::send(rb).await?;
        let kind = content_type(&response);
        let bytes = read_limited(response, MAX_ANSWER).await?;
        decode_answer(&bytes, kind.as_deref())
    }

    async fn empty(rb: RequestBuilder) -> Result<()> {
        Self::send(rb).await.map(|_| ())
    }

    fn if_match(rb: RequestBuilder, version: Option<i64>) -> RequestBuilder {
        match version {
            Some(v) => rb.header(reqwest::header::IF_MATCH, format!("\"{v}\"")),
            None => rb,
        }
    }

    fn list<F: Serialize>(&self, path: &str, filter: &F, page: &PageParams) -> RequestBuilder {
        self.request(Method::GET, path).query(filter).query(page)
    }

    // Sessions

    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse> {
        let body = LoginRequest {
            email: email.into(),
            password: password.into(),
        };
        Self::json(self.request(Method::POST, "/auth/login").json(&body)).await
    }

    pub async fn logout(&self) -> Result<()> {
        Self::empty(self.request(Method::POST, "/auth/logout")).await
    }

    pub async fn activate(&self, token: &str, password: &str) -> Result<()> {
        let body = ActivateRequest {
            token: token.into(),
            password: password.into(),
        };
        Self::empty(self.request(Method::POST, "/auth/activate").json(&body)).await
    }

    /// Starts a read-only view-as session; the answer's token acts as that user.
    pub async fn impersonate(&self, user_id: &str) -> Result<ImpersonateResponse> {
        let body = ImpersonateRequest {
            user_id: user_id.into(),
            read_only: true,
        };
        Self::json(self.request(Method::POST, "/auth/impersonate").json(&body)).await
    }

    /// What a user can see and do, and what looks wrong.
    pub async fn scope_report(&self, user_id: &str) -> Result<ScopeReport> {
        Self::json(self.request(Method::GET, &format!("/users/{}/scope", seg(user_id)))).await
    }

    pub async fn me(&self) -> Result<Me> {
        Self::json(self.request(Method::GET, "/me")).await
    }

    // Dealers

    pub async fn list_dealers(
        &self,
        filter: &DealerFilter,
        page: &PageParams,
    ) -> Result<Page<Dealer>> {
        Self::json(self.list("/dealers", filter, page)).await
    }

    pub async fn create_dealer(&self, new: &NewDealer) -> Result<Dealer> {
        Self::json(self.request(Method::POST, "/dealers").json(new)).await
    }

    pub async fn get_dealer(&self, id: &str) -> Result<Dealer> {
        Self::json(self.request(Method::GET, &format!("/dealers/{}", seg(id)))).await
    }

    pub async fn update_dealer(
        &self,
        id: &str,
        version: Option<i64>,
        patch: &DealerPatch,
    ) -> Result<Dealer> {
        let rb = self
            .request(Method::PATCH, &format!("/dealers/{}", seg(id)))
            .json(patch);
        Self::json(Self::if_match(rb, version)).await
    }

    pub async fn delete_dealer(&self, id: &str, version: Option<i64>) -> Result<()> {
        Self::empty(Self::if_match(
            self.request(Method::DELETE, &format!("/dealers/{}", seg(id))),
            version,
        ))
        .await
    }

    pub async fn suspend_dealer(&self, id: &str) -> Result<Dealer> {
        Self::json(self.request(Method::POST, &format!("/dealers/{}/suspend", seg(id)))).await
    }

    pub async fn resume_dealer(&self, id: &str) -> Result<Dealer> {
        Self::json(self.request(Method::POST, &format!("/dealers/{}/resume", seg(id)))).await
    }

    pub async fn capacity(&self, id: &str) -> Result<Capacity> {
        Self::json(self.request(Method::GET, &format!("/dealers/{}/capacity", seg(id)))).await
    }

    pub async fn set_package(
        &self,
        id: &str,
        version: Option<i64>,
        package: &Package,
    ) -> Result<Dealer> {
        let rb = self
            .request(Method::PUT, &format!("/dealers/{}/package", seg(id)))
            .json(package);
        Self::json(Self::if_match(rb, version)).await
    }

    /// A tree node with `depth` levels of children; `root` defaults to the caller's dealer.
    pub async fn tree(&self, root: Option<&str>, depth: u32) -> Result<TreeNode> {
        self.tree_showing(root, depth, None).await
    }

    /// [`Self::tree`] with the tenant `show` among the root's leaves even beyond the first ones.
    pub async fn tree_showing(
        &self,
        root: Option<&str>,
        depth: u32,
        show: Option<&str>,
    ) -> Result<TreeNode> {
        let mut rb = self
            .request(Method::GET, "/tree")
            .query(&[("depth", depth.to_string())]);
        if let Some(r) = root {
            rb = rb.query(&[("root", r)]);
        }
        if let Some(s) = show {
            rb = rb.query(&[("show", s)]);
        }
        Self::json(rb).await
    }

    // Tenants

    pub async fn list_tenants(
        &self,
        filter: &TenantFilter,
        page: &PageParams,
    ) -> Result<Page<Tenant>> {
        Self::json(self.list("/tenants", filter, page)).await
    }

    pub async fn create_tenant(&self, new: &NewTenant) -> Result<Tenant> {
        Self::json(self.request(Method::POST, "/tenants").json(new)).await
    }

    pub async fn get_tenant(&self, id: &str) -> Result<Tenant> {
        Self::json(self.request(Method::GET, &format!("/tenants/{}", seg(id)))).await
    }

    pub async fn update_tenant(
        &self,
        id: &str,
        version: Option<i64>,
        patch: &TenantPatch,
    ) -> Result<Tenant> {
        let rb = self
            .request(Method::PATCH, &format!("/tenants/{}", seg(id)))
            .json(patch);
        Self::json(Self::if_match(rb, version)).await
    }

    pub async fn delete_tenant(&self, id: &str, version: Option<i64>) -> Result<()> {
        Self::empty(Self::if_match(
            self.request(Method::DELETE, &format!("/tenants/{}", seg(id))),
            version,
        ))
        .await
    }

    pub async fn suspend_tenant(&self, id: &str) -> Result<Tenant> {
        Self::json(self.request(Method::POST, &format!("/tenants/{}/suspend", seg(id)))).await
    }

    pub async fn resume_tenant(&self, id: &str) -> Result<Tenant> {
        Self::json(self.request(Method::POST, &format!("/tenants/{}/resume", seg(id)))).await
    }

    // Users

    pub async fn list_users(&self, filter: &UserFilter, page: &PageParams) -> Result<Page<User>> {
        Self::json(self.list("/users", filter, page)).await
    }

    pub async fn create_user(&self, new: &NewUser) -> Result<User> {
        Self::json(self.request(Method::POST, "/users").json(new)).await
    }

    pub async fn get_user(&self, id: &str) -> Result<User> {
        Self::json(self.request(Method::GET, &format!("/users/{}", seg(id)))).await
    }

    pub async fn update_user(
        &self,
        id: &str,
        version: Option<i64>,
        patch: &UserPatch,
    ) -> Result<User> {
        let rb = self
            .request(Method::PATCH, &format!("/users/{}", seg(id)))
            .json(patch);
        Self::json(Self::if_match(rb, version)).await
    }

    pub async fn delete_user(&self, id: &str, version: Option<i64>) -> Result<()> {
        Self::empty(Self::if_match(
            self.request(Method::DELETE, &format!("/users/{}", seg(id))),
            version,
        ))
        .await
    }

    pub async fn reset_password(&self, id: &str) -> Result<()> {
        Self::empty(self.request(Method::POST, &format!("/users/{}/reset-password", seg(id)))).await
    }

    // Groups

    pub async fn permissions(&self) -> Result<Vec<PermissionInfo>> {
        Self::json(self.request(Method::GET, "/permissions")).await
    }

    pub async fn group_templates(&self) -> Result<Vec<GroupTemplate>> {
        Self::json(self.request(Method::GET, "/group-templates")).await
    }

    pub async fn list_groups(
        &self,
        filter: &GroupFilter,
        page: &PageParams,
    ) -> Result<Page<Group>> {
        Self::json(self.list("/groups", filter, page)).await
    }

    pub async fn create_group(&self, new: &NewGroup) -> Result<Group> {
        Self::json(self.request(Method::POST, "/groups").json(new)).await
    }

    pub async fn get_group(&self, id: &str) -> Result<Group> {
        Self::json(self.request(Method::GET, &format!("/groups/{}", seg(id)))).await
    }

    pub async fn update_group(
        &self,
        id: &str,
        version: Option<i64>,
        patch: &GroupPatch,
    ) -> Result<Group> {
        let rb = self
            .request(Method::PATCH, &format!("/groups/{}", seg(id)))
            .json(patch);
        Self::json(Self::if_match(rb, version)).await
    }

    pub async fn delete_group(&self, id: &str, version: Option<i64>) -> Result<()> {
        Self::empty(Self::if_match(
            self.request(Method::DELETE, &format!("/groups/{}", seg(id))),
            version,
        ))
        .await
    }

    // Audit

    pub async fn audit(&self, filter: &AuditFilter, page: &PageParams) -> Result<Page<AuditEvent>> {
        Self::json(self.list("/audit", filter, page)).await
    }

    // Search

    /// Objects of every kind the caller may read whose name (or domain, e-mail) contains `q`.
    pub async fn search(&self, q: &str, limit: i64) -> Result<SearchResults> {
        let query = SearchQuery {
            q: q.to_string(),
            limit: Some(limit),
        };
        Self::json(self.request(Method::GET, "/search").query(&query)).await
    }

    // Server

    /// The server's OpenAPI document.
    pub async fn openapi(&self) -> Result<serde_json::Value> {
        Self::json(self.request(Method::GET, "/openapi.json")).await
    }

    /// Whether an endpoint exists on this server: `Ok` when it answers (even with a refusal
    /// other than an unknown route), the error otherwise.
    pub async fn probe(&self, path: &str) -> Result<()> {
        match Self::send(self.request(Method::GET, path)).await {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.status(), Some(404 | 405)) => Err(e),
            Err(e) if e.status().is_some() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// True when the server process answers `GET /healthz`.
    pub async fn healthy(&self) -> bool {
        matches!(self.http.get(format!("{}/healthz", self.base)).send().await, Ok(r) if r.status() == StatusCode::OK)
    }
}

/// The largest answer read as JSON. A page of a thousand rows is well under a megabyte; a server
/// sending more is refused as soon as it passes this, so it cannot fill the console's memory.
pub const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// Reads a whole body of at most `limit` bytes; a longer one is refused (and the connection
/// dropped) without being read further.
pub(crate) async fn read_limited(mut response: Response, limit: usize) -> Result<Vec<u8>> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(ClientError::TooLarge { limit });
    }
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ClientError::from_body)? {
        if out.len() + chunk.len() > limit {
            return Err(ClientError::TooLarge { limit });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The answer's content type, when it names one.
fn content_type(response: &Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
}

/// Decodes a successful answer's body into the type the caller expects; anything else becomes a
/// [`ClientError`] that says what was wrong without quoting the server. Public so that it can be
/// fuzzed on its own.
pub fn decode_answer<T: DeserializeOwned>(bytes: &[u8], content_type: Option<&str>) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| ClientError::undecodable(&e, content_type))
}

/// A path segment, percent-encoded so that an id can never change the path.
fn seg(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::seg;

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(seg("dlr_01"), "dlr_01");
        assert_eq!(seg("../users"), "..%2Fusers");
        assert_eq!(seg("a b?c"), "a%20b%3Fc");
    }
}

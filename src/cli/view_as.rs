//! `--as USER` on the read verbs: the reads go through a read-only view-as session of that login
//! (audited by the server as any other), which ends when the verb ends, however it ends.

use super::failure::CliResult;
use super::resolve::resolve_id;
use crate::client::ApiClient;
use crate::verbs::Kind;

/// Runs `read` as the caller, or, with `as_user`, through a view-as session of that login.
pub async fn reading_as<T>(
    c: &ApiClient,
    as_user: Option<&str>,
    read: impl AsyncFnOnce(&ApiClient) -> CliResult<T>,
) -> CliResult<T> {
    let Some(user) = as_user else {
        return read(c).await;
    };
    let id = resolve_id(c, Kind::Users, user).await?;
    let view = c.with_token(c.impersonate(&id).await?.token);
    let result = read(&view).await;
    // The view ends now rather than at its expiry; a failure here changes nothing the verb did.
    if let Err(e) = view.logout().await {
        tracing::warn!("ending the view-as session: {e}");
    }
    result
}

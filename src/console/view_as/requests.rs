//! View-as requests: a read-only session as another login, and its scope report beside the
//! caller's own.

use crate::client::ApiClient;
use crate::console::msg::ReplyBody;
use crate::console::users::requests::find_user;

/// Starts a view-as session as the login with this e-mail (the answer carries its token).
pub async fn start(c: ApiClient, email: String) -> ReplyBody {
    let result = async {
        let user = find_user(&c, &email).await?;
        Ok(c.impersonate(&user.id).await?.token)
    }
    .await;
    ReplyBody::ViewAs { email, result }
}

/// The scope report of the login with this e-mail, and the caller's own when it may see it.
pub async fn scope_report(c: ApiClient, email: String) -> ReplyBody {
    let result = async {
        let user = find_user(&c, &email).await?;
        let theirs = c.scope_report(&user.id).await?;
        let me = c.me().await?;
        let own = c.scope_report(&me.user.id).await.ok();
        Ok((theirs, own))
    }
    .await;
    ReplyBody::ScopeReport(result)
}

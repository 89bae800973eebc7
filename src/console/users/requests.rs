//! Finding a login by its e-mail, as `:as` and `:scope` name it.

use crate::client::{ApiClient, ClientError};
use crate::model::*;

/// The user with this e-mail in the caller's scope.
pub async fn find_user(c: &ApiClient, email: &str) -> Result<User, ClientError> {
    let page = PageParams {
        q: Some(email.to_string()),
        limit: Some(50),
        ..PageParams::default()
    };
    c.list_users(&UserFilter::default(), &page)
        .await?
        .items
        .into_iter()
        .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
        .ok_or_else(|| {
            let message = format!("no login {email} in your scope");
            ClientError::refused(404, Refusal::NotFound, message, None)
        })
}

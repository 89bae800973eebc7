//! A page of the audit trail under the tab's filter; an actor named by e-mail is looked up first.

use crate::client::{ApiClient, ClientError};
use crate::console::audit::query::AuditQuery;
use crate::console::users::requests::find_user;
use crate::model::*;

/// One page of events, newest first, as `query` narrows them.
pub async fn page(
    c: &ApiClient,
    query: &AuditQuery,
    page: &PageParams,
) -> Result<Page<AuditEvent>, ClientError> {
    let mut filter = query.filter.clone();
    if let Some(actor) = &query.actor {
        filter.actor_id = Some(if actor.contains('@') {
            find_user(c, actor).await?.id
        } else {
            actor.clone()
        });
    }
    c.audit(&filter, page).await
}

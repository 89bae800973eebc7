//! A page of the audit trail under the tab's filter; an actor named by e-mail and a dealer named
//! by name are looked up first.

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
            find_user(c, actor).await?.id.into_string()
        } else {
            actor.clone()
        });
    }
    if let Some(dealer) = &query.dealer {
        filter.dealer_id = Some(dealer_named(c, dealer).await?);
    }
    c.audit(&filter, page).await
}

/// The dealer whose name (any case) or id is `typed`; an unknown word is sent as an id, and the
/// server answers that it is not found.
async fn dealer_named(c: &ApiClient, typed: &str) -> Result<DealerId, ClientError> {
    let found = c.search(typed, 20).await?;
    let hit = found
        .items
        .iter()
        .filter(|h| h.kind == ObjectKind::Dealer)
        .find(|h| h.id == typed || h.name.eq_ignore_ascii_case(typed));
    Ok(DealerId::from(hit.map_or(typed, |h| h.id.as_str())))
}

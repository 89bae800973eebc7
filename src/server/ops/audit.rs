//! Audit operations: the events of the caller's subtree, newest first. Events are written by the
//! other operations, in the transaction of the change they record.

use super::Paging;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::state::AppState;

pub async fn list(
    st: &AppState,
    caller: &Caller,
    filter: AuditFilter,
    paging: Paging,
) -> ApiResult<Page<AuditEvent>> {
    super::page_of(caller, paging, async |page| {
        st.store.list_audit(&caller.scope, &filter, page).await
    })
    .await
}

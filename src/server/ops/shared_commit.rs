//! Writes that share their commit with concurrent writes of the same kind (the store's group
//! commit): the operation runs exactly as it would in a transaction of its own, between a
//! savepoint and its release, and its caller is answered once the shared transaction commits.

use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};

use super::Acting;
use crate::server::store::{StoreError, StoreResult, WriteTx, job};

/// Runs `op` as `at.actor` in `at.scope`, in a write transaction shared with concurrent writes,
/// and returns what it made once that transaction has committed.
pub async fn in_shared_commit<T, F>(at: Acting<'_>, op: F) -> StoreResult<T>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut WriteTx, Acting<'t>) -> BoxFuture<'t, StoreResult<T>>
        + Send
        + 'static,
{
    let scope = at.scope.clone();
    let actor = at.actor.clone();
    let made: Arc<Mutex<Option<T>>> = Arc::default();
    let slot = made.clone();
    let write = job(move |tx| {
        Box::pin(async move {
            let store = tx.store_handle();
            let at = Acting {
                store: &store,
                scope: &scope,
                actor: &actor,
            };
            let value = op(tx, at).await?;
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(value);
            }
            Ok(())
        })
    });
    at.store.write_shared(write).await?;
    made.lock()
        .ok()
        .and_then(|mut m| m.take())
        .ok_or_else(|| StoreError::Corrupt("a shared write committed without its result".into()))
}

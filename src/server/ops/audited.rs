//! The audit event that ends every create, update and delete: the object named by its kind, id
//! and name, with its state before and after, recorded in the change's transaction as it commits.

use serde_json::Value;

use crate::server::store::{Actor, Event, StoreResult, WriteTx};

/// An object whose changes are audited. Its snapshot names every object it refers to beside the
/// id, as `X_name` next to `X_id` (and `group_names` next to `group_ids`): recorded at write time,
/// so an event reads with the names as they were, even after a rename or a delete.
pub trait Audited {
    /// The `object_type` of its events.
    const KIND: &'static str;
    fn audit_id(&self) -> &str;
    fn audit_name(&self) -> &str;
    /// The state an event records before or after a change.
    fn snapshot(&self) -> Value;
}

fn event<'a, T: Audited>(action: &'a str, object: &'a T) -> Event<'a> {
    Event::new(action, T::KIND, object.audit_id(), object.audit_name())
}

/// `snapshot` with more keys (names the object does not carry itself).
pub fn with(snapshot: Value, more: Value) -> Value {
    match (snapshot, more) {
        (Value::Object(mut s), Value::Object(m)) => {
            s.extend(m);
            Value::Object(s)
        }
        (s, _) => s,
    }
}

/// Records the creation of `after` (by `actor`, readable from `path` up) in the transaction.
pub async fn record_created<T: Audited>(
    tx: &mut WriteTx,
    actor: &Actor,
    path: &str,
    action: &str,
    after: &T,
) -> StoreResult<()> {
    let e = event(action, after).after(after.snapshot());
    tx.record(actor, path, e).await
}

/// Records a change from `before` to `after` in the transaction.
pub async fn record_updated<T: Audited>(
    tx: &mut WriteTx,
    actor: &Actor,
    path: &str,
    action: &str,
    before: &T,
    after: &T,
) -> StoreResult<()> {
    let e = event(action, after)
        .before(before.snapshot())
        .after(after.snapshot());
    tx.record(actor, path, e).await
}

/// Records the deletion of `before` in the transaction.
pub async fn record_deleted<T: Audited>(
    tx: &mut WriteTx,
    actor: &Actor,
    path: &str,
    action: &str,
    before: &T,
) -> StoreResult<()> {
    let e = event(action, before).before(before.snapshot());
    tx.record(actor, path, e).await
}

/// Records the creation of `after` and commits.
pub async fn commit_created<T: Audited>(
    mut tx: WriteTx,
    actor: &Actor,
    path: &str,
    action: &str,
    after: &T,
) -> StoreResult<()> {
    record_created(&mut tx, actor, path, action, after).await?;
    tx.commit().await
}

/// Records a change from `before` to `after` and commits.
pub async fn commit_updated<T: Audited>(
    mut tx: WriteTx,
    actor: &Actor,
    path: &str,
    action: &str,
    before: &T,
    after: &T,
) -> StoreResult<()> {
    record_updated(&mut tx, actor, path, action, before, after).await?;
    tx.commit().await
}

/// Records the deletion of `before` and commits.
pub async fn commit_deleted<T: Audited>(
    mut tx: WriteTx,
    actor: &Actor,
    path: &str,
    action: &str,
    before: &T,
) -> StoreResult<()> {
    record_deleted(&mut tx, actor, path, action, before).await?;
    tx.commit().await
}

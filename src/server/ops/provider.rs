//! The provider's package, set from the server configuration at start-up.

use serde_json::json;

use crate::model::Package;
use crate::server::store::{Actor, Event, Refusal, Store, StoreResult};

/// Sets the provider's package to the configured subscription (its minimum extensions per
/// tenant stays as it is). A smaller subscription may not strand what is already handed out.
pub async fn set_package(store: &dyn Store, p: Package) -> StoreResult<()> {
    let mut tx = store.write().await?;
    let root = tx.lock_provider().await?;
    let new = Package {
        min_extensions_per_tenant: root.package.min_extensions_per_tenant,
        ..p
    };
    if new == root.package {
        return Ok(());
    }
    tx.ledger(&root)
        .await?
        .check_shrink(&new)
        .map_err(Refusal::BelowCommitted)?;
    // The minimum per tenant is the provider's own to set: `new` keeps it as it is.
    tx.set_provider_package(&root.id, &new).await?;
    let actor = Actor {
        email: Some("server configuration".into()),
        ..Actor::default()
    };
    let event = Event::new("package.update", "dealer", &root.id, &root.name)
        .before(json!({ "package": root.package }))
        .after(json!({ "package": new }));
    tx.commit_with(&actor, &root.path, event).await
}

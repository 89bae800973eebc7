//! API key operations: a login lists, creates and revokes its own keys. A key holds a subset of
//! its owner's permissions; a request made with a key may not create or revoke keys, so a
//! leaked key cannot mint more or keep itself alive.

use serde_json::json;
use time::format_description::well_known::Rfc3339;

use super::audited::{Audited, commit_created, commit_deleted};
use super::unless_taken;
use crate::domain::permissions::normalize;
use crate::domain::validate;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::auth::token::{hash_token, new_token};
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{now_micros, time_of};

impl Audited for ApiKey {
    const KIND: &'static str = "api_key";
    fn audit_id(&self) -> &str {
        &self.id
    }
    fn audit_name(&self) -> &str {
        &self.name
    }
    /// What a key may do and until when; never its secret, which the server does not keep.
    fn snapshot(&self) -> serde_json::Value {
        json!({
            "name": self.name, "permissions": self.permissions, "expires_at": self.expires_at.and_then(|t| t.format(&Rfc3339).ok()),
        })
    }
}

/// What a key request may not do, in the words of the refusal.
const MANAGE_KEYS: &str = "create or revoke API keys";

/// The caller's own keys, expired ones included.
pub async fn list(st: &AppState, caller: &Caller) -> ApiResult<Vec<ApiKey>> {
    Ok(st.store.list_api_keys(&caller.user_id).await?)
}

/// Creates a key holding `new.permissions` (each held by the caller) and returns its secret,
/// which is never shown again.
pub async fn create(st: &AppState, caller: &Caller, new: NewApiKey) -> ApiResult<CreatedApiKey> {
    caller.refuse_api_key(MANAGE_KEYS)?;
    if caller.permissions.is_empty() {
        return Err(ApiError::forbidden(
            "this login belongs to no permission group, so it has nothing to give a key; ask an administrator to add it to a group",
        ));
    }
    ApiError::unless_held(&caller.permissions.missing(&new.permissions), |names| {
        format!("a key can hold only permissions you hold: you lack {names}")
    })
    .map_err(|e| e.with_field("permissions"))?;
    let name = validate::name("name", &new.name)?;
    let permissions = normalize(&new.permissions);
    if permissions.is_empty() {
        return Err(ApiError::invalid_field(
            "permissions",
            "must name at least one permission",
        ));
    }
    let now = now_micros();
    let expires_at = match new.expires_at {
        Some(t) => {
            let micros = (t.unix_timestamp_nanos() / 1000) as i64;
            if micros <= now {
                return Err(ApiError::invalid_field(
                    "expires_at",
                    "must be in the future (leave it out for a key that does not expire)",
                ));
            }
            // Stored times are read back as RFC 3339, which ends with the year 9999 (in UTC).
            if time_of(micros).is_err() {
                return Err(ApiError::invalid_field("expires_at", "is too far ahead"));
            }
            Some(micros)
        }
        None => None,
    };
    let secret = format!("{API_KEY_PREFIX}{}", new_token());
    let mut tx = st.store.write().await?;
    tx.lock_key_owner(&caller.user_id).await?;
    unless_taken(
        tx.api_key_name_taken(&caller.user_id, &name, now).await?,
        "name",
        &name,
    )?;
    let key = tx
        .insert_api_key(
            &caller.user_id,
            &name,
            &hash_token(&secret),
            &permissions,
            expires_at,
        )
        .await?;
    let path = tx.dealer_path(&caller.dealer_id).await?;
    commit_created(tx, &caller.actor, &path, "api_key.create", &key).await?;
    Ok(CreatedApiKey { key, secret })
}

/// Revokes one of the caller's keys: it authenticates nothing from the commit on. Anyone
/// else's key is not found.
pub async fn revoke(st: &AppState, caller: &Caller, id: &str) -> ApiResult<()> {
    caller.refuse_api_key(MANAGE_KEYS)?;
    let mut tx = st.store.write().await?;
    let key = tx.own_api_key(&caller.user_id, id).await?;
    tx.delete_api_key(&key.id).await?;
    let path = tx.dealer_path(&caller.dealer_id).await?;
    commit_deleted(tx, &caller.actor, &path, "api_key.revoke", &key).await?;
    Ok(())
}

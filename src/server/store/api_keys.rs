//! API keys: finding a live key by its secret's hash (for authentication), a login's own keys,
//! and the SQL of creating and revoking them as primitives on a write transaction. Keys belong
//! to a login, not to a dealer: every query names the owner, which is always the caller itself.

use async_trait::async_trait;

use super::common::effective_enabled;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::write_tx::WriteTx;
use super::{ApiKeyRecord, ApiKeyStore, SqlStore, StoreError, StoreResult};
use crate::domain::permissions::normalize;
use crate::model::{ApiKey, Permission};

/// The last use of a key is written back at most once a minute, as a session's slide is: a
/// script calling in a loop must not turn every read into a write.
const LAST_USE_GRANULARITY_MICROS: i64 = 60_000_000;

const KEY_COLUMNS: &str = "k.id, k.name, k.permissions, k.created_at, k.expires_at, k.last_used_at";

fn key_from_row(row: &sqlx::any::AnyRow) -> StoreResult<ApiKey> {
    let permissions: Vec<Permission> = serde_json::from_str(&row.text("permissions")?)
        .map_err(|e| StoreError::Corrupt(format!("API key permissions: {e}")))?;
    Ok(ApiKey {
        id: row.text("id")?.into(),
        name: row.text("name")?,
        permissions: normalize(&permissions),
        created_at: row.time("created_at")?,
        expires_at: row.opt_time("expires_at")?,
        last_used_at: row.opt_time("last_used_at")?,
    })
}

/// Permissions as a key stores them: a JSON array in catalogue order.
fn stored(permissions: &[Permission]) -> StoreResult<String> {
    serde_json::to_string(&normalize(permissions))
        .map_err(|e| StoreError::Corrupt(format!("API key permissions: {e}")))
}

#[async_trait]
impl ApiKeyStore for SqlStore {
    async fn api_key(&self, token_hash: &str, now: i64) -> StoreResult<Option<ApiKeyRecord>> {
        // One query decides whether the key may act at all: not revoked (its row exists), not
        // expired, its owner enabled and the owner's dealer (and every dealer above) enabled.
        let mut s = Sql::new("SELECT ");
        s.push(KEY_COLUMNS)
            .push(", k.user_id, u.email, u.dealer_id, ")
            .push(&self.backend.permissions_of("k.user_id"))
            .push(
                " AS perms FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ",
            )
            .bind(token_hash)
            .push(" AND (k.expires_at IS NULL OR k.expires_at > ")
            .bind(now)
            .push(") AND u.enabled = 1 AND ")
            .push(&effective_enabled("u.dealer_id"))
            .push(" = 1");
        let Some(row) = s.fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let mut rec = ApiKeyRecord {
            key: key_from_row(&row)?,
            user_id: row.text("user_id")?,
            email: row.text("email")?,
            dealer_id: row.text("dealer_id")?,
            owner_permissions: super::sessions::parse_permissions(
                row.opt_text("perms")?.as_deref(),
            )?,
        };
        let last = row.opt_int("last_used_at")?;
        if last.is_none_or(|t| now >= t + LAST_USE_GRANULARITY_MICROS) {
            // Guarded, so that two requests racing write it once.
            let mut u = Sql::new("UPDATE api_keys SET last_used_at = ");
            u.bind(now).push(" WHERE id = ").bind(rec.key.id.as_str());
            match last {
                Some(t) => u.push(" AND last_used_at = ").bind(t),
                None => u.push(" AND last_used_at IS NULL"),
            };
            u.execute(&self.write).await?;
            rec.key.last_used_at = Some(super::rows::time_of(now)?);
        }
        Ok(Some(rec))
    }

    async fn list_api_keys(&self, user_id: &str) -> StoreResult<Vec<ApiKey>> {
        let mut s = Sql::new("SELECT ");
        s.push(KEY_COLUMNS)
            .push(" FROM api_keys k WHERE k.user_id = ")
            .bind(user_id)
            .push(" ORDER BY lower(k.name), k.id");
        s.fetch_all(&self.read)
            .await?
            .iter()
            .map(key_from_row)
            .collect()
    }
}

impl WriteTx {
    /// Locks a login's row until commit (on PostgreSQL), so that two keys it creates at once
    /// cannot both take a free name.
    pub async fn lock_key_owner(&mut self, user_id: &str) -> StoreResult<()> {
        self.store.lock_row(&mut self.tx, "users", user_id).await
    }

    /// Whether another unexpired key of the login has this name, ignoring case.
    pub async fn api_key_name_taken(
        &mut self,
        user_id: &str,
        name: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let row = Sql::new("SELECT id FROM api_keys WHERE user_id = ")
            .bind(user_id)
            .push(" AND lower(name) = ")
            .bind(name.to_lowercase())
            .push(" AND (expires_at IS NULL OR expires_at > ")
            .bind(now)
            .push(")")
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.is_some())
    }

    /// Inserts a key of `user_id` with the hash of its secret, and reads it back.
    pub async fn insert_api_key(
        &mut self,
        user_id: &str,
        name: &str,
        token_hash: &str,
        permissions: &[Permission],
        expires_at: Option<i64>,
    ) -> StoreResult<ApiKey> {
        let id = new_id("key");
        Sql::new("INSERT INTO api_keys (id, user_id, name, token_hash, permissions, created_at, expires_at) VALUES (")
            .bind(id.as_str()).push(", ").bind(user_id).push(", ").bind(name)
            .push(", ").bind(token_hash).push(", ").bind(stored(permissions)?)
            .push(", ").bind(now_micros()).push(", ").bind(expires_at).push(")")
            .execute(&mut *self.tx)
            .await?;
        self.own_api_key(user_id, &id).await
    }

    /// A key of `user_id` (locked until commit on PostgreSQL); not found for anyone else's.
    pub async fn own_api_key(&mut self, user_id: &str, id: &str) -> StoreResult<ApiKey> {
        let mut s = Sql::new("SELECT ");
        s.push(KEY_COLUMNS)
            .push(" FROM api_keys k WHERE k.id = ")
            .bind(id)
            .push(" AND k.user_id = ")
            .bind(user_id)
            .push(self.store.lock_rows());
        let row = s
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        key_from_row(&row)
    }

    /// Deletes a key: from this commit on its secret authenticates nothing.
    pub async fn delete_api_key(&mut self, id: &str) -> StoreResult<()> {
        Sql::new("DELETE FROM api_keys WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

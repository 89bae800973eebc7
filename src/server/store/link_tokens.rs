//! One-use link tokens (activation and password reset), stored hashed.

use async_trait::async_trait;

use super::audit::{Event, record_for_dealer};
use super::sql::Sql;
use super::*;
use crate::server::store::rows::RowExt;

#[async_trait]
impl LinkTokenStore for SqlStore {
    async fn link_token_usable(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        Ok(
            Sql::new("SELECT token_hash FROM link_tokens WHERE token_hash = ")
                .bind(token_hash)
                .push(" AND used_at IS NULL AND expires_at > ")
                .bind(now)
                .fetch_optional(&self.read)
                .await?
                .is_some(),
        )
    }

    async fn use_link_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let Some(row) = Sql::new("SELECT t.user_id, u.email, u.dealer_id FROM link_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ")
            .bind(token_hash).push(" AND t.used_at IS NULL AND t.expires_at > ").bind(now)
            .fetch_optional(&mut *tx).await?
        else {
            return Ok(false);
        };
        let (user_id, email) = (row.text("user_id")?, row.text("email")?);
        // Consumed only if still unused and unexpired, so two uses can never both succeed.
        let consumed = Sql::new("UPDATE link_tokens SET used_at = ")
            .bind(now)
            .push(" WHERE token_hash = ")
            .bind(token_hash)
            .push(" AND used_at IS NULL AND expires_at > ")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if consumed != 1 {
            return Ok(false);
        }
        Sql::new("UPDATE users SET password_hash = ")
            .bind(password_hash)
            .push(", activated_at = COALESCE(activated_at, ")
            .bind(now)
            .push("), version = version + 1, updated_at = ")
            .bind(now)
            .push(" WHERE id = ")
            .bind(user_id.as_str())
            .execute(&mut *tx)
            .await?;
        self.revoke_sessions(&mut tx, &user_id).await?;
        let actor = Actor {
            user_id: Some(user_id.clone()),
            email: Some(email.clone()),
            ..Actor::default()
        };
        record_for_dealer(
            &mut tx,
            &actor,
            &row.text("dealer_id")?,
            Event::new("auth.set_password", "user", &user_id, &email),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

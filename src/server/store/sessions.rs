//! Sessions: opening, finding (with the sliding expiry), closing, and the failed sign-ins they
//! audit.

use async_trait::async_trait;

use super::audit::{Event, record, record_for_dealer};
use super::common::*;
use super::groups::{GROUP_SELECT, group_from_row};
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::users::{USER_SELECT, user_from_row};
use super::*;

/// The sliding expiry is written back at most once a minute per session.
const SLIDE_GRANULARITY_MICROS: i64 = 60_000_000;

#[async_trait]
impl SessionStore for SqlStore {
    async fn login_record(&self, email: &str) -> StoreResult<Option<LoginRecord>> {
        let mut s = Sql::new("SELECT u.id, u.email, u.dealer_id, u.password_hash, u.enabled, ");
        s.push(&effective_enabled("u.dealer_id"))
            .push(" AS dealer_enabled FROM users u WHERE u.email = ")
            .bind(email);
        let Some(row) = s.fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        Ok(Some(LoginRecord {
            user_id: row.text("id")?,
            email: row.text("email")?,
            dealer_id: row.text("dealer_id")?,
            password_hash: row.opt_text("password_hash")?,
            enabled: row.flag("enabled")?,
            dealer_effective_enabled: row.flag("dealer_enabled")?,
        }))
    }

    async fn open_session(&self, n: NewSession, actor: &Actor, action: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = now_micros();
        Sql::new("INSERT INTO sessions (id, token_hash, user_id, impersonator_id, parent_session_id, read_only, created_at, expires_at) VALUES (")
            .bind(new_id("ses")).push(", ").bind(n.token_hash.as_str()).push(", ").bind(n.user_id.as_str())
            .push(", ").bind(n.impersonator_id.clone()).push(", ").bind(n.parent_session_id.clone())
            .push(", ").bind(n.read_only).push(", ").bind(now)
            .push(", ").bind(n.expires_at).push(")")
            .execute(&mut *tx).await?;
        if n.impersonator_id.is_none() {
            Sql::new("UPDATE users SET last_sign_in_at = ")
                .bind(now)
                .push(" WHERE id = ")
                .bind(n.user_id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let row = Sql::new("SELECT dealer_id, email FROM users WHERE id = ")
            .bind(n.user_id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let email = row.text("email")?;
        record_for_dealer(
            &mut tx,
            actor,
            &row.text("dealer_id")?,
            Event::new(action, "user", &n.user_id, &email),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: i64,
        extend_to: i64,
    ) -> StoreResult<Option<SessionRecord>> {
        let mut s = Sql::new(&format!(
            "SELECT s.id, s.user_id, u.email, u.dealer_id, s.impersonator_id, iu.email AS impersonator_email, \
             s.read_only, s.expires_at, {} AS perms, {} AS iperms FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN users iu ON iu.id = s.impersonator_id WHERE s.token_hash = ",
            self.backend.permissions_of("s.user_id"),
            self.backend.permissions_of("s.impersonator_id"),
        ));
        s.bind(token_hash)
            .push(" AND s.expires_at > ")
            .bind(now)
            .push(" AND u.enabled = 1 AND ")
            .push(&effective_enabled("u.dealer_id"))
            .push(" = 1")
            // The real user behind a view-as session must still be allowed in, on every request,
            // and still signed in: the view ends with the viewer's own session.
            .push(" AND (s.impersonator_id IS NULL OR (iu.enabled = 1 AND ")
            .push(&effective_enabled("iu.dealer_id"))
            .push(" = 1 AND EXISTS (SELECT 1 FROM sessions p WHERE p.id = s.parent_session_id AND p.expires_at > ")
            .bind(now)
            .push(")))");
        let Some(row) = s.fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let mut rec = SessionRecord {
            session_id: row.text("id")?,
            user_id: row.text("user_id")?,
            email: row.text("email")?,
            dealer_id: row.text("dealer_id")?,
            impersonator_id: row.opt_text("impersonator_id")?,
            impersonator_email: row.opt_text("impersonator_email")?,
            read_only: row.flag("read_only")?,
            expires_at: row.int("expires_at")?,
            permissions: parse_permissions(row.opt_text("perms")?.as_deref())?,
            impersonator_permissions: parse_permissions(row.opt_text("iperms")?.as_deref())?,
        };
        // View-as sessions have a fixed lifetime; ordinary ones slide.
        if rec.impersonator_id.is_none() && extend_to > rec.expires_at + SLIDE_GRANULARITY_MICROS {
            Sql::new("UPDATE sessions SET expires_at = ")
                .bind(extend_to)
                .push(" WHERE id = ")
                .bind(rec.session_id.as_str())
                .execute(&self.write)
                .await?;
            rec.expires_at = extend_to;
        }
        Ok(Some(rec))
    }

    async fn close_session(&self, token_hash: &str, actor: &Actor) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = Sql::new("SELECT s.user_id, u.email, u.dealer_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ")
            .bind(token_hash).fetch_optional(&mut *tx).await?;
        Sql::new("DELETE FROM sessions WHERE token_hash = ")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        if let Some(row) = row {
            let (user_id, email) = (row.text("user_id")?, row.text("email")?);
            record_for_dealer(
                &mut tx,
                actor,
                &row.text("dealer_id")?,
                Event::new(
                    if actor.impersonator_id.is_some() {
                        "auth.view_as_end"
                    } else {
                        "auth.sign_out"
                    },
                    "user",
                    &user_id,
                    &email,
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn release_sign_in(&self, attempt_ids: &[String]) -> StoreResult<()> {
        for id in attempt_ids {
            Sql::new("DELETE FROM login_failures WHERE id = ")
                .bind(id)
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    async fn record_failure(&self, email: &str, actor: &Actor, reason: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user = Sql::new("SELECT u.id, d.path FROM users u JOIN dealers d ON d.id = u.dealer_id WHERE u.email = ")
            .bind(email)
            .fetch_optional(&mut *tx)
            .await?;
        let (user_id, path) = match user {
            Some(r) => (Some(r.text("id")?), r.text("path")?),
            // An unknown login is the platform's business: the provider sees it.
            None => (
                None,
                Sql::new("SELECT path FROM dealers WHERE parent_id IS NULL")
                    .fetch_one(&mut *tx)
                    .await?
                    .text("path")?,
            ),
        };
        let event = Event {
            action: "auth.sign_in_failed",
            object_type: "user",
            object_id: user_id.as_deref(),
            object_name: Some(email),
            before: None,
            after: Some(serde_json::json!({ "reason": reason })),
        };
        record(&mut tx, actor, &path, event).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_user_event(
        &self,
        user_id: &str,
        action: &str,
        actor: &Actor,
        details: Option<serde_json::Value>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        record_user_event(&mut tx, user_id, action, actor, details).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_view_as_once(
        &self,
        session_id: &str,
        user_id: &str,
        actor: &Actor,
        details: serde_json::Value,
    ) -> StoreResult<()> {
        // Every request checks this, so it reads first and writes only the session's first time;
        // the guarded update decides between two first requests racing.
        let recorded = Sql::new("SELECT view_as_recorded FROM sessions WHERE id = ")
            .bind(session_id)
            .fetch_optional(&self.read)
            .await?
            .map(|r| r.flag("view_as_recorded"))
            .transpose()?
            .unwrap_or(true);
        if recorded {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let first = Sql::new("UPDATE sessions SET view_as_recorded = 1 WHERE id = ")
            .bind(session_id)
            .push(" AND view_as_recorded = 0")
            .execute(&mut *tx)
            .await?;
        if first == 0 {
            return Ok(());
        }
        record_user_event(&mut tx, user_id, "view_as.request", actor, Some(details)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn clear_failures(&self, key: &str) -> StoreResult<()> {
        Sql::new("DELETE FROM login_failures WHERE key = ")
            .bind(key)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn live_sessions(&self, user_id: &str, now: i64) -> StoreResult<i64> {
        Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sessions WHERE user_id = ")
            .bind(user_id)
            .push(" AND impersonator_id IS NULL AND expires_at > ")
            .bind(now)
            .fetch_one(&self.read)
            .await?
            .int("n")
    }

    async fn own_user(&self, user_id: &str) -> StoreResult<Option<User>> {
        let Some(row) = Sql::new(USER_SELECT)
            .push(" WHERE u.id = ")
            .bind(user_id)
            .fetch_optional(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let mut groups = self
            .memberships(&self.read, None, &[user_id.to_string()])
            .await?;
        Ok(Some(user_from_row(
            &row,
            groups.remove(user_id).unwrap_or_default(),
        )?))
    }

    async fn own_groups(&self, user_id: &str) -> StoreResult<Vec<Group>> {
        Sql::new(GROUP_SELECT)
            .push(" JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ")
            .bind(user_id)
            .push(" ORDER BY g.name")
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| group_from_row(r, false))
            .collect()
    }

    async fn own_dealer(&self, scope: &Scope) -> StoreResult<Dealer> {
        self.get_dealer(scope, scope.dealer_id())
            .await?
            .ok_or(StoreError::NotFound)
    }
}

/// Records `action` on the login `user_id`, filed under its dealer, in `tx`.
async fn record_user_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: &str,
    action: &str,
    actor: &Actor,
    details: Option<serde_json::Value>,
) -> StoreResult<()> {
    let row = Sql::new("SELECT email, dealer_id FROM users WHERE id = ")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let email = row.text("email")?;
    let event = Event {
        after: details,
        ..Event::new(action, "user", user_id, &email)
    };
    record_for_dealer(tx, actor, &row.text("dealer_id")?, event).await
}

/// The permissions of a space-separated list (several groups' lists joined), each once; a name
/// outside the catalogue is a corrupt store, as it is for a group read whole.
pub(super) fn parse_permissions(text: Option<&str>) -> StoreResult<Vec<crate::model::Permission>> {
    let mut out = text
        .unwrap_or_default()
        .split_whitespace()
        .map(|p| {
            p.parse::<crate::model::Permission>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

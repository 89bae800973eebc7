//! Users: scoped reads with their memberships, and the SQL of their writes (invitation with a
//! one-use link, memberships within scope, disable, reset, delete) as write-transaction primitives.

use async_trait::async_trait;
use std::collections::HashMap;

use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::text_match::TextIndex;
use super::write_tx::WriteTx;
use super::{NewLinkToken, PageRequest, Scope, SqlStore, StoreError, StoreResult, UserStore};
use crate::model::*;

pub(super) const USER_SELECT: &str = "SELECT u.id, u.dealer_id, d.name AS dealer_name, u.email, u.display_name, \
    u.enabled, (CASE WHEN u.password_hash IS NULL AND u.activated_at IS NULL THEN 1 ELSE 0 END) AS invited, \
    u.last_sign_in_at, u.created_at, u.updated_at, u.version FROM users u JOIN dealers d ON d.id = u.dealer_id";

pub(super) fn user_from_row(row: &sqlx::any::AnyRow, group_ids: Vec<GroupId>) -> StoreResult<User> {
    let enabled = row.flag("enabled")?;
    let status = if !enabled {
        UserStatus::Disabled
    } else if row.flag("invited")? {
        UserStatus::Invited
    } else {
        UserStatus::Active
    };
    Ok(User {
        id: row.text("id")?.into(),
        dealer_id: row.text("dealer_id")?.into(),
        dealer_name: row.text("dealer_name")?,
        email: row.text("email")?,
        display_name: row.text("display_name")?,
        status,
        enabled,
        group_ids,
        last_sign_in_at: row.opt_time("last_sign_in_at")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        version: row.int("version")?,
    })
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl SqlStore {
    /// The memberships of these users in groups the scope can see (all groups without a scope).
    pub(super) async fn memberships<'e, E>(
        &self,
        e: E,
        scope: Option<&Scope>,
        user_ids: &[String],
    ) -> StoreResult<HashMap<String, Vec<GroupId>>>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        let mut map: HashMap<String, Vec<GroupId>> = HashMap::new();
        if user_ids.is_empty() {
            return Ok(map);
        }
        let mut s = Sql::new(
            "SELECT gm.user_id, gm.group_id FROM group_members gm JOIN perm_groups g ON g.id = gm.group_id WHERE gm.user_id IN (",
        );
        for (i, id) in user_ids.iter().enumerate() {
            if i > 0 {
                s.push(", ");
            }
            s.bind(id);
        }
        s.push(")");
        if let Some(scope) = scope {
            s.push(" AND ");
            push_in_scope(&mut s, scope, "g.dealer_id");
        }
        s.push(" ORDER BY g.name");
        for row in s.fetch_all(e).await? {
            map.entry(row.text("user_id")?)
                .or_default()
                .push(row.text("group_id")?.into());
        }
        Ok(map)
    }

    /// Ends every session of a user (and every view-as session of it).
    pub(super) async fn revoke_sessions(&self, tx: &mut Tx, user_id: &str) -> StoreResult<()> {
        Sql::new("DELETE FROM sessions WHERE user_id = ")
            .bind(user_id)
            .push(" OR impersonator_id = ")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

impl WriteTx {
    /// A user in scope with its memberships in groups of the scope, as this transaction sees it.
    pub async fn user(&mut self, scope: &Scope, id: &str) -> StoreResult<User> {
        let mut s = Sql::new(USER_SELECT);
        s.push(" WHERE u.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "u.dealer_id");
        let row = s
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut groups = self
            .store
            .memberships(&mut *self.tx, Some(scope), &[id.to_string()])
            .await?;
        user_from_row(&row, groups.remove(id).unwrap_or_default())
    }

    /// Locks a user's row until commit, then reads it in scope.
    pub async fn lock_user(&mut self, scope: &Scope, id: &str) -> StoreResult<User> {
        self.store.lock_row(&mut self.tx, "users", id).await?;
        self.user(scope, id).await
    }

    /// Whether every group is visible in the scope and owned by `dealer_id` or a dealer above it.
    pub async fn groups_usable(
        &mut self,
        scope: &Scope,
        dealer_id: &str,
        group_ids: &[GroupId],
    ) -> StoreResult<bool> {
        for g in group_ids {
            let mut s = Sql::new(
                "SELECT g.id FROM perm_groups g JOIN dealer_tree x ON x.ancestor = g.dealer_id WHERE g.id = ",
            );
            s.bind(g)
                .push(" AND x.descendant = ")
                .bind(dealer_id)
                .push(" AND ");
            push_in_scope(&mut s, scope, "g.dealer_id");
            if s.fetch_optional(&mut *self.tx).await?.is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether a login with this e-mail exists.
    pub async fn email_taken(&mut self, email: &str) -> StoreResult<bool> {
        Ok(Sql::new("SELECT id FROM users WHERE email = ")
            .bind(email)
            .fetch_optional(&mut *self.tx)
            .await?
            .is_some())
    }

    /// Inserts an invited user (no password) of `dealer_id`; returns its id.
    pub async fn insert_user(
        &mut self,
        dealer_id: &str,
        email: &str,
        display_name: &str,
    ) -> StoreResult<String> {
        let id = new_id("usr");
        let now = now_micros();
        Sql::new("INSERT INTO users (id, dealer_id, email, display_name, password_hash, enabled, created_at, updated_at, version) VALUES (")
            .bind(id.as_str()).push(", ").bind(dealer_id).push(", ").bind(email)
            .push(", ").bind(display_name).push(", NULL, 1, ").bind(now).push(", ").bind(now).push(", 1)")
            .execute(&mut *self.tx)
            .await?;
        Ok(id)
    }

    /// Adds the user to each group (no error for a membership it already has).
    pub async fn add_memberships(
        &mut self,
        user_id: &str,
        group_ids: &[GroupId],
    ) -> StoreResult<()> {
        for g in group_ids {
            Sql::new("INSERT INTO group_members (user_id, group_id) VALUES (")
                .bind(user_id)
                .push(", ")
                .bind(g)
                .push(") ON CONFLICT DO NOTHING")
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Removes the user from every group the scope can see (others stay as they are).
    pub async fn remove_memberships(&mut self, scope: &Scope, user_id: &str) -> StoreResult<()> {
        let mut d = Sql::new("DELETE FROM group_members WHERE user_id = ");
        d.bind(user_id)
            .push(" AND group_id IN (SELECT g.id FROM perm_groups g WHERE ");
        push_in_scope(&mut d, scope, "g.dealer_id");
        d.push(")");
        d.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Stores a one-use link token of the user.
    pub async fn insert_link(&mut self, user_id: &str, link: &NewLinkToken) -> StoreResult<()> {
        Sql::new("INSERT INTO link_tokens (token_hash, user_id, expires_at, used_at, created_at) VALUES (")
            .bind(link.token_hash.as_str())
            .push(", ")
            .bind(user_id)
            .push(", ")
            .bind(link.expires_at)
            .push(", NULL, ")
            .bind(now_micros())
            .push(")")
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Sets the display name and whether the login is enabled, and bumps the version.
    pub async fn update_user(
        &mut self,
        id: &str,
        display_name: Option<&str>,
        enabled: Option<bool>,
    ) -> StoreResult<()> {
        let mut s = Sql::new("UPDATE users SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(v) = display_name {
            s.push(", display_name = ").bind(v);
        }
        if let Some(e) = enabled {
            s.push(", enabled = ").bind(e);
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Ends every session of a user (and every view-as session it started).
    pub async fn revoke_sessions(&mut self, user_id: &str) -> StoreResult<()> {
        self.store.revoke_sessions(&mut self.tx, user_id).await
    }

    pub async fn delete_user(&mut self, id: &str) -> StoreResult<()> {
        Sql::new("DELETE FROM users WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Clears a user's password and uses up its unused links; bumps the version.
    pub async fn clear_password(&mut self, id: &str) -> StoreResult<()> {
        let now = now_micros();
        Sql::new("UPDATE users SET password_hash = NULL, version = version + 1, updated_at = ")
            .bind(now)
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Sql::new("UPDATE link_tokens SET used_at = ")
            .bind(now)
            .push(" WHERE used_at IS NULL AND user_id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl UserStore for SqlStore {
    async fn list_users(
        &self,
        scope: &Scope,
        f: &UserFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<User>> {
        let mut filter = Sql::new(" WHERE ");
        push_in_scope(&mut filter, scope, "u.dealer_id");
        if let Some(d) = &f.dealer_id {
            filter.push(" AND u.dealer_id = ").bind(d);
        }
        if let Some(g) = &f.group_id {
            filter.push(" AND EXISTS (SELECT 1 FROM group_members m WHERE m.user_id = u.id AND m.group_id = ").bind(g).push(")");
        }
        match f.status {
            Some(UserStatus::Disabled) => {
                filter.push(" AND u.enabled = 0");
            }
            Some(UserStatus::Invited) => {
                filter.push(
                    " AND u.enabled = 1 AND u.password_hash IS NULL AND u.activated_at IS NULL",
                );
            }
            Some(UserStatus::Active) => {
                filter.push(" AND u.enabled = 1 AND (u.password_hash IS NOT NULL OR u.activated_at IS NOT NULL)");
            }
            None => {}
        }
        let index = TextIndex {
            backend: self.backend(),
            kind: ObjectKind::User,
            id: "u.id",
        };
        push_search_indexed(
            &mut filter,
            page.q.as_deref(),
            &["u.email", "u.display_name"],
            Some(&index),
        );
        let listing = Listing {
            select: Sql::new(USER_SELECT),
            count_from: "users u",
            key: "u.email",
            id: "u.id",
        };
        let (rows, total, more) = fetch_page(&self.read, &listing, &filter, page).await?;
        let ids = rows
            .iter()
            .map(|r| r.text("id"))
            .collect::<StoreResult<Vec<_>>>()?;
        let mut groups = self.memberships(&self.read, Some(scope), &ids).await?;
        let items = rows
            .iter()
            .zip(&ids)
            .map(|(r, id)| user_from_row(r, groups.remove(id).unwrap_or_default()))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(into_page(items, total, more, |u| (&u.email, &u.id)))
    }

    async fn get_user(&self, scope: &Scope, id: &str) -> StoreResult<Option<User>> {
        let mut s = Sql::new(USER_SELECT);
        s.push(" WHERE u.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "u.dealer_id");
        let Some(row) = s.fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let mut groups = self
            .memberships(&self.read, Some(scope), &[id.to_string()])
            .await?;
        Ok(Some(user_from_row(
            &row,
            groups.remove(id).unwrap_or_default(),
        )?))
    }
}

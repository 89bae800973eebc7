//! Users: invited with a one-use link, group memberships within scope, disable, reset, delete.

use async_trait::async_trait;
use serde_json::json;
use std::collections::HashMap;

use super::audit::{Event, record_for_dealer};
use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::{
    Actor, NewLinkToken, PageRequest, Refusal, Scope, SqlStore, StoreError, StoreResult, UserStore,
};
use crate::domain::validate;
use crate::model::*;

pub(super) const USER_SELECT: &str = "SELECT u.id, u.dealer_id, d.name AS dealer_name, u.email, u.display_name, \
    u.enabled, (CASE WHEN u.password_hash IS NULL AND u.activated_at IS NULL THEN 1 ELSE 0 END) AS invited, \
    u.last_sign_in_at, u.created_at, u.updated_at, u.version FROM users u JOIN dealers d ON d.id = u.dealer_id";

pub(super) fn user_from_row(row: &sqlx::any::AnyRow, group_ids: Vec<String>) -> StoreResult<User> {
    let enabled = row.flag("enabled")?;
    let status = if !enabled {
        UserStatus::Disabled
    } else if row.flag("invited")? {
        UserStatus::Invited
    } else {
        UserStatus::Active
    };
    Ok(User {
        id: row.text("id")?,
        dealer_id: row.text("dealer_id")?,
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

fn snapshot(u: &User) -> serde_json::Value {
    json!({
        "dealer_id": u.dealer_id, "email": u.email, "display_name": u.display_name,
        "enabled": u.enabled, "status": u.status, "group_ids": u.group_ids,
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
    ) -> StoreResult<HashMap<String, Vec<String>>>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
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
                .push(row.text("group_id")?);
        }
        Ok(map)
    }

    async fn user_in(&self, tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<User> {
        let mut s = Sql::new(USER_SELECT);
        s.push(" WHERE u.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "u.dealer_id");
        let row = s
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut groups = self
            .memberships(&mut **tx, Some(scope), &[id.to_string()])
            .await?;
        user_from_row(&row, groups.remove(id).unwrap_or_default())
    }

    /// Checks that each group is visible in the scope and usable by the users of `dealer_id`.
    async fn check_groups(
        &self,
        tx: &mut Tx,
        scope: &Scope,
        dealer_id: &str,
        group_ids: &[String],
    ) -> StoreResult<()> {
        for g in group_ids {
            let mut s = Sql::new(
                "SELECT g.id FROM perm_groups g JOIN dealer_tree x ON x.ancestor = g.dealer_id WHERE g.id = ",
            );
            s.bind(g)
                .push(" AND x.descendant = ")
                .bind(dealer_id)
                .push(" AND ");
            push_in_scope(&mut s, scope, "g.dealer_id");
            if s.fetch_optional(&mut **tx).await?.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        Ok(())
    }

    async fn insert_link(
        &self,
        tx: &mut Tx,
        user_id: &str,
        link: &NewLinkToken,
    ) -> StoreResult<()> {
        Sql::new("INSERT INTO link_tokens (token_hash, user_id, expires_at, used_at, created_at) VALUES (")
            .bind(link.token_hash.as_str())
            .push(", ")
            .bind(user_id)
            .push(", ")
            .bind(link.expires_at)
            .push(", NULL, ")
            .bind(now_micros())
            .push(")")
            .execute(&mut **tx)
            .await?;
        Ok(())
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
        push_search(
            &mut filter,
            page.q.as_deref(),
            &["u.email", "u.display_name"],
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

    async fn create_user(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: NewUser,
        link: NewLinkToken,
    ) -> StoreResult<User> {
        let email = validate::email("email", &new.email)?;
        let display = validate::text("display_name", &new.display_name, 100)?;
        let mut tx = self.begin_write().await?;
        let dealer = dealer_head(&mut tx, Some(scope), &new.dealer_id, "")
            .await?
            .ok_or(StoreError::NotFound)?;
        self.check_groups(&mut tx, scope, &dealer.id, &new.group_ids)
            .await?;
        if Sql::new("SELECT id FROM users WHERE email = ")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .is_some()
        {
            return Err(Refusal::Taken {
                field: "email",
                value: email,
            }
            .into());
        }
        let id = new_id("usr");
        let now = now_micros();
        Sql::new("INSERT INTO users (id, dealer_id, email, display_name, password_hash, enabled, created_at, updated_at, version) VALUES (")
            .bind(id.as_str()).push(", ").bind(dealer.id.as_str()).push(", ").bind(email.as_str())
            .push(", ").bind(display).push(", NULL, 1, ").bind(now).push(", ").bind(now).push(", 1)")
            .execute(&mut *tx)
            .await?;
        for g in &new.group_ids {
            Sql::new("INSERT INTO group_members (user_id, group_id) VALUES (")
                .bind(id.as_str())
                .push(", ")
                .bind(g)
                .push(") ON CONFLICT DO NOTHING")
                .execute(&mut *tx)
                .await?;
        }
        self.insert_link(&mut tx, &id, &link).await?;
        let user = self.user_in(&mut tx, scope, &id).await?;
        record_for_dealer(
            &mut tx,
            actor,
            &dealer.id,
            Event::new("user.create", "user", &id, &user.email).after(snapshot(&user)),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn update_user(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
        patch: UserPatch,
    ) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        self.lock_row(&mut tx, "users", id).await?;
        let before = self.user_in(&mut tx, scope, id).await?;
        check_version(if_version, before.version)?;
        let mut s = Sql::new("UPDATE users SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(v) = &patch.display_name {
            s.push(", display_name = ")
                .bind(validate::text("display_name", v, 100)?);
        }
        if let Some(e) = patch.enabled {
            s.push(", enabled = ").bind(e);
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *tx).await?;
        if let Some(groups) = &patch.group_ids {
            self.check_groups(&mut tx, scope, &before.dealer_id, groups)
                .await?;
            // Only memberships the caller can see are replaced; others stay as they are.
            let mut d = Sql::new("DELETE FROM group_members WHERE user_id = ");
            d.bind(id)
                .push(" AND group_id IN (SELECT g.id FROM perm_groups g WHERE ");
            push_in_scope(&mut d, scope, "g.dealer_id");
            d.push(")");
            d.execute(&mut *tx).await?;
            for g in groups {
                Sql::new("INSERT INTO group_members (user_id, group_id) VALUES (")
                    .bind(id)
                    .push(", ")
                    .bind(g)
                    .push(") ON CONFLICT DO NOTHING")
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if patch.enabled == Some(false) {
            self.revoke_sessions(&mut tx, id).await?;
        }
        let after = self.user_in(&mut tx, scope, id).await?;
        record_for_dealer(
            &mut tx,
            actor,
            &before.dealer_id,
            Event::new("user.update", "user", id, &after.email)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_user(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        self.lock_row(&mut tx, "users", id).await?;
        let before = self.user_in(&mut tx, scope, id).await?;
        check_version(if_version, before.version)?;
        // View-as sessions started by this user go too.
        self.revoke_sessions(&mut tx, id).await?;
        Sql::new("DELETE FROM users WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record_for_dealer(
            &mut tx,
            actor,
            &before.dealer_id,
            Event::new("user.delete", "user", id, &before.email).before(snapshot(&before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reset_password(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        link: NewLinkToken,
    ) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let user = self.user_in(&mut tx, scope, id).await?;
        let now = now_micros();
        Sql::new("UPDATE users SET password_hash = NULL, version = version + 1, updated_at = ")
            .bind(now)
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Sql::new("UPDATE link_tokens SET used_at = ")
            .bind(now)
            .push(" WHERE used_at IS NULL AND user_id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.revoke_sessions(&mut tx, id).await?;
        self.insert_link(&mut tx, id, &link).await?;
        let after = self.user_in(&mut tx, scope, id).await?;
        record_for_dealer(
            &mut tx,
            actor,
            &user.dealer_id,
            Event::new("user.reset_password", "user", id, &user.email),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

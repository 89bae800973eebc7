//! The bootstrap of an empty store: the provider, its template groups and its first
//! administrator; and the checks that come before it.

use async_trait::async_trait;
use sqlx::Executor;

use super::audit::{Event, record};
use super::dealer_writes::new_dealer_columns;
use super::groups::stored_permissions;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::{Arg, Sql, insert_row};
use super::users::{USER_SELECT, user_from_row};
use super::*;
use crate::domain::permissions::templates;

#[async_trait]
impl BootstrapStore for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        self.read.execute("SELECT 1").await?;
        Ok(())
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        Ok(Sql::new("SELECT id FROM dealers LIMIT 1")
            .fetch_optional(&self.read)
            .await?
            .is_none())
    }

    async fn provider_id(&self) -> StoreResult<Option<String>> {
        Sql::new("SELECT id FROM dealers WHERE parent_id IS NULL")
            .fetch_optional(&self.read)
            .await?
            .map(|r| r.text("id"))
            .transpose()
    }

    async fn bootstrap(&self, b: Bootstrap) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        if Sql::new("SELECT id FROM dealers LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .is_some()
        {
            return Err(StoreError::Corrupt(
                "the store already has a provider".into(),
            ));
        }
        let now = now_micros();
        let dealer_id = new_id("dlr");
        let path = format!("/{dealer_id}/");
        let p = b.provider_package;
        let mut row: Vec<(&str, Arg)> = vec![
            ("id", dealer_id.as_str().into()),
            ("parent_id", None::<&str>.into()),
            ("path", path.as_str().into()),
            ("level", "provider".into()),
            ("name", b.provider_name.as_str().into()),
            ("display_name", b.provider_name.as_str().into()),
        ];
        row.extend(new_dealer_columns(&p, now));
        let s = insert_row("dealers", row);
        s.execute(&mut *tx).await?;
        Sql::new("INSERT INTO dealer_tree (ancestor, descendant, depth) VALUES (")
            .bind(dealer_id.as_str())
            .push(", ")
            .bind(dealer_id.as_str())
            .push(", 0)")
            .execute(&mut *tx)
            .await?;
        super::usage::insert_zero_row(&mut tx, &dealer_id).await?;
        let mut admin_group = None;
        for t in templates() {
            let gid = new_id("grp");
            Sql::new("INSERT INTO perm_groups (id, dealer_id, name, description, permissions, created_at, updated_at, version) VALUES (")
                .bind(gid.as_str()).push(", ").bind(dealer_id.as_str()).push(", ").bind(t.name.as_str())
                .push(", ").bind(t.description.as_str()).push(", ").bind(stored_permissions(&t.permissions))
                .push(", ").bind(now).push(", ").bind(now).push(", 1)")
                .execute(&mut *tx).await?;
            if t.key == "dealer_admin" {
                admin_group = Some(gid);
            }
        }
        let user_id = new_id("usr");
        Sql::new("INSERT INTO users (id, dealer_id, email, display_name, password_hash, enabled, activated_at, created_at, updated_at, version) VALUES (")
            .bind(user_id.as_str()).push(", ").bind(dealer_id.as_str()).push(", ").bind(b.admin_email.as_str())
            .push(", 'Administrator', ").bind(b.admin_password_hash.clone()).push(", 1, ")
            .bind(b.admin_password_hash.as_ref().map(|_| now)).push(", ").bind(now).push(", ").bind(now).push(", 1)")
            .execute(&mut *tx).await?;
        if let Some(g) = admin_group {
            Sql::new("INSERT INTO group_members (user_id, group_id) VALUES (")
                .bind(user_id.as_str())
                .push(", ")
                .bind(g)
                .push(")")
                .execute(&mut *tx)
                .await?;
        }
        if let Some(link) = &b.admin_link {
            Sql::new("INSERT INTO link_tokens (token_hash, user_id, expires_at, used_at, created_at) VALUES (")
                .bind(link.token_hash.as_str()).push(", ").bind(user_id.as_str()).push(", ").bind(link.expires_at)
                .push(", NULL, ").bind(now).push(")").execute(&mut *tx).await?;
        }
        record(
            &mut tx,
            &Actor::default(),
            &path,
            Event::new("store.bootstrap", "dealer", &dealer_id, &b.provider_name)
                .after(serde_json::json!({ "provider": b.provider_name, "admin": b.admin_email })),
        )
        .await?;
        let row = Sql::new(USER_SELECT)
            .push(" WHERE u.id = ")
            .bind(user_id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let user = user_from_row(&row, Vec::new())?;
        tx.commit().await?;
        Ok(user)
    }
}

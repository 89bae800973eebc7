//! Permission groups: owned by a dealer, usable by its users and those of dealers below it.

use async_trait::async_trait;
use serde_json::json;

use super::audit::{Event, record_for_dealer};
use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::{Actor, GroupStore, PageRequest, Refusal, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::permissions::normalize;
use crate::domain::validate;
use crate::model::*;

pub(super) const GROUP_SELECT: &str = "SELECT g.id, g.dealer_id, (SELECT d.name FROM dealers d WHERE d.id = g.dealer_id) AS dealer_name, g.name, g.description, g.permissions, \
    CAST((SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS BIGINT) AS members_count, \
    g.created_at, g.updated_at, g.version FROM perm_groups g";

pub(super) fn group_from_row(row: &sqlx::any::AnyRow, inherited: bool) -> StoreResult<Group> {
    let perms = row.text("permissions")?;
    let permissions = perms
        .split_whitespace()
        .map(|p| {
            p.parse::<Permission>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    // Migrations may append a permission; what is shown is always in catalogue order.
    let permissions = normalize(&permissions);
    Ok(Group {
        id: row.text("id")?,
        dealer_id: row.text("dealer_id")?,
        dealer_name: row.text("dealer_name")?,
        name: row.text("name")?,
        description: row.text("description")?,
        permissions,
        inherited,
        members_count: row.int("members_count")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        version: row.int("version")?,
    })
}

/// Permissions as stored: sorted, space-separated.
pub(super) fn stored_permissions(p: &[Permission]) -> String {
    normalize(p)
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn snapshot(g: &Group) -> serde_json::Value {
    json!({ "dealer_id": g.dealer_id, "name": g.name, "description": g.description, "permissions": g.permissions })
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl SqlStore {
    async fn group_in(&self, tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<Group> {
        let mut s = Sql::new(GROUP_SELECT);
        s.push(" WHERE g.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "g.dealer_id");
        let row = s
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        group_from_row(&row, false)
    }

    async fn group_name_taken(
        &self,
        tx: &mut Tx,
        dealer_id: &str,
        name: &str,
        except: Option<&str>,
    ) -> StoreResult<bool> {
        let mut s = Sql::new("SELECT id FROM perm_groups WHERE dealer_id = ");
        s.bind(dealer_id)
            .push(" AND lower(name) = ")
            .bind(name.to_lowercase());
        if let Some(id) = except {
            s.push(" AND id <> ").bind(id);
        }
        Ok(s.fetch_optional(&mut **tx).await?.is_some())
    }
}

#[async_trait]
impl GroupStore for SqlStore {
    async fn list_groups(
        &self,
        scope: &Scope,
        f: &GroupFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Group>> {
        let mut filter = Sql::new(" WHERE ");
        push_in_scope(&mut filter, scope, "g.dealer_id");
        if let Some(d) = &f.dealer_id {
            // The dealer's own groups and those of its ancestors (inside the scope), usable by it.
            filter.push(" AND EXISTS (SELECT 1 FROM dealer_tree ga WHERE ga.ancestor = g.dealer_id AND ga.descendant = ").bind(d).push(")");
        }
        push_search(&mut filter, page.q.as_deref(), &["g.name", "g.description"]);
        let listing = Listing {
            select: Sql::new(GROUP_SELECT),
            count_from: "perm_groups g",
            key: "g.name",
            id: "g.id",
        };
        let (rows, total, more) = fetch_page(&self.read, &listing, &filter, page).await?;
        let items = rows
            .iter()
            .map(|r| {
                let owner = r.text("dealer_id")?;
                group_from_row(r, f.dealer_id.as_ref().is_some_and(|d| *d != owner))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(into_page(items, total, more, |g| (&g.name, &g.id)))
    }

    async fn get_group(&self, scope: &Scope, id: &str) -> StoreResult<Option<Group>> {
        let mut s = Sql::new(GROUP_SELECT);
        s.push(" WHERE g.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "g.dealer_id");
        s.fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(|r| group_from_row(r, false))
            .transpose()
    }

    async fn create_group(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: NewGroup,
    ) -> StoreResult<Group> {
        let name = validate::name("name", &new.name)?;
        let description = validate::text("description", &new.description, 500)?;
        let mut tx = self.begin_write().await?;
        let dealer = dealer_head(&mut tx, Some(scope), &new.dealer_id, "")
            .await?
            .ok_or(StoreError::NotFound)?;
        if self
            .group_name_taken(&mut tx, &dealer.id, &name, None)
            .await?
        {
            return Err(Refusal::Taken {
                field: "name",
                value: name,
            }
            .into());
        }
        let id = new_id("grp");
        let now = now_micros();
        Sql::new("INSERT INTO perm_groups (id, dealer_id, name, description, permissions, created_at, updated_at, version) VALUES (")
            .bind(id.as_str()).push(", ").bind(dealer.id.as_str()).push(", ").bind(name.as_str())
            .push(", ").bind(description).push(", ").bind(stored_permissions(&new.permissions))
            .push(", ").bind(now).push(", ").bind(now).push(", 1)")
            .execute(&mut *tx)
            .await?;
        let group = self.group_in(&mut tx, scope, &id).await?;
        record_for_dealer(
            &mut tx,
            actor,
            &dealer.id,
            Event::new("group.create", "group", &id, &group.name).after(snapshot(&group)),
        )
        .await?;
        tx.commit().await?;
        Ok(group)
    }

    async fn update_group(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
        patch: GroupPatch,
    ) -> StoreResult<Group> {
        let mut tx = self.begin_write().await?;
        self.lock_row(&mut tx, "perm_groups", id).await?;
        let before = self.group_in(&mut tx, scope, id).await?;
        check_version(if_version, before.version)?;
        let mut s = Sql::new("UPDATE perm_groups SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(n) = &patch.name {
            let n = validate::name("name", n)?;
            if self
                .group_name_taken(&mut tx, &before.dealer_id, &n, Some(id))
                .await?
            {
                return Err(Refusal::Taken {
                    field: "name",
                    value: n,
                }
                .into());
            }
            s.push(", name = ").bind(n);
        }
        if let Some(d) = &patch.description {
            s.push(", description = ")
                .bind(validate::text("description", d, 500)?);
        }
        if let Some(p) = &patch.permissions {
            s.push(", permissions = ").bind(stored_permissions(p));
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *tx).await?;
        let after = self.group_in(&mut tx, scope, id).await?;
        record_for_dealer(
            &mut tx,
            actor,
            &before.dealer_id,
            Event::new("group.update", "group", id, &after.name)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_group(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        self.lock_row(&mut tx, "perm_groups", id).await?;
        let before = self.group_in(&mut tx, scope, id).await?;
        check_version(if_version, before.version)?;
        Sql::new("DELETE FROM perm_groups WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record_for_dealer(
            &mut tx,
            actor,
            &before.dealer_id,
            Event::new("group.delete", "group", id, &before.name).before(snapshot(&before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn group_usable_by(&self, group_id: &str, dealer_id: &str) -> StoreResult<bool> {
        Ok(Sql::new("SELECT g.id FROM perm_groups g JOIN dealer_tree x ON x.ancestor = g.dealer_id WHERE g.id = ")
            .bind(group_id)
            .push(" AND x.descendant = ")
            .bind(dealer_id)
            .fetch_optional(&self.read)
            .await?
            .is_some())
    }
}

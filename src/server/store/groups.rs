//! Permission groups: owned by a dealer, usable by its users and those of dealers below it.
//! Scoped reads, and the SQL of their writes as primitives on a write transaction.

use async_trait::async_trait;

use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::write_tx::WriteTx;
use super::{GroupStore, PageRequest, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::permissions::normalize;
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
        id: row.text("id")?.into(),
        dealer_id: row.text("dealer_id")?.into(),
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

/// Checked fields of a group to change (`None` leaves a field as it is).
#[derive(Debug, Clone, Default)]
pub struct GroupChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub permissions: Option<Vec<Permission>>,
}

impl WriteTx {
    /// The names of groups, in the order of `ids` (an audit event records them beside the ids:
    /// names as they were). Unscoped: the ids are ones the caller already saw.
    pub async fn group_names(&mut self, ids: &[GroupId]) -> StoreResult<Vec<String>> {
        let mut names = Vec::with_capacity(ids.len());
        for id in ids {
            let row = Sql::new("SELECT name FROM perm_groups WHERE id = ")
                .bind(id.as_str())
                .fetch_optional(&mut *self.tx)
                .await?;
            names.push(match row {
                Some(r) => r.text("name")?,
                None => String::new(),
            });
        }
        Ok(names)
    }

    /// A group in scope, as this transaction sees it.
    pub async fn group(&mut self, scope: &Scope, id: &str) -> StoreResult<Group> {
        let mut s = Sql::new(GROUP_SELECT);
        s.push(" WHERE g.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "g.dealer_id");
        let row = s
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        group_from_row(&row, false)
    }

    /// Locks a group's row until commit, then reads it in scope.
    pub async fn lock_group(&mut self, scope: &Scope, id: &str) -> StoreResult<Group> {
        self.store.lock_row(&mut self.tx, "perm_groups", id).await?;
        self.group(scope, id).await
    }

    /// Whether another group (than `except`) of the dealer has this name, ignoring case.
    pub async fn group_name_taken(
        &mut self,
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
        Ok(s.fetch_optional(&mut *self.tx).await?.is_some())
    }

    /// Inserts a group of `dealer_id` and reads it back.
    pub async fn insert_group(
        &mut self,
        scope: &Scope,
        dealer_id: &str,
        name: &str,
        description: &str,
        permissions: &[Permission],
    ) -> StoreResult<Group> {
        let id = new_id("grp");
        let now = now_micros();
        Sql::new("INSERT INTO perm_groups (id, dealer_id, name, description, permissions, created_at, updated_at, version) VALUES (")
            .bind(id.as_str()).push(", ").bind(dealer_id).push(", ").bind(name)
            .push(", ").bind(description).push(", ").bind(stored_permissions(permissions))
            .push(", ").bind(now).push(", ").bind(now).push(", 1)")
            .execute(&mut *self.tx)
            .await?;
        self.group(scope, &id).await
    }

    /// Applies a change to a group, bumps its version, and reads it back.
    pub async fn update_group(
        &mut self,
        scope: &Scope,
        id: &str,
        c: &GroupChange,
    ) -> StoreResult<Group> {
        let mut s = Sql::new("UPDATE perm_groups SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(n) = &c.name {
            s.push(", name = ").bind(n.as_str());
        }
        if let Some(d) = &c.description {
            s.push(", description = ").bind(d.as_str());
        }
        if let Some(p) = &c.permissions {
            s.push(", permissions = ").bind(stored_permissions(p));
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *self.tx).await?;
        self.group(scope, id).await
    }

    pub async fn delete_group(&mut self, id: &str) -> StoreResult<()> {
        Sql::new("DELETE FROM perm_groups WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
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

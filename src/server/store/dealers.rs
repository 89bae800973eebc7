//! Dealers: scoped reads and the capacity report (the SQL of their writes is in
//! `dealer_writes`; `ops::dealers` holds the level rule, the package carving and the guards).

use async_trait::async_trait;

use super::common::*;
use super::rows::RowExt;
use super::sql::Sql;
use super::usage::NO_USE;
use super::{DealerStore, PageRequest, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::capacity::Dimension;
use crate::model::*;

/// Every column of a dealer as [`dealer_from_row`] reads it, for the alias `d`.
pub(super) fn dealer_select() -> String {
    format!(
        "SELECT d.id, d.parent_id, d.level, d.name, d.display_name, d.email, d.phone, d.address, \
         d.notes, d.enabled, {eff} AS effective_enabled, d.{PACKAGE_COLUMNS_D}, \
         (SELECT COUNT(*) FROM dealers c WHERE c.parent_id = d.id) AS children_count, \
         (SELECT COUNT(*) FROM tenants t WHERE t.dealer_id = d.id) AS tenants_count, \
         (SELECT COUNT(*) FROM users u WHERE u.dealer_id = d.id) AS users_count, \
         (SELECT COUNT(*) FROM perm_groups g WHERE g.dealer_id = d.id) AS groups_count, \
         d.created_at, d.updated_at, d.version FROM dealers d",
        eff = effective_enabled("d.id"),
        PACKAGE_COLUMNS_D = PACKAGE_COLUMNS.replace(", ", ", d."),
    )
}

/// Hides the parent of the scope's top dealer: it lies outside the scope.
fn within(scope: &Scope, mut d: Dealer) -> Dealer {
    if d.id == scope.dealer_id() {
        d.parent_id = None;
    }
    d
}

pub(super) fn dealer_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Dealer> {
    let level = row.text("level")?;
    Ok(Dealer {
        id: row.text("id")?.into(),
        parent_id: row.opt_text("parent_id")?.map(Into::into),
        level: Level::parse(&level).ok_or_else(|| StoreError::Corrupt(format!("level {level}")))?,
        name: row.text("name")?,
        display_name: row.text("display_name")?,
        email: row.text("email")?,
        phone: row.text("phone")?,
        address: row.text("address")?,
        notes: row.text("notes")?,
        enabled: row.flag("enabled")?,
        effective_enabled: row.flag("effective_enabled")?,
        package: package_from_row(row)?,
        children_count: row.int("children_count")?,
        tenants_count: row.int("tenants_count")?,
        users_count: row.int("users_count")?,
        groups_count: row.int("groups_count")?,
        path: None,
        capacity: None,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        version: row.int("version")?,
    })
}

#[async_trait]
impl DealerStore for SqlStore {
    async fn list_dealers(
        &self,
        scope: &Scope,
        f: &DealerFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Dealer>> {
        let mut filter = Sql::new(" WHERE ");
        push_in_scope(&mut filter, scope, "d.id");
        if let Some(p) = &f.parent_id {
            filter.push(" AND d.parent_id = ").bind(p);
        }
        if let Some(l) = f.level {
            filter.push(" AND d.level = ").bind(l.as_str());
        }
        if let Some(e) = f.enabled {
            filter.push(" AND d.enabled = ").bind(e);
        }
        push_search(
            &mut filter,
            page.q.as_deref(),
            &["d.name", "d.display_name", "d.email"],
        );
        let select = dealer_select();
        if f.desc || f.sort.is_some_and(|s| s != DealerSort::Name) {
            let sort = f.sort.unwrap_or(DealerSort::Name);
            let (rows, total, next_cursor) = self
                .fetch_dealers_ordered(scope, &select, &filter, sort, f.desc, page)
                .await?;
            let items = rows
                .iter()
                .map(|r| dealer_from_row(r).map(|d| within(scope, d)))
                .collect::<StoreResult<Vec<_>>>()?;
            return Ok(Page {
                items,
                next_cursor,
                total,
            });
        }
        let listing = Listing {
            select: Sql::new(&select),
            count_from: "dealers d",
            key: "d.name",
            id: "d.id",
        };
        let (rows, total, more) = fetch_page(&self.read, &listing, &filter, page).await?;
        let items = rows
            .iter()
            .map(|r| dealer_from_row(r).map(|d| within(scope, d)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(into_page(items, total, more, |d| (&d.name, &d.id)))
    }

    async fn get_dealer(&self, scope: &Scope, id: &str) -> StoreResult<Option<Dealer>> {
        let mut s = Sql::new(&dealer_select());
        s.push(" WHERE d.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "d.id");
        let Some(row) = s.fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let mut dealer = within(scope, dealer_from_row(&row)?);
        // Ancestors, but only those inside the caller's scope.
        let mut p = Sql::new(
            "SELECT a.id, a.name, a.level FROM dealer_tree x JOIN dealers a ON a.id = x.ancestor \
             WHERE x.descendant = ",
        );
        p.bind(id).push(" AND x.depth > 0 AND ");
        push_in_scope(&mut p, scope, "a.id");
        p.push(" ORDER BY x.depth DESC");
        let mut path = Vec::new();
        for r in p.fetch_all(&self.read).await? {
            let level = r.text("level")?;
            path.push(DealerRef {
                id: r.text("id")?.into(),
                name: r.text("name")?,
                level: Level::parse(&level).ok_or_else(|| StoreError::Corrupt(level.clone()))?,
            });
        }
        dealer.path = Some(path);
        Ok(Some(dealer))
    }

    async fn capacity(&self, scope: &Scope, id: &str) -> StoreResult<Option<Capacity>> {
        // A read-only transaction on the reader pool gives one consistent snapshot.
        let mut tx = self.read.begin().await?;
        let Some(head) = dealer_head(&mut tx, Some(scope), id, "").await? else {
            return Ok(None);
        };
        let ledger = ledger(&mut tx, &head, NO_USE).await?;
        // The subtree's use from the counters, kept with every change (O(1), not a recount).
        let subtree = super::usage::subtree_use(id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| amounts(&row))
            .transpose()?
            .unwrap_or(NO_USE);
        let min = head.package.min_extensions_per_tenant;
        let below_minimum = if min > 0 {
            Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tenants WHERE dealer_id = ")
                .bind(id)
                .push(" AND extensions < ")
                .bind(min)
                .fetch_one(&mut *tx)
                .await?
                .int("n")?
        } else {
            0
        };
        tx.rollback().await?;
        let dim = |d: Dimension| DimensionUsage {
            package: d.limit(&head.package),
            allocated: ledger.allocated.get(d),
            used: ledger.used.get(d),
            free: ledger.free(d),
            subtree_used: subtree.get(d),
        };
        Ok(Some(Capacity {
            dealer_id: head.id.clone().into(),
            max_tenants: dim(Dimension::MaxTenants),
            extensions: dim(Dimension::Extensions),
            concurrent_calls: dim(Dimension::ConcurrentCalls),
            recording_minutes: dim(Dimension::RecordingMinutes),
            high_availability: head.package.high_availability,
            min_extensions_per_tenant: min,
            tenants_below_minimum: below_minimum,
        }))
    }

    async fn tree(
        &self,
        scope: &Scope,
        root: Option<&str>,
        depth: u32,
        show: Option<&str>,
    ) -> StoreResult<Option<TreeNode>> {
        super::tree::load(self, scope, root.unwrap_or(scope.dealer_id()), depth, show).await
    }
}

//! Dealers: scoped reads, the capacity report, and the SQL of their writes as primitives on a
//! write transaction (`ops::dealers` holds the level rule, the package carving and the guards).

use async_trait::async_trait;

use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::write_tx::WriteTx;
use super::{DealerStore, PageRequest, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::capacity::Dimension;
use crate::model::*;

/// Every column of a dealer as [`dealer_from_row`] reads it, for the alias `d`.
fn dealer_select() -> String {
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

fn dealer_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Dealer> {
    let level = row.text("level")?;
    Ok(Dealer {
        id: row.text("id")?,
        parent_id: row.opt_text("parent_id")?,
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

/// A checked dealer to insert below `parent`.
#[derive(Debug, Clone)]
pub struct DealerRow {
    pub level: Level,
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub notes: String,
    pub package: Package,
}

/// Checked contact fields to set (`None` leaves a field as it is).
#[derive(Debug, Clone, Default)]
pub struct ContactChange {
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// What a dealer owns that goes with it, by name, for the audit trail.
pub struct Belongings {
    pub users: Vec<String>,
    pub groups: Vec<String>,
    pub rate_cards: Vec<String>,
}

impl WriteTx {
    /// One dealer (unscoped: the operation found it in scope first), as this transaction sees it.
    pub async fn dealer_row(&mut self, id: &str) -> StoreResult<Dealer> {
        let mut s = Sql::new(&dealer_select());
        s.push(" WHERE d.id = ").bind(id);
        let row = s
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        dealer_from_row(&row)
    }

    /// Whether another child (than `except_id`) of `parent_id` has this name, ignoring case.
    pub async fn sibling_name_taken(
        &mut self,
        parent_id: &str,
        name: &str,
        except_id: Option<&str>,
    ) -> StoreResult<bool> {
        let mut s = Sql::new("SELECT id FROM dealers WHERE parent_id = ");
        s.bind(parent_id)
            .push(" AND lower(name) = ")
            .bind(name.to_lowercase());
        if let Some(id) = except_id {
            s.push(" AND id <> ").bind(id);
        }
        Ok(s.fetch_optional(&mut *self.tx).await?.is_some())
    }

    /// Inserts a dealer below `parent` with its place in the tree, and reads it back.
    pub async fn insert_dealer(
        &mut self,
        parent: &DealerHead,
        d: &DealerRow,
    ) -> StoreResult<Dealer> {
        let id = new_id("dlr");
        let now = now_micros();
        let path = format!("{}{}/", parent.path, id);
        let package = &d.package;
        let mut s = Sql::new(
            "INSERT INTO dealers (id, parent_id, path, level, name, display_name, email, phone, address, notes, \
             enabled, pkg_max_tenants, pkg_extensions, pkg_concurrent_calls, pkg_recording_minutes, \
             pkg_high_availability, pkg_min_extensions_per_tenant, created_at, updated_at, version) VALUES (",
        );
        s.bind(id.as_str())
            .push(", ")
            .bind(parent.id.as_str())
            .push(", ")
            .bind(path.as_str())
            .push(", ")
            .bind(d.level.as_str());
        for v in [
            &d.name,
            &d.display_name,
            &d.email,
            &d.phone,
            &d.address,
            &d.notes,
        ] {
            s.push(", ").bind(v);
        }
        s.push(", 1");
        for v in [
            package.max_tenants,
            package.extensions,
            package.concurrent_calls,
            package.recording_minutes,
        ] {
            s.push(", ").bind(v);
        }
        s.push(", ")
            .bind(package.high_availability)
            .push(", ")
            .bind(package.min_extensions_per_tenant)
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(", 1)");
        s.execute(&mut *self.tx).await?;
        Sql::new("INSERT INTO dealer_tree (ancestor, descendant, depth) SELECT ancestor, ")
            .bind(id.as_str())
            .push(", depth + 1 FROM dealer_tree WHERE descendant = ")
            .bind(parent.id.as_str())
            .execute(&mut *self.tx)
            .await?;
        Sql::new("INSERT INTO dealer_tree (ancestor, descendant, depth) VALUES (")
            .bind(id.as_str())
            .push(", ")
            .bind(id.as_str())
            .push(", 0)")
            .execute(&mut *self.tx)
            .await?;
        self.dealer_row(&id).await
    }

    /// Sets contact fields, bumps the version, and reads the dealer back.
    pub async fn update_contact(&mut self, id: &str, c: &ContactChange) -> StoreResult<Dealer> {
        let mut s = Sql::new("UPDATE dealers SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        for (column, value) in [
            ("name", &c.name),
            ("display_name", &c.display_name),
            ("email", &c.email),
            ("phone", &c.phone),
            ("address", &c.address),
            ("notes", &c.notes),
        ] {
            if let Some(v) = value {
                s.push(&format!(", {column} = ")).bind(v.as_str());
            }
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *self.tx).await?;
        self.dealer_row(id).await
    }

    /// How many sub-dealers and tenants a dealer has.
    pub async fn children(&mut self, id: &str) -> StoreResult<(i64, i64)> {
        let mut counts = Sql::new("SELECT CAST((SELECT COUNT(*) FROM dealers WHERE parent_id = ");
        counts
            .bind(id)
            .push(") AS BIGINT) AS a, CAST((SELECT COUNT(*) FROM tenants WHERE dealer_id = ")
            .bind(id)
            .push(") AS BIGINT) AS b");
        let row = counts.fetch_one(&mut *self.tx).await?;
        Ok((row.int("a")?, row.int("b")?))
    }

    /// The users, groups and rate cards a dealer owns, by name.
    pub async fn belongings(&mut self, id: &str) -> StoreResult<Belongings> {
        let mut names = Vec::new();
        for (table, column) in [
            ("users", "email"),
            ("perm_groups", "name"),
            ("rate_cards", "name"),
        ] {
            names.push(
                Sql::new(&format!(
                    "SELECT {column} AS n FROM {table} WHERE dealer_id = "
                ))
                .bind(id)
                .fetch_all(&mut *self.tx)
                .await?
                .iter()
                .map(|r| r.text("n"))
                .collect::<StoreResult<Vec<_>>>()?,
            );
        }
        let [users, groups, rate_cards] = <[Vec<String>; 3]>::try_from(names)
            .map_err(|_| StoreError::Corrupt("belongings".into()))?;
        Ok(Belongings {
            users,
            groups,
            rate_cards,
        })
    }

    /// Deletes a dealer with what it owns: its rate cards and their rates, users and groups.
    pub async fn delete_dealer(&mut self, id: &str) -> StoreResult<()> {
        for statement in [
            "DELETE FROM rates WHERE card_id IN (SELECT id FROM rate_cards WHERE dealer_id = $1)",
            "DELETE FROM rate_card_dealers WHERE dealer_id = $1 OR card_id IN (SELECT id FROM rate_cards WHERE dealer_id = $1)",
            "UPDATE rate_cards SET parent_id = NULL WHERE dealer_id = $1",
            "DELETE FROM rate_cards WHERE dealer_id = $1",
            "DELETE FROM users WHERE dealer_id = $1",
            "DELETE FROM perm_groups WHERE dealer_id = $1",
        ] {
            Sql::with_args(statement, vec![id.into()])
                .execute(&mut *self.tx)
                .await?;
        }
        Sql::new("DELETE FROM dealer_tree WHERE descendant = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Sql::new("DELETE FROM dealers WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Suspends or resumes a dealer, bumps its version, and reads it back.
    pub async fn set_dealer_enabled(&mut self, id: &str, enabled: bool) -> StoreResult<Dealer> {
        Sql::new("UPDATE dealers SET enabled = ")
            .bind(enabled)
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.dealer_row(id).await
    }

    /// Ends every session of every user of the dealer's subtree, and every view as one of them.
    pub async fn end_subtree_sessions(&mut self, id: &str) -> StoreResult<()> {
        let subtree_users = "SELECT u.id FROM users u JOIN dealer_tree t ON t.descendant = u.dealer_id WHERE t.ancestor = ";
        let mut s = Sql::new("DELETE FROM sessions WHERE user_id IN (");
        s.push(subtree_users)
            .bind(id)
            .push(") OR impersonator_id IN (")
            .push(subtree_users)
            .bind(id)
            .push(")");
        s.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// How many sub-dealers and tenants of the dealer have high availability.
    pub async fn high_availability_below(&mut self, id: &str) -> StoreResult<i64> {
        Sql::new("SELECT CAST((SELECT COUNT(*) FROM dealers WHERE parent_id = ")
            .bind(id)
            .push(" AND pkg_high_availability = 1) + (SELECT COUNT(*) FROM tenants WHERE dealer_id = ")
            .bind(id)
            .push(" AND high_availability = 1) AS BIGINT) AS n")
            .fetch_one(&mut *self.tx)
            .await?
            .int("n")
    }

    /// Sets a dealer's package, bumps its version, and reads it back.
    pub async fn set_package(&mut self, id: &str, p: &Package) -> StoreResult<Dealer> {
        let mut s = Sql::new("UPDATE dealers SET pkg_max_tenants = ");
        s.bind(p.max_tenants)
            .push(", pkg_extensions = ")
            .bind(p.extensions)
            .push(", pkg_concurrent_calls = ")
            .bind(p.concurrent_calls)
            .push(", pkg_recording_minutes = ")
            .bind(p.recording_minutes)
            .push(", pkg_high_availability = ")
            .bind(p.high_availability)
            .push(", pkg_min_extensions_per_tenant = ")
            .bind(p.min_extensions_per_tenant)
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id);
        s.execute(&mut *self.tx).await?;
        self.dealer_row(id).await
    }
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
                id: r.text("id")?,
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
        let ledger = ledger(&mut tx, &head, &self.policy).await?;
        let subtree = subtree_used(id, &self.policy);
        let subtree = amounts(&subtree.fetch_one(&mut *tx).await?)?;
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
            dealer_id: head.id.clone(),
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
    ) -> StoreResult<Option<TreeNode>> {
        super::tree::load(self, scope, root.unwrap_or(scope.dealer_id()), depth).await
    }
}

//! Dealers: scoped reads, creation under the level rule with the package carved from the parent,
//! contact edits, the delete guard, suspension, package changes and the capacity report.

use async_trait::async_trait;
use serde_json::json;

use super::audit::{Event, record};
use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::{Actor, DealerStore, PageRequest, Refusal, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::capacity::{Amounts, Dimension, check_package_shape};
use crate::domain::level::may_create;
use crate::domain::validate::{self, FieldError};
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

/// The audit snapshot of a dealer: its own fields, not the derived counts.
fn snapshot(d: &Dealer) -> serde_json::Value {
    json!({
        "name": d.name, "display_name": d.display_name, "level": d.level, "parent_id": d.parent_id,
        "email": d.email, "phone": d.phone, "address": d.address, "notes": d.notes,
        "enabled": d.enabled, "package": d.package,
    })
}

impl SqlStore {
    /// One dealer in scope, read inside a transaction (so it sees the transaction's own writes).
    async fn dealer_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: &str,
    ) -> StoreResult<Dealer> {
        let mut s = Sql::new(&dealer_select());
        s.push(" WHERE d.id = ").bind(id);
        let row = s
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        dealer_from_row(&row)
    }

    async fn sibling_name_taken(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
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
        Ok(s.fetch_optional(&mut **tx).await?.is_some())
    }
}

/// Validated contact fields of a new dealer.
fn contact_fields(new: &NewDealer) -> Result<[String; 6], FieldError> {
    let name = validate::name("name", &new.name)?;
    let display = if new.display_name.trim().is_empty() {
        name.clone()
    } else {
        validate::name("display_name", &new.display_name)?
    };
    Ok([
        name,
        display,
        validate::optional_email("email", &new.email)?,
        validate::text("phone", &new.phone, 50)?,
        validate::text("address", &new.address, 500)?,
        validate::text("notes", &new.notes, 4000)?,
    ])
}

/// Refuses high availability where the dealer above has none.
fn check_ha(wanted: bool, above: &DealerHead) -> StoreResult<()> {
    if wanted && !above.package.high_availability {
        return Err(Refusal::NoHighAvailability {
            dealer_id: above.id.clone(),
            dealer_name: above.name.clone(),
        }
        .into());
    }
    Ok(())
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

    async fn create_dealer(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: NewDealer,
    ) -> StoreResult<Dealer> {
        let [name, display, email, phone, address, notes] = contact_fields(&new)?;
        let package = new.package.unwrap_or_else(Package::empty);
        if let Err((field, message)) = check_package_shape(new.level, &package) {
            return Err(FieldError::new(field, message).into());
        }
        let mut tx = self.begin_write().await?;
        let parent = dealer_head(&mut tx, Some(scope), &new.parent_id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        if !may_create(parent.level, new.level) {
            return Err(Refusal::LevelNotAllowed {
                parent: parent.level,
                child: new.level,
            }
            .into());
        }
        if self
            .sibling_name_taken(&mut tx, &parent.id, &name, None)
            .await?
        {
            return Err(Refusal::Taken {
                field: "name",
                value: name,
            }
            .into());
        }
        check_ha(package.high_availability, &parent)?;
        let ledger = ledger(&mut tx, &parent, &self.policy).await?;
        ledger
            .check_take(&Amounts::claimed_by(&package))
            .map_err(|shortfall| Refusal::Capacity {
                dealer_id: parent.id.clone(),
                dealer_name: parent.name.clone(),
                shortfall,
            })?;
        let id = new_id("dlr");
        let now = now_micros();
        let path = format!("{}{}/", parent.path, id);
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
            .bind(new.level.as_str());
        for v in [&name, &display, &email, &phone, &address, &notes] {
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
        s.execute(&mut *tx).await?;
        Sql::new("INSERT INTO dealer_tree (ancestor, descendant, depth) SELECT ancestor, ")
            .bind(id.as_str())
            .push(", depth + 1 FROM dealer_tree WHERE descendant = ")
            .bind(parent.id.as_str())
            .execute(&mut *tx)
            .await?;
        Sql::new("INSERT INTO dealer_tree (ancestor, descendant, depth) VALUES (")
            .bind(id.as_str())
            .push(", ")
            .bind(id.as_str())
            .push(", 0)")
            .execute(&mut *tx)
            .await?;
        let dealer = self.dealer_in(&mut tx, &id).await?;
        record(
            &mut tx,
            actor,
            &path,
            Event::new("dealer.create", "dealer", &id, &dealer.name).after(snapshot(&dealer)),
        )
        .await?;
        tx.commit().await?;
        Ok(dealer)
    }

    async fn update_dealer(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
        patch: DealerPatch,
    ) -> StoreResult<Dealer> {
        let mut tx = self.begin_write().await?;
        let head = dealer_head(&mut tx, Some(scope), id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(if_version, head.version)?;
        if patch.name.is_some() && id == scope.dealer_id() && head.parent_id.is_some() {
            // Its name is unique among siblings it cannot see; only the dealer above renames it.
            return Err(
                Refusal::Forbidden("a dealer's name is set by the dealer above it".into()).into(),
            );
        }
        let before = self.dealer_in(&mut tx, id).await?;
        let mut s = Sql::new("UPDATE dealers SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(n) = &patch.name {
            let n = validate::name("name", n)?;
            if let Some(parent) = &head.parent_id
                && self
                    .sibling_name_taken(&mut tx, parent, &n, Some(id))
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
        if let Some(v) = &patch.display_name {
            s.push(", display_name = ")
                .bind(validate::name("display_name", v)?);
        }
        if let Some(v) = &patch.email {
            s.push(", email = ")
                .bind(validate::optional_email("email", v)?);
        }
        if let Some(v) = &patch.phone {
            s.push(", phone = ").bind(validate::text("phone", v, 50)?);
        }
        if let Some(v) = &patch.address {
            s.push(", address = ")
                .bind(validate::text("address", v, 500)?);
        }
        if let Some(v) = &patch.notes {
            s.push(", notes = ").bind(validate::text("notes", v, 4000)?);
        }
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *tx).await?;
        let after = self.dealer_in(&mut tx, id).await?;
        record(
            &mut tx,
            actor,
            &head.path,
            Event::new("dealer.update", "dealer", id, &after.name)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_dealer(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let head = dealer_head(&mut tx, Some(scope), id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        if id == scope.dealer_id() || head.parent_id.is_none() {
            return Err(Refusal::Forbidden("a dealer cannot delete its own account".into()).into());
        }
        check_version(if_version, head.version)?;
        let mut counts = Sql::new("SELECT CAST((SELECT COUNT(*) FROM dealers WHERE parent_id = ");
        counts
            .bind(id)
            .push(") AS BIGINT) AS a, CAST((SELECT COUNT(*) FROM tenants WHERE dealer_id = ")
            .bind(id)
            .push(") AS BIGINT) AS b");
        let row = counts.fetch_one(&mut *tx).await?;
        let (sub_dealers, tenants) = (row.int("a")?, row.int("b")?);
        if sub_dealers > 0 || tenants > 0 {
            return Err(Refusal::HasChildren {
                sub_dealers,
                tenants,
            }
            .into());
        }
        let before = self.dealer_in(&mut tx, id).await?;
        // Users and groups go with the dealer: the event names them.
        let mut gone = snapshot(&before);
        for (table, column, key) in [
            ("users", "email", "users"),
            ("perm_groups", "name", "groups"),
            ("rate_cards", "name", "rate_cards"),
        ] {
            let names = Sql::new(&format!(
                "SELECT {column} AS n FROM {table} WHERE dealer_id = "
            ))
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.text("n"))
            .collect::<StoreResult<Vec<_>>>()?;
            gone[key] = json!(names);
        }
        // The dealer's own rate cards go with it: nothing below it is left to use them.
        for statement in [
            "DELETE FROM rates WHERE card_id IN (SELECT id FROM rate_cards WHERE dealer_id = $1)",
            "DELETE FROM rate_card_dealers WHERE dealer_id = $1 OR card_id IN (SELECT id FROM rate_cards WHERE dealer_id = $1)",
            "UPDATE rate_cards SET parent_id = NULL WHERE dealer_id = $1",
            "DELETE FROM rate_cards WHERE dealer_id = $1",
            "DELETE FROM users WHERE dealer_id = $1",
            "DELETE FROM perm_groups WHERE dealer_id = $1",
        ] {
            Sql::with_args(statement, vec![id.into()])
                .execute(&mut *tx)
                .await?;
        }
        Sql::new("DELETE FROM dealer_tree WHERE descendant = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Sql::new("DELETE FROM dealers WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            actor,
            &head.path,
            Event::new("dealer.delete", "dealer", id, &head.name).before(gone),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_dealer_enabled(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        enabled: bool,
    ) -> StoreResult<Dealer> {
        let mut tx = self.begin_write().await?;
        let head = dealer_head(&mut tx, Some(scope), id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        if id == scope.dealer_id() {
            return Err(Refusal::Forbidden(
                "a dealer cannot suspend or resume its own account".into(),
            )
            .into());
        }
        Sql::new("UPDATE dealers SET enabled = ")
            .bind(enabled)
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if !enabled {
            // Every session of every user below (or viewing as one) ends now.
            let subtree_users = "SELECT u.id FROM users u JOIN dealer_tree t ON t.descendant = u.dealer_id WHERE t.ancestor = ";
            let mut s = Sql::new("DELETE FROM sessions WHERE user_id IN (");
            s.push(subtree_users)
                .bind(id)
                .push(") OR impersonator_id IN (")
                .push(subtree_users)
                .bind(id)
                .push(")");
            s.execute(&mut *tx).await?;
        }
        let after = self.dealer_in(&mut tx, id).await?;
        record(
            &mut tx,
            actor,
            &head.path,
            Event::new(
                if enabled {
                    "dealer.resume"
                } else {
                    "dealer.suspend"
                },
                "dealer",
                id,
                &head.name,
            )
            .before(json!({ "enabled": head.enabled }))
            .after(json!({ "enabled": enabled })),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
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

    async fn set_package(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
        p: Package,
    ) -> StoreResult<Dealer> {
        let mut tx = self.begin_write().await?;
        let target = dealer_head(&mut tx, Some(scope), id, "")
            .await?
            .ok_or(StoreError::NotFound)?;
        if id == scope.dealer_id() || target.parent_id.is_none() {
            return Err(Refusal::Forbidden(
                "a dealer's package is set by the dealer above it (the provider's by the server configuration)".into(),
            )
            .into());
        }
        if let Err((field, message)) = check_package_shape(target.level, &p) {
            return Err(FieldError::new(field, message).into());
        }
        // Lock parent before child, always top-down, so concurrent changes cannot deadlock.
        let parent_id = target.parent_id.clone().unwrap_or_default();
        let parent = dealer_head(&mut tx, None, &parent_id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        let target = dealer_head(&mut tx, None, id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(if_version, target.version)?;
        check_ha(p.high_availability, &parent)?;
        if !p.high_availability && target.package.high_availability {
            let row = Sql::new("SELECT CAST((SELECT COUNT(*) FROM dealers WHERE parent_id = ")
                .bind(id)
                .push(" AND pkg_high_availability = 1) + (SELECT COUNT(*) FROM tenants WHERE dealer_id = ")
                .bind(id)
                .push(" AND high_availability = 1) AS BIGINT) AS n")
                .fetch_one(&mut *tx)
                .await?;
            if row.int("n")? > 0 {
                return Err(FieldError::new(
                    "high_availability",
                    "cannot be withdrawn while sub-dealers or tenants of this dealer still have it",
                )
                .into());
            }
        }
        let own = ledger(&mut tx, &target, &self.policy).await?;
        own.check_shrink(&p).map_err(Refusal::BelowCommitted)?;
        let above = ledger(&mut tx, &parent, &self.policy).await?;
        let delta = Amounts::claimed_by(&p).minus(&Amounts::claimed_by(&target.package));
        above
            .check_take(&delta)
            .map_err(|shortfall| Refusal::Capacity {
                dealer_id: parent.id.clone(),
                dealer_name: parent.name.clone(),
                shortfall,
            })?;
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
        s.execute(&mut *tx).await?;
        let after = self.dealer_in(&mut tx, id).await?;
        record(
            &mut tx,
            actor,
            &target.path,
            Event::new("package.update", "dealer", id, &target.name)
                .before(json!({ "package": target.package }))
                .after(json!({ "package": p })),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
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

//! The SQL of dealer writes, as primitives on a write transaction (`ops::dealers` and
//! `ops::provider` hold the rules that decide whether a write is made).

use super::common::*;
use super::dealers::{dealer_from_row, dealer_select};
use super::rows::{RowExt, new_id, now_micros};
use super::sql::{Arg, Sql, insert_row};
use super::write_tx::WriteTx;
use super::{StoreError, StoreResult};
use crate::model::*;

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
        let mut row: Vec<(&str, Arg)> = vec![
            ("id", id.as_str().into()),
            ("parent_id", parent.id.as_str().into()),
            ("path", path.as_str().into()),
            ("level", d.level.as_str().into()),
            ("name", (&d.name).into()),
            ("display_name", (&d.display_name).into()),
            ("email", (&d.email).into()),
            ("phone", (&d.phone).into()),
            ("address", (&d.address).into()),
            ("notes", (&d.notes).into()),
        ];
        row.extend(new_dealer_columns(package, now));
        let s = insert_row("dealers", row);
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
        self.insert_usage_row(&id).await?;
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
        // A dealer goes without tenants; what this transaction moved out of it still reaches its
        // ancestors, through its place in the tree, before that place goes.
        self.apply_usage_of(id).await?;
        Sql::new("DELETE FROM dealer_usage WHERE dealer_id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
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
        let mut s = package_update(p);
        s.push(", updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id);
        s.execute(&mut *self.tx).await?;
        self.dealer_row(id).await
    }

    /// The provider (the root of the tree), locked until commit.
    pub async fn lock_provider(&mut self) -> StoreResult<DealerHead> {
        let root_id = Sql::new("SELECT id FROM dealers WHERE parent_id IS NULL")
            .fetch_one(&mut *self.tx)
            .await?
            .text("id")?;
        self.lock_dealer(None, &root_id).await
    }

    /// Sets the provider's package from the configuration; bumps its version.
    pub async fn set_provider_package(&mut self, id: &str, p: &Package) -> StoreResult<()> {
        let mut s = package_update(p);
        s.push(" WHERE id = ").bind(id);
        s.execute(&mut *self.tx).await?;
        Ok(())
    }
}

/// `UPDATE dealers SET` every column of the package and the next version.
fn package_update(p: &Package) -> Sql {
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
        .push(", version = version + 1");
    s
}

/// The columns every new dealer row has beside its identity: enabled, its package, its times and
/// its first version (the provider's first start and every later dealer share them).
pub(super) fn new_dealer_columns(p: &Package, now: i64) -> Vec<(&'static str, Arg)> {
    vec![
        ("enabled", true.into()),
        ("pkg_max_tenants", p.max_tenants.into()),
        ("pkg_extensions", p.extensions.into()),
        ("pkg_concurrent_calls", p.concurrent_calls.into()),
        ("pkg_recording_minutes", p.recording_minutes.into()),
        ("pkg_high_availability", p.high_availability.into()),
        (
            "pkg_min_extensions_per_tenant",
            p.min_extensions_per_tenant.into(),
        ),
        ("created_at", now.into()),
        ("updated_at", now.into()),
        ("version", 1i64.into()),
    ]
}

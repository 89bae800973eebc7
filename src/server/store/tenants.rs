//! Tenants: scoped reads, and the SQL of their writes as primitives on a write transaction
//! (`ops::tenants` holds the rules that decide whether a write is made).

use async_trait::async_trait;

use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::{Sql, insert_row};
use super::text_match::TextIndex;
use super::usage::{USE_COLUMNS, row_use, tenant_use};
use super::write_tx::WriteTx;
use super::{PageRequest, Scope, SqlStore, StoreError, StoreResult, TenantStore};
use crate::model::*;

fn tenant_select() -> String {
    format!(
        "SELECT t.id, t.dealer_id, d.name AS dealer_name, t.name, t.domain, t.extensions, \
         t.concurrent_calls, t.recording_minutes, t.high_availability, t.enabled, \
         (CASE WHEN t.enabled = 1 AND {eff} = 1 THEN 1 ELSE 0 END) AS effective_enabled, \
         t.rate_card_id, rc.name AS rate_card_name, t.created_at, t.updated_at, t.version \
         FROM tenants t JOIN dealers d ON d.id = t.dealer_id \
         LEFT JOIN rate_cards rc ON rc.id = t.rate_card_id",
        eff = effective_enabled("t.dealer_id")
    )
}

fn tenant_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Tenant> {
    Ok(Tenant {
        id: row.text("id")?.into(),
        dealer_id: row.text("dealer_id")?.into(),
        dealer_name: row.text("dealer_name")?,
        name: row.text("name")?,
        domain: row.text("domain")?,
        extensions: row.int("extensions")?,
        concurrent_calls: row.int("concurrent_calls")?,
        recording_minutes: row.int("recording_minutes")?,
        high_availability: row.flag("high_availability")?,
        enabled: row.flag("enabled")?,
        effective_enabled: row.flag("effective_enabled")?,
        rate_card_id: row.opt_text("rate_card_id")?.map(Into::into),
        rate_card_name: row.opt_text("rate_card_name")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        version: row.int("version")?,
    })
}

/// A tenant's allocations: the columns its dealer's capacity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    pub extensions: i64,
    pub concurrent_calls: i64,
    pub recording_minutes: i64,
    pub high_availability: bool,
}

impl Allocation {
    pub fn of(t: &Tenant) -> Allocation {
        Allocation {
            extensions: t.extensions,
            concurrent_calls: t.concurrent_calls,
            recording_minutes: t.recording_minutes,
            high_availability: t.high_availability,
        }
    }
}

/// A checked tenant to insert.
#[derive(Debug, Clone)]
pub struct TenantRow {
    pub dealer_id: String,
    pub name: String,
    pub domain: String,
    pub allocation: Allocation,
    pub rate_card_id: Option<RateCardId>,
}

/// A checked change of a tenant: the fields to set (`rate_card_id: Some(None)` clears the
/// card) and its allocations after the change.
#[derive(Debug, Clone)]
pub struct TenantChange {
    pub name: Option<String>,
    pub domain: Option<String>,
    pub rate_card_id: Option<Option<RateCardId>>,
    pub allocation: Allocation,
}

impl SqlStore {
    /// Locks the tenant's dealer (every change to a dealer's tenants goes through this lock), then
    /// reads the tenant as it is now. The first read only finds the dealer; the second, made
    /// under the lock, is the one the change is checked against.
    pub(super) async fn lock_tenant(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<(DealerHead, Tenant)> {
        let first = self.tenant_in(tx, scope, id).await?;
        let dealer = dealer_head(tx, None, &first.dealer_id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        let now = self.tenant_in(tx, scope, id).await?;
        if now.dealer_id != dealer.id {
            // Moved to another dealer meanwhile: the caller retries against the new state.
            return Err(StoreError::VersionMismatch {
                current: now.version,
            });
        }
        Ok((dealer, now))
    }

    pub(super) async fn tenant_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<Tenant> {
        let mut s = Sql::new(&tenant_select());
        s.push(" WHERE t.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "t.dealer_id");
        let row = s
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        tenant_from_row(&row)
    }
}

impl WriteTx {
    /// A tenant in scope, as this transaction sees it.
    pub async fn tenant(&mut self, scope: &Scope, id: &str) -> StoreResult<Tenant> {
        self.store.tenant_in(&mut self.tx, scope, id).await
    }

    /// Locks the tenant's dealer and reads the tenant under the lock (see `SqlStore::lock_tenant`).
    pub async fn lock_tenant(
        &mut self,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<(DealerHead, Tenant)> {
        self.store.lock_tenant(&mut self.tx, scope, id).await
    }

    /// Whether another tenant (than `except`) has this SIP domain.
    pub async fn domain_taken(&mut self, domain: &str, except: Option<&str>) -> StoreResult<bool> {
        let mut s = Sql::new("SELECT id FROM tenants WHERE domain = ");
        s.bind(domain);
        if let Some(id) = except {
            s.push(" AND id <> ").bind(id);
        }
        Ok(s.fetch_optional(&mut *self.tx).await?.is_some())
    }

    /// Inserts a tenant, enabled, at version 1, and reads it back.
    pub async fn insert_tenant(&mut self, scope: &Scope, t: &TenantRow) -> StoreResult<Tenant> {
        let id = new_id("tnt");
        let now = now_micros();
        let a = &t.allocation;
        let s = insert_row(
            "tenants",
            vec![
                ("id", id.as_str().into()),
                ("dealer_id", t.dealer_id.as_str().into()),
                ("name", t.name.as_str().into()),
                ("domain", t.domain.as_str().into()),
                ("extensions", a.extensions.into()),
                ("concurrent_calls", a.concurrent_calls.into()),
                ("recording_minutes", a.recording_minutes.into()),
                ("high_availability", a.high_availability.into()),
                ("enabled", true.into()),
                ("rate_card_id", t.rate_card_id.clone().into()),
                ("created_at", now.into()),
                ("updated_at", now.into()),
                ("version", 1.into()),
            ],
        );
        s.execute(&mut *self.tx).await?;
        let used = tenant_use(
            self.policy(),
            a.extensions,
            a.concurrent_calls,
            a.recording_minutes,
        );
        self.note_usage(&t.dealer_id, used);
        self.tenant(scope, &id).await
    }

    /// The dealer and use of a tenant as this transaction sees it, before it changes.
    async fn use_before(
        &mut self,
        id: &str,
    ) -> StoreResult<(String, crate::domain::capacity::Amounts)> {
        let row = Sql::new(&format!("SELECT {USE_COLUMNS} FROM tenants WHERE id = "))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        row_use(self.policy(), &row)
    }

    /// Applies a change to a tenant, bumps its version, and reads it back.
    pub async fn update_tenant(
        &mut self,
        scope: &Scope,
        id: &str,
        c: &TenantChange,
    ) -> StoreResult<Tenant> {
        let (dealer_id, before) = self.use_before(id).await?;
        let mut s = Sql::new("UPDATE tenants SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(n) = &c.name {
            s.push(", name = ").bind(n.as_str());
        }
        if let Some(d) = &c.domain {
            s.push(", domain = ").bind(d.as_str());
        }
        match &c.rate_card_id {
            None => {}
            Some(None) => {
                s.push(", rate_card_id = NULL");
            }
            Some(Some(card)) => {
                s.push(", rate_card_id = ").bind(card.as_str());
            }
        }
        let a = &c.allocation;
        s.push(", extensions = ")
            .bind(a.extensions)
            .push(", concurrent_calls = ")
            .bind(a.concurrent_calls)
            .push(", recording_minutes = ")
            .bind(a.recording_minutes)
            .push(", high_availability = ")
            .bind(a.high_availability)
            .push(" WHERE id = ")
            .bind(id);
        s.execute(&mut *self.tx).await?;
        self.note_usage_gone(&dealer_id, before);
        let after = tenant_use(
            self.policy(),
            a.extensions,
            a.concurrent_calls,
            a.recording_minutes,
        );
        self.note_usage(&dealer_id, after);
        self.tenant(scope, id).await
    }

    /// Deletes a tenant (its dealer's counters lose what it used).
    pub async fn delete_tenant(&mut self, id: &str) -> StoreResult<()> {
        let gone = Sql::new("DELETE FROM tenants WHERE id = ")
            .bind(id)
            .push(&format!(" RETURNING {USE_COLUMNS}"))
            .fetch_optional(&mut *self.tx)
            .await?;
        if let Some(row) = gone {
            let (dealer_id, used) = row_use(self.policy(), &row)?;
            self.note_usage_gone(&dealer_id, used);
        }
        Ok(())
    }

    /// Suspends or resumes a tenant, bumps its version, and reads it back.
    pub async fn set_tenant_enabled(
        &mut self,
        scope: &Scope,
        id: &str,
        enabled: bool,
    ) -> StoreResult<Tenant> {
        Sql::new("UPDATE tenants SET enabled = ")
            .bind(enabled)
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.tenant(scope, id).await
    }

    /// Gives a tenant to another dealer, billed with `card` (or none), and reads it back.
    pub async fn move_tenant(
        &mut self,
        scope: &Scope,
        id: &str,
        to_dealer_id: &str,
        card: Option<RateCardId>,
    ) -> StoreResult<Tenant> {
        let (from, used) = self.use_before(id).await?;
        Sql::new("UPDATE tenants SET dealer_id = ")
            .bind(to_dealer_id)
            .push(", rate_card_id = ")
            .bind(card)
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        // Both dealers and both chains of ancestors (the common ones net out).
        self.note_usage_gone(&from, used);
        self.note_usage(to_dealer_id, used);
        self.tenant(scope, id).await
    }
}

#[async_trait]
impl TenantStore for SqlStore {
    async fn list_tenants(
        &self,
        scope: &Scope,
        f: &TenantFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Tenant>> {
        // The same filter twice: one that lets the database walk the dealers in scope, one that
        // checks rows as it walks the list's order (see `fetch_page_scoped`).
        let build = |checked: bool| {
            let dealer = if checked {
                format!("{}t.dealer_id", self.backend().no_index_prefix())
            } else {
                "t.dealer_id".to_string()
            };
            let mut filter = Sql::new(" WHERE ");
            push_under(&mut filter, &dealer, scope.dealer_id());
            if let Some(d) = &f.dealer_id {
                filter.push(" AND ");
                if f.subtree.unwrap_or(true) {
                    push_under(&mut filter, &dealer, d);
                } else {
                    filter.push("t.dealer_id = ").bind(d);
                }
            }
            if let Some(e) = f.enabled {
                filter.push(" AND t.enabled = ").bind(e);
            }
            let index = TextIndex {
                backend: self.backend(),
                kind: ObjectKind::Tenant,
                id: "t.id",
            };
            push_search_indexed(
                &mut filter,
                page.q.as_deref(),
                &["t.name", "t.domain"],
                Some(&index),
            );
            filter
        };
        let select = tenant_select();
        let listing = Listing {
            select: Sql::new(&select),
            count_from: "tenants t",
            key: "t.name",
            id: "t.id",
        };
        let (rows, total, more) =
            fetch_page_scoped(&self.read, &listing, &build(false), &build(true), page).await?;
        let items = rows
            .iter()
            .map(tenant_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(into_page(items, total, more, |t| (&t.name, &t.id)))
    }

    async fn get_tenant(&self, scope: &Scope, id: &str) -> StoreResult<Option<Tenant>> {
        let mut s = Sql::new(&tenant_select());
        s.push(" WHERE t.id = ").bind(id).push(" AND ");
        push_in_scope(&mut s, scope, "t.dealer_id");
        s.fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(tenant_from_row)
            .transpose()
    }
}

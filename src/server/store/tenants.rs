//! Tenants: scoped reads, and writes whose allocations are checked against the owning dealer's
//! package and the platform policy inside one write transaction.

use async_trait::async_trait;
use serde_json::json;

use super::audit::{Event, record};
use super::common::*;
use super::rows::{RowExt, new_id, now_micros};
use super::sql::Sql;
use super::{Actor, PageRequest, Refusal, Scope, SqlStore, StoreError, StoreResult, TenantStore};
use crate::domain::capacity::Amounts;
use crate::domain::validate::{self, FieldError};
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
        id: row.text("id")?,
        dealer_id: row.text("dealer_id")?,
        dealer_name: row.text("dealer_name")?,
        name: row.text("name")?,
        domain: row.text("domain")?,
        extensions: row.int("extensions")?,
        concurrent_calls: row.int("concurrent_calls")?,
        recording_minutes: row.int("recording_minutes")?,
        high_availability: row.flag("high_availability")?,
        enabled: row.flag("enabled")?,
        effective_enabled: row.flag("effective_enabled")?,
        rate_card_id: row.opt_text("rate_card_id")?,
        rate_card_name: row.opt_text("rate_card_name")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        version: row.int("version")?,
    })
}

fn snapshot(t: &Tenant) -> serde_json::Value {
    json!({
        "dealer_id": t.dealer_id, "name": t.name, "domain": t.domain, "extensions": t.extensions,
        "concurrent_calls": t.concurrent_calls, "recording_minutes": t.recording_minutes,
        "high_availability": t.high_availability, "enabled": t.enabled, "rate_card_id": t.rate_card_id,
    })
}

/// A tenant's allocations after validation against the platform policy and its dealer's minimum.
pub(super) struct Allocation {
    pub extensions: i64,
    pub concurrent_calls: i64,
    pub recording_minutes: i64,
    pub high_availability: bool,
}

impl Allocation {
    pub(super) fn of(t: &Tenant) -> Allocation {
        Allocation {
            extensions: t.extensions,
            concurrent_calls: t.concurrent_calls,
            recording_minutes: t.recording_minutes,
            high_availability: t.high_availability,
        }
    }
}

impl SqlStore {
    /// Checks a tenant's allocations against the platform policy and its dealer's package.
    /// The package's minimum extensions applies when a tenant is created (`before` is `None`);
    /// an existing tenant below a minimum raised since may keep what it has, and only going
    /// further down is refused.
    pub(super) fn check_allocation(
        &self,
        a: &Allocation,
        dealer: &DealerHead,
        before: Option<&Allocation>,
    ) -> StoreResult<()> {
        let max = self.policy.max_extensions_per_tenant;
        let min = dealer.package.min_extensions_per_tenant;
        if a.extensions > max {
            return Err(FieldError::new(
                "extensions",
                format!("a tenant has at most {max} extensions (platform policy)"),
            )
            .into());
        }
        let lowered = before.is_none_or(|b| a.extensions < b.extensions);
        if a.extensions < min && lowered {
            return Err(FieldError::new(
                "extensions",
                format!(
                    "{} requires at least {min} extensions per tenant",
                    dealer.name
                ),
            )
            .into());
        }
        validate::range("concurrent_calls", a.concurrent_calls, 0, 1_000_000)?;
        validate::range("recording_minutes", a.recording_minutes, 0, 1_000_000_000)?;
        if a.high_availability && !dealer.package.high_availability {
            return Err(Refusal::NoHighAvailability {
                dealer_id: dealer.id.clone(),
                dealer_name: dealer.name.clone(),
            }
            .into());
        }
        Ok(())
    }

    pub(super) fn usage(&self, a: &Allocation) -> Amounts {
        Amounts::used_by_tenant(
            a.extensions,
            a.concurrent_calls,
            a.recording_minutes,
            &self.policy,
        )
    }

    async fn domain_taken(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        domain: &str,
        except: Option<&str>,
    ) -> StoreResult<bool> {
        let mut s = Sql::new("SELECT id FROM tenants WHERE domain = ");
        s.bind(domain);
        if let Some(id) = except {
            s.push(" AND id <> ").bind(id);
        }
        Ok(s.fetch_optional(&mut **tx).await?.is_some())
    }

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

    /// Bills a tenant with another card (or none), audited as a tenant change.
    pub(super) async fn set_tenant_card(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        dealer: &DealerHead,
        before: &Tenant,
        card_id: Option<String>,
    ) -> StoreResult<()> {
        Sql::new("UPDATE tenants SET rate_card_id = ")
            .bind(card_id.clone())
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(before.id.as_str())
            .execute(&mut **tx)
            .await?;
        record(
            tx,
            actor,
            &dealer.path,
            Event::new("tenant.rate_card", "tenant", &before.id, &before.name)
                .before(json!({ "rate_card_id": before.rate_card_id }))
                .after(json!({ "rate_card_id": card_id })),
        )
        .await
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
            push_search(&mut filter, page.q.as_deref(), &["t.name", "t.domain"]);
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

    async fn create_tenant(
        &self,
        scope: &Scope,
        actor: &Actor,
        new: NewTenant,
    ) -> StoreResult<Tenant> {
        let name = validate::name("name", &new.name)?;
        let domain = validate::sip_domain("domain", &new.domain)?;
        let alloc = Allocation {
            extensions: new.extensions,
            concurrent_calls: new.concurrent_calls,
            recording_minutes: new.recording_minutes,
            high_availability: new.high_availability,
        };
        let mut tx = self.begin_write().await?;
        let dealer = dealer_head(&mut tx, Some(scope), &new.dealer_id, self.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)?;
        self.check_allocation(&alloc, &dealer, None)?;
        let rate_card_id = match new.rate_card_id.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(
                self.card_for_tenant(&mut tx, scope, c, &dealer.id, &dealer.name)
                    .await?
                    .card
                    .id,
            ),
            None => None,
        };
        if self.domain_taken(&mut tx, &domain, None).await? {
            return Err(Refusal::Taken {
                field: "domain",
                value: domain,
            }
            .into());
        }
        ledger(&mut tx, &dealer, &self.policy)
            .await?
            .check_take(&self.usage(&alloc))
            .map_err(|shortfall| Refusal::Capacity {
                dealer_id: dealer.id.clone(),
                dealer_name: dealer.name.clone(),
                shortfall,
            })?;
        let id = new_id("tnt");
        let now = now_micros();
        let mut s = Sql::new(
            "INSERT INTO tenants (id, dealer_id, name, domain, extensions, concurrent_calls, recording_minutes, \
             high_availability, enabled, rate_card_id, created_at, updated_at, version) VALUES (",
        );
        s.bind(id.as_str())
            .push(", ")
            .bind(dealer.id.as_str())
            .push(", ")
            .bind(name.as_str())
            .push(", ")
            .bind(domain.as_str())
            .push(", ")
            .bind(alloc.extensions)
            .push(", ")
            .bind(alloc.concurrent_calls)
            .push(", ")
            .bind(alloc.recording_minutes)
            .push(", ")
            .bind(alloc.high_availability)
            .push(", 1, ")
            .bind(rate_card_id)
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(", 1)");
        s.execute(&mut *tx).await?;
        let tenant = self.tenant_in(&mut tx, scope, &id).await?;
        record(
            &mut tx,
            actor,
            &dealer.path,
            Event::new("tenant.create", "tenant", &id, &tenant.name).after(snapshot(&tenant)),
        )
        .await?;
        tx.commit().await?;
        Ok(tenant)
    }

    async fn update_tenant(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
        patch: TenantPatch,
    ) -> StoreResult<Tenant> {
        let mut tx = self.begin_write().await?;
        let (dealer, before) = self.lock_tenant(&mut tx, scope, id).await?;
        check_version(if_version, before.version)?;
        let old = Allocation::of(&before);
        let new = Allocation {
            extensions: patch.extensions.unwrap_or(old.extensions),
            concurrent_calls: patch.concurrent_calls.unwrap_or(old.concurrent_calls),
            recording_minutes: patch.recording_minutes.unwrap_or(old.recording_minutes),
            high_availability: patch.high_availability.unwrap_or(old.high_availability),
        };
        self.check_allocation(&new, &dealer, Some(&old))?;
        ledger(&mut tx, &dealer, &self.policy)
            .await?
            .check_take(&self.usage(&new).minus(&self.usage(&old)))
            .map_err(|shortfall| Refusal::Capacity {
                dealer_id: dealer.id.clone(),
                dealer_name: dealer.name.clone(),
                shortfall,
            })?;
        let mut s = Sql::new("UPDATE tenants SET version = version + 1, updated_at = ");
        s.bind(now_micros());
        if let Some(n) = &patch.name {
            s.push(", name = ").bind(validate::name("name", n)?);
        }
        if let Some(d) = &patch.domain {
            let d = validate::sip_domain("domain", d)?;
            if self.domain_taken(&mut tx, &d, Some(id)).await? {
                return Err(Refusal::Taken {
                    field: "domain",
                    value: d,
                }
                .into());
            }
            s.push(", domain = ").bind(d);
        }
        match patch.rate_card_id.as_deref() {
            None => {}
            Some("") => {
                s.push(", rate_card_id = NULL");
            }
            Some(c) => {
                let card = self
                    .card_for_tenant(&mut tx, scope, c, &dealer.id, &dealer.name)
                    .await?;
                s.push(", rate_card_id = ").bind(card.card.id);
            }
        }
        s.push(", extensions = ")
            .bind(new.extensions)
            .push(", concurrent_calls = ")
            .bind(new.concurrent_calls)
            .push(", recording_minutes = ")
            .bind(new.recording_minutes)
            .push(", high_availability = ")
            .bind(new.high_availability)
            .push(" WHERE id = ")
            .bind(id);
        s.execute(&mut *tx).await?;
        let after = self.tenant_in(&mut tx, scope, id).await?;
        record(
            &mut tx,
            actor,
            &dealer.path,
            Event::new("tenant.update", "tenant", id, &after.name)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_tenant(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        if_version: Option<i64>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let (_, before) = self.lock_tenant(&mut tx, scope, id).await?;
        check_version(if_version, before.version)?;
        Sql::new("DELETE FROM tenants WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        super::audit::record_for_dealer(
            &mut tx,
            actor,
            &before.dealer_id,
            Event::new("tenant.delete", "tenant", id, &before.name).before(snapshot(&before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_tenant_enabled(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        enabled: bool,
    ) -> StoreResult<Tenant> {
        let mut tx = self.begin_write().await?;
        let (_, before) = self.lock_tenant(&mut tx, scope, id).await?;
        Sql::new("UPDATE tenants SET enabled = ")
            .bind(enabled)
            .push(", version = version + 1, updated_at = ")
            .bind(now_micros())
            .push(" WHERE id = ")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let after = self.tenant_in(&mut tx, scope, id).await?;
        super::audit::record_for_dealer(
            &mut tx,
            actor,
            &before.dealer_id,
            Event::new(
                if enabled {
                    "tenant.resume"
                } else {
                    "tenant.suspend"
                },
                "tenant",
                id,
                &before.name,
            )
            .before(json!({ "enabled": before.enabled }))
            .after(json!({ "enabled": enabled })),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn move_tenant(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: &str,
        mv: &TenantMove,
        if_version: Option<i64>,
        execute: bool,
    ) -> StoreResult<MovePlan> {
        self.plan_move(scope, actor, id, mv, if_version, execute)
            .await
    }
}

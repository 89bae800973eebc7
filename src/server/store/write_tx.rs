//! A write transaction as the operations (`server::ops`) see it: SQL primitives on one open
//! transaction. The operation opens it, reads through it, checks what it read against the rules,
//! writes and commits; nothing is written unless it commits, and on PostgreSQL the rows it locked
//! stay locked until then, so a check and the write it allows cannot be split by another change.

use async_trait::async_trait;
use sqlx::{Any, Transaction};

use super::audit::{Event, record, record_for_dealer};
use super::common::{DealerHead, dealer_head, ledger};
use super::rows::RowExt;
use super::sql::Sql;
use super::{Actor, Scope, SqlStore, StoreError, StoreResult, Writes};
use crate::domain::capacity::Ledger;
use crate::domain::policy::PlatformPolicy;

/// One open write transaction of the SQL store.
pub struct WriteTx {
    pub(super) store: SqlStore,
    pub(super) tx: Transaction<'static, Any>,
    /// Changes of the dealers' own use, applied to the counters just before commit.
    pub(super) usage: super::usage::PendingUsage,
}

#[async_trait]
impl Writes for SqlStore {
    async fn write(&self) -> StoreResult<WriteTx> {
        Ok(WriteTx {
            tx: self.begin_write().await?,
            store: self.clone(),
            usage: Default::default(),
        })
    }

    async fn write_shared(&self, job: super::Job) -> StoreResult<()> {
        self.queue_shared_write(job).await
    }
}

impl WriteTx {
    /// Makes every write of the transaction visible, at once.
    pub async fn commit(mut self) -> StoreResult<()> {
        self.apply_usage().await?;
        Ok(self.tx.commit().await?)
    }

    /// A handle on the store this transaction writes to.
    pub fn store_handle(&self) -> SqlStore {
        self.store.clone()
    }

    /// The platform policy the store counts capacity with.
    pub fn policy(&self) -> &PlatformPolicy {
        &self.store.policy
    }

    /// Reads and (on PostgreSQL) locks a dealer until commit; with a scope, only inside it.
    pub async fn lock_dealer(
        &mut self,
        scope: Option<&Scope>,
        id: &str,
    ) -> StoreResult<DealerHead> {
        dealer_head(&mut self.tx, scope, id, self.store.lock_rows())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Reads a dealer without locking it.
    pub async fn dealer(&mut self, scope: Option<&Scope>, id: &str) -> StoreResult<DealerHead> {
        dealer_head(&mut self.tx, scope, id, "")
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The stored path of a dealer (`/root/…/id/`), which decides who may read its events.
    pub async fn dealer_path(&mut self, id: &str) -> StoreResult<String> {
        super::common::dealer_path(&mut self.tx, id).await
    }

    /// How much of a dealer's package is carved out and used, as of this transaction.
    pub async fn ledger(&mut self, dealer: &DealerHead) -> StoreResult<Ledger> {
        let pending = self.usage.of(&dealer.id);
        ledger(&mut self.tx, dealer, pending).await
    }

    /// Records an audit event with the change; `dealer_path` decides who may read it.
    pub async fn record(
        &mut self,
        actor: &Actor,
        dealer_path: &str,
        e: Event<'_>,
    ) -> StoreResult<()> {
        record(&mut self.tx, actor, dealer_path, e).await
    }

    /// The end of every audited write: records the event of the change, then commits.
    pub async fn commit_with(
        mut self,
        actor: &Actor,
        dealer_path: &str,
        e: Event<'_>,
    ) -> StoreResult<()> {
        self.record(actor, dealer_path, e).await?;
        self.commit().await
    }

    /// Records an audit event about an object of the dealer `dealer_id`.
    pub async fn record_for_dealer(
        &mut self,
        actor: &Actor,
        dealer_id: &str,
        e: Event<'_>,
    ) -> StoreResult<()> {
        record_for_dealer(&mut self.tx, actor, dealer_id, e).await
    }

    /// Whether the dealer and every dealer above it are enabled.
    pub async fn dealer_live(&mut self, id: &str) -> StoreResult<bool> {
        Sql::new(&format!(
            "SELECT {} AS live FROM dealers d WHERE d.id = ",
            super::common::effective_enabled("d.id")
        ))
        .bind(id)
        .fetch_one(&mut *self.tx)
        .await?
        .flag("live")
    }
}

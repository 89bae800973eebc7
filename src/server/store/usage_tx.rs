//! The usage counters on a write transaction: the changes a write records, applied to each
//! dealer and its ancestors just before the transaction commits (`usage.rs` holds the counters
//! themselves).

use super::Backend;
use super::StoreResult;
use super::sql::Sql;
use super::usage::{NO_USE, apply, insert_zero_row};
use super::write_tx::WriteTx;
use crate::domain::capacity::Amounts;

impl WriteTx {
    /// Records that the own use of `dealer_id` grows by `delta` (shrinks when negative); the
    /// counters change before the transaction commits, and [`WriteTx::ledger`] counts it now.
    pub fn note_usage(&mut self, dealer_id: &str, delta: Amounts) {
        let entry = self.usage.0.entry(dealer_id.to_string()).or_insert(NO_USE);
        *entry = entry.plus(&delta);
    }

    /// Records that the own use of `dealer_id` shrinks by `delta`.
    pub fn note_usage_gone(&mut self, dealer_id: &str, delta: Amounts) {
        self.note_usage(dealer_id, NO_USE.minus(&delta));
    }

    /// Applies a dealer's pending change now (before the dealer goes, with its place in the tree).
    pub(super) async fn apply_usage_of(&mut self, dealer_id: &str) -> StoreResult<()> {
        if let Some(delta) = self.usage.0.remove(dealer_id)
            && delta != NO_USE
        {
            apply(&mut self.tx, dealer_id, &delta).await?;
        }
        Ok(())
    }

    /// Applies every pending change to the counters (called by `commit`).
    pub(super) async fn apply_usage(&mut self) -> StoreResult<()> {
        let pending = std::mem::take(&mut self.usage.0);
        let changed: Vec<(String, Amounts)> =
            pending.into_iter().filter(|(_, d)| *d != NO_USE).collect();
        if changed.is_empty() {
            return Ok(());
        }
        if self.store.backend == Backend::Postgres {
            // Every counter row this transaction changes, locked in one order for all.
            let mut lock = Sql::new(
                "SELECT dealer_id FROM dealer_usage WHERE dealer_id IN \
                 (SELECT ancestor FROM dealer_tree WHERE descendant IN (",
            );
            for (i, (id, _)) in changed.iter().enumerate() {
                if i > 0 {
                    lock.push(", ");
                }
                lock.bind(id.as_str());
            }
            lock.push(")) ORDER BY dealer_id")
                .push(Backend::Postgres.lock_rows());
            lock.fetch_all(&mut *self.tx).await?;
        }
        for (id, delta) in &changed {
            apply(&mut self.tx, id, delta).await?;
        }
        Ok(())
    }

    /// Gives a new dealer its counters, all zero.
    pub(super) async fn insert_usage_row(&mut self, dealer_id: &str) -> StoreResult<()> {
        insert_zero_row(&mut self.tx, dealer_id).await
    }
}

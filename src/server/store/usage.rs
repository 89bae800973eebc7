//! Per-dealer usage counters (`dealer_usage`): what a dealer's own tenants use and what every
//! tenant of its subtree uses, so that a capacity check or a roll-up reads one row instead of
//! summing tenants.
//!
//! Every write that moves usage records the change of its dealer's own use on the write
//! transaction (`WriteTx::note_usage`, in `usage_tx.rs`); the transaction applies the changes to each dealer and
//! its ancestors (O(depth) rows each) just before it commits. Applying them last keeps the
//! counter rows locked only for the end of a transaction, and on PostgreSQL they are locked in
//! one order (by dealer id) so that two transactions never wait on each other's counters.
//!
//! Recording counts the minutes beyond the free ones per tenant, which depends on the policy:
//! the counters are made with the value in `usage_basis`, and a store opened with another value
//! recounts them all ([`SqlStore::align_usage_basis`]).

use std::collections::BTreeMap;

use sqlx::{Any, Transaction};

use super::rows::RowExt;
use super::sql::Sql;
use super::{SqlStore, StoreResult};
use crate::domain::capacity::Amounts;
use crate::domain::policy::{PlatformPolicy, billable_recording_minutes};

/// No use at all.
pub const NO_USE: Amounts = Amounts {
    max_tenants: 0,
    extensions: 0,
    concurrent_calls: 0,
    recording_minutes: 0,
};

/// What one tenant with these allocations uses, as capacity counts it.
pub fn tenant_use(
    policy: &PlatformPolicy,
    extensions: i64,
    concurrent_calls: i64,
    recording_minutes: i64,
) -> Amounts {
    Amounts {
        max_tenants: 1,
        extensions,
        concurrent_calls,
        recording_minutes: billable_recording_minutes(policy, recording_minutes),
    }
}

/// The use of one tenant row as it is stored (columns `dealer_id`, `extensions`,
/// `concurrent_calls`, `recording_minutes`): its dealer and what it uses.
pub fn row_use(policy: &PlatformPolicy, row: &sqlx::any::AnyRow) -> StoreResult<(String, Amounts)> {
    Ok((
        row.text("dealer_id")?,
        tenant_use(
            policy,
            row.int("extensions")?,
            row.int("concurrent_calls")?,
            row.int("recording_minutes")?,
        ),
    ))
}

/// The columns of a tenant that decide its use, for reading a row before it changes.
pub const USE_COLUMNS: &str = "dealer_id, extensions, concurrent_calls, recording_minutes";

/// A dealer whose counters differ from a full recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageDrift {
    pub dealer_id: String,
    /// Own use, then subtree use, as stored (`None`: no counter row).
    pub stored: Option<(Amounts, Amounts)>,
    /// Own use, then subtree use, as recounted.
    pub counted: (Amounts, Amounts),
}

/// The counters' columns, own then subtree, in the order [`amounts_pair`] reads them.
const COUNTER_COLUMNS: [&str; 8] = [
    "own_tenants",
    "own_extensions",
    "own_calls",
    "own_recording",
    "sub_tenants",
    "sub_extensions",
    "sub_calls",
    "sub_recording",
];

/// Reads own and subtree use from a row with the [`COUNTER_COLUMNS`] (`prefix` before each).
fn amounts_pair(row: &sqlx::any::AnyRow, prefix: &str) -> StoreResult<(Amounts, Amounts)> {
    let v = |i: usize| row.int(&format!("{prefix}{}", COUNTER_COLUMNS[i]));
    Ok((
        Amounts {
            max_tenants: v(0)?,
            extensions: v(1)?,
            concurrent_calls: v(2)?,
            recording_minutes: v(3)?,
        },
        Amounts {
            max_tenants: v(4)?,
            extensions: v(5)?,
            concurrent_calls: v(6)?,
            recording_minutes: v(7)?,
        },
    ))
}

/// A full recount of every dealer's counters: `dealer_id` and the [`COUNTER_COLUMNS`], each
/// prefixed by `prefix`. Sums each dealer's own tenants once, then adds them up the tree.
fn recount_select(free: i64, prefix: &str) -> Sql {
    let mut s = Sql::new(
        "WITH own AS (SELECT t.dealer_id AS owner, COUNT(*) AS a, SUM(t.extensions) AS b, \
         SUM(t.concurrent_calls) AS c, SUM(CASE WHEN t.recording_minutes > ",
    );
    s.bind(free)
        .push(" THEN t.recording_minutes - ")
        .bind(free)
        .push(
            " ELSE 0 END) AS d FROM tenants t GROUP BY t.dealer_id), \
             sub AS (SELECT x.ancestor AS owner, SUM(o.a) AS a, SUM(o.b) AS b, SUM(o.c) AS c, \
             SUM(o.d) AS d FROM dealer_tree x JOIN own o ON o.owner = x.descendant \
             GROUP BY x.ancestor) SELECT d.id AS dealer_id",
        );
    for (i, column) in COUNTER_COLUMNS.iter().enumerate() {
        let (table, sum) = (if i < 4 { "o" } else { "s" }, ["a", "b", "c", "d"][i % 4]);
        s.push(&format!(
            ", CAST(COALESCE({table}.{sum}, 0) AS BIGINT) AS {prefix}{column}"
        ));
    }
    s.push(" FROM dealers d LEFT JOIN own o ON o.owner = d.id LEFT JOIN sub s ON s.owner = d.id");
    s
}

/// Rewrites every counter from a full recount, and records the policy value it counted with.
pub(super) async fn rebuild(
    tx: &mut Transaction<'static, Any>,
    policy: &PlatformPolicy,
) -> StoreResult<()> {
    let free = policy.free_recording_minutes_per_tenant;
    Sql::new("DELETE FROM dealer_usage")
        .execute(&mut **tx)
        .await?;
    let mut insert = Sql::new(&format!(
        "INSERT INTO dealer_usage (dealer_id, {}) SELECT dealer_id, {} FROM (",
        COUNTER_COLUMNS.join(", "),
        COUNTER_COLUMNS.join(", ")
    ));
    insert.append(&recount_select(free, "")).push(") r");
    insert.execute(&mut **tx).await?;
    Sql::new("DELETE FROM usage_basis")
        .execute(&mut **tx)
        .await?;
    Sql::new("INSERT INTO usage_basis (id, free_recording_minutes) VALUES (1, ")
        .bind(free)
        .push(")")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds `delta` to the own use of `dealer_id` and to the subtree use of it and every ancestor.
pub(super) async fn apply(
    tx: &mut Transaction<'static, Any>,
    dealer_id: &str,
    delta: &Amounts,
) -> StoreResult<()> {
    let values = [
        delta.max_tenants,
        delta.extensions,
        delta.concurrent_calls,
        delta.recording_minutes,
    ];
    let mut s = Sql::new("UPDATE dealer_usage SET ");
    for (i, v) in values.iter().enumerate() {
        let (own, sub) = (COUNTER_COLUMNS[i], COUNTER_COLUMNS[i + 4]);
        if i > 0 {
            s.push(", ");
        }
        s.push(&format!("{own} = {own} + (CASE WHEN dealer_id = "))
            .bind(dealer_id)
            .push(" THEN ")
            .bind(*v)
            .push(&format!(" ELSE 0 END), {sub} = {sub} + "))
            .bind(*v);
    }
    s.push(" WHERE dealer_id IN (SELECT ancestor FROM dealer_tree WHERE descendant = ")
        .bind(dealer_id)
        .push(")");
    s.execute(&mut **tx).await?;
    Ok(())
}

/// The changes of own use a write transaction has made and not yet applied, by dealer.
#[derive(Debug, Default, Clone)]
pub struct PendingUsage(pub(super) BTreeMap<String, Amounts>);

impl PendingUsage {
    /// The change of a dealer's own use not yet applied (none when the transaction made none).
    pub fn of(&self, dealer_id: &str) -> Amounts {
        self.0.get(dealer_id).copied().unwrap_or(NO_USE)
    }
}

/// Inserts a dealer's counters, all zero.
pub(super) async fn insert_zero_row(
    tx: &mut Transaction<'static, Any>,
    dealer_id: &str,
) -> StoreResult<()> {
    Sql::new("INSERT INTO dealer_usage (dealer_id) VALUES (")
        .bind(dealer_id)
        .push(")")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The own use of a dealer as its counters hold it (as `a`, `b`, `c`, `d`, like the sums of
/// [`super::common::amounts`]).
pub fn own_use(dealer_id: &str) -> Sql {
    counter_select("own", dealer_id)
}

/// The use of a dealer's whole subtree as its counters hold it (as `a`, `b`, `c`, `d`).
pub fn subtree_use(dealer_id: &str) -> Sql {
    counter_select("sub", dealer_id)
}

fn counter_select(kind: &str, dealer_id: &str) -> Sql {
    let mut s = Sql::new(&format!(
        "SELECT {kind}_tenants AS a, {kind}_extensions AS b, {kind}_calls AS c, \
         {kind}_recording AS d FROM dealer_usage WHERE dealer_id = "
    ));
    s.bind(dealer_id);
    s
}

impl SqlStore {
    /// Recounts every counter when they were made with another free recording allowance than
    /// this store's policy (once, at start, after a policy change).
    pub(super) async fn align_usage_basis(&self) -> StoreResult<()> {
        let free = self.policy.free_recording_minutes_per_tenant;
        let stored = Sql::new("SELECT free_recording_minutes AS f FROM usage_basis WHERE id = 1")
            .fetch_optional(&self.read)
            .await?
            .map(|r| r.int("f"))
            .transpose()?;
        if stored == Some(free) {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        rebuild(&mut tx, &self.policy).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every dealer whose counters differ from a full recount (empty when they all agree).
    pub async fn usage_drift(&self) -> StoreResult<Vec<UsageDrift>> {
        // One snapshot: the recount and the counters see the same tenants.
        let mut tx = self.read.begin().await?;
        let drift = drift_in(&mut tx, &self.policy).await?;
        tx.rollback().await?;
        Ok(drift)
    }

    /// Rewrites every counter from a full recount and returns what differed before.
    pub async fn fix_usage(&self) -> StoreResult<Vec<UsageDrift>> {
        let mut tx = self.begin_write().await?;
        let drift = drift_in(&mut tx, &self.policy).await?;
        if !drift.is_empty() {
            rebuild(&mut tx, &self.policy).await?;
        }
        tx.commit().await?;
        Ok(drift)
    }
}

async fn drift_in(
    tx: &mut Transaction<'static, Any>,
    policy: &PlatformPolicy,
) -> StoreResult<Vec<UsageDrift>> {
    let stored: Vec<String> = COUNTER_COLUMNS
        .iter()
        .map(|c| format!("u.{c} AS stored_{c}"))
        .collect();
    let mut s = Sql::new(&format!(
        "SELECT r.*, u.dealer_id AS stored_id, {} FROM (",
        stored.join(", ")
    ));
    s.append(&recount_select(
        policy.free_recording_minutes_per_tenant,
        "counted_",
    ))
    .push(") r LEFT JOIN dealer_usage u ON u.dealer_id = r.dealer_id WHERE u.dealer_id IS NULL");
    for c in COUNTER_COLUMNS {
        s.push(&format!(" OR u.{c} <> r.counted_{c}"));
    }
    s.push(" ORDER BY r.dealer_id");
    let mut drift = Vec::new();
    for row in s.fetch_all(&mut **tx).await? {
        let stored = match row.opt_text("stored_id")? {
            Some(_) => Some(amounts_pair(&row, "stored_")?),
            None => None,
        };
        drift.push(UsageDrift {
            dealer_id: row.text("dealer_id")?,
            stored,
            counted: amounts_pair(&row, "counted_")?,
        });
    }
    Ok(drift)
}

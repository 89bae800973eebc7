//! Copying a whole store into an empty one (SQLite to PostgreSQL, say), then checking that both
//! hold the same rows and that the rules still hold in the copy.

use sqlx::{Any, Column, Row, Transaction};

use super::rows::RowExt;
use super::sql::{Arg, Sql, insert_rows};
use super::{SqlStore, StoreError, StoreResult};

/// Every table, in an order that satisfies the foreign keys, with the order its rows are read in
/// (parents before children: a dealer's path grows with its depth, a card is made after its
/// parent).
const TABLES: &[(&str, &str)] = &[
    ("dealers", "length(path), id"),
    ("dealer_tree", "ancestor, descendant"),
    ("perm_groups", "id"),
    ("users", "id"),
    ("group_members", "user_id, group_id"),
    ("rate_cards", "created_at, id"),
    ("rates", "card_id, prefix"),
    ("rate_card_dealers", "card_id, dealer_id"),
    ("tenants", "id"),
    ("plans", "id"),
    ("sessions", "id"),
    ("api_keys", "id"),
    ("link_tokens", "token_hash"),
    ("login_failures", "id"),
    ("audit_events", "id"),
];

/// Rows read from the source at a time.
const ROWS_PER_READ: i64 = 20_000;

/// How many rows each table holds in the source and in the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(String, i64, i64)>,
    /// Broken rules found in the copy (empty when it is sound).
    pub violations: Vec<String>,
}

impl CopyReport {
    pub fn is_sound(&self) -> bool {
        self.violations.is_empty() && self.tables.iter().all(|(_, a, b)| a == b)
    }
}

/// A value read as the target column's type: text or integer (every column is one of the two).
fn value_of(row: &sqlx::any::AnyRow, i: usize, text: bool) -> StoreResult<Arg> {
    Ok(if text {
        row.try_get::<Option<String>, _>(i)?.into()
    } else {
        row.try_get::<Option<i64>, _>(i)?.into()
    })
}

/// The text columns of a table in the target, by name.
async fn text_columns(
    target: &SqlStore,
    tx: &mut Transaction<'static, Any>,
    table: &str,
) -> StoreResult<std::collections::HashSet<String>> {
    let sql = match target.backend {
        super::Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns WHERE data_type = 'text' \
             AND table_schema = current_schema() AND table_name = $1"
        }
        super::Backend::Sqlite => {
            "SELECT name FROM pragma_table_info($1) WHERE upper(type) LIKE '%TEXT%'"
        }
    };
    Sql::with_args(sql, vec![table.into()])
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.text("name"))
        .collect()
}

async fn count(pool: &sqlx::AnyPool, table: &str) -> StoreResult<i64> {
    Sql::new(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"
    ))
    .fetch_one(pool)
    .await?
    .int("n")
}

impl SqlStore {
    /// True when no table of the store holds a row.
    pub async fn holds_nothing(&self) -> StoreResult<bool> {
        for (table, _) in TABLES {
            if count(&self.read, table).await? > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Copies every row of `self` into `target`, which must be empty, in one transaction; then
    /// compares the row counts and checks the rules in the copy.
    pub async fn copy_into(&self, target: &SqlStore) -> StoreResult<CopyReport> {
        if !target.holds_nothing().await? {
            return Err(StoreError::Corrupt(
                "the target store is not empty: copy only into a new database".into(),
            ));
        }
        let mut tx = target.begin_write().await?;
        for (table, order) in TABLES {
            let text = text_columns(target, &mut tx, table).await?;
            copy_table(&self.read, &mut tx, table, order, &text).await?;
        }
        // The counters are not copied but recounted, with the target's policy.
        super::usage::rebuild(&mut tx, &target.policy).await?;
        tx.commit().await?;
        let mut tables = Vec::new();
        for (table, _) in TABLES {
            tables.push((
                table.to_string(),
                count(&self.read, table).await?,
                count(&target.read, table).await?,
            ));
        }
        Ok(CopyReport {
            tables,
            violations: target.violations().await?,
        })
    }

    /// The rules a sound store keeps, each as a count of the rows that break it.
    pub async fn violations(&self) -> StoreResult<Vec<String>> {
        let free = self.policy.free_recording_minutes_per_tenant;
        let over = |dimension: &str, used: &str| {
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dealers d WHERE d.pkg_{dimension} IS NOT NULL AND \
                 (SELECT COALESCE(SUM(c.pkg_{dimension}), 0) FROM dealers c WHERE c.parent_id = d.id) + \
                 (SELECT COALESCE(SUM({used}), 0) FROM tenants t WHERE t.dealer_id = d.id) > d.pkg_{dimension}"
            )
        };
        let recording = format!(
            "CASE WHEN t.recording_minutes > {free} THEN t.recording_minutes - {free} ELSE 0 END"
        );
        let checks = [
            ("dealers over their tenant count", over("max_tenants", "1")),
            ("dealers over their extensions", over("extensions", "t.extensions")),
            ("dealers over their concurrent calls", over("concurrent_calls", "t.concurrent_calls")),
            ("dealers over their recording minutes", over("recording_minutes", &recording)),
            (
                "dealers without their own closure row",
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dealers d WHERE NOT EXISTS \
                 (SELECT 1 FROM dealer_tree x WHERE x.ancestor = d.id AND x.descendant = d.id AND x.depth = 0)"
                    .into(),
            ),
            (
                "closure rows that do not match the dealer paths",
                "SELECT CAST(ABS((SELECT COUNT(*) FROM dealer_tree) - \
                 (SELECT COALESCE(SUM(length(path) - length(replace(path, '/', '')) - 1), 0) FROM dealers)) AS BIGINT) AS n"
                    .into(),
            ),
            (
                "tenants billed with a card that does not exist",
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tenants t WHERE t.rate_card_id IS NOT NULL AND \
                 NOT EXISTS (SELECT 1 FROM rate_cards c WHERE c.id = t.rate_card_id)"
                    .into(),
            ),
            (
                "cards whose chain does not end at their carrier",
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM rate_cards c WHERE NOT EXISTS \
                 (SELECT 1 FROM rate_cards r WHERE r.id = c.root_id AND r.parent_id IS NULL)"
                    .into(),
            ),
        ];
        let mut out = Vec::new();
        for (what, sql) in checks {
            let n = Sql::new(&sql).fetch_one(&self.read).await?.int("n")?;
            if n != 0 {
                out.push(format!("{n} {what}"));
            }
        }
        let drift = self.usage_drift().await?.len();
        if drift != 0 {
            out.push(format!(
                "{drift} dealers whose usage counters differ from a recount"
            ));
        }
        Ok(out)
    }
}

async fn copy_table(
    source: &sqlx::AnyPool,
    tx: &mut Transaction<'static, Any>,
    table: &str,
    order: &str,
    text: &std::collections::HashSet<String>,
) -> StoreResult<()> {
    let mut offset = 0;
    loop {
        let rows = Sql::new(&format!("SELECT * FROM {table} ORDER BY {order} LIMIT "))
            .bind(ROWS_PER_READ)
            .push(" OFFSET ")
            .bind(offset)
            .fetch_all(source)
            .await?;
        let Some(first) = rows.first() else {
            return Ok(());
        };
        offset += rows.len() as i64;
        let columns: Vec<String> = first
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        let values = rows
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, name)| value_of(row, i, text.contains(name)))
                    .collect::<StoreResult<Vec<_>>>()
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        insert_rows(tx, table, &names, values).await?;
        if (rows.len() as i64) < ROWS_PER_READ {
            return Ok(());
        }
    }
}

//! `GET /tree`: a dealer node with its sub-dealers and tenants down to a depth, for lazy browsing.

use super::common::{effective_enabled, push_in_scope};
use super::rows::RowExt;
use super::sql::Sql;
use super::{Scope, SqlStore, StoreError, StoreResult};
use crate::model::{Level, NodeKind, TreeNode};

/// The most tenant leaves listed under one dealer; `tenants_count` gives the real number.
pub const MAX_TENANT_LEAVES: i64 = 500;

fn node_select() -> String {
    format!(
        "SELECT d.id, d.name, d.level, d.enabled, {} AS effective_enabled, \
         CAST((SELECT COUNT(*) FROM dealers c WHERE c.parent_id = d.id) AS BIGINT) AS children_count, \
         CAST((SELECT COUNT(*) FROM tenants t WHERE t.dealer_id = d.id) AS BIGINT) AS tenants_count \
         FROM dealers d",
        effective_enabled("d.id")
    )
}

fn node_from_row(row: &sqlx::any::AnyRow) -> StoreResult<TreeNode> {
    let level = row.text("level")?;
    Ok(TreeNode {
        id: row.text("id")?,
        kind: NodeKind::Dealer,
        name: row.text("name")?,
        level: Some(Level::parse(&level).ok_or_else(|| StoreError::Corrupt(level.clone()))?),
        enabled: row.flag("enabled")?,
        effective_enabled: row.flag("effective_enabled")?,
        children_count: row.int("children_count")?,
        tenants_count: row.int("tenants_count")?,
        children: Vec::new(),
    })
}

/// Loads `root` (inside the scope) and its descendants down to `depth` levels, with the tenant
/// `show` among the root's leaves when it is one of the root's own.
pub async fn load(
    store: &SqlStore,
    scope: &Scope,
    root: &str,
    depth: u32,
    show: Option<&str>,
) -> StoreResult<Option<TreeNode>> {
    let mut s = Sql::new(&node_select());
    s.push(" WHERE d.id = ").bind(root).push(" AND ");
    push_in_scope(&mut s, scope, "d.id");
    let Some(row) = s.fetch_optional(&store.read).await? else {
        return Ok(None);
    };
    let mut node = node_from_row(&row)?;
    fill(store, &mut node, depth, show).await?;
    Ok(Some(node))
}

/// Loads the children of `node` and, recursively, theirs until `depth` runs out. Children of a
/// dealer inside the scope are inside it too, so no further scope filter is needed below the root.
fn fill<'a>(
    store: &'a SqlStore,
    node: &'a mut TreeNode,
    depth: u32,
    show: Option<&'a str>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = StoreResult<()>> + Send + 'a>> {
    Box::pin(async move {
        if depth == 0 {
            return Ok(());
        }
        let mut s = Sql::new(&node_select());
        s.push(" WHERE d.parent_id = ")
            .bind(node.id.as_str())
            .push(" ORDER BY lower(d.name), d.name, d.id");
        let mut children = Vec::new();
        for row in s.fetch_all(&store.read).await? {
            let mut child = node_from_row(&row)?;
            fill(store, &mut child, depth - 1, None).await?;
            children.push(child);
        }
        let mut tenants = Sql::new("SELECT id, name, enabled FROM tenants WHERE dealer_id = ")
            .bind(node.id.as_str())
            .push(" ORDER BY lower(name), name, id LIMIT ")
            .bind(MAX_TENANT_LEAVES)
            .fetch_all(&store.read)
            .await?;
        if let Some(id) = show
            && tenants.len() as i64 == MAX_TENANT_LEAVES
        {
            // Beyond the first leaves by name (any case), so it comes last in the same order.
            let wanted = Sql::new("SELECT id, name, enabled FROM tenants WHERE dealer_id = ")
                .bind(node.id.as_str())
                .push(" AND id = ")
                .bind(id)
                .fetch_optional(&store.read)
                .await?;
            let listed = |r: &sqlx::any::AnyRow| r.text("id").is_ok_and(|t| t == id);
            if let Some(row) = wanted.filter(|_| !tenants.iter().any(listed)) {
                tenants.push(row);
            }
        }
        for row in tenants {
            let enabled = row.flag("enabled")?;
            children.push(TreeNode {
                id: row.text("id")?,
                kind: NodeKind::Tenant,
                name: row.text("name")?,
                level: None,
                enabled,
                effective_enabled: enabled && node.effective_enabled,
                children_count: 0,
                tenants_count: 0,
                children: Vec::new(),
            });
        }
        node.children = children;
        Ok(())
    })
}

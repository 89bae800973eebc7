//! Substring search over the objects of a scope. On SQLite the text goes through the trigram
//! index `search_index` (three characters or more; shorter texts scan); on PostgreSQL the same
//! `lower(column) LIKE` the lists use is served by the pg_trgm indexes. Both are kept in step
//! with every write in its own transaction (migration 0005). An exact id finds its object too.

use async_trait::async_trait;
use std::collections::HashMap;

use super::common::push_in_scope;
use super::rows::RowExt;
use super::sql::Sql;
use super::text_match::{TextIndex, push_contains, uses_trigram_index};
use super::{Scope, SearchStore, SqlStore, StoreResult};
use crate::model::{ObjectKind, PathStep};

/// One match as the store finds it: what and where.
#[derive(Debug, Clone)]
pub struct SearchRow {
    pub kind: ObjectKind,
    pub id: String,
    pub name: String,
    pub detail: Option<String>,
    /// The dealer whose path leads to it: its owner (a dealer's parent, for a dealer).
    pub under: Option<String>,
}

/// Where each kind lives and what of it is searched.
struct Searched {
    kind: ObjectKind,
    table: &'static str,
    /// The name shown, and what else is shown beside it.
    name: &'static str,
    detail: Option<&'static str>,
    /// The columns the text may be in.
    columns: &'static [&'static str],
    /// The dealer that decides the scope, and the one the path leads to.
    scope: &'static str,
    under: &'static str,
}

const SEARCHED: [Searched; 5] = [
    Searched {
        kind: ObjectKind::Dealer,
        table: "dealers x",
        name: "x.name",
        detail: Some("x.display_name"),
        columns: &["x.name", "x.display_name"],
        scope: "x.id",
        under: "x.parent_id",
    },
    Searched {
        kind: ObjectKind::Tenant,
        table: "tenants x",
        name: "x.name",
        detail: Some("x.domain"),
        columns: &["x.name", "x.domain"],
        scope: "x.dealer_id",
        under: "x.dealer_id",
    },
    Searched {
        kind: ObjectKind::User,
        table: "users x",
        name: "x.email",
        detail: Some("x.display_name"),
        columns: &["x.email", "x.display_name"],
        scope: "x.dealer_id",
        under: "x.dealer_id",
    },
    Searched {
        kind: ObjectKind::Group,
        table: "perm_groups x",
        name: "x.name",
        detail: None,
        columns: &["x.name"],
        scope: "x.dealer_id",
        under: "x.dealer_id",
    },
    Searched {
        kind: ObjectKind::RateCard,
        table: "rate_cards x",
        name: "x.name",
        detail: None,
        columns: &["x.name"],
        scope: "x.dealer_id",
        under: "x.dealer_id",
    },
];

#[async_trait]
impl SearchStore for SqlStore {
    async fn search(
        &self,
        scope: &Scope,
        q: &str,
        kinds: &[ObjectKind],
        limit: i64,
    ) -> StoreResult<Vec<SearchRow>> {
        let q = q.trim().to_lowercase();
        let mut found = Vec::new();
        for s in SEARCHED.iter().filter(|s| kinds.contains(&s.kind)) {
            let mut sql = Sql::new(&format!(
                "SELECT x.id AS id, {} AS name, {} AS detail, {} AS under FROM {} WHERE ",
                s.name,
                s.detail.unwrap_or("NULL"),
                s.under,
                s.table
            ));
            self.push_search_scope(&mut sql, scope, s.scope, &q);
            sql.push(" AND ");
            self.push_match(&mut sql, s, &q);
            sql.push(" ORDER BY ")
                .push(s.name)
                .push(", x.id LIMIT ")
                .bind(limit);
            for r in sql.fetch_all(&self.read).await? {
                found.push(SearchRow {
                    kind: s.kind,
                    id: r.text("id")?,
                    name: r.text("name")?,
                    detail: r.opt_text("detail")?.filter(|d| !d.is_empty()),
                    under: r.opt_text("under")?,
                });
            }
        }
        Ok(found)
    }

    async fn paths(
        &self,
        scope: &Scope,
        dealer_ids: &[String],
    ) -> StoreResult<HashMap<String, Vec<PathStep>>> {
        let mut out = HashMap::new();
        for id in dealer_ids {
            if out.contains_key(id) {
                continue;
            }
            // The dealer's ancestors (itself included) that are in scope, from the top down.
            let mut sql = Sql::new(
                "SELECT a.id AS id, a.name AS name FROM dealer_tree t \
                 JOIN dealers a ON a.id = t.ancestor WHERE t.descendant = ",
            );
            sql.bind(id).push(" AND ");
            push_in_scope(&mut sql, scope, "t.ancestor");
            sql.push(" ORDER BY t.depth DESC");
            let steps = sql
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(|r| {
                    Ok(PathStep {
                        id: r.text("id")?.into(),
                        name: r.text("name")?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            out.insert(id.clone(), steps);
        }
        Ok(out)
    }
}

impl SqlStore {
    /// The condition that `s`'s text contains `q` (already lowercased), or that `q` is its id
    /// (ids are lowercase), so that a pasted id finds its object too.
    fn push_match(&self, sql: &mut Sql, s: &Searched, q: &str) {
        sql.push("(x.id = ").bind(q).push(" OR ");
        let index = TextIndex {
            backend: self.backend(),
            kind: s.kind,
            id: "x.id",
        };
        push_contains(sql, Some(&index), s.columns, q);
        sql.push(")");
    }

    /// The condition that the dealer in `column` lies inside `scope`, for a search. On SQLite a
    /// text of three characters or more is answered by the trigram index, which yields few rows:
    /// checking each of them against the scope (one primary-key probe) beats building the list
    /// of every dealer in a wide scope. Otherwise the list's own form, which walks the scope.
    fn push_search_scope(&self, sql: &mut Sql, scope: &Scope, column: &str, q: &str) {
        if uses_trigram_index(self.backend(), q) {
            sql.push("EXISTS (SELECT 1 FROM dealer_tree st WHERE st.ancestor = ")
                .bind(scope.dealer_id())
                .push(" AND st.descendant = ")
                .push(column)
                .push(")");
        } else {
            push_in_scope(sql, scope, column);
        }
    }
}

//! What a dry run measures inside its write transaction: how much of a subtree works, and what
//! the members of a group hold through their other groups. A dry run makes its change in the
//! transaction, measures, and rolls back.

use std::collections::{BTreeMap, BTreeSet};

use super::common::effective_enabled;
use super::rows::RowExt;
use super::sql::Sql;
use super::write_tx::WriteTx;
use super::{StoreError, StoreResult};
use crate::model::Permission;

/// How much of a dealer's subtree works now: its effectively enabled sub-dealers (not itself),
/// and the enabled tenants and logins of enabled dealers in it (its own included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveCounts {
    pub dealers: i64,
    pub tenants: i64,
    pub logins: i64,
}

impl LiveCounts {
    /// What differs between two measures of the same subtree, counted as positive numbers.
    pub fn difference(self, other: LiveCounts) -> LiveCounts {
        LiveCounts {
            dealers: (self.dealers - other.dealers).abs(),
            tenants: (self.tenants - other.tenants).abs(),
            logins: (self.logins - other.logins).abs(),
        }
    }
}

impl WriteTx {
    /// Counts what works in the subtree of `dealer_id`, as of this transaction.
    pub async fn live_counts(&mut self, dealer_id: &str) -> StoreResult<LiveCounts> {
        let mut s = Sql::new(
            "SELECT CAST((SELECT COUNT(*) FROM dealers d JOIN dealer_tree t ON t.descendant = d.id WHERE t.ancestor = ",
        );
        s.bind(dealer_id)
            .push(" AND d.id <> ")
            .bind(dealer_id)
            .push(" AND ")
            .push(&effective_enabled("d.id"))
            .push(" = 1) AS BIGINT) AS dealers, CAST((SELECT COUNT(*) FROM tenants tn JOIN dealer_tree t ON t.descendant = tn.dealer_id WHERE t.ancestor = ")
            .bind(dealer_id)
            .push(" AND tn.enabled = 1 AND ")
            .push(&effective_enabled("tn.dealer_id"))
            .push(" = 1) AS BIGINT) AS tenants, CAST((SELECT COUNT(*) FROM users u JOIN dealer_tree t ON t.descendant = u.dealer_id WHERE t.ancestor = ")
            .bind(dealer_id)
            .push(" AND u.enabled = 1 AND ")
            .push(&effective_enabled("u.dealer_id"))
            .push(" = 1) AS BIGINT) AS logins");
        let row = s.fetch_one(&mut *self.tx).await?;
        Ok(LiveCounts {
            dealers: row.int("dealers")?,
            tenants: row.int("tenants")?,
            logins: row.int("logins")?,
        })
    }

    /// Each member of the group, with the permissions it holds through its other groups.
    pub async fn members_elsewhere(
        &mut self,
        group_id: &str,
    ) -> StoreResult<BTreeMap<String, BTreeSet<Permission>>> {
        let members = Sql::new("SELECT user_id FROM group_members WHERE group_id = ")
            .bind(group_id)
            .fetch_all(&mut *self.tx)
            .await?;
        let mut held: BTreeMap<String, BTreeSet<Permission>> = BTreeMap::new();
        for m in &members {
            held.insert(m.text("user_id")?, BTreeSet::new());
        }
        let other = Sql::new(
            "SELECT m.user_id, g.permissions FROM group_members m \
             JOIN group_members o ON o.user_id = m.user_id AND o.group_id <> m.group_id \
             JOIN perm_groups g ON g.id = o.group_id WHERE m.group_id = ",
        )
        .bind(group_id)
        .fetch_all(&mut *self.tx)
        .await?;
        for row in &other {
            let entry = held.entry(row.text("user_id")?).or_default();
            for p in row.text("permissions")?.split_whitespace() {
                entry.insert(
                    p.parse::<Permission>()
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                );
            }
        }
        Ok(held)
    }

    /// Ends the transaction without writing anything of it: the end of every dry run.
    pub async fn roll_back(self) -> StoreResult<()> {
        Ok(self.tx.rollback().await?)
    }
}

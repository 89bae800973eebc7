//! The SQL of channel documents and plans (`ops::channel`): which objects a subtree holds, the
//! lookups that match a document's names to stored objects, savepoints that let a plan go on
//! past a refused step, and the stored plans themselves. Every lookup takes the caller's scope.

use sqlx::Executor;

use super::common::push_in_scope;
use super::rows::RowExt;
use super::sql::Sql;
use super::write_tx::WriteTx;
use super::{Scope, StoreError, StoreResult};

/// The most tenants a document covers: a document is read and applied object by object inside
/// one write transaction, which holds the store's writer meanwhile. A bigger subtree is handled
/// a dealer further down at a time.
pub const MAX_DOCUMENT_TENANTS: i64 = 10_000;

/// The ids of what a subtree holds, dealers from the top down.
#[derive(Debug, Clone, Default)]
pub struct SubtreeIds {
    pub dealers: Vec<String>,
    pub tenants: Vec<String>,
    pub groups: Vec<String>,
    pub users: Vec<String>,
    /// Customer cards owned in the subtree (carrier cards are never part of a document).
    pub cards: Vec<String>,
}

/// A stored plan.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub id: String,
    pub user_id: String,
    pub under_dealer_id: String,
    pub document: String,
    pub prune: bool,
    pub version: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl WriteTx {
    /// The ids of everything under `under_id` (itself included); not found outside the scope.
    pub async fn subtree_ids(&mut self, scope: &Scope, under_id: &str) -> StoreResult<SubtreeIds> {
        let top = self.dealer(Some(scope), under_id).await?;
        let tenants = Sql::new(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tenants x JOIN dealer_tree t ON t.descendant = x.dealer_id WHERE t.ancestor = ",
        )
        .bind(under_id)
        .fetch_one(&mut *self.tx)
        .await?
        .int("n")?;
        if tenants > MAX_DOCUMENT_TENANTS {
            return Err(crate::domain::validate::FieldError::new(
                "under",
                format!(
                    "the subtree of {} holds {tenants} tenants; a document covers at most {MAX_DOCUMENT_TENANTS}: choose a dealer further down",
                    top.name
                ),
            )
            .into());
        }
        let ids = |sql: &str| {
            let mut s = Sql::new(sql);
            s.bind(under_id);
            s
        };
        let column = |rows: Vec<sqlx::any::AnyRow>| -> StoreResult<Vec<String>> {
            rows.iter().map(|r| r.text("id")).collect()
        };
        let dealers = ids(
            "SELECT d.id FROM dealers d JOIN dealer_tree t ON t.descendant = d.id WHERE t.ancestor = ",
        )
        .push(" ORDER BY t.depth, lower(d.name), d.id")
        .fetch_all(&mut *self.tx)
        .await?;
        let tenants = ids(
            "SELECT x.id FROM tenants x JOIN dealer_tree t ON t.descendant = x.dealer_id WHERE t.ancestor = ",
        )
        .push(" ORDER BY x.domain")
        .fetch_all(&mut *self.tx)
        .await?;
        let groups = ids(
            "SELECT x.id FROM perm_groups x JOIN dealer_tree t ON t.descendant = x.dealer_id WHERE t.ancestor = ",
        )
        .push(" ORDER BY t.depth, lower(x.name), x.id")
        .fetch_all(&mut *self.tx)
        .await?;
        let users = ids(
            "SELECT x.id FROM users x JOIN dealer_tree t ON t.descendant = x.dealer_id WHERE t.ancestor = ",
        )
        .push(" ORDER BY x.email")
        .fetch_all(&mut *self.tx)
        .await?;
        // Parents before the cards derived from them.
        let cards = ids(
            "SELECT x.id FROM rate_cards x JOIN dealer_tree t ON t.descendant = x.dealer_id WHERE t.ancestor = ",
        )
        .push(" AND x.parent_id IS NOT NULL ORDER BY x.created_at, x.id")
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(SubtreeIds {
            dealers: column(dealers)?,
            tenants: column(tenants)?,
            groups: column(groups)?,
            users: column(users)?,
            cards: column(cards)?,
        })
    }

    /// The dealers of the scope with this name (a name is unique only among siblings).
    pub async fn dealers_named(&mut self, scope: &Scope, name: &str) -> StoreResult<Vec<String>> {
        let mut s = Sql::new("SELECT d.id FROM dealers d WHERE lower(d.name) = lower(");
        s.bind(name).push(") AND ");
        push_in_scope(&mut s, scope, "d.id");
        s.push(" ORDER BY d.id");
        let rows = s.fetch_all(&mut *self.tx).await?;
        rows.iter().map(|r| r.text("id")).collect()
    }

    /// The child of `parent_id` with this name, in the scope.
    pub async fn child_named(
        &mut self,
        scope: &Scope,
        parent_id: &str,
        name: &str,
    ) -> StoreResult<Option<String>> {
        let mut s = Sql::new("SELECT d.id FROM dealers d WHERE d.parent_id = ");
        s.bind(parent_id)
            .push(" AND lower(d.name) = lower(")
            .bind(name)
            .push(") AND ");
        push_in_scope(&mut s, scope, "d.id");
        self.first_id(s).await
    }

    /// The tenant of the scope with this SIP domain.
    pub async fn tenant_by_domain(
        &mut self,
        scope: &Scope,
        domain: &str,
    ) -> StoreResult<Option<String>> {
        let mut s = Sql::new("SELECT x.id FROM tenants x WHERE x.domain = ");
        s.bind(domain).push(" AND ");
        push_in_scope(&mut s, scope, "x.dealer_id");
        self.first_id(s).await
    }

    /// The login of the scope with this e-mail address.
    pub async fn user_by_email(
        &mut self,
        scope: &Scope,
        email: &str,
    ) -> StoreResult<Option<String>> {
        let mut s = Sql::new("SELECT x.id FROM users x WHERE x.email = ");
        s.bind(email).push(" AND ");
        push_in_scope(&mut s, scope, "x.dealer_id");
        self.first_id(s).await
    }

    /// The group of a dealer of the scope with this name.
    pub async fn group_named(
        &mut self,
        scope: &Scope,
        dealer_id: &str,
        name: &str,
    ) -> StoreResult<Option<String>> {
        let mut s = Sql::new("SELECT x.id FROM perm_groups x WHERE x.dealer_id = ");
        s.bind(dealer_id)
            .push(" AND lower(x.name) = lower(")
            .bind(name)
            .push(") AND ");
        push_in_scope(&mut s, scope, "x.dealer_id");
        self.first_id(s).await
    }

    /// The group with this name that the logins of `dealer_id` may belong to: owned by it or
    /// the nearest dealer above it inside the scope.
    pub async fn group_usable_named(
        &mut self,
        scope: &Scope,
        dealer_id: &str,
        name: &str,
    ) -> StoreResult<Option<String>> {
        let mut s = Sql::new(
            "SELECT x.id FROM perm_groups x JOIN dealer_tree t ON t.ancestor = x.dealer_id WHERE t.descendant = ",
        );
        s.bind(dealer_id)
            .push(" AND lower(x.name) = lower(")
            .bind(name)
            .push(") AND ");
        push_in_scope(&mut s, scope, "x.dealer_id");
        s.push(" ORDER BY t.depth");
        self.first_id(s).await
    }

    /// The card a dealer owns with this name, in the scope.
    pub async fn card_named(
        &mut self,
        scope: &Scope,
        dealer_id: &str,
        name: &str,
    ) -> StoreResult<Option<String>> {
        let mut s = Sql::new("SELECT x.id FROM rate_cards x WHERE x.dealer_id = ");
        s.bind(dealer_id)
            .push(" AND lower(x.name) = lower(")
            .bind(name)
            .push(") AND ");
        push_in_scope(&mut s, scope, "x.dealer_id");
        self.first_id(s).await
    }

    /// The card with this name that `dealer_id` may use: one it owns, else one handed to it.
    /// (Whether the scope may see it is checked by the operation that uses it.)
    pub async fn card_usable_named(
        &mut self,
        dealer_id: &str,
        name: &str,
    ) -> StoreResult<Option<String>> {
        let mut s = Sql::new("SELECT x.id, 0 AS pick FROM rate_cards x WHERE x.dealer_id = ");
        s.bind(dealer_id)
            .push(" AND lower(x.name) = lower(")
            .bind(name)
            .push(") UNION ALL SELECT x.id, 1 AS pick FROM rate_cards x JOIN rate_card_dealers h ON h.card_id = x.id WHERE h.dealer_id = ")
            .bind(dealer_id)
            .push(" AND lower(x.name) = lower(")
            .bind(name)
            .push(") ORDER BY pick");
        self.first_id(s).await
    }

    async fn first_id(&mut self, s: Sql) -> StoreResult<Option<String>> {
        s.fetch_optional(&mut *self.tx)
            .await?
            .map(|r| r.text("id"))
            .transpose()
    }

    /// Marks a point the transaction can return to (one at a time).
    pub async fn savepoint(&mut self) -> StoreResult<()> {
        (&mut *self.tx).execute("SAVEPOINT plan_step").await?;
        Ok(())
    }

    /// Undoes everything since the savepoint, which stays usable.
    pub async fn roll_back_to_savepoint(&mut self) -> StoreResult<()> {
        (&mut *self.tx)
            .execute("ROLLBACK TO SAVEPOINT plan_step")
            .await?;
        (&mut *self.tx)
            .execute("RELEASE SAVEPOINT plan_step")
            .await?;
        Ok(())
    }

    /// Keeps what was done since the savepoint.
    pub async fn release_savepoint(&mut self) -> StoreResult<()> {
        (&mut *self.tx)
            .execute("RELEASE SAVEPOINT plan_step")
            .await?;
        Ok(())
    }

    /// Stores a plan.
    pub async fn insert_plan(&mut self, p: &PlanRow) -> StoreResult<()> {
        let mut s = Sql::new(
            "INSERT INTO plans (id, user_id, under_dealer_id, document, prune, version, created_at, expires_at) VALUES (",
        );
        s.bind(p.id.as_str())
            .push(", ")
            .bind(p.user_id.as_str())
            .push(", ")
            .bind(p.under_dealer_id.as_str())
            .push(", ")
            .bind(p.document.as_str())
            .push(", ")
            .bind(p.prune)
            .push(", ")
            .bind(p.version.as_str())
            .push(", ")
            .bind(p.created_at)
            .push(", ")
            .bind(p.expires_at)
            .push(")");
        s.execute(&mut *self.tx).await?;
        // Expired plans of this login go as it makes new ones.
        Sql::new("DELETE FROM plans WHERE user_id = ")
            .bind(p.user_id.as_str())
            .push(" AND expires_at < ")
            .bind(p.created_at)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Locks and reads an unexpired plan of this login; another login's plan is not found.
    pub async fn lock_plan(&mut self, id: &str, user_id: &str, now: i64) -> StoreResult<PlanRow> {
        let mut s = Sql::new("SELECT * FROM plans WHERE id = ");
        s.bind(id)
            .push(" AND user_id = ")
            .bind(user_id)
            .push(" AND expires_at >= ")
            .bind(now)
            .push(self.store.lock_rows());
        let row = s
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(PlanRow {
            id: row.text("id")?,
            user_id: row.text("user_id")?,
            under_dealer_id: row.text("under_dealer_id")?,
            document: row.text("document")?,
            prune: row.flag("prune")?,
            version: row.text("version")?,
            created_at: row.int("created_at")?,
            expires_at: row.int("expires_at")?,
        })
    }

    /// Removes a plan (once applied, it is gone).
    pub async fn delete_plan(&mut self, id: &str) -> StoreResult<()> {
        Sql::new("DELETE FROM plans WHERE id = ")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

//! The SQL store: connection pools, migrations, and how write transactions are serialized.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::time::Duration;

use super::rows::now_micros;
use super::sql::Sql;
use super::{StoreError, StoreResult};
use crate::domain::policy::PlatformPolicy;

/// Which database engine is behind the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a database URL names.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// What a capacity check appends to lock the rows it reads until commit. SQLite needs
    /// nothing: its write transactions are `BEGIN IMMEDIATE` on a single writer connection. On
    /// PostgreSQL `NO KEY UPDATE` serializes the checks without blocking the foreign-key checks of
    /// rows that point at the locked one (a new dealer's closure rows point at every ancestor),
    /// which `FOR UPDATE` would turn into deadlocks.
    pub fn lock_rows(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR NO KEY UPDATE",
        }
    }
    /// The space-separated permissions of every group of the login `user_column` names: one
    /// scalar subquery, so a request learns what its caller may do in the statement that finds
    /// its session (the aggregate is spelt differently by each engine).
    pub fn permissions_of(self, user_column: &str) -> String {
        let agg = match self {
            Backend::Sqlite => "group_concat(g.permissions, ' ')",
            Backend::Postgres => "string_agg(g.permissions, ' ')",
        };
        format!(
            "(SELECT {agg} FROM group_members m JOIN perm_groups g ON g.id = m.group_id WHERE m.user_id = {user_column})"
        )
    }

    /// The prefix that keeps a column's index out of a plan (SQLite's unary `+`); PostgreSQL
    /// chooses from its statistics and needs none.
    pub fn no_index_prefix(self) -> &'static str {
        match self {
            Backend::Sqlite => "+",
            Backend::Postgres => "",
        }
    }
}

/// The SQL implementation of every store trait.
#[derive(Clone)]
pub struct SqlStore {
    pub(super) backend: Backend,
    /// Reads (several connections; WAL readers never block the writer).
    pub(super) read: AnyPool,
    /// Writes: on SQLite a single connection, so write transactions are serialized in-process.
    pub(super) write: AnyPool,
    pub(super) policy: PlatformPolicy,
    /// The queue of writes that share commits (`group_commit`).
    pub(super) shared: super::SharedCommits,
}

/// Connections per instance on PostgreSQL.
const POSTGRES_CONNECTIONS: u32 = 16;

/// Migrations per backend, applied in order and recorded in `schema_migrations`.
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/postgres/0001_init.sql")),
    (2, include_str!("migrations/postgres/0002_rate_cards.sql")),
    (3, include_str!("migrations/postgres/0003_tenant_usage.sql")),
    (4, include_str!("migrations/postgres/0004_hardening.sql")),
    (5, include_str!("migrations/postgres/0005_search.sql")),
    (
        6,
        include_str!("migrations/postgres/0006_audit_manners.sql"),
    ),
    (7, include_str!("migrations/postgres/0007_api_keys.sql")),
    (8, include_str!("migrations/postgres/0008_plans.sql")),
    (9, include_str!("migrations/postgres/0009_dealer_usage.sql")),
];
const SQLITE_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/sqlite/0001_init.sql")),
    (2, include_str!("migrations/sqlite/0002_rate_cards.sql")),
    (3, include_str!("migrations/sqlite/0003_tenant_usage.sql")),
    (4, include_str!("migrations/sqlite/0004_hardening.sql")),
    (5, include_str!("migrations/sqlite/0005_search.sql")),
    (6, include_str!("migrations/sqlite/0006_audit_manners.sql")),
    (7, include_str!("migrations/sqlite/0007_api_keys.sql")),
    (8, include_str!("migrations/sqlite/0008_plans.sql")),
    (9, include_str!("migrations/sqlite/0009_dealer_usage.sql")),
];

impl SqlStore {
    /// Connects, applies pending migrations and returns the store.
    pub async fn connect(url: &str, policy: PlatformPolicy) -> StoreResult<SqlStore> {
        install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "unsupported database URL (use sqlite://PATH or postgres://…): {}",
                redact_url(url)
            ))
        })?;
        match backend {
            Backend::Sqlite => {
                // The database holds password hashes: created for the owner's eyes only.
                if let Some(path) = crate::server::private_files::sqlite_path(url) {
                    crate::server::private_files::create_if_absent(path).map_err(|e| {
                        StoreError::Corrupt(format!("cannot create {}: {e}", path.display()))
                    })?;
                }
                let url = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                let write = sqlite_pool(&url, 1).await?;
                write.execute("PRAGMA journal_mode = WAL").await?;
                let read = sqlite_pool(&url, 4).await?;
                let store = SqlStore {
                    backend,
                    read,
                    write,
                    policy,
                    shared: Default::default(),
                };
                store.migrate(SQLITE_MIGRATIONS).await?;
                store.align_usage_basis().await?;
                Ok(store)
            }
            Backend::Postgres => {
                // One pool: every instance serves any request, and the database, not the
                // process, serializes what must be serialized (row locks).
                let pool = AnyPoolOptions::new()
                    .max_connections(POSTGRES_CONNECTIONS)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(url)
                    .await?;
                let store = SqlStore {
                    backend,
                    read: pool.clone(),
                    write: pool,
                    policy,
                    shared: Default::default(),
                };
                store.migrate(POSTGRES_MIGRATIONS).await?;
                store.align_usage_basis().await?;
                Ok(store)
            }
        }
    }

    async fn migrate(&self, migrations: &[(i64, &str)]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // Instances starting together migrate one at a time.
            tx.execute("SELECT pg_advisory_xact_lock(7361829)").await?;
        }
        tx.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            .await?;
        for (version, script) in migrations {
            let done = Sql::new("SELECT version FROM schema_migrations WHERE version = ")
                .bind(*version)
                .fetch_optional(&mut *tx)
                .await?;
            if done.is_some() {
                continue;
            }
            for statement in script.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
                tx.execute(statement).await?;
            }
            Sql::new("INSERT INTO schema_migrations (version, applied_at) VALUES (")
                .bind(*version)
                .push(", ")
                .bind(now_micros())
                .push(")")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Starts a write transaction that holds the write lock from its first statement.
    pub(super) async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        })
    }

    /// Locks one row until the transaction ends, so that the version a write checks is the
    /// version it changes (SQLite's single writer already holds every write).
    pub(super) async fn lock_row(
        &self,
        tx: &mut Transaction<'static, Any>,
        table: &'static str,
        id: &str,
    ) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            Sql::new(&format!("SELECT id FROM {table} WHERE id = "))
                .bind(id)
                .push(Backend::Postgres.lock_rows())
                .fetch_optional(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Holds a lock on a name until the transaction ends, where no row exists to lock (counting
    /// sign-in attempts). SQLite's single writer already holds every write.
    pub(super) async fn lock_name(
        &self,
        tx: &mut Transaction<'static, Any>,
        name: &str,
    ) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            Sql::new("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(")
                .bind(name)
                .push(", 0))) AS l")
                .fetch_one(&mut **tx)
                .await?;
        }
        Ok(())
    }

    pub(super) fn lock_rows(&self) -> &'static str {
        self.backend.lock_rows()
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

async fn sqlite_pool(url: &str, connections: u32) -> StoreResult<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        // A connection to a local file does not go stale the way a network one does: no ping
        // (a round trip to the connection's thread) before every statement.
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 5000").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                // Reads through a shared map of the file instead of a read call per page: at a
                // million tenants the roll-ups touch tens of thousands of pages.
                conn.execute("PRAGMA mmap_size = 1073741824").await?;
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

/// A database URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_database_urls() {
        assert_eq!(
            redact_url("postgres://dealer:s3cret@db:5432/x"),
            "postgres://dealer:***@db:5432/x"
        );
        assert_eq!(
            redact_url("sqlite:///var/lib/d.db"),
            "sqlite:///var/lib/d.db"
        );
    }
}

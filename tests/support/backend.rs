//! Which database a test server runs on. Every store and API test runs twice: on a fresh SQLite
//! file, and on a fresh database of the PostgreSQL server named by `DEALERCTL_TEST_POSTGRES`
//! (an administrative URL such as `postgres://dealerctl:dealerctl@127.0.0.1/postgres`). Without
//! that variable the PostgreSQL half is skipped, and says so; under `CI=true` a skip fails.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    /// The backend of the test running in this task.
    pub static BACKEND: TestBackend;
}

/// The backend of the current test (SQLite outside a two-backend test).
pub fn current() -> TestBackend {
    BACKEND.try_with(|b| *b).unwrap_or(TestBackend::Sqlite)
}

/// The PostgreSQL administrative URL, if one is configured.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("DEALERCTL_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Fails under `CI=true` when the PostgreSQL half cannot run (each suite calls it from a test of
/// its own, since the skipped half is only listed as ignored).
pub fn require_postgres_under_ci() {
    if std::env::var("CI").is_ok_and(|v| v == "true") && postgres_admin_url().is_none() {
        panic!("CI requires the PostgreSQL half: set DEALERCTL_TEST_POSTGRES");
    }
}

/// Whether the PostgreSQL half can run; prints why not, and fails under `CI=true`.
pub fn postgres_available(test: &str) -> bool {
    if postgres_admin_url().is_some() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: DEALERCTL_TEST_POSTGRES is not set, and CI requires the PostgreSQL half");
    }
    eprintln!("{test}: PostgreSQL half skipped (set DEALERCTL_TEST_POSTGRES to run it)");
    false
}

/// A fresh, empty database for one test server on the current backend.
pub async fn fresh_database(dir: &Path) -> String {
    match current() {
        TestBackend::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
        TestBackend::Postgres => fresh_postgres().await,
    }
}

/// Creates a database with a unique name on the configured PostgreSQL server.
pub async fn fresh_postgres() -> String {
    use sqlx::Connection;
    let admin = postgres_admin_url().expect("DEALERCTL_TEST_POSTGRES is set");
    let name = format!("dealerctl_t_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::postgres::PgConnection::connect(&admin)
        .await
        .expect("the PostgreSQL test server answers");
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("a test database is created");
    conn.close().await.ok();
    match admin.rfind('/') {
        Some(slash) if admin[..slash].contains("://") && slash > admin.find("://").unwrap() + 2 => {
            let query = admin[slash..]
                .find('?')
                .map(|q| &admin[slash + q..])
                .unwrap_or("");
            format!("{}/{name}{query}", &admin[..slash])
        }
        _ => format!("{admin}/{name}"),
    }
}

/// Runs one test body on both backends: `sqlite` and `postgres` tests in a module named after
/// the test.
#[macro_export]
macro_rules! on_both_backends {
    ($(#[$attr:meta])* async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body() $body

            $(#[$attr])*
            async fn sqlite() {
                $crate::backend::BACKEND
                    .scope($crate::backend::TestBackend::Sqlite, body())
                    .await
            }

            $(#[$attr])*
            #[cfg_attr(
                no_test_postgres,
                ignore = "PostgreSQL half skipped: set DEALERCTL_TEST_POSTGRES to run it"
            )]
            async fn postgres() {
                if !$crate::backend::postgres_available(concat!(module_path!(), "::postgres")) {
                    return;
                }
                $crate::backend::BACKEND
                    .scope($crate::backend::TestBackend::Postgres, body())
                    .await
            }
        }
    };
}

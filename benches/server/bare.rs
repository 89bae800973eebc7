//! The bare baseline: the least an axum + sqlx server does to answer the scoped tenant read, on
//! the same store file, so that the real server's ceiling reads as a fraction of what the stack
//! itself allows. It answers `GET /api/v1/tenants/{id}` with the server's own statement (the same
//! columns and the same scope join through `dealer_tree`) for one fixed scope, and nothing else:
//! no token, no session, no permission lookup.
//!
//! It runs as its own process, like the real server: this bench binary started again with
//! `--bare-serve DATABASE_URL ADDRESS SCOPE`, on a multi-threaded runtime and a pool of four
//! reading connections with the server's settings (on SQLite: WAL, `synchronous = NORMAL`, the
//! memory map, no ping before each statement), through sqlx's own driver for the backend.

use crate::raw::bound;
use crate::setup::Store;
use anyhow::{Context, bail};
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use dealerctl::model::Tenant;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ColumnIndex, Decode, Row, SqlitePool, Type};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::Arc;
use time::OffsetDateTime;

/// The word that makes this binary the bare server instead of the benchmark.
pub const FLAG: &str = "--bare-serve";

/// The real server's scoped read of a tenant by id (`?1` the tenant, `?2` the caller's dealer):
/// its columns, the effective enabled state through the ancestors, the rate card's name, and the
/// scope as `dealer_id IN (the caller's subtree)`.
pub const SCOPED_TENANT: &str = "SELECT t.id, t.dealer_id, d.name AS dealer_name, t.name, \
    t.domain, t.extensions, t.concurrent_calls, t.recording_minutes, t.high_availability, \
    t.enabled, (CASE WHEN t.enabled = 1 AND (CASE WHEN EXISTS (SELECT 1 FROM dealer_tree x \
    JOIN dealers a ON a.id = x.ancestor WHERE x.descendant = t.dealer_id AND a.enabled = 0) \
    THEN 0 ELSE 1 END) = 1 THEN 1 ELSE 0 END) AS effective_enabled, t.rate_card_id, \
    rc.name AS rate_card_name, t.created_at, t.updated_at, t.version \
    FROM tenants t JOIN dealers d ON d.id = t.dealer_id \
    LEFT JOIN rate_cards rc ON rc.id = t.rate_card_id \
    WHERE t.id = ?1 AND t.dealer_id IN (SELECT st.descendant FROM dealer_tree st WHERE st.ancestor = ?2)";

enum Pool {
    Sqlite(SqlitePool),
    /// With the statement in PostgreSQL's placeholders.
    Postgres(PgPool, String),
}

struct World {
    pool: Pool,
    scope: String,
}

fn time_of(micros: i64) -> Result<OffsetDateTime, sqlx::Error> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The row as the real server answers it: the model's `Tenant`, serialized the same way.
fn tenant_of<R>(row: &R) -> Result<Tenant, sqlx::Error>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i32: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    // A computed flag is a 4-byte integer on PostgreSQL, a stored one 8 bytes.
    let flag = |col: &str| {
        row.try_get::<i64, _>(col)
            .or_else(|_| row.try_get::<i32, _>(col).map(i64::from))
            .map(|v| v != 0)
    };
    Ok(Tenant {
        id: row.try_get::<String, _>("id")?.into(),
        dealer_id: row.try_get::<String, _>("dealer_id")?.into(),
        dealer_name: row.try_get("dealer_name")?,
        name: row.try_get("name")?,
        domain: row.try_get("domain")?,
        extensions: row.try_get("extensions")?,
        concurrent_calls: row.try_get("concurrent_calls")?,
        recording_minutes: row.try_get("recording_minutes")?,
        high_availability: flag("high_availability")?,
        enabled: flag("enabled")?,
        effective_enabled: flag("effective_enabled")?,
        rate_card_id: row
            .try_get::<Option<String>, _>("rate_card_id")?
            .map(Into::into),
        rate_card_name: row.try_get("rate_card_name")?,
        created_at: time_of(row.try_get("created_at")?)?,
        updated_at: time_of(row.try_get("updated_at")?)?,
        version: row.try_get("version")?,
    })
}

async fn tenant(
    State(world): State<Arc<World>>,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Tenant>, StatusCode> {
    let args = [id.as_str(), world.scope.as_str()];
    let tenant = match &world.pool {
        Pool::Sqlite(pool) => bound(SCOPED_TENANT, &args, true)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(|r| tenant_of(&r))),
        Pool::Postgres(pool, statement) => bound(statement, &args, true)
            .fetch_optional(pool)
            .await
            .map(|row| row.map(|r| tenant_of(&r))),
    }
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    tenant
        .ok_or(StatusCode::NOT_FOUND)?
        .map(Json)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

/// Serves the bare read on `address` until killed (the `--bare-serve` process).
pub fn serve(args: &[String]) -> anyhow::Result<()> {
    let [store, address, scope] = args else {
        bail!("usage: {FLAG} DATABASE_URL ADDRESS SCOPE");
    };
    // The real server's runtime: tokio's default, a worker per core.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let pool = if store.starts_with("postgres") {
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .connect(store)
                    .await?;
                Pool::Postgres(pool, crate::raw::dollars(SCOPED_TENANT))
            } else {
                let options = SqliteConnectOptions::from_str(store)?
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(std::time::Duration::from_secs(5))
                    .pragma("mmap_size", "1073741824");
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .test_before_acquire(false)
                    .connect_with(options)
                    .await?;
                Pool::Sqlite(pool)
            };
            let world = Arc::new(World {
                pool,
                scope: scope.clone(),
            });
            let app = Router::new()
                .route("/api/v1/tenants/{id}", get(tenant))
                .with_state(world);
            let listener = tokio::net::TcpListener::bind(address.as_str()).await?;
            axum::serve(listener, app).await?;
            Ok(())
        })
}

/// The bare server process, running until dropped.
pub struct BareServer {
    child: Child,
    /// Where it answers, without a trailing slash.
    pub url: String,
}

impl Drop for BareServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the bare server on `store` for the caller at `scope`, and waits until it answers the
/// read of `tenant` (which also warms its connections).
pub async fn start(store: &Store, scope: &str, tenant: &str) -> anyhow::Result<BareServer> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(std::env::current_exe()?)
        .arg(FLAG)
        .arg(store.url())
        .arg(format!("127.0.0.1:{port}"))
        .arg(scope)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the bare server")?;
    let server = BareServer {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let probe = reqwest::Client::new();
    let url = format!("{}/api/v1/tenants/{tenant}", server.url);
    for _ in 0..600 {
        if let Ok(answer) = probe.get(&url).send().await {
            if answer.status().is_success() {
                return Ok(server);
            }
            bail!("the bare server answered {}", answer.status());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bail!("the bare server did not come up")
}

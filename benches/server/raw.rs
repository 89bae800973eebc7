//! The references: the same work done directly in SQL on the same store (one connection, the
//! server's durability settings), and the password check alone for sign-in.

use crate::load::Stopwatch;
use crate::stats::Figures;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Row, SqliteConnection};
use std::path::Path;
use std::str::FromStr;
use std::time::Instant;

pub async fn connect(store: &Path) -> anyhow::Result<SqliteConnection> {
    Ok(
        SqliteConnectOptions::from_str(&format!("sqlite://{}", store.display()))?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .connect()
            .await?,
    )
}

const TENANT_COLUMNS: &str = "t.id, t.dealer_id, d.name AS dealer_name, t.name, t.domain, \
    t.extensions, t.concurrent_calls, t.recording_minutes, t.high_availability, t.enabled, \
    t.rate_card_id, t.created_at, t.updated_at, t.version";

/// Runs one statement (bound to `args`) `n` times back to back, reading every row.
async fn each(c: &mut SqliteConnection, n: usize, sql: &str, args: &[&str]) -> Figures {
    let mut w = Stopwatch::new(n);
    for _ in 0..n {
        let began = Instant::now();
        let mut q = sqlx::query(sql);
        for a in args {
            q = q.bind(*a);
        }
        w.lap(began, q.fetch_all(&mut *c).await);
    }
    w.figures()
}

/// A tenant by id, inside the reader's subtree: the server's own statement, which the bare
/// server runs too.
pub async fn tenant_by_id(c: &mut SqliteConnection, n: usize, scope: &str, id: &str) -> Figures {
    each(c, n, crate::bare::SCOPED_TENANT, &[id, scope]).await
}

/// The first page of 100 of a subtree's tenants by name, with their count (every list answers
/// with its total): the count walks the scope's dealers; the page does too for a narrow scope,
/// and walks the name order checking each row for a wide one, as the store does.
pub async fn tenant_page(c: &mut SqliteConnection, n: usize, scope: &str) -> Figures {
    let in_scope =
        "t.dealer_id IN (SELECT st.descendant FROM dealer_tree st WHERE st.ancestor = ?1)";
    let count = format!("SELECT COUNT(*) FROM tenants t WHERE {in_scope}");
    let total: i64 = match sqlx::query(&count).bind(scope).fetch_one(&mut *c).await {
        Ok(row) => row.get(0),
        Err(_) => 0,
    };
    let check = if total > 20_000 { "+" } else { "" };
    let page = format!(
        "SELECT {TENANT_COLUMNS} FROM tenants t JOIN dealers d ON d.id = t.dealer_id \
         WHERE {check}{in_scope} ORDER BY t.name, t.id LIMIT 101"
    );
    let mut w = Stopwatch::new(n);
    for _ in 0..n {
        let began = Instant::now();
        let counted = sqlx::query(&count).bind(scope).fetch_one(&mut *c).await;
        let paged = sqlx::query(&page).bind(scope).fetch_all(&mut *c).await;
        w.lap(began, counted.and(paged));
    }
    w.figures()
}

/// A dealer's capacity: its package, what its sub-dealers hold, what its own tenants use, and the
/// sums over its whole subtree.
pub async fn capacity(c: &mut SqliteConnection, n: usize, dealer: &str) -> Figures {
    let sums = |from: &str| {
        format!(
            "SELECT COUNT(*), COALESCE(SUM(t.extensions), 0), COALESCE(SUM(t.concurrent_calls), 0), \
             COALESCE(SUM(CASE WHEN t.recording_minutes > 500 THEN t.recording_minutes - 500 ELSE 0 END), 0) {from}"
        )
    };
    let sql = format!(
        "SELECT * FROM dealers WHERE id = ?1; \
         SELECT COALESCE(SUM(pkg_max_tenants), 0), COALESCE(SUM(pkg_extensions), 0) FROM dealers WHERE parent_id = ?1; \
         {}; {}",
        sums("FROM tenants t WHERE t.dealer_id = ?1"),
        sums(
            "FROM tenants t JOIN dealer_tree x ON x.descendant = t.dealer_id WHERE x.ancestor = ?1"
        ),
    );
    let statements: Vec<String> = sql.split("; ").map(str::to_string).collect();
    let mut w = Stopwatch::new(n);
    for _ in 0..n {
        let began = Instant::now();
        let mut result = Ok(());
        for s in &statements {
            if let Err(e) = sqlx::query(s).bind(dealer).fetch_all(&mut *c).await {
                result = Err(e);
            }
        }
        w.lap(began, result);
    }
    w.figures()
}

/// One level of the tree below a dealer: its sub-dealers with their counts, and its own tenants.
pub async fn tree_level(c: &mut SqliteConnection, n: usize, dealer: &str) -> Figures {
    let sql = "SELECT d.id, d.name, d.level, d.enabled, \
        (SELECT COUNT(*) FROM dealers c WHERE c.parent_id = d.id) AS children, \
        (SELECT COUNT(*) FROM tenants t WHERE t.dealer_id = d.id) AS tenants \
        FROM dealers d WHERE d.parent_id = ?1 \
        UNION ALL SELECT t.id, t.name, NULL, t.enabled, 0, 0 FROM tenants t WHERE t.dealer_id = ?1";
    each(c, n, sql, &[dealer]).await
}

/// Single-row inserts of tenants, each its own write transaction, one writer.
pub async fn tenant_inserts(c: &mut SqliteConnection, n: usize, dealer: &str) -> Figures {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or_default();
    let mut w = Stopwatch::new(n);
    for i in 0..n {
        let began = Instant::now();
        let result: anyhow::Result<()> = async {
            let mut tx = sqlx::Connection::begin(&mut *c).await?;
            sqlx::query(
                "INSERT INTO tenants (id, dealer_id, name, domain, extensions, concurrent_calls, \
                 recording_minutes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 4, 2, 0, ?5, ?5)",
            )
            .bind(format!("tnt_raw{stamp}_{i}"))
            .bind(dealer)
            .bind(format!("raw {stamp} {i}"))
            .bind(format!("raw{stamp}-{i}.bench.example"))
            .bind(stamp)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        w.lap(began, result);
    }
    w.figures()
}

/// The password check of a sign-in alone: argon2id against the login's stored hash.
pub async fn password_checks(
    c: &mut SqliteConnection,
    n: usize,
    email: &str,
    password: &str,
) -> Figures {
    let hash: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE email = ?1")
        .bind(email)
        .fetch_one(&mut *c)
        .await
        .ok()
        .and_then(|r| r.get(0));
    let mut w = Stopwatch::new(n);
    for _ in 0..n {
        let began = Instant::now();
        let ok = dealerctl::server::auth::password::verify(password.to_string(), hash.clone())
            .await
            .unwrap_or(false);
        w.lap(began, if ok { Ok(()) } else { Err(()) });
    }
    w.figures()
}

/// The tenants whose name or domain holds `q`, through the trigram index, each checked against
/// the scope: what `GET /search` asks for its tenant matches.
pub async fn tenant_search(c: &mut SqliteConnection, n: usize, scope: &str, q: &str) -> Figures {
    let sql = "SELECT t.id, t.name, t.domain, t.dealer_id FROM tenants t WHERE t.id IN \
         (SELECT k.object_id FROM search_index i JOIN search_keys k ON k.id = i.rowid \
         WHERE search_index MATCH ?1 AND k.kind = 'tenant') AND EXISTS (SELECT 1 FROM dealer_tree st \
         WHERE st.ancestor = ?2 AND st.descendant = t.dealer_id) ORDER BY t.name LIMIT 20";
    let phrase = format!("\"{q}\"");
    each(c, n, sql, &[&phrase, scope]).await
}

//! The references: the same work done directly in SQL on the same store (one connection, the
//! server's durability settings), and the password check alone for sign-in.

use crate::load::Stopwatch;
use crate::setup::Store;
use crate::stats::Figures;
use sqlx::database::HasStatementCache;
use sqlx::postgres::PgConnection;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{
    ConnectOptions, Connection, Database, Decode, Encode, Postgres, Row, Sqlite, SqliteConnection,
    Type,
};
use std::str::FromStr;
use std::time::Instant;

/// One connection straight to the store, with the server's settings. The statements below are
/// written with SQLite's `?N`; on PostgreSQL they run as `$N`.
pub enum Raw {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

pub async fn connect(store: &Store) -> anyhow::Result<Raw> {
    Ok(match store {
        Store::Sqlite(path) => Raw::Sqlite(
            SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .connect()
                .await?,
        ),
        Store::Postgres { url, .. } => Raw::Postgres(PgConnection::connect(url).await?),
    })
}

/// `?N` placeholders as PostgreSQL writes them.
pub fn dollars(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl Raw {
    /// Runs `sql` bound to `args` and reads every row; the number of rows.
    pub async fn rows(&mut self, sql: &str, args: &[&str]) -> Result<usize, sqlx::Error> {
        self.rows_planned(sql, args, true).await
    }

    /// As `rows`; with `prepared` false the statement is planned with its values every time,
    /// as the server does for a text match.
    async fn rows_planned(
        &mut self,
        sql: &str,
        args: &[&str],
        prepared: bool,
    ) -> Result<usize, sqlx::Error> {
        let pg = dollars(sql);
        Ok(match self {
            Raw::Sqlite(c) => bound(sql, args, prepared).fetch_all(&mut *c).await?.len(),
            Raw::Postgres(c) => bound(&pg, args, prepared).fetch_all(&mut *c).await?.len(),
        })
    }

    /// The first column of the first row (a count, a stored hash).
    pub async fn first<T>(&mut self, sql: &str, args: &[&str]) -> Result<T, sqlx::Error>
    where
        T: for<'r> Decode<'r, Sqlite>
            + Type<Sqlite>
            + for<'r> Decode<'r, Postgres>
            + Type<Postgres>,
    {
        let pg = dollars(sql);
        match self {
            Raw::Sqlite(c) => bound(sql, args, true).fetch_one(&mut *c).await?.try_get(0),
            Raw::Postgres(c) => bound(&pg, args, true).fetch_one(&mut *c).await?.try_get(0),
        }
    }

    /// Inserts one tenant in a transaction of its own, committed at the server's durability.
    async fn insert_tenant(&mut self, args: [&str; 5]) -> anyhow::Result<()> {
        let sql = "INSERT INTO tenants (id, dealer_id, name, domain, extensions, concurrent_calls, \
             recording_minutes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 4, 2, 0, ?5, ?5)";
        let pg = dollars(sql);
        let stamp: i64 = args[4].parse()?;
        match self {
            Raw::Sqlite(c) => {
                let mut tx = c.begin().await?;
                bound(sql, &args[..4], true)
                    .bind(stamp)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Raw::Postgres(c) => {
                let mut tx = c.begin().await?;
                bound(&pg, &args[..4], true)
                    .bind(stamp)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

/// `sql` with `args` bound in order, prepared once per connection or (`prepared` false) planned
/// with its values at each use.
pub fn bound<'q, DB: Database + HasStatementCache>(
    sql: &'q str,
    args: &[&'q str],
    prepared: bool,
) -> Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    &'q str: Encode<'q, DB> + Type<DB>,
{
    args.iter()
        .fold(sqlx::query(sql).persistent(prepared), |q, a| q.bind(*a))
}

const TENANT_COLUMNS: &str = "t.id, t.dealer_id, d.name AS dealer_name, t.name, t.domain, \
    t.extensions, t.concurrent_calls, t.recording_minutes, t.high_availability, t.enabled, \
    t.rate_card_id, t.created_at, t.updated_at, t.version";

/// Runs one statement (bound to `args`) `n` times back to back, reading every row.
async fn each(c: &mut Raw, n: usize, sql: &str, args: &[&str]) -> Figures {
    each_planned(c, n, sql, args, true).await
}

/// As `each`, prepared once or (`prepared` false) planned with its values every time.
async fn each_planned(c: &mut Raw, n: usize, sql: &str, args: &[&str], prepared: bool) -> Figures {
    let mut w = Stopwatch::new(n);
    for _ in 0..n {
        let began = Instant::now();
        w.lap(began, c.rows_planned(sql, args, prepared).await);
    }
    w.figures()
}

/// A tenant by id, inside the reader's subtree: the server's own statement, which the bare
/// server runs too.
pub async fn tenant_by_id(c: &mut Raw, n: usize, scope: &str, id: &str) -> Figures {
    each(c, n, crate::bare::SCOPED_TENANT, &[id, scope]).await
}

/// The first page of 100 of a subtree's tenants by name, with their count (every list answers
/// with its total): the count walks the scope's dealers; the page does too for a narrow scope,
/// and walks the name order checking each row for a wide one, as the store does.
pub async fn tenant_page(c: &mut Raw, n: usize, scope: &str) -> Figures {
    let in_scope =
        "t.dealer_id IN (SELECT st.descendant FROM dealer_tree st WHERE st.ancestor = ?1)";
    let count = format!("SELECT COUNT(*) FROM tenants t WHERE {in_scope}");
    let total: i64 = c.first(&count, &[scope]).await.unwrap_or(0);
    let check = if total > 20_000 { "+" } else { "" };
    let page = format!(
        "SELECT {TENANT_COLUMNS} FROM tenants t JOIN dealers d ON d.id = t.dealer_id \
         WHERE {check}{in_scope} ORDER BY t.name, t.id LIMIT 101"
    );
    let mut w = Stopwatch::new(n);
    for _ in 0..n {
        let began = Instant::now();
        let counted = c.first::<i64>(&count, &[scope]).await;
        let paged = c.rows(&page, &[scope]).await;
        w.lap(began, counted.and(paged));
    }
    w.figures()
}

/// A dealer's capacity: its package, what its sub-dealers hold, what its own tenants use, and the
/// sums over its whole subtree.
pub async fn capacity(c: &mut Raw, n: usize, dealer: &str) -> Figures {
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
            if let Err(e) = c.rows(s, &[dealer]).await {
                result = Err(e);
            }
        }
        w.lap(began, result);
    }
    w.figures()
}

/// One level of the tree below a dealer: its sub-dealers with their counts, and its own tenants.
pub async fn tree_level(c: &mut Raw, n: usize, dealer: &str) -> Figures {
    let sql = "SELECT d.id, d.name, d.level, d.enabled, \
        (SELECT COUNT(*) FROM dealers c WHERE c.parent_id = d.id) AS children, \
        (SELECT COUNT(*) FROM tenants t WHERE t.dealer_id = d.id) AS tenants \
        FROM dealers d WHERE d.parent_id = ?1 \
        UNION ALL SELECT t.id, t.name, NULL, t.enabled, 0, 0 FROM tenants t WHERE t.dealer_id = ?1";
    each(c, n, sql, &[dealer]).await
}

/// Single-row inserts of tenants, each its own write transaction, one writer.
pub async fn tenant_inserts(c: &mut Raw, n: usize, dealer: &str) -> Figures {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or_default();
    let mut w = Stopwatch::new(n);
    for i in 0..n {
        let began = Instant::now();
        let result = c
            .insert_tenant([
                &format!("tnt_raw{stamp}_{i}"),
                dealer,
                &format!("raw {stamp} {i}"),
                &format!("raw{stamp}-{i}.bench.example"),
                &stamp.to_string(),
            ])
            .await;
        w.lap(began, result);
    }
    w.figures()
}

/// The password check of a sign-in alone: argon2id against the login's stored hash.
pub async fn password_checks(c: &mut Raw, n: usize, email: &str, password: &str) -> Figures {
    let hash = c
        .first::<Option<String>>("SELECT password_hash FROM users WHERE email = ?1", &[email])
        .await
        .ok()
        .flatten();
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

/// The tenants whose name or domain holds `q`, each checked against the scope: what
/// `GET /search` asks for its tenant matches. On SQLite through the trigram index (FTS5), on
/// PostgreSQL through the pg_trgm indexes of `lower(name)` and `lower(domain)`.
pub async fn tenant_search(c: &mut Raw, n: usize, scope: &str, q: &str) -> Figures {
    match c {
        Raw::Sqlite(_) => {
            let in_scope = "EXISTS (SELECT 1 FROM dealer_tree st \
                 WHERE st.ancestor = ?2 AND st.descendant = t.dealer_id) ORDER BY t.name LIMIT 20";
            let sql = format!(
                "SELECT t.id, t.name, t.domain, t.dealer_id FROM tenants t WHERE t.id IN \
                 (SELECT k.object_id FROM search_index i JOIN search_keys k ON k.id = i.rowid \
                 WHERE search_index MATCH ?1 AND k.kind = 'tenant') AND {in_scope}"
            );
            let phrase = format!("\"{q}\"");
            each(c, n, &sql, &[&phrase, scope]).await
        }
        Raw::Postgres(_) => {
            // The server's form on PostgreSQL: the scope as the lists write it, which its
            // planner serves well (with EXISTS it walked the name order: seconds a query).
            let sql = "SELECT t.id, t.name, t.domain, t.dealer_id FROM tenants t WHERE \
                 t.dealer_id IN (SELECT st.descendant FROM dealer_tree st WHERE st.ancestor = ?2) \
                 AND (lower(t.name) LIKE ?1 OR lower(t.domain) LIKE ?1) ORDER BY t.name, t.id LIMIT 20";
            // Planned with the pattern each time, as the server does: a plan prepared once
            // and made generic after five uses probes the text indexes once per dealer.
            let pattern = format!("%{}%", q.to_lowercase());
            each_planned(c, n, sql, &[&pattern, scope], false).await
        }
    }
}

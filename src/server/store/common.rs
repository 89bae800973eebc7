//! SQL fragments and lookups shared by the resource stores: the scope filter, effective
//! suspension, a dealer's capacity ledger.

use sqlx::{Any, Transaction};

use super::rows::RowExt;
use super::sql::Sql;
use super::{PageRequest, Scope, StoreError, StoreResult};
use crate::domain::capacity::{Amounts, Ledger};
use crate::model::Package;
use crate::model::Page;

/// Appends `EXISTS (…)`: the dealer id in `column` lies inside `scope`.
///
/// Written as `IN`, so that the database may walk the scope's dealers and read only their rows
/// through an index on `column`: a reseller's hundred tenants out of a million cost a hundred
/// reads, not a million checks.
pub fn push_in_scope(s: &mut Sql, scope: &Scope, column: &str) {
    push_under(s, column, scope.dealer_id());
}

/// `column` names `dealer_id` or a dealer below it. Given `column` behind
/// [`super::Backend::no_index_prefix`], the database only checks each row against the set instead of
/// reading the rows through an index on `column`: for a wide scope, walking the rows in the list's
/// order and stopping after a page beats reading every row in scope and sorting them.
pub fn push_under(s: &mut Sql, column: &str, dealer_id: &str) {
    s.push(column)
        .push(" IN (SELECT st.descendant FROM dealer_tree st WHERE st.ancestor = ")
        .bind(dealer_id)
        .push(")");
}

/// Above this many rows in scope, a page is read by walking the list's order and checking each
/// row against the scope (see [`push_under`]) rather than by sorting every row in scope.
pub const WIDE_SCOPE_ROWS: i64 = 20_000;

/// SQL that is 1 when the dealer in `column` and all its ancestors are enabled, else 0.
pub fn effective_enabled(column: &str) -> String {
    format!(
        "(CASE WHEN EXISTS (SELECT 1 FROM dealer_tree x JOIN dealers a ON a.id = x.ancestor \
         WHERE x.descendant = {column} AND a.enabled = 0) THEN 0 ELSE 1 END)"
    )
}

/// The package columns of `dealers`, as selected by [`package_from_row`].
pub const PACKAGE_COLUMNS: &str = "pkg_max_tenants, pkg_extensions, pkg_concurrent_calls, \
    pkg_recording_minutes, pkg_high_availability, pkg_min_extensions_per_tenant";

pub fn package_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Package> {
    Ok(Package {
        max_tenants: row.opt_int("pkg_max_tenants")?,
        extensions: row.opt_int("pkg_extensions")?,
        concurrent_calls: row.opt_int("pkg_concurrent_calls")?,
        recording_minutes: row.opt_int("pkg_recording_minutes")?,
        high_availability: row.flag("pkg_high_availability")?,
        min_extensions_per_tenant: row.int("pkg_min_extensions_per_tenant")?,
    })
}

/// What a write transaction needs to know of a dealer.
#[derive(Debug, Clone)]
pub struct DealerHead {
    pub id: String,
    pub parent_id: Option<String>,
    pub path: String,
    pub level: crate::model::Level,
    pub name: String,
    pub enabled: bool,
    pub package: Package,
    pub version: i64,
}

/// Reads (and on PostgreSQL locks) a dealer inside the scope; `None` when missing or outside.
pub async fn dealer_head(
    tx: &mut Transaction<'static, Any>,
    scope: Option<&Scope>,
    id: &str,
    lock: &str,
) -> StoreResult<Option<DealerHead>> {
    let mut s = Sql::new("SELECT id, parent_id, path, level, name, enabled, version, ");
    s.push(PACKAGE_COLUMNS)
        .push(" FROM dealers d WHERE d.id = ")
        .bind(id);
    if let Some(scope) = scope {
        s.push(" AND ");
        push_in_scope(&mut s, scope, "d.id");
    }
    s.push(lock);
    let Some(row) = s.fetch_optional(&mut **tx).await? else {
        return Ok(None);
    };
    let level = row.text("level")?;
    Ok(Some(DealerHead {
        id: row.text("id")?,
        parent_id: row.opt_text("parent_id")?,
        path: row.text("path")?,
        level: crate::model::Level::parse(&level)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown level {level}")))?,
        name: row.text("name")?,
        enabled: row.flag("enabled")?,
        package: package_from_row(&row)?,
        version: row.int("version")?,
    }))
}

/// How much of a dealer's package is carved out to sub-dealers and used by its own tenants; the
/// use read from the dealer's counters, plus `pending`, what this transaction changed of it and
/// has not applied yet.
pub async fn ledger(
    tx: &mut Transaction<'static, Any>,
    head: &DealerHead,
    pending: Amounts,
) -> StoreResult<Ledger> {
    let allocated = Sql::new(
        "SELECT CAST(COALESCE(SUM(pkg_max_tenants), 0) AS BIGINT) AS a, \
         CAST(COALESCE(SUM(pkg_extensions), 0) AS BIGINT) AS b, \
         CAST(COALESCE(SUM(pkg_concurrent_calls), 0) AS BIGINT) AS c, \
         CAST(COALESCE(SUM(pkg_recording_minutes), 0) AS BIGINT) AS d \
         FROM dealers WHERE parent_id = ",
    )
    .bind(&head.id)
    .fetch_one(&mut **tx)
    .await?;
    let used = super::usage::own_use(&head.id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| amounts(&row))
        .transpose()?
        .unwrap_or(super::usage::NO_USE);
    Ok(Ledger {
        package: head.package,
        allocated: amounts(&allocated)?,
        used: used.plus(&pending),
    })
}

/// Reads the four sums `a`, `b`, `c`, `d` as amounts.
pub fn amounts(row: &sqlx::any::AnyRow) -> StoreResult<Amounts> {
    Ok(Amounts {
        max_tenants: row.int("a")?,
        extensions: row.int("b")?,
        concurrent_calls: row.int("c")?,
        recording_minutes: row.int("d")?,
    })
}

/// Fails with `VersionMismatch` when the client's `If-Match` version is stale.
pub fn check_version(if_version: Option<i64>, current: i64) -> StoreResult<()> {
    match if_version {
        Some(v) if v != current => Err(StoreError::VersionMismatch { current }),
        _ => Ok(()),
    }
}

/// The stored path of a dealer (`/root/…/id/`), unscoped.
pub async fn dealer_path(tx: &mut Transaction<'static, Any>, id: &str) -> StoreResult<String> {
    let row = Sql::new("SELECT path FROM dealers WHERE id = ")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    row.text("path")
}

/// Appends a `q` search over the given columns (case-insensitive substring).
pub fn push_search(s: &mut Sql, q: Option<&str>, columns: &[&str]) {
    push_search_indexed(s, q, columns, None);
}

/// Appends a `q` search over the given columns, through the trigram index where `index` says
/// the row's text is in it (see [`super::text_match::push_contains`]).
pub fn push_search_indexed(
    s: &mut Sql,
    q: Option<&str>,
    columns: &[&str],
    index: Option<&super::text_match::TextIndex>,
) {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return;
    };
    s.push(" AND ");
    super::text_match::push_contains(s, index, columns, q);
}

/// Appends the keyset condition for a page sorted by (`key`, `id`) ascending.
pub fn push_after_cursor(
    s: &mut Sql,
    cursor: Option<&str>,
    key: &str,
    id: &str,
) -> StoreResult<()> {
    let Some(c) = cursor else { return Ok(()) };
    let (k, i) =
        super::rows::decode_cursor(c).ok_or(StoreError::Refused(super::Refusal::Invalid(
            crate::domain::validate::FieldError::new("cursor", "is not a cursor from this server"),
        )))?;
    s.push(" AND (")
        .push(key)
        .push(" > ")
        .bind(k.as_str())
        .push(" OR (")
        .push(key)
        .push(" = ")
        .bind(k)
        .push(" AND ")
        .push(id)
        .push(" > ")
        .bind(i)
        .push("))");
    Ok(())
}

/// What a list reads: the whole SELECT (with any values it binds), the FROM to count over, and
/// the columns it pages by.
pub struct Listing<'a> {
    pub select: Sql,
    pub count_from: &'a str,
    pub key: &'a str,
    pub id: &'a str,
}

/// One keyset page of rows in (`key`, `id`) order, the total matching `filter`, and whether
/// more rows follow.
pub async fn fetch_page(
    pool: &sqlx::AnyPool,
    listing: &Listing<'_>,
    filter: &Sql,
    page: &PageRequest,
) -> StoreResult<(Vec<sqlx::any::AnyRow>, i64, bool)> {
    fetch_page_scoped(pool, listing, filter, filter, page).await
}

/// [`fetch_page`] with two forms of the same filter: `narrow` (the scope as [`push_in_scope`])
/// counts the rows and reads the page when they are few; `wide` (the scope as
/// [`push_under`] behind the no-index prefix) reads the page when there are more than [`WIDE_SCOPE_ROWS`].
pub async fn fetch_page_scoped(
    pool: &sqlx::AnyPool,
    listing: &Listing<'_>,
    narrow: &Sql,
    wide: &Sql,
    page: &PageRequest,
) -> StoreResult<(Vec<sqlx::any::AnyRow>, i64, bool)> {
    let filter = narrow;
    let total = Sql::new(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {}",
        listing.count_from
    ))
    .append(filter)
    .fetch_one(pool)
    .await?
    .int("n")?;
    let mut s = listing.select.clone();
    s.append(if total > WIDE_SCOPE_ROWS {
        wide
    } else {
        narrow
    });
    push_after_cursor(&mut s, page.cursor.as_deref(), listing.key, listing.id)?;
    s.push(&format!(" ORDER BY {}, {} LIMIT ", listing.key, listing.id))
        .bind(page.limit + 1);
    let mut rows = s.fetch_all(pool).await?;
    let more = rows.len() as i64 > page.limit;
    rows.truncate(page.limit as usize);
    Ok((rows, total, more))
}

/// A page of items, with a cursor after the last one when more follow.
pub fn into_page<T>(
    items: Vec<T>,
    total: i64,
    more: bool,
    key_of: impl Fn(&T) -> (&str, &str),
) -> Page<T> {
    let next_cursor = more
        .then(|| {
            items.last().map(|i| {
                let (key, id) = key_of(i);
                super::rows::encode_cursor(key, id)
            })
        })
        .flatten();
    Page {
        items,
        next_cursor,
        total,
    }
}

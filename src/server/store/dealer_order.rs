//! Dealers in an order other than by name: by level, or by how full their packages are, the
//! fullest first when reversed. Such a list pages by position (its cursor holds an offset): the
//! key is computed, and a dealer's fullness moves with every tenant, so a keyset would not hold
//! still either.

use super::common::push_under;
use super::rows::{RowExt, decode_cursor, encode_cursor};
use super::sql::Sql;
use super::{Backend, PageRequest, Refusal, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::validate::FieldError;
use crate::model::{DealerSort, Level};

/// The cursor's word for a position in an ordered list.
const OFFSET: &str = "offset";

impl SqlStore {
    /// One page of the dealers matching `filter` (a `WHERE` over `dealers d`) in `sort` order,
    /// the total, and the cursor of the next page when more follow.
    pub(super) async fn fetch_dealers_ordered(
        &self,
        scope: &Scope,
        select: &str,
        filter: &Sql,
        sort: DealerSort,
        desc: bool,
        page: &PageRequest,
    ) -> StoreResult<(Vec<sqlx::any::AnyRow>, i64, Option<String>)> {
        let offset = match page.cursor.as_deref() {
            None => 0,
            Some(c) => offset_of(c).ok_or(StoreError::Refused(Refusal::Invalid(
                FieldError::new("cursor", "is not a cursor of this order"),
            )))?,
        };
        let total = Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dealers d")
            .append(filter)
            .fetch_one(&self.read)
            .await?
            .int("n")?;
        let mut s = Sql::new(select);
        if sort.reads_usage() {
            self.push_usage_joins(&mut s, scope);
        }
        s.append(filter)
            .push(" ORDER BY ")
            .push(&self.sort_key(sort))
            .push(if desc { " DESC" } else { "" })
            .push(", d.name, d.id LIMIT ")
            .bind(page.limit + 1)
            .push(" OFFSET ")
            .bind(offset);
        let mut rows = s.fetch_all(&self.read).await?;
        let more = rows.len() as i64 > page.limit;
        rows.truncate(page.limit as usize);
        let next = more.then(|| offset_cursor(offset + rows.len() as i64));
        Ok((rows, total, next))
    }

    /// Joins each dealer's use: `u` the own use from its counters, `al` what its sub-dealers'
    /// packages take, grouped once over the scope rather than per dealer.
    fn push_usage_joins(&self, s: &mut Sql, scope: &Scope) {
        s.push(
            " LEFT JOIN (SELECT dealer_id AS owner, own_tenants AS a, own_extensions AS b, \
             own_calls AS c, own_recording AS d FROM dealer_usage) u ON u.owner = d.id \
             LEFT JOIN (SELECT c.parent_id AS owner, \
             COALESCE(SUM(c.pkg_max_tenants), 0) AS a, COALESCE(SUM(c.pkg_extensions), 0) AS b, \
             COALESCE(SUM(c.pkg_concurrent_calls), 0) AS c, \
             COALESCE(SUM(c.pkg_recording_minutes), 0) AS d FROM dealers c WHERE ",
        );
        push_under(s, "c.parent_id", scope.dealer_id());
        s.push(" GROUP BY c.parent_id) al ON al.owner = d.id");
    }

    /// The SQL of the key a dealer sorts by.
    fn sort_key(&self, sort: DealerSort) -> String {
        let dims = [
            ("a", "pkg_max_tenants"),
            ("b", "pkg_extensions"),
            ("c", "pkg_concurrent_calls"),
            ("d", "pkg_recording_minutes"),
        ];
        match sort {
            DealerSort::Name => "d.name".into(),
            DealerSort::Level => {
                let mut case = String::from("CASE d.level");
                for (rank, level) in Level::ALL.iter().enumerate() {
                    case.push_str(&format!(" WHEN '{}' THEN {rank}", level.as_str()));
                }
                case + " END"
            }
            DealerSort::Tenants => fullness(dims[0]),
            DealerSort::Extensions => fullness(dims[1]),
            DealerSort::Calls => fullness(dims[2]),
            DealerSort::Recording => fullness(dims[3]),
            DealerSort::Fullest => {
                // The greatest of the four; SQLite's many-argument max() is PostgreSQL's GREATEST.
                let greatest = match self.backend() {
                    Backend::Sqlite => "max",
                    Backend::Postgres => "GREATEST",
                };
                let each: Vec<String> = dims.into_iter().map(fullness).collect();
                format!("{greatest}({})", each.join(", "))
            }
        }
    }
}

/// How full one dimension is: (allocated + used) / package; an unlimited package sorts below
/// every limited one (-1), a zero package with something taken above them all.
fn fullness((sum, package): (&str, &str)) -> String {
    let taken = format!("(COALESCE(al.{sum}, 0) + COALESCE(u.{sum}, 0))");
    format!(
        "(CASE WHEN d.{package} IS NULL THEN -1.0 \
         WHEN d.{package} = 0 THEN (CASE WHEN {taken} > 0 THEN 1e18 ELSE 0.0 END) \
         ELSE {taken} * 1.0 / d.{package} END)"
    )
}

/// The cursor of the page after `offset` rows.
fn offset_cursor(offset: i64) -> String {
    encode_cursor(OFFSET, &offset.to_string())
}

fn offset_of(cursor: &str) -> Option<i64> {
    let (word, n) = decode_cursor(cursor)?;
    (word == OFFSET)
        .then(|| n.parse().ok())
        .flatten()
        .filter(|n| *n >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_cursor_reads_back_and_a_keyset_cursor_is_not_one() {
        assert_eq!(offset_of(&offset_cursor(300)), Some(300));
        assert_eq!(offset_of(&encode_cursor("Acme", "d1")), None);
        assert_eq!(offset_of(&encode_cursor(OFFSET, "-5")), None);
        assert_eq!(offset_of("garbage"), None);
    }
}

//! A small SQL builder with numbered placeholders (`$1`, `$2`, …), which both SQLite and
//! PostgreSQL accept, so one text serves both backends.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Executor};
use std::fmt::Write;

use crate::model::{ApiKeyId, DealerId, GroupId, RateCardId, TenantId, UserId};

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
    NullText,
    NullInt,
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Int(v as i64)
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Arg::NullInt, Arg::Int)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        v.map_or(Arg::NullText, Arg::Text)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Arg::NullText, |s| Arg::Text(s.to_string()))
    }
}

/// Typed ids bind as their text.
macro_rules! id_args {
    ($($id:ty),*) => {$(
        impl From<&$id> for Arg {
            fn from(v: &$id) -> Self {
                Arg::Text(v.to_string())
            }
        }
        impl From<$id> for Arg {
            fn from(v: $id) -> Self {
                Arg::Text(v.into_string())
            }
        }
        impl From<Option<$id>> for Arg {
            fn from(v: Option<$id>) -> Self {
                v.map_or(Arg::NullText, |id| Arg::Text(id.into_string()))
            }
        }
    )*};
}
id_args!(DealerId, TenantId, UserId, GroupId, RateCardId, ApiKeyId);

/// SQL text with its bound values.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
    /// Planned anew with its values at every use instead of prepared once per connection.
    plan_each_use: bool,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
            plan_each_use: false,
        }
    }

    /// SQL text whose placeholders `$1`, `$2`, … are already written, with their values.
    pub fn with_args(text: &str, args: Vec<Arg>) -> Sql {
        Sql {
            text: text.to_string(),
            args,
            plan_each_use: false,
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `v`.
    pub fn bind(&mut self, v: impl Into<Arg>) -> &mut Sql {
        self.args.push(v.into());
        let _ = write!(self.text, "${}", self.args.len());
        self
    }

    /// Has the statement planned with its values at every use. A statement whose best plan
    /// depends on a value needs it: PostgreSQL switches a statement prepared on a connection to
    /// one generic plan after five uses, and for `lower(name) LIKE $1` that plan does not know
    /// the pattern is selective (a provider-wide search then probed the text indexes once per
    /// dealer, for minutes).
    pub fn plan_each_use(&mut self) -> &mut Sql {
        self.plan_each_use = true;
        self
    }

    /// Whether the statement is planned at every use.
    #[cfg(test)]
    pub fn is_planned_each_use(&self) -> bool {
        self.plan_each_use
    }

    /// Appends the rest of another builder (its placeholders renumbered after ours).
    pub fn append(&mut self, other: &Sql) -> &mut Sql {
        self.plan_each_use |= other.plan_each_use;
        let offset = self.args.len();
        let mut rest = other.text.as_str();
        while let Some(pos) = rest.find('$') {
            self.text.push_str(&rest[..pos]);
            let digits: String = rest[pos + 1..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if digits.is_empty() {
                self.text.push('$');
                rest = &rest[pos + 1..];
            } else {
                let n: usize = digits.parse().unwrap_or(0);
                let _ = write!(self.text, "${}", n + offset);
                rest = &rest[pos + 1 + digits.len()..];
            }
        }
        self.text.push_str(rest);
        self.args.extend(other.args.iter().cloned());
        self
    }

    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }

    fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text).persistent(!self.plan_each_use);
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.as_str()),
                Arg::Int(i) => q.bind(*i),
                Arg::NullText => q.bind(None::<String>),
                Arg::NullInt => q.bind(None::<i64>),
            };
        }
        q
    }

    pub async fn fetch_all<'e, E: Executor<'e, Database = Any>>(
        &self,
        e: E,
    ) -> sqlx::Result<Vec<AnyRow>> {
        self.query().fetch_all(e).await
    }

    pub async fn fetch_optional<'e, E: Executor<'e, Database = Any>>(
        &self,
        e: E,
    ) -> sqlx::Result<Option<AnyRow>> {
        self.query().fetch_optional(e).await
    }

    pub async fn fetch_one<'e, E: Executor<'e, Database = Any>>(
        &self,
        e: E,
    ) -> sqlx::Result<AnyRow> {
        self.query().fetch_one(e).await
    }

    /// Runs the statement and returns the number of rows it changed.
    pub async fn execute<'e, E: Executor<'e, Database = Any>>(&self, e: E) -> sqlx::Result<u64> {
        Ok(self.query().execute(e).await?.rows_affected())
    }
}

/// One row's INSERT, each value bound beside its column's name.
pub fn insert_row(table: &str, row: Vec<(&str, Arg)>) -> Sql {
    let columns: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
    let mut s = Sql::new(&format!(
        "INSERT INTO {table} ({}) VALUES (",
        columns.join(", ")
    ));
    for (i, (_, v)) in row.into_iter().enumerate() {
        if i > 0 {
            s.push(", ");
        }
        s.bind(v);
    }
    s.push(")");
    s
}

/// Values bound per INSERT (PostgreSQL takes at most 65,535).
const VALUES_PER_INSERT: usize = 20_000;

/// Inserts many rows, in as few statements as the bound-value limit allows.
pub async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> sqlx::Result<()> {
    let per_insert = (VALUES_PER_INSERT / columns.len().max(1)).max(1);
    for batch in rows.chunks(per_insert) {
        let mut s = Sql::new(&format!(
            "INSERT INTO {table} ({}) VALUES ",
            columns.join(", ")
        ));
        for (r, row) in batch.iter().enumerate() {
            s.push(if r == 0 { "(" } else { ", (" });
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    s.push(", ");
                }
                s.bind(v.clone());
            }
            s.push(")");
        }
        s.execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_binds_each_value_beside_its_column() {
        let s = insert_row("t", vec![("a", Arg::from(1)), ("b", Arg::from("x"))]);
        assert_eq!(s.text(), "INSERT INTO t (a, b) VALUES ($1, $2)");
    }

    #[test]
    fn append_renumbers_placeholders() {
        let mut a = Sql::new("SELECT * FROM t WHERE a = ");
        a.bind(1i64);
        let mut b = Sql::new(" AND b = ");
        b.bind("x").push(" AND c = ").bind(2i64);
        a.append(&b);
        assert_eq!(
            a.text(),
            "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3"
        );
        assert_eq!(a.args.len(), 3);
    }

    #[test]
    fn a_text_match_is_planned_with_its_pattern_wherever_it_is_appended() {
        let mut matching = Sql::new("");
        super::super::text_match::push_contains(&mut matching, None, &["x.name"], "tenant 1");
        assert!(matching.is_planned_each_use());
        let mut whole = Sql::new("SELECT x.id FROM tenants x WHERE ");
        assert!(!whole.is_planned_each_use(), "others are prepared once");
        whole.append(&matching);
        assert!(whole.is_planned_each_use());
    }
}

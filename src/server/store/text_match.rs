//! Whether a text is in a row: a case-insensitive substring of its searched columns, through the
//! trigram index `search_index` on SQLite where the row's kind has its text there (migration
//! 0005), else by `LIKE` (which PostgreSQL's pg_trgm indexes serve). Shared by `/search` and the
//! lists' `?q=`.

use super::Backend;
use super::rows::like_pattern;
use super::sql::Sql;
use crate::model::ObjectKind;

/// The trigram index matches a text of three characters or more.
const TRIGRAM: usize = 3;

/// Whether a search for `q` goes through the trigram index (SQLite, three characters or more).
pub(super) fn uses_trigram_index(backend: Backend, q: &str) -> bool {
    backend == Backend::Sqlite && q.chars().count() >= TRIGRAM
}

/// Where the trigram index holds a row's searched text: the row's kind and its id column.
/// Only for columns the index joins for that kind (migration 0005): tenants' name and domain,
/// logins' e-mail and display name, dealers' name and display name, groups' and cards' names.
pub struct TextIndex<'a> {
    pub backend: Backend,
    pub kind: ObjectKind,
    pub id: &'a str,
}

/// The condition that one of `columns` contains `q` (trimmed), case-insensitively. Given the
/// row's [`TextIndex`] on SQLite, a text of three characters or more first narrows the rows
/// through the trigram index, then checks the columns themselves, so that a text spanning two
/// columns does not match; shorter texts, and PostgreSQL (whose pg_trgm indexes serve the
/// `LIKE` directly), check the columns.
pub fn push_contains(sql: &mut Sql, index: Option<&TextIndex>, columns: &[&str], q: &str) {
    let q = q.to_lowercase();
    let pattern = like_pattern(&q);
    // How selective the pattern is decides the plan.
    sql.plan_each_use();
    sql.push("(");
    if let Some(TextIndex { kind, id, .. }) = index.filter(|i| uses_trigram_index(i.backend, &q)) {
        // A quoted phrase: with the trigram tokenizer, a substring anywhere in the text.
        let phrase = format!("\"{}\"", q.replace('"', "\"\""));
        sql.push(id)
            .push(
                " IN (SELECT k.object_id FROM search_index i JOIN search_keys k \
                 ON k.id = i.rowid WHERE search_index MATCH ",
            )
            .bind(phrase)
            .push(" AND k.kind = ")
            .bind(kind_key(*kind))
            .push(") AND ");
    }
    sql.push("(");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push("lower(")
            .push(c)
            .push(") LIKE ")
            .bind(pattern.as_str())
            .push(" ESCAPE '\\'");
    }
    sql.push("))");
}

/// The kind as `search_keys` records it.
fn kind_key(kind: ObjectKind) -> &'static str {
    kind.audit_type()
}

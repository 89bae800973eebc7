//! Writing audit events (inside the transaction of the change they record) and reading them.

use async_trait::async_trait;
use serde_json::Value;
use sqlx::{Any, Transaction};

use super::common::{dealer_path, push_in_scope};
use super::rows::{RowExt, decode_cursor, encode_cursor, micros_of, new_id, now_micros};
use super::sql::Sql;
use super::{Actor, AuditStore, PageRequest, Refusal, Scope, SqlStore, StoreError, StoreResult};
use crate::domain::validate::FieldError;
use crate::model::{AuditEvent, AuditFilter, Page};

/// An event to record.
pub struct Event<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub object_name: Option<&'a str>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Event<'a> {
    /// An event about one object, with neither a before nor an after state.
    pub fn new(
        action: &'a str,
        object_type: &'a str,
        object_id: &'a str,
        object_name: &'a str,
    ) -> Self {
        Event {
            action,
            object_type,
            object_id: Some(object_id),
            object_name: Some(object_name),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, state: Value) -> Self {
        self.before = Some(state);
        self
    }

    pub fn after(mut self, state: Value) -> Self {
        self.after = Some(state);
        self
    }
}

/// Records an event in the same transaction as the change; `dealer_path` is the path of the
/// dealer the object belongs to, which decides who may read the event.
pub async fn record(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    dealer_path: &str,
    e: Event<'_>,
) -> StoreResult<()> {
    let json = |v: Option<Value>| v.map(|v| v.to_string());
    let actor_path = user_path(tx, actor.user_id.as_deref()).await?;
    let impersonator_path = user_path(tx, actor.impersonator_id.as_deref()).await?;
    let mut s = Sql::new(
        "INSERT INTO audit_events (id, at, dealer_path, actor_path, impersonator_path, actor_id, actor_email, \
         impersonator_id, impersonator_email, actor_key_id, actor_key_name, action, object_type, object_id, \
         object_name, before_json, after_json, client_addr, request_id, change_set) VALUES (",
    );
    s.bind(new_id("evt"))
        .push(", ")
        .bind(now_micros())
        .push(", ")
        .bind(dealer_path)
        .push(", ")
        .bind(actor_path)
        .push(", ")
        .bind(impersonator_path);
    for v in [
        actor.user_id.clone(),
        actor.email.clone(),
        actor.impersonator_id.clone(),
        actor.impersonator_email.clone(),
        actor.api_key_id.clone(),
        actor.api_key_name.clone(),
        Some(e.action.to_string()),
        Some(e.object_type.to_string()),
        e.object_id.map(str::to_string),
        e.object_name.map(str::to_string),
        json(e.before),
        json(e.after),
        actor.client_addr.clone(),
        actor.request_id.clone(),
        actor.change_set.clone(),
    ] {
        s.push(", ").bind(v);
    }
    s.push(")").execute(&mut **tx).await?;
    Ok(())
}

/// The path of a user's dealer, when the user exists.
async fn user_path(
    tx: &mut Transaction<'static, Any>,
    user_id: Option<&str>,
) -> StoreResult<Option<String>> {
    let Some(id) = user_id else { return Ok(None) };
    Sql::new("SELECT d.path FROM users u JOIN dealers d ON d.id = u.dealer_id WHERE u.id = ")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.text("path"))
        .transpose()
}

/// What a reader sees of an actor whose dealer lies above or beside its scope.
pub const ACTOR_OUTSIDE_SCOPE: &str = "(a dealer above you)";

/// Records an event about a dealer-owned object, looking up the dealer's path.
pub async fn record_for_dealer(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    dealer_id: &str,
    e: Event<'_>,
) -> StoreResult<()> {
    let path = dealer_path(tx, dealer_id).await?;
    record(tx, actor, &path, e).await
}

/// The upper bound of the paths that start with `prefix` ('/' + 1 is '0'). The range compares
/// bytes: on PostgreSQL the column must use `COLLATE "C"`, or linguistic collations that skip
/// punctuation would drop sub-dealers' events from the range.
fn path_upper_bound(prefix: &str) -> String {
    let mut p = prefix.trim_end_matches('/').to_string();
    p.push('0');
    p
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn list_audit(
        &self,
        scope: &Scope,
        f: &AuditFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<AuditEvent>> {
        // The caller's subtree, or the asked dealer's when that is inside it (else not found).
        let top = f.dealer_id.as_deref().unwrap_or(scope.dealer_id());
        let mut s = Sql::new("SELECT d.path FROM dealers d WHERE d.id = ");
        s.bind(top).push(" AND ");
        push_in_scope(&mut s, scope, "d.id");
        let path_row = s
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        let prefix = path_row.text("path")?;
        let mut filter = Sql::new(" WHERE e.dealer_path >= ");
        filter
            .bind(prefix.as_str())
            .push(" AND e.dealer_path < ")
            .bind(path_upper_bound(&prefix));
        for (col, v) in [
            ("e.actor_id", &f.actor_id),
            ("e.object_type", &f.object_type),
            ("e.object_id", &f.object_id),
            ("e.action", &f.action),
            ("e.change_set", &f.change_set),
        ] {
            if let Some(v) = v {
                filter.push(" AND ").push(col).push(" = ").bind(v);
            }
        }
        for (op, t) in [(">=", f.since), ("<", f.until)] {
            if let Some(t) = t {
                filter
                    .push(" AND e.at ")
                    .push(op)
                    .push(" ")
                    .bind(micros_of(t));
            }
        }
        if let Some(q) = page.q.as_deref() {
            // The after-state too: what the object became (a user's `status`, `enabled`) and
            // the names recorded beside its ids.
            super::common::push_search(
                &mut filter,
                Some(q),
                &["e.object_name", "e.actor_email", "e.action", "e.after_json"],
            );
        }
        let total = Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_events e")
            .append(&filter)
            .to_owned()
            .fetch_one(&self.read)
            .await?
            .int("n")?;
        let mut s = Sql::new("SELECT * FROM audit_events e");
        s.append(&filter);
        if let Some(c) = page.cursor.as_deref() {
            let (_, id) = decode_cursor(c).ok_or_else(|| {
                StoreError::Refused(Refusal::Invalid(FieldError::new(
                    "cursor",
                    "is not a cursor from this server",
                )))
            })?;
            s.push(" AND e.id < ").bind(id);
        }
        s.push(" ORDER BY e.id DESC LIMIT ").bind(page.limit + 1);
        let rows = s.fetch_all(&self.read).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows.iter().take(page.limit as usize) {
            let parse = |v: Option<String>| v.and_then(|t| serde_json::from_str(&t).ok());
            // Who acted from above the reader's scope stays unnamed, like everything above it.
            let visible = |path: Option<String>| path.is_none_or(|p| p.starts_with(&prefix));
            // A key is named only where its owner is.
            let (actor_id, actor_email, api_key_id, api_key_name) =
                if visible(row.opt_text("actor_path")?) {
                    (
                        row.opt_text("actor_id")?,
                        row.opt_text("actor_email")?,
                        row.opt_text("actor_key_id")?,
                        row.opt_text("actor_key_name")?,
                    )
                } else {
                    (None, Some(ACTOR_OUTSIDE_SCOPE.to_string()), None, None)
                };
            let (impersonator_id, impersonator_email) =
                if visible(row.opt_text("impersonator_path")?) {
                    (
                        row.opt_text("impersonator_id")?,
                        row.opt_text("impersonator_email")?,
                    )
                } else {
                    (None, Some(ACTOR_OUTSIDE_SCOPE.to_string()))
                };
            items.push(AuditEvent {
                id: row.text("id")?,
                at: row.time("at")?,
                actor_id,
                actor_email,
                impersonator_id,
                impersonator_email,
                api_key_id,
                api_key_name,
                action: row.text("action")?,
                object_type: row.text("object_type")?,
                object_id: row.opt_text("object_id")?,
                object_name: row.opt_text("object_name")?,
                before: parse(row.opt_text("before_json")?),
                after: parse(row.opt_text("after_json")?),
                client_addr: row.opt_text("client_addr")?,
                request_id: row.opt_text("request_id")?,
                change_set: row.opt_text("change_set")?,
            });
        }
        let next_cursor = (rows.len() as i64 > page.limit)
            .then(|| items.last().map(|e: &AuditEvent| encode_cursor("", &e.id)))
            .flatten();
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }
}

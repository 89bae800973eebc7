//! Describe's request: the object as the server has it now, and its own audit history.

use crate::client::{ApiClient, ClientError, unless_forbidden};
use crate::console::describe::state::Description;
use crate::console::msg::ReplyBody;
use crate::console::widgets::fields::flatten;
use crate::model::*;

/// How many of its audit events the popup shows.
pub const HISTORY: i64 = 20;

/// Fetches the object and its history; a login without `audit:read` still sees the fields.
pub async fn describe(c: ApiClient, kind: ObjectKind, id: String) -> ReplyBody {
    ReplyBody::Described(fetch(&c, kind, &id).await)
}

async fn fetch(c: &ApiClient, kind: ObjectKind, id: &str) -> Result<Description, ClientError> {
    let (name, value) = match kind {
        ObjectKind::Dealer => {
            let mut d = c.get_dealer(id).await?;
            d.capacity = unless_forbidden(c.capacity(id).await)?;
            (d.name.clone(), serde_json::to_value(d))
        }
        ObjectKind::Tenant => {
            let t = c.get_tenant(id).await?;
            (t.name.clone(), serde_json::to_value(t))
        }
        ObjectKind::User => {
            let u = c.get_user(id).await?;
            (u.email.clone(), serde_json::to_value(u))
        }
        ObjectKind::Group => {
            let g = c.get_group(id).await?;
            (g.name.clone(), serde_json::to_value(g))
        }
        ObjectKind::RateCard => {
            let r = c.get_rate_card(id).await?;
            (r.name.clone(), serde_json::to_value(r))
        }
    };
    let fields = value.map(|v| flatten(Some(&v))).unwrap_or_default();
    let filter = AuditFilter {
        object_type: Some(kind.audit_type().to_string()),
        object_id: Some(id.to_string()),
        ..AuditFilter::default()
    };
    let page = PageParams {
        limit: Some(HISTORY),
        ..PageParams::default()
    };
    let (history, history_note) = match unless_forbidden(c.audit(&filter, &page).await)? {
        Some(p) => (p.items, None),
        None => (vec![], Some("history needs audit:read".to_string())),
    };
    Ok(Description {
        kind,
        id: id.to_string(),
        name,
        fields,
        history,
        history_note,
        scroll: 0,
    })
}

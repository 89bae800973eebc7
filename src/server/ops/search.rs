//! Search across kinds: the objects of the caller's scope, of every kind it may read, whose
//! name (a tenant's domain, a login's e-mail, a display name) contains the text; each with the
//! dealers above it in scope, so that a console can open its tree down to the match.

use std::collections::BTreeSet;

use crate::domain::validate::{self, FieldError};
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;

/// The default and the largest number of matches.
pub const DEFAULT_MATCHES: i64 = 20;
pub const MAX_MATCHES: i64 = 100;
/// The longest text searched.
pub const MAX_TEXT: usize = 100;

/// The read permission each kind needs; kinds the caller may not read are not searched.
fn readable(caller: &Caller) -> Vec<ObjectKind> {
    ObjectKind::ALL
        .into_iter()
        .filter(|k| {
            let area = match k {
                ObjectKind::Dealer => Area::Dealers,
                ObjectKind::Tenant => Area::Tenants,
                ObjectKind::User => Area::Users,
                ObjectKind::Group => Area::Groups,
                ObjectKind::RateCard => Area::RateCards,
            };
            caller
                .permissions
                .contains(Permission::Crud(area, Action::Read))
        })
        .collect()
}

/// `GET /search?q=&limit=`.
pub async fn search(
    st: &AppState,
    caller: &Caller,
    q: &str,
    limit: Option<i64>,
) -> ApiResult<SearchResults> {
    let q = q.trim();
    if q.is_empty() {
        return Err(FieldError::new("q", "is required").into());
    }
    if q.chars().count() > MAX_TEXT {
        return Err(FieldError::new("q", format!("must be at most {MAX_TEXT} characters")).into());
    }
    validate::printable("q", q)?;
    let limit = limit.unwrap_or(DEFAULT_MATCHES);
    if !(1..=MAX_MATCHES).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_MATCHES}"
        )));
    }
    let kinds = readable(caller);
    if kinds.is_empty() {
        // No group, no read permission: nothing to search, as every other read says.
        return Err(ApiError::forbidden(
            "searching needs the read permission of at least one kind (dealers, tenants, users, groups or rate cards)",
        ));
    }
    // One more than asked, of each kind: then it is known whether there is more.
    let mut rows = st.store.search(&caller.scope, q, &kinds, limit + 1).await?;
    rows.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let under: Vec<String> = rows
        .iter()
        .filter_map(|r| r.under.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let paths = st.store.paths(&caller.scope, &under).await?;
    let items = rows
        .into_iter()
        .map(|r| SearchHit {
            path: r
                .under
                .as_ref()
                .and_then(|u| paths.get(u).cloned())
                .unwrap_or_default(),
            kind: r.kind,
            id: r.id,
            name: r.name,
            detail: r.detail,
        })
        .collect();
    Ok(SearchResults { items, more })
}

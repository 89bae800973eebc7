//! Every kind's list, read, create, change and delete on the typed client, as JSON values: the
//! verbs print, compare and edit objects without knowing their types, and what they print with
//! `-o json` is the API's own schema (the model types serialise exactly as the server sends).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::failure::{CliResult, Failure};
use crate::client::ApiClient;
use crate::model::*;
use crate::verbs::Kind;

/// The largest page asked for (the server's limit is higher; smaller pages answer sooner).
const PAGE: usize = 500;

/// What a list asks for besides its kind.
#[derive(Debug, Default, Clone)]
pub struct ListScope {
    /// The dealer whose subtree (for dealers: whose children) is listed.
    pub under: Option<String>,
    pub query: Option<String>,
    /// The rate card whose rates are listed.
    pub card: Option<String>,
    /// Only events about this object (the audit).
    pub object_id: Option<String>,
}

/// Objects of one list, and whether more matched than were fetched.
#[derive(Debug, Default)]
pub struct Listing {
    pub items: Vec<Value>,
    pub total: i64,
    pub more: bool,
}

pub fn to_value<T: Serialize>(t: &T) -> CliResult<Value> {
    serde_json::to_value(t).map_err(|e| Failure::error(e.to_string()))
}

fn page_values<T: Serialize>(p: Page<T>) -> CliResult<(Vec<Value>, Option<String>, i64)> {
    let items = p.items.iter().map(to_value).collect::<CliResult<_>>()?;
    Ok((items, p.next_cursor, p.total))
}

/// A typed body from JSON the verb assembled (fields typed on the command line or in a file): a
/// mistake in it is the user's, said with the field serde names.
pub fn from_value<T: DeserializeOwned>(kind: Kind, v: Value) -> CliResult<T> {
    serde_json::from_value(v).map_err(|e| Failure::usage(format!("{}: {e}", kind.singular())))
}

/// One page of a kind.
async fn page(
    c: &ApiClient,
    kind: Kind,
    scope: &ListScope,
    params: &PageParams,
) -> CliResult<(Vec<Value>, Option<String>, i64)> {
    let under = scope.under.clone().map(Into::into);
    match kind {
        Kind::Dealers | Kind::Packages => {
            let filter = DealerFilter {
                parent_id: under,
                with_capacity: kind == Kind::Packages,
                ..Default::default()
            };
            page_values(c.list_dealers(&filter, params).await?)
        }
        Kind::Tenants => {
            let filter = TenantFilter {
                dealer_id: under,
                subtree: Some(true),
                ..Default::default()
            };
            page_values(c.list_tenants(&filter, params).await?)
        }
        Kind::Users => {
            let filter = UserFilter {
                dealer_id: under,
                ..Default::default()
            };
            page_values(c.list_users(&filter, params).await?)
        }
        Kind::Groups => {
            let filter = GroupFilter { dealer_id: under };
            page_values(c.list_groups(&filter, params).await?)
        }
        Kind::RateCards => {
            let filter = RateCardFilter {
                dealer_id: under,
                ..Default::default()
            };
            page_values(c.list_rate_cards(&filter, params).await?)
        }
        Kind::Rates => {
            let card = scope.card.as_deref().ok_or_else(|| {
                Failure::usage("rates belong to a rate card: `get rates CARD [-q PREFIX]`")
            })?;
            let filter = RateFilter {
                prefix: params.q.clone(),
            };
            let params = PageParams {
                q: None,
                ..params.clone()
            };
            page_values(c.list_rates(card, &filter, &params).await?)
        }
        Kind::Audit => {
            let filter = AuditFilter {
                dealer_id: under,
                object_id: scope.object_id.clone(),
                ..Default::default()
            };
            page_values(c.audit(&filter, params).await?)
        }
        Kind::ApiKeys => {
            let keys = c.list_api_keys().await?;
            let total = keys.len() as i64;
            let items = keys.iter().map(to_value).collect::<CliResult<_>>()?;
            Ok((items, None, total))
        }
    }
}

/// Up to `limit` objects of a kind (`None`: all of them), page after page.
pub async fn list(
    c: &ApiClient,
    kind: Kind,
    scope: &ListScope,
    limit: Option<usize>,
) -> CliResult<Listing> {
    let mut out = Listing::default();
    let mut cursor = None;
    loop {
        let want = limit.map_or(PAGE, |l| (l - out.items.len()).min(PAGE));
        let params = PageParams {
            limit: Some(want as i64),
            cursor: cursor.take(),
            q: scope.query.clone(),
        };
        let (items, next, total) = page(c, kind, scope, &params).await?;
        out.total = total;
        out.items.extend(items);
        let full = limit.is_some_and(|l| out.items.len() >= l);
        match next {
            Some(n) if !full => cursor = Some(n),
            Some(_) => {
                out.more = true;
                break;
            }
            None => break,
        }
    }
    Ok(out)
}

/// One object by id. A package is its dealer, with the capacity filled in.
pub async fn get(c: &ApiClient, kind: Kind, id: &str) -> CliResult<Value> {
    match kind {
        Kind::Dealers => to_value(&c.get_dealer(id).await?),
        Kind::Packages => {
            let mut dealer = c.get_dealer(id).await?;
            dealer.capacity = Some(c.capacity(id).await?);
            to_value(&dealer)
        }
        Kind::Tenants => to_value(&c.get_tenant(id).await?),
        Kind::Users => to_value(&c.get_user(id).await?),
        Kind::Groups => to_value(&c.get_group(id).await?),
        Kind::RateCards => to_value(&c.get_rate_card(id).await?),
        Kind::ApiKeys => c
            .list_api_keys()
            .await?
            .iter()
            .find(|k| k.id.as_str() == id)
            .map(to_value)
            .unwrap_or_else(|| Err(Failure::not_found(format!("no API key {id} of yours")))),
        Kind::Rates | Kind::Audit => Err(Failure::usage(format!(
            "{kind} are listed, not fetched one by one: `get {kind}`"
        ))),
    }
}

/// Creates an object from its API body.
pub async fn create(c: &ApiClient, kind: Kind, body: Value) -> CliResult<Value> {
    match kind {
        Kind::Dealers => to_value(&c.create_dealer(&from_value(kind, body)?).await?),
        Kind::Tenants => to_value(&c.create_tenant(&from_value(kind, body)?).await?),
        Kind::Users => to_value(&c.create_user(&from_value(kind, body)?).await?),
        Kind::Groups => to_value(&c.create_group(&from_value(kind, body)?).await?),
        Kind::RateCards => to_value(&c.create_rate_card(&from_value(kind, body)?).await?),
        Kind::ApiKeys => to_value(&c.create_api_key(&from_value(kind, body)?).await?),
        Kind::Packages => Err(Failure::usage(
            "a package comes with its dealer: `edit package DEALER` changes it",
        )),
        Kind::Rates => Err(Failure::usage(
            "rates are imported as CSV into a rate card (the console's Rate cards tab)",
        )),
        Kind::Audit => Err(Failure::usage("the audit is written by the server only")),
    }
}

/// Changes an object at `version` (412 when someone changed it since).
pub async fn update(
    c: &ApiClient,
    kind: Kind,
    id: &str,
    version: Option<i64>,
    patch: Value,
) -> CliResult<Value> {
    match kind {
        Kind::Dealers => to_value(
            &c.update_dealer(id, version, &from_value(kind, patch)?)
                .await?,
        ),
        Kind::Packages => {
            let package: Package = from_value(kind, patch)?;
            get(c, kind, &c.set_package(id, version, &package).await?.id).await
        }
        Kind::Tenants => to_value(
            &c.update_tenant(id, version, &from_value(kind, patch)?)
                .await?,
        ),
        Kind::Users => to_value(
            &c.update_user(id, version, &from_value(kind, patch)?)
                .await?,
        ),
        Kind::Groups => to_value(
            &c.update_group(id, version, &from_value(kind, patch)?)
                .await?,
        ),
        Kind::RateCards => to_value(
            &c.update_rate_card(id, version, &from_value(kind, patch)?)
                .await?,
        ),
        Kind::ApiKeys | Kind::Rates | Kind::Audit => Err(Failure::usage(format!(
            "{kind} are not edited (an API key is revoked and made anew)"
        ))),
    }
}

/// Deletes an object at `version`.
pub async fn delete(c: &ApiClient, kind: Kind, id: &str, version: Option<i64>) -> CliResult<()> {
    match kind {
        Kind::Dealers => Ok(c.delete_dealer(id, version).await?),
        Kind::Tenants => Ok(c.delete_tenant(id, version).await?),
        Kind::Users => Ok(c.delete_user(id, version).await?),
        Kind::Groups => Ok(c.delete_group(id, version).await?),
        Kind::RateCards => Ok(c.delete_rate_card(id, version).await?),
        Kind::ApiKeys => Ok(c.revoke_api_key(id).await?),
        Kind::Packages | Kind::Rates | Kind::Audit => Err(Failure::usage(format!(
            "{kind} are not deleted on their own"
        ))),
    }
}

/// Suspends (`on` false) or resumes an object: a login is disabled or enabled.
pub async fn set_enabled(
    c: &ApiClient,
    kind: Kind,
    id: &str,
    version: Option<i64>,
    on: bool,
) -> CliResult<Value> {
    match (kind, on) {
        (Kind::Dealers, false) => to_value(&c.suspend_dealer(id).await?),
        (Kind::Dealers, true) => to_value(&c.resume_dealer(id).await?),
        (Kind::Tenants, false) => to_value(&c.suspend_tenant(id).await?),
        (Kind::Tenants, true) => to_value(&c.resume_tenant(id).await?),
        (Kind::Users, _) => {
            let patch = UserPatch {
                enabled: Some(on),
                ..Default::default()
            };
            to_value(&c.update_user(id, version, &patch).await?)
        }
        _ => Err(Failure::usage(format!(
            "only dealers, tenants and users are suspended and resumed, not {kind}"
        ))),
    }
}

/// What suspending, resuming or deleting would touch, measured by the server without doing it.
pub async fn impact(
    c: &ApiClient,
    kind: Kind,
    id: &str,
    verb: ChangeVerb,
) -> CliResult<Option<Impact>> {
    let impact = match (kind, verb) {
        (Kind::Dealers, ChangeVerb::Delete) => c.dealer_delete_impact(id).await?,
        (Kind::Dealers, v) => c.dealer_suspend_impact(id, v == ChangeVerb::Resume).await?,
        (Kind::Tenants, ChangeVerb::Delete) => c.tenant_delete_impact(id).await?,
        (Kind::Tenants, v) => c.tenant_suspend_impact(id, v == ChangeVerb::Resume).await?,
        (Kind::Users, ChangeVerb::Suspend) => {
            let patch = UserPatch {
                enabled: Some(false),
                ..Default::default()
            };
            c.user_update_impact(id, None, &patch).await?
        }
        _ => return Ok(None),
    };
    Ok(Some(impact))
}

/// The verbs that change an object's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeVerb {
    Delete,
    Suspend,
    Resume,
}

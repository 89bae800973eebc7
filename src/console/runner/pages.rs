//! A page of a list tab, from the feature that owns the list.

use crate::client::ApiClient;
use crate::console::msg::{ListQuery, ReplyBody};
use crate::console::tab::ListKind;
use crate::console::{audit, packages};
use crate::model::*;

/// Loads one page of a list (appended to what is shown when it has a cursor).
pub async fn load(c: ApiClient, list: ListKind, page: PageParams, query: ListQuery) -> ReplyBody {
    let append = page.cursor.is_some();
    match list {
        ListKind::Tenants => ReplyBody::Tenants {
            append,
            result: c.list_tenants(&TenantFilter::default(), &page).await,
        },
        ListKind::Users => ReplyBody::Users {
            append,
            result: c.list_users(&UserFilter::default(), &page).await,
        },
        ListKind::Groups => ReplyBody::Groups {
            append,
            result: c.list_groups(&GroupFilter::default(), &page).await,
        },
        ListKind::Audit => ReplyBody::Audit {
            append,
            result: audit::requests::page(&c, &query.audit, &page).await,
        },
        ListKind::Packages => ReplyBody::Packages {
            append,
            result: packages::requests::page(&c, &page, query.packages_order).await,
        },
        ListKind::RateCards => ReplyBody::RateCards {
            append,
            result: c.list_rate_cards(&RateCardFilter::default(), &page).await,
        },
    }
}

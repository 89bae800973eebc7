//! Exporting a table: every page the server has for it (narrowed as the table is), written to a
//! file as JSON (the API's own objects) or CSV (the table's columns), with progress on the way.

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::client::{ApiClient, ClientError};
use crate::console::columns::headers;
use crate::console::export::state::{Format, Progress};
use crate::console::lists::Row;
use crate::console::msg::{ListQuery, Msg, ReplyBody};
use crate::console::packages::rows::PackageRow;
use crate::console::tab::{ListKind, Tab};
use crate::console::{audit, packages};
use crate::domain::rates::csv_cell;
use crate::model::*;

/// Rows per request while exporting (the API's largest page).
const PAGE: i64 = 1000;

/// Fetches every page of `list` and writes it to `path`; says how far it got after each page.
pub async fn export(
    c: ApiClient,
    list: ListKind,
    query: ListQuery,
    format: Format,
    path: String,
    progress: (u64, UnboundedSender<Msg>),
) -> ReplyBody {
    let result = match list {
        ListKind::Tenants => {
            write(
                &c,
                &query,
                format,
                &path,
                &progress,
                Tab::Tenants,
                |c, p| Box::pin(async move { c.list_tenants(&TenantFilter::default(), &p).await }),
            )
            .await
        }
        ListKind::Users => {
            write(&c, &query, format, &path, &progress, Tab::Users, |c, p| {
                Box::pin(async move { c.list_users(&UserFilter::default(), &p).await })
            })
            .await
        }
        ListKind::Groups => {
            write(&c, &query, format, &path, &progress, Tab::Groups, |c, p| {
                Box::pin(async move { c.list_groups(&GroupFilter::default(), &p).await })
            })
            .await
        }
        ListKind::RateCards => {
            write(
                &c,
                &query,
                format,
                &path,
                &progress,
                Tab::RateCards,
                |c, p| {
                    Box::pin(async move { c.list_rate_cards(&RateCardFilter::default(), &p).await })
                },
            )
            .await
        }
        ListKind::Audit => {
            let q = query.audit.clone();
            write(&c, &query, format, &path, &progress, Tab::Audit, |c, p| {
                let q = q.clone();
                Box::pin(async move { audit::requests::page(&c, &q, &p).await })
            })
            .await
        }
        ListKind::Packages => {
            let order = query.packages_order;
            write(
                &c,
                &query,
                format,
                &path,
                &progress,
                Tab::Packages,
                |c, p| {
                    Box::pin(async move {
                        let page = packages::requests::page(&c, &p, order).await?;
                        Ok(Page {
                            items: page.items.into_iter().map(PackageRow::from).collect(),
                            next_cursor: page.next_cursor,
                            total: page.total,
                        })
                    })
                },
            )
            .await
        }
    };
    ReplyBody::Exported { path, result }
}

type PageFuture<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Page<T>, ClientError>> + Send>>;

/// Pages through a list with `fetch` and writes what it got.
async fn write<T: Row + Serialize>(
    c: &ApiClient,
    query: &ListQuery,
    format: Format,
    path: &str,
    (id, tx): &(u64, UnboundedSender<Msg>),
    tab: Tab,
    fetch: impl Fn(ApiClient, PageParams) -> PageFuture<T>,
) -> Result<usize, String> {
    let mut rows: Vec<T> = Vec::new();
    let mut cursor = None;
    loop {
        let params = PageParams {
            limit: Some(PAGE),
            cursor: cursor.take(),
            q: query.q.clone(),
        };
        let page = fetch(c.clone(), params).await.map_err(|e| e.to_string())?;
        rows.extend(page.items);
        let _ = tx.send(Msg::ExportProgress(Progress {
            id: *id,
            done: rows.len(),
            total: page.total,
        }));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())? + "\n",
        Format::Csv => to_csv(headers(tab), &rows),
    };
    let path_buf = crate::console::home::expand(path);
    tokio::fs::write(&path_buf, text)
        .await
        .map_err(|e| format!("cannot write {path}: {e}"))?;
    Ok(rows.len())
}

/// The table's columns as CSV, cells that a spreadsheet would run as formulas defused.
fn to_csv<T: Row>(columns: &[(&str, u16)], rows: &[T]) -> String {
    let mut out = columns
        .iter()
        .map(|(h, _)| csv_cell(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for r in rows {
        out.push_str(
            &r.cells()
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

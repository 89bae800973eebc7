//! `dealerctl get KIND [NAME|ID]`: a list (filtered, paged, limited) or one object.

use std::io::Write;

use super::failure::{CliResult, Failure};
use super::objects::{self, ListScope};
use super::output::{self, Out};
use super::resolve::{resolve, resolve_id};
use super::view_as::reading_as;
use crate::client::ApiClient;
use crate::verbs::{Format, GetArgs, Kind};

/// How many a list shows unless told otherwise.
const DEFAULT_LIMIT: usize = 50;

pub async fn run<W: Write>(c: &ApiClient, a: &GetArgs, out: &mut Out<W>) -> CliResult<()> {
    reading_as(c, a.view.as_user.as_deref(), async |r| {
        let format = a.output.format;
        match (&a.target, a.kind) {
            (Some(card), Kind::Rates) => {
                let card = resolve_id(r, Kind::RateCards, card).await?;
                list(r, a, out, Some(card)).await
            }
            (None, Kind::Rates) => Err(Failure::usage(
                "rates belong to a rate card: `get rates CARD [-q PREFIX]`",
            )),
            (Some(_), Kind::Audit) => Err(Failure::usage(
                "the audit is listed: `get audit -q TEXT`, or `describe KIND NAME` for an object's events",
            )),
            (Some(t), kind) => output::one(out, kind, format, &resolve(r, kind, t).await?),
            (None, _) => list(r, a, out, None).await,
        }
    })
    .await
}

async fn list<W: Write>(
    r: &ApiClient,
    a: &GetArgs,
    out: &mut Out<W>,
    card: Option<String>,
) -> CliResult<()> {
    let under = match &a.under {
        Some(d) => Some(resolve_id(r, Kind::Dealers, d).await?),
        None => None,
    };
    let scope = ListScope {
        under,
        query: a.query.clone(),
        card,
        object_id: None,
    };
    let limit = if a.all {
        None
    } else {
        Some(a.limit.unwrap_or(DEFAULT_LIMIT).max(1))
    };
    let found = objects::list(r, a.kind, &scope, limit).await?;
    output::list(out, a.kind, a.output.format, &found.items)?;
    if found.more && matches!(a.output.format, Format::Table | Format::Wide) {
        // On standard error: a pipe reading the table gets rows only.
        eprintln!(
            "showing {} of {}: --all shows every one, --limit N more",
            found.items.len(),
            found.total
        );
    }
    Ok(())
}

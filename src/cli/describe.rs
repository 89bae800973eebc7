//! `dealerctl describe KIND NAME|ID`: the object's fields, its dealer's capacity and its most
//! recent audit events. With `-o json|yaml`: `{"object", "capacity", "events"}`.

use serde::Serialize;
use serde_json::Value;
use std::io::Write;

use super::failure::{CliResult, Exit, Failure};
use super::objects::{self, ListScope};
use super::output::{self, Out};
use super::resolve::{id_of, resolve};
use super::view_as::reading_as;
use crate::client::ApiClient;
use crate::model::Capacity;
use crate::verbs::{DescribeArgs, Format, Kind};

/// How many recent events a description shows.
const EVENTS: usize = 10;

#[derive(Serialize)]
struct Description {
    object: Value,
    capacity: Option<Capacity>,
    events: Option<Vec<Value>>,
}

pub async fn run<W: Write>(c: &ApiClient, a: &DescribeArgs, out: &mut Out<W>) -> CliResult<()> {
    reading_as(c, a.view.as_user.as_deref(), async |r| {
        let object = resolve(r, a.kind, &a.target).await?;
        let id = id_of(&object);
        let capacity = match a.kind {
            Kind::Dealers | Kind::Packages => optional(r.capacity(&id).await)?,
            _ => None,
        };
        let scope = ListScope {
            object_id: Some(id.clone()),
            ..Default::default()
        };
        let events =
            optional(objects::list(r, Kind::Audit, &scope, Some(EVENTS)).await)?.map(|l| l.items);
        let d = Description {
            object,
            capacity,
            events,
        };
        match a.output.format {
            Format::Json | Format::Yaml => output::document(out, a.output.format, &d),
            _ => print(out, a.kind, &d),
        }
    })
    .await
}

/// A part the caller may not read is left out (a 403), not the whole description.
fn optional<T, E: Into<Failure>>(r: Result<T, E>) -> CliResult<Option<T>> {
    match r.map_err(Into::into) {
        Ok(t) => Ok(Some(t)),
        Err(f) if f.exit == Exit::Refused => Ok(None),
        Err(f) => Err(f),
    }
}

fn print<W: Write>(out: &mut Out<W>, kind: Kind, d: &Description) -> CliResult<()> {
    let io = |e: std::io::Error| Failure::error(e.to_string());
    let name = d
        .object
        .get("name")
        .or_else(|| d.object.get("email"))
        .and_then(Value::as_str)
        .unwrap_or("");
    writeln!(out.w, "{} {name} ({})\n", kind.singular(), id_of(&d.object)).map_err(io)?;
    let mut fields = d.object.clone();
    if let Some(m) = fields.as_object_mut() {
        m.remove("capacity");
    }
    output::fields(out, &fields, 2)?;
    if let Some(cap) = &d.capacity {
        writeln!(
            out.w,
            "\ncapacity  (package, allocated to sub-dealers, used by tenants, free)"
        )
        .map_err(io)?;
        for (label, dim) in [
            ("tenants", &cap.max_tenants),
            ("extensions", &cap.extensions),
            ("concurrent calls", &cap.concurrent_calls),
            ("recording minutes", &cap.recording_minutes),
        ] {
            let n = |v: Option<i64>| v.map_or("unlimited".to_string(), |v| v.to_string());
            writeln!(
                out.w,
                "  {label:18} {:>10} {:>10} {:>10} {:>10}",
                n(dim.package),
                dim.allocated,
                dim.used,
                n(dim.free)
            )
            .map_err(io)?;
        }
    }
    match &d.events {
        Some(events) if !events.is_empty() => {
            writeln!(out.w, "\nrecent changes").map_err(io)?;
            let mut o = Out {
                w: &mut out.w,
                color: out.color,
            };
            output::list(&mut o, Kind::Audit, Format::Table, events)?;
        }
        Some(_) => writeln!(out.w, "\nrecent changes: none").map_err(io)?,
        None => writeln!(out.w, "\nrecent changes: not shown (needs audit:read)").map_err(io)?,
    }
    Ok(())
}

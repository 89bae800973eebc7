//! `dealerctl delete|suspend|resume KIND NAME|ID`: what the change touches, measured by the
//! server without making it, is printed first; then the person answers (or `--yes` was given).
//! A No changes nothing.

use serde_json::Value;
use std::io::Write;

use super::confirm::{go_ahead, typed_name};
use super::failure::CliResult;
use super::objects::{self, ChangeVerb};
use super::output::{self, Out};
use super::resolve::{id_of, label, resolve, version_of};
use crate::client::ApiClient;
use crate::model::Impact;
use crate::verbs::{ChangeArgs, Format, Kind};

pub async fn run<W: Write>(
    c: &ApiClient,
    verb: ChangeVerb,
    a: &ChangeArgs,
    out: &mut Out<W>,
) -> CliResult<()> {
    let object = resolve(c, a.kind, &a.target).await?;
    let id = id_of(&object);
    let impact = objects::impact(c, a.kind, &id, verb).await?;
    let what = label(a.kind, &object);
    let doing = match verb {
        ChangeVerb::Delete => "delete",
        ChangeVerb::Suspend => "suspend",
        ChangeVerb::Resume => "resume",
    };
    eprintln!("{doing} {what}");
    if let Some(i) = &impact {
        eprintln!("  {}", in_words(verb, i));
    }
    // Stopping a dealer with tenants below it stops customers' phones: its name is typed.
    let whole_subtree = a.kind == Kind::Dealers
        && verb == ChangeVerb::Suspend
        && impact.as_ref().is_some_and(|i| i.tenants > 0);
    let yes = if whole_subtree && !a.yes {
        go_ahead(&format!("{doing} it?"), false)? && typed_name(&name(&object), false)?
    } else {
        go_ahead(&format!("{doing} it?"), a.yes)?
    };
    if !yes {
        eprintln!("nothing was changed");
        return Ok(());
    }
    match verb {
        ChangeVerb::Delete => {
            objects::delete(c, a.kind, &id, version_of(&object)).await?;
            if a.output.format == Format::Name {
                writeln!(out.w, "{}/{id}", a.kind.singular())?;
            } else {
                eprintln!("deleted {what}");
            }
            Ok(())
        }
        v => {
            let on = v == ChangeVerb::Resume;
            let after = objects::set_enabled(c, a.kind, &id, version_of(&object), on).await?;
            output::one(out, a.kind, a.output.format, &after)
        }
    }
}

fn name(v: &Value) -> String {
    v.get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// "this stops 1 sub-dealer, 40 tenants and 7 logins" (what is zero is left out).
fn in_words(verb: ChangeVerb, i: &Impact) -> String {
    let verb = match verb {
        ChangeVerb::Delete => "deletes",
        ChangeVerb::Suspend => "stops",
        ChangeVerb::Resume => "starts again",
    };
    let parts: Vec<String> = [
        (i.dealers, "sub-dealer", "sub-dealers"),
        (i.tenants, "tenant", "tenants"),
        (i.logins, "login", "logins"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    match parts.as_slice() {
        [] => format!("this {verb} no tenant, sub-dealer or login besides it"),
        [one] => format!("this {verb} {one}"),
        [init @ .., last] => format!("this {verb} {} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_impact_reads_as_a_sentence() {
        let i = Impact {
            dealers: 1,
            tenants: 40,
            logins: 0,
            ..Default::default()
        };
        assert_eq!(
            in_words(ChangeVerb::Suspend, &i),
            "this stops 1 sub-dealer and 40 tenants"
        );
        assert_eq!(
            in_words(ChangeVerb::Delete, &Impact::default()),
            "this deletes no tenant, sub-dealer or login besides it"
        );
    }
}

//! `dealerctl can-i PERMISSION [--on KIND/NAME] [--as USER]`: `yes` (exit 0) or `no` with the
//! reason (exit 3). The answer is the server's: the login's permissions from `/me` (or, for
//! `--as`, the login's scope report), and the object looked up as that login (out of scope is
//! no).

use std::io::Write;
use std::str::FromStr;

use super::failure::{CliResult, Exit, Failure};
use super::output::Out;
use super::resolve::{resolve, resolve_id};
use super::view_as::reading_as;
use crate::client::ApiClient;
use crate::model::Permission;
use crate::verbs::{CanIArgs, Kind};

pub async fn run<W: Write>(c: &ApiClient, a: &CanIArgs, out: &mut Out<W>) -> CliResult<()> {
    let wanted = Permission::from_str(a.permission.trim()).map_err(|_| {
        Failure::usage(format!(
            "`{}` is no permission: area:action (tenants:suspend, users:update, …) or impersonate",
            a.permission
        ))
    })?;
    let who = a.view.as_user.as_deref();
    let held = match who {
        Some(user) => {
            let id = resolve_id(c, Kind::Users, user).await?;
            c.scope_report(&id)
                .await?
                .permissions
                .iter()
                .map(|p| p.permission)
                .collect::<Vec<_>>()
        }
        None => c.me().await?.permissions,
    };
    let subject = who.map_or("you".to_string(), str::to_string);
    let answer = if !held.contains(&wanted) {
        Err(format!("{subject} lack {wanted}"))
    } else if let Some(on) = &a.on {
        let (kind, name) = on.split_once('/').ok_or_else(|| {
            Failure::usage(format!(
                "--on {on}: name the object as KIND/NAME (tenant/acme.sip.example)"
            ))
        })?;
        let kind = Kind::parse(kind)
            .ok_or_else(|| Failure::usage(format!("--on {on}: `{kind}` is no kind")))?;
        let seen = reading_as(c, who, async |r| resolve(r, kind, name).await).await;
        match seen {
            Ok(_) => Ok(()),
            Err(f) if f.exit == Exit::NotFound => {
                Err(
                    format!("{} {name} is not in {}'s scope", kind.singular(), subject)
                        .replace("you's", "your"),
                )
            }
            Err(f) => return Err(f),
        }
    } else {
        Ok(())
    };
    match answer {
        Ok(()) => {
            writeln!(out.w, "yes")?;
            Ok(())
        }
        Err(reason) => {
            writeln!(out.w, "no")?;
            Err(Failure {
                exit: Exit::Refused,
                ..Failure::usage(reason)
            })
        }
    }
}

//! `dealerctl apikey create|list|revoke`: a login's keys for scripts. A key holds some of its
//! owner's permissions; its secret is printed once, alone on standard output, so that
//! `dealerctl apikey create nightly --permissions tenants:read > key` makes a `--token-file`.

use clap::{Args, Subcommand};
use std::io::Write;

use super::confirm::go_ahead;
use super::failure::{CliResult, Failure};
use super::objects::to_value;
use super::output::{self, Out};
use super::resolve::{label, resolve};
use super::session::Connection;
use crate::client::ApiClient;
use crate::model::{CreatedApiKey, NewApiKey, Permission};
use crate::verbs::{Format, Kind, OutputArgs};

/// What `dealerctl apikey` does.
#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key holding some of your permissions; its secret is printed this once.
    Create(CreateKeyArgs),
    /// Your keys: names, permissions, expiry and last use (never the secrets).
    List(ListKeyArgs),
    /// Revoke a key: every script using it stops at once.
    Revoke(RevokeKeyArgs),
}

#[derive(Debug, Args)]
pub struct CreateKeyArgs {
    /// A name to tell the key by (`nightly-export`).
    pub name: String,
    /// What it may do, comma-separated (each one you hold yourself): `tenants:read,dealers:read`.
    #[arg(long, value_delimiter = ',', required = true)]
    pub permissions: Vec<String>,
    /// It stops working after this many days (default: never).
    #[arg(long, value_name = "DAYS")]
    pub expires_in_days: Option<u32>,
    /// table (the secret alone on standard output), json or yaml.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub conn: Connection,
}

#[derive(Debug, Args)]
pub struct ListKeyArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub conn: Connection,
}

#[derive(Debug, Args)]
pub struct RevokeKeyArgs {
    /// The key, by name or id.
    pub key: String,
    /// Revoke without asking.
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub conn: Connection,
}

impl ApiKeyCommand {
    /// The output format errors follow.
    pub fn format(&self) -> Format {
        match self {
            ApiKeyCommand::Create(a) => a.format,
            ApiKeyCommand::List(a) => a.output.format,
            ApiKeyCommand::Revoke(_) => Format::Table,
        }
    }

    /// Where it connects.
    pub fn conn(&self) -> &Connection {
        match self {
            ApiKeyCommand::Create(a) => &a.conn,
            ApiKeyCommand::List(a) => &a.conn,
            ApiKeyCommand::Revoke(a) => &a.conn,
        }
    }
}

pub async fn run<W: Write>(c: &ApiClient, cmd: &ApiKeyCommand, out: &mut Out<W>) -> CliResult<()> {
    match cmd {
        ApiKeyCommand::Create(a) => {
            let mut permissions = Vec::new();
            for p in &a.permissions {
                permissions.push(p.trim().parse::<Permission>().map_err(|_| {
                    Failure::usage(format!(
                        "`{p}` is no permission (area:action, or impersonate)"
                    ))
                })?);
            }
            let new = NewApiKey {
                name: a.name.clone(),
                permissions,
                expires_at: a
                    .expires_in_days
                    .map(|d| time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(d))),
            };
            let created = c.create_api_key(&new).await?;
            show_created(out, a.format, &created)
        }
        ApiKeyCommand::List(a) => {
            let keys: Vec<_> = c
                .list_api_keys()
                .await?
                .iter()
                .map(to_value)
                .collect::<CliResult<_>>()?;
            output::list(out, Kind::ApiKeys, a.output.format, &keys)
        }
        ApiKeyCommand::Revoke(a) => {
            let key = resolve(c, Kind::ApiKeys, &a.key).await?;
            eprintln!(
                "revoke {}: every request made with it is refused from now on",
                label(Kind::ApiKeys, &key)
            );
            if !go_ahead("revoke it?", a.yes)? {
                eprintln!("nothing was changed");
                return Ok(());
            }
            let id = key["id"].as_str().unwrap_or_default();
            c.revoke_api_key(id).await?;
            eprintln!("revoked");
            Ok(())
        }
    }
}

/// A new key: with `-o json|yaml` the whole answer; else what it is on standard error and the
/// secret alone on standard output.
pub fn show_created<W: Write>(
    out: &mut Out<W>,
    format: Format,
    k: &CreatedApiKey,
) -> CliResult<()> {
    if matches!(format, Format::Json | Format::Yaml) {
        return output::document(out, format, k);
    }
    let expires = k
        .key
        .expires_at
        .map_or("never".to_string(), |t| t.date().to_string());
    eprintln!(
        "API key {} ({}) holds {} permissions and expires {expires}. Its secret, shown this once:",
        k.key.name,
        k.key.id,
        k.key.permissions.len()
    );
    writeln!(out.w, "{}", k.secret)?;
    Ok(())
}

//! The scriptable verbs (`dealerctl get|describe|create|edit|delete|suspend|resume|move|can-i`,
//! `export`, `apply`, `login`, `logout`) on the same client as the console. Output for people or for programs
//! (`-o`), errors on standard error (as the API's JSON with `-o json`), and exit codes a script
//! can test: 0 done, 1 error, 2 usage, 3 refused by the server, 4 not found.

mod api_keys;
mod can_i;
mod change;
mod columns;
mod confirm;
mod create;
mod describe;
mod edit;
mod failure;
mod fields;
mod get;
mod login;
mod move_tenant;
mod objects;
mod output;
mod plans;
mod resolve;
mod session;
mod view_as;

pub use api_keys::ApiKeyCommand;
pub use failure::{Exit, Failure};
pub use plans::{ApplyArgs, ExportArgs};
pub use session::Connection;

use clap::Args;

use crate::verbs::{Format, Verb};
use failure::CliResult;
use objects::ChangeVerb;
use output::Out;

/// A verb's own arguments beside where it connects.
#[derive(Debug, Args)]
pub struct On<T: Args> {
    #[command(flatten)]
    pub verb: T,
    #[command(flatten)]
    pub conn: Connection,
}

/// `dealerctl login`'s own flags.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The login's e-mail (default: the profile's, or the last one used).
    #[arg(long)]
    pub email: Option<String>,
    /// Read the password from standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}

/// The output format a verb was asked for (errors follow it: JSON for `-o json`).
fn format_of(verb: &Verb) -> Format {
    match verb {
        Verb::Get(a) => a.output.format,
        Verb::Describe(a) => a.output.format,
        Verb::Create(a) => create::split_output(&a.fields, a.output.format)
            .map(|(_, f)| f)
            .unwrap_or(a.output.format),
        Verb::Edit(a) => a.output.format,
        Verb::Delete(a) | Verb::Suspend(a) | Verb::Resume(a) => a.output.format,
        Verb::Move(a) => a.output.format,
        Verb::CanI(_) => Format::Table,
    }
}

async fn carry_out(verb: &Verb, conn: &Connection) -> CliResult<()> {
    let c = conn.signed_in().await?;
    let mut out = Out::stdout();
    match verb {
        Verb::Get(a) => get::run(&c, a, &mut out).await,
        Verb::Describe(a) => describe::run(&c, a, &mut out).await,
        Verb::Create(a) => create::run(&c, a, &mut out).await,
        Verb::Edit(a) => edit::run(&c, a, &mut out).await,
        Verb::Delete(a) => change::run(&c, ChangeVerb::Delete, a, &mut out).await,
        Verb::Suspend(a) => change::run(&c, ChangeVerb::Suspend, a, &mut out).await,
        Verb::Resume(a) => change::run(&c, ChangeVerb::Resume, a, &mut out).await,
        Verb::Move(a) => move_tenant::run(&c, a, &mut out).await,
        Verb::CanI(a) => can_i::run(&c, a, &mut out).await,
    }
}

/// Runs a verb; what went wrong is on standard error, the exit code says what kind of wrong.
pub async fn run(verb: Verb, conn: &Connection) -> std::process::ExitCode {
    let format = format_of(&verb);
    finish(carry_out(&verb, conn).await, format)
}

/// `dealerctl login`.
pub async fn login(args: LoginArgs, conn: &Connection) -> std::process::ExitCode {
    finish(
        login::login(conn, args.email, args.password_stdin).await,
        Format::Table,
    )
}

/// `dealerctl export`.
pub async fn export(args: ExportArgs, conn: &Connection) -> std::process::ExitCode {
    let format = args.format;
    let result = async {
        let c = conn.signed_in().await?;
        plans::export(&c, &args, &mut Out::stdout()).await
    };
    finish(result.await, format)
}

/// `dealerctl apply`.
pub async fn apply(args: ApplyArgs, conn: &Connection) -> std::process::ExitCode {
    let format = args.format;
    let result = async {
        let c = conn.signed_in().await?;
        plans::apply(&c, &args, &mut Out::stdout()).await
    };
    finish(result.await, format)
}

/// `dealerctl apikey …`.
pub async fn api_key(cmd: ApiKeyCommand) -> std::process::ExitCode {
    let format = cmd.format();
    let result = async {
        let c = cmd.conn().signed_in().await?;
        api_keys::run(&c, &cmd, &mut Out::stdout()).await
    };
    finish(result.await, format)
}

/// `dealerctl logout`.
pub async fn logout(conn: &Connection) -> std::process::ExitCode {
    finish(login::logout(conn).await, Format::Table)
}

fn finish(result: CliResult<()>, format: Format) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(f) => {
            report(&f, format);
            std::process::ExitCode::from(f.exit as u8)
        }
    }
}

/// A failure on standard error: the API's error body as JSON for `-o json`, else a sentence
/// (with the field at fault).
fn report(f: &Failure, format: Format) {
    if format == Format::Json {
        match serde_json::to_string(&f.body) {
            Ok(json) => eprintln!("{json}"),
            Err(_) => eprintln!("dealerctl: {}", f.message()),
        }
        return;
    }
    match &f.body.error.field {
        Some(field) if !f.message().starts_with(field.as_str()) => {
            eprintln!("dealerctl: {} (field {field})", f.message())
        }
        _ => eprintln!("dealerctl: {}", f.message()),
    }
}

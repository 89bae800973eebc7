//! `dealerctl export` writes a subtree as one declarative document; `dealerctl apply -f FILE`
//! has the server plan it (every create, update and delete, checked by the real rules with the
//! capacity of the whole plan) and prints the plan like a diff; without `--dry-run` the plan is
//! applied in one transaction, whole or not at all, and only if nothing changed since it was made.

use clap::Args;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

use super::confirm::go_ahead;
use super::create::read_input;
use super::failure::{CliResult, Exit, Failure};
use super::output::{self, Out};
use super::resolve::resolve_id;
use super::view_as::reading_as;
use crate::client::ApiClient;
use crate::model::{ChannelDocument, Plan, PlanOp, PlanRequest};
use crate::verbs::{AsArgs, Format, Kind};

/// `dealerctl export`'s own flags.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The dealer at the top of the subtree (default: the login's own).
    #[arg(long, value_name = "DEALER")]
    pub under: Option<String>,
    /// yaml or json.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    #[command(flatten)]
    pub view: AsArgs,
}

/// `dealerctl apply`'s own flags.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The document (YAML or JSON, as `export` writes it; `-` reads standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// Show the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also delete what the subtree holds and the document leaves out.
    #[arg(long)]
    pub prune: bool,
    /// Apply without asking (what it changes is still printed).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// table (the plan as a diff), json or yaml.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub async fn export<W: Write>(c: &ApiClient, a: &ExportArgs, out: &mut Out<W>) -> CliResult<()> {
    reading_as(c, a.view.as_user.as_deref(), async |r| {
        let under = match &a.under {
            Some(d) => Some(resolve_id(r, Kind::Dealers, d).await?),
            None => None,
        };
        let document = r.export(under.as_deref()).await?;
        let format = match a.format {
            Format::Json => Format::Json,
            _ => Format::Yaml,
        };
        output::document(out, format, &document)
    })
    .await
}

pub async fn apply<W: Write>(c: &ApiClient, a: &ApplyArgs, out: &mut Out<W>) -> CliResult<()> {
    let text = read_input(&a.file)?;
    // The server refuses an unknown field too; reading it here names it before anything is sent.
    let document: ChannelDocument = serde_yaml_ng::from_str(&text)
        .map_err(|e| Failure::usage(format!("{}: {e}", a.file.display())))?;
    let plan = c
        .plan(&PlanRequest {
            document,
            prune: a.prune,
        })
        .await?;
    let machine = matches!(a.format, Format::Json | Format::Yaml);
    if machine && (a.dry_run || !plan.refusals.is_empty()) {
        output::document(out, a.format, &plan)?;
    } else if !machine {
        print_plan(out, &plan)?;
    }
    if !plan.refusals.is_empty() {
        return Err(Failure {
            exit: Exit::Refused,
            ..Failure::usage(format!(
                "the plan is refused ({} of its steps): nothing was changed",
                plan.refusals.len()
            ))
        });
    }
    if a.dry_run {
        eprintln!("dry run: nothing was changed");
        return Ok(());
    }
    if plan.steps.is_empty() {
        eprintln!("nothing to change");
        return Ok(());
    }
    // Only a plan that creates and nothing else goes ahead unasked: the rest changes or removes
    // what is there.
    let harms = plan.steps.iter().any(|s| s.op != PlanOp::Create);
    if harms && !go_ahead("apply this plan?", a.yes)? {
        eprintln!("nothing was changed");
        return Ok(());
    }
    let applied = c.apply_plan(&plan.id).await?;
    if machine {
        output::document(out, a.format, &applied)?;
    }
    eprintln!(
        "applied {} changes in one transaction; the audit shows them as change set {}",
        applied.steps.len(),
        applied.change_set
    );
    Ok(())
}

const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const RESET: &str = "\x1b[0m";

/// The plan as a diff: `+` creates, `~` updates, `-` deletes, `!` refusals.
fn print_plan<W: Write>(out: &mut Out<W>, plan: &Plan) -> CliResult<()> {
    let io = |e: std::io::Error| Failure::error(e.to_string());
    let paint = |color: &str, text: String| {
        if out.color {
            format!("{color}{text}{RESET}")
        } else {
            text
        }
    };
    let mut lines = vec![format!("plan for the subtree of {}:", plan.under)];
    for (i, step) in plan.steps.iter().enumerate() {
        let (mark, color) = match step.op {
            PlanOp::Create => ('+', GREEN),
            PlanOp::Update => ('~', YELLOW),
            PlanOp::Delete => ('-', RED),
            PlanOp::Suspend => ('~', RED),
            PlanOp::Resume => ('~', GREEN),
        };
        let op = match step.op {
            PlanOp::Create => "create",
            PlanOp::Update => "update",
            PlanOp::Delete => "delete",
            PlanOp::Suspend => "suspend",
            PlanOp::Resume => "resume",
        };
        lines.push(paint(
            color,
            format!("{mark} {op} {} {}", step.kind.label(), step.name),
        ));
        for change in &step.changes {
            let line = match step.op {
                PlanOp::Create => format!("      {}: {}", change.field, shown(&change.after)),
                _ => format!(
                    "      {}: {} → {}",
                    change.field,
                    shown(&change.before),
                    shown(&change.after)
                ),
            };
            lines.push(line);
        }
        for r in plan.refusals.iter().filter(|r| r.step == i) {
            lines.push(paint(RED, format!("    ! refused: {}", r.error.message)));
        }
    }
    let count = |op: PlanOp| plan.steps.iter().filter(|s| s.op == op).count();
    lines.push(format!(
        "{} to create, {} to update, {} to delete, {} to suspend or resume",
        count(PlanOp::Create),
        count(PlanOp::Update),
        count(PlanOp::Delete),
        count(PlanOp::Suspend) + count(PlanOp::Resume)
    ));
    for l in lines {
        writeln!(out.w, "{l}").map_err(io)?;
    }
    Ok(())
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

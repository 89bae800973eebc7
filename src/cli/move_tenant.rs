//! `dealerctl move tenant NAME|ID --to DEALER`: the server's plan (capacity at both ends, the
//! rate card, what blocks it), and with `--yes` the move as planned: refused if the tenant
//! changed since the plan was made.

use std::io::Write;

use super::failure::{CliResult, Exit, Failure};
use super::output::{self, Out};
use super::resolve::resolve_id;
use crate::client::ApiClient;
use crate::model::{MovePlan, TenantMove};
use crate::verbs::{Format, Kind, MoveArgs};

pub async fn run<W: Write>(c: &ApiClient, a: &MoveArgs, out: &mut Out<W>) -> CliResult<()> {
    if a.kind != Kind::Tenants {
        return Err(Failure::usage(format!(
            "only tenants move (`move tenant NAME --to DEALER`), not {}",
            a.kind
        )));
    }
    let id = resolve_id(c, Kind::Tenants, &a.target).await?;
    let mut mv = TenantMove {
        to_dealer_id: resolve_id(c, Kind::Dealers, &a.to).await?.into(),
        rate_card_id: match &a.rate_card {
            Some(card) => Some(resolve_id(c, Kind::RateCards, card).await?.into()),
            None => None,
        },
        dry_run: true,
    };
    let plan = c.move_tenant(&id, &mv).await?;
    let document = matches!(a.output.format, Format::Json | Format::Yaml);
    // A program reading JSON gets one document: the plan, or with --yes the move made.
    if !(document && a.yes && plan.blockers.is_empty()) {
        print(out, a.output.format, &plan)?;
    }
    if !plan.blockers.is_empty() {
        return Err(Failure {
            exit: Exit::Refused,
            ..Failure::usage(format!(
                "the move is blocked: {}",
                plan.blockers
                    .iter()
                    .map(|b| b.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        });
    }
    if !a.yes {
        eprintln!("nothing was moved: run again with --yes to move it as planned");
        return Ok(());
    }
    mv.dry_run = false;
    let done = c.move_tenant_as_planned(&plan, &mv).await?;
    if matches!(a.output.format, Format::Json | Format::Yaml) {
        return output::document(out, a.output.format, &done);
    }
    eprintln!("moved {} to {}", done.tenant_name, done.to.name);
    Ok(())
}

fn print<W: Write>(out: &mut Out<W>, format: Format, plan: &MovePlan) -> CliResult<()> {
    if matches!(format, Format::Json | Format::Yaml) {
        return output::document(out, format, plan);
    }
    let io = |e: std::io::Error| Failure::error(e.to_string());
    writeln!(
        out.w,
        "move {} from {} to {}",
        plan.tenant_name, plan.from.name, plan.to.name
    )
    .map_err(io)?;
    for cap in &plan.capacity {
        let n = |v: Option<i64>| v.map_or("unlimited".into(), |v| v.to_string());
        writeln!(
            out.w,
            "  {:18} {:>6}   free at {}: {} → {}   at {}: {} → {}",
            cap.dimension,
            cap.amount,
            plan.to.name,
            n(cap.destination_free_before),
            n(cap.destination_free_after),
            plan.from.name,
            n(cap.source_free_before),
            n(cap.source_free_after)
        )
        .map_err(io)?;
    }
    let card = |c: &Option<crate::model::NamedRef>| {
        c.as_ref().map_or("none".to_string(), |c| c.name.clone())
    };
    writeln!(
        out.w,
        "  rate card: {} → {}",
        card(&plan.rate_card_before),
        card(&plan.rate_card_after)
    )
    .map_err(io)?;
    for b in &plan.blockers {
        writeln!(out.w, "  blocked: {}", b.message).map_err(io)?;
    }
    Ok(())
}

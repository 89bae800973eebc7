//! Permission groups in a document, matched by dealer and name.

use crate::model::*;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::{Acting, groups};

use super::super::run::{Run, change, set};
use super::{crud, refused};

use Action::{Create, Update};

/// Permission groups: only with permissions the caller holds.
pub async fn groups(run: &mut Run<'_>, doc: &ChannelDocument) -> ApiResult<()> {
    for g in &doc.groups {
        if !run.going() {
            break;
        }
        let dealer_id = match run.dealer("dealer", &g.dealer) {
            Ok(id) => id,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::Group, &g.name, e)?;
                continue;
            }
        };
        let found = run
            .tx
            .group_named(&run.caller.scope, &dealer_id, &g.name)
            .await?;
        let mut wanted = g.permissions.clone();
        if let Some(w) = wanted.as_mut() {
            w.sort();
            w.dedup();
        }
        if let Some(id) = found {
            run.named.insert(id.clone());
            let stored = run.tx.group(&run.caller.scope, &id).await?;
            let mut held = stored.permissions.clone();
            held.sort();
            let mut changes = Vec::new();
            let mut patch = GroupPatch::default();
            if change(
                &mut changes,
                "description",
                &stored.description,
                g.description.as_ref(),
            ) {
                patch.description = g.description.clone();
            }
            if change(&mut changes, "permissions", &held, wanted.as_ref()) {
                patch.permissions = wanted.clone();
            }
            if !changes.is_empty() {
                let i = run.begin(PlanOp::Update, ObjectKind::Group, &g.name, changes);
                let need =
                    run.need(crud(Area::Groups, Update))
                        .and_then(|()| match &patch.permissions {
                            Some(p) => groups::no_escalation(run.caller, p),
                            None => Ok(()),
                        });
                step!(
                    run,
                    i,
                    need,
                    groups::update_with(&mut run.tx, at!(run), &id, None, patch)
                );
            }
            continue;
        }
        let permissions = wanted.unwrap_or_default();
        let mut changes = Vec::new();
        set(&mut changes, "dealer", &g.dealer);
        set(
            &mut changes,
            "description",
            &g.description.clone().unwrap_or_default(),
        );
        set(&mut changes, "permissions", &permissions);
        let i = run.begin(PlanOp::Create, ObjectKind::Group, &g.name, changes);
        let need = run
            .need(crud(Area::Groups, Create))
            .and_then(|()| groups::no_escalation(run.caller, &permissions));
        let new = NewGroup {
            dealer_id: dealer_id.into(),
            name: g.name.clone(),
            description: g.description.clone().unwrap_or_default(),
            permissions,
            template: None,
        };
        if let Some(made) = step!(
            run,
            i,
            need,
            groups::create_with(&mut run.tx, at!(run), new)
        ) {
            run.named.insert(made.id.to_string());
        }
    }
    Ok(())
}

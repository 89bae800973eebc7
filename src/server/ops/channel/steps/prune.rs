//! With prune: what the subtree holds and the document leaves out is deleted, only kinds the
//! caller may read, derived cards before their parents and dealers from the bottom.

use crate::model::*;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::{Acting, dealers, groups, rate_cards, tenants, users};

use super::super::run::Run;
use super::crud;

use Action::{Delete, Read};

/// With prune: deletes what the subtree holds of each kind the caller may read and the
/// document leaves out; logins, tenants, groups and cards first, then dealers from the bottom.
pub async fn prune(run: &mut Run<'_>) -> ApiResult<()> {
    let ids = run.tx.subtree_ids(&run.caller.scope, &run.root_id).await?;
    let reads = |area| run.caller.permissions.contains(crud(area, Read));
    let (users_read, tenants_read, groups_read, cards_read) = (
        reads(Area::Users),
        reads(Area::Tenants),
        reads(Area::Groups),
        reads(Area::RateCards),
    );
    let gone = |ids: &[String], run: &Run<'_>| -> Vec<String> {
        ids.iter()
            .filter(|id| !run.named.contains(*id))
            .cloned()
            .collect()
    };
    if users_read {
        for id in gone(&ids.users, run) {
            if !run.going() {
                return Ok(());
            }
            let stored = run.tx.user(&run.caller.scope, &id).await?;
            let i = run.begin(PlanOp::Delete, ObjectKind::User, &stored.email, vec![]);
            let mut need = run.need(crud(Area::Users, Delete));
            if need.is_ok() && id == run.caller.user_id {
                need = Err(ApiError::forbidden("you cannot delete your own login"));
            }
            if need.is_ok() {
                need = users::not_more_powerful(run.st, run.caller, &stored).await;
            }
            step!(
                run,
                i,
                need,
                users::delete_with(&mut run.tx, at!(run), &id, None)
            );
        }
    }
    if tenants_read {
        for id in gone(&ids.tenants, run) {
            if !run.going() {
                return Ok(());
            }
            let stored = run.tx.tenant(&run.caller.scope, &id).await?;
            let i = run.begin(PlanOp::Delete, ObjectKind::Tenant, &stored.domain, vec![]);
            let need = run.need(crud(Area::Tenants, Delete));
            step!(
                run,
                i,
                need,
                tenants::delete_with(&mut run.tx, at!(run), &id, None)
            );
        }
    }
    if groups_read {
        for id in gone(&ids.groups, run) {
            if !run.going() {
                return Ok(());
            }
            let stored = run.tx.group(&run.caller.scope, &id).await?;
            let i = run.begin(PlanOp::Delete, ObjectKind::Group, &stored.name, vec![]);
            let need = run.need(crud(Area::Groups, Delete));
            step!(
                run,
                i,
                need,
                groups::delete_with(&mut run.tx, at!(run), &id, None)
            );
        }
    }
    if cards_read {
        // Derived cards before the cards they derive from.
        for id in gone(&ids.cards, run).into_iter().rev() {
            if !run.going() {
                return Ok(());
            }
            let Some(stored) = run.tx.card(&run.caller.scope, &id).await? else {
                continue;
            };
            let i = run.begin(
                PlanOp::Delete,
                ObjectKind::RateCard,
                &stored.card.name,
                vec![],
            );
            let need = run.need(crud(Area::RateCards, Delete));
            step!(
                run,
                i,
                need,
                rate_cards::delete_with(&mut run.tx, at!(run), &id, None)
            );
        }
    }
    let root_id = run.root_id.clone();
    for id in gone(&ids.dealers, run).into_iter().rev() {
        if !run.going() {
            return Ok(());
        }
        if id == root_id {
            continue;
        }
        let stored = run.tx.dealer_row(&id).await?;
        let i = run.begin(PlanOp::Delete, ObjectKind::Dealer, &stored.name, vec![]);
        let need = run.need(crud(Area::Dealers, Delete));
        step!(
            run,
            i,
            need,
            dealers::delete_with(&mut run.tx, at!(run), &id, None)
        );
    }
    Ok(())
}

//! Dealers in a document: parents before their children, the root only for its own fields.

use crate::model::*;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::{Acting, dealers};

use super::super::run::{KnownDealer, Run, change, set};
use super::{begin_toggle, crud, refused};

use Action::{Create, Update};

/// Dealers, parents before their children; the root only for its own fields.
pub async fn dealers(run: &mut Run<'_>, doc: &ChannelDocument) -> ApiResult<()> {
    let mut pending: Vec<&DocDealer> = doc.dealers.iter().collect();
    while !pending.is_empty() && run.going() {
        let mut waiting = Vec::new();
        for d in &pending {
            if !run.going() {
                return Ok(());
            }
            match d.parent.as_deref() {
                None => root(run, d).await?,
                Some(parent) => match run.dealer("parent", parent) {
                    Ok(parent_id) => dealer(run, d, &parent_id).await?,
                    Err(_) => waiting.push(*d),
                },
            }
        }
        if waiting.len() == pending.len() {
            // No parent among them is known, nor made by another: each is refused.
            for d in waiting {
                let e = match run.dealer("parent", d.parent.as_deref().unwrap_or_default()) {
                    Err(e) => e,
                    Ok(_) => ApiError::not_found(),
                };
                refused(run, PlanOp::Create, ObjectKind::Dealer, &d.name, e)?;
            }
            return Ok(());
        }
        pending = waiting;
    }
    Ok(())
}

async fn root(run: &mut Run<'_>, d: &DocDealer) -> ApiResult<()> {
    let root_id = run.root_id.clone();
    let stored = run.tx.dealer_row(&root_id).await?;
    if !d.name.eq_ignore_ascii_case(&stored.name) {
        let e = ApiError::invalid_field(
            "parent",
            format!(
                "is required: only the dealer at the top ({}) is listed without one",
                stored.name
            ),
        );
        return refused(run, PlanOp::Create, ObjectKind::Dealer, &d.name, e);
    }
    existing_dealer(run, d, stored).await
}

async fn dealer(run: &mut Run<'_>, d: &DocDealer, parent_id: &str) -> ApiResult<()> {
    let found = run
        .tx
        .child_named(&run.caller.scope, parent_id, &d.name)
        .await?;
    if let Some(id) = found {
        let stored = run.tx.dealer_row(&id).await?;
        return existing_dealer(run, d, stored).await;
    }
    let mut changes = Vec::new();
    set(&mut changes, "name", &d.name);
    set(&mut changes, "parent", &d.parent);
    set(&mut changes, "level", &d.level.unwrap_or_default());
    for (field, v) in [
        ("display_name", &d.display_name),
        ("email", &d.email),
        ("phone", &d.phone),
        ("address", &d.address),
        ("notes", &d.notes),
    ] {
        if let Some(v) = v {
            set(&mut changes, field, v);
        }
    }
    if let Some(p) = &d.package {
        set(&mut changes, "package", p);
    }
    let i = run.begin(PlanOp::Create, ObjectKind::Dealer, &d.name, changes);
    let need = run
        .need(crud(Area::Dealers, Create))
        .and_then(|()| match d.package {
            Some(_) => run.need(crud(Area::Packages, Update)),
            None => Ok(()),
        });
    let new = NewDealer {
        parent_id: parent_id.into(),
        level: d.level.unwrap_or_default(),
        name: d.name.clone(),
        display_name: d.display_name.clone().unwrap_or_default(),
        email: d.email.clone().unwrap_or_default(),
        phone: d.phone.clone().unwrap_or_default(),
        address: d.address.clone().unwrap_or_default(),
        notes: d.notes.clone().unwrap_or_default(),
        package: d.package.map(Package::from),
    };
    let made = step!(
        run,
        i,
        need,
        dealers::create_with(&mut run.tx, at!(run), new)
    );
    if let Some(made) = made {
        let id = made.id.to_string();
        run.named.insert(id.clone());
        run.dealers.push(KnownDealer {
            id: id.clone(),
            parent_id: Some(parent_id.to_string()),
            name: made.name.clone(),
        });
        if d.enabled == Some(false) {
            let i = run.begin(PlanOp::Suspend, ObjectKind::Dealer, &d.name, vec![]);
            let need = run.need(Permission::DealersSuspend);
            step!(
                run,
                i,
                need,
                dealers::set_enabled_with(&mut run.tx, at!(run), &id, false)
            );
        }
    }
    Ok(())
}

async fn existing_dealer(run: &mut Run<'_>, d: &DocDealer, stored: Dealer) -> ApiResult<()> {
    let id = stored.id.to_string();
    run.named.insert(id.clone());
    if let Some(level) = d.level
        && level != stored.level
    {
        let e = ApiError::invalid_field(
            "level",
            format!(
                "cannot change: {} is a {}",
                stored.name,
                stored.level.label()
            ),
        );
        return refused(run, PlanOp::Update, ObjectKind::Dealer, &d.name, e);
    }
    let mut changes = Vec::new();
    let mut patch = DealerPatch::default();
    for (field, before, after, slot) in [
        (
            "display_name",
            &stored.display_name,
            &d.display_name,
            &mut patch.display_name,
        ),
        ("email", &stored.email, &d.email, &mut patch.email),
        ("phone", &stored.phone, &d.phone, &mut patch.phone),
        ("address", &stored.address, &d.address, &mut patch.address),
        ("notes", &stored.notes, &d.notes, &mut patch.notes),
    ] {
        if change(&mut changes, field, before, after.as_ref()) {
            *slot = after.clone();
        }
    }
    if !changes.is_empty() {
        let i = run.begin(PlanOp::Update, ObjectKind::Dealer, &stored.name, changes);
        let need = run.need(crud(Area::Dealers, Update));
        step!(
            run,
            i,
            need,
            dealers::update_with(&mut run.tx, at!(run), &id, None, patch)
        );
    }
    let mut changes = Vec::new();
    let before = DocPackage::from(stored.package);
    if run.going() && change(&mut changes, "package", &before, d.package.as_ref()) {
        let i = run.begin(PlanOp::Update, ObjectKind::Dealer, &stored.name, changes);
        let need = run.need(crud(Area::Packages, Update));
        let p = d.package.map(Package::from).unwrap_or(stored.package);
        step!(
            run,
            i,
            need,
            dealers::package_with(&mut run.tx, at!(run), &id, None, p)
        );
    }
    if let Some(enabled) = d.enabled
        && enabled != stored.enabled
        && run.going()
    {
        let i = begin_toggle(
            run,
            ObjectKind::Dealer,
            &stored.name,
            stored.enabled,
            enabled,
        );
        let need = run.need(Permission::DealersSuspend);
        step!(
            run,
            i,
            need,
            dealers::set_enabled_with(&mut run.tx, at!(run), &id, enabled)
        );
    }
    Ok(())
}

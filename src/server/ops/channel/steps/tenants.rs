//! Tenants in a document, matched by their SIP domain; the card that bills one, by name.

use crate::model::*;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::{Acting, tenants};

use super::super::run::{Run, change, set};
use super::{begin_toggle, crud, refused};

use Action::{Create, Update};

/// The card a tenant of `dealer_id` is billed with, by name (`""`: none).
async fn tenant_card(run: &mut Run<'_>, dealer_id: &str, name: &str) -> ApiResult<RateCardId> {
    if name.is_empty() {
        return Ok(RateCardId::from(String::new()));
    }
    match run.tx.card_usable_named(dealer_id, name).await? {
        Some(id) => Ok(id.into()),
        None => Err(ApiError::invalid_field(
            "rate_card",
            format!("`{name}` names no card the tenant's dealer owns or was handed"),
        )),
    }
}

/// Tenants, matched by domain; one of another dealer is refused (that is a move).
pub async fn tenants(run: &mut Run<'_>, doc: &ChannelDocument) -> ApiResult<()> {
    for t in &doc.tenants {
        if !run.going() {
            break;
        }
        let domain = t.domain.trim().to_lowercase();
        let dealer_id = match run.dealer("dealer", &t.dealer) {
            Ok(id) => id,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::Tenant, &domain, e)?;
                continue;
            }
        };
        let found = run.tx.tenant_by_domain(&run.caller.scope, &domain).await?;
        if let Some(id) = found {
            existing_tenant(run, t, &id, &dealer_id).await?;
            continue;
        }
        let mut changes = Vec::new();
        set(&mut changes, "name", &t.name);
        set(&mut changes, "dealer", &t.dealer);
        for (field, v) in [
            ("extensions", t.extensions),
            ("concurrent_calls", t.concurrent_calls),
            ("recording_minutes", t.recording_minutes),
        ] {
            set(&mut changes, field, &v.unwrap_or(0));
        }
        set(
            &mut changes,
            "high_availability",
            &t.high_availability.unwrap_or(false),
        );
        if let Some(c) = t.rate_card.as_ref().filter(|c| !c.is_empty()) {
            set(&mut changes, "rate_card", c);
        }
        let i = run.begin(PlanOp::Create, ObjectKind::Tenant, &domain, changes);
        let card =
            match tenant_card(run, &dealer_id, t.rate_card.as_deref().unwrap_or_default()).await {
                Ok(c) => c,
                Err(e) => {
                    run.refuse(i, e)?;
                    continue;
                }
            };
        let new = NewTenant {
            dealer_id: dealer_id.clone().into(),
            name: t.name.clone(),
            domain: domain.clone(),
            extensions: t.extensions.unwrap_or(0),
            concurrent_calls: t.concurrent_calls.unwrap_or(0),
            recording_minutes: t.recording_minutes.unwrap_or(0),
            high_availability: t.high_availability.unwrap_or(false),
            rate_card_id: Some(card).filter(|c| !c.as_str().is_empty()),
        };
        let need = run.need(crud(Area::Tenants, Create));
        if let Some(made) = step!(
            run,
            i,
            need,
            tenants::create_with(&mut run.tx, at!(run), new)
        ) {
            let id = made.id.to_string();
            run.named.insert(id.clone());
            if t.enabled == Some(false) {
                let i = run.begin(PlanOp::Suspend, ObjectKind::Tenant, &domain, vec![]);
                let need = run.need(Permission::TenantsSuspend);
                step!(
                    run,
                    i,
                    need,
                    tenants::set_enabled_with(&mut run.tx, at!(run), &id, false)
                );
            }
        }
    }
    Ok(())
}

async fn existing_tenant(
    run: &mut Run<'_>,
    t: &DocTenant,
    id: &str,
    dealer_id: &str,
) -> ApiResult<()> {
    run.named.insert(id.to_string());
    let stored = run.tx.tenant(&run.caller.scope, id).await?;
    if stored.dealer_id.as_str() != dealer_id {
        let e = ApiError::invalid_field(
            "dealer",
            format!(
                "{} belongs to {}: a plan does not move tenants; use move",
                stored.domain, stored.dealer_name
            ),
        );
        return refused(run, PlanOp::Update, ObjectKind::Tenant, &stored.domain, e);
    }
    let mut changes = Vec::new();
    let mut patch = TenantPatch::default();
    if change(&mut changes, "name", &stored.name, Some(&t.name)) {
        patch.name = Some(t.name.clone());
    }
    for (field, before, after, slot) in [
        (
            "extensions",
            stored.extensions,
            t.extensions,
            &mut patch.extensions,
        ),
        (
            "concurrent_calls",
            stored.concurrent_calls,
            t.concurrent_calls,
            &mut patch.concurrent_calls,
        ),
        (
            "recording_minutes",
            stored.recording_minutes,
            t.recording_minutes,
            &mut patch.recording_minutes,
        ),
    ] {
        if change(&mut changes, field, &before, after.as_ref()) {
            *slot = after;
        }
    }
    if change(
        &mut changes,
        "high_availability",
        &stored.high_availability,
        t.high_availability.as_ref(),
    ) {
        patch.high_availability = t.high_availability;
    }
    let card_before = stored.rate_card_name.clone().unwrap_or_default();
    let card_changes = t
        .rate_card
        .as_ref()
        .is_some_and(|c| !c.eq_ignore_ascii_case(&card_before));
    if card_changes {
        change(
            &mut changes,
            "rate_card",
            &card_before,
            t.rate_card.as_ref(),
        );
    }
    if !changes.is_empty() {
        let i = run.begin(PlanOp::Update, ObjectKind::Tenant, &stored.domain, changes);
        if card_changes {
            match tenant_card(run, dealer_id, t.rate_card.as_deref().unwrap_or_default()).await {
                Ok(c) => patch.rate_card_id = Some(c),
                Err(e) => return run.refuse(i, e),
            }
        }
        let need = run.need(crud(Area::Tenants, Update));
        step!(
            run,
            i,
            need,
            tenants::update_with(&mut run.tx, at!(run), id, None, patch)
        );
    }
    if let Some(enabled) = t.enabled
        && enabled != stored.enabled
        && run.going()
    {
        let i = begin_toggle(
            run,
            ObjectKind::Tenant,
            &stored.domain,
            stored.enabled,
            enabled,
        );
        let need = run.need(Permission::TenantsSuspend);
        step!(
            run,
            i,
            need,
            tenants::set_enabled_with(&mut run.tx, at!(run), id, enabled)
        );
    }
    Ok(())
}

//! The steps of a document, kind by kind: each object matched to what is stored (dealers by
//! parent and name, tenants by domain, logins by e-mail, groups and cards by dealer and name),
//! then created or changed in only the fields that differ, through the same operation (and the
//! same permission) as its own route; with prune, what the document leaves out is deleted.

use crate::domain::validate;
use crate::model::*;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::rate_cards::pricing::parse_markup;
use crate::server::ops::{Acting, dealers, groups, rate_cards, tenants, users};
use crate::server::store::markup_rule;

use super::run::{KnownDealer, Run, change, set};

use Action::{Create, Delete, Read, Update};

/// The caller acting through a run, borrowing only the fields beside its transaction.
macro_rules! at {
    ($run:expr) => {
        Acting {
            store: &*$run.st.store,
            scope: &$run.caller.scope,
            actor: &$run.actor,
        }
    };
}

/// Runs one step: the permission first, then the operation between a savepoint and its release.
macro_rules! step {
    ($run:expr, $index:expr, $need:expr, $op:expr) => {{
        match $need {
            Err(e) => {
                $run.refuse($index, e)?;
                None
            }
            Ok(()) => {
                $run.start().await?;
                let r = $op.await.map_err(ApiError::from);
                $run.settle($index, r).await?
            }
        }
    }};
}

/// Lists a step that cannot even start, with its refusal.
fn refused(
    run: &mut Run<'_>,
    op: PlanOp,
    kind: ObjectKind,
    name: &str,
    e: ApiError,
) -> ApiResult<()> {
    let i = run.begin(op, kind, name, vec![]);
    run.refuse(i, e)
}

fn crud(area: Area, action: Action) -> Permission {
    Permission::Crud(area, action)
}

/// The suspend or resume step of an object whose `enabled` differs.
fn toggle(enabled: bool) -> PlanOp {
    if enabled {
        PlanOp::Resume
    } else {
        PlanOp::Suspend
    }
}

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
        let changes = vec![FieldChange {
            field: "enabled".into(),
            before: stored.enabled.into(),
            after: enabled.into(),
        }];
        let i = run.begin(toggle(enabled), ObjectKind::Dealer, &stored.name, changes);
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

/// Customer rate cards, in the document's order (a card before those derived from it).
pub async fn rate_cards(run: &mut Run<'_>, doc: &ChannelDocument) -> ApiResult<()> {
    for c in &doc.rate_cards {
        if !run.going() {
            break;
        }
        let dealer_id = match run.dealer("dealer", &c.dealer) {
            Ok(id) => id,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::RateCard, &c.name, e)?;
                continue;
            }
        };
        let markup = match c.markup.as_ref().map(parse_markup).transpose() {
            Ok(m) => m,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::RateCard, &c.name, e.into())?;
                continue;
            }
        };
        let found = run
            .tx
            .card_named(&run.caller.scope, &dealer_id, &c.name)
            .await?;
        if let Some(id) = found {
            run.named.insert(id.clone());
            let Some(stored) = run.tx.card(&run.caller.scope, &id).await? else {
                continue;
            };
            let parent = stored.card.parent_card_name.clone().unwrap_or_default();
            if !parent.eq_ignore_ascii_case(&c.parent) {
                let e = ApiError::invalid_field(
                    "parent",
                    format!(
                        "cannot change: {} is derived from {parent}",
                        stored.card.name
                    ),
                );
                refused(run, PlanOp::Update, ObjectKind::RateCard, &c.name, e)?;
                continue;
            }
            let mut changes = Vec::new();
            let mut patch = RateCardPatch::default();
            let before = stored.markup.map(markup_rule);
            let after = markup.map(markup_rule);
            if change(
                &mut changes,
                "markup",
                &before,
                after.as_ref().map(|_| &after),
            ) {
                patch.markup = after;
            }
            if change(
                &mut changes,
                "allow_below_cost",
                &stored.card.allow_below_cost,
                c.allow_below_cost.as_ref(),
            ) {
                patch.allow_below_cost = c.allow_below_cost;
            }
            if !changes.is_empty() {
                let i = run.begin(PlanOp::Update, ObjectKind::RateCard, &c.name, changes);
                let need = run.need(crud(Area::RateCards, Update));
                step!(
                    run,
                    i,
                    need,
                    rate_cards::update_with(&mut run.tx, at!(run), &id, None, patch)
                );
            }
            continue;
        }
        let mut changes = Vec::new();
        set(&mut changes, "dealer", &c.dealer);
        set(&mut changes, "parent", &c.parent);
        set(&mut changes, "markup", &markup.map(markup_rule));
        set(
            &mut changes,
            "allow_below_cost",
            &c.allow_below_cost.unwrap_or(false),
        );
        let i = run.begin(PlanOp::Create, ObjectKind::RateCard, &c.name, changes);
        let parent_id = match run.tx.card_usable_named(&dealer_id, &c.parent).await? {
            Some(id) => id,
            None => {
                let e = ApiError::invalid_field(
                    "parent",
                    format!(
                        "`{}` names no card {} owns or was handed",
                        c.parent, c.dealer
                    ),
                );
                run.refuse(i, e)?;
                continue;
            }
        };
        let new = NewRateCard {
            dealer_id: dealer_id.clone().into(),
            name: c.name.clone(),
            currency: None,
            kind: None,
            parent_card_id: Some(parent_id.into()),
            markup: c.markup.clone(),
            allow_below_cost: c.allow_below_cost.unwrap_or(false),
        };
        let need = run.need(crud(Area::RateCards, Create));
        if let Some(made) = step!(
            run,
            i,
            need,
            rate_cards::create_with(&mut run.tx, at!(run), new)
        ) {
            run.named.insert(made.card.id.to_string());
        }
    }
    Ok(())
}

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
        let changes = vec![FieldChange {
            field: "enabled".into(),
            before: stored.enabled.into(),
            after: enabled.into(),
        }];
        let i = run.begin(toggle(enabled), ObjectKind::Tenant, &stored.domain, changes);
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

/// The groups a login of `dealer_id` is to belong to, by name; 403 for one granting what the
/// caller does not hold (as for `POST /users`).
async fn user_groups(
    run: &mut Run<'_>,
    dealer_id: &str,
    names: &[String],
) -> ApiResult<Vec<GroupId>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let Some(id) = run
            .tx
            .group_usable_named(&run.caller.scope, dealer_id, name)
            .await?
        else {
            return Err(ApiError::invalid_field(
                "groups",
                format!("`{name}` names no group of the login's dealer or a dealer above it"),
            ));
        };
        let g = run.tx.group(&run.caller.scope, &id).await?;
        ApiError::unless_held(&run.caller.permissions.missing(&g.permissions), |missing| {
            format!(
                "group {} grants permissions you do not hold: {missing}",
                g.name
            )
        })?;
        ids.push(GroupId::from(id));
    }
    Ok(ids)
}

/// Logins, matched by e-mail; a new one is mailed its activation link after the commit.
pub async fn users(run: &mut Run<'_>, doc: &ChannelDocument) -> ApiResult<()> {
    for u in &doc.users {
        if !run.going() {
            break;
        }
        let email = match validate::email("email", &u.email) {
            Ok(e) => e,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::User, &u.email, e.into())?;
                continue;
            }
        };
        let dealer_id = match run.dealer("dealer", &u.dealer) {
            Ok(id) => id,
            Err(e) => {
                refused(run, PlanOp::Create, ObjectKind::User, &email, e)?;
                continue;
            }
        };
        let found = run.tx.user_by_email(&run.caller.scope, &email).await?;
        if let Some(id) = found {
            existing_user(run, u, &id, &dealer_id).await?;
            continue;
        }
        let mut changes = Vec::new();
        set(&mut changes, "dealer", &u.dealer);
        set(
            &mut changes,
            "display_name",
            &u.display_name.clone().unwrap_or_default(),
        );
        set(
            &mut changes,
            "groups",
            &u.groups.clone().unwrap_or_default(),
        );
        let i = run.begin(PlanOp::Create, ObjectKind::User, &email, changes);
        let group_ids =
            match user_groups(run, &dealer_id, u.groups.as_deref().unwrap_or_default()).await {
                Ok(ids) => ids,
                Err(e) => {
                    run.refuse(i, e)?;
                    continue;
                }
            };
        let new = NewUser {
            dealer_id: dealer_id.clone().into(),
            email: email.clone(),
            display_name: u.display_name.clone().unwrap_or_default(),
            group_ids,
        };
        let (token, link) = users::new_link(run.st);
        let need = run.need(crud(Area::Users, Create));
        if let Some(made) = step!(
            run,
            i,
            need,
            users::create_with(&mut run.tx, at!(run), new, link)
        ) {
            let id = made.id.to_string();
            run.named.insert(id.clone());
            run.invited.push((email.clone(), token));
            if u.enabled == Some(false) {
                let i = run.begin(PlanOp::Suspend, ObjectKind::User, &email, vec![]);
                let need = run.need(crud(Area::Users, Update));
                let patch = UserPatch {
                    enabled: Some(false),
                    ..UserPatch::default()
                };
                step!(
                    run,
                    i,
                    need,
                    users::update_with(&mut run.tx, at!(run), &id, None, patch)
                );
            }
        }
    }
    Ok(())
}

async fn existing_user(run: &mut Run<'_>, u: &DocUser, id: &str, dealer_id: &str) -> ApiResult<()> {
    run.named.insert(id.to_string());
    let stored = run.tx.user(&run.caller.scope, id).await?;
    if stored.dealer_id.as_str() != dealer_id {
        let e = ApiError::invalid_field(
            "dealer",
            format!(
                "{} is a login of {}: logins are not moved",
                stored.email, stored.dealer_name
            ),
        );
        return refused(run, PlanOp::Update, ObjectKind::User, &stored.email, e);
    }
    let mut held = run.tx.group_names(&stored.group_ids).await?;
    held.sort_by_key(|g| g.to_lowercase());
    let mut wanted = u.groups.clone();
    if let Some(w) = wanted.as_mut() {
        w.sort_by_key(|g| g.to_lowercase());
    }
    let mut changes = Vec::new();
    let mut patch = UserPatch::default();
    if change(
        &mut changes,
        "display_name",
        &stored.display_name,
        u.display_name.as_ref(),
    ) {
        patch.display_name = u.display_name.clone();
    }
    let regroup = change(&mut changes, "groups", &held, wanted.as_ref());
    if !changes.is_empty() {
        let i = run.begin(PlanOp::Update, ObjectKind::User, &stored.email, changes);
        if regroup {
            let ids = match user_groups(run, dealer_id, wanted.as_deref().unwrap_or_default()).await
            {
                Ok(ids) => ids,
                Err(e) => return run.refuse(i, e),
            };
            patch.group_ids = Some(ids);
        }
        let mut need = run.need(crud(Area::Users, Update));
        if need.is_ok() && regroup {
            need = users::not_more_powerful(run.st, run.caller, &stored).await;
        }
        step!(
            run,
            i,
            need,
            users::update_with(&mut run.tx, at!(run), id, None, patch)
        );
    }
    if let Some(enabled) = u.enabled
        && enabled != stored.enabled
        && run.going()
    {
        let changes = vec![FieldChange {
            field: "enabled".into(),
            before: stored.enabled.into(),
            after: enabled.into(),
        }];
        let i = run.begin(toggle(enabled), ObjectKind::User, &stored.email, changes);
        let mut need = run.need(crud(Area::Users, Update));
        if need.is_ok() && !enabled && id == run.caller.user_id {
            need = Err(ApiError::forbidden("you cannot disable your own login"));
        }
        if need.is_ok() {
            need = users::not_more_powerful(run.st, run.caller, &stored).await;
        }
        let patch = UserPatch {
            enabled: Some(enabled),
            ..UserPatch::default()
        };
        step!(
            run,
            i,
            need,
            users::update_with(&mut run.tx, at!(run), id, None, patch)
        );
    }
    Ok(())
}

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

//! Logins in a document, matched by e-mail; their groups by name.

use crate::domain::validate;
use crate::model::*;
use crate::server::error::{ApiError, ApiResult};
use crate::server::ops::{Acting, users};

use super::super::run::{Run, change, set};
use super::{begin_toggle, crud, refused};

use Action::{Create, Update};

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
        let i = begin_toggle(
            run,
            ObjectKind::User,
            &stored.email,
            stored.enabled,
            enabled,
        );
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

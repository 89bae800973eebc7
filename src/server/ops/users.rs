//! User operations: logins, invited by mail; groups may be given only within what the caller
//! holds, and nobody changes a login that may do more than it may.

use serde_json::json;

use super::audited::{Audited, record_deleted, with};
use super::shared_commit::in_shared_commit;
use super::{Acting, Paging, page_of, unless_taken, visible};
use crate::domain::validate;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::auth::token::{hash_token, new_token};
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{
    Event, NewLinkToken, StoreError, StoreResult, WriteTx, check_version, now_micros,
};

impl Audited for User {
    const KIND: &'static str = "user";
    fn audit_id(&self) -> &str {
        &self.id
    }
    fn audit_name(&self) -> &str {
        &self.email
    }
    fn snapshot(&self) -> serde_json::Value {
        let u = self;
        json!({
            "dealer_id": u.dealer_id, "email": u.email, "display_name": u.display_name,
            "enabled": u.enabled, "status": u.status, "group_ids": u.group_ids,
            "dealer_name": u.dealer_name,
        })
    }
}

/// Checks groups to give a user of `dealer_id`: within the caller's permissions (403), and
/// usable by that dealer (422).
pub(super) async fn check_groups(
    st: &AppState,
    caller: &Caller,
    dealer_id: &str,
    groups: &[Group],
) -> ApiResult<()> {
    for g in groups {
        ApiError::unless_held(&caller.permissions.missing(&g.permissions), |names| {
            format!(
                "group {} grants permissions you do not hold: {names}",
                g.name
            )
        })?;
        if !st.store.group_usable_by(&g.id, dealer_id).await? {
            return Err(ApiError::invalid_field(
                "group_ids",
                format!(
                    "cannot include {}: it belongs to a dealer that is not above this user's dealer",
                    g.name
                ),
            ));
        }
    }
    Ok(())
}

/// 404 unless every group is visible in the scope and usable by the users of `dealer_id`, as
/// of this transaction.
async fn check_groups_usable(
    tx: &mut WriteTx,
    at: Acting<'_>,
    dealer_id: &str,
    group_ids: &[GroupId],
) -> StoreResult<()> {
    if tx.groups_usable(at.scope, dealer_id, group_ids).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Everything a login may do: the union of its groups' permissions.
pub async fn held_by(st: &AppState, user_id: &str) -> ApiResult<Vec<Permission>> {
    Ok(st
        .store
        .own_groups(user_id)
        .await?
        .into_iter()
        .flat_map(|g| g.permissions)
        .collect())
}

/// 403 unless everything `target` may do, the caller may do too: nobody disables, enables,
/// resets, deletes or regroups a more powerful login (the rule that already governs granting).
pub(super) async fn not_more_powerful(
    st: &AppState,
    caller: &Caller,
    target: &User,
) -> ApiResult<()> {
    let theirs = held_by(st, &target.id).await?;
    ApiError::unless_held(&caller.permissions.missing(&theirs), |names| {
        format!(
            "{} may do what you may not ({names}): only a login holding all of that can change it",
            target.email
        )
    })
}

/// A new link token (activation or reset) and the mail that carries it.
async fn send_link(
    st: &AppState,
    email: &str,
    subject: &str,
    intro: &str,
) -> ApiResult<NewLinkToken> {
    let (token, link) = new_link(st);
    mail_link(st, email, subject, intro, &token).await?;
    Ok(link)
}

/// A new link token: the token to mail and what is stored of it.
pub(super) fn new_link(st: &AppState) -> (String, NewLinkToken) {
    let token = new_token();
    let link = NewLinkToken {
        token_hash: hash_token(&token),
        expires_at: now_micros() + st.config.link_days as i64 * 86_400_000_000,
    };
    (token, link)
}

/// The activation of a new login, mailed (a plan mails it after its commit).
pub(super) async fn mail_activation(st: &AppState, email: &str, token: &str) -> ApiResult<()> {
    mail_link(
        st,
        email,
        "Your dealerctl login",
        &format!("An account was created for {email} on dealerctl."),
        token,
    )
    .await
}

/// Mails a link token.
async fn mail_link(
    st: &AppState,
    email: &str,
    subject: &str,
    intro: &str,
    token: &str,
) -> ApiResult<()> {
    let url = format!("{}/activate?token={token}", st.config.public_url());
    let body = format!(
        "{intro}\n\nSet your password here (the link works once and expires in {} days):\n\n{url}\n\nOr from a terminal:\n\n    dealerctl activate {token} --server {}\n",
        st.config.link_days,
        st.config.public_url()
    );
    st.mailer.send(email, subject, body).await.map_err(|e| {
        tracing::error!(error = %e, "sending mail failed");
        ApiError::new(
            crate::model::Refusal::MailFailed,
            "the link could not be mailed; nothing was changed",
        )
    })
}

/// Lists the users of the caller's subtree.
pub async fn list(
    st: &AppState,
    caller: &Caller,
    filter: UserFilter,
    paging: Paging,
) -> ApiResult<Page<User>> {
    visible::filter_dealer(st, caller, filter.dealer_id.as_deref()).await?;
    if let Some(g) = &filter.group_id {
        visible::group(st, caller, g).await?;
    }
    page_of(caller, paging, async |page| {
        st.store.list_users(&caller.scope, &filter, page).await
    })
    .await
}

pub async fn get(st: &AppState, caller: &Caller, id: &str) -> ApiResult<User> {
    visible::seen(caller, visible::user(st, caller, id).await)
}

/// Invites a user: it gets an activation link by mail and no password until it uses it.
pub async fn create(st: &AppState, caller: &Caller, new: NewUser) -> ApiResult<User> {
    visible::dealer(st, caller, &new.dealer_id).await?;
    let groups = visible::groups(st, caller, &new.group_ids).await?;
    caller.authorize()?;
    check_groups(st, caller, &new.dealer_id, &groups).await?;
    validate::email("email", &new.email)?;
    // The link is stored with the user in one transaction; the mail goes out first so that a
    // user is never created with a link nobody received.
    let email = new.email.trim().to_lowercase();
    unless_taken(
        st.store.login_record(&email).await?.is_some(),
        "email",
        &email,
    )?;
    let link = send_link(
        st,
        &email,
        "Your dealerctl login",
        &format!("An account was created for {email} on dealerctl."),
    )
    .await?;
    Ok(create_in(Acting::caller(st, caller), new, link).await?)
}

/// Creates an invited user with its link token, as `at.actor` in `at.scope`.
pub async fn create_in(at: Acting<'_>, new: NewUser, link: NewLinkToken) -> StoreResult<User> {
    in_shared_commit(at, move |tx, at| Box::pin(create_with(tx, at, new, link))).await
}

/// Creates an invited user in an open transaction, its event recorded but not committed.
pub async fn create_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    new: NewUser,
    link: NewLinkToken,
) -> StoreResult<User> {
    let email = validate::email("email", &new.email)?;
    let display = validate::text("display_name", &new.display_name, 100)?;
    let dealer = tx.dealer(Some(at.scope), &new.dealer_id).await?;
    check_groups_usable(tx, at, &dealer.id, &new.group_ids).await?;
    unless_taken(tx.email_taken(&email).await?, "email", &email)?;
    let id = tx.insert_user(&dealer.id, &email, &display).await?;
    tx.add_memberships(&id, &new.group_ids).await?;
    tx.insert_link(&id, &link).await?;
    let user = tx.user(at.scope, &id).await?;
    let names = json!({ "group_names": tx.group_names(&user.group_ids).await? });
    let event = Event::new("user.create", "user", &user.id, &user.email)
        .after(with(user.snapshot(), names));
    tx.record(at.actor, &dealer.path, event).await?;
    Ok(user)
}

/// Changes display name, groups (those the caller can see) or enabled; disabling ends its
/// sessions. A dry run answers whether the login stops (or starts again) working.
pub async fn update(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
    patch: UserPatch,
    dry_run: bool,
) -> ApiResult<OrImpact<User>> {
    let user = visible::user(st, caller, id).await?;
    let groups =
        visible::groups(st, caller, patch.group_ids.as_deref().unwrap_or_default()).await?;
    caller.authorize()?;
    if id == caller.user_id && patch.enabled == Some(false) {
        return Err(ApiError::forbidden("you cannot disable your own login"));
    }
    if patch.enabled.is_some() || patch.group_ids.is_some() {
        not_more_powerful(st, caller, &user).await?;
    }
    check_groups(st, caller, &user.dealer_id, &groups).await?;
    let at = Acting::caller(st, caller);
    let mut tx = at.store.write().await?;
    if !dry_run {
        let after = update_with(&mut tx, at, id, if_version, patch).await?;
        tx.commit().await?;
        return Ok(OrImpact::Done(after));
    }
    let before = change(&mut tx, at, id, if_version, &patch).await?;
    let after = tx.user(at.scope, id).await?;
    tx.roll_back().await?;
    Ok(OrImpact::Impact(Impact {
        logins: i64::from(before.enabled != after.enabled),
        ..Impact::default()
    }))
}

/// Changes a login in an open transaction (its sessions end when it is disabled), its event
/// recorded but not committed.
pub async fn update_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: UserPatch,
) -> StoreResult<User> {
    let before = change(tx, at, id, if_version, &patch).await?;
    if patch.enabled == Some(false) {
        tx.revoke_sessions(id).await?;
    }
    let after = tx.user(at.scope, id).await?;
    let path = tx.dealer_path(&before.dealer_id).await?;
    let names_before = json!({ "group_names": tx.group_names(&before.group_ids).await? });
    let names_after = json!({ "group_names": tx.group_names(&after.group_ids).await? });
    let event = Event::new("user.update", "user", &after.id, &after.email)
        .before(with(before.snapshot(), names_before))
        .after(with(after.snapshot(), names_after));
    tx.record(at.actor, &path, event).await?;
    Ok(after)
}

/// The change of a login, made but not yet recorded: the login before.
async fn change(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
    patch: &UserPatch,
) -> StoreResult<User> {
    let before = tx.lock_user(at.scope, id).await?;
    check_version(if_version, before.version)?;
    let display = patch
        .display_name
        .as_deref()
        .map(|v| validate::text("display_name", v, 100))
        .transpose()?;
    tx.update_user(id, display.as_deref(), patch.enabled)
        .await?;
    if let Some(groups) = &patch.group_ids {
        check_groups_usable(tx, at, &before.dealer_id, groups).await?;
        // Only memberships the caller can see are replaced; others stay as they are.
        tx.remove_memberships(at.scope, id).await?;
        tx.add_memberships(id, groups).await?;
    }
    Ok(before)
}

/// Deletes a login (never one's own) with its sessions and the views as it.
pub async fn delete(
    st: &AppState,
    caller: &Caller,
    id: &str,
    if_version: Option<i64>,
) -> ApiResult<()> {
    let user = visible::user(st, caller, id).await?;
    caller.authorize()?;
    if id == caller.user_id {
        return Err(ApiError::forbidden("you cannot delete your own login"));
    }
    not_more_powerful(st, caller, &user).await?;
    let at = Acting::caller(st, caller);
    let mut tx = at.store.write().await?;
    delete_with(&mut tx, at, id, if_version).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a login in an open transaction, its event recorded but not committed.
pub async fn delete_with(
    tx: &mut WriteTx,
    at: Acting<'_>,
    id: &str,
    if_version: Option<i64>,
) -> StoreResult<()> {
    let before = tx.lock_user(at.scope, id).await?;
    check_version(if_version, before.version)?;
    // View-as sessions started by this user go too.
    tx.revoke_sessions(id).await?;
    tx.delete_user(id).await?;
    let path = tx.dealer_path(&before.dealer_id).await?;
    record_deleted(tx, at.actor, &path, "user.delete", &before).await
}

/// Mails a new link; the old password stops working at once, and the user's sessions end.
pub async fn reset_password(st: &AppState, caller: &Caller, id: &str) -> ApiResult<()> {
    let user = visible::user(st, caller, id).await?;
    caller.authorize()?;
    not_more_powerful(st, caller, &user).await?;
    let link = send_link(
        st,
        &user.email,
        "Reset your dealerctl password",
        "A password reset was requested for your dealerctl login.",
    )
    .await?;
    let at = Acting::caller(st, caller);
    let mut tx = at.store.write().await?;
    let user = tx.user(at.scope, id).await?;
    tx.clear_password(id).await?;
    tx.revoke_sessions(id).await?;
    tx.insert_link(id, &link).await?;
    let path = tx.dealer_path(&user.dealer_id).await?;
    let event = Event::new("user.reset_password", "user", id, &user.email);
    tx.commit_with(at.actor, &path, event).await?;
    Ok(())
}

//! `/users`: logins, invited by mail; groups may be given only within what the caller holds.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::auth::token::{hash_token, new_token};
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::server::state::AppState;
use crate::server::store::{NewLinkToken, Refusal, now_micros};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Case-insensitive substring of e-mail or display name.
    pub q: Option<String>,
    pub dealer_id: Option<String>,
    pub group_id: Option<String>,
    pub status: Option<UserStatus>,
}

async fn visible_user(st: &AppState, caller: &Caller, id: &str) -> ApiResult<User> {
    st.store
        .get_user(&caller.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The groups a body names, each visible in the caller's scope (404 otherwise).
async fn visible_groups(
    st: &AppState,
    caller: &Caller,
    group_ids: &[String],
) -> ApiResult<Vec<Group>> {
    let mut groups = Vec::with_capacity(group_ids.len());
    for id in group_ids {
        groups.push(
            st.store
                .get_group(&caller.scope, id)
                .await?
                .ok_or_else(ApiError::not_found)?,
        );
    }
    Ok(groups)
}

/// Checks groups to give a user of `dealer_id`: within the caller's permissions (403), and
/// usable by that dealer (422).
async fn check_groups(
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

/// Everything a login may do: the union of its groups' permissions.
pub(super) async fn held_by(st: &AppState, user_id: &str) -> ApiResult<Vec<Permission>> {
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
async fn not_more_powerful(st: &AppState, caller: &Caller, target: &User) -> ApiResult<()> {
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
    let token = new_token();
    let link = NewLinkToken {
        token_hash: hash_token(&token),
        expires_at: now_micros() + st.config.link_days as i64 * 86_400_000_000,
    };
    let url = format!("{}/activate?token={token}", st.config.public_url());
    let body = format!(
        "{intro}\n\nSet your password here (the link works once and expires in {} days):\n\n{url}\n\nOr from a terminal:\n\n    dealerctl activate {token} --server {}\n",
        st.config.link_days,
        st.config.public_url()
    );
    st.mailer.send(email, subject, body).await.map_err(|e| {
        tracing::error!(error = %e, "sending mail failed");
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "mail_failed",
            "the link could not be mailed; nothing was changed",
        )
    })?;
    Ok(link)
}

/// Lists the users of the caller's subtree.
#[utoipa::path(get, path = "/users", tag = "users", params(UserQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<User>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<Page<User>>> {
    if let Some(d) = &q.dealer_id {
        super::dealers::visible_dealer(&st, &caller, d).await?;
    }
    if let Some(g) = &q.group_id {
        st.store
            .get_group(&caller.scope, g)
            .await?
            .ok_or_else(ApiError::not_found)?;
    }
    caller.authorize()?;
    let page = super::page(q.limit, q.cursor, q.q)?;
    let filter = UserFilter {
        dealer_id: q.dealer_id,
        group_id: q.group_id,
        status: q.status,
    };
    Ok(Json(
        st.store.list_users(&caller.scope, &filter, &page).await?,
    ))
}

/// Invites a user: it gets an activation link by mail and no password until it uses it.
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUser, security(("bearer" = [])),
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    super::dealers::visible_dealer(&st, &caller, &new.dealer_id).await?;
    let groups = visible_groups(&st, &caller, &new.group_ids).await?;
    caller.authorize()?;
    check_groups(&st, &caller, &new.dealer_id, &groups).await?;
    crate::domain::validate::email("email", &new.email)?;
    // The link is stored with the user in one transaction; the mail goes out first so that a
    // user is never created with a link nobody received.
    let email = new.email.trim().to_lowercase();
    if st.store.login_record(&email).await?.is_some() {
        return Err(Refusal::Taken {
            field: "email",
            value: email,
        }
        .into());
    }
    let link = send_link(
        &st,
        &email,
        "Your dealerctl login",
        &format!("An account was created for {email} on dealerctl."),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            st.store
                .create_user(&caller.scope, &caller.actor, new, link)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<User>> {
    let u = visible_user(&st, &caller, &id).await?;
    caller.authorize()?;
    Ok(Json(u))
}

/// Changes display name, groups (those the caller can see) or enabled; disabling ends its sessions.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = UserPatch, security(("bearer" = [])),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(patch): ApiJson<UserPatch>,
) -> ApiResult<Json<User>> {
    let user = visible_user(&st, &caller, &id).await?;
    let groups =
        visible_groups(&st, &caller, patch.group_ids.as_deref().unwrap_or_default()).await?;
    caller.authorize()?;
    if id == caller.user_id && patch.enabled == Some(false) {
        return Err(ApiError::forbidden("you cannot disable your own login"));
    }
    if patch.enabled.is_some() || patch.group_ids.is_some() {
        not_more_powerful(&st, &caller, &user).await?;
    }
    check_groups(&st, &caller, &user.dealer_id, &groups).await?;
    Ok(Json(
        st.store
            .update_user(&caller.scope, &caller.actor, &id, v, patch)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/users/{id}", tag = "users", params(("id" = String, Path), ("If-Match" = Option<String>, Header)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
) -> ApiResult<StatusCode> {
    let user = visible_user(&st, &caller, &id).await?;
    caller.authorize()?;
    if id == caller.user_id {
        return Err(ApiError::forbidden("you cannot delete your own login"));
    }
    not_more_powerful(&st, &caller, &user).await?;
    st.store
        .delete_user(&caller.scope, &caller.actor, &id, v)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a new link; the old password stops working at once.
#[utoipa::path(post, path = "/users/{id}/reset-password", tag = "users", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let user = visible_user(&st, &caller, &id).await?;
    caller.authorize()?;
    not_more_powerful(&st, &caller, &user).await?;
    let link = send_link(
        &st,
        &user.email,
        "Reset your dealerctl password",
        "A password reset was requested for your dealerctl login.",
    )
    .await?;
    st.store
        .reset_password(&caller.scope, &caller.actor, &id, link)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a user can see and do, and what looks wrong. The counts come from the very store calls
/// that answer the user's own list requests, under its own scope and permissions, so the report
/// and the user's view cannot disagree.
#[utoipa::path(get, path = "/users/{id}/scope", tag = "users", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ScopeReport), (status = 404, body = ErrorBody)))]
pub async fn scope(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ScopeReport>> {
    use crate::domain::permissions::PermissionSet;
    use crate::server::store::{PageRequest, Scope};
    let user = visible_user(&st, &caller, &id).await?;
    caller.authorize()?;
    let groups = st.store.own_groups(&user.id).await?;
    let held = PermissionSet::union_of(groups.iter().map(|g| g.permissions.as_slice()));
    let theirs = Scope::of_account(user.dealer_id.clone());
    let one = PageRequest {
        limit: 1,
        cursor: None,
        q: None,
    };
    let may = |area: Area| held.contains(Permission::Crud(area, Action::Read));
    let mut counts = ScopeCounts::default();
    if may(Area::Dealers) {
        counts.dealers = Some(
            st.store
                .list_dealers(&theirs, &DealerFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::Tenants) {
        counts.tenants = Some(
            st.store
                .list_tenants(&theirs, &TenantFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::Users) {
        counts.users = Some(
            st.store
                .list_users(&theirs, &UserFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::Groups) {
        counts.groups = Some(
            st.store
                .list_groups(&theirs, &GroupFilter::default(), &one)
                .await?
                .total,
        );
    }
    if may(Area::RateCards) {
        counts.rate_cards = Some(
            st.store
                .list_rate_cards(&theirs, &RateCardFilter::default(), &one)
                .await?
                .total,
        );
    }
    let permissions = held
        .to_vec()
        .into_iter()
        .map(|permission| PermissionSource {
            permission,
            groups: groups
                .iter()
                .filter(|g| g.permissions.contains(&permission))
                .map(|g| g.name.clone())
                .collect(),
        })
        .collect();
    let dealer = st
        .store
        .get_dealer(&caller.scope, &user.dealer_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut warnings = Vec::new();
    if groups.is_empty() {
        warnings.push("belongs to no group: it can do nothing at all".to_string());
    }
    if dealer.level == Level::Reseller {
        let idle: Vec<String> = [
            Permission::Crud(Area::Dealers, Action::Create),
            Permission::Crud(Area::Dealers, Action::Delete),
            Permission::Crud(Area::Packages, Action::Update),
            Permission::TenantsMove,
        ]
        .into_iter()
        .filter(|p| held.contains(*p))
        .map(|p| p.to_string())
        .collect();
        if !idle.is_empty() {
            warnings.push(format!(
                "holds {} that a reseller has no use for (it has no sub-dealers)",
                idle.join(", ")
            ));
        }
    }
    if !user.enabled {
        let live = st.store.live_sessions(&user.id, now_micros()).await?;
        if live > 0 {
            warnings.push(format!("disabled, yet holds {live} live session(s)"));
        }
    }
    // Whether the caller could view as this user, and what it lacks for that (the same rule
    // `POST /auth/impersonate` applies).
    let held_list = held.to_vec();
    let missing = crate::domain::permissions::view_as_missing(&caller.permissions, &held_list);
    Ok(Json(ScopeReport {
        user,
        dealer_name: dealer.name,
        dealer_level: dealer.level,
        counts,
        permissions,
        warnings,
        view_as: ViewAsCheck {
            allowed: missing.is_empty() && id != caller.user_id,
            missing,
        },
    }))
}

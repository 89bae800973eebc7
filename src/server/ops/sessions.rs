//! Session operations: signing out, viewing as another user, and what the caller is.

use super::visible;
use crate::domain::permissions::view_as_missing;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::auth::token::{hash_token, new_token};
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{NewSession, now_micros, time_of};

const MICROS: i64 = 1_000_000;

/// Revokes the session's token. A request made with an API key is refused (403): a key is
/// not a session, and is ended with `DELETE /api-keys/{id}` from a signed-in session.
pub async fn logout(st: &AppState, caller: &Caller) -> ApiResult<()> {
    if let Some(k) = &caller.api_key {
        return Err(ApiError::forbidden(format!(
            "the API key {} is not a session and cannot sign out: revoke it with DELETE /api-keys/{} from a login signed in with its password",
            k.name, k.id
        )));
    }
    Ok(st
        .store
        .close_session(&caller.token_hash, &caller.actor)
        .await?)
}

/// Starts viewing the system as a user in the caller's scope: a read-only session with exactly
/// that user's scope and permissions, for 15 minutes, every request of it audited with both
/// identities.
pub async fn impersonate(
    st: &AppState,
    caller: &Caller,
    req: ImpersonateRequest,
) -> ApiResult<ImpersonateResponse> {
    let target = visible::user(st, caller, &req.user_id).await?;
    caller.authorize()?;
    caller.refuse_api_key("view as someone")?;
    if caller.impersonator_id.is_some() {
        return Err(ApiError::forbidden(
            "you are already viewing as someone: return to your own login first",
        ));
    }
    if !req.read_only {
        return Err(ApiError::invalid_field(
            "read_only",
            "must be true: viewing as someone is read-only",
        ));
    }
    if target.id == caller.user_id {
        return Err(ApiError::invalid_field("user_id", "is your own login"));
    }
    // Viewing as someone never shows more than the viewer may see itself; the target's writes
    // do not matter, since the view cannot write.
    let theirs = super::users::held_by(st, &target.id).await?;
    ApiError::unless_held(&view_as_missing(&caller.permissions, &theirs), |names| {
        format!(
            "to view as {} you need what it can see: you lack {names}",
            target.email
        )
    })?;
    if target.status != UserStatus::Active {
        return Err(ApiError::new(
            Refusal::NotActive,
            format!(
                "{} is {} and has no view to see",
                target.email,
                target.status.as_str()
            ),
        ));
    }
    let token = new_token();
    let expires_at = now_micros() + st.config.impersonation_minutes as i64 * 60 * MICROS;
    let session = NewSession {
        token_hash: hash_token(&token),
        user_id: target.id.to_string(),
        impersonator_id: Some(caller.user_id.clone()),
        parent_session_id: Some(caller.session_id.clone()),
        read_only: true,
        expires_at,
    };
    st.store
        .open_session(session, &caller.actor, "auth.view_as_start")
        .await?;
    Ok(ImpersonateResponse {
        token,
        expires_at: time_of(expires_at)?,
    })
}

/// The signed-in user, its dealer, permissions and groups, and who is really behind a view-as session.
pub async fn me(st: &AppState, caller: &Caller) -> ApiResult<Me> {
    let user = st
        .store
        .own_user(&caller.user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let dealer = st.store.own_dealer(&caller.scope).await?;
    // A group owned above the caller's dealer is shown by name and permissions only.
    let own = st.store.own_groups(&caller.user_id).await?;
    let mut groups = Vec::with_capacity(own.len());
    for mut g in own {
        if st.store.get_group(&caller.scope, &g.id).await?.is_none() {
            g.dealer_id = String::new().into();
            g.dealer_name = String::new();
            g.members_count = 0;
            g.inherited = true;
        }
        groups.push(g);
    }
    let impersonation = match &caller.impersonator_id {
        Some(id) => Some(Impersonation {
            real_user: st
                .store
                .own_user(id)
                .await?
                .ok_or_else(ApiError::not_found)?,
            read_only: caller.read_only,
            expires_at: time_of(caller.expires_at)?,
        }),
        None => None,
    };
    Ok(Me {
        user,
        dealer,
        permissions: caller.permissions.to_vec(),
        groups,
        policy: st.config.policy,
        impersonation,
    })
}

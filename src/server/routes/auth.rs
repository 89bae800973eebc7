//! Sessions: sign-in (throttled), sign-out, activation and password links, and `/me`.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;

use crate::domain::validate;
use crate::model::*;
use crate::server::auth::caller::request_context;
use crate::server::auth::token::{hash_token, new_token};
use crate::server::auth::{Caller, password};
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::state::AppState;
use crate::server::store::{Actor, NewSession, format_time, now_micros};

/// The client's address and request id, for requests without a session.
pub struct Anonymous(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Anonymous {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let (client_addr, request_id) = request_context(parts);
        Ok(Anonymous(Actor {
            client_addr,
            request_id,
            ..Actor::default()
        }))
    }
}

const MICROS: i64 = 1_000_000;

/// 429 with the seconds until the oldest counted attempt leaves the window.
fn rate_limited(oldest_at: i64, now: i64, window: i64) -> ApiError {
    let retry = (oldest_at + window - now).max(MICROS) / MICROS;
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("too many failed sign-ins: try again in {retry} seconds"),
    );
    e.retry_after = Some(retry as u64);
    e
}

/// Signs in with e-mail and password and returns a bearer token.
#[utoipa::path(post, path = "/auth/login", tag = "sessions", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(st): State<AppState>,
    Anonymous(actor): Anonymous,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let email = req.email.trim().to_lowercase();
    let now = now_micros();
    let account_key = format!("account:{email}");
    let address_key = format!(
        "address:{}",
        actor.client_addr.as_deref().unwrap_or("unknown")
    );
    let limits = st.config.sign_in;
    let window = limits.window_seconds * MICROS;
    let keys = [
        (account_key.clone(), limits.max_failures_per_account),
        (address_key, limits.max_failures_per_address),
    ];
    let attempts = match st.store.reserve_sign_in(&keys, now - window, now).await? {
        Ok(ids) => ids,
        Err(oldest_at) => return Err(rate_limited(oldest_at, now, window)),
    };
    let record = st.store.login_record(&email).await?;
    let ok = password::verify(
        req.password,
        record.as_ref().and_then(|r| r.password_hash.clone()),
    )
    .await;
    let Some(record) = record.filter(|_| ok) else {
        st.store.record_failure(&email, &actor).await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong e-mail or password",
        ));
    };
    st.store.release_sign_in(&attempts).await?;
    let refused = if !record.enabled {
        Some(("account_disabled", "this login is disabled"))
    } else if !record.dealer_effective_enabled {
        Some(("account_suspended", "this dealer account is suspended"))
    } else {
        None
    };
    if let Some((code, message)) = refused {
        let actor = Actor {
            user_id: Some(record.user_id.clone()),
            email: Some(record.email.clone()),
            ..actor
        };
        st.store
            .audit_user_event(&record.user_id, "auth.sign_in_refused", &actor, None)
            .await?;
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, code, message));
    }
    st.store.clear_failures(&account_key).await?;
    let token = new_token();
    let expires_at = now + st.config.session_hours as i64 * 3600 * MICROS;
    let actor = Actor {
        user_id: Some(record.user_id.clone()),
        email: Some(record.email.clone()),
        ..actor
    };
    st.store
        .open_session(
            NewSession {
                token_hash: hash_token(&token),
                user_id: record.user_id.clone(),
                impersonator_id: None,
                read_only: false,
                expires_at,
            },
            &actor,
            "auth.sign_in",
        )
        .await?;
    let user = st
        .store
        .own_user(&record.user_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok(Json(LoginResponse {
        token,
        expires_at: format_time(expires_at),
        user,
    }))
}

/// Revokes the session's token.
#[utoipa::path(post, path = "/auth/logout", tag = "sessions", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(State(st): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    st.store
        .close_session(&caller.token_hash, &caller.actor)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the password with the token of an activation or reset link (one use).
#[utoipa::path(post, path = "/auth/activate", tag = "sessions", request_body = ActivateRequest,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn activate(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<ActivateRequest>,
) -> ApiResult<StatusCode> {
    set_password(&st, &req.token, req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uses a link token to set a password; shared by the API and the HTML page.
pub async fn set_password(st: &AppState, token: &str, new_password: String) -> ApiResult<()> {
    validate::password("password", &new_password)?;
    let hash = password::hash(new_password).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        ApiError::internal()
    })?;
    st.store
        .use_link_token(&hash_token(token.trim()), &hash, now_micros())
        .await?;
    Ok(())
}

/// Starts viewing the system as a user in the caller's scope: a read-only session with exactly
/// that user's scope and permissions, for 15 minutes, every request of it audited with both
/// identities.
#[utoipa::path(post, path = "/auth/impersonate", tag = "sessions", request_body = ImpersonateRequest, security(("bearer" = [])),
    responses((status = 200, body = ImpersonateResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn impersonate(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ImpersonateRequest>,
) -> ApiResult<Json<ImpersonateResponse>> {
    let target = st
        .store
        .get_user(&caller.scope, &req.user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    caller.require(Permission::Impersonate)?;
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
    // Viewing as someone never shows more than the viewer may see itself.
    let theirs: Vec<Permission> = st
        .store
        .own_groups(&target.id)
        .await?
        .into_iter()
        .flat_map(|g| g.permissions)
        .collect();
    let missing = caller.permissions.missing(&theirs);
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|p| p.to_string()).collect();
        return Err(ApiError::forbidden(format!(
            "{} holds permissions you do not: {}",
            target.email,
            names.join(", ")
        ))
        .with_details(serde_json::json!({ "missing": names })));
    }
    if target.status != UserStatus::Active {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_active",
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
        user_id: target.id.clone(),
        impersonator_id: Some(caller.user_id.clone()),
        read_only: true,
        expires_at,
    };
    st.store
        .open_session(session, &caller.actor, "auth.view_as_start")
        .await?;
    Ok(Json(ImpersonateResponse {
        token,
        expires_at: format_time(expires_at),
    }))
}

/// The signed-in user, its dealer, permissions and groups, and who is really behind a view-as session.
#[utoipa::path(get, path = "/me", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let user = st
        .store
        .own_user(&caller.user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let dealer = st.store.own_dealer(&caller.scope).await?;
    // A group owned above the caller's dealer is shown by name and permissions only.
    let mut groups = Vec::with_capacity(caller.groups.len());
    for mut g in caller.groups {
        if st.store.get_group(&caller.scope, &g.id).await?.is_none() {
            g.dealer_id = String::new();
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
            expires_at: format_time(caller.expires_at),
        }),
        None => None,
    };
    Ok(Json(Me {
        user,
        dealer,
        permissions: caller.permissions.to_vec(),
        groups,
        impersonation,
    }))
}

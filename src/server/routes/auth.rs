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

/// Refuses with 429 when a key has too many recent failures.
async fn throttle(st: &AppState, key: &str, max: i64, now: i64) -> ApiResult<()> {
    let window = st.config.sign_in.window_seconds * MICROS;
    let w = st.store.failures_since(key, now - window).await?;
    if w.count >= max {
        let retry = (w.oldest_at.unwrap_or(now) + window - now).max(MICROS) / MICROS;
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many failed sign-ins: try again in {retry} seconds"),
        );
        e.retry_after = Some(retry as u64);
        return Err(e);
    }
    Ok(())
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
    throttle(
        &st,
        &account_key,
        st.config.sign_in.max_failures_per_account,
        now,
    )
    .await?;
    throttle(
        &st,
        &address_key,
        st.config.sign_in.max_failures_per_address,
        now,
    )
    .await?;
    let record = st.store.login_record(&email).await?;
    let ok = password::verify(
        req.password,
        record.as_ref().and_then(|r| r.password_hash.clone()),
    )
    .await;
    let Some(record) = record.filter(|_| ok) else {
        st.store
            .record_failure(&[account_key, address_key], now, &email, &actor)
            .await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong e-mail or password",
        ));
    };
    if !record.enabled {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "account_disabled",
            "this login is disabled",
        ));
    }
    if !record.dealer_effective_enabled {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "account_suspended",
            "this dealer account is suspended",
        ));
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
        groups: caller.groups,
        impersonation,
    }))
}

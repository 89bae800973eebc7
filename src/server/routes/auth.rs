//! Sessions: sign-in (throttled), sign-out, activation and password links, and `/me`.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;

use crate::domain::permissions::view_as_missing;
use crate::domain::throttle::Backoff;
use crate::domain::validate;
use crate::model::*;
use crate::server::auth::caller::request_context;
use crate::server::auth::client_addr::throttle_address;
use crate::server::auth::token::{hash_token, new_token};
use crate::server::auth::{Caller, password};
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::state::AppState;
use crate::server::store::{Actor, NewSession, ThrottleKey, format_time, now_micros};

/// The client's address and request id, for requests without a session.
pub struct Anonymous(pub Actor);

impl FromRequestParts<AppState> for Anonymous {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let (client_addr, request_id) = request_context(parts, &st.config);
        Ok(Anonymous(Actor {
            client_addr,
            request_id,
            ..Actor::default()
        }))
    }
}

const MICROS: i64 = 1_000_000;

/// 429 with the seconds until the next try is allowed.
fn rate_limited(next_try_at: i64, now: i64, what: &str) -> ApiError {
    let retry = ((next_try_at - now).max(MICROS) + MICROS - 1) / MICROS;
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("too many failed {what} from here: try again in {retry} seconds"),
    );
    e.retry_after = Some(retry as u64);
    e
}

/// 503 while password hashing is at capacity.
pub fn hashing_busy() -> ApiError {
    let mut e = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "the server is busy checking other passwords: try again in a moment",
    );
    e.retry_after = Some(1);
    e
}

/// The throttle counters of an attempt from `addr` (and on `account`, when it names one).
fn throttle_keys(st: &AppState, account: Option<&str>, addr: &str, now: i64) -> Vec<ThrottleKey> {
    let addr = throttle_address(addr);
    let limits = st.config.sign_in;
    let since = now - limits.window_seconds * MICROS;
    let backoff = |free| Backoff {
        free,
        first_wait: limits.first_backoff_seconds * MICROS,
        max_wait: limits.max_backoff_seconds * MICROS,
    };
    let mut keys = vec![ThrottleKey {
        key: format!("address:{addr}"),
        since,
        backoff: backoff(limits.max_failures_per_address),
    }];
    if let Some(account) = account {
        keys.push(ThrottleKey {
            key: format!("account:{account}|{addr}"),
            since,
            backoff: backoff(limits.max_failures_per_account),
        });
    }
    keys
}

/// Gives back the throttle attempts of a request the database rolled back: the guard runs it
/// again, and the retry must not count as a second failure.
async fn released_on_retry<T>(
    st: &AppState,
    attempts: &[String],
    outcome: ApiResult<T>,
) -> ApiResult<T> {
    if let Err(e) = &outcome
        && e.retryable
    {
        st.store.release_sign_in(attempts).await?;
    }
    outcome
}

/// The answer to every sign-in that does not succeed, whatever the reason: a wrong password, an
/// unknown, disabled, suspended or not yet activated login all look the same from outside (the
/// audit says which it was).
fn wrong_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "wrong e-mail or password",
    )
}

/// Signs in with e-mail and password and returns a bearer token.
#[utoipa::path(post, path = "/auth/login", tag = "sessions", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn login(
    State(st): State<AppState>,
    Anonymous(actor): Anonymous,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    // Checked (and so capped) before it is stored anywhere, the audit included.
    let email = validate::email("email", &req.email)?;
    let now = now_micros();
    let addr = actor
        .client_addr
        .clone()
        .unwrap_or_else(|| "unknown".into());
    let keys = throttle_keys(&st, Some(&email), &addr, now);
    let attempts = match st.store.reserve_sign_in(&keys, now).await? {
        Ok(ids) => ids,
        Err(next) => return Err(rate_limited(next, now, "sign-ins")),
    };
    // A database roll-back makes the guard run the request again: its attempt is given back.
    let outcome = async {
        let record = st.store.login_record(&email).await?;
        let ok = match password::verify(
            req.password,
            record.as_ref().and_then(|r| r.password_hash.clone()),
        )
        .await
        {
            Ok(ok) => ok,
            Err(password::Busy) => {
                // Not a failure of the caller's: the attempt does not count.
                st.store.release_sign_in(&attempts).await?;
                return Err(hashing_busy());
            }
        };
        let refused = match &record {
            None => Some("unknown_login"),
            Some(r) if r.password_hash.is_none() => Some("not_activated"),
            Some(_) if !ok => Some("wrong_password"),
            Some(r) if !r.enabled => Some("disabled"),
            Some(r) if !r.dealer_effective_enabled => Some("suspended"),
            Some(_) => None,
        };
        if let Some(reason) = refused {
            match &record {
                // The right password of a login that may not sign in: on the record as refused.
                Some(r) if matches!(reason, "disabled" | "suspended") => {
                    let actor = Actor {
                        user_id: Some(r.user_id.clone()),
                        email: Some(r.email.clone()),
                        ..actor
                    };
                    let details = serde_json::json!({ "reason": reason });
                    st.store
                        .audit_user_event(&r.user_id, "auth.sign_in_refused", &actor, Some(details))
                        .await?;
                }
                _ => st.store.record_failure(&email, &actor, reason).await?,
            }
            return Err(wrong_credentials());
        }
        let record = record.ok_or_else(ApiError::internal)?;
        st.store.release_sign_in(&attempts).await?;
        st.store
            .clear_failures(&format!("account:{email}|{addr}"))
            .await?;
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
                    parent_session_id: None,
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
    .await;
    released_on_retry(&st, &attempts, outcome).await
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

/// Sets the password with the token of an activation or reset link (one use). Throttled like
/// sign-in: made-up tokens from one address are slowed down.
#[utoipa::path(post, path = "/auth/activate", tag = "sessions", request_body = ActivateRequest,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn activate(
    State(st): State<AppState>,
    Anonymous(actor): Anonymous,
    ApiJson(req): ApiJson<ActivateRequest>,
) -> ApiResult<StatusCode> {
    set_password(&st, &actor, &req.token, req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn unusable_link() -> ApiError {
    ApiError::invalid_field(
        "token",
        "this link is invalid, already used, or expired: ask for a new one",
    )
}

/// Uses a link token to set a password; shared by the API and the HTML page. The token is
/// checked (hashed, looked up) before the password is hashed, so made-up tokens cost no argon2.
pub async fn set_password(
    st: &AppState,
    actor: &Actor,
    token: &str,
    new_password: String,
) -> ApiResult<()> {
    validate::password("password", &new_password)?;
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(unusable_link());
    }
    let token_hash = hash_token(token);
    let now = now_micros();
    let addr = actor
        .client_addr
        .clone()
        .unwrap_or_else(|| "unknown".into());
    let keys = throttle_keys(st, None, &addr, now);
    let attempts = match st.store.reserve_sign_in(&keys, now).await? {
        Ok(ids) => ids,
        Err(next) => return Err(rate_limited(next, now, "password links")),
    };
    let outcome = async {
        if !st.store.link_token_usable(&token_hash, now).await? {
            return Err(unusable_link());
        }
        let hash = match password::hash(new_password).await {
            Ok(Ok(hash)) => hash,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "password hashing failed");
                return Err(ApiError::internal());
            }
            Err(password::Busy) => {
                st.store.release_sign_in(&attempts).await?;
                return Err(hashing_busy());
            }
        };
        st.store.use_link_token(&token_hash, &hash, now).await?;
        st.store.release_sign_in(&attempts).await?;
        Ok(())
    }
    .await;
    released_on_retry(st, &attempts, outcome).await
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
    caller.authorize()?;
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
    let theirs = super::users::held_by(&st, &target.id).await?;
    ApiError::unless_held(&view_as_missing(&caller.permissions, &theirs), |names| {
        format!(
            "to view as {} you need what it can see: you lack {names}",
            target.email
        )
    })?;
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
        parent_session_id: Some(caller.session_id.clone()),
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
        policy: st.config.policy,
        impersonation,
    }))
}

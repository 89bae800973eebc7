//! Signing in and setting a password with a link: both throttled per address (and sign-in per
//! account), with password hashing on a bounded pool.

use crate::domain::throttle::Backoff;
use crate::domain::validate;
use crate::model::*;
use crate::server::auth::client_addr::throttle_address;
use crate::server::auth::password;
use crate::server::auth::token::{hash_token, new_token};
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{Actor, NewSession, StoreResult, ThrottleKey, now_micros, time_of};

const MICROS: i64 = 1_000_000;

/// 429 with the seconds until the next try is allowed.
fn rate_limited(next_try_at: i64, now: i64, what: &str) -> ApiError {
    let retry = ((next_try_at - now).max(MICROS) + MICROS - 1) / MICROS;
    let mut e = ApiError::new(
        Refusal::RateLimited,
        format!("too many failed {what} from here: try again in {retry} seconds"),
    );
    e.retry_after = Some(retry as u64);
    e
}

/// 503 while password hashing is at capacity.
pub fn hashing_busy() -> ApiError {
    let mut e = ApiError::new(
        Refusal::Busy,
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
    ApiError::new(Refusal::InvalidCredentials, "wrong e-mail or password")
}

fn unusable_link() -> ApiError {
    ApiError::invalid_field(
        "token",
        "this link is invalid, already used, or expired: ask for a new one",
    )
}

/// Reserves an attempt against every key in one write: refused with the time the next try is
/// allowed when a key's back-off (`domain::throttle`) has not run out. The reservation counts as
/// a failure until released, so parallel guesses cannot all pass.
async fn reserve(
    st: &AppState,
    keys: &[ThrottleKey],
    now: i64,
) -> StoreResult<Result<Vec<String>, i64>> {
    let mut tx = st.store.write().await?;
    tx.lock_throttle_keys(keys).await?;
    for k in keys {
        let (failures, latest) = tx.failures(k).await?;
        if let Some(at) = k.backoff.next_try_at(failures, latest.unwrap_or(now))
            && at > now
        {
            return Ok(Err(at));
        }
    }
    let mut ids = Vec::new();
    for k in keys {
        ids.push(tx.add_attempt(k, now).await?);
    }
    // Attempts older than a day no longer count for anything.
    tx.forget_attempts(now - 86_400_000_000).await?;
    tx.commit().await?;
    Ok(Ok(ids))
}

/// Signs in with e-mail and password and returns a bearer token.
pub async fn login(st: &AppState, actor: Actor, req: LoginRequest) -> ApiResult<LoginResponse> {
    // Checked (and so capped) before it is stored anywhere, the audit included.
    let email = validate::email("email", &req.email)?;
    let now = now_micros();
    let addr = actor
        .client_addr
        .clone()
        .unwrap_or_else(|| "unknown".into());
    let keys = throttle_keys(st, Some(&email), &addr, now);
    let attempts = match reserve(st, &keys, now).await? {
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
        Ok(LoginResponse {
            token,
            expires_at: time_of(expires_at)?,
            user,
        })
    }
    .await;
    released_on_retry(st, &attempts, outcome).await
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
    let attempts = match reserve(st, &keys, now).await? {
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
        if !st.store.use_link_token(&token_hash, &hash, now).await? {
            return Err(unusable_link());
        }
        st.store.release_sign_in(&attempts).await?;
        Ok(())
    }
    .await;
    released_on_retry(st, &attempts, outcome).await
}

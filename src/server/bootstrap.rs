//! First start on an empty database: the provider and its first administrator.

use super::auth::password;
use super::auth::token::{hash_token, new_token};
use super::config::ServerConfig;
use super::mail::Mailer;
use super::store::{Bootstrap, NewLinkToken, Store, now_micros};
use crate::domain::validate;

/// The administrator's login when `DEALERCTL_ADMIN_EMAIL` is not set.
pub const DEFAULT_ADMIN_EMAIL: &str = "admin@dealerctl.local";

/// Creates the provider and first administrator on an empty store; on every start, applies the
/// subscription limits of the configuration to the provider's package.
pub async fn ensure_provider(
    store: &dyn Store,
    config: &ServerConfig,
    mailer: &Mailer,
    admin: AdminLogin,
) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        super::ops::provider::set_package(store, config.subscription.package())
            .await
            .map_err(|e| {
                let why = super::error::ApiError::from(e).message;
                anyhow::anyhow!("the configured [server.subscription] cannot be applied: {why}")
            })?;
        return Ok(());
    }
    let email = validate::email("DEALERCTL_ADMIN_EMAIL", &admin.email)
        .map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
    let mut b = Bootstrap {
        provider_name: config.provider_name.clone(),
        provider_package: config.subscription.package(),
        admin_email: email.clone(),
        admin_password_hash: None,
        admin_link: None,
    };
    let mut link_token = None;
    match admin.password {
        Some(pw) => {
            validate::password("DEALERCTL_ADMIN_PASSWORD", &pw)
                .map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
            b.admin_password_hash = Some(password::hash(pw).await??);
        }
        None => {
            let token = new_token();
            b.admin_link = Some(NewLinkToken {
                token_hash: hash_token(&token),
                expires_at: now_micros() + config.link_days as i64 * 86_400_000_000,
            });
            link_token = Some(token);
        }
    }
    store.bootstrap(b).await?;
    if let Some(token) = link_token {
        let url = format!("{}/activate?token={token}", config.public_url());
        // Printed once, on purpose: this is how the first administrator gets in.
        eprintln!(
            "\nNew database: the provider and its first administrator ({email}) were created.\nSet the administrator's password (one use, expires in {} days):\n\n    {url}\n\nor: dealerctl activate {token} --server {}\n",
            config.link_days,
            config.public_url()
        );
        let body = format!("Set the password of the first dealerctl administrator:\n\n{url}\n");
        if let Err(e) = mailer
            .send(&email, "Your dealerctl administrator login", body)
            .await
        {
            tracing::warn!(error = %e, "could not mail the administrator's activation link");
        }
    }
    Ok(())
}

/// The first administrator's login, from `DEALERCTL_ADMIN_EMAIL` and `DEALERCTL_ADMIN_PASSWORD`.
#[derive(Clone, Default)]
pub struct AdminLogin {
    pub email: String,
    pub password: Option<String>,
}

impl AdminLogin {
    pub fn from_env() -> AdminLogin {
        AdminLogin {
            email: std::env::var("DEALERCTL_ADMIN_EMAIL")
                .unwrap_or_else(|_| DEFAULT_ADMIN_EMAIL.into()),
            password: std::env::var("DEALERCTL_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty()),
        }
    }
}

impl std::fmt::Debug for AdminLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminLogin")
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

//! The server's settings: the `[server]` table of a TOML file, overridden by flags and
//! `DEALERCTL_*` environment variables. Secrets (SMTP and admin passwords) come only from the
//! environment, never from the file.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::domain::policy::PlatformPolicy;
use crate::model::Package;

/// Everything `dealerctl serve` needs to know.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub listen: String,
    /// `sqlite://PATH` (embedded) or `postgres://…` (shared).
    pub database: String,
    /// The address users reach the server at, used in activation links.
    pub public_url: Option<String>,
    /// Where mail goes when no SMTP server is configured: one RFC 5322 file per message.
    pub mail_outbox: PathBuf,
    pub smtp: Option<SmtpConfig>,
    pub tls: Option<TlsConfig>,
    /// Plain HTTP on an address other than loopback (behind a TLS-terminating proxy).
    pub allow_plain_http_on_public_address: bool,
    /// The name of the provider created on an empty database.
    pub provider_name: String,
    /// The platform subscription: the provider's package. Absent numbers are unlimited.
    pub subscription: Subscription,
    pub policy: PlatformPolicy,
    /// Sliding lifetime of a session.
    pub session_hours: u64,
    /// Lifetime of a view-as session.
    pub impersonation_minutes: u64,
    /// Lifetime of an activation or reset link.
    pub link_days: u64,
    pub sign_in: SignInLimits,
    /// Fill an empty database with the demo tree.
    pub seed_demo: bool,
    /// Reverse proxies (CIDRs) whose `X-Forwarded-For` is believed; from any other peer the
    /// header is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a request body may take to arrive before the request is cut off (408).
    pub body_timeout_seconds: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8640".into(),
            database: "sqlite://dealerctl.db".into(),
            public_url: None,
            mail_outbox: PathBuf::from("outbox"),
            smtp: None,
            tls: None,
            allow_plain_http_on_public_address: false,
            provider_name: "Provider".into(),
            subscription: Subscription::default(),
            policy: PlatformPolicy::default(),
            session_hours: 12,
            impersonation_minutes: 15,
            link_days: 7,
            sign_in: SignInLimits::default(),
            seed_demo: false,
            trusted_proxies: Vec::new(),
            body_timeout_seconds: 30,
        }
    }
}

/// SMTP relay settings; the password comes from `DEALERCTL_SMTP_PASSWORD`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default)]
    pub username: Option<String>,
    pub from: String,
}

fn default_smtp_port() -> u16 {
    587
}

/// Certificate and key files (PEM) for serving HTTPS directly.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The provider's package as set by the platform subscription.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Subscription {
    pub max_tenants: Option<i64>,
    pub extensions: Option<i64>,
    pub concurrent_calls: Option<i64>,
    pub recording_minutes: Option<i64>,
    pub high_availability: bool,
}

impl Default for Subscription {
    fn default() -> Self {
        Subscription {
            max_tenants: None,
            extensions: None,
            concurrent_calls: None,
            recording_minutes: None,
            high_availability: true,
        }
    }
}

impl Subscription {
    pub fn package(&self) -> Package {
        Package {
            max_tenants: self.max_tenants,
            extensions: self.extensions,
            concurrent_calls: self.concurrent_calls,
            recording_minutes: self.recording_minutes,
            high_availability: self.high_availability,
            min_extensions_per_tenant: 0,
        }
    }
}

/// Sign-in and activation throttling. Failures are counted over a sliding window per (account,
/// client address), so that nobody can lock another person out from elsewhere, and per client
/// address across accounts, which slows only that address. Past the free failures each further
/// one doubles the wait before the next try, up to `max_backoff_seconds`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignInLimits {
    pub window_seconds: i64,
    /// Failures of one account from one address before the back-off starts.
    pub max_failures_per_account: i64,
    /// Failures from one address, over all accounts (and link tokens), before it is slowed.
    pub max_failures_per_address: i64,
    /// The wait after the free failures are used up; each further failure doubles it.
    pub first_backoff_seconds: i64,
    /// The longest wait the back-off imposes.
    pub max_backoff_seconds: i64,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            window_seconds: 900,
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            first_backoff_seconds: 30,
            max_backoff_seconds: 900,
        }
    }
}

impl ServerConfig {
    /// Reads the `[server]` table of a TOML file (other tables, like console profiles, are ignored).
    pub fn from_toml(text: &str) -> anyhow::Result<ServerConfig> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            server: Option<toml::Value>,
        }
        let file: File = toml::from_str(text)?;
        Ok(match file.server {
            Some(v) => v.try_into()?,
            None => ServerConfig::default(),
        })
    }

    /// The URL that activation links point at.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => {
                let scheme = if self.tls.is_some() { "https" } else { "http" };
                format!("{scheme}://{}", self.listen)
            }
        }
    }

    /// Refuses settings that would be unsafe or cannot work.
    pub fn check(&self) -> anyhow::Result<SocketAddr> {
        let addr: SocketAddr = self
            .listen
            .parse()
            .map_err(|_| anyhow::anyhow!("listen address `{}` is not ADDRESS:PORT", self.listen))?;
        if self.tls.is_none()
            && !addr.ip().is_loopback()
            && !self.allow_plain_http_on_public_address
        {
            anyhow::bail!(
                "refusing to serve plain HTTP on {addr}, which is not a loopback address: configure [server.tls] \
                 with a certificate and key, or, behind a TLS-terminating proxy, set \
                 allow_plain_http_on_public_address = true"
            );
        }
        Ok(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_on_a_public_address_needs_plain_words() {
        let mut c = ServerConfig {
            listen: "0.0.0.0:8640".into(),
            ..ServerConfig::default()
        };
        assert!(c.check().is_err());
        c.allow_plain_http_on_public_address = true;
        assert!(c.check().is_ok());
        let local = ServerConfig::default();
        assert!(local.check().is_ok());
    }

    #[test]
    fn the_server_table_is_read_and_other_tables_ignored() {
        let c = ServerConfig::from_toml(
            "[server]\nlisten = \"127.0.0.1:9000\"\n[server.policy]\nmax_extensions_per_tenant = 100\n[profiles.prod]\nserver = \"https://x\"\n",
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000");
        assert_eq!(c.policy.max_extensions_per_tenant, 100);
        assert_eq!(c.policy.free_recording_minutes_per_tenant, 500);
        assert!(
            ServerConfig::from_toml("[server]\nlistne = 1\n").is_err(),
            "typos are refused"
        );
    }
}

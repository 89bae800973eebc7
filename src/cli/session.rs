//! Which server a verb talks to and with what token: `--server` or the profile's server, and
//! the token from, in order, `--token-file`, `$DEALERCTL_TOKEN`, the profile's sign-in in the
//! keyring (what `dealerctl login` or the console stored).

use clap::Args;
use std::path::PathBuf;

use super::failure::{CliResult, Failure};
use crate::client::ApiClient;
use crate::config::{ConsoleConfig, Profile};
use crate::credentials::{CredentialStore, last_login, session_account};

/// The largest token file read: a token is far smaller, and a wrong path (a log, a disk image)
/// must not be read whole.
const MAX_TOKEN_FILE: u64 = 4096;

/// Where a verb connects, and as whom.
#[derive(Debug, Clone, Default, Args)]
pub struct Connection {
    /// The profile of config.toml to use.
    #[arg(long, env = "DEALERCTL_PROFILE")]
    pub profile: Option<String>,
    /// The server's URL (overrides the profile's).
    #[arg(long, env = "DEALERCTL_SERVER")]
    pub server: Option<String>,
    /// The configuration file (default: the user's config directory).
    #[arg(long, env = "DEALERCTL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Read the token (a session's or an API key's) from this file. Without it, the token is
    /// $DEALERCTL_TOKEN, else the profile's sign-in kept in the keyring by `dealerctl login`.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Allow sending a token over plain HTTP to another machine.
    #[arg(long)]
    pub insecure: bool,
}

/// The profile a verb uses: its name, its settings, and its HTTP client (signed out).
pub struct Target {
    pub name: String,
    pub profile: Profile,
    pub client: ApiClient,
}

impl Connection {
    /// The profile and its client, refusing plain HTTP to another machine unless `--insecure`.
    pub fn target(&self) -> CliResult<Target> {
        let file = self
            .config
            .clone()
            .or_else(crate::config::default_config_file);
        let config = match &file {
            Some(f) => ConsoleConfig::load(f)?,
            None => ConsoleConfig::default(),
        };
        let (name, profile) = config
            .resolve(self.profile.as_deref(), self.server.as_deref())
            .map_err(|e| Failure::usage(format!("{e:#}")))?;
        crate::client::transport::refuse_plain_http(&profile.server, self.insecure)
            .map_err(|e| Failure::usage(format!("{e:#}")))?;
        let client = profile.client()?;
        Ok(Target {
            name,
            profile,
            client,
        })
    }

    /// A client signed in with the first token found (see the module's comment).
    pub async fn signed_in(&self) -> CliResult<ApiClient> {
        let target = self.target()?;
        let token = match &self.token_file {
            Some(path) => read_token_file(path)?,
            None => match std::env::var("DEALERCTL_TOKEN") {
                Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
                _ => target.stored_token().await?.ok_or_else(|| {
                    Failure::usage(format!(
                        "not signed in to profile `{}`: run `dealerctl login`, or give a token with --token-file or $DEALERCTL_TOKEN",
                        target.name
                    ))
                })?,
            },
        };
        Ok(target.client.with_token(token))
    }
}

impl Target {
    /// The e-mail this profile signs in with: the profile's, else the last one used.
    pub fn email(&self) -> Option<String> {
        self.profile
            .email
            .clone()
            .or_else(|| last_login(&crate::config::data_dir(), &self.name))
    }

    /// The keyring and the account the profile's sign-in is kept under.
    pub async fn keyring(&self, email: &str) -> CliResult<(CredentialStore, String)> {
        let choice = self.profile.credential_store;
        let store = tokio::task::spawn_blocking(move || CredentialStore::open(choice))
            .await
            .map_err(|e| Failure::error(e.to_string()))?;
        Ok((store, session_account(&self.name, email)))
    }

    /// The token `dealerctl login` (or the console) kept for this profile, if any.
    pub async fn stored_token(&self) -> CliResult<Option<String>> {
        let Some(email) = self.email() else {
            return Ok(None);
        };
        let (store, account) = self.keyring(&email).await?;
        let token = tokio::task::spawn_blocking(move || store.get(&account))
            .await
            .map_err(|e| Failure::error(e.to_string()))??;
        Ok(token)
    }
}

/// The token in a file: its first line, trimmed. Refused when the file is large enough not to be
/// a token.
fn read_token_file(path: &std::path::Path) -> CliResult<String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    if meta.len() > MAX_TOKEN_FILE {
        return Err(Failure::usage(format!(
            "{} is {} bytes: a token file holds one token (at most {MAX_TOKEN_FILE} bytes)",
            path.display(),
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.is_empty() {
        return Err(Failure::usage(format!("{} holds no token", path.display())));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_file_gives_its_first_line_and_refuses_what_is_no_token() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("t");
        std::fs::write(&f, "  dk_abc \nsecond\n").unwrap();
        assert_eq!(read_token_file(&f).unwrap(), "dk_abc");
        std::fs::write(&f, "\n").unwrap();
        assert!(read_token_file(&f).is_err());
        std::fs::write(&f, "x".repeat(5000)).unwrap();
        assert!(
            read_token_file(&f)
                .unwrap_err()
                .message()
                .contains("one token")
        );
    }
}

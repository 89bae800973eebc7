//! Console profiles and the folders dealerctl uses (configuration, data, logs).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The console's part of `config.toml`: profiles (the `[server]` table is the server's).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConsoleConfig {
    #[serde(default)]
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Where the session token is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialChoice {
    /// The OS keyring, then the Linux kernel keyring, then memory only.
    #[default]
    Auto,
    Keyring,
    KernelKeyring,
    Memory,
}

/// One server and login the console can open.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub server: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Shows the profile name in a warning style.
    #[serde(default)]
    pub production: bool,
    /// A private CA (PEM) to trust for this server.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate. Only for a lab; named so that nobody sets it by accident.
    #[serde(default)]
    pub accept_invalid_certificates_dangerously: bool,
    #[serde(default)]
    pub credential_store: CredentialChoice,
}

impl Profile {
    /// The HTTP client of this profile: its server, and its CA or (only if it says so) no
    /// certificate checks at all. Shared by the console and the scriptable verbs.
    pub fn client(&self) -> anyhow::Result<crate::client::ApiClient> {
        let mut b = crate::client::ApiClient::http_builder();
        if let Some(ca) = &self.ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| anyhow::anyhow!("cannot read ca_file {}: {e}", ca.display()))?;
            b = b.add_root_certificate(reqwest::Certificate::from_pem(&pem)?);
        }
        if self.accept_invalid_certificates_dangerously {
            tracing::warn!("accepting any TLS certificate, as the profile asks");
            b = b.danger_accept_invalid_certs(true);
        }
        Ok(crate::client::ApiClient::with_http(
            b.build()?,
            &self.server,
        ))
    }
}

impl ConsoleConfig {
    /// Reads a config file; a missing file is an empty configuration.
    pub fn load(path: &Path) -> anyhow::Result<ConsoleConfig> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConsoleConfig::default()),
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    }

    /// The profile to open: `--profile`, else `default_profile`, else the only one; `--server`
    /// overrides its server (or makes an ad-hoc profile when none is configured).
    pub fn resolve(
        &self,
        profile: Option<&str>,
        server: Option<&str>,
    ) -> anyhow::Result<(String, Profile)> {
        let chosen = profile
            .map(str::to_string)
            .or_else(|| self.default_profile.clone())
            .or_else(|| {
                (self.profiles.len() == 1)
                    .then(|| self.profiles.keys().next().cloned())
                    .flatten()
            });
        let (name, mut p) = match chosen {
            Some(name) => {
                let p = self.profiles.get(&name).cloned().ok_or_else(|| {
                    let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
                    anyhow::anyhow!(
                        "no profile `{name}` (known: {})",
                        if known.is_empty() {
                            "none".into()
                        } else {
                            known.join(", ")
                        }
                    )
                })?;
                (name, p)
            }
            None if server.is_some() => ("ad-hoc".to_string(), Profile::default()),
            None if self.profiles.is_empty() => anyhow::bail!(
                "no profile configured: create {} (see config.example.toml), or pass --server URL",
                default_config_file()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "config.toml".into())
            ),
            None => anyhow::bail!(
                "several profiles and no default: pass --profile NAME (one of {}) or set default_profile",
                self.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        if let Some(s) = server {
            p.server = s.to_string();
        }
        anyhow::ensure!(
            !p.server.trim().is_empty(),
            "profile `{name}` has no server URL"
        );
        Ok((name, p))
    }
}

/// `~/.config/dealerctl/config.toml` (or the platform's equivalent).
pub fn default_config_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("dealerctl").join("config.toml"))
}

/// Where logs and other data go: `~/.local/share/dealerctl` (or the platform's equivalent).
pub fn data_dir() -> PathBuf {
    dirs::data_local_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("dealerctl")
}

/// The console's log file.
pub fn log_file() -> PathBuf {
    data_dir().join("dealerctl.log")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> ConsoleConfig {
        toml::from_str(t).unwrap()
    }

    #[test]
    fn profiles_resolve_by_flag_default_or_uniqueness() {
        let c = parse(
            "[server]\nlisten = \"x\"\n[profiles.lab]\nserver = \"http://a\"\n[profiles.prod]\nserver = \"https://b\"\nproduction = true\n",
        );
        assert!(c.resolve(None, None).is_err(), "two profiles, no default");
        let (n, p) = c.resolve(Some("prod"), None).unwrap();
        assert_eq!(
            (n.as_str(), p.server.as_str(), p.production),
            ("prod", "https://b", true)
        );
        let (_, p) = c.resolve(Some("lab"), Some("http://override")).unwrap();
        assert_eq!(p.server, "http://override");
        assert!(
            c.resolve(Some("nope"), None)
                .unwrap_err()
                .to_string()
                .contains("known: lab, prod")
        );
        let one = parse("[profiles.only]\nserver = \"http://x\"\n");
        assert_eq!(one.resolve(None, None).unwrap().0, "only");
        let none = ConsoleConfig::default();
        assert_eq!(
            none.resolve(None, Some("http://y")).unwrap().1.server,
            "http://y"
        );
        assert!(none.resolve(None, None).is_err());
    }

    #[test]
    fn unknown_profile_keys_and_plaintext_passwords_are_refused() {
        assert!(
            toml::from_str::<ConsoleConfig>(
                "[profiles.x]\nserver = \"http://x\"\npassword = \"hunter2\"\n"
            )
            .is_err()
        );
    }
}

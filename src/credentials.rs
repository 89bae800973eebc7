//! Where session tokens live: the OS keyring (Secret Service, macOS Keychain, Windows Credential
//! Manager), else the Linux kernel keyring, else memory only, and the console says which.
//! Never a file. Every call blocks, so async code calls these from `spawn_blocking`.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::config::CredentialChoice;

const SERVICE: &str = "dealerctl";

/// The store in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    OsKeyring,
    KernelKeyring,
    Memory,
}

impl StoreKind {
    pub fn label(self) -> &'static str {
        match self {
            StoreKind::OsKeyring => "OS keyring",
            StoreKind::KernelKeyring => "kernel keyring",
            StoreKind::Memory => "memory only",
        }
    }
}

/// A credential store chosen by probing, with the reason when it fell back.
pub struct CredentialStore {
    kind: StoreKind,
    memory: Mutex<HashMap<String, String>>,
    /// Why a better store was not used, for the console to show.
    pub note: Option<String>,
}

fn os_entry(account: &str) -> keyring::Result<keyring::Entry> {
    #[cfg(target_os = "linux")]
    {
        let c = keyring::secret_service::SsCredential::new_with_target(None, SERVICE, account)?;
        Ok(keyring::Entry::new_with_credential(Box::new(c)))
    }
    #[cfg(not(target_os = "linux"))]
    {
        keyring::Entry::new(SERVICE, account)
    }
}

#[cfg(target_os = "linux")]
fn kernel_entry(account: &str) -> keyring::Result<keyring::Entry> {
    let c = keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, account)?;
    Ok(keyring::Entry::new_with_credential(Box::new(c)))
}

#[cfg(not(target_os = "linux"))]
fn kernel_entry(_: &str) -> keyring::Result<keyring::Entry> {
    Err(keyring::Error::NoStorageAccess(
        "no kernel keyring on this system".into(),
    ))
}

/// Whether the OS keyring answers at all (a missing entry is an answer).
fn os_keyring_works() -> Result<(), String> {
    let entry = os_entry("probe").map_err(|e| e.to_string())?;
    match entry.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether the kernel keyring keeps what it is given. Where it is refused (EACCES, reported as
/// "no entry" on read), the write may still leave a copy in the session keyring: delete it.
fn kernel_keyring_works() -> Result<(), String> {
    let entry = kernel_entry("probe").map_err(|e| e.to_string())?;
    let secret = "dealerctl-probe";
    let result = match entry.set_password(secret) {
        Ok(()) => match entry.get_password() {
            Ok(s) if s == secret => Ok(()),
            Ok(_) => Err("it returned something else than was stored".into()),
            Err(e) => Err(format!("it did not keep the secret ({e})")),
        },
        Err(e) => Err(e.to_string()),
    };
    let _ = entry.delete_credential();
    result
}

impl CredentialStore {
    /// Opens the store a profile asks for, probing in order for `auto`.
    pub fn open(choice: CredentialChoice) -> CredentialStore {
        let mut notes = Vec::new();
        let kind = match choice {
            CredentialChoice::Memory => StoreKind::Memory,
            CredentialChoice::Keyring => match os_keyring_works() {
                Ok(()) => StoreKind::OsKeyring,
                Err(e) => {
                    notes.push(format!("OS keyring unavailable: {e}"));
                    StoreKind::Memory
                }
            },
            CredentialChoice::KernelKeyring => match kernel_keyring_works() {
                Ok(()) => StoreKind::KernelKeyring,
                Err(e) => {
                    notes.push(format!("kernel keyring unavailable: {e}"));
                    StoreKind::Memory
                }
            },
            CredentialChoice::Auto => match os_keyring_works() {
                Ok(()) => StoreKind::OsKeyring,
                Err(e) => {
                    notes.push(format!("OS keyring unavailable: {e}"));
                    match kernel_keyring_works() {
                        Ok(()) => StoreKind::KernelKeyring,
                        Err(e) => {
                            notes.push(format!("kernel keyring unavailable: {e}"));
                            StoreKind::Memory
                        }
                    }
                }
            },
        };
        let note = (kind == StoreKind::Memory && choice != CredentialChoice::Memory).then(|| {
            format!(
                "the session token is kept in memory only ({}); sign in again next time",
                notes.join("; ")
            )
        });
        CredentialStore {
            kind,
            memory: Mutex::new(HashMap::new()),
            note,
        }
    }

    /// A store that keeps nothing beyond this process.
    pub fn memory() -> CredentialStore {
        CredentialStore {
            kind: StoreKind::Memory,
            memory: Mutex::new(HashMap::new()),
            note: None,
        }
    }

    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    fn entry(&self, account: &str) -> keyring::Result<keyring::Entry> {
        match self.kind {
            StoreKind::OsKeyring => os_entry(account),
            _ => kernel_entry(account),
        }
    }

    /// The secret stored for `account`, if any.
    pub fn get(&self, account: &str) -> anyhow::Result<Option<String>> {
        if self.kind == StoreKind::Memory {
            return Ok(self
                .memory
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?
                .get(account)
                .cloned());
        }
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub fn set(&self, account: &str, secret: &str) -> anyhow::Result<()> {
        if self.kind == StoreKind::Memory {
            self.memory
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?
                .insert(account.into(), secret.into());
            return Ok(());
        }
        Ok(self.entry(account)?.set_password(secret)?)
    }

    /// Forgets the secret; forgetting nothing is fine.
    pub fn delete(&self, account: &str) -> anyhow::Result<()> {
        if self.kind == StoreKind::Memory {
            self.memory
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?
                .remove(account);
            return Ok(());
        }
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The keyring account of a profile's session: one per profile and login.
pub fn session_account(profile: &str, email: &str) -> String {
    format!("session:{profile}:{email}")
}

/// The file that remembers a profile's last login (an address, not a secret), so that the next
/// start finds the session of a profile that names no e-mail.
fn last_login_file(dir: &std::path::Path, profile: &str) -> std::path::PathBuf {
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("last-login-{safe}"))
}

/// The e-mail last signed in with on this profile.
pub fn last_login(dir: &std::path::Path, profile: &str) -> Option<String> {
    std::fs::read_to_string(last_login_file(dir, profile))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Remembers (or, with `None`, forgets) the e-mail of a profile's login.
pub fn remember_login(
    dir: &std::path::Path,
    profile: &str,
    email: Option<&str>,
) -> std::io::Result<()> {
    let file = last_login_file(dir, profile);
    match email {
        Some(e) => {
            std::fs::create_dir_all(dir)?;
            std::fs::write(file, e)
        }
        None => match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_login_is_remembered_per_profile_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(last_login(dir.path(), "prod/eu"), None);
        remember_login(dir.path(), "prod/eu", Some("noc@acme.example")).unwrap();
        assert_eq!(
            last_login(dir.path(), "prod/eu").as_deref(),
            Some("noc@acme.example")
        );
        assert_eq!(last_login(dir.path(), "lab"), None);
        remember_login(dir.path(), "prod/eu", None).unwrap();
        remember_login(dir.path(), "prod/eu", None).unwrap();
        assert_eq!(last_login(dir.path(), "prod/eu"), None);
    }
}

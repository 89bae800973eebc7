//! The one write gate. Every write the console sends passes `approve` (through
//! `App::send_write`), and none passes while the session is read-only (viewing as someone; the
//! server refuses too). The runner sends only [`Approved`] writes, and only this file can make
//! one, so no key, form, confirmation or mover can reach the server around the gate.

use super::session::Session;
use super::writes::Write;

/// A write that passed the gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Approved(Write);

impl Approved {
    pub fn write(&self) -> &Write {
        &self.0
    }

    pub fn into_write(self) -> Write {
        self.0
    }
}

/// Why a session may not write, in words; `None` when it may.
pub fn read_only_reason(session: Session<'_>) -> Option<String> {
    match session {
        Session::SignedIn { .. } => None,
        Session::SignedOut => Some("sign in first".into()),
        Session::ViewingAs { me, real, .. } => {
            let who = me.map(|m| m.user.email.as_str()).unwrap_or("someone");
            Some(match real {
                Some(real) => format!(
                    "viewing as {who} is read-only: ctrl-x returns to {}",
                    real.email
                ),
                None => format!("viewing as {who} is read-only: ctrl-x returns to your login"),
            })
        }
    }
}

/// The gate: the write, approved, or why the session may not send it.
pub fn approve(session: Session<'_>, w: Write) -> Result<Approved, String> {
    match read_only_reason(session) {
        Some(reason) => Err(reason),
        None => Ok(Approved(w)),
    }
}

#[cfg(test)]
mod tests {
    /// Writes reach the client only from the runner's `send` (`runner/send.rs`), which takes an `Approved` write,
    /// and only the gate makes one: a new write path cannot go around it unnoticed.
    #[test]
    fn every_write_path_goes_through_the_gate() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/console");
        let mut files = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let writes = [
            "create_dealer(",
            "update_dealer(",
            "delete_dealer(",
            "suspend_dealer(",
            "resume_dealer(",
            "set_package(",
            "create_tenant(",
            "update_tenant(",
            "delete_tenant(",
            "suspend_tenant(",
            "resume_tenant(",
            "move_tenant_as_planned(",
            "create_user(",
            "update_user(",
            "delete_user(",
            "reset_password(",
            "create_group(",
            "update_group(",
            "delete_group(",
            "create_rate_card(",
            "update_rate_card(",
            "delete_rate_card(",
            "import_rates(",
            "assign_rate_card(",
            "create_api_key(",
            "revoke_api_key(",
        ];
        let mut calls = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let name = f
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            for w in writes {
                if text.contains(&format!(".{w}")) {
                    calls.push((name.clone(), w));
                }
            }
            if name != "write_gate.rs" {
                assert!(
                    !text.contains("Approved("),
                    "{name} makes an Approved write: only the gate may"
                );
            }
        }
        assert!(!calls.is_empty(), "the scan found the runner's writes");
        for (file, w) in &calls {
            assert_eq!(
                file, "runner/send.rs",
                "{file} calls the client's {w} outside the runner"
            );
        }
        let send = std::fs::read_to_string(root.join("runner/send.rs")).unwrap();
        assert!(
            send.contains("pub async fn send(c: &ApiClient, w: &Approved)"),
            "the runner sends only approved writes"
        );
    }
}

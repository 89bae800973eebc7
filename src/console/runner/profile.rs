//! A profile's HTTP client, and switching the runner to another profile (`:profile NAME`).

use crate::client::ApiClient;
use crate::client::transport::refuse_plain_http;
use crate::config::Profile;
use crate::console::profiles::info::ProfileInfo;
use crate::console::runner::Runner;

/// The HTTP client of a profile (see [`Profile::client`]).
pub fn client_for(profile: &Profile) -> anyhow::Result<ApiClient> {
    profile.client()
}

impl Runner {
    /// Talks to the profile `name` from now on (no session yet: the console asks for the
    /// profile's stored one next). The old server's session is left as it is.
    pub(super) fn switch_profile(&mut self, name: &str) -> Result<ProfileInfo, String> {
        let profile = self
            .profiles
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no profile `{name}`"))?;
        refuse_plain_http(&profile.server, self.insecure).map_err(|e| e.to_string())?;
        let client = client_for(&profile).map_err(|e| format!("profile {name}: {e}"))?;
        let email = profile.email.clone().or_else(|| {
            self.data_dir
                .as_deref()
                .and_then(|dir| crate::credentials::last_login(dir, name))
        });
        self.client = client;
        self.profile = name.to_string();
        Ok(ProfileInfo {
            name: name.to_string(),
            server: profile.server,
            production: profile.production,
            email,
        })
    }
}

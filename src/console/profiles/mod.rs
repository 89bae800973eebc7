//! `:profile`: the profiles of `config.toml` (the same list as `--profile`), and switching to one
//! without leaving the console: the views start afresh on the other server, with that profile's
//! stored session or its sign-in screen.

pub mod info;

use crate::console::app::App;
use crate::console::audit::query::AuditQuery;
use crate::console::msg::Command;
use info::ProfileInfo;

impl App {
    /// `:profile` lists the profiles; `:profile NAME` switches to one.
    pub(crate) fn run_profile_command(&mut self, name: Option<&str>) -> Vec<Command> {
        let Some(name) = name else {
            if self.profiles.is_empty() {
                return self.flash(
                    format!(
                        "only this profile ({}): add others to config.toml",
                        self.profile.name
                    ),
                    false,
                );
            }
            let list: Vec<String> = self
                .profiles
                .iter()
                .map(|(n, server, _)| {
                    let here = if *n == self.profile.name {
                        " (in use)"
                    } else {
                        ""
                    };
                    format!("{n} {server}{here}")
                })
                .collect();
            return self.flash(
                format!("profiles: {}; :profile NAME switches", list.join(", ")),
                false,
            );
        };
        if name == self.profile.name {
            return self.flash(format!("already on the profile {name}"), false);
        }
        if !self.profiles.iter().any(|(n, _, _)| n == name) {
            let known: Vec<&str> = self.profiles.iter().map(|(n, _, _)| n.as_str()).collect();
            return self.flash(
                format!(
                    "no profile `{name}` (known: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
                true,
            );
        }
        vec![Command::SwitchProfile {
            name: name.to_string(),
        }]
    }

    /// The runner now talks to the other profile's server: start afresh there.
    pub(crate) fn on_profile_switched(
        &mut self,
        result: Result<ProfileInfo, String>,
    ) -> Vec<Command> {
        let info = match result {
            Ok(info) => info,
            Err(e) => return self.flash(e, true),
        };
        let mut cmds = Vec::new();
        // A view-as session on the old server ends with it.
        if let Some(real) = self.real_token.take()
            && let Some(view) = self.token.replace(real)
        {
            cmds.push(Command::EndViewAs { token: view });
        }
        self.token = None;
        self.me = None;
        self.online = true;
        self.reset_views();
        // An audit filter names actors and dealers of the old server: it does not carry over.
        self.audit_query = AuditQuery::default();
        let said = format!("profile {} ({})", info.name, info.server);
        self.profile = info;
        cmds.extend(self.start(None));
        cmds.extend(self.flash(said, false));
        cmds
    }
}

//! `:audit …` on the command line, and following: the first page asked again every few seconds
//! while `follow` is on, so new events appear without a key.

use std::time::Duration;

use crate::console::app::App;
use crate::console::audit::query;
use crate::console::msg::Command;
use crate::console::tab::{ListKind, Tab};

/// How often a followed audit trail is asked again.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(5);

impl App {
    /// `:audit ARGS`: a new filter (or follow, or clear), applied at once on the Audit tab.
    pub(crate) fn run_audit_command(&mut self, args: &str) -> Vec<Command> {
        let now = time::OffsetDateTime::now_utc();
        let q = match query::parse(args, &self.audit_query, now) {
            Ok(q) => q,
            Err(e) => return self.flash(e, true),
        };
        let start_following = q.follow && !self.audit_query.follow;
        self.audit_query = q;
        self.tab = Tab::Audit;
        let mut cmds = self.reload(ListKind::Audit);
        if start_following {
            self.follow_gen += 1;
            cmds.push(Command::FollowAfter {
                id: self.follow_gen,
                after: FOLLOW_EVERY,
            });
        }
        let said = match (self.audit_query.narrows(), self.audit_query.follow) {
            (false, false) => "the audit trail, unfiltered".to_string(),
            (false, true) => "following the audit trail".to_string(),
            (true, follow) => format!(
                "audit{}: {}",
                if follow { ", following" } else { "" },
                self.audit_query.describe()
            ),
        };
        cmds.extend(self.flash(said, false));
        cmds
    }

    /// The follow timer fired: ask for the newest events again, unless following stopped (or a
    /// newer timer took over).
    pub(crate) fn on_follow_tick(&mut self, id: u64) -> Vec<Command> {
        if !self.audit_query.follow || id != self.follow_gen || self.me.is_none() {
            self.dirty = false;
            return vec![];
        }
        let mut cmds = if self.audit.loading {
            vec![]
        } else {
            self.reload(ListKind::Audit)
        };
        cmds.push(Command::FollowAfter {
            id,
            after: FOLLOW_EVERY,
        });
        cmds
    }
}

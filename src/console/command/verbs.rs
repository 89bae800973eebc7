//! The verbs of the command line of scripts, on the console's `:` line, read by the same grammar
//! (`crate::verbs`): `:get KIND [NAME] [-q TEXT]` opens the kind's tab (at NAME, or filtered),
//! `:describe KIND NAME|ID` opens the description. The verbs that change something are keys here
//! (each with its confirmation), and the line says which.

use crate::console::app::App;
use crate::console::goto::state::SearchFor;
use crate::console::msg::Command;
use crate::console::tab::Tab;
use crate::model::ObjectKind;
use crate::verbs::{Format, Kind, Line, Verb};

/// The verbs the console's `:` line reads with the shared grammar.
pub const VERBS: &[&str] = &[
    "get", "describe", "create", "edit", "delete", "suspend", "resume", "move", "can-i",
];

/// How many matches `:describe NAME` looks through.
const DESCRIBE_MATCHES: i64 = 20;

fn tab_of(kind: Kind) -> Option<Tab> {
    Some(match kind {
        Kind::Dealers => Tab::Dealers,
        Kind::Tenants => Tab::Tenants,
        Kind::Packages => Tab::Packages,
        Kind::Users => Tab::Users,
        Kind::Groups => Tab::Groups,
        Kind::RateCards | Kind::Rates => Tab::RateCards,
        Kind::Audit => Tab::Audit,
        Kind::ApiKeys => return None,
    })
}

fn object_kind(kind: Kind) -> Option<ObjectKind> {
    Some(match kind {
        Kind::Dealers | Kind::Packages => ObjectKind::Dealer,
        Kind::Tenants => ObjectKind::Tenant,
        Kind::Users => ObjectKind::User,
        Kind::Groups => ObjectKind::Group,
        Kind::RateCards => ObjectKind::RateCard,
        Kind::Rates | Kind::Audit | Kind::ApiKeys => return None,
    })
}

/// Where the console does what a changing verb does.
fn key_for(verb: &str) -> &'static str {
    match verb {
        "create" => "n on the kind's tab",
        "edit" => "select it and press e",
        "delete" => "select it and press ctrl-d",
        "suspend" | "resume" => "select it and press s",
        "move" => "select the tenant and press m",
        _ => ":scope USER shows what a login may do",
    }
}

impl App {
    /// Runs a verb line (`get …`, `describe …`, …).
    pub(crate) fn run_verb_line(&mut self, line: &str) -> Vec<Command> {
        let verb = match Line::parse(line) {
            Ok(v) => v,
            Err(e) => return self.flash(e, true),
        };
        match verb {
            Verb::Get(g) => {
                let script_only = g.under.is_some()
                    || g.all
                    || g.limit.is_some()
                    || g.view.as_user.is_some()
                    || g.output.format != Format::Table;
                if script_only {
                    return self.flash(
                        ":get takes a kind, a name and -q here; --under, --limit, --all, -o and --as are for `dealerctl get`",
                        true,
                    );
                }
                let Some(tab) = tab_of(g.kind) else {
                    return self.flash("API keys are listed by `dealerctl get api-keys`", true);
                };
                let mut cmds = self.switch_tab(tab);
                if let Some(name) = g.target.filter(|_| g.kind != Kind::Rates) {
                    cmds.extend(self.run_goto_command(&name));
                } else if let Some(q) = g.query {
                    cmds.extend(self.apply_filter(&q));
                }
                cmds
            }
            Verb::Describe(d) => {
                let Some(kind) = object_kind(d.kind) else {
                    return self.flash(format!("{} are not described one by one", d.kind), true);
                };
                self.describe_gen += 1;
                if d.kind.is_id(&d.target) {
                    return vec![Command::Describe {
                        kind,
                        id: d.target,
                        generation: self.describe_gen,
                    }];
                }
                self.describe_by_name = Some((kind, d.target.clone()));
                self.search_gen += 1;
                vec![Command::Search {
                    q: d.target,
                    limit: DESCRIBE_MATCHES,
                    purpose: SearchFor::Describe,
                    generation: self.search_gen,
                }]
            }
            _ => {
                let word = line
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                self.flash(
                    format!("`:{word}` is a key in the console: {}", key_for(&word)),
                    true,
                )
            }
        }
    }

    /// The matches of `:describe KIND NAME`: the one of that kind named so is described; none or
    /// several say so.
    pub(crate) fn describe_found(&mut self, hits: &[crate::model::SearchHit]) -> Vec<Command> {
        let Some((kind, name)) = self.describe_by_name.take() else {
            return vec![];
        };
        let wanted = name.to_lowercase();
        let named: Vec<_> = hits
            .iter()
            .filter(|h| h.kind == kind)
            .filter(|h| {
                h.name.to_lowercase() == wanted
                    || h.detail
                        .as_deref()
                        .is_some_and(|d| d.to_lowercase() == wanted)
            })
            .collect();
        match named.as_slice() {
            [one] => vec![Command::Describe {
                kind,
                id: one.id.clone(),
                generation: self.describe_gen,
            }],
            [] => self.flash(format!("no {} named `{name}` in scope", kind.label()), true),
            many => self.flash(
                format!(
                    "`{name}` names {} of them: :goto {name} lists them, or describe by id",
                    many.len()
                ),
                true,
            ),
        }
    }
}

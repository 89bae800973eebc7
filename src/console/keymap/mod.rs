//! The key map: one table that dispatches keys, fills the footer and generates the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tab::Tab;

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    NextTab,
    PrevTab,
    GoTab(usize),
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Collapse,
    Expand,
    Open,
    Filter,
    Command,
    Refresh,
    SortNext,
    SortFlip,
    New,
    Edit,
    Delete,
    /// Every field of the selected object, and its own audit history.
    Describe,
    /// Copy the selected object's id to the terminal's clipboard (OSC 52).
    CopyId,
    Suspend,
    Package,
    NewTenant,
    ResetPassword,
    ViewAs,
    ScopeReport,
    /// The signed-in login's own API keys.
    ApiKeys,
    EndViewAs,
    /// Move a tenant to another dealer (plan first).
    Move,
    /// Import a carrier card's rates from a CSV file.
    Import,
    /// Hand a card to a dealer or bill a tenant with it.
    Assign,
    /// Back out of the rates to the cards (and clear the prefix search).
    Back,
}

impl Action {
    /// Whether the action writes (and so is not offered in a read-only session).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::New
                | Action::Edit
                | Action::Delete
                | Action::Suspend
                | Action::Package
                | Action::NewTenant
                | Action::ResetPassword
                | Action::Move
                | Action::Import
                | Action::Assign
        )
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    Everywhere,
    /// The Dealers tab.
    Tree,
    /// Every tab but the Dealers tab.
    Lists,
    /// The plain tables: not the tree, not the Rate cards tab.
    Tables,
    /// The tree and the plain tables (what can be suspended or has a package).
    Accounts,
    /// Where a tenant can be selected: the tree and the Tenants tab.
    Tenants,
    /// The Rate cards tab.
    RateCards,
    /// The Users tab.
    Users,
}

/// A key binding: the keys, how they read in help, what they do, and where.
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub label: &'static str,
    pub help: &'static str,
    pub action: Action,
    pub place: Where,
    /// Shown in the footer (the most used ones).
    pub footer: bool,
}

mod bindings;

pub use bindings::BINDINGS;
use bindings::{CTRL, SHIFT};

/// The action of a key on a tab.
pub fn action_for(key: &KeyEvent, tab: Tab) -> Option<Action> {
    if let KeyCode::Char(c @ '1'..='7') = key.code
        && key.modifiers.difference(SHIFT).is_empty()
    {
        return Some(Action::GoTab(c as usize - '1' as usize));
    }
    let mods = key
        .modifiers
        .difference(KeyModifiers::SHIFT | KeyModifiers::NONE);
    BINDINGS
        .iter()
        .filter(|b| offered(b, tab))
        .find(|b| {
            b.keys.iter().any(|(code, m)| {
                *code == key.code
                    && (*m == key.modifiers
                        || (m.difference(SHIFT).is_empty()
                            && mods.is_empty()
                            && !matches!(code, KeyCode::Char(_))))
            })
        })
        .map(|b| b.action)
}

/// Whether `b` does something on `tab`: its place, and for a write, whether the tab has
/// something it acts on (nothing is made or suspended on the Audit tab, say).
fn offered(b: &Binding, tab: Tab) -> bool {
    applies(b.place, tab) && (!b.action.writes() || acts_on(b.action, tab))
}

/// The writes each tab carries out.
fn acts_on(action: Action, tab: Tab) -> bool {
    use Action::*;
    match tab {
        Tab::Dealers => matches!(
            action,
            New | Edit | Package | Suspend | Delete | NewTenant | Move
        ),
        Tab::Tenants => matches!(action, New | Edit | Suspend | Delete | Move),
        Tab::Packages => matches!(action, Edit | Package),
        Tab::Users => matches!(action, New | Edit | Suspend | Delete | ResetPassword),
        Tab::Groups => matches!(action, New | Edit | Delete),
        Tab::RateCards => matches!(action, New | Edit | Delete | Import | Assign),
        Tab::Audit => false,
    }
}

fn applies(place: Where, tab: Tab) -> bool {
    match place {
        Where::Everywhere => true,
        Where::Tree => tab == Tab::Dealers,
        Where::Lists => tab != Tab::Dealers,
        Where::Tables => !matches!(tab, Tab::Dealers | Tab::RateCards),
        Where::Accounts => tab != Tab::RateCards,
        Where::Tenants => matches!(tab, Tab::Dealers | Tab::Tenants),
        Where::RateCards => tab == Tab::RateCards,
        Where::Users => tab == Tab::Users,
    }
}

/// The footer's key hints for a tab: key, what it does, and the action (to dim what the login
/// may not do).
pub fn footer_hints(tab: Tab) -> Vec<(&'static str, &'static str, Action)> {
    BINDINGS
        .iter()
        .filter(|b| b.footer && offered(b, tab))
        .map(|b| (b.label, short(b.help), b.action))
        .collect()
}

fn short(help: &'static str) -> &'static str {
    match help {
        "move down / up" => "move",
        "collapse / expand" => "fold",
        "open / fold" => "open",
        "sort: next column / reverse" => "sort",
        "filter (fuzzy) or rates by prefix" => "filter",
        "command line (tab completes)" => "command",
        "new dealer, tenant, user, group, card" => "new",
        "browse the card's rates" => "rates",
        "import a CSV of rates" => "import",
        "assign to dealer/tenant" => "assign",
        "suspend / resume (a user: disable)" => "suspend",
        "delete (asks first)" => "delete",
        "describe: every field and its history" => "describe",
        other => other,
    }
}

/// The help overlay's lines: every binding that does something on `tab`. The second half of a
/// pair (k after j, l after h, G after g, O after o) joins its partner's line.
pub fn help_lines(tab: Tab) -> Vec<(String, &'static str, &'static str)> {
    let mut lines: Vec<(String, &'static str, &'static str)> = Vec::new();
    for b in BINDINGS.iter().filter(|b| offered(b, tab)) {
        let keys = b
            .keys
            .iter()
            .map(|(c, m)| key_name(*c, *m))
            .collect::<Vec<_>>();
        let mut keys = keys;
        keys.dedup();
        let keys = if b.action == Action::GoTab(0) {
            "1 … 7".to_string()
        } else {
            keys.join(", ")
        };
        if matches!(
            b.action,
            Action::Up | Action::Expand | Action::Bottom | Action::SortFlip
        ) && let Some(last) = lines.last_mut()
        {
            last.0 = format!("{} / {keys}", last.0);
            continue;
        }
        let place = match b.place {
            Where::Everywhere => "",
            Where::Tree => "dealer tree",
            Where::Lists => "tables and rate cards",
            Where::Tables => "tables",
            // Nearly everywhere: saying where would only crowd the line.
            Where::Accounts => "",
            Where::Tenants => "tenants",
            Where::RateCards => "rate cards",
            Where::Users => "users",
        };
        lines.push((keys, b.help, place));
    }
    lines
}

fn key_name(code: KeyCode, m: KeyModifiers) -> String {
    let base = match code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Down => "down".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::PageDown => "pgdn".into(),
        KeyCode::PageUp => "pgup".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "shift-tab".into(),
        KeyCode::Esc => "esc".into(),
        other => format!("{other:?}").to_lowercase(),
    };
    if m.contains(CTRL) {
        format!("ctrl-{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::bindings::NONE;
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn keys_map_to_actions_by_view() {
        assert_eq!(
            action_for(&key(KeyCode::Char('j'), NONE), Tab::Dealers),
            Some(Action::Down)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('l'), NONE), Tab::Dealers),
            Some(Action::Expand)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('l'), NONE), Tab::Tenants),
            None,
            "no folding in tables"
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('3'), NONE), Tab::Tenants),
            Some(Action::GoTab(2))
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('c'), CTRL), Tab::Tenants),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('c'), NONE), Tab::Tenants),
            None
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('G'), SHIFT), Tab::Tenants),
            Some(Action::Bottom)
        );
        assert_eq!(
            action_for(&key(KeyCode::BackTab, SHIFT), Tab::Tenants),
            Some(Action::PrevTab)
        );
        // d describes; delete is ctrl-d, as in k9s, so one slip of a finger harms nothing.
        assert_eq!(
            action_for(&key(KeyCode::Char('d'), NONE), Tab::Tenants),
            Some(Action::Describe)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('d'), CTRL), Tab::Tenants),
            Some(Action::Delete)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('y'), NONE), Tab::Dealers),
            Some(Action::CopyId)
        );
    }

    #[test]
    fn rate_card_keys_live_on_their_tab_and_move_where_tenants_are() {
        let m = key(KeyCode::Char('m'), NONE);
        assert_eq!(action_for(&m, Tab::Tenants), Some(Action::Move));
        assert_eq!(action_for(&m, Tab::Dealers), Some(Action::Move));
        assert_eq!(action_for(&m, Tab::Users), None);
        let enter = key(KeyCode::Enter, NONE);
        assert_eq!(action_for(&enter, Tab::RateCards), Some(Action::Open));
        assert_eq!(
            action_for(&key(KeyCode::Char('s'), NONE), Tab::RateCards),
            None,
            "nothing to suspend among rate cards"
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('a'), NONE), Tab::RateCards),
            Some(Action::Assign)
        );
        assert_eq!(action_for(&key(KeyCode::Char('a'), NONE), Tab::Users), None);
        let footer = footer_hints(Tab::RateCards);
        assert!(
            footer.contains(&("u", "import", Action::Import))
                && !footer.iter().any(|(k, _, _)| *k == "s")
        );
    }

    #[test]
    fn help_covers_every_binding_on_some_tab_and_only_what_the_tab_does() {
        let on = |tab| {
            help_lines(tab)
                .into_iter()
                .map(|(k, _, _)| k)
                .collect::<Vec<_>>()
        };
        // Every binding has its line on some tab (the second of a pair joins its partner's).
        let said: std::collections::HashSet<&str> = Tab::ALL
            .into_iter()
            .flat_map(help_lines)
            .map(|(_, what, _)| what)
            .collect();
        for b in BINDINGS.iter().filter(|b| {
            !matches!(
                b.action,
                Action::Up | Action::Expand | Action::Bottom | Action::SortFlip
            )
        }) {
            assert!(said.contains(b.help), "{} is in some tab's help", b.label);
        }
        let tenants = on(Tab::Tenants);
        assert!(
            tenants.contains(&"j, down / k, up".to_string()),
            "{tenants:?}"
        );
        assert!(tenants.iter().any(|k| k.contains("ctrl-c")));
        let audit = on(Tab::Audit);
        assert!(
            !audit.iter().any(|k| k == "n" || k == "s" || k == "ctrl-d"),
            "nothing is made, suspended or deleted on the Audit tab: {audit:?}"
        );
        assert!(on(Tab::Users).contains(&"v".to_string()) && !tenants.contains(&"v".to_string()));
        assert!(
            footer_hints(Tab::Packages)
                .iter()
                .all(|(_, _, a)| *a != Action::Suspend)
        );
    }
}

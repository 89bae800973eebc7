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

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

/// Every binding, in help order.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        label: "j/k",
        help: "move down / up",
        action: Action::Down,
        place: Where::Everywhere,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        label: "k",
        help: "move up",
        action: Action::Up,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::PageDown, NONE), (KeyCode::Char('f'), CTRL)],
        label: "pgdn",
        help: "page down",
        action: Action::PageDown,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::PageUp, NONE), (KeyCode::Char('b'), CTRL)],
        label: "pgup",
        help: "page up",
        action: Action::PageUp,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        label: "g/G",
        help: "first / last row",
        action: Action::Top,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE),
            (KeyCode::End, NONE),
        ],
        label: "G",
        help: "last row",
        action: Action::Bottom,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('h'), NONE), (KeyCode::Left, NONE)],
        label: "h/l",
        help: "collapse / expand",
        action: Action::Collapse,
        place: Where::Tree,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)],
        label: "l",
        help: "expand",
        action: Action::Expand,
        place: Where::Tree,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE)],
        label: "enter",
        help: "open / fold",
        action: Action::Open,
        place: Where::Tree,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('o'), NONE)],
        label: "o/O",
        help: "sort: next column / reverse",
        action: Action::SortNext,
        place: Where::Tables,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('O'), SHIFT), (KeyCode::Char('O'), NONE)],
        label: "O",
        help: "reverse the sort",
        action: Action::SortFlip,
        place: Where::Tables,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('n'), NONE)],
        label: "n",
        help: "new dealer, tenant, user, group, card",
        action: Action::New,
        place: Where::Everywhere,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('e'), NONE)],
        label: "e",
        help: "edit",
        action: Action::Edit,
        place: Where::Everywhere,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('s'), NONE)],
        label: "s",
        help: "suspend / resume (a user: disable)",
        action: Action::Suspend,
        place: Where::Accounts,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('d'), NONE)],
        label: "d",
        help: "describe: every field and its history",
        action: Action::Describe,
        place: Where::Everywhere,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('y'), NONE)],
        label: "y",
        help: "copy the id (works over SSH)",
        action: Action::CopyId,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('d'), CTRL)],
        label: "^d",
        help: "delete (asks first)",
        action: Action::Delete,
        place: Where::Everywhere,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('p'), NONE)],
        label: "p",
        help: "edit the selected dealer's package",
        action: Action::Package,
        place: Where::Accounts,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('t'), NONE)],
        label: "t",
        help: "new tenant here",
        action: Action::NewTenant,
        place: Where::Tree,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('m'), NONE)],
        label: "m",
        help: "move a tenant (plan first)",
        action: Action::Move,
        place: Where::Tenants,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE)],
        label: "enter",
        help: "browse the card's rates",
        action: Action::Open,
        place: Where::RateCards,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Esc, NONE)],
        label: "esc",
        help: "back to the cards",
        action: Action::Back,
        place: Where::RateCards,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('u'), NONE)],
        label: "u",
        help: "import a CSV of rates",
        action: Action::Import,
        place: Where::RateCards,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('a'), NONE)],
        label: "a",
        help: "assign to dealer/tenant",
        action: Action::Assign,
        place: Where::RateCards,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('x'), NONE)],
        label: "x",
        help: "send a new password link",
        action: Action::ResetPassword,
        place: Where::Tables,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('v'), NONE)],
        label: "v",
        help: "view as the user, read-only",
        action: Action::ViewAs,
        place: Where::Tables,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('i'), NONE)],
        label: "i",
        help: "the user's scope report",
        action: Action::ScopeReport,
        place: Where::Tables,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('x'), CTRL)],
        label: "ctrl-x",
        help: "stop viewing as someone",
        action: Action::EndViewAs,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE)],
        label: "enter",
        help: "an audit event's changes",
        action: Action::Open,
        place: Where::Tables,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        help: "filter (fuzzy) or rates by prefix",
        action: Action::Filter,
        place: Where::Everywhere,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char(':'), NONE), (KeyCode::Char(':'), SHIFT)],
        label: ":",
        help: "command line (tab completes)",
        action: Action::Command,
        place: Where::Everywhere,
        footer: true,
    },
    Binding {
        keys: &[(KeyCode::Char('r'), NONE), (KeyCode::Char('r'), CTRL)],
        label: "r",
        help: "refresh",
        action: Action::Refresh,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Tab, NONE)],
        label: "tab",
        help: "next tab",
        action: Action::NextTab,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        label: "S-tab",
        help: "previous tab",
        action: Action::PrevTab,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('1'), NONE)],
        label: "1-7",
        help: "go to tab 1-7",
        action: Action::GoTab(0),
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
        label: "?",
        help: "help",
        action: Action::Help,
        place: Where::Everywhere,
        footer: false,
    },
    Binding {
        keys: &[(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        label: "q",
        help: "quit",
        action: Action::Quit,
        place: Where::Everywhere,
        footer: false,
    },
];

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
        .filter(|b| applies(b.place, tab))
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

fn applies(place: Where, tab: Tab) -> bool {
    match place {
        Where::Everywhere => true,
        Where::Tree => tab == Tab::Dealers,
        Where::Lists => tab != Tab::Dealers,
        Where::Tables => !matches!(tab, Tab::Dealers | Tab::RateCards),
        Where::Accounts => tab != Tab::RateCards,
        Where::Tenants => matches!(tab, Tab::Dealers | Tab::Tenants),
        Where::RateCards => tab == Tab::RateCards,
    }
}

/// The footer's key hints for a tab.
pub fn footer_hints(tab: Tab) -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| b.footer && applies(b.place, tab))
        .map(|b| (b.label, short(b.help)))
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

/// The help overlay's lines: every binding, where it applies. The second half of a pair
/// (k after j, l after h, G after g, O after o) joins its partner's line.
pub fn help_lines() -> Vec<(String, &'static str, &'static str)> {
    let mut lines: Vec<(String, &'static str, &'static str)> = Vec::new();
    for b in BINDINGS {
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
        assert!(footer.contains(&("u", "import")) && !footer.iter().any(|(k, _)| *k == "s"));
    }

    #[test]
    fn help_covers_every_binding() {
        let lines = help_lines();
        assert_eq!(lines.len(), BINDINGS.len() - 4, "pairs share a line");
        assert!(
            lines.iter().any(|(k, _, _)| k == "j, down / k, up"),
            "{lines:?}"
        );
        assert!(help_lines().iter().any(|(k, _, _)| k.contains("ctrl-c")));
    }
}

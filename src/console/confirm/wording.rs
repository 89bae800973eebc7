//! Which writes ask first, and the question a dry run's impact becomes, with the object's name.

use crate::console::writes::Write;
use crate::model::Impact;

/// Whether the write asks the server what it would do before it is sent.
pub fn asks_first(w: &Write) -> bool {
    match w {
        Write::SuspendDealer { .. }
        | Write::DeleteDealer { .. }
        | Write::SuspendTenant { .. }
        | Write::DeleteTenant { .. }
        | Write::ImportRates { .. } => true,
        Write::UpdateUser { patch, .. } => patch.enabled == Some(false),
        Write::UpdateGroup { patch, .. } => patch.permissions.is_some(),
        _ => false,
    }
}

/// `1 tenant`, `3 tenants`.
pub fn count(n: i64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The counts of a subtree's impact that are not zero, in words (`3 sub-dealers, 41 tenants
/// and 12 logins`), or `None` when nothing is counted.
fn subtree(i: &Impact) -> Option<String> {
    let parts: Vec<String> = [
        (i.dealers, "sub-dealer"),
        (i.tenants, "tenant"),
        (i.logins, "login"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| count(n, what))
    .collect();
    (!parts.is_empty()).then(|| and_list(&parts))
}

/// The question to ask before `w`, given what the server says it would do; `None` when the
/// change harms nothing (a login form saved without disabling, a group keeping its permissions).
/// `who` names the object where the write carries only its id (a login's e-mail, a group's name).
pub fn question(w: &Write, i: &Impact, who: &str) -> Option<String> {
    Some(match w {
        Write::SuspendDealer {
            name,
            resume: false,
            ..
        } => match subtree(i) {
            Some(s) => format!("Suspend {name}? {s} stop working; their sessions end."),
            None => format!("Suspend {name}? Nothing more stops working: it is suspended already."),
        },
        Write::SuspendDealer {
            name, resume: true, ..
        } => match subtree(i) {
            Some(s) => format!("Resume {name}? {s} work again."),
            None => format!("Resume {name}? Nothing works again: a dealer above it is suspended."),
        },
        Write::DeleteDealer { name, .. } => format!(
            "Delete {name}? {} and its groups and rate cards go with it; its package returns to the dealer above. This cannot be undone.",
            if i.logins == 1 {
                "Its 1 login".to_string()
            } else {
                format!("Its {} logins", i.logins)
            }
        ),
        Write::SuspendTenant {
            name,
            resume: false,
            ..
        } if i.tenants > 0 => format!("Suspend the tenant {name}? It stops working."),
        Write::SuspendTenant {
            name, resume: true, ..
        } if i.tenants > 0 => format!("Resume the tenant {name}? It works again."),
        Write::SuspendTenant { name, resume, .. } => format!(
            "{} the tenant {name}? Its dealer is suspended: it does not work either way.",
            if *resume { "Resume" } else { "Suspend" }
        ),
        Write::DeleteTenant { name, .. } => format!(
            "Delete the tenant {name}? Its allocations return to its dealer. This cannot be undone."
        ),
        Write::UpdateUser { .. } if i.logins == 0 => return None,
        Write::UpdateUser { .. } => {
            format!("Disable {who}? The login stops working and its sessions end.")
        }
        Write::UpdateGroup { .. } if i.permissions_removed.is_empty() => return None,
        Write::UpdateGroup { .. } => {
            let removed: Vec<String> = i
                .permissions_removed
                .iter()
                .map(|p| p.to_string())
                .collect();
            format!(
                "Save {who}? It no longer grants {}; {} lose {}.",
                and_list(&removed),
                count(i.logins, "login"),
                if removed.len() == 1 { "it" } else { "them" }
            )
        }
        Write::ImportRates { name, path, .. } => {
            let r = i.rates.clone().unwrap_or_default();
            let mut text = format!(
                "Import {path} into {name}? {} added, {} changed, {} removed.",
                count(r.added, "rate"),
                r.changed,
                r.removed
            );
            if !r.derived_cards.is_empty() {
                let names: Vec<String> = r.derived_cards.iter().map(|c| c.name.clone()).collect();
                text.push_str(&format!(
                    " {} priced from it follow{}: {}.",
                    count(names.len() as i64, "card"),
                    if names.len() == 1 { "s" } else { "" },
                    and_list(&names)
                ));
            }
            text
        }
        _ => return None,
    })
}

/// The name to type first: suspending or deleting a dealer that has tenants below it.
pub fn name_to_type(w: &Write, i: &Impact) -> Option<String> {
    match w {
        Write::SuspendDealer {
            name,
            resume: false,
            ..
        }
        | Write::DeleteDealer { name, .. }
            if i.tenants > 0 =>
        {
            Some(name.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CardRef, RatesImpact};

    fn suspend(name: &str) -> Write {
        Write::SuspendDealer {
            id: "dlr_1".into(),
            name: name.into(),
            resume: false,
        }
    }

    #[test]
    fn a_suspend_states_what_stops_working_with_the_name() {
        let i = Impact {
            dealers: 3,
            tenants: 41,
            logins: 12,
            ..Impact::default()
        };
        assert_eq!(
            question(&suspend("Northwind Distribution"), &i, "").unwrap(),
            "Suspend Northwind Distribution? 3 sub-dealers, 41 tenants and 12 logins stop working; their sessions end."
        );
        assert_eq!(
            name_to_type(&suspend("Northwind Distribution"), &i).as_deref(),
            Some("Northwind Distribution")
        );
        let quiet = Impact {
            logins: 1,
            ..Impact::default()
        };
        assert_eq!(name_to_type(&suspend("Leaf"), &quiet), None);
        assert!(
            question(&suspend("Leaf"), &quiet, "")
                .unwrap()
                .contains("1 login stop")
        );
    }

    #[test]
    fn an_import_names_the_cards_that_follow() {
        let w = Write::ImportRates {
            id: "rc_1".into(),
            name: "Carrier".into(),
            path: "rates.csv".into(),
        };
        let i = Impact {
            rates: Some(RatesImpact {
                added: 1,
                changed: 2,
                removed: 18,
                derived_cards: vec![
                    CardRef {
                        id: "rc_2".into(),
                        name: "Retail".into(),
                    },
                    CardRef {
                        id: "rc_3".into(),
                        name: "Resale".into(),
                    },
                ],
            }),
            ..Impact::default()
        };
        assert_eq!(
            question(&w, &i, "").unwrap(),
            "Import rates.csv into Carrier? 1 rate added, 2 changed, 18 removed. 2 cards priced from it follow: Retail and Resale."
        );
    }

    #[test]
    fn a_change_that_harms_nothing_does_not_ask() {
        let w = Write::UpdateGroup {
            id: "grp_1".into(),
            version: 1,
            patch: Default::default(),
        };
        assert_eq!(question(&w, &Impact::default(), "Staff"), None);
        let removed = Impact {
            logins: 2,
            permissions_removed: vec![crate::model::Permission::Impersonate],
            ..Impact::default()
        };
        assert_eq!(
            question(&w, &removed, "Staff").unwrap(),
            "Save Staff? It no longer grants impersonate; 2 logins lose it."
        );
    }
}

//! An audit event's before and after as the fields that changed, in words: an id with the name
//! the server recorded beside it (`dealer_id` with `dealer_name`, `group_ids` with
//! `group_names`), and a list (permissions, groups) as what was added and what was removed.

use serde_json::{Map, Value};

/// One changed field: what it was and what it became (for a list: the items removed and the
/// items added).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A field's value: one text, or a list of items.
#[derive(Debug, Clone, PartialEq)]
enum Worded {
    One(String),
    List(Vec<String>),
}

/// The fields that differ between `before` and `after`, by key.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let before = worded(before);
    let after = worded(after);
    let mut keys: Vec<&String> = before.iter().chain(after.iter()).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    let find = |fields: &[(String, Worded)], k: &str| {
        fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for k in keys {
        let (old, new) = match (find(&before, k), find(&after, k)) {
            (Some(Worded::List(o)), Some(Worded::List(n))) => {
                let gone: Vec<String> = o.iter().filter(|i| !n.contains(i)).cloned().collect();
                let came: Vec<String> = n.iter().filter(|i| !o.contains(i)).cloned().collect();
                (joined(gone), joined(came))
            }
            (o, n) => (o.map(text), n.map(text)),
        };
        if old != new {
            out.push(Change {
                key: k.clone(),
                old,
                new,
            });
        }
    }
    out
}

/// The status an event left its object in (a login's `invited`, `active`, `disabled`): what an
/// operator looks for with the Audit tab's `/` besides the event's own columns.
pub fn status_of(after: Option<&Value>) -> Option<&str> {
    after?.get("status")?.as_str()
}

fn joined(items: Vec<String>) -> Option<String> {
    (!items.is_empty()).then(|| items.join(", "))
}

fn text(w: Worded) -> String {
    match w {
        Worded::One(t) => t,
        Worded::List(items) if items.is_empty() => "(none)".into(),
        Worded::List(items) => items.join(", "),
    }
}

/// A state as `path: value` pairs, nested objects joined with dots, each id with its name.
fn worded(state: Option<&Value>) -> Vec<(String, Worded)> {
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = state {
        walk("", m, &mut out);
    } else if let Some(v) = state {
        out.push((String::new(), Worded::One(scalar(v))));
    }
    out
}

fn walk(prefix: &str, m: &Map<String, Value>, out: &mut Vec<(String, Worded)>) {
    for (k, v) in m {
        if name_of_an_id(m, k) {
            continue;
        }
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let name = name_key(k).and_then(|n| m.get(&n));
        match v {
            Value::Object(inner) => walk(&key, inner, out),
            Value::Array(items) => {
                let names = name.and_then(Value::as_array);
                let words = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| beside(item, names.and_then(|n| n.get(i))))
                    .collect();
                out.push((key, Worded::List(words)));
            }
            one => out.push((key, Worded::One(beside(one, name)))),
        }
    }
}

/// The key that holds the name recorded beside the id under `key`, when `key` is an id's.
fn name_key(key: &str) -> Option<String> {
    if let Some(stem) = key.strip_suffix("_ids") {
        return Some(format!("{stem}_names"));
    }
    key.strip_suffix("_id").map(|stem| format!("{stem}_name"))
}

/// True for a name recorded beside an id of the same object (shown with the id, not alone).
fn name_of_an_id(m: &Map<String, Value>, key: &str) -> bool {
    let id = if let Some(stem) = key.strip_suffix("_names") {
        format!("{stem}_ids")
    } else if let Some(stem) = key.strip_suffix("_name") {
        format!("{stem}_id")
    } else {
        return false;
    };
    m.contains_key(&id)
}

/// An id with its name beside it, or a value as it is.
fn beside(v: &Value, name: Option<&Value>) -> String {
    match (v, name.and_then(Value::as_str).filter(|n| !n.is_empty())) {
        (Value::Null, _) => "(none)".into(),
        (id, Some(name)) => format!("{name} ({})", scalar(id)),
        (other, None) => scalar(other),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(key: &str, old: Option<&str>, new: Option<&str>) -> Change {
        Change {
            key: key.into(),
            old: old.map(Into::into),
            new: new.map(Into::into),
        }
    }

    #[test]
    fn an_id_reads_with_the_name_recorded_beside_it() {
        let before = json!({ "dealer_id": "dlr_1", "dealer_name": "Harbor Voice", "rate_card_id": null, "rate_card_name": null });
        let after = json!({ "dealer_id": "dlr_2", "dealer_name": "Riverside Resell", "rate_card_id": "rc_9", "rate_card_name": "Retail UK" });
        assert_eq!(
            changes(Some(&before), Some(&after)),
            [
                change(
                    "dealer_id",
                    Some("Harbor Voice (dlr_1)"),
                    Some("Riverside Resell (dlr_2)")
                ),
                change("rate_card_id", Some("(none)"), Some("Retail UK (rc_9)")),
            ]
        );
    }

    #[test]
    fn a_list_reads_as_what_was_added_and_removed_with_names_beside_ids() {
        let before = json!({ "group_ids": ["grp_1", "grp_2"], "group_names": ["Sales", "NOC"] });
        let after = json!({ "group_ids": ["grp_2", "grp_3"], "group_names": ["NOC", "Auditor"] });
        assert_eq!(
            changes(Some(&before), Some(&after)),
            [change(
                "group_ids",
                Some("Sales (grp_1)"),
                Some("Auditor (grp_3)")
            )]
        );
        let created = json!({ "name": "Ops", "permissions": ["tenants:read", "audit:read"] });
        assert_eq!(
            changes(None, Some(&created)),
            [
                change("name", None, Some("Ops")),
                change("permissions", None, Some("tenants:read, audit:read")),
            ]
        );
        let updated = json!({ "name": "Ops", "permissions": ["audit:read", "impersonate"] });
        assert_eq!(
            changes(Some(&created), Some(&updated)),
            [change(
                "permissions",
                Some("tenants:read"),
                Some("impersonate")
            )]
        );
    }

    #[test]
    fn an_old_event_without_names_still_reads() {
        let before = json!({ "dealer_id": "dlr_1" });
        let after = json!({ "dealer_id": "dlr_2" });
        assert_eq!(
            changes(Some(&before), Some(&after)),
            [change("dealer_id", Some("dlr_1"), Some("dlr_2"))]
        );
    }

    #[test]
    fn the_status_is_the_after_states() {
        let after = json!({ "status": "disabled", "enabled": false });
        assert_eq!(status_of(Some(&after)), Some("disabled"));
        assert_eq!(status_of(Some(&json!({ "enabled": true }))), None);
        assert_eq!(status_of(None), None);
    }
}

//! Details fetched ahead: the dealers next to the tree's selection, kept so that a move shows
//! them at once. An epoch drops answers asked before the tree was reloaded.

use std::collections::{HashMap, HashSet};

use crate::model::{Capacity, Dealer};

/// How many dealers' details are kept (a move asks for two; the rest are what was passed).
const KEPT: usize = 256;

/// The dealers' details fetched ahead of the selection.
#[derive(Debug, Default)]
pub struct Ahead {
    details: HashMap<String, (Dealer, Option<Capacity>)>,
    asked: HashSet<String>,
    epoch: u64,
}

impl Ahead {
    pub fn get(&self, id: &str) -> Option<&(Dealer, Option<Capacity>)> {
        self.details.get(id)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.details.contains_key(id)
    }

    /// True if a request for `id` is on its way; marks it asked otherwise.
    pub fn asked(&mut self, id: &str) -> bool {
        !self.asked.insert(id.to_string())
    }

    /// The generation requests carry now.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Keeps an answer asked in this epoch.
    pub fn accept(&mut self, epoch: u64, d: (Dealer, Option<Capacity>)) {
        if epoch != self.epoch {
            return;
        }
        self.asked.remove(d.0.id.as_str());
        if self.details.len() >= KEPT {
            self.details.clear();
        }
        self.details.insert(d.0.id.to_string(), d);
    }

    /// Forgets everything (the tree changed); answers on their way are dropped.
    pub fn clear(&mut self) {
        self.details.clear();
        self.asked.clear();
        self.epoch += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dealer(id: &str) -> (Dealer, Option<Capacity>) {
        let mut d: Dealer = serde_json::from_value(serde_json::json!({
            "id": id, "parent_id": null, "level": "reseller", "name": id, "display_name": "",
            "email": "", "phone": "", "address": "", "notes": "", "enabled": true,
            "effective_enabled": true, "package": {"max_tenants": null, "extensions": null,
            "concurrent_calls": null, "recording_minutes": null, "high_availability": false,
            "min_extensions_per_tenant": 0}, "children_count": 0, "tenants_count": 0,
            "users_count": 0, "groups_count": 0, "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z", "version": 1
        }))
        .unwrap();
        d.id = id.into();
        (d, None)
    }

    #[test]
    fn an_answer_asked_before_the_tree_changed_is_dropped() {
        let mut a = Ahead::default();
        assert!(!a.asked("d1"), "first ask");
        assert!(a.asked("d1"), "asked once only");
        let old = a.epoch();
        a.clear();
        a.accept(old, dealer("d1"));
        assert!(!a.contains_key("d1"), "the tree changed since it was asked");
        a.accept(a.epoch(), dealer("d2"));
        assert!(a.contains_key("d2"));
    }
}

//! How the Audit table shows an event.

use crate::console::lists::{Row, SortKey};
use crate::console::widgets::cells::{short_time, text};
use crate::model::*;

/// Column headers and minimum widths (in characters; a cut cell ends with an ellipsis).
pub const HEADERS: &[(&str, u16)] = &[("time", 19), ("actor", 14), ("action", 14), ("name", 10)];

impl Row for AuditEvent {
    fn cells(&self) -> Vec<String> {
        let actor = match (&self.actor_email, &self.impersonator_email) {
            (Some(a), Some(i)) => format!("{i} as {a}"),
            (Some(a), None) => a.clone(),
            (None, _) => "(system)".into(),
        };
        let actor = with_key(actor, self);
        vec![
            short_time(&self.at),
            actor,
            self.action.clone(),
            self.object_name.clone().unwrap_or_default(),
        ]
    }
    fn sort_key(&self, col: usize) -> SortKey {
        match col {
            // Ids are time-ordered: newest first is the natural order.
            0 => SortKey::Text(self.id.clone()),
            c => text(self.cells().get(c).map(String::as_str).unwrap_or("")),
        }
    }
    fn haystack(&self) -> String {
        // Actor, viewer, action, object and time: what the audit filter is asked for; and the
        // status the object was left in (the server's `q` reads the after-state too).
        format!(
            "{} {} {} {} {} {} {} {}",
            short_time(&self.at),
            self.actor_email.clone().unwrap_or_default(),
            self.api_key_name.clone().unwrap_or_default(),
            self.impersonator_email.clone().unwrap_or_default(),
            self.action,
            self.object_type,
            self.object_name.clone().unwrap_or_default(),
            super::diff::status_of(self.after.as_ref()).unwrap_or_default()
        )
    }
}

/// The actor as shown, with the API key its request was made with: "email (key NAME)".
pub fn with_key(actor: String, e: &AuditEvent) -> String {
    match &e.api_key_name {
        Some(k) => format!("{actor} (key {k})"),
        None => actor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_made_with_an_api_key_names_the_key_beside_its_owner() {
        let mut e: AuditEvent = serde_json::from_value(serde_json::json!({
            "id": "evt_1", "at": "2026-11-23T18:56:58Z", "actor_id": "usr_1",
            "actor_email": "ops@acme.example", "impersonator_id": null, "impersonator_email": null,
            "action": "tenant.create", "object_type": "tenant", "object_id": "ten_1",
            "object_name": "Dental", "before": null, "after": null, "client_addr": null,
            "request_id": null
        }))
        .unwrap();
        assert_eq!(e.cells()[1], "ops@acme.example");
        e.api_key_name = Some("deploy".into());
        assert_eq!(e.cells()[1], "ops@acme.example (key deploy)");
        assert!(e.haystack().contains("deploy"));
    }
}

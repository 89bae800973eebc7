//! What the describe popup shows: an object's every field and its own audit history.

use crate::model::{AuditEvent, ObjectKind};

/// An object described.
#[derive(Debug, Clone)]
pub struct Description {
    pub kind: ObjectKind,
    pub id: String,
    pub name: String,
    /// Every field, nested ones as `a.b`, in the wire's order.
    pub fields: Vec<(String, String)>,
    /// Its newest audit events (empty when the login may not read the audit).
    pub history: Vec<AuditEvent>,
    /// Why the history is missing, when it is.
    pub history_note: Option<String>,
    /// The first line shown (j/k scroll).
    pub scroll: usize,
}

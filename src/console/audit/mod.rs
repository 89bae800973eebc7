//! The Audit tab: who did what, newest first; enter opens an event.

pub mod draw;
pub mod rows;

//! The Audit tab: who did what, newest first, narrowed on the server by `:audit key=value…` and
//! followed as events come; enter opens an event.

pub mod diff;
pub mod draw;
pub mod follow;
pub mod query;
pub mod requests;
pub mod rows;

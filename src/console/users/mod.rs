//! The Users tab: logins in scope, invitations, groups, enable and disable, password links.

pub mod forms;
mod keys;
pub mod requests;
pub mod rows;

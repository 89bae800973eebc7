//! The API keys popup (K on the Users tab): the signed-in login's own keys, `n` to make one
//! (its secret shown once), `d` to revoke one after a question that names it.

pub mod draw;
pub mod forms;
pub mod keys;
pub mod state;

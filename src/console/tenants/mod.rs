//! The Tenants tab and moving a tenant to another dealer (picker, then the server's plan).

pub mod forms;
mod keys;
pub mod move_draw;
mod move_keys;
pub mod move_requests;
pub mod mover;
pub mod rows;

//! The management API server.

pub mod store;

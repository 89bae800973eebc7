//! dealerctl: a keyboard-driven console and the management API server behind it, for the dealer
//! channel of a cloud PBX.

pub mod cli;
pub mod client;
pub mod config;
pub mod console;
pub mod credentials;
pub mod domain;
pub mod model;
pub mod server;
pub mod verbs;

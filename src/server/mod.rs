//! The management API server: routes → operations (`ops`, with the rules of `domain`) → store.

pub mod activation_page;
pub mod app;
pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod demo;
pub mod error;
pub mod extract;
pub mod guard;
pub mod mail;
pub mod memory;
pub mod ops;
pub mod private_files;
pub mod retry;
pub mod routes;
pub mod run;
pub mod state;
pub mod store;
pub mod tools;

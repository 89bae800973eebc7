//! The Packages tab: every dealer in scope with its package and how full it is.

mod keys;
pub mod requests;
pub mod rows;

//! Reusable pieces of the console's screens.

pub mod form;
pub mod popup;

//! One view per tab (the list tabs share the table view), and the sign-in screen.

pub mod dealers;
pub mod form_popup;
pub mod mover;
pub mod rate_cards;
pub mod reports;
pub mod signin;
pub mod table;

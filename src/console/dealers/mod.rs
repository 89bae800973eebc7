//! The Dealers tab: the lazily loaded tree of dealers and their tenants beside the selected
//! dealer's details and capacity; the dealer and package forms.

pub mod ahead;
pub mod draw;
pub mod forms;
mod keys;
mod replies;
pub mod requests;
pub mod tree;

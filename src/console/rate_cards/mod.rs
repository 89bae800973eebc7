//! The Rate cards tab: the cards the caller sees (grouped by kind) and the rates of the selected
//! card; derive, edit, import, assign and delete; the live markup preview of the forms.

mod actions;
pub mod draw;
pub mod forms;
mod keys;
pub mod requests;
pub mod rows;
pub mod state;

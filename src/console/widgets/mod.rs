//! Pieces of the console's screens that know no feature.

pub mod cells;
pub mod checks;
pub mod fields;
pub mod form;
pub mod form_field;
pub mod popup;
pub mod table;
pub mod wrap;

//! The Groups tab: permission groups, from templates or blank.

pub mod forms;
mod keys;
pub mod rows;

//! What the console benchmarks share: made-up rows and a console loaded with them.
// Each benchmark binary uses part of this.
#![allow(dead_code)]

pub mod loaded;
pub mod rows;

//! What the console benchmarks share: made-up rows and a console loaded with them, and the real
//! console in a PTY against the server over the benchmark store.
// Each benchmark binary uses part of this.
#![allow(dead_code)]

pub mod loaded;
pub mod pty;
pub mod rows;

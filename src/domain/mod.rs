//! The rules of the dealer channel as pure functions: no I/O, unit and property tests beside them.

pub mod capacity;
pub mod level;
pub mod money;
pub mod permissions;
pub mod policy;
pub mod rates;
pub mod throttle;
pub mod validate;

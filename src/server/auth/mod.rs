//! Authentication: password hashing, opaque tokens, the authenticated caller, sign-in throttling.

pub mod caller;
pub mod client_addr;
pub mod password;
pub mod token;

pub use caller::Caller;

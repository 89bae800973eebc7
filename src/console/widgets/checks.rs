//! Checks a form runs as the user types: the server's own rules, so a value it would refuse is
//! marked before it is sent.

use crate::domain::validate;

pub fn email_check(v: &str) -> Result<(), String> {
    validate::optional_email("email", v)
        .map(|_| ())
        .map_err(|e| e.message)
}

pub fn domain_check(v: &str) -> Result<(), String> {
    validate::sip_domain("domain", v)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// The server's own name rule, checked as the user types (also for rate cards).
pub fn name_check(v: &str) -> Result<(), String> {
    validate::name("name", v).map(|_| ()).map_err(|e| e.message)
}

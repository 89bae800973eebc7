//! The new API key form: a name, an expiry in days (blank for never) and the permissions,
//! of only those the login holds (a key holds no more).

use time::{Duration, OffsetDateTime};

use crate::console::groups::forms::{held_permission_field, permissions_of};
use crate::console::widgets::checks::name_check;
use crate::console::widgets::form::{Field, Form};
use crate::console::writes::Write;
use crate::model::{NewApiKey, Permission};

/// The longest expiry the form takes, in days (ten years).
const MAX_DAYS: i64 = 3650;

fn days_check(v: &str) -> Result<(), String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(());
    }
    match v.parse::<i64>() {
        Ok(d) if (1..=MAX_DAYS).contains(&d) => Ok(()),
        _ => Err(format!("a number of days, 1 to {MAX_DAYS}, or blank")),
    }
}

/// A new key of the signed-in login.
pub fn new_key(held: &[Permission]) -> Form {
    Form::new(
        "New API key",
        vec![
            Field::text("name", "name", "").required().check(name_check),
            Field::text("expires_days", "expires in days", "")
                .check(days_check)
                .hint("blank: never"),
            held_permission_field(held),
        ],
    )
}

/// The key a filled form asks for; its expiry counted from now.
pub fn create_write(form: &Form) -> Write {
    let expires_at = form
        .value("expires_days")
        .trim()
        .parse::<i64>()
        .ok()
        .map(|d| OffsetDateTime::now_utc() + Duration::days(d));
    Write::CreateApiKey(NewApiKey {
        name: form.value("name"),
        permissions: permissions_of(form),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiry_is_blank_or_a_sane_number_of_days() {
        assert!(days_check("").is_ok() && days_check(" 30 ").is_ok());
        assert!(days_check("0").is_err() && days_check("x").is_err());
        assert!(days_check("3651").is_err());
    }
}
